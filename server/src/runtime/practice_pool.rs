//! The practice pool of a cluster node (see `store::postgres::pool` for the table and the claim).
//! Each node has a practice session of its own; its actor keeps its own waiting line only to tell
//! players where they stand and to offer bots, while pairing goes through the table shared by
//! every node:
//!
//! - a player waiting here is a row, written before this node tries to pair ([`App::pool_wait`]);
//! - one task per node claims, whenever a player starts waiting here and every [`POOL_TICK`] while
//!   anyone waits here, every group holding a player of this node; the match runs here, in this
//!   node's practice session, and its players from elsewhere are brought into memory
//!   ([`SessionMsg::PoolPaired`]);
//! - the same task finds this node's players paired by another node, and sends each one `moved`
//!   with that node's address ([`SessionMsg::PairedElsewhere`]): their token now belongs to the
//!   practice session of the node running their match.
//!
//! Wake-ups are a short poll, not LISTEN/NOTIFY: it runs only while someone waits on this node
//! (an idle node asks nothing), and it needs no connection held apart from the pool nor a
//! fallback for notifications lost with a connection (see `docs/deploy.md` for the numbers).

use crate::core::drills::Drill;
use crate::runtime::app::App;
use crate::runtime::session::{new_id, Location, Player, Session};
use crate::runtime::session_actor::SessionMsg;
use crate::store::{Cluster, PoolGroup, StoreError, WaitingRow};
use rand::seq::IndexedRandom;
use std::sync::Arc;
use std::time::Duration;

/// How often a node with players waiting looks for pairs it can make and for its players paired
/// by another node.
pub const POOL_TICK: Duration = Duration::from_millis(50);

/// A drill's wire name (`ask_first`, ...), as the table stores it.
fn drill_name(d: Drill) -> Option<String> {
    serde_json::to_value(d).ok().and_then(|v| v.as_str().map(String::from))
}

/// A drill from its wire name.
fn drill_of(name: &str) -> Option<Drill> {
    serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
}

impl App {
    /// Whether this node pairs its practice players through the cluster's table.
    pub(crate) fn pools_across_nodes(&self, s: &Session) -> bool {
        self.cluster.is_some() && s.kind == crate::runtime::session::SessionKind::Practice
    }

    /// A practice player starts waiting: their row is written, then this node tries to pair.
    pub(crate) fn pool_wait(self: &Arc<Self>, s: &Session, player: &Player) {
        let Some(cluster) = self.cluster.clone() else { return };
        let (app, id, session) = (self.clone(), player.id.clone(), s.code.clone());
        let scenario = player.wanted_scenario.lock().expect("wanted").clone();
        let drill = player.wanted_drill.lock().expect("wanted drill").and_then(drill_name);
        tokio::spawn(async move {
            match cluster.pool_enqueue(&id, &session, scenario.as_deref(), drill.as_deref()).await {
                Ok(true) => {
                    app.pool_waiting.insert(id, session);
                    app.pool_wake.notify_one();
                }
                // Paired already (they came here before their node sent them): their seat is on its way.
                Ok(false) => {}
                Err(e) => tracing::error!(player = %id, error = %e, "could not put a practice player in the pool"),
            }
        });
    }

    /// A practice player stops waiting (left, went away): their row goes, unless a node paired
    /// them first (then they are sent to their match as usual).
    pub(crate) fn pool_stop_waiting(self: &Arc<Self>, player_id: &str) {
        let Some(cluster) = self.cluster.clone() else { return };
        let (app, id) = (self.clone(), player_id.to_string());
        tokio::spawn(async move {
            match cluster.pool_leave(&id).await {
                Ok(true) => {
                    app.pool_waiting.remove(&id);
                }
                Ok(false) => {}
                Err(e) => tracing::error!(player = %id, error = %e, "could not take a practice player out of the pool"),
            }
        });
    }

    /// A waiting practice player asks for a bot: true when their row was still waiting (it is
    /// gone now), false when a node paired them first.
    pub(crate) async fn pool_take_for_bot(&self, player_id: &str) -> Result<bool, StoreError> {
        let Some(cluster) = &self.cluster else { return Ok(true) };
        let taken = cluster.pool_leave(player_id).await?;
        if taken {
            self.pool_waiting.remove(player_id);
        }
        Ok(taken)
    }

    /// Puts the players of a group claimed here that are not in memory here into this node's
    /// practice session (they waited on another node), with the drill they asked for.
    pub(crate) fn pool_bring_in(&self, group: &PoolGroup) {
        for w in &group.players {
            if self.players_by_id.get(&w.player.id).is_some_and(|p| p.session == w.player.session) {
                continue;
            }
            let p = self.add_player(w.player.clone());
            *p.wanted_drill.lock().expect("wanted drill") = w.drill.as_deref().and_then(drill_of);
            *p.wanted_scenario.lock().expect("wanted") = w.scenario.clone();
        }
    }

    /// A player who waited in session `s` was paired into a match on the node at `address`:
    /// they are told to go there and leave this node's memory (their token belongs to that
    /// node's practice session now).
    pub(crate) fn pool_send_away(&self, s: &Session, player_id: &str, address: &str) {
        self.pool_waiting.remove(player_id);
        let Some((_, p)) = self.players_by_id.remove(player_id) else { return };
        self.players.remove(&p.token);
        s.player_ids.lock().expect("player ids").retain(|id| id != player_id);
        s.player_count
            .fetch_update(std::sync::atomic::Ordering::Relaxed, std::sync::atomic::Ordering::Relaxed, |n| {
                Some(n.saturating_sub(1))
            })
            .ok();
        *p.location.lock().expect("location") = Location::Lobby;
        if let Some(conn) = p.conn.lock().expect("conn").take() {
            conn.send_msg(&crate::wire::ServerMsg::Moved { address: address.to_string() });
            conn.close(crate::runtime::outbox::CloseReason::Moved);
        }
        tracing::info!(player = %player_id, to = %address, "practice player paired on another node");
    }

    /// Creates the match of a group claimed and seated here. Then its players of other nodes
    /// are sent here by their nodes (not before: one arriving ahead of their seat would wait
    /// again), and the rows of this node's players go. When the match cannot be created, the
    /// group waits again: this node's players in its line, the others on their nodes.
    pub(crate) async fn pool_create(
        self: &Arc<Self>,
        s: &Arc<Session>,
        group: PoolGroup,
        teams: Vec<Vec<String>>,
        k: u64,
    ) {
        let Some(cluster) = self.cluster.clone() else { return };
        let me = cluster.node_id().to_string();
        let (local, remote): (Vec<&WaitingRow>, Vec<&WaitingRow>) = group.players.iter().partition(|w| w.node_id == me);
        let local: Vec<String> = local.iter().map(|w| w.player.id.clone()).collect();
        let remote: Vec<String> = remote.iter().map(|w| w.player.id.clone()).collect();
        let created = self.create_team_match_as(s, &group.scenario, teams, Some(k), Some(group.match_id.clone())).await;
        if created.is_some() {
            let told = match cluster.pool_ready(&remote).await {
                Ok(()) => cluster.pool_done(&local).await,
                Err(e) => Err(e),
            };
            if let Err(e) = told {
                tracing::error!(error = %e, "could not tell the pool that a match's players are seated");
            }
            return;
        }
        let ids: Vec<String> = local.iter().chain(&remote).cloned().collect();
        if let Err(e) = cluster.pool_unclaim(&ids).await {
            tracing::error!(error = %e, "could not put the players of a match not created back in the pool");
        }
        // Out of this node's memory; one who came here ahead of their seat reconnects here and
        // is sent on to the session they wait in again.
        for id in &remote {
            self.pool_send_away(s, id, &cluster.address);
        }
        for p in local.iter().filter_map(|id| self.players_by_id.get(id).map(|p| p.clone())) {
            s.enqueue(p).await;
        }
    }

    /// The groups this node claimed: each is seated by this node's practice session; its
    /// players who waited in another session of this node (one taken over from a dead node) are
    /// sent there first.
    async fn pool_seat(self: &Arc<Self>, cluster: &Cluster, groups: Vec<PoolGroup>) {
        // This node's practice session (read into memory if only a session taken over had players waiting).
        let pool = match self.resident(&self.practice_code, None).await {
            Ok(Some(r)) => r.session.clone(),
            other => {
                tracing::error!(
                    ok = other.is_ok(),
                    "this node's practice session is not available; claimed players are not seated"
                );
                return;
            }
        };
        for group in groups {
            for w in group.players.iter().filter(|w| w.node_id == cluster.node_id()) {
                let waited_in = self.players_by_id.get(&w.player.id).map(|p| p.session.clone());
                if let Some(code) = waited_in.filter(|c| *c != pool.code) {
                    if let Some(other) = self.sessions.get(&code).map(|s| s.clone()) {
                        let (player_id, address) = (w.player.id.clone(), cluster.address.clone());
                        let (reply, rx) = tokio::sync::oneshot::channel();
                        let _ = other.mailbox.send(SessionMsg::PairedElsewhere { player_id, address, reply }).await;
                        let _ = rx.await;
                    }
                }
            }
            let _ = pool.mailbox.send(SessionMsg::PoolPaired { group }).await;
        }
    }

    /// This node's players paired by another node: each one's session sends them on.
    async fn pool_follow(self: &Arc<Self>, cluster: &Cluster) -> Result<(), StoreError> {
        let paired = cluster.pool_paired_here().await?;
        let mut done = Vec::new();
        for (player_id, session, address) in paired {
            if let Some(s) = self.sessions.get(&session).map(|s| s.clone()) {
                let (reply, rx) = tokio::sync::oneshot::channel();
                let msg = SessionMsg::PairedElsewhere { player_id: player_id.clone(), address, reply };
                if s.mailbox.send(msg).await.is_ok() {
                    let _ = rx.await;
                }
            }
            self.pool_waiting.remove(&player_id);
            done.push(player_id);
        }
        if !done.is_empty() {
            cluster.pool_done(&done).await?;
        }
        Ok(())
    }
}

/// A two-role scenario at random, for players who asked for none.
fn random_bilateral(app: &App) -> Option<String> {
    let scenarios = app.scenarios();
    let two: Vec<&String> = scenarios.iter().filter(|(_, s)| s.is_bilateral()).map(|(k, _)| k).collect();
    two.choose(&mut rand::rng()).map(|s| (*s).clone())
}

/// Starts the node's pairing task: woken when a player starts waiting here, and every
/// [`POOL_TICK`] while anyone does, it claims what it can and follows this node's players paired
/// elsewhere.
pub fn spawn_pool_task(app: &Arc<App>, cluster: Arc<Cluster>) {
    let weak = Arc::downgrade(app);
    tokio::spawn(async move {
        loop {
            let Some(app) = weak.upgrade() else { break };
            let wake = app.pool_wake.clone();
            drop(app);
            let _ = tokio::time::timeout(POOL_TICK, wake.notified()).await;
            let Some(app) = weak.upgrade() else { break };
            if app.pool_waiting.is_empty() {
                continue;
            }
            let roles = |s: &str| app.scenario(s).map(|x| x.roles.len());
            let claimed =
                cluster.pool_claim(&app.practice_code, roles, || random_bilateral(&app), || new_id("m")).await;
            match claimed {
                Ok(groups) if !groups.is_empty() => {
                    for w in groups.iter().flat_map(|g| &g.players) {
                        app.pool_waiting.remove(&w.player.id);
                    }
                    app.pool_seat(&cluster, groups).await;
                    // More may be waiting beyond what one claim looks at: look again at once.
                    app.pool_wake.notify_one();
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "could not pair from the practice pool"),
            }
            if let Err(e) = app.pool_follow(&cluster).await {
                tracing::error!(error = %e, "could not follow practice players paired on another node");
            }
        }
    });
}
