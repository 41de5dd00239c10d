//! The lessons a teacher can open: the built-in ones, then every `NAME.toml` in the user's
//! lessons folder (`lessons/` in convscope's data folder), each read and checked. A user lesson
//! with a mistake stays in the list with its error (file, line, what is wrong), so the picker
//! and `convscope lessons` can say what to fix instead of leaving it out in silence.

use super::{Lesson, LessonError};
use std::path::{Path, PathBuf};

/// At most this many lesson files are read from a folder (the rest are named as left out).
pub(crate) const MAX_USER_LESSONS: usize = 200;

/// Where a lesson in the catalogue comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    /// Compiled into the app, by name.
    Builtin(&'static str),
    /// A lesson file in the user's folder.
    File(PathBuf),
}

impl Source {
    /// What `convscope --lesson` and the app's open command take: the built-in name or the
    /// file's path.
    pub(crate) fn open_arg(&self) -> String {
        match self {
            Source::Builtin(name) => name.to_string(),
            Source::File(path) => path.display().to_string(),
        }
    }
}

/// One lesson of the catalogue: where it comes from and the lesson, or why it cannot open.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) source: Source,
    pub(crate) lesson: Result<Lesson, LessonError>,
}

impl Entry {
    /// The lesson's id; for a file that does not open, its name without `.toml`.
    pub(crate) fn id(&self) -> String {
        match (&self.lesson, &self.source) {
            (Ok(l), _) => l.id.clone(),
            (Err(_), Source::Builtin(name)) => name.to_string(),
            (Err(_), Source::File(path)) => path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
        }
    }
}

/// The lesson `convscope --lesson` and the app open: a built-in lesson or a lesson file (see
/// [`Lesson::load`]), else the lesson of that id in the user's lessons folder.
pub(crate) fn open(name_or_path: &str) -> Result<Lesson, LessonError> {
    Lesson::load(name_or_path).or_else(|e| {
        crate::io::user_lessons_dir()
            .and_then(|dir| find_user(&dir, name_or_path))
            .unwrap_or(Err(e))
    })
}

/// The built-in lessons, then those in `user_dir` (sorted by file name). A folder that does not
/// exist holds no lessons; one that cannot be listed is an error.
pub(crate) fn catalog(user_dir: Option<&Path>) -> Result<Vec<Entry>, LessonError> {
    let mut out: Vec<Entry> = Lesson::builtin_names()
        .into_iter()
        .map(|name| Entry {
            source: Source::Builtin(name),
            lesson: Lesson::builtin(name),
        })
        .collect();
    if let Some(dir) = user_dir {
        out.extend(user_files(dir)?.into_iter().map(|path| Entry {
            lesson: Lesson::from_file(&path),
            source: Source::File(path),
        }));
    }
    Ok(out)
}

/// The lesson files (`*.toml`) in `dir`, sorted; none when `dir` does not exist.
pub(crate) fn user_files(dir: &Path) -> Result<Vec<PathBuf>, LessonError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(LessonError::ListFolder {
                dir: dir.to_path_buf(),
                reason: e.to_string(),
            });
        }
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files.truncate(MAX_USER_LESSONS);
    Ok(files)
}

/// The lesson called `id` in `user_dir` (by its `id`, or its file's name), when there is one.
pub(crate) fn find_user(user_dir: &Path, id: &str) -> Option<Result<Lesson, LessonError>> {
    let files = user_files(user_dir).ok()?;
    if let Some(path) = files
        .iter()
        .find(|p| p.file_stem().is_some_and(|s| s == id))
    {
        return Some(Lesson::from_file(path));
    }
    files
        .iter()
        .filter_map(|p| Lesson::from_file(p).ok())
        .find(|l| l.id == id)
        .map(Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_lesson(dir: &Path, stem: &str, id: &str, title: &str) {
        std::fs::write(
            dir.join(format!("{stem}.toml")),
            format!("id = \"{id}\"\n[[step]]\nid = \"one\"\n"),
        )
        .unwrap();
        std::fs::write(
            dir.join(format!("{stem}.en.ftl")),
            format!("lesson-title = {title}\none-title = One\none = Text.\n"),
        )
        .unwrap();
    }

    #[test]
    fn lists_builtins_then_the_users_files_with_their_errors() {
        let dir = tempfile::tempdir().unwrap();
        write_lesson(dir.path(), "b-mine", "mine", "Mine");
        std::fs::write(
            dir.path().join("a-broken.toml"),
            "id = \"broken\"\n[[step]]\nid = \"x\"\npool = \"maxx\"\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("a-broken.en.ftl"),
            "lesson-title = Broken\nx-title = X\nx = Text.\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not a lesson").unwrap();
        let entries = catalog(Some(dir.path())).unwrap();
        let builtins = Lesson::builtin_names().len();
        assert_eq!(entries.len(), builtins + 2);
        assert!(entries[..builtins].iter().all(|e| e.lesson.is_ok()));
        let broken = &entries[builtins];
        assert_eq!(broken.id(), "a-broken");
        let err = broken.lesson.as_ref().unwrap_err().to_string();
        assert!(
            err.contains("a-broken.toml, line 4") && err.contains("maxx"),
            "{err}"
        );
        let mine = &entries[builtins + 1];
        assert_eq!(mine.id(), "mine");
        assert_eq!(mine.lesson.as_ref().unwrap().title("zh"), "Mine");
        assert_eq!(
            mine.source.open_arg(),
            dir.path().join("b-mine.toml").display().to_string()
        );
    }

    #[test]
    fn a_missing_folder_holds_no_lessons_and_a_user_lesson_is_found_by_id_or_name() {
        let dir = tempfile::tempdir().unwrap();
        let none = catalog(Some(&dir.path().join("nope"))).unwrap();
        assert_eq!(none.len(), Lesson::builtin_names().len());
        write_lesson(dir.path(), "file-name", "lesson-id", "Mine");
        for name in ["file-name", "lesson-id"] {
            let found = find_user(dir.path(), name).unwrap().unwrap();
            assert_eq!(found.id, "lesson-id");
        }
        assert!(find_user(dir.path(), "other").is_none());
    }
}
