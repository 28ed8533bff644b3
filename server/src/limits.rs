//! What one client may make the server do. Every limit holds per player or per client address,
//! never per connection (a client can always open another connection). The numbers are
//! `parley serve` options; `docs/protocol.md` ("Limits") lists them with their error codes.

use clap::Args;
use dashmap::DashMap;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

/// The limits of `parley serve`.
#[derive(Args, Debug, Clone)]
pub struct Limits {
    /// Most open connections in all, HTTP and WebSocket (0 = the open-file limit minus 256).
    #[arg(long, env = "PARLEY_MAX_CONNECTIONS", default_value_t = 0)]
    pub max_connections: usize,
    /// Most open connections from one client address. A class behind one school router shares an
    /// address: allow about two per person.
    #[arg(long, env = "PARLEY_MAX_CONNECTIONS_PER_IP", default_value_t = 512)]
    pub max_connections_per_ip: usize,
    /// Take the client address from the last `X-Forwarded-For` entry. Only behind a reverse proxy
    /// you run, which sets that header: anyone else can write it.
    #[arg(long, env = "PARLEY_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// Seconds a client may take to send a request's headers; an idle kept-alive HTTP connection
    /// is closed after the same time.
    #[arg(long, env = "PARLEY_HEADER_TIMEOUT", default_value_t = 10)]
    pub header_timeout: u64,
    /// Seconds an HTTP request (body included) may take before it is answered 408.
    #[arg(long, env = "PARLEY_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout: u64,
    /// Seconds a frame may wait to be written to a client that does not read before the
    /// connection is closed as too slow.
    #[arg(long, env = "PARLEY_SEND_TIMEOUT", default_value_t = 10)]
    pub send_timeout: u64,
    /// Sessions one address may create per hour without the admin key (with it: no limit).
    #[arg(long, env = "PARLEY_SESSIONS_PER_HOUR", default_value_t = 30)]
    pub sessions_per_hour: u32,
    /// Join-code lookups and joins per address per minute: `GET /api/sessions/CODE`, joins by
    /// code and joins of the practice pool. A class of 200 behind one router makes about 400 in
    /// its first minute.
    #[arg(long, env = "PARLEY_CODE_LOOKUPS_PER_MINUTE", default_value_t = 600)]
    pub code_lookups_per_minute: u32,
    /// New WebSocket connections per address per minute (reconnect loops).
    #[arg(long, env = "PARLEY_WS_CONNECTS_PER_MINUTE", default_value_t = 600)]
    pub ws_connects_per_minute: u32,
    /// Chat messages a player may send at once (then `--chat-per-minute`), whatever their connections.
    #[arg(long, env = "PARLEY_CHAT_BURST", default_value_t = 5)]
    pub chat_burst: u32,
    /// Chat messages per player per minute, sustained.
    #[arg(long, env = "PARLEY_CHAT_PER_MINUTE", default_value_t = 60)]
    pub chat_per_minute: u32,
    /// Most offers in one match.
    #[arg(long, env = "PARLEY_MAX_OFFERS_PER_MATCH", default_value_t = 200)]
    pub max_offers_per_match: usize,
    /// Most players in one class session (the practice pool, open for the server's whole life,
    /// is bounded by the per-address join budget instead).
    #[arg(long, env = "PARLEY_MAX_PLAYERS_PER_SESSION", default_value_t = 1000)]
    pub max_players_per_session: usize,
    /// Scenario-editor requests (analyses, saves) per address per minute without the admin key
    /// (with it: no limit). The editor asks for an analysis at most about twice a second while
    /// someone types.
    #[arg(long, env = "PARLEY_AUTHOR_REQUESTS_PER_MINUTE", default_value_t = 600)]
    pub author_requests_per_minute: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 0,
            max_connections_per_ip: 512,
            trust_forwarded_for: false,
            header_timeout: 10,
            request_timeout: 30,
            send_timeout: 10,
            sessions_per_hour: 30,
            code_lookups_per_minute: 600,
            ws_connects_per_minute: 600,
            chat_burst: 5,
            chat_per_minute: 60,
            max_offers_per_match: 200,
            max_players_per_session: 1000,
            author_requests_per_minute: 600,
        }
    }
}

/// The kinds of request limited per client address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// Creating a session without the admin key.
    CreateSession,
    /// Looking up a join code.
    CodeLookup,
    /// Opening a WebSocket.
    Connect,
    /// A scenario-editor request without the admin key.
    Author,
}

/// Token buckets per client address (the `governor` crate), one set per kind of request.
pub struct AddressLimits {
    create: DefaultKeyedRateLimiter<IpAddr>,
    lookup: DefaultKeyedRateLimiter<IpAddr>,
    connect: DefaultKeyedRateLimiter<IpAddr>,
    author: DefaultKeyedRateLimiter<IpAddr>,
    /// Open WebSockets per client address (counted even behind a proxy, by forwarded address).
    open_sockets: DashMap<IpAddr, usize>,
    max_sockets: usize,
}

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n.max(1)).expect("at least 1")
}

impl AddressLimits {
    /// Buckets sized by `limits`.
    pub fn new(limits: &Limits) -> AddressLimits {
        let per = |n: u32, period: Duration| {
            let n = nz(n);
            Quota::with_period(period / n.get()).expect("a positive period").allow_burst(n)
        };
        AddressLimits {
            create: RateLimiter::keyed(per(limits.sessions_per_hour, Duration::from_secs(3600))),
            lookup: RateLimiter::keyed(per(limits.code_lookups_per_minute, Duration::from_secs(60))),
            connect: RateLimiter::keyed(per(limits.ws_connects_per_minute, Duration::from_secs(60))),
            author: RateLimiter::keyed(per(limits.author_requests_per_minute, Duration::from_secs(60))),
            open_sockets: DashMap::new(),
            max_sockets: limits.max_connections_per_ip.max(1),
        }
    }

    /// Takes one request of this kind from the address's budget; false when it is spent.
    pub fn allow(&self, budget: Budget, ip: IpAddr) -> bool {
        let limiter = match budget {
            Budget::CreateSession => &self.create,
            Budget::CodeLookup => &self.lookup,
            Budget::Connect => &self.connect,
            Budget::Author => &self.author,
        };
        limiter.check_key(&ip).is_ok()
    }

    /// Forgets addresses whose buckets are full again (run every minute: memory stays bounded by
    /// the addresses seen recently).
    pub fn forget_idle(&self) {
        for l in [&self.create, &self.lookup, &self.connect, &self.author] {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }

    /// Counts an open WebSocket for `ip`; `None` when the address has too many open.
    pub fn open_socket(self: &Arc<Self>, ip: IpAddr) -> Option<SocketSlot> {
        let mut n = self.open_sockets.entry(ip).or_insert(0);
        if *n >= self.max_sockets {
            return None;
        }
        *n += 1;
        Some(SocketSlot { limits: self.clone(), ip })
    }
}

/// One open WebSocket of an address; released when dropped.
pub struct SocketSlot {
    limits: Arc<AddressLimits>,
    ip: IpAddr,
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        if let dashmap::Entry::Occupied(mut e) = self.limits.open_sockets.entry(self.ip) {
            *e.get_mut() -= 1;
            if *e.get() == 0 {
                e.remove();
            }
        }
    }
}

/// The client's address: the peer, or behind a trusted proxy the last `X-Forwarded-For` entry
/// (the one the proxy itself appended; entries before it are whatever the client wrote).
pub fn client_ip(peer: SocketAddr, forwarded_for: Option<&str>, trust_forwarded_for: bool) -> IpAddr {
    if trust_forwarded_for {
        if let Some(ip) = forwarded_for.and_then(|h| h.rsplit(',').next()).and_then(|s| s.trim().parse().ok()) {
            return ip;
        }
    }
    peer.ip()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_per_address() {
        let limits = Limits { code_lookups_per_minute: 3, ..Limits::default() };
        let l = AddressLimits::new(&limits);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..3 {
            assert!(l.allow(Budget::CodeLookup, a));
        }
        assert!(!l.allow(Budget::CodeLookup, a), "the burst is spent");
        assert!(l.allow(Budget::CodeLookup, b), "another address has its own bucket");
        assert!(l.allow(Budget::CreateSession, a), "another kind has its own bucket");
    }

    #[test]
    fn open_sockets_are_capped_and_released() {
        let limits = Limits { max_connections_per_ip: 2, ..Limits::default() };
        let l = Arc::new(AddressLimits::new(&limits));
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let s1 = l.open_socket(a).unwrap();
        let _s2 = l.open_socket(a).unwrap();
        assert!(l.open_socket(a).is_none());
        drop(s1);
        assert!(l.open_socket(a).is_some());
    }

    #[test]
    fn forwarded_for_is_read_only_when_trusted_and_from_the_right() {
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let h = Some("6.6.6.6, 203.0.113.7");
        assert_eq!(client_ip(peer, h, false), peer.ip());
        assert_eq!(client_ip(peer, h, true), "203.0.113.7".parse::<IpAddr>().unwrap());
        assert_eq!(client_ip(peer, Some("garbage"), true), peer.ip());
        assert_eq!(client_ip(peer, None, true), peer.ip());
    }
}
