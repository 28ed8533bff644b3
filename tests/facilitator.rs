//! The facilitator's powers over HTTP and WebSocket: every endpoint refuses without the
//! session's token, each control works, and the debrief and exports come from the event log.

use crate::common::console::{control, create, join, monitor, Session};
use crate::common::{Client, Server};
use parley::monitor::{MonitorView, PlayerStatus};
use parley::wire::ServerMsg;
use serde_json::{json, Value};

#[tokio::test]
async fn the_console_is_told_when_something_changes_and_not_otherwise() {
    let server = Server::start();
    let s = create(&server, json!({"scenario": "campsite", "pairing": "facilitator"})).await;
    let mut w = server.client().await;
    w.send(json!({"type": "watch", "code": s.code, "token": s.token})).await;
    let first = w.until_type("monitor").await;
    assert_eq!(first["players"].as_array().map(Vec::len), Some(0), "{first}");
    // Nothing happens, so nothing is sent (a polled monitor sent a frame every second).
    let quiet = tokio::time::timeout(std::time::Duration::from_millis(2500), w.next()).await;
    assert!(quiet.is_err(), "a frame came though nothing changed: {quiet:?}");
    // Someone joins: the console hears it without asking, and that they are online and waiting.
    let (ana, _, _) = join(&server, &s.code, "Ana").await;
    // (A join is several changes a second apart at most: the last frame shows where she ended up.)
    let m = w.until("Ana waiting", |v| v["type"] == "monitor" && v["players"][0]["status"] == "waiting").await;
    assert_eq!((&m["players"][0]["name"], &m["players"][0]["online"]), (&json!("Ana"), &json!(true)), "{m}");
    // She closes her tab: the console hears that too.
    ana.close().await;
    let m = w.until("Ana offline", |v| v["type"] == "monitor" && v["players"][0]["online"] == false).await;
    assert_eq!(m["players"][0]["name"], "Ana");
}

#[tokio::test]
async fn every_facilitator_endpoint_needs_the_sessions_token() {
    let server = Server::start();
    let s = create(&server, json!({"scenario": "campsite"})).await;
    let other = create(&server, json!({"scenario": "campsite"})).await;
    let (_c, _pid, player_token) = join(&server, &s.code, "Ana").await;
    let paths = [
        format!("/api/sessions/{}/monitor", s.code),
        format!("/api/sessions/{}/debrief", s.code),
        format!("/api/sessions/{}/export/players.csv", s.code),
        format!("/api/sessions/{}/export/matches.csv", s.code),
        format!("/api/sessions/{}/export/events.json", s.code),
        format!("/api/sessions/{}/matches/m_0/transcript", s.code),
    ];
    for p in &paths {
        assert_eq!(server.get(p).await.0, 401, "{p} without a token");
        for bad in [&player_token, &other.token] {
            let (status, v) = server.get(&format!("{p}?token={bad}")).await;
            assert_eq!((status, v["code"].as_str()), (403, Some("wrong_facilitator_token")), "{p}");
        }
    }
    let ctl = format!("/api/sessions/{}/control", s.code);
    let (status, _) = server.post(&ctl, json!({"action": "pair_now"}), &[]).await;
    assert_eq!(status, 401);
    let (status, _) = server.post(&ctl, json!({"action": "pair_now"}), &[("x-facilitator-token", &player_token)]).await;
    assert_eq!(status, 403);
    let (status, _) = server
        .post(
            &ctl,
            json!({"action": "broadcast", "text": "hi"}),
            &[("authorization", &format!("Bearer {}", other.token))],
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(server.get("/api/sessions/QQQQQQ/monitor?token=x").await.0, 404);
    // A wrong token over the WebSocket is refused too.
    let mut w = server.client().await;
    w.send(json!({"type": "watch", "code": s.code, "token": player_token})).await;
    assert_eq!(w.until_type("error").await["code"], "bad_token");
    // Nothing changed: nobody was paired.
    let m = monitor(&server, &s).await;
    assert_eq!(m["matches"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn facilitator_pairs_controls_clocks_broadcasts_and_removes() {
    let server = Server::start();
    let durations = json!({"prep": 600, "small_talk": 600, "bargaining": 600, "survey": 600});
    let s = create(
        &server,
        json!({"scenario": "campsite", "pairing": "facilitator", "small_talk": "split", "durations": durations}),
    )
    .await;
    let mut people = Vec::new();
    for name in ["Ana", "Ben", "Cy", "Di", "Ed"] {
        people.push(join(&server, &s.code, name).await);
    }
    // Facilitator pairing: everybody waits.
    for (c, _, _) in people.iter_mut() {
        c.until_type("waiting").await;
    }
    let m = monitor(&server, &s).await;
    assert_eq!(m["waiting"], 5);
    assert_eq!(m["session"]["auto_pairing"], false);
    // By hand: Cy and Ana, in that seat order.
    let (cy, ana) = (people[2].1.clone(), people[0].1.clone());
    control(&server, &s, json!({"action": "pair", "players": [cy, ana]})).await;
    let st = people[2].0.until_type("state").await;
    assert_eq!(st["you"]["seat"], 0);
    assert_eq!(people[0].0.until_type("state").await["you"]["seat"], 1);
    // A bad hand pairing is refused with a reason and its own code (Cy is seated, not waiting).
    let (status, v) = server
        .post(
            &format!("/api/sessions/{}/control", s.code),
            json!({"action": "pair", "players": [cy]}),
            &[("x-facilitator-token", &s.token)],
        )
        .await;
    assert_eq!((status, v["code"].as_str()), (400, Some("not_waiting")), "{v}");
    // Random pairing of the rest: Ben, Di, Ed -> one match, one person left waiting.
    let v = control(&server, &s, json!({"action": "pair_now"})).await;
    assert_eq!(v["affected"], 1);
    let m = monitor(&server, &s).await;
    assert_eq!(m["waiting"], 1);
    let matches = m["matches"].as_array().unwrap();
    assert_eq!(matches.len(), 2);
    // The A/B split: the first match has small talk, the second does not.
    let with: Vec<bool> = matches.iter().map(|x| x["small_talk"].as_bool().unwrap()).collect();
    assert_eq!(with.iter().filter(|b| **b).count(), 1, "{with:?}");

    // Clocks: pause, resume, extend and end the phase for everyone.
    control(&server, &s, json!({"action": "pause"})).await;
    let st = people[2].0.until("paused", |v| v["type"] == "state" && v["paused"] == true).await;
    let deadline = st["deadline"].as_i64().unwrap();
    people[2].0.send(json!({"type": "chat", "text": "hello?"})).await;
    assert_eq!(people[2].0.until_type("error").await["code"], "paused");
    control(&server, &s, json!({"action": "resume"})).await;
    let st = people[2].0.until("resumed", |v| v["type"] == "state" && v["paused"] == false).await;
    assert!(st["deadline"].as_i64().unwrap() >= deadline);
    let before = st["deadline"].as_i64().unwrap();
    control(&server, &s, json!({"action": "extend", "seconds": 60})).await;
    let st = people[2].0.until("extended", |v| v["type"] == "state" && v["deadline"].as_i64() != Some(before)).await;
    assert_eq!(st["deadline"].as_i64().unwrap(), before + 60_000);
    control(&server, &s, json!({"action": "end_phase"})).await;
    let st = people[2].0.until("next phase", |v| v["type"] == "state" && v["phase"] != "prep").await;
    assert!(st["phase"] == "small_talk" || st["phase"] == "bargaining");
    // Broadcast reaches everyone, waiting or playing.
    control(&server, &s, json!({"action": "broadcast", "text": "Ten minutes left"})).await;
    for (c, _, _) in people.iter_mut() {
        assert_eq!(c.until_type("notice").await["text"], "Ten minutes left");
    }
    // Remove Ana: her match ends as abandoned for Cy, and her token stops working.
    control(&server, &s, json!({"action": "remove", "player_id": ana})).await;
    let st = people[2].0.until_phase("results").await;
    assert_eq!(st["outcome"]["kind"], "abandoned");
    let mut again = Client::connect(&server.ws_url()).await;
    again.send(json!({"type": "hello", "version": 1, "token": people[0].2})).await;
    assert_eq!(again.until_type("error").await["code"], "removed");
    let m = monitor(&server, &s).await;
    let ana_row = m["players"].as_array().unwrap().iter().find(|p| p["name"] == "Ana").unwrap().clone();
    assert_eq!(ana_row["status"], "removed");
    // Live monitor over the WebSocket: the same frame as over HTTP, and it decodes as the wire's
    // own monitor type (so the console, the tests and the typedefs read one definition).
    let mut w = server.client().await;
    w.send(json!({"type": "watch", "code": s.code, "token": s.token})).await;
    let live = w.until_msg("monitor", |m| if let ServerMsg::Monitor(v) = m { Some(v) } else { None }).await;
    assert_eq!(live.matches.len(), 2);
    let ana = live.players.iter().find(|p| p.name == "Ana").expect("Ana in the monitor");
    assert_eq!(ana.status, PlayerStatus::Removed);
    let http: MonitorView = serde_json::from_value(monitor(&server, &s).await).expect("HTTP monitor decodes");
    assert_eq!((http.players, http.matches), (live.players.clone(), live.matches.clone()));
    // Only public facts: no role's points or brief in the facilitator's live frame either.
    let raw = w.frames().last().unwrap().to_string();
    assert!(!raw.contains("points") && !raw.contains("brief") && !raw.contains("batna"), "{raw}");
}

/// Plays a campsite match to a deal with both surveys answered.
async fn play_deal(a: &mut Client, b: &mut Client, package: Value, trust: (u8, u8)) {
    let st = a.until_phase("bargaining").await;
    let seat_a = st["you"]["seat"].as_u64().unwrap();
    a.send(json!({"type": "offer", "package": package})).await;
    let id = b.until("offer", |v| v["type"] == "state" && v["offers"].as_array().is_some_and(|o| !o.is_empty())).await
        ["offers"][0]["id"]
        .clone();
    b.send(json!({"type": "accept", "offer_id": id})).await;
    a.until_phase("survey").await;
    b.until_phase("survey").await;
    let _ = seat_a;
    a.send(json!({"type": "survey", "ratings": {"trust": trust.0, "foundation": trust.0, "listened": trust.0}})).await;
    b.send(json!({"type": "survey", "ratings": {"trust": trust.1, "foundation": trust.1, "listened": trust.1}})).await;
    a.until_phase("results").await;
    b.until_phase("results").await;
}

#[tokio::test]
async fn debrief_and_exports_are_built_from_the_log_and_repeatable() {
    let server = Server::start();
    let durations = json!({"prep": 0, "small_talk": 600, "bargaining": 600, "survey": 600});
    let s = create(&server, json!({"scenario": "campsite", "small_talk": "split", "durations": durations})).await;
    let (mut a, _, _) = join(&server, &s.code, "Ana").await;
    let (mut b, _, _) = join(&server, &s.code, "Ben").await;
    // Match 1 has small talk (split: even matches talk first).
    a.until_phase("small_talk").await;
    a.send(json!({"type": "chat", "text": "Hi! Where are you camping?"})).await;
    for c in [&mut a, &mut b] {
        c.send(json!({"type": "ready"})).await;
    }
    play_deal(&mut a, &mut b, json!({"food": 1, "water": 3, "firewood": 0}), (6, 7)).await;
    let (mut c, _, _) = join(&server, &s.code, "Cy").await;
    let (mut d, _, _) = join(&server, &s.code, "Di").await;
    play_deal(&mut c, &mut d, json!({"food": 0, "water": 0, "firewood": 0}), (2, 3)).await;

    let path = |f: &str| format!("/api/sessions/{}/{f}?token={}", s.code, s.token);
    let (status, deb) = server.get(&path("debrief")).await;
    assert_eq!(status, 200);
    assert_eq!(deb["matches"].as_array().unwrap().len(), 2);
    assert_eq!(deb["stats"]["n"], 2);
    assert_eq!(deb["stats"]["impasse_rate"], 0.0);
    assert_eq!(deb["treatment"]["with_small_talk"]["n"], 1);
    assert_eq!(deb["treatment"]["without_small_talk"]["n"], 1);
    // Trust from the survey: (6,7) -> mean of 83.3 and 100 = 91.7; (2,3) -> mean of 16.7 and
    // 33.3 = 25 (trust built averages it with the behavioural estimate since issue #11).
    let t1 = deb["treatment"]["with_small_talk"]["mean_trust_survey"].as_f64().unwrap();
    let t2 = deb["treatment"]["without_small_talk"]["mean_trust_survey"].as_f64().unwrap();
    assert!((t1 - 275.0 / 3.0).abs() < 1e-9 && (t2 - 25.0).abs() < 1e-9, "{t1} {t2}");
    assert!(deb["chart"]["frontier"].as_array().unwrap().len() >= 2);
    assert_eq!(deb["chart"]["outcomes"].as_array().unwrap().len(), 2);
    assert_eq!(deb["issues"].as_array().unwrap().len(), 3);
    let mid = deb["matches"][0]["id"].as_str().unwrap().to_string();
    let (status, tr) = server.get(&path(&format!("matches/{mid}/transcript"))).await;
    assert_eq!(status, 200);
    assert!(tr["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["kind"] == "chat" && i["text"] == "Hi! Where are you camping?"));
    assert!(tr["items"].as_array().unwrap().iter().any(|i| i["kind"] == "offer"));

    let (status, players) = server.get(&path("export/players.csv")).await;
    assert_eq!(status, 200);
    let players = players.as_str().unwrap().to_string();
    let lines: Vec<&str> = players.lines().collect();
    assert_eq!(lines.len(), 1 + 4, "a header and one row per player per match");
    assert!(lines[0].starts_with("session,match_id,player_id,name,seat,role"));
    let (_, matches) = server.get(&path("export/matches.csv")).await;
    assert_eq!(matches.as_str().unwrap().lines().count(), 3);
    let (_, events) = server.get(&path("export/events.json")).await;
    assert_eq!(events["matches"].as_array().unwrap().len(), 2);
    // The same ids everywhere, and a re-export gives the same bytes.
    for line in lines.iter().skip(1) {
        let id = line.split(',').nth(1).unwrap();
        assert!(matches.as_str().unwrap().contains(id));
    }
    for f in ["export/players.csv", "export/matches.csv", "export/events.json"] {
        let (_, x) = server.get(&path(f)).await;
        let (_, y) = server.get(&path(f)).await;
        assert_eq!(x, y, "{f} differs between two exports");
    }
}

#[tokio::test]
async fn sessions_can_be_created_from_the_command_line() {
    let server = Server::start();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_parley"))
        .args(["session", "create", "--server", &server.addr, "--scenario", "campsite", "--small-talk", "split"])
        .args(["--pairing", "facilitator", "--durations", "10,20,30,40", "--title", "Tuesday"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let s =
        Session { code: v["code"].as_str().unwrap().into(), token: v["facilitator_token"].as_str().unwrap().into() };
    let m = monitor(&server, &s).await;
    assert_eq!(
        (m["session"]["small_talk"].as_str(), m["session"]["pairing"].as_str()),
        (Some("split"), Some("facilitator"))
    );
    assert_eq!(m["session"]["title"], "Tuesday");
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_parley"))
        .args(["session", "create", "--server", &server.addr, "--scenario", "moon-base"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("unknown")
            || String::from_utf8_lossy(&bad.stderr).contains("no scenario")
    );
    // A setting outside its values is refused by the command line itself, naming the values.
    let typo = std::process::Command::new(env!("CARGO_BIN_EXE_parley"))
        .args(["session", "create", "--server", &server.addr, "--scenario", "campsite", "--small-talk", "half"])
        .output()
        .unwrap();
    assert!(!typo.status.success());
    let err = String::from_utf8_lossy(&typo.stderr);
    assert!(err.contains("split") && err.contains("none"), "{err}");
}

#[tokio::test]
async fn two_hundred_participants_export_without_losing_anyone() {
    let server = Server::start();
    let s = create(&server, json!({"scenario": "campsite", "durations": {"prep": 600, "small_talk": 600, "bargaining": 600, "survey": 600}})).await;
    let mut clients = Vec::new();
    for i in 0..200 {
        let mut c = server.client().await;
        c.join(&s.code, &format!("P{i:03}")).await;
        clients.push(c);
    }
    for c in clients.iter_mut() {
        c.until_type("state").await;
    }
    let m = monitor(&server, &s).await;
    assert_eq!(m["players"].as_array().unwrap().len(), 200);
    assert_eq!(m["matches"].as_array().unwrap().len(), 100);
    let (_, players) = server.get(&format!("/api/sessions/{}/export/players.csv?token={}", s.code, s.token)).await;
    let players = players.as_str().unwrap().to_string();
    assert_eq!(players.lines().count(), 1 + 200, "one row per player per match, none cut");
    for i in 0..200 {
        assert!(players.contains(&format!(",P{i:03},")), "P{i:03} missing");
    }
    let (_, matches) = server.get(&format!("/api/sessions/{}/export/matches.csv?token={}", s.code, s.token)).await;
    assert_eq!(matches.as_str().unwrap().lines().count(), 1 + 100);
    let (_, events) = server.get(&format!("/api/sessions/{}/export/events.json?token={}", s.code, s.token)).await;
    assert_eq!(events["players"].as_array().unwrap().len(), 200);
}

/// A facilitator pairing two people by hand while one of them presses "Leave the queue": the
/// session's actor takes one request after the other, so either the pairing is refused (she
/// had left) or her leaving is (she is in the match). Never both accepted: a player who left
/// must not find herself seated, and a pairing that was accepted must not lose a player.
#[tokio::test]
async fn a_hand_pairing_and_a_leave_racing_never_both_succeed() {
    let server = Server::start();
    let durations = json!({"prep": 600, "small_talk": 600, "bargaining": 600, "survey": 600});
    let s = create(&server, json!({"scenario": "campsite", "pairing": "facilitator", "durations": durations})).await;
    let ctl = format!("/api/sessions/{}/control", s.code);
    let (mut paired, mut left) = (0, 0);
    for round in 0..16u64 {
        let (mut a, a_id, _) = join(&server, &s.code, &format!("A{round}")).await;
        let (mut b, b_id, _) = join(&server, &s.code, &format!("B{round}")).await;
        a.until_type("waiting").await;
        b.until_type("waiting").await;
        let body = json!({"action": "pair", "players": [a_id, b_id]});
        let token = [("x-facilitator-token", s.token.as_str())];
        // The leave goes out later and later across rounds (more yields each time), so the rounds sweep across the
        // moment the pairing is being checked and carried out (a delay that explores orders,
        // not one that waits for something).
        let leave = async {
            for _ in 0..round * 20 {
                tokio::task::yield_now().await;
            }
            a.send(json!({"type": "leave"})).await
        };
        let (pairing, ()) = tokio::join!(server.post(&ctl, body, &token), leave);
        let answer = a.until("an answer to leave", |v| v["type"] == "left" || v["type"] == "error").await;
        match (pairing.0, answer["type"].as_str()) {
            (200, Some("error")) => {
                assert_eq!(answer["code"], "in_match", "{answer}");
                // Her match's state came before the refusal, or comes now.
                if !a.frames().any(|f| f["type"] == "state") {
                    a.until_type("state").await;
                }
                b.until_type("state").await;
                paired += 1;
            }
            (400, Some("left")) => {
                assert!(pairing.1["message"].as_str().unwrap_or("").contains("not waiting"), "{}", pairing.1);
                left += 1;
            }
            other => panic!("pairing {} and leave {answer} both went through or both failed: {other:?}", pairing.1),
        }
    }
    // Both orders happen in practice; what matters is that each round was one or the other.
    assert_eq!(paired + left, 16);
}
