//! The lab's sweep: similarity and probability against shift, and the heat maps of a grid
//! sweep.

use super::super::i18n::fill;
use super::super::lab::{SweepData, max_shift};
use super::super::maps_ui::legend_ui;
use super::super::plot_legend::Dash;
use super::super::{Command, Panels};
use crate::analysis::{ShiftResult, SweepAxis, mean_by_distance, shift_grid};
use crate::engine::PoolMode;
use crate::viz::{Scale, to_color_image};
use egui::{Color32, TextureHandle, TextureOptions, Vec2};
use egui_plot::{Legend, Line, MarkerShape, Plot, PlotPoints, Points};

/// A grid sweep's heat maps for one stage: per pooling mode, the stage's similarity and the
/// original class's probability over (dx, dy).
pub(super) struct HeatMaps {
    /// The sweep (its serial) and the stage they show.
    key: (u64, usize),
    /// The largest shift: the maps span -n..=n both ways.
    n: i32,
    maps: Vec<(PoolMode, TextureHandle, TextureHandle)>,
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

fn mode_dash(mode: PoolMode) -> Dash {
    match mode {
        PoolMode::Max => Dash::Solid,
        PoolMode::Avg => Dash::Dashed,
        _ => Dash::Dotted,
    }
}

pub(super) fn sweep_ui(ui: &mut egui::Ui, p: &mut Panels, heat: &mut Option<HeatMaps>) {
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
                let style = mode_dash(run.mode).line_style();
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
                ui.small(s.pool_mode(*mode));
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
