//! The stored form of a document's speaker turns (the `structure` field).
//!
//! A transcript's paragraphs mostly repeat the turn before them, and each paragraph written
//! out as `{"speaker":"Vladimir Putin","role":"official","n_words":57}` made the field a
//! fifth of the size of the text, read with every stored document. So each distinct turn
//! is written once, with runs of paragraphs pointing at it, and the word counts as a list:
//!
//! `{"turns":[{"speaker":"Vladimir Putin","role":"official"},{"role":"journalist"}],
//! "runs":[[0,0],[3,1],[4,0]],"words":[57,12,80,33,41]}`
//!
//! (`runs` holds `[first paragraph, turn]`, starting at paragraph 0, in increasing order.)
//!
//! Contract: [`decode_turns`] gives back exactly what [`encode_turns`] was given, and still
//! reads the earlier form, a JSON array of [`ParagraphTurn`]; anything else is an error
//! saying what is wrong (never a panic).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::document::{ParagraphTurn, Role};

/// One distinct turn: who speaks and in what role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Turn {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    speaker: Option<String>,
    role: Role,
}

/// The stored form.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredTurns {
    turns: Vec<Turn>,
    /// `(first paragraph, index in turns)`.
    runs: Vec<(u32, u32)>,
    /// Word count of each paragraph.
    words: Vec<u64>,
}

/// The stored form of `paragraphs` (one turn per paragraph).
pub(crate) fn encode_turns(paragraphs: &[ParagraphTurn]) -> String {
    let mut stored = StoredTurns::default();
    // Index of each distinct turn (a hash map: a document may name many speakers).
    let mut known: HashMap<(Option<&str>, Role), u32> = HashMap::new();
    let mut current = None;
    for (p, paragraph) in paragraphs.iter().enumerate() {
        stored.words.push(paragraph.n_words);
        let key = (paragraph.speaker.as_deref(), paragraph.role);
        if current == Some(key) {
            continue;
        }
        current = Some(key);
        let index = *known.entry(key).or_insert_with(|| {
            stored.turns.push(Turn {
                speaker: paragraph.speaker.clone(),
                role: paragraph.role,
            });
            stored.turns.len() as u32 - 1
        });
        stored.runs.push((p as u32, index));
    }
    // Strings, numbers and a fixed vocabulary: serializing cannot fail.
    serde_json::to_string(&stored).unwrap_or_else(|_| "[]".into())
}

/// The turns of each paragraph from their stored form (either form), or what is wrong
/// with it.
pub(crate) fn decode_turns(stored: &str) -> Result<Vec<ParagraphTurn>, String> {
    if stored.trim_start().starts_with('[') {
        return serde_json::from_str(stored).map_err(|e| e.to_string());
    }
    let stored: StoredTurns = serde_json::from_str(stored).map_err(|e| e.to_string())?;
    let mut paragraphs = Vec::with_capacity(stored.words.len());
    for (r, &(first, turn)) in stored.runs.iter().enumerate() {
        if first as usize != paragraphs.len() {
            return Err(format!(
                "run {r} starts at paragraph {first}, expected {}",
                paragraphs.len()
            ));
        }
        let end = match stored.runs.get(r + 1) {
            Some(&(next, _)) if next > first => next as usize,
            Some(&(next, _)) => {
                let next_run = r + 1;
                return Err(format!(
                    "run {next_run} starts at paragraph {next}, not after run {r}"
                ));
            }
            None => stored.words.len(),
        };
        let Some(turn) = stored.turns.get(turn as usize) else {
            return Err(format!(
                "run {r} names turn {turn} of {}",
                stored.turns.len()
            ));
        };
        let Some(words) = stored.words.get(first as usize..end) else {
            return Err(format!(
                "run {r} passes the last of {} paragraphs",
                stored.words.len()
            ));
        };
        paragraphs.extend(words.iter().map(|&n_words| ParagraphTurn {
            speaker: turn.speaker.clone(),
            role: turn.role,
            n_words,
        }));
    }
    if paragraphs.len() != stored.words.len() {
        return Err(format!(
            "runs cover {} of {} paragraphs",
            paragraphs.len(),
            stored.words.len()
        ));
    }
    Ok(paragraphs)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn turn(speaker: Option<&str>, role: Role, n_words: u64) -> ParagraphTurn {
        ParagraphTurn {
            speaker: speaker.map(str::to_string),
            role,
            n_words,
        }
    }

    #[test]
    fn each_turn_is_written_once_and_runs_point_at_it() {
        let putin = Some("Vladimir Putin");
        let paragraphs = [
            turn(putin, Role::Official, 57),
            turn(putin, Role::Official, 12),
            turn(None, Role::Journalist, 8),
            turn(putin, Role::Official, 80),
        ];
        let stored = encode_turns(&paragraphs);
        assert_eq!(
            stored,
            r#"{"turns":[{"speaker":"Vladimir Putin","role":"official"},{"role":"journalist"}],"runs":[[0,0],[2,1],[3,0]],"words":[57,12,8,80]}"#
        );
        assert_eq!(decode_turns(&stored).unwrap(), paragraphs);
        assert_eq!(decode_turns(&encode_turns(&[])).unwrap(), []);
    }

    #[test]
    fn the_earlier_form_still_reads() {
        let stored =
            r#"[{"speaker":"Vladimir Putin","role":"official","n_words":5},{"role":"narration"}]"#;
        assert_eq!(
            decode_turns(stored).unwrap(),
            [
                turn(Some("Vladimir Putin"), Role::Official, 5),
                turn(None, Role::Narration, 0)
            ]
        );
    }

    #[test]
    fn broken_runs_are_errors_that_say_why() {
        let with = |runs: &str| {
            decode_turns(&format!(
                r#"{{"turns":[{{"role":"official"}}],"runs":{runs},"words":[1,2,3]}}"#
            ))
            .unwrap_err()
        };
        assert_eq!(with("[[1,0]]"), "run 0 starts at paragraph 1, expected 0");
        assert_eq!(
            with("[[0,0],[0,0]]"),
            "run 1 starts at paragraph 0, not after run 0"
        );
        assert_eq!(
            with("[[0,0],[2,0],[1,0]]"),
            "run 2 starts at paragraph 1, not after run 1"
        );
        assert_eq!(with("[[0,3]]"), "run 0 names turn 3 of 1");
        assert_eq!(
            with("[[0,0],[5,0]]"),
            "run 0 passes the last of 3 paragraphs"
        );
        assert_eq!(with("[]"), "runs cover 0 of 3 paragraphs");
        assert!(decode_turns(r#"{"turns":[],"runs":[],"words":[],"x":1}"#).is_err());
        assert!(decode_turns("{not json").is_err());
    }

    fn any_turn() -> impl Strategy<Value = ParagraphTurn> {
        (
            prop::option::of(prop::sample::select(vec!["Putin", "Lavrov", "Peskov"])),
            prop::sample::select(Role::ALL.to_vec()),
            0u64..500,
        )
            .prop_map(|(speaker, role, n_words)| turn(speaker, role, n_words))
    }

    proptest! {
        #[test]
        fn turns_come_back_as_written(paragraphs in prop::collection::vec(any_turn(), 0..40)) {
            prop_assert_eq!(decode_turns(&encode_turns(&paragraphs)).unwrap(), paragraphs);
        }
    }
}
