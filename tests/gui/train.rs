//! Drives the Train tab headlessly with egui_kittest on the committed fixtures: a short run
//! on the bundled MNIST subset grows its curves, pauses (the UI keeps answering while the
//! worker waits), resumes, stops; a second run is drawn beside the first with its settings in
//! the legend; the trained model is saved (never through a file dialog) and opened in the
//! explorer; "follow training" puts the weights being trained into the explorer.

use crate::support::{DESKTOP, H, app, apply_and_step, step_until};
use convscope::app::{Command, ConvscopeApp, RunState, Tab, TrainSettings};
use egui_kittest::kittest::Queryable;
use std::time::Duration;

/// The app on the fixtures, its Train tab open; saving never asks for a file.
fn harness() -> H {
    let mut h = app().size(DESKTOP).no_dialogs().build();
    h.get_by_label("Train").click();
    h.run();
    assert_eq!(h.state().view.tab, Tab::Train);
    h
}

fn state(app: &ConvscopeApp) -> RunState {
    app.train
        .current
        .as_ref()
        .map_or(RunState::Failed, |r| r.state)
}

fn images(app: &ConvscopeApp) -> usize {
    app.train.current.as_ref().map_or(0, |r| r.images_done)
}

#[test]
fn a_run_grows_pauses_resumes_stops_then_compares_saves_and_opens() {
    let mut h = harness();
    // Long enough never to finish by itself: it is stopped below.
    let long = TrainSettings {
        train_size: 500,
        epochs: 100,
        batch: 16,
        ..TrainSettings::default()
    };
    apply_and_step(&mut h, Command::SetTrainSettings(long));
    h.get_by_label("Start").click();
    h.step();
    step_until(&mut h, Duration::from_secs(60), "two epochs", |a| {
        a.train
            .current
            .as_ref()
            .is_some_and(|r| r.epochs.len() >= 2)
    });
    let run = h.state().train.current.as_ref().expect("a run");
    assert!(
        run.batch_loss.len() >= 2 * 500 / 16,
        "{}",
        run.batch_loss.len()
    );
    assert!(run.throughput().is_some_and(|r| r > 0.0));
    assert!(run.epochs[1].stats.train_accuracy > run.epochs[0].stats.train_accuracy * 0.5);
    assert!(run.epochs.iter().all(|e| e.test_loss.is_some()));
    assert!(h.state().train.snapshot.is_some());
    // The status line says where it is.
    assert!(h.query_by_label_contains("images/s").is_some());

    h.get_by_label("Pause").click();
    h.step();
    assert_eq!(state(h.state()), RunState::Paused);
    // The worker may finish the step it was on (slowly on a busy machine: it runs below the
    // window's priority), then waits; one more frame takes in what it reported before. A
    // pause that did not stop it is never reached. (Waiting for half a second of no change
    // instead failed under a load of 6 on two cores: a step took longer than that.)
    step_until(
        &mut h,
        Duration::from_secs(60),
        "the worker to reach the pause",
        |a| a.train.pause_reached(),
    );
    h.step();
    let paused_at = images(h.state());
    for _ in 0..20 {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(images(h.state()), paused_at, "trained while paused");

    h.get_by_label("Resume").click();
    h.step();
    assert_eq!(state(h.state()), RunState::Running);
    step_until(
        &mut h,
        Duration::from_secs(30),
        "more images after resuming",
        |a| images(a) > paused_at,
    );

    h.get_by_label("Stop").click();
    step_until(&mut h, Duration::from_secs(30), "the stop", |a| {
        state(a) == RunState::Stopped
    });
    assert!(h.state().train.trained().is_some());

    // A second run, with dropout: the first stays on the plots, both in the legend.
    let short = TrainSettings {
        train_size: 200,
        epochs: 2,
        batch: 16,
        dropout: Some(0.5),
        ..TrainSettings::default()
    };
    apply_and_step(&mut h, Command::SetTrainSettings(short));
    h.get_by_label("Start").click();
    step_until(&mut h, Duration::from_secs(60), "the second run", |a| {
        state(a) == RunState::Finished
    });
    h.run();
    let t = &h.state().train;
    assert_eq!(t.runs.len(), 1);
    assert_eq!(t.runs[0].state, RunState::Stopped);
    assert_eq!(t.current.as_ref().map(|r| r.number), Some(2));
    assert!(h.query_by_label_contains("#1 ").is_some());
    assert!(h.query_by_label_contains("Dropout 0.50").is_some());

    // Saving never opens a dialog in tests; the path is given.
    h.get_by_label("Save model…").click();
    h.run();
    let dir = std::env::temp_dir().join(format!("convscope-gui-train-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("run2.json");
    apply_and_step(&mut h, Command::SaveRun(path.clone()));
    let saved = convscope::io::load_model(&path).expect("the saved run loads");
    let trained = h.state().train.trained().expect("trained").clone();
    assert_eq!(saved.layers(), trained.layers());
    assert_eq!(
        saved.info.training["history"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(saved.info.training["dropout"], serde_json::json!(0.5));

    h.get_by_label("Open in explorer").click();
    step_until(
        &mut h,
        Duration::from_secs(30),
        "the saved model in the explorer",
        |a| a.explorer.model_path.as_deref() == Some(path.as_path()),
    );
    h.run();
    assert_eq!(h.state().view.tab, Tab::Explorer);
    assert_eq!(h.state().explorer.model.layers(), trained.layers());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn follow_training_shows_the_weights_being_trained() {
    let mut h = harness();
    let before = h.state().explorer.model.clone();
    let settings = TrainSettings {
        train_size: 500,
        epochs: 100,
        batch: 4,
        ..TrainSettings::default()
    };
    apply_and_step(&mut h, Command::SetTrainSettings(settings));
    h.get_by_label("Follow training").click();
    h.get_by_label("Start").click();
    step_until(
        &mut h,
        Duration::from_secs(60),
        "a snapshot after some steps",
        |a| a.train.snapshot.as_ref().is_some_and(|s| s.step > 0),
    );
    h.step();
    let app = h.state();
    let snapshot = app.train.snapshot.as_ref().expect("a snapshot");
    assert_eq!(app.explorer.model.layers(), snapshot.model.layers());
    assert_ne!(app.explorer.model.layers(), before.layers());
    // The first layer's maps of the explorer's input came with it, and the input they were
    // computed from, which the tab shows beside them.
    assert!(snapshot.first_maps.is_some());
    assert_eq!(snapshot.input.as_ref(), Some(&app.explorer.pixels));
    h.get_by_label("Stop").click();
    step_until(&mut h, Duration::from_secs(30), "the stop", |a| {
        !a.train.running()
    });
}

/// On a speech model the Train tab offers the synthetic voices and the varied recordings in
/// place of moving and noising pictures; ticking them is what the run's recipe gets.
#[test]
fn a_speech_model_offers_more_voices_and_varied_recordings() {
    use convscope::data::voice_augment::VoiceAugment;
    let mut h = app()
        .size(DESKTOP)
        .no_dialogs()
        .model(crate::support::repo("sample_models/speech-max.json"))
        .build();
    h.get_by_label("Train").click();
    h.run();
    assert!(
        h.query_by_label("shift ±px").is_none(),
        "no picture shift for recordings"
    );
    h.get_by_label("add 114 synthetic voices").click();
    h.get_by_label("vary each recording").click();
    h.run();
    let t = &h.state().train.settings;
    assert!(t.synthetic_voices);
    assert_eq!(t.voice, VoiceAugment::classroom());
    let recipe = t.recipe().expect("the bundled data is there");
    let data = recipe.data.to_string();
    assert!(data.ends_with("assets/data/synthetic-voices"), "{data}");
    assert_eq!(recipe.voice, VoiceAugment::classroom());
    h.get_by_label("vary each recording").click();
    h.run();
    assert!(h.state().train.settings.voice.is_none());
}
