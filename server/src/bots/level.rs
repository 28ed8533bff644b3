//! Levels: easy, realistic and tough counterparts, each a fixed mix of traits (how a bot talks
//! about interests, reacts to feelings, uses its favour ledger and concedes). The table in
//! `docs/bots.md` (*Levels*) is this file in words; a test below keeps the two in step on the
//! numbers that matter.

use super::strategies::StrategyRef;
use crate::protocol::BotLevel;

/// How a bot answers questions about its own priorities. No level lies: every checked statement
/// a bot makes is true by the server's rule (`Statement::is_true`), whatever its honesty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Honesty {
    /// Answers every question with a true checked statement, and names what matters little too.
    Truthful,
    /// Tells its top issue (true); other questions get a friendly line that reveals nothing.
    Partial,
    /// Deflects ("you first") until the learner has shared at least two things, then tells its
    /// top issue (true) once.
    Evasive,
}

/// The mix of traits of one level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Traits {
    /// The strategy (concession curve and pressure lines) when none is asked for.
    pub strategy: &'static str,
    /// How it answers questions about its priorities.
    pub honesty: Honesty,
    /// Questions it asks about the learner's interests during bargaining.
    pub questions: usize,
    /// Points subtracted from the strategy's aspiration as time passes (`aspiration − give · t`):
    /// an easy bot gives ground faster than its strategy alone would.
    pub give: f64,
    /// The least share of its range (from BATNA + 1 to its maximum) it ever aims for: a tough
    /// bot never goes near its walk-away.
    pub floor: f64,
    /// From this share of bargaining time on, it accepts any offer above its walk-away (never
    /// for the tough bot, which only accepts what meets its aspiration).
    pub late_accept: Option<f64>,
    /// After it conceded, it holds until the learner concedes back — up to this share of the time
    /// (the favour ledger shaping offers); none: it keeps moving on its own curve.
    pub waits_for_return_until: Option<f64>,
    /// Reacts warmly to feelings (acknowledges frustration, returns small talk, thanks); a tough
    /// bot acknowledges frustration briefly and gets back to the issues.
    pub warm: bool,
}

impl Traits {
    /// The traits of a level.
    pub fn of(level: BotLevel) -> Traits {
        match level {
            BotLevel::Easy => Traits {
                strategy: "logroller",
                honesty: Honesty::Truthful,
                questions: 2,
                give: 0.2,
                floor: 0.0,
                late_accept: Some(0.7),
                waits_for_return_until: None,
                warm: true,
            },
            BotLevel::Realistic => Traits {
                strategy: "tit_for_tat",
                honesty: Honesty::Partial,
                questions: 2,
                give: 0.0,
                floor: 0.0,
                late_accept: Some(0.9),
                waits_for_return_until: Some(0.6),
                warm: true,
            },
            BotLevel::Tough => Traits {
                strategy: "hardballer",
                honesty: Honesty::Evasive,
                questions: 1,
                give: 0.0,
                floor: 0.3,
                late_accept: None,
                waits_for_return_until: Some(0.85),
                warm: false,
            },
        }
    }
}

/// Who a bot is: its strategy and its level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Persona {
    /// Concession curve and pressure lines.
    pub strategy: StrategyRef,
    /// The mix of traits.
    pub level: BotLevel,
}

impl Persona {
    /// The persona for a request: a level asked for brings its own strategy unless one is named;
    /// with no level the bot is realistic, with the named strategy or one at random (what
    /// `play_bot` and `add_bot` did before there were levels).
    pub fn choose(strategy: Option<StrategyRef>, level: Option<BotLevel>) -> Persona {
        match (strategy, level) {
            (Some(strategy), level) => Persona { strategy, level: level.unwrap_or_default() },
            (None, Some(level)) => Persona::of(level),
            (None, None) => Persona { strategy: StrategyRef::random(), level: BotLevel::Realistic },
        }
    }

    /// A level with its own strategy.
    pub fn of(level: BotLevel) -> Persona {
        let strategy = StrategyRef::parse(Traits::of(level).strategy).expect("a level names a registered strategy");
        Persona { strategy, level }
    }

    /// The level's traits.
    pub fn traits(&self) -> Traits {
        Traits::of(self.level)
    }

    /// The share of its range (0..1) it aims for now: the strategy's aspiration, less what the
    /// level gives with time, never under the level's floor.
    pub fn aspiration(&self, now: &super::strategies::Moment) -> f64 {
        let t = self.traits();
        (self.strategy.aspiration(now) - t.give * now.t).max(t.floor).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bots::strategies::Moment;

    #[test]
    fn each_level_names_a_strategy_and_a_request_picks_a_persona() {
        for level in BotLevel::ALL {
            let p = Persona::of(level);
            assert_eq!(p.strategy.name(), Traits::of(level).strategy);
        }
        let hard = StrategyRef::parse("hardballer").unwrap();
        assert_eq!(Persona::choose(Some(hard), None), Persona { strategy: hard, level: BotLevel::Realistic });
        assert_eq!(Persona::choose(None, Some(BotLevel::Easy)).strategy.name(), "logroller");
        assert_eq!(Persona::choose(Some(hard), Some(BotLevel::Easy)).level, BotLevel::Easy);
        assert_eq!(Persona::choose(None, None).level, BotLevel::Realistic);
    }

    #[test]
    fn easy_gives_more_than_realistic_and_tough_never_goes_below_its_floor() {
        let at = |level, t: f64| Persona::of(level).aspiration(&Moment { t, conceded_to_me: 0.0 });
        for level in BotLevel::ALL {
            assert!((at(level, 0.0) - 1.0).abs() < 1e-9, "{level:?} starts at its best");
        }
        // At every point of the clock the easy bot wants less than the same strategy at realistic.
        let logroller = StrategyRef::parse("logroller").unwrap();
        for k in 1..=10 {
            let t = k as f64 / 10.0;
            let m = Moment { t, conceded_to_me: 0.0 };
            let easy = Persona { strategy: logroller, level: BotLevel::Easy }.aspiration(&m);
            let real = Persona { strategy: logroller, level: BotLevel::Realistic }.aspiration(&m);
            assert!(easy < real, "t = {t}: {easy} < {real}");
            assert!(at(BotLevel::Tough, t) >= 0.3 - 1e-9, "tough keeps 30 % of its range at t = {t}");
        }
        assert!(Traits::of(BotLevel::Tough).late_accept.is_none(), "tough never takes just anything");
    }
}
