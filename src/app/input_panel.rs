//! The input side panel: samples, opening a picture, the drawing canvas, and the original
//! beside what the network actually sees.

use super::canvas::SIDE;
use super::maps_ui::full_uv;
use super::samples::sample_names;
use super::textures::TexKey;
use super::{Command, Panels};
use crate::viz::raster::pixels_image;
use egui::{Color32, Sense, Vec2};

/// The name of the canvas's picture (see `Canvas::to_input`).
const DRAWING: &str = "drawing";

/// Largest side of the original picture as shown (big photos are shrunk for display only).
const SHOW_MAX: u32 = 384;
const CANVAS_POINTS: f32 = 168.0;

pub(crate) fn input_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.heading(s.input);
        ui.label(egui::RichText::new(s.drop_hint).small().weak());
        egui::ComboBox::from_label(s.samples)
            .selected_text(&p.ex.input.name)
            .height(600.0)
            .show_ui(ui, |ui| {
                for name in sample_names() {
                    let selected = p.ex.input.name == name;
                    if ui.selectable_label(selected, name).clicked() {
                        p.commands.push(Command::LoadSample(name));
                    }
                }
            });
        if ui
            .button(s.open_image)
            .on_hover_text(s.open_image_tip)
            .clicked()
        {
            p.commands.push(Command::OpenImageDialog);
        }
        ui.separator();
        pictures_ui(ui, p);
        ui.separator();
        if p.ex.model.input.channels == 1 {
            egui::CollapsingHeader::new(s.draw)
                .default_open(true)
                .show(ui, |ui| canvas_ui(ui, p))
                .header_response
                .on_hover_text(s.draw_tip);
        }
    });
}

fn canvas_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    ui.horizontal(|ui| {
        ui.add(
            egui::Slider::new(&mut p.canvas.brush, 2.0..=14.0)
                .show_value(false)
                .text(s.brush),
        );
        if ui.button(s.clear).clicked() {
            p.commands.push(Command::ClearCanvas);
        }
    });
    if crate::io::mnist_style::suits(&p.ex.model.input)
        && ui
            .checkbox(&mut p.canvas.mnist_style, s.mnist_style)
            .on_hover_text(s.mnist_style_tip)
            .changed()
        && !p.canvas.is_blank()
    {
        p.commands.push(Command::UseCanvas);
    }
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(CANVAS_POINTS), Sense::drag());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, s.canvas_label));
    // Every pointer event of the frame, not only the last position: a fast stroke (or a press,
    // move and release arriving in one frame) still draws its whole path.
    let scale = SIDE as f32 / CANVAS_POINTS;
    let to_canvas = |pos: egui::Pos2| ((pos.x - rect.left()) * scale, (pos.y - rect.top()) * scale);
    let mut changed = false;
    for event in ui.input(|i| i.events.clone()) {
        match event {
            egui::Event::PointerButton {
                pos,
                button: egui::PointerButton::Primary,
                pressed,
                ..
            } => {
                if pressed && rect.contains(pos) {
                    p.canvas.end_stroke();
                    p.canvas.stroke_to(to_canvas(pos));
                    changed = true;
                } else if !pressed && p.canvas.in_stroke() {
                    p.canvas.stroke_to(to_canvas(pos));
                    p.canvas.end_stroke();
                    changed = true;
                }
            }
            egui::Event::PointerMoved(pos) if p.canvas.in_stroke() => {
                p.canvas.stroke_to(to_canvas(pos));
                changed = true;
            }
            egui::Event::PointerGone => p.canvas.end_stroke(),
            _ => {}
        }
    }
    if changed {
        p.tex.forget(TexKey::Canvas);
        p.commands.push(Command::UseCanvas);
    }
    let canvas = &*p.canvas;
    let tex = p.tex.get(ui.ctx(), TexKey::Canvas, || {
        let img = canvas.to_input().image;
        let pixels = ndarray::Array3::from_shape_fn((1, SIDE, SIDE), |(_, y, x)| {
            img.get_pixel(x as u32, y as u32).0[0]
        });
        pixels_image(&pixels)
    });
    ui.painter()
        .image(tex.id(), rect, full_uv(), Color32::WHITE);
    ui.painter().rect_stroke(
        rect,
        0.0,
        ui.visuals().widgets.inactive.bg_stroke,
        egui::StrokeKind::Outside,
    );
}

/// Whether the picture the network reads is the canvas prepared like an MNIST digit.
fn shows_prepared_drawing(p: &Panels) -> bool {
    p.ex.input.path.is_none()
        && p.ex.input.name == DRAWING
        && p.canvas.prepares_for(&p.ex.model.input)
}

fn pictures_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    let ex = p.ex;
    let prepared = shows_prepared_drawing(p);
    // A prepared drawing's original is the canvas itself, before the MNIST step.
    let raw = prepared.then(|| p.canvas.to_input().image);
    let original = p.tex.get(ui.ctx(), TexKey::Original, || {
        let img = raw.as_ref().unwrap_or(&ex.input.image);
        let side = img.width().max(img.height());
        let shown = if side > SHOW_MAX {
            let k = SHOW_MAX as f32 / side as f32;
            let (w, h) = (img.width() as f32 * k, img.height() as f32 * k);
            image::imageops::thumbnail(img, (w as u32).max(1), (h as u32).max(1))
        } else {
            img.clone()
        };
        let (w, h) = shown.dimensions();
        let pixels = ndarray::Array3::from_shape_fn((3, h as usize, w as usize), |(c, y, x)| {
            shown.get_pixel(x as u32, y as u32).0[c]
        });
        pixels_image(&pixels)
    });
    let seen = p
        .tex
        .get(ui.ctx(), TexKey::NetworkView, || pixels_image(&ex.pixels));
    ui.columns(2, |cols| {
        let labels = [
            (&original, format!("{}: {}", s.original, ex.input.name)),
            (
                &seen,
                if prepared {
                    s.network_sees_centred
                } else {
                    s.network_sees
                }
                .to_string(),
            ),
        ];
        // Two lines are kept for the captions whatever they say, so that the pictures and the
        // canvas below do not move when a drawing's caption gains "(centred like MNIST)".
        let caption_height = 2.0 * cols[0].text_style_height(&egui::TextStyle::Small);
        for (ui, (tex, label)) in cols.iter_mut().zip(labels) {
            let width = ui.available_width();
            ui.allocate_ui_with_layout(
                Vec2::new(width, caption_height),
                egui::Layout::top_down(egui::Align::Min),
                |ui| {
                    ui.set_min_size(Vec2::new(width, caption_height));
                    ui.label(egui::RichText::new(label).small())
                        .on_hover_text(s.network_sees_tip);
                },
            );
            let [w, h] = tex.size();
            let side = ui.available_width().min(140.0);
            let k = side / w.max(h).max(1) as f32;
            ui.image((tex.id(), Vec2::new(w as f32, h as f32) * k));
        }
    });
    let spec = &ex.model.input;
    let (lo, hi, _) = ex.trace.first().map_or((0.0, 0.0, 0.0), |t| t.stats());
    ui.small(format!(
        "{} @ {}x{} · (x − {:?}) / {:?} → [{lo:.2}, {hi:.2}]",
        spec.channels, spec.height, spec.width, spec.mean, spec.std
    ));
}
