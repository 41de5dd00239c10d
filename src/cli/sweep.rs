//! `convscope sweep`: per-stage similarity between an image and shifted copies of it, as CSV:
//! the numbers the translation lab plots.

use crate::analysis::{SweepAxis, shifts, sweep, sweep::stage_names};
use crate::engine::{PoolMode, RunOptions};
use crate::io::{self, Fill, model_file};
use anyhow::{Context, Result};
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
    /// The model (convscope/1 JSON).
    #[arg(long)]
    pub model: PathBuf,
    /// The image to shift.
    #[arg(long)]
    pub image: PathBuf,
    /// Shifts from -N to N pixels.
    #[arg(long, default_value_t = 8)]
    pub max_shift: i32,
    /// Shift along x, along y, or over the whole (dx, dy) grid.
    #[arg(long, value_enum, default_value = "x")]
    pub axis: Axis,
    /// Pooling modes to compare, comma-separated (max, avg, blurmax); default: the model's own.
    #[arg(long, value_delimiter = ',', value_parser = super::parse_pool)]
    pub pool: Vec<PoolMode>,
    /// What fills the uncovered pixels: zero, edge, wrap.
    #[arg(long, value_parser = super::parse_fill, default_value = "zero")]
    pub fill: Fill,
    /// Where to write the CSV (`-` for standard output).
    #[arg(long)]
    pub csv: PathBuf,
}

pub fn run(args: Args) -> Result<()> {
    let model = model_file::load_model(&args.model)?;
    let rgb = io::load_image(&args.image)?;
    let pixels = io::to_pixels(&rgb, &model.input)
        .map_err(|m| anyhow::anyhow!("{}: {m}", args.image.display()))?;
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
    let grid = shifts(axis, args.max_shift);
    let modes: Vec<Option<PoolMode>> = if args.pool.is_empty() {
        vec![None]
    } else {
        args.pool.iter().copied().map(Some).collect()
    };
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
        let results = sweep(&model, &pixels, &grid, args.fill, &options, &|| true)
            .map_err(|e| anyhow::anyhow!("{}: {e}", args.model.display()))?;
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
    if args.csv.as_os_str() == "-" {
        out!("{csv}");
    } else {
        std::fs::write(&args.csv, csv)
            .with_context(|| format!("{}: cannot write", args.csv.display()))?;
    }
    Ok(())
}
