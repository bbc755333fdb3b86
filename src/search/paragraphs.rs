//! A query evaluated paragraph by paragraph, for theme counting rather than ranking: which
//! paragraphs of a stored document satisfy a query on their own (`--para`), and where the
//! query's words and phrases occur in those paragraphs (term counts, `trends --term`).
//!
//! Semantics, as for the turn verification of [`super::turns`]: field-less and `text:`
//! leaves see the one paragraph, `title:` leaves the title and keyword leaves the metadata
//! (so `title:korea` keeps every paragraph of a document with Korea in its title). Boolean
//! structure is evaluated per paragraph: `sanctions NOT korea` keeps a paragraph that
//! mentions sanctions and not Korea, whatever its neighbours say.
//!
//! A hit is an occurrence of a positive leaf (one not under `NOT`) in a paragraph that
//! satisfies the query; hits of one paragraph whose byte spans intersect are merged into
//! one covering their union (spans that only touch stay apart), as a theme's matches are.
//! Words and phrases are found with the index analyzer ([`super::matcher`]), so a hit is
//! exactly what `statemine search` highlights.

use super::matcher::{Span, Target, TokenIndex, find_spans};
use super::scan::Scanner;
use super::turns;
use crate::document::Document;
use crate::query::Plan;

/// One occurrence of a query's positive word or phrase in a paragraph that satisfies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParagraphHit {
    /// 0-based paragraph index in the text split on `\n`.
    pub para: usize,
    /// Byte offset of the first matched byte within the paragraph.
    pub start: usize,
    /// Byte offset just past the match within the paragraph.
    pub end: usize,
}

/// Evaluates queries on the paragraphs of stored documents; holds the reusable stemmers
/// and caches, so keep one per thread.
#[derive(Default)]
pub struct ParagraphScanner {
    scanner: Scanner,
}

/// The spans of a query in one document, grouped by paragraph.
struct Found {
    /// Start byte of each paragraph in the text.
    starts: Vec<usize>,
    /// Text spans with their paragraph index, in paragraph order.
    text: Vec<(usize, Span)>,
    /// Which text leaves occur in the title.
    in_title: Vec<bool>,
}

impl ParagraphScanner {
    /// One flag per paragraph of `doc` (its text split on `\n`): whether that paragraph
    /// satisfies `plan` on its own.
    pub fn matching_paragraphs(&mut self, plan: &Plan, doc: &Document) -> Vec<bool> {
        let found = self.find(plan, doc);
        let mut keep = vec![false; found.starts.len()];
        // A paragraph without spans is the same for every such paragraph: evaluate once.
        let empty = vec![false; plan.text_leaves];
        let without_spans = turns::evaluate_leaves(plan, doc, &empty, &found.in_title);
        let mut next = 0;
        for (para, flag) in keep.iter_mut().enumerate() {
            let first = next;
            while next < found.text.len() && found.text[next].0 == para {
                next += 1;
            }
            *flag = if first == next {
                without_spans
            } else {
                paragraph_holds(plan, doc, &found.text[first..next], &found.in_title)
            };
        }
        keep
    }

    /// The hits of `plan` in `doc` (see the module doc), in text order.
    pub fn hits(&mut self, plan: &Plan, doc: &Document) -> Vec<ParagraphHit> {
        let found = self.find(plan, doc);
        let mut hits: Vec<ParagraphHit> = Vec::new();
        let mut next = 0;
        while next < found.text.len() {
            let para = found.text[next].0;
            let first = next;
            while next < found.text.len() && found.text[next].0 == para {
                next += 1;
            }
            let spans = &found.text[first..next];
            if !spans.iter().any(|(_, s)| s.positive)
                || !paragraph_holds(plan, doc, spans, &found.in_title)
            {
                continue;
            }
            let base = found.starts[para];
            let mut ranges: Vec<(usize, usize)> = spans
                .iter()
                .filter(|(_, s)| s.positive)
                .map(|(_, s)| (s.start - base, s.end - base))
                .collect();
            ranges.sort_unstable();
            let at = hits.len();
            for (start, end) in ranges {
                if let Some(last) = hits[at..].last_mut()
                    && start < last.end
                {
                    last.end = last.end.max(end);
                } else {
                    hits.push(ParagraphHit { para, start, end });
                }
            }
        }
        hits
    }

    fn find(&mut self, plan: &Plan, doc: &Document) -> Found {
        let mut starts = Vec::new();
        let mut at = 0;
        for paragraph in doc.paragraphs() {
            starts.push(at);
            at += paragraph.len() + 1;
        }
        let mut text = Vec::new();
        for paragraph in self
            .scanner
            .paragraphs(plan, doc.lang, &doc.text, &|_| true)
        {
            let index = TokenIndex::new(&paragraph.tokens);
            text.extend(
                find_spans(plan, doc.lang, Target::Text, &index)
                    .into_iter()
                    .map(|s| (paragraph.para, s)),
            );
        }
        let mut in_title = vec![false; plan.text_leaves];
        let tokens = self.scanner.tokens(plan, doc.lang, &doc.title);
        for span in find_spans(plan, doc.lang, Target::Title, &TokenIndex::new(&tokens)) {
            in_title[span.leaf] = true;
        }
        Found {
            starts,
            text,
            in_title,
        }
    }
}

/// Whether a paragraph whose spans are `spans` satisfies `plan`.
fn paragraph_holds(
    plan: &Plan,
    doc: &Document,
    spans: &[(usize, Span)],
    in_title: &[bool],
) -> bool {
    let mut in_text = vec![false; plan.text_leaves];
    for (_, span) in spans {
        in_text[span.leaf] = true;
    }
    turns::evaluate_leaves(plan, doc, &in_text, in_title)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Lang;
    use crate::document::test_document as doc;

    fn keep(query: &str, doc: &Document) -> Vec<bool> {
        let plan = Plan::parse(query).unwrap();
        ParagraphScanner::default().matching_paragraphs(&plan, doc)
    }

    fn hits(query: &str, doc: &Document) -> Vec<(usize, String)> {
        let plan = Plan::parse(query).unwrap();
        let paragraphs: Vec<&str> = doc.paragraphs().collect();
        ParagraphScanner::default()
            .hits(&plan, doc)
            .into_iter()
            .map(|h| (h.para, paragraphs[h.para][h.start..h.end].to_string()))
            .collect()
    }

    const TEXT: &str = "Sanctions against Korea.\n\nThe DPRK tested a missile. Pyongyang again.\nSanctions are useless.";

    #[test]
    fn each_paragraph_is_judged_on_its_own() {
        let d = doc(Lang::En, "Talks", TEXT);
        assert_eq!(keep("korea OR dprk", &d), [true, false, true, false]);
        assert_eq!(keep("sanctions korea", &d), [true, false, false, false]);
        assert_eq!(keep("sanctions NOT korea", &d), [false, false, false, true]);
        assert_eq!(keep("NOT korea", &d), [false, true, true, true]);
        assert_eq!(
            keep("\"tested a missile\"", &d),
            [false, false, true, false]
        );
    }

    #[test]
    fn title_and_metadata_leaves_hold_for_every_paragraph() {
        let d = doc(Lang::En, "Korea talks", TEXT);
        assert_eq!(keep("title:korea", &d), [true; 4]);
        assert_eq!(
            keep("title:korea sanctions", &d),
            [true, false, false, true]
        );
        assert_eq!(
            keep("kind:transcript dprk", &d),
            [false, false, true, false]
        );
        assert_eq!(keep("kind:news dprk", &d), [false; 4]);
        // A field-less word is looked for in the paragraph, not the title.
        assert_eq!(keep("talks", &d), [false; 4]);
    }

    #[test]
    fn russian_words_are_stemmed_and_prefixes_match() {
        let d = doc(
            Lang::Ru,
            "",
            "Ситуация на Корейском полуострове.\nО КНДР.\nСанкции бесполезны.",
        );
        assert_eq!(keep("коре* OR кндр", &d), [true, true, false]);
        // `корея*` is the words starting with `корея` and their stem's (`Корея`, `Кореи`),
        // not the adjective `корейский`.
        assert_eq!(keep("корея* OR кндр", &d), [false, true, false]);
        assert_eq!(keep("санкциям", &d), [false, false, true]);
    }

    #[test]
    fn hits_are_positive_occurrences_in_satisfying_paragraphs() {
        let d = doc(Lang::En, "", TEXT);
        assert_eq!(
            hits("korea OR dprk OR pyongyang", &d),
            [
                (0, "Korea".to_string()),
                (2, "DPRK".to_string()),
                (2, "Pyongyang".to_string())
            ]
        );
        // The second paragraph about sanctions names Korea: only the first counts.
        assert_eq!(
            hits("sanctions NOT dprk", &d),
            [(0, "Sanctions".to_string()), (3, "Sanctions".to_string())]
        );
        assert_eq!(
            hits("sanctions korea", &d),
            [(0, "Sanctions".to_string()), (0, "Korea".to_string())]
        );
        assert!(hits("NOT korea", &d).is_empty());
    }

    #[test]
    fn overlapping_hits_merge_and_touching_ones_do_not() {
        let d = doc(Lang::En, "", "North Korea and South Korea.");
        assert_eq!(
            hits("\"north korea\" OR korea", &d),
            [(0, "North Korea".to_string()), (0, "Korea".to_string())]
        );
    }
}
