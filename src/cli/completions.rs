//! `convscope completions SHELL`: the shell's completion script for every command and flag,
//! written from the same definitions the parser uses (the packages install it).

use anyhow::Result;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Prints the script completing `cli` (the whole command line's definition).
pub(crate) fn run(args: Args, mut cli: clap::Command) -> Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cli, "convscope", &mut script);
    out!("{}", String::from_utf8_lossy(&script));
    Ok(())
}
