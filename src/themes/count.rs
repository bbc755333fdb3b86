//! Counting themes over an index: every selected document is read once, matched once, and
//! turned into [`DocThemeMatches`] (and, when asked, evidence rows), in parallel.
//!
//! Contract: results are ordered by date, then document id (not by index order, which
//! depends on how the index was written), whatever the number of threads; the number of
//! evidence rows equals the number of matches; a document that cannot be read stops the
//! count with an error naming it. Under a paragraph filter ([`DocFilter::paragraphs`]) or a
//! turn filter ([`DocFilter::turns`]: speakers, roles) a document counts only its kept
//! paragraphs (matches, words, paragraphs) and is left out when it has none; query terms
//! ([`CountOptions::terms`]) are matched beside the themes. Speaker turns and the document
//! speaker are resolved through the turn filter's registry (canonical names, roles), so
//! evidence rows and groupings name people as the registry does.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::thread;

use super::evidence::{CONTEXT_CHARS, EvidenceSink, EvidenceSource};
use super::{DocSummary, DocThemeMatches, EvidenceRow, Matcher, QueryTerm, Scratch, ThemeSet};
use crate::Result;
use crate::corpus::Resolver;
use crate::document::ParagraphTurn;
use crate::index::{DocFilter, IndexStore, parse_turns};
use crate::search::ParagraphScanner;

/// How to count.
#[derive(Debug, Clone, Default)]
pub struct CountOptions {
    /// Worker threads (0: one per available core).
    pub threads: usize,
    /// Whether to build evidence rows too.
    pub evidence: bool,
    /// Characters of context in evidence rows (0: [`super::CONTEXT_CHARS`]).
    pub context_chars: usize,
    /// Leave the paragraph turns out of the document summaries ([`DocSummary::paragraphs`]
    /// empty). Analyses by speaker turn need them; a plain count does not, and on a large
    /// corpus they are most of its memory (1.1 GB of 1.2 GB for 340,000 transcripts).
    pub skip_turns: bool,
    /// Queries counted beside the themes, each as a series of its own ([`QueryTerm`]).
    pub terms: Vec<QueryTerm>,
}

/// Progress of a count, reported from worker threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// This many documents are selected (reported once, first).
    Selected(usize),
    /// One more document is done.
    Done,
}

/// What counting returns.
#[derive(Debug, Clone, Default)]
pub struct CountResult {
    /// Matches per document, by date then id (documents without matches included).
    pub docs: Vec<DocThemeMatches>,
    /// Evidence rows (empty unless asked for), in the same order as the matches.
    pub evidence: Vec<EvidenceRow>,
    /// Bytes of text matched over (for throughput figures).
    pub text_bytes: u64,
}

/// The turn number of each paragraph: a new turn starts where the speaker differs from the
/// previous paragraph's.
pub fn turn_numbers(paragraphs: &[ParagraphTurn]) -> Vec<u32> {
    let mut turn = 0;
    paragraphs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i > 0 && p.speaker != paragraphs[i - 1].speaker {
                turn += 1;
            }
            turn
        })
        .collect()
}

/// Matches every theme of `set` in every document of `store` selected by `filter`.
pub fn count_index(
    store: &IndexStore,
    set: &ThemeSet,
    filter: &DocFilter,
) -> Result<Vec<DocThemeMatches>> {
    let matcher = Matcher::new(set)?;
    let options = CountOptions::default();
    Ok(count_with(store, &matcher, filter, &options, &|_: Progress| {})?.docs)
}

/// Like [`count_index`], with the evidence rows of every match.
pub fn count_index_with_evidence(
    store: &IndexStore,
    set: &ThemeSet,
    filter: &DocFilter,
) -> Result<(Vec<DocThemeMatches>, Vec<EvidenceRow>)> {
    let matcher = Matcher::new(set)?;
    let options = CountOptions {
        evidence: true,
        ..CountOptions::default()
    };
    let result = count_with(store, &matcher, filter, &options, &|_: Progress| {})?;
    Ok((result.docs, result.evidence))
}

/// Counts with a compiled matcher, reporting [`Progress`] (from worker threads); evidence
/// rows, when asked for, are collected into [`CountResult::evidence`] (see [`count_into`]
/// to stream them instead).
pub fn count_with(
    store: &IndexStore,
    matcher: &Matcher,
    filter: &DocFilter,
    options: &CountOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<CountResult> {
    if !options.evidence {
        return count_docs(store, matcher, filter, options, progress, None);
    }
    let mut rows: Vec<EvidenceRow> = Vec::new();
    let mut result = count_docs(store, matcher, filter, options, progress, Some(&mut rows))?;
    result.evidence = rows;
    Ok(result)
}

/// Like [`count_with`], handing every evidence row to `sink` as soon as the documents
/// before it are counted (whatever [`CountOptions::evidence`] says): rows come in the order
/// of [`CountResult::docs`] and, within a document, of its matches, so a table written
/// from them is the table [`count_with`] collects, and memory does not grow with the
/// number of rows. [`CountResult::evidence`] stays empty. An error of the sink stops the
/// count and is returned.
pub fn count_into(
    store: &IndexStore,
    matcher: &Matcher,
    filter: &DocFilter,
    options: &CountOptions,
    progress: &(dyn Fn(Progress) + Sync),
    sink: &mut (dyn EvidenceSink + Send),
) -> Result<CountResult> {
    count_docs(store, matcher, filter, options, progress, Some(sink))
}

/// Documents counted ahead of the next one to be written, per worker thread: enough to
/// keep every thread busy past a long document, few enough that their texts stay small.
const AHEAD_PER_THREAD: usize = 16;

/// A counted document: its matches, its text (kept only while its evidence rows are still
/// to be written) and the bytes of text matched over.
type Counted = (DocThemeMatches, String, u64);

/// Documents counted out of order, waiting for the ones before them so that their
/// evidence rows go to the sink in document order.
struct Merge<'s> {
    /// Position (in the sorted selection) of the next document to write.
    next: usize,
    /// Counted documents after `next` (`None`: left out by a filter).
    waiting: BTreeMap<usize, Option<Counted>>,
    sink: &'s mut (dyn EvidenceSink + Send),
    /// Documents written, in order.
    docs: Vec<DocThemeMatches>,
    text_bytes: u64,
    /// A worker failed: the others stop.
    failed: bool,
    /// Workers waiting for `next` to advance: a worker that moves it wakes them only when
    /// there are some (a wake-up is a system call even when nobody sleeps).
    sleepers: usize,
}

impl Merge<'_> {
    /// Takes document `i` and writes the rows of every document that is now next. After a
    /// failure (of the sink or of a worker) nothing more is written: the sink sees no row
    /// after the one it refused.
    fn push(
        &mut self,
        i: usize,
        counted: Option<Counted>,
        context: usize,
        skip_turns: bool,
    ) -> Result<()> {
        if self.failed {
            return Ok(());
        }
        self.waiting.insert(i, counted);
        while let Some(entry) = self.waiting.remove(&self.next) {
            self.next += 1;
            let Some((mut matches, text, bytes)) = entry else {
                continue;
            };
            let sink = &mut *self.sink;
            let written =
                EvidenceSource::new(&matches.doc, &text)
                    .rows(&matches.matches, context, |row| sink.row(row));
            if let Err(e) = written {
                self.failed = true;
                return Err(e);
            }
            if skip_turns {
                matches.doc.paragraphs = Vec::new();
            }
            self.docs.push(matches);
            self.text_bytes += bytes;
        }
        Ok(())
    }
}

/// Marks a [`Merge`] failed and wakes the waiting workers when a worker thread unwinds
/// (the panic itself is resumed when the threads are joined).
struct WakeOnPanic<'m, 's> {
    merge: &'m Mutex<Merge<'s>>,
    advanced: &'m Condvar,
}

impl Drop for WakeOnPanic<'_, '_> {
    fn drop(&mut self) {
        if thread::panicking() {
            let mut state = self.merge.lock().unwrap_or_else(|p| p.into_inner());
            state.failed = true;
            self.advanced.notify_all();
        }
    }
}

/// The count behind [`count_with`] and [`count_into`]: without a sink, documents are read
/// in index order and sorted at the end; with one, they are taken in their output order
/// ([`IndexStore::date_id_order`]) and their rows written through a [`Merge`].
fn count_docs(
    store: &IndexStore,
    matcher: &Matcher,
    filter: &DocFilter,
    options: &CountOptions,
    progress: &(dyn Fn(Progress) + Sync),
    sink: Option<&mut (dyn EvidenceSink + Send)>,
) -> Result<CountResult> {
    matcher.check_langs(&filter.langs)?;
    let reader = store.scan_reader()?;
    let searcher = reader.searcher();
    // Stored documents are decoded from their bytes (UTF-8 checked with simdutf8, values
    // moved into the document): the same documents as `Searcher::doc` gives, without its
    // generic deserializer.
    let docs = store.scan_doc_bytes_reader(&searcher)?;
    let mut addresses = store.select(&reader, filter)?;
    let keys = match sink {
        Some(_) => Some(store.date_id_order(&searcher, &mut addresses)?),
        None => None,
    };
    let evidence = sink.is_some();
    progress(Progress::Selected(addresses.len()));
    let threads = match options.threads {
        0 => thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .clamp(1, addresses.len().clamp(1, crate::index::MAX_THREADS));
    let context = match options.context_chars {
        0 => CONTEXT_CHARS,
        n => n,
    };
    let turn_filter = filter
        .turns
        .compile()
        .map_err(crate::index::IndexError::from)?;
    let registry = filter.turns.registry();
    // `speaker:` names in a paragraph query resolve through the same registry.
    let paragraph_query = filter.paragraphs.as_ref().map(|paragraphs| {
        paragraphs
            .query
            .with_speakers(|| std::sync::Arc::clone(&registry))
            .unwrap_or_else(|| paragraphs.query.clone())
    });
    let addresses = &addresses;
    // Counts the document at position `i`; `None` when a filter leaves it out.
    let count_one = |i: usize,
                     scratch: &mut Scratch,
                     paragraph_scanner: &mut ParagraphScanner,
                     resolver: &mut Resolver<'_>|
     -> Result<Option<Counted>> {
        let bytes = store.doc_bytes(&docs, addresses[i])?;
        // A paragraph filter or extra terms read the document whole; otherwise the
        // text is borrowed from the stored bytes and copied only for evidence rows.
        let whole = filter.paragraphs.is_some() || !options.terms.is_empty();
        let (mut stored, turns, text) = store.load_apart(&bytes, !whole)?;
        if whole {
            stored.doc.text = text.to_owned();
        }
        if let Some((date, id)) = keys.as_ref().map(|keys| &keys[i])
            && (stored.doc.date != *date || stored.doc.id != *id)
        {
            // The order was taken from the index columns; a stored document that
            // disagrees with them would put its evidence rows out of order.
            return Err(crate::index::IndexError::CorruptDocument {
                id: stored.doc.id.clone(),
                reason: format!("the index lists it as {id} of {date}"),
            }
            .into());
        }
        let name = resolver
            .person(&stored.doc.speaker)
            .map(|person| person.name.clone());
        if let Some(name) = name {
            stored.doc.speaker = name;
        }
        // A paragraph filter is applied first: a document without a kept paragraph
        // is not selected, and is neither matched nor summarised.
        let kept = match &filter.paragraphs {
            Some(paragraphs) => {
                let query = paragraph_query.as_ref().unwrap_or(&paragraphs.query);
                let matching = paragraph_scanner.matching_paragraphs(query, &stored.doc);
                let kept = paragraphs.widen(&matching);
                if !kept.contains(&true) {
                    return Ok(None);
                }
                Some(kept)
            }
            None => None,
        };
        // The matcher asks for the turns only when a turn-scoped pattern can fire;
        // otherwise they are parsed only for evidence rows (their speakers) and
        // the summary.
        let mut parsed = None;
        let found = {
            let doc = &stored.doc;
            let mut ask = || match parse_turns(&doc.id, &turns) {
                Ok(paragraphs) => {
                    let numbers = turn_numbers(&paragraphs);
                    parsed = Some(Ok(paragraphs));
                    numbers
                }
                Err(e) => {
                    parsed = Some(Err(e));
                    Vec::new()
                }
            };
            let mut found = matcher.match_with_turns(doc.lang, text, &mut ask, scratch);
            if !options.terms.is_empty() {
                for term in &options.terms {
                    found.extend(term.matches(paragraph_scanner, doc));
                }
                found.sort_by_key(|m| (m.para, m.start, m.end));
            }
            if let Some(kept) = &kept {
                found.retain(|m| kept.get(m.para).copied().unwrap_or(false));
            }
            found
        };
        // Kept paragraphs need their word counts, and a turn filter the speakers,
        // which the turns carry.
        let need_turns = !options.skip_turns
            || kept.is_some()
            || !filter.turns.is_empty()
            || (evidence && !found.is_empty());
        let mut found = found;
        match parsed {
            Some(paragraphs) => stored.structure.paragraphs = paragraphs?,
            None if need_turns => {
                stored.structure.paragraphs = parse_turns(&stored.doc.id, &turns)?;
            }
            None => {}
        }
        resolver.resolve_turns(&mut stored.structure.paragraphs, stored.doc.date);
        // A turn filter keeps, of the paragraphs kept so far, those of its speakers.
        let mut kept = kept;
        if !filter.turns.is_empty() {
            let by_turn = turn_filter.accepted(&stored.structure.paragraphs);
            let both: Vec<bool> = match &kept {
                Some(kept) => by_turn
                    .iter()
                    .enumerate()
                    .map(|(p, k)| *k && kept.get(p).copied().unwrap_or(false))
                    .collect(),
                None => by_turn,
            };
            if !both.contains(&true) {
                // The speakers asked for say nothing here.
                return Ok(None);
            }
            found.retain(|m| both.get(m.para).copied().unwrap_or(false));
            kept = Some(both);
        }
        let n_bytes = text.len() as u64;
        // The text stays for the evidence rows, written once the documents before
        // this one are.
        let text = if !evidence || found.is_empty() {
            String::new()
        } else if whole {
            // Already copied for the paragraph filter or the terms.
            std::mem::take(&mut stored.doc.text)
        } else {
            text.to_owned()
        };
        let mut doc = DocSummary::take(stored);
        if let Some(kept) = kept {
            doc.keep_paragraphs(kept);
        }
        // With evidence still to write, the merge drops the turns after writing it.
        if options.skip_turns && !evidence {
            doc.paragraphs = Vec::new();
        }
        let matches = DocThemeMatches {
            doc,
            matches: found,
        };
        Ok(Some((matches, text, n_bytes)))
    };
    let next = AtomicUsize::new(0);
    let result = match sink {
        None => {
            let failed = AtomicBool::new(false);
            type Done = (usize, Counted);
            let work = || -> Result<Vec<Done>> {
                let mut scratch = Scratch::for_threads(threads);
                let mut paragraph_scanner = ParagraphScanner::default();
                let mut resolver = Resolver::new(&registry);
                let mut out = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= addresses.len() || failed.load(Ordering::Relaxed) {
                        return Ok(out);
                    }
                    match count_one(i, &mut scratch, &mut paragraph_scanner, &mut resolver) {
                        Ok(Some(counted)) => out.push((i, counted)),
                        Ok(None) => {}
                        Err(e) => {
                            failed.store(true, Ordering::Relaxed);
                            return Err(e);
                        }
                    }
                    progress(Progress::Done);
                }
            };
            let mut done: Vec<Done> = Vec::with_capacity(addresses.len());
            for part in run_threads(threads, work) {
                done.extend(part?);
            }
            // Positions are sorted, then the results moved once (sorting the results
            // themselves moved each of them many times).
            let mut order: Vec<usize> = (0..done.len()).collect();
            let key = |i: usize| (done[i].1.0.doc.date, done[i].1.0.doc.id.as_str(), done[i].0);
            order.sort_unstable_by(|&a, &b| key(a).cmp(&key(b)));
            let mut slots: Vec<Option<Done>> = done.into_iter().map(Some).collect();
            let mut result = CountResult {
                docs: Vec::with_capacity(slots.len()),
                ..CountResult::default()
            };
            for (_, (matches, _, bytes)) in order.into_iter().filter_map(|i| slots[i].take()) {
                result.docs.push(matches);
                result.text_bytes += bytes;
            }
            result
        }
        Some(sink) => {
            let merge = Mutex::new(Merge {
                next: 0,
                waiting: BTreeMap::new(),
                sink,
                docs: Vec::with_capacity(addresses.len()),
                text_bytes: 0,
                failed: false,
                sleepers: 0,
            });
            let advanced = Condvar::new();
            let ahead = AHEAD_PER_THREAD * threads;
            let lock = || merge.lock().unwrap_or_else(|poison| poison.into_inner());
            let work = || -> Result<()> {
                let mut scratch = Scratch::for_threads(threads);
                let mut paragraph_scanner = ParagraphScanner::default();
                let mut resolver = Resolver::new(&registry);
                // A panicking worker must not leave the others waiting for its document.
                let _wake = WakeOnPanic {
                    merge: &merge,
                    advanced: &advanced,
                };
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= addresses.len() {
                        return Ok(());
                    }
                    {
                        // Wait while this document is too far ahead of the writing.
                        let mut state = lock();
                        while !state.failed && i >= state.next + ahead {
                            state.sleepers += 1;
                            state = advanced
                                .wait(state)
                                .unwrap_or_else(|poison| poison.into_inner());
                            state.sleepers -= 1;
                        }
                        if state.failed {
                            return Ok(());
                        }
                    }
                    let pushed = count_one(i, &mut scratch, &mut paragraph_scanner, &mut resolver)
                        .and_then(|counted| {
                            let mut state = lock();
                            state.push(i, counted, context, options.skip_turns)?;
                            Ok(state.sleepers > 0)
                        });
                    match pushed {
                        Ok(false) => {}
                        Ok(true) => advanced.notify_all(),
                        Err(e) => {
                            lock().failed = true;
                            advanced.notify_all();
                            return Err(e);
                        }
                    }
                    progress(Progress::Done);
                }
            };
            for part in run_threads(threads, work) {
                part?;
            }
            let merge = merge
                .into_inner()
                .unwrap_or_else(|poison| poison.into_inner());
            CountResult {
                docs: merge.docs,
                evidence: Vec::new(),
                text_bytes: merge.text_bytes,
            }
        }
    };
    Ok(result)
}

/// Runs `work` on `threads` scoped threads and returns what each returned (a panic in one
/// is resumed here).
fn run_threads<T: Send>(threads: usize, work: impl Fn() -> T + Sync) -> Vec<T> {
    thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(&work)).collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::document::{DocStructure, Document, Lang, Role};

    #[test]
    fn a_matcher_for_some_languages_counts_them_and_refuses_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let store = IndexStore::open_or_create(dir.path()).unwrap();
        let mut writer = store.writer(1, 15_000_000).unwrap();
        for (id, lang, text) in [
            ("en1", "en", "Sanctions are futile.\\nThe sanctions failed."),
            ("ru1", "ru", "Санкции бесполезны."),
        ] {
            let doc: Document = serde_json::from_str(&format!(
                r#"{{"id": "{id}", "date": "2017-09-05", "title": "t", "speaker": "s", "source": "kremlin.ru", "kind": "news", "lang": "{lang}", "url": "", "text": "{text}", "tags": [], "location": null}}"#
            ))
            .unwrap();
            writer
                .add_document(store.to_tantivy(&doc, &DocStructure::default()))
                .unwrap();
        }
        writer.commit().unwrap();
        let set = ThemeSet::from_toml(
            Path::new("t.toml"),
            "name = \"t\"\n[[theme]]\nid = \"s\"\n[theme.en]\npatterns = [\"sanctions\"]\n\
             [theme.ru]\npatterns = [\"санкции\"]\n",
        )
        .unwrap();
        let counted = |matcher: &Matcher, langs: &[Lang]| {
            let filter = DocFilter {
                langs: langs.to_vec(),
                ..DocFilter::default()
            };
            count_with(&store, matcher, &filter, &CountOptions::default(), &|_| {}).map(|result| {
                let docs = result.docs.iter();
                docs.map(|d| (d.doc.id.clone(), d.matches.len()))
                    .collect::<Vec<_>>()
            })
        };
        let all = Matcher::new(&set).unwrap();
        let english = Matcher::for_langs(&set, &[Lang::En]).unwrap();
        assert_eq!(
            counted(&english, &[Lang::En]).unwrap(),
            counted(&all, &[Lang::En]).unwrap()
        );
        assert_eq!(
            counted(&all, &[Lang::En]).unwrap(),
            [("en1".to_string(), 2)]
        );
        for langs in [&[][..], &[Lang::Ru], &[Lang::En, Lang::Ru]] {
            let refused = counted(&english, langs).unwrap_err().to_string();
            assert!(refused.contains("compiled for en only"), "{refused}");
            assert!(refused.contains("selects ru documents"), "{refused}");
        }
        let both = Matcher::for_langs(&set, &[Lang::Ru, Lang::En]).unwrap();
        assert_eq!(counted(&both, &[]).unwrap(), counted(&all, &[]).unwrap());
        assert_eq!(counted(&all, &[]).unwrap().len(), 2);
    }

    #[test]
    fn a_turn_starts_where_the_speaker_changes() {
        let turn = |speaker: Option<&str>| ParagraphTurn {
            speaker: speaker.map(String::from),
            role: Role::Other,
            n_words: 1,
        };
        let paragraphs = [
            turn(None),
            turn(Some("Question")),
            turn(Some("Vladimir Putin")),
            turn(Some("Vladimir Putin")),
            turn(Some("Question")),
            turn(Some("Vladimir Putin")),
        ];
        assert_eq!(turn_numbers(&paragraphs), [0, 1, 2, 2, 3, 4]);
        assert!(turn_numbers(&[]).is_empty());
    }
}
