//! The selected stage in the lab: original, shifted, difference and aligned difference maps
//! on one colour scale.

use super::state::Lab;
use crate::analysis::similarity::aligned_views;
use crate::app::i18n::{fill, grouped};
use crate::app::shell::panels::Panels;
use crate::app::widgets::maps::{GAP, as_maps, legend_ui, line_height};
use crate::app::widgets::plot_legend::{Dash, key_ui};
use crate::app::widgets::textures::color_image;
use crate::app::widgets::view_rects::{Sizes, record};
use crate::engine::Tensor;
use crate::lesson::ViewId;
use crate::viz::{Scale, plane_image};
use egui::{TextureHandle, TextureOptions, Vec2};
use ndarray::{Array3, Axis};

/// At most this many channels per row of maps.
const MAX_CHANNELS: usize = 16;
/// Points per map cell, at most: a 28x28 input shows at 140 points.
const MAX_CELL: f32 = 5.0;
/// Side by side, each view gets an equal column of at most this many points (titles wrap at
/// its width), and no column narrower than the minimum: below it the views go one under the
/// other.
const MAX_COLUMN: f32 = 300.0;
const MIN_COLUMN: f32 = 120.0;
const COLUMN_GAP: f32 = 12.0;

/// Points per map cell: whole from one up (crisp cells), at most `MAX_CELL`; below one when
/// even one point per cell does not fit (a row of wide maps is scaled down, never cut off).
fn cell_size(fit: f32) -> f32 {
    if fit >= 1.0 {
        fit.min(MAX_CELL).floor()
    } else {
        fit.max(0.25)
    }
}

/// How many lines `text` takes in the body font wrapped at `width` points.
fn text_rows(ui: &egui::Ui, text: &str, width: f32) -> usize {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let galley = ui
        .painter()
        .layout(text.to_string(), font, egui::Color32::WHITE, width);
    galley.rows.len().max(1)
}

/// What the aligned view of a stage is.
#[derive(Debug, Clone, PartialEq)]
enum Aligned {
    /// The difference over the overlap, and the shift in cells.
    Maps(Array3<f32>, (i64, i64)),
    NotWholeCells,
    Vector,
    NoOverlap,
}

/// The maps of one stage, as uploaded textures with their shared scale.
struct StageTextures {
    key: (u64, u64, usize),
    rows: Vec<Vec<TextureHandle>>,
    scale: Scale,
    aligned: Aligned,
    channels: usize,
    hw: (usize, usize),
    aligned_hw: (usize, usize),
    /// The largest |shifted - original| over every channel, at the same positions and aligned.
    max_diff: f32,
    aligned_max_diff: Option<f32>,
}

/// The largest absolute value in `values` (0 for none).
fn max_abs<'a>(values: impl IntoIterator<Item = &'a f32>) -> f32 {
    values.into_iter().fold(0.0, |m, v| m.max(v.abs()))
}

/// What a difference panel says about itself: "identical" when all of it is zero (it would
/// otherwise be a plain white square), and its largest |difference| either way.
pub(super) fn diff_caption(s: &crate::app::i18n::Strings, max: f32) -> String {
    if max == 0.0 {
        s.lab_identical.to_string()
    } else if max >= 1e-3 {
        fill(s.lab_max_diff, &[&format!("{max:.3}")])
    } else {
        fill(s.lab_max_diff, &[&format!("{max:.2e}")])
    }
}

/// A view's title, the size of its maps and, for a difference, its largest value.
type View = (String, (usize, usize), Option<f32>);

/// The selected stage's maps, uploaded once per (explorer, lab, stage) generation.
#[derive(Default)]
pub(super) struct StageMaps {
    cache: Option<StageTextures>,
}

impl StageMaps {
    /// Draws the views in at most `room` points of height.
    pub(super) fn ui(&mut self, ui: &mut egui::Ui, p: &mut Panels, room: f32) {
        let stage = p.ex.stage;
        if let (Some(Tensor::Vector(o)), Some(Tensor::Vector(v))) =
            (p.ex.trace.get(stage), p.lab.shifted.get(stage))
        {
            vector_bars_ui(
                ui,
                p,
                o.as_slice().unwrap_or(&[]),
                v.as_slice().unwrap_or(&[]),
            );
            return;
        }
        let key = (p.ex.generation, p.lab.generation, stage);
        if self.cache.as_ref().is_none_or(|c| c.key != key) {
            self.cache = stage_textures(ui.ctx(), p.ex.trace.get(stage), p.lab, stage, key);
        }
        let Some(c) = &self.cache else { return };
        let s = p.s;
        ui.horizontal(|ui| {
            ui.label(s.lab_scale);
            legend_ui(ui, &c.scale);
            if c.channels > MAX_CHANNELS {
                ui.small(fill(
                    s.lab_channels_shown,
                    &[&MAX_CHANNELS, &grouped(c.channels)],
                ));
            }
        });
        let (dx, dy) = (p.lab.settings.dx, p.lab.settings.dy);
        let mut views = vec![
            (s.lab_original.to_string(), c.hw, None),
            (fill(s.lab_shifted, &[&dx, &dy]), c.hw, None),
            (s.lab_difference.to_string(), c.hw, Some(c.max_diff)),
        ];
        if let Aligned::Maps(_, (cx, cy)) = &c.aligned {
            views.push((
                fill(s.lab_aligned, &[cx, cy]),
                c.aligned_hw,
                c.aligned_max_diff,
            ));
        }
        let (columns, column, cell) = view_layout(ui, c, &views, room);
        let view_ui = |ui: &mut egui::Ui, (title, hw, diff): &View, row| {
            ui.vertical(|ui| {
                if columns {
                    ui.set_width(column);
                }
                ui.strong(title);
                tiles_ui(ui, row, *hw, cell);
                if let Some(max) = diff {
                    ui.label(diff_caption(s, *max));
                }
            });
        };
        if columns {
            ui.horizontal_top(|ui| {
                ui.spacing_mut().item_spacing.x = COLUMN_GAP;
                for (view, row) in views.iter().zip(&c.rows) {
                    view_ui(ui, view, row);
                }
            });
        } else {
            for (view, row) in views.iter().zip(&c.rows) {
                view_ui(ui, view, row);
            }
        }
        aligned_note_ui(ui, p, &c.aligned, (dx, dy));
    }
}

/// How the views are laid out: side by side in equal columns (titles wrap at the column's
/// width) or one under the other, whichever shows them larger, at most 5 points per cell.
/// Returns whether they are in columns, the column width and the cell size.
fn view_layout(ui: &egui::Ui, c: &StageTextures, views: &[View], room: f32) -> (bool, f32, f32) {
    let shown = c.channels.min(MAX_CHANNELS);
    let lines = line_height(ui);
    let (w, h) = (ui.available_width(), c.hw.0.max(1) as f32);
    let n = views.len() as f32;
    let column = ((w - n * COLUMN_GAP) / n).min(MAX_COLUMN);
    let title_rows = views
        .iter()
        .map(|(title, _, _)| text_rows(ui, title, column))
        .max()
        .unwrap_or(1) as f32;
    let side_by_side = cell_size(
        views
            .iter()
            .map(|(_, hw, _)| (column - shown as f32 * GAP) / (shown * hw.1.max(1)) as f32)
            .fold(MAX_CELL, f32::min)
            .min((room - (title_rows + 2.0) * lines) / h),
    );
    let by_width = (w - (shown as f32 - 1.0) * GAP) / (shown * c.hw.1.max(1)) as f32;
    let stacked = cell_size(by_width.min((room / n - 2.0 * lines) / h));
    let fits = |cell: f32| {
        views
            .iter()
            .all(|(_, hw, _)| shown as f32 * (hw.1 as f32 * cell + GAP) <= column)
    };
    let columns = column >= MIN_COLUMN && side_by_side >= stacked && fits(side_by_side);
    let cell = if columns { side_by_side } else { stacked };
    (columns, column, cell)
}

/// Why there is no aligned view, when there is none.
fn aligned_note_ui(ui: &mut egui::Ui, p: &Panels, aligned: &Aligned, (dx, dy): (i32, i32)) {
    let s = p.s;
    match aligned {
        Aligned::Maps(..) => {}
        Aligned::NotWholeCells => {
            let (sy, sx) = p.lab.strides.get(p.ex.stage).copied().unwrap_or((1, 1));
            ui.label(fill(s.lab_aligned_unavailable, &[&dx, &dy, &sx, &sy]));
        }
        Aligned::Vector => {
            ui.label(s.lab_aligned_vector);
        }
        Aligned::NoOverlap => {
            ui.label(s.lab_aligned_none);
        }
    }
}

/// The aligned view of stage `stage`: never computed unless the shift is whole cells there.
fn aligned_for(lab: &Lab, stage: usize, original: &Tensor, shifted: &Tensor) -> Aligned {
    let (Tensor::Maps(o), Tensor::Maps(t)) = (original, shifted) else {
        return Aligned::Vector;
    };
    if !lab.whole_cells(stage) {
        return Aligned::NotWholeCells;
    }
    let Some(&(sy, sx)) = lab.strides.get(stage) else {
        return Aligned::NotWholeCells;
    };
    let cx = (lab.settings.dx / sx.max(1) as i32) as i64;
    let cy = (lab.settings.dy / sy.max(1) as i32) as i64;
    match aligned_views(o, t, cx, cy) {
        Some((a, b)) if !a.is_empty() => Aligned::Maps(&b - &a, (cx, cy)),
        _ => Aligned::NoOverlap,
    }
}

fn stage_textures(
    ctx: &egui::Context,
    original: Option<&Tensor>,
    lab: &Lab,
    stage: usize,
    key: (u64, u64, usize),
) -> Option<StageTextures> {
    let original_t = original?;
    let shifted_t = lab.shifted.get(stage)?;
    let o = as_maps(original_t);
    let t = as_maps(shifted_t);
    if o.dim() != t.dim() {
        return None;
    }
    let diff = &*t - &*o;
    let aligned = aligned_for(lab, stage, original_t, shifted_t);
    let mut values: Vec<&f32> = o.iter().chain(t.iter()).chain(diff.iter()).collect();
    if let Aligned::Maps(a, _) = &aligned {
        values.extend(a.iter());
    }
    let scale = Scale::fit(values);
    let (channels, h, w) = o.dim();
    let upload = |maps: &Array3<f32>, name: &str| -> Vec<TextureHandle> {
        (0..maps.dim().0.min(MAX_CHANNELS))
            .map(|c| {
                ctx.load_texture(
                    format!("lab-{name}-{c}"),
                    color_image(&plane_image(maps.index_axis(Axis(0), c), &scale)),
                    TextureOptions::NEAREST,
                )
            })
            .collect()
    };
    let mut rows = vec![
        upload(&o, "original"),
        upload(&t, "shifted"),
        upload(&diff, "difference"),
    ];
    let mut aligned_hw = (0, 0);
    let mut aligned_max_diff = None;
    if let Aligned::Maps(a, _) = &aligned {
        aligned_hw = (a.dim().1, a.dim().2);
        aligned_max_diff = Some(max_abs(a.iter()));
        rows.push(upload(a, "aligned"));
    }
    Some(StageTextures {
        key,
        rows,
        scale,
        aligned,
        channels,
        hw: (h, w),
        aligned_hw,
        max_diff: max_abs(diff.iter()),
        aligned_max_diff,
    })
}

fn tiles_ui(ui: &mut egui::Ui, row: &[TextureHandle], (h, w): (usize, usize), cell: f32) {
    let size = Vec2::new(w as f32 * cell, h as f32 * cell);
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing = Vec2::splat(GAP);
        for tex in row {
            let r = ui.add(egui::Image::new(egui::load::SizedTexture::new(
                tex.id(),
                size,
            )));
            record(
                ui,
                ViewId::LabMaps,
                r.rect,
                Sizes::maps(cell, size.x.min(size.y)),
            );
        }
    });
}

const ORIGINAL_BLUE: egui::Color32 = egui::Color32::from_rgb(70, 120, 200);
const SHIFTED_ORANGE: egui::Color32 = egui::Color32::from_rgb(240, 140, 40);

/// A vector stage (dense, softmax) as bars, the original's and the shifted input's side by
/// side for each unit: a vector has no positions, so a map of it would only be a few pixels.
fn vector_bars_ui(ui: &mut egui::Ui, p: &Panels, original: &[f32], shifted: &[f32]) {
    use egui_plot::{Bar, BarChart, Plot};
    let s = p.s;
    let (dx, dy) = (p.lab.settings.dx, p.lab.settings.dy);
    let shifted_name = fill(s.lab_shifted, &[&dx, &dy]);
    ui.horizontal_wrapped(|ui| {
        key_ui(ui, ORIGINAL_BLUE, Dash::Solid, 6.0, s.lab_original);
        key_ui(ui, SHIFTED_ORANGE, Dash::Solid, 6.0, &shifted_name);
        let max = max_abs(
            original
                .iter()
                .zip(shifted)
                .map(|(a, b)| b - a)
                .collect::<Vec<_>>()
                .iter(),
        );
        ui.label(diff_caption(s, max));
    });
    let n = original.len();
    let classes = n == p.ex.net.info.labels.len();
    let bars = |values: &[f32], offset: f64, colour| -> Vec<Bar> {
        values
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                Bar::new(i as f64 + offset, v as f64)
                    .width(0.4)
                    .fill(colour)
                    .stroke(egui::Stroke::NONE)
            })
            .collect()
    };
    let labels: Vec<String> = (0..n)
        .map(|i| {
            if classes {
                p.ex.net.label(i)
            } else {
                i.to_string()
            }
        })
        .collect();
    let mut plot = Plot::new("lab-vector-bars")
        .id(egui::Id::unique("lab-vector-bars"))
        .height((ui.available_height() * 0.4).clamp(100.0, 200.0))
        .width(ui.available_width().clamp(200.0, 900.0))
        .include_y(0.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false);
    // Up to 32 bars each get a label; more (hidden units) keep egui_plot's spacing.
    if n <= 32 {
        plot = plot.x_grid_spacer(crate::app::widgets::plot_axis::one_mark_per_bar(n));
    }
    let shown = plot
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new(
                s.lab_original,
                bars(original, -0.2, ORIGINAL_BLUE),
            ));
            plot.bar_chart(BarChart::new(
                shifted_name.clone(),
                bars(shifted, 0.2, SHIFTED_ORANGE),
            ));
        });
    let rect = shown.response.rect;
    record(ui, ViewId::LabMaps, rect, Sizes::chart(rect.size()));
}
