//! A PostgreSQL server of a test's own: `initdb` in a temporary folder, started with `pg_ctl` on a
//! free loopback port (no fsync: a test's data need not survive the machine), stopped and removed
//! when dropped. The binaries come from `PATH` or Debian's `/usr/lib/postgresql/<version>/bin`
//! (`scripts/test.sh` installs the package where it is missing). As root, which PostgreSQL refuses,
//! they run as the `postgres` user the package creates.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A running PostgreSQL server.
pub struct Postgres {
    dir: PathBuf,
    bin: PathBuf,
    /// `postgres://parley@127.0.0.1:PORT/postgres`.
    pub url: String,
    /// Whether its processes were last sent SIGSTOP (they are resumed when it is dropped).
    stopped: std::sync::atomic::AtomicBool,
}

fn bin_dir() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.flatten().map(|e| e.path().join("bin")).filter(|b| b.join("initdb").exists()).collect())
        .unwrap_or_default();
    found.sort();
    if let Some(b) = found.pop() {
        return b;
    }
    let which = Command::new("sh").args(["-c", "command -v initdb"]).output().expect("sh runs");
    let path = String::from_utf8_lossy(&which.stdout).trim().to_string();
    assert!(!path.is_empty(), "PostgreSQL's initdb is not installed (scripts/test.sh installs it)");
    PathBuf::from(path).parent().unwrap().to_path_buf()
}

fn is_root() -> bool {
    let out = Command::new("id").arg("-u").output().expect("id runs");
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

/// Runs a PostgreSQL program, as `postgres` when this process is root.
fn run(bin: &Path, program: &str, args: &[&str]) {
    let exe = bin.join(program);
    let mut cmd = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&exe);
        c
    } else {
        Command::new(&exe)
    };
    let out = cmd.args(args).output().unwrap_or_else(|e| panic!("{program} runs: {e}"));
    assert!(out.status.success(), "{program} failed: {}", String::from_utf8_lossy(&out.stderr));
}

impl Postgres {
    /// Initialises and starts a server.
    pub fn start() -> Postgres {
        let bin = bin_dir();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let dir = std::env::temp_dir().join(format!("parley-pg-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        if is_root() {
            let out = Command::new("chown").args(["-R", "postgres:postgres"]).arg(&dir).output().unwrap();
            assert!(out.status.success(), "chown: {}", String::from_utf8_lossy(&out.stderr));
        }
        let data = dir.join("data");
        let data_s = data.display().to_string();
        run(&bin, "initdb", &["-D", &data_s, "-A", "trust", "-U", "parley", "--no-sync", "-E", "UTF8"]);
        let options = format!("-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off", dir.display());
        let log = dir.join("log").display().to_string();
        run(&bin, "pg_ctl", &["-D", &data_s, "-o", &options, "-l", &log, "-w", "start"]);
        Postgres { url: format!("postgres://parley@127.0.0.1:{port}/postgres"), dir, bin, stopped: Default::default() }
    }
}

impl Postgres {
    /// Sends a signal (`STOP`, `CONT`) to every process of this server: the postmaster and its
    /// backends, by process id (a stopped postmaster alone would leave open connections working).
    pub fn signal_all(&self, sig: &str) {
        let pid_file = std::fs::read_to_string(self.dir.join("data").join("postmaster.pid")).expect("postmaster.pid");
        let postmaster = pid_file.lines().next().expect("the postmaster's pid").trim().to_string();
        let children = Command::new("pgrep").args(["-P", &postmaster]).output().expect("pgrep runs");
        let mut pids: Vec<String> =
            String::from_utf8_lossy(&children.stdout).split_whitespace().map(String::from).collect();
        pids.push(postmaster);
        let ok = Command::new("kill").arg(format!("-{sig}")).args(&pids).status().expect("kill runs");
        assert!(ok.success(), "kill -{sig} {pids:?}");
        self.stopped.store(sig == "STOP", std::sync::atomic::Ordering::Relaxed);
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if self.stopped.load(std::sync::atomic::Ordering::Relaxed) {
            let _ = std::panic::catch_unwind(|| self.signal_all("CONT"));
        }
        let data = self.dir.join("data").display().to_string();
        let _ = std::panic::catch_unwind(|| run(&self.bin, "pg_ctl", &["-D", &data, "-m", "immediate", "stop"]));
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
