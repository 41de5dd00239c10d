//! Feature visualisation of a stage's channels for the "What excites it" panel: each channel's
//! input found by [`crate::analysis::feature_vis::visualize`], the channels on every core of a
//! worker thread (progress, Stop), kept per network, pooling and stage. Plain state: the panel
//! in `stage::feature_vis` draws it.

use super::state::Explorer;
use super::worked::{CANCELLED, Worked, textures_once};
use crate::analysis::channel_examples::{ExamplesError, Target, channel_count, stage_shape};
use crate::analysis::feature_vis::{VisSettings, visualize};
use crate::engine::{Model, PoolMode, RunOptions};
use crate::viz::examples_grid::crop_image;
use image::RgbaImage;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// At most this many channels of a stage are visualised (the first ones).
pub(crate) const MAX_CHANNELS: usize = 64;

/// Stages kept.
const CACHED: usize = 8;

/// One channel's picture.
#[derive(Debug, Clone)]
pub struct ChannelPicture {
    pub channel: usize,
    pub image: RgbaImage,
    /// The channel's mean activation on the seeded start and on the picture.
    pub start: f32,
    pub end: f32,
}

/// A stage's pictures, or why there are none.
type Made = Result<Arc<Vec<ChannelPicture>>, String>;

/// What the pictures were made for: the network (by identity), its pooling, the stage.
#[derive(Debug, Clone)]
pub struct VisKey {
    net: Arc<Model>,
    pool: PoolMode,
    pub stage: usize,
}

impl PartialEq for VisKey {
    fn eq(&self, other: &VisKey) -> bool {
        Arc::ptr_eq(&self.net, &other.net) && (self.pool, self.stage) == (other.pool, other.stage)
    }
}

impl VisKey {
    pub fn now(ex: &Explorer) -> VisKey {
        VisKey {
            net: Arc::clone(&ex.net),
            pool: ex.pool_mode,
            stage: ex.stage,
        }
    }

    /// The channels visualised: the first 64 (`MAX_CHANNELS`).
    pub fn channels(&self) -> usize {
        channel_count(stage_shape(&self.net, self.stage)).min(MAX_CHANNELS)
    }
}

/// The pictures made, and the stage being worked on.
#[derive(Default)]
pub struct FeatureVisState {
    /// The stages' pictures made, the one running and the one the user stopped.
    made: Worked<VisKey, Vec<ChannelPicture>, CACHED>,
    textures: Option<(VisKey, Vec<egui::TextureHandle>)>,
}

/// Steps per channel.
pub(crate) fn settings() -> VisSettings {
    VisSettings::default()
}

impl FeatureVisState {
    pub fn busy(&self) -> bool {
        self.made.busy()
    }

    pub fn pictures(&self, key: &VisKey) -> Option<&Made> {
        self.made.get(key)
    }

    /// Share of the steps done, 0..=1, of the running job for `key`.
    pub fn progress(&self, key: &VisKey) -> Option<f32> {
        let p = self.made.progress(key)?;
        let total = (key.channels() * settings().steps).max(1);
        Some(p.done.load(Ordering::Relaxed) as f32 / total as f32)
    }

    pub fn was_stopped(&self, key: &VisKey) -> bool {
        self.made.was_stopped(key)
    }

    /// Starts the pictures for `key` unless they are made, running or were stopped.
    pub fn want(&mut self, key: VisKey, again: bool, ctx: &egui::Context) {
        let repaint = ctx.clone();
        self.made.want(key, again, ctx, move |k, p| {
            make(k, &p.done, &p.cancel, &repaint)
        });
    }

    pub fn cancel(&mut self) {
        self.made.cancel();
    }

    pub fn poll(&mut self) {
        self.made.poll("the pictures stopped without a result");
    }

    /// The textures of `key`'s pictures, made by `make` once.
    pub fn textures_for(
        &mut self,
        key: &VisKey,
        make: impl FnOnce() -> Vec<egui::TextureHandle>,
    ) -> Vec<egui::TextureHandle> {
        textures_once(&mut self.textures, key, make)
    }
}

fn make(
    key: &VisKey,
    done: &AtomicUsize,
    cancel: &AtomicBool,
    ctx: &egui::Context,
) -> Result<Vec<ChannelPicture>, String> {
    let model = &key.net;
    let options = RunOptions {
        pool_mode: Some(key.pool),
        dropout: None,
    };
    let pictures = model.info.audio.is_none();
    let first_error = Mutex::new(None);
    let tick = |_| {
        if done.fetch_add(1, Ordering::Relaxed).is_multiple_of(64) {
            ctx.request_repaint();
        }
        !cancel.load(Ordering::Relaxed)
    };
    let made: Vec<Option<ChannelPicture>> = (0..key.channels())
        .into_par_iter()
        .map(|channel| {
            let target = Target {
                stage: key.stage,
                channel,
            };
            match visualize(model, target, &settings(), &options, &tick) {
                Ok(v) => Some(ChannelPicture {
                    channel,
                    image: crop_image(&v.pixels, pictures),
                    start: v.start,
                    end: v.end,
                }),
                Err(e) => {
                    if let Ok(mut first) = first_error.lock() {
                        first.get_or_insert(e);
                    }
                    None
                }
            }
        })
        .collect();
    match first_error.into_inner().ok().flatten() {
        Some(ExamplesError::Cancelled) => Err(CANCELLED.into()),
        Some(e) => Err(e.to_string()),
        None => Ok(made.into_iter().flatten().collect()),
    }
}
