//! Every model answers, in the language shown (issue 11, items 1, 12, 15, 16), driven through
//! the real app headlessly with egui_kittest. The untrained fixtures (tests/fixtures/gui) and
//! the committed sample models (text and weights); never a file dialog.

use crate::support::{H, app, apply, fixture_models, repo, shows, wait_for_jobs};
use convscope::app::i18n::{EN, ZH};
use convscope::app::{Command, Lang};
use egui_kittest::kittest::Queryable;
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    fixture_models()
}

fn samples() -> PathBuf {
    repo("sample_models")
}

/// The app on `model` from `models` (where it also finds the sample models), in `language`.
fn harness(models: PathBuf, model: &str, language: Lang) -> H {
    app()
        .lang(language)
        .model(models.join(format!("{model}.json")))
        .models_in(&[models])
        .build()
}

/// Item 1: a GAP network (no dense layer) answers in the status bar and the softmax view.
#[test]
fn a_network_without_a_dense_layer_still_predicts() {
    let mut h = harness(fixtures(), "tiny-gap", Lang::En);
    assert_eq!(h.state().model_name(), "tiny-gap");
    let (class, p) = h.state().explorer.prediction().expect("a prediction");
    assert!(p > 0.0 && p <= 1.0);
    let label = h.state().explorer.net.label(class);
    assert!(shows(&h, "Prediction: "), "the status bar predicts");
    assert!(shows(&h, &format!("Prediction: {label} (")));
    apply(&mut h, Command::LastStage);
    assert!(!shows(&h, EN.no_prediction));
    assert!(!shows(&h, EN.no_classifier));
}

/// Item 1: edges has no classifier, and says so in both languages (not "was cut").
#[test]
fn a_network_without_a_classifier_says_so() {
    for (lang, s) in [(Lang::En, &EN), (Lang::Zh, &ZH)] {
        let h = harness(samples(), "edges", lang);
        assert_eq!(h.state().model_name(), "edges");
        assert_eq!(h.state().explorer.prediction(), None);
        assert!(shows(&h, s.no_classifier), "{lang:?}");
        assert!(!shows(&h, s.no_prediction), "{lang:?}: not cut");
    }
}

/// Item 16: opening edges over a digit picks a photo, and its kernels carry their names.
#[test]
fn the_edges_model_gets_a_photo_and_named_kernels() {
    let mut h = harness(samples(), "digits-max", Lang::En);
    assert_eq!(h.state().explorer.input.name, "digit_7");
    apply(&mut h, Command::OpenModel(samples().join("edges.json")));
    wait_for_jobs(&mut h);
    assert_eq!(h.state().model_name(), "edges");
    assert_eq!(h.state().explorer.input.name, "photo_camera_gray");
    let conv = h.state().explorer.stage_named("conv1").expect("conv1");
    apply(&mut h, Command::SelectStage(conv));
    for name in ["Sobel x", "Sobel y", "Laplacian", "blur", "diagonal /"] {
        assert!(h.query_by_label(name).is_some(), "{name}");
    }
    h.get_by_label("简体中文").click();
    h.run();
    for name in ["拉普拉斯", "模糊", "水平线"] {
        assert!(h.query_by_label(name).is_some(), "{name}");
    }
}

/// Item 15: class names, pooling modes, layer types and model descriptions in Chinese.
#[test]
fn chinese_shows_no_english_model_text() {
    let mut h = harness(samples(), "shapes-max", Lang::Zh);
    assert_eq!(h.state().explorer.input.name, "digit_7");
    apply(&mut h, Command::LoadSample("shape_ring"));
    let (class, _) = h.state().explorer.prediction().expect("a prediction");
    let zh_label = h.state().explorer.net.label(class);
    let en_label = h.state().explorer.model.label(class);
    assert!(
        ["圆形", "正方形", "三角形", "十字", "圆环"].contains(&zh_label.as_str()),
        "{zh_label}"
    );
    assert!(shows(&h, &format!("预测：{zh_label}（")), "{zh_label}");
    assert!(!shows(&h, &format!("预测：{en_label}")), "{en_label}");
    // Pooling mode on the toolbar, layer types on the cards.
    assert!(shows(&h, "池化：最大"));
    assert!(!shows(&h, "池化：max"));
    assert!(
        h.get_all_by_label("卷积").count() >= 4,
        "conv1_1 .. conv2_2"
    );
    assert!(h.query_by_label("conv2d").is_none());
    // The Model menu lists every description in Chinese.
    h.get_by_label_contains("：shapes-max").click();
    h.run();
    assert!(shows(
        &h,
        "Tiny VGG（CNN Explainer 中的网络）识别 64x64 彩色形状"
    ));
    assert!(shows(&h, "手工设计的 3x3 卷积核"));
    assert!(!shows(&h, "LeNet-style"), "no English description left");
    // Back in English the same class is named in English.
    h.key_press(egui::Key::Escape);
    h.run();
    h.get_by_label("English").click();
    h.run();
    assert!(shows(&h, &format!("Prediction: {en_label} (")));
    assert!(shows(&h, "Pooling: max"));
}

/// Item 12: a stroke in a corner of the canvas reaches the network centred like an MNIST
/// digit, the step is named under the picture, and the checkbox turns it off.
#[test]
fn a_drawing_is_centred_like_mnist_and_the_step_can_be_switched_off() {
    let mut h = harness(fixtures(), "tiny-max", Lang::En);
    let rect = h.get_by_label("Drawing canvas").rect();
    let at = |fx: f32, fy: f32| rect.min + egui::vec2(rect.width() * fx, rect.height() * fy);
    // A short vertical stroke near the top-left corner.
    h.drag_at(at(0.15, 0.1));
    h.run();
    h.hover_at(at(0.15, 0.3));
    h.run();
    h.drop_at(at(0.15, 0.3));
    h.run();
    let centre_row_sum = |h: &H| {
        let px = &h.state().explorer.pixels;
        (0..28).map(|x| px[[0, 14, x]]).sum::<f32>()
    };
    assert_eq!(h.state().explorer.input.name, "drawing");
    assert!(centre_row_sum(&h) > 0.5, "centred: ink on the middle row");
    assert!(
        h.state().explorer.pixels[[0, 2, 4]] < 0.01,
        "not in the corner"
    );
    h.get_by_label(EN.network_sees_centred);
    // The longer caption does not push the canvas down under the pen.
    assert_eq!(h.get_by_label("Drawing canvas").rect(), rect);
    h.get_by_label(EN.mnist_style).click();
    h.run();
    assert!(!h.state().canvas.mnist_style);
    assert!(
        centre_row_sum(&h) < 0.01,
        "off: the stroke stays in its corner"
    );
    assert!(h.state().explorer.pixels[[0, 4, 4]] > 0.3);
    assert!(h.query_by_label(EN.network_sees_centred).is_none());
    h.get_by_label(EN.network_sees);
}
