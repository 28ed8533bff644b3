//! A learner's practice history, with no account and no e-mail: the browser keeps a private
//! practice key (128 random bits) and sends it when it joins the practice pool; the server links
//! that visit's player to the key's SHA-256 (never the key itself), so a database leak gives no
//! one a way in. `GET /api/practice/history` reads every linked match back as a timeline of the
//! numbers that show progress; `.csv` exports it; `DELETE` removes the links (the matches stay in
//! the practice pool's data, no longer anyone's history). Practice matches belong to no class, so
//! no facilitator view ever holds a key or a link.
//!
//! The key travels in the `x-practice-key` header (never in a URL, so it stays out of logs); the
//! recovery link the page offers carries it after `#`, which browsers do not send.

use crate::core::drills::DrillOutcome;
use crate::core::game::{Millis, Outcome, Phase};
use crate::core::tactics::Tactic;
use crate::core::trust::MIN_RATERS_SHOWN;
use crate::csv_rows::{Num, Text};
use crate::error::{ApiError, ErrorCode};
use crate::http::ClientIp;
use crate::limits::Budget;
use crate::protocol::INTERNAL_MESSAGE;
use crate::report::{match_reports, MatchReport};
use crate::runtime::app::App;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The history's routes.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/practice/history", get(history).delete(forget))
        .route("/api/practice/history.csv", get(history_csv))
}

/// Hex digits of a practice key (128 bits, as the page draws them).
pub const KEY_HEX_DIGITS: usize = 32;

/// The stored form of a practice key: its SHA-256 in hex; none when it is not 32 hex digits.
pub fn key_hash(key: &str) -> Option<String> {
    let key = key.trim().to_ascii_lowercase();
    if key.len() != KEY_HEX_DIGITS || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let digest = Sha256::digest(key.as_bytes());
    Some(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// A learner's practice, oldest match first.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct PracticeHistory {
    /// Visits to the practice pool linked to the key.
    pub visits: usize,
    /// Every match of those visits, oldest first.
    pub matches: Vec<PracticeMatch>,
}

/// One practice match as its learner may see it again: the same numbers their results showed,
/// nothing about the counterpart they could not see there.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct PracticeMatch {
    /// Match id.
    pub match_id: String,
    /// When it started.
    pub at: Millis,
    /// Scenario id.
    pub scenario: String,
    /// Scenario title.
    pub scenario_title: String,
    /// The role the learner played.
    pub role: String,
    /// Whether the counterpart was one of the server's bots.
    pub against_bot: bool,
    /// `deal`, `impasse`, `abandoned`, or `running`.
    pub outcome: String,
    /// The learner's points (a deal's, or their walk-away value after an impasse).
    pub points: Option<i64>,
    /// The learner's walk-away value.
    pub walk_away: i64,
    /// Both sides' points together.
    pub joint_value: Option<i64>,
    /// The most the two could have made together.
    pub max_joint_value: Option<i64>,
    /// Joint value ÷ maximum.
    pub efficiency: Option<f64>,
    /// No other package was better for one side and no worse for the other.
    pub pareto_optimal: Option<bool>,
    /// How well the learner read the counterpart's priorities before talking, −1..1.
    pub perspective_before: Option<f64>,
    /// The same after the match, −1..1.
    pub perspective_after: Option<f64>,
    /// The learner's chat lines with each tactic, as the tagger read them (tactic name → lines).
    pub tactics: BTreeMap<String, usize>,
    /// The behavioural estimate of the trust the learner built, 0..100.
    pub trust_estimate: Option<f64>,
    /// Trust earned from counterparts' ratings, 0..100: only when it averages at least
    /// `MIN_RATERS_SHOWN` people (else it would give away one person's private answer).
    pub trust_earned: Option<f64>,
    /// The drill the learner practised in this match and how it went (once it reached results).
    pub drill: Option<DrillOutcome>,
}

/// One row of `history.csv`: the same facts, flat (the tactic columns follow it).
#[derive(Debug, Serialize)]
struct HistoryRow {
    match_id: Text,
    at: Millis,
    at_iso: Text,
    scenario: Text,
    role: Text,
    against_bot: bool,
    outcome: Text,
    points: Option<i64>,
    walk_away: i64,
    joint_value: Option<i64>,
    max_joint_value: Option<i64>,
    efficiency: Num,
    pareto_optimal: Option<bool>,
    perspective_before: Num,
    perspective_after: Num,
    trust_estimate: Num,
    trust_earned: Num,
    drill: Text,
    drill_met: Option<bool>,
}

/// The history of a key's players from their matches' reports.
pub fn history_of(linked: &[String], reports: &[MatchReport]) -> PracticeHistory {
    let matches = reports
        .iter()
        .filter_map(|r| {
            let seat = r.first_seats.iter().chain(&r.seats).position(|(id, _)| linked.contains(id))?;
            let seat = seat % r.seats.len().max(1);
            Some(practice_match(r, seat))
        })
        .collect();
    PracticeHistory { visits: linked.len(), matches }
}

fn practice_match(r: &MatchReport, seat: usize) -> PracticeMatch {
    let s = &r.scenario;
    let me = r.trust.players.get(seat);
    let against_bot = r.bots.iter().enumerate().any(|(i, b)| i != seat && *b);
    let outcome = match &r.state.outcome {
        Some(Outcome::Deal { .. }) => "deal",
        Some(Outcome::Impasse { .. }) => "impasse",
        Some(Outcome::Abandoned { .. }) => "abandoned",
        None => "running",
    };
    let analysis = r.analysis.as_ref().filter(|_| r.state.phase == Phase::Results || r.state.outcome.is_some());
    let tactics = me
        .map(|p| Tactic::ALL.iter().zip(p.behaviour.tactics).map(|(t, n)| (t.name().to_string(), n)).collect())
        .unwrap_or_default();
    PracticeMatch {
        match_id: r.id.clone(),
        at: r.created_at,
        scenario: s.id.clone(),
        scenario_title: s.title.clone(),
        role: s.roles[seat].name.clone(),
        against_bot,
        outcome: outcome.to_string(),
        points: analysis.map(|a| a.points[seat]),
        walk_away: s.roles[seat].batna,
        joint_value: analysis.map(|a| a.joint_value),
        max_joint_value: analysis.map(|a| a.max_joint_value),
        efficiency: analysis.map(|a| a.efficiency),
        pareto_optimal: analysis.map(|a| a.pareto_optimal),
        perspective_before: me.and_then(|p| p.perspective_before),
        perspective_after: me.and_then(|p| p.perspective_after),
        tactics,
        trust_estimate: me.and_then(|p| p.trust_estimate),
        trust_earned: me.filter(|p| p.trust_raters >= MIN_RATERS_SHOWN).and_then(|p| p.trust_earned),
        drill: r
            .drills
            .get(seat)
            .copied()
            .flatten()
            .filter(|_| r.state.phase == Phase::Results)
            .map(|d| crate::core::drills::check(d, &r.state, &r.trust.line_tactics, seat)),
    }
}

/// A drill's wire name (`ask_first`, ...), for the CSV.
fn drill_id(d: crate::core::drills::Drill) -> String {
    serde_json::to_value(d).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

/// The practice key of a request, hashed; the error answers a missing or malformed key.
#[allow(clippy::result_large_err)] // the error is the HTTP answer itself
fn key_of(headers: &HeaderMap) -> Result<String, ApiError> {
    let key = headers.get("x-practice-key").and_then(|v| v.to_str().ok()).unwrap_or("");
    if key.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::PracticeKeyRequired,
            "this needs your practice key (the page sends it from this browser)",
        ));
    }
    key_hash(key).ok_or_else(|| {
        ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadPracticeKey, "a practice key is 32 hexadecimal digits")
    })
}

/// The key of a request, hashed, once the address's lookup budget allows the request.
#[allow(clippy::result_large_err)] // the error is the HTTP answer itself
fn allowed_key(app: &App, ip: std::net::IpAddr, headers: &HeaderMap) -> Result<String, ApiError> {
    let hash = key_of(headers)?;
    if !app.address_limits.allow(Budget::CodeLookup, ip) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::RateLimited,
            "too many requests from your network; wait a minute",
        ));
    }
    Ok(hash)
}

/// Reads a key's history.
async fn read_history(app: &App, ip: std::net::IpAddr, headers: &HeaderMap) -> Result<PracticeHistory, ApiError> {
    let hash = allowed_key(app, ip, headers)?;
    let stored = app.store.practice_log(&hash).await.map_err(|e| {
        tracing::error!(error = %e, "could not read a practice history");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal, INTERNAL_MESSAGE)
    })?;
    let reports = match_reports(&app.scenarios(), &stored.log, &app.phrases);
    Ok(history_of(&stored.linked, &reports))
}

async fn history(State(app): State<Arc<App>>, ClientIp(ip): ClientIp, headers: HeaderMap) -> Response {
    match read_history(&app, ip, &headers).await {
        Ok(h) => Json(h).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn history_csv(State(app): State<Arc<App>>, ClientIp(ip): ClientIp, headers: HeaderMap) -> Response {
    let h = match read_history(&app, ip, &headers).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    for m in h.matches {
        let row = HistoryRow {
            at_iso: crate::report::iso8601(m.at).into(),
            match_id: m.match_id.into(),
            at: m.at,
            scenario: m.scenario.into(),
            role: m.role.into(),
            against_bot: m.against_bot,
            outcome: m.outcome.into(),
            points: m.points,
            walk_away: m.walk_away,
            joint_value: m.joint_value,
            max_joint_value: m.max_joint_value,
            efficiency: Num(m.efficiency),
            pareto_optimal: m.pareto_optimal,
            perspective_before: Num(m.perspective_before),
            perspective_after: Num(m.perspective_after),
            trust_estimate: Num(m.trust_estimate),
            trust_earned: Num(m.trust_earned),
            drill: m.drill.as_ref().map(|d| drill_id(d.drill)).unwrap_or_default().into(),
            drill_met: m.drill.as_ref().map(|d| d.met),
        };
        // The tactic columns follow, as in players.csv (`tactic_<label>`).
        let counts: [usize; 10] = std::array::from_fn(|k| m.tactics.get(Tactic::ALL[k].name()).copied().unwrap_or(0));
        if let Err(e) = w.serialize((row, crate::csv_rows::TacticCounts::from(counts))) {
            tracing::error!(error = %e, "could not write a practice history row");
        }
    }
    let bytes = w.into_inner().unwrap_or_default();
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
        (header::CONTENT_DISPOSITION, "attachment; filename=\"parley-practice-history.csv\""),
    ];
    (headers, bytes).into_response()
}

/// Deletes the history: every link of the key goes (checked by reading again).
async fn forget(State(app): State<Arc<App>>, ClientIp(ip): ClientIp, headers: HeaderMap) -> Response {
    let hash = match allowed_key(&app, ip, &headers) {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let before = app.store.practice_log(&hash).await.map(|l| l.linked.len()).unwrap_or(0);
    if let Err(e) = app.store.unlink_practice(&hash).await {
        tracing::error!(error = %e, "could not delete a practice history");
        return ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal, INTERNAL_MESSAGE).into_response();
    }
    Json(serde_json::json!({"deleted": true, "visits_unlinked": before})).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_32_hex_digits_and_stored_as_their_sha256() {
        let key = "0123456789abcdef0123456789ABCDEF";
        let h = key_hash(key).expect("a good key");
        assert_eq!(h.len(), 64);
        assert_eq!(Some(h.clone()), key_hash(&key.to_ascii_lowercase()), "case does not matter");
        // SHA-256 of the lowercase key, computed independently (coreutils `sha256sum`).
        assert_eq!(h, "3eb1bd439947eb762998e566ccc2e099c791118b2f40579cc4f7da2b5061b7f9");
        for bad in ["", "0123", "0123456789abcdef0123456789abcdeg", &"a".repeat(33)] {
            assert_eq!(key_hash(bad), None, "{bad:?}");
        }
    }
}
