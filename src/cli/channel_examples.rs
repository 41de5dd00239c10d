//! `convscope channel-examples`: the inputs of a data set that excite one channel most
//! (Zeiler & Fergus's dataset examples), as a ranking and a grid of crops.

use super::model_args::{ModelArgs, find_channel};
use super::progress::Progress;
use super::values;
use crate::analysis::channel_examples::{ExamplesError, cut, stage_shape, top_examples};
use crate::analysis::receptive_fields;
use crate::data::examples::{ExampleSet, ExampleSpec};
use crate::engine::{PoolMode, RunOptions, Shape};
use crate::viz::examples_grid::{crop_image, examples_grid};
use crate::viz::export::save_png;
use anyhow::{Result, anyhow, bail};
use std::path::PathBuf;

/// Pixels per tile of the grid.
const TILE: u32 = 96;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub model: ModelArgs,
    /// Where the inputs come from: a data set's test split (mnist:DIR, fashion:DIR, shapes,
    /// shapes:N, fsdd:DIR or fsdd@SPEAKER:DIR) or images:DIR, every picture in a folder.
    #[arg(long, value_parser = parse_examples)]
    pub data: ExampleSpec,
    /// Use a data set's training split instead of its test split.
    #[arg(long)]
    pub train_split: bool,
    /// The stage, by its layer name as `convscope inspect` prints it, or `input`.
    #[arg(long)]
    pub layer: String,
    /// The channel of that stage (for a vector, the unit), 0 to 65535.
    #[arg(long, value_parser = clap::value_parser!(u32).range(0..=65535))]
    pub channel: u32,
    /// How many inputs to keep, 1 to 100.
    #[arg(long, default_value_t = 9, value_parser = values::counts(100))]
    pub top: usize,
    /// Run every pooling layer in this mode (max, avg, blurmax).
    #[arg(long, value_parser = values::parse_pool)]
    pub pool: Option<PoolMode>,
    /// Where to write the crops as a PNG grid (three columns); without it, only the ranking.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

fn parse_examples(text: &str) -> Result<ExampleSpec, values::BadValue> {
    text.parse::<ExampleSpec>()
        .map_err(|e| values::BadValue::Refused(e.to_string()))
}

pub(crate) fn run(args: Args) -> Result<()> {
    if let Some(out) = &args.out {
        crate::io::check_writable(out)?;
    }
    let model = args.model.load()?;
    let path = args.model.path.display().to_string();
    let target = find_channel(&model, &args.layer, args.channel, &args.model.path)?;
    let (stage, channel) = (target.stage, target.channel);
    let shape = stage_shape(&model, stage);
    let set = ExampleSet::open(&args.data, &model, args.train_split)?;
    if set.is_empty() {
        bail!("{}: has no inputs", args.data);
    }
    let options = RunOptions {
        pool_mode: args.pool,
        dropout: None,
    };
    let bar = Progress::new(set.len() as u64, "inputs");
    let tick = || {
        bar.inc(1);
        !super::interrupt::interrupted()
    };
    let ranked = match top_examples(
        &model,
        target,
        set.len(),
        args.top,
        &|i| set.pixels(i, &model),
        &options,
        &tick,
    ) {
        Ok(ranked) => ranked,
        // Ctrl+C: `cli::run` says so and exits.
        Err(ExamplesError::Cancelled) => return Ok(()),
        Err(ExamplesError::Input { what, .. }) => bail!("{what}"),
        Err(e) => return Err(anyhow!("{path}: {e}")),
    };
    drop(bar);
    let split = if args.train_split { "training" } else { "test" };
    outln!(
        "{}: {} channel {channel} ({shape}): the {} of {} inputs of {} ({split} split) that excite it most",
        model.info.name,
        args.layer,
        ranked.len(),
        set.len(),
        set.name()
    );
    outln!("{}", field_note(&model, stage, shape));
    outln!(
        "{:>4} {:>6}  {:<12} {:>12}  {:>9}  crop (x0,y0)-(x1,y1)",
        "rank",
        "index",
        "label",
        "value",
        "cell"
    );
    for (rank, e) in ranked.iter().enumerate() {
        let (x0, y0, x1, y1) = e.crop;
        outln!(
            "{:>4} {:>6}  {:<12} {:>12.5}  {:>9}  ({x0},{y0})-({x1},{y1})",
            rank + 1,
            e.index,
            set.label(e.index),
            e.value,
            format!("({},{})", e.cell.0, e.cell.1)
        );
    }
    let Some(out) = &args.out else {
        return Ok(());
    };
    let pictures = set.is_pictures(&model);
    let crops = ranked
        .iter()
        .map(|e| {
            let pixels = set.pixels(e.index, &model).map_err(|what| anyhow!(what))?;
            Ok(crop_image(&cut(&pixels, e.crop), pictures))
        })
        .collect::<Result<Vec<_>>>()?;
    let grid = examples_grid(&crops, TILE, 3);
    if !super::interrupt::start_writing() {
        return Ok(());
    }
    save_png(&grid, out)?;
    outln!(
        "{}: {} crops ({}x{} px)",
        out.display(),
        crops.len(),
        grid.width(),
        grid.height()
    );
    Ok(())
}

/// What the score and the crop are, in one line.
fn field_note(model: &crate::engine::Model, stage: usize, shape: Shape) -> String {
    match (shape, stage) {
        (Shape::Vector(_), _) => {
            "score: the unit's value; a unit of a vector sees the whole input, so the picture is all of it".into()
        }
        (_, 0) => "score: the channel's largest pixel; the crop is that pixel".into(),
        _ => {
            let r = receptive_fields(model)[stage - 1];
            format!(
                "score: the channel's strongest cell (its largest value on the map); the picture is that cell's receptive field, {}x{} input pixels, cut at the input's edge",
                r.size.1, r.size.0
            )
        }
    }
}
