//! `convscope render`: one layer's maps as a PNG grid, the picture the app exports.

use super::model_args::ModelArgs;
use super::values;
use crate::analysis::trace;
use crate::engine::{PoolMode, RunOptions};
use crate::io::Fill;
use crate::viz::export::{cell_px_for, grid_image, save_png};
use anyhow::{Context, Result};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub model: ModelArgs,
    /// The picture to run.
    #[arg(long)]
    pub image: PathBuf,
    /// The layer whose output to draw, by name, or `input`.
    #[arg(long)]
    pub layer: String,
    /// Run every pooling layer in this mode (max, avg, blurmax).
    #[arg(long, value_parser = values::parse_pool)]
    pub pool: Option<PoolMode>,
    /// One colour scale per channel instead of one for the whole layer.
    #[arg(long)]
    pub per_channel: bool,
    /// Pixels per map cell, 1 to 64 (default: about 160 pixels per map).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub cell: Option<u32>,
    /// Where to write the PNG.
    #[arg(long)]
    pub out: PathBuf,
}

pub(crate) fn run(args: Args) -> Result<()> {
    crate::io::check_writable(&args.out)?;
    let model = args.model.load()?;
    let input =
        super::network_input::input_tensor(&model, Some(&args.image), None, (0, 0), Fill::Zero)?;
    let options = RunOptions {
        pool_mode: args.pool,
        dropout: None,
    };
    let outputs = trace(&model, &input, &options)
        .with_context(|| format!("{}: cannot run", args.model.path.display()))?;
    let stage = super::model_args::find_stage(&model, &args.layer, &args.model.path)?;
    let tensor = &outputs[stage];
    let side = tensor.as_maps().map_or(28, |m| m.dim().2);
    let cell = args.cell.unwrap_or_else(|| cell_px_for(side, 160));
    let image = grid_image(tensor, cell, !args.per_channel);
    if !super::interrupt::start_writing() {
        return Ok(());
    }
    save_png(&image, &args.out)?;
    outln!(
        "{}: {} {} ({}x{} px)",
        args.out.display(),
        args.layer,
        tensor.shape(),
        image.width(),
        image.height()
    );
    Ok(())
}
