//! Small statistics for reports and validation: Pearson's r and its confidence interval, means
//! and standard deviations, and the two-sample permutation test the debrief's treatment
//! comparison uses.

/// Pearson's r, or none with fewer than 3 pairs or no spread.
pub fn pearson(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len().min(ys.len());
    if n < 3 {
        return None;
    }
    let mx = xs.iter().sum::<f64>() / n as f64;
    let my = ys.iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in xs.iter().zip(ys) {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx).powi(2);
        syy += (y - my).powi(2);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// The 95 % confidence interval of a Pearson r from n pairs (Fisher's z transform).
pub fn fisher_ci(r: f64, n: usize) -> Option<(f64, f64)> {
    if n < 4 {
        return None;
    }
    let z = r.clamp(-0.999_999, 0.999_999).atanh();
    let se = 1.0 / ((n as f64) - 3.0).sqrt();
    Some(((z - 1.96 * se).tanh(), (z + 1.96 * se).tanh()))
}

/// Mean, or none for no values.
pub fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

/// Sample standard deviation (n − 1), or none with fewer than 2 values.
pub fn sd(xs: &[f64]) -> Option<f64> {
    let m = mean(xs)?;
    (xs.len() >= 2).then(|| (xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (xs.len() - 1) as f64).sqrt())
}

/// Up to this many ways to split the values into the two groups, a permutation test counts
/// every one (exact); beyond it, it draws [`MONTE_CARLO_PERMUTATIONS`] at random.
pub const EXACT_LIMIT: u64 = 100_000;
/// Random relabellings of a Monte Carlo permutation test.
pub const MONTE_CARLO_PERMUTATIONS: u64 = 10_000;

/// A two-sided permutation test of the difference in means between two groups.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PermutationTest {
    /// mean(b) − mean(a).
    pub difference: f64,
    /// The share of relabellings whose |difference| is at least the observed one (exact), or
    /// (that count + 1) / (draws + 1) for a Monte Carlo test, which is never 0.
    pub p_value: f64,
    /// Every relabelling was counted.
    pub exact: bool,
    /// Relabellings counted (all of them when exact, else the random draws).
    pub permutations: u64,
}

/// n choose k, saturating (only compared with [`EXACT_LIMIT`]).
fn choose(n: u64, k: u64) -> u64 {
    let k = k.min(n - k);
    let mut c: u128 = 1;
    for i in 0..k {
        c = c * u128::from(n - i) / u128::from(i + 1);
        if c > u128::from(u64::MAX) {
            return u64::MAX;
        }
    }
    c as u64
}

/// The two-sided permutation test of mean(b) − mean(a): under the null hypothesis that the
/// group labels do not matter, every way of putting `a.len()` of the pooled values in group a
/// is equally likely. Exact when there are at most [`EXACT_LIMIT`] ways, else a Monte Carlo
/// test with [`MONTE_CARLO_PERMUTATIONS`] random relabellings from `seed` (the same seed gives
/// the same p-value). None when a group is empty.
pub fn permutation_test(a: &[f64], b: &[f64], seed: u64) -> Option<PermutationTest> {
    let (na, nb) = (a.len(), b.len());
    if na == 0 || nb == 0 {
        return None;
    }
    let pooled: Vec<f64> = a.iter().chain(b).copied().collect();
    let n = pooled.len();
    let total: f64 = pooled.iter().sum();
    let diff_of = |sum_a: f64| (total - sum_a) / nb as f64 - sum_a / na as f64;
    let observed = diff_of(a.iter().sum());
    // Sums in a different order differ in the last bits: a tie must count as a tie.
    let tol = 1e-9 * (1.0 + observed.abs());
    let extreme = |d: f64| d.abs() >= observed.abs() - tol;
    let ways = choose(n as u64, na as u64);
    if ways <= EXACT_LIMIT {
        // Every subset of na indexes, in lexicographic order.
        let mut idx: Vec<usize> = (0..na).collect();
        let mut hits = 0u64;
        loop {
            if extreme(diff_of(idx.iter().map(|&i| pooled[i]).sum())) {
                hits += 1;
            }
            let Some(i) = (0..na).rev().find(|&i| idx[i] != i + n - na) else { break };
            idx[i] += 1;
            for j in i + 1..na {
                idx[j] = idx[j - 1] + 1;
            }
        }
        return Some(PermutationTest {
            difference: observed,
            p_value: hits as f64 / ways as f64,
            exact: true,
            permutations: ways,
        });
    }
    let mut draw = crate::treatment::seeded(seed, u64::MAX);
    let mut values = pooled;
    let mut hits = 0u64;
    for _ in 0..MONTE_CARLO_PERMUTATIONS {
        // A partial Fisher–Yates: the first na places are a uniform random subset.
        for i in 0..na {
            let j = i + draw((n - i) as u64) as usize;
            values.swap(i, j);
        }
        if extreme(diff_of(values[..na].iter().sum())) {
            hits += 1;
        }
    }
    Some(PermutationTest {
        difference: observed,
        p_value: (hits + 1) as f64 / (MONTE_CARLO_PERMUTATIONS + 1) as f64,
        exact: false,
        permutations: MONTE_CARLO_PERMUTATIONS,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_sample_sd() {
        assert_eq!(mean(&[]), None);
        assert_eq!(mean(&[2.0, 4.0]), Some(3.0));
        assert_eq!(sd(&[5.0]), None);
        // (2−3)² + (4−3)² = 2, over n − 1 = 1: sd √2.
        assert!((sd(&[2.0, 4.0]).unwrap() - 2f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn exact_permutation_tests_by_hand() {
        // {1,2} vs {3,4}: 6 ways to choose group a; the differences are 2, 1, 0, 0, −1, −2, so
        // 2 of 6 are at least as far from 0 as the observed 2.
        let t = permutation_test(&[1.0, 2.0], &[3.0, 4.0], 0).unwrap();
        assert_eq!((t.difference, t.exact, t.permutations), (2.0, true, 6));
        assert!((t.p_value - 1.0 / 3.0).abs() < 1e-12);
        // {1,2,3} vs {4,5,6}: only the observed split and its mirror, of 20.
        let t = permutation_test(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0], 0).unwrap();
        assert_eq!(t.permutations, 20);
        assert!((t.p_value - 0.1).abs() < 1e-12);
        // Unequal groups: {10} vs {1,2,3}, d = 2 − 10 = −8. The other choices of group a:
        // {1}: b {2,3,10} mean 5 → 4; {2}: 13/3 − 2 → 2.33; {3}: 4 − 3 → 1. Only the observed
        // split is as extreme: p = 1/4.
        let t = permutation_test(&[10.0], &[1.0, 2.0, 3.0], 0).unwrap();
        assert_eq!(t.permutations, 4);
        assert!((t.difference + 8.0).abs() < 1e-12 && (t.p_value - 0.25).abs() < 1e-12);
        // No difference at all: every split ties, p = 1.
        assert_eq!(permutation_test(&[1.0, 1.0], &[1.0, 1.0], 0).unwrap().p_value, 1.0);
        assert_eq!(permutation_test(&[], &[1.0], 0), None);
    }

    #[test]
    fn large_groups_use_a_seeded_monte_carlo() {
        let a: Vec<f64> = (0..20).map(f64::from).collect();
        let b: Vec<f64> = (10..30).map(f64::from).collect();
        let t = permutation_test(&a, &b, 9).unwrap();
        assert!(!t.exact);
        assert_eq!(t.permutations, MONTE_CARLO_PERMUTATIONS);
        assert!(t.p_value < 0.01 && t.p_value > 0.0, "{}", t.p_value);
        assert_eq!(permutation_test(&a, &b, 9), Some(t), "same seed, same p");
        // Interleaved groups with equal means: no evidence of a difference.
        let c: Vec<f64> = (0..40).filter(|x| x % 2 == 0).map(f64::from).collect();
        let d: Vec<f64> = (0..40).filter(|x| x % 2 == 1).map(|x| f64::from(x) - 1.0).collect();
        let t = permutation_test(&c, &d, 9).unwrap();
        assert!(t.p_value > 0.9, "{}", t.p_value);
    }

    #[test]
    fn pearson_and_its_interval() {
        assert!((pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]).unwrap() - 1.0).abs() < 1e-12);
        assert!((pearson(&[1.0, 2.0, 3.0, 4.0], &[4.0, 3.0, 2.0, 1.0]).unwrap() + 1.0).abs() < 1e-12);
        assert_eq!(pearson(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), None);
        let (lo, hi) = fisher_ci(0.3, 400).unwrap();
        assert!(lo > 0.2 && hi < 0.4 && lo < 0.3 && hi > 0.3, "{lo} {hi}");
    }
}
