//! Speaker labels inside a paragraph: transcripts whose turns were run together into one
//! line (`... добрый день. В.Путин: Уважаемые коллеги! ... А.Хинштейн: Спасибо.`), as some
//! scraped kremlin.ru texts are.
//!
//! Turns are attributed per paragraph ([`super::turns`]), so every label inside a paragraph
//! leaves the words after it in the turn of whoever opened the paragraph. This module finds
//! such labels and, when asked, starts a paragraph at each.
//!
//! Contract: a label inside a paragraph is an initials-and-surname token in Cyrillic
//! (`В.Путин`, `С.В.Лавров`, `Д.Сассу-Нгессо`), optionally followed by a parenthesised
//! note (`(как переведено)`), then `:` and a space or the end of the paragraph; it stands
//! after a run of spaces or tabs that follows other text of the paragraph, and the text
//! from the token on reads as a label of that very name ([`super::parse_label`]). Latin
//! initials are left alone: in English transcripts such a token is part of a longer label
//! at a paragraph's start (`Sr Lieutenant A. Vedyashchev:`), never a turn run into prose.
//! [`split_inline_labels`] replaces the space run before each such label with one `\n` and
//! changes nothing else, so the words, their order and every other character stay.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::turns::parse_label;

/// A Cyrillic initials-and-surname token, an optional note in parentheses and the colon,
/// at the end of the text searched (a window that ends at a colon).
static LABEL_BEFORE_COLON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[ \t\u{a0}])((?:[А-ЯЁ]\. ?){1,3}[А-ЯЁ][\p{L}'’-]+)(?: ?\([^()\n]{1,60}\))? ?:$",
    )
    .expect("constant pattern compiles")
});

/// How far before a colon a label may start, in bytes (the token and its note).
const WINDOW_BYTES: usize = 160;

/// The spans of `text` (space runs inside paragraphs) that stand before a speaker label,
/// in text order (see the module contract).
pub fn inline_label_breaks(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut para_start = 0;
    for para_end in memchr::memchr_iter(b'\n', bytes).chain([text.len()]) {
        let paragraph = &text[para_start..para_end];
        for colon in memchr::memchr_iter(b':', paragraph.as_bytes()) {
            if let Some(start) = label_start(paragraph, colon) {
                let gap_end = para_start + start;
                let gap_start = text[para_start..gap_end]
                    .trim_end_matches([' ', '\t', '\u{a0}'])
                    .len()
                    + para_start;
                let before = &text[para_start..gap_start];
                // A label glued to the word before it (no space run) is not split.
                if gap_start > para_start && gap_start < gap_end && !ends_with_preposition(before) {
                    out.push(gap_start..gap_end);
                }
            }
        }
        para_start = para_end + 1;
    }
    out
}

/// Prepositions after which an initials-and-surname token is the object of the sentence
/// (`вопрос к В.Путину: ...`), not a label.
const PREPOSITIONS: &[&str] = &[
    "к",
    "ко",
    "с",
    "со",
    "о",
    "об",
    "обо",
    "у",
    "от",
    "для",
    "по",
    "про",
    "при",
    "над",
    "под",
    "перед",
    "между",
    "за",
    "через",
    "без",
    "до",
    "из",
    "на",
    "в",
    "во",
];

/// Whether the last word of `text` is one of [`PREPOSITIONS`] (in any case).
fn ends_with_preposition(text: &str) -> bool {
    let last = text
        .rsplit([' ', '\t', '\u{a0}', '\n'])
        .next()
        .unwrap_or("");
    PREPOSITIONS.contains(&last.to_lowercase().as_str())
}

/// Where the label that ends with the colon at byte `colon` of `paragraph` starts, if
/// there is one (not at the paragraph's start).
fn label_start(paragraph: &str, colon: usize) -> Option<usize> {
    let after = &paragraph[colon + 1..];
    if !(after.is_empty() || after.starts_with(char::is_whitespace)) {
        return None;
    }
    let mut from = colon.saturating_sub(WINDOW_BYTES);
    while !paragraph.is_char_boundary(from) {
        from += 1;
    }
    let window = &paragraph[from..=colon];
    let token = LABEL_BEFORE_COLON.captures(window)?.get(1)?;
    let start = from + token.start();
    if start == 0 {
        return None;
    }
    let label = parse_label(&paragraph[start..])?;
    (label.name.as_deref() == Some(token.as_str())).then_some(start)
}

/// `text` with a paragraph break before every speaker label inside a paragraph, and the
/// number of labels; `None` when there is none.
pub fn split_inline_labels(text: &str) -> Option<(String, usize)> {
    let breaks = inline_label_breaks(text);
    if breaks.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for gap in &breaks {
        out.push_str(&text[at..gap.start]);
        out.push('\n');
        at = gap.end;
    }
    out.push_str(&text[at..]);
    Some((out, breaks.len()))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const RUN_TOGETHER: &str = "Глава государства провёл совещание.\nСовещание В.Путин: Добрый \
        день, уважаемые коллеги! Прошу Вас. А.Хинштейн: Спасибо, Владимир Владимирович. \
        Д.Сассу-Нгессо (как переведено): Благодарю. В.Путин: Да.";

    #[test]
    fn labels_run_into_a_paragraph_start_paragraphs_of_their_own() {
        let (split, n) = split_inline_labels(RUN_TOGETHER).expect("labels found");
        assert_eq!(n, 4);
        let paragraphs: Vec<&str> = split.split('\n').collect();
        assert_eq!(
            paragraphs,
            [
                "Глава государства провёл совещание.",
                "Совещание",
                "В.Путин: Добрый день, уважаемые коллеги! Прошу Вас.",
                "А.Хинштейн: Спасибо, Владимир Владимирович.",
                "Д.Сассу-Нгессо (как переведено): Благодарю.",
                "В.Путин: Да.",
            ]
        );
        let speakers: Vec<Option<String>> = paragraphs
            .iter()
            .map(|p| parse_label(p).and_then(|l| l.name))
            .collect();
        assert_eq!(speakers[2].as_deref(), Some("В.Путин"));
        assert_eq!(speakers[4].as_deref(), Some("Д.Сассу-Нгессо"));
        // Split text has nothing left to split.
        assert_eq!(split_inline_labels(&split), None);
    }

    #[test]
    fn labels_at_a_paragraph_start_prose_colons_and_latin_initials_stay() {
        for text in [
            "В.Путин: Добрый день.\nА.Хинштейн: Спасибо.",
            "Он сказал так: это важно. Итог: ничего.",
            "Время 10:30, В.Путин:доклад без пробела.",
            "Sr Lieutenant A. Vedyashchev: Yes. Deputy Commander D. Klimenko: Yes.",
            "Вопрос к В.Путину: когда? И к Лаврову: зачем?",
            "",
            ":",
            " В.Путин:",
        ] {
            assert_eq!(split_inline_labels(text), None, "{text:?}");
        }
        // A token glued to the word before it, starting exactly where the search window
        // of its colon starts (so the window's start reads like a word boundary).
        let glued = format!("Слово{}: да.", "В. П".to_string() + &"у".repeat(77));
        assert_eq!(glued.find(':').unwrap() - "Слово".len(), WINDOW_BYTES);
        assert_eq!(split_inline_labels(&glued), None);
        // A label that ends the paragraph still opens a turn.
        let (split, _) = split_inline_labels("Спасибо. С.В.Лавров:").unwrap();
        assert_eq!(split, "Спасибо.\nС.В.Лавров:");
    }

    proptest! {
        #[test]
        fn splitting_only_turns_space_runs_into_line_breaks(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("В.Путин:".to_string()),
                    Just("А.Б.Хинштейн (как переведено):".to_string()),
                    Just(" ".to_string()),
                    Just("\u{a0}".to_string()),
                    Just("\n".to_string()),
                    Just(". ".to_string()),
                    "[а-яА-ЯЁa-zA-Z.:() ]{0,12}",
                ],
                0..24,
            )
        ) {
            let text: String = parts.concat();
            let breaks = inline_label_breaks(&text);
            match split_inline_labels(&text) {
                None => prop_assert!(breaks.is_empty()),
                Some((split, n)) => {
                    prop_assert_eq!(n, breaks.len());
                    let squeeze = |s: &str| {
                        s.chars().filter(|c| !c.is_whitespace()).collect::<String>()
                    };
                    prop_assert_eq!(squeeze(&split), squeeze(&text));
                    prop_assert_eq!(split.matches('\n').count(), text.matches('\n').count() + n);
                    // Every break stands where a label starts, and the result is stable.
                    for gap in &breaks {
                        let spaces = text[gap.clone()].chars().all(|c| matches!(c, ' ' | '\t' | '\u{a0}'));
                        prop_assert!(spaces, "{:?} in {:?}", gap, text);
                        prop_assert!(parse_label(&text[gap.end..]).is_some());
                    }
                    prop_assert_eq!(split_inline_labels(&split), None);
                }
            }
        }
    }
}
