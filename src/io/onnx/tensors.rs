//! ONNX tensors (initializers, `Constant` values, attributes) as plain numbers.

use super::super::error::{FileError, io_reason, read_range};
use super::error::TensorError;
use super::proto::{TensorProto, tensor_proto::DataType};
use std::path::Path;

/// A constant known at load time: its dimensions and values (floats for weights, integers
/// for the shape plumbing exporters emit).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Const {
    pub dims: Vec<usize>,
    pub values: Values,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Values {
    F32(Vec<f32>),
    I64(Vec<i64>),
}

impl Const {
    pub(crate) fn ints(dims: Vec<usize>, values: Vec<i64>) -> Const {
        Const {
            dims,
            values: Values::I64(values),
        }
    }

    pub(crate) fn count(&self) -> usize {
        match &self.values {
            Values::F32(v) => v.len(),
            Values::I64(v) => v.len(),
        }
    }

    /// The values as integers (floats must be whole).
    pub(crate) fn as_ints(&self) -> Option<Vec<i64>> {
        match &self.values {
            Values::I64(v) => Some(v.clone()),
            Values::F32(v) => v
                .iter()
                .map(|&x| (x.fract() == 0.0).then_some(x as i64))
                .collect(),
        }
    }

    /// The values as floats.
    pub(crate) fn as_floats(&self) -> Vec<f32> {
        match &self.values {
            Values::F32(v) => v.clone(),
            Values::I64(v) => v.iter().map(|&x| x as f32).collect(),
        }
    }

    /// Takes the float values out without a copy when they are floats already.
    pub(crate) fn into_floats(self) -> Vec<f32> {
        match self.values {
            Values::F32(v) => v,
            Values::I64(v) => v.into_iter().map(|x| x as f32).collect(),
        }
    }
}

fn dtype_name(code: i32) -> String {
    DataType::try_from(code)
        .map(|d| d.as_str_name().to_lowercase())
        .unwrap_or_else(|_| format!("type {code}"))
}

/// The bytes of a tensor stored outside the model (`data_location: EXTERNAL`), read from a
/// file in the model's folder.
fn external_bytes(t: &TensorProto, dir: &Path, max_bytes: u64) -> Result<Vec<u8>, TensorError> {
    let entry = |key: &str| {
        t.external_data
            .iter()
            .find(|e| e.key() == key)
            .map(|e| e.value().to_string())
    };
    let location = entry("location").ok_or(TensorError::NoLocation)?;
    let rel = Path::new(&location);
    if rel.is_absolute()
        || rel
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        return Err(TensorError::Location(location));
    }
    let number = |key: &'static str| -> Result<u64, TensorError> {
        entry(key).map_or(Ok(0), |value| {
            value
                .parse()
                .map_err(|_| TensorError::NotANumber { key, value })
        })
    };
    let (offset, length) = (number("offset")?, number("length")?);
    let path = dir.join(rel);
    outside_folder(&path, dir, &location)?;
    // The one bounded reader refuses a FIFO, a device or a folder before opening it, then
    // bytes past the file's end or the limit; a length of 0 is "to the end of the file".
    read_range(&path, offset, (length > 0).then_some(length), max_bytes).map_err(|e| {
        let reason = match e {
            FileError::Read { source, .. } => io_reason(&source),
            FileError::Invalid { message, .. } => message,
            other => other.to_string(),
        };
        TensorError::Unreadable { path, reason }
    })
}

/// Refuses external data at `path` (the model's folder `dir` joined with `location`) that a
/// symbolic link leads out of the model's folder: the location names a file beside the model,
/// and a link must not make it any other file on the machine. A path that does not resolve
/// (no such file) is left to the reader, which says so.
fn outside_folder(path: &Path, dir: &Path, location: &str) -> Result<(), TensorError> {
    let folder = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let (Ok(real), Ok(folder)) = (path.canonicalize(), folder.canonicalize()) else {
        return Ok(());
    };
    if real.starts_with(&folder) {
        return Ok(());
    }
    Err(TensorError::Outside {
        location: location.to_string(),
        real,
    })
}

/// The name of the typed field (`float_data`, ...) that holds values, if one does.
fn typed_data(t: &TensorProto) -> Option<&'static str> {
    [
        ("float_data", t.float_data.is_empty()),
        ("double_data", t.double_data.is_empty()),
        ("int32_data", t.int32_data.is_empty()),
        ("int64_data", t.int64_data.is_empty()),
        ("uint64_data", t.uint64_data.is_empty()),
        ("string_data", t.string_data.is_empty()),
    ]
    .into_iter()
    .find(|(_, empty)| !empty)
    .map(|(name, _)| name)
}

/// Decodes a tensor. `dir` is where external data is looked for. Errors do not name the
/// tensor (the caller adds its name).
pub(crate) fn decode(t: &TensorProto, dir: &Path, max_values: usize) -> Result<Const, TensorError> {
    let dims = t
        .dims
        .iter()
        .map(|&d| usize::try_from(d).map_err(|_| TensorError::NegativeDimension(d)))
        .collect::<Result<Vec<usize>, TensorError>>()?;
    let count = dims
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .filter(|&n| n <= max_values)
        .ok_or_else(|| TensorError::TooLarge {
            dims: dims.clone(),
            limit: max_values,
        })?;
    if let Some(typed) = typed_data(t)
        && (t.raw_data.is_some() || t.data_location == Some(1))
    {
        return Err(TensorError::TwoSources(typed));
    }
    let external;
    let raw: Option<&[u8]> = if t.data_location == Some(1) {
        external = external_bytes(t, dir, (max_values as u64) * 8)?;
        Some(&external)
    } else {
        t.raw_data.as_deref()
    };
    let dtype = t.data_type.unwrap_or(0);
    let le = |width: usize| -> Result<Option<std::slice::ChunksExact<'_, u8>>, TensorError> {
        match raw {
            None => Ok(None),
            Some(bytes) if bytes.len() == count * width => Ok(Some(bytes.chunks_exact(width))),
            Some(bytes) => Err(TensorError::ByteCount {
                bytes: bytes.len(),
                count,
                dtype: dtype_name(dtype),
            }),
        }
    };
    let values = match DataType::try_from(dtype) {
        Ok(DataType::Float) => Values::F32(match le(4)? {
            Some(c) => c
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            None => t.float_data.clone(),
        }),
        Ok(DataType::Double) => Values::F32(match le(8)? {
            Some(c) => c
                .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes")) as f32)
                .collect(),
            None => t.double_data.iter().map(|&v| v as f32).collect(),
        }),
        Ok(DataType::Int64) => Values::I64(match le(8)? {
            Some(c) => c
                .map(|b| i64::from_le_bytes(b.try_into().expect("8 bytes")))
                .collect(),
            None => t.int64_data.clone(),
        }),
        Ok(DataType::Int32) => Values::I64(match le(4)? {
            Some(c) => c
                .map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as i64)
                .collect(),
            None => t.int32_data.iter().map(|&v| v as i64).collect(),
        }),
        Ok(DataType::Bool) | Ok(DataType::Uint8) | Ok(DataType::Int8) => {
            Values::I64(match le(1)? {
                Some(c) => c
                    .map(|b| {
                        if dtype == DataType::Int8 as i32 {
                            b[0] as i8 as i64
                        } else {
                            b[0] as i64
                        }
                    })
                    .collect(),
                None => t.int32_data.iter().map(|&v| v as i64).collect(),
            })
        }
        _ => return Err(TensorError::DataType(dtype_name(dtype))),
    };
    let c = Const { dims, values };
    if c.count() != count {
        return Err(TensorError::ValueCount {
            got: c.count(),
            dims: c.dims,
            expected: count,
        });
    }
    Ok(c)
}
