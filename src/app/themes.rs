//! `statemine themes ...` and `statemine kwic`.

use clap::{Args, Subcommand};

use super::Outcome;
use super::common::IndexArgs;

/// Subcommands of `statemine themes`.
#[derive(Subcommand, Debug)]
pub enum ThemesCommand {
    /// Count every theme in every document, with evidence.
    Count(CountArgs),
}

/// Arguments of `statemine themes count`.
#[derive(Args, Debug)]
pub struct CountArgs {
    #[command(flatten)]
    pub index: IndexArgs,
}

/// Arguments of `statemine kwic`.
#[derive(Args, Debug)]
pub struct KwicArgs {
    /// A theme id or a query.
    pub target: String,
    #[command(flatten)]
    pub index: IndexArgs,
}

/// Runs a `statemine themes` subcommand.
pub fn run(_command: ThemesCommand) -> anyhow::Result<Outcome> {
    anyhow::bail!("themes is not implemented yet")
}

/// Runs `statemine kwic`.
pub fn kwic(_args: KwicArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("kwic is not implemented yet")
}
