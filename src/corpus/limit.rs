//! The record size limit: no record, however it is stored, is read into memory past
//! [`DEFAULT_MAX_RECORD_BYTES`] (or the limit a run sets).
//!
//! A gzip file of half a megabyte can hold a line of 512 MB; reading it whole to find out
//! that it is too long would already use the memory the limit protects. So the limit is
//! checked while reading: a JSON Lines line is read up to the limit and the rest of it is
//! skipped without being kept; a CSV record is cut off by [`super::csv_quotes`]; a text
//! file is read up to the limit.

use std::io::{self, BufRead};

/// The default maximum size of one record (one JSON line, one CSV row, one text file), in
/// bytes: 64 MiB, some hundred times the longest statement of the shared corpus.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 64 << 20;

/// What [`read_line_bounded`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Line {
    /// End of input, nothing read.
    End,
    /// A line (with its `\n`, if it had one) is in the buffer.
    Read,
    /// The line was longer than the limit: it was skipped, and had this many bytes.
    TooLong(u64),
}

/// Reads one line into `buffer` (cleared first), keeping at most `limit` bytes of it
/// besides the line feed; a longer line is consumed to its end and reported.
pub(crate) fn read_line_bounded<R: BufRead + ?Sized>(
    reader: &mut R,
    buffer: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Line> {
    buffer.clear();
    let mut skipped: Option<u64> = None;
    loop {
        let available = match reader.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(match skipped {
                Some(n) => Line::TooLong(n),
                None if buffer.is_empty() => Line::End,
                None => Line::Read,
            });
        }
        let (take, ends) = match memchr::memchr(b'\n', available) {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        let content = take - usize::from(ends);
        match skipped.as_mut() {
            Some(n) => *n += content as u64,
            None if buffer.len() + content > limit => {
                skipped = Some((buffer.len() + content) as u64);
                buffer.clear();
                buffer.shrink_to(limit.min(1 << 20));
            }
            None => buffer.extend_from_slice(&available[..take]),
        }
        reader.consume(take);
        if ends {
            return Ok(match skipped {
                Some(n) => Line::TooLong(n),
                None => Line::Read,
            });
        }
    }
}

/// `bytes` as a size for messages: `N MB` for a whole number of MiB, else the bytes (with
/// the MiB to one decimal from 1 MiB up: a record just over the limit is not shown as the
/// limit itself).
pub(crate) fn size_text(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MB", bytes >> 20)
    } else if bytes >= 1 << 20 {
        format!("{bytes} bytes, {:.1} MB", bytes as f64 / f64::from(1 << 20))
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_within_the_limit_are_read_and_longer_ones_skipped() {
        let text = b"short\nthis one is too long\n\nlast";
        // A tiny buffer, so long lines arrive in several pieces.
        let mut reader = io::BufReader::with_capacity(4, &text[..]);
        let mut buffer = Vec::new();
        let mut seen = Vec::new();
        loop {
            match read_line_bounded(&mut reader, &mut buffer, 8).unwrap() {
                Line::End => break,
                Line::Read => seen.push(String::from_utf8(buffer.clone()).unwrap()),
                Line::TooLong(n) => seen.push(format!("too long: {n}")),
            }
        }
        assert_eq!(seen, ["short\n", "too long: 20", "\n", "last"]);
    }

    #[test]
    fn a_line_of_exactly_the_limit_is_kept() {
        let mut buffer = Vec::new();
        let mut reader = &b"12345678\n"[..];
        assert_eq!(
            read_line_bounded(&mut reader, &mut buffer, 8).unwrap(),
            Line::Read
        );
        assert_eq!(buffer, b"12345678\n");
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(size_text(64 << 20), "64 MB");
        assert_eq!(size_text(100), "100 bytes");
        assert_eq!(size_text((64 << 20) + 100), "67108964 bytes, 64.0 MB");
    }
}
