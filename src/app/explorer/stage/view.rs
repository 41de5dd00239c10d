//! The main view of the selected stage: its heading, the arithmetic panel beside it, and the
//! view for its layer kind (one file each; activations and global pooling show their maps
//! before and after, see `common`). The input stage's maps are drawn here.

use super::arith::side_panel_ui;
use super::common::{before_after_ui, elementwise_ui, hover_value_ui, scale_row_ui};
use super::conv::conv_ui;
use super::dense::{dense_ui, softmax_ui};
use super::dropout::dropout_stage_ui;
use super::examples::{examples_panel_ui, examples_toggle_ui};
use super::flatten::flatten_ui;
use super::merge::merge_ui;
use super::pool::pool_ui;
use super::spectrogram_axes::SpectrogramAxes;
use crate::app::i18n::fill;
use crate::app::shell::commands::Command;
use crate::app::shell::panels::Panels;
use crate::app::widgets::maps::{
    as_maps, fit_grid, line_height, maps_grid_ui, record_grid, stage_title, stage_view,
};
use crate::engine::LayerKind;
use crate::lesson::StagePart;
use egui::Vec2;

pub(crate) fn stage_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let stage = p.ex.stage;
    ui.horizontal(|ui| {
        ui.heading(stage_title(p, stage));
        if ui
            .button(p.s.export_png)
            .on_hover_text(p.s.export_tip)
            .clicked()
        {
            p.commands.push(Command::ExportDialog);
        }
        if matches!(
            p.ex.stage_layer(stage).map(|l| &l.kind),
            Some(LayerKind::Conv2d(_) | LayerKind::Dense(_))
        ) {
            ui.toggle_value(&mut p.view.arith.show, p.s.arith_show)
                .on_hover_text(p.s.arith_show_tip);
        }
        examples_toggle_ui(ui, p, stage);
        let mut explain = p.explain.shown;
        if ui
            .toggle_value(&mut explain, p.s.explain_title)
            .on_hover_text(p.s.explain_tip)
            .clicked()
        {
            p.commands.push(Command::ToggleExplain);
        }
    });
    if let Some(note) = &p.ex.window_note {
        ui.colored_label(ui.visuals().warn_fg_color, fill(p.s.cut_short, &[note]));
    }
    side_panel_ui(ui, p, stage);
    examples_panel_ui(ui, p, stage);
    egui::ScrollArea::both()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let ex = p.ex;
            match ex.stage_layer(stage).map(|l| &l.kind) {
                None => input_stage_ui(ui, p),
                Some(LayerKind::Conv2d(conv)) => conv_ui(ui, p, stage, conv),
                Some(LayerKind::Pool2d(pool)) => pool_ui(ui, p, stage, pool),
                Some(LayerKind::Activation(_)) => {
                    ui.label(p.s.activation_tip);
                    before_after_ui(ui, p, stage);
                }
                Some(LayerKind::GlobalAvgPool) => {
                    ui.label(p.s.gap_tip);
                    before_after_ui(ui, p, stage);
                }
                Some(LayerKind::Flatten) => flatten_ui(ui, p, stage),
                Some(LayerKind::Dropout { .. }) => dropout_stage_ui(ui, p, stage),
                Some(LayerKind::Dense(dense)) => dense_ui(ui, p, stage, dense),
                Some(LayerKind::Softmax | LayerKind::LogSoftmax) => softmax_ui(ui, p),
                Some(LayerKind::BatchNorm(_)) => {
                    ui.label(p.s.batch_norm_tip);
                    elementwise_ui(ui, p, stage);
                }
                Some(LayerKind::Prelu(_)) => {
                    ui.label(p.s.activation_tip);
                    elementwise_ui(ui, p, stage);
                }
                Some(LayerKind::GlobalMaxPool) => {
                    ui.label(p.s.gmp_tip);
                    before_after_ui(ui, p, stage);
                }
                Some(LayerKind::AdaptivePool(_)) => {
                    ui.label(p.s.adaptive_pool_tip);
                    before_after_ui(ui, p, stage);
                }
                Some(LayerKind::Merge(m)) => merge_ui(ui, p, stage, *m),
                Some(LayerKind::LayerNorm(_)) => {
                    ui.label(p.s.layer_norm_tip);
                    elementwise_ui(ui, p, stage);
                }
                Some(LayerKind::Pad2d(_)) => {
                    ui.label(p.s.pad_tip);
                    before_after_ui(ui, p, stage);
                }
                Some(LayerKind::Resize(_)) => {
                    ui.label(p.s.resize_tip);
                    before_after_ui(ui, p, stage);
                }
                Some(LayerKind::PickChannels(_)) => {
                    ui.label(p.s.pick_channels_tip);
                    before_after_ui(ui, p, stage);
                }
            }
        });
}

/// The input as the network reads it, one map per channel.
fn input_stage_ui(ui: &mut egui::Ui, p: &mut Panels) {
    // A speech model's input is a spectrogram, not a picture cropped and resized.
    let what = match p.ex.model.info.audio {
        Some(_) => p.s.network_hears_tip,
        None => p.s.network_sees_tip,
    };
    ui.label(what);
    scale_row_ui(ui, p, 0);
    let (c, h, w) = p.ex.trace.first().map_or((1, 1, 1), |t| as_maps(t).dim());
    // A spectrogram gets its axes: time below it, each band's frequency on its left.
    let spec = p.ex.model.info.audio.clone().filter(|_| c == 1);
    let axes = spec.as_ref().map(|spec| SpectrogramAxes {
        spec,
        bands: h,
        frames: w,
    });
    let axes_room = axes.as_ref().map_or(Vec2::ZERO, |a| a.room(ui));
    let room = ui.available_size() - Vec2::new(axes_room.x, line_height(ui) + axes_room.y);
    let (cols, cell) = fit_grid(room, c, (h, w), 12.0);
    let out = if axes.is_some() {
        ui.horizontal_top(|ui| {
            ui.add_space(axes_room.x);
            ui.vertical(|ui| maps_grid_ui(ui, p, 0, cell, cols)).inner
        })
        .inner
    } else {
        maps_grid_ui(ui, p, 0, cell, cols)
    };
    if let (Some(axes), Some(tile)) = (&axes, out.tiles.first()) {
        ui.add_space(axes_room.y);
        axes.ui(ui, p.s, *tile);
    }
    record_grid(ui, stage_view(p, 0, StagePart::Maps), &out);
    hover_value_ui(ui, p, 0, out.hovered);
}
