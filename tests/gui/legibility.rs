//! Legible from the back row, and nothing below the fold: every sample model's every stage,
//! the lab (with a sweep) and the training history, in every language, laid out at 1280x800
//! and 1920x1080. Measured from what egui laid out for the frame: the font size of every
//! galley it painted (in screen pixels), and the rectangles of the widgets it placed.

use super::support::{
    H, LAPTOP, PROJECTOR, PaintedText as Text, SAMPLE_MODELS, app, apply, painted_texts as texts,
    pointer_away, wait_for_jobs,
};
use convscope::app::{Command, Lang, Tab};
use egui::{Pos2, Rect, Vec2};
use egui_kittest::kittest::{NodeT, Queryable};

/// The app on sample model `name`, in `lang`, in a window of `size` screen pixels.
fn open(name: &str, lang: Lang, size: Vec2, presentation: bool) -> H {
    let spec = app().size(size).lang(lang).sample(name);
    let mut h = spec.no_dialogs().presenting(presentation).build();
    pointer_away(&mut h);
    h
}

/// Every widget egui placed whose rectangle reaches past the window (by more than a pixel).
fn outside(h: &H) -> Vec<(String, Rect)> {
    let screen = h.ctx.content_rect().expand(1.0);
    h.query_all(egui_kittest::kittest::by())
        .filter_map(|node| {
            node.accesskit_node().bounding_box()?;
            let rect = node.rect();
            (rect.is_positive() && !screen.contains_rect(rect)).then(|| {
                let label = node
                    .accesskit_node()
                    .label()
                    .or_else(|| node.accesskit_node().value())
                    .unwrap_or_default();
                (format!("{:?} {label}", node.accesskit_node().role()), rect)
            })
        })
        .collect()
}

/// What one view showed: where it was, its smallest text, what reached past the window.
struct Seen {
    place: String,
    smallest: Option<Text>,
    below: Vec<Text>,
    outside: Vec<(String, Rect)>,
}

fn look(h: &H, place: String, min_px: f32) -> Seen {
    let all = texts(h);
    let smallest = all.iter().min_by(|a, b| a.px.total_cmp(&b.px)).cloned();
    let below = all.into_iter().filter(|t| t.px + 0.01 < min_px).collect();
    Seen {
        place,
        smallest,
        below,
        outside: outside(h),
    }
}

/// Every view of model `name`: each stage of the explorer, then every tab after it with a
/// sweep run (in every pooling mode) where there is one.
fn every_view(name: &str, lang: Lang, size: Vec2, presentation: bool, min_px: f32) -> Vec<Seen> {
    let mut h = open(name, lang, size, presentation);
    let mut seen = Vec::new();
    let stages = h.state().explorer.stage_count();
    for tab in Tab::ALL {
        apply(&mut h, Command::ShowTab(tab));
        for stage in 0..stages {
            apply(&mut h, Command::SelectStage(stage));
            if tab != Tab::Explorer && stage == 0 {
                apply(&mut h, Command::RunSweep);
                wait_for_jobs(&mut h);
            }
            let place = format!("{name} {lang:?} {size:?} {tab:?} stage {stage}");
            seen.push(look(&h, place, min_px));
        }
    }
    seen
}

fn report(seen: &[Seen]) {
    for s in seen {
        let small = s
            .smallest
            .as_ref()
            .map(|t| format!("{:.1}px {:?}", t.px, t.text))
            .unwrap_or_default();
        println!(
            "{}: smallest {small}; {} below; {} outside {:?}",
            s.place,
            s.below.len(),
            s.outside.len(),
            s.outside.iter().take(4).collect::<Vec<_>>()
        );
    }
}

/// Presentation mode on every view of model `name`, in both languages, on a 1280x800 laptop
/// (every text at least 14 px) and a 1920x1080 projector (at least 18 px); and every stage of
/// the explorer fits the window, nothing below the fold or off the side.
fn legible_and_in_view(name: &str) {
    let mut failures = Vec::new();
    for lang in Lang::ALL {
        for (size, min_px) in [(LAPTOP, 14.0), (PROJECTOR, 18.0)] {
            let seen = every_view(name, lang, size, true, min_px);
            report(&seen);
            for s in &seen {
                for t in &s.below {
                    failures.push(format!("{}: {:.1} px {:?}", s.place, t.px, t.text));
                }
                if s.place.contains("Explorer") {
                    for (what, rect) in &s.outside {
                        failures.push(format!("{}: {what} at {rect:?} is off screen", s.place));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every stage of the explorer at 1280x800 without presentation mode: nothing off screen.
fn in_view_on_a_laptop(name: &str) {
    let seen = every_view(name, Lang::En, LAPTOP, false, 0.0);
    report(&seen);
    let failures: Vec<String> = seen
        .iter()
        .filter(|s| s.place.contains("Explorer"))
        .flat_map(|s| {
            s.outside
                .iter()
                .map(move |(what, rect)| format!("{}: {what} at {rect:?}", s.place))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The widgets issue 11 found below the fold at 1280x800, each checked by its rectangle.
#[test]
fn what_was_below_the_fold_at_1280x800_is_in_view() {
    let window = Rect::from_min_size(Pos2::ZERO, LAPTOP);
    let inside = |h: &H, what: &str, rect: Rect| {
        assert!(
            window.expand(1.0).contains_rect(rect),
            "{what} at {rect:?} is outside the 1280x800 window ({})",
            h.state().model_name()
        );
    };
    // The conv hover value: hover the first output map of digits-max's conv1.
    let mut h = open("digits-max", Lang::En, LAPTOP, false);
    apply(&mut h, Command::SelectStage(1));
    let maps = h.get_by_label("Output maps").rect();
    h.hover_at(Pos2::new(maps.left() + 20.0, maps.bottom() + 45.0));
    h.run();
    let value = h.get_by_label_contains("channel 0, row").rect();
    inside(&h, "the conv hover value", value);
    // The probability chart of the output layer (fc2 of fc-overfit), its x axis included.
    let mut h = open("fc-overfit", Lang::En, LAPTOP, false);
    apply(&mut h, Command::LastStage);
    apply(&mut h, Command::PrevStage);
    assert!(
        h.state()
            .explorer
            .stage_layer(h.state().explorer.stage)
            .is_some_and(|l| l.name == "fc2")
    );
    let heading = h.get_by_label("Probabilities").rect();
    inside(&h, "the probabilities heading", heading);
    // Each class label is painted twice when the chart's x axis is on screen: once in the
    // logits table, once under its bar (text off screen is not counted).
    let shown = texts(&h);
    for class in 0..10 {
        let label = class.to_string();
        let count = shown.iter().filter(|t| t.text == label).count();
        assert!(
            count >= 2,
            "class {label} is not on the chart's x axis on screen"
        );
    }
    // Every card of shapes-max's strip, the output's included.
    let h = open("shapes-max", Lang::En, LAPTOP, false);
    for name in ["Input", "flatten", "fc", "softmax"] {
        let card = h
            .query_all_by_label(name)
            .next()
            .unwrap_or_else(|| panic!("no card {name}"))
            .rect();
        inside(&h, name, card);
    }
    // The edges model's input stage.
    let h = open("edges", Lang::En, LAPTOP, false);
    for node in h.query_all(egui_kittest::kittest::by()) {
        if node.accesskit_node().bounding_box().is_none() {
            continue;
        }
        let rect = node.rect();
        if rect.is_positive() {
            inside(&h, "a widget of the edges input", rect);
        }
    }
}

macro_rules! per_model {
    ($($test:ident $laptop:ident = $name:literal;)*) => {
        const COVERED: &[&str] = &[$($name),*];
        $(
        #[test]
        fn $test() {
            legible_and_in_view($name);
        }
        #[test]
        fn $laptop() {
            in_view_on_a_laptop($name);
        }
    )*};
}

// One pair of tests per sample model, so that they run side by side.
per_model! {
    digits_avg_shift_is_legible digits_avg_shift_fits_a_laptop = "digits-avg-shift";
    digits_avg_is_legible digits_avg_fits_a_laptop = "digits-avg";
    digits_gap_is_legible digits_gap_fits_a_laptop = "digits-gap";
    digits_max_shift_is_legible digits_max_shift_fits_a_laptop = "digits-max-shift";
    digits_max_is_legible digits_max_fits_a_laptop = "digits-max";
    digits_nopool_is_legible digits_nopool_fits_a_laptop = "digits-nopool";
    digits_stride_is_legible digits_stride_fits_a_laptop = "digits-stride";
    edges_is_legible edges_fits_a_laptop = "edges";
    fc_8k_is_legible fc_8k_fits_a_laptop = "fc-8k";
    fc_dropout_is_legible fc_dropout_fits_a_laptop = "fc-dropout";
    fc_l2_is_legible fc_l2_fits_a_laptop = "fc-l2";
    fc_overfit_is_legible fc_overfit_fits_a_laptop = "fc-overfit";
    shapes_avg_is_legible shapes_avg_fits_a_laptop = "shapes-avg";
    shapes_max_is_legible shapes_max_fits_a_laptop = "shapes-max";
    speech_avg_is_legible speech_avg_fits_a_laptop = "speech-avg";
    speech_max_is_legible speech_max_fits_a_laptop = "speech-max";
}

#[test]
fn every_sample_model_is_checked() {
    assert_eq!(
        COVERED, SAMPLE_MODELS,
        "a new sample model needs its line in per_model!"
    );
}
