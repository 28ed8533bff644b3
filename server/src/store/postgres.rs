//! The PostgreSQL store (`parley serve --postgres URL`): the same tables and promises as the
//! SQLite file, for a hosted deployment whose database lives apart from the server.
//!
//! Writes go to one writer task holding one connection. It takes every write waiting (up to
//! [`MAX_BATCH`]), sends them in one transaction with the statements pipelined (tokio-postgres
//! sends a statement without waiting for the last one's answer; PostgreSQL runs them in order),
//! commits, and only then replies (group commit): an event is durable before anyone is told.
//! When the whole batch fails it is retried one write at a time, so one bad write cannot fail
//! the others. A connection that broke is opened again before the next batch.
//!
//! Reads run on a small pool of other connections, each in one `REPEATABLE READ` read-only
//! transaction (one consistent snapshot), so a large debrief never holds up a commit.
//!
//! The schema version is a row in `parley_schema`; [`MIGRATIONS`] bring a database up to date
//! under a transaction-scoped advisory lock, so two servers starting at once migrate once.

pub mod ownership;
pub mod pool;

use super::{
    decode_event, match_columns_of, practice_player_ids, seats_of, Backend, Job, MatchRow, PlayerRow, PracticeLog,
    Read, ResidentPlayer, ResidentSession, SessionLog, SessionRow, Snapshot, StoreError, MATCH_COLUMNS, PLAYER_COLUMNS,
    SESSION_COLUMNS,
};
use crate::core::game::{Event, Millis};
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime, Transaction};
use futures_util::future::try_join_all;
use ownership::{Cluster, Fence};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio_postgres::types::ToSql;
use tokio_postgres::{NoTls, Row};

/// Most writes in one transaction.
pub const MAX_BATCH: usize = 4096;
/// Connections for reads (the writer has one of its own besides).
const READ_CONNECTIONS: usize = 4;
/// How long a request waits for PostgreSQL by default (`--pg-timeout-ms`): for a connection from
/// the pool, for a new connection, for a read, and (on the server's side) for any statement.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// Schema steps, in order: step `i` brings the version from `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    "
CREATE TABLE sessions (
  code TEXT PRIMARY KEY, kind TEXT NOT NULL, settings TEXT NOT NULL,
  facilitator_token TEXT NOT NULL, created_at BIGINT NOT NULL);
CREATE TABLE players (
  id TEXT PRIMARY KEY, token TEXT NOT NULL UNIQUE, session TEXT NOT NULL,
  name TEXT NOT NULL, joined_at BIGINT NOT NULL, bot BOOLEAN NOT NULL DEFAULT FALSE);
CREATE INDEX players_by_session ON players (session, joined_at, id);
CREATE TABLE matches (
  id TEXT PRIMARY KEY, session TEXT NOT NULL, scenario TEXT NOT NULL, config TEXT NOT NULL,
  seats TEXT NOT NULL, created_at BIGINT NOT NULL, summary TEXT);
CREATE INDEX matches_by_session ON matches (session, created_at, id);
CREATE TABLE session_events (
  session TEXT NOT NULL, seq BIGINT NOT NULL, at BIGINT NOT NULL, kind TEXT NOT NULL,
  PRIMARY KEY (session, seq));
CREATE TABLE events (
  match_id TEXT NOT NULL, seq BIGINT NOT NULL, at BIGINT NOT NULL, kind TEXT NOT NULL,
  PRIMARY KEY (match_id, seq));
CREATE TABLE practice_links (
  player_id TEXT PRIMARY KEY, key_hash TEXT NOT NULL, linked_at BIGINT NOT NULL);
CREATE INDEX practice_links_by_key ON practice_links (key_hash, linked_at);
CREATE TABLE player_matches (
  player_id TEXT NOT NULL, match_id TEXT NOT NULL, PRIMARY KEY (player_id, match_id));
",
    ownership::SCHEMA,
    pool::SCHEMA,
    pool::SCHEMA_CLAIMED_BY,
];

/// A write waiting for the writer, with whom to tell.
struct Pending {
    job: Job,
    reply: oneshot::Sender<Result<(), StoreError>>,
}

/// The writer task's mailbox and the readers' pool.
pub(crate) struct PgBackend {
    writes: mpsc::UnboundedSender<Pending>,
    pool: Pool,
    /// A read not answered within this fails as unavailable.
    timeout: Duration,
}

impl Backend for PgBackend {
    fn write(&self, job: Job, reply: oneshot::Sender<Result<(), StoreError>>) -> Result<(), StoreError> {
        self.writes.send(Pending { job, reply }).map_err(|_| StoreError::Closed)
    }

    fn read(&self, read: Read) -> Result<(), StoreError> {
        let (pool, timeout) = (self.pool.clone(), self.timeout);
        tokio::spawn(async move { answer(&pool, read, timeout).await });
        Ok(())
    }
}

/// A node of a cluster: its id, the address players are sent to, and its lease.
#[derive(Debug, Clone)]
pub struct NodeConfig {
    /// Unique per process (a fresh one at every start).
    pub node_id: String,
    /// The address this node advertises (`http://host:port`).
    pub address: String,
    /// An owner whose heartbeat is older than this (milliseconds) is dead.
    pub lease_ms: i64,
}

/// Connects, migrates, reads what is live and starts the writer task. As a node of a cluster
/// (`node`), nothing is read at start-up (sessions are claimed as they are needed, or taken over
/// from dead nodes) and every commit is fenced.
pub(crate) async fn open(
    url: &str,
    node: Option<NodeConfig>,
    timeout: Duration,
) -> Result<(PgBackend, Snapshot, Option<Arc<Cluster>>), StoreError> {
    let pool = pool_of(url, READ_CONNECTIONS + if node.is_some() { 3 } else { 1 }, timeout)?;
    let mut client = connection(&pool).await?;
    migrate(&mut client).await?;
    let cluster = match node {
        Some(n) => {
            // Heartbeats on a connection of their own: a pool busy with reads must never make a
            // live node look dead.
            let beats = pool_of(url, 1, timeout)?;
            Some(Arc::new(Cluster::new(pool.clone(), beats, n.node_id, n.address, n.lease_ms)))
        }
        None => None,
    };
    let snapshot = match &cluster {
        Some(_) => {
            let stored: i64 = client.query_one("SELECT COUNT(*) FROM sessions", &[]).await?.get(0);
            Snapshot { sessions: Vec::new(), stored_sessions: stored.try_into().unwrap_or(0) }
        }
        None => read_all(&mut client).await?,
    };
    let (writes, rx) = mpsc::unbounded_channel();
    let fence = cluster.as_ref().map(|c| (c.fence.clone(), c.lease_ms));
    tokio::spawn(writer(pool.clone(), client, rx, fence));
    Ok((PgBackend { writes, pool, timeout }, snapshot, cluster))
}

/// A pool of connections to `url` that never waits longer than `timeout`: for a free connection,
/// for a new one, and (the server's `statement_timeout`) for any statement. A database cut off or
/// stalled fails requests as [`StoreError::Unavailable`] instead of holding them up.
fn pool_of(url: &str, size: usize, timeout: Duration) -> Result<Pool, StoreError> {
    let mut config: tokio_postgres::Config = url.parse()?;
    config.connect_timeout(timeout);
    let options = format!("{} -c statement_timeout={}", config.get_options().unwrap_or(""), timeout.as_millis());
    config.options(options.trim());
    let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    Pool::builder(manager)
        .max_size(size)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(timeout))
        .create_timeout(Some(timeout))
        .recycle_timeout(Some(timeout))
        .build()
        .map_err(|e| StoreError::Write(format!("cannot set up the PostgreSQL pool: {e}")))
}

pub(crate) async fn connection(pool: &Pool) -> Result<Object, StoreError> {
    pool.get().await.map_err(|e| match e {
        deadpool_postgres::PoolError::Backend(e) => StoreError::Postgres(e),
        deadpool_postgres::PoolError::Timeout(_) => {
            StoreError::Unavailable("no PostgreSQL connection within the timeout".into())
        }
        other => StoreError::Write(format!("no PostgreSQL connection: {other}")),
    })
}

/// Brings the schema up to date, one step per transaction; a database from a newer Parley is
/// refused rather than misread.
async fn migrate(client: &mut Object) -> Result<(), StoreError> {
    let tx = client.transaction().await?;
    // Two servers starting against one empty database: the second waits here, then finds the
    // schema made (the lock goes with the transaction).
    // Migrating (or waiting for another server's migration) may take longer than a request may.
    tx.batch_execute("SET LOCAL statement_timeout = 0").await?;
    tx.execute("SELECT pg_advisory_xact_lock(7260102)", &[]).await?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS parley_schema (version INTEGER NOT NULL)").await?;
    let version: i32 = match tx.query_opt("SELECT version FROM parley_schema", &[]).await? {
        Some(row) => row.get(0),
        None => {
            tx.execute("INSERT INTO parley_schema VALUES (0)", &[]).await?;
            0
        }
    };
    let version = usize::try_from(version).unwrap_or(0);
    if version > MIGRATIONS.len() {
        return Err(StoreError::Write(format!(
            "the database has schema version {version}, newer than this Parley's {}; use a newer Parley",
            MIGRATIONS.len()
        )));
    }
    for step in &MIGRATIONS[version..] {
        tx.batch_execute(step).await?;
    }
    tx.execute("UPDATE parley_schema SET version = $1", &[&(MIGRATIONS.len() as i32)]).await?;
    tx.commit().await?;
    Ok(())
}

/// The writer task: group commit, reconnecting when its connection broke. With a `fence`, every
/// commit is fenced (see [`ownership`]) and the connection's transactions may not sit idle longer
/// than the lease: a node paused mid-commit must not hold an owner row against a takeover.
async fn writer(
    pool: Pool,
    mut client: Object,
    mut rx: mpsc::UnboundedReceiver<Pending>,
    fence: Option<(Arc<Fence>, i64)>,
) {
    let mut limited = false;
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(p) => batch.push(p),
                Err(_) => break,
            }
        }
        if client.is_closed() {
            match connection(&pool).await {
                Ok(c) => {
                    client = c;
                    limited = false;
                }
                Err(e) => {
                    tracing::error!(error = %e, "PostgreSQL is unreachable; refusing this batch");
                    for p in batch {
                        let _ = p.reply.send(Err(StoreError::Write(e.to_string())));
                    }
                    continue;
                }
            }
        }
        let fence = fence.as_ref().map(|(f, lease)| (f.as_ref(), *lease));
        if let (Some((_, lease)), false) = (fence, limited) {
            let set = format!("SET idle_in_transaction_session_timeout = {}", lease.max(1));
            limited = client.batch_execute(&set).await.is_ok();
        }
        match write_batch(&mut client, &batch, fence.map(|(f, _)| f)).await {
            Ok(fenced) => {
                for (p, fenced) in batch.into_iter().zip(fenced) {
                    let _ = p.reply.send(match fenced {
                        Some(session) => Err(StoreError::Fenced(session)),
                        None => Ok(()),
                    });
                }
            }
            Err(e) => {
                tracing::error!(error = %e, jobs = batch.len(), "store batch failed; retrying one by one");
                limited = limited && !client.is_closed();
                for p in batch {
                    let r = write_batch(&mut client, std::slice::from_ref(&p), fence.map(|(f, _)| f)).await;
                    let _ = p.reply.send(match r {
                        Ok(f) => f.into_iter().flatten().next().map_or(Ok(()), |s| Err(StoreError::Fenced(s))),
                        Err(e) => Err(StoreError::refused(e)),
                    });
                }
            }
        }
    }
}

/// The session a write belongs to, when it is known without the database (a match's writes
/// name only the match: see [`Fence::sessions_of`]).
fn session_of_job(job: &Job) -> Option<&str> {
    match job {
        Job::Session(s) => Some(&s.code),
        Job::Player(p) => Some(&p.session),
        Job::Match(m) => Some(&m.session),
        Job::SessionEvent { session, .. } => Some(session),
        _ => None,
    }
}

/// The match a write belongs to, for those that name only a match.
fn match_of_job(job: &Job) -> Option<&str> {
    match job {
        Job::Events { match_id, .. } | Job::Seats { match_id, .. } | Job::Summary { match_id, .. } => Some(match_id),
        _ => None,
    }
}

/// Runs a batch in one transaction, its statements pipelined; answers, per write, the session it
/// was refused for because this node no longer owns it (with a `fence`; none otherwise), the
/// others being committed.
async fn write_batch(
    client: &mut Object,
    all: &[Pending],
    fence: Option<&Fence>,
) -> Result<Vec<Option<String>>, StoreError> {
    let tx = client.transaction().await?;
    // Each write's session, and the epoch its rows are stored with (none on a single node).
    let mut sessions: Vec<Option<String>> = all.iter().map(|p| session_of_job(&p.job).map(str::to_string)).collect();
    let mut verdict: Vec<Option<String>> = vec![None; all.len()];
    if let Some(fence) = fence {
        for p in all {
            if let Job::Match(m) = &p.job {
                fence.note_match(&m.id, &m.session);
            }
        }
        let match_ids: Vec<String> = all.iter().filter_map(|p| match_of_job(&p.job)).map(str::to_string).collect();
        let of_match = fence.sessions_of(&tx, &match_ids).await?;
        for (p, s) in all.iter().zip(sessions.iter_mut()) {
            if let Some(m) = match_of_job(&p.job) {
                *s = of_match.get(m).cloned();
            }
        }
        // A session created in this batch is this node's by the same commit.
        let created: HashSet<&str> = all
            .iter()
            .filter_map(|p| match &p.job {
                Job::Session(s) => Some(s.code.as_str()),
                _ => None,
            })
            .collect();
        let mut checked: Vec<String> =
            sessions.iter().flatten().filter(|s| !created.contains(s.as_str())).cloned().collect();
        checked.sort();
        checked.dedup();
        let fenced: HashSet<String> = fence.check(&tx, &checked).await?.into_iter().collect();
        for (s, v) in sessions.iter().zip(verdict.iter_mut()) {
            if let Some(s) = s.as_ref().filter(|s| fenced.contains(s.as_str())) {
                *v = Some(s.clone());
            }
        }
        for code in &created {
            fence.own_new(&tx, code).await?;
        }
    }
    let epoch_of = |s: &Option<String>| -> Option<i64> { fence.and_then(|f| s.as_deref().and_then(|s| f.epoch(s))) };
    let epochs: Vec<Option<i64>> = sessions.iter().map(epoch_of).collect();
    let batch: Vec<(&Pending, Option<i64>)> =
        all.iter().zip(epochs).zip(&verdict).filter(|(_, v)| v.is_none()).map(|(pe, _)| pe).collect();
    let insert_session = tx.prepare_cached("INSERT INTO sessions VALUES ($1, $2, $3, $4, $5)").await?;
    let insert_player = tx
        .prepare_cached(
            "INSERT INTO players (id, token, session, name, joined_at, bot) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .await?;
    let insert_match = tx
        .prepare_cached(
            "INSERT INTO matches (id, session, scenario, config, seats, created_at, summary)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .await?;
    let index_seat = tx.prepare_cached("INSERT INTO player_matches VALUES ($1, $2) ON CONFLICT DO NOTHING").await?;
    let update_seats = tx.prepare_cached("UPDATE matches SET seats = $2 WHERE id = $1").await?;
    let set_summary = tx.prepare_cached("UPDATE matches SET summary = $2 WHERE id = $1").await?;
    let insert_event = tx.prepare_cached("INSERT INTO events VALUES ($1, $2, $3, $4, $5)").await?;
    let insert_ack = tx.prepare_cached("INSERT INTO client_acks VALUES ($1, $2, $3) ON CONFLICT DO NOTHING").await?;
    // The next sequence number of the session's log, in the statement itself: statements of one
    // transaction run in order, so two actions of one session in a batch get consecutive numbers.
    let insert_session_event = tx
        .prepare_cached(
            "INSERT INTO session_events
             SELECT $1, COALESCE(MAX(seq) + 1, 0), $2, $3, $4 FROM session_events WHERE session = $1",
        )
        .await?;
    let link = tx
        .prepare_cached(
            "INSERT INTO practice_links VALUES ($1, $2, $3)
             ON CONFLICT (player_id) DO UPDATE SET key_hash = $2, linked_at = $3",
        )
        .await?;
    let unlink = tx.prepare_cached("DELETE FROM practice_links WHERE key_hash = $1").await?;

    // Each write's statements, as values the futures below borrow.
    let mut owned: Vec<(String, i64, i64, String, Option<i64>)> = Vec::new();
    let mut seat_rows: Vec<(String, String)> = Vec::new();
    let mut acks: Vec<(String, i32, i64)> = Vec::new();
    for (p, epoch) in &batch {
        match &p.job {
            Job::Events { match_id, first_seq, events, ack } => {
                for (i, e) in events.iter().enumerate() {
                    let kind = serde_json::to_string(&e.kind).expect("events serialise");
                    owned.push((match_id.clone(), (*first_seq + i as u64) as i64, e.at, kind, *epoch));
                }
                if let Some((seat, cid)) = ack {
                    acks.push((match_id.clone(), *seat as i32, *cid as i64));
                }
            }
            Job::Match(m) => seat_rows.extend(seats_of(&m.seats).into_iter().map(|p| (p, m.id.clone()))),
            Job::Seats { match_id, seats } => {
                seat_rows.extend(seats_of(seats).into_iter().map(|p| (p, match_id.clone())))
            }
            _ => {}
        }
    }
    // Every statement's parameters, owned here so the pipelined futures can borrow them.
    type Params<'a> = Vec<&'a (dyn ToSql + Sync)>;
    let mut statements: Vec<(&tokio_postgres::Statement, Params)> = Vec::new();
    for (p, epoch) in &batch {
        match &p.job {
            Job::Session(s) => statements
                .push((&insert_session, vec![&s.code, &s.kind, &s.settings, &s.facilitator_token, &s.created_at])),
            Job::Player(r) => {
                statements.push((&insert_player, vec![&r.id, &r.token, &r.session, &r.name, &r.joined_at, &r.bot]))
            }
            Job::Match(m) => statements.push((
                &insert_match,
                vec![&m.id, &m.session, &m.scenario, &m.config, &m.seats, &m.created_at, &m.summary],
            )),
            Job::Seats { match_id, seats } => statements.push((&update_seats, vec![match_id, seats])),
            Job::Summary { match_id, summary } => statements.push((&set_summary, vec![match_id, summary])),
            Job::SessionEvent { session, at, kind } => {
                statements.push((&insert_session_event, vec![session, at, kind, epoch]))
            }
            Job::PracticeLink { player_id, key_hash, at } => statements.push((&link, vec![player_id, key_hash, at])),
            Job::PracticeUnlink { key_hash } => statements.push((&unlink, vec![key_hash])),
            Job::Events { .. } => {}
        }
    }
    for (match_id, seq, at, kind, epoch) in &owned {
        statements.push((&insert_event, vec![match_id, seq, at, kind, epoch]));
    }
    for (player, match_id) in &seat_rows {
        statements.push((&index_seat, vec![player, match_id]));
    }
    for (match_id, seat, cid) in &acks {
        statements.push((&insert_ack, vec![match_id, seat, cid]));
    }
    let counts =
        try_join_all(statements.iter().map(|(st, params)| tx.execute_raw(*st, params.iter().copied()))).await?;
    // An update of a match that is not there is a refused write, as in SQLite. The first
    // statements are the writes' own, one each, in batch order (events come after).
    let mut own = counts.iter();
    for (p, _) in &batch {
        if matches!(p.job, Job::Events { .. }) {
            continue;
        }
        let n = own.next().copied().unwrap_or(0);
        if let Job::Seats { match_id, .. } = &p.job {
            if n != 1 {
                return Err(StoreError::Write(format!("no match {match_id}")));
            }
        }
    }
    tx.commit().await?;
    if let Some(fence) = fence {
        for (p, _) in &batch {
            if let Job::Session(s) = &p.job {
                fence.created(&s.code);
            }
        }
    }
    Ok(verdict)
}

/// Answers one read on a pooled connection, in one consistent snapshot; a read not answered
/// within `timeout` (the database stalled or cut off, where its own `statement_timeout` cannot
/// fire) fails as [`StoreError::Unavailable`].
async fn answer(pool: &Pool, read: Read, timeout: Duration) {
    /// Runs `$body` (which reads through `$tx`) in a repeatable-read, read-only transaction and
    /// sends its result to `$reply`.
    macro_rules! reply {
        ($reply:expr, |$tx:ident| $body:expr) => {{
            let result = tokio::time::timeout(timeout, async {
                let mut conn = connection(pool).await?;
                let $tx = conn
                    .build_transaction()
                    .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
                    .read_only(true)
                    .start()
                    .await?;
                let out = $body.await?;
                $tx.commit().await?;
                Ok::<_, StoreError>(out)
            })
            .await
            .unwrap_or_else(|_| Err(StoreError::Unavailable("PostgreSQL did not answer within the timeout".into())));
            let _ = $reply.send(result);
        }};
    }
    match read {
        Read::Match { match_id, reply } => reply!(reply, |tx| match_events(&tx, &match_id)),
        Read::Session { session, reply } => reply!(reply, |tx| read_session(&tx, &session)),
        Read::Resident { code, reply } => reply!(reply, |tx| read_resident(&tx, &code)),
        Read::Player { token, reply } => reply!(reply, |tx| read_player(&tx, &token)),
        Read::Practice { key_hash, reply } => reply!(reply, |tx| read_practice(&tx, &key_hash)),
        Read::SessionExists { code, reply } => reply!(reply, |tx| session_exists(&tx, &code)),
        Read::SessionOfPlayer { token, reply } => reply!(reply, |tx| session_of_player(&tx, &token)),
        Read::Applied { match_ids, reply } => reply!(reply, |tx| applied_ids(&tx, &match_ids)),
    }
}

fn session_row(r: &Row) -> SessionRow {
    SessionRow { code: r.get(0), kind: r.get(1), settings: r.get(2), facilitator_token: r.get(3), created_at: r.get(4) }
}

fn player_row(r: &Row) -> PlayerRow {
    PlayerRow { id: r.get(0), token: r.get(1), session: r.get(2), name: r.get(3), joined_at: r.get(4), bot: r.get(5) }
}

fn match_row(r: &Row) -> MatchRow {
    MatchRow {
        id: r.get(0),
        session: r.get(1),
        scenario: r.get(2),
        config: r.get(3),
        seats: r.get(4),
        created_at: r.get(5),
        summary: r.get(6),
    }
}

async fn match_events(c: &Transaction<'_>, match_id: &str) -> Result<Vec<Event>, StoreError> {
    let st = c.prepare_cached("SELECT at, kind FROM events WHERE match_id = $1 ORDER BY seq").await?;
    c.query(&st, &[&match_id])
        .await?
        .iter()
        .map(|r| decode_event(match_id, r.get(0), r.get::<_, String>(1).as_str()))
        .collect()
}

async fn applied_ids(c: &Transaction<'_>, match_ids: &[String]) -> Result<Vec<(String, usize, u64)>, StoreError> {
    let st = c.prepare_cached("SELECT match_id, seat, cid FROM client_acks WHERE match_id = ANY($1)").await?;
    let rows = c.query(&st, &[&match_ids]).await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get::<_, i32>(1) as usize, r.get::<_, i64>(2) as u64)).collect())
}

async fn session_exists(c: &Transaction<'_>, code: &str) -> Result<bool, StoreError> {
    let st = c.prepare_cached("SELECT 1 FROM sessions WHERE code = $1").await?;
    Ok(c.query_opt(&st, &[&code]).await?.is_some())
}

async fn session_of_player(c: &Transaction<'_>, token: &str) -> Result<Option<String>, StoreError> {
    let st = c.prepare_cached("SELECT session FROM players WHERE token = $1").await?;
    Ok(c.query_opt(&st, &[&token]).await?.map(|r| r.get(0)))
}

/// The live sessions, whole: the practice pool and every session with a match not yet finished.
async fn read_all(c: &mut Object) -> Result<Snapshot, StoreError> {
    let tx = c.build_transaction().isolation_level(tokio_postgres::IsolationLevel::RepeatableRead).start().await?;
    let live: Vec<SessionRow> = tx
        .query(
            &format!(
                "SELECT {SESSION_COLUMNS} FROM sessions WHERE kind = 'practice'
                   OR code IN (SELECT session FROM matches WHERE summary IS NULL) ORDER BY created_at"
            ),
            &[],
        )
        .await?
        .iter()
        .map(session_row)
        .collect();
    let stored: i64 = tx.query_one("SELECT COUNT(*) FROM sessions", &[]).await?.get(0);
    let mut sessions = Vec::new();
    for row in live {
        sessions.push(resident(&tx, row).await?);
    }
    tx.commit().await?;
    Ok(Snapshot { sessions, stored_sessions: stored.try_into().unwrap_or(0) })
}

async fn read_resident(c: &Transaction<'_>, code: &str) -> Result<Option<ResidentSession>, StoreError> {
    let st = c.prepare_cached(&format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE code = $1")).await?;
    match c.query_opt(&st, &[&code]).await? {
        Some(row) => Ok(Some(resident(c, session_row(&row)).await?)),
        None => Ok(None),
    }
}

/// One session as it lives in memory (see [`ResidentSession`]): the practice pool with its
/// running matches and their players only.
async fn resident(c: &Transaction<'_>, session: SessionRow) -> Result<ResidentSession, StoreError> {
    let code = session.code.as_str();
    let practice = session.kind == "practice";
    let started: i64 = c.query_one("SELECT COUNT(*) FROM matches WHERE session = $1", &[&code]).await?.get(0);
    let st = c
        .prepare_cached(&format!(
            "SELECT {MATCH_COLUMNS} FROM matches WHERE session = $1 AND (NOT $2 OR summary IS NULL)
             ORDER BY created_at, id"
        ))
        .await?;
    let rows: Vec<MatchRow> = c.query(&st, &[&code, &practice]).await?.iter().map(match_row).collect();
    let mut matches = Vec::new();
    for m in rows {
        matches.push(with_events(c, m).await?);
    }
    let players = if practice {
        let seated: HashSet<String> = matches.iter().flat_map(|(m, _)| seats_of(&m.seats)).collect();
        let mut players = players_by_id(c, seated.into_iter().collect()).await?;
        players.sort_by(|a, b| (a.joined_at, &a.id).cmp(&(b.joined_at, &b.id)));
        players
    } else {
        session_players(c, code).await?
    };
    let session_events = session_actions(c, code).await?;
    Ok(ResidentSession { session, players, matches, session_events, matches_started: started as u64 })
}

async fn players_by_id(c: &Transaction<'_>, ids: Vec<String>) -> Result<Vec<PlayerRow>, StoreError> {
    let st = c.prepare_cached(&format!("SELECT {PLAYER_COLUMNS} FROM players WHERE id = ANY($1)")).await?;
    Ok(c.query(&st, &[&ids]).await?.iter().map(player_row).collect())
}

async fn session_players(c: &Transaction<'_>, code: &str) -> Result<Vec<PlayerRow>, StoreError> {
    let st = c
        .prepare_cached(&format!("SELECT {PLAYER_COLUMNS} FROM players WHERE session = $1 ORDER BY joined_at, id"))
        .await?;
    Ok(c.query(&st, &[&code]).await?.iter().map(player_row).collect())
}

async fn session_actions(c: &Transaction<'_>, code: &str) -> Result<Vec<(Millis, String)>, StoreError> {
    let st = c.prepare_cached("SELECT at, kind FROM session_events WHERE session = $1 ORDER BY seq").await?;
    Ok(c.query(&st, &[&code]).await?.iter().map(|r| (r.get(0), r.get(1))).collect())
}

async fn with_events(c: &Transaction<'_>, m: MatchRow) -> Result<(MatchRow, Vec<Event>), StoreError> {
    let events = if m.summary.is_some() { Vec::new() } else { match_events(c, &m.id).await? };
    Ok((m, events))
}

/// A player by token, with their latest match (by the seat index, not a scan of the session).
async fn read_player(c: &Transaction<'_>, token: &str) -> Result<Option<ResidentPlayer>, StoreError> {
    let st = c.prepare_cached(&format!("SELECT {PLAYER_COLUMNS} FROM players WHERE token = $1")).await?;
    let Some(player) = c.query_opt(&st, &[&token]).await?.map(|r| player_row(&r)) else { return Ok(None) };
    let st = c
        .prepare_cached(&format!(
            "SELECT {} FROM player_matches pm JOIN matches m ON m.id = pm.match_id
             WHERE pm.player_id = $1 ORDER BY m.created_at DESC, m.id DESC LIMIT 1",
            match_columns_of("m")
        ))
        .await?;
    let last = c.query_opt(&st, &[&player.id]).await?.map(|r| match_row(&r));
    let last_match = match last {
        Some(m) => Some(with_events(c, m).await?),
        None => None,
    };
    Ok(Some(ResidentPlayer { player, last_match }))
}

async fn read_session(c: &Transaction<'_>, session: &str) -> Result<SessionLog, StoreError> {
    let mut log = SessionLog { players: session_players(c, session).await?, ..Default::default() };
    let st = c
        .prepare_cached(&format!("SELECT {MATCH_COLUMNS} FROM matches WHERE session = $1 ORDER BY created_at, id"))
        .await?;
    let rows: Vec<MatchRow> = c.query(&st, &[&session]).await?.iter().map(match_row).collect();
    for m in rows {
        let events = match_events(c, &m.id).await?;
        log.matches.push((m, events));
    }
    log.session_events = session_actions(c, session).await?;
    Ok(log)
}

async fn read_practice(c: &Transaction<'_>, key_hash: &str) -> Result<PracticeLog, StoreError> {
    let st = c
        .prepare_cached("SELECT player_id FROM practice_links WHERE key_hash = $1 ORDER BY linked_at, player_id")
        .await?;
    let linked: Vec<String> = c.query(&st, &[&key_hash]).await?.iter().map(|r| r.get(0)).collect();
    let st = c
        .prepare_cached(&format!(
            "SELECT DISTINCT {} FROM player_matches pm JOIN matches m ON m.id = pm.match_id
             WHERE pm.player_id = ANY($1) ORDER BY m.created_at, m.id",
            match_columns_of("m")
        ))
        .await?;
    let matches: Vec<MatchRow> = c.query(&st, &[&linked]).await?.iter().map(match_row).collect();
    let ids = practice_player_ids(&matches, &linked);
    let found = players_by_id(c, ids.clone()).await?;
    let players = ids.iter().filter_map(|id| found.iter().find(|p| &p.id == id).cloned()).collect();
    let mut log = SessionLog { players, ..Default::default() };
    for m in matches {
        let events = match_events(c, &m.id).await?;
        log.matches.push((m, events));
    }
    Ok(PracticeLog { linked, log })
}
