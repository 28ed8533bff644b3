//! The runtime around the pure core: registries and match creation ([`app`]), one actor task
//! per session ([`session_actor`]: waiting lines, pairing, removals, tournament, facilitator
//! controls, the monitor) and one per match ([`match_actor`]), the per-seat views ([`view`]), connections
//! ([`connection`], [`outbox`]) and `serve`.

pub mod app;
pub mod bots;
pub mod clock;
pub mod connection;
pub mod facilitator;
pub mod match_actor;
pub mod observers;
pub mod outbox;
pub mod ownership;
pub mod practice_pool;
pub mod rate;
pub mod residency;
pub mod session;
pub mod session_actor;
pub mod tournament;
pub mod view;

use crate::core::scenario::load_dir;
use crate::store::Store;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `parley serve`.
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, env = "PARLEY_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// SQLite database file (created when missing).
    #[arg(long, env = "PARLEY_DB", default_value = "parley.db")]
    pub db: PathBuf,
    /// Folder of scenario files.
    #[arg(long, env = "PARLEY_SCENARIOS", default_value = "scenarios")]
    pub scenarios: PathBuf,
    /// Folder of the browser client.
    #[arg(long = "static", env = "PARLEY_STATIC", default_value = "client-web")]
    pub static_dir: PathBuf,
    /// Require this key (header `x-admin-key`) to create sessions.
    #[arg(long, env = "PARLEY_ADMIN_KEY")]
    pub admin_key: Option<String>,
    /// Seconds someone waits alone in the practice pool before a bot is offered (0 = never).
    #[arg(long, env = "PARLEY_PRACTICE_BOT_AFTER", default_value_t = app::BotSettings::default().practice_after)]
    pub practice_bot_after: u64,
    /// Milliseconds between a server bot's actions.
    #[arg(long, env = "PARLEY_BOT_PACE_MS", default_value_t = app::BotSettings::default().pace_ms)]
    pub bot_pace_ms: u64,
    /// Seconds a finished match nobody watches keeps its state in memory before it goes dormant
    /// (reloaded from the store when someone needs it again); 0 = never.
    #[arg(long, env = "PARLEY_DORMANT_AFTER", default_value_t = 600)]
    pub dormant_after: u64,
    /// fsync every commit (SQLite synchronous=FULL): events survive a power loss too, not only a crash.
    #[arg(long, env = "PARLEY_FSYNC")]
    pub fsync: bool,
    /// Keep the event log in PostgreSQL instead of the SQLite file (`postgres://user@host:port/db`);
    /// `--db` and `--fsync` are then unused (PostgreSQL's own settings decide durability).
    #[arg(long, env = "PARLEY_POSTGRES")]
    pub postgres: Option<String>,
    /// Milliseconds a request waits for PostgreSQL (a free or new connection, a read, any
    /// statement) before it fails with `store_unavailable`.
    #[arg(long, env = "PARLEY_PG_TIMEOUT_MS", default_value_t = 5000)]
    pub pg_timeout_ms: u64,
    /// Seconds of silence after which a connection is closed (clients ping every 10 s).
    #[arg(long, env = "PARLEY_IDLE_TIMEOUT", default_value_t = 30)]
    pub idle_timeout: u64,
    /// Extra acknowledgment and pressure phrases (TOML, same format as `server/data/phrases.toml`).
    #[arg(long, env = "PARLEY_PHRASES")]
    pub phrases: Option<PathBuf>,
    /// Listen on a non-loopback address without `--admin-key` (anyone who reaches the server can
    /// create sessions). Without this flag such a start is refused.
    #[arg(long, env = "PARLEY_OPEN")]
    pub open: bool,
    /// Limits per client address and per player.
    #[command(flatten)]
    pub limits: crate::limits::Limits,
    /// Running as one node of several on one PostgreSQL database.
    #[command(flatten)]
    pub cluster: ownership::ClusterArgs,
}

/// Whether every address `addr` can mean is a loopback one (`127.0.0.1:8080`, `[::1]:80`,
/// `localhost:8080`).
fn is_loopback(addr: &str) -> bool {
    use std::net::ToSocketAddrs;
    match addr.to_socket_addrs() {
        Ok(mut all) => all.all(|a| a.ip().is_loopback()),
        Err(_) => false,
    }
}

/// Runs the server until interrupted (Ctrl-C).
pub fn serve_blocking(args: ServeArgs) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(serve(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Loads everything, binds, prints `listening on http://ADDR`, and serves until Ctrl-C.
pub async fn serve(args: ServeArgs) -> Result<(), String> {
    serve_until(args, |_| {}, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

/// Like [`serve`], but tells `ready` the bound address and stops when `shutdown` resolves (the
/// integration tests run servers in-process this way). Tasks the server spawned stop when the
/// runtime that ran it is dropped.
pub async fn serve_until(
    args: ServeArgs,
    ready: impl FnOnce(std::net::SocketAddr),
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<(), String> {
    let (scenarios, bad) = load_dir(&args.scenarios).map_err(|e| format!("{}: {e}", args.scenarios.display()))?;
    for e in &bad {
        tracing::error!("skipping invalid scenario: {e}");
    }
    if scenarios.is_empty() {
        return Err(format!("no valid scenario in {}", args.scenarios.display()));
    }
    if args.admin_key.is_none() && !args.open && !is_loopback(&args.addr) {
        return Err(format!(
            "refusing to listen on {} without --admin-key: anyone who reaches it could create sessions. \
             Set --admin-key (or PARLEY_ADMIN_KEY), or pass --open if that is what you want.",
            args.addr
        ));
    }
    let mut phrases = crate::core::trust::Phrases::bundled();
    if let Some(p) = &args.phrases {
        let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
        phrases.extend(crate::core::trust::Phrases::parse(&text).map_err(|e| format!("{}: {e}", p.display()))?);
    }
    let node = match (&args.postgres, &args.cluster.node_address) {
        (Some(_), Some(address)) if !address.starts_with("http://") && !address.starts_with("https://") => {
            return Err(format!("--node-address {address:?} must be an http:// or https:// address browsers can reach"))
        }
        (Some(_), Some(address)) => Some(crate::store::NodeConfig {
            node_id: session::new_id("node"),
            address: address.trim_end_matches('/').to_string(),
            lease_ms: args.cluster.lease_ms.max(100) as i64,
        }),
        (None, Some(_)) => return Err("--node-address needs --postgres: SQLite serves one node".into()),
        _ => None,
    };
    let pg_timeout = std::time::Duration::from_millis(args.pg_timeout_ms.max(100));
    let (store, snapshot, cluster) = match &args.postgres {
        // The address may carry a password: it never goes into an error or the log.
        Some(url) => {
            let (store, snapshot, cluster) =
                Store::open_postgres_with(url, node, pg_timeout).await.map_err(|e| format!("PostgreSQL: {e}"))?;
            if let Some(cluster) = &cluster {
                cluster.register().await.map_err(|e| format!("PostgreSQL: {e}"))?;
            }
            (store, snapshot, cluster)
        }
        None => {
            let (store, snapshot) =
                Store::open_with(&args.db, args.fsync).map_err(|e| format!("{}: {e}", args.db.display()))?;
            (store, snapshot, None)
        }
    };
    let db = if args.postgres.is_some() { "PostgreSQL".to_string() } else { args.db.display().to_string() };
    tracing::info!(
        %db, scenarios = scenarios.len(), stored_sessions = snapshot.stored_sessions,
        live_sessions = snapshot.sessions.len(), matches = snapshot.matches(), "store opened"
    );
    let bots = app::BotSettings { practice_after: args.practice_bot_after, pace_ms: args.bot_pace_ms };
    let idle = std::time::Duration::from_secs(args.idle_timeout.max(1));
    let mut limits = args.limits.clone();
    let files = crate::net::raise_file_limit().unwrap_or(1024);
    let most = files.saturating_sub(crate::net::FD_HEADROOM).max(16);
    if limits.max_connections == 0 || limits.max_connections > most {
        if limits.max_connections > most {
            tracing::warn!(asked = limits.max_connections, most, "--max-connections is above the open-file limit");
        }
        limits.max_connections = most;
    }
    let settings = app::AppSettings {
        admin_key: args.admin_key.clone(),
        bots,
        idle_timeout: idle,
        limits: limits.clone(),
        dormant_after: (args.dormant_after > 0).then(|| std::time::Duration::from_secs(args.dormant_after)),
        scenarios_dir: Some(args.scenarios.clone()),
        cluster: cluster.clone(),
    };
    let app = app::App::open(store, snapshot, scenarios, phrases, settings).await;
    let listener =
        tokio::net::TcpListener::bind(&args.addr).await.map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let _ = app.self_addr.set(addr.to_string());
    // Bots connect to this address: sessions taken over (and those read at start-up) restart
    // their bots only once it is known.
    if let Some(c) = cluster {
        tracing::info!(node = c.node_id(), address = %c.address, lease_ms = c.lease_ms, "running as a cluster node");
        practice_pool::spawn_pool_task(&app, c.clone());
        ownership::spawn_node_tasks(&app, c, std::time::Duration::from_millis(args.cluster.heartbeat_ms.max(50)));
    }
    let codes: Vec<String> = app.sessions.iter().map(|s| s.key().clone()).collect();
    let bots: usize = codes.iter().map(|code| app.restart_bots(code)).sum();
    if bots > 0 {
        tracing::info!(bots, "bots of running matches restarted");
    }
    tracing::info!(
        max_connections = limits.max_connections,
        per_ip = limits.max_connections_per_ip,
        open_files = files,
        "connection limits"
    );
    println!("listening on http://{addr}");
    println!("practice pool code {}", app.practice_code);
    use std::io::Write;
    let _ = std::io::stdout().flush();
    ready(addr);
    let (full, overflow) = crate::http::routers(app.clone(), args.static_dir.clone());
    let net = crate::net::NetLimits {
        max_connections: limits.max_connections,
        max_per_ip: limits.max_connections_per_ip,
        behind_proxy: limits.trust_forwarded_for,
        header_timeout: std::time::Duration::from_secs(limits.header_timeout.max(1)),
    };
    let forget = app.address_limits.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            forget.forget_idle();
        }
    });
    crate::net::serve(listener, full, overflow, net, app.conn_counter.clone(), shutdown).await;
    Ok(())
}
