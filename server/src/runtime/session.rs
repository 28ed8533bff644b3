//! Sessions (a class or the practice pool), players, join codes, tokens and the waiting queue.

use crate::core::scenario::PhaseDurations;
use crate::core::survey::{Question, SurveySettings};
use crate::core::treatment::{MatchSettings, Treatment};
use crate::error::ErrorCode;
use crate::runtime::outbox::Outbox;
use crate::runtime::rate::RateLimit;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::Mutex;

/// Characters of join codes: no look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
pub const CODE_ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";
/// Join code length.
pub const CODE_LEN: usize = 6;

/// A new random join code.
pub fn new_code() -> String {
    let mut rng = rand::rng();
    (0..CODE_LEN).map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char).collect()
}

/// A new secret token: 128 random bits as 32 hex digits.
pub fn new_token() -> String {
    let v: u128 = rand::rng().random();
    format!("{v:032x}")
}

/// A new id with a prefix and 64 random bits.
pub fn new_id(prefix: &str) -> String {
    let v: u64 = rand::rng().random();
    format!("{prefix}_{v:016x}")
}

pub use crate::wire::SessionKind;

pub use crate::monitor::{DropoutPolicy, Pairing, Reveal, SmallTalkTreatment, TeamDecision};

/// Settings chosen when a session is created (stored as JSON).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SessionSettings {
    /// A title for the facilitator's list.
    #[serde(default)]
    pub title: String,
    /// Scenario id (none for the practice pool, where players choose).
    #[serde(default)]
    pub scenario: Option<String>,
    /// Phase durations; the scenario's defaults when absent.
    #[serde(default)]
    pub durations: Option<PhaseDurations>,
    /// Small-talk treatment.
    #[serde(default)]
    pub small_talk: SmallTalkTreatment,
    /// Dropout policy.
    #[serde(default)]
    pub dropout: DropoutPolicy,
    /// Seconds a disconnected player may take to come back.
    #[serde(default = "default_grace")]
    pub grace_seconds: u64,
    /// Pairing mode.
    #[serde(default)]
    pub pairing: Pairing,
    /// What results reveal.
    #[serde(default)]
    pub reveal: Reveal,
    /// Live coaching nudges (`core::coach`); when absent, on in the practice pool, off in classes.
    #[serde(default)]
    pub coaching: Option<bool>,
    /// Treatment arms, assigned to matches at random in balanced blocks (`core::treatment`);
    /// none: every match plays the settings above.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub treatment: Option<Treatment>,
    /// The survey's items; none: the default five (`core::survey::QUESTIONS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey: Option<SurveySettings>,
    /// People per seat: 1 (everyone plays alone) or a team of 2–4 (`core::team`).
    #[serde(default = "one_per_seat", skip_serializing_if = "is_one")]
    pub team_size: usize,
    /// Who may commit a team's seat (with `team_size` above 1).
    #[serde(default, skip_serializing_if = "is_any")]
    pub team_decision: TeamDecision,
}

fn one_per_seat() -> usize {
    1
}

fn is_one(n: &usize) -> bool {
    *n == 1
}

fn is_any(d: &TeamDecision) -> bool {
    *d == TeamDecision::Any
}

/// The settings one match is played with: the session's, with its treatment arm applied.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchPlan {
    /// The arm's name (none without a treatment).
    pub arm: Option<String>,
    /// The effective settings.
    pub settings: MatchSettings,
    /// The survey's questions.
    pub survey: Vec<Question>,
}

impl SessionSettings {
    /// Checks the treatment and the survey items (the rest is checked where the session is created).
    pub fn validate_design(&self) -> Result<(), (ErrorCode, String)> {
        if let Some(t) = &self.treatment {
            t.validate().map_err(|m| (ErrorCode::BadTreatment, m))?;
            if self.small_talk == SmallTalkTreatment::Split {
                return Err((
                    ErrorCode::BadTreatment,
                    "small_talk \"split\" and treatment arms both assign matches: use one of them (an arm can set small_talk)".into(),
                ));
            }
        }
        if let Some(sv) = &self.survey {
            sv.validate().map_err(|m| (ErrorCode::BadSurveyItems, m))?;
        }
        if !(1..=crate::core::team::MAX_TEAM).contains(&self.team_size) {
            let m = format!("team_size must be 1 (no teams) to {}", crate::core::team::MAX_TEAM);
            return Err((ErrorCode::BadTeams, m));
        }
        Ok(())
    }

    /// The plan of the session's match number `k` (`None`: a match outside the session's
    /// numbering, such as a tournament round or a practice bot, which plays the session's own
    /// settings with no arm). `coaching` is the session's coaching without an arm; `durations`
    /// the session's (or the scenario's) phase lengths.
    pub fn plan(&self, k: Option<u64>, coaching: bool, durations: PhaseDurations) -> MatchPlan {
        let base = MatchSettings {
            small_talk: match self.small_talk {
                SmallTalkTreatment::All => true,
                SmallTalkTreatment::None => false,
                // The older A/B split alternates by match number; matches outside the
                // numbering keep small talk.
                SmallTalkTreatment::Split => k.is_none_or(|k| k.is_multiple_of(2)),
            },
            icebreaker: true,
            perspective_question: true,
            disclosure: true,
            coaching,
            durations,
        };
        let arm = match (&self.treatment, k) {
            (Some(t), Some(k)) => t.arms.get(t.arm_for(k)),
            _ => None,
        };
        MatchPlan {
            arm: arm.map(|a| a.name.clone()),
            settings: arm.map_or(base, |a| a.apply(base)),
            survey: self.survey.clone().unwrap_or_default().questions(),
        }
    }
}

/// The default grace period, seconds (one source for the settings and the command line).
pub fn default_grace() -> u64 {
    120
}

/// A session in memory: what never changes about it, its mailbox, and what its actor publishes.
/// Its waiting lines, pairing, removals and tournament belong to its actor
/// (`runtime::session_actor`); everyone else sends the actor a message.
pub struct Session {
    /// Join code.
    pub code: String,
    /// Workshop or practice.
    pub kind: SessionKind,
    /// Settings.
    pub settings: SessionSettings,
    /// The facilitator's secret token.
    pub facilitator_token: String,
    /// Creation time.
    pub created_at: i64,
    /// The session actor's mailbox.
    pub mailbox: tokio::sync::mpsc::Sender<crate::runtime::session_actor::SessionMsg>,
    /// What the actor publishes for readers outside it (removals, the tournament's rounds).
    pub facts: tokio::sync::watch::Sender<SessionFacts>,
    /// Players who joined (for the per-session cap; a join reserves its place before storing).
    pub player_count: AtomicUsize,
    /// Counts changes a facilitator's monitor shows (joins, connections, waiting lines, matches'
    /// summaries, controls); consoles wait on it instead of polling.
    pub changes: tokio::sync::watch::Sender<u64>,
    /// The session's matches, oldest first (so a session's views never scan every match).
    pub match_ids: Mutex<Vec<String>>,
    /// The session's players, by join time (so a session's views never scan every player).
    pub player_ids: Mutex<Vec<String>>,
    /// Facilitator consoles watching it now (a watched session stays in memory).
    pub watchers: AtomicUsize,
    /// Set when another node of a cluster took the session over (its address, when known):
    /// consoles still watching here are sent there.
    pub moved_to: Mutex<Option<String>>,
    /// Since when nothing has used it (see `runtime::residency`); none while in use.
    pub idle_since: Mutex<Option<i64>>,
}

/// What a session's actor publishes after each change, for readers that must not wait for it
/// (a token check, the teaching notes). Only the actor writes it.
#[derive(Debug, Clone, Default)]
pub struct SessionFacts {
    /// Players the facilitator removed (their token stops working).
    pub removed: std::collections::HashSet<String>,
    /// The scenario of each tournament round, once a tournament started.
    pub tournament_rounds: Option<Vec<String>>,
}

/// How many messages a session's mailbox holds before senders wait (a flood from one
/// connection then slows that connection, not the session).
pub const SESSION_MAILBOX: usize = 256;

impl Session {
    /// A session in memory and the receiving end of its mailbox, for its actor.
    pub fn new(
        code: String,
        kind: SessionKind,
        settings: SessionSettings,
        facilitator_token: String,
        created_at: i64,
    ) -> (Self, tokio::sync::mpsc::Receiver<crate::runtime::session_actor::SessionMsg>) {
        let (mailbox, rx) = tokio::sync::mpsc::channel(SESSION_MAILBOX);
        let session = Session {
            code,
            kind,
            settings,
            facilitator_token,
            created_at,
            mailbox,
            facts: tokio::sync::watch::Sender::new(SessionFacts::default()),
            player_count: AtomicUsize::new(0),
            changes: tokio::sync::watch::Sender::new(0),
            match_ids: Mutex::new(Vec::new()),
            player_ids: Mutex::new(Vec::new()),
            watchers: AtomicUsize::new(0),
            moved_to: Mutex::new(None),
            idle_since: Mutex::new(None),
        };
        (session, rx)
    }

    /// Whether players get live coaching nudges.
    pub fn coaching(&self) -> bool {
        self.settings.coaching.unwrap_or(self.kind == SessionKind::Practice)
    }

    /// Marks a change the monitor shows.
    pub fn touch(&self) {
        self.changes.send_modify(|v| *v = v.wrapping_add(1));
    }

    /// Whether the player was removed by the facilitator.
    pub fn is_removed(&self, player_id: &str) -> bool {
        self.facts.borrow().removed.contains(player_id)
    }
}

/// Waiting players by scenario id, oldest first, and how many matches each scenario started.
#[derive(Default)]
pub struct Queue {
    /// Scenario id → waiting player ids.
    pub waiting: BTreeMap<String, VecDeque<String>>,
    /// Matches started so far in this session (drives role rotation and the A/B split).
    pub matches_started: u64,
}

impl Queue {
    /// Removes a player from every waiting line; true if they were waiting.
    pub fn remove(&mut self, player_id: &str) -> bool {
        let mut found = false;
        for q in self.waiting.values_mut() {
            if let Some(i) = q.iter().position(|p| p == player_id) {
                q.remove(i);
                found = true;
            }
        }
        found
    }

    /// Where a player waits: scenario id, people ahead, people in that line.
    pub fn position(&self, player_id: &str) -> Option<(String, usize, usize)> {
        self.waiting.iter().find_map(|(s, q)| q.iter().position(|p| p == player_id).map(|i| (s.clone(), i, q.len())))
    }
}

/// Where a player is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// Not waiting, not playing (just joined, or left a queue).
    Lobby,
    /// In a waiting line.
    Waiting,
    /// Taken out of a waiting line for a match that is being created (stored, then started):
    /// a reconnect in this moment must not put the player back in line.
    Seating,
    /// Playing a seat of a match.
    InMatch {
        /// Match id.
        match_id: String,
        /// Seat index.
        seat: usize,
        /// Index in the seat's team (0 for a seat played alone).
        member: usize,
    },
    /// Watching a match as an observer, without a seat (placed there by the facilitator).
    Observing {
        /// Match id.
        match_id: String,
    },
}

/// A player in memory.
pub struct Player {
    /// Player id (public within the match).
    pub id: String,
    /// Secret resume token.
    pub token: String,
    /// Session join code.
    pub session: String,
    /// Display name.
    pub name: String,
    /// One of the server's bots (its survey ratings never count as a person's trust).
    pub bot: bool,
    /// The scenario they asked for in the practice pool.
    pub wanted_scenario: Mutex<Option<String>>,
    /// The drill they practise in the practice pool (their matches' seats carry it).
    pub wanted_drill: Mutex<Option<crate::core::drills::Drill>>,
    /// Where they are.
    pub location: Mutex<Location>,
    /// Their current connection, if any (one at a time: a newer one replaces it).
    pub conn: Mutex<Option<Outbox>>,
    /// Chat messages, kept with the player so reconnecting does not refill it.
    pub chat_limit: Mutex<RateLimit>,
    /// Connections taking this player's seat (a reconnect loop hits it).
    pub connect_limit: Mutex<RateLimit>,
    /// Has asked for a practice bot (a player gets one).
    pub asked_for_bot: AtomicBool,
    /// Since when nothing has kept this practice player in memory (see `runtime::residency`).
    pub idle_since: Mutex<Option<i64>>,
}

/// Connections per player: a burst of 10 (reloads, flaky Wi-Fi), then one every 3 seconds.
pub const CONNECT_BURST: f64 = 10.0;
/// Connection refill per second.
pub const CONNECT_PER_SEC: f64 = 1.0 / 3.0;

impl Player {
    /// A player in memory, in the lobby, not connected; `chat` is their chat bucket (burst, per second).
    pub fn new(id: String, token: String, session: String, name: String, bot: bool, chat: (f64, f64)) -> Player {
        Player {
            id,
            token,
            session,
            name,
            bot,
            wanted_scenario: Mutex::new(None),
            wanted_drill: Mutex::new(None),
            location: Mutex::new(Location::Lobby),
            conn: Mutex::new(None),
            chat_limit: Mutex::new(RateLimit::new(chat.0, chat.1)),
            connect_limit: Mutex::new(RateLimit::new(CONNECT_BURST, CONNECT_PER_SEC)),
            asked_for_bot: AtomicBool::new(false),
            idle_since: Mutex::new(None),
        }
    }

    /// Sends a frame to the player's connection, if connected.
    pub fn send(&self, frame: &crate::wire::ServerMsg) {
        if let Some(o) = self.conn.lock().expect("conn lock").as_ref() {
            o.send_msg(frame);
        }
    }

    /// Sends a frame already encoded (one broadcast to many players is encoded once).
    pub fn send_encoded(&self, frame: &axum::extract::ws::Utf8Bytes) {
        if let Some(o) = self.conn.lock().expect("conn lock").as_ref() {
            o.send(frame.clone());
        }
    }

    /// The match the player observes, if they are an observer.
    pub fn observing(&self) -> Option<String> {
        match &*self.location.lock().expect("location") {
            Location::Observing { match_id } => Some(match_id.clone()),
            _ => None,
        }
    }

    /// The match and seat the player is in, if any.
    pub fn seat(&self) -> Option<(String, usize)> {
        self.place().map(|(m, seat, _)| (m, seat))
    }

    /// The match, seat and team member index the player is in, if any.
    pub fn place(&self) -> Option<(String, usize, usize)> {
        match &*self.location.lock().expect("location lock") {
            Location::InMatch { match_id, seat, member } => Some((match_id.clone(), *seat, *member)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_tokens_have_the_promised_shape() {
        for _ in 0..200 {
            let c = new_code();
            assert_eq!(c.len(), CODE_LEN);
            assert!(c.bytes().all(|b| CODE_ALPHABET.contains(&b)));
            assert!(!c.contains(['0', 'O', '1', 'I', 'L', '5', 'S', '8', 'B', '2', 'Z']));
        }
        let t = new_token();
        assert_eq!(t.len(), 32);
        assert_ne!(t, new_token());
    }

    #[test]
    fn queue_positions() {
        let mut q = Queue::default();
        q.waiting.entry("s".into()).or_default().extend(["a".to_string(), "b".to_string()]);
        assert_eq!(q.position("b"), Some(("s".into(), 1, 2)));
        assert!(q.remove("a"));
        assert_eq!(q.position("b"), Some(("s".into(), 0, 1)));
        assert!(!q.remove("zz"));
    }
}
