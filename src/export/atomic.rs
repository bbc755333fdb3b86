//! Outputs written whole or not at all.
//!
//! A file is written to a temporary file in its destination folder and renamed over the
//! destination once complete (a rename within one folder is atomic), so a killed or failing
//! run never leaves a truncated file. An output and its manifest are replaced as a pair:
//! both are staged first, then the old manifest is removed, the output renamed into place
//! and the manifest renamed last. Whatever point a run is killed at, a manifest that exists
//! describes the output beside it (at worst a new output has no manifest yet); a run that
//! fails before the renames leaves both old files as they were and removes its temporary
//! files.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::ExportError;
use crate::index::IndexStore;

/// Bytes buffered before each write to the staged file: large outputs (an evidence table of
/// hundreds of megabytes) go to the kernel in few calls.
pub(crate) const OUTPUT_BUFFER: usize = 256 * 1024;

/// A file being written beside its destination, not yet visible under its name.
pub(crate) struct Staged {
    temp: BufWriter<NamedTempFile>,
    path: PathBuf,
}

impl Staged {
    /// Starts writing `path` (creating its parent folders). A path inside the folder of an
    /// index is refused: an output named `meta.json` there would destroy the index.
    pub(crate) fn create(path: &Path) -> Result<Staged, ExportError> {
        let io = |source| ExportError::Io {
            path: path.to_path_buf(),
            source,
        };
        if let Some(index) = IndexStore::enclosing_index(path) {
            return Err(ExportError::InsideIndex {
                path: path.to_path_buf(),
                index: index.to_path_buf(),
            });
        }
        let parent = output_folder(path)?;
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let mut builder = tempfile::Builder::new();
        let prefix = format!(".{name}.");
        builder.prefix(&prefix).suffix(".tmp");
        // The mode a plain `File::create` gives (0666 less the umask), not the temporary
        // file's private 0600: outputs such as the HTML report are meant to be shared.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let temp = builder.tempfile_in(parent).map_err(io)?;
        Ok(Staged {
            temp: BufWriter::with_capacity(OUTPUT_BUFFER, temp),
            path: path.to_path_buf(),
        })
    }

    /// Where the file goes.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The writer of the content.
    pub(crate) fn writer(&mut self) -> &mut BufWriter<NamedTempFile> {
        &mut self.temp
    }

    /// A second handle of the file being written, for a writer that must own what it
    /// writes to (nothing may be written through [`Staged::writer`] meanwhile: the
    /// handles share one position, not one buffer).
    pub(crate) fn clone_file(&self) -> Result<File, ExportError> {
        self.temp
            .get_ref()
            .as_file()
            .try_clone()
            .map_err(|source| ExportError::Io {
                path: self.path.clone(),
                source,
            })
    }

    /// Flushes and syncs the content, ready to be renamed into place.
    fn finish(self) -> Result<(NamedTempFile, PathBuf), ExportError> {
        let io = |source| ExportError::Io {
            path: self.path.clone(),
            source,
        };
        let path = self.path.clone();
        let temp = self.temp.into_inner().map_err(|e| io(e.into_error()))?;
        temp.as_file().sync_all().map_err(io)?;
        Ok((temp, path))
    }

    /// Renames the finished file into place, replacing what was there.
    pub(crate) fn commit(self) -> Result<(), ExportError> {
        let (temp, path) = self.finish()?;
        persist(temp, &path)
    }
}

impl Write for Staged {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.temp.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.temp.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.temp.flush()
    }
}

/// The folder `path` goes in (`.` for a bare name), created when missing.
pub(crate) fn output_folder(path: &Path) -> Result<&Path, ExportError> {
    match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(parent) => {
            std::fs::create_dir_all(parent).map_err(|source| ExportError::Io {
                path: parent.to_path_buf(),
                source,
            })?;
            Ok(parent)
        }
        None => Ok(Path::new(".")),
    }
}

fn persist(temp: NamedTempFile, path: &Path) -> Result<(), ExportError> {
    temp.persist(path)
        .map(|_: File| ())
        .map_err(|e| ExportError::Io {
            path: path.to_path_buf(),
            source: e.error,
        })
}

/// Replaces `output` and its `manifest` as a pair (see the module contract).
pub(crate) fn commit_pair(output: Staged, manifest: Staged) -> Result<(), ExportError> {
    let (output_temp, output_path) = output.finish()?;
    let (manifest_temp, manifest_path) = manifest.finish()?;
    match std::fs::remove_file(&manifest_path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(source) => {
            return Err(ExportError::Io {
                path: manifest_path,
                source,
            });
        }
    }
    persist(output_temp, &output_path)?;
    persist(manifest_temp, &manifest_path)
}

/// `bytes` staged for `path` (see [`Staged::create`]).
pub(crate) fn stage_bytes(path: &Path, bytes: &[u8]) -> Result<Staged, ExportError> {
    let mut staged = Staged::create(path)?;
    staged
        .writer()
        .write_all(bytes)
        .map_err(|source| ExportError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(staged)
}

/// Writes `bytes` to `path` whole or not at all (creating parent folders).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    stage_bytes(path, bytes)?.commit()
}

#[cfg(test)]
mod tests {
    #[cfg(unix)]
    #[test]
    fn outputs_get_the_mode_of_a_plain_file_not_a_private_temporary_one() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (staged, plain) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
        super::write_atomic(&staged, b"x").unwrap();
        std::fs::write(&plain, b"x").unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&staged), mode(&plain));
        assert_ne!(mode(&staged), 0o600);
    }

    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_staged_file_is_invisible_until_committed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old\n").unwrap();
        let mut staged = Staged::create(&path).unwrap();
        staged.writer().write_all(b"new\n").unwrap();
        staged.writer().flush().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
        staged.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        assert_eq!(names(dir.path()), ["out.csv"]);
    }

    #[test]
    fn an_abandoned_file_leaves_the_old_one_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old\n").unwrap();
        let mut staged = Staged::create(&path).unwrap();
        staged.writer().write_all(b"half").unwrap();
        drop(staged);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
        assert_eq!(names(dir.path()), ["out.csv"]);
    }

    #[test]
    fn a_pair_is_replaced_together() {
        let dir = tempfile::tempdir().unwrap();
        let (out, manifest) = (dir.path().join("t.csv"), dir.path().join("t.csv.m"));
        std::fs::write(&out, "old").unwrap();
        std::fs::write(&manifest, "old manifest").unwrap();
        let mut a = Staged::create(&out).unwrap();
        a.writer().write_all(b"new").unwrap();
        let mut b = Staged::create(&manifest).unwrap();
        b.writer().write_all(b"new manifest").unwrap();
        commit_pair(a, b).unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(&manifest).unwrap(), "new manifest");
        assert_eq!(names(dir.path()), ["t.csv", "t.csv.m"]);
    }
}
