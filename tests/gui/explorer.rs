//! Drives the real app headlessly with egui_kittest: only committed fixtures
//! (tests/fixtures/gui/sample_models: untrained tiny-max / tiny-avg), never a file dialog.

use crate::support::{DESKTOP, H, app, apply, apply_now, fixture_models, wait_for_jobs};
use convscope::app::i18n::grouped;
use convscope::app::{Command, Lang, Settings};
use convscope::engine::layers::pool::{avg_pool, max_pool};
use convscope::engine::{LayerKind, PoolMode};
use egui_kittest::kittest::Queryable;

fn harness_with(settings: Settings) -> H {
    app().size(DESKTOP).settings(settings).build()
}

fn harness() -> H {
    harness_with(Settings::default())
}

#[test]
fn opens_with_a_model_and_a_digit_and_predicts() {
    let h = harness();
    let app = h.state();
    assert_eq!(app.model_name(), "tiny-max");
    assert_eq!(app.explorer.input.name, "digit_7");
    assert_eq!(app.explorer.stage, 0);
    let (_, p) = app.explorer.prediction().expect("a prediction");
    assert!(p > 0.0 && p <= 1.0);
    // The pipeline strip shows a card per stage.
    for name in [
        "conv1", "relu1", "pool1", "conv2", "pool2", "flatten", "fc", "softmax",
    ] {
        assert!(h.get_all_by_label(name).count() >= 1, "{name}");
    }
}

#[test]
fn keys_and_clicks_move_through_the_stages() {
    let mut h = harness();
    h.key_press(egui::Key::ArrowRight);
    h.run();
    assert_eq!(h.state().explorer.stage, 1);
    h.key_press(egui::Key::PageDown);
    h.run();
    assert_eq!(h.state().explorer.stage, 2);
    h.key_press(egui::Key::ArrowLeft);
    h.run();
    assert_eq!(h.state().explorer.stage, 1);
    h.get_by_label("pool2").click();
    h.run();
    let pool2 = h.state().explorer.stage_named("pool2").expect("pool2");
    assert_eq!(h.state().explorer.stage, pool2);
    // The pooling view spells out the counts: 8 @ 14x14 = 1,568 -> 8 @ 7x7 = 392 (−75%).
    h.get_by_label_contains("8 @ 14x14 = 1,568 values → 8 @ 7x7 = 392 values (−75%)");
    // Every stage can be shown without a panic, the last one included.
    for _ in 0..12 {
        h.key_press(egui::Key::ArrowRight);
        h.run();
    }
    let app = h.state();
    assert_eq!(app.explorer.stage, app.explorer.stage_count() - 1);
}

#[test]
fn home_and_end_jump_to_the_input_and_the_output() {
    let mut h = harness();
    h.key_press(egui::Key::End);
    h.run();
    let last = h.state().explorer.stage_count() - 1;
    assert_eq!(h.state().explorer.stage, last);
    h.key_press(egui::Key::Home);
    h.run();
    assert_eq!(h.state().explorer.stage, 0);
}

#[test]
fn f1_and_the_keys_button_show_every_shortcut() {
    let mut h = harness();
    assert!(h.query_by_label("Keyboard shortcuts").is_none());
    h.key_press(egui::Key::F1);
    h.run();
    assert!(h.state().view.show_keys);
    h.get_by_label("Keyboard shortcuts");
    h.get_by_label("→ / PageDown");
    h.get_by_label("Last stage (the output)");
    h.get_by_label("Stop the running sweep");
    h.get_by_label("Keys").click();
    h.run();
    assert!(!h.state().view.show_keys);
    assert!(h.query_by_label("Keyboard shortcuts").is_none());
    h.get_by_label("Keys").click();
    h.run();
    assert!(h.state().view.show_keys);
}

#[test]
fn the_dense_view_says_how_much_of_the_network_it_holds() {
    let mut h = harness();
    h.get_by_label("fc").click();
    h.run();
    let net = &h.state().explorer.net;
    let total = net.parameter_count();
    let fc = net
        .layers()
        .iter()
        .find(|l| l.name == "fc")
        .expect("an fc layer")
        .parameter_count();
    assert!(
        fc > total / 2,
        "the fixture's dense layer holds most parameters"
    );
    let percent = 100.0 * fc as f64 / total as f64;
    let (fc, all) = (grouped(fc), grouped(total));
    h.get_by_label(&format!(
        "{fc} parameters: {percent:.1}% of the network's {all}."
    ));
    h.get_by_label("conv1").click();
    h.run();
    let conv = h.state().explorer.net.layers()[0].parameter_count();
    let percent = 100.0 * conv as f64 / total as f64;
    h.get_by_label(&format!(
        "{} parameters: {percent:.1}% of the network's {all}.",
        grouped(conv)
    ));
}

#[test]
fn m_switches_pooling_and_the_pooled_values_follow_the_engine() {
    let mut h = harness();
    h.get_by_label("pool1").click();
    h.run();
    let stage = h.state().explorer.stage;
    let window = match &h.state().explorer.net.layers()[stage - 1].kind {
        LayerKind::Pool2d(p) => p.window,
        _ => panic!("pool1 is a pooling layer"),
    };
    let before = h.state().explorer.trace[stage - 1]
        .as_maps()
        .expect("maps")
        .clone();
    let pooled_max = h.state().explorer.trace[stage]
        .as_maps()
        .expect("maps")
        .clone();
    assert_eq!(pooled_max, max_pool(before.view(), &window).0);

    h.key_press(egui::Key::M);
    h.run();
    assert_eq!(h.state().explorer.pool_mode, PoolMode::Avg);
    let pooled_avg = h.state().explorer.trace[stage]
        .as_maps()
        .expect("maps")
        .clone();
    assert_eq!(pooled_avg, avg_pool(before.view(), &window));
    assert_ne!(pooled_avg, pooled_max);
    // The toolbar button shows the mode and cycles on to blur-max.
    h.get_by_label("Pooling: avg").click();
    h.run();
    assert_eq!(h.state().explorer.pool_mode, PoolMode::BlurMax);
}

#[test]
fn the_twin_trained_with_the_other_mode_can_be_loaded() {
    let mut h = harness();
    h.key_press(egui::Key::M);
    h.run();
    h.get_by_label("Load avg weights").click();
    wait_for_jobs(&mut h);
    let app = h.state();
    assert_eq!(app.model_name(), "tiny-avg");
    assert_eq!(app.explorer.pool_mode, PoolMode::Avg);
    assert_eq!(app.explorer.last_error, None);
}

#[test]
fn the_chinese_ui_has_every_glyph() {
    let mut h = harness();
    h.get_by_label("简体中文").click();
    h.run();
    assert_eq!(h.state().settings.language, Lang::Zh);
    assert!(h.get_all_by_label("打开图片…").count() >= 1);
    // Walk every stage in Chinese: a glyph missing from the fonts would fail the harness.
    for _ in 0..h.state().explorer.stage_count() {
        h.key_press(egui::Key::ArrowRight);
        h.run();
    }
    // The shortcuts window too (arrows and Chinese side by side).
    h.key_press(egui::Key::F1);
    h.run();
    h.get_by_label("键盘快捷键");
    h.get_by_label("把图像平移一个像素 ↑");
    h.get_by_label("English").click();
    h.run();
    assert!(h.get_all_by_label("Open image…").count() >= 1);
}

#[test]
fn drawing_on_the_canvas_feeds_the_network_live() {
    let mut h = harness();
    let before = h.state().explorer.probabilities.clone();
    let rect = h.get_by_label("Drawing canvas").rect();
    let at = |fx: f32, fy: f32| rect.min + egui::vec2(rect.width() * fx, rect.height() * fy);
    h.drag_at(at(0.5, 0.15));
    h.run();
    h.hover_at(at(0.5, 0.5));
    h.run();
    // Mid-stroke, the network already sees the drawing.
    assert_eq!(h.state().explorer.input.name, "drawing");
    let mid = h.state().explorer.probabilities.clone();
    h.hover_at(at(0.5, 0.85));
    h.run();
    h.drop_at(at(0.5, 0.85));
    h.run();
    let app = h.state();
    assert!(!app.canvas.is_blank());
    assert_ne!(app.explorer.probabilities, before);
    assert_ne!(
        app.explorer.probabilities, mid,
        "the prediction follows the stroke"
    );
    // The pixels the network sees hold a vertical line down the middle.
    let px = &app.explorer.pixels;
    assert!(px[[0, 14, 14]] > 0.5, "{}", px[[0, 14, 14]]);
    assert!(px[[0, 14, 2]] < 0.01);
}

#[test]
fn a_bad_model_file_shows_its_error_and_keeps_the_old_model() {
    let mut h = harness();
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("broken-model.json");
    std::fs::write(&bad, "{\"format\": \"convscope/1\", \"layers\": [").expect("write");
    let trace_before = h.state().explorer.trace.clone();
    apply(&mut h, Command::OpenModel(bad));
    wait_for_jobs(&mut h);
    let app = h.state();
    let err = app.explorer.last_error.clone().expect("an error");
    assert!(err.contains("broken-model.json"), "{err}");
    assert_eq!(app.model_name(), "tiny-max");
    assert_eq!(app.explorer.trace, trace_before);
    // The status bar shows it.
    h.get_by_label_contains("broken-model.json");
}

#[test]
fn a_bad_image_file_shows_its_error_and_keeps_the_old_input() {
    let mut h = harness();
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("not-a-picture.png");
    std::fs::write(&bad, b"hello").expect("write");
    apply(&mut h, Command::OpenImage(bad));
    wait_for_jobs(&mut h);
    let app = h.state();
    assert!(
        app.explorer
            .last_error
            .as_deref()
            .unwrap_or("")
            .contains("not-a-picture.png")
    );
    assert_eq!(app.explorer.input.name, "digit_7");
}

#[test]
fn a_sample_picked_from_the_list_is_used() {
    let mut h = harness();
    h.get_by_label("Samples").click();
    h.run();
    h.get_by_label("digit_3").click();
    h.run();
    assert_eq!(h.state().explorer.input.name, "digit_3");
    assert_eq!(h.state().settings.last_sample.as_deref(), Some("digit_3"));
}

#[test]
fn textures_are_not_uploaded_again_when_nothing_changed() {
    let mut h = harness();
    let uploads = h.state().textures.uploads;
    for _ in 0..5 {
        h.step();
    }
    assert_eq!(h.state().textures.uploads, uploads);
    h.key_press(egui::Key::M);
    h.run();
    assert!(
        h.state().textures.uploads > uploads,
        "a new pooling mode redraws"
    );
}

#[test]
fn remembered_settings_are_applied_at_start() {
    let settings = Settings {
        language: Lang::Zh,
        last_sample: Some("digit_2".into()),
        ..Settings::default()
    };
    let h = harness_with(settings);
    let app = h.state();
    // Each model starts in the pooling mode it was trained with, whatever was used last.
    assert_eq!(app.explorer.pool_mode, PoolMode::Max);
    assert_eq!(app.explorer.input.name, "digit_2");
    assert!(h.get_all_by_label("打开图片…").count() >= 1);
}

#[test]
fn export_writes_the_selected_stage() {
    let mut h = harness();
    h.get_by_label("pool1").click();
    h.run();
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("pool1.png");
    apply(&mut h, Command::Export(out.clone()));
    let img = image::open(&out).expect("a PNG").to_rgba8();
    assert!(img.width() > 14 && img.height() > 14);
    assert!(
        h.state()
            .status
            .as_deref()
            .unwrap_or("")
            .contains("pool1.png")
    );
}

/// The two fixture models copied into `dir`, each given a made-up two-epoch training record
/// (test data for the plot, not a claim about the models).
fn fixtures_with_histories(dir: &std::path::Path) {
    for (name, train, test) in [
        ("tiny-max", [0.5, 0.9], [0.4, 0.6]),
        ("tiny-avg", [0.3, 0.7], [0.3, 0.65]),
    ] {
        let src = fixture_models().join(format!("{name}.json"));
        let mut json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&src).unwrap()).unwrap();
        json["training"] = serde_json::json!({"history": [
            {"epoch": 1, "train_accuracy": train[0], "test_accuracy": test[0]},
            {"epoch": 2, "train_accuracy": train[1], "test_accuracy": test[1]},
        ]});
        std::fs::write(dir.join(format!("{name}.json")), json.to_string()).unwrap();
        let weights = format!("{name}.safetensors");
        std::fs::copy(fixture_models().join(&weights), dir.join(&weights)).unwrap();
    }
}

#[test]
fn learning_curves_can_be_compared_with_another_sample_model() {
    let dir = tempfile::tempdir().expect("temp dir");
    fixtures_with_histories(dir.path());
    let mut h = app()
        .size(DESKTOP)
        .models_in(&[dir.path().to_path_buf()])
        .build();
    assert_eq!(h.state().model_name(), "tiny-max");
    h.get_by_label("fc").click();
    h.run();
    h.get_by_label("Training history");
    // A dense stage with little height left shows the history as a closed header: open it.
    if h.query_by_label("Compare with").is_none() {
        h.get_by_label("Training history").scroll_to_me();
        h.run();
        h.get_by_label("Training history").click();
        h.run();
    }
    assert!(h.query_by_label("tiny-avg: test accuracy").is_none());
    // The list offers the other model, not the open one.
    // The plot is below the fold: scroll to it first, as a person would.
    h.get_by_label("Compare with").scroll_to_me();
    h.run();
    h.get_by_label("Compare with").click();
    h.run();
    assert!(
        h.query_by_label("tiny-max").is_none(),
        "the open model is not offered"
    );
    h.get_by_label("tiny-avg").click();
    h.run();
    assert_eq!(h.state().view.compare_history.as_deref(), Some("tiny-avg"));
    h.get_by_label("tiny-avg: test accuracy");
    h.get_by_label("tiny-avg: train accuracy");
    h.get_by_label("test accuracy");
}

/// A network too big to run within a frame runs on a worker thread (forced here on the tiny
/// fixture): the frames drawn meanwhile show the previous maps, the app says it is busy, and
/// the new maps arrive without another input event.
#[test]
fn a_slow_network_runs_off_the_ui_thread_and_its_maps_arrive() {
    let mut h = harness();
    h.state_mut().explorer.always_in_background = true;
    let before = h.state().explorer.trace.clone();
    apply_now(&mut h, Command::SetPool(PoolMode::Avg));
    assert!(h.state().busy(), "the run is on its way");
    assert_eq!(h.state().explorer.trace, before, "old maps meanwhile");
    h.step();
    wait_for_jobs(&mut h);
    let ex = &h.state().explorer;
    assert!(ex.running.is_none());
    assert_eq!(ex.pool_mode, PoolMode::Avg);
    let mut direct = ex.clone();
    direct.always_in_background = false;
    direct.recompute();
    assert_eq!(
        ex.trace, direct.trace,
        "the engine's maps for average pooling"
    );
    assert_ne!(ex.trace, before);
}
