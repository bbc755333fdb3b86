//! Speaker labels resolved once per thread: a count meets the same few hundred labels (turn
//! labels and document speakers) in thousands of documents, and folding a label and looking
//! it up in the registry costs more than a hash lookup of the label as written.
//!
//! Contract: a [`Resolver`] gives exactly what its registry's [`SpeakerRegistry::resolve`],
//! [`SpeakerRegistry::person`] and [`SpeakerRegistry::resolve_turns`] give (the registry
//! cannot change while the resolver borrows it).

use rustc_hash::FxHashMap;

use chrono::NaiveDate;

use super::speakers::{Lookup, Person, Resolved, SpeakerRegistry};
use crate::document::ParagraphTurn;

/// A registry and the labels it has resolved so far.
pub struct Resolver<'a> {
    registry: &'a SpeakerRegistry,
    known: FxHashMap<String, Lookup>,
}

/// Labels a resolver remembers before it forgets them all (bounds memory on a corpus of
/// many distinct labels; a label is a short string).
const MAX_LABELS: usize = 100_000;

impl<'a> Resolver<'a> {
    /// A resolver for `registry`, remembering nothing yet.
    pub fn new(registry: &'a SpeakerRegistry) -> Resolver<'a> {
        Resolver {
            registry,
            known: FxHashMap::default(),
        }
    }

    /// What `label` refers to (as [`SpeakerRegistry::resolve`]).
    pub fn resolve(&mut self, label: &str) -> Resolved<'a> {
        let lookup = match self.known.get(label) {
            Some(&lookup) => lookup,
            None => {
                let lookup = self.registry.lookup(label);
                if self.known.len() >= MAX_LABELS {
                    self.known.clear();
                }
                self.known.insert(label.to_string(), lookup);
                lookup
            }
        };
        self.registry.resolved(lookup)
    }

    /// The person `label` names, if any (as [`SpeakerRegistry::person`]).
    pub fn person(&mut self, label: &str) -> Option<&'a Person> {
        match self.resolve(label) {
            Resolved::Person(person) => Some(person),
            _ => None,
        }
    }

    /// Resolves the turns of a document dated `date` in place (as
    /// [`SpeakerRegistry::resolve_turns`]).
    pub fn resolve_turns(&mut self, paragraphs: &mut [ParagraphTurn], date: NaiveDate) {
        let registry = self.registry;
        registry.resolve_turns_by(paragraphs, date, |label| self.resolve(label));
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::corpus::SpeakerRegistry;
    use crate::document::Role;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// Labels of the built-in registry's kinds: aliases in both scripts, initials, generic
    /// labels, notes in parentheses, unknown names, case and `ё` variants.
    fn labels() -> Vec<String> {
        let registry = SpeakerRegistry::builtin();
        let mut labels: Vec<String> = registry
            .persons()
            .iter()
            .take(40)
            .map(|p| p.name.clone())
            .collect();
        labels.extend(
            [
                "President Putin",
                "В.Путин",
                "В. Путин (как переведено)",
                "V.Putin",
                "Question",
                "Реплика",
                "ВОПРОС",
                "Фёдор Лукьянов",
                "Федор Лукьянов",
                "Someone Unknown",
                "",
                "  ",
            ]
            .map(String::from),
        );
        labels
    }

    proptest! {
        /// A resolver answers as the registry does, label after label and turn after turn,
        /// whatever the order in which it met the labels.
        #[test]
        fn answers_as_the_registry(
            picks in prop::collection::vec(0usize..60, 1..40),
            roles in prop::collection::vec(prop::sample::select(vec![Role::Journalist, Role::Other, Role::Narration, Role::Official]), 40),
            date in prop::sample::select(vec!["1999-12-31", "2008-05-07", "2017-06-01", "2024-05-07"]),
        ) {
            let registry = SpeakerRegistry::builtin();
            let labels = labels();
            let mut resolver = Resolver::new(&registry);
            let mut turns: Vec<ParagraphTurn> = Vec::new();
            for (k, &pick) in picks.iter().enumerate() {
                let label = &labels[pick % labels.len()];
                prop_assert_eq!(resolver.resolve(label), registry.resolve(label));
                prop_assert_eq!(
                    resolver.person(label).map(|p| &p.name),
                    registry.person(label).map(|p| &p.name)
                );
                turns.push(ParagraphTurn {
                    speaker: (!label.is_empty()).then(|| label.clone()),
                    role: roles[k],
                    n_words: k as u64,
                });
            }
            let mut by_registry = turns.clone();
            registry.resolve_turns(&mut by_registry, day(date));
            resolver.resolve_turns(&mut turns, day(date));
            prop_assert_eq!(turns, by_registry);
        }
    }
}
