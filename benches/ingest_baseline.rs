//! Baseline for `benches/ingest.sh`: index JSON Lines files with plain Tantivy.
//!
//! Same texts, same fields indexed with positions, same writer threads and memory budget as
//! `statemine ingest`, but none of its work on top: no validation, date parsing, structure
//! (counts, speaker turns), content hashes or duplicate handling.
//!
//! The analyzer is Tantivy's usual stemming chain (`SimpleTokenizer`, `RemoveLongFilter`,
//! `LowerCaser`, then a Snowball stemmer run on every token, as Tantivy's own `Stemmer`
//! filter does), plus the `ё`→`е` fold; `--analyzer statemine` uses statemine's analyzer
//! instead (which remembers the stems of words it has seen).
//!
//! Usage: `ingest-baseline [--analyzer tantivy|statemine] [--threads N] INDEX_DIR FILE.jsonl...`
//! (`--threads`: Tantivy indexing threads, as `statemine ingest --threads`; default one per
//! core)
//! (built with `cargo build --release --features bench-baseline --bin ingest-baseline`).
//! Prints one line: `baseline docs=N bytes=B seconds=S`.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::time::Instant;

use rust_stemmers::{Algorithm, Stemmer};
use statemine::document::Lang;
use statemine::text::{analyzer_name, text_analyzer};
use tantivy::schema::{IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token, TokenFilter, TokenStream,
    Tokenizer,
};
use tantivy::{Index, TantivyDocument};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut ours = false;
    if let Some(at) = args.iter().position(|a| a == "--analyzer") {
        ours = args.get(at + 1).map(String::as_str) == Some("statemine");
        args.drain(at..(at + 2).min(args.len()));
    }
    let mut threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if let Some(at) = args.iter().position(|a| a == "--threads") {
        threads = args
            .get(at + 1)
            .and_then(|n| n.parse().ok())
            .unwrap_or(threads);
        args.drain(at..(at + 2).min(args.len()));
    }
    let mut args = args.into_iter();
    // An option left over (`--help`, a misspelt one) is not taken for the index folder.
    let Some(dir) = args.next().filter(|dir| !dir.starts_with('-')) else {
        eprintln!(
            "usage: ingest-baseline [--analyzer tantivy|statemine] [--threads N] INDEX_DIR FILE.jsonl..."
        );
        std::process::exit(2);
    };
    let files: Vec<String> = args.collect();

    let mut builder = Schema::builder();
    let id = builder.add_text_field("id", STRING | STORED);
    let title = builder.add_text_field("title", STORED);
    let text = builder.add_text_field("text", STORED);
    let mut analyzed = Vec::new();
    for lang in [Lang::En, Lang::Ru] {
        let options = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer_name(lang))
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        analyzed.push(builder.add_text_field(&format!("text_{lang}"), options));
    }
    std::fs::create_dir_all(&dir)?;
    let index = Index::create_in_dir(&dir, builder.build())?;
    for lang in [Lang::En, Lang::Ru] {
        let analyzer = if ours {
            text_analyzer(lang)
        } else {
            plain_analyzer(lang)
        };
        index.tokenizers().register(analyzer_name(lang), analyzer);
    }
    // As statemine: at most Tantivy's 8 threads, at least 16 MB of the budget for each.
    let threads = threads.clamp(1, 8);
    let budget = (256 * 1024 * 1024).max(threads * 16 * 1024 * 1024);
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(threads, budget)?;

    let start = Instant::now();
    let (mut docs, mut bytes) = (0u64, 0u64);
    for path in &files {
        for line in BufReader::new(File::open(path)?).lines() {
            let line = line?;
            bytes += line.len() as u64 + 1;
            let record: serde_json::Value = serde_json::from_str(&line)?;
            let field = |name: &str| record[name].as_str().unwrap_or("").to_string();
            let body = field("text");
            let lang_field = if field("lang") == "ru" {
                analyzed[1]
            } else {
                analyzed[0]
            };
            let mut doc = TantivyDocument::default();
            doc.add_text(id, field("id"));
            doc.add_text(title, field("title"));
            doc.add_text(lang_field, &body);
            doc.add_text(text, body);
            writer.add_document(doc)?;
            docs += 1;
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let seconds = start.elapsed().as_secs_f64();
    println!("baseline docs={docs} bytes={bytes} seconds={seconds:.3}");
    Ok(())
}

/// Tantivy's usual stemming analyzer, with the `ё` fold statemine also does.
fn plain_analyzer(lang: Lang) -> TextAnalyzer {
    let algorithm = match lang {
        Lang::En => Algorithm::English,
        Lang::Ru => Algorithm::Russian,
    };
    TextAnalyzer::builder(SimpleTokenizer::default())
        // The token length limit of statemine's analyzer (`text::words::MAX_TOKEN_BYTES`).
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(PlainStemmer(algorithm))
        .build()
}

/// A Snowball stemmer run on every token, as Tantivy's `Stemmer` filter does.
#[derive(Clone, Copy)]
struct PlainStemmer(Algorithm);

impl TokenFilter for PlainStemmer {
    type Tokenizer<T: Tokenizer> = PlainStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> PlainStemmerFilter<T> {
        PlainStemmerFilter {
            algorithm: self.0,
            inner,
        }
    }
}

#[derive(Clone)]
struct PlainStemmerFilter<T> {
    algorithm: Algorithm,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for PlainStemmerFilter<T> {
    type TokenStream<'a> = PlainStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        PlainStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: Stemmer::create(self.algorithm),
            buffer: String::new(),
        }
    }
}

struct PlainStemmerStream<T> {
    tail: T,
    stemmer: Stemmer,
    buffer: String,
}

impl<T: TokenStream> TokenStream for PlainStemmerStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if token.text.contains('ё') {
            token.text = token.text.replace('ё', "е");
        }
        let stem = self.stemmer.stem(&token.text);
        self.buffer.clear();
        self.buffer.push_str(&stem);
        std::mem::swap(&mut token.text, &mut self.buffer);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}
