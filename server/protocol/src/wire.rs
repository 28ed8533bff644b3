//! Server → client frames as types: every frame the server sends a player is a [`ServerMsg`]
//! (the facilitator console's `monitor` frame is the one frame still built as JSON, in
//! `runtime::facilitator`). A match's views are built in [`crate::runtime::view`], so what a seat
//! can be sent is what these types can hold: before results, a seat's [`StateView`] has its own
//! brief, points and walk-away value in [`YouView`] and no field anywhere for another role's (the
//! reveal, [`StateView::results`], is only filled in the results phase, and what it may show a
//! seat is decided by its types: [`crate::results`]). `docs/protocol.md` describes each frame.
//!
//! The same types decode what the server sent ([`ServerMsg::decode`]): the bots, the test client,
//! the bench and the evaluation replay read frames through them.

use crate::core::game::{ActionKind, Expression, Millis, OfferStatus, Phase};
use crate::core::survey::Question;
use crate::error::ErrorCode;
use crate::monitor::{DropoutPolicy, MonitorView};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

pub use crate::results::{
    DisclosureView, FeedbackItem, IssueResultView, MemberResultView, ObservationView, OutcomeView, OwnTrustView,
    PackagePoints, PackageView, PlayerTrustView, ResultsView, RevealedRole, RoleResultView, TrustResultView,
};
use crate::wording::{NoticeKey, Params, WaitingKey};
use std::collections::BTreeMap;

/// A frame to one client (`"type"` names the variant).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    /// The whole view of the player's match.
    State(Box<StateView>),
    /// The whole view of the match an observer watches (public facts only).
    Observe(Box<ObserverView>),
    /// One chat line.
    Chat(ChatLineView),
    /// The match's chat so far (after `state`, when a match starts or resumes).
    ChatHistory {
        /// Oldest first.
        lines: Vec<ChatLineView>,
    },
    /// One line of the player's team caucus (only the team's members get it).
    Caucus(CaucusLineView),
    /// The team caucus so far (after `state`, when a team member takes their seat).
    CaucusHistory {
        /// Oldest first.
        lines: Vec<CaucusLineView>,
    },
    /// A private coaching nudge.
    Coach(CoachView),
    /// A message from the facilitator or the server.
    Notice {
        /// What the player reads (English).
        text: String,
        /// What it says, for the page to word in its language (absent for the facilitator's own words).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<NoticeKey>,
        /// The names and numbers the sentence needs.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        params: Params,
    },
    /// A refusal.
    Error {
        /// Stable code.
        code: ErrorCode,
        /// A plain sentence.
        message: String,
    },
    /// The answer to `hello`.
    Welcome {
        /// The protocol version the server speaks.
        version: u32,
        /// The server's clock.
        server_time: Millis,
    },
    /// The answer to `ping`.
    Pong {
        /// The server's clock.
        server_time: Millis,
    },
    /// The player is in a session (after `join`, `practice`, or a `hello` with a valid token).
    Joined {
        /// The player's id.
        player_id: String,
        /// The secret that resumes the seat after a reload or a network loss.
        token: String,
        /// The display name.
        name: String,
        /// The session joined.
        session: Option<SessionRef>,
    },
    /// The player waits to be paired.
    Waiting {
        /// Players ahead in the line.
        ahead: usize,
        /// Players in the line.
        waiting: usize,
        /// The scenario of the line.
        scenario: String,
        /// What the player reads (English).
        message: String,
        /// What it says, for the page to word in its language.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<WaitingKey>,
        /// The practice pool offers a bot (after waiting alone a while).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        bot_offer: bool,
    },
    /// The player stopped waiting (the answer to `leave`).
    Left {
        /// The session's join code.
        session: String,
    },
    /// The facilitator's live view of a session (to a console watching it).
    Monitor(Box<MonitorView>),
    /// The server is done with the client frame that carried this `cid`: applied, refused (an
    /// `error` came first) or, resent, applied already. The client stops resending it.
    Ack {
        /// The frame's client message id.
        cid: u64,
    },
    /// The session lives on another node of a cluster: reconnect there (with the same token)
    /// and send again what was not answered.
    Moved {
        /// The node's base address, as it advertises it (`http://host:port` or `https://host`).
        address: String,
    },
    /// The player's round and standing in a tournament.
    Tournament {
        /// Rounds started so far.
        round: usize,
        /// Rounds in all.
        rounds: usize,
        /// Where the player is in the round.
        status: TournamentStatus,
        /// The player's place and numbers.
        standing: StandingView,
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

    /// A notice frame in the facilitator's own words.
    pub fn notice(text: impl Into<String>) -> ServerMsg {
        ServerMsg::Notice { text: text.into(), key: None, params: Params::new() }
    }

    /// A notice frame the page words from `key` and `params` (`text` is the English).
    pub fn worded_notice(key: NoticeKey, params: Params, text: impl Into<String>) -> ServerMsg {
        ServerMsg::Notice { text: text.into(), key: Some(key), params }
    }

    /// Reads a frame the server sent.
    pub fn decode(text: &str) -> Result<ServerMsg, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The `"type"` of the frame.
    pub fn kind(&self) -> &'static str {
        match self {
            ServerMsg::State(_) => "state",
            ServerMsg::Observe(_) => "observe",
            ServerMsg::Chat(_) => "chat",
            ServerMsg::ChatHistory { .. } => "chat_history",
            ServerMsg::Caucus(_) => "caucus",
            ServerMsg::CaucusHistory { .. } => "caucus_history",
            ServerMsg::Coach(_) => "coach",
            ServerMsg::Notice { .. } => "notice",
            ServerMsg::Error { .. } => "error",
            ServerMsg::Welcome { .. } => "welcome",
            ServerMsg::Pong { .. } => "pong",
            ServerMsg::Joined { .. } => "joined",
            ServerMsg::Waiting { .. } => "waiting",
            ServerMsg::Left { .. } => "left",
            ServerMsg::Monitor(_) => "monitor",
            ServerMsg::Tournament { .. } => "tournament",
            ServerMsg::Moved { .. } => "moved",
            ServerMsg::Ack { .. } => "ack",
        }
    }
}

/// Whether a session is a facilitated class or the open practice pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// A facilitated class with a join code.
    Workshop,
    /// The open practice pool.
    Practice,
}

impl SessionKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Workshop => "workshop",
            SessionKind::Practice => "practice",
        }
    }
}

/// The session a player joined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SessionRef {
    /// The join code.
    pub code: String,
    /// A class or the practice pool.
    pub kind: SessionKind,
    /// The class's title (`""` when it has none).
    pub title: String,
    /// The class's scenario (none in the practice pool).
    pub scenario: Option<String>,
}

/// Where a player is in a tournament's round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TournamentStatus {
    /// The player's match of this round runs.
    Playing,
    /// The player's match ended; the next round has not started.
    BetweenRounds,
    /// The player sits this round out.
    Bye,
    /// The last round is over.
    Finished,
}

/// A player's place in a tournament. Trust, and the score that blends it, are shown only once
/// they rest on enough people's ratings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StandingView {
    /// Place, from 1.
    pub rank: usize,
    /// Players ranked.
    pub of: usize,
    /// Matches played.
    pub played: usize,
    /// Rounds sat out.
    pub byes: usize,
    /// Mean points within each role's own scale (0..1).
    pub value: f64,
    /// Trust earned; none while private.
    pub trust: Option<f64>,
    /// The blended score; none while trust is private.
    pub score: Option<f64>,
    /// Trust rests on too few ratings to be shown.
    pub trust_private: bool,
}

/// A role as everyone may name it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RoleRef {
    /// Role id.
    pub id: String,
    /// Role name.
    pub name: String,
}

/// An issue of the public scenario: its options, never anyone's points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PublicScenario {
    /// Scenario id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The shared background.
    pub summary: String,
    /// Who must accept a package for it to be the deal, in words (the scenario's deal rule).
    pub deal_rule: String,
    /// The same rule as data, for a page to word in its player's language.
    #[serde(default)]
    pub deal: DealView,
    /// Issues and options.
    pub issues: Vec<PublicIssue>,
}

/// A deal rule as data: `unanimous`, `majority`, or `roles` with the ids of the roles that must accept.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DealView {
    /// `unanimous`, `majority` or `roles`.
    pub rule: String,
    /// With `roles`: the role ids that must accept (empty otherwise).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
}

/// A coaching nudge given to this seat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CoachView {
    /// The rule that fired.
    pub rule: String,
    /// What the player reads.
    pub text: String,
    /// When.
    pub at: Millis,
}

/// The seat's own private facts: the only place a role's brief and points appear before results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// The drill this seat practises, if any (practice pool; nobody else is shown it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drill: Option<crate::core::drills::DrillGoal>,
    /// The language this seat's texts come in (absent: the scenario's own). A bot's seat takes
    /// the language of the people at its table, and the bot speaks it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// Another seat as everyone at the table sees it: no brief, no points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// The team holding the seat, by member index (absent for a seat played alone).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<MemberView>,
}

/// One member of a team seat, as everyone at the table sees them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MemberView {
    /// Index within the team.
    pub member: usize,
    /// Display name.
    pub name: String,
    /// Connected now.
    pub online: bool,
    /// The facilitator removed them; the rest of the team plays on.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub removed: bool,
}

/// The player's own team (in their `state` only): who they are in it, the decision rule and the
/// proposal waiting for the team's approval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TeamView {
    /// The player's index in the team (`players[seat].members`).
    pub member: usize,
    /// Who may commit the seat.
    pub decision: crate::core::team::TeamDecision,
    /// The spokesperson's member index.
    pub spokesperson: usize,
    /// The proposal waiting for the team's approval (consensus rule), if any.
    pub motion: Option<MotionView>,
}

/// A proposal to the team under the consensus rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MotionView {
    /// Its id (for `approve` and `decline`).
    pub id: u64,
    /// The member who proposed it.
    pub member: usize,
    /// What it does: `offer`, `accept` or `walk_away`.
    pub act: MotionAct,
    /// The offer's package, option index by issue id (`offer` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<BTreeMap<String, usize>>,
    /// Its worth in the team's own points (`offer` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_to_you: Option<i64>,
    /// The counterpart's offer to accept (`accept` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_id: Option<u64>,
    /// Members who approved it (the proposer included).
    pub approved_by: Vec<usize>,
    /// When it was proposed.
    pub at: Millis,
}

/// What a team proposal does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MotionAct {
    /// Send an offer.
    Offer,
    /// Accept the counterpart's offer.
    Accept,
    /// Walk away.
    WalkAway,
}

/// One caucus line (to the team's members only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaucusLineView {
    /// The team's seat.
    pub seat: usize,
    /// The member who wrote it.
    pub member: usize,
    /// Their name.
    pub name: String,
    /// The text.
    pub text: String,
    /// When.
    pub at: Millis,
    /// The phase it was written in.
    pub phase: Phase,
}

/// An offer, valued in the receiving seat's own points only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

/// Where one issue stands on tentative terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TermsView {
    /// Issue id.
    pub issue: String,
    /// The open proposal on the issue (at most one).
    pub proposal: Option<TermsProposalView>,
    /// The option agreed in principle, if the issue is agreed.
    pub agreed: Option<AgreedTermsView>,
}

/// A proposal to agree an issue on one option in principle, while it is open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TermsProposalView {
    /// Who proposed it.
    pub seat: usize,
    /// Option index.
    pub option: usize,
    /// When.
    pub at: Millis,
    /// Seats that said yes (the proposer included).
    pub accepted_by: Vec<usize>,
    /// Seats that said no while it can still be agreed without them.
    pub rejected_by: Vec<usize>,
}

/// An issue agreed in principle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AgreedTermsView {
    /// Option index.
    pub option: usize,
    /// Who proposed it.
    pub proposed_by: usize,
    /// When it was agreed.
    pub at: Millis,
    /// Its place in the order the match settled issues (1 = first; reopened ones count).
    pub order: usize,
}

/// An issue named without its options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IssueRef {
    /// Issue id.
    pub id: String,
    /// Issue name.
    pub name: String,
}

/// The survey, in the survey phase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SurveyView {
    /// The questions.
    pub questions: Cow<'static, [Question]>,
    /// The issues to order by the counterpart's priorities.
    pub issues: Vec<IssueRef>,
    /// Whether this seat has answered.
    pub answered: bool,
}

/// Who walked away.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WalkedAway {
    /// The seat.
    pub seat: usize,
    /// Their name.
    pub name: String,
}

/// A counterpart who has been gone past the grace period, as the others are told.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DropoutView {
    /// Their seat.
    pub seat: usize,
    /// What the session does about it.
    pub policy: DropoutPolicy,
    /// When they went away.
    pub gone_since: Millis,
    /// What the player reads.
    pub message: String,
}

/// The `state` frame for one seat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// Tentative terms, one entry per issue in the scenario's order: the open proposal and the
    /// agreement in principle. Every seat sees the same (they are said aloud; no points).
    pub terms: Vec<TermsView>,
    /// The outcome once bargaining ended.
    pub outcome: Option<OutcomeView>,
    /// Who walked away, if someone did.
    pub walked_away: Option<WalkedAway>,
    /// The survey, in the survey phase.
    pub survey: Option<SurveyView>,
    /// The reveal, in the results phase only.
    pub results: Option<ResultsView>,
    /// A counterpart gone past the grace period, and the policy.
    pub dropout: Option<DropoutView>,
    /// Names of the participants observing this match (absent when nobody does).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub observers: Vec<String>,
    /// The player's team, when their seat is held by a team (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<TeamView>,
}

/// The `observe` frame: a match as an observer sees it. Its types are the hidden-information rule
/// for observers: nothing in it, before `results`, can hold a role's brief, points or walk-away
/// value, a disclosure's verdict, a coaching nudge or a survey answer (offers carry no value, the
/// players no private side); `results` is filled in the results phase only, with what a player
/// of the match would see there minus anything of their own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ObserverView {
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
    /// The public scenario.
    pub scenario: PublicScenario,
    /// Every seat, public facts only.
    pub players: Vec<PlayerView>,
    /// Offers (without anyone's points): all on the first frame, else the newest and every standing one.
    pub offers: Vec<ObservedOffer>,
    /// Whether `offers` is the whole history.
    pub offers_complete: bool,
    /// Offers made so far.
    pub offers_total: usize,
    /// Tentative terms, one entry per issue (as the players see them).
    pub terms: Vec<TermsView>,
    /// The outcome once bargaining ended.
    pub outcome: Option<OutcomeView>,
    /// Who walked away, if someone did.
    pub walked_away: Option<WalkedAway>,
    /// The observation sheet: what to tick and whether it was sent.
    pub sheet: SheetView,
    /// The reveal, in the results phase only (the observer holds no seat: nothing of their own).
    pub results: Option<ResultsView>,
}

/// An offer as an observer sees it: the package and where it stands, no points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ObservedOffer {
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
}

/// The observer's sheet: the tactics to look for and the sheet they sent, once sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SheetView {
    /// The tactics to tick, in the tagger's label order.
    pub tactics: Vec<TacticChoice>,
    /// The most characters each text may have.
    pub max_chars: usize,
    /// The sheet this observer sent (none until sent; it can be sent once).
    pub sent: Option<ObservationView>,
}

/// One tactic an observer may tick.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TacticChoice {
    /// The tagger's label (`elicit-pref`).
    pub label: String,
    /// A short name in plain words.
    pub name: String,
    /// What to look for.
    pub hint: String,
}

/// One chat line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// What kind of line it is.
    pub kind: ChatKind,
    /// The expression the speaker attached (absent when none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<Expression>,
    /// The team member who said it (absent for a seat played alone and the server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<usize>,
    /// A `disclosure` line's statement (issue and options by index), for the page to word in its
    /// language; never its verdict, which only results show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement: Option<crate::core::game::Statement>,
}

/// What kind of chat line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChatKind {
    /// A player's own words.
    Message,
    /// The server's small-talk prompt.
    Icebreaker,
    /// A player's structured statement about their own interests.
    Disclosure,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn frames_carry_their_type_and_errors_their_code() {
        let v: Value = serde_json::from_str(&ServerMsg::error(ErrorCode::WrongPhase, "not now").encode()).unwrap();
        assert_eq!(v, serde_json::json!({"type": "error", "code": "wrong_phase", "message": "not now"}));
        let v: Value = serde_json::from_str(&ServerMsg::notice("hi").encode()).unwrap();
        assert_eq!(v, serde_json::json!({"type": "notice", "text": "hi"}));
        let bye = ServerMsg::worded_notice(
            NoticeKey::TournamentBye,
            crate::wording::params([("round", 2.into())]),
            "You have a bye in round 2.",
        );
        let v: Value = serde_json::from_str(&bye.encode()).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"type": "notice", "text": "You have a bye in round 2.", "key": "tournament_bye",
                               "params": {"round": 2}})
        );
        assert_eq!(ServerMsg::decode(&bye.encode()).unwrap(), bye);
        let line = ChatLineView {
            seat: None,
            name: "Parley".into(),
            text: "Favourite food?".into(),
            at: 5,
            phase: Phase::SmallTalk,
            kind: ChatKind::Icebreaker,
            expression: None,
            member: None,
            statement: None,
        };
        let v: Value = serde_json::from_str(&ServerMsg::Chat(line).encode()).unwrap();
        assert_eq!(v["type"], "chat");
        assert_eq!(v["seat"], Value::Null);
        assert_eq!(v["phase"], "small_talk");
        assert_eq!(v["kind"], "icebreaker");
    }

    /// Golden checks: the lobby frames carry exactly the fields they had when they were built as
    /// JSON values (`docs/protocol.md`), and every frame decodes back to itself.
    #[test]
    fn lobby_frames_keep_their_wire_shape_and_round_trip() {
        use serde_json::json;
        let cases = [
            (
                ServerMsg::Welcome { version: 1, server_time: 7 },
                json!({"type": "welcome", "version": 1, "server_time": 7}),
            ),
            (ServerMsg::Pong { server_time: 8 }, json!({"type": "pong", "server_time": 8})),
            (
                ServerMsg::Joined {
                    player_id: "p_1".into(),
                    token: "t".into(),
                    name: "Ana".into(),
                    session: Some(SessionRef {
                        code: "K7M2QX".into(),
                        kind: SessionKind::Workshop,
                        title: "".into(),
                        scenario: Some("job-offer".into()),
                    }),
                },
                json!({"type": "joined", "player_id": "p_1", "token": "t", "name": "Ana",
                       "session": {"code": "K7M2QX", "kind": "workshop", "title": "", "scenario": "job-offer"}}),
            ),
            (
                ServerMsg::Joined { player_id: "p_2".into(), token: "u".into(), name: "Ben".into(), session: None },
                json!({"type": "joined", "player_id": "p_2", "token": "u", "name": "Ben", "session": null}),
            ),
            (
                ServerMsg::Waiting {
                    ahead: 0,
                    waiting: 1,
                    scenario: "campsite".into(),
                    message: "next".into(),
                    key: None,
                    bot_offer: false,
                },
                json!({"type": "waiting", "ahead": 0, "waiting": 1, "scenario": "campsite", "message": "next"}),
            ),
            (
                ServerMsg::Waiting {
                    ahead: 0,
                    waiting: 1,
                    scenario: "c".into(),
                    message: "m".into(),
                    key: Some(WaitingKey::Alone),
                    bot_offer: true,
                },
                json!({"type": "waiting", "ahead": 0, "waiting": 1, "scenario": "c", "message": "m", "key": "alone",
                       "bot_offer": true}),
            ),
            (ServerMsg::Left { session: "K7M2QX".into() }, json!({"type": "left", "session": "K7M2QX"})),
            (
                ServerMsg::Tournament {
                    round: 1,
                    rounds: 3,
                    status: TournamentStatus::BetweenRounds,
                    standing: StandingView {
                        rank: 2,
                        of: 6,
                        played: 1,
                        byes: 0,
                        value: 0.62,
                        trust: None,
                        score: None,
                        trust_private: true,
                    },
                },
                json!({"type": "tournament", "round": 1, "rounds": 3, "status": "between_rounds",
                       "standing": {"rank": 2, "of": 6, "played": 1, "byes": 0, "value": 0.62,
                                    "trust": null, "score": null, "trust_private": true}}),
            ),
            (ServerMsg::notice("hi"), json!({"type": "notice", "text": "hi"})),
        ];
        for (msg, golden) in cases {
            let text = msg.encode();
            assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), golden, "{text}");
            assert_eq!(golden["type"], msg.kind());
            assert_eq!(ServerMsg::decode(&text).unwrap(), msg);
        }
    }
}
