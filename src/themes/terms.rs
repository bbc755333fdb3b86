//! Query terms: a query in the search language counted like a theme (`trends --term`),
//! without a theme file.
//!
//! Contract: a term's matches are the hits of its query ([`crate::search::ParagraphScanner`]:
//! occurrences of the query's positive words and phrases in paragraphs that satisfy the
//! query on their own, overlapping ones merged), as [`ThemeMatch`]es whose theme is the
//! term's id and whose rule is the query text; so every output built on theme matches
//! (trend tables, intervals, comparisons, first occurrences, evidence rows) works for terms
//! unchanged. A term written `name=QUERY` is named `name` (letters, digits, `_`, `-`, `.`);
//! otherwise its id is the query text itself.

use std::sync::Arc;

use super::{ThemeError, ThemeMatch};
use crate::document::Document;
use crate::query::Plan;
use crate::search::ParagraphScanner;
use crate::text::sentence_spans;

/// A search-language query counted as one series.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryTerm {
    /// The series name: the name given, else the query text.
    pub id: String,
    /// The query as written.
    pub query: String,
    /// The query, parsed and analyzed.
    pub plan: Plan,
}

impl QueryTerm {
    /// Reads `name=QUERY` or `QUERY` (see the module doc); a query that does not parse is
    /// an error naming the term.
    pub fn parse(spec: &str) -> Result<QueryTerm, ThemeError> {
        let (id, query) = match spec.split_once('=') {
            Some((name, query)) if is_name(name.trim()) && !query.trim().is_empty() => {
                (name.trim().to_string(), query.trim().to_string())
            }
            _ => (spec.trim().to_string(), spec.trim().to_string()),
        };
        let plan = Plan::parse(&query).map_err(|source| ThemeError::Term {
            term: spec.to_string(),
            source,
        })?;
        if !plan.has_positive_body_text() {
            return Err(ThemeError::TermWithoutText {
                term: spec.to_string(),
            });
        }
        Ok(QueryTerm { id, query, plan })
    }

    /// The matches of this term in `doc`, in text order.
    pub fn matches(&self, scanner: &mut ParagraphScanner, doc: &Document) -> Vec<ThemeMatch> {
        let hits = scanner.hits(&self.plan, doc);
        let mut paragraphs = doc.paragraphs().enumerate();
        let mut current: Option<(usize, Vec<std::ops::Range<usize>>)> = None;
        let (id, rule): (Arc<str>, Arc<str>) =
            (self.id.as_str().into(), self.query.as_str().into());
        hits.into_iter()
            .map(|hit| {
                if current.as_ref().is_none_or(|(para, _)| *para != hit.para) {
                    let text = paragraphs
                        .find(|(para, _)| *para == hit.para)
                        .map_or("", |(_, text)| text);
                    current = Some((hit.para, sentence_spans(text)));
                }
                let sentence = current.as_ref().map_or(0, |(_, sentences)| {
                    sentences
                        .iter()
                        .rposition(|s| s.start <= hit.start)
                        .unwrap_or(0)
                });
                ThemeMatch {
                    theme: id.clone(),
                    para: hit.para,
                    sentence,
                    start: hit.start,
                    end: hit.end,
                    rule: rule.clone(),
                }
            })
            .collect()
    }
}

/// Whether `name` can name a term (the characters of a theme id).
fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Lang;

    fn doc(text: &str) -> Document {
        crate::document::test_document(Lang::En, "", text)
    }

    #[test]
    fn a_term_is_named_by_its_query_or_by_name_equals() {
        let plain = QueryTerm::parse("korea* OR dprk").unwrap();
        assert_eq!(
            (plain.id.as_str(), plain.query.as_str()),
            ("korea* OR dprk", "korea* OR dprk")
        );
        let named = QueryTerm::parse("korea = korea* OR dprk").unwrap();
        assert_eq!(
            (named.id.as_str(), named.query.as_str()),
            ("korea", "korea* OR dprk")
        );
        // Not a name before `=`: the whole text is the query (here a bad one).
        let err = QueryTerm::parse("\"a b\"=c").unwrap_err().to_string();
        assert!(
            err.starts_with("term `\"a b\"=c`: query syntax error"),
            "{err}"
        );
        let err = QueryTerm::parse("x=(korea").unwrap_err().to_string();
        assert!(err.contains("x=(korea") && err.contains("column"), "{err}");
        for selects_only in ["title:korea", "speaker:putin", "k=title:korea -dprk"] {
            let err = QueryTerm::parse(selects_only).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!(
                    "term `{selects_only}`: no word of it is searched in the text"
                )),
                "{err}"
            );
        }
        assert!(QueryTerm::parse("sanctions title:korea").is_ok());
    }

    #[test]
    fn matches_locate_paragraph_sentence_and_bytes() {
        let d = doc("Nothing here.\nTalks began. Then Korea and the DPRK. Korea again.");
        let term = QueryTerm::parse("k=korea OR dprk").unwrap();
        let found: Vec<_> = term
            .matches(&mut ParagraphScanner::default(), &d)
            .into_iter()
            .map(|m| {
                (
                    m.theme.to_string(),
                    m.para,
                    m.sentence,
                    m.start,
                    m.end,
                    m.rule.to_string(),
                )
            })
            .collect();
        let rule = "korea OR dprk".to_string();
        assert_eq!(
            found,
            [
                ("k".to_string(), 1, 1, 18, 23, rule.clone()),
                ("k".into(), 1, 1, 32, 36, rule.clone()),
                ("k".into(), 1, 2, 38, 43, rule),
            ]
        );
    }
}
