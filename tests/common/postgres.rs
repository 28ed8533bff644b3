//! A PostgreSQL server of a test's own: the benchmarks' [`TempPostgres`] (`initdb` in a temporary
//! folder, `pg_ctl` on a free loopback port, no fsync, stopped and removed when dropped; as root it
//! runs as the `postgres` user), which a test can also pause and resume. `scripts/test.sh`
//! installs the package where it is missing.

use parley_tools::cluster::TempPostgres;
use std::process::Command;

/// A running PostgreSQL server.
pub struct Postgres {
    server: TempPostgres,
    /// `postgres://parley@127.0.0.1:PORT/postgres`.
    pub url: String,
    /// Whether its processes were last sent SIGSTOP (they are resumed when it is dropped).
    stopped: std::sync::atomic::AtomicBool,
}

impl Postgres {
    /// Initialises and starts a server.
    pub fn start() -> Postgres {
        let server = TempPostgres::start().unwrap_or_else(|e| panic!("PostgreSQL starts: {e}"));
        Postgres { url: server.url.clone(), server, stopped: Default::default() }
    }

    /// Sends a signal (`STOP`, `CONT`) to every process of this server: the postmaster and its
    /// backends, by process id (a stopped postmaster alone would leave open connections working).
    pub fn signal_all(&self, sig: &str) {
        let postmaster = self.server.postmaster_pid().expect("the postmaster's pid").to_string();
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
    /// A paused server is resumed first, so the server's own drop can stop it.
    fn drop(&mut self) {
        if self.stopped.load(std::sync::atomic::Ordering::Relaxed) {
            let _ = std::panic::catch_unwind(|| self.signal_all("CONT"));
        }
    }
}
