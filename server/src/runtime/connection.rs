//! One WebSocket connection: decodes frames, enforces the hello/join order, the size cap, the
//! chat rate limit and the heartbeat, and forwards match actions to the match actor.

use crate::core::game::{Action, Statement};
use crate::core::scenario::Scenario;
use crate::core::survey::SurveyAnswer;
use crate::protocol::{decode, error_frame, ClientMsg, ProtocolError, PROTOCOL_VERSION};
use crate::runtime::app::App;
use crate::runtime::match_actor::{now_ms, MatchMsg};
use crate::runtime::outbox::Outbox;
use crate::runtime::session::{Location, Player};
use axum::extract::ws::{Message, WebSocket};
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// By default a connection silent for this long is closed (clients ping every 10 s);
/// `parley serve --idle-timeout` changes it.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// Token bucket: `burst` tokens, refilled at `per_sec`.
pub struct RateLimit {
    tokens: f64,
    burst: f64,
    per_sec: f64,
    last: Instant,
}

impl RateLimit {
    /// A full bucket.
    pub fn new(burst: f64, per_sec: f64) -> Self {
        RateLimit { tokens: burst, burst, per_sec, last: Instant::now() }
    }

    /// Takes a token if one is left.
    pub fn allow(&mut self, now: Instant) -> bool {
        let dt = now.duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + dt * self.per_sec).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Converts a wire package `{issue_id: option}` to option indices, naming what is wrong.
pub fn decode_package(s: &Scenario, pkg: &BTreeMap<String, usize>) -> Result<Vec<usize>, ProtocolError> {
    if let Some(k) = pkg.keys().find(|k| s.issue_index(k).is_none()) {
        return Err(ProtocolError::new("unknown_issue", format!("this scenario has no issue {k:?}")));
    }
    s.issues
        .iter()
        .map(|i| {
            let o = *pkg
                .get(&i.id)
                .ok_or_else(|| ProtocolError::new("missing_issue", format!("the offer leaves out issue {:?}", i.id)))?;
            if o >= i.options.len() {
                return Err(ProtocolError::new(
                    "unknown_option",
                    format!("issue {:?} has options 0 to {}, not {o}", i.id, i.options.len() - 1),
                ));
            }
            Ok(o)
        })
        .collect()
}

struct Conn {
    app: Arc<App>,
    outbox: Outbox,
    hello: bool,
    player: Option<Arc<Player>>,
    chat_limit: RateLimit,
    frame_limit: RateLimit,
}

/// Serves one upgraded WebSocket until it closes.
pub async fn serve_socket(app: Arc<App>, socket: WebSocket) {
    app.connections.fetch_add(1, Ordering::Relaxed);
    let (mut sink, mut stream) = socket.split();
    let (outbox, mut out) = Outbox::new();
    let (finish_tx, mut finish_rx) = tokio::sync::oneshot::channel::<()>();
    let mut writer = tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = &mut finish_rx => {
                    // The reader is done: flush what is queued (e.g. a last error), then close.
                    while let Ok(f) = out.rx.try_recv() {
                        if sink.send(Message::Text(f)).await.is_err() { break }
                    }
                    let _ = sink.close().await;
                    break;
                }
                f = out.rx.recv() => match f {
                    Some(f) => if sink.send(Message::Text(f)).await.is_err() { break },
                    None => break,
                },
                _ = out.kick.notified() => {
                    let _ = sink.send(Message::Text(error_frame("too_slow", "connection closed; resume with your token").to_string().into())).await;
                    let _ = sink.close().await;
                    break;
                }
            }
        }
    });
    let mut c = Conn {
        app: app.clone(),
        outbox,
        hello: false,
        player: None,
        chat_limit: RateLimit::new(5.0, 1.0),
        frame_limit: RateLimit::new(40.0, 20.0),
    };
    let mut writer_done = false;
    loop {
        let frame = tokio::select! {
            f = tokio::time::timeout(app.idle_timeout, stream.next()) => f,
            _ = &mut writer => { writer_done = true; break }
        };
        let msg = match frame {
            Err(_) => {
                tracing::debug!(conn = c.outbox.id, "idle timeout");
                break;
            }
            Ok(None) | Ok(Some(Err(_))) => break,
            Ok(Some(Ok(m))) => m,
        };
        match msg {
            Message::Text(t) => {
                if !c.frame_limit.allow(Instant::now()) {
                    c.error("rate_limited", "too many frames; slow down");
                    continue;
                }
                match decode(t.as_str()) {
                    Ok(m) => {
                        if !c.handle(m).await {
                            break;
                        }
                    }
                    Err(e) => c.error(e.code, &e.message),
                }
            }
            Message::Binary(_) => c.error("bad_message", "frames must be JSON text, not binary"),
            Message::Close(_) => break,
            _ => {}
        }
    }
    c.leave().await;
    let _ = finish_tx.send(());
    if !writer_done && tokio::time::timeout(Duration::from_secs(2), &mut writer).await.is_err() {
        writer.abort();
    }
    app.connections.fetch_sub(1, Ordering::Relaxed);
}

impl Conn {
    fn error(&self, code: &str, message: &str) {
        self.outbox.send_json(&error_frame(code, message));
    }

    /// Handles one decoded frame; false closes the connection.
    async fn handle(&mut self, msg: ClientMsg) -> bool {
        if !self.hello {
            return match msg {
                ClientMsg::Hello { version, token } => self.hello(version, token).await,
                _ => {
                    self.error("hello_required", "the first frame must be {\"type\":\"hello\",\"version\":1}");
                    true
                }
            };
        }
        match msg {
            ClientMsg::Hello { .. } => self.error("bad_message", "hello was already sent"),
            ClientMsg::Ping => self.outbox.send_json(&json!({"type": "pong", "server_time": now_ms()})),
            ClientMsg::Join { code, name } => {
                let code = code.trim().to_ascii_uppercase();
                let session = self.app.sessions.get(&code).map(|s| s.clone());
                match session {
                    Some(s) if s.kind == crate::runtime::session::SessionKind::Workshop => {
                        self.join(&s, &name, None).await
                    }
                    _ => self.error("unknown_session", &format!("no session has the join code {code:?}")),
                }
            }
            ClientMsg::Practice { name, scenario } => {
                if let Some(id) = &scenario {
                    if !self.app.scenarios.contains_key(id) {
                        self.error("unknown_scenario", &format!("there is no scenario {id:?}"));
                        return true;
                    }
                }
                let s = self.app.sessions.get(&self.app.practice_code).map(|s| s.clone());
                match s {
                    Some(s) => self.join(&s, &name, scenario).await,
                    None => self.error("internal", "the practice pool is not available"),
                }
            }
            ClientMsg::Watch { code, token } => match self.app.facilitator(&code, Some(&token)) {
                Ok(session) => {
                    let app = self.app.clone();
                    let out = self.outbox.clone();
                    tokio::spawn(async move {
                        let mut tick = tokio::time::interval(Duration::from_secs(1));
                        while !out.is_closed() {
                            tick.tick().await;
                            out.send_json(&app.monitor(&session).await);
                        }
                    });
                }
                Err(crate::runtime::facilitator::AuthError::UnknownSession) => {
                    self.error("unknown_session", &format!("no session has the join code {code:?}"))
                }
                Err(_) => self.error("bad_token", "that is not this session's facilitator token"),
            },
            ClientMsg::PlayBot { strategy } => {
                let strategy = match strategy.as_deref().map(crate::bots::brain::Strategy::parse) {
                    Some(None) => {
                        return self.error_keep("bad_message", "strategy is logroller, hardballer or tit_for_tat")
                    }
                    Some(s) => s,
                    None => None,
                };
                match self.player.clone() {
                    None => self.error("not_joined", "join the practice pool first"),
                    Some(p) => {
                        if let Err((code, m)) = self.app.play_bot(&p, strategy) {
                            self.error(code, &m);
                        }
                    }
                }
            }
            other => self.act(other).await,
        }
        true
    }

    fn error_keep(&self, code: &str, message: &str) -> bool {
        self.error(code, message);
        true
    }

    async fn hello(&mut self, version: u32, token: Option<String>) -> bool {
        if version != PROTOCOL_VERSION {
            self.error("unsupported_version", &format!("this server speaks protocol version {PROTOCOL_VERSION}"));
            return false;
        }
        self.hello = true;
        self.outbox.send_json(&json!({"type": "welcome", "version": PROTOCOL_VERSION, "server_time": now_ms()}));
        if let Some(t) = token {
            let p = self.app.players.get(&t).map(|p| p.clone());
            let removed =
                p.as_ref().is_some_and(|p| self.app.sessions.get(&p.session).is_some_and(|s| s.is_removed(&p.id)));
            match p {
                Some(_) if removed => self.error("removed", "the facilitator removed you from this session"),
                Some(p) => self.bind(p).await,
                None => self.error("bad_token", "that token is unknown: join again"),
            }
        }
        true
    }

    async fn join(&mut self, session: &crate::runtime::session::Session, name: &str, scenario: Option<String>) {
        if self.player.is_some() {
            return self.error("already_joined", "this connection has already joined");
        }
        match self.app.new_player(session, name).await {
            Ok(p) => {
                *p.wanted_scenario.lock().expect("wanted") = scenario;
                tracing::info!(session = %session.code, player = %p.id, "player joined");
                self.bind(p).await
            }
            Err(e) => self.error(e.code, &e.message),
        }
    }

    /// Makes this connection the player's, then sends where they are.
    async fn bind(&mut self, p: Arc<Player>) {
        if let Some(old) = p.conn.lock().expect("conn").replace(self.outbox.clone()) {
            if old.id != self.outbox.id {
                old.close();
            }
        }
        self.outbox.send_json(&self.app.joined_frame(&p));
        self.player = Some(p.clone());
        match p.seat() {
            Some((mid, seat)) => match self.app.matches.get(&mid).map(|m| m.tx.clone()) {
                Some(tx) => {
                    let _ = tx.send(MatchMsg::Attach { seat, outbox: self.outbox.clone() }).await;
                }
                None => self.error("match_unavailable", "your match is not running"),
            },
            None => self.app.enqueue(&p),
        }
    }

    async fn act(&mut self, msg: ClientMsg) {
        let Some(p) = self.player.clone() else {
            return self.error("not_joined", "join a session first");
        };
        let Some((mid, seat)) = p.seat() else {
            return self.error("not_in_match", "you are not in a match yet");
        };
        let Some(handle) = self.app.matches.get(&mid).map(|m| m.clone()) else {
            return self.error("match_unavailable", "your match is not running");
        };
        let action = match msg {
            ClientMsg::Chat { text } => {
                if !self.chat_limit.allow(Instant::now()) {
                    return self.error("rate_limited", "you are sending messages too fast; this one was dropped");
                }
                Action::Chat(text)
            }
            ClientMsg::Ready => Action::Ready,
            ClientMsg::Offer { package } => match decode_package(&handle.scenario, &package) {
                Ok(pkg) => Action::Offer(pkg),
                Err(e) => return self.error(e.code, &e.message),
            },
            ClientMsg::Withdraw => Action::Withdraw,
            ClientMsg::Accept { offer_id } => Action::Accept(offer_id),
            ClientMsg::Reject { offer_id } => Action::Reject(offer_id),
            ClientMsg::WalkAway => Action::WalkAway,
            ClientMsg::Survey { ratings, counterpart_priorities } => {
                Action::Survey(SurveyAnswer { ratings, counterpart_priorities })
            }
            ClientMsg::SkipSurvey => Action::SkipSurvey,
            ClientMsg::GuessPriorities { order } => Action::GuessPriorities(order),
            ClientMsg::Disclose { statement } => {
                let s = &handle.scenario;
                let (id, st) = match statement {
                    crate::protocol::WireStatement::Importance { issue, level } => {
                        let i = s.issue_index(&issue);
                        (
                            issue,
                            i.map(|issue| Statement::Importance { issue, high: level == crate::protocol::Level::High }),
                        )
                    }
                    crate::protocol::WireStatement::Prefers { issue, better, worse } => {
                        let i = s.issue_index(&issue);
                        (issue, i.map(|issue| Statement::Prefers { issue, better, worse }))
                    }
                };
                match st {
                    Some(st) => Action::Disclose(st),
                    None => return self.error("unknown_issue", &format!("this scenario has no issue {id:?}")),
                }
            }
            ClientMsg::Hello { .. }
            | ClientMsg::Join { .. }
            | ClientMsg::Practice { .. }
            | ClientMsg::Ping
            | ClientMsg::Watch { .. }
            | ClientMsg::PlayBot { .. } => return,
        };
        if handle.tx.send(MatchMsg::Action { seat, action }).await.is_err() {
            self.error("match_unavailable", "your match is not running");
        }
    }

    /// The connection is closing: release the player's seat connection.
    async fn leave(&mut self) {
        let Some(p) = self.player.take() else { return };
        let mine = {
            let mut conn = p.conn.lock().expect("conn");
            if conn.as_ref().is_some_and(|o| o.id == self.outbox.id) {
                *conn = None;
                true
            } else {
                false
            }
        };
        if !mine {
            return;
        }
        match p.seat() {
            Some((mid, seat)) => {
                if let Some(tx) = self.app.matches.get(&mid).map(|m| m.tx.clone()) {
                    let _ = tx.send(MatchMsg::Detach { seat, conn: self.outbox.id }).await;
                }
            }
            None => {
                // A waiting player who leaves gives up their place; they re-queue on resume.
                if let Some(s) = self.app.sessions.get(&p.session).map(|s| s.clone()) {
                    let line = s.queue.lock().expect("queue").position(&p.id).map(|x| x.0);
                    if let Some(line) = line {
                        s.queue.lock().expect("queue").remove(&p.id);
                        *p.location.lock().expect("location") = Location::Lobby;
                        self.app.notify_waiting(&s, &line);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_allows_a_burst_then_refills() {
        let mut r = RateLimit::new(5.0, 1.0);
        let t0 = Instant::now();
        for _ in 0..5 {
            assert!(r.allow(t0));
        }
        assert!(!r.allow(t0));
        assert!(r.allow(t0 + Duration::from_millis(1100)));
        assert!(!r.allow(t0 + Duration::from_millis(1200)));
    }
}
