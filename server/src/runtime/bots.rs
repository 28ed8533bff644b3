//! The server's own bots: played on demand in the practice pool, added by facilitators, or
//! handed a seat (by the facilitator, or by the `bot` dropout policy). Each bot is a player of
//! its own, marked as a bot (its ratings never count as a person's trust), with a neutral name;
//! it connects to this server over a real WebSocket and resumes with its own token, like a
//! person coming back.

use crate::bots::client::{run_bot, BotConfig, Entry};
use crate::bots::level::Persona;
use crate::bots::strategies::StrategyRef;
use crate::protocol::{BotLevel, ProtocolError};
use crate::runtime::app::App;
use crate::runtime::match_actor::{now_ms, MatchMsg};
use crate::runtime::session::{Location, Player, Session};
use crate::runtime::session_actor::SessionActor;
use rand::seq::IndexedRandom;
use rand::Rng;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// First names for bots: neutral, short, and followed by "(bot)" so nobody mistakes one for a person.
const BOT_NAMES: &[&str] =
    &["Sam", "Alex", "Robin", "Kim", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn"];

/// A bot's display name, e.g. "Sam (bot)".
pub fn bot_name() -> String {
    format!("{} (bot)", BOT_NAMES.choose(&mut rand::rng()).unwrap_or(&"Sam"))
}

impl App {
    /// Registers a bot player in a session (stored like any player, marked as a bot).
    pub async fn new_bot(&self, session: &Session) -> Result<Arc<Player>, ProtocolError> {
        self.new_player(session, &bot_name(), true).await
    }

    /// Starts the client of a registered bot at the realistic level; it resumes with the bot's
    /// token. Returns at once.
    pub fn run_bot_client(&self, bot: &Player, strategy: Option<StrategyRef>) {
        self.run_bot_client_at(bot, strategy, None)
    }

    /// Starts the client of a registered bot at a level (see [`Persona::choose`] for what an
    /// absent strategy or level means); it resumes with the bot's token. Returns at once.
    pub fn run_bot_client_at(&self, bot: &Player, strategy: Option<StrategyRef>, level: Option<BotLevel>) {
        let Some(addr) = self.self_addr.get().cloned() else {
            tracing::error!("cannot start a bot before the server listens");
            return;
        };
        let persona = Persona::choose(strategy, level);
        let strategy = persona.strategy;
        let cfg = BotConfig {
            addr,
            name: bot.name.clone(),
            entry: Entry::Resume(bot.token.clone()),
            strategy,
            level: persona.level,
            seed: rand::rng().random(),
            pace: Duration::from_millis(self.bots.pace_ms.max(10)),
            max_time: Duration::from_secs(6 * 3600),
            matches: 1,
        };
        tracing::info!(strategy = strategy.name(), level = persona.level.name(), bot = %bot.id, session = %bot.session, "starting a bot");
        tokio::spawn(async move {
            if let Err(e) = run_bot(cfg).await {
                tracing::warn!(error = %e, "bot stopped");
            }
        });
    }
}

impl App {
    /// Starts a client for every bot seated in a running match of a session that has just come
    /// into memory here (taken over from a dead node, or read back after a restart): the client it
    /// had lived in the process that ran the session before. Its strategy and level are not
    /// stored, so it plays on at the realistic level with a strategy drawn anew. Returns how many
    /// bots were started.
    pub fn restart_bots(&self, code: &str) -> usize {
        let Some(s) = self.sessions.get(code).map(|s| s.clone()) else { return 0 };
        let ids = s.player_ids.lock().expect("player ids").clone();
        let mut started = 0;
        for id in ids {
            let Some(bot) = self.players_by_id.get(&id).map(|p| p.clone()).filter(|p| p.bot) else { continue };
            let in_running_match = match &*bot.location.lock().expect("location") {
                Location::InMatch { match_id, .. } => {
                    self.matches.get(match_id).is_some_and(|m| m.summary().phase != crate::core::game::Phase::Results)
                }
                _ => false,
            };
            if in_running_match {
                self.run_bot_client(&bot, None);
                started += 1;
            }
        }
        started
    }
}

impl SessionActor {
    /// A facilitator adds a bot to the session: it waits to be paired like a person.
    pub(crate) async fn add_bot(&mut self, s: &Arc<Session>, strategy: Option<StrategyRef>) -> Result<(), String> {
        let bot = self.app.new_bot(s).await.map_err(|e| e.message)?;
        self.on_enqueue(s, &bot);
        self.app.run_bot_client(&bot, strategy);
        Ok(())
    }

    /// The dropout policy `bot`: a new bot takes over the seat of a player gone past the grace period.
    pub(crate) async fn hand_seat_to_bot(&mut self, s: &Session, match_id: &str, seat: usize) -> Result<(), String> {
        let bot = self.app.new_bot(s).await.map_err(|e| e.message)?;
        self.hand_seat(s, match_id, seat, &bot).await?;
        self.app.run_bot_client(&bot, Some(StrategyRef::default()));
        Ok(())
    }

    /// Gives a seat of a running match to another player of the session (waiting, or a new bot).
    /// The seat's owner is stored first, then the handover goes into the match's log, then the
    /// new player is attached and the old one goes back to the lobby.
    pub(crate) async fn hand_seat(
        &mut self,
        s: &Session,
        match_id: &str,
        seat: usize,
        to: &Arc<Player>,
    ) -> Result<(), String> {
        let app = self.app.clone();
        let handle = app.matches.get(match_id).map(|m| m.clone()).ok_or("no such match")?;
        let old = handle.seats.get(seat).cloned().ok_or("no such seat")?;
        let mut seats = handle.seats.clone();
        seats[seat] = to.id.clone();
        let stored = |seats: &Vec<String>| serde_json::to_string(seats).expect("seats serialise");
        app.store.update_seats(match_id, stored(&seats)).await.map_err(|e| {
            tracing::error!(error = %e, "could not store a seat handover");
            "could not store the handover; nothing changed".to_string()
        })?;
        let (reply, rx) = tokio::sync::oneshot::channel();
        let msg = MatchMsg::HandSeat {
            seat,
            from: old.clone(),
            player: to.id.clone(),
            name: to.name.clone(),
            bot: to.bot,
            reply,
        };
        let handed = handle.tx.send(msg).await.is_ok() && matches!(rx.await, Ok(Ok(())));
        if !handed {
            let _ = app.store.update_seats(match_id, stored(&handle.seats)).await;
            return Err("the match is over or could not record the handover; nothing changed".into());
        }
        if let Some(mut m) = app.matches.get_mut(match_id) {
            m.seats = seats;
            if let Some(team) = m.members.get_mut(seat) {
                *team = vec![to.id.clone()];
            }
        }
        let kind = json!({"action": "seat_handed", "match_id": match_id, "seat": seat, "from": old, "to": to.id});
        if let Err(e) = app.store.append_session_event(&s.code, now_ms(), kind.to_string()).await {
            tracing::error!(error = %e, "could not store the seat handover in the session log");
        }
        self.lines.remove(&to.id);
        *to.location.lock().expect("location") = Location::InMatch { match_id: match_id.to_string(), seat, member: 0 };
        let outbox = to.conn.lock().expect("conn").clone();
        if let Some(outbox) = outbox {
            let _ = handle.tx.send(MatchMsg::Attach { seat, member: 0, outbox }).await;
        }
        // The seat's old holder, and every member of its team, go back to the lobby.
        let team = handle.members.get(seat).cloned().unwrap_or_default();
        for pid in team.iter().chain([&old]) {
            let Some(p) = app.players_by_id.get(pid).map(|p| p.clone()) else { continue };
            let mut loc = p.location.lock().expect("location");
            if matches!(&*loc, Location::InMatch { match_id: m, seat: s, .. } if m == match_id && *s == seat) {
                *loc = Location::Lobby;
            }
        }
        tracing::info!(match_id, seat, from = %old, to = %to.id, "seat handed on");
        s.touch();
        Ok(())
    }
}
