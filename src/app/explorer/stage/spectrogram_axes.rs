//! Axes around a speech model's input spectrogram in the stage view: time in seconds below it,
//! each labelled mel band's frequency in Hz on its left, ticks spaced so that no two labels
//! touch.

use crate::app::i18n::Strings;
use crate::app::widgets::plot_axis::time_step;
use crate::engine::AudioSpec;
use crate::io::audio_input::row_hz;
use crate::viz::number::grouped_round;
use egui::{Align2, Pos2, Rect, Stroke, Vec2};

/// Tick length and the gap between a tick and its label, in points.
const TICK: f32 = 4.0;
const GAP: f32 = 3.0;

/// How the spectrogram's `bands` rows and `frames` columns map to Hz and seconds.
pub(crate) struct SpectrogramAxes<'a> {
    pub spec: &'a AudioSpec,
    pub bands: usize,
    pub frames: usize,
}

impl SpectrogramAxes<'_> {
    fn hop_seconds(&self) -> f64 {
        self.spec.hop as f64 / self.spec.sample_rate.max(1) as f64
    }

    /// Each row's label, top row first.
    fn hz_labels(&self) -> Vec<String> {
        (0..self.bands)
            .map(|row| grouped_round(row_hz(self.spec, self.bands, row)))
            .collect()
    }

    /// The room the axes take beside the spectrogram: left of it and below it.
    pub(crate) fn room(&self, ui: &egui::Ui) -> Vec2 {
        let widest = self
            .hz_labels()
            .iter()
            .map(|l| text_size(ui, l).x)
            .fold(0.0, f32::max);
        let line = ui.text_style_height(&egui::TextStyle::Small);
        Vec2::new(
            line + GAP + widest + GAP + TICK,
            TICK + GAP + 2.0 * line + GAP,
        )
    }

    /// Draws the axes around `tile`, where the spectrogram was drawn.
    pub(crate) fn ui(&self, ui: &egui::Ui, s: &Strings, tile: Rect) {
        let painter = ui.painter();
        let color = ui.visuals().text_color();
        let font = egui::TextStyle::Small.resolve(ui.style());
        let stroke = Stroke::new(1.0, color);
        let line = ui.text_style_height(&egui::TextStyle::Small);
        // Time: frame t is centred on t * hop, its column half a hop either side.
        let hop = self.hop_seconds();
        let span = self.frames as f64 * hop;
        let x_at = |t: f64| tile.left() + ((t + hop / 2.0) / span) as f32 * tile.width();
        let widest = text_size(ui, &format!("{:.2}", span)).x;
        let step = time_step(span, tile.width(), widest);
        let decimals = if step >= 1.0 {
            0
        } else if step >= 0.1 && (step * 10.0).fract() == 0.0 {
            1
        } else {
            2
        };
        let last = (self.frames as f64 - 0.5) * hop;
        let ticks = (last / step + 1e-6).floor() as usize;
        for k in 0..=ticks {
            let t = k as f64 * step;
            let x = x_at(t);
            let tick = [
                Pos2::new(x, tile.bottom()),
                Pos2::new(x, tile.bottom() + TICK),
            ];
            painter.line_segment(tick, stroke);
            painter.text(
                Pos2::new(x, tile.bottom() + TICK + GAP),
                Align2::CENTER_TOP,
                format!("{t:.decimals$}"),
                font.clone(),
                color,
            );
        }
        painter.text(
            Pos2::new(tile.center().x, tile.bottom() + TICK + GAP + line),
            Align2::CENTER_TOP,
            s.spectrogram_time,
            font.clone(),
            color,
        );
        // Frequency: each labelled row at its centre, spaced a line and a half apart at least.
        let row_h = tile.height() / self.bands.max(1) as f32;
        let every = ((1.5 * line) / row_h).ceil().max(1.0) as usize;
        let labels = self.hz_labels();
        for row in (0..self.bands).rev().step_by(every) {
            let y = tile.top() + (row as f32 + 0.5) * row_h;
            let tick = [Pos2::new(tile.left() - TICK, y), Pos2::new(tile.left(), y)];
            painter.line_segment(tick, stroke);
            if let Some(label) = labels.get(row) {
                painter.text(
                    Pos2::new(tile.left() - TICK - GAP, y),
                    Align2::RIGHT_CENTER,
                    label,
                    font.clone(),
                    color,
                );
            }
        }
        let title = painter.layout_no_wrap(s.spectrogram_frequency.to_string(), font, color);
        let at = Pos2::new(
            tile.left() - self.room(ui).x,
            tile.center().y + title.size().x / 2.0,
        );
        painter.add(
            egui::epaint::TextShape::new(at, title, color).with_angle(-std::f32::consts::FRAC_PI_2),
        );
    }
}

fn text_size(ui: &egui::Ui, text: &str) -> Vec2 {
    let font = egui::TextStyle::Small.resolve(ui.style());
    ui.painter()
        .layout_no_wrap(text.to_owned(), font, egui::Color32::WHITE)
        .size()
}
