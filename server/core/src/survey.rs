//! The post-match survey: our own 1–7 questions on trust, relationship and process, plus a
//! perspective-taking question (order the issues by how much they mattered to the counterpart).

use super::scenario::Scenario;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

// Borrowed in `QUESTIONS`, owned when a client decodes a `state` frame.
/// One 1–7 rating question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Question {
    /// Stable id used in answers and exports.
    pub id: Cow<'static, str>,
    /// The question as shown.
    pub text: Cow<'static, str>,
    /// Label of 1.
    pub low: Cow<'static, str>,
    /// Label of 7.
    pub high: Cow<'static, str>,
}

/// The rating questions, in display order. `trust` and `foundation` feed "trust built".
pub const QUESTIONS: &[Question] = &[
    Question {
        id: Cow::Borrowed("trust"),
        text: Cow::Borrowed("How much do you trust your counterpart now?"),
        low: Cow::Borrowed("Not at all"),
        high: Cow::Borrowed("Completely"),
    },
    Question {
        id: Cow::Borrowed("foundation"),
        text: Cow::Borrowed("Did this negotiation build a good foundation for working together again?"),
        low: Cow::Borrowed("Not at all"),
        high: Cow::Borrowed("Very much"),
    },
    Question {
        id: Cow::Borrowed("listened"),
        text: Cow::Borrowed("Did your counterpart listen to your concerns?"),
        low: Cow::Borrowed("Not at all"),
        high: Cow::Borrowed("Fully"),
    },
    Question {
        id: Cow::Borrowed("fair"),
        text: Cow::Borrowed("Was the process fair?"),
        low: Cow::Borrowed("Very unfair"),
        high: Cow::Borrowed("Very fair"),
    },
    Question {
        id: Cow::Borrowed("satisfied"),
        text: Cow::Borrowed("How satisfied are you with your own outcome?"),
        low: Cow::Borrowed("Very unsatisfied"),
        high: Cow::Borrowed("Very satisfied"),
    },
];

/// A player's survey answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyAnswer {
    /// Question id → rating 1..=7. Unanswered questions are left out.
    #[serde(default)]
    pub ratings: BTreeMap<String, u8>,
    /// Issue ids ordered from most to least important *to the counterpart*, as guessed.
    #[serde(default)]
    pub counterpart_priorities: Option<Vec<String>>,
}

impl SurveyAnswer {
    /// Checks ids and ranges against the questions and the scenario's issues.
    pub fn validate(&self, s: &Scenario) -> Result<(), String> {
        for (k, v) in &self.ratings {
            if !QUESTIONS.iter().any(|q| q.id == k.as_str()) {
                return Err(format!("unknown survey question {k:?}"));
            }
            if !(1..=7).contains(v) {
                return Err(format!("rating for {k:?} must be 1 to 7, got {v}"));
            }
        }
        if let Some(order) = &self.counterpart_priorities {
            validate_ordering(s, order)?;
        }
        Ok(())
    }
}

/// An issue ordering must name every issue exactly once.
pub fn validate_ordering(s: &Scenario, order: &[String]) -> Result<(), String> {
    let mut seen: Vec<&str> = order.iter().map(String::as_str).collect();
    seen.sort_unstable();
    let mut all: Vec<&str> = s.issues.iter().map(|i| i.id.as_str()).collect();
    all.sort_unstable();
    if seen != all {
        return Err("the priority ordering must list every issue id exactly once".into());
    }
    Ok(())
}
