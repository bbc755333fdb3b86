//! Text made safe to print on a terminal.
//!
//! Statements come from outside, and a title, a speaker name or a paragraph may hold
//! control characters: `ESC [2J` clears the screen, `ESC ]0;...` sets the window title,
//! `ESC ]52;...` writes the clipboard, a lone carriage return overwrites what was printed.
//! Human output (tables, hits, concordances, diagnostics) shows every control character
//! (C0, DEL, C1) except line feed and tab as a visible Rust-style escape such as `\u{1b}`.
//! Machine output (JSON, CSV, Parquet) keeps the data exactly and is not passed through
//! here.

use std::borrow::Cow;

/// `text` with every control character other than `\n` and `\t` written as `\u{XX}`.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible() {
        assert_eq!(terminal_safe("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(
            terminal_safe("\x1b]52;c;aGk=\x07"),
            "\\u{1b}]52;c;aGk=\\u{7}"
        );
        assert_eq!(terminal_safe("over\rwrite\x7f"), "over\\u{d}write\\u{7f}");
        assert_eq!(terminal_safe("c1\u{9b}31m"), "c1\\u{9b}31m");
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        let text = "Мария Захарова said:\n\t\"no\" — twice.";
        assert!(matches!(terminal_safe(text), Cow::Borrowed(t) if t == text));
    }
}
