//! Grouped cross-validation of the tagger: every dialogue's lines stay in one fold, so a model is
//! never scored on a dialogue it saw. Per-label thresholds are chosen without the scored fold's
//! labels: for fold `f`, on the out-of-fold scores of the other four folds. The old phrase rules
//! are scored on the same lines beside it.

use super::train::{best_threshold, prf, Config, Dataset, Model};
use crate::core::tactics::{Vocabulary, LABELS, STRATEGIES};
use crate::core::trust::Phrases;
use serde::Serialize;

/// The number of folds.
pub const FOLDS: usize = 5;

/// splitmix64: a tiny, stable generator, so fold assignment never changes with a crate version.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The fold of each dialogue: a seeded shuffle, then dealt round-robin.
pub fn dialogue_folds(dialogues: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..dialogues).collect();
    let mut st = seed;
    for i in (1..order.len()).rev() {
        let j = (splitmix(&mut st) % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    let mut fold = vec![0; dialogues];
    for (pos, &d) in order.iter().enumerate() {
        fold[d] = pos % FOLDS;
    }
    fold
}

/// Out-of-fold scores of every line, and each line's fold.
pub struct Oof {
    /// Per line: the scores of the model that did not see its dialogue.
    pub scores: Vec<[f32; 10]>,
    /// Per line: its fold.
    pub fold: Vec<usize>,
}

/// Fits one model per fold and scores the held-out fold.
pub fn out_of_fold(ds: &Dataset, config: &Config, seed: u64) -> Oof {
    let dfold = dialogue_folds(ds.dialogues, seed);
    let fold: Vec<usize> = ds.group.iter().map(|&g| dfold[g]).collect();
    let mut scores = vec![[0.0f32; 10]; ds.rows.len()];
    for f in 0..FOLDS {
        let train: Vec<usize> = (0..ds.rows.len()).filter(|&i| fold[i] != f).collect();
        let test: Vec<usize> = (0..ds.rows.len()).filter(|&i| fold[i] == f).collect();
        let m = Model::fit(ds, &train, config);
        for (i, p) in test.iter().zip(m.predict(ds, &test)) {
            scores[*i] = p;
        }
    }
    Oof { scores, fold }
}

/// Thresholds chosen on all out-of-fold scores (what the shipped model uses).
pub fn thresholds(ds: &Dataset, oof: &Oof) -> [f32; 10] {
    let mut t = [0.5f32; 10];
    for (k, tk) in t.iter_mut().enumerate() {
        let s: Vec<f32> = oof.scores.iter().map(|p| p[k]).collect();
        let y: Vec<bool> = (0..ds.rows.len()).map(|i| ds.has(i, k)).collect();
        *tk = best_threshold(&s, &y);
    }
    t
}

/// Per-line decisions where fold `f`'s thresholds come from the other folds' out-of-fold scores.
pub fn nested_decisions(ds: &Dataset, oof: &Oof) -> Vec<u16> {
    let mut dec = vec![0u16; ds.rows.len()];
    for f in 0..FOLDS {
        for k in 0..10 {
            let others: Vec<usize> = (0..ds.rows.len()).filter(|&i| oof.fold[i] != f).collect();
            let s: Vec<f32> = others.iter().map(|&i| oof.scores[i][k]).collect();
            let y: Vec<bool> = others.iter().map(|&i| ds.has(i, k)).collect();
            let th = best_threshold(&s, &y);
            for i in (0..ds.rows.len()).filter(|&i| oof.fold[i] == f) {
                if k < STRATEGIES && oof.scores[i][k] >= th {
                    dec[i] |= 1 << k;
                }
            }
        }
    }
    // Non-strategic is what is left: a line with no strategy.
    for d in dec.iter_mut() {
        if *d == 0 {
            *d = 1 << 9;
        }
    }
    dec
}

/// Precision, recall and F1 of one label.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Prf {
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
}

/// One label's row of the report.
#[derive(Debug, Clone, Serialize)]
pub struct LabelRow {
    /// Label name.
    pub label: &'static str,
    /// Annotated lines with the label.
    pub support: usize,
    /// The model (mean over repeats).
    pub model: Prf,
    /// The old phrase rule, where one maps to the label.
    pub rules: Option<Prf>,
    /// Which old rule.
    pub rule: Option<&'static str>,
    /// The threshold the shipped model uses (chosen on all out-of-fold scores of the first repeat).
    pub threshold: f32,
}

/// The cross-validation report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Annotated dialogues.
    pub dialogues: usize,
    /// Annotated lines.
    pub lines: usize,
    /// Folds (grouped by dialogue).
    pub folds: usize,
    /// Repeats (different fold assignments), averaged.
    pub repeats: usize,
    /// Per label.
    pub labels: Vec<LabelRow>,
    /// Macro F1 over the nine strategy labels.
    pub macro_f1: f64,
    /// Macro F1 per repeat.
    pub macro_f1_by_repeat: Vec<f64>,
    /// Thresholds for the shipped model.
    pub thresholds: [f32; 10],
}

fn to_prf((precision, recall, f1): (f64, f64, f64)) -> Prf {
    Prf { precision, recall, f1 }
}

/// The old rules of `server/core/src/trust.rs` as they map to the labels: elicit-pref ≈ "contains
/// ?"; showing-empathy ≈ an acknowledgment phrase; small-talk ≈ "sent in the small-talk phase",
/// which CaSiNo does not have: its proxy is the lines before the first one that names an issue or
/// a number.
pub fn old_rules(ds: &Dataset, vocab: &Vocabulary) -> Vec<u16> {
    let phrases = Phrases::bundled();
    let mut out = Vec::with_capacity(ds.rows.len());
    let mut phase_open = true;
    let mut last_group = usize::MAX;
    for i in 0..ds.rows.len() {
        if ds.group[i] != last_group {
            last_group = ds.group[i];
            phase_open = true;
        }
        let text = &ds.texts[i];
        let toks = vocab.tokens(text);
        if toks.iter().any(|t| t == "xissue" || t == "xnum") {
            phase_open = false;
        }
        let mut d = 0u16;
        if phase_open {
            d |= 1 << 0;
        }
        if text.contains('?') {
            d |= 1 << 3;
        }
        let lower = text.to_lowercase();
        if phrases.acknowledgment.iter().any(|p| !p.is_empty() && lower.contains(p.as_str())) {
            d |= 1 << 1;
        }
        out.push(d);
    }
    out
}

const RULE_NAMES: [Option<&str>; 10] = [
    Some("sent before the first line naming an issue or a number (proxy for the small-talk phase)"),
    Some("contains an acknowledgment phrase (server/data/phrases.toml)"),
    None,
    Some("contains \"?\""),
    None,
    None,
    None,
    None,
    None,
    None,
];

/// The lines the out-of-fold model gets wrong on label `k` (missed, then wrongly tagged), each
/// with the line before it and the line's score: for error analysis, not for reports.
pub fn errors(ds: &Dataset, config: &Config, k: usize) -> String {
    let oof = out_of_fold(ds, config, 1);
    let dec = nested_decisions(ds, &oof);
    let mut out = String::new();
    for (title, want) in [("missed", true), ("wrongly tagged", false)] {
        out.push_str(&format!("== {} {title}\n", LABELS[k]));
        for i in (0..ds.rows.len()).filter(|&i| ds.has(i, k) == want && (dec[i] & (1 << k) != 0) != want) {
            let before = if ds.position[i] > 0 && i > 0 { ds.texts[i - 1].as_str() } else { "" };
            out.push_str(&format!("{:.2}\t{}\t<- {}\n", oof.scores[i][k], ds.texts[i], before));
        }
    }
    out
}

/// Runs the cross-validation `repeats` times (seeds 1..=repeats) and reports the mean.
pub fn run(ds: &Dataset, vocab: &Vocabulary, config: &Config, repeats: usize) -> Report {
    let repeats = repeats.max(1);
    let runs: Vec<(Vec<u16>, Option<[f32; 10]>)> = (0..repeats)
        .map(|r| {
            let oof = out_of_fold(ds, config, r as u64 + 1);
            let dec = nested_decisions(ds, &oof);
            (dec, (r == 0).then(|| thresholds(ds, &oof)))
        })
        .collect();
    let th = runs[0].1.expect("first repeat has thresholds");
    let rules = old_rules(ds, vocab);
    let mut labels = Vec::new();
    let mut by_repeat = vec![0.0; repeats];
    for k in 0..10 {
        let truth: Vec<bool> = (0..ds.rows.len()).map(|i| ds.has(i, k)).collect();
        let mut acc = (0.0, 0.0, 0.0);
        for (r, (dec, _)) in runs.iter().enumerate() {
            let p = prf(dec.iter().zip(&truth).map(|(d, &t)| (d & (1 << k) != 0, t)));
            acc = (acc.0 + p.0, acc.1 + p.1, acc.2 + p.2);
            if k < STRATEGIES {
                by_repeat[r] += p.2 / STRATEGIES as f64;
            }
        }
        let n = repeats as f64;
        let model = to_prf((acc.0 / n, acc.1 / n, acc.2 / n));
        let rule = RULE_NAMES[k].map(|name| {
            let p = prf(rules.iter().zip(&truth).map(|(r, &t)| (r & (1 << k) != 0, t)));
            (to_prf(p), name)
        });
        labels.push(LabelRow {
            label: LABELS[k],
            support: truth.iter().filter(|&&t| t).count(),
            model,
            rules: rule.map(|r| r.0),
            rule: rule.map(|r| r.1),
            threshold: th[k],
        });
    }
    let macro_f1 = by_repeat.iter().sum::<f64>() / repeats as f64;
    Report {
        dialogues: ds.dialogues,
        lines: ds.rows.len(),
        folds: FOLDS,
        repeats,
        labels,
        macro_f1,
        macro_f1_by_repeat: by_repeat,
        thresholds: th,
    }
}

/// The report as a text table.
pub fn format(r: &Report) -> String {
    let mut s = format!(
        "Grouped {}-fold cross-validation by dialogue ({} dialogues, {} lines, {} repeat{}); thresholds per fold chosen on the other folds\n",
        r.folds,
        r.dialogues,
        r.lines,
        r.repeats,
        if r.repeats == 1 { "" } else { "s" }
    );
    s.push_str(&format!(
        "{:<22} {:>7}  {:>5} {:>5} {:>5}  {:>5}   {:>5} {:>5} {:>5}\n",
        "label", "support", "P", "R", "F1", "thr", "rule P", "R", "F1"
    ));
    for l in &r.labels {
        let rules = match l.rules {
            Some(p) => format!("{:>6.2} {:>5.2} {:>5.2}", p.precision, p.recall, p.f1),
            None => format!("{:>6} {:>5} {:>5}", "n/a", "", ""),
        };
        s.push_str(&format!(
            "{:<22} {:>7}  {:>5.2} {:>5.2} {:>5.2}  {:>5.2}   {}\n",
            l.label, l.support, l.model.precision, l.model.recall, l.model.f1, l.threshold, rules
        ));
    }
    s.push_str(&format!("macro F1 over the nine strategy labels: {:.3}", r.macro_f1));
    if r.repeats > 1 {
        let v: Vec<String> = r.macro_f1_by_repeat.iter().map(|m| format!("{m:.3}")).collect();
        s.push_str(&format!(" (repeats: {})", v.join(", ")));
    }
    s.push('\n');
    for l in r.labels.iter().filter(|l| l.rule.is_some()) {
        s.push_str(&format!("  old rule for {}: {}\n", l.label, l.rule.unwrap_or_default()));
    }
    s
}
