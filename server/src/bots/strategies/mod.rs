//! Bot strategies: what makes one bot's style differ from another's, behind the [`Strategy`]
//! trait, one file each. The [`Brain`](super::brain::Brain) does everything they share (reading
//! frames, answering icebreakers, building packages, pacing chat, accepting); a strategy only
//! answers its questions: how fast to concede, whether to ask and disclose, what to say back.
//!
//! Adding a strategy is one new file in this folder (a unit struct implementing [`Strategy`])
//! plus one line in the [`registry!`] below, which also gives it its name in `play_bot`, the
//! facilitator's `add_bot` and the bot settings (`docs/bots.md`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Where a bargaining stands, as a bot sees it from its own frames.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moment {
    /// The share of bargaining time gone, 0..1.
    pub t: f64,
    /// What the counterpart's offers have conceded to the bot so far, as a share of the bot's
    /// range (from BATNA + 1 to its maximum); 0 until they move.
    pub conceded_to_me: f64,
}

/// What a bot has read of its counterpart in the chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counterpart {
    /// They used pressure ("final offer", "take it or leave it", walking away).
    pub pressure: bool,
    /// They asked, acknowledged or thanked.
    pub warm: bool,
}

/// A bot's negotiating style. Implementations are unit structs listed in [`ALL`].
pub trait Strategy: Send + Sync + 'static {
    /// The name in messages, settings and docs (`snake_case`, unique).
    fn name(&self) -> &'static str;

    /// The bot's aspiration: the share (0..1) of its range, from BATNA + 1 to its maximum, that
    /// it wants now. The brain offers packages worth at least that and accepts offers that are.
    fn aspiration(&self, now: &Moment) -> f64;

    /// Whether it asks what matters to the counterpart at the start of bargaining.
    fn asks_questions(&self) -> bool {
        true
    }

    /// Whether it makes one true statement ("X matters a lot to me") about its top issue.
    fn discloses_top_issue(&self) -> bool {
        false
    }

    /// Lines proposing a trade, one said after its offer that follows the counterpart's first
    /// offer (`{low}`, `{high}`, `{a}`, `{b}` are filled in with issue names); none by default.
    fn trade_lines(&self) -> &'static [&'static str] {
        &[]
    }

    /// Lines answering a counterpart's question or pressure during bargaining (templates as in
    /// [`Strategy::trade_lines`]). Small talk is answered the same way by every strategy.
    fn bargaining_replies(&self, _counterpart: &Counterpart) -> &'static [&'static str] {
        ACKNOWLEDGE
    }

    /// Its rating (1..7) of every survey question, after a deal or not.
    fn survey_rating(&self, deal: bool) -> u8 {
        if deal {
            6
        } else {
            3
        }
    }
}

/// The default answers in bargaining: acknowledging the counterpart's concern.
pub const ACKNOWLEDGE: &[&str] = &[
    "I understand why that matters to you.",
    "That makes sense, thanks for explaining.",
    "It sounds like {a} is a real constraint for you.",
];

/// A strategy as settings and messages name it: a cheap copy of a registered [`Strategy`],
/// (de)serialised as its name.
#[derive(Clone, Copy)]
pub struct StrategyRef(&'static dyn Strategy);

/// Lists the strategy modules and their types: one line each. The first is the default.
macro_rules! registry {
    ($($module:ident :: $ty:ident),+ $(,)?) => {
        $(mod $module;)+
        /// Every strategy, the default first.
        pub const ALL: &[StrategyRef] = &[$(StrategyRef(&$module::$ty)),+];
    };
}

registry! {
    logroller::Logroller,
    hardballer::Hardballer,
    tit_for_tat::TitForTat,
}

impl StrategyRef {
    /// The strategy with this name.
    pub fn parse(name: &str) -> Option<StrategyRef> {
        ALL.iter().copied().find(|s| s.name() == name)
    }

    /// The names, for messages: `a, b or c`.
    pub fn names() -> String {
        let names: Vec<&str> = ALL.iter().map(|s| s.name()).collect();
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => names.join(""),
        }
    }

    /// One at random.
    pub fn random() -> StrategyRef {
        use rand::Rng;
        ALL[rand::rng().random_range(0..ALL.len())]
    }
}

impl std::ops::Deref for StrategyRef {
    type Target = dyn Strategy;
    fn deref(&self) -> &(dyn Strategy + 'static) {
        self.0
    }
}

impl Default for StrategyRef {
    fn default() -> StrategyRef {
        ALL[0]
    }
}

impl PartialEq for StrategyRef {
    fn eq(&self, other: &StrategyRef) -> bool {
        self.name() == other.name()
    }
}

impl Eq for StrategyRef {}

impl fmt::Debug for StrategyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for StrategyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for StrategyRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for StrategyRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<StrategyRef, D::Error> {
        let name = String::deserialize(d)?;
        StrategyRef::parse(&name).ok_or_else(|| {
            serde::de::Error::custom(format!("unknown strategy {name:?}: it is {}", StrategyRef::names()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_names_each_strategy_once_and_parses_its_names() {
        let names: Vec<&str> = ALL.iter().map(|s| s.name()).collect();
        assert_eq!(names, ["logroller", "hardballer", "tit_for_tat"]);
        for s in ALL {
            assert_eq!(StrategyRef::parse(s.name()), Some(*s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.name());
            assert_eq!(serde_json::from_value::<StrategyRef>(s.name().into()).unwrap(), *s);
        }
        assert_eq!(StrategyRef::parse("nice"), None);
        assert!(serde_json::from_value::<StrategyRef>("nice".into()).is_err());
        assert_eq!(StrategyRef::default().name(), "logroller");
        assert_eq!(StrategyRef::names(), "logroller, hardballer or tit_for_tat");
    }

    #[test]
    fn aspirations_start_at_the_top_and_stay_in_range() {
        for s in ALL {
            let start = s.aspiration(&Moment { t: 0.0, conceded_to_me: 0.0 });
            assert!((start - 1.0).abs() < 1e-9, "{s} starts at its best");
            for k in 0..=10 {
                let a = s.aspiration(&Moment { t: k as f64 / 10.0, conceded_to_me: 0.0 });
                assert!((0.0..=1.0).contains(&a), "{s} at t = {k}/10: {a}");
            }
        }
    }
}
