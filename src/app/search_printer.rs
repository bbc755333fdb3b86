//! How `statemine search` prints: a readable list (ANSI colour on a terminal, `**marks**`
//! around matches otherwise), JSON lines, CSV, counts and count tables, and batch answers.
//!
//! Contract: JSON hit objects always have the same keys in the same order (`para`,
//! `snippet` are null without passages); highlight offsets are byte ranges into the string
//! they accompany (`snippet`, a passage's `text`, `title`); `para` is the 0-based paragraph
//! index in the text split on `\n`, in every format.

use std::io::{self, Write};
use std::ops::Range;

use serde::Serialize;

use statemine::export::csv_cell;
use statemine::search::{GroupBy, GroupCount, HIT_COLUMNS, Hit, Passage, rounded_score};
use statemine::text::terminal_safe;

use super::search::Answer;

/// Output format of hits and counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A readable list; `color` selects ANSI styles over plain `**marks**`.
    Plain {
        /// Whether to use ANSI colours and bold.
        color: bool,
    },
    /// One JSON object per line.
    Json,
    /// A CSV table with a header.
    Csv,
}

/// Marks around a match in plain (uncoloured) output: unambiguous in statements, which
/// use brackets and quotes themselves but not doubled asterisks.
const PLAIN_MARK: &str = "**";
const MATCH_STYLE: &str = "\x1b[1;31m";
const TITLE_STYLE: &str = "\x1b[1m";
const DATE_STYLE: &str = "\x1b[32m";
const META_STYLE: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// Writes search results in one format.
pub struct Printer<W: Write> {
    out: W,
    format: Format,
    /// Rank of the first hit minus 1 (the `--offset`).
    offset: usize,
    /// Hits printed so far.
    printed: usize,
}

#[derive(Serialize)]
struct PassageJson<'a> {
    para: usize,
    text: &'a str,
    highlights: Vec<[usize; 2]>,
}

#[derive(Serialize)]
struct HitJson<'a> {
    id: &'a str,
    date: String,
    title: &'a str,
    speaker: &'a str,
    source: &'a str,
    kind: &'a str,
    lang: &'a str,
    url: &'a str,
    score: f64,
    para: Option<usize>,
    snippet: Option<&'a str>,
    highlights: Vec<[usize; 2]>,
    title_highlights: Vec<[usize; 2]>,
    passages: Vec<PassageJson<'a>>,
}

impl<'a> HitJson<'a> {
    fn new(hit: &'a Hit) -> HitJson<'a> {
        let doc = &hit.doc;
        let best = hit.passages.first();
        HitJson {
            id: &doc.id,
            date: doc.date.to_string(),
            title: &doc.title,
            speaker: &doc.speaker,
            source: &doc.source,
            kind: doc.kind.as_str(),
            lang: doc.lang.as_str(),
            url: &doc.url,
            score: rounded_score(hit.score),
            para: best.map(|p| p.para),
            snippet: best.map(|p| p.text.as_str()),
            highlights: best.map_or_else(Vec::new, |p| pairs(&p.highlights)),
            title_highlights: pairs(&hit.title_highlights),
            passages: hit
                .passages
                .iter()
                .map(|p| PassageJson {
                    para: p.para,
                    text: &p.text,
                    highlights: pairs(&p.highlights),
                })
                .collect(),
        }
    }
}

fn pairs(ranges: &[Range<usize>]) -> Vec<[usize; 2]> {
    ranges.iter().map(|r| [r.start, r.end]).collect()
}

#[derive(Serialize)]
#[serde(untagged)]
enum BatchBody<'a> {
    Hits {
        hits: Vec<HitJson<'a>>,
    },
    Count {
        count: u64,
    },
    Groups {
        by: &'static str,
        groups: &'a [GroupCount],
    },
    Error {
        error: &'a str,
    },
}

#[derive(Serialize)]
struct BatchLine<'a> {
    line: usize,
    query: &'a str,
    #[serde(flatten)]
    body: BatchBody<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    took_ms: Option<f64>,
}

impl<W: Write> Printer<W> {
    /// A printer writing to `out`.
    pub fn new(out: W, format: Format) -> Printer<W> {
        Printer {
            out,
            format,
            offset: 0,
            printed: 0,
        }
    }

    /// Numbers hits from `offset + 1`.
    pub fn starting_at(mut self, offset: usize) -> Printer<W> {
        self.offset = offset;
        self
    }

    /// Hits printed so far.
    pub fn printed(&self) -> usize {
        self.printed
    }

    /// Flushes what was written (a broken pipe shows up here).
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Prints one hit (the next in rank).
    pub fn hit(&mut self, hit: &Hit) -> io::Result<()> {
        let rank = self.offset + self.printed + 1;
        match self.format {
            Format::Plain { color } => {
                if self.printed > 0 {
                    writeln!(self.out)?;
                }
                self.plain_hit(hit, rank, color)?;
            }
            Format::Json => self.json_line(&HitJson::new(hit))?,
            Format::Csv => {
                let mut csv = csv::Writer::from_writer(&mut self.out);
                if self.printed == 0 {
                    csv.write_record(HIT_COLUMNS)?;
                }
                csv_row(&mut csv, hit)?;
                csv.flush()?;
            }
        }
        self.printed += 1;
        Ok(())
    }

    /// Ends a list of hits (a CSV table without rows still gets its header).
    pub fn end_hits(&mut self) -> io::Result<()> {
        if self.format == Format::Csv && self.printed == 0 {
            let mut csv = csv::Writer::from_writer(&mut self.out);
            csv.write_record(HIT_COLUMNS)?;
            csv.flush()?;
        }
        Ok(())
    }

    fn plain_hit(&mut self, hit: &Hit, rank: usize, color: bool) -> io::Result<()> {
        let doc = &hit.doc;
        let style = |style: &str, text: &str| {
            if color {
                format!("{style}{text}{RESET}")
            } else {
                text.to_string()
            }
        };
        let title = if color {
            format!(
                "{TITLE_STYLE}{}{RESET}",
                mark(&doc.title, &hit.title_highlights, true, TITLE_STYLE)
            )
        } else {
            mark(&doc.title, &hit.title_highlights, false, "")
        };
        let mut head = format!("{rank}. {}", style(DATE_STYLE, &doc.date.to_string()));
        if !doc.speaker.is_empty() {
            head.push_str("  ");
            head.push_str(&terminal_safe(&doc.speaker));
        }
        writeln!(self.out, "{head}  {title}")?;
        let mut meta = vec![doc.id.as_str(), doc.kind.as_str(), doc.source.as_str()];
        if !doc.url.is_empty() {
            meta.push(&doc.url);
        }
        let meta = terminal_safe(&meta.join(" · ")).into_owned();
        writeln!(self.out, "   {}", style(META_STYLE, &meta))?;
        for passage in &hit.passages {
            let label = style(META_STYLE, &format!("¶{}", passage.para));
            writeln!(
                self.out,
                "   {label}  {}",
                mark(&passage.text, &passage.highlights, color, "")
            )?;
        }
        Ok(())
    }

    /// Prints the number of matching documents.
    pub fn count(&mut self, count: u64) -> io::Result<()> {
        match self.format {
            Format::Plain { .. } => writeln!(self.out, "{count}"),
            Format::Json => self.json_line(&serde_json::json!({ "count": count })),
            Format::Csv => writeln!(self.out, "count\n{count}"),
        }
    }

    /// Prints a count table.
    pub fn groups(&mut self, by: GroupBy, rows: &[GroupCount]) -> io::Result<()> {
        let header = by.as_str();
        match self.format {
            Format::Plain { .. } => {
                let label = |key: &str| statemine::index::shown_value(key).to_string();
                let width = rows
                    .iter()
                    .map(|r| terminal_safe(&label(&r.key)).chars().count())
                    .chain([header.len()])
                    .max()
                    .unwrap_or(0);
                let digits = rows
                    .iter()
                    .map(|r| r.count.to_string().len())
                    .chain(["count".len()])
                    .max()
                    .unwrap_or(0);
                writeln!(self.out, "{header:<width$}  {:>digits$}", "count")?;
                for row in rows {
                    let key = terminal_safe(&label(&row.key)).into_owned();
                    let pad = width - key.chars().count();
                    writeln!(self.out, "{key}{}  {:>digits$}", " ".repeat(pad), row.count)?;
                }
                Ok(())
            }
            Format::Json => {
                // Written by hand so the group comes before its count (a JSON map sorts keys).
                for row in rows {
                    let key = serde_json::to_string(&row.key)?;
                    writeln!(self.out, "{{\"{header}\":{key},\"count\":{}}}", row.count)?;
                }
                Ok(())
            }
            Format::Csv => {
                let mut csv = csv::Writer::from_writer(&mut self.out);
                csv.write_record([header, "count"])?;
                for row in rows {
                    csv.write_record([&*csv_cell(&row.key), &row.count.to_string()])?;
                }
                csv.flush()
            }
        }
    }

    /// One batch line: the query echoed with its hits, count or groups, and the time taken.
    pub(crate) fn batch_answer(
        &mut self,
        line: usize,
        query: &str,
        answer: &Answer,
        took_ms: f64,
    ) -> io::Result<()> {
        let body = match answer {
            Answer::Hits(hits) => BatchBody::Hits {
                hits: hits.iter().map(HitJson::new).collect(),
            },
            Answer::Count(count) => BatchBody::Count { count: *count },
            Answer::Groups(by, groups) => BatchBody::Groups {
                by: by.as_str(),
                groups,
            },
        };
        self.json_line(&BatchLine {
            line,
            query,
            body,
            took_ms: Some((took_ms * 1000.0).round() / 1000.0),
        })
    }

    /// One batch line for a query that failed.
    pub(crate) fn batch_error(&mut self, line: usize, query: &str, error: &str) -> io::Result<()> {
        self.json_line(&BatchLine {
            line,
            query,
            body: BatchBody::Error { error },
            took_ms: None,
        })
    }

    fn json_line(&mut self, value: &impl Serialize) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, value)?;
        writeln!(self.out)
    }
}

/// One CSV row: the best passage as `snippet` and its matched words joined by ` | `.
fn csv_row<W: Write>(csv: &mut csv::Writer<W>, hit: &Hit) -> csv::Result<()> {
    let json = HitJson::new(hit);
    let best: Option<&Passage> = hit.passages.first();
    let matches: Vec<&str> = best.map(Passage::matched_words).unwrap_or_default();
    let safe = |text: &str| csv_cell(text).into_owned();
    csv.write_record([
        safe(json.id),
        json.date.clone(),
        safe(json.title),
        safe(json.speaker),
        safe(json.source),
        json.kind.to_string(),
        json.lang.to_string(),
        safe(json.url),
        json.score.to_string(),
        json.para.map_or_else(String::new, |p| p.to_string()),
        safe(json.snippet.unwrap_or("")),
        safe(&matches.join(" | ")),
    ])
}

/// `text` with its highlight ranges marked: ANSI match style (returning to `base` after
/// each) or plain marks; control characters of the text are escaped (see
/// [`terminal_safe`]), the marks' own are not.
fn mark(text: &str, highlights: &[Range<usize>], color: bool, base: &str) -> String {
    let mut out = String::with_capacity(text.len() + highlights.len() * 12);
    let mut at = 0;
    for range in highlights {
        if range.start < at || range.end > text.len() {
            continue;
        }
        out.push_str(&terminal_safe(&text[at..range.start]));
        if color {
            out.push_str(MATCH_STYLE);
            out.push_str(&terminal_safe(&text[range.clone()]));
            out.push_str(RESET);
            out.push_str(base);
        } else {
            out.push_str(PLAIN_MARK);
            out.push_str(&terminal_safe(&text[range.clone()]));
            out.push_str(PLAIN_MARK);
        }
        at = range.end;
    }
    out.push_str(&terminal_safe(&text[at..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_marks_wrap_whole_phrases() {
        let text = "They said sanctions are useless, twice.";
        assert_eq!(
            mark(text, std::slice::from_ref(&(10..31)), false, ""),
            "They said **sanctions are useless**, twice."
        );
        assert_eq!(
            mark(text, &[0..4, 10..19], true, ""),
            "\x1b[1;31mThey\x1b[0m said \x1b[1;31msanctions\x1b[0m are useless, twice."
        );
    }

    #[test]
    fn count_tables_align_cyrillic_names() {
        let rows = [
            GroupCount {
                key: "Мария Захарова".into(),
                count: 12,
            },
            GroupCount {
                key: String::new(),
                count: 3,
            },
        ];
        let mut out = Vec::new();
        Printer::new(&mut out, Format::Plain { color: false })
            .groups(GroupBy::Speaker, &rows)
            .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "speaker         count\nМария Захарова     12\n(unknown)           3\n"
        );
    }
}
