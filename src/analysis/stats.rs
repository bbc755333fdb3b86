//! Statistics of counts: intervals for rates and shares, the comparison of two rates, and
//! the correction for testing many themes at once.
//!
//! Contract (all intervals two-sided at the given confidence, usually 0.95):
//!
//! - **Rate** of a count `x` over `w` words: exact Poisson interval (Garwood 1936),
//!   `[Gamma⁻¹(α/2; x), Gamma⁻¹(1-α/2; x+1)]` (lower bound 0 when `x = 0`), scaled to
//!   matches per 10,000 words. Same numbers as R `poisson.test(x)$conf.int`.
//! - **Share** `k` of `n` (documents with a match): Wilson score interval (Wilson 1927),
//!   as R `prop.test(k, n, correct = FALSE)`.
//! - **Rate ratio** `(a/wa)/(b/wb)`: log method, `exp(log RR ± z·sqrt(1/a + 1/b))`.
//!   Zeros: when either count is 0, a total of one pseudo-match is split between the sides
//!   in proportion to their words (`wa/(wa+wb)` and `wb/(wa+wb)`; Sweeting, Sutton & Lambert
//!   2004), for the ratio and its interval; the result says so (`corrected`). With equal
//!   words this is Haldane–Anscombe's 0.5 on each side; with unequal words it keeps the
//!   ratio on the side of 1 that the counts show (a side with no match gets a ratio below 1),
//!   which 0.5 on each side does not when one side is much shorter. Both 0: no ratio.
//! - **Log-likelihood G2** of two corpora (Rayson & Garside 2000): with expected counts
//!   `E_i = w_i (a+b) / (wa+wb)`, `G2 = 2 Σ x_i ln(x_i / E_i)` (terms with `x_i = 0` are 0),
//!   p-value from chi-square with 1 degree of freedom.
//! - **Holm** step-down adjustment of p-values (Holm 1979), as R `p.adjust(p, "holm")`.
//! - **Fisher's exact test** of two shares `ka/na` against `kb/nb` (documents with a match
//!   among the documents of each side), two-sided by summing the tables no more probable
//!   than the observed one (relative tolerance 1e-7), as R `fisher.test`.
//!
//! Quantiles come from `statrs` (gamma, chi-square, normal); the gamma quantile is polished
//! by bisection on statrs' regularized incomplete gamma because statrs' own inverse stops
//! after a few Newton steps.

use statrs::distribution::{ChiSquared, ContinuousCDF, Gamma, Normal, StudentsT};
use statrs::function::factorial::ln_binomial;
use statrs::function::gamma::gamma_lr;

/// Rates are reported per this many words.
pub const RATE_SCALE: f64 = 10_000.0;

/// A two-sided interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

/// The standard normal quantile for a two-sided interval at `confidence` (1.96 at 0.95).
pub fn z_value(confidence: f64) -> f64 {
    let normal = Normal::standard();
    normal.inverse_cdf(0.5 + confidence / 2.0)
}

/// The Student t quantile for a two-sided interval at `confidence` with `df` degrees of
/// freedom (2.201 at 0.95 and 11 df); the normal quantile when `df` is not positive and
/// finite.
pub fn t_value(confidence: f64, df: f64) -> f64 {
    match StudentsT::new(0.0, 1.0, df) {
        Ok(t) if df.is_finite() => t.inverse_cdf(0.5 + confidence / 2.0),
        _ => z_value(confidence),
    }
}

/// The `p` quantile of the gamma distribution with this shape and rate 1.
pub(crate) fn gamma_quantile(shape: f64, p: f64) -> f64 {
    let start = Gamma::new(shape, 1.0).map_or(shape, |g| g.inverse_cdf(p));
    // Bracket around statrs' estimate, then bisect to full precision.
    let mut low = if start.is_finite() && start > 0.0 {
        start * 0.5
    } else {
        0.0
    };
    let mut high = if start.is_finite() && start > 0.0 {
        start * 2.0
    } else {
        shape + 10.0
    };
    // The CDF at any x >= 0 (statrs refuses x = 0, where it is 0).
    let cdf = |x: f64| if x > 0.0 { gamma_lr(shape, x) } else { 0.0 };
    while cdf(low) > p && low > f64::MIN_POSITIVE {
        low *= 0.5;
    }
    while cdf(high) < p {
        high *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (low + high);
        if mid <= low || mid >= high {
            break;
        }
        if cdf(mid) < p {
            low = mid;
        } else {
            high = mid;
        }
    }
    0.5 * (low + high)
}

/// Exact (Garwood) interval for the mean of a Poisson count `count`.
pub fn poisson_interval(count: u64, confidence: f64) -> Interval {
    let alpha = 1.0 - confidence;
    let x = count as f64;
    let low = if count == 0 {
        0.0
    } else {
        gamma_quantile(x, alpha / 2.0)
    };
    Interval {
        low,
        high: gamma_quantile(x + 1.0, 1.0 - alpha / 2.0),
    }
}

/// Matches per 10,000 words; `None` without words.
pub fn rate_per_10k(count: u64, words: u64) -> Option<f64> {
    (words > 0).then(|| count as f64 * RATE_SCALE / words as f64)
}

/// Exact Poisson interval of the rate per 10,000 words; `None` without words.
pub fn rate_interval_per_10k(count: u64, words: u64, confidence: f64) -> Option<Interval> {
    (words > 0).then(|| {
        let counts = poisson_interval(count, confidence);
        let scale = RATE_SCALE / words as f64;
        Interval {
            low: counts.low * scale,
            high: counts.high * scale,
        }
    })
}

/// Wilson score interval for `successes` out of `trials`; `None` when `trials` is 0.
pub fn wilson_interval(successes: u64, trials: u64, confidence: f64) -> Option<Interval> {
    if trials == 0 {
        return None;
    }
    wilson_share_interval(
        successes.min(trials) as f64 / trials as f64,
        trials as f64,
        confidence,
    )
}

/// Wilson score interval for a share `p` estimated from `n` trials, which may be an
/// effective (non-integer) number of trials; `None` unless `n > 0`.
pub fn wilson_share_interval(p: f64, n: f64, confidence: f64) -> Option<Interval> {
    if n.is_nan() || n <= 0.0 || p.is_nan() {
        return None;
    }
    let p = p.clamp(0.0, 1.0);
    let z = z_value(confidence);
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = z / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(Interval {
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    })
}

/// The ratio of two rates with its interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateRatio {
    /// `(a/wa) / (b/wb)` (with the zero-count pseudo-matches added when `corrected`).
    pub ratio: f64,
    /// Natural log of `ratio` (the effect size used for sorting).
    pub log_ratio: f64,
    /// Interval of the ratio.
    pub interval: Interval,
    /// Whether the zero-count correction was applied.
    pub corrected: bool,
}

/// Rate ratio of `a` matches in `words_a` words against `b` in `words_b` (log method; see
/// the module header for the zero rule). `None` when both counts are 0 or a side has no
/// words.
pub fn rate_ratio(
    a: u64,
    words_a: u64,
    b: u64,
    words_b: u64,
    confidence: f64,
) -> Option<RateRatio> {
    if (a == 0 && b == 0) || words_a == 0 || words_b == 0 {
        return None;
    }
    let corrected = a == 0 || b == 0;
    let (x, y) = corrected_counts(a, words_a, b, words_b);
    let log_ratio = (x / words_a as f64).ln() - (y / words_b as f64).ln();
    let se = (1.0 / x + 1.0 / y).sqrt();
    let z = z_value(confidence);
    Some(RateRatio {
        ratio: log_ratio.exp(),
        log_ratio,
        interval: Interval {
            low: (log_ratio - z * se).exp(),
            high: (log_ratio + z * se).exp(),
        },
        corrected,
    })
}

/// The counts a rate ratio is computed from: `a` and `b` as they are when both are
/// positive; otherwise each plus its share of one pseudo-match, in proportion to its side's
/// words (see the module header). Callers guarantee `words_a + words_b > 0`.
pub(crate) fn corrected_counts(a: u64, words_a: u64, b: u64, words_b: u64) -> (f64, f64) {
    if a > 0 && b > 0 {
        return (a as f64, b as f64);
    }
    let total = words_a as f64 + words_b as f64;
    (
        a as f64 + words_a as f64 / total,
        b as f64 + words_b as f64 / total,
    )
}

/// Log-likelihood G2 for a count `a` in a corpus of `words_a` words against `b` in
/// `words_b` (Rayson & Garside 2000). 0 when there is nothing to compare.
pub fn log_likelihood_g2(a: u64, words_a: u64, b: u64, words_b: u64) -> f64 {
    let total_words = words_a as f64 + words_b as f64;
    let total = a as f64 + b as f64;
    if total == 0.0 || words_a == 0 || words_b == 0 {
        return 0.0;
    }
    let term = |observed: u64, words: u64| {
        if observed == 0 {
            0.0
        } else {
            let expected = words as f64 * total / total_words;
            observed as f64 * (observed as f64 / expected).ln()
        }
    };
    (2.0 * (term(a, words_a) + term(b, words_b))).max(0.0)
}

/// Upper-tail p-value of a chi-square statistic with 1 degree of freedom.
pub fn chi_square_1_p_value(statistic: f64) -> f64 {
    if statistic <= 0.0 || statistic.is_nan() {
        return 1.0;
    }
    ChiSquared::new(1.0).map_or(f64::NAN, |chi| chi.sf(statistic))
}

/// Holm step-down adjusted p-values, in the order given (NaN stays NaN and does not count
/// as a test).
pub fn holm(p_values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..p_values.len())
        .filter(|&i| !p_values[i].is_nan())
        .collect();
    order.sort_by(|&i, &j| p_values[i].total_cmp(&p_values[j]));
    let m = order.len();
    let mut adjusted = vec![f64::NAN; p_values.len()];
    let mut running = 0.0f64;
    for (rank, &i) in order.iter().enumerate() {
        let value = ((m - rank) as f64 * p_values[i]).min(1.0);
        running = running.max(value);
        adjusted[i] = running;
    }
    adjusted
}

/// Two-sided p-value of Fisher's exact test for `ka` of `na` against `kb` of `nb` (1 when
/// either side is empty or nothing differs).
pub fn fisher_exact(ka: u64, na: u64, kb: u64, nb: u64) -> f64 {
    let (ka, kb) = (ka.min(na), kb.min(nb));
    let total = na + nb;
    let successes = ka + kb;
    if na == 0 || nb == 0 || successes == 0 || successes == total {
        return 1.0;
    }
    // Hypergeometric: `na` draws from `total` with `successes` marked; `ka` of them marked.
    let denominator = ln_binomial(total, na);
    let ln_p =
        |k: u64| ln_binomial(successes, k) + ln_binomial(total - successes, na - k) - denominator;
    let low = successes.saturating_sub(nb);
    let high = successes.min(na);
    let observed = ln_p(ka);
    // R's relative tolerance, so tables as probable as the observed one count despite
    // rounding.
    let limit = observed + (1.0 + 1e-7f64).ln();
    let p: f64 = (low..=high)
        .map(ln_p)
        .filter(|&l| l <= limit)
        .map(f64::exp)
        .sum();
    p.min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64, tolerance: f64) {
        assert!(
            (actual - expected).abs() <= tolerance * expected.abs().max(1e-12),
            "{actual} != {expected} (relative tolerance {tolerance})"
        );
    }

    /// Reference: R 4.x `poisson.test(x)$conf.int`; the same numbers were recomputed with
    /// mpmath (30 digits) by bisection on the regularized incomplete gamma function.
    #[test]
    fn poisson_interval_matches_r_poisson_test() {
        let cases = [
            (0u64, 0.0, 3.68887945411),
            (1, 0.0253178079843, 5.57164339094),
            (5, 1.62348639012, 11.6683320793),
            (10, 4.79538869613, 18.390356042),
            (100, 81.3639912509, 121.626793792),
        ];
        for (x, low, high) in cases {
            let interval = poisson_interval(x, 0.95);
            if x == 0 {
                assert_eq!(interval.low, 0.0);
            } else {
                close(interval.low, low, 1e-9);
            }
            close(interval.high, high, 1e-9);
        }
    }

    #[test]
    fn rates_scale_to_ten_thousand_words() {
        assert_eq!(rate_per_10k(3, 2_000), Some(15.0));
        assert_eq!(rate_per_10k(3, 0), None);
        // 10 matches in 50,000 words: 2 per 10k, interval 4.795389/5 .. 18.390356/5.
        let interval = rate_interval_per_10k(10, 50_000, 0.95).unwrap();
        close(interval.low, 4.79538869613 / 5.0, 1e-9);
        close(interval.high, 18.390356042 / 5.0, 1e-9);
        assert!(rate_interval_per_10k(1, 0, 0.95).is_none());
    }

    #[test]
    fn z_is_1_96() {
        close(z_value(0.95), 1.95996398454005, 1e-9);
    }

    /// Reference: R `qt(0.975, c(11, 1))` = 2.200985 12.706205.
    #[test]
    fn t_quantiles_match_r_qt() {
        close(t_value(0.95, 11.0), 2.200985160091639, 1e-6);
        close(t_value(0.95, 1.0), 12.706204736174694, 1e-6);
        close(t_value(0.95, f64::INFINITY), z_value(0.95), 1e-12);
    }

    /// Shapes below 1 (effective counts of overdispersed rows): the quantile still solves
    /// the CDF. Reference: scipy.stats.gamma.ppf(0.975, 0.5) = 2.5119440.
    #[test]
    fn gamma_quantiles_of_small_shapes() {
        close(gamma_quantile(0.5, 0.975), 2.511_943_093_657_444, 1e-8);
        // The true quantile is 3e-68; statrs' CDF is 0 below about 1e-15, so the answer is
        // "practically 0", which is all a lower rate bound needs.
        let q = gamma_quantile(1.0 / 42.0, 0.025);
        assert!((0.0..1e-12).contains(&q), "{q}");
    }

    /// Reference: R `fisher.test(matrix(c(ka, na - ka, kb, nb - kb), 2))$p.value` (the same
    /// numbers from scipy.stats.fisher_exact): 3 of 12 against 0 of 12 is 0.2173913 (5/23).
    #[test]
    fn fisher_exact_matches_r_fisher_test() {
        close(fisher_exact(3, 12, 0, 12), 0.21739130434782605, 1e-9);
        close(fisher_exact(7, 12, 2, 12), 0.08937945887737245, 1e-9);
        close(fisher_exact(10, 10, 0, 10), 1.082508822446903e-05, 1e-9);
        close(fisher_exact(12, 437, 13, 458), 1.0, 1e-9);
        assert_eq!(fisher_exact(1, 12, 0, 12), 1.0);
        assert_eq!(fisher_exact(0, 12, 0, 12), 1.0);
        assert_eq!(fisher_exact(0, 0, 3, 5), 1.0);
        // Symmetric in the sides.
        close(
            fisher_exact(0, 12, 3, 12),
            fisher_exact(3, 12, 0, 12),
            1e-12,
        );
    }

    /// Reference: Wilson's closed form evaluated with mpmath; 3/10 also equals R
    /// `prop.test(3, 10, correct = FALSE)$conf.int` = 0.1077913 0.6032219.
    #[test]
    fn wilson_interval_matches_known_values() {
        let cases = [
            (0u64, 10u64, 0.0, 0.277532799863),
            (3, 10, 0.107791267406, 0.603221852539),
            (10, 10, 0.722467200137, 1.0),
            (81, 263, 0.255288519878, 0.366209576983),
        ];
        for (k, n, low, high) in cases {
            let interval = wilson_interval(k, n, 0.95).unwrap();
            if low == 0.0 {
                assert!(interval.low.abs() < 1e-12);
            } else {
                close(interval.low, low, 1e-9);
            }
            close(interval.high, high, 1e-9);
        }
        assert!(wilson_interval(0, 0, 0.95).is_none());
    }

    /// Reference: `exp(log(RR) ± 1.959964 * sqrt(1/a + 1/b))` evaluated with mpmath; the
    /// zero case with equal words adds 0.5 to both counts.
    #[test]
    fn rate_ratio_log_method_and_zero_rule() {
        let rr = rate_ratio(20, 10_000, 10, 10_000, 0.95).unwrap();
        close(rr.ratio, 2.0, 1e-12);
        close(rr.interval.low, 0.936183657411, 1e-9);
        close(rr.interval.high, 4.27266591158, 1e-9);
        assert!(!rr.corrected);

        let rr = rate_ratio(30, 5_000, 12, 8_000, 0.95).unwrap();
        close(rr.ratio, 4.0, 1e-12);
        close(rr.interval.low, 2.04794983592, 1e-9);
        close(rr.interval.high, 7.81269136546, 1e-9);

        // Equal words: Haldane–Anscombe's 0.5 on each side.
        let rr = rate_ratio(0, 2_000, 4, 2_000, 0.95).unwrap();
        assert!(rr.corrected);
        close(rr.ratio, 0.5 / 4.5, 1e-12);
        close(rr.interval.low, 0.0059822030296, 1e-9);
        close(rr.interval.high, 2.06373453913, 1e-9);

        // Unequal words: 1/3 and 2/3 of a pseudo-match.
        let rr = rate_ratio(0, 1_000, 4, 2_000, 0.95).unwrap();
        assert!(rr.corrected);
        close(
            rr.ratio,
            (1.0 / 3.0) / 1_000.0 / ((4.0 + 2.0 / 3.0) / 2_000.0),
            1e-12,
        );

        assert!(rate_ratio(0, 1_000, 0, 2_000, 0.95).is_none());
        assert!(rate_ratio(3, 0, 1, 2_000, 0.95).is_none());
    }

    proptest::proptest! {
        /// A side with no match never gets the larger rate, however short it is; the two
        /// orders of the sides give reciprocal ratios.
        #[test]
        fn a_zero_side_keeps_the_direction(
            count in 1u64..10_000,
            words_zero in 1u64..100_000_000,
            words_other in 1u64..100_000_000,
        ) {
            let low = rate_ratio(0, words_zero, count, words_other, 0.95).unwrap();
            let high = rate_ratio(count, words_other, 0, words_zero, 0.95).unwrap();
            proptest::prop_assert!(low.corrected && high.corrected);
            proptest::prop_assert!(low.ratio < 1.0, "ratio {}", low.ratio);
            proptest::prop_assert!(high.ratio > 1.0, "ratio {}", high.ratio);
            proptest::prop_assert!((low.log_ratio + high.log_ratio).abs() < 1e-9);
            proptest::prop_assert!(low.interval.low <= low.ratio && low.ratio <= low.interval.high);
        }
    }

    /// Reference: Rayson & Garside's formula evaluated with mpmath; p from the chi-square(1)
    /// upper tail (`pchisq(G2, 1, lower.tail = FALSE)` in R). The second case is
    /// `2 * 5 * ln 2` exactly.
    #[test]
    fn log_likelihood_matches_known_values() {
        let cases = [
            (
                (10u64, 10_000u64, 30u64, 20_000u64),
                1.31334069035,
                0.25179069483,
            ),
            ((0, 1_000, 5, 1_000), 6.9314718056, 0.00846919650754),
            ((52, 100_000, 19, 100_000), 15.9443850404, 6.52309871695e-5),
        ];
        for ((a, wa, b, wb), g2, p) in cases {
            let statistic = log_likelihood_g2(a, wa, b, wb);
            close(statistic, g2, 1e-9);
            close(chi_square_1_p_value(statistic), p, 1e-7);
        }
        assert_eq!(log_likelihood_g2(0, 10, 0, 10), 0.0);
        assert_eq!(chi_square_1_p_value(0.0), 1.0);
        // The same rate on both sides gives G2 = 0.
        assert!(log_likelihood_g2(4, 1_000, 8, 2_000).abs() < 1e-12);
    }

    /// Reference: R `p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm")` = 0.03 0.06 0.06 0.02.
    #[test]
    fn holm_matches_r_p_adjust() {
        let adjusted = holm(&[0.01, 0.04, 0.03, 0.005]);
        for (a, e) in adjusted.iter().zip([0.03, 0.06, 0.06, 0.02]) {
            close(*a, e, 1e-12);
        }
        let adjusted = holm(&[0.5, f64::NAN, 0.9]);
        assert_eq!(adjusted[0], 1.0);
        assert!(adjusted[1].is_nan());
        assert_eq!(adjusted[2], 1.0);
        assert!(holm(&[]).is_empty());
    }
}
