//! Which paragraphs of a document can hold a match, decided before any sentence is split.
//!
//! Why: sentence bounds are needed wherever a match is verified (sequences stop at the end of
//! their sentence, `near` pairs and negation look inside it), but in running text most
//! paragraphs with a candidate word hold no match: `near` patterns need both sides, and their
//! common side (`@us`, `threat`) appears alone far more often. Splitting sentences was a
//! fifth of the work of counting.
//!
//! Contract: occurrences here are bounded by the paragraph, not the sentence, so they are a
//! superset of the real ones (a match inside a sentence is inside its paragraph), and a
//! paragraph is needed when something in it can take part in a match:
//! - a pattern of sentence or paragraph scope can fire in it: a sequence of a phrase pattern
//!   occurs in it, or sequences of both sides of a `near` pattern do (such a pattern, its
//!   negation, `unless` and `with` look only inside the paragraph of its match);
//! - a pattern of turn or document scope is *live* in the document (a sequence of its phrase
//!   occurs somewhere, or sequences of both of its sides do: a superset of the pairs its turn
//!   allows) and the paragraph holds one of its sequences or of its `unless` and `with`
//!   phrases (what it pairs with or looks for across paragraphs);
//! - a regex matched in it (marked by the caller).
//!
//! The other paragraphs change nothing: no pattern can fire in them, and nothing in them is
//! seen by a pattern that fires elsewhere.

use std::sync::OnceLock;

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
    /// Sequence id -> the patterns of turn or document scope that look for it in their
    /// scope (`unless`, `with`).
    context: Vec<Vec<u32>>,
    /// Pattern index -> whether its scope is the turn or the document.
    wide: Vec<bool>,
    /// Sequence id -> its roles for patterns of turn or document scope (those a paragraph
    /// that is needed already must still count), computed at the first
    /// [`Needs::decide`]: every `add` and `scope` come before it.
    wide_roles: OnceLock<Vec<Vec<(u32, Role)>>>,
    /// Keep every paragraph with a candidate (the reference behaviour, for tests).
    #[cfg(test)]
    keep_all: bool,
}

impl SeqRoles {
    /// Roles for `sequences` sequences.
    pub fn new(sequences: usize) -> SeqRoles {
        SeqRoles {
            roles: vec![Vec::new(); sequences],
            context: vec![Vec::new(); sequences],
            ..SeqRoles::default()
        }
    }

    /// Records that `seq` plays `role` for pattern `pattern`.
    pub fn add(&mut self, seq: u32, pattern: u32, role: Role) {
        debug_assert!(self.wide_roles.get().is_none(), "roles added after use");
        self.roles[seq as usize].push((pattern, role));
        self.grow(pattern);
    }

    /// Records the scope of pattern `pattern` and the sequences of its `unless` and `with`
    /// phrases.
    pub fn scope(&mut self, pattern: u32, scope: Scope, context: impl IntoIterator<Item = u32>) {
        debug_assert!(self.wide_roles.get().is_none(), "scope set after use");
        self.grow(pattern);
        let wide = matches!(scope, Scope::Document | Scope::Turn);
        self.wide[pattern as usize] = wide;
        if wide {
            for seq in context {
                self.context[seq as usize].push(pattern);
            }
        }
    }

    fn grow(&mut self, pattern: u32) {
        if self.wide.len() <= pattern as usize {
            self.wide.resize(pattern as usize + 1, false);
        }
    }

    /// The patterns sequence `seq` takes part in (as a phrase or either side of a `near`).
    pub fn patterns_of(&self, seq: u32) -> impl Iterator<Item = u32> + '_ {
        self.roles[seq as usize].iter().map(|&(pattern, _)| pattern)
    }

    /// The roles of `seq` for patterns of turn or document scope.
    fn wide_roles(&self, seq: u32) -> &[(u32, Role)] {
        let all = self.wide_roles.get_or_init(|| {
            self.roles
                .iter()
                .map(|roles| {
                    let wide = roles.iter().filter(|&&(p, _)| self.wide[p as usize]);
                    wide.copied().collect()
                })
                .collect()
        });
        &all[seq as usize]
    }

    /// Whether every paragraph with a candidate is kept (only in tests: the reference).
    pub fn keeps_all(&self) -> bool {
        #[cfg(test)]
        if self.keep_all {
            return true;
        }
        false
    }

    /// Keeps every paragraph with a candidate (the reference behaviour, for tests).
    #[cfg(test)]
    pub fn keep_all(&mut self) {
        self.keep_all = true;
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
    /// Per pattern of turn or document scope: the sides present anywhere in the document.
    doc_sides: Vec<u8>,
    doc_touched: Vec<u32>,
    /// Per sequence: the last paragraph group (by [`Needs::group`]) it was counted in.
    seen: Vec<u32>,
    /// A number for each paragraph group, never reused while `seen` holds it.
    group: u32,
}

impl Needs {
    /// Starts a document of `paragraphs` paragraphs.
    pub fn clear(&mut self, paragraphs: usize) {
        self.present.clear();
        self.paragraph.clear();
        self.paragraph.resize(paragraphs, false);
    }

    /// Marks the paragraphs where something can take part in a match, from `present`
    /// (filled by the caller, who may have marked paragraphs already: those of a regex
    /// match).
    pub fn decide(&mut self, roles: &SeqRoles) {
        // Grouped by paragraph (repeats change nothing). The caller's list is two runs in
        // paragraph order (stem anchors, then surface anchors), which a stable sort merges
        // in one pass.
        self.present.sort_by_key(|&(para, _)| para);
        self.sides.resize(roles.wide.len(), 0);
        self.doc_sides.resize(roles.wide.len(), 0);
        self.seen.resize(roles.roles.len(), 0);
        // Patterns of sentence and paragraph scope, paragraph by paragraph; the sides of the
        // others add up over the document.
        for group in self.present.chunk_by(|x, y| x.0 == y.0) {
            // A paragraph needed already (a regex matched in it), or once a pattern can
            // fire in it, only adds the sides of the wide patterns.
            let para = group[0].0 as usize;
            let mut fires = self.paragraph[para];
            self.group = match self.group.checked_add(1) {
                Some(next) => next,
                None => {
                    self.seen.fill(0);
                    1
                }
            };
            for &(_, seq) in group {
                // A sequence met again in the paragraph adds nothing.
                let seen = &mut self.seen[seq as usize];
                if *seen == self.group {
                    continue;
                }
                *seen = self.group;
                if fires {
                    for &(pattern, role) in roles.wide_roles(seq) {
                        add_side(&mut self.doc_sides, &mut self.doc_touched, pattern, role);
                    }
                    continue;
                }
                for &(pattern, role) in &roles.roles[seq as usize] {
                    let p = pattern as usize;
                    if roles.wide[p] {
                        add_side(&mut self.doc_sides, &mut self.doc_touched, pattern, role);
                        continue;
                    }
                    let sides = &mut self.sides[p];
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
                self.paragraph[para] = true;
            }
        }
        if self.doc_touched.is_empty() {
            return;
        }
        // Live patterns of turn or document scope: every paragraph holding one of their
        // sequences or context phrases.
        let live = |pattern: u32| self.doc_sides[pattern as usize] == 0b11;
        for &(para, seq) in &self.present {
            if self.paragraph[para as usize] {
                continue;
            }
            let needed = roles.roles[seq as usize]
                .iter()
                .any(|&(pattern, _)| live(pattern))
                || roles.context[seq as usize]
                    .iter()
                    .any(|&pattern| live(pattern));
            if needed {
                self.paragraph[para as usize] = true;
            }
        }
        for &pattern in &self.doc_touched {
            self.doc_sides[pattern as usize] = 0;
        }
        self.doc_touched.clear();
    }
}

/// Adds `role`'s side to `pattern`'s in `sides`, listing the pattern in `touched` the first
/// time.
fn add_side(sides: &mut [u8], touched: &mut Vec<u32>, pattern: u32, role: Role) {
    let side = &mut sides[pattern as usize];
    if *side == 0 {
        touched.push(pattern);
    }
    *side |= role.bits();
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
    fn group_numbers_that_wrap_forget_what_was_seen() {
        // Pattern 0: near(0, 1).
        let mut roles = SeqRoles::new(2);
        roles.add(0, 0, Role::NearA);
        roles.add(1, 0, Role::NearB);
        let mut needs = Needs::default();
        let mut decide = |group: u32, present: Vec<(u32, u32)>| {
            needs.group = group;
            needs.clear(3);
            needs.present = present;
            needs.decide(&roles);
            needs.paragraph.clone()
        };
        // Both sides in the first paragraph, which takes group 1; side A in 1 and 2, side B
        // in 2 (twice).
        let both_first = vec![(0, 0), (0, 1)];
        let later = vec![(1, 0), (2, 1), (2, 0), (2, 1)];
        assert_eq!(decide(0, both_first.clone()), [true, false, false]);
        // After the numbers wrap the first paragraph takes group 1 again: what the first
        // document saw there is not taken for seen.
        assert_eq!(decide(u32::MAX, both_first), [true, false, false]);
        assert_eq!(decide(u32::MAX - 1, later), [false, false, true]);
    }

    #[test]
    fn a_live_wide_pattern_needs_every_paragraph_of_its_sequences_and_context() {
        // Pattern 0: near(0, 1) in turn scope, `with` sequence 2. Pattern 1: phrase of
        // sequence 3 in document scope, `unless` sequence 4. Pattern 2: phrase of sequence 5
        // in paragraph scope, `with` sequence 2 (looked for in its own paragraph only).
        let mut roles = SeqRoles::new(6);
        roles.add(0, 0, Role::NearA);
        roles.add(1, 0, Role::NearB);
        roles.scope(0, Scope::Turn, [2]);
        roles.add(3, 1, Role::Alone);
        roles.scope(1, Scope::Document, [4]);
        roles.add(5, 2, Role::Alone);
        roles.scope(2, Scope::Paragraph, [2]);
        assert!(!roles.keeps_all());
        let mut needs = Needs::default();
        // Side A in paragraph 0 and side B in 2 (apart), `with` in 1, an `unless` of a
        // pattern that is not live in 3, pattern 2's `with` alone in 4.
        needs.clear(5);
        needs.present = vec![(0, 0), (2, 1), (1, 2), (3, 4), (4, 2)];
        needs.decide(&roles);
        assert_eq!(needs.paragraph, [true, true, true, false, true]);
        // One side only: pattern 0 is not live, and its `with` phrase is needed by nobody.
        needs.clear(3);
        needs.present = vec![(0, 0), (1, 2), (2, 4)];
        needs.decide(&roles);
        assert_eq!(needs.paragraph, [false, false, false]);
        // Pattern 1 is live through its phrase: its `unless` paragraphs are needed; the
        // document-wide sides of the last document do not leak into this one.
        needs.clear(4);
        needs.present = vec![(0, 4), (1, 0), (2, 3), (3, 5)];
        needs.decide(&roles);
        assert_eq!(needs.paragraph, [true, false, true, true]);
    }
}
