//! Which speaker turns an analysis keeps: `--turn-speaker` names and `--role` roles,
//! matched on turns resolved through a [`SpeakerRegistry`].
//!
//! A name of a registry person (`putin`, `Путин`, `В.Путин`) selects that person's
//! paragraphs under any of their labels. Any other name selects the people with its words
//! in one of their names (`Петрова` finds the person aliased `Анна Петрова`) and the
//! speakers with its words in their (resolved) names, by whole words, case-insensitively,
//! as `--speaker` does. A generic label (`Question`)
//! selects nothing: it names nobody (`--role journalist` selects the journalists). Values
//! of one list are alternatives; when both lists are given a paragraph must match both.

use std::sync::Arc;

use chrono::NaiveDate;

use crate::corpus::SpeakerRegistry;
use crate::document::{ParagraphTurn, Role};
use crate::text::names::NamePattern;

/// Which speaker turns to keep.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TurnFilter {
    /// Speaker names: a person of the registry, or whole words of a speaker label.
    pub speakers: Vec<String>,
    /// Roles.
    pub roles: Vec<Role>,
    /// The registry that turns and names are resolved through; `None` is the built-in one,
    /// which is then parsed only when something resolves a name ([`TurnFilter::registry`]).
    pub registry: Option<Arc<SpeakerRegistry>>,
}

/// A `--turn-speaker` name without a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--turn-speaker `{name}` has no letters or digits to match a speaker")]
pub struct EmptyTurnSpeaker {
    /// The name given.
    pub name: String,
}

impl TurnFilter {
    /// Whether the filter accepts every paragraph (no verification needed).
    pub fn is_empty(&self) -> bool {
        self.speakers.is_empty() && self.roles.is_empty()
    }

    /// The registry that turns and names are resolved through.
    pub fn registry(&self) -> Arc<SpeakerRegistry> {
        self.registry
            .clone()
            .unwrap_or_else(SpeakerRegistry::builtin)
    }

    /// The filter compiled for matching.
    pub fn compile(&self) -> Result<TurnMatcher, EmptyTurnSpeaker> {
        let registry = self.registry();
        let speakers = self
            .speakers
            .iter()
            .map(|name| {
                let pattern = NamePattern::new(name, false)
                    .ok_or_else(|| EmptyTurnSpeaker { name: name.clone() })?;
                // A name of a registry person selects that person alone; any other name
                // selects the people with whole words of it in one of their names
                // (`Петрова` finds the person aliased `Анна Петрова`) and the speakers with
                // those words in their names.
                if let Some(person) = registry.person(name) {
                    return Ok(SpeakerMatch {
                        persons: vec![person.name.clone()],
                        pattern: None,
                    });
                }
                let persons: Vec<String> = registry
                    .persons()
                    .iter()
                    .filter(|p| {
                        std::iter::once(&p.name)
                            .chain(&p.aliases)
                            .any(|alias| pattern.matches(alias))
                    })
                    .map(|p| p.name.clone())
                    .collect();
                let pattern = Some(pattern);
                Ok(SpeakerMatch { persons, pattern })
            })
            .collect::<Result<_, _>>()?;
        Ok(TurnMatcher {
            speakers,
            roles: self.roles.clone(),
            registry,
        })
    }
}

/// How one `--turn-speaker` name matches: a registry person it names, or whole words of
/// the speaker's name.
#[derive(Debug)]
struct SpeakerMatch {
    /// Canonical names of the registry people it names.
    persons: Vec<String>,
    /// Its words, unless it names a registry person exactly.
    pattern: Option<NamePattern>,
}

/// A compiled [`TurnFilter`].
#[derive(Debug)]
pub struct TurnMatcher {
    speakers: Vec<SpeakerMatch>,
    roles: Vec<Role>,
    registry: Arc<SpeakerRegistry>,
}

impl TurnMatcher {
    /// Whether a resolved turn is accepted (a paragraph without a turn never is).
    pub fn accepts(&self, turn: Option<&ParagraphTurn>) -> bool {
        let Some(turn) = turn else {
            return false;
        };
        let speaker_ok = self.speakers.is_empty()
            || turn.speaker.as_deref().is_some_and(|name| {
                self.speakers.iter().any(|wanted| {
                    wanted.persons.iter().any(|p| p == name)
                        || wanted.pattern.as_ref().is_some_and(|p| p.matches(name))
                })
            });
        let role_ok = self.roles.is_empty() || self.roles.contains(&turn.role);
        speaker_ok && role_ok
    }

    /// Which of a document's resolved turns are accepted.
    pub fn accepted(&self, resolved: &[ParagraphTurn]) -> Vec<bool> {
        resolved
            .iter()
            .map(|turn| self.accepts(Some(turn)))
            .collect()
    }

    /// Which of a document's stored turns (dated `date`) are accepted, resolving them first.
    pub fn accepted_stored(&self, stored: &[ParagraphTurn], date: NaiveDate) -> Vec<bool> {
        let mut resolved = stored.to_vec();
        self.registry.resolve_turns(&mut resolved, date);
        self.accepted(&resolved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn(speaker: Option<&str>, role: Role) -> ParagraphTurn {
        ParagraphTurn {
            speaker: speaker.map(str::to_string),
            role,
            n_words: 1,
        }
    }

    fn filter(speakers: &[&str], roles: &[Role]) -> TurnMatcher {
        TurnFilter {
            speakers: speakers.iter().map(|s| s.to_string()).collect(),
            roles: roles.to_vec(),
            ..TurnFilter::default()
        }
        .compile()
        .unwrap()
    }

    #[test]
    fn a_registry_person_is_matched_under_any_label() {
        let stored = [
            turn(Some("Вопрос"), Role::Journalist),
            turn(Some("В.Путин"), Role::Official),
            turn(Some("Vladimir Putin"), Role::Official),
            turn(Some("Andrei Putin"), Role::Other),
            turn(None, Role::Narration),
        ];
        let date = NaiveDate::from_ymd_opt(2017, 9, 7).unwrap();
        for name in [
            "putin",
            "Путин",
            "В.Путин",
            "President Putin",
            "владимир путин",
        ] {
            assert_eq!(
                filter(&[name], &[]).accepted_stored(&stored, date),
                [false, true, true, false, false],
                "{name}"
            );
        }
        // An unknown name matches by whole words.
        assert_eq!(
            filter(&["andrei"], &[]).accepted_stored(&stored, date),
            [false, false, false, true, false]
        );
        // A generic label names nobody.
        assert_eq!(
            filter(&["question"], &[]).accepted_stored(&stored, date),
            [false; 5]
        );
        assert_eq!(
            filter(&[], &[Role::Journalist]).accepted_stored(&stored, date),
            [true, false, false, false, false]
        );
        assert_eq!(
            filter(&["putin"], &[Role::Journalist]).accepted_stored(&stored, date),
            [false; 5]
        );
        assert!(!filter(&["putin"], &[]).accepts(None));
    }

    #[test]
    fn a_name_needs_a_word() {
        let empty = TurnFilter {
            speakers: vec!["--".into()],
            ..TurnFilter::default()
        };
        assert!(empty.compile().is_err());
    }
}
