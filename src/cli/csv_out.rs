//! Where the CSV-writing subcommands (sweep, consistency, robustness) put their table: a
//! file, written whole, or standard output for `-`.

use super::interrupt;
use crate::io::{check_writable, write_atomic};
use anyhow::Result;
use std::path::Path;

/// Refuses, before the work, a CSV path that could not be written (`-` is standard output).
pub(crate) fn check_target(path: &Path) -> Result<()> {
    if path.as_os_str() != "-" {
        check_writable(path)?;
    }
    Ok(())
}

/// Writes the CSV atomically, or to standard output for `-`; nothing once Ctrl+C was pressed.
pub(crate) fn write(path: &Path, csv: &str) -> Result<()> {
    if !interrupt::start_writing() {
        return Ok(());
    }
    if path.as_os_str() == "-" {
        out!("{csv}");
    } else {
        write_atomic(path, csv.as_bytes())?;
    }
    Ok(())
}
