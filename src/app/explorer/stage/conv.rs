//! A convolution stage: its kernels, its output maps, and the receptive field of a hovered cell
//! on the input.

use super::common::{hover_value_ui, parameter_share, scale_row_ui};
use super::conv_try::{tried_maps_ui, try_row_ui};
use crate::analysis::receptive_fields;
use crate::app::i18n::{fill, grouped};
use crate::app::shell::panels::Panels;
use crate::app::widgets::maps::{
    GAP, as_maps, fit_view, full_uv, legend_ui, line_height, maps_grid_ui, outline_ui, record_grid,
    stage_view,
};
use crate::app::widgets::textures::TexKey;
use crate::app::widgets::view_rects::{Sizes, record};
use crate::engine::Conv2d;
use crate::lesson::StagePart;
use crate::viz::raster::pixels_image;
use crate::viz::{Scale, plane_image};
use egui::{Color32, Rect, Vec2};

/// At most this many input channels of each kernel are drawn.
const MAX_KERNEL_INPUTS: usize = 16;

pub(crate) fn conv_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize, conv: &Conv2d) {
    let s = p.s;
    let w = conv.window();
    ui.label(s.conv_tip);
    ui.label(fill(
        s.conv_summary,
        &[
            &grouped(conv.in_channels()),
            &grouped(conv.out_channels()),
            &w.kernel.0,
            &w.kernel.1,
            &w.stride.0,
            &w.padding.0,
        ],
    ));
    ui.label(parameter_share(p, conv.parameter_count()));
    try_row_ui(ui, p, conv);
    let maps_view = stage_view(p, stage, StagePart::Maps);
    let kernels_view = stage_view(p, stage, StagePart::Kernels);
    // While a lesson names the maps or the kernels, the receptive field gives them its room,
    // and the kernels too when only the maps are named (the arithmetic panel shows a kernel).
    let lesson = p.view.lesson_layout;
    let focus = lesson && (p.view.named(&maps_view) || p.view.named(&kernels_view));
    let kernels = !lesson || !p.view.named(&maps_view) || p.view.named(&kernels_view);
    let mut hovered = None;
    ui.horizontal_top(|ui| {
        if kernels {
            ui.vertical(|ui| {
                ui.strong(s.kernels).on_hover_text(s.kernels_tip);
                kernels_ui(ui, p, stage, conv);
            });
            ui.separator();
        }
        ui.vertical(|ui| {
            ui.strong(s.output_maps).on_hover_text(s.output_maps_tip);
            // Tried with another padding and stride: those maps, not the layer's own.
            let beside = if focus { 0.0 } else { 220.0 };
            let room = ui.available_size() - Vec2::new(beside, 0.0);
            if tried_maps_ui(ui, p, stage, conv, &maps_view, room) {
                return;
            }
            scale_row_ui(ui, p, stage);
            let (c, mh, mw) =
                p.ex.trace
                    .get(stage)
                    .map_or((1, 1, 1), |t| as_maps(t).dim());
            // The hover readout's line stays below the maps, inside the window, and the
            // receptive field beside them.
            let room = ui.available_size() - Vec2::new(beside, line_height(ui));
            let (cols, cell) = fit_view(ui, p, &maps_view, room, c, (mh, mw), 6.0);
            let out = maps_grid_ui(ui, p, stage, cell, cols);
            record_grid(ui, maps_view.clone(), &out);
            // The hovered cell is the arithmetic panel's; without a pointer, its selected one.
            if out.hovered.is_some() && !p.view.arith.animating {
                p.view.arith.cell = out.hovered;
            }
            let shown = out.hovered.or_else(|| {
                p.view
                    .arith
                    .shown_in(p.ex.trace.get(stage)?)
                    .filter(|_| p.view.arith.show)
            });
            if let Some((ch, y, x)) = shown {
                if let Some(r) =
                    out.cells_rect(ch, (x as i64, y as i64, x as i64 + 1, y as i64 + 1))
                {
                    outline_ui(ui, r, Color32::WHITE);
                }
                hovered = Some((ch, y, x));
            }
            hover_value_ui(ui, p, stage, hovered);
        });
        if focus {
            return;
        }
        ui.separator();
        ui.vertical(|ui| {
            ui.strong(s.receptive_field);
            receptive_ui(ui, p, stage, hovered.map(|(_, y, x)| (y, x)));
        });
    });
}

fn kernels_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize, conv: &Conv2d) {
    let (o, i, kh, kw) = conv.weight.dim();
    if i == 1 && p.view.focus(&stage_view(p, stage, StagePart::Kernels)) {
        return named_kernels_ui(ui, p, stage, conv);
    }
    let shown_inputs = i.min(MAX_KERNEL_INPUTS);
    let scale = Scale::symmetric(conv.weight.iter());
    legend_ui(ui, &scale);
    // Hand-made filters carry their names in the model file (in the shown language).
    let names = kernel_names(p, stage);
    // As large as 110 points of width allow, and short enough that every kernel (and its
    // name) fits the height left: a row is at least one line of text high.
    let line = line_height(ui);
    let name_line = if names.is_empty() { 0.0 } else { line };
    let per_row =
        (ui.available_height() - line) / o.max(1) as f32 - name_line - ui.spacing().item_spacing.y;
    let cell = (110.0 / (shown_inputs * kw).max(1) as f32)
        .min(per_row / kh.max(1) as f32)
        .clamp(1.0, 14.0)
        .floor();
    let tile = Vec2::new(kw as f32 * cell, kh as f32 * cell);
    // When a row is lower than a line of text, the rows go without their numbers (a long
    // column of kernels still fits the window).
    let numbered = tile.y + 1.0 >= line - ui.spacing().item_spacing.y || !names.is_empty();
    for out in 0..o {
        ui.horizontal(|ui| {
            ui.spacing_mut().item_spacing.x = GAP / 2.0;
            if numbered {
                ui.add_sized(
                    [22.0, tile.y],
                    egui::Label::new(egui::RichText::new(out.to_string()).small()),
                );
            }
            for inp in 0..shown_inputs {
                let tex = p.tex.get(ui.ctx(), TexKey::Kernel { stage, out, inp }, || {
                    let k = conv.weight.slice(ndarray::s![out, inp, .., ..]);
                    plane_image(k, &scale)
                });
                let (rect, _) = ui.allocate_exact_size(tile, egui::Sense::hover());
                ui.painter()
                    .image(tex.id(), rect, full_uv(), Color32::WHITE);
                let view = stage_view(p, stage, StagePart::Kernels);
                record(ui, view, rect, Sizes::maps(cell, tile.x.min(tile.y)));
            }
        });
        if let Some(name) = names.get(out) {
            ui.horizontal(|ui| {
                ui.add_space(22.0 + GAP / 2.0);
                ui.label(egui::RichText::new(name).small());
            });
        }
    }
}

/// The kernels of a convolution that reads one channel, as a lesson step that names them
/// draws them: a grid of tiles at least a readable map's size, each with its name (or number)
/// under it in the body text's size.
fn named_kernels_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize, conv: &Conv2d) {
    let (o, _, kh, kw) = conv.weight.dim();
    let scale = Scale::symmetric(conv.weight.iter());
    legend_ui(ui, &scale);
    let names = kernel_names(p, stage);
    let cell = crate::app::widgets::maps::min_cell(ui, (kh, kw));
    let tile = Vec2::new(kw as f32 * cell, kh as f32 * cell);
    let label = |out: usize| names.get(out).cloned().unwrap_or_else(|| out.to_string());
    let font = egui::TextStyle::Body.resolve(ui.style());
    let widest = (0..o)
        .map(|out| {
            ui.fonts_mut(|f| f.layout_no_wrap(label(out), font.clone(), Color32::WHITE))
                .size()
                .x
        })
        .fold(tile.x, f32::max);
    let column = widest + 2.0 * GAP;
    // Four to a row at most; two when the maps are named too, so they keep the width.
    let most = if p.view.focus(&stage_view(p, stage, StagePart::Maps)) {
        2
    } else {
        4
    };
    let cols = ((ui.available_width() / column).floor() as usize).clamp(1, most.min(o.max(1)));
    let view = stage_view(p, stage, StagePart::Kernels);
    egui::Grid::new(("named_kernels", stage))
        .spacing(Vec2::new(GAP, GAP))
        .show(ui, |ui| {
            for out in 0..o {
                ui.vertical(|ui| {
                    ui.set_width(column - GAP);
                    let tex = p
                        .tex
                        .get(ui.ctx(), TexKey::Kernel { stage, out, inp: 0 }, || {
                            let k = conv.weight.slice(ndarray::s![out, 0, .., ..]);
                            plane_image(k, &scale)
                        });
                    let (rect, _) = ui.allocate_exact_size(tile, egui::Sense::hover());
                    ui.painter()
                        .image(tex.id(), rect, full_uv(), Color32::WHITE);
                    record(
                        ui,
                        view.clone(),
                        rect,
                        Sizes::maps(cell, tile.x.min(tile.y)),
                    );
                    ui.label(label(out));
                });
                if (out + 1) % cols == 0 {
                    ui.end_row();
                }
            }
        });
}

/// The names of a convolution stage's kernels, one per output channel, or none.
pub(crate) fn kernel_names(p: &Panels, stage: usize) -> Vec<String> {
    p.ex.stage_layer(stage)
        .and_then(|l| p.ex.net.info.kernel_names.get(&l.name))
        .cloned()
        .unwrap_or_default()
}

/// The network's view of the input with the hovered cell's receptive field outlined.
fn receptive_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize, cell: Option<(usize, usize)>) {
    let ex = p.ex;
    // A spectrogram in the colours the audio panel draws it in; a picture as the network sees it.
    let tex = if ex.model.info.audio.is_some() {
        p.tex.get(ui.ctx(), TexKey::Spectrogram, || {
            crate::viz::waveform::spectrogram_image(&ex.pixels)
        })
    } else {
        p.tex
            .get(ui.ctx(), TexKey::NetworkView, || pixels_image(&ex.pixels))
    };
    let [w, h] = tex.size();
    let k = (200.0 / w.max(h).max(1) as f32).floor().max(1.0);
    let (rect, _) =
        ui.allocate_exact_size(Vec2::new(w as f32 * k, h as f32 * k), egui::Sense::hover());
    ui.painter()
        .image(tex.id(), rect, full_uv(), Color32::WHITE);
    let Some((y, x)) = cell else {
        return;
    };
    let fields = receptive_fields(&ex.net);
    let Some(r) = stage.checked_sub(1).and_then(|l| fields.get(l)) else {
        return;
    };
    let (x0, y0, x1, y1) = r.input_rect(x, y);
    let clip = |v: i64, hi: usize| v.clamp(0, hi as i64) as f32 * k;
    let field = Rect::from_min_max(
        rect.min + Vec2::new(clip(x0, w), clip(y0, h)),
        rect.min + Vec2::new(clip(x1, w), clip(y1, h)),
    );
    outline_ui(ui, field, Color32::from_rgb(255, 80, 80));
    ui.small(fill(p.s.field_size, &[&r.size.1, &r.size.0]));
}
