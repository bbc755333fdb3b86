//! `statemine search`.

use clap::Args;

use super::Outcome;
use super::common::{FilterArgs, IndexArgs};

/// Arguments of `statemine search`.
#[derive(Args, Debug)]
pub struct SearchArgs {
    /// The query.
    pub query: String,
    #[command(flatten)]
    pub index: IndexArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
}

/// Runs `statemine search`.
pub fn run(_args: SearchArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("search is not implemented yet")
}
