//! Lessons: a list of steps that each set the app up (model, input, stage, pooling, lab), ask
//! the class a question, and reveal the evidence (numbers the network just produced) and a
//! verdict. A lesson is files, not code: `NAME.toml` for the steps and `NAME.LANG.ftl` beside
//! it for the words in each language. No egui here: the app applies a step's [`Step`], keeps
//! the views it names ([`ViewId`]) on screen and fills its texts from [`Facts`].

pub(crate) mod catalog;
mod error;
pub mod facts;
pub(crate) mod file;
pub(crate) mod handout;
pub(crate) mod show;
pub(crate) mod text;

pub(crate) use error::{LessonError, TextProblem};
pub use facts::Facts;
pub use file::{
    ConvTryChoice, ExplainView, PoolChoice, Step, SweepChoice, TrainData, TrainRun, View,
    WindowChoice, effective, revealed, runs_until,
};
pub use handout::HandoutOrder;
pub use show::{StagePart, ViewId};
pub use text::Rendered;
pub(crate) use text::{LanguageTexts, Table};

/// The most characters of prose (a step's `ID` message, numbers filled in) a step may have in
/// a language, so that a room can read it: the numbers go into the evidence table. Languages
/// not listed have no limit.
pub const PROSE_LIMITS: [(&str, usize); 2] = [("en", 320), ("zh", 160)];

/// How many characters `text` counts as prose: every character but line breaks.
pub fn prose_chars(text: &str) -> usize {
    text.chars().filter(|c| *c != '\n').count()
}

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
const BUILTIN: &[BuiltinLesson] = &[
    (
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
    ),
    (
        "convolution",
        include_str!("../../assets/lessons/convolution.toml"),
        &[
            (
                "en",
                include_str!("../../assets/lessons/convolution.en.ftl"),
            ),
            (
                "zh",
                include_str!("../../assets/lessons/convolution.zh.ftl"),
            ),
        ],
    ),
    (
        "learning",
        include_str!("../../assets/lessons/learning.toml"),
        &[
            ("en", include_str!("../../assets/lessons/learning.en.ftl")),
            ("zh", include_str!("../../assets/lessons/learning.zh.ftl")),
        ],
    ),
];

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
    pub fn builtin_names() -> Vec<&'static str> {
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

    /// A built-in lesson by name, or a lesson file (`my-lesson.toml`, its `.ftl` files beside it);
    /// the lesson catalogue (`catalog::open`) also finds a lesson of the user's lessons folder
    /// by its id.
    pub fn load(name_or_path: &str) -> Result<Lesson, LessonError> {
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

    /// What is wrong with the texts: a step without its title, text, question or a choice's
    /// text in some language, a message the reference language has and another lacks, an
    /// evidence table that is not one, or a translation that leaves out or adds a number the
    /// English text shows.
    pub(crate) fn problems(&self) -> Vec<TextProblem> {
        let mut out = Vec::new();
        let Some(first) = self.languages.first() else {
            return vec![TextProblem::NoLanguage];
        };
        let mut ids = vec!["lesson-title".to_string()];
        for (i, s) in self.steps.iter().enumerate() {
            ids.push(format!("{}-title", s.id));
            ids.push(s.id.clone());
            // Every step asks, but the first (it meets the class) and a summary.
            let question = format!("{}-question", s.id);
            if (i > 0 && !s.summary) || first.has(&question) {
                ids.push(question);
            }
            ids.extend(s.choices.iter().map(|c| format!("{}-choice-{c}", s.id)));
            for optional in ["evidence", "verdict"] {
                let id = format!("{}-{optional}", s.id);
                if first.has(&id) {
                    ids.push(id);
                }
            }
        }
        for lang in &self.languages {
            for id in &ids {
                if id.ends_with("-evidence")
                    && let Some(r) = lang.render(id, &Facts::default())
                    && let Err((row, problem)) = Table::parse(&r.text)
                {
                    out.push(TextProblem::Table {
                        lesson: self.id.clone(),
                        language: lang.code.clone(),
                        id: id.clone(),
                        row,
                        problem,
                    });
                }
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

    /// Step `index`'s message `ID-part` (`question`, `verdict`, `choice-up`) in `code`, when
    /// the lesson has it.
    pub fn step_part(
        &self,
        code: &str,
        index: usize,
        part: &str,
        facts: &Facts,
    ) -> Option<Rendered> {
        let step = self.steps.get(index)?;
        let id = format!("{}-{part}", step.id);
        self.languages[0]
            .has(&id)
            .then(|| self.render(code, &id, facts))
    }

    /// Step `index`'s evidence table in `code`, numbers filled in (with what they lacked), when
    /// it has one.
    pub fn evidence(&self, code: &str, index: usize, facts: &Facts) -> Option<(Table, Rendered)> {
        let rendered = self.step_part(code, index, "evidence", facts)?;
        let table = Table::parse(&rendered.text).ok()?;
        Some((table, rendered))
    }

    /// Whether step `index` asks the class something, so its evidence, verdict and reveal
    /// wait until the teacher reveals them: it has a question or choices.
    pub fn asks(&self, index: usize) -> bool {
        self.steps.get(index).is_some_and(|s| {
            !s.choices.is_empty() || self.languages[0].has(&format!("{}-question", s.id))
        })
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
    fn questions_choices_tables_and_verdicts_are_checked_in_every_language() {
        let dir = tempfile::tempdir().unwrap();
        let toml = dir.path().join("q.toml");
        std::fs::write(
            &toml,
            "id = \"q\"\n[[step]]\nid = \"a\"\n[[step]]\nid = \"b\"\n\
             choices = [\"up\", \"down\"]\nanswer = \"down\"\n\
             [[step]]\nid = \"end\"\nsummary = true\n",
        )
        .unwrap();
        let good_en = "lesson-title = Q\na-title = A\na = First.\n\
            b-title = B\nb = Prose.\nb-question = Up or down?\n\
            b-choice-up = up\nb-choice-down = down\n\
            b-evidence =\n    | | x |\n    | peak | { $p } |\n\
            b-verdict = Down, to { $p }.\nend-title = End\nend = All.\n";
        let good_fr = good_en.replace("Up or down?", "Monte ou descend ?");
        std::fs::write(dir.path().join("q.en.ftl"), good_en).unwrap();
        std::fs::write(dir.path().join("q.fr.ftl"), &good_fr).unwrap();
        let lesson = Lesson::from_file(&toml).unwrap();
        // The first step and the summary ask nothing; the middle one does.
        assert!(!lesson.asks(0) && lesson.asks(1) && !lesson.asks(2));
        let mut facts = Facts::default();
        facts.set("p", "0.5");
        let (table, _) = lesson.evidence("fr", 1, &facts).unwrap();
        assert_eq!(table.rows, [["peak", "0.5"]]);
        assert_eq!(
            lesson.step_part("en", 1, "verdict", &facts).unwrap().text,
            "Down, to 0.5."
        );
        assert!(lesson.step_part("en", 0, "verdict", &facts).is_none());
        // Each of these breaks the French file in one way.
        for (broken, want) in [
            (
                good_fr.replace("b-question = Monte ou descend ?\n", ""),
                "b-question",
            ),
            (
                good_fr.replace("b-choice-down = down\n", ""),
                "b-choice-down",
            ),
            (
                good_fr.replace("b-verdict = Down, to { $p }.\n", ""),
                "b-verdict",
            ),
            (good_fr.replace("| peak | { $p } |", "| peak |"), "row 2"),
            (good_fr.replace("Down, to { $p }.", "Down."), "{p}"),
        ] {
            std::fs::write(dir.path().join("q.fr.ftl"), &broken).unwrap();
            let err = Lesson::from_file(&toml).unwrap_err().to_string();
            assert!(err.contains(want) && err.contains(" fr"), "{want}: {err}");
        }
    }

    #[test]
    fn prose_counts_every_character_but_line_breaks() {
        assert_eq!(prose_chars("ab c\nd"), 5);
        assert_eq!(prose_chars("池化层\n"), 3);
    }

    #[test]
    fn an_unknown_builtin_lists_the_ones_there_are() {
        let err = Lesson::load("nope").unwrap_err();
        assert!(matches!(err, LessonError::NoBuiltin { .. }), "{err}");
        assert!(err.to_string().contains("pooling-and-fc"), "{err}");
    }
}
