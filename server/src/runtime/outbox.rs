//! A connection's bounded outgoing queue. Sending never blocks: a client whose queue is full
//! cannot keep up, so it is kicked (it may resume with its token) instead of growing memory.

use axum::extract::ws::Utf8Bytes;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::{mpsc, Notify};

/// Frames a connection may have queued before it is considered too slow.
pub const OUTBOX_CAPACITY: usize = 128;

static NEXT_CONN: AtomicU64 = AtomicU64::new(1);

/// The sending side of one connection's queue.
#[derive(Clone)]
pub struct Outbox {
    /// Connection id, unique in this process.
    pub id: u64,
    tx: mpsc::Sender<Utf8Bytes>,
    kick: Arc<Notify>,
}

/// The receiving side, owned by the connection's writer.
pub struct OutboxReceiver {
    /// Frames to write.
    pub rx: mpsc::Receiver<Utf8Bytes>,
    /// Signalled when the connection must be closed (too slow, or replaced by a newer one).
    pub kick: Arc<Notify>,
}

impl Outbox {
    /// A new queue pair.
    pub fn new() -> (Outbox, OutboxReceiver) {
        let (tx, rx) = mpsc::channel(OUTBOX_CAPACITY);
        let kick = Arc::new(Notify::new());
        (Outbox { id: NEXT_CONN.fetch_add(1, Ordering::Relaxed), tx, kick: kick.clone() }, OutboxReceiver { rx, kick })
    }

    /// Queues a frame; kicks the connection if its queue is full.
    pub fn send(&self, frame: Utf8Bytes) {
        if let Err(mpsc::error::TrySendError::Full(_)) = self.tx.try_send(frame) {
            tracing::warn!(conn = self.id, "outgoing queue full: disconnecting slow client");
            self.kick.notify_one();
        }
    }

    /// Serialises and queues a JSON frame.
    pub fn send_json(&self, frame: &serde_json::Value) {
        self.send(Utf8Bytes::from(frame.to_string()));
    }

    /// Whether the connection has gone.
    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }

    /// Asks the connection to close.
    pub fn close(&self) {
        self.kick.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_queue_kicks_the_connection_instead_of_growing() {
        let (o, mut r) = Outbox::new();
        for i in 0..OUTBOX_CAPACITY {
            o.send(Utf8Bytes::from(format!("{i}")));
        }
        // Not kicked yet: the permit is stored only by the overflowing send.
        let kicked = tokio::time::timeout(std::time::Duration::from_millis(1), r.kick.notified()).await;
        assert!(kicked.is_err());
        o.send(Utf8Bytes::from("one too many"));
        tokio::time::timeout(std::time::Duration::from_secs(1), r.kick.notified()).await.expect("kicked");
        assert_eq!(r.rx.recv().await.unwrap().as_str(), "0");
    }
}
