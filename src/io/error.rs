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
    /// An ONNX model the reader cannot map (a node, its input or output, a tensor).
    Onnx {
        path: PathBuf,
        source: Box<super::onnx::error::OnnxError>,
    },
}

/// An I/O error in words: `Is a directory (os error 21)` -> `is a folder, not a file`.
pub(crate) fn io_reason(e: &std::io::Error) -> String {
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
            FileError::Onnx { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for FileError {}

/// Why a decoded picture or recording cannot become the pixels a model reads.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PixelsError {
    #[error("the model takes {0} channels; images give 1 (grey) or 3 (RGB): use an .npy input")]
    ImageChannels(usize),
    #[error("the image is empty")]
    EmptyImage,
    #[error("an audio model has 1 input channel, this one {0}")]
    AudioChannels(usize),
    #[error(
        "the model takes {model} Hz audio and this recording is {recording} Hz: convert it first, e.g. `sox in.wav -r {model} out.wav`"
    )]
    SampleRate { model: u32, recording: u32 },
}

impl FileError {
    pub(crate) fn invalid(path: &Path, message: impl Into<String>) -> FileError {
        FileError::Invalid {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }
}

/// Reads a whole file through one bounded reader: refuses anything that is not a regular file
/// (a FIFO would block for ever, a device such as `/dev/zero` never ends, a directory cannot be
/// read) before opening it, and stops at `limit` bytes whatever the file's metadata says
/// (`/proc` files and some devices report a size of 0).
pub(crate) fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    use std::io::Read;
    let read_err = |source| FileError::Read {
        path: path.to_path_buf(),
        source,
    };
    let (file, meta) = open_regular(path)?;
    let too_big = |size: u64| {
        FileError::invalid(
            path,
            format!(
                "the file has {} bytes, more than the {} this reads",
                size, limit
            ),
        )
    };
    if meta.len() > limit {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() as u64 > limit {
        return Err(FileError::invalid(
            path,
            format!("the file is larger than the {limit} bytes this reads"),
        ));
    }
    Ok(bytes)
}

/// Opens `path` for reading only if it is a regular file: a FIFO, device or folder is refused
/// before opening (a FIFO would block), and the open file is checked again (it may have been
/// replaced since the first look). Shared by [`read_limited`] and [`map_limited`].
fn open_regular(path: &Path) -> Result<(std::fs::File, std::fs::Metadata), FileError> {
    let read_err = |source| FileError::Read {
        path: path.to_path_buf(),
        source,
    };
    let kind = std::fs::metadata(path).map_err(read_err)?.file_type();
    if !kind.is_file() {
        return Err(FileError::invalid(path, not_a_regular_file(kind)));
    }
    let file = open_without_blocking(path).map_err(read_err)?;
    let meta = file.metadata().map_err(read_err)?;
    if !meta.file_type().is_file() {
        return Err(FileError::invalid(
            path,
            not_a_regular_file(meta.file_type()),
        ));
    }
    Ok((file, meta))
}

/// A file of `size` bytes refused for being past `limit` for `what` ("a weights file"): the
/// error says both sizes and where the limits live.
pub(crate) fn past_limit(path: &Path, size: u64, limit: u64, what: &str) -> FileError {
    FileError::invalid(
        path,
        format!(
            "the file has {} bytes ({}), past the limit of {} bytes ({}) for {what} (src/engine/limits.rs)",
            size,
            human_bytes(size),
            limit,
            human_bytes(limit)
        ),
    )
}

/// Memory-maps a whole regular file of at most `limit` bytes (`what` names the limit in the
/// error, as in "a weights file"), with the same refusals as [`read_limited`]. The map is
/// read-only and private: the file's pages are read as they are touched and nothing is
/// copied up front.
pub(crate) fn map_limited(path: &Path, limit: u64, what: &str) -> Result<memmap2::Mmap, FileError> {
    let read_err = |source| FileError::Read {
        path: path.to_path_buf(),
        source,
    };
    let (file, meta) = open_regular(path)?;
    if meta.len() > limit {
        return Err(past_limit(path, meta.len(), limit, what));
    }
    // SAFETY: the map is read-only; another process truncating the file while it is mapped
    // would make reads fault, which is the documented risk of every memory-mapped reader
    // (safetensors' own loaders included). The bytes are parsed, never trusted.
    unsafe { memmap2::Mmap::map(&file) }.map_err(read_err)
}

/// `1.5 GiB`, `12.0 MiB`, `900 bytes`.
pub(crate) fn human_bytes(n: u64) -> String {
    const KIB: f64 = 1024.0;
    let v = n as f64;
    if v >= KIB * KIB * KIB {
        format!("{:.2} GiB", v / (KIB * KIB * KIB))
    } else if v >= KIB * KIB {
        format!("{:.1} MiB", v / (KIB * KIB))
    } else if v >= KIB {
        format!("{:.1} KiB", v / KIB)
    } else {
        format!("{n} bytes")
    }
}

/// What a path is when it is not a regular file, in words.
fn not_a_regular_file(kind: std::fs::FileType) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "is a named pipe (FIFO), not a file: refused (reading it could wait for ever)"
                .into();
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "is a device, not a file: refused".into();
        }
        if kind.is_socket() {
            return "is a socket, not a file: refused".into();
        }
    }
    if kind.is_dir() {
        return "is a folder, not a file".into();
    }
    "is not a regular file: refused".into()
}

/// Opens for reading without waiting on a FIFO that took the file's place after the check.
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_regular_file_up_to_its_limit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.bin");
        std::fs::write(&path, [7u8; 100]).expect("write");
        assert_eq!(read_limited(&path, 100).expect("read").len(), 100);
        let err = read_limited(&path, 99).expect_err("too big").to_string();
        assert!(err.contains("100 bytes") && err.contains("a.bin"), "{err}");
        let empty = dir.path().join("empty");
        std::fs::write(&empty, []).expect("write");
        assert!(read_limited(&empty, 10).expect("read").is_empty());
    }

    #[test]
    fn refuses_a_folder_and_a_missing_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = read_limited(dir.path(), 10)
            .expect_err("folder")
            .to_string();
        assert!(err.contains("is a folder, not a file"), "{err}");
        let missing = dir.path().join("gone.json");
        let err = read_limited(&missing, 10).expect_err("missing").to_string();
        assert!(
            err.contains("gone.json") && err.to_lowercase().contains("no such file"),
            "{err}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn refuses_devices_without_reading_them() {
        // /dev/zero reports 0 bytes and never ends: the old reader took gigabytes from it.
        let err = read_limited(Path::new("/dev/zero"), 1 << 30)
            .expect_err("device")
            .to_string();
        assert!(err.contains("/dev/zero: is a device"), "{err}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn stops_at_the_limit_when_the_size_is_not_known() {
        // A /proc file is a regular file that reports 0 bytes: the limit still holds.
        let err = read_limited(Path::new("/proc/self/maps"), 8)
            .expect_err("over the limit")
            .to_string();
        assert!(err.contains("larger than the 8 bytes"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_fifo_at_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("pipe.png");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(status.success());
        // With nobody writing, opening it for reading would block for ever.
        let err = read_limited(&fifo, 10).expect_err("fifo").to_string();
        assert!(err.contains("named pipe"), "{err}");
    }
}
