//! The best passages of a hit: sentences around the query's matches, with the matched
//! words and whole phrases as highlight ranges.
//!
//! Contract: a passage never crosses a paragraph (its `para` is the paragraph index in the
//! text split on `\n`); highlight ranges are byte offsets into the passage's own `text`,
//! sorted, non-overlapping, and always on character boundaries. Candidates are sentences
//! holding a match; they are ranked by the number of distinct phrases they contain, then
//! distinct query leaves, then matches, and the best ones are returned best first. A short
//! sentence borrows its neighbours for context; a long one is cut around its matches, with
//! `…` where text was left out.

use std::ops::Range;

use serde::Serialize;

use super::matcher::Span;
use crate::text::sentence_spans;

/// Passages shorter than this (in bytes) take the next or previous sentence as context.
const MIN_CONTEXT: usize = 120;
/// Passages longer than this (in bytes) are cut around their matches.
const MAX_LENGTH: usize = 360;
/// Context kept before the first match of a cut passage (in bytes).
const LEAD: usize = 100;
/// Marks text left out at either end of a passage.
const ELLIPSIS: &str = "…";

/// One passage of a hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Passage {
    /// 0-based paragraph index in the text split on `\n`.
    pub para: usize,
    /// The passage, with `…` where it was cut.
    pub text: String,
    /// Matched words and phrases: byte ranges into `text`.
    pub highlights: Vec<Range<usize>>,
}

/// A paragraph of the text: its index and byte range.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paragraph {
    pub(crate) index: usize,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// Byte ranges of the paragraphs of `text` (split on `\n`, as [`crate::document::Document::paragraphs`]).
pub(crate) fn paragraphs(text: &str) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let mut start = 0;
    for (index, part) in text.split('\n').enumerate() {
        out.push(Paragraph {
            index,
            start,
            end: start + part.len(),
        });
        start += part.len() + 1;
    }
    out
}

/// The index of the paragraph holding byte `offset`.
pub(crate) fn paragraph_of(paragraphs: &[Paragraph], offset: usize) -> usize {
    paragraphs
        .partition_point(|p| p.end < offset)
        .min(paragraphs.len().saturating_sub(1))
}

struct Candidate {
    para: usize,
    /// Sentence indexes (in the paragraph's sentence list) covered.
    first: usize,
    last: usize,
    start: usize,
    end: usize,
    score: (usize, usize, usize),
}

/// Up to `max` best passages of `text` for the positive `spans` (absolute offsets, sorted by
/// start) that lie in paragraphs accepted by `allowed`.
pub(crate) fn best_passages(
    text: &str,
    spans: &[Span],
    allowed: &dyn Fn(usize) -> bool,
    max: usize,
) -> Vec<Passage> {
    if max == 0 {
        return Vec::new();
    }
    let paragraphs = paragraphs(text);
    let mut candidates = Vec::new();
    let mut sentences_of: Vec<Vec<Range<usize>>> = vec![Vec::new(); paragraphs.len()];
    let mut i = 0;
    while i < spans.len() {
        let para = paragraph_of(&paragraphs, spans[i].start);
        let paragraph = paragraphs[para];
        let in_para = spans[i..]
            .iter()
            .take_while(|s| s.start <= paragraph.end)
            .count();
        let para_spans = &spans[i..i + in_para];
        i += in_para;
        if !allowed(para) {
            continue;
        }
        let sentences: Vec<Range<usize>> = sentence_spans(&text[paragraph.start..paragraph.end])
            .into_iter()
            .map(|r| paragraph.start + r.start..paragraph.start + r.end)
            .collect();
        let mut j = 0;
        while j < para_spans.len() {
            let first = sentences
                .iter()
                .position(|s| para_spans[j].start < s.end)
                .unwrap_or(sentences.len().saturating_sub(1));
            let sentence = sentences
                .get(first)
                .cloned()
                .unwrap_or(paragraph.start..paragraph.end);
            // A span belongs to the sentence it starts in; a phrase running past the stop
            // pulls the following sentences in.
            let mut end = sentence.end;
            let mut members = Vec::new();
            while j < para_spans.len() && para_spans[j].start < end {
                end = end.max(para_spans[j].end);
                members.push(para_spans[j]);
                j += 1;
            }
            let last = sentences
                .iter()
                .rposition(|s| s.start < end)
                .unwrap_or(first)
                .max(first);
            let end = sentences.get(last).map_or(end, |s| s.end.max(end));
            candidates.push(Candidate {
                para,
                first,
                last,
                start: sentence.start.min(members[0].start),
                end,
                score: score(&members),
            });
        }
        sentences_of[para] = sentences;
    }
    // Best first; on a tie the earlier passage wins.
    candidates.sort_by(|a, b| b.score.cmp(&a.score).then(a.start.cmp(&b.start)));
    let mut chosen: Vec<Candidate> = Vec::new();
    for candidate in candidates {
        if chosen.len() == max {
            break;
        }
        if chosen
            .iter()
            .all(|c| candidate.end <= c.start || candidate.start >= c.end)
        {
            chosen.push(candidate);
        }
    }
    let chosen = join_neighbours(chosen);
    let taken: Vec<(usize, usize, usize)> =
        chosen.iter().map(|c| (c.para, c.first, c.last)).collect();
    chosen
        .into_iter()
        .map(|mut c| {
            let para = c.para;
            widen(&mut c, &sentences_of[para], &taken);
            render(text, &c, spans)
        })
        .collect()
}

/// Chosen passages that are consecutive sentences of one paragraph read better as one
/// passage (when it stays short); the joined passage keeps the better rank.
fn join_neighbours(mut chosen: Vec<Candidate>) -> Vec<Candidate> {
    let rank: Vec<(usize, usize)> = chosen.iter().map(|c| (c.para, c.first)).collect();
    let rank_of = |c: &Candidate| rank.iter().position(|&r| r == (c.para, c.first));
    chosen.sort_by_key(|c| (c.para, c.first));
    let mut joined: Vec<(usize, Candidate)> = Vec::new();
    for c in chosen {
        let r = rank_of(&c).unwrap_or(usize::MAX);
        match joined.last_mut() {
            Some((last_rank, last))
                if last.para == c.para
                    && c.first <= last.last + 1
                    && c.end - last.start <= MAX_LENGTH =>
            {
                last.last = last.last.max(c.last);
                last.end = last.end.max(c.end);
                *last_rank = (*last_rank).min(r);
            }
            _ => joined.push((r, c)),
        }
    }
    joined.sort_by_key(|(r, _)| *r);
    joined.into_iter().map(|(_, c)| c).collect()
}

/// Distinct phrases, distinct leaves, matches.
fn score(members: &[Span]) -> (usize, usize, usize) {
    let mut leaves: Vec<usize> = members.iter().map(|s| s.leaf).collect();
    leaves.sort_unstable();
    leaves.dedup();
    let mut phrases: Vec<usize> = members
        .iter()
        .filter(|s| s.phrase)
        .map(|s| s.leaf)
        .collect();
    phrases.sort_unstable();
    phrases.dedup();
    (phrases.len(), leaves.len(), members.len())
}

/// Adds neighbouring sentences of the same paragraph to a short passage, never taking a
/// sentence that belongs to another chosen passage.
fn widen(c: &mut Candidate, sentences: &[Range<usize>], taken: &[(usize, usize, usize)]) {
    let free = |k: usize, me: (usize, usize)| {
        taken.iter().all(|&(para, first, last)| {
            para != c.para || (first, last) == me || k < first || k > last
        })
    };
    let me = (c.first, c.last);
    while c.end - c.start < MIN_CONTEXT {
        if c.last + 1 < sentences.len() && free(c.last + 1, me) {
            c.last += 1;
            c.end = sentences[c.last].end;
        } else if c.first > 0 && free(c.first - 1, me) {
            c.first -= 1;
            c.start = sentences[c.first].start;
        } else {
            break;
        }
    }
}

/// The passage text (cut when long) and its highlights.
fn render(text: &str, c: &Candidate, spans: &[Span]) -> Passage {
    let inside: Vec<Range<usize>> = merge(
        spans
            .iter()
            .filter(|s| s.start >= c.start && s.end <= c.end)
            .map(|s| s.start..s.end),
    );
    let (mut start, mut end) = (c.start, c.end);
    if end - start > MAX_LENGTH {
        let first = inside.first().map_or(start, |r| r.start);
        start = word_start(text, first.saturating_sub(LEAD).max(start), first);
        end = word_end(text, (start + MAX_LENGTH).min(end), end);
        if let Some(r) = inside.iter().find(|r| r.start < end && r.end > end) {
            // Never cut a highlighted phrase in two.
            end = r.end;
        }
    }
    let mut out = String::new();
    let cut_before = start > c.start;
    if cut_before {
        out.push_str(ELLIPSIS);
        out.push(' ');
    }
    let shift = out.len();
    out.push_str(&text[start..end]);
    if end < c.end {
        out.push(' ');
        out.push_str(ELLIPSIS);
    }
    let highlights = inside
        .into_iter()
        .filter(|r| r.start >= start && r.end <= end)
        .map(|r| r.start - start + shift..r.end - start + shift)
        .collect();
    Passage {
        para: c.para,
        text: out,
        highlights,
    }
}

/// Overlapping or touching ranges merged, in order.
pub(crate) fn merge(ranges: impl Iterator<Item = Range<usize>>) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = ranges.collect();
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// The start of the word at or after `from` (not past `limit`), on a char boundary.
fn word_start(text: &str, from: usize, limit: usize) -> usize {
    let mut at = from;
    while at < limit && !text.is_char_boundary(at) {
        at += 1;
    }
    if at == 0 || at >= limit {
        return at.min(limit);
    }
    match text[at..limit].find(char::is_whitespace) {
        Some(space) if !text[..at].ends_with(char::is_whitespace) => {
            let after = at + space;
            after + text[after..].len() - text[after..].trim_start().len()
        }
        _ => at,
    }
}

/// The end of the word at or before `from` (not before the words must end), on a char boundary.
fn word_end(text: &str, from: usize, limit: usize) -> usize {
    let mut at = from.min(limit);
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    if at >= limit {
        return limit;
    }
    match text[..at].rfind(char::is_whitespace) {
        Some(space) if space > 0 => text[..space].trim_end().len(),
        _ => at,
    }
}

/// A passage for a hit without a text match (title or metadata only): the start of the
/// first allowed paragraph, uncut when short.
pub(crate) fn lead_passage(text: &str, allowed: &dyn Fn(usize) -> bool) -> Option<Passage> {
    let paragraph = paragraphs(text)
        .into_iter()
        .find(|p| allowed(p.index) && !text[p.start..p.end].trim().is_empty())?;
    let body = &text[paragraph.start..paragraph.end];
    let mut end = body.len();
    let mut cut = false;
    if end > MAX_LENGTH {
        end = word_end(body, MAX_LENGTH, body.len());
        cut = true;
    }
    let mut out = body[..end].trim().to_string();
    if cut {
        out.push(' ');
        out.push_str(ELLIPSIS);
    }
    Some(Passage {
        para: paragraph.index,
        text: out,
        highlights: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Lang;
    use crate::query::Plan;
    use crate::query::parse;
    use crate::search::matcher::{Target, TokenIndex, find_spans};
    use crate::text::Analyzer;

    fn passages(query: &str, text: &str, max: usize) -> Vec<Passage> {
        let mut analyzer = Analyzer::default();
        let plan = Plan::new(&parse(query).unwrap(), &mut analyzer).unwrap();
        let tokens = analyzer.tokens(Lang::En, text);
        let spans: Vec<Span> = find_spans(&plan, Lang::En, Target::Text, &TokenIndex::new(&tokens))
            .into_iter()
            .filter(|s| s.positive)
            .collect();
        best_passages(text, &spans, &|_| true, max)
    }

    fn marked(p: &Passage) -> String {
        let mut out = String::new();
        let mut at = 0;
        for r in &p.highlights {
            out.push_str(&p.text[at..r.start]);
            out.push('[');
            out.push_str(&p.text[r.clone()]);
            out.push(']');
            at = r.end;
        }
        out.push_str(&p.text[at..]);
        out
    }

    #[test]
    fn a_phrase_is_highlighted_whole() {
        let text = "Short. We think that sanctions are useless and harmful to everybody involved in the talks.";
        let found = passages("\"sanctions are useless\"", text, 3);
        assert_eq!(found.len(), 1);
        assert_eq!(
            marked(&found[0]),
            "Short. We think that [sanctions are useless] and harmful to everybody involved in the talks."
        );
        assert_eq!(found[0].para, 0);
    }

    #[test]
    fn a_sentence_with_the_phrase_beats_one_with_more_loose_words() {
        let text = "Sanctions, sanctions and more sanctions were useless, useless.\nNobody here likes fish.\nThey said sanctions are useless.";
        let found = passages("\"sanctions are useless\" OR sanctions OR useless", text, 2);
        assert_eq!(found[0].para, 2);
        assert!(
            marked(&found[0]).contains("[sanctions are useless]"),
            "{found:?}"
        );
        assert_eq!(found[1].para, 0);
    }

    #[test]
    fn more_distinct_terms_rank_first_and_passages_do_not_overlap() {
        let text = "Korea was mentioned. Talks about Korea and peace went on for hours and hours in the hall. Peace again.";
        let found = passages("korea OR peace", text, 3);
        assert!(
            marked(&found[0]).contains("Talks about [Korea] and [peace]"),
            "{found:?}"
        );
        for (a, b) in found.iter().zip(found.iter().skip(1)) {
            assert!(!a.text.contains(&b.text) && !b.text.contains(&a.text));
        }
    }

    #[test]
    fn long_sentences_are_cut_around_matches_on_word_boundaries() {
        let filler = "word ".repeat(150);
        let text = format!("{filler}the Korean Peninsula matters {filler}");
        let found = passages("\"korean peninsula\"", &text, 1);
        let p = &found[0];
        assert!(p.text.starts_with("… word"), "{}", p.text);
        assert!(p.text.ends_with("word …"), "{}", p.text);
        assert!(p.text.len() < MAX_LENGTH + 20);
        assert_eq!(&p.text[p.highlights[0].clone()], "Korean Peninsula");
    }

    #[test]
    fn cyrillic_cuts_stay_on_char_boundaries() {
        let filler = "слово ".repeat(120);
        let text = format!("{filler}санкции бесполезны {filler}");
        let mut analyzer = Analyzer::default();
        let plan = Plan::new(&parse("санкциям").unwrap(), &mut analyzer).unwrap();
        let tokens = analyzer.tokens(Lang::Ru, &text);
        let spans = find_spans(&plan, Lang::Ru, Target::Text, &TokenIndex::new(&tokens));
        let found = best_passages(&text, &spans, &|_| true, 1);
        let p = &found[0];
        assert_eq!(&p.text[p.highlights[0].clone()], "санкции");
    }

    #[test]
    fn disallowed_paragraphs_give_no_passage() {
        let text = "Korea here.\nKorea there.";
        let mut analyzer = Analyzer::default();
        let plan = Plan::new(&parse("korea").unwrap(), &mut analyzer).unwrap();
        let tokens = analyzer.tokens(Lang::En, text);
        let spans = find_spans(&plan, Lang::En, Target::Text, &TokenIndex::new(&tokens));
        let found = best_passages(text, &spans, &|para| para == 1, 3);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].para, 1);
        assert_eq!(found[0].text, "Korea there.");
    }

    #[test]
    fn lead_passage_skips_empty_paragraphs() {
        let p = lead_passage("\nFirst words.\nSecond.", &|_| true).unwrap();
        assert_eq!((p.para, p.text.as_str()), (1, "First words."));
    }

    #[test]
    fn paragraph_of_finds_the_paragraph() {
        let paragraphs = paragraphs("ab\ncd\n\nef");
        assert_eq!(paragraph_of(&paragraphs, 0), 0);
        assert_eq!(paragraph_of(&paragraphs, 3), 1);
        assert_eq!(paragraph_of(&paragraphs, 7), 3);
    }
}
