//! Concordance lines of `statemine kwic` on a terminal: match markers that cannot be
//! confused with the text, and columns that stay aligned whatever the characters.
//!
//! Widths are display columns (`unicode-width`, character by character: CJK and emoji take
//! two, combining marks none), so the match starts in the same column on every line and so
//! does the right context: the left context is cut from its start and padded to `width`
//! columns, the match (with its markers) is padded to the widest match shown and, when
//! longer than `width` and [`MATCH_COLUMNS`], shortened in its middle with `…`, and the
//! right context is cut to `width` columns. A cut never leaves a combining mark without its base character.

use statemine::text::terminal_safe;
use statemine::themes::EvidenceRow;
use unicode_width::UnicodeWidthChar;

/// The default marker pairs, in order of preference: the first whose characters occur in
/// none of the lines shown is used.
const MARKER_CANDIDATES: [(&str, &str); 4] = [("[", "]"), ("⟦", "⟧"), ("<<", ">>"), ("{{", "}}")];

/// Columns a match may take (markers included) before it is shortened, when the context
/// width is smaller: most phrase matches fit whole; a match across a long gap does not.
const MATCH_COLUMNS: usize = 60;

/// The strings around a match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Markers {
    /// Before the match.
    pub open: String,
    /// After the match.
    pub close: String,
}

impl Markers {
    /// `--marker SPEC`: `OPEN,CLOSE`, or one string for both sides.
    pub fn parse(spec: &str) -> Result<Markers, String> {
        let (open, close) = spec.split_once(',').unwrap_or((spec, spec));
        if open.is_empty() || close.is_empty() {
            return Err(format!(
                "`{spec}`: expected OPEN,CLOSE (e.g. `<<,>>`) or one marker for both sides"
            ));
        }
        if spec.chars().any(char::is_control) {
            return Err(format!("`{spec}`: a marker cannot hold control characters"));
        }
        Ok(Markers {
            open: open.into(),
            close: close.into(),
        })
    }

    /// Whether the open or close marker occurs in `row`'s text.
    fn clashes(&self, row: &EvidenceRow) -> bool {
        [&row.left, &row.matched, &row.right]
            .iter()
            .any(|text| text.contains(&self.open) || text.contains(&self.close))
    }

    /// The first default pair that occurs in none of `rows` (the last when all do).
    pub fn choose(rows: &[EvidenceRow]) -> Markers {
        let pairs = MARKER_CANDIDATES.map(|(open, close)| Markers {
            open: open.into(),
            close: close.into(),
        });
        let last = pairs[pairs.len() - 1].clone();
        pairs
            .into_iter()
            .find(|m| !rows.iter().any(|row| m.clashes(row)))
            .unwrap_or(last)
    }

    /// How many of `rows` hold the open or close marker in their text.
    pub fn clashing_lines(&self, rows: &[EvidenceRow]) -> usize {
        rows.iter().filter(|row| self.clashes(row)).count()
    }
}

/// How the lines are laid out.
#[derive(Debug, Clone)]
pub struct KwicLayout {
    /// Columns of context on each side.
    pub width: usize,
    /// Columns of the document id (the widest shown).
    doc_width: usize,
    /// Columns of the theme id (the widest shown), when the lines hold more than one theme.
    theme_width: Option<usize>,
    /// Columns of the marked match (the widest shown, at most `width` or
    /// [`MATCH_COLUMNS`], whichever is more, and at least the markers and one column).
    match_width: usize,
    /// Markers, or `None` when colour marks the match.
    markers: Option<Markers>,
}

impl KwicLayout {
    /// The layout of `rows` with `width` columns of context, marked by `markers` (`None`:
    /// by colour).
    pub fn new(rows: &[EvidenceRow], width: usize, markers: Option<Markers>) -> KwicLayout {
        let marks = markers
            .as_ref()
            .map_or(0, |m| display_width(&m.open) + display_width(&m.close));
        let widest = rows
            .iter()
            .map(|r| display_width(&flat(&r.matched)))
            .max()
            .unwrap_or(0);
        let several_themes = rows.iter().any(|r| r.theme != rows[0].theme);
        KwicLayout {
            width,
            theme_width: several_themes.then(|| {
                rows.iter()
                    .map(|r| display_width(&terminal_safe(&r.theme)))
                    .max()
                    .unwrap_or(0)
            }),
            doc_width: rows
                .iter()
                .map(|r| display_width(&terminal_safe(&r.doc_id)))
                .max()
                .unwrap_or(0),
            match_width: (widest + marks).min(width.max(MATCH_COLUMNS).max(marks + 1)),
            markers,
        }
    }

    /// One concordance line: date, document, the theme when the lines hold several, left
    /// context, match, right context.
    pub fn line(&self, row: &EvidenceRow) -> String {
        let mut doc = pad_right(&terminal_safe(&row.doc_id), self.doc_width);
        if let Some(width) = self.theme_width {
            doc = format!("{doc} {}", pad_right(&terminal_safe(&row.theme), width));
        }
        let left = fit_left(flat(row.left.trim()).as_str(), self.width);
        let right = fit_right(&flat(row.right.trim()), self.width);
        let matched = match &self.markers {
            Some(m) => {
                let inner = self.match_width - display_width(&m.open) - display_width(&m.close);
                let text = elide_middle(&flat(&row.matched), inner);
                format!("{}{}{}", m.open, text.trim_end(), m.close)
            }
            None => {
                let text = elide_middle(&flat(&row.matched), self.match_width);
                format!("\x1b[1;31m{}\x1b[0m", text.trim_end())
            }
        };
        let pad = self
            .match_width
            .saturating_sub(display_width(&strip_colour(&matched)));
        format!(
            "{} {doc} {left} {matched}{} {}",
            row.date,
            " ".repeat(pad),
            right.trim_end()
        )
        .trim_end()
        .to_string()
    }
}

/// Text on one line, safe to print.
fn flat(text: &str) -> String {
    terminal_safe(&text.replace(['\t', '\r', '\n'], " ")).into_owned()
}

/// The colour escapes of [`KwicLayout::line`] removed (they take no column).
fn strip_colour(text: &str) -> String {
    text.replace("\x1b[1;31m", "").replace("\x1b[0m", "")
}

fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// Display columns of `text`, character by character.
pub fn display_width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

/// `text` padded with spaces on the right to `width` columns (unchanged when wider).
fn pad_right(text: &str, width: usize) -> String {
    let pad = width.saturating_sub(display_width(text));
    format!("{text}{}", " ".repeat(pad))
}

/// The longest start of `text` within `width` columns.
fn head(text: &str, width: usize) -> &str {
    let mut used = 0;
    for (i, c) in text.char_indices() {
        used += char_width(c);
        if used > width {
            return &text[..i];
        }
    }
    text
}

/// The longest end of `text` within `width` columns that does not start with a combining
/// mark (a character of no width) cut from its base.
fn tail(text: &str, width: usize) -> &str {
    let mut used = 0;
    let mut start = text.len();
    for (i, c) in text.char_indices().rev() {
        used += char_width(c);
        if used > width {
            break;
        }
        start = i;
    }
    if start > 0 {
        // Cut: the marks that belonged to the character left out go with it.
        let rest = &text[start..];
        let orphans = rest
            .char_indices()
            .find(|&(_, c)| char_width(c) > 0)
            .map_or(rest.len(), |(i, _)| i);
        start += orphans;
    }
    &text[start..]
}

/// The end of `text` right-aligned in exactly `width` columns.
fn fit_left(text: &str, width: usize) -> String {
    let kept = tail(text, width);
    format!("{}{kept}", " ".repeat(width - display_width(kept)))
}

/// The start of `text` within `width` columns.
fn fit_right(text: &str, width: usize) -> String {
    head(text, width).to_string()
}

/// `text` in exactly `width` columns: padded when it fits, else its start and end with `…`
/// between them.
fn elide_middle(text: &str, width: usize) -> String {
    if display_width(text) <= width {
        return pad_right(text, width);
    }
    if width == 0 {
        return String::new();
    }
    let room = width - 1;
    let start = head(text, room.div_ceil(2));
    let end = tail(text, room - display_width(start));
    pad_right(&format!("{start}…{end}"), width)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn row(left: &str, matched: &str, right: &str, doc: &str) -> EvidenceRow {
        serde_json::from_value(serde_json::json!({
            "doc_id": doc, "date": "2017-09-05", "speaker": "", "source": "", "lang": "en",
            "theme": "t", "para": 0, "sentence": 0, "start": 0, "end": 1, "matched": matched,
            "rule": "", "turn_speaker": "", "left": left, "right": right,
        }))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn markers_avoid_the_brackets_of_the_text() {
        let plain = [row("the", "sanctions", "are", "d1")];
        assert_eq!(Markers::choose(&plain).open, "[");
        let bracketed = [
            row("[Applause]", "sanctions", "are", "d1"),
            row("a", "b", "c", "d2"),
        ];
        let chosen = Markers::choose(&bracketed);
        assert_eq!((chosen.open.as_str(), chosen.close.as_str()), ("⟦", "⟧"));
        assert_eq!(chosen.clashing_lines(&bracketed), 0);
        let given = Markers::parse("<<,>>").unwrap();
        assert_eq!((given.open.as_str(), given.close.as_str()), ("<<", ">>"));
        assert_eq!(Markers::parse("|").unwrap().close, "|");
        assert!(Markers::parse(",x").is_err() && Markers::parse("").is_err());
        let line = KwicLayout::new(&bracketed, 10, Some(chosen)).line(&bracketed[0]);
        assert!(line.contains("[Applause] ⟦sanctions⟧ are"), "{line}");
    }

    #[test]
    fn the_theme_is_a_column_when_the_lines_hold_several() {
        let mut rows = [
            row("the", "sanctions", "are", "d1"),
            row("the", "blame", "lies", "d22"),
        ];
        let markers = Some(Markers::choose(&rows));
        let one = KwicLayout::new(&rows, 10, markers.clone()).line(&rows[0]);
        assert_eq!(one, "2017-09-05 d1         the [sanctions] are");
        rows[1].theme = "us_blame".into();
        let layout = KwicLayout::new(&rows, 10, markers);
        let lines: Vec<String> = rows.iter().map(|r| layout.line(r)).collect();
        assert_eq!(
            lines,
            [
                "2017-09-05 d1  t               the [sanctions] are",
                "2017-09-05 d22 us_blame        the [blame]     lies",
            ]
        );
    }

    #[test]
    fn long_matches_and_wide_characters_keep_the_columns() {
        let rows = [
            row(
                "Президент КНДР",
                &"санкции бесполезны и неэффективны ".repeat(3),
                "сказал он",
                "ru-1",
            ),
            row("北朝鮮への", "制裁", "は無意味だ", "zh-22"),
            row("cafe\u{301} talk", "sanctions 🙂", "e\u{301}nd", "en-333"),
        ];
        let layout = KwicLayout::new(&rows, 12, Some(Markers::choose(&rows)));
        let lines: Vec<String> = rows.iter().map(|r| layout.line(r)).collect();
        let column = |line: &str, marker: &str| display_width(&line[..line.find(marker).unwrap()]);
        let starts: Vec<usize> = lines.iter().map(|l| column(l, "[")).collect();
        assert!(starts.windows(2).all(|w| w[0] == w[1]), "{lines:#?}");
        // The long match is shortened in its middle; the right context starts in one column.
        assert!(
            lines[0].contains("[санкции бесполезны и неэффект…и бесполезны и неэффективны]"),
            "{lines:#?}"
        );
        assert_eq!(
            display_width(&lines[0]),
            10 + 1 + 6 + 1 + 12 + 1 + 60 + 1 + 9
        );
        let rights: Vec<usize> = lines
            .iter()
            .zip(&rows)
            .map(|(l, r)| column(l, &r.right))
            .collect();
        assert!(rights.windows(2).all(|w| w[0] == w[1]), "{lines:#?}");
        assert!(lines[1].contains("北朝鮮への [制裁]"), "{lines:#?}");
    }

    #[test]
    fn cuts_keep_combining_marks_with_their_base() {
        // "é" written as e + U+0301: cutting the "e" drops the accent too.
        assert_eq!(tail("xe\u{301}y", 1), "y");
        assert_eq!(tail("xe\u{301}y", 2), "e\u{301}y");
        assert_eq!(head("xe\u{301}y", 2), "xe\u{301}");
        // A wide character that does not fit is left out and the gap padded.
        assert_eq!(fit_left("a北", 1), " ");
        // Five columns around `…` do not split evenly into two-column characters: padded.
        assert_eq!(elide_middle("北朝鮮への制裁", 6), "北…裁 ");
        assert_eq!(elide_middle("北朝鮮への制裁", 7), "北…制裁");
    }

    proptest! {
        /// Whatever the characters, the left context fills exactly its columns, the right
        /// context fits in its columns, and a shortened match fills exactly its columns.
        #[test]
        fn alignment_widths_hold_for_any_text(
            text in "(\\PC|[\u{300}-\u{36f}]|[\u{4e00}-\u{4e20}]|[😀-🙏]|\u{200d}){0,40}",
            width in 0usize..30,
        ) {
            prop_assert_eq!(display_width(&fit_left(&text, width)), width);
            prop_assert!(display_width(&fit_right(&text, width)) <= width);
            prop_assert_eq!(display_width(&elide_middle(&text, width)), width);
            let kept = tail(&text, width);
            prop_assert!(text.ends_with(kept));
            prop_assert!(kept.len() == text.len() || kept.chars().next().is_none_or(|c| char_width(c) > 0));
        }

        /// The match starts in the same column on every line.
        #[test]
        fn the_match_column_is_the_same_on_every_line(
            lines in proptest::collection::vec(("\\PC{0,30}", "\\PC{1,30}", "\\PC{0,30}", "[a-z0-9-]{1,12}"), 1..6),
            width in 1usize..25,
        ) {
            let rows: Vec<EvidenceRow> = lines.iter().map(|(l, m, r, d)| row(l, m, r, d)).collect();
            let markers = Markers::parse("\u{2063}<,>\u{2063}").unwrap();
            let layout = KwicLayout::new(&rows, width, Some(markers));
            let starts: Vec<usize> = rows
                .iter()
                .map(|r| {
                    let line = layout.line(r);
                    display_width(&line[..line.find("\u{2063}<").unwrap()])
                })
                .collect();
            prop_assert!(starts.windows(2).all(|w| w[0] == w[1]), "{:?}", starts);
        }
    }
}
