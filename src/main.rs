//! Thin: parse the command line; with no command, open the app.

use clap::Parser;
use convscope::cli::{Cli, run};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(command) => run(command),
        None => convscope::app::run().map_err(anyhow::Error::msg),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("convscope: {e:#}");
            ExitCode::FAILURE
        }
    }
}
