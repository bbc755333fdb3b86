//! The query for one prefix (`threat*`) on one field: every document holding a term of the
//! field that starts with the prefix, scored by a constant.
//!
//! The engine's regex query would do the same through `threat.*`, but it compiles a regex
//! into an automaton for every field and prefix of every query; the automaton here is the
//! prefix itself, walked byte by byte against the term dictionary, and costs nothing to
//! build. Terms are visited in dictionary order and the walk stops at the first byte that
//! leaves the prefix, so only the matching range of the dictionary is read.

use std::sync::Arc;

use tantivy::query::{AutomatonWeight, EnableScoring, Query, Weight};
use tantivy::schema::Field;
use tantivy_fst::Automaton;

/// Matches the byte strings that start with a given prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PrefixAutomaton {
    prefix: Box<[u8]>,
}

impl PrefixAutomaton {
    pub(crate) fn new(prefix: &str) -> Self {
        PrefixAutomaton {
            prefix: prefix.as_bytes().into(),
        }
    }
}

/// How much of the prefix has been read so far; `None` once a byte left it.
type Read = Option<usize>;

impl Automaton for PrefixAutomaton {
    type State = Read;

    fn start(&self) -> Read {
        Some(0)
    }

    fn is_match(&self, state: &Read) -> bool {
        *state == Some(self.prefix.len())
    }

    fn can_match(&self, state: &Read) -> bool {
        state.is_some()
    }

    fn will_always_match(&self, state: &Read) -> bool {
        self.is_match(state)
    }

    fn accept(&self, state: &Read, byte: u8) -> Read {
        let read = (*state)?;
        match self.prefix.get(read) {
            None => Some(read),
            Some(&expected) if expected == byte => Some(read + 1),
            Some(_) => None,
        }
    }
}

/// Documents with a term of `field` starting with a prefix (constant score).
#[derive(Debug, Clone)]
pub(crate) struct PrefixQuery {
    field: Field,
    automaton: Arc<PrefixAutomaton>,
}

impl PrefixQuery {
    pub(crate) fn new(field: Field, prefix: &str) -> Self {
        PrefixQuery {
            field,
            automaton: Arc::new(PrefixAutomaton::new(prefix)),
        }
    }
}

impl Query for PrefixQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(AutomatonWeight::<PrefixAutomaton>::new(
            self.field,
            Arc::clone(&self.automaton),
        )))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use tantivy::collector::DocSetCollector;
    use tantivy::query::RegexQuery;
    use tantivy::schema::{STRING, Schema};
    use tantivy::{Index, IndexWriter, TantivyDocument};

    use super::*;

    fn accepts(automaton: &PrefixAutomaton, text: &str) -> bool {
        let mut state = automaton.start();
        for &byte in text.as_bytes() {
            if !automaton.can_match(&state) {
                return false;
            }
            state = automaton.accept(&state, byte);
        }
        automaton.is_match(&state)
    }

    #[test]
    fn matches_the_prefix_and_every_longer_word_only() {
        let threat = PrefixAutomaton::new("threat");
        assert!(accepts(&threat, "threat"));
        assert!(accepts(&threat, "threaten"));
        assert!(!accepts(&threat, "threa"));
        assert!(!accepts(&threat, "throat"));
        assert!(!accepts(&threat, ""));
        let cyrillic = PrefixAutomaton::new("санкц");
        assert!(accepts(&cyrillic, "санкции"));
        assert!(!accepts(&cyrillic, "санитар"));
    }

    proptest! {
        #[test]
        fn agrees_with_starts_with(prefix in "[a-cя]{0,4}", text in "[a-cя]{0,6}") {
            let automaton = PrefixAutomaton::new(&prefix);
            prop_assert_eq!(accepts(&automaton, &text), text.starts_with(&prefix));
        }
    }

    /// The documents a query (made for the index's one field) selects on a small index of
    /// single-term documents.
    fn selected(words: &[&str], query: impl Fn(Field) -> Box<dyn Query>) -> Vec<u32> {
        let mut schema = Schema::builder();
        let field = schema.add_text_field("word", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for word in words {
            let mut doc = TantivyDocument::default();
            doc.add_text(field, word);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let mut docs: Vec<u32> = searcher
            .search(&*query(field), &DocSetCollector)
            .unwrap()
            .into_iter()
            .map(|address| address.doc_id)
            .collect();
        docs.sort_unstable();
        docs
    }

    #[test]
    fn selects_what_the_engines_regex_query_selects() {
        let words = [
            "threat",
            "threaten",
            "threats",
            "throat",
            "thread",
            "the",
            "санкции",
            "санкц",
        ];
        for prefix in ["threat", "thr", "санкц", "zzz", "t"] {
            let ours = selected(&words, |field| Box::new(PrefixQuery::new(field, prefix)));
            let engine = selected(&words, |field| {
                let pattern = format!("{}.*", regex::escape(prefix));
                Box::new(RegexQuery::from_pattern(&pattern, field).unwrap())
            });
            assert!(!ours.is_empty() || prefix == "zzz", "prefix {prefix}");
            assert_eq!(ours, engine, "prefix {prefix}");
        }
    }
}
