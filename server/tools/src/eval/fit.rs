//! `parley eval fit-trust`: fits the behavioural trust model (`core::trust_model`) on a CaSiNo
//! split and writes `server/data/trust_model.toml`.
//!
//! Each dialogue is replayed through the pure match state machine (the same events the server
//! would store), read by the same analysis the server runs (`core::trust`: the bundled tactic
//! tagger, replies, pressure, concessions, the outcome), and each participant's features are
//! paired with how much their partner said they liked them (1–5). The model is a ridge
//! regression on standardised features, its penalty chosen by cross-validation inside the
//! training folds; it is fitted on the dialogues the tagger was not trained on (their tags are
//! what the tagger gives on new text) and scored by grouped 5-fold cross-validation there.

use super::casino::{self, Dialogue, Move, AGENTS};
use crate::core::game::{Action, Event, EventKind, Match, MatchConfig, Phase};
use crate::core::scenario::{PhaseDurations, Scenario};
use crate::core::tactics::{Line, Tactic, Tagger, Vocabulary};
use crate::core::trust::{analyse_log, Phrases};
use crate::core::trust_model::{Linear, Reference, TrustModel, BEHAVIOUR_FEATURES, OUTCOME_FEATURES};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Options of `parley eval fit-trust`.
#[derive(clap::Args, Debug, Clone)]
pub struct FitArgs {
    /// A CaSiNo split (the training split).
    #[arg(long)]
    pub data: PathBuf,
    /// Where to write the model (omit to only report the cross-validation).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Date written into the model's provenance header (keeps the output reproducible).
    #[arg(long, default_value = "")]
    pub date: String,
}

/// One participant: features, and their partner's liking of them.
#[derive(Debug, Clone)]
pub struct Sample {
    /// The dialogue (cross-validation groups by it).
    pub dialogue: u64,
    /// Whether the dialogue carries strategy annotations (the tagger was trained on those).
    pub annotated: bool,
    /// Behaviour features, in [`BEHAVIOUR_FEATURES`] order.
    pub behaviour: Vec<f64>,
    /// Outcome features, in [`OUTCOME_FEATURES`] order.
    pub outcome: Vec<f64>,
    /// The partner's liking of this participant, 1–5.
    pub liking: f64,
    /// Lines with each tactic.
    pub tactics: [usize; 10],
    /// The dialogue ended in a deal on the Pareto frontier.
    pub frontier: bool,
}

/// Replays a dialogue through the pure match: its config and stored events. Leading lines the
/// tagger reads as small talk are the small-talk phase; the rest is bargaining.
pub fn replay(d: &Dialogue, scenarios: &BTreeMap<String, Arc<Scenario>>) -> Option<(MatchConfig, Vec<Event>)> {
    let scenario = scenarios.get(&d.scenario_id())?.clone();
    let config = MatchConfig {
        scenario: scenario.clone(),
        durations: PhaseDurations { prep: 0, small_talk: 600, bargaining: 3600, survey: 600 },
        small_talk: true,
        icebreaker: None,
        features: Default::default(),
    };
    let moves = d.moves();
    let chat: Vec<Line> = moves
        .iter()
        .filter_map(|(seat, m)| match m {
            Move::Chat(t) => Some(Line { speaker: *seat, text: t.as_str() }),
            _ => None,
        })
        .collect();
    let tags = Tagger::bundled().tag_dialogue(&chat, &Vocabulary::of(&scenario));
    let leading_chats = tags.iter().take_while(|t| t.has(Tactic::SmallTalk)).count();
    let mut m = Match::new(config.clone());
    let mut events = Vec::new();
    let mut at = 0;
    let mut apply = |m: &mut Match, kinds: Vec<EventKind>, events: &mut Vec<Event>| {
        at += 1000;
        for kind in kinds {
            let e = Event { at, kind };
            m.apply(&e);
            events.push(e);
        }
    };
    let start = m.start();
    apply(&mut m, start, &mut events);
    let mut chats_seen = 0;
    for (seat, mv) in &moves {
        let (seat, other) = (*seat, 1 - *seat);
        let is_chat = matches!(mv, Move::Chat(_));
        if m.phase == Phase::SmallTalk && !(is_chat && chats_seen < leading_chats) {
            for s in 0..2 {
                if let Ok(evs) = m.decide(s, &Action::Ready) {
                    apply(&mut m, evs, &mut events);
                }
            }
        }
        let action = match mv {
            Move::Chat(t) => {
                chats_seen += 1;
                Action::Chat(t.chars().take(crate::core::game::MAX_CHAT_CHARS).collect())
            }
            Move::Submit(p) => Action::Offer(p.iter().map(|&x| x as usize).collect()),
            Move::Accept | Move::Reject => {
                let Some(id) = m.standing_offer(other).map(|o| o.id) else { continue };
                if *mv == Move::Accept {
                    Action::Accept(id)
                } else {
                    Action::Reject(id)
                }
            }
            Move::WalkAway => Action::WalkAway,
        };
        if let Ok(evs) = m.decide(seat, &action) {
            apply(&mut m, evs, &mut events);
        }
    }
    for s in 0..2 {
        if let Ok(evs) = m.decide(s, &Action::SkipSurvey) {
            apply(&mut m, evs, &mut events);
        }
    }
    Some((config, events))
}

/// Every participant of every dialogue that replays to an outcome.
pub fn samples(dialogues: &[Dialogue], phrases: &Phrases) -> Vec<Sample> {
    let scenarios: BTreeMap<String, Arc<Scenario>> = casino::all_values()
        .into_iter()
        .filter_map(|v| Scenario::from_toml("casino.toml", &casino::scenario_toml(v)).ok())
        .map(|s| (s.id.clone(), Arc::new(s)))
        .collect();
    let mut out = Vec::new();
    for d in dialogues {
        let Some((config, events)) = replay(d, &scenarios) else { continue };
        let state = Match::replay(config.clone(), &events);
        let frontier = state
            .deal()
            .is_some_and(|pkg| crate::core::scoring::analyse_outcome(&config.scenario, Some(pkg)).pareto_optimal);
        let report = analyse_log(config, &events, phrases);
        for (seat, p) in report.players.iter().enumerate() {
            let (Some(o), Some(liking)) = (
                p.outcome,
                d.participant_info.get(AGENTS[1 - seat]).and_then(|x| casino::scale(&x.outcomes.opponent_likeness)),
            ) else {
                continue;
            };
            let bf = p.behaviour.features();
            let of = o.features();
            out.push(Sample {
                dialogue: d.dialogue_id,
                annotated: !d.annotations.is_empty(),
                behaviour: BEHAVIOUR_FEATURES.iter().map(|k| bf[k]).collect(),
                outcome: OUTCOME_FEATURES.iter().map(|k| of[k]).collect(),
                liking,
                tactics: p.behaviour.tactics,
                frontier,
            });
        }
    }
    out
}

/// Solves `a x = b` (a square, symmetric positive definite here) by Gaussian elimination with
/// partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for c in 0..n {
        let p = (c..n).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs())).unwrap_or(c);
        a.swap(c, p);
        b.swap(c, p);
        let d = a[c][c];
        if d.abs() < 1e-12 {
            continue;
        }
        for r in c + 1..n {
            let f = a[r][c] / d;
            let pivot = a[c].clone();
            for (x, p) in a[r].iter_mut().zip(pivot).skip(c) {
                *x -= f * p;
            }
            b[r] -= f * b[c];
        }
    }
    let mut x = vec![0.0; n];
    for c in (0..n).rev() {
        let s: f64 = (c + 1..n).map(|k| a[c][k] * x[k]).sum();
        x[c] = if a[c][c].abs() < 1e-12 { 0.0 } else { (b[c] - s) / a[c][c] };
    }
    x
}

/// Ridge regression on standardised features (the intercept is not penalised); the result is
/// in raw feature units.
pub fn ridge(xs: &[Vec<f64>], ys: &[f64], lambda: f64) -> (f64, Vec<f64>) {
    let n = xs.len().max(1) as f64;
    let k = xs.first().map(|x| x.len()).unwrap_or(0);
    let mean: Vec<f64> = (0..k).map(|j| xs.iter().map(|x| x[j]).sum::<f64>() / n).collect();
    let sd: Vec<f64> = (0..k)
        .map(|j| (xs.iter().map(|x| (x[j] - mean[j]).powi(2)).sum::<f64>() / n).sqrt())
        .map(|s| if s > 1e-12 { s } else { 1.0 })
        .collect();
    let ym = ys.iter().sum::<f64>() / n;
    let z: Vec<Vec<f64>> = xs.iter().map(|x| (0..k).map(|j| (x[j] - mean[j]) / sd[j]).collect()).collect();
    let mut a = vec![vec![0.0; k]; k];
    let mut b = vec![0.0; k];
    for (zi, y) in z.iter().zip(ys) {
        for r in 0..k {
            b[r] += zi[r] * (y - ym);
            for c in 0..k {
                a[r][c] += zi[r] * zi[c];
            }
        }
    }
    for (r, row) in a.iter_mut().enumerate() {
        row[r] += lambda;
    }
    let beta = solve(a, b);
    let w: Vec<f64> = (0..k).map(|j| beta[j] / sd[j]).collect();
    let intercept = ym - (0..k).map(|j| w[j] * mean[j]).sum::<f64>();
    (intercept, w)
}

/// The penalties tried, smallest first.
pub const LAMBDAS: [f64; 7] = [0.1, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0];

/// The cross-validation fold of a dialogue (deterministic).
fn fold(dialogue: u64, k: u64) -> u64 {
    (dialogue.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) % k
}

fn features(s: &Sample, with_outcome: bool) -> Vec<f64> {
    let mut f = s.behaviour.clone();
    if with_outcome {
        f.extend(&s.outcome);
    }
    f
}

fn predict(intercept: f64, w: &[f64], x: &[f64]) -> f64 {
    intercept + w.iter().zip(x).map(|(a, b)| a * b).sum::<f64>()
}

/// Chooses the penalty by cross-validation (grouped by dialogue) within `train`.
fn choose_lambda(train: &[&Sample], with_outcome: bool) -> f64 {
    let mut best = (f64::NEG_INFINITY, LAMBDAS[0]);
    for &l in &LAMBDAS {
        let (mut p, mut y) = (vec![], vec![]);
        for f in 0..4 {
            let (tr, te): (Vec<&&Sample>, Vec<&&Sample>) =
                train.iter().partition(|s| fold(s.dialogue ^ 0xABCD, 4) != f);
            let xs: Vec<Vec<f64>> = tr.iter().map(|s| features(s, with_outcome)).collect();
            let ys: Vec<f64> = tr.iter().map(|s| s.liking).collect();
            let (b, w) = ridge(&xs, &ys, l);
            for s in te {
                p.push(predict(b, &w, &features(s, with_outcome)));
                y.push(s.liking);
            }
        }
        let r = super::pearson(&p, &y).unwrap_or(f64::NEG_INFINITY);
        if r > best.0 {
            best = (r, l);
        }
    }
    best.1
}

/// Grouped 5-fold cross-validated predictions (penalty chosen inside each training part).
pub fn cross_validate(samples: &[&Sample], with_outcome: bool) -> (Vec<f64>, Vec<f64>) {
    let (mut p, mut y) = (vec![], vec![]);
    for f in 0..5 {
        let (train, test): (Vec<&Sample>, Vec<&Sample>) = samples.iter().partition(|s| fold(s.dialogue, 5) != f);
        let l = choose_lambda(&train, with_outcome);
        let xs: Vec<Vec<f64>> = train.iter().map(|s| features(s, with_outcome)).collect();
        let ys: Vec<f64> = train.iter().map(|s| s.liking).collect();
        let (b, w) = ridge(&xs, &ys, l);
        for s in test {
            p.push(predict(b, &w, &features(s, with_outcome)));
            y.push(s.liking);
        }
    }
    (p, y)
}

fn linear(intercept: f64, w: &[f64], names: &[&str]) -> Linear {
    Linear {
        intercept: (intercept * 1e4).round() / 1e4,
        weights: names.iter().zip(w).map(|(n, v)| (n.to_string(), (v * 1e4).round() / 1e4)).collect(),
    }
}

/// Runs `parley eval fit-trust`.
pub fn run(args: &FitArgs) -> ExitCode {
    let dialogues = match casino::read(&args.data) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let all = samples(&dialogues, &Phrases::bundled());
    let fit_on: Vec<&Sample> = all.iter().filter(|s| !s.annotated).collect();
    let held: Vec<&Sample> = all.iter().filter(|s| s.annotated).collect();
    let mut lines = Vec::new();
    let mut report = |name: &str, set: &[&Sample], with_outcome: bool| -> Option<f64> {
        let (p, y) = cross_validate(set, with_outcome);
        let r = super::pearson(&p, &y);
        let ci = r.and_then(|r| super::fisher_ci(r, p.len()));
        let line = format!(
            "{name}: r = {} (95 % CI {}), n = {}",
            r.map(|x| format!("{x:.3}")).unwrap_or_else(|| "n/a".into()),
            ci.map(|(a, b)| format!("{a:.3} to {b:.3}")).unwrap_or_else(|| "n/a".into()),
            p.len()
        );
        println!("{line}");
        lines.push(line);
        r
    };
    println!("grouped 5-fold cross-validation on the {} participants of dialogues without annotations:", fit_on.len());
    report("full model (behaviour + outcome), r with partner liking", &fit_on, true);
    report("behaviour-only model, r with partner liking", &fit_on, false);
    // The final models: penalty by cross-validation, then fitted on every unannotated dialogue.
    let names_full: Vec<&str> = BEHAVIOUR_FEATURES.iter().chain(OUTCOME_FEATURES).copied().collect();
    let fit = |with_outcome: bool| {
        let l = choose_lambda(&fit_on, with_outcome);
        let xs: Vec<Vec<f64>> = fit_on.iter().map(|s| features(s, with_outcome)).collect();
        let ys: Vec<f64> = fit_on.iter().map(|s| s.liking).collect();
        let (b, w) = ridge(&xs, &ys, l);
        (l, b, w)
    };
    let (lf, bf, wf) = fit(true);
    let (lb, bb, wb) = fit(false);
    // What players whose deals reached the frontier did: the reference for the results' tactic
    // profile (every dialogue of the split).
    let top: Vec<&Sample> = all.iter().filter(|s| s.frontier).collect();
    let reference = (!top.is_empty()).then(|| Reference {
        players: top.len(),
        mean: Tactic::ALL
            .iter()
            .map(|t| {
                let m = top.iter().map(|s| s.tactics[t.index()] as f64).sum::<f64>() / top.len() as f64;
                (t.name().to_string(), (m * 100.0).round() / 100.0)
            })
            .collect(),
    });
    let model =
        TrustModel { full: linear(bf, &wf, &names_full), behaviour: linear(bb, &wb, BEHAVIOUR_FEATURES), reference };
    // The annotated dialogues, never used to fit the trust model (their tags are the tagger's
    // training data, so its tags there are better than on new text).
    let score = |lin: &Linear, with_outcome: bool| {
        let names: Vec<&str> = if with_outcome { names_full.clone() } else { BEHAVIOUR_FEATURES.to_vec() };
        let p: Vec<f64> = held
            .iter()
            .map(|s| {
                let x = features(s, with_outcome);
                lin.intercept + names.iter().zip(&x).map(|(n, v)| lin.weights[*n] * v).sum::<f64>()
            })
            .collect();
        let y: Vec<f64> = held.iter().map(|s| s.liking).collect();
        super::pearson(&p, &y)
    };
    let f = |x: Option<f64>| x.map(|v| format!("{v:.3}")).unwrap_or_else(|| "n/a".into());
    let extra = format!(
        "the fitted models on the {} participants of annotated dialogues (not used to fit): full r = {}, behaviour-only r = {}",
        held.len(),
        f(score(&model.full, true)),
        f(score(&model.behaviour, false))
    );
    println!("{extra}");
    lines.push(extra);
    println!("penalty chosen: full {lf}, behaviour-only {lb}");
    if let Some(out) = &args.out {
        let mut text = String::new();
        text.push_str("# Parley's behavioural trust model (server/core/src/trust_model.rs reads it; docs/scoring.md explains it).\n");
        text.push_str("# Ridge regressions predicting the partner's liking (1-5) from one player's features.\n");
        text.push_str("# Fitted on CaSiNo (Chawla, Ramirez, Clever, Lucas, May, Gratch; NAACL 2021; CC BY 4.0): the dialogues of\n");
        text.push_str("# the training split without strategy annotations; these weights are derived from it.\n");
        text.push_str(&format!(
            "# Command: parley eval fit-trust --data casino_train.json --out {} --date {}\n",
            out.display(),
            args.date
        ));
        text.push_str(&format!("# Penalty (on standardised features, chosen by CV): full {lf}, behaviour-only {lb}\n"));
        for l in &lines {
            text.push_str(&format!("# {l}\n"));
        }
        text.push('\n');
        text.push_str(&toml::to_string(&model).expect("model serialises"));
        if let Err(e) = std::fs::write(out, text) {
            eprintln!("error: {}: {e}", out.display());
            return ExitCode::FAILURE;
        }
        println!("wrote {}", out.display());
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ridge_recovers_a_line() {
        let xs: Vec<Vec<f64>> = (0..50).map(|i| vec![i as f64, (i % 7) as f64]).collect();
        let ys: Vec<f64> = xs.iter().map(|x| 2.0 + 0.5 * x[0] - 1.5 * x[1]).collect();
        let (b, w) = ridge(&xs, &ys, 1e-9);
        assert!((b - 2.0).abs() < 1e-6 && (w[0] - 0.5).abs() < 1e-6 && (w[1] + 1.5).abs() < 1e-6, "{b} {w:?}");
        let (_, shrunk) = ridge(&xs, &ys, 1e6);
        assert!(shrunk[0].abs() < 0.5, "a large penalty shrinks the weights");
    }
}
