//! Everything that touches bytes from outside: model files, images, `.npy`, MNIST IDX.

pub mod architecture;
pub(crate) mod atomic;
pub(crate) mod audio_input;
pub(crate) mod error;
pub(crate) mod idx;
pub(crate) mod image_input;
pub(crate) mod input_settings;
pub mod mnist_style;
pub(crate) mod model_file;
pub mod npy;
pub mod onnx;

pub(crate) use atomic::{check_writable, write_atomic, write_atomic_with};
pub(crate) use audio_input::decode_wav;
pub use audio_input::{Audio, audio_pixels, file_pixels, load_audio};
pub use error::FileError;
pub use image_input::{Fill, network_input, shift, to_pixels};
pub(crate) use image_input::{decode_image, load_image};
pub use input_settings::{ChannelOrder, InputSettings};
pub use model_file::{parse_model, save_model};

use crate::engine::{LayerKind, Model};
use std::path::Path;

/// Opens a model of any format convscope reads: ONNX (by extension or content) or
/// `convscope/1` JSON. The one entry point the app and every subcommand use.
pub fn load_model(path: &Path) -> Result<Model, FileError> {
    load_model_with(path, &InputSettings::default())
}

/// [`load_model`], with what the user said about the input (flags, the app's input settings)
/// taking precedence over what the model and its sidecar say.
pub(crate) fn load_model_with(path: &Path, user: &InputSettings) -> Result<Model, FileError> {
    load_model_and_settings(path, user).map(|(model, _)| model)
}

/// [`load_model_with`], and the input settings in effect: `user`'s, then (for ONNX) the
/// sidecar's and the model's `metadata_props`. What none of them gives is the model's own.
pub(crate) fn load_model_and_settings(
    path: &Path,
    user: &InputSettings,
) -> Result<(Model, InputSettings), FileError> {
    if is_onnx(path) {
        return onnx::load_onnx(path, user).map(|m| (m.model, m.settings));
    }
    let model = model_file::load_model(path)?;
    if user
        .size
        .is_some_and(|[h, w]| (h, w) != (model.input.height, model.input.width))
    {
        return Err(FileError::invalid(
            path,
            format!(
                "the input size is fixed at {}x{} in the model; --size applies to ONNX models whose size is open",
                model.input.height, model.input.width
            ),
        ));
    }
    Ok((apply_settings(path, model, user)?, user.clone()))
}

/// Whether `path` holds an ONNX model: its extension, or (for any other name) its first byte.
pub(crate) fn is_onnx(path: &Path) -> bool {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        return false;
    }
    let mut head = [0u8; 1];
    let read = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .unwrap_or(0);
    onnx::looks_like_onnx(path, &head[..read])
}

/// A model with the mean, std, labels and channel order of `settings` where it gives them,
/// checked again as a whole.
pub(crate) fn apply_settings(
    path: &Path,
    model: Model,
    settings: &InputSettings,
) -> Result<Model, FileError> {
    if settings.mean.is_none()
        && settings.std.is_none()
        && settings.labels.is_none()
        && settings.channel_order != Some(ChannelOrder::Bgr)
    {
        return Ok(model);
    }
    let mut input = model.input.clone();
    let mut info = model.info.clone();
    let mut layers = model.layers().to_vec();
    if let Some(m) = &settings.mean {
        input.mean = m.clone();
    }
    if let Some(s) = &settings.std {
        input.std = s.clone();
    }
    if let Some(l) = &settings.labels {
        info.labels = l.clone();
        for t in info.translations.values_mut() {
            t.labels.clear();
        }
    }
    if settings.channel_order == Some(ChannelOrder::Bgr) {
        // The network wants BGR; pictures come in RGB. Reversing the first convolution's
        // input channels (and the mean and std with them) makes it take RGB exactly.
        let reads_input = (0..layers.len())
            .filter(|&i| model.sources(i).contains(&crate::engine::Source::Input))
            .count();
        let Some(LayerKind::Conv2d(conv)) = layers
            .first_mut()
            .filter(|_| reads_input == 1)
            .map(|l| &mut l.kind)
        else {
            return Err(FileError::invalid(
                path,
                "channel_order \"bgr\" needs a convolution as the first layer, the only one reading the input (to turn its channels round)",
            ));
        };
        conv.weight.invert_axis(ndarray::Axis(1));
        conv.weight = conv.weight.as_standard_layout().into_owned();
        input.mean.reverse();
        input.std.reverse();
    }
    let sources = model.all_sources().to_vec();
    Model::with_sources(info, input, layers, sources).map_err(|source| FileError::Model {
        path: path.to_path_buf(),
        source,
    })
}
