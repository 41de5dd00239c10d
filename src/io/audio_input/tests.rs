use super::*;
use ndarray::{Array1, Array2};
use ndarray_npy::read_npy;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/audio")
        .join(name)
}

/// The parameters `tests/reference/make_audio_reference.py` used, by spec name.
fn spec_of(name: &str) -> (AudioSpec, usize, usize) {
    let text = std::fs::read_to_string(fixture("specs.json")).unwrap();
    let all: Value = serde_json::from_str(&text).unwrap();
    let s = &all["specs"][name];
    let f = |k: &str| s[k].as_f64().unwrap();
    let spec = AudioSpec {
        sample_rate: f("sample_rate") as u32,
        n_fft: f("n_fft") as usize,
        frame: f("frame") as usize,
        hop: f("hop") as usize,
        f_min: f("f_min") as f32,
        f_max: f("f_max") as f32,
        log_offset: f("log_offset") as f32,
        normalize_bands: false,
    };
    (spec, f("mel_bands") as usize, f("frames") as usize)
}

fn input(bands: usize, frames: usize) -> InputSpec {
    InputSpec {
        channels: 1,
        height: bands,
        width: frames,
        mean: vec![0.0],
        std: vec![1.0],
    }
}

/// Our filterbank and log-mel values against librosa's for one signal.
fn check_case(case: &str, spec_name: &str, samples: &[f32]) {
    let (spec, bands, frames) = spec_of(spec_name);
    let want_filters: Array2<f64> = read_npy(fixture(&format!("{case}.filters.npy"))).unwrap();
    let got_filters = mel_filters(&spec, bands);
    let bins = spec.n_fft / 2 + 1;
    assert_eq!(want_filters.dim(), (bands, bins));
    let mut worst_filter = 0.0f64;
    for ((m, k), &w) in want_filters.indexed_iter() {
        worst_filter = worst_filter.max((got_filters[m * bins + k] - w).abs());
    }
    assert!(
        worst_filter < 1e-9,
        "{case}: filters differ by {worst_filter}"
    );
    let want: Array2<f64> = read_npy(fixture(&format!("{case}.logmel.npy"))).unwrap();
    assert_eq!(want.dim(), (bands, frames));
    let got = log_mel(&fit_to(samples, &spec, frames), &spec, bands, frames);
    let mut worst = 0.0f64;
    for ((m, t), &v) in want.indexed_iter() {
        // Row 0 is the highest band; values are measured from ln(log_offset).
        let want = v - (spec.log_offset as f64).ln();
        worst = worst.max((got[[0, bands - 1 - m, t]] as f64 - want).abs());
    }
    eprintln!("{case}: largest |log-mel - librosa| = {worst:.2e}, filters {worst_filter:.2e}");
    assert!(
        worst < 1e-4,
        "{case}: log-mel differs from librosa by {worst}"
    );
}

fn fit_to(samples: &[f32], spec: &AudioSpec, frames: usize) -> Vec<f32> {
    let audio = Audio {
        samples: samples.to_vec(),
        sample_rate: spec.sample_rate,
        channels: 1,
    };
    fit_samples(&audio, spec, frames).unwrap()
}

#[test]
fn a_real_recording_decodes_like_libsndfile_and_matches_librosa() {
    let audio = load_audio(&fixture("7_george_0.wav")).unwrap();
    assert_eq!((audio.sample_rate, audio.channels), (8000, 1));
    let want: Array1<f64> = read_npy(fixture("7_george_0.samples.npy")).unwrap();
    assert_eq!(audio.samples.len(), want.len());
    for (a, b) in audio.samples.iter().zip(want.iter()) {
        assert!((*a as f64 - b).abs() < 1e-7, "{a} vs {b}");
    }
    check_case("real", "speech", &audio.samples);
    let (spec, bands, frames) = spec_of("speech");
    let pixels = audio_pixels(&audio, &spec, &input(bands, frames)).unwrap();
    assert_eq!(pixels.dim(), (1, bands, frames));
}

#[test]
fn random_signals_match_librosa() {
    let noise: Array1<f32> = read_npy(fixture("random.samples.npy")).unwrap();
    let noise = noise.to_vec();
    check_case("random", "speech", &noise);
    check_case("random_other", "other", &noise);
}

#[test]
fn a_pure_tone_lands_in_its_mel_band() {
    let (spec, bands, frames) = spec_of("speech");
    let tone: Vec<f32> = (0..8000)
        .map(|i| (2.0 * std::f32::consts::PI * 1000.0 * i as f32 / 8000.0).sin() * 0.5)
        .collect();
    let maps = log_mel(&fit_to(&tone, &spec, frames), &spec, bands, frames);
    let column = maps.slice(ndarray::s![0, .., frames / 2]);
    let (row, _) = column
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .unwrap();
    let hz = row_hz(&spec, bands, row);
    assert!((hz - 1000.0).abs() < 100.0, "loudest band at {hz} Hz");
}

/// A WAV file of `samples` (interleaved) with hound.
fn wav(
    spec: hound::WavSpec,
    write: impl FnOnce(&mut hound::WavWriter<Cursor<&mut Vec<u8>>>),
) -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut w = hound::WavWriter::new(Cursor::new(&mut bytes), spec).unwrap();
        write(&mut w);
        w.finalize().unwrap();
    }
    bytes
}

fn int_spec(channels: u16, rate: u32, bits: u16) -> hound::WavSpec {
    hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: bits,
        sample_format: hound::SampleFormat::Int,
    }
}

#[test]
fn widths_and_channels_are_converted_as_documented() {
    let p = Path::new("x.wav");
    // 8-bit: hound hands out signed values; 64 -> 0.5.
    let b = wav(int_spec(1, 8000, 8), |w| {
        w.write_sample(64i8).unwrap();
        w.write_sample(-128i8).unwrap();
    });
    assert_eq!(decode_wav(&b, p).unwrap().samples, vec![0.5, -1.0]);
    // 24-bit.
    let b = wav(int_spec(1, 8000, 24), |w| w.write_sample(1 << 22).unwrap());
    assert_eq!(decode_wav(&b, p).unwrap().samples, vec![0.5]);
    // Stereo is averaged.
    let b = wav(int_spec(2, 8000, 16), |w| {
        w.write_sample(16384i16).unwrap();
        w.write_sample(0i16).unwrap();
    });
    let a = decode_wav(&b, p).unwrap();
    assert_eq!((a.samples.clone(), a.channels), (vec![0.25], 2));
    // Float is kept; out-of-range values are clamped.
    let float = hound::WavSpec {
        sample_format: hound::SampleFormat::Float,
        ..int_spec(1, 8000, 32)
    };
    let b = wav(float, |w| {
        for v in [0.25f32, 3.0] {
            w.write_sample(v).unwrap();
        }
    });
    assert_eq!(decode_wav(&b, p).unwrap().samples, vec![0.25, 1.0]);
}

#[test]
fn samples_that_are_not_numbers_are_refused_naming_the_file() {
    // An all-NaN recording used to be read as silence, and got silence's confident answer.
    let float = hound::WavSpec {
        sample_format: hound::SampleFormat::Float,
        ..int_spec(2, 8000, 32)
    };
    for (values, count) in [
        (vec![f32::NAN; 8], "8 of its 8 samples"),
        (vec![0.25, f32::INFINITY, 0.0, 0.0], "1 of its 4 samples"),
        (
            vec![0.25, 0.5, f32::NEG_INFINITY, 0.0],
            "1 of its 4 samples",
        ),
    ] {
        let b = wav(float, |w| {
            for v in &values {
                w.write_sample(*v).unwrap();
            }
        });
        let err = decode_wav(&b, Path::new("nan.wav"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("nan.wav: ") && err.contains(count) && err.contains("NaN or infinite"),
            "{err}"
        );
    }
}

#[test]
fn bad_audio_is_an_error_naming_the_file() {
    let p = Path::new("bad.wav");
    let check = |bytes: &[u8], words: &str| {
        let err = decode_wav(bytes, p).unwrap_err().to_string();
        assert!(err.starts_with("bad.wav: ") && err.contains(words), "{err}");
    };
    check(b"not a wav file at all", "not a WAV");
    check(b"", "not a WAV");
    // No samples.
    check(&wav(int_spec(1, 8000, 16), |_| {}), "no samples");
    // Truncated: a second of audio cut in half.
    let full = wav(int_spec(1, 8000, 16), |w| {
        for i in 0..8000 {
            w.write_sample((i % 100) as i16).unwrap();
        }
    });
    check(&full[..full.len() / 2], "truncated");
    // A header cut inside itself.
    check(&full[..20], "WAV header");
    // An hour-long header is refused before reading samples (the file is 1 s long).
    let mut hour = full.clone();
    let data = hour.windows(4).position(|w| w == b"data").unwrap();
    let size = 8000u32 * 2 * 3600;
    hour[data + 4..data + 8].copy_from_slice(&size.to_le_bytes());
    check(&hour, "3600.0 s long");
}

#[test]
fn a_96_khz_recording_decodes_but_the_model_says_what_rate_it_needs() {
    let b = wav(int_spec(1, 96_000, 16), |w| {
        for _ in 0..960 {
            w.write_sample(100i16).unwrap();
        }
    });
    let audio = decode_wav(&b, Path::new("hi.wav")).unwrap();
    let (spec, bands, frames) = spec_of("speech");
    let err = audio_pixels(&audio, &spec, &input(bands, frames)).unwrap_err();
    assert_eq!(
        err,
        PixelsError::SampleRate {
            model: 8000,
            recording: 96_000
        }
    );
    let err = err.to_string();
    assert!(err.contains("8000 Hz") && err.contains("96000 Hz"), "{err}");
}

#[test]
fn audio_fields_are_checked() {
    let inp = input(32, 64);
    let fields = AudioFields {
        sample_rate: Some(8000),
        n_fft: Some(256),
        hop: Some(100),
        mel_bands: Some(32),
        ..AudioFields::default()
    };
    let spec = fields.spec(Some("audio"), &inp).unwrap().unwrap();
    assert_eq!((spec.frame, spec.f_max), (256, 4000.0));
    assert!(
        fields
            .spec(None, &inp)
            .unwrap_err()
            .to_string()
            .contains("audio")
    );
    assert!(
        fields
            .spec(Some("video"), &inp)
            .unwrap_err()
            .to_string()
            .contains("video")
    );
    let wrong = AudioFields {
        mel_bands: Some(40),
        ..fields.clone()
    };
    assert!(
        wrong
            .spec(Some("audio"), &inp)
            .unwrap_err()
            .to_string()
            .contains("height")
    );
    let nyq = AudioFields {
        f_max: Some(5000.0),
        ..fields.clone()
    };
    assert!(
        nyq.spec(Some("audio"), &inp)
            .unwrap_err()
            .to_string()
            .contains("f_max")
    );
    let missing = AudioFields {
        hop: None,
        ..fields.clone()
    };
    assert!(
        missing
            .spec(Some("audio"), &inp)
            .unwrap_err()
            .to_string()
            .contains("hop")
    );
    assert_eq!(AudioFields::default().spec(None, &inp).unwrap(), None);
    // Per-band normalisation is off unless asked for, and written back only when on.
    assert!(!spec.normalize_bands);
    let banded = AudioFields {
        normalize_bands: Some(true),
        ..fields.clone()
    }
    .spec(Some("audio"), &inp)
    .unwrap()
    .unwrap();
    assert!(banded.normalize_bands);
    let mut json = serde_json::json!({});
    AudioFields::write(&banded, 32, &mut json);
    assert_eq!(json["normalize_bands"], true);
    let mut plain = serde_json::json!({});
    AudioFields::write(&spec, 32, &mut plain);
    assert!(plain.get("normalize_bands").is_none());
    let on_a_picture = AudioFields {
        normalize_bands: Some(true),
        ..AudioFields::default()
    };
    assert!(on_a_picture.spec(None, &inp).is_err());
}

#[test]
fn normalised_bands_have_mean_zero_and_unit_spread_and_ignore_a_band_offset() {
    let mut maps = Array3::from_shape_fn((1, 3, 8), |(_, b, t)| match b {
        0 => t as f32,
        1 => 5.0,
        _ => ((t * 7) % 5) as f32 - 1.0,
    });
    let mut shifted = maps.clone();
    shifted
        .slice_mut(ndarray::s![0, 2, ..])
        .mapv_inplace(|v| 3.0 * v + 10.0);
    normalize_bands(&mut maps);
    normalize_bands(&mut shifted);
    for band in [0, 2] {
        let row = maps.slice(ndarray::s![0, band, ..]);
        let mean = row.sum() / 8.0;
        let var = row.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / 8.0;
        assert!(
            mean.abs() < 1e-6 && (var - 1.0).abs() < 1e-5,
            "{mean} {var}"
        );
    }
    // A band that does not change (silence) is 0; scaling and shifting a band changes nothing.
    assert!(maps.slice(ndarray::s![0, 1, ..]).iter().all(|&v| v == 0.0));
    for (a, b) in maps.iter().zip(&shifted) {
        assert!((a - b).abs() < 1e-5, "{a} {b}");
    }
}

#[test]
fn a_louder_take_reads_closer_after_band_normalisation() {
    let wav = std::fs::read(fixture("7_george_0.wav")).unwrap();
    let audio = decode_wav(&wav, Path::new("7_george_0.wav")).unwrap();
    let louder = Audio {
        samples: audio.samples.iter().map(|v| v * 4.0).collect(),
        ..audio.clone()
    };
    let (mut spec, bands, frames) = (speech_spec(false), 32, 64);
    let distance = |spec: &AudioSpec| {
        let a = audio_pixels(&audio, spec, &input(bands, frames)).unwrap();
        let b = audio_pixels(&louder, spec, &input(bands, frames)).unwrap();
        let spread = a.iter().map(|v| v * v).sum::<f32>().sqrt();
        a.iter()
            .zip(&b)
            .map(|(x, y)| (x - y).powi(2))
            .sum::<f32>()
            .sqrt()
            / spread
    };
    let plain = distance(&spec);
    spec.normalize_bands = true;
    let normalised = distance(&spec);
    assert!(normalised < plain / 2.0, "{normalised} vs {plain}");
}
