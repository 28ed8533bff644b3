//! Parley's tools, outside the production library: `parley bench` (the frontier and the load
//! generator with its bare relay), `parley eval` (replaying human negotiations through a real
//! server, fitting the trust model), `parley tagger` (training and checking the tactic tagger),
//! and the small HTTP client they and the tests use. The `parley` binary links them; the server
//! library (`parley`) cannot reach them.

pub use parley_core as core;

pub mod bench;
pub mod cluster;
pub mod eval;
pub mod httpclient;
pub mod tagger;

/// Reads a `parley serve` child's stdout until its `listening on http://ADDR` line; returns the
/// address and keeps draining the rest of its output in the background.
pub fn server_address(child: &mut std::process::Child) -> Result<String, String> {
    use std::io::BufRead;
    let out = child.stdout.take().ok_or("no stdout")?;
    let mut lines = std::io::BufReader::new(out).lines();
    let addr = loop {
        let line = lines.next().ok_or("the server exited before listening")?.map_err(|e| e.to_string())?;
        if let Some(a) = line.strip_prefix("listening on http://") {
            break a.to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    Ok(addr)
}

/// Every simulated player comes from 127.0.0.1: the per-address limits (meant for one school's
/// router) would refuse most of them, so the benchmarks lift them.
pub const ONE_ADDRESS: [&str; 8] = [
    "--max-connections-per-ip",
    "1000000",
    "--ws-connects-per-minute",
    "100000000",
    "--code-lookups-per-minute",
    "100000000",
    "--sessions-per-hour",
    "100000000",
];

/// Starts `exe` (this binary when none) with `args`, its log at warnings, and waits until it
/// listens; returns the child and its address.
pub fn spawn_server(exe: Option<&std::path::Path>, args: &[&str]) -> Result<(std::process::Child, String), String> {
    let exe = match exe {
        Some(p) => p.to_path_buf(),
        None => std::env::current_exe().map_err(|e| e.to_string())?,
    };
    let mut child = std::process::Command::new(exe)
        .args(args)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .map_err(|e| e.to_string())?;
    let addr = server_address(&mut child)?;
    Ok((child, addr))
}
