//! Ctrl+C. A command is working (computing, writing nothing) or writing its outputs. Ctrl+C
//! while working ends the program at once with "interrupted: nothing written" and exit code
//! 130, unless the command polls [`interrupted`] in its loops (then it stops itself and the
//! same line is printed when it returns). Ctrl+C while writing lets the writes finish, so no
//! output is left half-written; the program then exits with 130 all the same.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The exit code of a program stopped by Ctrl+C (128 + SIGINT), as shells report it.
pub(crate) const EXIT_CODE: i32 = 130;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Working,
    Writing,
}

struct State {
    phase: Phase,
    /// The command checks [`interrupted`] itself while working.
    polled: bool,
}

static STATE: Mutex<State> = Mutex::new(State {
    phase: Phase::Working,
    polled: false,
});

fn state() -> MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Installs the Ctrl+C handler. `polled`: the command checks [`interrupted`] in its loops.
pub(crate) fn install(polled: bool) {
    state().polled = polled;
    // Fails only if a handler is already installed (a second command in one process).
    let _ = ctrlc::set_handler(on_interrupt);
}

fn on_interrupt() {
    // Held until exit: the command cannot start writing between this check and the exit.
    let state = state();
    let again = INTERRUPTED.swap(true, Ordering::SeqCst);
    if state.phase == Phase::Writing || (state.polled && !again) {
        return;
    }
    say_interrupted("nothing written");
    std::process::exit(EXIT_CODE);
}

/// Whether Ctrl+C was pressed.
pub(crate) fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Called before a command writes its first output: from here on Ctrl+C waits for the writes.
/// `false` if Ctrl+C already came (then write nothing).
pub(crate) fn start_writing() -> bool {
    let mut state = state();
    if interrupted() {
        return false;
    }
    state.phase = Phase::Writing;
    true
}

/// Whether the command got as far as [`start_writing`].
pub(crate) fn wrote() -> bool {
    state().phase == Phase::Writing
}

/// The one line an interrupted command prints, on a line of its own even if a progress bar
/// was drawn on the terminal.
pub(crate) fn say_interrupted(what: &str) {
    if std::io::stderr().is_terminal() {
        eprint!("\r\x1b[2K");
    }
    eprintln!("convscope: interrupted: {what}");
}
