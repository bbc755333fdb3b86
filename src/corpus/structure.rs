//! Structure computed from a document at ingest: word, sentence and paragraph counts and,
//! per paragraph, the speaker turn it belongs to (see [`super::turns`]).
//!
//! Contract: `paragraphs` has exactly one entry per `\n`-separated paragraph of the text,
//! so paragraph indexes of evidence and gold labels address it directly.

use super::turns::attribute_turns;
use crate::document::{DocStructure, Document, Lang, ParagraphTurn};
use crate::text::for_each_sentence;

/// Counts words, sentences and paragraphs of `doc` and attributes paragraphs to speakers.
pub fn analyze_structure(doc: &Document) -> DocStructure {
    let mut structure = DocStructure::default();
    let turns = attribute_turns(doc);
    for (paragraph, (speaker, role)) in doc.paragraphs().zip(turns) {
        let n_words = count_words(doc.lang, paragraph);
        structure.n_paragraphs += 1;
        structure.n_words += n_words;
        for_each_sentence(paragraph, |_| structure.n_sentences += 1);
        structure.paragraphs.push(ParagraphTurn {
            speaker,
            role,
            n_words,
        });
    }
    structure
}

/// Word tokens as the analyzer's tokenizer sees them (runs of alphanumeric characters),
/// found by the tokenizer's own word test (ASCII and Cyrillic by byte); an English text,
/// mostly ASCII, eight and sixty-four bytes at a time (the same runs: see
/// [`crate::text::words::for_each_run_ascii`]).
fn count_words(lang: Lang, text: &str) -> u64 {
    let mut n = 0;
    match lang {
        Lang::En => crate::text::words::for_each_run_ascii(text, |_, _| n += 1),
        Lang::Ru => crate::text::words::for_each_run(text, |_, _| n += 1),
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Kind, Lang, Role};
    use chrono::NaiveDate;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn words_are_the_runs_of_alphanumeric_characters(text in "[a-zA-Z0-9яЁё½²中😀 .,\u{2014}\u{0301}\u{0482}-]{0,40}") {
            let expected = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .count() as u64;
            for lang in [Lang::En, Lang::Ru] {
                prop_assert_eq!(count_words(lang, &text), expected);
            }
        }
    }

    fn doc(kind: Kind, text: &str) -> Document {
        Document {
            id: "d".into(),
            date: NaiveDate::from_ymd_opt(2017, 1, 1).unwrap(),
            title: String::new(),
            speaker: String::new(),
            source: String::new(),
            kind,
            lang: Lang::En,
            url: String::new(),
            text: text.into(),
            tags: vec![],
            location: None,
        }
    }

    #[test]
    fn counts_words_sentences_and_paragraphs() {
        let doc = doc(Kind::News, "One two. Three four!\nFive, six-seven.");
        let s = analyze_structure(&doc);
        assert_eq!((s.n_words, s.n_sentences, s.n_paragraphs), (7, 3, 2));
        assert_eq!(s.paragraphs.len(), 2);
    }

    #[test]
    fn paragraphs_carry_their_speaker_and_role() {
        let doc = doc(
            Kind::Transcript,
            "Talks were held.\nQuestion: Why?\nSergei Lavrov: Because.",
        );
        let s = analyze_structure(&doc);
        let turns: Vec<_> = s
            .paragraphs
            .iter()
            .map(|p| (p.speaker.as_deref(), p.role, p.n_words))
            .collect();
        assert_eq!(
            turns,
            [
                (None, Role::Narration, 3),
                (Some("Question"), Role::Journalist, 2),
                (Some("Sergei Lavrov"), Role::Official, 3),
            ]
        );
    }
}
