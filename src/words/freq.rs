//! Term frequencies: the most frequent terms of each group.
//!
//! Contract: rows come group by group (in the groups' order), most frequent first, ties
//! by language then term; ranks start at 1 in each group; a term below `min_count` in a
//! group is not listed for it; rates are per million counted tokens of the group.

use serde::Serialize;

use super::WordCounts;

/// The columns of a frequency table, in order.
pub const FREQ_COLUMNS: [&str; 10] = [
    "group",
    "rank",
    "lang",
    "term",
    "form",
    "count",
    "per_million",
    "docs",
    "group_docs",
    "group_tokens",
];

/// One term of one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FreqRow {
    /// The group (a period, a speaker, ... or `all`).
    pub group: String,
    /// 1 for the most frequent term of the group.
    pub rank: u64,
    /// Language.
    pub lang: &'static str,
    /// The stem or lowercase surface form.
    pub term: String,
    /// Its most frequent surface form.
    pub form: String,
    /// Tokens of the term in the group.
    pub count: u64,
    /// Per million counted tokens of the group.
    pub per_million: f64,
    /// Documents of the group it occurs in.
    pub docs: u64,
    /// Documents of the group.
    pub group_docs: u64,
    /// Counted tokens of the group (stopwords left out).
    pub group_tokens: u64,
}

/// The `top` most frequent terms of each group with at least `min_count` tokens (`top`
/// 0: every such term).
pub fn freq_rows(counts: &WordCounts, top: usize, min_count: u64) -> Vec<FreqRow> {
    let mut rows = Vec::new();
    for group in &counts.groups {
        let mut terms: Vec<(u32, u64, u64)> = group
            .terms
            .iter()
            .filter(|(_, c)| c.count >= min_count.max(1))
            .map(|(&id, c)| (id, c.count, c.docs))
            .collect();
        let term = |id: u32| &counts.vocabulary.terms[id as usize];
        terms.sort_unstable_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| term(a.0).lang.as_str().cmp(term(b.0).lang.as_str()))
                .then_with(|| term(a.0).text.cmp(&term(b.0).text))
        });
        if top > 0 {
            terms.truncate(top);
        }
        for (rank, (id, count, docs)) in terms.into_iter().enumerate() {
            let term = term(id);
            rows.push(FreqRow {
                group: group.group.clone(),
                rank: rank as u64 + 1,
                lang: term.lang.as_str(),
                term: term.text.clone(),
                form: term.form.clone(),
                count,
                per_million: count as f64 * 1e6 / group.tokens.max(1) as f64,
                docs,
                group_docs: group.documents,
                group_tokens: group.tokens,
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Granularity, GroupBy};
    use crate::document::Lang;
    use crate::words::count::tests::{count_docs, doc};
    use crate::words::{Grouping, TermForm, WordsOptions};

    #[test]
    fn top_terms_by_group_with_rates_and_ranks() {
        let docs = [
            doc(
                1,
                Lang::En,
                "a",
                "Sanctions hurt. Sanctions fail, sanction talks fail",
            ),
            doc(2, Lang::En, "a", "talks"),
        ];
        let grouping = Grouping::Period(Granularity::Month);
        let counts = count_docs(&docs, &WordsOptions::default(), &|d| {
            Some(grouping.group_of(d))
        });
        let rows = freq_rows(&counts, 2, 1);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].group, "2017-01");
        assert_eq!(
            (rows[0].term.as_str(), rows[0].form.as_str()),
            ("sanction", "sanctions")
        );
        assert_eq!((rows[0].rank, rows[0].count, rows[0].docs), (1, 3, 1));
        // 8 tokens: sanctions hurt sanctions fail sanction talks fail talks.
        assert_eq!(rows[0].group_tokens, 8);
        assert!((rows[0].per_million - 375_000.0).abs() < 1e-6);
        // fail and talk have 2 each; ties by term.
        assert_eq!(rows[1].term, "fail");
        let rows = freq_rows(&counts, 0, 2);
        let terms: Vec<&str> = rows.iter().map(|r| r.term.as_str()).collect();
        assert_eq!(terms, ["sanction", "fail", "talk"]);
        let surface = WordsOptions {
            form: TermForm::Surface,
            ..WordsOptions::default()
        };
        let grouping = Grouping::Field(GroupBy::Lang);
        let counts = count_docs(&docs, &surface, &|d| Some(grouping.group_of(d)));
        let rows = freq_rows(&counts, 0, 1);
        let count = |term: &str| rows.iter().find(|r| r.term == term).map(|r| r.count);
        assert_eq!((count("sanctions"), count("sanction")), (Some(2), Some(1)));
        assert!(rows.iter().all(|r| r.group == "en" && r.form == r.term));
    }
}
