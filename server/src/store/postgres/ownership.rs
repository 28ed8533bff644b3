//! Sessions owned by one node at a time (`parley serve --postgres URL --node-address ADDR`).
//!
//! `nodes` holds every node's advertised address and heartbeat; `session_owners` holds, per
//! session, the node that owns it and an epoch. A node heartbeats every `--heartbeat-ms`; an
//! owner whose heartbeat is older than `--lease-ms` (measured by `now()` on the database, so no
//! node's clock matters) is dead, and another node takes its sessions over with epoch + 1.
//!
//! Fencing: every commit of the writer first reads, `FOR SHARE`, the owner rows of the sessions
//! it writes to and refuses the writes of a session this node no longer holds at the epoch it
//! took it with ([`Fence::check`]). A takeover updates that row, so it waits for a commit in
//! flight and every later commit of the old owner sees the new epoch: once a takeover committed,
//! the old owner can never append again, however long it was paused. No advisory lock is used:
//! a session-level lock outlives a dead node until TCP keepalive notices, a row and an epoch do
//! not.

use super::super::StoreError;
use deadpool_postgres::{Pool, Transaction};
use std::collections::HashMap;
use std::sync::Mutex;
use tokio::sync::mpsc;

/// The tables of ownership (schema step 2, with the epoch of every appended event).
pub const SCHEMA: &str = "
CREATE TABLE nodes (
  node_id TEXT PRIMARY KEY, address TEXT NOT NULL, heartbeat_at TIMESTAMPTZ NOT NULL,
  started_at TIMESTAMPTZ NOT NULL);
CREATE TABLE session_owners (
  session_id TEXT PRIMARY KEY, node_id TEXT NOT NULL, epoch BIGINT NOT NULL, since TIMESTAMPTZ NOT NULL);
CREATE INDEX session_owners_by_node ON session_owners (node_id);
CREATE INDEX matches_running ON matches (session) WHERE summary IS NULL;
ALTER TABLE events ADD COLUMN epoch BIGINT;
CREATE TABLE client_acks (
  match_id TEXT NOT NULL, seat INTEGER NOT NULL, cid BIGINT NOT NULL, PRIMARY KEY (match_id, seat, cid));
ALTER TABLE session_events ADD COLUMN epoch BIGINT;
";

/// The sessions a dead node leaves that must run on at once: those with a match running. (A
/// node's practice session with nobody playing is claimed only when one of its players comes back.)
const LIVE: &str = "(s.code IN (SELECT session FROM matches WHERE summary IS NULL))";

/// What this node holds, shared by its writer (which checks it on every commit) and its
/// runtime (which claims, takes over and drops sessions).
pub struct Fence {
    /// This node.
    pub node_id: String,
    /// Sessions this node owns, with the epoch it took each with.
    held: Mutex<HashMap<String, i64>>,
    /// Which session each match belongs to (filled as matches are written or looked up).
    match_sessions: Mutex<HashMap<String, String>>,
    /// Sessions found fenced, for the runtime to drop.
    fenced: mpsc::UnboundedSender<String>,
}

impl Fence {
    /// The epoch this node holds a session with.
    pub fn epoch(&self, session: &str) -> Option<i64> {
        self.held.lock().expect("held").get(session).copied()
    }

    fn hold(&self, session: &str, epoch: i64) {
        self.held.lock().expect("held").insert(session.to_string(), epoch);
    }

    /// Forgets a session (dropped, or found owned elsewhere).
    pub fn release(&self, session: &str) {
        self.held.lock().expect("held").remove(session);
    }

    /// Notes which session a match belongs to.
    pub fn note_match(&self, match_id: &str, session: &str) {
        self.match_sessions.lock().expect("match sessions").insert(match_id.to_string(), session.to_string());
    }

    /// The sessions of these matches, from memory or else the database.
    pub async fn sessions_of(
        &self,
        tx: &Transaction<'_>,
        match_ids: &[String],
    ) -> Result<HashMap<String, String>, StoreError> {
        let mut found = HashMap::new();
        let mut unknown = Vec::new();
        {
            let known = self.match_sessions.lock().expect("match sessions");
            for id in match_ids {
                match known.get(id) {
                    Some(s) => {
                        found.insert(id.clone(), s.clone());
                    }
                    None => unknown.push(id.clone()),
                }
            }
        }
        if !unknown.is_empty() {
            let st = tx.prepare_cached("SELECT id, session FROM matches WHERE id = ANY($1)").await?;
            for r in tx.query(&st, &[&unknown]).await? {
                let (id, session): (String, String) = (r.get(0), r.get(1));
                self.note_match(&id, &session);
                found.insert(id, session);
            }
        }
        Ok(found)
    }

    /// Inside a writer's transaction: of these sessions, the ones this node may no longer write
    /// to. It reads their owner rows `FOR SHARE`, so a takeover waits for this commit. Each
    /// fenced session is released and reported to the runtime once.
    pub async fn check(&self, tx: &Transaction<'_>, sessions: &[String]) -> Result<Vec<String>, StoreError> {
        if sessions.is_empty() {
            return Ok(Vec::new());
        }
        let st = tx
            .prepare_cached(
                "SELECT session_id, epoch FROM session_owners WHERE node_id = $1 AND session_id = ANY($2)
                 ORDER BY session_id FOR SHARE",
            )
            .await?;
        let owned: HashMap<String, i64> =
            tx.query(&st, &[&self.node_id, &sessions]).await?.iter().map(|r| (r.get(0), r.get(1))).collect();
        let mut fenced = Vec::new();
        for s in sessions {
            let held = self.epoch(s);
            if held.is_none() || held != owned.get(s).copied() {
                fenced.push(s.clone());
            }
        }
        for s in &fenced {
            if self.held.lock().expect("held").remove(s).is_some() {
                tracing::warn!(session = %s, "append refused: another node owns this session now (fenced)");
                let _ = self.fenced.send(s.clone());
            }
        }
        Ok(fenced)
    }

    /// Inside a writer's transaction: records a session this node just created as its own, at
    /// epoch 1 (held once the transaction commits: [`Fence::created`]).
    pub async fn own_new(&self, tx: &Transaction<'_>, session: &str) -> Result<(), StoreError> {
        let st =
            tx.prepare_cached("INSERT INTO session_owners VALUES ($1, $2, 1, now()) ON CONFLICT DO NOTHING").await?;
        tx.execute(&st, &[&session, &self.node_id]).await?;
        Ok(())
    }

    /// A session this node created was committed: it holds it at epoch 1.
    pub fn created(&self, session: &str) {
        self.hold(session, 1);
    }
}

/// The live node that takes a dead node's session over first (the others wait another lease),
/// so a dead node's sessions spread over the survivors instead of going to the quickest scanner.
/// A hash of the join code (FNV-1a) picks one of `live` (sorted ids); none when nobody is live.
pub fn preferred<'a>(code: &str, live: &'a [String]) -> Option<&'a str> {
    let hash = code.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    live.get((hash % live.len().max(1) as u64) as usize).map(String::as_str)
}

/// Where a session lives, as a node finds out when it needs it.
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// This node owns it now, with this epoch. `outage_ms`: it was taken over from a dead node
    /// whose last heartbeat was this long before the takeover (on the database's clock).
    Mine {
        /// The epoch this node holds.
        epoch: i64,
        /// How long the session had no live owner, when it was taken over.
        outage_ms: Option<i64>,
    },
    /// A live node owns it: its advertised address.
    Elsewhere {
        /// The owner's address.
        address: String,
    },
}

/// This node's view of the cluster: its identity, lease and the database calls of ownership.
pub struct Cluster {
    pub(super) pool: Pool,
    /// One connection for heartbeats only.
    beats: Pool,
    /// What this node holds (shared with the writer).
    pub fence: std::sync::Arc<Fence>,
    /// The address players are sent to for this node's sessions.
    pub address: String,
    /// An owner whose heartbeat is older than this is dead.
    pub lease_ms: i64,
    fenced: Mutex<Option<mpsc::UnboundedReceiver<String>>>,
    /// The addresses of the cluster's nodes (refreshed with every heartbeat): a console served by
    /// one of them may call this node's API (see `crate::peer_origins`).
    peers: Mutex<std::collections::HashSet<String>>,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster").field("node_id", &self.fence.node_id).field("address", &self.address).finish()
    }
}

impl Cluster {
    pub(super) fn new(pool: Pool, beats: Pool, node_id: String, address: String, lease_ms: i64) -> Cluster {
        let (tx, rx) = mpsc::unbounded_channel();
        let fence =
            Fence { node_id, held: Mutex::new(HashMap::new()), match_sessions: Mutex::new(HashMap::new()), fenced: tx };
        Cluster {
            pool,
            beats,
            fence: std::sync::Arc::new(fence),
            address,
            lease_ms,
            fenced: Mutex::new(Some(rx)),
            peers: Mutex::new(Default::default()),
        }
    }

    /// Whether a browser origin (`http://host:port`) is the address of a node of this cluster.
    pub fn is_peer(&self, origin: &str) -> bool {
        self.peers.lock().expect("peers").contains(origin.trim_end_matches('/'))
    }

    /// This node's id.
    pub fn node_id(&self) -> &str {
        &self.fence.node_id
    }

    /// The sessions the writer found fenced (taken once, by the runtime).
    pub fn fenced_sessions(&self) -> Option<mpsc::UnboundedReceiver<String>> {
        self.fenced.lock().expect("fenced").take()
    }

    pub(super) async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        super::connection(&self.pool).await
    }

    /// Puts this node in `nodes` with a fresh heartbeat.
    pub async fn register(&self) -> Result<(), StoreError> {
        let c = super::connection(&self.beats).await?;
        c.execute(
            "INSERT INTO nodes VALUES ($1, $2, now(), now())
             ON CONFLICT (node_id) DO UPDATE SET address = $2, heartbeat_at = now()",
            &[&self.fence.node_id, &self.address],
        )
        .await?;
        Ok(())
    }

    /// Renews this node's heartbeat and returns the sessions it held but owns no more (another
    /// node took them over while this one was paused or cut off): the runtime drops them.
    pub async fn heartbeat(&self) -> Result<Vec<String>, StoreError> {
        let before: HashMap<String, i64> = self.fence.held.lock().expect("held").clone();
        let c = super::connection(&self.beats).await?;
        c.execute("UPDATE nodes SET heartbeat_at = now() WHERE node_id = $1", &[&self.fence.node_id]).await?;
        let owned: HashMap<String, i64> = c
            .query("SELECT session_id, epoch FROM session_owners WHERE node_id = $1", &[&self.fence.node_id])
            .await?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let peers = c.query("SELECT DISTINCT address FROM nodes", &[]).await?;
        *self.peers.lock().expect("peers") =
            peers.iter().map(|r| r.get::<_, String>(0).trim_end_matches('/').to_string()).collect();
        let mut lost = Vec::new();
        let mut held = self.fence.held.lock().expect("held");
        for (s, epoch) in before {
            // Only what was held before the query and still is: a claim committed meanwhile is not lost.
            if owned.get(&s) != Some(&epoch) && held.get(&s) == Some(&epoch) {
                held.remove(&s);
                lost.push(s);
            }
        }
        Ok(lost)
    }

    /// Finds where a session lives, taking it when it has no live owner: none yet (a session
    /// stored before ownership), or an owner whose heartbeat is older than the lease.
    pub async fn claim(&self, session: &str) -> Result<Claim, StoreError> {
        let mut c = self.client().await?;
        for _ in 0..3 {
            let tx = c.transaction().await?;
            // A paused node's transaction must not hold the owner row for long.
            tx.batch_execute("SET LOCAL lock_timeout = '5s'").await?;
            // The owner row is locked first and its node read after, in a statement of its own:
            // a `FOR UPDATE` that waited for another node's takeover re-reads the locked row but
            // not the rows joined to it, so a join would pair the new owner with no heartbeat and
            // take the session from a live node.
            let owner_row = tx
                .query_opt("SELECT node_id, epoch FROM session_owners WHERE session_id = $1 FOR UPDATE", &[&session])
                .await?;
            let row = match owner_row {
                None => None,
                Some(o) => {
                    let (owner, epoch): (String, i64) = (o.get(0), o.get(1));
                    let node = tx
                        .query_opt(
                            "SELECT address, (EXTRACT(EPOCH FROM (now() - heartbeat_at)) * 1000)::BIGINT
                             FROM nodes WHERE node_id = $1",
                            &[&owner],
                        )
                        .await?;
                    let (address, age) = match node {
                        Some(n) => (Some(n.get::<_, String>(0)), n.get::<_, Option<i64>>(1)),
                        None => (None, None),
                    };
                    Some((owner, epoch, address, age))
                }
            };
            let claim = match row {
                None => {
                    let n = tx
                        .execute(
                            "INSERT INTO session_owners VALUES ($1, $2, 1, now()) ON CONFLICT DO NOTHING",
                            &[&session, &self.fence.node_id],
                        )
                        .await?;
                    if n == 0 {
                        continue; // another node claimed it at the same moment: look again
                    }
                    Claim::Mine { epoch: 1, outage_ms: None }
                }
                Some((owner, epoch, address, age)) => {
                    let alive = age.is_some_and(|a| a <= self.lease_ms);
                    // A live owner at this node's own address is this node before a restart: sending
                    // players back here would loop until its lease ran out, so it is taken now
                    // (fencing keeps that safe even if two nodes were given one address).
                    let earlier_self = address.as_deref() == Some(self.address.as_str());
                    if owner == self.fence.node_id {
                        Claim::Mine { epoch, outage_ms: None }
                    } else if let (true, false, Some(address)) = (alive, earlier_self, address) {
                        Claim::Elsewhere { address }
                    } else {
                        tx.execute(
                            "UPDATE session_owners SET node_id = $2, epoch = epoch + 1, since = now()
                             WHERE session_id = $1",
                            &[&session, &self.fence.node_id],
                        )
                        .await?;
                        Claim::Mine { epoch: epoch + 1, outage_ms: Some(age.unwrap_or(0).max(0)) }
                    }
                }
            };
            tx.commit().await?;
            if let Claim::Mine { epoch, outage_ms } = &claim {
                self.fence.hold(session, *epoch);
                if let Some(ms) = outage_ms {
                    tracing::warn!(session, epoch, outage_ms = ms, "took over a session from a dead node");
                }
            }
            return Ok(claim);
        }
        Err(StoreError::Write(format!("could not settle who owns session {session}")))
    }

    /// Live sessions (those with a match running) whose owner is dead, that
    /// have no owner yet, or whose owner had this node's address (this node before a restart): the candidates for [`Cluster::claim`], each with the time since its
    /// owner's last heartbeat (none: no owner, or an owner not in `nodes`).
    pub async fn orphans(&self) -> Result<Vec<(String, Option<i64>)>, StoreError> {
        let c = self.client().await?;
        let rows = c
            .query(
                &format!(
                    "SELECT s.code, (EXTRACT(EPOCH FROM (now() - n.heartbeat_at)) * 1000)::BIGINT FROM sessions s
                     LEFT JOIN session_owners o ON o.session_id = s.code
                     LEFT JOIN nodes n ON n.node_id = o.node_id
                     WHERE {LIVE} AND (o.session_id IS NULL OR (o.node_id <> $1 AND (n.address = $3 OR
                       n.heartbeat_at IS NULL OR n.heartbeat_at < now() - make_interval(secs => $2::float8 / 1000))))
                     ORDER BY s.created_at"
                ),
                &[&self.fence.node_id, &(self.lease_ms as f64), &self.address],
            )
            .await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    /// The ids of the nodes alive now (heartbeat within the lease), sorted.
    pub async fn live_nodes(&self) -> Result<Vec<String>, StoreError> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT node_id FROM nodes WHERE heartbeat_at >= now() - make_interval(secs => $1::float8 / 1000)
                 ORDER BY node_id",
                &[&(self.lease_ms as f64)],
            )
            .await?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    /// The address of the live node owning a session, if any.
    pub async fn owner_address(&self, session: &str) -> Result<Option<String>, StoreError> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                "SELECT n.address FROM session_owners o JOIN nodes n ON n.node_id = o.node_id
                 WHERE o.session_id = $1 AND n.heartbeat_at >= now() - make_interval(secs => $2::float8 / 1000)",
                &[&session, &(self.lease_ms as f64)],
            )
            .await?;
        Ok(row.map(|r| r.get(0)))
    }

    /// The join code of this node's own practice session (each node has one: players practising
    /// wait in it, and the table of waiting players pairs them across nodes, see
    /// [`super::pool`]). A node restarted at its address takes its earlier one back; otherwise
    /// `candidate` is stored, owned by this node.
    pub async fn practice_pool(&self, candidate: super::super::SessionRow) -> Result<String, StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let earlier = tx
            .query_opt(
                "SELECT s.code FROM sessions s JOIN session_owners o ON o.session_id = s.code
                 JOIN nodes n ON n.node_id = o.node_id
                 WHERE s.kind = 'practice' AND n.address = $1 ORDER BY s.created_at DESC, s.code LIMIT 1",
                &[&self.address],
            )
            .await?;
        if let Some(row) = earlier {
            // Claimed (epoch + 1) when it is first needed, like any session of this node before a restart.
            tx.commit().await?;
            return Ok(row.get(0));
        }
        let s = &candidate;
        tx.execute(
            "INSERT INTO sessions VALUES ($1, $2, $3, $4, $5)",
            &[&s.code, &s.kind, &s.settings, &s.facilitator_token, &s.created_at],
        )
        .await?;
        tx.execute("INSERT INTO session_owners VALUES ($1, $2, 1, now())", &[&s.code, &self.fence.node_id]).await?;
        tx.commit().await?;
        self.fence.hold(&s.code, 1);
        Ok(candidate.code)
    }
}

#[cfg(test)]
mod tests {
    use super::preferred;

    #[test]
    fn each_session_prefers_one_live_node_and_they_share_the_sessions() {
        let live: Vec<String> = ["node_a", "node_b", "node_c"].map(String::from).to_vec();
        let mut counts = [0usize; 3];
        for i in 0..3000 {
            let code = format!("C{i:05}");
            let p = preferred(&code, &live).unwrap();
            assert_eq!(preferred(&code, &live), Some(p), "the same answer every time");
            counts[live.iter().position(|n| n == p).unwrap()] += 1;
        }
        assert!(counts.iter().all(|&n| (800..=1200).contains(&n)), "uneven split: {counts:?}");
        assert_eq!(preferred("ABCDEF", &[]), None);
        assert_eq!(preferred("ABCDEF", &live[..1]), Some("node_a"));
    }
}
