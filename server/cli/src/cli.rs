//! The `parley` command line: `serve` (the default), `scenario check|list`.

use crate::core::authoring::check_report;
use crate::core::scenario::{load_file, scenario_files, Scenario};
use crate::core::scoring::ScenarioAnalysis;
use clap::{Parser, Subcommand};
use parley::runtime::session::{DropoutPolicy, Pairing, Reveal, SmallTalkTreatment};
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
    Serve(Box<crate::runtime::ServeArgs>),
    /// Check and list scenario files.
    #[command(subcommand)]
    Scenario(ScenarioCommand),
    /// Create sessions on a running server (for scripting).
    #[command(subcommand)]
    Session(SessionCommand),
    /// Benchmarks (numbers for docs/benchmarks.md).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// The tactic tagger: train, cross-validate, time, try.
    #[command(subcommand)]
    Tagger(crate::tagger::TaggerCommand),
    /// Parley against human negotiations (numbers for docs/validity.md).
    #[command(subcommand)]
    Eval(EvalCommand),
}

/// `parley eval ...`
#[derive(Subcommand, Debug)]
pub enum EvalCommand {
    /// Replay CaSiNo dialogues through the real server; report points, tagger and trust estimate.
    Casino(crate::eval::CasinoArgs),
    /// Fit the behavioural trust model on a CaSiNo split (writes server/data/trust_model.toml).
    FitTrust(crate::eval::fit::FitArgs),
}

/// `parley session ...`
#[derive(Subcommand, Debug)]
pub enum SessionCommand {
    /// Create a workshop session; prints the server's JSON answer (join code, facilitator token, links).
    Create(SessionCreateArgs),
}

/// Options of `parley session create`.
#[derive(clap::Args, Debug)]
pub struct SessionCreateArgs {
    /// The server's address.
    #[arg(long, env = "PARLEY_ADDR", default_value = "127.0.0.1:8080")]
    pub server: String,
    /// The server's admin key, if it requires one.
    #[arg(long, env = "PARLEY_ADMIN_KEY")]
    pub admin_key: Option<String>,
    /// Scenario id.
    #[arg(long)]
    pub scenario: String,
    /// A title for the facilitator's list.
    #[arg(long, default_value = "")]
    pub title: String,
    /// Small-talk treatment (`split`: half the matches skip small talk).
    #[arg(long, value_enum, default_value_t)]
    pub small_talk: SmallTalkTreatment,
    /// Pairing.
    #[arg(long, value_enum, default_value_t)]
    pub pairing: Pairing,
    /// What results reveal.
    #[arg(long, value_enum, default_value_t)]
    pub reveal: Reveal,
    /// What happens when a player stays away past the grace period.
    #[arg(long, value_enum, default_value_t)]
    pub dropout: DropoutPolicy,
    /// Seconds a disconnected player may take to come back.
    #[arg(long, default_value_t = parley::runtime::session::default_grace())]
    pub grace_seconds: u64,
    /// Live coaching nudges for the players (off in classes unless given).
    #[arg(long)]
    pub coaching: bool,
    /// Phase durations in seconds as prep,small_talk,bargaining,survey (the scenario's when absent).
    #[arg(long, value_delimiter = ',')]
    pub durations: Option<Vec<u64>>,
}

/// `parley bench ...`
#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Time the Pareto frontier on random scenarios.
    Frontier(crate::bench::frontier::FrontierArgs),
    /// Many concurrent matches over real WebSockets against a server process, and a bare relay.
    Load(crate::bench::load::LoadArgs),
    /// A cluster on PostgreSQL with a random node killed every few seconds under load: every
    /// client resumes, every acknowledged action is stored once, every match finishes.
    Chaos(crate::bench::chaos::ChaosArgs),
    /// Memory and restart time as finished matches pile up (does idle state leave memory?).
    History(crate::bench::history::HistoryArgs),
    /// Every pair of bot levels, and each level against a scripted learner, on every two-role scenario.
    Bots(crate::bench_bots::BotsArgs),
    /// Busy threads for `bench load --noise` (runs until killed).
    #[command(hide = true)]
    Noise {
        /// Threads kept busy.
        #[arg(long, default_value_t = 1)]
        threads: usize,
    },
    /// The bare tokio-tungstenite relay used by `bench load` (runs until killed).
    #[command(hide = true)]
    RelayServer {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: String,
    },
}

/// `parley scenario ...`
#[derive(Subcommand, Debug)]
pub enum ScenarioCommand {
    /// Validate scenario files and print an analysis; exits non-zero if any file is invalid.
    /// Missing or incomplete teaching notes are a warning (an error with `--strict`).
    Check {
        /// Scenario files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print one JSON object per file (one per line).
        #[arg(long)]
        json: bool,
        /// Treat warnings (missing or incomplete `[teaching]` notes) as errors, as for bundled scenarios.
        #[arg(long)]
        strict: bool,
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
            Some(Command::Serve(args)) => crate::runtime::serve_blocking(*args),
            _ => unreachable!("serve parses"),
        },
        Some(Command::Serve(args)) => crate::runtime::serve_blocking(*args),
        Some(Command::Scenario(ScenarioCommand::Check { files, json, strict })) => check(&files, json, strict),
        Some(Command::Scenario(ScenarioCommand::List { scenarios })) => list(&scenarios),
        Some(Command::Session(SessionCommand::Create(a))) => create_session(a),
        Some(Command::Bench(BenchCommand::Load(a))) => match crate::bench::load::run(&a) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Some(Command::Bench(BenchCommand::Chaos(a))) => match crate::bench::chaos::run(&a) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Some(Command::Bench(BenchCommand::History(a))) => match crate::bench::history::run(&a) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Some(Command::Bench(BenchCommand::Bots(a))) => match crate::bench_bots::run(&a) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Some(Command::Bench(BenchCommand::Noise { threads })) => crate::bench::load::noise(threads),
        Some(Command::Bench(BenchCommand::RelayServer { addr })) => {
            let rt = tokio::runtime::Runtime::new().expect("runtime");
            match rt.block_on(crate::bench::relay::serve(&addr)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some(Command::Tagger(c)) => crate::tagger::run(c),
        Some(Command::Eval(EvalCommand::Casino(a))) => crate::eval::run(&a),
        Some(Command::Eval(EvalCommand::FitTrust(a))) => crate::eval::fit::run(&a),
        Some(Command::Bench(BenchCommand::Frontier(a))) => {
            crate::bench::frontier::run(&a);
            ExitCode::SUCCESS
        }
    }
}

fn check(files: &[PathBuf], json: bool, strict: bool) -> ExitCode {
    let mut failed = false;
    for f in files {
        match load_file(f) {
            Ok(s) => {
                // The same report the editor's live analysis carries (core::authoring).
                let report = check_report(&s);
                if json {
                    println!("{}", serde_json::to_string(&report).expect("the report serialises"));
                } else {
                    print_analysis(&s, &report.analysis);
                }
                let label = if strict { "error" } else { "warning" };
                for w in &report.warnings {
                    eprintln!("{label}: {}: {w}", f.display());
                }
                failed |= strict && !report.warnings.is_empty();
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
    println!("  deal rule: {}", s.deal.describe(&s.roles));
    println!("  max joint value {}  frontier size {}", a.max_joint_value, a.frontier_size);
    if let Some(f) = &a.pareto_frontier {
        let points: Vec<String> = f.iter().map(|[x, y]| format!("({x}, {y})")).collect();
        println!("  frontier {}/{}: {}", s.roles[0].id, s.roles[1].id, points.join(" "));
    }
    match &a.nash {
        Some(n) => {
            let opts: Vec<String> =
                s.issues.iter().zip(&n.package).map(|(i, &o)| format!("{}={}", i.id, i.options[o])).collect();
            println!("  Nash package {:?}: {}", n.points, opts.join(", "));
        }
        None => println!("  Nash package: none (no package gives every role at least its BATNA)"),
    }
}

fn list(dir: &std::path::Path) -> ExitCode {
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

fn create_session(a: SessionCreateArgs) -> ExitCode {
    let mut body = serde_json::json!({
        "scenario": a.scenario, "title": a.title, "small_talk": a.small_talk, "pairing": a.pairing,
        "reveal": a.reveal, "dropout": a.dropout, "grace_seconds": a.grace_seconds, "coaching": a.coaching,
    });
    if let Some(d) = &a.durations {
        if d.len() != 4 {
            eprintln!("error: --durations takes four numbers: prep,small_talk,bargaining,survey");
            return ExitCode::FAILURE;
        }
        body["durations"] = serde_json::json!({"prep": d[0], "small_talk": d[1], "bargaining": d[2], "survey": d[3]});
    }
    let headers: Vec<(&str, &str)> = a.admin_key.as_deref().map(|k| vec![("x-admin-key", k)]).unwrap_or_default();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    match rt.block_on(crate::httpclient::request(&a.server, "POST", "/api/sessions", Some(&body), &headers)) {
        Ok((201, v)) => {
            println!("{v}");
            ExitCode::SUCCESS
        }
        Ok((status, v)) => {
            eprintln!("error: the server answered {status}: {}", v["message"].as_str().unwrap_or(&v.to_string()));
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
