//! MNIST's IDX files (plain or gzip), as in LeCun's distribution.

use super::error::{FileError, read_limited};
use flate2::read::GzDecoder;
use std::io::Read;
use std::path::{Path, PathBuf};

const MAX_IDX_BYTES: u64 = 512 << 20;

/// A labelled set of grey images, pixels as bytes.
#[derive(Debug, Clone)]
pub(crate) struct ImageSet {
    pub height: usize,
    pub width: usize,
    /// `count * height * width` bytes, image after image, row-major.
    pub pixels: Vec<u8>,
    pub labels: Vec<u8>,
}

fn read_maybe_gz(path: &Path) -> Result<Vec<u8>, FileError> {
    let raw = read_limited(path, MAX_IDX_BYTES)?;
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        GzDecoder::new(&raw[..])
            .take(MAX_IDX_BYTES)
            .read_to_end(&mut out)
            .map_err(|e| FileError::invalid(path, format!("cannot un-gzip: {e}")))?;
        Ok(out)
    } else {
        Ok(raw)
    }
}

fn be_u32(bytes: &[u8], at: usize) -> Option<usize> {
    bytes
        .get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
}

/// Parses an IDX file of unsigned bytes: returns its dimensions and data.
fn parse_idx(path: &Path, bytes: Vec<u8>, ndims: u8) -> Result<(Vec<usize>, Vec<u8>), FileError> {
    if bytes.len() < 4 || bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0x08 || bytes[3] != ndims {
        return Err(FileError::invalid(
            path,
            format!("not an IDX file of unsigned bytes with {ndims} dimensions (bad magic number)"),
        ));
    }
    let dims: Vec<usize> = (0..ndims as usize)
        .map(|i| be_u32(&bytes, 4 + 4 * i))
        .collect::<Option<_>>()
        .ok_or_else(|| FileError::invalid(path, "truncated header"))?;
    let start = 4 + 4 * ndims as usize;
    let len = dims.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
    match len {
        Some(n) if bytes.len() - start >= n => {
            let mut data = bytes;
            data.drain(..start);
            data.truncate(n);
            Ok((dims, data))
        }
        _ => Err(FileError::invalid(
            path,
            format!(
                "the header says {dims:?} but the file holds {} bytes of data",
                bytes.len() - start
            ),
        )),
    }
}

/// Finds `stem` or `stem.gz` in `dir`.
fn find(dir: &Path, stem: &str) -> Result<PathBuf, FileError> {
    for name in [format!("{stem}.gz"), stem.to_string()] {
        let p = dir.join(&name);
        if p.exists() {
            return Ok(p);
        }
    }
    Err(FileError::invalid(
        &dir.join(stem),
        "not found (nor with .gz)",
    ))
}

/// Reads `{prefix}-images-idx3-ubyte[.gz]` and `{prefix}-labels-idx1-ubyte[.gz]` from `dir`;
/// `prefix` is `train` or `t10k`.
pub(crate) fn load_mnist_split(dir: &Path, prefix: &str) -> Result<ImageSet, FileError> {
    let images_path = find(dir, &format!("{prefix}-images-idx3-ubyte"))?;
    let labels_path = find(dir, &format!("{prefix}-labels-idx1-ubyte"))?;
    let (dims, pixels) = parse_idx(&images_path, read_maybe_gz(&images_path)?, 3)?;
    let (ldims, labels) = parse_idx(&labels_path, read_maybe_gz(&labels_path)?, 1)?;
    if dims[0] != ldims[0] {
        return Err(FileError::invalid(
            &labels_path,
            format!(
                "holds {} labels, but {} holds {} images",
                ldims[0],
                images_path
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy(),
                dims[0]
            ),
        ));
    }
    Ok(ImageSet {
        height: dims[1],
        width: dims[2],
        pixels,
        labels,
    })
}
