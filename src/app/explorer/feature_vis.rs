//! Feature visualisation of a stage's channels for the "What excites it" panel: each channel's
//! input found by [`crate::analysis::feature_vis::visualize`], the channels on every core of a
//! worker thread (progress, Stop), kept per network, pooling and stage. Plain state: the panel
//! in `stage::feature_vis` draws it.

use super::state::Explorer;
use crate::analysis::channel_examples::{ExamplesError, Target, channel_count, stage_shape};
use crate::analysis::feature_vis::{VisSettings, visualize};
use crate::engine::{Model, PoolMode, RunOptions};
use crate::viz::examples_grid::crop_image;
use image::RgbaImage;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
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

struct Job {
    key: VisKey,
    rx: Receiver<Result<Vec<ChannelPicture>, String>>,
    /// Steps done over every channel.
    done: Arc<AtomicUsize>,
    cancel: Arc<AtomicBool>,
}

impl Drop for Job {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// The pictures made, and the stage being worked on.
#[derive(Default)]
pub struct FeatureVisState {
    cache: Vec<(VisKey, Made)>,
    job: Option<Job>,
    stopped: Option<VisKey>,
    textures: Option<(VisKey, Vec<egui::TextureHandle>)>,
}

/// Steps per channel.
pub(crate) fn settings() -> VisSettings {
    VisSettings::default()
}

impl FeatureVisState {
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    pub fn pictures(&self, key: &VisKey) -> Option<&Made> {
        self.cache.iter().find(|(k, _)| k == key).map(|(_, r)| r)
    }

    /// Share of the steps done, 0..=1, of the running job for `key`.
    pub fn progress(&self, key: &VisKey) -> Option<f32> {
        let job = self.job.as_ref().filter(|j| &j.key == key)?;
        let total = (key.channels() * settings().steps).max(1);
        Some(job.done.load(Ordering::Relaxed) as f32 / total as f32)
    }

    pub fn was_stopped(&self, key: &VisKey) -> bool {
        self.stopped.as_ref() == Some(key)
    }

    /// Starts the pictures for `key` unless they are made, running or were stopped.
    pub fn want(&mut self, key: VisKey, again: bool, ctx: &egui::Context) {
        let running = self.job.as_ref().is_some_and(|j| j.key == key);
        if self.pictures(&key).is_some() || running || (self.was_stopped(&key) && !again) {
            return;
        }
        self.stopped = None;
        self.job = Some(start(key, ctx.clone()));
    }

    pub fn cancel(&mut self) {
        if let Some(job) = self.job.take() {
            self.stopped = Some(job.key.clone());
        }
    }

    pub fn poll(&mut self) {
        let Some(job) = &self.job else { return };
        let result = match job.rx.try_recv() {
            Ok(r) => r.map(Arc::new),
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) => Err("the pictures stopped without a result".into()),
        };
        let key = job.key.clone();
        self.job = None;
        if result.as_ref().is_err_and(|e| e == CANCELLED) {
            return;
        }
        if self.cache.len() >= CACHED {
            drop(self.cache.remove(0));
        }
        self.cache.push((key, result));
    }

    /// The textures of `key`'s pictures, made by `make` once.
    pub fn textures_for(
        &mut self,
        key: &VisKey,
        make: impl FnOnce() -> Vec<egui::TextureHandle>,
    ) -> Vec<egui::TextureHandle> {
        match &self.textures {
            Some((k, t)) if k == key => t.clone(),
            _ => {
                let t = make();
                self.textures = Some((key.clone(), t.clone()));
                t
            }
        }
    }
}

const CANCELLED: &str = "cancelled";

fn start(key: VisKey, ctx: egui::Context) -> Job {
    let (tx, rx) = channel();
    let done = Arc::new(AtomicUsize::new(0));
    let cancel = Arc::new(AtomicBool::new(false));
    let (d, c, k) = (Arc::clone(&done), Arc::clone(&cancel), key.clone());
    crate::app::shell::background::spawn(move || {
        tx.send(make(&k, &d, &c, &ctx)).ok();
        ctx.request_repaint();
    });
    Job {
        key,
        rx,
        done,
        cancel,
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
