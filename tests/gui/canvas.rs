//! The drawing canvas in class: nothing moves under the pen (its place and size, measured from
//! what egui laid out, stay put from the first stroke on, whatever the input was before), in
//! both languages at 1280x800 and at 1920x1080 in presentation mode; and an empty canvas asks
//! for a digit instead of reading one.

use crate::support::{H, LAPTOP, PROJECTOR, app, apply, pointer_away, status_bar, stroke};
use convscope::app::{Command, Lang};
use egui::{Rect, Vec2};
use egui_kittest::kittest::Queryable;

/// The app on digits-max at `size`, in `lang`, on sample `input`.
fn open(lang: Lang, size: Vec2, presentation: bool, input: &'static str) -> H {
    let spec = app().size(size).lang(lang).sample("digits-max");
    let mut h = spec.no_dialogs().presenting(presentation).build();
    apply(&mut h, Command::LoadSample(input));
    pointer_away(&mut h);
    h
}

/// Where egui put the canvas this frame.
fn canvas(h: &H, lang: Lang) -> Rect {
    h.get_by_label(lang.strings().canvas_label).rect()
}

fn same_place(a: Rect, b: Rect) -> bool {
    (a.min - b.min).length() < 0.5 && (a.size() - b.size()).length() < 0.5
}

#[test]
fn the_canvas_does_not_move_under_the_pen() {
    for lang in Lang::ALL {
        for (size, presentation) in [(LAPTOP, false), (LAPTOP, true), (PROJECTOR, true)] {
            for input in ["digit_7", "photo_cat", "photo_astronaut"] {
                let mut h = open(lang, size, presentation, input);
                let place = format!("{lang:?} {size:?} presentation {presentation}, {input}");
                let before = canvas(&h, lang);
                stroke(&mut h, before, (0.5, 0.2), (0.5, 0.8));
                assert_eq!(h.state().explorer.input.name, "drawing", "{place}");
                let first = canvas(&h, lang);
                assert!(
                    same_place(before, first),
                    "{place}: the first stroke moved the canvas from {before:?} to {first:?}"
                );
                stroke(&mut h, first, (0.3, 0.3), (0.7, 0.3));
                let second = canvas(&h, lang);
                assert!(
                    same_place(before, second),
                    "{place}: {before:?} -> {second:?}"
                );
                apply(&mut h, Command::ClearCanvas);
                let cleared = canvas(&h, lang);
                assert!(
                    same_place(before, cleared),
                    "{place}: {before:?} -> {cleared:?}"
                );
            }
        }
    }
}

#[test]
fn an_empty_canvas_asks_for_a_digit_instead_of_reading_one() {
    for (lang, asks) in [(Lang::En, "draw a digit"), (Lang::Zh, "写一个数字")] {
        let mut h = open(lang, LAPTOP, false, "digit_7");
        let prediction_word = lang.strings().prediction.split(':').next().unwrap_or("?");
        let prediction_word = prediction_word.split('：').next().unwrap_or("?");
        assert!(
            status_bar(&h).contains(prediction_word),
            "{}",
            status_bar(&h)
        );
        apply(&mut h, Command::ClearCanvas);
        let bar = status_bar(&h);
        assert!(
            !bar.contains(prediction_word),
            "{lang:?}: an empty canvas is read as a digit: {bar}"
        );
        assert!(bar.to_lowercase().contains(asks), "{lang:?}: {bar}");
        // The first stroke reads it again.
        let rect = canvas(&h, lang);
        stroke(&mut h, rect, (0.5, 0.2), (0.5, 0.8));
        assert!(
            status_bar(&h).contains(prediction_word),
            "{}",
            status_bar(&h)
        );
    }
}
