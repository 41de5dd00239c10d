//! `.npy` arrays in and out (ndarray-npy), with the header's shape checked before reading.

use super::atomic::write_atomic_with;
use super::error::{FileError, read_limited};
use ndarray::{Array3, ArrayD};
use ndarray_npy::{ReadNpyExt, WriteNpyExt};
use std::io::Cursor;
use std::path::Path;

const MAX_NPY_BYTES: u64 = 256 << 20;

/// The `shape` tuple in an .npy header, without allocating anything for the data.
fn header_shape(bytes: &[u8]) -> Option<Vec<usize>> {
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return None;
    }
    let (len, start): (usize, usize) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        _ if bytes.len() >= 12 => (
            u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
            12,
        ),
        _ => return None,
    };
    let header = std::str::from_utf8(bytes.get(start..start.checked_add(len)?)?).ok()?;
    let after = &header[header.find("'shape'")? + 7..];
    let open = after.find('(')?;
    let close = after.find(')')?;
    after
        .get(open + 1..close)?
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().ok())
        .collect()
}

/// Reads a float32 `[C,H,W]` array: the ready-made input of a network.
pub fn read_input_npy(path: &Path) -> Result<Array3<f32>, FileError> {
    let bytes = read_limited(path, MAX_NPY_BYTES)?;
    let shape =
        header_shape(&bytes).ok_or_else(|| FileError::invalid(path, "is not an .npy file"))?;
    let values = shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
    if values.is_none_or(|n| n.saturating_mul(4) > bytes.len()) {
        return Err(FileError::invalid(
            path,
            format!("its header claims shape {shape:?}, more data than the file holds"),
        ));
    }
    if shape.len() != 3 {
        return Err(FileError::invalid(
            path,
            format!("has shape {shape:?}; the network input is a float32 [C,H,W] array"),
        ));
    }
    let array = ArrayD::<f32>::read_npy(Cursor::new(&bytes))
        .map_err(|e| FileError::invalid(path, format!("cannot read a float32 array: {e}")))?;
    array
        .into_dimensionality()
        .map_err(|e| FileError::invalid(path, e.to_string()))
}

/// Writes an array as float32 `.npy`, atomically.
pub fn write_npy(path: &Path, array: &ArrayD<f32>) -> Result<(), FileError> {
    write_atomic_with(path, |w| array.write_npy(w).map_err(std::io::Error::other))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_a_lying_header() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.npy");
        let a = ndarray::Array3::<f32>::from_shape_fn((2, 3, 4), |(c, y, x)| {
            (c * 12 + y * 4 + x) as f32
        });
        write_npy(&p, &a.clone().into_dyn()).unwrap();
        assert_eq!(read_input_npy(&p).unwrap(), a);
        // A header claiming 99999 x 99999 x 9 floats, followed by a few bytes.
        let dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (99999, 99999, 9), }";
        let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
        let padded = format!("{dict:<118}\n");
        bytes.extend_from_slice(&(padded.len() as u16).to_le_bytes());
        bytes.extend_from_slice(padded.as_bytes());
        bytes.extend_from_slice(&[0u8; 64]);
        let q = dir.path().join("lie.npy");
        std::fs::write(&q, &bytes).unwrap();
        let err = read_input_npy(&q).unwrap_err().to_string();
        assert!(
            err.contains("lie.npy") && err.contains("more data"),
            "{err}"
        );
    }
}
