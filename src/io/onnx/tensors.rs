//! ONNX tensors (initializers, `Constant` values, attributes) as plain numbers.

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
    let total = std::fs::metadata(&path)
        .map_err(|e| TensorError::Unreadable {
            reason: super::super::error::io_reason(&e),
            path: path.clone(),
        })?
        .len();
    let length = if length == 0 {
        total.saturating_sub(offset)
    } else {
        length
    };
    if offset.checked_add(length).is_none_or(|end| end > total) || length > max_bytes {
        return Err(TensorError::OutOfFile {
            location,
            offset,
            end: offset.saturating_add(length),
            total,
        });
    }
    use std::io::{Read, Seek, SeekFrom};
    let read = |e: std::io::Error| TensorError::Read(e.to_string());
    let mut file = std::fs::File::open(&path).map_err(read)?;
    file.seek(SeekFrom::Start(offset)).map_err(read)?;
    let mut bytes = vec![0; length as usize];
    file.read_exact(&mut bytes).map_err(read)?;
    Ok(bytes)
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
