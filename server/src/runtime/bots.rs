//! The server's own bots: played on demand in the practice pool, added by facilitators, or
//! handed a seat (by the facilitator, or by the `bot` dropout policy). Each bot is a player of
//! its own, marked as a bot (its ratings never count as a person's trust), with a neutral name;
//! it connects to this server over a real WebSocket and resumes with its own token, like a
//! person coming back.

use crate::bots::client::{run_bot, BotConfig, Entry};
use crate::bots::strategies::StrategyRef;
use crate::error::ErrorCode;
use crate::protocol::ProtocolError;
use crate::runtime::app::App;
use crate::runtime::match_actor::{now_ms, MatchMsg};
use crate::runtime::session::{Location, Player, Session, SessionKind};
use crate::wire::ServerMsg;
use rand::seq::IndexedRandom;
use rand::Rng;
use serde_json::json;
use std::sync::atomic::Ordering;
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

    /// Starts the client of a registered bot; it resumes with the bot's token. Returns at once.
    pub fn run_bot_client(&self, bot: &Player, strategy: Option<StrategyRef>) {
        let Some(addr) = self.self_addr.get().cloned() else {
            tracing::error!("cannot start a bot before the server listens");
            return;
        };
        let strategy = strategy.unwrap_or_else(StrategyRef::random);
        let cfg = BotConfig {
            addr,
            name: bot.name.clone(),
            entry: Entry::Resume(bot.token.clone()),
            strategy,
            seed: rand::rng().random(),
            pace: Duration::from_millis(self.bots.pace_ms.max(10)),
            max_time: Duration::from_secs(6 * 3600),
            matches: 1,
        };
        tracing::info!(strategy = strategy.name(), bot = %bot.id, session = %bot.session, "starting a bot");
        tokio::spawn(async move {
            if let Err(e) = run_bot(cfg).await {
                tracing::warn!(error = %e, "bot stopped");
            }
        });
    }

    /// A facilitator adds a bot to the session: it waits to be paired like a person.
    pub async fn add_bot(self: &Arc<Self>, s: &Arc<Session>, strategy: Option<StrategyRef>) -> Result<(), String> {
        let bot = self.new_bot(s).await.map_err(|e| e.message)?;
        self.enqueue(&bot);
        self.run_bot_client(&bot, strategy);
        Ok(())
    }

    /// After the configured wait, offers a bot to a player still waiting alone in the practice pool.
    pub(crate) fn offer_bot_later(self: &Arc<Self>, session: &Arc<Session>, player: &Arc<Player>, line: &str) {
        let (app, s, p, line) = (self.clone(), session.clone(), player.clone(), line.to_string());
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(app.bots.practice_after)).await;
            let alone = s
                .queue
                .lock()
                .expect("queue")
                .position(&p.id)
                .is_some_and(|(l, ahead, n)| l == line && ahead == 0 && n == 1);
            if alone && !p.asked_for_bot.load(Ordering::Relaxed) {
                p.send(&ServerMsg::Waiting {
                    ahead: 0,
                    waiting: 1,
                    scenario: line.clone(),
                    message: "Nobody else is here yet. You can keep waiting, or practise with a bot now.".into(),
                    bot_offer: true,
                });
            }
        });
    }

    /// A player waiting in the practice pool asks for a bot: a match starts at once with bots in
    /// the other seats. Only while waiting, and once per player.
    pub async fn play_bot(
        self: &Arc<Self>,
        player: &Arc<Player>,
        strategy: Option<StrategyRef>,
    ) -> Result<(), ProtocolError> {
        let s = self.sessions.get(&player.session).map(|s| s.clone()).ok_or_else(ProtocolError::internal)?;
        if s.kind != SessionKind::Practice {
            return Err(ProtocolError::new(
                ErrorCode::NotPractice,
                "bots on demand are for the practice pool; ask your facilitator",
            ));
        }
        let line = {
            let mut q = s.queue.lock().expect("queue");
            let Some((line, _, _)) = q.position(&player.id) else {
                return Err(ProtocolError::new(ErrorCode::NotWaiting, "you are not waiting for a partner"));
            };
            if player.asked_for_bot.swap(true, Ordering::Relaxed) {
                return Err(ProtocolError::new(ErrorCode::BotAlreadyRequested, "a bot is already on its way to you"));
            }
            q.remove(&player.id);
            self.mark_seating(std::slice::from_ref(&player.id));
            line
        };
        self.notify_waiting(&s, &line);
        let roles = self.scenario(&line).map(|x| x.roles.len()).unwrap_or(2);
        let mut bots = Vec::new();
        for _ in 1..roles {
            match self.new_bot(&s).await {
                Ok(b) => bots.push(b),
                Err(e) => {
                    // Back in line as if nothing happened (the request can be made again).
                    player.asked_for_bot.store(false, Ordering::Relaxed);
                    *player.location.lock().expect("location") = Location::Lobby;
                    self.enqueue(player);
                    return Err(e);
                }
            }
        }
        let mut seats: Vec<String> =
            std::iter::once(player.id.clone()).chain(bots.iter().map(|b| b.id.clone())).collect();
        // Which role the person plays is left to chance, as with a human partner.
        let k = rand::rng().random_range(0..seats.len());
        seats.rotate_left(k);
        if self.start_seated_match(s.clone(), &line, seats, true).await.is_none() {
            return Err(ProtocolError::internal());
        }
        for b in &bots {
            self.run_bot_client(b, strategy);
        }
        Ok(())
    }

    /// The dropout policy `bot`: a new bot takes over the seat of a player gone past the grace period.
    pub(crate) async fn hand_seat_to_bot(self: &Arc<Self>, match_id: &str, seat: usize) -> Result<(), String> {
        let session = self.matches.get(match_id).map(|m| m.session.clone()).ok_or("no such match")?;
        let s = self.sessions.get(&session).map(|s| s.clone()).ok_or("no such session")?;
        let bot = self.new_bot(&s).await.map_err(|e| e.message)?;
        self.hand_seat(&s, match_id, seat, &bot).await?;
        self.run_bot_client(&bot, Some(StrategyRef::default()));
        Ok(())
    }

    /// Gives a seat of a running match to another player of the session (waiting, or a new bot).
    /// The seat's owner is stored first, then the handover goes into the match's log, then the
    /// new player is attached and the old one goes back to the lobby.
    pub async fn hand_seat(&self, s: &Session, match_id: &str, seat: usize, to: &Arc<Player>) -> Result<(), String> {
        let handle = self.matches.get(match_id).map(|m| m.clone()).ok_or("no such match")?;
        let old = handle.seats.get(seat).cloned().ok_or("no such seat")?;
        let mut seats = handle.seats.clone();
        seats[seat] = to.id.clone();
        let stored = |seats: &Vec<String>| serde_json::to_string(seats).expect("seats serialise");
        self.store.update_seats(match_id, stored(&seats)).await.map_err(|e| {
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
            let _ = self.store.update_seats(match_id, stored(&handle.seats)).await;
            return Err("the match is over or could not record the handover; nothing changed".into());
        }
        if let Some(mut m) = self.matches.get_mut(match_id) {
            m.seats = seats;
        }
        let kind = json!({"action": "seat_handed", "match_id": match_id, "seat": seat, "from": old, "to": to.id});
        if let Err(e) = self.store.append_session_event(&s.code, now_ms(), kind.to_string()).await {
            tracing::error!(error = %e, "could not store the seat handover in the session log");
        }
        s.queue.lock().expect("queue").remove(&to.id);
        *to.location.lock().expect("location") = Location::InMatch { match_id: match_id.to_string(), seat };
        let outbox = to.conn.lock().expect("conn").clone();
        if let Some(outbox) = outbox {
            let _ = handle.tx.send(MatchMsg::Attach { seat, outbox }).await;
        }
        if let Some(p) = self.players_by_id.get(&old).map(|p| p.clone()) {
            let mut loc = p.location.lock().expect("location");
            if *loc == (Location::InMatch { match_id: match_id.to_string(), seat }) {
                *loc = Location::Lobby;
            }
        }
        tracing::info!(match_id, seat, from = %old, to = %to.id, "seat handed on");
        s.touch();
        Ok(())
    }
}
