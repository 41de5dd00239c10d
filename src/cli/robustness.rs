//! `convscope robustness`: accuracy with and without noise over a test set, and how similar
//! each stage stays to its clean self, for each noise and pooling mode, as a table and CSV.

use super::network_input::NoiseOn;
use super::progress::Progress;
use super::values;
use crate::analysis::robustness::{
    Noise, Robustness, RobustnessError, example_seed, input_range, noisy, noisy_input,
    parse_noises, robustness,
};
use crate::analysis::sweep::stage_names;
use crate::data::{self, DataSpec, fsdd};
use crate::engine::{PoolMode, RunOptions};
use crate::io::audio_input::audio_pixels;
use anyhow::{Result, bail};
use ndarray::Array3;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The model (convscope/1 JSON or ONNX).
    #[arg(long)]
    pub model: PathBuf,
    /// The data set whose test split is used: mnist:DIR, fashion:DIR, shapes, shapes:N,
    /// fsdd:DIR or fsdd@SPEAKER:DIR.
    #[arg(long, value_parser = values::parse_data)]
    pub data: DataSpec,
    /// Noises: KIND:LEVEL[,LEVEL...] with KIND gaussian or saltpepper and levels in [0, 1]
    /// relative to the values' range; groups separated by `|` or given again
    /// (`--noise gaussian:0.1,0.2 --noise saltpepper:0.05`).
    #[arg(long, required = true, value_parser = parse_noises)]
    pub noise: Vec<Vec<Noise>>,
    /// For audio models: put the noise on the waveform (default) or on the spectrogram.
    #[arg(long, value_enum, default_value = "waveform")]
    pub noise_on: NoiseOn,
    /// Pooling modes to compare, comma-separated; default: the mode the model was trained with.
    #[arg(long, value_delimiter = ',', value_parser = values::parse_pool)]
    pub pool: Vec<PoolMode>,
    /// Use only the first N test examples (1 to 1000000).
    #[arg(long, value_parser = values::counts(1_000_000))]
    pub limit: Option<usize>,
    /// Seed of the noise.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Also write the table as CSV here (one row per noise and mode, a column per stage).
    #[arg(long)]
    pub csv: Option<PathBuf>,
}

/// The test split as a way to get example `i`'s clean and noisy pixels and its label.
type Example =
    Box<dyn Fn(usize, Noise) -> Result<(Array3<f32>, Array3<f32>, usize), RobustnessError> + Sync>;

fn examples(args: &Args, model: &crate::engine::Model) -> Result<(usize, Example)> {
    let seed = args.seed;
    if let (DataSpec::Fsdd(spec), Some(audio), NoiseOn::Waveform) =
        (&args.data, model.info.audio.clone(), args.noise_on)
    {
        let (_, mut test) = fsdd::recordings(spec)?;
        if let Some(n) = args.limit {
            test.truncate(n);
        }
        let input = model.input.clone();
        let count = test.len();
        let model = model.clone();
        let f = move |i: usize, noise: Noise| {
            let r = &test[i];
            let clean = audio_pixels(&r.audio, &audio, &input)?;
            let (dirty, _) =
                noisy_input(&model, &clean, Some(&r.audio), noise, example_seed(seed, i))?;
            Ok((clean, dirty, r.name.digit as usize))
        };
        return Ok((count, Box::new(f)));
    }
    let test = data::load_for(&args.data, model)?.test;
    let test = match args.limit {
        Some(n) => test.take(n),
        None => test,
    };
    let images = test.is_images();
    let count = test.len();
    let f = move |i: usize, noise: Noise| {
        let clean = test.pixels(i);
        let dirty = noisy(
            &clean,
            noise,
            input_range(&clean, images),
            example_seed(seed, i),
        );
        Ok((clean, dirty, test.label(i)))
    };
    Ok((count, Box::new(f)))
}

/// One line of the printed table: the accuracies, then each stage's similarity.
fn table_row(mode: PoolMode, noise: Noise, r: &Robustness, names: &[String]) -> String {
    let stages: Vec<String> = names
        .iter()
        .zip(&r.stage_similarity)
        .map(|(n, s)| format!("{n} {s:.3}"))
        .collect();
    format!(
        "{:<8} {:<18} {:>6.2}% {:>6.2}% {:>6.2}%  {}",
        mode.as_str(),
        noise.to_string(),
        100.0 * r.clean_accuracy,
        100.0 * r.noisy_accuracy,
        100.0 * r.agreement,
        stages.join(", ")
    )
}

pub(crate) fn run(args: Args) -> Result<()> {
    if let Some(path) = &args.csv {
        super::csv_out::check_target(path)?;
    }
    let model = crate::io::load_model(&args.model)?;
    let (count, example) = examples(&args, &model)?;
    if count == 0 {
        bail!("{}: the test split has no examples", args.data);
    }
    let trained = model
        .info
        .training
        .get("pool")
        .and_then(|p| p.as_str())
        .and_then(PoolMode::parse);
    let modes = if args.pool.is_empty() {
        vec![trained.unwrap_or_default()]
    } else {
        args.pool.clone()
    };
    let noises: Vec<Noise> = args.noise.iter().flatten().copied().collect();
    let names = stage_names(&model);
    let mut csv = format!(
        "model,trained_pool,pool,noise,level,noise_on,examples,clean_accuracy,noisy_accuracy,agreement,{}\n",
        names
            .iter()
            .map(|n| format!("sim_{n}"))
            .collect::<Vec<_>>()
            .join(",")
    );
    let on = if model.info.audio.is_some() && args.noise_on == NoiseOn::Waveform {
        "waveform"
    } else {
        "input"
    };
    let trained_name = trained.map_or("?", |m| m.as_str());
    outln!(
        "{} on {} ({count} examples), noise on the {on}, trained with {trained_name} pooling",
        model.info.name,
        args.data,
    );
    outln!(
        "{:<8} {:<18} {:>7} {:>7} {:>7}  similarity to the clean input, stage by stage",
        "pool",
        "noise",
        "clean",
        "noisy",
        "same"
    );
    let bar = Progress::new((modes.len() * noises.len() * count) as u64, "examples");
    for &mode in &modes {
        let options = RunOptions {
            pool_mode: Some(mode),
            dropout: None,
        };
        for &noise in &noises {
            bar.set_prefix(format!("{} {noise} ", mode.as_str()));
            let one = |i: usize| {
                bar.inc(1);
                example(i, noise)
            };
            let r = robustness(&model, count, &one, &options)
                .map_err(|e| anyhow::anyhow!("{}: {e}", args.model.display()))?;
            bar.suspend(|| outln!("{}", table_row(mode, noise, &r, &names)));
            writeln!(
                csv,
                "{},{trained_name},{},{},{},{on},{},{:.4},{:.4},{:.4},{}",
                model.info.name,
                mode.as_str(),
                noise.kind.as_str(),
                noise.level,
                r.examples,
                r.clean_accuracy,
                r.noisy_accuracy,
                r.agreement,
                // Six decimals: enough to check against cosines computed elsewhere.
                r.stage_similarity
                    .iter()
                    .map(|s| format!("{s:.6}"))
                    .collect::<Vec<_>>()
                    .join(",")
            )
            .ok();
        }
    }
    drop(bar);
    if let Some(path) = &args.csv {
        super::csv_out::write(path, &csv)?;
    }
    Ok(())
}
