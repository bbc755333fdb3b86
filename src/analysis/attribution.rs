//! Speaker-attribution accuracy: the role of each hand-labelled paragraph (`speaker_role`
//! of the gold files, `../shared/gold/README.md`) against the role that analyses use, i.e.
//! the turn stored at ingest resolved through a speaker registry, per language.
//!
//! Contract: every gold line names `FILE:LINE` when it is malformed, lacks `speaker_role`
//! or gives an unknown role; a labelled paragraph that the index does not hold is listed
//! as missing, never scored. Accuracy is reported both for the resolved roles and for the
//! roles as stored (the ingest guess alone), so a registry change shows its effect.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::AnalysisError;
use crate::corpus::SpeakerRegistry;
use crate::document::{Lang, Role};
use crate::index::{DocFilter, IndexStore};
use crate::text::json_line::json_line_reason;

/// One paragraph with its hand-labelled speaker role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoldRole {
    /// Document id.
    pub doc_id: String,
    /// 0-based paragraph index (text split on `\n`).
    pub para: usize,
    /// The labelled role.
    pub role: Role,
    /// The paragraph text, when the file has it.
    pub text: String,
    /// `FILE:LINE` of the label.
    pub location: String,
}

#[derive(Deserialize)]
struct GoldLine {
    doc_id: String,
    para: usize,
    speaker_role: Option<String>,
    #[serde(default)]
    text: String,
}

/// The role a gold file's `speaker_role` names (`russian_official`, `foreign_official` and
/// the role names themselves).
pub fn gold_role(value: &str) -> Option<Role> {
    match value.trim() {
        "russian_official" => Some(Role::Official),
        "foreign_official" => Some(Role::Foreign),
        other => other.parse().ok(),
    }
}

/// Reads the speaker roles of a gold file (JSON Lines).
pub fn read_gold_roles(path: &Path) -> Result<Vec<GoldRole>, AnalysisError> {
    let bad = |line: usize, reason: String| AnalysisError::GoldRole {
        path: path.to_path_buf(),
        line,
        reason,
    };
    let file = std::fs::File::open(path).map_err(|e| bad(0, e.to_string()))?;
    let mut out = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| bad(i + 1, e.to_string()))?;
        if line.trim().is_empty() {
            continue;
        }
        let record: GoldLine =
            serde_json::from_str(&line).map_err(|e| bad(i + 1, json_line_reason(&e)))?;
        let value = record
            .speaker_role
            .ok_or_else(|| bad(i + 1, "speaker_role: missing".into()))?;
        let role = gold_role(&value).ok_or_else(|| {
            bad(
                i + 1,
                format!(
                    "speaker_role: unknown role `{value}` (expected russian_official, \
                     foreign_official, journalist, narration or other)"
                ),
            )
        })?;
        out.push(GoldRole {
            doc_id: record.doc_id,
            para: record.para,
            role,
            text: record.text,
            location: format!("{}:{}", path.display(), i + 1),
        });
    }
    Ok(out)
}

/// Accuracy of one language (or of all).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Accuracy {
    /// Paragraphs scored.
    pub paragraphs: usize,
    /// Right after resolution through the registry (what analyses use).
    pub correct: usize,
    /// Right as stored at ingest (before the registry).
    pub correct_stored: usize,
}

impl Accuracy {
    /// Share right after resolution (0 without paragraphs).
    pub fn rate(&self) -> f64 {
        self.correct as f64 / (self.paragraphs.max(1)) as f64
    }

    /// Share right as stored.
    pub fn rate_stored(&self) -> f64 {
        self.correct_stored as f64 / (self.paragraphs.max(1)) as f64
    }
}

/// One paragraph whose resolved role is not the labelled one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disagreement {
    /// `FILE:LINE` of the label.
    pub location: String,
    /// Document id.
    pub doc_id: String,
    /// Paragraph index.
    pub para: usize,
    /// Language of the document.
    pub lang: Lang,
    /// The labelled role.
    pub gold: Role,
    /// The role analyses use.
    pub predicted: Role,
    /// The role stored at ingest.
    pub stored: Role,
    /// The speaker label stored at ingest (empty: none).
    pub label: String,
    /// The speaker after resolution (empty: none or a generic label).
    pub speaker: String,
    /// The paragraph text (from the index).
    pub text: String,
}

/// One cell of the confusion table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfusionCell {
    /// The labelled role.
    pub gold: Role,
    /// The role analyses use.
    pub predicted: Role,
    /// Paragraphs.
    pub paragraphs: usize,
}

/// What [`check_attribution`] finds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AttributionReport {
    /// Accuracy per language.
    pub by_lang: BTreeMap<Lang, Accuracy>,
    /// All languages.
    pub total: Accuracy,
    /// Paragraphs per (labelled, resolved) role pair, in role order.
    pub confusion: Vec<ConfusionCell>,
    /// Every disagreement, in gold order.
    pub disagreements: Vec<Disagreement>,
    /// Labels of paragraphs the index does not hold (`FILE:LINE`).
    pub missing: Vec<String>,
}

/// Scores the roles of `gold` against the turns stored in `store`, resolved through
/// `registry`.
pub fn check_attribution(
    store: &IndexStore,
    registry: &SpeakerRegistry,
    gold: &[GoldRole],
) -> Result<AttributionReport, AnalysisError> {
    let wanted: HashSet<&str> = gold.iter().map(|g| g.doc_id.as_str()).collect();
    // Document id -> (language, paragraphs, stored turns, resolved turns).
    let mut docs = HashMap::new();
    store.for_each_document(
        &DocFilter::default(),
        |stored| -> Result<(), AnalysisError> {
            if wanted.contains(stored.doc.id.as_str()) {
                let paragraphs: Vec<String> = stored.doc.paragraphs().map(str::to_string).collect();
                let raw = stored.structure.paragraphs;
                let mut resolved = raw.clone();
                registry.resolve_turns(&mut resolved, stored.doc.date);
                docs.insert(stored.doc.id, (stored.doc.lang, paragraphs, raw, resolved));
            }
            Ok(())
        },
    )?;
    let mut report = AttributionReport::default();
    let mut confusion: BTreeMap<(Role, Role), usize> = BTreeMap::new();
    for g in gold {
        let Some((lang, paragraphs, raw, resolved)) = docs.get(&g.doc_id) else {
            report.missing.push(g.location.clone());
            continue;
        };
        let (Some(stored), Some(turn)) = (raw.get(g.para), resolved.get(g.para)) else {
            report.missing.push(g.location.clone());
            continue;
        };
        let right = turn.role == g.role;
        let right_stored = stored.role == g.role;
        for accuracy in [report.by_lang.entry(*lang).or_default(), &mut report.total] {
            accuracy.paragraphs += 1;
            accuracy.correct += usize::from(right);
            accuracy.correct_stored += usize::from(right_stored);
        }
        *confusion.entry((g.role, turn.role)).or_default() += 1;
        if !right {
            report.disagreements.push(Disagreement {
                location: g.location.clone(),
                doc_id: g.doc_id.clone(),
                para: g.para,
                lang: *lang,
                gold: g.role,
                predicted: turn.role,
                stored: stored.role,
                label: stored.speaker.clone().unwrap_or_default(),
                speaker: turn.speaker.clone().unwrap_or_default(),
                text: paragraphs.get(g.para).cloned().unwrap_or_default(),
            });
        }
    }
    report.confusion = confusion
        .into_iter()
        .map(|((gold, predicted), paragraphs)| ConfusionCell {
            gold,
            predicted,
            paragraphs,
        })
        .collect();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gold_roles_read_and_bad_lines_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.jsonl");
        std::fs::write(
            &path,
            "{\"doc_id\":\"a\",\"para\":0,\"speaker_role\":\"russian_official\"}\n\n\
             {\"doc_id\":\"a\",\"para\":1,\"speaker_role\":\"journalist\",\"text\":\"Q?\"}\n",
        )
        .unwrap();
        let roles = read_gold_roles(&path).unwrap();
        assert_eq!(roles.len(), 2);
        assert_eq!(roles[0].role, Role::Official);
        assert_eq!(roles[1].role, Role::Journalist);
        assert!(roles[1].location.ends_with("g.jsonl:3"));

        std::fs::write(&path, "{\"doc_id\":\"a\",\"para\":0}\n").unwrap();
        let err = read_gold_roles(&path).unwrap_err().to_string();
        assert!(err.ends_with("g.jsonl:1: speaker_role: missing"), "{err}");
        std::fs::write(
            &path,
            "{\"doc_id\":\"a\",\"para\":0,\"speaker_role\":\"x\"}\n",
        )
        .unwrap();
        let err = read_gold_roles(&path).unwrap_err().to_string();
        assert!(
            err.contains("g.jsonl:1: speaker_role: unknown role `x`"),
            "{err}"
        );
    }

    #[test]
    fn gold_role_names() {
        assert_eq!(gold_role("foreign_official"), Some(Role::Foreign));
        assert_eq!(gold_role("narration"), Some(Role::Narration));
        assert_eq!(gold_role("official"), Some(Role::Official));
        assert_eq!(gold_role("president"), None);
    }
}
