//! Saying a digit into the microphone: the Record button (and R) beside "Open…" when a speech
//! model is open, the length to record and, while recording, the level meter. The take then
//! becomes the input like an opened WAV file (waveform, spectrogram, every stage).

use super::microphone::LENGTHS;
use crate::app::i18n::fill;
use crate::app::shell::commands::Command;
use crate::app::shell::panels::Panels;

/// The Record (or Stop) button, the length to record and, while recording, the level meter.
/// Drawn beside "Open…" when the open model reads speech.
pub(crate) fn record_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    let mic = p.mic;
    if let Some(r) = &mic.recording {
        if ui
            .button(s.record_stop)
            .on_hover_text(s.record_stop_tip)
            .clicked()
        {
            p.commands.push(Command::StopRecording);
        }
        let level = r.level();
        ui.add(
            egui::ProgressBar::new(level)
                .desired_width(90.0)
                .text(fill(s.record_elapsed, &[&format!("{:.1}", r.elapsed())])),
        )
        .on_hover_text(s.record_level_tip);
        ui.ctx().request_repaint();
        return;
    }
    let tip = match &mic.recorder {
        Some(r) => fill(s.record_tip, &[&r.path.display()]),
        None => s.record_none.to_string(),
    };
    if ui
        .add_enabled(mic.recorder.is_some(), egui::Button::new(s.record))
        .on_hover_text(&tip)
        .on_disabled_hover_text(&tip)
        .clicked()
    {
        p.commands.push(Command::Record);
    }
    egui::ComboBox::from_id_salt("record-length")
        .width(56.0)
        .selected_text(format!("{} s", mic.seconds))
        .show_ui(ui, |ui| {
            for len in LENGTHS {
                if ui
                    .selectable_label(mic.seconds == len, format!("{len} s"))
                    .clicked()
                {
                    p.commands.push(Command::SetRecordLength(len));
                }
            }
        })
        .response
        .on_hover_text(s.record_length_tip);
}
