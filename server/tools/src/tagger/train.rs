//! Training the tactic tagger: featurising CaSiNo's annotated lines with the tagger's own
//! feature function ([`features_of_line`]), IDF and per-group L2 normalisation, and one
//! L2-regularised, class-weighted logistic regression per label fitted by L-BFGS. Deterministic:
//! no randomness, a fixed order of every sum, labels fitted in parallel but each on its own.

use super::casino::Dialogue;
use crate::core::tactics::{features_of_line, Line, Vocabulary, GROUPS, LABELS};
use std::collections::HashMap;
use std::fmt::Write as _;

/// Hyper-parameters of a model.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Inverse regularisation strength (as in liblinear and scikit-learn).
    pub c: f64,
    /// Scale of each feature group, in [`GROUPS`] order (0 leaves a group out).
    pub scales: [f32; 4],
    /// Whether each group is IDF-weighted.
    pub idf: [bool; 4],
    /// A feature is kept when it occurs in at least this many training lines.
    pub min_df: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config { c: 1.0, scales: [1.0, 1.0, 0.5, 0.5], idf: [true, true, false, true], min_df: 2 }
    }
}

/// Every annotated line of a corpus, featurised once.
pub struct Dataset {
    /// Feature names `(group index, key)`, by feature id.
    pub names: Vec<(u8, String)>,
    /// Per line: (feature id, count), sorted by id.
    pub rows: Vec<Vec<(u32, f32)>>,
    /// Per line: the label bitset.
    pub labels: Vec<u16>,
    /// Per line: the dialogue it belongs to (index into the corpus' annotated dialogues).
    pub group: Vec<usize>,
    /// Per line: its text (for the rule baseline and error reading).
    pub texts: Vec<String>,
    /// Per line: its position in its dialogue.
    pub position: Vec<usize>,
    /// Number of annotated dialogues.
    pub dialogues: usize,
}

impl Dataset {
    /// Featurises every labelled line of the annotated dialogues (with the whole dialogue,
    /// labelled or not, as context).
    pub fn build(corpus: &[Dialogue], vocab: &Vocabulary) -> Dataset {
        let mut ids: HashMap<(u8, String), u32> = HashMap::new();
        let mut ds = Dataset {
            names: Vec::new(),
            rows: Vec::new(),
            labels: Vec::new(),
            group: Vec::new(),
            texts: Vec::new(),
            position: Vec::new(),
            dialogues: 0,
        };
        for d in corpus.iter().filter(|d| d.annotated) {
            let lines: Vec<Line> = d.tagger_lines();
            let toks: Vec<Vec<String>> = lines.iter().map(|l| vocab.tokens(l.text)).collect();
            for (i, l) in d.lines.iter().enumerate() {
                let Some(labels) = l.labels else { continue };
                let mut counts: HashMap<u32, f32> = HashMap::new();
                features_of_line(&lines, &toks, i, &mut |g, parts| {
                    let gi = GROUPS.iter().position(|x| *x == g).expect("known group") as u8;
                    let key = (gi, parts.concat());
                    let next = ids.len() as u32;
                    let id = *ids.entry(key.clone()).or_insert_with(|| {
                        ds.names.push(key);
                        next
                    });
                    *counts.entry(id).or_insert(0.0) += 1.0;
                });
                let mut row: Vec<(u32, f32)> = counts.into_iter().collect();
                row.sort_unstable_by_key(|x| x.0);
                ds.rows.push(row);
                ds.labels.push(labels.0);
                ds.group.push(ds.dialogues);
                ds.texts.push(l.text.clone());
                ds.position.push(i);
            }
            ds.dialogues += 1;
        }
        ds
    }

    /// Whether line `i` carries label `k`.
    pub fn has(&self, i: usize, k: usize) -> bool {
        self.labels[i] & (1 << k) != 0
    }
}

/// A fitted model over a dataset's feature ids.
pub struct Model {
    /// Kept features: dataset feature id → (model column).
    pub column: HashMap<u32, u32>,
    /// Per column: dataset feature id, IDF.
    pub features: Vec<(u32, f32)>,
    /// Per label: weights by column.
    pub weights: Vec<Vec<f64>>,
    /// Per label: bias.
    pub bias: [f64; 10],
    /// The configuration it was fitted with.
    pub config: Config,
}

/// A sparse row-major matrix.
struct Csr {
    ptr: Vec<usize>,
    idx: Vec<u32>,
    val: Vec<f64>,
    cols: usize,
}

impl Csr {
    fn row(&self, i: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        (self.ptr[i]..self.ptr[i + 1]).map(move |j| (self.idx[j] as usize, self.val[j]))
    }
    fn rows(&self) -> usize {
        self.ptr.len() - 1
    }
}

impl Model {
    /// The feature vectors of dataset lines under this model (IDF, group L2 norm, group scale).
    fn matrix(&self, ds: &Dataset, lines: &[usize]) -> Csr {
        let cfg = &self.config;
        let mut m = Csr { ptr: vec![0], idx: Vec::new(), val: Vec::new(), cols: self.features.len() };
        let mut tmp: Vec<(u32, f64, u8)> = Vec::new();
        for &i in lines {
            tmp.clear();
            let mut norms = [0.0f64; 4];
            for &(f, tf) in &ds.rows[i] {
                let Some(&col) = self.column.get(&f) else { continue };
                let g = ds.names[f as usize].0;
                if cfg.scales[g as usize] == 0.0 {
                    continue;
                }
                let idf = if cfg.idf[g as usize] { self.features[col as usize].1 } else { 1.0 };
                // The same f32 arithmetic as the tagger, widened afterwards.
                let v = ((1.0 + tf.ln()) * idf) as f64;
                norms[g as usize] += v * v;
                tmp.push((col, v, g));
            }
            tmp.sort_unstable_by_key(|x| x.0);
            for &(col, v, g) in &tmp {
                m.idx.push(col);
                m.val.push(v / norms[g as usize].sqrt() * cfg.scales[g as usize] as f64);
            }
            m.ptr.push(m.idx.len());
        }
        m
    }

    /// Fits one model on the given dataset lines.
    pub fn fit(ds: &Dataset, lines: &[usize], config: &Config) -> Model {
        let n = lines.len();
        let mut df: HashMap<u32, usize> = HashMap::new();
        for &i in lines {
            for &(f, _) in &ds.rows[i] {
                *df.entry(f).or_insert(0) += 1;
            }
        }
        let mut kept: Vec<(u32, usize)> = df.into_iter().filter(|&(_, d)| d >= config.min_df).collect();
        kept.sort_unstable();
        let features: Vec<(u32, f32)> =
            kept.iter().map(|&(f, d)| (f, (((1 + n) as f64 / (1 + d) as f64).ln() + 1.0) as f32)).collect();
        let column = features.iter().enumerate().map(|(c, &(f, _))| (f, c as u32)).collect();
        let mut model = Model { column, features, weights: Vec::new(), bias: [0.0; 10], config: config.clone() };
        let x = model.matrix(ds, lines);
        let targets: Vec<Vec<bool>> = (0..10).map(|k| lines.iter().map(|&i| ds.has(i, k)).collect()).collect();
        let fitted = parallel_map(10, |k| logistic_lbfgs(&x, &targets[k], config.c));
        for (k, (w, b)) in fitted.into_iter().enumerate() {
            model.weights.push(w);
            model.bias[k] = b;
        }
        model
    }

    /// Probabilities of every label for the given dataset lines.
    pub fn predict(&self, ds: &Dataset, lines: &[usize]) -> Vec<[f32; 10]> {
        let x = self.matrix(ds, lines);
        (0..x.rows())
            .map(|r| {
                let mut p = [0.0f32; 10];
                for (k, pk) in p.iter_mut().enumerate() {
                    let z = self.bias[k] + x.row(r).map(|(c, v)| v * self.weights[k][c]).sum::<f64>();
                    *pk = (1.0 / (1.0 + (-z).exp())) as f32;
                }
                p
            })
            .collect()
    }

    /// The weights file (see [`crate::core::tactics::Tagger::parse`]), weights in thousandths, with the given header lines and thresholds.
    pub fn write(&self, ds: &Dataset, header: &[String], thresholds: &[f32; 10]) -> String {
        let mut out = String::new();
        for h in header {
            let _ = writeln!(out, "# {h}");
        }
        let _ = writeln!(out, "version\t1");
        for (g, &byte) in GROUPS.iter().enumerate() {
            if self.config.scales[g] != 0.0 {
                let kind = if self.config.idf[g] { "idf" } else { "raw" };
                let _ = writeln!(out, "group\t{}\t{}\t{kind}", byte as char, self.config.scales[g]);
            }
        }
        let row = |v: &mut dyn Iterator<Item = String>| v.collect::<Vec<_>>().join("\t");
        let _ = writeln!(out, "bias\t{}", row(&mut self.bias.iter().map(|b| format!("{b:.4}"))));
        let _ = writeln!(out, "threshold\t{}", row(&mut thresholds.iter().map(|t| format!("{t:.3}"))));
        // Features in a stable order: group, then key.
        let mut order: Vec<usize> = (0..self.features.len()).collect();
        order.sort_by(|&a, &b| ds.names[self.features[a].0 as usize].cmp(&ds.names[self.features[b].0 as usize]));
        for c in order {
            let (f, idf) = self.features[c];
            let (g, key) = &ds.names[f as usize];
            if self.config.scales[*g as usize] == 0.0 {
                continue;
            }
            let ws: Vec<i64> = (0..10).map(|k| (self.weights[k][c] * 1000.0).round() as i64).collect();
            let ws = if ws.iter().all(|&w| w == 0) {
                String::new()
            } else {
                ws.iter().map(|w| w.to_string()).collect::<Vec<_>>().join(" ")
            };
            let _ = writeln!(out, "f\t{}\t{key}\t{}\t{}", GROUPS[*g as usize] as char, trim_float(idf as f64, 4), ws);
        }
        out
    }
}

/// A number with at most `decimals` decimals and no trailing zeros.
fn trim_float(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// Runs `f(0..n)` on the machine's cores; results in index order.
pub fn parallel_map<T: Send, F: Fn(usize) -> T + Sync>(n: usize, f: F) -> Vec<T> {
    let workers = std::thread::available_parallelism().map(|p| p.get()).unwrap_or(1).min(n.max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<Option<T>>> = std::sync::Mutex::new((0..n).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let r = f(i);
                results.lock().expect("no panics while holding the lock")[i] = Some(r);
            });
        }
    });
    results.into_inner().expect("lock").into_iter().map(|r| r.expect("every index ran")).collect()
}

/// Class-weighted ("balanced": each class weighs n / (2 · its count)) L2-regularised logistic
/// regression, minimising `C · Σ sᵢ · logloss(zᵢ) + ½‖w‖²` (bias not penalised) by L-BFGS.
fn logistic_lbfgs(x: &Csr, y: &[bool], c: f64) -> (Vec<f64>, f64) {
    let n = y.len();
    let pos = y.iter().filter(|&&t| t).count();
    let d = x.cols + 1;
    if pos == 0 || pos == n {
        return (vec![0.0; x.cols], if pos == 0 { -10.0 } else { 10.0 });
    }
    let (wp, wn) = (n as f64 / (2.0 * pos as f64), n as f64 / (2.0 * (n - pos) as f64));
    let eval = |theta: &[f64], grad: &mut [f64]| -> f64 {
        let (w, b) = theta.split_at(x.cols);
        grad.iter_mut().for_each(|g| *g = 0.0);
        let mut f = 0.0;
        for (i, &yi) in y.iter().enumerate() {
            let z = b[0] + x.row(i).map(|(c, v)| v * w[c]).sum::<f64>();
            let (s, t) = if yi { (wp, 1.0) } else { (wn, 0.0) };
            // logloss = softplus(z) − t·z, computed stably.
            let sp = if z > 0.0 { z + (-z).exp().ln_1p() } else { z.exp().ln_1p() };
            f += c * s * (sp - t * z);
            let r = c * s * (1.0 / (1.0 + (-z).exp()) - t);
            for (col, v) in x.row(i) {
                grad[col] += r * v;
            }
            grad[x.cols] += r;
        }
        for j in 0..x.cols {
            f += 0.5 * w[j] * w[j];
            grad[j] += w[j];
        }
        f
    };
    let mut theta = vec![0.0; d];
    let mut g = vec![0.0; d];
    let mut fx = eval(&theta, &mut g);
    let m = 10;
    let mut s_hist: Vec<Vec<f64>> = Vec::new();
    let mut y_hist: Vec<Vec<f64>> = Vec::new();
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let mut new_g = vec![0.0; d];
    for _iter in 0..2000 {
        let gmax = g.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        if gmax < 1e-5 {
            break;
        }
        // Two-loop recursion.
        let mut q = g.clone();
        let k = s_hist.len();
        let mut alpha = vec![0.0; k];
        for i in (0..k).rev() {
            let rho = 1.0 / dot(&y_hist[i], &s_hist[i]);
            alpha[i] = rho * dot(&s_hist[i], &q);
            for j in 0..d {
                q[j] -= alpha[i] * y_hist[i][j];
            }
        }
        let gamma = if k > 0 {
            dot(&s_hist[k - 1], &y_hist[k - 1]) / dot(&y_hist[k - 1], &y_hist[k - 1])
        } else {
            1.0 / gmax.max(1.0)
        };
        q.iter_mut().for_each(|v| *v *= gamma);
        for i in 0..k {
            let rho = 1.0 / dot(&y_hist[i], &s_hist[i]);
            let beta = rho * dot(&y_hist[i], &q);
            for j in 0..d {
                q[j] += s_hist[i][j] * (alpha[i] - beta);
            }
        }
        // Direction p = −q; backtracking line search (Armijo).
        let gd = -dot(&g, &q);
        if gd >= 0.0 {
            s_hist.clear();
            y_hist.clear();
            continue;
        }
        let mut step = 1.0;
        let mut next = vec![0.0; d];
        let mut fnew;
        loop {
            for j in 0..d {
                next[j] = theta[j] - step * q[j];
            }
            fnew = eval(&next, &mut new_g);
            if fnew <= fx + 1e-4 * step * gd || step < 1e-12 {
                break;
            }
            step *= 0.5;
        }
        let s: Vec<f64> = (0..d).map(|j| next[j] - theta[j]).collect();
        let yv: Vec<f64> = (0..d).map(|j| new_g[j] - g[j]).collect();
        let improvement = fx - fnew;
        theta = next;
        std::mem::swap(&mut g, &mut new_g);
        fx = fnew;
        if dot(&s, &yv) > 1e-12 {
            if s_hist.len() == m {
                s_hist.remove(0);
                y_hist.remove(0);
            }
            s_hist.push(s);
            y_hist.push(yv);
        }
        if improvement.abs() <= 1e-12 * fx.abs().max(1.0) {
            break;
        }
    }
    let b = theta[x.cols];
    theta.truncate(x.cols);
    (theta, b)
}

/// The threshold in 0.05..=0.95 (steps of 0.01) with the best F1 of `scores` against `truth`
/// (the lowest such threshold on ties).
pub fn best_threshold(scores: &[f32], truth: &[bool]) -> f32 {
    let mut best = (f64::MIN, 0.5f32);
    for t in 5..=95 {
        let th = t as f32 / 100.0;
        let f = prf(scores.iter().zip(truth).map(|(s, &y)| (*s >= th, y))).2;
        if f > best.0 + 1e-12 {
            best = (f, th);
        }
    }
    best.1
}

/// Precision, recall and F1 of (predicted, true) pairs.
pub fn prf(pairs: impl Iterator<Item = (bool, bool)>) -> (f64, f64, f64) {
    let (mut tp, mut fp, mut fneg) = (0usize, 0usize, 0usize);
    for (p, t) in pairs {
        match (p, t) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fneg += 1,
            _ => {}
        }
    }
    let p = if tp + fp > 0 { tp as f64 / (tp + fp) as f64 } else { 0.0 };
    let r = if tp + fneg > 0 { tp as f64 / (tp + fneg) as f64 } else { 0.0 };
    let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
    (p, r, f)
}

/// The label names, for messages.
pub fn label(k: usize) -> &'static str {
    LABELS[k]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lbfgs_separates_a_toy_problem() {
        // Feature 0 marks positives, feature 1 negatives.
        let x = Csr { ptr: vec![0, 1, 2, 3, 4], idx: vec![0, 1, 0, 1], val: vec![1.0; 4], cols: 2 };
        let (w, b) = logistic_lbfgs(&x, &[true, false, true, false], 10.0);
        assert!(w[0] > 1.0 && w[1] < -1.0, "{w:?} {b}");
        assert_eq!(trim_float(-0.00001, 4), "0");
        assert_eq!(trim_float(1.5, 4), "1.5");
        assert_eq!(best_threshold(&[0.1, 0.9, 0.6], &[false, true, true]), 0.11);
    }
}
