//! `convscope convert`: any model convscope opens (an ONNX file) written as `convscope/1`
//! JSON with its weights in a safetensors file beside it, to read and edit.

use super::model_args::InputFlags;
use anyhow::Result;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The model to convert (.onnx, or convscope/1 .json).
    pub model: PathBuf,
    /// Where to write the convscope/1 JSON; the weights go beside it as NAME.safetensors.
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub input: InputFlags,
}

pub(crate) fn run(args: Args) -> Result<()> {
    let model = args.input.load(&args.model)?;
    crate::io::save_model(&model, &args.out)?;
    outln!(
        "wrote {} and {} ({} layers, {} parameters)",
        args.out.display(),
        crate::io::model_file::weights_path(&args.out).display(),
        model.layers().len(),
        model.parameter_count()
    );
    Ok(())
}
