//! Terms: the interner that turns each word token of a text into a term id.
//!
//! Contract: the tokens are the index analyzer's (the same word runs, tokens of
//! [`MAX_TOKEN_BYTES`] bytes or more dropped, the same folding and Snowball stem: a
//! property test checks this against [`crate::text::Analyzer`]). Each distinct written
//! form is folded and stemmed once; after that a token costs one hash lookup on its bytes
//! as written, with no allocation. Term ids are dense (0..n) in order of first sight.

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::Stopwords;
use crate::document::Lang;
use crate::text::words::{MAX_TOKEN_BYTES, Stemmers, fold_into, for_each_run, for_each_run_ascii};

/// What a term is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TermForm {
    /// The analyzer's stem: `sanction` counts "sanctions", "Sanctioned", ...
    #[default]
    Stem,
    /// The lowercase word as written (`ё` read as `е`).
    Surface,
}

/// The term id of a stopword token: not counted.
pub(crate) const STOPWORD: u32 = u32::MAX;

/// One term of a vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Language of the documents it was found in.
    pub lang: Lang,
    /// The stem, or the lowercase surface form.
    pub text: String,
    /// Its most frequent lowercase surface form (the text itself for surface terms).
    pub form: String,
}

/// The terms seen, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vocabulary {
    /// Term `i` is `terms[i]`.
    pub terms: Vec<Term>,
}

/// A distinct folded word: its term and how often it was seen.
struct Surface {
    text: Box<str>,
    term: u32,
    count: u64,
}

/// Written forms -> surfaces -> terms, per language (index [`lang_slot`]).
pub(crate) struct Interner {
    form: TermForm,
    stopwords: Option<Stopwords>,
    stemmers: Stemmers,
    /// Token as written -> surface id.
    written: [FxHashMap<Box<str>, u32>; 2],
    /// Folded word -> surface id.
    folded: [FxHashMap<Box<str>, u32>; 2],
    /// Term text -> term id.
    term_ids: [FxHashMap<Box<str>, u32>; 2],
    surfaces: Vec<Surface>,
    terms: Vec<(Lang, Box<str>)>,
    fold: String,
}

fn lang_slot(lang: Lang) -> usize {
    match lang {
        Lang::En => 0,
        Lang::Ru => 1,
    }
}

impl Interner {
    /// An empty interner counting `form`s, leaving out `stopwords`.
    pub(crate) fn new(form: TermForm, stopwords: Option<Stopwords>) -> Interner {
        Interner {
            form,
            stopwords,
            stemmers: Stemmers::default(),
            written: Default::default(),
            folded: Default::default(),
            term_ids: Default::default(),
            surfaces: Vec::new(),
            terms: Vec::new(),
            fold: String::new(),
        }
    }

    /// Calls `visit(position, term)` for every word token of `text` (read as `lang`) in
    /// order: `position` counts every word run (dropped long ones too, as the analyzer's
    /// positions do), `term` is a term id or [`STOPWORD`].
    #[inline]
    pub(crate) fn for_each_token(
        &mut self,
        lang: Lang,
        text: &str,
        mut visit: impl FnMut(usize, u32),
    ) {
        let mut position = 0;
        let mut on_run = |start: usize, end: usize| {
            position += 1;
            if end - start >= MAX_TOKEN_BYTES {
                return;
            }
            let term = self.term_of(lang, &text[start..end]);
            visit(position - 1, term);
        };
        match lang {
            Lang::En => for_each_run_ascii(text, &mut on_run),
            Lang::Ru => for_each_run(text, &mut on_run),
        }
    }

    /// The term id (or [`STOPWORD`]) of the token `written` of `lang`.
    #[inline]
    pub(crate) fn term_of(&mut self, lang: Lang, written: &str) -> u32 {
        let slot = lang_slot(lang);
        let surface = match self.written[slot].get(written) {
            Some(&id) => id,
            None => self.intern(lang, written),
        };
        let surface = &mut self.surfaces[surface as usize];
        surface.count += 1;
        surface.term
    }

    /// Interns a written form seen for the first time.
    #[cold]
    fn intern(&mut self, lang: Lang, written: &str) -> u32 {
        let slot = lang_slot(lang);
        fold_into(written, &mut self.fold);
        let surface = match self.folded[slot].get(self.fold.as_str()) {
            Some(&id) => id,
            None => {
                let stop = self
                    .stopwords
                    .as_ref()
                    .is_some_and(|s| s.contains(lang, &self.fold));
                let term = if stop {
                    STOPWORD
                } else {
                    let text: std::borrow::Cow<str> = match self.form {
                        TermForm::Stem => self.stemmers.get(lang).stem(&self.fold),
                        TermForm::Surface => self.fold.as_str().into(),
                    };
                    match self.term_ids[slot].get(text.as_ref()) {
                        Some(&id) => id,
                        None => {
                            let id = self.terms.len() as u32;
                            let text: Box<str> = text.into();
                            self.term_ids[slot].insert(text.clone(), id);
                            self.terms.push((lang, text));
                            id
                        }
                    }
                };
                let id = self.surfaces.len() as u32;
                let text: Box<str> = self.fold.as_str().into();
                self.folded[slot].insert(text.clone(), id);
                self.surfaces.push(Surface {
                    text,
                    term,
                    count: 0,
                });
                id
            }
        };
        self.written[slot].insert(written.into(), surface);
        surface
    }

    /// The id of the term `text` of `lang`, if it was seen.
    pub(crate) fn term_id(&self, lang: Lang, text: &str) -> Option<u32> {
        self.term_ids[lang_slot(lang)].get(text).copied()
    }

    /// The term a word of `lang` counts as (stem or folded surface), whether seen or not;
    /// `None` for a stopword.
    pub(crate) fn term_text(&self, lang: Lang, word: &str) -> Option<String> {
        let mut folded = String::new();
        fold_into(word, &mut folded);
        if let Some(stopwords) = &self.stopwords
            && stopwords.contains(lang, &folded)
        {
            return None;
        }
        Some(match self.form {
            TermForm::Stem => self.stemmers.get(lang).stem(&folded).into_owned(),
            TermForm::Surface => folded,
        })
    }

    /// The vocabulary: every term with its most frequent surface form (ties: the
    /// alphabetically first).
    pub(crate) fn into_vocabulary(self) -> Vocabulary {
        let mut best: Vec<Option<(u64, &str)>> = vec![None; self.terms.len()];
        for surface in &self.surfaces {
            let Some(slot) = best.get_mut(surface.term as usize) else {
                continue;
            };
            let candidate = (surface.count, &*surface.text);
            let better = match slot {
                None => true,
                Some((count, text)) => {
                    candidate.0 > *count || (candidate.0 == *count && candidate.1 < *text)
                }
            };
            if better {
                *slot = Some(candidate);
            }
        }
        let forms: Vec<String> = best
            .into_iter()
            .map(|b| b.map(|(_, text)| text.to_string()).unwrap_or_default())
            .collect();
        Vocabulary {
            terms: self
                .terms
                .into_iter()
                .zip(forms)
                .map(|((lang, text), form)| Term {
                    lang,
                    text: text.into(),
                    form,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::text::Analyzer;

    fn terms(interner: &mut Interner, lang: Lang, text: &str) -> Vec<(usize, String)> {
        let mut ids = Vec::new();
        interner.for_each_token(lang, text, |position, term| ids.push((position, term)));
        ids.into_iter()
            .map(|(p, t)| (p, interner.terms[t as usize].1.to_string()))
            .collect()
    }

    #[test]
    fn stems_group_inflections_and_show_their_most_frequent_form() {
        let mut interner = Interner::new(TermForm::Stem, None);
        let text = "Sanctions, sanction; SANCTIONS and sanctions.";
        let found = terms(&mut interner, Lang::En, text);
        assert_eq!(found[0], (0, "sanction".to_string()));
        assert_eq!(found[1].1, found[2].1);
        let vocabulary = interner.into_vocabulary();
        let sanction = vocabulary
            .terms
            .iter()
            .find(|t| t.text == "sanction")
            .unwrap();
        assert_eq!(sanction.form, "sanctions");
    }

    #[test]
    fn stopwords_are_left_out_and_surfaces_are_folded() {
        let mut interner = Interner::new(TermForm::Surface, Some(Stopwords::builtin()));
        let mut seen = Vec::new();
        interner.for_each_token(Lang::Ru, "Ещё санкции и ЕЩЁ", |p, t| {
            seen.push((p, t))
        });
        assert_eq!(seen.len(), 4);
        assert_eq!(seen[0].1, STOPWORD);
        assert_eq!(seen[2].1, STOPWORD);
        assert_eq!(interner.terms[seen[1].1 as usize].1.as_ref(), "санкции");
        assert_eq!(
            interner.term_text(Lang::Ru, "Санкции").as_deref(),
            Some("санкции")
        );
        assert_eq!(interner.term_text(Lang::Ru, "ещё"), None);
    }

    proptest! {
        /// The interned stems are the analyzer's stems, token by token and position by
        /// position, however the text mixes scripts, case, `ё` and long runs.
        #[test]
        fn terms_are_the_analyzers_stems(
            text in "([A-Za-zЁёА-я]{1,12}|[0-9]{1,3}|[ .,;—\\n]|x{60,61}|ǅ|ß|İ){0,40}",
            ru in any::<bool>(),
        ) {
            let lang = if ru { Lang::Ru } else { Lang::En };
            let mut interner = Interner::new(TermForm::Stem, None);
            // Twice: the second pass reads every form from the tables.
            for _ in 0..2 {
                let ours = terms(&mut interner, lang, &text);
                let theirs: Vec<(usize, String)> = Analyzer::default()
                    .tokens(lang, &text)
                    .into_iter()
                    .map(|t| (t.position, t.stem))
                    .collect();
                prop_assert_eq!(ours, theirs);
            }
        }
    }
}
