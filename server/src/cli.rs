//! The `parley` command line: `serve` (the default), `scenario check|list`.

use crate::core::scenario::{load_file, scenario_files, Scenario};
use crate::core::scoring::{analyse_scenario, ScenarioAnalysis};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Parley: a multiplayer negotiation game server.
#[derive(Parser, Debug)]
#[command(name = "parley", version, about)]
pub struct Cli {
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Top-level commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the game server (the default).
    Serve(crate::runtime::ServeArgs),
    /// Check and list scenario files.
    #[command(subcommand)]
    Scenario(ScenarioCommand),
    /// Benchmarks (numbers for docs/benchmarks.md).
    #[command(subcommand)]
    Bench(BenchCommand),
}

/// `parley bench ...`
#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Time the Pareto frontier on random scenarios.
    Frontier(crate::bench::frontier::FrontierArgs),
}

/// `parley scenario ...`
#[derive(Subcommand, Debug)]
pub enum ScenarioCommand {
    /// Validate scenario files and print an analysis; exits non-zero if any file is invalid.
    Check {
        /// Scenario files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print one JSON object per file (one per line).
        #[arg(long)]
        json: bool,
    },
    /// List the scenarios of a folder.
    List {
        /// The folder.
        #[arg(long, default_value = "scenarios")]
        scenarios: PathBuf,
    },
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => match Cli::parse_from(["parley", "serve"]).command {
            Some(Command::Serve(args)) => crate::runtime::serve_blocking(args),
            _ => unreachable!("serve parses"),
        },
        Some(Command::Serve(args)) => crate::runtime::serve_blocking(args),
        Some(Command::Scenario(ScenarioCommand::Check { files, json })) => check(&files, json),
        Some(Command::Scenario(ScenarioCommand::List { scenarios })) => list(&scenarios),
        Some(Command::Bench(BenchCommand::Frontier(a))) => {
            crate::bench::frontier::run(&a);
            ExitCode::SUCCESS
        }
    }
}

fn check(files: &[PathBuf], json: bool) -> ExitCode {
    let mut failed = false;
    for f in files {
        match load_file(f) {
            Ok(s) => {
                let a = analyse_scenario(&s);
                if json {
                    println!("{}", serde_json::to_string(&a).expect("analysis serialises"));
                } else {
                    print_analysis(&s, &a);
                }
            }
            Err(e) => {
                failed = true;
                if json {
                    println!("{}", serde_json::json!({ "file": f.display().to_string(), "error": e.to_string() }));
                }
                eprintln!("error: {e}");
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn print_analysis(s: &Scenario, a: &ScenarioAnalysis) {
    println!("{} — {} ({} roles, {} issues)", s.id, s.title, s.roles.len(), s.issues.len());
    for (i, r) in s.roles.iter().enumerate() {
        println!("  role {:<14} max {:>5}  BATNA {:>5}", r.id, a.role_max[i], r.batna);
    }
    for (i, t) in s.issues.iter().zip(&a.issue_types) {
        let kinds: Vec<String> =
            t.pairs.iter().map(|p| format!("{}/{}: {:?}", p.a, p.b, p.kind).to_lowercase()).collect();
        println!("  issue {:<14} {} options  {}", i.id, i.options.len(), kinds.join(", "));
    }
    println!("  max joint value {}  frontier size {}", a.max_joint_value, a.frontier_size);
    match &a.nash {
        Some(n) => {
            let opts: Vec<String> =
                s.issues.iter().zip(&n.package).map(|(i, &o)| format!("{}={}", i.id, i.options[o])).collect();
            println!("  Nash package {:?}: {}", n.points, opts.join(", "));
        }
        None => println!("  Nash package: none (no package gives every role at least its BATNA)"),
    }
}

fn list(dir: &PathBuf) -> ExitCode {
    let files = match scenario_files(dir) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    let mut failed = false;
    for f in files {
        match load_file(&f) {
            Ok(s) => {
                let roles: Vec<&str> = s.roles.iter().map(|r| r.id.as_str()).collect();
                println!("{:<20} {:<40} roles: {}  issues: {}", s.id, s.title, roles.join(", "), s.issues.len());
            }
            Err(e) => {
                failed = true;
                eprintln!("invalid: {e}");
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
