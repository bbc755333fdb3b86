//! Full-text search: the query language, filters, ranking, counting and highlighted passages.
//!
//! A query goes through four steps: [`crate::query`] parses the text into an [`Expr`]
//! (precise errors with 1-based columns) and analyzes every word and phrase with the
//! English and the Russian analyzer (the same as the index) into a [`Plan`], the index turns
//! the plan into a Tantivy query, `build` combines it with the [`DocFilter`], and `collect`
//! / `count` gather hits or counts. Hits are then decorated: `matcher` finds the query's spans in the stored text
//! with the same analyzer and `passages` picks the best sentences around them. With a
//! [`TurnFilter`], candidates are verified on their stored speaker turns (`turns`).
//! [`ParagraphScanner`] evaluates a plan on each paragraph of a stored document alone, for
//! theme counting (`--para`, query terms).
//!
//! Contract: nothing here prints; [`IndexSearcher`] reads one snapshot of the index (the last
//! commit when it was created), so a long-lived process answers many queries from it.

mod build;
mod collect;
mod count;
mod error;
mod frame;
mod matcher;
mod paragraphs;
mod passages;
mod scan;
mod turns;

use std::cell::RefCell;
use std::ops::Range;

use tantivy::DocAddress;
use tantivy::collector::{Count, DocSetCollector};
use tantivy::query::Query;

pub use crate::query::{Expr, FieldName, Leaf, LeafValue, Plan, parse};
pub use collect::SortOrder;
pub use count::{GroupBy, GroupCount};
pub use error::SearchError;
pub use frame::{HIT_COLUMNS, count_frame, groups_frame, hits_frame, rounded_score};
pub use paragraphs::{ParagraphHit, ParagraphScanner};
pub use passages::Passage;
pub use turns::TurnFilter;

use crate::document::Document;
use crate::index::TurnMatcher;
use crate::index::{DocBytesReader, DocFilter, IndexStore, StoredDocument, parse_turns};
use crate::text::Analyzer;
use matcher::{Span, Target, TokenIndex, find_spans};
use scan::Scanner;

/// What to return for a query.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    /// Metadata filter (dates, speakers, sources, kinds, languages).
    pub filter: DocFilter,
    /// Only what these speakers or roles said (verified on stored turns).
    pub turns: TurnFilter,
    /// Order of hits.
    pub sort: SortOrder,
    /// Hits to skip.
    pub offset: usize,
    /// Hits to return at most (`None`: all).
    pub limit: Option<usize>,
    /// Passages per hit (0: none, and the text is not analyzed).
    pub passages: usize,
    /// Whether to count every matching document too.
    pub total: bool,
    /// Whether each hit's `doc.text` holds the document's text (otherwise it is empty).
    /// Without it, and without passages or a turn filter to verify, the text is not read
    /// from the store: it is most of a long document's bytes, and nothing else of a hit
    /// (title, metadata, passages) needs it.
    pub text: bool,
}

impl Default for SearchRequest {
    fn default() -> SearchRequest {
        SearchRequest {
            filter: DocFilter::default(),
            turns: TurnFilter::default(),
            sort: SortOrder::Score,
            offset: 0,
            limit: Some(10),
            passages: 3,
            total: false,
            text: false,
        }
    }
}

/// One matching document.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The document as ingested; its `text` is empty unless the request asked for it
    /// ([`SearchRequest::text`]).
    pub doc: Document,
    /// BM25 relevance (0 for queries with no scored words, such as `NOT x` or `speaker:x`).
    pub score: f32,
    /// Matched words and phrases in the title (byte ranges).
    pub title_highlights: Vec<Range<usize>>,
    /// The best passages, best first (empty when none were asked for).
    pub passages: Vec<Passage>,
}

/// The answer to a search.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    /// The requested page of hits.
    pub hits: Vec<Hit>,
    /// Every matching document, when asked for.
    pub total: Option<u64>,
}

/// A filter and its query (`None`: it selects everything).
type FilterQuery = (DocFilter, Option<Box<dyn Query>>);

/// Runs queries against one snapshot of an index.
pub struct IndexSearcher<'a> {
    store: &'a IndexStore,
    searcher: tantivy::Searcher,
    docs: DocBytesReader,
    analyzer: Analyzer,
    scanner: Scanner,
    /// The last filter's query: a batch of queries shares one filter, whose speaker and
    /// source names are resolved against the index once rather than per query.
    last_filter: RefCell<Option<FilterQuery>>,
}

/// A query's spans in one stored document: all of them, positive and negative.
struct DocSpans {
    /// Spans in the text, with their paragraph index.
    text: Vec<(usize, Span)>,
    title: Vec<Span>,
}

impl<'a> IndexSearcher<'a> {
    /// A searcher over the last commit of `store`.
    pub fn new(store: &'a IndexStore) -> Result<IndexSearcher<'a>, SearchError> {
        let searcher = store.reader()?.searcher();
        let docs = store.doc_bytes_reader(&searcher)?;
        Ok(IndexSearcher {
            store,
            searcher,
            docs,
            analyzer: Analyzer::default(),
            scanner: Scanner::default(),
            last_filter: RefCell::new(None),
        })
    }

    /// Parses and analyzes a query.
    pub fn plan(&mut self, query: &str) -> Result<Plan, SearchError> {
        Ok(Plan::new(&parse(query)?, &mut self.analyzer)?)
    }

    /// Documents in the index snapshot.
    pub fn num_docs(&self) -> u64 {
        self.searcher.num_docs()
    }

    /// The hits of `plan` as described by `request`, collected.
    pub fn search(
        &mut self,
        plan: &Plan,
        request: &SearchRequest,
    ) -> Result<SearchResults, SearchError> {
        let mut hits = Vec::new();
        let total = self.search_each(plan, request, |hit| {
            hits.push(hit);
            Ok::<(), SearchError>(())
        })?;
        Ok(SearchResults { hits, total })
    }

    /// Calls `visit` with each hit of `plan` as described by `request`, in order, as soon as
    /// it is ready (memory stays bounded by one hit, even with no limit); an error from
    /// `visit` stops the search. Returns the total number of matching documents when
    /// `request.total` asks for it.
    pub fn search_each<E: From<SearchError>>(
        &mut self,
        plan: &Plan,
        request: &SearchRequest,
        mut visit: impl FnMut(Hit) -> Result<(), E>,
    ) -> Result<Option<u64>, E> {
        let resolved = plan.with_speakers(|| request.filter.turns.registry());
        let plan = resolved.as_ref().unwrap_or(plan);
        let query = self.query(plan, &request.filter)?;
        let all = usize::try_from(self.searcher.num_docs()).unwrap_or(usize::MAX);
        if request.turns.is_empty() {
            let limit = request.limit.unwrap_or(all);
            let top =
                collect::top_docs(&self.searcher, &*query, request.sort, request.offset, limit)
                    .map_err(|e| SearchError::from(self.store.engine_error(e)))?;
            // Without a turn filter a hit needs no speaker turns (they stay unparsed), and
            // its text only for passages.
            let text = request.text || request.passages > 0;
            for (score, address) in top {
                let (stored, _) = self
                    .store
                    .load_bytes(&self.docs, address, text)
                    .map_err(SearchError::from)?;
                visit(self.decorate(plan, stored, score, None, request))?;
            }
            return Ok(if request.total {
                Some(self.count_query(&*query)?)
            } else {
                None
            });
        }
        let turns = request.turns.compile().map_err(SearchError::from)?;
        let candidates = collect::top_docs(&self.searcher, &*query, request.sort, 0, all)
            .map_err(|e| SearchError::from(self.store.engine_error(e)))?;
        let limit = request.limit.unwrap_or(usize::MAX);
        let (mut verified, mut shown) = (0usize, 0usize);
        for (score, address) in candidates {
            if shown == limit && !request.total {
                break;
            }
            let stored = self.load(address)?;
            let Some(accepted) = self.verify(plan, &stored, &turns) else {
                continue;
            };
            verified += 1;
            if verified > request.offset && shown < limit {
                shown += 1;
                visit(self.decorate(plan, stored, score, Some(&accepted), request))?;
            }
        }
        Ok(request.total.then_some(verified as u64))
    }

    /// The number of documents matching `plan`, `filter` and `turns`.
    pub fn count(
        &mut self,
        plan: &Plan,
        filter: &DocFilter,
        turns: &TurnFilter,
    ) -> Result<u64, SearchError> {
        let resolved = plan.with_speakers(|| filter.turns.registry());
        let plan = resolved.as_ref().unwrap_or(plan);
        let query = self.query(plan, filter)?;
        if turns.is_empty() {
            return self.count_query(&*query);
        }
        let turns = turns.compile()?;
        let mut count = 0;
        for address in self.addresses(&*query)? {
            let stored = self.load(address)?;
            count += u64::from(self.verify(plan, &stored, &turns).is_some());
        }
        Ok(count)
    }

    /// Matching documents per group: years and months in order, names largest first.
    pub fn count_by(
        &mut self,
        plan: &Plan,
        filter: &DocFilter,
        turns: &TurnFilter,
        by: GroupBy,
    ) -> Result<Vec<GroupCount>, SearchError> {
        let resolved = plan.with_speakers(|| filter.turns.registry());
        let plan = resolved.as_ref().unwrap_or(plan);
        let query = self.query(plan, filter)?;
        let counts = if turns.is_empty() {
            self.searcher
                .search(&*query, &count::GroupCollector { by })
                .map_err(|e| self.store.engine_error(e))?
        } else {
            let turns = turns.compile()?;
            let mut counts = std::collections::HashMap::new();
            for address in self.addresses(&*query)? {
                let stored = self.load(address)?;
                if self.verify(plan, &stored, &turns).is_some() {
                    *counts.entry(by.key_of(&stored.doc)).or_insert(0) += 1;
                }
            }
            counts
        };
        let counts = match by {
            GroupBy::Speaker => count::by_person(counts, &filter.turns.registry()),
            _ => counts,
        };
        Ok(count::sorted_groups(by, counts))
    }

    fn query(&self, plan: &Plan, filter: &DocFilter) -> Result<Box<dyn Query>, SearchError> {
        let mut last = self.last_filter.borrow_mut();
        let filter_query = match &*last {
            Some((seen, query)) if seen == filter => query.as_ref().map(|q| q.box_clone()),
            _ => {
                let query = build::filter_query(filter, self.store, &self.searcher)?;
                let copy = query.as_ref().map(|q| q.box_clone());
                *last = Some((filter.clone(), query));
                copy
            }
        };
        build::build_query(plan, filter_query, self.store, &self.searcher)
    }

    fn count_query(&self, query: &dyn Query) -> Result<u64, SearchError> {
        let count = self
            .searcher
            .search(query, &Count)
            .map_err(|e| self.store.engine_error(e))?;
        Ok(count as u64)
    }

    fn addresses(&self, query: &dyn Query) -> Result<Vec<DocAddress>, SearchError> {
        let mut addresses: Vec<DocAddress> = self
            .searcher
            .search(query, &DocSetCollector)
            .map_err(|e| self.store.engine_error(e))?
            .into_iter()
            .collect();
        addresses.sort();
        Ok(addresses)
    }

    /// The stored document at `address`, whole, with its speaker turns.
    fn load(&self, address: DocAddress) -> Result<StoredDocument, SearchError> {
        let (mut stored, turns) = self.store.load_bytes(&self.docs, address, true)?;
        stored.structure.paragraphs = parse_turns(&stored.doc.id, &turns)?;
        Ok(stored)
    }

    /// The query's spans in `doc`; text spans only in paragraphs that `wanted` accepts.
    fn spans(&mut self, plan: &Plan, doc: &Document, wanted: &dyn Fn(usize) -> bool) -> DocSpans {
        let mut text = Vec::new();
        for paragraph in self.scanner.paragraphs(plan, doc.lang, &doc.text, wanted) {
            let index = TokenIndex::new(&paragraph.tokens);
            text.extend(
                find_spans(plan, doc.lang, Target::Text, &index)
                    .into_iter()
                    .map(|s| (paragraph.para, s)),
            );
        }
        DocSpans {
            text,
            title: self.title_spans(plan, doc),
        }
    }

    fn title_spans(&mut self, plan: &Plan, doc: &Document) -> Vec<Span> {
        let tokens = self.scanner.tokens(plan, doc.lang, &doc.title);
        find_spans(plan, doc.lang, Target::Title, &TokenIndex::new(&tokens))
    }

    /// The accepted paragraphs of a candidate that satisfies the query within them.
    fn verify(
        &mut self,
        plan: &Plan,
        stored: &StoredDocument,
        turns: &TurnMatcher,
    ) -> Option<Vec<bool>> {
        let accepted = turns.accepted_stored(&stored.structure.paragraphs, stored.doc.date);
        if !accepted.contains(&true) {
            return None;
        }
        let spans = self.spans(plan, &stored.doc, &|para| {
            accepted.get(para).copied().unwrap_or(false)
        });
        turns::satisfies(plan, &stored.doc, &spans.text, &spans.title, &accepted)
            .then_some(accepted)
    }

    fn decorate(
        &mut self,
        plan: &Plan,
        stored: StoredDocument,
        score: f32,
        accepted: Option<&[bool]>,
        request: &SearchRequest,
    ) -> Hit {
        let max_passages = request.passages;
        let mut doc = stored.doc;
        let title_highlights = passages::merge(
            self.title_spans(plan, &doc)
                .into_iter()
                .filter(|s| s.positive)
                .map(|s| s.start..s.end),
        );
        let allowed = |para: usize| accepted.is_none_or(|a| a.get(para).copied().unwrap_or(false));
        let mut found = Vec::new();
        if max_passages > 0 {
            if plan.has_positive_text() {
                let spans: Vec<Span> = self
                    .spans(plan, &doc, &allowed)
                    .text
                    .into_iter()
                    .map(|(_, s)| s)
                    .filter(|s| s.positive)
                    .collect();
                found = passages::best_passages(&doc.text, &spans, &allowed, max_passages);
            }
            if found.is_empty() {
                found.extend(passages::lead_passage(&doc.text, &allowed));
            }
        }
        if !request.text {
            doc.text = String::new();
        }
        Hit {
            doc,
            score,
            title_highlights,
            passages: found,
        }
    }
}

#[cfg(test)]
mod tests;
