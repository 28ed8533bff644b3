//! `parley bench load`: many concurrent matches over real WebSockets against a Parley server
//! started as a separate process (durable event log on), then the same load against a bare
//! tokio-tungstenite relay. Reports throughput, chat latency (sent → counterpart received),
//! errors, lost messages, server memory per connected player and CPU.

use futures_util::{SinkExt, StreamExt};
use parley_core::game::{OfferStatus, Phase};
use parley_protocol::wire::{ServerMsg, StateView};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::{watch, Semaphore};
use tokio_tungstenite::tungstenite::Message;

/// Options of `parley bench load`.
#[derive(clap::Args, Debug, Clone)]
pub struct LoadArgs {
    /// WebSocket connections (players); two per match.
    #[arg(long, default_value_t = 10_000)]
    pub connections: usize,
    /// Each player sends one chat message every this many milliseconds.
    #[arg(long, default_value_t = 2000)]
    pub chat_interval_ms: u64,
    /// Seconds of measured load.
    #[arg(long, default_value_t = 60)]
    pub duration: u64,
    /// Seconds of load before measuring.
    #[arg(long, default_value_t = 5)]
    pub warmup: u64,
    /// Connections opened at once while connecting.
    #[arg(long, default_value_t = 200)]
    pub connect_concurrency: usize,
    /// Scenario folder for the server under test.
    #[arg(long, default_value = "scenarios")]
    pub scenarios: PathBuf,
    /// Skip the bare-relay comparison.
    #[arg(long)]
    pub skip_relay: bool,
    /// The `parley` binary to measure (default: this one), e.g. a build with one change undone, to
    /// compare two servers under the same load generator.
    #[arg(long)]
    pub server_exe: Option<PathBuf>,
    /// Print the report as JSON too.
    #[arg(long)]
    pub json: bool,
    /// Busy threads in a separate process during each run (Parley's and the relay's alike): the
    /// machine is shared, as a school's server often is.
    #[arg(long, default_value_t = 0)]
    pub noise: usize,
    /// Measure a cluster instead of one server on SQLite: a PostgreSQL server of the benchmark's
    /// own (`initdb` in a temporary folder, `fsync=off`) and this many `parley serve --postgres
    /// --node-address` nodes (no relay run). 0: one server on SQLite.
    #[arg(long, default_value_t = 0)]
    pub cluster: usize,
    /// Class sessions the players are spread over. Each is created on a node in turn, and each
    /// player connects to the node a load balancer hashing on the join code would pick, following
    /// `moved` to the session's owner.
    #[arg(long, default_value_t = 1)]
    pub sessions: usize,
}

/// Starts `threads` busy threads in a separate process (none for 0); kill it to stop them.
fn start_noise(threads: usize) -> Result<Option<Child>, String> {
    if threads == 0 {
        return Ok(None);
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let child = Command::new(exe)
        .args(["bench", "noise", "--threads", &threads.to_string()])
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    Ok(Some(child))
}

fn stop_noise(noise: Option<Child>) {
    if let Some(mut c) = noise {
        let _ = c.kill();
        let _ = c.wait();
    }
}

/// The body of `parley bench noise`: `threads` threads that keep a core busy each, until killed.
pub fn noise(threads: usize) -> ! {
    for _ in 0..threads.max(1) {
        std::thread::spawn(|| {
            let mut x: u64 = 1;
            loop {
                x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
            }
        });
    }
    loop {
        std::thread::park();
    }
}

static T0: OnceLock<Instant> = OnceLock::new();

fn now_us() -> u64 {
    T0.get_or_init(Instant::now).elapsed().as_micros() as u64
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Stage {
    Connecting,
    Load,
    Stop,
    Finish,
}

#[derive(Default)]
struct Shared {
    sent: AtomicU64,
    received: AtomicU64,
    sent_measured: AtomicU64,
    received_measured: AtomicU64,
    errors: AtomicU64,
    error_codes: Mutex<Vec<String>>,
    completed: AtomicU64,
    connected: AtomicU64,
    latencies_us: Mutex<Vec<u32>>,
    /// Per Parley connection: `join` sent → the frame after `joined` (`waiting` or `state`):
    /// two frames the server writes back to back (where Nagle's algorithm used to add ~40 ms).
    join_us: Mutex<Vec<u32>>,
    /// Per match: `accept` sent → the `state` of the survey phase.
    accept_us: Mutex<Vec<u32>>,
    /// The measured window, by send time in µs since T0 (end = u64::MAX while open).
    window_start: AtomicU64,
    window_end: AtomicU64,
}

impl Shared {
    fn in_window(&self, sent_us: u64) -> bool {
        sent_us >= self.window_start.load(Ordering::Relaxed) && sent_us < self.window_end.load(Ordering::Relaxed)
    }
}

/// One side's measurements.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunReport {
    /// `parley` or `relay`.
    pub target: String,
    /// Connections that joined (and, for Parley, got a match).
    pub connections: u64,
    /// Chat messages sent during the measured window.
    pub sent: u64,
    /// Of those, received by the counterpart (after a drain).
    pub received: u64,
    /// Sent − received.
    pub lost: i64,
    /// Received messages per second in the measured window.
    pub messages_per_second: f64,
    /// Latency percentiles in milliseconds.
    pub p50_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Largest.
    pub max_ms: f64,
    /// Join → the second frame written back to back (`joined`, then `waiting`/`state`): p50, ms (Parley).
    pub join_p50_ms: f64,
    /// The same, 99th percentile.
    pub join_p99_ms: f64,
    /// Accept → the survey `state` (deal, phase change): p50, ms (Parley).
    pub accept_p50_ms: f64,
    /// The same, 99th percentile.
    pub accept_p99_ms: f64,
    /// Error frames received.
    pub errors: u64,
    /// The first error codes seen.
    pub error_codes: Vec<String>,
    /// Matches that reached results after the load (Parley only).
    pub matches_completed: u64,
    /// Server resident memory before connecting, in KiB.
    pub rss_before_kib: u64,
    /// Peak server resident memory under load, in KiB.
    pub rss_peak_kib: u64,
    /// (peak − before) / connections, in KiB.
    pub kib_per_connection: f64,
    /// Server CPU time during the measured window divided by the window (1.0 = one core busy).
    pub server_cpu_cores: f64,
    /// Server CPU milliseconds per 1000 delivered messages (all nodes of a cluster together,
    /// PostgreSQL apart).
    pub cpu_ms_per_1000_messages: f64,
    /// Server processes measured (cluster nodes; 1 for one server).
    pub nodes: usize,
    /// Each node's CPU milliseconds per 1000 messages delivered by the whole cluster.
    pub node_cpu_ms_per_1000_messages: Vec<f64>,
    /// Each node's share of the players (after `moved`), in the order of the nodes.
    pub node_connections: Vec<u64>,
    /// PostgreSQL's CPU milliseconds (postmaster and backends) per 1000 messages (cluster only).
    pub database_cpu_ms_per_1000_messages: f64,
    /// `/proc/loadavg` when the measured window ended: the machine's load beside the numbers.
    pub loadavg: String,
    /// Context switches of the server's threads (voluntary + involuntary) per 1000 delivered
    /// messages: each is a thread that slept and was woken (or was pushed off its core), the cost
    /// the profile shows as `finish_task_switch` and wake-up spin locks.
    pub context_switches_per_1000_messages: f64,
    /// The same two numbers per server thread name (`tokio-runtime-w`, `parley-store`, ...):
    /// `(name, threads, cpu ms per 1000 messages, context switches per 1000 messages)`.
    pub by_thread: Vec<(String, usize, f64, f64)>,
}

/// One server thread's counters: name, CPU ticks (utime + stime), context switches.
struct ThreadCounters {
    name: String,
    ticks: u64,
    switches: u64,
}

/// Every thread of `pid` by thread id (threads that ended in between are missing).
fn thread_counters(pid: u32) -> std::collections::BTreeMap<u64, ThreadCounters> {
    let mut out = std::collections::BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return out };
    for t in tasks.flatten() {
        let Some(tid) = t.file_name().to_str().and_then(|s| s.parse::<u64>().ok()) else { continue };
        let dir = t.path();
        let name = std::fs::read_to_string(dir.join("comm")).unwrap_or_default().trim().to_string();
        let switches = std::fs::read_to_string(dir.join("status"))
            .unwrap_or_default()
            .lines()
            .filter(|l| l.starts_with("voluntary_ctxt_switches:") || l.starts_with("nonvoluntary_ctxt_switches:"))
            .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
            .sum();
        let ticks = std::fs::read_to_string(dir.join("stat"))
            .ok()
            .and_then(|s| {
                // utime and stime (fields 14 and 15), as in `proc_stat`.
                let f: Vec<&str> = s.rsplit_once(')')?.1.split_whitespace().collect();
                Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
            })
            .unwrap_or(0);
        out.insert(tid, ThreadCounters { name, ticks, switches });
    }
    out
}

/// What each thread name did between two readings: `(name, threads, cpu ticks, switches)`.
fn thread_deltas(
    before: &std::collections::BTreeMap<u64, ThreadCounters>,
    after: &std::collections::BTreeMap<u64, ThreadCounters>,
) -> Vec<(String, usize, u64, u64)> {
    let mut by_name: std::collections::BTreeMap<String, (usize, u64, u64)> = Default::default();
    for (tid, a) in after {
        let (t0, s0) = before.get(tid).map_or((0, 0), |b| (b.ticks, b.switches));
        let e = by_name.entry(a.name.clone()).or_default();
        e.0 += 1;
        e.1 += a.ticks.saturating_sub(t0);
        e.2 += a.switches.saturating_sub(s0);
    }
    by_name.into_iter().map(|(n, (k, t, s))| (n, k, t, s)).collect()
}

pub(crate) fn proc_stat(pid: u32) -> (u64, u64) {
    let [rss] = status_kib(pid, ["VmRSS:"]);
    // utime + stime in clock ticks (fields 14 and 15).
    let ticks = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
        })
        .unwrap_or(0);
    (rss, ticks)
}

/// Fields of `/proc/PID/status` given in KiB (`VmRSS:`, `RssAnon:`, …); 0 for one it lacks.
pub(crate) fn status_kib<const N: usize>(pid: u32, keys: [&str; N]) -> [u64; N] {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    keys.map(|key| {
        status.lines().find_map(|l| l.strip_prefix(key)?.split_whitespace().next()?.parse().ok()).unwrap_or(0)
    })
}

fn clock_ticks_per_second() -> f64 {
    100.0 // Linux USER_HZ
}

/// Runs the benchmark and prints the report.
pub fn run(a: &LoadArgs) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    let dir = std::env::temp_dir().join(format!("parley-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let db = dir.join("bench.db");
    let scen = a.scenarios.display().to_string();
    let db = db.display().to_string();
    if a.cluster > 0 {
        let _ = std::fs::remove_dir_all(&dir);
        return run_cluster(a, &rt);
    }
    let mut args = vec!["serve", "--addr", "127.0.0.1:0", "--db", &db, "--scenarios", &scen];
    args.extend(["--practice-bot-after", "0", "--max-players-per-session", "1000000"]);
    args.extend(crate::ONE_ADDRESS);
    let (mut server, addr) = crate::spawn_server(a.server_exe.as_deref(), &args)?;
    println!(
        "load: {} connections ({} matches), one chat per player every {} ms, {} s warm-up + {} s measured, {} busy threads beside; server pid {} on {addr} with the SQLite event log at {}",
        a.connections,
        a.connections / 2,
        a.chat_interval_ms,
        a.warmup,
        a.duration,
        a.noise,
        server.id(),
        db
    );
    let noise = start_noise(a.noise)?;
    let parley = rt.block_on(drive(a, std::slice::from_ref(&addr), &[server.id()], None, true));
    stop_noise(noise);
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
    let parley = parley?;
    print_report(&parley);
    let mut reports = vec![parley.clone()];
    if !a.skip_relay {
        let (mut relay, raddr) = crate::spawn_server(None, &["bench", "relay-server", "--addr", "127.0.0.1:0"])?;
        let noise = start_noise(a.noise)?;
        let r = rt.block_on(drive(a, std::slice::from_ref(&raddr), &[relay.id()], None, false));
        stop_noise(noise);
        let _ = relay.kill();
        let _ = relay.wait();
        let r = r?;
        print_report(&r);
        let ratio = if r.messages_per_second > 0.0 { parley.messages_per_second / r.messages_per_second } else { 0.0 };
        let cpu_ratio = if parley.cpu_ms_per_1000_messages > 0.0 {
            r.cpu_ms_per_1000_messages / parley.cpu_ms_per_1000_messages
        } else {
            0.0
        };
        println!(
            "parley / bare relay: delivered throughput {ratio:.3}x at the same offered load; CPU efficiency {cpu_ratio:.3}x (relay CPU per message / Parley CPU per message)"
        );
        reports.push(r);
    }
    if a.json {
        println!("{}", serde_json::to_string(&reports).unwrap_or_default());
    }
    Ok(())
}

/// `--cluster N`: the same load against N nodes on a PostgreSQL server of the benchmark's own.
fn run_cluster(a: &LoadArgs, rt: &tokio::runtime::Runtime) -> Result<(), String> {
    use crate::cluster::{start_nodes, NodeSpec, TempPostgres};
    let pg = TempPostgres::start()?;
    let mut extra: Vec<String> = crate::ONE_ADDRESS.iter().map(|s| s.to_string()).collect();
    let scen = a.scenarios.display().to_string();
    extra.extend(
        ["--scenarios", &scen, "--practice-bot-after", "0", "--max-players-per-session", "1000000"].map(String::from),
    );
    // The nodes' own defaults for the lease and the heartbeat (`parley serve --help`).
    let spec =
        NodeSpec { exe: a.server_exe.clone(), pg_url: pg.url.clone(), lease_ms: 5000, heartbeat_ms: 1000, extra };
    let nodes = start_nodes(&spec, a.cluster)?;
    let addrs: Vec<String> = nodes.iter().map(|n| n.addr.clone()).collect();
    let pids: Vec<u32> = nodes.iter().map(|n| n.pid()).collect();
    println!(
        "load: {} connections ({} matches) in {} sessions, one chat per player every {} ms, {} s warm-up + {} s measured, {} busy threads beside; cluster of {} nodes {:?} (pids {:?}) on PostgreSQL {} (fsync off), lease 5000 ms, heartbeat 1000 ms",
        a.connections,
        a.connections / 2,
        a.sessions.max(1),
        a.chat_interval_ms,
        a.warmup,
        a.duration,
        a.noise,
        a.cluster,
        addrs,
        pids,
        pg.url
    );
    let noise = start_noise(a.noise)?;
    let r = rt.block_on(drive(a, &addrs, &pids, Some(&pg), true));
    stop_noise(noise);
    drop(nodes);
    drop(pg);
    let r = r?;
    print_report(&r);
    if a.json {
        println!("{}", serde_json::to_string(&[r]).unwrap_or_default());
    }
    Ok(())
}

fn print_report(r: &RunReport) {
    println!(
        "[{}] connections {}  sent {}  received {}  lost {}  errors {} {:?}",
        r.target, r.connections, r.sent, r.received, r.lost, r.errors, r.error_codes
    );
    println!(
        "[{}] {:.0} msg/s delivered  latency p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms  matches completed {}",
        r.target, r.messages_per_second, r.p50_ms, r.p99_ms, r.max_ms, r.matches_completed
    );
    if r.target == "parley" {
        println!(
            "[{}] two frames back to back: join → second frame p50 {:.2} ms p99 {:.2} ms; accept → survey state p50 {:.2} ms p99 {:.2} ms",
            r.target, r.join_p50_ms, r.join_p99_ms, r.accept_p50_ms, r.accept_p99_ms
        );
    }
    println!(
        "[{}] server RSS {} KiB before, {} KiB peak: {:.1} KiB per connection; server CPU {:.2} cores, {:.1} ms per 1000 messages",
        r.target, r.rss_before_kib, r.rss_peak_kib, r.kib_per_connection, r.server_cpu_cores, r.cpu_ms_per_1000_messages
    );
    if r.nodes > 1 {
        let per_node: Vec<String> = r.node_cpu_ms_per_1000_messages.iter().map(|x| format!("{x:.1}")).collect();
        println!(
            "[{}] {} nodes: CPU per 1000 messages of the cluster, each node [{}] ms (sum {:.1} ms), PostgreSQL {:.1} ms; players per node {:?}",
            r.target,
            r.nodes,
            per_node.join(", "),
            r.cpu_ms_per_1000_messages,
            r.database_cpu_ms_per_1000_messages,
            r.node_connections
        );
    }
    println!("[{}] load average at the end of the window: {}", r.target, r.loadavg);
    let threads: Vec<String> =
        r.by_thread.iter().map(|(name, n, cpu, sw)| format!("{name} ×{n}: {cpu:.1} ms, {sw:.0} switches")).collect();
    println!(
        "[{}] context switches per 1000 messages {:.0}; per thread name, per 1000 messages: {}",
        r.target,
        r.context_switches_per_1000_messages,
        threads.join("; ")
    );
}

/// Resident memory (KiB) and CPU ticks summed over processes.
fn proc_stats(pids: &[u32]) -> (u64, u64) {
    pids.iter().map(|&p| proc_stat(p)).fold((0, 0), |(r, t), (r2, t2)| (r + r2, t + t2))
}

async fn drive(
    a: &LoadArgs,
    targets: &[String],
    pids: &[u32],
    pg: Option<&crate::cluster::TempPostgres>,
    parley: bool,
) -> Result<RunReport, String> {
    let (rss_before, _) = proc_stats(pids);
    let mut codes = Vec::new();
    for s in 0..if parley { a.sessions.max(1) } else { 1 } {
        if !parley {
            codes.push(String::new());
            continue;
        }
        let body = json!({"scenario": "campsite", "title": "load benchmark",
            "durations": {"prep": 0, "small_talk": 0, "bargaining": a.warmup + a.duration + 600, "survey": 600}});
        let at = &targets[s % targets.len()];
        let (status, v) = crate::httpclient::request(at, "POST", "/api/sessions", Some(&body), &[]).await?;
        if status != 201 {
            return Err(format!("cannot create the benchmark session: {status} {v}"));
        }
        codes.push(v["code"].as_str().unwrap_or("").to_string());
    }
    let per_node: Arc<Vec<AtomicU64>> = Arc::new(targets.iter().map(|_| AtomicU64::new(0)).collect());
    let shared = Arc::new(Shared::default());
    shared.window_start.store(u64::MAX, Ordering::SeqCst);
    shared.window_end.store(u64::MAX, Ordering::SeqCst);
    let (stage_tx, stage_rx) = watch::channel(Stage::Connecting);
    let sem = Arc::new(Semaphore::new(a.connect_concurrency.max(1)));
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<Result<(), String>>(a.connections.max(1));
    let mut tasks = Vec::with_capacity(a.connections);
    for id in 0..a.connections {
        // Two by two, so every session pairs everyone.
        let code = codes[(id / 2) % codes.len()].clone();
        let lb = crate::cluster::node_for_code(&code, targets.len());
        let nodes = Arc::new(targets.to_vec());
        let (shared, stage, sem, ready, per_node) =
            (shared.clone(), stage_rx.clone(), sem.clone(), ready_tx.clone(), per_node.clone());
        let interval = Duration::from_millis(a.chat_interval_ms);
        tasks.push(tokio::spawn(async move {
            let at = Landing { nodes, first: lb, per_node };
            client(id, at, code, parley, interval, shared, stage, sem, ready).await
        }));
    }
    drop(ready_tx);
    let t_connect = Instant::now();
    let mut ready = 0;
    while ready < a.connections {
        match tokio::time::timeout(Duration::from_secs(120), ready_rx.recv()).await {
            Ok(Some(Ok(()))) => ready += 1,
            Ok(Some(Err(e))) => return Err(format!("a client failed while connecting: {e}")),
            Ok(None) => break,
            Err(_) => return Err(format!("only {ready} of {} clients were ready after 120 s", a.connections)),
        }
    }
    println!(
        "[{}] {} connections ready in {:.1} s",
        if parley { "parley" } else { "relay" },
        ready,
        t_connect.elapsed().as_secs_f64()
    );
    let _ = stage_tx.send(Stage::Load);
    tokio::time::sleep(Duration::from_secs(a.warmup)).await;
    // Measured window.
    shared.window_start.store(now_us(), Ordering::SeqCst);
    let cpu0: Vec<u64> = pids.iter().map(|&p| proc_stat(p).1).collect();
    let db0 = pg.map(|p| p.cpu_ticks()).unwrap_or(0);
    let threads0: Vec<_> = pids.iter().map(|&p| thread_counters(p)).collect();
    let t0 = Instant::now();
    let mut rss_peak = 0;
    for _ in 0..a.duration {
        tokio::time::sleep(Duration::from_secs(1)).await;
        rss_peak = rss_peak.max(proc_stats(pids).0);
    }
    shared.window_end.store(now_us(), Ordering::SeqCst);
    let window = t0.elapsed().as_secs_f64();
    let cpu1: Vec<u64> = pids.iter().map(|&p| proc_stat(p).1).collect();
    let db1 = pg.map(|p| p.cpu_ticks()).unwrap_or(0);
    let loadavg = std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim().to_string();
    // Each thread name over every server process (a cluster's nodes run the same threads).
    let mut by_name: std::collections::BTreeMap<String, (usize, u64, u64)> = Default::default();
    for (&p, before) in pids.iter().zip(&threads0) {
        for (name, n, ticks, sw) in thread_deltas(before, &thread_counters(p)) {
            let e = by_name.entry(name).or_default();
            (e.0, e.1, e.2) = (e.0 + n, e.1 + ticks, e.2 + sw);
        }
    }
    let threads: Vec<(String, usize, u64, u64)> = by_name.into_iter().map(|(n, (k, t, s))| (n, k, t, s)).collect();
    let _ = stage_tx.send(Stage::Stop);
    // Drain: messages in flight arrive.
    tokio::time::sleep(Duration::from_secs(3)).await;
    if parley {
        let _ = stage_tx.send(Stage::Finish);
    }
    drop(stage_tx);
    // Every client finishes its match (or gives up) within one shared deadline.
    let all = futures_util::future::join_all(tasks);
    if tokio::time::timeout(Duration::from_secs(60), all).await.is_err() {
        println!("warning: some clients had not finished their match after 60 s");
    }
    let mut lat = std::mem::take(&mut *shared.latencies_us.lock().expect("latencies"));
    lat.sort_unstable();
    let percentile = |v: &Mutex<Vec<u32>>, p: f64| {
        let mut v = v.lock().expect("latencies").clone();
        v.sort_unstable();
        if v.is_empty() {
            0.0
        } else {
            v[((v.len() - 1) as f64 * p).round() as usize] as f64 / 1000.0
        }
    };
    let pct =
        |p: f64| if lat.is_empty() { 0.0 } else { lat[((lat.len() - 1) as f64 * p).round() as usize] as f64 / 1000.0 };
    let sent = shared.sent_measured.load(Ordering::SeqCst);
    let received = shared.received_measured.load(Ordering::SeqCst);
    let node_cpu_s: Vec<f64> =
        cpu1.iter().zip(&cpu0).map(|(b, a)| b.saturating_sub(*a) as f64 / clock_ticks_per_second()).collect();
    let cpu_s: f64 = node_cpu_s.iter().sum();
    let per_1000 = |x: f64| if received > 0 { x / (received as f64 / 1000.0) } else { 0.0 };
    let db_cpu_s = db1.saturating_sub(db0) as f64 / clock_ticks_per_second();
    let conns = shared.connected.load(Ordering::SeqCst);
    let error_codes = shared.error_codes.lock().expect("codes").clone();
    Ok(RunReport {
        target: if parley { "parley".into() } else { "relay".into() },
        connections: conns,
        sent,
        received,
        lost: sent as i64 - received as i64,
        messages_per_second: received as f64 / window,
        p50_ms: pct(0.5),
        p99_ms: pct(0.99),
        max_ms: lat.last().map(|&x| x as f64 / 1000.0).unwrap_or(0.0),
        join_p50_ms: percentile(&shared.join_us, 0.5),
        join_p99_ms: percentile(&shared.join_us, 0.99),
        accept_p50_ms: percentile(&shared.accept_us, 0.5),
        accept_p99_ms: percentile(&shared.accept_us, 0.99),
        errors: shared.errors.load(Ordering::SeqCst),
        error_codes,
        matches_completed: shared.completed.load(Ordering::SeqCst),
        rss_before_kib: rss_before,
        rss_peak_kib: rss_peak,
        kib_per_connection: if conns > 0 { rss_peak.saturating_sub(rss_before) as f64 / conns as f64 } else { 0.0 },
        server_cpu_cores: cpu_s / window,
        cpu_ms_per_1000_messages: per_1000(cpu_s * 1000.0),
        nodes: pids.len(),
        node_cpu_ms_per_1000_messages: node_cpu_s.iter().map(|&s| per_1000(s * 1000.0)).collect(),
        node_connections: per_node.iter().map(|c| c.load(Ordering::SeqCst)).collect(),
        database_cpu_ms_per_1000_messages: per_1000(db_cpu_s * 1000.0),
        loadavg,
        context_switches_per_1000_messages: per_1000(threads.iter().map(|t| t.3).sum::<u64>() as f64),
        by_thread: threads
            .iter()
            .map(|(name, n, ticks, sw)| {
                (name.clone(), *n, per_1000(*ticks as f64 * 1000.0 / clock_ticks_per_second()), per_1000(*sw as f64))
            })
            .collect(),
    })
}

/// Where a client connects: the load balancer's pick among the nodes, and a count of players per
/// node once they are in their match.
struct Landing {
    nodes: Arc<Vec<String>>,
    first: usize,
    per_node: Arc<Vec<AtomicU64>>,
}

#[allow(clippy::too_many_arguments)]
async fn client(
    id: usize,
    at: Landing,
    code: String,
    parley: bool,
    interval: Duration,
    shared: Arc<Shared>,
    mut stage: watch::Receiver<Stage>,
    sem: Arc<Semaphore>,
    ready: tokio::sync::mpsc::Sender<Result<(), String>>,
) {
    let permit = sem.acquire_owned().await;
    let mut addr = at.nodes[at.first].clone();
    let mut node = at.first;
    let text = |v: Value| Message::text(v.to_string());
    let mut seat: Option<usize> = None;
    let mut moves = 0;
    let ws_seat = 'connect: loop {
        let url = format!("ws://{addr}/ws");
        let mut ws = match tokio_tungstenite::connect_async_with_config(&url, Some(super::ws_config()), false).await {
            Ok((ws, _)) => ws,
            Err(e) => {
                let _ = ready.send(Err(format!("connect: {e}"))).await;
                return;
            }
        };
        if parley {
            let _ = ws.send(text(json!({"type": "hello", "version": 1}))).await;
            let joined_at = Instant::now();
            let mut second_frame = false;
            let _ = ws.send(text(json!({"type": "join", "code": code, "name": format!("load{id}")}))).await;
            // Wait for the match (our state) before counting as ready.
            while seat.is_none() {
                match tokio::time::timeout(Duration::from_secs(100), ws.next()).await {
                    Ok(Some(Ok(Message::Text(t)))) => {
                        if let Ok(msg) = ServerMsg::decode(t.as_str()) {
                            if !second_frame && matches!(msg, ServerMsg::Waiting { .. } | ServerMsg::State(_)) {
                                second_frame = true;
                                let us = joined_at.elapsed().as_micros().min(u32::MAX as u128) as u32;
                                shared.join_us.lock().expect("latencies").push(us);
                            }
                            if let ServerMsg::Moved { address } = &msg {
                                // Not the session's owner: go there, as the browser does.
                                moves += 1;
                                if moves > 5 {
                                    let _ = ready.send(Err("moved more than five times".into())).await;
                                    return;
                                }
                                addr = crate::cluster::host_of(address);
                                node = at.nodes.iter().position(|n| *n == addr).unwrap_or(node);
                                continue 'connect;
                            }
                            if let ServerMsg::State(st) = msg {
                                seat = Some(st.you.seat);
                            }
                        }
                    }
                    Ok(Some(Ok(_))) => {}
                    _ => {
                        let _ = ready.send(Err("no match state".into())).await;
                        return;
                    }
                }
            }
        }
        break 'connect (ws, seat);
    };
    let (mut ws, seat) = ws_seat;
    drop(permit);
    at.per_node[node].fetch_add(1, Ordering::SeqCst);
    shared.connected.fetch_add(1, Ordering::SeqCst);
    let _ = ready.send(Ok(())).await;
    // Wait for the load to start.
    while {
        let s = *stage.borrow();
        s == Stage::Connecting
    } {
        if stage.changed().await.is_err() {
            return;
        }
    }
    let offset = super::spread(id, interval);
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + offset, interval);
    // Pings spread like the chat: people's clients ping every 10 s from when each connected,
    // never all in the same instant (all at once, 10,000 pings every 10 s held up every chat line
    // around them by up to 300 ms).
    let mut ping =
        tokio::time::interval_at(tokio::time::Instant::now() + super::spread(id, super::PING_EVERY), super::PING_EVERY);
    let mut seq = 0u64;
    let mut local_lat: Vec<u32> = Vec::new();
    let mut finishing = false;
    let mut offer_sent = false;
    let mut accept_sent: Option<Instant> = None;
    // The latest state frame, so that finishing can act on an offer that arrived just before.
    let mut last_state: Option<Box<StateView>> = None;
    // The counterpart's standing offer (seat 0's), if any.
    let standing_from_0 =
        |st: &StateView| st.offers.iter().find(|x| x.status == OfferStatus::Standing && x.seat == 0).map(|o| o.id);
    loop {
        let st = *stage.borrow();
        tokio::select! {
            m = ws.next() => {
                let Some(Ok(m)) = m else { break };
                let Message::Text(t) = m else { continue };
                let s = t.as_str();
                if !parley {
                    if let Some(rest) = s.strip_prefix("bench ") {
                        record(rest, &shared, &mut local_lat);
                    }
                    continue;
                }
                let Ok(msg) = ServerMsg::decode(s) else { continue };
                match msg {
                    ServerMsg::Chat(line)
                        if line.seat != seat => {
                            if let Some(rest) = line.text.strip_prefix("bench ") {
                                record(rest, &shared, &mut local_lat);
                            }
                        }
                    ServerMsg::Error { code, .. } => {
                        shared.errors.fetch_add(1, Ordering::SeqCst);
                        let mut c = shared.error_codes.lock().expect("codes");
                        if c.len() < 10 {
                            c.push(code.as_str().to_string());
                        }
                    }
                    ServerMsg::State(v) if !finishing => last_state = Some(v),
                    ServerMsg::State(v) => {
                        if v.phase == Phase::Results {
                            if seat == Some(0) {
                                shared.completed.fetch_add(1, Ordering::SeqCst);
                            }
                            break;
                        }
                        if v.phase == Phase::Survey {
                            if let Some(t) = accept_sent.take() {
                                let us = t.elapsed().as_micros().min(u32::MAX as u128) as u32;
                                shared.accept_us.lock().expect("latencies").push(us);
                            }
                        }
                        if v.phase == Phase::Survey && v.survey.as_ref().is_some_and(|s| !s.answered) {
                            let _ = ws.send(text(json!({"type": "skip_survey"}))).await;
                        }
                        if v.phase == Phase::Bargaining && seat == Some(1) {
                            if let Some(id) = standing_from_0(&v) {
                                accept_sent.get_or_insert_with(Instant::now);
                                let _ = ws.send(text(json!({"type": "accept", "offer_id": id}))).await;
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ = tick.tick(), if st == Stage::Load => {
                seq += 1;
                let t = now_us();
                let body = format!("bench {} {}", seq, t);
                // With a client message id, as the browser client sends every action: the server
                // stores it with the line and answers `ack`.
                let frame =
                    if parley { text(json!({"type": "chat", "text": body, "cid": seq})) } else { Message::text(body) };
                if ws.send(frame).await.is_err() { break }
                shared.sent.fetch_add(1, Ordering::Relaxed);
                if shared.in_window(t) {
                    shared.sent_measured.fetch_add(1, Ordering::Relaxed);
                }
            }
            _ = ping.tick(), if parley => {
                let _ = ws.send(text(json!({"type": "ping"}))).await;
            }
            r = stage.changed(), if !finishing => {
                if r.is_err() && !parley { break }
                let now_stage = *stage.borrow();
                match now_stage {
                    Stage::Finish => {
                        finishing = true;
                        if seat == Some(0) && !offer_sent {
                            offer_sent = true;
                            let _ = ws.send(text(json!({"type": "offer", "package": {"food": 1, "water": 2, "firewood": 1}}))).await;
                        }
                        if seat == Some(1) {
                            if let Some(id) = last_state.as_deref().and_then(standing_from_0) {
                                accept_sent.get_or_insert_with(Instant::now);
                                let _ = ws.send(text(json!({"type": "accept", "offer_id": id}))).await;
                            }
                        }
                    }
                    Stage::Stop if !parley => {}
                    _ => {}
                }
                if r.is_err() { finishing = true; }
            }
        }
        let now_stage = *stage.borrow();
        if !parley && now_stage == Stage::Stop {
            // The relay has no matches to finish: wait out the drain, then leave.
            let _drained = tokio::time::timeout(Duration::from_secs(4), async {
                while let Some(Ok(Message::Text(t))) = ws.next().await {
                    if let Some(rest) = t.as_str().strip_prefix("bench ") {
                        record(rest, &shared, &mut local_lat);
                    }
                }
            })
            .await;
            break;
        }
    }
    shared.latencies_us.lock().expect("latencies").extend(local_lat);
    let _ = ws.close(None).await;
}

/// Counts a received benchmark message `"<seq> <sent_us>"`.
fn record(rest: &str, shared: &Shared, lat: &mut Vec<u32>) {
    shared.received.fetch_add(1, Ordering::Relaxed);
    let mut it = rest.split(' ');
    let _seq = it.next();
    if let Some(sent) = it.next().and_then(|x| x.parse::<u64>().ok()) {
        if shared.in_window(sent) {
            shared.received_measured.fetch_add(1, Ordering::Relaxed);
            lat.push(now_us().saturating_sub(sent).min(u32::MAX as u64) as u32);
        }
    }
}
