//! Several `parley serve --postgres URL --node-address ADDR` processes on one test PostgreSQL:
//! a node can be killed with SIGKILL, paused with SIGSTOP and resumed with SIGCONT. Clients
//! follow `moved` frames and try the next node when one does not answer, as the browser does.

use super::{repo, Client};
use parley::wire::{ServerMsg, StateView};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A short lease, so a test sees a takeover in seconds.
pub const LEASE_MS: u64 = 1500;
/// Heartbeats (and scans for dead nodes' sessions) this often.
pub const HEARTBEAT_MS: u64 = 250;

/// One node process.
pub struct Node {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    dir: std::path::PathBuf,
}

impl Node {
    /// Starts a node on a free port, advertising `http://127.0.0.1:PORT`, with the short lease.
    pub fn start(pg_url: &str) -> Node {
        Node::start_with_lease(pg_url, LEASE_MS, HEARTBEAT_MS)
    }

    /// Starts a node with this lease and heartbeat (milliseconds).
    pub fn start_with_lease(pg_url: &str, lease_ms: u64, heartbeat_ms: u64) -> Node {
        Node::start_at(pg_url, free_port(), lease_ms, heartbeat_ms, &[])
    }

    /// Starts a node with the short lease and extra `parley serve` arguments.
    pub fn start_with_args(pg_url: &str, extra: &[&str]) -> Node {
        Node::start_at(pg_url, free_port(), LEASE_MS, HEARTBEAT_MS, extra)
    }

    /// Starts a node on this port.
    pub fn start_at(pg_url: &str, port: u16, lease_ms: u64, heartbeat_ms: u64, extra: &[&str]) -> Node {
        let addr = format!("127.0.0.1:{port}");
        let dir = std::env::temp_dir().join(format!("parley-node-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (lease, beat) = (lease_ms.to_string(), heartbeat_ms.to_string());
        let mut child = Command::new(env!("CARGO_BIN_EXE_parley"))
            .arg("serve")
            .args(["--addr", &addr, "--node-address", &format!("http://{addr}"), "--postgres", pg_url])
            .args(["--lease-ms", &lease, "--heartbeat-ms", &beat])
            .args(["--db", &dir.join("unused.db").display().to_string()])
            .args(["--scenarios", &repo().join("scenarios").display().to_string()])
            .args(["--static", &repo().join("client-web").display().to_string()])
            // Every test client comes from 127.0.0.1.
            .args(["--ws-connects-per-minute", "100000", "--code-lookups-per-minute", "100000"])
            .args(["--sessions-per-hour", "1000", "--practice-bot-after", "0"])
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("parley binary runs");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        loop {
            let line = lines.next().expect("the node printed its address").unwrap();
            if line.starts_with("listening on http://") {
                break;
            }
        }
        std::thread::spawn(move || for _ in lines {});
        Node { child, addr, dir }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a signal (`KILL`, `STOP`, `CONT`).
    pub fn signal(&mut self, sig: &str) {
        let ok = Command::new("kill").args([&format!("-{sig}"), &self.pid().to_string()]).status().unwrap();
        assert!(ok.success(), "kill -{sig}");
        if sig == "KILL" {
            self.child.wait().unwrap();
        }
    }

    /// POST JSON; returns status and body.
    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        parley_tools::httpclient::request(&self.addr, "POST", path, Some(&body), &[]).await.expect("http request")
    }

    /// GET; returns status and body.
    pub async fn get(&self, path: &str) -> (u16, Value) {
        parley_tools::httpclient::request(&self.addr, "GET", path, None, &[]).await.expect("http request")
    }

    /// Creates a workshop session on this node; returns its join code and facilitator token.
    pub async fn session(&self, scenario: &str, durations: Value) -> (String, String) {
        let (status, v) = self.post("/api/sessions", json!({"scenario": scenario, "durations": durations})).await;
        assert_eq!(status, 201, "{v}");
        (v["code"].as_str().unwrap().to_string(), v["facilitator_token"].as_str().unwrap_or_default().to_string())
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-CONT", &self.child.id().to_string()]).stderr(Stdio::null()).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `127.0.0.1:PORT` from an advertised `http://127.0.0.1:PORT`.
pub fn host_of(address: &str) -> String {
    address.trim_start_matches("http://").trim_start_matches("https://").trim_end_matches('/').to_string()
}

/// A connection to a node, or none when it does not answer within 2 s.
async fn connect(addr: &str) -> Option<Client> {
    let url = format!("ws://{addr}/ws");
    match tokio::time::timeout(Duration::from_secs(2), tokio_tungstenite::connect_async(url)).await {
        Ok(Ok((ws, _))) => Some(Client { ws, raw: Vec::new(), last_sent: Instant::now() }),
        _ => None,
    }
}

/// Where a client ended up.
pub struct Resumed {
    /// The connection, after its `state`.
    pub client: Client,
    /// The match's state as the node sent it.
    pub state: StateView,
    /// The node that answered.
    pub addr: String,
    /// `moved` frames followed on the way.
    pub moves: usize,
}

/// Resumes a seat with its token: tries `nodes` from `first` on, follows `moved`, and tries the
/// next node when one does not answer or closes, until one sends the player's `state` (panics
/// after `within`).
pub async fn resume(nodes: &[String], first: usize, token: &str, within: Duration) -> Resumed {
    let start = Instant::now();
    let mut next = first;
    let mut target: Option<String> = None;
    let mut moves = 0;
    loop {
        assert!(start.elapsed() < within, "no node resumed the seat within {within:?}");
        let addr = target.take().unwrap_or_else(|| {
            let a = nodes[next % nodes.len()].clone();
            next += 1;
            a
        });
        let Some(mut c) = connect(&addr).await else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        c.send(json!({"type": "hello", "version": 1, "token": token})).await;
        loop {
            let Some(v) = c.next().await else { break };
            match v["type"].as_str() {
                Some("moved") => {
                    moves += 1;
                    target = Some(host_of(v["address"].as_str().unwrap()));
                    break;
                }
                Some("state") => {
                    let raw = c.raw.last().unwrap().clone();
                    let ServerMsg::State(state) = ServerMsg::decode(&raw).unwrap() else { unreachable!() };
                    return Resumed { client: c, state: *state, addr, moves };
                }
                Some("error") if v["code"] == "bad_token" => panic!("the token was refused: {v}"),
                _ => {}
            }
        }
        if target.is_none() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
