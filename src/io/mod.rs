//! Everything that touches bytes from outside: model files, images, `.npy`, MNIST IDX.

pub mod architecture;
pub(crate) mod atomic;
pub(crate) mod audio_input;
pub(crate) mod data_dirs;
pub(crate) mod error;
pub(crate) mod idx;
pub(crate) mod image_input;
pub(crate) mod input_settings;
pub(crate) mod mnist_style;
pub(crate) mod model_file;
pub mod npy;
pub mod onnx;
pub mod record;

pub(crate) use atomic::{check_writable, write_atomic, write_atomic_with};
pub(crate) use audio_input::Audio;
pub use audio_input::audio_pixels;
pub(crate) use audio_input::decode_wav;
pub use audio_input::{file_pixels, load_audio};
pub(crate) use data_dirs::user_lessons_dir;
pub(crate) use error::FileError;
pub use image_input::{Fill, network_input};
pub(crate) use image_input::{decode_image, load_image};
pub use image_input::{shift, to_pixels};
pub(crate) use input_settings::ChannelOrder;
pub use input_settings::InputSettings;
pub(crate) use input_settings::apply_settings;
pub use model_file::parse_model;
pub use model_file::save_model;

use crate::engine::Model;
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

/// Whether `path` holds an ONNX model: its extension, or (for any other name) its first byte,
/// read through the bounded reader (a FIFO or a device is not sniffed: the reader that opens it
/// next refuses it with the reason).
pub(crate) fn is_onnx(path: &Path) -> bool {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        return false;
    }
    let head = error::read_head(path, 1).unwrap_or_default();
    onnx::looks_like_onnx(path, &head)
}
