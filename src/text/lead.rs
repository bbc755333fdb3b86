//! A conservative test on the first four bytes of a token: could the token be anything to
//! the matcher? Most tokens of a text are not: their stem is unused and they pass no
//! surface test. The answer to "what is this word" lives in a per-thread hash table
//! (`themes::tokens`) that holds every distinct word of the corpus; on a large corpus
//! most lookups of rare words miss the processor caches. These tables of leads (a few KB)
//! answer "nothing" for most of those words without the lookup.
//!
//! Contract: [`LeadFilter::could_match`] returns `false` only when no prefix key inserted
//! with [`LeadFilter::insert`] is a prefix of the token's folded form and no exact word
//! inserted with [`LeadFilter::insert_exact`] equals it. Keys and words are folded
//! (lowercased, `ё` as `е`): stem keys and globs are prefix keys; exact words (either case)
//! and the irregular English words are exact. A token whose first four bytes are not all
//! ASCII always gets `true` (folding non-ASCII characters is left to the full path), and
//! so does every token when an empty key was inserted.
//!
//! How: a token's lead is its first four bytes, zero-padded when it is shorter (so the
//! lead also tells lengths 1 to 3 apart). The first two bytes as written pick an entry of
//! a direct table (filled for every case): "pass" when a prefix key of one or two symbols
//! starts the token, "maybe" when a longer key or an exact word starts with them, else
//! "no". "Maybe" asks a hashed bit table of the whole folded lead, holding each exact
//! word's lead and each longer key's lead (a three-symbol key also with every fourth
//! symbol after it).

/// Every byte's high bit, in a lead.
const HIGH: u32 = 0x8080_8080;

/// Bits of the hashed table of whole leads (8 KB).
const LEAD_BITS: u32 = 16;

/// Entries of the pair table (32 KB, of which the pairs of letters and digits use a
/// quarter).
const PAIRS: usize = 1 << 15;

/// Pair-table states.
const PASS: u8 = 1;
const MAYBE: u8 = 2;

/// What an ASCII token byte can be, folded: digits and lowercase letters.
const SYMBOLS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// Keys and exact words by their leads.
#[derive(Debug, Clone)]
pub(crate) struct LeadFilter {
    /// [`PASS`], [`MAYBE`] or 0 per pair of first bytes as written (every case).
    pairs: Box<[u8]>,
    /// Whole leads, hashed.
    leads: Box<[u64]>,
}

impl Default for LeadFilter {
    fn default() -> LeadFilter {
        LeadFilter {
            pairs: vec![0; PAIRS].into_boxed_slice(),
            leads: vec![0; (1 << LEAD_BITS) / 64].into_boxed_slice(),
        }
    }
}

/// The lead of a token: its first four bytes, little-endian, zero-padded past its end.
#[inline]
pub(crate) fn lead_of(token: &[u8]) -> u32 {
    let mut lead = [0u8; 4];
    let n = token.len().min(4);
    lead[..n].copy_from_slice(&token[..n]);
    u32::from_le_bytes(lead)
}

/// A lead lowercased, when all its bytes are ASCII letters, digits or padding: letters
/// (bit 6 set) get bit 5, digits and padding are left alone.
#[inline(always)]
fn fold(lead: u32) -> u32 {
    lead | ((lead & 0x4040_4040) >> 1)
}

/// The pair-table index of a lead: seven bits of each of its first two bytes.
#[inline(always)]
fn pair_of(lead: u32) -> usize {
    (lead & 0x7F7F) as usize
}

/// The bit of a folded lead in the hashed table.
#[inline(always)]
fn bit_of(folded: u32) -> usize {
    (folded.wrapping_mul(0x9E37_79B1) >> (32 - LEAD_BITS)) as usize
}

impl LeadFilter {
    /// Adds a folded prefix key: tokens whose folded form starts with it must pass.
    pub fn insert(&mut self, key: &str) {
        let Some(lead) = self.lead_to_index(key) else {
            return;
        };
        let len = key.len().min(4);
        match len {
            1 => {
                self.mark(lead, PASS);
                for &s in SYMBOLS {
                    self.mark(lead | (u32::from(s) << 8), PASS);
                }
            }
            2 => self.mark(lead, PASS),
            3 => {
                self.mark(lead, MAYBE);
                self.set_lead(lead);
                for &s in SYMBOLS {
                    self.set_lead(lead | (u32::from(s) << 24));
                }
            }
            _ => {
                self.mark(lead, MAYBE);
                self.set_lead(lead);
            }
        }
    }

    /// Adds a folded exact word: tokens whose folded form is the word must pass.
    pub fn insert_exact(&mut self, word: &str) {
        if let Some(lead) = self.lead_to_index(word) {
            self.mark(lead, MAYBE);
            self.set_lead(lead);
        }
    }

    /// The lead of a folded key, or `None` when the key needs no entry: its lead holds a
    /// non-ASCII byte (tokens that could start with it always pass), or it is empty or
    /// holds ASCII that is no letter or digit (no token does: every token passes, to be
    /// safe).
    fn lead_to_index(&mut self, key: &str) -> Option<u32> {
        let bytes = key.as_bytes();
        let lead = &bytes[..bytes.len().min(4)];
        if lead.iter().any(|b| !b.is_ascii()) {
            return None;
        }
        if lead.is_empty() || !lead.iter().all(|b| SYMBOLS.contains(b)) {
            self.pairs.fill(PASS);
            return None;
        }
        Some(lead_of(lead))
    }

    /// Raises the pair entries of folded `lead` to `state` (pass wins over maybe), for the
    /// first two bytes in either case.
    fn mark(&mut self, lead: u32, state: u8) {
        let cases = |b: u32| {
            if (0x61..=0x7A).contains(&b) {
                [b, b - 0x20]
            } else {
                [b, b]
            }
        };
        for first in cases(lead & 0xFF) {
            for second in cases((lead >> 8) & 0xFF) {
                let entry = &mut self.pairs[pair_of(first | (second << 8))];
                *entry = if *entry == PASS || state == PASS {
                    PASS
                } else {
                    MAYBE
                };
            }
        }
    }

    /// Sets the bit of a whole lead.
    fn set_lead(&mut self, lead: u32) {
        let bit = bit_of(lead);
        self.leads[bit / 64] |= 1 << (bit % 64);
    }

    /// Whether a token with lead `lead` (see [`lead_of`]; a token holds only letters and
    /// digits) could start with an inserted prefix key or be an inserted exact word, once
    /// folded.
    #[inline]
    pub fn could_match(&self, lead: u32) -> bool {
        if lead & HIGH != 0 {
            return true;
        }
        let state = self.pairs[pair_of(lead)];
        if state != MAYBE {
            return state == PASS;
        }
        let bit = bit_of(fold(lead));
        self.leads[bit / 64] & (1 << (bit % 64)) != 0
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn filter(keys: &[&str], exact: &[&str]) -> LeadFilter {
        let mut filter = LeadFilter::default();
        for key in keys {
            filter.insert(key);
        }
        for word in exact {
            filter.insert_exact(word);
        }
        filter
    }

    fn passes(f: &LeadFilter, word: &str) -> bool {
        f.could_match(lead_of(word.as_bytes()))
    }

    #[test]
    fn tokens_pass_by_the_keys_they_could_start_with() {
        let f = filter(
            &["sanction", "us", "x", "korea", "naïve", "the", "санкци"],
            &["a", "cia", "dprk"],
        );
        for word in [
            "Sanctions",
            "SANCTION",
            "US",
            "usa",
            "X",
            "x1",
            "Korean",
            "them",
            "the",
            "A",
            "CIA",
            "Dprk",
        ] {
            assert!(passes(&f, word), "{word}");
        }
        // `sa` and `na` are shorter than every key starting with them; `sane`, `tha` and
        // `kori` start none; exact words pass only whole.
        for word in [
            "sa", "na", "sane", "tha", "u", "nab", "K", "kori", "an", "ciao", "dpr", "th",
        ] {
            assert!(!passes(&f, word), "{word}");
        }
        // Non-ASCII in the first four bytes: always looked up.
        for word in [
            "naï",
            "naïve",
            "Ǆemal",
            "санкции",
            "\u{212a}orea",
            "kor\u{212a}",
        ] {
            assert!(passes(&f, word), "{word}");
        }
    }

    #[test]
    fn an_empty_key_lets_everything_through() {
        assert!(passes(&filter(&["", "abc"], &[]), "zzz"));
        assert!(passes(&filter(&["a-b"], &[]), "zzz"));
        assert!(!passes(&filter(&["abc"], &[]), "zzz"));
    }

    /// Whether `word` folded starts with a key or is an exact word (the definition).
    fn reference(keys: &[String], exact: &[String], word: &str) -> bool {
        let folded = word.to_lowercase();
        keys.iter().any(|k| folded.starts_with(k.as_str())) || exact.contains(&folded)
    }

    proptest! {
        /// Never a false negative: a token starting with a key or equal to an exact word
        /// passes.
        #[test]
        fn no_token_starting_with_a_key_is_refused(
            keys in prop::collection::vec("[a-z0-9éа]{1,6}", 0..6),
            exact in prop::collection::vec("[a-z0-9éа]{1,6}", 0..4),
            pick in 0usize..10,
            tail in "[a-zA-Z0-9]{0,4}",
            upper in any::<bool>(),
        ) {
            let f = filter(
                &keys.iter().map(String::as_str).collect::<Vec<_>>(),
                &exact.iter().map(String::as_str).collect::<Vec<_>>(),
            );
            let all: Vec<&String> = keys.iter().chain(&exact).collect();
            prop_assume!(!all.is_empty());
            let chosen = all[pick % all.len()];
            let word = if pick % all.len() < keys.len() {
                format!("{chosen}{tail}")
            } else {
                chosen.clone()
            };
            let word = if upper { word.to_uppercase() } else { word };
            prop_assert!(passes(&f, &word), "{word} vs {keys:?} {exact:?}");
        }

        /// Any ASCII token the definition lets through passes.
        #[test]
        fn random_tokens_agree_with_the_definition_when_it_says_yes(
            keys in prop::collection::vec("[a-z0-9]{1,6}", 0..6),
            exact in prop::collection::vec("[a-z0-9]{1,6}", 0..4),
            word in "[a-zA-Z0-9]{1,7}",
        ) {
            let f = filter(
                &keys.iter().map(String::as_str).collect::<Vec<_>>(),
                &exact.iter().map(String::as_str).collect::<Vec<_>>(),
            );
            if reference(&keys, &exact, &word) {
                prop_assert!(passes(&f, &word), "{word} vs {keys:?} {exact:?}");
            }
        }
    }
}
