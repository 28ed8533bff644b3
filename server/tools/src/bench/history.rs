//! `parley bench history`: does memory follow what is happening now, or everything that ever
//! happened? Plays many short matches one after another (a few at a time) through a real server
//! over real WebSockets, each in its own class session (or all in the practice pool), and at each
//! checkpoint waits until the server has let go of what is idle and reads its RSS. Then restarts
//! the server on the database it left and times how soon it answers.

use crate::bench::load::{proc_stat, status_kib};
use crate::{spawn_server, ONE_ADDRESS};
use futures_util::{SinkExt, StreamExt};
use parley_core::game::{OfferStatus, Phase};
use parley_protocol::wire::ServerMsg;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

/// Where the benchmark's matches are played.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Where {
    /// One class session per match (created over HTTP, joined by code).
    Classes,
    /// Everyone in the practice pool.
    Practice,
}

/// Options of `parley bench history`.
#[derive(clap::Args, Debug, Clone)]
pub struct HistoryArgs {
    /// Finished matches at which to read the server's memory (the last is the total).
    #[arg(long, value_delimiter = ',', default_value = "1000,10000,50000")]
    pub checkpoints: Vec<usize>,
    /// Matches played at once.
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
    /// Where the matches are played.
    #[arg(long, value_enum, default_value_t = Where::Classes)]
    pub r#where: Where,
    /// The server's `--dormant-after` (seconds): how long idle state stays in memory.
    #[arg(long, default_value_t = 1)]
    pub dormant_after: u64,
    /// Scenario folder for the server under test.
    #[arg(long, default_value = "scenarios")]
    pub scenarios: PathBuf,
    /// Keep the database here (default: a temporary folder, removed afterwards).
    #[arg(long)]
    pub keep: Option<PathBuf>,
    /// The `parley` binary to measure (default: this one).
    #[arg(long)]
    pub server_exe: Option<PathBuf>,
}

/// Runs the benchmark and prints one line per checkpoint and the restart.
pub fn run(a: &HistoryArgs) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    let dir =
        a.keep.clone().unwrap_or_else(|| std::env::temp_dir().join(format!("parley-hist-{}", std::process::id())));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let db = dir.join("history.db").display().to_string();
    let scen = a.scenarios.display().to_string();
    let dormant = a.dormant_after.to_string();
    let mut args = vec!["serve", "--addr", "127.0.0.1:0", "--db", &db, "--scenarios", &scen];
    args.extend(["--dormant-after", &dormant, "--practice-bot-after", "0"]);
    args.extend(ONE_ADDRESS);
    let (mut server, addr) = spawn_server(a.server_exe.as_deref(), &args)?;
    println!(
        "history: matches in {:?}, {} at a time, --dormant-after {} s; server pid {} on {addr}, database {db}",
        a.r#where,
        a.concurrency,
        a.dormant_after,
        server.id()
    );
    println!("| finished matches | server RSS | of which anonymous / file / shared | heap in use | in memory: sessions / players / matches | matches per second |");
    println!("|---:|---:|---:|---:|---|---:|");
    let result = rt.block_on(async {
        let done = Arc::new(AtomicUsize::new(0));
        let started = Instant::now();
        for &target in &a.checkpoints {
            play_until(a, &addr, &done, target).await?;
            let rate = done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
            let h = until_idle(&addr, a.r#where).await?;
            let (rss_kib, _) = proc_stat(server.id());
            let heap = h["heap_in_use"].as_f64().map(|b| format!("{:.1} MB", b / 1048576.0));
            // Anonymous (heap, stacks, what the allocator keeps), file-backed (the binary's pages as
            // they are first run), shared (SQLite's WAL index): only the first can grow with what
            // the server holds.
            let [anon, file, shared] =
                status_kib(server.id(), ["RssAnon:", "RssFile:", "RssShmem:"]).map(|kib| kib as f64 / 1024.0);
            println!(
                "| {} | {:.1} MB | {anon:.1} / {file:.1} / {shared:.1} MB | {} | {} / {} / {} | {rate:.0} |",
                done.load(Ordering::Relaxed),
                rss_kib as f64 / 1024.0,
                heap.unwrap_or_else(|| "–".into()),
                h["sessions"],
                h["players"],
                h["matches"]
            );
        }
        Ok::<(), String>(())
    });
    let _ = server.kill();
    let _ = server.wait();
    result?;
    // Restart on the same database: how soon does it answer, and with what memory?
    let t0 = Instant::now();
    let (mut again, addr) = spawn_server(a.server_exe.as_deref(), &args)?;
    let ready = rt.block_on(async {
        loop {
            if let Ok((200, _)) = crate::httpclient::request(&addr, "GET", "/healthz", None, &[]).await {
                return t0.elapsed();
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
    std::thread::sleep(Duration::from_secs(1));
    let (rss_kib, _) = proc_stat(again.id());
    println!(
        "restart on that database: answering after {} ms (process start included), RSS one second later {:.1} MB",
        ready.as_millis(),
        rss_kib as f64 / 1024.0
    );
    let _ = again.kill();
    let _ = again.wait();
    if a.keep.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

/// Plays matches, `concurrency` at a time, until `target` have finished.
async fn play_until(a: &HistoryArgs, addr: &str, done: &Arc<AtomicUsize>, target: usize) -> Result<(), String> {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..a.concurrency {
        let (addr, done, place) = (addr.to_string(), done.clone(), a.r#where);
        tasks.spawn(async move {
            while done.load(Ordering::Relaxed) < target {
                play_one(&addr, place).await?;
                done.fetch_add(1, Ordering::Relaxed);
            }
            Ok::<(), String>(())
        });
    }
    while let Some(r) = tasks.join_next().await {
        r.map_err(|e| e.to_string())??;
    }
    Ok(())
}

/// One match from start to results: two players, an offer, an acceptance, no survey.
async fn play_one(addr: &str, place: Where) -> Result<(), String> {
    let join = match place {
        Where::Classes => {
            let body = json!({"scenario": "campsite", "title": "history bench",
                              "durations": {"prep": 0, "small_talk": 0, "bargaining": 600, "survey": 0}});
            let (status, v) = crate::httpclient::request(addr, "POST", "/api/sessions", Some(&body), &[]).await?;
            if status != 201 {
                return Err(format!("session not created: {status} {v}"));
            }
            json!({"type": "join", "code": v["code"], "name": "Hist"})
        }
        Where::Practice => json!({"type": "practice", "name": "Hist", "scenario": "campsite"}),
    };
    let (a, b) = tokio::join!(player(addr, &join), player(addr, &join));
    a.and(b)
}

/// A player who readies through the opening phases, offers the first option of every issue
/// from seat 0, accepts it from seat 1, skips the survey and leaves at the results.
async fn player(addr: &str, join: &Value) -> Result<(), String> {
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws")).await.map_err(|e| e.to_string())?;
    let text = |v: Value| Message::text(v.to_string());
    ws.send(text(json!({"type": "hello", "version": 1}))).await.map_err(|e| e.to_string())?;
    ws.send(text(join.clone())).await.map_err(|e| e.to_string())?;
    let mut acted: Option<Phase> = None;
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(60), ws.next()).await.map_err(|_| "no frame in 60 s")?;
        let Some(Ok(Message::Text(t))) = frame else {
            match frame {
                Some(Ok(_)) => continue,
                _ => return Err("the server closed the connection".into()),
            }
        };
        let v = match ServerMsg::decode(t.as_str()).map_err(|e| e.to_string())? {
            ServerMsg::Error { code, message } => return Err(format!("refused: {code}: {message}")),
            ServerMsg::State(st) => st,
            _ => continue,
        };
        let phase = v.phase;
        let seat = v.you.seat;
        let fresh = acted != Some(phase);
        let reply = match phase {
            Phase::Results => break,
            Phase::Prep | Phase::SmallTalk if fresh => Some(json!({"type": "ready"})),
            Phase::Survey if fresh => Some(json!({"type": "skip_survey"})),
            Phase::Bargaining if seat == 0 && fresh => {
                let package: serde_json::Map<String, Value> =
                    v.scenario.issues.iter().map(|i| (i.id.clone(), json!(0))).collect();
                Some(json!({"type": "offer", "package": package}))
            }
            Phase::Bargaining if seat == 1 => v
                .offers
                .iter()
                .find(|o| o.status == OfferStatus::Standing)
                .map(|o| json!({"type": "accept", "offer_id": o.id})),
            _ => None,
        };
        if let Some(r) = reply {
            acted = Some(phase);
            ws.send(text(r)).await.map_err(|e| e.to_string())?;
        }
    }
    let _ = ws.close(None).await;
    Ok(())
}

/// Waits until the server holds no idle state: only the practice pool's session, and no player
/// or match (the server's own counts). Gives up after a minute and reports what it saw.
async fn until_idle(addr: &str, place: Where) -> Result<Value, String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, h) = crate::httpclient::request(addr, "GET", "/healthz", None, &[]).await?;
        let idle = h["sessions"] == 1 && h["players"] == 0 && h["matches"] == 0;
        if idle || Instant::now() > deadline {
            if !idle {
                eprintln!("history: still in memory after a minute ({place:?}): {h}");
            }
            return Ok(h);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
