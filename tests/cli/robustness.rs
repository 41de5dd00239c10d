//! `convscope robustness` against the library computing the same noisy inputs one by one, and
//! audio through the commands that take `--image` (issues 13 and 14).

use convscope::analysis::robustness::{Noise, NoiseKind, example_seed, noisy};
use convscope::analysis::sweep::probabilities;
use convscope::data::{DataSpec, load};
use convscope::engine::{RunOptions, argmax};
use convscope::io::load_model;
use std::process::{Command, Output};

fn convscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_convscope"))
        .args(args)
        .output()
        .unwrap()
}

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
