//! The durable store: every accepted event is committed before anyone is told, with group commit
//! so throughput holds. Two databases sit behind one [`Store`]: SQLite, one file beside the server
//! and the embedded default ([`sqlite`]), and PostgreSQL for hosted deployments ([`postgres`],
//! `parley serve --postgres URL`). Both take writes on one writer (a thread, or a task) that runs
//! every write waiting in one transaction and replies after the commit, and answer reads on
//! connections of their own.

use crate::core::game::{Event, Millis};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;
use tokio::sync::oneshot;

pub mod postgres;
pub mod sqlite;

pub use postgres::ownership::{preferred, Claim, Cluster};
pub use postgres::pool::{PoolGroup, WaitingRow};
pub use postgres::NodeConfig;

/// A stored session (a class or the practice pool).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SessionRow {
    /// Join code.
    pub code: String,
    /// `workshop` or `practice`.
    pub kind: String,
    /// Settings as JSON (see `runtime::session::SessionSettings`).
    pub settings: String,
    /// The facilitator's secret token.
    pub facilitator_token: String,
    /// Creation time.
    pub created_at: Millis,
}

/// A stored player.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PlayerRow {
    /// Player id.
    pub id: String,
    /// Secret resume token.
    pub token: String,
    /// Session join code.
    pub session: String,
    /// Display name.
    pub name: String,
    /// Join time.
    pub joined_at: Millis,
    /// One of the server's bots.
    #[serde(default)]
    pub bot: bool,
}

/// A stored match.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MatchRow {
    /// Match id.
    pub id: String,
    /// Session join code.
    pub session: String,
    /// Scenario id.
    pub scenario: String,
    /// Match settings as JSON (see `runtime::matches::StoredMatchConfig`).
    pub config: String,
    /// Player ids by seat, as a JSON array.
    pub seats: String,
    /// Creation time.
    pub created_at: Millis,
    /// The match's final summary as JSON, stored when it finished (`runtime::match_actor::
    /// MatchSummary`): a finished match is restored from it, without reading its events.
    #[serde(default)]
    pub summary: Option<String>,
}

/// One session as it lives in memory: its row, every player, every match (with its events, except
/// finished matches with a stored summary: their events are read when someone opens them again),
/// and its facilitator actions. A class's session is read whole at start-up when it is live, or
/// when someone asks for it after it was disposed. The practice pool, which only grows, is read
/// with its running matches and their players only; its other players come back one by one
/// ([`ResidentPlayer`]).
#[derive(Debug, Clone)]
pub struct ResidentSession {
    /// The session's row.
    pub session: SessionRow,
    /// Players by join time, then id.
    pub players: Vec<PlayerRow>,
    /// Matches by creation time, then id.
    pub matches: Vec<(MatchRow, Vec<Event>)>,
    /// Facilitator actions `(at, kind as JSON)` in order.
    pub session_events: Vec<(Millis, String)>,
    /// How many matches the session has started in all (drives role rotation and the A/B split).
    pub matches_started: u64,
}

/// One player of the practice pool as they come back into memory: their row and their latest match.
#[derive(Debug, Clone)]
pub struct ResidentPlayer {
    /// The player's row.
    pub player: PlayerRow,
    /// Their most recent match, with its events unless it is finished with a stored summary.
    pub last_match: Option<(MatchRow, Vec<Event>)>,
}

/// What is read at start-up: the live sessions only (the practice pool, and every session with a
/// match that has not finished); the rest are read on demand.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Live sessions, oldest first.
    pub sessions: Vec<ResidentSession>,
    /// How many sessions are stored in all.
    pub stored_sessions: usize,
}

impl Snapshot {
    /// Matches read at start-up.
    pub fn matches(&self) -> usize {
        self.sessions.iter().map(|s| s.matches.len()).sum()
    }
}

/// Store failures.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite said no.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL said no (or could not be reached).
    #[error("database error: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    /// The writer thread is gone.
    #[error("the store is closed")]
    Closed,
    /// A stored row could not be decoded.
    #[error("corrupt stored event: {0}")]
    Corrupt(String),
    /// A write was refused (disk full, I/O); nothing of it was stored.
    #[error("could not store: {0}")]
    Write(String),
    /// A write would have broken a uniqueness rule (a join code or token already taken, a
    /// sequence number already used); nothing of it was stored.
    #[error("already stored: {0}")]
    Conflict(String),
    /// The database did not answer in time (no connection within the timeout, a statement
    /// cancelled by its timeout, a connection lost): nothing was read or changed.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// This node no longer owns the session (another node took it over): nothing was stored, and
    /// nothing of that session will be again from this node.
    #[error("session {0} is owned by another node now")]
    Fenced(String),
}

impl StoreError {
    /// Whether the database could not be reached or did not answer in time (rather than
    /// refusing what was asked): the caller answers `store_unavailable`, and may try again.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Unavailable(_) => true,
            StoreError::Postgres(e) => {
                let state = e.code();
                e.is_closed()
                    || state == Some(&tokio_postgres::error::SqlState::QUERY_CANCELED)
                    || state.is_some_and(|c| c.code().starts_with("08"))
                    || std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
            }
            _ => false,
        }
    }

    /// What a caller is told about a refused write: a conflict, or a failure to write.
    pub(crate) fn refused(e: StoreError) -> StoreError {
        match e {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, msg))
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                StoreError::Conflict(msg.unwrap_or_else(|| f.to_string()))
            }
            StoreError::Postgres(pg) if pg.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION) => {
                StoreError::Conflict(pg.to_string())
            }
            StoreError::Conflict(m) => StoreError::Conflict(m),
            StoreError::Fenced(s) => StoreError::Fenced(s),
            other => StoreError::Write(other.to_string()),
        }
    }
}

/// The columns each backend reads rows with, in the order its row readers expect.
const SESSION_COLUMNS: &str = "code, kind, settings, facilitator_token, created_at";
const PLAYER_COLUMNS: &str = "id, token, session, name, joined_at, bot";
const MATCH_COLUMNS: &str = "id, session, scenario, config, seats, created_at, summary";

/// `MATCH_COLUMNS` qualified by a table alias, for joins.
fn match_columns_of(alias: &str) -> String {
    MATCH_COLUMNS.split(", ").map(|c| format!("{alias}.{c}")).collect::<Vec<_>>().join(", ")
}

/// The player ids of a stored `seats` array (none when it is unreadable).
fn seats_of(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// A stored event back as the core's; an undecodable one is an error naming its match.
fn decode_event(match_id: &str, at: Millis, kind: &str) -> Result<Event, StoreError> {
    serde_json::from_str(kind)
        .map(|kind| Event { at, kind })
        .map_err(|e| StoreError::Corrupt(format!("match {match_id}: {e}")))
}

/// The players a practice history names, in order: everyone seated in its matches (oldest
/// first), then linked players who have not played yet.
fn practice_player_ids(matches: &[MatchRow], linked: &[String]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for p in matches.iter().flat_map(|m| seats_of(&m.seats)).chain(linked.iter().cloned()) {
        if !ids.contains(&p) {
            ids.push(p);
        }
    }
    ids
}

/// A write: committed (with every other write waiting) before its reply.
pub(crate) enum Job {
    Session(SessionRow),
    Player(PlayerRow),
    Match(MatchRow),
    Events { match_id: String, first_seq: u64, events: Vec<Event>, ack: Option<(usize, u64)> },
    SessionEvent { session: String, at: Millis, kind: String },
    Seats { match_id: String, seats: String },
    Summary { match_id: String, summary: String },
    PracticeLink { player_id: String, key_hash: String, at: Millis },
    PracticeUnlink { key_hash: String },
}

/// A read, answered on its own connection (never on the commit path).
pub(crate) enum Read {
    Match {
        match_id: String,
        reply: oneshot::Sender<Result<Vec<Event>, StoreError>>,
    },
    Session {
        session: String,
        reply: oneshot::Sender<Result<SessionLog, StoreError>>,
    },
    Resident {
        code: String,
        reply: oneshot::Sender<Result<Option<ResidentSession>, StoreError>>,
    },
    SessionOfPlayer {
        token: String,
        reply: oneshot::Sender<Result<Option<String>, StoreError>>,
    },
    SessionExists {
        code: String,
        reply: oneshot::Sender<Result<bool, StoreError>>,
    },
    Player {
        token: String,
        reply: oneshot::Sender<Result<Option<ResidentPlayer>, StoreError>>,
    },
    Practice {
        key_hash: String,
        reply: oneshot::Sender<Result<PracticeLog, StoreError>>,
    },
    /// The client message ids `(match, seat, cid)` applied in these matches.
    Applied {
        match_ids: Vec<String>,
        reply: oneshot::Sender<Result<Vec<AppliedId>, StoreError>>,
    },
}

/// A client message id applied in a match: `(match, seat, cid)`.
pub type AppliedId = (String, usize, u64);

/// The practice matches linked to one practice key.
#[derive(Debug, Default, Clone)]
pub struct PracticeLog {
    /// The key's players (one per visit to the practice pool), oldest first.
    pub linked: Vec<String>,
    /// Those players and their counterparts; their matches, oldest first, with events.
    pub log: SessionLog,
}

/// Everything stored about one session, in a stable order (for debriefs and exports).
#[derive(Debug, Default, Clone)]
pub struct SessionLog {
    /// Players by join time, then id.
    pub players: Vec<PlayerRow>,
    /// Matches by creation time, then id, each with its events in order.
    pub matches: Vec<(MatchRow, Vec<Event>)>,
    /// Facilitator actions `(at, kind as JSON)` in order.
    pub session_events: Vec<(Millis, String)>,
}

/// What a database behind the store does: take writes (each answered once committed, so an
/// event is durable before anyone is told) and reads (answered on a connection of their own, so a
/// large debrief never holds up a commit). SQLite ([`sqlite`], the embedded default) and
/// PostgreSQL ([`postgres`], `parley serve --postgres`) implement it; everything else speaks to
/// [`Store`].
pub(crate) trait Backend: Send + Sync {
    /// Queues a write; `reply` gets its result once it is committed or refused.
    fn write(&self, job: Job, reply: oneshot::Sender<Result<(), StoreError>>) -> Result<(), StoreError>;
    /// Queues a read; the reply sender inside it gets the answer.
    fn read(&self, read: Read) -> Result<(), StoreError>;
}

/// The durable store, whichever database is behind it. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    backend: Arc<dyn Backend>,
}

impl Store {
    /// Opens (or creates) the SQLite database, reads what is live, and starts its writer and
    /// reader threads. Commits survive the process being killed; see [`Store::open_with`] for
    /// power-loss durability.
    pub fn open(path: &Path) -> Result<(Store, Snapshot), StoreError> {
        Store::open_with(path, false)
    }

    /// Like [`Store::open`]; with `fsync`, every commit is also fsynced (`synchronous=FULL`), so it
    /// survives a power loss or OS crash too, at a cost in speed.
    pub fn open_with(path: &Path, fsync: bool) -> Result<(Store, Snapshot), StoreError> {
        let (backend, snapshot) = sqlite::open(path, fsync)?;
        Ok((Store { backend: Arc::new(backend) }, snapshot))
    }

    /// Connects to PostgreSQL (`postgres://user@host:port/db`), brings its schema up to date,
    /// reads what is live, and starts its writer task. Call it inside a tokio runtime.
    pub async fn open_postgres(url: &str) -> Result<(Store, Snapshot), StoreError> {
        let (store, snapshot, _) = Store::open_postgres_with(url, None, postgres::DEFAULT_TIMEOUT).await?;
        Ok((store, snapshot))
    }

    /// Like [`Store::open_postgres`], as one node of a cluster sharing the database: nothing is
    /// read at start-up (sessions are claimed when needed), every commit is fenced by session
    /// ownership, and the [`Cluster`] answers where sessions live.
    pub async fn open_postgres_node(
        url: &str,
        node: postgres::NodeConfig,
    ) -> Result<(Store, Snapshot, Arc<Cluster>), StoreError> {
        let (store, snapshot, cluster) = Store::open_postgres_with(url, Some(node), postgres::DEFAULT_TIMEOUT).await?;
        Ok((store, snapshot, cluster.expect("a node's store has a cluster")))
    }

    /// Connects to PostgreSQL as a single server or (`node`) one node of a cluster; no request
    /// waits for the database longer than `timeout` (it fails as [`StoreError::Unavailable`]).
    pub async fn open_postgres_with(
        url: &str,
        node: Option<postgres::NodeConfig>,
        timeout: std::time::Duration,
    ) -> Result<(Store, Snapshot, Option<Arc<Cluster>>), StoreError> {
        let (backend, snapshot, cluster) = postgres::open(url, node, timeout).await?;
        Ok((Store { backend: Arc::new(backend) }, snapshot, cluster))
    }

    async fn submit(&self, job: Job) -> Result<(), StoreError> {
        let (reply, rx) = oneshot::channel();
        self.backend.write(job, reply)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Stores a new session; returns once committed.
    pub async fn insert_session(&self, row: SessionRow) -> Result<(), StoreError> {
        self.submit(Job::Session(row)).await
    }

    /// Stores a new player; returns once committed.
    pub async fn insert_player(&self, row: PlayerRow) -> Result<(), StoreError> {
        self.submit(Job::Player(row)).await
    }

    /// Stores a new match; returns once committed.
    pub async fn insert_match(&self, row: MatchRow) -> Result<(), StoreError> {
        self.submit(Job::Match(row)).await
    }

    /// Records who holds each seat of a match now (a seat handed to someone else); returns
    /// once committed.
    pub async fn update_seats(&self, match_id: &str, seats: String) -> Result<(), StoreError> {
        self.submit(Job::Seats { match_id: match_id.to_string(), seats }).await
    }

    /// Stores a finished match's summary; returns once committed.
    pub async fn set_summary(&self, match_id: &str, summary: String) -> Result<(), StoreError> {
        self.submit(Job::Summary { match_id: match_id.to_string(), summary }).await
    }

    /// Reads a match's stored events, in order (every write acknowledged before is in them).
    pub async fn match_events(&self, match_id: &str) -> Result<Vec<Event>, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.backend.read(Read::Match { match_id: match_id.to_string(), reply })?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Reads one session whole, as it lives in memory (none when no session has that code).
    pub async fn resident_session(&self, code: &str) -> Result<Option<ResidentSession>, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.backend.read(Read::Resident { code: code.to_string(), reply })?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// The join code of the session of the player with this token, if any.
    pub async fn session_of_player(&self, token: &str) -> Result<Option<String>, StoreError> {
        let (reply, rx) = oneshot::channel();
        let token = token.to_string();
        self.backend.read(Read::SessionOfPlayer { token, reply })?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Whether a session with this join code is stored.
    pub async fn session_exists(&self, code: &str) -> Result<bool, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.backend.read(Read::SessionExists { code: code.to_string(), reply })?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Reads a player and their latest match by the player's token (none when it is unknown).
    pub async fn resident_player(&self, token: &str) -> Result<Option<ResidentPlayer>, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.backend.read(Read::Player { token: token.to_string(), reply })?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Appends a facilitator action to a session's log; returns once committed.
    pub async fn append_session_event(&self, session: &str, at: Millis, kind: String) -> Result<(), StoreError> {
        self.submit(Job::SessionEvent { session: session.to_string(), at, kind }).await
    }

    /// Reads a session's players, matches with events, and facilitator actions.
    pub async fn session_log(&self, session: &str) -> Result<SessionLog, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.backend.read(Read::Session { session: session.to_string(), reply })?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Links a practice-pool player to a learner's practice key (by its hash); returns once committed.
    pub async fn link_practice(&self, player_id: &str, key_hash: &str, at: Millis) -> Result<(), StoreError> {
        self.submit(Job::PracticeLink { player_id: player_id.to_string(), key_hash: key_hash.to_string(), at }).await
    }

    /// Removes every link of a practice key (the matches stay, no longer anyone's history);
    /// returns once committed.
    pub async fn unlink_practice(&self, key_hash: &str) -> Result<(), StoreError> {
        self.submit(Job::PracticeUnlink { key_hash: key_hash.to_string() }).await
    }

    /// The players and matches linked to a practice key.
    pub async fn practice_log(&self, key_hash: &str) -> Result<PracticeLog, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.backend.read(Read::Practice { key_hash: key_hash.to_string(), reply })?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Appends events to a match's log with sequence numbers from `first_seq`; returns once committed.
    pub async fn append_events(&self, match_id: &str, first_seq: u64, events: Vec<Event>) -> Result<(), StoreError> {
        self.append_events_acked(match_id, first_seq, events, None).await
    }

    /// Like [`Store::append_events`], recording in the same commit that the events apply the
    /// client message id `ack` = `(seat, cid)`: both stores keep it, so a server restarted (or a
    /// node taking the match over) applies a resend once.
    pub async fn append_events_acked(
        &self,
        match_id: &str,
        first_seq: u64,
        events: Vec<Event>,
        ack: Option<(usize, u64)>,
    ) -> Result<(), StoreError> {
        self.submit(Job::Events { match_id: match_id.to_string(), first_seq, events, ack }).await
    }

    /// The client message ids `(match, seat, cid)` applied in each of these matches.
    pub async fn applied_ids(&self, match_ids: Vec<String>) -> Result<Vec<(String, usize, u64)>, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.backend.read(Read::Applied { match_ids, reply })?;
        rx.await.map_err(|_| StoreError::Closed)?
    }
}
