//! Lessons: a list of steps that each set the app up (model, input, stage, pooling, lab) and
//! state a claim next to the numbers the network just produced. A lesson is files, not code:
//! `NAME.toml` for the steps and `NAME.LANG.ftl` beside it for the words in each language.
//! No egui here: the app applies a step's `Step` and fills its text from [`Facts`].

mod error;
pub mod facts;
pub(crate) mod file;
pub(crate) mod text;

pub(crate) use error::{LessonError, TextProblem};
pub use facts::Facts;
pub use file::{PoolChoice, View, effective};
pub(crate) use file::{Step, SweepChoice, WindowChoice};
pub(crate) use text::{LanguageTexts, Rendered};

use std::path::{Path, PathBuf};

/// Lesson and text files are small; anything bigger is not one.
const MAX_FILE_BYTES: u64 = 1 << 20;

/// A lesson compiled into the app: (name, steps, [(language code, texts)]).
type BuiltinLesson = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// The lessons that ship inside the app.
const BUILTIN: &[BuiltinLesson] = &[(
    "pooling-and-fc",
    include_str!("../../assets/lessons/pooling-and-fc.toml"),
    &[
        (
            "en",
            include_str!("../../assets/lessons/pooling-and-fc.en.ftl"),
        ),
        (
            "zh",
            include_str!("../../assets/lessons/pooling-and-fc.zh.ftl"),
        ),
    ],
)];

/// A lesson ready to show: its steps and its texts in every language it has.
#[derive(Debug)]
pub struct Lesson {
    pub id: String,
    pub steps: Vec<Step>,
    /// English first when present: it is the fallback for a message a language lacks.
    pub languages: Vec<LanguageTexts>,
    /// Where it was read from (`None` for a built-in lesson).
    pub path: Option<PathBuf>,
}

impl Lesson {
    /// The names of the built-in lessons.
    pub(crate) fn builtin_names() -> Vec<&'static str> {
        BUILTIN.iter().map(|(name, ..)| *name).collect()
    }

    /// A built-in lesson by name.
    pub fn builtin(name: &str) -> Result<Lesson, LessonError> {
        let Some((name, steps, langs)) = BUILTIN.iter().find(|(n, ..)| *n == name) else {
            return Err(LessonError::NoBuiltin {
                name: name.to_string(),
                known: Self::builtin_names(),
            });
        };
        let dir = Path::new("assets/lessons");
        let texts = langs
            .iter()
            .map(|(code, source)| {
                LanguageTexts::parse(
                    code,
                    source.to_string(),
                    &dir.join(format!("{name}.{code}.ftl")),
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        Self::assemble(steps, &dir.join(format!("{name}.toml")), texts, None)
    }

    /// A built-in lesson by name, or a lesson file (`my-lesson.toml`, its `.ftl` files beside it).
    pub(crate) fn load(name_or_path: &str) -> Result<Lesson, LessonError> {
        let path = Path::new(name_or_path);
        if path.extension().is_some_and(|e| e == "toml") || path.exists() {
            Self::from_file(path)
        } else {
            Self::builtin(name_or_path)
        }
    }

    /// Reads `path` and every `STEM.LANG.ftl` file beside it.
    pub(crate) fn from_file(path: &Path) -> Result<Lesson, LessonError> {
        let read = |p: &Path| -> Result<String, LessonError> {
            let bytes = crate::io::error::read_limited(p, MAX_FILE_BYTES)?;
            String::from_utf8(bytes).map_err(|_| LessonError::NotUtf8(p.to_path_buf()))
        };
        let steps = read(path)?;
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or_else(|| LessonError::NoName(path.to_path_buf()))?;
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let entries = std::fs::read_dir(dir).map_err(|e| LessonError::ListFolder {
            dir: dir.to_path_buf(),
            reason: e.to_string(),
        })?;
        let mut texts = Vec::new();
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let Some(name) = file_name.to_str() else {
                continue;
            };
            let Some(code) = name
                .strip_prefix(stem)
                .and_then(|rest| rest.strip_prefix('.'))
                .and_then(|rest| rest.strip_suffix(".ftl"))
            else {
                continue;
            };
            let p = entry.path();
            texts.push(LanguageTexts::parse(code, read(&p)?, &p)?);
        }
        if texts.is_empty() {
            return Err(LessonError::NoTexts {
                path: path.to_path_buf(),
                stem: stem.to_string(),
            });
        }
        Self::assemble(&steps, path, texts, Some(path.to_path_buf()))
    }

    fn assemble(
        steps: &str,
        path: &Path,
        mut languages: Vec<LanguageTexts>,
        from: Option<PathBuf>,
    ) -> Result<Lesson, LessonError> {
        let parsed = file::parse_steps(steps, path)?;
        languages.sort_by_key(|l| (l.code != "en", l.code.clone()));
        let lesson = Lesson {
            id: parsed.id,
            steps: parsed.steps,
            languages,
            path: from,
        };
        let problems = lesson.problems();
        if !problems.is_empty() {
            return Err(LessonError::Texts(problems));
        }
        Ok(lesson)
    }

    /// What is wrong with the texts: a step without its title or text in some language, or a
    /// translation that leaves out or adds a number the English text shows.
    pub(crate) fn problems(&self) -> Vec<TextProblem> {
        let mut out = Vec::new();
        let Some(first) = self.languages.first() else {
            return vec![TextProblem::NoLanguage];
        };
        let mut ids = vec!["lesson-title".to_string()];
        for s in &self.steps {
            ids.push(format!("{}-title", s.id));
            ids.push(s.id.clone());
        }
        for lang in &self.languages {
            for id in &ids {
                if !lang.has(id) {
                    out.push(TextProblem::Missing {
                        lesson: self.id.clone(),
                        language: lang.code.clone(),
                        id: id.clone(),
                    });
                    continue;
                }
                let mut theirs = lang.variables(id);
                let mut reference = first.variables(id);
                theirs.sort();
                reference.sort();
                if lang.code != first.code && theirs != reference {
                    out.push(TextProblem::Variables {
                        lesson: self.id.clone(),
                        id: id.clone(),
                        language: lang.code.clone(),
                        theirs,
                        reference_language: first.code.clone(),
                        reference,
                    });
                }
            }
        }
        out
    }

    /// The language to show for `code`: that one if the lesson has it, else English (or the
    /// first it has).
    pub(crate) fn language(&self, code: &str) -> &LanguageTexts {
        self.languages
            .iter()
            .find(|l| l.code == code)
            .unwrap_or(&self.languages[0])
    }

    /// The lesson's title in `code`.
    pub fn title(&self, code: &str) -> String {
        self.render(code, "lesson-title", &Facts::default()).text
    }

    /// A message with its numbers filled in, from `code`'s texts or the fallback's.
    pub(crate) fn render(&self, code: &str, id: &str, facts: &Facts) -> Rendered {
        let lang = self.language(code);
        lang.render(id, facts)
            .or_else(|| self.languages[0].render(id, facts))
            .unwrap_or_else(|| Rendered {
                text: id.to_string(),
                ..Rendered::default()
            })
    }

    /// Step `index`'s title and text in `code`.
    pub fn step_text(&self, code: &str, index: usize, facts: &Facts) -> Option<(String, Rendered)> {
        let step = self.steps.get(index)?;
        let title = self.render(code, &format!("{}-title", step.id), facts).text;
        Some((title, self.render(code, &step.id, facts)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_lesson_reads_and_its_languages_agree() {
        for name in Lesson::builtin_names() {
            let lesson = Lesson::builtin(name).unwrap();
            assert!(
                lesson.steps.len() >= 7,
                "{name}: {} steps",
                lesson.steps.len()
            );
            assert_eq!(lesson.languages[0].code, "en");
            assert!(lesson.languages.iter().any(|l| l.code == "zh"));
            assert!(lesson.problems().is_empty(), "{:?}", lesson.problems());
        }
    }

    #[test]
    fn a_lesson_file_on_disk_reads_with_its_texts_and_checks_them() {
        let dir = tempfile::tempdir().unwrap();
        let toml = dir.path().join("mine.toml");
        std::fs::write(
            &toml,
            "id = \"mine\"\n[[step]]\nid = \"one\"\nmodel = \"digits-max\"\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("mine.en.ftl"),
            "lesson-title = Mine\none-title = One\none = Has { $params } weights.\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("mine.fr.ftl"),
            "lesson-title = La mienne\none-title = Un\none = A des poids.\n",
        )
        .unwrap();
        let err = Lesson::from_file(&toml).unwrap_err().to_string();
        assert!(
            err.contains("\"one\" in fr uses {}") && err.contains("{params}"),
            "{err}"
        );
        std::fs::write(
            dir.path().join("mine.fr.ftl"),
            "lesson-title = La mienne\none-title = Un\none = A { $params } poids.\n",
        )
        .unwrap();
        let lesson = Lesson::load(toml.to_str().unwrap()).unwrap();
        let mut facts = Facts::default();
        facts.set("params", "9,098");
        let (title, text) = lesson.step_text("fr", 0, &facts).unwrap();
        assert_eq!(title, "Un");
        assert_eq!(text.text, "A 9,098 poids.");
        // A language the lesson lacks falls back to English.
        assert_eq!(
            lesson.step_text("zh", 0, &facts).unwrap().1.text,
            "Has 9,098 weights."
        );
        std::fs::remove_file(dir.path().join("mine.en.ftl")).unwrap();
        std::fs::remove_file(dir.path().join("mine.fr.ftl")).unwrap();
        let err = Lesson::from_file(&toml).unwrap_err();
        assert!(matches!(err, LessonError::NoTexts { .. }), "{err}");
        assert!(err.to_string().contains("mine.en.ftl"), "{err}");
    }

    #[test]
    fn an_unknown_builtin_lists_the_ones_there_are() {
        let err = Lesson::load("nope").unwrap_err();
        assert!(matches!(err, LessonError::NoBuiltin { .. }), "{err}");
        assert!(err.to_string().contains("pooling-and-fc"), "{err}");
    }
}
