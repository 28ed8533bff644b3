//! Small statistics for reports and validation: Pearson's r and its confidence interval.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pearson_and_its_interval() {
        assert!((pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]).unwrap() - 1.0).abs() < 1e-12);
        assert!((pearson(&[1.0, 2.0, 3.0, 4.0], &[4.0, 3.0, 2.0, 1.0]).unwrap() + 1.0).abs() < 1e-12);
        assert_eq!(pearson(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), None);
        let (lo, hi) = fisher_ci(0.3, 400).unwrap();
        assert!(lo > 0.2 && hi < 0.4 && lo < 0.3 && hi > 0.3, "{lo} {hi}");
    }
}
