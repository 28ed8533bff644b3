//! Facilitator powers over a session: the token check, pairing controls, clock controls,
//! broadcasts, removals and the live monitor. Every control is stored in the session's log
//! before it takes effect.

use crate::core::game::Control;
use crate::runtime::app::App;
use crate::runtime::match_actor::{now_ms, ControlFailure, MatchHandle, MatchMsg, MatchSummary};
use crate::runtime::outbox::CloseReason;
use crate::runtime::session::{Location, Session};
use crate::wire::ServerMsg;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::oneshot;

/// Why a facilitator request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthError {
    /// No session has that code.
    UnknownSession,
    /// No token was given.
    MissingToken,
    /// The token is not this session's.
    WrongToken,
}

/// A facilitator control, as posted to `/api/sessions/{code}/control`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum SessionControl {
    /// Pair people as soon as enough wait, starting with everyone waiting now (first come, first served).
    StartPairing,
    /// Pair everyone waiting now, in random groups.
    PairNow,
    /// Pair these waiting players, in seat order.
    Pair {
        /// Player ids, one per role.
        players: Vec<String>,
    },
    /// Stop the clocks (of one match, or all).
    Pause {
        /// One match, or all when absent.
        #[serde(default)]
        match_id: Option<String>,
    },
    /// Restart the clocks.
    Resume {
        /// One match, or all when absent.
        #[serde(default)]
        match_id: Option<String>,
    },
    /// Lengthen the current phase.
    Extend {
        /// Seconds to add (1..=3600).
        seconds: u64,
        /// One match, or all when absent.
        #[serde(default)]
        match_id: Option<String>,
    },
    /// End the current phase now.
    EndPhase {
        /// One match, or all when absent.
        #[serde(default)]
        match_id: Option<String>,
    },
    /// Show a message to everyone in the session.
    Broadcast {
        /// The text (1..=500 characters).
        text: String,
    },
    /// Add a bot player to the session (for odd numbers).
    AddBot {
        /// Strategy; random when absent.
        #[serde(default)]
        strategy: Option<crate::bots::strategies::StrategyRef>,
    },
    /// Start a tournament with everyone in the session; plays round 1.
    TournamentStart {
        /// Scenario id per round.
        rounds: Vec<String>,
        /// Leaderboard weights (value 0.7, trust 0.3 when absent).
        #[serde(default)]
        weights: Option<crate::core::tournament::Weights>,
    },
    /// Start the tournament's next round (`force` starts it before the last round has finished).
    TournamentNextRound {
        /// Start even if matches of the previous round still run.
        #[serde(default)]
        force: bool,
    },
    /// Remove a participant (their match ends as abandoned; their token stops working).
    Remove {
        /// The player.
        player_id: String,
    },
    /// Hand the seat of a player who is offline to someone else: a waiting participant (by
    /// id), or `"bot"` for a new bot. The match goes on; the old player returns to the lobby.
    HandSeat {
        /// The player whose seat it is.
        player_id: String,
        /// A waiting player's id, or `"bot"`.
        to: String,
    },
}

impl App {
    /// Checks a facilitator token against a session.
    pub fn facilitator(&self, code: &str, token: Option<&str>) -> Result<Arc<Session>, AuthError> {
        let s = self.sessions.get(&code.to_ascii_uppercase()).map(|s| s.clone()).ok_or(AuthError::UnknownSession)?;
        match token {
            None | Some("") => Err(AuthError::MissingToken),
            Some(t) if constant_time_eq(t.as_bytes(), s.facilitator_token.as_bytes()) => Ok(s),
            Some(_) => Err(AuthError::WrongToken),
        }
    }

    /// The matches of a session, by id.
    pub fn session_matches(&self, code: &str) -> Vec<MatchHandle> {
        let Some(s) = self.sessions.get(code).map(|s| s.clone()) else { return Vec::new() };
        let ids = s.match_ids.lock().expect("match ids").clone();
        let mut v: Vec<MatchHandle> = ids.iter().filter_map(|id| self.matches.get(id).map(|m| m.clone())).collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    }

    /// Re-applies a stored facilitator action at start-up (pairing mode, removals).
    pub fn replay_session_event(&self, s: &Session, kind: &str) {
        match serde_json::from_str::<SessionControl>(kind) {
            Ok(SessionControl::StartPairing) => s.auto_pairing.store(true, Ordering::Relaxed),
            Ok(SessionControl::Remove { player_id }) => {
                s.removed.lock().expect("removed").insert(player_id);
            }
            Ok(SessionControl::TournamentStart { rounds, weights }) => {
                let mut t = s.tournament.lock().expect("tournament");
                t.config =
                    Some(crate::runtime::tournament::TournamentConfig { rounds, weights: weights.unwrap_or_default() });
                let mut roster: Vec<String> = s.player_ids.lock().expect("player ids").clone();
                roster.sort();
                t.roster = roster;
                s.auto_pairing.store(false, Ordering::Relaxed);
            }
            _ => {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(kind) {
                    if v["action"] == "tournament_round_started" {
                        let mut t = s.tournament.lock().expect("tournament");
                        if let Ok(plan) = serde_json::from_value(v["plan"].clone()) {
                            if let Ok(roster) = serde_json::from_value(v["roster"].clone()) {
                                t.roster = roster;
                            }
                            t.plans.push(plan);
                            t.matches.push(serde_json::from_value(v["matches"].clone()).unwrap_or_default());
                        }
                    }
                }
            }
        }
    }

    /// Carries out a control; returns how many players or matches it touched.
    pub async fn control(self: &Arc<Self>, s: &Arc<Session>, c: SessionControl) -> Result<usize, String> {
        match &c {
            SessionControl::Extend { seconds, .. } if !(1..=3600).contains(seconds) => {
                return Err("extend by 1 to 3600 seconds".into())
            }
            SessionControl::Broadcast { text } if text.trim().is_empty() || text.chars().count() > 500 => {
                return Err("a broadcast is 1 to 500 characters".into())
            }
            SessionControl::Pair { players } => self.check_hand_pairing(s, players)?,
            SessionControl::Remove { player_id }
                if self.players_by_id.get(player_id).is_none_or(|p| p.session != s.code) =>
            {
                return Err(format!("no player {player_id:?} in this session"));
            }
            SessionControl::HandSeat { player_id, to } => self.check_hand_seat(s, player_id, to)?,
            _ => {}
        }
        let kind = serde_json::to_string(&c).expect("control serialises");
        if let Err(e) = self.store.append_session_event(&s.code, now_ms(), kind).await {
            tracing::error!(session = %s.code, error = %e, "could not store a facilitator control");
            return Err("the server could not record this; nothing changed. Try again.".into());
        }
        tracing::info!(session = %s.code, control = ?c, "facilitator control");
        let touched = match c {
            SessionControl::StartPairing => {
                s.auto_pairing.store(true, Ordering::Relaxed);
                self.pair_waiting(s, false).await
            }
            SessionControl::PairNow => self.pair_waiting(s, true).await,
            SessionControl::Pair { players } => {
                self.pair_by_hand(s, players).await;
                1
            }
            SessionControl::Pause { match_id } => self.control_matches(s, match_id, Control::Pause).await?,
            SessionControl::Resume { match_id } => self.control_matches(s, match_id, Control::Resume).await?,
            SessionControl::Extend { seconds, match_id } => {
                self.control_matches(s, match_id, Control::Extend(seconds)).await?
            }
            SessionControl::EndPhase { match_id } => self.control_matches(s, match_id, Control::EndPhase).await?,
            SessionControl::Broadcast { text } => {
                let frame = axum::extract::ws::Utf8Bytes::from(ServerMsg::notice(text).encode());
                let ids = s.player_ids.lock().expect("player ids").clone();
                let mut n = 0;
                for p in ids.iter().filter_map(|id| self.players_by_id.get(id)) {
                    p.send_encoded(&frame);
                    n += 1;
                }
                n
            }
            SessionControl::Remove { player_id } => {
                self.remove_player(s, &player_id).await;
                1
            }
            SessionControl::TournamentStart { rounds, weights } => {
                let config =
                    crate::runtime::tournament::TournamentConfig { rounds, weights: weights.unwrap_or_default() };
                self.tournament_start(s, config).await?
            }
            SessionControl::TournamentNextRound { force } => self.tournament_next_round(s, force).await?,
            SessionControl::AddBot { strategy } => {
                self.add_bot(s, strategy).await?;
                1
            }
            SessionControl::HandSeat { player_id, to } => {
                let (match_id, seat) = self
                    .players_by_id
                    .get(&player_id)
                    .and_then(|p| p.seat())
                    .ok_or("that player no longer holds a seat")?;
                let taker = if to == "bot" {
                    self.new_bot(s).await.map_err(|e| e.message)?
                } else {
                    self.players_by_id.get(&to).map(|p| p.clone()).ok_or("no such player")?
                };
                self.hand_seat(s, &match_id, seat, &taker).await?;
                if taker.bot {
                    self.run_bot_client(&taker, None);
                }
                if let Some(p) = self.players_by_id.get(&player_id).map(|p| p.clone()) {
                    p.send(&ServerMsg::notice(format!(
                        "Your seat was handed to {} so the match could go on.",
                        taker.name
                    )));
                    if p.conn.lock().expect("conn").is_some() {
                        self.enqueue(&p);
                    }
                }
                1
            }
        };
        s.touch();
        Ok(touched)
    }

    /// A seat can be handed on when its player is offline and the taker is waiting (or a bot).
    fn check_hand_seat(&self, s: &Session, player_id: &str, to: &str) -> Result<(), String> {
        let p = self
            .players_by_id
            .get(player_id)
            .filter(|p| p.session == s.code)
            .map(|p| p.clone())
            .ok_or_else(|| format!("no player {player_id:?} in this session"))?;
        let (match_id, _) = p.seat().ok_or_else(|| format!("{} is not in a match", p.name))?;
        if !self.matches.contains_key(&match_id) {
            return Err("that match is not running".into());
        }
        if p.conn.lock().expect("conn").is_some() {
            return Err(format!("{} is online: a seat is handed on only when its player has gone", p.name));
        }
        if to != "bot" {
            let waiting = s.queue.lock().expect("queue").position(to).is_some();
            let taker = self.players_by_id.get(to).filter(|t| t.session == s.code).map(|t| t.name.clone());
            match taker {
                None => return Err(format!("no player {to:?} in this session")),
                Some(name) if !waiting => {
                    return Err(format!("{name} is not waiting: only a waiting participant can take a seat"))
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    async fn control_matches(&self, s: &Session, match_id: Option<String>, c: Control) -> Result<usize, String> {
        let mut n = 0;
        for m in self.session_matches(&s.code) {
            // A finished match refuses every control: asking would only wake it if dormant.
            if match_id.as_ref().is_some_and(|id| *id != m.id) || m.summary().phase == crate::core::game::Phase::Results
            {
                continue;
            }
            let (reply, rx) = oneshot::channel();
            if m.tx.send(MatchMsg::Control { control: c.clone(), reply }).await.is_ok() {
                match rx.await {
                    Ok(Ok(())) => n += 1,
                    Ok(Err(ControlFailure::NotStored)) => {
                        return Err("the server could not record this for every match; try again".into())
                    }
                    _ => {}
                }
            }
        }
        Ok(n)
    }

    /// Pairs everyone waiting (shuffled first when `random`); returns once the matches exist,
    /// with the number started.
    async fn pair_waiting(self: &Arc<Self>, s: &Arc<Session>, random: bool) -> usize {
        let mut groups = Vec::new();
        {
            let mut q = s.queue.lock().expect("queue");
            let lines: Vec<String> = q.waiting.keys().cloned().collect();
            for line in lines {
                let Some(n) = self.scenario(&line).map(|x| x.roles.len()) else { continue };
                let mut w: Vec<String> = q.waiting.remove(&line).unwrap_or_default().into();
                if random {
                    w.shuffle(&mut rand::rng());
                }
                let full = w.len() / n * n;
                let rest: Vec<String> = w.split_off(full);
                for g in w.chunks(n) {
                    self.mark_seating(g);
                    let k = q.matches_started;
                    q.matches_started += 1;
                    groups.push((line.clone(), g.to_vec(), k));
                }
                q.waiting.insert(line, rest.into());
            }
        }
        let started = groups.len();
        for (line, group, k) in groups {
            self.clone().start_match(s.clone(), &line, group, k).await;
        }
        let lines: Vec<String> = s.queue.lock().expect("queue").waiting.keys().cloned().collect();
        for l in lines {
            self.notify_waiting(s, &l);
        }
        started
    }

    fn check_hand_pairing(&self, s: &Session, players: &[String]) -> Result<(), String> {
        let q = s.queue.lock().expect("queue");
        let mut line = None;
        for p in players {
            let Some((l, _, _)) = q.position(p) else { return Err(format!("player {p:?} is not waiting")) };
            if line.get_or_insert(l.clone()) != &l {
                return Err("those players wait for different scenarios".into());
            }
        }
        let line = line.ok_or("name the players to pair")?;
        let n = self.scenario(&line).map(|x| x.roles.len()).unwrap_or(2);
        let mut uniq = players.to_vec();
        uniq.sort();
        uniq.dedup();
        if uniq.len() != n || players.len() != n {
            return Err(format!("this scenario needs exactly {n} different players"));
        }
        Ok(())
    }

    async fn pair_by_hand(self: &Arc<Self>, s: &Arc<Session>, players: Vec<String>) {
        let (line, k) = {
            let mut q = s.queue.lock().expect("queue");
            let line = q.position(&players[0]).map(|x| x.0).unwrap_or_default();
            for p in &players {
                q.remove(p);
            }
            self.mark_seating(&players);
            let k = q.matches_started;
            q.matches_started += 1;
            (line, k)
        };
        // start_match seats player (i + k) mod n of the group in seat i: pre-rotate so that
        // seat i gets players[i] as the facilitator chose.
        let n = players.len();
        let group: Vec<String> = (0..n).map(|j| players[(j + n - (k as usize % n)) % n].clone()).collect();
        self.notify_waiting(s, &line);
        self.clone().start_match(s.clone(), &line, group, k).await;
    }

    async fn remove_player(&self, s: &Session, player_id: &str) {
        s.removed.lock().expect("removed").insert(player_id.to_string());
        let Some(p) = self.players_by_id.get(player_id).map(|p| p.clone()) else { return };
        let line = s.queue.lock().expect("queue").position(player_id).map(|x| x.0);
        if let Some(line) = line {
            s.queue.lock().expect("queue").remove(player_id);
            self.notify_waiting(s, &line);
        }
        if let Some((mid, _)) = p.seat() {
            if let Some(m) = self.matches.get(&mid).map(|m| m.clone()) {
                let (reply, _rx) = oneshot::channel();
                let reason = format!("{} was removed by the facilitator.", p.name);
                let _ = m.tx.send(MatchMsg::Control { control: Control::Abandon(reason), reply }).await;
            }
        }
        if let Some(c) = p.conn.lock().expect("conn").take() {
            c.close(CloseReason::Removed);
        }
        *p.location.lock().expect("location") = Location::Lobby;
    }

    /// The live monitor of a session as of change `version`, built once however many watch it.
    pub async fn shared_monitor(&self, s: &Session, version: u64) -> Value {
        let mut cache = s.monitor_cache.lock().await;
        if let Some((built, v)) = cache.as_ref() {
            if *built == version {
                return v.clone();
            }
        }
        let v = self.monitor(s).await;
        *cache = Some((version, v.clone()));
        v
    }

    /// The live monitor of a session.
    pub async fn monitor(&self, s: &Session) -> Value {
        let summaries: Vec<MatchSummary> = self.session_matches(&s.code).iter().map(|m| m.summary()).collect();
        let removed = s.removed.lock().expect("removed").clone();
        let finished: std::collections::HashSet<String> =
            summaries.iter().filter(|m| m.phase == crate::core::game::Phase::Results).map(|m| m.id.clone()).collect();
        // Outcomes as on the player's wire: a deal's package as {issue: option}.
        let matches: Vec<Value> = summaries
            .iter()
            .map(|m| {
                let mut v = serde_json::to_value(m).unwrap_or(Value::Null);
                if let (Some(crate::core::game::Outcome::Deal { package }), Some(h)) =
                    (&m.outcome, self.matches.get(&m.id))
                {
                    v["outcome"]["package"] = crate::runtime::view::package_json(&h.scenario, package);
                }
                v
            })
            .collect();
        let (waiting_ids, per_line): (Vec<String>, Value) = {
            let q = s.queue.lock().expect("queue");
            (
                q.waiting.values().flatten().cloned().collect(),
                q.waiting.iter().map(|(k, v)| (k.clone(), json!(v.len()))).collect::<serde_json::Map<_, _>>().into(),
            )
        };
        let ids = s.player_ids.lock().expect("player ids").clone();
        let mut players: Vec<(i64, Value)> = ids
            .iter()
            .filter_map(|id| self.players_by_id.get(id))
            .map(|p| {
                let loc = p.location.lock().expect("location").clone();
                let (status, match_id) = if removed.contains(&p.id) {
                    ("removed", None)
                } else {
                    match loc {
                        Location::InMatch { match_id, .. } if finished.contains(&match_id) => {
                            ("finished", Some(match_id))
                        }
                        Location::InMatch { match_id, .. } => ("playing", Some(match_id)),
                        _ if waiting_ids.contains(&p.id) => ("waiting", None),
                        _ => ("lobby", None),
                    }
                };
                let online = p.conn.lock().expect("conn").is_some();
                (0, json!({"id": p.id, "name": p.name, "status": status, "online": online, "match_id": match_id, "bot": p.bot}))
            })
            .collect();
        players.sort_by(|a, b| a.1["name"].as_str().cmp(&b.1["name"].as_str()).then(a.0.cmp(&b.0)));
        json!({
            "type": "monitor",
            "server_time": now_ms(),
            "session": {
                "code": s.code, "kind": s.kind, "title": s.settings.title, "scenario": s.settings.scenario,
                "pairing": s.settings.pairing, "auto_pairing": s.auto_pairing.load(Ordering::Relaxed),
                "small_talk": s.settings.small_talk, "reveal": s.settings.reveal, "dropout": s.settings.dropout,
            },
            "players": players.into_iter().map(|p| p.1).collect::<Vec<_>>(),
            "waiting": waiting_ids.len(),
            "waiting_by_scenario": per_line,
            "matches": matches,
            "tournament": self.monitor_tournament(s, &finished).await,
        })
    }
}

impl App {
    /// The tournament part of the monitor. Standings change only when a tournament match reaches
    /// its results (or a round starts), so the view is rebuilt from the log only then.
    async fn monitor_tournament(&self, s: &Session, finished: &std::collections::HashSet<String>) -> Value {
        let key = {
            let t = s.tournament.lock().expect("tournament");
            if t.config.is_none() {
                return Value::Null;
            }
            (t.plans.len(), t.matches.iter().flatten().filter(|m| finished.contains(*m)).count())
        };
        if let Some((k, v)) = s.tournament_view.lock().expect("view").as_ref() {
            if *k == key {
                return v.clone();
            }
        }
        let v = self.tournament_view_of(s, Some(finished)).await;
        *s.tournament_view.lock().expect("view") = Some((key, v.clone()));
        v
    }
}

/// Compares secrets without an early exit on the first difference.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
