//! `parley bench bots`: the bot league (`parley::bots::league`) against a server process of its
//! own: every pair of bot levels, and every level against a scripted learner, on every bundled
//! two-role scenario, over real WebSockets. Prints the table that goes into `docs/bots.md`.

use parley::bots::league::{self, LeagueConfig};
use parley_tools::{httpclient, spawn_server, ONE_ADDRESS};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Options of `parley bench bots`.
#[derive(clap::Args, Debug, Clone)]
pub struct BotsArgs {
    /// Seconds of bargaining in every match.
    #[arg(long, default_value_t = 12)]
    pub bargaining: u64,
    /// Seconds of small talk in every match (0 skips it).
    #[arg(long, default_value_t = 0)]
    pub small_talk: u64,
    /// Milliseconds between a bot's actions.
    #[arg(long, default_value_t = 100)]
    pub pace_ms: u64,
    /// Matches played at once.
    #[arg(long, default_value_t = 10)]
    pub concurrency: usize,
    /// Seed of the bots' chat choices.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Scenario folder for the server under test.
    #[arg(long, default_value = "scenarios")]
    pub scenarios: PathBuf,
    /// The `parley` binary to run as the server (default: this one).
    #[arg(long)]
    pub server_exe: Option<PathBuf>,
}

/// Runs the league and prints its settings and table.
pub fn run(a: &BotsArgs) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    let dir = std::env::temp_dir().join(format!("parley-bench-bots-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let db = dir.join("bots.db").display().to_string();
    let scen = a.scenarios.display().to_string();
    let mut args = vec!["serve", "--addr", "127.0.0.1:0", "--db", &db, "--scenarios", &scen];
    args.extend(ONE_ADDRESS);
    let (mut server, addr) = spawn_server(a.server_exe.as_deref(), &args)?;
    let result = rt.block_on(async {
        let (status, list) = httpclient::request(&addr, "GET", "/api/scenarios", None, &[]).await?;
        if status != 200 {
            return Err(format!("scenarios not listed: {status} {list}"));
        }
        let scenarios: Vec<String> = list
            .as_array()
            .into_iter()
            .flatten()
            .filter(|s| s["roles"].as_array().is_some_and(|r| r.len() == 2))
            .filter_map(|s| s["id"].as_str().map(String::from))
            .collect();
        let cfg = LeagueConfig {
            addr: addr.clone(),
            scenarios,
            small_talk_secs: a.small_talk,
            bargaining_secs: a.bargaining,
            pace: Duration::from_millis(a.pace_ms.max(10)),
            concurrency: a.concurrency,
            seed: a.seed,
        };
        println!(
            "bots: {} pairs × {} two-role scenarios ({}), small talk {} s, bargaining {} s, a bot acts every {} ms, {} matches at once, seed {}",
            league::pairs().len(),
            cfg.scenarios.len(),
            cfg.scenarios.join(", "),
            a.small_talk,
            a.bargaining,
            a.pace_ms,
            a.concurrency,
            a.seed
        );
        let started = Instant::now();
        let matches = league::play(&cfg, |scenario, durations| {
            let addr = addr.clone();
            async move {
                let body = serde_json::json!({"scenario": scenario, "title": "bot league", "durations": durations});
                let (status, v) = httpclient::request(&addr, "POST", "/api/sessions", Some(&body), &[]).await?;
                match v["code"].as_str() {
                    Some(code) if status == 201 => Ok(code.to_string()),
                    _ => Err(format!("session not created: {status} {v}")),
                }
            }
        })
        .await?;
        print!("{}", league::table(&league::summarise(&matches)));
        let errors: Vec<&String> = matches.iter().flat_map(|m| &m.errors).collect();
        println!("{} matches in {:.0} s; errors sent to players: {errors:?}", matches.len(), started.elapsed().as_secs_f64());
        Ok(())
    });
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
    result
}
