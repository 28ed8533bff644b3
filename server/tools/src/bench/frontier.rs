//! Times the Pareto frontier on random additive scenarios (fixed seeds, so runs are repeatable).

use crate::core::scenario::{Issue, PhaseDurations, Role, Scenario};
use crate::core::scoring::{max_joint_value, nash_package, pareto_frontier};
use clap::Args;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Instant;

/// Options of `parley bench frontier`.
#[derive(Args, Debug, Clone)]
pub struct FrontierArgs {
    /// Issues per scenario.
    #[arg(long, default_value_t = 10)]
    pub issues: usize,
    /// Options per issue.
    #[arg(long, default_value_t = 10)]
    pub options: usize,
    /// Highest points per option (points are drawn from 0..=max).
    #[arg(long, default_value_t = 100)]
    pub max_points: i64,
    /// Scenarios to time (each with its own seed).
    #[arg(long, default_value_t = 30)]
    pub runs: u64,
    /// Opposed interests: role 2's points are `max - role 1's` plus a little noise, which makes
    /// nearly every package Pareto-optimal (the hard case: large frontiers).
    #[arg(long)]
    pub opposed: bool,
}

/// A random two-role scenario with additive points.
pub fn random_scenario(seed: u64, issues: usize, options: usize, max_points: i64, opposed: bool) -> Scenario {
    let mut rng = StdRng::seed_from_u64(seed);
    let roles = (0..2)
        .map(|r| Role { id: format!("r{r}"), name: format!("Role {r}"), batna: 0, brief: "bench".into() })
        .collect();
    let issues = (0..issues)
        .map(|k| Issue {
            id: format!("i{k}"),
            name: format!("Issue {k}"),
            description: String::new(),
            options: (0..options).map(|o| format!("o{o}")).collect(),
            points: {
                let a: Vec<i64> = (0..options).map(|_| rng.random_range(0..=max_points)).collect();
                let b: Vec<i64> = if opposed {
                    a.iter().map(|x| (max_points - x + rng.random_range(0..=max_points / 10)).max(0)).collect()
                } else {
                    (0..options).map(|_| rng.random_range(0..=max_points)).collect()
                };
                vec![a, b]
            },
        })
        .collect();
    Scenario {
        id: format!("bench-{seed}"),
        title: "bench".into(),
        summary: String::new(),
        icebreakers: vec![],
        phases: PhaseDurations::default(),
        roles,
        issues,
        teaching: None,
        deal: Default::default(),
        language: "en".into(),
        translations: Default::default(),
    }
}

/// Runs the benchmark and prints a report.
pub fn run(a: &FrontierArgs) {
    let packages = (a.options as f64).powi(a.issues as i32);
    println!(
        "frontier benchmark: {} issues x {} options ({packages:.0e} packages), points 0..={}, {} scenarios{}",
        a.issues,
        a.options,
        a.max_points,
        a.runs,
        if a.opposed { ", opposed interests" } else { "" }
    );
    let mut times = Vec::new();
    let mut sizes = Vec::new();
    for seed in 0..a.runs {
        let s = random_scenario(seed, a.issues, a.options, a.max_points, a.opposed);
        let t = Instant::now();
        let f = pareto_frontier(&s, &[0, 1]);
        let n = nash_package(&s, &[0, 1], &f);
        let m = max_joint_value(&s);
        let el = t.elapsed();
        std::hint::black_box((n, m));
        times.push(el.as_secs_f64() * 1000.0);
        sizes.push(f.len());
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "time per scenario (frontier + Nash + max joint): min {:.3} ms, median {:.3} ms, p90 {:.3} ms, max {:.3} ms",
        times[0],
        pct(0.5),
        pct(0.9),
        times[times.len() - 1]
    );
    println!(
        "frontier size: min {}, median {}, max {}",
        sizes.iter().min().unwrap_or(&0),
        {
            let mut s = sizes.clone();
            s.sort();
            s[s.len() / 2]
        },
        sizes.iter().max().unwrap_or(&0)
    );
}
