//! The Train tab's snapshot of the first layer: its kernels and its feature maps of the
//! explorer's input, uploaded once per snapshot and drawn at sizes that leave the learning
//! curves above them their room.

use super::protocol::Snapshot;
use crate::app::i18n::{Strings, fill};
use crate::app::widgets::textures::color_image;
use crate::engine::LayerKind;
use crate::viz::raster::pixels_image;
use crate::viz::waveform::spectrogram_image;
use crate::viz::{Scale, plane_image};
use egui::{TextureHandle, Vec2};
use ndarray::{Axis, s};

/// The size of one kernel's picture and of one feature map, in points.
pub(super) struct Sizes {
    tile: Vec2,
    map: Vec2,
}

/// The textures of the latest snapshot, made once per snapshot.
#[derive(Default)]
pub(super) struct SnapshotTextures {
    /// The snapshot they show.
    pub(super) serial: Option<u64>,
    /// One row per output channel, one column per (shown) input channel.
    kernels: Vec<Vec<TextureHandle>>,
    maps: Vec<TextureHandle>,
    /// The input the maps were computed from (a picture, or a speech model's spectrogram).
    input: Option<TextureHandle>,
}

impl SnapshotTextures {
    /// How large the kernels and maps are drawn at `f` times their natural size: a kernel up
    /// to 14 points a weight and about 40 points in all; the maps up to 96 points, but small
    /// enough that they fit in one row of the panel (at least half a point a cell, unless `f`
    /// shrinks them further).
    pub(super) fn sizes(&self, ui: &egui::Ui, snap: &Snapshot, f: f32) -> Sizes {
        let (kh, kw) = snap.first_conv.map_or((3, 3), |i| {
            match snap.model.layers().get(i).map(|l| &l.kind) {
                Some(LayerKind::Conv2d(c)) => (c.weight.dim().2, c.weight.dim().3),
                _ => (3, 3),
            }
        });
        let cell = (40.0 / kw.max(1) as f32).clamp(3.0, 14.0).floor() * f;
        let map = self.maps.first().map_or(Vec2::ZERO, |first| {
            let [w, h] = first.size();
            let (w, h) = (w.max(1) as f32, h.max(1) as f32);
            let count = (self.maps.len() + usize::from(self.input.is_some())).max(1) as f32;
            let gap = ui.spacing().item_spacing.x;
            // A point short of the width, so that rounding never wraps the last map.
            let fit = (ui.available_width() + gap) / count - gap - 1.0;
            let scale = (96.0 / w).clamp(1.0, 6.0).floor().min(fit / w).max(0.5) * f;
            Vec2::new(w * scale, h * scale)
        });
        Sizes {
            tile: Vec2::new(kw as f32 * cell, kh as f32 * cell),
            map,
        }
    }

    /// The height [`Self::ui`] takes with these sizes at the panel's width.
    pub(super) fn height(&self, ui: &egui::Ui, sizes: &Sizes) -> f32 {
        if self.kernels.is_empty() {
            return 0.0;
        }
        let spacing = ui.spacing().item_spacing;
        let title = 8.0 + ui.text_style_height(&egui::TextStyle::Body) + spacing.y;
        let width = ui.available_width().max(1.0);
        // Rows of `count` items `item` wide after wrapping at the panel's width.
        let rows = |count: usize, item: f32| {
            let per_row = ((width + spacing.x) / (item + spacing.x)).floor().max(1.0);
            (count as f32 / per_row).ceil()
        };
        let per_input = self.kernels[0].len() as f32;
        let column = per_input * sizes.tile.y + (per_input - 1.0).max(0.0) * 2.0;
        let kernels = title + rows(self.kernels.len(), sizes.tile.x) * (column + spacing.y);
        let maps = if self.maps.is_empty() {
            0.0
        } else {
            let count = self.maps.len() + usize::from(self.input.is_some());
            title + rows(count, sizes.map.x) * (sizes.map.y + spacing.y)
        };
        kernels + maps
    }

    pub(super) fn ui(&mut self, ui: &mut egui::Ui, s: &Strings, snap: &Snapshot, sizes: &Sizes) {
        if self.kernels.is_empty() {
            return;
        }
        let step = if snap.step == u64::MAX {
            s.snapshot_final.to_string()
        } else {
            fill(s.snapshot_step, &[&snap.step])
        };
        ui.add_space(8.0);
        ui.strong(fill(s.kernels_title, &[&step]));
        ui.horizontal_wrapped(|ui| {
            for row in &self.kernels {
                ui.vertical(|ui| {
                    ui.spacing_mut().item_spacing.y = 2.0;
                    for tex in row {
                        ui.add(egui::Image::new((tex.id(), sizes.tile)));
                    }
                });
            }
        });
        if self.maps.is_empty() {
            return;
        }
        ui.add_space(8.0);
        ui.strong(s.maps_title);
        ui.horizontal_wrapped(|ui| {
            // The input they come from first (in the place of one more map: the fit counts it).
            if let Some(tex) = &self.input {
                let [w, h] = tex.size();
                let height = sizes.map.y;
                let width = height * w as f32 / h.max(1) as f32;
                ui.add(egui::Image::new((tex.id(), Vec2::new(width, height))))
                    .on_hover_text(s.maps_input_tip);
            }
            for tex in &self.maps {
                ui.add(egui::Image::new((tex.id(), sizes.map)));
            }
        });
    }

    pub(super) fn upload(&mut self, ctx: &egui::Context, snap: &Snapshot) {
        self.kernels.clear();
        self.maps.clear();
        self.input = None;
        let Some(LayerKind::Conv2d(conv)) = snap
            .first_conv
            .and_then(|i| snap.model.layers().get(i))
            .map(|l| &l.kind)
        else {
            return;
        };
        let (o, i, _, _) = conv.weight.dim();
        let scale = Scale::symmetric(conv.weight.iter());
        let options = egui::TextureOptions::NEAREST;
        for out in 0..o {
            let row = (0..i.min(3))
                .map(|inp| {
                    let k = conv.weight.slice(s![out, inp, .., ..]);
                    ctx.load_texture(
                        format!("train-kernel-{out}-{inp}"),
                        color_image(&plane_image(k, &scale)),
                        options,
                    )
                })
                .collect();
            self.kernels.push(row);
        }
        self.input = snap.input.as_ref().map(|pixels| {
            let image = match snap.model.info.audio {
                Some(_) => spectrogram_image(pixels),
                None => pixels_image(pixels),
            };
            ctx.load_texture("train-input", color_image(&image), options)
        });
        if let Some(maps) = snap.first_maps.as_ref().and_then(|t| t.as_maps()) {
            let scale = Scale::fit(maps.iter());
            for (c, plane) in maps.axis_iter(Axis(0)).enumerate() {
                self.maps.push(ctx.load_texture(
                    format!("train-map-{c}"),
                    color_image(&plane_image(plane, &scale)),
                    options,
                ));
            }
        }
    }
}
