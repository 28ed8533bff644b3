//! The facilitator's side of a workshop over HTTP, as the console drives it: create a session,
//! send a control, read the monitor, and join a player by name.

use super::{Client, Server};
use serde_json::Value;

/// A workshop session as its facilitator holds it.
pub struct Session {
    pub code: String,
    /// The facilitator's token, which every console call needs.
    pub token: String,
}

/// Creates a session from the console's form (`body`); asserts it was created.
pub async fn create(server: &Server, body: Value) -> Session {
    let (status, v) = server.post("/api/sessions", body, &[]).await;
    assert_eq!(status, 201, "{v}");
    Session { code: v["code"].as_str().unwrap().into(), token: v["facilitator_token"].as_str().unwrap().into() }
}

/// Sends a facilitator control; returns its status and answer (for controls that must be refused).
pub async fn try_control(server: &Server, s: &Session, body: Value) -> (u16, Value) {
    server.post(&format!("/api/sessions/{}/control", s.code), body, &[("x-facilitator-token", &s.token)]).await
}

/// Sends a facilitator control that must succeed; returns its answer.
pub async fn control(server: &Server, s: &Session, body: Value) -> Value {
    let (status, v) = try_control(server, s, body).await;
    assert_eq!(status, 200, "{v}");
    v
}

/// The console's monitor of the session, once.
pub async fn monitor(server: &Server, s: &Session) -> Value {
    let (status, v) = server.get(&format!("/api/sessions/{}/monitor?token={}", s.code, s.token)).await;
    assert_eq!(status, 200, "{v}");
    v
}

/// A player joined by name: their connection, player id and token.
pub async fn join(server: &Server, code: &str, name: &str) -> (Client, String, String) {
    let mut c = server.client().await;
    let j = c.join(code, name).await;
    (c, j["player_id"].as_str().unwrap().into(), j["token"].as_str().unwrap().into())
}
