//! Plain-text and Markdown files (`.txt`, `.md`): one document per file, with optional
//! front matter.
//!
//! Front matter is the YAML-like block between a first line `---` and the next `---`:
//! `key: value` lines for `id, date, title, speaker, source, kind, lang, url, tags,
//! location` (values may be quoted; `tags` may be `a, b`, `[a, b]` or a `- item` list;
//! other keys are ignored, so files from static-site generators load as they are). `id`
//! defaults to the file name without its extensions (bytes of a name that are not UTF-8 as
//! `%XX`).
//!
//! Paragraphs: when the body separates paragraphs with blank lines, each block is one
//! paragraph and its line breaks are joined with a space (hard-wrapped prose, Markdown's
//! rule); when the body has no blank line, each line is a paragraph (the layout of the
//! JSON `text`). Errors point at the line of the offending key, or at the first body line.

use std::ffi::OsStr;

use super::SourcedDocument;
use super::record::{RawRecord, field_named};
use super::{FieldDefaults, RecordError};

/// The pseudo-field blamed for malformed front matter.
const FRONT_MATTER: &str = "front_matter";

/// Parses a whole text file read from `path`; `stem` is the default id, and fields the
/// front matter lacks take their `defaults`.
pub(crate) fn parse_text_file(
    path: &str,
    stem: &str,
    bytes: &[u8],
    defaults: &FieldDefaults,
) -> Result<SourcedDocument, RecordError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return Err(invalid_utf8(path, bytes, e.valid_up_to())),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut raw = RawRecord::default();
    let body_start = match front_matter_end(&lines) {
        FrontMatter::None => 0,
        FrontMatter::Unclosed => {
            return Err(RecordError::field(
                path,
                1,
                FRONT_MATTER,
                "no closing `---` after the opening one",
            ));
        }
        FrontMatter::Closed(end) => {
            read_front_matter(path, &lines[1..end], &mut raw)?;
            end + 1
        }
    };
    if !raw.has("id") {
        raw.set("id", stem.to_string());
    }
    // An empty body is blamed on the last line of the file (the closing `---` when nothing
    // follows it), never on a line past the end.
    let first_body_line = lines[body_start.min(lines.len())..]
        .iter()
        .position(|l| !l.trim().is_empty())
        .map_or((body_start + 1).min(lines.len().max(1)), |i| {
            body_start + i + 1
        });
    raw.set("text", paragraphs(&lines[body_start.min(lines.len())..]));
    raw.set_line("text", first_body_line);
    raw.fill_defaults(defaults);
    let doc = raw.into_document(path, 1)?;
    Ok(SourcedDocument {
        doc,
        path: path.to_string(),
        line: 1,
    })
}

/// The default id of a file: its name without `.gz` (any case) and without the format
/// extension. Bytes of a name that are not UTF-8 are written as `%XX`, so two such names
/// never share an id.
pub(crate) fn file_stem(name: &OsStr) -> String {
    let name = name.as_encoded_bytes();
    let name = match name.len().checked_sub(3) {
        Some(cut) if name[cut..].eq_ignore_ascii_case(b".gz") => &name[..cut],
        _ => name,
    };
    let stem = match name.iter().rposition(|&b| b == b'.') {
        Some(dot) if dot > 0 => &name[..dot],
        _ => name,
    };
    let mut id = String::with_capacity(stem.len());
    for chunk in stem.utf8_chunks() {
        id.push_str(chunk.valid());
        for byte in chunk.invalid() {
            id.push_str(&format!("%{byte:02X}"));
        }
    }
    id
}

enum FrontMatter {
    None,
    Unclosed,
    /// Index of the closing line.
    Closed(usize),
}

fn front_matter_end(lines: &[&str]) -> FrontMatter {
    if lines.first().map(|l| l.trim_end()) != Some("---") {
        return FrontMatter::None;
    }
    lines
        .iter()
        .skip(1)
        .position(|l| matches!(l.trim_end(), "---" | "..."))
        .map_or(FrontMatter::Unclosed, |i| FrontMatter::Closed(i + 1))
}

/// Reads `key: value` lines (`block` starts at file line 2).
fn read_front_matter(path: &str, block: &[&str], raw: &mut RawRecord) -> Result<(), RecordError> {
    let mut list: Option<Vec<String>> = None;
    for (i, line) in block.iter().enumerate() {
        let number = i + 2;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let (Some(items), Some(item)) = (list.as_mut(), trimmed.strip_prefix("- ")) {
            items.push(unquote(item.trim()).to_string());
            continue;
        }
        if let Some(items) = list.take() {
            raw.set_tags(items);
        }
        let (key, value) = trimmed.split_once(':').ok_or_else(|| {
            RecordError::field(
                path,
                number,
                FRONT_MATTER,
                format!("expected `key: value`, found `{trimmed}`"),
            )
        })?;
        let Some(field) = field_named(key.trim()) else {
            continue;
        };
        if let Some(first) = raw.line_set(field) {
            return Err(RecordError::field(
                path,
                number,
                field,
                format!("given twice in the front matter (first on line {first}); keep one"),
            ));
        }
        let value = value.trim();
        if field == "tags" {
            if value.is_empty() {
                list = Some(Vec::new());
            } else {
                let inner = value
                    .strip_prefix('[')
                    .and_then(|v| v.strip_suffix(']'))
                    .unwrap_or(value);
                raw.set_tags(
                    inner
                        .split([',', ';'])
                        .map(|t| unquote(t.trim()).to_string())
                        .collect(),
                );
            }
        } else {
            raw.set(field, unquote(value).to_string());
        }
        raw.set_line(field, number);
    }
    if let Some(items) = list {
        raw.set_tags(items);
    }
    Ok(())
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}

/// Joins body lines into `\n`-separated paragraphs (see the module notes).
fn paragraphs(body: &[&str]) -> String {
    let first = body.iter().position(|l| !l.trim().is_empty());
    let last = body.iter().rposition(|l| !l.trim().is_empty());
    let (Some(first), Some(last)) = (first, last) else {
        return String::new();
    };
    let body = &body[first..=last];
    let blocks = body.iter().any(|l| l.trim().is_empty());
    let mut out: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in body {
        let line = line.trim();
        if !blocks {
            out.push(line.to_string());
        } else if line.is_empty() {
            if !current.is_empty() {
                out.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out.join("\n")
}

/// Invalid UTF-8: the line of the first bad byte, blamed on its front matter key or `text`.
fn invalid_utf8(path: &str, bytes: &[u8], valid_up_to: usize) -> RecordError {
    let line = bytes[..valid_up_to].iter().filter(|&&b| b == b'\n').count() + 1;
    let lossy = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = lossy.lines().collect();
    let field = match front_matter_end(&lines) {
        FrontMatter::Closed(end) if line <= end + 1 => lines
            .get(line - 1)
            .and_then(|l| l.split_once(':'))
            .and_then(|(key, _)| field_named(key.trim()))
            .unwrap_or(FRONT_MATTER),
        _ => "text",
    };
    RecordError::field(
        path,
        line,
        field,
        format!("invalid UTF-8 (byte 0x{:02x})", bytes[valid_up_to]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Kind, Lang};

    const NOTE: &str = "---\n\
        date: \"5 сентября 2017\"\n\
        title: Talks in Xiamen\n\
        speaker: Vladimir Putin\n\
        kind: press_conference\n\
        layout: post\n\
        tags: [korea, 'sanctions']\n\
        ---\n\
        \n\
        The first paragraph is\n\
        wrapped over two lines.\n\
        \n\
        The second paragraph.\n";

    #[test]
    fn front_matter_and_blank_line_paragraphs() {
        let read = parse_text_file(
            "notes/xiamen.md",
            "xiamen",
            NOTE.as_bytes(),
            &FieldDefaults::default(),
        )
        .unwrap();
        let doc = read.doc;
        assert_eq!(doc.id, "xiamen", "the id defaults to the file stem");
        assert_eq!(doc.date.to_string(), "2017-09-05");
        assert_eq!(doc.kind, Kind::PressConference);
        assert_eq!(doc.lang, Lang::En);
        assert_eq!(doc.tags, ["korea", "sanctions"]);
        assert_eq!(
            doc.text,
            "The first paragraph is wrapped over two lines.\nThe second paragraph."
        );
    }

    #[test]
    fn without_blank_lines_each_line_is_a_paragraph() {
        let file = "---\nid: x1\ndate: 2017-09-05\nkind: news\ntags:\n  - a\n  - b\n---\nOne.\nTwo.\r\nThree.\n";
        let doc = parse_text_file("x.txt", "x", file.as_bytes(), &FieldDefaults::default())
            .unwrap()
            .doc;
        assert_eq!(doc.id, "x1");
        assert_eq!(doc.text, "One.\nTwo.\nThree.");
        assert_eq!(doc.tags, ["a", "b"]);
    }

    // Found by the `front_matter` fuzz target: `text: empty` named the line after the last.
    #[test]
    fn an_empty_body_is_blamed_on_a_line_of_the_file() {
        for (file, line) in [
            ("---\nid: a\ndate: 2017-09-05\nkind: news\n---", 5),
            ("---\nid: a\ndate: 2017-09-05\nkind: news\n---\n", 5),
            ("---\nid: a\ndate: 2017-09-05\nkind: news\n---\n\n  \n", 6),
        ] {
            let err = parse_text_file("e.md", "e", file.as_bytes(), &FieldDefaults::default())
                .unwrap_err();
            assert_eq!(
                (err.line, err.field.as_deref()),
                (line, Some("text")),
                "{file:?}"
            );
        }
    }

    #[test]
    fn errors_point_at_the_key_or_the_body() {
        let bad_date = NOTE.replace("\"5 сентября 2017\"", "someday");
        let err = parse_text_file("a.md", "a", bad_date.as_bytes(), &FieldDefaults::default())
            .unwrap_err();
        assert!(
            err.to_string().starts_with("a.md:2: date: cannot parse"),
            "{err}"
        );
        let empty = "---\ndate: 2017-09-05\nkind: news\n---\n\n   \n";
        let err =
            parse_text_file("a.md", "a", empty.as_bytes(), &FieldDefaults::default()).unwrap_err();
        assert_eq!(err.to_string(), "a.md:5: text: empty");
        let unclosed = "---\ndate: 2017-09-05\n";
        let err = parse_text_file("a.md", "a", unclosed.as_bytes(), &FieldDefaults::default())
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("a.md:1: front_matter: no closing"),
            "{err}"
        );
        let no_date = "Just text, no front matter.\n";
        let err = parse_text_file("a.txt", "a", no_date.as_bytes(), &FieldDefaults::default())
            .unwrap_err();
        assert!(
            err.to_string().starts_with("a.txt:1: date, kind: missing"),
            "{err}"
        );
    }

    #[test]
    fn a_key_given_twice_is_refused_at_its_second_line() {
        let twice = "---\ndate: 2017-09-05\nkind: news\n# note\nDate: 2018-01-01\n---\nBody.\n";
        let err =
            parse_text_file("a.md", "a", twice.as_bytes(), &FieldDefaults::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a.md:5: date: given twice in the front matter (first on line 2); keep one"
        );
        let other_keys = "---\ndate: 2017-09-05\nnote: a\nnote: b\nkind: news\n---\nBody.\n";
        assert!(
            parse_text_file(
                "a.md",
                "a",
                other_keys.as_bytes(),
                &FieldDefaults::default()
            )
            .is_ok()
        );
    }

    #[test]
    fn invalid_utf8_is_located_by_line_and_field() {
        let mut bytes = b"---\ndate: 2017-09-05\ntitle: caf".to_vec();
        bytes.extend([0xe9]);
        bytes.extend(b"\nkind: news\n---\nBody.\n");
        let err = parse_text_file("a.md", "a", &bytes, &FieldDefaults::default()).unwrap_err();
        assert!(
            err.to_string().starts_with("a.md:3: title: invalid UTF-8"),
            "{err}"
        );
        let mut bytes = b"---\ndate: 2017-09-05\nkind: news\n---\nFine.\nBad ".to_vec();
        bytes.push(0xff);
        let err = parse_text_file("a.md", "a", &bytes, &FieldDefaults::default()).unwrap_err();
        assert!(
            err.to_string().starts_with("a.md:6: text: invalid UTF-8"),
            "{err}"
        );
    }

    #[test]
    fn stems_drop_gz_and_the_format_extension() {
        let stem = |name: &str| file_stem(OsStr::new(name));
        assert_eq!(stem("2017-09-05-xiamen.md"), "2017-09-05-xiamen");
        assert_eq!(stem("note.txt.gz"), "note");
        assert_eq!(stem("note.md.GZ"), "note");
        assert_eq!(stem("README"), "README");
        assert_eq!(stem(".md"), ".md");
        assert_eq!(stem("заявление.md"), "заявление");
    }

    #[cfg(unix)]
    #[test]
    fn stems_of_names_that_are_not_utf8_keep_their_bytes() {
        use std::os::unix::ffi::OsStrExt;
        // "Речь" and "Речи" in CP1251: distinct names, distinct ids.
        let first = file_stem(OsStr::from_bytes(b"\xd0\xe5\xf7\xfc.md"));
        let second = file_stem(OsStr::from_bytes(b"\xd0\xe5\xf7\xe8.md"));
        assert_eq!(first, "%D0%E5%F7%FC");
        assert_eq!(second, "%D0%E5%F7%E8");
        assert_eq!(file_stem(OsStr::from_bytes(b"a\xff-b.txt.gz")), "a%FF-b");
    }
}
