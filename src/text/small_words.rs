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

/// The key of the token `text[word]` of nine to sixteen bytes, as [`small_key`] makes
/// the key of a shorter one: its bytes, little-endian, zero-padded.
#[inline]
pub(crate) fn small_key16(text: &[u8], word: std::ops::Range<usize>) -> u128 {
    let split = (word.start + 8).min(word.end);
    let low = small_key(text, word.start..split);
    let high = if split < word.end {
        small_key(text, split..word.end)
    } else {
        0
    };
    u128::from(low) | u128::from(high) << 64
}

/// A key of [`SmallWords`]: a word's bytes in one or two registers, zero when empty.
pub(crate) trait SlotKey: Copy + Eq + Default {
    /// The key spread over `bits` bits (see [`spread`]).
    fn spread(self, bits: u32) -> usize;
}

impl SlotKey for u64 {
    #[inline(always)]
    fn spread(self, bits: u32) -> usize {
        spread(self, bits)
    }
}

impl SlotKey for u128 {
    #[inline(always)]
    fn spread(self, bits: u32) -> usize {
        let (low, high) = (self as u64, (self >> 64) as u64);
        spread(low ^ high.wrapping_mul(0xC2B2_AE3D_27D4_EB4F), bits)
    }
}

/// A map from nonzero keys (`u64` unless told) to `V`.
#[derive(Debug, Clone)]
pub(crate) struct SmallWords<V, K = u64> {
    /// Key (0: empty slot) and value by slot.
    slots: Box<[(K, V)]>,
    /// Keys held.
    len: usize,
}

/// Slots of a new table (a power of two).
const FIRST_SLOTS: usize = 1 << 10;

impl<V: Copy + Default, K: SlotKey> Default for SmallWords<V, K> {
    fn default() -> SmallWords<V, K> {
        SmallWords::with_slots(FIRST_SLOTS)
    }
}

impl<V: Copy + Default, K: SlotKey> SmallWords<V, K> {
    /// An empty table of `slots` slots (a power of two; it doubles as keys arrive).
    pub(crate) fn with_slots(slots: usize) -> SmallWords<V, K> {
        debug_assert!(slots.is_power_of_two());
        SmallWords {
            slots: vec![(K::default(), V::default()); slots].into_boxed_slice(),
            len: 0,
        }
    }

    /// Keys held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The first slot to look at for `key`.
    #[inline(always)]
    fn slot(&self, key: K) -> usize {
        key.spread(self.slots.len().trailing_zeros())
    }

    /// The value of `key` (nonzero).
    #[inline]
    pub fn get(&self, key: K) -> Option<V> {
        let mask = self.slots.len() - 1;
        let mut slot = self.slot(key);
        loop {
            match self.slots[slot] {
                (k, value) if k == key => return Some(value),
                (k, _) if k == K::default() => return None,
                _ => slot = (slot + 1) & mask,
            }
        }
    }

    /// Sets the value of `key` (nonzero; a zero key is ignored).
    pub fn insert(&mut self, key: K, value: V) {
        if key == K::default() {
            return;
        }
        // At most half full, so probes stay short and an empty slot always exists.
        if 2 * (self.len + 1) > self.slots.len() {
            let mut bigger = SmallWords::with_slots(2 * self.slots.len());
            for &(k, v) in self.slots.iter() {
                if k != K::default() {
                    bigger.insert(k, v);
                }
            }
            *self = bigger;
        }
        let mask = self.slots.len() - 1;
        let mut slot = self.slot(key);
        while self.slots[slot].0 != K::default() && self.slots[slot].0 != key {
            slot = (slot + 1) & mask;
        }
        if self.slots[slot].0 == K::default() {
            self.len += 1;
        }
        self.slots[slot] = (key, value);
    }

    /// Empties the table (keeping its size).
    pub fn clear(&mut self) {
        self.slots.fill((K::default(), V::default()));
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;

    /// Runs `ops` (key, value, whether to empty the table first) on a table and on a
    /// `HashMap`, and compares them after every step and at the end.
    fn agrees_with_a_map<K: SlotKey + std::hash::Hash + std::fmt::Debug>(
        ops: impl IntoIterator<Item = (K, u32, bool)>,
    ) -> Result<(), TestCaseError> {
        let mut table = SmallWords::<u32, K>::default();
        let mut map = HashMap::new();
        for (key, value, clear) in ops {
            if clear {
                table.clear();
                map.clear();
            }
            let real = key != K::default();
            if real {
                prop_assert_eq!(table.get(key), map.get(&key).copied());
            }
            table.insert(key, value);
            if real {
                map.insert(key, value);
            }
            prop_assert_eq!(table.len(), map.len());
        }
        for (&key, &value) in &map {
            prop_assert_eq!(table.get(key), Some(value));
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn behaves_as_a_map(
            ops in prop::collection::vec((0u64..3000, any::<u32>(), any::<bool>()), 0..3000),
        ) {
            agrees_with_a_map(ops.into_iter().map(|(key, value, clear)| {
                (key.wrapping_mul(0x0101_0101), value, clear && value % 500 == 0)
            }))?;
        }

        /// Keys of two registers, some that differ only in their high half.
        #[test]
        fn behaves_as_a_map_with_wide_keys(
            ops in prop::collection::vec((0u128..300, 0u128..4, any::<u32>()), 0..2000),
        ) {
            agrees_with_a_map(ops.into_iter().map(|(low, high, value)| (low | high << 64, value, false)))?;
        }
    }
}
