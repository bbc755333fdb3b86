//! Choosing where a model's score makes a paragraph count.
//!
//! Contract: given held-out scores with their gold labels (and, for `either`, whether the
//! rules already found the paragraph), [`best_threshold`] returns the cut that maximises F1
//! of "counted when the rules found it or the score is above the cut". Candidate cuts are
//! the midpoints between neighbouring distinct scores and 1 (nothing passes); among equal
//! F1 the highest cut wins (fewer model hits), so the choice is deterministic.

/// One held-out paragraph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    /// The model's probability.
    pub score: f64,
    /// The gold label.
    pub gold: bool,
    /// Whether it counts without the model (the rules found it, in `either` mode).
    pub already: bool,
}

/// The chosen cut and the F1 it gives on the scored paragraphs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cut {
    /// A paragraph counts by the model when its score is above this.
    pub threshold: f64,
    /// F1 at that cut.
    pub f1: f64,
}

/// The cut maximising F1 (see the module doc).
pub fn best_threshold(items: &[Scored]) -> Cut {
    let gold = items.iter().filter(|s| s.gold).count();
    // Paragraphs the model can add, by score, highest first.
    let mut open: Vec<&Scored> = items.iter().filter(|s| !s.already).collect();
    open.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut tp = items.iter().filter(|s| s.already && s.gold).count();
    let mut predicted = items.iter().filter(|s| s.already).count();
    let f1 = |tp: usize, predicted: usize| {
        if gold + predicted == 0 {
            0.0
        } else {
            2.0 * tp as f64 / (gold + predicted) as f64
        }
    };
    let mut best = Cut {
        threshold: 1.0,
        f1: f1(tp, predicted),
    };
    let mut i = 0;
    while i < open.len() {
        let score = open[i].score;
        // Every paragraph of this score passes together.
        while i < open.len() && open[i].score == score {
            predicted += 1;
            tp += usize::from(open[i].gold);
            i += 1;
        }
        let below = open.get(i).map_or(0.0, |s| s.score);
        let here = f1(tp, predicted);
        if here > best.f1 {
            best = Cut {
                threshold: (score + below) / 2.0,
                f1: here,
            };
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(score: f64, gold: bool) -> Scored {
        Scored {
            score,
            gold,
            already: false,
        }
    }

    #[test]
    fn the_cut_maximises_f1_and_prefers_fewer_hits() {
        let items = [
            s(0.9, true),
            s(0.8, true),
            s(0.7, false),
            s(0.6, true),
            s(0.1, false),
        ];
        // Cuts: top 2 (F1 2*2/(3+2) = 0.8), top 4 (2*3/(3+4) = 0.857), top 1 (0.5).
        let cut = best_threshold(&items);
        assert!((cut.f1 - 6.0 / 7.0).abs() < 1e-12, "{cut:?}");
        assert!((cut.threshold - 0.35).abs() < 1e-12, "{cut:?}");
        // Top 1 and top 4 both give 2/3: the higher cut is kept.
        let tie = [s(0.9, true), s(0.8, false), s(0.7, false), s(0.6, true)];
        let cut = best_threshold(&tie);
        assert!((cut.threshold - 0.85).abs() < 1e-12, "{cut:?}");
        assert!((cut.f1 - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn equal_scores_pass_together_and_nothing_useful_means_never() {
        let items = [s(0.5, true), s(0.5, false), s(0.5, false), s(0.5, false)];
        let cut = best_threshold(&items);
        assert_eq!(cut.threshold, 0.25);
        let useless = [s(0.9, false), s(0.8, false)];
        assert_eq!(best_threshold(&useless).threshold, 1.0);
        assert_eq!(best_threshold(&[]).threshold, 1.0);
    }

    #[test]
    fn with_rules_only_the_paragraphs_they_miss_are_the_models() {
        let ruled = Scored {
            score: 0.01,
            gold: true,
            already: true,
        };
        // Rules find one of two positives; the model's 0.9 adds the other, its 0.8 a false one.
        let items = [ruled, s(0.9, true), s(0.8, false), s(0.1, false)];
        let cut = best_threshold(&items);
        assert!((cut.threshold - 0.85).abs() < 1e-12, "{cut:?}");
        assert_eq!(cut.f1, 1.0);
    }
}
