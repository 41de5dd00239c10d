//! The input side panel: samples, opening a picture, the drawing canvas, and the original
//! beside what the network actually sees.

use super::canvas::DRAWING;
use super::samples::sample_names;
use crate::app::explorer::stage::unlike::unlike_line_ui;
use crate::app::i18n::fill;
use crate::app::lab::state::max_shift;
use crate::app::shell::commands::Command;
use crate::app::shell::panels::Panels;
use crate::app::widgets::maps::full_uv;
use crate::app::widgets::textures::TexKey;
use crate::app::widgets::view_rects::record_rect;
use crate::lesson::ViewId;
use crate::viz::drawing::SIDE;
use crate::viz::raster::pixels_image;
use egui::{Color32, Rect, Sense, Vec2};
use image::Rgb32FImage;
use std::borrow::Cow;

/// Largest side of the original picture as shown (big photos are shrunk for display only).
const SHOW_MAX: u32 = 384;
const CANVAS_POINTS: f32 = 168.0;

/// The width of the input panel folded to a bar.
pub(crate) fn folded_width(ui: &egui::Ui) -> f32 {
    ui.text_style_height(&egui::TextStyle::Button) + 2.0 * ui.spacing().button_padding.x + 16.0
}

/// The input panel folded to a bar (a lesson step that does not name it): a button that opens
/// it, and what the network sees, small.
pub(crate) fn folded_input_ui(ui: &mut egui::Ui, p: &mut Panels) {
    if ui
        .button("▶")
        .on_hover_text(format!("{}: {}", p.s.input, p.s.input_unfold_tip))
        .clicked()
    {
        p.view.input_unfolded = true;
    }
    let side = ui.available_width();
    let tex = p
        .tex
        .get(ui.ctx(), TexKey::NetworkView, || pixels_image(&p.ex.pixels));
    let [w, h] = tex.size();
    let k = side / w.max(h).max(1) as f32;
    let (rect, _) = ui.allocate_exact_size(Vec2::new(w as f32 * k, h as f32 * k), Sense::hover());
    ui.painter()
        .image(tex.id(), rect, full_uv(), Color32::WHITE);
}

pub(crate) fn input_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    egui::ScrollArea::vertical().show(ui, |ui| {
        if p.view.input_unfolded && p.view.lesson_layout && !p.view.named(&ViewId::Input) {
            // Opened from its bar: folds back the same way.
            if ui.button("◀").on_hover_text(s.input).clicked() {
                p.view.input_unfolded = false;
            }
        }
        ui.heading(s.input);
        let (open, open_tip, drop_hint) = p.open_input_words();
        ui.label(egui::RichText::new(drop_hint).small().weak());
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
        ui.horizontal_wrapped(|ui| {
            if ui.button(open).on_hover_text(open_tip).clicked() {
                p.commands.push(Command::OpenImageDialog);
            }
            if p.ex.model.info.audio.is_some() {
                super::recording::record_ui(ui, p);
            }
            super::noise::noise_ui(ui, p);
        });
        ui.separator();
        if p.ex.input.audio.is_some() {
            super::audio::audio_ui(ui, p);
        } else {
            pictures_ui(ui, p);
        }
        // What a lesson means by the input: the panel down to the pictures (the canvas
        // below may be scrolled to).
        record_rect(ui, ViewId::Input, ui.min_rect());
        ui.separator();
        // Below the canvas, never above it: the caution comes and goes with the input, and
        // the canvas must not move under the pen.
        if p.ex.model.input.channels == 1 && p.ex.model.info.audio.is_none() {
            egui::CollapsingHeader::new(s.draw)
                .default_open(true)
                .show(ui, |ui| canvas_ui(ui, p))
                .header_response
                .on_hover_text(s.draw_tip);
        }
        unlike_line_ui(ui, p);
    });
}

fn canvas_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    ui.horizontal(|ui| {
        ui.add(
            egui::Slider::new(&mut p.canvas.drawing.brush, 2.0..=14.0)
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
    // Up to CANVAS_POINTS square, smaller where the panel is short (presentation mode on a
    // laptop): the canvas stays on screen instead of reaching below the window.
    let side = CANVAS_POINTS
        .min(ui.available_height() - 4.0)
        .max(CANVAS_POINTS * 0.5);
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(side), Sense::drag());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, s.canvas_label));
    // Every pointer event of the frame, not only the last position: a fast stroke (or a press,
    // move and release arriving in one frame) still draws its whole path.
    let scale = SIDE as f32 / side;
    let to_canvas = |pos: egui::Pos2| ((pos.x - rect.left()) * scale, (pos.y - rect.top()) * scale);
    // A press starts a stroke only where the canvas is the topmost thing on screen: not under
    // an open drop-down, menu or window (their clicks are theirs), not where it is scrolled out.
    let layer = ui.layer_id();
    let on_canvas = |pos: egui::Pos2| {
        response.interact_rect.contains(pos) && ui.ctx().layer_id_at(pos) == Some(layer)
    };
    let mut changed = false;
    for event in ui.input(|i| i.events.clone()) {
        match event {
            egui::Event::PointerButton {
                pos,
                button: egui::PointerButton::Primary,
                pressed,
                ..
            } => {
                if pressed && on_canvas(pos) {
                    p.canvas.drawing.end_stroke();
                    p.canvas.drawing.stroke_to(to_canvas(pos));
                    changed = true;
                } else if !pressed && p.canvas.drawing.in_stroke() {
                    p.canvas.drawing.stroke_to(to_canvas(pos));
                    p.canvas.drawing.end_stroke();
                    changed = true;
                }
            }
            egui::Event::PointerMoved(pos) if p.canvas.drawing.in_stroke() => {
                p.canvas.drawing.stroke_to(to_canvas(pos));
                changed = true;
            }
            egui::Event::PointerGone => p.canvas.drawing.end_stroke(),
            _ => {}
        }
    }
    if changed {
        p.tex.forget(TexKey::Canvas);
        p.commands.push(Command::UseCanvas);
    }
    let ink = &p.canvas.drawing.ink;
    let tex = p.tex.get(ui.ctx(), TexKey::Canvas, || {
        pixels_image(&ink.view().insert_axis(ndarray::Axis(0)).to_owned())
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
    let stamp = ex.input_version * 2 + u64::from(prepared);
    let original = p.tex.get_stamped(ui.ctx(), TexKey::Original, stamp, || {
        let shown = fit_for_display(raw.as_ref().unwrap_or(&ex.input.image), SHOW_MAX);
        let (w, h) = shown.dimensions();
        let pixels = ndarray::Array3::from_shape_fn((3, h as usize, w as usize), |(c, y, x)| {
            shown.get_pixel(x as u32, y as u32).0[c]
        });
        pixels_image(&pixels)
    });
    // In the lab with a shift, the network sees the shifted input: so does the class.
    let shifted = p.lab_shift_shown();
    let seen = match shifted {
        Some((dx, dy)) => {
            let fill = p.lab.settings.fill;
            p.tex
                .get_stamped(ui.ctx(), TexKey::ShiftedView, p.lab.generation, || {
                    pixels_image(&crate::io::shift(&ex.pixels, dx, dy, fill))
                })
        }
        None => p
            .tex
            .get(ui.ctx(), TexKey::NetworkView, || pixels_image(&ex.pixels)),
    };
    let tip = s.network_sees_tip;
    ui.columns(2, |cols| {
        // The caption over what the network sees is as high as the higher of its two wordings
        // (a drawing's gains "centred like MNIST"), the original's one line (cut short, the
        // whole name on hover), and both pictures sit in a square of the column's width: the
        // canvas below stays where it is whatever the input, from the first stroke on.
        // The lab's caption is measured at its widest shift.
        let widest = max_shift(&ex.net);
        let seen_captions = [
            s.network_sees.to_string(),
            s.network_sees_centred.to_string(),
            fill(s.network_sees_shifted, &[&-widest, &-widest]),
        ];
        let width = cols[0].available_width();
        let caption_height = seen_captions
            .iter()
            .map(|c| caption_galley(&cols[1], c, width).size().y)
            .fold(cols[0].text_style_height(&egui::TextStyle::Small), f32::max);
        let seen_caption = match shifted {
            Some((dx, dy)) => fill(s.network_sees_shifted, &[&dx, &dy]),
            None => seen_captions[usize::from(prepared)].clone(),
        };
        let original_caption = s.labelled(s.original, &ex.input.name);
        let columns = [
            (&original, original_caption, true),
            (&seen, seen_caption, false),
        ];
        for (ui, (tex, caption, one_line)) in cols.iter_mut().zip(columns) {
            let width = ui.available_width();
            // The caption gets exactly its measured height: a line that comes out a fraction
            // of a pixel taller in one font must not push the pictures and the canvas down.
            let (area, _) =
                ui.allocate_exact_size(Vec2::new(width, caption_height), Sense::hover());
            let mut caption_ui = ui.new_child(
                egui::UiBuilder::new()
                    .max_rect(area)
                    .layout(egui::Layout::top_down(egui::Align::Min)),
            );
            let label = egui::Label::new(egui::RichText::new(&caption).small());
            let label = if one_line {
                label.truncate()
            } else {
                label.wrap()
            };
            caption_ui
                .add(label)
                .on_hover_text(format!("{caption}\n\n{tip}"));
            let side = ui.available_width().min(140.0);
            let (square, _) = ui.allocate_exact_size(Vec2::splat(side), Sense::hover());
            let [w, h] = tex.size();
            let k = side / w.max(h).max(1) as f32;
            let fitted = Rect::from_center_size(square.center(), Vec2::new(w as f32, h as f32) * k);
            egui::Image::new((tex.id(), fitted.size())).paint_at(ui, fitted);
        }
    });
    // Its numbers change with the input: two lines are kept for it, so that a wrap that comes
    // and goes does not move the canvas either.
    let spec = &ex.model.input;
    let (lo, hi, _) = ex.trace.first().map_or((0.0, 0.0, 0.0), |t| t.stats());
    let line = ui.text_style_height(&egui::TextStyle::Small);
    let width = ui.available_width();
    ui.allocate_ui_with_layout(
        Vec2::new(width, 2.0 * line),
        egui::Layout::top_down(egui::Align::Min),
        |ui| {
            ui.set_min_size(Vec2::new(width, 2.0 * line));
            ui.small(format!(
                "{} @ {}x{} · (x − {:?}) / {:?} → [{lo:.2}, {hi:.2}]",
                spec.channels, spec.height, spec.width, spec.mean, spec.std
            ));
        },
    );
}

/// `text` as a small caption wrapped at `width`.
fn caption_galley(ui: &egui::Ui, text: &str, width: f32) -> std::sync::Arc<egui::Galley> {
    let font = egui::TextStyle::Small.resolve(ui.style());
    ui.painter()
        .layout(text.to_string(), font, Color32::WHITE, width)
}

/// `img` shrunk to fit `max_side` (area-weighted, the filter the network's own resize uses),
/// or as it is when it fits. Not `imageops::thumbnail`: on float pixels it adds its integer
/// rounding term (half the block size) to each block's sum, so every shrunk photo came out
/// about 0.5 brighter, washed out.
fn fit_for_display(img: &Rgb32FImage, max_side: u32) -> Cow<'_, Rgb32FImage> {
    let side = img.width().max(img.height());
    if side <= max_side {
        return Cow::Borrowed(img);
    }
    let k = max_side as f32 / side as f32;
    let (w, h) = (img.width() as f32 * k, img.height() as f32 * k);
    let (w, h) = ((w.round() as u32).max(1), (h.round() as u32).max(1));
    Cow::Owned(image::imageops::resize(
        img,
        w,
        h,
        image::imageops::FilterType::Triangle,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 11, item 7: the "Original" of a photo larger than the display size is the photo
    /// shrunk, not washed out. Each shown pixel is compared with the mean of the photo's pixels
    /// it covers (a box downscale computed here, independently of the image crate).
    #[test]
    fn a_shrunk_photo_keeps_its_tones() {
        for name in ["photo_cat", "photo_astronaut", "photo_camera_gray"] {
            let photo = crate::app::input::samples::sample_image(name)
                .expect(name)
                .image;
            let shown = fit_for_display(&photo, SHOW_MAX);
            let (w, h) = shown.dimensions();
            assert!(
                w.max(h) <= SHOW_MAX && w.max(h) >= SHOW_MAX - 1,
                "{name}: {w}x{h}"
            );
            let (kx, ky) = (
                photo.width() as f32 / w as f32,
                photo.height() as f32 / h as f32,
            );
            let (mut err_sum, mut n, mut mean_shown, mut mean_photo) = (0.0f64, 0usize, 0.0, 0.0);
            for y in 0..h {
                for x in 0..w {
                    let (x0, x1) = ((x as f32 * kx) as u32, ((x + 1) as f32 * kx).ceil() as u32);
                    let (y0, y1) = ((y as f32 * ky) as u32, ((y + 1) as f32 * ky).ceil() as u32);
                    for c in 0..3 {
                        let mut box_sum = 0.0f64;
                        let mut count = 0usize;
                        for sy in y0..y1.min(photo.height()) {
                            for sx in x0..x1.min(photo.width()) {
                                box_sum += photo.get_pixel(sx, sy).0[c] as f64;
                                count += 1;
                            }
                        }
                        let want = box_sum / count.max(1) as f64;
                        let got = shown.get_pixel(x, y).0[c] as f64;
                        err_sum += (got - want).abs();
                        mean_shown += got;
                        mean_photo += want;
                        n += 1;
                    }
                }
            }
            let (err, shown_mean, photo_mean) = (
                err_sum / n as f64,
                mean_shown / n as f64,
                mean_photo / n as f64,
            );
            assert!(err < 0.03, "{name}: mean |shown - box mean| = {err:.3}");
            assert!(
                (shown_mean - photo_mean).abs() < 0.005,
                "{name}: mean brightness {shown_mean:.3} shown, {photo_mean:.3} in the photo"
            );
        }
    }

    #[test]
    fn a_small_picture_is_shown_as_it_is() {
        let digit = crate::app::input::samples::sample_image("digit_7")
            .expect("digit")
            .image;
        assert!(matches!(
            fit_for_display(&digit, SHOW_MAX),
            Cow::Borrowed(_)
        ));
    }
}
