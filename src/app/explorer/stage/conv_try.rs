//! A convolution stage's "Try: padding / stride" row, and the maps its own weights make with
//! them, beside the output-size formula with this input's numbers: the formula's answer and
//! the maps' real size side by side. The setting and the maps are
//! [`crate::app::explorer::conv_try::ConvTryState`].

use crate::analysis::conv_try::{ConvTry, MAX_TRY, size_formula};
use crate::app::i18n::fill;
use crate::app::shell::panels::Panels;
use crate::app::widgets::maps::{GridOut, allocate_maps_grid, fit_view, full_uv, record_grid};
use crate::app::widgets::textures::TexKey;
use crate::engine::{Conv2d, Shape};
use crate::lesson::ViewId;
use crate::viz::{Scale, plane_image};
use egui::{Color32, Rect, Vec2};
use ndarray::Axis;

/// The row that sets the try: padding and stride fields (the layer's own until changed) and
/// the way back to them.
pub(super) fn try_row_ui(ui: &mut egui::Ui, p: &mut Panels, conv: &Conv2d) {
    let s = p.s;
    let own = ConvTry::of(conv);
    let mut t = p.view.conv_try.setting.unwrap_or(own);
    ui.horizontal(|ui| {
        ui.label(s.conv_try).on_hover_text(s.conv_try_tip);
        let name = ui.label(s.conv_try_padding);
        ui.add(egui::DragValue::new(&mut t.padding).range(0..=MAX_TRY))
            .labelled_by(name.id);
        let name = ui.label(s.conv_try_stride);
        ui.add(egui::DragValue::new(&mut t.stride).range(1..=MAX_TRY))
            .labelled_by(name.id);
        let tried = p.view.conv_try.setting.is_some();
        if ui
            .add_enabled(tried, egui::Button::new(s.conv_try_reset))
            .clicked()
        {
            t = own;
        }
    });
    p.view.conv_try.setting = (t != own).then_some(t);
}

/// The maps stage `stage` (`conv`) makes with the try, under the formula, in `room`; recorded
/// as `view`. `false` when nothing is tried (the stage's own maps are drawn instead).
pub(super) fn tried_maps_ui(
    ui: &mut egui::Ui,
    p: &mut Panels,
    stage: usize,
    conv: &Conv2d,
    view: &ViewId,
    room: Vec2,
) -> bool {
    let Some(t) = p.view.conv_try.setting else {
        return false;
    };
    let rows =
        p.ex.input_stages(stage)
            .first()
            .and_then(|&s| p.ex.trace.get(s))
            .map(|input| match input.shape() {
                Shape::Maps { height, .. } => height,
                Shape::Vector(n) => n,
            })
            .unwrap_or(0);
    let kernel = conv.weight.dim().2;
    let Some((_, maps)) = p.view.conv_try.maps(p.ex, stage) else {
        ui.label(fill(p.s.conv_try_none, &[&t.padding, &t.stride]));
        return true;
    };
    let (c, h, w) = maps.dim();
    let shape = Shape::Maps {
        channels: c,
        height: h,
        width: w,
    };
    let formula = size_formula(rows, kernel, t).unwrap_or_default();
    ui.strong(fill(p.s.conv_try_result, &[&formula, &shape]));
    let room = room - Vec2::new(0.0, crate::app::widgets::maps::line_height(ui));
    let (cols, cell) = fit_view(ui, p, view, room, c, (h, w), 6.0);
    let (layout, rect, _) = allocate_maps_grid(ui, c, cols, (h, w), cell);
    // One colour scale over every tried map, as the stage's own maps share one.
    let scale = Scale::fit(maps.iter());
    let stamp = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (p.ex.generation, stage, t).hash(&mut h);
        h.finish()
    };
    let mut tiles = Vec::with_capacity(c);
    for (ch, map) in maps.axis_iter(Axis(0)).enumerate() {
        let (ox, oy) = layout.tile_origin(ch);
        let tile = Rect::from_min_size(
            rect.min + Vec2::new(ox, oy),
            Vec2::new(layout.tile.0, layout.tile.1),
        );
        let tex = p
            .tex
            .get_stamped(ui.ctx(), TexKey::TriedMap { channel: ch }, stamp, || {
                plane_image(map, &scale)
            });
        ui.painter()
            .image(tex.id(), tile, full_uv(), Color32::WHITE);
        tiles.push(tile);
    }
    let grid = GridOut {
        tiles,
        hovered: None,
        map_hw: (h, w),
        cell,
    };
    record_grid(ui, view.clone(), &grid);
    true
}
