//! A token bucket for limits kept with a player (chat, reconnects) rather than a connection, so
//! opening a new connection never refills it. Time is passed in, which keeps it testable.

use std::time::Instant;

/// Token bucket: `burst` tokens, refilled at `per_sec`.
#[derive(Debug, Clone)]
pub struct RateLimit {
    tokens: f64,
    burst: f64,
    per_sec: f64,
    last: Instant,
}

impl RateLimit {
    /// A full bucket.
    pub fn new(burst: f64, per_sec: f64) -> Self {
        RateLimit { tokens: burst, burst, per_sec, last: Instant::now() }
    }

    /// Takes a token if one is left.
    pub fn allow(&mut self, now: Instant) -> bool {
        let dt = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = self.last.max(now);
        self.tokens = (self.tokens + dt * self.per_sec).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn rate_limit_allows_a_burst_then_refills() {
        let mut r = RateLimit::new(5.0, 1.0);
        let t0 = Instant::now();
        for _ in 0..5 {
            assert!(r.allow(t0));
        }
        assert!(!r.allow(t0));
        assert!(r.allow(t0 + Duration::from_millis(1100)));
        assert!(!r.allow(t0 + Duration::from_millis(1200)));
    }
}
