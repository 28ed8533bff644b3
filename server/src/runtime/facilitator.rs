//! Facilitator powers over a session: the token check, pairing controls, clock controls,
//! broadcasts, removals and the live monitor. Every control is stored in the session's log
//! before it takes effect.

use crate::core::game::{AbandonedWhy, Control};
use crate::monitor::{MonitorMatch, MonitorPlayer, MonitorSession, MonitorView, PlayerStatus, TournamentView};
use crate::runtime::app::App;
use crate::runtime::match_actor::{now_ms, ControlFailure, MatchHandle, MatchMsg, MatchSummary};
use crate::runtime::outbox::CloseReason;
use crate::runtime::session::{Location, Player, Session};
use crate::runtime::session_actor::{teams_for, SessionActor};
use crate::wire::ServerMsg;
use crate::wording::{params, NoticeKey};
use axum::extract::ws::Utf8Bytes;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
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

/// In the `pair` control's `teams`, the side a new bot plays.
const BOT_SIDE: &str = "bot";

/// Why a facilitator control was refused: a stable code and a plain sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlError {
    /// The code (`bad_request` unless a control has its own).
    pub code: crate::error::ErrorCode,
    /// The sentence.
    pub message: String,
}

impl ControlError {
    /// A refusal with its own code.
    pub fn new(code: crate::error::ErrorCode, message: impl Into<String>) -> Self {
        ControlError { code, message: message.into() }
    }
}

impl From<String> for ControlError {
    fn from(message: String) -> Self {
        ControlError::new(crate::error::ErrorCode::BadRequest, message)
    }
}

impl From<&str> for ControlError {
    fn from(message: &str) -> Self {
        ControlError::new(crate::error::ErrorCode::BadRequest, message)
    }
}

/// A facilitator control, as posted to `/api/sessions/{code}/control`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum SessionControl {
    /// Pair people as soon as enough wait, starting with everyone waiting now (first come, first served).
    StartPairing,
    /// Pair everyone waiting now, in random groups.
    PairNow,
    /// Pair these waiting players, in seat order: one per role (`players`), or a team of 1–4 per
    /// role (`teams`).
    Pair {
        /// Player ids, one per role.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        players: Vec<String>,
        /// Player ids by role then member (the first member speaks for the team to begin with);
        /// a side of `["bot"]` is played by a new bot (a team with no other team to meet).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        teams: Vec<Vec<String>>,
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
    /// Make a participant an observer of a running match (`runtime::observers`).
    Observe {
        /// The participant (waiting, in the lobby, observing another match, or done with theirs).
        player_id: String,
        /// The match to watch.
        match_id: String,
    },
    /// Spread everyone waiting over the running matches as observers, at random, emptiest match
    /// first.
    AssignObservers {
        /// At most this many observers per match (the others keep waiting); no cap when absent.
        #[serde(default)]
        per_match: Option<usize>,
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
}

impl SessionActor {
    /// Re-applies a stored facilitator action when the session is loaded (pairing mode,
    /// removals, the tournament's rounds).
    pub(crate) fn replay(&mut self, s: &Session, kind: &str) {
        match serde_json::from_str::<SessionControl>(kind) {
            Ok(SessionControl::StartPairing) => self.auto_pairing = true,
            Ok(SessionControl::Remove { player_id }) => {
                self.removed.insert(player_id);
            }
            Ok(SessionControl::TournamentStart { rounds, weights }) => {
                let t = &mut self.tournament;
                t.config =
                    Some(crate::runtime::tournament::TournamentConfig { rounds, weights: weights.unwrap_or_default() });
                let mut roster: Vec<String> = s.player_ids.lock().expect("player ids").clone();
                roster.sort();
                t.roster = roster;
                self.auto_pairing = false;
            }
            _ => {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(kind) {
                    if v["action"] == "tournament_round_started" {
                        let t = &mut self.tournament;
                        if let Ok(plan) = serde_json::from_value(v["plan"].clone()) {
                            if let Ok(roster) = serde_json::from_value(v["roster"].clone()) {
                                t.roster = roster;
                            }
                            if let Ok(teams) = serde_json::from_value(v["teams"].clone()) {
                                t.teams = teams;
                            }
                            t.plans.push(plan);
                            t.matches.push(serde_json::from_value(v["matches"].clone()).unwrap_or_default());
                        }
                    }
                }
            }
        }
    }

    /// A facilitator control: checked, stored in the session's log, then carried out; returns
    /// how many players or matches it touched.
    pub(crate) async fn on_control(&mut self, s: &Arc<Session>, c: SessionControl) -> Result<usize, ControlError> {
        let app = self.app.clone();
        match &c {
            SessionControl::Extend { seconds, .. } if !(1..=3600).contains(seconds) => {
                return Err("extend by 1 to 3600 seconds".into())
            }
            SessionControl::Broadcast { text } if text.trim().is_empty() || text.chars().count() > 500 => {
                return Err("a broadcast is 1 to 500 characters".into())
            }
            SessionControl::Pair { players, teams } => {
                self.check_hand_pairing(players, teams)?;
            }
            SessionControl::Remove { player_id }
                if app.players_by_id.get(player_id).is_none_or(|p| p.session != s.code) =>
            {
                return Err(format!("no player {player_id:?} in this session").into());
            }
            SessionControl::HandSeat { player_id, to } => self.check_hand_seat(s, player_id, to)?,
            SessionControl::Observe { player_id, match_id } => self.check_observe(s, player_id, match_id)?,
            SessionControl::AssignObservers { per_match: Some(0) } => {
                return Err("per_match is at least 1 (leave it out for no cap)".into())
            }
            _ => {}
        }
        let kind = serde_json::to_string(&c).expect("control serialises");
        if let Err(e) = app.store.append_session_event(&s.code, now_ms(), kind).await {
            tracing::error!(session = %s.code, error = %e, "could not store a facilitator control");
            return Err("the server could not record this; nothing changed. Try again.".into());
        }
        tracing::info!(session = %s.code, control = ?c, "facilitator control");
        let touched = match c {
            SessionControl::StartPairing => {
                self.auto_pairing = true;
                self.pair_waiting(s, false).await
            }
            SessionControl::PairNow => self.pair_waiting(s, true).await,
            SessionControl::Pair { players, teams } => {
                let mut teams = if teams.is_empty() { players.into_iter().map(|p| vec![p]).collect() } else { teams };
                // A side the facilitator gave to a bot: a new bot holds it alone.
                let mut bots = Vec::new();
                for side in teams.iter_mut().filter(|side| side.as_slice() == [BOT_SIDE]) {
                    let bot = app.new_bot(s).await.map_err(|e| e.message)?;
                    side[0] = bot.id.clone();
                    bots.push(bot);
                }
                self.pair_by_hand(s, teams).await;
                for bot in bots {
                    app.run_bot_client(&bot, None);
                }
                1
            }
            SessionControl::Pause { match_id } => control_matches(&app, s, match_id, Control::Pause).await?,
            SessionControl::Resume { match_id } => control_matches(&app, s, match_id, Control::Resume).await?,
            SessionControl::Extend { seconds, match_id } => {
                control_matches(&app, s, match_id, Control::Extend(seconds)).await?
            }
            SessionControl::EndPhase { match_id } => control_matches(&app, s, match_id, Control::EndPhase).await?,
            SessionControl::Broadcast { text } => {
                let frame = axum::extract::ws::Utf8Bytes::from(ServerMsg::notice(text).encode());
                let ids = s.player_ids.lock().expect("player ids").clone();
                let mut n = 0;
                for p in ids.iter().filter_map(|id| app.players_by_id.get(id)) {
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
                let (match_id, seat) = app
                    .players_by_id
                    .get(&player_id)
                    .and_then(|p| p.seat())
                    .ok_or("that player no longer holds a seat")?;
                let taker = if to == "bot" {
                    app.new_bot(s).await.map_err(|e| e.message)?
                } else {
                    app.players_by_id.get(&to).map(|p| p.clone()).ok_or("no such player")?
                };
                self.hand_seat(s, &match_id, seat, &taker).await?;
                if taker.bot {
                    app.run_bot_client(&taker, None);
                }
                if let Some(p) = app.players_by_id.get(&player_id).map(|p| p.clone()) {
                    p.send(&ServerMsg::worded_notice(
                        NoticeKey::SeatHanded,
                        params([("name", taker.name.clone().into())]),
                        format!("Your seat was handed to {} so the match could go on.", taker.name),
                    ));
                    if p.conn.lock().expect("conn").is_some() {
                        self.on_enqueue(s, &p);
                    }
                }
                1
            }
            SessionControl::Observe { player_id, match_id } => self.observe(s, &player_id, &match_id).await?,
            SessionControl::AssignObservers { per_match } => self.assign_observers(s, per_match).await?,
        };
        s.touch();
        Ok(touched)
    }

    /// A seat can be handed on when its player is offline and the taker is waiting (or a bot).
    fn check_hand_seat(&self, s: &Session, player_id: &str, to: &str) -> Result<(), String> {
        let app = &self.app;
        let p = app
            .players_by_id
            .get(player_id)
            .filter(|p| p.session == s.code)
            .map(|p| p.clone())
            .ok_or_else(|| format!("no player {player_id:?} in this session"))?;
        let (match_id, seat) = p.seat().ok_or_else(|| format!("{} is not in a match", p.name))?;
        let Some(team) = app.matches.get(&match_id).map(|m| m.members.get(seat).cloned().unwrap_or_default()) else {
            return Err("that match is not running".into());
        };
        if p.conn.lock().expect("conn").is_some() {
            return Err(format!("{} is online: a seat is handed on only when its player has gone", p.name));
        }
        // A team's seat goes to its new holder alone: only when every member has gone.
        for mate in team.iter().filter_map(|id| app.players_by_id.get(id).map(|m| m.clone())) {
            if mate.conn.lock().expect("conn").is_some() {
                return Err(format!("{} is online: their team still plays this seat", mate.name));
            }
        }
        if to != "bot" {
            let waiting = self.lines.position(to).is_some();
            let taker = app.players_by_id.get(to).filter(|t| t.session == s.code).map(|t| t.name.clone());
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

    /// Pairs everyone waiting (shuffled first when `random`); returns once the matches exist,
    /// with the number started.
    async fn pair_waiting(&mut self, s: &Arc<Session>, random: bool) -> usize {
        let lines: Vec<String> = self.lines.waiting.keys().cloned().collect();
        let mut groups = Vec::new();
        for line in lines {
            let taken = self.take_groups(s, &line, random, true);
            groups.extend(taken.into_iter().map(|(g, sizes, k)| (line.clone(), g, sizes, k)));
        }
        let mut started = 0;
        for (line, group, sizes, k) in groups {
            if self.start_group(s, &line, &group, &sizes, k).await {
                started += 1;
            }
        }
        let lines: Vec<String> = self.lines.waiting.keys().cloned().collect();
        for l in lines {
            self.notify_waiting(s, &l);
        }
        started
    }

    /// Creates the match of a group taken from a line and waits for it; on failure its players
    /// are back in line.
    async fn start_group(&mut self, s: &Arc<Session>, line: &str, group: &[String], sizes: &[usize], k: u64) -> bool {
        let teams = teams_for(group, sizes, k);
        if self.app.create_team_match(s, line, teams, Some(k)).await.is_some() {
            return true;
        }
        let players: Vec<Arc<Player>> =
            group.iter().filter_map(|id| self.app.players_by_id.get(id).map(|p| p.clone())).collect();
        for p in players {
            self.on_enqueue(s, &p);
        }
        false
    }

    /// A hand pairing fits when it names one side per role (`players`: one person each; `teams`:
    /// 1 to [`crate::core::team::MAX_TEAM`] each), every person once, all waiting for the same
    /// scenario.
    fn check_hand_pairing(&self, players: &[String], teams: &[Vec<String>]) -> Result<(), ControlError> {
        use crate::error::ErrorCode::{BadPairing, NotWaiting};
        let bad = |m: String| ControlError::new(BadPairing, m);
        if players.is_empty() == teams.is_empty() {
            return Err(
                bad("name the players to pair: `players` (one per role) or `teams` (one list per role)".into()),
            );
        }
        let sides: Vec<&[String]> =
            if teams.is_empty() { players.chunks(1).collect() } else { teams.iter().map(Vec::as_slice).collect() };
        if sides.iter().any(|side| side.len() > 1 && side.iter().any(|p| p == BOT_SIDE)) {
            return Err(bad("a bot plays a side alone: name it as [\"bot\"]".into()));
        }
        if !teams.is_empty() && sides.iter().all(|side| *side == [BOT_SIDE]) {
            return Err(bad("name at least one side of people".into()));
        }
        let everyone: Vec<&String> = sides.iter().flat_map(|s| s.iter()).filter(|p| *p != BOT_SIDE).collect();
        let mut line = None;
        for p in &everyone {
            let Some((l, _, _)) = self.lines.position(p) else {
                let name = self.app.players_by_id.get(*p).map(|x| x.name.clone()).unwrap_or_else(|| format!("{p:?}"));
                return Err(ControlError::new(NotWaiting, format!("{name} is not waiting to be paired")));
            };
            if line.get_or_insert(l.clone()) != &l {
                return Err(bad("those players wait for different scenarios".into()));
            }
        }
        let line = line.ok_or_else(|| bad("name the players to pair".into()))?;
        let n = self.app.scenario(&line).map(|x| x.roles.len()).unwrap_or(2);
        let mut uniq = everyone.clone();
        uniq.sort();
        uniq.dedup();
        if uniq.len() != everyone.len() {
            return Err(bad("each person can be named once".into()));
        }
        if teams.is_empty() && (players.len() != n || players.iter().any(|p| p == BOT_SIDE)) {
            return Err(bad(format!("this scenario needs exactly {n} different players")));
        }
        let max = crate::core::team::MAX_TEAM;
        if !teams.is_empty() && (sides.len() != n || sides.iter().any(|s| s.is_empty() || s.len() > max)) {
            return Err(bad(format!("this scenario needs {n} sides of 1 to {max} people each")));
        }
        Ok(())
    }

    /// Starts the match the facilitator put together: `teams[i]` holds seat i.
    async fn pair_by_hand(&mut self, s: &Arc<Session>, teams: Vec<Vec<String>>) {
        let line = teams.iter().flatten().find_map(|p| self.lines.position(p)).map(|x| x.0).unwrap_or_default();
        let everyone: Vec<String> = teams.iter().flatten().cloned().collect();
        self.seat_group(&everyone);
        let k = self.lines.matches_started;
        self.lines.matches_started += 1;
        // teams_for seats team (i + k) mod n of the group in seat i: pre-rotate so that seat i
        // gets teams[i] as the facilitator chose.
        let n = teams.len();
        let order: Vec<&Vec<String>> = (0..n).map(|j| &teams[(j + n - (k as usize % n)) % n]).collect();
        let group: Vec<String> = order.iter().flat_map(|t| t.iter().cloned()).collect();
        let sizes: Vec<usize> = order.iter().map(|t| t.len()).collect();
        self.notify_waiting(s, &line);
        self.start_group(s, &line, &group, &sizes, k).await;
    }

    async fn remove_player(&mut self, s: &Session, player_id: &str) {
        self.removed.insert(player_id.to_string());
        self.publish(s);
        let Some(p) = self.app.players_by_id.get(player_id).map(|p| p.clone()) else { return };
        if let Some((line, _, _)) = self.lines.position(player_id) {
            self.lines.remove(player_id);
            self.notify_waiting(s, &line);
        }
        if let Some((mid, seat, member)) = p.place() {
            if let Some(m) = self.app.matches.get(&mid).map(|m| m.clone()) {
                // A team plays on without them; the last member of a seat ends the match as before.
                let (reply, rx) = oneshot::channel();
                let reason = format!("{} was removed by the facilitator.", p.name);
                let why = Some(AbandonedWhy::Removed { name: p.name.clone() });
                if m.tx.send(MatchMsg::RemoveMember { seat, member, reason, why, reply }).await.is_ok() {
                    let _ = rx.await;
                }
            }
        }
        if let Some(mid) = p.observing() {
            self.app.release_observer(&p.id, &mid).await;
        }
        if let Some(c) = p.conn.lock().expect("conn").take() {
            c.close(CloseReason::Removed);
        }
        *p.location.lock().expect("location") = Location::Lobby;
    }

    /// The live monitor frame as of change `version`, built and encoded once however many watch.
    pub(crate) async fn monitor_frame(&mut self, s: &Session, version: u64) -> Utf8Bytes {
        if let Some((built, frame)) = self.monitor.as_ref() {
            if *built == version {
                return frame.clone();
            }
        }
        let view = self.build_monitor(s).await;
        let frame = Utf8Bytes::from(ServerMsg::Monitor(Box::new(view)).encode());
        self.monitor = Some((version, frame.clone()));
        frame
    }

    async fn build_monitor(&mut self, s: &Session) -> MonitorView {
        let app = self.app.clone();
        let summaries: Vec<MatchSummary> = app.session_matches(&s.code).iter().map(|m| m.summary()).collect();
        let finished: HashSet<String> =
            summaries.iter().filter(|m| m.phase == crate::core::game::Phase::Results).map(|m| m.id.clone()).collect();
        let observers = crate::runtime::observers::observers_by_match(&app, s);
        let matches: Vec<MonitorMatch> = summaries
            .into_iter()
            .map(|m| {
                // Outcomes as on the player's wire: a deal's package as {issue: option}.
                let outcome = m.outcome.as_ref().and_then(|o| {
                    let scenario = app.matches.get(&m.id).map(|h| h.scenario.clone())?;
                    Some(crate::runtime::view::outcome_view(&scenario, o))
                });
                MonitorMatch {
                    phase: m.phase,
                    deadline: m.deadline,
                    paused: m.paused,
                    offers: m.offers,
                    messages: m.messages,
                    outcome,
                    players: m.players,
                    small_talk: m.small_talk,
                    observers: observers.get(&m.id).cloned().unwrap_or_default(),
                    sheets: m.observations,
                    id: m.id,
                }
            })
            .collect();
        let waiting_ids: HashSet<&String> = self.lines.waiting.values().flatten().collect();
        let waiting_by_scenario = self.lines.waiting.iter().map(|(k, v)| (k.clone(), v.len())).collect();
        let ids = s.player_ids.lock().expect("player ids").clone();
        let mut players: Vec<MonitorPlayer> = ids
            .iter()
            .filter_map(|id| app.players_by_id.get(id))
            .map(|p| {
                let loc = p.location.lock().expect("location").clone();
                let (status, match_id) = if self.removed.contains(&p.id) {
                    (PlayerStatus::Removed, None)
                } else {
                    match loc {
                        Location::InMatch { match_id, .. } if finished.contains(&match_id) => {
                            (PlayerStatus::Finished, Some(match_id))
                        }
                        Location::InMatch { match_id, .. } => (PlayerStatus::Playing, Some(match_id)),
                        Location::Observing { match_id } => (PlayerStatus::Observing, Some(match_id)),
                        _ if waiting_ids.contains(&p.id) => (PlayerStatus::Waiting, None),
                        _ => (PlayerStatus::Lobby, None),
                    }
                };
                MonitorPlayer {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    status,
                    online: p.conn.lock().expect("conn").is_some(),
                    match_id,
                    bot: p.bot,
                }
            })
            .collect();
        players.sort_by(|a, b| a.name.cmp(&b.name));
        MonitorView {
            server_time: now_ms(),
            session: MonitorSession {
                code: s.code.clone(),
                kind: s.kind,
                title: s.settings.title.clone(),
                scenario: s.settings.scenario.clone(),
                pairing: s.settings.pairing,
                auto_pairing: self.auto_pairing,
                small_talk: s.settings.small_talk,
                reveal: s.settings.reveal,
                dropout: s.settings.dropout,
                team_size: s.settings.team_size,
                team_decision: s.settings.team_decision,
            },
            players,
            waiting: waiting_ids.len(),
            waiting_by_scenario,
            matches,
            tournament: self.monitor_tournament(s, &finished).await,
        }
    }

    /// The tournament part of the monitor. Standings change only when a tournament match reaches
    /// its results (or a round starts), so the view is rebuilt from the log only then.
    async fn monitor_tournament(&mut self, s: &Session, finished: &HashSet<String>) -> Option<TournamentView> {
        let t = &self.tournament;
        t.config.as_ref()?;
        let key = (t.plans.len(), t.matches.iter().flatten().filter(|m| finished.contains(*m)).count());
        if let Some((k, v)) = self.tournament_view.as_ref() {
            if *k == key {
                return Some(v.clone());
            }
        }
        let v = self.tournament_view_of(s, Some(finished)).await;
        self.tournament_view = Some((key, v.clone()));
        Some(v)
    }
}

/// Sends a clock control to the session's running matches (or one of them).
async fn control_matches(app: &App, s: &Session, match_id: Option<String>, c: Control) -> Result<usize, String> {
    let mut n = 0;
    for m in app.session_matches(&s.code) {
        // A finished match refuses every control: asking would only wake it if dormant.
        if match_id.as_ref().is_some_and(|id| *id != m.id) || m.summary().phase == crate::core::game::Phase::Results {
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

/// Compares secrets without an early exit on the first difference.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
