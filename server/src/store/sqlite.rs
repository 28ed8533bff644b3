//! The SQLite store: one file (WAL mode), one writer thread and one reader thread.
//!
//! Writers send jobs over a channel and await a reply. The writer thread takes every job waiting,
//! runs them in one transaction and commits before replying (group commit), so an event is
//! committed before anyone acknowledges or broadcasts it. By default (`synchronous=NORMAL`) a
//! commit survives the process being killed; with `fsync` (`synchronous=FULL`) it is also flushed
//! to disk, and group commit lets many matches share each flush.
//!
//! Reads (a debrief's whole session, a match's log) run on the reader thread's own connection,
//! so a large read never holds up a commit; WAL lets it read while the writer writes, and since a
//! write is acknowledged only after its commit, a read asked for afterwards sees it. The reader
//! also runs the WAL checkpoints when it is idle, off the commit path. Only one Parley process may
//! use a database at a time: a lock file beside it (`<db>-lock`) is held while the store lives,
//! and a second opener waits up to 10 s for it (a restart racing the old process's exit).
//!
//! The schema carries its version (`PRAGMA user_version`); [`MIGRATIONS`] bring an older file up
//! to date in order, each in its own transaction.

use super::{
    decode_event, match_columns_of, practice_player_ids, seats_of, Backend, Job, MatchRow, PlayerRow, PracticeLog,
    Read, ResidentPlayer, ResidentSession, SessionLog, SessionRow, Snapshot, StoreError, MATCH_COLUMNS, PLAYER_COLUMNS,
    SESSION_COLUMNS,
};
use crate::core::game::{Event, Millis};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;
use tokio::sync::oneshot;

struct Pending {
    job: Job,
    reply: oneshot::Sender<Result<(), StoreError>>,
}

/// Most jobs in one transaction.
pub const MAX_BATCH: usize = 4096;

/// The writer and reader threads' mailboxes.
pub(crate) struct SqliteBackend {
    tx: std::sync::Mutex<std::sync::mpsc::Sender<Pending>>,
    reads: std::sync::Mutex<std::sync::mpsc::Sender<Read>>,
}

impl Backend for SqliteBackend {
    fn write(&self, job: Job, reply: oneshot::Sender<Result<(), StoreError>>) -> Result<(), StoreError> {
        self.tx.lock().expect("store writer").send(Pending { job, reply }).map_err(|_| StoreError::Closed)
    }

    fn read(&self, read: Read) -> Result<(), StoreError> {
        self.reads.lock().expect("store reader").send(read).map_err(|_| StoreError::Closed)
    }
}

/// How long an opener waits for another process to let go of the database.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The reader checkpoints the WAL at least this often (between reads, never inside a commit).
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

const PRAGMAS: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA wal_autocheckpoint = 0;
PRAGMA journal_size_limit = 16777216;
";

/// Schema steps, in order: step `i` brings `user_version` from `i` to `i + 1`. A file made before
/// versions existed is at 0 and may already have some of the tables, hence `IF NOT EXISTS`.
pub const MIGRATIONS: &[fn(&rusqlite::Transaction) -> rusqlite::Result<()>] = &[
    |tx| tx.execute_batch(TABLES),
    add_bot_column,
    |tx| tx.execute_batch(SESSION_INDEXES),
    add_summary_column,
    |tx| tx.execute_batch(PRACTICE_TABLES),
    |tx| tx.execute_batch(CLIENT_ACKS),
    add_ack_columns,
];

const TABLES: &str = "
CREATE TABLE IF NOT EXISTS sessions (
  code TEXT PRIMARY KEY, kind TEXT NOT NULL, settings TEXT NOT NULL,
  facilitator_token TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS players (
  id TEXT PRIMARY KEY, token TEXT NOT NULL UNIQUE, session TEXT NOT NULL,
  name TEXT NOT NULL, joined_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS matches (
  id TEXT PRIMARY KEY, session TEXT NOT NULL, scenario TEXT NOT NULL,
  config TEXT NOT NULL, seats TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS session_events (
  session TEXT NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL, kind TEXT NOT NULL,
  PRIMARY KEY (session, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
  match_id TEXT NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL, kind TEXT NOT NULL,
  PRIMARY KEY (match_id, seq)) WITHOUT ROWID;
";

/// A session's players and matches are read by session (debriefs, exports): index them so a
/// debrief does not scan every player and match ever stored.
const SESSION_INDEXES: &str = "
CREATE INDEX IF NOT EXISTS players_by_session ON players (session, joined_at, id);
CREATE INDEX IF NOT EXISTS matches_by_session ON matches (session, created_at, id);
";

/// Practice keys (issue #15): which players a learner's key links (only the key's SHA-256 is
/// stored), and every player's matches by player (so a learner's history is read by index, not by
/// scanning the practice pool's matches), filled for the matches stored before it.
const PRACTICE_TABLES: &str = "
CREATE TABLE IF NOT EXISTS practice_links (
  player_id TEXT PRIMARY KEY, key_hash TEXT NOT NULL, linked_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS practice_links_by_key ON practice_links (key_hash, linked_at);
CREATE TABLE IF NOT EXISTS player_matches (
  player_id TEXT NOT NULL, match_id TEXT NOT NULL, PRIMARY KEY (player_id, match_id)) WITHOUT ROWID;
INSERT OR IGNORE INTO player_matches SELECT j.value, m.id FROM matches m, json_each(m.seats) j;
";

/// Client message ids applied, stored with their events (as on PostgreSQL): a client resending
/// an action whose acknowledgement it lost in a restart gets the acknowledgement, not a second copy.
const CLIENT_ACKS: &str = "
CREATE TABLE IF NOT EXISTS client_acks (
  match_id TEXT NOT NULL, seat INTEGER NOT NULL, cid INTEGER NOT NULL, PRIMARY KEY (match_id, seat, cid))
  WITHOUT ROWID;
";

/// A client message id is stored on the last event it produced (issue #12), not in a table of its
/// own: each chat line then dirties one page of one b-tree, where `client_acks` (keyed by match,
/// like `events`, so another random page per line) cost the writer about as much again. The ids
/// stored in `client_acks` before this step are still read.
fn add_ack_columns(tx: &rusqlite::Transaction) -> rusqlite::Result<()> {
    let has: bool =
        tx.query_row("SELECT COUNT(*) FROM pragma_table_info('events') WHERE name = 'ack_cid'", [], |r| r.get(0))?;
    if !has {
        tx.execute_batch(
            "ALTER TABLE events ADD COLUMN ack_seat INTEGER; ALTER TABLE events ADD COLUMN ack_cid INTEGER;",
        )?;
    }
    Ok(())
}

/// Matches gained their final summary (issue #12), so a restart need not replay finished ones.
fn add_summary_column(tx: &rusqlite::Transaction) -> rusqlite::Result<()> {
    tx.execute_batch("ALTER TABLE matches ADD COLUMN summary TEXT;")
}

/// Players gained a `bot` column (issue #10); files from before it lack it.
fn add_bot_column(tx: &rusqlite::Transaction) -> rusqlite::Result<()> {
    let has_bot: bool =
        tx.query_row("SELECT COUNT(*) FROM pragma_table_info('players') WHERE name = 'bot'", [], |r| r.get(0))?;
    if !has_bot {
        tx.execute_batch("ALTER TABLE players ADD COLUMN bot INTEGER NOT NULL DEFAULT 0;")?;
    }
    Ok(())
}

/// Opens (or creates) the database, brings its schema up to date, reads what is live, and starts
/// the writer and reader threads.
pub(crate) fn open(path: &Path, fsync: bool) -> Result<(SqliteBackend, Snapshot), StoreError> {
    let lock = lock_database(path, LOCK_WAIT)?;
    let mut conn = Connection::open(path)?;
    conn.busy_handler(Some(retry_soon))?;
    conn.execute_batch(PRAGMAS)?;
    migrate(&mut conn)?;
    if fsync {
        conn.execute_batch("PRAGMA synchronous = FULL;")?;
    }
    let snapshot = read_all(&conn)?;
    let reader = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    reader.busy_handler(Some(retry_soon))?;
    let (tx, rx) = std::sync::mpsc::channel::<Pending>();
    let (reads, reads_rx) = std::sync::mpsc::channel::<Read>();
    let spawn = |name: &str, f: Box<dyn FnOnce() + Send>| {
        std::thread::Builder::new()
            .name(name.into())
            .spawn(f)
            .map_err(|e| StoreError::Write(format!("cannot start store thread: {e}")))
    };
    // The writer thread owns the lock file: the lock lives exactly as long as writing can.
    spawn("parley-store", Box::new(move || writer(conn, rx, lock)))?;
    spawn("parley-store-read", Box::new(move || reader_loop(reader, reads_rx)))?;
    Ok((SqliteBackend { tx: std::sync::Mutex::new(tx), reads: std::sync::Mutex::new(reads) }, snapshot))
}

/// Brings a database made by an older Parley up to the current schema, one step at a time. A file
/// from a newer Parley (a version past the last step) is refused rather than misread.
fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let version: usize = conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))?.try_into().unwrap_or(0);
    if version > MIGRATIONS.len() {
        return Err(StoreError::Write(format!(
            "the database has schema version {version}, newer than this Parley's {}; use a newer Parley",
            MIGRATIONS.len()
        )));
    }
    for (i, step) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.transaction()?;
        step(&tx)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

/// Holds `<db>-lock` exclusively (waiting up to `wait` for another process to let go), so two
/// Parley processes never write one database. The kernel drops the lock when the process ends,
/// however it ends.
fn lock_database(path: &Path, wait: std::time::Duration) -> Result<std::fs::File, StoreError> {
    use std::os::fd::AsRawFd;
    let mut name = path.as_os_str().to_owned();
    name.push("-lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&name)
        .map_err(|e| StoreError::Write(format!("cannot open {}: {e}", Path::new(&name).display())))?;
    let started = std::time::Instant::now();
    // SAFETY: flock on a file descriptor this function owns; no memory is shared.
    while unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        if started.elapsed() > wait {
            return Err(StoreError::Write(format!("{} is in use by another Parley process", path.display())));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Ok(file)
}

/// Answers reads on its own connection, and checkpoints the WAL every [`CHECKPOINT_EVERY`]
/// between reads (a steady stream of reads must not starve the checkpoints, or the WAL grows
/// without bound).
fn reader_loop(conn: Connection, rx: std::sync::mpsc::Receiver<Read>) {
    let mut last = std::time::Instant::now();
    loop {
        match rx.recv_timeout(CHECKPOINT_EVERY.saturating_sub(last.elapsed())) {
            Ok(Read::Match { match_id, reply }) => {
                let _ = reply.send(read_tx(&conn, |c| match_events(c, &match_id)));
            }
            Ok(Read::Session { session, reply }) => {
                let _ = reply.send(read_tx(&conn, |c| read_session(c, &session)));
            }
            Ok(Read::Resident { code, reply }) => {
                let _ = reply.send(read_tx(&conn, |c| read_resident(c, &code)));
            }
            Ok(Read::Player { token, reply }) => {
                let _ = reply.send(read_tx(&conn, |c| read_player(c, &token)));
            }
            Ok(Read::Practice { key_hash, reply }) => {
                let _ = reply.send(read_tx(&conn, |c| read_practice(c, &key_hash)));
            }
            Ok(Read::SessionExists { code, reply }) => {
                let found =
                    conn.prepare_cached("SELECT 1 FROM sessions WHERE code = ?1").and_then(|mut st| st.exists([code]));
                let _ = reply.send(found.map_err(StoreError::from));
            }
            Ok(Read::SessionOfPlayer { token, reply }) => {
                let found = conn
                    .prepare_cached("SELECT session FROM players WHERE token = ?1")
                    .and_then(|mut st| st.query_row([token], |r| r.get(0)).optional());
                let _ = reply.send(found.map_err(StoreError::from));
            }
            Ok(Read::Applied { match_ids, reply }) => {
                let _ = reply.send(read_tx(&conn, |c| applied_ids(c, &match_ids)));
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
        }
        if last.elapsed() >= CHECKPOINT_EVERY {
            checkpoint(&conn);
            last = std::time::Instant::now();
        }
    }
}

/// WAL frames past which a checkpoint makes the writer start the WAL over.
const WAL_RESTART_FRAMES: i64 = 1000;

/// PASSIVE never waits for the writer: it copies what it can and leaves the rest. Under a steady
/// stream of commits that never lets the WAL start over, so once it holds more than
/// [`WAL_RESTART_FRAMES`] a RESTART checkpoint waits for the writer between two commits (briefly:
/// the passive one has already copied nearly everything) and the next commit starts the WAL over.
///
/// The RESTART holds the writer off while it copies what the passive one left and syncs the
/// file, so a second passive one first copies what was committed during the first (measured:
/// chat p99 53 → 31 ms at 5,000 lines a second, `docs/benchmarks.md`).
fn checkpoint(conn: &Connection) {
    let passive = || conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(1));
    let result = match passive() {
        Ok(frames) if frames > WAL_RESTART_FRAMES => {
            passive().and_then(|_| conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(())))
        }
        other => other.map(|_| ()),
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, "WAL checkpoint failed");
    }
}

/// What a connection does when the other holds the lock it needs (the writer while a RESTART
/// checkpoint runs, the checkpointer while a commit runs): try again within a millisecond, for up
/// to [`LOCK_WAIT`]. SQLite's own busy timeout backs off to sleeps of up to 100 ms, so a writer
/// that met a 20 ms checkpoint slept through up to 53 ms of steps while every chat line waited.
fn retry_soon(attempts_so_far: i32) -> bool {
    std::thread::sleep(std::time::Duration::from_millis(1));
    u128::try_from(attempts_so_far).unwrap_or(0) < LOCK_WAIT.as_millis()
}

/// Runs `f` inside one read transaction, so everything it reads is one consistent snapshot.
fn read_tx<T>(conn: &Connection, f: impl FnOnce(&Connection) -> Result<T, StoreError>) -> Result<T, StoreError> {
    conn.execute_batch("BEGIN")?;
    let out = f(conn);
    let _ = conn.execute_batch("COMMIT");
    out
}

fn writer(mut conn: Connection, rx: std::sync::mpsc::Receiver<Pending>, _lock: std::fs::File) {
    while let Ok(first) = rx.recv() {
        // Every job already waiting joins the same transaction (group commit).
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(p) => batch.push(p),
                Err(_) => break,
            }
        }
        let result = write_batch(&mut conn, &batch);
        match result {
            Ok(()) => {
                for p in batch {
                    let _ = p.reply.send(Ok(()));
                }
            }
            Err(e) => {
                // The whole transaction rolled back: retry each job alone so one bad job does
                // not fail the others.
                tracing::error!(error = %e, jobs = batch.len(), "store batch failed; retrying one by one");
                for p in batch {
                    let r = write_batch(&mut conn, std::slice::from_ref(&p)).map_err(StoreError::refused);
                    let _ = p.reply.send(r);
                }
            }
        }
    }
}

fn write_batch(conn: &mut Connection, batch: &[Pending]) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    for p in batch {
        match &p.job {
            Job::Session(s) => {
                tx.prepare_cached("INSERT INTO sessions VALUES (?1, ?2, ?3, ?4, ?5)")?.execute(params![
                    s.code,
                    s.kind,
                    s.settings,
                    s.facilitator_token,
                    s.created_at
                ])?;
            }
            Job::Player(r) => {
                tx.prepare_cached(&format!("INSERT INTO players ({PLAYER_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"))?
                    .execute(params![r.id, r.token, r.session, r.name, r.joined_at, r.bot])?;
            }
            Job::Seats { match_id, seats } => {
                let n = tx
                    .prepare_cached("UPDATE matches SET seats = ?2 WHERE id = ?1")?
                    .execute(params![match_id, seats])?;
                if n != 1 {
                    return Err(StoreError::Write(format!("no match {match_id}")));
                }
                index_seats(&tx, match_id, seats)?;
            }
            Job::PracticeLink { player_id, key_hash, at } => {
                tx.prepare_cached("INSERT OR REPLACE INTO practice_links VALUES (?1, ?2, ?3)")?
                    .execute(params![player_id, key_hash, at])?;
            }
            Job::PracticeUnlink { key_hash } => {
                tx.prepare_cached("DELETE FROM practice_links WHERE key_hash = ?1")?.execute([key_hash])?;
            }
            Job::Match(m) => {
                tx.prepare_cached(&format!(
                    "INSERT INTO matches ({MATCH_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                ))?
                .execute(params![
                    m.id,
                    m.session,
                    m.scenario,
                    m.config,
                    m.seats,
                    m.created_at,
                    m.summary
                ])?;
                index_seats(&tx, &m.id, &m.seats)?;
            }
            Job::Summary { match_id, summary } => {
                tx.prepare_cached("UPDATE matches SET summary = ?2 WHERE id = ?1")?
                    .execute(params![match_id, summary])?;
            }
            Job::Events { match_id, first_seq, events, ack } => {
                let mut stmt = tx.prepare_cached(
                    "INSERT INTO events (match_id, seq, at, kind, ack_seat, ack_cid) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?;
                for (i, e) in events.iter().enumerate() {
                    let kind = serde_json::to_string(&e.kind).expect("events serialise");
                    let ack = ack.filter(|_| i + 1 == events.len());
                    let (ack_seat, ack_cid) = (ack.map(|(seat, _)| seat as i64), ack.map(|(_, cid)| cid as i64));
                    stmt.execute(params![match_id, (*first_seq + i as u64) as i64, e.at, kind, ack_seat, ack_cid])?;
                }
                if let (Some((seat, cid)), true) = (ack, events.is_empty()) {
                    // No event to carry it (no caller does this today): kept all the same.
                    tx.prepare_cached("INSERT OR IGNORE INTO client_acks VALUES (?1, ?2, ?3)")?.execute(params![
                        match_id,
                        *seat as i64,
                        *cid as i64
                    ])?;
                }
            }
            Job::SessionEvent { session, at, kind } => {
                let seq: i64 = tx.query_row(
                    "SELECT COALESCE(MAX(seq) + 1, 0) FROM session_events WHERE session = ?1",
                    [session],
                    |r| r.get(0),
                )?;
                tx.prepare_cached("INSERT INTO session_events VALUES (?1, ?2, ?3, ?4)")?
                    .execute(params![session, seq, at, kind])?;
            }
        }
    }
    tx.commit()?;
    Ok(())
}

/// Records who sits in a match, by player (a seat handed on adds its new holder; the old one
/// keeps the match in their history).
fn index_seats(tx: &rusqlite::Transaction, match_id: &str, seats_json: &str) -> Result<(), StoreError> {
    let mut st = tx.prepare_cached("INSERT OR IGNORE INTO player_matches VALUES (?1, ?2)")?;
    for p in seats_of(seats_json) {
        st.execute(params![p, match_id])?;
    }
    Ok(())
}

fn player_row(r: &rusqlite::Row) -> rusqlite::Result<PlayerRow> {
    Ok(PlayerRow {
        id: r.get(0)?,
        token: r.get(1)?,
        session: r.get(2)?,
        name: r.get(3)?,
        joined_at: r.get(4)?,
        bot: r.get(5)?,
    })
}

fn match_row(r: &rusqlite::Row) -> rusqlite::Result<MatchRow> {
    Ok(MatchRow {
        id: r.get(0)?,
        session: r.get(1)?,
        scenario: r.get(2)?,
        config: r.get(3)?,
        seats: r.get(4)?,
        created_at: r.get(5)?,
        summary: r.get(6)?,
    })
}

/// The client message ids `(match, seat, cid)` applied in these matches.
fn applied_ids(conn: &Connection, match_ids: &[String]) -> Result<Vec<(String, usize, u64)>, StoreError> {
    let mut st = conn.prepare_cached(
        "SELECT match_id, ack_seat, ack_cid FROM events WHERE match_id = ?1 AND ack_cid IS NOT NULL
         UNION ALL SELECT match_id, seat, cid FROM client_acks WHERE match_id = ?1",
    )?;
    let mut found = Vec::new();
    for m in match_ids {
        let rows = st.query_map([m], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))?;
        for row in rows {
            let (id, seat, cid) = row?;
            found.push((id, seat as usize, cid as u64));
        }
    }
    Ok(found)
}

/// A match's stored events in order; an undecodable event is an error naming the match.
fn match_events(conn: &Connection, match_id: &str) -> Result<Vec<Event>, StoreError> {
    let mut st = conn.prepare_cached("SELECT at, kind FROM events WHERE match_id = ?1 ORDER BY seq")?;
    let rows: Vec<(i64, String)> =
        st.query_map([match_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    rows.into_iter().map(|(at, kind)| decode_event(match_id, at, &kind)).collect()
}

fn session_row(r: &rusqlite::Row) -> rusqlite::Result<SessionRow> {
    Ok(SessionRow {
        code: r.get(0)?,
        kind: r.get(1)?,
        settings: r.get(2)?,
        facilitator_token: r.get(3)?,
        created_at: r.get(4)?,
    })
}

/// The live sessions, whole: the practice pool and every session with a match not yet finished
/// (a match without a stored summary; a database from before summaries counts every match).
fn read_all(conn: &Connection) -> Result<Snapshot, StoreError> {
    let mut st = conn.prepare(&format!(
        "SELECT {SESSION_COLUMNS} FROM sessions WHERE kind = 'practice'
           OR code IN (SELECT session FROM matches WHERE summary IS NULL) ORDER BY created_at"
    ))?;
    let live: Vec<SessionRow> = st.query_map([], session_row)?.collect::<Result<_, _>>()?;
    let stored_sessions: i64 = conn.query_row("SELECT COUNT(*) FROM sessions", [], |r| r.get(0))?;
    let sessions = live.into_iter().map(|row| resident(conn, row)).collect::<Result<_, _>>()?;
    Ok(Snapshot { sessions, stored_sessions: stored_sessions.try_into().unwrap_or(0) })
}

/// One session whole, as it lives in memory; none when no session has the code.
fn read_resident(conn: &Connection, code: &str) -> Result<Option<ResidentSession>, StoreError> {
    let row = conn
        .prepare_cached(&format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE code = ?1"))?
        .query_row([code], session_row)
        .optional()?;
    row.map(|row| resident(conn, row)).transpose()
}

fn resident(conn: &Connection, session: SessionRow) -> Result<ResidentSession, StoreError> {
    let code = session.code.as_str();
    let practice = session.kind == "practice";
    let matches_started: i64 =
        conn.prepare_cached("SELECT COUNT(*) FROM matches WHERE session = ?1")?.query_row([code], |r| r.get(0))?;
    let mut st = conn.prepare_cached(&format!(
        "SELECT {MATCH_COLUMNS} FROM matches WHERE session = ?1 AND (?2 = 0 OR summary IS NULL) ORDER BY created_at, id"
    ))?;
    let rows: Vec<MatchRow> = st.query_map(params![code, practice], match_row)?.collect::<Result<_, _>>()?;
    let matches = rows.into_iter().map(|m| with_events(conn, m)).collect::<Result<Vec<_>, _>>()?;
    let players = if practice {
        // Only the players seated in its running matches.
        let seated: std::collections::HashSet<String> = matches.iter().flat_map(|(m, _)| seats_of(&m.seats)).collect();
        let mut by_id = conn.prepare_cached(&format!("SELECT {PLAYER_COLUMNS} FROM players WHERE id = ?1"))?;
        let mut players = Vec::new();
        for id in seated {
            players.extend(by_id.query_row([id], player_row).optional()?);
        }
        players.sort_by(|a, b| (a.joined_at, &a.id).cmp(&(b.joined_at, &b.id)));
        players
    } else {
        session_players(conn, code)?
    };
    let session_events = session_actions(conn, code)?;
    Ok(ResidentSession { session, players, matches, session_events, matches_started: matches_started as u64 })
}

/// A session's players by join time, then id.
fn session_players(conn: &Connection, code: &str) -> Result<Vec<PlayerRow>, StoreError> {
    let mut st = conn
        .prepare_cached(&format!("SELECT {PLAYER_COLUMNS} FROM players WHERE session = ?1 ORDER BY joined_at, id"))?;
    let rows = st.query_map([code], player_row)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// A session's facilitator actions `(at, kind)` in order.
fn session_actions(conn: &Connection, code: &str) -> Result<Vec<(Millis, String)>, StoreError> {
    let mut st = conn.prepare_cached("SELECT at, kind FROM session_events WHERE session = ?1 ORDER BY seq")?;
    let rows = st.query_map([code], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// A match with its events, except a finished one with a stored summary (its events are read
/// when someone opens it again).
fn with_events(conn: &Connection, m: MatchRow) -> Result<(MatchRow, Vec<Event>), StoreError> {
    let events = if m.summary.is_some() { Vec::new() } else { match_events(conn, &m.id)? };
    Ok((m, events))
}

/// A player by token, with their latest match.
fn read_player(conn: &Connection, token: &str) -> Result<Option<ResidentPlayer>, StoreError> {
    let Some(player) = conn
        .prepare_cached(&format!("SELECT {PLAYER_COLUMNS} FROM players WHERE token = ?1"))?
        .query_row([token], player_row)
        .optional()?
    else {
        return Ok(None);
    };
    let quoted = format!("\"{}\"", player.id);
    let last = conn
        .prepare_cached(&format!(
            "SELECT {MATCH_COLUMNS} FROM matches WHERE session = ?1 AND instr(seats, ?2) > 0
             ORDER BY created_at DESC, id DESC LIMIT 1"
        ))?
        .query_row(params![player.session, quoted], match_row)
        .optional()?;
    let last_match = last.map(|m| with_events(conn, m)).transpose()?;
    Ok(Some(ResidentPlayer { player, last_match }))
}

/// Everything stored about one session (players, matches with events, facilitator actions).
fn read_session(conn: &Connection, session: &str) -> Result<SessionLog, StoreError> {
    let mut log = SessionLog { players: session_players(conn, session)?, ..Default::default() };
    let mut st = conn
        .prepare_cached(&format!("SELECT {MATCH_COLUMNS} FROM matches WHERE session = ?1 ORDER BY created_at, id"))?;
    let rows: Vec<MatchRow> = st.query_map([session], match_row)?.collect::<Result<_, _>>()?;
    for m in rows {
        let events = match_events(conn, &m.id)?;
        log.matches.push((m, events));
    }
    log.session_events = session_actions(conn, session)?;
    Ok(log)
}

/// A practice key's players, oldest link first, with their matches and the counterparts in them.
fn read_practice(conn: &Connection, key_hash: &str) -> Result<PracticeLog, StoreError> {
    let linked: Vec<String> = conn
        .prepare_cached("SELECT player_id FROM practice_links WHERE key_hash = ?1 ORDER BY linked_at, player_id")?
        .query_map([key_hash], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut matches: Vec<MatchRow> = Vec::new();
    let mut st = conn.prepare_cached(&format!(
        "SELECT {} FROM player_matches pm JOIN matches m ON m.id = pm.match_id WHERE pm.player_id = ?1",
        match_columns_of("m")
    ))?;
    for p in &linked {
        for m in st.query_map([p], match_row)? {
            let m = m?;
            if !matches.iter().any(|x| x.id == m.id) {
                matches.push(m);
            }
        }
    }
    matches.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    let ids = practice_player_ids(&matches, &linked);
    let mut players = Vec::new();
    let mut by_id = conn.prepare_cached(&format!("SELECT {PLAYER_COLUMNS} FROM players WHERE id = ?1"))?;
    for id in &ids {
        if let Some(p) = by_id.query_row([id], player_row).optional()? {
            players.push(p);
        }
    }
    let mut log = SessionLog { players, ..Default::default() };
    for m in matches {
        let events = match_events(conn, &m.id)?;
        log.matches.push((m, events));
    }
    Ok(PracticeLog { linked, log })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::game::EventKind;
    use crate::store::Store;

    #[tokio::test]
    async fn events_survive_reopen_in_order() {
        let dir = std::env::temp_dir().join(format!("parley-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.db");
        let _ = std::fs::remove_file(&path);
        {
            let (store, snap) = Store::open(&path).unwrap();
            assert_eq!(snap.matches(), 0);
            store.insert_session(workshop_row("ABCDEF")).await.unwrap();
            let m = MatchRow {
                id: "m1".into(),
                session: "ABCDEF".into(),
                scenario: "s".into(),
                config: "{}".into(),
                seats: "[]".into(),
                created_at: 1,
                summary: None,
            };
            store.insert_match(m).await.unwrap();
            let evs = vec![
                Event { at: 5, kind: EventKind::Ready { seat: 0 } },
                Event { at: 6, kind: EventKind::Chat { seat: 1, text: "hi".into(), expression: None, member: None } },
            ];
            store.append_events("m1", 0, evs).await.unwrap();
            // A duplicate sequence number is refused and does not disturb what is stored.
            let dup = store.append_events("m1", 1, vec![Event { at: 7, kind: EventKind::Paused }]).await;
            assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
            // So is a second session with a code already taken: a conflict, not a failure to write.
            let again = store.insert_session(workshop_row("ABCDEF")).await;
            assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
        }
        let (_, snap) = Store::open(&path).unwrap();
        // The session has a match that has not finished: it is live, read whole at start-up.
        assert_eq!((snap.sessions.len(), snap.stored_sessions, snap.matches()), (1, 1, 1));
        let evs = &snap.sessions[0].matches[0].1;
        assert_eq!(evs.len(), 2);
        assert_eq!(evs[1].kind, EventKind::Chat { seat: 1, text: "hi".into(), expression: None, member: None });
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn workshop_row(code: &str) -> SessionRow {
        SessionRow {
            code: code.into(),
            kind: "workshop".into(),
            settings: "{}".into(),
            facilitator_token: "t".into(),
            created_at: 1,
        }
    }

    #[tokio::test]
    async fn only_live_sessions_are_read_at_start_up_and_the_others_on_demand() {
        let (path, dir) = temp_db("resident");
        let finished = |id: &str, session: &str| MatchRow {
            id: id.into(),
            session: session.into(),
            scenario: "s".into(),
            config: "{}".into(),
            seats: "[]".into(),
            created_at: 1,
            summary: Some("{}".into()),
        };
        {
            let (store, _) = Store::open(&path).unwrap();
            for code in ["LIVE", "DONE", "IDLE"] {
                store.insert_session(workshop_row(code)).await.unwrap();
            }
            store.insert_match(finished("m1", "DONE")).await.unwrap();
            store.insert_match(finished("m2", "LIVE")).await.unwrap();
            store.insert_match(MatchRow { summary: None, ..finished("m3", "LIVE") }).await.unwrap();
            store.append_events("m3", 0, vec![Event { at: 5, kind: EventKind::Ready { seat: 0 } }]).await.unwrap();
            let p = PlayerRow {
                id: "p1".into(),
                token: "tok".into(),
                session: "DONE".into(),
                name: "Ana".into(),
                joined_at: 2,
                bot: false,
            };
            store.insert_player(p).await.unwrap();
        }
        let (store, snap) = Store::open(&path).unwrap();
        let live: Vec<&str> = snap.sessions.iter().map(|s| s.session.code.as_str()).collect();
        assert_eq!((live, snap.stored_sessions), (vec!["LIVE"], 3));
        // A finished match's events are not read; an unfinished one's are.
        let m = &snap.sessions[0].matches;
        assert_eq!((m[0].1.len(), m[1].1.len()), (0, 1));
        let done = store.resident_session("DONE").await.unwrap().expect("stored");
        assert_eq!((done.players.len(), done.matches.len()), (1, 1));
        assert_eq!(store.session_of_player("tok").await.unwrap().as_deref(), Some("DONE"));
        assert!(store.session_of_player("nope").await.unwrap().is_none());
        assert!(store.resident_session("NOPE").await.unwrap().is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn temp_db(name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("parley-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        (dir.join("t.db"), dir)
    }

    #[tokio::test]
    async fn a_file_from_before_schema_versions_is_migrated_and_reads_see_every_acknowledged_write() {
        let (path, dir) = temp_db("migrate");
        {
            // The schema as Parley wrote it before issue #10: no `bot` column, no version.
            let c = Connection::open(&path).unwrap();
            c.execute_batch(
                "CREATE TABLE players (id TEXT PRIMARY KEY, token TEXT NOT NULL UNIQUE, session TEXT NOT NULL,
                   name TEXT NOT NULL, joined_at INTEGER NOT NULL);
                 CREATE TABLE sessions (code TEXT PRIMARY KEY, kind TEXT NOT NULL, settings TEXT NOT NULL,
                   facilitator_token TEXT NOT NULL, created_at INTEGER NOT NULL);
                 INSERT INTO sessions VALUES ('ABCDEF', 'workshop', '{}', 't', 1);
                 INSERT INTO players VALUES ('p1', 't1', 'ABCDEF', 'Ana', 5);",
            )
            .unwrap();
        }
        let (store, _) = Store::open(&path).unwrap();
        let stored = store.resident_session("ABCDEF").await.unwrap().expect("the session is stored");
        assert_eq!(stored.players.len(), 1);
        assert!(!stored.players[0].bot);
        store
            .insert_match(MatchRow {
                id: "m1".into(),
                session: "ABCDEF".into(),
                scenario: "s".into(),
                config: "{}".into(),
                seats: "[]".into(),
                created_at: 1,
                summary: None,
            })
            .await
            .unwrap();
        store.append_events("m1", 0, vec![Event { at: 5, kind: EventKind::Ready { seat: 0 } }]).await.unwrap();
        // The reader's own connection sees what the writer acknowledged.
        assert_eq!(store.match_events("m1").await.unwrap().len(), 1);
        let log = store.session_log("ABCDEF").await.unwrap();
        assert_eq!((log.players.len(), log.matches.len()), (1, 1));
        drop(store);
        // Reopened once the first store has let go (the lock wait covers the writer thread's exit).
        let (_store, _) = Store::open(&path).unwrap();
        let c = Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let version: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version as usize, MIGRATIONS.len());
        let indexes: i64 = c
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name LIKE '%_by_session'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(indexes, 2);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn practice_keys_link_visits_and_a_players_matches_are_indexed_even_from_older_files() {
        let (path, dir) = temp_db("practice");
        let player = |id: &str| PlayerRow {
            id: id.into(),
            token: format!("t-{id}"),
            session: "POOL".into(),
            name: id.to_uppercase(),
            joined_at: 1,
            bot: false,
        };
        let game = |id: &str, seats: &str, at: i64| MatchRow {
            id: id.into(),
            session: "POOL".into(),
            scenario: "s".into(),
            config: "{}".into(),
            seats: seats.into(),
            created_at: at,
            summary: None,
        };
        {
            let (store, _) = Store::open(&path).unwrap();
            let pool = SessionRow {
                code: "POOL".into(),
                kind: "practice".into(),
                settings: "{}".into(),
                facilitator_token: "t".into(),
                created_at: 0,
            };
            store.insert_session(pool).await.unwrap();
            for p in ["p1", "p2", "p3", "p4"] {
                store.insert_player(player(p)).await.unwrap();
            }
            store.insert_match(game("m2", r#"["p3","p2"]"#, 20)).await.unwrap();
            store.insert_match(game("m1", r#"["p1","p2"]"#, 10)).await.unwrap();
            // Two visits of one learner (p1, then p3), one of another (p2).
            store.link_practice("p1", "A", 1).await.unwrap();
            store.link_practice("p3", "A", 2).await.unwrap();
            store.link_practice("p2", "B", 1).await.unwrap();
            let a = store.practice_log("A").await.unwrap();
            assert_eq!(a.linked, ["p1", "p3"]);
            let ids: Vec<&str> = a.log.matches.iter().map(|(m, _)| m.id.as_str()).collect();
            assert_eq!(ids, ["m1", "m2"], "oldest first");
            let names: Vec<&str> = a.log.players.iter().map(|p| p.id.as_str()).collect();
            assert_eq!(names, ["p1", "p2", "p3"], "the counterpart's name is there too");
            // A seat handed on adds its new holder; the old one keeps the match in their history.
            store.update_seats("m1", r#"["p4","p2"]"#.into()).await.unwrap();
            store.link_practice("p4", "C", 3).await.unwrap();
            assert_eq!(store.practice_log("C").await.unwrap().log.matches.len(), 1);
            assert_eq!(store.practice_log("A").await.unwrap().log.matches.len(), 2);
            // Deleting a history removes its links and nothing else.
            store.unlink_practice("A").await.unwrap();
            let gone = store.practice_log("A").await.unwrap();
            assert!(gone.linked.is_empty() && gone.log.matches.is_empty());
            assert_eq!(store.practice_log("B").await.unwrap().log.matches.len(), 2);
            assert_eq!(store.match_events("m1").await.unwrap().len(), 0, "the match itself is still readable");
        }
        {
            // A file from before practice keys: the index is built from the matches it holds.
            let c = Connection::open(&path).unwrap();
            c.execute_batch("DROP TABLE player_matches; DROP TABLE practice_links; PRAGMA user_version = 4;").unwrap();
        }
        let (store, _) = Store::open(&path).unwrap();
        store.link_practice("p2", "B", 5).await.unwrap();
        assert_eq!(store.practice_log("B").await.unwrap().log.matches.len(), 2);
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn client_message_ids_are_read_back_from_their_events_and_from_older_files() {
        let (path, dir) = temp_db("acks");
        {
            let (store, _) = Store::open(&path).unwrap();
            let two =
                vec![Event { at: 1, kind: EventKind::Ready { seat: 0 } }, Event { at: 1, kind: EventKind::Paused }];
            store.append_events_acked("m1", 0, two, Some((1, 77))).await.unwrap();
            store.append_events("m1", 2, vec![Event { at: 2, kind: EventKind::Resumed }]).await.unwrap();
        }
        {
            // A file from before the ids moved into `events` kept them in `client_acks`.
            let c = Connection::open(&path).unwrap();
            c.execute("INSERT INTO client_acks VALUES ('m1', 0, 5)", []).unwrap();
        }
        let (store, _) = Store::open(&path).unwrap();
        let mut ids = store.applied_ids(vec!["m1".into(), "m2".into()]).await.unwrap();
        ids.sort();
        assert_eq!(ids, vec![("m1".to_string(), 0, 5), ("m1".to_string(), 1, 77)]);
        assert_eq!(store.match_events("m1").await.unwrap().len(), 3, "the id is on an event, not one more");
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_readers_checkpoint_lets_the_wal_start_over() {
        let (path, dir) = temp_db("wal");
        let writer = Connection::open(&path).unwrap();
        writer.execute_batch(PRAGMAS).unwrap();
        // Truncate the WAL file whenever it starts over, so its size shows whether it did.
        writer.execute_batch("PRAGMA journal_size_limit = 0; CREATE TABLE t (x INTEGER);").unwrap();
        for i in 0..1500 {
            writer.execute("INSERT INTO t VALUES (?1)", [i]).unwrap();
        }
        let wal = |p: &std::path::Path| std::fs::metadata(p.with_extension("db-wal")).map(|m| m.len()).unwrap_or(0);
        let grown = wal(&path);
        assert!(grown > 1_000_000, "1,500 commits without an automatic checkpoint: {grown} bytes");
        let reader = Connection::open(&path).unwrap();
        checkpoint(&reader);
        writer.execute("INSERT INTO t VALUES (0)", []).unwrap();
        assert!(wal(&path) < 100_000, "the next commit started the WAL over: {} bytes", wal(&path));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn commits_wait_out_the_checkpoints_that_start_the_wal_over() {
        let (path, dir) = temp_db("busy");
        let writer = Connection::open(&path).unwrap();
        writer.busy_handler(Some(retry_soon)).unwrap();
        writer.execute_batch(PRAGMAS).unwrap();
        writer.execute_batch("CREATE TABLE t (x INTEGER);").unwrap();
        let reader = Connection::open(&path).unwrap();
        reader.busy_handler(Some(retry_soon)).unwrap();
        let committing = std::thread::spawn(move || {
            for i in 0..3000 {
                writer.execute("INSERT INTO t VALUES (?1)", [i]).expect("no commit gives up on a checkpoint");
            }
        });
        let mut checkpoints = 0;
        while !committing.is_finished() {
            checkpoint(&reader);
            checkpoints += 1;
        }
        committing.join().unwrap();
        let rows: i64 = reader.query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, 3000, "every commit landed ({checkpoints} checkpoints ran beside them)");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_newer_schema_is_refused_and_one_database_has_one_writer() {
        let (path, dir) = temp_db("newer");
        {
            let c = Connection::open(&path).unwrap();
            c.pragma_update(None, "user_version", 99).unwrap();
        }
        let err = Store::open(&path).err().expect("a file from a newer Parley is refused");
        assert!(err.to_string().contains("newer"), "{err}");
        let held = lock_database(&path, std::time::Duration::ZERO).unwrap();
        let second = lock_database(&path, std::time::Duration::from_millis(100));
        assert!(second.is_err(), "a second writer must not get the database");
        drop(held);
        assert!(lock_database(&path, std::time::Duration::ZERO).is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
