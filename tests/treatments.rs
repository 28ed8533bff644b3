//! Treatments and surveys (issue #14, items 5 and 6) over real WebSockets and HTTP: a 40-match
//! session with two arms assigned in seeded balanced blocks, each match recorded with its arm and
//! played with its settings, compared in the debrief and the exports; a session with its own
//! survey items whose answers reach the exports and never a counterpart's frames; and the
//! refusals of settings that cannot be used.

use crate::common::console::{create, Session};
use crate::common::{package, Client, Server};
use parley::core::treatment::arm_for;
use serde_json::{json, Value};

async fn export(server: &Server, code: &str, token: &str, file: &str) -> Value {
    let (status, body) = crate::common::http_with(
        server,
        "GET",
        &format!("/api/sessions/{code}/export/{file}"),
        None,
        &[("x-facilitator-token", token)],
    )
    .await;
    assert_eq!(status, 200, "{file}: {body}");
    body
}

/// A CSV as (header, rows).
fn read_csv(body: &Value) -> (Vec<String>, Vec<Vec<String>>) {
    let text = body.as_str().expect("a CSV is text");
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(|x| x.unwrap().iter().map(String::from).collect()).collect();
    (header, rows)
}

fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

/// Two players joined one after the other: the match they start, with each one's first state.
async fn pair(server: &Server, code: &str, i: usize) -> [(Client, Value); 2] {
    let mut a = server.client().await;
    a.join(code, &format!("A{i}")).await;
    let mut b = server.client().await;
    b.join(code, &format!("B{i}")).await;
    let sa = a.until_type("state").await;
    let sb = b.until_type("state").await;
    assert_eq!(sa["match_id"], sb["match_id"]);
    // Seat 0 first.
    if sa["you"]["seat"] == 0 {
        [(a, sa), (b, sb)]
    } else {
        [(b, sb), (a, sa)]
    }
}

fn allowed(state: &Value, action: &str) -> bool {
    state["allowed_actions"].as_array().unwrap().iter().any(|a| a == action)
}

#[tokio::test]
async fn a_forty_match_randomised_session_is_balanced_recorded_and_compared() {
    let server = Server::start();
    let seed = 20_261_130u64;
    let Session { code, token } = create(
        &server,
        json!({
            "scenario": "campsite",
            "durations": {"prep": 0, "small_talk": 600, "bargaining": 600, "survey": 600},
            "treatment": {"seed": seed, "arms": [
                {"name": "rapport", "small_talk": true, "icebreaker": true},
                {"name": "straight", "small_talk": false, "disclosure": false, "durations": {"bargaining": 500}},
            ]},
        }),
    )
    .await;
    let mut arms_seen = Vec::new();
    for i in 0..40 {
        let [(mut s0, st0), (mut s1, st1)] = pair(&server, &code, i).await;
        // Match number i is played with the arm the seed gives it, so the frames show its settings.
        let rapport = arm_for(seed, 2, i as u64) == 0;
        arms_seen.push(if rapport { "rapport" } else { "straight" });
        let (mut st0, mut st1) = (st0, st1);
        if rapport {
            assert_eq!(st0["phase"], "small_talk", "match {i}: the rapport arm has small talk");
            // The icebreaker was posted as the match started: it comes with the chat history.
            let history = s0.until_type("chat_history").await;
            let ice = history["lines"].as_array().unwrap().iter().find(|l| l["seat"].is_null());
            assert!(ice.is_some_and(|l| !l["text"].as_str().unwrap().is_empty()), "match {i}: {history}");
            s0.send(json!({"type": "ready"})).await;
            s1.send(json!({"type": "ready"})).await;
            st0 = s0.until_phase("bargaining").await;
            st1 = s1.until_phase("bargaining").await;
            assert!(allowed(&st0, "disclose"), "match {i}: the rapport arm keeps the disclosure tool");
        } else {
            assert_eq!(st0["phase"], "bargaining", "match {i}: the straight arm skips small talk");
            let length = st0["deadline"].as_i64().unwrap() - st0["phase_started"].as_i64().unwrap();
            assert_eq!(length, 500_000, "match {i}: the arm's bargaining length");
            assert!(!allowed(&st0, "disclose") && !allowed(&st1, "disclose"), "match {i}: no disclosure tool");
            s0.send(
                json!({"type": "disclose", "statement": {"kind": "importance", "issue": "water", "level": "high"}}),
            )
            .await;
            assert_eq!(s0.until_type("error").await["code"], "tool_off");
        }
        // Rapport pairs find the trade on water and firewood (joint 40 or 42); the others split
        // it the poor way round (30 or 32): a difference the comparison must see.
        let good = if rapport { [i % 4, 3 - i % 2, 0] } else { [i % 4, i % 2, 3] };
        s0.send(json!({"type": "offer", "package": package(&st0, |k| good[k])})).await;
        let with_offer = s1
            .until("the offer", |v| v["type"] == "state" && v["offers"].as_array().is_some_and(|o| !o.is_empty()))
            .await;
        let _ = st1;
        s1.send(json!({"type": "accept", "offer_id": with_offer["offers"][0]["id"]})).await;
        s0.until_phase("survey").await;
        s1.until_phase("survey").await;
        s0.send(json!({"type": "skip_survey"})).await;
        s1.send(json!({"type": "skip_survey"})).await;
        s0.until_phase("results").await;
        s1.until_phase("results").await;
    }
    // Balanced: every block of two matches holds each arm once.
    for (b, block) in arms_seen.chunks(2).enumerate() {
        assert_ne!(block[0], block[1], "block {b}: {block:?}");
    }
    // And not a plain alternation: the seed shuffles the order inside blocks.
    assert!(arms_seen.chunks(2).any(|b| b[0] == "straight") && arms_seen.chunks(2).any(|b| b[0] == "rapport"));

    // Recorded per match: in the stored config (events.json) and in matches.csv, in creation order.
    let events: Value = export(&server, &code, &token, "events.json").await;
    let stored: Vec<&str> =
        events["matches"].as_array().unwrap().iter().map(|m| m["config"]["arm"].as_str().unwrap()).collect();
    assert_eq!(stored, arms_seen);
    let straight = events["matches"].as_array().unwrap().iter().find(|m| m["config"]["arm"] == "straight").unwrap();
    assert_eq!(straight["config"]["small_talk"], false);
    assert_eq!(straight["config"]["disclosure"], false);
    assert_eq!(straight["config"]["durations"]["bargaining"], 500);
    let (header, rows) = read_csv(&export(&server, &code, &token, "matches.csv").await);
    assert_eq!(header.last().map(String::as_str), Some("survey_items"), "new columns go at the end");
    let (arm, joint, small_talk) = (col(&header, "arm"), col(&header, "joint_value"), col(&header, "small_talk"));
    assert_eq!(rows.iter().map(|r| r[arm].as_str()).collect::<Vec<_>>(), arms_seen);
    for r in &rows {
        assert_eq!(r[small_talk] == "true", r[arm] == "rapport");
        assert_eq!(r[col(&header, "disclosure_tool")] == "true", r[arm] == "rapport");
    }
    let (pheader, prow) = read_csv(&export(&server, &code, &token, "players.csv").await);
    assert_eq!(pheader.last().map(String::as_str), Some("arm"));
    assert_eq!(prow.len(), 80);

    // Compared in the debrief: n, mean and sd per arm, and a permutation test against the first.
    let (status, d) = crate::common::http_with(
        &server,
        "GET",
        &format!("/api/sessions/{code}/debrief"),
        None,
        &[("x-facilitator-token", &token)],
    )
    .await;
    assert_eq!(status, 200);
    let arms = &d["arms"];
    assert_eq!(arms["source"], "treatment");
    assert_eq!(arms["seed"], seed);
    let mean_of = |name: &str| {
        let v: Vec<f64> = rows.iter().filter(|r| r[arm] == name).map(|r| r[joint].parse::<f64>().unwrap()).collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    for (k, name) in ["rapport", "straight"].iter().enumerate() {
        let a = &arms["arms"][k];
        assert_eq!(a["name"], *name);
        assert_eq!((a["matches"].as_u64(), a["n"].as_u64()), (Some(20), Some(20)), "{a}");
        assert!((a["mean_joint_value"].as_f64().unwrap() - mean_of(name)).abs() < 1e-9, "{a}");
        assert!(a["sd_joint_value"].as_f64().unwrap() > 0.0, "{a}");
    }
    assert_eq!(arms["arms"][1]["settings"], "small talk off, disclosure tool off, bargaining 500 s");
    let jv = arms["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["measure"] == "joint_value")
        .expect("a joint-value comparison");
    assert_eq!((jv["arm"].as_str(), jv["baseline"].as_str()), (Some("straight"), Some("rapport")));
    assert!((jv["difference"].as_f64().unwrap() - (mean_of("straight") - mean_of("rapport"))).abs() < 1e-9);
    // 40 matches in two groups of 20: too many splits to count, so a seeded Monte Carlo test.
    assert_eq!((jv["exact"].as_bool(), jv["permutations"].as_u64()), (Some(false), Some(10_000)));
    let p = jv["p_value"].as_f64().unwrap();
    assert!(p > 0.0 && p < 0.001, "every rapport match beat every straight one: {p}");
    let limits = arms["limits"].as_str().unwrap();
    assert!(limits.contains("40 finished matches") && limits.contains("10000 random relabellings"), "{limits}");
    assert!(limits.contains("comparisons"), "{limits}");
    // The same log gives the same debrief (the Monte Carlo draw is seeded).
    let (_, again) = crate::common::http_with(
        &server,
        "GET",
        &format!("/api/sessions/{code}/debrief"),
        None,
        &[("x-facilitator-token", &token)],
    )
    .await;
    assert_eq!(again["arms"], d["arms"]);
    assert!(d["matches"].as_array().unwrap().iter().all(|m| m["arm"].is_string()));
}

#[tokio::test]
async fn a_custom_survey_reaches_the_exports_and_never_the_counterpart() {
    let server = Server::start();
    let secret = "we should have asked about firewood sooner (private-7f3a)";
    let Session { code, token } = create(
        &server,
        json!({
            "scenario": "campsite",
            "durations": {"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 600},
            "survey": {"items": ["trust", "fair"], "custom": [
                {"kind": "scale", "text": "Did the icebreaker help you?", "low": "Not at all", "high": "A lot"},
                {"kind": "text", "text": "One thing you would do differently next time"},
            ]},
        }),
    )
    .await;
    let [(mut s0, st0), (mut s1, _)] = pair(&server, &code, 0).await;
    s0.send(json!({"type": "offer", "package": package(&st0, |_| 1)})).await;
    let offered = s1.until("the offer", |v| v["type"] == "state" && !v["offers"].as_array().unwrap().is_empty()).await;
    s1.send(json!({"type": "accept", "offer_id": offered["offers"][0]["id"]})).await;
    let survey = s0.until_phase("survey").await;
    s1.until_phase("survey").await;
    // The survey frame carries the session's items, in order, with their kinds.
    let q = survey["survey"]["questions"].as_array().unwrap();
    let ids: Vec<&str> = q.iter().map(|q| q["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["trust", "fair", "custom_1", "custom_2"]);
    assert_eq!((q[2]["low"].as_str(), q[2]["high"].as_str()), (Some("Not at all"), Some("A lot")));
    assert_eq!(q[3]["kind"], "text");
    assert!(q[0].get("kind").is_none(), "a scale question has no kind field (as before)");

    // Answers must fit their questions; nothing is stored when they do not.
    for bad in [
        json!({"type": "survey", "ratings": {"foundation": 5}}),
        json!({"type": "survey", "ratings": {"custom_2": 5}}),
        json!({"type": "survey", "texts": {"trust": "a lot"}}),
        json!({"type": "survey", "texts": {"custom_2": "x".repeat(501)}}),
    ] {
        s0.send(bad).await;
        assert_eq!(s0.until_type("error").await["code"], "bad_survey");
    }
    s0.send(
        json!({"type": "survey", "ratings": {"trust": 2, "fair": 4, "custom_1": 6}, "texts": {"custom_2": secret}}),
    )
    .await;
    s1.send(json!({"type": "survey", "ratings": {"trust": 6, "custom_1": 3}, "texts": {"custom_2": "ask earlier"}}))
        .await;
    let r1 = s1.until_phase("results").await;
    s0.until_phase("results").await;
    // Privacy on the raw frames: the counterpart never receives the text, and the trust number
    // that would give one rating away stays private.
    s1.send(json!({"type": "ping"})).await;
    s1.until_type("pong").await;
    assert!(!s1.transcript().contains("private-7f3a"), "a player's survey text reached the counterpart");
    assert!(!s0.transcript().contains("ask earlier"), "a player's survey text reached the counterpart");
    assert!(r1["results"]["trust"]["you"]["trust_earned"].is_null());
    assert_eq!(r1["results"]["trust"]["you"]["trust_earned_private"], true);

    // survey.csv: one row per answer, long format.
    let (header, rows) = read_csv(&export(&server, &code, &token, "survey.csv").await);
    assert_eq!(
        header.join(","),
        "session,match_id,arm,player_id,seat,role,item_id,item_kind,item_text,answer,answered_at,member"
    );
    let cell = |r: &Vec<String>, c: &str| r[col(&header, c)].clone();
    let found: Vec<(String, String, String)> =
        rows.iter().map(|r| (cell(r, "seat"), cell(r, "item_id"), cell(r, "answer"))).collect();
    assert_eq!(
        found,
        [
            ("0", "trust", "2"),
            ("0", "fair", "4"),
            ("0", "custom_1", "6"),
            ("0", "custom_2", secret),
            ("1", "trust", "6"),
            ("1", "custom_1", "3"),
            ("1", "custom_2", "ask earlier"),
        ]
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    );
    let text_row = rows.iter().find(|r| cell(r, "item_id") == "custom_2").unwrap();
    assert_eq!(cell(text_row, "item_text"), "One thing you would do differently next time");
    assert_eq!(cell(text_row, "item_kind"), "text");
    let (ph, prows) = read_csv(&export(&server, &code, &token, "players.csv").await);
    assert_eq!(cell(text_row, "player_id"), prows[0][col(&ph, "player_id")], "the seat-0 player wrote it");
    // The items and answers are in the event log too.
    let events: Value = export(&server, &code, &token, "events.json").await;
    let m = &events["matches"][0];
    assert_eq!(m["config"]["survey"].as_array().unwrap().len(), 4);
    let answers: Vec<&Value> = m["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"]["event"] == "survey_answered")
        .map(|e| &e["event"]["answer"])
        .collect();
    // (The two answers were sent at once: the log holds them in whichever order they arrived.)
    let mut texts: Vec<&str> = answers.iter().filter_map(|a| a["texts"]["custom_2"].as_str()).collect();
    texts.sort();
    assert_eq!(texts, ["ask earlier", secret]);
    // Trust from the survey uses the trust items that were asked (here `trust` alone):
    // (2 − 1)/6 and (6 − 1)/6 of 100, averaged: 50.
    let (mh, mrows) = read_csv(&export(&server, &code, &token, "matches.csv").await);
    assert_eq!(mrows[0][col(&mh, "trust_survey")], "50.0000");
    assert_eq!(mrows[0][col(&mh, "survey_items")], "trust fair custom_1 custom_2");
}

#[tokio::test]
async fn a_survey_without_trust_items_leaves_trust_to_the_estimate() {
    let server = Server::start();
    let Session { code, token } = create(
        &server,
        json!({"scenario": "campsite", "durations": {"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 600},
               "survey": {"items": ["fair", "satisfied"]}}),
    )
    .await;
    let [(mut s0, st0), (mut s1, _)] = pair(&server, &code, 0).await;
    s0.send(json!({"type": "walk_away"})).await;
    let _ = st0;
    s0.until_phase("survey").await;
    s1.until_phase("survey").await;
    s0.send(json!({"type": "survey", "ratings": {"fair": 7, "satisfied": 1}})).await;
    s1.send(json!({"type": "survey", "ratings": {"fair": 1}})).await;
    s0.until_phase("results").await;
    let (h, rows) = read_csv(&export(&server, &code, &token, "matches.csv").await);
    assert_eq!(rows[0][col(&h, "trust_ratings")], "0");
    assert_eq!(rows[0][col(&h, "trust_survey")], "");
    assert_eq!(rows[0][col(&h, "trust_built")], rows[0][col(&h, "trust_estimate")]);
    let (ph, prow) = read_csv(&export(&server, &code, &token, "players.csv").await);
    assert_eq!(prow[0][col(&ph, "rating_fair")], "7");
}

#[tokio::test]
async fn settings_that_cannot_be_used_are_refused_with_their_own_codes() {
    let server = Server::start();
    let base = |extra: Value| {
        let mut b = json!({"scenario": "campsite"});
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    let cases = [
        (json!({"treatment": {"arms": [{"name": "only"}]}}), "bad_treatment", "2 to 6 arms"),
        (json!({"treatment": {"arms": [{"name": "a"}, {"name": "a"}]}}), "bad_treatment", "differ"),
        (
            json!({"small_talk": "split", "treatment": {"arms": [{"name": "a"}, {"name": "b"}]}}),
            "bad_treatment",
            "split",
        ),
        (
            json!({"treatment": {"arms": [{"name": "a", "durations": {"bargaining": 0}}, {"name": "b"}]}}),
            "bad_treatment",
            "bargaining at least 1",
        ),
        (
            json!({"treatment": {"arms": [{"name": "a", "smalltalk": false}, {"name": "b"}]}}),
            "bad_request",
            "smalltalk",
        ),
        (json!({"survey": {"items": ["trust", "vibes"]}}), "bad_survey_items", "not in the bank"),
        (json!({"survey": {"custom": [{"kind": "scale", "text": ""}]}}), "bad_survey_items", "1 to 200"),
        (json!({"survey": {"custom": [{"kind": "essay", "text": "Why?"}]}}), "bad_request", "essay"),
    ];
    for (extra, code, words) in cases {
        let (status, v) = server.post("/api/sessions", base(extra.clone()), &[]).await;
        assert_eq!((status, v["code"].as_str()), (400, Some(code)), "{extra}: {v}");
        assert!(v["message"].as_str().unwrap().contains(words), "{extra}: {v}");
    }
    // The bank is public, for the set-up form.
    let (status, bank) = server.get("/api/survey-bank").await;
    assert_eq!(status, 200);
    let items = bank["items"].as_array().unwrap();
    assert!(items.len() >= 10);
    let defaults: Vec<&str> =
        items.iter().filter(|i| i["default"] == true).map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(defaults, ["trust", "foundation", "listened", "fair", "satisfied"]);
    assert_eq!(items.iter().filter(|i| i["trust_item"] == true).count(), 3);
}
