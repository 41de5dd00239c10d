//! The "Where it looked" panel: the method picker, which class is explained, the heat map over
//! the input (and Grad-CAM's over its stage's maps), the colour scale with its numbers and the
//! blend slider. It reads [`super::state::ExplainState`] and pushes commands; it computes
//! nothing but the pictures.

use super::picture::{over_input, over_stage, scale_of};
use super::state::{ExplainChoice, Explained, cam_stage};
use crate::analysis::attribution::{Method, stage_name};
use crate::app::i18n::{Strings, fill};
use crate::app::shell::commands::Command;
use crate::app::shell::panels::Panels;
use crate::app::widgets::textures::TexKey;
use crate::app::widgets::view_rects::{Sizes, record, record_rect};
use crate::lesson::ViewId;
use crate::viz::Scale;
use egui::{Color32, Pos2, Rect, RichText, Sense, Vec2};

/// The panel's width for a window of `width` points.
pub(crate) fn panel_width(width: f32) -> f32 {
    (width * 0.27).clamp(300.0, 460.0)
}

/// A method's name and what it computes, in the UI language.
pub(crate) fn method_words(method: Method, s: &Strings) -> (&'static str, &'static str) {
    match method {
        Method::Gradient => (s.explain_gradient, s.explain_gradient_tip),
        Method::GradXInput => (s.explain_gradxinput, s.explain_gradxinput_tip),
        Method::SmoothGrad => (s.explain_smoothgrad, s.explain_smoothgrad_tip),
        Method::GradCam => (s.explain_gradcam, s.explain_gradcam_tip),
        Method::Occlusion => (s.explain_occlusion, s.explain_occlusion_tip),
    }
}

/// A value with three significant digits (`0.00412`, `12.3`).
pub(crate) fn sig3(v: f32) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    if v.abs() < 1e-3 {
        return format!("{v:.2e}");
    }
    let digits = (2 - v.abs().log10().floor() as i32).clamp(0, 6) as usize;
    format!("{v:.digits$}")
}

pub(crate) fn explain_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    let state = p.explain;
    let choice = state.choice;
    ui.heading(s.explain_title);
    // The method picker: one button per method, its tooltip saying what it computes.
    ui.horizontal_wrapped(|ui| {
        for method in Method::ALL {
            let (name, tip) = method_words(method, s);
            if ui
                .selectable_label(choice.method == method, name)
                .on_hover_text(tip)
                .clicked()
                && choice.method != method
            {
                p.commands
                    .push(Command::SetExplain(ExplainChoice { method, ..choice }));
            }
        }
    });
    class_ui(ui, p, choice);
    let Some(r) = &state.result else {
        match (&state.error, p.ex.probabilities.is_empty()) {
            (_, true) => ui.label(s.explain_no_classes),
            (Some(e), _) => ui.colored_label(ui.visuals().warn_fg_color, e),
            (None, _) => ui.spinner(),
        };
        return;
    };
    if state.running() || !state.current() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(s.explain_running);
        });
    }
    maps_ui(ui, p, r, choice);
    let mut blend = choice.blend;
    let slider = egui::Slider::new(&mut blend, 0.0..=1.0).text(s.explain_blend);
    if ui.add(slider).on_hover_text(s.explain_blend_tip).changed() {
        p.commands
            .push(Command::SetExplain(ExplainChoice { blend, ..choice }));
    }
    let class = p.ex.net.label(r.attribution.class);
    ui.label(fill(s.explain_score, &[&class, &sig3(r.attribution.score)]));
}

/// Which class is explained, marked as the prediction or not, and the way back to it.
fn class_ui(ui: &mut egui::Ui, p: &mut Panels, choice: ExplainChoice) {
    let s = p.s;
    let Some((top, _)) = p.ex.prediction() else {
        return;
    };
    let class = choice.class.unwrap_or(top);
    let pct = p.ex.probabilities.get(class).map_or(0.0, |v| v * 100.0);
    let name = p.ex.net.label(class);
    if class == top {
        ui.label(fill(
            s.explain_class_predicted,
            &[&name, &format!("{pct:.1}")],
        ));
    } else {
        ui.horizontal_wrapped(|ui| {
            let text = fill(
                s.explain_class_chosen,
                &[&name, &format!("{pct:.1}"), &p.ex.net.label(top)],
            );
            ui.label(RichText::new(text).strong().color(CHOSEN));
            if ui.button(s.explain_predicted).clicked() {
                p.commands.push(Command::SetExplain(ExplainChoice {
                    class: None,
                    ..choice
                }));
            }
        });
    }
    ui.label(RichText::new(s.explain_pick_hint).weak());
}

/// The colour that marks a chosen class (its bar, and the words here).
pub(crate) const CHOSEN: Color32 = Color32::from_rgb(200, 60, 170);

/// The heat map over the input, Grad-CAM's over its stage, and the colour scale.
fn maps_ui(ui: &mut egui::Ui, p: &mut Panels, r: &Explained, choice: ExplainChoice) {
    let s = p.s;
    let ex = p.ex;
    let scale = scale_of(r);
    let stamp = (r.stamp << 8) | (choice.blend * 100.0).round() as u64;
    let cam = r.attribution.method == Method::GradCam;
    if cam {
        let stage = r.attribution.stage;
        let name = stage_name(&ex.net, stage);
        let shape = ex
            .trace
            .get(stage)
            .map(|t| t.shape().to_string())
            .unwrap_or_default();
        let selected = cam_stage(ex).is_some_and(|(_, sel)| sel);
        let words = if selected {
            s.explain_cam_selected
        } else {
            s.explain_cam_default
        };
        ui.label(fill(words, &[&name, &shape]));
    }
    // The picture as large as the panel's width and the height left allow (room kept for the
    // scale and its words, the slider and the score); Grad-CAM's stage beside it.
    let line = ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y;
    let zero = cam && r.plane.iter().all(|&v| v <= 0.0);
    let rows = if zero { 10.0 } else { 7.0 };
    let room_y = ui.available_height() - rows * line;
    let share = if cam { 0.62 } else { 1.0 };
    let side = (ui.available_width() * share).min(room_y).max(96.0);
    let (h, w) = (r.input.dim().1, r.input.dim().2);
    let size = fit(Vec2::new(w as f32, h as f32), side);
    let tex = p.tex.get_stamped(ui.ctx(), TexKey::Explain, stamp, || {
        over_input(r, &ex.net.input, &scale, choice.blend)
    });
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.label(s.explain_over_input);
            let shown = ui.add(egui::Image::new((tex.id(), size)).sense(Sense::hover()));
            let cell = size.x / w.max(1) as f32;
            record(
                ui,
                ViewId::Explain,
                shown.rect,
                Sizes::maps(cell, size.min_elem()),
            );
        });
        if cam && let Some(mean) = &r.stage_mean {
            let (sh, sw) = mean.dim();
            let room = ui.available_width().min(side);
            let small = fit(Vec2::new(sw as f32, sh as f32), room);
            let tex = p
                .tex
                .get_stamped(ui.ctx(), TexKey::ExplainStage, stamp, || {
                    over_stage(r, mean, &scale, choice.blend)
                });
            let name = stage_name(&ex.net, r.attribution.stage);
            ui.vertical(|ui| {
                ui.set_max_width(room);
                ui.label(fill(s.explain_over_stage, &[&name, &format!("{sh}x{sw}")]));
                ui.add(egui::Image::new((tex.id(), small)));
            });
        }
    });
    let legend = ui
        .scope(|ui| {
            legend_ui(
                ui,
                s,
                &scale,
                r.attribution.method,
                &ex.net.label(r.attribution.class),
            )
        })
        .response
        .rect;
    record_rect(ui, ViewId::Explain, legend);
    if zero {
        let class = ex.net.label(r.attribution.class);
        ui.colored_label(
            ui.visuals().warn_fg_color,
            fill(s.explain_cam_zero, &[&class]),
        );
    }
}

/// `size` scaled to fit a square of `side`, keeping its shape.
fn fit(size: Vec2, side: f32) -> Vec2 {
    size * (side / size.x.max(size.y).max(1.0))
}

/// The colour scale with its numbers: signed maps from -m through 0 to m, Grad-CAM from 0 to
/// its largest value; and what the colours mean for this method.
fn legend_ui(ui: &mut egui::Ui, s: &Strings, scale: &Scale, method: Method, class: &str) {
    ui.horizontal(|ui| {
        ui.label(sig3(scale.lo));
        let height = ui.text_style_height(&egui::TextStyle::Body);
        let width = (ui.available_width() - 6.0 * height).clamp(80.0, 260.0);
        let (rect, _) = ui.allocate_exact_size(Vec2::new(width, height), Sense::hover());
        let steps = 48;
        for i in 0..steps {
            let t = i as f32 / (steps - 1) as f32;
            let [r, g, b] = scale.color(scale.lo + (scale.hi - scale.lo) * t);
            let x0 = rect.left() + rect.width() * i as f32 / steps as f32;
            let x1 = rect.left() + rect.width() * (i + 1) as f32 / steps as f32;
            ui.painter().rect_filled(
                Rect::from_min_max(
                    Pos2::new(x0, rect.top()),
                    Pos2::new(x1 + 0.5, rect.bottom()),
                ),
                0.0,
                Color32::from_rgb(r, g, b),
            );
        }
        if scale.signed {
            // Zero in the middle, marked.
            let x = rect.center().x;
            ui.painter().line_segment(
                [
                    Pos2::new(x, rect.top() - 3.0),
                    Pos2::new(x, rect.bottom() + 3.0),
                ],
                egui::Stroke::new(2.0, ui.visuals().text_color()),
            );
        }
        ui.label(sig3(scale.hi));
    });
    let words = match method {
        Method::GradCam => s.explain_legend_cam,
        Method::Occlusion => s.explain_legend_occlusion,
        _ => s.explain_legend_signed,
    };
    ui.label(fill(words, &[&class]));
}

/// A probability bar, marked when its class is the one explained (and not the prediction).
pub(crate) fn explained_bar(p: &Panels, class: usize, bar: egui_plot::Bar) -> egui_plot::Bar {
    if p.explain.shown && p.explain.choice.class == Some(class) {
        bar.fill(CHOSEN).stroke(egui::Stroke::new(3.0, CHOSEN))
    } else {
        bar
    }
}

/// A band behind the explained class's bar, from 0 to 1, so that a class of 0% is marked too.
pub(crate) fn chosen_band(p: &Panels) -> Option<egui_plot::BarChart> {
    let class = p.explain.choice.class.filter(|_| p.explain.shown)?;
    let band = egui_plot::Bar::new(class as f64, 1.0)
        .width(0.95)
        .fill(CHOSEN.gamma_multiply(0.35))
        .stroke(egui::Stroke::new(2.0, CHOSEN));
    Some(egui_plot::BarChart::new(p.s.explain_title, vec![band]).allow_hover(false))
}

/// A click on class `class`'s probability bar: explain that class (showing the view); a click
/// on the class already explained, or on the prediction, goes back to the prediction.
pub(crate) fn bar_clicked(p: &mut Panels, class: usize) {
    let choice = p.explain.choice;
    let predicted = p.ex.prediction().map(|(c, _)| c);
    let class = (choice.class != Some(class) && predicted != Some(class)).then_some(class);
    p.commands
        .push(Command::SetExplain(ExplainChoice { class, ..choice }));
    if !p.explain.shown {
        p.commands.push(Command::ToggleExplain);
    }
}
