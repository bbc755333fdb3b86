//! `statemine ingest` and `statemine info`.

use std::path::PathBuf;

use clap::Args;

use super::Outcome;
use super::common::IndexArgs;

/// Arguments of `statemine ingest`.
#[derive(Args, Debug)]
pub struct IngestArgs {
    /// Input files, folders or globs (`-` for standard input).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub index: IndexArgs,
}

/// Arguments of `statemine info`.
#[derive(Args, Debug)]
pub struct InfoArgs {
    #[command(flatten)]
    pub index: IndexArgs,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Runs `statemine ingest`.
pub fn run(_args: IngestArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("ingest is not implemented yet")
}

/// Runs `statemine info`.
pub fn info(_args: InfoArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("info is not implemented yet")
}
