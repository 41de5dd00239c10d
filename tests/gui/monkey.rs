//! A seeded monkey: thousands of random but plausible events on the real app with every
//! sample model (clicks anywhere, drags, every shortcut, the wheel, language, theme and
//! presentation switches, model and sample changes, lab sweeps started and stopped). Nothing
//! may panic, and the app's invariants are checked after every event. File dialogs are off:
//! a test never opens one.

use super::support::{
    H, LAPTOP, SAMPLE_MODELS, app, apply_now, sample_model, sample_models, step_until,
};
use convscope::analysis::sweep::SweepAxis;
use convscope::app::{Command, LabSettings, Lang, Settings, Tab, sample_names};
use convscope::engine::PoolMode;
use convscope::io::Fill;
use egui::{Event, Key, Modifiers, PointerButton, Pos2, Vec2};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::PathBuf;

/// Events per sample model: 9 models x 250 = 2250 events in all.
const EVENTS_PER_MODEL: usize = 250;

fn random_pos(rng: &mut StdRng) -> Pos2 {
    Pos2::new(
        rng.random_range(0.0..LAPTOP.x),
        rng.random_range(0.0..LAPTOP.y),
    )
}

fn keys() -> Vec<(Modifiers, Key)> {
    let mut keys: Vec<(Modifiers, Key)> = Command::shortcuts()
        .into_iter()
        .chain(Command::lab_shortcuts())
        .map(|(s, _)| (s.modifiers, s.logical_key))
        .collect();
    for key in [
        Key::Escape,
        Key::Space,
        Key::Enter,
        Key::Tab,
        Key::ArrowUp,
        Key::ArrowDown,
        Key::A,
        Key::Num7,
    ] {
        keys.push((Modifiers::NONE, key));
    }
    // egui's own zoom keys: the app must keep the zoom in its bounds.
    keys.push((Modifiers::COMMAND, Key::Plus));
    keys.push((Modifiers::COMMAND, Key::Equals));
    keys.push((Modifiers::COMMAND, Key::Minus));
    keys
}

fn random_command(rng: &mut StdRng, models: &[PathBuf]) -> Command {
    let names: Vec<&'static str> = sample_names().collect();
    match rng.random_range(0..16) {
        0 => Command::SetLanguage(Lang::ALL[rng.random_range(0..Lang::ALL.len())]),
        1 => Command::ToggleTheme,
        2 => Command::TogglePresentation,
        3 => Command::OpenModel(models[rng.random_range(0..models.len())].clone()),
        4 | 5 => Command::LoadSample(names[rng.random_range(0..names.len())]),
        6 => Command::ShowTab(if rng.random_bool(0.5) {
            Tab::Lab
        } else {
            Tab::Explorer
        }),
        7 => Command::RunSweep,
        8 => Command::CancelSweep,
        9 => {
            // A grid sweep over both axes in every mode is hundreds of passes per shift
            // range: tests/gui/lab.rs covers it; here it would only slow the monkey down.
            let axis = [SweepAxis::X, SweepAxis::Y, SweepAxis::Both][rng.random_range(0..3)];
            Command::SetLab(LabSettings {
                dx: rng.random_range(-12..=12),
                dy: rng.random_range(-12..=12),
                fill: [Fill::Zero, Fill::Edge, Fill::Wrap][rng.random_range(0..3)],
                axis,
                compare_modes: axis != SweepAxis::Both && rng.random_bool(0.3),
            })
        }
        10 => Command::SetPool(PoolMode::ALL[rng.random_range(0..PoolMode::ALL.len())]),
        11 => Command::ClearCanvas,
        12 => Command::SelectStage(rng.random_range(0..30)),
        13 => Command::ResampleDropout,
        14 => Command::TogglePlay,
        _ => Command::NudgeShift(rng.random_range(-3..=3), rng.random_range(-3..=3)),
    }
}

/// One random event (or command), then one frame.
fn act(h: &mut H, rng: &mut StdRng, keys: &[(Modifiers, Key)]) {
    let models = sample_models();
    match rng.random_range(0..100) {
        // Click anywhere.
        0..=39 => {
            let pos = random_pos(rng);
            h.hover_at(pos);
            for pressed in [true, false] {
                h.event(Event::PointerButton {
                    pos,
                    button: PointerButton::Primary,
                    pressed,
                    modifiers: Modifiers::NONE,
                });
            }
        }
        // Drag (draws on the canvas when it starts there).
        40..=54 => {
            let mut pos = random_pos(rng);
            h.hover_at(pos);
            h.event(Event::PointerButton {
                pos,
                button: PointerButton::Primary,
                pressed: true,
                modifiers: Modifiers::NONE,
            });
            for _ in 0..rng.random_range(1..6) {
                h.step();
                pos += Vec2::new(rng.random_range(-60.0..60.0), rng.random_range(-60.0..60.0));
                h.hover_at(pos);
            }
            h.event(Event::PointerButton {
                pos,
                button: PointerButton::Primary,
                pressed: false,
                modifiers: Modifiers::NONE,
            });
        }
        // A shortcut or another key.
        55..=74 => {
            let (modifiers, key) = keys[rng.random_range(0..keys.len())];
            h.key_press_modifiers(modifiers, key);
        }
        // The wheel, sometimes with Ctrl (zoom).
        75..=79 => {
            h.hover_at(random_pos(rng));
            let modifiers = if rng.random_bool(0.3) {
                Modifiers::COMMAND
            } else {
                Modifiers::NONE
            };
            h.event(Event::MouseWheel {
                unit: egui::MouseWheelUnit::Line,
                delta: Vec2::new(0.0, rng.random_range(-5.0..5.0)),
                modifiers,
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Wheel,
            });
        }
        // Something from a menu: language, theme, presentation, model, sample, lab, pooling.
        _ => {
            apply_now(h, random_command(rng, &models));
        }
    }
    h.step();
}

/// What must hold after every frame.
fn check(h: &H, step: usize) {
    let app = h.state();
    let ex = &app.explorer;
    let at = || format!("model {}, event {step}", app.model_name());
    assert!(ex.stage < ex.stage_count(), "stage in range: {}", at());
    if !ex.was_cut() {
        assert_eq!(ex.trace.len(), ex.stage_count(), "{}", at());
        assert_eq!(ex.trace[0].shape(), ex.net.input.shape(), "{}", at());
        for (i, shape) in ex.net.shapes().iter().enumerate() {
            assert_eq!(ex.trace[i + 1].shape(), *shape, "stage {}: {}", i + 1, at());
        }
        if ex.net.ends_in_classes() {
            assert!(ex.prediction().is_some(), "a prediction: {}", at());
        }
    }
    let zoom = app.settings.zoom;
    assert!(
        (Settings::MIN_ZOOM..=Settings::MAX_ZOOM).contains(&zoom),
        "zoom {zoom}: {}",
        at()
    );
    assert!(app.notices.len() < 20, "{:?}", app.notices);
}

/// The monkey on one sample model (`sample_models/NAME.json`).
fn monkey(name: &str, seed: u64) {
    let keys = keys();
    let model = sample_model(name);
    let dirs = [model.parent().expect("folder").to_path_buf()];
    // Ctrl+O and Export open the in-app file browser: let it start in a folder of its own,
    // so a random "Save" does not write into the source tree.
    let browse = tempfile::tempdir().expect("temp dir");
    let mut h = app()
        .size(LAPTOP)
        .model(model)
        .models_in(&dirs)
        .no_dialogs()
        .browse_from(browse.path())
        .build_idle();
    h.step();
    assert_eq!(h.state().model_name(), name);
    let mut rng = StdRng::seed_from_u64(seed);
    for step in 0..EVENTS_PER_MODEL {
        act(&mut h, &mut rng, &keys);
        check(&h, step);
    }
    // Stop what is still running.
    apply_now(&mut h, Command::CancelSweep);
    let limit = std::time::Duration::from_secs(120);
    step_until(&mut h, limit, "the jobs to stop", |a| !a.busy());
    check(&h, EVENTS_PER_MODEL);
}

macro_rules! monkey_tests {
    ($($test:ident => $name:literal, $seed:literal;)*) => {
        const COVERED: &[&str] = &[$($name),*];
        $(
            #[test]
            fn $test() {
                monkey($name, $seed);
            }
        )*
    };
}

// One test per sample model, so they run side by side.
monkey_tests! {
    monkey_digits_avg_shift => "digits-avg-shift", 1011;
    monkey_digits_avg => "digits-avg", 1000;
    monkey_digits_gap => "digits-gap", 1001;
    monkey_digits_max_shift => "digits-max-shift", 1012;
    monkey_digits_max => "digits-max", 1002;
    monkey_digits_nopool => "digits-nopool", 1003;
    monkey_edges => "edges", 1004;
    monkey_fc_dropout => "fc-dropout", 1005;
    monkey_fc_l2 => "fc-l2", 1013;
    monkey_fc_overfit => "fc-overfit", 1006;
    monkey_shapes_avg => "shapes-avg", 1007;
    monkey_shapes_max => "shapes-max", 1008;
    monkey_speech_avg => "speech-avg", 1009;
    monkey_speech_max => "speech-max", 1010;
}

#[test]
fn every_sample_model_has_its_monkey() {
    assert_eq!(
        COVERED, SAMPLE_MODELS,
        "add a monkey test for each new sample model"
    );
}
