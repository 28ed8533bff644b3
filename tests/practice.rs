//! A learner's practice history (issue #15): practice visits linked to a private key kept in the
//! browser, read back over HTTP as a timeline, exported as CSV, and deleted; the key itself is
//! never stored and never sent to anyone.

use crate::common::{http_with, Client, Server};
use serde_json::{json, Value};

const ANA_KEY: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const BEN_KEY: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

/// Two learners join the practice pool with their keys and are paired in `scenario`.
async fn pair(server: &Server, scenario: &str) -> (Client, Client) {
    let mut a = server.client().await;
    a.send(json!({"type": "practice", "name": "Ana", "scenario": scenario, "practice_key": ANA_KEY})).await;
    a.until_type("joined").await;
    let mut b = server.client().await;
    b.send(json!({"type": "practice", "name": "Ben", "scenario": scenario, "practice_key": BEN_KEY})).await;
    b.until_type("joined").await;
    a.until_phase("prep").await;
    b.until_phase("prep").await;
    (a, b)
}

/// Both ready through prep and small talk (Ana asks a question in small talk).
async fn to_bargaining(a: &mut Client, b: &mut Client) {
    for c in [&mut *a, &mut *b] {
        c.send(json!({"type": "ready"})).await;
    }
    a.until_phase("small_talk").await;
    a.send(json!({"type": "chat", "text": "Hello! What matters most to you on this trip?"})).await;
    for c in [&mut *a, &mut *b] {
        c.send(json!({"type": "ready"})).await;
    }
    a.until_phase("bargaining").await;
    b.until_phase("bargaining").await;
}

async fn history(server: &Server, key: &str) -> (u16, Value) {
    http_with(server, "GET", "/api/practice/history", None, &[("x-practice-key", key)]).await
}

#[tokio::test]
async fn practice_visits_are_linked_to_a_key_read_back_exported_and_deleted() {
    let server = Server::start();
    // Visit 1: a deal.
    let (mut a, mut b) = pair(&server, "campsite").await;
    to_bargaining(&mut a, &mut b).await;
    a.send(json!({"type": "offer", "package": {"food": 1, "water": 2, "firewood": 1}})).await;
    let st =
        b.until("Ana's offer", |v| v["type"] == "state" && v["offers"].as_array().is_some_and(|o| !o.is_empty())).await;
    b.send(json!({"type": "accept", "offer_id": st["offers"][0]["id"]})).await;
    for c in [&mut a, &mut b] {
        c.until_phase("survey").await;
        c.send(json!({"type": "skip_survey"})).await;
    }
    a.until_phase("results").await;
    b.until_phase("results").await;
    let mut frames: Vec<String> = a.raw.iter().chain(&b.raw).cloned().collect();
    a.close().await;
    b.close().await;

    // Visit 2 (new tabs, same keys): Ben walks away.
    let (mut a, mut b) = pair(&server, "campsite").await;
    to_bargaining(&mut a, &mut b).await;
    b.send(json!({"type": "walk_away"})).await;
    a.until_phase("survey").await;
    frames.extend(a.raw.iter().chain(&b.raw).cloned());

    let (status, h) = history(&server, ANA_KEY).await;
    assert_eq!(status, 200, "{h}");
    assert_eq!(h["visits"], 2);
    let m = h["matches"].as_array().unwrap();
    assert_eq!(m.len(), 2, "{h}");
    assert_eq!((m[0]["outcome"].as_str(), m[1]["outcome"].as_str()), (Some("deal"), Some("impasse")));
    assert!(m[0]["at"].as_i64() <= m[1]["at"].as_i64(), "oldest first");
    for x in m {
        assert_eq!(x["scenario"], "campsite");
        assert_eq!(x["against_bot"], false);
        assert!(x["points"].is_i64() && x["efficiency"].is_f64(), "{x}");
    }
    // Ana's question in small talk is in her own tactic counts, not Ben's.
    assert!(m[0]["tactics"]["elicit-pref"].as_u64().unwrap() >= 1, "{}", m[0]["tactics"]);
    let (_, ben) = history(&server, BEN_KEY).await;
    assert_eq!(ben["matches"].as_array().unwrap().len(), 2);
    assert_eq!(ben["matches"][0]["tactics"]["elicit-pref"], 0, "{}", ben["matches"][0]["tactics"]);
    // One person's trust rating is never shown back (it would give the answer away).
    assert!(m.iter().all(|x| x["trust_earned"].is_null()));

    // The export has the same two matches.
    let (status, csv) =
        http_with(&server, "GET", "/api/practice/history.csv", None, &[("x-practice-key", ANA_KEY)]).await;
    assert_eq!(status, 200);
    let csv = csv.as_str().expect("CSV text").to_string();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("match_id,at,at_iso,scenario,role,against_bot,outcome,points"), "{}", lines[0]);
    assert!(lines[0].ends_with("tactic_vouch-fair,tactic_non-strategic"), "{}", lines[0]);
    assert_eq!(lines.len(), 3, "{csv}");

    // Without a key, or with a malformed one, nothing is read.
    let (status, v) = http_with(&server, "GET", "/api/practice/history", None, &[]).await;
    assert_eq!((status, v["code"].as_str()), (401, Some("practice_key_required")));
    let (status, v) = history(&server, "not-a-key").await;
    assert_eq!((status, v["code"].as_str()), (400, Some("bad_practice_key")));
    // A key nobody used has an empty history (not an error: a new learner's page starts empty).
    let (status, v) = history(&server, "ffffffffffffffffffffffffffffffff").await;
    assert_eq!((status, v["matches"].as_array().map(Vec::len)), (200, Some(0)));
    let mut c = server.client().await;
    c.send(json!({"type": "practice", "name": "Cy", "practice_key": "xyz"})).await;
    assert_eq!(c.until_type("error").await["code"], "bad_practice_key");

    // Keys never travel to anyone and are never stored: no frame holds one, nor the database.
    for f in &frames {
        assert!(!f.contains(ANA_KEY) && !f.contains(BEN_KEY), "{f}");
    }
    for file in ["", "-wal"] {
        let bytes = std::fs::read(format!("{}{file}", server.db.display())).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(ANA_KEY) && !text.contains(BEN_KEY), "a key was stored in the database{file}");
    }

    // Deleting Ana's history unlinks her visits and leaves Ben's.
    let (status, v) = http_with(&server, "DELETE", "/api/practice/history", None, &[("x-practice-key", ANA_KEY)]).await;
    assert_eq!((status, v["visits_unlinked"].as_u64()), (200, Some(2)), "{v}");
    let (_, after) = history(&server, ANA_KEY).await;
    assert_eq!((after["visits"].as_u64(), after["matches"].as_array().map(Vec::len)), (Some(0), Some(0)));
    let (_, ben) = history(&server, BEN_KEY).await;
    assert_eq!(ben["matches"].as_array().map(Vec::len), Some(2), "Ben's history is his own");
}

/// Drills: each learner's goal is shown to them alone during the match, checked at the end from
/// the log, fed back in their results and kept in their history.
#[tokio::test]
async fn a_drill_is_shown_to_its_learner_alone_checked_and_kept_in_the_history() {
    let server = Server::start();
    let mut a = server.client().await;
    a.send(json!({"type": "practice", "name": "Ana", "scenario": "campsite", "practice_key": ANA_KEY,
                  "drill": "ask_first"}))
        .await;
    let mut b = server.client().await;
    b.send(json!({"type": "practice", "name": "Ben", "scenario": "campsite", "practice_key": BEN_KEY,
                  "drill": "efficient_deal"}))
        .await;
    let st = a.until_state().await;
    let goal = st.you.drill.expect("Ana's drill is in her own view");
    assert!(goal.goal.contains("three questions"), "{}", goal.goal);
    for c in [&mut a, &mut b] {
        c.send(json!({"type": "ready"})).await;
    }
    a.until_phase("small_talk").await;
    for q in [
        "What matters most to you on this trip?",
        "Why is that important to you?",
        "How about firewood, what do you need?",
    ] {
        a.send(json!({"type": "chat", "text": q})).await;
        b.until("the question", |v| v["type"] == "chat" && v["text"] == q).await;
    }
    for c in [&mut a, &mut b] {
        c.send(json!({"type": "ready"})).await;
    }
    a.until_phase("bargaining").await;
    a.send(json!({"type": "offer", "package": {"food": 0, "water": 0, "firewood": 0}})).await;
    let st =
        b.until("Ana's offer", |v| v["type"] == "state" && v["offers"].as_array().is_some_and(|o| !o.is_empty())).await;
    b.send(json!({"type": "accept", "offer_id": st["offers"][0]["id"]})).await;
    for c in [&mut a, &mut b] {
        c.until_phase("survey").await;
        c.send(json!({"type": "skip_survey"})).await;
    }
    let ra = a.until_state_in(parley::core::game::Phase::Results).await.results.expect("Ana's results");
    let rb = b.until_state_in(parley::core::game::Phase::Results).await.results.expect("Ben's results");
    let (da, db) = (ra.drill.expect("Ana's drill outcome"), rb.drill.expect("Ben's drill outcome"));
    assert!(da.met, "{}", da.feedback);
    assert_eq!(db.drill, parley::core::drills::Drill::EfficientDeal);
    assert_eq!(db.met, rb.efficiency >= parley::core::drills::EFFICIENCY_GOAL, "{} at {}", db.feedback, rb.efficiency);
    // Nobody is shown the other's drill, during the match or in results.
    assert!(!b.raw.iter().any(|f| f.contains("ask_first") || f.contains("three questions")));
    assert!(!a.raw.iter().any(|f| f.contains("efficient_deal")));
    // The history keeps it.
    let (_, h) = history(&server, ANA_KEY).await;
    assert_eq!(h["matches"][0]["drill"]["drill"], "ask_first");
    assert_eq!(h["matches"][0]["drill"]["met"], true);
    // An unknown drill is a bad message.
    let mut c = server.client().await;
    c.send(json!({"type": "practice", "name": "Cy", "drill": "juggling"})).await;
    assert_eq!(c.until_type("error").await["code"], "bad_message");
}
