//! The runtime of a cluster node (`--postgres URL --node-address ADDR`): each session lives on
//! the one node that owns it (see `store::postgres::ownership` for the rows, epochs and fencing).
//!
//! - A session not in memory is claimed when someone needs it ([`App::resident`]): when a live
//!   node owns it, the lookup answers [`LookupError::Moved`](crate::runtime::residency::LookupError)
//!   with that node's address and the client reconnects there.
//! - A heartbeat task renews this node's lease; a scanner takes over the live sessions of dead
//!   nodes (epoch + 1), reads them back from the store and runs them on, their running phases
//!   extended by the outage.
//! - A session this node lost (its append was fenced, or its heartbeat found another owner) is
//!   dropped from memory at once, and its connected players are sent a `moved` frame.

use crate::core::game::{Event, EventKind, Match, Phase};
use crate::runtime::app::{App, StoredMatchConfig};
use crate::runtime::clock::now_ms;
use crate::runtime::outbox::CloseReason;
use crate::store::{Cluster, ResidentSession, StoreError};
use crate::wire::ServerMsg;
use crate::wording::{params, NoticeKey};
use std::sync::Arc;
use std::time::Duration;

/// How long after a takeover a player coming back is told their match was extended.
const NOTICE_FOR_MS: i64 = 120_000;

/// Cluster options of `parley serve` (used with `--postgres`).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ClusterArgs {
    /// Run as one node of a cluster sharing the PostgreSQL database: the address players are
    /// sent to for this node's sessions (`http://10.0.0.5:8080`, or the node's public name).
    /// Without it, a PostgreSQL server is a single node, as with SQLite.
    #[arg(long, env = "PARLEY_NODE_ADDRESS")]
    pub node_address: Option<String>,
    /// Milliseconds without a heartbeat after which a node is dead and its sessions are taken over.
    #[arg(long, env = "PARLEY_LEASE_MS", default_value_t = 5000)]
    pub lease_ms: u64,
    /// Milliseconds between a node's heartbeats (and its scans for sessions of dead nodes).
    #[arg(long, env = "PARLEY_HEARTBEAT_MS", default_value_t = 1000)]
    pub heartbeat_ms: u64,
}

impl App {
    /// Reads a session this node has just claimed and puts it in memory (call it with the
    /// residency lock written). Taken over from a dead node (`outage_ms`), every running phase
    /// is first extended by the outage, in the match's own log, and players coming back are told.
    pub(crate) async fn load_claimed(self: &Arc<Self>, code: &str, outage_ms: Option<i64>) -> Result<bool, StoreError> {
        let Some(mut stored) = self.store.resident_session(code).await? else { return Ok(false) };
        self.remember_applied(stored.matches.iter().map(|(m, _)| m)).await?;
        if let Some(ms) = outage_ms {
            let seconds = ((ms + 999) / 1000).max(1) as u64;
            let extended = self.extend_running(&mut stored, seconds).await?;
            if extended > 0 {
                // Notices of sessions nobody came back to go when the next one is written, so the
                // map holds only the last few minutes' takeovers.
                let now = now_ms();
                self.takeover_notices.retain(|_, (_, until)| now < *until);
                self.takeover_notices.insert(code.to_string(), (seconds, now + NOTICE_FOR_MS));
            }
            tracing::warn!(session = %code, outage_ms = ms, matches_extended = extended, "session taken over");
        }
        self.install_session(stored, now_ms());
        // The clients of its bots lived in the process that ran the session before.
        let bots = self.restart_bots(code);
        if bots > 0 {
            tracing::info!(session = %code, bots, "bots restarted");
        }
        Ok(true)
    }

    /// Appends `Extended` to every match of the session whose phase has a running clock.
    async fn extend_running(&self, stored: &mut ResidentSession, seconds: u64) -> Result<usize, StoreError> {
        let mut extended = 0;
        for (row, events) in &mut stored.matches {
            if row.summary.is_some() || !self.clock_running(row, events) {
                continue;
            }
            let event = Event { at: now_ms(), kind: EventKind::Extended { seconds } };
            self.store.append_events(&row.id, events.len() as u64, vec![event.clone()]).await?;
            events.push(event);
            extended += 1;
        }
        Ok(extended)
    }

    /// Whether a stored match is in a phase whose clock runs (not paused, not finished).
    fn clock_running(&self, row: &crate::store::MatchRow, events: &[Event]) -> bool {
        let (Some(scenario), Ok(cfg)) =
            (self.scenario(&row.scenario), serde_json::from_str::<StoredMatchConfig>(&row.config))
        else {
            return false;
        };
        let m = Match::replay(cfg.match_config(scenario), events);
        m.phase != Phase::Results && m.deadline.is_some() && m.paused_at.is_none()
    }

    /// The notice for a player coming back to a session taken over a moment ago.
    pub fn takeover_notice(&self, code: &str) -> Option<ServerMsg> {
        let now = now_ms();
        self.takeover_notices.remove_if(code, |_, (_, until)| now >= *until);
        let seconds = self.takeover_notices.get(code)?.0;
        Some(ServerMsg::worded_notice(
            NoticeKey::TakenOver,
            params([("seconds", seconds.into())]),
            format!(
                "The server running your match stopped; another one took over. Your match was given {seconds} more \
                 seconds for the time it was away."
            ),
        ))
    }

    /// Takes a session out of memory because another node owns it now: its connected players
    /// are sent `moved` (when the new owner is known) and disconnected, so they reconnect there.
    pub async fn drop_session(self: &Arc<Self>, code: &str, address: Option<String>) {
        let _write = self.residency_of(code).write_owned().await;
        if let Some(c) = &self.cluster {
            c.fence.release(code);
        }
        let Some((_, session)) = self.sessions.remove(code) else {
            self.forget_residency(code);
            return;
        };
        self.forget_residency(code);
        // Consoles watching it follow (their monitor task sees the change).
        *session.moved_to.lock().expect("moved to") = Some(address.clone().unwrap_or_default());
        session.changes.send_modify(|v| *v = v.wrapping_add(1));
        let players = session.player_ids.lock().expect("player ids").clone();
        let mut moved = 0;
        for id in &players {
            let Some(p) = self.players_by_id.get(id).map(|p| p.clone()) else { continue };
            if let Some(conn) = p.conn.lock().expect("conn").take() {
                if let Some(address) = &address {
                    conn.send_msg(&ServerMsg::Moved { address: address.clone() });
                }
                conn.close(CloseReason::Moved);
                moved += 1;
            }
            if let Some((_, p)) = self.players_by_id.remove(id) {
                self.players.remove(&p.token);
            }
        }
        // Dropping a match's handle closes its mailbox, which ends its task.
        for id in session.match_ids.lock().expect("match ids").iter() {
            self.matches.remove(id);
        }
        tracing::warn!(session = %code, players_moved = moved, to = ?address, "session dropped: owned by another node");
    }
}

/// Starts a node's tasks: the heartbeat (which also finds sessions lost to another node), the
/// scanner taking over sessions of dead nodes, and the handler of fenced appends.
pub fn spawn_node_tasks(app: &Arc<App>, cluster: Arc<Cluster>, heartbeat: Duration) {
    let c = cluster.clone();
    every(app, heartbeat, move |app| {
        let c = c.clone();
        async move {
            match c.heartbeat().await {
                Ok(lost) => {
                    for code in lost {
                        let address = c.owner_address(&code).await.ok().flatten();
                        app.drop_session(&code, address).await;
                    }
                }
                Err(e) => tracing::error!(error = %e, "heartbeat failed"),
            }
        }
    });
    let c = cluster.clone();
    every(app, heartbeat, move |app| {
        let c = c.clone();
        async move {
            let (orphans, live) = match (c.orphans().await, c.live_nodes().await) {
                (Ok(o), Ok(l)) => (o, l),
                (Err(e), _) | (_, Err(e)) => {
                    tracing::error!(error = %e, "could not scan for sessions of dead nodes");
                    return;
                }
            };
            // Waiting practice players of dead nodes: released (they take their rows back when they return).
            if let Err(e) = c.pool_release_dead().await {
                tracing::error!(error = %e, "could not release the practice pool rows of dead nodes");
            }
            for (code, since_heartbeat) in orphans {
                // The preferred survivor takes it at once; anyone does after another lease.
                let first = crate::store::preferred(&code, &live).is_none_or(|n| n == c.node_id());
                if !first && since_heartbeat.is_some_and(|ms| ms <= 2 * c.lease_ms) {
                    continue;
                }
                // Claims it (unless another node was quicker) and reads it back.
                if let Err(e) = app.resident(&code, None).await {
                    tracing::debug!(session = %code, error = %e, "not taken over here");
                }
            }
        }
    });
    let weak = Arc::downgrade(app);
    if let Some(mut fenced) = cluster.fenced_sessions() {
        tokio::spawn(async move {
            while let Some(code) = fenced.recv().await {
                let Some(app) = weak.upgrade() else { break };
                let address = cluster.owner_address(&code).await.ok().flatten();
                app.drop_session(&code, address).await;
            }
        });
    }
}

/// Runs `step` every `period` (a late tick waits, it does not pile up) for as long as the app lives:
/// the task holds only a weak reference, so a dropped app ends it.
fn every<F, Fut>(app: &Arc<App>, period: Duration, mut step: F)
where
    F: FnMut(Arc<App>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let weak = Arc::downgrade(app);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Some(app) = weak.upgrade() else { break };
            step(app).await;
        }
    });
}
