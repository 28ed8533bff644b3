//! HTTP: the WebSocket endpoint, health check, session API and the static browser client.

use crate::error::{ApiError, ErrorCode};
use crate::limits::{client_ip, Budget};
use crate::net::{ConnSlot, Overflow};
use crate::protocol::{INTERNAL_MESSAGE, MAX_FRAME_BYTES};
use crate::report::{match_reports, MatchReport};
use crate::runtime::app::{App, CreateError};
use crate::runtime::connection::serve_socket;
use crate::runtime::facilitator::{AuthError, SessionControl};
use crate::runtime::residency::{LookupError, Resident};
use crate::runtime::session::Session;
use crate::runtime::session::SessionSettings;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::timeout::TimeoutLayer;

/// Frames over this size are refused by the WebSocket layer itself (the connection closes
/// with 1009); frames between [`MAX_FRAME_BYTES`] and this get a `frame_too_large` error.
pub const WS_HARD_LIMIT: usize = 4 * MAX_FRAME_BYTES;

/// Builds the router.
pub fn router(app: Arc<App>, static_dir: PathBuf) -> Router {
    routers(app, static_dir).0
}

/// The full router, and the one for connections over a cap (only `/healthz` answers there).
pub fn routers(app: Arc<App>, static_dir: PathBuf) -> (Router, Router) {
    let facilitate = ServeFile::new(static_dir.join("facilitate.html"));
    let author = ServeFile::new(static_dir.join("author.html"));
    let progress = ServeFile::new(static_dir.join("progress.html"));
    let timeout = Duration::from_secs(app.limits.request_timeout.max(1));
    let full = Router::new()
        .route("/ws", get(ws))
        .route("/healthz", get(healthz))
        .route("/api/scenarios", get(scenarios))
        .route("/api/survey-bank", get(survey_bank))
        .route("/api/sessions", post(create_session))
        .route("/api/sessions/{code}", get(session_info))
        .route("/api/sessions/{code}/monitor", get(monitor))
        .route("/api/sessions/{code}/control", post(control))
        .route("/api/sessions/{code}/debrief", get(debrief))
        .route("/api/sessions/{code}/teaching", get(teaching))
        .route("/api/sessions/{code}/matches/{match_id}/transcript", get(transcript))
        .route("/api/sessions/{code}/players/{player_id}/rejoin", get(rejoin_link))
        .route("/api/sessions/{code}/export/{file}", get(export))
        .route("/api/sessions/{code}/tournament", get(tournament))
        .merge(crate::author::routes())
        .merge(crate::practice::routes())
        .route_service("/facilitate", facilitate)
        .route_service("/author", author)
        .route_service("/progress", progress)
        .fallback_service(ServeDir::new(static_dir))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(axum::middleware::from_fn_with_state(app.clone(), crate::peer_origins::allow_peer_origins))
        .with_state(app.clone());
    let overflow = Router::new().route("/healthz", get(healthz)).fallback(over_capacity).with_state(app);
    (full, overflow)
}

/// A JSON error answer with a stable code.
pub fn api_error(status: StatusCode, code: ErrorCode, message: &str) -> Response {
    ApiError::new(status, code, message).into_response()
}

/// The client's address: the TCP peer, or behind a trusted proxy its `X-Forwarded-For`
/// (see [`crate::limits::client_ip`]).
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<Arc<App>> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0)
            .unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0)));
        let forwarded = parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
        Ok(ClientIp(client_ip(peer, forwarded, app.limits.trust_forwarded_for)))
    }
}

/// The answer when looking a session up failed.
fn lookup_failed(e: &LookupError) -> Response {
    match e {
        LookupError::RateLimited => rate_limited("join codes tried"),
        LookupError::Store(e) if e.is_unavailable() => {
            tracing::error!(error = %e, "could not read a session from the store");
            api_error(StatusCode::SERVICE_UNAVAILABLE, ErrorCode::StoreUnavailable, crate::protocol::UNAVAILABLE_MESSAGE)
        }
        LookupError::Store(e) => {
            tracing::error!(error = %e, "could not read a session from the store");
            api_error(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal, INTERNAL_MESSAGE)
        }
        // 421 Misdirected Request: another node of the cluster answers for this session.
        LookupError::Moved { address } => (
            StatusCode::MISDIRECTED_REQUEST,
            Json(json!({"code": ErrorCode::Moved.as_str(), "message": "this session lives on another server", "address": address})),
        )
            .into_response(),
    }
}

fn unknown_session(code: &str) -> Response {
    api_error(StatusCode::NOT_FOUND, ErrorCode::UnknownSession, &format!("no session has the join code {code:?}"))
}

fn rate_limited(what: &str) -> Response {
    api_error(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::RateLimited,
        &format!("too many {what} from your network; wait a minute"),
    )
}

async fn ws(
    State(app): State<Arc<App>>,
    ClientIp(ip): ClientIp,
    tcp: Option<Extension<Arc<ConnSlot>>>,
    up: WebSocketUpgrade,
) -> Response {
    if !app.address_limits.allow(Budget::Connect, ip) {
        return rate_limited("new connections");
    }
    let Some(socket_slot) = app.address_limits.open_socket(ip) else {
        return api_error(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::TooManyConnections,
            "too many connections are open from your network",
        );
    };
    up.max_message_size(WS_HARD_LIMIT)
        .max_frame_size(WS_HARD_LIMIT)
        .read_buffer_size(4 * 1024)
        // Frames wait in the socket's buffer only until the flush every write ends with, so
        // frames sent together (a chat line and its `ack`) leave in one system call.
        .write_buffer_size(16 * 1024)
        .max_write_buffer_size(256 * 1024)
        .on_upgrade(move |socket| async move {
            // Both slots count this connection until the WebSocket closes.
            let _held = (tcp, socket_slot);
            serve_socket(app, socket, ip).await
        })
}

async fn healthz(State(app): State<Arc<App>>) -> Json<Value> {
    Json(json!({
        "status": "ok",
        "sessions": app.sessions.len(),
        "players": app.players.len(),
        "matches": app.matches.len(),
        "matches_in_memory": app.live_matches.load(Ordering::Relaxed),
        "heap_in_use": crate::memory::heap_in_use(),
        "connections": app.connections.load(Ordering::Relaxed),
        "open_connections": app.conn_counter.open(),
        "max_connections": app.limits.max_connections,
    }))
}

/// Every request but `/healthz` on a connection over a cap.
async fn over_capacity(why: Option<Extension<Overflow>>) -> Response {
    let mut r = match why.map(|e| e.0) {
        Some(Overflow::TooManyFromPeer) => api_error(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::TooManyConnections,
            "too many connections are open from your network",
        ),
        _ => api_error(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::ServerFull,
            "the server is full; try again in a minute",
        ),
    };
    r.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from_static("30"));
    r
}

/// The survey items a facilitator picks from, and the limits on their own items (public: the
/// wording is no secret, and the set-up form needs it before a session exists).
async fn survey_bank() -> Json<Value> {
    use crate::core::survey::{
        BANK, BANK_TOPICS, MAX_CUSTOM_ITEMS, MAX_LABEL_CHARS, MAX_QUESTION_CHARS, MAX_TEXT_ANSWER_CHARS, QUESTIONS,
    };
    let items: Vec<Value> = BANK
        .iter()
        .zip(BANK_TOPICS)
        .map(|(q, topic)| {
            json!({
                "id": q.id, "text": q.text, "low": q.low, "high": q.high, "topic": topic,
                "default": QUESTIONS.iter().any(|d| d.id == q.id),
                "trust_item": crate::core::trust::TRUST_ITEMS.contains(&q.id.as_ref()),
            })
        })
        .collect();
    Json(json!({
        "items": items,
        "max_custom_items": MAX_CUSTOM_ITEMS, "max_question_chars": MAX_QUESTION_CHARS,
        "max_label_chars": MAX_LABEL_CHARS, "max_text_answer_chars": MAX_TEXT_ANSWER_CHARS,
    }))
}

/// `?lang=` of the scenario list and a session's public facts: the language of the scenario texts.
#[derive(serde::Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

impl LangQuery {
    /// The language asked for: `es` of `es-ES`.
    fn lang(&self) -> Option<String> {
        self.lang.as_deref().map(|l| l.split('-').next().unwrap_or_default().to_ascii_lowercase())
    }
}

/// The public list of scenarios; with `?lang=es` their texts in that language where they have
/// them (the practice form shows it), and every list says which languages a scenario has.
async fn scenarios(State(app): State<Arc<App>>, Query(q): Query<LangQuery>) -> Json<Value> {
    let lang = q.lang();
    Json(Value::Array(
        app.scenarios()
            .values()
            .map(|base| {
                let translated = lang.as_deref().and_then(|l| base.in_language(l));
                let s = translated.as_ref().unwrap_or(base);
                let languages: Vec<&str> = std::iter::once(base.language.as_str())
                    .chain(base.translations.keys().map(String::as_str))
                    .collect();
                json!({
                    "id": s.id, "title": s.title, "summary": s.summary,
                    "roles": s.roles.iter().map(|r| json!({"id": r.id, "name": r.name})).collect::<Vec<_>>(),
                    "issues": s.issues.len(), "phases": s.phases, "languages": languages,
                })
            })
            .collect(),
    ))
}

async fn create_session(
    State(app): State<Arc<App>>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(key) = &app.admin_key {
        let given = headers.get("x-admin-key").and_then(|v| v.to_str().ok()).unwrap_or("");
        if !crate::runtime::facilitator::constant_time_eq(given.as_bytes(), key.as_bytes()) {
            return api_error(
                StatusCode::UNAUTHORIZED,
                ErrorCode::AdminKeyRequired,
                "this server needs its admin key (x-admin-key header) to create sessions",
            );
        }
    } else if !app.address_limits.allow(Budget::CreateSession, ip) {
        // Without an admin key anyone may create sessions, so each address has a budget.
        return rate_limited("sessions created");
    }
    let settings: SessionSettings = match serde_json::from_str(&body) {
        Ok(s) => s,
        Err(e) => {
            return api_error(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, &format!("bad session settings: {e}"))
        }
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
            api_error(StatusCode::BAD_REQUEST, ErrorCode::UnknownScenario, &format!("there is no scenario {id:?}"))
        }
        Err(CreateError::Bad(m)) => api_error(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, &m),
        Err(CreateError::BadTreatment(m)) => api_error(StatusCode::BAD_REQUEST, ErrorCode::BadTreatment, &m),
        Err(CreateError::BadSurveyItems(m)) => api_error(StatusCode::BAD_REQUEST, ErrorCode::BadSurveyItems, &m),
        Err(CreateError::BadTeams(m)) => api_error(StatusCode::BAD_REQUEST, ErrorCode::BadTeams, &m),
        Err(e @ (CreateError::Store(_) | CreateError::Conflict)) => {
            tracing::error!(error = %e, "could not create a session");
            api_error(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal, INTERNAL_MESSAGE)
        }
    }
}

async fn session_info(
    State(app): State<Arc<App>>,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    if !app.address_limits.allow(Budget::CodeLookup, ip) {
        return rate_limited("join codes tried");
    }
    let s = match app.resident(&code.to_ascii_uppercase(), None).await {
        Ok(Some(s)) => s,
        Ok(None) => {
            return api_error(
                StatusCode::NOT_FOUND,
                ErrorCode::UnknownSession,
                &format!("no session has the join code {code:?}"),
            )
        }
        Err(e) => return lookup_failed(&e),
    };
    let scenario = s.settings.scenario.as_ref().and_then(|id| app.scenario(id)).map(|base| {
        let translated = q.lang().and_then(|l| base.in_language(&l));
        let sc = translated.as_ref().unwrap_or(&base);
        json!({"id": sc.id, "title": sc.title, "summary": sc.summary})
    });
    let players = s.player_ids.lock().expect("player ids").len();
    Json(json!({"code": s.code, "kind": s.kind, "title": s.settings.title, "scenario": scenario, "players": players}))
        .into_response()
}

/// The facilitator token of a request: `x-facilitator-token`, `Authorization: Bearer`, or `?token=`.
fn token_of(headers: &HeaderMap, query: &HashMap<String, String>) -> Option<String> {
    if let Some(t) = headers.get("x-facilitator-token").and_then(|v| v.to_str().ok()) {
        return Some(t.to_string());
    }
    if let Some(t) = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "))
    {
        return Some(t.to_string());
    }
    query.get("token").cloned()
}

/// A request carrying the facilitator token of the session named in its path (`{code}`).
/// Extracting it answers 404, 401 or 403 for an unknown session, no token or a wrong token (429
/// when the address asked for too many sessions that had to be read from the store). The session
/// stays in memory while the request is answered.
pub struct Facilitator(pub Resident);

impl FromRequestParts<Arc<App>> for Facilitator {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Response> {
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, app)
            .await
            .map_err(IntoResponse::into_response)?;
        let Query(query) = Query::<HashMap<String, String>>::from_request_parts(parts, app)
            .await
            .map_err(IntoResponse::into_response)?;
        let code = params.get("code").cloned().unwrap_or_default().to_ascii_uppercase();
        let ClientIp(ip) = ClientIp::from_request_parts(parts, app).await.unwrap_or_else(|e| match e {});
        let resident = match app.resident(&code, Some(ip)).await {
            Ok(r) => r,
            Err(e) => return Err(lookup_failed(&e)),
        };
        authorise(app, &code, &parts.headers, &query)?;
        resident.map(Facilitator).ok_or_else(|| unknown_session(&code))
    }
}

/// Checks the facilitator token; the error is the HTTP answer (404, 401 or 403).
#[allow(clippy::result_large_err)] // the error is the HTTP response itself, as in axum's own extractors
fn authorise(
    app: &App,
    code: &str,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
) -> Result<Arc<Session>, Response> {
    app.facilitator(code, token_of(headers, query).as_deref()).map_err(|e| match e {
        AuthError::UnknownSession => api_error(
            StatusCode::NOT_FOUND,
            ErrorCode::UnknownSession,
            &format!("no session has the join code {code:?}"),
        ),
        AuthError::MissingToken => api_error(
            StatusCode::UNAUTHORIZED,
            ErrorCode::FacilitatorTokenRequired,
            "this needs the session's facilitator token",
        ),
        AuthError::WrongToken => api_error(
            StatusCode::FORBIDDEN,
            ErrorCode::WrongFacilitatorToken,
            "that is not this session's facilitator token",
        ),
    })
}

async fn monitor(Facilitator(s): Facilitator) -> Response {
    match s.monitor_now().await {
        Some(frame) => ([(header::CONTENT_TYPE, "application/json")], frame.as_str().to_owned()).into_response(),
        None => api_error(StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Internal, INTERNAL_MESSAGE),
    }
}

async fn control(Facilitator(s): Facilitator, body: String) -> Response {
    let c: SessionControl = match serde_json::from_str(&body) {
        Ok(c) => c,
        Err(e) => return api_error(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, &format!("bad control: {e}")),
    };
    match s.control(c).await {
        Ok(n) => Json(json!({"ok": true, "affected": n})).into_response(),
        Err(e) => api_error(StatusCode::BAD_REQUEST, e.code, &e.message),
    }
}

#[allow(clippy::result_large_err)]
async fn session_reports(app: &App, s: &Session) -> Result<(crate::store::SessionLog, Vec<MatchReport>), Response> {
    let log = app.store.session_log(&s.code).await.map_err(|e| {
        tracing::error!(session = %s.code, error = %e, "could not read a session's log");
        api_error(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal, INTERNAL_MESSAGE)
    })?;
    let reports = match_reports(&app.scenarios(), &log, &app.phrases);
    Ok((log, reports))
}

async fn debrief(State(app): State<Arc<App>>, Facilitator(s): Facilitator) -> Response {
    match session_reports(&app, &s).await {
        Ok((_, reports)) => {
            let main = s.settings.scenario.as_ref().and_then(|id| app.scenario(id));
            let design = match (&s.settings.treatment, s.settings.small_talk) {
                (Some(t), _) => crate::report::ArmDesign::Treatment(t),
                (None, crate::runtime::session::SmallTalkTreatment::Split) => crate::report::ArmDesign::SmallTalkSplit,
                (None, _) => crate::report::ArmDesign::None,
            };
            Json(crate::report::debrief(&s.code, main.as_ref(), &reports, design)).into_response()
        }
        Err(r) => r,
    }
}

/// The teaching notes of the session's scenario (and of every other scenario its tournament
/// rounds play), for the facilitator only: `{"scenarios": [{"id", "title", "teaching"}]}`,
/// the session's own scenario first; `teaching` is null for a scenario without notes.
async fn teaching(State(app): State<Arc<App>>, Facilitator(s): Facilitator) -> Response {
    let mut ids: Vec<String> = s.settings.scenario.iter().cloned().collect();
    let rounds = s.facts.borrow().tournament_rounds.clone();
    for id in rounds.into_iter().flatten() {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let scenarios: Vec<Value> = ids
        .iter()
        .filter_map(|id| app.scenario(id))
        .map(|sc| json!({"id": sc.id, "title": sc.title, "teaching": sc.teaching}))
        .collect();
    Json(json!({ "scenarios": scenarios })).into_response()
}

/// A link that puts a player back in their seat on any device (it carries their token, so it
/// is for the facilitator to hand to that player only).
async fn rejoin_link(
    State(app): State<Arc<App>>,
    Facilitator(s): Facilitator,
    Path((_, player_id)): Path<(String, String)>,
) -> Response {
    let Some(p) = app.players_by_id.get(&player_id).filter(|p| p.session == s.code).map(|p| p.clone()) else {
        return api_error(
            StatusCode::NOT_FOUND,
            ErrorCode::UnknownPlayer,
            &format!("no player {player_id:?} in this session"),
        );
    };
    if p.bot {
        return api_error(StatusCode::BAD_REQUEST, ErrorCode::BotPlayer, "bots do not need a rejoin link");
    }
    if s.is_removed(&p.id) {
        return api_error(StatusCode::BAD_REQUEST, ErrorCode::Removed, "that player was removed from the session");
    }
    Json(json!({
        "player_id": p.id, "name": p.name,
        "url": format!("/?code={}#rejoin={}", s.code, p.token),
    }))
    .into_response()
}

async fn transcript(
    State(app): State<Arc<App>>,
    Facilitator(s): Facilitator,
    Path((_, match_id)): Path<(String, String)>,
) -> Response {
    match session_reports(&app, &s).await {
        Ok((_, reports)) => match reports.iter().find(|r| r.id == match_id) {
            Some(r) => Json(crate::report::transcript(r)).into_response(),
            None => api_error(
                StatusCode::NOT_FOUND,
                ErrorCode::UnknownMatch,
                &format!("no match {match_id:?} in this session"),
            ),
        },
        Err(r) => r,
    }
}

async fn export(
    State(app): State<Arc<App>>,
    Facilitator(s): Facilitator,
    Path((_, file)): Path<(String, String)>,
) -> Response {
    let (log, reports) = match session_reports(&app, &s).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (bytes, mime) =
        match file.as_str() {
            "matches.csv" => (crate::report::matches_csv(&s.code, &reports), "text/csv; charset=utf-8"),
            "players.csv" => (crate::report::players_csv(&s.code, &reports), "text/csv; charset=utf-8"),
            "settlements.csv" => (crate::report::settlements_csv(&s.code, &reports), "text/csv; charset=utf-8"),
            "observations.csv" => (crate::report::observations_csv(&s.code, &reports), "text/csv; charset=utf-8"),
            "survey.csv" => (crate::report::survey_csv(&s.code, &reports), "text/csv; charset=utf-8"),
            "members.csv" => (crate::report::members_csv(&s.code, &reports), "text/csv; charset=utf-8"),
            "events.json" => (crate::report::events_json(&s.code, &log), "application/json"),
            "tournament.csv" | "standings.csv" => {
                let view = s.tournament_view().await;
                if view.config.is_none() {
                    return api_error(StatusCode::NOT_FOUND, ErrorCode::NoTournament, "this session has no tournament");
                }
                let bytes = if file == "tournament.csv" {
                    crate::report::rows_csv(
                        &serde_json::to_value(&view.results).unwrap_or_default(),
                        &[
                            "round", "match_id", "player", "name", "role", "outcome", "points", "role_min", "role_max",
                            "value", "trust",
                        ],
                    )
                } else {
                    crate::report::rows_csv(
                        &serde_json::to_value(&view.standings).unwrap_or_default(),
                        &["rank", "player", "name", "played", "byes", "value", "trust", "score"],
                    )
                };
                (bytes, "text/csv; charset=utf-8")
            }
            _ => return api_error(
                StatusCode::NOT_FOUND,
                ErrorCode::UnknownExport,
                "exports are matches.csv, players.csv, settlements.csv, observations.csv, survey.csv and events.json",
            ),
        };
    let disposition = format!("attachment; filename=\"parley-{}-{}\"", s.code, file);
    ([(header::CONTENT_TYPE, mime.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

async fn tournament(Facilitator(s): Facilitator) -> Response {
    Json(s.tournament_view().await).into_response()
}
