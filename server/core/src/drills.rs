//! Practice drills: short exercises with one goal each, checked at the end of a practice match
//! from what the log holds (the tagger's reading of the learner's lines, the offers, the deal and
//! the scoring), with a sentence of feedback that says what happened and what to try. Each goal
//! rests on a research point from `../shared/seeds/`: interests surface by asking, value is
//! created by trading across issues, acknowledging emotions builds trust, creating value beats
//! splitting it.
//!
//! Pure: a drill's check reads a replayed match and the tactics of its player lines.

use crate::game::{Match, Outcome};
use crate::scenario::Scenario;
use crate::scoring::package_points;
use crate::tactics::{Tactic, Tactics};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// A drill a learner can choose in the practice pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Drill {
    /// Ask three questions about their interests before your first offer.
    AskFirst,
    /// Find a trade on two issues.
    FindATrade,
    /// Acknowledge before you answer a tough line.
    AcknowledgeFirst,
    /// Close a deal above 80% efficiency.
    EfficientDeal,
}

/// Questions the `AskFirst` drill asks for.
pub const QUESTIONS_BEFORE_OFFER: usize = 3;
/// Efficiency the `EfficientDeal` drill asks for.
pub const EFFICIENCY_GOAL: f64 = 0.8;
/// What a "tough line" is for `AcknowledgeFirst`: a counterpart insisting on their own need,
/// playing down yours, or appealing to fairness (the tagger's labels).
const TOUGH: [Tactic; 3] = [Tactic::SelfNeed, Tactic::UvPart, Tactic::VouchFair];

impl Drill {
    /// Every drill, in the order the page lists them.
    pub const ALL: [Drill; 4] = [Drill::AskFirst, Drill::FindATrade, Drill::AcknowledgeFirst, Drill::EfficientDeal];

    /// The goal, as the learner reads it before and during the match.
    pub fn goal(self) -> &'static str {
        match self {
            Drill::AskFirst => "Ask three questions about their interests before your first offer.",
            Drill::FindATrade => {
                "Find a trade: get your way on one issue by giving way on another that matters more to them."
            }
            Drill::AcknowledgeFirst => "When they push back, acknowledge it before you answer.",
            Drill::EfficientDeal => "Close a deal worth at least 80% of the most the two of you could make.",
        }
    }
}

/// A drill as its learner sees it during the match (nobody else is shown it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DrillGoal {
    /// The drill.
    pub drill: Drill,
    /// Its goal, in words.
    pub goal: String,
}

impl From<Drill> for DrillGoal {
    fn from(drill: Drill) -> DrillGoal {
        DrillGoal { drill, goal: drill.goal().to_string() }
    }
}

/// How a drill went, for the learner's results and history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DrillOutcome {
    /// The drill.
    pub drill: Drill,
    /// Its goal, in words.
    pub goal: String,
    /// Whether the goal was met.
    pub met: bool,
    /// What happened and what to try, in a sentence or two (English).
    pub feedback: String,
    /// The same as a stable key (`<drill>.<case>`) for the page to word in its language (absent
    /// in histories stored before it existed).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub feedback_key: String,
    /// The numbers and issues the sentence names (issues by id and by the scenario's own name).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub feedback_params: BTreeMap<String, Value>,
}

/// One check's verdict: met or not, the English sentence, and its key and parameters.
struct Verdict {
    met: bool,
    key: &'static str,
    params: Value,
    text: String,
}

fn verdict(met: bool, key: &'static str, params: Value, text: impl Into<String>) -> Verdict {
    Verdict { met, key, params, text: text.into() }
}

/// Checks a drill for `seat` in a match that reached its results. `line_tactics` are the tags of
/// the match's player lines (chat and statements) in chat order, as the trust report holds them.
pub fn check(drill: Drill, m: &Match, line_tactics: &[Tactics], seat: usize) -> DrillOutcome {
    let s = &*m.config.scenario;
    let v = match drill {
        Drill::AskFirst => ask_first(m, line_tactics, seat),
        Drill::FindATrade => find_a_trade(s, m, seat),
        Drill::AcknowledgeFirst => acknowledge_first(m, line_tactics, seat),
        Drill::EfficientDeal => efficient_deal(s, m),
    };
    let feedback_params = match v.params {
        Value::Object(map) => map.into_iter().collect(),
        _ => BTreeMap::new(),
    };
    DrillOutcome {
        drill,
        goal: drill.goal().to_string(),
        met: v.met,
        feedback: v.text,
        feedback_key: v.key.to_string(),
        feedback_params,
    }
}

/// The player lines with their tactics: `(seat, at, tactics)` in chat order.
fn tagged_lines<'a>(m: &'a Match, line_tactics: &'a [Tactics]) -> impl Iterator<Item = (usize, i64, Tactics)> + 'a {
    m.chat
        .iter()
        .filter_map(|c| c.seat.map(|seat| (seat, c.at)))
        .zip(line_tactics)
        .map(|((seat, at), t)| (seat, at, *t))
}

fn ask_first(m: &Match, line_tactics: &[Tactics], seat: usize) -> Verdict {
    let first_offer = m.offers.iter().filter(|o| o.seat == seat).map(|o| o.at).min();
    let asked = tagged_lines(m, line_tactics)
        .filter(|(s, at, t)| *s == seat && first_offer.is_none_or(|f| *at <= f) && t.has(Tactic::ElicitPref))
        .count();
    let before = if first_offer.is_some() { "before your first offer" } else { "(you made no offer)" };
    let params = json!({"asked": asked, "goal": QUESTIONS_BEFORE_OFFER});
    let offered = first_offer.is_some();
    if asked >= QUESTIONS_BEFORE_OFFER {
        let text = format!(
            "Done: you asked {asked} questions about their interests {before}. Asking first is how the interests \
             they keep to themselves come out."
        );
        verdict(true, if offered { "ask_first.met" } else { "ask_first.met_no_offer" }, params, text)
    } else {
        let text = format!(
            "You asked {asked} of {QUESTIONS_BEFORE_OFFER} questions about their interests {before}. Next time ask \
             what matters to them, and why, before you put a package on the table."
        );
        verdict(false, if offered { "ask_first.missed" } else { "ask_first.missed_no_offer" }, params, text)
    }
}

fn find_a_trade(s: &Scenario, m: &Match, seat: usize) -> Verdict {
    let Some(package) = m.deal() else {
        let text = "There was no deal, so no trade. A trade is a deal: try again and aim to close one.";
        return verdict(false, "find_a_trade.no_deal", json!({}), text);
    };
    let best_for = |role: usize, issue: usize| {
        let pts = &s.issues[issue].points[role];
        pts.get(package[issue]).is_some_and(|p| Some(p) == pts.iter().max())
    };
    // Issues that went the learner's way, and issues that went a counterpart's way (each side's
    // best option), among the issues that matter to them at all.
    let cares = |role: usize, issue: usize| {
        let pts = &s.issues[issue].points[role];
        pts.iter().max() > pts.iter().min()
    };
    let mine: Vec<usize> = (0..s.issues.len()).filter(|&i| cares(seat, i) && best_for(seat, i)).collect();
    let theirs: Vec<usize> = (0..s.issues.len())
        .filter(|&i| (0..s.roles.len()).any(|r| r != seat && cares(r, i) && best_for(r, i)))
        .filter(|i| !mine.contains(i))
        .collect();
    let joint = |pkg: &[usize]| package_points(s, pkg).iter().sum::<i64>();
    let split: Vec<usize> = s.issues.iter().map(|i| i.options.len() / 2).collect();
    let beats_split = joint(package) > joint(&split);
    match (mine.first(), theirs.first()) {
        (Some(&a), Some(&b)) if beats_split => verdict(
            true,
            "find_a_trade.met",
            json!({"won_issue": s.issues[a].id, "won": s.issues[a].name, "gave_issue": s.issues[b].id,
                   "gave": s.issues[b].name}),
            format!(
                "Done: you got your way on {} and gave way on {}, and the deal beats splitting every issue down the \
                 middle.",
                s.issues[a].name, s.issues[b].name
            ),
        ),
        (Some(_), Some(_)) => verdict(
            false,
            "find_a_trade.no_better_than_split",
            json!({}),
            "You traded issues, but the deal is worth no more together than splitting every issue down the middle: \
             trade the issues that matter most to you for the ones that matter most to them.",
        ),
        _ => verdict(
            false,
            "find_a_trade.no_trade",
            json!({}),
            "No trade: no issue went clearly your way while another went clearly theirs. Find out which issues \
             matter most to each of you, then give on theirs to win on yours.",
        ),
    }
}

fn acknowledge_first(m: &Match, line_tactics: &[Tactics], seat: usize) -> Verdict {
    let lines: Vec<(usize, i64, Tactics)> = tagged_lines(m, line_tactics).collect();
    let tough: Vec<usize> =
        (0..lines.len()).filter(|&k| lines[k].0 != seat && TOUGH.iter().any(|t| lines[k].2.has(*t))).collect();
    // The learner's first line after each tough line: did it acknowledge?
    let answers: Vec<bool> = tough
        .iter()
        .filter_map(|&k| lines[k + 1..].iter().find(|l| l.0 == seat).map(|l| l.2.has(Tactic::ShowingEmpathy)))
        .collect();
    let acknowledged = answers.iter().filter(|a| **a).count();
    if answers.is_empty() {
        let text = "They never pushed back in a way you answered, so there was nothing to acknowledge: try again, \
                    perhaps against the tough bot.";
        return verdict(false, "acknowledge_first.nothing_to_acknowledge", json!({}), text);
    }
    let n = answers.len();
    let params = json!({"acknowledged": acknowledged, "times": n});
    if acknowledged * 2 >= n && answers[0] {
        verdict(
            true,
            "acknowledge_first.met",
            params,
            format!(
                "Done: you acknowledged {acknowledged} of the {n} times they pushed back before you answered. Saying \
                 you see their point first keeps the talk about interests, not positions."
            ),
        )
    } else {
        verdict(
            false,
            "acknowledge_first.missed",
            params,
            format!(
                "You acknowledged {acknowledged} of the {n} times they pushed back. Start your reply by naming what \
                 you heard (\"I see that delivery matters a lot to you\") before you give your answer."
            ),
        )
    }
}

fn efficient_deal(s: &Scenario, m: &Match) -> Verdict {
    let Some(package) = m.deal() else {
        let (key, why) = match &m.outcome {
            Some(Outcome::Abandoned { .. }) => ("efficient_deal.ended_early", "The match ended early"),
            _ => ("efficient_deal.no_deal", "There was no deal"),
        };
        let text = format!("{why}, so no value was created beyond your walk-away values. Try again.");
        return verdict(false, key, json!({}), text);
    };
    let a = crate::scoring::analyse_outcome(s, Some(package));
    let pct = (a.efficiency * 100.0).round();
    if a.efficiency >= EFFICIENCY_GOAL {
        let text = format!("Done: your deal is worth {pct}% of the most the two of you could make together.");
        verdict(true, "efficient_deal.met", json!({"percent": pct as i64}), text)
    } else {
        verdict(
            false,
            "efficient_deal.missed",
            json!({"percent": pct as i64}),
            format!(
                "Your deal is worth {pct}% of the most the two of you could make. Look for packages that give each \
                 side the issues it values most: that is where the missing value is."
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::{Action, Event, MatchConfig};
    use crate::scenario::{load_file, PhaseDurations};
    use std::sync::Arc;

    fn campsite() -> Arc<Scenario> {
        Arc::new(
            load_file(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/campsite.toml")).unwrap(),
        )
    }

    /// A campsite match from the start of bargaining; `steps` are (seat, action), a second apart.
    /// `Accept(u64::MAX)` accepts the newest offer.
    fn play(steps: &[(usize, Action)]) -> Match {
        let config = MatchConfig {
            scenario: campsite(),
            durations: PhaseDurations { prep: 0, small_talk: 0, bargaining: 600, survey: 60 },
            small_talk: false,
            icebreaker: None,
            features: Default::default(),
        };
        let mut m = Match::new(config);
        let mut now = 1_000;
        let step = |m: &mut Match, now: i64, kinds: Vec<crate::game::EventKind>| {
            for kind in kinds {
                m.apply(&Event { at: now, kind });
            }
        };
        let start = m.start();
        step(&mut m, now, start);
        assert_eq!(m.phase, crate::game::Phase::Bargaining);
        for (seat, action) in steps {
            now += 1_000;
            let action = match action {
                Action::Accept(u64::MAX) => Action::Accept(m.offers.last().expect("an offer").id),
                a => a.clone(),
            };
            let kinds = m.decide(*seat, &action).unwrap_or_else(|e| panic!("{action:?}: {e:?}"));
            step(&mut m, now, kinds);
        }
        m
    }

    fn tags(list: &[&[Tactic]]) -> Vec<Tactics> {
        list.iter()
            .map(|ts| {
                let mut t = Tactics::default();
                for x in *ts {
                    t.insert(*x);
                }
                t
            })
            .collect()
    }

    fn chat(text: &str) -> Action {
        Action::Chat(text.into())
    }

    fn offer(pkg: [usize; 3]) -> Action {
        Action::Offer(pkg.to_vec())
    }

    #[test]
    fn ask_first_counts_questions_before_the_learners_first_offer_only() {
        let m = play(&[
            (0, chat("What matters most to you?")),
            (1, chat("Water, mostly.")),
            (0, chat("Why water?")),
            (0, offer([0, 0, 0])),
            (0, chat("And firewood?")),
        ]);
        let t = tags(&[&[Tactic::ElicitPref], &[Tactic::SelfNeed], &[Tactic::ElicitPref], &[Tactic::ElicitPref]]);
        let o = check(Drill::AskFirst, &m, &t, 0);
        assert!(!o.met);
        assert!(o.feedback.contains("2 of 3"), "{}", o.feedback);
        // The page words the same verdict from its key and numbers.
        assert_eq!(o.feedback_key, "ask_first.missed");
        assert_eq!((o.feedback_params["asked"].as_u64(), o.feedback_params["goal"].as_u64()), (Some(2), Some(3)));
        // Three before the offer meets it.
        let m = play(&[(0, chat("a?")), (0, chat("b?")), (0, chat("c?")), (0, offer([0, 0, 0]))]);
        let t = tags(&[&[Tactic::ElicitPref], &[Tactic::ElicitPref], &[Tactic::ElicitPref]]);
        assert!(check(Drill::AskFirst, &m, &t, 0).met);
        // The counterpart's questions are theirs.
        assert!(!check(Drill::AskFirst, &m, &t, 1).met);
    }

    #[test]
    fn acknowledge_first_reads_the_reply_after_each_tough_line() {
        let m = play(&[
            (1, chat("I need the water, my kids are thirsty.")),
            (0, chat("That sounds hard, I understand.")),
            (1, chat("That is only fair.")),
            (0, chat("Fine, what about firewood?")),
        ]);
        let t = tags(&[&[Tactic::SelfNeed], &[Tactic::ShowingEmpathy], &[Tactic::VouchFair], &[Tactic::ElicitPref]]);
        let o = check(Drill::AcknowledgeFirst, &m, &t, 0);
        assert!(o.met, "the first reply acknowledged, and half of all: {}", o.feedback);
        assert!(o.feedback.contains("1 of the 2"), "{}", o.feedback);
        assert_eq!(o.feedback_key, "acknowledge_first.met");
        assert_eq!(
            (o.feedback_params["acknowledged"].as_u64(), o.feedback_params["times"].as_u64()),
            (Some(1), Some(2))
        );
        // Answering the first tough line straight away misses it.
        let t = tags(&[&[Tactic::SelfNeed], &[Tactic::NonStrategic], &[Tactic::VouchFair], &[Tactic::ShowingEmpathy]]);
        assert!(!check(Drill::AcknowledgeFirst, &m, &t, 0).met);
        // No tough line: nothing to acknowledge, said so.
        let t = tags(&[&[Tactic::SmallTalk], &[Tactic::SmallTalk], &[Tactic::SmallTalk], &[Tactic::SmallTalk]]);
        let o = check(Drill::AcknowledgeFirst, &m, &t, 0);
        assert!(!o.met && o.feedback.contains("never pushed back"), "{}", o.feedback);
    }

    #[test]
    fn trades_and_efficiency_are_read_from_the_deal() {
        let s = campsite();
        // The package that maximises joint value is a trade by construction on this integrative case.
        let best = crate::scoring::max_joint_package(&s);
        let pkg: [usize; 3] = [best[0], best[1], best[2]];
        let m = play(&[(0, offer(pkg)), (1, Action::Accept(u64::MAX))]);
        assert!(m.deal().is_some());
        let eff = check(Drill::EfficientDeal, &m, &[], 0);
        assert!(eff.met && eff.feedback.contains("100%"), "{}", eff.feedback);
        assert_eq!(
            (eff.feedback_key.as_str(), eff.feedback_params["percent"].as_i64()),
            ("efficient_deal.met", Some(100))
        );
        let trade = check(Drill::FindATrade, &m, &[], 0);
        assert!(trade.met, "{}", trade.feedback);
        assert_eq!(trade.feedback_key, "find_a_trade.met");
        let won = trade.feedback_params["won_issue"].as_str().expect("the issue won, by id");
        assert!(trade.feedback.contains(&*campsite().issues.iter().find(|i| i.id == won).unwrap().name));
        // Splitting every issue down the middle is not a trade.
        let split: Vec<usize> = s.issues.iter().map(|i| i.options.len() / 2).collect();
        let m = play(&[(0, offer([split[0], split[1], split[2]])), (1, Action::Accept(u64::MAX))]);
        assert!(!check(Drill::FindATrade, &m, &[], 0).met);
        // The package with the least joint value is far below 80%.
        let n: [usize; 3] = std::array::from_fn(|k| s.issues[k].options.len());
        let worst = (0..n[0])
            .flat_map(|a| (0..n[1]).flat_map(move |b| (0..n[2]).map(move |c| [a, b, c])))
            .min_by_key(|p| package_points(&s, p).iter().sum::<i64>())
            .unwrap();
        let m = play(&[(0, offer(worst)), (1, Action::Accept(u64::MAX))]);
        let o = check(Drill::EfficientDeal, &m, &[], 0);
        assert!(!o.met && o.feedback.contains("Look for packages"), "{}", o.feedback);
        // No deal: each says so.
        let m = play(&[(0, Action::WalkAway)]);
        for d in Drill::ALL {
            assert!(!check(d, &m, &[], 0).met, "{d:?}");
        }
    }
}
