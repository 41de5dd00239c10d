//! The Record button with a fake microphone: a script standing in for pw-record that prints
//! known samples (silence, a tone, silence). The take becomes the input like an opened WAV
//! file, the network reads it, and it can be saved.

use crate::support::{H, app, apply, repo, step_until, wait_for_jobs};
use convscope::app::Command;
use convscope::io::record::Recorder;
use egui_kittest::kittest::{NodeT, Queryable};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

/// A fake `pw-record` in `dir` printing 0.3 s of silence, 0.4 s of a tone at half scale and
/// 1.2 s of silence at 8000 Hz (s16le), then ending.
fn fake_recorder(dir: &Path) -> Recorder {
    let rate = 8000.0;
    let mut samples = vec![0i16; 2400];
    samples.extend(
        (0..3200).map(|i| {
            (0.5 * 32767.0 * (i as f32 * 300.0 * std::f32::consts::TAU / rate).sin()) as i16
        }),
    );
    samples.extend(vec![0i16; 9600]);
    let raw: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
    std::fs::write(dir.join("mic.raw"), raw).unwrap();
    let path = dir.join("pw-record");
    std::fs::write(
        &path,
        format!("#!/bin/sh\ncat {}\n", dir.join("mic.raw").display()),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    Recorder { path }
}

fn speech_app(recorder: Option<Recorder>) -> H {
    let mut h = app()
        .model(repo("sample_models/speech-max.json"))
        .no_dialogs()
        .with(move |a| a.mic.recorder = recorder)
        .build();
    wait_for_jobs(&mut h);
    h
}

#[test]
fn a_take_becomes_the_input_and_can_be_saved() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = speech_app(Some(fake_recorder(dir.path())));
    h.get_by_label("● Record").click();
    step_until(&mut h, Duration::from_secs(20), "the take", |a| {
        a.mic.recording.is_none() && a.explorer.input.name == "recording 1"
    });
    let ex = &h.state().explorer;
    assert_eq!(ex.last_error, None);
    let audio = ex.input.audio.as_ref().expect("a recording");
    // The tone and 50 ms on each side: 0.5 s at the model's 8000 Hz.
    assert_eq!((audio.samples.len(), audio.sample_rate), (4000, 8000));
    assert_eq!(ex.probabilities.len(), 10, "the network read it");
    h.run();
    h.get_by_label("Save recording…");
    let out = dir.path().join("take.wav");
    apply(&mut h, Command::SaveRecording(out.clone()));
    let saved = convscope::io::load_audio(&out).expect("a WAV");
    assert_eq!(saved.samples.len(), 4000);
}

#[test]
fn without_a_recorder_the_button_says_why_and_r_on_a_picture_model_says_what_to_do() {
    let h = speech_app(None);
    let button = h.get_by_label("● Record");
    assert!(
        button.accesskit_node().is_disabled(),
        "no recorder: the button is greyed out"
    );
    let mut h = app().sample("digits-max").no_dialogs().build();
    wait_for_jobs(&mut h);
    apply(&mut h, Command::Record);
    let err = h.state().explorer.last_error.clone().unwrap_or_default();
    assert!(err.contains("speech model"), "{err}");
}
