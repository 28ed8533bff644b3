//! Parley's tools, outside the production library: `parley bench` (the frontier and the load
//! generator with its bare relay), `parley eval` (replaying human negotiations through a real
//! server, fitting the trust model), `parley tagger` (training and checking the tactic tagger),
//! and the small HTTP client they and the tests use. The `parley` binary links them; the server
//! library (`parley`) cannot reach them.

pub use parley_core as core;

pub mod bench;
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
