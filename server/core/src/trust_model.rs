//! The behavioural estimate of trust: how much a player's counterpart will like them, read
//! from the event log alone (no survey) — what the player did (their tactic profile, how they
//! answered the counterpart, pressure, concessions) and, in the full model, how the deal went.
//! A linear model fitted on human negotiations (CaSiNo, Chawla et al., NAACL 2021, CC BY 4.0)
//! to predict the partner's liking (1–5), shown on 0–100. The weights are in
//! `server/data/trust_model.toml`, written by `parley eval fit-trust`; the formula and every
//! weight are in `docs/scoring.md`.

use super::tactics::{Tactic, Tactics};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The features of one player, by name. Behaviour features come first; the outcome ones
/// (`own_share`, `partner_share`, `deal`) are only in the full model.
pub const BEHAVIOUR_FEATURES: &[&str] = &[
    "messages",
    "small_talk",
    "showing_empathy",
    "promote_coordination",
    "elicit_pref",
    "self_need",
    "other_need",
    "no_need",
    "uv_part",
    "vouch_fair",
    "small_talk_returned",
    "need_acknowledged",
    "question_answered",
    "pressure",
    "concessions",
];

/// The outcome features of the full model.
pub const OUTCOME_FEATURES: &[&str] = &["own_share", "partner_share", "deal"];

/// What one player did in a match, as the model reads it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlayerBehaviour {
    /// Chat lines written (statements included).
    pub messages: usize,
    /// Lines with each tactic.
    pub tactics: [usize; 10],
    /// Small talk answered with small talk (the previous line, the counterpart's, was small talk).
    pub small_talk_returned: usize,
    /// A counterpart's line about their needs answered with empathy.
    pub need_acknowledged: usize,
    /// A counterpart's question about priorities answered with the player's own needs.
    pub question_answered: usize,
    /// Lines with a pressure phrase.
    pub pressure: usize,
    /// Offers that gave the others more than the player's previous offer.
    pub concessions: usize,
}

/// How a match ended for one player, as the full model reads it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlayerOutcome {
    /// Own points ÷ the role's maximum.
    pub own_share: f64,
    /// The counterparts' points ÷ their maximum (mean over counterparts).
    pub partner_share: f64,
    /// 1 for a deal, 0 otherwise.
    pub deal: f64,
}

impl PlayerBehaviour {
    /// The named behaviour features (rates per line, so long and short talkers compare).
    pub fn features(&self) -> BTreeMap<&'static str, f64> {
        let n = self.messages.max(1) as f64;
        let rate = |t: Tactic| self.tactics[t.index()] as f64 / n;
        let mut f = BTreeMap::new();
        f.insert("messages", (1.0 + self.messages as f64).ln());
        f.insert("small_talk", rate(Tactic::SmallTalk));
        f.insert("showing_empathy", rate(Tactic::ShowingEmpathy));
        f.insert("promote_coordination", rate(Tactic::PromoteCoordination));
        f.insert("elicit_pref", rate(Tactic::ElicitPref));
        f.insert("self_need", rate(Tactic::SelfNeed));
        f.insert("other_need", rate(Tactic::OtherNeed));
        f.insert("no_need", rate(Tactic::NoNeed));
        f.insert("uv_part", rate(Tactic::UvPart));
        f.insert("vouch_fair", rate(Tactic::VouchFair));
        f.insert("small_talk_returned", (self.small_talk_returned as f64).min(5.0));
        f.insert("need_acknowledged", (self.need_acknowledged as f64).min(5.0));
        f.insert("question_answered", (self.question_answered as f64).min(5.0));
        f.insert("pressure", (self.pressure as f64).min(3.0));
        f.insert("concessions", (self.concessions as f64).min(5.0));
        f
    }

    /// Counts one line of this player's, given the counterpart's line just before it (if any).
    pub fn count_line(&mut self, tags: Tactics, previous_other: Option<Tactics>, pressure: bool) {
        self.messages += 1;
        for t in tags.iter() {
            self.tactics[t.index()] += 1;
        }
        if pressure {
            self.pressure += 1;
        }
        if let Some(p) = previous_other {
            if p.has(Tactic::SmallTalk) && tags.has(Tactic::SmallTalk) {
                self.small_talk_returned += 1;
            }
            if p.has(Tactic::SelfNeed) && tags.has(Tactic::ShowingEmpathy) {
                self.need_acknowledged += 1;
            }
            if p.has(Tactic::ElicitPref) && (tags.has(Tactic::SelfNeed) || tags.has(Tactic::NoNeed)) {
                self.question_answered += 1;
            }
        }
    }
}

impl PlayerOutcome {
    /// The named outcome features.
    pub fn features(&self) -> BTreeMap<&'static str, f64> {
        BTreeMap::from([("own_share", self.own_share), ("partner_share", self.partner_share), ("deal", self.deal)])
    }
}

/// A fitted linear model: `liking = intercept + Σ weight × feature`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Linear {
    /// The prediction with every feature at zero.
    pub intercept: f64,
    /// Weight of each feature, by name.
    pub weights: BTreeMap<String, f64>,
}

impl Linear {
    /// The predicted liking (1–5 scale, not clamped).
    pub fn predict(&self, features: &BTreeMap<&'static str, f64>) -> f64 {
        self.intercept
            + self.weights.iter().map(|(k, w)| w * features.get(k.as_str()).copied().unwrap_or(0.0)).sum::<f64>()
    }
}

/// What players did in the negotiations of the fitting data whose deals reached the Pareto
/// frontier: the comparison in the results' tactic profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    /// Players counted.
    pub players: usize,
    /// Mean lines per player with each tactic, by label name.
    pub mean: BTreeMap<String, f64>,
}

/// The two models: with the outcome, and behaviour only; and the reference profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrustModel {
    /// Behaviour and outcome features.
    pub full: Linear,
    /// Behaviour features only (what a player did, not how the partner fared).
    pub behaviour: Linear,
    /// What players whose deals reached the frontier did.
    #[serde(default)]
    pub reference: Option<Reference>,
}

/// The tactics the results put in words, with what doing them is called.
pub const PROFILE: &[(Tactic, &str)] = &[
    (Tactic::ElicitPref, "asked about their priorities"),
    (Tactic::SelfNeed, "said what you need and why"),
    (Tactic::ShowingEmpathy, "acknowledged their feelings or needs"),
    (Tactic::PromoteCoordination, "proposed a way to work it out together"),
    (Tactic::SmallTalk, "made small talk"),
];

fn times(n: f64) -> String {
    if (n - 1.0).abs() < 1e-9 {
        "once".into()
    } else if n.fract().abs() < 1e-9 {
        format!("{n:.0} times")
    } else {
        format!("{n:.1} times")
    }
}

/// One line of a player's tactic profile as data: how often they used a tactic, and how often
/// players whose deals reached the frontier did (a page words it in its language).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProfileLine {
    /// The tactic's label (`elicit-pref`, `self-need`, ...).
    pub tactic: String,
    /// How many of the player's lines used it.
    pub count: f64,
    /// The mean count of players whose deals reached the frontier, when the model has it.
    pub reference: Option<f64>,
}

impl TrustModel {
    /// A player's tactic profile as data, in [`PROFILE`] order.
    pub fn profile_lines(&self, b: &PlayerBehaviour) -> Vec<ProfileLine> {
        PROFILE
            .iter()
            .map(|(t, _)| ProfileLine {
                tactic: t.name().to_string(),
                count: b.tactics[t.index()] as f64,
                reference: self.reference.as_ref().and_then(|r| r.mean.get(t.name())).copied(),
            })
            .collect()
    }

    /// A player's tactic profile in plain words, each compared with what players whose deals
    /// reached the frontier did (when the model carries that reference).
    pub fn profile_sentences(&self, b: &PlayerBehaviour) -> Vec<String> {
        PROFILE
            .iter()
            .zip(self.profile_lines(b))
            .map(|((_, verb), line)| {
                let n = line.count;
                let you = if n == 0.0 { format!("You never {verb}") } else { format!("You {verb} {}", times(n)) };
                match line.reference {
                    Some(m) => format!(
                        "{you}; players whose deals reached the best possible packages did so {} on average.",
                        times(m)
                    ),
                    None => format!("{you}."),
                }
            })
            .collect()
    }
}

/// A predicted liking (1–5) on Parley's 0–100 scale.
pub fn to_percent(liking: f64) -> f64 {
    ((liking - 1.0) / 4.0 * 100.0).clamp(0.0, 100.0)
}

impl TrustModel {
    /// The bundled model (`server/data/trust_model.toml`).
    pub fn bundled() -> &'static TrustModel {
        static MODEL: OnceLock<TrustModel> = OnceLock::new();
        MODEL.get_or_init(|| {
            TrustModel::parse(include_str!("../../data/trust_model.toml")).expect("the bundled trust model parses")
        })
    }

    /// Parses a model file.
    pub fn parse(text: &str) -> Result<TrustModel, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// The estimate (0–100) and its behaviour-only part for one player.
    pub fn estimate(&self, b: &PlayerBehaviour, o: Option<&PlayerOutcome>) -> (Option<f64>, f64) {
        let mut f = b.features();
        let behaviour = to_percent(self.behaviour.predict(&f));
        let full = o.map(|o| {
            f.extend(o.features());
            to_percent(self.full.predict(&f))
        });
        (full, behaviour)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_model_loads_and_rewards_what_the_fit_rewarded() {
        let m = TrustModel::bundled();
        for name in BEHAVIOUR_FEATURES {
            assert!(m.behaviour.weights.contains_key(*name), "{name}");
            assert!(m.full.weights.contains_key(*name), "{name}");
        }
        for name in OUTCOME_FEATURES {
            assert!(m.full.weights.contains_key(*name), "{name}");
            assert!(!m.behaviour.weights.contains_key(*name), "{name} is an outcome feature");
        }
        // An even deal is liked better than a walk-away (5 of 36 points each in CaSiNo).
        let b = PlayerBehaviour { messages: 8, ..Default::default() };
        let deal = PlayerOutcome { own_share: 0.55, partner_share: 0.55, deal: 1.0 };
        let none = PlayerOutcome { own_share: 5.0 / 36.0, partner_share: 5.0 / 36.0, deal: 0.0 };
        assert!(m.estimate(&b, Some(&deal)).0 > m.estimate(&b, Some(&none)).0);
        // Pressure lowers the behaviour-only estimate.
        let pushy = PlayerBehaviour { pressure: 2, ..b.clone() };
        assert!(m.estimate(&pushy, None).1 < m.estimate(&b, None).1);
        assert_eq!(to_percent(5.0), 100.0);
        assert_eq!(to_percent(3.0), 50.0);
    }

    #[test]
    fn the_worked_example_in_scoring_md() {
        // Ana: 10 lines, 3 small talk, 1 asking, 2 own needs, one concession (docs/scoring.md).
        let mut tactics = [0; 10];
        tactics[Tactic::SmallTalk.index()] = 3;
        tactics[Tactic::ElicitPref.index()] = 1;
        tactics[Tactic::SelfNeed.index()] = 2;
        let ana = PlayerBehaviour { messages: 10, tactics, concessions: 1, ..Default::default() };
        let deal = PlayerOutcome { own_share: 0.6, partner_share: 0.7, deal: 1.0 };
        let (full, behaviour) = TrustModel::bundled().estimate(&ana, Some(&deal));
        assert_eq!(behaviour.round(), 53.0, "update the example in docs/scoring.md after a refit");
        assert_eq!(full.map(f64::round), Some(69.0), "update the example in docs/scoring.md after a refit");
    }
}
