//! `convscope consistency`: Zhang (2019)'s shift consistency and the accuracy over a test set,
//! for each pooling mode, as a table and CSV.

use super::model_args::ModelArgs;
use super::progress::Progress;
use super::values::{self, BadValue};
use crate::analysis::consistency::consistency_along;
use crate::analysis::sweep::SweepAxis;
use crate::data;
use crate::engine::{PoolMode, RunOptions};
use crate::io::Fill;
use anyhow::{Result, bail};
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub model: ModelArgs,
    /// The data set whose test split is used: mnist:DIR, fashion:DIR, shapes, shapes:N,
    /// fsdd:DIR or fsdd@SPEAKER:DIR.
    #[arg(long, value_parser = values::parse_data)]
    pub data: data::DataSpec,
    /// Each image is shifted twice by random (dx, dy) in [-K, K]: K is 0 to 4096, and at most
    /// the image side.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(i32).range(0..=4096))]
    pub max_shift: i32,
    /// Shift along x (for a spectrogram: time), y (frequency) or both.
    #[arg(long, value_parser = parse_axis, default_value = "both")]
    pub axis: SweepAxis,
    /// Pooling modes to compare, comma-separated; default: max, avg and blurmax.
    #[arg(long, value_delimiter = ',', value_parser = values::parse_pool)]
    pub pool: Vec<PoolMode>,
    /// What fills the uncovered pixels: zero, edge, wrap.
    #[arg(long, value_parser = values::parse_fill, default_value = "zero")]
    pub fill: Fill,
    /// Use only the first N test images (1 to 1000000).
    #[arg(long, value_parser = values::counts(1_000_000))]
    pub limit: Option<usize>,
    /// Seed of the random shifts.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Also write the table as CSV here.
    #[arg(long)]
    pub csv: Option<PathBuf>,
}

fn parse_axis(text: &str) -> Result<SweepAxis, BadValue> {
    match text {
        "x" | "time" => Ok(SweepAxis::X),
        "y" | "frequency" => Ok(SweepAxis::Y),
        "both" => Ok(SweepAxis::Both),
        _ => Err(BadValue::NotOneOf {
            text: text.to_string(),
            choices: "x (time), y (frequency), both",
        }),
    }
}

/// The axis as the table and the CSV name it.
fn axis_name(axis: SweepAxis) -> &'static str {
    match axis {
        SweepAxis::X => "x",
        SweepAxis::Y => "y",
        SweepAxis::Both => "both",
    }
}

pub(crate) fn run(args: Args) -> Result<()> {
    if let Some(path) = &args.csv {
        super::csv_out::check_target(path)?;
    }
    let model = args.model.load()?;
    let test = data::load_for(&args.data, &model)?.test;
    let test = match args.limit {
        Some(n) => test.take(n),
        None => test,
    };
    if test.is_empty() {
        bail!("{}: the test split has no images", args.data);
    }
    let (c, h, w) = test.image_shape();
    if (c, h, w) != (model.input.channels, model.input.height, model.input.width) {
        bail!(
            "{}: takes {}, but {} has {c} @ {h}x{w} images",
            args.model.path.display(),
            model.input.shape(),
            args.data
        );
    }
    if args.max_shift < 0 || args.max_shift > h.max(w) as i32 {
        bail!(
            "--max-shift {} is not between 0 and {}",
            args.max_shift,
            h.max(w)
        );
    }
    let modes = if args.pool.is_empty() {
        PoolMode::ALL.to_vec()
    } else {
        args.pool.clone()
    };
    let trained = model
        .info
        .training
        .get("pool")
        .and_then(|p| p.as_str())
        .unwrap_or("?");
    let axis = axis_name(args.axis);
    let mut csv =
        String::from("model,trained_pool,pool,images,max_shift,axis,accuracy,consistency\n");
    outln!(
        "{} on {} ({} images), shifts in [-{k},{k}] along {axis}, trained with {trained} pooling",
        model.info.name,
        args.data,
        test.len(),
        k = args.max_shift
    );
    outln!("{:<8} {:>9} {:>12}", "pool", "accuracy", "consistency");
    let bar = Progress::new((modes.len() * test.len()) as u64, "images");
    for mode in modes {
        bar.set_prefix(format!("{} ", mode.as_str()));
        let options = RunOptions {
            pool_mode: Some(mode),
            dropout: None,
        };
        let image = |i: usize| {
            bar.inc(1);
            (test.pixels(i), test.label(i))
        };
        let r = consistency_along(
            &model,
            test.len(),
            &image,
            args.max_shift,
            args.axis,
            args.fill,
            &options,
            args.seed,
        )
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.model.path.display()))?;
        bar.suspend(|| {
            outln!(
                "{:<8} {:>8.2}% {:>11.2}%",
                mode.as_str(),
                100.0 * r.accuracy,
                100.0 * r.consistency
            )
        });
        writeln!(
            csv,
            "{},{trained},{},{},{},{axis},{:.4},{:.4}",
            model.info.name,
            mode.as_str(),
            r.images,
            args.max_shift,
            r.accuracy,
            r.consistency
        )
        .ok();
    }
    drop(bar);
    if let Some(path) = &args.csv {
        super::csv_out::write(path, &csv)?;
    }
    Ok(())
}
