//! `statemine export`: the selected documents of an index as JSON Lines, to a file with its
//! manifest or to standard output.

use std::path::{Path, PathBuf};

use clap::Args;

use statemine::export::{ManifestContext, write_documents, write_documents_to};
use statemine::index::IndexStore;

use super::Outcome;
use super::common::{FilterArgs, IndexArgs, SpeakerUse, note_unmatched_names};
use super::output::{Output, note};

/// Arguments of `statemine export`.
#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub index: IndexArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Write the documents to FILE (.jsonl, or .jsonl.gz compressed) and FILE.manifest.json
    /// instead of printing them.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Runs `statemine export`.
pub fn run(args: ExportArgs) -> anyhow::Result<Outcome> {
    let filter = args.filter.to_filter_for(SpeakerUse::TurnFilter)?;
    // Documents go out whole: a turn filter would be silently ignored.
    anyhow::ensure!(
        filter.turns.is_empty(),
        "--turn-speaker and --role do not apply to export, which writes whole documents \
         (--speaker selects documents by their main speaker)"
    );
    let store = IndexStore::open(&args.index.index)?;
    note_unmatched_names(&store, &filter)?;
    let documents = match &args.out {
        Some(path) => {
            let context = ManifestContext {
                args: std::env::args().collect(),
                index: Some(store.fingerprint()?),
                ..ManifestContext::default()
            };
            let n = write_documents(&store, &filter, path, &context)?;
            note(format_args!(
                "wrote {} ({n} documents) and {}",
                path.display(),
                statemine::export::manifest_path(path).display()
            ));
            n
        }
        None => {
            let mut out = Output::stdout();
            write_documents_to(&store, &filter, out.writer(), Path::new("-"))?
        }
    };
    Ok(if documents == 0 {
        Outcome::NoHits
    } else {
        Outcome::Done
    })
}
