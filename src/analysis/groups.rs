//! Groups: who or what a trend row is about, and which words count as its denominator.
//!
//! Contract: document-level groups (`speaker`, `source`, `kind`, `lang`) put a whole
//! document, its words and paragraphs, in one group. Turn-level groups (`turn_speaker`,
//! `role`) split a document by speaker turn: each group gets the words and paragraphs of
//! its own paragraphs (`ParagraphTurn::n_words`), and a match belongs to the group of the
//! paragraph it is in. A document without turn structure, or a match in a paragraph the
//! structure does not cover, falls in the group `""` (unknown), so no match and no word is
//! ever dropped: the sum over groups equals the ungrouped total. Paragraphs a paragraph
//! filter left out ([`DocSummary::kept`]) belong to no group.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::themes::{DocSummary, ThemeMatch};

use super::AnalysisError;

/// The group value used when no grouping is asked for.
pub const ALL_GROUP: &str = "all";
/// How outputs for people show the empty group (documents without a speaker, source or
/// role); `compare` takes it as the name of that group.
pub const UNKNOWN_GROUP: &str = crate::index::NO_VALUE;

/// What to group trend rows by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupBy {
    /// The document's main speaker.
    Speaker,
    /// The publisher.
    Source,
    /// The document kind.
    Kind,
    /// The document language.
    Lang,
    /// The speaker of each paragraph (speaker turns).
    TurnSpeaker,
    /// The role of each paragraph's speaker (official, journalist, foreign, ...).
    Role,
}

impl GroupBy {
    /// Every grouping, in the order of the help text.
    pub const ALL: &'static [GroupBy] = &[
        GroupBy::Speaker,
        GroupBy::Source,
        GroupBy::Kind,
        GroupBy::Lang,
        GroupBy::TurnSpeaker,
        GroupBy::Role,
    ];

    /// The name used on the command line, in job files and as a column value.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Speaker => "speaker",
            GroupBy::Source => "source",
            GroupBy::Kind => "kind",
            GroupBy::Lang => "lang",
            GroupBy::TurnSpeaker => "turn_speaker",
            GroupBy::Role => "role",
        }
    }

    /// Whether groups are paragraphs (speaker turns) rather than whole documents.
    pub fn is_turn_level(self) -> bool {
        matches!(self, GroupBy::TurnSpeaker | GroupBy::Role)
    }
}

impl fmt::Display for GroupBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for GroupBy {
    type Err = AnalysisError;

    fn from_str(value: &str) -> Result<Self, AnalysisError> {
        let wanted = value.trim().to_ascii_lowercase().replace('-', "_");
        GroupBy::ALL
            .iter()
            .copied()
            .find(|g| g.as_str() == wanted)
            .ok_or_else(|| AnalysisError::UnknownGroupBy {
                value: value.to_string(),
            })
    }
}

/// The part of a document that belongs to one group, with its denominators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unit {
    /// Group value.
    pub group: String,
    /// Words of the document (or of the group's paragraphs).
    pub n_words: u64,
    /// Paragraphs of the document (or of the group's paragraphs).
    pub n_paragraphs: u64,
}

/// The group value of a whole document.
fn document_group(doc: &DocSummary, group: Option<GroupBy>) -> String {
    match group {
        None => ALL_GROUP.to_string(),
        Some(GroupBy::Speaker) => doc.speaker.clone(),
        Some(GroupBy::Source) => doc.source.clone(),
        Some(GroupBy::Kind) => doc.kind.as_str().to_string(),
        Some(GroupBy::Lang) => doc.lang.as_str().to_string(),
        // Turn-level groupings of a document without structure: unknown.
        Some(GroupBy::TurnSpeaker | GroupBy::Role) => String::new(),
    }
}

/// The group value of paragraph `para` under a turn-level grouping.
fn turn_group(doc: &DocSummary, para: usize, group: GroupBy) -> String {
    match doc.paragraphs.get(para) {
        None => String::new(),
        Some(turn) => match group {
            GroupBy::TurnSpeaker => turn.speaker.clone().unwrap_or_default(),
            GroupBy::Role => turn.role.as_str().to_string(),
            _ => document_group(doc, Some(group)),
        },
    }
}

/// How `doc` splits into groups: one unit for document-level groupings, one per distinct
/// group value among its paragraphs for turn-level ones (sorted by group value).
pub(crate) fn units(doc: &DocSummary, group: Option<GroupBy>) -> Vec<Unit> {
    match group {
        Some(turn) if turn.is_turn_level() && !doc.paragraphs.is_empty() => {
            let mut by_group: BTreeMap<String, (u64, u64)> = BTreeMap::new();
            for (para, paragraph) in doc.paragraphs.iter().enumerate() {
                if !doc.is_kept(para) {
                    continue;
                }
                let entry = by_group.entry(turn_group(doc, para, turn)).or_default();
                entry.0 += paragraph.n_words;
                entry.1 += 1;
            }
            by_group
                .into_iter()
                .map(|(group, (n_words, n_paragraphs))| Unit {
                    group,
                    n_words,
                    n_paragraphs,
                })
                .collect()
        }
        _ => vec![Unit {
            group: document_group(doc, group),
            n_words: doc.n_words,
            n_paragraphs: doc.n_paragraphs,
        }],
    }
}

/// The group a match of `doc` belongs to.
pub(crate) fn match_group(doc: &DocSummary, m: &ThemeMatch, group: Option<GroupBy>) -> String {
    paragraph_group(doc, m.para, group)
}

/// The group paragraph `para` of `doc` belongs to.
pub(crate) fn paragraph_group(doc: &DocSummary, para: usize, group: Option<GroupBy>) -> String {
    match group {
        Some(turn) if turn.is_turn_level() && !doc.paragraphs.is_empty() => {
            turn_group(doc, para, turn)
        }
        _ => document_group(doc, group),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::document::{Kind, Lang, ParagraphTurn, Role};

    fn doc() -> DocSummary {
        let turn = |speaker: Option<&str>, role, n_words| ParagraphTurn {
            speaker: speaker.map(str::to_string),
            role,
            n_words,
        };
        DocSummary {
            kept: None,
            id: "d".into(),
            date: NaiveDate::from_ymd_opt(2017, 9, 5).unwrap(),
            speaker: "Vladimir Putin".into(),
            source: "kremlin.ru".into(),
            kind: Kind::PressConference,
            lang: Lang::En,
            n_words: 100,
            n_paragraphs: 4,
            paragraphs: vec![
                turn(None, Role::Narration, 10),
                turn(Some("Question"), Role::Journalist, 20),
                turn(Some("Vladimir Putin"), Role::Official, 50),
                turn(Some("Vladimir Putin"), Role::Official, 20),
            ],
        }
    }

    fn at(para: usize) -> ThemeMatch {
        ThemeMatch {
            theme: "t".into(),
            para,
            sentence: 0,
            start: 0,
            end: 1,
            rule: "r".into(),
        }
    }

    #[test]
    fn document_groups_take_the_whole_document() {
        let units = units(&doc(), Some(GroupBy::Kind));
        assert_eq!(
            units,
            [Unit {
                group: "press_conference".into(),
                n_words: 100,
                n_paragraphs: 4
            }]
        );
        assert_eq!(super::units(&doc(), None)[0].group, ALL_GROUP);
    }

    #[test]
    fn kept_paragraphs_alone_make_the_denominators() {
        let mut doc = doc();
        doc.keep_paragraphs(vec![false, true, true, false]);
        let got = |group| {
            units(&doc, group)
                .into_iter()
                .map(|u| (u.group, u.n_words, u.n_paragraphs))
                .collect::<Vec<_>>()
        };
        assert_eq!(got(None), [(ALL_GROUP.to_string(), 70, 2)]);
        assert_eq!(
            got(Some(GroupBy::Role)),
            [
                ("journalist".to_string(), 20, 1),
                ("official".to_string(), 50, 1)
            ]
        );
    }

    #[test]
    fn turn_groups_split_words_by_paragraph() {
        let units = units(&doc(), Some(GroupBy::TurnSpeaker));
        let got: Vec<_> = units
            .iter()
            .map(|u| (u.group.as_str(), u.n_words, u.n_paragraphs))
            .collect();
        assert_eq!(
            got,
            [("", 10, 1), ("Question", 20, 1), ("Vladimir Putin", 70, 2)]
        );
        assert_eq!(
            match_group(&doc(), &at(3), Some(GroupBy::TurnSpeaker)),
            "Vladimir Putin"
        );
        assert_eq!(
            match_group(&doc(), &at(1), Some(GroupBy::Role)),
            "journalist"
        );
        assert_eq!(match_group(&doc(), &at(9), Some(GroupBy::Role)), "");
    }

    #[test]
    fn documents_without_structure_are_unknown_under_turn_groups() {
        let mut plain = doc();
        plain.paragraphs.clear();
        let units = units(&plain, Some(GroupBy::Role));
        assert_eq!(units.len(), 1);
        assert_eq!((units[0].group.as_str(), units[0].n_words), ("", 100));
        assert_eq!(match_group(&plain, &at(0), Some(GroupBy::Role)), "");
    }

    #[test]
    fn group_by_parses() {
        assert_eq!(
            "turn-speaker".parse::<GroupBy>().unwrap(),
            GroupBy::TurnSpeaker
        );
        let err = "party".parse::<GroupBy>().unwrap_err().to_string();
        assert!(
            err.contains("party") && err.contains("turn_speaker"),
            "{err}"
        );
    }
}
