//! How a long-running library call reports progress and rejected records without
//! printing: the caller passes a [`ProgressSink`] and draws or logs what it receives.
//!
//! Contract: every method is called from the thread that called the library function,
//! in order: `start` once, then any number of `advance` and `rejected`, then `finish`
//! once (also when the call fails).

use crate::corpus::RecordError;

/// Receives progress of a batch job; every method does nothing by default.
pub trait ProgressSink {
    /// The job starts; `total_bytes` is the size of all inputs when every size is known
    /// (not for standard input).
    fn start(&self, total_bytes: Option<u64>) {
        let _ = total_bytes;
    }

    /// `documents` records have been handled (indexed, skipped or rejected) and
    /// `bytes_read` bytes taken from the inputs (compressed bytes for gzip).
    fn advance(&self, documents: u64, bytes_read: u64) {
        let _ = (documents, bytes_read);
    }

    /// A record was rejected; reading goes on unless the job is strict.
    fn rejected(&self, error: &RecordError) {
        let _ = error;
    }

    /// The job has stopped reading and is committing or rolling back.
    fn finish(&self) {}
}

/// A sink that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl ProgressSink for NoProgress {}
