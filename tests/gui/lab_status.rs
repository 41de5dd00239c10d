//! What the status bar and the input panel report is what is on screen: after a shift in the
//! lab, the status bar gives the shifted input's prediction and says so, and the input panel
//! shows the shifted picture as what the network sees. Back at no shift, or on another tab, the
//! unshifted input's.

use crate::support::{H, LAPTOP, PROJECTOR, app, apply, painted_texts, status_bar};
use convscope::app::{Command, LabSettings, Lang, Tab};
use convscope::io::Fill;

fn open(lang: Lang, size: egui::Vec2, presentation: bool) -> H {
    let spec = app().size(size).lang(lang).sample("digits-max");
    let mut h = spec.no_dialogs().presenting(presentation).build();
    apply(&mut h, Command::LoadSample("digit_3"));
    h
}

fn shift(h: &mut H, dx: i32, dy: i32) {
    let settings = LabSettings {
        dx,
        dy,
        fill: Fill::Zero,
        ..h.state().lab.settings
    };
    apply(h, Command::SetLab(settings));
}

fn shown(h: &H) -> String {
    painted_texts(h)
        .into_iter()
        .map(|t| t.text)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn after_a_shift_in_the_lab_the_status_bar_reads_the_shifted_input() {
    for (lang, size, presentation) in [(Lang::En, LAPTOP, false), (Lang::Zh, PROJECTOR, true)] {
        let s = lang.strings();
        let mut h = open(lang, size, presentation);
        apply(&mut h, Command::ShowTab(Tab::Lab));
        shift(&mut h, 7, 7);
        let app = h.state();
        let probabilities = &app.lab.shifted_probabilities;
        assert!(!probabilities.is_empty(), "the lab ran the shifted input");
        let (top, p) = probabilities
            .iter()
            .copied()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .expect("classes");
        let label = app.explorer.net.label(top);
        let want = convscope::app::i18n::fill(
            s.prediction_shifted,
            &[&label, &format!("{:.1}", p * 100.0), &7, &7],
        );
        let bar = status_bar(&h);
        assert!(bar.contains(&want), "{lang:?}: wanted {want:?} in {bar:?}");
        // The input panel shows the shifted picture, and says it is shifted.
        let caption = convscope::app::i18n::fill(s.network_sees_shifted, &[&7, &7]);
        assert!(
            shown(&h).contains(&caption),
            "{lang:?}: no {caption:?} in\n{}",
            shown(&h)
        );
        // Back to the Explorer tab: the unshifted input, as before.
        apply(&mut h, Command::ShowTab(Tab::Explorer));
        let (top, p) = h.state().explorer.prediction().expect("a prediction");
        let label = h.state().explorer.net.label(top);
        let plain =
            convscope::app::i18n::fill(s.prediction, &[&label, &format!("{:.1}", p * 100.0)]);
        let bar = status_bar(&h);
        assert!(
            bar.contains(&plain),
            "{lang:?}: wanted {plain:?} in {bar:?}"
        );
        assert!(!shown(&h).contains(&caption));
    }
}
