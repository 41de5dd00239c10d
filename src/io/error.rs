//! Errors about files: each names the file and says what is wrong with it.

use std::fmt;
use std::path::{Path, PathBuf};

/// Each message is whole on its own: it names the file and says the problem once. So
/// `source()` is `None` (the cause's text is already in the message), and printing the chain
/// (`anyhow`'s `{:#}`) does not repeat it.
#[derive(Debug)]
pub enum FileError {
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    Invalid {
        path: PathBuf,
        message: String,
    },
    Model {
        path: PathBuf,
        source: crate::engine::Error,
    },
}

/// An I/O error in words: `Is a directory (os error 21)` -> `is a folder, not a file`.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "no such file".into(),
        K::PermissionDenied => "permission denied".into(),
        K::IsADirectory => "is a folder, not a file".into(),
        K::NotADirectory => "a folder on the way is a file".into(),
        K::StorageFull => "no space left on the device".into(),
        K::ReadOnlyFilesystem => "the file system is read-only".into(),
        _ => {
            let text = e.to_string();
            match text.rfind(" (os error ") {
                Some(i) if text.ends_with(')') => text[..i].to_string(),
                _ => text,
            }
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::Read { path, source } => {
                write!(f, "{}: cannot read: {}", path.display(), io_reason(source))
            }
            FileError::Write { path, source } => {
                write!(f, "{}: cannot write: {}", path.display(), io_reason(source))
            }
            FileError::Invalid { path, message } => write!(f, "{}: {message}", path.display()),
            FileError::Model { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for FileError {}

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
