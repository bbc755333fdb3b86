//! Per-theme totals of a count, and the collisions between themes.
//!
//! A collision is a pair of matches of two different themes in one paragraph whose byte
//! spans intersect: the same words count for both themes (each theme keeps its match, as
//! the overlap policy is per theme), and the summary says how often that happened.

use rustc_hash::{FxHashMap, FxHashSet};

use serde::Serialize;

use super::{DocThemeMatches, ThemeSet};

/// Totals of one theme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThemeTotals {
    /// Theme id.
    pub theme: String,
    /// Theme label.
    pub label: String,
    /// Matches (after the overlap policy).
    pub matches: u64,
    /// Distinct paragraphs with at least one match.
    pub paragraphs: u64,
    /// Distinct documents with at least one match.
    pub documents: u64,
}

/// How often two themes matched intersecting spans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Collision {
    /// The theme declared first.
    pub a: String,
    /// The theme declared later.
    pub b: String,
    /// Pairs of intersecting matches.
    pub spans: u64,
}

/// Totals of a whole count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountSummary {
    /// Documents counted.
    pub documents: u64,
    /// One entry per theme of the set, in set order (zero rows included).
    pub themes: Vec<ThemeTotals>,
    /// Theme pairs that matched intersecting spans, most frequent first.
    pub collisions: Vec<Collision>,
}

/// Sums `docs` per theme of `set` and finds the collisions.
pub fn summarize(set: &ThemeSet, docs: &[DocThemeMatches]) -> CountSummary {
    // Fx hashing: these maps see every match of a count, and nothing is read from their
    // iteration order.
    let order: FxHashMap<&str, usize> = set
        .themes
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    let mut matches = vec![0u64; set.themes.len()];
    let mut paragraphs: Vec<FxHashSet<(usize, usize)>> =
        vec![FxHashSet::default(); set.themes.len()];
    let mut documents: Vec<FxHashSet<usize>> = vec![FxHashSet::default(); set.themes.len()];
    let mut collisions: FxHashMap<(usize, usize), u64> = FxHashMap::default();
    for (d, doc) in docs.iter().enumerate() {
        for m in &doc.matches {
            let Some(&t) = order.get(&*m.theme) else {
                continue;
            };
            matches[t] += 1;
            paragraphs[t].insert((d, m.para));
            documents[t].insert(d);
        }
        let mut sorted: Vec<_> = doc.matches.iter().collect();
        sorted.sort_by_key(|m| (m.para, m.start));
        for (i, m) in sorted.iter().enumerate() {
            for other in &sorted[i + 1..] {
                if other.para != m.para || other.start >= m.end {
                    break;
                }
                if other.theme == m.theme {
                    continue;
                }
                let (Some(&a), Some(&b)) = (order.get(&*m.theme), order.get(&*other.theme)) else {
                    continue;
                };
                *collisions.entry((a.min(b), a.max(b))).or_default() += 1;
            }
        }
    }
    let themes = set
        .themes
        .iter()
        .enumerate()
        .map(|(i, t)| ThemeTotals {
            theme: t.id.clone(),
            label: t.label.clone(),
            matches: matches[i],
            paragraphs: paragraphs[i].len() as u64,
            documents: documents[i].len() as u64,
        })
        .collect();
    let mut collisions: Vec<((usize, usize), u64)> = collisions.into_iter().collect();
    collisions.sort_by_key(|&(pair, n)| (std::cmp::Reverse(n), pair));
    CountSummary {
        documents: docs.len() as u64,
        themes,
        collisions: collisions
            .into_iter()
            .map(|((a, b), spans)| Collision {
                a: set.themes[a].id.clone(),
                b: set.themes[b].id.clone(),
                spans,
            })
            .collect(),
    }
}
