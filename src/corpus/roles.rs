//! Guessing who a speaker is (Russian official, journalist, foreign official, other) from
//! the words of a speaker label or of the phrase that introduces a name in the text.
//!
//! The guess is a table lookup, in this order: journalist words (`Question`, `Moderator`,
//! `anchor`, `Вопрос` ...); well-known people of the period (Russian officials, foreign
//! leaders) matched by first initial and surname; the first country named in the title
//! (`of Russia`, `Russian` → official; `of Japan`, `French` → foreign); Russian official
//! titles (`Minister`, `Governor`, `State Duma`, `губернатор` ...); business and other
//! titles (`CEO`, `Rector` ...) → other. The tables are data: extend them rather than the
//! code. A label with none of these cues gives no guess; the caller decides (see
//! [`super::turns`]).
//!
//! The tables live in `roles.toml` beside this file, embedded at build time and parsed
//! once; `tests::the_tables_are_well_formed` checks that every entry is in the form the
//! lookups compare against (a folded entry that no folded word can equal would never match).

use std::collections::HashSet;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::document::Role;

/// The cue tables of `roles.toml` (see that file for what each holds).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Tables {
    journalist_words: Vec<String>,
    russian_officials: Vec<(String, String)>,
    foreign_officials: Vec<(String, String)>,
    russia_words: Vec<String>,
    countries: Vec<String>,
    demonyms: Vec<String>,
    official_titles: Vec<String>,
    state_titles: Vec<String>,
    other_titles: Vec<String>,
}

/// The tables as written in the repository.
const TABLES_TOML: &str = include_str!("roles.toml");

/// The parsed tables. The file is part of the build and checked by a unit test, so it
/// always parses.
static TABLES: LazyLock<Tables> =
    LazyLock::new(|| toml::from_str(TABLES_TOML).expect("roles.toml parses (checked by a test)"));

/// Whether `table` holds `word` exactly.
fn holds(table: &[String], word: &str) -> bool {
    table.iter().any(|entry| entry == word)
}

/// Folds a word for table lookups: lowercase, typographic apostrophe as ASCII, no
/// surrounding punctuation.
fn fold(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric() && c != '.')
        .trim_end_matches('.')
        .to_lowercase()
        .replace('’', "'")
}

/// Lowercase words of `text`, folded, for cue lookups.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ',')
        .map(fold)
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether `phrase` (one or more lowercase words, split into words) occurs as whole words
/// in `words`.
fn contains_phrase(words: &[String], phrase: &[String]) -> bool {
    words.windows(phrase.len()).any(|w| {
        w.iter().zip(phrase).all(|(have, want)| {
            have == want || (want.len() > 3 && have.strip_suffix('s') == Some(want.as_str()))
        })
    })
}

/// The phrase tables, each phrase split into its words once.
struct Phrases {
    other_titles: Vec<Vec<String>>,
    state_titles: Vec<Vec<String>>,
    official_titles: Vec<Vec<String>>,
    countries: Vec<Vec<String>>,
}

static PHRASES: LazyLock<Phrases> = LazyLock::new(|| {
    let split = |table: &[String]| -> Vec<Vec<String>> {
        table
            .iter()
            .map(|phrase| phrase.split(' ').map(String::from).collect())
            .collect()
    };
    Phrases {
        other_titles: split(&TABLES.other_titles),
        state_titles: split(&TABLES.state_titles),
        official_titles: split(&TABLES.official_titles),
        countries: split(&TABLES.countries),
    }
});

/// The role of a well-known person, matched on surname and first initial.
pub(crate) fn known_person(name: &str) -> Option<Role> {
    let tokens: Vec<&str> = name.split_whitespace().collect();
    let (first, last) = match tokens.as_slice() {
        [] => return None,
        // `В.Путин`, `С.В.Лавров`: initials glued to the surname.
        [one] => {
            let (initials, surname) = one.rsplit_once('.')?;
            (initials, surname)
        }
        [first, .., last] => (*first, *last),
    };
    let initial = first.chars().next()?;
    let last = last.to_lowercase();
    // Russian officials first (`PEOPLE`'s order).
    PEOPLE
        .iter()
        .find(|person| {
            let surname_matches = person.last_lower == last
                || (person.last.contains(' ') && name.ends_with(&person.last));
            surname_matches && person.first.starts_with(initial)
        })
        .map(|person| person.role)
}

/// The well-known person named first in `text` (`Vladimir Putin sent greetings ...`),
/// with their role.
pub(crate) fn first_known_person(text: &str) -> Option<(String, Role)> {
    // The earliest mention; at one position, the person listed first (officials first).
    PEOPLE
        .iter()
        .filter_map(|person| person.finder.find(text.as_bytes()).map(|at| (at, person)))
        .min_by_key(|(at, _)| *at)
        .map(|(_, person)| (person.name.clone(), person.role))
}

/// A well-known person of the tables as written in running text (`first last`).
struct Person {
    /// `first last`.
    name: String,
    first: String,
    last: String,
    /// `last`, lowercase.
    last_lower: String,
    role: Role,
    /// Finds `name` (built once: a search per paragraph and person).
    finder: memchr::memmem::Finder<'static>,
}

/// The people of both tables, Russian officials first, in table order.
static PEOPLE: LazyLock<Vec<Person>> = LazyLock::new(|| {
    [
        (&TABLES.russian_officials, Role::Official),
        (&TABLES.foreign_officials, Role::Foreign),
    ]
    .iter()
    .flat_map(|(table, role)| {
        table.iter().map(move |(first, last)| {
            let name = format!("{first} {last}");
            Person {
                finder: memchr::memmem::Finder::new(name.as_bytes()).into_owned(),
                name,
                first: first.clone(),
                last: last.clone(),
                last_lower: last.to_lowercase(),
                role: *role,
            }
        })
    })
    .collect()
});

/// Whether `word` names a country (Russia included), as opposed to a person.
pub(crate) fn is_country(word: &str) -> bool {
    COUNTRY_WORDS.contains(fold(word).as_str())
}

/// The words of `russia_words` and `countries` as one set: labels are read word by word
/// against it.
static COUNTRY_WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    let tables: &'static Tables = &TABLES;
    tables
        .russia_words
        .iter()
        .chain(&tables.countries)
        .map(String::as_str)
        .collect()
});

/// Journalist words in `text` (a label or a title).
pub(crate) fn has_journalist_word(text: &str) -> bool {
    words(text).iter().any(|w| {
        holds(&TABLES.journalist_words, w)
            || TABLES
                .journalist_words
                .iter()
                .any(|j| j.len() > 3 && w.strip_suffix('s') == Some(j))
    })
}

/// Whether `word` alone is a title of the role tables (`Президент`, `Minister`, `CEO`) or a
/// journalist's word.
pub(crate) fn is_title_word(word: &str) -> bool {
    let word = words(word);
    let [word] = word.as_slice() else {
        return false;
    };
    [
        &PHRASES.official_titles,
        &PHRASES.state_titles,
        &PHRASES.other_titles,
    ]
    .iter()
    .any(|table| {
        table
            .iter()
            .any(|t| t.as_slice() == std::slice::from_ref(word))
    }) || has_journalist_word(word)
}

/// The role that the words of a title imply (`President of France`, `Finance Minister`),
/// or `None` when they name no cue. `name` is the person's name, when known.
pub fn guess_role(title: &str, name: Option<&str>) -> Option<Role> {
    guess(title, name, true)
}

/// Like [`guess_role`] for the words that introduce a name in running text, where
/// `Russian` describes anyone (`Russian chess player`) and so is not a cue.
pub(crate) fn guess_role_in_text(words_before: &str) -> Option<Role> {
    guess(words_before, None, false)
}

fn guess(title: &str, name: Option<&str>, russia_is_a_cue: bool) -> Option<Role> {
    if has_journalist_word(title) {
        return Some(Role::Journalist);
    }
    if let Some(role) = name.and_then(known_person) {
        return Some(role);
    }
    let words = words(title);
    let has = |table: &[Vec<String>]| table.iter().any(|t| contains_phrase(&words, t));
    // Business, church and academia first: `Russian Railways CEO` is not an official.
    if has(&PHRASES.other_titles) {
        return Some(Role::Other);
    }
    // The first country named decides: `Russian Ambassador to Japan` is an official,
    // `Ambassador of Japan to Russia` a foreigner; a foreigner without a state title
    // (`Chairman of German Committee on ...`) is someone else.
    for (i, word) in words.iter().enumerate() {
        if holds(&TABLES.russia_words, word) {
            if russia_is_a_cue {
                return Some(Role::Official);
            }
            continue;
        }
        let rest = &words[i..];
        let foreign = holds(&TABLES.demonyms, word)
            || PHRASES
                .countries
                .iter()
                .any(|c| rest.len() >= c.len() && contains_phrase(&rest[..c.len()], c));
        if foreign {
            return Some(if has(&PHRASES.state_titles) {
                Role::Foreign
            } else {
                Role::Other
            });
        }
    }
    if has(&PHRASES.official_titles) {
        return Some(Role::Official);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_are_well_formed() {
        let tables: Tables = toml::from_str(TABLES_TOML).unwrap();
        let word_tables = [
            ("journalist_words", &tables.journalist_words),
            ("russia_words", &tables.russia_words),
            ("countries", &tables.countries),
            ("demonyms", &tables.demonyms),
            ("official_titles", &tables.official_titles),
            ("state_titles", &tables.state_titles),
            ("other_titles", &tables.other_titles),
        ];
        for (name, table) in word_tables {
            assert!(!table.is_empty(), "{name} is empty");
            for (i, entry) in table.iter().enumerate() {
                // Lookups compare folded words, joined by single spaces.
                let folded: Vec<String> = words(entry);
                assert_eq!(&folded.join(" "), entry, "{name}: `{entry}` is not folded");
                assert!(!table[..i].contains(entry), "{name}: `{entry}` twice");
            }
        }
        for (name, table) in [
            ("russian_officials", &tables.russian_officials),
            ("foreign_officials", &tables.foreign_officials),
        ] {
            assert!(!table.is_empty(), "{name} is empty");
            for (i, (first, last)) in table.iter().enumerate() {
                for part in [first, last] {
                    assert!(
                        !part.is_empty() && part.trim() == part,
                        "{name}: `{first} {last}`"
                    );
                }
                assert!(
                    !table[..i].contains(&(first.clone(), last.clone())),
                    "{name}: `{first} {last}` twice"
                );
            }
        }
        // Nobody is both a Russian official and a foreign one.
        for person in &tables.russian_officials {
            assert!(!tables.foreign_officials.contains(person), "{person:?}");
        }
    }

    #[test]
    fn journalists_by_label_word() {
        for title in [
            "Question",
            "Remark",
            "Moderator",
            "CNBC TV anchor",
            "Panel moderator, NBC host",
            "Вопрос",
            "Реплика",
        ] {
            assert_eq!(guess_role(title, None), Some(Role::Journalist), "{title}");
        }
    }

    #[test]
    fn well_known_people_by_name() {
        for name in [
            "Vladimir Putin",
            "Dmitry Peskov",
            "Sergei Lavrov",
            "Maria Zakharova",
            "Sergey Shoigu",
            "В.Путин",
            "С.В.Лавров",
            "М.Захарова",
        ] {
            assert_eq!(guess_role("", Some(name)), Some(Role::Official), "{name}");
        }
        for name in [
            "Shinzo Abe",
            "Xi Jinping",
            "Moon Jae-in",
            "Recep Tayyip Erdogan",
            "Emmanuel Macron",
        ] {
            assert_eq!(guess_role("", Some(name)), Some(Role::Foreign), "{name}");
        }
        assert_eq!(
            guess_role("", Some("Andrei Medvedev")),
            None,
            "same surname, other person"
        );
        assert_eq!(guess_role("", Some("Jane Doe")), None);
    }

    #[test]
    fn the_first_country_named_decides() {
        for title in [
            "President of Russia",
            "Foreign Minister of Russia",
            "Russian Ambassador to Japan",
            "Президент Российской Федерации",
        ] {
            assert_eq!(guess_role(title, None), Some(Role::Official), "{title}");
        }
        for title in [
            "President of France",
            "Prime Minister of Japan",
            "President of the People’s Republic of China",
            "German Minister of Foreign Affairs",
            "President of the United States of America",
            "Ambassador of Japan to Russia",
        ] {
            assert_eq!(guess_role(title, None), Some(Role::Foreign), "{title}");
        }
    }

    #[test]
    fn russian_titles_and_other_titles() {
        for title in [
            "Finance Minister",
            "Moscow Mayor",
            "Rostov Region Governor",
            "State Duma Speaker",
            "Colonel General",
            "губернатор Калужской области",
        ] {
            assert_eq!(guess_role(title, None), Some(Role::Official), "{title}");
        }
        for title in [
            "Rostec State Corporation CEO",
            "Sberbank CEO and Chairman of the Board",
            "OPEC Secretary General",
            "Archpriest",
        ] {
            assert_eq!(guess_role(title, None), Some(Role::Other), "{title}");
        }
        assert_eq!(guess_role("FIFA President", None), None);
        assert_eq!(guess_role("", None), None);
    }
}
