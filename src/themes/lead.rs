//! A conservative test on the first four bytes of a token: could the token be anything to
//! the matcher? Most tokens of a text are not: their stem is unused and they pass no
//! surface test. The answer to "what is this word" lives in a per-thread hash table
//! ([`super::tokens`]) that holds every distinct word of the corpus; on a large corpus
//! most lookups of rare words miss the processor caches. This table of leads (a few KB)
//! answers "nothing" for most of those words without the lookup.
//!
//! Contract: [`LeadFilter::could_match`] returns `false` only when no key inserted with
//! [`LeadFilter::insert`] can be a prefix of the token's folded form. Keys are folded
//! (lowercased, `ё` as `е`): stem keys, globs, exact words, irregular words. A token whose
//! first four bytes are not all ASCII letters or digits always gets `true` (folding
//! non-ASCII characters is left to the full path), and so does every token when an empty
//! key was inserted.

/// ASCII letters (case-insensitive) and digits: the symbols of a lead.
const SYMBOLS: usize = 36;

/// The symbol of an ASCII byte of a word, case-insensitive.
#[inline]
fn symbol(byte: u8) -> Option<usize> {
    match byte {
        b'0'..=b'9' => Some((byte - b'0') as usize),
        b'a'..=b'z' => Some(10 + (byte - b'a') as usize),
        b'A'..=b'Z' => Some(10 + (byte - b'A') as usize),
        _ => None,
    }
}

/// Keys by their first one to four symbols.
#[derive(Debug, Clone)]
pub(crate) struct LeadFilter {
    /// Some key is empty or does not start with a symbol we can index: every token passes.
    all: bool,
    /// Per lead length (1 to 4): the leads of the keys that long, or (4) longer, as bits.
    tables: [Box<[u64]>; LEAD],
}

/// Symbols in a lead.
const LEAD: usize = 4;

/// Bits of the table of four-symbol leads (8 KB: the four tables stay in the L1 cache).
const FOUR_BITS: usize = 1 << 16;

impl Default for LeadFilter {
    fn default() -> LeadFilter {
        let bits = [
            SYMBOLS,
            SYMBOLS * SYMBOLS,
            SYMBOLS * SYMBOLS * SYMBOLS,
            FOUR_BITS,
        ];
        LeadFilter {
            all: false,
            tables: bits.map(|n| vec![0; n.div_ceil(64)].into_boxed_slice()),
        }
    }
}

/// The bit of `lead` (symbols in base 36) in the table of leads of `len` symbols: the lead
/// itself, except for four symbols (1.7 M leads), scrambled into [`FOUR_BITS`] bits.
#[inline]
fn bit(len: usize, lead: usize) -> usize {
    if len < LEAD {
        lead
    } else {
        ((lead as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 48) as usize
    }
}

impl LeadFilter {
    /// Adds a folded key: tokens whose folded form starts with it must pass.
    pub fn insert(&mut self, key: &str) {
        let bytes = key.as_bytes();
        let lead = &bytes[..bytes.len().min(LEAD)];
        if lead.iter().any(|&b| !b.is_ascii()) {
            // A token's folded form can start with this key only if its own first four
            // bytes hold a non-ASCII byte: such tokens always pass.
            return;
        }
        let symbols: Option<Vec<usize>> = lead.iter().map(|&b| symbol(b)).collect();
        match symbols {
            Some(symbols) if !symbols.is_empty() => {
                let value = symbols.iter().fold(0, |lead, s| lead * SYMBOLS + s);
                let at = bit(symbols.len(), value);
                self.tables[symbols.len() - 1][at / 64] |= 1 << (at % 64);
            }
            // Empty, or ASCII punctuation no token holds: be safe.
            _ => self.all = true,
        }
    }

    /// Whether the token `raw` (as written) could start with an inserted key once folded.
    #[inline]
    pub fn could_match(&self, raw: &[u8]) -> bool {
        if self.all {
            return true;
        }
        let mut lead = 0;
        for (k, &byte) in raw.iter().take(LEAD).enumerate() {
            let Some(s) = symbol(byte) else { return true };
            lead = lead * SYMBOLS + s;
            let at = bit(k + 1, lead);
            if self.tables[k][at / 64] & (1 << (at % 64)) != 0 {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn filter(keys: &[&str]) -> LeadFilter {
        let mut filter = LeadFilter::default();
        for key in keys {
            filter.insert(key);
        }
        filter
    }

    #[test]
    fn tokens_pass_by_the_keys_they_could_start_with() {
        let f = filter(&["sanction", "us", "x", "korea", "naïve", "the", "санкци"]);
        for word in [
            "Sanctions",
            "SANCTION",
            "US",
            "usa",
            "X",
            "x1",
            "Korean",
            "them",
        ] {
            assert!(f.could_match(word.as_bytes()), "{word}");
        }
        // `sa` and `na` are shorter than every key starting with them; `sane`, `tha` and
        // `kori` start none.
        for word in ["sa", "na", "sane", "tha", "u", "nab", "K", "kori"] {
            assert!(!f.could_match(word.as_bytes()), "{word}");
        }
        // Non-ASCII in the first three bytes: always looked up.
        for word in [
            "naï",
            "naïve",
            "Ǆemal",
            "санкции",
            "\u{212a}orea",
            "kor\u{212a}",
        ] {
            assert!(f.could_match(word.as_bytes()), "{word}");
        }
    }

    #[test]
    fn an_empty_key_lets_everything_through() {
        assert!(filter(&["", "abc"]).could_match(b"zzz"));
        assert!(!filter(&["abc"]).could_match(b"zzz"));
    }

    proptest! {
        /// Never a false negative: a token whose folded form starts with a key passes.
        #[test]
        fn no_token_starting_with_a_key_is_refused(
            keys in prop::collection::vec("[a-z0-9éа]{0,6}", 1..6),
            pick in 0usize..6,
            tail in "[a-zA-Z0-9]{0,4}",
            upper in any::<bool>(),
        ) {
            let f = filter(&keys.iter().map(String::as_str).collect::<Vec<_>>());
            let key = &keys[pick % keys.len()];
            let word = format!("{key}{tail}");
            let word = if upper { word.to_uppercase() } else { word };
            prop_assert!(f.could_match(word.as_bytes()), "{word} vs {keys:?}");
        }
    }
}
