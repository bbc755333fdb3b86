//! Document-clustered statistics: rates and rate ratios whose intervals treat the document
//! (or the speaker turn) as the sampling unit, not the single match.
//!
//! Matches cluster: a long transcript that argues one point repeats its words, so five
//! matches in one document are much less evidence than five matches in five documents.
//! The exact Poisson interval of [`super::stats`] assumes every match independent and is too
//! narrow whenever matches cluster.
//!
//! Contract (method and assumptions in `docs/statistics.md`):
//!
//! - **Units.** A cluster is a document ([`ClusterUnit::Document`], the default) or a
//!   speaker turn ([`ClusterUnit::Turn`]: a run of consecutive paragraphs with the same
//!   speaker; a document without turn structure is one turn). Clusters are assumed
//!   independent of each other; matches inside one may depend on each other in any way.
//! - **Dispersion.** For the `n` clusters of a row with matches `x_i`, words `w_i`, total
//!   `X = Σx_i`, `W = Σw_i` and rate `R = X/W`, the cluster-robust (sandwich, CR1) variance
//!   of `R` is `n/(n-1) Σ(x_i - R w_i)² / W²`; its ratio to the Poisson variance `X/W²` is
//!   the estimated dispersion `φ̂`. The dispersion used is `φ = 1 + max(0, φ̂ - 1)·(t/z)²`
//!   with `t` the Student quantile on `n - 1` degrees of freedom: never below 1 (a row is
//!   never surer than Poisson), and the excess over Poisson, which is estimated from only
//!   `n` clusters, widened accordingly. `φ = 1` when there is no match or fewer than 2
//!   clusters (nothing to estimate it from; such rows are flagged low n anyway).
//! - **Rate interval.** Quasi-Poisson with effective counts: the exact (Garwood) interval of
//!   `X/φ` matches, scaled back by `φ/W`. With `φ = 1` it is the exact Poisson interval.
//! - **Rate ratio interval.** Log method with `se = sqrt(φa/a + φb/b)`; when one side has no
//!   match, the counts get the same pseudo-matches as the Poisson ratio (one in all, split by
//!   words; see [`stats`]) and the empty side, which cannot show its own dispersion, takes
//!   the other side's.

use std::fmt;
use std::str::FromStr;

use super::AnalysisError;
use super::groups::{self, GroupBy, Unit};
use super::stats::{self, Interval, RateRatio};
use crate::themes::DocSummary;

/// What a cluster (the sampling unit of the intervals) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClusterUnit {
    /// A whole document (or a group's part of it, under turn-level groupings).
    #[default]
    Document,
    /// A speaker turn: consecutive paragraphs with the same speaker.
    Turn,
}

impl ClusterUnit {
    /// The name used on the command line and in job files.
    pub fn as_str(self) -> &'static str {
        match self {
            ClusterUnit::Document => "document",
            ClusterUnit::Turn => "turn",
        }
    }
}

impl fmt::Display for ClusterUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ClusterUnit {
    type Err = AnalysisError;

    fn from_str(value: &str) -> Result<Self, AnalysisError> {
        match value.trim().to_ascii_lowercase().as_str() {
            "document" | "doc" => Ok(ClusterUnit::Document),
            "turn" => Ok(ClusterUnit::Turn),
            _ => Err(AnalysisError::UnknownClusterUnit {
                value: value.to_string(),
            }),
        }
    }
}

/// The sums over the clusters of one row that the dispersion needs.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ClusterMoments {
    /// Number of clusters (documents or turns) in the row, matched or not.
    pub n_clusters: u64,
    /// Total matches `Σx`.
    pub matches: f64,
    /// Total words `Σw`.
    pub words: f64,
    /// `Σx²`.
    pub sum_x2: f64,
    /// `Σxw`.
    pub sum_xw: f64,
    /// `Σw²`.
    pub sum_w2: f64,
}

impl ClusterMoments {
    /// The moments of clusters given as `(matches, words)` pairs.
    pub fn from_clusters(clusters: &[(u64, u64)]) -> ClusterMoments {
        let mut m = ClusterMoments {
            n_clusters: clusters.len() as u64,
            ..ClusterMoments::default()
        };
        for &(x, w) in clusters {
            let (x, w) = (x as f64, w as f64);
            m.matches += x;
            m.words += w;
            m.sum_x2 += x * x;
            m.sum_xw += x * w;
            m.sum_w2 += w * w;
        }
        m
    }

    /// The dispersion `φ >= 1` (see the module header).
    pub fn dispersion(&self, confidence: f64) -> f64 {
        let n = self.n_clusters as f64;
        if self.matches <= 0.0 || self.words <= 0.0 || self.n_clusters < 2 {
            return 1.0;
        }
        let rate = self.matches / self.words;
        let squares = (self.sum_x2 - 2.0 * rate * self.sum_xw + rate * rate * self.sum_w2).max(0.0);
        let estimated = n / (n - 1.0) * squares / self.matches;
        let small_sample =
            (stats::t_value(confidence, n - 1.0) / stats::z_value(confidence)).powi(2);
        1.0 + (estimated - 1.0).max(0.0) * small_sample
    }
}

/// Interval of the rate per 10,000 words of `count` matches in `words` words with
/// dispersion `dispersion` (quasi-Poisson; the exact Poisson interval when it is 1);
/// `None` without words.
pub fn clustered_rate_interval_per_10k(
    count: u64,
    words: u64,
    dispersion: f64,
    confidence: f64,
) -> Option<Interval> {
    if words == 0 {
        return None;
    }
    let phi = if dispersion.is_finite() {
        dispersion.max(1.0)
    } else {
        1.0
    };
    let alpha = 1.0 - confidence;
    let effective = count as f64 / phi;
    let low = if count == 0 {
        0.0
    } else {
        stats::gamma_quantile(effective, alpha / 2.0)
    };
    let high = stats::gamma_quantile(effective + 1.0, 1.0 - alpha / 2.0);
    let scale = phi * stats::RATE_SCALE / words as f64;
    Some(Interval {
        low: low * scale,
        high: high * scale,
    })
}

/// Rate ratio of `a` matches in `words_a` words (dispersion `phi_a`) against `b` in
/// `words_b` (dispersion `phi_b`), with the clustered log-method interval. `None` when
/// both counts are 0 or a side has no words.
pub fn clustered_rate_ratio(
    a: u64,
    words_a: u64,
    phi_a: f64,
    b: u64,
    words_b: u64,
    phi_b: f64,
    confidence: f64,
) -> Option<RateRatio> {
    let poisson = stats::rate_ratio(a, words_a, b, words_b, confidence)?;
    let clean = |phi: f64| if phi.is_finite() { phi.max(1.0) } else { 1.0 };
    let (mut phi_a, mut phi_b) = (clean(phi_a), clean(phi_b));
    if a == 0 {
        phi_a = phi_b;
    }
    if b == 0 {
        phi_b = phi_a;
    }
    let (x, y) = stats::corrected_counts(a, words_a, b, words_b);
    let se = (phi_a / x + phi_b / y).sqrt();
    let z = stats::z_value(confidence);
    Some(RateRatio {
        interval: Interval {
            low: (poisson.log_ratio - z * se).exp(),
            high: (poisson.log_ratio + z * se).exp(),
        },
        ..poisson
    })
}

/// One cluster of a document: its group, words and paragraphs, and its key within the
/// document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cluster {
    /// Group value and denominators.
    pub unit: Unit,
    /// Key of the cluster within its document (0 for whole documents, the turn index for
    /// turns).
    pub key: u32,
}

/// Key of the matches in paragraphs that the turn structure does not cover.
pub(crate) const UNCOVERED: u32 = u32::MAX;

/// The clusters of `doc` under `group` (each within one group).
pub(crate) fn clusters(doc: &DocSummary, group: Option<GroupBy>, by: ClusterUnit) -> Vec<Cluster> {
    if by == ClusterUnit::Document || doc.paragraphs.is_empty() {
        return groups::units(doc, group)
            .into_iter()
            .map(|unit| Cluster { unit, key: 0 })
            .collect();
    }
    let mut out: Vec<Cluster> = Vec::new();
    for (para, paragraph) in doc.paragraphs.iter().enumerate() {
        let starts_turn = para == 0 || doc.paragraphs[para - 1].speaker != paragraph.speaker;
        if starts_turn {
            out.push(Cluster {
                unit: Unit {
                    group: groups::paragraph_group(doc, para, group),
                    n_words: 0,
                    n_paragraphs: 0,
                },
                key: out.len() as u32,
            });
        }
        let last = out.last_mut().expect("a turn was started");
        if doc.is_kept(para) {
            last.unit.n_words += paragraph.n_words;
            last.unit.n_paragraphs += 1;
        }
    }
    // Turns a paragraph filter left out entirely are no sample units (their keys stay
    // those of `cluster_of`).
    out.retain(|c| c.unit.n_paragraphs > 0 || doc.kept.is_none());
    out
}

/// The key of the cluster that paragraph `para` of `doc` belongs to (see [`clusters`]).
pub(crate) fn cluster_of(doc: &DocSummary, para: usize, by: ClusterUnit) -> u32 {
    if by == ClusterUnit::Document || doc.paragraphs.is_empty() {
        return 0;
    }
    if para >= doc.paragraphs.len() {
        return UNCOVERED;
    }
    let mut key = 0u32;
    for p in 1..=para {
        if doc.paragraphs[p - 1].speaker != doc.paragraphs[p].speaker {
            key += 1;
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use rand::Rng;
    use rand_chacha::ChaCha8Rng;
    use rand_chacha::rand_core::SeedableRng;

    use super::*;
    use crate::document::{Kind, Lang, ParagraphTurn, Role};

    fn interval(clusters: &[(u64, u64)]) -> Interval {
        let m = ClusterMoments::from_clusters(clusters);
        clustered_rate_interval_per_10k(m.matches as u64, m.words as u64, m.dispersion(0.95), 0.95)
            .unwrap()
    }

    #[test]
    fn a_dispersion_of_one_gives_the_exact_poisson_interval() {
        for (x, w) in [(0u64, 5_000u64), (3, 2_000), (40, 90_000)] {
            let clustered = clustered_rate_interval_per_10k(x, w, 1.0, 0.95).unwrap();
            let exact = stats::rate_interval_per_10k(x, w, 0.95).unwrap();
            assert!((clustered.low - exact.low).abs() < 1e-9);
            assert!((clustered.high - exact.high).abs() < 1e-9);
        }
        assert!(clustered_rate_interval_per_10k(1, 0, 1.0, 0.95).is_none());
    }

    /// 12 documents of 4,000 words; 7 matches: 5 in one document, one each in two more.
    #[test]
    fn matches_in_one_document_widen_the_interval() {
        let mut docs = vec![(0u64, 4_000u64); 12];
        docs[0].0 = 5;
        docs[1].0 = 1;
        docs[2].0 = 1;
        let m = ClusterMoments::from_clusters(&docs);
        let phi = m.dispersion(0.95);
        // Σ(x - Rw)² = 25 + 1 + 1 - 7²/12 = 22.9167; × 12/11 / 7 = 3.5714; the excess over
        // 1 times (t₁₁/z)².
        let t = stats::t_value(0.95, 11.0) / stats::z_value(0.95);
        let estimated = 22.916_666_666_666_7 * 12.0 / 11.0 / 7.0;
        assert!((phi - (1.0 + (estimated - 1.0) * t * t)).abs() < 1e-9);
        let clustered = interval(&docs);
        let exact = stats::rate_interval_per_10k(7, 48_000, 0.95).unwrap();
        assert!(
            clustered.high > 1.5 * exact.high,
            "{clustered:?} vs {exact:?}"
        );
        assert!(
            clustered.low < 0.5 * exact.low,
            "{clustered:?} vs {exact:?}"
        );

        // All 7 in one document: the interval widens further.
        let mut one = vec![(0u64, 4_000u64); 12];
        one[0].0 = 7;
        assert!(interval(&one).high > clustered.high);
    }

    #[test]
    fn spread_matches_keep_the_poisson_interval() {
        // One match in each of 12 equal documents: no extra dispersion at all.
        let docs = vec![(1u64, 4_000u64); 12];
        assert_eq!(ClusterMoments::from_clusters(&docs).dispersion(0.95), 1.0);
        let exact = stats::rate_interval_per_10k(12, 48_000, 0.95).unwrap();
        let clustered = interval(&docs);
        assert!((clustered.high - exact.high).abs() < 1e-9);
        // Less spread than Poisson counts as Poisson.
        assert_eq!(
            ClusterMoments::from_clusters(&[(2, 1_000), (1, 1_000)]).dispersion(0.95),
            1.0
        );
        // No match, or a single document: nothing to estimate, dispersion 1.
        assert_eq!(
            ClusterMoments::from_clusters(&[(0, 10)]).dispersion(0.95),
            1.0
        );
        assert_eq!(
            ClusterMoments::from_clusters(&[(9, 10)]).dispersion(0.95),
            1.0
        );
    }

    #[test]
    fn the_ratio_interval_widens_with_dispersion_and_borrows_it_for_an_empty_side() {
        let poisson = stats::rate_ratio(20, 10_000, 10, 10_000, 0.95).unwrap();
        let same = clustered_rate_ratio(20, 10_000, 1.0, 10, 10_000, 1.0, 0.95).unwrap();
        assert_eq!(same, poisson);
        let wide = clustered_rate_ratio(20, 10_000, 4.0, 10, 10_000, 1.0, 0.95).unwrap();
        assert_eq!(wide.ratio, poisson.ratio);
        // se = sqrt(4/20 + 1/10) against sqrt(1/20 + 1/10).
        let z = stats::z_value(0.95);
        assert!((wide.interval.high - (2.0f64.ln() + z * 0.3f64.sqrt()).exp()).abs() < 1e-9);
        let empty = clustered_rate_ratio(7, 46_849, 3.0, 0, 75_383, 1.0, 0.95).unwrap();
        assert!(empty.corrected);
        let total = (46_849 + 75_383) as f64;
        let (x, y) = (7.0 + 46_849.0 / total, 75_383.0 / total);
        let se = (3.0 / x + 3.0 / y).sqrt();
        assert!((empty.interval.low - (empty.log_ratio - z * se).exp()).abs() < 1e-9);
        assert!(empty.interval.low < 1.0);
        assert!(clustered_rate_ratio(0, 10, 2.0, 0, 10, 2.0, 0.95).is_none());
    }

    fn structured_doc() -> DocSummary {
        let turn = |speaker: Option<&str>, role, n_words| ParagraphTurn {
            speaker: speaker.map(str::to_string),
            role,
            n_words,
        };
        DocSummary {
            kept: None,
            id: "d".into(),
            date: NaiveDate::from_ymd_opt(2017, 9, 5).unwrap(),
            speaker: "Putin".into(),
            source: "kremlin.ru".into(),
            kind: Kind::PressConference,
            lang: Lang::En,
            n_words: 100,
            n_paragraphs: 5,
            paragraphs: vec![
                turn(Some("Question"), Role::Journalist, 10),
                turn(Some("Putin"), Role::Official, 40),
                turn(Some("Putin"), Role::Official, 20),
                turn(Some("Question"), Role::Journalist, 10),
                turn(Some("Putin"), Role::Official, 20),
            ],
        }
    }

    /// Key, group, words and paragraphs of each turn cluster of `doc` by turn speaker.
    fn turn_clusters(doc: &DocSummary) -> Vec<(u32, String, u64, u64)> {
        clusters(doc, Some(GroupBy::TurnSpeaker), ClusterUnit::Turn)
            .into_iter()
            .map(|c| (c.key, c.unit.group, c.unit.n_words, c.unit.n_paragraphs))
            .collect()
    }

    #[test]
    fn turns_are_runs_of_one_speaker() {
        let doc = structured_doc();
        let got = turn_clusters(&doc);
        assert_eq!(
            got,
            [
                (0, "Question".to_string(), 10, 1),
                (1, "Putin".to_string(), 60, 2),
                (2, "Question".to_string(), 10, 1),
                (3, "Putin".to_string(), 20, 1),
            ]
        );
        let keys: Vec<u32> = (0..6)
            .map(|p| cluster_of(&doc, p, ClusterUnit::Turn))
            .collect();
        assert_eq!(keys, [0, 1, 1, 2, 3, UNCOVERED]);
        // Whole documents: one cluster per group, key 0.
        let whole = clusters(&doc, None, ClusterUnit::Document);
        assert_eq!(
            (whole.len(), whole[0].key, whole[0].unit.n_words),
            (1, 0, 100)
        );
        assert_eq!(cluster_of(&doc, 4, ClusterUnit::Document), 0);
        assert_eq!("Turn".parse::<ClusterUnit>().unwrap(), ClusterUnit::Turn);
        assert!("sentence".parse::<ClusterUnit>().is_err());
    }

    #[test]
    fn a_paragraph_filter_keeps_only_the_turns_with_kept_paragraphs() {
        let mut doc = structured_doc();
        doc.keep_paragraphs(vec![false, false, true, false, true]);
        assert_eq!((doc.n_words, doc.n_paragraphs), (40, 2));
        let got = turn_clusters(&doc);
        // Keys stay those of the whole document, so matches find their turn.
        assert_eq!(
            got,
            [
                (1, "Putin".to_string(), 20, 1),
                (3, "Putin".to_string(), 20, 1)
            ]
        );
        let whole = clusters(&doc, None, ClusterUnit::Document);
        assert_eq!((whole[0].unit.n_words, whole[0].unit.n_paragraphs), (40, 2));
    }

    /// A Poisson draw with this mean (Knuth's product of uniforms; means here stay far
    /// below the ~700 where `exp(-mean)` underflows).
    fn poisson(rng: &mut ChaCha8Rng, mean: f64) -> u64 {
        let limit = (-mean).exp();
        let mut product: f64 = rng.random();
        let mut count = 0;
        while product > limit {
            product *= rng.random::<f64>();
            count += 1;
        }
        count
    }

    /// A corpus of 60 documents of 300 to 5,000 words at a true rate of 20 per 10k words:
    /// (matches, words) per document. Clustered: each document's rate is multiplied by an
    /// exponential draw (Gamma(1, 1)), so counts are negative binomial with variance up to
    /// ten times the Poisson one here.
    fn corpus(rng: &mut ChaCha8Rng, clustered: bool) -> Vec<(u64, u64)> {
        (0..60)
            .map(|_| {
                let words: u64 = rng.random_range(300..5_000);
                let factor = if clustered {
                    -(1.0 - rng.random::<f64>()).ln()
                } else {
                    1.0
                };
                (
                    poisson(rng, 20.0 / stats::RATE_SCALE * words as f64 * factor),
                    words,
                )
            })
            .collect()
    }

    /// Coverage of nominal 95% intervals over simulated corpora (see [`corpus`]). Fixed
    /// seeds; 600 draws each, so the binomial standard error of a coverage of 0.95 is 0.009.
    #[test]
    fn nominal_95_intervals_cover_the_true_rate() {
        let coverage = |clustered: bool, seed: u64, poisson_only: bool| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let draws = 600;
            let covered = (0..draws)
                .filter(|_| {
                    let docs = corpus(&mut rng, clustered);
                    let i = if poisson_only {
                        let (x, w) = docs.iter().fold((0, 0), |(x, w), d| (x + d.0, w + d.1));
                        stats::rate_interval_per_10k(x, w, 0.95).unwrap()
                    } else {
                        interval(&docs)
                    };
                    i.low <= 20.0 && 20.0 <= i.high
                })
                .count();
            covered as f64 / draws as f64
        };
        let independent = coverage(false, 7, false);
        let clustered = coverage(true, 11, false);
        assert!((0.92..=0.97).contains(&independent), "{independent}");
        assert!((0.92..=0.97).contains(&clustered), "{clustered}");
        // The Poisson interval would not do: on clustered data it covers far less often.
        let poisson_on_clustered = coverage(true, 11, true);
        assert!(poisson_on_clustered < 0.8, "{poisson_on_clustered}");
    }
}
