//! One tokio task per match owns that match's state (the actor pattern). Everything that
//! changes a match arrives as a [`MatchMsg`]; timers are the actor's own sleeps until the next
//! deadline. Events are stored before they are applied or broadcast. Its lifecycle steps are
//! named methods: `on_attach` (a connection takes a seat; after `on_drop` this is the reconnect),
//! `on_drop`, `on_action`, `on_control`, `on_tick` (deadlines and dropouts), and disposal when a
//! finished, idle match goes dormant ([`Exit::Dormant`]).

use crate::core::game::{AbandonedWhy, Action, Control, Event, EventKind, GameError, Match, Millis, Outcome, Phase};
use crate::core::scenario::Scenario;
use crate::core::tactics::{Line, Tactics, Tagger, Vocabulary};
use crate::core::trust::{analyse_log_with_bots, Phrases};
use crate::error::ErrorCode;
use crate::runtime::outbox::Outbox;
use crate::runtime::session::{DropoutPolicy, Reveal};
use crate::runtime::view::{
    caucus_history, caucus_line, chat_history_for, chat_line, localize_prompt, localize_results, match_results,
    results_for_seat, state_for, team_name, MatchResults, SeatInfo, SeatMember,
};
use crate::store::Store;
use crate::wire::{CoachView, DropoutView, ServerMsg};
use crate::wording::{params, NoticeKey};
use axum::extract::ws::Utf8Bytes;

use std::sync::Arc;
use std::time::Duration;

mod observers;
use tokio::sync::watch;
use tokio::sync::{mpsc, oneshot};

/// Messages a match actor accepts.
pub enum MatchMsg {
    /// A player's action.
    Action {
        /// The seat acting.
        seat: usize,
        /// Which member of the seat's team (0 for a seat played alone).
        member: usize,
        /// The action.
        action: Action,
        /// Its client message id: applied once per seat, however often it is resent.
        cid: Option<u64>,
    },
    /// A connection takes a seat (join or resume): it gets the state and chat history.
    Attach {
        /// The seat.
        seat: usize,
        /// Which member of the seat's team (0 for a seat played alone).
        member: usize,
        /// The connection.
        outbox: Outbox,
    },
    /// A connection went away.
    Detach {
        /// The seat.
        seat: usize,
        /// Which member of the seat's team.
        member: usize,
        /// The connection id (ignored if the member has a newer connection).
        conn: u64,
    },
    /// A facilitator control.
    Control {
        /// The control.
        control: Control,
        /// The answer.
        reply: oneshot::Sender<Result<(), ControlFailure>>,
    },
    /// Someone else takes over a seat (stored in the match's log before anyone is told).
    HandSeat {
        /// The seat.
        seat: usize,
        /// The player id giving it up.
        from: String,
        /// The player id taking it.
        player: String,
        /// Their display name.
        name: String,
        /// A bot takes it.
        bot: bool,
        /// The answer.
        reply: oneshot::Sender<Result<(), ControlFailure>>,
    },
    /// The facilitator removes one member of a seat: a team with others left plays on; the last
    /// member (or a seat's only player) ends the match as abandoned, for `reason`.
    RemoveMember {
        /// The seat.
        seat: usize,
        /// Which member of the seat's team.
        member: usize,
        /// Why the match ends, if it does.
        reason: String,
        /// The same, as data the player's page words in its language.
        why: Option<AbandonedWhy>,
        /// The answer.
        reply: oneshot::Sender<Result<(), ControlFailure>>,
    },
    /// A notice to every seat (and observer).
    Notice(String),
    /// An observer's connection starts watching (assignment or reconnect): it gets the observer
    /// view and the chat so far (see `observers`).
    Observe {
        /// The observer's player id.
        player: String,
        /// Their display name (the players see who watches).
        name: String,
        /// The connection.
        outbox: Outbox,
    },
    /// An observer's connection went away (`conn`: ignored if the observer has a newer one), or
    /// the observer stopped observing (`conn` none).
    Unobserve {
        /// The observer's player id.
        player: String,
        /// The connection that went away.
        conn: Option<u64>,
    },
    /// An observer's sheet (already checked and cleaned): stored, then the players see it.
    Sheet {
        /// The observer's player id.
        player: String,
        /// Their display name.
        name: String,
        /// The sheet.
        sheet: crate::core::observe::ObservationSheet,
    },
}

/// What a match actor tells the application (it owns no other part of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActorNotice {
    /// A seat's player stayed away past the grace period and the dropout policy is `bot`.
    SeatNeedsBot {
        /// The match.
        match_id: String,
        /// The seat.
        seat: usize,
    },
    /// The match reached its results.
    Finished {
        /// The match.
        match_id: String,
    },
}

/// Why a facilitator control did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlFailure {
    /// The match's rules refused it (e.g. the match is over).
    Refused(GameError),
    /// The store could not record it, so nothing changed.
    NotStored,
}

/// A match's public summary (for the facilitator monitor and tournaments). The actor publishes it
/// on a watch channel after every change, so readers never wait on the actor.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MatchSummary {
    /// Match id.
    pub id: String,
    /// Phase.
    pub phase: Phase,
    /// Deadline of the phase.
    pub deadline: Option<Millis>,
    /// Paused?
    pub paused: bool,
    /// Offers made.
    pub offers: usize,
    /// Chat messages sent by players.
    pub messages: usize,
    /// The outcome, once known.
    pub outcome: Option<Outcome>,
    /// Player names by seat.
    pub players: Vec<String>,
    /// Whether small talk was part of this match.
    pub small_talk: bool,
    /// Observation sheets filed (summaries stored before observers existed have none).
    #[serde(default)]
    pub observations: usize,
}

/// The public summary of a match in this state.
fn summary_of(id: &str, state: &Match, seats: &[SeatInfo]) -> MatchSummary {
    MatchSummary {
        id: id.to_string(),
        phase: state.phase,
        deadline: state.deadline,
        paused: state.paused_at.is_some(),
        offers: state.offers.len(),
        messages: state.chat.iter().filter(|c| c.seat.is_some()).count(),
        outcome: state.outcome.clone(),
        players: seats.iter().map(|s| s.name.clone()).collect(),
        small_talk: state.config.small_talk,
        observations: state.observations.len(),
    }
}

/// A running match's mailbox and fixed facts.
#[derive(Clone)]
pub struct MatchHandle {
    /// Match id.
    pub id: String,
    /// Session join code.
    pub session: String,
    /// The scenario (for decoding offers in the connection).
    pub scenario: Arc<Scenario>,
    /// The mailbox.
    pub tx: mpsc::Sender<MatchMsg>,
    /// Player ids by seat.
    pub seats: Vec<String>,
    /// Player ids by seat then team member (one per seat played alone).
    pub members: Vec<Vec<String>>,
    /// The latest summary, as the actor published it.
    pub summary: watch::Receiver<MatchSummary>,
}

impl MatchHandle {
    /// The match's latest summary (no round trip to the actor).
    pub fn summary(&self) -> MatchSummary {
        self.summary.borrow().clone()
    }
}

/// Why an actor stopped running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Its mailbox closed: the match is gone.
    Closed,
    /// Finished and idle: its state may be dropped; the next message reloads it from the store.
    Dormant,
}

/// Mailbox size per match.
pub const MAILBOX: usize = 256;

pub use crate::runtime::clock::now_ms;

/// The actor's state.
pub struct MatchActor {
    /// Where the summary is published (see [`MatchHandle::summary`]).
    summary_tx: watch::Sender<MatchSummary>,
    id: String,
    state: Match,
    seats: Vec<SeatInfo>,
    /// Per seat, per team member: their live connection (one member for a seat played alone).
    conns: Vec<Vec<Option<Outbox>>>,
    /// The scenario with its texts in each language a seat has asked for, made once per language.
    localized: std::collections::HashMap<String, Arc<Scenario>>,
    store: Store,
    next_seq: u64,
    dropout: DropoutPolicy,
    grace_ms: i64,
    /// The whole results reveal, once the match reaches results; each seat is sent its part.
    results_cache: Option<MatchResults>,
    /// Per seat: the counterparts were told this seat is gone past the grace period.
    dropout_told: Vec<bool>,
    phrases: Arc<Phrases>,
    reveal: Reveal,
    notices: Option<mpsc::UnboundedSender<ActorNotice>>,
    /// The session's change counter, bumped when this match's summary changes (the monitor's push).
    session_changes: Option<watch::Sender<u64>>,
    /// The `ack` owed for the action being applied: `(seat, member, cid)`. A chat line it
    /// produces carries it to the member's connection in the same write; otherwise it is sent
    /// once the action is done.
    ack_owed: Option<(usize, usize, u64)>,
    max_offers: usize,
    /// Live coaching nudges on (`core::coach`).
    coaching: bool,
    /// The tactics of each player chat line so far (kept as lines arrive, for coaching).
    line_tags: Vec<Tactics>,
    /// The scenario's words, for the tagger's placeholders.
    vocabulary: Vocabulary,
    /// Results were announced to the application (once).
    finish_told: bool,
    /// Observers connected now, apart from the seats (`observers`).
    observers: Vec<observers::Watcher>,
    /// The client message ids applied, by seat (stored with their events; read back on a takeover).
    applied: std::collections::HashSet<(usize, u64)>,
}

impl MatchActor {
    /// Where to tell the application that a seat needs a bot or that the match finished.
    pub fn with_notices(mut self, tx: mpsc::UnboundedSender<ActorNotice>) -> Self {
        self.notices = Some(tx);
        self
    }

    /// Bumps the session's change counter whenever this match's summary changes.
    pub fn with_session_changes(mut self, tx: watch::Sender<u64>) -> Self {
        self.session_changes = Some(tx);
        self
    }

    /// Turns live coaching on or off (default off).
    pub fn with_coaching(mut self, on: bool) -> Self {
        self.coaching = on;
        self
    }

    /// The drill each seat's player practises (practice pool; none elsewhere), in seat order.
    pub fn with_drills(mut self, drills: &[Option<crate::core::drills::Drill>]) -> Self {
        for (seat, drill) in self.seats.iter_mut().zip(drills) {
            seat.drill = *drill;
        }
        self
    }

    /// The members of each team seat (names and bots by member index; a seat with fewer than
    /// two is played alone). A seat handed on since plays alone again (the log says so).
    pub fn with_teams(mut self, teams: Vec<Vec<(String, bool)>>) -> Self {
        for (seat, team) in teams.into_iter().enumerate().take(self.seats.len()) {
            if team.len() < 2 || self.state.team.size(seat) < 2 {
                continue;
            }
            let info = &mut self.seats[seat];
            info.bot = team.iter().all(|(_, b)| *b);
            info.members = team
                .into_iter()
                .enumerate()
                .map(|(m, (name, _))| SeatMember { name, online: false, removed: !self.state.team.is_present(seat, m) })
                .collect();
            info.name = team_name(&info.members);
            self.conns[seat] = vec![None; info.members.len()];
        }
        self.summary_tx.send_replace(summary_of(&self.id, &self.state, &self.seats));
        self
    }

    /// The client message ids `(seat, cid)` applied already (read back from the store after a
    /// takeover): a resend of one is answered, not applied again.
    pub fn with_applied(mut self, ids: impl IntoIterator<Item = (usize, u64)>) -> Self {
        self.applied.extend(ids);
        self
    }

    /// Caps the offers of this match (default: [`crate::limits::Limits`]' default).
    pub fn with_max_offers(mut self, max_offers: usize) -> Self {
        self.max_offers = max_offers;
        self
    }

    /// Sets what the results reveal (default: everything).
    pub fn with_reveal(mut self, reveal: Reveal) -> Self {
        self.reveal = reveal;
        self
    }

    /// An actor for a match whose stored events have been applied to `state` already.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: String,
        state: Match,
        names: Vec<(String, bool)>,
        store: Store,
        dropout: DropoutPolicy,
        grace_seconds: u64,
        phrases: Arc<Phrases>,
        now: Millis,
    ) -> MatchActor {
        let next_seq = state.events_applied;
        // After a restart nobody is connected yet: the grace period starts now.
        let seats: Vec<SeatInfo> = names
            .into_iter()
            .map(|(name, bot)| SeatInfo {
                name,
                bot,
                online: false,
                gone_since: (state.events_applied > 0 && state.phase != Phase::Results).then_some(now),
                drill: None,
                members: Vec::new(),
            })
            .collect();
        let n = state.seats;
        let finished = state.phase == Phase::Results;
        let vocabulary = Vocabulary::of(&state.config.scenario);
        let summary_tx = watch::Sender::new(summary_of(&id, &state, &seats));
        MatchActor {
            summary_tx,
            id,
            state,
            seats,
            conns: vec![vec![None]; n],
            localized: std::collections::HashMap::new(),
            store,
            next_seq,
            dropout,
            grace_ms: grace_seconds as i64 * 1000,
            results_cache: None,
            dropout_told: vec![false; n],
            phrases,
            reveal: Reveal::All,
            notices: None,
            session_changes: None,
            ack_owed: None,
            coaching: false,
            line_tags: Vec::new(),
            vocabulary,
            finish_told: finished,
            observers: Vec::new(),
            max_offers: crate::limits::Limits::default().max_offers_per_match,
            applied: Default::default(),
        }
    }

    /// Runs the actor until its mailbox closes. `start` = open the match (a new match).
    pub async fn run(self, mut rx: mpsc::Receiver<MatchMsg>, start: bool) {
        self.run_until(&mut rx, start, None, None).await;
    }

    /// Runs the actor with its mailbox, after handling `first` (a message that woke a dormant
    /// match), until the mailbox closes ([`Exit::Closed`]) or, with `dormant_after`, the match is
    /// finished and nobody has been connected or written for that long ([`Exit::Dormant`]: the
    /// caller drops the actor's state and keeps the mailbox).
    pub async fn run_until(
        mut self,
        rx: &mut mpsc::Receiver<MatchMsg>,
        start: bool,
        first: Option<MatchMsg>,
        dormant_after: Option<Duration>,
    ) -> Exit {
        if start {
            let evs = self.state.start();
            if let Err(e) = self.commit(evs).await {
                tracing::error!(match_id = %self.id, error = %e, "cannot store the start of a match");
            }
        }
        if let Some(m) = first {
            self.handle(m).await;
        }
        loop {
            let now = now_ms();
            if self.on_tick(now).await {
                continue;
            }
            let idle = self.state.phase == Phase::Results
                && self.conns.iter().flatten().all(Option::is_none)
                && self.observers.is_empty();
            let dormant = dormant_after.filter(|_| idle);
            let wake = dormant.unwrap_or_else(|| self.next_wake(now));
            tokio::select! {
                msg = rx.recv() => match msg {
                    Some(m) => self.handle(m).await,
                    None => return Exit::Closed,
                },
                _ = tokio::time::sleep(wake) => {
                    if dormant.is_some() {
                        // Dispose: finished and idle; the caller drops this state and keeps the mailbox.
                        tracing::debug!(match_id = %self.id, "finished and idle: dormant");
                        return Exit::Dormant;
                    }
                }
            }
        }
    }

    /// Publishes the summary on `tx` from now on (a match woken from dormancy keeps its handle's
    /// channel).
    pub fn with_summary_sender(mut self, tx: watch::Sender<MatchSummary>) -> Self {
        tx.send_replace(self.summary());
        self.summary_tx = tx;
        self
    }

    /// The sender of this actor's summaries (to keep across dormancy).
    pub fn summary_sender(&self) -> watch::Sender<MatchSummary> {
        self.summary_tx.clone()
    }

    fn next_wake(&self, now: Millis) -> Duration {
        let mut at: Option<Millis> = if self.state.paused_at.is_none() { self.state.deadline } else { None };
        if self.state.phase.is_negotiating() {
            for s in &self.seats {
                if let Some(g) = s.gone_since {
                    let d = g + self.grace_ms;
                    if d > now {
                        at = Some(at.map_or(d, |a| a.min(d)));
                    }
                }
            }
        }
        match at {
            Some(t) => Duration::from_millis((t - now).clamp(1, 3_600_000) as u64),
            None => Duration::from_secs(3600),
        }
    }

    /// Dispatches one message to its lifecycle step.
    async fn handle(&mut self, msg: MatchMsg) {
        match msg {
            MatchMsg::Action { seat, member, action, cid } => self.on_action(seat, member, action, cid).await,
            MatchMsg::Attach { seat, member, outbox } => self.on_attach(seat, member, outbox).await,
            MatchMsg::Detach { seat, member, conn } => self.on_drop(seat, member, conn),
            MatchMsg::Control { control, reply } => {
                let r = self.on_control(&control).await;
                let _ = reply.send(r);
            }
            MatchMsg::HandSeat { seat, from, player, name, bot, reply } => {
                let r = self.hand_seat(seat, from, player, name, bot).await;
                let _ = reply.send(r);
            }
            MatchMsg::RemoveMember { seat, member, reason, why, reply } => {
                let r = self.remove_member(seat, member, &reason, why).await;
                let _ = reply.send(r);
            }
            MatchMsg::Notice(text) => {
                let f = ServerMsg::notice(text);
                for c in self.conns.iter().flatten().flatten() {
                    c.send_msg(&f);
                }
                self.send_observers(&f);
            }
            MatchMsg::Observe { player, name, outbox } => self.on_observe(player, name, outbox).await,
            MatchMsg::Unobserve { player, conn } => self.on_unobserve(&player, conn),
            MatchMsg::Sheet { player, name, sheet } => self.on_sheet(player, name, sheet).await,
        }
    }

    /// Action: a player's move (by one member of a team), decided by the pure core, stored, then
    /// told to everyone. An action carrying a client message id is acknowledged to its sender once
    /// stored, and applied only once however often it is resent.
    async fn on_action(&mut self, seat: usize, member: usize, action: Action, cid: Option<u64>) {
        if seat >= self.conns.len() {
            return;
        }
        if let Some(cid) = cid.filter(|c| self.applied.contains(&(seat, *c))) {
            // A resend of what was applied already (the answer was lost): answered, not applied again.
            return self.send_to_member(seat, member, &ServerMsg::Ack { cid });
        }
        // Not acknowledged when it could not be stored: the client sends it again.
        self.ack_owed = cid.map(|cid| (seat, member, cid));
        let stored = self.apply_action(seat, member, action, cid).await;
        if let (true, Some((_, _, cid))) = (stored, self.ack_owed.take()) {
            self.send_to_member(seat, member, &ServerMsg::Ack { cid });
        }
    }

    /// Decides and commits an action; false when it could not be stored.
    async fn apply_action(&mut self, seat: usize, member: usize, action: Action, cid: Option<u64>) -> bool {
        let offers = matches!(action, Action::Offer(_)) || self.carries_offer(seat, &action);
        if offers && self.state.offers.len() >= self.max_offers {
            let m = format!("this match has reached its limit of {} offers", self.max_offers);
            self.send_to_member(seat, member, &ServerMsg::error(ErrorCode::OfferLimit, m));
            return true;
        }
        match self.state.decide_as(seat, member, &action) {
            // Nothing changes (the same offer again): the member's state is the answer.
            Ok(evs) if evs.is_empty() => {
                let v = self.view(seat, member, now_ms(), false);
                self.send_to_member(seat, member, &v);
            }
            Ok(evs) => {
                if let Err(e) = self.commit_acked(evs, cid.map(|c| (seat, c))).await {
                    if matches!(e, crate::store::StoreError::Fenced(_)) {
                        // Another node owns the session now: this node is dropping it, which sends
                        // every player `moved`; the action is resent there (not acknowledged here).
                        tracing::info!(match_id = %self.id, "action refused: the session is owned by another node now");
                        return false;
                    }
                    tracing::error!(match_id = %self.id, error = %e, "could not store an action");
                    let f = ServerMsg::error(ErrorCode::Internal, crate::protocol::INTERNAL_MESSAGE);
                    self.send_to_member(seat, member, &f);
                    return false;
                } else if matches!(
                    action,
                    Action::Chat(_) | Action::ChatExpressed(..) | Action::Disclose(_) | Action::Offer(_)
                ) {
                    self.coach(seat).await;
                }
            }
            Err(e) => self.send_to_member(seat, member, &ServerMsg::error(ErrorCode::from(&e), e.to_string())),
        }
        true
    }

    /// Whether approving would carry the team's open offer motion (an offer the limit counts).
    fn carries_offer(&self, seat: usize, action: &Action) -> bool {
        let Action::Approve(id) = action else { return false };
        let open = self.state.team.motions.get(seat).and_then(Option::as_ref).filter(|m| m.id == *id);
        open.is_some_and(|m| {
            matches!(m.motion, crate::core::team::Motion::Offer { .. })
                && m.approved_by.len() + 1 >= self.state.team.size(seat)
        })
    }

    /// Attach (and reconnect: an attach after a drop): a connection takes the seat (as one member
    /// of its team), replacing that member's older one, and gets the whole view, the chat and the
    /// team's caucus so far.
    async fn on_attach(&mut self, seat: usize, member: usize, outbox: crate::runtime::outbox::Outbox) {
        if self.state.team.size(seat) > 1 && !self.state.team.is_present(seat, member) {
            tracing::warn!(match_id = %self.id, seat, member, "a removed member tried to take their seat again");
            return;
        }
        let Some(slot) = self.conns.get_mut(seat).and_then(|c| c.get_mut(member)) else {
            tracing::warn!(match_id = %self.id, seat, member, "attach to a seat or member the match does not have");
            return;
        };
        if let Some(old) = slot.replace(outbox.clone()) {
            if old.id != outbox.id {
                old.close(crate::runtime::outbox::CloseReason::Replaced);
            }
        }
        let member_was_online = self.seats[seat].members.get(member).is_none_or(|m| m.online);
        if let Some(m) = self.seats[seat].members.get_mut(member) {
            m.online = true;
        }
        self.seats[seat].gone_since = None;
        self.dropout_told[seat] = false;
        let now = now_ms();
        self.ensure_results().await;
        // Coming online is broadcast (this seat included); a connection replacing a live
        // one gets its state directly. Either way it must see every offer: the
        // broadcast's window holds them all unless the match has more.
        let broadcast = !self.seats[seat].online || !member_was_online;
        self.seats[seat].online = true;
        if broadcast {
            self.broadcast_state(now);
        }
        if !broadcast || self.state.offers.len() > crate::runtime::view::OFFER_WINDOW {
            outbox.send_msg(&self.view(seat, member, now, true));
        }
        let texts = self.texts_in(outbox.lang());
        outbox.send_msg(&chat_history_for(&self.state, &self.seats, &texts));
        if self.state.team.size(seat) > 1 {
            outbox.send_msg(&caucus_history(&self.state, seat, &self.seats));
        }
    }

    /// Drop: a member's connection went away. The seat is gone (and the grace period of the
    /// dropout policy starts) only when no member of its team is left: a team plays on while one
    /// member remains.
    fn on_drop(&mut self, seat: usize, member: usize, conn: u64) {
        let Some(slot) = self.conns.get_mut(seat).and_then(|c| c.get_mut(member)) else { return };
        if slot.as_ref().is_some_and(|o| o.id == conn) {
            *slot = None;
            if let Some(m) = self.seats[seat].members.get_mut(member) {
                m.online = false;
            }
            if self.conns[seat].iter().all(Option::is_none) {
                self.seats[seat].gone_since = Some(now_ms());
                self.seats[seat].online = false;
            }
            self.broadcast_state(now_ms());
        }
    }

    /// Control: a facilitator's pause, resume, extension or end of phase, stored like an action.
    async fn on_control(&mut self, control: &Control) -> Result<(), ControlFailure> {
        match self.state.control(control) {
            Ok(evs) => self.commit(evs).await.map_err(|e| {
                tracing::error!(match_id = %self.id, error = %e, "could not store a facilitator control");
                ControlFailure::NotStored
            }),
            Err(e) => Err(ControlFailure::Refused(e)),
        }
    }

    /// Tick: the phase deadlines that have passed (also after a restart) and the dropout policy
    /// for seats gone past their grace period. True when it stored something (tick again).
    async fn on_tick(&mut self, now: Millis) -> bool {
        let due = self.state.tick(now);
        if !due.is_empty() {
            let _ = self.commit(due).await;
            return true;
        }
        self.check_dropouts(now).await;
        false
    }

    /// Removes one member of a seat (see [`MatchMsg::RemoveMember`]): their connection is let go
    /// (the facilitator's side closes it), and everyone's view shows them removed.
    async fn remove_member(
        &mut self,
        seat: usize,
        member: usize,
        reason: &str,
        why: Option<AbandonedWhy>,
    ) -> Result<(), ControlFailure> {
        let evs = self.state.remove_member(seat, member, reason, why).map_err(ControlFailure::Refused)?;
        // Marked before the commit broadcasts the state; put back on failure.
        let was = self.seats.get_mut(seat).and_then(|s| s.members.get_mut(member)).map(|m| {
            m.online = false;
            std::mem::replace(&mut m.removed, true)
        });
        let name_was = self.seats.get_mut(seat).map(|s| std::mem::replace(&mut s.name, team_name(&s.members)));
        let conn = self.conns.get_mut(seat).and_then(|c| c.get_mut(member)).and_then(Option::take);
        if let Err(e) = self.commit(evs).await {
            tracing::error!(match_id = %self.id, error = %e, "could not store a removal");
            if let (Some(was), Some(m)) = (was, self.seats[seat].members.get_mut(member)) {
                m.removed = was;
            }
            if let Some(name) = name_was {
                self.seats[seat].name = name;
            }
            if let Some(slot) = self.conns.get_mut(seat).and_then(|c| c.get_mut(member)) {
                *slot = conn;
            }
            return Err(ControlFailure::NotStored);
        }
        if self.conns[seat].iter().all(Option::is_none) && self.seats[seat].online {
            self.seats[seat].online = false;
            self.seats[seat].gone_since = Some(now_ms());
            self.broadcast_state(now_ms());
        }
        Ok(())
    }

    /// Gives a seat to another player: the seat's connection (if any) is let go, the handover
    /// is stored, and everyone's view shows the new name.
    async fn hand_seat(
        &mut self,
        seat: usize,
        from: String,
        player: String,
        name: String,
        bot: bool,
    ) -> Result<(), ControlFailure> {
        if seat >= self.seats.len() {
            return Err(ControlFailure::Refused(GameError::BadStatement));
        }
        if !self.state.phase.is_negotiating() {
            return Err(ControlFailure::Refused(GameError::WrongPhase {
                action: "hand a seat on",
                phase: self.state.phase,
            }));
        }
        // The new name is in place before the commit broadcasts the state; put back on failure.
        let before = (
            std::mem::replace(&mut self.seats[seat].name, name),
            self.seats[seat].gone_since,
            std::mem::replace(&mut self.seats[seat].bot, bot),
            std::mem::replace(&mut self.seats[seat].online, false),
        );
        self.seats[seat].gone_since = Some(now_ms());
        if let Err(e) = self.commit(vec![EventKind::SeatHanded { seat, from, player }]).await {
            tracing::error!(match_id = %self.id, error = %e, "could not store a seat handover");
            (self.seats[seat].name, self.seats[seat].gone_since, self.seats[seat].bot, self.seats[seat].online) =
                before;
            return Err(ControlFailure::NotStored);
        }
        self.dropout_told[seat] = false;
        // The seat's new holder plays it alone (the core's team state says so too).
        for old in std::mem::replace(&mut self.conns[seat], vec![None]).into_iter().flatten() {
            old.close(crate::runtime::outbox::CloseReason::Replaced);
        }
        self.seats[seat].members.clear();
        Ok(())
    }

    /// Gives `seat` a coaching nudge if one is due after their action (stored, then sent to them
    /// alone).
    async fn coach(&mut self, seat: usize) {
        if !self.coaching || !self.state.config.scenario.is_bilateral() {
            return;
        }
        let lines: Vec<Line> =
            self.state.chat.iter().filter_map(|c| c.seat.map(|s| Line { speaker: s, text: &c.text })).collect();
        let tagger = Tagger::bundled();
        if self.line_tags.len() + 1 == lines.len() {
            let t = tagger.tag_last(&lines, &self.vocabulary).unwrap_or_default();
            self.line_tags.push(t);
        } else if self.line_tags.len() != lines.len() {
            self.line_tags = tagger.tag_dialogue(&lines, &self.vocabulary);
        }
        if let Some(n) = crate::core::coach::due(&self.state, &self.line_tags, &self.phrases, seat, now_ms()) {
            let kind = EventKind::Coached { seat: n.seat, rule: n.rule.to_string(), text: n.text.to_string() };
            if let Err(e) = self.commit(vec![kind]).await {
                tracing::warn!(match_id = %self.id, error = %e, "could not store a coaching nudge");
            }
        }
    }

    /// The public summary of the match.
    pub fn summary(&self) -> MatchSummary {
        summary_of(&self.id, &self.state, &self.seats)
    }

    /// Applies the dropout policy to seats gone past the grace period, and tells the others.
    async fn check_dropouts(&mut self, now: Millis) {
        if !self.state.phase.is_negotiating() {
            return;
        }
        let gone = self.seats.iter().position(|s| s.gone_since.is_some_and(|g| now >= g + self.grace_ms));
        let Some(seat) = gone else { return };
        match self.dropout {
            DropoutPolicy::Abandon => {
                let reason = format!(
                    "{} left and did not come back within {} seconds.",
                    self.seats[seat].name,
                    self.grace_ms / 1000
                );
                let why =
                    AbandonedWhy::Left { name: self.seats[seat].name.clone(), seconds: (self.grace_ms / 1000) as u64 };
                if let Ok(evs) = self.state.control(&Control::Abandon(reason, Some(why))) {
                    let _ = self.commit(evs).await;
                }
            }
            DropoutPolicy::Wait => {
                if !self.dropout_told[seat] {
                    self.dropout_told[seat] = true;
                    self.broadcast_state(now);
                }
            }
            DropoutPolicy::Bot => {
                if !self.dropout_told[seat] {
                    self.dropout_told[seat] = true;
                    if let Some(h) = &self.notices {
                        let _ = h.send(ActorNotice::SeatNeedsBot { match_id: self.id.clone(), seat });
                    }
                    let name = &self.seats[seat].name;
                    let f = ServerMsg::worded_notice(
                        NoticeKey::BotTakesSeat,
                        params([("name", name.clone().into())]),
                        format!("{name} left; a bot takes their seat so you can finish."),
                    );
                    for c in self.conns.iter().flatten().flatten() {
                        c.send_msg(&f);
                    }
                }
            }
        }
    }

    fn broadcast_state(&mut self, now: Millis) {
        self.broadcast_seats(now);
        self.broadcast_observers(now);
    }

    fn dropout_info(&self, seat: usize, now: Millis) -> Option<DropoutView> {
        let (other, info) = self
            .seats
            .iter()
            .enumerate()
            .find(|(i, s)| *i != seat && s.gone_since.is_some_and(|g| now >= g + self.grace_ms))?;
        let gone = info.gone_since?;
        let minutes = (now - gone) / 60_000;
        let message = match self.dropout {
            DropoutPolicy::Wait => format!(
                "{} lost their connection {} minute(s) ago. The match waits for them; the facilitator can end it.",
                info.name, minutes
            ),
            DropoutPolicy::Abandon => format!("{} left; the match ends as abandoned.", info.name),
            DropoutPolicy::Bot => format!("{} left; a bot plays their seat.", info.name),
        };
        Some(DropoutView { seat: other, policy: self.dropout, gone_since: gone, message })
    }

    /// Builds the results reveal once, when the match reaches results: the outcome analysis and
    /// the trust report, scored from the stored event log.
    async fn ensure_results(&mut self) {
        if self.state.phase != Phase::Results || self.results_cache.is_some() {
            return;
        }
        let events = match self.store.match_events(&self.id).await {
            Ok(e) => e,
            Err(e) => {
                tracing::error!(match_id = %self.id, error = %e, "cannot read the event log for results");
                Vec::new()
            }
        };
        let bots: Vec<bool> = self.seats.iter().map(|s| s.bot).collect();
        let trust = analyse_log_with_bots(self.state.config.clone(), &events, &self.phrases, &bots);
        self.results_cache = Some(match_results(&self.state, &self.seats, trust));
    }

    /// The state frame of a seat as one member sees it; `all_offers` = the whole offer history
    /// (on attach), else the window of [`crate::runtime::view::OFFER_WINDOW`] newest offers and
    /// every standing one.
    fn view(&mut self, seat: usize, member: usize, now: Millis, all_offers: bool) -> ServerMsg {
        let dropout = self.dropout_info(seat, now);
        let results = self.results_cache.as_ref().map(|r| {
            let mut r = results_for_seat(r, seat, self.reveal);
            r.observations = crate::runtime::view::observation_views(&self.state);
            r
        });
        let texts = self.texts_for(seat, member);
        let results = results.map(|mut r| {
            localize_results(&mut r, &texts);
            r
        });
        let lang = self.lang_of(seat, member);
        let mut v = state_for(
            &self.id,
            &self.state,
            &texts,
            lang.as_deref(),
            seat,
            member,
            &self.seats,
            dropout.as_ref(),
            results,
            now,
            all_offers,
        );
        if let ServerMsg::State(st) = &mut v {
            st.observers = self.observer_names();
        }
        v
    }

    /// The language one member reads (their connection's `hello.lang`; each member of a team
    /// reads in their own). A bot names none: it reads, and speaks, as the first person at the
    /// table who named one.
    fn lang_of(&self, seat: usize, member: usize) -> Option<String> {
        let own = self.conns.get(seat).and_then(|c| c.get(member)).and_then(Option::as_ref).and_then(|o| o.lang());
        if own.is_some() || !self.seats.get(seat).is_some_and(|s| s.bot) {
            return own.map(str::to_string);
        }
        let people = self.conns.iter().zip(&self.seats).filter(|(_, s)| !s.bot).flat_map(|(c, _)| c.iter().flatten());
        people.filter_map(|o| o.lang()).next().map(str::to_string)
    }

    /// The scenario with its texts in one member's language ([`Self::lang_of`]) where it has
    /// them, else the scenario itself.
    fn texts_for(&mut self, seat: usize, member: usize) -> Arc<Scenario> {
        let lang = self.lang_of(seat, member);
        self.texts_in(lang.as_deref())
    }

    /// The scenario in a language (made once per language and kept), or the scenario itself.
    fn texts_in(&mut self, lang: Option<&str>) -> Arc<Scenario> {
        let base = &self.state.config.scenario;
        let Some(lang) = lang else { return base.clone() };
        self.localized
            .entry(lang.to_string())
            .or_insert_with(|| base.in_language(lang).map(Arc::new).unwrap_or_else(|| base.clone()))
            .clone()
    }

    /// The scenario in a language as made before ([`Self::texts_in`] makes it when an observer
    /// starts watching), else made now without keeping it, else the scenario itself.
    fn localized_or_base(&self, lang: Option<&str>) -> Arc<Scenario> {
        let base = &self.state.config.scenario;
        match lang {
            None => base.clone(),
            Some(l) => self
                .localized
                .get(l)
                .cloned()
                .unwrap_or_else(|| base.in_language(l).map(Arc::new).unwrap_or_else(|| base.clone())),
        }
    }

    /// Sends a frame to every connected member of a seat (encoded once).
    fn send_to(&self, seat: usize, frame: &ServerMsg) {
        let Some(conns) = self.conns.get(seat) else { return };
        if conns.iter().flatten().next().is_none() {
            return;
        }
        let f = axum::extract::ws::Utf8Bytes::from(frame.encode());
        for c in conns.iter().flatten() {
            c.send(f.clone());
        }
    }

    /// Sends a frame to one member of a seat (an answer to what they did).
    fn send_to_member(&self, seat: usize, member: usize, frame: &ServerMsg) {
        if let Some(c) = self.conns.get(seat).and_then(|c| c.get(member)).and_then(Option::as_ref) {
            c.send_msg(frame);
        }
    }

    /// Stores events, then applies them, then tells the players.
    async fn commit(&mut self, kinds: Vec<EventKind>) -> Result<(), crate::store::StoreError> {
        self.commit_acked(kinds, None).await
    }

    /// Like `commit`, storing with the events the client message id `(seat, cid)` they apply.
    async fn commit_acked(
        &mut self,
        kinds: Vec<EventKind>,
        ack: Option<(usize, u64)>,
    ) -> Result<(), crate::store::StoreError> {
        if kinds.is_empty() {
            return Ok(());
        }
        let at = now_ms();
        let events: Vec<Event> = kinds.into_iter().map(|kind| Event { at, kind }).collect();
        self.store.append_events_acked(&self.id, self.next_seq, events.clone(), ack).await?;
        self.applied.extend(ack);
        self.next_seq += events.len() as u64;
        let mut state_changed = false;
        let mut chat_frames = Vec::new();
        let mut private = Vec::new();
        for e in &events {
            self.state.apply(e);
            match &e.kind {
                EventKind::Coached { seat, rule, text } => {
                    private.push((
                        *seat,
                        ServerMsg::Coach(CoachView { rule: rule.clone(), text: text.clone(), at: e.at }),
                    ));
                }
                // The caucus is the team's alone: its seat's members get it, nobody else.
                EventKind::Caucus { seat, .. } => {
                    if let Some(line) = self.state.team.caucus.last() {
                        private.push((*seat, ServerMsg::Caucus(caucus_line(line, &self.seats))));
                    }
                }
                EventKind::Chat { .. } | EventKind::Icebreaker { .. } | EventKind::Disclosed { .. } => {
                    if let Some(line) = self.state.chat.last() {
                        chat_frames.push(chat_line(line, &self.seats));
                    }
                }
                _ => state_changed = true,
            }
        }
        // Published before anyone is told, so whoever hears of a change reads the new summary.
        let summary = self.summary();
        let changed = self.summary_tx.send_if_modified(|s| {
            let changed = *s != summary;
            *s = summary;
            changed
        });
        if let (true, Some(tx)) = (changed, &self.session_changes) {
            tx.send_modify(|v| *v = v.wrapping_add(1));
        }
        if state_changed {
            self.ensure_results().await;
            self.broadcast_state(at);
            if self.state.phase == Phase::Results && !self.finish_told {
                self.finish_told = true;
                if let Some(h) = &self.notices {
                    let _ = h.send(ActorNotice::Finished { match_id: self.id.clone() });
                }
            }
        }
        // Chat is public: observers read it as it comes (coaching nudges below are not). A
        // player's line is the same frame for everyone; an icebreaker goes to every connection in
        // its own language, encoded once per language.
        for line in chat_frames {
            let shared = Utf8Bytes::from(ServerMsg::Chat(line.clone()).encode());
            let icebreaker = line.kind == crate::wire::ChatKind::Icebreaker;
            let mut by_lang: std::collections::HashMap<Option<String>, axum::extract::ws::Utf8Bytes> =
                Default::default();
            // The line's sender gets the `ack` of it in the same write (only from the commit that
            // stored the id: the ack says the action is stored).
            let mut ack_owed = self.ack_owed.take_if(|(seat, ..)| ack.is_some() && line.seat == Some(*seat));
            let conns: Vec<(usize, usize, Outbox)> = (self.conns.iter().enumerate())
                .flat_map(|(s, members)| {
                    members.iter().enumerate().filter_map(move |(m, c)| c.clone().map(|c| (s, m, c)))
                })
                .collect();
            for (seat, member, c) in conns {
                let frame = if icebreaker {
                    let lang = c.lang().map(str::to_string);
                    match by_lang.get(&lang) {
                        Some(f) => f.clone(),
                        None => {
                            let texts = self.texts_in(lang.as_deref());
                            let mut own = line.clone();
                            localize_prompt(&mut own, &self.state.config.scenario, &texts);
                            let f = axum::extract::ws::Utf8Bytes::from(ServerMsg::Chat(own).encode());
                            by_lang.insert(lang, f.clone());
                            f
                        }
                    }
                } else {
                    shared.clone()
                };
                match ack_owed {
                    Some((s, m, cid)) if (s, m) == (seat, member) => {
                        c.send_together([frame, Utf8Bytes::from(ServerMsg::Ack { cid }.encode())]);
                        ack_owed = None;
                    }
                    _ => c.send(frame),
                }
            }
            self.ack_owed = self.ack_owed.or(ack_owed);
            for w in &self.observers {
                let frame = match (line.kind == crate::wire::ChatKind::Icebreaker, w.outbox.lang()) {
                    (true, Some(lang)) => {
                        let mut own = line.clone();
                        localize_prompt(&mut own, &self.state.config.scenario, &self.localized_or_base(Some(lang)));
                        axum::extract::ws::Utf8Bytes::from(ServerMsg::Chat(own).encode())
                    }
                    _ => shared.clone(),
                };
                w.outbox.send(frame);
            }
        }
        for (seat, f) in private {
            self.send_to(seat, &f);
        }
        Ok(())
    }

    /// A receiver of this match's summaries, for its handle.
    pub fn summaries(&self) -> watch::Receiver<MatchSummary> {
        self.summary_tx.subscribe()
    }
}

/// The actor in-process, with tokio's time paused: deadlines and grace periods of minutes pass
/// in milliseconds, and nothing waits on the wall clock.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::game::{ImpasseReason, MatchConfig};
    use crate::core::scenario::{load_file, PhaseDurations};

    struct Running {
        tx: mpsc::Sender<MatchMsg>,
        summary: watch::Receiver<MatchSummary>,
        dir: std::path::PathBuf,
    }

    impl Drop for Running {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    /// A two-player campsite match without small talk (prep 0, survey 60 s), not yet running, and
    /// the folder of its database.
    fn actor(name: &str, bargaining: u64, dropout: DropoutPolicy, grace: u64) -> (MatchActor, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("parley-actor-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (store, _) = Store::open(&dir.join("t.db")).unwrap();
        let scenario = load_file(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/campsite.toml"));
        let config = MatchConfig {
            scenario: Arc::new(scenario.unwrap()),
            durations: PhaseDurations { prep: 0, small_talk: 0, bargaining, survey: 60 },
            small_talk: false,
            icebreaker: None,
            features: Default::default(),
        };
        let names = vec![("Ana".to_string(), false), ("Ben".to_string(), false)];
        let phrases = Arc::new(Phrases::bundled());
        let actor = MatchActor::new(name.into(), Match::new(config), names, store, dropout, grace, phrases, now_ms());
        (actor, dir)
    }

    /// The same match, started, nobody connected.
    fn start(name: &str, bargaining: u64, dropout: DropoutPolicy, grace: u64) -> Running {
        let (actor, dir) = actor(name, bargaining, dropout, grace);
        let summary = actor.summaries();
        let (tx, rx) = mpsc::channel(MAILBOX);
        tokio::spawn(actor.run(rx, true));
        Running { tx, summary, dir }
    }

    #[tokio::test(start_paused = true)]
    async fn a_bargaining_deadline_ends_in_an_impasse_in_virtual_time() {
        let real = std::time::Instant::now();
        let t0 = now_ms();
        let mut m = start("deadline", 600, DropoutPolicy::Wait, 60);
        let s = m.summary.wait_for(|s| s.phase == Phase::Survey).await.unwrap().clone();
        assert_eq!(s.outcome, Some(Outcome::Impasse { reason: ImpasseReason::Deadline }));
        assert!(now_ms() - t0 >= 600_000, "ten minutes of bargaining passed on the runtime's clock");
        assert!(real.elapsed() < Duration::from_secs(10), "and not on the wall clock: {:?}", real.elapsed());
    }

    #[tokio::test(start_paused = true)]
    async fn a_finished_match_nobody_watches_goes_dormant_after_ten_idle_minutes() {
        let (actor, dir) = actor("dormant", 60, DropoutPolicy::Wait, 60);
        let mut summary = actor.summaries();
        let (_tx, mut rx) = mpsc::channel(MAILBOX);
        let t0 = now_ms();
        let exit = actor.run_until(&mut rx, true, None, Some(Duration::from_secs(600))).await;
        assert_eq!(exit, Exit::Dormant);
        // Bargaining (60 s) and the survey (60 s) ran out, then ten idle minutes in results.
        assert!(now_ms() - t0 >= 720_000, "{}", now_ms() - t0);
        assert_eq!(summary.borrow_and_update().phase, Phase::Results, "the handle keeps the last summary");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test(start_paused = true)]
    async fn a_player_gone_past_the_grace_period_abandons_the_match_and_not_before() {
        let mut m = start("grace", 3600, DropoutPolicy::Abandon, 120);
        m.summary.wait_for(|s| s.phase == Phase::Bargaining).await.unwrap();
        let (ana, _ana_rx) = Outbox::new();
        let (ben, _ben_rx) = Outbox::new();
        let ben_id = ben.id;
        m.tx.send(MatchMsg::Attach { seat: 0, member: 0, outbox: ana }).await.unwrap();
        m.tx.send(MatchMsg::Attach { seat: 1, member: 0, outbox: ben }).await.unwrap();
        let left = now_ms();
        m.tx.send(MatchMsg::Detach { seat: 1, member: 0, conn: ben_id }).await.unwrap();
        let s = m.summary.wait_for(|s| s.outcome.is_some()).await.unwrap().clone();
        assert!(matches!(s.outcome, Some(Outcome::Abandoned { .. })), "{:?}", s.outcome);
        let waited = now_ms() - left;
        assert!((120_000..180_000).contains(&waited), "abandoned {waited} ms after Ben left (grace 120 s)");
    }
}
