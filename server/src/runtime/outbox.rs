//! A connection's bounded outgoing line. Sending never blocks: a client whose queue is full
//! cannot keep up, so it is closed as too slow (it may resume with its token) instead of
//! growing memory. Closing carries a reason, which the connection's writer turns into a last
//! frame and a WebSocket close code.
//!
//! **Frames go straight to the socket when they can.** While the connection's writer task has
//! nothing to do it lends the socket to the line, and whoever sends a frame (a match actor, the
//! session actor, the connection's reader) writes it to the socket at once, without waiting:
//! no task is woken, which under load was most of the server's CPU (threads waking each other,
//! see `docs/benchmarks.md`, "Fewer hand-offs"). Only when a write cannot finish at once (the
//! client's TCP window is full, or the connection's reader holds the socket for a moment) does
//! the socket go back to the writer task, which finishes the write within the send timeout
//! while later frames queue behind it, in order, up to [`OUTBOX_CAPACITY`].

use crate::error::ErrorCode;
use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use futures_util::stream::SplitSink;
use futures_util::Sink;
use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use tokio::sync::Notify;

/// Frames a connection may have queued before it is considered too slow.
pub const OUTBOX_CAPACITY: usize = 128;

/// The writing half of a connection's WebSocket.
pub type Socket = SplitSink<WebSocket, Message>;

static NEXT_CONN: AtomicU64 = AtomicU64::new(1);

/// Why the server closes a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    /// The client did not read its frames fast enough.
    TooSlow,
    /// The same player connected again (another tab or device); this older connection yields.
    Replaced,
    /// The facilitator removed the player.
    Removed,
    /// A frame over the hard size limit.
    TooLarge,
    /// The client reconnected too often or sent too much.
    Abuse,
    /// The session lives on another node now (a `moved` frame was sent first).
    Moved,
}

impl CloseReason {
    /// The error code of the last frame.
    pub fn code(self) -> ErrorCode {
        match self {
            CloseReason::TooSlow => ErrorCode::TooSlow,
            CloseReason::Replaced => ErrorCode::Replaced,
            CloseReason::Removed => ErrorCode::Removed,
            CloseReason::TooLarge => ErrorCode::FrameTooLarge,
            CloseReason::Abuse => ErrorCode::RateLimited,
            CloseReason::Moved => ErrorCode::Moved,
        }
    }

    /// The sentence of the last frame.
    pub fn message(self) -> &'static str {
        match self {
            CloseReason::TooSlow => "Your connection could not keep up, so it was closed. Reconnect to continue.",
            CloseReason::Replaced => "Parley was opened with your seat in another tab or window, so this one stopped.",
            CloseReason::Removed => "The facilitator removed you from this session.",
            CloseReason::TooLarge => "That message was too large, so the connection was closed.",
            CloseReason::Abuse => "Too many connections or messages in a short time. Wait a moment, then reconnect.",
            CloseReason::Moved => "Your session moved to another server; reconnecting there.",
        }
    }

    /// The WebSocket close code (RFC 6455 §7.4; 4000–4999 are Parley's own).
    pub fn close_code(self) -> u16 {
        match self {
            CloseReason::TooSlow => 1008,
            CloseReason::Replaced => 4000,
            CloseReason::Removed => 4001,
            CloseReason::TooLarge => 1009,
            CloseReason::Abuse => 1008,
            CloseReason::Moved => 4002,
        }
    }
}

/// What the senders and the writer share, behind one lock.
#[derive(Default)]
struct Line {
    /// Frames waiting for the writer task, oldest first.
    queue: VecDeque<Utf8Bytes>,
    /// The socket, lent by an idle writer: nothing is queued or half-written, so a sender may
    /// write to it directly.
    lent: Option<Socket>,
    /// The socket given back by a sender whose write could not finish at once: the writer task
    /// finishes it (it takes priority over the queue, which holds later frames).
    handed_back: Option<Socket>,
    /// The writer has stopped (or is closing): frames are dropped.
    gone: bool,
    /// The first reason given for closing.
    close: Option<CloseReason>,
}

struct Shared {
    line: Mutex<Line>,
    /// Wakes the writer: frames queued, a socket handed back, or a close asked for.
    wake: Notify,
    /// Wakes whoever waits for the connection to go ([`Outbox::gone`]).
    gone: Notify,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Line> {
        self.line.lock().expect("outbox line")
    }
}

/// The sending side of one connection's line.
#[derive(Clone)]
pub struct Outbox {
    /// Connection id, unique in this process.
    pub id: u64,
    shared: Arc<Shared>,
    /// The language the connection's `hello` named (set once), for the scenario texts it is sent.
    lang: Arc<std::sync::OnceLock<String>>,
}

/// The receiving side, owned by the connection's writer (or a test).
pub struct OutboxReceiver {
    shared: Arc<Shared>,
}

/// How a write straight to the socket went.
enum Direct {
    /// The frame is in the kernel's send buffer.
    Written,
    /// The frame was taken but not all written (the socket is full, or the reader holds it for
    /// a moment): the writer task must flush it.
    Unfinished,
    /// The socket could not take the frame now; it goes back in the queue.
    Refused(Utf8Bytes),
}

/// Writes `frames` to the socket without waiting, in one write when it takes them all (the
/// socket buffers what it is given until the flush). Every poll uses a waker that does nothing,
/// because whatever cannot finish here is handed to the writer task, whose own polls register
/// the waker that matters. A frame the socket refuses is returned; the ones after it stay in
/// `frames`.
fn write_now(socket: &mut Socket, frames: &mut impl Iterator<Item = Utf8Bytes>) -> Direct {
    let mut cx = Context::from_waker(Waker::noop());
    for frame in frames.by_ref() {
        match Pin::new(&mut *socket).poll_ready(&mut cx) {
            Poll::Ready(Ok(())) => {}
            // Broken: the writer task meets the same error on its next write and ends the connection.
            Poll::Ready(Err(_)) => return Direct::Unfinished,
            Poll::Pending => return Direct::Refused(frame),
        }
        if Pin::new(&mut *socket).start_send(Message::Text(frame)).is_err() {
            return Direct::Unfinished;
        }
    }
    match Pin::new(&mut *socket).poll_flush(&mut cx) {
        Poll::Ready(Ok(())) => Direct::Written,
        Poll::Ready(Err(_)) | Poll::Pending => Direct::Unfinished,
    }
}

impl Outbox {
    /// A new line and its receiving side.
    pub fn new() -> (Outbox, OutboxReceiver) {
        let shared = Arc::new(Shared { line: Mutex::new(Line::default()), wake: Notify::new(), gone: Notify::new() });
        (
            Outbox { id: NEXT_CONN.fetch_add(1, Ordering::Relaxed), shared: shared.clone(), lang: Arc::default() },
            OutboxReceiver { shared },
        )
    }

    /// Records the language the connection reads (its `hello` is sent once, so is this).
    pub fn set_lang(&self, lang: String) {
        let _ = self.lang.set(lang);
    }

    /// The language the connection reads, if its `hello` named one.
    pub fn lang(&self) -> Option<&str> {
        self.lang.get().map(String::as_str)
    }

    /// Sends a frame: straight to the socket when the writer is idle, else into the queue; closes
    /// the connection as too slow if the queue is full. The line's lock is held across the direct
    /// write (a non-blocking one), so two senders' frames never interleave or overtake each other.
    pub fn send(&self, frame: Utf8Bytes) {
        self.send_together([frame]);
    }

    /// Sends frames back to back as [`Outbox::send`] does, written to the socket with one
    /// system call when it takes them all at once (a chat line and its sender's `ack`).
    pub fn send_together(&self, frames: impl IntoIterator<Item = Utf8Bytes>) {
        let mut frames = frames.into_iter();
        let mut line = self.shared.lock();
        if line.gone {
            return;
        }
        if let Some(mut socket) = line.lent.take() {
            match write_now(&mut socket, &mut frames) {
                Direct::Written => line.lent = Some(socket),
                Direct::Unfinished => {
                    line.queue.extend(frames);
                    line.handed_back = Some(socket);
                    drop(line);
                    self.shared.wake.notify_one();
                }
                Direct::Refused(frame) => {
                    line.queue.push_back(frame);
                    line.queue.extend(frames);
                    line.handed_back = Some(socket);
                    drop(line);
                    self.shared.wake.notify_one();
                }
            }
            return;
        }
        for frame in frames {
            if line.queue.len() >= OUTBOX_CAPACITY {
                drop(line);
                tracing::warn!(conn = self.id, "outgoing queue full: disconnecting slow client");
                self.close(CloseReason::TooSlow);
                return;
            }
            line.queue.push_back(frame);
        }
        drop(line);
        self.shared.wake.notify_one();
    }

    /// Serialises and sends a JSON frame.
    pub fn send_json(&self, frame: &serde_json::Value) {
        self.send(Utf8Bytes::from(frame.to_string()));
    }

    /// Sends a typed frame.
    pub fn send_msg(&self, frame: &crate::wire::ServerMsg) {
        self.send(Utf8Bytes::from(frame.encode()));
    }

    /// Whether the connection has gone.
    pub fn is_closed(&self) -> bool {
        self.shared.lock().gone
    }

    /// Resolves when the connection has gone (its writer stopped).
    pub async fn gone(&self) {
        loop {
            let notified = self.shared.gone.notified();
            if self.is_closed() {
                return;
            }
            notified.await;
        }
    }

    /// Asks the connection to close; the first reason given is the one the client is told.
    pub fn close(&self, reason: CloseReason) {
        let mut line = self.shared.lock();
        if line.close.is_none() {
            line.close = Some(reason);
        }
        drop(line);
        self.shared.wake.notify_one();
    }
}

/// What the writer is to do next (see [`OutboxReceiver::next`]).
pub enum Work {
    /// Write these frames, oldest first (after finishing the socket's unfinished write, if the
    /// socket was just handed back).
    Write(Vec<Utf8Bytes>),
    /// Close with this reason: the frames given (if any), a last frame, then the close frame.
    Close(CloseReason, Vec<Utf8Bytes>),
}

impl OutboxReceiver {
    /// Waits for the next frame (for a line without a socket, as in tests).
    pub async fn recv(&mut self) -> Option<Utf8Bytes> {
        loop {
            let notified = self.shared.wake.notified();
            {
                let mut line = self.shared.lock();
                if let Some(f) = line.queue.pop_front() {
                    return Some(f);
                }
                if line.gone {
                    return None;
                }
            }
            notified.await;
        }
    }

    /// Resolves when the connection must close, with the first reason given.
    pub async fn closed(&self) -> CloseReason {
        loop {
            let notified = self.shared.wake.notified();
            if let Some(r) = self.shared.lock().close {
                return r;
            }
            notified.await;
        }
    }

    /// The writer's next job. `socket` is the writer's hand: when it holds the socket and
    /// nothing is queued, the socket is lent to the senders and this waits; when a sender hands
    /// it back or frames are queued behind a busy socket, it is back in `socket` on return.
    pub async fn next(&self, socket: &mut Option<Socket>) -> Work {
        loop {
            let notified = self.shared.wake.notified();
            {
                let mut line = self.shared.lock();
                if let Some(reason) = line.close {
                    line.gone = true;
                    // A session that moved tells where first (the `moved` frame is queued just
                    // before the close); any other reason drops what is still queued.
                    let last_frames =
                        if reason == CloseReason::Moved { line.queue.drain(..).collect() } else { Vec::new() };
                    line.queue.clear();
                    if let Some(s) = line.handed_back.take().or_else(|| line.lent.take()) {
                        *socket = Some(s);
                    }
                    return Work::Close(reason, last_frames);
                }
                let handed_back = line.handed_back.take();
                let unfinished = handed_back.is_some();
                if handed_back.is_some() {
                    *socket = handed_back;
                }
                if !line.queue.is_empty() {
                    if socket.is_none() {
                        *socket = line.lent.take();
                    }
                    return Work::Write(line.queue.drain(..).collect());
                }
                if unfinished {
                    // A sender's write did not finish: flush it before lending the socket again.
                    return Work::Write(Vec::new());
                }
                // Nothing to do: lend the socket (if in hand) and wait.
                if let Some(s) = socket.take() {
                    line.lent = Some(s);
                }
            }
            notified.await;
        }
    }

    /// Takes everything back for a last flush (the reader has finished): senders stop writing,
    /// and the socket and the frames still queued are returned.
    pub fn finish(&self, socket: &mut Option<Socket>) -> Vec<Utf8Bytes> {
        let mut line = self.shared.lock();
        line.gone = true;
        if let Some(s) = line.handed_back.take().or_else(|| line.lent.take()) {
            *socket = Some(s);
        }
        line.queue.drain(..).collect()
    }
}

impl Drop for OutboxReceiver {
    fn drop(&mut self) {
        let mut line = self.shared.lock();
        line.gone = true;
        line.queue.clear();
        // The socket (if lent) goes with the line; nobody may write to it any more.
        line.lent = None;
        line.handed_back = None;
        drop(line);
        self.shared.gone.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_full_queue_closes_the_connection_as_too_slow_instead_of_growing() {
        let (o, mut r) = Outbox::new();
        for i in 0..OUTBOX_CAPACITY {
            o.send(Utf8Bytes::from(format!("{i}")));
        }
        let early = tokio::time::timeout(Duration::from_millis(1), r.closed()).await;
        assert!(early.is_err(), "not closed while the queue has room");
        o.send(Utf8Bytes::from("one too many"));
        let reason = tokio::time::timeout(Duration::from_secs(1), r.closed()).await.expect("closed");
        assert_eq!(reason, CloseReason::TooSlow);
        assert_eq!(r.recv().await.unwrap().as_str(), "0");
    }

    #[tokio::test]
    async fn the_first_reason_wins() {
        let (o, r) = Outbox::new();
        o.close(CloseReason::Replaced);
        o.close(CloseReason::TooSlow);
        assert_eq!(r.closed().await, CloseReason::Replaced);
        assert_eq!(r.closed().await, CloseReason::Replaced, "asking again gives the same answer");
    }

    #[tokio::test]
    async fn a_connection_whose_writer_stopped_is_gone_and_takes_no_frames() {
        let (o, r) = Outbox::new();
        let waiting = tokio::spawn({
            let o = o.clone();
            async move { o.gone().await }
        });
        assert!(!o.is_closed());
        drop(r);
        tokio::time::timeout(Duration::from_secs(1), waiting).await.expect("gone resolves").unwrap();
        assert!(o.is_closed());
        o.send(Utf8Bytes::from("after the end"));
        assert!(o.shared.lock().queue.is_empty(), "nothing queues on a gone connection");
    }

    #[tokio::test]
    async fn a_moved_connection_writes_the_address_before_closing_and_others_drop_their_queue() {
        for (reason, kept) in [(CloseReason::Moved, vec!["moved"]), (CloseReason::Removed, vec![])] {
            let (o, r) = Outbox::new();
            o.send(Utf8Bytes::from("moved"));
            o.close(reason);
            let mut socket = None;
            match r.next(&mut socket).await {
                Work::Close(got, frames) => {
                    assert_eq!(got, reason);
                    assert_eq!(frames.iter().map(Utf8Bytes::as_str).collect::<Vec<_>>(), kept, "{reason:?}");
                }
                Work::Write(_) => panic!("{reason:?}: a close request comes before queued frames"),
            }
            assert!(o.is_closed(), "no frame is taken after the close");
        }
    }
}
