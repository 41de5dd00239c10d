//! The input noise control (issue 13): turning noise on changes what the network reads and
//! runs the trace again on it, the clean input is kept beside it, the same seed gives the same
//! noisy input, and for a recording the noise goes on the waveform. Drives the real app with
//! egui_kittest on the committed fixtures (and the speech sample model for the recording).

use crate::support::{H, app, apply, repo, wait_for_jobs};
use convscope::analysis::robustness::{Noise, NoiseKind, noisy};
use convscope::app::{Command, InputNoise};
use convscope::engine::RunOptions;
use egui_kittest::kittest::{NodeT, Queryable};

/// The app on the fixtures; Play plays nothing.
fn harness() -> H {
    app().no_dialogs().build()
}

#[test]
fn noise_changes_the_input_and_runs_the_trace_again() {
    let mut h = harness();
    let before = h.state().explorer.clone();
    assert_eq!(before.noise.kind, None);
    assert_eq!(before.pixels, before.clean_pixels);
    assert!(before.clean_trace.is_empty());

    // Key N: Gaussian at the default level and seed.
    h.key_press(egui::Key::N);
    h.run();
    let ex = &h.state().explorer;
    assert_eq!(ex.noise.kind, Some(NoiseKind::Gaussian));
    assert!(ex.generation > before.generation, "the trace was run again");
    assert_eq!(ex.clean_pixels, before.pixels, "the clean input is kept");
    assert_ne!(ex.pixels, before.pixels, "the network reads a noisy input");
    assert_ne!(ex.trace[0], before.trace[0]);
    assert_eq!(
        ex.clean_trace, before.trace,
        "the clean run is the run before"
    );
    // What the network reads is the analysis module's noise on the clean pixels, and every
    // stage is the engine's output for it.
    let noise = Noise {
        kind: NoiseKind::Gaussian,
        level: ex.noise.level,
    };
    let want = noisy(&before.pixels, noise, (0.0, 1.0), ex.noise.seed);
    assert_eq!(ex.pixels, want);
    let mut x = want.clone();
    ex.net.input.normalize(&mut x);
    let options = RunOptions {
        pool_mode: Some(ex.pool_mode),
        dropout: None,
    };
    let outs = ex.net.forward_all(&x, &options).unwrap();
    assert_eq!(&ex.trace[1..], &outs[..]);
    let sim = ex.noise_similarity();
    assert_eq!(sim.len(), ex.trace.len());
    assert!(sim[0] < 0.999, "input similarity {}", sim[0]);
    assert!(ex.clean_prediction().is_some(), "the clean answer is kept");

    // The same seed gives the same input; another seed another one.
    let first = h.state().explorer.pixels.clone();
    let n = h.state().explorer.noise;
    apply(&mut h, Command::SetNoise(InputNoise { seed: 7, ..n }));
    let other = h.state().explorer.pixels.clone();
    assert_ne!(other, first);
    apply(&mut h, Command::SetNoise(n));
    assert_eq!(h.state().explorer.pixels, first);

    // Salt and pepper, chosen in the panel's list: only black and white pixels are added.
    let combo = h
        .query_all_by_label("Noise")
        .find(|node| format!("{:?}", node.accesskit_node().role()) == "ComboBox")
        .expect("the noise list");
    combo.click();
    h.run();
    h.get_by_label("salt and pepper").click();
    h.run();
    let ex = &h.state().explorer;
    assert_eq!(ex.noise.kind, Some(NoiseKind::SaltPepper));
    let changed: Vec<f32> = ex
        .pixels
        .iter()
        .zip(&ex.clean_pixels)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| *a)
        .collect();
    assert!(!changed.is_empty());
    assert!(changed.iter().all(|&v| v == 0.0 || v == 1.0));

    // A new picture keeps the noise on; N twice more turns it off and the clean run is back.
    apply(&mut h, Command::LoadSample("digit_3"));
    assert_ne!(h.state().explorer.pixels, h.state().explorer.clean_pixels);
    h.key_press(egui::Key::N);
    h.run();
    let ex = &h.state().explorer;
    assert_eq!(ex.noise.kind, None);
    assert_eq!(ex.pixels, ex.clean_pixels);
    assert!(ex.clean_trace.is_empty());
}

#[test]
fn a_recordings_noise_goes_on_its_waveform() {
    let mut h = harness();
    apply(
        &mut h,
        Command::OpenModel(repo("sample_models/speech-avg.json")),
    );
    wait_for_jobs(&mut h);
    let clean = h.state().explorer.clone();
    let audio = clean.input.audio.clone().expect("a recording is loaded");
    apply(
        &mut h,
        Command::SetNoise(InputNoise {
            kind: Some(NoiseKind::Gaussian),
            level: 0.05,
            seed: 3,
        }),
    );
    let ex = &h.state().explorer;
    let heard = ex.heard_audio().expect("the noisy recording");
    assert_eq!(heard.samples.len(), audio.samples.len());
    assert_ne!(
        heard.samples, audio.samples,
        "the waveform carries the noise"
    );
    // The spectrogram the network reads is the one of the noisy recording.
    let spec = ex.model.info.audio.as_ref().unwrap();
    let want = convscope::io::audio_pixels(heard, spec, &ex.model.input).unwrap();
    assert_eq!(ex.pixels, want);
    assert_eq!(ex.clean_pixels, clean.pixels);
    assert!(!ex.clean_trace.is_empty());
}
