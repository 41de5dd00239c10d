//! What the packages install besides the program, written by the program itself: the version,
//! the manual page and the shell completions.

use crate::support::stdout_of;

#[test]
fn version_names_the_crate_version() {
    let out = stdout_of(&["--version"]);
    assert_eq!(
        out.trim(),
        format!("convscope {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn the_man_page_names_every_command_and_where_the_data_is() {
    let page = stdout_of(&["man"]);
    assert!(page.contains(".TH convscope 1"), "{page}");
    for command in [
        "inspect",
        "bench",
        "sweep",
        "consistency",
        "robustness",
        "train",
        "eval",
        "render",
        "convert",
        "completions",
    ] {
        assert!(page.contains(command), "no {command}");
    }
    assert!(page.contains(r"\-\-lesson"), "the app's own flag");
    assert!(page.contains(".SH FILES") && page.contains("/usr/share/convscope/"));
}

#[test]
fn every_shell_completes_the_commands_and_their_flags() {
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout_of(&["completions", shell]);
        for word in ["inspect", "train", "lesson", "model", "pool"] {
            assert!(script.contains(word), "{shell}: no {word}");
        }
    }
    let o = crate::support::convscope(&["completions", "tcsh"]);
    assert!(!o.status.success(), "an unknown shell is refused");
}
