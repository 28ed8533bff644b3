//! The favour ledger: who conceded what, offer by offer, as a bot sees it in its own points. It
//! shapes later offers (a bot that moved last may wait for a move back) and lines ("I moved on
//! the fee last time"). Pure: fed the packages of successive offers.

use std::collections::BTreeMap;

/// Whose move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The bot.
    Me,
    /// The counterpart.
    Them,
}

/// One concession: a new offer that gave ground, compared with the same side's previous offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Favour {
    /// Who gave ground.
    pub by: Side,
    /// The issues (indices) where they gave ground, in scenario order.
    pub issues: Vec<usize>,
    /// What it was worth in the bot's points (what the bot gave up, or gained from them).
    pub points: i64,
}

/// A package as option indices, one per issue in scenario order.
pub type Choice = Vec<usize>;

/// Every concession of the match so far, oldest first, and each side's last offer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    /// Concessions in the order they were made.
    pub favours: Vec<Favour>,
    last: BTreeMap<bool, Choice>,
}

impl Ledger {
    /// Records an offer by `by` (`points[issue][option]` are the bot's own points). Returns the
    /// concession it made, if it made one: for the bot, the issues where its new offer is worth
    /// less to it; for the counterpart, the issues where theirs is worth more to the bot. The
    /// first offer of a side concedes nothing (it is where that side starts).
    pub fn record(&mut self, by: Side, offer: Choice, points: &[Vec<i64>]) -> Option<&Favour> {
        let key = by == Side::Me;
        let before = self.last.insert(key, offer.clone())?;
        let value = |c: &Choice, k: usize| points.get(k).and_then(|p| p.get(c[k]).copied()).unwrap_or(0);
        let gave = |k: usize| match by {
            Side::Me => value(&offer, k) < value(&before, k),
            Side::Them => value(&offer, k) > value(&before, k),
        };
        let issues: Vec<usize> = (0..offer.len().min(before.len())).filter(|&k| gave(k)).collect();
        let total = |c: &Choice| (0..c.len()).map(|k| value(c, k)).sum::<i64>();
        let points_moved = match by {
            Side::Me => total(&before) - total(&offer),
            Side::Them => total(&offer) - total(&before),
        };
        if issues.is_empty() || points_moved <= 0 {
            return None;
        }
        self.favours.push(Favour { by, issues, points: points_moved });
        self.favours.last()
    }

    /// The bot conceded last and the counterpart has not conceded since: a move is owed to it.
    pub fn owed_to_me(&self) -> bool {
        self.favours.last().is_some_and(|f| f.by == Side::Me)
    }

    /// The bot's most recent concession.
    pub fn my_last(&self) -> Option<&Favour> {
        self.favours.iter().rev().find(|f| f.by == Side::Me)
    }

    /// How many times each side has conceded: (the bot, the counterpart).
    pub fn counts(&self) -> (usize, usize) {
        let mine = self.favours.iter().filter(|f| f.by == Side::Me).count();
        (mine, self.favours.len() - mine)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ledger_records_who_gave_ground_on_what() {
        // Bot's points: issue 0 options worth 10/5/0, issue 1 worth 0/4.
        let points = vec![vec![10, 5, 0], vec![0, 4]];
        let mut l = Ledger::default();
        assert!(l.record(Side::Me, vec![0, 1], &points).is_none(), "a first offer is a start, not a move");
        assert!(l.record(Side::Them, vec![2, 0], &points).is_none());
        // The counterpart moves on issue 0 (worth 5 more to the bot).
        let f = l.record(Side::Them, vec![1, 0], &points).cloned().unwrap();
        assert_eq!(f, Favour { by: Side::Them, issues: vec![0], points: 5 });
        assert!(!l.owed_to_me());
        // The bot moves on issue 1 (gives up 4).
        let f = l.record(Side::Me, vec![0, 0], &points).cloned().unwrap();
        assert_eq!(f, Favour { by: Side::Me, issues: vec![1], points: 4 });
        assert!(l.owed_to_me());
        assert_eq!(l.my_last().unwrap().issues, vec![1]);
        // The same offer again, or a harder one, is no concession.
        assert!(l.record(Side::Them, vec![1, 0], &points).is_none());
        assert!(l.record(Side::Them, vec![2, 0], &points).is_none());
        assert_eq!(l.counts(), (1, 1));
    }
}
