//! `parley bench chaos`: a cluster under fire (issue #16). Starts a PostgreSQL server of its own
//! and `--nodes` node processes, spreads `--connections` players over classes of `--class-size`
//! (each class created on a node in turn, each player sent to the node a load balancer hashing on
//! the join code would pick, following `moved`), has every player chat with client message ids,
//! and SIGKILLs a random node every `--kill-every` seconds for `--duration` seconds, restarting
//! it at once at the same address. Clients do what the browser does: on a lost connection or a
//! `moved` frame they resume with their token on another node and resend every action not yet
//! acknowledged, with its `cid`. Then every match is finished (offer, accept, survey skipped) and
//! the failover test's checks are made on the whole run: every client resumed (p50/p99/max of
//! the time from the lost connection to its match's `state`), every acknowledged line stored
//! exactly once, no gap or duplicate in any match's log, every match finished, and every class's
//! debrief the same from every node.

use crate::cluster::{host_of, node_for_code, start_nodes, Node, NodeSpec, TempPostgres};
use futures_util::{SinkExt, StreamExt};
use parley_core::game::{OfferStatus, Phase};
use parley_protocol::wire::{ServerMsg, StateView};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::{watch, Semaphore};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Options of `parley bench chaos`.
#[derive(clap::Args, Debug, Clone)]
pub struct ChaosArgs {
    /// Node processes on the one PostgreSQL server.
    #[arg(long, default_value_t = 3)]
    pub nodes: usize,
    /// Players (WebSocket connections); two per match.
    #[arg(long, default_value_t = 2000)]
    pub connections: usize,
    /// Players per class session (each class is created on a node in turn).
    #[arg(long, default_value_t = 40)]
    pub class_size: usize,
    /// Seconds between two kills (SIGKILL of a node picked at random, restarted at once).
    #[arg(long, default_value_t = 20)]
    pub kill_every: u64,
    /// Seconds of chat under kills.
    #[arg(long, default_value_t = 300)]
    pub duration: u64,
    /// Each player sends one chat line every this many milliseconds.
    #[arg(long, default_value_t = 2000)]
    pub chat_interval_ms: u64,
    /// The nodes' `--lease-ms`.
    #[arg(long, default_value_t = 3000)]
    pub lease_ms: u64,
    /// The nodes' `--heartbeat-ms`.
    #[arg(long, default_value_t = 500)]
    pub heartbeat_ms: u64,
    /// Seed of the random choice of the node to kill (the same seed kills the same sequence).
    #[arg(long, default_value_t = 16)]
    pub seed: u64,
    /// Scenario folder for the nodes.
    #[arg(long, default_value = "scenarios")]
    pub scenarios: PathBuf,
    /// The `parley` binary to run as nodes (default: this one).
    #[arg(long)]
    pub server_exe: Option<PathBuf>,
    /// Print the report as JSON too.
    #[arg(long)]
    pub json: bool,
}

/// What a chaos run saw, and which of its checks failed.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ChaosReport {
    /// Node processes.
    pub nodes: usize,
    /// Players that joined and got a match.
    pub connections: usize,
    /// Class sessions.
    pub sessions: usize,
    /// Matches.
    pub matches: usize,
    /// Kills made, as `(seconds after the load started, node index)`.
    pub kills: Vec<(f64, usize)>,
    /// Connections lost (a killed node, a `moved` frame) and resumed.
    pub resumes: usize,
    /// From the lost connection to the match's `state` on a node: p50, ms.
    pub resume_p50_ms: f64,
    /// The same, 99th percentile.
    pub resume_p99_ms: f64,
    /// The same, largest.
    pub resume_max_ms: f64,
    /// `moved` frames followed (at joins and resumes).
    pub moved_followed: u64,
    /// Chat lines sent (each once with a new `cid`).
    pub lines_sent: u64,
    /// Of those, acknowledged (`ack` with no `error` before it).
    pub lines_acked: u64,
    /// Actions sent again with their `cid` (after a resume, or unanswered for 3 s).
    pub resends: u64,
    /// Acknowledged lines stored exactly once in their match's log.
    pub acked_stored_once: u64,
    /// Acknowledged lines missing from the log.
    pub acked_missing: u64,
    /// Acknowledged lines stored more than once.
    pub acked_duplicated: u64,
    /// Matches whose sequence numbers have a gap or a duplicate, or whose epochs go down.
    pub logs_broken: u64,
    /// Players whose match reached results.
    pub players_finished: usize,
    /// Matches with a stored summary (written after results).
    pub summaries_stored: i64,
    /// Classes whose debrief was the same from every node.
    pub debriefs_identical: usize,
    /// Error frames by code (`internal` is a refusal while ownership settles: resent).
    pub errors: BTreeMap<String, u64>,
    /// The checks that failed, in words; empty when the run passed.
    pub failures: Vec<String>,
}

impl ChaosReport {
    /// Every check held.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Stage {
    Joining,
    Chat,
    /// No new lines; unacknowledged ones are still resent.
    Drain,
    Finish,
}

#[derive(Default)]
struct Shared {
    resume_ms: Mutex<Vec<f64>>,
    moved: AtomicU64,
    sent: AtomicU64,
    acked: AtomicU64,
    resends: AtomicU64,
    /// Actions sent and not yet acknowledged, over all players.
    pending: AtomicI64,
    errors: Mutex<BTreeMap<String, u64>>,
}

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// What one player did, for the checks.
struct Played {
    match_id: String,
    acked_lines: Vec<String>,
    finished: bool,
    /// Why the player did not finish (gave up resuming, ran out of time).
    trouble: Option<String>,
}

/// One simulated player: a browser's connection logic without the page.
struct Player {
    id: usize,
    code: String,
    nodes: Arc<Vec<String>>,
    token: String,
    seat: usize,
    match_id: String,
    ws: Option<Ws>,
    /// cid → (frame, when last sent).
    pending: HashMap<u64, (Value, Instant)>,
    acked_lines: Vec<String>,
    /// The last frame was an `error` (other than `rate_limited`, whose frame is dropped
    /// unanswered): the `ack` after it is a refusal.
    after_error: bool,
    last_state: Option<Box<StateView>>,
    shared: Arc<Shared>,
}

const RESUME_WITHIN: Duration = Duration::from_secs(120);
/// Unacknowledged actions sent again at once (after a resume, and each second).
const RESEND_AT_ONCE: usize = 8;
/// A player with this many lines unacknowledged waits before saying more, as a person would.
const MOST_PENDING: usize = 8;

async fn connect(addr: &str) -> Option<Ws> {
    let url = format!("ws://{addr}/ws");
    match tokio::time::timeout(
        Duration::from_secs(3),
        tokio_tungstenite::connect_async_with_config(url, Some(super::ws_config()), false),
    )
    .await
    {
        Ok(Ok((ws, _))) => Some(ws),
        _ => None,
    }
}

async fn send(ws: &mut Ws, v: &Value) -> bool {
    ws.send(Message::text(v.to_string())).await.is_ok()
}

/// The next text frame, decoded (None when the connection is gone or silent for 30 s).
async fn next_msg(ws: &mut Ws) -> Option<ServerMsg> {
    loop {
        match tokio::time::timeout(Duration::from_secs(30), ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => {
                if let Ok(m) = ServerMsg::decode(t.as_str()) {
                    return Some(m);
                }
            }
            Ok(Some(Ok(Message::Close(_)))) | Ok(Some(Err(_))) | Ok(None) | Err(_) => return None,
            Ok(Some(Ok(_))) => {}
        }
    }
}

impl Player {
    fn home(&self) -> usize {
        node_for_code(&self.code, self.nodes.len())
    }

    fn count_error(&self, code: &str) {
        *self.shared.errors.lock().expect("errors").entry(code.to_string()).or_default() += 1;
    }

    /// Joins the class through the node the load balancer picks, following `moved`, until the
    /// match's bargaining `state`.
    async fn join(&mut self) -> Result<(), String> {
        let (ws, st) = self.reach(None, Duration::from_millis(200), |st| st.phase == Phase::Bargaining).await?;
        self.seat = st.you.seat;
        self.match_id = st.match_id.clone();
        self.ws = Some(ws);
        Ok(())
    }

    /// The connection was lost (or the session moved): resumes the seat on any node, from
    /// `target` or the load balancer's pick, then resends every unacknowledged action.
    async fn resume(&mut self, target: Option<String>) -> Result<(), String> {
        let lost = Instant::now();
        self.ws = None;
        let (ws, st) = self.reach(target, Duration::from_millis(100), |_| true).await?;
        self.shared.resume_ms.lock().expect("resumes").push(lost.elapsed().as_secs_f64() * 1000.0);
        self.ws = Some(ws);
        self.last_state = Some(st);
        self.resend_oldest(RESEND_AT_ONCE).await;
        Ok(())
    }

    /// What the browser does to reach its seat: connects to `target`, else the load balancer's
    /// node and then the next; says hello (with its token, or joining the class when it has
    /// none); follows `moved`; waits `pause` after a connection that led nowhere. Ends with the
    /// first `state` that `wanted` accepts, or fails after [`RESUME_WITHIN`].
    async fn reach(
        &mut self,
        mut target: Option<String>,
        pause: Duration,
        wanted: impl Fn(&StateView) -> bool,
    ) -> Result<(Ws, Box<StateView>), String> {
        let start = Instant::now();
        let mut attempt = 0;
        while start.elapsed() < RESUME_WITHIN {
            let addr = target.take().unwrap_or_else(|| self.nodes[(self.home() + attempt) % self.nodes.len()].clone());
            attempt += 1;
            let Some(mut ws) = connect(&addr).await else {
                tokio::time::sleep(pause).await;
                continue;
            };
            if self.token.is_empty() {
                send(&mut ws, &json!({"type": "hello", "version": 1})).await;
                send(&mut ws, &json!({"type": "join", "code": self.code, "name": format!("C{}", self.id)})).await;
            } else {
                send(&mut ws, &json!({"type": "hello", "version": 1, "token": self.token})).await;
            }
            while let Some(m) = next_msg(&mut ws).await {
                match m {
                    ServerMsg::Moved { address } => {
                        self.shared.moved.fetch_add(1, Ordering::Relaxed);
                        target = Some(host_of(&address));
                        break;
                    }
                    ServerMsg::Joined { token, .. } => self.token = token,
                    ServerMsg::Error { code, .. } if code.as_str() == "bad_token" => {
                        return Err(format!("player {}'s token was refused", self.id));
                    }
                    ServerMsg::Error { code, .. } => self.count_error(code.as_str()),
                    ServerMsg::State(st) if wanted(&st) => return Ok((ws, st)),
                    _ => {}
                }
            }
            if target.is_none() {
                tokio::time::sleep(pause).await;
            }
        }
        Err(format!("player {} did not reach {} within {RESUME_WITHIN:?}", self.id, self.code))
    }

    /// Sends again up to `n` unacknowledged actions, oldest first (a connection may send 20
    /// frames a second: more at once would be refused as `rate_limited`).
    async fn resend_oldest(&mut self, n: usize) {
        let mut oldest: Vec<(u64, Instant)> = self.pending.iter().map(|(cid, p)| (*cid, p.1)).collect();
        oldest.sort_by_key(|x| x.1);
        let now = Instant::now();
        for (cid, _) in oldest.into_iter().take(n) {
            let Some(p) = self.pending.get_mut(&cid) else { continue };
            p.1 = now;
            let frame = p.0.clone();
            self.shared.resends.fetch_add(1, Ordering::Relaxed);
            self.send_ws(&frame).await;
        }
    }

    async fn send_ws(&mut self, v: &Value) {
        if let Some(ws) = self.ws.as_mut() {
            send(ws, v).await;
        }
    }

    /// Sends an action with a `cid` and keeps it until it is acknowledged.
    async fn act(&mut self, cid: u64, mut frame: Value) {
        frame["cid"] = json!(cid);
        self.pending.insert(cid, (frame.clone(), Instant::now()));
        self.shared.pending.fetch_add(1, Ordering::Relaxed);
        self.send_ws(&frame).await;
    }

    fn cid(&self, k: u64) -> u64 {
        self.id as u64 * 1_000_000 + k
    }

    /// Handles a frame; returns true once the match has reached results (while finishing).
    async fn handle(&mut self, m: ServerMsg, finishing: bool) -> Result<bool, String> {
        let was_error = std::mem::replace(&mut self.after_error, false);
        match m {
            ServerMsg::Ack { cid } => {
                if let Some((frame, _)) = self.pending.remove(&cid) {
                    self.shared.pending.fetch_sub(1, Ordering::Relaxed);
                    if frame["type"] == "chat" && !was_error {
                        self.shared.acked.fetch_add(1, Ordering::Relaxed);
                        self.acked_lines.push(frame["text"].as_str().unwrap_or_default().to_string());
                    }
                }
            }
            ServerMsg::Error { code, .. } => {
                self.after_error = code.as_str() != "rate_limited";
                self.count_error(code.as_str());
            }
            ServerMsg::Moved { address } => {
                self.shared.moved.fetch_add(1, Ordering::Relaxed);
                self.resume(Some(host_of(&address))).await?;
                return self.on_state(finishing).await;
            }
            ServerMsg::State(st) => {
                self.last_state = Some(st);
                return self.on_state(finishing).await;
            }
            _ => {}
        }
        Ok(false)
    }

    /// Acts on the latest state while finishing: seat 1 accepts seat 0's offer, both skip the survey.
    async fn on_state(&mut self, finishing: bool) -> Result<bool, String> {
        let Some(st) = self.last_state.as_deref() else { return Ok(false) };
        if !finishing {
            return Ok(false);
        }
        let (phase, answered) = (st.phase, st.survey.as_ref().is_some_and(|s| s.answered));
        let standing = st.offers.iter().find(|o| o.seat == 0 && o.status == OfferStatus::Standing).map(|o| o.id);
        match phase {
            Phase::Results => return Ok(true),
            Phase::Survey if !answered && !self.pending.contains_key(&self.cid(999_992)) => {
                self.act(self.cid(999_992), json!({"type": "skip_survey"})).await;
            }
            Phase::Bargaining if self.seat == 1 && !self.pending.contains_key(&self.cid(999_991)) => {
                if let Some(id) = standing {
                    self.act(self.cid(999_991), json!({"type": "accept", "offer_id": id})).await;
                }
            }
            _ => {}
        }
        Ok(false)
    }

    /// Chats until the drain, resends what is unanswered, finishes the match when told.
    async fn play(&mut self, mut stage: watch::Receiver<Stage>, interval: Duration) -> Result<bool, String> {
        let offset = super::spread(self.id, interval);
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + offset, interval);
        let mut check = tokio::time::interval(Duration::from_secs(1));
        let mut ping = tokio::time::interval_at(
            tokio::time::Instant::now() + super::spread(self.id, super::PING_EVERY),
            super::PING_EVERY,
        );
        let mut line = 0u64;
        let mut finishing = false;
        let mut stage_open = true;
        loop {
            let st = *stage.borrow();
            let Some(ws) = self.ws.as_mut() else { return Err("no connection".into()) };
            tokio::select! {
                m = ws.next() => {
                    let msg = match m {
                        Some(Ok(Message::Text(t))) => ServerMsg::decode(t.as_str()).ok(),
                        Some(Ok(Message::Close(_))) | Some(Err(_)) | None => {
                            self.resume(None).await?;
                            if self.on_state(finishing).await? {
                                return Ok(true);
                            }
                            continue;
                        }
                        Some(Ok(_)) => None,
                    };
                    if let Some(msg) = msg {
                        if self.handle(msg, finishing).await? {
                            return Ok(true);
                        }
                    }
                }
                _ = tick.tick(), if st == Stage::Chat && self.pending.len() < MOST_PENDING => {
                    line += 1;
                    let text = format!("chaos {} {}", self.id, line);
                    self.shared.sent.fetch_add(1, Ordering::Relaxed);
                    self.act(self.cid(line), json!({"type": "chat", "text": text})).await;
                }
                _ = check.tick() => {
                    // Actions unanswered for 3 s (refused while ownership settled) go again.
                    let now = Instant::now();
                    if self.pending.values().any(|p| now.duration_since(p.1) > Duration::from_secs(3)) {
                        self.resend_oldest(RESEND_AT_ONCE).await;
                    }
                }
                _ = ping.tick() => self.send_ws(&json!({"type": "ping"})).await,
                r = stage.changed(), if stage_open => {
                    if r.is_err() { stage_open = false; }
                    if *stage.borrow() == Stage::Finish && !finishing {
                        finishing = true;
                        if self.seat == 0 {
                            let offer = json!({"type": "offer", "package": {"food": 1, "water": 2, "firewood": 1}});
                            self.act(self.cid(999_990), offer).await;
                        }
                        if self.on_state(true).await? {
                            return Ok(true);
                        }
                    }
                }
            }
        }
    }
}

/// The percentile `p` of sorted values.
fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

/// Every string in a JSON value that starts with "chaos " (the chat lines in a stored event).
fn chaos_lines(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) if s.starts_with("chaos ") => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| chaos_lines(x, out)),
        Value::Object(o) => o.values().for_each(|x| chaos_lines(x, out)),
        _ => {}
    }
}

/// A stored event: (match, seq, epoch, kind as JSON).
type StoredEvent = (String, i64, Option<i64>, String);

/// The log checked against what clients were told.
#[derive(Debug, PartialEq)]
struct Tally {
    /// Acknowledged lines stored exactly once.
    once: u64,
    /// Acknowledged lines not stored.
    missing: u64,
    /// Acknowledged lines stored more than once.
    twice: u64,
    /// Matches whose sequence has a gap or a duplicate, or whose epochs go down.
    logs_broken: u64,
}

/// Checks the stored events (ordered by match, then seq) against the acknowledged lines.
fn tally(events: &[StoredEvent], acked: &[&str]) -> Tally {
    let mut logs: BTreeMap<&str, Vec<(i64, Option<i64>)>> = BTreeMap::new();
    let mut stored: HashMap<String, u64> = HashMap::new();
    for (m, seq, epoch, kind) in events {
        logs.entry(m.as_str()).or_default().push((*seq, *epoch));
        let mut lines = Vec::new();
        chaos_lines(&serde_json::from_str(kind).unwrap_or(Value::Null), &mut lines);
        for l in lines {
            *stored.entry(l).or_default() += 1;
        }
    }
    let logs_broken = logs
        .values()
        .filter(|evs| evs.iter().enumerate().any(|(i, e)| e.0 != i as i64) || evs.windows(2).any(|w| w[0].1 > w[1].1))
        .count() as u64;
    let mut t = Tally { once: 0, missing: 0, twice: 0, logs_broken };
    for l in acked {
        match stored.get(*l).copied().unwrap_or(0) {
            0 => t.missing += 1,
            1 => t.once += 1,
            _ => t.twice += 1,
        }
    }
    t
}

/// Runs the benchmark and prints the report; an error when a check failed.
pub fn run(a: &ChaosArgs) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    let report = rt.block_on(chaos(a))?;
    print_report(&report);
    if a.json {
        println!("{}", serde_json::to_string(&report).unwrap_or_default());
    }
    if report.passed() {
        Ok(())
    } else {
        Err(format!("{} check(s) failed", report.failures.len()))
    }
}

fn print_report(r: &ChaosReport) {
    println!(
        "chaos: {} nodes, {} players in {} classes ({} matches), {} kills at (s, node) {:?}",
        r.nodes,
        r.connections,
        r.sessions,
        r.matches,
        r.kills.len(),
        r.kills.iter().map(|(t, n)| (t.round() as u64, *n)).collect::<Vec<_>>()
    );
    println!(
        "resumes {}: lost connection → state p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms; moved frames followed {}",
        r.resumes, r.resume_p50_ms, r.resume_p99_ms, r.resume_max_ms, r.moved_followed
    );
    println!(
        "chat lines sent {}, acknowledged {}, resent {}; acknowledged and stored once {}, missing {}, stored twice {}; match logs with a gap, duplicate or falling epoch {}",
        r.lines_sent, r.lines_acked, r.resends, r.acked_stored_once, r.acked_missing, r.acked_duplicated, r.logs_broken
    );
    println!(
        "players whose match reached results {} of {}; summaries stored {} of {}; debriefs the same from every node {} of {}",
        r.players_finished, r.connections, r.summaries_stored, r.matches, r.debriefs_identical, r.sessions
    );
    println!("error frames by code: {:?}", r.errors);
    if r.passed() {
        println!("chaos: every check held");
    } else {
        for f in &r.failures {
            println!("FAILED: {f}");
        }
    }
}

/// A GET that follows one `421` to the owner.
async fn get_following(addr: &str, path: &str) -> Result<(u16, Value), String> {
    let (status, body) = crate::httpclient::request(addr, "GET", path, None, &[]).await?;
    if status == 421 {
        let at = host_of(body["address"].as_str().unwrap_or_default());
        return crate::httpclient::request(&at, "GET", path, None, &[]).await;
    }
    Ok((status, body))
}

/// The whole run: start, load, kill, finish, check. Used by `parley bench chaos` and by the
/// integration test (with a short duration).
pub async fn chaos(a: &ChaosArgs) -> Result<ChaosReport, String> {
    let n = a.nodes.max(1);
    let pg = TempPostgres::start()?;
    let scenarios = a.scenarios.display().to_string();
    let mut extra: Vec<String> = crate::ONE_ADDRESS.iter().map(|s| s.to_string()).collect();
    extra.extend(["--scenarios", &scenarios, "--practice-bot-after", "0"].map(String::from));
    // Resends after a resume come in a burst: the chat budget must not refuse them.
    extra.extend(["--chat-burst", "1000", "--chat-per-minute", "100000"].map(String::from));
    let spec = NodeSpec {
        exe: a.server_exe.clone(),
        pg_url: pg.url.clone(),
        lease_ms: a.lease_ms,
        heartbeat_ms: a.heartbeat_ms,
        extra,
    };
    let nodes = Arc::new(Mutex::new(tokio::task::block_in_place(|| start_nodes(&spec, n))?));
    let addrs: Arc<Vec<String>> = Arc::new(nodes.lock().expect("nodes").iter().map(|x| x.addr.clone()).collect());
    let class_size = a.class_size.max(2);
    let sessions = a.connections.div_ceil(class_size);
    println!(
        "chaos: {n} nodes {:?} on PostgreSQL {} (fsync off), lease {} ms, heartbeat {} ms; {} players in {sessions} classes; a random node killed every {} s for {} s (seed {})",
        addrs, pg.url, a.lease_ms, a.heartbeat_ms, a.connections, a.kill_every, a.duration, a.seed
    );
    let mut classes = Vec::new();
    for s in 0..sessions {
        let body = json!({"scenario": "campsite", "title": format!("chaos class {s}"),
            "durations": {"prep": 0, "small_talk": 0, "bargaining": a.duration + 900, "survey": 900}});
        let (status, v) = crate::httpclient::request(&addrs[s % n], "POST", "/api/sessions", Some(&body), &[]).await?;
        if status != 201 {
            return Err(format!("cannot create a class: {status} {v}"));
        }
        let code = v["code"].as_str().unwrap_or_default().to_string();
        classes.push((code, v["facilitator_token"].as_str().unwrap_or_default().to_string()));
    }

    let shared = Arc::new(Shared::default());
    let (stage_tx, stage_rx) = watch::channel(Stage::Joining);
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<Result<(), String>>(a.connections.max(1));
    let sem = Arc::new(Semaphore::new(200));
    let interval = Duration::from_millis(a.chat_interval_ms.max(1));
    // Joining, the load, 60 s of drain and 240 s to finish: a player still playing then gives up.
    let budget = Duration::from_secs(180 + a.duration + 60 + 240);
    let mut tasks = Vec::new();
    for id in 0..a.connections {
        let code = classes[id / class_size].0.clone();
        let (addrs, shared, stage, ready, sem) =
            (addrs.clone(), shared.clone(), stage_rx.clone(), ready_tx.clone(), sem.clone());
        tasks.push(tokio::spawn(async move {
            let mut p = Player {
                id,
                code,
                nodes: addrs,
                token: String::new(),
                seat: 0,
                match_id: String::new(),
                ws: None,
                pending: HashMap::new(),
                acked_lines: Vec::new(),
                after_error: false,
                last_state: None,
                shared,
            };
            let permit = sem.acquire_owned().await;
            let joined = p.join().await;
            drop(permit);
            let _ = ready.send(joined.clone()).await;
            joined?;
            let (finished, trouble) = match tokio::time::timeout(budget, p.play(stage, interval)).await {
                Ok(Ok(finished)) => (finished, None),
                Ok(Err(e)) => (false, Some(e)),
                Err(_) => (false, Some("not finished in time".to_string())),
            };
            let acked_lines = std::mem::take(&mut p.acked_lines);
            Ok::<Played, String>(Played { match_id: p.match_id, acked_lines, finished, trouble })
        }));
    }
    drop(ready_tx);
    let t_join = Instant::now();
    let mut ready = 0;
    while ready < a.connections {
        match tokio::time::timeout(Duration::from_secs(180), ready_rx.recv()).await {
            Ok(Some(Ok(()))) => ready += 1,
            Ok(Some(Err(e))) => return Err(format!("a player failed to join: {e}")),
            Ok(None) => break,
            Err(_) => return Err(format!("only {ready} of {} players were in a match after 180 s", a.connections)),
        }
    }
    println!("chaos: {ready} players in their matches in {:.1} s", t_join.elapsed().as_secs_f64());

    // The load, and the kills.
    let _ = stage_tx.send(Stage::Chat);
    let start = Instant::now();
    let mut rng = StdRng::seed_from_u64(a.seed);
    let mut kills = Vec::new();
    let mut next_kill = Duration::from_secs(a.kill_every.max(1));
    while next_kill < Duration::from_secs(a.duration) {
        tokio::time::sleep_until(tokio::time::Instant::from_std(start + next_kill)).await;
        let k = rng.random_range(0..n);
        let at = start.elapsed().as_secs_f64();
        let nodes = nodes.clone();
        let spec = spec.clone();
        tokio::task::spawn_blocking(move || -> Result<(), String> {
            let mut nodes = nodes.lock().expect("nodes");
            let port = nodes[k].port();
            nodes[k].kill();
            nodes[k] = Node::start(&spec, port)?;
            Ok(())
        })
        .await
        .map_err(|e| e.to_string())??;
        println!("chaos: t={at:.1} s killed node {k} ({}), restarted at the same address", addrs[k]);
        kills.push((at, k));
        next_kill += Duration::from_secs(a.kill_every.max(1));
    }
    tokio::time::sleep_until(tokio::time::Instant::from_std(start + Duration::from_secs(a.duration))).await;

    // Drain: every line sent is acknowledged (resent as needed), then every match finishes.
    let _ = stage_tx.send(Stage::Drain);
    let drain = Instant::now();
    while shared.pending.load(Ordering::SeqCst) > 0 && drain.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let unanswered = shared.pending.load(Ordering::SeqCst);
    let _ = stage_tx.send(Stage::Finish);
    let mut played = Vec::new();
    let mut failures = Vec::new();
    if unanswered > 0 {
        failures.push(format!("{unanswered} lines were still unacknowledged 60 s after the load"));
    }
    let mut troubles: BTreeMap<String, usize> = BTreeMap::new();
    for r in futures_util::future::join_all(tasks).await {
        match r {
            Ok(Ok(p)) => {
                if let Some(t) = &p.trouble {
                    // "player 17 did not resume within 120s" counts with the others like it.
                    let kind = t.split_whitespace().filter(|w| w.parse::<u64>().is_err()).collect::<Vec<_>>().join(" ");
                    *troubles.entry(kind).or_default() += 1;
                }
                played.push(p);
            }
            Ok(Err(e)) => failures.push(e),
            Err(e) => failures.push(format!("a player's task failed: {e}")),
        }
    }
    for (kind, n) in troubles {
        failures.push(format!("{n} players: {kind}"));
    }
    drop(stage_tx);

    // The checks, on the log in PostgreSQL.
    let (db, conn) =
        tokio_postgres::connect(&pg.url, tokio_postgres::NoTls).await.map_err(|e| format!("PostgreSQL: {e}"))?;
    tokio::spawn(conn);
    let rows = db
        .query("SELECT match_id, seq, epoch, kind FROM events ORDER BY match_id, seq", &[])
        .await
        .map_err(|e| e.to_string())?;
    let events: Vec<StoredEvent> = rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect();
    let acked_lines: Vec<&str> = played.iter().flat_map(|p| p.acked_lines.iter().map(String::as_str)).collect();
    let Tally { once, missing, twice, logs_broken } = tally(&events, &acked_lines);
    let matches: std::collections::BTreeSet<&str> = played.iter().map(|p| p.match_id.as_str()).collect();
    let players_finished = played.iter().filter(|p| p.finished).count();
    let summaries = {
        let wait = Instant::now();
        loop {
            let row = db
                .query_one("SELECT COUNT(*) FROM matches WHERE summary IS NOT NULL", &[])
                .await
                .map_err(|e| e.to_string())?;
            let n: i64 = row.get(0);
            if n as usize >= matches.len() || wait.elapsed() > Duration::from_secs(20) {
                break n;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    let mut debriefs_identical = 0;
    for (code, token) in &classes {
        let path = format!("/api/sessions/{code}/debrief?token={token}");
        let mut seen = Vec::new();
        for addr in addrs.iter() {
            match get_following(addr, &path).await {
                Ok((200, body)) => seen.push(body),
                Ok((status, body)) => failures.push(format!("the debrief of {code} from {addr}: {status} {body}")),
                Err(e) => failures.push(format!("the debrief of {code} from {addr}: {e}")),
            }
        }
        if seen.len() == n && seen.windows(2).all(|w| w[0] == w[1]) {
            debriefs_identical += 1;
        } else if seen.len() == n {
            failures.push(format!("the debrief of {code} differs between nodes"));
        }
    }
    drop(db);
    drop(nodes);
    drop(pg);

    let mut resume_ms = std::mem::take(&mut *shared.resume_ms.lock().expect("resumes"));
    resume_ms.sort_by(f64::total_cmp);
    let sent = shared.sent.load(Ordering::SeqCst);
    let acked = shared.acked.load(Ordering::SeqCst);
    if played.len() != a.connections {
        failures.push(format!("{} of {} players came through the run", played.len(), a.connections));
    }
    if missing > 0 || twice > 0 {
        failures.push(format!("acknowledged lines: {missing} missing from the log, {twice} stored more than once"));
    }
    if acked != sent {
        failures
            .push(format!("{} of {sent} lines sent were never acknowledged (or were refused)", sent - acked.min(sent)));
    }
    if logs_broken > 0 {
        failures.push(format!("{logs_broken} match logs have a gap, a duplicate or a falling epoch"));
    }
    if players_finished != a.connections {
        failures.push(format!("{players_finished} of {} players saw their match's results", a.connections));
    }
    if (summaries as usize) < matches.len() {
        failures.push(format!("{summaries} of {} matches have a stored summary", matches.len()));
    }
    if !kills.is_empty() && resume_ms.is_empty() {
        failures.push("nodes were killed and no player had to resume: the kills did not hit".into());
    }
    let errors = shared.errors.lock().expect("errors").clone();
    let unexpected: Vec<&String> = errors.keys().filter(|c| !["internal", "moved"].contains(&c.as_str())).collect();
    if !unexpected.is_empty() {
        failures.push(format!("error frames other than internal and moved: {errors:?}"));
    }
    Ok(ChaosReport {
        nodes: n,
        connections: ready,
        sessions,
        matches: matches.len(),
        kills,
        resumes: resume_ms.len(),
        resume_p50_ms: pct(&resume_ms, 0.5),
        resume_p99_ms: pct(&resume_ms, 0.99),
        resume_max_ms: resume_ms.last().copied().unwrap_or(0.0),
        moved_followed: shared.moved.load(Ordering::SeqCst),
        lines_sent: sent,
        lines_acked: acked,
        resends: shared.resends.load(Ordering::SeqCst),
        acked_stored_once: once,
        acked_missing: missing,
        acked_duplicated: twice,
        logs_broken,
        players_finished,
        summaries_stored: summaries,
        debriefs_identical,
        errors,
        failures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat(m: &str, seq: i64, epoch: i64, text: &str) -> StoredEvent {
        let kind = json!({"Chat": {"seat": 0, "text": text}}).to_string();
        (m.into(), seq, Some(epoch), kind)
    }

    #[test]
    fn the_tally_finds_a_missing_line_a_duplicate_a_gap_and_a_falling_epoch() {
        let good = [chat("m1", 0, 1, "chaos 1 1"), chat("m1", 1, 2, "chaos 1 2"), chat("m2", 0, 1, "chaos 2 1")];
        let all = ["chaos 1 1", "chaos 1 2", "chaos 2 1"];
        assert_eq!(tally(&good, &all), Tally { once: 3, missing: 0, twice: 0, logs_broken: 0 });
        // A line told acknowledged but never stored, and one stored twice.
        let dup = [chat("m1", 0, 1, "chaos 1 1"), chat("m1", 1, 1, "chaos 1 1")];
        assert_eq!(tally(&dup, &["chaos 1 1", "chaos 1 2"]), Tally { once: 0, missing: 1, twice: 1, logs_broken: 0 });
        // A gap in one match, a repeated seq in another, a falling epoch in a third.
        let gap = [chat("m1", 0, 1, "a"), chat("m1", 2, 1, "b")];
        let repeated = [chat("m2", 0, 1, "a"), chat("m2", 0, 1, "b")];
        let falling = [chat("m3", 0, 2, "a"), chat("m3", 1, 1, "b")];
        for broken in [&gap[..], &repeated[..], &falling[..]] {
            assert_eq!(tally(broken, &[]).logs_broken, 1, "{broken:?}");
        }
    }

    #[test]
    fn percentiles_and_the_load_balancers_pick_are_stable() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!((pct(&v, 0.5), pct(&v, 0.99), pct(&[], 0.5)), (50.0, 99.0, 0.0));
        assert_eq!(node_for_code("ABC123", 3), node_for_code("ABC123", 3));
        let picks: std::collections::BTreeSet<usize> =
            ["AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD", "EEEEEE", "FFFFFF"].iter().map(|c| node_for_code(c, 3)).collect();
        assert!(picks.len() > 1, "every code hashed to one node");
    }
}
