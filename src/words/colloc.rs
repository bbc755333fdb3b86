//! Collocates: the terms that occur within a window of tokens around a node term.
//!
//! Contract: the node is one word, read as a term of each language (its stem, or its
//! lowercase form with `TermForm::Surface`). A window is every token position within
//! `window` positions of a node token in the same paragraph (windows never cross a line
//! break: the next paragraph is often another speaker), counted once however many node
//! tokens it is near. Node tokens and stopwords are never collocates. For a term `w`, in
//! the universe of counted tokens that are not the node: O11 = tokens of `w` in windows,
//! R1 = tokens in windows, C1 = tokens of `w`, N = all. G2 is Rayson's log-likelihood of
//! `w`'s rate inside windows (O11 of R1) against outside (C1 - O11 of N - R1), signed
//! positive when `w` is more frequent inside (attracted); PMI = log2(O11 N / (R1 C1)).
//! Rows are sorted by signed G2.

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::terms::{Interner, STOPWORD};
use super::{Vocabulary, WordsError, WordsOptions};
use crate::analysis::stats::chi_square_1_p_value;
use crate::document::{Document, Lang};
use crate::index::{DocFilter, IndexStore};

/// The columns of a collocation table, in order.
pub const COLLOC_COLUMNS: [&str; 11] = [
    "node", "lang", "term", "form", "together", "count", "expected", "docs", "g2", "p_value", "pmi",
];

/// One collocate of the node.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CollocRow {
    /// Language.
    pub lang: &'static str,
    /// The stem or lowercase surface form.
    pub term: String,
    /// Its most frequent surface form.
    pub form: String,
    /// Tokens of the term in the node's windows (O11).
    pub together: u64,
    /// Tokens of the term anywhere (C1).
    pub count: u64,
    /// Tokens in windows expected if the term ignored the node: R1 C1 / N.
    pub expected: f64,
    /// Documents in which it occurs in a window of the node.
    pub docs: u64,
    /// Signed log-likelihood G2 (positive: attracted to the node).
    pub g2: f64,
    /// Chi-square (1 df) p-value of |G2|.
    pub p_value: f64,
    /// Pointwise mutual information, log2(O11 / expected).
    pub pmi: f64,
}

/// Collocates of a node.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CollocTable {
    /// The node as given.
    pub node: String,
    /// Window half-width in token positions.
    pub window: usize,
    /// Node tokens found.
    pub node_count: u64,
    /// Documents with a node token.
    pub node_docs: u64,
    /// Counted tokens in windows (R1).
    pub window_tokens: u64,
    /// Counted tokens that are not the node (N).
    pub tokens: u64,
    /// The collocates with at least the minimum count in windows, by signed G2.
    pub rows: Vec<CollocRow>,
}

/// Counts gathered over the documents.
#[derive(Default)]
struct Tally {
    /// Term -> (tokens anywhere, tokens in windows, documents in windows, last document).
    terms: FxHashMap<u32, [u64; 4]>,
    node_count: u64,
    node_docs: u64,
    window_tokens: u64,
    tokens: u64,
    documents: u64,
}

/// Per-paragraph buffers, reused.
#[derive(Default)]
struct Scratch {
    /// Term (or [`STOPWORD`]) by position; `None` for a dropped long token.
    terms: Vec<Option<u32>>,
    nodes: Vec<usize>,
    in_window: Vec<bool>,
}

/// The node term of each language (`None`: the node is a stopword of that language).
struct Node {
    text: [Option<String>; 2],
    ids: [Option<u32>; 2],
}

impl Node {
    fn new(interner: &Interner, node: &str) -> Result<Node, WordsError> {
        let mut words = Vec::new();
        crate::text::words::for_each_run(node, |start, end| words.push(&node[start..end]));
        if words.len() != 1 {
            return Err(WordsError::Term {
                term: node.into(),
                reason: format!("expected one word, found {}", words.len()),
            });
        }
        let text = [Lang::En, Lang::Ru].map(|lang| interner.term_text(lang, words[0]));
        if let Some(lang) = [Lang::En, Lang::Ru]
            .into_iter()
            .zip(&text)
            .find_map(|(lang, text)| text.is_none().then_some(lang))
        {
            return Err(WordsError::Term {
                term: node.into(),
                reason: format!("it is a stopword of {lang} (use --keep-stopwords)"),
            });
        }
        Ok(Node {
            text,
            ids: [None, None],
        })
    }

    /// Whether `term` of `lang` is the node (looked up once the node term has been seen).
    fn is(&mut self, interner: &Interner, lang: Lang, term: u32) -> bool {
        let slot = usize::from(lang == Lang::Ru);
        if self.ids[slot].is_none()
            && let Some(text) = &self.text[slot]
        {
            self.ids[slot] = interner.term_id(lang, text);
        }
        self.ids[slot] == Some(term)
    }
}

impl Tally {
    fn add(
        &mut self,
        interner: &mut Interner,
        node: &mut Node,
        scratch: &mut Scratch,
        doc: &Document,
        window: usize,
    ) {
        self.documents += 1;
        let doc_number = self.documents;
        let mut doc_has_node = false;
        for paragraph in doc.text.split('\n') {
            scratch.terms.clear();
            scratch.nodes.clear();
            interner.for_each_token(doc.lang, paragraph, |position, term| {
                scratch.terms.resize(position, None);
                scratch.terms.push(Some(term));
            });
            for (position, term) in scratch.terms.iter().enumerate() {
                let Some(term) = *term else { continue };
                if term == STOPWORD {
                    continue;
                }
                if node.is(interner, doc.lang, term) {
                    scratch.nodes.push(position);
                    self.node_count += 1;
                    continue;
                }
                self.tokens += 1;
                self.terms.entry(term).or_default()[0] += 1;
            }
            if scratch.nodes.is_empty() {
                continue;
            }
            doc_has_node = true;
            scratch.in_window.clear();
            scratch.in_window.resize(scratch.terms.len(), false);
            for &at in &scratch.nodes {
                let end = (at + window + 1).min(scratch.terms.len());
                for flag in &mut scratch.in_window[at.saturating_sub(window)..end] {
                    *flag = true;
                }
            }
            for &at in &scratch.nodes {
                scratch.in_window[at] = false;
            }
            for (position, term) in scratch.terms.iter().enumerate() {
                match *term {
                    Some(term) if term != STOPWORD && scratch.in_window[position] => {
                        self.window_tokens += 1;
                        let counts = self.terms.entry(term).or_default();
                        counts[1] += 1;
                        if counts[3] != doc_number {
                            counts[3] = doc_number;
                            counts[2] += 1;
                        }
                    }
                    _ => {}
                }
            }
        }
        self.node_docs += u64::from(doc_has_node);
    }

    fn table(
        &self,
        vocabulary: &Vocabulary,
        node: &str,
        window: usize,
        min_count: u64,
    ) -> CollocTable {
        let (r1, n) = (self.window_tokens, self.tokens);
        let mut rows: Vec<CollocRow> = self
            .terms
            .iter()
            .filter(|(_, c)| c[1] >= min_count.max(1))
            .map(|(&id, c)| {
                let term = &vocabulary.terms[id as usize];
                let (together, count) = (c[1], c[0]);
                let expected = r1 as f64 * count as f64 / n.max(1) as f64;
                // Inside windows against outside them (the node's own tokens are in neither).
                let (g2, _) =
                    super::keyness::signed_g2_and_log_ratio(together, r1, count - together, n - r1);
                CollocRow {
                    lang: term.lang.as_str(),
                    term: term.text.clone(),
                    form: term.form.clone(),
                    together,
                    count,
                    expected,
                    docs: c[2],
                    g2,
                    p_value: chi_square_1_p_value(g2.abs()),
                    pmi: (together as f64 / expected).log2(),
                }
            })
            .collect();
        rows.sort_by(|x, y| {
            y.g2.total_cmp(&x.g2)
                .then_with(|| x.lang.cmp(y.lang))
                .then_with(|| x.term.cmp(&y.term))
        });
        CollocTable {
            node: node.to_string(),
            window,
            node_count: self.node_count,
            node_docs: self.node_docs,
            window_tokens: r1,
            tokens: n,
            rows,
        }
    }
}

/// The collocates of `node` within `window` tokens in the documents of `store` selected by
/// `filter`, with at least `min_count` tokens in windows.
pub fn collocates(
    store: &IndexStore,
    filter: &DocFilter,
    options: &WordsOptions,
    node: &str,
    window: usize,
    min_count: u64,
) -> Result<CollocTable, WordsError> {
    let reader = store.scan_reader()?;
    let searcher = reader.searcher();
    let mut interner = Interner::new(options.form, options.stopwords.clone());
    let mut found = Node::new(&interner, node)?;
    let (mut tally, mut scratch) = (Tally::default(), Scratch::default());
    for address in store.select(&reader, filter)? {
        let (stored, _turns) = store.load_deferring_turns(&searcher, address)?;
        tally.add(&mut interner, &mut found, &mut scratch, &stored.doc, window);
    }
    Ok(tally.table(&interner.into_vocabulary(), node, window, min_count))
}

/// [`collocates`] over documents in memory (tests).
#[cfg(test)]
pub(crate) fn collocates_of_docs(
    docs: &[Document],
    options: &WordsOptions,
    node: &str,
    window: usize,
    min_count: u64,
) -> Result<CollocTable, WordsError> {
    let mut interner = Interner::new(options.form, options.stopwords.clone());
    let mut found = Node::new(&interner, node)?;
    let (mut tally, mut scratch) = (Tally::default(), Scratch::default());
    for doc in docs {
        tally.add(&mut interner, &mut found, &mut scratch, doc, window);
    }
    Ok(tally.table(&interner.into_vocabulary(), node, window, min_count))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::count::tests::doc;

    #[test]
    fn pmi_and_g2_match_hand_computed_values() {
        // One paragraph per line; node "korea", window 1, no stopwords.
        //   "x nuclear korea nuclear x"  -> windows: nuclear, nuclear
        //   "korea talks"                -> window: talks
        //   "nuclear x x x"              -> no node
        // Universe without node tokens: N = 4 + 1 + 4 = 9 (x 5, nuclear 3, talks 1);
        // R1 = 3 window tokens. For nuclear: O11 = 2, C1 = 3.
        // expected = R1 C1 / N = 3 * 3 / 9 = 1; PMI = log2(2 / 1) = 1.
        // G2 (inside 2 of 3 against outside 1 of 6): pooled rate 3/9, E_in = 1, E_out = 2;
        // G2 = 2 (2 ln(2/1) + 1 ln(1/2)) = 2 ln 2 = 1.386294, positive (attracted).
        let text = "x nuclear korea nuclear x\nkorea talks\nnuclear x x x";
        let docs = [doc(1, Lang::En, "a", text)];
        let options = WordsOptions {
            stopwords: None,
            ..WordsOptions::default()
        };
        let table = collocates_of_docs(&docs, &options, "Korea", 1, 1).unwrap();
        assert_eq!(
            (table.node_count, table.window_tokens, table.tokens),
            (2, 3, 9)
        );
        let nuclear = table.rows.iter().find(|r| r.term == "nuclear").unwrap();
        assert_eq!((nuclear.together, nuclear.count, nuclear.docs), (2, 3, 1));
        assert!((nuclear.expected - 1.0).abs() < 1e-12);
        assert!((nuclear.pmi - 1.0).abs() < 1e-12);
        assert!(
            (nuclear.g2 - 2.0 * 2f64.ln()).abs() < 1e-9,
            "{}",
            nuclear.g2
        );
        // talks: O11 = 1, C1 = 1: expected 1/3, PMI log2(3).
        let talks = table.rows.iter().find(|r| r.term == "talk").unwrap();
        assert!((talks.pmi - 3f64.log2()).abs() < 1e-12);
        // x never falls in a window: not listed (min count 1 in windows).
        assert!(table.rows.iter().all(|r| r.term != "x"));
    }

    #[test]
    fn overlapping_windows_count_a_token_once_and_nodes_are_no_collocates() {
        let docs = [doc(1, Lang::En, "a", "korea nuclear korea")];
        let options = WordsOptions {
            stopwords: None,
            ..WordsOptions::default()
        };
        let table = collocates_of_docs(&docs, &options, "korea", 2, 1).unwrap();
        assert_eq!((table.node_count, table.window_tokens), (2, 1));
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.rows[0].together, 1);
    }

    #[test]
    fn a_node_must_be_one_word_and_no_stopword() {
        let options = WordsOptions::default();
        assert!(collocates_of_docs(&[], &options, "north korea", 5, 1).is_err());
        assert!(collocates_of_docs(&[], &options, "", 5, 1).is_err());
        let err = collocates_of_docs(&[], &options, "the", 5, 1).unwrap_err();
        assert!(err.to_string().contains("stopword"), "{err}");
        // Russian stems are found too.
        let docs = [doc(1, Lang::Ru, "a", "санкции против России; санкциями")];
        let table = collocates_of_docs(&docs, &options, "санкции", 1, 1).unwrap();
        assert_eq!(table.node_count, 2);
    }
}
