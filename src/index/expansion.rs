//! Limits on how far prefix queries (`sanc*`) expand.
//!
//! A prefix matches every term of the index that starts with it, and the engine builds a
//! document set for each prefix on each field it searches: a query of many short prefixes
//! (a 36 KB query in the hardening probe) took 2.1 GB and 18 s. So before a prefix becomes
//! a query, the terms it matches are counted in the term dictionaries (stopping past the
//! limit): at most [`MAX_PREFIX_TERMS`] per prefix on each field it searches, and
//! [`MAX_QUERY_PREFIX_TERMS`] for all prefixes of one query on all fields together; terms
//! are counted per segment (a term found in two segments counts twice). Past a limit the query fails with
//! [`IndexError::PrefixTooWide`]; a prefix that matches nothing costs nothing.

use std::cell::Cell;

use tantivy::Searcher;
use tantivy::schema::Field;
use tantivy::termdict::{TermDictionary, TermStreamer};

use super::IndexError;

/// The most index terms one prefix may match on one field (over all segments).
pub const MAX_PREFIX_TERMS: usize = 10_000;

/// The most index terms all prefixes of one query may match together.
pub const MAX_QUERY_PREFIX_TERMS: usize = 50_000;

/// The terms the prefixes of one query have matched so far.
#[derive(Debug, Default)]
pub(crate) struct ExpansionBudget {
    used: Cell<usize>,
}

impl ExpansionBudget {
    /// Counts the terms of `field` starting with `prefix` (the term itself with `whole`;
    /// `original` is the prefix as the user wrote it, for the message) against both limits;
    /// returns the count.
    pub(crate) fn take(
        &self,
        searcher: &Searcher,
        field: Field,
        (prefix, whole): (&str, bool),
        original: &str,
        already: usize,
    ) -> tantivy::Result<Result<usize, IndexError>> {
        let cap = MAX_PREFIX_TERMS - already.min(MAX_PREFIX_TERMS);
        let n = count_terms_with_prefix(searcher, field, prefix, whole, cap + 1)?;
        if already + n > MAX_PREFIX_TERMS {
            return Ok(Err(IndexError::PrefixTooWide {
                prefix: original.to_string(),
                limit: MAX_PREFIX_TERMS,
                scope: "one prefix",
            }));
        }
        let used = self.used.get() + n;
        if used > MAX_QUERY_PREFIX_TERMS {
            return Ok(Err(IndexError::PrefixTooWide {
                prefix: original.to_string(),
                limit: MAX_QUERY_PREFIX_TERMS,
                scope: "all prefixes of one query",
            }));
        }
        self.used.set(used);
        Ok(Ok(n))
    }
}

/// Terms of `field` starting with `prefix` (or equal to it, with `whole`) over all
/// segments, counted up to `cap`.
fn count_terms_with_prefix(
    searcher: &Searcher,
    field: Field,
    prefix: &str,
    whole: bool,
    cap: usize,
) -> tantivy::Result<usize> {
    let mut n = 0;
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut terms = terms_with_prefix(inverted.terms(), prefix, whole)?;
        while terms.advance() {
            n += 1;
            if n >= cap {
                return Ok(n);
            }
        }
    }
    Ok(n)
}

/// The terms of `dict` that start with `prefix`, in order: the range from the prefix to the
/// prefix followed by byte 0xFF (every such term sorts below it: no UTF-8 byte is 0xFF).
/// With `whole`, the term `prefix` alone (when the dictionary holds it).
pub(crate) fn terms_with_prefix<'a>(
    dict: &'a TermDictionary,
    prefix: &str,
    whole: bool,
) -> std::io::Result<TermStreamer<'a>> {
    if whole {
        return dict
            .range()
            .ge(prefix.as_bytes())
            .le(prefix.as_bytes())
            .into_stream();
    }
    let mut upper = prefix.as_bytes().to_vec();
    upper.push(0xFF);
    dict.range().ge(prefix.as_bytes()).lt(&upper).into_stream()
}
