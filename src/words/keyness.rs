//! Keyness: the terms over-used on one side (a period or a group value) against another.
//!
//! Contract: side A is the target, side B the reference. For each term counted on either
//! side: G2 is Rayson's log-likelihood of its count on A against B (the one `compare`
//! uses), signed positive when the term's rate is higher on A and negative when lower, so
//! swapping the sides flips every sign and keeps every magnitude; its p-value is the
//! chi-square upper tail with one degree of freedom; the effect size is Hardie's log
//! ratio, log2 of the ratio of the rates, a zero count read as 0.5. Rows are sorted by
//! signed G2 (A's keywords first, B's last). Tokens, not documents, are the sampling
//! units of G2: a term carried by one long document can be highly "key", which is why
//! every row also gives the documents it occurs in on each side. Group values match as
//! `--speaker` does for speakers and sources (whole words: `putin` is "Vladimir Putin"),
//! exactly for kinds and languages; a document that both values match is on neither side.

use serde::Serialize;

use super::count::document_field;
use super::{WordCounts, WordsError, WordsOptions};
use crate::analysis::stats::{chi_square_1_p_value, log_likelihood_g2};
use crate::analysis::{AnalysisError, Comparison, GroupBy, Period};
use crate::corpus::SpeakerRegistry;
use crate::document::Document;
use crate::index::{DocFilter, IndexStore, names_no_value};
use crate::text::names::NamePattern;

/// The columns of a keyness table, in order.
pub const KEYNESS_COLUMNS: [&str; 14] = [
    "a",
    "b",
    "lang",
    "term",
    "form",
    "count_a",
    "count_b",
    "per_million_a",
    "per_million_b",
    "docs_a",
    "docs_b",
    "g2",
    "p_value",
    "log_ratio",
];

/// One term compared between the sides.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeynessRow {
    /// Language.
    pub lang: &'static str,
    /// The stem or lowercase surface form.
    pub term: String,
    /// Its most frequent surface form.
    pub form: String,
    /// Tokens on side A.
    pub count_a: u64,
    /// Tokens on side B.
    pub count_b: u64,
    /// Per million counted tokens of side A.
    pub per_million_a: f64,
    /// Per million counted tokens of side B.
    pub per_million_b: f64,
    /// Documents of side A it occurs in.
    pub docs_a: u64,
    /// Documents of side B it occurs in.
    pub docs_b: u64,
    /// Log-likelihood G2, positive when over-used on A, negative when on B.
    pub g2: f64,
    /// Chi-square (1 df) p-value of |G2|.
    pub p_value: f64,
    /// log2 of the rate on A over the rate on B (a zero count read as 0.5).
    pub log_ratio: f64,
}

/// A keyness comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeynessTable {
    /// Side A's name.
    pub a: String,
    /// Side B's name.
    pub b: String,
    /// Documents on side A.
    pub docs_a: u64,
    /// Documents on side B.
    pub docs_b: u64,
    /// Counted tokens on side A.
    pub tokens_a: u64,
    /// Counted tokens on side B.
    pub tokens_b: u64,
    /// The terms, by signed G2 (highest first).
    pub rows: Vec<KeynessRow>,
}

impl KeynessTable {
    /// Keeps the `n` terms most over-used on A (highest positive G2) and the `n` most
    /// over-used on B (most negative), in the table's order; 0 keeps every row.
    pub fn keep_top(&mut self, n: usize) {
        if n == 0 {
            return;
        }
        let on_a = self.rows.iter().take_while(|r| r.g2 > 0.0).count();
        let on_b = self.rows.iter().rev().take_while(|r| r.g2 < 0.0).count();
        let len = self.rows.len();
        let mut i = 0;
        self.rows.retain(|_| {
            let keep = (i < on_a && i < n) || (i >= len - on_b && i >= len - on_b.min(n));
            i += 1;
            keep
        });
    }
}

/// A group value of one side: speakers and sources by whole words of their names as
/// stored, as `--speaker` matches them (`putin` is "Vladimir Putin", `владимир` is
/// "Владимир Путин"), a name of a speaker-registry person as that person, under any of
/// the person's names (`Путин` is "Vladimir Putin" too), kinds and languages exactly; all
/// case-insensitively.
enum Value {
    Name(NamePattern),
    Person(String),
    Exact(String),
}

impl Value {
    fn new(by: GroupBy, value: &str, registry: &SpeakerRegistry) -> Value {
        match by {
            // The documents without a value, the group trend tables and `compare` name so.
            _ if names_no_value(value) => Value::Exact(String::new()),
            GroupBy::Speaker if let Some(person) = registry.person(value) => {
                Value::Person(person.name.clone())
            }
            GroupBy::Speaker | GroupBy::Source => NamePattern::new(value, false)
                .map_or_else(|| Value::Exact(value.to_lowercase()), Value::Name),
            _ => Value::Exact(value.to_lowercase()),
        }
    }

    /// Whether a document whose field is `value` (a speaker named by person) and, as
    /// stored, `stored` is on this side.
    fn matches(&self, value: &str, stored: &str) -> bool {
        match self {
            Value::Name(pattern) => pattern.matches(stored),
            Value::Person(name) => value == name,
            Value::Exact(wanted) => value.to_lowercase() == *wanted,
        }
    }
}

/// The two sides, ready to place documents.
enum Sides<'a> {
    Periods(&'a Period, &'a Period),
    Groups(GroupBy, Value, Value),
}

impl Sides<'_> {
    /// The sides of `comparison`, checked (see [`check_sides`]); two names of one
    /// registry person are refused as one side twice.
    fn new<'a>(
        comparison: &'a Comparison,
        registry: &SpeakerRegistry,
    ) -> Result<Sides<'a>, WordsError> {
        check_sides(comparison)?;
        Ok(match comparison {
            Comparison::Periods { a, b } => Sides::Periods(a, b),
            Comparison::Groups { by, a, b } => {
                let (a, b) = (Value::new(*by, a, registry), Value::new(*by, b, registry));
                if let (Value::Person(first), Value::Person(second)) = (&a, &b)
                    && first == second
                {
                    return Err(WordsError::Sides {
                        reason: format!("both sides are {by} `{first}`"),
                    });
                }
                Sides::Groups(*by, a, b)
            }
        })
    }

    /// The side (`"a"` or `"b"`) of `doc`, whose speaker was stored as `stored_speaker`,
    /// if any; a document on both sides (a speaker named by both values) is on neither.
    fn side_of(&self, doc: &Document, stored_speaker: &str) -> Option<String> {
        let (in_a, in_b) = match self {
            Sides::Periods(a, b) => (a.contains(doc.date), b.contains(doc.date)),
            Sides::Groups(by, a, b) => {
                let value = document_field(doc, *by);
                let stored = match by {
                    GroupBy::Speaker => stored_speaker,
                    _ => value,
                };
                (a.matches(value, stored), b.matches(value, stored))
            }
        };
        match (in_a, in_b) {
            (true, false) => Some("a".to_string()),
            (false, true) => Some("b".to_string()),
            _ => None,
        }
    }
}

/// Checks that the sides are disjoint and of whole documents.
fn check_sides(comparison: &Comparison) -> Result<(), WordsError> {
    match comparison {
        Comparison::Periods { a, b } if a.start <= b.end && b.start <= a.end => {
            Err(AnalysisError::PeriodsOverlap {
                first: a.to_string(),
                second: b.to_string(),
            }
            .into())
        }
        Comparison::Groups { by, .. } if by.is_turn_level() => Err(WordsError::Sides {
            reason: format!(
                "--group {by}: word statistics compare whole documents (speaker, source, kind, lang)"
            ),
        }),
        Comparison::Groups { by, a, b } if a.to_lowercase() == b.to_lowercase() => {
            Err(WordsError::Sides {
                reason: format!("both sides are {by} `{a}`"),
            })
        }
        _ => Ok(()),
    }
}

/// Counts the terms of the selected documents on each side of `comparison`: groups `a`
/// and `b` (in this order, each present even when empty).
pub fn keyness_counts(
    store: &IndexStore,
    filter: &DocFilter,
    options: &WordsOptions,
    comparison: &Comparison,
) -> Result<WordCounts, WordsError> {
    let sides = Sides::new(comparison, &filter.turns.registry())?;
    let mut counts =
        super::count::count_words_by_stored(store, filter, options, &|doc, stored| {
            sides.side_of(doc, stored)
        })?;
    ensure_sides(&mut counts);
    Ok(counts)
}

/// Adds an empty group for a side without documents.
fn ensure_sides(counts: &mut WordCounts) {
    for (i, name) in ["a", "b"].into_iter().enumerate() {
        if counts.groups.get(i).is_none_or(|g| g.group != name) {
            counts.groups.insert(
                i,
                super::GroupCounts {
                    group: name.into(),
                    ..Default::default()
                },
            );
        }
    }
}

/// Compares the counts of sides `a` and `b` (from [`keyness_counts`]) term by term, for
/// the terms with at least `min_count` tokens on both sides together.
pub fn keyness(
    counts: &WordCounts,
    comparison: &Comparison,
    min_count: u64,
) -> Result<KeynessTable, WordsError> {
    let (label_a, label_b) = match comparison {
        Comparison::Periods { a, b } => (a.name.clone(), b.name.clone()),
        Comparison::Groups { a, b, .. } => (a.clone(), b.clone()),
    };
    let side = |name: &str| counts.groups.iter().find(|g| g.group == name);
    let (Some(a), Some(b)) = (side("a"), side("b")) else {
        return Err(WordsError::Sides {
            reason: "the counts have no sides a and b".into(),
        });
    };
    for (side, label) in [(a, &label_a), (b, &label_b)] {
        if side.documents == 0 {
            return Err(WordsError::Sides {
                reason: format!("side `{label}` selects no document"),
            });
        }
    }
    let mut rows = Vec::new();
    let zero = super::TermCount::default();
    let ids = a
        .terms
        .keys()
        .chain(b.terms.keys().filter(|id| !a.terms.contains_key(id)));
    for &id in ids {
        let (in_a, in_b) = (
            a.terms.get(&id).unwrap_or(&zero),
            b.terms.get(&id).unwrap_or(&zero),
        );
        if in_a.count + in_b.count < min_count.max(1) {
            continue;
        }
        let term = &counts.vocabulary.terms[id as usize];
        let (g2, log_ratio) = signed_g2_and_log_ratio(in_a.count, a.tokens, in_b.count, b.tokens);
        rows.push(KeynessRow {
            lang: term.lang.as_str(),
            term: term.text.clone(),
            form: term.form.clone(),
            count_a: in_a.count,
            count_b: in_b.count,
            per_million_a: in_a.count as f64 * 1e6 / a.tokens.max(1) as f64,
            per_million_b: in_b.count as f64 * 1e6 / b.tokens.max(1) as f64,
            docs_a: in_a.docs,
            docs_b: in_b.docs,
            g2,
            p_value: chi_square_1_p_value(g2.abs()),
            log_ratio,
        });
    }
    rows.sort_by(|x, y| {
        y.g2.total_cmp(&x.g2)
            .then_with(|| x.lang.cmp(y.lang))
            .then_with(|| x.term.cmp(&y.term))
    });
    Ok(KeynessTable {
        a: label_a,
        b: label_b,
        docs_a: a.documents,
        docs_b: b.documents,
        tokens_a: a.tokens,
        tokens_b: b.tokens,
        rows,
    })
}

/// Signed G2 of `count_a` in `tokens_a` against `count_b` in `tokens_b`, and the log ratio
/// of the two rates (a zero count read as 0.5).
pub(crate) fn signed_g2_and_log_ratio(
    count_a: u64,
    tokens_a: u64,
    count_b: u64,
    tokens_b: u64,
) -> (f64, f64) {
    let g2 = log_likelihood_g2(count_a, tokens_a, count_b, tokens_b);
    let rate = |count: u64, tokens: u64| {
        let count = if count == 0 { 0.5 } else { count as f64 };
        count / tokens.max(1) as f64
    };
    let log_ratio = (rate(count_a, tokens_a) / rate(count_b, tokens_b)).log2();
    // Rates compared exactly (cross-multiplied) so equal rates give +0 on both sides.
    let higher_on_a =
        u128::from(count_a) * u128::from(tokens_b) > u128::from(count_b) * u128::from(tokens_a);
    (if higher_on_a { g2 } else { -g2 }, log_ratio)
}

/// [`keyness_counts`] over documents in memory (tests).
#[cfg(test)]
pub(crate) fn keyness_of_docs(
    docs: &[Document],
    options: &WordsOptions,
    comparison: &Comparison,
) -> Result<WordCounts, WordsError> {
    let sides = Sides::new(comparison, &SpeakerRegistry::builtin())?;
    let mut counts =
        super::count::tests::count_docs(docs, options, &|doc| sides.side_of(doc, &doc.speaker));
    ensure_sides(&mut counts);
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::analysis::parse_period;
    use crate::document::Lang;
    use crate::words::count::tests::doc;

    #[test]
    fn g2_p_value_and_log_ratio_match_hand_computed_values() {
        // 10 of 1,000 tokens on A, 5 of 2,000 on B. Expected counts under one common rate
        // (15 of 3,000): E_a = 1000 * 15/3000 = 5, E_b = 2000 * 15/3000 = 10.
        // G2 = 2 * (10 ln(10/5) + 5 ln(5/10)) = 2 * 5 ln 2 = 6.931472.
        // p = P(chi2_1 > 6.931472) = 0.0084688; log ratio = log2(0.01 / 0.0025) = 2.
        let (g2, log_ratio) = signed_g2_and_log_ratio(10, 1000, 5, 2000);
        assert!((g2 - 10.0 * 2f64.ln()).abs() < 1e-9, "{g2}");
        assert!((chi_square_1_p_value(g2) - 0.008_468_8).abs() < 1e-6);
        assert!((log_ratio - 2.0).abs() < 1e-12);
        // Swapped: the same magnitude, the sign flipped.
        let (g2_swapped, lr_swapped) = signed_g2_and_log_ratio(5, 2000, 10, 1000);
        assert_eq!((g2_swapped, lr_swapped), (-g2, -log_ratio));
        // A term absent from B: its count read as 0.5 in the log ratio.
        // log2((4/100) / (0.5/100)) = log2(8) = 3.
        assert!((signed_g2_and_log_ratio(4, 100, 0, 100).1 - 3.0).abs() < 1e-12);
    }

    #[test]
    fn periods_compare_terms_with_document_counts() {
        let docs = [
            doc(
                1,
                Lang::En,
                "a",
                "sanctions sanctions sanctions sanctions dialogue",
            ),
            doc(2, Lang::En, "a", "talks dialogue"),
            doc(20, Lang::En, "b", "dialogue dialogue talks"),
        ];
        let comparison = Comparison::Periods {
            a: parse_period("2017-01-01..2017-01-10").unwrap(),
            b: parse_period("2017-01-11..2017-01-31").unwrap(),
        };
        let counts = keyness_of_docs(&docs, &WordsOptions::default(), &comparison).unwrap();
        let table = keyness(&counts, &comparison, 1).unwrap();
        assert_eq!(
            (table.docs_a, table.docs_b, table.tokens_a, table.tokens_b),
            (2, 1, 7, 3)
        );
        assert_eq!(table.rows[0].term, "sanction");
        assert_eq!(
            (
                table.rows[0].count_a,
                table.rows[0].docs_a,
                table.rows[0].count_b
            ),
            (4, 1, 0)
        );
        assert_eq!(table.rows.last().unwrap().term, "dialogu");
        assert!(table.rows.last().unwrap().g2 < 0.0);
        assert!(table.rows.windows(2).all(|w| w[0].g2 >= w[1].g2));
        assert!(keyness(&counts, &comparison, 5).unwrap().rows.is_empty());
        // The top term of each side: sanction (A) and dialogu (B); talk (G2 > 0 on A,
        // less key) goes.
        let mut top = table.clone();
        top.keep_top(1);
        let terms: Vec<&str> = top.rows.iter().map(|r| r.term.as_str()).collect();
        assert_eq!(terms, ["sanction", "dialogu"]);
    }

    #[test]
    fn bad_sides_are_refused() {
        let overlapping = Comparison::Periods {
            a: parse_period("2017").unwrap(),
            b: parse_period("2017-Q3").unwrap(),
        };
        assert!(keyness_of_docs(&[], &WordsOptions::default(), &overlapping).is_err());
        let same = Comparison::Groups {
            by: GroupBy::Speaker,
            a: "Putin".into(),
            b: "putin".into(),
        };
        assert!(keyness_of_docs(&[], &WordsOptions::default(), &same).is_err());
        let nobody = Comparison::Groups {
            by: GroupBy::Speaker,
            a: "Putin".into(),
            b: "Lavrov".into(),
        };
        let docs = [doc(1, Lang::En, "Vladimir Putin", "words")];
        let counts = keyness_of_docs(&docs, &WordsOptions::default(), &nobody).unwrap();
        let err = keyness(&counts, &nobody, 1).unwrap_err();
        assert_eq!(
            err.to_string(),
            "keyness: side `Lavrov` selects no document"
        );
        // Two names of one registry person are one side twice; a person's name in another
        // alphabet is that person.
        let one_person = Comparison::Groups {
            by: GroupBy::Speaker,
            a: "Vladimir Putin".into(),
            b: "Владимир Путин".into(),
        };
        let err = keyness_of_docs(&[], &WordsOptions::default(), &one_person).unwrap_err();
        assert_eq!(
            err.to_string(),
            "keyness: both sides are speaker `Vladimir Putin`"
        );
        let in_russian = Comparison::Groups {
            by: GroupBy::Speaker,
            a: "Владимир Путин".into(),
            b: "Lavrov".into(),
        };
        let counts = keyness_of_docs(&docs, &WordsOptions::default(), &in_russian).unwrap();
        assert_eq!(counts.groups[0].documents, 1);
        // `(unknown)` is the side of the documents without a speaker, as in `compare`.
        let anonymous = [
            doc(1, Lang::En, "", "words"),
            doc(2, Lang::En, "Vladimir Putin", "words"),
        ];
        let unknown = Comparison::Groups {
            by: GroupBy::Speaker,
            a: "(unknown)".into(),
            b: "putin".into(),
        };
        let counts = keyness_of_docs(&anonymous, &WordsOptions::default(), &unknown).unwrap();
        let sides: Vec<u64> = counts.groups.iter().map(|g| g.documents).collect();
        assert_eq!(sides, [1, 1]);
        // "putin" and "vladimir" both name this speaker: the document is on neither side.
        let both = Comparison::Groups {
            by: GroupBy::Speaker,
            a: "putin".into(),
            b: "vladimir".into(),
        };
        let counts = keyness_of_docs(&docs, &WordsOptions::default(), &both).unwrap();
        assert_eq!(counts.groups.iter().map(|g| g.documents).sum::<u64>(), 0);
    }

    proptest! {
        /// Swapping the sides flips the sign of every G2 and log ratio and keeps the rest.
        #[test]
        fn keyness_is_antisymmetric_when_the_sides_swap(
            a in proptest::collection::vec("(alpha|beta|gamma|delta|[a-c]{1,3}| ){0,20}", 1..4),
            b in proptest::collection::vec("(alpha|beta|gamma|delta|[a-c]{1,3}| ){0,20}", 1..4),
        ) {
            let docs: Vec<Document> = a.iter().map(|t| doc(1, Lang::En, "x", t))
                .chain(b.iter().map(|t| doc(2, Lang::En, "y", t)))
                .collect();
            let forward = Comparison::Groups { by: GroupBy::Speaker, a: "x".into(), b: "y".into() };
            let backward = Comparison::Groups { by: GroupBy::Speaker, a: "y".into(), b: "x".into() };
            let options = WordsOptions::default();
            let there = keyness(&keyness_of_docs(&docs, &options, &forward).unwrap(), &forward, 1).unwrap();
            let back = keyness(&keyness_of_docs(&docs, &options, &backward).unwrap(), &backward, 1).unwrap();
            prop_assert_eq!(there.rows.len(), back.rows.len());
            for row in &there.rows {
                let other = back.rows.iter().find(|r| r.term == row.term).unwrap();
                prop_assert_eq!(row.g2, -other.g2);
                prop_assert!((row.log_ratio + other.log_ratio).abs() < 1e-9);
                prop_assert_eq!((row.count_a, row.docs_a), (other.count_b, other.docs_b));
                prop_assert!(row.p_value == other.p_value);
            }
        }
    }
}
