//! Observation sheets (the fishbowl): a classmate who watches a match without a seat ticks the
//! tactics they saw, writes one thing the players did well and one they could try, and the
//! players read it with their results. A sheet is a fact of the match's log
//! ([`crate::game::EventKind::ObservationFiled`]); this module checks one before it is stored.
//!
//! Pure: no I/O, no clock.

use crate::game::{Millis, Phase};
use crate::tactics::Tactics;
use crate::text::{clean_chat, is_invisible};
use serde::{Deserialize, Serialize};

/// The most characters each of a sheet's two texts may have.
pub const MAX_SHEET_CHARS: usize = 500;

/// The tactics an observation sheet asks about: the tagger's nine strategy labels (not
/// `non-strategic`), each with a short name and what to look for, in our own words.
pub const SHEET_TACTICS: [(&str, &str, &str); 9] = [
    ("small-talk", "Small talk", "Chat about anything but the deal: the weekend, the journey, a joke."),
    ("showing-empathy", "Showing empathy", "Saying they understand the other side's situation or feelings."),
    ("promote-coordination", "Proposing to work together", "Suggesting a trade or a way that suits both sides."),
    ("elicit-pref", "Asking their priorities", "Asking what the other side wants, needs or cares about most."),
    ("self-need", "Saying one's own needs", "Stating what they need, often with a reason."),
    ("other-need", "Needs of others", "Arguing for someone else's needs: a family, a team, a group."),
    ("no-need", "Saying what one does not need", "Telling the other side an item matters little to them."),
    ("uv-part", "Undervaluing their needs", "Suggesting the other side does not really need what they ask for."),
    ("vouch-fair", "Appealing to fairness", "Calling an offer fair or unfair."),
];

/// What an observer wrote about a match: the tactics they saw and two short texts (untrusted:
/// shown as text everywhere).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservationSheet {
    /// The tactics (the tagger's labels) the observer saw.
    pub tactics: Tactics,
    /// One thing the players did well.
    pub done_well: String,
    /// One thing the players could try next time.
    pub to_try: String,
}

/// A sheet as the match keeps it: who filed it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    /// When it was filed.
    pub at: Millis,
    /// The match's phase then (a sheet may come in after the match ended).
    pub phase: Phase,
    /// The observer's player id.
    pub player: String,
    /// The observer's display name then.
    pub name: String,
    /// What they wrote.
    pub sheet: ObservationSheet,
}

/// Why a sheet was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    /// A text is empty (after cleaning) or over [`MAX_SHEET_CHARS`].
    #[error("{0}")]
    BadText(String),
    /// This observer already filed a sheet for this match.
    #[error("you already sent your observation sheet for this match")]
    AlreadySent,
}

/// Checks a sheet and cleans its texts as chat is cleaned (control and text-direction characters
/// removed, line breaks kept, trimmed); a text that shows nothing counts as empty. Both texts are required: the sheet asks for one thing done
/// well and one to try. No tactic ticked is a valid answer (the observer saw none of them).
pub fn check_sheet(tactics: Tactics, done_well: &str, to_try: &str) -> Result<ObservationSheet, SheetError> {
    let clean = |text: &str, what: &str| {
        let t = clean_chat(text);
        let n = t.chars().count();
        if t.chars().all(is_invisible) {
            Err(SheetError::BadText(format!("write {what}")))
        } else if n > MAX_SHEET_CHARS {
            Err(SheetError::BadText(format!("{what} is longer than {MAX_SHEET_CHARS} characters")))
        } else {
            Ok(t)
        }
    };
    Ok(ObservationSheet {
        tactics,
        done_well: clean(done_well, "one thing done well")?,
        to_try: clean(to_try, "one thing to try")?,
    })
}

/// Whether `player` may file a sheet for a match that has these sheets already (one each).
pub fn may_file(observations: &[Observation], player: &str) -> Result<(), SheetError> {
    if observations.iter().any(|o| o.player == player) {
        return Err(SheetError::AlreadySent);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tactics::Tactic;

    #[test]
    fn texts_are_required_cleaned_and_capped() {
        let t: Tactics = [Tactic::ElicitPref].into_iter().collect();
        let s = check_sheet(t, "  Asked \u{202E}good questions\r\n", "Say why\u{0007}").unwrap();
        assert_eq!((s.done_well.as_str(), s.to_try.as_str()), ("Asked good questions", "Say why"));
        assert!(matches!(check_sheet(t, " \u{200E} ", "x"), Err(SheetError::BadText(_))));
        assert!(matches!(check_sheet(t, "x", ""), Err(SheetError::BadText(_))));
        assert!(check_sheet(Tactics::default(), &"é".repeat(MAX_SHEET_CHARS), "x").is_ok());
        assert!(matches!(check_sheet(t, &"é".repeat(MAX_SHEET_CHARS + 1), "x"), Err(SheetError::BadText(_))));
    }

    #[test]
    fn the_sheet_asks_about_every_strategy_label_in_the_taggers_order() {
        let labels: Vec<&str> = SHEET_TACTICS.iter().map(|t| t.0).collect();
        assert_eq!(labels, crate::tactics::LABELS[..crate::tactics::STRATEGIES]);
    }

    #[test]
    fn one_sheet_per_observer() {
        let sheet = check_sheet(Tactics::default(), "a", "b").unwrap();
        let filed =
            vec![Observation { at: 1, phase: Phase::Bargaining, player: "p_1".into(), name: "Cy".into(), sheet }];
        assert_eq!(may_file(&filed, "p_1"), Err(SheetError::AlreadySent));
        assert_eq!(may_file(&filed, "p_2"), Ok(()));
    }
}
