//! Writing a file whole or not at all: the bytes go to a temporary file in the target's folder,
//! which is renamed over the target only once everything is written and synced. A failure (a
//! full disk, an error half way, the process stopped) leaves the old file, or no file, and no
//! temporary file behind, except after a hard kill, which can leave a `.NAME.*.tmp` beside it.

use super::error::FileError;
use std::fs::{self, File, Permissions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// Writes `path` atomically from what `write` puts into the (buffered) writer it is given.
/// When `write` fails, the target is left as it was.
pub(crate) fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), FileError> {
    stage(path, write)?.commit()
}

/// A file written in full beside its target, not yet in place: [`Staged::commit`] renames it
/// over the target; dropping it deletes it. Files that belong together (a model's JSON and
/// its weights) are all staged before any is committed, so a failure while writing any of
/// them changes none.
#[must_use = "a staged file is deleted unless committed"]
pub(crate) struct Staged {
    temp: tempfile::NamedTempFile<File>,
    target: PathBuf,
    path: PathBuf,
}

impl Staged {
    /// Puts the file in place (a rename within one folder).
    pub(crate) fn commit(self) -> Result<(), FileError> {
        let path = self.path;
        self.temp
            .persist(&self.target)
            .map(drop)
            .map_err(|e| FileError::Write {
                path,
                source: e.error,
            })
    }
}

/// Writes what `write` produces to a temporary file beside `path`, synced to disk, ready to
/// be committed.
pub(crate) fn stage(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<Staged, FileError> {
    let target = target(path)?;
    let folder = folder_of(&target);
    let existing = fs::metadata(&target).ok().map(|m| m.permissions());
    let temp = temp_file_in(path, &folder, &target, existing.as_ref())?;
    let write_err = |source| FileError::Write {
        path: path.to_path_buf(),
        source,
    };
    {
        let mut out = BufWriter::new(temp.as_file());
        write(&mut out).map_err(write_err)?;
        out.flush().map_err(write_err)?;
    }
    if let Some(p) = existing {
        temp.as_file().set_permissions(p).map_err(write_err)?;
    }
    temp.as_file().sync_all().map_err(write_err)?;
    Ok(Staged {
        temp,
        target,
        path: path.to_path_buf(),
    })
}

/// Checks, before any long work, that [`write_atomic`] could write `path`: it is not a
/// folder, device or pipe, its folder exists, and a file can be created there (one is created
/// and removed again).
pub(crate) fn check_writable(path: &Path) -> Result<(), FileError> {
    let target = target(path)?;
    let folder = folder_of(&target);
    temp_file_in(path, &folder, &target, None).map(drop)
}

/// The file a write to `path` replaces: `path` itself, or the file a symbolic link points to
/// (so the link survives). Refuses anything that exists but is not a regular file: renaming
/// over `/dev/null` would replace the device.
fn target(path: &Path) -> Result<PathBuf, FileError> {
    if path.file_name().is_none() {
        return Err(FileError::invalid(path, "needs a file name"));
    }
    let target = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            fs::canonicalize(path).map_err(|source| FileError::Write {
                path: path.to_path_buf(),
                source,
            })?
        }
        _ => path.to_path_buf(),
    };
    match fs::metadata(&target) {
        Ok(m) if m.is_dir() => Err(FileError::invalid(path, "is a folder, not a file")),
        Ok(m) if !m.is_file() => Err(FileError::invalid(
            path,
            "is not a regular file (a device, pipe or socket): not replacing it",
        )),
        _ => Ok(target),
    }
}

fn folder_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A new, empty temporary file beside `target`, named after it. Errors name `path` (what the
/// user gave) and say plainly when the folder is missing or is not a folder.
fn temp_file_in(
    path: &Path,
    folder: &Path,
    target: &Path,
    permissions: Option<&Permissions>,
) -> Result<tempfile::NamedTempFile<File>, FileError> {
    match fs::metadata(folder) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(FileError::invalid(
                path,
                format!(
                    "cannot write: the folder {} does not exist",
                    folder.display()
                ),
            ));
        }
        Ok(m) if !m.is_dir() => {
            return Err(FileError::invalid(
                path,
                format!("cannot write: {} is not a folder", folder.display()),
            ));
        }
        _ => {}
    }
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // Created readable by others as a plain `File::create` would be (the umask applies), not
    // tempfile's owner-only default.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(
            permissions
                .cloned()
                .unwrap_or_else(|| Permissions::from_mode(0o666)),
        );
    }
    #[cfg(not(unix))]
    let _ = permissions;
    builder
        .tempfile_in(folder)
        .map_err(|source| FileError::Write {
            path: path.to_path_buf(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn writes_and_replaces_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two, longer").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two, longer");
        assert_eq!(names(dir.path()), ["a.txt"]);
    }

    #[test]
    fn a_failing_writer_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("model.json");
        fs::write(&p, b"old").unwrap();
        let err = write_atomic_with(&p, |w| {
            w.write_all(b"half of the new")?;
            Err(io::Error::other("disk on fire"))
        })
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{}: cannot write: disk on fire", p.display())
        );
        assert_eq!(fs::read(&p).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["model.json"]);
    }

    #[test]
    fn refuses_folders_devices_and_missing_folders_before_writing() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_atomic(dir.path(), b"x").unwrap_err().to_string();
        assert!(err.ends_with("is a folder, not a file"), "{err}");
        if Path::new("/dev/full").exists() {
            let err = write_atomic(Path::new("/dev/full"), b"x")
                .unwrap_err()
                .to_string();
            assert!(err.contains("not a regular file"), "{err}");
            assert!(check_writable(Path::new("/dev/full")).is_err());
        }
        let missing = dir.path().join("nope").join("x.csv");
        let err = check_writable(&missing).unwrap_err().to_string();
        assert!(err.contains("nope does not exist"), "{err}");
        // A folder that is a file.
        let file = dir.path().join("file");
        fs::write(&file, b"").unwrap();
        let err = write_atomic(&file.join("x.csv"), b"x")
            .unwrap_err()
            .to_string();
        assert!(err.contains("file is not a folder"), "{err}");
        assert_eq!(names(dir.path()), ["file"]);
        // A writable place passes the check and is left as it was.
        check_writable(&dir.path().join("ok.csv")).unwrap();
        assert_eq!(names(dir.path()), ["file"]);
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions_and_writes_through_symbolic_links() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        fs::write(&real, b"old").unwrap();
        fs::set_permissions(&real, Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&real).unwrap(), b"new");
        let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        // A new file is readable by others, as File::create makes it (umask permitting).
        let fresh = dir.path().join("fresh.csv");
        write_atomic(&fresh, b"x").unwrap();
        let mode = fs::metadata(&fresh).unwrap().permissions().mode();
        assert_ne!(mode & 0o044, 0, "{mode:o}");
    }
}
