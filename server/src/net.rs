//! The TCP side of serving: accepting connections within limits, `TCP_NODELAY`, the HTTP/1
//! header timeout, and the peer address every request carries.
//!
//! Why not `axum::serve`: it sets no header timeout (a client that connects and sends nothing
//! holds a file descriptor forever), has no connection caps, and leaves Nagle's algorithm on
//! (every second frame written in a row waited ~40 ms for the first one's ACK).
//!
//! Admission, per accepted socket:
//! - under both caps: served by the full router;
//! - over the global cap or the peer's per-IP cap, but within a small reserve: served by a tiny
//!   router that answers `/healthz` and refuses everything else (503 `server_full`, 429
//!   `too_many_connections`), so health checks keep working when the server is full;
//! - beyond the reserve: closed at once.
//!
//! Every connection holds a [`ConnSlot`]; a WebSocket upgrade takes a clone of it, so an
//! upgraded connection keeps counting until the WebSocket closes.

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::Router;
use dashmap::DashMap;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// Connections accepted past a cap only to be answered briefly (health checks, 503s).
pub const OVERFLOW_RESERVE: usize = 64;

/// File descriptors kept free for the database, scenario files and the overflow answers.
pub const FD_HEADROOM: usize = 256;

/// Connection limits of the listener.
#[derive(Debug, Clone)]
pub struct NetLimits {
    /// Most open connections (HTTP and WebSocket) in all.
    pub max_connections: usize,
    /// Most open connections from one peer address (not applied when a proxy's
    /// `X-Forwarded-For` is trusted: then every connection comes from the proxy).
    pub max_per_ip: usize,
    /// Whether the peer address is a trusted proxy's.
    pub behind_proxy: bool,
    /// Longest wait for a request's headers, on a new connection or an idle kept-alive one.
    pub header_timeout: Duration,
}

/// Open connections, in all and per peer address.
#[derive(Default)]
pub struct ConnCounter {
    total: AtomicUsize,
    per_ip: DashMap<IpAddr, usize>,
}

impl ConnCounter {
    /// Connections open now.
    pub fn open(&self) -> usize {
        self.total.load(Ordering::Relaxed)
    }
}

/// One counted connection; dropping the last clone releases it.
pub struct ConnSlot {
    counter: Arc<ConnCounter>,
    ip: Option<IpAddr>,
}

impl Drop for ConnSlot {
    fn drop(&mut self) {
        self.counter.total.fetch_sub(1, Ordering::Relaxed);
        if let Some(ip) = self.ip {
            if let dashmap::Entry::Occupied(mut e) = self.counter.per_ip.entry(ip) {
                *e.get_mut() -= 1;
                if *e.get() == 0 {
                    e.remove();
                }
            }
        }
    }
}

/// What an accepted socket gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// The full service.
    Serve,
    /// Only `/healthz`; the server is full.
    ServerFull,
    /// Only `/healthz`; this address has too many connections open.
    TooManyFromPeer,
    /// Closed without a word.
    Drop,
}

impl ConnCounter {
    /// Counts a new connection from `ip` and says how to treat it.
    pub fn admit(self: &Arc<Self>, ip: IpAddr, limits: &NetLimits) -> (Admission, Option<ConnSlot>) {
        let total = self.total.fetch_add(1, Ordering::Relaxed) + 1;
        let counted_ip = (!limits.behind_proxy).then_some(ip);
        let from_peer = counted_ip.map(|ip| {
            let mut n = self.per_ip.entry(ip).or_insert(0);
            *n += 1;
            *n
        });
        let slot = ConnSlot { counter: self.clone(), ip: counted_ip };
        let over_total = total > limits.max_connections;
        let over_peer = from_peer.is_some_and(|n| n > limits.max_per_ip);
        let admission = if !over_total && !over_peer {
            Admission::Serve
        } else if total > limits.max_connections + OVERFLOW_RESERVE
            || from_peer.is_some_and(|n| n > limits.max_per_ip + OVERFLOW_RESERVE)
        {
            Admission::Drop
        } else if over_total {
            Admission::ServerFull
        } else {
            Admission::TooManyFromPeer
        };
        if admission == Admission::Drop {
            drop(slot);
            return (admission, None);
        }
        (admission, Some(slot))
    }
}

/// Raises the soft limit on open files to the hard limit; returns the limit now in force.
pub fn raise_file_limit() -> Option<usize> {
    // SAFETY: getrlimit/setrlimit only read and write the struct we pass.
    unsafe {
        let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return None;
        }
        if lim.rlim_cur < lim.rlim_max {
            let raised = libc::rlimit { rlim_cur: lim.rlim_max, rlim_max: lim.rlim_max };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                lim.rlim_cur = lim.rlim_max;
            }
        }
        Some(lim.rlim_cur as usize)
    }
}

/// Accepts connections until `shutdown` resolves. `full` serves admitted connections,
/// `overflow` the ones over a cap (it must answer `/healthz`).
pub async fn serve(
    listener: TcpListener,
    full: Router,
    overflow: Router,
    limits: NetLimits,
    counter: Arc<ConnCounter>,
    shutdown: impl Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = &mut shutdown => return,
        };
        let (tcp, peer) = match accepted {
            Ok(x) => x,
            Err(e) => {
                if !matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionRefused
                        | std::io::ErrorKind::ConnectionAborted
                        | std::io::ErrorKind::ConnectionReset
                ) {
                    // Most likely out of file descriptors: let some connections close.
                    tracing::error!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                continue;
            }
        };
        let (admission, slot) = counter.admit(peer.ip(), &limits);
        let Some(slot) = slot else {
            tracing::debug!(%peer, "connection refused: over every cap");
            continue;
        };
        // Frames are small and latency matters more than packet count.
        let _ = tcp.set_nodelay(true);
        let router = match admission {
            Admission::Serve => full.clone(),
            Admission::ServerFull => overflow.clone().layer(axum::Extension(Overflow::ServerFull)),
            _ => overflow.clone().layer(axum::Extension(Overflow::TooManyFromPeer)),
        };
        let header_timeout =
            if admission == Admission::Serve { limits.header_timeout } else { limits.header_timeout.min(ONE_SECOND) };
        tokio::spawn(serve_connection(tcp, peer, router, header_timeout, admission == Admission::Serve, slot));
    }
}

const ONE_SECOND: Duration = Duration::from_secs(1);

/// Why a connection got the overflow router.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overflow {
    /// The global cap.
    ServerFull,
    /// The per-address cap.
    TooManyFromPeer,
}

async fn serve_connection(
    tcp: tokio::net::TcpStream,
    peer: SocketAddr,
    router: Router,
    header_timeout: Duration,
    keep_alive: bool,
    slot: ConnSlot,
) {
    let slot = Arc::new(slot);
    let slot_for_requests = slot.clone();
    let service = router.map_request(move |req: Request<Incoming>| {
        let mut req = req.map(Body::new);
        req.extensions_mut().insert(ConnectInfo(peer));
        req.extensions_mut().insert(slot_for_requests.clone());
        req
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(header_timeout).keep_alive(keep_alive);
    let conn = builder.serve_connection(TokioIo::new(tcp), TowerToHyperService::new(service)).with_upgrades();
    if let Err(e) = conn.await {
        tracing::debug!(%peer, error = %e, "connection ended with an error");
    }
    drop(slot);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(total: usize, per_ip: usize) -> NetLimits {
        NetLimits {
            max_connections: total,
            max_per_ip: per_ip,
            behind_proxy: false,
            header_timeout: Duration::from_secs(10),
        }
    }

    #[test]
    fn caps_hold_per_address_and_in_all_and_slots_release() {
        let c = Arc::new(ConnCounter::default());
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let l = limits(3, 2);
        let (x1, s1) = c.admit(a, &l);
        let (x2, s2) = c.admit(a, &l);
        let (x3, s3) = c.admit(a, &l);
        assert_eq!((x1, x2, x3), (Admission::Serve, Admission::Serve, Admission::TooManyFromPeer));
        let (x4, s4) = c.admit(b, &l);
        assert_eq!(x4, Admission::ServerFull, "a fourth connection is over the total of 3");
        drop((s3, s4));
        assert_eq!(c.open(), 2);
        drop((s1, s2));
        assert_eq!(c.open(), 0);
        assert!(c.per_ip.is_empty(), "no entry is left behind for a gone address");
        assert_eq!(c.admit(b, &l).0, Admission::Serve);
    }

    #[test]
    fn beyond_the_reserve_connections_are_dropped() {
        let c = Arc::new(ConnCounter::default());
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let l = limits(1000, 1);
        let mut held = Vec::new();
        for _ in 0..=OVERFLOW_RESERVE {
            held.push(c.admit(a, &l).1.expect("within the reserve"));
        }
        let (x, s) = c.admit(a, &l);
        assert_eq!((x, s.is_none()), (Admission::Drop, true));
        assert_eq!(c.open(), OVERFLOW_RESERVE + 1);
    }

    #[test]
    fn behind_a_proxy_the_peer_cap_does_not_apply() {
        let c = Arc::new(ConnCounter::default());
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let mut l = limits(10, 1);
        l.behind_proxy = true;
        let held: Vec<_> = (0..5).map(|_| c.admit(a, &l)).collect();
        assert!(held.iter().all(|(x, _)| *x == Admission::Serve));
    }
}
