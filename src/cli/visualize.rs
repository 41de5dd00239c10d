//! `convscope visualize`: the input that maximises one channel's mean activation (feature
//! visualisation by regularised gradient ascent), as a PNG.

use super::model_args::{ModelArgs, find_channel};
use super::progress::Progress;
use super::values;
use crate::analysis::channel_examples::{ExamplesError, stage_shape};
use crate::analysis::feature_vis::{VisSettings, visualize};
use crate::engine::{PoolMode, RunOptions};
use crate::viz::examples_grid::{crop_image, examples_grid};
use crate::viz::export::save_png;
use anyhow::{Result, anyhow};
use std::path::PathBuf;

/// Pixels of the picture's longer side in the PNG.
const SIDE: u32 = 224;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub model: ModelArgs,
    /// The stage, by its layer name as `convscope inspect` prints it.
    #[arg(long)]
    pub layer: String,
    /// The channel of that stage (for a vector, the unit), 0 to 65535.
    #[arg(long, value_parser = clap::value_parser!(u32).range(0..=65535))]
    pub channel: u32,
    /// Steps of gradient ascent, 1 to 100000.
    #[arg(long, default_value_t = 128, value_parser = values::counts(100_000))]
    pub steps: usize,
    /// Seed of the start image and of the jitter.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Run every pooling layer in this mode (max, avg, blurmax).
    #[arg(long, value_parser = values::parse_pool)]
    pub pool: Option<PoolMode>,
    /// Where to write the picture (PNG).
    #[arg(long)]
    pub out: PathBuf,
}

pub(crate) fn run(args: Args) -> Result<()> {
    crate::io::check_writable(&args.out)?;
    let model = args.model.load()?;
    let path = args.model.path.display().to_string();
    let target = find_channel(&model, &args.layer, args.channel, &args.model.path)?;
    let (stage, channel) = (target.stage, target.channel);
    let shape = stage_shape(&model, stage);
    let settings = VisSettings {
        steps: args.steps,
        seed: args.seed,
        ..VisSettings::default()
    };
    let options = RunOptions {
        pool_mode: args.pool,
        dropout: None,
    };
    let bar = Progress::new(args.steps as u64, "steps");
    let tick = |_| {
        bar.inc(1);
        !super::interrupt::interrupted()
    };
    let v = match visualize(&model, target, &settings, &options, &tick) {
        Ok(v) => v,
        // Ctrl+C: `cli::run` says so and exits.
        Err(ExamplesError::Cancelled) => return Ok(()),
        Err(e) => return Err(anyhow!("{path}: {e}")),
    };
    drop(bar);
    let picture = crop_image(&v.pixels, model.info.audio.is_none());
    let image = examples_grid(&[picture], SIDE, 1);
    if !super::interrupt::start_writing() {
        return Ok(());
    }
    save_png(&image, &args.out)?;
    outln!(
        "{}: {} channel {channel} ({shape}), {} steps from seed {}: mean activation {:.4} at the start, {:.4} now",
        model.info.name,
        args.layer,
        args.steps,
        args.seed,
        v.start,
        v.end
    );
    outln!(
        "{}: {}x{} px",
        args.out.display(),
        image.width(),
        image.height()
    );
    Ok(())
}
