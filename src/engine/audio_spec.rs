//! How an audio model turns a recording into its input maps: the parameters of the log-mel
//! spectrogram, declared in the model's `input` section (`"kind": "audio"`). Pure data; the
//! computation is `io::audio_input`, like resizing is for images.

/// The log-mel spectrogram a model reads, with librosa's conventions: a periodic Hann window of
/// `frame` samples centred in `n_fft`, frames centred on `hop * t` (the signal zero-padded by
/// `n_fft / 2` at both ends), the power spectrum, Slaney-style mel filters (area-normalised),
/// and `ln(mel + log_offset) - ln(log_offset)` (0 for silence). The model's `height` is the number of mel bands and its `width`
/// the number of frames; row 0 is the highest band, so maps read like a spectrogram (low
/// frequencies at the bottom). The model's `mean`/`std` normalise the log values.
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
}

/// Largest FFT accepted.
pub const MAX_N_FFT: usize = 1 << 16;

impl AudioSpec {
    /// The samples that give exactly `frames` frames: `(frames - 1) * hop`.
    pub fn samples_for(&self, frames: usize) -> usize {
        frames.saturating_sub(1) * self.hop
    }

    /// Seconds at the start of frame `t` (its centre).
    pub fn frame_seconds(&self, t: usize) -> f64 {
        (t * self.hop) as f64 / self.sample_rate as f64
    }

    /// Checks the parameters against each other and the number of mel bands; the reason in
    /// words when they do not fit.
    pub fn check(&self, mel_bands: usize) -> Result<(), String> {
        let nyquist = self.sample_rate as f32 / 2.0;
        if !(1..=384_000).contains(&self.sample_rate) {
            return Err(format!(
                "sample_rate {} is not between 1 and 384000",
                self.sample_rate
            ));
        }
        if !(2..=MAX_N_FFT).contains(&self.n_fft) {
            return Err(format!(
                "n_fft {} is not between 2 and {MAX_N_FFT}",
                self.n_fft
            ));
        }
        if self.frame == 0 || self.frame > self.n_fft {
            return Err(format!(
                "frame {} is not between 1 and n_fft ({})",
                self.frame, self.n_fft
            ));
        }
        if self.hop == 0 || self.hop > MAX_N_FFT {
            return Err(format!("hop {} is not between 1 and {MAX_N_FFT}", self.hop));
        }
        if !(self.f_min >= 0.0 && self.f_min < self.f_max && self.f_max <= nyquist) {
            return Err(format!(
                "f_min {} and f_max {} must satisfy 0 <= f_min < f_max <= {nyquist} (half the sample rate)",
                self.f_min, self.f_max
            ));
        }
        if !(self.log_offset.is_finite() && self.log_offset > 0.0) {
            return Err(format!("log_offset {} must be above 0", self.log_offset));
        }
        if mel_bands == 0 || mel_bands > self.n_fft / 2 + 1 {
            return Err(format!(
                "{mel_bands} mel bands (the input height) for {} FFT bins",
                self.n_fft / 2 + 1
            ));
        }
        Ok(())
    }
}
