//! The input panel's noise control: none, Gaussian or salt-and-pepper, a level and a seed.
//! The noise goes on what the network reads (the pixels before normalisation, or a recording
//! before its spectrogram), through `analysis::robustness`, the code `convscope robustness`
//! and `convscope inspect --noise` use. Every part is always drawn, switched off while there
//! is no noise, so turning it on moves nothing.

use crate::analysis::robustness::Noise;
use crate::app::explorer::controls::InputNoise;
use crate::app::i18n::fill;
use crate::app::shell::commands::Command;
use crate::app::shell::panels::Panels;
use crate::app::widgets::steady::widest;

pub(crate) fn noise_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    let ex = p.ex;
    let mut n = ex.noise;
    let kind_name = |k: Option<crate::analysis::robustness::NoiseKind>| {
        let i = InputNoise::KINDS.iter().position(|&x| x == k).unwrap_or(0);
        s.noise_kinds[i]
    };
    let on = n.kind.is_some();
    let command = Noise {
        kind: n
            .kind
            .unwrap_or(crate::analysis::robustness::NoiseKind::Gaussian),
        level: n.level,
    };
    let seed_tip = fill(s.noise_seed_tip, &[&command, &n.seed]);
    let place = if ex.input.audio.is_some() {
        s.noise_on_waveform
    } else {
        s.noise_on_pixels
    };
    let tip = format!("{}\n\n{place}", s.noise_tip);
    // One list in the "Open image…" row: the kinds, and under them the level, the seed and
    // what the clean input was read as. The panel gains no height, so the canvas below stays
    // on screen (and nothing moves when noise is switched on).
    let clean_answer = ex.clean_prediction().map(|(i, prob)| {
        let sim = ex.noise_similarity_of(0).unwrap_or(1.0);
        fill(
            s.noise_clean,
            &[
                &ex.net.label(i),
                &format!("{:.1}", 100.0 * prob),
                &format!("{:.1}", 100.0 * sim),
            ],
        )
    });
    let label = ui.label(s.noise).on_hover_text(&tip);
    let spacing = ui.spacing();
    let width = widest(ui, s.noise_kinds) + spacing.icon_width + spacing.icon_spacing;
    let hover = match &clean_answer {
        Some(answer) if on => format!("{tip}\n\n{answer}"),
        _ => tip.clone(),
    };
    egui::ComboBox::from_id_salt("input-noise")
        .width(width)
        .selected_text(kind_name(n.kind))
        .show_ui(ui, |ui| {
            for k in InputNoise::KINDS {
                ui.selectable_value(&mut n.kind, k, kind_name(k));
            }
            ui.separator();
            let on = n.kind.is_some();
            ui.add_enabled(
                on,
                egui::Slider::new(&mut n.level, 0.0..=1.0)
                    .step_by(0.01)
                    .fixed_decimals(2)
                    .text(s.noise_level),
            )
            .on_hover_text(s.noise_level_tip);
            ui.horizontal(|ui| {
                let label = ui.label(s.noise_seed);
                ui.add_enabled(on, egui::DragValue::new(&mut n.seed).range(0..=99_999))
                    .labelled_by(label.id)
                    .on_hover_text(&seed_tip);
            });
            ui.small(place);
            if let Some(answer) = clean_answer.as_ref().filter(|_| on) {
                ui.small(answer.as_str());
            }
        })
        .response
        .labelled_by(label.id)
        .on_hover_text(hover);
    if n != ex.noise {
        p.commands.push(Command::SetNoise(n));
    }
}
