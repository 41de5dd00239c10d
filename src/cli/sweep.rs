//! `convscope sweep`: per-stage similarity between an image and shifted copies of it, as CSV:
//! the numbers the translation lab plots.

use super::csv_out;
use super::interrupt;
use super::model_args::ModelArgs;
use super::progress::Progress;
use super::values;
use crate::analysis::{SweepAxis, shifts, sweep, sweep::stage_names};
use crate::engine::{PoolMode, RunOptions};
use crate::io::{self, Fill};
use anyhow::{Result, bail};
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Axis {
    X,
    Y,
    Both,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub model: ModelArgs,
    /// The image to shift.
    #[arg(long)]
    pub image: PathBuf,
    /// Shifts from -N to N pixels: N is 0 to 4096, and at most the model's input side.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(i32).range(0..=4096))]
    pub max_shift: i32,
    /// Shift along x, along y, or over the whole (dx, dy) grid.
    #[arg(long, value_enum, default_value = "x")]
    pub axis: Axis,
    /// Pooling modes to compare, comma-separated (max, avg, blurmax); default: the model's own.
    #[arg(long, value_delimiter = ',', value_parser = values::parse_pool)]
    pub pool: Vec<PoolMode>,
    /// What fills the uncovered pixels: zero, edge, wrap.
    #[arg(long, value_parser = values::parse_fill, default_value = "zero")]
    pub fill: Fill,
    /// Where to write the CSV (`-` for standard output).
    #[arg(long)]
    pub csv: PathBuf,
}

/// The most forward passes one sweep runs (one per shift and pooling mode): a 128x128 model
/// swept over its whole grid in three modes is 198147 (the progress bar estimates the time).
pub(crate) const MAX_PASSES: usize = 1_000_000;

pub(crate) fn run(args: Args) -> Result<()> {
    let model = args.model.load()?;
    let pixels = io::file_pixels(&args.image, &model)?;
    let limit = model.input.height.max(model.input.width) as i32;
    if args.max_shift < 0 || args.max_shift > limit {
        anyhow::bail!(
            "--max-shift {} is not between 0 and the input size {limit}",
            args.max_shift
        );
    }
    let axis = match args.axis {
        Axis::X => SweepAxis::X,
        Axis::Y => SweepAxis::Y,
        Axis::Both => SweepAxis::Both,
    };
    let modes: Vec<Option<PoolMode>> = if args.pool.is_empty() {
        vec![None]
    } else {
        args.pool.iter().copied().map(Some).collect()
    };
    let side = 2 * args.max_shift as usize + 1;
    let per_mode = if matches!(axis, SweepAxis::Both) {
        side * side
    } else {
        side
    };
    let passes = per_mode * modes.len();
    if passes > MAX_PASSES {
        bail!(
            "--max-shift {} --axis both with {} pooling mode(s) is {passes} forward passes, more than the {MAX_PASSES} one sweep runs: lower --max-shift or sweep one axis",
            args.max_shift,
            modes.len()
        );
    }
    let grid = shifts(axis, args.max_shift);
    csv_out::check_target(&args.csv)?;
    let bar = Progress::new(passes as u64, "shifts");
    let names = stage_names(&model);
    let mut csv = String::from("pool,dx,dy");
    for n in &names {
        write!(csv, ",{n}_same,{n}_aligned").ok();
    }
    csv.push_str(",predicted,original_class_probability\n");
    for mode in modes {
        let options = RunOptions {
            pool_mode: mode,
            dropout: None,
        };
        bar.set_prefix(format!("{} ", mode.map_or("sweep", PoolMode::as_str)));
        let step = || {
            bar.inc(1);
            !interrupt::interrupted()
        };
        let results = match sweep(&model, &pixels, &grid, args.fill, &options, &step) {
            Err(crate::engine::Error::Cancelled) => return Ok(()),
            other => other.map_err(|e| anyhow::anyhow!("{}: {e}", args.model.path.display()))?,
        };
        let label = mode.map_or("model", PoolMode::as_str);
        for r in results {
            write!(csv, "{label},{},{}", r.dx, r.dy).ok();
            for s in &r.stages {
                write!(
                    csv,
                    ",{:.6},{}",
                    s.same_position,
                    s.aligned.map(|a| format!("{a:.6}")).unwrap_or_default()
                )
                .ok();
            }
            writeln!(
                csv,
                ",{},{:.6}",
                model.label(r.predicted),
                r.original_class_probability
            )
            .ok();
        }
    }
    drop(bar);
    csv_out::write(&args.csv, &csv)
}
