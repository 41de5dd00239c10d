//! Architecture files: a `convscope/1` model without weights (no `"weights"` file, no inline
//! values). Training starts from one: every conv2d and dense layer gets zero weights of the
//! right shape here, and the trainer draws real initial values afterwards.

use super::error::{FileError, read_limited};
use super::model_file::parse_model;
use crate::engine::{Model, Shape};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// Largest architecture file read.
const MAX_ARCH_BYTES: u64 = 1 << 20;
/// Largest number of weights one layer of an architecture may ask for (they are built as
/// JSON zeros first).
const MAX_LAYER_WEIGHTS: usize = 4_000_000;

fn side(value: Option<&Value>) -> Option<(usize, usize)> {
    match value? {
        Value::Number(n) => n.as_u64().map(|n| (n as usize, n as usize)),
        Value::Array(a) if a.len() == 2 => Some((a[0].as_u64()? as usize, a[1].as_u64()? as usize)),
        _ => None,
    }
}

fn zeros(shape: &[usize]) -> Value {
    match shape.split_first() {
        None => json!(0.0),
        Some((&n, rest)) => {
            let inner = zeros(rest);
            Value::Array(vec![inner; n])
        }
    }
}

/// The weight shape a conv2d or dense layer description asks for, given its input shape.
fn weight_shape(layer: &Value, input: Shape) -> Option<(Vec<usize>, usize)> {
    match (layer.get("type")?.as_str()?, input) {
        ("conv2d", Shape::Maps { channels, .. }) => {
            let out = layer.get("out_channels")?.as_u64()? as usize;
            let (kh, kw) = side(layer.get("kernel"))?;
            Some((vec![out, channels, kh, kw], out))
        }
        ("dense", Shape::Vector(n)) => {
            let out = layer.get("out_features")?.as_u64()? as usize;
            Some((vec![out, n], out))
        }
        _ => None,
    }
}

/// Parses an architecture: the layers of a model file whose conv2d and dense layers carry no
/// weights. Returns the model with all weights zero.
pub(crate) fn parse_architecture(path: &Path, text: &str) -> Result<Model, FileError> {
    let invalid = |message: String| FileError::invalid(path, message);
    let mut file: Value =
        serde_json::from_str(text).map_err(|e| invalid(format!("not JSON: {e}")))?;
    let Some(object) = file.as_object_mut() else {
        return Err(invalid("is not a JSON object".into()));
    };
    if object.contains_key("weights") {
        return Err(invalid(
            "an architecture has no \"weights\" file (it is trained from scratch)".into(),
        ));
    }
    let layers = match object.insert("layers".into(), json!([])) {
        Some(Value::Array(layers)) => layers,
        _ => return Err(invalid("needs a \"layers\" list".into())),
    };
    let dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let mut done: Vec<Value> = Vec::with_capacity(layers.len());
    for mut layer in layers {
        let wants_weights = matches!(
            layer.get("type").and_then(Value::as_str),
            Some("conv2d" | "dense")
        ) && layer.get("weight").is_none();
        if wants_weights {
            // The shape this layer receives: that of the layers before it, built as a model
            // (which also reports any error in them against this file).
            let mut prefix = file.clone();
            prefix["layers"] = Value::Array(done.clone());
            prefix["labels"] = json!([]);
            let input = parse_model(path, &prefix.to_string(), &dir)?.output_shape();
            if let Some((shape, out)) = weight_shape(&layer, input) {
                let count = shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
                match count {
                    Some(n) if n <= MAX_LAYER_WEIGHTS => {}
                    _ => {
                        return Err(invalid(format!(
                            "layer {}: a weight tensor of shape {shape:?} is past the limit of {MAX_LAYER_WEIGHTS} values for training",
                            done.len()
                        )));
                    }
                }
                layer["weight"] = zeros(&shape);
                if layer.get("bias") != Some(&Value::Bool(false)) {
                    layer["bias"] = zeros(&[out]);
                }
            }
        }
        done.push(layer);
    }
    file["layers"] = Value::Array(done);
    parse_model(path, &file.to_string(), &dir)
}

/// Reads an architecture file (see `parse_architecture`).
pub fn load_architecture(path: &Path) -> Result<Model, FileError> {
    let bytes = read_limited(path, MAX_ARCH_BYTES)?;
    let text =
        String::from_utf8(bytes).map_err(|_| FileError::invalid(path, "is not UTF-8 text"))?;
    parse_architecture(path, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARCH: &str = r#"{
        "format": "convscope/1", "name": "t",
        "input": {"channels": 1, "height": 6, "width": 6},
        "labels": ["a", "b"],
        "layers": [
            {"type": "conv2d", "name": "c", "out_channels": 3, "kernel": [3, 2], "padding": 1},
            {"type": "relu"},
            {"type": "flatten"},
            {"type": "dense", "name": "d", "out_features": 2, "bias": false},
            {"type": "softmax"}
        ]}"#;

    #[test]
    fn weights_get_the_shapes_the_layers_imply() {
        let model = parse_architecture(Path::new("a.json"), ARCH).unwrap();
        assert_eq!(model.shapes()[0].to_string(), "3 @ 6x7");
        let sizes = crate::engine::train::params::parameter_sizes(&model);
        // conv 3*1*3*2 = 18 + bias 3; dense 2 x 126, no bias.
        assert_eq!(sizes, vec![18, 3, 252]);
        assert_eq!(model.info.labels, vec!["a", "b"]);
    }

    #[test]
    fn a_bad_layer_is_reported_with_the_file() {
        let bad = ARCH.replace("\"out_features\": 2", "\"out_features\": 0");
        let err = parse_architecture(Path::new("bad.json"), &bad)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("bad.json") && err.contains("out_features"),
            "{err}"
        );
        let huge = ARCH.replace("\"out_features\": 2", "\"out_features\": 900000");
        let err = parse_architecture(Path::new("h.json"), &huge)
            .unwrap_err()
            .to_string();
        assert!(err.contains("limit"), "{err}");
    }
}
