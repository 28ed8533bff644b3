//! Cross-origin calls between the nodes of a cluster. A facilitator's console served by one node
//! calls the API of the node that owns its session when the first answers `421` with the owner's
//! address (`client-web/js/facilitate/api.js`). That is a cross-origin request with a custom
//! header (`x-facilitator-token`), so the browser asks first (a CORS preflight); this layer
//! answers it, and marks the answer readable, for origins that are the address of a node of this
//! cluster, and for no other origin. A single server (no cluster) adds nothing. The API carries
//! its secrets in headers, never in cookies, so no credentials are allowed.

use crate::runtime::app::App;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The request headers a console sends.
const ALLOWED_HEADERS: &str = "accept, content-type, x-facilitator-token, x-admin-key";

/// Answers the preflight of, and marks readable the answer to, a request from a peer node's page.
pub async fn allow_peer_origins(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let origin = req.headers().get(header::ORIGIN).cloned();
    let peer = origin.filter(|o| {
        let Ok(o) = o.to_str() else { return false };
        app.cluster.as_ref().is_some_and(|c| c.is_peer(o) && o.trim_end_matches('/') != c.address)
    });
    let Some(origin) = peer else { return next.run(req).await };
    let mut res = if req.method() == Method::OPTIONS {
        let mut res = StatusCode::NO_CONTENT.into_response();
        let h = res.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST, DELETE"));
        h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(ALLOWED_HEADERS));
        h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
        res
    } else {
        next.run(req).await
    };
    let h = res.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    h.append(header::VARY, HeaderValue::from_static("origin"));
    res
}
