//! Issue 14's walk-through, headless: a teacher opens a recording on a speech model, steps
//! through every stage, flips max and average pooling, and runs a sweep along time in the lab.
//! Every number is checked against the engine run directly on the same file.

use crate::support::{H, app, apply, repo, wait_for_jobs};
use convscope::analysis::{SweepAxis, trace};
use convscope::app::{Command, LabSettings, Tab};
use convscope::engine::{PoolMode, RunOptions, Tensor};
use convscope::io::{Fill, file_pixels, network_input};
use egui_kittest::kittest::Queryable;

/// The output of the network run straight from the engine on `pixels` with `mode` pooling.
fn engine_output(h: &H, mode: PoolMode) -> Vec<f32> {
    let ex = &h.state().explorer;
    let options = RunOptions {
        pool_mode: Some(mode),
        dropout: None,
    };
    let input = network_input(&ex.pixels, &ex.net.input, 0, 0, Fill::Zero);
    let outputs = trace(&ex.net, &input, &options).expect("runs");
    match outputs.last().expect("an output") {
        Tensor::Vector(v) => v.to_vec(),
        other => panic!("the speech model ends in a vector, not {:?}", other.shape()),
    }
}

fn close(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-6)
}

#[test]
fn a_recording_walks_through_every_stage_flips_pooling_and_sweeps_along_time() {
    let mut h = app()
        .model(repo("sample_models/speech-avg.json"))
        .models_in(&[repo("sample_models")])
        .no_dialogs()
        .build();
    wait_for_jobs(&mut h);
    assert_eq!(h.state().model_name(), "speech-avg");

    // Open a recording: the network reads its log-mel spectrogram, as `inspect` computes it.
    let wav = repo("assets/samples/speech_3_jackson_1.wav");
    apply(&mut h, Command::OpenImage(wav.clone()));
    wait_for_jobs(&mut h);
    let ex = &h.state().explorer;
    assert_eq!(ex.last_error, None);
    assert!(ex.input.audio.is_some(), "the input is a recording");
    assert_eq!(
        ex.pixels,
        file_pixels(&wav, &ex.model).expect("the file reads")
    );
    let mode = ex.pool_mode;
    assert_eq!(
        mode,
        PoolMode::Avg,
        "speech-avg starts in the mode it was trained with"
    );
    assert!(close(&ex.probabilities, &engine_output(&h, mode)));
    // The waveform and spectrogram panel is on screen, in words a teacher reads.
    h.get_by_label_contains("speech_3_jackson_1.wav: ");
    h.get_by_label_contains("log-mel: 32 bands");

    // Every stage, from the input to the output, with the arrow key.
    let stages = h.state().explorer.trace.len();
    apply(&mut h, Command::SelectStage(0));
    for stage in 1..stages {
        h.key_press(egui::Key::ArrowRight);
        h.run();
        assert_eq!(h.state().explorer.stage, stage);
        let name = h.state().explorer.net.layers()[stage - 1].name.clone();
        assert!(
            h.query_all_by_label_contains(&name).next().is_some(),
            "stage {name} shows its name"
        );
    }

    // M switches pooling (average -> blur-max -> max): the numbers are the engine's each time.
    let before = h.state().explorer.probabilities.clone();
    for want in [PoolMode::BlurMax, PoolMode::Max] {
        h.key_press(egui::Key::M);
        h.run();
        wait_for_jobs(&mut h);
        let ex = &h.state().explorer;
        assert_eq!(ex.pool_mode, want);
        assert!(close(&ex.probabilities, &engine_output(&h, want)));
    }
    assert!(
        !close(&before, &h.state().explorer.probabilities),
        "max pooling changes the answer's numbers"
    );

    // The lab: a sweep along time (x is the time axis of a spectrogram), labelled as such.
    h.key_press(egui::Key::T);
    h.run();
    assert_eq!(h.state().view.tab, Tab::Lab);
    assert!(
        h.query_all_by_label_contains("time (frames)")
            .next()
            .is_some(),
        "the shift and the sweep say time, not x"
    );
    let settings = LabSettings {
        axis: SweepAxis::X,
        compare_modes: false,
        ..h.state().lab.settings
    };
    apply(&mut h, Command::SetLab(settings));
    apply(&mut h, Command::RunSweep);
    wait_for_jobs(&mut h);
    let lab = &h.state().lab;
    assert_eq!(lab.last_error, None);
    let data = lab.sweep.as_ref().expect("a sweep along time");
    assert_eq!(data.runs.len(), 1);
    assert_eq!(data.runs[0].mode, PoolMode::Max);
    let results = &data.runs[0].results;
    assert!(results.len() >= 8, "{} shifts", results.len());
    assert!(results.iter().all(|r| r.dy == 0), "only along time");
}
