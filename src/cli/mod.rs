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

pub(crate) mod bench;
pub(crate) mod channel_examples;
pub(crate) mod completions;
pub(crate) mod consistency;
pub(crate) mod convert;
pub(crate) mod csv_out;
pub(crate) mod eval;
pub(crate) mod explain;
pub(crate) mod handout;
pub(crate) mod inspect;
pub(crate) mod interrupt;
pub(crate) mod lessons;
pub(crate) mod man;
pub(crate) mod model_args;
pub(crate) mod network_input;
pub(crate) mod progress;
pub(crate) mod record;
pub(crate) mod render;
pub(crate) mod robustness;
pub(crate) mod sweep;
pub(crate) mod train;
pub(crate) mod values;
pub(crate) mod visualize;

use anyhow::bail;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "convscope",
    version,
    about = "See a convolutional network work. With no command, opens the app.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// A model to open in the app (convscope/1 .json or .onnx); the remembered one when left out.
    #[arg(value_name = "MODEL")]
    model: Option<PathBuf>,
    /// A picture to open in the app.
    #[arg(value_name = "IMAGE")]
    image: Option<PathBuf>,
    /// Opens the app on a lesson: a built-in one by name (`pooling-and-fc`) or a lesson file
    /// (`my-lesson.toml`, with `my-lesson.en.ftl` etc. beside it; see docs/lessons.md).
    #[arg(long, value_name = "NAME|FILE")]
    lesson: Option<String>,
    /// Opens the app in presentation mode (large text for a projector; F5 toggles it). The app
    /// also remembers it from last time.
    #[arg(long)]
    present: bool,
}

/// What the command line asks for.
#[derive(Debug)]
pub enum Request {
    /// A subcommand, for [`run`] (boxed: `train`'s flags make it far larger than the others).
    Command(Box<Command>),
    /// No subcommand: open the app on these files. The binary hands them to the app; the
    /// command line knows nothing of it.
    OpenApp(AppFiles),
    /// `convscope handout`: the binary hands it to the app, which walks the lesson.
    Handout(crate::lesson::HandoutOrder),
}

/// The files the app opens on, as the command line named them and checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppFiles {
    pub model: Option<PathBuf>,
    pub image: Option<PathBuf>,
    /// A built-in lesson's name or a lesson file.
    pub lesson: Option<String>,
    /// Open in presentation mode.
    pub present: bool,
}

impl Cli {
    /// The subcommand, or the app's start-up files. A first word that names neither a command
    /// nor an existing file is almost always a mistyped command: that is an error, not a model
    /// to open.
    pub fn into_request(self) -> anyhow::Result<Request> {
        if let Some(command) = self.command {
            return Ok(match command {
                Command::Handout(args) => Request::Handout(args.order()?),
                command => Request::Command(Box::new(command)),
            });
        }
        if let Some(model) = &self.model
            && model.extension().is_none()
            && !model.exists()
        {
            bail!(
                "`{}` is neither a command nor a file (see `convscope --help`)",
                model.display()
            );
        }
        if let Some(lesson) = &self.lesson {
            // A teacher writing a lesson sees its mistakes here, with the file and line.
            crate::lesson::catalog::open(lesson)?;
        }
        Ok(Request::OpenApp(AppFiles {
            model: self.model,
            image: self.image,
            lesson: self.lesson,
            present: self.present,
        }))
    }
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
    /// Train an architecture on MNIST, Fashion-MNIST, the shapes set or spoken digits and write the model.
    Train(train::Args),
    /// Print a model's accuracy on a data set's test split and its confusion matrix.
    Eval(eval::Args),
    /// Draw one layer's maps as a PNG grid, as the app's export does.
    Render(render::Args),
    /// Where the network looked for its answer: gradient, gradient x input, SmoothGrad,
    /// Grad-CAM or occlusion, as a raw map (.npy) or over the picture (.png).
    Explain(explain::Args),
    /// Record a spoken word from the default microphone to a WAV file (through pw-record,
    /// parecord or arecord), silence trimmed, as the app's Record button does.
    Record(record::Args),
    /// Accuracy with and without noise over a test set, and each stage's similarity to the
    /// clean input, per noise and pooling mode.
    Robustness(robustness::Args),
    /// The inputs of a data set (or a folder of pictures) that excite one channel of a stage
    /// most, each cut to the receptive field of its strongest cell, as a ranking and a grid.
    ChannelExamples(channel_examples::Args),
    /// The input that makes one channel's mean activation largest (feature visualisation by
    /// gradient ascent from a seeded start, with jitter and blur), as a PNG.
    Visualize(visualize::Args),
    /// Write a model (an ONNX file) as convscope/1 JSON with its weights beside it.
    Convert(convert::Args),
    /// Print the completion script for a shell (bash, zsh, fish, elvish, powershell).
    Completions(completions::Args),
    /// Print the manual page (roff; `convscope man | man -l -`).
    Man(man::Args),
    /// List the lessons: the built-in ones and those in your lessons folder, id and title.
    Lessons(lessons::Args),
    /// Write a lesson as an HTML handout to print: per step its question, the choices or a
    /// blank for the prediction, and its figure; with --answers the evidence and verdicts.
    Handout(handout::Args),
}

/// Runs a subcommand; the caller prints the error. A command stopped by Ctrl+C ends the
/// program here with exit code 130 (see the `interrupt` module).
pub fn run(command: Command) -> anyhow::Result<()> {
    // The sweep, the recorder (which must stop its child), channel-examples and visualize stop
    // their own loops; the others are ended by the handler while they compute.
    interrupt::install(matches!(
        command,
        Command::Sweep(_)
            | Command::Record(_)
            | Command::ChannelExamples(_)
            | Command::Visualize(_)
    ));
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
        Command::Explain(args) => explain::run(args),
        Command::Record(args) => record::run(args),
        Command::Robustness(args) => robustness::run(args),
        Command::ChannelExamples(args) => channel_examples::run(args),
        Command::Visualize(args) => visualize::run(args),
        Command::Convert(args) => convert::run(args),
        Command::Completions(args) => {
            completions::run(args, <Cli as clap::CommandFactory>::command())
        }
        Command::Man(args) => man::run(args, <Cli as clap::CommandFactory>::command()),
        Command::Lessons(args) => lessons::run(args),
        // The binary hands a handout to the app (see `Request::Handout`).
        Command::Handout(args) => {
            let order = args.order()?;
            anyhow::bail!("`convscope handout` is made by the app: {order:?}")
        }
    }
}

/// Writes to standard output. When the reader has gone away (`convscope eval ... | head -1`)
/// the program ends quietly, as command-line tools do, where `println!` would panic.
pub(crate) fn write_stdout(args: std::fmt::Arguments) {
    if let Err(e) = std::io::stdout().lock().write_fmt(args) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("convscope: cannot write to standard output: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use std::any::TypeId;

    /// Every count argument: subcommand, flag, smallest and largest value.
    const RANGES: &[(&str, &str, i64, i64)] = &[
        ("bench", "iters", 1, 100_000),
        ("bench", "threads", 1, 256),
        ("train", "train-limit", 1, 1_000_000),
        ("train", "validation", 1, 1_000_000),
        ("train", "epochs", 1, 10_000),
        ("train", "batch", 1, 4096),
        ("train", "augment-shift", 0, 16),
        ("sweep", "max-shift", 0, 4096),
        ("consistency", "max-shift", 0, 4096),
        ("consistency", "limit", 1, 1_000_000),
        ("robustness", "limit", 1, 1_000_000),
        ("render", "cell", 1, 64),
        ("explain", "class", 0, 99_999),
        ("explain", "patch", 1, 4096),
        ("explain", "stride", 1, 4096),
        ("explain", "samples", 1, 1000),
        ("record", "rate", 4000, 192_000),
        ("channel-examples", "channel", 0, 65535),
        ("channel-examples", "top", 1, 100),
        ("visualize", "channel", 0, 65535),
        ("visualize", "steps", 1, 100_000),
    ];

    /// The arguments each subcommand needs besides the one under test.
    fn required(sub: &str) -> &'static [&'static str] {
        match sub {
            "bench" => &["--model", "m.json"],
            "train" => &["--arch", "a.json", "--data", "shapes", "--out", "m.json"],
            "sweep" => &["--model", "m.json", "--image", "i.png", "--csv", "-"],
            "consistency" => &["--model", "m.json", "--data", "shapes"],
            "robustness" => &[
                "--model",
                "m.json",
                "--data",
                "shapes",
                "--noise",
                "gaussian:0.1",
            ],
            "render" => &[
                "--model", "m.json", "--image", "i.png", "--layer", "c", "--out", "o.png",
            ],
            "explain" => &[
                "--model", "m.json", "--image", "i.png", "--method", "gradient", "--out", "o.npy",
            ],
            "record" => &["--out", "o.wav"],
            "channel-examples" => &[
                "--model",
                "m.json",
                "--data",
                "shapes",
                "--layer",
                "c",
                "--channel",
                "0",
            ],
            "visualize" => &[
                "--model",
                "m.json",
                "--layer",
                "c",
                "--channel",
                "0",
                "--out",
                "o.png",
            ],
            other => panic!("no arguments for {other}"),
        }
    }

    fn parses(sub: &str, flag: &str, value: i64) -> bool {
        let flag = format!("--{flag}");
        let mut args = vec!["convscope", sub];
        // The required arguments in pairs, but the one under test.
        for pair in required(sub).chunks(2) {
            if pair[0] != flag {
                args.extend_from_slice(pair);
            }
        }
        let value = value.to_string();
        args.extend([flag.as_str(), value.as_str()]);
        Cli::try_parse_from(args).is_ok()
    }

    #[test]
    fn every_count_has_its_range_checked_and_shown() {
        let cli = Cli::command();
        for &(sub, flag, min, max) in RANGES {
            assert!(parses(sub, flag, min), "{sub} --{flag} {min}");
            assert!(parses(sub, flag, max), "{sub} --{flag} {max}");
            assert!(!parses(sub, flag, min - 1), "{sub} --{flag} {}", min - 1);
            assert!(!parses(sub, flag, max + 1), "{sub} --{flag} {}", max + 1);
            let command = cli.find_subcommand(sub).expect("subcommand");
            let arg = command
                .get_arguments()
                .find(|a| a.get_long() == Some(flag))
                .expect("flag");
            let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
            assert!(
                help.contains(&format!("{min} to {max}")),
                "{sub} --{flag}: {help}"
            );
        }
    }

    /// Each subcommand's flag called `long`, with its help.
    fn flags_named(long: &str) -> Vec<(String, String)> {
        Cli::command()
            .get_subcommands()
            .flat_map(|sub| {
                sub.get_arguments()
                    .filter(|a| a.get_long() == Some(long))
                    .map(|a| {
                        let help = a.get_help().map(ToString::to_string).unwrap_or_default();
                        (sub.get_name().to_string(), help)
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn every_data_flag_lists_every_form_the_parser_takes() {
        let flags = flags_named("data");
        assert!(flags.len() >= 4, "{flags:?}");
        for (sub, help) in flags {
            for form in crate::data::DataSpec::FORMS {
                assert!(help.contains(form), "{sub} --data: {help} lacks {form}");
            }
        }
    }

    #[test]
    fn every_model_flag_says_it_opens_onnx_too() {
        let flags = flags_named("model");
        assert!(flags.len() >= 6, "{flags:?}");
        for (sub, help) in flags {
            assert!(help.contains("ONNX"), "{sub} --model: {help}");
        }
    }

    #[test]
    fn no_count_argument_is_left_without_a_range() {
        // Any whole-number argument but a seed is a count or a size and must be in RANGES.
        let whole = [
            TypeId::of::<usize>(),
            TypeId::of::<u64>(),
            TypeId::of::<u32>(),
            TypeId::of::<i32>(),
            TypeId::of::<i64>(),
        ];
        let cli = Cli::command();
        for command in cli.get_subcommands() {
            for arg in command.get_arguments() {
                let id = arg.get_value_parser().type_id();
                let Some(long) = arg.get_long() else { continue };
                if long == "seed" || !whole.iter().any(|t| id == *t) {
                    continue;
                }
                let sub = command.get_name();
                assert!(
                    RANGES.iter().any(|&(s, f, _, _)| s == sub && f == long),
                    "{sub} --{long} has no range in RANGES"
                );
            }
        }
    }

    fn request(args: &[&str]) -> anyhow::Result<Request> {
        let args = std::iter::once("convscope").chain(args.iter().copied());
        Cli::try_parse_from(args)?.into_request()
    }

    #[test]
    fn no_command_opens_the_app_on_the_files_named() {
        let files = |args: &[&str]| match request(args) {
            Ok(Request::OpenApp(files)) => files,
            other => panic!("{args:?}: {other:?}"),
        };
        assert_eq!(files(&[]), AppFiles::default());
        assert_eq!(
            files(&["m.onnx", "cat.png"]),
            AppFiles {
                model: Some("m.onnx".into()),
                image: Some("cat.png".into()),
                lesson: None,
                present: false,
            }
        );
        assert_eq!(
            files(&["--present", "m.onnx"]),
            AppFiles {
                model: Some("m.onnx".into()),
                present: true,
                ..AppFiles::default()
            }
        );
        assert!(matches!(
            request(&["eval", "--model", "m.json", "--data", "shapes"]),
            Ok(Request::Command(c)) if matches!(*c, Command::Eval(_))
        ));
    }

    #[test]
    fn a_mistyped_command_is_not_taken_for_a_model() {
        let e = request(&["inspekt"]).expect_err("no such command or file");
        assert_eq!(
            e.to_string(),
            "`inspekt` is neither a command nor a file (see `convscope --help`)"
        );
    }
}
