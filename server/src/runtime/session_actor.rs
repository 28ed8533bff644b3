//! A session's actor: the one owner of its waiting lines, its pairing, its removals and its
//! tournament, and the one writer of where its players are (except that a player it marks
//! `Seating` belongs to the task creating their match until that task seats them). Connections,
//! the HTTP API, bots and match actors send it a [`SessionMsg`]; it handles one at a time, so a
//! check and the act it allows (a facilitator pairing two people by hand while one of them
//! leaves the line) can no longer interleave, as they could when these lived behind locks.
//!
//! Its lifecycle steps, as for a match (`match_actor`): [`SessionActor::on_enqueue`] (a player is
//! attached to a waiting line, at join or reconnect), [`SessionActor::on_leave`],
//! [`SessionActor::on_drop`] (a waiting player's connection went away), `on_control` (a
//! facilitator action, in `facilitator.rs`), [`SessionActor::on_match_finished`] (a match
//! actor reported its results), the practice pool's bot offer (its only timer), and disposal:
//! the actor holds its session weakly and ends when the residency sweep has let the session go
//! (its mailbox closes with it).
//!
//! Creating a match (a store write) is not done in the actor's turn when pairing is automatic:
//! the practice pool is one session for the whole server, and its pairings must not wait for
//! each other's commits. A facilitator's pairing waits for its matches, so its answer can say
//! how many started.

use crate::bots::strategies::StrategyRef;
use crate::error::ErrorCode;
use crate::monitor::TournamentView;
use crate::protocol::{BotLevel, ProtocolError};
use crate::runtime::app::App;
use crate::runtime::facilitator::SessionControl;
use crate::runtime::session::{Location, Player, Queue, Session, SessionFacts, SessionKind};
use crate::runtime::tournament::TournamentState;
use crate::wire::ServerMsg;
use crate::wording::WaitingKey;
use axum::extract::ws::Utf8Bytes;
use rand::seq::IndexedRandom;
use rand::Rng;
use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// What a session's actor is asked to do.
pub enum SessionMsg {
    /// Put a player in their waiting line (unless they are seated) and pair whoever can be.
    Enqueue {
        /// The player.
        player: Arc<Player>,
    },
    /// The player leaves the waiting line (the "Leave the queue" button).
    Leave {
        /// The player.
        player: Arc<Player>,
        /// Refused when the player is in a match.
        reply: oneshot::Sender<Result<(), ProtocolError>>,
    },
    /// A player's connection went away while they were not in a match: a waiting player gives up
    /// their place (they queue again when they come back).
    Dropped {
        /// The player.
        player: Arc<Player>,
    },
    /// A waiting practice player asks for a bot.
    PlayBot {
        /// The player.
        player: Arc<Player>,
        /// The bot's strategy; random when absent.
        strategy: Option<StrategyRef>,
        /// The bot's level (`docs/bots.md`); realistic, with the strategy above, when absent.
        level: Option<BotLevel>,
        /// Sent once the match exists (or why it could not start).
        reply: oneshot::Sender<Result<(), ProtocolError>>,
    },
    /// A practice player has waited a while: offer a bot if they are still alone in `line`.
    OfferBot {
        /// The player.
        player: Arc<Player>,
        /// The line they were waiting in.
        line: String,
    },
    /// A facilitator control: stored, then carried out.
    Control {
        /// The control.
        control: SessionControl,
        /// How many players or matches it touched, or why it was refused.
        reply: oneshot::Sender<Result<usize, crate::runtime::facilitator::ControlError>>,
    },
    /// The dropout policy `bot`: a seat whose player is gone past the grace period.
    SeatNeedsBot {
        /// The match.
        match_id: String,
        /// The seat.
        seat: usize,
    },
    /// A match of the session reached its results.
    MatchFinished {
        /// The match.
        match_id: String,
    },
    /// The live monitor frame as of change `version`, encoded (built once however many
    /// consoles watch).
    Monitor {
        /// The session's change counter the frame is for.
        version: u64,
        /// The frame.
        reply: oneshot::Sender<Utf8Bytes>,
    },
    /// The tournament view (no `config` when none runs).
    Tournament {
        /// The view.
        reply: oneshot::Sender<TournamentView>,
    },
    /// Players this node claimed from the cluster's practice pool (`runtime::practice_pool`):
    /// the match is started here.
    PoolPaired {
        /// The group, with its match id.
        group: crate::store::PoolGroup,
    },
    /// A player who waited here was paired into a match on the node at `address`: they are
    /// sent there and leave this session.
    PairedElsewhere {
        /// The player.
        player_id: String,
        /// That node's address.
        address: String,
        /// Answered once done.
        reply: oneshot::Sender<()>,
    },
    /// An observer stops observing and waits to be paired (`runtime::observers`).
    StopObserving {
        /// The observer.
        player: Arc<Player>,
        /// Refused when the player is not observing.
        reply: oneshot::Sender<Result<(), ProtocolError>>,
    },
}

impl Session {
    /// Sends the actor a message; false when the actor is gone (the session is being disposed).
    async fn tell(&self, msg: SessionMsg) -> bool {
        self.mailbox.send(msg).await.is_ok()
    }

    /// Asks the actor and waits for the answer; none when the actor is gone.
    async fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> SessionMsg) -> Option<T> {
        let (reply, rx) = oneshot::channel();
        if !self.tell(make(reply)).await {
            return None;
        }
        rx.await.ok()
    }

    /// Puts a player in their waiting line (unless seated) and pairs whoever can be.
    pub async fn enqueue(&self, player: Arc<Player>) {
        self.tell(SessionMsg::Enqueue { player }).await;
    }

    /// A waiting player stops waiting; they stay known by their token and can join again.
    pub async fn leave(&self, player: Arc<Player>) -> Result<(), ProtocolError> {
        self.ask(|reply| SessionMsg::Leave { player, reply }).await.unwrap_or_else(|| Err(ProtocolError::internal()))
    }

    /// A player's connection went away while they were not in a match.
    pub async fn dropped(&self, player: Arc<Player>) {
        self.tell(SessionMsg::Dropped { player }).await;
    }

    /// A waiting practice player asks for a bot; answers once the match exists.
    pub async fn play_bot(
        &self,
        player: Arc<Player>,
        strategy: Option<StrategyRef>,
        level: Option<BotLevel>,
    ) -> Result<(), ProtocolError> {
        self.ask(|reply| SessionMsg::PlayBot { player, strategy, level, reply })
            .await
            .unwrap_or_else(|| Err(ProtocolError::internal()))
    }

    /// An observer stops observing and waits to be paired.
    pub async fn stop_observing(&self, player: Arc<Player>) -> Result<(), ProtocolError> {
        self.ask(|reply| SessionMsg::StopObserving { player, reply })
            .await
            .unwrap_or_else(|| Err(ProtocolError::internal()))
    }

    /// Carries out a facilitator control; answers how many players or matches it touched.
    pub async fn control(&self, control: SessionControl) -> Result<usize, crate::runtime::facilitator::ControlError> {
        self.ask(|reply| SessionMsg::Control { control, reply })
            .await
            .unwrap_or_else(|| Err("the session is closing; try again".into()))
    }

    /// The live monitor frame as of change `version`, encoded; none when the actor is gone.
    pub async fn monitor(&self, version: u64) -> Option<Utf8Bytes> {
        self.ask(|reply| SessionMsg::Monitor { version, reply }).await
    }

    /// The live monitor frame as of now.
    pub async fn monitor_now(&self) -> Option<Utf8Bytes> {
        let version = *self.changes.borrow();
        self.monitor(version).await
    }

    /// The tournament view (no `config` when none runs, or when the session is closing).
    pub async fn tournament_view(&self) -> TournamentView {
        self.ask(|reply| SessionMsg::Tournament { reply }).await.unwrap_or_default()
    }
}

/// The state a session's actor owns.
pub struct SessionActor {
    /// The application (stores, registries, other actors).
    pub(crate) app: Arc<App>,
    /// The session; weak, so the actor ends when the session leaves memory.
    session: Weak<Session>,
    /// Waiting lines and the count of matches started (role rotation, the A/B split).
    pub(crate) lines: Queue,
    /// Whether people are paired as soon as enough wait (auto mode, or after "start pairing").
    pub(crate) auto_pairing: bool,
    /// Players the facilitator removed.
    pub(crate) removed: HashSet<String>,
    /// The session's tournament, if one runs.
    pub(crate) tournament: TournamentState,
    /// The last tournament view, with the key it was built for (rounds started, matches finished).
    pub(crate) tournament_view: Option<((usize, usize), TournamentView)>,
    /// The last monitor frame (encoded) and the change it was built at.
    pub(crate) monitor: Option<(u64, Utf8Bytes)>,
}

impl SessionActor {
    /// The actor of a session being created or loaded (`matches_started`: from the store).
    pub(crate) fn new(app: Arc<App>, session: &Arc<Session>, matches_started: u64) -> SessionActor {
        SessionActor {
            app,
            session: Arc::downgrade(session),
            lines: Queue { matches_started, ..Default::default() },
            auto_pairing: session.settings.pairing == crate::runtime::session::Pairing::Auto,
            removed: HashSet::new(),
            tournament: TournamentState::default(),
            tournament_view: None,
            monitor: None,
        }
    }

    /// Starts the actor's task; it runs until the session leaves memory.
    pub(crate) fn spawn(mut self, session: &Session, mut rx: mpsc::Receiver<SessionMsg>) {
        self.publish(session);
        tokio::spawn(async move {
            while let Some(msg) = rx.recv().await {
                let Some(s) = self.session.upgrade() else { break };
                self.handle(&s, msg).await;
            }
            tracing::debug!("session actor ended");
        });
    }

    async fn handle(&mut self, s: &Arc<Session>, msg: SessionMsg) {
        match msg {
            SessionMsg::Enqueue { player } => self.on_enqueue(s, &player),
            SessionMsg::Leave { player, reply } => {
                let _ = reply.send(self.on_leave(s, &player));
            }
            SessionMsg::Dropped { player } => self.on_drop(s, &player),
            SessionMsg::PlayBot { player, strategy, level, reply } => {
                self.on_play_bot(s, player, strategy, level, reply)
            }
            SessionMsg::OfferBot { player, line } => self.on_offer_bot(&player, &line),
            SessionMsg::Control { control, reply } => {
                let r = self.on_control(s, control).await;
                let _ = reply.send(r);
            }
            SessionMsg::SeatNeedsBot { match_id, seat } => {
                if let Err(e) = self.hand_seat_to_bot(s, &match_id, seat).await {
                    tracing::error!(match_id = %match_id, seat, error = %e, "could not hand a seat to a bot");
                }
            }
            SessionMsg::MatchFinished { match_id } => self.on_match_finished(s, &match_id).await,
            SessionMsg::Monitor { version, reply } => {
                let v = self.monitor_frame(s, version).await;
                let _ = reply.send(v);
            }
            SessionMsg::Tournament { reply } => {
                let v = self.tournament_view_of(s, None).await;
                let _ = reply.send(v);
            }
            SessionMsg::StopObserving { player, reply } => {
                let r = self.on_stop_observing(s, &player).await;
                let _ = reply.send(r);
            }
            SessionMsg::PoolPaired { group } => self.on_pool_paired(s, group),
            SessionMsg::PairedElsewhere { player_id, address, reply } => {
                self.on_paired_elsewhere(s, &player_id, &address);
                let _ = reply.send(());
            }
        }
    }

    /// Publishes what readers outside the actor may see (after a removal or a tournament start).
    pub(crate) fn publish(&self, s: &Session) {
        s.facts.send_replace(SessionFacts {
            removed: self.removed.clone(),
            tournament_rounds: self.tournament.config.as_ref().map(|c| c.rounds.clone()),
        });
    }

    /// A player joins their waiting line (unless seated); whoever can be paired is.
    pub(crate) fn on_enqueue(&mut self, s: &Arc<Session>, player: &Arc<Player>) {
        {
            let mut loc = player.location.lock().expect("location");
            if matches!(*loc, Location::InMatch { .. } | Location::Seating | Location::Observing { .. }) {
                return;
            }
            *loc = Location::Waiting;
        }
        let line = match self.lines.position(&player.id) {
            Some((line, _, _)) => line,
            None => {
                let line = self.choose_line(s, player);
                self.lines.waiting.entry(line.clone()).or_default().push_back(player.id.clone());
                line
            }
        };
        // In a cluster the practice pool pairs through the table every node shares; this line
        // only tells players where they stand here.
        let pooled = self.app.pools_across_nodes(s);
        let groups = if self.auto_pairing && !pooled { self.take_groups(s, &line, false, false) } else { Vec::new() };
        self.notify_waiting(s, &line);
        if pooled {
            player.send(&ServerMsg::Waiting {
                ahead: 0,
                waiting: 1,
                scenario: line.clone(),
                message: "Looking for a partner among everyone practising now.".into(),
                key: Some(WaitingKey::Pool),
                bot_offer: false,
            });
            self.app.pool_wait(s, player);
        }
        if s.kind == SessionKind::Practice && groups.is_empty() && self.app.bots.practice_after > 0 {
            self.offer_bot_later(s, player, &line);
        }
        for (group, sizes, k) in groups {
            let teams = teams_for(&group, &sizes, k);
            let (app, s, line) = (self.app.clone(), s.clone(), line.clone());
            tokio::spawn(async move {
                if app.create_team_match(&s, &line, teams, Some(k)).await.is_none() {
                    for p in group.iter().filter_map(|id| app.players_by_id.get(id).map(|p| p.clone())) {
                        s.enqueue(p).await;
                    }
                }
            });
        }
    }

    /// Takes every full group out of a line (shuffled first when `random`), marking its players
    /// as being seated; each group comes with its team sizes in seat order (all 1 without teams)
    /// and its match number in the session. With the session's teams, `everyone` (the
    /// facilitator pairs the whole line) seats the odd ones too, in smaller or larger teams
    /// ([`crate::core::team::team_sizes`]); otherwise they wait for more people.
    pub(crate) fn take_groups(
        &mut self,
        s: &Session,
        line: &str,
        random: bool,
        everyone: bool,
    ) -> Vec<(Vec<String>, Vec<usize>, u64)> {
        let Some(n) = self.app.scenario(line).map(|x| x.roles.len()) else { return Vec::new() };
        let mut waiting: Vec<String> = self.lines.waiting.remove(line).unwrap_or_default().into();
        if random {
            rand::seq::SliceRandom::shuffle(waiting.as_mut_slice(), &mut rand::rng());
        }
        let team_size = if s.kind == SessionKind::Workshop { s.settings.team_size } else { 1 };
        let plan = crate::core::team::team_sizes(waiting.len(), n, team_size, everyone);
        let seated: usize = plan.iter().flatten().sum();
        let rest = waiting.split_off(seated);
        let mut groups = Vec::new();
        let mut taken = waiting.into_iter();
        for sizes in plan {
            let g: Vec<String> = taken.by_ref().take(sizes.iter().sum()).collect();
            self.app.mark_seating(&g);
            groups.push((g, sizes, self.lines.matches_started));
            self.lines.matches_started += 1;
        }
        self.lines.waiting.insert(line.to_string(), rest.into());
        groups
    }

    /// Takes players out of the waiting lines for a match being created.
    pub(crate) fn seat_group(&mut self, players: &[String]) {
        for p in players {
            self.lines.remove(p);
        }
        self.app.mark_seating(players);
    }

    /// The "Leave the queue" button.
    pub(crate) fn on_leave(&mut self, s: &Session, player: &Player) -> Result<(), ProtocolError> {
        if player.seat().is_some() {
            return Err(ProtocolError::new(ErrorCode::InMatch, "you are in a match: walk away to leave it"));
        }
        let line = self.lines.position(&player.id).map(|x| x.0);
        self.lines.remove(&player.id);
        if self.app.pools_across_nodes(s) {
            self.app.pool_stop_waiting(&player.id);
        }
        *player.location.lock().expect("location") = Location::Lobby;
        s.touch();
        if let Some(line) = line {
            self.notify_waiting(s, &line);
        }
        Ok(())
    }

    /// A player's connection went away outside a match: a waiting player gives up their place,
    /// unless they have come back on another connection since.
    pub(crate) fn on_drop(&mut self, s: &Session, player: &Player) {
        if player.conn.lock().expect("conn").is_some() {
            return;
        }
        let Some((line, _, _)) = self.lines.position(&player.id) else { return };
        self.lines.remove(&player.id);
        if self.app.pools_across_nodes(s) {
            self.app.pool_stop_waiting(&player.id);
        }
        *player.location.lock().expect("location") = Location::Lobby;
        self.notify_waiting(s, &line);
    }

    fn choose_line(&self, session: &Session, player: &Player) -> String {
        if let Some(s) = &session.settings.scenario {
            return s.clone();
        }
        if let Some(s) = player.wanted_scenario.lock().expect("wanted").clone() {
            return s;
        }
        // Random choice in the practice pool: join someone already waiting for a two-role
        // scenario, else pick a two-role scenario at random.
        let scenarios = self.app.scenarios();
        let two: Vec<&String> = scenarios.iter().filter(|(_, s)| s.is_bilateral()).map(|(k, _)| k).collect();
        let waiting = &self.lines.waiting;
        if let Some(busy) =
            two.iter().filter(|k| waiting.get(**k).is_some_and(|w| !w.is_empty())).max_by_key(|k| waiting[**k].len())
        {
            return (*busy).clone();
        }
        two.choose(&mut rand::rng())
            .map(|s| (*s).clone())
            .or_else(|| scenarios.keys().next().cloned())
            .unwrap_or_default()
    }

    /// Tells everyone in a waiting line where they stand. In a cluster's practice pool the line
    /// here is a part of the pool (the table pairs across nodes), so places in it mean little: the
    /// player who has just started waiting is told alone (one frame, not one per player waiting).
    pub(crate) fn notify_waiting(&self, session: &Session, line: &str) {
        session.touch();
        if self.app.pools_across_nodes(session) {
            return;
        }
        self.tell_waiting(line);
    }

    /// Tells everyone in a waiting line where they stand.
    fn tell_waiting(&self, line: &str) {
        let Some(ids) = self.lines.waiting.get(line) else { return };
        let need = self.app.scenario(line).map(|s| s.roles.len()).unwrap_or(2);
        for (i, id) in ids.iter().enumerate() {
            if let Some(p) = self.app.players_by_id.get(id) {
                let (key, message) = if i + 1 < need {
                    (WaitingKey::Next, "Waiting for a partner: you are next.".to_string())
                } else {
                    (WaitingKey::Ahead, format!("Waiting to be paired: {i} ahead of you."))
                };
                p.send(&ServerMsg::Waiting {
                    ahead: i,
                    waiting: ids.len(),
                    scenario: line.to_string(),
                    message,
                    key: Some(key),
                    bot_offer: false,
                });
            }
        }
    }

    /// After the configured wait, asks the actor to offer a bot to a player still waiting alone.
    fn offer_bot_later(&self, s: &Arc<Session>, player: &Arc<Player>, line: &str) {
        let (session, player, line) = (Arc::downgrade(s), player.clone(), line.to_string());
        let after = Duration::from_secs(self.app.bots.practice_after);
        tokio::spawn(async move {
            tokio::time::sleep(after).await;
            if let Some(s) = session.upgrade() {
                s.tell(SessionMsg::OfferBot { player, line }).await;
            }
        });
    }

    fn on_offer_bot(&self, player: &Player, line: &str) {
        let alone = self.lines.position(&player.id).is_some_and(|(l, ahead, n)| l == line && ahead == 0 && n == 1);
        if alone && !player.asked_for_bot.load(Ordering::Relaxed) {
            player.send(&ServerMsg::Waiting {
                ahead: 0,
                waiting: 1,
                scenario: line.to_string(),
                message: "Nobody else is here yet. You can keep waiting, or practise with a bot now.".into(),
                key: Some(WaitingKey::Alone),
                bot_offer: true,
            });
        }
    }

    /// A player waiting in the practice pool asks for a bot: a match starts at once with bots in
    /// the other seats. Only while waiting, and once per player. The bots and the match are
    /// created outside the actor's turn (store writes); the reply waits for them.
    fn on_play_bot(
        &mut self,
        s: &Arc<Session>,
        player: Arc<Player>,
        strategy: Option<StrategyRef>,
        level: Option<BotLevel>,
        reply: oneshot::Sender<Result<(), ProtocolError>>,
    ) {
        if s.kind != SessionKind::Practice {
            let e = ProtocolError::new(
                ErrorCode::NotPractice,
                "bots on demand are for the practice pool; ask your facilitator",
            );
            let _ = reply.send(Err(e));
            return;
        }
        let Some((line, _, _)) = self.lines.position(&player.id) else {
            let _ = reply.send(Err(ProtocolError::new(ErrorCode::NotWaiting, "you are not waiting for a partner")));
            return;
        };
        if player.asked_for_bot.swap(true, Ordering::Relaxed) {
            let e = ProtocolError::new(ErrorCode::BotAlreadyRequested, "a bot is already on its way to you");
            let _ = reply.send(Err(e));
            return;
        }
        self.seat_group(std::slice::from_ref(&player.id));
        self.notify_waiting(s, &line);
        let (app, s) = (self.app.clone(), s.clone());
        let pooled = app.pools_across_nodes(&s);
        tokio::spawn(async move {
            // In a cluster their row leaves the pool first: a node may have paired them already.
            if pooled {
                match app.pool_take_for_bot(&player.id).await {
                    Ok(true) => {}
                    Ok(false) => {
                        let e = ProtocolError::new(
                            ErrorCode::NotWaiting,
                            "you have just been paired: your match is starting",
                        );
                        let _ = reply.send(Err(e));
                        return;
                    }
                    Err(e) => {
                        tracing::error!(player = %player.id, error = %e, "could not take a practice player out of the pool");
                        player.asked_for_bot.store(false, Ordering::Relaxed);
                        *player.location.lock().expect("location") = Location::Lobby;
                        s.enqueue(player.clone()).await;
                        let _ = reply.send(Err(ProtocolError::internal()));
                        return;
                    }
                }
            }
            let _ = reply.send(app.start_bot_match(&s, &player, &line, strategy, level).await);
        });
    }

    /// A group this node claimed from the cluster's practice pool: its players from elsewhere
    /// come into memory, leave the waiting line, and the match starts here (with the id its rows
    /// carry). Their rows go once the match is stored; if it cannot be, this node's players wait again.
    fn on_pool_paired(&mut self, s: &Arc<Session>, group: crate::store::PoolGroup) {
        self.app.pool_bring_in(&group);
        let ids: Vec<String> = group.players.iter().map(|w| w.player.id.clone()).collect();
        let lines: HashSet<String> = ids.iter().filter_map(|id| self.lines.position(id).map(|x| x.0)).collect();
        self.seat_group(&ids);
        for line in &lines {
            self.notify_waiting(s, line);
        }
        let k = self.lines.matches_started;
        self.lines.matches_started += 1;
        let teams = teams_for(&ids, &vec![1; ids.len()], k);
        let (app, s) = (self.app.clone(), s.clone());
        tokio::spawn(async move { app.pool_create(&s, group, teams, k).await });
    }

    /// A player who waited in this session was paired on the node at `address`.
    fn on_paired_elsewhere(&mut self, s: &Session, player_id: &str, address: &str) {
        let line = self.lines.position(player_id).map(|x| x.0);
        self.lines.remove(player_id);
        if let Some(line) = line {
            self.notify_waiting(s, &line);
        }
        self.app.pool_send_away(s, player_id, address);
    }

    /// A match of the session reached its results: in a tournament every player learns the new
    /// standings.
    pub(crate) async fn on_match_finished(&mut self, s: &Session, match_id: &str) {
        if self.tournament.matches.iter().flatten().any(|m| m == match_id) {
            self.tell_standings(s).await;
        }
    }
}

impl App {
    /// The match of a practice player and bots (the player already taken out of their line):
    /// on failure they are back in line as if nothing happened (the request can be made again).
    async fn start_bot_match(
        self: &Arc<Self>,
        s: &Arc<Session>,
        player: &Arc<Player>,
        line: &str,
        strategy: Option<StrategyRef>,
        level: Option<BotLevel>,
    ) -> Result<(), ProtocolError> {
        let back_in_line = |e: ProtocolError| async move {
            player.asked_for_bot.store(false, Ordering::Relaxed);
            *player.location.lock().expect("location") = Location::Lobby;
            s.enqueue(player.clone()).await;
            Err(e)
        };
        let roles = self.scenario(line).map(|x| x.roles.len()).unwrap_or(2);
        let mut bots = Vec::new();
        for _ in 1..roles {
            match self.new_bot(s).await {
                Ok(b) => bots.push(b),
                Err(e) => return back_in_line(e).await,
            }
        }
        let mut seats: Vec<String> =
            std::iter::once(player.id.clone()).chain(bots.iter().map(|b| b.id.clone())).collect();
        // Which role the person plays is left to chance, as with a human partner.
        let k = rand::rng().random_range(0..seats.len());
        seats.rotate_left(k);
        // A practice match with a bot is outside the session's numbering: no treatment arm.
        if self.create_match(s, line, seats, None).await.is_none() {
            return back_in_line(ProtocolError::internal()).await;
        }
        for b in &bots {
            self.run_bot_client_at(b, strategy, level);
        }
        Ok(())
    }
}

/// The teams of a group taken from a line as match number `k` of the session: the group cut
/// into teams of `sizes` in line order, then roles rotate: seat i goes to team (i + k) mod n
/// (with teams of one, the player at (i + k) mod n of the line). Its small talk and treatment
/// arm follow from `k` too (`SessionSettings::plan`).
pub(crate) fn teams_for(group: &[String], sizes: &[usize], k: u64) -> Vec<Vec<String>> {
    let mut rest = group;
    let mut teams = Vec::new();
    for &size in sizes {
        let (team, tail) = rest.split_at(size.min(rest.len()));
        teams.push(team.to_vec());
        rest = tail;
    }
    let n = teams.len();
    (0..n).map(|i| teams[(i + k as usize) % n].clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teams_rotate_over_the_seats_like_players_do() {
        let ids: Vec<String> = ["a", "b", "c", "d", "e"].iter().map(|s| s.to_string()).collect();
        let solo = teams_for(&ids[..2], &[1, 1], 1);
        assert_eq!(solo, vec![vec!["b".to_string()], vec!["a".to_string()]]);
        let teams = teams_for(&ids, &[3, 2], 0);
        assert_eq!(teams, vec![ids[..3].to_vec(), ids[3..].to_vec()]);
        let rotated = teams_for(&ids, &[3, 2], 1);
        assert_eq!(rotated, vec![ids[3..].to_vec(), ids[..3].to_vec()]);
    }
}
