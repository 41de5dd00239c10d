//! The Train tab: the settings a teacher varies on the left; on the right the run's progress
//! and speed, its learning curves with the earlier runs on the same axes, and the first
//! layer's kernels and feature maps as the weights change. Reads only what
//! [`Training`](super::state::Training) holds; every action is a [`Command`].

use super::plots::{
    MIN_PLOT_HEIGHT, accuracy_plot_ui, data_name, legend_ui, plots_height, plots_ui,
    short_legend_ui,
};
use super::protocol::SNAPSHOT_STEPS;
use super::run::{Run, RunState};
use super::settings::{ArchChoice, DataChoice, TRAIN_SIZES, TrainSettings};
use super::snapshot::SnapshotTextures;
use crate::app::i18n::{Strings, fill, grouped};
use crate::app::shell::commands::Command;
use crate::app::shell::panels::Panels;
use crate::app::widgets::view_rects::{AXES_ROOM, MIN_CHART};
use crate::data::augment::Augment;
use crate::data::voice_augment::VoiceAugment;
use crate::engine::PoolMode;
use crate::lesson::ViewId;
use crate::viz::number::grouped_round;
use egui::Vec2;

/// What the Train tab keeps between frames: the latest snapshot's textures.
#[derive(Default)]
pub(crate) struct TrainView {
    snapshot: SnapshotTextures,
}

impl TrainView {
    pub(crate) fn ui(&mut self, ui: &mut egui::Ui, p: &mut Panels) {
        if p.view.focus(&ViewId::Train) {
            lesson_ui(ui, p);
            return;
        }
        let width = (ui.available_width() * 0.3).clamp(240.0, 400.0);
        let height = ui.available_height();
        ui.horizontal_top(|ui| {
            ui.allocate_ui_with_layout(
                Vec2::new(width, height),
                egui::Layout::top_down(egui::Align::Min),
                |ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("train-settings")
                        .show(ui, |ui| {
                            ui.set_width(width - 16.0);
                            settings_ui(ui, p);
                            ui.separator();
                            controls_ui(ui, p);
                        });
                },
            );
            ui.separator();
            ui.vertical(|ui| {
                let height = ui.available_height();
                egui::ScrollArea::vertical()
                    .id_salt("train-live")
                    .show(ui, |ui| self.live_ui(ui, p, height));
            });
        });
    }

    /// The run's progress, legend, curves and snapshot; `height` is the visible height. The
    /// kernels and maps are drawn at their natural size when the plots keep at least
    /// [`MIN_PLOT_HEIGHT`] beside them, else smaller; the plots take what is left, so that
    /// all of it is in view.
    fn live_ui(&mut self, ui: &mut egui::Ui, p: &mut Panels, height: f32) {
        let s = p.s;
        let t = p.train;
        let Some(run) = &t.current else {
            ui.label(s.no_run);
            return;
        };
        let top = ui.cursor().top();
        status_ui(ui, s, run);
        legend_ui(ui, s, &t.runs, run);
        // The textures first, so that the sizes below are this snapshot's.
        if let Some(snapshot) = &t.snapshot
            && self.snapshot.serial != Some(t.snapshot_serial)
        {
            self.snapshot.upload(ui.ctx(), snapshot);
            self.snapshot.serial = Some(t.snapshot_serial);
        }
        // A few points to spare for rounding, so that no scroll bar appears.
        let spare = 3.0 * ui.spacing().item_spacing.y;
        let rest = height - (ui.cursor().top() - top) - spare;
        let plots_min = plots_height(ui, MIN_PLOT_HEIGHT);
        let sizes = t.snapshot.as_ref().map(|snap| {
            let mut f = 1.0;
            loop {
                let sizes = self.snapshot.sizes(ui, snap, f);
                if f <= 0.4 || self.snapshot.height(ui, &sizes) + plots_min <= rest {
                    break sizes;
                }
                f -= 0.05;
            }
        });
        let below = sizes.as_ref().map_or(0.0, |z| self.snapshot.height(ui, z));
        plots_ui(ui, s, &t.runs, run, rest - below);
        if let (Some(snapshot), Some(sizes)) = (&t.snapshot, sizes) {
            self.snapshot.ui(ui, s, snapshot, &sizes);
        }
    }
}

/// The Train tab as a lesson step that names `train` shows it: where the run is, the legend
/// with every run's settings and final numbers, and the accuracy plot in all the room left.
/// The settings, the loss plot and the snapshot give their room to it (the legend says what
/// each run was trained with; the Train tab shows them all again once the lesson is closed).
fn lesson_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    let t = p.train;
    let top = ui.cursor().top();
    // The panel's width, fixed before anything is drawn: a long legend line wraps in it
    // rather than widening the panel under the lesson's.
    let width = ui.available_width();
    ui.set_max_width(width);
    match &t.current {
        Some(run) => {
            // Where the run is, inside its progress bar; once done, the legend has its numbers.
            if run.is_active() {
                let text = status_text(s, run);
                ui.add(egui::ProgressBar::new(run.progress()).text(text));
            } else if let Some(e) = &run.error {
                ui.colored_label(ui.visuals().error_fg_color, fill(s.run_failed, &[e]));
            }
            short_legend_ui(ui, s, &t.runs, run);
        }
        // Empty axes: the step asks its question before its run starts.
        None => {
            ui.label(s.lesson_no_run);
        }
    }
    let gap = 3.0 * ui.spacing().item_spacing.y;
    let height = ui.available_height().min(ui.max_rect().bottom() - top) - gap;
    let least = MIN_CHART + AXES_ROOM;
    let size = Vec2::new(
        (width - ui.spacing().item_spacing.x).max(least.x),
        height.clamp(least.y, 560.0),
    );
    let runs: Vec<&Run> = t.runs.iter().chain(&t.current).collect();
    accuracy_plot_ui(ui, s, &runs, size);
}

/// One line on where the run is: loading, epoch and speed, paused, done, or why it failed;
/// and a progress bar.
fn status_ui(ui: &mut egui::Ui, s: &Strings, run: &Run) {
    let text = status_text(s, run);
    if !text.is_empty() {
        ui.label(text);
    }
    if let Some(e) = &run.error {
        ui.colored_label(ui.visuals().error_fg_color, fill(s.run_failed, &[e]));
    }
    if run.is_active() {
        ui.add(egui::ProgressBar::new(run.progress()).show_percentage());
    }
}

/// Where the run is, in words (empty for a failed run: its error says it).
fn status_text(s: &Strings, run: &Run) -> String {
    let epoch = (run.epochs.len() + 1).min(run.settings.epochs);
    let speed = run.throughput().map_or("–".into(), grouped_round);
    let left = run.seconds_left().map_or("–".into(), |t| format!("{t:.0}"));
    match run.state {
        RunState::Preparing => s.run_preparing.to_string(),
        RunState::Running => fill(
            s.run_progress,
            &[&epoch, &run.settings.epochs, &speed, &left],
        ),
        RunState::Paused => format!(
            "{} · {}",
            s.run_paused,
            fill(
                s.run_progress,
                &[&epoch, &run.settings.epochs, &speed, &left]
            )
        ),
        RunState::Finished | RunState::Stopped => {
            // A finished run's numbers measured after training, as its legend quotes them; a
            // stopped run has only its last epoch's.
            let last = run.epochs.last();
            let (train, test) = match run.after_training() {
                Some((train, test)) => (Some(train), Some(test)),
                None => (
                    last.map(|e| f64::from(e.stats.train_accuracy)),
                    last.and_then(|e| e.stats.test_accuracy.map(f64::from)),
                ),
            };
            let pct = |v: Option<f64>| v.map_or("–".into(), |a| format!("{:.1}%", a * 100.0));
            let done = fill(
                s.run_finished,
                &[
                    &pct(train),
                    &pct(test),
                    &format!("{:.1}", run.active_seconds),
                ],
            );
            if run.state == RunState::Stopped {
                format!("{} · {done}", fill(s.run_stopped, &[&run.epochs.len()]))
            } else {
                done
            }
        }
        RunState::Failed => String::new(),
    }
}

/// The settings of the next run, as a grid of labelled controls.
fn settings_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    let before = p.train.settings.clone();
    let mut t = before.clone();
    ui.add_enabled_ui(!p.train.running(), |ui| {
        egui::Grid::new("train-settings-grid")
            .num_columns(2)
            .spacing([8.0, 6.0])
            .show(ui, |ui| {
                data_rows_ui(ui, p, &mut t);
                optimiser_rows_ui(ui, s, &mut t);
                regularisation_rows_ui(ui, s, &mut t);
            });
    });
    if t.data != before.data {
        match_arch_to_data(p, &mut t);
    }
    if t != before {
        p.commands.push(Command::SetTrainSettings(t));
    }
}

/// The settings grid's rows for what is trained on what: architecture, data, how many images.
fn data_rows_ui(ui: &mut egui::Ui, p: &Panels, t: &mut TrainSettings) {
    let s = p.s;
    let l = ui.label(s.train_arch).on_hover_text(s.train_arch_tip);
    let current = fill(s.train_arch_current, &[&p.ex.model.info.name]);
    let shown = match &t.arch {
        ArchChoice::Current => current.clone(),
        ArchChoice::Sample { name, .. } => name.clone(),
    };
    egui::ComboBox::from_id_salt("train-arch")
        .selected_text(shown)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut t.arch, ArchChoice::Current, current);
            for m in p.models {
                let choice = ArchChoice::Sample {
                    name: m.name.clone(),
                    path: m.path.clone(),
                };
                ui.selectable_value(&mut t.arch, choice, &m.name);
            }
        })
        .response
        .labelled_by(l.id);
    ui.end_row();

    // The open model's architecture reads only data of its input's shape: the rest is greyed
    // out and says why.
    let open = &p.ex.model;
    t.fit_data_to(open);
    let current = t.arch == ArchChoice::Current;
    let l = ui.label(s.train_data);
    egui::ComboBox::from_id_salt("train-data")
        .selected_text(data_name(s, t.data))
        .show_ui(ui, |ui| {
            for d in DataChoice::ALL {
                let fits = !current || d.fits(open);
                let r = ui.add_enabled_ui(fits, |ui| {
                    ui.selectable_value(&mut t.data, d, data_name(s, d))
                });
                match d.picture_shape() {
                    None => {
                        r.response.on_hover_text(s.data_speech_tip);
                    }
                    Some(shape) if !fits => {
                        let why = fill(
                            s.train_data_unfit,
                            &[&open.info.name, &open.input.shape(), &shape],
                        );
                        r.response.on_disabled_hover_text(why);
                    }
                    Some(_) => {}
                }
            }
        })
        .response
        .labelled_by(l.id);
    ui.end_row();

    ui.label(s.train_images).on_hover_text(s.train_images_tip);
    ui.horizontal(|ui| {
        for n in TRAIN_SIZES {
            ui.selectable_value(&mut t.train_size, n, grouped(n));
        }
    });
    ui.end_row();
}

/// The optimiser's rows: epochs, learning rate, batch size and seed.
fn optimiser_rows_ui(ui: &mut egui::Ui, s: &Strings, t: &mut TrainSettings) {
    let l = ui.label(s.train_epochs);
    ui.add(egui::DragValue::new(&mut t.epochs).range(1..=200))
        .labelled_by(l.id);
    ui.end_row();

    let l = ui.label(s.learning_rate);
    choice_ui(
        ui,
        l.id,
        "train-lr",
        &mut t.lr,
        &[1e-4, 3e-4, 1e-3, 3e-3, 1e-2],
    );
    ui.end_row();

    let l = ui.label(s.train_batch);
    choice_ui(ui, l.id, "train-batch", &mut t.batch, &[8, 16, 32, 64, 128]);
    ui.end_row();

    let l = ui.label(s.train_seed);
    ui.add(egui::DragValue::new(&mut t.seed).range(0..=9999))
        .labelled_by(l.id);
    ui.end_row();
}

/// The rows that change what the network can learn: pooling, dropout, weight decay and
/// augmentation.
fn regularisation_rows_ui(ui: &mut egui::Ui, s: &Strings, t: &mut TrainSettings) {
    let l = ui.label(s.train_pool);
    egui::ComboBox::from_id_salt("train-pool")
        .selected_text(t.pool.map_or(s.as_arch, |m| s.pool_mode(m)))
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut t.pool, None, s.as_arch);
            for m in [PoolMode::Max, PoolMode::Avg] {
                ui.selectable_value(&mut t.pool, Some(m), s.pool_mode(m));
            }
        })
        .response
        .labelled_by(l.id);
    ui.end_row();

    let l = ui.label(s.dropout);
    ui.vertical(|ui| {
        let mut as_arch = t.dropout.is_none();
        if ui.checkbox(&mut as_arch, s.as_arch).changed() {
            t.dropout = (!as_arch).then_some(0.5);
        }
        if let Some(rate) = &mut t.dropout {
            ui.add(egui::Slider::new(rate, 0.0..=0.9).step_by(0.05))
                .labelled_by(l.id);
        }
    });
    ui.end_row();

    let l = ui.label(s.weight_decay);
    choice_ui(
        ui,
        l.id,
        "train-wd",
        &mut t.weight_decay,
        &[0.0, 1e-4, 1e-3, 1e-2],
    );
    ui.end_row();

    if t.data == DataChoice::Speech {
        ui.label(s.train_voices);
        ui.checkbox(&mut t.synthetic_voices, s.train_voices_add)
            .on_hover_text(s.train_voices_tip);
        ui.end_row();
        ui.label(s.augment);
        let mut vary = !t.voice.is_none();
        if ui
            .checkbox(&mut vary, s.vary_voice)
            .on_hover_text(s.vary_voice_tip)
            .changed()
        {
            t.voice = if vary {
                VoiceAugment::classroom()
            } else {
                VoiceAugment::default()
            };
        }
        ui.end_row();
        return;
    }
    ui.label(s.augment);
    ui.vertical(|ui| augment_ui(ui, s, &mut t.augment));
    ui.end_row();
}

/// Spoken digits need a network that reads spectrograms and pictures one that reads pictures:
/// when the data changes to or from speech and the chosen architecture does not fit, the
/// first sample trained on the new kind of data is chosen (or the open model, if it fits).
fn match_arch_to_data(p: &Panels, t: &mut TrainSettings) {
    let speech = t.data == DataChoice::Speech;
    let sample_is_speech = |path: &std::path::Path| {
        p.models.iter().any(|m| {
            m.path == path
                && m.training["dataset"]
                    .as_str()
                    .is_some_and(|d| d.starts_with("fsdd"))
        })
    };
    let fits = match &t.arch {
        ArchChoice::Current => p.ex.model.info.audio.is_some() == speech,
        ArchChoice::Sample { path, .. } => sample_is_speech(path) == speech,
    };
    if fits {
        return;
    }
    if p.ex.model.info.audio.is_some() == speech {
        t.arch = ArchChoice::Current;
    } else if let Some(m) = p
        .models
        .iter()
        .find(|m| sample_is_speech(&m.path) == speech)
    {
        t.arch = ArchChoice::Sample {
            name: m.name.clone(),
            path: m.path.clone(),
        };
    }
}

fn augment_ui(ui: &mut egui::Ui, s: &Strings, a: &mut Augment) {
    ui.add(egui::Slider::new(&mut a.shift, 0..=4).text(s.aug_shift));
    ui.add(
        egui::Slider::new(&mut a.noise, 0.0..=0.5)
            .step_by(0.05)
            .text(s.aug_noise),
    );
}

/// A drop-down of a few values.
fn choice_ui<T: Copy + PartialEq + std::fmt::Display>(
    ui: &mut egui::Ui,
    label: egui::Id,
    id: &str,
    value: &mut T,
    choices: &[T],
) {
    egui::ComboBox::from_id_salt(id)
        .selected_text(value.to_string())
        .show_ui(ui, |ui| {
            for &c in choices {
                ui.selectable_value(value, c, c.to_string());
            }
        })
        .response
        .labelled_by(label);
}

/// Start, pause or resume, stop; save and open the trained model; follow; clear.
fn controls_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    let t = p.train;
    ui.horizontal_wrapped(|ui| {
        if !t.running() {
            if ui.button(s.train_start).clicked() {
                p.commands.push(Command::StartTraining);
            }
        } else {
            if t.paused() {
                if ui.button(s.train_resume).clicked() {
                    p.commands.push(Command::ResumeTraining);
                }
            } else if ui.button(s.train_pause).clicked() {
                p.commands.push(Command::PauseTraining);
            }
            if ui.button(s.train_stop).clicked() {
                p.commands.push(Command::StopTraining);
            }
        }
    });
    let mut follow = t.follow;
    if ui
        .checkbox(&mut follow, s.follow)
        .on_hover_text(fill(s.follow_tip, &[&SNAPSHOT_STEPS]))
        .changed()
    {
        p.commands.push(Command::FollowTraining(follow));
    }
    let trained = t.trained().is_some();
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(trained, egui::Button::new(s.save_run))
            .clicked()
        {
            p.commands.push(Command::SaveRunDialog);
        }
        if ui
            .add_enabled(trained, egui::Button::new(s.open_run))
            .clicked()
        {
            p.commands.push(Command::OpenRunInExplorer);
        }
    });
    if !t.runs.is_empty() && ui.button(s.clear_runs).clicked() {
        p.commands.push(Command::ClearRuns);
    }
}
