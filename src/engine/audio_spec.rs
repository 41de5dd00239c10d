//! How an audio model turns a recording into its input maps: the parameters of the log-mel
//! spectrogram, declared in the model's `input` section (`"kind": "audio"`). Pure data; the
//! computation is `io::audio_input`, like resizing is for images.

use thiserror::Error;

/// The log-mel spectrogram a model reads, with librosa's conventions: a periodic Hann window of
/// `frame` samples centred in `n_fft`, frames centred on `hop * t` (the signal zero-padded by
/// `n_fft / 2` at both ends), the power spectrum, Slaney-style mel filters (area-normalised),
/// and `ln(mel + log_offset) - ln(log_offset)` (0 for silence). The model's `height` is the number of mel bands and its `width`
/// the number of frames; row 0 is the highest band, so maps read like a spectrogram (low
/// frequencies at the bottom). With `normalize_bands`, each band of each recording is then
/// shifted and scaled to mean 0 and standard deviation 1 over its frames (per-recording
/// normalisation: a louder voice or another microphone moves every band alike). The model's
/// `mean`/`std` normalise the values after that.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioSpec {
    /// Samples per second the model was trained on.
    pub sample_rate: u32,
    pub n_fft: usize,
    /// Window length in samples (at most `n_fft`).
    pub frame: usize,
    /// Samples between frames.
    pub hop: usize,
    pub f_min: f32,
    pub f_max: f32,
    pub log_offset: f32,
    /// Each mel band normalised over the recording's frames (mean 0, standard deviation 1).
    pub normalize_bands: bool,
}

/// Largest FFT accepted.
pub(crate) const MAX_N_FFT: usize = 1 << 16;

impl AudioSpec {
    /// The samples that give exactly `frames` frames: `(frames - 1) * hop`.
    pub(crate) fn samples_for(&self, frames: usize) -> usize {
        frames.saturating_sub(1) * self.hop
    }

    /// Checks the parameters against each other and the number of mel bands; which one does not
    /// fit, and why, when they do not.
    pub(crate) fn check(&self, mel_bands: usize) -> Result<(), AudioSpecError> {
        let nyquist = self.sample_rate as f32 / 2.0;
        if !(1..=384_000).contains(&self.sample_rate) {
            return Err(AudioSpecError::SampleRate(self.sample_rate));
        }
        if !(2..=MAX_N_FFT).contains(&self.n_fft) {
            return Err(AudioSpecError::NFft(self.n_fft));
        }
        if self.frame == 0 || self.frame > self.n_fft {
            return Err(AudioSpecError::Frame {
                frame: self.frame,
                n_fft: self.n_fft,
            });
        }
        if self.hop == 0 || self.hop > MAX_N_FFT {
            return Err(AudioSpecError::Hop(self.hop));
        }
        if !(self.f_min >= 0.0 && self.f_min < self.f_max && self.f_max <= nyquist) {
            return Err(AudioSpecError::Frequencies {
                f_min: self.f_min,
                f_max: self.f_max,
                nyquist,
            });
        }
        if !(self.log_offset.is_finite() && self.log_offset > 0.0) {
            return Err(AudioSpecError::LogOffset(self.log_offset));
        }
        if mel_bands == 0 || mel_bands > self.n_fft / 2 + 1 {
            return Err(AudioSpecError::MelBands {
                bands: mel_bands,
                bins: self.n_fft / 2 + 1,
            });
        }
        Ok(())
    }
}

/// Which parameter of an [`AudioSpec`] does not fit, with the values, in the words a model
/// file's author reads.
#[derive(Debug, Clone, PartialEq, Error)]
pub(crate) enum AudioSpecError {
    #[error("sample_rate {0} is not between 1 and 384000")]
    SampleRate(u32),
    #[error("n_fft {0} is not between 2 and {max}", max = MAX_N_FFT)]
    NFft(usize),
    #[error("frame {frame} is not between 1 and n_fft ({n_fft})")]
    Frame { frame: usize, n_fft: usize },
    #[error("hop {0} is not between 1 and {max}", max = MAX_N_FFT)]
    Hop(usize),
    #[error(
        "f_min {f_min} and f_max {f_max} must satisfy 0 <= f_min < f_max <= {nyquist} (half the sample rate)"
    )]
    Frequencies {
        f_min: f32,
        f_max: f32,
        nyquist: f32,
    },
    #[error("log_offset {0} must be above 0")]
    LogOffset(f32),
    #[error("{bands} mel bands (the input height) for {bins} FFT bins")]
    MelBands { bands: usize, bins: usize },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speech() -> AudioSpec {
        AudioSpec {
            sample_rate: 8000,
            n_fft: 256,
            frame: 256,
            hop: 128,
            f_min: 0.0,
            f_max: 4000.0,
            log_offset: 1e-6,
            normalize_bands: false,
        }
    }

    #[test]
    fn each_misfit_is_named_with_its_values() {
        assert_eq!(speech().check(40), Ok(()));
        let check = |change: fn(&mut AudioSpec), bands| {
            let mut spec = speech();
            change(&mut spec);
            spec.check(bands).unwrap_err()
        };
        assert_eq!(
            check(|s| s.sample_rate = 0, 40),
            AudioSpecError::SampleRate(0)
        );
        assert_eq!(check(|s| s.n_fft = 1, 40), AudioSpecError::NFft(1));
        assert_eq!(
            check(|s| s.frame = 300, 40),
            AudioSpecError::Frame {
                frame: 300,
                n_fft: 256
            }
        );
        assert_eq!(check(|s| s.hop = 0, 40), AudioSpecError::Hop(0));
        assert_eq!(
            check(|s| s.f_max = 5000.0, 40).to_string(),
            "f_min 0 and f_max 5000 must satisfy 0 <= f_min < f_max <= 4000 (half the sample rate)"
        );
        assert_eq!(
            check(|s| s.log_offset = 0.0, 40),
            AudioSpecError::LogOffset(0.0)
        );
        assert_eq!(
            check(|_| {}, 200).to_string(),
            "200 mel bands (the input height) for 129 FFT bins"
        );
        assert_eq!(
            check(|s| s.n_fft = 1 << 17, 40).to_string(),
            "n_fft 131072 is not between 2 and 65536"
        );
    }
}
