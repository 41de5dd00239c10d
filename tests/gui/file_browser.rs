//! Issue 11 item 11: where the system shows no file dialog, "Open image…", Ctrl+O, "Open
//! model…" and "Export PNG…" open the app's own browser instead of doing nothing. The tests
//! turn system dialogs off (`native_dialogs = false`): the browser is what they see.

use crate::support::{H, app, fixture_models, wait_for_jobs};
use egui_kittest::kittest::Queryable;
use std::path::Path;

/// The app without system dialogs, choosing files from `dir`.
fn harness_in(dir: &Path) -> H {
    app().no_dialogs().browse_from(dir).build()
}

/// A folder with a picture in a sub-folder, a model, and a file of no kind the app opens.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    std::fs::create_dir(d.join("pictures")).unwrap();
    let mut img = image::RgbImage::new(28, 28);
    for y in 4..24 {
        img.put_pixel(14, y, image::Rgb([255, 255, 255]));
    }
    img.save(d.join("pictures/stroke.png")).unwrap();
    std::fs::write(d.join("notes.txt"), "not a picture").unwrap();
    for f in ["tiny-avg.json", "tiny-avg.safetensors"] {
        std::fs::copy(fixture_models().join(f), d.join(f)).unwrap();
    }
    dir
}

#[test]
fn ctrl_o_browses_to_a_picture_and_opens_it() {
    let dir = folder();
    let mut h = harness_in(dir.path());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    h.run();
    assert!(h.state().file_browser.is_some(), "Ctrl+O opened nothing");
    h.get_by_label("Open a picture");
    h.get_by_label("pictures/");
    assert!(
        h.query_by_label("notes.txt").is_none(),
        "only pictures and folders"
    );
    assert!(h.query_by_label("tiny-avg.json").is_none());
    // Into the folder (select, Open), up again, and back in.
    h.get_by_label("pictures/").click();
    h.run();
    h.get_by_label("Open").click();
    h.run();
    h.get_by_label("Up").click();
    h.run();
    h.get_by_label("pictures/").click();
    h.run();
    h.get_by_label("Open").click();
    h.run();
    h.get_by_label("stroke.png").click();
    h.run();
    h.get_by_label("Open").click();
    wait_for_jobs(&mut h);
    let app = h.state();
    assert!(app.file_browser.is_none());
    assert_eq!(app.explorer.input.name, "stroke.png");
    assert_eq!(app.explorer.last_error, None);
    // Keys act on the app again once the browser is closed.
    h.key_press(egui::Key::ArrowRight);
    h.run();
    assert_eq!(h.state().explorer.stage, 1);
}

#[test]
fn the_buttons_open_the_browser_and_cancel_changes_nothing() {
    let dir = folder();
    let mut h = harness_in(dir.path());
    h.get_all_by_label("Open image…")
        .next()
        .expect("a button")
        .click();
    h.run();
    assert!(h.state().file_browser.is_some(), "Open image… did nothing");
    // Keys belong to the browser while it is open: no stage change behind it.
    h.key_press(egui::Key::ArrowRight);
    h.run();
    assert_eq!(h.state().explorer.stage, 0);
    h.get_by_label("Cancel").click();
    h.run();
    let app = h.state();
    assert!(app.file_browser.is_none());
    assert_eq!(app.explorer.input.name, "digit_7");
    // Escape closes it too.
    h.get_all_by_label("Open image…")
        .next()
        .expect("a button")
        .click();
    h.run();
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(h.state().file_browser.is_none());
}

#[test]
fn open_model_browses_models() {
    let dir = folder();
    let mut h = harness_in(dir.path());
    h.get_by_label_contains("Model: tiny-max").click();
    h.run();
    h.get_by_label("Open model file…").click();
    h.run();
    h.get_by_label("Open a model");
    assert!(h.query_by_label("notes.txt").is_none());
    h.get_by_label("tiny-avg.json").click();
    h.run();
    h.get_by_label("Open").click();
    wait_for_jobs(&mut h);
    assert_eq!(h.state().model_name(), "tiny-avg");
}

#[test]
fn export_png_browses_to_a_folder_and_writes_there() {
    let dir = folder();
    let mut h = harness_in(dir.path());
    h.get_by_label("pool1").click();
    h.run();
    h.get_all_by_label("Export PNG…")
        .next()
        .expect("a button")
        .click();
    h.run();
    h.get_by_label("Export PNG");
    h.get_by_label("pictures/").click();
    h.run();
    h.get_by_label("Save").click(); // a selected folder is entered
    h.run();
    h.get_by_label("Save").click();
    h.run();
    let out = dir.path().join("pictures/pool1.png");
    let img = image::open(&out).expect("pool1.png written");
    assert!(img.width() > 14);
    assert!(h.state().file_browser.is_none());
}

/// Where the browser's "Up" button is.
fn up_button(h: &H) -> egui::Rect {
    h.get_by_label("Up").rect()
}

/// Replaces what the name field holds with `text`, then presses Enter.
fn type_and_enter(h: &mut H, text: &str) {
    let field = "File name or path:";
    h.get_by_label(field).focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_label(field).type_text(text);
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
}

#[test]
fn a_typed_path_and_enter_open_the_file_and_a_wrong_one_is_said() {
    let dir = folder();
    let mut h = harness_in(dir.path());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    h.run();
    let missing = dir.path().join("no-such/stroke.png");
    type_and_enter(&mut h, &missing.display().to_string());
    assert!(h.state().file_browser.is_some(), "the browser stays open");
    let said = format!("{} does not exist", missing.display());
    assert!(
        h.query_all_by_label_contains(&said).next().is_some(),
        "a path that names nothing is not said: {said}"
    );
    let path = dir.path().join("pictures/stroke.png");
    type_and_enter(&mut h, &path.display().to_string());
    wait_for_jobs(&mut h);
    let app = h.state();
    assert!(
        app.file_browser.is_none(),
        "Enter on a typed path did nothing"
    );
    assert_eq!(app.explorer.input.name, "stroke.png");
}

#[test]
fn the_browser_stays_where_it_is_from_folder_to_folder() {
    let dir = folder();
    for i in 0..40 {
        std::fs::write(dir.path().join(format!("many_{i:02}.png")), b"x").unwrap();
    }
    let mut h = harness_in(dir.path());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    h.run();
    let at_first = up_button(&h);
    h.get_by_label("pictures/").click();
    h.run();
    h.get_by_label("Open").click();
    h.run();
    assert_eq!(
        h.state().file_browser.as_ref().map(|b| b.entries.len()),
        Some(1)
    );
    let inside = up_button(&h);
    assert!(
        (inside.min - at_first.min).length() < 0.5,
        "Up moved from {at_first:?} to {inside:?} on entering a folder"
    );
    h.get_by_label("Up").click();
    h.run();
    let back = up_button(&h);
    assert!(
        (back.min - at_first.min).length() < 0.5,
        "Up moved from {at_first:?} to {back:?} on going up"
    );
    // A few typed letters leave one file of the 41 pictures.
    h.get_by_label("File name or path:").focus();
    h.run();
    h.get_by_label("File name or path:").type_text("many_17");
    h.run();
    assert!(h.query_by_label("many_17.png").is_some());
    assert!(h.query_by_label("many_16.png").is_none());
    assert!((up_button(&h).min - at_first.min).length() < 0.5);
}
