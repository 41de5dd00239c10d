//! The arithmetic panel on the real app (egui_kittest, committed tiny fixtures): a conv cell
//! chosen with the keys shows the engine's value, hovering a map selects its cell, Animate walks
//! the cells row by row, and a dense stage shows its unit's sum.

use crate::support::{H, app, apply, shows};
use convscope::app::i18n::fill;
use convscope::app::{Command, Lang};
use convscope::engine::Tensor;
use egui_kittest::kittest::Queryable;

/// The app on the fixtures in `lang`, the arithmetic panel open (it opens on its toggle; these
/// tests look at what it shows).
fn harness(lang: Lang) -> H {
    app()
        .lang(lang)
        .with(|app| app.view.arith.show = true)
        .build()
}

fn press(h: &mut H, key: egui::Key) {
    h.key_press(key);
    h.run();
}

fn value_at(h: &H, stage: usize, cell: (usize, usize, usize)) -> f32 {
    match &h.state().explorer.trace[stage] {
        Tensor::Maps(a) => a[cell],
        Tensor::Vector(v) => v[cell.2],
    }
}

#[test]
fn keys_pick_a_conv_cell_and_the_panel_shows_the_engines_value() {
    for lang in [Lang::En, Lang::Zh] {
        let mut h = harness(lang);
        let conv2 = h.state().explorer.stage_named("conv2").expect("conv2");
        apply(&mut h, Command::SelectStage(conv2));
        h.remove_cursor();
        h.run();
        // Nothing selected yet: the hint says how to choose a cell.
        let keys = if lang == Lang::En {
            "I J K L"
        } else {
            "I、J、K、L"
        };
        assert!(shows(&h, keys));
        for key in [
            egui::Key::L,
            egui::Key::L,
            egui::Key::L,
            egui::Key::K,
            egui::Key::O,
        ] {
            press(&mut h, key);
        }
        // The first press selects (0,0,0); then two steps right, one down, one channel on.
        assert_eq!(h.state().view.arith.cell, Some((1, 1, 2)));
        let v = value_at(&h, conv2, (1, 1, 2));
        assert!(shows(&h, &format!("= {v:.4}")), "the engine's value {v:.4}");
        // The stage's first conv is followed by relu1: its value is shown after the sum.
        let conv1 = h.state().explorer.stage_named("conv1").expect("conv1");
        apply(&mut h, Command::SelectStage(conv1));
        apply(&mut h, Command::StepCell(0, 1, 1));
        let cell = h.state().view.arith.cell.expect("a cell");
        let relu = value_at(&h, conv1 + 1, cell);
        let s = lang.strings();
        let kind = &h.state().explorer.net.layers()[conv1].kind;
        let after = fill(s.arith_after, &[&s.layer_type(kind), &format!("{relu:.4}")]);
        assert!(shows(&h, &after), "{after}");
        assert!(shows(&h, &format!("= {:.4}", value_at(&h, conv1, cell))));
    }
}

#[test]
fn hovering_an_output_map_selects_its_cell() {
    let mut h = harness(Lang::En);
    let conv1 = h.state().explorer.stage_named("conv1").expect("conv1");
    apply(&mut h, Command::SelectStage(conv1));
    assert_eq!(h.state().view.arith.cell, None);
    // Sweep the pointer over the central area until it lands on a map.
    let mut found = None;
    'scan: for y in (150..700).step_by(12) {
        for x in (300..900).step_by(12) {
            h.hover_at(egui::pos2(x as f32, y as f32));
            h.run();
            if let Some(cell) = h.state().view.arith.cell {
                found = Some(cell);
                break 'scan;
            }
        }
    }
    let cell = found.expect("some point over the output maps selects a cell");
    let v = value_at(&h, conv1, cell);
    assert!(shows(&h, &format!("= {v:.4}")));
}

#[test]
fn animate_slides_the_kernel_cell_by_cell() {
    let mut h = harness(Lang::En);
    let conv1 = h.state().explorer.stage_named("conv1").expect("conv1");
    apply(&mut h, Command::SelectStage(conv1));
    h.remove_cursor();
    press(&mut h, egui::Key::O); // channel 0, cell (0,0,0)
    press(&mut h, egui::Key::O); // channel 1
    h.get_by_label("Animate").click();
    h.step();
    assert!(h.state().view.arith.animating);
    // It starts at the top-left cell of the shown channel.
    let (c, y, x0) = h.state().view.arith.cell.expect("a cell");
    assert_eq!((c, y), (1, 0));
    assert!(x0 <= 1, "starts at the left, not column {x0}");
    // Each kittest step is 1/4 s; at 4 cells per second the kernel moves about a cell a step.
    for _ in 0..6 {
        h.step();
    }
    let (c, y, x) = h.state().view.arith.cell.expect("a cell");
    assert_eq!((c, y), (1, 0), "still on the first row of channel 1");
    assert!(x >= x0 + 3, "moved from column {x0} to {x}");
    h.run();
    assert!(shows(
        &h,
        &format!("= {:.4}", value_at(&h, conv1, (c, y, x)))
    ));
    // Stop halts it where it is.
    h.get_by_label("Stop").click();
    h.run();
    let stopped = h.state().view.arith.cell;
    for _ in 0..4 {
        h.step();
    }
    assert_eq!(h.state().view.arith.cell, stopped);
    assert!(!h.state().view.arith.animating);
}

#[test]
fn a_dense_stage_sums_its_unit() {
    let mut h = harness(Lang::En);
    let fc = h.state().explorer.stage_named("fc").expect("fc");
    apply(&mut h, Command::SelectStage(fc));
    apply(&mut h, Command::StepCell(0, 0, 0));
    apply(&mut h, Command::StepCell(0, 0, 2));
    assert_eq!(h.state().view.arith.cell, Some((0, 0, 2)));
    let v = value_at(&h, fc, (0, 0, 2));
    assert!(shows(&h, &format!("= {v:.4}")));
    assert!(shows(&h, "all others") || shows(&h, "Largest contributions"));
    // The softmax after it is shown as the value after the activation.
    let p = value_at(&h, fc + 1, (0, 0, 2));
    assert!(shows(&h, &format!("softmax: {p:.4}")), "{p:.4}");
}

#[test]
fn the_step_keys_are_listed_in_the_shortcuts_window() {
    let mut h = harness(Lang::En);
    press(&mut h, egui::Key::F1);
    assert!(shows(&h, "Arithmetic: move the selected cell"));
    assert!(shows(&h, "Arithmetic: previous / next channel"));
}

#[test]
fn the_panel_is_closed_until_a_cell_is_asked_for() {
    let mut h = app().build();
    apply(&mut h, Command::SelectStage(1));
    assert!(
        !h.state().view.arith.show,
        "closed: the maps keep the width"
    );
    h.key_press(egui::Key::L);
    h.run();
    assert!(
        h.state().view.arith.show,
        "a key that picks a cell opens it"
    );
}
