//! Drives the translation lab headlessly with egui_kittest on the committed fixtures
//! (tests/fixtures/gui/sample_models: untrained tiny-max / tiny-avg), never a file dialog.
//! The numbers the lab holds are checked against `analysis` called directly.

use crate::support::{DESKTOP, H, LAPTOP, app, apply, apply_now, repo, wait_for_jobs};
use convscope::analysis::sweep::{compare, stage_strides};
use convscope::analysis::{SweepAxis, trace};
use convscope::app::{Command, ConvscopeApp, LabSettings, Tab, max_shift};
use convscope::engine::{PoolMode, RunOptions};
use convscope::io::{Fill, network_input};
use egui_kittest::kittest::{NodeT, Queryable};

fn harness() -> H {
    app().size(DESKTOP).build()
}

fn lab_harness() -> H {
    let mut h = harness();
    h.key_press(egui::Key::T);
    h.run();
    assert_eq!(h.state().view.tab, Tab::Lab);
    h
}

fn set_shift(h: &mut H, dx: i32, dy: i32, fill: Fill) {
    let settings = LabSettings {
        dx,
        dy,
        fill,
        ..h.state().lab.settings
    };
    apply(h, Command::SetLab(settings));
}

/// The comparison computed straight from the analysis functions.
/// Starts a sweep and steps the app until its background job is done.
fn run_sweep_to_end(h: &mut H) {
    apply(h, Command::RunSweep);
    wait_for_jobs(h);
}

fn expected(app: &ConvscopeApp, dx: i32, dy: i32, fill: Fill) -> convscope::analysis::ShiftResult {
    let ex = &app.explorer;
    let options = RunOptions {
        pool_mode: Some(ex.pool_mode),
        dropout: None,
    };
    let shifted = trace(
        &ex.net,
        &network_input(&ex.pixels, &ex.net.input, dx, dy, fill),
        &options,
    )
    .expect("runs");
    compare(
        &ex.net,
        &ex.trace,
        &shifted,
        dx,
        dy,
        &stage_strides(&ex.net),
    )
}

#[test]
fn the_lab_opens_unshifted_and_t_goes_back() {
    let mut h = lab_harness();
    let lab = &h.state().lab;
    let result = lab.result.clone().expect("computed on opening");
    assert_eq!((result.dx, result.dy), (0, 0));
    for change in &result.stages {
        assert!((change.same_position - 1.0).abs() < 1e-5);
    }
    assert_eq!(lab.shifted, h.state().explorer.trace);
    assert_eq!(max_shift(&h.state().explorer.net), 7);
    assert!(h.query_by_label("Run sweep").is_some());
    h.key_press(egui::Key::T);
    h.run();
    assert_eq!(h.state().view.tab, Tab::Explorer);
}

#[test]
fn moving_dx_changes_the_shifted_maps_and_numbers_as_analysis_computes_them() {
    let mut h = lab_harness();
    let before = h.state().lab.shifted.clone();
    let gen_before = h.state().lab.generation;
    set_shift(&mut h, 3, 0, Fill::Zero);
    let app = h.state();
    assert_ne!(app.lab.shifted[1], before[1], "conv1 maps moved");
    assert_eq!(app.lab.result, Some(expected(app, 3, 0, Fill::Zero)));
    assert!(app.lab.result.as_ref().expect("result").stages[1].same_position < 0.999);
    assert_eq!(app.lab.generation, gen_before + 1);

    // Frames without a change do not recompute.
    h.run();
    h.run();
    assert_eq!(h.state().lab.generation, gen_before + 1);

    // Arrow keys nudge the shift (not the stage) while the lab is shown, within the range.
    let stage = h.state().explorer.stage;
    h.key_press(egui::Key::ArrowRight);
    h.run();
    h.key_press(egui::Key::ArrowUp);
    h.run();
    let app = h.state();
    assert_eq!((app.lab.settings.dx, app.lab.settings.dy), (4, -1));
    assert_eq!(app.explorer.stage, stage);
    assert_eq!(app.lab.result, Some(expected(app, 4, -1, Fill::Zero)));
    for _ in 0..10 {
        h.key_press(egui::Key::ArrowRight);
        h.run();
    }
    assert_eq!(h.state().lab.settings.dx, 7);

    // The fill mode reaches the engine.
    set_shift(&mut h, 5, 0, Fill::Wrap);
    let app = h.state();
    assert_eq!(app.lab.result, Some(expected(app, 5, 0, Fill::Wrap)));
    let ex = &app.explorer;
    assert_eq!(
        app.lab.shifted[0],
        convscope::engine::Tensor::Maps(network_input(&ex.pixels, &ex.net.input, 5, 0, Fill::Wrap))
    );

    // Switching the pooling mode recomputes the shifted trace too.
    apply(&mut h, Command::SetPool(PoolMode::Avg));
    let app = h.state();
    assert_eq!(app.lab.result, Some(expected(app, 5, 0, Fill::Wrap)));
}

#[test]
fn the_aligned_view_needs_a_whole_number_of_cells() {
    let mut h = lab_harness();
    let pool1 = h.state().explorer.stage_named("pool1").expect("pool1");
    assert_eq!(h.state().lab.strides[pool1], (2, 2));
    apply(&mut h, Command::SelectStage(pool1));

    set_shift(&mut h, 1, 0, Fill::Zero);
    assert!(!h.state().lab.whole_cells(pool1));
    let result = h.state().lab.result.clone().expect("result");
    assert_eq!(result.stages[pool1].aligned, None);
    assert!(result.stages[1].aligned.is_some(), "conv1 has stride 1");
    assert!(h.query_by_label_contains("No aligned view").is_some());
    assert!(h.query_by_label_contains("Aligned difference").is_none());

    set_shift(&mut h, 2, 0, Fill::Zero);
    assert!(h.state().lab.whole_cells(pool1));
    let result = h.state().lab.result.clone().expect("result");
    assert!(result.stages[pool1].aligned.is_some());
    assert!(h.query_by_label_contains("No aligned view").is_none());
    assert!(h.query_by_label_contains("Aligned difference").is_some());
}

/// The largest |shifted - original| of stage `stage`, at the same positions.
fn max_abs_difference(app: &ConvscopeApp, stage: usize) -> f32 {
    let original = app.explorer.trace[stage].as_maps().expect("maps").clone();
    let shifted = app.lab.shifted[stage].as_maps().expect("maps").clone();
    (&shifted - &original)
        .iter()
        .fold(0.0f32, |m, v| m.max(v.abs()))
}

#[test]
fn difference_panels_state_their_largest_difference_and_say_identical_when_blank() {
    let mut h = lab_harness();
    let pool1 = h.state().explorer.stage_named("pool1").expect("pool1");
    apply(&mut h, Command::SelectStage(pool1));
    // Unshifted, both difference panels are zero everywhere: plain white squares that say so.
    assert_eq!(max_abs_difference(h.state(), pool1), 0.0);
    assert_eq!(
        h.get_all_by_label("identical (max |diff| = 0)").count(),
        2,
        "same-position and aligned difference"
    );
    set_shift(&mut h, 2, 0, Fill::Zero);
    let max = max_abs_difference(h.state(), pool1);
    assert!(max > 1e-3, "a 2-pixel shift changes pool1");
    h.get_by_label(&format!("max |diff| = {max:.3}"));
    assert!(h.query_by_label("identical (max |diff| = 0)").is_none());
}

#[test]
fn the_sweep_runs_in_the_background_for_every_pooling_mode() {
    let mut h = lab_harness();
    let settings = LabSettings {
        axis: SweepAxis::X,
        compare_modes: true,
        ..h.state().lab.settings
    };
    apply(&mut h, Command::SetLab(settings));
    assert!(h.query_by_label_contains("Run a sweep").is_some());
    run_sweep_to_end(&mut h);
    let app = h.state();
    assert_eq!(app.lab.last_error, None);
    let data = app.lab.sweep.as_ref().expect("sweep data");
    assert_eq!(data.runs.len(), 3);
    assert_eq!(
        data.runs.iter().map(|r| r.mode).collect::<Vec<_>>(),
        PoolMode::ALL.to_vec()
    );
    let names: Vec<&str> = data
        .plotted
        .iter()
        .map(|&i| data.stage_names[i].as_str())
        .collect();
    assert_eq!(names, ["conv1", "pool1", "conv2", "pool2", "fc", "softmax"]);
    let ex = &app.explorer;
    for run in &data.runs {
        assert_eq!(run.results.len(), 15);
        let options = RunOptions {
            pool_mode: Some(run.mode),
            dropout: None,
        };
        let original = trace(
            &ex.net,
            &network_input(&ex.pixels, &ex.net.input, 0, 0, Fill::Zero),
            &options,
        )
        .expect("runs");
        for r in &run.results {
            assert_eq!(r.dy, 0);
            let shifted = trace(
                &ex.net,
                &network_input(&ex.pixels, &ex.net.input, r.dx, 0, Fill::Zero),
                &options,
            )
            .expect("runs");
            let direct = compare(
                &ex.net,
                &original,
                &shifted,
                r.dx,
                0,
                &stage_strides(&ex.net),
            );
            assert_eq!(*r, direct, "{:?} dx={}", run.mode, r.dx);
        }
    }
    // The modes differ somewhere at pool1 (max vs average pooling).
    let pool1 = ex.stage_named("pool1").expect("pool1");
    let at = |k: usize| data.runs[k].results[10].stages[pool1].same_position;
    assert_ne!(at(0), at(1));
    // Small multiples: one panel per pooling mode, each its own plot, not 21 lines in one.
    for mode in PoolMode::ALL {
        let id = egui::Id::unique(("lab-sweep", mode.as_str()));
        assert!(
            egui_plot::PlotMemory::load(&h.ctx, id).is_some(),
            "no panel for {mode:?}"
        );
    }
    h.get_by_label_contains("One panel per pooling mode");
    // The legend is beside the plots (plain labels with line samples), not egui_plot's
    // legend of check boxes over the curves.
    assert!(
        h.query_all_by_role(egui::accesskit::Role::CheckBox)
            .all(|n| n.accesskit_node().label().as_deref() != Some("P(original class)")),
        "a legend inside the plot"
    );
    assert!(
        h.get_all_by_role(egui::accesskit::Role::Label)
            .any(|n| n.value().as_deref() == Some("P(original class)"))
    );
}

#[test]
fn the_chinese_lab_has_every_glyph() {
    let mut h = lab_harness();
    apply(&mut h, Command::SetLanguage(convscope::app::Lang::Zh));
    assert!(h.query_by_label("开始扫描").is_some());
    // Every stage, with the "not whole cells" note and the aligned view, and a sweep plot: a
    // glyph missing from the fonts would fail the harness.
    set_shift(&mut h, 1, 0, Fill::Edge);
    for stage in 0..h.state().explorer.stage_count() {
        apply(&mut h, Command::SelectStage(stage));
    }
    set_shift(&mut h, 2, 2, Fill::Edge);
    let pool1 = h.state().explorer.stage_named("pool1").expect("pool1");
    apply(&mut h, Command::SelectStage(pool1));
    assert!(h.query_by_label_contains("对齐后的差").is_some());
    run_sweep_to_end(&mut h);
    assert!(h.state().lab.sweep.is_some());
}

#[test]
fn a_sweep_says_when_it_is_out_of_date() {
    let mut h = lab_harness();
    run_sweep_to_end(&mut h);
    let data = h.state().lab.sweep.clone().expect("sweep data");
    assert_eq!(data.runs.len(), 1);
    assert_eq!(data.runs[0].mode, h.state().explorer.pool_mode);
    assert!(h.query_by_label_contains("run it again").is_none());
    apply(&mut h, Command::SetPool(PoolMode::Avg));
    assert!(h.query_by_label_contains("run it again").is_some());
}

#[test]
fn escape_stops_a_running_sweep_and_keeps_the_last_curves() {
    let mut h = lab_harness();
    run_sweep_to_end(&mut h);
    let finished = h.state().lab.sweep.clone().expect("a finished sweep");
    // Start another (over both axes, 3 modes: far from done after one frame) and stop it.
    let settings = LabSettings {
        axis: SweepAxis::Both,
        compare_modes: true,
        ..h.state().lab.settings
    };
    apply(&mut h, Command::SetLab(settings));
    apply_now(&mut h, Command::RunSweep);
    assert!(h.state().lab.busy());
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(!h.state().lab.busy(), "Esc stops the sweep");
    // Whatever the worker still sends is not taken for a result.
    for _ in 0..20 {
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let app = h.state();
    assert_eq!(app.lab.last_error, None);
    assert_eq!(app.lab.sweep.as_ref(), Some(&finished));
}

#[test]
fn a_grid_sweep_shows_heat_maps_of_the_selected_stage() {
    let mut h = lab_harness();
    let settings = LabSettings {
        axis: SweepAxis::Both,
        ..h.state().lab.settings
    };
    apply(&mut h, Command::SetLab(settings));
    assert!(h.query_by_label_contains("Over every (dx, dy)").is_none());
    run_sweep_to_end(&mut h);
    let n = max_shift(&h.state().explorer.net);
    let data = h.state().lab.sweep.clone().expect("sweep data");
    assert_eq!(
        data.runs[0].results.len(),
        ((2 * n + 1) * (2 * n + 1)) as usize
    );
    h.run();
    assert!(
        h.query_by_label_contains("Over every (dx, dy): input")
            .is_some()
    );
    // Selecting another stage re-draws them for that stage.
    let pool1 = h.state().explorer.stage_named("pool1").expect("pool1");
    apply(&mut h, Command::SelectStage(pool1));
    assert!(
        h.query_by_label_contains("Over every (dx, dy): pool1")
            .is_some()
    );
}

#[test]
fn dense_and_softmax_stages_are_bars_in_the_lab() {
    let mut h = lab_harness();
    let fc = h.state().explorer.stage_named("fc").expect("fc");
    apply(&mut h, Command::SelectStage(fc));
    assert!(
        egui_plot::PlotMemory::load(&h.ctx, egui::Id::unique("lab-vector-bars")).is_some(),
        "fc as bars"
    );
    h.get_by_label("identical (max |diff| = 0)");
    // Every class bar has its label under it (egui_plot's own spacing labelled only "0" on a
    // laptop, where the chart is ~550 points wide).
    h.set_size(LAPTOP);
    h.run();
    let frame = *egui_plot::PlotMemory::load(&h.ctx, egui::Id::unique("lab-vector-bars"))
        .expect("bars")
        .transform()
        .frame();
    let under: Vec<String> = super::support::painted_texts(&h)
        .into_iter()
        .filter(|t| {
            (frame.left()..=frame.right()).contains(&t.rect.center().x)
                && (frame.bottom()..=frame.bottom() + 30.0).contains(&t.rect.center().y)
        })
        .map(|t| t.text)
        .collect();
    for class in 0..10 {
        assert!(
            under.contains(&class.to_string()),
            "no label {class} under the bars: {under:?}"
        );
    }
    set_shift(&mut h, 3, 0, Fill::Zero);
    let app = h.state();
    let o = app.explorer.trace[fc].as_vector().expect("vector").to_vec();
    let s = app.lab.shifted[fc].as_vector().expect("vector").to_vec();
    let max = o
        .iter()
        .zip(&s)
        .fold(0.0f32, |m, (a, b)| m.max((b - a).abs()));
    h.get_by_label(&format!("max |diff| = {max:.3}"));
}

/// The lab's views are pictures a class can read: on a laptop screen the 28x28 digit under
/// "Original" is drawn at least 80 points wide (it was 28, one point per pixel, because the
/// maps got a fixed share of the height whatever the table below needed), and the table's
/// last row and the sweep stay on screen.
#[test]
fn lab_views_are_large_on_a_laptop_and_all_in_view() {
    let mut h = app()
        .model(repo("sample_models/digits-max.json"))
        .models_in(&[])
        .build();
    apply(&mut h, Command::ToggleLab);
    apply(&mut h, Command::NudgeShift(3, 0));
    wait_for_jobs(&mut h);
    let title = h.get_by_label("Original").rect();
    let picture = h
        .query_all(egui_kittest::kittest::by())
        .filter(|n| n.accesskit_node().bounding_box().is_some())
        .map(|n| n.rect())
        .filter(|r| (r.min.x - title.min.x).abs() < 2.0 && r.min.y >= title.max.y - 1.0)
        .filter(|r| r.min.y < title.max.y + 20.0 && (r.width() - r.height()).abs() < 1.0)
        .map(|r| r.width())
        .fold(0.0, f32::max);
    assert!(
        picture >= 80.0,
        "the original is drawn {picture} points wide"
    );
    let screen = h.ctx.content_rect();
    for label in ["softmax", "Run sweep"] {
        for node in h.query_all_by_label(label) {
            let rect = node.rect();
            assert!(
                screen.contains_rect(rect),
                "{label} at {rect:?} is off screen"
            );
        }
    }
}
