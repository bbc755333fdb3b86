//! Finds CSV quoted fields that are not closed where the CSV grammar says they must be.
//!
//! The `csv` crate is lenient: a quoted field still open at the end of the input ends there
//! without an error, and a quote followed by anything but a delimiter or a line end is
//! read as part of the field. Either way one stray `"` silently swallows the rows after it
//! into one cell. [`QuoteTracker`] wraps the byte stream the CSV reader reads and follows
//! the same quoting rules (a `"` opens a quoted field only at the start of a field, `""`
//! inside is an escaped quote, fields end at the table's delimiter, records at `\n` or `\r`); it
//! remembers where each badly closed quoted field opened, and keeps the raw bytes of the
//! records the CSV reader has not finished with, so that the rows a bad field swallowed
//! can be read again on their own.
//!
//! Contract: bytes pass through unchanged; the raw bytes kept are those from the end of the
//! last record released to the read position (one record plus the CSV reader's buffer).
//! When they would exceed the record size limit (plus the reader's buffer), reading fails
//! with an error (see [`QuoteTracker::too_long`]), so a huge record is never held.

use std::collections::VecDeque;
use std::io::{self, Read};

/// Where the tracker stands in the CSV grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the first byte of a field.
    FieldStart,
    /// Inside a field that did not start with a quote (or after a badly closed one).
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// Just after a `"` inside a quoted field: it closes the field unless another follows.
    QuoteInQuoted,
}

/// How a quoted field went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BadQuote {
    /// Still open at the end of the input.
    Unterminated,
    /// Closed by a quote followed by something other than a delimiter or a line end.
    StrayAfterClose,
}

/// A reader that passes bytes through unchanged while tracking CSV quoting.
pub(crate) struct QuoteTracker<R> {
    inner: R,
    state: State,
    /// Bytes passed through so far.
    offset: u64,
    /// Byte offset of the `"` that opened the current quoted field.
    opened_at: u64,
    /// Opening offsets of badly closed quoted fields not yet claimed by a record.
    bad: VecDeque<(u64, BadQuote)>,
    /// Raw bytes from `raw_start` to `offset`.
    raw: Vec<u8>,
    raw_start: u64,
    /// Line feeds before `raw_start`.
    raw_start_lines: u64,
    /// The record size limit.
    max_record_bytes: usize,
    /// Set when a record outgrew the limit.
    too_long: bool,
    /// The byte between fields.
    delimiter: u8,
}

/// Slack over the record limit for what the CSV reader reads ahead.
const READ_AHEAD: usize = 64 * 1024;

impl<R: Read> QuoteTracker<R> {
    /// Wraps `inner`, a table whose fields are separated by `delimiter`; records longer than
    /// `max_record_bytes` fail the read.
    pub(crate) fn new(inner: R, max_record_bytes: usize, delimiter: u8) -> QuoteTracker<R> {
        QuoteTracker {
            inner,
            state: State::FieldStart,
            offset: 0,
            opened_at: 0,
            bad: VecDeque::new(),
            raw: Vec::new(),
            raw_start: 0,
            raw_start_lines: 0,
            max_record_bytes,
            too_long: false,
            delimiter,
        }
    }

    /// The record size limit.
    pub(crate) fn max_record_bytes(&self) -> usize {
        self.max_record_bytes
    }

    /// The byte between fields.
    pub(crate) fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// When reading failed because a record outgrew the limit: the record's line (1-based).
    pub(crate) fn too_long(&self) -> Option<u64> {
        self.too_long.then_some(self.raw_start_lines + 1)
    }

    /// The first badly closed quoted field that opened in `start..end` (the byte range of
    /// one record), with its opening offset. Earlier ones are forgotten.
    pub(crate) fn take_bad(&mut self, start: u64, end: u64) -> Option<(u64, BadQuote)> {
        while self.bad.front().is_some_and(|&(at, _)| at < start) {
            self.bad.pop_front();
        }
        let &(at, kind) = self.bad.front()?;
        if at >= end {
            return None;
        }
        // The rest of this record's bad fields are inside the part that is read again.
        while self.bad.front().is_some_and(|&(at, _)| at < end) {
            self.bad.pop_front();
        }
        Some((at, kind))
    }

    /// The raw bytes `start..end` (offsets into the stream), as far as they are kept.
    pub(crate) fn raw(&self, start: u64, end: u64) -> &[u8] {
        let from = start.saturating_sub(self.raw_start) as usize;
        let to = (end.saturating_sub(self.raw_start) as usize).min(self.raw.len());
        &self.raw[from.min(to)..to]
    }

    /// The 1-based line of the record the CSV reader says starts at `start`: the line of
    /// its first byte that is not a line end. (The reader's own line count runs one low
    /// per `\r\n` it has not finished reading: it starts a record at the `\n` of the line
    /// end before it.) `None` when those bytes are no longer kept.
    pub(crate) fn line_of(&self, start: u64) -> Option<u64> {
        let from = usize::try_from(start.checked_sub(self.raw_start)?).ok()?;
        let rest = self.raw.get(from..)?;
        let first = from
            + rest
                .iter()
                .take_while(|&&b| matches!(b, b'\r' | b'\n'))
                .count();
        let lines = memchr::memchr_iter(b'\n', &self.raw[..first]).count() as u64;
        Some(self.raw_start_lines + lines + 1)
    }

    /// Forgets the raw bytes before `offset` (the end of a record the reader is done with).
    pub(crate) fn release(&mut self, offset: u64) {
        let n = (offset.saturating_sub(self.raw_start) as usize).min(self.raw.len());
        self.raw_start_lines += memchr::memchr_iter(b'\n', &self.raw[..n]).count() as u64;
        self.raw.drain(..n);
        self.raw_start += n as u64;
    }

    fn track(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.state = match (self.state, byte) {
                (State::FieldStart, b'"') => {
                    self.opened_at = self.offset;
                    State::Quoted
                }
                (State::Quoted, b'"') => State::QuoteInQuoted,
                (State::Quoted, _) => State::Quoted,
                (State::QuoteInQuoted, b'"') => State::Quoted,
                (_, b'\n' | b'\r') => State::FieldStart,
                (_, b) if b == self.delimiter => State::FieldStart,
                (State::QuoteInQuoted, _) => {
                    self.bad
                        .push_back((self.opened_at, BadQuote::StrayAfterClose));
                    State::Unquoted
                }
                _ => State::Unquoted,
            };
            self.offset += 1;
        }
        self.raw.extend_from_slice(bytes);
    }
}

impl<R: Read> Read for QuoteTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.raw.len() > self.max_record_bytes.saturating_add(READ_AHEAD) {
            self.too_long = true;
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "record longer than the record size limit",
            ));
        }
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() && self.state == State::Quoted {
            self.bad.push_back((self.opened_at, BadQuote::Unterminated));
            self.state = State::FieldStart;
        }
        self.track(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads all of `text` through a tracker and returns the bad fields in `start..end`.
    fn bad_in(text: &str, start: u64, end: u64) -> Option<(u64, BadQuote)> {
        let mut tracker = QuoteTracker::new(text.as_bytes(), 1 << 20, b',');
        let mut sink = Vec::new();
        tracker.read_to_end(&mut sink).unwrap();
        assert_eq!(sink, text.as_bytes(), "bytes pass through unchanged");
        assert_eq!(tracker.raw(0, 3), &text.as_bytes()[..3]);
        tracker.take_bad(start, end)
    }

    #[test]
    fn closed_and_escaped_quotes_are_not_reported() {
        let text = "a,\"x\"\"y\",\"multi\nline\"\nb,plain\"quote,c\n";
        assert_eq!(bad_in(text, 0, text.len() as u64), None);
    }

    #[test]
    fn an_open_quote_at_the_end_is_reported_in_its_record_only() {
        let text = "a,b\nc,\"open\nd,e\n";
        assert_eq!(bad_in(text, 0, 4), None);
        assert_eq!(
            bad_in(text, 4, text.len() as u64),
            Some((6, BadQuote::Unterminated))
        );
    }

    #[test]
    fn a_quote_closed_by_the_next_rows_quote_is_reported() {
        let text = "a,\"open\nb,\"x\"\n";
        assert_eq!(
            bad_in(text, 0, text.len() as u64),
            Some((2, BadQuote::StrayAfterClose))
        );
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_opens_nothing() {
        assert_eq!(bad_in("a,b\"c\nd,e\n", 0, 10), None);
    }

    #[test]
    fn released_bytes_are_forgotten() {
        let mut tracker = QuoteTracker::new(&b"abc\ndef\n"[..], 1 << 20, b',');
        std::io::copy(&mut tracker, &mut std::io::sink()).unwrap();
        tracker.release(4);
        assert_eq!(tracker.raw(4, 8), b"def\n");
        assert_eq!(tracker.raw(0, 8), b"def\n");
    }
}
