//! Analyzing a stored text for matching a query: the index analyzer's tokens (same
//! tokenizer, length limit and lowercasing, same offsets), computed paragraph by paragraph
//! and only where the query could match.
//!
//! Why: stemming is most of the cost of analysis (about 14 times the tokenizing), then
//! lowercasing and Unicode character classes; highlighting ten hits of long transcripts
//! would otherwise dominate a query's time. Three savings, each exact:
//! - The analyzer's fast path ([`crate::text::fast`]): a word can stem to `S` only if it
//!   starts with the key of `S`. The keys come from the plan; a word that starts with none
//!   (told apart by the shared first-byte filter, then the exact test) is neither lowercased
//!   nor stemmed, and is left out of the tokens (it still takes its position, so the
//!   positions of the others are the analyzer's; a phrase over a left-out word cannot
//!   match, as no stem of the plan is there). The three English irregular forms that break
//!   the rule (`dying`→`die`, `lying`, `tying`) are always stemmed. Stems come from the
//!   shared stem cache.
//! - A paragraph whose lowercased text lacks a key of every leaf (a phrase needs all of its
//!   words' keys; nor holds an irregular form) cannot hold a match and is not tokenized.
//! - The tokenizer is Tantivy's `SimpleTokenizer` rewritten with a fast path for Latin and
//!   Cyrillic letters.
//!
//! Positions count from 0 in each paragraph: a phrase that runs across a paragraph break is
//! found by the engine but not highlighted (passages never cross paragraphs either). A
//! property test checks all this against [`crate::text::Analyzer`] on many texts.

use crate::document::Lang;
use crate::query::plan::Plan;
use crate::text::AnalyzedToken;
use crate::text::fast::{StemCache, WordFilter};
use crate::text::words::{
    IRREGULAR_EN as IRREGULAR, MAX_TOKEN_BYTES, Stemmers, fold_into, for_each_run,
};

/// Reusable stemmers and buffers.
pub(crate) struct Scanner {
    stemmers: Stemmers,
    /// A paragraph lowercased and folded, for the key test.
    lowered: String,
    /// The stem of each word stemmed so far, by language (English, Russian): a scanner
    /// serves every hit of every query of a `--queries` batch, and the words that start
    /// with a query's keys are few and recur.
    stems: [StemCache; 2],
    /// The word filter of the last plan's keys, by language: a search decorates all its
    /// hits with one plan (a filter's tables take longer to fill than to use on a hit).
    filters: [Option<WordFilter>; 2],
}

impl Default for Scanner {
    fn default() -> Scanner {
        Scanner {
            stemmers: Stemmers::default(),
            lowered: String::new(),
            stems: [
                StemCache::new(STEM_CACHE_WORDS),
                StemCache::new(STEM_CACHE_WORDS),
            ],
            filters: [None, None],
        }
    }
}

/// Words remembered per language before the stem cache is emptied (bounds memory).
const STEM_CACHE_WORDS: usize = 50_000;

/// The tokens of one paragraph that may hold a match.
pub(crate) struct ParagraphTokens {
    /// 0-based paragraph index in the text split on `\n`.
    pub(crate) para: usize,
    /// Its tokens: offsets into the whole text, positions from 0 in the paragraph.
    pub(crate) tokens: Vec<AnalyzedToken>,
}

impl Scanner {
    /// The tokens of `text` (a title: one string) as `lang`'s analyzer produces them,
    /// except those that no stem or prefix of `plan` can match (left out).
    pub(crate) fn tokens(&mut self, plan: &Plan, lang: Lang, text: &str) -> Vec<AnalyzedToken> {
        let mut out = Vec::new();
        self.tokenize_into(plan, lang, text, 0, &mut out);
        out
    }

    /// The tokens of the paragraphs of `text` that `wanted` accepts and that may hold a
    /// match of `plan`, in text order.
    pub(crate) fn paragraphs(
        &mut self,
        plan: &Plan,
        lang: Lang,
        text: &str,
        wanted: &dyn Fn(usize) -> bool,
    ) -> Vec<ParagraphTokens> {
        let groups = plan.key_groups(lang);
        let mut out = Vec::new();
        let mut start = 0;
        for (para, paragraph) in text.split('\n').enumerate() {
            let base = start;
            start += paragraph.len() + 1;
            if !wanted(para) || !self.may_match(groups, paragraph) {
                continue;
            }
            let mut tokens = Vec::new();
            self.tokenize_into(plan, lang, paragraph, base, &mut tokens);
            out.push(ParagraphTokens { para, tokens });
        }
        out
    }

    /// Whether `paragraph` holds every key of some group (or an irregular form).
    fn may_match(&mut self, groups: &[Vec<String>], paragraph: &str) -> bool {
        fold_into(paragraph, &mut self.lowered);
        let lowered = self.lowered.as_str();
        groups
            .iter()
            .any(|group| group.iter().all(|key| lowered.contains(key.as_str())))
            || IRREGULAR.iter().any(|word| lowered.contains(word))
    }

    /// Appends the tokens of `text` that may match `plan` in `lang`, with offsets shifted
    /// by `base`.
    fn tokenize_into(
        &mut self,
        plan: &Plan,
        lang: Lang,
        text: &str,
        base: usize,
        out: &mut Vec<AnalyzedToken>,
    ) {
        let at = usize::from(lang == Lang::Ru);
        let keys = plan.stem_keys(lang);
        if self.filters[at].as_ref().is_none_or(|f| f.keys() != keys) {
            self.filters[at] = Some(WordFilter::new(lang, keys));
        }
        let Some(filter) = self.filters[at].as_ref() else {
            return;
        };
        let stemmer = self.stemmers.get(lang);
        let cache = &mut self.stems[at];
        let mut position = 0;
        // Tantivy's SimpleTokenizer: maximal runs of alphanumeric characters, every run
        // taking a position, runs of MAX_TOKEN_BYTES or more dropped (RemoveLongFilter).
        for_each_run(text, |start, end| {
            position += 1;
            let word = &text[start..end];
            if word.len() >= MAX_TOKEN_BYTES || !filter.may_stem_to_key(word) {
                return;
            }
            let mut stem = String::with_capacity(word.len());
            fold_into(word, &mut stem);
            cache.stem_in_place(stemmer, &mut stem);
            out.push(AnalyzedToken {
                stem,
                start: base + start,
                end: base + end,
                position: position - 1,
            });
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse;
    use crate::query::plan::Pattern;
    use crate::search::matcher::{Target, TokenIndex, find_spans};
    use crate::text::Analyzer;
    use proptest::prelude::*;

    const WORDS: &[&str] = &[
        "sanctions",
        "Sanction",
        "useless",
        "policy",
        "policies",
        "dying",
        "lying",
        "Skies",
        "news",
        "Korean",
        "peninsula",
        "peninsulas",
        "early",
        "gently",
        "only",
        "санкции",
        "Санкциям",
        "ещё",
        "ЁЛКА",
        "длинные",
        "переговоры",
        "Корейский",
        "полуострове",
        "U.S.",
        "six-party",
        "x",
        "1.5",
        "2017",
    ];

    fn plan_of(query: &str) -> Plan {
        Plan::new(&parse(query).unwrap(), &mut Analyzer::default()).unwrap()
    }

    fn wanted_stems(plan: &Plan, lang: Lang) -> Vec<String> {
        let mut wanted: Vec<String> = Vec::new();
        plan.for_each_text_leaf(&mut |leaf| match leaf.pattern(lang) {
            Pattern::Term(s) => wanted.push(s.clone()),
            Pattern::Phrase { terms, .. } => wanted.extend(terms.iter().map(|(_, s)| s.clone())),
            Pattern::Prefix { prefixes, stems } => {
                wanted.extend(prefixes.iter().chain(stems).cloned());
            }
        });
        wanted
    }

    /// Every token kept is the full analyzer's token at its position (same offsets and
    /// stem), and every token that the analyzer stems to something the query looks for is
    /// kept; a skipped paragraph has no such token.
    fn agrees(query: &str, text: &str) {
        let plan = plan_of(query);
        let mut analyzer = Analyzer::default();
        let mut scanner = Scanner::default();
        for lang in [Lang::En, Lang::Ru] {
            let wanted = wanted_stems(&plan, lang);
            let looked_for = |stem: &str| wanted.iter().any(|w| stem.starts_with(w.as_str()));
            let same = |full: &[AnalyzedToken], fast: &[AnalyzedToken], base: usize| {
                assert!(fast.windows(2).all(|w| w[0].position < w[1].position));
                for b in fast {
                    let a = full.iter().find(|a| a.position == b.position);
                    let a = a.unwrap_or_else(|| panic!("{b:?} not in {full:?}"));
                    assert_eq!(
                        (a.start + base, a.end + base, &a.stem),
                        (b.start, b.end, &b.stem),
                        "{lang:?} {text:?}"
                    );
                }
                for a in full.iter().filter(|a| looked_for(&a.stem)) {
                    assert!(
                        fast.iter().any(|b| b.position == a.position),
                        "{lang:?} {text:?}: {a:?} left out"
                    );
                }
            };
            // A title: the whole string at once.
            same(
                &analyzer.tokens(lang, text),
                &scanner.tokens(&plan, lang, text),
                0,
            );
            // A text: paragraph by paragraph.
            let scanned = scanner.paragraphs(&plan, lang, text, &|_| true);
            let mut base = 0;
            for (para, paragraph) in text.split('\n').enumerate() {
                let full = analyzer.tokens(lang, paragraph);
                match scanned.iter().find(|p| p.para == para) {
                    Some(found) => same(&full, &found.tokens, base),
                    None => {
                        let index = TokenIndex::new(&full);
                        assert!(
                            find_spans(&plan, lang, Target::Text, &index).is_empty(),
                            "{lang:?} skipped {paragraph:?} for {query}"
                        );
                    }
                }
                base += paragraph.len() + 1;
            }
        }
    }

    #[test]
    fn irregular_and_folded_forms_are_stemmed() {
        agrees(
            "die lie sky ugli",
            "Dying, lying and tying under skies; ugly.",
        );
        agrees("елка \"еще санкции\"", "ЁЛКА ещё санкции, ещё Санкциям");
        agrees("polic* sanctions", "policies policy sanctioned sanction");
        agrees("x", &format!("{} x", "a".repeat(70)));
        agrees("a", &format!("{} a {}", "a".repeat(59), "ж".repeat(30)));
        agrees("die", "nothing here\nDYING there\nand here");
        agrees(
            "\"korean peninsula\"",
            "Korean\nPeninsula of Korea\nKOREAN PENINSULA",
        );
    }

    #[test]
    fn paragraphs_without_a_key_are_skipped() {
        let plan = plan_of("\"korean peninsula\" OR санкции");
        let mut scanner = Scanner::default();
        let text = "Nothing to see.\nThe Korean Peninsula.\nСАНКЦИИ\nA peninsula.\nNo match.";
        let found: Vec<usize> = scanner
            .paragraphs(&plan, Lang::En, text, &|_| true)
            .iter()
            .map(|p| p.para)
            .collect();
        // The Russian word is searched in English texts too (unchanged by that stemmer);
        // "A peninsula." lacks the phrase's other word.
        assert_eq!(found, [1, 2]);
        let russian: Vec<usize> = scanner
            .paragraphs(&plan, Lang::Ru, text, &|para| para != 1)
            .iter()
            .map(|p| p.para)
            .collect();
        assert_eq!(russian, [2]);
        let prefix = plan_of("penin* OR \"no match\"");
        let found: Vec<usize> = scanner
            .paragraphs(&prefix, Lang::En, text, &|_| true)
            .iter()
            .map(|p| p.para)
            .collect();
        assert_eq!(found, [1, 3, 4]);
    }

    proptest! {
        #[test]
        fn the_fast_path_agrees_with_the_analyzer(
            words in prop::collection::vec(prop::sample::select(WORDS), 0..40),
            query in prop::collection::vec(prop::sample::select(WORDS), 1..4),
            separators in prop::collection::vec(prop::sample::select(&[" ", ", ", ". ", " — ", "\n"][..]), 40),
        ) {
            let text: String = words
                .iter()
                .zip(&separators)
                .map(|(w, s)| format!("{w}{s}"))
                .collect();
            let phrase = format!("\"{}\"", query.join(" "));
            agrees(&phrase, &text);
            let query: Vec<String> = query.iter().map(|w| format!("\"{w}\"")).collect();
            agrees(&query.join(" OR "), &text);
            let prefixes: Vec<String> = query
                .iter()
                .map(|w| w.trim_matches('"').chars().filter(|c| c.is_alphanumeric()).take(4).collect::<String>())
                .filter(|p| !p.is_empty())
                .map(|p| format!("{p}*"))
                .collect();
            if !prefixes.is_empty() {
                agrees(&prefixes.join(" OR "), &text);
            }
        }
    }
}
