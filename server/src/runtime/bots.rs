//! The server's own bots: offered in the practice pool, added by facilitators, or handed a
//! dropped player's seat. They connect to this server over a real WebSocket, like people.

use crate::bots::brain::Strategy;
use crate::bots::client::{run_bot, BotConfig, Entry};
use crate::runtime::app::App;
use crate::runtime::session::{Player, Session};
use rand::Rng;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

impl App {
    /// Starts a bot that enters the game as `entry`; returns at once.
    pub fn spawn_bot(&self, entry: Entry, strategy: Option<Strategy>) {
        let Some(addr) = self.self_addr.get().cloned() else {
            tracing::error!("cannot start a bot before the server listens");
            return;
        };
        let strategy = strategy.unwrap_or_else(|| Strategy::ALL[rand::rng().random_range(0..Strategy::ALL.len())]);
        let cfg = BotConfig {
            addr,
            name: format!("Parley bot ({})", strategy.name().replace('_', "-")),
            entry,
            strategy,
            seed: rand::rng().random(),
            pace: Duration::from_millis(self.bots.pace_ms.max(10)),
            max_time: Duration::from_secs(6 * 3600),
            matches: 1,
        };
        tracing::info!(strategy = strategy.name(), entry = ?cfg.entry, "starting a bot");
        tokio::spawn(async move {
            if let Err(e) = run_bot(cfg).await {
                tracing::warn!(error = %e, "bot stopped");
            }
        });
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
            if alone {
                p.send(&json!({
                    "type": "waiting", "ahead": 0, "waiting": 1, "scenario": line, "bot_offer": true,
                    "message": "Nobody else is here yet. You can keep waiting, or practise with a bot now.",
                }));
            }
        });
    }

    /// A waiting practice player asked for a bot: it joins their waiting line.
    pub fn play_bot(&self, player: &Player, strategy: Option<Strategy>) -> Result<(), (&'static str, String)> {
        let s = self.sessions.get(&player.session).map(|s| s.clone()).ok_or(("internal", "no session".to_string()))?;
        if s.kind != crate::runtime::session::SessionKind::Practice {
            return Err(("not_practice", "bots on demand are for the practice pool; ask your facilitator".into()));
        }
        let line = s.queue.lock().expect("queue").position(&player.id).map(|x| x.0);
        let Some(line) = line else { return Err(("not_waiting", "you are not waiting for a partner".into())) };
        self.spawn_bot(Entry::Practice(Some(line)), strategy);
        Ok(())
    }

    /// The dropout policy handed a seat to a bot: it resumes the seat with the player's token.
    pub(crate) fn hand_seat_to_bot(&self, match_id: &str, seat: usize) {
        let Some(pid) = self.matches.get(match_id).and_then(|m| m.seats.get(seat).cloned()) else { return };
        let Some(token) = self.players_by_id.get(&pid).map(|p| p.token.clone()) else { return };
        self.spawn_bot(Entry::Resume(token), Some(Strategy::Logroller));
    }
}
