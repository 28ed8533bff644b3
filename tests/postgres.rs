//! The PostgreSQL store (`parley serve --postgres URL`, issue #16's first step): the same promises
//! as the SQLite file — every write committed before it is answered, group commit under load,
//! the same reads — against a PostgreSQL server each test starts for itself, and a server
//! process killed with SIGKILL mid-match continuing from it.

use crate::common::postgres::Postgres;
use crate::common::{Client, Server};
use parley::core::game::{Event, EventKind, Phase};
use parley::store::{MatchRow, PlayerRow, SessionRow, Store, StoreError};
use serde_json::json;

pub(crate) fn session(code: &str, kind: &str) -> SessionRow {
    SessionRow {
        code: code.into(),
        kind: kind.into(),
        settings: "{}".into(),
        facilitator_token: format!("t-{code}"),
        created_at: 1,
    }
}

pub(crate) fn player(id: &str, session: &str, at: i64) -> PlayerRow {
    PlayerRow {
        id: id.into(),
        token: format!("tok-{id}"),
        session: session.into(),
        name: id.to_uppercase(),
        joined_at: at,
        bot: id.starts_with("bot"),
    }
}

pub(crate) fn game(id: &str, session: &str, seats: &[&str], at: i64) -> MatchRow {
    MatchRow {
        id: id.into(),
        session: session.into(),
        scenario: "campsite".into(),
        config: "{}".into(),
        seats: serde_json::to_string(seats).unwrap(),
        created_at: at,
        summary: None,
    }
}

pub(crate) fn ready(seat: usize, at: i64) -> Event {
    Event { at, kind: EventKind::Ready { seat } }
}

#[tokio::test]
async fn the_postgres_store_commits_before_it_answers_and_reads_back_what_it_stored() {
    let pg = Postgres::start();
    let (store, snapshot) = Store::open_postgres(&pg.url).await.expect("opens and creates the schema");
    assert_eq!((snapshot.sessions.len(), snapshot.stored_sessions), (0, 0));

    store.insert_session(session("CLASS1", "workshop")).await.unwrap();
    store.insert_session(session("POOL00", "practice")).await.unwrap();
    // A join code taken twice is a conflict (the caller draws another), not a failure.
    assert!(matches!(store.insert_session(session("CLASS1", "workshop")).await, Err(StoreError::Conflict(_))));
    for (i, p) in ["ana", "ben", "bot1"].iter().enumerate() {
        store.insert_player(player(p, "CLASS1", 10 + i as i64)).await.unwrap();
    }
    store.insert_match(game("m1", "CLASS1", &["ana", "ben"], 20)).await.unwrap();
    store.append_events("m1", 0, vec![ready(0, 21), ready(1, 22)]).await.unwrap();
    store.append_events("m1", 2, vec![ready(0, 23)]).await.unwrap();
    // A sequence number used twice is refused, and takes nothing else down with it.
    let (dup, ok) = tokio::join!(
        store.append_events("m1", 2, vec![ready(1, 24)]),
        store.append_session_event("CLASS1", 30, r#"{"action":"start_pairing"}"#.into())
    );
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    ok.unwrap();
    // Actions of one session sent at once get consecutive places in its log.
    let writes: Vec<_> =
        (0..20).map(|i| store.append_session_event("CLASS1", 40 + i, format!(r#"{{"n":{i}}}"#))).collect();
    for r in futures_util::future::join_all(writes).await {
        r.unwrap();
    }
    // Many matches writing at once share commits and lose nothing (group commit).
    let many: Vec<_> = (0..200)
        .map(|i| {
            let store = store.clone();
            async move {
                let id = format!("g{i}");
                store.insert_match(game(&id, "POOL00", &["ana", "ben"], 100 + i)).await?;
                store.append_events(&id, 0, vec![ready(0, 1000 + i), ready(1, 1001 + i)]).await
            }
        })
        .collect();
    for r in futures_util::future::join_all(many).await {
        r.unwrap();
    }

    // Reads see every acknowledged write, in order.
    let events = store.match_events("m1").await.unwrap();
    assert_eq!(events.iter().map(|e| e.at).collect::<Vec<_>>(), [21, 22, 23]);
    let log = store.session_log("CLASS1").await.unwrap();
    assert_eq!(log.players.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["ana", "ben", "bot1"]);
    assert!(log.players[2].bot && !log.players[0].bot);
    assert_eq!(log.matches.len(), 1);
    assert_eq!(log.session_events.len(), 21);
    let ns: Vec<i64> = log.session_events[1..].iter().map(|(at, _)| *at).collect();
    assert_eq!(ns, (40..60).collect::<Vec<_>>(), "in the order they were sent");
    assert!(store.session_exists("CLASS1").await.unwrap() && !store.session_exists("NOPE00").await.unwrap());
    assert_eq!(store.session_of_player("tok-ben").await.unwrap().as_deref(), Some("CLASS1"));
    let resident = store.resident_session("CLASS1").await.unwrap().expect("stored");
    assert_eq!((resident.players.len(), resident.matches.len(), resident.matches_started), (3, 1, 1));
    let ana = store.resident_player("tok-ana").await.unwrap().expect("stored");
    assert_eq!(ana.last_match.expect("her latest match").0.id, "g199");
    assert_eq!(store.match_events("g137").await.unwrap().len(), 2);
    // A seat handed on; an update of a match that is not there is refused.
    store.update_seats("m1", r#"["ana","bot1"]"#.into()).await.unwrap();
    assert!(store.update_seats("nope", "[]".into()).await.is_err());
    // Practice links, by the key's hash.
    store.link_practice("ana", "HASH-A", 5).await.unwrap();
    let practice = store.practice_log("HASH-A").await.unwrap();
    assert_eq!((practice.linked.len(), practice.log.matches.len()), (1, 201));
    store.unlink_practice("HASH-A").await.unwrap();
    assert!(store.practice_log("HASH-A").await.unwrap().linked.is_empty());
    // A finished match with its summary is dormant at the next start: it leaves the snapshot.
    store.set_summary("m1", "{}".into()).await.unwrap();
    drop(store);

    // Opening again migrates nothing twice and reads only what is live.
    let (again, snapshot) = Store::open_postgres(&pg.url).await.expect("opens again");
    assert_eq!(snapshot.stored_sessions, 2);
    let live: Vec<&str> = snapshot.sessions.iter().map(|s| s.session.code.as_str()).collect();
    assert_eq!(live, ["POOL00"], "the class has no running match left; the practice pool is always live");
    assert_eq!(snapshot.sessions[0].matches.len(), 200);
    assert_eq!(again.match_events("m1").await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_server_on_postgres_killed_mid_match_continues_where_it_was() {
    let pg = Postgres::start();
    let mut server = Server::start_process_with(&["--postgres", &pg.url]);
    let code = server
        .session("campsite", json!({"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 600}), json!({}))
        .await;
    let mut a = server.client().await;
    let ta = a.join(&code, "Ana").await["token"].as_str().unwrap().to_string();
    let mut b = server.client().await;
    let tb = b.join(&code, "Ben").await["token"].as_str().unwrap().to_string();
    let st = a.until_state_in(Phase::Bargaining).await;
    let deadline = st.deadline.unwrap();
    a.send(json!({"type": "chat", "text": "Kept in PostgreSQL?"})).await;
    b.until("the chat", |v| v["type"] == "chat" && v["text"] == "Kept in PostgreSQL?").await;
    a.send(json!({"type": "offer", "package": {"food": 1, "water": 3, "firewood": 0}})).await;
    let st = b.until_state_where("offer", |st| st.offers.len() == 1).await;
    let offer_id = st.offers[0].id;
    // Nothing is in the SQLite file: the server wrote to PostgreSQL.
    assert!(!server.db.exists(), "no SQLite file is made with --postgres");

    server.kill9_and_restart();

    let mut a = Client::connect(&server.ws_url()).await;
    a.send(json!({"type": "hello", "version": 1, "token": ta})).await;
    let st = a.until_state().await;
    assert_eq!((st.phase, st.deadline, st.offers.len()), (Phase::Bargaining, Some(deadline), 1));
    let hist = a.until_type("chat_history").await;
    assert!(hist["lines"].as_array().unwrap().iter().any(|l| l["text"] == "Kept in PostgreSQL?"));
    let mut b = Client::connect(&server.ws_url()).await;
    b.send(json!({"type": "hello", "version": 1, "token": tb})).await;
    b.until_state().await;
    b.send(json!({"type": "accept", "offer_id": offer_id})).await;
    let st = a.until_state_in(Phase::Survey).await;
    assert!(st.outcome.unwrap().is_deal());
    let (status, info) = server.get(&format!("/api/sessions/{code}")).await;
    assert_eq!((status, info["players"].as_u64()), (200, Some(2)));
}

/// A database that stops answering (every PostgreSQL process paused with SIGSTOP, as in a network
/// partition) fails a lookup with `store_unavailable` within `--pg-timeout-ms` instead of holding
/// it; once the database answers again (SIGCONT), so do lookups.
#[tokio::test]
async fn a_stalled_database_fails_lookups_within_the_timeout_then_recovers() {
    let pg = Postgres::start();
    let args = ["--postgres", &pg.url, "--pg-timeout-ms", "1000", "--code-lookups-per-minute", "10000"];
    let server = Server::start_process_with(&args);
    // An unknown code is looked up in the store.
    let (status, v) = server.get("/api/sessions/QQQQQQ").await;
    assert_eq!((status, v["code"].as_str()), (404, Some("unknown_session")), "{v}");

    pg.signal_all("STOP");
    let asked = std::time::Instant::now();
    let (status, v) = server.get("/api/sessions/QQQQQR").await;
    let took = asked.elapsed();
    pg.signal_all("CONT");
    assert_eq!((status, v["code"].as_str()), (503, Some("store_unavailable")), "{v}");
    assert!(!v["message"].as_str().unwrap().contains("postgres"), "no detail in the answer: {v}");
    println!("a lookup on a stopped database failed after {} ms (timeout 1000 ms)", took.as_millis());
    assert!(took < std::time::Duration::from_millis(2500), "the lookup waited {took:?}");

    // Recovers: the same lookup is answered from the store again.
    let recovered = std::time::Instant::now();
    loop {
        let (status, v) = server.get("/api/sessions/QQQQQR").await;
        if status == 404 {
            break;
        }
        assert!(recovered.elapsed() < std::time::Duration::from_secs(10), "still failing after SIGCONT: {v}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // And writes too: a session can be created and joined.
    let code = server
        .session("campsite", json!({"prep": 600, "small_talk": 600, "bargaining": 600, "survey": 600}), json!({}))
        .await;
    let mut a = server.client().await;
    a.join(&code, "Ana").await;
}
