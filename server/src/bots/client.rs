//! Runs a [`Brain`] over a real WebSocket connection to a Parley server.

use super::brain::Brain;
use super::strategies::StrategyRef;
use crate::core::game::Phase;
use crate::error::ErrorCode;
use crate::protocol::BotLevel;
use crate::wire::{ServerMsg, StateView};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

/// How a bot enters the game.
#[derive(Debug, Clone)]
pub enum Entry {
    /// Join a workshop session by code.
    Code(String),
    /// Join the practice pool (optionally for one scenario).
    Practice(Option<String>),
    /// Take over a seat with a player's token (dropout hand-over).
    Resume(String),
}

/// A bot's settings.
#[derive(Debug, Clone)]
pub struct BotConfig {
    /// Server address (`127.0.0.1:8080`).
    pub addr: String,
    /// How to enter.
    pub entry: Entry,
    /// Display name.
    pub name: String,
    /// Strategy.
    pub strategy: StrategyRef,
    /// Level (`docs/bots.md`, *Levels*).
    pub level: BotLevel,
    /// Seed for its chat choices.
    pub seed: u64,
    /// Time between its actions (at most one action per tick).
    pub pace: Duration,
    /// Give up after this long.
    pub max_time: Duration,
    /// Matches to play before leaving (tournaments play several).
    pub matches: usize,
}

/// How a bot's match ended.
#[derive(Debug, Clone, Default)]
pub struct BotReport {
    /// The player id the server gave it.
    pub player_id: String,
    /// Its token (to resume).
    pub token: String,
    /// Match id.
    pub match_id: String,
    /// The final `state` frame (phase results), if reached.
    pub final_state: Option<StateView>,
    /// Error codes the server sent it.
    pub errors: Vec<ErrorCode>,
    /// The results `state` of every match it finished, in order.
    pub results: Vec<StateView>,
    /// The chat lines it sent in its current (or last) match, in order.
    pub said: Vec<String>,
}

/// Connects, plays one match to its results, and returns what happened.
pub async fn run_bot(cfg: BotConfig) -> Result<BotReport, String> {
    let url = format!("ws://{}/ws", cfg.addr);
    let (mut ws, _) = tokio_tungstenite::connect_async(&url).await.map_err(|e| format!("{url}: {e}"))?;
    let send = |v: Value| Message::text(v.to_string());
    let hello = match &cfg.entry {
        Entry::Resume(t) => json!({"type": "hello", "version": 1, "token": t}),
        _ => json!({"type": "hello", "version": 1}),
    };
    ws.send(send(hello)).await.map_err(|e| e.to_string())?;
    match &cfg.entry {
        Entry::Code(c) => ws.send(send(json!({"type": "join", "code": c, "name": cfg.name}))).await,
        Entry::Practice(s) => ws.send(send(json!({"type": "practice", "name": cfg.name, "scenario": s}))).await,
        Entry::Resume(_) => Ok(()),
    }
    .map_err(|e| e.to_string())?;
    let mut brain = Brain::with_level(cfg.strategy, cfg.level, cfg.seed);
    let mut report = BotReport::default();
    let mut tick = tokio::time::interval(cfg.pace);
    let mut ping = tokio::time::interval(Duration::from_secs(10));
    let give_up = tokio::time::sleep(cfg.max_time);
    tokio::pin!(give_up);
    loop {
        tokio::select! {
            frame = ws.next() => {
                let Some(Ok(frame)) = frame else { break };
                let Message::Text(t) = frame else { continue };
                // A frame this bot cannot read (a newer server's) is skipped, as a browser would.
                let Ok(msg) = ServerMsg::decode(t.as_str()) else {
                    tracing::debug!(bot = %cfg.name, "bot skipped a frame it cannot decode");
                    continue;
                };
                match &msg {
                    ServerMsg::Joined { player_id, token, .. } => {
                        report.player_id = player_id.clone();
                        report.token = token.clone();
                    }
                    ServerMsg::Error { code, .. } => {
                        tracing::debug!(bot = %cfg.name, code = %code.as_str(), "bot got an error");
                        let fatal = matches!(
                            code,
                            ErrorCode::BadToken
                                | ErrorCode::Removed
                                | ErrorCode::UnknownSession
                                | ErrorCode::TooSlow
                                | ErrorCode::Replaced
                        );
                        report.errors.push(*code);
                        if fatal {
                            break;
                        }
                    }
                    ServerMsg::State(st) => {
                        if st.match_id != report.match_id {
                            if report.results.iter().any(|r| r.match_id == st.match_id) {
                                continue; // a late frame of a match already finished
                            }
                            // A new match (a tournament's next round): start afresh.
                            report.match_id = st.match_id.clone();
                            report.said.clear();
                            brain = Brain::with_level(cfg.strategy, cfg.level, cfg.seed.wrapping_add(report.results.len() as u64));
                        }
                        if st.phase == Phase::Results {
                            report.final_state = Some((**st).clone());
                            report.results.push((**st).clone());
                            if report.results.len() >= cfg.matches.max(1) {
                                break;
                            }
                            continue;
                        }
                    }
                    _ => {}
                }
                brain.on_frame(&msg);
            }
            _ = tick.tick() => {
                if let Some(a) = brain.next_action(crate::runtime::match_actor::now_ms()) {
                    if a["type"] == "chat" {
                        report.said.extend(a["text"].as_str().map(String::from));
                    }
                    if ws.send(send(a)).await.is_err() { break }
                }
            }
            _ = ping.tick() => {
                if ws.send(send(json!({"type": "ping"}))).await.is_err() { break }
            }
            _ = &mut give_up => break,
        }
    }
    let _ = ws.close(None).await;
    Ok(report)
}
