//! The `convscope` command line: one file per subcommand. `anyhow` lives only here.

/// `print!` for the subcommands' results, through [`write_stdout`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(format_args!($($arg)*))
    };
}

/// `println!` for the subcommands' results, through [`write_stdout`].
macro_rules! outln {
    () => {
        $crate::cli::write_stdout(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub mod bench;
pub mod consistency;
pub mod eval;
pub mod inspect;
pub mod interrupt;
pub mod progress;
pub mod render;
pub mod sweep;
pub mod train;

use crate::engine::PoolMode;
use crate::io::Fill;
use clap::{Parser, Subcommand};
use std::io::Write;

#[derive(Debug, Parser)]
#[command(
    name = "convscope",
    version,
    about = "See a convolutional network work. With no command, opens the app."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a model on one input and write every layer's output as .npy.
    Inspect(inspect::Args),
    /// Time one forward pass (one thread) and a 289-shift translation sweep (all cores).
    Bench(bench::Args),
    /// Shift an image step by step and write how similar each stage stays, as CSV.
    Sweep(sweep::Args),
    /// How often the top class survives two random shifts of each test image, per pooling mode.
    Consistency(consistency::Args),
    /// Train an architecture on MNIST or the shapes set and write the model.
    Train(train::Args),
    /// Print a model's accuracy on a data set's test split and its confusion matrix.
    Eval(eval::Args),
    /// Draw one layer's maps as a PNG grid, as the app's export does.
    Render(render::Args),
}

/// `max`, `avg` or `blurmax`, for clap.
pub fn parse_pool(text: &str) -> Result<PoolMode, String> {
    PoolMode::parse(text).ok_or_else(|| format!("`{text}` is not one of max, avg, blurmax"))
}

/// `zero`, `edge` or `wrap`, for clap.
pub fn parse_fill(text: &str) -> Result<Fill, String> {
    Fill::parse(text).ok_or_else(|| format!("`{text}` is not one of zero, edge, wrap"))
}

/// A count from 1 to `max`, for clap (which shows the error and refuses 0).
pub fn counts(max: u64) -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::new().range(1..=max)
}

/// The largest shift (pixels) any subcommand takes: the largest input side a model may have.
pub const MAX_SHIFT: i32 = crate::engine::limits::MAX_SIDE as i32;

/// `DX,DY` in whole pixels, each within [-4096, 4096], for clap.
pub fn parse_shift(text: &str) -> Result<(i32, i32), String> {
    let (a, b) = text
        .split_once(',')
        .ok_or_else(|| format!("`{text}` is not DX,DY (e.g. 2,-1)"))?;
    let parse = |s: &str| match s.trim().parse::<i32>() {
        Ok(d) if (-MAX_SHIFT..=MAX_SHIFT).contains(&d) => Ok(d),
        Ok(_) => Err(format!("`{s}` is not between -{MAX_SHIFT} and {MAX_SHIFT}")),
        Err(_) => Err(format!("`{s}` is not a whole number")),
    };
    Ok((parse(a)?, parse(b)?))
}

/// Runs a subcommand; the caller prints the error. A command stopped by Ctrl+C ends the
/// program here with exit code 130 (see [`interrupt`]).
pub fn run(command: Command) -> anyhow::Result<()> {
    // The sweep stops its own loop; the others are ended by the handler while they compute.
    interrupt::install(matches!(command, Command::Sweep(_)));
    let result = run_command(command);
    if interrupt::interrupted() {
        match (&result, interrupt::wrote()) {
            (Ok(()), true) => interrupt::say_interrupted("the output was written in full"),
            (Err(_), true) => return result,
            _ => interrupt::say_interrupted("nothing written"),
        }
        std::process::exit(interrupt::EXIT_CODE);
    }
    result
}

fn run_command(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Inspect(args) => inspect::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Sweep(args) => sweep::run(args),
        Command::Consistency(args) => consistency::run(args),
        Command::Train(args) => train::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Render(args) => render::run(args),
    }
}

/// Writes to standard output. When the reader has gone away (`convscope eval ... | head -1`)
/// the program ends quietly, as command-line tools do, where `println!` would panic.
pub fn write_stdout(args: std::fmt::Arguments) {
    if let Err(e) = std::io::stdout().lock().write_fmt(args) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("convscope: cannot write to standard output: {e}");
        std::process::exit(1);
    }
}
