//! Issue 12, item 3 in the app: Model ▸ Input settings sets a model's normalisation, class
//! labels, size and channel order; Apply runs the model again with them and remembers them for
//! that file (in a settings file in a temporary folder, never the real one); a bad value is
//! refused in the dialog and changes nothing. A model without labels shows class numbers and
//! says how to name them. The ONNX models are committed fixtures; no file dialog opens.

use crate::support::{H, app, wait_for_jobs};
use convscope::app::i18n::{EN, ZH};
use convscope::app::{Lang, SettingsFile, Startup};
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};

fn onnx_fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/onnx")
        .join(name)
}

/// The tiny ONNX net (1x8x8 in, three classes, softmax) copied alone into `dir`: no sidecar,
/// so it opens without labels or normalisation.
fn tiny_in(dir: &Path) -> PathBuf {
    let path = dir.join("tiny.onnx");
    std::fs::copy(onnx_fixture("tiny-dynamo.onnx"), &path).expect("copy");
    path
}

/// The app on the settings kept in `dir/settings.json`, opening `model`, choosing files from
/// `dir`.
fn start(dir: &Path, model: &Path) -> H {
    let startup = Startup {
        model: Some(model.to_path_buf()),
        ..Startup::default()
    };
    app()
        .settings_file(SettingsFile::at(dir.join("settings.json")))
        .startup(startup)
        .no_dialogs()
        .browse_from(dir)
        .build()
}

/// Replaces the text of the field labelled `label`.
fn set_field(h: &mut H, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

fn open_dialog_from_menu(h: &mut H) {
    h.get_by_label_contains("Model: tiny").click();
    h.run();
    h.get_by_label_contains(EN.input_settings_menu).click();
    h.run();
    assert!(h.state().input_dialog.open, "the menu opens the dialog");
    h.get_by_label(EN.input_settings_title);
}

/// Clicks the dialog's Apply and waits for the model to open again.
fn click_apply(h: &mut H) {
    h.get_by_label(EN.input_apply).click();
    h.run();
    wait_for_jobs(h);
}

fn prediction_label(h: &H) -> String {
    h.state().explorer.prediction_label().expect("a prediction")
}

#[test]
fn labels_and_normalisation_from_the_dialog_change_the_answer_and_are_remembered() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = tiny_in(dir.path());
    let mut h = start(dir.path(), &model);
    assert!(h.state().notices.is_empty(), "{:?}", h.state().notices);
    assert_eq!(
        h.state().explorer.model_path.as_deref(),
        Some(model.as_path())
    );
    // No labels: the classes are numbers, and the softmax stage says how to name them.
    assert!(["0", "1", "2"].contains(&prediction_label(&h).as_str()));
    h.key_press(egui::Key::End);
    h.run();
    h.get_by_label_contains("Classes are shown by number");
    let raw = h.state().explorer.pixels.clone();
    // Mean 0 and std 1: the input stage is the picture as it is.
    let before: Vec<f32> = raw.iter().copied().collect();
    assert_eq!(h.state().explorer.trace[0].values(), before);

    open_dialog_from_menu(&mut h);
    // The form shows the values in use: mean 0, std 1, the 8x8 input, no labels.
    let form = &h.state().input_dialog.form;
    assert_eq!((form.mean.as_str(), form.std.as_str()), ("0", "1"));
    assert_eq!((form.size.as_str(), form.labels.as_str()), ("8x8", ""));
    set_field(&mut h, EN.input_mean, "0.5");
    set_field(&mut h, EN.input_std, "0.25");
    set_field(&mut h, EN.input_labels, "circle\nsquare\ntriangle");
    click_apply(&mut h);

    let app = h.state();
    assert_eq!(app.input_dialog.error, None);
    assert!(
        ["circle", "square", "triangle"].contains(&prediction_label(&h).as_str()),
        "{}",
        prediction_label(&h)
    );
    assert!(
        h.query_by_label_contains("Classes are shown by number")
            .is_none()
    );
    // The input stage is the same picture normalised with the new values: (x - 0.5) / 0.25.
    assert_eq!(app.explorer.pixels, raw, "the picture itself is the same");
    let seen = app.explorer.trace[0].values();
    assert_eq!(seen.len(), raw.len());
    for (s, r) in seen.iter().zip(raw.iter()) {
        assert!((s - (r - 0.5) / 0.25).abs() < 1e-5, "{s} vs {r}");
    }
    let remembered = app.settings.model_inputs.get(&model);
    assert_eq!(remembered.mean, Some(vec![0.5]));
    assert_eq!(remembered.std, Some(vec![0.25]));
    assert_eq!(remembered.size, None, "only what was changed is remembered");
    let answer = prediction_label(&h);

    // A std of zero is refused with the reason, in the dialog; nothing changes.
    set_field(&mut h, EN.input_std, "0");
    h.get_by_label(EN.input_apply).click();
    h.run();
    let app = h.state();
    let error = app.input_dialog.error.clone().expect("refused");
    assert!(error.contains("above zero"), "{error}");
    h.get_by_label_contains("must be above zero");
    assert_eq!(app.explorer.model.input.std, [0.25]);
    assert_eq!(app.settings.model_inputs.get(&model), remembered);

    // Next time the app starts, the model opens with them.
    h.state_mut().save_settings();
    drop(h);
    let h = start(dir.path(), &model);
    let app = h.state();
    assert!(app.notices.is_empty(), "{:?}", app.notices);
    assert_eq!(app.explorer.model.input.mean, [0.5]);
    assert_eq!(app.explorer.model.input.std, [0.25]);
    assert_eq!(
        app.explorer.model.info.labels,
        ["circle", "square", "triangle"]
    );
    assert_eq!(prediction_label(&h), answer);
}

#[test]
fn bad_counts_and_sizes_are_refused_and_the_model_keeps_its_settings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = tiny_in(dir.path());
    let mut h = start(dir.path(), &model);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::I);
    h.run();
    assert!(h.state().input_dialog.open, "Ctrl+I opens the dialog");
    for (field, text, says) in [
        (
            EN.input_mean,
            "0.1, 0.2, 0.3",
            "3 values for 1 input channels",
        ),
        (EN.input_std, "wide", "\"wide\" is not a number"),
        (EN.input_labels, "cat\ndog", "2 labels for 3 classes"),
        (EN.input_size, "100000", "is not a size"),
    ] {
        open_fresh(&mut h);
        set_field(&mut h, field, text);
        h.get_by_label(EN.input_apply).click();
        h.run();
        let error = h.state().input_dialog.error.clone().expect("refused");
        assert!(error.contains(says), "{field}: {error}");
        assert!(h.state().settings.model_inputs.get(&model).is_empty());
        assert_eq!(h.state().explorer.model.input.mean, [0.0]);
    }
    // A size the fixed-size model does not take is refused by the model itself, in the dialog.
    open_fresh(&mut h);
    set_field(&mut h, EN.input_size, "16");
    click_apply(&mut h);
    let error = h.state().input_dialog.error.clone().expect("refused");
    assert!(error.contains("fixed at 8x8"), "{error}");
    assert!(h.state().settings.model_inputs.get(&model).is_empty());
    assert_eq!(h.state().explorer.model.input.height, 8);
}

/// Closes and opens the dialog again: a fresh form on the values in use.
fn open_fresh(h: &mut H) {
    if h.state().input_dialog.open {
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::I);
        h.run();
    }
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::I);
    h.run();
    assert!(h.state().input_dialog.open);
}

#[test]
fn labels_come_from_a_file_through_the_app_browser_and_reset_gives_the_sidecars_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The fixture with its sidecar (circle, square, triangle; mean 0.5, std 0.25).
    for f in ["tiny-ts.onnx", "tiny-ts.onnx.json"] {
        std::fs::copy(onnx_fixture(f), dir.path().join(f)).expect("copy");
    }
    let model = dir.path().join("tiny-ts.onnx");
    std::fs::write(dir.path().join("names.txt"), "round\n\nboxy\npointy\n").expect("write");
    let mut h = start(dir.path(), &model);
    assert_eq!(
        h.state().explorer.model.info.labels,
        ["circle", "square", "triangle"]
    );
    open_dialog_from_menu(&mut h);
    assert_eq!(
        h.state().input_dialog.form.std,
        "0.25",
        "the sidecar's values"
    );
    h.get_by_label(EN.input_labels_file).click();
    h.run();
    assert!(
        h.state().file_browser.is_some(),
        "the app's own browser, no system dialog"
    );
    h.get_by_label("names.txt").click();
    h.run();
    h.get_by_label("Open").click();
    h.run();
    assert_eq!(h.state().input_dialog.form.labels, "round\nboxy\npointy");
    click_apply(&mut h);
    assert_eq!(
        h.state().explorer.model.info.labels,
        ["round", "boxy", "pointy"]
    );
    assert_eq!(
        h.state().explorer.model.input.std,
        [0.25],
        "the sidecar fills the rest"
    );
    let remembered = h.state().settings.model_inputs.get(&model);
    assert_eq!(
        (remembered.std, remembered.labels.map(|l| l.len())),
        (None, Some(3))
    );

    h.get_by_label(EN.input_reset).click();
    h.run();
    wait_for_jobs(&mut h);
    assert_eq!(
        h.state().explorer.model.info.labels,
        ["circle", "square", "triangle"]
    );
    assert!(h.state().settings.model_inputs.get(&model).is_empty());
}

#[test]
fn a_logits_network_without_labels_answers_with_class_numbers() {
    // LeNet-5 as PyTorch exports it: ten logits from a dense layer, no softmax, no labels.
    let dir = tempfile::tempdir().expect("tempdir");
    let model = dir.path().join("lenet.onnx");
    std::fs::copy(onnx_fixture("lenet5-ts.onnx"), &model).expect("copy");
    let mut h = start(dir.path(), &model);
    let label = prediction_label(&h);
    assert!(label.parse::<usize>().is_ok_and(|i| i < 10), "{label}");
    // The output stage says how to name the classes, in each language.
    h.key_press(egui::Key::End);
    h.run();
    h.get_by_label_contains("Classes are shown by number");
    h.state_mut().settings.language = Lang::Zh;
    h.run();
    h.get_by_label_contains("类别以编号显示");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::I);
    h.run();
    h.get_by_label(ZH.input_settings_title);
    h.get_by_label(ZH.input_mean);
}
