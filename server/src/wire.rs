//! Server → client frames as types. A match's frames are built here and in
//! [`crate::runtime::view`] and nowhere else, so what a seat can be sent is what these types can
//! hold: before results, a seat's [`StateView`] has its own brief, points and walk-away value in
//! [`YouView`] and no field anywhere for another role's (the reveal, [`StateView::results`], is
//! only filled in the results phase). `docs/protocol.md` describes each frame.

use crate::core::game::{ActionKind, Millis, OfferStatus, Phase};
use crate::core::survey::Question;
use crate::error::ErrorCode;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// A frame to one client (`"type"` names the variant).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    /// The whole view of the player's match.
    State(Box<StateView>),
    /// One chat line.
    Chat(ChatLineView),
    /// The match's chat so far (after `state`, when a match starts or resumes).
    ChatHistory {
        /// Oldest first.
        lines: Vec<ChatLineView>,
    },
    /// A private coaching nudge.
    Coach(CoachView),
    /// A message from the facilitator or the server.
    Notice {
        /// What the player reads.
        text: String,
    },
    /// A refusal.
    Error {
        /// Stable code.
        code: ErrorCode,
        /// A plain sentence.
        message: String,
    },
}

impl ServerMsg {
    /// The frame as text.
    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("frames serialise")
    }

    /// A refusal frame.
    pub fn error(code: ErrorCode, message: impl Into<String>) -> ServerMsg {
        ServerMsg::Error { code, message: message.into() }
    }
}

/// A role as everyone may name it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct RoleRef {
    /// Role id.
    pub id: String,
    /// Role name.
    pub name: String,
}

/// An issue of the public scenario: its options, never anyone's points.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct PublicIssue {
    /// Issue id.
    pub id: String,
    /// Issue name.
    pub name: String,
    /// What it is about.
    pub description: String,
    /// Option labels, by index.
    pub options: Vec<String>,
}

/// What every player of a scenario may read.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct PublicScenario {
    /// Scenario id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The shared background.
    pub summary: String,
    /// Who must accept a package for it to be the deal, in words (the scenario's deal rule).
    pub deal_rule: String,
    /// Issues and options.
    pub issues: Vec<PublicIssue>,
}

/// A coaching nudge given to this seat.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct CoachView {
    /// The rule that fired.
    pub rule: String,
    /// What the player reads.
    pub text: String,
    /// When.
    pub at: Millis,
}

/// The seat's own private facts: the only place a role's brief and points appear before results.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct YouView {
    /// The seat.
    pub seat: usize,
    /// The player's display name.
    pub name: String,
    /// The seat's role.
    pub role: RoleRef,
    /// The role's private brief.
    pub brief: String,
    /// The role's walk-away value.
    pub batna: i64,
    /// The role's points per option, by issue id.
    pub points: BTreeMap<String, Vec<i64>>,
    /// The most the role can score.
    pub max_points: i64,
    /// Whether the seat answered the perspective question in preparation.
    pub guessed_priorities: bool,
    /// The nudges this seat was given (nobody else's).
    pub coaching: Vec<CoachView>,
}

/// Another seat as everyone at the table sees it: no brief, no points.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct PlayerView {
    /// The seat.
    pub seat: usize,
    /// Display name.
    pub name: String,
    /// Public role.
    pub role: RoleRef,
    /// A connection holds the seat.
    pub online: bool,
    /// Voted to move on.
    pub ready: bool,
    /// Answered (or skipped) the survey.
    pub survey_done: bool,
    /// Since when the player has been away, if they are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gone_since: Option<Millis>,
}

/// An offer, valued in the receiving seat's own points only.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct OfferView {
    /// Offer id.
    pub id: u64,
    /// Who made it.
    pub seat: usize,
    /// When.
    pub at: Millis,
    /// The package, option index by issue id.
    pub package: BTreeMap<String, usize>,
    /// Where it stands.
    pub status: OfferStatus,
    /// Seats that accepted it.
    pub accepted_by: Vec<usize>,
    /// Its worth in the receiving seat's points.
    pub value_to_you: i64,
}

/// An issue named without its options.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct IssueRef {
    /// Issue id.
    pub id: String,
    /// Issue name.
    pub name: String,
}

/// The survey, in the survey phase.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct SurveyView {
    /// The questions.
    pub questions: &'static [Question],
    /// The issues to order by the counterpart's priorities.
    pub issues: Vec<IssueRef>,
    /// Whether this seat has answered.
    pub answered: bool,
}

/// Who walked away.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct WalkedAway {
    /// The seat.
    pub seat: usize,
    /// Their name.
    pub name: String,
}

/// The `state` frame for one seat.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct StateView {
    /// The server's clock, for clients to correct theirs.
    pub server_time: Millis,
    /// Match id.
    pub match_id: String,
    /// Current phase.
    pub phase: Phase,
    /// When it started.
    pub phase_started: Millis,
    /// When it ends (none in results).
    pub deadline: Option<Millis>,
    /// Stopped by the facilitator.
    pub paused: bool,
    /// When the clock stopped.
    pub paused_at: Option<Millis>,
    /// The client messages the seat may send now.
    pub allowed_actions: Vec<ActionKind>,
    /// The public scenario.
    pub scenario: PublicScenario,
    /// The seat's own private facts.
    pub you: YouView,
    /// Every seat, public facts only.
    pub players: Vec<PlayerView>,
    /// Offers: all on taking a seat, else the newest and every standing one.
    pub offers: Vec<OfferView>,
    /// Whether `offers` is the whole history.
    pub offers_complete: bool,
    /// Offers made so far.
    pub offers_total: usize,
    /// The outcome once bargaining ended (`{"kind": ...}`).
    pub outcome: Option<Value>,
    /// Who walked away, if someone did.
    pub walked_away: Option<WalkedAway>,
    /// The survey, in the survey phase.
    pub survey: Option<SurveyView>,
    /// The reveal, in the results phase only.
    pub results: Option<Value>,
    /// A counterpart gone past the grace period, and the policy.
    pub dropout: Option<Value>,
}

/// One chat line.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ChatLineView {
    /// The speaker's seat; none for the server's icebreaker.
    pub seat: Option<usize>,
    /// The speaker's name ("Parley" for the server).
    pub name: String,
    /// The text.
    pub text: String,
    /// When.
    pub at: Millis,
    /// The phase it was said in.
    pub phase: Phase,
    /// `message`, `icebreaker` or `disclosure`.
    pub kind: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_carry_their_type_and_errors_their_code() {
        let v: Value = serde_json::from_str(&ServerMsg::error(ErrorCode::WrongPhase, "not now").encode()).unwrap();
        assert_eq!(v, serde_json::json!({"type": "error", "code": "wrong_phase", "message": "not now"}));
        let v: Value = serde_json::from_str(&ServerMsg::Notice { text: "hi".into() }.encode()).unwrap();
        assert_eq!(v, serde_json::json!({"type": "notice", "text": "hi"}));
        let line = ChatLineView {
            seat: None,
            name: "Parley".into(),
            text: "Favourite food?".into(),
            at: 5,
            phase: Phase::SmallTalk,
            kind: "icebreaker",
        };
        let v: Value = serde_json::from_str(&ServerMsg::Chat(line).encode()).unwrap();
        assert_eq!(v["type"], "chat");
        assert_eq!(v["seat"], Value::Null);
        assert_eq!(v["phase"], "small_talk");
    }
}
