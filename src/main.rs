//! Thin: parse the command line; with no command, open the app.

use clap::Parser;
use convscope::cli::{Cli, run};
use std::process::ExitCode;

/// mimalloc keeps freed memory for reuse: with the system allocator every forward pass got its
/// ~600 KB of feature maps as fresh pages from the kernel (about 60 page faults a pass, a
/// tenth of the Tiny VGG's time).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let mut cli = Cli::parse();
    let result = match cli.command.take() {
        Some(command) => run(command),
        None => cli
            .startup()
            .and_then(convscope::app::run)
            .map_err(anyhow::Error::msg),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("convscope: {e:#}");
            ExitCode::FAILURE
        }
    }
}
