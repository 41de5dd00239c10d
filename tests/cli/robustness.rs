//! `convscope robustness` against the library computing the same noisy inputs one by one, and
//! audio through the commands that take `--image` (issues 13 and 14).

use crate::support::convscope;
use convscope::analysis::robustness::{Noise, NoiseKind, example_seed, noisy};
use convscope::analysis::sweep::probabilities;
use convscope::data::{DataSpec, load};
use convscope::engine::{RunOptions, argmax};
use convscope::io::load_model;

#[test]
fn robustness_matches_noisy_inputs_run_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("r.csv");
    let o = convscope(&[
        "robustness",
        "--model",
        "sample_models/digits-max.json",
        "--data",
        "mnist:tests/fixtures/mnist-small",
        "--noise",
        "saltpepper:0.3",
        "--noise",
        "gaussian:0.4",
        "--seed",
        "3",
        "--limit",
        "40",
        "--pool",
        "max,avg",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&csv).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 1 + 4, "{text}");
    assert!(rows[0].starts_with("model,trained_pool,pool,noise,level,noise_on,examples,clean_accuracy,noisy_accuracy,agreement,sim_input,sim_conv1"));
    let model = load_model(std::path::Path::new("sample_models/digits-max.json")).unwrap();
    let test = load(&DataSpec::Mnist("tests/fixtures/mnist-small".into()))
        .unwrap()
        .test
        .take(40);
    for row in &rows[1..] {
        let f: Vec<&str> = row.split(',').collect();
        let kind = NoiseKind::parse(f[3]).unwrap();
        let noise = Noise {
            kind,
            level: f[4].parse().unwrap(),
        };
        let options = RunOptions {
            pool_mode: convscope::engine::PoolMode::parse(f[2]),
            dropout: None,
        };
        let mut right = 0;
        for i in 0..test.len() {
            let mut x = noisy(&test.pixels(i), noise, (0.0, 1.0), example_seed(3, i));
            model.input.normalize(&mut x);
            let out = model.forward(&x, &options).unwrap();
            right += (argmax(&probabilities(&model, &out)) == test.label(i)) as usize;
        }
        let want = right as f32 / test.len() as f32;
        let got: f32 = f[8].parse().unwrap();
        assert!((got - want).abs() < 1e-3, "{row}: {got} vs {want}");
        // The input stage's similarity drops under this much noise.
        let input_sim: f32 = f[10].parse().unwrap();
        assert!(input_sim < 0.95, "{row}");
    }
}

#[test]
fn commands_that_take_an_image_take_a_recording_for_a_speech_model() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("inspect");
    let o = convscope(&[
        "inspect",
        "--model",
        "sample_models/speech-max.json",
        "--image",
        "assets/samples/speech_7_george_0.wav",
        "--out",
        out.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(text.contains("1 @ 32x64"), "{text}");
    // A recording fed to a picture model says what to do, naming the file.
    let o = convscope(&[
        "inspect",
        "--model",
        "sample_models/digits-max.json",
        "--image",
        "assets/samples/speech_7_george_0.wav",
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        err.contains("speech_7_george_0.wav") && err.contains("audio model"),
        "{err}"
    );
}

/// Cosine similarity of two .npy files, computed here in f64, independently of the analysis
/// module.
fn cosine_of_files(a: &std::path::Path, b: &std::path::Path) -> f64 {
    use ndarray_npy::ReadNpyExt;
    let read = |p: &std::path::Path| {
        ndarray::ArrayD::<f32>::read_npy(std::fs::File::open(p).unwrap()).unwrap()
    };
    let (a, b) = (read(a), read(b));
    let dot: f64 = a
        .iter()
        .zip(b.iter())
        .map(|(x, y)| *x as f64 * *y as f64)
        .sum();
    let na = a.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    let nb = b.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    match (na == 0.0, nb == 0.0) {
        (true, true) => 1.0,
        (false, false) => dot / (na * nb),
        _ => 0.0,
    }
}

/// The check docs/findings.md#one-image-convscope-sweep describes: `robustness`'s per-stage
/// similarity is the mean,
/// over the test examples, of the cosine between a clean and a noisy `inspect --noise` run of
/// each example (given the seed `robustness` gives that example), for both noise kinds.
#[test]
fn robustness_similarity_equals_separate_inspect_noise_runs() {
    let dir = tempfile::tempdir().unwrap();
    let (count, seed) = (6usize, 11u64);
    let test = load(&DataSpec::Mnist("tests/fixtures/mnist-small".into()))
        .unwrap()
        .test
        .take(count);
    // Each test digit as the 8-bit PNG it came from (MNIST pixels are bytes / 255).
    let pngs: Vec<std::path::PathBuf> = (0..count)
        .map(|i| {
            let x = test.pixels(i);
            let img = image::GrayImage::from_fn(28, 28, |c, r| {
                image::Luma([(x[[0, r as usize, c as usize]] * 255.0).round() as u8])
            });
            let path = dir.path().join(format!("d{i}.png"));
            img.save(&path).unwrap();
            path
        })
        .collect();
    let inspect = |png: &std::path::Path, out: &std::path::Path, extra: &[&str]| {
        let mut args = vec![
            "inspect",
            "--model",
            "sample_models/digits-avg.json",
            "--image",
            png.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let o = convscope(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    // Each clean run's folder and its printed prediction.
    let answer = |t: &str| {
        t.lines()
            .find(|l| l.starts_with("prediction:"))
            .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
    };
    let (clean, clean_answers): (Vec<std::path::PathBuf>, Vec<Option<String>>) = (0..count)
        .map(|i| {
            let out = dir.path().join(format!("clean{i}"));
            let printed = inspect(&pngs[i], &out, &[]);
            (out, answer(&printed))
        })
        .unzip();
    for noise in ["gaussian:0.3", "saltpepper:0.1"] {
        let csv = dir.path().join("r.csv");
        let limit = count.to_string();
        let seed_text = seed.to_string();
        let o = convscope(&[
            "robustness",
            "--model",
            "sample_models/digits-avg.json",
            "--data",
            "mnist:tests/fixtures/mnist-small",
            "--noise",
            noise,
            "--seed",
            &seed_text,
            "--limit",
            &limit,
            "--csv",
            csv.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = std::fs::read_to_string(&csv).unwrap();
        let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
        let row: Vec<&str> = text.lines().nth(1).unwrap().split(',').collect();
        let mut sums: Vec<f64> = Vec::new();
        let mut agree = 0;
        for i in 0..count {
            let out = dir.path().join(format!("noisy{i}"));
            let s = example_seed(seed, i).to_string();
            let printed = inspect(&pngs[i], &out, &["--noise", noise, "--seed", &s]);
            let manifest: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap())
                    .unwrap();
            assert_eq!(
                manifest["noise"]["seed"].as_u64(),
                Some(example_seed(seed, i))
            );
            let mut files = vec!["input.npy".to_string()];
            files.extend(
                manifest["layers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| l["file"].as_str().unwrap().to_string()),
            );
            sums.resize(files.len(), 0.0);
            for (stage, file) in files.iter().enumerate() {
                sums[stage] += cosine_of_files(&clean[i].join(file), &out.join(file));
            }
            assert!(clean_answers[i].is_some(), "inspect printed a prediction");
            agree += (clean_answers[i] == answer(&printed)) as usize;
        }
        let first_sim = header.iter().position(|h| *h == "sim_input").unwrap();
        assert_eq!(
            header.len() - first_sim,
            sums.len(),
            "{noise}: a column per stage"
        );
        for (stage, sum) in sums.iter().enumerate() {
            let want = sum / count as f64;
            let got: f64 = row[first_sim + stage].parse().unwrap();
            assert!(
                (got - want).abs() < 2e-5,
                "{noise} {}: robustness {got} vs inspect {want}",
                header[first_sim + stage]
            );
        }
        assert!(
            sums[0] / (count as f64) < 0.99,
            "{noise}: the noise changed the input"
        );
        let agreement: f64 = row[9].parse().unwrap();
        assert!(
            (agreement - agree as f64 / count as f64).abs() < 1e-3,
            "{noise}: same answer {agreement} vs {agree}/{count}"
        );
    }
}

/// `inspect --noise` on a recording puts the noise on the waveform (as the app does): the
/// input it writes is the library's noisy recording turned into a spectrogram, the same seed
/// gives the same input and another seed another one.
#[test]
fn inspect_noise_on_a_recording_goes_on_the_waveform_and_is_seeded() {
    use ndarray_npy::ReadNpyExt;
    let dir = tempfile::tempdir().unwrap();
    let wav = "assets/samples/speech_7_george_0.wav";
    let run = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        let mut args = vec![
            "inspect",
            "--model",
            "sample_models/speech-avg.json",
            "--image",
            wav,
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let o = convscope(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        ndarray::Array3::<f32>::read_npy(std::fs::File::open(out.join("input.npy")).unwrap())
            .unwrap()
    };
    let a = run("a", &["--noise", "gaussian:0.05", "--seed", "5"]);
    let b = run("b", &["--noise", "gaussian:0.05", "--seed", "5"]);
    let c = run("c", &["--noise", "gaussian:0.05", "--seed", "6"]);
    let clean = run("clean", &[]);
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert_ne!(a, clean);
    let model = load_model(std::path::Path::new("sample_models/speech-avg.json")).unwrap();
    let audio = convscope::io::load_audio(std::path::Path::new(wav)).unwrap();
    let pixels = convscope::io::file_pixels(std::path::Path::new(wav), &model).unwrap();
    let noise = Noise {
        kind: NoiseKind::Gaussian,
        level: 0.05,
    };
    let (mut want, noisy_audio) =
        convscope::analysis::robustness::noisy_input(&model, &pixels, Some(&audio), noise, 5)
            .unwrap();
    assert!(noisy_audio.is_some(), "the noise went on the recording");
    model.input.normalize(&mut want);
    let worst = a
        .iter()
        .zip(want.iter())
        .map(|(x, y)| (x - y).abs())
        .fold(0.0f32, f32::max);
    assert!(worst < 1e-5, "inspect vs library: {worst}");
    // On the spectrogram instead, the input differs from the waveform's.
    let d = run(
        "d",
        &[
            "--noise",
            "gaussian:0.05",
            "--seed",
            "5",
            "--noise-on",
            "input",
        ],
    );
    assert_ne!(a, d);
    // --noise needs a picture or recording, not a ready network input.
    let o = convscope(&[
        "inspect",
        "--model",
        "sample_models/speech-avg.json",
        "--input-npy",
        dir.path().join("a/input.npy").to_str().unwrap(),
        "--noise",
        "gaussian:0.1",
        "--out",
        dir.path().join("e").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
}
