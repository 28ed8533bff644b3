//! Teams (issue #14) over real WebSockets: a seat held by two people. Each team's caucus reaches
//! its own members and nobody else — not the other team, not an observer (checked on the raw
//! frames of all five sockets) — and nothing of the other side's brief leaks; the decision rules
//! are enforced (`spokesperson`: a teammate's offer is refused with `not_spokesperson`;
//! `consensus`: an offer goes out only once the teammate approved); pairing fills teams from the
//! waiting line (4 people: one 2-vs-2; 5 more paired by the facilitator: a 3-vs-2, nobody left
//! out); a member who closes the tab leaves the team playing and comes back to their own seat
//! and caucus; the results say what each member did.

use crate::common::console::{control, create, monitor, Session};
use crate::common::{Client, Server};
use parley::core::game::Phase;
use parley::core::team::TeamDecision;
use parley::wire::{MotionAct, ServerMsg, StateView};
use serde_json::{json, Value};

struct Member {
    c: Client,
    id: String,
    token: String,
}

async fn join(server: &Server, code: &str, name: &str) -> Member {
    let mut c = server.client().await;
    let j = c.join(code, name).await;
    Member { c, id: j["player_id"].as_str().unwrap().into(), token: j["token"].as_str().unwrap().into() }
}

/// Four people join in this order, each in line before the next comes (so arrival order, which
/// fills the seats, is the order given): two teams of two.
async fn four(server: &Server, code: &str, names: [&str; 4]) -> [Member; 4] {
    let mut out = Vec::new();
    for (i, name) in names.into_iter().enumerate() {
        let mut m = join(server, code, name).await;
        if i < 3 {
            m.c.until_type("waiting").await;
        }
        out.push(m);
    }
    out.try_into().unwrap_or_else(|_| unreachable!())
}

/// A campsite session of teams of two: `prep` and `small_talk` seconds (bargaining and the survey
/// ten minutes each), with `extra` settings on top.
async fn teams_session(server: &Server, prep: u64, small_talk: u64, extra: Value) -> Session {
    let durations = json!({"prep": prep, "small_talk": small_talk, "bargaining": 600, "survey": 600});
    let mut body = json!({"scenario": "campsite", "durations": durations, "team_size": 2});
    for (k, v) in extra.as_object().into_iter().flatten() {
        body[k] = v.clone();
    }
    create(server, body).await
}

/// Ana and Ben against Cy and Dee, bargaining at once under `decision`: the session and the four,
/// each past their first state.
async fn two_against_two(server: &Server, decision: &str) -> (Session, [Member; 4], Vec<StateView>) {
    let s = teams_session(server, 0, 0, json!({"team_decision": decision})).await;
    let [mut ana, mut ben, mut cy, mut dee] = four(server, &s.code, ["Ana", "Ben", "Cy", "Dee"]).await;
    let states = seated(&mut [&mut ana, &mut ben, &mut cy, &mut dee]).await;
    (s, [ana, ben, cy, dee], states)
}

/// Everyone's first state of the match, by name.
async fn seated(people: &mut [&mut Member]) -> Vec<StateView> {
    let mut out = Vec::new();
    for m in people.iter_mut() {
        out.push(m.c.until_state().await);
    }
    out
}

/// The names of a seat's team, in member order.
fn team_names(st: &StateView, seat: usize) -> Vec<String> {
    st.players[seat].members.iter().map(|m| m.name.clone()).collect()
}

/// Reads until a caucus line with this text, decoded.
async fn until_caucus(c: &mut Client, text: &str) -> parley::wire::CaucusLineView {
    c.until_msg(&format!("caucus line {text:?}"), |m| match m {
        ServerMsg::Caucus(line) if line.text == text => Some(line),
        _ => None,
    })
    .await
}

#[tokio::test]
async fn a_two_vs_two_match_keeps_each_caucus_inside_its_team_on_the_raw_frames() {
    let server = Server::start();
    let s = teams_session(&server, 600, 0, json!({})).await;
    let mut ana = join(&server, &s.code, "Ana").await;
    ana.c.until_type("waiting").await;
    let mut ben = join(&server, &s.code, "Ben").await;
    ben.c.until_type("waiting").await;
    let mut cy = join(&server, &s.code, "Cy").await;
    // Three people are not two teams of two: nobody is seated yet.
    cy.c.until("three waiting", |v| v["type"] == "waiting" && v["waiting"] == 3).await;
    let mut dee = join(&server, &s.code, "Dee").await;
    let states = seated(&mut [&mut ana, &mut ben, &mut cy, &mut dee]).await;
    let match_id = states[0].match_id.clone();
    assert!(states.iter().all(|st| st.match_id == match_id), "the four play one match");
    // Arrival order fills the seats: Ana and Ben hold seat 0, Cy and Dee seat 1.
    assert_eq!(team_names(&states[0], 0), ["Ana", "Ben"]);
    assert_eq!(team_names(&states[0], 1), ["Cy", "Dee"]);
    assert_eq!(states[0].players[0].name, "Ana & Ben");
    for (st, (seat, member, name)) in states.iter().zip([(0, 0, "Ana"), (0, 1, "Ben"), (1, 0, "Cy"), (1, 1, "Dee")]) {
        assert_eq!(st.you.seat, seat);
        assert_eq!(st.you.name, name);
        let team = st.team.as_ref().expect("a team seat has a team view");
        assert_eq!((team.member, team.decision, team.spokesperson), (member, TeamDecision::Any, 0));
        assert!(st.allowed_actions.contains(&parley::core::game::ActionKind::Caucus));
    }
    // Teammates share the brief and points; the other team's never reach them.
    assert_eq!(states[0].you.brief, states[1].you.brief);
    assert_eq!(states[0].you.points, states[1].you.points);
    // As the briefs appear inside a frame's JSON.
    let in_json = |text: &str| serde_json::to_string(text).unwrap().trim_matches('"').to_string();
    let (north_brief, south_brief) = (in_json(&states[0].you.brief), in_json(&states[2].you.brief));

    // A fifth person waits; the facilitator puts her on the match as an observer.
    let mut eve = join(&server, &s.code, "Eve").await;
    eve.c.until_type("waiting").await;
    control(&server, &s, json!({"action": "observe", "player_id": eve.id, "match_id": match_id})).await;
    eve.c.until_type("observe").await;
    let m = monitor(&server, &s).await;
    assert_eq!(m["session"]["team_size"], 2);
    assert_eq!(m["matches"][0]["players"], json!(["Ana & Ben", "Cy & Dee"]), "the console shows teams and members");

    // Preparation is for the caucus: each team plans in private.
    ana.c.send(json!({"type": "caucus", "text": "North plan: we can go down to 14 points"})).await;
    let line = until_caucus(&mut ben.c, "North plan: we can go down to 14 points").await;
    assert_eq!((line.seat, line.member, line.name.as_str()), (0, 0, "Ana"));
    until_caucus(&mut ana.c, "North plan: we can go down to 14 points").await;
    dee.c.send(json!({"type": "caucus", "text": "South plan: water first"})).await;
    until_caucus(&mut cy.c, "South plan: water first").await;
    until_caucus(&mut dee.c, "South plan: water first").await;
    // Public chat is not open in preparation; the caucus is not public chat.
    ben.c.send(json!({"type": "chat", "text": "hello"})).await;
    ben.c.until_error("wrong_phase").await;
    // One vote per seat moves on: any member may cast it.
    ben.c.send(json!({"type": "ready"})).await;
    cy.c.send(json!({"type": "ready"})).await;
    for p in [&mut ana, &mut ben, &mut cy, &mut dee] {
        p.c.until_state_in(Phase::Bargaining).await;
    }
    // Public chat names the member who spoke, for everyone, the observer included.
    ben.c.send(json!({"type": "chat", "text": "Hi South, Ben here"})).await;
    for c in [&mut ana.c, &mut cy.c, &mut dee.c, &mut eve.c] {
        let v = c.until("Ben's line", |v| v["type"] == "chat" && v["text"] == "Hi South, Ben here").await;
        assert_eq!((v["name"].as_str(), v["seat"].as_u64(), v["member"].as_u64()), (Some("Ben"), Some(0), Some(1)));
    }
    // A last caucus line in bargaining, and a public one after it that everyone must have read.
    cy.c.send(json!({"type": "caucus", "text": "South: they did not mention firewood"})).await;
    until_caucus(&mut dee.c, "South: they did not mention firewood").await;
    dee.c.send(json!({"type": "chat", "text": "Dee here, hello"})).await;
    for c in [&mut ana.c, &mut ben.c, &mut cy.c, &mut eve.c] {
        c.until("Dee's line", |v| v["type"] == "chat" && v["text"] == "Dee here, hello").await;
    }

    // The raw frames of all five sockets.
    for (who, c, own, other) in [
        ("Ana", &ana.c, "North plan", "South"),
        ("Ben", &ben.c, "North plan", "South"),
        ("Cy", &cy.c, "South plan", "North"),
        ("Dee", &dee.c, "South plan", "North"),
    ] {
        let raw = c.transcript();
        assert!(raw.contains(own), "{who} reads their own team's caucus");
        for frame in &c.raw {
            let v: Value = serde_json::from_str(frame).unwrap();
            if matches!(v["type"].as_str(), Some("caucus" | "caucus_history")) {
                assert!(
                    !frame.contains(&format!("{other} plan")) && !frame.contains(&format!("{other}:")),
                    "{who}: {frame}"
                );
            }
        }
        assert!(!raw.contains(&format!("{other} plan")), "{who} never receives the other team's caucus");
        let (own_brief, foreign_brief) =
            if own.starts_with("North") { (&north_brief, &south_brief) } else { (&south_brief, &north_brief) };
        assert!(raw.contains(own_brief.as_str()), "{who} has their team's brief");
        assert!(!raw.contains(foreign_brief.as_str()), "{who} never receives the other side's brief");
    }
    let observed = eve.c.transcript();
    assert!(!observed.contains("\"type\":\"caucus"), "the observer gets no caucus frame");
    for secret in ["North plan", "South plan", "they did not mention firewood"] {
        assert!(!observed.contains(secret), "the observer never reads a caucus line");
    }
    assert!(!observed.contains(north_brief.as_str()) && !observed.contains(south_brief.as_str()));

    // The facilitator's transcript has the caucus, by member.
    let (status, t) =
        server.get(&format!("/api/sessions/{}/matches/{match_id}/transcript?token={}", s.code, s.token)).await;
    assert_eq!(status, 200, "{t}");
    let caucus: Vec<(&str, &str)> = t["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "caucus")
        .map(|i| (i["name"].as_str().unwrap(), i["text"].as_str().unwrap()))
        .collect();
    assert_eq!(
        caucus,
        [
            ("Ana", "North plan: we can go down to 14 points"),
            ("Dee", "South plan: water first"),
            ("Cy", "South: they did not mention firewood")
        ]
    );
}

#[tokio::test]
async fn under_the_spokesperson_rule_only_the_spokesperson_commits_the_seat() {
    let server = Server::start();
    let (_, [mut ana, mut ben, mut cy, mut dee], states) = two_against_two(&server, "spokesperson").await;
    use parley::core::game::ActionKind::{Accept, Chat, Offer};
    assert!(states[0].allowed_actions.contains(&Offer), "Ana speaks for North");
    assert!(!states[1].allowed_actions.contains(&Offer) && states[1].allowed_actions.contains(&Chat));
    let offer = json!({"type": "offer", "package": {"food": 1, "water": 2, "firewood": 1}});
    ben.c.send(offer.clone()).await;
    let e = ben.c.until_error("not_spokesperson").await;
    assert!(e["message"].as_str().unwrap().contains("spokesperson"), "{e}");
    ana.c.send(offer).await;
    let st = cy.c.until_state_where("North's offer", |st| !st.offers.is_empty()).await;
    let offer_id = st.offers[0].id;
    // South names Dee its spokesperson: Cy can no longer accept, Dee can.
    cy.c.send(json!({"type": "spokesperson", "member": 1})).await;
    let st = dee.c.until_state_where("Dee speaks", |st| st.team.as_ref().is_some_and(|t| t.spokesperson == 1)).await;
    assert!(st.allowed_actions.contains(&Accept));
    cy.c.until_state_where("Cy no longer speaks", |st| !st.allowed_actions.contains(&Accept)).await;
    cy.c.send(json!({"type": "accept", "offer_id": offer_id})).await;
    cy.c.until_error("not_spokesperson").await;
    cy.c.send(json!({"type": "spokesperson", "member": 5})).await;
    cy.c.until_error("not_a_member").await;
    dee.c.send(json!({"type": "accept", "offer_id": offer_id})).await;
    for p in [&mut ana, &mut ben, &mut cy, &mut dee] {
        p.c.until_state_in(Phase::Survey).await;
    }
}

#[tokio::test]
async fn under_consensus_an_offer_goes_out_once_the_teammate_approves_and_results_say_who_did_what() {
    let server = Server::start();
    let (s, [mut ana, mut ben, mut cy, mut dee], _) = two_against_two(&server, "consensus").await;
    ben.c.send(json!({"type": "chat", "text": "Morning, South"})).await;
    cy.c.until("Ben's line", |v| v["type"] == "chat" && v["member"] == 1).await;

    // Ben proposes an offer: only his team sees the proposal; nothing is sent yet.
    ben.c.send(json!({"type": "offer", "package": {"food": 2, "water": 1, "firewood": 0}})).await;
    let st = ana.c.until_state_where("Ben's proposal", |st| st.team.as_ref().is_some_and(|t| t.motion.is_some())).await;
    let motion = st.team.unwrap().motion.unwrap();
    assert_eq!((motion.member, motion.act, motion.approved_by.clone()), (1, MotionAct::Offer, vec![1]));
    assert!(motion.value_to_you.is_some(), "valued in the team's own points");
    assert!(st.offers.is_empty(), "not sent before the teammate approves");
    assert!(st.allowed_actions.contains(&parley::core::game::ActionKind::Approve));
    ben.c.send(json!({"type": "approve", "motion_id": motion.id})).await;
    ben.c.until_error("own_motion").await;
    cy.c.send(json!({"type": "approve", "motion_id": motion.id})).await;
    cy.c.until_error("motion_not_open").await;
    ana.c.send(json!({"type": "approve", "motion_id": motion.id})).await;
    let st = dee.c.until_state_where("the offer", |st| !st.offers.is_empty()).await;
    let offer_id = st.offers[0].id;
    for (who, c) in [("Cy", &cy.c), ("Dee", &dee.c)] {
        assert!(!c.transcript().contains("\"motion\":{"), "{who} never sees the other team's proposal");
    }
    // South: Cy proposes to accept, Dee declines, Cy proposes again, Dee approves: the deal.
    cy.c.send(json!({"type": "accept", "offer_id": offer_id})).await;
    let st = dee.c.until_state_where("Cy's proposal", |st| st.team.as_ref().is_some_and(|t| t.motion.is_some())).await;
    let first = st.team.unwrap().motion.unwrap();
    assert_eq!((first.act, first.offer_id), (MotionAct::Accept, Some(offer_id)));
    let has_motion =
        |st: &StateView, id: u64| st.team.as_ref().and_then(|t| t.motion.as_ref()).is_some_and(|m| m.id == id);
    cy.c.until_state_where("Cy's own proposal", |st| has_motion(st, first.id)).await;
    dee.c.send(json!({"type": "decline", "motion_id": first.id})).await;
    cy.c.until_state_where("declined", |st| st.team.as_ref().is_some_and(|t| t.motion.is_none())).await;
    cy.c.send(json!({"type": "accept", "offer_id": offer_id})).await;
    let st = dee
        .c
        .until_state_where("Cy's second proposal", |st| {
            st.team.as_ref().and_then(|t| t.motion.as_ref()).is_some_and(|m| m.id != first.id)
        })
        .await;
    dee.c.send(json!({"type": "approve", "motion_id": st.team.unwrap().motion.unwrap().id})).await;
    for p in [&mut ana, &mut ben, &mut cy, &mut dee] {
        p.c.until_state_in(Phase::Survey).await;
    }
    // Every member answers the survey for themselves; the first answer of a team is its seat's.
    ana.c.send(json!({"type": "survey", "ratings": {"trust": 6}})).await;
    ana.c.until_state_where("Ana answered", |st| st.survey.as_ref().is_some_and(|s| s.answered)).await;
    ana.c.send(json!({"type": "skip_survey"})).await;
    ana.c.until_error("already_answered").await;
    let st = ben.c.until_state_where("Ana's answer is not Ben's", |st| st.players[0].survey_done).await;
    assert!(!st.survey.unwrap().answered && st.allowed_actions.contains(&parley::core::game::ActionKind::Survey));
    dee.c.send(json!({"type": "survey", "ratings": {"trust": 2}})).await;
    cy.c.send(json!({"type": "skip_survey"})).await;
    ben.c.send(json!({"type": "skip_survey"})).await;
    let st = ben.c.until_state_in(Phase::Results).await;
    let results = st.results.expect("results");
    let lines: Vec<(&str, usize, usize, usize)> =
        results.members.iter().map(|m| (m.name.as_str(), m.messages, m.offers, m.accepts)).collect();
    assert_eq!(lines, [("Ana", 0, 0, 0), ("Ben", 1, 1, 0), ("Cy", 0, 0, 1), ("Dee", 0, 0, 0)]);
    assert_eq!(results.roles[0].player, "Ana & Ben", "the team's points are the seat's");
    // The debrief's transcript and the event log say who offered and who accepted.
    let (status, t) =
        server.get(&format!("/api/sessions/{}/matches/{}/transcript?token={}", s.code, st.match_id, s.token)).await;
    assert_eq!(status, 200, "{t}");
    let item = |kind: &str| {
        let items = t["items"].as_array().unwrap();
        items.iter().find(|i| i["kind"] == kind).cloned().unwrap_or_else(|| panic!("no {kind} in {t}"))
    };
    assert_eq!((item("offer")["name"].clone(), item("offer")["member"].clone()), (json!("Ben"), json!(1)));
    assert_eq!(item("accept")["name"], "Cy");
    assert_eq!(item("motion_declined")["name"], "Dee");
    // members.csv: one row per member, with what they did.
    let (status, csv) = server.get(&format!("/api/sessions/{}/export/members.csv?token={}", s.code, s.token)).await;
    assert_eq!(status, 200, "{csv}");
    let lines: Vec<&str> = csv.as_str().unwrap().lines().collect();
    assert_eq!(
        lines[0],
        "session,match_id,scenario,seat,role,member,player_id,name,messages,statements,offers,accepts,caucus_lines"
    );
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert!(lines[2].ends_with(&format!(",0,camper_north,1,{},Ben,1,0,1,0,0", ben.id)), "{}", lines[2]);
    assert!(lines[3].ends_with(&format!(",1,camper_south,0,{},Cy,0,0,0,1,0", cy.id)), "{}", lines[3]);
    // survey.csv: each member's own answer, with the member.
    let (_, csv) = server.get(&format!("/api/sessions/{}/export/survey.csv?token={}", s.code, s.token)).await;
    let rows: Vec<&str> = csv.as_str().unwrap().lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[0].contains(&ana.id) && rows[0].contains(",trust,scale,") && rows[0].ends_with(",0"), "{}", rows[0]);
    assert!(rows[1].contains(&dee.id) && rows[1].contains(",2,") && rows[1].ends_with(",1"), "{}", rows[1]);
}

#[tokio::test]
async fn pairing_fills_teams_and_a_member_who_leaves_comes_back_to_their_team_seat() {
    let server = Server::start();
    let s = teams_session(&server, 600, 600, json!({"pairing": "facilitator"})).await;
    let mut first = Vec::new();
    for name in ["Ana", "Ben", "Cy", "Dee"] {
        first.push(join(&server, &s.code, name).await);
    }
    first[3].c.until("four waiting", |v| v["type"] == "waiting" && v["waiting"] == 4).await;
    let v = control(&server, &s, json!({"action": "pair_now"})).await;
    assert_eq!(v["affected"], 1, "one match started: {v}");
    let mut states = Vec::new();
    for p in first.iter_mut() {
        states.push(p.c.until_state().await);
    }
    let sizes: Vec<usize> = states[0].players.iter().map(|p| p.members.len()).collect();
    assert_eq!(sizes, [2, 2], "four people: one 2-vs-2");

    // Five more, paired together: a 3-vs-2, nobody left out.
    let mut second = Vec::new();
    for name in ["Eli", "Fay", "Gus", "Hal", "Ivy"] {
        second.push(join(&server, &s.code, name).await);
    }
    second[4].c.until("five waiting", |v| v["type"] == "waiting" && v["waiting"] == 5).await;
    control(&server, &s, json!({"action": "pair_now"})).await;
    let mut seen = Vec::new();
    for p in second.iter_mut() {
        let st = p.c.until_state().await;
        let mut sizes: Vec<usize> = st.players.iter().map(|p| p.members.len()).collect();
        sizes.sort();
        assert_eq!(sizes, [2, 3], "five people: teams of three and two");
        seen.push(st.match_id);
    }
    assert!(seen.iter().all(|m| *m == seen[0]), "the five play one match");
    let m = monitor(&server, &s).await;
    assert_eq!((m["waiting"].as_u64(), m["matches"].as_array().unwrap().len()), (Some(0), 2));

    // Ana closes her tab: her teammate keeps their seat online and the match goes on. (`pair_now`
    // draws teams at random: find who is with her.)
    let ana_seat = states[0].you.seat;
    let ana_token = first[0].token.clone();
    let names = ["Ana", "Ben", "Cy", "Dee"];
    let team = team_names(&states[0], ana_seat);
    let ana_member = team.iter().position(|n| n == "Ana").unwrap();
    let mate_name = team.into_iter().find(|n| n != "Ana").unwrap();
    let mate = names.iter().position(|n| *n == mate_name).unwrap();
    let other = (1..4).find(|i| *i != mate).unwrap();
    first[mate].c.send(json!({"type": "caucus", "text": "I will keep notes"})).await;
    until_caucus(&mut first[0].c, "I will keep notes").await;
    // A caucus line on the other team too: every frame after it comes after everyone took their
    // seat (the match actor handles messages in order).
    let other_mate = (1..4).find(|i| *i != mate && *i != other).unwrap();
    first[other_mate].c.send(json!({"type": "caucus", "text": "We listen first"})).await;
    until_caucus(&mut first[other].c, "We listen first").await;
    let first_ids: Vec<String> = first.iter().map(|m| m.id.clone()).collect();
    let mut first: Vec<Option<Member>> = first.into_iter().map(Some).collect();
    first[0].take().unwrap().c.close().await;
    let c = &mut first[mate].as_mut().unwrap().c;
    let st = c.until_state_where("Ana offline", |st| !st.players[ana_seat].members[ana_member].online).await;
    assert!(st.players[ana_seat].online, "the seat is still held by her teammate");
    assert!(st.dropout.is_none());
    let c = &mut first[other].as_mut().unwrap().c;
    let st = c.until_state_where("Ana offline", |st| !st.players[ana_seat].members[ana_member].online).await;
    assert!(st.players[ana_seat].online, "the other team sees the seat held");
    // Her seat is not handed on while her teammate plays it.
    let path = format!("/api/sessions/{}/control", s.code);
    let hand = json!({"action": "hand_seat", "player_id": first_ids[0], "to": "bot"});
    let (status, v) = server.post(&path, hand, &[("x-facilitator-token", &s.token)]).await;
    assert_eq!(status, 400, "{v}");
    assert!(v["message"].as_str().unwrap().contains("their team still plays this seat"), "{v}");
    // She comes back with her token: her own seat and place in the team, with the caucus so far.
    let mut back = Client::connect(&server.ws_url()).await;
    back.send(json!({"type": "hello", "version": 1, "token": ana_token})).await;
    let st = back.until_state().await;
    assert_eq!((st.you.seat, st.you.name.as_str()), (ana_seat, "Ana"));
    assert_eq!(st.team.as_ref().map(|t| t.member), Some(ana_member));
    let history = back
        .until_msg("the caucus history", |m| match m {
            ServerMsg::CaucusHistory { lines } => Some(lines),
            _ => None,
        })
        .await;
    assert_eq!(history.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(), ["I will keep notes"]);
    let c = &mut first[mate].as_mut().unwrap().c;
    c.until_state_where("Ana back", |st| st.players[ana_seat].members[ana_member].online).await;
    back.send(json!({"type": "caucus", "text": "Ana: back"})).await;
    until_caucus(&mut first[mate].as_mut().unwrap().c, "Ana: back").await;
    let other_raw = first[other].as_ref().unwrap().c.transcript();
    assert!(!other_raw.contains("I will keep notes") && !other_raw.contains("Ana: back"));
}

#[tokio::test]
async fn a_team_size_outside_one_to_four_is_refused_with_a_stable_code() {
    let server = Server::start();
    for size in [0, 5] {
        let (status, v) = server.post("/api/sessions", json!({"scenario": "campsite", "team_size": size}), &[]).await;
        assert_eq!((status, v["code"].as_str()), (400, Some("bad_teams")), "{v}");
    }
    // One per seat is today's game: no team view, caucus refused.
    let durations = json!({"prep": 600, "small_talk": 0, "bargaining": 600, "survey": 600});
    let s = create(&server, json!({"scenario": "campsite", "durations": durations})).await;
    let mut ana = join(&server, &s.code, "Ana").await;
    let mut ben = join(&server, &s.code, "Ben").await;
    let states = seated(&mut [&mut ana, &mut ben]).await;
    assert!(states.iter().all(|st| st.team.is_none() && st.players.iter().all(|p| p.members.is_empty())));
    ana.c.send(json!({"type": "caucus", "text": "anyone?"})).await;
    ana.c.until_error("no_team").await;
    assert!(!ben.c.transcript().contains("anyone?"));
}

#[tokio::test]
async fn removing_one_member_leaves_the_team_playing_and_consensus_counts_who_is_left() {
    let server = Server::start();
    let (s, [mut ana, mut ben, mut cy, mut dee], _) = two_against_two(&server, "consensus").await;
    // Ben proposes an offer; Ana has not approved it when the facilitator removes her.
    ben.c.send(json!({"type": "offer", "package": {"food": 2, "water": 1, "firewood": 0}})).await;
    ben.c.until_state_where("Ben's proposal", |st| st.team.as_ref().is_some_and(|t| t.motion.is_some())).await;
    control(&server, &s, json!({"action": "remove", "player_id": ana.id})).await;
    ana.c.until_error("removed").await;
    // The match goes on: Ana is shown removed, and Ben's proposal, approved by everyone left on
    // his team, goes out as his offer.
    let st = cy.c.until_state_where("North's offer", |st| !st.offers.is_empty()).await;
    assert_eq!(st.phase, Phase::Bargaining, "removing one member does not end the match");
    assert!(st.outcome.is_none());
    assert!(st.players[0].members[0].removed && !st.players[0].members[1].removed, "{:?}", st.players[0]);
    assert_eq!(st.players[0].name, "Ben", "the seat is named for who plays it now");
    assert!(st.players[0].online, "Ben still holds North");
    let st = ben.c.until_state_where("the offer out", |st| !st.offers.is_empty()).await;
    assert!(st.team.as_ref().is_some_and(|t| t.motion.is_none()), "the carried motion closed");
    let offer_id = st.offers[0].id;
    // Cy proposes terms on one issue; then Cy is removed: Dee, alone on South now, accepts at once.
    cy.c.send(json!({"type": "propose_terms", "issue": "water", "option": 1})).await;
    ben.c.until_state_where("South's terms", |st| st.terms.iter().any(|t| t.proposal.is_some())).await;
    control(&server, &s, json!({"action": "remove", "player_id": cy.id})).await;
    cy.c.until_error("removed").await;
    dee.c.until_state_where("Cy removed", |st| st.players[1].members[0].removed).await;
    dee.c.send(json!({"type": "accept", "offer_id": offer_id})).await;
    let st = ben.c.until_state_in(Phase::Survey).await;
    assert!(st.outcome.is_some_and(|o| matches!(o, parley::wire::OutcomeView::Deal { .. })), "a deal, not abandoned");
    // The survey waits for the members left only.
    ben.c.send(json!({"type": "skip_survey"})).await;
    dee.c.send(json!({"type": "skip_survey"})).await;
    let st = ben.c.until_state_in(Phase::Results).await;
    // Ana's socket got nothing of the match after her removal: no offer ever reached her.
    assert!(!ana.c.transcript().contains("\"offers\":[{"), "Ana was gone before the offer went out");
    // The monitor lists both as removed; the transcript says who offered, proposed terms and left.
    let m = monitor(&server, &s).await;
    let status = |name: &str| {
        m["players"].as_array().unwrap().iter().find(|p| p["name"] == name).map(|p| p["status"].clone()).unwrap()
    };
    assert_eq!((status("Ana"), status("Cy"), status("Ben")), (json!("removed"), json!("removed"), json!("finished")));
    let (_, t) =
        server.get(&format!("/api/sessions/{}/matches/{}/transcript?token={}", s.code, st.match_id, s.token)).await;
    let items = t["items"].as_array().unwrap();
    let of = |kind: &str| items.iter().filter(|i| i["kind"] == kind).cloned().collect::<Vec<_>>();
    let removed: Vec<(Value, Value)> =
        of("member_removed").iter().map(|i| (i["name"].clone(), i["seat"].clone())).collect();
    assert_eq!(removed, [(json!("Ana"), json!(0)), (json!("Cy"), json!(1))]);
    assert_eq!((of("offer")[0]["name"].clone(), of("offer")[0]["member"].clone()), (json!("Ben"), json!(1)));
    let terms = &of("terms_proposed")[0];
    assert_eq!((terms["name"].clone(), terms["member"].clone()), (json!("Cy"), json!(0)), "{terms}");
    assert_eq!(of("accept")[0]["name"], "Dee");
}

#[tokio::test]
async fn each_member_of_a_team_reads_the_match_in_their_own_language() {
    use crate::languages::{assert_texts, campsite, client_in, encoded};
    let scenario = campsite();
    let (es, de) = (scenario.in_language("es").unwrap(), scenario.in_language("de").unwrap());
    let server = Server::start();
    let s = teams_session(&server, 0, 600, json!({})).await;
    // North: Ana reads Spanish, Ben German; South: Cy English (no language named), Dee Spanish.
    let mut people = Vec::new();
    for (name, lang) in [("Ana", Some("es")), ("Ben", Some("de")), ("Cy", None), ("Dee", Some("es"))] {
        let mut c = match lang {
            Some(l) => client_in(&server, l).await,
            None => server.client().await,
        };
        c.join(&s.code, name).await;
        if name != "Dee" {
            c.until_type("waiting").await;
        }
        people.push(c);
    }
    let wants = [&es, &de, &scenario, &es];
    for (c, (want, who)) in people.iter_mut().zip(wants.iter().zip(["Ana", "Ben", "Cy", "Dee"])) {
        let st = c.until_state_where("small talk", |st| st.phase == Phase::SmallTalk).await;
        assert_texts(&st, want, who);
        let prompt = c
            .until_msg("the icebreaker", |m| match m {
                ServerMsg::Chat(line) if line.seat.is_none() => Some(line.text),
                ServerMsg::ChatHistory { lines } => lines.into_iter().find(|l| l.seat.is_none()).map(|l| l.text),
                _ => None,
            })
            .await;
        assert!(want.icebreakers.contains(&prompt), "{who} got the prompt {prompt:?} in their own language");
    }
    // To the results: each member's reveal is in their own language too.
    people[1].send(json!({"type": "ready"})).await;
    people[2].send(json!({"type": "ready"})).await;
    people[0].until_phase("bargaining").await;
    people[0].send(json!({"type": "offer", "package": {"food": 1, "water": 3, "firewood": 0}})).await;
    let id = people[3]
        .until("offer", |v| v["type"] == "state" && v["offers"].as_array().is_some_and(|o| !o.is_empty()))
        .await["offers"][0]["id"]
        .clone();
    people[3].send(json!({"type": "accept", "offer_id": id})).await;
    for c in people.iter_mut() {
        c.until_phase("survey").await;
        c.send(json!({"type": "skip_survey"})).await;
    }
    for (c, (want, who)) in people.iter_mut().zip(wants.iter().zip(["Ana", "Ben", "Cy", "Dee"])) {
        let st = c.until_state_where("results", |st| st.results.is_some()).await;
        let r = st.results.as_ref().unwrap();
        for (got, role) in r.roles.iter().zip(&want.roles) {
            assert_eq!(got.name, role.name, "{who}: results role name");
        }
    }
    // Raw frames: teammates reading different languages were never sent each other's brief.
    let north = [&es.roles[0].brief, &de.roles[0].brief, &scenario.roles[0].brief];
    for (c, own, who) in [(&people[0], 0, "Ana"), (&people[1], 1, "Ben")] {
        let raw = c.transcript();
        assert!(raw.contains(&encoded(north[own])), "{who} has the brief in their language");
        for (i, brief) in north.iter().enumerate().filter(|(i, _)| *i != own) {
            assert!(!raw.contains(&encoded(brief)), "{who} was sent brief #{i} in another language");
        }
    }
    let cy = people[2].transcript();
    assert!(!cy.contains(&encoded(&es.summary)) && !cy.contains(&encoded(&de.summary)), "Cy reads English only");
}

/// A member's connection after a restart: hello with their token, then their state, chat history
/// and caucus history.
async fn resume(server: &Server, token: &str) -> (Client, StateView, Vec<String>, Vec<String>) {
    let mut c = Client::connect(&server.ws_url()).await;
    c.send(json!({"type": "hello", "version": 1, "token": token})).await;
    let st = c.until_state().await;
    let chat = c
        .until_msg("chat history", |m| match m {
            ServerMsg::ChatHistory { lines } => Some(lines.into_iter().map(|l| l.text).collect::<Vec<_>>()),
            _ => None,
        })
        .await;
    let caucus = c
        .until_msg("caucus history", |m| match m {
            ServerMsg::CaucusHistory { lines } => Some(lines.into_iter().map(|l| l.text).collect::<Vec<_>>()),
            _ => None,
        })
        .await;
    (c, st, chat, caucus)
}

#[tokio::test]
async fn a_team_match_survives_kill_9_with_its_caucus_and_pending_motion() {
    let mut server = Server::start_process_with(&[]);
    let (s, [mut ana, mut ben, mut cy, mut dee], before) = two_against_two(&server, "consensus").await;
    let deadline = before[0].deadline;
    ana.c.send(json!({"type": "caucus", "text": "North: water first"})).await;
    until_caucus(&mut ben.c, "North: water first").await;
    ben.c.send(json!({"type": "caucus", "text": "North: agreed"})).await;
    until_caucus(&mut ana.c, "North: agreed").await;
    dee.c.send(json!({"type": "caucus", "text": "South: firewood matters"})).await;
    until_caucus(&mut cy.c, "South: firewood matters").await;
    cy.c.send(json!({"type": "chat", "text": "Hello North"})).await;
    ana.c.until("Cy's line", |v| v["type"] == "chat" && v["text"] == "Hello North").await;
    // Ana proposes an offer; Ben has not approved it yet when the process dies.
    ana.c.send(json!({"type": "offer", "package": {"food": 1, "water": 3, "firewood": 0}})).await;
    let st = ben.c.until_state_where("Ana's proposal", |st| st.team.as_ref().is_some_and(|t| t.motion.is_some())).await;
    let motion = st.team.unwrap().motion.unwrap();

    server.kill9_and_restart();

    let mut again = Vec::new();
    for (m, seat, member) in [(&ana, 0, 0), (&ben, 0, 1), (&cy, 1, 0), (&dee, 1, 1)] {
        let (c, st, chat, caucus) = resume(&server, &m.token).await;
        assert_eq!((st.you.seat, st.team.as_ref().map(|t| t.member)), (seat, Some(member)), "same seat and member");
        assert_eq!(st.phase, Phase::Bargaining);
        assert_eq!(st.deadline, deadline, "the deadline is the stored one");
        assert!(st.offers.is_empty(), "the pending proposal was not sent by the restart");
        assert_eq!(chat.iter().filter(|t| *t == "Hello North").count(), 1, "the chat line once");
        let want: &[&str] =
            if seat == 0 { &["North: water first", "North: agreed"] } else { &["South: firewood matters"] };
        assert_eq!(caucus, want, "the team's own caucus, each line once");
        let open = st.team.as_ref().unwrap().motion.as_ref();
        if seat == 0 {
            let open = open.expect("North's proposal is still open");
            assert_eq!((open.id, open.member, open.approved_by.clone()), (motion.id, 0, vec![0]));
        } else {
            assert!(open.is_none(), "South never sees North's proposal");
            assert!(!c.transcript().contains("North:"), "nor North's caucus");
        }
        again.push(c);
    }
    // Play on: Ben approves, the offer goes out once; South proposes to accept and agrees.
    again[1].send(json!({"type": "approve", "motion_id": motion.id})).await;
    let st = again[2].until_state_where("the offer", |st| !st.offers.is_empty()).await;
    assert_eq!(st.offers.len(), 1);
    again[2].send(json!({"type": "accept", "offer_id": st.offers[0].id})).await;
    let st =
        again[3].until_state_where("Cy's proposal", |st| st.team.as_ref().is_some_and(|t| t.motion.is_some())).await;
    again[3].send(json!({"type": "approve", "motion_id": st.team.unwrap().motion.unwrap().id})).await;
    let st = again[0].until_state_in(Phase::Survey).await;
    assert!(st.outcome.is_some_and(|o| matches!(o, parley::wire::OutcomeView::Deal { .. })));
    // The stored log holds each thing once: nothing lost or doubled by the restart.
    let (_, t) =
        server.get(&format!("/api/sessions/{}/matches/{}/transcript?token={}", s.code, st.match_id, s.token)).await;
    let count = |kind: &str| t["items"].as_array().unwrap().iter().filter(|i| i["kind"] == kind).count();
    assert_eq!(
        [count("caucus"), count("chat"), count("motion_proposed"), count("motion_approved"), count("offer")],
        [3, 1, 2, 2, 1]
    );
}

#[tokio::test]
async fn the_facilitator_pairs_teams_by_hand_and_a_group_that_does_not_fit_gets_a_stable_code() {
    let server = Server::start();
    let s = teams_session(&server, 600, 0, json!({"pairing": "facilitator"})).await;
    let mut people = Vec::new();
    for name in ["Ana", "Ben", "Cy", "Dee", "Eve", "Fay"] {
        people.push(join(&server, &s.code, name).await);
    }
    people[5].c.until("six waiting", |v| v["type"] == "waiting" && v["waiting"] == 6).await;
    let ids: Vec<String> = people.iter().map(|p| p.id.clone()).collect();
    let id = |i: usize| ids[i].clone();
    let path = format!("/api/sessions/{}/control", s.code);
    let refused = |body: Value| {
        let (path, token) = (path.clone(), s.token.clone());
        let server = &server;
        async move {
            let (status, v) = server.post(&path, body, &[("x-facilitator-token", &token)]).await;
            assert_eq!(status, 400, "{v}");
            (v["code"].as_str().unwrap_or_default().to_string(), v["message"].as_str().unwrap_or_default().to_string())
        }
    };
    let five = vec![id(0), id(1), id(2), id(3), id(4)];
    for (body, code, says) in [
        (json!({"action": "pair", "teams": [five.clone(), [id(5)]]}), "bad_pairing", "1 to 4 people"),
        (json!({"action": "pair", "teams": [[id(0)], [id(1)], [id(2)]]}), "bad_pairing", "2 sides"),
        (json!({"action": "pair", "teams": [[id(0), id(1)], []]}), "bad_pairing", "2 sides"),
        (json!({"action": "pair", "teams": [[id(0), id(1)], [id(1)]]}), "bad_pairing", "once"),
        (json!({"action": "pair", "teams": [[id(0)], ["p_nobody"]]}), "not_waiting", "not waiting"),
        (json!({"action": "pair", "players": [id(0), id(1)], "teams": [[id(2)], [id(3)]]}), "bad_pairing", "or"),
        (json!({"action": "pair"}), "bad_pairing", "name the players"),
    ] {
        let (got, message) = refused(body.clone()).await;
        assert_eq!(got, code, "{body}: {message}");
        assert!(message.contains(says), "{body}: {message}");
    }
    let m = monitor(&server, &s).await;
    assert_eq!((m["waiting"].as_u64(), m["matches"].as_array().unwrap().len()), (Some(6), 0), "nothing refused pairs");

    // Cy and Ana hold North, Ben, Dee and Eve South, in the order chosen; Fay keeps waiting.
    let teams = json!([[id(2), id(0)], [id(1), id(3), id(4)]]);
    let v = control(&server, &s, json!({"action": "pair", "teams": teams})).await;
    assert_eq!(v["affected"], 1);
    let mut states = Vec::new();
    for p in people.iter_mut().take(5) {
        states.push(p.c.until_state().await);
    }
    assert!(states.iter().all(|st| st.match_id == states[0].match_id), "the five play one match");
    assert_eq!(team_names(&states[0], 0), ["Cy", "Ana"]);
    assert_eq!(team_names(&states[0], 1), ["Ben", "Dee", "Eve"]);
    let seats: Vec<(usize, Option<usize>)> =
        states.iter().map(|st| (st.you.seat, st.team.as_ref().map(|t| t.member))).collect();
    assert_eq!(seats, [(0, Some(1)), (1, Some(0)), (0, Some(0)), (1, Some(1)), (1, Some(2))]);
    // The teams' caucus stays inside each team set by hand.
    people[4].c.send(json!({"type": "caucus", "text": "South of three here"})).await;
    until_caucus(&mut people[1].c, "South of three here").await;
    people[0].c.send(json!({"type": "caucus", "text": "North of two here"})).await;
    until_caucus(&mut people[2].c, "North of two here").await;
    for i in [0, 2] {
        assert!(!people[i].c.transcript().contains("South of three here"));
    }
    let m = monitor(&server, &s).await;
    assert_eq!(m["waiting"], 1, "Fay waits");
    // One per role still works as before.
    let (status, v) =
        server.post(&path, json!({"action": "pair", "players": [id(5)]}), &[("x-facilitator-token", &s.token)]).await;
    assert_eq!((status, v["code"].as_str()), (400, Some("bad_pairing")), "{v}");
}

#[tokio::test]
async fn a_tournament_keeps_each_team_together_rotates_roles_and_ranks_teams() {
    let server = Server::start();
    let s = teams_session(&server, 0, 0, json!({"pairing": "facilitator"})).await;
    let names = ["Ana", "Ben", "Cy", "Dee", "Eli", "Fay", "Gus", "Hal"];
    let mut people = Vec::new();
    for name in names {
        let mut m = join(&server, &s.code, name).await;
        m.c.until_type("waiting").await;
        people.push(m);
    }
    let v = control(&server, &s, json!({"action": "tournament_start", "rounds": ["campsite", "campsite"]})).await;
    assert_eq!(v["affected"], 2, "four teams of two: two matches");
    // Teams are formed in the order people joined: Ana & Ben, Cy & Dee, Eli & Fay, Gus & Hal.
    let team_of = |i: usize| names[i & !1];
    let mut seats_by_round = Vec::new();
    for round in 1..=2 {
        let mut seats = Vec::new();
        for (i, p) in people.iter_mut().enumerate() {
            let st = p.c.until_state_in(Phase::Bargaining).await;
            let seat = st.you.seat;
            let mates = team_names(&st, seat);
            let want = [names[i & !1], names[i | 1]];
            assert_eq!(mates, want, "round {round}: {} plays with their own team", names[i]);
            let opponents = team_names(&st, 1 - seat);
            assert!(!opponents.contains(&names[i].to_string()));
            seats.push((team_of(i), seat, opponents[0].clone(), st.match_id.clone()));
        }
        // End the round: bargaining ends in impasse, then the survey ends.
        for next in [Phase::Survey, Phase::Results] {
            control(&server, &s, json!({"action": "end_phase"})).await;
            for p in people.iter_mut() {
                p.c.until_state_in(next).await;
            }
        }
        seats_by_round.push(seats);
        if round == 1 {
            let m = monitor(&server, &s).await;
            assert_eq!(m["tournament"]["results"].as_array().unwrap().len(), 4, "one row per team per match: {m}");
            control(&server, &s, json!({"action": "tournament_next_round"})).await;
        }
    }
    // Each team plays the other role in round 2, against a team it has not met.
    for i in (0..8).step_by(2) {
        let (team, seat1, opp1, _) = &seats_by_round[0][i];
        let (_, seat2, opp2, _) = &seats_by_round[1][i];
        assert_ne!(seat1, seat2, "{team}'s team changes roles");
        assert_ne!(opp1, opp2, "{team}'s team meets someone new");
    }
    // The leaderboard lists teams, with their members.
    let (status, t) = server.get(&format!("/api/sessions/{}/tournament?token={}", s.code, s.token)).await;
    assert_eq!(status, 200, "{t}");
    let mut rows: Vec<(String, Vec<String>, u64)> = t["standings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let members = r["members"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_string()).collect();
            (r["name"].as_str().unwrap().to_string(), members, r["played"].as_u64().unwrap())
        })
        .collect();
    rows.sort();
    let want: Vec<(String, Vec<String>, u64)> = (0..8)
        .step_by(2)
        .map(|i| (format!("{} & {}", names[i], names[i + 1]), vec![names[i].into(), names[i + 1].into()], 2))
        .collect();
    assert_eq!(rows, want);
    let groups = t["rounds"][1]["groups"].as_array().unwrap();
    assert!(groups.iter().all(|g| g["names"].as_array().unwrap().iter().all(|n| n.as_str().unwrap().contains(" & "))));
}

#[tokio::test]
async fn a_team_with_no_team_to_meet_plays_a_bot_the_facilitator_puts_on_the_other_side() {
    let server = Server::start();
    let s = teams_session(&server, 0, 0, json!({"pairing": "facilitator"})).await;
    let mut ana = join(&server, &s.code, "Ana").await;
    ana.c.until_type("waiting").await;
    let mut ben = join(&server, &s.code, "Ben").await;
    ben.c.until("two waiting", |v| v["type"] == "waiting" && v["waiting"] == 2).await;
    let path = format!("/api/sessions/{}/control", s.code);
    for (teams, says) in [
        (json!([["bot"], ["bot"]]), "at least one side of people"),
        (json!([[ana.id, "bot"], ["bot"]]), "a bot plays a side alone"),
    ] {
        let (status, v) =
            server.post(&path, json!({"action": "pair", "teams": teams}), &[("x-facilitator-token", &s.token)]).await;
        assert_eq!((status, v["code"].as_str()), (400, Some("bad_pairing")), "{v}");
        assert!(v["message"].as_str().unwrap().contains(says), "{v}");
    }
    control(&server, &s, json!({"action": "pair", "teams": [[ben.id, ana.id], ["bot"]]})).await;
    let st = ana.c.until_state_in(Phase::Bargaining).await;
    assert_eq!(team_names(&st, 0), ["Ben", "Ana"]);
    assert!(st.players[1].name.ends_with("(bot)"), "{:?}", st.players[1]);
    assert!(st.players[1].members.is_empty(), "the bot plays its seat alone");
    // The bot plays: the team sees it act on the other side.
    let st = ben
        .c
        .until_state_where("the bot's first move", |st| st.offers.iter().any(|o| o.seat == 1) || st.outcome.is_some())
        .await;
    assert!(st.offers.iter().any(|o| o.seat == 1), "the bot made an offer");
    let m = monitor(&server, &s).await;
    let bots: Vec<&Value> = m["players"].as_array().unwrap().iter().filter(|p| p["bot"] == true).collect();
    assert_eq!(bots.len(), 1, "one bot joined the session for this match");
    assert_eq!(bots[0]["status"], "playing");
}
