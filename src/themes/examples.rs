//! Running the example sentences a theme file carries (`examples.match`, `examples.no_match`)
//! through the compiled matcher: the theme file's own tests.
//!
//! Contract: each example is matched as a one-paragraph document of its table's language
//! against the whole set (so cross-theme effects are what counting would see); an example
//! passes when the theme matches it (`match`) or does not (`no_match`).

use serde::Serialize;

use super::{Matcher, Scratch, ThemeError, ThemeSet};

/// The result of one example sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExampleOutcome {
    /// Theme id.
    pub theme: String,
    /// Language of the table the example is in.
    pub lang: String,
    /// Whether the theme should match.
    pub expected: bool,
    /// Whether it matched.
    pub got: bool,
    /// The sentence.
    pub sentence: String,
    /// The rules that fired (empty when none).
    pub rules: Vec<String>,
}

impl ExampleOutcome {
    /// Whether the example behaved.
    pub fn passed(&self) -> bool {
        self.expected == self.got
    }
}

/// Runs every example of `set`, in file order.
pub fn run_examples(set: &ThemeSet) -> Result<Vec<ExampleOutcome>, ThemeError> {
    Ok(run_examples_with(set, &Matcher::new(set)?))
}

/// Runs every example of `set`, in file order, through `matcher`, which must have been
/// compiled from `set` ([`Matcher::new`]); for callers that already hold one, since
/// compiling a set's patterns costs far more than matching its examples.
pub fn run_examples_with(set: &ThemeSet, matcher: &Matcher) -> Vec<ExampleOutcome> {
    let mut scratch = Scratch::default();
    let mut out = Vec::new();
    for theme in &set.themes {
        for table in &theme.langs {
            let cases = table
                .examples
                .must_match
                .iter()
                .map(|s| (true, s))
                .chain(table.examples.no_match.iter().map(|s| (false, s)));
            for (expected, sentence) in cases {
                let rules: Vec<String> = matcher
                    .match_text(table.lang, sentence, &mut scratch)
                    .into_iter()
                    .filter(|m| *m.theme == *theme.id)
                    .map(|m| m.rule.to_string())
                    .collect();
                out.push(ExampleOutcome {
                    theme: theme.id.clone(),
                    lang: table.lang.as_str().to_string(),
                    expected,
                    got: !rules.is_empty(),
                    sentence: sentence.clone(),
                    rules,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn failing_examples_are_reported_with_what_happened() {
        let text = r#"
name = "t"
[[theme]]
id = "futility"
[theme.en]
not_after = 2
patterns = ["sanctions ~2 useless"]
examples.match = ["Sanctions are useless.", "Sanctions are not useless."]
examples.no_match = ["Sanctions work.", "These sanctions are utterly useless."]
"#;
        let set = ThemeSet::from_toml(Path::new("t.toml"), text).unwrap();
        let outcomes = run_examples(&set).unwrap();
        assert_eq!(outcomes.len(), 4);
        let failed: Vec<_> = outcomes.iter().filter(|o| !o.passed()).collect();
        assert_eq!(failed.len(), 2, "{failed:#?}");
        assert_eq!(failed[0].sentence, "Sanctions are not useless.");
        assert!(failed[0].expected && !failed[0].got);
        assert_eq!(failed[1].rules, ["sanctions ~2 useless"]);
        // The same outcomes through a matcher compiled beforehand.
        assert_eq!(
            run_examples_with(&set, &Matcher::new(&set).unwrap()),
            outcomes
        );
    }
}
