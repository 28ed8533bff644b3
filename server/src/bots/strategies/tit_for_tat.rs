//! `tit_for_tat`: mirrors the counterpart, conceding as much as they concede and answering
//! pressure with a firm, calm line.

use super::{Counterpart, Moment, Strategy, ACKNOWLEDGE};

/// Mirrors the counterpart: concedes as much as they concede, answers warmth with warmth.
pub struct TitForTat;

const FIRM: &[&str] = &["Let's keep this constructive.", "I'd rather find something that works for both of us."];

impl Strategy for TitForTat {
    fn name(&self) -> &'static str {
        "tit_for_tat"
    }

    /// The lower of `1 − (what the counterpart conceded)/(its range)` and `1 − 0.8 · t²`.
    fn aspiration(&self, now: &Moment) -> f64 {
        let mirrored = 1.0 - now.conceded_to_me;
        mirrored.min(1.0 - 0.8 * now.t.powi(2))
    }

    fn bargaining_replies(&self, counterpart: &Counterpart) -> &'static [&'static str] {
        if counterpart.pressure {
            FIRM
        } else {
            ACKNOWLEDGE
        }
    }
}
