//! The place and reason of a TOML parse or type error, for a `FILE:LINE: ...` message: the
//! 1-based line of the error's span, and the message with the key it concerns in front when
//! the span is the value of a `key = value` (serde's type errors name the expected type but
//! not the field: `invalid type: string "yes", expected a boolean`).

/// The line of `e` in `text` (when it carries a span) and its reason, `key: message` when
/// the value of `key` is at fault.
pub fn toml_error_place(text: &str, e: &toml::de::Error) -> (Option<usize>, String) {
    let message = e.message().trim().to_string();
    let Some(span) = e.span() else {
        return (None, message);
    };
    let start = span.start.min(text.len());
    let line = line_of(text, start);
    match key_before(&text[..start]) {
        Some(key) => (Some(line), format!("{key}: {message}")),
        None => (Some(line), message),
    }
}

/// The 1-based line of byte `at` in `text` (the last line past the end).
pub fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The line of the first `"value"` (quoted as TOML and JSON write strings) in `text`: the
/// place of a value whose parsed form kept no span.
pub fn line_of_quoted(text: &str, value: &str) -> Option<usize> {
    let at = text.find(&format!("\"{value}\""))?;
    Some(line_of(text, at))
}

/// The (bare, possibly dotted) key of a `key = ` that `before` ends with.
fn key_before(before: &str) -> Option<&str> {
    let before = before.trim_end_matches([' ', '\t']).strip_suffix('=')?;
    let before = before.trim_end_matches([' ', '\t']);
    let is_key_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    let start = before
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_key_char(c))
        .last()
        .map(|(i, _)| i)?;
    Some(&before[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct File {
        name: String,
        wide: Option<bool>,
        table: Option<Table>,
        list: Option<Vec<Table>>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Table {
        within: Option<usize>,
    }

    fn place(text: &str) -> (Option<usize>, String) {
        toml_error_place(text, &toml::from_str::<File>(text).unwrap_err())
    }

    #[test]
    fn a_wrong_value_is_named_by_its_key() {
        let (line, reason) = place("name = \"x\"\n\nwide = \"yes\"\n");
        assert_eq!(line, Some(3));
        assert!(
            reason.starts_with("wide: invalid type: string \"yes\""),
            "{reason}"
        );
        let (line, reason) = place("name = \"x\"\n[table]\nwithin   =  -3\n");
        assert_eq!(line, Some(3));
        assert!(reason.starts_with("within: invalid value"), "{reason}");
        let (line, reason) = place("name = \"x\"\nlist = [\n  { within = \"five\" },\n]\n");
        assert_eq!(line, Some(3));
        assert!(reason.starts_with("within: invalid type"), "{reason}");
        let (line, reason) = place("name = \"x\"\ntable.within = true\n");
        assert_eq!(line, Some(2));
        assert!(reason.starts_with("table.within: invalid type"), "{reason}");
    }

    #[test]
    fn errors_that_are_not_about_a_value_keep_their_message() {
        let (line, reason) = place("name = \"x\"\n[table]\nwithn = 3\n");
        assert_eq!(line, Some(3));
        assert!(reason.starts_with("unknown field `withn`"), "{reason}");
        let (_, reason) = place("wide = true\n");
        assert!(reason.starts_with("missing field `name`"), "{reason}");
        let (line, reason) = place("name = \"x\"\nlist = [true]\n");
        assert_eq!(line, Some(2));
        assert!(reason.starts_with("invalid type: boolean"), "{reason}");
    }
}
