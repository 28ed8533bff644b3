//! The match state machine, event-sourced. [`Match::decide`] checks an action against the
//! current state and returns the events it causes (or a [`GameError`]); [`Match::apply`]
//! folds one event into the state and never fails. Replaying a stored event log through
//! `apply` rebuilds a match exactly, which is how matches survive a restart. Time enters only
//! as the `at` timestamps (Unix milliseconds) of events and the `now` given to `decide`/`tick`.

use super::scenario::{PhaseDurations, Scenario};
use super::scoring::{is_valid_package, Package};
use super::survey::SurveyAnswer;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Unix time in milliseconds.
pub type Millis = i64;

/// Longest chat message, in characters.
pub const MAX_CHAT_CHARS: usize = 1000;

/// The phases of a match, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Reading the brief.
    Prep,
    /// Chat only, with an icebreaker.
    SmallTalk,
    /// Chat and full-package offers.
    Bargaining,
    /// Post-match questionnaire.
    Survey,
    /// Everything revealed.
    Results,
}

/// How a match ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// Every party accepted this package.
    Deal {
        /// The agreed package.
        package: Package,
    },
    /// No deal: everyone gets their BATNA.
    Impasse {
        /// Why there was no deal.
        reason: ImpasseReason,
    },
    /// Ended because a player left; kept in the data, left out of class statistics.
    Abandoned {
        /// A human sentence saying why (English).
        reason: String,
        /// The same as data, for pages to word in their language (absent in logs written before it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        why: Option<AbandonedWhy>,
    },
}

/// Why a match was abandoned, as data (the page words it; `reason` is the English).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "key", rename_all = "snake_case")]
pub enum AbandonedWhy {
    /// The facilitator removed a player.
    Removed {
        /// The player's display name.
        name: String,
    },
    /// A player left and did not come back within the grace period.
    Left {
        /// The player's display name.
        name: String,
        /// The grace period.
        seconds: u64,
    },
}

/// Why a match ended without a deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImpasseReason {
    /// A player walked away.
    WalkedAway,
    /// The bargaining deadline passed.
    Deadline,
    /// The facilitator ended bargaining.
    EndedByFacilitator,
}

/// Fixed settings of one match.
#[derive(Debug, Clone)]
pub struct MatchConfig {
    /// The scenario played.
    pub scenario: Arc<Scenario>,
    /// Phase durations in seconds (from the session; 0 skips a phase).
    pub durations: PhaseDurations,
    /// Small-talk treatment: `false` skips small talk (the A/B split).
    pub small_talk: bool,
    /// The icebreaker the server posts when small talk starts.
    pub icebreaker: Option<String>,
    /// The tools and survey of this match (a treatment arm can turn tools off).
    pub features: MatchFeatures,
}

/// What a match offers beyond its phases: tools a treatment arm may turn off, and the survey's
/// questions (the session's pick).
#[derive(Debug, Clone, PartialEq)]
pub struct MatchFeatures {
    /// Prep asks each player to guess the counterpart's priorities (`guess_priorities`).
    pub perspective_question: bool,
    /// Bargaining offers checked statements (`disclose`).
    pub disclosure: bool,
    /// The survey's questions, in order.
    pub survey: Arc<[super::survey::Question]>,
    /// Team sizes per seat and the decision rule (`core::team`; one member per seat by default).
    pub teams: super::team::TeamRules,
}

impl Default for MatchFeatures {
    /// Every tool on and the default survey (as every match had before treatments).
    fn default() -> Self {
        MatchFeatures {
            perspective_question: true,
            disclosure: true,
            survey: super::survey::QUESTIONS.into(),
            teams: Default::default(),
        }
    }
}

/// Something a player asks to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Send a chat message (small talk and bargaining).
    Chat(String),
    /// Send a chat message with an expression attached (how the speaker says it feels).
    ChatExpressed(String, Expression),
    /// Vote to end the current phase early (prep or small talk).
    Ready,
    /// Propose a full package (replaces the player's standing offer; the package of the
    /// player's own standing offer again changes nothing).
    Offer(Package),
    /// Withdraw the player's standing offer.
    Withdraw,
    /// Accept a standing offer of another player, by id.
    Accept(u64),
    /// Reject a standing offer of another player, by id.
    Reject(u64),
    /// Leave without a deal: impasse for everyone.
    WalkAway,
    /// Answer the survey.
    Survey(SurveyAnswer),
    /// Skip the survey.
    SkipSurvey,
    /// A structured, server-checked statement about one's own interests (bargaining).
    Disclose(Statement),
    /// A line in the team's private caucus (`core::team`).
    Caucus(String),
    /// Approve the team's open motion, by id (consensus rule).
    Approve(u64),
    /// Decline the team's open motion, by id: it closes.
    Decline(u64),
    /// Name the team's spokesperson, by member index (spokesperson rule).
    Spokesperson(usize),
    /// Before talking (prep): order the issues by how much they matter to the counterpart.
    GuessPriorities(Vec<String>),
    /// Propose agreeing one issue on one option in principle (bargaining); replaces the seat's
    /// own open proposal on that issue.
    ProposeTerms {
        /// Issue index.
        issue: usize,
        /// Option index.
        option: usize,
    },
    /// Say yes to another seat's open proposal on an issue (the option names what was seen, so
    /// a proposal changed in the meantime is not agreed by mistake).
    AgreeTerms {
        /// Issue index.
        issue: usize,
        /// The option of the proposal being answered.
        option: usize,
    },
    /// Say no to another seat's open proposal on an issue.
    RejectTerms {
        /// Issue index.
        issue: usize,
        /// The option of the proposal being answered.
        option: usize,
    },
    /// Take back the seat's own open proposal on an issue.
    WithdrawTerms {
        /// Issue index.
        issue: usize,
    },
    /// Open an issue agreed in principle again (any seat may).
    ReopenTerms {
        /// Issue index.
        issue: usize,
    },
}

/// The kinds of [`Action`], by the client message that asks for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// `chat`
    Chat,
    /// `ready`
    Ready,
    /// `offer`
    Offer,
    /// `withdraw`
    Withdraw,
    /// `accept`
    Accept,
    /// `reject`
    Reject,
    /// `walk_away`
    WalkAway,
    /// `survey`
    Survey,
    /// `skip_survey`
    SkipSurvey,
    /// `disclose`
    Disclose,
    /// `guess_priorities`
    GuessPriorities,
    /// `propose_terms`
    ProposeTerms,
    /// `agree_terms`
    AgreeTerms,
    /// `reject_terms`
    RejectTerms,
    /// `withdraw_terms`
    WithdrawTerms,
    /// `reopen_terms`
    ReopenTerms,
    /// `caucus` (teams only)
    Caucus,
    /// `approve` (teams under consensus)
    Approve,
    /// `decline` (teams under consensus)
    Decline,
    /// `spokesperson` (teams under the spokesperson rule)
    Spokesperson,
}

impl ActionKind {
    /// What doing it is called, for "you cannot … during …".
    pub fn verb(self) -> &'static str {
        match self {
            ActionKind::Chat => "chat",
            ActionKind::Ready => "vote to move on",
            ActionKind::Offer => "make an offer",
            ActionKind::Withdraw => "withdraw an offer",
            ActionKind::Accept => "accept an offer",
            ActionKind::Reject => "reject an offer",
            ActionKind::WalkAway => "walk away",
            ActionKind::Survey | ActionKind::SkipSurvey => "answer the survey",
            ActionKind::Disclose => "make a statement",
            ActionKind::GuessPriorities => "guess priorities",
            ActionKind::ProposeTerms => "propose terms",
            ActionKind::AgreeTerms => "agree to terms",
            ActionKind::RejectTerms => "reject terms",
            ActionKind::WithdrawTerms => "withdraw terms",
            ActionKind::ReopenTerms => "reopen an issue",
            ActionKind::Caucus => "talk in your team's caucus",
            ActionKind::Approve | ActionKind::Decline => "answer your team's proposal",
            ActionKind::Spokesperson => "name your team's spokesperson",
        }
    }
}

impl Action {
    /// Its kind.
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Chat(_) | Action::ChatExpressed(..) => ActionKind::Chat,
            Action::Ready => ActionKind::Ready,
            Action::Offer(_) => ActionKind::Offer,
            Action::Withdraw => ActionKind::Withdraw,
            Action::Accept(_) => ActionKind::Accept,
            Action::Reject(_) => ActionKind::Reject,
            Action::WalkAway => ActionKind::WalkAway,
            Action::Survey(_) => ActionKind::Survey,
            Action::SkipSurvey => ActionKind::SkipSurvey,
            Action::Disclose(_) => ActionKind::Disclose,
            Action::GuessPriorities(_) => ActionKind::GuessPriorities,
            Action::ProposeTerms { .. } => ActionKind::ProposeTerms,
            Action::AgreeTerms { .. } => ActionKind::AgreeTerms,
            Action::RejectTerms { .. } => ActionKind::RejectTerms,
            Action::WithdrawTerms { .. } => ActionKind::WithdrawTerms,
            Action::ReopenTerms { .. } => ActionKind::ReopenTerms,
            Action::Caucus(_) => ActionKind::Caucus,
            Action::Approve(_) => ActionKind::Approve,
            Action::Decline(_) => ActionKind::Decline,
            Action::Spokesperson(_) => ActionKind::Spokesperson,
        }
    }
}

/// The phases in order, each with what a player may do in it: the one table the rules
/// ([`Match::decide`]) and the view (`allowed_actions` in the state frame) read. Preparation is
/// for reading: chat opens with small talk, or with bargaining for matches without small talk
/// (the A/B treatment must not leak). A new phase is a row here, a [`Phase`] variant, and its
/// duration in [`PhaseDurations`].
pub const PHASE_RULES: &[(Phase, &[ActionKind])] = {
    use ActionKind::*;
    &[
        (Phase::Prep, &[Ready, GuessPriorities, Caucus, Spokesperson]),
        (Phase::SmallTalk, &[Chat, Ready, Caucus, Spokesperson]),
        (
            Phase::Bargaining,
            &[
                Chat,
                Offer,
                Withdraw,
                Accept,
                Reject,
                WalkAway,
                Disclose,
                ProposeTerms,
                AgreeTerms,
                RejectTerms,
                WithdrawTerms,
                ReopenTerms,
                Caucus,
                Approve,
                Decline,
                Spokesperson,
            ],
        ),
        (Phase::Survey, &[Survey, SkipSurvey]),
        (Phase::Results, &[]),
    ]
};

impl Phase {
    /// Before the survey: the players are still negotiating (timers, presence and dropouts matter).
    pub fn is_negotiating(self) -> bool {
        matches!(self, Phase::Prep | Phase::SmallTalk | Phase::Bargaining)
    }

    /// What a player may do in this phase ([`PHASE_RULES`]).
    pub fn allows(self, kind: ActionKind) -> bool {
        PHASE_RULES.iter().any(|(p, kinds)| *p == self && kinds.contains(&kind))
    }
}

/// A structured statement a player makes about their own interests. The counterpart sees it as
/// a chat line; the server checks it against the speaker's hidden points and reveals the verdict
/// only in results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Statement {
    /// "Issue X matters a lot / little to me."
    Importance {
        /// Issue index.
        issue: usize,
        /// `true` = a lot, `false` = little.
        high: bool,
    },
    /// "On issue X I prefer A over B."
    Prefers {
        /// Issue index.
        issue: usize,
        /// Option said to be preferred.
        better: usize,
        /// Option said to be worse.
        worse: usize,
    },
}

impl Statement {
    /// Whether the statement names valid issues and options.
    pub fn is_valid(&self, s: &Scenario) -> bool {
        match self {
            Statement::Importance { issue, .. } => *issue < s.issues.len(),
            Statement::Prefers { issue, better, worse } => s
                .issues
                .get(*issue)
                .is_some_and(|i| *better < i.options.len() && *worse < i.options.len() && better != worse),
        }
    }

    /// The chat text the counterpart sees.
    pub fn render(&self, s: &Scenario) -> String {
        match self {
            Statement::Importance { issue, high: true } => format!("{} matters a lot to me.", s.issues[*issue].name),
            Statement::Importance { issue, high: false } => format!("{} matters little to me.", s.issues[*issue].name),
            Statement::Prefers { issue, better, worse } => {
                let i = &s.issues[*issue];
                format!("On {}, I prefer \"{}\" over \"{}\".", i.name, i.options[*better], i.options[*worse])
            }
        }
    }

    /// Checks the statement against the speaker's hidden points (see `docs/scoring.md`):
    /// an issue "matters a lot" when its point range is at least the speaker's average range
    /// over all issues, "little" when it is at most that average; a preference is true when
    /// the better option is worth strictly more points.
    pub fn is_true(&self, s: &Scenario, role: usize) -> bool {
        match self {
            Statement::Importance { issue, high } => {
                let w = super::trust::issue_weights(s, role);
                let mean = w.iter().sum::<f64>() / w.len() as f64;
                if *high {
                    w[*issue] >= mean
                } else {
                    w[*issue] <= mean
                }
            }
            Statement::Prefers { issue, better, worse } => {
                let p = &s.issues[*issue].points[role];
                p[*better] > p[*worse]
            }
        }
    }
}

/// A disclosure made in the match, with the server's verdict (revealed only in results).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisclosureRecord {
    /// When.
    pub at: Millis,
    /// Speaker.
    pub seat: usize,
    /// What was said.
    pub statement: Statement,
    /// True to the speaker's hidden points?
    pub truthful: bool,
    /// The team member who said it (none for a one-person seat).
    pub member: Option<usize>,
}

/// Something a facilitator (or the runtime on their behalf) asks to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Control {
    /// Stop the clock.
    Pause,
    /// Restart the clock; the deadline moves by the paused time.
    Resume,
    /// Add seconds to the current phase.
    Extend(u64),
    /// End the current phase now (bargaining ends in impasse).
    EndPhase,
    /// End the match as abandoned: the English sentence, and why as data.
    Abandon(String, Option<AbandonedWhy>),
}

/// One stored fact about a match. `at` is when it happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Unix milliseconds.
    pub at: Millis,
    /// What happened.
    pub kind: EventKind,
}

/// What happened, with who did it (`seat` = index of the player in the match).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EventKind {
    /// The match entered a phase.
    PhaseChanged {
        /// The new phase.
        phase: Phase,
    },
    /// The server posted the small-talk prompt.
    Icebreaker {
        /// The prompt.
        text: String,
    },
    /// A chat message.
    Chat {
        /// Sender.
        seat: usize,
        /// Text as sent (trimmed).
        text: String,
        /// The expression the sender attached, if any (absent in logs written before there were
        /// expressions, so they still replay).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expression: Option<Expression>,
        /// The team member who wrote it (absent for a one-person seat).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<usize>,
    },
    /// A vote to end the phase early.
    Ready {
        /// Voter.
        seat: usize,
    },
    /// A new standing offer.
    Offer {
        /// Proposer.
        seat: usize,
        /// Offer id, unique in the match.
        offer_id: u64,
        /// The package.
        package: Package,
        /// The team member who acted (absent for a one-person seat).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<usize>,
    },
    /// A standing offer was withdrawn.
    Withdraw {
        /// Proposer.
        seat: usize,
        /// The offer.
        offer_id: u64,
        /// The team member who acted (absent for a one-person seat).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<usize>,
    },
    /// A standing offer was accepted by a seat.
    Accept {
        /// Who accepted.
        seat: usize,
        /// The offer.
        offer_id: u64,
        /// The team member who acted (absent for a one-person seat).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<usize>,
    },
    /// A standing offer was rejected (it stops standing).
    Reject {
        /// Who rejected.
        seat: usize,
        /// The offer.
        offer_id: u64,
        /// The team member who acted (absent for a one-person seat).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<usize>,
    },
    /// A player walked away.
    WalkAway {
        /// Who.
        seat: usize,
        /// The team member who acted (absent for a one-person seat).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<usize>,
    },
    /// The match ended (followed by a phase change to survey or results).
    Ended {
        /// The outcome.
        outcome: Outcome,
    },
    /// A survey answer.
    SurveyAnswered {
        /// Who.
        seat: usize,
        /// `None` when skipped.
        answer: Option<SurveyAnswer>,
        /// The team member who answered (absent for a seat played alone); the seat's answer is its
        /// first member's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<usize>,
    },
    /// The clock stopped.
    Paused,
    /// The clock restarted.
    Resumed,
    /// The phase got longer.
    Extended {
        /// Seconds added.
        seconds: u64,
    },
    /// A checked statement (shown to others as chat; the verdict only in results).
    Disclosed {
        /// Speaker.
        seat: usize,
        /// The statement.
        statement: Statement,
        /// The verdict.
        truthful: bool,
        /// The team member who acted (absent for a one-person seat).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<usize>,
    },
    /// A guess of the counterpart's issue priorities made before talking.
    PrioritiesGuessed {
        /// Who guessed.
        seat: usize,
        /// Issue ids, most important to the counterpart first.
        order: Vec<String>,
    },
    /// A player's connection came or went. Written by Parley before presence left the event log
    /// (issue #12); still read from older logs, and changes nothing in the game.
    Presence {
        /// Who.
        seat: usize,
        /// Connected now?
        online: bool,
    },
    /// A private coaching nudge to one player (see `core::coach`).
    Coached {
        /// Who got it.
        seat: usize,
        /// The rule that fired.
        rule: String,
        /// What the player read.
        text: String,
    },
    /// Someone else took over a seat (the facilitator handed it on, or a bot took it for a
    /// player who left); the seat's earlier lines stay the earlier player's.
    SeatHanded {
        /// The seat.
        seat: usize,
        /// The player id that held it until now.
        #[serde(default)]
        from: String,
        /// The player id now holding it.
        player: String,
    },
    /// A seat proposed agreeing an issue on an option in principle (it replaces the seat's own
    /// open proposal on that issue). Issues and options are indexes, as in packages.
    TermsProposed {
        /// Proposer.
        seat: usize,
        /// Issue index.
        issue: usize,
        /// Option index.
        option: usize,
        /// The team member who acted (absent for a one-person seat).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<usize>,
    },
    /// A seat said yes to the open proposal on an issue.
    TermsAccepted {
        /// Who said yes.
        seat: usize,
        /// Issue index.
        issue: usize,
        /// The team member who acted (absent for a one-person seat).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<usize>,
    },
    /// A seat said no to the open proposal on an issue; the proposal closes once the deal rule
    /// can no longer be met (under unanimity, at the first no), as an offer does.
    TermsRejected {
        /// Who said no.
        seat: usize,
        /// Issue index.
        issue: usize,
        /// The team member who acted (absent for a one-person seat).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<usize>,
    },
    /// The proposer took back its open proposal on an issue.
    TermsWithdrawn {
        /// Proposer.
        seat: usize,
        /// Issue index.
        issue: usize,
        /// The team member who acted (absent for a one-person seat).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<usize>,
    },
    /// The issue is agreed in principle on this option: the seats the deal rule needs said yes
    /// to the open proposal (decided when the last yes came, so it is a fact of the log).
    TermsAgreed {
        /// Issue index.
        issue: usize,
        /// Option index.
        option: usize,
    },
    /// An issue agreed in principle is open again.
    TermsReopened {
        /// Who reopened it.
        seat: usize,
        /// Issue index.
        issue: usize,
        /// The team member who acted (absent for a one-person seat).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member: Option<usize>,
    },
    /// An observer (a participant watching without a seat) filed their observation sheet; the
    /// players read it with their results (see `core::observe`).
    ObservationFiled {
        /// The observer's player id.
        player: String,
        /// Their display name.
        name: String,
        /// What they wrote.
        sheet: super::observe::ObservationSheet,
    },
    /// A line in a team's private caucus (`core::team`): shown to that team only.
    Caucus {
        /// The team's seat.
        seat: usize,
        /// The member who wrote it.
        member: usize,
        /// Text as sent (cleaned).
        text: String,
    },
    /// A member proposed an offer, accept or walk-away to their team (consensus rule).
    MotionProposed {
        /// The team's seat.
        seat: usize,
        /// The proposer.
        member: usize,
        /// Id, unique in the match.
        motion_id: u64,
        /// What it does.
        motion: super::team::Motion,
    },
    /// A member approved their team's motion (the seat's action follows once all have).
    MotionApproved {
        /// The team's seat.
        seat: usize,
        /// Who approved.
        member: usize,
        /// The motion.
        motion_id: u64,
    },
    /// A member declined their team's motion: it closes.
    MotionDeclined {
        /// The team's seat.
        seat: usize,
        /// Who declined.
        member: usize,
        /// The motion.
        motion_id: u64,
    },
    /// A team named its spokesperson (spokesperson rule).
    SpokespersonNamed {
        /// The team's seat.
        seat: usize,
        /// The new spokesperson.
        member: usize,
    },
    /// The facilitator removed one member of a team; the rest play on (`core::team`).
    MemberRemoved {
        /// The team's seat.
        seat: usize,
        /// The member removed (member indexes of the others do not change).
        member: usize,
    },
}

/// Why an action was refused. The server maps each to a stable wire code (`parley::error::ErrorCode`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GameError {
    /// The action is not allowed in this phase.
    #[error("you cannot {action} during {phase:?}")]
    WrongPhase {
        /// What was tried.
        action: &'static str,
        /// The current phase.
        phase: Phase,
    },
    /// The match is paused by the facilitator.
    #[error("the facilitator has paused the match")]
    Paused,
    /// A chat message was empty.
    #[error("chat message is empty")]
    EmptyChat,
    /// A chat message was too long.
    #[error("chat message is longer than {MAX_CHAT_CHARS} characters")]
    ChatTooLong,
    /// An offer did not name one valid option for every issue.
    #[error("an offer must choose one valid option for every issue")]
    BadPackage,
    /// No standing offer has that id.
    #[error("offer {0} is not a standing offer")]
    OfferNotStanding(u64),
    /// A player tried to accept or reject their own offer.
    #[error("you cannot accept or reject your own offer")]
    OwnOffer,
    /// Withdraw with nothing standing.
    #[error("you have no standing offer to withdraw")]
    NothingToWithdraw,
    /// The survey was already answered.
    #[error("you already answered the survey")]
    AlreadyAnswered,
    /// Bad survey answer.
    #[error("{0}")]
    BadSurvey(String),
    /// Already voted.
    #[error("you already voted to move on")]
    AlreadyReady,
    /// A disclosure naming unknown issues or options.
    #[error("a statement must name an issue and two different options of it")]
    BadStatement,
    /// A priority guess that is not every issue once.
    #[error("{0}")]
    BadGuess(String),
    /// A tool this match's treatment arm turned off (the perspective question, the disclosure tool).
    #[error("this match does not offer that: you cannot {0} here")]
    ToolOff(&'static str),
    /// Terms naming an issue or option that does not exist.
    #[error("terms must name an issue and one of its options")]
    BadTerms,
    /// An answer to, or the withdrawal of, a proposal that is not open.
    #[error("there is no open proposal of that option on this issue")]
    TermsNotOpen,
    /// A seat answering its own proposal.
    #[error("you cannot agree to or reject your own proposal")]
    OwnTerms,
    /// A proposal on an issue where another player's proposal waits for an answer.
    #[error("another player's proposal on this issue waits for an answer: agree to it or reject it first")]
    TermsPending,
    /// A proposal on an issue already agreed in principle.
    #[error("this issue is already agreed in principle: reopen it first")]
    TermsAlreadyAgreed,
    /// Reopening an issue that is not agreed.
    #[error("this issue is not agreed in principle")]
    TermsNotAgreed,
    /// A member index the seat's team does not have.
    #[error("your team has no such member")]
    NotAMember,
    /// A team action from a seat held by one person.
    #[error("you play this seat alone: there is no team to talk to")]
    NoTeam,
    /// Someone other than the team's spokesperson tried to commit the seat.
    #[error("only your team's spokesperson can do that: ask them in the caucus")]
    NotSpokesperson,
    /// An answer to a team motion that is not open.
    #[error("your team has no such open proposal")]
    MotionNotOpen,
    /// A member answering their own motion.
    #[error("you proposed this: your teammates approve it")]
    OwnMotion,
}

/// An offer made in the match, with its current status.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OfferRecord {
    /// Offer id.
    pub id: u64,
    /// When it was made.
    pub at: Millis,
    /// Proposer.
    pub seat: usize,
    /// The package.
    pub package: Package,
    /// Standing, withdrawn, rejected, replaced or accepted.
    pub status: OfferStatus,
    /// Seats that have accepted it (the proposer counts as accepting).
    pub accepted_by: Vec<usize>,
    /// Seats that have rejected it while the scenario's deal rule could still be met without them.
    pub rejected_by: Vec<usize>,
    /// The team member who made it (none for a one-person seat).
    pub member: Option<usize>,
}

/// Lifecycle of an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OfferStatus {
    /// Can be accepted.
    Standing,
    /// The proposer took it back.
    Withdrawn,
    /// Rejected by enough parties that the deal rule can no longer be met.
    Rejected,
    /// The proposer made a newer offer.
    Replaced,
    /// Accepted under the scenario's deal rule: the deal.
    Accepted,
    /// The match ended while it stood.
    Expired,
}

/// A proposal to agree one issue on one option in principle, while it is open.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermsProposal {
    /// Proposer.
    pub seat: usize,
    /// Option index.
    pub option: usize,
    /// When it was made.
    pub at: Millis,
    /// Seats that said yes (the proposer counts as saying yes).
    pub accepted_by: Vec<usize>,
    /// Seats that said no while the deal rule could still be met without them.
    pub rejected_by: Vec<usize>,
}

/// Where one issue stands on tentative terms.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct IssueTerms {
    /// The open proposal (at most one per issue).
    pub proposal: Option<TermsProposal>,
    /// The agreement in force, as an index into [`Match::settlements`].
    pub agreed: Option<usize>,
}

/// An issue agreed in principle: one entry per agreement, in the order they were reached (an
/// issue agreed, reopened and agreed again has two).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settlement {
    /// Issue index.
    pub issue: usize,
    /// Option index.
    pub option: usize,
    /// Who proposed it.
    pub proposed_by: usize,
    /// When it was proposed.
    pub proposed_at: Millis,
    /// When it was agreed.
    pub agreed_at: Millis,
    /// The seats that said yes (the proposer included).
    pub agreed_by: Vec<usize>,
    /// Who reopened it, if someone did.
    pub reopened_by: Option<usize>,
    /// When it was reopened.
    pub reopened_at: Option<Millis>,
}

/// How a speaker says a chat line feels: a small fixed set a player picks from (and bots use),
/// after IAGO's emotional expressions. Shown beside the line; never checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Expression {
    /// Pleased.
    Pleased,
    /// Concerned.
    Concerned,
    /// Frustrated.
    Frustrated,
    /// Surprised.
    Surprised,
    /// Neutral.
    Neutral,
}

impl Expression {
    /// Every expression, in the order a picker lists them.
    pub const ALL: [Expression; 5] = [
        Expression::Neutral,
        Expression::Pleased,
        Expression::Concerned,
        Expression::Frustrated,
        Expression::Surprised,
    ];

    /// Its name on the wire.
    pub fn name(self) -> &'static str {
        match self {
            Expression::Pleased => "pleased",
            Expression::Concerned => "concerned",
            Expression::Frustrated => "frustrated",
            Expression::Surprised => "surprised",
            Expression::Neutral => "neutral",
        }
    }
}

/// One line of chat (or a server prompt when `seat` is `None`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChatLine {
    /// When it was sent.
    pub at: Millis,
    /// Sender; `None` for the server's icebreaker.
    pub seat: Option<usize>,
    /// Phase it was sent in.
    pub phase: Phase,
    /// The text.
    pub text: String,
    /// Made with a checked statement (`disclose`) rather than typed.
    pub disclosure: bool,
    /// That statement (what was said, never its verdict), so each reader can word it in their language.
    pub statement: Option<Statement>,
    /// The expression the speaker attached, if any.
    pub expression: Option<Expression>,
    /// The team member who said it (none for a one-person seat and the server).
    pub member: Option<usize>,
}

/// The whole state of one match.
#[derive(Debug, Clone)]
pub struct Match {
    /// Fixed settings.
    pub config: MatchConfig,
    /// Number of players (= scenario roles; seat i plays role i).
    pub seats: usize,
    /// Current phase.
    pub phase: Phase,
    /// When the current phase started.
    pub phase_started: Millis,
    /// When the current phase ends (none in results).
    pub deadline: Option<Millis>,
    /// Set while the facilitator has paused the clock.
    pub paused_at: Option<Millis>,
    /// Per seat: voted to move on in this phase.
    pub ready: Vec<bool>,
    /// Chat history, including icebreakers.
    pub chat: Vec<ChatLine>,
    /// Every offer made.
    pub offers: Vec<OfferRecord>,
    /// The outcome once bargaining has ended.
    pub outcome: Option<Outcome>,
    /// Per seat: survey answer (`Some(None)` = skipped).
    pub survey: Vec<Option<Option<SurveyAnswer>>>,
    /// Checked statements, in order.
    pub disclosures: Vec<DisclosureRecord>,
    /// Per seat: the guess of the counterpart's priorities made in prep.
    pub prep_guess: Vec<Option<Vec<String>>>,
    /// The seat that walked away, if one did.
    pub walked_away: Option<usize>,
    /// Coaching nudges given: `(seat, rule, text, at)`; each is shown only to its seat.
    pub coached: Vec<(usize, String, String, Millis)>,
    /// Per issue: its open proposal and its agreement in principle, if any.
    pub terms: Vec<IssueTerms>,
    /// Every agreement in principle, in the order reached (reopened ones included, marked).
    pub settlements: Vec<Settlement>,
    /// Observation sheets filed by observers, in order (`core::observe`).
    pub observations: Vec<super::observe::Observation>,
    /// Teams: sizes, spokespeople, open motions and caucus lines (`core::team`).
    pub team: super::team::TeamState,
    /// Number of events applied.
    pub events_applied: u64,
}

impl Match {
    /// A match before any event; apply the events of [`Match::start`] (or a stored log) to it.
    pub fn new(config: MatchConfig) -> Match {
        let seats = config.scenario.roles.len();
        let issues = config.scenario.issues.len();
        let team = super::team::TeamState::new(&config.features.teams, seats);
        Match {
            team,
            config,
            seats,
            phase: Phase::Prep,
            phase_started: 0,
            deadline: None,
            paused_at: None,
            ready: vec![false; seats],
            chat: Vec::new(),
            offers: Vec::new(),
            outcome: None,
            survey: vec![None; seats],
            disclosures: Vec::new(),
            prep_guess: vec![None; seats],
            walked_away: None,
            coached: Vec::new(),
            terms: vec![IssueTerms::default(); issues],
            settlements: Vec::new(),
            observations: Vec::new(),
            events_applied: 0,
        }
    }

    /// The events that open a match at `now`: the first phase with a non-zero duration.
    pub fn start(&self) -> Vec<EventKind> {
        let first = if self.duration(Phase::Prep) > 0 { Phase::Prep } else { self.next_phase(Phase::Prep) };
        self.enter(first)
    }

    /// Configured length of a phase in seconds (0 = skipped).
    pub fn duration(&self, phase: Phase) -> u64 {
        let d = &self.config.durations;
        match phase {
            Phase::Prep => d.prep,
            Phase::SmallTalk => {
                if self.config.small_talk {
                    d.small_talk
                } else {
                    0
                }
            }
            Phase::Bargaining => d.bargaining.max(1),
            Phase::Survey => d.survey,
            Phase::Results => 0,
        }
    }

    /// The phase after `p`, skipping phases whose duration is 0.
    pub fn next_phase(&self, p: Phase) -> Phase {
        let order = [Phase::Prep, Phase::SmallTalk, Phase::Bargaining, Phase::Survey, Phase::Results];
        let i = order.iter().position(|x| *x == p).unwrap_or(0);
        order[i + 1..].iter().copied().find(|&q| q == Phase::Results || self.duration(q) > 0).unwrap_or(Phase::Results)
    }

    pub(crate) fn enter(&self, phase: Phase) -> Vec<EventKind> {
        let mut out = vec![EventKind::PhaseChanged { phase }];
        if phase == Phase::SmallTalk {
            if let Some(text) = &self.config.icebreaker {
                out.push(EventKind::Icebreaker { text: text.clone() });
            }
        }
        out
    }

    /// Ending bargaining with an outcome: the outcome and the move to the next phase.
    fn end_with(&self, outcome: Outcome) -> Vec<EventKind> {
        let mut out = vec![EventKind::Ended { outcome }];
        out.extend(self.enter(self.next_phase(Phase::Bargaining)));
        out
    }

    /// The offer standing for a seat, if any.
    pub fn standing_offer(&self, seat: usize) -> Option<&OfferRecord> {
        self.offers.iter().rev().find(|o| o.seat == seat && o.status == OfferStatus::Standing)
    }

    /// What `seat` may do now: the phase's actions ([`PHASE_RULES`]) less what the match's state
    /// rules out (a pause, a vote or survey already given, no offer to withdraw or answer). The
    /// server still checks each action; this is what a client should offer.
    pub fn allowed_actions(&self, seat: usize) -> Vec<ActionKind> {
        let Some((_, kinds)) = PHASE_RULES.iter().find(|(p, _)| *p == self.phase) else { return Vec::new() };
        let others_standing = self.offers.iter().any(|o| o.seat != seat && o.status == OfferStatus::Standing);
        let proposals = || self.terms.iter().filter_map(|t| t.proposal.as_ref());
        kinds
            .iter()
            .copied()
            .filter(|k| match k {
                ActionKind::Survey | ActionKind::SkipSurvey => self.survey.get(seat).is_some_and(|a| a.is_none()),
                ActionKind::GuessPriorities if !self.config.features.perspective_question => false,
                ActionKind::Disclose if !self.config.features.disclosure => false,
                _ if self.paused_at.is_some() => false,
                ActionKind::Ready => !self.ready.get(seat).copied().unwrap_or(true),
                ActionKind::Withdraw => self.standing_offer(seat).is_some(),
                ActionKind::Accept | ActionKind::Reject => others_standing,
                ActionKind::ProposeTerms => {
                    self.terms.iter().any(|t| t.agreed.is_none() && t.proposal.as_ref().is_none_or(|p| p.seat == seat))
                }
                ActionKind::AgreeTerms => proposals().any(|p| p.seat != seat && !p.accepted_by.contains(&seat)),
                ActionKind::RejectTerms => proposals().any(|p| p.seat != seat && !p.rejected_by.contains(&seat)),
                ActionKind::WithdrawTerms => proposals().any(|p| p.seat == seat),
                ActionKind::ReopenTerms => self.terms.iter().any(|t| t.agreed.is_some()),
                // The team's own acts: `allowed_actions_of` says which a member has.
                ActionKind::Caucus | ActionKind::Approve | ActionKind::Decline | ActionKind::Spokesperson => false,
                _ => true,
            })
            .collect()
    }

    /// What member `member` of `seat` may do now: the seat's actions under the team's decision
    /// rule, and the team's own (`core::team`). For a one-person seat, [`Match::allowed_actions`].
    pub fn allowed_actions_of(&self, seat: usize, member: usize) -> Vec<ActionKind> {
        use super::team::TeamDecision;
        let mut kinds = self.allowed_actions(seat);
        if self.team.size(seat) < 2 {
            return kinds;
        }
        // Every member answers the survey for themselves (the seat's first answer is the seat's).
        kinds.retain(|k| !matches!(k, ActionKind::Survey | ActionKind::SkipSurvey));
        if self.phase == Phase::Survey && !self.team.answered(seat, member) {
            kinds.extend([ActionKind::Survey, ActionKind::SkipSurvey]);
        }
        let decision = self.config.features.teams.decision;
        if decision == TeamDecision::Spokesperson && self.team.spokesperson.get(seat) != Some(&member) {
            kinds.retain(|k| !super::team::commits_seat(*k));
        }
        let motion = self.team.motions.get(seat).and_then(Option::as_ref);
        let answerable = motion.is_some_and(|m| m.member != member && !m.approved_by.contains(&member));
        let unpaused = self.paused_at.is_none();
        for kind in [ActionKind::Caucus, ActionKind::Approve, ActionKind::Decline, ActionKind::Spokesperson] {
            let open = match kind {
                ActionKind::Caucus => true,
                ActionKind::Approve | ActionKind::Decline => answerable && unpaused,
                _ => decision == TeamDecision::Spokesperson && unpaused,
            };
            if open && self.phase.allows(kind) {
                kinds.push(kind);
            }
        }
        kinds
    }

    /// Checks a player's action; returns the events it causes.
    pub fn decide(&self, seat: usize, action: &Action) -> Result<Vec<EventKind>, GameError> {
        use Phase::*;
        let phase = self.phase;
        if self.paused_at.is_some() && !matches!(action, Action::Survey(_) | Action::SkipSurvey) && phase != Results {
            return Err(GameError::Paused);
        }
        if !phase.allows(action.kind()) {
            return Err(GameError::WrongPhase { action: action.kind().verb(), phase });
        }
        let f = &self.config.features;
        if (action.kind() == ActionKind::GuessPriorities && !f.perspective_question)
            || (action.kind() == ActionKind::Disclose && !f.disclosure)
        {
            return Err(GameError::ToolOff(action.kind().verb()));
        }
        match action {
            Action::Chat(text) | Action::ChatExpressed(text, _) => {
                let text = super::text::clean_chat(text);
                if text.is_empty() {
                    return Err(GameError::EmptyChat);
                }
                if text.chars().count() > MAX_CHAT_CHARS {
                    return Err(GameError::ChatTooLong);
                }
                let expression = match action {
                    Action::ChatExpressed(_, e) => Some(*e),
                    _ => None,
                };
                Ok(vec![EventKind::Chat { seat, text, expression, member: None }])
            }
            Action::Ready => {
                if self.ready[seat] {
                    return Err(GameError::AlreadyReady);
                }
                let mut out = vec![EventKind::Ready { seat }];
                if self.ready.iter().enumerate().all(|(i, r)| *r || i == seat) {
                    out.extend(self.enter(self.next_phase(phase)));
                }
                Ok(out)
            }
            Action::Offer(pkg) => {
                if !is_valid_package(&self.config.scenario, pkg) {
                    return Err(GameError::BadPackage);
                }
                // The same package again (a double click): the standing offer is the answer.
                if self.standing_offer(seat).is_some_and(|o| &o.package == pkg) {
                    return Ok(vec![]);
                }
                let offer_id = self.offers.len() as u64 + 1;
                Ok(vec![EventKind::Offer { seat, offer_id, package: pkg.clone(), member: None }])
            }
            Action::Withdraw => {
                let o = self.standing_offer(seat).ok_or(GameError::NothingToWithdraw)?;
                Ok(vec![EventKind::Withdraw { seat, offer_id: o.id, member: None }])
            }
            Action::Accept(id) | Action::Reject(id) => {
                let accept = matches!(action, Action::Accept(_));
                let o = self
                    .offers
                    .iter()
                    .find(|o| o.id == *id && o.status == OfferStatus::Standing)
                    .ok_or(GameError::OfferNotStanding(*id))?;
                if o.seat == seat {
                    return Err(GameError::OwnOffer);
                }
                if !accept {
                    return Ok(vec![EventKind::Reject { seat, offer_id: *id, member: None }]);
                }
                let mut out = vec![EventKind::Accept { seat, offer_id: *id, member: None }];
                let accepted: Vec<usize> = o.accepted_by.iter().copied().chain([seat]).collect();
                if self.config.scenario.deal.is_met(self.seats, &accepted) {
                    out.extend(self.end_with(Outcome::Deal { package: o.package.clone() }));
                }
                Ok(out)
            }
            Action::WalkAway => {
                let mut out = vec![EventKind::WalkAway { seat, member: None }];
                out.extend(self.end_with(Outcome::Impasse { reason: ImpasseReason::WalkedAway }));
                Ok(out)
            }
            Action::Disclose(st) => {
                let sc = &self.config.scenario;
                if !st.is_valid(sc) {
                    return Err(GameError::BadStatement);
                }
                Ok(vec![EventKind::Disclosed {
                    seat,
                    statement: st.clone(),
                    truthful: st.is_true(sc, seat),
                    member: None,
                }])
            }
            Action::ProposeTerms { .. }
            | Action::AgreeTerms { .. }
            | Action::RejectTerms { .. }
            | Action::WithdrawTerms { .. }
            | Action::ReopenTerms { .. } => self.decide_terms(seat, action),
            // The team's own acts are decided by `decide_as` (`core::team`).
            Action::Caucus(_) | Action::Approve(_) | Action::Decline(_) | Action::Spokesperson(_) => {
                Err(GameError::NoTeam)
            }
            Action::GuessPriorities(order) => {
                super::survey::validate_ordering(&self.config.scenario, order).map_err(GameError::BadGuess)?;
                Ok(vec![EventKind::PrioritiesGuessed { seat, order: order.clone() }])
            }
            Action::Survey(_) | Action::SkipSurvey => {
                if self.survey[seat].is_some() {
                    return Err(GameError::AlreadyAnswered);
                }
                let answer = match action {
                    Action::Survey(a) => {
                        let a = a.cleaned();
                        a.validate(&self.config.scenario, &self.config.features.survey)
                            .map_err(GameError::BadSurvey)?;
                        Some(a)
                    }
                    _ => None,
                };
                let mut out = vec![EventKind::SurveyAnswered { seat, answer, member: None }];
                if self.surveys_complete_with(seat, None) {
                    out.extend(self.enter(Phase::Results));
                }
                Ok(out)
            }
        }
    }

    /// The tentative-terms actions: one open proposal per issue; an issue is agreed in principle
    /// once the scenario's deal rule is met by the seats that said yes (the proposer counts, as
    /// for offers, and agreement is only checked when someone else says yes); any seat may
    /// reopen an agreed issue. Offers stay full packages and are never refused for departing
    /// from agreed terms: the deal is the package accepted under the deal rule.
    fn decide_terms(&self, seat: usize, action: &Action) -> Result<Vec<EventKind>, GameError> {
        let issues = &self.config.scenario.issues;
        let (issue, option) = match *action {
            Action::ProposeTerms { issue, option }
            | Action::AgreeTerms { issue, option }
            | Action::RejectTerms { issue, option } => (issue, Some(option)),
            Action::WithdrawTerms { issue } | Action::ReopenTerms { issue } => (issue, None),
            _ => return Err(GameError::BadTerms),
        };
        let Some(terms) = self.terms.get(issue) else { return Err(GameError::BadTerms) };
        if option.is_some_and(|o| o >= issues[issue].options.len()) {
            return Err(GameError::BadTerms);
        }
        let open = terms.proposal.as_ref();
        match *action {
            Action::ProposeTerms { option, .. } => {
                if terms.agreed.is_some() {
                    return Err(GameError::TermsAlreadyAgreed);
                }
                match open {
                    Some(p) if p.seat != seat => Err(GameError::TermsPending),
                    // The same proposal again (a double click): nothing changes.
                    Some(p) if p.option == option => Ok(vec![]),
                    _ => Ok(vec![EventKind::TermsProposed { seat, issue, option, member: None }]),
                }
            }
            Action::AgreeTerms { option, .. } | Action::RejectTerms { option, .. } => {
                let p = open.filter(|p| p.option == option).ok_or(GameError::TermsNotOpen)?;
                if p.seat == seat {
                    return Err(GameError::OwnTerms);
                }
                if matches!(action, Action::RejectTerms { .. }) {
                    return Ok(if p.rejected_by.contains(&seat) {
                        vec![]
                    } else {
                        vec![EventKind::TermsRejected { seat, issue, member: None }]
                    });
                }
                if p.accepted_by.contains(&seat) {
                    return Ok(vec![]);
                }
                let mut out = vec![EventKind::TermsAccepted { seat, issue, member: None }];
                let yes: Vec<usize> = p.accepted_by.iter().copied().chain([seat]).collect();
                if self.config.scenario.deal.is_met(self.seats, &yes) {
                    out.push(EventKind::TermsAgreed { issue, option });
                }
                Ok(out)
            }
            Action::WithdrawTerms { .. } => match open {
                Some(p) if p.seat == seat => Ok(vec![EventKind::TermsWithdrawn { seat, issue, member: None }]),
                _ => Err(GameError::TermsNotOpen),
            },
            _ => match terms.agreed {
                Some(_) => Ok(vec![EventKind::TermsReopened { seat, issue, member: None }]),
                None => Err(GameError::TermsNotAgreed),
            },
        }
    }

    /// Per issue, the option agreed in principle now (none where the issue is open).
    pub fn agreed_terms(&self) -> Vec<Option<usize>> {
        self.terms.iter().map(|t| t.agreed.and_then(|i| self.settlements.get(i)).map(|s| s.option)).collect()
    }

    /// Checks a facilitator control; returns the events it causes.
    pub fn control(&self, control: &Control) -> Result<Vec<EventKind>, GameError> {
        let phase = self.phase;
        if phase == Phase::Results {
            return Err(GameError::WrongPhase { action: "change a finished match", phase });
        }
        Ok(match control {
            Control::Pause if self.paused_at.is_none() => vec![EventKind::Paused],
            Control::Resume if self.paused_at.is_some() => vec![EventKind::Resumed],
            Control::Pause | Control::Resume => vec![],
            Control::Extend(s) => vec![EventKind::Extended { seconds: *s }],
            Control::EndPhase => match phase {
                Phase::Bargaining => self.end_with(Outcome::Impasse { reason: ImpasseReason::EndedByFacilitator }),
                _ => self.phase_timeout(),
            },
            Control::Abandon(reason, why) => {
                let outcome = Outcome::Abandoned { reason: reason.clone(), why: why.clone() };
                let mut out = vec![EventKind::Ended { outcome }];
                out.extend(self.enter(Phase::Results));
                out
            }
        })
    }

    fn phase_timeout(&self) -> Vec<EventKind> {
        match self.phase {
            Phase::Bargaining => self.end_with(Outcome::Impasse { reason: ImpasseReason::Deadline }),
            Phase::Results => vec![],
            p => self.enter(self.next_phase(p)),
        }
    }

    /// Events due at `now` because the current phase's deadline has passed (none while paused).
    pub fn tick(&self, now: Millis) -> Vec<EventKind> {
        match (self.deadline, self.paused_at) {
            (Some(d), None) if now >= d => self.phase_timeout(),
            _ => vec![],
        }
    }

    /// Folds one event into the state.
    pub fn apply(&mut self, ev: &Event) {
        self.events_applied += 1;
        let at = ev.at;
        match &ev.kind {
            EventKind::PhaseChanged { phase } => {
                self.phase = *phase;
                self.phase_started = at;
                self.ready = vec![false; self.seats];
                let d = self.duration(*phase);
                self.deadline = if *phase == Phase::Results { None } else { Some(at + d as i64 * 1000) };
                if let Some(p) = self.paused_at.as_mut() {
                    *p = at;
                }
                if *phase == Phase::Results {
                    self.paused_at = None;
                }
            }
            EventKind::Icebreaker { text } => self.chat.push(ChatLine {
                at,
                seat: None,
                phase: self.phase,
                text: text.clone(),
                disclosure: false,
                statement: None,
                expression: None,
                member: None,
            }),
            EventKind::Chat { seat, text, expression, member } => self.chat.push(ChatLine {
                at,
                seat: Some(*seat),
                phase: self.phase,
                text: text.clone(),
                disclosure: false,
                statement: None,
                expression: *expression,
                member: *member,
            }),
            EventKind::Ready { seat } => self.ready[*seat] = true,
            EventKind::Offer { seat, offer_id, package, member } => {
                for o in self.offers.iter_mut().filter(|o| o.seat == *seat && o.status == OfferStatus::Standing) {
                    o.status = OfferStatus::Replaced;
                }
                self.offers.push(OfferRecord {
                    id: *offer_id,
                    at,
                    seat: *seat,
                    package: package.clone(),
                    status: OfferStatus::Standing,
                    accepted_by: vec![*seat],
                    rejected_by: Vec::new(),
                    member: *member,
                });
            }
            EventKind::Withdraw { offer_id, .. } => self.set_status(*offer_id, OfferStatus::Withdrawn),
            EventKind::Reject { seat, offer_id, .. } => {
                // Under unanimity one "no" ends the offer; under another rule it stands while the
                // others can still make it the deal.
                let (rule, parties) = (&self.config.scenario.deal, self.seats);
                if let Some(o) = self.offers.iter_mut().find(|o| o.id == *offer_id) {
                    o.accepted_by.retain(|s| s != seat);
                    if !o.rejected_by.contains(seat) {
                        o.rejected_by.push(*seat);
                    }
                    if !rule.still_possible(parties, &o.rejected_by) {
                        o.status = OfferStatus::Rejected;
                    }
                }
            }
            EventKind::Accept { seat, offer_id, member } => {
                if let Some(m) = member {
                    self.team.accepts.push((*seat, *m));
                }
                if let Some(o) = self.offers.iter_mut().find(|o| o.id == *offer_id) {
                    if !o.accepted_by.contains(seat) {
                        o.accepted_by.push(*seat);
                    }
                    o.rejected_by.retain(|s| s != seat);
                }
            }
            EventKind::WalkAway { seat, .. } => self.walked_away = Some(*seat),
            EventKind::Ended { outcome } => {
                let deal_id = match outcome {
                    Outcome::Deal { package } => self
                        .offers
                        .iter()
                        .rev()
                        .find(|o| o.status == OfferStatus::Standing && &o.package == package)
                        .map(|o| o.id),
                    _ => None,
                };
                for o in self.offers.iter_mut().filter(|o| o.status == OfferStatus::Standing) {
                    o.status = if Some(o.id) == deal_id { OfferStatus::Accepted } else { OfferStatus::Expired };
                }
                self.outcome = Some(outcome.clone());
            }
            EventKind::SurveyAnswered { seat, answer, member } => {
                // A team's first answer is the seat's; every member's is kept (`core::team`).
                if self.survey[*seat].is_none() {
                    self.survey[*seat] = Some(answer.clone());
                }
                if let Some(m) = member {
                    self.team.surveys.push((*seat, *m, answer.clone()));
                }
            }
            EventKind::Paused => self.paused_at = Some(at),
            EventKind::Resumed => {
                if let (Some(p), Some(d)) = (self.paused_at.take(), self.deadline.as_mut()) {
                    *d += (at - p).max(0);
                }
            }
            EventKind::Extended { seconds } => {
                if let Some(d) = self.deadline.as_mut() {
                    *d += *seconds as i64 * 1000;
                }
            }
            EventKind::Presence { .. } => {}
            EventKind::Coached { seat, rule, text } => self.coached.push((*seat, rule.clone(), text.clone(), at)),
            EventKind::Disclosed { seat, statement, truthful, member } => {
                let text = statement.render(&self.config.scenario);
                self.chat.push(ChatLine {
                    at,
                    seat: Some(*seat),
                    phase: self.phase,
                    text,
                    disclosure: true,
                    statement: Some(statement.clone()),
                    expression: None,
                    member: *member,
                });
                self.disclosures.push(DisclosureRecord {
                    at,
                    seat: *seat,
                    statement: statement.clone(),
                    truthful: *truthful,
                    member: *member,
                });
            }
            EventKind::PrioritiesGuessed { seat, order } => self.prep_guess[*seat] = Some(order.clone()),
            EventKind::TermsProposed { .. }
            | EventKind::TermsAccepted { .. }
            | EventKind::TermsRejected { .. }
            | EventKind::TermsWithdrawn { .. }
            | EventKind::TermsAgreed { .. }
            | EventKind::TermsReopened { .. } => self.apply_terms(at, &ev.kind),
            EventKind::SeatHanded { .. }
            | EventKind::Caucus { .. }
            | EventKind::MotionProposed { .. }
            | EventKind::MotionApproved { .. }
            | EventKind::MotionDeclined { .. }
            | EventKind::SpokespersonNamed { .. }
            | EventKind::MemberRemoved { .. } => self.apply_team(at, &ev.kind),
            EventKind::ObservationFiled { player, name, sheet } => {
                self.observations.push(super::observe::Observation {
                    at,
                    phase: self.phase,
                    player: player.clone(),
                    name: name.clone(),
                    sheet: sheet.clone(),
                })
            }
        }
    }

    /// Folds one tentative-terms event into the state (an issue index out of range, which only
    /// a damaged log could hold, changes nothing).
    fn apply_terms(&mut self, at: Millis, kind: &EventKind) {
        let (rule, parties) = (&self.config.scenario.deal, self.seats);
        match *kind {
            EventKind::TermsProposed { seat, issue, option, .. } => {
                if let Some(t) = self.terms.get_mut(issue) {
                    t.proposal =
                        Some(TermsProposal { seat, option, at, accepted_by: vec![seat], rejected_by: Vec::new() });
                }
            }
            EventKind::TermsAccepted { seat, issue, .. } => {
                if let Some(p) = self.terms.get_mut(issue).and_then(|t| t.proposal.as_mut()) {
                    if !p.accepted_by.contains(&seat) {
                        p.accepted_by.push(seat);
                    }
                    p.rejected_by.retain(|s| *s != seat);
                }
            }
            EventKind::TermsRejected { seat, issue, .. } => {
                if let Some(t) = self.terms.get_mut(issue) {
                    if let Some(p) = t.proposal.as_mut() {
                        p.accepted_by.retain(|s| *s != seat);
                        if !p.rejected_by.contains(&seat) {
                            p.rejected_by.push(seat);
                        }
                        if !rule.still_possible(parties, &p.rejected_by) {
                            t.proposal = None;
                        }
                    }
                }
            }
            EventKind::TermsWithdrawn { issue, .. } => {
                if let Some(t) = self.terms.get_mut(issue) {
                    t.proposal = None;
                }
            }
            EventKind::TermsAgreed { issue, option } => {
                if let Some(t) = self.terms.get_mut(issue) {
                    let p = t.proposal.take();
                    t.agreed = Some(self.settlements.len());
                    self.settlements.push(Settlement {
                        issue,
                        option,
                        proposed_by: p.as_ref().map_or(0, |p| p.seat),
                        proposed_at: p.as_ref().map_or(at, |p| p.at),
                        agreed_at: at,
                        agreed_by: p.map(|p| p.accepted_by).unwrap_or_default(),
                        reopened_by: None,
                        reopened_at: None,
                    });
                }
            }
            EventKind::TermsReopened { seat, issue, .. } => {
                if let Some(i) = self.terms.get_mut(issue).and_then(|t| t.agreed.take()) {
                    if let Some(s) = self.settlements.get_mut(i) {
                        s.reopened_by = Some(seat);
                        s.reopened_at = Some(at);
                    }
                }
            }
            _ => {}
        }
    }

    fn set_status(&mut self, id: u64, status: OfferStatus) {
        if let Some(o) = self.offers.iter_mut().find(|o| o.id == id) {
            o.status = status;
        }
    }

    /// Rebuilds a match from its stored events.
    pub fn replay<'a>(config: MatchConfig, events: impl IntoIterator<Item = &'a Event>) -> Match {
        let mut m = Match::new(config);
        for e in events {
            m.apply(e);
        }
        m
    }

    /// The package of the deal, if the match ended in one.
    pub fn deal(&self) -> Option<&Package> {
        match &self.outcome {
            Some(Outcome::Deal { package }) => Some(package),
            _ => None,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::scenario::Scenario;

    /// A two-role, one-issue scenario (other modules' tests build on it too).
    pub(crate) const TWO: &str = r#"
id = "t"
title = "T"
summary = "s"
icebreakers = ["Favourite food?"]
[[roles]]
id = "a"
name = "A"
batna = 2
brief = "A brief"
[[roles]]
id = "b"
name = "B"
batna = 2
brief = "B brief"
[[issues]]
id = "x"
name = "X"
options = ["x0", "x1"]
points = { a = [0, 5], b = [5, 0] }
"#;

    fn cfg(small_talk: bool) -> MatchConfig {
        let s = Scenario::from_toml("t.toml", TWO).unwrap();
        MatchConfig {
            scenario: Arc::new(s),
            durations: PhaseDurations { prep: 10, small_talk: 20, bargaining: 30, survey: 5 },
            small_talk,
            icebreaker: Some("Favourite food?".into()),
            features: Default::default(),
        }
    }

    /// Applies the events of a decision at `now`, as the runtime does.
    fn run(m: &mut Match, now: Millis, evs: Vec<EventKind>) {
        for kind in evs {
            m.apply(&Event { at: now, kind });
        }
    }

    fn act(m: &mut Match, now: Millis, seat: usize, a: Action) -> Result<(), GameError> {
        let evs = m.decide(seat, &a)?;
        run(m, now, evs);
        Ok(())
    }

    #[test]
    fn the_phase_table_is_what_decide_enforces() {
        // Every action outside its phase's row is refused as wrong_phase; every action in it is not.
        let mut m = Match::new(cfg(true));
        let start = m.start();
        run(&mut m, 1000, start);
        let every = [
            Action::Chat("hi".into()),
            Action::Ready,
            Action::Offer(vec![0]),
            Action::Withdraw,
            Action::Accept(1),
            Action::Reject(1),
            Action::WalkAway,
            Action::SkipSurvey,
            Action::GuessPriorities(vec![]),
        ];
        for phase in [Phase::Prep, Phase::SmallTalk, Phase::Bargaining, Phase::Survey] {
            m.phase = phase;
            for a in &every {
                let wrong = matches!(m.decide(0, a), Err(GameError::WrongPhase { .. }));
                assert_eq!(wrong, !phase.allows(a.kind()), "{phase:?} {a:?}");
            }
        }
        m.phase = Phase::Bargaining;
        assert_eq!(
            m.allowed_actions(0),
            [ActionKind::Chat, ActionKind::Offer, ActionKind::WalkAway, ActionKind::Disclose, ActionKind::ProposeTerms],
            "nothing standing or proposed: no withdraw, accept, reject, and no answering or reopening terms"
        );
        for phase in [Phase::Prep, Phase::SmallTalk, Phase::Survey, Phase::Results] {
            m.phase = phase;
            let propose = Action::ProposeTerms { issue: 0, option: 1 };
            assert!(matches!(m.decide(0, &propose), Err(GameError::WrongPhase { .. })), "{phase:?}");
        }
    }

    /// Two issues with three options each, two roles, in bargaining.
    fn two_issues() -> Match {
        let toml = r#"
id = "t2"
title = "T2"
summary = "s"
[[roles]]
id = "a"
name = "A"
batna = 0
brief = "b"
[[roles]]
id = "b"
name = "B"
batna = 0
brief = "b"
[[issues]]
id = "x"
name = "X"
options = ["x0", "x1", "x2"]
points = { a = [0, 1, 2], b = [2, 1, 0] }
[[issues]]
id = "y"
name = "Y"
options = ["y0", "y1", "y2"]
points = { a = [0, 3, 6], b = [6, 3, 0] }
"#;
        let cfg = MatchConfig {
            scenario: Arc::new(Scenario::from_toml("t2.toml", toml).unwrap()),
            durations: PhaseDurations { prep: 0, small_talk: 0, bargaining: 30, survey: 5 },
            small_talk: false,
            icebreaker: None,
            features: Default::default(),
        };
        let mut m = Match::new(cfg);
        let start = m.start();
        run(&mut m, 1000, start);
        assert_eq!(m.phase, Phase::Bargaining);
        m
    }

    #[test]
    fn two_parties_agree_an_issue_in_principle_when_the_other_says_yes() {
        let mut m = two_issues();
        let (propose, agree) =
            (Action::ProposeTerms { issue: 1, option: 2 }, Action::AgreeTerms { issue: 1, option: 2 });
        act(&mut m, 2000, 0, propose.clone()).unwrap();
        assert_eq!(m.decide(0, &propose), Ok(vec![]), "the same proposal again changes nothing");
        assert_eq!(act(&mut m, 2100, 0, agree.clone()), Err(GameError::OwnTerms));
        assert_eq!(
            act(&mut m, 2100, 1, Action::AgreeTerms { issue: 1, option: 1 }),
            Err(GameError::TermsNotOpen),
            "agreeing names the option seen: a different one is not open"
        );
        assert_eq!(act(&mut m, 2100, 1, Action::ProposeTerms { issue: 1, option: 0 }), Err(GameError::TermsPending));
        assert!(m.allowed_actions(1).contains(&ActionKind::AgreeTerms));
        assert!(!m.allowed_actions(0).contains(&ActionKind::AgreeTerms), "nothing of another's to answer");
        assert!(m.allowed_actions(0).contains(&ActionKind::WithdrawTerms));
        act(&mut m, 2200, 1, agree.clone()).unwrap();
        assert_eq!(m.agreed_terms(), [None, Some(2)]);
        assert_eq!(m.terms[1].proposal, None, "the proposal became the agreement");
        assert_eq!(
            m.settlements,
            [Settlement {
                issue: 1,
                option: 2,
                proposed_by: 0,
                proposed_at: 2000,
                agreed_at: 2200,
                agreed_by: vec![0, 1],
                reopened_by: None,
                reopened_at: None,
            }]
        );
        assert_eq!(
            act(&mut m, 2300, 1, Action::ProposeTerms { issue: 1, option: 0 }),
            Err(GameError::TermsAlreadyAgreed)
        );
        assert_eq!(act(&mut m, 2300, 1, Action::ReopenTerms { issue: 0 }), Err(GameError::TermsNotAgreed));
        assert!(m.allowed_actions(1).contains(&ActionKind::ReopenTerms));
        // A full package that departs from the agreed issue is still an offer, and can be the deal.
        act(&mut m, 2400, 1, Action::Offer(vec![0, 0])).unwrap();
        act(&mut m, 2500, 0, Action::Accept(1)).unwrap();
        assert_eq!(m.outcome, Some(Outcome::Deal { package: vec![0, 0] }));
        assert_eq!(m.agreed_terms(), [None, Some(2)], "the record of what was agreed in principle stays");
    }

    #[test]
    fn a_no_closes_a_two_party_proposal_and_the_proposer_may_replace_or_withdraw_it() {
        let mut m = two_issues();
        act(&mut m, 2000, 0, Action::ProposeTerms { issue: 0, option: 2 }).unwrap();
        act(&mut m, 2100, 1, Action::RejectTerms { issue: 0, option: 2 }).unwrap();
        assert_eq!(m.terms[0].proposal, None, "one no under unanimity ends it");
        act(&mut m, 2200, 1, Action::ProposeTerms { issue: 0, option: 0 }).unwrap();
        act(&mut m, 2300, 1, Action::ProposeTerms { issue: 0, option: 1 }).unwrap();
        assert_eq!(m.terms[0].proposal.as_ref().map(|p| (p.seat, p.option, p.at)), Some((1, 1, 2300)));
        assert_eq!(act(&mut m, 2400, 0, Action::WithdrawTerms { issue: 0 }), Err(GameError::TermsNotOpen));
        act(&mut m, 2400, 1, Action::WithdrawTerms { issue: 0 }).unwrap();
        assert_eq!(m.terms[0].proposal, None);
        assert_eq!(act(&mut m, 2500, 0, Action::AgreeTerms { issue: 0, option: 1 }), Err(GameError::TermsNotOpen));
        assert_eq!(act(&mut m, 2500, 0, Action::ProposeTerms { issue: 2, option: 0 }), Err(GameError::BadTerms));
        assert_eq!(act(&mut m, 2500, 0, Action::ProposeTerms { issue: 0, option: 3 }), Err(GameError::BadTerms));
        assert!(m.settlements.is_empty());
    }

    #[test]
    fn either_side_reopens_an_agreed_issue_and_the_order_of_settling_is_kept() {
        let mut m = two_issues();
        act(&mut m, 2000, 1, Action::ProposeTerms { issue: 1, option: 1 }).unwrap();
        act(&mut m, 2100, 0, Action::AgreeTerms { issue: 1, option: 1 }).unwrap();
        act(&mut m, 3000, 0, Action::ProposeTerms { issue: 0, option: 2 }).unwrap();
        act(&mut m, 3100, 1, Action::AgreeTerms { issue: 0, option: 2 }).unwrap();
        assert_eq!(m.settlements.iter().map(|s| s.issue).collect::<Vec<_>>(), [1, 0], "y was settled first");
        act(&mut m, 4000, 1, Action::ReopenTerms { issue: 1 }).unwrap();
        assert_eq!(m.agreed_terms(), [Some(2), None]);
        assert_eq!((m.settlements[0].reopened_by, m.settlements[0].reopened_at), (Some(1), Some(4000)));
        act(&mut m, 5000, 1, Action::ProposeTerms { issue: 1, option: 0 }).unwrap();
        act(&mut m, 5100, 0, Action::AgreeTerms { issue: 1, option: 0 }).unwrap();
        let order: Vec<(usize, usize, bool)> =
            m.settlements.iter().map(|s| (s.issue, s.option, s.reopened_at.is_some())).collect();
        assert_eq!(order, [(1, 1, true), (0, 2, false), (1, 0, false)]);
        assert_eq!(m.agreed_terms(), [Some(2), Some(0)]);
        assert_eq!(m.terms[1].agreed, Some(2));
    }

    #[test]
    fn a_majority_of_three_agrees_terms_with_two_and_survives_one_no() {
        let mut toml = String::from("id = \"m3\"\ntitle = \"M\"\nsummary = \"s\"\n");
        for r in ["a", "b", "c"] {
            toml += &format!("[[roles]]\nid = \"{r}\"\nname = \"{r}\"\nbatna = 0\nbrief = \"b\"\n");
        }
        toml += "[[issues]]\nid = \"x\"\nname = \"X\"\noptions = [\"x0\", \"x1\"]\n";
        toml += "points = { a = [0, 5], b = [5, 0], c = [1, 2] }\n[deal]\nrule = \"majority\"\n";
        let cfg = MatchConfig {
            scenario: Arc::new(Scenario::from_toml("m3.toml", &toml).unwrap()),
            durations: PhaseDurations { prep: 0, small_talk: 0, bargaining: 30, survey: 5 },
            small_talk: false,
            icebreaker: None,
            features: Default::default(),
        };
        let fresh = || {
            let mut m = Match::new(cfg.clone());
            let start = m.start();
            run(&mut m, 1000, start);
            m
        };
        let mut m = fresh();
        act(&mut m, 2000, 0, Action::ProposeTerms { issue: 0, option: 1 }).unwrap();
        act(&mut m, 2100, 1, Action::RejectTerms { issue: 0, option: 1 }).unwrap();
        assert!(m.terms[0].proposal.is_some(), "two of three can still agree");
        assert!(!m.allowed_actions(1).contains(&ActionKind::RejectTerms), "already said no");
        act(&mut m, 2200, 2, Action::AgreeTerms { issue: 0, option: 1 }).unwrap();
        assert_eq!(m.agreed_terms(), [Some(1)]);
        assert_eq!(m.settlements[0].agreed_by, [0, 2]);
        // Two nos out of three: the proposal closes.
        let mut m = fresh();
        act(&mut m, 2000, 0, Action::ProposeTerms { issue: 0, option: 1 }).unwrap();
        act(&mut m, 2100, 1, Action::RejectTerms { issue: 0, option: 1 }).unwrap();
        act(&mut m, 2200, 2, Action::RejectTerms { issue: 0, option: 1 }).unwrap();
        assert_eq!(m.terms[0].proposal, None);
        // A "no" changed to a "yes" counts as a yes.
        let mut m = fresh();
        act(&mut m, 2000, 0, Action::ProposeTerms { issue: 0, option: 1 }).unwrap();
        act(&mut m, 2100, 1, Action::RejectTerms { issue: 0, option: 1 }).unwrap();
        act(&mut m, 2200, 1, Action::AgreeTerms { issue: 0, option: 1 }).unwrap();
        assert_eq!(m.agreed_terms(), [Some(1)]);
    }

    #[test]
    fn named_roles_must_say_yes_to_terms_under_a_roles_rule() {
        let mut m = four_parties("rule = \"roles\"\nroles = [\"a\", \"c\"]");
        act(&mut m, 2000, 1, Action::ProposeTerms { issue: 0, option: 0 }).unwrap();
        act(&mut m, 2100, 3, Action::AgreeTerms { issue: 0, option: 0 }).unwrap();
        act(&mut m, 2200, 0, Action::AgreeTerms { issue: 0, option: 0 }).unwrap();
        assert_eq!(m.agreed_terms(), [None], "c has not said yes");
        act(&mut m, 2300, 2, Action::AgreeTerms { issue: 0, option: 0 }).unwrap();
        assert_eq!(m.agreed_terms(), [Some(0)]);
        assert_eq!(m.settlements[0].agreed_by, [1, 3, 0, 2]);
    }

    #[test]
    fn terms_wait_while_paused() {
        let mut m = two_issues();
        let t = m.control(&Control::Pause).unwrap();
        run(&mut m, 1500, t);
        assert_eq!(act(&mut m, 1600, 0, Action::ProposeTerms { issue: 0, option: 0 }), Err(GameError::Paused));
        assert!(!m.allowed_actions(0).contains(&ActionKind::ProposeTerms));
    }

    mod terms_props {
        use super::*;
        use proptest::prelude::*;

        fn action() -> impl Strategy<Value = (usize, Action)> {
            let seat = 0..2usize;
            let issue = 0..3usize; // one past the last issue: refused, never a panic
            let option = 0..4usize;
            (seat, issue, option, 0..5u8).prop_map(|(seat, issue, option, k)| {
                let a = match k {
                    0 => Action::ProposeTerms { issue, option },
                    1 => Action::AgreeTerms { issue, option },
                    2 => Action::RejectTerms { issue, option },
                    3 => Action::WithdrawTerms { issue },
                    _ => Action::ReopenTerms { issue },
                };
                (seat, a)
            })
        }

        proptest! {
            /// Whatever the players do: at most one open proposal per issue, an agreed issue has
            /// none, agreements are in time order, each needed both seats' yes, the state a
            /// replay of the log rebuilds is the same, and every action that changed something
            /// was of a kind `allowed_actions` offered the seat.
            #[test]
            fn terms_keep_their_rules_and_replay_to_the_same_state(
                actions in proptest::collection::vec(action(), 0..40)
            ) {
                let mut m = two_issues();
                let mut log: Vec<Event> = Vec::new();
                for (now, (seat, a)) in (2000i64..).step_by(10).zip(actions) {
                    let allowed = m.allowed_actions(seat).contains(&a.kind());
                    match m.decide(seat, &a) {
                        Ok(evs) => {
                            if !evs.is_empty() {
                                prop_assert!(allowed, "{a:?} was done but not allowed");
                            }
                            for kind in evs {
                                let e = Event { at: now, kind };
                                m.apply(&e);
                                log.push(e);
                            }
                        }
                        Err(e) => {
                            let refused_by_phase = matches!(e, GameError::WrongPhase { .. } | GameError::Paused);
                            prop_assert!(!refused_by_phase, "{:?}", e);
                        }
                    }
                    for t in &m.terms {
                        prop_assert!(!(t.agreed.is_some() && t.proposal.is_some()));
                    }
                }
                for w in m.settlements.windows(2) {
                    prop_assert!(w[0].agreed_at <= w[1].agreed_at);
                }
                for s in &m.settlements {
                    prop_assert!(s.agreed_by.contains(&0) && s.agreed_by.contains(&1));
                }
                let json = serde_json::to_string(&log).unwrap();
                let back: Vec<Event> = serde_json::from_str(&json).unwrap();
                let r = Match::replay(m.config.clone(), &back);
                prop_assert_eq!(&r.terms, &m.terms);
                prop_assert_eq!(&r.settlements, &m.settlements);
            }
        }
    }

    /// Four parties under `deal` (a TOML `[deal]` table body), in bargaining.
    fn four_parties(deal: &str) -> Match {
        let mut toml = String::from("id = \"f\"\ntitle = \"F\"\nsummary = \"s\"\n");
        for r in ["a", "b", "c", "d"] {
            toml += &format!("[[roles]]\nid = \"{r}\"\nname = \"{r}\"\nbatna = 0\nbrief = \"b\"\n");
        }
        toml += "[[issues]]\nid = \"x\"\nname = \"X\"\noptions = [\"x0\", \"x1\"]\n";
        toml += "points = { a = [0, 5], b = [5, 0], c = [1, 2], d = [2, 1] }\n";
        toml += &format!("[deal]\n{deal}\n");
        let s = Scenario::from_toml("f.toml", &toml).unwrap();
        let cfg = MatchConfig {
            scenario: Arc::new(s),
            durations: PhaseDurations { prep: 0, small_talk: 0, bargaining: 30, survey: 5 },
            small_talk: false,
            icebreaker: None,
            features: Default::default(),
        };
        let mut m = Match::new(cfg);
        let start = m.start();
        run(&mut m, 1000, start);
        assert_eq!(m.phase, Phase::Bargaining);
        m
    }

    #[test]
    fn a_majority_deal_needs_three_of_four_and_survives_one_no() {
        let mut m = four_parties("rule = \"majority\"");
        act(&mut m, 2000, 0, Action::Offer(vec![1])).unwrap();
        act(&mut m, 2100, 1, Action::Reject(1)).unwrap();
        assert_eq!(m.offers[0].status, OfferStatus::Standing, "three can still say yes");
        act(&mut m, 2200, 2, Action::Accept(1)).unwrap();
        assert!(m.outcome.is_none(), "two of four is not a majority");
        act(&mut m, 2300, 3, Action::Accept(1)).unwrap();
        assert_eq!(m.outcome, Some(Outcome::Deal { package: vec![1] }));
        assert_eq!(m.offers[0].status, OfferStatus::Accepted);
        // Two "no"s out of four leave no majority: the offer is rejected.
        let mut m = four_parties("rule = \"majority\"");
        act(&mut m, 2000, 0, Action::Offer(vec![1])).unwrap();
        act(&mut m, 2100, 1, Action::Reject(1)).unwrap();
        act(&mut m, 2200, 2, Action::Reject(1)).unwrap();
        assert_eq!(m.offers[0].status, OfferStatus::Rejected);
    }

    #[test]
    fn named_roles_must_accept_and_the_others_need_not() {
        let mut m = four_parties("rule = \"roles\"\nroles = [\"a\", \"c\"]");
        act(&mut m, 2000, 1, Action::Offer(vec![0])).unwrap();
        act(&mut m, 2100, 3, Action::Reject(1)).unwrap();
        act(&mut m, 2200, 0, Action::Accept(1)).unwrap();
        assert!(m.outcome.is_none(), "c has not accepted");
        act(&mut m, 2300, 2, Action::Accept(1)).unwrap();
        assert_eq!(m.outcome, Some(Outcome::Deal { package: vec![0] }));
        // A required role's "no" ends the offer.
        let mut m = four_parties("rule = \"roles\"\nroles = [\"a\", \"c\"]");
        act(&mut m, 2000, 1, Action::Offer(vec![0])).unwrap();
        act(&mut m, 2100, 2, Action::Reject(1)).unwrap();
        assert_eq!(m.offers[0].status, OfferStatus::Rejected);
    }

    #[test]
    fn unanimity_is_the_default_and_one_no_ends_an_offer() {
        let mut m = four_parties("rule = \"unanimous\"");
        act(&mut m, 2000, 0, Action::Offer(vec![1])).unwrap();
        for seat in [1, 2] {
            act(&mut m, 2100, seat, Action::Accept(1)).unwrap();
        }
        assert!(m.outcome.is_none());
        act(&mut m, 2200, 3, Action::Reject(1)).unwrap();
        assert_eq!(m.offers[0].status, OfferStatus::Rejected);
        assert_eq!(Scenario::from_toml("t.toml", TWO).unwrap().deal, crate::scenario::DealRule::Unanimous);
    }

    #[test]
    fn full_match_to_a_deal() {
        let mut m = Match::new(cfg(true));
        let start = m.start();
        run(&mut m, 1000, start);
        assert_eq!((m.phase, m.deadline), (Phase::Prep, Some(11_000)));
        assert_eq!(
            act(&mut m, 1500, 0, Action::Chat("hi".into())),
            Err(GameError::WrongPhase { action: "chat", phase: Phase::Prep }),
            "no chat while reading the brief"
        );
        act(&mut m, 2000, 0, Action::Ready).unwrap();
        assert_eq!(act(&mut m, 2000, 0, Action::Ready), Err(GameError::AlreadyReady));
        assert_eq!(m.phase, Phase::Prep);
        act(&mut m, 3000, 1, Action::Ready).unwrap();
        assert_eq!((m.phase, m.deadline), (Phase::SmallTalk, Some(23_000)));
        assert_eq!(m.chat[0].text, "Favourite food?");
        let e = act(&mut m, 3000, 0, Action::Offer(vec![0])).unwrap_err();
        assert!(matches!(e, GameError::WrongPhase { .. }), "{e:?}");
        act(&mut m, 4000, 0, Action::Chat("  hello\u{7}\u{202E}\r\nthere  ".into())).unwrap();
        assert_eq!(m.chat[1].text, "hello\nthere");
        assert_eq!(act(&mut m, 4000, 0, Action::Chat("\u{7}\u{0}".into())), Err(GameError::EmptyChat));
        // An expression travels with its line; a line without one has none (and older logs, written
        // before expressions, replay as lines without one).
        act(&mut m, 4100, 1, Action::ChatExpressed("oh!".into(), Expression::Surprised)).unwrap();
        assert_eq!((m.chat[2].expression, m.chat[1].expression), (Some(Expression::Surprised), None));
        let old: EventKind = serde_json::from_str(r#"{"event":"chat","seat":0,"text":"hi"}"#).unwrap();
        assert_eq!(old, EventKind::Chat { seat: 0, text: "hi".into(), expression: None, member: None });
        let new =
            EventKind::Chat { seat: 0, text: "hi".into(), expression: Some(Expression::Frustrated), member: None };
        assert_eq!(serde_json::to_value(&new).unwrap()["expression"], "frustrated");
        assert_eq!(m.tick(22_999), vec![]);
        {
            let t = m.tick(23_000);
            run(&mut m, 23_000, t);
        }
        assert_eq!(m.phase, Phase::Bargaining);
        assert_eq!(act(&mut m, 24_000, 0, Action::Offer(vec![2])), Err(GameError::BadPackage));
        act(&mut m, 24_000, 0, Action::Offer(vec![1])).unwrap();
        assert_eq!(m.decide(0, &Action::Offer(vec![1])), Ok(vec![]), "a double click makes no second offer");
        assert_eq!(act(&mut m, 24_000, 0, Action::Accept(1)), Err(GameError::OwnOffer));
        act(&mut m, 25_000, 0, Action::Offer(vec![0])).unwrap();
        assert_eq!(act(&mut m, 25_000, 1, Action::Accept(1)), Err(GameError::OfferNotStanding(1)));
        act(&mut m, 26_000, 1, Action::Accept(2)).unwrap();
        assert_eq!(m.outcome, Some(Outcome::Deal { package: vec![0] }));
        assert_eq!(m.phase, Phase::Survey);
        assert_eq!(m.offers[1].status, OfferStatus::Accepted);
        assert_eq!(m.offers[0].status, OfferStatus::Replaced);
        act(&mut m, 27_000, 0, Action::SkipSurvey).unwrap();
        assert_eq!(act(&mut m, 27_000, 0, Action::SkipSurvey), Err(GameError::AlreadyAnswered));
        act(&mut m, 28_000, 1, Action::SkipSurvey).unwrap();
        assert_eq!((m.phase, m.deadline), (Phase::Results, None));
    }

    #[test]
    fn deadline_gives_impasse_and_no_small_talk_treatment_skips_it() {
        let mut m = Match::new(cfg(false));
        let start = m.start();
        run(&mut m, 0, start);
        {
            let t = m.tick(10_000);
            run(&mut m, 10_000, t);
        }
        assert_eq!(m.phase, Phase::Bargaining, "small talk skipped");
        assert!(m.chat.is_empty(), "no icebreaker without small talk");
        {
            let t = m.tick(40_000);
            run(&mut m, 40_000, t);
        }
        assert_eq!(m.outcome, Some(Outcome::Impasse { reason: ImpasseReason::Deadline }));
        assert_eq!(m.phase, Phase::Survey);
        {
            let t = m.tick(45_000);
            run(&mut m, 45_000, t);
        }
        assert_eq!(m.phase, Phase::Results);
    }

    #[test]
    fn pause_moves_the_deadline_and_blocks_actions() {
        let mut m = Match::new(cfg(true));
        let start = m.start();
        run(&mut m, 0, start);
        {
            let t = m.control(&Control::Pause).unwrap();
            run(&mut m, 5_000, t);
        }
        assert_eq!(m.tick(20_000), vec![]);
        assert_eq!(act(&mut m, 6_000, 0, Action::Chat("x".into())), Err(GameError::Paused));
        {
            let t = m.control(&Control::Resume).unwrap();
            run(&mut m, 8_000, t);
        }
        assert_eq!(m.deadline, Some(13_000));
        {
            let t = m.control(&Control::Extend(7)).unwrap();
            run(&mut m, 8_000, t);
        }
        assert_eq!(m.deadline, Some(20_000));
    }

    #[test]
    fn facilitator_ending_bargaining_is_recorded_as_such() {
        let mut m = Match::new(cfg(false));
        let start = m.start();
        run(&mut m, 0, start);
        let t = m.control(&Control::EndPhase).unwrap();
        run(&mut m, 1_000, t);
        assert_eq!(m.phase, Phase::Bargaining, "ending prep moves on (small talk skipped)");
        let t = m.control(&Control::EndPhase).unwrap();
        run(&mut m, 2_000, t);
        assert_eq!(m.outcome, Some(Outcome::Impasse { reason: ImpasseReason::EndedByFacilitator }));
        assert_eq!(m.control(&Control::EndPhase).map(|e| e.len()), Ok(1), "survey ends into results");
    }

    #[test]
    fn replay_rebuilds_the_same_state() {
        let mut m = Match::new(cfg(true));
        let mut log = Vec::new();
        let mut step = |m: &mut Match, now, evs: Vec<EventKind>| {
            for kind in evs {
                let e = Event { at: now, kind };
                m.apply(&e);
                log.push(e);
            }
        };
        let s = m.start();
        step(&mut m, 0, s);
        let t = m.tick(10_000);
        step(&mut m, 10_000, t);
        let t = m.tick(30_000);
        step(&mut m, 30_000, t);
        let o = m.decide(1, &Action::Offer(vec![1])).unwrap();
        step(&mut m, 31_000, o);
        let p = m.decide(0, &Action::ProposeTerms { issue: 0, option: 1 }).unwrap();
        step(&mut m, 31_100, p);
        let a = m.decide(1, &Action::AgreeTerms { issue: 0, option: 1 }).unwrap();
        step(&mut m, 31_200, a);
        let r = m.decide(1, &Action::ReopenTerms { issue: 0 }).unwrap();
        step(&mut m, 31_300, r);
        let p = m.decide(1, &Action::ProposeTerms { issue: 0, option: 0 }).unwrap();
        step(&mut m, 31_400, p);
        let w = m.decide(0, &Action::WalkAway).unwrap();
        step(&mut m, 32_000, w);
        let json = serde_json::to_string(&log).unwrap();
        let back: Vec<Event> = serde_json::from_str(&json).unwrap();
        let r = Match::replay(cfg(true), &back);
        assert_eq!((r.phase, r.deadline, r.outcome.clone()), (m.phase, m.deadline, m.outcome.clone()));
        assert_eq!(r.offers, m.offers);
        assert_eq!((&r.terms, &r.settlements), (&m.terms, &m.settlements));
        assert_eq!(r.settlements.len(), 1);
        assert_eq!(r.terms[0].proposal.as_ref().map(|p| (p.seat, p.option)), Some((1, 0)));
        assert_eq!(r.outcome, Some(Outcome::Impasse { reason: ImpasseReason::WalkedAway }));
    }
}
