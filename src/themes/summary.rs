//! Per-theme totals of a count, and the collisions between themes.
//!
//! A collision is a pair of matches of two different themes in one paragraph whose byte
//! spans intersect: the same words count for both themes (each theme keeps its match, as
//! the overlap policy is per theme), and the summary says how often that happened.

use rustc_hash::FxHashMap;

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
    let n = set.themes.len();
    let mut matches = vec![0u64; n];
    let mut paragraphs = vec![0u64; n];
    let mut documents = vec![0u64; n];
    // Per theme, the last (document, paragraph) counted: matches are visited document by
    // document in paragraph order, so a new one is a first (and a new document too).
    let mut last_paragraph = vec![(usize::MAX, usize::MAX); n];
    let mut collisions: FxHashMap<(usize, usize), u64> = FxHashMap::default();
    // The place of each theme string met, by its address and length: the matches are
    // borrowed for the whole call, so one address is one string throughout, and most
    // matches share a few strings (hashing an address is cheaper than hashing and comparing
    // the id).
    let mut by_address: FxHashMap<(usize, usize), Option<usize>> = FxHashMap::default();
    let mut place = |theme: &str| {
        *by_address
            .entry((theme.as_ptr() as usize, theme.len()))
            .or_insert_with(|| order.get(theme).copied())
    };
    let mut sorted = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        // The matches of the set's themes with their theme's place, in paragraph order.
        sorted.clear();
        sorted.extend(
            doc.matches
                .iter()
                .filter_map(|m| place(&m.theme).map(|t| (m, t))),
        );
        sorted.sort_by_key(|(m, _)| (m.para, m.start));
        for &(m, t) in &sorted {
            matches[t] += 1;
            if last_paragraph[t] != (d, m.para) {
                if last_paragraph[t].0 != d {
                    documents[t] += 1;
                }
                last_paragraph[t] = (d, m.para);
                paragraphs[t] += 1;
            }
        }
        for (i, &(m, a)) in sorted.iter().enumerate() {
            for &(other, b) in &sorted[i + 1..] {
                if other.para != m.para || other.start >= m.end {
                    break;
                }
                if a != b {
                    *collisions.entry((a.min(b), a.max(b))).or_default() += 1;
                }
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
            paragraphs: paragraphs[i],
            documents: documents[i],
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rustc_hash::FxHashSet;
    use std::sync::Arc;

    use super::*;
    use crate::themes::ThemeMatch;
    use crate::themes::builtin_theme_set;
    use crate::themes::sample::fixtures::doc;

    /// The totals and collisions by their definitions: sets of distinct paragraphs and
    /// documents, and every pair of overlapping matches of two themes.
    fn by_definition(
        set: &ThemeSet,
        docs: &[DocThemeMatches],
    ) -> (Vec<(u64, u64, u64)>, Vec<Collision>) {
        let place = |id: &str| set.themes.iter().position(|t| t.id == id);
        let mut totals = vec![(0, FxHashSet::default(), FxHashSet::default()); set.themes.len()];
        let mut pairs: FxHashMap<(usize, usize), u64> = FxHashMap::default();
        for (d, doc) in docs.iter().enumerate() {
            for (i, m) in doc.matches.iter().enumerate() {
                let Some(a) = place(&m.theme) else { continue };
                totals[a].0 += 1;
                totals[a].1.insert((d, m.para));
                totals[a].2.insert(d);
                for (j, o) in doc.matches.iter().enumerate() {
                    let Some(b) = place(&o.theme) else { continue };
                    let overlap = o.para == m.para && o.start < m.end && m.start < o.end;
                    if i < j && a != b && overlap {
                        *pairs.entry((a.min(b), a.max(b))).or_default() += 1;
                    }
                }
            }
        }
        let mut pairs: Vec<_> = pairs.into_iter().collect();
        pairs.sort_by_key(|&(pair, n)| (std::cmp::Reverse(n), pair));
        let collisions = pairs
            .into_iter()
            .map(|((a, b), spans)| Collision {
                a: set.themes[a].id.clone(),
                b: set.themes[b].id.clone(),
                spans,
            })
            .collect();
        let totals = totals
            .into_iter()
            .map(|(m, p, d)| (m, p.len() as u64, d.len() as u64))
            .collect();
        (totals, collisions)
    }

    static SET: std::sync::LazyLock<ThemeSet> =
        std::sync::LazyLock::new(|| builtin_theme_set().unwrap());

    proptest! {
        /// Counted in one pass per document, the totals and collisions are those of the
        /// definitions, whatever the order of a document's matches (and with matches of a
        /// theme outside the set).
        #[test]
        fn one_pass_totals_are_the_definitions(
            docs in prop::collection::vec(
                prop::collection::vec(
                    (0usize..11, 0usize..4, 0usize..30, 1usize..12, any::<bool>()),
                    0..25,
                ),
                0..6,
            ),
        ) {
            let set = &*SET;
            let ids: Vec<String> = set.themes.iter().map(|t| t.id.clone()).collect();
            // Theme strings shared by many matches (as a matcher gives them), or each its own.
            let shared: Vec<Arc<str>> = ids.iter().map(|id| Arc::from(id.as_str())).collect();
            let outside: Arc<str> = Arc::from("not_in_the_set");
            let docs: Vec<DocThemeMatches> = docs
                .iter()
                .enumerate()
                .map(|(k, hits)| {
                    let mut d = doc(&format!("d{k}"), 4, &[]);
                    d.matches = hits
                        .iter()
                        .map(|&(t, para, start, len, share)| ThemeMatch {
                            theme: match (share, shared.get(t)) {
                                (true, Some(arc)) => arc.clone(),
                                (true, None) => outside.clone(),
                                (false, _) => {
                                    ids.get(t).map_or("not_in_the_set", |s| s.as_str()).into()
                                }
                            },
                            para,
                            sentence: 0,
                            start,
                            end: start + len,
                            rule: "r".into(),
                        })
                        .collect();
                    d
                })
                .collect();
            let summary = summarize(set, &docs);
            let (totals, collisions) = by_definition(set, &docs);
            let got: Vec<(u64, u64, u64)> = summary
                .themes
                .iter()
                .map(|t| (t.matches, t.paragraphs, t.documents))
                .collect();
            prop_assert_eq!(got, totals);
            prop_assert_eq!(summary.collisions, collisions);
        }
    }
}
