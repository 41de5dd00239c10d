//! The lab's sweep: similarity and probability against shift, and the heat maps of a grid
//! sweep.

use super::state::{SweepData, SweepRun, max_shift};
use crate::analysis::{ShiftResult, SweepAxis, shift_grid};
use crate::app::i18n::{Strings, fill};
use crate::app::shell::commands::Command;
use crate::app::shell::panels::Panels;
use crate::app::widgets::maps::legend_ui;
use crate::app::widgets::plot_legend::{Dash, key_ui};
use crate::app::widgets::textures::color_image;
use crate::app::widgets::view_rects::{AXES_ROOM, MIN_CHART, Sizes, record};
use crate::engine::PoolMode;
use crate::lesson::ViewId;
use crate::viz::{Scale, plane_image};
use egui::{Color32, TextureHandle, TextureOptions, Vec2};
use egui_plot::{Bar, BarChart, Line, Plot, PlotPoints};

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
    // Keep to the visible edge: inside the lab's row the available width reaches past it.
    // Never below one panel's width: zoomed in, the visible edge can be left of the cursor
    // (a negative width panicked egui; the monkey test found it).
    let room = ui
        .available_width()
        .min(ui.clip_rect().right() - ui.cursor().min.x - 16.0)
        .max(160.0);
    ui.set_max_width(room);
    ui.heading(s.sweep_heading);
    sweep_controls_ui(ui, p);
    let Some(data) = &p.lab.sweep else {
        ui.weak(s.sweep_hint);
        return;
    };
    if data.generation != p.ex.generation {
        ui.colored_label(ui.visuals().warn_fg_color, s.sweep_stale);
    }
    let axis = data.axis;
    let both = axis == SweepAxis::Both;
    sweep_keys_ui(ui, s, data);
    // On its own line, wrapped: in the row above, this long key ran past the window's edge.
    change_key_ui(ui, s.sweep_changes_band);
    let x_label = if both {
        s.sweep_distance
    } else if p.ex.model.info.audio.is_some() {
        s.sweep_shift_audio
    } else {
        s.sweep_shift
    };
    let link = egui::Id::unique("lab-sweep-link");
    if p.view.focus(&ViewId::LabSweep) {
        // Named by a lesson step: one chart of at least the contract's size, every mode's
        // curves in it told apart by their dash (small multiples would each be too narrow).
        if data.runs.len() > 1 {
            ui.horizontal_wrapped(|ui| {
                for run in &data.runs {
                    let colour = ui.visuals().text_color();
                    key_ui(ui, colour, mode_dash(run.mode), 2.0, s.pool_mode(run.mode));
                }
            });
        }
        let runs: Vec<&SweepRun> = data.runs.iter().collect();
        let width = room.clamp((MIN_CHART + AXES_ROOM).x, 720.0);
        sweep_plot_ui(ui, p, data, &runs, width, x_label, link);
    } else {
        // Small multiples: one panel per pooling mode, on the same axes, rather than every
        // mode's curves on top of each other.
        let panels = data.runs.len().max(1) as f32;
        let gap = ui.spacing().item_spacing.x;
        let width = ((room - gap * (panels - 1.0)) / panels).max(160.0);
        ui.horizontal_top(|ui| {
            for run in &data.runs {
                ui.vertical(|ui| {
                    if data.runs.len() > 1 {
                        let dash = mode_dash(run.mode);
                        key_ui(
                            ui,
                            ui.visuals().text_color(),
                            dash,
                            2.0,
                            s.pool_mode(run.mode),
                        );
                    }
                    sweep_plot_ui(ui, p, data, &[run], width, x_label, link);
                });
            }
        });
    }
    // The note explains the small multiples; a lesson's single chart has its key above.
    if data.runs.len() > 1 && !p.view.focus(&ViewId::LabSweep) {
        ui.label(s.sweep_modes_note);
    }
    if both {
        heat_maps_ui(ui, p, heat);
    }
}

/// The sweep's axis, the switch that compares the pooling modes, Run and its progress.
fn sweep_controls_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    let mut settings = p.lab.settings;
    ui.horizontal_wrapped(|ui| {
        ui.label(s.sweep_axis);
        // A spectrogram's x is time (the same word said later) and its y frequency (a
        // higher voice): different questions, named as such.
        let audio = p.ex.model.info.audio.is_some();
        let (x, y) = if audio {
            (s.axis_time, s.axis_frequency)
        } else {
            ("x", "y")
        };
        ui.selectable_value(&mut settings.axis, SweepAxis::X, x);
        ui.selectable_value(&mut settings.axis, SweepAxis::Y, y);
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
}

/// The legend, outside the plots where it covers nothing: a line sample per curve.
fn sweep_keys_ui(ui: &mut egui::Ui, s: &Strings, data: &SweepData) {
    ui.horizontal_wrapped(|ui| {
        for (k, &stage) in data.plotted.iter().enumerate() {
            let name = data.stage_names.get(stage).map_or("", String::as_str);
            key_ui(
                ui,
                STAGE_COLORS[k % STAGE_COLORS.len()],
                Dash::Solid,
                2.0,
                name,
            );
        }
        key_ui(ui, Color32::GRAY, Dash::Solid, 3.0, s.sweep_probability);
    });
}

/// Red: the prediction changed at this shift (on the grid, the share of shifts at this
/// distance whose prediction changed sets how strong the red is).
const CHANGE_RED: Color32 = Color32::from_rgb(220, 40, 40);

/// The band's sample in the legend: a red strip.
fn change_key_ui(ui: &mut egui::Ui, text: &str) {
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        let h = ui.text_style_height(&egui::TextStyle::Body);
        let (rect, _) = ui.allocate_exact_size(Vec2::new(28.0, h), egui::Sense::hover());
        ui.painter()
            .rect_filled(rect.shrink2(Vec2::new(0.0, h * 0.3)), 0.0, CHANGE_RED);
        ui.add(egui::Label::new(text).wrap());
    });
}

/// Where the strip of prediction changes sits, below the curves (which run from 0 to 1).
const BAND: (f64, f64) = (-0.14, -0.04);

/// Grid marks at every whole pixel; even ones (and multiples of ten) count as coarser steps,
/// so the labels thin out to every other pixel when a panel is narrow.
pub(super) fn shift_marks(lo: f64, hi: f64) -> Vec<egui_plot::GridMark> {
    let (lo, hi) = (lo.ceil() as i64, hi.floor() as i64);
    (lo..=hi)
        .map(|i| egui_plot::GridMark {
            value: i as f64,
            step_size: if i % 10 == 0 {
                10.0
            } else if i % 2 == 0 {
                2.0
            } else {
                1.0
            },
        })
        .collect()
}

/// A shift as a tick label: "−3", "0", "+3".
pub(super) fn shift_label(v: f64) -> String {
    let i = v.round() as i64;
    match i.cmp(&0) {
        std::cmp::Ordering::Greater => format!("+{i}"),
        std::cmp::Ordering::Less => format!("−{}", -i),
        std::cmp::Ordering::Equal => "0".to_string(),
    }
}

fn sweep_plot_ui(
    ui: &mut egui::Ui,
    p: &Panels,
    data: &SweepData,
    runs: &[&SweepRun],
    width: f32,
    x_label: &str,
    link: egui::Id,
) {
    let s = p.s;
    let focus = p.view.focus(&ViewId::LabSweep);
    // Within the height left (a line kept for the note below), up to 230 points; named by a
    // lesson step, at least the contract's chart.
    let room = ui.available_height() - 2.0 * crate::app::widgets::maps::line_height(ui);
    let height = if focus {
        room.clamp((MIN_CHART + AXES_ROOM).y, 400.0)
    } else {
        room.clamp(120.0, 230.0)
    };
    // One strip of prediction changes per run, each below the last.
    let band_lo = BAND.0 - BAND_STEP * (runs.len().max(1) - 1) as f64;
    let id = runs.first().map_or("none", |r| r.mode.as_str());
    let x_axis = egui_plot::AxisHints::new_x()
        .label(x_label)
        .label_spacing(22.0..=30.0)
        .formatter(|mark, _| shift_label(mark.value));
    // One mode's panel keeps its mode's id (tests read its bounds); the lesson's chart of
    // every mode has its own.
    let plot_id = if runs.len() == 1 {
        egui::Id::unique(("lab-sweep", id))
    } else {
        egui::Id::unique(("lab-sweep", id, runs.len()))
    };
    let shown = Plot::new(("lab-sweep", id, runs.len()))
        .id(plot_id)
        .height(height)
        .width(width)
        .include_y(band_lo)
        .include_y(1.0)
        .custom_x_axes(vec![x_axis])
        .x_grid_spacer(|input| shift_marks(input.bounds.0, input.bounds.1))
        .y_axis_label(s.sweep_similarity)
        .link_axis(link, [true, true])
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show(ui, |plot| {
            for (r, run) in runs.iter().enumerate() {
                run_lines_ui(plot, s, data, run, BAND_STEP * r as f64);
            }
        });
    let rect = shown.response.rect;
    record(ui, ViewId::LabSweep, rect, Sizes::chart(rect.size()));
}

/// How far below the last each further run's strip of prediction changes sits.
const BAND_STEP: f64 = 0.12;

/// One run's curves (dashed by its pooling mode) and its strip of prediction changes, `drop`
/// below the first run's.
fn run_lines_ui(
    plot: &mut egui_plot::PlotUi<'_>,
    s: &Strings,
    data: &SweepData,
    run: &SweepRun,
    drop: f64,
) {
    let axis = data.axis;
    let style = mode_dash(run.mode).line_style();
    for (k, &stage) in data.plotted.iter().enumerate() {
        let name = data.stage_names.get(stage).cloned().unwrap_or_default();
        let pts = run.series(axis, |r| {
            r.stages.get(stage).map_or(f32::NAN, |c| c.same_position)
        });
        plot.line(
            Line::new(name, PlotPoints::new(pts))
                .color(STAGE_COLORS[k % STAGE_COLORS.len()])
                .width(1.5)
                .style(style),
        );
    }
    let prob = run.series(axis, |r| r.original_class_probability);
    plot.line(
        Line::new(s.sweep_probability, PlotPoints::new(prob))
            .color(Color32::GRAY)
            .width(3.0)
            .style(style),
    );
    // The prediction changes as one strip of red cells under the curves.
    let bars: Vec<Bar> = run
        .changes(axis)
        .into_iter()
        .map(|(x, share)| {
            let alpha = (60.0 + 195.0 * share) as u8;
            Bar::new(x, BAND.1 - BAND.0)
                .base_offset(BAND.0 - drop)
                .width(1.0)
                .fill(Color32::from_rgba_unmultiplied(
                    CHANGE_RED.r(),
                    CHANGE_RED.g(),
                    CHANGE_RED.b(),
                    alpha,
                ))
                .stroke(egui::Stroke::NONE)
        })
        .collect();
    if !bars.is_empty() {
        plot.bar_chart(BarChart::new(s.sweep_changes, bars));
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
                color_image(&plane_image(grid.view(), &UNIT_SCALE)),
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

#[cfg(test)]
mod tests {
    use super::{shift_label, shift_marks};

    #[test]
    fn every_whole_pixel_is_a_labelled_tick() {
        let marks = shift_marks(-7.4, 7.4);
        let values: Vec<f64> = marks.iter().map(|m| m.value).collect();
        assert_eq!(values, (-7..=7).map(f64::from).collect::<Vec<_>>());
        // Even shifts are the coarser step, so narrow panels keep every other label.
        assert_eq!(marks[1].step_size, 2.0);
        assert_eq!(marks[0].step_size, 1.0);
        assert_eq!(marks[7].step_size, 10.0);
        assert_eq!(shift_label(3.0), "+3");
        assert_eq!(shift_label(-2.0), "−2");
        assert_eq!(shift_label(0.0), "0");
    }
}
