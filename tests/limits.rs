//! What an abuser can make the server do (issue #10), measured on loopback against the real
//! server: silent sockets, connection caps per address and in all, clients that never read,
//! limits kept with the player and the address rather than the connection, bounded work, and
//! clean refusals.

use crate::common::console::{create, Session};
use crate::common::{slow, Client, Server};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

fn fast() -> Value {
    json!({"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 600})
}

/// Reads from a raw socket until the server closes it; how long that took.
async fn until_closed(mut s: TcpStream, limit: Duration) -> Option<Duration> {
    let t0 = Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(limit.saturating_sub(t0.elapsed()), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(t0.elapsed()),
            Ok(Ok(_)) => continue,
            Err(_) => return None,
        }
    }
}

#[tokio::test]
async fn silent_connections_are_closed_and_health_checks_answer_when_the_server_is_full() {
    let server = Server::start_with(&["--header-timeout", "1", "--max-connections", "20"]);
    // 40 connections that never send a byte (slowloris): the first 20 fill the server.
    let mut silent = Vec::new();
    for _ in 0..40 {
        silent.push(TcpStream::connect(&server.addr).await.unwrap());
    }
    // While they are open, the server is full: health checks still answer, the rest is refused.
    let (status, h) = server.get("/healthz").await;
    assert_eq!(status, 200, "{h}");
    let (status, v) = server.get("/api/scenarios").await;
    assert_eq!((status, v["code"].as_str()), (503, Some("server_full")), "{v}");
    // Each silent connection is closed after the header timeout (1 s), not left open.
    let mut waits = Vec::new();
    for s in silent {
        waits.push(tokio::spawn(until_closed(s, Duration::from_secs(10))));
    }
    for w in waits {
        let took = w.await.unwrap().expect("the server closed the silent connection");
        assert!(took < Duration::from_secs(5), "closed after {took:?}");
    }
    // And the server serves again.
    let (status, _) = server.get("/api/scenarios").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn one_address_cannot_hold_more_than_its_share_of_connections() {
    let server = Server::start_with(&["--max-connections-per-ip", "5"]);
    let mut held = Vec::new();
    for _ in 0..5 {
        held.push(server.client().await);
    }
    let (status, v) = server.get("/api/scenarios").await;
    assert_eq!((status, v["code"].as_str()), (429, Some("too_many_connections")), "{v}");
    let (status, _) = server.get("/healthz").await;
    assert_eq!(status, 200, "health checks answer even then");
    held.pop().unwrap().close().await;
    // The slot comes back once the server has seen the close.
    let t0 = Instant::now();
    loop {
        let (status, _) = server.get("/api/scenarios").await;
        if status == 200 {
            break;
        }
        assert!(t0.elapsed() < Duration::from_secs(5), "the closed connection's slot was never released");
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn the_chat_limit_stays_with_the_player_across_reconnects() {
    let server = Server::start();
    let code = server.session("campsite", fast(), json!({})).await;
    let mut a = server.client().await;
    let token = a.join(&code, "Ana").await["token"].as_str().unwrap().to_string();
    let mut b = server.client().await;
    b.join(&code, "Ben").await;
    a.until_phase("bargaining").await;
    b.until_phase("bargaining").await;
    // The old trick: 5 messages, a new connection, 5 more, and so on.
    let t0 = Instant::now();
    let mut refused = 0;
    for round in 0..4 {
        for i in 0..5 {
            a.send(json!({"type": "chat", "text": format!("r{round} m{i}")})).await;
        }
        a.send(json!({"type": "ping"})).await;
        a.until_type("pong").await;
        refused += a.errors_with(&["rate_limited"]);
        a.close().await;
        a = Client::connect(&server.ws_url()).await;
        a.send(json!({"type": "hello", "version": 1, "token": token})).await;
        a.until_type("state").await;
    }
    let elapsed = t0.elapsed().as_secs_f64();
    b.send(json!({"type": "ping"})).await;
    b.until_type("pong").await;
    let delivered = b
        .raw
        .iter()
        .filter_map(|f| serde_json::from_str::<Value>(f).ok())
        .filter(|v| v["type"] == "chat" && v["text"].as_str().is_some_and(|t| t.starts_with('r')))
        .count();
    // A burst of 5 and one a second, whatever the connections.
    assert!(delivered as f64 <= 5.0 + elapsed.ceil() + 1.0, "{delivered} chats in {elapsed:.1} s");
    assert!(refused >= 10, "{refused} refused");
}

#[tokio::test]
async fn a_client_that_never_reads_is_disconnected_and_shown_offline() {
    let server = Server::start_with(&["--send-timeout", "2", "--max-offers-per-match", "100000"]);
    let code = server.session("job-offer", fast(), json!({})).await;
    // A client with a tiny receive buffer that reads its way into the match, then stops reading.
    let sock = tokio::net::TcpSocket::new_v4().unwrap();
    sock.set_recv_buffer_size(4096).unwrap();
    let tcp = sock.connect(server.addr.parse().unwrap()).await.unwrap();
    let (mut deaf, _) = tokio_tungstenite::client_async(server.ws_url(), tcp).await.unwrap();
    deaf.send(Message::text(json!({"type": "hello", "version": 1}).to_string())).await.unwrap();
    deaf.send(Message::text(json!({"type": "join", "code": code, "name": "Deaf"}).to_string())).await.unwrap();
    let mut talker = server.client().await;
    talker.join(&code, "Talker").await;
    let st = talker.until_phase("bargaining").await;
    let deaf_seat = 1 - st["you"]["seat"].as_u64().unwrap() as usize;
    loop {
        let m = deaf.next().await.unwrap().unwrap();
        if m.to_text().unwrap().contains("\"phase\":\"bargaining\"") {
            break;
        }
    }
    // From here the deaf client reads nothing. The talker makes offers (each one a state frame
    // for both seats) until the server gives up on the deaf one and shows it offline.
    let t0 = Instant::now();
    let mut k = 0usize;
    // Paced under the frame budget (20 a second).
    let mut pace = tokio::time::interval(Duration::from_millis(60));
    let offline = 'outer: loop {
        pace.tick().await;
        let pkg: serde_json::Map<String, Value> = st["scenario"]["issues"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, issue)| (issue["id"].as_str().unwrap().to_string(), json!((k >> i) & 1)))
            .collect();
        k += 1;
        talker.send(json!({"type": "offer", "package": pkg})).await;
        while let Ok(Some(v)) = tokio::time::timeout(Duration::from_millis(5), talker.next()).await {
            if v["type"] == "state" && v["players"][deaf_seat]["online"] == false {
                break 'outer v;
            }
        }
        assert!(t0.elapsed() < Duration::from_secs(60), "the deaf client was never disconnected ({k} offers)");
    };
    assert!(offline["players"][deaf_seat]["gone_since"].is_i64());
    drop(deaf);
}

#[tokio::test]
async fn session_creation_and_join_code_lookups_are_budgeted_per_address() {
    let server = Server::start_with(&["--sessions-per-hour", "3", "--code-lookups-per-minute", "4"]);
    for _ in 0..3 {
        create(&server, json!({"scenario": "campsite"})).await;
    }
    let (status, v) = server.post("/api/sessions", json!({"scenario": "campsite"}), &[]).await;
    assert_eq!((status, v["code"].as_str()), (429, Some("rate_limited")), "{v}");
    // Lookups: GET /api/sessions/CODE and joins by code share one budget.
    let mut answers = Vec::new();
    for _ in 0..3 {
        answers.push(server.get("/api/sessions/ZZZZZ9").await.0);
    }
    assert_eq!(answers, vec![404, 404, 404]);
    let mut c = server.client().await;
    c.send(json!({"type": "join", "code": "ZZZZZ8", "name": "X"})).await;
    assert_eq!(c.until_type("error").await["code"], "unknown_session");
    c.send(json!({"type": "join", "code": "ZZZZZ7", "name": "X"})).await;
    assert_eq!(c.until_type("error").await["code"], "rate_limited");
    assert_eq!(server.get("/api/sessions/ZZZZZ9").await.0, 429);

    // With an admin key, creating sessions is the admin's business: no budget.
    let admin = Server::start_with(&["--admin-key", "k3y", "--sessions-per-hour", "1"]);
    for _ in 0..3 {
        let (status, _) = admin.post("/api/sessions", json!({"scenario": "campsite"}), &[("x-admin-key", "k3y")]).await;
        assert_eq!(status, 201);
    }
}

#[tokio::test]
async fn a_public_address_needs_an_admin_key_or_open() {
    let bin = env!("CARGO_BIN_EXE_parley");
    let dir = std::env::temp_dir().join(format!("parley-open-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = std::process::Command::new(bin)
        .args(["serve", "--addr", "0.0.0.0:0", "--db"])
        .arg(dir.join("a.db"))
        .arg("--scenarios")
        .arg(crate::common::repo().join("scenarios"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--admin-key") && err.contains("--open"), "{err}");
    // With --open it starts (and prints where it listens).
    let mut child = std::process::Command::new(bin)
        .args(["serve", "--open", "--addr", "0.0.0.0:0", "--db"])
        .arg(dir.join("b.db"))
        .arg("--scenarios")
        .arg(crate::common::repo().join("scenarios"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    use std::io::BufRead;
    let line = std::io::BufReader::new(child.stdout.take().unwrap()).lines().next().unwrap().unwrap();
    assert!(line.starts_with("listening on http://0.0.0.0:"), "{line}");
    child.kill().unwrap();
    child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn watching_again_replaces_the_monitor_instead_of_adding_one() {
    let server = Server::start();
    let Session { code, token } = create(&server, json!({"scenario": "campsite"})).await;
    let mut w = server.client().await;
    for _ in 0..8 {
        w.send(json!({"type": "watch", "code": code, "token": token})).await;
    }
    // Each watch answers at once; wait until the line is quiet.
    let quiet = Duration::from_millis(1500);
    while let Ok(Some(_)) = tokio::time::timeout(quiet, w.next()).await {}
    // One change (a player joins) reaches the console once or twice (frames are a second apart,
    // and a join is several changes), not once per watch sent: eight loops would send eight.
    let mut ana = server.client().await;
    ana.join(&code, "Ana").await;
    let mut n = 0;
    let t0 = Instant::now();
    while let Ok(Some(v)) = tokio::time::timeout(Duration::from_millis(2500), w.next()).await {
        if v["type"] == "monitor" {
            n += 1;
        }
    }
    assert!((1..=2).contains(&n), "{n} monitor frames for one join in {:?}", t0.elapsed());
}

#[tokio::test]
async fn offers_are_capped_per_match_and_state_frames_carry_a_window() {
    let server = Server::start_with(&["--max-offers-per-match", "30"]);
    let code = server.session("job-offer", fast(), json!({})).await;
    let mut a = server.client().await;
    a.join(&code, "Ana").await;
    let mut b = server.client().await;
    let b_token = b.join(&code, "Ben").await["token"].as_str().unwrap().to_string();
    let st = a.until_phase("bargaining").await;
    b.until_phase("bargaining").await;
    let issues: Vec<String> =
        st["scenario"]["issues"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()).collect();
    let pkg = |k: usize| -> Value {
        issues
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), json!((k >> i) & 1)))
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    for k in 0..30 {
        a.send(json!({"type": "offer", "package": pkg(k)})).await;
        a.until("offer stored", |v| v["type"] == "state" && v["offers_total"] == k + 1).await;
    }
    a.send(json!({"type": "offer", "package": pkg(31)})).await;
    assert_eq!(a.until_type("error").await["code"], "offer_limit");
    // B's last state frame carries a window, not the whole history.
    let last = b.until("30 offers", |v| v["type"] == "state" && v["offers_total"] == 30).await;
    let n = last["offers"].as_array().unwrap().len();
    assert!(n <= 21, "a state frame with {n} offers");
    assert_eq!(last["offers_complete"], false);
    // A connection taking the seat gets every offer once.
    let mut b2 = Client::connect(&server.ws_url()).await;
    b2.send(json!({"type": "hello", "version": 1, "token": b_token})).await;
    let full = b2.until("the whole history", |v| v["type"] == "state" && v["offers_complete"] == true).await;
    assert_eq!(full["offers"].as_array().unwrap().len(), 30);
}

#[tokio::test]
async fn a_session_takes_a_bounded_number_of_players() {
    let server = Server::start_with(&["--max-players-per-session", "2"]);
    let code = server.session("campsite", fast(), json!({})).await;
    for name in ["A", "B"] {
        server.client().await.join(&code, name).await;
    }
    let mut c = server.client().await;
    c.send(json!({"type": "join", "code": code, "name": "C"})).await;
    assert_eq!(c.until_type("error").await["code"], "session_full");
}

/// Joins racing for the last places: a place is reserved before the player is stored, so
/// exactly the cap get in however the joins interleave (a count read before the store write and
/// bumped after it let a burst of joins past the cap).
#[tokio::test]
async fn joins_racing_for_the_last_places_never_pass_the_cap() {
    let server = Server::start_with(&["--max-players-per-session", "5"]);
    let code = server.session("campsite", slow(), json!({})).await;
    let mut clients = Vec::new();
    for _ in 0..60 {
        clients.push(server.client().await);
    }
    // Every join is on the wire before any answer is read.
    for (i, c) in clients.iter_mut().enumerate() {
        c.send(json!({"type": "join", "code": code, "name": format!("Racer {i}")})).await;
    }
    let mut joined = 0;
    let mut full = 0;
    for c in &mut clients {
        let v = c.until("joined or refused", |v| v["type"] == "joined" || v["type"] == "error").await;
        match v["type"].as_str() {
            Some("joined") => joined += 1,
            _ => {
                assert_eq!(v["code"], "session_full", "{v}");
                full += 1;
            }
        }
    }
    assert_eq!((joined, full), (5, 55));
    let (_, info) = server.get(&format!("/api/sessions/{code}")).await;
    assert_eq!(info["players"], 5);
}

#[tokio::test]
async fn oversized_frames_close_with_1009_and_error_floods_are_coalesced() {
    let server = Server::start();
    let mut big = server.client().await;
    big.send_raw(&"x".repeat(70 * 1024)).await;
    assert_eq!(big.next_close().await, Some(1009), "frames over 64 KiB close with 1009 (message too big)");

    // 300 bad frames without reading: the replies are coalesced, the connection survives.
    let mut flood = server.client().await;
    for _ in 0..300 {
        flood.send_raw("{nope").await;
    }
    // The ping may itself be over the frame budget; one sent after the refill is answered.
    let mut errors = 0;
    let mut pings = tokio::time::interval(Duration::from_millis(500));
    'read: loop {
        pings.tick().await;
        flood.send(json!({"type": "ping"})).await;
        while let Ok(v) = tokio::time::timeout(Duration::from_millis(400), flood.next()).await {
            let v = v.expect("the flooding connection stays open");
            match v["type"].as_str() {
                Some("pong") => break 'read,
                Some("error") => errors += 1,
                _ => {}
            }
        }
    }
    assert!(errors <= 40, "{errors} error frames for 300 bad frames");
    assert!(!flood.transcript().contains("too_slow"));
    // The next error after the flood says how many were held back.
    flood.send_raw("{nope").await;
    let e = flood.until_type("error").await;
    assert!(e["message"].as_str().unwrap().contains("were not sent"), "{e}");
}

#[tokio::test]
async fn chat_and_names_are_text_without_controls() {
    let server = Server::start();
    let code = server.session("campsite", fast(), json!({})).await;
    for bad in ["\u{200B}\u{200B}", "Ann\u{202E}nimda", "\u{3164}", "a\u{0007}b"] {
        let mut c = server.client().await;
        c.send(json!({"type": "join", "code": code, "name": bad})).await;
        assert_eq!(c.until_type("error").await["code"], "bad_name", "{bad:?}");
    }
    let mut a = server.client().await;
    a.join(&code, "Ana").await;
    let mut b = server.client().await;
    b.join(&code, "Ben").await;
    a.until_phase("bargaining").await;
    a.send(json!({"type": "chat", "text": "hi\u{0007}\u{202E} there\r\nsecond line\u{001B}[2J"})).await;
    let line = b.until("the chat", |v| v["type"] == "chat" && v["seat"].is_u64()).await;
    assert_eq!(line["text"], "hi there\nsecond line[2J");
}

#[tokio::test]
async fn two_frames_in_a_row_are_not_held_back_by_nagle() {
    // With Nagle's algorithm on, the second of two frames written back to back waited for the
    // client's delayed ACK (about 40 ms on Linux). Joining sends `joined` then `waiting`.
    let server = Server::start();
    let code = server.session("campsite", fast(), json!({})).await;
    let mut gaps = Vec::new();
    for i in 0..12 {
        let mut c = server.client().await;
        c.send(json!({"type": "join", "code": code, "name": format!("N{i}")})).await;
        c.until_type("joined").await;
        let t = Instant::now();
        c.until("waiting or state", |v| v["type"] == "waiting" || v["type"] == "state").await;
        gaps.push(t.elapsed());
    }
    gaps.sort();
    let median = gaps[gaps.len() / 2];
    assert!(median < Duration::from_millis(20), "median gap between two frames {median:?} (gaps {gaps:?})");
}
