//! The practice pool across the nodes of a cluster: every player waiting for practice is a row of
//! `practice_waiting` (player, the node holding their connection, the scenario and drill they
//! asked for, when they arrived, and once paired, their match, the node that claimed them and,
//! once the match exists, that node's address). Each node has a practice session of its own; a
//! node pairs by claiming waiting rows with `SELECT … FOR UPDATE SKIP LOCKED` in one transaction
//! that also records each match's id and the claiming node on its rows and moves its players into
//! this node's practice session, so two nodes can never claim the same player: a row one node has
//! locked is skipped by the others, and a row claimed has a match and is never waiting again.
//!
//! A group always holds a player of the claiming node (the match runs where one of its players
//! is); its other players are told where their match lives by their own node, which finds their
//! rows paired ([`Cluster::pool_paired_here`]) — only once the claiming node has seated them and
//! written its address ([`Cluster::pool_ready`]). Sending them earlier let a player arrive before
//! their seat, start waiting again and be paired a second time (found by the 300-player test).
//! Rows of a node whose heartbeat is older than the lease (on the database's clock) are never
//! paired, and are released by the survivors ([`Cluster::pool_release_dead`]): a player coming
//! back on another node takes their row, and their place in the line, again; a group claimed by a
//! node that died before seating it waits again.

use super::super::{PlayerRow, StoreError};
use super::ownership::Cluster;

/// The table (schema step 3).
pub const SCHEMA: &str = "
CREATE TABLE practice_waiting (
  player_id TEXT PRIMARY KEY, session TEXT NOT NULL, node_id TEXT, scenario TEXT, drill TEXT,
  enqueued_at TIMESTAMPTZ NOT NULL DEFAULT now(), match_id TEXT, match_address TEXT);
CREATE INDEX practice_waiting_open ON practice_waiting (enqueued_at, player_id) WHERE match_id IS NULL;
CREATE INDEX practice_waiting_by_node ON practice_waiting (node_id);
";

/// Schema step 4: the node that claimed a row (its address is written only once the match exists).
pub const SCHEMA_CLAIMED_BY: &str = "ALTER TABLE practice_waiting ADD COLUMN claimed_by TEXT;";

/// Rows one claim looks at (and locks): the oldest waiting rows not locked by another claim.
const CLAIM_WINDOW: i64 = 64;

/// A waiting player as a claim reads them.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitingRow {
    /// The player (their `session` is where they waited).
    pub player: PlayerRow,
    /// The node holding their connection.
    pub node_id: String,
    /// The scenario they asked for, if any.
    pub scenario: Option<String>,
    /// The drill they practise (its wire name), if any.
    pub drill: Option<String>,
}

/// Players claimed for one match.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolGroup {
    /// The match's id, recorded on its players' rows.
    pub match_id: String,
    /// Its scenario.
    pub scenario: String,
    /// Its players, oldest arrival first.
    pub players: Vec<WaitingRow>,
}

/// Chooses the next group among waiting rows (oldest first): the oldest row of this node
/// (`local`) that can be paired, with the oldest who asked for the same scenario, then the oldest
/// who asked for none. The scenario is that player's wish, else the first wish among the others,
/// else `random()`; `roles` gives how many players a scenario needs. Returns the scenario and the
/// rows' positions.
pub fn pick_group(
    rows: &[WaitingRow],
    local: impl Fn(&WaitingRow) -> bool,
    roles: impl Fn(&str) -> Option<usize>,
    random: impl Fn() -> Option<String>,
) -> Option<(String, Vec<usize>)> {
    for (i, anchor) in rows.iter().enumerate().filter(|(_, r)| local(r)) {
        let wished = anchor.scenario.clone().or_else(|| rows.iter().find_map(|r| r.scenario.clone()));
        let Some(scenario) = wished.or_else(&random) else { continue };
        let Some(need) = roles(&scenario) else { continue };
        let fits = |r: &WaitingRow| r.scenario.as_deref().is_none_or(|s| s == scenario);
        // Those who asked for this scenario first (oldest first), then those who asked for none.
        let mut partners: Vec<usize> = (0..rows.len()).filter(|&j| j != i && fits(&rows[j])).collect();
        partners.sort_by_key(|&j| rows[j].scenario.is_none());
        let mut group = vec![i];
        group.extend(partners.into_iter().take(need.saturating_sub(1)));
        if group.len() == need && fits(anchor) {
            group.sort_unstable();
            return Some((scenario, group));
        }
    }
    None
}

impl Cluster {
    /// A player of this node waits for practice in `session`: their row, taking it back (and
    /// keeping their place and wishes) when they waited before on a node that died. A row that
    /// is paired already stays so (their match is waiting for them): false then.
    pub async fn pool_enqueue(
        &self,
        player_id: &str,
        session: &str,
        scenario: Option<&str>,
        drill: Option<&str>,
    ) -> Result<bool, StoreError> {
        let c = self.client().await?;
        let st = c
            .prepare_cached(
                "INSERT INTO practice_waiting (player_id, session, node_id, scenario, drill)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (player_id) DO UPDATE SET session = $2, node_id = $3,
                   scenario = COALESCE($4, practice_waiting.scenario), drill = COALESCE($5, practice_waiting.drill)
                 WHERE practice_waiting.match_id IS NULL",
            )
            .await?;
        Ok(c.execute(&st, &[&player_id, &session, &self.node_id(), &scenario, &drill]).await? == 1)
    }

    /// A player stops waiting (they left, their connection went away, they asked for a bot):
    /// false when their row was paired first (their match is starting) or is gone.
    pub async fn pool_leave(&self, player_id: &str) -> Result<bool, StoreError> {
        let c = self.client().await?;
        let st = c.prepare_cached("DELETE FROM practice_waiting WHERE player_id = $1 AND match_id IS NULL").await?;
        Ok(c.execute(&st, &[&player_id]).await? == 1)
    }

    /// Forgets rows once their players were seated or sent on.
    pub async fn pool_done(&self, player_ids: &[String]) -> Result<(), StoreError> {
        let c = self.client().await?;
        let st = c.prepare_cached("DELETE FROM practice_waiting WHERE player_id = ANY($1)").await?;
        c.execute(&st, &[&player_ids]).await?;
        Ok(())
    }

    /// Claims every group it can that holds a player of this node, in one transaction: the rows
    /// are locked `FOR UPDATE SKIP LOCKED` (a row another node is claiming is skipped, never
    /// waited for), each group's rows get its match id and this node as claimer, and its players
    /// move into `pool` (this node's practice session). `new_id` names each match. Their nodes
    /// send them here only after [`Cluster::pool_ready`].
    pub async fn pool_claim(
        &self,
        pool: &str,
        roles: impl Fn(&str) -> Option<usize>,
        random: impl Fn() -> Option<String>,
        new_id: impl Fn() -> String,
    ) -> Result<Vec<PoolGroup>, StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let st = tx
            .prepare_cached(
                "SELECT w.player_id, w.node_id, w.scenario, w.drill, p.token, p.session, p.name, p.joined_at, p.bot
                 FROM practice_waiting w JOIN players p ON p.id = w.player_id JOIN nodes n ON n.node_id = w.node_id
                 WHERE w.match_id IS NULL AND n.heartbeat_at >= now() - make_interval(secs => $1::float8 / 1000)
                 ORDER BY w.enqueued_at, w.player_id LIMIT $2
                 FOR UPDATE OF w SKIP LOCKED",
            )
            .await?;
        let mut rows: Vec<WaitingRow> = tx
            .query(&st, &[&(self.lease_ms as f64), &CLAIM_WINDOW])
            .await?
            .iter()
            .map(|r| WaitingRow {
                player: PlayerRow {
                    id: r.get(0),
                    token: r.get(4),
                    session: r.get(5),
                    name: r.get(6),
                    joined_at: r.get(7),
                    bot: r.get(8),
                },
                node_id: r.get(1),
                scenario: r.get(2),
                drill: r.get(3),
            })
            .collect();
        let me = self.node_id().to_string();
        let mut groups = Vec::new();
        while let Some((scenario, picked)) = pick_group(&rows, |r| r.node_id == me, &roles, &random) {
            // Taken out from the last position down, so each position still names its row.
            let mut players: Vec<WaitingRow> = picked.iter().rev().map(|&i| rows.remove(i)).collect();
            players.reverse();
            groups.push(PoolGroup { match_id: new_id(), scenario, players });
        }
        if groups.is_empty() {
            tx.commit().await?;
            return Ok(groups);
        }
        let (ids, matches): (Vec<String>, Vec<String>) =
            groups.iter().flat_map(|g| g.players.iter().map(|p| (p.player.id.clone(), g.match_id.clone()))).unzip();
        tx.execute(
            "UPDATE practice_waiting w SET match_id = v.m, claimed_by = $3, match_address = NULL
             FROM unnest($1::text[], $2::text[]) AS v(p, m) WHERE w.player_id = v.p",
            &[&ids, &matches, &self.node_id()],
        )
        .await?;
        tx.execute("UPDATE players SET session = $1 WHERE id = ANY($2) AND session <> $1", &[&pool, &ids]).await?;
        tx.commit().await?;
        for g in &mut groups {
            for p in &mut g.players {
                p.player.session = pool.to_string();
            }
        }
        Ok(groups)
    }

    /// The match of players this node claimed exists (they are seated in it): their nodes may
    /// send them here now.
    pub async fn pool_ready(&self, player_ids: &[String]) -> Result<(), StoreError> {
        let c = self.client().await?;
        let st = c
            .prepare_cached(
                "UPDATE practice_waiting SET match_address = $2 WHERE player_id = ANY($1) AND claimed_by = $3",
            )
            .await?;
        c.execute(&st, &[&player_ids, &self.address, &self.node_id()]).await?;
        Ok(())
    }

    /// Players this node claimed but could not seat (their match was not created): they wait
    /// again, in the session they waited in, keeping their place.
    pub async fn pool_unclaim(&self, player_ids: &[String]) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let mine = "player_id = ANY($1) AND claimed_by = $2 AND match_address IS NULL";
        tx.execute(
            &format!(
                "UPDATE players p SET session = w.session FROM practice_waiting w WHERE w.player_id = p.id AND {mine}"
            ),
            &[&player_ids, &self.node_id()],
        )
        .await?;
        tx.execute(
            &format!("UPDATE practice_waiting SET match_id = NULL, claimed_by = NULL WHERE {mine}"),
            &[&player_ids, &self.node_id()],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Players of this node whose rows another node's claim paired and seated, with the session
    /// they waited in and the address of the node running their match (this node's own claims
    /// seat its players itself).
    pub async fn pool_paired_here(&self) -> Result<Vec<(String, String, String)>, StoreError> {
        let c = self.client().await?;
        let st = c
            .prepare_cached(
                "SELECT player_id, session, match_address FROM practice_waiting
                 WHERE node_id = $1 AND match_address IS NOT NULL AND match_address <> $2",
            )
            .await?;
        let rows = c.query(&st, &[&self.node_id(), &self.address]).await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect())
    }

    /// Releases the rows of dead nodes (no heartbeat within the lease, on the database's clock):
    /// a group claimed by a dead node and never seated waits again (its players back in the
    /// sessions they waited in); a waiting row loses its node (never paired, until its player
    /// comes back on a live node and takes it again); a paired one goes (its player finds their
    /// match by their token). Waiting rows released over an hour ago go too. Returns how many
    /// rows were touched.
    pub async fn pool_release_dead(&self) -> Result<u64, StoreError> {
        let mut c = self.client().await?;
        let live = "SELECT node_id FROM nodes WHERE heartbeat_at >= now() - make_interval(secs => $1::float8 / 1000)";
        let lease = self.lease_ms as f64;
        let orphaned = format!("match_address IS NULL AND claimed_by IS NOT NULL AND claimed_by NOT IN ({live})");
        let tx = c.transaction().await?;
        tx.execute(
            &format!("UPDATE players p SET session = w.session FROM practice_waiting w WHERE w.player_id = p.id AND {orphaned}"),
            &[&lease],
        )
        .await?;
        let unclaimed = tx
            .execute(
                &format!("UPDATE practice_waiting SET match_id = NULL, claimed_by = NULL WHERE {orphaned}"),
                &[&lease],
            )
            .await?;
        tx.commit().await?;
        let released = c
            .execute(
                &format!(
                    "UPDATE practice_waiting SET node_id = NULL
                     WHERE match_id IS NULL AND node_id IS NOT NULL AND node_id NOT IN ({live})"
                ),
                &[&lease],
            )
            .await?;
        let gone = c
            .execute(
                &format!(
                    "DELETE FROM practice_waiting WHERE (match_id IS NOT NULL AND node_id NOT IN ({live}))
                       OR (node_id IS NULL AND enqueued_at < now() - interval '1 hour')"
                ),
                &[&lease],
            )
            .await?;
        Ok(unclaimed + released + gone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, node: &str, scenario: Option<&str>) -> WaitingRow {
        WaitingRow {
            player: PlayerRow {
                id: id.into(),
                token: format!("t-{id}"),
                session: "POOL".into(),
                name: id.into(),
                joined_at: 0,
                bot: false,
            },
            node_id: node.into(),
            scenario: scenario.map(String::from),
            drill: None,
        }
    }

    fn roles(s: &str) -> Option<usize> {
        match s {
            "campsite" | "food-truck" => Some(2),
            "coalition" => Some(3),
            _ => None,
        }
    }

    #[test]
    fn a_group_holds_a_player_of_this_node_and_the_oldest_that_fit() {
        let rows = vec![row("a", "n2", None), row("b", "n2", Some("food-truck")), row("c", "n1", None)];
        let local = |r: &WaitingRow| r.node_id == "n1";
        let random = || Some("campsite".to_string());
        // c (this node's) has no wish: the first wish waiting decides, and b is the oldest that fits.
        assert_eq!(pick_group(&rows, local, roles, random), Some(("food-truck".into(), vec![1, 2])));
        // Nobody of this node waits: nothing to claim, whoever else does.
        assert_eq!(pick_group(&rows[..2], local, roles, random), None);
        // Wishes that do not fit are never paired together.
        let apart = vec![row("a", "n1", Some("campsite")), row("b", "n2", Some("food-truck"))];
        assert_eq!(pick_group(&apart, |_| true, roles, random), None);
        // No wish anywhere: the random scenario; three roles need three players.
        let open = vec![row("a", "n1", None), row("b", "n2", None), row("c", "n3", None)];
        assert_eq!(pick_group(&open, local, roles, random), Some(("campsite".into(), vec![0, 1])));
        let three = || Some("coalition".to_string());
        assert_eq!(pick_group(&open, local, roles, three), Some(("coalition".into(), vec![0, 1, 2])));
        assert_eq!(pick_group(&open[..2], local, roles, three), None);
    }
}
