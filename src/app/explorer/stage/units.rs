//! A vector of units (a hidden dense layer's outputs, a dropout layer's) as a square grid of
//! cells coloured by value, the dropped ones crossed out.

use crate::app::i18n::{fill, grouped};
use crate::app::shell::panels::Panels;
use crate::app::widgets::maps::legend_ui;
use crate::app::widgets::view_rects::{Sizes, record};
use crate::lesson::ViewId;
use crate::viz::Scale;
use egui::{Color32, Rect, Sense, Stroke, Vec2};

/// (rows, columns) of the grid that lays out `n` units row by row: as square as possible,
/// 16 x 16 for 256.
pub(crate) fn unit_grid_shape(n: usize) -> (usize, usize) {
    if n == 0 {
        return (0, 0);
    }
    let cols = (n as f64).sqrt().ceil() as usize;
    (n.div_ceil(cols), cols)
}

/// The values of stage `stage`'s vector as a grid of cells at most `max_cell` points wide;
/// `kept[i] == false` crosses unit i out. The grid is recorded as `view` when given.
/// The grid names itself for screen readers (and tests): "N units in an R x C grid, K crossed
/// out (dropped)".
pub(crate) fn units_grid_ui(
    ui: &mut egui::Ui,
    p: &Panels,
    stage: usize,
    kept: Option<&[bool]>,
    max_cell: f32,
    view: Option<ViewId>,
) -> Option<usize> {
    let values: Vec<f32> = p.ex.trace.get(stage)?.as_vector()?.to_vec();
    let n = values.len();
    let (rows, cols) = unit_grid_shape(n);
    if n == 0 {
        return None;
    }
    let scale = Scale::fit(values.iter());
    legend_ui(ui, &scale);
    // Within the width (up to 480 points) and the height left: the last row stays in view.
    let by_height = (ui.available_height() - ui.spacing().item_spacing.y) / rows as f32;
    let cell = (ui.available_width().min(480.0) / cols as f32)
        .min(by_height)
        .clamp(4.0, max_cell.max(4.0))
        .floor();
    let (rect, response) =
        ui.allocate_exact_size(Vec2::new(cols as f32, rows as f32) * cell, Sense::hover());
    if let Some(view) = view {
        record(
            ui,
            view,
            rect,
            Sizes::maps(cell, rect.width().min(rect.height())),
        );
    }
    let dropped_count = kept.map(|m| m.iter().filter(|k| !**k).count());
    let name = match dropped_count {
        Some(d) => fill(
            p.s.units_grid_dropped,
            &[&grouped(n), &rows, &cols, &grouped(d)],
        ),
        None => fill(p.s.units_grid, &[&grouped(n), &rows, &cols]),
    };
    response.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::Image, ui.is_enabled(), name.clone())
    });
    let painter = ui.painter_at(rect);
    let cross = Stroke::new((cell / 8.0).max(1.5), Color32::from_rgb(220, 30, 30));
    let unit_rect = |i: usize| {
        let (r, c) = (i / cols, i % cols);
        Rect::from_min_size(
            rect.min + Vec2::new(c as f32, r as f32) * cell,
            Vec2::splat(cell),
        )
        .shrink(0.5)
    };
    for (i, &v) in values.iter().enumerate() {
        let r = unit_rect(i);
        let [red, green, blue] = scale.color(v);
        painter.rect_filled(r, 0.0, Color32::from_rgb(red, green, blue));
        if kept.and_then(|m| m.get(i)) == Some(&false) {
            let r = r.shrink(cell * 0.1);
            painter.line_segment([r.left_top(), r.right_bottom()], cross);
            painter.line_segment([r.right_top(), r.left_bottom()], cross);
        }
    }
    if let Some(pos) = response.hover_pos() {
        let cell_pos = (pos - rect.min) / cell;
        let i = cell_pos.y as usize * cols + cell_pos.x as usize;
        if let Some(v) = values.get(i) {
            painter.rect_stroke(
                unit_rect(i),
                0.0,
                Stroke::new(2.0, ui.visuals().strong_text_color()),
                egui::StrokeKind::Outside,
            );
            let dropped = kept.and_then(|m| m.get(i)) == Some(&false);
            let text = fill(p.s.unit_value, &[&i, &format!("{v:.4}")]);
            let text = if dropped {
                format!("{text} · {}", p.s.unit_dropped)
            } else {
                text
            };
            response.on_hover_text_at_pointer(text);
        }
    }
    dropped_count
}

#[cfg(test)]
mod tests {
    use super::unit_grid_shape;

    #[test]
    fn units_are_laid_out_as_square_as_possible() {
        assert_eq!(unit_grid_shape(256), (16, 16));
        assert_eq!(unit_grid_shape(32), (6, 6));
        assert_eq!(unit_grid_shape(10), (3, 4));
        assert_eq!(unit_grid_shape(1), (1, 1));
        assert_eq!(unit_grid_shape(0), (0, 0));
    }
}
