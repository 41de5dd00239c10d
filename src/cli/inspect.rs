//! `convscope inspect`: every activation of one input on disk, and a table of them.

use super::model_args::ModelArgs;
use super::network_input::{InputNoise, NoiseOn, noisy_input_tensor};
use super::values::{self, BadValue};
use crate::analysis::robustness::{Noise, parse_noise_or_none};
use crate::analysis::{argmax, probabilities};
use crate::engine::{PoolMode, RunOptions, Source, Tensor};
use crate::io::{self, Fill, npy};
use anyhow::{Result, bail};
use ndarray::Array3;
use serde_json::json;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub model: ModelArgs,
    /// An image to run (resized, converted and normalised as the model says).
    #[arg(
        long,
        conflicts_with = "input_npy",
        required_unless_present = "input_npy"
    )]
    pub image: Option<PathBuf>,
    /// A float32 [C,H,W] .npy that already is the network input.
    #[arg(long)]
    pub input_npy: Option<PathBuf>,
    /// Run every pooling layer in this mode (max, avg, blurmax).
    #[arg(long, value_parser = values::parse_pool)]
    pub pool: Option<PoolMode>,
    /// Shift the input by DX,DY pixels (+x right, +y down) before it enters the network; each
    /// -4096 to 4096.
    #[arg(long, value_parser = values::parse_shift, allow_hyphen_values = true, default_value = "0,0")]
    pub shift: (i32, i32),
    /// What fills the uncovered pixels: zero, edge, wrap.
    #[arg(long, value_parser = values::parse_fill, default_value = "zero")]
    pub fill: Fill,
    /// Noise on the input, as the app's noise control and `robustness` put it: gaussian:LEVEL
    /// or saltpepper:LEVEL (LEVEL 0 to 1, relative to the values' range: a picture's pixels
    /// 0 to 1 before normalisation; a recording's minus to plus its peak, before its
    /// spectrogram). Needs --image.
    #[arg(long, value_parser = parse_noise, conflicts_with = "input_npy")]
    pub noise: Option<Noise>,
    /// Seed of the noise (the app's noise seed). `robustness --seed S` gives test example i
    /// the seed S ^ (i * 0x9E3779B97F4A7C15): example 0 gets S itself.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// For audio models: put the noise on the waveform (default, as the app does) or on the
    /// spectrogram's cells (0 to the largest).
    #[arg(long, value_enum, default_value = "waveform")]
    pub noise_on: NoiseOn,
    /// Folder for input.npy, one NN_NAME.npy per layer and manifest.json.
    #[arg(long)]
    pub out: PathBuf,
}

/// One noise or `none`, for clap.
fn parse_noise(text: &str) -> Result<Noise, BadValue> {
    parse_noise_or_none(text)
        .map_err(|e| BadValue::Refused(e.to_string()))?
        .ok_or(BadValue::NoNoise)
}

/// A file-name-safe version of a layer name.
fn safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

pub(crate) fn run(args: Args) -> Result<()> {
    if args.out.exists() && !args.out.is_dir() {
        bail!("--out {}: is a file; give a folder", args.out.display());
    }
    let model = args.model.load()?;
    let noise = args.noise.map(|noise| InputNoise {
        noise,
        seed: args.seed,
        on: args.noise_on,
    });
    let input = noisy_input_tensor(
        &model,
        args.image.as_deref(),
        args.input_npy.as_deref(),
        args.shift,
        args.fill,
        noise,
    )?;
    let options = RunOptions {
        pool_mode: args.pool,
        dropout: None,
    };
    let outputs = model
        .forward_all(&input, &options)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.model.path.display()))?;

    // Everything is computed; only now touch the output folder.
    if !super::interrupt::start_writing() {
        return Ok(());
    }
    std::fs::create_dir_all(&args.out).map_err(|e| {
        anyhow::anyhow!(
            "{}: cannot create the folder: {}",
            args.out.display(),
            io::error::io_reason(&e)
        )
    })?;
    let mut written: Vec<PathBuf> = Vec::new();
    let result = (|| -> Result<()> {
        let input_path = args.out.join("input.npy");
        npy::write_npy(&input_path, &input.clone().into_dyn())?;
        written.push(input_path);
        let mut entries = Vec::new();
        for (i, (layer, out)) in model.layers().iter().zip(&outputs).enumerate() {
            let file = format!("{:02}_{}.npy", i + 1, safe(&layer.name));
            let path = args.out.join(&file);
            npy::write_npy(&path, &out.to_dyn())?;
            written.push(path);
            let mut entry = json!({
                "index": i + 1, "name": layer.name, "type": layer.kind.type_name(),
                "shape": out.shape().dims(), "parameters": layer.parameter_count(), "file": file,
            });
            if !model.is_chain() {
                // What the stage reads, by name ("input": the network's input).
                entry["inputs"] = json!(
                    model
                        .sources(i)
                        .iter()
                        .map(|s| match *s {
                            Source::Input => "input",
                            Source::Layer(j) => model.layers()[j].name.as_str(),
                        })
                        .collect::<Vec<_>>()
                );
            }
            entries.push(entry);
        }
        let manifest = json!({
            "model": args.model.path.display().to_string(), "name": model.info.name,
            "input": {"file": "input.npy", "shape": model.input.shape().dims()},
            "pool": args.pool.map(|p| p.as_str()), "shift": [args.shift.0, args.shift.1], "fill": args.fill.as_str(),
            "noise": noise.map(|n| json!({
                "kind": n.noise.kind.as_str(), "level": n.noise.level, "seed": n.seed,
                "on": if model.info.audio.is_some() && matches!(n.on, NoiseOn::Waveform) { "waveform" } else { "input" },
            })),
            "layers": entries,
        });
        let path = args.out.join("manifest.json");
        io::write_atomic(
            &path,
            (serde_json::to_string_pretty(&manifest)? + "\n").as_bytes(),
        )?;
        Ok(())
    })();
    if let Err(e) = result {
        for p in written {
            let _ = std::fs::remove_file(p);
        }
        return Err(e);
    }
    print_table(&model, &input, &outputs);
    Ok(())
}

fn print_table(model: &crate::engine::Model, input: &Array3<f32>, outputs: &[Tensor]) {
    outln!(
        "{:<4} {:<14} {:<16} {:>14} {:>10} {:>12} {:>12} {:>12}",
        "#",
        "layer",
        "type",
        "output",
        "params",
        "min",
        "max",
        "mean"
    );
    let row = |i: String, name: &str, kind: &str, t: &Tensor, params: usize| {
        let (lo, hi, mean) = t.stats();
        outln!(
            "{i:<4} {name:<14} {kind:<16} {:>14} {params:>10} {lo:>12.5} {hi:>12.5} {mean:>12.5}",
            t.shape().to_string()
        );
    };
    row(
        "0".into(),
        "input",
        "input",
        &Tensor::Maps(input.clone()),
        0,
    );
    for (i, (layer, out)) in model.layers().iter().zip(outputs).enumerate() {
        row(
            (i + 1).to_string(),
            &layer.name,
            layer.kind.type_name(),
            out,
            layer.parameter_count(),
        );
    }
    outln!("total parameters: {}", model.parameter_count());
    if let Some(last) = outputs.last()
        && model.ends_in_classes()
    {
        {
            let p = probabilities(model, last);
            let mut order: Vec<usize> = (0..p.len()).collect();
            order.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
            let top: Vec<String> = order
                .iter()
                .take(3)
                .map(|&i| format!("{} {:.2}%", model.label(i), 100.0 * p[i]))
                .collect();
            outln!(
                "prediction: {} (top: {})",
                model.label(argmax(&p)),
                top.join(", ")
            );
        }
    }
}
