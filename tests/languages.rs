//! Scenario texts per language: each seat of a match is sent the scenario's words in the language
//! its connection's `hello` named, falling back to the scenario's own where a translation is
//! silent; a seat never receives the other language's texts (checked on the raw frames).

use crate::common::{repo, Client, Server};
use parley::core::scenario::{load_file, Scenario};
use parley::wire::StateView;
use serde_json::json;

pub(crate) fn campsite() -> Scenario {
    load_file(&repo().join("scenarios/campsite.toml")).expect("campsite loads")
}

/// A client that said hello naming a language.
pub(crate) async fn client_in(server: &Server, lang: &str) -> Client {
    let mut c = Client::connect(&server.ws_url()).await;
    c.send(json!({"type": "hello", "version": 1, "lang": lang})).await;
    c.until_type("welcome").await;
    c
}

/// `text` as it appears inside a raw JSON frame (quotes, new lines and all escaped).
pub(crate) fn encoded(text: &str) -> String {
    let quoted = serde_json::to_string(text).unwrap();
    quoted.trim_matches('"').to_string()
}

/// The scenario texts of one state frame must be those of `want` (the scenario in one language).
pub(crate) fn assert_texts(st: &StateView, want: &Scenario, who: &str) {
    let seat = st.you.seat;
    assert_eq!(st.scenario.title, want.title, "{who}: title");
    assert_eq!(st.scenario.summary, want.summary, "{who}: summary");
    assert_eq!(st.you.brief, want.roles[seat].brief, "{who}: brief");
    assert_eq!(st.you.role.name, want.roles[seat].name, "{who}: role name");
    for (got, issue) in st.scenario.issues.iter().zip(&want.issues) {
        assert_eq!((&got.name, &got.options), (&issue.name, &issue.options), "{who}: issue {}", issue.id);
    }
    for p in &st.players {
        assert_eq!(p.role.name, want.roles[p.seat].name, "{who}: players[{}].role", p.seat);
    }
}

#[tokio::test]
async fn two_seats_of_one_match_each_get_the_scenario_in_their_own_language() {
    let scenario = campsite();
    let es = scenario.in_language("es").expect("campsite has a Spanish translation");
    let de = scenario.in_language("de").expect("campsite has a German translation");
    assert_ne!(es.roles[0].brief, scenario.roles[0].brief, "the Spanish brief is translated");
    assert_ne!(de.issues[0].name, scenario.issues[0].name, "the German issue name is translated");

    let server = Server::start();
    let durations = json!({"prep": 0, "small_talk": 600, "bargaining": 600, "survey": 600});
    let code = server.session("campsite", durations, json!({"reveal": "all"})).await;
    // A browser's tag ("es-ES") names its language first.
    let mut ana = client_in(&server, "es-ES").await;
    ana.join(&code, "Ana").await;
    let mut ben = client_in(&server, "de").await;
    ben.join(&code, "Ben").await;

    let a = ana.until_state_where("Ana's small talk", |st| st.phase == parley::core::game::Phase::SmallTalk).await;
    let b = ben.until_state_where("Ben's small talk", |st| st.phase == parley::core::game::Phase::SmallTalk).await;
    assert_ne!(a.you.seat, b.you.seat);
    assert_texts(&a, &es, "Ana (es)");
    assert_texts(&b, &de, "Ben (de)");

    // The icebreaker the server posts is in each seat's language (its place in the list is the same).
    for (c, want, who) in [(&mut ana, &es, "Ana"), (&mut ben, &de, "Ben")] {
        let prompt = c
            .until_msg("the icebreaker", |m| match m {
                parley::wire::ServerMsg::Chat(line) if line.seat.is_none() => Some(line.text),
                parley::wire::ServerMsg::ChatHistory { lines } => {
                    lines.into_iter().find(|l| l.seat.is_none()).map(|l| l.text)
                }
                _ => None,
            })
            .await;
        assert!(want.icebreakers.contains(&prompt), "{who} got the prompt {prompt:?} in their language");
        assert!(!scenario.icebreakers.contains(&prompt), "{who} got an English prompt");
    }

    // Play to the results: the reveal names roles and issues in each seat's language too.
    for c in [&mut ana, &mut ben] {
        c.send(json!({"type": "ready"})).await;
    }
    ana.until_phase("bargaining").await;
    ana.send(json!({"type": "offer", "package": {"food": 1, "water": 3, "firewood": 0}})).await;
    let id = ben
        .until("offer", |v| v["type"] == "state" && v["offers"].as_array().is_some_and(|o| !o.is_empty()))
        .await["offers"][0]["id"]
        .clone();
    ben.send(json!({"type": "accept", "offer_id": id})).await;
    for c in [&mut ana, &mut ben] {
        c.until_phase("survey").await;
        c.send(json!({"type": "skip_survey"})).await;
    }
    for (c, want, who) in [(&mut ana, &es, "Ana"), (&mut ben, &de, "Ben")] {
        let st = c.until_state_where("results", |st| st.results.is_some()).await;
        let r = st.results.as_ref().unwrap();
        for (got, role) in r.roles.iter().zip(&want.roles) {
            assert_eq!(got.name, role.name, "{who}: results role name");
            assert_eq!(got.revealed.as_ref().map(|x| &x.brief), Some(&role.brief), "{who}: revealed brief");
        }
        for (got, issue) in r.issues.iter().zip(&want.issues) {
            assert_eq!(got.name, issue.name, "{who}: results issue name");
        }
    }

    // Raw frames: neither seat was sent a word of the other's language (nor the English briefs).
    let (ana_raw, ben_raw) = (ana.transcript(), ben.transcript());
    for role in 0..2 {
        assert!(!ana_raw.contains(&encoded(&de.roles[role].brief)), "Ana was sent a German brief");
        assert!(!ben_raw.contains(&encoded(&es.roles[role].brief)), "Ben was sent a Spanish brief");
        assert!(!ana_raw.contains(&encoded(&scenario.roles[role].brief)), "Ana was sent an English brief");
    }
    assert!(!ana_raw.contains(&encoded(&de.summary)) && !ben_raw.contains(&encoded(&es.summary)));
}

#[tokio::test]
async fn a_language_the_scenario_lacks_falls_back_and_a_malformed_one_is_refused() {
    let scenario = campsite();
    let server = Server::start();
    let durations = json!({"prep": 600, "small_talk": 600, "bargaining": 600, "survey": 600});
    let code = server.session("campsite", durations, json!({})).await;
    // The public list gives titles in the language asked for, or the scenario's own.
    let (status, list) = server.get("/api/scenarios?lang=de-AT").await;
    assert_eq!(status, 200);
    let listed = list.as_array().unwrap().iter().find(|s| s["id"] == "campsite").unwrap();
    assert_eq!(listed["title"], scenario.in_language("de").unwrap().title);
    assert_eq!(listed["languages"], json!(["en", "de", "es"]));
    let (_, list) = server.get("/api/scenarios?lang=fr").await;
    let listed = list.as_array().unwrap().iter().find(|s| s["id"] == "campsite").unwrap();
    assert_eq!(listed["title"], scenario.title);

    // French: no table in the file, so the scenario's own (English) texts.
    let mut fr = client_in(&server, "fr").await;
    fr.join(&code, "Flo").await;
    let mut bad = Client::connect(&server.ws_url()).await;
    bad.send(json!({"type": "hello", "version": 1, "lang": "<b>español</b>"})).await;
    let e = bad.until_error("bad_message").await;
    assert!(e["message"].as_str().is_some_and(|m| m.contains("language code")), "{e}");
    // The connection goes on in the default language.
    bad.join(&code, "Bo").await;
    for (c, who) in [(&mut fr, "fr"), (&mut bad, "malformed")] {
        let st = c.until_state().await;
        assert_texts(&st, &scenario, who);
    }
}

#[tokio::test]
async fn a_player_who_reconnects_in_another_language_keeps_the_seat_and_gets_the_new_texts() {
    let scenario = campsite();
    let de = scenario.in_language("de").unwrap();
    let server = Server::start();
    let durations = json!({"prep": 600, "small_talk": 600, "bargaining": 600, "survey": 600});
    let code = server.session("campsite", durations, json!({})).await;
    let mut ana = client_in(&server, "en").await;
    let joined = ana.join(&code, "Ana").await;
    let token = joined["token"].as_str().expect("a player token").to_string();
    let mut ben = client_in(&server, "en").await;
    ben.join(&code, "Ben").await;
    let before = ana.until_state().await;
    assert_texts(&before, &scenario, "Ana (en)");

    // The page reloads after the language picker: a new connection resumes with the token.
    let mut again = Client::connect(&server.ws_url()).await;
    again.send(json!({"type": "hello", "version": 1, "token": token, "lang": "de"})).await;
    let after = again.until_state().await;
    assert_eq!((after.match_id.as_str(), after.you.seat), (before.match_id.as_str(), before.you.seat));
    assert_texts(&after, &de, "Ana (de, resumed)");
}

#[tokio::test]
async fn an_observer_reads_the_match_in_their_own_language() {
    let scenario = campsite();
    let de = scenario.in_language("de").unwrap();
    let server = Server::start();
    let durations = json!({"prep": 0, "small_talk": 600, "bargaining": 600, "survey": 600});
    let (status, v) = server
        .post("/api/sessions", json!({"scenario": "campsite", "pairing": "facilitator", "durations": durations}), &[])
        .await;
    assert_eq!(status, 201, "{v}");
    let (code, token) = (v["code"].as_str().unwrap().to_string(), v["facilitator_token"].as_str().unwrap().to_string());
    let mut ids = Vec::new();
    let mut clients = Vec::new();
    for (name, lang) in [("Ana", "es"), ("Ben", "en"), ("Cy", "de")] {
        let mut c = client_in(&server, lang).await;
        ids.push(c.join(&code, name).await["player_id"].as_str().unwrap().to_string());
        clients.push(c);
    }
    let control = |body: serde_json::Value| {
        let (server, code, token) = (&server, code.clone(), token.clone());
        async move {
            let (status, v) =
                server.post(&format!("/api/sessions/{code}/control"), body, &[("x-facilitator-token", &token)]).await;
            assert_eq!(status, 200, "{v}");
        }
    };
    control(json!({"action": "pair", "players": [ids[0], ids[1]]})).await;
    let match_id = clients[0].until_state().await.match_id;
    control(json!({"action": "observe", "player_id": ids[2], "match_id": match_id})).await;
    let view = clients[2]
        .until_msg("the observer view", |m| match m {
            parley::wire::ServerMsg::Observe(v) => Some(*v),
            _ => None,
        })
        .await;
    assert_eq!(view.scenario.title, de.title);
    assert_eq!(view.scenario.issues[0].name, de.issues[0].name);
    for p in &view.players {
        assert_eq!(p.role.name, de.roles[p.seat].name, "the observer reads role names in German");
    }
}
