//! Reading an index the user may not write to (a shared folder mounted read-only, another
//! user's files).
//!
//! The engine's readers take the meta lock while they load the list of segments, so that a
//! writer's garbage collection cannot delete a segment under them; taking it opens a lock
//! file for writing, which a read-only folder refuses, and every read command failed with
//! "Failed to acquire Lockfile". [`ReadOnlyTolerant`] is the engine's memory-mapped folder
//! with one difference: when the meta lock cannot be taken because the folder cannot be
//! written (permission denied, read-only file system), reading goes on without it. Nothing
//! this process does can then delete a file; a writer with more rights running at the same
//! time could, and the engine's retries on a vanished segment cover that case. The writer's
//! lock is never relaxed: an ingest into a read-only folder still fails at once.

use std::io;
use std::path::Path;
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, META_LOCK, MmapDirectory, WatchCallback,
    WatchHandle, WritePtr,
};

/// The memory-mapped folder of an index, readable without write access (see the module).
#[derive(Debug, Clone)]
pub(crate) struct ReadOnlyTolerant {
    inner: MmapDirectory,
}

impl ReadOnlyTolerant {
    /// The folder `dir`.
    pub(crate) fn open(dir: &Path) -> Result<ReadOnlyTolerant, tantivy::TantivyError> {
        let inner = MmapDirectory::open(dir).map_err(tantivy::TantivyError::from)?;
        Ok(ReadOnlyTolerant { inner })
    }
}

/// Whether a lock failed because the folder cannot be written at all.
fn unwritable(error: &LockError) -> bool {
    match error {
        LockError::IoError(io) => matches!(
            io.kind(),
            io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
        ),
        LockError::LockBusy => false,
    }
}

/// Whether a failed lock may be passed over: only the readers' meta lock, only when the
/// folder cannot be written.
fn may_read_without(lock: &Lock, error: &LockError) -> bool {
    lock.filepath == META_LOCK.filepath && unwritable(error)
}

impl Directory for ReadOnlyTolerant {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.inner.acquire_lock(lock) {
            Err(error) if may_read_without(lock, &error) => Ok(DirectoryLock::from(Box::new(()))),
            other => other,
        }
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::directory::INDEX_WRITER_LOCK;

    fn io_error(kind: io::ErrorKind) -> LockError {
        LockError::IoError(Arc::new(io::Error::from(kind)))
    }

    #[test]
    fn only_the_meta_lock_of_an_unwritable_folder_is_passed_over() {
        let denied = io_error(io::ErrorKind::PermissionDenied);
        let read_only = io_error(io::ErrorKind::ReadOnlyFilesystem);
        assert!(may_read_without(&META_LOCK, &denied));
        assert!(may_read_without(&META_LOCK, &read_only));
        // A writer never goes on without its lock, nor a reader when another holds it or
        // the disk failed otherwise.
        assert!(!may_read_without(&INDEX_WRITER_LOCK, &denied));
        assert!(!may_read_without(&META_LOCK, &LockError::LockBusy));
        assert!(!may_read_without(
            &META_LOCK,
            &io_error(io::ErrorKind::StorageFull)
        ));
    }

    #[test]
    fn a_writable_folder_locks_as_the_engine_does() {
        let dir = tempfile::tempdir().unwrap();
        let directory = ReadOnlyTolerant::open(dir.path()).unwrap();
        let held = directory.acquire_lock(&INDEX_WRITER_LOCK).unwrap();
        let again = Lock {
            filepath: INDEX_WRITER_LOCK.filepath.clone(),
            is_blocking: false,
        };
        assert!(matches!(
            directory.acquire_lock(&again),
            Err(LockError::LockBusy)
        ));
        drop(held);
        assert!(directory.acquire_lock(&again).is_ok());
    }
}
