//! Errors about files: each names the file and says what is wrong with it.

use std::path::{Path, PathBuf};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum FileError {
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error("{}: {source}", path.display())]
    Model {
        path: PathBuf,
        source: crate::engine::Error,
    },
}

impl FileError {
    pub fn invalid(path: &Path, message: impl Into<String>) -> FileError {
        FileError::Invalid {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }

    pub fn path(&self) -> &Path {
        match self {
            FileError::Read { path, .. }
            | FileError::Write { path, .. }
            | FileError::Invalid { path, .. }
            | FileError::Model { path, .. } => path,
        }
    }
}

/// Reads a whole file, refusing one larger than `limit` bytes before reading it.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let read_err = |source| FileError::Read {
        path: path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(path).map_err(read_err)?.len();
    if size > limit {
        return Err(FileError::invalid(
            path,
            format!("the file has {size} bytes, more than the {limit} this reads"),
        ));
    }
    std::fs::read(path).map_err(read_err)
}
