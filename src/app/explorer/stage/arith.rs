//! The arithmetic of one output value, on a side panel of a convolution or dense stage: the
//! input patch, the kernel, their products, the sums, the bias, the output and the value after
//! the activation; an animation that slides the kernel over the input cell by cell. The numbers
//! come from [`crate::analysis::arithmetic`]; the output shown is the engine's. The cell shown
//! and the animation's clock are [`crate::app::explorer::arith::ArithState`].

use crate::analysis::arithmetic::{conv_cell, dense_unit, window_rect};
use crate::app::i18n::{fill, grouped};
use crate::app::shell::panels::Panels;
use crate::app::widgets::maps::{as_maps, full_uv, map_texture, outline_ui};
use crate::app::widgets::view_rects::record_rect;
use crate::engine::{Conv2d, Dense, LayerKind, Tensor};
use crate::lesson::ViewId;
use egui::{Color32, FontFamily, Rect, RichText, TextStyle, Vec2};

/// Numbers written large enough for a projector: the body size (it scales with the zoom), in
/// a monospace face so columns line up.
fn num(text: impl Into<String>) -> RichText {
    RichText::new(text)
        .text_style(TextStyle::Body)
        .family(FontFamily::Monospace)
}

fn value_text(v: f32) -> String {
    format!("{v:.2}")
}

/// The stage's side panel, for a convolution or a dense layer (nothing for other stages).
pub(crate) fn side_panel_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize) {
    let ex = p.ex;
    let kind = ex.stage_layer(stage).map(|l| &l.kind);
    if !matches!(kind, Some(LayerKind::Conv2d(_) | LayerKind::Dense(_))) || !p.view.arith.show {
        return;
    }
    let panel = egui::Panel::right("arithmetic");
    // In a lesson, as narrow as its numbers allow, so the maps beside keep their room.
    let panel = if p.view.lesson_layout {
        let width = ui.text_style_height(&TextStyle::Body) * 24.0;
        panel.exact_size(width.min(ui.available_width() * 0.5))
    } else {
        panel.resizable(true).default_size(430.0)
    };
    panel.show(ui, |ui| {
        egui::ScrollArea::vertical()
            .id_salt("arith-scroll")
            .show(ui, |ui| {
                match kind {
                    Some(LayerKind::Conv2d(conv)) => conv_arith_ui(ui, p, stage, conv),
                    Some(LayerKind::Dense(dense)) => dense_arith_ui(ui, p, stage, dense),
                    _ => {}
                }
                record_rect(ui, ViewId::Arithmetic, ui.min_rect());
            });
    });
}

/// The value after the next layer when it is an activation or a softmax: "ReLU → 0.53".
fn after_activation(p: &Panels, stage: usize, cell: (usize, usize, usize)) -> Option<String> {
    let next = p.ex.stage_layer(stage + 1)?;
    if !matches!(next.kind, LayerKind::Activation(_) | LayerKind::Softmax) {
        return None;
    }
    let t = p.ex.trace.get(stage + 1)?;
    let v = match t {
        Tensor::Maps(a) => a.get(cell).copied()?,
        Tensor::Vector(v) => v.get(cell.2).copied()?,
    };
    Some(fill(
        p.s.arith_after,
        &[&p.s.layer_type(&next.kind), &format!("{v:.4}")],
    ))
}

fn header_ui(ui: &mut egui::Ui, p: &mut Panels, animate: bool) {
    ui.strong(RichText::new(p.s.arith_title).text_style(TextStyle::Heading));
    if !animate {
        return;
    }
    ui.horizontal(|ui| {
        let label = if p.view.arith.animating {
            p.s.arith_stop
        } else {
            p.s.arith_animate
        };
        if ui
            .selectable_label(p.view.arith.animating, label)
            .on_hover_text(p.s.arith_animate_tip)
            .clicked()
        {
            let now = ui.input(|i| i.time);
            p.view.arith.toggle_animation(now);
        }
        // The slider takes what its value and unit leave of the row.
        let font = TextStyle::Body.resolve(ui.style());
        let unit = ui
            .painter()
            .layout_no_wrap(p.s.arith_speed.to_string(), font, Color32::WHITE)
            .size()
            .x;
        let value = ui.spacing().interact_size.x;
        let spacing = 3.0 * ui.spacing().item_spacing.x;
        ui.spacing_mut().slider_width =
            (ui.available_width() - unit - value - spacing).clamp(40.0, 100.0);
        ui.add(
            egui::Slider::new(&mut p.view.arith.speed, 0.5..=30.0)
                .logarithmic(true)
                .text(p.s.arith_speed),
        );
    });
}

fn conv_arith_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize, conv: &Conv2d) {
    let s = p.s;
    header_ui(ui, p, true);
    let ex = p.ex;
    let from = ex.before_stage(stage);
    let (Some(before), Some(after)) = (ex.trace.get(from), ex.trace.get(stage)) else {
        return;
    };
    // Without a selection, the strongest output (the hint says how to choose another); it
    // is shown, not selected, so the keys and a hover still start from a clean slate.
    if p.view.arith.cell_in(after).is_none() {
        ui.label(s.arith_hint);
    }
    let Some(cell) = p.view.arith.shown_in(after) else {
        return;
    };
    let input = as_maps(before);
    let Some(arith) = conv_cell(conv, input.view(), cell) else {
        return;
    };
    let (ch, oy, ox) = cell;
    ui.label(num(fill(s.arith_cell, &[&ch, &oy, &ox])));
    let ins = arith.patch.len();
    let ic = p.view.arith.in_channel.min(ins.saturating_sub(1));
    sliding_ui(ui, p, stage, conv, cell, ic);
    // The written-out numbers of one input channel: patch × kernel = products.
    ui.label(fill(s.arith_in_channel, &[&ic, &ins]));
    let patch: Vec<Vec<String>> = arith.patch[ic]
        .iter()
        .map(|row| {
            row.iter()
                .map(|v| v.map_or(s.pad_zero.into(), value_text))
                .collect()
        })
        .collect();
    let grid = |a: &ndarray::Array3<f32>| -> Vec<Vec<String>> {
        a.index_axis(ndarray::Axis(0), ic)
            .outer_iter()
            .map(|row| row.iter().map(|&v| value_text(v)).collect())
            .collect()
    };
    ui.horizontal_top(|ui| {
        numbers_ui(ui, "arith-patch", s.arith_patch, &patch);
        ui.label(num("×"));
        numbers_ui(ui, "arith-kernel", s.arith_kernel, &grid(&arith.kernel));
    });
    ui.horizontal_top(|ui| {
        ui.label(num("="));
        numbers_ui(
            ui,
            "arith-products",
            s.arith_products,
            &grid(&arith.products),
        );
        let sum = arith.channel_sums.get(ic).copied().unwrap_or(0.0);
        ui.label(num(format!("Σ {sum:.3}")));
    });
    // Every input channel's sum; clicking one writes its numbers out above.
    ui.label(s.arith_channel_sums);
    ui.horizontal_wrapped(|ui| {
        for (c, v) in arith.channel_sums.iter().enumerate() {
            let text = num(format!("{c}: {v:.2}"));
            if ui.selectable_label(c == ic, text).clicked() {
                p.view.arith.in_channel = c;
            }
        }
    });
    let engine = as_maps(after).get(cell).copied().unwrap_or(f32::NAN);
    total_ui(ui, p, stage, cell, arith.sum, arith.bias, engine);
}

/// The sum, the bias and the engine's output, then the value after the activation.
fn total_ui(
    ui: &mut egui::Ui,
    p: &Panels,
    stage: usize,
    cell: (usize, usize, usize),
    sum: f32,
    bias: f32,
    engine: f32,
) {
    ui.separator();
    ui.label(
        num(fill(
            p.s.arith_total,
            &[
                &format!("{sum:.4}"),
                &format!("{bias:+.4}"),
                &format!("{engine:.4}"),
            ],
        ))
        .strong(),
    );
    if let Some(after) = after_activation(p, stage, cell) {
        ui.label(num(after).strong());
    }
}

/// A titled grid of numbers.
fn numbers_ui(ui: &mut egui::Ui, id: &str, title: &str, rows: &[Vec<String>]) {
    ui.vertical(|ui| {
        ui.label(title);
        egui::Grid::new(id)
            .striped(true)
            .spacing([6.0, 2.0])
            .show(ui, |ui| {
                for row in rows {
                    for v in row {
                        ui.label(num(v.as_str()));
                    }
                    ui.end_row();
                }
            });
    });
}

/// The layer's input channel `ic` with the kernel's window on it, and the output channel
/// filled in up to the current cell while the animation runs.
fn sliding_ui(
    ui: &mut egui::Ui,
    p: &mut Panels,
    stage: usize,
    conv: &Conv2d,
    (ch, oy, ox): (usize, usize, usize),
    ic: usize,
) {
    let shared = p.view.shared_scale;
    let side = 110.0;
    ui.horizontal(|ui| {
        for (st, c) in [(p.ex.before_stage(stage), ic), (stage, ch)] {
            let Some(tex) = map_texture(ui, p, st, c, shared) else {
                continue;
            };
            let [w, h] = tex.size();
            let k = side / w.max(h).max(1) as f32;
            let (rect, _) =
                ui.allocate_exact_size(Vec2::new(w as f32 * k, h as f32 * k), egui::Sense::hover());
            ui.painter()
                .image(tex.id(), rect, full_uv(), Color32::WHITE);
            let cells = |(x0, y0, x1, y1): (i64, i64, i64, i64)| {
                let clip = |v: i64, n: usize| v.clamp(0, n as i64) as f32 * k;
                Rect::from_min_max(
                    rect.min + Vec2::new(clip(x0, w), clip(y0, h)),
                    rect.min + Vec2::new(clip(x1, w), clip(y1, h)),
                )
            };
            let red = Color32::from_rgb(255, 60, 60);
            if st == stage {
                if p.view.arith.animating {
                    let (ow, oh) = (w as i64, h as i64);
                    let (ox, oy) = (ox as i64, oy as i64);
                    let veil = ui.visuals().panel_fill;
                    ui.painter()
                        .rect_filled(cells((ox + 1, oy, ow, oy + 1)), 0.0, veil);
                    ui.painter()
                        .rect_filled(cells((0, oy + 1, ow, oh)), 0.0, veil);
                }
                outline_ui(
                    ui,
                    cells((ox as i64, oy as i64, ox as i64 + 1, oy as i64 + 1)),
                    red,
                );
            } else {
                outline_ui(ui, cells(window_rect(&conv.window(), oy, ox)), red);
            }
        }
    });
}

/// How many contributions of a dense unit are listed.
const TOP: usize = 8;

fn dense_arith_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize, dense: &Dense) {
    let s = p.s;
    header_ui(ui, p, false);
    let ex = p.ex;
    let from = ex.before_stage(stage);
    let (Some(before), Some(after)) = (ex.trace.get(from), ex.trace.get(stage)) else {
        return;
    };
    let out = after.values();
    // Without a selection, the unit with the largest output (the predicted class, at the end).
    let unit = p
        .view
        .arith
        .cell_in(after)
        .map_or_else(|| crate::engine::argmax(&out), |(_, _, x)| x);
    let Some(arith) = dense_unit(dense, &before.values(), unit, TOP) else {
        return;
    };
    ui.label(num(fill(s.arith_unit, &[&unit, &grouped(out.len())])));
    ui.label(fill(s.arith_dense_sum, &[&grouped(arith.inputs)]));
    ui.label(s.arith_top);
    egui::Grid::new("arith-dense")
        .striped(true)
        .spacing([10.0, 2.0])
        .show(ui, |ui| {
            for h in ["#", s.arith_input, s.arith_weight, "x·w"] {
                ui.strong(h);
            }
            ui.end_row();
            for c in &arith.top {
                ui.label(num(c.index.to_string()));
                ui.label(num(format!("{:.3}", c.input)));
                ui.label(num(format!("{:.3}", c.weight)));
                ui.label(num(format!("{:+.3}", c.product)));
                ui.end_row();
            }
            ui.label(s.arith_rest);
            ui.label("");
            ui.label("");
            ui.label(num(format!("{:+.3}", arith.rest)));
            ui.end_row();
        });
    let engine = out.get(unit).copied().unwrap_or(f32::NAN);
    total_ui(ui, p, stage, (0, 0, unit), arith.sum, arith.bias, engine);
}
