//! Test harness: runs a real Parley server on a free port with its own database, in this process
//! (on its own runtime and thread, as `parley serve` would run it) or, for the tests that kill it,
//! as the real `parley` binary; and talks to it over real WebSockets (tokio-tungstenite) and HTTP.
#![allow(dead_code)]

pub mod cluster;
pub mod console;
pub mod postgres;

use futures_util::{SinkExt, StreamExt};
use parley::core::game::Phase;
use parley::wire::{ServerMsg, StateView};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

/// How long a test waits for an expected frame before failing.
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(15);

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// How a test's server runs.
enum Running {
    /// The `parley` binary, which a test can kill -9.
    Process(Child),
    /// In this process: dropping `stop` shuts it down; its thread drops its runtime and tasks.
    InProcess { stop: Option<tokio::sync::oneshot::Sender<()>>, thread: Option<std::thread::JoinHandle<()>> },
}

/// A running server.
pub struct Server {
    running: Running,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// The database file.
    pub db: PathBuf,
    dir: PathBuf,
    extra: Vec<String>,
}

impl Server {
    /// Starts a server with a fresh database.
    pub fn start() -> Server {
        Server::start_with(&[])
    }

    /// Starts a server in this process with extra `parley serve` arguments.
    pub fn start_with(extra: &[&str]) -> Server {
        let (db, dir) = fresh_dir();
        let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        let (running, addr) = start_in_process(&db, &extra);
        Server { running, addr, db, dir, extra }
    }

    /// Starts the `parley` binary with extra arguments (for tests that kill it).
    pub fn start_process_with(extra: &[&str]) -> Server {
        let (db, dir) = fresh_dir();
        let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        let (child, addr) = spawn(&db, &extra);
        Server { running: Running::Process(child), addr, db, dir, extra }
    }

    /// Kills the process with SIGKILL (no shutdown code runs) and starts it again on the same database.
    pub fn kill9_and_restart(&mut self) {
        let Running::Process(child) = &mut self.running else {
            panic!("kill9_and_restart needs a server started with start_process_with")
        };
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        let (child, addr) = spawn(&self.db, &self.extra);
        self.running = Running::Process(child);
        self.addr = addr;
    }

    /// The WebSocket URL.
    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// A connected client that has said hello.
    pub async fn client(&self) -> Client {
        let mut c = Client::connect(&self.ws_url()).await;
        c.send(json!({"type": "hello", "version": 1})).await;
        c.until_type("welcome").await;
        c
    }

    /// POST JSON; returns status and body.
    pub async fn post(&self, path: &str, body: Value, headers: &[(&str, &str)]) -> (u16, Value) {
        http(&self.addr, "POST", path, Some(body), headers).await
    }

    /// GET; returns status and body.
    pub async fn get(&self, path: &str) -> (u16, Value) {
        http(&self.addr, "GET", path, None, &[]).await
    }

    /// Creates a workshop session; returns its join code.
    pub async fn session(&self, scenario: &str, durations: Value, extra: Value) -> String {
        let mut body = json!({"scenario": scenario, "durations": durations});
        if let Value::Object(m) = extra {
            for (k, v) in m {
                body[k] = v;
            }
        }
        let (status, v) = self.post("/api/sessions", body, &[]).await;
        assert_eq!(status, 201, "{v}");
        v["code"].as_str().unwrap().to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        match &mut self.running {
            Running::Process(child) => {
                let _ = child.kill();
                let _ = child.wait();
            }
            Running::InProcess { stop, thread } => {
                drop(stop.take());
                if let Some(t) = thread.take() {
                    let _ = t.join();
                }
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn fresh_dir() -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "parley-test-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    (dir.join("parley.db"), dir)
}

/// The arguments both ways of running share.
fn serve_args(db: &std::path::Path, extra: &[String]) -> Vec<String> {
    let mut args: Vec<String> = vec!["--addr".into(), "127.0.0.1:0".into(), "--db".into(), db.display().to_string()];
    // The bundled scenarios, unless the test brings its own folder.
    if !extra.iter().any(|a| a == "--scenarios") {
        args.extend(["--scenarios".into(), repo().join("scenarios").display().to_string()]);
    }
    args.extend(["--static".into(), repo().join("client-web").display().to_string()]);
    args.extend(extra.iter().cloned());
    args
}

/// `parley serve`'s options, parsed as the binary parses them.
#[derive(clap::Parser)]
struct ServeCli {
    #[command(flatten)]
    args: parley::runtime::ServeArgs,
}

/// Runs a server on its own thread and runtime (two workers, like a small machine) and waits
/// until it listens.
fn start_in_process(db: &std::path::Path, extra: &[String]) -> (Running, String) {
    use clap::Parser;
    let cli = ServeCli::try_parse_from(std::iter::once("parley".to_string()).chain(serve_args(db, extra)))
        .unwrap_or_else(|e| panic!("bad serve arguments {extra:?}: {e}"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (ready, listening) = std::sync::mpsc::channel::<Result<String, String>>();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let told = ready.clone();
        let result = rt.block_on(parley::runtime::serve_until(
            cli.args,
            move |addr| {
                let _ = told.send(Ok(addr.to_string()));
            },
            async {
                let _ = stopped.await;
            },
        ));
        if let Err(e) = result {
            let _ = ready.send(Err(e));
        }
    });
    let addr = listening.recv().expect("the server thread reports").unwrap_or_else(|e| panic!("server: {e}"));
    (Running::InProcess { stop: Some(stop), thread: Some(thread) }, addr)
}

fn spawn(db: &std::path::Path, extra: &[String]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_parley"))
        .arg("serve")
        .args(serve_args(db, extra))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("parley binary runs");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        let line = lines.next().expect("server printed its address").unwrap();
        if let Some(a) = line.strip_prefix("listening on http://") {
            break a.to_string();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

async fn http(addr: &str, method: &str, path: &str, body: Option<Value>, headers: &[(&str, &str)]) -> (u16, Value) {
    parley_tools::httpclient::request(addr, method, path, body.as_ref(), headers).await.expect("http request")
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A WebSocket client that records every raw text frame it receives.
pub struct Client {
    ws: Ws,
    /// Every text frame received, raw, in order.
    pub raw: Vec<String>,
    last_sent: std::time::Instant,
}

impl Client {
    /// Connects (no hello).
    pub async fn connect(url: &str) -> Client {
        let (ws, _) = tokio_tungstenite::connect_async(url).await.expect("websocket connects");
        Client { ws, raw: Vec::new(), last_sent: std::time::Instant::now() }
    }

    /// Sends a JSON frame.
    pub async fn send(&mut self, v: Value) {
        self.ws.send(Message::text(v.to_string())).await.unwrap();
        self.last_sent = std::time::Instant::now();
    }

    /// Sends a raw text frame.
    pub async fn send_raw(&mut self, s: &str) {
        self.ws.send(Message::text(s.to_string())).await.unwrap();
    }

    /// The next text frame as JSON; `None` when the server closed the connection.
    pub async fn next(&mut self) -> Option<Value> {
        // Like the browser client: a ping every 10 s keeps the connection from looking idle.
        if self.last_sent.elapsed() > Duration::from_secs(10) {
            let _ = self.ws.send(Message::text(json!({"type": "ping"}).to_string())).await;
            self.last_sent = std::time::Instant::now();
        }
        loop {
            let m = tokio::time::timeout(FRAME_TIMEOUT, self.ws.next()).await.expect("a frame arrives in time");
            match m {
                Some(Ok(Message::Text(t))) => {
                    self.raw.push(t.to_string());
                    return Some(serde_json::from_str(t.as_str()).expect("server frames are JSON"));
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
                Some(Ok(_)) => continue,
            }
        }
    }

    /// Reads frames until one satisfies `pred`; panics if the connection closes first.
    pub async fn until(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            match self.next().await {
                Some(v) if pred(&v) => return v,
                Some(_) => continue,
                None => {
                    let tail: Vec<String> =
                        self.raw.iter().rev().take(3).map(|f| f.chars().take(600).collect()).collect();
                    panic!("connection closed while waiting for {what}; last frames: {tail:#?}")
                }
            }
        }
    }

    /// Reads frames, each decoded as the server's own [`ServerMsg`] type, until `pick` takes
    /// one. A frame that does not decode fails the test.
    pub async fn until_msg<T>(&mut self, what: &str, pick: impl Fn(ServerMsg) -> Option<T>) -> T {
        loop {
            if self.next().await.is_none() {
                let tail: Vec<String> = self.raw.iter().rev().take(3).map(|f| f.chars().take(600).collect()).collect();
                panic!("connection closed while waiting for {what}; last frames: {tail:#?}")
            }
            let raw = self.raw.last().expect("the frame just read");
            let msg = ServerMsg::decode(raw).unwrap_or_else(|e| panic!("the wire types cannot decode {raw}: {e}"));
            if let Some(t) = pick(msg) {
                return t;
            }
        }
    }

    /// Reads until a `state` frame, decoded.
    pub async fn until_state(&mut self) -> StateView {
        self.until_state_where("state", |_| true).await
    }

    /// Reads until a `state` frame that satisfies `pred`, decoded.
    pub async fn until_state_where(&mut self, what: &str, pred: impl Fn(&StateView) -> bool) -> StateView {
        self.until_msg(what, |m| match m {
            ServerMsg::State(st) if pred(&st) => Some(*st),
            _ => None,
        })
        .await
    }

    /// Reads until a `state` in this phase, decoded.
    pub async fn until_state_in(&mut self, phase: Phase) -> StateView {
        self.until_state_where(&format!("phase {phase:?}"), |st| st.phase == phase).await
    }

    /// Reads until a frame of this type.
    pub async fn until_type(&mut self, t: &str) -> Value {
        self.until(t, |v| v["type"] == t).await
    }

    /// Reads until a `state` in this phase.
    pub async fn until_phase(&mut self, phase: &str) -> Value {
        self.until(&format!("phase {phase}"), |v| v["type"] == "state" && v["phase"] == phase).await
    }

    /// Reads until an error with this code.
    pub async fn until_error(&mut self, code: &str) -> Value {
        self.until(&format!("error {code}"), |v| v["type"] == "error" && v["code"] == code).await
    }

    /// Joins a workshop session; returns the `joined` frame.
    pub async fn join(&mut self, code: &str, name: &str) -> Value {
        self.send(json!({"type": "join", "code": code, "name": name})).await;
        self.until_type("joined").await
    }

    /// Reads (recording text frames) until the server's close frame; its code, or `None` when the
    /// connection ended without one.
    pub async fn next_close(&mut self) -> Option<u16> {
        loop {
            let m = tokio::time::timeout(FRAME_TIMEOUT, self.ws.next()).await.expect("the connection closes in time");
            match m {
                Some(Ok(Message::Close(f))) => return f.map(|f| u16::from(f.code)),
                Some(Ok(Message::Text(t))) => self.raw.push(t.to_string()),
                Some(Ok(_)) => continue,
                None | Some(Err(_)) => return None,
            }
        }
    }

    /// Closes the connection.
    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }

    /// Every frame received so far, parsed.
    pub fn frames(&self) -> impl Iterator<Item = Value> + '_ {
        self.raw.iter().filter_map(|f| serde_json::from_str(f).ok())
    }

    /// How many frames received so far are errors with one of these codes.
    pub fn errors_with(&self, codes: &[&str]) -> usize {
        self.frames().filter(|v| v["type"] == "error" && codes.iter().any(|c| v["code"] == *c)).count()
    }

    /// Every raw frame received so far, joined.
    pub fn transcript(&self) -> String {
        self.raw.join("\n")
    }
}

/// Long durations, so that only votes move phases.
pub fn slow() -> Value {
    json!({"prep": 600, "small_talk": 600, "bargaining": 600, "survey": 600})
}

/// A full package from a `state` frame: option `choice(k)` for the k-th issue.
pub fn package(state: &Value, choice: impl Fn(usize) -> usize) -> Value {
    let mut p = serde_json::Map::new();
    for (k, i) in state["scenario"]["issues"].as_array().unwrap().iter().enumerate() {
        p.insert(i["id"].as_str().unwrap().into(), json!(choice(k)));
    }
    Value::Object(p)
}

/// A full package from a decoded `state`: option `choice(k)` for the k-th issue.
pub fn package_of(state: &StateView, choice: impl Fn(usize) -> usize) -> Value {
    let p: serde_json::Map<String, Value> =
        state.scenario.issues.iter().enumerate().map(|(k, i)| (i.id.clone(), json!(choice(k)))).collect();
    Value::Object(p)
}

/// Any request with headers (the admin key, say); returns status and body.
pub async fn http_with(
    server: &Server,
    method: &str,
    path: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> (u16, Value) {
    http(&server.addr, method, path, body, headers).await
}
