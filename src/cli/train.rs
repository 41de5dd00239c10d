//! `convscope train`: trains an architecture on MNIST or the shapes set and writes the model
//! (JSON + safetensors) with its training record and learning curves.

use super::progress::Progress;
use super::values::{self, BadValue};
use crate::data::augment::{self, Augment};
use crate::data::recipe::{Recipe, shaped_model};
use crate::data::voice_augment::VoiceAugment;
use crate::data::{self, DataSpec};
use crate::engine::train::{
    self as trainer, BatchStats, EpochStats, OptimizerKind, TrainConfig, TrainHooks,
};
use crate::engine::{Model, PoolMode};
use crate::io::{architecture::load_architecture, check_writable, save_model};
use anyhow::{Context, Result, bail};
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The architecture: a convscope/1 model without weights.
    #[arg(long)]
    pub arch: PathBuf,
    /// The data set: mnist:DIR or fashion:DIR (IDX files, plain or .gz), shapes or shapes:N
    /// (N generated training images), fsdd:DIR or fsdd@SPEAKER:DIR (spoken digits; with
    /// SPEAKER, that speaker's recordings are the test split). After a spoken-digit folder,
    /// `+MORE` adds MORE's recordings (a folder or pack, e.g. synthetic voices) to the
    /// training split only.
    #[arg(long, value_parser = values::parse_data)]
    pub data: DataSpec,
    /// Train on only the first N training images (1 to 1000000).
    #[arg(long, value_parser = values::counts(1_000_000))]
    pub train_limit: Option<usize>,
    /// Hold the last N training images out as a validation set (1 to 1000000): each epoch's
    /// held-out accuracy is measured on it, so a schedule can be chosen without looking at
    /// the test set, which is measured once, after training.
    #[arg(long, value_parser = values::counts(1_000_000))]
    pub validation: Option<usize>,
    /// Shapes only: draw a new set of N training shapes every epoch, so the network never sees
    /// an image twice and cannot memorise them. Epoch 1 is the usual shapes:N set; each later
    /// epoch's seed is mixed from that set's seed and the epoch number, never the held-out
    /// set's. Still deterministic: the same epochs give the same images.
    #[arg(long)]
    pub fresh_data: bool,
    /// Passes over the training set, 1 to 10000.
    #[arg(long, default_value_t = 10, value_parser = values::counts(10_000))]
    pub epochs: usize,
    /// Examples per mini-batch, 1 to 4096.
    #[arg(long, default_value_t = 32, value_parser = values::counts(4096))]
    pub batch: usize,
    /// Learning rate.
    #[arg(long, default_value_t = 1e-3)]
    pub lr: f32,
    /// Multiply the learning rate by this after every epoch.
    #[arg(long, default_value_t = 1.0)]
    pub lr_decay: f32,
    /// `adam` or `sgd` (momentum 0.9).
    #[arg(long, default_value = "adam", value_parser = parse_optimizer)]
    pub optimizer: OptimizerKind,
    /// L2 penalty added to every gradient (PyTorch's weight_decay).
    #[arg(long, default_value_t = 0.0)]
    pub weight_decay: f32,
    /// Train every pooling layer in this mode (max or avg) instead of the architecture's.
    #[arg(long, value_parser = values::parse_pool)]
    pub pool: Option<PoolMode>,
    /// Every dropout layer at this rate (0 to 0.95); a network without one gets one before its
    /// last dense layer when the rate is above zero.
    #[arg(long, value_parser = parse_rate)]
    pub dropout: Option<f32>,
    /// Move each training image by up to N pixels along x and y every epoch (0 to 16).
    #[arg(long, default_value_t = 0, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=augment::MAX_SHIFT as u64))]
    pub augment_shift: usize,
    /// Add Gaussian noise of this standard deviation (in pixel units, 0 to 1) to each training
    /// image every epoch.
    #[arg(long, default_value_t = 0.0, value_parser = parse_noise)]
    pub augment_noise: f32,
    /// Spoken digits: vary each training recording every epoch before its spectrogram is
    /// computed. `all`, `none`, or some of: speed (12% slower to faster), warp (the spectrum's
    /// frequencies stretched by up to 12%, as a shorter or longer vocal tract), gain (±6 dB),
    /// noise (white, 10-40 dB below the speech), shift (up to 150 ms of silence first), masks
    /// (SpecAugment: up to 6 frames and 4 mel bands blanked), separated by commas.
    #[arg(long, default_value = "none", value_parser = parse_voice)]
    pub augment_voice: VoiceAugment,
    /// Seeds the initial weights, the shuffling and the dropout masks.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Model name (default: the output file's stem).
    #[arg(long)]
    pub name: Option<String>,
    /// One-line description (default: the architecture's).
    #[arg(long)]
    pub description: Option<String>,
    /// Where to write the model JSON; the safetensors file goes beside it.
    #[arg(long)]
    pub out: PathBuf,
}

fn parse_optimizer(text: &str) -> Result<OptimizerKind, BadValue> {
    OptimizerKind::parse(text).ok_or_else(|| BadValue::NotOneOf {
        text: text.to_string(),
        choices: "adam, sgd",
    })
}

/// A rate between 0 and 0.95, for clap.
fn parse_rate(text: &str) -> Result<f32, BadValue> {
    match text.parse::<f32>() {
        Ok(p) if (0.0..=0.95).contains(&p) => Ok(p),
        _ => Err(BadValue::NotA {
            text: text.to_string(),
            expected: "a rate between 0 and 0.95",
        }),
    }
}

fn parse_voice(text: &str) -> Result<VoiceAugment, String> {
    text.parse()
}

/// A noise level between 0 and 1, for clap.
fn parse_noise(text: &str) -> Result<f32, BadValue> {
    match text.parse::<f32>() {
        Ok(p) if (0.0..=augment::MAX_NOISE).contains(&p) => Ok(p),
        _ => Err(BadValue::NotA {
            text: text.to_string(),
            expected: "a noise level between 0 and 1",
        }),
    }
}

/// Refuses, before any training, an `--out` that could not be written: a folder, a device,
/// a place a file cannot be created. A missing output folder is made only when the model is
/// written (so a failed run leaves none); here the nearest folder that exists is tried.
fn check_out(out: &Path) -> Result<()> {
    if out.file_stem().is_none() || out.to_string_lossy().ends_with('/') {
        bail!(
            "--out {}: needs a file name, like models/mine.json",
            out.display()
        );
    }
    let dir = out_folder(out);
    if dir.is_dir() {
        check_writable(out)?;
        check_writable(&crate::io::model_file::weights_path(out))?;
        return Ok(());
    }
    let mut existing = dir;
    while !existing.exists() {
        existing = existing
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
    }
    if !existing.is_dir() {
        bail!(
            "--out {}: {} is a file, not a folder",
            out.display(),
            existing.display()
        );
    }
    check_writable(&existing.join(".convscope-write-check"))?;
    Ok(())
}

/// The folder `--out` goes in.
fn out_folder(out: &Path) -> &Path {
    out.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

pub(crate) fn run(args: Args) -> Result<()> {
    if !(args.lr.is_finite() && args.lr > 0.0) {
        bail!("--lr must be a positive number, not {}", args.lr);
    }
    if !(args.lr_decay.is_finite() && args.lr_decay > 0.0 && args.weight_decay.is_finite()) {
        bail!("--lr-decay must be positive and --weight-decay finite");
    }
    check_out(&args.out)?;
    let arch = load_architecture(&args.arch)?;
    trainer::check_trainable(&shaped_model(&arch, args.pool, args.dropout))?;
    if args.fresh_data && !matches!(args.data, DataSpec::Shapes(_)) {
        bail!(
            "--fresh-data needs a generated set (shapes[:N]), not {}",
            args.data
        );
    }
    let recipe = recipe(&args);
    let split = data::load_for(&args.data, &arch)?;
    let mut run = recipe
        .prepare(&arch, &args.arch.display().to_string(), split)
        .map_err(anyhow::Error::msg)?;
    let validation = run.validation_examples().map(|v| v.labels.len());
    let model = &mut run.model;
    model.info.name = match &args.name {
        Some(n) => n.clone(),
        None => args
            .out
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .context("--out needs a file name")?,
    };
    if let Some(d) = &args.description {
        model.info.description = d.clone();
    }
    let config = recipe.config;
    announce(
        &args,
        model,
        run.train_set.len(),
        validation,
        run.test_set.len(),
    );
    let started = Instant::now();
    // One bar over every batch of every epoch, so its estimate is of the whole training.
    let bar = Progress::new(0, "batches");
    let epoch = Cell::new(1);
    bar.set_prefix(format!("epoch 1/{} ", config.epochs));
    let mut hooks = BarHooks {
        bar: &bar,
        epoch: &epoch,
        epochs: config.epochs,
        started,
        held_out: if validation.is_some() {
            "validation"
        } else {
            "test"
        },
    };
    let history = run.train(&recipe, &mut hooks)?;
    drop(bar);
    let wall = started.elapsed().as_secs_f64();
    let (train_accuracy, test_accuracy, record) = run.record(&recipe, &history, wall)?;
    run.model.info.training = record;
    if !super::interrupt::start_writing() {
        return Ok(());
    }
    write_model(&run.model, &args.out)?;
    if let Some(v) = run.model.info.training.get("validation_accuracy") {
        outln!(
            "validation accuracy {:.2}% ({} held-out training images)",
            v.as_f64().unwrap_or(0.0) * 100.0,
            validation.unwrap_or(0)
        );
    }
    outln!(
        "{}: train accuracy {:.2}%, test accuracy {:.2}% ({} test images), {:.1} s",
        args.out.display(),
        train_accuracy * 100.0,
        test_accuracy * 100.0,
        run.test_set.len(),
        wall
    );
    Ok(())
}

/// What `args` ask the trainer to do.
fn recipe(args: &Args) -> Recipe {
    Recipe {
        data: args.data.clone(),
        train_limit: args.train_limit,
        fresh_data: args.fresh_data,
        pool: args.pool,
        dropout: args.dropout,
        augment: Augment {
            shift: args.augment_shift,
            noise: args.augment_noise,
        },
        voice: args.augment_voice,
        config: TrainConfig {
            epochs: args.epochs,
            batch: args.batch,
            lr: args.lr,
            lr_decay: args.lr_decay,
            optimizer: args.optimizer,
            weight_decay: args.weight_decay,
            seed: args.seed,
        },
        validation: args.validation,
    }
}

/// The line on standard error that says what is trained on what, before the first epoch.
/// Each epoch is measured on the `validation` images if there are any, else the test images.
fn announce(
    args: &Args,
    model: &Model,
    train_images: usize,
    validation: Option<usize>,
    test_images: usize,
) {
    eprintln!(
        "training {} ({} parameters) on {} images of {}{}, {} {}; {} epochs of batches of {}, {}, lr {}",
        model.info.name,
        model.parameter_count(),
        train_images,
        args.data,
        if args.fresh_data {
            " (fresh each epoch)"
        } else {
            ""
        },
        match validation {
            Some(_) => "validating on",
            None => "testing on",
        },
        validation.unwrap_or(test_images),
        args.epochs,
        args.batch,
        args.optimizer,
        args.lr
    );
}

/// Writes the trained model to `out`, making its folder first if need be.
fn write_model(model: &Model, out: &Path) -> Result<()> {
    std::fs::create_dir_all(out_folder(out)).map_err(|e| {
        anyhow::anyhow!(
            "{}: cannot create the folder: {}",
            out_folder(out).display(),
            crate::io::error::io_reason(&e)
        )
    })?;
    save_model(model, out)?;
    Ok(())
}

/// The progress bar and the per-epoch lines on standard error.
struct BarHooks<'a> {
    bar: &'a Progress,
    epoch: &'a Cell<usize>,
    epochs: usize,
    started: Instant,
    /// What the per-epoch held-out accuracy is measured on: "validation" or "test".
    held_out: &'static str,
}

impl TrainHooks for BarHooks<'_> {
    fn batch(&mut self, _model: &Model, stats: &BatchStats) -> bool {
        let total = stats.batches as u64;
        let before = (self.epoch.get() - 1) as u64 * total;
        self.bar.set_length(self.epochs as u64 * total);
        self.bar.set_position(before + stats.batch as u64);
        true
    }

    fn epoch(&mut self, _model: &Model, stats: &EpochStats) -> bool {
        self.bar.suspend(|| {
            eprintln!(
                "epoch {:>3}: loss {:.4}, train {:.2}%, {} {:.2}%, {:.1} s",
                stats.epoch,
                stats.train_loss,
                stats.train_accuracy * 100.0,
                self.held_out,
                stats.test_accuracy.unwrap_or(0.0) * 100.0,
                self.started.elapsed().as_secs_f64()
            )
        });
        self.epoch.set(stats.epoch + 1);
        self.bar
            .set_prefix(format!("epoch {}/{} ", self.epoch.get(), self.epochs));
        true
    }
}
