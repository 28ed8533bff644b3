//! The results reveal as one seat is sent it ([`ResultsView`], the `results` of a `state` frame
//! in the results phase). What a seat may not see has no place to go:
//! - another role's brief and points sit in [`RoleResultView::revealed`], which is `None` for
//!   every role but the seat's own when the session reveals scores only;
//! - the trust lines of the other players ([`PlayerTrustView`]) have no field for the trust they
//!   earned or the sentences written for them: only the seat's own line ([`OwnTrustView`],
//!   `trust.you`) has those;
//! - numbers built from others' private survey answers are `None` with a `*_private` flag when
//!   they rest on too few people (`docs/protocol.md`, *Survey privacy*).
//!
//! The server builds it in one place (`runtime::view::results_for_seat`); `docs/protocol.md`
//! shows the frame.

use crate::core::game::{ImpasseReason, Millis};
use crate::core::scoring::IssueType;
use crate::core::tactics::Tactics;
use crate::core::trust::PlayerSignals;
use crate::core::trust_model::{PlayerBehaviour, PlayerOutcome};
use crate::wire::WalkedAway;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A package: the chosen option's index by issue id.
pub type PackageView = BTreeMap<String, usize>;

/// One sentence of the results' feedback as a code and its values (see `ResultsView::feedback`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum FeedbackItem {
    /// Both preferred one option of an issue but agreed another.
    BothPreferred {
        /// Issue id.
        issue: String,
        /// The option both preferred.
        preferred: usize,
        /// The option agreed.
        agreed: usize,
    },
    /// Another package gave everyone at least as much: how many more points each role, in seat order.
    ValueLeft {
        /// Points more, per role.
        gains: Vec<i64>,
    },
    /// No package would have made one better off without costing another.
    ParetoOptimal,
    /// The joint value created.
    Created {
        /// Joint value.
        joint: i64,
        /// The most possible.
        max: i64,
        /// `joint / max` as a whole percentage.
        percent: i64,
    },
    /// No deal, though a package gave everyone at least their walk-away value: its points per role.
    ImpasseMissed {
        /// Points per role, in seat order.
        points: Vec<i64>,
    },
    /// No deal, and no package gave everyone their walk-away value.
    ImpasseReasonable,
}

/// How a match ended (`"kind"` names the variant).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OutcomeView {
    /// Every party the deal rule needs accepted this package.
    Deal {
        /// The agreed package.
        package: PackageView,
    },
    /// No deal: everyone gets their walk-away value.
    Impasse {
        /// Why.
        reason: ImpasseReason,
    },
    /// Ended because a player left (left out of class statistics).
    Abandoned {
        /// A sentence saying why (English).
        reason: String,
        /// Why, as data the page words in its language (`key`: `removed` with `name`, or `left` with
        /// `name` and `seconds`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        why: Option<crate::core::game::AbandonedWhy>,
    },
}

impl OutcomeView {
    /// Whether the match ended in a deal.
    pub fn is_deal(&self) -> bool {
        matches!(self, OutcomeView::Deal { .. })
    }
}

/// The results reveal for one seat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ResultsView {
    /// How the seat's drill went, when it practised one (nobody else's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drill: Option<crate::core::drills::DrillOutcome>,
    /// How the match ended.
    pub outcome: Option<OutcomeView>,
    /// Who walked away, if someone did.
    pub walked_away: Option<WalkedAway>,
    /// Every role in seat order, with its score; its brief and points only when revealed.
    pub roles: Vec<RoleResultView>,
    /// The roles' points added up.
    pub joint_value: i64,
    /// The most any package gives all roles together.
    pub max_joint_value: i64,
    /// `joint_value / max_joint_value`.
    pub efficiency: f64,
    /// The share of the value above the walk-away values that was captured; none when no
    /// package beats their sum.
    pub surplus_efficiency: Option<f64>,
    /// No package is at least as good for everyone and better for someone.
    pub pareto_optimal: bool,
    /// Distance in points from the outcome to the nearest package of the frontier.
    pub distance_to_frontier: f64,
    /// A package everyone would have preferred (none when the outcome is Pareto-optimal).
    pub better_package: Option<PackagePoints>,
    /// The Nash bargaining package (none when no package gives everyone their walk-away value).
    pub nash: Option<PackagePoints>,
    /// Two-role scenarios: the Pareto frontier as `[points of role 1, points of role 2]`.
    pub frontier: Option<Vec<Vec<i64>>>,
    /// Issue by issue: its kind, what was agreed and what creates the most value.
    pub issues: Vec<IssueResultView>,
    /// Who must accept a package for it to be the deal, in words.
    pub deal_rule: String,
    /// Sentences on what could have been better (in English; the console shows these).
    pub feedback: Vec<String>,
    /// The same feedback as codes and values, one per sentence, for a page to word in its
    /// player's language (issues by id, options by index, points in seat order).
    #[serde(default)]
    pub feedback_items: Vec<FeedbackItem>,
    /// Every statement made with `disclose`, with its verdict.
    pub disclosures: Vec<DisclosureView>,
    /// Trust and behaviour, as this seat may see them.
    pub trust: TrustResultView,
    /// The observation sheets observers filed about this match (absent when nobody did; a sheet
    /// filed after results arrive comes with the next `state` frame).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub observations: Vec<ObservationView>,
    /// Teams: what each member of each team did, by seat then member (absent when every seat
    /// was played alone). The team's points and trust are the seat's, in `roles` and `trust`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<MemberResultView>,
}

/// One team member's part in the match (public counts: no caucus text, no points).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MemberResultView {
    /// The team's seat.
    pub seat: usize,
    /// Index within the team.
    pub member: usize,
    /// Display name.
    pub name: String,
    /// Public chat lines they wrote.
    pub messages: usize,
    /// Statements (`disclose`) they made.
    pub statements: usize,
    /// Offers they made for the team (under consensus: proposed and carried).
    pub offers: usize,
    /// Offers they accepted for the team.
    pub accepts: usize,
    /// Lines they wrote in their team's caucus.
    pub caucus_lines: usize,
    /// They answered (or skipped) the survey (their ratings stay private, like everyone's).
    pub survey_done: bool,
}

/// One observer's sheet, as the observed players (and its observer) read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ObservationView {
    /// The observer's display name.
    pub observer: String,
    /// When it was filed.
    pub at: crate::core::game::Millis,
    /// The tactics the observer saw (the tagger's labels).
    pub tactics: crate::core::tactics::Tactics,
    /// One thing the players did well.
    pub done_well: String,
    /// One thing the players could try.
    pub to_try: String,
}

/// A role in the results: public facts and score, and its private side when revealed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RoleResultView {
    /// Role id.
    pub id: String,
    /// Role name.
    pub name: String,
    /// The player who held the role.
    pub player: String,
    /// The role's walk-away value.
    pub batna: i64,
    /// The role's points from the outcome.
    pub score: i64,
    /// `score − batna`.
    pub surplus: i64,
    /// The role's brief and points (`brief` and `points` on the wire, absent when not revealed:
    /// a session revealing scores only shows a seat its own role's alone).
    #[serde(flatten)]
    pub revealed: Option<RevealedRole>,
}

/// A role's private side, shown in results when the session reveals it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RevealedRole {
    /// The role's private brief.
    pub brief: String,
    /// The role's points per option, by issue id.
    pub points: BTreeMap<String, Vec<i64>>,
}

/// A package and what it gives each role (in seat order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PackagePoints {
    /// The package.
    pub package: PackageView,
    /// Each role's points.
    pub points: Vec<i64>,
}

/// One issue in the results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IssueResultView {
    /// Issue id.
    pub id: String,
    /// Issue name.
    pub name: String,
    /// How it relates the two roles' interests (two-role scenarios only).
    #[serde(rename = "type")]
    pub kind: Option<IssueType>,
    /// The option agreed (none without a deal).
    pub agreed: Option<usize>,
    /// The option worth the most to all roles together.
    pub best_joint: usize,
}

/// A checked statement about the speaker's own interests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DisclosureView {
    /// The speaker.
    pub seat: usize,
    /// When.
    pub at: Millis,
    /// The statement as the others read it (English).
    pub text: String,
    /// The statement itself, for the page to word in its language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement: Option<crate::core::game::Statement>,
    /// True to the speaker's hidden points.
    pub truthful: bool,
}

/// The match's trust and behaviour as one seat may see them (`docs/scoring.md`, *Trust and
/// behaviour*).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TrustResultView {
    /// Trust built, 0..100; none while it would give away a private survey answer
    /// (`trust_built_private`).
    pub trust_built: Option<f64>,
    /// The survey part of trust built; none when nobody answered, or while private.
    pub trust_survey: Option<f64>,
    /// `trust_built` and `trust_survey` rest on too few other people's ratings to be shown.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub trust_built_private: bool,
    /// The behavioural estimate of trust built, mean over players, 0..100 (none for an
    /// abandoned match).
    pub trust_estimate: Option<f64>,
    /// Its behaviour-only part.
    pub trust_estimate_behaviour: f64,
    /// The tactics of every player chat line, in the order of the chat.
    pub line_tactics: Vec<Tactics>,
    /// Survey answers by people that rated the trust items.
    pub ratings: usize,
    /// Mean of the players' behaviour indexes.
    pub behaviour_index: f64,
    /// Fewest small-talk messages ÷ most, among players (none without small talk).
    pub small_talk_balance: Option<f64>,
    /// Share of consecutive small-talk messages by different speakers.
    pub turn_taking: Option<f64>,
    /// Every player's behaviour, in seat order.
    pub players: Vec<PlayerTrustView>,
    /// This seat's own trust line.
    pub you: OwnTrustView,
}

/// What every player of the match may read about one player's conduct: no trust earned and no
/// sentences (those are in the player's own line, `trust.you`, only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlayerTrustView {
    /// Seat.
    pub seat: usize,
    /// How many people's ratings the player's trust earned averages.
    pub trust_raters: usize,
    /// The player's own ratings of the others count (answered, and a person).
    pub gave_rating: bool,
    /// Reading the counterpart's priorities before talking, −1..1.
    pub perspective_before: Option<f64>,
    /// The same after the match, −1..1.
    pub perspective_after: Option<f64>,
    /// After − before.
    pub perspective_gain: Option<f64>,
    /// Issues the preparation guess put in the right place.
    pub places_right_before: Option<usize>,
    /// Issues the survey guess put in the right place.
    pub places_right_after: Option<usize>,
    /// Issues in the scenario (what the two counts are out of).
    pub issues: usize,
    /// What the player did, as the trust model reads it.
    pub behaviour: PlayerBehaviour,
    /// How the match ended for the player, as the trust model reads it.
    pub outcome: Option<PlayerOutcome>,
    /// The behavioural estimate of the trust the player built, 0..100 (none until an outcome).
    pub trust_estimate: Option<f64>,
    /// Its behaviour-only part.
    pub trust_estimate_behaviour: f64,
    /// The player's tactic profile in plain words (English).
    pub profile: Vec<String>,
    /// The same profile as data, for a page to word in its player's language.
    #[serde(default)]
    pub profile_lines: Vec<crate::core::trust_model::ProfileLine>,
    /// What moved the behaviour index most, up and down.
    #[serde(default)]
    pub index_moves: crate::core::trust::IndexMoves,
    /// Behaviour index, 0..100.
    pub behaviour_index: f64,
    /// The counted behaviour.
    pub signals: PlayerSignals,
}

/// The receiving seat's own trust line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OwnTrustView {
    /// How the others rated this player, 0..100; none while it rests on fewer than 3 people's
    /// ratings (`trust_earned_private`).
    pub trust_earned: Option<f64>,
    /// `trust_earned` rests on too few people's ratings to be shown.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub trust_earned_private: bool,
    /// One sentence per number, on what raised or lowered it.
    pub sentences: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// Golden checks of the shapes the client reads: a role's brief and points sit in the role
    /// object and are absent (not null) when hidden; the `*_private` flags appear only when set;
    /// an outcome is tagged by `kind`. Each decodes back to itself.
    #[test]
    fn result_parts_keep_their_wire_shape_and_round_trip() {
        let role = |revealed: Option<RevealedRole>| RoleResultView {
            id: "camper".into(),
            name: "Camper".into(),
            player: "Ana".into(),
            batna: 30,
            score: 55,
            surplus: 25,
            revealed,
        };
        let shown = role(Some(RevealedRole {
            brief: "You need water.".into(),
            points: BTreeMap::from([("water".to_string(), vec![0, 5, 10])]),
        }));
        let hidden = role(None);
        let own = |trust_earned: Option<f64>, trust_earned_private| OwnTrustView {
            trust_earned,
            trust_earned_private,
            sentences: vec!["Trust earned ...".into()],
        };
        let deal = OutcomeView::Deal { package: BTreeMap::from([("water".to_string(), 2)]) };
        let impasse = OutcomeView::Impasse { reason: ImpasseReason::WalkedAway };
        fn check<T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(x: T, golden: Value) {
            let text = serde_json::to_string(&x).unwrap();
            assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), golden, "{text}");
            assert_eq!(serde_json::from_str::<T>(&text).unwrap(), x);
        }
        check(
            shown,
            json!({"id": "camper", "name": "Camper", "player": "Ana", "batna": 30, "score": 55, "surplus": 25,
                   "brief": "You need water.", "points": {"water": [0, 5, 10]}}),
        );
        check(
            hidden,
            json!({"id": "camper", "name": "Camper", "player": "Ana", "batna": 30, "score": 55, "surplus": 25}),
        );
        check(own(Some(61.0), false), json!({"trust_earned": 61.0, "sentences": ["Trust earned ..."]}));
        check(
            own(None, true),
            json!({"trust_earned": null, "trust_earned_private": true, "sentences": ["Trust earned ..."]}),
        );
        check(deal, json!({"kind": "deal", "package": {"water": 2}}));
        check(impasse, json!({"kind": "impasse", "reason": "walked_away"}));
        check(
            OutcomeView::Abandoned { reason: "Ben left".into(), why: None },
            json!({"kind": "abandoned", "reason": "Ben left"}),
        );
        check(
            OutcomeView::Abandoned {
                reason: "Ben left and did not come back within 120 seconds.".into(),
                why: Some(crate::core::game::AbandonedWhy::Left { name: "Ben".into(), seconds: 120 }),
            },
            json!({"kind": "abandoned", "reason": "Ben left and did not come back within 120 seconds.",
                   "why": {"key": "left", "name": "Ben", "seconds": 120}}),
        );
    }
}
