//! Where convscope finds its data at run time: the sample models and the bundled data sets.
//!
//! Every data folder ("root") has the source tree's layout: `sample_models/`, `assets/data/`
//! (and `assets/lessons/`, copies to start a lesson from). They are searched in this order:
//!
//! 1. **Beside the program**: the folder the executable is in (the portable folder,
//!    `convscope-VERSION-linux-x86_64/`; on macOS also the bundle's `Contents/Resources`), and,
//!    for a program cargo built (`TREE/target/release/convscope`, a test in
//!    `TREE/target/debug/deps/`), the tree `TREE` it was built in: `cargo run --release` opens
//!    on the sample models without knowing where it was compiled.
//! 2. **The user's data folder**: `$XDG_DATA_HOME/convscope` (`~/.local/share/convscope`; on
//!    macOS `~/Library/Application Support/convscope`, on Windows `%APPDATA%\convscope`), where
//!    the settings live too.
//! 3. **The system's data folders** (Unix): each of `$XDG_DATA_DIRS` + `/convscope`
//!    (`/usr/local/share/convscope`, `/usr/share/convscope`, where the Debian package puts it).
//! 4. **A developer's build** (debug only): the source tree it was compiled from.
//!
//! Nothing here is read at build time in a release build: a copied or installed binary finds
//! its data where it was put, or says where it looked ([`looked_in`]).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The sample models' folder in a root.
pub(crate) const SAMPLE_MODELS: &str = "sample_models";
/// The bundled data sets' folder in a root (`assets/data/mnist`, ...).
pub(crate) const DATA_SETS: &str = "assets/data";

/// The folder's name under the user's and the system's data folders.
const APP: &str = "convscope";
/// `$XDG_DATA_DIRS` when it is unset or empty (the XDG base directory specification's default).
const DEFAULT_XDG_DATA_DIRS: &str = "/usr/local/share/:/usr/share/";
/// How far above the executable cargo's `target` folder may be: `target/release/convscope`,
/// `target/debug/deps/test`, `target/x86_64-unknown-linux-gnu/release/convscope`.
const TARGET_DEPTH: usize = 3;

/// What the search depends on. [`Environment::current`] reads it from the process; tests build
/// their own, so nothing changes the process's environment.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Environment {
    /// The running executable.
    pub(crate) exe: Option<PathBuf>,
    pub(crate) home: Option<PathBuf>,
    pub(crate) xdg_data_home: Option<OsString>,
    pub(crate) xdg_data_dirs: Option<OsString>,
    /// `%APPDATA%` (Windows).
    pub(crate) app_data: Option<OsString>,
    /// The source tree, for a developer's (debug) build only.
    pub(crate) source_tree: Option<PathBuf>,
}

impl Environment {
    /// This process's.
    pub(crate) fn current() -> Self {
        Environment {
            // Symbolic links resolved: `~/bin/convscope` linking into a portable folder finds
            // the folder's data.
            exe: std::env::current_exe()
                .ok()
                .map(|p| p.canonicalize().unwrap_or(p)),
            home: std::env::home_dir(),
            xdg_data_home: std::env::var_os("XDG_DATA_HOME"),
            xdg_data_dirs: std::env::var_os("XDG_DATA_DIRS"),
            app_data: std::env::var_os("APPDATA"),
            source_tree: developer_source_tree(),
        }
    }
}

#[cfg(debug_assertions)]
fn developer_source_tree() -> Option<PathBuf> {
    Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

#[cfg(not(debug_assertions))]
fn developer_source_tree() -> Option<PathBuf> {
    None
}

/// The source tree of a developer's (debug) build, for its test fixtures; `None` in a release
/// build.
pub(crate) fn source_tree() -> Option<PathBuf> {
    developer_source_tree()
}

/// The folder of the user's own lessons: `lessons/` in [`user_data_dir`].
pub(crate) fn user_lessons_dir() -> Option<PathBuf> {
    user_data_dir(&Environment::current()).map(|d| d.join("lessons"))
}

/// The user's own data folder: `$XDG_DATA_HOME/convscope` (when absolute) or
/// `~/.local/share/convscope` on Linux, `~/Library/Application Support/convscope` on macOS,
/// `%APPDATA%\convscope` on Windows.
pub(crate) fn user_data_dir(env: &Environment) -> Option<PathBuf> {
    if cfg!(target_os = "macos") {
        return env
            .home
            .as_ref()
            .map(|h| h.join("Library/Application Support").join(APP));
    }
    if cfg!(windows) {
        return env.app_data.as_ref().map(|a| Path::new(a).join(APP));
    }
    env.xdg_data_home
        .as_ref()
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| env.home.as_ref().map(|h| h.join(".local/share")))
        .map(|d| d.join(APP))
}

/// Every folder that may hold convscope's data, in the order they are searched (see the
/// module's documentation), each once. They need not exist.
pub(crate) fn search_roots(env: &Environment) -> Vec<PathBuf> {
    let mut roots = Vec::new();
    if let Some(dir) = env.exe.as_deref().and_then(Path::parent) {
        roots.push(dir.to_path_buf());
        if cfg!(target_os = "macos")
            && let Some(contents) = dir.parent()
        {
            roots.push(contents.join("Resources"));
        }
        roots.extend(build_tree(dir));
    }
    roots.extend(user_data_dir(env));
    if cfg!(unix) {
        roots.extend(system_data_dirs(env));
    }
    roots.extend(env.source_tree.clone());
    let mut seen = Vec::new();
    roots.retain(|r| {
        let new = !seen.contains(r);
        seen.push(r.clone());
        new
    });
    roots
}

/// The tree a program cargo built lives in: `TREE` for `TREE/target/.../convscope`.
fn build_tree(exe_dir: &Path) -> Option<PathBuf> {
    exe_dir
        .ancestors()
        .take(TARGET_DEPTH)
        .find(|d| d.file_name().is_some_and(|n| n == "target"))
        .and_then(Path::parent)
        .map(Path::to_path_buf)
}

/// Each absolute folder of `$XDG_DATA_DIRS` (its default when unset or empty), + `/convscope`.
fn system_data_dirs(env: &Environment) -> Vec<PathBuf> {
    let dirs = env
        .xdg_data_dirs
        .clone()
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| DEFAULT_XDG_DATA_DIRS.into());
    std::env::split_paths(&dirs)
        .filter(|d| d.is_absolute())
        .map(|d| d.join(APP))
        .collect()
}

/// This process's search roots, worked out once.
pub(crate) fn roots() -> &'static [PathBuf] {
    static ROOTS: OnceLock<Vec<PathBuf>> = OnceLock::new();
    ROOTS.get_or_init(|| search_roots(&Environment::current()))
}

/// `relative` in each of `roots`, in search order: where to look for it.
pub(crate) fn looked_in(roots: &[PathBuf], relative: &str) -> Vec<PathBuf> {
    roots.iter().map(|r| r.join(relative)).collect()
}

/// The first of `roots` holding the folder `relative`, or every place it was looked for.
pub(crate) fn find_dir(roots: &[PathBuf], relative: &str) -> Result<PathBuf, Vec<PathBuf>> {
    let places = looked_in(roots, relative);
    places.iter().find(|d| d.is_dir()).cloned().ok_or(places)
}

/// Places, separated by commas, for a message that says where convscope looked.
pub(crate) fn list(places: &[PathBuf]) -> String {
    places
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn installed() -> Environment {
        Environment {
            exe: Some("/usr/bin/convscope".into()),
            home: Some("/home/t".into()),
            ..Environment::default()
        }
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn an_installed_program_looks_beside_itself_then_in_the_user_then_the_system_folders() {
        let roots = search_roots(&installed());
        let expected: Vec<PathBuf> = [
            "/usr/bin",
            "/home/t/.local/share/convscope",
            "/usr/local/share/convscope",
            "/usr/share/convscope",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        assert_eq!(roots, expected);
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn xdg_variables_are_followed_and_relative_entries_ignored() {
        let env = Environment {
            xdg_data_home: Some("/data/me".into()),
            xdg_data_dirs: Some("/opt/share:relative/share::/usr/share".into()),
            ..installed()
        };
        let roots = search_roots(&env);
        let expected: Vec<PathBuf> = [
            "/usr/bin",
            "/data/me/convscope",
            "/opt/share/convscope",
            "/usr/share/convscope",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        assert_eq!(roots, expected);
        // A relative XDG_DATA_HOME is ignored, as the specification says; an empty
        // XDG_DATA_DIRS means its default.
        let env = Environment {
            xdg_data_home: Some("relative".into()),
            xdg_data_dirs: Some("".into()),
            ..installed()
        };
        assert_eq!(search_roots(&env), search_roots(&installed()));
    }

    #[test]
    fn a_program_cargo_built_finds_its_tree_after_its_own_folder() {
        for exe in [
            "/src/cs/target/release/convscope",
            "/src/cs/target/debug/deps/gui-0123abcd",
            "/src/cs/target/x86_64-unknown-linux-gnu/release/convscope",
        ] {
            let env = Environment {
                exe: Some(exe.into()),
                ..Environment::default()
            };
            let roots = search_roots(&env);
            let beside = Path::new(exe).parent().expect("dir");
            assert_eq!(roots[0], beside, "{exe}");
            assert!(
                roots.contains(&PathBuf::from("/src/cs")),
                "{exe}: {roots:?}"
            );
        }
        // Nowhere near a `target` folder: no tree.
        let roots = search_roots(&installed());
        assert!(!roots.iter().any(|r| r.ends_with("target")), "{roots:?}");
        assert_eq!(build_tree(Path::new("/a/target/b/c/d")), None, "too deep");
    }

    #[test]
    fn the_source_tree_comes_last_and_only_once() {
        let env = Environment {
            exe: Some("/src/cs/target/release/convscope".into()),
            source_tree: Some("/src/cs".into()),
            ..installed()
        };
        let roots = search_roots(&env);
        assert_eq!(
            roots.iter().filter(|r| *r == Path::new("/src/cs")).count(),
            1
        );
        let developer = Environment {
            source_tree: Some("/src/cs".into()),
            ..installed()
        };
        assert_eq!(
            search_roots(&developer).last(),
            Some(&PathBuf::from("/src/cs"))
        );
    }

    /// The portable folder's data wins over the installed one; a data set only the system
    /// folder has is found there; one that no folder has names every place looked.
    #[test]
    fn the_first_root_holding_a_folder_wins_and_a_missing_one_names_every_place() {
        let portable = tempfile::tempdir().expect("temp");
        let share = tempfile::tempdir().expect("temp");
        let system = share.path().join(APP);
        for dir in [
            portable.path().join(SAMPLE_MODELS),
            system.join(SAMPLE_MODELS),
            system.join("assets/data/mnist"),
        ] {
            std::fs::create_dir_all(dir).expect("mkdir");
        }
        let env = Environment {
            exe: Some(portable.path().join("convscope")),
            xdg_data_home: Some(portable.path().join("nothing-here").into()),
            xdg_data_dirs: Some(share.path().into()),
            ..Environment::default()
        };
        let roots = search_roots(&env);
        assert_eq!(
            find_dir(&roots, SAMPLE_MODELS),
            Ok(portable.path().join(SAMPLE_MODELS))
        );
        if cfg!(unix) {
            assert_eq!(
                find_dir(&roots, "assets/data/mnist"),
                Ok(system.join("assets/data/mnist"))
            );
        }
        let missing = find_dir(&roots, "assets/data/fsdd").expect_err("nowhere");
        assert_eq!(missing, looked_in(&roots, "assets/data/fsdd"));
        assert!(missing.contains(&portable.path().join("assets/data/fsdd")));
        assert_eq!(list(&missing).split(", ").count(), missing.len());
    }

    #[cfg(debug_assertions)]
    #[test]
    fn a_developer_build_finds_the_source_tree_data() {
        let found = find_dir(roots(), SAMPLE_MODELS).expect("the tree's sample models");
        assert!(found.join("digits-max.json").is_file(), "{found:?}");
    }
}
