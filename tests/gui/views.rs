//! The explorer's views on the committed fixtures (tests/fixtures/gui/sample_models), driven
//! headlessly with egui_kittest: every glyph the app can show exists in its fonts, labels sit
//! before their controls, hidden dense layers are not called classes, and the training
//! history fits its data.

use crate::support::{DESKTOP, H, LAPTOP, app, apply, fixture_models, painted_texts, sample_model};
use convscope::app::{Command, Lang, Settings};
use egui_kittest::kittest::{NodeT, Queryable};
use std::path::{Path, PathBuf};

fn harness_with(settings: Settings) -> H {
    app().size(DESKTOP).settings(settings).build()
}

/// Every `.rs` file under `dir`, in its folders too.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The contents of every string literal in a Rust source file (comments skipped; escapes
/// such as `\n` or `\u{..}` are not decoded, which only adds ASCII to check).
fn string_literals(source: &str) -> Vec<String> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            }
            // A char literal ('x', '\n', '"'); a lifetime ('a) has no closing quote after one char.
            '\'' if chars.get(i + 1) == Some(&'\\') => {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            }
            '\'' if chars.get(i + 2) == Some(&'\'') => {
                out.push(chars[i + 1].to_string());
                i += 3;
            }
            '"' => {
                let mut s = String::new();
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        s.push(chars[i]);
                        i += 1;
                    }
                    if let Some(&c) = chars.get(i) {
                        s.push(c);
                    }
                    i += 1;
                }
                out.push(s);
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

#[test]
fn string_literals_skips_comments_and_char_quotes() {
    let src = "// \"not this\"\nlet a = \"one ⏹\"; let q = '\"'; fn f<'a>(x: &'a str) {}\n/* \"nor\" */ \"two\\\"s\"";
    assert_eq!(string_literals(src), vec!["one ⏹", "\"", "two\\\"s"]);
}

/// Every character of every string literal in the app's source and of its Fluent files
/// (src/app and assets/i18n: every language
/// with every toggled label such as Play/Stop and Run sweep/Stop, and the labels written in
/// code) has a glyph in the fonts the app installs, in both font families.
#[test]
fn every_label_in_both_languages_has_a_glyph_in_the_installed_fonts() {
    let h = harness_with(Settings::default());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app");
    let mut missing = Vec::new();
    let mut checked = 0;
    for path in rust_files(&dir) {
        let source = std::fs::read_to_string(&path).expect("read source");
        let mut literals = string_literals(&source);
        if path.ends_with("i18n/messages.rs") {
            // The words themselves live in the Fluent files, one per language.
            let ftl = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/i18n");
            for entry in std::fs::read_dir(&ftl).expect("assets/i18n") {
                let text = std::fs::read_to_string(entry.expect("entry").path()).expect("ftl");
                literals.extend(
                    text.lines()
                        .filter(|l| !l.starts_with('#'))
                        .map(|l| l.split_once(" =").map_or(l, |(_, v)| v).to_string()),
                );
            }
        }
        for literal in literals {
            for c in literal.chars().filter(|c| !c.is_control()) {
                checked += 1;
                for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
                    let font = egui::FontId::new(14.0, family.clone());
                    if !h.ctx.fonts_mut(|f| f.has_glyph(&font, c)) {
                        missing.push(format!(
                            "{c:?} (U+{:04X}) in {:?} of {}",
                            c as u32,
                            literal,
                            path.file_name().unwrap_or_default().to_string_lossy()
                        ));
                    }
                }
            }
        }
    }
    assert!(checked > 5000, "only {checked} characters found");
    assert!(missing.is_empty(), "no glyph for:\n{}", missing.join("\n"));
}

/// The toolbar in both of Play's states and both languages is drawn without a missing glyph
/// (kittest panics on one when it is rendered).
/// Hovering each tab of the toolbar shows that tab's own tooltip (the Explorer tab showed the
/// lab's).
#[test]
fn each_tab_shows_its_own_tooltip() {
    let mut h = app().size(DESKTOP).build();
    let s = Lang::En.strings();
    let tabs = [
        (s.tab_explorer, s.tab_explorer_tip),
        (s.tab_lab, s.tab_lab_tip),
        (s.tab_train, s.tab_train_tip),
    ];
    for (label, tip) in tabs {
        h.get_by_label(label).hover();
        let mut shown = Vec::new();
        for _ in 0..20 {
            h.step();
            shown = painted_texts(&h).into_iter().map(|t| t.text).collect();
            if shown.iter().any(|t| tabs.iter().any(|(_, tip)| t == tip)) {
                break;
            }
        }
        for (_, other) in tabs {
            assert_eq!(
                shown.iter().any(|t| t == other),
                other == tip,
                "hovering {label}: {other:?} in {shown:?}"
            );
        }
    }
}

#[test]
fn play_and_stop_render_in_both_languages() {
    for lang in Lang::ALL {
        let mut h = harness_with(Settings::default());
        apply(&mut h, Command::SetLanguage(lang));
        let s = lang.strings();
        h.get_by_label(s.play);
        apply(&mut h, Command::TogglePlay);
        h.get_by_label(s.stop);
        assert!(!s.stop.contains('⏹'));
    }
}

/// The rectangle of the drop-down named `text` and of the plain label with that text on the
/// same row.
fn label_and_control(h: &H, text: &str) -> (egui::Rect, egui::Rect) {
    let control = h
        .get_all_by_role(egui::accesskit::Role::ComboBox)
        .find(|n| n.accesskit_node().label().as_deref() == Some(text))
        .unwrap_or_else(|| panic!("no drop-down named {text:?}"))
        .rect();
    // A plain label carries its text as its value.
    let label = h
        .get_all_by_role(egui::accesskit::Role::Label)
        .map(|n| (n.value(), n.rect()))
        .find(|(v, r)| v.as_deref() == Some(text) && r.y_range().contains(control.center().y))
        .map_or(egui::Rect::NOTHING, |(_, r)| r);
    (label, control)
}

#[test]
fn labels_come_before_their_drop_downs() {
    let mut h = harness_with(Settings::default());
    let (label, control) = label_and_control(&h, "Window");
    assert!(
        label.right() <= control.left() && label.center().y > control.top(),
        "Window label {label:?} is not before its box {control:?}"
    );
    h.key_press(egui::Key::T);
    h.run();
    let (label, control) = label_and_control(&h, "Stage");
    assert!(label.right() <= control.left(), "{label:?} {control:?}");
}

/// The fixture models copied into `dir` with a made-up training record each (test data for
/// the plots, not a claim about the models): tiny-max ends at 100% train / 90% test accuracy,
/// the shape of an over-fitting run.
fn fixtures_with_histories(dir: &Path) {
    for (name, train, test, loss) in [
        ("tiny-max", [0.95, 1.0], [0.88, 0.90], [0.4, 0.05]),
        ("tiny-avg", [0.9, 0.97], [0.86, 0.91], [0.6, 0.1]),
    ] {
        let src = fixture_models().join(format!("{name}.json"));
        let mut json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&src).expect("fixture")).expect("json");
        json["training"] = serde_json::json!({"history": [
            {"epoch": 1, "train_accuracy": train[0], "test_accuracy": test[0], "train_loss": loss[0]},
            {"epoch": 2, "train_accuracy": train[1], "test_accuracy": test[1], "train_loss": loss[1]},
        ]});
        std::fs::write(dir.join(format!("{name}.json")), json.to_string()).expect("write");
        let weights = format!("{name}.safetensors");
        std::fs::copy(fixture_models().join(&weights), dir.join(&weights)).expect("copy");
    }
}

/// The y range a plot showed in the last frame.
fn plot_y_range(h: &H, id: &str) -> Option<(f64, f64)> {
    let memory = egui_plot::PlotMemory::load(&h.ctx, egui::Id::unique(id))?;
    let b = memory.bounds();
    Some((b.min()[1], b.max()[1]))
}

#[test]
fn the_training_history_zooms_to_its_data_plots_loss_and_says_which_lines_are_dashed() {
    let dir = tempfile::tempdir().expect("temp dir");
    fixtures_with_histories(dir.path());
    let mut h = app()
        .size(DESKTOP)
        .models_in(&[dir.path().to_path_buf()])
        .build();
    let fc = h.state().explorer.stage_named("fc").expect("fc");
    apply(&mut h, Command::SelectStage(fc));
    // A dense stage with little height left shows the history as a closed header: open it.
    if h.query_by_label("train loss").is_none() {
        h.get_by_label("Training history").scroll_to_me();
        h.run();
        h.get_by_label("Training history").click();
        h.run();
    }
    // Accuracies of 0.88..1.0 fill the plot instead of the top eighth of a 0..1 axis.
    let (lo, hi) = plot_y_range(&h, "training-history-accuracy").expect("accuracy plot");
    assert!((0.8..0.88).contains(&lo), "y from {lo}");
    assert!((1.0..1.05).contains(&hi), "y to {hi}");
    // Loss has its own plot, starting at 0.
    let (lo, hi) = plot_y_range(&h, "training-history-loss").expect("loss plot");
    assert!(lo <= 0.0 && hi >= 0.4, "loss from {lo} to {hi}");
    h.get_by_label("train loss");
    // The whole 0-1 scale is one click away.
    h.get_by_label("0 – 1").scroll_to_me();
    h.run();
    h.get_by_label("0 – 1").click();
    h.run();
    let (lo, hi) = plot_y_range(&h, "training-history-accuracy").expect("accuracy plot");
    assert!(lo <= 0.0 && hi >= 1.0, "0-1 shows {lo}..{hi}");
    // The compared model's lines are named in the legend beside the plot, its loss too.
    let (label, control) = label_and_control(&h, "Compare with");
    assert!(label.right() <= control.left(), "{label:?} {control:?}");
    apply(&mut h, Command::CompareHistory(Some("tiny-avg".into())));
    h.get_by_label("tiny-avg: train accuracy");
    h.get_by_label("tiny-avg: train loss");
}

/// A 100-epoch run labels its epoch axis every ten epochs, not only at 0 and 100: egui_plot's
/// default asks 60 points between x labels, more than ten epochs get (fc-overfit's 60 epochs
/// showed only "0"). (On the
/// softmax stage, where the plots are on screen without scrolling.)
#[test]
fn the_training_history_labels_its_epochs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = fixture_models().join("tiny-max.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&src).expect("fixture")).expect("json");
    let rows: Vec<_> = (1..=100)
        .map(|e| {
            let t = f64::from(e) / 100.0;
            serde_json::json!({"epoch": e, "train_accuracy": 0.8 + 0.2 * t,
                "test_accuracy": 0.8 + 0.1 * t, "train_loss": 1.0 - 0.9 * t})
        })
        .collect();
    json["training"] = serde_json::json!({ "history": rows });
    std::fs::write(dir.path().join("tiny-max.json"), json.to_string()).expect("write");
    std::fs::copy(
        fixture_models().join("tiny-max.safetensors"),
        dir.path().join("tiny-max.safetensors"),
    )
    .expect("copy");
    let settings = Settings {
        last_model: Some(dir.path().join("tiny-max.json")),
        ..Settings::default()
    };
    let mut h = app()
        .size(DESKTOP)
        .settings(settings)
        .models_in(&[dir.path().to_path_buf()])
        .build();
    let softmax = h.state().explorer.stage_named("softmax").expect("softmax");
    apply(&mut h, Command::SelectStage(softmax));
    if h.query_by_label("train loss").is_none() {
        h.get_by_label("Training history").scroll_to_me();
        h.run();
        h.get_by_label("Training history").click();
        h.run();
    }
    h.get_by_label("train loss");
    let mut epochs: Vec<u32> = super::support::painted_texts(&h)
        .iter()
        .filter_map(|t| t.text.trim().parse::<u32>().ok())
        // Above 10: the strip's cards and the class bars paint small numbers of their own.
        .filter(|&e| (11..=99).contains(&e))
        .collect();
    epochs.sort_unstable();
    epochs.dedup();
    assert!(epochs.len() >= 2, "epoch labels painted: {epochs:?}");
}

/// The app on the tiny-dropout fixture (conv, pool, flatten, a hidden dense layer of 32 units,
/// relu, dropout, dense to the 10 classes, softmax; untrained).
fn dropout_harness() -> H {
    let settings = Settings {
        last_model: Some(fixture_models().join("tiny-dropout.json")),
        ..Settings::default()
    };
    let h = harness_with(settings);
    assert_eq!(h.state().model_name(), "tiny-dropout");
    h
}

#[test]
fn a_hidden_dense_layer_shows_units_and_only_the_last_one_shows_classes() {
    let mut h = dropout_harness();
    let fc1 = h.state().explorer.stage_named("fc1").expect("fc1");
    apply(&mut h, Command::SelectStage(fc1));
    assert!(
        h.query_by_label("Weights per class, reshaped to the maps")
            .is_none()
    );
    assert!(h.query_by_label("Logits").is_none());
    h.get_by_label("Hidden units: the layer's 32 outputs");
    h.get_by_label("32 units in a 6 × 6 grid");
    // Its input is the flattened maps, so its most active units' weights are templates.
    h.get_by_label("Weights of the 12 most active units, reshaped to the maps");
    let values = h.state().explorer.trace[fc1]
        .as_vector()
        .expect("vector")
        .to_vec();
    let top = (0..values.len())
        .max_by(|&a, &b| values[a].total_cmp(&values[b]))
        .expect("units");
    h.get_by_label(&format!("unit {top}"));

    let fc2 = h.state().explorer.stage_named("fc2").expect("fc2");
    apply(&mut h, Command::SelectStage(fc2));
    h.get_by_label("Logits");
    h.get_by_label("Probabilities");
    // fc2's input is fc1's units, not maps: no class templates to lay over maps.
    assert!(
        h.query_by_label("Weights per class, reshaped to the maps")
            .is_none()
    );
}

#[test]
fn the_dropout_stage_crosses_out_the_dropped_units() {
    let mut h = dropout_harness();
    let d = h.state().explorer.dropout;
    apply(
        &mut h,
        Command::SetDropout(convscope::app::DropoutSetting { enabled: true, ..d }),
    );
    let stage = h.state().explorer.stage_named("dropout").expect("dropout");
    apply(&mut h, Command::SelectStage(stage));
    let d = h.state().explorer.dropout;
    let mask = convscope::engine::dropout_mask(
        32,
        d.rate,
        convscope::engine::layer_dropout_seed(d.seed, stage - 1),
    );
    let dropped = mask.iter().filter(|k| !**k).count();
    assert!(dropped > 0 && dropped < 32, "{dropped}");
    h.get_by_label(&format!(
        "32 units in a 6 × 6 grid, {dropped} crossed out (dropped)"
    ));
    // The dropped units are zero in the stage's output, the kept ones scaled up.
    let out = h.state().explorer.trace[stage]
        .as_vector()
        .expect("vector")
        .to_vec();
    for (v, kept) in out.iter().zip(&mask) {
        if !kept {
            assert_eq!(*v, 0.0);
        }
    }
}

/// The rows of every text painted in the last frame that contains `text`.
fn painted_rows(h: &H, text: &str) -> Vec<Vec<String>> {
    fn walk(shape: &egui::Shape, text: &str, out: &mut Vec<Vec<String>>) {
        match shape {
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| walk(s, text, out)),
            egui::Shape::Text(t) if t.galley.text().contains(text) => {
                out.push(t.galley.rows.iter().map(|r| r.row.text()).collect());
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for clipped in &h.output().shapes {
        walk(&clipped.shape, text, &mut out);
    }
    out
}

/// Chinese may break between any two characters, but a short label in a narrow card breaks
/// at its space: in presentation mode on a laptop, fc-overfit's fc1 card shows `100,608` over
/// `个参数`, never `100,608 个参` over `数`.
#[test]
fn a_narrow_card_breaks_a_chinese_count_between_words_not_inside_one() {
    let mut h = app()
        .size(LAPTOP)
        .lang(Lang::Zh)
        .model(sample_model("fc-overfit"))
        .no_dialogs()
        .build();
    apply(&mut h, Command::TogglePresentation);
    h.run();
    let counts = painted_rows(&h, "个参数");
    assert!(
        counts.iter().any(|rows| rows.len() > 1),
        "some card is narrow enough to wrap its count: {counts:?}"
    );
    for rows in &counts {
        for row in rows {
            let word = row.contains("个参数");
            assert!(
                word || !row.contains(['个', '参', '数']),
                "a row breaks inside 个参数: {rows:?}"
            );
        }
    }
}
