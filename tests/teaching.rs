//! Teaching notes are for the facilitator only: the token-guarded `/teaching` endpoint and the
//! debrief carry them; no frame a player receives, from joining to the results, and no public
//! endpoint ever holds a line of them.

use crate::common::{repo, Server};
use parley::core::scenario::{load_dir, Teaching};
use serde_json::{json, Value};

/// Every line of a scenario's notes, each cut to its first 60 characters (a note sent in part
/// is still a leak).
fn note_lines(t: &Teaching) -> Vec<String> {
    let mut all: Vec<&String> = Vec::new();
    all.extend(&t.goals);
    all.extend(&t.debrief_questions);
    all.extend(&t.mistakes);
    all.extend([&t.research, &t.frontier, &t.timing_45, &t.timing_90]);
    all.iter().map(|s| s.trim().chars().take(60).collect::<String>()).filter(|s| s.len() >= 20).collect()
}

/// Every string inside a JSON value (keys and values), one per line.
fn strings_in(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Value::Array(a) => a.iter().for_each(|x| strings_in(x, out)),
        Value::Object(m) => m.iter().for_each(|(k, x)| {
            out.push_str(k);
            out.push('\n');
            strings_in(x, out);
        }),
        _ => {}
    }
}

/// The note lines found in `v`, if any.
fn leaks(v: &Value, lines: &[String]) -> Vec<String> {
    let mut text = String::new();
    strings_in(v, &mut text);
    lines.iter().filter(|l| text.contains(l.as_str())).cloned().collect()
}

fn notes_of(id: &str) -> Vec<String> {
    let (all, _) = load_dir(&repo().join("scenarios")).expect("scenarios load");
    let s = all.into_iter().find(|s| s.id == id).expect("bundled scenario");
    note_lines(s.teaching.as_ref().expect("bundled scenarios have teaching notes"))
}

#[tokio::test]
async fn teaching_notes_reach_the_facilitator_and_never_a_player() {
    let server = Server::start();
    let (all, _) = load_dir(&repo().join("scenarios")).unwrap();
    let every_note: Vec<String> = all.iter().filter_map(|s| s.teaching.as_ref()).flat_map(note_lines).collect();
    assert!(every_note.len() > 50, "the bundled notes are there to look for: {}", every_note.len());

    // Public: the scenario list holds no note of any scenario.
    let (status, list) = server.get("/api/scenarios").await;
    assert_eq!(status, 200);
    assert_eq!(leaks(&list, &every_note), Vec::<String>::new(), "GET /api/scenarios");

    let durations = json!({"prep": 0, "small_talk": 600, "bargaining": 600, "survey": 600});
    let (status, created) = server
        .post("/api/sessions", json!({"scenario": "campsite", "durations": durations, "reveal": "all"}), &[])
        .await;
    assert_eq!(status, 201, "{created}");
    let code = created["code"].as_str().unwrap().to_string();
    let token = created["facilitator_token"].as_str().unwrap().to_string();
    let (status, info) = server.get(&format!("/api/sessions/{code}")).await;
    assert_eq!(status, 200);
    assert_eq!(leaks(&info, &every_note), Vec::<String>::new(), "GET /api/sessions/{{code}}");

    // Two players play the whole match: small talk, an offer, acceptance, the survey, results.
    let mut a = server.client().await;
    a.join(&code, "Ana").await;
    let mut b = server.client().await;
    b.join(&code, "Ben").await;
    a.until_phase("small_talk").await;
    a.send(json!({"type": "chat", "text": "Hello! What matters most to you this weekend?"})).await;
    for c in [&mut a, &mut b] {
        c.send(json!({"type": "ready"})).await;
    }
    a.until_phase("bargaining").await;
    a.send(json!({"type": "offer", "package": {"food": 1, "water": 3, "firewood": 0}})).await;
    let id = b.until("offer", |v| v["type"] == "state" && v["offers"].as_array().is_some_and(|o| !o.is_empty())).await
        ["offers"][0]["id"]
        .clone();
    b.send(json!({"type": "accept", "offer_id": id})).await;
    for c in [&mut a, &mut b] {
        c.until_phase("survey").await;
        c.send(json!({"type": "survey", "ratings": {"trust": 6, "foundation": 6, "listened": 6}})).await;
    }
    let results = a.until_phase("results").await;
    b.until_phase("results").await;
    assert!(results["results"].is_object() || results["outcome"].is_object(), "{results}");

    let campsite = notes_of("campsite");
    for (who, c) in [("Ana", &a), ("Ben", &b)] {
        let frames: Vec<Value> = c.frames().collect();
        assert!(frames.len() > 5, "{who} received the match");
        for f in &frames {
            assert_eq!(leaks(f, &every_note), Vec::<String>::new(), "a frame {who} received: {}", f["type"]);
        }
        // The raw text too (escapes and all), for the scenario that was played.
        let raw = c.transcript();
        for line in &campsite {
            let escaped = serde_json::to_string(line).unwrap();
            assert!(!raw.contains(escaped.trim_matches('"')), "{who}'s raw frames hold a note: {line}");
        }
    }

    // The facilitator's endpoint refuses without the session's token, or with a player's.
    let path = format!("/api/sessions/{code}/teaching");
    let (status, v) = server.get(&path).await;
    assert_eq!((status, v["code"].as_str()), (401, Some("facilitator_token_required")), "{v}");
    let (status, v) = server.get(&format!("{path}?token=not-the-token")).await;
    assert_eq!((status, v["code"].as_str()), (403, Some("wrong_facilitator_token")), "{v}");
    // With it: the notes of the session's scenario.
    let (status, v) = server.get(&format!("{path}?token={token}")).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["scenarios"][0]["id"], "campsite");
    assert_eq!(leaks(&v, &campsite).len(), campsite.len(), "every note of campsite is served: {v}");
    assert!(v["scenarios"][0]["teaching"]["debrief_questions"].as_array().is_some_and(|q| !q.is_empty()));
    // And the debrief carries them beside the scenario.
    let (status, deb) = server.get(&format!("/api/sessions/{code}/debrief?token={token}")).await;
    assert_eq!(status, 200);
    assert_eq!(deb["scenario"]["teaching"], v["scenarios"][0]["teaching"]);
    let (status, _) = server.get(&format!("/api/sessions/{code}/debrief")).await;
    assert_eq!(status, 401);
}
