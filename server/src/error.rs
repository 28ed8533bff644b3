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
    /// The field of the request the error is about, when there is one (the scenario editor shows
    /// the sentence at that input).
    pub field: Option<String>,
}

impl ApiError {
    /// Builds an error answer.
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), field: None }
    }

    /// The same error, about this field of the request.
    pub fn at(mut self, field: impl Into<String>) -> ApiError {
        self.field = Some(field.into());
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = serde_json::json!({"code": self.code, "message": self.message});
        if let Some(field) = self.field {
            body["field"] = serde_json::json!(field);
        }
        (self.status, Json(body)).into_response()
    }
}
