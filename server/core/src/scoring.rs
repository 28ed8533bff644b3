//! Scoring engine: points of a package, joint value, the Pareto frontier, the Nash package,
//! issue types and the analysis of a deal. Pure functions of a [`Scenario`]; formulas are
//! written out in `docs/scoring.md`.
//!
//! The frontier is never found by enumerating packages. Points are additive over issues, so
//! the set of non-dominated score vectors of issues `1..=k` is contained in the sum of the
//! non-dominated set of issues `1..k` and the options of issue `k`: we merge issue by issue
//! and prune dominated points after each step.

use super::scenario::{Issue, Scenario};
use serde::{Deserialize, Serialize};

/// A package: one option index per issue, aligned with [`Scenario::issues`].
pub type Package = Vec<usize>;

/// Each role's points for a package, aligned with [`Scenario::roles`].
pub fn package_points(s: &Scenario, pkg: &[usize]) -> Vec<i64> {
    (0..s.roles.len()).map(|r| s.issues.iter().zip(pkg).map(|(i, &o)| i.points[r][o]).sum()).collect()
}

/// Whether a package names a valid option for every issue.
pub fn is_valid_package(s: &Scenario, pkg: &[usize]) -> bool {
    pkg.len() == s.issues.len() && s.issues.iter().zip(pkg).all(|(i, &o)| o < i.options.len())
}

/// Each role's BATNA, aligned with [`Scenario::roles`].
pub fn batnas(s: &Scenario) -> Vec<i64> {
    s.roles.iter().map(|r| r.batna).collect()
}

/// The largest joint value (sum over all roles) any package reaches: per issue, the option
/// with the largest sum of all roles' points.
pub fn max_joint_value(s: &Scenario) -> i64 {
    s.issues
        .iter()
        .map(|i| (0..i.options.len()).map(|o| i.points.iter().map(|p| p[o]).sum::<i64>()).max().unwrap_or(0))
        .sum()
}

/// One package whose joint value equals [`max_joint_value`] (lowest option index on ties).
pub fn max_joint_package(s: &Scenario) -> Package {
    s.issues
        .iter()
        .map(|i| {
            let sums: Vec<i64> = (0..i.options.len()).map(|o| i.points.iter().map(|p| p[o]).sum()).collect();
            let best = *sums.iter().max().unwrap_or(&0);
            sums.iter().position(|&v| v == best).unwrap_or(0)
        })
        .collect()
}

/// A non-dominated outcome: the points of the chosen roles and one package that gives them.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrontierPoint {
    /// Points of each chosen role, in the order the roles were asked for.
    pub points: Vec<i64>,
    /// A package reaching those points.
    pub package: Package,
}

/// `a` dominates `b`: at least as good for everyone and better for someone.
pub fn dominates(a: &[i64], b: &[i64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x >= y) && a.iter().zip(b).any(|(x, y)| x > y)
}

/// Keeps only non-dominated, distinct points. Two dimensions: sort and sweep; more: pairwise.
fn prune(mut cands: Vec<(Vec<i64>, usize)>) -> Vec<(Vec<i64>, usize)> {
    if cands.first().is_some_and(|c| c.0.len() == 2) {
        // Sort by first coordinate descending, then second descending; keep a point only if
        // its second coordinate beats every point before it.
        cands.sort_by(|x, y| y.0[0].cmp(&x.0[0]).then(y.0[1].cmp(&x.0[1])));
        let mut out: Vec<(Vec<i64>, usize)> = Vec::new();
        let mut best_b = i64::MIN;
        for c in cands {
            if c.0[1] > best_b {
                best_b = c.0[1];
                out.push(c);
            }
        }
        out.reverse(); // ascending in the first coordinate
        return out;
    }
    // General case: sort by sum descending so a dominator is always seen before what it dominates.
    cands.sort_by(|x, y| y.0.iter().sum::<i64>().cmp(&x.0.iter().sum::<i64>()).then(y.0.cmp(&x.0)));
    let mut out: Vec<(Vec<i64>, usize)> = Vec::new();
    for c in cands {
        if !out.iter().any(|o| o.0 == c.0 || dominates(&o.0, &c.0)) {
            out.push(c);
        }
    }
    out.sort_by(|x, y| x.0.cmp(&y.0));
    out
}

/// The Pareto frontier over the given roles (by index): every non-dominated vector of their
/// points, each with one package reaching it. For two roles the result is sorted by the first
/// role's points ascending (so the second role's points descend).
pub fn pareto_frontier(s: &Scenario, roles: &[usize]) -> Vec<FrontierPoint> {
    // Back-pointers per stage: (index into previous stage, option chosen).
    let mut stages: Vec<Vec<(usize, usize)>> = Vec::with_capacity(s.issues.len());
    let mut current: Vec<Vec<i64>> = vec![vec![0; roles.len()]];
    for issue in &s.issues {
        let issue_front = issue_frontier(issue, roles);
        let mut cands = Vec::with_capacity(current.len() * issue_front.len());
        for (pi, p) in current.iter().enumerate() {
            for &o in &issue_front {
                let v: Vec<i64> = p.iter().zip(roles).map(|(x, &r)| x + issue.points[r][o]).collect();
                cands.push((v, pi * issue.options.len() + o));
            }
        }
        let kept = prune(cands);
        let n = issue.options.len();
        stages.push(kept.iter().map(|(_, code)| (code / n, code % n)).collect());
        current = kept.into_iter().map(|(v, _)| v).collect();
    }
    current
        .into_iter()
        .enumerate()
        .map(|(idx, points)| {
            let mut package = vec![0; s.issues.len()];
            let mut at = idx;
            for (k, stage) in stages.iter().enumerate().rev() {
                let (prev, opt) = stage[at];
                package[k] = opt;
                at = prev;
            }
            FrontierPoint { points, package }
        })
        .collect()
}

/// Options of one issue that are not dominated for the chosen roles (first of equal ones kept).
fn issue_frontier(issue: &Issue, roles: &[usize]) -> Vec<usize> {
    let vecs: Vec<Vec<i64>> =
        (0..issue.options.len()).map(|o| roles.iter().map(|&r| issue.points[r][o]).collect()).collect();
    (0..vecs.len())
        .filter(|&o| !vecs.iter().enumerate().any(|(q, v)| dominates(v, &vecs[o]) || (q < o && *v == vecs[o])))
        .collect()
}

/// How an issue relates two roles' interests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum IssueType {
    /// Some option is best for both roles: nothing to trade, only to discover.
    Compatible,
    /// Opposed preferences and the pair's total is the same for every option: a pure split.
    Distributive,
    /// Opposed preferences whose totals differ by option: trading across issues creates value.
    Integrative,
}

/// Classifies an issue for the roles `a` and `b` (see `docs/scoring.md`).
pub fn issue_type(issue: &Issue, a: usize, b: usize) -> IssueType {
    let pa = &issue.points[a];
    let pb = &issue.points[b];
    let max_a = *pa.iter().max().unwrap_or(&0);
    let max_b = *pb.iter().max().unwrap_or(&0);
    if (0..pa.len()).any(|o| pa[o] == max_a && pb[o] == max_b) {
        return IssueType::Compatible;
    }
    let sum0 = pa[0] + pb[0];
    if (0..pa.len()).all(|o| pa[o] + pb[o] == sum0) {
        IssueType::Distributive
    } else {
        IssueType::Integrative
    }
}

/// The Nash bargaining package over the given roles: among packages giving every role at least
/// its BATNA, the one maximising the product of surpluses over BATNAs (ties: larger joint value,
/// then the earlier frontier point). `None` when no package gives every role at least its BATNA (no zone of agreement).
pub fn nash_package(s: &Scenario, roles: &[usize], frontier: &[FrontierPoint]) -> Option<FrontierPoint> {
    let mut best: Option<(i128, i64, &FrontierPoint)> = None;
    for f in frontier {
        let surplus: Vec<i64> = f.points.iter().zip(roles).map(|(p, &r)| p - s.roles[r].batna).collect();
        if surplus.iter().any(|&x| x < 0) {
            continue;
        }
        let product: i128 = surplus.iter().map(|&x| x as i128).product();
        let joint: i64 = f.points.iter().sum();
        if best.is_none_or(|(bp, bj, _)| product > bp || (product == bp && joint > bj)) {
            best = Some((product, joint, f));
        }
    }
    best.map(|(_, _, f)| f.clone())
}

/// How good an outcome (a deal, or an impasse scored at the BATNAs) was.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeAnalysis {
    /// Each role's points (BATNAs for an impasse).
    pub points: Vec<i64>,
    /// Sum of all roles' points.
    pub joint_value: i64,
    /// Each role's points minus its BATNA.
    pub surplus: Vec<i64>,
    /// The scenario's maximum joint value.
    pub max_joint_value: i64,
    /// `joint / max joint` (1.0 when the maximum is 0 and so is the joint value).
    pub efficiency: f64,
    /// `(joint − ΣBATNA) / (max joint − ΣBATNA)`; `None` when no package beats the BATNAs' sum.
    pub surplus_efficiency: Option<f64>,
    /// No package makes every role at least as well off and one better.
    pub pareto_optimal: bool,
    /// If not Pareto-optimal: the dominating package with the largest joint value.
    pub better_package: Option<FrontierPoint>,
    /// Euclidean distance in points from the outcome to the nearest frontier point.
    pub distance_to_frontier: f64,
}

/// Analyses a deal (`Some(package)`) or an impasse (`None`) against the full frontier over all roles.
pub fn analyse_outcome(s: &Scenario, deal: Option<&[usize]>) -> OutcomeAnalysis {
    let roles: Vec<usize> = (0..s.roles.len()).collect();
    let frontier = pareto_frontier(s, &roles);
    analyse_outcome_with(s, deal, &frontier)
}

/// Like [`analyse_outcome`] with a frontier already computed over all roles.
pub fn analyse_outcome_with(s: &Scenario, deal: Option<&[usize]>, frontier: &[FrontierPoint]) -> OutcomeAnalysis {
    let b = batnas(s);
    let points = match deal {
        Some(pkg) => package_points(s, pkg),
        None => b.clone(),
    };
    let joint: i64 = points.iter().sum();
    let max = max_joint_value(s);
    let sum_b: i64 = b.iter().sum();
    let efficiency = ratio(joint, max);
    let surplus_efficiency = if max > sum_b { Some((joint - sum_b) as f64 / (max - sum_b) as f64) } else { None };
    let better = frontier
        .iter()
        .filter(|f| dominates(&f.points, &points))
        .max_by_key(|f| (f.points.iter().sum::<i64>(), std::cmp::Reverse(f.package.clone())))
        .cloned();
    let distance = frontier
        .iter()
        .map(|f| f.points.iter().zip(&points).map(|(x, y)| ((x - y) as f64).powi(2)).sum::<f64>().sqrt())
        .fold(f64::INFINITY, f64::min);
    OutcomeAnalysis {
        surplus: points.iter().zip(&b).map(|(p, b)| p - b).collect(),
        points,
        joint_value: joint,
        max_joint_value: max,
        efficiency,
        surplus_efficiency,
        pareto_optimal: better.is_none(),
        better_package: better,
        distance_to_frontier: if distance.is_finite() { distance } else { 0.0 },
    }
}

fn ratio(num: i64, den: i64) -> f64 {
    if den == 0 {
        if num == 0 {
            1.0
        } else {
            0.0
        }
    } else {
        num as f64 / den as f64
    }
}

/// A whole-scenario analysis, as printed by `parley scenario check`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioAnalysis {
    /// Scenario id.
    pub id: String,
    /// Scenario title.
    pub title: String,
    /// Role ids in file order.
    pub roles: Vec<String>,
    /// Role BATNAs in file order.
    pub batnas: Vec<i64>,
    /// Each role's maximum points.
    pub role_max: Vec<i64>,
    /// Issue ids in file order.
    pub issues: Vec<String>,
    /// Largest joint value of any package.
    pub max_joint_value: i64,
    /// A package reaching the maximum joint value.
    pub max_joint_package: Package,
    /// Two roles only: the frontier as `[points_role1, points_role2]`, role 1 ascending.
    pub pareto_frontier: Option<Vec<[i64; 2]>>,
    /// Number of non-dominated outcomes over all roles.
    pub frontier_size: usize,
    /// Per issue id, per pair `"a/b"` of role ids: the issue type.
    pub issue_types: Vec<IssueTypes>,
    /// The Nash bargaining package over all roles, if a zone of agreement exists.
    pub nash: Option<FrontierPoint>,
}

/// The type of one issue for every pair of roles.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct IssueTypes {
    /// Issue id.
    pub issue: String,
    /// `(role a id, role b id, type)` for every pair a < b.
    pub pairs: Vec<IssueTypePair>,
}

/// The type of an issue for one pair of roles.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct IssueTypePair {
    /// First role id.
    pub a: String,
    /// Second role id.
    pub b: String,
    /// The issue's type for this pair.
    #[serde(rename = "type")]
    pub kind: IssueType,
}

/// Computes the full analysis of a scenario.
pub fn analyse_scenario(s: &Scenario) -> ScenarioAnalysis {
    let roles: Vec<usize> = (0..s.roles.len()).collect();
    let frontier = pareto_frontier(s, &roles);
    let nash = nash_package(s, &roles, &frontier);
    let issue_types = s
        .issues
        .iter()
        .map(|i| IssueTypes {
            issue: i.id.clone(),
            pairs: (0..roles.len())
                .flat_map(|a| ((a + 1)..roles.len()).map(move |b| (a, b)))
                .map(|(a, b)| IssueTypePair {
                    a: s.roles[a].id.clone(),
                    b: s.roles[b].id.clone(),
                    kind: issue_type(i, a, b),
                })
                .collect(),
        })
        .collect();
    ScenarioAnalysis {
        id: s.id.clone(),
        title: s.title.clone(),
        roles: s.roles.iter().map(|r| r.id.clone()).collect(),
        batnas: batnas(s),
        role_max: roles.iter().map(|&r| s.role_range(r).1).collect(),
        issues: s.issues.iter().map(|i| i.id.clone()).collect(),
        max_joint_value: max_joint_value(s),
        max_joint_package: max_joint_package(s),
        pareto_frontier: (roles.len() == 2).then(|| frontier.iter().map(|f| [f.points[0], f.points[1]]).collect()),
        frontier_size: frontier.len(),
        issue_types,
        nash,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{PhaseDurations, Role};
    use proptest::prelude::*;

    fn scenario(batnas: &[i64], issues: Vec<Vec<Vec<i64>>>) -> Scenario {
        Scenario {
            id: "t".into(),
            title: "t".into(),
            summary: String::new(),
            icebreakers: vec![],
            phases: PhaseDurations::default(),
            roles: batnas
                .iter()
                .enumerate()
                .map(|(i, &b)| Role { id: format!("r{i}"), name: format!("R{i}"), batna: b, brief: "b".into() })
                .collect(),
            issues: issues
                .into_iter()
                .enumerate()
                .map(|(k, pts)| Issue {
                    id: format!("i{k}"),
                    name: format!("I{k}"),
                    description: String::new(),
                    options: (0..pts[0].len()).map(|o| format!("o{o}")).collect(),
                    points: pts,
                })
                .collect(),
            teaching: None,
            deal: Default::default(),
            language: "en".into(),
            translations: Default::default(),
        }
    }

    /// The worked example of docs/scoring.md: a distributive price and an integrative delivery issue.
    fn worked() -> Scenario {
        scenario(
            &[4, 2],
            vec![
                vec![vec![0, 3, 6], vec![6, 3, 0]], // price: distributive (sums 6, 6, 6)
                vec![vec![0, 1], vec![4, 0]],       // delivery: integrative (sums 4, 1; B cares more)
            ],
        )
    }

    #[test]
    fn worked_example_by_hand() {
        let s = worked();
        // Packages: (0,10) (1,6) (3,7) (4,3) (6,4) (7,0).
        assert_eq!(package_points(&s, &[1, 1]), vec![4, 3]);
        assert_eq!(max_joint_value(&s), 10);
        assert_eq!(max_joint_package(&s), vec![0, 0]);
        let f = pareto_frontier(&s, &[0, 1]);
        let pts: Vec<Vec<i64>> = f.iter().map(|p| p.points.clone()).collect();
        // (1,6) is dominated by (3,7) and (4,3) by (6,4).
        assert_eq!(pts, vec![vec![0, 10], vec![3, 7], vec![6, 4], vec![7, 0]]);
        for p in &f {
            assert_eq!(package_points(&s, &p.package), p.points);
        }
        assert_eq!(issue_type(&s.issues[0], 0, 1), IssueType::Distributive);
        assert_eq!(issue_type(&s.issues[1], 0, 1), IssueType::Integrative);
        // Nash over BATNAs (4,2): only (6,4) gives both a non-negative surplus: 2 x 2 = 4.
        let n = nash_package(&s, &[0, 1], &f).unwrap();
        assert_eq!((n.points.clone(), n.package.clone()), (vec![6, 4], vec![2, 0]));
        // Split the difference on both issues: (4,3), joint 7.
        let a = analyse_outcome(&s, Some(&[1, 1]));
        assert_eq!(a.joint_value, 7);
        assert_eq!(a.surplus, vec![0, 1]);
        assert!(!a.pareto_optimal);
        assert_eq!(a.better_package.unwrap().points, vec![6, 4]);
        assert!((a.efficiency - 0.7).abs() < 1e-9);
        assert!((a.surplus_efficiency.unwrap() - 0.25).abs() < 1e-9);
        assert!((a.distance_to_frontier - 5f64.sqrt()).abs() < 1e-9);
        let imp = analyse_outcome(&s, None);
        assert_eq!(imp.points, vec![4, 2]);
        assert_eq!(imp.surplus_efficiency, Some(0.0));
        assert!((imp.efficiency - 0.6).abs() < 1e-9);
    }

    #[test]
    fn compatible_issue_detected() {
        let s = scenario(&[0, 0], vec![vec![vec![0, 5, 2], vec![1, 4, 0]]]);
        assert_eq!(issue_type(&s.issues[0], 0, 1), IssueType::Compatible);
        let a = analyse_outcome(&s, Some(&[0]));
        assert!(!a.pareto_optimal);
        assert_eq!(a.better_package.unwrap().package, vec![1]);
    }

    fn all_packages(s: &Scenario) -> Vec<Package> {
        let mut out = vec![vec![]];
        for i in &s.issues {
            out = out
                .into_iter()
                .flat_map(|p: Vec<usize>| (0..i.options.len()).map(move |o| [p.clone(), vec![o]].concat()))
                .collect();
        }
        out
    }

    fn arb_scenario(roles: usize) -> impl Strategy<Value = Scenario> {
        (1usize..=4, 2usize..=4).prop_flat_map(move |(n_issues, n_opts)| {
            (
                proptest::collection::vec(-5i64..15, roles),
                proptest::collection::vec(
                    proptest::collection::vec(proptest::collection::vec(-10i64..10, n_opts), roles),
                    n_issues,
                ),
            )
                .prop_map(|(b, issues)| scenario(&b, issues))
        })
    }

    fn check_against_brute_force(s: &Scenario) {
        let roles: Vec<usize> = (0..s.roles.len()).collect();
        let pkgs = all_packages(s);
        let pts: Vec<Vec<i64>> = pkgs.iter().map(|p| package_points(s, p)).collect();
        let mut brute: Vec<Vec<i64>> = pts.iter().filter(|p| !pts.iter().any(|q| dominates(q, p))).cloned().collect();
        brute.sort();
        brute.dedup();
        let front = pareto_frontier(s, &roles);
        let mut fast: Vec<Vec<i64>> = front.iter().map(|f| f.points.clone()).collect();
        for f in &front {
            assert_eq!(package_points(s, &f.package), f.points);
        }
        fast.sort();
        assert_eq!(fast, brute);
        assert_eq!(max_joint_value(s), pts.iter().map(|p| p.iter().sum::<i64>()).max().unwrap());
        // Nash product matches brute force.
        let b = batnas(s);
        let brute_nash = pts
            .iter()
            .filter(|p| p.iter().zip(&b).all(|(x, y)| x >= y))
            .map(|p| p.iter().zip(&b).map(|(x, y)| (x - y) as i128).product::<i128>())
            .max();
        let fast_nash = nash_package(s, &roles, &front)
            .map(|n| n.points.iter().zip(&b).map(|(x, y)| (x - y) as i128).product::<i128>());
        assert_eq!(fast_nash, brute_nash);
        // Pareto verdict for every package matches brute force.
        for (pkg, p) in pkgs.iter().zip(&pts) {
            let a = analyse_outcome_with(s, Some(pkg), &front);
            let dominated = pts.iter().any(|q| dominates(q, p));
            assert_eq!(a.pareto_optimal, !dominated);
            if let Some(better) = a.better_package {
                assert!(dominates(&package_points(s, &better.package), p));
            }
            assert_eq!(a.distance_to_frontier == 0.0, !dominated);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn two_role_frontier_matches_brute_force(s in arb_scenario(2)) {
            check_against_brute_force(&s);
        }

        #[test]
        fn three_role_frontier_matches_brute_force(s in arb_scenario(3)) {
            check_against_brute_force(&s);
        }
    }

    #[test]
    fn ten_by_ten_is_fast_enough_to_be_unit_tested() {
        // 10 issues x 10 options = 10^10 packages; the merge touches only frontier points.
        let issues: Vec<Vec<Vec<i64>>> = (0..10)
            .map(|k| {
                vec![(0..10).map(|o| (o * (k + 3)) % 17).collect(), (0..10).map(|o| ((9 - o) * (k + 5)) % 19).collect()]
            })
            .collect();
        let s = scenario(&[10, 10], issues);
        let f = pareto_frontier(&s, &[0, 1]);
        assert!(!f.is_empty());
        for w in f.windows(2) {
            assert!(w[0].points[0] < w[1].points[0] && w[0].points[1] > w[1].points[1]);
        }
    }
}
