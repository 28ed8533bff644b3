//! Tentative terms over real WebSockets: two players agree one issue in principle, then close a
//! full deal; the transcript, debrief and exports show the order issues were settled; raw frames
//! carry no hidden information; agreements survive a reconnect and a kill -9.

use crate::common::{package, Client, Server};
use parley::core::game::Phase;
use parley::core::scenario::load_file;
use serde_json::{json, Value};

/// A job-offer class straight into bargaining; returns the join code and the facilitator token.
async fn class(server: &Server) -> (String, String) {
    let durations = json!({"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 600});
    let (status, v) = server.post("/api/sessions", json!({"scenario": "job-offer", "durations": durations}), &[]).await;
    assert_eq!(status, 201, "{v}");
    (v["code"].as_str().unwrap().to_string(), v["facilitator_token"].as_str().unwrap().to_string())
}

/// Ana and Ben in bargaining, as `(client, token, first state)` in seat order (two joins can
/// reach the waiting line in either order, so seats are read, not assumed).
async fn pair(server: &Server, code: &str) -> Vec<(Client, String, Value)> {
    let mut out = Vec::new();
    for name in ["Ana", "Ben"] {
        let mut c = server.client().await;
        let token = c.join(code, name).await["token"].as_str().unwrap().to_string();
        out.push((c, token));
    }
    let mut seated = Vec::new();
    for (mut c, token) in out {
        let st = c.until_phase("bargaining").await;
        seated.push((c, token, st));
    }
    seated.sort_by_key(|(_, _, st)| st["you"]["seat"].as_u64().unwrap());
    seated
}

/// The terms entry of an issue in a state frame.
fn terms<'a>(st: &'a Value, issue: &str) -> &'a Value {
    st["terms"].as_array().unwrap().iter().find(|t| t["issue"] == issue).unwrap()
}

#[tokio::test]
async fn two_players_settle_an_issue_in_principle_then_close_a_deal_and_the_reports_show_the_order() {
    let server = Server::start();
    let (code, token) = class(&server).await;
    let scenario = load_file(&crate::common::repo().join("scenarios/job-offer.toml")).unwrap();
    let mut p = pair(&server, &code).await;
    let names: Vec<String> = p.iter().map(|x| x.2["you"]["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(p[0].2["terms"].as_array().unwrap().len(), scenario.issues.len(), "one entry per issue");
    assert!(p[0].2["allowed_actions"].as_array().unwrap().contains(&json!("propose_terms")));

    // Seat 0 proposes a salary in principle; seat 1 sees it and may answer.
    p[0].0.send(json!({"type": "propose_terms", "issue": "salary", "option": 2})).await;
    let st = p[1].0.until("the proposal", |v| v["type"] == "state" && !terms(v, "salary")["proposal"].is_null()).await;
    let proposal = &terms(&st, "salary")["proposal"];
    assert_eq!((proposal["seat"].as_u64(), proposal["option"].as_u64()), (Some(0), Some(2)));
    assert_eq!(proposal["accepted_by"], json!([0]));
    for action in ["agree_terms", "reject_terms"] {
        assert!(st["allowed_actions"].as_array().unwrap().contains(&json!(action)), "{action}");
    }

    // Refusals, each with its stable code; nothing changes.
    p[1].0.send(json!({"type": "propose_terms", "issue": "salary", "option": 4})).await;
    assert_eq!(p[1].0.until_type("error").await["code"], "terms_pending");
    p[1].0.send(json!({"type": "agree_terms", "issue": "salary", "option": 3})).await;
    assert_eq!(p[1].0.until_type("error").await["code"], "terms_not_open");
    p[0].0.send(json!({"type": "agree_terms", "issue": "salary", "option": 2})).await;
    assert_eq!(p[0].0.until_type("error").await["code"], "own_terms");
    p[1].0.send(json!({"type": "propose_terms", "issue": "pension", "option": 0})).await;
    assert_eq!(p[1].0.until_type("error").await["code"], "unknown_issue");
    p[1].0.send(json!({"type": "propose_terms", "issue": "start-date", "option": 9})).await;
    assert_eq!(p[1].0.until_type("error").await["code"], "unknown_option");
    p[1].0.send(json!({"type": "reopen_terms", "issue": "salary"})).await;
    assert_eq!(p[1].0.until_type("error").await["code"], "terms_not_agreed");

    // Seat 1 says yes: salary is agreed in principle, first, for both.
    p[1].0.send(json!({"type": "agree_terms", "issue": "salary", "option": 2})).await;
    for (c, _, _) in p.iter_mut() {
        let st = c.until("agreed", |v| v["type"] == "state" && !terms(v, "salary")["agreed"].is_null()).await;
        let agreed = &terms(&st, "salary")["agreed"];
        assert_eq!((agreed["option"].as_u64(), agreed["proposed_by"].as_u64()), (Some(2), Some(0)));
        assert_eq!(agreed["order"], 1);
        assert!(terms(&st, "salary")["proposal"].is_null());
    }
    p[1].0.send(json!({"type": "propose_terms", "issue": "salary", "option": 0})).await;
    assert_eq!(p[1].0.until_type("error").await["code"], "terms_agreed");

    // Seat 1 proposes a start date; seat 0 says no, which closes it (both parties must agree).
    p[1].0.send(json!({"type": "propose_terms", "issue": "start-date", "option": 4})).await;
    p[0].0
        .until("start date proposed", |v| v["type"] == "state" && !terms(v, "start-date")["proposal"].is_null())
        .await;
    p[0].0.send(json!({"type": "reject_terms", "issue": "start-date", "option": 4})).await;
    p[1].0.until("start date closed", |v| v["type"] == "state" && terms(v, "start-date")["proposal"].is_null()).await;

    // A full package that keeps the agreed salary; seat 1 accepts: the deal.
    let pkg = package(&p[0].2, |k| if k == 0 { 2 } else { 1 });
    p[0].0.send(json!({"type": "offer", "package": pkg})).await;
    let st = p[1].0.until("offer", |v| v["type"] == "state" && v["offers_total"] == 1).await;
    let id = st["offers"][0]["id"].as_u64().unwrap();
    p[1].0.send(json!({"type": "accept", "offer_id": id})).await;
    for (c, _, _) in p.iter_mut() {
        let st = c.until_phase("survey").await;
        assert_eq!(st["outcome"]["kind"], "deal");
        assert_eq!(st["allowed_actions"], json!(["survey", "skip_survey"]), "terms only in bargaining");
    }
    p[0].0.send(json!({"type": "reopen_terms", "issue": "salary"})).await;
    assert_eq!(p[0].0.until_type("error").await["code"], "wrong_phase");

    // Raw frames: terms carry nothing but issue, option and seats; no other role's points,
    // brief or walk-away value appeared anywhere before results.
    for (me, (c, _, _)) in p.iter().enumerate() {
        for f in c.frames().filter(|f| f["type"] == "state") {
            for t in f["terms"].as_array().unwrap() {
                let keys: Vec<&str> = t.as_object().unwrap().keys().map(String::as_str).collect();
                assert_eq!(keys, ["agreed", "issue", "proposal"]);
                if let Some(p) = t["proposal"].as_object() {
                    let keys: Vec<&str> = p.keys().map(String::as_str).collect();
                    assert_eq!(keys, ["accepted_by", "at", "option", "rejected_by", "seat"]);
                }
                if let Some(a) = t["agreed"].as_object() {
                    let keys: Vec<&str> = a.keys().map(String::as_str).collect();
                    assert_eq!(keys, ["at", "option", "order", "proposed_by"]);
                }
            }
        }
        let other = 1 - me;
        let t = c.transcript();
        let brief_start: String = scenario.roles[other].brief.chars().take(80).collect();
        assert!(!t.contains(&brief_start), "seat {me} saw the other brief");
        let theirs: serde_json::Map<String, Value> =
            scenario.issues.iter().map(|i| (i.id.clone(), json!(i.points[other]))).collect();
        assert!(!t.contains(&Value::Object(theirs).to_string()), "seat {me} saw the other points");
        assert!(!t.contains(&format!("\"batna\":{}", scenario.roles[other].batna)), "seat {me} saw the other BATNA");
    }

    // The transcript: the settlement in the timeline, in order, before the offer.
    let path = |f: &str| format!("/api/sessions/{code}/{f}?token={token}");
    let (status, debrief) = server.get(&path("debrief")).await;
    assert_eq!(status, 200, "{debrief}");
    let match_id = debrief["matches"][0]["id"].as_str().unwrap().to_string();
    let (status, tr) = server.get(&path(&format!("matches/{match_id}/transcript"))).await;
    assert_eq!(status, 200, "{tr}");
    let kinds: Vec<&str> = tr["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .filter(|k| k.starts_with("terms_") || *k == "offer" || *k == "accept")
        .collect();
    assert_eq!(
        kinds,
        ["terms_proposed", "terms_accepted", "terms_agreed", "terms_proposed", "terms_rejected", "offer", "accept"]
    );
    let agreed = tr["items"].as_array().unwrap().iter().find(|i| i["kind"] == "terms_agreed").unwrap();
    assert_eq!(agreed["text"], "Base salary: £70,000");
    assert_eq!((agreed["order"].as_u64(), agreed["proposer"].as_str()), (Some(1), Some(names[0].as_str())));

    // The debrief: the match's order of settling, and the class's.
    let settled = &debrief["matches"][0]["settlements"];
    assert_eq!(settled.as_array().unwrap().len(), 1, "{settled}");
    assert_eq!(settled[0]["issue"], "salary");
    assert_eq!(settled[0]["option"], 2);
    assert_eq!(settled[0]["proposed_by"], names[0].as_str());
    assert_eq!(settled[0]["in_deal"], true);
    assert!(settled[0]["agreed_at"].as_i64().unwrap() >= settled[0]["proposed_at"].as_i64().unwrap());
    let class = &debrief["terms"];
    assert_eq!((class["matches_with_terms"].as_u64(), class["kept_in_deal"].as_u64()), (Some(1), Some(1)));
    let salary = class["issues"].as_array().unwrap().iter().find(|i| i["id"] == "salary").unwrap();
    assert_eq!((salary["agreed"].as_u64(), salary["first"].as_u64()), (Some(1), Some(1)));
    assert_eq!(
        class["insight"],
        "Base salary was agreed in principle first in 1 of the 1 matches that agreed any issue in principle."
    );

    // The exports: settlements.csv, matches.csv's tail, and the events.
    let (status, csv) = server.get(&path("export/settlements.csv")).await;
    assert_eq!(status, 200);
    let text = csv.as_str().unwrap();
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<Vec<String>> = r.records().map(|x| x.unwrap().iter().map(String::from).collect()).collect();
    let cell = |row: &[String], c: &str| row[header.iter().position(|h| h == c).unwrap()].clone();
    assert_eq!(rows.len(), 1, "{text}");
    assert_eq!(
        ["order", "issue", "option_text", "proposed_by_seat", "in_deal"].map(|c| cell(&rows[0], c)),
        ["1", "salary", "£70,000", "0", "true"]
    );
    let (_, csv) = server.get(&path("export/matches.csv")).await;
    let text = csv.as_str().unwrap();
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let row: Vec<String> = r.records().next().unwrap().unwrap().iter().map(String::from).collect();
    assert_eq!(row[header.iter().position(|h| h == "settled_order").unwrap()], "salary");
    assert_eq!(row[header.iter().position(|h| h == "terms_agreed").unwrap()], "1");
    let (_, events) = server.get(&path("export/events.json")).await;
    let evs = events["matches"][0]["events"].as_array().unwrap();
    assert!(evs.iter().any(|e| e["event"] == json!({"event": "terms_agreed", "issue": 0, "option": 2})), "{evs:?}");
}

#[tokio::test]
async fn tentative_agreements_survive_a_reconnect_and_a_kill_9() {
    let mut server = Server::start_process_with(&[]);
    let (code, _) = class(&server).await;
    let mut p = pair(&server, &code).await;
    p[0].0.send(json!({"type": "propose_terms", "issue": "home-days", "option": 2})).await;
    p[1].0.until("proposal", |v| v["type"] == "state" && !terms(v, "home-days")["proposal"].is_null()).await;
    p[1].0.send(json!({"type": "agree_terms", "issue": "home-days", "option": 2})).await;
    p[0].0.until("agreed", |v| v["type"] == "state" && !terms(v, "home-days")["agreed"].is_null()).await;
    p[1].0.send(json!({"type": "propose_terms", "issue": "annual-leave", "option": 3})).await;
    p[0].0.until("open", |v| v["type"] == "state" && !terms(v, "annual-leave")["proposal"].is_null()).await;

    // A reconnect: seat 1 comes back with its token and sees the same terms.
    let tokens: Vec<String> = p.iter().map(|x| x.1.clone()).collect();
    let ben = p.pop().unwrap().0;
    ben.close().await;
    let mut ben = Client::connect(&server.ws_url()).await;
    ben.send(json!({"type": "hello", "version": 1, "token": tokens[1]})).await;
    let st = ben.until_state().await;
    let home = &st.terms.iter().find(|t| t.issue == "home-days").unwrap().agreed;
    assert_eq!(home.as_ref().map(|a| (a.option, a.order)), Some((2, 1)));
    drop(p);
    drop(ben);

    server.kill9_and_restart();

    let mut seats = Vec::new();
    for t in &tokens {
        let mut c = Client::connect(&server.ws_url()).await;
        c.send(json!({"type": "hello", "version": 1, "token": t})).await;
        let st = c.until_state().await;
        assert_eq!(st.phase, Phase::Bargaining);
        let by_issue = |id: &str| st.terms.iter().find(|t| t.issue == id).unwrap().clone();
        assert_eq!(by_issue("home-days").agreed.map(|a| (a.option, a.proposed_by, a.order)), Some((2, 0, 1)));
        assert_eq!(by_issue("annual-leave").proposal.map(|p| (p.seat, p.option)), Some((1, 3)));
        seats.push(c);
    }
    // The match goes on from there: the open proposal is agreed second.
    seats[0].send(json!({"type": "agree_terms", "issue": "annual-leave", "option": 3})).await;
    let st = seats[1]
        .until_state_where("second agreement", |st| {
            st.terms.iter().any(|t| t.issue == "annual-leave" && t.agreed.is_some())
        })
        .await;
    let leave = st.terms.iter().find(|t| t.issue == "annual-leave").unwrap().agreed.clone().unwrap();
    assert_eq!((leave.option, leave.proposed_by, leave.order), (3, 1, 2));
}
