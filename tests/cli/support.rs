//! What every CLI test needs: the built `convscope` binary, run with arguments, and the paths
//! of the repository's files. Tests run with the repository's root as their working folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The built binary, ready for arguments (to spawn it, pipe it or set its output).
pub fn convscope_command() -> Command {
    Command::new(env!("CARGO_BIN_EXE_convscope"))
}

/// Runs the binary with `args` to the end and returns what it printed and its exit status.
pub fn convscope(args: &[&str]) -> Output {
    convscope_command()
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Runs the binary with `args`; its standard output, or a panic with its standard error.
pub fn stdout_of(args: &[&str]) -> String {
    let o = convscope(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A file of the repository, by its path from the repository's root.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A file under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    repo("tests/fixtures").join(name)
}
