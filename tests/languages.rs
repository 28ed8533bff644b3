//! Scenario texts per language: each seat of a match is sent the scenario's words in the language
//! its connection's `hello` named, falling back to the scenario's own where a translation is
//! silent; a seat never receives the other language's texts (checked on the raw frames).

use crate::common::console::{control, create};
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
    let s = create(&server, json!({"scenario": "campsite", "pairing": "facilitator", "durations": durations})).await;
    let code = s.code.clone();
    let mut ids = Vec::new();
    let mut clients = Vec::new();
    for (name, lang) in [("Ana", "es"), ("Ben", "en"), ("Cy", "de")] {
        let mut c = client_in(&server, lang).await;
        ids.push(c.join(&code, name).await["player_id"].as_str().unwrap().to_string());
        clients.push(c);
    }
    control(&server, &s, json!({"action": "pair", "players": [ids[0], ids[1]]})).await;
    let match_id = clients[0].until_state().await.match_id;
    control(&server, &s, json!({"action": "observe", "player_id": ids[2], "match_id": match_id})).await;
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

/// The frames of `c` of one type, as sent.
fn frames_of(c: &Client, kind: &str) -> Vec<serde_json::Value> {
    c.frames().filter(|f| f["type"] == kind).collect()
}

#[tokio::test]
async fn what_the_server_says_to_a_spanish_seat_comes_as_codes_and_params_and_reveals_nothing() {
    let server = Server::start();
    let durations = json!({"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 600});
    let s = create(
        &server,
        json!({"scenario": "campsite", "pairing": "facilitator", "durations": durations, "coaching": true,
                   "survey": {"items": ["trust"], "custom": [{"kind": "scale", "text": "Did the icebreaker help?",
                              "translations": {"es": "¿Te ayudó la pregunta inicial?"}}]}}),
    )
    .await;
    let code = s.code.clone();

    // Waiting: the line's sentence comes as a key, its number as `ahead`.
    let mut ana = client_in(&server, "es").await;
    let ana_id = ana.join(&code, "Ana").await["player_id"].as_str().unwrap().to_string();
    let waiting = ana.until_type("waiting").await;
    assert_eq!((waiting["key"].as_str(), waiting["ahead"].as_u64()), (Some("next"), Some(0)), "{waiting}");
    let mut ben = client_in(&server, "de").await;
    let ben_id = ben.join(&code, "Ben").await["player_id"].as_str().unwrap().to_string();
    let mut cy = client_in(&server, "es").await;
    cy.join(&code, "Cy").await;
    let w = cy.until("Cy behind Ana and Ben", |v| v["type"] == "waiting" && v["ahead"] == 2).await;
    assert_eq!(w["key"], "ahead", "{w}");

    control(&server, &s, json!({"action": "pair", "players": [ana_id, ben_id]})).await;
    let st = ana.until_state_in(parley::core::game::Phase::Bargaining).await;
    ben.until_phase("bargaining").await;
    let issues: Vec<String> = st.scenario.issues.iter().map(|i| i.id.clone()).collect();

    // Coaching: four bargaining lines without a question bring the `ask` nudge, by its rule.
    for line in ["Hola.", "Llegamos tarde.", "La tienda es pequeña.", "Hace frío."] {
        ana.send(json!({"type": "chat", "text": line})).await;
    }
    let nudge = ana.until_type("coach").await;
    assert_eq!(nudge["rule"], "ask", "{nudge}");
    let keys: Vec<&String> = nudge.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["at", "rule", "text", "type"], "a nudge carries its rule and nothing else");

    // A checked statement: the chat line carries the statement by index, never its verdict.
    ana.send(json!({"type": "disclose", "statement": {"kind": "importance", "issue": issues[0], "level": "high"}}))
        .await;
    let line = ben.until("the statement line", |v| v["type"] == "chat" && v["kind"] == "disclosure").await;
    assert_eq!(line["statement"], json!({"kind": "importance", "issue": 0, "high": true}), "{line}");

    // An error comes with its code (the page words it), the English sentence beside it.
    ana.send(json!({"type": "chat", "text": "x".repeat(1001)})).await;
    let e = ana.until_error("chat_too_long").await;
    assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "{e}");

    // Notices: a bye in a tournament round names the round as a number.
    control(&server, &s, json!({"action": "end_phase"})).await;
    // The facilitator's own survey question: the Spanish seat reads the Spanish, the German seat
    // (none written) the default, and no frame carries the other languages.
    for (c, want) in [(&mut ana, "¿Te ayudó la pregunta inicial?"), (&mut ben, "Did the icebreaker help?")] {
        let st = c.until_phase("survey").await;
        let q = st["survey"]["questions"].as_array().unwrap().iter().find(|q| q["id"] == "custom_1").unwrap().clone();
        assert_eq!(q["text"], want, "{q}");
        assert!(q.get("translations").is_none(), "{q}");
        c.send(json!({"type": "skip_survey"})).await;
    }
    assert!(!ben.transcript().contains("pregunta inicial"), "the German seat was sent the Spanish question");
    for c in [&mut ana, &mut ben] {
        c.until("results", |v| v["type"] == "state" && v["phase"] == "results").await;
    }
    control(&server, &s, json!({"action": "tournament_start", "rounds": ["campsite"]})).await;
    let mut byes = Vec::new();
    for c in [&mut ana, &mut ben, &mut cy] {
        let got = c
            .until("a round or a bye", |v| {
                (v["type"] == "notice" && v["key"] == "tournament_bye")
                    || (v["type"] == "state" && v["phase"] != "results")
            })
            .await;
        if got["type"] == "notice" {
            byes.push(got);
        }
    }
    assert_eq!(byes.len(), 1, "three players, pairs: one sits out");
    assert_eq!(byes[0]["params"], json!({"round": 1}), "{}", byes[0]);
    assert!(byes[0]["text"].as_str().unwrap().contains("round 1"), "the English stays for old clients");

    // Nothing hidden rode along: no params or frame before results named a point value or a
    // statement's verdict.
    for c in [&ana, &ben, &cy] {
        for f in frames_of(c, "notice").iter().chain(&frames_of(c, "chat")).chain(&frames_of(c, "coach")) {
            let s = f.to_string();
            assert!(!s.contains("truthful") && !s.contains("points") && !s.contains("batna"), "{s}");
        }
    }
}

/// Whether `line` is `template` with its `{slots}` filled in (any text in each slot; the first
/// letter may have been capitalised).
fn fills(template: &str, line: &str) -> bool {
    let mut pieces: Vec<String> = Vec::new();
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        pieces.push(rest[..i].to_string());
        rest = rest[i..].find('}').map_or("", |j| &rest[i + j + 1..]);
    }
    pieces.push(rest.to_string());
    if pieces.len() == 1 {
        return line.to_lowercase() == template.to_lowercase();
    }
    let (first, last) = (pieces[0].to_lowercase(), pieces.last().unwrap().clone());
    let lower = line.to_lowercase();
    if !lower.starts_with(&first) || !line.ends_with(&last) || line.len() < first.len() + last.len() {
        return false;
    }
    let mut at = first.len();
    for p in &pieces[1..pieces.len() - 1] {
        match line[at..].find(p.as_str()) {
            Some(i) => at += i + p.len(),
            None => return false,
        }
    }
    at <= line.len() - last.len()
}

#[tokio::test]
async fn a_practice_bot_speaks_spanish_to_a_spanish_player() {
    use parley::bots::speech::Lang;
    use parley::core::game::Phase;
    let server = Server::start_with(&["--practice-bot-after", "1", "--bot-pace-ms", "50"]);
    let mut me = client_in(&server, "es").await;
    me.send(json!({"type": "practice", "name": "Sol", "scenario": "campsite"})).await;
    let offer = me.until("bot offer", |v| v["type"] == "waiting" && v["bot_offer"] == true).await;
    assert_eq!(offer["key"], "alone", "{offer}");
    me.send(json!({"type": "play_bot", "strategy": "logroller", "level": "easy"})).await;
    let st = me.until_state().await;
    let mine = st.you.seat;
    me.send(json!({"type": "ready"})).await;
    me.until_state_in(Phase::SmallTalk).await;
    // The bot greets and answers in small talk, then asks in bargaining: wait for two of its lines.
    let bot_line = |v: &serde_json::Value| {
        v["type"] == "chat" && v["seat"].as_u64().is_some_and(|s| s as usize != mine) && v["kind"] == "message"
    };
    me.until("the bot's greeting", bot_line).await;
    me.send(json!({"type": "chat", "text": "¡Hola! ¿Qué tal el viaje?"})).await;
    me.send(json!({"type": "ready"})).await;
    me.until_state_in(Phase::Bargaining).await;
    me.until("a bot line in bargaining", |v| bot_line(v) && v["phase"] == "bargaining").await;

    let said: Vec<String> =
        me.frames().filter(|v| bot_line(v)).map(|v| v["text"].as_str().unwrap().to_string()).collect();
    assert!(said.len() >= 2, "{said:?}");
    let (spanish, english) = (Lang::Es.lines(), Lang::En.lines());
    for line in &said {
        assert!(spanish.iter().any(|t| fills(t, line)), "not one of the Spanish lines: {line:?}");
        assert!(!english.iter().any(|t| fills(t, line)), "an English line: {line:?}");
    }
    // Its lines name the issues as the Spanish scenario does.
    let es = campsite().in_language("es").unwrap();
    let named = said.iter().any(|l| es.issues.iter().any(|i| l.to_lowercase().contains(&i.name.to_lowercase())));
    let english_named =
        said.iter().any(|l| campsite().issues.iter().any(|i| l.to_lowercase().contains(&i.name.to_lowercase())));
    assert!(named || !english_named, "issue names in English in {said:?}");
    assert!(fills("Hello {a}, bye.", "Hello x, bye.") && !fills("Hello {a}, bye.", "Hola x, adiós."));
    assert!(fills("Hi there.", "Hi there.") && !fills("Hi there.", "Hi there, you."));
}

#[tokio::test]
async fn an_abandoned_match_says_why_as_data_the_page_words() {
    let server = Server::start();
    let durations = json!({"prep": 600, "small_talk": 600, "bargaining": 600, "survey": 600});
    let s = create(&server, json!({"scenario": "campsite", "durations": durations})).await;
    let code = s.code.clone();
    let mut ana = client_in(&server, "es").await;
    ana.join(&code, "Ana").await;
    let mut ben = client_in(&server, "de").await;
    let ben_id = ben.join(&code, "Ben").await["player_id"].as_str().unwrap().to_string();
    ana.until_type("state").await;
    control(&server, &s, json!({"action": "remove", "player_id": ben_id})).await;
    let st = ana.until("the match ends", |v| v["type"] == "state" && v["outcome"]["kind"] == "abandoned").await;
    assert_eq!(st["outcome"]["why"], json!({"key": "removed", "name": "Ben"}), "{}", st["outcome"]);
    assert_eq!(st["outcome"]["reason"], "Ben was removed by the facilitator.", "the English stays beside it");
}
