//! Observers (the fishbowl) at the session level: the facilitator places participants on running
//! matches as observers, by hand (`observe`) or at random (`assign_observers`); an observer stops
//! with `stop_observing` and goes back to the waiting line. Where a player is stays the session
//! actor's to write (`Location::Observing`); what an observer is sent is the match actor's
//! (`match_actor::observers`).
//!
//! Every placement and every stop is written to the session's log before it takes effect (the
//! control itself, then one `observer_assigned` record per placement of a random assignment, and
//! `observer_left`), so a restarted server puts observers back where they were
//! ([`App::restore_observers`]).

use crate::core::game::Phase;
use crate::error::ErrorCode;
use crate::protocol::ProtocolError;
use crate::runtime::app::App;
use crate::runtime::match_actor::{now_ms, MatchMsg};
use crate::runtime::session::{Location, Player, Session};
use crate::runtime::session_actor::SessionActor;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

impl SessionActor {
    /// Checks that `player_id` may observe `match_id`: a person of this session, not removed, not
    /// playing a match that still runs; the match one of the session's and not finished.
    pub(crate) fn check_observe(&self, s: &Session, player_id: &str, match_id: &str) -> Result<(), String> {
        let app = &self.app;
        let p = app
            .players_by_id
            .get(player_id)
            .filter(|p| p.session == s.code)
            .map(|p| p.clone())
            .ok_or_else(|| format!("no player {player_id:?} in this session"))?;
        if p.bot {
            return Err(format!("{} is a bot: only people observe", p.name));
        }
        if self.removed.contains(player_id) {
            return Err(format!("{} was removed from this session", p.name));
        }
        let m = app
            .matches
            .get(match_id)
            .filter(|m| m.session == s.code)
            .map(|m| m.clone())
            .ok_or_else(|| format!("no match {match_id:?} in this session"))?;
        if m.summary().phase == Phase::Results {
            return Err("that match has finished: observe a match that is still running".into());
        }
        if let Some((playing, _)) = p.seat() {
            let running = app.matches.get(&playing).is_some_and(|h| h.summary().phase != Phase::Results);
            if running {
                return Err(format!("{} is playing a match that is still running", p.name));
            }
        }
        Ok(())
    }

    /// Places a checked player on a match as an observer: out of any waiting line, out of the
    /// match they watched or finished before, then attached to the new match if connected.
    pub(crate) async fn place_observer(&mut self, s: &Session, player: &Arc<Player>, match_id: &str) {
        let app = self.app.clone();
        let line = self.lines.position(&player.id).map(|x| x.0);
        self.lines.remove(&player.id);
        let before = std::mem::replace(
            &mut *player.location.lock().expect("location"),
            Location::Observing { match_id: match_id.to_string() },
        );
        let conn = player.conn.lock().expect("conn").clone();
        match before {
            Location::Observing { match_id: old } if old != match_id => {
                app.release_observer(&player.id, &old).await;
            }
            // A finished match's player moves on to watch another one.
            Location::InMatch { match_id: old, seat, member } => {
                if let (Some(c), Some(tx)) = (conn.as_ref(), app.matches.get(&old).map(|m| m.tx.clone())) {
                    let _ = tx.send(MatchMsg::Detach { seat, member, conn: c.id }).await;
                }
            }
            _ => {}
        }
        if let Some(line) = line {
            self.notify_waiting(s, &line);
        }
        if let (Some(outbox), Some(tx)) = (conn, app.matches.get(match_id).map(|m| m.tx.clone())) {
            let msg = MatchMsg::Observe { player: player.id.clone(), name: player.name.clone(), outbox };
            let _ = tx.send(msg).await;
        }
    }

    /// `observe`: one participant, by hand (checked and stored by `on_control`).
    pub(crate) async fn observe(&mut self, s: &Session, player_id: &str, match_id: &str) -> Result<usize, String> {
        let p = self.app.players_by_id.get(player_id).map(|p| p.clone()).ok_or("no such player")?;
        self.place_observer(s, &p, match_id).await;
        Ok(1)
    }

    /// `assign_observers`: every person waiting now, spread at random over the session's running
    /// matches, each placed on a match with the fewest observers so far; with `per_match`, no
    /// match gets more than that many in all (the rest keep waiting). Returns how many were placed.
    pub(crate) async fn assign_observers(&mut self, s: &Session, per_match: Option<usize>) -> Result<usize, String> {
        let app = self.app.clone();
        let running: Vec<String> = app
            .session_matches(&s.code)
            .into_iter()
            .filter(|m| m.summary().phase != Phase::Results)
            .map(|m| m.id)
            .collect();
        if running.is_empty() {
            return Err("no match is running: start some matches first".into());
        }
        let mut waiting: Vec<Arc<Player>> = self
            .lines
            .waiting
            .values()
            .flatten()
            .filter_map(|id| app.players_by_id.get(id).map(|p| p.clone()))
            .filter(|p| !p.bot)
            .collect();
        rand::seq::SliceRandom::shuffle(waiting.as_mut_slice(), &mut rand::rng());
        // Observers each match has already, so a second assignment tops up the emptiest first.
        let mut load: BTreeMap<String, usize> = running.iter().map(|m| (m.clone(), 0)).collect();
        for id in s.player_ids.lock().expect("player ids").iter() {
            if let Some(m) = app.players_by_id.get(id).and_then(|p| p.observing()) {
                if let Some(n) = load.get_mut(&m) {
                    *n += 1;
                }
            }
        }
        let mut order = running;
        rand::seq::SliceRandom::shuffle(order.as_mut_slice(), &mut rand::rng());
        let mut placed = 0;
        for p in waiting {
            // The emptiest match; ties go to the shuffled order.
            let Some(m) = order.iter().min_by_key(|m| load[*m]).cloned() else { break };
            if per_match.is_some_and(|cap| load[&m] >= cap) {
                break;
            }
            let record = json!({"action": "observer_assigned", "player_id": p.id, "match_id": m});
            if let Err(e) = app.store.append_session_event(&s.code, now_ms(), record.to_string()).await {
                tracing::error!(session = %s.code, error = %e, "could not store an observer assignment");
                return Err(format!("the server could not record every assignment; {placed} placed. Try again."));
            }
            self.place_observer(s, &p, &m).await;
            *load.get_mut(&m).expect("a running match") += 1;
            placed += 1;
        }
        Ok(placed)
    }

    /// `stop_observing`: the observer leaves the match they watch and waits to be paired.
    pub(crate) async fn on_stop_observing(
        &mut self,
        s: &Arc<Session>,
        player: &Arc<Player>,
    ) -> Result<(), ProtocolError> {
        let Some(match_id) = player.observing() else {
            return Err(ProtocolError::new(ErrorCode::NotObserving, "you are not observing a match"));
        };
        let record = json!({"action": "observer_left", "player_id": player.id, "match_id": match_id});
        if let Err(e) = self.app.store.append_session_event(&s.code, now_ms(), record.to_string()).await {
            tracing::error!(session = %s.code, error = %e, "could not store an observer leaving");
            return Err(ProtocolError::internal());
        }
        self.app.release_observer(&player.id, &match_id).await;
        *player.location.lock().expect("location") = Location::Lobby;
        self.on_enqueue(s, player);
        Ok(())
    }
}

impl App {
    /// Tells a match that a participant no longer observes it.
    pub(crate) async fn release_observer(&self, player_id: &str, match_id: &str) {
        if let Some(tx) = self.matches.get(match_id).map(|m| m.tx.clone()) {
            let _ = tx.send(MatchMsg::Unobserve { player: player_id.to_string(), conn: None }).await;
        }
    }

    /// The same, from code that cannot wait (a player taken out of observing to be seated).
    pub(crate) fn release_observer_now(&self, player_id: &str, match_id: &str) {
        if let Some(tx) = self.matches.get(match_id).map(|m| m.tx.clone()) {
            let _ = tx.try_send(MatchMsg::Unobserve { player: player_id.to_string(), conn: None });
        }
    }

    /// Puts a restored session's observers back (after its matches are restored): a player's last
    /// placement counts unless they left it or took a seat in a match created after it.
    /// `created`: when each of the session's matches was created.
    pub(crate) fn restore_observers(&self, events: &[(i64, String)], created: &HashMap<String, i64>) {
        let mut placed: HashMap<String, Option<(String, i64)>> = HashMap::new();
        for (at, kind) in events {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(kind) else { continue };
            let (Some(player), Some(m)) = (v["player_id"].as_str(), v["match_id"].as_str()) else { continue };
            match v["action"].as_str() {
                Some("observe" | "observer_assigned") => {
                    placed.insert(player.to_string(), Some((m.to_string(), *at)));
                }
                Some("observer_left") => {
                    placed.insert(player.to_string(), None);
                }
                _ => {}
            }
        }
        for (player, place) in placed {
            let (Some((match_id, at)), Some(p)) = (place, self.players_by_id.get(&player)) else { continue };
            let mut loc = p.location.lock().expect("location");
            let seated_later = match &*loc {
                Location::InMatch { match_id: m, .. } => created.get(m).is_some_and(|c| *c > at),
                _ => false,
            };
            if !seated_later && self.matches.contains_key(&match_id) {
                *loc = Location::Observing { match_id };
            }
        }
    }
}

/// Observers per match, by name, from where the players are (for the monitor).
pub(crate) fn observers_by_match(app: &App, s: &Session) -> HashMap<String, Vec<String>> {
    let mut by_match: HashMap<String, Vec<String>> = HashMap::new();
    for id in s.player_ids.lock().expect("player ids").iter() {
        if let Some(p) = app.players_by_id.get(id) {
            if let Some(m) = p.observing() {
                by_match.entry(m).or_default().push(p.name.clone());
            }
        }
    }
    for names in by_match.values_mut() {
        names.sort();
    }
    by_match
}
