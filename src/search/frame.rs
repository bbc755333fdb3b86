//! Search results as polars frames, for export (`search --out`): the hit table with
//! [`HIT_COLUMNS`], the columns of `search --csv`, and the count tables of `--count` and
//! `--count --by`.
//!
//! Contract: one row per hit in rank order; `snippet` is the best passage and `matches`
//! its matched words joined by ` | ` ([`Passage::matched_words`]); `score` is rounded as
//! every output shows it ([`rounded_score`]); `para` is null without passages.

use polars::prelude::{Column, DataFrame};

use super::{GroupBy, GroupCount, Hit, Passage, SearchError};

/// Columns of the hit table, in order (the same as `search --csv`).
pub const HIT_COLUMNS: [&str; 12] = [
    "id", "date", "title", "speaker", "source", "kind", "lang", "url", "score", "para", "snippet",
    "matches",
];

/// A hit's score as outputs show it: four decimals are plenty to rank by and keep the
/// output stable to read.
pub fn rounded_score(score: f32) -> f64 {
    (f64::from(score) * 1e4).round() / 1e4
}

impl Passage {
    /// The matched words and phrases of the passage, in order.
    pub fn matched_words(&self) -> Vec<&str> {
        self.highlights
            .iter()
            .filter_map(|r| self.text.get(r.clone()))
            .collect()
    }
}

fn frame(table: &'static str, columns: Vec<Column>) -> Result<DataFrame, SearchError> {
    DataFrame::new_infer_height(columns).map_err(|source| SearchError::Frame { table, source })
}

/// The hit table: one row per hit, columns [`HIT_COLUMNS`].
pub fn hits_frame(hits: &[Hit]) -> Result<DataFrame, SearchError> {
    let text = |name: &str, cell: fn(&Hit) -> &str| {
        Column::new(name.into(), hits.iter().map(cell).collect::<Vec<&str>>())
    };
    fn best(hit: &Hit) -> Option<&Passage> {
        hit.passages.first()
    }
    let dates: Vec<String> = hits.iter().map(|h| h.doc.date.to_string()).collect();
    let scores: Vec<f64> = hits.iter().map(|h| rounded_score(h.score)).collect();
    let paras: Vec<Option<u64>> = hits
        .iter()
        .map(|h| best(h).map(|p| p.para as u64))
        .collect();
    let snippets: Vec<&str> = hits
        .iter()
        .map(|h| best(h).map_or("", |p| p.text.as_str()))
        .collect();
    let matches: Vec<String> = hits
        .iter()
        .map(|h| best(h).map_or_else(String::new, |p| p.matched_words().join(" | ")))
        .collect();
    let [
        id,
        date,
        title,
        speaker,
        source,
        kind,
        lang,
        url,
        score,
        para,
        snippet,
        matched,
    ] = HIT_COLUMNS;
    frame(
        "hit",
        vec![
            text(id, |h| &h.doc.id),
            Column::new(date.into(), dates),
            text(title, |h| &h.doc.title),
            text(speaker, |h| &h.doc.speaker),
            text(source, |h| &h.doc.source),
            text(kind, |h| h.doc.kind.as_str()),
            text(lang, |h| h.doc.lang.as_str()),
            text(url, |h| &h.doc.url),
            Column::new(score.into(), scores),
            Column::new(para.into(), paras),
            Column::new(snippet.into(), snippets),
            Column::new(matched.into(), matches),
        ],
    )
}

/// The count table of `--count --by`: the group (column named after it) and its count.
pub fn groups_frame(by: GroupBy, rows: &[GroupCount]) -> Result<DataFrame, SearchError> {
    frame(
        "count",
        vec![
            Column::new(
                by.as_str().into(),
                rows.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                "count".into(),
                rows.iter().map(|r| r.count).collect::<Vec<u64>>(),
            ),
        ],
    )
}

/// The one-cell table of `--count`.
pub fn count_frame(count: u64) -> Result<DataFrame, SearchError> {
    frame("count", vec![Column::new("count".into(), [count])])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matched_words_are_the_highlighted_ranges() {
        let passage = Passage {
            para: 2,
            text: "They said sanctions are useless.".into(),
            highlights: vec![10..19, 24..31, 40..50],
        };
        // A range past the end of the text is left out rather than panicking.
        assert_eq!(passage.matched_words(), ["sanctions", "useless"]);
    }

    #[test]
    fn count_tables_name_their_group() {
        let rows = [GroupCount {
            key: "2017".into(),
            count: 4,
        }];
        let df = groups_frame(GroupBy::Year, &rows).unwrap();
        let names: Vec<&str> = df.get_column_names().iter().map(|n| n.as_str()).collect();
        assert_eq!(names, ["year", "count"]);
        assert_eq!(count_frame(7).unwrap().height(), 1);
        let empty = hits_frame(&[]).unwrap();
        let names: Vec<&str> = empty
            .get_column_names()
            .iter()
            .map(|n| n.as_str())
            .collect();
        assert_eq!(names, HIT_COLUMNS);
    }
}
