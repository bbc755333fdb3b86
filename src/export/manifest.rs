//! Manifests: the `FILE.manifest.json` written beside every exported file, so a table or
//! chart can be traced to what made it and re-made.
//!
//! Contract: a manifest records the tool and its version, the time (UTC, RFC 3339), the
//! full command line, the output (path, format, rows, columns), the index it was computed
//! from ([`IndexFingerprint`]: document count and content hash, from
//! [`crate::index::IndexStore::fingerprint`]), and the theme file and job file (name, path
//! and BLAKE3 of the bytes) when there are ones.

use std::io::Write;
use std::path::{Path, PathBuf};

use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};

use super::ExportError;
use super::atomic::{Staged, commit_pair, stage_bytes};
use crate::index::IndexFingerprint;

/// An input file (theme file, job file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileFingerprint {
    /// File name.
    pub name: String,
    /// Path as given.
    pub path: String,
    /// BLAKE3 of the file's bytes.
    pub hash: String,
}

/// The exported file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputInfo {
    /// Path as written.
    pub path: String,
    /// Format (`csv`, `parquet`, `json`, `ndjson`, `svg`, ...).
    pub format: String,
    /// Rows of the table (points of a chart).
    pub rows: usize,
    /// Column names (series of a chart).
    pub columns: Vec<String>,
}

/// What every manifest of one run shares: command line and inputs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestContext {
    /// The full command line (`std::env::args`).
    pub args: Vec<String>,
    /// The index, when one was read.
    pub index: Option<IndexFingerprint>,
    /// The theme file, when one was used.
    pub themes: Option<FileFingerprint>,
    /// The model file the theme file names, when it names one.
    pub model: Option<FileFingerprint>,
    /// The job file, for outputs of `statemine run`.
    pub job: Option<FileFingerprint>,
}

/// The content of a `FILE.manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `statemine`.
    pub tool: String,
    /// Version of statemine.
    pub version: String,
    /// When the file was written (UTC, RFC 3339).
    pub created: String,
    /// The full command line.
    pub args: Vec<String>,
    /// The exported file.
    pub output: OutputInfo,
    /// The index read.
    pub index: Option<IndexFingerprint>,
    /// The theme file used.
    pub themes: Option<FileFingerprint>,
    /// The model file of the theme file's learned themes (absent when it has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<FileFingerprint>,
    /// The job file run.
    pub job: Option<FileFingerprint>,
}

impl ManifestContext {
    /// The manifest of `output`, stamped now.
    pub fn manifest(&self, output: OutputInfo) -> Manifest {
        Manifest {
            tool: "statemine".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            args: self.args.clone(),
            output,
            index: self.index.clone(),
            themes: self.themes.clone(),
            model: self.model.clone(),
            job: self.job.clone(),
        }
    }
}

impl OutputInfo {
    /// Describes `df` written to `path` in `format`.
    pub fn table(path: &Path, format: &str, df: &DataFrame) -> OutputInfo {
        OutputInfo {
            path: path.display().to_string(),
            format: format.into(),
            rows: df.height(),
            columns: df
                .get_column_names()
                .iter()
                .map(|n| n.to_string())
                .collect(),
        }
    }
}

/// Where the manifest of `output` goes: `output` with `.manifest.json` appended.
pub fn manifest_path(output: &Path) -> PathBuf {
    let mut name = output.as_os_str().to_owned();
    name.push(".manifest.json");
    PathBuf::from(name)
}

/// Writes the manifest of `output` beside it (whole or not at all) and returns its path.
pub fn write_manifest(output: &Path, manifest: &Manifest) -> Result<PathBuf, ExportError> {
    let staged = stage_manifest(output, manifest)?;
    let path = staged.path().to_path_buf();
    staged.commit()?;
    Ok(path)
}

/// Writes the manifest of `output` to a temporary file beside it.
pub(crate) fn stage_manifest(output: &Path, manifest: &Manifest) -> Result<Staged, ExportError> {
    let path = manifest_path(output);
    let io = |source| ExportError::Io {
        path: path.clone(),
        source,
    };
    let mut text = serde_json::to_string_pretty(manifest).map_err(|e| io(e.into()))?;
    text.push('\n');
    let mut staged = Staged::create(&path)?;
    staged.writer().write_all(text.as_bytes()).map_err(io)?;
    Ok(staged)
}

/// Writes `df` to `path` (format by extension, see [`super::write_table`]) and its
/// manifest beside it, replacing both as a pair (the table first, then the manifest, each
/// through a temporary file renamed into place); returns the manifest's path.
pub fn write_table_with_manifest(
    df: &mut DataFrame,
    path: &Path,
    context: &ManifestContext,
) -> Result<PathBuf, ExportError> {
    let format = super::TableFormat::from_path(path)?;
    let table = super::table::stage_table(df, path)?;
    let info = OutputInfo::table(path, format.as_str(), df);
    let manifest = stage_manifest(path, &context.manifest(info))?;
    let manifest_path = manifest.path().to_path_buf();
    commit_pair(table, manifest)?;
    Ok(manifest_path)
}

/// Writes `bytes` to `path` and its manifest (describing the output as `info`) beside it,
/// replaced as a pair (see [`super::write_atomic`]); returns the manifest's path.
pub fn write_bytes_with_manifest(
    bytes: &[u8],
    path: &Path,
    info: OutputInfo,
    context: &ManifestContext,
) -> Result<PathBuf, ExportError> {
    let staged = stage_bytes(path, bytes)?;
    let manifest = stage_manifest(path, &context.manifest(info))?;
    let manifest_path = manifest.path().to_path_buf();
    commit_pair(staged, manifest)?;
    Ok(manifest_path)
}

/// Fingerprint of a file: name, path and BLAKE3 of its bytes.
pub fn file_fingerprint(path: &Path) -> Result<FileFingerprint, ExportError> {
    let bytes = std::fs::read(path).map_err(|source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(bytes_fingerprint(path, &bytes))
}

/// Fingerprint of `bytes` known by `path` (a file compiled into the binary).
pub fn bytes_fingerprint(path: &Path, bytes: &[u8]) -> FileFingerprint {
    hashed_fingerprint(path, blake3::hash(bytes).to_hex().to_string())
}

/// Fingerprint of a file known by `path` whose bytes were hashed when they were read
/// (`hash`: BLAKE3, lowercase hex, as [`bytes_fingerprint`] computes it).
pub fn hashed_fingerprint(path: &Path, hash: String) -> FileFingerprint {
    FileFingerprint {
        name: path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        path: path.display().to_string(),
        hash,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_is_written_beside_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let themes = dir.path().join("themes.toml");
        std::fs::write(&themes, "x = 1\n").unwrap();
        let output = dir.path().join("trends.csv");
        let context = ManifestContext {
            args: vec!["statemine".into(), "trends".into()],
            index: None,
            themes: Some(file_fingerprint(&themes).unwrap()),
            model: None,
            job: None,
        };
        let df = polars::df!("a" => [1u64, 2], "b" => ["x", "y"]).unwrap();
        let path = write_manifest(
            &output,
            &context.manifest(OutputInfo::table(&output, "csv", &df)),
        )
        .unwrap();
        assert_eq!(path, dir.path().join("trends.csv.manifest.json"));
        let back: Manifest =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(back.tool, "statemine");
        assert_eq!(back.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(back.output.rows, 2);
        assert_eq!(back.output.columns, ["a", "b"]);
        let themes = back.themes.unwrap();
        assert_eq!(themes.name, "themes.toml");
        assert_eq!(themes.hash, blake3::hash(b"x = 1\n").to_hex().to_string());
        assert!(
            chrono::DateTime::parse_from_rfc3339(&back.created).is_ok(),
            "{}",
            back.created
        );
        assert!(back.created.ends_with('Z'));
    }
}
