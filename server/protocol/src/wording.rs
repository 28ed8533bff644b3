//! What the server says to a player as a stable key and its parameters, so that the page words it
//! in the player's language from its own catalogs (`client-web/js/i18n/`). Each frame that carries
//! a key keeps its English sentence too, for old clients, the console and the logs.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The names and numbers a sentence needs (numbers stay JSON numbers).
pub type Params = BTreeMap<String, serde_json::Value>;

/// Builds [`Params`] from `(name, value)` pairs.
pub fn params<const N: usize>(pairs: [(&str, serde_json::Value); N]) -> Params {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// What a `notice` frame says (the facilitator's broadcasts have none: they are their own words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum NoticeKey {
    /// The facilitator handed the player's seat to someone else (`name`: who took it).
    SeatHanded,
    /// A player left and a bot takes their seat (`name`: who left).
    BotTakesSeat,
    /// The player sits out a tournament round (`round`: counted from 1).
    TournamentBye,
    /// This visit could not be added to the learner's practice history.
    HistoryNotSaved,
    /// Another node took the session over and gave the matches back their time (`seconds`).
    TakenOver,
}

/// What a `waiting` frame says (its `ahead` is the number the sentence names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum WaitingKey {
    /// The next player to arrive is the partner.
    Next,
    /// Others are ahead in the line.
    Ahead,
    /// Alone in the practice pool: a bot is offered.
    Alone,
    /// In a cluster's practice pool: a partner is looked for among players waiting on every
    /// server, so no place in a line is known.
    Pool,
}
