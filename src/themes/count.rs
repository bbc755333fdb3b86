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

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;

use super::evidence::{CONTEXT_CHARS, evidence_rows_with_context};
use super::{DocSummary, DocThemeMatches, EvidenceRow, Matcher, QueryTerm, Scratch, ThemeSet};
use crate::Result;
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

/// Counts with a compiled matcher, reporting [`Progress`] (from worker threads).
pub fn count_with(
    store: &IndexStore,
    matcher: &Matcher,
    filter: &DocFilter,
    options: &CountOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<CountResult> {
    let reader = store.scan_reader()?;
    let searcher = reader.searcher();
    let addresses = store.select(&reader, filter)?;
    progress(Progress::Selected(addresses.len()));
    let threads = match options.threads {
        0 => thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .clamp(1, addresses.len().max(1));
    let context = match options.context_chars {
        0 => CONTEXT_CHARS,
        n => n,
    };
    let turn_filter = filter
        .turns
        .compile()
        .map_err(crate::index::IndexError::from)?;
    let registry = &filter.turns.registry;
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    type Done = (usize, DocThemeMatches, Vec<EvidenceRow>, u64);
    let work = || -> Result<Vec<Done>> {
        let mut scratch = Scratch::default();
        let mut paragraph_scanner = ParagraphScanner::default();
        let mut out = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= addresses.len() || failed.load(Ordering::Relaxed) {
                return Ok(out);
            }
            let counted = (|| -> Result<Option<(DocThemeMatches, Vec<EvidenceRow>, u64)>> {
                let (mut stored, turns) = store.load_deferring_turns(&searcher, addresses[i])?;
                if let Some(person) = registry.person(&stored.doc.speaker) {
                    stored.doc.speaker = person.name.clone();
                }
                // A paragraph filter is applied first: a document without a kept paragraph
                // is not selected, and is neither matched nor summarised.
                let kept = match &filter.paragraphs {
                    Some(paragraphs) => {
                        let matching =
                            paragraph_scanner.matching_paragraphs(&paragraphs.query, &stored.doc);
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
                    let mut found =
                        matcher.match_with_turns(doc.lang, &doc.text, &mut ask, &mut scratch);
                    if !options.terms.is_empty() {
                        for term in &options.terms {
                            found.extend(term.matches(&mut paragraph_scanner, doc));
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
                    || (options.evidence && !found.is_empty());
                let mut found = found;
                match parsed {
                    Some(paragraphs) => stored.structure.paragraphs = paragraphs?,
                    None if need_turns => {
                        stored.structure.paragraphs = parse_turns(&stored.doc.id, &turns)?;
                    }
                    None => {}
                }
                registry.resolve_turns(&mut stored.structure.paragraphs, stored.doc.date);
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
                let evidence = if options.evidence {
                    evidence_rows_with_context(&stored, &found, context)
                } else {
                    Vec::new()
                };
                let bytes = stored.doc.text.len() as u64;
                let mut doc = DocSummary::take(stored);
                if let Some(kept) = kept {
                    doc.keep_paragraphs(kept);
                }
                if options.skip_turns {
                    doc.paragraphs = Vec::new();
                }
                let matches = DocThemeMatches {
                    doc,
                    matches: found,
                };
                Ok(Some((matches, evidence, bytes)))
            })();
            match counted {
                Ok(Some((matches, evidence, bytes))) => out.push((i, matches, evidence, bytes)),
                Ok(None) => {}
                Err(e) => {
                    failed.store(true, Ordering::Relaxed);
                    return Err(e);
                }
            }
            progress(Progress::Done);
        }
    };
    let per_thread: Vec<Result<Vec<Done>>> = thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut done: Vec<Done> = Vec::with_capacity(addresses.len());
    for part in per_thread {
        done.extend(part?);
    }
    // Positions are sorted, then the results moved once (sorting the results themselves
    // moved each of them many times).
    let mut order: Vec<usize> = (0..done.len()).collect();
    let key = |i: usize| (done[i].1.doc.date, done[i].1.doc.id.as_str(), done[i].0);
    order.sort_unstable_by(|&a, &b| key(a).cmp(&key(b)));
    let mut slots: Vec<Option<Done>> = done.into_iter().map(Some).collect();
    let mut result = CountResult {
        docs: Vec::with_capacity(slots.len()),
        ..CountResult::default()
    };
    for (_, matches, evidence, bytes) in order.into_iter().filter_map(|i| slots[i].take()) {
        result.docs.push(matches);
        result.evidence.extend(evidence);
        result.text_bytes += bytes;
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Role;

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
