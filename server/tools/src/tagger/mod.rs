//! `parley tagger`: training, cross-validating, timing and trying the tactic tagger of
//! [`crate::core::tactics`] on the CaSiNo corpus (Chawla et al., NAACL 2021; CC BY 4.0). The
//! corpus is read from a path and never stored in the repository; the weights file it produces
//! (`server/data/tagger.tsv`) names it, its licence and the command in its header.

pub mod casino;
pub mod cv;
pub mod train;

use crate::core::tactics::{Line, Tagger, Vocabulary, LABELS};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use train::{Config, Dataset, Model};

/// `parley tagger ...`
#[derive(Subcommand, Debug)]
pub enum TaggerCommand {
    /// Train the tagger on a CaSiNo split and write its weights file (same data and command, same bytes).
    Train(TrainArgs),
    /// Grouped 5-fold cross-validation per label, next to the old phrase rules on the same lines.
    Cv(CvArgs),
    /// Time the bundled tagger per message.
    Bench(BenchArgs),
    /// Tag the lines given (one argument per line, speakers alternating) with the bundled tagger.
    Tag(TagArgs),
}

/// Model options shared by `train` and `cv`.
#[derive(Args, Debug, Clone)]
pub struct ModelArgs {
    /// Inverse regularisation strength.
    #[arg(long, default_value_t = Config::default().c)]
    pub c: f64,
    /// Scales of the feature groups w (words), c (characters), x (form), p (previous line); 0 drops a group.
    #[arg(long, value_delimiter = ',', default_values_t = Config::default().scales.to_vec())]
    pub scales: Vec<f32>,
    /// Minimum number of training lines a feature must occur in.
    #[arg(long, default_value_t = Config::default().min_df)]
    pub min_df: usize,
}

impl ModelArgs {
    fn config(&self) -> Result<Config, String> {
        let scales: [f32; 4] = self.scales.clone().try_into().map_err(|_| "--scales takes four numbers")?;
        Ok(Config { c: self.c, scales, min_df: self.min_df, ..Config::default() })
    }
}

/// Options of `parley tagger train`.
#[derive(Args, Debug)]
pub struct TrainArgs {
    /// The CaSiNo split to train on (e.g. casino_train.json).
    #[arg(long)]
    pub data: PathBuf,
    /// Where to write the weights file.
    #[arg(long, default_value = "server/data/tagger.tsv")]
    pub out: PathBuf,
    /// The date written in the provenance header (a date, not the clock, keeps the output reproducible).
    #[arg(long)]
    pub date: Option<String>,
    /// Model options.
    #[command(flatten)]
    pub model: ModelArgs,
}

/// Options of `parley tagger cv`.
#[derive(Args, Debug)]
pub struct CvArgs {
    /// The CaSiNo split to cross-validate on.
    #[arg(long)]
    pub data: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Repeat with this many different fold assignments and average (1 = the reported numbers).
    #[arg(long, default_value_t = 1)]
    pub repeats: usize,
    /// Also print the lines the model gets wrong on this label (out-of-fold), for error analysis.
    #[arg(long, value_name = "LABEL")]
    pub errors: Option<String>,
    /// Model options.
    #[command(flatten)]
    pub model: ModelArgs,
}

/// Options of `parley tagger bench`.
#[derive(Args, Debug)]
pub struct BenchArgs {
    /// A CaSiNo split whose dialogues to tag (built-in lines when absent).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Passes over the dialogues.
    #[arg(long, default_value_t = 5)]
    pub rounds: usize,
}

/// Options of `parley tagger tag`.
#[derive(Args, Debug)]
pub struct TagArgs {
    /// The lines, in order.
    #[arg(required = true)]
    pub lines: Vec<String>,
    /// Print every label's score.
    #[arg(long)]
    pub scores: bool,
}

/// Runs a `parley tagger` command.
pub fn run(cmd: TaggerCommand) -> ExitCode {
    let r = match cmd {
        TaggerCommand::Train(a) => train_cmd(&a),
        TaggerCommand::Cv(a) => cv_cmd(&a),
        TaggerCommand::Bench(a) => bench_cmd(&a),
        TaggerCommand::Tag(a) => tag_cmd(&a),
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A 64-bit FNV-1a fingerprint of the training file, for the provenance header.
fn fingerprint(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn train_cmd(a: &TrainArgs) -> Result<(), String> {
    let config = a.model.config()?;
    let bytes = std::fs::read(&a.data).map_err(|e| format!("{}: {e}", a.data.display()))?;
    let corpus = casino::parse(&bytes)?;
    let vocab = Vocabulary::casino();
    let ds = Dataset::build(&corpus, &vocab);
    eprintln!("{} annotated dialogues, {} lines, {} distinct features", ds.dialogues, ds.rows.len(), ds.names.len());
    let t0 = Instant::now();
    let report = cv::run(&ds, &vocab, &config, 1);
    eprintln!("{}(cross-validation took {:.0} s)", cv::format(&report), t0.elapsed().as_secs_f64());
    let all: Vec<usize> = (0..ds.rows.len()).collect();
    let model = Model::fit(&ds, &all, &config);
    let file_name = a.data.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default();
    let per_label: Vec<String> = report.labels.iter().map(|l| format!("{} {:.2}", l.label, l.model.f1)).collect();
    let mut cmd = format!("parley tagger train --data {file_name} --out {}", a.out.display());
    if let Some(d) = &a.date {
        cmd.push_str(&format!(" --date {d}"));
    }
    let defaults = Config::default();
    if config.c != defaults.c {
        cmd.push_str(&format!(" --c {}", config.c));
    }
    if config.scales != defaults.scales {
        let s: Vec<String> = config.scales.iter().map(|x| x.to_string()).collect();
        cmd.push_str(&format!(" --scales {}", s.join(",")));
    }
    if config.min_df != defaults.min_df {
        cmd.push_str(&format!(" --min-df {}", config.min_df));
    }
    let header = vec![
        "Parley tactic tagger weights (server/core/src/tactics.rs reads them; docs/validity.md explains them).".into(),
        "Model: per-label L2 logistic regression (class-weighted) over word/char n-grams, form and previous-line features; per-label thresholds.".into(),
        format!(
            "Trained on CaSiNo (Chawla, Ramirez, Clever, Lucas, May, Gratch; NAACL 2021), {file_name} (FNV-1a 64 {}): {} annotated dialogues, {} lines. Licence of the data: CC BY 4.0; these weights are derived from it.",
            fingerprint(&bytes),
            ds.dialogues,
            ds.rows.len()
        ),
        format!("Command: {cmd}"),
        format!("Date: {}", a.date.as_deref().unwrap_or("not given")),
        format!(
            "Grouped 5-fold CV by dialogue (thresholds from the other folds): macro F1 {:.3} over nine strategies; {}",
            report.macro_f1,
            per_label.join(", ")
        ),
    ];
    let text = model.write(&ds, &header, &report.thresholds);
    // The file must read back as the model that was fitted.
    let tagger = Tagger::parse(&text)?;
    let mut worst = 0.0f32;
    let mut n = 0;
    for d in corpus.iter().filter(|d| d.annotated).take(40) {
        let lines = d.tagger_lines();
        let scores = tagger.scores_dialogue(&lines, &vocab);
        let idx: Vec<usize> = (n..n + d.lines.iter().filter(|l| l.labels.is_some()).count()).collect();
        let mine = model.predict(&ds, &idx);
        let labelled: Vec<usize> = (0..d.lines.len()).filter(|&i| d.lines[i].labels.is_some()).collect();
        for (j, &li) in labelled.iter().enumerate() {
            for k in 0..10 {
                worst = worst.max((scores[li][k] - mine[j][k]).abs());
            }
        }
        n += labelled.len();
    }
    eprintln!("weights file reads back: largest score difference on 40 dialogues {worst:.4} (rounding)");
    if worst > 0.02 {
        return Err(format!("the weights file does not reproduce the model (difference {worst})"));
    }
    std::fs::write(&a.out, &text).map_err(|e| format!("{}: {e}", a.out.display()))?;
    eprintln!("wrote {} ({} bytes, {} features)", a.out.display(), text.len(), tagger.features());
    Ok(())
}

fn cv_cmd(a: &CvArgs) -> Result<(), String> {
    let config = a.model.config()?;
    let corpus = casino::load(&a.data)?;
    let vocab = Vocabulary::casino();
    let ds = Dataset::build(&corpus, &vocab);
    if let Some(label) = &a.errors {
        let k = LABELS.iter().position(|l| l == label).ok_or_else(|| format!("unknown label {label:?}"))?;
        print!("{}", cv::errors(&ds, &config, k));
    }
    let report = cv::run(&ds, &vocab, &config, a.repeats);
    if a.json {
        println!("{}", serde_json::to_string(&report).map_err(|e| e.to_string())?);
    } else {
        print!("{}", cv::format(&report));
    }
    Ok(())
}

const SAMPLE: [&str; 8] = [
    "Hello! How are you doing today? Excited for the camping trip?",
    "Hi! I'm great, thanks. We are going hiking with the kids this weekend 🙂",
    "What do you need most from the supplies?",
    "I really need water because my son has asthma and it will be very hot.",
    "I'm sorry to hear that, I hope he feels better.",
    "How about I give you 2 water and you give me all 3 firewood?",
    "That seems fair to me, we both get what we need.",
    "Great, deal!",
];

fn bench_cmd(a: &BenchArgs) -> Result<(), String> {
    let tagger = Tagger::bundled();
    let vocab = Vocabulary::casino();
    let dialogues: Vec<Vec<(usize, String)>> = match &a.data {
        Some(p) => {
            casino::load(p)?.into_iter().map(|d| d.lines.into_iter().map(|l| (l.speaker, l.text)).collect()).collect()
        }
        None => vec![SAMPLE.iter().enumerate().map(|(i, t)| (i % 2, t.to_string())).collect(); 200],
    };
    let lines: usize = dialogues.iter().map(Vec::len).sum();
    let mut best = f64::MAX;
    let mut best_last = f64::MAX;
    let mut check = 0usize;
    for _ in 0..a.rounds.max(1) {
        let t0 = Instant::now();
        for d in &dialogues {
            let l: Vec<Line> = d.iter().map(|(s, t)| Line { speaker: *s, text: t }).collect();
            check += tagger.tag_dialogue(&l, &vocab).iter().map(|t| t.len()).sum::<usize>();
        }
        best = best.min(t0.elapsed().as_secs_f64());
        // Live use: each line tagged as it arrives, with the dialogue so far.
        let t0 = Instant::now();
        for d in &dialogues {
            let l: Vec<Line> = d.iter().map(|(s, t)| Line { speaker: *s, text: t }).collect();
            for i in 1..=l.len() {
                check += tagger.tag_last(&l[..i], &vocab).map_or(0, |t| t.len());
            }
        }
        best_last = best_last.min(t0.elapsed().as_secs_f64());
    }
    println!(
        "{} dialogues, {lines} messages: tag_dialogue {:.1} µs/message, tag_last {:.1} µs/message (best of {} rounds; checksum {check})",
        dialogues.len(),
        best * 1e6 / lines as f64,
        best_last * 1e6 / lines as f64,
        a.rounds.max(1)
    );
    Ok(())
}

fn tag_cmd(a: &TagArgs) -> Result<(), String> {
    let tagger = Tagger::bundled();
    let vocab = Vocabulary::casino();
    let lines: Vec<Line> = a.lines.iter().enumerate().map(|(i, t)| Line { speaker: i % 2, text: t }).collect();
    let scores = tagger.scores_dialogue(&lines, &vocab);
    for (l, s) in lines.iter().zip(&scores) {
        let tags = tagger.decide(s);
        println!("{:?}  {}", tags.names(), l.text);
        if a.scores {
            let parts: Vec<String> = LABELS.iter().zip(s).map(|(n, v)| format!("{n} {v:.2}")).collect();
            println!("    {}", parts.join(", "));
        }
    }
    Ok(())
}
