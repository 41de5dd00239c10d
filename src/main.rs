//! Thin: parse the command line; with no command, open the app.

use clap::Parser;
use convscope::cli::{self, AppFiles, Cli, Request};
use std::process::ExitCode;

/// mimalloc keeps freed memory for reuse: with the system allocator every forward pass got its
/// ~600 KB of feature maps as fresh pages from the kernel (about 60 page faults a pass, a
/// tenth of the Tiny VGG's time).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// mimalloc's own settings (its C API, linked in with it).
unsafe extern "C" {
    fn mi_option_get(option: std::ffi::c_int) -> std::ffi::c_long;
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (v2 and v3 alike).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// Keeps freed pages a second before handing them back to the kernel (mimalloc's default is
/// 10 ms): an ImageNet-size pass (15-60 ms) frees megabytes of maps that the next pass needs
/// again, and got them back as fresh, zeroed pages (page faults: MobileNetV2's pass went from
/// 17.5 to 14.3 ms with this). Left alone when the environment set another delay
/// (`MIMALLOC_PURGE_DELAY`).
fn keep_freed_pages() {
    // SAFETY: plain calls into the allocator's option table, before any thread is started.
    unsafe {
        if mi_option_get(MI_OPTION_PURGE_DELAY) == 10 {
            mi_option_set(MI_OPTION_PURGE_DELAY, 1000);
        }
    }
}

fn main() -> ExitCode {
    keep_freed_pages();
    let result = Cli::parse()
        .into_request()
        .and_then(|request| match request {
            Request::Command(command) => cli::run(*command),
            Request::OpenApp(files) => open_app(files),
            Request::Handout(order) => {
                let mut say = |line: &str| eprintln!("{line}");
                convscope::app::write_handout(&order, &mut say)
                    .map(|path| println!("{}", path.display()))
                    .map_err(anyhow::Error::msg)
            }
        });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("convscope: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The app, on the files the command line named.
fn open_app(files: AppFiles) -> anyhow::Result<()> {
    let AppFiles {
        model,
        image,
        lesson,
        present,
    } = files;
    convscope::app::run(convscope::app::Startup {
        model,
        image,
        lesson,
        present,
    })
    // eframe's error may hold a reason that is not `Send`: anyhow takes its text.
    .map_err(|e| anyhow::anyhow!("{e}"))
}
