//! What counting produces: matches per document, and evidence rows for export.
//!
//! Contract: one evidence row per counted match, in the column order of [`EVIDENCE_COLUMNS`];
//! `para`, `sentence`, `start`, `end` locate the match in the stored text (paragraphs split
//! on `\n`, byte offsets within the paragraph), `left`/`right` hold up to
//! [`CONTEXT_CHARS`] characters of the same paragraph.

use std::sync::Arc;

use chrono::NaiveDate;
use polars::prelude::{Column, DataFrame, Int32Chunked, IntoSeries};
use serde::{Deserialize, Serialize};

use super::ThemeError;
use crate::document::{Kind, Lang, ParagraphTurn};
use crate::index::StoredDocument;

/// One counted match of a theme (after the overlap policy: a span counts once per theme).
///
/// The theme id and the rule are shared with the compiled theme set (a count keeps every
/// match of every document, so each holds two pointers, not two copies of the text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemeMatch {
    /// Theme id.
    pub theme: Arc<str>,
    /// 0-based paragraph index in the text split on `\n`.
    pub para: usize,
    /// 0-based sentence index within the paragraph.
    pub sentence: usize,
    /// Byte offset of the match start within the paragraph.
    pub start: usize,
    /// Byte offset just past the match within the paragraph.
    pub end: usize,
    /// The pattern that fired, as written in the theme file.
    pub rule: Arc<str>,
}

/// The metadata of a document that aggregation needs (no text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocSummary {
    /// Document id.
    pub id: String,
    /// Publication date.
    pub date: NaiveDate,
    /// Main speaker.
    pub speaker: String,
    /// Publisher.
    pub source: String,
    /// Kind.
    pub kind: Kind,
    /// Language.
    pub lang: Lang,
    /// Word count.
    pub n_words: u64,
    /// Paragraph count.
    pub n_paragraphs: u64,
    /// Speaker turn of each paragraph.
    pub paragraphs: Vec<ParagraphTurn>,
    /// The paragraphs a paragraph filter kept, one flag per paragraph (`None`: all of
    /// them); `n_words` and `n_paragraphs` are then those of the kept paragraphs only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kept: Option<Vec<bool>>,
}

/// The theme matches of one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocThemeMatches {
    /// The document.
    pub doc: DocSummary,
    /// Its matches, in text order.
    pub matches: Vec<ThemeMatch>,
}

/// One row of the evidence table, in the column order of the CSV export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceRow {
    /// Document id.
    pub doc_id: String,
    /// Publication date.
    pub date: NaiveDate,
    /// Main speaker of the document.
    pub speaker: String,
    /// Publisher.
    pub source: String,
    /// Language.
    pub lang: Lang,
    /// Theme id.
    pub theme: String,
    /// 0-based paragraph index.
    pub para: usize,
    /// 0-based sentence index within the paragraph.
    pub sentence: usize,
    /// Byte offset of the match within the paragraph.
    pub start: usize,
    /// Byte offset just past the match within the paragraph.
    pub end: usize,
    /// The matched text.
    pub matched: String,
    /// The pattern that fired.
    pub rule: String,
    /// Who speaks in that paragraph (empty when unknown).
    pub turn_speaker: String,
    /// About 60 characters of context before the match.
    pub left: String,
    /// About 60 characters of context after the match.
    pub right: String,
}

/// Characters of context kept on each side of a match.
pub const CONTEXT_CHARS: usize = 60;

/// The columns of the evidence table, in order.
pub const EVIDENCE_COLUMNS: [&str; 15] = [
    "doc_id",
    "date",
    "speaker",
    "source",
    "lang",
    "theme",
    "para",
    "sentence",
    "start",
    "end",
    "matched",
    "rule",
    "turn_speaker",
    "left",
    "right",
];

impl DocSummary {
    /// The summary of a stored document (its strings and paragraph turns moved, not
    /// copied).
    pub fn take(stored: StoredDocument) -> DocSummary {
        let StoredDocument { doc, structure, .. } = stored;
        DocSummary {
            id: doc.id,
            date: doc.date,
            speaker: doc.speaker,
            source: doc.source,
            kind: doc.kind,
            lang: doc.lang,
            n_words: structure.n_words,
            n_paragraphs: structure.n_paragraphs,
            paragraphs: structure.paragraphs,
            kept: None,
        }
    }

    /// Restricts the document to the paragraphs marked in `kept` (one flag per paragraph of
    /// its turns): the words and paragraphs become those of the kept ones.
    pub fn keep_paragraphs(&mut self, kept: Vec<bool>) {
        let kept_turns = || {
            self.paragraphs
                .iter()
                .zip(&kept)
                .filter(|(_, k)| **k)
                .map(|(turn, _)| turn)
        };
        self.n_words = kept_turns().map(|turn| turn.n_words).sum();
        self.n_paragraphs = kept.iter().filter(|k| **k).count() as u64;
        self.kept = Some(kept);
    }

    /// Whether paragraph `para` counts (it was not left out by a paragraph or turn filter).
    pub fn is_kept(&self, para: usize) -> bool {
        self.kept
            .as_ref()
            .is_none_or(|kept| kept.get(para).copied().unwrap_or(false))
    }
}

/// The document columns of an evidence row, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocColumns<'a> {
    /// Document id.
    pub id: &'a str,
    /// Publication date.
    pub date: NaiveDate,
    /// Main speaker of the document.
    pub speaker: &'a str,
    /// Publisher.
    pub source: &'a str,
    /// Language.
    pub lang: Lang,
}

impl<'a> DocColumns<'a> {
    /// The columns of a document with this id, date, speaker, source and language.
    pub fn new(
        id: &'a str,
        date: NaiveDate,
        speaker: &'a str,
        source: &'a str,
        lang: Lang,
    ) -> DocColumns<'a> {
        DocColumns {
            id,
            date,
            speaker,
            source,
            lang,
        }
    }
}

/// One evidence row borrowed from the document and match it describes: what the row
/// producer ([`EvidenceSource::rows`]) yields, so that a writer can put the cells out
/// without a copy ([`EvidenceRef::to_row`] makes an owned [`EvidenceRow`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvidenceRef<'a> {
    /// The document.
    pub doc: DocColumns<'a>,
    /// Theme id.
    pub theme: &'a str,
    /// 0-based paragraph index.
    pub para: usize,
    /// 0-based sentence index within the paragraph.
    pub sentence: usize,
    /// Byte offset of the match within the paragraph.
    pub start: usize,
    /// Byte offset just past the match within the paragraph.
    pub end: usize,
    /// The matched text.
    pub matched: &'a str,
    /// The pattern that fired.
    pub rule: &'a str,
    /// Who speaks in that paragraph (empty when unknown).
    pub turn_speaker: &'a str,
    /// Context before the match.
    pub left: &'a str,
    /// Context after the match.
    pub right: &'a str,
}

impl EvidenceRef<'_> {
    /// The row as an owned [`EvidenceRow`].
    pub fn to_row(&self) -> EvidenceRow {
        EvidenceRow {
            doc_id: self.doc.id.to_string(),
            date: self.doc.date,
            speaker: self.doc.speaker.to_string(),
            source: self.doc.source.to_string(),
            lang: self.doc.lang,
            theme: self.theme.to_string(),
            para: self.para,
            sentence: self.sentence,
            start: self.start,
            end: self.end,
            matched: self.matched.to_string(),
            rule: self.rule.to_string(),
            turn_speaker: self.turn_speaker.to_string(),
            left: self.left.to_string(),
            right: self.right.to_string(),
        }
    }
}

impl EvidenceRow {
    /// The row borrowed, as a writer takes it.
    pub fn as_ref(&self) -> EvidenceRef<'_> {
        EvidenceRef {
            doc: DocColumns::new(
                &self.doc_id,
                self.date,
                &self.speaker,
                &self.source,
                self.lang,
            ),
            theme: &self.theme,
            para: self.para,
            sentence: self.sentence,
            start: self.start,
            end: self.end,
            matched: &self.matched,
            rule: &self.rule,
            turn_speaker: &self.turn_speaker,
            left: &self.left,
            right: &self.right,
        }
    }
}

/// Where evidence rows go as they are produced: a table being written
/// (`export::EvidenceWriter`) or a `Vec` when the rows are needed in memory (sorting,
/// the HTML report).
pub trait EvidenceSink {
    /// Takes one row; an error stops the count.
    fn row(&mut self, row: &EvidenceRef<'_>) -> crate::Result<()>;
}

impl EvidenceSink for Vec<EvidenceRow> {
    fn row(&mut self, row: &EvidenceRef<'_>) -> crate::Result<()> {
        self.push(row.to_row());
        Ok(())
    }
}

/// The parts of a document that its evidence rows quote: metadata, text and speaker turns.
#[derive(Debug, Clone, Copy)]
pub struct EvidenceSource<'a> {
    /// The document columns.
    pub doc: DocColumns<'a>,
    /// The stored text (paragraphs split on `\n`).
    pub text: &'a str,
    /// Speaker turn of each paragraph (may be empty: no turn speakers then).
    pub turns: &'a [ParagraphTurn],
}

impl<'a> EvidenceSource<'a> {
    /// The source of a stored document (with its parsed turns, if any).
    pub fn of(stored: &'a StoredDocument) -> EvidenceSource<'a> {
        let doc = &stored.doc;
        EvidenceSource {
            doc: DocColumns::new(&doc.id, doc.date, &doc.speaker, &doc.source, doc.lang),
            text: &doc.text,
            turns: &stored.structure.paragraphs,
        }
    }

    /// The source of a counted document whose `text` was kept beside its summary.
    pub fn new(doc: &'a DocSummary, text: &'a str) -> EvidenceSource<'a> {
        EvidenceSource {
            doc: DocColumns::new(&doc.id, doc.date, &doc.speaker, &doc.source, doc.lang),
            text,
            turns: &doc.paragraphs,
        }
    }

    /// Calls `emit` with the evidence row of each of `matches` (same order), with `context`
    /// characters on each side, stopping at the first error.
    ///
    /// A match whose offsets do not fit the text (a stale match list) yields empty `matched`
    /// and context rather than a panic.
    pub fn rows<E>(
        &self,
        matches: &'a [ThemeMatch],
        context: usize,
        mut emit: impl FnMut(&EvidenceRef<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        // Split only as far as the matches reach (nothing for a document without matches),
        // as `split('\n')` would, with a SIMD search for the line breaks.
        let text = self.text;
        let mut ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain([text.len()]);
        let mut from = 0;
        let mut paragraphs: Vec<&str> = Vec::new();
        for m in matches {
            while paragraphs.len() <= m.para {
                match ends.next() {
                    Some(end) => {
                        paragraphs.push(&text[from..end]);
                        from = end + 1;
                    }
                    None => break,
                }
            }
            let para = paragraphs.get(m.para).copied().unwrap_or("");
            let (left, matched, right) = match (para.get(..m.start), para.get(m.start..m.end)) {
                (Some(before), Some(matched)) => (
                    last_chars(before, context),
                    matched,
                    first_chars(&para[m.end..], context),
                ),
                _ => ("", "", ""),
            };
            emit(&EvidenceRef {
                doc: self.doc,
                theme: &m.theme,
                para: m.para,
                sentence: m.sentence,
                start: m.start,
                end: m.end,
                matched,
                rule: &m.rule,
                turn_speaker: self
                    .turns
                    .get(m.para)
                    .and_then(|t| t.speaker.as_deref())
                    .unwrap_or(""),
                left,
                right,
            })?;
        }
        Ok(())
    }
}

/// The evidence rows of `matches`, found in `stored` (one row per match, same order; see
/// [`EvidenceSource::rows`]).
pub fn evidence_rows(stored: &StoredDocument, matches: &[ThemeMatch]) -> Vec<EvidenceRow> {
    evidence_rows_with_context(stored, matches, CONTEXT_CHARS)
}

/// Like [`evidence_rows`] with `context` characters on each side.
pub fn evidence_rows_with_context(
    stored: &StoredDocument,
    matches: &[ThemeMatch],
    context: usize,
) -> Vec<EvidenceRow> {
    let mut rows = Vec::with_capacity(matches.len());
    let collected: Result<(), std::convert::Infallible> =
        EvidenceSource::of(stored).rows(matches, context, |row| {
            rows.push(row.to_row());
            Ok(())
        });
    match collected {
        Ok(()) => rows,
    }
}

/// The last `n` characters of `text` (cut on a character boundary).
///
/// Context is mostly ASCII: when the last `n` bytes are, they are the last `n` characters,
/// found without decoding (as in [`first_chars`]).
pub(crate) fn last_chars(text: &str, n: usize) -> &str {
    if n == 0 {
        return "";
    }
    let bytes = text.as_bytes();
    if bytes.len() <= n {
        return text;
    }
    if bytes[bytes.len() - n..].is_ascii() {
        return &text[bytes.len() - n..];
    }
    match text.char_indices().rev().nth(n - 1) {
        Some((i, _)) => &text[i..],
        None => text,
    }
}

/// The first `n` characters of `text` (cut on a character boundary).
pub(crate) fn first_chars(text: &str, n: usize) -> &str {
    let bytes = text.as_bytes();
    if bytes.len() <= n {
        return text;
    }
    if bytes[..n].is_ascii() {
        return &text[..n];
    }
    match text.char_indices().nth(n) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// The evidence rows as a table with [`EVIDENCE_COLUMNS`] (dates as `Date`, offsets as
/// unsigned integers), ready for [`crate::export::write_table`].
pub fn evidence_frame(rows: &[EvidenceRow]) -> Result<DataFrame, ThemeError> {
    let text = |f: fn(&EvidenceRow) -> &str| -> Vec<&str> { rows.iter().map(f).collect() };
    let number =
        |f: fn(&EvidenceRow) -> usize| -> Vec<u64> { rows.iter().map(|r| f(r) as u64).collect() };
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let days: Vec<i32> = rows
        .iter()
        .map(|r| (r.date - epoch).num_days() as i32)
        .collect();
    // Days since the epoch are what a `Date` column holds: no cast. (Casting an empty
    // column goes through polars' all-null path, which zero-fills a shared 8 MiB buffer on
    // first use: 2,000 page faults for a count without matches.)
    let date = Int32Chunked::from_vec("date".into(), days)
        .into_date()
        .into_series();
    let columns: Vec<Column> = vec![
        Column::new("doc_id".into(), text(|r| &r.doc_id)),
        date.into(),
        Column::new("speaker".into(), text(|r| &r.speaker)),
        Column::new("source".into(), text(|r| &r.source)),
        Column::new("lang".into(), text(|r| r.lang.as_str())),
        Column::new("theme".into(), text(|r| &r.theme)),
        Column::new("para".into(), number(|r| r.para)),
        Column::new("sentence".into(), number(|r| r.sentence)),
        Column::new("start".into(), number(|r| r.start)),
        Column::new("end".into(), number(|r| r.end)),
        Column::new("matched".into(), text(|r| &r.matched)),
        Column::new("rule".into(), text(|r| &r.rule)),
        Column::new("turn_speaker".into(), text(|r| &r.turn_speaker)),
        Column::new("left".into(), text(|r| &r.left)),
        Column::new("right".into(), text(|r| &r.right)),
    ];
    Ok(DataFrame::new(rows.len(), columns)?)
}

/// A filled-in evidence row, for tests here and in [`super::kwic`].
#[cfg(test)]
pub(crate) fn sample_row() -> EvidenceRow {
    EvidenceRow {
        doc_id: "d1".into(),
        date: NaiveDate::from_ymd_opt(2017, 9, 5).unwrap_or_default(),
        speaker: "Vladimir Putin".into(),
        source: "kremlin.ru".into(),
        lang: Lang::En,
        theme: "double_freeze".into(),
        para: 2,
        sentence: 1,
        start: 4,
        end: 17,
        matched: "double freeze".into(),
        rule: "double freeze".into(),
        turn_speaker: "Vladimir Putin".into(),
        left: "the ".into(),
        right: " proposal".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The byte shortcuts cut where counting characters does.
        #[test]
        fn context_cuts_count_characters(
            text in "[ab ,.ёй€😀]{0,12}",
            n in 0usize..14,
        ) {
            let chars: Vec<char> = text.chars().collect();
            let first: String = chars.iter().take(n).collect();
            let last: String = chars[chars.len().saturating_sub(n)..].iter().collect();
            proptest::prop_assert_eq!(first_chars(&text, n), first.as_str());
            proptest::prop_assert_eq!(last_chars(&text, n), last.as_str());
        }
    }

    proptest::proptest! {
        /// Each row reads its match from the paragraph `split('\n')` gives (any paragraph
        /// number, empty paragraphs, a final line break), or yields nothing when the match
        /// does not fit the text.
        #[test]
        fn rows_read_matches_from_their_paragraphs(
            text in "[ab\n]{0,20}",
            spans in proptest::collection::vec((0usize..7, 0usize..4, 0usize..4), 0..8),
        ) {
            let mut spans = spans;
            spans.sort_unstable();
            let matches: Vec<ThemeMatch> = spans
                .iter()
                .map(|&(para, start, len)| ThemeMatch {
                    theme: Arc::from("t"),
                    para,
                    sentence: 0,
                    start,
                    end: start + len,
                    rule: Arc::from("r"),
                })
                .collect();
            let source = EvidenceSource {
                doc: DocColumns::new("d", NaiveDate::default(), "", "", Lang::En),
                text: &text,
                turns: &[],
            };
            let mut found = Vec::new();
            let read: Result<(), ()> = source.rows(&matches, 2, |row| {
                found.push((row.para, row.matched.to_string(), row.left.to_string()));
                Ok(())
            });
            proptest::prop_assert!(read.is_ok());
            let expected: Vec<(usize, String, String)> = matches
                .iter()
                .map(|m| {
                    let para = text.split('\n').nth(m.para).unwrap_or("");
                    match (para.get(..m.start), para.get(m.start..m.end)) {
                        (Some(before), Some(matched)) => {
                            (m.para, matched.to_string(), last_chars(before, 2).to_string())
                        }
                        _ => (m.para, String::new(), String::new()),
                    }
                })
                .collect();
            proptest::prop_assert_eq!(found, expected);
        }
    }

    #[test]
    fn the_evidence_frame_has_the_columns_in_order_with_dates_as_dates() {
        use polars::prelude::{AnyValue, DataType};
        let date = NaiveDate::from_ymd_opt(2017, 9, 5).unwrap();
        let row = EvidenceRow {
            date,
            ..sample_row()
        };
        let frame = evidence_frame(&[row]).unwrap();
        let names: Vec<&str> = frame
            .get_column_names()
            .iter()
            .map(|n| n.as_str())
            .collect();
        assert_eq!(names, EVIDENCE_COLUMNS);
        let column = frame.column("date").unwrap();
        assert_eq!(column.dtype(), &DataType::Date);
        // 2017-09-05 is day 17,414 after 1970-01-01.
        assert_eq!(column.get(0).unwrap(), AnyValue::Date(17_414));
        let empty = evidence_frame(&[]).unwrap();
        assert_eq!(empty.height(), 0);
        assert_eq!(empty.column("date").unwrap().dtype(), &DataType::Date);
    }

    #[test]
    fn context_is_cut_on_character_boundaries() {
        assert_eq!(last_chars("абвгд", 2), "гд");
        assert_eq!(last_chars("аб", 5), "аб");
        assert_eq!(last_chars("аб", 0), "");
        assert_eq!(first_chars("абвгд", 2), "аб");
        assert_eq!(first_chars("аб", 5), "аб");
    }
}
