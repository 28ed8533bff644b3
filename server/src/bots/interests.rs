//! Talking about interests, as pure functions: reading what the counterpart says about their
//! priorities (checked statements and free text read with the tactic tagger), deciding what a
//! bot says about its own (by its honesty, never a statement the server would mark misleading),
//! and ordering its concessions so that what they said matters to them comes first.

use super::level::Honesty;
use crate::core::tactics::{Line, Tactic, Tagger, Vocabulary};
use std::collections::BTreeMap;

/// One issue as a bot sees it: its name, its options and the bot's own points for each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueFacts {
    /// Issue id.
    pub id: String,
    /// Its name, as the scenario writes it.
    pub name: String,
    /// Option labels.
    pub options: Vec<String>,
    /// The bot's points for each option.
    pub points: Vec<i64>,
}

impl IssueFacts {
    /// How much the issue matters to the bot: best minus worst option (the server's weight).
    pub fn weight(&self) -> i64 {
        self.points.iter().max().unwrap_or(&0) - self.points.iter().min().unwrap_or(&0)
    }
}

/// What the counterpart has told the bot about one issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Belief {
    /// It matters a lot to them.
    High,
    /// It matters little to them.
    Low,
}

/// What the bot has learnt of the counterpart's priorities, by issue index.
pub type Beliefs = BTreeMap<usize, Belief>;

/// What a checked statement or a chat line of the counterpart tells the bot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reading {
    /// They asked what matters to the bot (a preference question).
    pub asks_priorities: bool,
    /// The issues their line names.
    pub mentions: Vec<usize>,
    /// What they said matters to them (issue → belief).
    pub told: Vec<(usize, Belief)>,
    /// The line is small talk.
    pub small_talk: bool,
    /// They acknowledged the bot's position or thanked it.
    pub empathy: bool,
    /// They pushed: a pressure phrase, or undervaluing the bot's needs.
    pub pressure: bool,
    /// It is a question of some kind.
    pub question: bool,
}

/// The issue a statement's text names, when it is one of the server's renderings of a checked
/// statement (`Statement::render`): "X matters a lot to me.", "X matters little to me.",
/// "On X, I prefer \"A\" over \"B\"." (a preference says nothing about importance: none).
pub fn read_statement(text: &str, issues: &[IssueFacts]) -> Option<(usize, Belief)> {
    issues.iter().enumerate().find_map(|(k, i)| {
        if text == format!("{} matters a lot to me.", i.name) {
            Some((k, Belief::High))
        } else if text == format!("{} matters little to me.", i.name) {
            Some((k, Belief::Low))
        } else {
            None
        }
    })
}

/// The significant words of an issue's name (its id's words too), lower case: what someone
/// typing about it is likely to write ("salary" for "Base salary", "royalty" for "Royalty rate").
fn issue_words(i: &IssueFacts) -> Vec<String> {
    const COMMON: &[&str] = &["the", "and", "for", "after", "over", "with", "date", "rate", "base", "new"];
    let mut words: Vec<String> = format!("{} {}", i.name, i.id.replace('-', " "))
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(|w| w.trim_end_matches("'s").to_string())
        .filter(|w| w.len() >= 4 && !COMMON.contains(&w.as_str()))
        .collect();
    words.sort();
    words.dedup();
    words
}

/// The issues a text names, in scenario order.
pub fn mentions(text: &str, issues: &[IssueFacts]) -> Vec<usize> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let names =
        |w: &str| words.iter().any(|x| *x == w || x.strip_suffix('s') == Some(w) || w.strip_suffix('s') == Some(x));
    issues
        .iter()
        .enumerate()
        .filter(|(_, i)| lower.contains(&i.name.to_lowercase()) || issue_words(i).iter().any(|w| names(w)))
        .map(|(k, _)| k)
        .collect()
}

/// Words that, with a question mark, ask about the other side's priorities even when the tagger
/// misses it ("what matters most to you?").
const PRIORITY_WORDS: &[&str] = &["matter", "important", "priorit", "care about", "most", "flexible", "need"];
/// Pressure a bot hears, beyond the tagger's reading (the tagger has no pressure label).
const PRESSURE_WORDS: &[&str] = &["final offer", "take it or leave", "walk away", "last offer", "non-negotiable"];
/// Words that say an issue matters little to the speaker.
const LOW_WORDS: &[&str] = &["don't need", "do not need", "don't care", "not fussed", "flexible on", "less important"];

/// Reads one chat line of the counterpart: the tactic tagger's labels (on the line in the
/// context of the dialogue so far, `dialogue`'s last line) and the issues it names.
pub fn read_line(dialogue: &[Line], vocab: &Vocabulary, issues: &[IssueFacts]) -> Reading {
    let Some(last) = dialogue.last() else { return Reading::default() };
    let tags = Tagger::bundled().tag_last(dialogue, vocab).unwrap_or_default();
    let lower = last.text.to_lowercase();
    let question = lower.contains('?');
    let mentions = mentions(last.text, issues);
    let asks_priorities =
        tags.has(Tactic::ElicitPref) || (question && PRIORITY_WORDS.iter().any(|w| lower.contains(w)));
    let low = tags.has(Tactic::NoNeed) || LOW_WORDS.iter().any(|w| lower.contains(w));
    let need = tags.has(Tactic::SelfNeed) || lower.contains("matters a lot") || lower.contains("important to me");
    // A need or a "don't need" about the issues named, said about oneself (not in a question).
    let told = if question {
        vec![]
    } else if low {
        mentions.iter().map(|&k| (k, Belief::Low)).collect()
    } else if need {
        mentions.iter().map(|&k| (k, Belief::High)).collect()
    } else {
        vec![]
    };
    Reading {
        asks_priorities,
        told,
        small_talk: tags.has(Tactic::SmallTalk) && mentions.is_empty(),
        empathy: tags.has(Tactic::ShowingEmpathy) || lower.contains("thank"),
        pressure: tags.has(Tactic::UvPart) || PRESSURE_WORDS.iter().any(|w| lower.contains(w)),
        question,
        mentions,
    }
}

/// The server's rule for "X matters a lot / little to me" (`Statement::is_true`): a lot when the
/// issue's weight is at least the mean weight, little when at most.
pub fn importance_is_true(issues: &[IssueFacts], issue: usize, high: bool) -> bool {
    let weights: Vec<i64> = issues.iter().map(IssueFacts::weight).collect();
    let Some(&w) = weights.get(issue) else { return false };
    // Compare w · n with the sum, in integers: no rounding can turn a true statement false.
    let (n, sum) = (weights.len() as i64, weights.iter().sum::<i64>());
    if high {
        w * n >= sum
    } else {
        w * n <= sum
    }
}

/// Issue indices by how much they matter to the bot, most first (ties by index).
pub fn my_order(issues: &[IssueFacts]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..issues.len()).collect();
    order.sort_by_key(|&k| (std::cmp::Reverse(issues[k].weight()), k));
    order
}

/// How a bot answers a question about its priorities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Checked statements (issue, matters a lot?), each true by the server's rule.
    Tell(Vec<(usize, bool)>),
    /// A friendly line that reveals nothing (partly truthful, about anything but its top issue).
    Vague,
    /// "You first": the evasive bot until the counterpart has shared.
    Deflect,
}

/// What to say about its own priorities when asked (`asked`: the issue the question named, if
/// any), given its honesty, what it has already told (`told`) and how many things the
/// counterpart has shared. Every statement returned is true (tested on every bundled scenario).
pub fn answer(
    honesty: Honesty,
    issues: &[IssueFacts],
    asked: Option<usize>,
    told: &[usize],
    they_shared: usize,
) -> Answer {
    let order = my_order(issues);
    let Some(&top) = order.first() else { return Answer::Vague };
    let fresh = |k: &usize| !told.contains(k);
    // A statement about an issue, said the way that is true (ties at the mean are both).
    let truthful = |k: usize| (k, importance_is_true(issues, k, true));
    let statements: Vec<(usize, bool)> = match honesty {
        Honesty::Truthful => match asked {
            Some(k) => vec![truthful(k)],
            None => {
                // Its top issue, and what matters least (so the learner can see a trade).
                let mut v = vec![(top, true)];
                v.extend(
                    order.last().filter(|&&b| b != top && importance_is_true(issues, b, false)).map(|&b| (b, false)),
                );
                v
            }
        },
        Honesty::Partial => match asked {
            Some(k) if k != top => return Answer::Vague,
            _ => vec![(top, true)],
        },
        Honesty::Evasive if they_shared < 2 || !told.is_empty() => return Answer::Deflect,
        Honesty::Evasive => vec![(top, true)],
    };
    let fresh: Vec<(usize, bool)> = statements.into_iter().filter(|(k, _)| fresh(k)).collect();
    debug_assert!(fresh.iter().all(|&(k, high)| importance_is_true(issues, k, high)));
    if fresh.is_empty() {
        // Already said: a truthful bot has nothing new to add; the others stay vague.
        Answer::Vague
    } else {
        Answer::Tell(fresh)
    }
}

/// The order in which a bot gives ground on issues: least important to it first, but an issue
/// the counterpart said matters to them moves earlier, and one they said matters little moves
/// later (giving it away buys nothing). A fifth of the bot's total weight is the size of the
/// nudge: enough to trade on near-ties, never enough to give away its top issue for nothing.
pub fn concession_order(issues: &[IssueFacts], beliefs: &Beliefs) -> Vec<usize> {
    let total: i64 = issues.iter().map(IssueFacts::weight).sum::<i64>().max(1);
    let mut order: Vec<(i64, usize)> = (0..issues.len())
        .map(|k| {
            let nudge = match beliefs.get(&k) {
                Some(Belief::High) => -total / 5,
                Some(Belief::Low) => total / 5,
                None => 0,
            };
            (issues[k].weight() + nudge, k)
        })
        .collect();
    order.sort();
    order.into_iter().map(|(_, k)| k).collect()
}

/// A package (option per issue) worth at least `target` in the bot's points, built from its
/// best option on every issue by giving ground on issues in `order` (each moved to the cheapest
/// option that keeps the package at the target). Its best package when the target is out of reach.
pub fn package_worth(issues: &[IssueFacts], order: &[usize], target: i64) -> Vec<usize> {
    let mut choice: Vec<usize> = issues
        .iter()
        .map(|i| (0..i.points.len()).max_by_key(|&o| (i.points[o], std::cmp::Reverse(o))).unwrap_or(0))
        .collect();
    let mut total: i64 = issues.iter().zip(&choice).map(|(i, &o)| i.points.get(o).copied().unwrap_or(0)).sum();
    for &k in order {
        let p = &issues[k].points;
        let cur = choice[k];
        let mut opts: Vec<usize> = (0..p.len()).collect();
        opts.sort_by_key(|&o| p[o]);
        if let Some(o) = opts.into_iter().find(|&o| total - p[cur] + p[o] >= target) {
            total = total - p[cur] + p[o];
            choice[k] = o;
        }
    }
    choice
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn issue(id: &str, name: &str, points: &[i64]) -> IssueFacts {
        IssueFacts {
            id: id.into(),
            name: name.into(),
            options: (0..points.len()).map(|k| format!("option {k}")).collect(),
            points: points.to_vec(),
        }
    }

    fn three() -> Vec<IssueFacts> {
        vec![
            issue("salary", "Base salary", &[0, 10, 20]),
            issue("bonus", "Signing bonus", &[0, 2]),
            issue("start", "Start date", &[6, 0]),
        ]
    }

    #[test]
    fn statements_and_free_text_are_read_as_the_counterparts_priorities() {
        let issues = three();
        assert_eq!(read_statement("Signing bonus matters a lot to me.", &issues), Some((1, Belief::High)));
        assert_eq!(read_statement("Start date matters little to me.", &issues), Some((2, Belief::Low)));
        assert_eq!(read_statement("On Start date, I prefer \"a\" over \"b\".", &issues), None);
        assert_eq!(mentions("I really need a better salary and an earlier start", &issues), vec![0, 2]);
        assert_eq!(mentions("How are you?", &issues), Vec::<usize>::new());
        let vocab = Vocabulary::from_phrases(&["Base salary", "Signing bonus", "Start date"]);
        let read = |text: &str| read_line(&[Line { speaker: 1, text }], &vocab, &issues);
        let q = read("What matters most to you in this offer?");
        assert!(q.asks_priorities && q.question, "{q:?}");
        let need = read("I need a higher salary because I am moving city.");
        assert_eq!(need.told, vec![(0, Belief::High)]);
        let low = read("I don't need a signing bonus, honestly.");
        assert_eq!(low.told, vec![(1, Belief::Low)]);
        assert!(read("This is my final offer.").pressure);
        assert!(read("Hi! How was your weekend?").small_talk);
        assert!(read("Thanks, I understand that the salary is hard for you.").empathy);
    }

    #[test]
    fn every_level_answers_about_its_priorities_truthfully_or_not_at_all() {
        let issues = three();
        // Weights 20, 2, 6 (mean 9.3): salary matters a lot, bonus and start date little.
        assert_eq!(answer(Honesty::Truthful, &issues, None, &[], 0), Answer::Tell(vec![(0, true), (1, false)]));
        assert_eq!(answer(Honesty::Truthful, &issues, Some(2), &[], 0), Answer::Tell(vec![(2, false)]));
        assert_eq!(answer(Honesty::Partial, &issues, None, &[], 0), Answer::Tell(vec![(0, true)]));
        assert_eq!(answer(Honesty::Partial, &issues, Some(2), &[], 0), Answer::Vague);
        assert_eq!(answer(Honesty::Partial, &issues, None, &[0], 0), Answer::Vague, "never twice");
        assert_eq!(answer(Honesty::Evasive, &issues, None, &[], 1), Answer::Deflect);
        assert_eq!(answer(Honesty::Evasive, &issues, None, &[], 2), Answer::Tell(vec![(0, true)]));
        assert_eq!(answer(Honesty::Evasive, &issues, None, &[0], 5), Answer::Deflect, "tells once");
    }

    #[test]
    fn what_they_said_matters_to_them_is_given_first() {
        let issues = vec![issue("a", "A", &[0, 10]), issue("b", "B", &[0, 8]), issue("c", "C", &[0, 30])];
        assert_eq!(concession_order(&issues, &Beliefs::new()), vec![1, 0, 2]);
        let mut told = Beliefs::new();
        told.insert(0, Belief::High);
        assert_eq!(concession_order(&issues, &told), vec![0, 1, 2], "their A before my B");
        told.insert(1, Belief::Low);
        assert_eq!(concession_order(&issues, &told), vec![0, 1, 2]);
        told.insert(2, Belief::High);
        assert_eq!(concession_order(&issues, &told)[2], 2, "never its top issue for a nudge");
    }
}
