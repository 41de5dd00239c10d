//! The input panel's noise control: none, Gaussian or salt-and-pepper, a level and a seed.
//! The noise goes on what the network reads (the pixels before normalisation, or a recording
//! before its spectrogram), through `analysis::robustness`, the code `convscope robustness`
//! and `convscope inspect --noise` use. Every part is always drawn, switched off while there
//! is no noise, so turning it on moves nothing.

use super::i18n::fill;
use super::state::InputNoise;
use super::steady_ui::{reserved_label_ui, widest};
use super::{Command, Panels};
use crate::analysis::robustness::Noise;

pub(crate) fn noise_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    let ex = p.ex;
    let mut n = ex.noise;
    let kind_name = |k: Option<crate::analysis::robustness::NoiseKind>| {
        let i = InputNoise::KINDS.iter().position(|&x| x == k).unwrap_or(0);
        s.noise_kinds[i]
    };
    ui.horizontal(|ui| {
        let label = ui.label(s.noise).on_hover_text(s.noise_tip);
        let spacing = ui.spacing();
        let width = widest(ui, s.noise_kinds) + spacing.icon_width + spacing.icon_spacing;
        egui::ComboBox::from_id_salt("input-noise")
            .width(width)
            .selected_text(kind_name(n.kind))
            .show_ui(ui, |ui| {
                for k in InputNoise::KINDS {
                    ui.selectable_value(&mut n.kind, k, kind_name(k));
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text(s.noise_tip);
    });
    let on = n.kind.is_some();
    ui.horizontal(|ui| {
        ui.add_enabled(
            on,
            egui::Slider::new(&mut n.level, 0.0..=1.0)
                .step_by(0.01)
                .fixed_decimals(2)
                .text(s.noise_level),
        )
        .on_hover_text(s.noise_level_tip)
        .on_disabled_hover_text(s.noise_level_tip);
    });
    let command = Noise {
        kind: n.kind.unwrap_or(crate::analysis::robustness::NoiseKind::Gaussian),
        level: n.level,
    };
    let seed_tip = fill(s.noise_seed_tip, &[&command, &n.seed]);
    ui.horizontal(|ui| {
        let label = ui.label(s.noise_seed);
        ui.add_enabled(on, egui::DragValue::new(&mut n.seed).range(0..=99_999))
            .labelled_by(label.id)
            .on_hover_text(&seed_tip)
            .on_disabled_hover_text(&seed_tip);
    });
    // Where the noise goes, then (with noise on) what it did: in one space kept for the
    // longest of them, so the canvas below never moves.
    let clean_answer = ex.clean_prediction().map(|(i, prob)| {
        let sim = ex.noise_similarity().first().copied().unwrap_or(1.0);
        fill(
            s.noise_clean,
            &[
                &ex.net.label(i),
                &format!("{:.1}", 100.0 * prob),
                &format!("{:.1}", 100.0 * sim),
            ],
        )
    });
    let place = if ex.input.audio.is_some() {
        s.noise_on_waveform
    } else {
        s.noise_on_pixels
    };
    let sample_answer = fill(s.noise_clean, &[&"airplane", &"100.0", &"100.0"]);
    let texts = [s.noise_on_waveform, s.noise_on_pixels].map(|t| format!("{t}\n{sample_answer}"));
    let shown = match (on, clean_answer) {
        (true, Some(answer)) => format!("{place}\n{answer}"),
        _ => place.to_string(),
    };
    reserved_label_ui(ui, &texts, Some(egui::RichText::new(shown).small()));
    if n != ex.noise {
        p.commands.push(Command::SetNoise(n));
    }
}
