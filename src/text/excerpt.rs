//! Short excerpts of long texts for messages.
//!
//! An error may carry the content of a file (the engine quotes a whole damaged
//! `meta.json`, tens of kilobytes on one line); messages show at most the start of it and
//! say how much was left out.

use std::borrow::Cow;

/// The longest excerpt [`excerpt`] is usually asked for, in characters.
pub const MESSAGE_EXCERPT_CHARS: usize = 300;

/// `text` cut to its first `max_chars` characters, with `… (N more characters)` when cut.
pub fn excerpt(text: &str, max_chars: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        None => Cow::Borrowed(text),
        Some((cut, _)) => {
            let rest = text[cut..].chars().count();
            Cow::Owned(format!("{}… ({rest} more characters)", &text[..cut]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_cut_and_say_how_much() {
        assert_eq!(excerpt("short", 10), "short");
        assert_eq!(excerpt("абвгд", 2), "аб… (3 more characters)");
        let long = "x".repeat(50_000);
        assert!(excerpt(&long, MESSAGE_EXCERPT_CHARS).chars().count() < 400);
    }
}
