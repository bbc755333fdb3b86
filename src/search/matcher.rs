//! Where a query's words and phrases occur in a stored text: byte spans found with the same
//! analyzer as the index, so a highlighted span is exactly what the engine matched.
//!
//! Contract: given the tokens of one paragraph or title (see [`super::scan`]), a phrase is
//! found here iff Tantivy's phrase query sees it there (one running across a paragraph
//! break is not highlighted, as passages never cross paragraphs). A phrase span covers its first to its last word, including the words between them (for
//! slop); phrase slop follows Tantivy: with each word's position shifted back by its offset
//! in the phrase, the sum of the distances between consecutive words is at most the slop.

use std::collections::HashMap;

use crate::document::Lang;
use crate::query::plan::{Pattern, Plan, TextLeaf};
use crate::text::AnalyzedToken;

/// One occurrence of a text leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    /// Id of the text leaf.
    pub(crate) leaf: usize,
    /// Whether the leaf is positive (not under NOT).
    pub(crate) positive: bool,
    /// Byte offset of the first matched byte.
    pub(crate) start: usize,
    /// Byte offset just past the match.
    pub(crate) end: usize,
    /// Whether the span is a multi-word phrase.
    pub(crate) phrase: bool,
}

/// Which stored string is searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// The body (`text:` and field-less leaves).
    Text,
    /// The title (`title:` and field-less leaves).
    Title,
}

/// Tokens of one analyzed string (in position order), indexed by stem.
pub(crate) struct TokenIndex<'a> {
    tokens: &'a [AnalyzedToken],
    by_stem: HashMap<&'a str, Vec<usize>>,
}

impl<'a> TokenIndex<'a> {
    /// Indexes `tokens` (as returned by the analyzer, in order).
    pub(crate) fn new(tokens: &'a [AnalyzedToken]) -> TokenIndex<'a> {
        let mut by_stem: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, token) in tokens.iter().enumerate() {
            // An empty stem is a token the query cannot match (see `scan`).
            if !token.stem.is_empty() {
                by_stem.entry(token.stem.as_str()).or_default().push(i);
            }
        }
        TokenIndex { tokens, by_stem }
    }

    /// The token at `position`, if one is there (positions skip dropped long tokens).
    fn at_position(&self, position: usize) -> Option<usize> {
        self.tokens
            .binary_search_by_key(&position, |t| t.position)
            .ok()
    }
}

/// Every span of the plan's text leaves that apply to `target`, sorted by start.
pub(crate) fn find_spans(
    plan: &Plan,
    lang: Lang,
    target: Target,
    index: &TokenIndex<'_>,
) -> Vec<Span> {
    let mut spans = Vec::new();
    plan.for_each_text_leaf(&mut |leaf: &TextLeaf| {
        let applies = match target {
            Target::Text => leaf.scope.in_text(),
            Target::Title => leaf.scope.in_title(),
        };
        if applies {
            leaf_spans(leaf, leaf.pattern(lang), index, &mut spans);
        }
    });
    spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end), s.leaf));
    spans
}

fn leaf_spans(leaf: &TextLeaf, pattern: &Pattern, index: &TokenIndex<'_>, out: &mut Vec<Span>) {
    let tokens = index.tokens;
    let span = |first: usize, last: usize, phrase: bool| Span {
        leaf: leaf.id,
        positive: leaf.positive,
        start: tokens[first].start,
        end: tokens[last].end,
        phrase,
    };
    match pattern {
        Pattern::Term(stem) => {
            for &i in index.by_stem.get(stem.as_str()).into_iter().flatten() {
                out.push(span(i, i, false));
            }
        }
        Pattern::Prefix { .. } => {
            for (i, token) in tokens.iter().enumerate() {
                if pattern.prefix_selects(&token.stem) {
                    out.push(span(i, i, false));
                }
            }
        }
        Pattern::Phrase { terms, slop } => {
            let Some(starts) = index.by_stem.get(terms[0].1.as_str()) else {
                return;
            };
            for &first in starts {
                let found = if *slop == 0 {
                    exact_phrase_at(index, terms, first)
                } else {
                    let mut chosen = vec![first];
                    sloppy_phrase_from(index, terms, *slop, 0, &mut chosen).then(|| {
                        (
                            *chosen.iter().min().unwrap_or(&first),
                            *chosen.iter().max().unwrap_or(&first),
                        )
                    })
                };
                if let Some((lo, hi)) = found {
                    out.push(span(lo, hi, true));
                }
            }
        }
    }
}

/// The first and last token of the exact phrase starting at token `first`, if it is there.
fn exact_phrase_at(
    index: &TokenIndex<'_>,
    terms: &[(usize, String)],
    first: usize,
) -> Option<(usize, usize)> {
    let base = index.tokens[first].position;
    let mut last = first;
    for (offset, stem) in &terms[1..] {
        let i = index.at_position(base + offset)?;
        if index.tokens[i].stem != *stem {
            return None;
        }
        last = last.max(i);
    }
    Some((first, last))
}

/// Extends `chosen` (tokens of terms `0..=k`) to a full phrase within the slop budget.
fn sloppy_phrase_from(
    index: &TokenIndex<'_>,
    terms: &[(usize, String)],
    budget: u32,
    k: usize,
    chosen: &mut Vec<usize>,
) -> bool {
    if k + 1 == terms.len() {
        return true;
    }
    let tokens = index.tokens;
    let normalized = |i: usize, term: usize| tokens[i].position as i64 - terms[term].0 as i64;
    let previous = normalized(chosen[k], k);
    let Some(candidates) = index.by_stem.get(terms[k + 1].1.as_str()) else {
        return false;
    };
    for &next in candidates {
        if chosen.contains(&next) {
            continue;
        }
        let distance = (normalized(next, k + 1) - previous).unsigned_abs();
        if distance > u64::from(budget) {
            continue;
        }
        chosen.push(next);
        if sloppy_phrase_from(index, terms, budget - distance as u32, k + 1, chosen) {
            return true;
        }
        chosen.pop();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse;
    use crate::text::Analyzer;

    fn spans(query: &str, lang: Lang, text: &str) -> Vec<(String, bool)> {
        let mut analyzer = Analyzer::default();
        let plan = Plan::new(&parse(query).unwrap(), &mut analyzer).unwrap();
        let tokens = analyzer.tokens(lang, text);
        let index = TokenIndex::new(&tokens);
        find_spans(&plan, lang, Target::Text, &index)
            .into_iter()
            .map(|s| (text[s.start..s.end].to_string(), s.phrase))
            .collect()
    }

    #[test]
    fn terms_match_every_inflected_form() {
        assert_eq!(
            spans("sanctions", Lang::En, "One sanction, then more Sanctions."),
            [("sanction".into(), false), ("Sanctions".into(), false)]
        );
        assert_eq!(
            spans(
                "санкциям",
                Lang::Ru,
                "Санкции не работают, от санкций один вред."
            ),
            [("Санкции".into(), false), ("санкций".into(), false)]
        );
    }

    #[test]
    fn an_exact_phrase_is_one_span_across_punctuation() {
        let text = "We said sanctions are useless. Sanctions, are - useless!";
        assert_eq!(
            spans("\"sanctions are useless\"", Lang::En, text),
            [
                ("sanctions are useless".into(), true),
                ("Sanctions, are - useless".into(), true)
            ]
        );
        assert!(spans("\"useless sanctions\"", Lang::En, "sanctions are useless").is_empty());
    }

    #[test]
    fn slop_allows_words_in_between_and_counts_a_swap_as_two() {
        let text = "Sanctions are absolutely and totally useless.";
        assert!(spans("\"sanctions useless\"~3", Lang::En, text).is_empty());
        assert_eq!(
            spans("\"sanctions useless\"~4", Lang::En, text),
            [("Sanctions are absolutely and totally useless".into(), true)]
        );
        let swapped = "useless sanctions";
        assert!(spans("\"sanctions useless\"~1", Lang::En, swapped).is_empty());
        assert_eq!(
            spans("\"sanctions useless\"~2", Lang::En, swapped),
            [("useless sanctions".into(), true)]
        );
    }

    #[test]
    fn a_three_word_phrase_spends_one_budget() {
        let text = "a x b y c";
        assert!(spans("\"a b c\"~1", Lang::En, text).is_empty());
        assert_eq!(
            spans("\"a b c\"~2", Lang::En, text),
            [("a x b y c".into(), true)]
        );
    }

    #[test]
    fn prefixes_match_stems() {
        assert_eq!(
            spans("sanc*", Lang::En, "Sanctioned sanctity, no sand."),
            [("Sanctioned".into(), false), ("sanctity".into(), false)]
        );
    }

    #[test]
    fn title_only_leaves_do_not_match_text_and_negatives_are_marked() {
        assert!(spans("title:korea", Lang::En, "Korea").is_empty());
        let mut analyzer = Analyzer::default();
        let plan = Plan::new(&parse("peace -korea").unwrap(), &mut analyzer).unwrap();
        let tokens = analyzer.tokens(Lang::En, "korea peace");
        let found = find_spans(&plan, Lang::En, Target::Text, &TokenIndex::new(&tokens));
        assert_eq!(
            found
                .iter()
                .map(|s| (s.leaf, s.positive))
                .collect::<Vec<_>>(),
            [(1, false), (0, true)]
        );
    }
}
