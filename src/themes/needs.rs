//! Which paragraphs of a document can hold a match, decided before any sentence is split.
//!
//! Why: sentence bounds are needed wherever a match is verified (sequences stop at the end of
//! their sentence, `near` pairs and negation look inside it), but in running text most
//! paragraphs with a candidate word hold no match: `near` patterns need both sides, and their
//! common side (`@us`, `threat`) appears alone far more often. Splitting sentences was a
//! fifth of the work of counting.
//!
//! Contract: a paragraph is needed when some pattern could fire in it: a sequence of a
//! phrase pattern occurs in it, or sequences of both sides of a `near` pattern do, or a regex
//! matched in it. Occurrences here are bounded by the paragraph, not the sentence, so they
//! are a superset of the real ones (a match inside a sentence is inside its paragraph) and
//! no needed paragraph is missed. Sentence and paragraph scopes only look inside the
//! paragraph of a match, so the other paragraphs change nothing; when some pattern has
//! document scope, every paragraph with a candidate stays needed.

use super::file::Scope;

/// How a sequence can make a pattern fire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// On its own (a phrase pattern).
    Alone,
    /// As the first side of a `near` pattern.
    NearA,
    /// As the second side.
    NearB,
}

impl Role {
    /// Bits a pattern collects: both bits set means it can fire.
    fn bits(self) -> u8 {
        match self {
            Role::Alone => 0b11,
            Role::NearA => 0b01,
            Role::NearB => 0b10,
        }
    }
}

/// Per sequence, the patterns it can make fire (compiled once per matcher).
#[derive(Debug, Default)]
pub(crate) struct SeqRoles {
    /// Sequence id -> (pattern index, role).
    roles: Vec<Vec<(u32, Role)>>,
    patterns: usize,
    /// Some pattern, `unless` or `with` looks at the whole document.
    document_scope: bool,
}

impl SeqRoles {
    /// Roles for `sequences` sequences.
    pub fn new(sequences: usize) -> SeqRoles {
        SeqRoles {
            roles: vec![Vec::new(); sequences],
            ..SeqRoles::default()
        }
    }

    /// Records that `seq` plays `role` for pattern `pattern`.
    pub fn add(&mut self, seq: u32, pattern: u32, role: Role) {
        self.roles[seq as usize].push((pattern, role));
        self.patterns = self.patterns.max(pattern as usize + 1);
    }

    /// The patterns sequence `seq` takes part in (as a phrase or either side of a `near`).
    pub fn patterns_of(&self, seq: u32) -> impl Iterator<Item = u32> + '_ {
        self.roles[seq as usize].iter().map(|&(pattern, _)| pattern)
    }

    /// Records the scope of a pattern.
    pub fn scope(&mut self, scope: Scope) {
        self.document_scope |= matches!(scope, Scope::Document | Scope::Turn);
    }

    /// Whether paragraphs must all be kept (some pattern has document or turn scope).
    pub fn keeps_all(&self) -> bool {
        self.document_scope
    }

    /// Keeps every paragraph with a candidate (the reference behaviour, for tests).
    #[cfg(test)]
    pub fn keep_all(&mut self) {
        self.document_scope = true;
    }
}

/// Working memory for [`Needs::decide`], reused across documents.
#[derive(Debug, Default)]
pub(crate) struct Needs {
    /// (paragraph, sequence) of every occurrence bounded by its paragraph.
    pub present: Vec<(u32, u32)>,
    /// Per paragraph: can a match be there.
    pub paragraph: Vec<bool>,
    sides: Vec<u8>,
    touched: Vec<u32>,
}

impl Needs {
    /// Starts a document of `paragraphs` paragraphs.
    pub fn clear(&mut self, paragraphs: usize) {
        self.present.clear();
        self.paragraph.clear();
        self.paragraph.resize(paragraphs, false);
    }

    /// Marks the paragraphs where a pattern can fire, from `present` (filled by the caller;
    /// regex paragraphs are marked by the caller too).
    pub fn decide(&mut self, roles: &SeqRoles) {
        self.present.sort_unstable();
        self.present.dedup();
        self.sides.resize(roles.patterns, 0);
        for group in self.present.chunk_by(|x, y| x.0 == y.0) {
            let mut fires = false;
            for &(_, seq) in group {
                for &(pattern, role) in &roles.roles[seq as usize] {
                    let sides = &mut self.sides[pattern as usize];
                    if *sides == 0 {
                        self.touched.push(pattern);
                    }
                    *sides |= role.bits();
                    fires |= *sides == 0b11;
                }
            }
            for &pattern in &self.touched {
                self.sides[pattern as usize] = 0;
            }
            self.touched.clear();
            if fires {
                self.paragraph[group[0].0 as usize] = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paragraph_is_needed_by_a_phrase_or_by_both_sides_of_near() {
        // Pattern 0: phrase of sequence 0. Pattern 1: near(1, 2). Pattern 2: near(1, 3).
        let mut roles = SeqRoles::new(4);
        roles.add(0, 0, Role::Alone);
        roles.add(1, 1, Role::NearA);
        roles.add(2, 1, Role::NearB);
        roles.add(1, 2, Role::NearA);
        roles.add(3, 2, Role::NearB);
        let mut needs = Needs::default();
        needs.clear(5);
        // Paragraph 0: the phrase. 1: one side only (twice). 2: both sides of pattern 1.
        // 3: sequence 1 (side A of patterns 1 and 2) with side B of pattern 2. 4: nothing.
        needs.present = vec![(0, 0), (1, 1), (1, 1), (2, 2), (2, 1), (3, 1), (3, 3)];
        needs.decide(&roles);
        assert_eq!(needs.paragraph, [true, false, true, true, false]);
        // Side A of pattern 2 with its side B: yes; the flags of one paragraph do not leak
        // into the next.
        needs.clear(3);
        needs.present = vec![(0, 2), (1, 1), (2, 3)];
        needs.decide(&roles);
        assert_eq!(needs.paragraph, [false, false, false]);
    }

    #[test]
    fn document_scope_keeps_every_paragraph() {
        let mut roles = SeqRoles::new(1);
        roles.scope(Scope::Sentence);
        assert!(!roles.keeps_all());
        roles.scope(Scope::Document);
        assert!(roles.keeps_all());
    }
}
