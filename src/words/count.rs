//! Counting terms over an index: every selected document is read once and each of its
//! word tokens is counted in the document's group.
//!
//! Contract: a document is in at most one group (the [`Grouping`]'s, or the caller's
//! choice in [`count_words_by`]); per group, the counts of its terms sum to its `tokens`
//! (the word tokens that are no stopwords), and a term's `docs` is the number of the
//! group's documents it occurs in. Groups come sorted by name. The result does not depend
//! on the order of documents in the index, except for term ids. A document's speaker is
//! named as theme counts and trends name it: a speaker-registry person by the person's
//! name, whichever of their names the document carries.

use rustc_hash::FxHashMap;

use super::terms::{Interner, STOPWORD};
use super::{Vocabulary, WordsError, WordsOptions};
use crate::analysis::{ALL_GROUP, AnalysisError, Granularity, GroupBy};
use crate::corpus::Resolver;
use crate::document::Document;
use crate::index::{DocFilter, IndexStore};

/// How the documents of a frequency table are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grouping {
    /// One group, [`ALL_GROUP`].
    #[default]
    All,
    /// Calendar periods (groups named `2017`, `2017-Q3`, `2017-09`, ...).
    Period(Granularity),
    /// A document-level grouping (speaker, source, kind, lang).
    Field(GroupBy),
}

impl Grouping {
    /// Checks that the grouping is one of whole documents (speaker turns are not counted
    /// apart).
    pub fn check(self) -> Result<Grouping, WordsError> {
        match self {
            Grouping::Field(by) if by.is_turn_level() => {
                Err(WordsError::Analysis(AnalysisError::UnknownGroupBy {
                    value: format!(
                        "{by} (word statistics group whole documents: speaker, source, kind, lang)"
                    ),
                }))
            }
            other => Ok(other),
        }
    }

    /// The group of `doc`.
    pub fn group_of(self, doc: &Document) -> String {
        match self {
            Grouping::All => ALL_GROUP.to_string(),
            Grouping::Period(granularity) => granularity.period_of(doc.date).name,
            Grouping::Field(by) => document_field(doc, by).to_string(),
        }
    }
}

/// The value of the document-level grouping `by` for `doc` (empty for turn-level ones).
pub(crate) fn document_field(doc: &Document, by: GroupBy) -> &str {
    match by {
        GroupBy::Speaker => &doc.speaker,
        GroupBy::Source => &doc.source,
        GroupBy::Kind => doc.kind.as_str(),
        GroupBy::Lang => doc.lang.as_str(),
        GroupBy::TurnSpeaker | GroupBy::Role => "",
    }
}

/// How often one term occurs in one group (equal when count and docs are).
#[derive(Debug, Clone, Copy, Default)]
pub struct TermCount {
    /// Tokens.
    pub count: u64,
    /// Documents it occurs in.
    pub docs: u64,
    /// The last document (numbered from 1 in reading order) it was counted in.
    last_doc: u32,
}

impl PartialEq for TermCount {
    fn eq(&self, other: &TermCount) -> bool {
        (self.count, self.docs) == (other.count, other.docs)
    }
}

impl Eq for TermCount {}

impl TermCount {
    /// A count of `count` tokens in `docs` documents.
    pub fn new(count: u64, docs: u64) -> TermCount {
        TermCount {
            count,
            docs,
            last_doc: 0,
        }
    }
}

/// The counts of one group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupCounts {
    /// The group's name (a period, a speaker, ... or [`ALL_GROUP`]).
    pub group: String,
    /// Documents in the group.
    pub documents: u64,
    /// Word tokens counted (stopwords left out): the sum of the term counts.
    pub tokens: u64,
    /// Stopword tokens left out.
    pub stopword_tokens: u64,
    /// Counts by term id.
    pub terms: FxHashMap<u32, TermCount>,
}

/// What [`count_words`] returns.
#[derive(Debug, Clone, Default)]
pub struct WordCounts {
    /// The terms, by id.
    pub vocabulary: Vocabulary,
    /// The groups, sorted by name.
    pub groups: Vec<GroupCounts>,
    /// Bytes of text read (for throughput figures).
    pub text_bytes: u64,
}

/// Counts the terms of the documents of `store` selected by `filter`, by `grouping`.
pub fn count_words(
    store: &IndexStore,
    filter: &DocFilter,
    options: &WordsOptions,
    grouping: Grouping,
) -> Result<WordCounts, WordsError> {
    let grouping = grouping.check()?;
    count_words_by(store, filter, options, &|doc| Some(grouping.group_of(doc)))
}

/// Counts the terms of the selected documents in the group `group_of` gives each (`None`:
/// the document is not counted); `group_of` sees the speaker named by the registry of
/// `filter` (see the module's contract).
pub fn count_words_by(
    store: &IndexStore,
    filter: &DocFilter,
    options: &WordsOptions,
    group_of: &dyn Fn(&Document) -> Option<String>,
) -> Result<WordCounts, WordsError> {
    count_words_by_stored(store, filter, options, &|doc, _| group_of(doc))
}

/// [`count_words_by`] whose `group_of` also sees the document's speaker as stored (before
/// the registry names it by person), for sides matched as `--speaker` matches.
pub(crate) fn count_words_by_stored(
    store: &IndexStore,
    filter: &DocFilter,
    options: &WordsOptions,
    group_of: &dyn Fn(&Document, &str) -> Option<String>,
) -> Result<WordCounts, WordsError> {
    let reader = store.scan_reader()?;
    let searcher = reader.searcher();
    let mut interner = Interner::new(options.form, options.stopwords.clone());
    let mut counter = Counter::default();
    let registry = filter.turns.registry();
    let mut resolver = Resolver::new(&registry);
    for address in store.select(&reader, filter)? {
        let (mut stored, _turns) = store.load_deferring_turns(&searcher, address)?;
        let mut as_stored = None;
        if let Some(person) = resolver.person(&stored.doc.speaker) {
            as_stored = Some(std::mem::replace(
                &mut stored.doc.speaker,
                person.name.clone(),
            ));
        }
        let doc = &stored.doc;
        if let Some(group) = group_of(doc, as_stored.as_deref().unwrap_or(&doc.speaker)) {
            counter.add(&mut interner, doc, group);
        }
    }
    Ok(counter.finish(interner))
}

/// Counts of documents as they stream by.
#[derive(Default)]
pub(crate) struct Counter {
    groups: Vec<GroupCounts>,
    by_name: FxHashMap<String, usize>,
    documents: u32,
    text_bytes: u64,
}

impl Counter {
    /// Counts the tokens of `doc` in `group`.
    pub(crate) fn add(&mut self, interner: &mut Interner, doc: &Document, group: String) {
        let slot = match self.by_name.get(&group) {
            Some(&slot) => slot,
            None => {
                self.groups.push(GroupCounts {
                    group: group.clone(),
                    ..GroupCounts::default()
                });
                self.by_name.insert(group, self.groups.len() - 1);
                self.groups.len() - 1
            }
        };
        let counts = &mut self.groups[slot];
        self.documents += 1;
        self.text_bytes += doc.text.len() as u64;
        let doc_number = self.documents;
        counts.documents += 1;
        interner.for_each_token(doc.lang, &doc.text, |_, term| {
            if term == STOPWORD {
                counts.stopword_tokens += 1;
                return;
            }
            counts.tokens += 1;
            let count = counts.terms.entry(term).or_default();
            count.count += 1;
            if count.last_doc != doc_number {
                count.last_doc = doc_number;
                count.docs += 1;
            }
        });
    }

    /// The counts, groups sorted by name.
    pub(crate) fn finish(mut self, interner: Interner) -> WordCounts {
        self.groups.sort_by(|a, b| a.group.cmp(&b.group));
        WordCounts {
            vocabulary: interner.into_vocabulary(),
            groups: self.groups,
            text_bytes: self.text_bytes,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::NaiveDate;
    use proptest::prelude::*;

    use super::*;
    use crate::document::{Kind, Lang};
    use crate::words::{Stopwords, TermForm};

    /// A document of `lang` on day `day` of January 2017 by `speaker`.
    pub(crate) fn doc(day: u32, lang: Lang, speaker: &str, text: &str) -> Document {
        Document {
            id: format!("d{day}"),
            date: NaiveDate::from_ymd_opt(2017, 1, day).unwrap(),
            title: String::new(),
            speaker: speaker.into(),
            source: "kremlin.ru".into(),
            kind: Kind::Speech,
            lang,
            url: String::new(),
            text: text.into(),
            tags: Vec::new(),
            location: None,
        }
    }

    /// Counts `docs` by the grouping (without an index).
    pub(crate) fn count_docs(
        docs: &[Document],
        options: &WordsOptions,
        group_of: &dyn Fn(&Document) -> Option<String>,
    ) -> WordCounts {
        let mut interner = Interner::new(options.form, options.stopwords.clone());
        let mut counter = Counter::default();
        for doc in docs {
            if let Some(group) = group_of(doc) {
                counter.add(&mut interner, doc, group);
            }
        }
        counter.finish(interner)
    }

    #[test]
    fn groups_count_tokens_documents_and_stopwords() {
        let docs = [
            doc(
                1,
                Lang::En,
                "Putin",
                "The sanctions are useless. Sanctions!",
            ),
            doc(2, Lang::En, "Lavrov", "Sanction talks"),
            doc(3, Lang::Ru, "Putin", "Санкции бесполезны, и всё"),
        ];
        let options = WordsOptions::default();
        let grouping = Grouping::Field(GroupBy::Speaker);
        let counts = count_docs(&docs, &options, &|d| Some(grouping.group_of(d)));
        let names: Vec<&str> = counts.groups.iter().map(|g| g.group.as_str()).collect();
        assert_eq!(names, ["Lavrov", "Putin"]);
        let putin = &counts.groups[1];
        assert_eq!(putin.documents, 2);
        // "The", "are" (en) and "и", "всё" (ru) are stopwords.
        assert_eq!(putin.stopword_tokens, 4);
        assert_eq!(putin.tokens, 5);
        let id = counts
            .vocabulary
            .terms
            .iter()
            .position(|t| t.text == "sanction")
            .unwrap() as u32;
        assert_eq!(putin.terms[&id], TermCount::new(2, 1));
        assert_eq!(counts.groups[0].terms[&id], TermCount::new(1, 1));
    }

    #[test]
    fn turn_level_groupings_are_refused() {
        assert!(Grouping::Field(GroupBy::Role).check().is_err());
        assert!(Grouping::Period(Granularity::Month).check().is_ok());
    }

    proptest! {
        /// Per group, term counts sum to the tokens counted, tokens and stopwords to the
        /// analyzer's tokens, and no term occurs in more documents than the group has.
        #[test]
        fn frequencies_sum_to_token_counts(
            texts in proptest::collection::vec("([a-z]{1,6}|the|and|[ .,]){0,30}", 1..8),
            surface in any::<bool>(),
        ) {
            let docs: Vec<Document> = texts
                .iter()
                .enumerate()
                .map(|(i, t)| doc(i as u32 + 1, Lang::En, if i % 2 == 0 { "a" } else { "b" }, t))
                .collect();
            let options = WordsOptions {
                form: if surface { TermForm::Surface } else { TermForm::Stem },
                stopwords: Some(Stopwords::builtin()),
            };
            let grouping = Grouping::Field(GroupBy::Speaker);
            let counts = count_docs(&docs, &options, &|d| Some(grouping.group_of(d)));
            let mut analyzer = crate::text::Analyzer::default();
            let all_tokens: u64 = docs.iter().map(|d| analyzer.tokens(Lang::En, &d.text).len() as u64).sum();
            let mut seen = 0;
            for group in &counts.groups {
                prop_assert_eq!(group.terms.values().map(|c| c.count).sum::<u64>(), group.tokens);
                prop_assert!(group.terms.values().all(|c| c.docs >= 1 && c.docs <= group.documents && c.docs <= c.count));
                seen += group.tokens + group.stopword_tokens;
            }
            prop_assert_eq!(seen, all_tokens);
        }
    }
}
