//! One WebSocket connection: decodes frames, enforces the hello/join order, the size cap, the
//! frame and error budgets and the heartbeat, and forwards match actions to the match actor.
//!
//! Two tasks per connection: this reader, and a writer for the connection's [`Outbox`]. Most
//! frames are written to the socket by whoever sends them (the writer lends it the socket while
//! idle); the writer takes over only when a write cannot finish at once, and bounds every write
//! it does by the send timeout, so a client that never reads is disconnected (and shown
//! offline) instead of holding a task blocked forever.

use crate::bots::strategies::StrategyRef;
use crate::core::game::{Action, Statement};
use crate::core::scenario::Scenario;
use crate::core::survey::SurveyAnswer;
use crate::error::ErrorCode;
use crate::limits::Budget;
use crate::protocol::{decode_with_id, ClientMsg, ProtocolError, PROTOCOL_VERSION};
use crate::runtime::app::App;
use crate::runtime::match_actor::{now_ms, MatchMsg};
use crate::runtime::outbox::{CloseReason, Outbox, OutboxReceiver, Socket, Work};
use crate::runtime::rate::RateLimit;
use crate::runtime::residency::{LookupError, Watching};
use crate::runtime::session::{Player, Session, SessionKind};
use crate::wire::ServerMsg;
use crate::wording::{NoticeKey, Params};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::{SinkExt, StreamExt};
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// By default a connection silent for this long is closed (clients ping every 10 s);
/// `parley serve --idle-timeout` changes it.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// Frames per connection: a burst of 40, then 20 a second.
const FRAME_BURST: f64 = 40.0;
const FRAMES_PER_SEC: f64 = 20.0;
/// Error replies per connection: a burst of 30, then 5 a second; the rest are counted and
/// summed up in the next one sent, so a flood of bad frames cannot fill the client's queue
/// (128 frames) and get it closed as too slow.
const ERROR_BURST: f64 = 30.0;
const ERRORS_PER_SEC: f64 = 5.0;
/// How long the last frames of a closing connection may take to write.
/// A console's monitor frames are at least this far apart (each is sent when something changed).
const MONITOR_SPACING: Duration = Duration::from_secs(1);
const CLOSING_WRITE: Duration = Duration::from_secs(1);

/// Converts a wire package `{issue_id: option}` to option indices, naming what is wrong.
pub fn decode_package(s: &Scenario, pkg: &BTreeMap<String, usize>) -> Result<Vec<usize>, ProtocolError> {
    if let Some(k) = pkg.keys().find(|k| s.issue_index(k).is_none()) {
        return Err(ProtocolError::new(ErrorCode::UnknownIssue, format!("this scenario has no issue {k:?}")));
    }
    s.issues
        .iter()
        .map(|i| {
            let o = *pkg.get(&i.id).ok_or_else(|| {
                ProtocolError::new(ErrorCode::MissingIssue, format!("the offer leaves out issue {:?}", i.id))
            })?;
            if o >= i.options.len() {
                return Err(ProtocolError::new(
                    ErrorCode::UnknownOption,
                    format!("issue {:?} has options 0 to {}, not {o}", i.id, i.options.len() - 1),
                ));
            }
            Ok(o)
        })
        .collect()
}

/// Error replies, coalesced when they come too fast.
struct ErrorBudget {
    bucket: RateLimit,
    held_back: u64,
}

struct Conn {
    app: Arc<App>,
    outbox: Outbox,
    ip: IpAddr,
    hello: bool,
    player: Option<Arc<Player>>,
    frame_limit: RateLimit,
    errors: ErrorBudget,
    /// The live monitor this connection watches (one at a time).
    watch: Option<tokio::task::JoinHandle<()>>,
    /// The client message id of the frame being handled (taken by a match action).
    cid: Option<u64>,
}

/// Serves one upgraded WebSocket until it closes. `ip` is the client's address.
pub async fn serve_socket(app: Arc<App>, socket: WebSocket, ip: IpAddr) {
    app.connections.fetch_add(1, Ordering::Relaxed);
    let (sink, mut stream) = socket.split();
    let (outbox, out) = Outbox::new();
    let (finish_tx, finish_rx) = tokio::sync::oneshot::channel::<()>();
    let send_timeout = Duration::from_secs(app.limits.send_timeout.max(1));
    let mut writer = tokio::spawn(write_frames(sink, out, finish_rx, send_timeout, outbox.id));
    let mut c = Conn {
        app: app.clone(),
        outbox,
        ip,
        hello: false,
        player: None,
        frame_limit: RateLimit::new(FRAME_BURST, FRAMES_PER_SEC),
        errors: ErrorBudget { bucket: RateLimit::new(ERROR_BURST, ERRORS_PER_SEC), held_back: 0 },
        watch: None,
        cid: None,
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
            Ok(None) => break,
            Ok(Some(Err(e))) => {
                if is_too_large(e) {
                    c.outbox.close(CloseReason::TooLarge);
                }
                break;
            }
            Ok(Some(Ok(m))) => m,
        };
        match msg {
            Message::Text(t) => {
                if !c.frame_limit.allow(Instant::now()) {
                    c.error(ErrorCode::RateLimited, "too many frames; slow down");
                    continue;
                }
                match decode_with_id(t.as_str()) {
                    Ok((m, cid)) => {
                        c.cid = cid;
                        if !c.handle(m).await {
                            break;
                        }
                        // A frame the match did not take (it answers its own): done with here.
                        if let Some(cid) = c.cid.take() {
                            c.outbox.send_msg(&ServerMsg::Ack { cid });
                        }
                    }
                    Err(e) => c.error(e.code, &e.message),
                }
            }
            Message::Binary(_) => c.error(ErrorCode::BadMessage, "frames must be JSON text, not binary"),
            Message::Close(_) => break,
            _ => {}
        }
    }
    if let Some(w) = c.watch.take() {
        w.abort();
    }
    c.leave().await;
    let _ = finish_tx.send(());
    if !writer_done && tokio::time::timeout(Duration::from_secs(2), &mut writer).await.is_err() {
        writer.abort();
    }
    app.connections.fetch_sub(1, Ordering::Relaxed);
}

/// Whether a read error is a message over the WebSocket layer's size limit.
fn is_too_large(e: axum::Error) -> bool {
    e.into_inner()
        .downcast::<tokio_tungstenite::tungstenite::Error>()
        .is_ok_and(|e| matches!(*e, tokio_tungstenite::tungstenite::Error::Capacity(_)))
}

/// The writer task. It lends the socket to the connection's [`Outbox`] while idle, so most frames
/// are written by whoever sends them; it takes over when a write cannot finish at once or
/// frames queue up, and sends each within `send_timeout`. On a close request it sends a last
/// error frame and a close frame with the reason's code.
async fn write_frames(
    sink: Socket,
    out: OutboxReceiver,
    mut finish: tokio::sync::oneshot::Receiver<()>,
    send_timeout: Duration,
    conn: u64,
) {
    let mut socket = Some(sink);
    loop {
        let work = tokio::select! {
            biased;
            w = out.next(&mut socket) => w,
            _ = &mut finish => {
                // The reader is done: flush what is queued (e.g. a last error), then close.
                let frames = out.finish(&mut socket);
                let Some(sink) = socket.as_mut() else { break };
                if matches!(tokio::time::timeout(CLOSING_WRITE, sink.flush()).await, Ok(Ok(()))) {
                    for f in frames {
                        let sent = tokio::time::timeout(CLOSING_WRITE, sink.send(Message::Text(f))).await;
                        if !matches!(sent, Ok(Ok(()))) {
                            break;
                        }
                    }
                }
                let _ = tokio::time::timeout(CLOSING_WRITE, sink.close()).await;
                break;
            }
        };
        let Some(sink) = socket.as_mut() else { break };
        match work {
            Work::Close(reason, last_frames) => {
                // Finish a sender's unfinished write, then the frames that go before closing.
                let _ = tokio::time::timeout(CLOSING_WRITE, sink.flush()).await;
                for f in last_frames {
                    let _ = tokio::time::timeout(CLOSING_WRITE, sink.send(Message::Text(f))).await;
                }
                let last = ServerMsg::error(reason.code(), reason.message()).encode();
                let _ = tokio::time::timeout(CLOSING_WRITE, sink.send(Message::Text(last.into()))).await;
                let frame = CloseFrame { code: reason.close_code(), reason: reason.code().as_str().into() };
                let _ = tokio::time::timeout(CLOSING_WRITE, sink.send(Message::Close(Some(frame)))).await;
                break;
            }
            Work::Write(frames) => {
                // A write a sender started comes first (`flush`), then the queued frames in order.
                let mut written = tokio::time::timeout(send_timeout, sink.flush()).await;
                for f in frames {
                    if !matches!(written, Ok(Ok(()))) {
                        break;
                    }
                    written = tokio::time::timeout(send_timeout, sink.send(Message::Text(f))).await;
                }
                match written {
                    Ok(Ok(())) => {}
                    Ok(Err(_)) => break,
                    Err(_) => {
                        tracing::warn!(conn, "client does not read its frames: disconnecting");
                        break;
                    }
                }
            }
        }
    }
}

impl Conn {
    /// Sends an error frame, unless errors come too fast: those are counted and mentioned in
    /// the next error sent.
    fn error(&mut self, code: ErrorCode, message: &str) {
        if !self.errors.bucket.allow(Instant::now()) {
            self.errors.held_back += 1;
            return;
        }
        let n = std::mem::take(&mut self.errors.held_back);
        if n == 0 {
            self.outbox.send_msg(&ServerMsg::error(code, message));
        } else {
            let message = format!("{message} ({n} more errors in a short time were not sent)");
            self.outbox.send_msg(&ServerMsg::error(code, message));
        }
    }

    /// Handles one decoded frame; false closes the connection.
    async fn handle(&mut self, msg: ClientMsg) -> bool {
        if !self.hello {
            return match msg {
                ClientMsg::Hello { version, token, lang } => self.hello(version, token, lang).await,
                _ => {
                    self.error(ErrorCode::HelloRequired, "the first frame must be {\"type\":\"hello\",\"version\":1}");
                    true
                }
            };
        }
        match msg {
            ClientMsg::Hello { .. } => self.error(ErrorCode::BadMessage, "hello was already sent"),
            ClientMsg::Ping => self.outbox.send_msg(&ServerMsg::Pong { server_time: now_ms() }),
            ClientMsg::Join { code, name } => {
                let code = code.trim().to_ascii_uppercase();
                if !self.app.address_limits.allow(Budget::CodeLookup, self.ip) {
                    self.error(ErrorCode::RateLimited, "too many join codes tried from your network; wait a minute");
                    return true;
                }
                match self.app.resident(&code, None).await {
                    Ok(Some(s)) if s.kind == SessionKind::Workshop => self.join(&s, &name, None, None, None).await,
                    Ok(_) => self.error(ErrorCode::UnknownSession, &format!("no session has the join code {code:?}")),
                    Err(e) => self.lookup_failed(&e),
                }
            }
            ClientMsg::Practice { name, scenario, practice_key, drill } => {
                if !self.app.address_limits.allow(Budget::CodeLookup, self.ip) {
                    self.error(ErrorCode::RateLimited, "too many joins from your network; wait a minute");
                    return true;
                }
                let key_hash = match practice_key.as_deref().map(crate::practice::key_hash) {
                    Some(None) => {
                        self.error(ErrorCode::BadPracticeKey, "a practice key is 32 hexadecimal digits");
                        return true;
                    }
                    Some(hash) => hash,
                    None => None,
                };
                if let Some(id) = &scenario {
                    if self.app.scenario(id).is_none() {
                        self.error(ErrorCode::UnknownScenario, &format!("there is no scenario {id:?}"));
                        return true;
                    }
                }
                // On one server the pool is always in memory; in a cluster it may live on another node.
                match self.app.resident(&self.app.practice_code, None).await {
                    Ok(Some(s)) => self.join(&s, &name, scenario, key_hash, drill).await,
                    Ok(None) => self.error(ErrorCode::Internal, "the practice pool is not available"),
                    Err(e) => self.lookup_failed(&e),
                }
            }
            ClientMsg::Watch { code, token } => self.watch(&code, &token).await,
            ClientMsg::PlayBot { strategy, level } => {
                let strategy = match strategy.as_deref().map(StrategyRef::parse) {
                    Some(None) => {
                        let message = format!("strategy is {}", StrategyRef::names());
                        self.error(ErrorCode::BadMessage, &message);
                        return true;
                    }
                    Some(s) => s,
                    None => None,
                };
                match self.player.clone() {
                    None => self.error(ErrorCode::NotJoined, "join the practice pool first"),
                    Some(p) => {
                        let session = self.app.sessions.get(&p.session).map(|s| s.clone());
                        let result = match session {
                            Some(s) => s.play_bot(p, strategy, level).await,
                            None => Err(crate::protocol::ProtocolError::internal()),
                        };
                        if let Err(e) = result {
                            self.error(e.code, &e.message);
                        }
                    }
                }
            }
            ClientMsg::Observation { tactics, done_well, to_try } => {
                self.observation(tactics, &done_well, &to_try).await
            }
            ClientMsg::StopObserving => self.stop_observing().await,
            ClientMsg::Leave => match self.player.clone() {
                None => self.error(ErrorCode::NotJoined, "join a session first"),
                Some(p) => {
                    let session = self.app.sessions.get(&p.session).map(|s| s.clone());
                    let result = match session {
                        Some(s) => s.leave(p.clone()).await,
                        None => Err(crate::protocol::ProtocolError::internal()),
                    };
                    match result {
                        Ok(()) => self.outbox.send_msg(&ServerMsg::Left { session: p.session.clone() }),
                        Err(e) => self.error(e.code, &e.message),
                    }
                }
            },
            other => self.act(other).await,
        }
        true
    }

    /// Starts this connection's live monitor of a session (replacing any it had). The session
    /// counts the console as a watcher (and so stays in memory) until the monitor stops.
    async fn watch(&mut self, code: &str, token: &str) {
        let code = code.to_ascii_uppercase();
        let resident = match self.app.resident(&code, Some(self.ip)).await {
            Ok(r) => r,
            Err(e) => return self.lookup_failed(&e),
        };
        match self.app.facilitator(&code, Some(token)) {
            Ok(session) => {
                if let Some(old) = self.watch.take() {
                    old.abort();
                }
                let out = self.outbox.clone();
                let watching = Watching::new(session.clone());
                drop(resident);
                self.watch = Some(tokio::spawn(async move {
                    let _watching = watching;
                    let mut changes = session.changes.subscribe();
                    loop {
                        let version = *changes.borrow_and_update();
                        // Owned by another node now: the console goes there.
                        if let Some(address) = session.moved_to.lock().expect("moved to").clone() {
                            if !address.is_empty() {
                                out.send_msg(&ServerMsg::Moved { address });
                            }
                            out.close(CloseReason::Moved);
                            break;
                        }
                        let Some(frame) = session.monitor(version).await else { break };
                        out.send(frame);
                        // At most one frame a second: a busy class changes many times a second.
                        tokio::time::sleep(MONITOR_SPACING).await;
                        tokio::select! {
                            changed = changes.changed() => if changed.is_err() { break },
                            _ = out.gone() => break,
                        }
                    }
                }));
            }
            Err(crate::runtime::facilitator::AuthError::UnknownSession) => {
                self.error(ErrorCode::UnknownSession, &format!("no session has the join code {code:?}"))
            }
            Err(_) => self.error(ErrorCode::BadToken, "that is not this session's facilitator token"),
        }
    }

    /// Tells the client a session or player lookup failed (the details stay in the log).
    fn lookup_failed(&mut self, e: &LookupError) {
        match e {
            LookupError::RateLimited => {
                self.error(ErrorCode::RateLimited, "too many join codes tried from your network; wait a minute")
            }
            LookupError::Store(e) if e.is_unavailable() => {
                tracing::error!(error = %e, "could not read a session from the store");
                self.error(ErrorCode::StoreUnavailable, crate::protocol::UNAVAILABLE_MESSAGE)
            }
            LookupError::Store(e) => {
                tracing::error!(error = %e, "could not read a session from the store");
                self.error(ErrorCode::Internal, crate::protocol::INTERNAL_MESSAGE)
            }
            LookupError::Moved { address } => {
                self.outbox.send_msg(&ServerMsg::Moved { address: address.clone() });
                self.outbox.close(CloseReason::Moved);
            }
        }
    }

    async fn hello(&mut self, version: u32, token: Option<String>, lang: Option<String>) -> bool {
        if version != PROTOCOL_VERSION {
            self.error(
                ErrorCode::UnsupportedVersion,
                &format!("this server speaks protocol version {PROTOCOL_VERSION}"),
            );
            return false;
        }
        self.hello = true;
        self.outbox.send_msg(&ServerMsg::Welcome { version: PROTOCOL_VERSION, server_time: now_ms() });
        if let Some(tag) = lang {
            // A browser tag like "es-ES" names its language first; the region does not matter here.
            let code = tag.split('-').next().unwrap_or_default().to_ascii_lowercase();
            if crate::core::translation::is_language_code(&code) {
                self.outbox.set_lang(code);
            } else {
                self.error(ErrorCode::BadMessage, "lang is a language code like \"es\"; texts stay in the default");
            }
        }
        if let Some(t) = token {
            // The session stays in memory at least until the player's connection is bound.
            match self.app.player_by_token(&t, Some(self.ip)).await {
                Ok(Some((s, p))) if s.is_removed(&p.id) => {
                    self.error(ErrorCode::Removed, "the facilitator removed you from this session")
                }
                Ok(Some((_resident, p))) => return self.bind(p).await,
                Ok(None) => self.error(ErrorCode::BadToken, "that token is unknown: join again"),
                Err(e) => self.lookup_failed(&e),
            }
        }
        true
    }

    /// Joins a session as a new player; `practice_key_hash` links them to a learner's practice
    /// history (stored before the player is told they joined).
    async fn join(
        &mut self,
        session: &Session,
        name: &str,
        scenario: Option<String>,
        practice_key_hash: Option<String>,
        drill: Option<crate::core::drills::Drill>,
    ) {
        if self.player.is_some() {
            return self.error(ErrorCode::AlreadyJoined, "this connection has already joined");
        }
        match self.app.new_player(session, name, false).await {
            Ok(p) => {
                if let Some(hash) = practice_key_hash {
                    if let Err(e) = self.app.store.link_practice(&p.id, &hash, now_ms()).await {
                        // The visit goes on; only its place in the learner's history is lost.
                        tracing::error!(player = %p.id, error = %e, "could not link a practice visit to its key");
                        self.outbox.send_msg(&ServerMsg::worded_notice(
                            NoticeKey::HistoryNotSaved,
                            Params::new(),
                            "Your practice history could not be updated for this visit; the match itself is fine.",
                        ));
                    }
                }
                *p.wanted_scenario.lock().expect("wanted") = scenario;
                *p.wanted_drill.lock().expect("wanted drill") = drill;
                tracing::info!(session = %session.code, player = %p.id, "player joined");
                self.bind(p).await;
            }
            Err(e) => self.error(e.code, &e.message),
        }
    }

    /// Makes this connection the player's one live connection (an older one is told it was
    /// replaced and closed), then sends where they are. False closes this connection: the
    /// player reconnected too often.
    async fn bind(&mut self, p: Arc<Player>) -> bool {
        if !p.connect_limit.lock().expect("connect limit").allow(Instant::now()) {
            tracing::warn!(player = %p.id, "reconnecting too often");
            self.outbox.close(CloseReason::Abuse);
            return false;
        }
        if let Some(old) = p.conn.lock().expect("conn").replace(self.outbox.clone()) {
            if old.id != self.outbox.id {
                old.close(CloseReason::Replaced);
            }
        }
        self.outbox.send_msg(&self.app.joined_frame(&p));
        if let Some(notice) = self.app.takeover_notice(&p.session) {
            self.outbox.send_msg(&notice);
        }
        self.player = Some(p.clone());
        self.app.touch(&p.session);
        if let Some(mid) = p.observing() {
            // An observer coming back resumes watching.
            let msg = MatchMsg::Observe { player: p.id.clone(), name: p.name.clone(), outbox: self.outbox.clone() };
            match self.app.matches.get(&mid).map(|m| m.tx.clone()) {
                Some(tx) => {
                    let _ = tx.send(msg).await;
                }
                None => self.error(ErrorCode::MatchUnavailable, "the match you observe is not running"),
            }
            return true;
        }
        match p.place() {
            Some((mid, seat, member)) => match self.app.matches.get(&mid).map(|m| m.tx.clone()) {
                Some(tx) => {
                    let _ = tx.send(MatchMsg::Attach { seat, member, outbox: self.outbox.clone() }).await;
                }
                None => self.error(ErrorCode::MatchUnavailable, "your match is not running"),
            },
            None => {
                if let Some(s) = self.app.sessions.get(&p.session).map(|s| s.clone()) {
                    s.enqueue(p).await;
                }
            }
        }
        true
    }

    async fn act(&mut self, msg: ClientMsg) {
        let Some(p) = self.player.clone() else {
            return self.error(ErrorCode::NotJoined, "join a session first");
        };
        if p.observing().is_some() {
            let message = "you are observing this match: observers watch and fill in their sheet, they do not play";
            return self.error(ErrorCode::ObserverCannotAct, message);
        }
        let Some((mid, seat, member)) = p.place() else {
            return self.error(ErrorCode::NotInMatch, "you are not in a match yet");
        };
        let Some(handle) = self.app.matches.get(&mid).map(|m| m.clone()) else {
            return self.error(ErrorCode::MatchUnavailable, "your match is not running");
        };
        let action = match msg {
            ClientMsg::Chat { text, expression } => {
                if !p.chat_limit.lock().expect("chat limit").allow(Instant::now()) {
                    return self
                        .error(ErrorCode::RateLimited, "you are sending messages too fast; this one was dropped");
                }
                match expression {
                    Some(e) => Action::ChatExpressed(text, e),
                    None => Action::Chat(text),
                }
            }
            ClientMsg::Ready => Action::Ready,
            // The caucus is chat: the same per-player bucket.
            ClientMsg::Caucus { text } => {
                if !p.chat_limit.lock().expect("chat limit").allow(Instant::now()) {
                    return self
                        .error(ErrorCode::RateLimited, "you are sending messages too fast; this one was dropped");
                }
                Action::Caucus(text)
            }
            ClientMsg::Approve { motion_id } => Action::Approve(motion_id),
            ClientMsg::Decline { motion_id } => Action::Decline(motion_id),
            ClientMsg::Spokesperson { member } => Action::Spokesperson(member),
            ClientMsg::Offer { package } => match decode_package(&handle.scenario, &package) {
                Ok(pkg) => Action::Offer(pkg),
                Err(e) => return self.error(e.code, &e.message),
            },
            ClientMsg::Withdraw => Action::Withdraw,
            ClientMsg::Accept { offer_id } => Action::Accept(offer_id),
            ClientMsg::Reject { offer_id } => Action::Reject(offer_id),
            ClientMsg::WalkAway => Action::WalkAway,
            ClientMsg::Survey { ratings, counterpart_priorities, texts } => {
                Action::Survey(SurveyAnswer { ratings, counterpart_priorities, texts })
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
                    None => return self.error(ErrorCode::UnknownIssue, &format!("this scenario has no issue {id:?}")),
                }
            }
            ClientMsg::ProposeTerms { issue, option } => match self.terms_issue(&handle.scenario, &issue, Some(option))
            {
                Some(issue) => Action::ProposeTerms { issue, option },
                None => return,
            },
            ClientMsg::AgreeTerms { issue, option } => match self.terms_issue(&handle.scenario, &issue, Some(option)) {
                Some(issue) => Action::AgreeTerms { issue, option },
                None => return,
            },
            ClientMsg::RejectTerms { issue, option } => {
                match self.terms_issue(&handle.scenario, &issue, Some(option)) {
                    Some(issue) => Action::RejectTerms { issue, option },
                    None => return,
                }
            }
            ClientMsg::WithdrawTerms { issue } => match self.terms_issue(&handle.scenario, &issue, None) {
                Some(issue) => Action::WithdrawTerms { issue },
                None => return,
            },
            ClientMsg::ReopenTerms { issue } => match self.terms_issue(&handle.scenario, &issue, None) {
                Some(issue) => Action::ReopenTerms { issue },
                None => return,
            },
            ClientMsg::Hello { .. }
            | ClientMsg::Join { .. }
            | ClientMsg::Practice { .. }
            | ClientMsg::Ping
            | ClientMsg::Watch { .. }
            | ClientMsg::PlayBot { .. }
            | ClientMsg::Observation { .. }
            | ClientMsg::StopObserving
            | ClientMsg::Leave => return,
        };
        let cid = self.cid.take();
        if handle.tx.send(MatchMsg::Action { seat, member, action, cid }).await.is_err() {
            self.error(ErrorCode::MatchUnavailable, "your match is not running");
        }
    }

    /// An observer's sheet: checked and cleaned here, stored by the match they observe.
    async fn observation(&mut self, tactics: crate::core::tactics::Tactics, done_well: &str, to_try: &str) {
        let Some(p) = self.player.clone() else {
            return self.error(ErrorCode::NotJoined, "join a session first");
        };
        let Some(mid) = p.observing() else {
            return self.error(ErrorCode::NotObserving, "you are not observing a match");
        };
        let sheet = match crate::core::observe::check_sheet(tactics, done_well, to_try) {
            Ok(sheet) => sheet,
            Err(e) => return self.error(ErrorCode::BadSheet, &e.to_string()),
        };
        let Some(tx) = self.app.matches.get(&mid).map(|m| m.tx.clone()) else {
            return self.error(ErrorCode::MatchUnavailable, "the match you observe is not running");
        };
        let msg = MatchMsg::Sheet { player: p.id.clone(), name: p.name.clone(), sheet };
        if tx.send(msg).await.is_err() {
            self.error(ErrorCode::MatchUnavailable, "the match you observe is not running");
        }
    }

    /// An observer stops observing: back in the waiting line (a `waiting` frame follows).
    async fn stop_observing(&mut self) {
        let Some(p) = self.player.clone() else {
            return self.error(ErrorCode::NotJoined, "join a session first");
        };
        let result = match self.app.sessions.get(&p.session).map(|s| s.clone()) {
            Some(s) => s.stop_observing(p).await,
            None => Err(crate::protocol::ProtocolError::internal()),
        };
        if let Err(e) = result {
            self.error(e.code, &e.message);
        }
    }

    /// The index of the issue a terms message names, with its option checked; `None` after
    /// telling the client what is wrong (`unknown_issue`, `unknown_option`).
    fn terms_issue(&mut self, scenario: &Scenario, issue: &str, option: Option<usize>) -> Option<usize> {
        let Some(i) = scenario.issue_index(issue) else {
            self.error(ErrorCode::UnknownIssue, &format!("this scenario has no issue {issue:?}"));
            return None;
        };
        let known = &scenario.issues[i];
        if let Some(o) = option.filter(|&o| o >= known.options.len()) {
            self.error(ErrorCode::UnknownOption, &format!("{} has no option {o}", known.name));
            return None;
        }
        Some(i)
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
        self.app.touch(&p.session);
        if let Some(mid) = p.observing() {
            if let Some(tx) = self.app.matches.get(&mid).map(|m| m.tx.clone()) {
                let _ = tx.send(MatchMsg::Unobserve { player: p.id.clone(), conn: Some(self.outbox.id) }).await;
            }
            return;
        }
        match p.place() {
            Some((mid, seat, member)) => {
                if let Some(tx) = self.app.matches.get(&mid).map(|m| m.tx.clone()) {
                    let _ = tx.send(MatchMsg::Detach { seat, member, conn: self.outbox.id }).await;
                }
            }
            None => {
                // A waiting player who leaves gives up their place; they re-queue on resume.
                if let Some(s) = self.app.sessions.get(&p.session).map(|s| s.clone()) {
                    s.dropped(p.clone()).await;
                }
            }
        }
    }
}
