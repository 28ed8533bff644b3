//! The four CSV exports are safe to open in a spreadsheet: players whose names are formulas play
//! a one-round tournament (a deal, a walk-away, a facilitator's stop and a removal, whose abandon
//! reason starts with the removed player's name), and no cell of players.csv, matches.csv,
//! tournament.csv or standings.csv begins with a formula character unless it is a plain number.
//! matches.csv also carries ISO 8601 times beside its epoch milliseconds, and packages (there and
//! in transcripts) are written with issue and option names.

use crate::common::console::{control, create};
use crate::common::{Client, Server};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Names a spreadsheet would run as formulas, at least one per formula character. The tab-led
/// name is trimmed by the server's name rule, which leaves another formula character in front.
const DANGEROUS: [&str; 6] =
    ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\t-tab", "=cmd|' /C calc'!A0"];
/// Names left as they are: a plain number (it stays a number) and plain text.
const HARMLESS: [&str; 2] = ["-42", "Zoe"];

/// A plain decimal number (optional sign, digits, optional point and digits): what may begin with `-` or `+`.
fn is_plain_number(s: &str) -> bool {
    let digits = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit());
    let u = s.strip_prefix(['-', '+']).unwrap_or(s);
    match u.split_once('.') {
        Some((a, b)) => digits(a) && digits(b),
        None => digits(u),
    }
}

fn formula_start(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` to Unix milliseconds (H. Hinnant's `days_from_civil`, the inverse
/// of what the server uses, so the two check each other).
fn parse_iso(s: &str) -> i64 {
    let b = s.as_bytes();
    assert!(
        s.len() == 24 && b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[13] == b':' && b[16] == b':',
        "{s:?} is not YYYY-MM-DDTHH:MM:SS.mmmZ"
    );
    assert!(b[19] == b'.' && b[23] == b'Z', "{s:?} is not YYYY-MM-DDTHH:MM:SS.mmmZ");
    let n = |a: usize, z: usize| s[a..z].parse::<i64>().unwrap_or_else(|_| panic!("{s:?}: bad digits"));
    let (y, m, d) = (n(0, 4), n(5, 7), n(8, 10));
    let (hh, mm, ss, ms) = (n(11, 13), n(14, 16), n(17, 19), n(20, 23));
    assert!((1..=12).contains(&m) && (1..=31).contains(&d) && hh < 24 && mm < 60 && ss < 60, "{s:?}");
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400_000 + hh * 3_600_000 + mm * 60_000 + ss * 1000 + ms
}

/// A CSV as (header, rows of cells), read with the `csv` crate.
fn read_csv(what: &str, body: &Value) -> (Vec<String>, Vec<Vec<String>>) {
    let text = body.as_str().unwrap_or_else(|| panic!("{what} is text: {body}"));
    let mut r = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().expect("a header").iter().map(String::from).collect();
    let rows: Vec<Vec<String>> =
        r.records().map(|x| x.expect("a well-formed record").iter().map(String::from).collect()).collect();
    assert!(rows.iter().all(|row| row.len() == header.len()), "{what}: every row has every column");
    (header, rows)
}

/// Every cell (header included) that begins with a formula character is a plain number.
fn assert_no_formula(what: &str, header: &[String], rows: &[Vec<String>]) {
    for cell in header.iter().chain(rows.iter().flatten()) {
        assert!(!formula_start(cell) || is_plain_number(cell), "{what}: the cell {cell:?} would run as a formula");
    }
}

fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

#[tokio::test]
async fn csv_exports_neutralise_formulas_and_carry_iso_times_and_names() {
    let server = Server::start();
    let durations = json!({"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 600});
    let s = create(
        &server,
        json!({"scenario": "campsite", "pairing": "facilitator", "small_talk": "none", "durations": durations}),
    )
    .await;
    let (code, token) = (s.code.clone(), s.token.clone());
    let path = |f: &str| format!("/api/sessions/{code}/{f}?token={token}");

    // Eight players join and wait for the facilitator.
    let mut clients: Vec<Client> = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    for name in DANGEROUS.iter().chain(&HARMLESS) {
        let mut c = server.client().await;
        let j = c.join(&code, name).await;
        ids.push(j["player_id"].as_str().unwrap().to_string());
        c.until_type("waiting").await;
        clients.push(c);
    }

    // A one-round tournament pairs them into four matches.
    let v = control(&server, &s, json!({"action": "tournament_start", "rounds": ["campsite"]})).await;
    assert_eq!(v["affected"].as_u64(), Some(4), "{v}");
    let (status, t) = server.get(&path("tournament")).await;
    assert_eq!(status, 200, "{t}");
    let mut groups: Vec<(String, usize, usize)> = t["rounds"][0]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let seat = |k: usize| ids.iter().position(|id| g["players"][k] == id.as_str()).unwrap();
            (g["match_id"].as_str().unwrap().to_string(), seat(0), seat(1))
        })
        .collect();
    assert_eq!(groups.len(), 4);
    for c in clients.iter_mut() {
        c.until_phase("bargaining").await;
    }

    // A match with a formula-named player: the facilitator removes that player, and the match
    // ends as abandoned with a reason that starts with their name.
    let k = groups.iter().position(|g| g.1 < DANGEROUS.len() || g.2 < DANGEROUS.len()).unwrap();
    let (m4, a, b) = groups.remove(k);
    let (gone, stays) = if a < DANGEROUS.len() { (a, b) } else { (b, a) };
    control(&server, &s, json!({"action": "remove", "player_id": ids[gone]})).await;
    assert_eq!(clients[stays].until_phase("results").await["outcome"]["kind"], "abandoned");

    // The three others. A deal below seat 0's BATNA (a negative surplus); seat 0 walks away;
    // the facilitator ends bargaining.
    let deal = json!({"food": 0, "water": 0, "firewood": 0});
    let (m1, a, b) = groups[0].clone();
    clients[a].send(json!({"type": "offer", "package": deal})).await;
    let offer = clients[b]
        .until("the offer", |v| v["type"] == "state" && v["offers"].as_array().is_some_and(|o| !o.is_empty()))
        .await;
    clients[b].send(json!({"type": "accept", "offer_id": offer["offers"][0]["id"]})).await;
    clients[a].until_phase("survey").await;
    let (_, a, _) = groups[1].clone();
    clients[a].send(json!({"type": "walk_away"})).await;
    clients[a].until_phase("survey").await;
    let (m3, a, _) = groups[2].clone();
    control(&server, &s, json!({"action": "end_phase", "match_id": m3})).await;
    clients[a].until_phase("survey").await;
    // The surveys are skipped: a match counts in the tournament once it has its results.
    for (_, a, b) in groups.clone() {
        for k in [a, b] {
            clients[k].send(json!({"type": "skip_survey"})).await;
        }
    }
    for (_, a, b) in groups.clone() {
        for k in [a, b] {
            clients[k].until_phase("results").await;
        }
    }
    // Every finished match is in the tournament's results (the abandoned one is not).
    let started = Instant::now();
    loop {
        let (_, t) = server.get(&path("tournament")).await;
        if t["results"].as_array().is_some_and(|r| r.len() == 6) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(15), "the tournament never had six results: {t}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The names as the server stored them (events.json), and how a safe CSV must write them.
    let (_, events) = server.get(&path("export/events.json")).await;
    let stored: HashMap<String, String> = events["players"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap().to_string(), p["name"].as_str().unwrap().to_string()))
        .collect();
    let expected: HashMap<&str, String> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let name = &stored[id];
            if i < DANGEROUS.len() {
                assert!(formula_start(name), "the stored name {name:?} still begins with a formula character");
                (id.as_str(), format!("'{name}"))
            } else {
                assert_eq!(name, HARMLESS[i - DANGEROUS.len()]);
                (id.as_str(), name.clone())
            }
        })
        .collect();

    // All four CSVs: no formula anywhere, and every name written in its safe form.
    let mut files = HashMap::new();
    for f in ["players.csv", "matches.csv", "tournament.csv", "standings.csv"] {
        let (status, body) = server.get(&path(&format!("export/{f}"))).await;
        assert_eq!(status, 200, "{f}: {body}");
        let (header, rows) = read_csv(f, &body);
        assert_no_formula(f, &header, &rows);
        files.insert(f, (header, rows));
    }
    for (f, id_col, rows_expected) in
        [("players.csv", "player_id", 8..=8), ("tournament.csv", "player", 6..=6), ("standings.csv", "player", 7..=8)]
    {
        let (header, rows) = &files[f];
        assert!(rows_expected.contains(&rows.len()), "{f}: {} rows", rows.len());
        let (id, name) = (col(header, id_col), col(header, "name"));
        for row in rows {
            assert_eq!(row[name], expected[row[id].as_str()], "{f}: the name of {}", row[id]);
        }
    }
    // Every formula-named player who finished a match is on the leaderboard, written safely.
    let (header, rows) = &files["standings.csv"];
    for (i, id) in ids.iter().enumerate().filter(|(i, _)| *i != gone) {
        let row = rows.iter().find(|r| r[col(header, "player")] == *id).expect("a standings row");
        assert_eq!(row[col(header, "name")], expected[id.as_str()], "standings.csv: player {i}");
    }

    // Numbers stay numbers: the deal gave seat 0 (North, BATNA 13) no points.
    let (header, rows) = &files["players.csv"];
    let north = rows.iter().find(|r| r[col(header, "match_id")] == m1 && r[col(header, "seat")] == "0").unwrap();
    assert_eq!((north[col(header, "points")].as_str(), north[col(header, "surplus")].as_str()), ("0", "-13"));
    let (header, rows) = &files["tournament.csv"];
    assert!(rows.iter().any(|r| r[col(header, "points")] == "0"), "tournament.csv keeps its numbers");

    // matches.csv: ISO 8601 beside each epoch column, the same instant; names in the package.
    let (header, rows) = &files["matches.csv"];
    assert_eq!(rows.len(), 4);
    for epoch in ["created_at", "ended_at"] {
        assert_eq!(col(header, &format!("{epoch}_iso")), col(header, epoch) + 1, "{epoch}_iso is beside {epoch}");
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    for row in rows {
        for epoch in ["created_at", "ended_at"] {
            let ms: i64 = row[col(header, epoch)].parse().unwrap_or_else(|_| panic!("{epoch} is set: {row:?}"));
            assert!((now - 600_000..=now).contains(&ms), "{epoch} {ms} is a recent instant");
            assert_eq!(parse_iso(&row[col(header, &format!("{epoch}_iso"))]), ms, "{epoch}_iso agrees: {row:?}");
        }
    }
    let scenario = parley::core::scenario::load_file(&crate::common::repo().join("scenarios/campsite.toml")).unwrap();
    let names_text: String =
        scenario.issues.iter().map(|i| format!("{}: {}", i.name, i.options[0])).collect::<Vec<_>>().join("; ");
    assert_eq!(
        names_text,
        "Food packs: North 0 · South 3; Water jugs: North 0 · South 3; Firewood bundles: North 0 · South 3"
    );
    let by_id = |id: &str| rows.iter().find(|r| r[col(header, "match_id")] == id).unwrap();
    assert_eq!(by_id(&m1)[col(header, "outcome")], "deal");
    assert_eq!(by_id(&m1)[col(header, "package")], names_text);
    assert_eq!(by_id(&m3)[col(header, "outcome_reason")], "ended_by_facilitator");
    // The abandon reason is a sentence that starts with the removed player's (formula) name.
    assert_eq!(by_id(&m4)[col(header, "outcome")], "abandoned");
    let reason = &by_id(&m4)[col(header, "outcome_reason")];
    assert!(reason.starts_with(&format!("'{}", stored[&ids[gone]])), "{reason:?}");

    // The transcript's offer reads the same; its `package` stays ids to option indexes.
    let (status, tr) = server.get(&path(&format!("matches/{m1}/transcript"))).await;
    assert_eq!(status, 200, "{tr}");
    let offer = tr["items"].as_array().unwrap().iter().find(|i| i["kind"] == "offer").unwrap().clone();
    assert_eq!(offer["text"], names_text);
    assert_eq!(offer["package"], deal);
}
