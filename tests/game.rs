//! Whole matches against the real server over real WebSockets: deals, impasses, four parties,
//! deadlines, reconnection, hidden information on raw frames, and bad input.

use crate::common::{package, slow, Client, Server};
use parley::core::game::Phase;
use parley::core::scenario::load_file;
use parley::core::scoring::analyse_outcome;
use serde_json::{json, Value};

/// Joins `n` players to a session; returns clients in seat order with their `state`.
async fn seated(server: &Server, code: &str, n: usize) -> Vec<(Client, Value)> {
    let mut clients = Vec::new();
    for i in 0..n {
        let mut c = server.client().await;
        c.join(code, &format!("Player{i}")).await;
        clients.push(c);
    }
    let mut out = Vec::new();
    for mut c in clients {
        let st = c.until_type("state").await;
        out.push((c, st));
    }
    out.sort_by_key(|(_, st)| st["you"]["seat"].as_u64().unwrap());
    out
}

async fn all_ready(players: &mut [(Client, Value)], next: &str) {
    for (c, _) in players.iter_mut() {
        c.send(json!({"type": "ready"})).await;
    }
    for (c, _) in players.iter_mut() {
        c.until_phase(next).await;
    }
}

#[tokio::test]
async fn two_player_match_to_a_deal_keeps_hidden_information_hidden() {
    let server = Server::start();
    let code = server.session("campsite", slow(), json!({})).await;
    let scenario = load_file(&crate::common::repo().join("scenarios/campsite.toml")).unwrap();
    let mut p = seated(&server, &code, 2).await;
    assert_eq!(p[0].1["phase"], "prep");
    assert_eq!(p[0].1["you"]["brief"], scenario.roles[0].brief.as_str());
    assert_eq!(p[1].1["you"]["batna"], scenario.roles[1].batna);

    // Small talk: entered by everyone voting; the icebreaker arrives as a server chat line.
    p[0].0.send(json!({"type": "ready"})).await;
    let st = p[1].0.until("vote shown", |v| v["type"] == "state" && v["players"][0]["ready"] == true).await;
    assert_eq!(st["phase"], "prep");
    p[1].0.send(json!({"type": "ready"})).await;
    for (c, _) in p.iter_mut() {
        c.until_phase("small_talk").await;
        let ice = c.until_type("chat").await;
        assert_eq!(ice["seat"], Value::Null);
        assert!(scenario.icebreakers.contains(&ice["text"].as_str().unwrap().to_string()));
    }
    let offer = package(&p[0].1, |_| 0);
    p[0].0.send(json!({"type": "offer", "package": offer})).await;
    let e = p[0].0.until_type("error").await;
    assert_eq!(e["code"], "wrong_phase");
    p[0].0.send(json!({"type": "chat", "text": "Hello from the north shore!"})).await;
    let line = p[1].0.until_type("chat").await;
    assert_eq!(
        (line["text"].as_str(), line["seat"].as_u64(), line["name"].as_str()),
        (Some("Hello from the north shore!"), Some(0), p[0].1["you"]["name"].as_str())
    );
    all_ready(&mut p, "bargaining").await;

    // Bargaining: seat 0 offers; seat 1 sees what it is worth to them and accepts.
    let pkg = package(&p[0].1, |k| [1, 3, 0][k]);
    p[0].0.send(json!({"type": "offer", "package": pkg})).await;
    let st = p[1].0.until("offer", |v| v["type"] == "state" && !v["offers"].as_array().unwrap().is_empty()).await;
    let offer = &st["offers"][0];
    let idx = vec![1usize, 3, 0];
    let expected_b = parley::core::scoring::package_points(&scenario, &idx)[1];
    assert_eq!(offer["value_to_you"], expected_b);
    assert_eq!(offer["status"], "standing");
    let id = offer["id"].as_u64().unwrap();
    p[1].0.send(json!({"type": "accept", "offer_id": id})).await;
    for (c, _) in p.iter_mut() {
        let st = c.until_phase("survey").await;
        assert_eq!(st["outcome"]["kind"], "deal");
        assert_eq!(st["survey"]["questions"].as_array().unwrap().len(), 5);
    }

    // Until now neither player has seen the other's brief, points or walk-away value.
    for (me, (c, _)) in p.iter().enumerate() {
        let other = 1 - me;
        let t = c.transcript();
        let brief_start: String = scenario.roles[other].brief.chars().take(80).collect();
        assert!(!t.contains(&brief_start), "seat {me} saw the other brief before results");
        let mut theirs = serde_json::Map::new();
        for i in &scenario.issues {
            theirs.insert(i.id.clone(), json!(i.points[other]));
        }
        assert!(!t.contains(&Value::Object(theirs).to_string()), "seat {me} saw the other points table");
        assert!(!t.contains(&format!("\"batna\":{}", scenario.roles[other].batna)), "seat {me} saw the other BATNA");
    }

    p[0].0.send(json!({"type": "survey", "ratings": {"trust": 6, "fair": 7}, "counterpart_priorities": ["firewood", "food", "water"]})).await;
    p[1].0.send(json!({"type": "survey", "ratings": {"trust": 9}})).await;
    assert_eq!(p[1].0.until_type("error").await["code"], "bad_survey");
    p[1].0.send(json!({"type": "skip_survey"})).await;
    let expected = analyse_outcome(&scenario, Some(&idx));
    for (c, _) in p.iter_mut() {
        let r = c.until_state_in(Phase::Results).await.results.expect("the reveal");
        assert_eq!(r.joint_value, expected.joint_value);
        assert_eq!(r.max_joint_value, expected.max_joint_value);
        assert_eq!(r.pareto_optimal, expected.pareto_optimal);
        // The reveal: every role's brief and points are now shown.
        let revealed = |role: usize| r.roles[role].revealed.as_ref().expect("the session reveals everything");
        assert_eq!(revealed(1).brief, scenario.roles[1].brief);
        assert_eq!(revealed(0).points["water"], scenario.issues[1].points[0]);
        assert!(r.frontier.as_ref().unwrap().len() >= 2);
        assert!(!r.feedback.is_empty());
    }
    // The facilitators' teaching notes never reach a player, not even with the results' reveal.
    let t = scenario.teaching.as_ref().expect("campsite has teaching notes");
    let notes =
        [&t.goals[0], &t.research, &t.debrief_questions[0], &t.frontier, &t.mistakes[0], &t.timing_45, &t.timing_90];
    for (me, (c, _)) in p.iter().enumerate() {
        let transcript = c.transcript();
        // As a text appears inside a JSON frame (escaped), first 60 characters.
        let encoded =
            |text: &str| -> String { serde_json::to_string(text.trim()).unwrap().chars().skip(1).take(60).collect() };
        let revealed = encoded(&scenario.roles[1 - me].brief);
        assert!(transcript.contains(&revealed), "seat {me}: the scan covers the reveal of the other brief");
        for note in notes {
            let encoded = encoded(note);
            assert!(!transcript.contains(&encoded), "seat {me} was sent a teaching note: {encoded}");
        }
    }
}

/// Golden raw-frame test of `reveal: "scores"`: each seat's reveal carries its own role's brief
/// and points, the other role's entry has neither key, and no frame ever held them.
#[tokio::test]
async fn a_scores_only_reveal_never_sends_the_other_brief_or_points() {
    let server = Server::start();
    let durations = json!({"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 600});
    let code = server.session("campsite", durations, json!({"reveal": "scores"})).await;
    let scenario = load_file(&crate::common::repo().join("scenarios/campsite.toml")).unwrap();
    let mut p = seated(&server, &code, 2).await;
    p[1].0.send(json!({"type": "walk_away"})).await;
    for (c, _) in p.iter_mut() {
        c.until_phase("survey").await;
        c.send(json!({"type": "skip_survey"})).await;
    }
    let points = |role: usize| -> Value {
        scenario.issues.iter().map(|i| (i.id.clone(), json!(i.points[role]))).collect::<serde_json::Map<_, _>>().into()
    };
    // As a text appears inside a JSON frame (escaped), its first 60 characters.
    let encoded =
        |text: &str| -> String { serde_json::to_string(text.trim()).unwrap().chars().skip(1).take(60).collect() };
    for (me, (c, _)) in p.iter_mut().enumerate() {
        let other = 1 - me;
        let st = c.until_phase("results").await;
        let roles = st["results"]["roles"].as_array().unwrap();
        assert_eq!(roles[me]["brief"], scenario.roles[me].brief.as_str());
        assert_eq!(roles[me]["points"], points(me));
        let theirs = &roles[other];
        assert!(theirs.get("brief").is_none() && theirs.get("points").is_none(), "seat {me} got {theirs}");
        assert_eq!(theirs["score"], scenario.roles[other].batna, "the scores are still shown");
        let transcript = c.transcript();
        assert!(transcript.contains(&encoded(&scenario.roles[me].brief)), "the scan would see a brief");
        assert!(!transcript.contains(&encoded(&scenario.roles[other].brief)), "seat {me} was sent the other brief");
        assert!(!transcript.contains(&points(other).to_string()), "seat {me} was sent the other points");
    }
}

#[tokio::test]
async fn walk_away_and_deadline_both_end_in_impasse() {
    let server = Server::start();
    // Pair 1 walks away.
    let code = server
        .session("job-offer", json!({"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 600}), json!({}))
        .await;
    let mut p = seated(&server, &code, 2).await;
    assert_eq!(p[0].1["phase"], "bargaining", "zero-length prep and small talk are skipped");
    p[1].0.send(json!({"type": "walk_away"})).await;
    for (c, _) in p.iter_mut() {
        let st = c.until_phase("survey").await;
        assert_eq!(st["outcome"], json!({"kind": "impasse", "reason": "walked_away"}));
    }
    // Pair 2 runs out of time: the server pushes every phase change itself.
    let code =
        server.session("campsite", json!({"prep": 1, "small_talk": 1, "bargaining": 1, "survey": 1}), json!({})).await;
    let mut p = seated(&server, &code, 2).await;
    let (c, _) = &mut p[0];
    let st = c.until_phase("small_talk").await;
    assert!(st["deadline"].as_i64().unwrap() > st["phase_started"].as_i64().unwrap());
    c.until_phase("bargaining").await;
    let st = c.until_phase("survey").await;
    assert_eq!(st["outcome"], json!({"kind": "impasse", "reason": "deadline"}));
    let st = c.until_state_in(Phase::Results).await;
    let r = st.results.expect("the reveal");
    let scenario = load_file(&crate::common::repo().join("scenarios/campsite.toml")).unwrap();
    assert_eq!(
        r.joint_value,
        scenario.roles.iter().map(|r| r.batna).sum::<i64>(),
        "an impasse gives everyone their BATNA"
    );
    assert_eq!(st.deadline, None);
}

#[tokio::test]
async fn four_party_deal_needs_every_party_to_accept() {
    let server = Server::start();
    let code = server
        .session("alignment-meeting", json!({"prep": 0, "small_talk": 600, "bargaining": 600, "survey": 0}), json!({}))
        .await;
    let mut p = seated(&server, &code, 4).await;
    let roles: Vec<&str> = p.iter().map(|(_, st)| st["you"]["role"]["id"].as_str().unwrap()).collect();
    assert_eq!(roles, ["product", "engineering", "sales", "finance"]);
    all_ready(&mut p, "bargaining").await;
    let pkg = package(&p[0].1, |_| 0);
    p[0].0.send(json!({"type": "offer", "package": pkg})).await;
    let id =
        p[3].0.until("offer", |v| v["type"] == "state" && v["offers"].as_array().is_some_and(|o| !o.is_empty())).await
            ["offers"][0]["id"]
            .as_u64()
            .unwrap();
    for (c, _) in p.iter_mut().take(3).skip(1) {
        c.send(json!({"type": "accept", "offer_id": id})).await;
    }
    let st = p[0]
        .0
        .until("two accepts", |v| {
            v["type"] == "state" && v["offers"][0]["accepted_by"].as_array().is_some_and(|a| a.len() == 3)
        })
        .await;
    assert_eq!(st["phase"], "bargaining", "three of four is not a deal");
    p[3].0.send(json!({"type": "accept", "offer_id": id})).await;
    for (c, _) in p.iter_mut() {
        let r = c.until_state_in(Phase::Results).await.results.expect("the reveal");
        assert!(r.outcome.as_ref().is_some_and(|o| o.is_deal()), "{:?}", r.outcome);
        assert_eq!(r.roles.len(), 4);
        assert_eq!(r.frontier, None, "frontier is drawn for two roles only");
    }
}

#[tokio::test]
async fn a_majority_deal_among_four_parties_survives_one_no() {
    // The bundled four-party case, declared with a majority rule instead of unanimity.
    let dir = std::env::temp_dir().join(format!("parley-majority-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let toml = std::fs::read_to_string(crate::common::repo().join("scenarios/alignment-meeting.toml")).unwrap();
    std::fs::write(dir.join("alignment-meeting.toml"), format!("{toml}\n[deal]\nrule = \"majority\"\n")).unwrap();
    let server = Server::start_with(&["--scenarios", dir.to_str().unwrap()]);
    let code = server
        .session("alignment-meeting", json!({"prep": 0, "small_talk": 600, "bargaining": 600, "survey": 0}), json!({}))
        .await;
    let mut p = seated(&server, &code, 4).await;
    let rule = "A package is the deal once 3 of the 4 parties accept it (whoever proposes it counts).";
    assert_eq!(p[0].1["scenario"]["deal_rule"], rule, "players read the rule before bargaining");
    all_ready(&mut p, "bargaining").await;
    let pkg = package(&p[0].1, |_| 0);
    p[0].0.send(json!({"type": "offer", "package": pkg})).await;
    let id = p[1].0.until("the offer", |v| v["type"] == "state" && v["offers"][0]["id"].is_u64()).await["offers"][0]
        ["id"]
        .as_u64()
        .unwrap();
    p[1].0.send(json!({"type": "reject", "offer_id": id})).await;
    p[2].0.send(json!({"type": "accept", "offer_id": id})).await;
    let st = p[0]
        .0
        .until("a reject and an accept", |v| {
            v["type"] == "state" && v["offers"][0]["accepted_by"].as_array().is_some_and(|a| a.len() == 2)
        })
        .await;
    assert_eq!((&st["phase"], &st["offers"][0]["status"]), (&json!("bargaining"), &json!("standing")), "one no");
    p[3].0.send(json!({"type": "accept", "offer_id": id})).await;
    for (c, _) in p.iter_mut() {
        let st = c.until_state_in(Phase::Results).await;
        assert!(st.outcome.as_ref().is_some_and(|o| o.is_deal()), "three of four is a majority");
        assert_eq!(st.results.expect("the reveal").deal_rule, rule);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn reconnecting_with_the_token_resumes_the_match() {
    let server = Server::start();
    let code = server
        .session("campsite", json!({"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 600}), json!({}))
        .await;
    let mut a = server.client().await;
    let joined = a.join(&code, "Ana").await;
    let token = joined["token"].as_str().unwrap().to_string();
    assert_eq!(token.len(), 32);
    let w = a.until_type("waiting").await;
    assert_eq!(w["ahead"], 0);
    let mut b = server.client().await;
    b.join(&code, "Ben").await;
    let st = a.until_phase("bargaining").await;
    let pkg = package(&st, |_| 1);
    a.send(json!({"type": "chat", "text": "Before I drop: what matters most to you?"})).await;
    a.send(json!({"type": "offer", "package": pkg})).await;
    b.until("offer", |v| v["type"] == "state" && v["offers"].as_array().is_some_and(|o| o.len() == 1)).await;
    a.close().await;
    let st = b
        .until("a offline", |v| {
            v["type"] == "state" && v["players"].as_array().unwrap().iter().any(|p| p["online"] == false)
        })
        .await;
    assert!(st["players"].as_array().unwrap().iter().any(|p| p["gone_since"].is_i64()));

    let mut a2 = Client::connect(&server.ws_url()).await;
    a2.send(json!({"type": "hello", "version": 1, "token": token})).await;
    let j = a2.until_type("joined").await;
    assert_eq!(j["name"], "Ana");
    let st = a2.until_type("state").await;
    assert_eq!(st["phase"], "bargaining");
    assert_eq!(st["offers"][0]["status"], "standing");
    let hist = a2.until_type("chat_history").await;
    assert!(hist["lines"].as_array().unwrap().iter().any(|l| l["text"] == "Before I drop: what matters most to you?"));
    b.until("a back", |v| v["type"] == "state" && v["players"].as_array().unwrap().iter().all(|p| p["online"] == true))
        .await;
    // The resumed connection can act.
    a2.send(json!({"type": "withdraw"})).await;
    let st = b.until("withdrawn", |v| v["type"] == "state" && v["offers"][0]["status"] == "withdrawn").await;
    assert_eq!(st["phase"], "bargaining");
    // Coming and going is the runtime's business: the game's event log holds what players did
    // (read straight from the database, which the server shares with readers).
    let db = rusqlite::Connection::open_with_flags(&server.db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let kinds: Vec<String> = db
        .prepare("SELECT kind FROM events ORDER BY match_id, seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(kinds.iter().any(|k| k.contains("\"withdraw\"")), "{kinds:?}");
    assert!(!kinds.iter().any(|k| k.contains("presence")), "presence in the game log: {kinds:?}");
}

#[tokio::test]
async fn bad_input_gets_stable_error_codes_and_hurts_nobody_else() {
    let server = Server::start();
    // A healthy match elsewhere on the server.
    let other = server
        .session("campsite", json!({"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 600}), json!({}))
        .await;
    let mut q = seated(&server, &other, 2).await;

    let mut c = Client::connect(&server.ws_url()).await;
    c.send(json!({"type": "chat", "text": "hi"})).await;
    assert_eq!(c.until_type("error").await["code"], "hello_required");
    c.send(json!({"type": "hello", "version": 1})).await;
    c.until_type("welcome").await;
    c.send_raw("{not json").await;
    assert_eq!(c.until_type("error").await["code"], "bad_json");
    c.send(json!({"type": "teleport"})).await;
    assert_eq!(c.until_type("error").await["code"], "unknown_type");
    c.send(json!({"type": "accept", "offer_id": "seven"})).await;
    assert_eq!(c.until_type("error").await["code"], "bad_message");
    c.send_raw(&format!(r#"{{"type":"chat","text":"{}"}}"#, "x".repeat(20_000))).await;
    assert_eq!(c.until_type("error").await["code"], "frame_too_large");
    c.send(json!({"type": "offer", "package": {}})).await;
    assert_eq!(c.until_type("error").await["code"], "not_joined");
    c.send(json!({"type": "join", "code": "ZZZZZZ", "name": "Eve"})).await;
    assert_eq!(c.until_type("error").await["code"], "unknown_session");
    c.send(json!({"type": "join", "code": other, "name": "   "})).await;
    assert_eq!(c.until_type("error").await["code"], "bad_name");
    c.send(json!({"type": "ping"})).await;
    c.until_type("pong").await;

    // A forged token.
    let mut f = Client::connect(&server.ws_url()).await;
    f.send(json!({"type": "hello", "version": 1, "token": "0123456789abcdef0123456789abcdef"})).await;
    assert_eq!(f.until_type("error").await["code"], "bad_token");
    // A wrong version closes the connection.
    let mut v = Client::connect(&server.ws_url()).await;
    v.send(json!({"type": "hello", "version": 99})).await;
    assert_eq!(v.until_type("error").await["code"], "unsupported_version");
    assert!(v.next().await.is_none());

    // In a match: bad offers, unknown ids, acting out of turn, floods.
    let code = server
        .session("campsite", json!({"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 600}), json!({}))
        .await;
    let mut p = seated(&server, &code, 2).await;
    let me = &mut p[0].0;
    me.send(json!({"type": "offer", "package": {"food": 0, "water": 0, "firewood": 0, "gold": 1}})).await;
    assert_eq!(me.until_type("error").await["code"], "unknown_issue");
    me.send(json!({"type": "offer", "package": {"food": 0, "water": 0}})).await;
    assert_eq!(me.until_type("error").await["code"], "missing_issue");
    me.send(json!({"type": "offer", "package": {"food": 0, "water": 0, "firewood": 9}})).await;
    assert_eq!(me.until_type("error").await["code"], "unknown_option");
    me.send(json!({"type": "accept", "offer_id": 424242})).await;
    assert_eq!(me.until_type("error").await["code"], "offer_not_standing");
    me.send(json!({"type": "withdraw"})).await;
    assert_eq!(me.until_type("error").await["code"], "nothing_to_withdraw");
    me.send(json!({"type": "survey", "ratings": {}})).await;
    assert_eq!(me.until_type("error").await["code"], "wrong_phase");
    me.send(json!({"type": "chat", "text": "y".repeat(1001)})).await;
    assert_eq!(me.until_type("error").await["code"], "chat_too_long");
    me.send(json!({"type": "offer", "package": {"food": 0, "water": 0, "firewood": 0}})).await;
    let id = me
        .until("own offer", |v| v["type"] == "state" && v["offers"].as_array().is_some_and(|o| !o.is_empty()))
        .await["offers"][0]["id"]
        .clone();
    me.send(json!({"type": "accept", "offer_id": id})).await;
    assert_eq!(me.until_type("error").await["code"], "own_offer");
    for i in 0..12 {
        me.send(json!({"type": "chat", "text": format!("flood {i}")})).await;
    }
    me.until_error("rate_limited").await;

    // The other match never noticed.
    q[0].0.send(json!({"type": "chat", "text": "still fine?"})).await;
    let line = q[1].0.until_type("chat").await;
    assert_eq!(line["text"], "still fine?");
    // Over the hard limit the WebSocket layer closes that one connection; the server stays up.
    c.send_raw(&"z".repeat(100_000)).await;
    while c.next().await.is_some() {}
    let (status, h) = server.get("/healthz").await;
    assert_eq!((status, h["status"].as_str()), (200, Some("ok")));
}

#[tokio::test]
async fn practice_pool_pairs_people_and_sessions_need_the_admin_key_when_set() {
    let server = Server::start_with(&["--admin-key", "s3cret"]);
    let (status, v) = server.post("/api/sessions", json!({"scenario": "campsite"}), &[]).await;
    assert_eq!((status, v["code"].as_str()), (401, Some("admin_key_required")));
    let (status, v) = server.post("/api/sessions", json!({"scenario": "nope"}), &[("x-admin-key", "s3cret")]).await;
    assert_eq!((status, v["code"].as_str()), (400, Some("unknown_scenario")));
    let (status, v) = server.post("/api/sessions", json!({"scenario": "campsite"}), &[("x-admin-key", "s3cret")]).await;
    assert_eq!(status, 201);
    let code = v["code"].as_str().unwrap();
    assert_eq!(code.len(), 6);
    assert_eq!(v["facilitator_token"].as_str().unwrap().len(), 32);
    let (status, info) = server.get(&format!("/api/sessions/{code}")).await;
    assert_eq!((status, info["scenario"]["id"].as_str()), (200, Some("campsite")));

    // Practice: two people asking for no particular scenario meet; a third waits.
    let mut a = server.client().await;
    a.send(json!({"type": "practice", "name": "Ana"})).await;
    assert_eq!(a.until_type("joined").await["session"]["kind"], "practice");
    let mut b = server.client().await;
    b.send(json!({"type": "practice", "name": "Ben"})).await;
    let sa = a.until_type("state").await;
    let sb = b.until_type("state").await;
    assert_eq!(sa["match_id"], sb["match_id"]);
    assert_ne!(sa["you"]["seat"], sb["you"]["seat"]);
    let mut c = server.client().await;
    c.send(json!({"type": "practice", "name": "Cy", "scenario": "job-offer"})).await;
    let w = c.until_type("waiting").await;
    assert_eq!((w["ahead"].as_u64(), w["scenario"].as_str()), (Some(0), Some("job-offer")));
    c.send(json!({"type": "practice", "name": "Cy"})).await;
    assert_eq!(c.until_type("error").await["code"], "already_joined");
    let mut d = server.client().await;
    d.send(json!({"type": "practice", "name": "Di", "scenario": "moon-base"})).await;
    assert_eq!(d.until_type("error").await["code"], "unknown_scenario");
}

#[tokio::test]
async fn dropouts_follow_the_session_policy() {
    let server = Server::start();
    let fast = json!({"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 600});
    // Abandon: after a 1 s grace period the match ends as abandoned and the other player sees why.
    let code = server.session("campsite", fast.clone(), json!({"dropout": "abandon", "grace_seconds": 1})).await;
    let mut p = seated(&server, &code, 2).await;
    let (gone, gone_state) = p.remove(0);
    // Whoever holds seat 0: two joins racing under load can reach the waiting line in either order.
    let name = gone_state["you"]["name"].as_str().unwrap().to_string();
    gone.close().await;
    let st = p[0].0.until_phase("results").await;
    assert_eq!(st["outcome"]["kind"], "abandoned");
    assert!(st["outcome"]["reason"].as_str().unwrap().contains(&name), "{name}: {}", st["outcome"]);
    // Wait: the match goes on and the other player is told how long their counterpart has been gone.
    let code = server.session("campsite", fast, json!({"dropout": "wait", "grace_seconds": 1})).await;
    let mut p = seated(&server, &code, 2).await;
    let (gone, _) = p.remove(1);
    gone.close().await;
    let st = p[0].0.until_state_where("dropout notice", |s| s.dropout.is_some()).await;
    assert_eq!(st.phase, Phase::Bargaining);
    let dropout = st.dropout.expect("dropout");
    assert_eq!((dropout.policy, dropout.seat), (parley::monitor::DropoutPolicy::Wait, 1));
    assert!(dropout.message.contains("lost their connection"), "{}", dropout.message);
}

#[tokio::test]
async fn disclosures_are_checked_and_verdicts_stay_hidden_until_results() {
    use parley::core::trust::issue_weights;
    let server = Server::start();
    let (status, created) =
        server.post("/api/sessions", json!({"scenario": "campsite", "durations": slow()}), &[]).await;
    assert_eq!(status, 201);
    let code = created["code"].as_str().unwrap().to_string();
    let token = created["facilitator_token"].as_str().unwrap().to_string();
    let scenario = load_file(&crate::common::repo().join("scenarios/campsite.toml")).unwrap();
    let ids: Vec<String> = scenario.issues.iter().map(|i| i.id.clone()).collect();
    let mut p = seated(&server, &code, 2).await;
    // Prep: both guess the other's priorities (seat 0 guesses exactly right, seat 1 backwards).
    let order_by = |role: usize, desc: bool| {
        let w = issue_weights(&scenario, role);
        let mut idx: Vec<usize> = (0..w.len()).collect();
        idx.sort_by(|&a, &b| if desc { w[b].total_cmp(&w[a]) } else { w[a].total_cmp(&w[b]) });
        idx.iter().map(|&i| ids[i].clone()).collect::<Vec<_>>()
    };
    p[0].0.send(json!({"type": "guess_priorities", "order": ["food"]})).await;
    assert_eq!(p[0].0.until_type("error").await["code"], "bad_guess");
    p[0].0.send(json!({"type": "guess_priorities", "order": order_by(1, true)})).await;
    p[0].0.until("guess stored", |v| v["type"] == "state" && v["you"]["guessed_priorities"] == true).await;
    p[1].0.send(json!({"type": "guess_priorities", "order": order_by(0, false)})).await;
    all_ready(&mut p, "small_talk").await;
    all_ready(&mut p, "bargaining").await;

    // Seat 0 tells the truth; seat 1 claims its least important issue matters a lot (misleading).
    let w0 = issue_weights(&scenario, 0);
    let top0 = (0..w0.len()).max_by(|&a, &b| w0[a].total_cmp(&w0[b])).unwrap();
    let w1 = issue_weights(&scenario, 1);
    let low1 = (0..w1.len()).min_by(|&a, &b| w1[a].total_cmp(&w1[b])).unwrap();
    p[0].0
        .send(json!({"type": "disclose", "statement": {"kind": "importance", "issue": ids[top0], "level": "high"}}))
        .await;
    let line = p[1].0.until_type("chat").await;
    assert_eq!(line["text"], format!("{} matters a lot to me.", scenario.issues[top0].name));
    p[1].0
        .send(json!({"type": "disclose", "statement": {"kind": "importance", "issue": ids[low1], "level": "high"}}))
        .await;
    p[0].0.until("their statement", |v| v["type"] == "chat" && v["seat"] == 1).await;
    p[1].0
        .send(json!({"type": "disclose", "statement": {"kind": "prefers", "issue": ids[0], "better": 1, "worse": 1}}))
        .await;
    assert_eq!(p[1].0.until_type("error").await["code"], "bad_statement");
    p[0].0.send(json!({"type": "offer", "package": {"food": 1, "water": 2, "firewood": 1}})).await;
    let id =
        p[1].0.until("offer", |v| v["type"] == "state" && v["offers"].as_array().is_some_and(|o| !o.is_empty())).await
            ["offers"][0]["id"]
            .clone();
    p[1].0.send(json!({"type": "accept", "offer_id": id})).await;
    for (c, _) in p.iter_mut() {
        c.until_phase("survey").await;
        assert!(!c.transcript().contains("truthful"), "a verdict leaked before results");
    }
    p[0].0.send(json!({"type": "survey", "ratings": {"trust": 7, "foundation": 6, "listened": 5}, "counterpart_priorities": order_by(1, true)})).await;
    p[1].0.send(json!({"type": "survey", "ratings": {"trust": 2, "foundation": 2, "listened": 2}})).await;
    let st = p[0].0.until_phase("results").await;
    let t = &st["results"]["trust"];
    // Seat 0 rated (7+6+5)/3 = 6 -> 83.3; seat 1 rated 2 -> 16.7; built = 50. With one rater
    // each, those numbers would give away a private survey answer: players do not see them
    // (issue #10), the facilitator's debrief and exports do.
    assert_eq!(t["trust_built"], Value::Null, "{t}");
    assert_eq!(t["trust_built_private"], true);
    assert_eq!(t["trust_survey"], Value::Null, "the survey part alone would give the answer away too: {t}");
    assert_eq!(t["you"]["trust_earned"], Value::Null);
    assert_eq!(t["you"]["trust_earned_private"], true);
    // Nobody's line among the players carries trust earned or the sentences: only `you` does.
    for line in t["players"].as_array().unwrap() {
        assert!(line.get("trust_earned").is_none() && line.get("sentences").is_none(), "{line}");
    }
    let (_, debrief) = server.get(&format!("/api/sessions/{code}/debrief?token={token}")).await;
    // The survey part of trust built (issue #11 averages it with the behavioural estimate).
    let built = debrief["matches"][0]["trust_survey"].as_f64().unwrap();
    assert!((built - 50.0).abs() < 1e-9, "{debrief}");
    let (_, csv) = server.get(&format!("/api/sessions/{code}/export/players.csv?token={token}")).await;
    let mut rows = csv::Reader::from_reader(csv.as_str().unwrap().as_bytes());
    let header = rows.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let earned: Vec<(String, f64)> = rows
        .records()
        .map(|r| r.unwrap())
        .map(|r| (r[col("seat")].to_string(), r[col("trust_earned")].parse::<f64>().unwrap()))
        .collect();
    let seat0 = earned.iter().find(|(s, _)| s == "0").unwrap().1;
    assert!((seat0 - 100.0 / 6.0).abs() < 1e-3, "{earned:?}");
    assert_eq!(t["players"][0]["perspective_before"], 1.0);
    assert_eq!(t["players"][0]["perspective_after"], 1.0);
    assert_eq!(t["players"][1]["perspective_before"], -1.0);
    assert_eq!(t["players"][0]["signals"]["true_disclosures"], 1);
    assert_eq!(t["players"][1]["signals"]["misleading_disclosures"], 1);
    let d = st["results"]["disclosures"].as_array().unwrap();
    assert_eq!((d[0]["truthful"].as_bool(), d[1]["truthful"].as_bool()), (Some(true), Some(false)));
    let own = p[1].0.until_phase("results").await;
    assert_eq!(own["results"]["trust"]["you"]["sentences"].as_array().unwrap().len(), 3);
    assert!(!own.to_string().contains("83.3"), "seat 1 does not see how seat 0 rated it");
}

#[tokio::test]
async fn a_silent_connection_is_closed_and_the_counterpart_sees_it_go() {
    // Heartbeat: clients ping every 10 s; here the server closes connections silent for 2 s.
    let server = Server::start_with(&["--idle-timeout", "2"]);
    let code = server
        .session("campsite", json!({"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 600}), json!({}))
        .await;
    let mut p = seated(&server, &code, 2).await;
    let (mut silent, _) = p.remove(1);
    let (mut chatty, _) = p.remove(0);
    // The silent one sends nothing: the server closes its connection.
    let closed = tokio::spawn(async move { while silent.next().await.is_some() {} });
    // The other keeps its connection alive with a ping every 500 ms until it is told.
    let st = loop {
        chatty.send(json!({"type": "ping"})).await;
        let told = chatty.until("counterpart offline", |v| v["type"] == "state" && v["players"][1]["online"] == false);
        if let Ok(v) = tokio::time::timeout(std::time::Duration::from_millis(500), told).await {
            break v;
        }
    };
    closed.await.unwrap();
    assert!(st["players"][1]["gone_since"].is_i64());
}

/// Polls `/healthz` until `matches_in_memory` is `n`.
async fn until_in_memory(server: &Server, n: u64) {
    until_healthz(server, |h| h["matches_in_memory"] == n).await;
}

/// Polls `/healthz` until `ok` holds (the server's own counts, not a timer).
async fn until_healthz(server: &Server, ok: impl Fn(&Value) -> bool) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let (_, h) = server.get("/healthz").await;
        if ok(&h) {
            return h;
        }
        assert!(std::time::Instant::now() < deadline, "healthz never got there: {h}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_idle_session_leaves_memory_and_every_way_in_brings_it_back() {
    let server = Server::start_with(&["--dormant-after", "1"]);
    let (status, created) = server
        .post(
            "/api/sessions",
            json!({"scenario": "campsite", "title": "Idle class", "pairing": "facilitator",
                   "durations": {"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 600}}),
            &[],
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let code = created["code"].as_str().unwrap().to_string();
    let ftoken = created["facilitator_token"].as_str().unwrap().to_string();
    let mut a = server.client().await;
    let token = a.join(&code, "Ana").await["token"].as_str().unwrap().to_string();
    a.until_type("waiting").await;
    // Ana waits (in use), then leaves the line and closes the tab: nothing uses the session.
    a.send(json!({"type": "leave"})).await;
    a.until_type("left").await;
    a.close().await;
    until_healthz(&server, |h| h["sessions"] == 1).await;

    // The facilitator's console brings it back, and keeps it while it watches.
    let mut console = server.client().await;
    console.send(json!({"type": "watch", "code": code, "token": ftoken})).await;
    let monitor = console.until_type("monitor").await;
    assert_eq!(monitor["players"].as_array().map(Vec::len), Some(1), "{monitor}");
    until_healthz(&server, |h| h["sessions"] == 2).await;
    // Watched for three times --dormant-after (three sweeps): it stays in memory all along.
    let until = std::time::Instant::now() + std::time::Duration::from_secs(3);
    while std::time::Instant::now() < until {
        let h = server.get("/healthz").await.1;
        assert_eq!(h["sessions"], 2, "a watched session left memory: {h}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    console.close().await;
    until_healthz(&server, |h| h["sessions"] == 1).await;

    // An HTTP request of the facilitator's brings it back too, with its player.
    let (status, info) = server.get(&format!("/api/sessions/{code}")).await;
    assert_eq!((status, info["players"].as_u64()), (200, Some(1)), "{info}");
    until_healthz(&server, |h| h["sessions"] == 1).await;
    let (status, debrief) = server.get(&format!("/api/sessions/{code}/debrief?token={ftoken}")).await;
    assert_eq!(status, 200, "{debrief}");
    until_healthz(&server, |h| h["sessions"] == 1).await;

    // Ana's token brings her back into her session, in the lobby of it; she can wait again.
    let mut a2 = Client::connect(&server.ws_url()).await;
    a2.send(json!({"type": "hello", "version": 1, "token": token})).await;
    let joined = a2.until_type("joined").await;
    assert_eq!(joined["session"]["code"], code);
    a2.until_type("waiting").await;
    // A second player joining by code finds the same session, not a copy of it.
    let mut b = server.client().await;
    b.join(&code, "Ben").await;
    let (_, info) = server.get(&format!("/api/sessions/{code}")).await;
    assert_eq!(info["players"], 2, "{info}");
    // An unknown token is still unknown.
    let mut c = Client::connect(&server.ws_url()).await;
    c.send(json!({"type": "hello", "version": 1, "token": "0123456789abcdef0123456789abcdef"})).await;
    c.until_error("bad_token").await;
}

#[tokio::test]
async fn a_class_coming_back_all_at_once_gets_one_copy_of_its_session_every_time() {
    let server = Server::start_with(&["--dormant-after", "1"]);
    let code = server.session("campsite", json!({"bargaining": 600}), json!({"pairing": "facilitator"})).await;
    let mut tokens = Vec::new();
    for i in 0..8 {
        let mut c = server.client().await;
        tokens.push(c.join(&code, &format!("P{i}")).await["token"].as_str().unwrap().to_string());
        c.until_type("waiting").await;
        c.close().await;
    }
    for round in 0..3 {
        // Everyone gone: the session leaves memory; then all eight reconnect at once, while a
        // newcomer joins by code, racing the lookups that read the session back.
        until_healthz(&server, |h| h["sessions"] == 1 && h["players"] == 0).await;
        let back = tokens.iter().map(|t| {
            let (url, t) = (server.ws_url(), t.clone());
            async move {
                let mut c = Client::connect(&url).await;
                c.send(json!({"type": "hello", "version": 1, "token": t})).await;
                let joined = c.until_type("joined").await;
                c.until_type("waiting").await;
                (c, joined)
            }
        });
        let newcomer = async {
            let mut c = server.client().await;
            c.join(&code, &format!("New{round}")).await;
            c
        };
        let (clients, new) = tokio::join!(futures_util::future::join_all(back), newcomer);
        for (_, joined) in &clients {
            assert_eq!(joined["session"]["code"], code);
        }
        let (_, info) = server.get(&format!("/api/sessions/{code}")).await;
        assert_eq!(info["players"], 8 + round + 1, "one copy of the session, with everyone: {info}");
        let h = server.get("/healthz").await.1;
        assert_eq!((h["sessions"].as_u64(), h["players"].as_u64()), (Some(2), Some(9 + round as u64)), "{h}");
        for (c, _) in clients {
            c.close().await;
        }
        new.close().await;
    }
}

#[tokio::test]
async fn practice_players_who_left_leave_memory_and_come_back_to_their_last_match() {
    let server = Server::start_with(&["--dormant-after", "1", "--practice-bot-after", "0"]);
    let mut a = server.client().await;
    a.send(json!({"type": "practice", "name": "Ana", "scenario": "campsite"})).await;
    let ta = a.until_type("joined").await["token"].as_str().unwrap().to_string();
    let mut b = server.client().await;
    b.send(json!({"type": "practice", "name": "Ben", "scenario": "campsite"})).await;
    let tb = b.until_type("joined").await["token"].as_str().unwrap().to_string();
    for phase in ["prep", "small_talk", "bargaining"] {
        for c in [&mut a, &mut b] {
            c.until_phase(phase).await;
        }
        if phase != "bargaining" {
            for c in [&mut a, &mut b] {
                c.send(json!({"type": "ready"})).await;
            }
        }
    }
    a.send(json!({"type": "walk_away"})).await;
    let mut before = Value::Null;
    for c in [&mut a, &mut b] {
        let st = c.until("survey or results", |v| v["type"] == "state" && v["phase"] != "bargaining").await;
        if st["phase"] == "survey" {
            c.send(json!({"type": "skip_survey"})).await;
        }
    }
    for c in [&mut a, &mut b] {
        before = c.until_phase("results").await;
    }
    a.close().await;
    b.close().await;
    // Both gone and the match over: the players and the match leave memory; the pool stays.
    until_healthz(&server, |h| h["sessions"] == 1 && h["players"] == 0 && h["matches"] == 0).await;

    // Ana's token brings back her and her last match (and not Ben).
    let mut a2 = Client::connect(&server.ws_url()).await;
    a2.send(json!({"type": "hello", "version": 1, "token": ta})).await;
    let again = a2.until_phase("results").await;
    assert_eq!((&again["match_id"], &again["outcome"]), (&before["match_id"], &before["outcome"]));
    let h = server.get("/healthz").await.1;
    assert_eq!((h["players"].as_u64(), h["matches"].as_u64()), (Some(1), Some(1)), "{h}");
    // Ben comes back to the same match, not a second copy of it.
    let mut b2 = Client::connect(&server.ws_url()).await;
    b2.send(json!({"type": "hello", "version": 1, "token": tb})).await;
    assert_eq!(b2.until_phase("results").await["match_id"], before["match_id"]);
    let h = server.get("/healthz").await.1;
    assert_eq!((h["players"].as_u64(), h["matches"].as_u64()), (Some(2), Some(1)), "{h}");
}

#[tokio::test]
async fn a_finished_match_nobody_watches_leaves_memory_and_comes_back_for_its_players() {
    let server = Server::start_process_with(&["--dormant-after", "1"]);
    let code = server
        .session("campsite", json!({"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 600}), json!({}))
        .await;
    let mut a = server.client().await;
    let token = a.join(&code, "Ana").await["token"].as_str().unwrap().to_string();
    let mut b = server.client().await;
    b.join(&code, "Ben").await;
    let st = a.until_phase("bargaining").await;
    a.send(json!({"type": "offer", "package": package(&st, |_| 1)})).await;
    let offer = b.until("offer", |v| v["type"] == "state" && v["offers_total"] == 1).await;
    b.send(json!({"type": "accept", "offer_id": offer["offers"][0]["id"]})).await;
    for c in [&mut a, &mut b] {
        c.until_phase("survey").await;
        c.send(json!({"type": "skip_survey"})).await;
    }
    let before = a.until_state_in(Phase::Results).await;
    until_in_memory(&server, 1).await;
    a.close().await;
    b.close().await;
    // Finished and nobody connected: after --dormant-after its state leaves memory, and then the
    // whole session (its players and the match's handle) leaves too; only the practice pool stays.
    until_in_memory(&server, 0).await;
    until_healthz(&server, |h| h["sessions"] == 1 && h["matches"] == 0).await;
    // Ana opens the link again: the session and the match are read back from the store and show
    // the same results.
    let mut a2 = Client::connect(&server.ws_url()).await;
    a2.send(json!({"type": "hello", "version": 1, "token": token})).await;
    let again = a2.until_state_in(Phase::Results).await;
    assert!(before.results.is_some());
    assert_eq!(again.results, before.results, "the same reveal, read back from the store");
    assert_eq!(again.outcome, before.outcome);
    until_in_memory(&server, 1).await;
    a2.close().await;

    // The finished match's summary is stored, so a restart restores it without replaying it...
    let stored = || {
        let db = rusqlite::Connection::open_with_flags(&server.db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        db.query_row("SELECT summary FROM matches", [], |r| r.get::<_, Option<String>>(0)).unwrap()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while stored().is_none() {
        assert!(std::time::Instant::now() < deadline, "the summary was never stored");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(stored().unwrap().contains("\"results\""));
    let mut server = server;
    server.kill9_and_restart();
    let (_, h) = server.get("/healthz").await;
    // Only live sessions are read at start-up: this one (every match finished) stays in the store.
    assert_eq!((h["sessions"].as_u64(), h["matches"].as_u64()), (Some(1), Some(0)), "{h}");
    // ...and Ana still finds her results there.
    let mut a3 = Client::connect(&server.ws_url()).await;
    a3.send(json!({"type": "hello", "version": 1, "token": token})).await;
    let after = a3.until_state_in(Phase::Results).await;
    assert_eq!(after.results, before.results, "the same reveal after a restart");
}
