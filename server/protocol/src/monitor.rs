//! What a facilitator sees: the live `monitor` frame (over the console's WebSocket, and from
//! `GET /api/sessions/{code}/monitor`) and the tournament view inside it (also
//! `GET /api/sessions/{code}/tournament`), with the session settings they show. Facilitator
//! views carry names and where everyone is, never a role's points or brief.

use crate::core::game::{Millis, Phase};
pub use crate::core::team::TeamDecision;
use crate::core::tournament::Weights;
use crate::results::OutcomeView;
use crate::wire::SessionKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which matches get a small-talk phase (the A/B treatment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum), value(rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum SmallTalkTreatment {
    /// Every match.
    #[default]
    All,
    /// No match.
    None,
    /// Every other match (half the class skips small talk).
    Split,
}

/// What happens when a player stays away past the grace period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum), value(rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum DropoutPolicy {
    /// Keep waiting; the counterpart sees for how long.
    #[default]
    Wait,
    /// End the match as abandoned.
    Abandon,
    /// Hand the seat to a bot (it resumes the seat like the player would).
    Bot,
}

/// How players are put into matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum), value(rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum Pairing {
    /// First come, first served, as soon as enough people wait.
    #[default]
    Auto,
    /// People wait until the facilitator starts pairing, pairs everyone now (random) or pairs by hand.
    Facilitator,
}

/// What the results phase reveals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum), value(rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum Reveal {
    /// Every role's brief and points table.
    #[default]
    All,
    /// Scores and the analysis only; other roles' briefs and points stay private.
    Scores,
}

/// The facilitator's live view of a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MonitorView {
    /// The server's clock, for the console's phase clocks.
    pub server_time: Millis,
    /// The session and its settings.
    pub session: MonitorSession,
    /// Everyone who joined, by name.
    pub players: Vec<MonitorPlayer>,
    /// How many wait to be paired.
    pub waiting: usize,
    /// How many wait, per scenario's line.
    pub waiting_by_scenario: BTreeMap<String, usize>,
    /// The session's matches, by id.
    pub matches: Vec<MonitorMatch>,
    /// The tournament, when one runs (its standings count the matches `matches` shows finished).
    pub tournament: Option<TournamentView>,
}

/// The session a monitor shows, with the settings the console displays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MonitorSession {
    /// The join code.
    pub code: String,
    /// A class or the practice pool.
    pub kind: SessionKind,
    /// The facilitator's title.
    pub title: String,
    /// The session's scenario (none in the practice pool).
    pub scenario: Option<String>,
    /// The pairing mode chosen at set-up.
    pub pairing: Pairing,
    /// Whether people are paired as soon as enough wait now (auto mode, or after "start pairing").
    pub auto_pairing: bool,
    /// The small-talk treatment.
    pub small_talk: SmallTalkTreatment,
    /// What results reveal.
    pub reveal: Reveal,
    /// The dropout policy.
    pub dropout: DropoutPolicy,
    /// People per seat (1: everyone plays alone).
    #[serde(default = "one")]
    pub team_size: usize,
    /// Who may commit a team's seat.
    #[serde(default)]
    pub team_decision: TeamDecision,
}

fn one() -> usize {
    1
}

/// Where a participant is, as the console shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlayerStatus {
    /// In a waiting line.
    Waiting,
    /// In a match that is running.
    Playing,
    /// Their last match reached its results.
    Finished,
    /// Joined, neither waiting nor playing (left the line, or being seated).
    Lobby,
    /// Removed by the facilitator.
    Removed,
    /// Watching a match as an observer (`match_id` names it).
    Observing,
}

/// One participant in the monitor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MonitorPlayer {
    /// Player id (for controls: pair by hand, remove, hand a seat on).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Where they are.
    pub status: PlayerStatus,
    /// A connection holds their seat now.
    pub online: bool,
    /// Their match, when playing or finished.
    pub match_id: Option<String>,
    /// One of the server's bots.
    pub bot: bool,
}

/// One match in the monitor: public facts only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MonitorMatch {
    /// Match id.
    pub id: String,
    /// Current phase.
    pub phase: Phase,
    /// When the phase ends (none in results).
    pub deadline: Option<Millis>,
    /// Stopped by the facilitator.
    pub paused: bool,
    /// Offers made.
    pub offers: usize,
    /// Chat messages sent by players.
    pub messages: usize,
    /// The outcome, once bargaining ended.
    pub outcome: Option<OutcomeView>,
    /// Player names by seat.
    pub players: Vec<String>,
    /// Whether the match had a small-talk phase.
    pub small_talk: bool,
    /// Names of the participants observing it now.
    #[serde(default)]
    pub observers: Vec<String>,
    /// Observation sheets filed for it.
    #[serde(default)]
    pub sheets: usize,
}

/// A tournament's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TournamentConfig {
    /// Scenario id of each round (the number of rounds is its length).
    pub rounds: Vec<String>,
    /// Leaderboard weights.
    #[serde(default)]
    pub weights: Weights,
}

/// A tournament as the facilitator sees it: rounds, groups, standings and per-match results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TournamentView {
    /// Settings; none when the session runs no tournament.
    pub config: Option<TournamentConfig>,
    /// Rounds started so far.
    pub round: usize,
    /// Each round started, oldest first.
    pub rounds: Vec<TournamentRound>,
    /// The leaderboard, best first.
    pub standings: Vec<StandingRow>,
    /// One row per player per finished tournament match.
    pub results: Vec<TournamentResult>,
}

/// One round of a tournament.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TournamentRound {
    /// Round number, from 1.
    pub round: usize,
    /// The round's scenario.
    pub scenario: Option<String>,
    /// Its matches.
    pub groups: Vec<TournamentGroup>,
    /// Who sat out.
    pub byes: Vec<TournamentBye>,
}

/// One match of a round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TournamentGroup {
    /// The match.
    pub match_id: String,
    /// Player ids in seat order.
    pub players: Vec<String>,
    /// Their names, in the same order.
    pub names: Vec<String>,
}

/// A player sitting out a round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TournamentBye {
    /// Player id.
    pub player: String,
    /// Name.
    pub name: String,
}

/// A leaderboard row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StandingRow {
    /// Rank (1 = best; equal scores share a rank).
    pub rank: usize,
    /// Player id.
    pub player: String,
    /// Name (a team's: its members' names together).
    pub name: String,
    /// A team's members' names, in member order (absent when everyone plays alone).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
    /// Matches played.
    pub played: usize,
    /// Byes.
    pub byes: usize,
    /// Mean normalised value (0..1).
    pub value: f64,
    /// Mean trust earned (0..100) over rated matches.
    pub trust: Option<f64>,
    /// How many ratings `trust` rests on.
    pub trust_raters: usize,
    /// The blend of value and trust the ranking uses.
    pub score: f64,
}

/// One player's result in one finished tournament match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TournamentResult {
    /// Round number, from 1.
    pub round: usize,
    /// The match.
    pub match_id: String,
    /// Player id.
    pub player: String,
    /// Name.
    pub name: String,
    /// The role they played.
    pub role: String,
    /// `deal` or `impasse`.
    pub outcome: String,
    /// Their points.
    pub points: i64,
    /// The lowest points their role could end with.
    pub role_min: i64,
    /// The highest points their role could end with.
    pub role_max: i64,
    /// Points normalised within the role's range (0..1).
    pub value: f64,
    /// Trust earned (0..100), when rated.
    pub trust: Option<f64>,
}
