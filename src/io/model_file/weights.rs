//! Where a layer's tensors come from: its own inline JSON arrays, or the safetensors file the
//! model names (memory-mapped, each tensor's pages handed back once copied). Every tensor of
//! that file must be used by some layer.

use super::super::error::{FileError, map_limited};
use crate::engine::{Error, limits};
use safetensors::{Dtype, SafeTensors};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The weights file a model names, mapped whole: `name` must be a bare file name in `dir`,
/// the model's folder.
pub(super) fn map_weights(
    json_path: &Path,
    name: Option<&str>,
    dir: &Path,
) -> Result<Option<(PathBuf, memmap2::Mmap)>, FileError> {
    let Some(name) = name else {
        return Ok(None);
    };
    let bare = Path::new(name);
    if name.is_empty()
        || name.contains('/')
        || name.contains('\\')
        || name == ".."
        || name == "."
        || bare.components().count() != 1
    {
        return Err(FileError::invalid(
            json_path,
            format!("\"weights\" must be a bare file name in the model's folder, not {name:?}"),
        ));
    }
    let path = dir.join(bare);
    let map = map_limited(&path, limits::MAX_WEIGHTS_BYTES, "a weights file")?;
    Ok(Some((path, map)))
}

/// Where named tensors come from when a layer has no inline values.
pub(super) struct WeightSource<'a> {
    file: Option<(&'a Path, SafeTensors<'a>)>,
    /// The mapped file, to hand each tensor's pages back once they are copied.
    map: Option<&'a memmap2::Mmap>,
    used: BTreeSet<String>,
}

impl<'a> WeightSource<'a> {
    /// The tensors of a mapped weights file ([`map_weights`]), or none.
    pub(super) fn new(mapped: Option<&'a (PathBuf, memmap2::Mmap)>) -> Result<Self, FileError> {
        let file = match mapped {
            None => None,
            Some((path, bytes)) => Some((
                path.as_path(),
                SafeTensors::deserialize(bytes).map_err(|e| {
                    FileError::invalid(path, format!("not a safetensors file: {e}"))
                })?,
            )),
        };
        Ok(WeightSource {
            file,
            map: mapped.map(|(_, map)| map),
            used: BTreeSet::new(),
        })
    }

    /// Whether the model names a weights file.
    pub(super) fn has_file(&self) -> bool {
        self.file.is_some()
    }

    /// Counts `key` as used if the file has it (a tensor that is read past on purpose).
    pub(super) fn mark_used(&mut self, key: &str) {
        if let Some((_, tensors)) = &self.file
            && tensors.tensor(key).is_ok()
        {
            self.used.insert(key.to_string());
        }
    }

    /// The tensor `key` with `expected` shape, as f32 values.
    pub(super) fn take(
        &mut self,
        layer: &str,
        key: &str,
        expected: &[usize],
    ) -> Result<Vec<f32>, Error> {
        let Some((path, tensors)) = &self.file else {
            return Err(Error::Invalid(format!(
                "layer {layer}: tensor `{key}` is missing: give its values inline, or name a safetensors file in \"weights\""
            )));
        };
        let view = tensors.tensor(key).map_err(|_| {
            Error::Invalid(format!(
                "layer {layer}: tensor `{key}` is not in {}",
                path.file_name()
                    .unwrap_or(path.as_os_str())
                    .to_string_lossy()
            ))
        })?;
        if view.shape() != expected {
            return Err(Error::WeightShape {
                layer: layer.into(),
                tensor: key.into(),
                expected: expected.to_vec(),
                got: view.shape().to_vec(),
            });
        }
        self.used.insert(key.to_string());
        let data = view.data();
        let values = match view.dtype() {
            Dtype::F32 => data
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            Dtype::F64 => data
                .chunks_exact(8)
                .map(|b| {
                    f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]) as f32
                })
                .collect(),
            other => {
                return Err(Error::BadField {
                    layer: layer.into(),
                    field: key.into(),
                    message: format!(
                        "dtype {other:?} is not supported: save float32 tensors (model.float())"
                    ),
                });
            }
        };
        if let Some(map) = self.map {
            release(map, data);
        }
        Ok(values)
    }

    /// Refuses a weights file with tensors no layer read (a layer missing, or misnamed).
    pub(super) fn check_all_used(&self, json_path: &Path) -> Result<(), FileError> {
        let Some((path, tensors)) = &self.file else {
            return Ok(());
        };
        let unused: Vec<String> = tensors
            .names()
            .into_iter()
            .filter(|n| !self.used.contains(*n))
            .map(str::to_string)
            .collect();
        if unused.is_empty() {
            return Ok(());
        }
        Err(FileError::invalid(
            path,
            format!(
                "tensors not used by any layer of {}: {} (is a layer missing, or named differently?)",
                json_path.display(),
                unused.join(", ")
            ),
        ))
    }
}

/// Hands the pages of `data` (a slice of `map`) back to the system once they are copied.
fn release(map: &memmap2::Mmap, data: &[u8]) {
    let offset = (data.as_ptr() as usize).wrapping_sub(map.as_ptr() as usize);
    if offset < map.len() {
        // SAFETY: the map is private and read-only: dropping its pages only makes the
        // next access read them from the file again. This keeps the peak memory of a
        // large model near the model itself instead of model + file.
        let _ = unsafe {
            map.unchecked_advise_range(
                memmap2::UncheckedAdvice::DontNeed,
                offset,
                data.len().min(map.len() - offset),
            )
        };
    }
}

/// Nested JSON arrays of numbers -> (shape, values in row-major order).
pub(super) fn nested_values(
    layer: &str,
    field: &str,
    value: &Value,
    expected: &[usize],
) -> Result<Vec<f32>, Error> {
    let bad = |message: String| Error::BadField {
        layer: layer.into(),
        field: field.into(),
        message,
    };
    let mut shape = Vec::new();
    let mut probe = value;
    while let Value::Array(items) = probe {
        shape.push(items.len());
        match items.first() {
            Some(first) => probe = first,
            None => break,
        }
    }
    if shape != expected {
        return Err(Error::WeightShape {
            layer: layer.into(),
            tensor: field.into(),
            expected: expected.to_vec(),
            got: shape,
        });
    }
    let mut values = Vec::with_capacity(expected.iter().product());
    walk(value, 0, expected, &mut values).map_err(bad)?;
    Ok(values)
}

/// Appends the numbers of `v` (at `depth` of `shape`) to `out`; the problem in words when the
/// arrays are ragged or hold something else.
fn walk(v: &Value, depth: usize, shape: &[usize], out: &mut Vec<f32>) -> Result<(), String> {
    match v {
        Value::Array(items) if depth < shape.len() => {
            if items.len() != shape[depth] {
                return Err(format!(
                    "ragged array: {} items where {} were expected at depth {depth}",
                    items.len(),
                    shape[depth]
                ));
            }
            items
                .iter()
                .try_for_each(|i| walk(i, depth + 1, shape, out))
        }
        Value::Number(n) if depth == shape.len() => {
            out.push(n.as_f64().unwrap_or(f64::NAN) as f32);
            Ok(())
        }
        other => Err(format!("expected a number at depth {depth}, found {other}")),
    }
}

fn bias_setting(layer: &str, value: &Value, out: usize) -> Result<(bool, Option<Vec<f32>>), Error> {
    match value {
        Value::Bool(b) => Ok((*b, None)),
        Value::Array(_) => Ok((true, Some(nested_values(layer, "bias", value, &[out])?))),
        other => Err(Error::BadField {
            layer: layer.into(),
            field: "bias".into(),
            message: format!("expected true, false or a list of numbers, found {other}"),
        }),
    }
}

fn checked_product(layer: &str, dims: &[usize]) -> Result<usize, Error> {
    let n = dims
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .unwrap_or(usize::MAX);
    if n > limits::MAX_PARAMETERS {
        return Err(Error::TooLarge {
            what: format!("layer {layer}: a weight tensor of shape {dims:?}"),
            value: n,
            limit: limits::MAX_PARAMETERS,
        });
    }
    Ok(n)
}

/// A conv or dense layer's weight (inline or from the weights file, of `shape`) and its bias
/// (`bias` is `true`, `false` or inline values; `shape[0]` values).
pub(super) fn weight_and_bias(
    layer: &str,
    shape: &[usize],
    weight: Option<&Value>,
    bias: &Value,
    weights: &mut WeightSource,
) -> Result<(Vec<f32>, Option<Vec<f32>>), Error> {
    checked_product(layer, shape)?;
    let values = match weight {
        Some(v) => nested_values(layer, "weight", v, shape)?,
        None => weights.take(layer, &format!("{layer}.weight"), shape)?,
    };
    let out = shape[0];
    let bias = match bias_setting(layer, bias, out)? {
        (false, _) => None,
        (true, Some(b)) => Some(b),
        (true, None) if weight.is_some() => {
            return Err(Error::BadField {
                layer: layer.into(),
                field: "bias".into(),
                message:
                    "the weights are inline, so the bias values must be too (or \"bias\": false)"
                        .into(),
            });
        }
        (true, None) => Some(weights.take(layer, &format!("{layer}.bias"), &[out])?),
    };
    Ok((values, bias))
}
