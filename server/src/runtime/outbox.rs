//! A connection's bounded outgoing queue. Sending never blocks: a client whose queue is full
//! cannot keep up, so it is closed as too slow (it may resume with its token) instead of
//! growing memory. Closing carries a reason, which the connection's writer turns into a last
//! frame and a WebSocket close code.

use crate::error::ErrorCode;
use axum::extract::ws::Utf8Bytes;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, Notify};

/// Frames a connection may have queued before it is considered too slow.
pub const OUTBOX_CAPACITY: usize = 128;

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

struct Closing {
    reason: Mutex<Option<CloseReason>>,
    notify: Notify,
}

/// The sending side of one connection's queue.
#[derive(Clone)]
pub struct Outbox {
    /// Connection id, unique in this process.
    pub id: u64,
    tx: mpsc::Sender<Utf8Bytes>,
    closing: Arc<Closing>,
    /// The language the connection's `hello` named (set once), for the scenario texts it is sent.
    lang: Arc<std::sync::OnceLock<String>>,
}

/// The receiving side, owned by the connection's writer.
pub struct OutboxReceiver {
    /// Frames to write.
    pub rx: mpsc::Receiver<Utf8Bytes>,
    closing: Arc<Closing>,
}

impl OutboxReceiver {
    /// Resolves when the connection must close, with the first reason given.
    pub async fn closed(&self) -> CloseReason {
        self.close_signal().closed().await
    }

    /// A handle that waits for the close request while the queue is read elsewhere.
    pub fn close_signal(&self) -> CloseSignal {
        CloseSignal(self.closing.clone())
    }
}

/// Waits for a connection's close request (see [`OutboxReceiver::close_signal`]).
pub struct CloseSignal(Arc<Closing>);

impl CloseSignal {
    /// Resolves when the connection must close, with the first reason given.
    pub async fn closed(&self) -> CloseReason {
        loop {
            let notified = self.0.notify.notified();
            if let Some(r) = *self.0.reason.lock().expect("close reason") {
                return r;
            }
            notified.await;
        }
    }
}

impl Outbox {
    /// A new queue pair.
    pub fn new() -> (Outbox, OutboxReceiver) {
        let (tx, rx) = mpsc::channel(OUTBOX_CAPACITY);
        let closing = Arc::new(Closing { reason: Mutex::new(None), notify: Notify::new() });
        (
            Outbox {
                id: NEXT_CONN.fetch_add(1, Ordering::Relaxed),
                tx,
                closing: closing.clone(),
                lang: Arc::default(),
            },
            OutboxReceiver { rx, closing },
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

    /// Queues a frame; closes the connection as too slow if its queue is full.
    pub fn send(&self, frame: Utf8Bytes) {
        if let Err(mpsc::error::TrySendError::Full(_)) = self.tx.try_send(frame) {
            tracing::warn!(conn = self.id, "outgoing queue full: disconnecting slow client");
            self.close(CloseReason::TooSlow);
        }
    }

    /// Serialises and queues a JSON frame.
    pub fn send_json(&self, frame: &serde_json::Value) {
        self.send(Utf8Bytes::from(frame.to_string()));
    }

    /// Queues a typed frame.
    pub fn send_msg(&self, frame: &crate::wire::ServerMsg) {
        self.send(Utf8Bytes::from(frame.encode()));
    }

    /// Whether the connection has gone.
    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }

    /// Resolves when the connection has gone (its writer dropped the queue).
    pub async fn gone(&self) {
        self.tx.closed().await
    }

    /// Asks the connection to close; the first reason given is the one the client is told.
    pub fn close(&self, reason: CloseReason) {
        let mut r = self.closing.reason.lock().expect("close reason");
        if r.is_none() {
            *r = Some(reason);
        }
        drop(r);
        self.closing.notify.notify_waiters();
        self.closing.notify.notify_one();
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
        assert_eq!(r.rx.recv().await.unwrap().as_str(), "0");
    }

    #[tokio::test]
    async fn the_first_reason_wins() {
        let (o, r) = Outbox::new();
        o.close(CloseReason::Replaced);
        o.close(CloseReason::TooSlow);
        assert_eq!(r.closed().await, CloseReason::Replaced);
        assert_eq!(r.closed().await, CloseReason::Replaced, "asking again gives the same answer");
    }
}
