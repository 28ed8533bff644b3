//! The runtime's one clock. Wall time in Unix milliseconds, read once at start-up and then
//! advanced by tokio's monotonic clock: event timestamps never jump backwards when the system
//! clock is corrected, and a test that pauses tokio's time (`#[tokio::test(start_paused = true)]`)
//! moves every deadline, grace period and timestamp the runtime sees (see the actor's tests).

use crate::core::game::Millis;
use std::sync::OnceLock;

/// Now, in Unix milliseconds.
pub fn now_ms() -> Millis {
    static ANCHOR: OnceLock<(Millis, tokio::time::Instant)> = OnceLock::new();
    let (wall, at) = *ANCHOR.get_or_init(|| (system_ms(), tokio::time::Instant::now()));
    wall + tokio::time::Instant::now().saturating_duration_since(at).as_millis() as Millis
}

/// The system's wall clock, in Unix milliseconds.
fn system_ms() -> Millis {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as Millis).unwrap_or(0)
}
