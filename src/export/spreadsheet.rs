//! CSV cells that are safe to open in a spreadsheet.
//!
//! Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or a
//! carriage return) as a formula, so a statement quoting `=HYPERLINK(...)` or
//! `@SUM(...)` becomes live code when an exported table is opened (CSV injection, OWASP).
//! Following OWASP, such a text cell gets a leading `'`, which spreadsheets show as text
//! and do not display. A cell that is a plain number (`-0.25`, `+3`) is left alone: it is
//! no formula, and a sign is data.
//!
//! Contract: every CSV statemine writes goes through [`csv_cell`]; the process-wide
//! [`keep_raw_csv_cells`] switch (the CLI's `--raw-csv`) turns the prefixing off for
//! readers that want the exact text. JSON, NDJSON and Parquet are never changed.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};

static RAW: AtomicBool = AtomicBool::new(false);

/// Whether CSV cells are written exactly as they are (`true`) or spreadsheet-safe (`false`,
/// the default) from now on, for the whole process.
pub fn keep_raw_csv_cells(raw: bool) {
    RAW.store(raw, Ordering::Relaxed);
}

/// The text of a CSV cell as it should be written: with a leading `'` when a spreadsheet
/// would read it as a formula, unless raw cells were asked for.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    if RAW.load(Ordering::Relaxed) {
        return Cow::Borrowed(text);
    }
    neutralise(text)
}

/// `text` with a leading `'` when it starts like a formula and is not a plain number.
pub(crate) fn neutralise(text: &str) -> Cow<'_, str> {
    let starts_like_formula = matches!(
        text.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    if starts_like_formula && text.trim().parse::<f64>().is_err() {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_get_a_quote() {
        for cell in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\r=1",
            "- a bullet",
        ] {
            assert_eq!(neutralise(cell), format!("'{cell}"), "{cell:?}");
        }
    }

    #[test]
    fn plain_text_and_numbers_stay_as_they_are() {
        for cell in [
            "Putin",
            "",
            "a=b",
            "-0.25",
            "+3",
            "-1e-9",
            "2017-09-05",
            "'quoted",
        ] {
            assert_eq!(neutralise(cell), cell, "{cell:?}");
        }
    }
}
