//! The flags of every subcommand that opens a model: `--model`, and what the model file does
//! not say about its input (normalisation, class names, size, channel order).

use super::values::BadValue;
use crate::engine::Model;
use crate::io::input_settings::{parse_floats, parse_order, parse_size, read_labels};
use crate::io::{ChannelOrder, InputSettings};
use anyhow::Result;
use std::path::{Path, PathBuf};

/// `--model` and the [`InputFlags`]: flattened into each subcommand that runs a model, so
/// the flags, their help and the way the model is opened are the same everywhere.
#[derive(Debug, Clone, clap::Args)]
pub struct ModelArgs {
    /// The model (convscope/1 JSON or ONNX).
    #[arg(id = "model", long = "model", value_name = "MODEL")]
    pub path: PathBuf,
    #[command(flatten)]
    pub input: InputFlags,
}

impl ModelArgs {
    /// Opens the model (any format) with the input flags.
    pub(crate) fn load(&self) -> Result<Model> {
        self.input.load(&self.path)
    }
}

#[derive(Debug, Clone, Default, clap::Args)]
pub struct InputFlags {
    /// Per-channel mean subtracted from pixels in [0,1], e.g. 0.485,0.456,0.406 (overrides the
    /// model's and its M.onnx.json's).
    #[arg(long, value_name = "M,M,M", value_parser = parse_channel_values)]
    pub mean: Option<ChannelValues>,
    /// Per-channel standard deviation, e.g. 0.229,0.224,0.225.
    #[arg(long, value_name = "S,S,S", value_parser = parse_channel_values)]
    pub std: Option<ChannelValues>,
    /// Class names, one per line (or a JSON list), in output order.
    #[arg(long, value_name = "FILE")]
    pub labels: Option<PathBuf>,
    /// Input size for an ONNX model that leaves it open: 224 or HEIGHTxWIDTH.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub size: Option<[usize; 2]>,
    /// The channel order the network was trained on: rgb or bgr.
    #[arg(long, value_name = "ORDER", value_parser = parse_channel_order)]
    pub channel_order: Option<ChannelOrder>,
}

/// One value per channel, written `a,b,c`: one flag value, not a list of flags (clap reads an
/// `Option<Vec<f32>>` field as repeated f32 values and panicked on the parser's Vec).
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelValues(pub Vec<f32>);

fn parse_channel_values(text: &str) -> Result<ChannelValues, BadValue> {
    parse_floats(text)
        .map(ChannelValues)
        .map_err(|e| BadValue::Refused(e.to_string()))
}

fn parse_channel_order(text: &str) -> Result<ChannelOrder, BadValue> {
    parse_order(text).ok_or_else(|| BadValue::NotA {
        text: text.to_string(),
        expected: "rgb or bgr",
    })
}

impl InputFlags {
    /// What the flags say, with the labels file read.
    pub(crate) fn settings(&self) -> Result<InputSettings> {
        Ok(InputSettings {
            mean: self.mean.clone().map(|v| v.0),
            std: self.std.clone().map(|v| v.0),
            labels: match &self.labels {
                Some(path) => Some(read_labels(path)?),
                None => None,
            },
            size: self.size,
            channel_order: self.channel_order,
        })
    }

    /// Opens the model at `path` (any format) with these flags; what the reader warned about
    /// goes to standard error.
    pub(crate) fn load(&self, path: &Path) -> Result<Model> {
        let model = crate::io::load_model_with(path, &self.settings()?)?;
        print_warnings(&model);
        Ok(model)
    }
}

/// The reader's warnings about `model`, one line each on standard error.
pub(crate) fn print_warnings(model: &Model) {
    for warning in &model.info.warnings {
        eprintln!("convscope: warning: {warning}");
    }
}

/// The stage named `name` as `inspect` prints it: `input` (stage 0) or a layer's name (its
/// output, stage `index + 1`). The error lists the names there are.
pub(crate) fn find_stage(model: &Model, name: &str, path: &Path) -> Result<usize> {
    if name == "input" {
        return Ok(0);
    }
    if let Some(i) = model.layers().iter().position(|l| l.name == name) {
        return Ok(i + 1);
    }
    let names: Vec<_> = model.layers().iter().map(|l| l.name.as_str()).collect();
    anyhow::bail!(
        "{}: no layer named `{name}` (layers: input, {})",
        path.display(),
        names.join(", ")
    )
}

/// Channel `channel` (for a vector, the unit) of the stage named `layer`, as `channel-examples`
/// and `visualize` take them; the error says how many there are.
pub(crate) fn find_channel(
    model: &Model,
    layer: &str,
    channel: u32,
    path: &Path,
) -> Result<crate::analysis::channel_examples::Target> {
    use crate::analysis::channel_examples::{Target, channel_count, stage_shape};
    let stage = find_stage(model, layer, path)?;
    let shape = stage_shape(model, stage);
    let (channel, count) = (channel as usize, channel_count(shape));
    if channel >= count {
        let what = match shape {
            crate::engine::Shape::Maps { .. } => "channels",
            crate::engine::Shape::Vector(_) => "units",
        };
        anyhow::bail!(
            "{}: {layer} has {count} {what} ({shape}): --channel is 0 to {}",
            path.display(),
            count.saturating_sub(1)
        );
    }
    Ok(Target { stage, channel })
}
