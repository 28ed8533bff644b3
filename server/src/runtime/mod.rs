//! The runtime around the pure core: sessions, pairing, match actors, timers, transport.

use clap::Args;
use std::process::ExitCode;

/// Options of `parley serve`.
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "PARLEY_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
}

/// Runs the server until interrupted.
pub fn serve_blocking(_args: ServeArgs) -> ExitCode {
    ExitCode::FAILURE
}
