//! Reading people (issue #11) through the real server: tactic tags on transcripts, private
//! coaching nudges stored as events, and the behavioural trust estimate in results.

use crate::common::console::{create, Session};
use crate::common::{package, Server};
use parley::core::game::Phase;
use serde_json::json;

#[tokio::test]
async fn coaching_nudges_are_private_stored_and_off_unless_chosen() {
    let server = Server::start();
    let fast = json!({"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 600});
    let Session { code, token } =
        create(&server, json!({"scenario": "campsite", "durations": fast, "coaching": true})).await;
    let mut a = server.client().await;
    a.join(&code, "Ana").await;
    let mut b = server.client().await;
    b.join(&code, "Ben").await;
    a.until_phase("bargaining").await;
    b.until_phase("bargaining").await;
    // Four statements about packing, no question about what matters to Ben.
    for text in ["We packed light this time.", "The trail was long.", "Our tent is small.", "We got here late."] {
        a.send(json!({"type": "chat", "text": text})).await;
        b.until("the line", |v| v["type"] == "chat" && v["text"] == text).await;
    }
    let nudge = a.until_type("coach").await;
    assert_eq!(nudge["rule"], "ask", "{nudge}");
    assert!(nudge["text"].as_str().unwrap().contains("what matters most to them"));
    // Ben never sees Ana's nudge: not as a frame, not in a state.
    b.send(json!({"type": "ping"})).await;
    b.until_type("pong").await;
    assert!(!b.transcript().contains("what matters most to them"), "a nudge leaked to the counterpart");
    // It is stored: the facilitator's transcript shows it, and every line carries its tactics.
    let mid = a.frames().filter(|v| v["type"] == "state").last().unwrap()["match_id"].as_str().unwrap().to_string();
    let (_, t) = server.get(&format!("/api/sessions/{code}/matches/{mid}/transcript?token={token}")).await;
    let items = t["items"].as_array().unwrap();
    assert!(items.iter().any(|i| i["kind"] == "coached" && i["rule"] == "ask" && i["name"] == "Ana"), "{t}");
    assert!(items.iter().filter(|i| i["kind"] == "chat").all(|i| i["tactics"].is_array()), "{t}");

    // A class session without the setting: no nudges.
    let Session { code: code2, token: _ } = create(&server, json!({"scenario": "campsite", "durations": fast})).await;
    let mut c = server.client().await;
    c.join(&code2, "Cy").await;
    let mut d = server.client().await;
    d.join(&code2, "Di").await;
    c.until_phase("bargaining").await;
    for text in ["One.", "Two.", "Three.", "Four.", "Five."] {
        c.send(json!({"type": "chat", "text": text})).await;
        d.until("the line", |v| v["type"] == "chat" && v["text"] == text).await;
    }
    c.send(json!({"type": "ping"})).await;
    c.until_type("pong").await;
    assert!(!c.transcript().contains("\"type\":\"coach\""), "coaching is off in classes unless chosen");
}

#[tokio::test]
async fn results_carry_the_behavioural_trust_estimate_and_the_lines_tactics() {
    let server = Server::start();
    let fast = json!({"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 0});
    let Session { code, token } = create(&server, json!({"scenario": "campsite", "durations": fast})).await;
    let mut a = server.client().await;
    a.join(&code, "Ana").await;
    let mut b = server.client().await;
    b.join(&code, "Ben").await;
    let st = a.until_phase("bargaining").await;
    b.until_phase("bargaining").await;
    // What the phase allows, less what the state rules out (nothing standing to withdraw or answer,
    // no tentative terms to answer, withdraw or reopen).
    assert_eq!(st["allowed_actions"], json!(["chat", "offer", "walk_away", "disclose", "propose_terms"]), "{st}");
    a.send(json!({"type": "chat", "text": "What matters most to you on this trip?"})).await;
    b.until("question", |v| v["type"] == "chat" && v["seat"].is_u64()).await;
    b.send(json!({"type": "chat", "text": "Water, we have a long hike and it will be hot."})).await;
    a.until("answer", |v| v["type"] == "chat" && v["text"].as_str().is_some_and(|t| t.starts_with("Water"))).await;
    a.send(json!({"type": "offer", "package": package(&st, |k| k % 2)})).await;
    let offer = b.until("offer", |v| v["type"] == "state" && v["offers_total"] == 1).await;
    let allowed = offer["allowed_actions"].as_array().unwrap();
    assert!(allowed.contains(&json!("accept")) && !allowed.contains(&json!("withdraw")), "{allowed:?}");
    b.send(json!({"type": "accept", "offer_id": offer["offers"][0]["id"]})).await;
    let r = a.until_state_in(Phase::Results).await;
    assert!(r.allowed_actions.is_empty(), "{:?}", r.allowed_actions);
    let trust = r.results.expect("the reveal").trust;
    let me = &trust.players[r.you.seat];
    let est = me.trust_estimate.expect("an estimate once there is a deal");
    assert!((0.0..=100.0).contains(&est));
    assert!((0.0..=100.0).contains(&me.trust_estimate_behaviour));
    assert!(me.behaviour.messages >= 1, "Ana's question is counted: {:?}", me.behaviour);
    let (_, deb) = server.get(&format!("/api/sessions/{code}/debrief?token={token}")).await;
    assert!(deb["matches"][0]["trust_estimate"].as_f64().is_some(), "{deb}");
    let mid = &r.match_id;
    let (_, t) = server.get(&format!("/api/sessions/{code}/matches/{mid}/transcript?token={token}")).await;
    let q = t["items"].as_array().unwrap().iter().find(|i| i["kind"] == "chat").unwrap();
    assert!(q["tactics"].as_array().unwrap().iter().any(|x| x == "elicit-pref"), "{q}");
    // The exports carry the estimate and the tactic counts, in columns added at the end.
    let (_, csv) = server.get(&format!("/api/sessions/{code}/export/players.csv?token={token}")).await;
    let mut rows = csv::Reader::from_reader(csv.as_str().unwrap().as_bytes());
    let header = rows.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    assert!(col("bot") < col("trust_estimate"), "new columns come after the old ones");
    let asked: Vec<String> = rows
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[col("name")] == "Ana")
        .map(|r| r[col("tactic_elicit-pref")].to_string())
        .collect();
    assert_eq!(asked, ["1"], "Ana asked once");
    let (_, csv) = server.get(&format!("/api/sessions/{code}/export/matches.csv?token={token}")).await;
    let mut rows = csv::Reader::from_reader(csv.as_str().unwrap().as_bytes());
    let header = rows.headers().unwrap().clone();
    let row = rows.records().next().unwrap().unwrap();
    let at = |name: &str| &row[header.iter().position(|h| h == name).unwrap()];
    assert!(at("trust_estimate").parse::<f64>().is_ok_and(|x| (0.0..=100.0).contains(&x)));
    assert_eq!(at("trust_survey"), "", "nobody answered the survey");
    assert_eq!(at("tactic_self-need"), "1", "Ben said what he needs once");
}
