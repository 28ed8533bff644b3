//! `hardballer`: anchors high, concedes slowly and late, asks nothing, leans on pressure lines.

use super::{Counterpart, Moment, Strategy};

/// Anchors high, concedes slowly and late, leans on pressure lines.
pub struct Hardballer;

const PRESSURE: &[&str] =
    &["I can't go much further than this.", "This is close to my final offer.", "I need a better offer on {high}."];

impl Strategy for Hardballer {
    fn name(&self) -> &'static str {
        "hardballer"
    }

    /// `1 − 0.7 · t³`: holds, then moves late.
    fn aspiration(&self, now: &Moment) -> f64 {
        1.0 - 0.7 * now.t.powi(3)
    }

    fn asks_questions(&self) -> bool {
        false
    }

    fn bargaining_replies(&self, _counterpart: &Counterpart) -> &'static [&'static str] {
        PRESSURE
    }

    fn survey_rating(&self, deal: bool) -> u8 {
        if deal {
            4
        } else {
            3
        }
    }
}
