//! One tokio task per match owns that match's state (the actor pattern). Everything that
//! changes a match arrives as a [`MatchMsg`]; timers are the actor's own sleeps until the next
//! deadline. Events are stored before they are applied or broadcast. Its lifecycle steps are
//! named methods: `on_attach` (a connection takes a seat; after `on_drop` this is the reconnect),
//! `on_drop`, `on_action`, `on_control`, `on_tick` (deadlines and dropouts), and disposal when a
//! finished, idle match goes dormant ([`Exit::Dormant`]).
//!
//! A chat line does not wait for its commit: the actor hands the line's frames to the store,
//! whose writer delivers them right after the commit (so the line is durable before anyone
//! reads it), and goes on with its next message. Anything else the actor sends first waits
//! until those deliveries are done ([`MatchActor::settle`]), so no frame ever shows a line
//! before it is stored; if the store refused one, the actor reads its log back and shows
//! everyone the stored state.

use crate::core::game::{Action, Control, Event, EventKind, GameError, Match, Millis, Outcome, Phase};
use crate::core::scenario::Scenario;
use crate::core::tactics::{Line, Tactics, Tagger, Vocabulary};
use crate::core::trust::{analyse_log_with_bots, Phrases};
use crate::error::ErrorCode;
use crate::runtime::outbox::Outbox;
use crate::runtime::session::{DropoutPolicy, Reveal};
use crate::runtime::view::{
    chat_history, chat_line, match_results, results_for_seat, state_for, MatchResults, SeatInfo,
};
use crate::store::Store;
use crate::wire::{CoachView, DropoutView, ServerMsg};

use std::sync::atomic::{AtomicBool, Ordering};
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
        /// The action.
        action: Action,
    },
    /// A connection takes a seat (join or resume): it gets the state and chat history.
    Attach {
        /// The seat.
        seat: usize,
        /// The connection.
        outbox: Outbox,
    },
    /// A connection went away.
    Detach {
        /// The seat.
        seat: usize,
        /// The connection id (ignored if the seat has a newer connection).
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

/// How far the store's writer has delivered the chat lines an actor did not wait for.
struct Deliveries {
    /// Lines delivered (or refused) so far, in the order they were handed over.
    done: watch::Sender<u64>,
    /// One was refused: the actor's state holds a line the store does not.
    failed: AtomicBool,
    /// Wakes the actor to read its log back after a refusal.
    failure: tokio::sync::Notify,
}

/// Events whose only effect, once stored, is a frame to some connections (a chat line, a coaching
/// nudge): the actor hands them to the store without waiting for the commit.
fn only_frames(kinds: &[EventKind]) -> bool {
    kinds.iter().all(|k| {
        matches!(
            k,
            EventKind::Chat { .. }
                | EventKind::Icebreaker { .. }
                | EventKind::Disclosed { .. }
                | EventKind::Coached { .. }
        )
    })
}

/// The actor's state.
pub struct MatchActor {
    /// Where the summary is published (see [`MatchHandle::summary`]).
    summary_tx: watch::Sender<MatchSummary>,
    id: String,
    state: Match,
    seats: Vec<SeatInfo>,
    conns: Vec<Option<Outbox>>,
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
    /// Chat lines handed to the store without waiting (see [`MatchActor::settle`]).
    handed_over: u64,
    deliveries: Arc<Deliveries>,
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
            conns: vec![None; n],
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
            coaching: false,
            line_tags: Vec::new(),
            vocabulary,
            finish_told: finished,
            observers: Vec::new(),
            max_offers: crate::limits::Limits::default().max_offers_per_match,
            handed_over: 0,
            deliveries: Arc::new(Deliveries {
                done: watch::Sender::new(0),
                failed: AtomicBool::new(false),
                failure: tokio::sync::Notify::new(),
            }),
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
                && self.conns.iter().all(Option::is_none)
                && self.observers.is_empty();
            let dormant = dormant_after.filter(|_| idle);
            let wake = dormant.unwrap_or_else(|| self.next_wake(now));
            let deliveries = self.deliveries.clone();
            tokio::select! {
                msg = rx.recv() => match msg {
                    Some(m) => self.handle(m).await,
                    None => return Exit::Closed,
                },
                _ = deliveries.failure.notified() => {
                    self.settle().await;
                }
                _ = tokio::time::sleep(wake) => {
                    if dormant.is_some() {
                        self.settle().await;
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
        if !matches!(msg, MatchMsg::Action { .. }) {
            self.settle().await;
        }
        match msg {
            MatchMsg::Action { seat, action } => self.on_action(seat, action).await,
            MatchMsg::Attach { seat, outbox } => self.on_attach(seat, outbox).await,
            MatchMsg::Detach { seat, conn } => self.on_drop(seat, conn),
            MatchMsg::Control { control, reply } => {
                let r = self.on_control(&control).await;
                let _ = reply.send(r);
            }
            MatchMsg::HandSeat { seat, from, player, name, bot, reply } => {
                let r = self.hand_seat(seat, from, player, name, bot).await;
                let _ = reply.send(r);
            }
            MatchMsg::Notice(text) => {
                let f = ServerMsg::Notice { text };
                for c in self.conns.iter().flatten() {
                    c.send_msg(&f);
                }
                self.send_observers(&f);
            }
            MatchMsg::Observe { player, name, outbox } => self.on_observe(player, name, outbox).await,
            MatchMsg::Unobserve { player, conn } => self.on_unobserve(&player, conn),
            MatchMsg::Sheet { player, name, sheet } => self.on_sheet(player, name, sheet).await,
        }
    }

    /// Action: a player's move, decided by the pure core, stored, then told to everyone.
    async fn on_action(&mut self, seat: usize, action: Action) {
        if self.deliveries.failed.load(Ordering::Acquire) {
            self.settle().await;
        }
        let mut decided = self.state.decide(seat, &action);
        // Only a chat line (or the like) goes on without waiting; anything else first waits for
        // the lines before it, and decides again if the state had to be read back.
        if !matches!(&decided, Ok(evs) if !evs.is_empty() && only_frames(evs)) && self.settle().await {
            decided = self.state.decide(seat, &action);
        }
        if matches!(action, Action::Offer(_)) && self.state.offers.len() >= self.max_offers {
            let m = format!("this match has reached its limit of {} offers", self.max_offers);
            return self.send_to(seat, &ServerMsg::error(ErrorCode::OfferLimit, m));
        }
        match decided {
            // Nothing changes (the same offer again): the seat's state is the answer.
            Ok(evs) if evs.is_empty() => {
                let v = self.view(seat, now_ms(), false);
                self.send_to(seat, &v);
            }
            Ok(evs) => {
                if let Err(e) = self.commit_for(Some(seat), evs).await {
                    tracing::error!(match_id = %self.id, error = %e, "could not store an action");
                    self.send_to(seat, &ServerMsg::error(ErrorCode::Internal, crate::protocol::INTERNAL_MESSAGE));
                } else if matches!(
                    action,
                    Action::Chat(_) | Action::ChatExpressed(..) | Action::Disclose(_) | Action::Offer(_)
                ) {
                    self.coach(seat).await;
                }
            }
            Err(e) => self.send_to(seat, &ServerMsg::error(ErrorCode::from(&e), e.to_string())),
        }
    }

    /// Attach (and reconnect: an attach after a drop): a connection takes the seat, replacing an
    /// older one, and gets the whole view and the chat so far.
    async fn on_attach(&mut self, seat: usize, outbox: crate::runtime::outbox::Outbox) {
        if let Some(old) = self.conns[seat].replace(outbox.clone()) {
            if old.id != outbox.id {
                old.close(crate::runtime::outbox::CloseReason::Replaced);
            }
        }
        self.seats[seat].gone_since = None;
        self.dropout_told[seat] = false;
        let now = now_ms();
        self.ensure_results().await;
        // Coming online is broadcast (this seat included); a connection replacing a live
        // one gets its state directly. Either way it must see every offer: the
        // broadcast's window holds them all unless the match has more.
        let broadcast = !self.seats[seat].online;
        self.seats[seat].online = true;
        if broadcast {
            self.broadcast_state(now);
        }
        if !broadcast || self.state.offers.len() > crate::runtime::view::OFFER_WINDOW {
            outbox.send_msg(&self.view(seat, now, true));
        }
        outbox.send_msg(&chat_history(&self.state, &self.seats));
    }

    /// Drop: the seat's connection went away; the grace period of the dropout policy starts.
    fn on_drop(&mut self, seat: usize, conn: u64) {
        if self.conns[seat].as_ref().is_some_and(|o| o.id == conn) {
            self.conns[seat] = None;
            self.seats[seat].gone_since = Some(now_ms());
            self.seats[seat].online = false;
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
        if let Some(old) = self.conns[seat].take() {
            old.close(crate::runtime::outbox::CloseReason::Replaced);
        }
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
            if let Err(e) = self.commit_for(Some(seat), vec![kind]).await {
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
                if let Ok(evs) = self.state.control(&Control::Abandon(reason)) {
                    let _ = self.commit(evs).await;
                }
            }
            DropoutPolicy::Wait => {
                if !self.dropout_told[seat] {
                    self.settle().await;
                    self.dropout_told[seat] = true;
                    self.broadcast_state(now);
                }
            }
            DropoutPolicy::Bot => {
                if !self.dropout_told[seat] {
                    self.settle().await;
                    self.dropout_told[seat] = true;
                    if let Some(h) = &self.notices {
                        let _ = h.send(ActorNotice::SeatNeedsBot { match_id: self.id.clone(), seat });
                    }
                    let f = ServerMsg::Notice {
                        text: format!("{} left; a bot takes their seat so you can finish.", self.seats[seat].name),
                    };
                    for c in self.conns.iter().flatten() {
                        c.send_msg(&f);
                    }
                }
            }
        }
    }

    fn broadcast_state(&mut self, now: Millis) {
        for seat in 0..self.state.seats {
            if self.conns[seat].is_some() {
                let v = self.view(seat, now, false);
                self.send_to(seat, &v);
            }
        }
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

    /// The state frame of a seat; `all_offers` = the whole offer history (on attach), else the
    /// window of [`crate::runtime::view::OFFER_WINDOW`] newest offers and every standing one.
    fn view(&mut self, seat: usize, now: Millis, all_offers: bool) -> ServerMsg {
        let dropout = self.dropout_info(seat, now);
        let results = self.results_cache.as_ref().map(|r| {
            let mut r = results_for_seat(r, seat, self.reveal);
            r.observations = crate::runtime::view::observation_views(&self.state);
            r
        });
        let mut v = state_for(&self.id, &self.state, seat, &self.seats, dropout.as_ref(), results, now, all_offers);
        if let ServerMsg::State(st) = &mut v {
            st.observers = self.observer_names();
        }
        v
    }

    fn send_to(&self, seat: usize, frame: &ServerMsg) {
        if let Some(c) = &self.conns[seat] {
            c.send_msg(frame);
        }
    }

    /// Waits until the store has delivered every chat line handed to it without waiting, so
    /// that what the actor sends next (a view, the chat history, an answer) never shows a line
    /// before it is stored; and if the store refused one, reads the log back. True when it did.
    async fn settle(&mut self) -> bool {
        if *self.deliveries.done.borrow() < self.handed_over {
            let n = self.handed_over;
            let _ = self.deliveries.done.subscribe().wait_for(|done| *done >= n).await;
        }
        if !self.deliveries.failed.swap(false, Ordering::AcqRel) {
            return false;
        }
        self.read_back().await;
        true
    }

    /// After a refused write the state may hold a line the store does not (and the store
    /// refuses every later one, so its log has no gap): the state is rebuilt from the stored log
    /// and everyone is shown it again.
    async fn read_back(&mut self) {
        let events = match self.store.match_events(&self.id).await {
            Ok(events) => events,
            Err(e) => {
                tracing::error!(match_id = %self.id, error = %e, "cannot read the log back after a refused write");
                // Try again at the next refusal or message.
                self.deliveries.failed.store(true, Ordering::Release);
                return;
            }
        };
        tracing::warn!(match_id = %self.id, events = events.len(), "a write was refused; state read back from the store");
        self.state = Match::replay(self.state.config.clone(), &events);
        self.next_seq = self.state.events_applied;
        self.line_tags.clear();
        let now = now_ms();
        self.broadcast_state(now);
        let history = chat_history(&self.state, &self.seats);
        for c in self.conns.iter().flatten().chain(self.observers.iter().map(|w| &w.outbox)) {
            c.send_msg(&history);
        }
    }

    /// Hands chat lines (events for which [`only_frames`] holds) to the store without waiting:
    /// they are applied now, and their frames (and the new summary) go out from the store's
    /// writer right after the commit. If the store refuses them, `seat` is told and the actor
    /// is woken to read its log back.
    fn hand_over(&mut self, seat: Option<usize>, kinds: Vec<EventKind>) {
        let at = now_ms();
        let events: Vec<Event> = kinds.into_iter().map(|kind| Event { at, kind }).collect();
        let first_seq = self.next_seq;
        self.next_seq += events.len() as u64;
        let mut frames: Vec<(Outbox, axum::extract::ws::Utf8Bytes)> = Vec::new();
        for e in &events {
            self.state.apply(e);
            if let EventKind::Coached { seat, rule, text } = &e.kind {
                if let Some(c) = &self.conns[*seat] {
                    let f = ServerMsg::Coach(CoachView { rule: rule.clone(), text: text.clone(), at: e.at });
                    frames.push((c.clone(), f.encode().into()));
                }
            } else if let Some(line) = self.state.chat.last() {
                // Chat is public: observers read it as it comes (coaching nudges are not).
                let f: axum::extract::ws::Utf8Bytes = ServerMsg::Chat(chat_line(line, &self.seats)).encode().into();
                for c in self.conns.iter().flatten().chain(self.observers.iter().map(|w| &w.outbox)) {
                    frames.push((c.clone(), f.clone()));
                }
            }
        }
        let summary = self.summary();
        let summary_tx = self.summary_tx.clone();
        let session_changes = self.session_changes.clone();
        let told = seat.and_then(|s| self.conns[s].clone());
        let deliveries = self.deliveries.clone();
        let id = self.id.clone();
        self.handed_over += 1;
        self.store.append_events_then(&self.id, first_seq, events, move |stored| {
            match stored {
                Ok(()) => {
                    // Published before anyone is told, as in `commit`.
                    let changed = summary_tx.send_if_modified(|s| {
                        let changed = *s != summary;
                        *s = summary;
                        changed
                    });
                    if let (true, Some(tx)) = (changed, &session_changes) {
                        tx.send_modify(|v| *v = v.wrapping_add(1));
                    }
                    for (c, f) in frames {
                        c.send(f);
                    }
                }
                Err(e) => {
                    tracing::error!(match_id = %id, error = %e, "could not store a chat line");
                    if let Some(c) = told {
                        c.send_msg(&ServerMsg::error(ErrorCode::Internal, crate::protocol::INTERNAL_MESSAGE));
                    }
                    deliveries.failed.store(true, Ordering::Release);
                    deliveries.failure.notify_one();
                }
            }
            deliveries.done.send_modify(|done| *done += 1);
        });
    }

    /// Stores events, then applies them, then tells the players.
    async fn commit(&mut self, kinds: Vec<EventKind>) -> Result<(), crate::store::StoreError> {
        self.commit_for(None, kinds).await
    }

    /// [`MatchActor::commit`] for events `seat` caused (told if they cannot be stored). Chat
    /// lines are handed over without waiting ([`MatchActor::hand_over`]); for anything else the
    /// actor waits for the commit (the store answers in order, so every line handed over before
    /// is delivered by then).
    async fn commit_for(&mut self, seat: Option<usize>, kinds: Vec<EventKind>) -> Result<(), crate::store::StoreError> {
        if kinds.is_empty() {
            return Ok(());
        }
        if only_frames(&kinds) {
            self.hand_over(seat, kinds);
            return Ok(());
        }
        let at = now_ms();
        let events: Vec<Event> = kinds.into_iter().map(|kind| Event { at, kind }).collect();
        self.store.append_events(&self.id, self.next_seq, events.clone()).await?;
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
                EventKind::Chat { .. } | EventKind::Icebreaker { .. } | EventKind::Disclosed { .. } => {
                    if let Some(line) = self.state.chat.last() {
                        let f = ServerMsg::Chat(chat_line(line, &self.seats));
                        chat_frames.push(axum::extract::ws::Utf8Bytes::from(f.encode()));
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
        // Chat is public: observers read it as it comes (coaching nudges below are not).
        for f in chat_frames {
            for c in self.conns.iter().flatten().chain(self.observers.iter().map(|w| &w.outbox)) {
                c.send(f.clone());
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

    /// The next frame `rx` gets for which `pick` gives something (earlier ones are kept in `seen`).
    async fn until<T>(
        rx: &mut crate::runtime::outbox::OutboxReceiver,
        seen: &mut Vec<ServerMsg>,
        pick: impl Fn(&ServerMsg) -> Option<T>,
    ) -> T {
        loop {
            let f = tokio::time::timeout(Duration::from_secs(30), rx.recv()).await.expect("a frame").expect("open");
            let m = ServerMsg::decode(f.as_str()).expect("a server frame");
            if let Some(t) = pick(&m) {
                return t;
            }
            seen.push(m);
        }
    }

    fn chat_text(m: &ServerMsg) -> Option<String> {
        match m {
            ServerMsg::Chat(line) => Some(line.text.clone()),
            _ => None,
        }
    }

    #[tokio::test]
    async fn a_chat_line_the_store_refuses_reaches_nobody_and_the_actor_reads_its_log_back() {
        let (actor, dir) = actor("refused", 3600, DropoutPolicy::Wait, 60);
        let store = actor.store.clone();
        let mut summary = actor.summaries();
        let (tx, rx) = mpsc::channel(MAILBOX);
        tokio::spawn(actor.run(rx, true));
        summary.wait_for(|s| s.phase == Phase::Bargaining).await.unwrap();
        let (ana, mut ana_rx) = Outbox::new();
        let (ben, mut ben_rx) = Outbox::new();
        tx.send(MatchMsg::Attach { seat: 0, outbox: ana }).await.unwrap();
        tx.send(MatchMsg::Attach { seat: 1, outbox: ben }).await.unwrap();
        let chat = |text: &str| MatchMsg::Action { seat: 0, action: Action::Chat(text.into()) };
        let (mut ana_seen, mut ben_seen) = (Vec::new(), Vec::new());
        tx.send(chat("first")).await.unwrap();
        assert_eq!(until(&mut ben_rx, &mut ben_seen, chat_text).await, "first");
        // The line was stored before Ben read it.
        let stored = store.match_events("refused").await.unwrap();
        assert!(matches!(&stored.last().unwrap().kind, EventKind::Chat { text, .. } if text == "first"));

        // Behind the actor's back an event takes the log's next place, so the store refuses the
        // actor's next line (the log has no gaps and no place is taken twice).
        let behind = EventKind::Chat { seat: 1, text: "stored behind its back".into(), expression: None };
        store.append_events("refused", stored.len() as u64, vec![Event { at: now_ms(), kind: behind }]).await.unwrap();
        tx.send(chat("lost")).await.unwrap();
        let code = until(&mut ana_rx, &mut ana_seen, |m| match m {
            ServerMsg::Error { code, .. } => Some(*code),
            _ => None,
        })
        .await;
        assert_eq!(code, ErrorCode::Internal, "the sender is told");
        // Everyone is shown the stored log again: the refused line is not in it.
        for (rx, seen) in [(&mut ana_rx, &mut ana_seen), (&mut ben_rx, &mut ben_seen)] {
            let lines = until(rx, seen, |m| match m {
                ServerMsg::ChatHistory { lines } => Some(lines.iter().map(|l| l.text.clone()).collect::<Vec<_>>()),
                _ => None,
            })
            .await;
            assert_eq!(lines, ["first", "stored behind its back"]);
        }
        // The actor goes on from the stored log: the next line is stored in the next place and
        // delivered, and nobody ever got the refused one.
        tx.send(chat("after")).await.unwrap();
        assert_eq!(until(&mut ben_rx, &mut ben_seen, chat_text).await, "after");
        assert_eq!(until(&mut ana_rx, &mut ana_seen, chat_text).await, "after");
        for m in ana_seen.iter().chain(&ben_seen) {
            assert_ne!(chat_text(m).as_deref(), Some("lost"), "a refused line reached someone");
        }
        let stored = store.match_events("refused").await.unwrap();
        let texts: Vec<&str> = stored
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Chat { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(texts, ["first", "stored behind its back", "after"]);
        let _ = std::fs::remove_dir_all(&dir);
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
        m.tx.send(MatchMsg::Attach { seat: 0, outbox: ana }).await.unwrap();
        m.tx.send(MatchMsg::Attach { seat: 1, outbox: ben }).await.unwrap();
        let left = now_ms();
        m.tx.send(MatchMsg::Detach { seat: 1, conn: ben_id }).await.unwrap();
        let s = m.summary.wait_for(|s| s.outcome.is_some()).await.unwrap().clone();
        assert!(matches!(s.outcome, Some(Outcome::Abandoned { .. })), "{:?}", s.outcome);
        let waited = now_ms() - left;
        assert!((120_000..180_000).contains(&waited), "abandoned {waited} ms after Ben left (grace 120 s)");
    }
}
