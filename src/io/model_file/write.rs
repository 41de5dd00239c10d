//! Saving a model as convscope/1: the JSON description (each layer's settings, the wiring,
//! the texts) and a safetensors file beside it with every tensor, both replaced atomically.

use super::super::atomic::{check_writable, stage};
use super::super::audio_input::AudioFields;
use super::super::error::FileError;
use super::FORMAT;
use crate::engine::{
    Activation, Layer, LayerKind, Model, PoolMode, Translation, Window, graph, layer_tensors,
};
use safetensors::Dtype;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn pair_json((a, b): (usize, usize)) -> Value {
    if a == b { json!(a) } else { json!([a, b]) }
}

fn padding_json(window: &Window) -> Value {
    let (begin, end) = (window.padding, window.pad_end());
    if begin == end {
        pair_json(begin)
    } else {
        json!([begin.0, begin.1, end.0, end.1])
    }
}

fn translations_json(translations: &BTreeMap<String, Translation>) -> Value {
    let entries = translations.iter().map(|(lang, t)| {
        let mut v = json!({});
        if let Some(d) = &t.description {
            v["description"] = json!(d);
        }
        if !t.labels.is_empty() {
            v["labels"] = json!(t.labels);
        }
        if !t.kernel_names.is_empty() {
            v["kernel_names"] = json!(t.kernel_names);
        }
        (lang.clone(), v)
    });
    Value::Object(entries.collect())
}

/// A layer's `"type"` and settings (not its name, wiring or weights).
fn kind_json(kind: &LayerKind) -> Value {
    match kind {
        LayerKind::Conv2d(c) => {
            let mut v = json!({
                "type": "conv2d", "out_channels": c.out_channels(),
                "kernel": pair_json(c.window().kernel), "stride": pair_json(c.stride),
                "padding": padding_json(&c.window()), "bias": c.bias.is_some(),
            });
            if c.dilation != (1, 1) {
                v["dilation"] = pair_json(c.dilation);
            }
            if c.groups != 1 {
                v["groups"] = json!(c.groups);
            }
            v
        }
        LayerKind::Dense(d) => {
            json!({"type": "dense", "out_features": d.out_features(), "bias": d.bias.is_some()})
        }
        LayerKind::Pool2d(p) => {
            let mut v = json!({
                "type": "pool2d", "mode": p.mode, "kernel": pair_json(p.window.kernel),
                "stride": pair_json(p.window.stride),
            });
            if p.window.padding != (0, 0) || p.window.pad_end() != (0, 0) {
                v["padding"] = padding_json(&p.window);
            }
            if p.window.ceil_mode {
                v["ceil_mode"] = json!(true);
            }
            if !p.count_include_pad {
                v["count_include_pad"] = json!(false);
            }
            if p.mode == PoolMode::BlurMax {
                v["blur"] = json!(p.blur);
            }
            v
        }
        LayerKind::Activation(Activation::LeakyRelu { slope }) => {
            json!({"type": "leaky_relu", "slope": slope})
        }
        LayerKind::Activation(f @ Activation::Clip { min, max }) if *f != Activation::RELU6 => {
            let mut v = json!({"type": "clip"});
            if min.is_finite() {
                v["min"] = json!(min);
            }
            if max.is_finite() {
                v["max"] = json!(max);
            }
            v
        }
        LayerKind::Activation(Activation::Elu { alpha }) => json!({"type": "elu", "alpha": alpha}),
        LayerKind::Activation(Activation::Gelu { tanh }) => {
            json!({"type": "gelu", "approximate": if *tanh { "tanh" } else { "none" }})
        }
        LayerKind::Activation(Activation::Hardsigmoid { alpha, beta }) => {
            json!({"type": "hardsigmoid", "alpha": alpha, "beta": beta})
        }
        LayerKind::Prelu(p) => json!({"type": "prelu", "num_parameters": p.weight.len()}),
        LayerKind::BatchNorm(bn) => {
            json!({"type": "batch_norm", "eps": bn.eps, "momentum": bn.momentum})
        }
        LayerKind::AdaptivePool(p) => {
            json!({"type": "adaptive_pool2d", "mode": p.mode, "output": pair_json(p.output)})
        }
        LayerKind::Dropout { p } => json!({"type": "dropout", "p": p}),
        other => json!({"type": other.type_name()}),
    }
}

/// One layer as written: its settings, name, inputs (when not simply the layer before) and
/// kernel names.
fn layer_json(model: &Model, layer: &Layer, inputs: Option<Vec<String>>) -> Value {
    let mut v = kind_json(&layer.kind);
    v["name"] = json!(layer.name);
    if let Some(inputs) = inputs {
        v["inputs"] = json!(inputs);
    }
    if let Some(names) = model.info.kernel_names.get(&layer.name) {
        v["kernel_names"] = json!(names);
    }
    v
}

/// The JSON description of a model (no weights), with `weights` naming the safetensors file.
fn model_json(model: &Model, weights_file: Option<&str>) -> Value {
    let wiring = graph::source_names(model.layers(), model.all_sources());
    let layers: Vec<Value> = model
        .layers()
        .iter()
        .zip(wiring)
        .map(|(layer, inputs)| layer_json(model, layer, inputs))
        .collect();
    let mut out = json!({
        "format": FORMAT,
        "name": model.info.name,
        "description": model.info.description,
        "input": {
            "channels": model.input.channels, "height": model.input.height, "width": model.input.width,
            "mean": model.input.mean, "std": model.input.std,
        },
    });
    if let Some(a) = &model.info.audio {
        AudioFields::write(a, model.input.height, &mut out["input"]);
    }
    if !model.info.labels.is_empty() {
        out["labels"] = json!(model.info.labels);
    }
    if let Some(w) = weights_file {
        out["weights"] = json!(w);
    }
    if !model.info.training.is_null() {
        out["training"] = model.info.training.clone();
    }
    if !model.info.translations.is_empty() {
        out["translations"] = translations_json(&model.info.translations);
    }
    out["layers"] = Value::Array(layers);
    out
}

/// Every stored tensor of a model by its safetensors name (`NAME.weight`, `NAME.bias`,
/// `NAME.running_mean`, ...), in PyTorch's `state_dict` order.
fn named_tensors(model: &Model) -> Vec<(String, Vec<usize>, Vec<f32>)> {
    let mut out = Vec::new();
    for layer in model.layers() {
        for (tensor, values) in layer_tensors(&layer.kind) {
            out.push((
                format!("{}.{tensor}", layer.name),
                values.shape().to_vec(),
                values.iter().copied().collect(),
            ));
        }
    }
    out
}

/// Where [`save_model`] puts the weights of a model saved as `path`: beside it, with the same
/// stem and `.safetensors`.
pub(crate) fn weights_path(path: &Path) -> PathBuf {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!("{stem}.safetensors"))
}

/// Writes `path` (the JSON) and a safetensors file beside it with the same stem, atomically:
/// on failure the old files (or none) stay.
pub fn save_model(model: &Model, path: &Path) -> Result<(), FileError> {
    if path.file_stem().is_none() {
        return Err(FileError::invalid(path, "needs a file name"));
    }
    let weights_path = weights_path(path);
    let weights_name = weights_path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let tensors = named_tensors(model);
    let bytes: Vec<(String, Vec<usize>, Vec<u8>)> = tensors
        .into_iter()
        .map(|(name, shape, values)| {
            (
                name,
                shape,
                values.iter().flat_map(|v| v.to_le_bytes()).collect(),
            )
        })
        .collect();
    let views: Vec<(String, safetensors::tensor::TensorView)> = bytes
        .iter()
        .map(|(name, shape, data)| {
            safetensors::tensor::TensorView::new(Dtype::F32, shape.clone(), data)
                .map(|view| (name.clone(), view))
                .map_err(|e| FileError::invalid(&weights_path, e.to_string()))
        })
        .collect::<Result<_, _>>()?;
    let blob = safetensors::tensor::serialize(views, None)
        .map_err(|e| FileError::invalid(&weights_path, e.to_string()))?;
    let text = serde_json::to_string_pretty(&model_json(model, Some(&weights_name)))
        .expect("JSON values serialise");
    // Both written in full before either replaces an old file; the weights go in place first,
    // so the JSON never names weights that are not there yet.
    check_writable(path)?;
    let weights = stage(&weights_path, |w| w.write_all(&blob))?;
    let json = stage(path, |w| {
        w.write_all(text.as_bytes()).and(w.write_all(b"\n"))
    })?;
    weights.commit()?;
    json.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::load_model;
    use super::*;
    use crate::engine::zoo;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_model_that_cannot_be_saved_changes_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let model = zoo::digits(1, PoolMode::Max);
        // The JSON's place is taken by a folder: the old weights must stay as they were.
        let path = dir.path().join("m.json");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(dir.path().join("m.safetensors"), b"old").unwrap();
        let err = save_model(&model, &path).unwrap_err().to_string();
        assert!(err.ends_with("m.json: is a folder, not a file"), "{err}");
        assert_eq!(
            std::fs::read(dir.path().join("m.safetensors")).unwrap(),
            b"old"
        );
        assert_eq!(names(dir.path()), ["m.json", "m.safetensors"]);
        // The weights' place taken by a folder: the JSON is not written either.
        let other = dir.path().join("n.json");
        std::fs::create_dir(dir.path().join("n.safetensors")).unwrap();
        assert!(save_model(&model, &other).is_err());
        assert_eq!(
            names(dir.path()),
            ["m.json", "m.safetensors", "n.safetensors"]
        );
        // A good save round-trips and leaves exactly the two files.
        let good = dir.path().join("good").join("g.json");
        std::fs::create_dir(good.parent().unwrap()).unwrap();
        save_model(&model, &good).unwrap();
        assert_eq!(names(good.parent().unwrap()), ["g.json", "g.safetensors"]);
        assert_eq!(
            load_model(&good).unwrap().parameter_count(),
            model.parameter_count()
        );
    }
}
