//! `convscope record`: a spoken word from the default microphone to a WAV file, as the app's
//! Record button takes it (through pw-record, parecord or arecord), so it can be scripted.

use super::model_args::ModelArgs;
use crate::io::record::{RecordSettings, Recorder, record, write_wav};
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The longest recording, 0.5 to 30 seconds; it stops sooner after a second of silence
    /// once you have spoken (unless --whole).
    #[arg(long, default_value_t = 2.0)]
    pub seconds: f32,
    /// Samples per second, 4000 to 192000 (default: the model's with --model, else 8000,
    /// FSDD's rate).
    #[arg(long, value_parser = clap::value_parser!(u32).range(4000..=192_000))]
    pub rate: Option<u32>,
    /// Record at this speech model's rate (convscope/1 JSON or ONNX).
    #[arg(long, value_name = "MODEL")]
    pub model: Option<PathBuf>,
    /// Record the whole time, without stopping at silence.
    #[arg(long)]
    pub whole: bool,
    /// Where to write the recording (mono, 16-bit WAV), silence trimmed at both ends.
    #[arg(long)]
    pub out: PathBuf,
}

pub(crate) fn run(args: Args) -> Result<()> {
    if !(0.5..=30.0).contains(&args.seconds) {
        bail!("--seconds {}: give 0.5 to 30", args.seconds);
    }
    crate::io::check_writable(&args.out)?;
    let rate = match (&args.rate, &args.model) {
        (Some(r), _) => *r,
        (None, Some(path)) => {
            let model = ModelArgs {
                path: path.clone(),
                input: Default::default(),
            }
            .load()?;
            match &model.info.audio {
                Some(spec) => spec.sample_rate,
                None => bail!(
                    "{}: is not a speech model (its input is a picture); give --rate instead",
                    path.display()
                ),
            }
        }
        (None, None) => 8000,
    };
    let recorder = Recorder::find().ok_or(crate::io::record::RecordError::NoRecorder)?;
    let settings = RecordSettings {
        seconds: args.seconds,
        rate,
        stop_after_silence: (!args.whole).then_some(1.0),
    };
    eprintln!(
        "recording up to {} s at {rate} Hz with {}: speak now",
        args.seconds,
        recorder.path.display()
    );
    let mut loudest = 0.0f32;
    let take = record(
        &recorder,
        &settings,
        |peak| {
            loudest = loudest.max(peak);
            meter(peak);
        },
        || !super::interrupt::interrupted(),
    );
    eprintln!();
    let take = take?;
    if !super::interrupt::start_writing() {
        return Ok(());
    }
    write_wav(&args.out, &take.samples, take.rate)
        .with_context(|| format!("{}: cannot write", args.out.display()))?;
    outln!(
        "{}: {:.2} s at {} Hz (recorded {:.2} s, silence trimmed; loudest {:.2} of full scale)",
        args.out.display(),
        take.samples.len() as f32 / take.rate as f32,
        take.rate,
        take.recorded,
        loudest
    );
    Ok(())
}

/// A level meter on standard error: one line redrawn per chunk.
fn meter(peak: f32) {
    let bars = (peak.clamp(0.0, 1.0) * 40.0).round() as usize;
    let mut err = std::io::stderr();
    let _ = write!(err, "\r[{:<40}]", "#".repeat(bars));
    let _ = err.flush();
}
