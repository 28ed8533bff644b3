//! The `parley` binary: see `parley --help`. A thin layer: the command line in [`cli`], the server
//! in the `parley` library, the tools in `parley-tools`.

mod bench_bots;
mod cli;

use parley::{core, runtime};
use parley_tools::{bench, eval, httpclient, tagger};

fn main() -> std::process::ExitCode {
    cli::main()
}
