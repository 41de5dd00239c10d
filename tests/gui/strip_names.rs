//! Issue 26: a big network's stage strip read at a glance. A deep chain built here with the
//! names exporters give (torchvision's module paths, Inception's branches, a dynamo export's
//! node names), opened in presentation mode at 1280x800 and 1920x1080 in English and Chinese:
//! stepping through every stage, the selected card and its neighbours show their whole name
//! (no "…"), entirely on screen. Measured from the galleys egui painted. An overview of the
//! whole network under the strip goes to the stage under a click. A graph's open block leaves
//! the other cards' names whole.

use crate::support::{
    H, LAPTOP, PROJECTOR, PaintedText, app, apply, painted_texts, repo, wait_for_jobs,
};
use convscope::app::{Command, Fixed, Lang, ViewRects};
use convscope::engine::{Activation, Conv2d, Dense, InputSpec, Layer, LayerKind, Model, ModelInfo};
use egui::Vec2;
use egui_kittest::kittest::Queryable;
use ndarray::{Array1, Array2, Array4};
use std::path::Path;

/// Each layer's name in the file and the name its card shows.
fn names() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for i in 0..8 {
        out.push((
            format!("/features/features.{i}/conv/conv.{i}/conv.{i}.0/Conv"),
            format!("features.{i}/conv.{i}.0"),
        ));
        out.push((
            format!("/features/features.{i}/conv/conv.{i}/conv.{i}.2/Clip"),
            format!("features.{i}/conv.{i}.2"),
        ));
    }
    for (file, card) in [
        (
            "/Mixed_6e/branch7x7dbl_5/conv/Conv",
            "Mixed_6e/branch7x7dbl_5/conv",
        ),
        ("/Mixed_6e/branch7x7dbl_5/Relu", "Mixed_6e/branch7x7dbl_5"),
        ("node_convolution_753", "node_convolution_753"),
        (
            "node_relu_batch_norm_legit_no_training_52",
            "node_relu_batch_norm_legit_no_training_52",
        ),
    ] {
        out.push((file.into(), card.into()));
    }
    out
}

/// 3 @ 8x8 -> the named 3x3 convolutions (4 channels) and ReLUs -> dense 256->3 -> softmax.
fn deep_model(path: &Path) -> Vec<String> {
    let conv = |cin: usize| {
        LayerKind::Conv2d(Conv2d {
            weight: Array4::from_shape_fn((4, cin, 3, 3), |(o, i, y, x)| {
                ((o * 31 + i * 7 + y * 3 + x) % 11) as f32 / 11.0 - 0.5
            }),
            bias: Some(Array1::zeros(4)),
            padding: (1, 1),
            ..Default::default()
        })
    };
    let mut layers = Vec::new();
    let mut cards = vec![];
    for (k, (name, card)) in names().into_iter().enumerate() {
        let kind = if k % 2 == 0 {
            conv(if k == 0 { 3 } else { 4 })
        } else {
            LayerKind::Activation(Activation::Relu)
        };
        layers.push(Layer { name, kind });
        cards.push(card);
    }
    let weight = Array2::from_shape_fn((3, 256), |(o, i)| ((o + i) % 5) as f32 / 5.0 - 0.4);
    for (name, kind) in [
        ("flatten", LayerKind::Flatten),
        ("fc", LayerKind::Dense(Dense { weight, bias: None })),
        ("softmax", LayerKind::Softmax),
    ] {
        layers.push(Layer {
            name: name.into(),
            kind,
        });
        cards.push(name.into());
    }
    let info = ModelInfo {
        name: "deep".into(),
        labels: ["a", "b", "c"].map(String::from).to_vec(),
        ..Default::default()
    };
    let input = InputSpec {
        channels: 3,
        height: 8,
        width: 8,
        mean: vec![0.5; 3],
        std: vec![0.25; 3],
    };
    let model = Model::new(info, input, layers).expect("valid");
    convscope::io::save_model(&model, path).expect("saved");
    cards
}

/// The app on `model` in presentation mode, the pointer away from every widget.
fn open(model: &Path, lang: Lang, size: Vec2) -> H {
    let mut h = app()
        .size(size)
        .lang(lang)
        .model(model.to_path_buf())
        .no_dialogs()
        .build();
    wait_for_jobs(&mut h);
    apply(&mut h, Command::TogglePresentation);
    h.event(egui::Event::PointerGone);
    h.run();
    h
}

/// The painted text in the strip that is card name `name` (on one line or two, a closed
/// block's mark before it), if any is on screen.
fn card_name<'a>(h: &H, texts: &'a [PaintedText], name: &str) -> Option<&'a PaintedText> {
    let strip = ViewRects::of(&h.ctx)
        .panel(Fixed::StripPanel)
        .expect("the strip's panel");
    texts.iter().find(|t| {
        let shown: String = t.text.chars().filter(|&c| c != '\n').collect();
        strip.contains_rect(t.rect) && shown.trim_start_matches("▶ ") == name
    })
}

/// The names cut short ("…") in the strip.
fn cut_names(h: &H, texts: &[PaintedText]) -> Vec<String> {
    let strip = ViewRects::of(&h.ctx)
        .panel(Fixed::StripPanel)
        .expect("the strip's panel");
    texts
        .iter()
        .filter(|t| strip.contains_rect(t.rect) && t.text.contains('…'))
        .map(|t| t.text.clone())
        .collect()
}

/// Why the selected card's and its neighbours' names are not whole on screen, for each
/// selected stage in turn (empty when they are).
fn unreadable_names(h: &mut H, cards: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let screen = h.ctx.content_rect();
    for stage in 0..h.state().explorer.stage_count() {
        apply(h, Command::SelectStage(stage));
        let texts = painted_texts(h);
        // The input card is called "Input" in each language; the rest by their layers.
        for near in stage.saturating_sub(1).max(1)..=(stage + 1).min(cards.len()) {
            let name = &cards[near - 1];
            match card_name(h, &texts, name) {
                None => problems.push(format!("at stage {stage}: {name} not painted whole")),
                Some(t) if !screen.contains_rect(t.drawn) || t.drawn != t.rect => {
                    problems.push(format!("at stage {stage}: {name} cut at {:?}", t.rect))
                }
                Some(_) => {}
            }
        }
        problems.extend(cut_names(h, &texts));
    }
    problems
}

#[test]
fn every_card_name_of_a_deep_network_is_whole_on_screen_in_both_languages_at_both_sizes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("deep.json");
    let cards = deep_model(&path);
    for lang in [Lang::En, Lang::Zh] {
        for size in [LAPTOP, PROJECTOR] {
            let mut h = open(&path, lang, size);
            assert_eq!(h.state().model_name(), "deep");
            let problems = unreadable_names(&mut h, &cards);
            assert!(problems.is_empty(), "{lang:?} {size:?}: {problems:#?}");
        }
    }
}

/// A click of the pointer at `pos`.
fn click(h: &mut H, pos: egui::Pos2) {
    h.event(egui::Event::PointerMoved(pos));
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
        h.step();
    }
    h.run();
}

#[test]
fn the_overview_shows_the_whole_network_and_goes_where_it_is_clicked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("deep.json");
    deep_model(&path);
    for (lang, label) in [(Lang::En, "Whole network"), (Lang::Zh, "整个网络")] {
        let mut h = open(&path, lang, LAPTOP);
        let last = h.state().explorer.stage_count() - 1;
        let bar = h.get_by_label(label).rect();
        assert!(
            bar.width() > 0.9 * h.ctx.content_rect().width(),
            "the overview spans the window: {bar:?}"
        );
        click(&mut h, egui::pos2(bar.right() - 2.0, bar.center().y));
        assert_eq!(
            h.state().explorer.stage,
            last,
            "{lang:?}: its right end is the output"
        );
        let texts = painted_texts(&h);
        let softmax = card_name(&h, &texts, "softmax").expect("the output's card is in view");
        assert!(h.ctx.content_rect().contains_rect(softmax.drawn));
    }
}

#[test]
fn opening_a_block_leaves_every_other_card_name_whole() {
    let model = repo("tests/fixtures/onnx/mobile-se-ts.onnx");
    let cards = [
        ("/0/Conv", "0"),
        ("/2/Clip", "2"),
        ("/3/body/body.0/Conv", "body.0"),
        ("/3/body/body.6/fc1/Conv", "body.6/fc1"),
        ("/3/body/body.7/Conv", "body.7"),
        ("/4/Add", "4"),
        ("/7/Gemm", "7"),
    ];
    for lang in [Lang::En, Lang::Zh] {
        for size in [LAPTOP, PROJECTOR] {
            let mut h = open(&model, lang, size);
            apply(&mut h, Command::ToggleBlock(0));
            let screen = h.ctx.content_rect();
            for (layer, name) in cards {
                let stage = h.state().explorer.stage_named(layer).expect(layer);
                apply(&mut h, Command::SelectStage(stage));
                let texts = painted_texts(&h);
                let t = card_name(&h, &texts, name)
                    .unwrap_or_else(|| panic!("{lang:?} {size:?}: {name} whole"));
                assert!(
                    screen.contains_rect(t.drawn) && t.drawn == t.rect,
                    "{lang:?} {size:?}: {name} cut at {:?}",
                    t.rect
                );
                assert_eq!(
                    cut_names(&h, &texts),
                    Vec::<String>::new(),
                    "{lang:?} {size:?}"
                );
            }
        }
    }
}
