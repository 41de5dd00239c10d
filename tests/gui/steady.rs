//! Issue 11 items 2 and 3: clicks stay with the widget on top, and the layout holds still under
//! the pointer. Drives the real app with egui_kittest on the committed fixtures (never a file
//! dialog).

use crate::support::{H, SAMPLE_MODELS, app, apply, sample_model};
use convscope::app::{Command, sample_names};
use egui_kittest::kittest::Queryable;

fn harness() -> H {
    app().no_dialogs().build()
}

/// Item 2: choosing a sample where the open list lies over the drawing canvas picks the sample
/// and paints nothing (the canvas read raw pointer presses inside its rectangle, under the
/// popup too).
#[test]
fn a_click_on_the_samples_list_never_reaches_the_canvas() {
    let mut h = harness();
    let canvas = h.get_by_label("Drawing canvas").rect();
    h.get_by_label("Samples").click();
    h.run();
    let current = h.state().explorer.input.name.clone();
    // An entry the list shows over the canvas: not one scrolled out of the list's view (its
    // rectangle may lie over the canvas while the canvas is what is on top there).
    let ctx = h.ctx.clone();
    let shown_over_canvas = |rect: egui::Rect| {
        canvas.contains(rect.center())
            && ctx
                .layer_id_at(rect.center())
                .is_some_and(|l| l.order != egui::Order::Background)
    };
    let over_canvas = sample_names()
        .filter(|n| *n != current)
        .find(|n| {
            h.query_all_by_label(n)
                .any(|node| shown_over_canvas(node.rect()))
        })
        .unwrap_or_else(|| panic!("no entry of the open list lies over the canvas {canvas:?}"));
    let entry = h
        .query_all_by_label(over_canvas)
        .find(|node| shown_over_canvas(node.rect()))
        .expect("the entry");
    entry.click();
    h.run();
    let app = h.state();
    assert!(app.canvas.is_blank(), "the click painted on the canvas");
    assert_eq!(app.explorer.input.name, over_canvas);
}

use egui_kittest::kittest::{NodeT, by};

/// Every widget with a text, by role and text, and where it is.
fn layout(h: &H) -> Vec<(String, egui::Rect)> {
    h.query_all(by().predicate(|_| true))
        .filter_map(|node| {
            let n = node.accesskit_node();
            let text = n.label().or_else(|| n.value())?;
            Some((format!("{:?} {text}", n.role()), node.rect()))
        })
        .collect()
}

/// Asserts that everything that kept its text kept its place, and returns how many did.
fn assert_same_places(
    before: &[(String, egui::Rect)],
    after: &[(String, egui::Rect)],
    what: &str,
) -> usize {
    let mut same = 0;
    for (key, rect) in before {
        let now: Vec<_> = after.iter().filter(|(k, _)| k == key).collect();
        let was = before.iter().filter(|(k, _)| k == key).count();
        if now.len() != was {
            continue; // shown a different number of times: not comparable by text
        }
        let i = before[..]
            .iter()
            .filter(|(k, _)| k == key)
            .position(|(_, r)| r == rect)
            .unwrap_or(0);
        let moved = now[i].1;
        assert!(
            (moved.min - rect.min).length() < 0.01 && (moved.max - rect.max).length() < 0.01,
            "{what}: {key} moved from {rect:?} to {moved:?}"
        );
        same += 1;
    }
    same
}

/// The hover readout of the pooling view ("Window values · ch c · (y, x)").
fn window_readout(h: &H) -> Option<String> {
    h.query_all(by().label_contains("Window values"))
        .next()
        .and_then(|n| n.accesskit_node().value())
}

/// Item 3: with the pointer on a pooled cell, M (max -> avg -> blur-max -> max) changes the
/// numbers and the mode note, never where a map, a cell or a control is: the same cell stays
/// under the pointer, and every toolbar button keeps its rectangle. (The note used to add a
/// line above the maps, and "Load avg weights" appeared in the toolbar and pushed the rest on.)
#[test]
fn m_moves_nothing_under_the_pointer() {
    let mut h = harness();
    h.get_by_label("pool1").click();
    h.run();
    let title = h.get_by_label_contains("After pooling").rect();
    h.hover_at(title.left_bottom() + egui::vec2(6.0, 10.0));
    h.run();
    let cell = window_readout(&h).expect("a pooled cell is hovered");
    let toolbar = [
        "Explorer",
        "Open image…",
        "Play",
        "Export PNG…",
        "English",
        "Keys",
    ];
    for (i, mode) in ["avg", "blur-max", "max"].iter().enumerate() {
        let before = layout(&h);
        h.key_press(egui::Key::M);
        h.run();
        assert!(
            h.query_by_label_contains(&format!("Pooling: {mode}"))
                .is_some()
                || i == 1, // blur-max's label may be spelt differently
            "M cycled to {mode}"
        );
        let after = layout(&h);
        let same = assert_same_places(&before, &after, &format!("M to {mode}"));
        assert!(same > 20, "only {same} widgets compared");
        for label in toolbar {
            assert!(
                after.iter().any(|(k, _)| k.ends_with(label)),
                "{label} shown"
            );
        }
        assert_eq!(
            window_readout(&h).as_deref(),
            Some(cell.as_str()),
            "the hovered cell"
        );
    }
}

/// Hover linking: the cell under the pointer on the conv view is remembered for the pipeline
/// strip (drawn before the maps, a frame later), which outlines it and its neighbours there;
/// with the pointer gone, the strip lets go.
#[test]
fn a_hovered_conv_cell_reaches_the_pipeline_strip() {
    let mut h = harness();
    h.get_by_label("conv1").click();
    h.run();
    let conv1 = h.state().explorer.stage;
    let scale = h
        .query_all(by().label("Shared scale"))
        .last()
        .map(|n| n.rect());
    let top = scale
        .or_else(|| {
            h.query_all_by_label_contains("Output maps")
                .last()
                .map(|n| n.rect())
        })
        .expect("the output maps' heading");
    let mut hovered = None;
    for dy in [16.0, 24.0, 32.0, 48.0] {
        h.hover_at(top.left_bottom() + egui::vec2(8.0, dy));
        h.run();
        hovered = h.state().view.hover;
        if hovered.is_some() {
            break;
        }
    }
    let (stage, cell) = hovered.expect("a conv1 cell under the pointer");
    assert_eq!(stage, conv1);
    assert_eq!(
        h.state().view.hover_before,
        Some((stage, cell)),
        "the strip has it"
    );
    // Drawn: the cell on conv1's card, its window on the input's, the cell it feeds on relu1's.
    let strip_bottom = h.get_by_label("conv1").rect().bottom() + 80.0;
    assert!(strip_bottom < top.top(), "the strip is above the maps");
    let on_strip = link_outlines(&h, strip_bottom);
    assert!(on_strip >= 3, "{on_strip} outlines on the strip");
    h.hover_at(egui::pos2(2.0, 790.0));
    h.run();
    assert_eq!(h.state().view.hover_before, None);
    assert_eq!(link_outlines(&h, strip_bottom), 0, "outlines left behind");
}

/// How many hover-link outlines (red rectangles) the last frame painted above `bottom` (on the
/// strip, not in the stage view below it).
fn link_outlines(h: &H, bottom: f32) -> usize {
    fn count(shape: &egui::Shape, bottom: f32) -> usize {
        match shape {
            egui::Shape::Vec(shapes) => shapes.iter().map(|s| count(s, bottom)).sum(),
            egui::Shape::Rect(r) => usize::from(
                r.stroke.color == egui::Color32::from_rgb(255, 60, 60) && r.rect.bottom() < bottom,
            ),
            _ => 0,
        }
    }
    h.output()
        .shapes
        .iter()
        .map(|c| count(&c.shape, bottom))
        .sum()
}

/// The two language buttons stay on one row whatever the toolbar holds: with fc-overfit's
/// shorter model name "English" fitted on the first row and "简体中文" wrapped onto the second.
#[test]
fn the_language_buttons_never_split_over_two_rows() {
    for name in SAMPLE_MODELS {
        let h = app().model(sample_model(name)).models_in(&[]).build();
        let english = h.get_by_label("English").rect();
        let chinese = h.get_by_label("简体中文").rect();
        assert!(
            (english.center().y - chinese.center().y).abs() < 1.0,
            "{name}: English at {english:?}, 简体中文 at {chinese:?}"
        );
    }
}

/// Turning the input noise on (key N through all three kinds) and moving its seed change the
/// pictures and the numbers, never where a widget is: the control keeps its slider, seed and
/// note in place, switched off, while there is no noise.
#[test]
fn noise_moves_nothing() {
    let mut h = harness();
    for round in 0..3 {
        let before = layout(&h);
        h.key_press(egui::Key::N);
        h.run();
        let after = layout(&h);
        let same = assert_same_places(&before, &after, &format!("N, round {round}"));
        assert!(same > 20, "only {same} widgets compared");
    }
    assert_eq!(h.state().explorer.noise.kind, None, "N went round");
    h.key_press(egui::Key::N);
    h.run();
    let before = layout(&h);
    let mut n = h.state().explorer.noise;
    n.seed += 1;
    n.level = 0.55;
    apply(&mut h, Command::SetNoise(n));
    let after = layout(&h);
    assert_same_places(&before, &after, "seed and level");
}
