//! Augmentation for spoken digits: every epoch each training recording is varied as another
//! voice, microphone or room might have said it, and only then turned into the model's
//! spectrogram. Each ingredient can be switched on alone (to measure what it adds); its
//! strength is fixed, listed on [`Ingredient`]. Drawn from the run's seed, the epoch and the
//! recording's index, as image augmentation is, so a run repeats bit for bit.

use super::augment::example_seed;
use crate::engine::train::{EpochData, Examples};
use crate::engine::{AudioSpec, InputSpec};
use crate::io::audio_input::{Audio, spectrogram_maps};
use ndarray::Array3;
use rand::{Rng, SeedableRng, rngs::StdRng};
use rand_distr::{Distribution, Normal};
use rayon::prelude::*;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// One way of varying a recording, at a fixed strength.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ingredient {
    /// Played 12% slower to 12% faster (tempo and pitch together, as a tape would).
    Speed,
    /// The spectrum's frequency axis stretched by 0.88-1.12 (vocal-tract length
    /// perturbation: formants of a shorter or longer vocal tract, same timing).
    Warp,
    /// 6 dB quieter to 6 dB louder.
    Gain,
    /// White noise at a signal-to-noise ratio of 10 to 40 dB.
    Noise,
    /// 0 to 150 ms of silence before the word (a recording that starts late).
    Shift,
    /// SpecAugment: up to 6 frames (75 ms) and up to 4 mel bands of the spectrogram blanked.
    Masks,
}

impl Ingredient {
    pub const ALL: [Ingredient; 6] = [
        Ingredient::Speed,
        Ingredient::Warp,
        Ingredient::Gain,
        Ingredient::Noise,
        Ingredient::Shift,
        Ingredient::Masks,
    ];

    /// Its name on the command line and in a model's training record.
    pub fn name(self) -> &'static str {
        match self {
            Ingredient::Speed => "speed",
            Ingredient::Warp => "warp",
            Ingredient::Gain => "gain",
            Ingredient::Noise => "noise",
            Ingredient::Shift => "shift",
            Ingredient::Masks => "masks",
        }
    }

    fn bit(self) -> u8 {
        1 << Ingredient::ALL.iter().position(|&i| i == self).unwrap_or(0)
    }
}

/// Largest speed change and frequency stretch (as fractions), gain (dB), the range of the
/// noise's signal-to-noise ratio (dB), the longest silence put before a word (seconds), and
/// the widest masks (frames, bands).
const SPEED: f64 = 0.12;
const WARP: f64 = 0.12;
const GAIN_DB: f32 = 6.0;
const SNR_DB: (f32, f32) = (10.0, 40.0);
const SHIFT_SECONDS: f64 = 0.15;
const MASK_FRAMES: usize = 6;
const MASK_BANDS: usize = 4;

/// Which ingredients vary each recording (none by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VoiceAugment(u8);

impl VoiceAugment {
    /// Every ingredient.
    pub fn all() -> VoiceAugment {
        VoiceAugment(Ingredient::ALL.iter().map(|i| i.bit()).sum())
    }

    /// The ingredients the shipped speech models train with, and the Train tab's "vary each
    /// recording": those that raised the accuracy on unseen speakers when measured one at a
    /// time (docs/findings.md, "New voices").
    pub fn classroom() -> VoiceAugment {
        VoiceAugment::default()
            .with(Ingredient::Gain, true)
            .with(Ingredient::Noise, true)
    }

    pub fn is_none(self) -> bool {
        self.0 == 0
    }

    pub fn has(self, i: Ingredient) -> bool {
        self.0 & i.bit() != 0
    }

    pub fn with(self, i: Ingredient, on: bool) -> VoiceAugment {
        VoiceAugment(if on {
            self.0 | i.bit()
        } else {
            self.0 & !i.bit()
        })
    }

    /// The ingredients switched on, in [`Ingredient::ALL`]'s order.
    pub fn ingredients(self) -> Vec<Ingredient> {
        Ingredient::ALL
            .into_iter()
            .filter(|&i| self.has(i))
            .collect()
    }

    /// The spectrogram `model_input` reads for `audio` varied with `rng`'s draws, normalised
    /// as the model normalises its input.
    pub(crate) fn apply(
        self,
        audio: &Audio,
        spec: &AudioSpec,
        input: &InputSpec,
        rng: &mut StdRng,
    ) -> Array3<f32> {
        let mut samples = audio.samples.clone();
        if self.has(Ingredient::Speed) {
            samples = resample(&samples, 1.0 + rng.random_range(-SPEED..=SPEED));
        }
        if self.has(Ingredient::Shift) {
            let most = (SHIFT_SECONDS * spec.sample_rate as f64) as usize;
            let silence = rng.random_range(0..=most);
            samples.splice(0..0, std::iter::repeat_n(0.0, silence));
        }
        if self.has(Ingredient::Gain) {
            let gain = 10f32.powf(rng.random_range(-GAIN_DB..=GAIN_DB) / 20.0);
            samples
                .iter_mut()
                .for_each(|v| *v = (*v * gain).clamp(-1.0, 1.0));
        }
        if self.has(Ingredient::Noise) {
            let snr = rng.random_range(SNR_DB.0..=SNR_DB.1);
            add_noise(&mut samples, snr, rng);
        }
        let warp = if self.has(Ingredient::Warp) {
            1.0 + rng.random_range(-WARP..=WARP)
        } else {
            1.0
        };
        let mut maps = spectrogram_maps(samples, spec, input, warp);
        input.normalize(&mut maps);
        if self.has(Ingredient::Masks) {
            mask(&mut maps, rng);
        }
        maps
    }
}

impl fmt::Display for VoiceAugment {
    /// `speed,warp` as `--augment-voice` takes it; `all` for every one, `none` for none.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == VoiceAugment::all() {
            return write!(f, "all");
        }
        if self.is_none() {
            return write!(f, "none");
        }
        let names: Vec<&str> = self
            .ingredients()
            .into_iter()
            .map(Ingredient::name)
            .collect();
        write!(f, "{}", names.join(","))
    }
}

impl FromStr for VoiceAugment {
    type Err = String;

    /// `all`, `none`, or ingredients separated by commas.
    fn from_str(text: &str) -> Result<Self, String> {
        match text.trim() {
            "all" => return Ok(VoiceAugment::all()),
            "none" | "" => return Ok(VoiceAugment::default()),
            _ => {}
        }
        text.split(',')
            .try_fold(VoiceAugment::default(), |set, word| {
                let word = word.trim();
                Ingredient::ALL
                    .into_iter()
                    .find(|i| i.name() == word)
                    .map(|i| set.with(i, true))
                    .ok_or_else(|| {
                        let names: Vec<&str> = Ingredient::ALL.iter().map(|i| i.name()).collect();
                        format!(
                            "`{word}` is not an ingredient: use all, none, or some of {}",
                            names.join(", ")
                        )
                    })
            })
    }
}

/// `samples` played `factor` times as fast (linear interpolation; 1 returns them unchanged).
fn resample(samples: &[f32], factor: f64) -> Vec<f32> {
    if factor == 1.0 || samples.is_empty() {
        return samples.to_vec();
    }
    let len = ((samples.len() as f64) / factor).floor().max(1.0) as usize;
    (0..len)
        .map(|j| {
            let from = j as f64 * factor;
            let (i, t) = (from.floor() as usize, from.fract() as f32);
            let a = samples.get(i).copied().unwrap_or(0.0);
            let b = samples.get(i + 1).copied().unwrap_or(a);
            a + (b - a) * t
        })
        .collect()
}

/// White noise `snr_db` below the recording's mean power (nothing for a silent one).
fn add_noise(samples: &mut [f32], snr_db: f32, rng: &mut StdRng) {
    let n = samples.len().max(1) as f64;
    let power = samples.iter().map(|&v| (v as f64).powi(2)).sum::<f64>() / n;
    let std = (power / 10f64.powf(snr_db as f64 / 10.0)).sqrt() as f32;
    if let Ok(normal) = Normal::new(0.0f32, std)
        && std > 0.0
    {
        samples
            .iter_mut()
            .for_each(|v| *v = (*v + normal.sample(rng)).clamp(-1.0, 1.0));
    }
}

/// One run of frames and one of bands set to 0 (the normalised mean).
fn mask(maps: &mut Array3<f32>, rng: &mut StdRng) {
    let (_, bands, frames) = maps.dim();
    let width = rng.random_range(0..=MASK_FRAMES.min(frames));
    let start = rng.random_range(0..=frames - width);
    maps.slice_mut(ndarray::s![.., .., start..start + width])
        .fill(0.0);
    let height = rng.random_range(0..=MASK_BANDS.min(bands));
    let start = rng.random_range(0..=bands - height);
    maps.slice_mut(ndarray::s![.., start..start + height, ..])
        .fill(0.0);
}

/// A set of recordings, varied anew every epoch.
pub(crate) struct VoiceAugmented<'a> {
    recordings: &'a [Arc<Audio>],
    labels: &'a [usize],
    augment: VoiceAugment,
    spec: AudioSpec,
    input: InputSpec,
    seed: u64,
    inputs: Vec<Array3<f32>>,
}

impl<'a> VoiceAugmented<'a> {
    pub(crate) fn new(
        recordings: &'a [Arc<Audio>],
        labels: &'a [usize],
        augment: VoiceAugment,
        (spec, input): (AudioSpec, InputSpec),
        seed: u64,
    ) -> Self {
        VoiceAugmented {
            recordings,
            labels,
            augment,
            spec,
            input,
            seed,
            inputs: Vec::new(),
        }
    }
}

impl EpochData for VoiceAugmented<'_> {
    fn epoch(&mut self, epoch: usize) -> Examples<'_> {
        let (augment, spec, input, seed) = (self.augment, &self.spec, &self.input, self.seed);
        self.inputs = self
            .recordings
            .par_iter()
            .enumerate()
            .map(|(i, audio)| {
                let mut rng = StdRng::seed_from_u64(example_seed(seed, epoch, i));
                augment.apply(audio, spec, input, &mut rng)
            })
            .collect();
        Examples {
            inputs: &self.inputs,
            labels: self.labels,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::audio_input::{audio_pixels, decode_wav, log_mel_warped};

    fn george() -> Audio {
        let wav = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/audio/7_george_0.wav"),
        )
        .unwrap();
        decode_wav(&wav, std::path::Path::new("7_george_0.wav")).unwrap()
    }

    fn speech() -> (AudioSpec, InputSpec) {
        let spec = crate::io::audio_input::speech_spec(true);
        let input = InputSpec {
            channels: 1,
            height: 32,
            width: 64,
            mean: vec![0.0],
            std: vec![1.0],
        };
        (spec, input)
    }

    #[test]
    fn ingredients_parse_print_and_name_a_mistake() {
        let two: VoiceAugment = "warp, speed".parse().unwrap();
        assert_eq!(two.to_string(), "speed,warp");
        assert_eq!("all".parse::<VoiceAugment>().unwrap(), VoiceAugment::all());
        assert_eq!(VoiceAugment::all().ingredients().len(), 6);
        assert!("none".parse::<VoiceAugment>().unwrap().is_none());
        let err = "speed,pitch".parse::<VoiceAugment>().unwrap_err();
        assert!(err.contains("`pitch`") && err.contains("masks"), "{err}");
    }

    #[test]
    fn without_ingredients_it_is_the_models_own_spectrogram() {
        let (spec, input) = speech();
        let audio = george();
        let mut want = audio_pixels(&audio, &spec, &input).unwrap();
        input.normalize(&mut want);
        let got =
            VoiceAugment::default().apply(&audio, &spec, &input, &mut StdRng::seed_from_u64(1));
        assert_eq!(got, want);
    }

    #[test]
    fn each_ingredient_changes_the_spectrogram_and_repeats_from_its_seed() {
        let (spec, input) = speech();
        let audio = george();
        let plain =
            VoiceAugment::default().apply(&audio, &spec, &input, &mut StdRng::seed_from_u64(1));
        for i in Ingredient::ALL {
            let one = VoiceAugment::default().with(i, true);
            let a = one.apply(&audio, &spec, &input, &mut StdRng::seed_from_u64(5));
            let b = one.apply(&audio, &spec, &input, &mut StdRng::seed_from_u64(5));
            assert_eq!(a, b, "{i:?} repeats");
            let changed = (0..8u64)
                .any(|s| one.apply(&audio, &spec, &input, &mut StdRng::seed_from_u64(s)) != plain);
            assert!(changed, "{i:?} changes something");
            assert!(a.iter().all(|v| v.is_finite()), "{i:?}");
        }
    }

    #[test]
    fn speed_shortens_or_lengthens_and_keeps_the_waveform() {
        let ramp: Vec<f32> = (0..100).map(|i| i as f32 / 100.0).collect();
        let fast = resample(&ramp, 1.25);
        assert_eq!(fast.len(), 80);
        assert!((fast[40] - 0.5).abs() < 1e-6, "{}", fast[40]);
        let slow = resample(&ramp, 0.8);
        assert_eq!(slow.len(), 125);
        assert!((slow[50] - 0.4).abs() < 1e-6);
    }

    #[test]
    fn noise_lands_at_the_asked_ratio() {
        let mut rng = StdRng::seed_from_u64(3);
        let tone: Vec<f32> = (0..8000).map(|i| 0.3 * (i as f32 * 0.05).sin()).collect();
        let mut noisy = tone.clone();
        add_noise(&mut noisy, 20.0, &mut rng);
        let p = |v: &[f32]| v.iter().map(|x| (*x as f64).powi(2)).sum::<f64>();
        let noise: Vec<f32> = noisy.iter().zip(&tone).map(|(a, b)| a - b).collect();
        let snr = 10.0 * (p(&tone) / p(&noise)).log10();
        assert!((snr - 20.0).abs() < 0.5, "{snr}");
    }

    #[test]
    fn a_warp_moves_a_tone_up_the_mel_bands() {
        let (mut spec, input) = speech();
        spec.normalize_bands = false;
        let tone: Vec<f32> = (0..6300)
            .map(|i| 0.5 * (2.0 * std::f32::consts::PI * 1000.0 * i as f32 / 8000.0).sin())
            .collect();
        // Row 0 is the highest band: the loudest row of the middle frame.
        let loudest_band = |warp: f64| {
            let maps = log_mel_warped(&tone, &spec, input.height, input.width, warp);
            let column = maps.slice(ndarray::s![0, .., 32]);
            let row = (0..input.height)
                .max_by(|&a, &b| column[a].total_cmp(&column[b]))
                .unwrap();
            input.height - 1 - row
        };
        assert!(loudest_band(1.12) > loudest_band(1.0));
        assert!(loudest_band(0.88) < loudest_band(1.0));
        assert_eq!(
            log_mel_warped(&tone, &spec, 32, 64, 1.0),
            crate::io::audio_input::log_mel(&tone, &spec, 32, 64)
        );
    }
}
