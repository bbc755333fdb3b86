//! `statemine trends`, `compare`, `first` and `run`.

use std::path::PathBuf;

use clap::Args;

use super::Outcome;
use super::common::IndexArgs;

/// Arguments of `statemine trends`.
#[derive(Args, Debug)]
pub struct TrendsArgs {
    #[command(flatten)]
    pub index: IndexArgs,
}

/// Arguments of `statemine compare`.
#[derive(Args, Debug)]
pub struct CompareArgs {
    /// First period or group.
    pub a: String,
    /// Second period or group.
    pub b: String,
    #[command(flatten)]
    pub index: IndexArgs,
}

/// Arguments of `statemine first`.
#[derive(Args, Debug)]
pub struct FirstArgs {
    /// Only this theme.
    pub theme: Option<String>,
    #[command(flatten)]
    pub index: IndexArgs,
}

/// Arguments of `statemine run`.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// The job file (TOML).
    pub job: PathBuf,
}

/// Runs `statemine trends`.
pub fn trends(_args: TrendsArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("trends is not implemented yet")
}

/// Runs `statemine compare`.
pub fn compare(_args: CompareArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("compare is not implemented yet")
}

/// Runs `statemine first`.
pub fn first(_args: FirstArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("first is not implemented yet")
}

/// Runs `statemine run`.
pub fn run_job(_args: RunArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("run is not implemented yet")
}
