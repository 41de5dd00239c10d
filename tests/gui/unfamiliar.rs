//! An input unlike what the model was trained on is said to be, and turned into a lesson: a
//! softmax's confidence is not certainty. A cat photo on digits-max gets the caution (in the
//! status bar, and the whole explanation at the softmax stage); a bundled digit, a digit drawn
//! on the canvas, and the shapes samples on the shapes models do not.

use crate::support::{H, LAPTOP, PROJECTOR, app, apply, painted_texts, status_bar, stroke};
use convscope::app::{Command, ConvscopeApp, Lang};
use egui::Vec2;
use egui_kittest::kittest::Queryable;
use std::time::{Duration, Instant};

/// The app on sample model `name`, in `lang`, at `size`.
fn open(name: &str, lang: Lang, size: Vec2, presentation: bool) -> H {
    let spec = app().size(size).lang(lang).sample(name);
    spec.no_dialogs().presenting(presentation).build()
}

/// Draws frames until `done` holds or `limit` passes; whether it held.
fn within(h: &mut H, limit: Duration, done: impl Fn(&H) -> bool) -> bool {
    let start = Instant::now();
    while !done(h) {
        if start.elapsed() > limit {
            return false;
        }
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    h.run();
    true
}

fn shown(h: &H) -> String {
    painted_texts(h)
        .into_iter()
        .map(|t| t.text)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_cat_on_the_digit_model_is_read_with_a_caution() {
    for (lang, size, presentation) in [(Lang::En, LAPTOP, false), (Lang::Zh, PROJECTOR, true)] {
        let mut h = open("digits-max", lang, size, presentation);
        apply(&mut h, Command::LoadSample("photo_cat"));
        let s = lang.strings();
        let cautioned = within(&mut h, Duration::from_secs(60), |h| {
            status_bar(h).contains(s.unlike_short)
        });
        assert!(
            cautioned,
            "{lang:?}: the cat is read with no word of caution: {}",
            status_bar(&h)
        );
        // The softmax stage says why, and what a softmax's confidence means.
        apply(&mut h, Command::LastStage);
        let text = shown(&h);
        let unlike = h.state().familiar.verdict().expect("a verdict").clone();
        let ex = &h.state().explorer;
        let lesson = unlike.lesson_for(s, ex).expect("a prediction");
        let (class, p) = ex.prediction().expect("a prediction");
        assert!(
            lesson.contains(&format!("{:.1}", p * 100.0)) && lesson.contains(&ex.net.label(class))
        );
        assert!(text.contains(&lesson), "{lang:?}: {text}");
        assert!(unlike.cautions());
        assert!(unlike.colour.is_some(), "the cat is in colour: {unlike:?}");
        assert!(
            !unlike.outliers.is_empty(),
            "its numbers are far out: {unlike:?}"
        );
        // Every reason is on screen, in the window.
        for reason in unlike.reasons(s, (28, 28)) {
            assert!(
                text.contains(&reason),
                "{lang:?}: {reason} not shown in\n{text}"
            );
        }
        // Back to a digit: the caution goes.
        apply(&mut h, Command::LoadSample("digit_3"));
        assert!(within(&mut h, Duration::from_secs(10), |h| !status_bar(h)
            .contains('⚠')));
        assert!(!shown(&h).contains(&unlike.heading(s)));
    }
}

/// Draws frames until the model's training pictures are measured and the input compared.
fn compared(h: &mut H) -> &ConvscopeApp {
    let ok = within(h, Duration::from_secs(60), |h| {
        !h.state().familiar.measuring() && h.state().familiar.verdict().is_some()
    });
    assert!(
        ok,
        "the input was never compared with the training pictures"
    );
    h.state()
}

#[test]
fn the_bundled_digits_and_a_drawn_digit_raise_no_alarm_on_any_digit_model() {
    let digit_models = [
        "digits-max",
        "digits-avg",
        "digits-gap",
        "digits-nopool",
        "fc-l2",
        "fc-overfit",
        "fc-dropout",
        "digits-max-shift",
        "digits-avg-shift",
    ];
    for name in digit_models {
        let mut h = open(name, Lang::En, LAPTOP, false);
        for d in 0..10 {
            let sample = [
                "digit_0", "digit_1", "digit_2", "digit_3", "digit_4", "digit_5", "digit_6",
                "digit_7", "digit_8", "digit_9",
            ][d];
            apply(&mut h, Command::LoadSample(sample));
            let app = compared(&mut h);
            let verdict = app.familiar.verdict().expect("compared");
            assert!(!verdict.cautions(), "{name} on {sample}: {verdict:?}");
        }
        // A digit drawn on the canvas (a 7, as the canvas prepares it like MNIST).
        apply(&mut h, Command::ClearCanvas);
        let canvas = h.get_by_label(Lang::En.strings().canvas_label).rect();
        stroke(&mut h, canvas, (0.25, 0.2), (0.75, 0.2));
        stroke(&mut h, canvas, (0.75, 0.2), (0.45, 0.85));
        assert_eq!(h.state().explorer.input.name, "drawing");
        let app = compared(&mut h);
        let verdict = app.familiar.verdict().expect("compared");
        assert!(!verdict.cautions(), "{name} on a drawn 7: {verdict:?}");
        let caution = Lang::En.strings().unlike_short;
        assert!(!status_bar(&h).contains(caution), "{}", status_bar(&h));
    }
}

#[test]
fn the_shapes_samples_raise_no_alarm_on_the_shapes_models() {
    for name in ["shapes-max", "shapes-avg"] {
        let mut h = open(name, Lang::En, LAPTOP, false);
        for sample in [
            "shape_circle",
            "shape_square",
            "shape_triangle",
            "shape_cross",
            "shape_ring",
        ] {
            apply(&mut h, Command::LoadSample(sample));
            let app = compared(&mut h);
            let verdict = app.familiar.verdict().expect("compared");
            assert!(!verdict.cautions(), "{name} on {sample}: {verdict:?}");
        }
    }
}
