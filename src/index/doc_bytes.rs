//! Reading a stored document from its bytes, leaving out a field the reader does not need.
//!
//! Tantivy reads a stored document (`Searcher::doc`) by deserializing every value, and it
//! validates every string with the standard library's UTF-8 validator, fast on ASCII and
//! slow on Cyrillic: for the ten hits of a Russian query that was most of the query's time,
//! though a hit without passages shows nothing of its text, by far its largest value.
//! Tantivy's document-deserialization API cannot leave a value out (a value's type is chosen
//! before its field is known, and a string comes only as a validated `String`), so this
//! module takes a document's stored bytes from Tantivy (`StoreReader::get_document_bytes`,
//! which keeps the block cache and decompresses) and decodes them itself.
//!
//! The encoding is Tantivy 0.27's doc store, version 2 (the only version Tantivy 0.27 writes,
//! and statemine has never used another Tantivy), for the value types of statemine's schema:
//! - a document: the number of values (VInt), then each value as its field id (u32,
//!   little-endian), a type code (u8) and the value;
//! - text, type 0: its length in bytes (VInt), then the UTF-8 bytes;
//! - u64, type 1: 8 bytes, little-endian;
//! - date, type 5: nanoseconds since 1970-01-01 UTC, i64 little-endian.
//!
//! A VInt holds 7 bits per byte, lowest first, and its last byte has the high bit set.
//!
//! Contract: [`decode`] returns exactly the values Tantivy's own deserializer returns for
//! the document, in the same order, except those of the skipped field; another type code,
//! truncated bytes or invalid UTF-8 is an error, never a guess. Strings are validated with
//! `simdutf8`, which gives the standard library's verdict.

use tantivy::directory::OwnedBytes;
use tantivy::schema::{Field, OwnedValue};
use tantivy::store::StoreReader;
use tantivy::{DateTime, DocAddress, Searcher};

/// Tantivy's type code of a text value.
const TEXT_CODE: u8 = 0;
/// Tantivy's type code of a u64 value.
const U64_CODE: u8 = 1;
/// Tantivy's type code of a date value.
const DATE_CODE: u8 = 5;

/// The stored bytes of the documents of one index snapshot, one store reader per segment.
pub(crate) struct DocBytesReader {
    stores: Vec<StoreReader>,
}

impl DocBytesReader {
    /// Store readers for the segments of `searcher`, each caching `cache_blocks` blocks.
    pub(crate) fn new(searcher: &Searcher, cache_blocks: usize) -> tantivy::Result<Self> {
        let stores = searcher
            .segment_readers()
            .iter()
            .map(|segment| segment.get_store_reader(cache_blocks))
            .collect::<Result<_, _>>()?;
        Ok(DocBytesReader { stores })
    }

    /// The values of the document at `address` (of the searcher this reader was made
    /// from), without those of `skip`.
    pub(crate) fn values(
        &self,
        address: DocAddress,
        skip: Option<Field>,
    ) -> tantivy::Result<Result<Vec<(Field, OwnedValue)>, String>> {
        let bytes = self.bytes(address)?;
        Ok(decode(&bytes, skip))
    }

    /// The stored bytes of the document at `address` (of the searcher this reader was
    /// made from), for [`decode_apart`].
    pub(crate) fn bytes(&self, address: DocAddress) -> tantivy::Result<OwnedBytes> {
        let store = self
            .stores
            .get(address.segment_ord as usize)
            .ok_or_else(|| {
                tantivy::TantivyError::InvalidArgument(format!(
                    "no segment {} in this snapshot",
                    address.segment_ord
                ))
            })?;
        store.get_document_bytes(address.doc_id)
    }
}

/// The values of one stored document from its bytes, without those of `skip`; the error
/// says what is wrong with the bytes.
pub(crate) fn decode(
    bytes: &[u8],
    skip: Option<Field>,
) -> Result<Vec<(Field, OwnedValue)>, String> {
    let skipped: &[Field] = match &skip {
        Some(field) => std::slice::from_ref(field),
        None => &[],
    };
    decode_values(bytes, skipped, None).map(|(values, _)| values)
}

/// A document's values, and one text value taken apart (borrowed from the stored bytes).
pub(crate) type Apart<'a> = (Vec<(Field, OwnedValue)>, Option<&'a str>);

/// The values of one stored document from its bytes, without those of the fields in
/// `skip` nor those of `apart`, and the first text value of `apart` (validated, borrowed
/// from `bytes`: a count reads a document's text once, and copies it only for the
/// documents whose evidence it writes).
pub(crate) fn decode_apart<'a>(
    bytes: &'a [u8],
    apart: Field,
    skip: &[Field],
) -> Result<Apart<'a>, String> {
    decode_values(bytes, skip, Some(apart))
}

fn decode_values<'a>(
    bytes: &'a [u8],
    skip: &[Field],
    apart: Option<Field>,
) -> Result<Apart<'a>, String> {
    let mut input = Input(bytes);
    let count = input.vint()?;
    // Each value takes at least 6 bytes: no allocation larger than the bytes can fill.
    let mut values =
        Vec::with_capacity(usize::try_from(count).map_or(0, |n| n.min(bytes.len() / 6)));
    let mut kept_apart = None;
    let utf8 = |raw: &'a [u8], field: Field| {
        simdutf8::basic::from_utf8(raw)
            .map_err(|_| format!("field {}: text is not UTF-8", field.field_id()))
    };
    for _ in 0..count {
        let field = Field::from_field_id(u32::from_le_bytes(input.array()?));
        let [code] = input.array()?;
        let value = match code {
            TEXT_CODE => {
                let len = usize::try_from(input.vint()?).map_err(|_| "text too long")?;
                let raw = input.take(len)?;
                if apart == Some(field) {
                    if kept_apart.is_none() {
                        kept_apart = Some(utf8(raw, field)?);
                    }
                    continue;
                }
                if skip.contains(&field) {
                    continue;
                }
                OwnedValue::Str(utf8(raw, field)?.to_owned())
            }
            U64_CODE => OwnedValue::U64(u64::from_le_bytes(input.array()?)),
            DATE_CODE => OwnedValue::Date(DateTime::from_timestamp_nanos(i64::from_le_bytes(
                input.array()?,
            ))),
            other => {
                return Err(format!(
                    "field {}: unexpected type code {other}",
                    field.field_id()
                ));
            }
        };
        if !skip.contains(&field) && apart != Some(field) {
            values.push((field, value));
        }
    }
    Ok((values, kept_apart))
}

/// The bytes not decoded yet.
struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], String> {
        if len > self.0.len() {
            return Err(format!("{len} bytes wanted, {} left", self.0.len()));
        }
        let (head, rest) = self.0.split_at(len);
        self.0 = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn vint(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let [byte] = self.array()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 != 0 {
                return Ok(value);
            }
        }
        Err("variable-length integer longer than 64 bits".into())
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Days, NaiveDate};
    use proptest::prelude::*;
    use tantivy::TantivyDocument;

    use super::*;
    use crate::corpus::{MAX_DATE, MIN_DATE};
    use crate::document::{DocStructure, Document, Kind, Lang, ParagraphTurn, Role};
    use crate::index::IndexStore;

    /// Indexes `docs` (committing before the document at `split`, so that there may be two
    /// segments) and checks every stored document: the values read from its bytes are
    /// Tantivy's own, with and without the text, and so are the documents built from them.
    fn reads_as_tantivy_reads(docs: &[(Document, DocStructure)], split: usize) {
        let dir = tempfile::tempdir().unwrap();
        let store = IndexStore::open_or_create(dir.path()).unwrap();
        let mut writer = store.writer(1, 15_000_000).unwrap();
        for (i, (doc, structure)) in docs.iter().enumerate() {
            if i == split {
                writer.commit().unwrap();
            }
            writer
                .add_document(store.to_tantivy(doc, structure))
                .unwrap();
        }
        writer.commit().unwrap();
        let searcher = store.reader().unwrap().searcher();
        let reader = store.doc_bytes_reader(&searcher).unwrap();
        let scan = store.scan_doc_bytes_reader(&searcher).unwrap();
        let text = store.fields().text;
        let mut seen = 0;
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            for doc_id in 0..segment.max_doc() {
                let address = DocAddress::new(ord as u32, doc_id);
                let own: TantivyDocument = searcher.doc(address).unwrap();
                let expected: Vec<(Field, OwnedValue)> = own
                    .field_values()
                    .map(|(field, value)| (field, OwnedValue::from(value)))
                    .collect();
                assert_eq!(reader.values(address, None).unwrap(), Ok(expected.clone()));
                let without_text: Vec<_> =
                    expected.into_iter().filter(|(f, _)| *f != text).collect();
                assert_eq!(
                    reader.values(address, Some(text)).unwrap(),
                    Ok(without_text)
                );

                let whole = store.load_deferring_turns(&searcher, address).unwrap();
                assert_eq!(store.load_bytes(&reader, address, true).unwrap(), whole);
                assert_eq!(store.load_bytes(&scan, address, true).unwrap(), whole);
                let (mut stored, turns) = whole;
                let text = std::mem::take(&mut stored.doc.text);
                let lean = store.load_bytes(&reader, address, false).unwrap();
                assert_eq!(lean, (stored.clone(), turns.clone()));

                // The text apart: the same document, its text borrowed; lean, without
                // the fields a count does not read.
                let bytes = store.doc_bytes(&scan, address).unwrap();
                let apart = store.load_apart(&bytes, false).unwrap();
                assert_eq!(apart, (stored.clone(), turns.clone(), text.as_str()));
                let mut bare = stored;
                bare.doc.title.clear();
                bare.doc.url.clear();
                bare.doc.tags.clear();
                bare.doc.location = None;
                bare.content_hash.clear();
                assert_eq!(
                    store.load_apart(&bytes, true).unwrap(),
                    (bare, turns, text.as_str())
                );
                seen += 1;
            }
        }
        assert_eq!(seen, docs.len());
    }

    /// Short ASCII, Cyrillic, or any printable text, possibly empty.
    fn any_text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9 ,.:?!'-]{0,40}",
            "[а-яА-ЯёЁ0-9 ,.:?!«»—-]{0,200}",
            "\\PC{0,60}",
        ]
    }

    fn any_document() -> impl Strategy<Value = (Document, DocStructure)> {
        let days = MAX_DATE.signed_duration_since(MIN_DATE).num_days() as u64;
        let metadata = (
            "[a-z0-9-]{1,16}",
            0..=days,
            any_text(),
            any_text(),
            any_text(),
            prop::sample::select(Kind::ALL),
            prop::sample::select(Lang::ALL),
            any_text(),
        );
        let text = prop::collection::vec(any_text(), 0..12).prop_map(|parts| parts.join("\n"));
        let turn = (
            prop::option::of(any_text()),
            prop::sample::select(Role::ALL),
            any::<u64>(),
        )
            .prop_map(|(speaker, role, n_words)| ParagraphTurn {
                speaker,
                role,
                n_words,
            });
        let rest = (
            text,
            prop::collection::vec(any_text(), 0..4),
            prop::option::of(any_text()),
            any::<(u64, u64, u64)>(),
            prop::collection::vec(turn, 0..5),
        );
        (metadata, rest).prop_map(
            |(
                (id, day, title, speaker, source, kind, lang, url),
                (text, tags, location, (n_words, n_sentences, n_paragraphs), paragraphs),
            )| {
                let date = MIN_DATE.checked_add_days(Days::new(day)).unwrap();
                #[rustfmt::skip]
                let doc = Document {
                    id, date, title, speaker, source, kind, lang, url, text, tags, location,
                };
                let structure = DocStructure {
                    n_words,
                    n_sentences,
                    n_paragraphs,
                    paragraphs,
                };
                (doc, structure)
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn stored_documents_read_from_their_bytes_as_tantivy_reads_them(
            docs in prop::collection::vec(any_document(), 1..8),
            split in 0usize..8,
        ) {
            reads_as_tantivy_reads(&docs, split);
        }
    }

    #[test]
    fn an_english_and_a_russian_document_read_as_tantivy_reads_them() {
        let russian = Document {
            id: "ru-1".into(),
            date: NaiveDate::from_ymd_opt(1969, 12, 31).unwrap(),
            title: "Заявление для прессы".into(),
            speaker: "Владимир Путин".into(),
            source: "kremlin.ru".into(),
            kind: Kind::Transcript,
            lang: Lang::Ru,
            url: "http://kremlin.ru/events/president/transcripts/1".into(),
            text: "Санкции бесполезны.\nВопрос: А что дальше?".into(),
            tags: vec![],
            location: None,
        };
        let english = Document {
            id: "en-1".into(),
            date: NaiveDate::from_ymd_opt(2017, 9, 5).unwrap(),
            title: "Press statement".into(),
            lang: Lang::En,
            text: "Sanctions are useless.\nThey will eat grass.".into(),
            tags: vec!["korea".into(), "sanctions".into()],
            location: Some("Xiamen".into()),
            ..russian.clone()
        };
        let structure = DocStructure {
            n_words: 7,
            n_sentences: 2,
            n_paragraphs: 2,
            paragraphs: vec![],
        };
        let docs = [(english, structure.clone()), (russian, structure)];
        reads_as_tantivy_reads(&docs, 1);
    }

    /// The bytes of one text value of field `field`, `bytes` long (under 128 bytes).
    fn text_value(field: u32, bytes: &[u8]) -> Vec<u8> {
        let mut out = field.to_le_bytes().to_vec();
        out.push(TEXT_CODE);
        out.push(0x80 | u8::try_from(bytes.len()).unwrap());
        out.extend_from_slice(bytes);
        out
    }

    #[test]
    fn bad_bytes_are_errors_and_a_skipped_text_is_not_validated() {
        let field = Field::from_field_id(3);
        let ok = [&[0x81][..], &text_value(3, b"ok")].concat();
        assert_eq!(
            decode(&ok, None),
            Ok(vec![(field, OwnedValue::Str("ok".into()))])
        );
        let not_utf8 = [&[0x81][..], &text_value(3, &[0xd0, 0x28])].concat();
        assert!(decode(&not_utf8, None).unwrap_err().contains("not UTF-8"));
        assert_eq!(decode(&not_utf8, Some(field)), Ok(vec![]));
        let truncated = [&[0x82][..], &text_value(3, b"ok")].concat();
        assert!(decode(&truncated, None).is_err());
        let cut_text = &ok[..ok.len() - 1];
        assert!(decode(cut_text, Some(field)).is_err());
        let mut i64_value = vec![0x81, 3, 0, 0, 0, 2];
        i64_value.extend_from_slice(&7i64.to_le_bytes());
        let err = decode(&i64_value, None).unwrap_err();
        assert!(err.contains("type code 2"), "{err}");
        assert!(decode(&[], None).is_err());
    }

    #[test]
    fn variable_length_integers_end_at_the_byte_with_the_high_bit() {
        assert_eq!(Input(&[0x80]).vint(), Ok(0));
        assert_eq!(Input(&[0x2c, 0x82]).vint(), Ok(300));
        assert_eq!(Input(&[0x7f; 3]).vint().map_err(|_| ()), Err(()));
        assert!(Input(&[0x00; 11]).vint().unwrap_err().contains("64 bits"));
    }
}
