//! The class names under the probability bars never run into each other ("squaretriangle" on
//! shapes-max): each name painted where it fits, or the bars numbered with the names listed
//! beside them; in both languages, at 1280x800 and at 1920x1080 in presentation mode.

use crate::support::{LAPTOP, PROJECTOR, app, apply, painted_texts, sample_model};
use convscope::app::{Command, Lang};

#[test]
fn the_class_names_under_the_bars_do_not_collide() {
    for name in ["shapes-max", "shapes-avg"] {
        for (lang, size, presentation) in [
            (Lang::En, LAPTOP, false),
            (Lang::Zh, LAPTOP, false),
            (Lang::En, PROJECTOR, true),
            (Lang::Zh, PROJECTOR, true),
        ] {
            let model = sample_model(name);
            let dirs = [model.parent().expect("folder").to_path_buf()];
            let mut h = app()
                .size(size)
                .lang(lang)
                .model(model)
                .models_in(&dirs)
                .no_dialogs()
                .build();
            if presentation {
                apply(&mut h, Command::TogglePresentation);
            }
            let labels: Vec<String> = {
                let ex = &h.state().explorer;
                (0..ex.probabilities.len())
                    .map(|i| ex.net.label(i))
                    .collect()
            };
            for stage in [
                Command::LastStage,
                Command::SelectStage(h.state().explorer.trace.len() - 2),
            ] {
                apply(&mut h, stage);
                let texts = painted_texts(&h);
                let marks: Vec<_> = texts.iter().filter(|t| labels.contains(&t.text)).collect();
                for (i, a) in marks.iter().enumerate() {
                    for b in &marks[i + 1..] {
                        let overlap = a.rect.shrink(0.5).intersects(b.rect.shrink(0.5));
                        assert!(
                            !overlap,
                            "{name} {lang:?} {size:?}: {:?} at {:?} runs into {:?} at {:?}",
                            a.text, a.rect, b.text, b.rect
                        );
                    }
                }
            }
        }
    }
}
