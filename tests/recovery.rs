//! Durability: a real server process killed with SIGKILL mid-match and restarted on the same
//! database continues every match where it was, with the same deadlines.

use crate::common::{Client, Server};
use parley::core::game::Phase;
use parley::wire::{ChatLineView, ServerMsg};
use serde_json::{json, Value};

/// Ana and Ben joined in a campsite session of `server` with these phase lengths (in seconds):
/// the join code, Ana's client and token, Ben's client and token.
async fn ana_and_ben(server: &Server, durations: Value) -> (String, Client, String, Client, String) {
    let code = server.session("campsite", durations, json!({})).await;
    let mut a = server.client().await;
    let ta = a.join(&code, "Ana").await["token"].as_str().unwrap().to_string();
    let mut b = server.client().await;
    let tb = b.join(&code, "Ben").await["token"].as_str().unwrap().to_string();
    (code, a, ta, b, tb)
}

/// A player back with their token (after a restart): their new client and the chat history it
/// is sent first.
async fn back_with_history(server: &Server, token: &str) -> (Client, Vec<ChatLineView>) {
    let mut c = Client::connect(&server.ws_url()).await;
    c.send(json!({"type": "hello", "version": 1, "token": token})).await;
    let lines = c
        .until_msg("chat_history", |m| match m {
            ServerMsg::ChatHistory { lines } => Some(lines),
            _ => None,
        })
        .await;
    (c, lines)
}

#[tokio::test]
async fn matches_survive_kill_9_and_continue() {
    let mut server = Server::start_process_with(&[]);
    let (code, mut a, ta, mut b, tb) =
        ana_and_ben(&server, json!({"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 600})).await;
    let st = a.until_state_in(Phase::Bargaining).await;
    let deadline = st.deadline.unwrap();
    a.send(json!({"type": "chat", "text": "Water is what we need most."})).await;
    b.until_type("chat").await;
    a.send(json!({"type": "offer", "package": {"food": 1, "water": 3, "firewood": 0}})).await;
    // The offer is broadcast only after it is stored.
    let st = b.until_state_where("offer", |st| st.offers.len() == 1).await;
    let offer_id = st.offers[0].id;

    server.kill9_and_restart();

    let (status, h) = server.get("/healthz").await;
    assert_eq!(status, 200);
    assert!(h["matches"].as_u64().unwrap() >= 1);
    let mut a = Client::connect(&server.ws_url()).await;
    a.send(json!({"type": "hello", "version": 1, "token": ta})).await;
    let st = a.until_state().await;
    assert_eq!(st.phase, Phase::Bargaining);
    assert_eq!(st.deadline, Some(deadline), "deadline recomputed from stored timestamps");
    let package: Vec<(&str, usize)> = st.offers[0].package.iter().map(|(k, &v)| (k.as_str(), v)).collect();
    assert_eq!(package, [("firewood", 0), ("food", 1), ("water", 3)]);
    let lines = a
        .until_msg("chat_history", |m| match m {
            ServerMsg::ChatHistory { lines } => Some(lines),
            _ => None,
        })
        .await;
    assert!(lines.iter().any(|l| l.text == "Water is what we need most."));
    let mut b = Client::connect(&server.ws_url()).await;
    b.send(json!({"type": "hello", "version": 1, "token": tb})).await;
    b.until_state().await;
    b.send(json!({"type": "accept", "offer_id": offer_id})).await;
    let st = a.until_state_in(Phase::Survey).await;
    assert!(st.outcome.unwrap().is_deal());
    // The session is still there and still takes players.
    let (status, info) = server.get(&format!("/api/sessions/{code}")).await;
    assert_eq!((status, info["players"].as_u64()), (200, Some(2)));
}

#[tokio::test]
async fn with_fsync_too_a_killed_server_loses_nothing() {
    let mut server = crate::common::Server::start_process_with(&["--fsync"]);
    let (_, mut a, ta, mut b, _) =
        ana_and_ben(&server, json!({"prep": 600, "small_talk": 600, "bargaining": 600, "survey": 600})).await;
    a.until_phase("prep").await;
    // Chat opens with small talk (preparation is for reading).
    a.send(json!({"type": "ready"})).await;
    b.send(json!({"type": "ready"})).await;
    a.until_phase("small_talk").await;
    a.send(json!({"type": "chat", "text": "Synced to disk?"})).await;
    b.until("the chat", |v| v["type"] == "chat" && v["text"] == "Synced to disk?").await;
    server.kill9_and_restart();
    let (_, lines) = back_with_history(&server, &ta).await;
    assert!(lines.iter().any(|l| l.text == "Synced to disk?"));
}

#[tokio::test]
async fn every_chat_line_anyone_read_survives_kill_9_and_no_frame_overtakes_a_line() {
    // Frames are written straight to the socket by whoever sends them (see outbox.rs): a line
    // and an offer sent right behind it still arrive in that order, and whatever line a player
    // has read is in the log after the process is killed.
    let mut server = Server::start_process_with(&[]);
    let (_, mut a, ta, mut b, _) =
        ana_and_ben(&server, json!({"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 600})).await;
    a.until_state_in(Phase::Bargaining).await;
    b.until_state_in(Phase::Bargaining).await;
    a.send(json!({"type": "chat", "text": "Before the offer."})).await;
    a.send(json!({"type": "offer", "package": {"food": 1, "water": 3, "firewood": 0}})).await;
    b.until_state_where("offer", |st| st.offers.len() == 1).await;
    let chat_before_offer = b
        .frames()
        .take_while(|v| v["type"] != "state" || v["offers"].as_array().is_none_or(|o| o.is_empty()))
        .any(|v| v["type"] == "chat" && v["text"] == "Before the offer.");
    assert!(chat_before_offer, "the line reached Ben before the offer it came with: {}", b.transcript());

    // A burst of lines (the chat budget's burst is 5), and the server killed the moment Ben has
    // read the last one.
    for i in 0..4 {
        a.send(json!({"type": "chat", "text": format!("Line {i}.")})).await;
    }
    b.until("the last line", |v| v["type"] == "chat" && v["text"] == "Line 3.").await;
    server.kill9_and_restart();

    let read: Vec<String> =
        b.frames().filter(|v| v["type"] == "chat").filter_map(|v| v["text"].as_str().map(str::to_string)).collect();
    assert_eq!(read.len(), 5, "{read:?}");
    let (_, lines) = back_with_history(&server, &ta).await;
    let stored: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    for line in &read {
        assert!(stored.contains(&line.as_str()), "{line:?} was read but not stored: {stored:?}");
    }
}

/// A client message id applied before a SIGKILL is still known after the restart (stored with
/// its events, as on PostgreSQL): the resend of a line whose ack was lost is answered, not
/// applied twice, and a new id is still applied.
#[tokio::test]
async fn client_message_ids_survive_kill_9() {
    let mut server = Server::start_process_with(&[]);
    let (_, mut a, ta, _b, _) =
        ana_and_ben(&server, json!({"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 600})).await;
    a.until_state_in(Phase::Bargaining).await;
    a.send(json!({"type": "chat", "text": "Said once before the crash.", "cid": 41})).await;
    a.until("its ack", |v| v["type"] == "ack" && v["cid"] == 41).await;

    server.kill9_and_restart();

    let mut a = Client::connect(&server.ws_url()).await;
    a.send(json!({"type": "hello", "version": 1, "token": ta})).await;
    a.until_state().await;
    // The browser resends what it has no ack for, with the same id: answered, not applied again.
    a.send(json!({"type": "chat", "text": "Said once before the crash.", "cid": 41})).await;
    a.until("the resend's ack", |v| v["type"] == "ack" && v["cid"] == 41).await;
    a.send(json!({"type": "chat", "text": "A new line after the crash.", "cid": 42})).await;
    a.until("the new line", |v| v["type"] == "chat" && v["text"] == "A new line after the crash.").await;
    let next = a.next().await.expect("a frame after the line");
    assert_eq!((&next["type"], &next["cid"]), (&json!("ack"), &json!(42)), "the line's ack follows it at once: {next}");
    let resent = a.frames().filter(|v| v["type"] == "chat" && v["text"] == "Said once before the crash.").count();
    assert_eq!(resent, 0, "the resend was broadcast as a new line");
    // Read back from the store by a fresh connection: the line is there once.
    let (_, lines) = back_with_history(&server, &ta).await;
    let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts.iter().filter(|t| **t == "Said once before the crash.").count(), 1, "{texts:?}");
    assert_eq!(texts.iter().filter(|t| **t == "A new line after the crash.").count(), 1, "{texts:?}");
}
