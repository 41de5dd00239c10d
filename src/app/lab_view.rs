//! Drawing the translation lab: shift controls, the selected stage's original / shifted /
//! difference maps on one colour scale, the per-stage similarity table and the sweep plot.
//! Everything shown comes from `Lab` (computed by `analysis`); this file only draws it.

use super::i18n::fill;
use super::lab::SweepData;
use super::lab::{Lab, LabSettings, max_shift};
use super::maps_ui::{as_maps, fit_cell, legend_ui};
use super::{Command, Panels};
use crate::analysis::similarity::aligned_views;
use crate::analysis::{ShiftResult, SweepAxis, mean_by_distance, shift_grid};
use crate::engine::{PoolMode, Tensor};
use crate::io::Fill;
use crate::viz::{Scale, to_color_image};
use egui::{Color32, TextureHandle, TextureOptions, Vec2};
use egui_plot::{Legend, Line, LineStyle, MarkerShape, Plot, PlotPoints, Points};
use ndarray::{Array3, Axis};

/// At most this many channels per row of maps.
const MAX_CHANNELS: usize = 16;

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
}

/// A grid sweep's heat maps for one stage: per pooling mode, the stage's similarity and the
/// original class's probability over (dx, dy).
struct HeatMaps {
    /// The sweep (its serial) and the stage they show.
    key: (u64, usize),
    /// The largest shift: the maps span -n..=n both ways.
    n: i32,
    maps: Vec<(PoolMode, TextureHandle, TextureHandle)>,
}

#[derive(Default)]
pub(crate) struct LabView {
    cache: Option<StageTextures>,
    heat: Option<HeatMaps>,
}

impl LabView {
    pub fn ui(&mut self, ui: &mut egui::Ui, p: &mut Panels) {
        egui::ScrollArea::vertical()
            .auto_shrink(false)
            .show(ui, |ui| {
                controls_ui(ui, p);
                ui.label(egui::RichText::new(p.s.lab_caption).italics());
                if let Some(e) = &p.lab.last_error {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                ui.separator();
                self.stage_maps_ui(ui, p);
                ui.separator();
                // The table and the sweep side by side, so the plot is in view.
                ui.horizontal_top(|ui| {
                    ui.vertical(|ui| {
                        ui.set_max_width(440.0);
                        table_ui(ui, p);
                    });
                    ui.separator();
                    ui.vertical(|ui| sweep_ui(ui, p, &mut self.heat));
                });
            });
    }

    fn stage_maps_ui(&mut self, ui: &mut egui::Ui, p: &mut Panels) {
        let stage = p.ex.stage;
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
                ui.small(fill(s.lab_channels_shown, &[&MAX_CHANNELS, &c.channels]));
            }
        });
        let shown = c.channels.min(MAX_CHANNELS);
        // At most 5 points per cell, so one-channel stages sit side by side.
        let cell = fit_cell(ui.available_width(), shown, c.hw.1, 5.0);
        let (dx, dy) = (p.lab.settings.dx, p.lab.settings.dy);
        let mut views = vec![
            (s.lab_original.to_string(), c.hw),
            (fill(s.lab_shifted, &[&dx, &dy]), c.hw),
            (s.lab_difference.to_string(), c.hw),
        ];
        if let Aligned::Maps(_, (cx, cy)) = &c.aligned {
            views.push((fill(s.lab_aligned, &[cx, cy]), c.aligned_hw));
        }
        let gap = super::maps_ui::GAP;
        let group_width = |hw: (usize, usize)| {
            (shown as f32 * (hw.1 as f32 * cell + gap)).max(c.hw.1 as f32 * cell)
        };
        let total: f32 = views.iter().map(|(_, hw)| group_width(*hw) + 12.0).sum();
        let view_ui = |ui: &mut egui::Ui, (title, hw): &(String, (usize, usize)), row| {
            ui.vertical(|ui| {
                ui.set_max_width(group_width(*hw).max(120.0));
                ui.strong(title);
                tiles_ui(ui, row, *hw, cell);
            });
        };
        if total <= ui.available_width() {
            // Side by side when they fit (one-channel stages).
            ui.horizontal_top(|ui| {
                for (view, row) in views.iter().zip(&c.rows) {
                    view_ui(ui, view, row);
                }
            });
        } else {
            for (view, row) in views.iter().zip(&c.rows) {
                view_ui(ui, view, row);
            }
        }
        match &c.aligned {
            Aligned::Maps(..) => {}
            Aligned::NotWholeCells => {
                let (sy, sx) = p.lab.strides.get(stage).copied().unwrap_or((1, 1));
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
                    to_color_image(maps.index_axis(Axis(0), c), &scale),
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
    if let Aligned::Maps(a, _) = &aligned {
        aligned_hw = (a.dim().1, a.dim().2);
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
    })
}

fn tiles_ui(ui: &mut egui::Ui, row: &[TextureHandle], (h, w): (usize, usize), cell: f32) {
    let size = Vec2::new(w as f32 * cell, h as f32 * cell);
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing = Vec2::splat(super::maps_ui::GAP);
        for tex in row {
            ui.add(egui::Image::new(egui::load::SizedTexture::new(
                tex.id(),
                size,
            )));
        }
    });
}

/// A stage's name as shown: the input in the UI's language, layers by their names.
fn stage_label<'a>(p: &'a Panels, stage: usize) -> &'a str {
    match stage {
        0 => p.s.input_stage,
        i => p.lab.names.get(i).map_or("", |n| n.as_str()),
    }
}

fn fill_name(p: &Panels, f: Fill) -> &'static str {
    match f {
        Fill::Zero => p.s.fill_zero,
        Fill::Edge => p.s.fill_edge,
        Fill::Wrap => p.s.fill_wrap,
    }
}

fn controls_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    let mut settings: LabSettings = p.lab.settings;
    let m = max_shift(&p.ex.net);
    ui.horizontal_wrapped(|ui| {
        ui.add(egui::Slider::new(&mut settings.dx, -m..=m).text("dx"))
            .on_hover_text(s.shift_tip);
        ui.add(egui::Slider::new(&mut settings.dy, -m..=m).text("dy"))
            .on_hover_text(s.shift_tip);
        ui.separator();
        ui.label(s.fill).on_hover_text(s.fill_tip);
        for f in Fill::ALL {
            ui.selectable_value(&mut settings.fill, f, fill_name(p, f));
        }
        ui.separator();
        let stage = p.ex.stage;
        let label = ui.label(s.lab_stage);
        egui::ComboBox::from_id_salt("lab-stage")
            .selected_text(stage_label(p, stage).to_string())
            .show_ui(ui, |ui| {
                for i in 0..p.lab.names.len() {
                    if ui.selectable_label(i == stage, stage_label(p, i)).clicked() {
                        p.commands.push(Command::SelectStage(i));
                    }
                }
            })
            .response
            .labelled_by(label.id);
    });
    if settings != p.lab.settings {
        p.commands.push(Command::SetLab(settings));
    }
}

fn table_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    let Some(result) = &p.lab.result else { return };
    egui::Grid::new("lab-table")
        .striped(true)
        .num_columns(4)
        .show(ui, |ui| {
            ui.strong(s.col_stage);
            ui.strong(s.col_stride);
            ui.strong(s.col_same).on_hover_text(s.lab_table_tip);
            ui.strong(s.col_aligned).on_hover_text(s.lab_table_tip);
            ui.end_row();
            for (i, change) in result.stages.iter().enumerate() {
                let name = stage_label(p, i).to_string();
                let selected = i == p.ex.stage;
                if ui.selectable_label(selected, name).clicked() {
                    p.commands.push(Command::SelectStage(i));
                }
                let (sy, sx) = p.lab.strides.get(i).copied().unwrap_or((1, 1));
                ui.label(if sx == sy {
                    sx.to_string()
                } else {
                    format!("{sy}×{sx}")
                });
                ui.monospace(format!("{:.4}", change.same_position));
                ui.monospace(
                    change
                        .aligned
                        .map_or("—".to_string(), |a| format!("{a:.4}")),
                );
                ui.end_row();
            }
        });
    if let Some((top, before, after, now)) = p.lab.prediction_change(p.ex) {
        let label = |i: usize| p.ex.net.label(i);
        let text = fill(
            s.lab_prediction,
            &[
                &label(top),
                &format!("{before:.3}"),
                &format!("{after:.3}"),
                &label(now),
            ],
        );
        if now == top {
            ui.label(text);
        } else {
            ui.colored_label(ui.visuals().warn_fg_color, text);
        }
    }
}

/// A colour per plotted stage, cycling.
const STAGE_COLORS: [Color32; 8] = [
    Color32::from_rgb(31, 119, 180),
    Color32::from_rgb(255, 127, 14),
    Color32::from_rgb(44, 160, 44),
    Color32::from_rgb(148, 103, 189),
    Color32::from_rgb(140, 86, 75),
    Color32::from_rgb(227, 119, 194),
    Color32::from_rgb(23, 190, 207),
    Color32::from_rgb(188, 189, 34),
];

fn mode_style(mode: PoolMode) -> LineStyle {
    match mode {
        PoolMode::Max => LineStyle::Solid,
        PoolMode::Avg => LineStyle::dashed_loose(),
        _ => LineStyle::dotted_loose(),
    }
}

fn sweep_ui(ui: &mut egui::Ui, p: &mut Panels, heat: &mut Option<HeatMaps>) {
    let s = p.s;
    let mut settings = p.lab.settings;
    ui.heading(s.sweep_heading);
    ui.horizontal_wrapped(|ui| {
        ui.label(s.sweep_axis);
        ui.selectable_value(&mut settings.axis, SweepAxis::X, "x");
        ui.selectable_value(&mut settings.axis, SweepAxis::Y, "y");
        ui.selectable_value(&mut settings.axis, SweepAxis::Both, s.axis_both);
        ui.checkbox(&mut settings.compare_modes, s.compare_modes)
            .on_hover_text(s.compare_modes_tip);
        let running = p.lab.job.as_ref();
        let button = ui
            .add_enabled(running.is_none(), egui::Button::new(s.run_sweep))
            .on_hover_text(fill(s.sweep_tip, &[&max_shift(&p.ex.net)]));
        if button.clicked() {
            p.commands.push(Command::RunSweep);
        }
        if let Some(job) = running {
            ui.add(
                egui::ProgressBar::new(job.progress())
                    .show_percentage()
                    .desired_width(200.0),
            );
            if ui
                .button(s.stop_sweep)
                .on_hover_text(s.stop_sweep_tip)
                .clicked()
            {
                p.commands.push(Command::CancelSweep);
            }
        }
    });
    if settings != p.lab.settings {
        p.commands.push(Command::SetLab(settings));
    }
    let Some(data) = &p.lab.sweep else {
        ui.weak(s.sweep_hint);
        return;
    };
    if data.generation != p.ex.generation {
        ui.colored_label(ui.visuals().warn_fg_color, s.sweep_stale);
    }
    ui.small(s.sweep_note);
    if data.runs.len() > 1 {
        ui.small(s.sweep_modes_note);
    }
    let x_of = |dx: i32, dy: i32| -> f64 {
        match data.axis {
            SweepAxis::X => dx as f64,
            SweepAxis::Y => dy as f64,
            SweepAxis::Both => ((dx * dx + dy * dy) as f64).sqrt(),
        }
    };
    let x_label = if data.axis == SweepAxis::Both {
        s.sweep_distance
    } else {
        s.sweep_shift
    };
    let both = data.axis == SweepAxis::Both;
    Plot::new("lab-sweep")
        .height(250.0)
        .width(ui.available_width().max(200.0))
        .legend(Legend::default().position(egui_plot::Corner::LeftBottom))
        .include_y(0.0)
        .include_y(1.0)
        .x_axis_label(x_label)
        .y_axis_label(s.sweep_similarity)
        .show(ui, |plot| {
            for run in &data.runs {
                // One legend entry per stage for all modes: the line style tells the modes apart.
                let style = mode_style(run.mode);
                // Along x or y, every shift; on the grid, the mean at each distance.
                let series = |value: &dyn Fn(&ShiftResult) -> f32| -> Vec<[f64; 2]> {
                    if both {
                        return mean_by_distance(&run.results, value)
                            .into_iter()
                            .map(|(d, v)| [d, v])
                            .collect();
                    }
                    let mut pts: Vec<[f64; 2]> = run
                        .results
                        .iter()
                        .map(|r| [x_of(r.dx, r.dy), value(r) as f64])
                        .collect();
                    pts.sort_by(|a, b| a[0].total_cmp(&b[0]));
                    pts
                };
                for (k, &stage) in data.plotted.iter().enumerate() {
                    let name = data.stage_names.get(stage).cloned().unwrap_or_default();
                    let pts =
                        series(&|r| r.stages.get(stage).map_or(f32::NAN, |c| c.same_position));
                    let color = STAGE_COLORS[k % STAGE_COLORS.len()];
                    plot.line(
                        Line::new(name, PlotPoints::new(pts))
                            .color(color)
                            .style(style),
                    );
                }
                let prob = series(&|r| r.original_class_probability);
                plot.line(
                    Line::new(s.sweep_probability, PlotPoints::new(prob))
                        .color(Color32::GRAY)
                        .width(2.5)
                        .style(style),
                );
                let changed: Vec<[f64; 2]> = run
                    .results
                    .iter()
                    .filter(|r| r.predicted != run.original_class)
                    .map(|r| [x_of(r.dx, r.dy), r.original_class_probability as f64])
                    .collect();
                if !changed.is_empty() {
                    plot.points(
                        Points::new(s.sweep_changes, PlotPoints::new(changed))
                            .shape(MarkerShape::Cross)
                            .color(Color32::RED)
                            .radius(5.0),
                    );
                }
            }
        });
    if both {
        heat_maps_ui(ui, p, heat);
    }
}

/// Heat maps of a grid sweep for the stage selected above: where in (dx, dy) the stage keeps
/// its answer, one map per pooling mode, and the original class's probability beside it.
fn heat_maps_ui(ui: &mut egui::Ui, p: &Panels, heat: &mut Option<HeatMaps>) {
    let Some(data) = &p.lab.sweep else { return };
    let stage = p.ex.stage;
    let key = (p.lab.sweep_serial, stage);
    if heat.as_ref().is_none_or(|h| h.key != key) {
        *heat = heat_maps(ui.ctx(), data, key);
    }
    let Some(h) = heat.as_ref() else { return };
    let s = p.s;
    let stage_name = data.stage_names.get(stage).map_or("", String::as_str);
    ui.add_space(6.0);
    ui.strong(fill(s.heat_heading, &[&stage_name]));
    ui.horizontal(|ui| {
        ui.small(fill(s.heat_note, &[&h.n]));
        legend_ui(ui, &UNIT_SCALE);
    });
    let side = 2 * h.n as usize + 1;
    let cell = (120.0 / side as f32).clamp(2.0, 8.0);
    let size = Vec2::splat(side as f32 * cell);
    // One row per pooling mode: the stage's similarity, then the class's probability.
    egui::Grid::new("lab-heat-maps")
        .spacing(Vec2::splat(6.0))
        .show(ui, |ui| {
            ui.label("");
            ui.small(stage_name);
            ui.small(s.sweep_probability);
            ui.end_row();
            for (mode, similarity, probability) in &h.maps {
                ui.small(mode.as_str());
                for texture in [similarity, probability] {
                    ui.add(egui::Image::new(egui::load::SizedTexture::new(
                        texture.id(),
                        size,
                    )));
                }
                ui.end_row();
            }
        });
}

/// Similarity and probability both run from 0 (far from the original) to 1 (unchanged).
const UNIT_SCALE: Scale = Scale {
    lo: 0.0,
    hi: 1.0,
    signed: false,
};

fn heat_maps(ctx: &egui::Context, data: &SweepData, key: (u64, usize)) -> Option<HeatMaps> {
    let (_, stage) = key;
    let mut n = 0;
    let mut maps = Vec::with_capacity(data.runs.len());
    for run in &data.runs {
        let similarity =
            |r: &ShiftResult| r.stages.get(stage).map_or(f32::NAN, |c| c.same_position);
        let (sim, size) = shift_grid(&run.results, similarity)?;
        let (prob, _) = shift_grid(&run.results, |r| r.original_class_probability)?;
        n = size;
        let upload = |grid: &ndarray::Array2<f32>, what: &str| {
            ctx.load_texture(
                format!("lab-heat-{what}-{}", run.mode.as_str()),
                to_color_image(grid.view(), &UNIT_SCALE),
                TextureOptions::NEAREST,
            )
        };
        maps.push((
            run.mode,
            upload(&sim, "similarity"),
            upload(&prob, "probability"),
        ));
    }
    Some(HeatMaps { key, n, maps })
}
