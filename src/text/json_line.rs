//! The reason of a JSON error in one line of a JSON Lines file, for a `FILE:LINE: ...`
//! message: serde_json counts lines within the text it was given, so its own
//! ` at line 1 column C` would contradict the file's line number.

/// `column C: MESSAGE` for an error in a one-line JSON text (serde_json's position
/// dropped from the message and given as the column); the message as it is when it
/// carries no position.
pub fn json_line_reason(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    match full.strip_suffix(&position) {
        Some(message) if e.line() == 1 => format!("column {}: {message}", e.column()),
        Some(message) => format!("line {} column {}: {message}", e.line(), e.column()),
        None => full,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Label {
        para: usize,
    }

    #[test]
    fn the_column_stays_and_the_line_of_the_text_goes() {
        let e = serde_json::from_str::<Label>(r#"{"para": -1}"#).unwrap_err();
        let reason = json_line_reason(&e);
        assert_eq!(
            reason,
            format!(
                "column {}: invalid value: integer `-1`, expected usize",
                e.column()
            )
        );
        let e = serde_json::from_str::<Label>("{\n\"para\": true}").unwrap_err();
        assert!(
            json_line_reason(&e).starts_with("line 2 column "),
            "{}",
            json_line_reason(&e)
        );
    }
}
