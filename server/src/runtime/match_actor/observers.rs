//! The match actor's observers (the fishbowl): participants who watch a match without a seat.
//! They are kept apart from the seats (`conns`), so nothing that changes seats (a handover, a
//! dropout) can touch them, and they are sent their own frame, `observe`
//! ([`crate::runtime::view::observer_view`]), whose type holds public facts only. Public chat
//! reaches them as it reaches the players; coaching nudges and anything else a seat is sent
//! alone never do. Their one act is filing an observation sheet, stored in the match's log
//! before anyone is told.

use super::{now_ms, MatchActor, Millis};
use crate::core::game::EventKind;
use crate::core::observe::{may_file, ObservationSheet, SheetError};
use crate::error::ErrorCode;
use crate::runtime::outbox::Outbox;
use crate::runtime::view::{chat_history_for, observer_view, results_for_observer};
use crate::wire::ServerMsg;

/// One observer's live connection.
pub(super) struct Watcher {
    /// Their player id.
    pub player: String,
    /// Their display name.
    pub name: String,
    /// The connection.
    pub outbox: Outbox,
}

impl MatchActor {
    /// An observer's connection starts watching (an assignment, or a reconnect: a newer
    /// connection of the same observer takes the older one's place). It gets the whole observer
    /// view and the chat so far; the players' views name a new observer.
    pub(super) async fn on_observe(&mut self, player: String, name: String, outbox: Outbox) {
        let now = now_ms();
        self.ensure_results().await;
        let texts = self.texts_in(outbox.lang());
        match self.observers.iter_mut().find(|w| w.player == player) {
            Some(w) => w.outbox = outbox.clone(),
            None => {
                self.observers.push(Watcher { player: player.clone(), name, outbox: outbox.clone() });
                self.broadcast_seats(now);
            }
        }
        let frame = self.observer_frame(&player, now, true);
        outbox.send_msg(&frame);
        outbox.send_msg(&chat_history_for(&self.state, &self.seats, &texts));
    }

    /// An observer's connection went away (`conn`; a newer one of theirs stays), or they stopped
    /// observing (`conn` none). The players' views stop naming them.
    pub(super) fn on_unobserve(&mut self, player: &str, conn: Option<u64>) {
        let before = self.observers.len();
        self.observers.retain(|w| w.player != player || conn.is_some_and(|c| c != w.outbox.id));
        if self.observers.len() != before {
            self.broadcast_seats(now_ms());
        }
    }

    /// An observer files their sheet (checked and cleaned by the connection): one per observer per
    /// match, in any phase. Stored, then everyone's view shows it (the players' in results).
    pub(super) async fn on_sheet(&mut self, player: String, name: String, sheet: ObservationSheet) {
        if let Err(e) = may_file(&self.state.observations, &player) {
            let code = match e {
                SheetError::AlreadySent => ErrorCode::SheetAlreadySent,
                SheetError::BadText(_) => ErrorCode::BadSheet,
            };
            return self.send_observer(&player, &ServerMsg::error(code, e.to_string()));
        }
        let kind = EventKind::ObservationFiled { player: player.clone(), name, sheet };
        if let Err(e) = self.commit(vec![kind]).await {
            tracing::error!(match_id = %self.id, error = %e, "could not store an observation sheet");
            self.send_observer(&player, &ServerMsg::error(ErrorCode::Internal, crate::protocol::INTERNAL_MESSAGE));
        }
    }

    /// The `observe` frame of one observer (`all_offers`: the whole offer history).
    fn observer_frame(&self, player: &str, now: Millis, all_offers: bool) -> ServerMsg {
        let results = self.results_cache.as_ref().map(|r| results_for_observer(r, &self.state, self.reveal));
        let lang = self.observers.iter().find(|w| w.player == player).and_then(|w| w.outbox.lang());
        let texts = self.localized_or_base(lang);
        observer_view(&self.id, &self.state, &texts, &self.seats, player, results, now, all_offers)
    }

    /// Sends every observer their view (after every change the players are shown).
    pub(super) fn broadcast_observers(&self, now: Millis) {
        if self.observers.is_empty() {
            return;
        }
        let results = self.results_cache.as_ref().map(|r| results_for_observer(r, &self.state, self.reveal));
        for w in &self.observers {
            let texts = self.localized_or_base(w.outbox.lang());
            let f = observer_view(&self.id, &self.state, &texts, &self.seats, &w.player, results.clone(), now, false);
            w.outbox.send_msg(&f);
        }
    }

    /// Sends the players (not the observers) their state: who observes changed (and after every
    /// change, from `broadcast_state`). Each team member gets their own: it names them and what
    /// the decision rule lets them do.
    pub(super) fn broadcast_seats(&mut self, now: Millis) {
        for seat in 0..self.state.seats {
            for member in 0..self.conns[seat].len() {
                if self.conns[seat][member].is_some() {
                    let v = self.view(seat, member, now, false);
                    self.send_to_member(seat, member, &v);
                }
            }
        }
    }

    /// The same frame to every observer.
    pub(super) fn send_observers(&self, frame: &ServerMsg) {
        for w in &self.observers {
            w.outbox.send_msg(frame);
        }
    }

    fn send_observer(&self, player: &str, frame: &ServerMsg) {
        if let Some(w) = self.observers.iter().find(|w| w.player == player) {
            w.outbox.send_msg(frame);
        }
    }

    /// Names of the observers watching now, each once.
    pub(super) fn observer_names(&self) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        self.observers.iter().filter(|w| seen.insert(w.player.as_str())).map(|w| w.name.clone()).collect()
    }
}
