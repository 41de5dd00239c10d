//! `convscope explain`: where the network looked for its answer, as a raw map (.npy) or over
//! the picture (.png), by any of the attribution methods.

use super::model_args::{ModelArgs, find_stage};
use super::values;
use crate::analysis::attribution::{self, Map, Method, Occlusion, Request, SmoothGrad, stage_name};
use crate::engine::{PoolMode, RunOptions};
use crate::io::{Fill, npy};
use crate::viz::export::save_png;
use crate::viz::heatmap::{enlarge, heat_scale, input_picture, overlay, upsample};
use anyhow::{Context, Result, bail};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MethodArg {
    /// The gradient of the class score with respect to each input value (signed).
    Gradient,
    /// The gradient times the input.
    Gradxinput,
    /// The gradient averaged over noisy copies of the input (--samples, --sigma, --seed).
    Smoothgrad,
    /// A stage's maps weighed by their mean gradient (--layer; default the last maps).
    Gradcam,
    /// How much the score drops when a grey patch hides each place (--patch, --stride).
    Occlusion,
}

impl From<MethodArg> for Method {
    fn from(m: MethodArg) -> Method {
        match m {
            MethodArg::Gradient => Method::Gradient,
            MethodArg::Gradxinput => Method::GradXInput,
            MethodArg::Smoothgrad => Method::SmoothGrad,
            MethodArg::Gradcam => Method::GradCam,
            MethodArg::Occlusion => Method::Occlusion,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub model: ModelArgs,
    /// The picture or recording to explain (converted and normalised as the model says).
    #[arg(
        long,
        conflicts_with = "input_npy",
        required_unless_present = "input_npy"
    )]
    pub image: Option<PathBuf>,
    /// A float32 [C,H,W] .npy that already is the network input.
    #[arg(long)]
    pub input_npy: Option<PathBuf>,
    #[arg(long, value_enum)]
    pub method: MethodArg,
    /// Grad-CAM's stage, by name as `inspect` prints it (default: the last stage with maps).
    #[arg(long)]
    pub layer: Option<String>,
    /// The class to explain, by index (default: the predicted class).
    #[arg(long)]
    pub class: Option<usize>,
    /// Occlusion: the grey patch's side in input pixels.
    #[arg(long, default_value_t = 4)]
    pub patch: usize,
    /// Occlusion: the step between patches (at most the patch).
    #[arg(long, default_value_t = 2)]
    pub stride: usize,
    /// SmoothGrad: how many noisy copies, 1 to 1000.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub samples: u32,
    /// SmoothGrad: the noise's standard deviation as a fraction of the input's range.
    #[arg(long, default_value_t = 0.15)]
    pub sigma: f32,
    /// SmoothGrad: the noise's seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Run every pooling layer in this mode (max, avg, blurmax).
    #[arg(long, value_parser = values::parse_pool)]
    pub pool: Option<PoolMode>,
    /// How strongly the map covers the picture in a .png, 0 to 1.
    #[arg(long, default_value_t = 0.7)]
    pub blend: f32,
    /// Where to write: .npy for the raw map (gradient methods [C,H,W] signed; gradcam at the
    /// stage's own HxW, not normalised; occlusion HxW), .png for the map over the picture.
    #[arg(long)]
    pub out: PathBuf,
}

pub(crate) fn run(args: Args) -> Result<()> {
    let png = match args.out.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("png") => true,
        Some(e) if e.eq_ignore_ascii_case("npy") => false,
        _ => bail!(
            "--out {}: give a .npy (the raw map) or a .png (the map over the picture)",
            args.out.display()
        ),
    };
    if !(0.0..=1.0).contains(&args.sigma) {
        bail!(
            "--sigma {}: give a fraction of the input's range, 0 to 1",
            args.sigma
        );
    }
    crate::io::check_writable(&args.out)?;
    let model = args.model.load()?;
    let input = super::network_input::input_tensor(
        &model,
        args.image.as_deref(),
        args.input_npy.as_deref(),
        (0, 0),
        Fill::Zero,
    )?;
    let stage = match &args.layer {
        Some(name) => Some(find_stage(&model, name, &args.model.path)?),
        None => None,
    };
    let request = Request {
        method: args.method.into(),
        class: args.class,
        stage,
        smooth: SmoothGrad {
            samples: args.samples as usize,
            sigma: args.sigma,
            seed: args.seed,
        },
        occlusion: Occlusion {
            patch: args.patch,
            stride: args.stride,
        },
        options: RunOptions {
            pool_mode: args.pool,
            dropout: None,
        },
    };
    let found = attribution::explain(&model, &input, &request)
        .with_context(|| format!("{}: cannot explain", args.model.path.display()))?;
    if !super::interrupt::start_writing() {
        return Ok(());
    }
    if png {
        let picture = input_picture(&input, &model.input);
        let plane = found.map.plane();
        let heat = upsample(plane.view(), (input.dim().1, input.dim().2));
        let scale = heat_scale(plane.view(), found.method.signed());
        let image = enlarge(&overlay(&picture, heat.view(), &scale, args.blend), 280);
        save_png(&image, &args.out)?;
    } else {
        let raw = match &found.map {
            Map::Input(a) => a.clone().into_dyn(),
            Map::Plane(p) => p.clone().into_dyn(),
        };
        npy::write_npy(&args.out, &raw)?;
    }
    let plane = found.map.plane();
    let (lo, hi) = plane
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    outln!(
        "{}: {} of class {} ({}), score {:.4}, over {} {:?}, from {lo:.4} to {hi:.4}",
        args.out.display(),
        found.method.as_str(),
        found.class,
        model.label(found.class),
        found.score,
        stage_name(&model, found.stage),
        plane.dim(),
    );
    Ok(())
}
