//! What broke when a class was run as real users would (issue #10), over real WebSockets and
//! HTTP against the real server: the practice bot, seats kept and handed on, the small-talk
//! split in preparation, two tabs, double clicks, and tournaments that avoid earlier pairs.

use crate::common::console::{create, Session};
use crate::common::{package, slow, Client, Server};
use serde_json::{json, Value};

async fn control(server: &Server, code: &str, token: &str, body: Value) -> (u16, Value) {
    server.post(&format!("/api/sessions/{code}/control"), body, &[("x-facilitator-token", token)]).await
}

async fn resume(server: &Server, token: &str) -> Client {
    let mut c = Client::connect(&server.ws_url()).await;
    c.send(json!({"type": "hello", "version": 1, "token": token})).await;
    c.until_type("welcome").await;
    c
}

#[tokio::test]
async fn a_practice_bot_is_started_once_and_only_for_someone_waiting() {
    let server = Server::start_with(&["--practice-bot-after", "1", "--bot-pace-ms", "50"]);
    let mut me = server.client().await;
    // Not waiting yet: nothing to play.
    me.send(json!({"type": "play_bot"})).await;
    assert_eq!(me.until_type("error").await["code"], "not_joined");
    me.send(json!({"type": "practice", "name": "Solo", "scenario": "campsite"})).await;
    me.until_type("waiting").await;
    // A burst of requests (the old server started a bot for each: 400 requests, 200 bots).
    for _ in 0..20 {
        me.send(json!({"type": "play_bot", "strategy": "logroller"})).await;
    }
    let st = me.until_type("state").await;
    let names: Vec<&str> = st["players"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"Solo"), "{names:?}");
    assert!(names.iter().any(|n| n.ends_with(" (bot)")), "the bot has a neutral name saying it is a bot: {names:?}");
    // Every other request was refused, and exactly one match exists: no bot plays a bot.
    me.send(json!({"type": "ping"})).await;
    me.until_type("pong").await;
    let refusals = me.errors_with(&["bot_already_requested", "not_waiting"]);
    assert_eq!(refusals, 19, "{:#?}", me.raw);
    assert!(!me.transcript().contains("\"type\":\"joined\",\"name\":\"Sam"), "no bot joined this player");
    let (_, health) = server.get("/healthz").await;
    assert_eq!(health["matches"], 1, "{health}");
    // In a match now: no more bots.
    me.send(json!({"type": "play_bot"})).await;
    assert_eq!(me.until_type("error").await["code"], "not_waiting");

    // Leaving the queue: the player stops waiting and cannot ask for a bot any more.
    let mut other = server.client().await;
    other.send(json!({"type": "practice", "name": "Shy", "scenario": "job-offer"})).await;
    other.until_type("waiting").await;
    other.send(json!({"type": "leave"})).await;
    assert_eq!(other.until_type("left").await["type"], "left");
    other.send(json!({"type": "play_bot"})).await;
    assert_eq!(other.until_type("error").await["code"], "not_waiting");
    let (_, health) = server.get("/healthz").await;
    assert_eq!(health["matches"], 1, "leaving started nothing: {health}");
}

#[tokio::test]
async fn nobody_chats_in_preparation_whichever_small_talk_arm() {
    let server = Server::start();
    let Session { code, token: _ } =
        create(&server, json!({"scenario": "campsite", "durations": slow(), "small_talk": "split"})).await;
    // Four players: the first pair gets small talk, the second does not (the A/B split).
    let mut players = Vec::new();
    for i in 0..4 {
        let mut c = server.client().await;
        c.join(&code, &format!("P{i}")).await;
        players.push(c);
    }
    let mut states = Vec::new();
    for c in players.iter_mut() {
        states.push(c.until_type("state").await);
    }
    for (c, st) in players.iter_mut().zip(&states) {
        assert_eq!(st["phase"], "prep");
        c.send(json!({"type": "chat", "text": format!("secret from {}", st["you"]["name"])})).await;
        let e = c.until_type("error").await;
        assert_eq!(e["code"], "wrong_phase", "chat is closed while reading the brief");
    }
    // Everyone votes; each match moves on to its own next phase, where chat opens.
    for c in players.iter_mut() {
        c.send(json!({"type": "ready"})).await;
    }
    let mut arms = Vec::new();
    for c in players.iter_mut() {
        let st = c.until("phase after prep", |v| v["type"] == "state" && v["phase"] != "prep").await;
        arms.push(st["phase"].as_str().unwrap().to_string());
    }
    assert!(arms.contains(&"small_talk".to_string()) && arms.contains(&"bargaining".to_string()), "{arms:?}");
    for c in players.iter_mut() {
        c.send(json!({"type": "chat", "text": "now we can talk"})).await;
    }
    for c in players.iter_mut() {
        c.until("a chat from the counterpart", |v| v["type"] == "chat" && v["text"] == "now we can talk").await;
    }
    // On the raw frames: no line written in preparation reached anyone.
    for c in &players {
        assert!(!c.transcript().contains("secret from"), "a preparation chat leaked: {}", c.transcript());
    }
}

#[tokio::test]
async fn a_second_tab_replaces_the_first_once_without_a_fight() {
    let server = Server::start();
    let Session { code, token: _ } = create(&server, json!({"scenario": "campsite", "durations": slow()})).await;
    let mut first = server.client().await;
    let token = first.join(&code, "Ana").await["token"].as_str().unwrap().to_string();
    let mut ben = server.client().await;
    ben.join(&code, "Ben").await;
    let st = ben.until_type("state").await;
    let ana_seat = 1 - st["you"]["seat"].as_u64().unwrap();
    first.until_type("state").await;

    // The same token in a second tab: the first tab is told once, with its own code and close code.
    let mut second = resume(&server, &token).await;
    second.until_type("state").await;
    let told = first.until_error("replaced").await;
    assert!(told["message"].as_str().unwrap().contains("another tab"));
    let close = first.next_close().await;
    assert_eq!(close, Some(4000), "a distinct close code for 'replaced'");
    // The seat stayed online all along: Ben never saw Ana go offline.
    second.send(json!({"type": "ready"})).await;
    ben.until("Ana's vote", |v| v["type"] == "state" && v["players"][ana_seat as usize]["ready"] == true).await;
    let flapped = ben
        .raw
        .iter()
        .filter_map(|f| serde_json::from_str::<Value>(f).ok())
        .filter(|v| v["type"] == "state")
        .skip(1)
        .any(|v| v["players"][ana_seat as usize]["online"] == false);
    assert!(!flapped, "the counterpart saw the seat go offline during the handover");
}

#[tokio::test]
async fn a_double_click_on_send_offer_makes_one_offer() {
    let server = Server::start();
    let Session { code, token: _ } = create(
        &server,
        json!({"scenario": "campsite", "durations": {"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 600}}),
    )
    .await;
    let mut a = server.client().await;
    a.join(&code, "Ana").await;
    let mut b = server.client().await;
    b.join(&code, "Ben").await;
    let st = a.until_phase("bargaining").await;
    b.until_phase("bargaining").await;
    let offer = package(&st, |_| 1);
    a.send(json!({"type": "offer", "package": offer})).await;
    a.send(json!({"type": "offer", "package": offer})).await;
    // The second is answered with the existing offer: a state frame, no error, no new offer.
    let mut answers = 0;
    while answers < 2 {
        let v = a.until("an answer", |v| v["type"] == "state" || v["type"] == "error").await;
        assert_eq!(v["type"], "state", "{v}");
        if v["offers_total"] == 1 {
            answers += 1;
        }
    }
    // A different package is a new offer.
    a.send(json!({"type": "offer", "package": package(&st, |_| 0)})).await;
    let seen = b.until("the second offer", |v| v["type"] == "state" && v["offers_total"] == 2).await;
    let ids: Vec<u64> = seen["offers"].as_array().unwrap().iter().map(|o| o["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, vec![1, 2]);
    assert!(!b.transcript().contains("\"offers_total\":3"));
}

#[tokio::test]
async fn an_offline_seat_is_handed_to_a_waiting_player_then_to_a_bot() {
    let server = Server::start_with(&["--bot-pace-ms", "50"]);
    let Session { code, token } = create(
        &server,
        json!({"scenario": "campsite", "durations": {"prep": 600, "small_talk": 600, "bargaining": 600, "survey": 600}}),
    )
    .await;
    let mut ana = server.client().await;
    let ana_joined = ana.join(&code, "Ana").await;
    let ana_token = ana_joined["token"].as_str().unwrap().to_string();
    let ana_id = ana_joined["player_id"].as_str().unwrap().to_string();
    let mut ben = server.client().await;
    let ben_id = ben.join(&code, "Ben").await["player_id"].as_str().unwrap().to_string();
    let st = ben.until_type("state").await;
    let ana_seat = 1 - st["you"]["seat"].as_u64().unwrap() as usize;
    ana.until_type("state").await;

    // Ana is online: her seat is hers.
    let (status, v) =
        control(&server, &code, &token, json!({"action": "hand_seat", "player_id": ana_id, "to": "bot"})).await;
    assert_eq!(status, 400, "{v}");
    assert!(v["message"].as_str().unwrap().contains("online"));

    // Ana's laptop dies; Cy arrives late and waits.
    ana.close().await;
    ben.until("Ana offline", |v| v["type"] == "state" && v["players"][ana_seat]["online"] == false).await;
    let mut cy = server.client().await;
    let cy_id = cy.join(&code, "Cy").await["player_id"].as_str().unwrap().to_string();
    cy.until_type("waiting").await;
    let (status, v) =
        control(&server, &code, &token, json!({"action": "hand_seat", "player_id": ana_id, "to": cy_id})).await;
    assert_eq!(status, 200, "{v}");
    let st = cy.until_type("state").await;
    assert_eq!(st["you"]["seat"], ana_seat, "Cy plays Ana's role");
    assert_eq!(st["phase"], "prep");
    let seen = ben.until("Cy in Ana's seat", |v| v["type"] == "state" && v["players"][ana_seat]["name"] == "Cy").await;
    assert_eq!(seen["phase"], "prep", "the match goes on where it was");
    ben.until("Cy online", |v| {
        v["type"] == "state" && v["players"][ana_seat]["name"] == "Cy" && v["players"][ana_seat]["online"] == true
    })
    .await;

    // Ana comes back with her token: the seat is Cy's now; she waits for a new partner.
    let mut back = resume(&server, &ana_token).await;
    back.until_type("joined").await;
    assert_eq!(back.until("where Ana is", |v| v["type"] == "waiting" || v["type"] == "state").await["type"], "waiting");

    // Ben goes too; the facilitator gives his seat to a bot, which connects and plays it.
    ben.close().await;
    cy.until("Ben offline", |v| v["type"] == "state" && v["players"][1 - ana_seat]["online"] == false).await;
    let (status, v) =
        control(&server, &code, &token, json!({"action": "hand_seat", "player_id": ben_id, "to": "bot"})).await;
    assert_eq!(status, 200, "{v}");
    let st = cy
        .until("the bot online in Ben's seat", |v| {
            v["type"] == "state"
                && v["players"][1 - ana_seat]["name"].as_str().is_some_and(|n| n.ends_with(" (bot)"))
                && v["players"][1 - ana_seat]["online"] == true
        })
        .await;
    assert_eq!(st["phase"], "prep");

    // The handovers are in the match's log and the transcript says who held the seat when.
    let match_id = st["match_id"].as_str().unwrap();
    let (_, t) = server.get(&format!("/api/sessions/{code}/matches/{match_id}/transcript?token={token}")).await;
    let handed: Vec<(String, String)> = t["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "seat_handed")
        .map(|i| (i["from"].as_str().unwrap().to_string(), i["name"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(handed.len(), 2, "{t}");
    assert_eq!(handed[0], ("Ana".to_string(), "Cy".to_string()));
    assert_eq!(handed[1].0, "Ben");

    // A rejoin link for another device carries the player's token; only the facilitator gets it.
    let (status, link) = server.get(&format!("/api/sessions/{code}/players/{cy_id}/rejoin?token={token}")).await;
    assert_eq!(status, 200, "{link}");
    let url = link["url"].as_str().unwrap();
    assert!(url.starts_with(&format!("/?code={code}#rejoin=")), "{url}");
    let (status, _) = server.get(&format!("/api/sessions/{code}/players/{cy_id}/rejoin")).await;
    assert_eq!(status, 401);
    let cy_token = url.rsplit('=').next().unwrap();
    let mut cy2 = resume(&server, cy_token).await;
    assert_eq!(cy2.until_type("state").await["you"]["name"], "Cy", "the link puts Cy back in her seat");
}

#[tokio::test]
async fn a_tournament_avoids_pairs_who_met_before_it_and_tells_players_their_round() {
    let server = Server::start();
    let Session { code, token } = create(
        &server,
        json!({"scenario": "campsite", "durations": {"prep": 600, "small_talk": 0, "bargaining": 600, "survey": 0}}),
    )
    .await;
    // A warm-up: four players, two pairs, both end by walking away.
    let mut players = Vec::new();
    for i in 0..4 {
        let mut c = server.client().await;
        let id = c.join(&code, &format!("P{i}")).await["player_id"].as_str().unwrap().to_string();
        players.push((c, id));
    }
    let mut warmup: Vec<(String, String)> = Vec::new();
    for (c, _) in players.iter_mut() {
        let st = c.until_type("state").await;
        let ids: Vec<String> =
            st["players"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().into()).collect();
        warmup.push((ids[0].clone(), ids[1].clone()));
    }
    let (status, _) = control(&server, &code, &token, json!({"action": "end_phase"})).await;
    assert_eq!(status, 200);
    for (c, _) in players.iter_mut() {
        c.until_phase("bargaining").await;
    }
    players[0].0.send(json!({"type": "walk_away"})).await;
    players[0].0.until_phase("results").await;
    let (status, _) = control(&server, &code, &token, json!({"action": "end_phase"})).await;
    assert_eq!(status, 200);
    for (c, _) in players.iter_mut().skip(1) {
        c.until_phase("results").await;
    }

    let (status, v) =
        control(&server, &code, &token, json!({"action": "tournament_start", "rounds": ["campsite", "campsite"]}))
            .await;
    assert_eq!(status, 200, "{v}");
    for (c, _) in players.iter_mut() {
        let warmup_match =
            c.raw.iter().filter_map(|f| serde_json::from_str::<Value>(f).ok()).find(|v| v["type"] == "state").unwrap()
                ["match_id"]
                .clone();
        let t = c.until_type("tournament").await;
        assert_eq!(
            (t["round"].as_u64(), t["rounds"].as_u64(), t["status"].as_str()),
            (Some(1), Some(2), Some("playing"))
        );
        assert_eq!(t["standing"]["of"], 4);
        assert_eq!(t["standing"]["trust"], Value::Null, "no trust shown from fewer than 3 ratings");
        // The new match's first state may come before or after the tournament frame.
        let is_round_one = |v: &Value| v["type"] == "state" && v["match_id"] != warmup_match;
        let seen = c.raw.iter().filter_map(|f| serde_json::from_str::<Value>(f).ok()).find(|v| is_round_one(v));
        let st = match seen {
            Some(st) => st,
            None => c.until("round 1's match", is_round_one).await,
        };
        assert_eq!(st["phase"], "prep");
        let pair: Vec<String> =
            st["players"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().into()).collect();
        let met = warmup.iter().any(|(a, b)| (a == &pair[0] && b == &pair[1]) || (a == &pair[1] && b == &pair[0]));
        assert!(!met, "round 1 pairs {pair:?}, who met in the warm-up {warmup:?}");
    }
}

#[tokio::test]
async fn a_bots_survey_ratings_count_as_nobodys_trust() {
    let server = Server::start_with(&["--bot-pace-ms", "50"]);
    let Session { code, token } = create(
        &server,
        json!({"scenario": "campsite", "durations": {"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 600}}),
    )
    .await;
    let mut me = server.client().await;
    me.join(&code, "Ana").await;
    let (status, _) = control(&server, &code, &token, json!({"action": "add_bot", "strategy": "logroller"})).await;
    assert_eq!(status, 200);
    let st = me
        .until("the bot's offer", |v| {
            v["type"] == "state"
                && v["offers"]
                    .as_array()
                    .is_some_and(|o| o.iter().any(|x| x["status"] == "standing" && x["seat"] != v["you"]["seat"]))
        })
        .await;
    let id =
        st["offers"].as_array().unwrap().iter().rev().find(|x| x["seat"] != st["you"]["seat"]).unwrap()["id"].clone();
    me.send(json!({"type": "accept", "offer_id": id})).await;
    me.until_phase("survey").await;
    me.send(json!({"type": "survey", "ratings": {"trust": 7, "foundation": 7, "listened": 7}})).await;
    // The bot answers its survey too (it rates 6 after a deal); then the results come.
    me.until_phase("results").await;
    let (_, debrief) = server.get(&format!("/api/sessions/{code}/debrief?token={token}")).await;
    // Only Ana's rating (7, 7, 7 → 100) counts; with the bot's it would be (100 + 83.3) / 2.
    assert_eq!(debrief["matches"][0]["trust_survey"], 100.0, "{debrief}");
    let (_, csv) = server.get(&format!("/api/sessions/{code}/export/players.csv?token={token}")).await;
    let mut rows = csv::Reader::from_reader(csv.as_str().unwrap().as_bytes());
    let header = rows.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for r in rows.records().map(|r| r.unwrap()) {
        let (name, bot, earned) = (&r[col("name")], &r[col("bot")], &r[col("trust_earned")]);
        if name == "Ana" {
            assert_eq!((bot, earned), ("false", ""), "the bot's rating is not Ana's trust");
        } else {
            assert!(name.ends_with(" (bot)"));
            assert_eq!((bot, earned), ("true", "100.0000"));
        }
    }
}

#[tokio::test]
async fn bots_added_for_odd_numbers_are_never_left_waiting_as_well() {
    // A bot is registered and put in line at once; its client connects a moment later. If that
    // moment fell between the pairing and the match's creation, the bot was put back in line
    // while also being seated, and the next person was paired with a bot already playing.
    let server = Server::start_with(&["--bot-pace-ms", "5000"]);
    let Session { code, token } = create(&server, json!({"scenario": "campsite", "durations": slow()})).await;
    let mut people = Vec::new();
    for i in 0..8 {
        let mut c = server.client().await;
        c.join(&code, &format!("P{i}")).await;
        let (status, _) = control(&server, &code, &token, json!({"action": "add_bot"})).await;
        assert_eq!(status, 200);
        people.push(c);
    }
    for c in people.iter_mut() {
        let st = c.until_type("state").await;
        let bots = st["players"].as_array().unwrap().iter().filter(|p| p["name"].as_str().unwrap().ends_with(" (bot)"));
        assert_eq!(bots.count(), 1, "each person plays their own bot");
    }
    // Once every bot's client is connected, nobody is both seated and waiting.
    let t0 = std::time::Instant::now();
    let m = loop {
        let (_, m) = server.get(&format!("/api/sessions/{code}/monitor?token={token}")).await;
        let players = m["players"].as_array().unwrap();
        if players.len() == 16 && players.iter().all(|p| p["online"] == true) {
            break m;
        }
        assert!(t0.elapsed() < std::time::Duration::from_secs(15), "the bots did not all connect: {m}");
        tokio::task::yield_now().await;
    };
    assert_eq!(m["waiting"], 0, "{m}");
    assert_eq!(m["matches"].as_array().unwrap().len(), 8);
    // Two more people are paired with each other, not with a bot that is already playing.
    let mut a = server.client().await;
    a.join(&code, "Late1").await;
    let mut b = server.client().await;
    b.join(&code, "Late2").await;
    let st = b.until_type("state").await;
    let names: Vec<&str> = st["players"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"Late1") && names.contains(&"Late2"), "{names:?}");
}
