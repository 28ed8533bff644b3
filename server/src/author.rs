//! The scenario editor's HTTP API (`/api/author/...`; the page is `client-web/author.html`,
//! served at `/author`). The browser holds a [`Draft`]; the server checks it with the scenario
//! parser's own rules, writes it as canonical TOML ([`Scenario::to_toml`]) and analyses it with
//! the same code as `parley scenario check --json` ([`author_analysis`]). Saving writes
//! `<scenarios folder>/<id>.toml` and adds the scenario to the running server (no restart).
//!
//! Who may call it: whoever holds the admin key when the server has one (header `x-admin-key`,
//! as for creating sessions); without a key (a loopback server, or `--open`), anyone, within a
//! per-address budget (a save also counts as a session created).

use crate::core::authoring::{author_analysis, AuthorAnalysis, Draft, DRAFT_FILE};
use crate::core::scenario::{Scenario, ScenarioError, EDITOR_HEADER};
use crate::error::{ApiError, ErrorCode};
use crate::http::ClientIp;
use crate::limits::Budget;
use crate::protocol::INTERNAL_MESSAGE;
use crate::runtime::app::App;
use axum::extract::rejection::StringRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

/// Largest request body the editor's calls accept. The largest bundled scenario is about 20 KB
/// of TOML; the limits on text (`core::authoring::limits`) allow a few times that.
pub const MAX_AUTHOR_BODY: usize = 256 * 1024;

/// The editor's routes, with their body limit.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/author/scenarios", get(list).post(save))
        .route("/api/author/scenarios/{id}", get(open))
        .route("/api/author/analyse", post(analyse))
        .layer(DefaultBodyLimit::max(MAX_AUTHOR_BODY))
}

/// One scenario in the editor's list.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct AuthorListed {
    /// Scenario id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Number of roles.
    pub roles: usize,
    /// Number of issues.
    pub issues: usize,
    /// Whether its file was written by the editor (saving over it needs no `overwrite`).
    pub editor_file: bool,
}

/// A scenario opened in the editor, or the editor's draft checked: the draft, its canonical
/// file and its analysis.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct AuthorAnswer {
    /// The draft (for an imported file: the file as the editor's model).
    pub draft: Draft,
    /// The canonical TOML file of the draft (what a save writes, what an export downloads).
    pub toml: String,
    /// The live analysis.
    pub analysis: AuthorAnalysis,
    /// Whether the scenario with this id on the server has a file the editor wrote (none: the
    /// server has no scenario with this id yet).
    pub editor_file: Option<bool>,
}

/// What `POST /api/author/analyse` takes: the editor's draft, or a TOML file's text to import.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AnalyseRequest {
    /// The draft to check.
    #[serde(default)]
    pub draft: Option<Draft>,
    /// A scenario file's text (import).
    #[serde(default)]
    pub toml: Option<String>,
}

/// What `POST /api/author/scenarios` takes.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SaveRequest {
    /// The draft to save as `<id>.toml`.
    pub draft: Draft,
    /// Replace a scenario whose file the editor did not write (a bundled one).
    #[serde(default)]
    pub overwrite: bool,
}

/// The answer to a save.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct SavedAnswer {
    /// The scenario id.
    pub id: String,
    /// The file name in the scenarios folder.
    pub file: String,
    /// Whether it replaced a scenario the server had.
    pub replaced: bool,
    /// The file's text.
    pub toml: String,
}

/// Admin key (when the server has one) or, without one, the address's budget of editor calls.
#[allow(clippy::result_large_err)] // the error is the HTTP answer itself
fn allowed(app: &App, headers: &HeaderMap, ip: std::net::IpAddr, saving: bool) -> Result<(), Response> {
    if let Some(key) = &app.admin_key {
        let given = headers.get("x-admin-key").and_then(|v| v.to_str().ok()).unwrap_or("");
        if crate::runtime::facilitator::constant_time_eq(given.as_bytes(), key.as_bytes()) {
            return Ok(());
        }
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::AdminKeyRequired,
            "this server needs its admin key (x-admin-key header) to write scenarios",
        )
        .into_response());
    }
    let spent = !app.address_limits.allow(Budget::Author, ip)
        || (saving && !app.address_limits.allow(Budget::CreateSession, ip));
    if spent {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::RateLimited,
            "too many scenario-editor requests from your network; wait a minute",
        )
        .into_response());
    }
    Ok(())
}

/// A body the size limit refused (413 with a code), or one that is not text.
fn body_of(body: Result<String, StringRejection>) -> Result<String, ApiError> {
    body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::BodyTooLarge,
                format!("the request is larger than {} KiB", MAX_AUTHOR_BODY / 1024),
            )
        } else {
            ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, format!("unreadable request: {e}"))
        }
    })
}

/// A scenario that breaks a rule: 422, the rule's sentence, and the field when it has one.
fn invalid(e: &ScenarioError) -> ApiError {
    let (message, field) = match e {
        ScenarioError::Invalid { field, message, .. } => (message.clone(), Some(field.clone())),
        ScenarioError::Parse { message, .. } => (message.clone(), None),
        ScenarioError::Io { source, .. } => (source.to_string(), None),
    };
    let err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidScenario, message);
    match field {
        Some(f) => err.at(f),
        None => err,
    }
}

fn internal(what: &str, e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "{what}");
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal, INTERNAL_MESSAGE)
}

/// Whether `<dir>/<id>.toml` exists and starts with the editor's header (the editor wrote it).
fn editor_file(dir: Option<&FsPath>, id: &str) -> bool {
    use std::io::Read;
    let Some(dir) = dir else { return false };
    let Ok(mut f) = std::fs::File::open(dir.join(format!("{id}.toml"))) else { return false };
    let mut head = vec![0u8; EDITOR_HEADER.len()];
    f.read_exact(&mut head).is_ok() && head == EDITOR_HEADER.as_bytes()
}

/// The analysis of a scenario on a blocking thread (a frontier is CPU work, bounded by the
/// authoring limits, kept off the threads that serve connections).
async fn answer(app: &App, draft: Draft, scenario: Scenario) -> Result<AuthorAnswer, ApiError> {
    let known = app.scenario(&scenario.id).is_some();
    let dir = app.scenarios_dir.clone();
    tokio::task::spawn_blocking(move || {
        let editor = known.then(|| editor_file(dir.as_deref(), &scenario.id));
        AuthorAnswer { toml: scenario.to_toml(), analysis: author_analysis(&scenario), draft, editor_file: editor }
    })
    .await
    .map_err(|e| internal("the analysis task failed", e))
}

/// `GET /api/author/scenarios`: every scenario of the server, by id.
async fn list(State(app): State<Arc<App>>, ClientIp(ip): ClientIp, headers: HeaderMap) -> Response {
    if let Err(r) = allowed(&app, &headers, ip, false) {
        return r;
    }
    let all = app.scenarios();
    let dir = app.scenarios_dir.clone();
    let listed = tokio::task::spawn_blocking(move || {
        all.values()
            .map(|s| AuthorListed {
                id: s.id.clone(),
                title: s.title.clone(),
                roles: s.roles.len(),
                issues: s.issues.len(),
                editor_file: editor_file(dir.as_deref(), &s.id),
            })
            .collect::<Vec<_>>()
    })
    .await;
    match listed {
        Ok(l) => Json(l).into_response(),
        Err(e) => internal("listing scenarios failed", e).into_response(),
    }
}

/// `GET /api/author/scenarios/{id}`: a scenario of the server as a draft, with its analysis.
/// Only ids the server has are looked up: the path never reaches the file system.
async fn open(
    State(app): State<Arc<App>>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = allowed(&app, &headers, ip, false) {
        return r;
    }
    let Some(s) = app.scenario(&id) else {
        return ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::UnknownScenario,
            format!("there is no scenario {id:?}"),
        )
        .into_response();
    };
    let draft = Draft::from_scenario(&s);
    match answer(&app, draft, Scenario::clone(&s)).await {
        Ok(a) => Json(a).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `POST /api/author/analyse`: checks a draft (or imports a file) and analyses it. A scenario
/// that breaks a rule is `422 invalid_scenario` with the field.
async fn analyse(
    State(app): State<Arc<App>>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Result<String, StringRejection>,
) -> Response {
    if let Err(r) = allowed(&app, &headers, ip, false) {
        return r;
    }
    let result = async {
        let body = body_of(body)?;
        let req: AnalyseRequest = serde_json::from_str(&body).map_err(|e| {
            ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, format!("bad analysis request: {e}"))
        })?;
        let (draft, scenario) = match (req.draft, req.toml) {
            (Some(d), None) => {
                let s = d.to_scenario().map_err(|e| invalid(&e))?;
                (d, s)
            }
            (None, Some(text)) => {
                let s = Scenario::from_toml(DRAFT_FILE, &text).map_err(|e| invalid(&e))?;
                crate::core::authoring::check_limits(&s).map_err(|e| invalid(&e))?;
                (Draft::from_scenario(&s), s)
            }
            _ => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::BadRequest,
                    "send either a draft or a toml file's text",
                ))
            }
        };
        answer(&app, draft, scenario).await
    }
    .await;
    match result {
        Ok(a) => Json(a).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Saves are one at a time (the check of what a file holds and the write go together).
static SAVING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Why a save did not happen.
enum SaveRefused {
    Exists(String),
    Io(std::io::Error),
}

/// Writes `<dir>/<id>.toml` unless it would replace a file the editor did not write (without
/// `overwrite`) or a file that holds another scenario; true when a file was replaced. The text goes
/// to a temporary file first, renamed over the old one, so a reader never sees half a file.
fn write_file(dir: &FsPath, s: &Scenario, known: bool, overwrite: bool) -> Result<(PathBuf, bool), SaveRefused> {
    let _one = SAVING.lock().unwrap_or_else(|e| e.into_inner());
    let file = dir.join(format!("{}.toml", s.id));
    let existing = match std::fs::read_to_string(&file) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(SaveRefused::Io(e)),
    };
    match &existing {
        None if known => {
            return Err(SaveRefused::Exists(format!(
                "the scenario {:?} comes from another file of the scenarios folder; save yours under another id",
                s.id
            )))
        }
        Some(text) => {
            let same_id = Scenario::from_toml("", text).is_ok_and(|old| old.id == s.id);
            if !same_id {
                return Err(SaveRefused::Exists(format!(
                    "the scenarios folder has a file {}.toml that holds another or no valid scenario; save yours under \
                     another id",
                    s.id
                )));
            }
            if !text.starts_with(EDITOR_HEADER) && !overwrite {
                return Err(SaveRefused::Exists(format!(
                    "the scenario {:?} came with the server (the editor did not write its file); save yours under \
                     another id, or ask to replace it",
                    s.id
                )));
            }
        }
        None => {}
    }
    let tmp = dir.join(format!(".{}.toml.saving", s.id));
    std::fs::write(&tmp, s.to_toml()).map_err(SaveRefused::Io)?;
    std::fs::rename(&tmp, &file).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        SaveRefused::Io(e)
    })?;
    Ok((file, existing.is_some()))
}

/// `POST /api/author/scenarios`: saves a draft to the scenarios folder and adds it to the
/// running server: the session set-up lists it at once. A match already running keeps the
/// scenario it started with.
async fn save(
    State(app): State<Arc<App>>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Result<String, StringRejection>,
) -> Response {
    if let Err(r) = allowed(&app, &headers, ip, true) {
        return r;
    }
    let result = async {
        let body = body_of(body)?;
        let req: SaveRequest = serde_json::from_str(&body).map_err(|e| {
            ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, format!("bad save request: {e}"))
        })?;
        // The id passed the parser's id rule (a-z, 0-9, '-', '_'): it is a plain file name.
        let s = req.draft.to_scenario().map_err(|e| invalid(&e))?;
        let Some(dir) = app.scenarios_dir.clone() else {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::ScenarioNotSaved,
                "this server has no scenarios folder to save to",
            ));
        };
        let known = app.scenario(&s.id).is_some();
        let s = Arc::new(s);
        let to_write = s.clone();
        let overwrite = req.overwrite;
        let written = tokio::task::spawn_blocking(move || write_file(&dir, &to_write, known, overwrite))
            .await
            .map_err(|e| internal("the save task failed", e))?;
        match written {
            Ok((file, replaced)) => {
                app.put_scenario(s.clone());
                tracing::info!(scenario = %s.id, file = %file.display(), replaced, "scenario saved by the editor");
                Ok(SavedAnswer { id: s.id.clone(), file: format!("{}.toml", s.id), replaced, toml: s.to_toml() })
            }
            Err(SaveRefused::Exists(m)) => {
                Err(ApiError::new(StatusCode::CONFLICT, ErrorCode::ScenarioExists, m).at("id"))
            }
            Err(SaveRefused::Io(e)) => {
                tracing::error!(error = %e, scenario = %s.id, "could not write a scenario file");
                Err(ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::ScenarioNotSaved,
                    "the scenarios folder could not be written (the server's log has the reason)",
                ))
            }
        }
    }
    .await;
    match result {
        Ok(a) => (StatusCode::CREATED, Json(a)).into_response(),
        Err(e) => e.into_response(),
    }
}
