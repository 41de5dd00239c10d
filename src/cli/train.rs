//! `convscope train`: trains an architecture on MNIST or the shapes set and writes the model
//! (JSON + safetensors) with its training record and learning curves.

use super::progress::Progress;
use crate::data::shapes::FreshShapes;
use crate::data::{self, DataSpec};
use crate::engine::train::{
    self as trainer, EpochData, EpochStats, Examples, OptimizerKind, TrainConfig,
};
use crate::engine::{LayerKind, Model, PoolMode};
use crate::io::{architecture::load_architecture, check_writable, save_model};
use anyhow::{Context, Result, bail};
use serde_json::json;
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The architecture: a convscope/1 model without weights.
    #[arg(long)]
    pub arch: PathBuf,
    /// `mnist:DIR` (IDX files, plain or .gz) or `shapes[:N]` (N generated training images).
    #[arg(long, value_parser = parse_data)]
    pub data: DataSpec,
    /// Train on only the first N training images (1 to 1000000).
    #[arg(long, value_parser = super::counts(1_000_000))]
    pub train_limit: Option<usize>,
    /// Shapes only: draw a new set of N training shapes every epoch, so the network never sees
    /// an image twice and cannot memorise them. Epoch 1 is the usual shapes:N set; each later
    /// epoch's seed is mixed from that set's seed and the epoch number, never the held-out
    /// set's. Still deterministic: the same epochs give the same images.
    #[arg(long)]
    pub fresh_data: bool,
    /// Passes over the training set, 1 to 10000.
    #[arg(long, default_value_t = 10, value_parser = super::counts(10_000))]
    pub epochs: usize,
    /// Examples per mini-batch, 1 to 4096.
    #[arg(long, default_value_t = 32, value_parser = super::counts(4096))]
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
    #[arg(long, value_parser = super::parse_pool)]
    pub pool: Option<PoolMode>,
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

/// `mnist:DIR` or `shapes[:N]`, for clap.
pub fn parse_data(text: &str) -> Result<DataSpec, String> {
    text.parse().map_err(|e: data::Error| e.to_string())
}

fn parse_optimizer(text: &str) -> Result<OptimizerKind, String> {
    OptimizerKind::parse(text).ok_or_else(|| format!("`{text}` is not one of adam, sgd"))
}

/// The pooling mode the model's pooling layers use, if they all agree.
fn pool_mode(model: &Model) -> Option<PoolMode> {
    let modes: Vec<PoolMode> = model
        .layers()
        .iter()
        .filter_map(|l| match &l.kind {
            LayerKind::Pool2d(p) => Some(p.mode),
            _ => None,
        })
        .collect();
    match modes.first() {
        Some(&m) if modes.iter().all(|&x| x == m) => Some(m),
        _ => None,
    }
}

fn optimizer_name(kind: OptimizerKind) -> &'static str {
    match kind {
        OptimizerKind::Sgd { .. } => "sgd",
        OptimizerKind::Adam { .. } => "adam",
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

pub fn run(args: Args) -> Result<()> {
    if !(args.lr.is_finite() && args.lr > 0.0) {
        bail!("--lr must be a positive number, not {}", args.lr);
    }
    if !(args.lr_decay.is_finite() && args.lr_decay > 0.0 && args.weight_decay.is_finite()) {
        bail!("--lr-decay must be positive and --weight-decay finite");
    }
    check_out(&args.out)?;
    let mut model = load_architecture(&args.arch)?;
    if let Some(mode) = args.pool {
        model = model.with_pool_mode(mode);
    }
    trainer::check_trainable(&model)?;
    if args.fresh_data && !matches!(args.data, DataSpec::Shapes(_)) {
        bail!(
            "--fresh-data needs a generated set (shapes[:N]), not {}",
            args.data
        );
    }
    let split = data::load(&args.data)?;
    let train_set = match args.train_limit {
        Some(n) => split.train.take(n),
        None => split.train,
    };
    let test_set = split.test;
    if train_set.is_empty() {
        bail!("{}: the training set is empty", args.data);
    }
    let classes = train_set.class_names();
    let outputs = model.output_shape().len();
    if classes.len() != outputs {
        bail!(
            "{}: the network has {outputs} outputs but {} has {} classes",
            args.arch.display(),
            args.data,
            classes.len()
        );
    }
    if model.info.labels.is_empty() {
        model.info.labels = classes;
    }
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
    // Fresh data draws (and normalises) each epoch's set itself; only a fixed set is
    // normalised here.
    let mut fresh = args
        .fresh_data
        .then(|| FreshShapes::new(train_set.len(), model.input.clone()));
    let train_inputs = match fresh {
        Some(_) => Vec::new(),
        None => train_set.network_inputs(&model.input)?,
    };
    let test_inputs = test_set.network_inputs(&model.input)?;
    let (train_labels, test_labels) = (train_set.labels(), test_set.labels());
    let mut train_examples = Examples {
        inputs: &train_inputs,
        labels: &train_labels,
    };
    let test_examples = Examples {
        inputs: &test_inputs,
        labels: &test_labels,
    };
    let config = TrainConfig {
        epochs: args.epochs,
        batch: args.batch,
        lr: args.lr,
        lr_decay: args.lr_decay,
        optimizer: args.optimizer,
        weight_decay: args.weight_decay,
        seed: args.seed,
    };
    trainer::initialize(&mut model, args.seed);
    eprintln!(
        "training {} ({} parameters) on {} images of {}{}, testing on {}; {} epochs of batches of {}, {}, lr {}",
        model.info.name,
        model.parameter_count(),
        train_set.len(),
        args.data,
        if fresh.is_some() {
            " (fresh each epoch)"
        } else {
            ""
        },
        test_set.len(),
        config.epochs,
        config.batch,
        config.optimizer,
        config.lr
    );
    let started = Instant::now();
    // One bar over every batch of every epoch, so its estimate is of the whole training.
    let bar = Progress::new(0, "batches");
    let epoch = Cell::new(1);
    bar.set_prefix(format!("epoch 1/{} ", config.epochs));
    let train_data: &mut dyn EpochData = match &mut fresh {
        Some(f) => f,
        None => &mut train_examples,
    };
    let history = trainer::train(
        &mut model,
        train_data,
        Some(test_examples),
        &config,
        |done, total| {
            let before = (epoch.get() - 1) as u64 * total as u64;
            bar.set_length(config.epochs as u64 * total as u64);
            bar.set_position(before + done as u64);
        },
        |stats: &EpochStats| {
            bar.suspend(|| {
                eprintln!(
                    "epoch {:>3}: loss {:.4}, train {:.2}%, test {:.2}%, {:.1} s",
                    stats.epoch,
                    stats.train_loss,
                    stats.train_accuracy * 100.0,
                    stats.test_accuracy.unwrap_or(0.0) * 100.0,
                    started.elapsed().as_secs_f64()
                )
            });
            epoch.set(stats.epoch + 1);
            bar.set_prefix(format!("epoch {}/{} ", epoch.get(), config.epochs));
        },
    )?;
    drop(bar);
    let wall = started.elapsed().as_secs_f64();
    // With fresh data, the train accuracy is on the last epoch's images (each seen once).
    let last_train_set = match &fresh {
        Some(f) => f.current(),
        None => train_examples,
    };
    let (train_accuracy, _) = trainer::evaluate(&model, last_train_set)?;
    let (test_accuracy, _) = trainer::evaluate(&model, test_examples)?;
    model.info.training = json!({
        "dataset": args.data.to_string(),
        "train_size": train_set.len(),
        "fresh_data": args.fresh_data,
        "test_size": test_set.len(),
        "epochs": config.epochs,
        "batch": config.batch,
        "optimizer": optimizer_name(config.optimizer),
        "lr": config.lr,
        "lr_decay": config.lr_decay,
        "weight_decay": config.weight_decay,
        "seed": config.seed,
        "pool": pool_mode(&model),
        "init": "kaiming normal before relu, xavier uniform elsewhere, zero bias",
        "wall_seconds": (wall * 10.0).round() / 10.0,
        "train_accuracy": train_accuracy,
        "test_accuracy": test_accuracy,
        "history": history,
    });
    if !super::interrupt::start_writing() {
        return Ok(());
    }
    std::fs::create_dir_all(out_folder(&args.out)).map_err(|e| {
        anyhow::anyhow!(
            "{}: cannot create the folder: {}",
            out_folder(&args.out).display(),
            crate::io::error::io_reason(&e)
        )
    })?;
    save_model(&model, &args.out)?;
    outln!(
        "{}: train accuracy {:.2}%, test accuracy {:.2}% ({} test images), {:.1} s",
        args.out.display(),
        train_accuracy * 100.0,
        test_accuracy * 100.0,
        test_set.len(),
        wall
    );
    Ok(())
}
