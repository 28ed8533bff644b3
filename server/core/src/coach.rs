//! Live coaching: short private nudges to one player while they negotiate, read from what they
//! and their counterpart have said and done so far (never from hidden information: a rule sees
//! the lines, the offers and the tactic tags everyone can see, and the player's own role only).
//! Each rule fires at most once per player per match; a player gets at most [`MAX_PER_PLAYER`]
//! nudges, at least [`MIN_GAP_MS`] apart. The runtime stores each nudge as an event
//! (`coached`), so the debrief can show them. The rules are listed in `docs/scoring.md`.

use super::game::{ActionKind, Match, Millis, Phase};
use super::tactics::{Tactic, Tactics};
use super::trust::Phrases;

/// Most nudges one player gets in a match.
pub const MAX_PER_PLAYER: usize = 4;
/// Least time between two nudges to the same player.
pub const MIN_GAP_MS: Millis = 45_000;
/// Bargaining messages without a question about the counterpart's priorities before `ask` fires.
pub const ASK_AFTER: usize = 4;

/// A nudge for one player.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nudge {
    /// Who gets it.
    pub seat: usize,
    /// Which rule (stable id, stored with the event).
    pub rule: &'static str,
    /// What the player reads.
    pub text: &'static str,
}

/// The rules: id and the sentence the player reads.
pub const RULES: &[(&str, &str)] = &[
    ("ask", "Try asking what matters most to them: it is the quickest way to find a trade."),
    ("acknowledge_pressure", "Pressure tends to cost trust. Try acknowledging their concern before you push."),
    ("acknowledge_need", "They told you what they need. Saying you understand before you answer builds trust."),
    ("give_reasons", "Say what matters to you and why: a reason makes an offer easier to accept."),
];

fn rule(id: &'static str) -> Nudge {
    let text = RULES.iter().find(|r| r.0 == id).map(|r| r.1).unwrap_or("");
    Nudge { seat: 0, rule: id, text }
}

/// One player's lines and tags so far (chat only, in order).
struct Said<'a> {
    seat: usize,
    phase: Phase,
    text: &'a str,
    tags: Tactics,
}

/// The nudge due to `seat` now, if any, after the match's latest event. `tags[i]` are the
/// tactics of the i-th player chat line of `m.chat` (statements included); the nudges already
/// given are `m.coached`.
pub fn due(m: &Match, tags: &[Tactics], phrases: &Phrases, seat: usize, now: Millis) -> Option<Nudge> {
    // Nudges come while people talk.
    if !m.phase.allows(ActionKind::Chat) {
        return None;
    }
    let mine: Vec<&(usize, String, String, Millis)> = m.coached.iter().filter(|g| g.0 == seat).collect();
    if mine.len() >= MAX_PER_PLAYER || mine.iter().any(|g| now - g.3 < MIN_GAP_MS) {
        return None;
    }
    let had = |id: &str| mine.iter().any(|g| g.1 == id);
    let said: Vec<Said> = m
        .chat
        .iter()
        .filter(|c| c.seat.is_some())
        .zip(tags.iter().copied().chain(std::iter::repeat(Tactics::default())))
        .map(|(c, t)| Said { seat: c.seat.unwrap_or(0), phase: c.phase, text: &c.text, tags: t })
        .collect();
    let last = said.last()?;
    let pick = |id: &'static str| Some(Nudge { seat, ..rule(id) });
    // Right after the player's own pressure line.
    if last.seat == seat && !had("acknowledge_pressure") && Phrases::matches(&phrases.pressure, last.text) {
        return pick("acknowledge_pressure");
    }
    // The player answers a line where the counterpart said what they need without acknowledging it.
    if last.seat == seat && !had("acknowledge_need") && said.len() >= 2 {
        let before = &said[said.len() - 2];
        let answered_kindly = last.tags.has(Tactic::ShowingEmpathy);
        if before.seat != seat
            && before.tags.has(Tactic::SelfNeed)
            && !answered_kindly
            && last.phase == Phase::Bargaining
        {
            return pick("acknowledge_need");
        }
    }
    if m.phase == Phase::Bargaining {
        let bargaining_lines: Vec<&Said> =
            said.iter().filter(|s| s.seat == seat && s.phase == Phase::Bargaining).collect();
        let asked = said.iter().any(|s| s.seat == seat && s.tags.has(Tactic::ElicitPref));
        if !had("ask") && bargaining_lines.len() >= ASK_AFTER && !asked {
            return pick("ask");
        }
        let offers = m.offers.iter().filter(|o| o.seat == seat).count();
        let reasons = said.iter().any(|s| s.seat == seat && s.tags.has(Tactic::SelfNeed));
        if !had("give_reasons") && offers >= 2 && !reasons {
            return pick("give_reasons");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::{Action, Event, MatchConfig};
    use crate::scenario::{load_file, PhaseDurations};
    use crate::tactics::{Line, Tagger, Vocabulary};
    use std::sync::Arc;

    fn bargaining() -> Match {
        let s =
            load_file(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/campsite.toml")).unwrap();
        let config = MatchConfig {
            scenario: Arc::new(s),
            durations: PhaseDurations { prep: 0, small_talk: 0, bargaining: 600, survey: 600 },
            small_talk: false,
            icebreaker: None,
            features: Default::default(),
        };
        let mut m = Match::new(config);
        for kind in m.start() {
            m.apply(&Event { at: 0, kind });
        }
        m
    }

    fn say(m: &mut Match, seat: usize, text: &str, at: Millis) -> Vec<Tactics> {
        for kind in m.decide(seat, &Action::Chat(text.into())).unwrap() {
            m.apply(&Event { at, kind });
        }
        let lines: Vec<Line> =
            m.chat.iter().filter_map(|c| c.seat.map(|s| Line { speaker: s, text: &c.text })).collect();
        Tagger::bundled().tag_dialogue(&lines, &Vocabulary::of(&m.config.scenario))
    }

    #[test]
    fn four_lines_without_a_question_bring_the_ask_nudge_once() {
        let mut m = bargaining();
        let p = Phrases::bundled();
        for (k, t) in ["We packed light this time.", "The trail was long.", "Our tent is small."].iter().enumerate() {
            let tags = say(&mut m, 0, t, 1000 * k as Millis);
            assert_eq!(due(&m, &tags, &p, 0, 1000 * k as Millis), None, "not yet after {} lines", k + 1);
        }
        let tags = say(&mut m, 0, "We got here late.", 4000);
        let n = due(&m, &tags, &p, 0, 4000).expect("the ask nudge");
        assert_eq!((n.seat, n.rule), (0, "ask"));
        assert_eq!(due(&m, &tags, &p, 1, 4000), None, "the other player did nothing to be coached on");
    }

    #[test]
    fn a_pressure_line_brings_a_reminder_and_nudges_are_rate_limited() {
        let mut m = bargaining();
        let p = Phrases::bundled();
        let tags = say(&mut m, 1, "This is my final offer, take it or leave it.", 1000);
        let n = due(&m, &tags, &p, 1, 1000).expect("a reminder");
        assert_eq!(n.rule, "acknowledge_pressure");
        m.coached.push((1, n.rule.to_string(), n.text.to_string(), 1000));
        let tags = say(&mut m, 1, "Last chance, or I walk away.", 2000);
        assert_eq!(due(&m, &tags, &p, 1, 2000), None, "each rule once, and not within 45 s of the last nudge");
    }
}
