//! The HTTP side of Parley's error codes: [`ApiError`], a status, a stable [`ErrorCode`] and a
//! plain sentence, answered as `{"code", "message"}`. The codes themselves live with the wire
//! format in `parley-protocol` (`parley_protocol::error`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
pub use parley_protocol::error::ErrorCode;

/// An HTTP error answer: a status, a stable code and a plain sentence, as
/// `{"code": ..., "message": ...}`.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The stable code.
    pub code: ErrorCode,
    /// The sentence for people.
    pub message: String,
}

impl ApiError {
    /// Builds an error answer.
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into() }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(serde_json::json!({"code": self.code, "message": self.message}))).into_response()
    }
}
