//! Issue 15, item 2: a graph's stage strip. The small residual net exported from PyTorch
//! (tests/reference/make_graph_onnx.py: stem, max pool, block `l1` with an add, block `l2` with a
//! 1x1 conv on its skip) opens with each block as one card; the card opens to its stages, the
//! arrow keys step into them, and the skip connection is painted beside them. Stage views and
//! export work on the stages inside.

use crate::support::{H, app, painted_texts, repo, wait_for_jobs};
use convscope::app::{Command, SKIP_COLOR, SettingsFile, Startup};
use egui_kittest::kittest::Queryable;

/// The app opening the residual net on a photo, its settings kept in `dir`.
fn harness(dir: &std::path::Path) -> H {
    let startup = Startup {
        model: Some(repo("tests/fixtures/onnx/resnet-small-ts.onnx")),
        image: Some(repo("assets/samples/photo_cat.png")),
        ..Startup::default()
    };
    let mut h = app()
        .settings_file(SettingsFile::at(dir.join("settings.json")))
        .startup(startup)
        .no_dialogs()
        .build_idle();
    wait_for_jobs(&mut h);
    h
}

/// The name of the selected stage's layer.
fn selected(h: &H) -> String {
    let ex = &h.state().explorer;
    ex.stage_layer(ex.stage)
        .map(|l| l.name.clone())
        .unwrap_or_default()
}

/// The skip arcs painted this frame: lines of three segments in the skip colour, as
/// (first point, last point).
fn skip_arcs(h: &H) -> Vec<(egui::Pos2, egui::Pos2)> {
    fn collect(shape: &egui::Shape, out: &mut Vec<(egui::Pos2, egui::Pos2)>) {
        match shape {
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| collect(s, out)),
            egui::Shape::Path(path)
                if path.points.len() == 4
                    && path.stroke.color == egui::epaint::ColorMode::Solid(SKIP_COLOR) =>
            {
                out.push((path.points[0], path.points[3]));
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for clipped in &h.output().shapes {
        collect(&clipped.shape, &mut out);
    }
    out
}

fn key(h: &mut H, key: egui::Key) {
    h.key_press(key);
    h.run();
}

#[test]
fn a_residual_block_opens_to_its_stages_with_the_skip_drawn_beside_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut h = harness(dir.path());
    assert_eq!(h.state().model_name(), "resnet-small-ts");
    let names: Vec<String> = h
        .state()
        .view
        .strip
        .blocks
        .iter()
        .map(|b| b.name.clone())
        .collect();
    assert_eq!(
        names,
        ["l1", "l2"],
        "blocks found from the wiring, named from the paths"
    );
    // Closed, the block is one card and no skip is drawn.
    assert!(skip_arcs(&h).is_empty());
    h.get_by_label("▶ l1").click();
    h.run();
    assert_eq!(h.state().view.strip.open, [true, false]);
    assert_eq!(
        selected(&h),
        "/l1/c1/Conv",
        "opening selects the block's first stage"
    );
    // The arrow keys step through the open block's stages to its add.
    key(&mut h, egui::Key::ArrowRight);
    assert_eq!(selected(&h), "/l1/Relu");
    key(&mut h, egui::Key::ArrowRight);
    key(&mut h, egui::Key::ArrowRight);
    assert_eq!(selected(&h), "/l1/Add");
    // The skip: from the max pool's card (left of the block) into the add's card, below them.
    let arcs = skip_arcs(&h);
    assert_eq!(arcs.len(), 1, "{arcs:?}");
    let (from, to) = arcs[0];
    let pool = h.get_by_label("pool").rect();
    let add = h.get_by_label("Add").rect();
    assert!(
        (pool.left()..=pool.right() + 12.0).contains(&from.x),
        "{from:?} {pool:?}"
    );
    assert!(
        (add.left() - 12.0..=add.right() + 12.0).contains(&to.x),
        "{to:?} {add:?}"
    );
    assert!(
        to.y > add.bottom(),
        "the arc comes up into the add's card from below"
    );
    // The add's view: both inputs and the result.
    let texts: Vec<String> = painted_texts(&h).into_iter().map(|t| t.text).collect();
    assert!(
        texts.iter().any(|t| t.starts_with("= /l1/Add")),
        "the result's title: {texts:?}"
    );
    assert!(texts.iter().any(|t| t.starts_with("/pool/MaxPool")));
    // The ReLU after the add is named in the block's module: the block's last stage.
    key(&mut h, egui::Key::ArrowRight);
    assert_eq!(selected(&h), "/l1/Relu_1");
    assert_eq!(h.state().view.strip.open, [true, false]);
    // Up closes the block around the selection and selects its output; Right steps past it.
    key(&mut h, egui::Key::ArrowLeft);
    key(&mut h, egui::Key::ArrowUp);
    assert_eq!(h.state().view.strip.open, [false, false]);
    assert_eq!(selected(&h), "/l1/Relu_1");
    assert!(skip_arcs(&h).is_empty());
    key(&mut h, egui::Key::ArrowRight);
    assert_eq!(
        selected(&h),
        "/l2/Relu_1",
        "a closed block is one step: its output"
    );
    key(&mut h, egui::Key::ArrowRight);
    assert_eq!(selected(&h), "/GlobalAveragePool");
}

/// The second block has a 1x1 conv on its skip: two arcs (the fork into the conv on the skip,
/// the first branch's last conv into the add), and its stages' views and export work.
#[test]
fn a_downsample_block_draws_both_branches_and_exports_its_stages() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut h = harness(dir.path());
    h.get_by_label("▶ l2").click();
    h.run();
    assert_eq!(selected(&h), "/l2/c1/Conv");
    assert_eq!(skip_arcs(&h).len(), 2);
    let ctx = h.ctx.clone();
    for stage in ["/l2/down/down.0/Conv", "/l2/Add"] {
        let index = h.state().explorer.stage_named(stage).expect(stage);
        h.state_mut().apply(&ctx, Command::SelectStage(index));
        h.run();
        let out = dir.path().join(format!("{}.png", stage.replace('/', "_")));
        h.state_mut().apply(&ctx, Command::Export(out.clone()));
        h.run();
        let img = image::open(&out).expect("a PNG").to_rgba8();
        assert!(img.width() > 10 && img.height() > 10, "{stage}");
    }
    // The pooling switch reaches the graph's pooling layer, and what reads it downstream.
    let pool = h.state().explorer.stage_named("/pool/MaxPool").unwrap();
    let add = h.state().explorer.stage_named("/l1/Add").unwrap();
    let before = (
        h.state().explorer.trace[pool].values(),
        h.state().explorer.trace[add].values(),
    );
    h.state_mut()
        .apply(&ctx, Command::SetPool(convscope::engine::PoolMode::Avg));
    h.run();
    let ex = &h.state().explorer;
    assert_ne!(ex.trace[pool].values(), before.0);
    assert_ne!(ex.trace[add].values(), before.1);
    // The conv on the skip reads the block's input, not the stage listed before it.
    let down = ex.stage_named("/l2/down/down.0/Conv").unwrap();
    assert_eq!(ex.before_stage(down), ex.stage_named("/l1/Relu_1").unwrap());
}
