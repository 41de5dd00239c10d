//! Issue 26: a speech model's input read as speech. The explorer's big spectrogram has a time
//! axis in seconds below it and each labelled band's frequency in Hz on its left; the input
//! panel's small waveform and spectrogram label their time ticks without running them
//! together; the buttons open a recording, not a picture. In English and Chinese, at 1280x800
//! and 1920x1080 in presentation mode, measured from the galleys egui painted.

use crate::support::{
    H, LAPTOP, PROJECTOR, PaintedText, app, apply, painted_texts, repo, wait_for_jobs,
};
use convscope::app::{Command, Lang, ViewRects};
use convscope::lesson::{StagePart, ViewId};
use egui::Vec2;
use egui_kittest::kittest::Queryable;

fn open(lang: Lang, size: Vec2) -> H {
    let mut h = app()
        .size(size)
        .lang(lang)
        .model(repo("sample_models/speech-avg.json"))
        .models_in(&[repo("sample_models")])
        .no_dialogs()
        .build();
    wait_for_jobs(&mut h);
    apply(&mut h, Command::TogglePresentation);
    apply(
        &mut h,
        Command::OpenImage(repo("assets/samples/speech_3_jackson_1.wav")),
    );
    wait_for_jobs(&mut h);
    apply(&mut h, Command::SelectStage(0));
    h.event(egui::Event::PointerGone);
    h.run();
    h
}

/// The texts that are a number (`0.25`, `1,070`), with the number.
fn numbers(texts: &[PaintedText]) -> Vec<(f64, &PaintedText)> {
    texts
        .iter()
        .filter_map(|t| Some((t.text.trim().replace(',', "").parse::<f64>().ok()?, t)))
        .collect()
}

/// Pairs of texts on one row (the labels of one axis) closer than `gap` points to each other,
/// overlapping ones included.
fn overlapping(texts: &[&PaintedText], gap: f32) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, a) in texts.iter().enumerate() {
        for b in &texts[i + 1..] {
            let same_row = (a.rect.center().y - b.rect.center().y).abs() < 2.0;
            if same_row
                && a.rect
                    .expand(gap / 2.0)
                    .intersects(b.rect.expand(gap / 2.0))
            {
                out.push((a.text.clone(), b.text.clone()));
            }
        }
    }
    out
}

#[test]
fn the_big_spectrogram_has_a_time_axis_in_seconds_and_a_frequency_axis_in_hz() {
    for (lang, time, frequency) in [
        (Lang::En, "time (s)", "frequency (Hz)"),
        (Lang::Zh, "时间（秒）", "频率（Hz）"),
    ] {
        for size in [LAPTOP, PROJECTOR] {
            let h = open(lang, size);
            let at = format!("{lang:?} {size:?}");
            let tile = ViewRects::of(&h.ctx)
                .get(&ViewId::stage("input", StagePart::Maps))
                .expect("the input's maps")
                .rect;
            let texts = painted_texts(&h);
            let mut below: Vec<(f64, &PaintedText)> = numbers(&texts)
                .into_iter()
                .filter(|(_, t)| {
                    t.rect.top() >= tile.bottom() && t.rect.top() < tile.bottom() + 30.0
                })
                .collect();
            assert!(below.len() >= 4, "{at}: time ticks under it: {below:?}");
            below.sort_by(|a, b| a.1.rect.left().total_cmp(&b.1.rect.left()));
            // Seconds from 0, left to right, evenly spaced in time and on screen.
            assert_eq!(below[0].0, 0.0, "{at}");
            let per_second = (below[1].1.rect.center().x - below[0].1.rect.center().x)
                / (below[1].0 - below[0].0) as f32;
            for (t, text) in &below {
                let x = below[0].1.rect.center().x + *t as f32 * per_second;
                assert!((text.rect.center().x - x).abs() < 1.5, "{at}: {t} s at {x}");
            }
            let ticks: Vec<&PaintedText> = below.iter().map(|(_, t)| *t).collect();
            assert_eq!(
                overlapping(&ticks, 6.0),
                Vec::<(String, String)>::new(),
                "{at}"
            );
            // The output's 32 bands: Hz left of it, higher up the higher.
            let mut left: Vec<(f64, &PaintedText)> = numbers(&texts)
                .into_iter()
                .filter(|(_, t)| {
                    t.rect.right() <= tile.left()
                        && t.rect.right() > tile.left() - 20.0
                        && t.rect.center().y > tile.top()
                        && t.rect.center().y < tile.bottom()
                })
                .collect();
            assert!(left.len() >= 5, "{at}: Hz labels: {left:?}");
            left.sort_by(|a, b| a.1.rect.top().total_cmp(&b.1.rect.top()));
            for pair in left.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                assert!(
                    a.0 > b.0 && a.1.rect.bottom() <= b.1.rect.top(),
                    "{at}: {} above {}",
                    a.1.text,
                    b.1.text
                );
            }
            for title in [time, frequency] {
                assert!(texts.iter().any(|t| t.text == title), "{at}: {title}");
            }
            assert!(h.query_by_label_contains("Open image").is_none(), "{at}");
        }
    }
}

#[test]
fn the_small_plots_time_ticks_stand_apart() {
    for lang in [Lang::En, Lang::Zh] {
        for size in [LAPTOP, PROJECTOR] {
            let h = open(lang, size);
            let at = format!("{lang:?} {size:?}");
            let panel = ViewRects::of(&h.ctx)
                .get(&ViewId::Input)
                .expect("the input panel")
                .rect;
            let texts = painted_texts(&h);
            let ticks: Vec<&PaintedText> = numbers(&texts)
                .into_iter()
                .map(|(_, t)| t)
                .filter(|t| panel.contains_rect(t.rect))
                .collect();
            assert!(ticks.len() >= 8, "{at}: {ticks:?}");
            assert_eq!(
                overlapping(&ticks, 6.0),
                Vec::<(String, String)>::new(),
                "{at}"
            );
        }
    }
}
