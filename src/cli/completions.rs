//! `convscope completions SHELL`: the shell's completion script for every command and flag,
//! written from the same definitions the parser uses (the packages install it).

use anyhow::Result;
use clap::CommandFactory;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub(crate) fn run(args: Args) -> Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(
        args.shell,
        &mut super::Cli::command(),
        "convscope",
        &mut script,
    );
    out!("{}", String::from_utf8_lossy(&script));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap_complete::Shell;

    fn script(shell: Shell) -> String {
        let mut out = Vec::new();
        clap_complete::generate(
            shell,
            &mut super::super::Cli::command(),
            "convscope",
            &mut out,
        );
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn every_shell_completes_the_subcommands_and_their_flags() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let text = script(shell);
            for word in ["inspect", "train", "lesson", "model", "completions"] {
                assert!(text.contains(word), "{shell}: no {word}");
            }
        }
    }
}
