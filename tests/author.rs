//! The scenario editor's API against the real server: its analysis is `parley scenario check
//! --json` on every bundled file; a saved scenario is listed and playable without a restart; a
//! translation edited in the editor is saved and read in its language; the refusals (bundled ids,
//! path traversal, oversized bodies, limits, translations that do not fit, the admin key).

use crate::common::{repo, Server};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Command;

/// A scenarios folder of the test's own, holding copies of the bundled files (saves must never
/// write into the repository's `scenarios/`).
fn scenarios_copy(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("parley-author-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for f in parley::core::scenario::scenario_files(&repo().join("scenarios")).unwrap() {
        std::fs::copy(&f, dir.join(f.file_name().unwrap())).unwrap();
    }
    dir
}

fn bundled_files() -> Vec<PathBuf> {
    parley::core::scenario::scenario_files(&repo().join("scenarios")).unwrap()
}

#[tokio::test]
async fn the_live_analysis_is_scenario_check_json_on_every_bundled_file() {
    let files = bundled_files();
    let out =
        Command::new(env!("CARGO_BIN_EXE_parley")).args(["scenario", "check", "--json"]).args(&files).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cli: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(cli.len(), files.len());
    let server = Server::start();
    for (file, expected) in files.iter().zip(&cli) {
        let text = std::fs::read_to_string(file).unwrap();
        // Imported as a file...
        let (status, v) = server.post("/api/author/analyse", json!({ "toml": text }), &[]).await;
        assert_eq!(status, 200, "{}: {v}", file.display());
        assert_eq!(&v["analysis"]["check"], expected, "{}", file.display());
        // ...and sent back as the editor's draft: the same analysis, the same canonical file.
        let (status, again) = server.post("/api/author/analyse", json!({ "draft": v["draft"] }), &[]).await;
        assert_eq!(status, 200, "{again}");
        assert_eq!(&again["analysis"]["check"], expected, "{}", file.display());
        assert_eq!(again["toml"], v["toml"]);
        // Opening the scenario the server loaded gives the same.
        let id = expected["id"].as_str().unwrap();
        let (status, opened) = server.get(&format!("/api/author/scenarios/{id}")).await;
        assert_eq!(status, 200, "{opened}");
        assert_eq!(&opened["analysis"]["check"], expected);
        assert_eq!(opened["editor_file"], false, "{id} came with the server");
    }
}

#[tokio::test]
async fn a_saved_scenario_is_listed_and_played_without_a_restart() {
    let dir = scenarios_copy("save");
    let server = Server::start_with(&["--scenarios", dir.to_str().unwrap()]);
    let (_, opened) = server.get("/api/author/scenarios/campsite").await;
    let mut draft = opened["draft"].clone();
    draft["id"] = json!("river-crossing");
    draft["title"] = json!("Crossing the river");
    draft["roles"][0]["name"] = json!("Ferry owner");

    let (status, saved) = server.post("/api/author/scenarios", json!({ "draft": draft }), &[]).await;
    assert_eq!(status, 201, "{saved}");
    assert_eq!(saved["file"], "river-crossing.toml");
    assert_eq!(saved["replaced"], false);
    let on_disk = std::fs::read_to_string(dir.join("river-crossing.toml")).unwrap();
    assert_eq!(on_disk, saved["toml"].as_str().unwrap(), "the file is the canonical text");
    assert!(on_disk.starts_with(parley::core::scenario::EDITOR_HEADER));
    let reread = parley::core::scenario::load_file(&dir.join("river-crossing.toml")).unwrap();
    assert_eq!(reread.to_toml(), on_disk, "write → parse → write is byte-identical");

    // The session set-up lists it at once, and a session runs it.
    let (_, list) = server.get("/api/scenarios").await;
    assert!(list.as_array().unwrap().iter().any(|s| s["id"] == "river-crossing" && s["title"] == "Crossing the river"));
    let code = server.session("river-crossing", crate::common::slow(), json!({})).await;
    let mut a = server.client().await;
    a.join(&code, "Ana").await;
    let mut b = server.client().await;
    b.join(&code, "Ben").await;
    let st = a.until_type("state").await;
    assert_eq!(st["scenario"]["id"], "river-crossing");
    let names: Vec<&str> = [&st].iter().map(|s| s["you"]["role"]["name"].as_str().unwrap()).collect();
    let st_b = b.until_type("state").await;
    let both = [names[0], st_b["you"]["role"]["name"].as_str().unwrap()];
    assert!(both.contains(&"Ferry owner"), "{both:?}");

    // Saving it again (the editor wrote it) needs no overwrite; the match keeps its version.
    draft["title"] = json!("Crossing the river, take two");
    let (status, again) = server.post("/api/author/scenarios", json!({ "draft": draft }), &[]).await;
    assert_eq!((status, again["replaced"].clone()), (201, json!(true)), "{again}");
    let (_, listed) = server.get("/api/author/scenarios").await;
    let mine = listed.as_array().unwrap().iter().find(|s| s["id"] == "river-crossing").unwrap().clone();
    assert_eq!(
        (mine["title"].clone(), mine["editor_file"].clone()),
        (json!("Crossing the river, take two"), json!(true))
    );
    a.send(json!({"type": "ready"})).await;
    let st = a.until_state().await;
    assert_eq!(st.scenario.title, "Crossing the river", "a running match keeps the scenario it started with");

    // A bundled scenario is replaced only when asked.
    let (_, camp) = server.get("/api/author/scenarios/campsite").await;
    let (status, refused) = server.post("/api/author/scenarios", json!({ "draft": camp["draft"] }), &[]).await;
    assert_eq!((status, refused["code"].as_str()), (409, Some("scenario_exists")), "{refused}");
    assert_eq!(refused["field"], "id");
    let before = std::fs::read_to_string(repo().join("scenarios/campsite.toml")).unwrap();
    assert_eq!(std::fs::read_to_string(dir.join("campsite.toml")).unwrap(), before, "refused: the file is untouched");
    let (status, replaced) =
        server.post("/api/author/scenarios", json!({ "draft": camp["draft"], "overwrite": true }), &[]).await;
    assert_eq!((status, replaced["replaced"].clone()), (201, json!(true)), "{replaced}");
    assert!(std::fs::read_to_string(dir.join("campsite.toml"))
        .unwrap()
        .starts_with(parley::core::scenario::EDITOR_HEADER));
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_editor_refuses_traversal_oversized_bodies_broken_drafts_and_strangers() {
    let dir = scenarios_copy("refuse");
    let server = Server::start_with(&["--scenarios", dir.to_str().unwrap(), "--admin-key", "sesame"]);
    let key = [("x-admin-key", "sesame")];
    let (_, opened) = crate::common::http_with(&server, "GET", "/api/author/scenarios/campsite", None, &key).await;
    let draft = opened["draft"].clone();
    assert!(draft.is_object(), "{opened}");

    // Without the admin key: nothing, not even reading a brief.
    for (method, path, body) in [
        ("GET", "/api/author/scenarios", None),
        ("GET", "/api/author/scenarios/campsite", None),
        ("POST", "/api/author/analyse", Some(json!({ "draft": draft }))),
        ("POST", "/api/author/scenarios", Some(json!({ "draft": draft }))),
    ] {
        let (status, v) =
            crate::common::http_with(&server, method, path, body.clone(), &[("x-admin-key", "nope")]).await;
        assert_eq!((status, v["code"].as_str()), (401, Some("admin_key_required")), "{method} {path}: {v}");
        let (status, _) = crate::common::http_with(&server, method, path, body, &[]).await;
        assert_eq!(status, 401);
    }

    // Ids that would leave the folder are refused at the id; nothing is written anywhere.
    for id in ["../escaped", "..", "a/b", "evil.toml", "/tmp/x", "Caps"] {
        let mut bad = draft.clone();
        bad["id"] = json!(id);
        let (status, v) =
            crate::common::http_with(&server, "POST", "/api/author/scenarios", Some(json!({ "draft": bad })), &key)
                .await;
        assert_eq!(
            (status, v["code"].as_str(), v["field"].as_str()),
            (422, Some("invalid_scenario"), Some("id")),
            "{id}: {v}"
        );
    }
    assert!(!dir.parent().unwrap().join("escaped.toml").exists());
    let (status, v) =
        crate::common::http_with(&server, "GET", "/api/author/scenarios/..%2F..%2Fetc%2Fpasswd", None, &key).await;
    assert_eq!((status, v["code"].as_str()), (404, Some("unknown_scenario")), "{v}");

    // A body over the limit.
    let mut huge = draft.clone();
    huge["summary"] = json!("x".repeat(parley::author::MAX_AUTHOR_BODY + 1));
    let (status, v) =
        crate::common::http_with(&server, "POST", "/api/author/analyse", Some(json!({ "draft": huge })), &key).await;
    assert_eq!((status, v["code"].as_str()), (413, Some("body_too_large")), "{v}");

    // Broken drafts: the error names the field the editor shows it at.
    let mut cases: Vec<(Value, &str)> = Vec::new();
    let mut long = draft.clone();
    long["summary"] = json!("x".repeat(parley::core::authoring::limits::MAX_LONG_TEXT + 1));
    cases.push((long, "summary"));
    let mut short_points = draft.clone();
    short_points["issues"][1]["points"][0] = json!([1]);
    cases.push((short_points, "issues[1].points.camper_north"));
    let mut no_brief = draft.clone();
    no_brief["roles"][1]["brief"] = json!(" ");
    cases.push((no_brief, "roles[1].brief"));
    let mut crowd = draft.clone();
    let roles: Vec<Value> =
        (0..7).map(|i| json!({"id": format!("r{i}"), "name": "R", "batna": 0, "brief": "b"})).collect();
    crowd["roles"] = json!(roles);
    for issue in crowd["issues"].as_array_mut().unwrap() {
        let n = issue["options"].as_array().unwrap().len();
        issue["points"] = json!(vec![vec![0; n]; 7]);
    }
    cases.push((crowd, "roles"));
    for (bad, field) in cases {
        let (status, v) =
            crate::common::http_with(&server, "POST", "/api/author/analyse", Some(json!({ "draft": bad })), &key).await;
        assert_eq!(
            (status, v["code"].as_str(), v["field"].as_str()),
            (422, Some("invalid_scenario"), Some(field)),
            "{v}"
        );
    }
    // A file with a syntax error: the parser's line and column, no field.
    let (status, v) = crate::common::http_with(
        &server,
        "POST",
        "/api/author/analyse",
        Some(json!({ "toml": "id = \"x\"\ntitle = \n" })),
        &key,
    )
    .await;
    assert_eq!((status, v["code"].as_str()), (422, Some("invalid_scenario")), "{v}");
    assert!(v["message"].as_str().unwrap().contains("line 2"), "{v}");
    assert_eq!(v["field"], Value::Null);

    // With the key, a save goes through.
    let mut mine = draft.clone();
    mine["id"] = json!("keyed-case");
    let (status, v) =
        crate::common::http_with(&server, "POST", "/api/author/scenarios", Some(json!({ "draft": mine })), &key).await;
    assert_eq!(status, 201, "{v}");
    assert!(dir.join("keyed-case.toml").exists());
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The editor's save path with translations: an edited German text is written to the file and
/// read by a German player; a text left out falls back; the Spanish table is kept as it came; a
/// role renamed in English drops only its own translated texts; and a translation that does not
/// fit the scenario is refused with `invalid_scenario` at its field.
#[tokio::test]
async fn a_saved_translation_is_kept_changed_and_read_in_its_language() {
    let dir = scenarios_copy("translate");
    let server = Server::start_with(&["--scenarios", dir.to_str().unwrap()]);
    let (_, opened) = server.get("/api/author/scenarios/campsite").await;
    let original = opened["draft"].clone();
    assert_eq!(original["translations"]["de"]["roles"]["camper_north"]["name"], "Camper am Nordufer");
    let mut draft = original.clone();
    draft["id"] = json!("lake-de");
    draft["translations"]["de"]["title"] = json!("Vorräte am See, neu übersetzt");
    draft["translations"]["de"]["roles"]["camper_north"]["name"] = json!("Gruppe vom Nordufer");
    draft["translations"]["de"].as_object_mut().unwrap().remove("summary");

    let (status, saved) = server.post("/api/author/scenarios", json!({ "draft": draft }), &[]).await;
    assert_eq!(status, 201, "{saved}");
    let file = parley::core::scenario::load_file(&dir.join("lake-de.toml")).unwrap();
    let de = &file.translations["de"];
    assert_eq!(de.title.as_deref(), Some("Vorräte am See, neu übersetzt"));
    assert_eq!(de.roles["camper_north"].name.as_deref(), Some("Gruppe vom Nordufer"));
    assert_eq!(de.summary, None, "the text left out is not in the file");
    assert_eq!(file.untranslated("de"), vec!["translations.de.summary"], "only the summary falls back");
    let camp = parley::core::scenario::load_file(&repo().join("scenarios/campsite.toml")).unwrap();
    assert_eq!(file.translations["es"], camp.translations["es"], "the Spanish table is kept as it was");
    assert_eq!(de.icebreakers, camp.translations["de"].icebreakers, "untouched German texts are kept");
    let (_, reopened) = server.get("/api/author/scenarios/lake-de").await;
    assert_eq!(reopened["draft"]["translations"]["de"]["title"], "Vorräte am See, neu übersetzt");

    // The session set-up's list and a German player read the edited texts; the summary is English.
    let (_, list) = server.get("/api/scenarios?lang=de").await;
    let listed = list.as_array().unwrap().iter().find(|s| s["id"] == "lake-de").unwrap();
    assert_eq!(listed["title"], "Vorräte am See, neu übersetzt");
    let code = server.session("lake-de", crate::common::slow(), json!({})).await;
    let mut players = Vec::new();
    for name in ["Anke", "Bodo"] {
        let mut c = crate::common::Client::connect(&server.ws_url()).await;
        c.send(json!({"type": "hello", "version": 1, "lang": "de"})).await;
        c.until_type("welcome").await;
        c.join(&code, name).await;
        players.push(c);
    }
    let mut role_names = Vec::new();
    for p in &mut players {
        let st = p.until_state().await;
        assert_eq!(st.scenario.title, "Vorräte am See, neu übersetzt");
        assert_eq!(st.scenario.summary, camp.summary, "no German summary: the scenario's own");
        role_names.push(st.you.role.name.clone());
    }
    role_names.sort();
    assert_eq!(role_names, vec!["Camper am Südufer", "Gruppe vom Nordufer"]);

    // A role id changed in English: its translated texts no longer apply and are dropped; the
    // other role's and everything else stay.
    let mut renamed = draft.clone();
    renamed["roles"][0]["id"] = json!("north");
    let (status, again) = server.post("/api/author/scenarios", json!({ "draft": renamed }), &[]).await;
    assert_eq!(status, 201, "{again}");
    let file = parley::core::scenario::load_file(&dir.join("lake-de.toml")).unwrap();
    assert!(!file.translations["de"].roles.contains_key("camper_north"));
    assert!(file.translations["de"].roles.contains_key("camper_south"));
    assert!(file.untranslated("de").contains(&"translations.de.roles.north.name".to_string()));

    // Translations that do not fit are refused at their field, on the analysis and on a save.
    let mut cases: Vec<(Value, &str)> = Vec::new();
    let mut partial = draft.clone();
    partial["translations"]["de"]["issues"]["water"]["options"][1] = json!(" ");
    cases.push((partial, "translations.de.issues.water.options[1]"));
    let mut blank = draft.clone();
    blank["translations"]["de"]["title"] = json!("  ");
    cases.push((blank, "translations.de.title"));
    let mut long = draft.clone();
    long["translations"]["es"]["title"] = json!("x".repeat(parley::core::authoring::limits::MAX_SHORT_TEXT + 1));
    cases.push((long, "translations.es.title"));
    let mut own = draft.clone();
    own["translations"]["en"] = json!({"title": "Sharing"});
    cases.push((own, "translations.en"));
    for (bad, field) in cases {
        for path in ["/api/author/analyse", "/api/author/scenarios"] {
            let (status, v) = server.post(path, json!({ "draft": bad }), &[]).await;
            assert_eq!(
                (status, v["code"].as_str(), v["field"].as_str()),
                (422, Some("invalid_scenario"), Some(field)),
                "{path}: {v}"
            );
        }
    }
    let file = parley::core::scenario::load_file(&dir.join("lake-de.toml")).unwrap();
    assert!(file.translations["de"].roles.contains_key("camper_south"), "refused saves wrote nothing");
    // Texts for a role the draft lacks (as after a role is removed) are dropped, not refused.
    let mut ghost = draft.clone();
    ghost["translations"]["de"]["roles"]["ghost"] = json!({"name": "Geist"});
    let (status, v) = server.post("/api/author/analyse", json!({ "draft": ghost }), &[]).await;
    assert_eq!(status, 200, "{v}");
    assert!(!v["toml"].as_str().unwrap().contains("ghost"), "the file would not name the missing role");
    drop(players);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
