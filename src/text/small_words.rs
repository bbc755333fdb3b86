//! A hash table from words of at most eight bytes (as one little-endian `u64`, zero-padded)
//! to small values: the per-thread memory of what a written word is for the theme matcher
//! (`themes::tokens::TokenCache`, asked once per token that passes the lead filter), and of
//! the stems of short words ([`super::fast::StemCache`], asked once per token the analyzer
//! stems).
//!
//! Why not a `HashMap`: most tokens are short, and a key that fits a register needs no
//! key building, no group probing and no slice compare. One multiply picks the slot;
//! linear probing finds the key or an empty slot (key 0: a token is never empty, and a
//! token holds no NUL byte).
//!
//! Contract: behaves as a map from nonzero keys to values (a test compares it with
//! `HashMap`).

/// The key of the token `text[word]` (at most eight bytes): its bytes, little-endian,
/// zero-padded (a token holds no NUL, so the padding is unambiguous). Reads the eight bytes
/// from the token's start at once when the text has them.
#[inline]
pub(crate) fn small_key(text: &[u8], word: std::ops::Range<usize>) -> u64 {
    let len = word.len();
    match text[word.start..].first_chunk::<8>() {
        Some(chunk) => u64::from_le_bytes(*chunk) & (u64::MAX >> (64 - 8 * len)),
        None => {
            let mut padded = [0u8; 8];
            padded[..len].copy_from_slice(&text[word]);
            u64::from_le_bytes(padded)
        }
    }
}

/// `key` spread over `bits` bits (1 to 64): the top bits of its product with the golden
/// ratio's 64-bit fraction, the slot of a hashed table of `2^bits` entries.
#[inline(always)]
pub(crate) fn spread(key: u64, bits: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
}

/// The key of the pair (`first`, `second`) of ids: nonzero when `second` is.
#[inline(always)]
pub(crate) fn pair_key(first: u32, second: u32) -> u64 {
    (u64::from(first) << 32) | u64::from(second)
}

/// A map from nonzero `u64` keys to `V`.
#[derive(Debug, Clone)]
pub(crate) struct SmallWords<V> {
    /// Key (0: empty slot) and value by slot.
    slots: Box<[(u64, V)]>,
    /// Keys held.
    len: usize,
}

/// Slots of a new table (a power of two).
const FIRST_SLOTS: usize = 1 << 10;

impl<V: Copy + Default> Default for SmallWords<V> {
    fn default() -> SmallWords<V> {
        SmallWords::with_slots(FIRST_SLOTS)
    }
}

impl<V: Copy + Default> SmallWords<V> {
    /// An empty table of `slots` slots (a power of two; it doubles as keys arrive).
    pub(crate) fn with_slots(slots: usize) -> SmallWords<V> {
        debug_assert!(slots.is_power_of_two());
        SmallWords {
            slots: vec![(0, V::default()); slots].into_boxed_slice(),
            len: 0,
        }
    }

    /// Keys held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The first slot to look at for `key`.
    #[inline(always)]
    fn slot(&self, key: u64) -> usize {
        spread(key, self.slots.len().trailing_zeros())
    }

    /// The value of `key` (nonzero).
    #[inline]
    pub fn get(&self, key: u64) -> Option<V> {
        let mask = self.slots.len() - 1;
        let mut slot = self.slot(key);
        loop {
            match self.slots[slot] {
                (k, value) if k == key => return Some(value),
                (0, _) => return None,
                _ => slot = (slot + 1) & mask,
            }
        }
    }

    /// Sets the value of `key` (nonzero; a zero key is ignored).
    pub fn insert(&mut self, key: u64, value: V) {
        if key == 0 {
            return;
        }
        // At most half full, so probes stay short and an empty slot always exists.
        if 2 * (self.len + 1) > self.slots.len() {
            let mut bigger = SmallWords::with_slots(2 * self.slots.len());
            for &(k, v) in self.slots.iter() {
                if k != 0 {
                    bigger.insert(k, v);
                }
            }
            *self = bigger;
        }
        let mask = self.slots.len() - 1;
        let mut slot = self.slot(key);
        while self.slots[slot].0 != 0 && self.slots[slot].0 != key {
            slot = (slot + 1) & mask;
        }
        if self.slots[slot].0 == 0 {
            self.len += 1;
        }
        self.slots[slot] = (key, value);
    }

    /// Empties the table (keeping its size).
    pub fn clear(&mut self) {
        self.slots.fill((0, V::default()));
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn behaves_as_a_map(
            ops in prop::collection::vec((0u64..3000, any::<u32>(), any::<bool>()), 0..3000),
        ) {
            let mut table = SmallWords::<u32>::default();
            let mut map = HashMap::new();
            for (key, value, clear) in ops {
                let key = key.wrapping_mul(0x0101_0101) ;
                if clear && value % 500 == 0 {
                    table.clear();
                    map.clear();
                }
                if key != 0 {
                    prop_assert_eq!(table.get(key), map.get(&key).copied());
                }
                table.insert(key, value);
                if key != 0 {
                    map.insert(key, value);
                }
                prop_assert_eq!(table.len(), map.len());
            }
            for (&key, &value) in &map {
                prop_assert_eq!(table.get(key), Some(value));
            }
        }
    }
}
