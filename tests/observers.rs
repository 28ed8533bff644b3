//! Observers (the fishbowl) over real WebSockets: the facilitator places a participant on a
//! running match by hand or at random; the observer reads the public chat and offers live, is
//! refused every game action, and is never sent a role's brief, points or walk-away value, a
//! disclosure's verdict, a coaching nudge or a survey answer before results (checked on the raw
//! frames); their observation sheet reaches the players' results, the debrief and
//! `observations.csv`; they resume after closing the tab and after a kill -9.

use crate::common::console::{control, create, join, monitor, try_control};
use crate::common::{Client, Server};
use parley::core::game::Phase;
use parley::wire::{ObserverView, ServerMsg};
use serde_json::{json, Value};

/// Reads until an `observe` frame that satisfies `pred`, decoded as the wire type.
async fn until_observe(c: &mut Client, what: &str, pred: impl Fn(&ObserverView) -> bool) -> ObserverView {
    c.until_msg(what, |m| match m {
        ServerMsg::Observe(v) if pred(&v) => Some(*v),
        _ => None,
    })
    .await
}

fn player<'a>(m: &'a Value, name: &str) -> &'a Value {
    m["players"].as_array().unwrap().iter().find(|p| p["name"] == name).unwrap()
}

#[tokio::test]
async fn an_observer_watches_live_sees_nothing_hidden_and_their_sheet_reaches_results_and_debrief() {
    let server = Server::start();
    let durations = json!({"prep": 0, "small_talk": 600, "bargaining": 600, "survey": 600});
    let s = create(
        &server,
        json!({"scenario": "campsite", "pairing": "facilitator", "durations": durations, "coaching": true}),
    )
    .await;
    let (mut ana, ana_id, _) = join(&server, &s.code, "Ana").await;
    let (mut ben, ben_id, _) = join(&server, &s.code, "Ben").await;
    let (mut cy, cy_id, cy_token) = join(&server, &s.code, "Cy").await;
    cy.until_type("waiting").await;
    control(&server, &s, json!({"action": "pair", "players": [ana_id, ben_id]})).await;
    let st = ana.until_state().await;
    let match_id = st.match_id.clone();
    ben.until_state().await;

    // Refusals name the problem and change nothing: a player of a running match, a bot-free
    // session's unknown match, an unknown player.
    let (status, v) =
        try_control(&server, &s, json!({"action": "observe", "player_id": ben_id, "match_id": match_id})).await;
    assert_eq!((status, v["code"].as_str()), (400, Some("bad_request")), "{v}");
    let (status, _) =
        try_control(&server, &s, json!({"action": "observe", "player_id": cy_id, "match_id": "m_0"})).await;
    assert_eq!(status, 400);
    let (status, _) =
        try_control(&server, &s, json!({"action": "observe", "player_id": "p_0", "match_id": match_id})).await;
    assert_eq!(status, 400);

    control(&server, &s, json!({"action": "observe", "player_id": cy_id, "match_id": match_id})).await;
    let view = until_observe(&mut cy, "the observer view", |_| true).await;
    assert_eq!(view.match_id, match_id);
    assert_eq!(view.players.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["Ana", "Ben"]);
    assert_eq!(view.sheet.tactics.len(), 9, "every strategy label can be ticked");
    assert!(view.sheet.sent.is_none() && view.results.is_none());
    // The players are told who watches.
    ana.until_state_where("Cy named", |st| st.observers == ["Cy"]).await;
    let m = monitor(&server, &s).await;
    assert_eq!((&player(&m, "Cy")["status"], &player(&m, "Cy")["match_id"]), (&json!("observing"), &json!(match_id)));
    assert_eq!(m["matches"][0]["observers"], json!(["Cy"]));
    assert_eq!(m["waiting"], 0, "the observer left the waiting line");

    // Observers do not play.
    for frame in [
        json!({"type": "chat", "text": "Psst, take the water"}),
        json!({"type": "ready"}),
        json!({"type": "walk_away"}),
        json!({"type": "offer", "package": {"food": 0, "water": 0, "firewood": 0}}),
    ] {
        cy.send(frame).await;
        cy.until_error("observer_cannot_act").await;
    }
    // The chat is public: the observer reads it as it is said.
    ana.send(json!({"type": "chat", "text": "Hello Ben, off camping soon?"})).await;
    cy.until("Ana's line", |v| v["type"] == "chat" && v["text"] == "Hello Ben, off camping soon?").await;
    ana.send(json!({"type": "ready"})).await;
    ben.send(json!({"type": "ready"})).await;
    let st = ana.until_state_in(Phase::Bargaining).await;
    until_observe(&mut cy, "bargaining", |v| v.phase == Phase::Bargaining).await;
    let ana_seat = st.you.seat;
    // A disclosure (its verdict waits for results), an offer (worth points to each side) and a
    // question that makes the coach speak up to Ben.
    ana.send(json!({"type": "disclose", "statement": {"kind": "importance", "issue": "water", "level": "high"}})).await;
    cy.until("the statement as chat", |v| v["type"] == "chat" && v["kind"] == "disclosure").await;
    ana.send(json!({"type": "offer", "package": {"food": 1, "water": 3, "firewood": 0}})).await;
    let seen = until_observe(&mut cy, "the offer", |v| !v.offers.is_empty()).await;
    assert_eq!((seen.offers[0].seat, seen.offers[0].package["water"]), (ana_seat, 3));

    // Cy closes the tab and comes back: still observing, with the whole story so far.
    cy.close().await;
    ana.until_state_where("Cy gone", |st| st.observers.is_empty()).await;
    let mut cy = Client::connect(&server.ws_url()).await;
    cy.send(json!({"type": "hello", "version": 1, "token": cy_token})).await;
    let back = until_observe(&mut cy, "resumed", |_| true).await;
    assert!(back.offers_complete && back.offers.len() == 1 && back.phase == Phase::Bargaining);
    let history = cy.until_type("chat_history").await;
    assert!(history["lines"].as_array().unwrap().iter().any(|l| l["text"] == "Hello Ben, off camping soon?"));

    // The sheet: texts required and capped, one per observer.
    cy.send(json!({"type": "observation", "tactics": ["small-talk"], "done_well": "   ", "to_try": "x"})).await;
    cy.until_error("bad_sheet").await;
    cy.send(json!({"type": "observation", "tactics": ["small-talk"], "done_well": "x", "to_try": "y".repeat(501)}))
        .await;
    cy.until_error("bad_sheet").await;
    cy.send(json!({"type": "observation", "tactics": ["not-a-tactic"], "done_well": "x", "to_try": "y"})).await;
    cy.until_error("bad_message").await;
    let sheet = json!({"type": "observation", "tactics": ["small-talk", "self-need"],
        "done_well": "Ana opened warmly and said what she needs.", "to_try": "=Ben could ask <b>why</b> water matters."});
    cy.send(sheet.clone()).await;
    let sent = until_observe(&mut cy, "sheet sent", |v| v.sheet.sent.is_some()).await.sheet.sent.unwrap();
    assert_eq!(sent.tactics.names(), ["small-talk", "self-need"]);
    cy.send(sheet).await;
    cy.until_error("sheet_already_sent").await;

    // Ben accepts; both answer the survey; results.
    let offer_id = ben.until_state_where("offer", |st| !st.offers.is_empty()).await.offers[0].id;
    ben.send(json!({"type": "accept", "offer_id": offer_id})).await;
    ana.until_state_in(Phase::Survey).await;
    for c in [&mut ana, &mut ben] {
        c.send(json!({"type": "survey", "ratings": {"trust": 6, "foundation": 5, "listened": 7, "fair": 4, "satisfied": 3}}))
            .await;
    }
    let results = ana.until_state_in(Phase::Results).await.results.expect("the reveal");
    assert_eq!(results.observations.len(), 1, "Ana reads Cy's sheet");
    let o = &results.observations[0];
    assert_eq!((o.observer.as_str(), o.done_well.as_str()), ("Cy", "Ana opened warmly and said what she needs."));
    assert_eq!(o.to_try, "=Ben could ask <b>why</b> water matters.", "kept as text");
    let ben_results = ben.until_state_in(Phase::Results).await.results.unwrap();
    assert_eq!(ben_results.observations, results.observations);
    let seen = until_observe(&mut cy, "results", |v| v.phase == Phase::Results).await;
    assert_eq!(seen.results.expect("the observer's reveal").observations.len(), 1);

    // The raw frames: before results nothing hidden reached the observer (on either connection).
    let before_results: Vec<&String> = cy
        .raw
        .iter()
        .take_while(|f| !(f.contains("\"type\":\"observe\"") && f.contains("\"phase\":\"results\"")))
        .collect();
    assert!(before_results.len() > 5);
    let scenario = parley::core::scenario::load_file(&crate::common::repo().join("scenarios/campsite.toml")).unwrap();
    for f in &before_results {
        for key in [
            "\"brief\"",
            "\"points\"",
            "\"batna\"",
            "\"value_to_you\"",
            "\"truthful\"",
            "\"coaching\"",
            "\"ratings\"",
            "\"you\"",
        ] {
            assert!(!f.contains(key), "{key} reached the observer before results: {f}");
        }
        assert!(!f.contains("\"type\":\"coach\""), "a coaching nudge reached the observer: {f}");
        for role in &scenario.roles {
            let brief = serde_json::to_string(&role.brief).unwrap();
            assert!(!f.contains(&brief[1..brief.len() - 1]), "a brief reached the observer: {f}");
        }
    }

    // The debrief and the export.
    let (status, d) = server.get(&format!("/api/sessions/{}/debrief?token={}", s.code, s.token)).await;
    assert_eq!(status, 200);
    let obs = &d["observations"];
    assert_eq!((&obs["sheets"], &obs["observers"], &obs["matches_observed"]), (&json!(1), &json!(1), &json!(1)));
    let small_talk = obs["rows"].as_array().unwrap().iter().find(|r| r["tactic"] == "small-talk").unwrap();
    assert_eq!(small_talk["seen"], 1);
    let row = d["matches"].as_array().unwrap().iter().find(|m| m["id"] == json!(match_id)).unwrap();
    assert_eq!(row["observations"][0]["observer"], "Cy");
    let (status, csv) =
        server.get(&format!("/api/sessions/{}/export/observations.csv?token={}", s.code, s.token)).await;
    assert_eq!(status, 200);
    let mut lines = csv.as_str().expect("CSV text").lines();
    assert_eq!(
        lines.next(),
        Some("session,match_id,scenario,observer_id,observer,filed_at,filed_at_iso,phase,tactics,done_well,to_try,tagged_tactics")
    );
    let line = lines.next().expect("one sheet");
    assert!(line.contains(&cy_id) && line.contains("small-talk self-need"), "{line}");
    assert!(line.contains("'=Ben could ask"), "a formula-like cell is neutralised: {line}");
}

#[tokio::test]
async fn observers_are_spread_at_random_and_go_back_to_waiting_when_they_stop() {
    let server = Server::start();
    let durations = json!({"prep": 600, "small_talk": 600, "bargaining": 600, "survey": 600});
    let s = create(&server, json!({"scenario": "campsite", "pairing": "facilitator", "durations": durations})).await;
    let mut people = Vec::new();
    for name in ["Ana", "Ben", "Cy", "Di", "Ed", "Flo", "Gus"] {
        people.push(join(&server, &s.code, name).await);
    }
    for (c, _, _) in people.iter_mut() {
        c.until_type("waiting").await;
    }
    // Nothing runs yet: nothing to observe.
    let (status, v) = try_control(&server, &s, json!({"action": "assign_observers"})).await;
    assert_eq!(status, 400, "{v}");
    let ids: Vec<String> = people.iter().map(|p| p.1.clone()).collect();
    control(&server, &s, json!({"action": "pair", "players": [ids[0], ids[1]]})).await;
    control(&server, &s, json!({"action": "pair", "players": [ids[2], ids[3]]})).await;
    // Three wait; at most one per match: two are placed, one keeps waiting.
    let v = control(&server, &s, json!({"action": "assign_observers", "per_match": 1})).await;
    assert_eq!(v["affected"], 2);
    let m = monitor(&server, &s).await;
    let counts: Vec<usize> =
        m["matches"].as_array().unwrap().iter().map(|x| x["observers"].as_array().unwrap().len()).collect();
    assert_eq!(counts, [1, 1], "{m}");
    assert_eq!(m["waiting"], 1);
    // Without a cap the last one goes too.
    assert_eq!(control(&server, &s, json!({"action": "assign_observers"})).await["affected"], 1);
    let m = monitor(&server, &s).await;
    let observing: Vec<&Value> =
        m["players"].as_array().unwrap().iter().filter(|p| p["status"] == "observing").collect();
    assert_eq!(observing.len(), 3);
    // One of them stops: back in the waiting line, and the match no longer lists them.
    let name = observing[0]["name"].as_str().unwrap().to_string();
    let who = people.iter_mut().find(|p| p.1 == observing[0]["id"].as_str().unwrap()).unwrap();
    until_observe(&mut who.0, "placed", |_| true).await;
    who.0.send(json!({"type": "stop_observing"})).await;
    who.0.until_type("waiting").await;
    let m = monitor(&server, &s).await;
    assert_eq!(player(&m, &name)["status"], "waiting");
    assert!(m["matches"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| !x["observers"].as_array().unwrap().contains(&json!(name))));
    who.0.send(json!({"type": "stop_observing"})).await;
    who.0.until_error("not_observing").await;
    who.0.send(json!({"type": "observation", "done_well": "a", "to_try": "b"})).await;
    who.0.until_error("not_observing").await;
}

#[tokio::test]
async fn an_observer_resumes_observing_after_a_kill_9() {
    let mut server = Server::start_process_with(&[]);
    let durations = json!({"prep": 600, "small_talk": 600, "bargaining": 600, "survey": 600});
    let s = create(&server, json!({"scenario": "campsite", "pairing": "facilitator", "durations": durations})).await;
    let (mut ana, ana_id, _) = join(&server, &s.code, "Ana").await;
    let (_ben, ben_id, _) = join(&server, &s.code, "Ben").await;
    let (mut cy, cy_id, cy_token) = join(&server, &s.code, "Cy").await;
    cy.until_type("waiting").await;
    control(&server, &s, json!({"action": "pair", "players": [ana_id, ben_id]})).await;
    let match_id = ana.until_state().await.match_id;
    control(&server, &s, json!({"action": "observe", "player_id": cy_id, "match_id": match_id})).await;
    until_observe(&mut cy, "placed", |_| true).await;

    server.kill9_and_restart();

    let mut cy = Client::connect(&server.ws_url()).await;
    cy.send(json!({"type": "hello", "version": 1, "token": cy_token})).await;
    let view = until_observe(&mut cy, "observing again", |_| true).await;
    assert_eq!(view.match_id, match_id);
    let m = monitor(&server, &s).await;
    assert_eq!(player(&m, "Cy")["status"], "observing");
}
