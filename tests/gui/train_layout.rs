//! The Train tab during a run, on a laptop and a projector, with and without presentation
//! mode, in English and Chinese: the status line (epoch, images/s, time left), the legend of
//! two runs, both plots with their axis labels, every first-layer kernel and every feature map
//! are painted inside the window and inside what the scroll areas show, so that nothing needs
//! scrolling. Measured from the shapes egui painted in the last frame (text and textures, with
//! their clip rectangles), the tallest case: the Tiny VGG's 3 x 10 kernels and ten 62x62 maps.

use super::support::{H, LAPTOP, PROJECTOR, app, apply_and_step, sample_model, step_until};
use convscope::app::i18n::Strings;
use convscope::app::{ArchChoice, Command, DataChoice, Lang, Tab, TrainSettings};
use egui::epaint::{ClippedShape, Shape};
use egui::{Rect, TextureId, Vec2};
use std::time::Duration;

/// How long a run may take to get where a test waits for it.
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// What the last frame painted: each text with its rectangle, and each textured rectangle
/// (kernels and maps), with the part of the window its clip rectangle lets show.
#[derive(Default)]
struct Painted {
    texts: Vec<(String, Rect, Rect)>,
    images: Vec<(Rect, Rect)>,
}

fn collect(shape: &Shape, clip: Rect, out: &mut Painted) {
    match shape {
        Shape::Vec(shapes) => shapes.iter().for_each(|s| collect(s, clip, out)),
        Shape::Text(t) => {
            out.texts
                .push((t.galley.job.text.clone(), t.visual_bounding_rect(), clip))
        }
        Shape::Mesh(m) if m.texture_id != TextureId::default() => {
            out.images.push((m.calc_bounds(), clip))
        }
        Shape::Rect(r)
            if r.brush
                .as_ref()
                .is_some_and(|b| b.fill_texture_id != TextureId::default()) =>
        {
            out.images.push((r.rect, clip))
        }
        _ => {}
    }
}

fn painted(h: &H) -> Painted {
    let screen = h.ctx.content_rect();
    let mut out = Painted::default();
    for ClippedShape {
        clip_rect, shape, ..
    } in &h.output().shapes
    {
        collect(shape, clip_rect.intersect(screen), &mut out);
    }
    out
}

/// Whether all of `rect` shows through `clip` (to a pixel).
fn shown(rect: Rect, clip: Rect) -> bool {
    clip.expand(1.0).contains_rect(rect)
}

/// Whether `text` is `template` filled in: its parts outside `{ ... }`, in order, are all in it.
fn fills(text: &str, template: &str) -> bool {
    let parts = template.split('{').enumerate().map(|(i, p)| {
        if i == 0 {
            p
        } else {
            p.split_once('}').map_or(p, |(_, after)| after)
        }
    });
    let mut rest = text;
    for part in parts.filter(|p| !p.trim().is_empty()) {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// The Train tab of the Tiny VGG (shapes) in `lang` at `size`, with one stopped run and a
/// second one paused after its first snapshot.
fn during_a_run(lang: Lang, size: Vec2, presentation: bool) -> H {
    let model = sample_model("shapes-max");
    let dirs = [model.parent().expect("folder").to_path_buf()];
    let mut h = app()
        .size(size)
        .lang(lang)
        .model(model.clone())
        .models_in(&dirs)
        .no_dialogs()
        .build();
    if presentation {
        apply_and_step(&mut h, Command::TogglePresentation);
    }
    apply_and_step(&mut h, Command::ShowTab(Tab::Train));
    let run = TrainSettings {
        arch: ArchChoice::Sample {
            name: "shapes-max".into(),
            path: model,
        },
        data: DataChoice::Shapes,
        train_size: 500,
        epochs: 100,
        batch: 8,
        ..TrainSettings::default()
    };
    apply_and_step(&mut h, Command::SetTrainSettings(run.clone()));
    apply_and_step(&mut h, Command::StartTraining);
    step_until(&mut h, RUN_LIMIT, "the first run's batches", |a| {
        a.train
            .current
            .as_ref()
            .is_some_and(|r| r.images_done >= 16)
    });
    apply_and_step(&mut h, Command::StopTraining);
    step_until(&mut h, RUN_LIMIT, "the stop", |a| !a.train.running());
    apply_and_step(
        &mut h,
        Command::SetTrainSettings(TrainSettings { seed: 2, ..run }),
    );
    apply_and_step(&mut h, Command::StartTraining);
    step_until(
        &mut h,
        RUN_LIMIT,
        "the second run's snapshot and batches",
        |a| {
            a.train.snapshot.is_some()
                && a.train
                    .current
                    .as_ref()
                    .is_some_and(|r| r.images_done >= 16)
        },
    );
    apply_and_step(&mut h, Command::PauseTraining);
    h.event(egui::Event::PointerGone);
    for _ in 0..4 {
        h.step();
    }
    h
}

fn everything_in_view(lang: Lang, size: Vec2, presentation: bool) {
    let mut h = during_a_run(lang, size, presentation);
    let s: &Strings = lang.strings();
    let seen = painted(&h);
    let place = format!("{} {size:?} presentation {presentation}", lang.code());
    let text_shown = |what: &str, want: usize, matches: &dyn Fn(&str) -> bool| {
        let found: Vec<_> = seen.texts.iter().filter(|(t, _, _)| matches(t)).collect();
        let visible = found.iter().filter(|(_, r, c)| shown(*r, *c)).count();
        assert!(
            visible >= want,
            "{place}: {what} shown {visible} times of {want}: {:?}; every text painted: {:?}",
            found.iter().map(|(_, r, c)| (r, c)).collect::<Vec<_>>(),
            seen.texts
                .iter()
                .map(|(t, r, _)| (t, r.min.y))
                .collect::<Vec<_>>()
        );
    };
    text_shown("the status line", 1, &|t| fills(t, s.run_progress));
    text_shown("run #1 in the legend", 1, &|t| t.starts_with("#1 "));
    text_shown("run #2 in the legend", 1, &|t| t.starts_with("#2 "));
    text_shown("the accuracy axis", 1, &|t| t == s.accuracy);
    text_shown("the loss axis", 1, &|t| t == s.loss);
    text_shown("both epoch axes", 2, &|t| t == s.epoch);
    text_shown("the kernels' title", 1, &|t| fills(t, s.kernels_title));
    text_shown("the maps' title", 1, &|t| t == s.maps_title);
    // 3 x 10 kernels and 10 maps: every picture right of and below the status line.
    let status = seen
        .texts
        .iter()
        .find(|(t, _, _)| fills(t, s.run_progress))
        .map(|(_, r, _)| r.min)
        .expect("the status line");
    let live: Vec<_> = seen
        .images
        .iter()
        .filter(|(r, _)| r.min.x >= status.x - 1.0 && r.min.y >= status.y - 1.0)
        .collect();
    let visible = live.iter().filter(|(r, c)| shown(*r, *c)).count();
    assert!(
        visible >= 40 && visible == live.len(),
        "{place}: {visible} of {} kernels and maps shown: {live:?}",
        live.len()
    );
    apply_and_step(&mut h, Command::StopTraining);
    step_until(&mut h, RUN_LIMIT, "the stop", |a| !a.train.running());
}

#[test]
fn the_train_tab_is_all_in_view_during_a_run() {
    for lang in [Lang::En, Lang::Zh] {
        for (size, presentation) in [(LAPTOP, true), (LAPTOP, false), (PROJECTOR, true)] {
            everything_in_view(lang, size, presentation);
        }
    }
}
