//! Opening an input as a buffered byte stream: gzip is recognised by its magic bytes
//! (whatever the name says), and the compressed bytes read are counted for progress.
//! Text in UTF-16 or UTF-32 (a spreadsheet's "Unicode text") is recognised by its first
//! bytes ([`wide_encoding`]), so it is refused once rather than line by line.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use flate2::bufread::MultiGzDecoder;

use super::{Input, InputSource};

/// The first two bytes of every gzip member.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// A readable input: decompressed bytes, buffered.
pub(crate) type InputReader = Box<dyn BufRead + Send>;

/// Opens `input`, adding every byte taken from the file or stdin to `counter`.
pub(crate) fn open_input(input: &Input, counter: Arc<AtomicU64>) -> io::Result<InputReader> {
    let raw: Box<dyn Read + Send> = match &input.source {
        InputSource::Stdin => Box::new(io::stdin()),
        InputSource::File(path) => Box::new(File::open(path)?),
        InputSource::Memory { bytes, .. } => Box::new(io::Cursor::new(bytes.clone())),
    };
    decompress_if_gzip(Box::new(Counting {
        inner: raw,
        counter,
    }))
}

/// Wraps `raw` in a gzip decoder when it starts with the gzip magic bytes.
pub(crate) fn decompress_if_gzip(mut raw: Box<dyn Read + Send>) -> io::Result<InputReader> {
    // Peek at the first bytes without a buffer of our own, then put them back in front:
    // two tell gzip; eight, which a plain input's first read then returns, let the reader
    // tell UTF-16 and UTF-32 ([`wide_encoding`]).
    let mut head = [0u8; 8];
    let mut filled = 0;
    while filled < head.len() {
        match raw.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    let rejoined = io::Cursor::new(head[..filled].to_vec()).chain(raw);
    const BUFFER: usize = 64 * 1024;
    if head[..filled].starts_with(&GZIP_MAGIC) {
        let decoder = MultiGzDecoder::new(BufReader::with_capacity(BUFFER, rejoined));
        Ok(Box::new(BufReader::with_capacity(BUFFER, decoder)))
    } else {
        Ok(Box::new(BufReader::with_capacity(BUFFER, rejoined)))
    }
}

/// The encoding of a text that starts with `head`, when it is UTF-16 or UTF-32 rather than
/// UTF-8: by its byte order mark, or, without one, by the zero bytes that follow (or
/// precede) each ASCII character of the first two.
pub(crate) fn wide_encoding(head: &[u8]) -> Option<&'static str> {
    match head {
        [0xff, 0xfe, 0, 0, ..] | [0, 0, 0xfe, 0xff, ..] => Some("UTF-32"),
        [0xff, 0xfe, ..] | [0xfe, 0xff, ..] => Some("UTF-16"),
        [a, 0, 0, 0, b, 0, 0, 0, ..] | [0, 0, 0, a, 0, 0, 0, b, ..]
            if a.is_ascii() && *a != 0 && b.is_ascii() && *b != 0 =>
        {
            Some("UTF-32")
        }
        [a, 0, b, 0, ..] | [0, a, 0, b, ..]
            if a.is_ascii() && *a != 0 && b.is_ascii() && *b != 0 =>
        {
            Some("UTF-16")
        }
        _ => None,
    }
}

/// Counts the bytes passing through.
struct Counting<R> {
    inner: R,
    counter: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;

    pub(crate) fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    fn read_all(raw: Vec<u8>) -> String {
        let mut out = String::new();
        decompress_if_gzip(Box::new(io::Cursor::new(raw)))
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn wide_encodings_are_told_from_utf8() {
        let utf16 = |text: &str, big: bool| -> Vec<u8> {
            text.encode_utf16()
                .flat_map(|u| {
                    if big {
                        u.to_be_bytes()
                    } else {
                        u.to_le_bytes()
                    }
                })
                .collect()
        };
        let mut bom = vec![0xff, 0xfe];
        bom.extend(utf16("{\"id\": 1}", false));
        assert_eq!(wide_encoding(&bom), Some("UTF-16"));
        assert_eq!(wide_encoding(&utf16("id,date", false)), Some("UTF-16"));
        assert_eq!(wide_encoding(&utf16("id,date", true)), Some("UTF-16"));
        let utf32: Vec<u8> = "id,date"
            .chars()
            .flat_map(|c| (c as u32).to_le_bytes())
            .collect();
        assert_eq!(wide_encoding(&utf32), Some("UTF-32"));
        assert_eq!(
            wide_encoding(&[0xff, 0xfe, 0, 0, b'i', 0, 0, 0]),
            Some("UTF-32")
        );
        for utf8 in ["{\"id\": 1}", "\u{feff}id,date", "Санкции", "", "a"] {
            assert_eq!(wide_encoding(utf8.as_bytes()), None, "{utf8:?}");
        }
    }

    #[test]
    fn gzip_is_detected_by_magic_bytes() {
        assert_eq!(read_all(gzip(b"{\"a\":1}\n")), "{\"a\":1}\n");
        assert_eq!(read_all(b"plain\n".to_vec()), "plain\n");
        assert_eq!(read_all(Vec::new()), "");
    }

    #[test]
    fn concatenated_gzip_members_are_all_read() {
        let mut both = gzip(b"one\n");
        both.extend(gzip(b"two\n"));
        assert_eq!(read_all(both), "one\ntwo\n");
    }

    #[test]
    fn a_file_is_counted_in_compressed_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl.gz");
        let packed = gzip(&b"line\n".repeat(1000));
        std::fs::write(&path, &packed).unwrap();
        let counter = Arc::new(AtomicU64::new(0));
        let input = Input {
            source: InputSource::File(path),
            format: super::super::Format::Jsonl,
            size: Some(packed.len() as u64),
        };
        let mut text = String::new();
        open_input(&input, counter.clone())
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text.len(), 5000);
        assert_eq!(counter.load(Ordering::Relaxed), packed.len() as u64);
    }
}
