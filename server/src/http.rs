//! HTTP: the WebSocket endpoint, health check, session API and the static browser client.

use crate::protocol::MAX_FRAME_BYTES;
use crate::runtime::app::{App, CreateError};
use crate::runtime::connection::serve_socket;
use crate::runtime::session::SessionSettings;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tower_http::services::{ServeDir, ServeFile};

/// Frames over this size are refused by the WebSocket layer itself (the connection closes
/// with 1009); frames between [`MAX_FRAME_BYTES`] and this get a `frame_too_large` error.
pub const WS_HARD_LIMIT: usize = 4 * MAX_FRAME_BYTES;

/// Builds the router.
pub fn router(app: Arc<App>, static_dir: PathBuf) -> Router {
    let facilitate = ServeFile::new(static_dir.join("facilitate.html"));
    Router::new()
        .route("/ws", get(ws))
        .route("/healthz", get(healthz))
        .route("/api/scenarios", get(scenarios))
        .route("/api/sessions", post(create_session))
        .route("/api/sessions/{code}", get(session_info))
        .route_service("/facilitate", facilitate)
        .fallback_service(ServeDir::new(static_dir))
        .with_state(app)
}

/// A JSON error answer with a stable code.
pub fn api_error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({"code": code, "message": message}))).into_response()
}

async fn ws(State(app): State<Arc<App>>, up: WebSocketUpgrade) -> Response {
    up.max_message_size(WS_HARD_LIMIT)
        .max_frame_size(WS_HARD_LIMIT)
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_write_buffer_size(256 * 1024)
        .on_upgrade(move |socket| serve_socket(app, socket))
}

async fn healthz(State(app): State<Arc<App>>) -> Json<Value> {
    Json(json!({
        "status": "ok",
        "sessions": app.sessions.len(),
        "matches": app.matches.len(),
        "connections": app.connections.load(Ordering::Relaxed),
    }))
}

async fn scenarios(State(app): State<Arc<App>>) -> Json<Value> {
    Json(Value::Array(
        app.scenarios
            .values()
            .map(|s| {
                json!({
                    "id": s.id, "title": s.title, "summary": s.summary,
                    "roles": s.roles.iter().map(|r| json!({"id": r.id, "name": r.name})).collect::<Vec<_>>(),
                    "issues": s.issues.len(), "phases": s.phases,
                })
            })
            .collect(),
    ))
}

async fn create_session(State(app): State<Arc<App>>, headers: HeaderMap, body: String) -> Response {
    if let Some(key) = &app.admin_key {
        if headers.get("x-admin-key").and_then(|v| v.to_str().ok()) != Some(key.as_str()) {
            return api_error(
                StatusCode::UNAUTHORIZED,
                "admin_key_required",
                "this server needs its admin key (x-admin-key header) to create sessions",
            );
        }
    }
    let settings: SessionSettings = match serde_json::from_str(&body) {
        Ok(s) => s,
        Err(e) => return api_error(StatusCode::BAD_REQUEST, "bad_request", &format!("bad session settings: {e}")),
    };
    match app.create_session(settings).await {
        Ok(s) => (
            StatusCode::CREATED,
            Json(json!({
                "code": s.code,
                "facilitator_token": s.facilitator_token,
                "join_url": format!("/?code={}", s.code),
                "console_url": format!("/facilitate?code={}#token={}", s.code, s.facilitator_token),
            })),
        )
            .into_response(),
        Err(CreateError::UnknownScenario(id)) => {
            api_error(StatusCode::BAD_REQUEST, "unknown_scenario", &format!("there is no scenario {id:?}"))
        }
        Err(CreateError::Bad(m)) => api_error(StatusCode::BAD_REQUEST, "bad_request", &m),
        Err(e @ CreateError::Store(_)) => api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", &e.to_string()),
    }
}

async fn session_info(State(app): State<Arc<App>>, Path(code): Path<String>) -> Response {
    let Some(s) = app.sessions.get(&code.to_ascii_uppercase()).map(|s| s.clone()) else {
        return api_error(StatusCode::NOT_FOUND, "unknown_session", &format!("no session has the join code {code:?}"));
    };
    let scenario = s
        .settings
        .scenario
        .as_ref()
        .and_then(|id| app.scenarios.get(id))
        .map(|sc| json!({"id": sc.id, "title": sc.title, "summary": sc.summary}));
    let players = app.players_by_id.iter().filter(|p| p.session == s.code).count();
    Json(json!({"code": s.code, "kind": s.kind, "title": s.settings.title, "scenario": scenario, "players": players}))
        .into_response()
}
