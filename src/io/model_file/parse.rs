//! Reading a convscope/1 file: the JSON checked as a whole (format, input, weights file), then
//! the layers in order, each built on the shapes its inputs produce, and the model checked
//! once more by [`Model::with_sources`] like every other reader's.

use super::super::audio_input::AudioFields;
use super::super::error::{FileError, read_limited};
use super::FORMAT;
use super::build::build_layer;
use super::schema::{InputFile, LayerFile, ModelFile};
use super::weights::{WeightSource, map_weights};
use crate::engine::LayerType;
use crate::engine::{
    AudioSpec, Error, InputSpec, Layer, Model, ModelInfo, Shape, Source, Translation, graph, limits,
};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Reads a `convscope/1` model file and its weights.
pub(crate) fn load_model(path: &Path) -> Result<Model, FileError> {
    let bytes = read_limited(path, limits::MAX_JSON_BYTES)?;
    let text =
        String::from_utf8(bytes).map_err(|_| FileError::invalid(path, "is not UTF-8 text"))?;
    let dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    parse_model(path, &text, &dir)
}

/// Parses a model from its JSON text. `dir` is the folder the `"weights"` file is looked for in.
pub fn parse_model(json_path: &Path, text: &str, dir: &Path) -> Result<Model, FileError> {
    let file = model_file(json_path, text)?;
    let mapped = map_weights(json_path, file.weights.as_deref(), dir)?;
    let mut weights = WeightSource::new(mapped.as_ref())?;
    let (input, audio) = input_of(json_path, &file.input)?;
    let built = build_layers(json_path, &file.layers, &input, &mut weights)?;
    weights.check_all_used(json_path)?;
    let info = info_of(json_path, file, built.kernel_names, audio);
    Model::with_sources(info, input, built.layers, built.sources).map_err(model_err(json_path))
}

/// An engine error about the model in `json_path`.
fn model_err(json_path: &Path) -> impl Fn(Error) -> FileError + '_ {
    move |source| FileError::Model {
        path: json_path.to_path_buf(),
        source,
    }
}

/// The JSON as a convscope/1 description, before any of its values are checked.
fn model_file(json_path: &Path, text: &str) -> Result<ModelFile, FileError> {
    let invalid = |message: String| FileError::invalid(json_path, message);
    if text.trim().is_empty() {
        return Err(invalid(format!(
            "is empty ({} bytes), not a convscope/1 model",
            text.len()
        )));
    }
    let file: ModelFile = serde_json::from_str(text).map_err(|e| {
        invalid(if e.is_syntax() || e.is_eof() {
            format!("is not valid JSON: {e}")
        } else {
            format!("not a convscope/1 model: {e}")
        })
    })?;
    if file.format != FORMAT {
        return Err(invalid(format!(
            "\"format\" is \"{}\", expected \"{FORMAT}\"",
            file.format
        )));
    }
    Ok(file)
}

/// The input the file describes, checked against the limits (every shape grows from it), and
/// its audio settings for a spectrogram model.
fn input_of(json_path: &Path, i: &InputFile) -> Result<(InputSpec, Option<AudioSpec>), FileError> {
    let audio_fields = AudioFields {
        sample_rate: i.sample_rate,
        n_fft: i.n_fft,
        frame: i.frame,
        hop: i.hop,
        mel_bands: i.mel_bands,
        f_min: i.f_min,
        f_max: i.f_max,
        log_offset: i.log_offset,
        normalize_bands: i.normalize_bands,
    };
    let per_channel = |v: f32| vec![v; i.channels.min(limits::MAX_INPUT_CHANNELS)];
    let input = InputSpec {
        channels: i.channels,
        height: i.height,
        width: i.width,
        mean: i.mean.clone().unwrap_or_else(|| per_channel(0.0)),
        std: i.std.clone().unwrap_or_else(|| per_channel(1.0)),
    };
    // Input limits first: shapes below are inferred from it.
    Model::new(ModelInfo::default(), input.clone(), vec![]).map_err(model_err(json_path))?;
    let audio = audio_fields
        .spec(i.kind.as_deref(), &input)
        .map_err(|e| FileError::invalid(json_path, format!("input: {e}")))?;
    Ok((input, audio))
}

/// The layers as built, what each reads, and the kernel names given beside them.
struct Built {
    layers: Vec<Layer>,
    sources: Vec<Vec<Source>>,
    kernel_names: BTreeMap<String, Vec<String>>,
}

fn type_of(value: &Value) -> &str {
    value.get("type").and_then(Value::as_str).unwrap_or("?")
}

/// Builds every layer in order on the shapes of the outputs it reads.
fn build_layers(
    json_path: &Path,
    values: &[Value],
    input: &InputSpec,
    weights: &mut WeightSource,
) -> Result<Built, FileError> {
    let invalid = |message: String| FileError::invalid(json_path, message);
    let model_err = model_err(json_path);
    if values.len() > limits::MAX_LAYERS {
        return Err(model_err(Error::TooLarge {
            what: "the number of layers".into(),
            value: values.len(),
            limit: limits::MAX_LAYERS,
        }));
    }
    // Every layer's name, so that `inputs` naming a later layer says so.
    let all_names: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| match v.get("name").and_then(Value::as_str) {
            Some(n) => n.to_string(),
            None => format!("{}_{i}", type_of(v)),
        })
        .collect();
    let all_names: Vec<&str> = all_names.iter().map(String::as_str).collect();
    let mut shapes: Vec<Shape> = Vec::with_capacity(values.len());
    let mut built = Built {
        layers: Vec::with_capacity(values.len()),
        sources: Vec::with_capacity(values.len()),
        kernel_names: BTreeMap::new(),
    };
    for (index, value) in values.iter().enumerate() {
        // `inputs` (the graph's wiring) is the same for every type: read apart from the rest.
        let mut value = value.clone();
        let inputs = value.as_object_mut().and_then(|o| o.remove("inputs"));
        let (spec, name) = layer_file(json_path, index, &value)?;
        if let Some(names) = spec.kernel_names() {
            built.kernel_names.insert(name.clone(), names.clone());
        }
        let srcs = match inputs {
            None => vec![graph::chained(index)],
            Some(v) => {
                let names: Vec<String> = serde_json::from_value(v).map_err(|e| {
                    invalid(format!(
                        "layer {index} ({name}): \"inputs\" is not a list of layer names: {e}"
                    ))
                })?;
                graph::resolve(&name, index, &names, &all_names).map_err(&model_err)?
            }
        };
        let in_shapes: Vec<Shape> = srcs
            .iter()
            .map(|s| match *s {
                Source::Input => input.shape(),
                Source::Layer(j) => shapes[j],
            })
            .collect();
        let first = in_shapes.first().copied().unwrap_or(input.shape());
        let layer = build_layer(spec, name, first, weights).map_err(&model_err)?;
        shapes.push(layer.output_shape_of(&in_shapes).map_err(&model_err)?);
        built.layers.push(layer);
        built.sources.push(srcs);
    }
    Ok(built)
}

/// Layer `index`'s description (without its `inputs`) and its name: as given, or the type
/// and the index.
fn layer_file(
    json_path: &Path,
    index: usize,
    value: &Value,
) -> Result<(LayerFile, String), FileError> {
    let invalid = |message: String| FileError::invalid(json_path, message);
    if LayerType::from_name(type_of(value)).is_none() {
        return Err(invalid(format!(
            "layer {index}: \"type\" is {}, not one of {}",
            value.get("type").map_or("missing".into(), Value::to_string),
            LayerType::names().collect::<Vec<_>>().join(", ")
        )));
    }
    let spec: LayerFile = serde_json::from_value(value.clone())
        .map_err(|e| invalid(format!("layer {index} (type \"{}\"): {e}", type_of(value))))?;
    let name = spec
        .name()
        .map(str::to_string)
        .unwrap_or_else(|| format!("{}_{index}", spec.layer_type().name()));
    if name.is_empty() {
        return Err(invalid(format!("layer {index}: \"name\" is empty")));
    }
    Ok((spec, name))
}

/// What the file says about the model beside its layers.
fn info_of(
    json_path: &Path,
    file: ModelFile,
    kernel_names: BTreeMap<String, Vec<String>>,
    audio: Option<AudioSpec>,
) -> ModelInfo {
    ModelInfo {
        name: file.name.unwrap_or_else(|| {
            json_path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        }),
        description: file.description,
        labels: file.labels,
        training: file.training,
        kernel_names,
        warnings: Vec::new(),
        translations: file
            .translations
            .into_iter()
            .map(|(lang, t)| {
                let t = Translation {
                    description: t.description,
                    labels: t.labels,
                    kernel_names: t.kernel_names,
                };
                (lang, t)
            })
            .collect(),
        audio,
    }
}
