//! The input as the person chose it ([`InputImage`]) and as the network reads it
//! ([`Prepared`]): resized, or a recording's spectrogram, with the noise control's noise on it.

use super::controls::InputNoise;
use crate::analysis::robustness::noisy_input;
use crate::engine::Model;
use crate::io::{Audio, to_pixels};
use image::Rgb32FImage;
use ndarray::Array3;
use std::path::PathBuf;
use std::sync::Arc;

/// An input picture as the person chose it, before the network resizes it.
#[derive(Debug, Clone)]
pub struct InputImage {
    /// What to call it: a sample's name, a file name, or "drawing".
    pub name: String,
    pub path: Option<PathBuf>,
    /// The picture, or for a recording a drawing of its waveform.
    pub image: Rgb32FImage,
    /// The recording, when the input is one (an audio model's spectrogram is made from it).
    pub audio: Option<std::sync::Arc<crate::io::Audio>>,
}

/// Why an input cannot be fed to a model; each message names the input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InputError {
    /// The picture or recording cannot be made into what the model reads (its size, its
    /// channels): the reader's reason.
    #[error("{name}: {reason}")]
    Unreadable {
        name: String,
        reason: crate::io::error::PixelsError,
    },
    #[error(
        "{0} is a recording, and this model reads pictures: open an audio model (speech-max, speech-avg)"
    )]
    RecordingForPictures(String),
    #[error(
        "{0} is a picture, and this model reads recordings: open a WAV file or a speech sample"
    )]
    PictureForRecordings(String),
    /// The noise control's noise cannot be put on it.
    #[error("{name}: {reason}")]
    Noise {
        name: String,
        reason: crate::analysis::robustness::RobustnessError,
    },
}

/// The input as `model` reads it, before normalisation: a recording's log-mel spectrogram for
/// an audio model, the resized picture otherwise; an error when the kinds do not match.
pub(crate) fn input_pixels(input: &InputImage, model: &Model) -> Result<Array3<f32>, InputError> {
    let unreadable = |reason| InputError::Unreadable {
        name: input.name.clone(),
        reason,
    };
    match (&input.audio, &model.info.audio) {
        (Some(audio), Some(spec)) => {
            crate::io::audio_pixels(audio, spec, &model.input).map_err(unreadable)
        }
        (Some(_), None) => Err(InputError::RecordingForPictures(input.name.clone())),
        (None, Some(_)) => Err(InputError::PictureForRecordings(input.name.clone())),
        (None, None) => to_pixels(&input.image, &model.input).map_err(unreadable),
    }
}

/// What the network reads for `input`: the clean input maps (before normalisation), the same
/// with `noise` on them, and for a recording with noise the noisy recording (the noise goes on
/// the waveform, as `convscope robustness` does by default).
#[derive(Debug, Clone)]
pub struct Prepared {
    pub clean: Array3<f32>,
    pub seen: Array3<f32>,
    pub noisy_audio: Option<Arc<Audio>>,
}

/// [`input_pixels`] with the noise control applied.
pub(crate) fn prepare_input(
    input: &InputImage,
    model: &Model,
    noise: &InputNoise,
) -> Result<Prepared, InputError> {
    with_noise(input, model, input_pixels(input, model)?, noise)
}

/// `clean`, the pixels `model` reads of `input`, with `noise` added (a change of noise does not
/// need the picture resized again: for a photo that was most of the frame).
pub(crate) fn with_noise(
    input: &InputImage,
    model: &Model,
    clean: Array3<f32>,
    noise: &InputNoise,
) -> Result<Prepared, InputError> {
    let Some(n) = noise.noise() else {
        return Ok(Prepared {
            seen: clean.clone(),
            clean,
            noisy_audio: None,
        });
    };
    let (seen, audio) =
        noisy_input(model, &clean, input.audio.as_deref(), n, noise.seed).map_err(|e| {
            InputError::Noise {
                name: input.name.clone(),
                reason: e,
            }
        })?;
    Ok(Prepared {
        clean,
        seen,
        noisy_audio: audio.map(Arc::new),
    })
}
