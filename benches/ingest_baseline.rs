//! Baseline for `benches/ingest.sh`: index JSON Lines files with plain Tantivy.
//!
//! Same texts, same analyzer (`statemine::text::text_analyzer`), same writer threads and
//! memory budget as `statemine ingest`, but none of its work on top: no validation, date
//! parsing, structure (counts, speaker turns), content hashes or duplicate handling.
//! Usage: `cargo bench --bench ingest_baseline -- INDEX_DIR FILE.jsonl...`
//! Prints one line: `baseline docs=N bytes=B seconds=S`.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::time::Instant;

use statemine::document::Lang;
use statemine::text::{analyzer_name, text_analyzer};
use tantivy::schema::{IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::{Index, TantivyDocument};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let Some(dir) = args.next() else {
        eprintln!("usage: ingest_baseline INDEX_DIR FILE.jsonl...");
        return Ok(());
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
        index
            .tokenizers()
            .register(analyzer_name(lang), text_analyzer(lang));
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(threads, 256_000_000)?;

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
