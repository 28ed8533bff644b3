//! `logroller`: asks, discloses truthfully, trades its low priorities for its high ones, and
//! concedes steadily.

use super::{Moment, Strategy};

/// Asks, discloses truthfully, trades its low priorities for its high ones, concedes steadily.
pub struct Logroller;

const LOGROLL: &[&str] = &[
    "I can move on {low} if we can do something on {high}.",
    "How about I give ground on {low} and you help me on {high}?",
];

impl Strategy for Logroller {
    fn name(&self) -> &'static str {
        "logroller"
    }

    /// `1 − 0.85 · t^0.8`: steady.
    fn aspiration(&self, now: &Moment) -> f64 {
        1.0 - 0.85 * now.t.powf(0.8)
    }

    fn discloses_top_issue(&self) -> bool {
        true
    }

    fn trade_lines(&self) -> &'static [&'static str] {
        LOGROLL
    }
}
