//! A throwaway cluster for the benchmarks: a PostgreSQL server of its own (`initdb` in a
//! temporary folder, started with `pg_ctl` on a free loopback port) and several
//! `parley serve --postgres URL --node-address ADDR` processes on it, which can be killed with
//! SIGKILL and restarted at the same address. The integration tests start their PostgreSQL with
//! [`TempPostgres`] too (`tests/common/postgres.rs` adds pausing it).

use std::path::{Path, PathBuf};
use std::process::{Child, Command};

/// A running PostgreSQL server, stopped and removed when dropped.
pub struct TempPostgres {
    dir: PathBuf,
    bin: PathBuf,
    /// `postgres://parley@127.0.0.1:PORT/postgres`.
    pub url: String,
}

fn pg_bin_dir() -> Result<PathBuf, String> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.flatten().map(|e| e.path().join("bin")).filter(|b| b.join("initdb").exists()).collect())
        .unwrap_or_default();
    found.sort();
    if let Some(b) = found.pop() {
        return Ok(b);
    }
    let which = Command::new("sh").args(["-c", "command -v initdb"]).output().map_err(|e| e.to_string())?;
    let path = String::from_utf8_lossy(&which.stdout).trim().to_string();
    if path.is_empty() {
        return Err("PostgreSQL's initdb is not installed (on Debian: apt-get install postgresql)".into());
    }
    Ok(PathBuf::from(path).parent().unwrap_or(Path::new("/")).to_path_buf())
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

/// Runs a PostgreSQL program, as the `postgres` user when this process is root (PostgreSQL
/// refuses to run as root).
fn run_pg(bin: &Path, program: &str, args: &[&str]) -> Result<(), String> {
    let exe = bin.join(program);
    let mut cmd = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&exe);
        c
    } else {
        Command::new(&exe)
    };
    let out = cmd.args(args).output().map_err(|e| format!("{program} does not run: {e}"))?;
    if !out.status.success() {
        return Err(format!("{program} failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(())
}

/// A free loopback port (bound and released: the caller binds it again at once).
pub fn free_port() -> Result<u16, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

impl TempPostgres {
    /// Initialises and starts a server with `fsync=off` (a benchmark's data need not survive the
    /// machine; SQLite's default `synchronous=NORMAL` does not sync at commit either).
    pub fn start() -> Result<TempPostgres, String> {
        let bin = pg_bin_dir()?;
        let port = free_port()?;
        let dir = std::env::temp_dir().join(format!("parley-pg-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let pg = TempPostgres { url: format!("postgres://parley@127.0.0.1:{port}/postgres"), dir, bin };
        if is_root() {
            let out = Command::new("chown").args(["-R", "postgres:postgres"]).arg(&pg.dir).output();
            if !out.map(|o| o.status.success()).unwrap_or(false) {
                return Err("cannot hand the PostgreSQL folder to the postgres user".into());
            }
        }
        let data = pg.dir.join("data").display().to_string();
        run_pg(&pg.bin, "initdb", &["-D", &data, "-A", "trust", "-U", "parley", "--no-sync", "-E", "UTF8"])?;
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            pg.dir.display()
        );
        let log = pg.dir.join("log").display().to_string();
        run_pg(&pg.bin, "pg_ctl", &["-D", &data, "-o", &options, "-l", &log, "-w", "start"])?;
        Ok(pg)
    }

    /// The postmaster's process id (none when its pid file cannot be read).
    pub fn postmaster_pid(&self) -> Option<u32> {
        let pidfile = std::fs::read_to_string(self.dir.join("data").join("postmaster.pid")).ok()?;
        pidfile.lines().next().and_then(|l| l.trim().parse::<u32>().ok())
    }

    /// CPU ticks (utime + stime) of the postmaster and every backend it forked.
    pub fn cpu_ticks(&self) -> u64 {
        let Some(master) = self.postmaster_pid() else { return 0 };
        let mut ticks = crate::bench::load::proc_stat(master).1;
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else { continue };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
            let ppid = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok());
            if ppid == Some(master) {
                ticks += crate::bench::load::proc_stat(pid).1;
            }
        }
        ticks
    }
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        let data = self.dir.join("data").display().to_string();
        let _ = run_pg(&self.bin, "pg_ctl", &["-D", &data, "-m", "immediate", "stop"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// How to start the nodes.
#[derive(Debug, Clone)]
pub struct NodeSpec {
    /// The `parley` binary (this one when none).
    pub exe: Option<PathBuf>,
    /// The database.
    pub pg_url: String,
    /// `--lease-ms`.
    pub lease_ms: u64,
    /// `--heartbeat-ms`.
    pub heartbeat_ms: u64,
    /// More `parley serve` arguments (limits, scenarios).
    pub extra: Vec<String>,
}

/// One node process, at `127.0.0.1:port`, advertising `http://127.0.0.1:port`.
pub struct Node {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    dir: PathBuf,
}

impl Node {
    /// Starts a node on `port` and waits until it listens.
    pub fn start(spec: &NodeSpec, port: u16) -> Result<Node, String> {
        let addr = format!("127.0.0.1:{port}");
        static STARTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let nth = STARTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("parley-bench-node-{}-{port}-{nth}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let db = dir.join("unused.db").display().to_string();
        let (lease, beat, advertised) =
            (spec.lease_ms.to_string(), spec.heartbeat_ms.to_string(), format!("http://{addr}"));
        let mut args: Vec<&str> = vec!["serve", "--addr", &addr, "--node-address", &advertised, "--postgres"];
        args.extend([spec.pg_url.as_str(), "--lease-ms", &lease, "--heartbeat-ms", &beat, "--db", &db]);
        args.extend(spec.extra.iter().map(String::as_str));
        let (child, _) = crate::spawn_server(spec.exe.as_deref(), &args)?;
        Ok(Node { child, addr, dir })
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or(0)
    }

    /// SIGKILL, and waits for the process to be gone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Starts `n` nodes on free ports.
pub fn start_nodes(spec: &NodeSpec, n: usize) -> Result<Vec<Node>, String> {
    (0..n).map(|_| Node::start(spec, free_port()?)).collect()
}

/// `127.0.0.1:PORT` from an advertised `http://127.0.0.1:PORT`.
pub fn host_of(address: &str) -> String {
    address.trim_start_matches("http://").trim_start_matches("https://").trim_end_matches('/').to_string()
}

/// The node a load balancer hashing on the join code (`balance url_param code`) picks.
pub fn node_for_code(code: &str, nodes: usize) -> usize {
    // FNV-1a: stable across runs and builds, unlike the standard library's hasher.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in code.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100000001b3);
    }
    (h % nodes.max(1) as u64) as usize
}
