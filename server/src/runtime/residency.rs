//! Which sessions live in memory. A class's session is read whole from the store when someone
//! needs it (a player's token, a join code, the facilitator's console or an HTTP request) and is
//! disposed once nobody has used it for `--dormant-after`: no connected player, nobody waiting,
//! no console watching, every match finished. Start-up reads only the live sessions (the
//! practice pool and those with a match still running), so memory and start-up time follow what
//! is happening now, not everything that ever happened.
//!
//! A lock per session orders loading and disposing against use: whoever uses a session holds a
//! [`Resident`] (a read guard) from looking it up until the session shows the use (a player's
//! connection bound, a console counted), and disposal takes the write side (only when it is free:
//! a sweep never waits, so it never queues lookups behind a long reader) and checks again. So
//! a session is never disposed between someone finding it and using it, and never loaded twice.
//! The lock is per session, not one for all: a node taking over a dead node's sessions reads them
//! one by one from the store, and with one lock every lookup on the node waited for all of those
//! reads (under `bench chaos`, players took minutes to resume). A lock exists only while its
//! session is in memory or being read, so guessed codes leave nothing behind.
//!
//! In a cluster, a session in memory that this node no longer owns (fenced, or found lost by the
//! heartbeat) is never handed out again: the lookup answers `moved` while the session is dropped.

use crate::limits::Budget;
use crate::runtime::app::App;
use crate::runtime::session::{Location, Player, Session, SessionKind};
use crate::runtime::session_actor::SessionActor;
use crate::store::{ResidentPlayer, ResidentSession, StoreError};
use std::net::IpAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::OwnedRwLockReadGuard;

/// A session that stays in memory while this is held.
pub struct Resident {
    /// The session.
    pub session: Arc<Session>,
    _in_use: OwnedRwLockReadGuard<()>,
}

impl std::ops::Deref for Resident {
    type Target = Arc<Session>;

    fn deref(&self) -> &Arc<Session> {
        &self.session
    }
}

/// A facilitator's console watching a session: the session counts it (and stays in memory)
/// while this lives.
pub struct Watching(Arc<Session>);

impl Watching {
    /// Counts a watcher of the session.
    pub fn new(session: Arc<Session>) -> Watching {
        session.watchers.fetch_add(1, Ordering::Relaxed);
        Watching(session)
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        self.0.watchers.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Why a session could not be looked up.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    /// The address asked for too many sessions not in memory.
    #[error("too many lookups from this address")]
    RateLimited,
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Another node of the cluster owns the session: the client goes there.
    #[error("the session lives on {address}")]
    Moved {
        /// That node's advertised address.
        address: String,
    },
}

impl App {
    /// The session with this join code, read from the store if it is not in memory (none when
    /// no session has it). With `budget`, a lookup that has to read the store costs that address
    /// a code lookup, so a flood of unknown codes or tokens is refused before it reaches the store.
    pub async fn resident(
        self: &Arc<Self>,
        code: &str,
        budget: Option<IpAddr>,
    ) -> Result<Option<Resident>, LookupError> {
        if self.sessions.contains_key(code) {
            let guard = self.residency_of(code).read_owned().await;
            if let Some(session) = self.sessions.get(code).map(|s| s.clone()) {
                self.still_owned(code).await?;
                return Ok(Some(Resident { session, _in_use: guard }));
            }
        }
        self.charge_lookup(budget)?;
        // An unknown code is answered without a lock, so guessed codes leave nothing behind.
        if !self.store.session_exists(code).await? {
            return Ok(None);
        }
        let write = self.residency_of(code).write_owned().await;
        let loaded = self.load_locked(code).await;
        if !self.sessions.contains_key(code) {
            self.forget_residency(code);
        }
        loaded?;
        let guard = write.downgrade();
        Ok(self.sessions.get(code).map(|s| Resident { session: s.clone(), _in_use: guard }))
    }

    /// The lock of a session (made when it is first needed).
    pub(crate) fn residency_of(&self, code: &str) -> Arc<tokio::sync::RwLock<()>> {
        self.residency.entry(code.to_string()).or_default().clone()
    }

    /// Forgets a session's lock once nothing but the map and the caller's write guard holds it
    /// (call it with that guard held, after taking the session out of memory): whoever cloned it
    /// meanwhile keeps it, and finds the session gone when its turn comes.
    pub(crate) fn forget_residency(&self, code: &str) {
        self.residency.remove_if(code, |_, lock| Arc::strong_count(lock) <= 2);
    }

    /// In a cluster: an error sending the client on when this node no longer owns a session it
    /// still has in memory (fenced by a takeover a moment ago); the session is dropped meanwhile.
    async fn still_owned(self: &Arc<Self>, code: &str) -> Result<(), LookupError> {
        let Some(cluster) = &self.cluster else { return Ok(()) };
        if cluster.fence.epoch(code).is_some() {
            return Ok(());
        }
        let address = cluster.owner_address(code).await?;
        let (app, code_owned, to) = (self.clone(), code.to_string(), address.clone());
        tokio::spawn(async move { app.drop_session(&code_owned, to).await });
        match address {
            Some(address) => Err(LookupError::Moved { address }),
            None => Err(LookupError::Store(StoreError::Fenced(code.to_string()))),
        }
    }

    /// Reads a session into memory unless it is there (call it with the session's lock written).
    async fn load_locked(self: &Arc<Self>, code: &str) -> Result<(), LookupError> {
        if !self.sessions.contains_key(code) {
            if let Some(cluster) = &self.cluster {
                // Claimed before it is read: whatever its last owner committed is in the read,
                // and that owner can commit nothing more.
                match cluster.claim(code).await? {
                    crate::store::Claim::Elsewhere { address } => return Err(LookupError::Moved { address }),
                    crate::store::Claim::Mine { outage_ms, .. } => match self.load_claimed(code, outage_ms).await {
                        Ok(true) => {}
                        Ok(false) => return Ok(()),
                        // Taken from this node again while it was read (it was slow): the new owner has it.
                        Err(StoreError::Fenced(_)) => {
                            cluster.fence.release(code);
                            return match cluster.owner_address(code).await? {
                                Some(address) => Err(LookupError::Moved { address }),
                                None => Err(LookupError::Store(StoreError::Fenced(code.to_string()))),
                            };
                        }
                        Err(e) => return Err(e.into()),
                    },
                }
            } else {
                let Some(stored) = self.store.resident_session(code).await? else { return Ok(()) };
                self.remember_applied(stored.matches.iter().map(|(m, _)| m)).await?;
                self.install_session(stored, crate::runtime::clock::now_ms());
            }
            tracing::info!(session = %code, "session read back into memory");
        }
        Ok(())
    }

    /// Reads the client message ids applied in the running ones of these stored matches, for
    /// their actors as they are rebuilt (after a restart or a takeover): a client resending an
    /// action whose acknowledgement it never got is answered, and the action is not applied twice.
    pub(crate) async fn remember_applied<'a>(
        &self,
        matches: impl Iterator<Item = &'a crate::store::MatchRow>,
    ) -> Result<(), StoreError> {
        let running: Vec<String> = matches.filter(|m| m.summary.is_none()).map(|m| m.id.clone()).collect();
        if running.is_empty() {
            return Ok(());
        }
        for (match_id, seat, cid) in self.store.applied_ids(running).await? {
            self.restored_ids.entry(match_id).or_default().push((seat, cid));
        }
        Ok(())
    }

    /// A lookup about to reach the store costs `budget`'s address a code lookup.
    fn charge_lookup(&self, budget: Option<IpAddr>) -> Result<(), LookupError> {
        match budget {
            Some(ip) if !self.address_limits.allow(Budget::CodeLookup, ip) => Err(LookupError::RateLimited),
            _ => Ok(()),
        }
    }

    /// The player with this secret token and their session, read from the store if they are not
    /// in memory (none when the token is unknown).
    pub async fn player_by_token(
        self: &Arc<Self>,
        token: &str,
        budget: Option<IpAddr>,
    ) -> Result<Option<(Resident, Arc<Player>)>, LookupError> {
        let in_memory = self.players.get(token).map(|p| p.session.clone());
        let code = match in_memory {
            Some(code) => code,
            None => {
                self.charge_lookup(budget)?;
                match self.store.session_of_player(token).await? {
                    Some(code) => code,
                    None => return Ok(None),
                }
            }
        };
        let Some(resident) = self.resident(&code, None).await? else { return Ok(None) };
        if let Some(p) = self.players.get(token).map(|p| p.clone()) {
            return Ok(Some((resident, p)));
        }
        // A practice player who left memory (their session never does).
        drop(resident);
        let write = self.residency_of(&code).write_owned().await;
        if !self.players.contains_key(token) {
            let Some(stored) = self.store.resident_player(token).await? else { return Ok(None) };
            self.remember_applied(stored.last_match.iter().map(|(m, _)| m)).await?;
            self.install_player(stored);
        }
        let guard = write.downgrade();
        let Some(session) = self.sessions.get(&code).map(|s| s.clone()) else { return Ok(None) };
        Ok(self.players.get(token).map(|p| (Resident { session, _in_use: guard }, p.clone())))
    }

    /// Puts a stored session in memory: its players, their places, its facilitator actions and its
    /// matches (unfinished ones running, finished ones dormant). Call it with the residency lock
    /// written (or at start-up, before anyone else can look).
    pub(crate) fn install_session(self: &Arc<Self>, stored: ResidentSession, now: i64) -> Option<Arc<Session>> {
        let ResidentSession { session: row, players, matches, session_events, matches_started } = stored;
        let settings = match serde_json::from_str(&row.settings) {
            Ok(v) => v,
            Err(e) => {
                tracing::error!(session = %row.code, error = %e, "stored session settings unreadable; skipped");
                return None;
            }
        };
        let kind = if row.kind == "practice" { SessionKind::Practice } else { SessionKind::Workshop };
        let (session, rx) = Session::new(row.code.clone(), kind, settings, row.facilitator_token, row.created_at);
        let session = Arc::new(session);
        let mut actor = SessionActor::new(self.clone(), &session, matches_started);
        self.sessions.insert(row.code, session.clone());
        for p in players {
            self.add_player(p);
        }
        for (_, kind) in &session_events {
            actor.replay(&session, kind);
        }
        let created: std::collections::HashMap<String, i64> =
            matches.iter().map(|(row, _)| (row.id.clone(), row.created_at)).collect();
        for (row, events) in matches {
            self.restore_match(row, &events, now, None);
        }
        self.restore_observers(&session_events, &created);
        actor.spawn(&session, rx);
        Some(session)
    }

    /// Puts a practice player back in memory, in their latest match if it is still there (or
    /// brought back dormant if it finished and left memory). Call it with the residency lock written.
    fn install_player(self: &Arc<Self>, stored: ResidentPlayer) {
        let ResidentPlayer { player, last_match } = stored;
        let id = player.id.clone();
        let p = self.add_player(player);
        let Some((row, events)) = last_match else { return };
        let seats: Vec<String> = serde_json::from_str(&row.seats).unwrap_or_default();
        let cfg = serde_json::from_str::<crate::runtime::app::StoredMatchConfig>(&row.config).ok();
        let members = cfg.map_or_else(|| seats.iter().map(|p| vec![p.clone()]).collect(), |c| c.members(&seats));
        let place =
            members.iter().enumerate().find_map(|(seat, team)| Some((seat, team.iter().position(|p| *p == id)?)));
        match (self.matches.contains_key(&row.id), place) {
            (true, Some((seat, member))) => {
                *p.location.lock().expect("location") = Location::InMatch { match_id: row.id, seat, member };
            }
            (false, Some(_)) => self.restore_match(row, &events, crate::runtime::clock::now_ms(), Some(&id)),
            (_, None) => {}
        }
    }

    /// Whether nothing keeps this player in memory: not connected, not waiting or being seated,
    /// and not in a match that is still running.
    fn player_unused(&self, p: &Player) -> bool {
        if p.conn.lock().expect("conn").is_some() {
            return false;
        }
        match &*p.location.lock().expect("location") {
            Location::Waiting | Location::Seating => false,
            Location::Lobby => true,
            Location::InMatch { match_id, .. } | Location::Observing { match_id } => {
                self.matches.get(match_id).is_none_or(|m| m.summary().phase == crate::core::game::Phase::Results)
            }
        }
    }

    /// Whether nothing uses a class's session now (the practice pool is always in use).
    fn unused(&self, s: &Session) -> bool {
        if s.kind == SessionKind::Practice || s.watchers.load(Ordering::Relaxed) > 0 {
            return false;
        }
        let players = s.player_ids.lock().expect("player ids").clone();
        let busy_player = players.iter().any(|id| self.players_by_id.get(id).is_some_and(|p| !self.player_unused(&p)));
        let matches = s.match_ids.lock().expect("match ids").clone();
        let running = matches
            .iter()
            .any(|id| self.matches.get(id).is_some_and(|m| m.summary().phase != crate::core::game::Phase::Results));
        !busy_player && !running
    }

    /// Disposes what nobody has used for `idle_ms`: a class's whole session (with its players and
    /// matches), and in the practice pool single players and the finished matches none of whose
    /// players is still in memory. Everything is in the store; the next lookup brings it back.
    /// Returns how many sessions and practice players left memory.
    pub fn dispose_idle(&self, now: i64, idle_ms: i64) -> (usize, usize) {
        let idle_for = |since: &std::sync::Mutex<Option<i64>>, unused: bool| {
            let mut since = since.lock().expect("idle since");
            if !unused {
                *since = None;
                return false;
            }
            now - *since.get_or_insert(now) >= idle_ms
        };
        let sessions: Vec<Arc<Session>> =
            self.sessions.iter().filter(|s| idle_for(&s.idle_since, self.unused(s))).map(|s| s.clone()).collect();
        let practice = self.sessions.get(&self.practice_code).map(|s| s.clone());
        let players: Vec<Arc<Player>> = practice
            .iter()
            .flat_map(|s| s.player_ids.lock().expect("player ids").clone())
            .filter_map(|id| self.players_by_id.get(&id).map(|p| p.clone()))
            .filter(|p| idle_for(&p.idle_since, self.player_unused(p)))
            .collect();
        if sessions.is_empty() && players.is_empty() {
            return (0, 0);
        }
        // Never wait for a lock: a waiting writer would queue every new lookup behind a long
        // reader (a big debrief being built); whatever is idle now is still idle at the next sweep.
        // Each is checked again: someone may have started using it before the lock was ours.
        let sessions: Vec<(Arc<Session>, _)> = sessions
            .into_iter()
            .filter_map(|s| {
                let write = self.residency_of(&s.code).try_write_owned().ok()?;
                self.unused(&s).then_some((s, write))
            })
            .collect();
        for (s, _write) in &sessions {
            for id in s.player_ids.lock().expect("player ids").iter() {
                self.forget_player(id);
            }
            // Dropping a match's handle closes its mailbox, which ends its task; the session's
            // actor ends once the last holder of the session lets go.
            for id in s.match_ids.lock().expect("match ids").iter() {
                self.matches.remove(id);
            }
            self.sessions.remove(&s.code);
            self.forget_residency(&s.code);
        }
        let pool_write = practice.as_ref().and_then(|p| self.residency_of(&p.code).try_write_owned().ok());
        let players: Vec<Arc<Player>> = match pool_write {
            Some(_) => players.into_iter().filter(|p| self.player_unused(p)).collect(),
            None => Vec::new(),
        };
        if let (Some(pool), false) = (practice, players.is_empty()) {
            let gone: std::collections::HashSet<&str> = players.iter().map(|p| p.id.as_str()).collect();
            for p in &players {
                self.forget_player(&p.id);
            }
            pool.player_ids.lock().expect("player ids").retain(|id| !gone.contains(id.as_str()));
            pool.match_ids.lock().expect("match ids").retain(|id| {
                let keep = self.matches.get(id).is_some_and(|m| {
                    m.summary().phase != crate::core::game::Phase::Results
                        || m.seats.iter().any(|pid| self.players_by_id.contains_key(pid))
                });
                if !keep {
                    self.matches.remove(id);
                }
                keep
            });
        }
        if !sessions.is_empty() || !players.is_empty() {
            tracing::info!(sessions = sessions.len(), practice_players = players.len(), "idle state left memory");
            crate::memory::give_back_freed_memory();
        }
        (sessions.len(), players.len())
    }

    fn forget_player(&self, id: &str) {
        if let Some((_, p)) = self.players_by_id.remove(id) {
            self.players.remove(&p.token);
        }
    }
}
