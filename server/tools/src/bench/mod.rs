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

/// How often each simulated client pings, as the browser client does.
pub(crate) const PING_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// Where in a period of `over` client `id` starts its timer, so that thousands of simulated clients
/// chat and ping spread out, as people do, never all in the same instant.
pub(crate) fn spread(id: usize, over: std::time::Duration) -> std::time::Duration {
    std::time::Duration::from_micros((id as u64 * 7919) % (over.as_micros() as u64).max(1))
}
