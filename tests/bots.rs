//! Bots play through the same WebSocket interface as people: bot against bot, four bots, a
//! practice player offered a bot, a facilitator adding one, and a dropout handed to one.

use crate::common::{Client, Server};
use parley::bots::client::{run_bot, BotConfig, Entry};
use parley::bots::strategies::{StrategyRef, ALL};
use parley::core::game::{OfferStatus, Phase};
use parley::error::ErrorCode;
use parley::wire::OutcomeView;
use serde_json::json;
use std::time::Duration;

fn strategy(name: &str) -> StrategyRef {
    StrategyRef::parse(name).unwrap()
}

fn bot(addr: &str, code: &str, strategy: StrategyRef, seed: u64) -> BotConfig {
    BotConfig {
        addr: addr.into(),
        entry: Entry::Code(code.into()),
        name: format!("{}-{seed}", strategy.name()),
        strategy,
        level: Default::default(),
        seed,
        pace: Duration::from_millis(50),
        max_time: Duration::from_secs(60),
        matches: 1,
    }
}

#[tokio::test]
async fn two_bots_play_a_whole_match() {
    let server = Server::start();
    let code =
        server.session("job-offer", json!({"prep": 2, "small_talk": 3, "bargaining": 8, "survey": 5}), json!({})).await;
    let a = tokio::spawn(run_bot(bot(&server.addr, &code, strategy("logroller"), 1)));
    let b = tokio::spawn(run_bot(bot(&server.addr, &code, strategy("tit_for_tat"), 2)));
    let (a, b) = (a.await.unwrap().unwrap(), b.await.unwrap().unwrap());
    assert_eq!(a.match_id, b.match_id);
    // An action already in flight when the other side's accept ends bargaining gets
    // `wrong_phase` (people meet the same race); nothing else may go wrong.
    for r in [&a, &b] {
        assert!(r.errors.iter().all(|&e| e == ErrorCode::WrongPhase) && r.errors.len() <= 1, "{:?}", r.errors);
    }
    for r in [&a, &b] {
        let st = r.final_state.as_ref().expect("reached results");
        assert_eq!(st.phase, Phase::Results);
        let outcome = st.outcome.as_ref().unwrap();
        assert!(matches!(outcome, OutcomeView::Deal { .. } | OutcomeView::Impasse { .. }), "{outcome:?}");
        // They talked, asked and disclosed through the ordinary messages.
        let results = st.results.as_ref().expect("the reveal");
        assert!(results.trust.players[0].signals.small_talk_messages >= 1);
    }
    let st = a.final_state.unwrap();
    let outcome = st.outcome.clone().unwrap();
    assert!(outcome.is_deal(), "a logroller and a tit-for-tat find a deal in 8 s: {outcome:?}");
    assert!(st.results.unwrap().disclosures.iter().all(|d| d.truthful), "bots disclose truthfully");
}

#[tokio::test]
async fn four_bots_agree_a_multi_party_plan() {
    let server = Server::start();
    let code = server
        .session("alignment-meeting", json!({"prep": 1, "small_talk": 2, "bargaining": 10, "survey": 3}), json!({}))
        .await;
    let handles: Vec<_> = ALL
        .iter()
        .chain([strategy("logroller")].iter())
        .enumerate()
        .map(|(i, s)| tokio::spawn(run_bot(bot(&server.addr, &code, *s, i as u64))))
        .collect();
    let mut ids = Vec::new();
    for h in handles {
        let r = h.await.unwrap().unwrap();
        assert_eq!(r.final_state.as_ref().expect("results").phase, Phase::Results);
        ids.push(r.match_id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "all four in one match");
}

#[tokio::test]
async fn a_lonely_practice_player_is_offered_a_bot_and_plays_it() {
    let server = Server::start_with(&["--practice-bot-after", "1", "--bot-pace-ms", "50"]);
    let mut me = server.client().await;
    me.send(json!({"type": "practice", "name": "Solo", "scenario": "campsite"})).await;
    let offer = me.until("bot offer", |v| v["type"] == "waiting" && v["bot_offer"] == true).await;
    assert_eq!(offer["scenario"], "campsite");
    me.send(json!({"type": "play_bot", "strategy": "logroller"})).await;
    let st = me.until_state().await;
    let opponent = &st.players.iter().find(|p| p.name != "Solo").unwrap().name;
    // A bot has a neutral name that says it is a bot (issue #10: "Sam (bot)").
    assert!(opponent.ends_with(" (bot)"), "{opponent}");
    me.send(json!({"type": "ready"})).await;
    me.until_state_in(Phase::SmallTalk).await;
    me.send(json!({"type": "ready"})).await;
    me.until_state_in(Phase::Bargaining).await;
    // The bot makes an offer; accept it.
    let theirs = |st: &parley::wire::StateView| {
        st.offers.iter().rev().find(|x| x.status == OfferStatus::Standing && x.seat != st.you.seat).map(|o| o.id)
    };
    let st = me.until_state_where("bot offer", |st| theirs(st).is_some()).await;
    me.send(json!({"type": "accept", "offer_id": theirs(&st).unwrap()})).await;
    me.until_state_in(Phase::Survey).await;
    me.send(json!({"type": "skip_survey"})).await;
    let st = me.until_state_in(Phase::Results).await;
    assert!(st.outcome.unwrap().is_deal());
}

#[tokio::test]
async fn a_facilitator_fills_the_last_seat_and_dropouts_can_go_to_a_bot() {
    let server = Server::start_with(&["--bot-pace-ms", "50"]);
    let (status, v) = server
        .post(
            "/api/sessions",
            json!({"scenario": "campsite", "dropout": "bot", "grace_seconds": 1,
        "durations": {"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 600}}),
            &[],
        )
        .await;
    assert_eq!(status, 201);
    let (code, token) = (v["code"].as_str().unwrap().to_string(), v["facilitator_token"].as_str().unwrap().to_string());
    // Odd numbers: one person, and the facilitator adds a bot.
    let mut solo = server.client().await;
    solo.join(&code, "Odd").await;
    let (status, _) = server
        .post(
            &format!("/api/sessions/{code}/control"),
            json!({"action": "add_bot", "strategy": "hardballer"}),
            &[("x-facilitator-token", &token)],
        )
        .await;
    assert_eq!(status, 200);
    let st = solo.until_phase("bargaining").await;
    assert!(st["players"].as_array().unwrap().iter().any(|p| p["name"].as_str().unwrap().ends_with(" (bot)")));
    // Dropout: Ann leaves mid-bargaining; after the grace period a bot resumes her seat and bargains.
    let mut ann = server.client().await;
    ann.join(&code, "Ann").await;
    let mut bea = server.client().await;
    bea.join(&code, "Bea").await;
    let st = bea.until_phase("bargaining").await;
    let bea_seat = st["you"]["seat"].clone();
    ann.close().await;
    assert!(bea.until_type("notice").await["text"].as_str().unwrap().contains("a bot takes their seat"));
    let st = bea
        .until("offer from the bot", |v| {
            v["type"] == "state"
                && v["offers"]
                    .as_array()
                    .is_some_and(|o| o.iter().any(|x| x["status"] == "standing" && x["seat"] != bea_seat))
        })
        .await;
    assert!(
        st["players"].as_array().unwrap().iter().all(|p| p["online"] == true),
        "the bot is connected in Ann's seat"
    );
    let id = st["offers"].as_array().unwrap().iter().rev().find(|x| x["seat"] != bea_seat).unwrap()["id"].clone();
    bea.send(json!({"type": "accept", "offer_id": id})).await;
    let st = bea.until_phase("survey").await;
    assert_eq!(st["outcome"]["kind"], "deal");
    let _ = Client::connect; // (the harness's raw client is not needed here)
}

/// The bot league (`parley bench bots` with small settings): every pair of levels, and each level
/// against the scripted learner, on every bundled two-role scenario over real WebSockets.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_league_of_bot_levels_plays_every_two_role_scenario() {
    use parley::bots::league::{self, LeagueConfig};
    let server = Server::start_with(&["--sessions-per-hour", "100000"]);
    let (status, list) = server.get("/api/scenarios").await;
    assert_eq!(status, 200);
    let scenarios: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["roles"].as_array().unwrap().len() == 2)
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(scenarios.len(), 10, "the bundled two-role scenarios: {scenarios:?}");
    let cfg = LeagueConfig {
        addr: server.addr.clone(),
        scenarios: scenarios.clone(),
        small_talk_secs: 0,
        bargaining_secs: 6,
        pace: Duration::from_millis(50),
        concurrency: 15,
        seed: 3,
    };
    let server = &server;
    let matches = league::play(&cfg, |scenario, durations| async move {
        Ok::<String, String>(server.session(&scenario, durations, json!({})).await)
    })
    .await
    .unwrap();
    assert_eq!(matches.len(), league::pairs().len() * scenarios.len());
    for m in &matches {
        let what = format!("{} {:?}", m.scenario, m.seats);
        assert!(m.ended, "every match ends in a deal or an impasse: {what}");
        assert!(
            !m.bot_at_or_below_walk_away(),
            "no bot takes its walk-away or less: {what} {:?} {:?}",
            m.points,
            m.batna
        );
        assert!(!m.tough_leaves_other_below_walk_away(), "{what}");
        assert_eq!(m.misleading_by_bots, 0, "bots' checked statements are true: {what}");
        assert_eq!(m.repeated_lines, 0, "no bot repeats a line within a match: {what}");
        assert!(m.errors.is_empty(), "{what}: {:?}", m.errors);
    }
    let rows = league::summarise(&matches);
    let all = rows.last().unwrap();
    assert!(all.misleading.1 >= 10, "bots make checked statements about their priorities: {all:?}");
    assert!(all.repeated.1 >= 100, "bots talk: {all:?}");
    assert!(all.deals * 2 >= all.matches, "most matches end in a deal: {all:?}");
    let easy = rows.iter().find(|r| r.pair == "easy vs learner").unwrap();
    assert_eq!(easy.deals, easy.matches, "the easy bot always deals with a fair learner: {easy:?}");
}

#[tokio::test]
async fn a_practice_player_picks_a_level_and_expressions_travel_with_chat() {
    let server = Server::start_with(&["--practice-bot-after", "1", "--bot-pace-ms", "50"]);
    let mut me = server.client().await;
    me.send(json!({"type": "practice", "name": "Solo", "scenario": "job-offer"})).await;
    me.until("bot offer", |v| v["type"] == "waiting" && v["bot_offer"] == true).await;
    // A level the server does not know is refused; the player still waits.
    me.send(json!({"type": "play_bot", "level": "impossible"})).await;
    assert_eq!(me.until_type("error").await["code"], "bad_message");
    me.send(json!({"type": "play_bot", "level": "tough"})).await;
    me.until_state().await;
    me.send(json!({"type": "ready"})).await;
    me.until_state_in(Phase::SmallTalk).await;
    me.send(json!({"type": "ready"})).await;
    me.until_state_in(Phase::Bargaining).await;
    me.send(json!({"type": "chat", "text": "What matters most to you?", "expression": "frustrated"})).await;
    let mine = me.until("my line back", |v| v["type"] == "chat" && v["name"] == "Solo").await;
    assert_eq!(mine["expression"], "frustrated");
    // The tough bot answers with a line of its own, an expression attached.
    let theirs = me
        .until("the bot's line", |v| {
            v["type"] == "chat" && v["kind"] == "message" && v["name"] != "Solo" && v["phase"] == "bargaining"
        })
        .await;
    assert!(theirs["expression"].is_string(), "{theirs}");
    // A line without an expression has no such field.
    me.send(json!({"type": "chat", "text": "Fine."})).await;
    let plain = me.until("a plain line", |v| v["type"] == "chat" && v["text"] == "Fine.").await;
    assert!(plain.get("expression").is_none(), "{plain}");
}
