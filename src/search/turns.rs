//! Searching what a given speaker or role said, using the per-paragraph speaker turns
//! computed at ingest ([`crate::document::DocStructure`]).
//!
//! Approach: the index has no per-paragraph speaker field, so Tantivy first finds the
//! candidate documents for the whole query (which is necessary: whatever one speaker said
//! is in the document), then each candidate is verified on its stored text and structure.
//! The query is re-evaluated with its text leaves seeing only the paragraphs whose turn is
//! accepted: `sanctions NOT korea --turn-speaker putin` keeps a document where Putin's
//! paragraphs mention sanctions and none of them mentions Korea. `title:` leaves are
//! evaluated on the title and keyword leaves on the metadata (neither is "said" by anyone);
//! field-less leaves look at the accepted paragraphs only. Passages come from accepted
//! paragraphs only. The cost is one stored-document read per candidate, so counts with a
//! turn filter read every candidate.

use super::matcher::Span;
use crate::document::Document;
pub use crate::index::TurnFilter;
use crate::query::plan::{KeywordField, Node, Plan, Scope};

/// Whether `doc` satisfies `plan` when its text is limited to the paragraphs marked in
/// `accepted`; `text_spans` (with paragraph indexes) and `title_spans` are all the spans of
/// the plan's leaves, positive and negative.
pub(crate) fn satisfies(
    plan: &Plan,
    doc: &Document,
    text_spans: &[(usize, Span)],
    title_spans: &[Span],
    accepted: &[bool],
) -> bool {
    let mut in_text = vec![false; plan.text_leaves];
    for (para, span) in text_spans {
        if accepted.get(*para).copied().unwrap_or(false) {
            in_text[span.leaf] = true;
        }
    }
    let mut in_title = vec![false; plan.text_leaves];
    for span in title_spans {
        in_title[span.leaf] = true;
    }
    evaluate_leaves(plan, doc, &in_text, &in_title)
}

/// Whether `doc` satisfies `plan` when the text leaves marked in `in_text` occur in the
/// text under consideration and those marked in `in_title` occur in the title.
pub(crate) fn evaluate_leaves(
    plan: &Plan,
    doc: &Document,
    in_text: &[bool],
    in_title: &[bool],
) -> bool {
    evaluate(&plan.root, doc, in_text, in_title)
}

fn evaluate(node: &Node, doc: &Document, in_text: &[bool], in_title: &[bool]) -> bool {
    match node {
        Node::And(children) => children.iter().all(|c| evaluate(c, doc, in_text, in_title)),
        Node::Or(children) => children.iter().any(|c| evaluate(c, doc, in_text, in_title)),
        Node::Not(child) => !evaluate(child, doc, in_text, in_title),
        Node::Text(leaf) => match leaf.scope {
            Scope::Title => in_title[leaf.id],
            Scope::Text | Scope::TextAndTitle => in_text[leaf.id],
        },
        Node::Keyword(leaf) => match leaf.field {
            KeywordField::Speaker => leaf.matcher.matches(&doc.speaker),
            KeywordField::Source => leaf.matcher.matches(&doc.source),
            KeywordField::Kind => leaf.matcher.matches(doc.kind.as_str()),
            KeywordField::Lang => leaf.matcher.matches(doc.lang.as_str()),
            KeywordField::Tag => doc.tags.iter().any(|t| leaf.matcher.matches(t)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{DocStructure, Kind, Lang, ParagraphTurn, Role};
    use crate::query::parse;
    use crate::search::matcher::{Target, TokenIndex, find_spans};
    use crate::search::passages::{paragraph_of, paragraphs};
    use crate::text::Analyzer;
    use chrono::NaiveDate;

    fn turn(speaker: Option<&str>, role: Role) -> ParagraphTurn {
        ParagraphTurn {
            speaker: speaker.map(str::to_string),
            role,
            n_words: 0,
        }
    }

    fn doc() -> (Document, DocStructure) {
        let doc = Document {
            id: "t".into(),
            date: NaiveDate::from_ymd_opt(2017, 9, 5).unwrap(),
            title: "Press conference on Korea".into(),
            speaker: "Vladimir Putin".into(),
            source: "kremlin.ru".into(),
            kind: Kind::PressConference,
            lang: Lang::En,
            url: String::new(),
            text: "Question: What about sanctions and Korea?\nVladimir Putin: Sanctions are useless.\nThe talks ended."
                .into(),
            tags: vec![],
            location: None,
        };
        let structure = DocStructure {
            paragraphs: vec![
                turn(Some("Question"), Role::Journalist),
                turn(Some("Vladimir Putin"), Role::Official),
                turn(None, Role::Narration),
            ],
            ..DocStructure::default()
        };
        (doc, structure)
    }

    fn holds(query: &str, filter: TurnFilter) -> bool {
        let (doc, structure) = doc();
        let mut analyzer = Analyzer::default();
        let plan = Plan::new(&parse(query).unwrap(), &mut analyzer).unwrap();
        let tokens = analyzer.tokens(doc.lang, &doc.text);
        let paras = paragraphs(&doc.text);
        let text_spans: Vec<(usize, Span)> =
            find_spans(&plan, doc.lang, Target::Text, &TokenIndex::new(&tokens))
                .into_iter()
                .map(|s| (paragraph_of(&paras, s.start), s))
                .collect();
        let title_tokens = analyzer.tokens(doc.lang, &doc.title);
        let title_spans = find_spans(
            &plan,
            doc.lang,
            Target::Title,
            &TokenIndex::new(&title_tokens),
        );
        let accepted = filter
            .compile()
            .unwrap()
            .accepted_stored(&structure.paragraphs, doc.date);
        satisfies(&plan, &doc, &text_spans, &title_spans, &accepted)
    }

    fn speaker(name: &str) -> TurnFilter {
        TurnFilter {
            speakers: vec![name.into()],
            ..TurnFilter::default()
        }
    }

    fn role(role: Role) -> TurnFilter {
        TurnFilter {
            roles: vec![role],
            ..TurnFilter::default()
        }
    }

    #[test]
    fn only_words_said_in_accepted_turns_count() {
        assert!(holds("sanctions", speaker("putin")));
        assert!(!holds("korea", speaker("putin")));
        assert!(holds("korea", role(Role::Journalist)));
        assert!(!holds("talks", role(Role::Official)));
        assert!(holds("talks", role(Role::Narration)));
        assert!(!holds("sanctions", speaker("lavrov")));
    }

    #[test]
    fn boolean_structure_is_evaluated_on_the_accepted_turns() {
        assert!(holds("sanctions NOT korea", speaker("putin")));
        assert!(!holds("sanctions NOT korea", role(Role::Journalist)));
        assert!(holds(
            "\"sanctions are useless\"",
            speaker("vladimir putin")
        ));
        assert!(!holds("sanctions korea", speaker("putin")));
    }

    #[test]
    fn title_and_metadata_leaves_are_not_limited_by_turns() {
        assert!(holds("title:korea sanctions", speaker("putin")));
        assert!(holds("speaker:putin useless", speaker("putin")));
        assert!(!holds("kind:news useless", speaker("putin")));
    }

    #[test]
    fn speaker_and_role_combine() {
        let both = TurnFilter {
            speakers: vec!["putin".into()],
            roles: vec![Role::Journalist],
            ..TurnFilter::default()
        };
        assert!(!holds("sanctions", both));
        let matcher = speaker("putin").compile().unwrap();
        assert!(!matcher.accepts(None));
        // Stored labels are resolved through the registry first.
        let stored = [turn(Some("President Vladimir Putin"), Role::Official)];
        let date = chrono::NaiveDate::from_ymd_opt(2017, 9, 5).unwrap();
        assert_eq!(matcher.accepted_stored(&stored, date), [true]);
    }

    #[test]
    fn a_speaker_without_words_is_refused() {
        let err = crate::search::SearchError::from(speaker("--").compile().unwrap_err());
        assert!(matches!(
            err,
            crate::search::SearchError::TurnSpeaker { .. }
        ));
    }
}
