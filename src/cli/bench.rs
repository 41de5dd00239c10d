//! `convscope bench`: the median time of one forward pass on `--threads` threads (one unless
//! told) and on all cores, and of a sweep over every shift in [-8,8]x[-8,8] on all cores, with
//! each layer's time on `--threads` threads (and the kernel each convolution uses), as one
//! JSON line. Each layer alone (`layer_us`) runs unfused on an input already in the cache;
//! `step_us` times the steps of the real pass, where a convolution applies the activation
//! after it and reads what the layer before just wrote.

use super::model_args::ModelArgs;
use crate::analysis::{SweepAxis, shifts, sweep};
use crate::engine::kernels::crew;
use crate::engine::kernels::isa::Path;
use crate::engine::zoo::{self, test_pixels};
use crate::engine::{PoolMode, RunOptions, Source, Tensor};
use crate::io::Fill;
use anyhow::Result;
use serde_json::json;
use std::time::Instant;

#[derive(Debug, clap::Args)]
#[command(mut_arg("model", |model| model.help(MODEL_HELP)))]
pub struct Args {
    #[command(flatten)]
    pub model: ModelArgs,
    /// Forward passes to time, 1 to 100000 (the sweep is timed a tenth as often, 3 to 50
    /// times).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub iters: u64,
    /// Threads for the timed forward pass and the per-layer times, 1 to 256 (a pool of its
    /// own, started before the timing; the sweep and `forward_all_threads_us` use every core).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=256))]
    pub threads: u64,
    /// Leave out the translation sweep (289 passes: minutes for an ImageNet-size network).
    #[arg(long)]
    pub no_sweep: bool,
}

/// `--model` here also takes the built-in architectures.
const MODEL_HELP: &str = "The model (convscope/1 JSON or ONNX), or `builtin:digits` / \
    `builtin:tinyvgg` / `builtin:vgg11bn` / `builtin:resnet18` for the reference architectures \
    with seeded random weights";

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The median time of each step of the fused forward pass over `iters` passes (at least
/// one), one entry per step: the first layer it runs, the layer whose output it makes when
/// that is a fused activation, and the kernel of a convolution.
fn step_times(
    model: &crate::engine::Model,
    input: &ndarray::Array3<f32>,
    options: &RunOptions,
    iters: usize,
) -> Result<Vec<serde_json::Value>> {
    let passes = iters.clamp(1, 1000);
    // steps[k] = (first layer, last layer, times)
    let mut steps: Vec<(usize, usize, Vec<f64>)> = Vec::new();
    for pass in 0..passes {
        let mut k = 0;
        let mut first = 0;
        let mut start = Instant::now();
        model.forward_fused_visit(input, options, |done, _| {
            let us = start.elapsed().as_secs_f64() * 1e6;
            if pass == 0 {
                steps.push((first, done, Vec::with_capacity(passes)));
            }
            steps[k].2.push(us);
            k += 1;
            first = done + 1;
            start = Instant::now();
        })?;
    }
    let layers = model.layers();
    Ok(steps
        .into_iter()
        .map(|(first, last, times)| {
            let mut entry = json!({
                "layer": layers[first].name,
                "us": (median(times) * 10.0).round() / 10.0,
            });
            if last != first {
                entry["fused"] = json!(layers[last].name);
            }
            if let Some(kernel) = model.conv_kernel(first) {
                entry["kernel"] = json!(kernel.name());
            }
            entry
        })
        .collect())
}

pub(crate) fn run(args: Args) -> Result<()> {
    let model = match args.model.path.to_str() {
        Some("builtin:digits") => zoo::digits(1, PoolMode::Max),
        Some("builtin:tinyvgg") => zoo::tiny_vgg(1, PoolMode::Max),
        Some("builtin:vgg11bn") => zoo::vgg11_bn(1),
        Some("builtin:resnet18") => zoo::resnet18(1),
        _ => args.model.load()?,
    };
    let options = RunOptions::default();
    let pixels = test_pixels(&model);
    let input = crate::io::network_input(&pixels, &model.input, 0, 0, Fill::Zero);
    // At most 100000 (clap checks), so this fits any usize.
    let iters = args.iters as usize;
    // Warm up, then time each pass: on `--threads` threads, then on all of rayon's (a large
    // layer splits its work). At most 256 (clap checks).
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads as usize)
        .build()?;
    let time_passes = |iters: usize| -> Result<f64> {
        for _ in 0..iters.min(50) {
            std::hint::black_box(model.forward(&input, &options)?);
        }
        // Grown as the passes run: nothing is set aside for a count before the work it counts.
        let mut times = Vec::new();
        for _ in 0..iters {
            let t = Instant::now();
            std::hint::black_box(model.forward(&input, &options)?);
            times.push(t.elapsed().as_secs_f64() * 1e6);
        }
        Ok(median(times))
    };
    // The threads the pass really had (the pool's count, not the flag's).
    // Each pass alone on its threads (`crew::lone`: small layers are split too).
    let (forward_us, forward_threads) = pool.install(|| {
        crew::lone(|| Ok::<_, anyhow::Error>((time_passes(iters)?, rayon::current_num_threads())))
    })?;
    let forward_all_threads_us = crew::lone(|| time_passes(iters))?;
    // Where the time goes: each layer timed alone on its real input.
    let outputs = model.forward_all(&input, &options)?;
    let network_input = Tensor::Maps(input.clone());
    let layer_us: Vec<serde_json::Value> = model
        .layers()
        .iter()
        .enumerate()
        .map(|(i, layer)| {
            // What the layer reads: the input or earlier outputs (several for a merge).
            let before: Vec<&Tensor> = model
                .sources(i)
                .iter()
                .map(|s| match *s {
                    Source::Input => &network_input,
                    Source::Layer(j) => &outputs[j],
                })
                .collect();
            let reps = (iters / 4).max(1);
            let us = pool.install(|| {
                crew::lone(|| {
                    // One untimed run first: the first layer timed after `forward_all` paid ~100
                    // ms once (EfficientNet-B0's stem read 7.8-10.9 ms a run at 10 runs, 0.34 at
                    // 50; docs/performance.md), a cost of the trace's memory, not of the layer.
                    std::hint::black_box(model.run_node(i, &before, &options));
                    let t = Instant::now();
                    for _ in 0..reps {
                        std::hint::black_box(model.run_node(i, &before, &options));
                    }
                    t.elapsed().as_secs_f64() * 1e6 / reps as f64
                })
            });
            let mut entry = json!({"layer": layer.name, "us": (us * 10.0).round() / 10.0});
            if let Some(kernel) = model.conv_kernel(i) {
                entry["kernel"] = json!(kernel.name());
            }
            entry
        })
        .collect();
    // Where the time of the real pass goes: each step of the fused forward (a convolution and
    // the activation it applies are one step, named by the convolution), median over passes.
    let step_us = pool.install(|| crew::lone(|| step_times(&model, &input, &options, iters)))?;
    let shift_list = shifts(SweepAxis::Both, 8);
    let runs = if args.no_sweep {
        0
    } else {
        (iters / 10).clamp(3, 50)
    };
    let mut sweep_times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(sweep(
            &model,
            &pixels,
            &shift_list,
            Fill::Zero,
            &options,
            &|| true,
        )?);
        sweep_times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    outln!(
        "{}",
        json!({
            "model": model.info.name,
            "forward_us": (forward_us * 10.0).round() / 10.0,
            "forward_threads": forward_threads,
            // The kernels' instruction sets (CONVSCOPE_ISA narrows them).
            "isa": Path::current().name(),
            "forward_all_threads_us": (forward_all_threads_us * 10.0).round() / 10.0,
            "sweep_ms": (!sweep_times.is_empty())
                .then(|| (median(sweep_times) * 100.0).round() / 100.0),
            "shifts": shift_list.len(),
            "threads": rayon::current_num_threads(),
            "layer_us": layer_us,
            "step_us": step_us,
        })
    );
    Ok(())
}
