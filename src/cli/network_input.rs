//! The network input a subcommand's flags ask for: a picture or recording (converted as the
//! model says) or a ready .npy, with noise, shifted.

use crate::analysis::robustness::{Noise, noisy_input};
use crate::engine::Model;
use crate::io::{self, Fill, npy};
use anyhow::{Context, Result, bail};
use ndarray::Array3;
use std::path::Path;

/// Where audio noise goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NoiseOn {
    /// On the recording's samples (range: minus to plus its peak), before the spectrogram.
    Waveform,
    /// On the network's input maps (a picture's pixels in [0,1]; a spectrogram's cells, range
    /// 0 to its largest value).
    Input,
}

/// Noise on the input and where it goes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct InputNoise {
    pub noise: Noise,
    pub seed: u64,
    pub on: NoiseOn,
}

/// The network input the arguments ask for.
pub(crate) fn input_tensor(
    model: &Model,
    image: Option<&Path>,
    npy_path: Option<&Path>,
    shift: (i32, i32),
    fill: Fill,
) -> Result<Array3<f32>> {
    noisy_input_tensor(model, image, npy_path, shift, fill, None)
}

/// [`input_tensor`] with noise on the input before it is shifted and normalised.
pub(crate) fn noisy_input_tensor(
    model: &Model,
    image: Option<&Path>,
    npy_path: Option<&Path>,
    shift: (i32, i32),
    fill: Fill,
    noise: Option<InputNoise>,
) -> Result<Array3<f32>> {
    let (dx, dy) = shift;
    if let Some(path) = npy_path {
        let x = npy::read_input_npy(path)?;
        if x.dim() != (model.input.channels, model.input.height, model.input.width) {
            bail!(
                "{}: has shape {:?}, the model takes {}",
                path.display(),
                x.shape(),
                model.input.shape()
            );
        }
        return Ok(io::shift(&x, dx, dy, fill));
    }
    let path = image.context("give --image or --input-npy")?;
    let mut pixels = io::file_pixels(path, model)?;
    if let Some(n) = noise {
        let recording = match (&model.info.audio, n.on) {
            (Some(_), NoiseOn::Waveform) => Some(io::load_audio(path)?),
            _ => None,
        };
        pixels = noisy_input(model, &pixels, recording.as_ref(), n.noise, n.seed)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
            .0;
    }
    Ok(io::network_input(&pixels, &model.input, dx, dy, fill))
}
