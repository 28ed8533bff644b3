//! `parley bench`: measurements whose numbers go into `docs/benchmarks.md`.

pub mod chaos;
pub mod frontier;
pub mod history;
pub mod load;
pub mod relay;

use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// WebSocket settings for the benchmarks' own sockets (the load generator's clients and the
/// relay), the same read buffer as Parley's server (`server/src/http.rs`). tungstenite fills its
/// whole read buffer with zeros before every read, including reads that find nothing: at its
/// default 128 KiB that was a third of the load generator's CPU (2026-12-01 profile in
/// `docs/benchmarks.md`), taken from the server under test on a 2-core machine, and it made the
/// relay pay for a buffer Parley does not use.
pub fn ws_config() -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(4 * 1024)
}
