//! From a WAV file to the maps an audio model sees: decode (any PCM width or float, mono or
//! mixed down), then the log-mel spectrogram its `input` section declares. Preprocessing, like
//! resizing a picture; the parameters are [`AudioSpec`]'s.

use super::error::{FileError, PixelsError, read_limited};
use crate::engine::audio_spec::AudioSpecError;
use crate::engine::{AudioSpec, InputSpec};
use ndarray::Array3;
use realfft::RealFftPlanner;
use serde_json::{Value, json};
use std::io::Cursor;
use std::path::Path;

/// Longest recording decoded, in seconds; a longer header is refused before its samples are
/// read.
pub(crate) const MAX_SECONDS: f64 = 60.0;
/// Largest sample rate read (covers 96 and 192 kHz studio files).
pub(crate) const MAX_SAMPLE_RATE: u32 = 384_000;
/// Largest WAV file read: a minute of 8-channel 32-bit audio at 48 kHz is 92 MB.
const MAX_AUDIO_BYTES: u64 = 128 << 20;

/// A decoded recording: mono samples in [-1, 1] and their rate.
#[derive(Debug, Clone, PartialEq)]
pub struct Audio {
    pub samples: Vec<f32>,
    pub sample_rate: u32,
    /// Channels in the file (mixed down to mono by their mean).
    pub channels: u16,
}

impl Audio {
    pub(crate) fn seconds(&self) -> f64 {
        self.samples.len() as f64 / self.sample_rate.max(1) as f64
    }
}

/// Whether the bytes look like a WAV file (RIFF/WAVE or RF64 header).
pub(crate) fn is_wav(bytes: &[u8]) -> bool {
    bytes.len() >= 12
        && (&bytes[..4] == b"RIFF" || &bytes[..4] == b"RF64")
        && &bytes[8..12] == b"WAVE"
}

/// Decodes WAV bytes: integer PCM of 8 to 32 bits is scaled to [-1, 1] (by 2^(bits-1), as
/// libsndfile does), 32-bit float kept, and several channels averaged into one. `path` only
/// names the source in errors.
pub(crate) fn decode_wav(bytes: &[u8], path: &Path) -> Result<Audio, FileError> {
    let bad = |message: String| FileError::invalid(path, message);
    if !is_wav(bytes) {
        return Err(bad("is not a WAV file (RIFF/WAVE)".into()));
    }
    let reader = hound::WavReader::new(Cursor::new(bytes))
        .map_err(|e| bad(format!("cannot read the WAV header: {e}")))?;
    let spec = reader.spec();
    if spec.sample_rate == 0 || spec.sample_rate > MAX_SAMPLE_RATE {
        return Err(bad(format!(
            "sample rate {} Hz is not between 1 and {MAX_SAMPLE_RATE}",
            spec.sample_rate
        )));
    }
    if spec.channels == 0 {
        return Err(bad("has 0 channels".into()));
    }
    let frames = reader.duration() as u64;
    let seconds = frames as f64 / spec.sample_rate as f64;
    if seconds > MAX_SECONDS {
        return Err(bad(format!(
            "is {seconds:.1} s long; at most {MAX_SECONDS:.0} s is read (cut the part you want)"
        )));
    }
    if frames == 0 {
        return Err(bad("has no samples (0 s of audio)".into()));
    }
    let channels = spec.channels as usize;
    let interleaved: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float if spec.bits_per_sample == 32 => {
            collect(reader.into_samples::<f32>(), |v| v, path)?
        }
        hound::SampleFormat::Float => {
            return Err(bad(format!(
                "{}-bit float samples are not read (32-bit float and 8-32 bit integers are)",
                spec.bits_per_sample
            )));
        }
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample.clamp(1, 32) - 1)) as f32;
            collect(reader.into_samples::<i32>(), |v| v as f32 * scale, path)?
        }
    };
    if interleaved.len() < channels {
        return Err(bad("has no complete sample frame".into()));
    }
    // A float recording may hold NaN or infinite samples (a broken export or effect): taken
    // as silence they gave an all-NaN recording the same confident answer as a quiet one.
    let not_finite = interleaved.iter().filter(|v| !v.is_finite()).count();
    if not_finite > 0 {
        return Err(bad(format!(
            "{not_finite} of its {} samples are not numbers (NaN or infinite): the recording is damaged; export or record it again",
            interleaved.len()
        )));
    }
    let samples: Vec<f32> = interleaved
        .chunks_exact(channels)
        .map(|frame| (frame.iter().sum::<f32>() / channels as f32).clamp(-1.0, 1.0))
        .collect();
    Ok(Audio {
        samples,
        sample_rate: spec.sample_rate,
        channels: spec.channels,
    })
}

/// Reads every sample; a file cut short is an error naming it.
fn collect<T>(
    samples: impl Iterator<Item = hound::Result<T>>,
    convert: impl Fn(T) -> f32,
    path: &Path,
) -> Result<Vec<f32>, FileError> {
    let (expected, _) = samples.size_hint();
    let mut out = Vec::with_capacity(expected);
    for s in samples {
        match s {
            Ok(v) => out.push(convert(v)),
            // hound reports a short data chunk as an I/O error or "Failed to read enough bytes".
            Err(_) if out.len() < expected => {
                return Err(FileError::invalid(
                    path,
                    format!(
                        "is truncated: the header promises {expected} samples, the file holds {}",
                        out.len()
                    ),
                ));
            }
            Err(e) => {
                return Err(FileError::invalid(
                    path,
                    format!("cannot read the samples: {e}"),
                ));
            }
        }
    }
    Ok(out)
}

/// Reads and decodes a WAV file.
pub fn load_audio(path: &Path) -> Result<Audio, FileError> {
    let bytes = read_limited(path, MAX_AUDIO_BYTES)?;
    decode_wav(&bytes, path)
}

/// The recording cut or zero-padded at its end to the samples that make exactly `frames`
/// frames; an error when its rate is not the model's.
pub(crate) fn fit_samples(
    audio: &Audio,
    spec: &AudioSpec,
    frames: usize,
) -> Result<Vec<f32>, PixelsError> {
    if audio.sample_rate != spec.sample_rate {
        return Err(PixelsError::SampleRate {
            model: spec.sample_rate,
            recording: audio.sample_rate,
        });
    }
    let n = spec.samples_for(frames);
    let mut samples: Vec<f32> = audio.samples.iter().take(n).copied().collect();
    samples.resize(n, 0.0);
    Ok(samples)
}

/// The model's input maps [1, mel bands, frames] for a recording, before normalisation.
pub fn audio_pixels(
    audio: &Audio,
    spec: &AudioSpec,
    input: &InputSpec,
) -> Result<Array3<f32>, PixelsError> {
    if input.channels != 1 {
        return Err(PixelsError::AudioChannels(input.channels));
    }
    let samples = fit_samples(audio, spec, input.width)?;
    Ok(spectrogram_maps(samples, spec, input, 1.0))
}

/// The maps [1, bands, frames] of samples at the model's rate: cut or zero-padded to the
/// frames, their log-mel spectrogram (its frequencies stretched by `warp`, 1 for none, see
/// [`log_mel_warped`]), each band normalised when the spec says. Before the model's
/// `mean`/`std`.
pub(crate) fn spectrogram_maps(
    mut samples: Vec<f32>,
    spec: &AudioSpec,
    input: &InputSpec,
    warp: f64,
) -> Array3<f32> {
    samples.resize(spec.samples_for(input.width), 0.0);
    let mut maps = log_mel_warped(&samples, spec, input.height, input.width, warp);
    if spec.normalize_bands {
        normalize_bands(&mut maps);
    }
    maps
}

/// Each band (row) shifted and scaled to mean 0 and standard deviation 1 over its frames; a
/// band that does not vary (silence) becomes 0. Statistics in f64.
pub(crate) fn normalize_bands(maps: &mut Array3<f32>) {
    for mut band in maps.rows_mut() {
        let n = band.len().max(1) as f64;
        let mean = band.iter().map(|&v| v as f64).sum::<f64>() / n;
        let var = band.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n;
        let scale = if var > 1e-12 { 1.0 / var.sqrt() } else { 0.0 };
        band.mapv_inplace(|v| ((v as f64 - mean) * scale) as f32);
    }
}

/// `ln(mel power + log_offset)` as [1, bands, frames], highest band in row 0. `samples` is cut
/// or padded to give `frames` frames. (The app reads it through [`spectrogram_maps`]; the
/// tests against librosa read it alone.)
#[cfg(test)]
pub(crate) fn log_mel(
    samples: &[f32],
    spec: &AudioSpec,
    bands: usize,
    frames: usize,
) -> Array3<f32> {
    log_mel_warped(samples, spec, bands, frames, 1.0)
}

/// The log-mel spectrogram with the frequency axis of the power spectrum stretched by `warp`
/// before the mel filters: what sat at `f` Hz moves to `warp * f` (above 1: a shorter vocal
/// tract, higher formants; energy pushed past half the sample rate is dropped). A model reads
/// it at 1, the plain spectrogram; other values vary recordings in training.
pub(crate) fn log_mel_warped(
    samples: &[f32],
    spec: &AudioSpec,
    bands: usize,
    frames: usize,
    warp: f64,
) -> Array3<f32> {
    let mut power = power_spectrogram(samples, spec, frames);
    let bins = spec.n_fft / 2 + 1;
    if warp != 1.0 && warp > 0.0 {
        for frame in power.chunks_exact_mut(bins) {
            let original = frame.to_vec();
            for (k, slot) in frame.iter_mut().enumerate() {
                // Bin k takes what was at k / warp, linearly between its neighbours.
                let from = k as f64 / warp;
                let (i, t) = (from.floor() as usize, from.fract());
                *slot = match (original.get(i), original.get(i + 1)) {
                    (Some(a), Some(b)) => a * (1.0 - t) + b * t,
                    (Some(a), None) if t == 0.0 => *a,
                    _ => 0.0,
                };
            }
        }
    }
    let filters = mel_filters(spec, bands);
    // Each filter is a triangle over a few bins: sum only where its weights are not zero.
    let spans: Vec<std::ops::Range<usize>> = filters
        .chunks_exact(bins)
        .map(|w| {
            let first = w.iter().position(|&v| v != 0.0).unwrap_or(0);
            let last = w.iter().rposition(|&v| v != 0.0).map_or(0, |l| l + 1);
            first..last.max(first)
        })
        .collect();
    let floor = spec.log_offset as f64;
    Array3::from_shape_fn((1, bands, frames), |(_, row, t)| {
        let m = bands - 1 - row;
        let span = spans[m].clone();
        let weights = &filters[m * bins..(m + 1) * bins][span.clone()];
        let p = &power[t * bins..(t + 1) * bins][span];
        let s: f64 = weights.iter().zip(p).map(|(w, v)| w * v).sum();
        ((s + floor).ln() - floor.ln()) as f32
    })
}

/// A periodic Hann window of `frame` samples, centred in `n_fft` zeros (librosa's
/// `get_window('hann', frame, fftbins=True)` padded with `pad_center`).
fn window(spec: &AudioSpec) -> Vec<f64> {
    let mut w = vec![0.0; spec.n_fft];
    let left = (spec.n_fft - spec.frame) / 2;
    for i in 0..spec.frame {
        let phase = 2.0 * std::f64::consts::PI * i as f64 / spec.frame as f64;
        w[left + i] = 0.5 - 0.5 * phase.cos();
    }
    w
}

/// |STFT|^2, frame after frame (`frames * (n_fft/2 + 1)` values); frame `t` is centred on
/// sample `t * hop` of the signal padded with zeros.
pub(crate) fn power_spectrogram(samples: &[f32], spec: &AudioSpec, frames: usize) -> Vec<f64> {
    let n = spec.n_fft;
    let bins = n / 2 + 1;
    let half = (n / 2) as i64;
    let win = window(spec);
    let fft = RealFftPlanner::<f64>::new().plan_fft_forward(n);
    let mut input = fft.make_input_vec();
    let mut output = fft.make_output_vec();
    let mut out = Vec::with_capacity(frames * bins);
    for t in 0..frames {
        let start = (t * spec.hop) as i64 - half;
        for (i, slot) in input.iter_mut().enumerate() {
            let k = start + i as i64;
            let v = usize::try_from(k)
                .ok()
                .and_then(|k| samples.get(k))
                .copied()
                .unwrap_or(0.0);
            *slot = v as f64 * win[i];
        }
        // Lengths come from the planner itself, so this cannot fail.
        fft.process(&mut input, &mut output)
            .expect("buffers made by the planner");
        out.extend(output.iter().map(|c| c.norm_sqr()));
    }
    out
}

/// Hz -> mel on the Slaney scale (linear below 1 kHz, logarithmic above), as librosa with
/// `htk=False`.
fn hz_to_mel(hz: f64) -> f64 {
    let f_sp = 200.0 / 3.0;
    let (min_log_hz, min_log_mel) = (1000.0, 1000.0 / f_sp);
    let logstep = 6.4f64.ln() / 27.0;
    if hz >= min_log_hz {
        min_log_mel + (hz / min_log_hz).ln() / logstep
    } else {
        hz / f_sp
    }
}

fn mel_to_hz(mel: f64) -> f64 {
    let f_sp = 200.0 / 3.0;
    let (min_log_hz, min_log_mel) = (1000.0, 1000.0 / f_sp);
    let logstep = 6.4f64.ln() / 27.0;
    if mel >= min_log_mel {
        min_log_hz * (logstep * (mel - min_log_mel)).exp()
    } else {
        f_sp * mel
    }
}

/// The centre frequency (Hz) of each of `bands` mel bands, lowest first; also the edges used
/// by the filters (`bands + 2` points from f_min to f_max).
pub(crate) fn mel_frequencies(spec: &AudioSpec, points: usize) -> Vec<f64> {
    let (lo, hi) = (hz_to_mel(spec.f_min as f64), hz_to_mel(spec.f_max as f64));
    (0..points)
        .map(|i| {
            let f = if points > 1 {
                i as f64 / (points - 1) as f64
            } else {
                0.0
            };
            mel_to_hz(lo + (hi - lo) * f)
        })
        .collect()
}

/// Triangular mel filters, `bands * (n_fft/2 + 1)` weights, band after band (lowest first),
/// each scaled to unit area (librosa's `filters.mel(norm="slaney")`).
pub(crate) fn mel_filters(spec: &AudioSpec, bands: usize) -> Vec<f64> {
    let bins = spec.n_fft / 2 + 1;
    let fft_freqs: Vec<f64> = (0..bins)
        .map(|k| k as f64 * spec.sample_rate as f64 / spec.n_fft as f64)
        .collect();
    let edges = mel_frequencies(spec, bands + 2);
    let mut weights = vec![0.0; bands * bins];
    for m in 0..bands {
        let (lo, mid, hi) = (edges[m], edges[m + 1], edges[m + 2]);
        let norm = 2.0 / (hi - lo);
        for (k, &f) in fft_freqs.iter().enumerate() {
            let lower = (f - lo) / (mid - lo);
            let upper = (hi - f) / (hi - mid);
            weights[m * bins + k] = lower.min(upper).max(0.0) * norm;
        }
    }
    weights
}

/// The centre frequency in Hz of the mel band shown in `row` (row 0 the highest).
pub(crate) fn row_hz(spec: &AudioSpec, bands: usize, row: usize) -> f64 {
    let centres = mel_frequencies(spec, bands + 2);
    let m = bands.saturating_sub(1 + row.min(bands.saturating_sub(1)));
    centres[m + 1]
}

/// A picture or a recording, as the pixels `model` reads (before normalisation): a WAV file
/// for an audio model, an image otherwise. The error names the file.
pub fn file_pixels(path: &Path, model: &crate::engine::Model) -> Result<Array3<f32>, FileError> {
    match &model.info.audio {
        Some(spec) => {
            let audio = load_audio(path)?;
            audio_pixels(&audio, spec, &model.input)
                .map_err(|e| FileError::invalid(path, e.to_string()))
        }
        None => {
            let bytes = read_limited(path, super::image_input::MAX_IMAGE_BYTES)?;
            if is_wav(&bytes) {
                return Err(FileError::invalid(
                    path,
                    format!(
                        "is a recording, and {} reads pictures: open it with an audio model (speech-max, speech-avg)",
                        if model.info.name.is_empty() {
                            "this model"
                        } else {
                            &model.info.name
                        }
                    ),
                ));
            }
            let image = super::image_input::decode_image(&bytes, path)?;
            super::image_input::to_pixels(&image, &model.input)
                .map_err(|e| FileError::invalid(path, e.to_string()))
        }
    }
}

/// Why a model file's `input` section does not describe an input this app reads.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) enum AudioFieldsError {
    #[error("sample_rate, n_fft, hop, ... belong to \"kind\": \"audio\"")]
    NotAudio,
    #[error("\"kind\" is {0:?}, not \"image\" or \"audio\"")]
    Kind(String),
    #[error("an audio input needs \"{0}\"")]
    Missing(&'static str),
    #[error("mel_bands is {bands} but the input height is {height}: they are the same thing")]
    BandsNotHeight { bands: usize, height: usize },
    #[error("an audio input has 1 channel, not {0}")]
    Channels(usize),
    #[error(transparent)]
    Spec(#[from] AudioSpecError),
}

/// The audio fields of a model file's `input` section, as read.
#[derive(Debug, Clone, Default)]
pub(crate) struct AudioFields {
    pub sample_rate: Option<u32>,
    pub n_fft: Option<usize>,
    pub frame: Option<usize>,
    pub hop: Option<usize>,
    pub mel_bands: Option<usize>,
    pub f_min: Option<f32>,
    pub f_max: Option<f32>,
    pub log_offset: Option<f32>,
    pub normalize_bands: Option<bool>,
}

impl AudioFields {
    /// The audio spec for `"kind": "audio"`, `None` for images; the problem in words when the
    /// fields are missing, contradict the input size, or appear on an image model.
    pub(crate) fn spec(
        &self,
        kind: Option<&str>,
        input: &InputSpec,
    ) -> Result<Option<AudioSpec>, AudioFieldsError> {
        let any = self.sample_rate.is_some()
            || self.n_fft.is_some()
            || self.frame.is_some()
            || self.hop.is_some()
            || self.mel_bands.is_some()
            || self.f_min.is_some()
            || self.f_max.is_some()
            || self.log_offset.is_some()
            || self.normalize_bands.is_some();
        match kind {
            None | Some("image") if any => return Err(AudioFieldsError::NotAudio),
            None | Some("image") => return Ok(None),
            Some("audio") => {}
            Some(other) => return Err(AudioFieldsError::Kind(other.to_string())),
        }
        let need = AudioFieldsError::Missing;
        let sample_rate = self.sample_rate.ok_or(need("sample_rate"))?;
        let n_fft = self.n_fft.ok_or(need("n_fft"))?;
        let hop = self.hop.ok_or(need("hop"))?;
        let bands = self.mel_bands.ok_or(need("mel_bands"))?;
        if bands != input.height {
            return Err(AudioFieldsError::BandsNotHeight {
                bands,
                height: input.height,
            });
        }
        if input.channels != 1 {
            return Err(AudioFieldsError::Channels(input.channels));
        }
        let spec = AudioSpec {
            sample_rate,
            n_fft,
            frame: self.frame.unwrap_or(n_fft),
            hop,
            f_min: self.f_min.unwrap_or(0.0),
            f_max: self.f_max.unwrap_or(sample_rate as f32 / 2.0),
            log_offset: self.log_offset.unwrap_or(1e-6),
            normalize_bands: self.normalize_bands.unwrap_or(false),
        };
        spec.check(bands)?;
        Ok(Some(spec))
    }

    /// Writes `spec` into a model file's `input` object.
    pub(crate) fn write(spec: &AudioSpec, bands: usize, input: &mut Value) {
        input["kind"] = json!("audio");
        input["sample_rate"] = json!(spec.sample_rate);
        input["n_fft"] = json!(spec.n_fft);
        input["frame"] = json!(spec.frame);
        input["hop"] = json!(spec.hop);
        input["mel_bands"] = json!(bands);
        input["f_min"] = json!(spec.f_min);
        input["f_max"] = json!(spec.f_max);
        input["log_offset"] = json!(spec.log_offset);
        if spec.normalize_bands {
            input["normalize_bands"] = json!(true);
        }
    }
}

/// The speech twins' spectrogram (8 kHz, 32 bands x 64 frames of 12.5 ms), for tests.
#[cfg(test)]
pub(crate) fn speech_spec(normalize_bands: bool) -> AudioSpec {
    AudioSpec {
        sample_rate: 8000,
        n_fft: 256,
        frame: 200,
        hop: 100,
        f_min: 0.0,
        f_max: 4000.0,
        log_offset: 1e-6,
        normalize_bands,
    }
}

#[cfg(test)]
mod tests;
