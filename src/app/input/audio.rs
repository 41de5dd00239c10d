//! An audio input in the input panel: the waveform above the spectrogram the network reads,
//! on shared time axes in seconds, the spectrogram's rows labelled in Hz, and a Play button
//! that hands the recording to the system's player (see `player`) when one exists.

use super::player::find_player;
use crate::app::i18n::{Strings, fill, grouped};
use crate::app::shell::commands::Command;
use crate::app::shell::panels::Panels;
use crate::app::widgets::plot_axis::{readable_x_axis, time_marks};
use crate::app::widgets::textures::TexKey;
use crate::io::Audio;
use crate::io::audio_input::row_hz;
use crate::viz::number::grouped_round;
use crate::viz::waveform::{envelope, spectrogram_image};
use egui_plot::{Line, Plot, PlotImage, PlotPoint, PlotPoints};

/// The recording's summary, its Play button, its waveform and spectrogram.
pub(crate) fn audio_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let ex = p.ex;
    // The recording the network hears: with the noise on it, when there is noise.
    let Some(audio) = ex.heard_audio() else {
        return;
    };
    let s = p.s;
    let mixed = if audio.channels > 1 {
        fill(s.audio_mixed, &[&audio.channels])
    } else {
        String::new()
    };
    let summary = fill(
        s.audio_summary,
        &[
            &ex.input.name,
            &format!("{:.2}", audio.seconds()),
            &grouped(audio.sample_rate as usize),
        ],
    );
    ui.label(egui::RichText::new(summary + &mixed).small());
    let player = find_player();
    let tip = match &player {
        Some(p) => fill(s.audio_play_tip, &[&p.display()]),
        None => s.audio_no_player.to_string(),
    };
    if ui
        .add_enabled(player.is_some(), egui::Button::new(s.audio_play))
        .on_hover_text(&tip)
        .on_disabled_hover_text(&tip)
        .clicked()
    {
        p.commands.push(Command::PlayAudio);
    }
    // The input is a recording made here (it has no file): it can be saved.
    if p.mic
        .last_take
        .as_ref()
        .is_some_and(|(name, _)| *name == ex.input.name && ex.input.path.is_none())
        && ui
            .button(s.record_save)
            .on_hover_text(s.record_save_tip)
            .clicked()
    {
        p.commands.push(Command::SaveRecordingDialog);
    }
    let width = ui.available_width();
    // The widest time label either plot's axis writes.
    let font = egui::TextStyle::Body.resolve(ui.style());
    let label = ui
        .painter()
        .layout_no_wrap("0.00".into(), font, egui::Color32::WHITE)
        .size()
        .x;
    let link = egui::Id::unique("audio-time");
    let seconds = waveform_ui(ui, s, audio, (width, label), link);
    spectrogram_ui(ui, p, (width, label), link, seconds);
}

/// The waveform, `width` points wide (its time labels `label` wide), its time axis linked to
/// the spectrogram's by `link`; returns the recording's length in seconds.
fn waveform_ui(
    ui: &mut egui::Ui,
    s: &Strings,
    audio: &Audio,
    (width, label): (f32, f32),
    link: egui::Id,
) -> f64 {
    let rate = audio.sample_rate.max(1) as f64;
    let columns = (width as usize).clamp(16, 1024);
    let env = envelope(&audio.samples, columns);
    let seconds = audio.samples.len() as f64 / rate;
    let at = |i: usize| i as f64 * seconds / columns as f64;
    Plot::new("audio-waveform")
        .height(90.0)
        .width(width)
        .custom_x_axes(vec![readable_x_axis(s.audio_seconds)])
        .y_axis_label(s.audio_amplitude)
        .x_grid_spacer(time_marks(plot_width(width), label))
        .include_y(-1.0)
        .include_y(1.0)
        .link_axis(link, [true, false])
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show(ui, |plot| {
            let hi: Vec<[f64; 2]> = env
                .iter()
                .enumerate()
                .map(|(i, e)| [at(i), e.1 as f64])
                .collect();
            let lo: Vec<[f64; 2]> = env
                .iter()
                .enumerate()
                .map(|(i, e)| [at(i), e.0 as f64])
                .collect();
            plot.line(Line::new("max", PlotPoints::new(hi)).width(1.0));
            plot.line(Line::new("min", PlotPoints::new(lo)).width(1.0));
        });
    seconds
}

/// The width of a plot's chart `width` points wide, less its y axis (about).
fn plot_width(width: f32) -> f32 {
    (width - 50.0).max(1.0)
}

/// The spectrogram the network reads, its rows labelled in Hz, on the waveform's time axis.
fn spectrogram_ui(
    ui: &mut egui::Ui,
    p: &mut Panels,
    (width, label): (f32, f32),
    link: egui::Id,
    seconds: f64,
) {
    let (ex, s) = (p.ex, p.s);
    let Some(spec) = ex.model.info.audio.as_ref() else {
        return;
    };
    let (_, bands, frames) = ex.pixels.dim();
    let tex = p.tex.get(ui.ctx(), TexKey::Spectrogram, || {
        spectrogram_image(&ex.pixels)
    });
    // Frame t is centred on t * hop; the image spans half a hop either side.
    let hop = spec.hop as f64 / spec.sample_rate.max(1) as f64;
    let span = frames as f64 * hop;
    let spec_for_axis = spec.clone();
    Plot::new("audio-spectrogram")
        .height(140.0)
        .width(width)
        .custom_x_axes(vec![readable_x_axis(fill(
            s.audio_reads,
            &[&format!("{span:.2}")],
        ))])
        .x_grid_spacer(time_marks(plot_width(width), label))
        .y_axis_label(s.audio_hz_mel)
        .link_axis(link, [true, false])
        .include_x(0.0)
        .include_x(seconds.max(span))
        .include_y(0.0)
        .include_y(bands as f64)
        .y_axis_formatter(move |mark, _| {
            let row_from_top = bands as f64 - mark.value;
            if !(0.0..=bands as f64).contains(&row_from_top) {
                return String::new();
            }
            let row = (row_from_top.floor() as usize).min(bands.saturating_sub(1));
            grouped_round(row_hz(&spec_for_axis, bands, row))
        })
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show(ui, |plot| {
            plot.image(PlotImage::new(
                "spectrogram",
                tex.id(),
                PlotPoint::new(span / 2.0 - hop / 2.0, bands as f64 / 2.0),
                egui::Vec2::new(span as f32, bands as f32),
            ));
        });
    ui.small(fill(
        s.audio_log_mel,
        &[
            &grouped(bands),
            &grouped_round(spec.f_min as f64),
            &grouped_round(spec.f_max as f64),
            &grouped(spec.frame),
            &grouped(spec.n_fft),
            &grouped(spec.hop),
            &format!("{:.1}", hop * 1000.0),
            &spec.log_offset,
        ],
    ));
}
