//! Reading the languages: the Fluent files compiled in (`assets/i18n/en.ftl`, `zh.ftl`) and
//! any the user drops into their `convscope/i18n/` folder; a message a file lacks is English.

use super::messages::Strings;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use std::path::Path;
use std::sync::OnceLock;

/// The languages compiled into the app: (code, Fluent source).
const BUILT_IN: [(&str, &str); 2] = [
    ("en", include_str!("../../../assets/i18n/en.ftl")),
    ("zh", include_str!("../../../assets/i18n/zh.ftl")),
];

/// One loaded language.
pub(super) struct Language {
    pub(super) code: String,
    pub(super) strings: &'static Strings,
}

static LANGUAGES: OnceLock<Vec<Language>> = OnceLock::new();

/// What went wrong reading the user's language files (shown as notices).
static PROBLEMS: OnceLock<Vec<String>> = OnceLock::new();

pub(super) fn languages() -> &'static [Language] {
    LANGUAGES.get_or_init(|| load_languages(None).0)
}

/// Adds the `*.ftl` files in `dir` (the user's `convscope/i18n/`) to the compiled-in
/// languages. Call before anything shows text; later calls do nothing. A file with a mistake
/// is left out and named in [`language_problems`].
pub fn install_user_languages(dir: &Path) {
    let (all, problems) = load_languages(Some(dir));
    let _ = LANGUAGES.set(all);
    let _ = PROBLEMS.set(problems);
}

/// Why a user's language file was left out, one line per file.
pub fn language_problems() -> &'static [String] {
    PROBLEMS.get().map_or(&[], Vec::as_slice)
}

fn load_languages(dir: Option<&Path>) -> (Vec<Language>, Vec<String>) {
    let english = parse_ftl(
        "en",
        BUILT_IN[0].1.to_string(),
        Path::new("assets/i18n/en.ftl"),
    )
    .expect("the compiled-in English texts parse (tested)");
    let leak = |s: Strings| -> &'static Strings { Box::leak(Box::new(s)) };
    let mut all = Vec::new();
    let mut problems = Vec::new();
    for (code, source) in BUILT_IN {
        let path = format!("assets/i18n/{code}.ftl");
        let bundle = if code == "en" {
            None
        } else {
            parse_ftl(code, source.to_string(), Path::new(&path)).ok()
        };
        let strings = build_strings(bundle.as_ref(), &english);
        all.push(Language {
            code: code.to_string(),
            strings: leak(strings),
        });
    }
    let mut files: Vec<_> = dir
        .and_then(|d| std::fs::read_dir(d).ok())
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
        .collect();
    files.sort();
    for path in files {
        let Some(code) = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned) else {
            continue;
        };
        if all.iter().any(|l: &Language| l.code == code) || all.len() >= u8::MAX as usize {
            continue;
        }
        let text = crate::io::error::read_limited(&path, 1 << 20)
            .map_err(|e| e.to_string())
            .and_then(|b| {
                String::from_utf8(b).map_err(|_| format!("{}: is not UTF-8 text", path.display()))
            });
        match text.and_then(|t| parse_ftl(&code, t, &path)) {
            Ok(bundle) => {
                let strings = build_strings(Some(&bundle), &english);
                all.push(Language {
                    code,
                    strings: leak(strings),
                });
            }
            Err(e) => problems.push(e),
        }
    }
    (all, problems)
}

type Bundle = FluentBundle<FluentResource>;

/// Reads one Fluent file; `path` only names it in errors.
fn parse_ftl(code: &str, source: String, path: &Path) -> Result<Bundle, String> {
    let file = path.display();
    let lang: unic_langid::LanguageIdentifier = code
        .parse()
        .map_err(|_| format!("{file}: \"{code}\" is not a language code (fr, de, ja, …)"))?;
    let resource = FluentResource::try_new(source).map_err(|(r, errors)| {
        let at = errors[0].pos.start.min(r.source().trim_end().len());
        let line = crate::lesson::file::line_of(r.source(), at);
        format!("{file}, line {line}: {}", errors[0].kind)
    })?;
    let mut bundle = FluentBundle::new_concurrent(vec![lang]);
    bundle.set_use_isolating(false);
    bundle
        .add_resource(resource)
        .map_err(|errors| format!("{file}: {}", errors[0]))?;
    Ok(bundle)
}

/// Message `id` as a [`fill`] template: `{ $v2 }` becomes `{2}`.
fn template(bundle: &Bundle, id: &str) -> Option<String> {
    let pattern = bundle.get_message(id)?.value()?;
    let mut args = FluentArgs::new();
    for i in 1..=9 {
        args.set(format!("v{i}"), format!("{{{i}}}"));
    }
    let mut errors = Vec::new();
    Some(
        bundle
            .format_pattern(pattern, Some(&args), &mut errors)
            .into_owned(),
    )
}

/// Every message from `bundle`, English for any it lacks.
fn build_strings(bundle: Option<&Bundle>, english: &Bundle) -> Strings {
    Strings::build(&mut |id| {
        let text = bundle
            .and_then(|b| template(b, id))
            .or_else(|| template(english, id))
            .unwrap_or_else(|| id.to_string());
        Box::leak(text.into_boxed_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::i18n::fill::fill;
    use crate::app::i18n::lang::EN;

    /// The message ids and the `{N}` numbers of every message in a Fluent source.
    fn messages(code: &str, source: &str) -> Vec<(String, Vec<String>)> {
        let bundle = parse_ftl(code, source.to_string(), Path::new("x.ftl")).unwrap();
        let resource = FluentResource::try_new(source.to_string()).unwrap();
        resource
            .entries()
            .filter_map(|e| match e {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
                _ => None,
            })
            .map(|id| {
                let t = template(&bundle, &id).unwrap_or_default();
                let mut numbers: Vec<String> = (1..=9)
                    .map(|i| format!("{{{i}}}"))
                    .filter(|n| t.contains(n.as_str()))
                    .collect();
                numbers.sort();
                (id, numbers)
            })
            .collect()
    }

    #[test]
    fn every_language_has_every_message_with_the_same_numbers() {
        let ids = Strings::message_ids();
        let english = messages("en", BUILT_IN[0].1);
        for (code, source) in BUILT_IN {
            let theirs = messages(code, source);
            for id in &ids {
                let mine = theirs.iter().find(|(i, _)| i == id);
                let reference = english.iter().find(|(i, _)| i == id);
                assert!(mine.is_some(), "{code}.ftl has no message {id}");
                assert_eq!(
                    mine.map(|m| &m.1),
                    reference.map(|m| &m.1),
                    "{code}.ftl: {id} must use the same {{ $vN }} as en.ftl"
                );
            }
            for (id, _) in &theirs {
                assert!(
                    ids.contains(id) || id == "language_name",
                    "{code}.ftl: {id} is not used by the app"
                );
            }
        }
    }

    /// Chinese messages follow the spacing and punctuation rules of docs/languages.md: a
    /// space between Chinese and Latin, digits or a `{ $vN }`, full-width punctuation after
    /// Chinese, and no space beside it.
    #[test]
    fn chinese_messages_follow_the_typography_rules() {
        let mut found = Vec::new();
        for (code, source) in BUILT_IN {
            let bundle = parse_ftl(code, source.to_string(), Path::new("x.ftl")).unwrap();
            for (id, _) in messages(code, source) {
                let text = template(&bundle, &id).unwrap_or_default();
                if super::super::typography::has_cjk(&text) {
                    let problems = super::super::typography::problems(&text);
                    found.extend(
                        problems
                            .into_iter()
                            .map(|p| format!("{code}.ftl {id}: {p}")),
                    );
                }
            }
        }
        assert!(found.is_empty(), "{}", found.join("\n"));
    }

    #[test]
    fn a_users_language_file_is_added_and_falls_back_to_english() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("fr.ftl"),
            "language_name = Français\nplay = ▶ Lecture\npooling = Sous-échantillonnage : { $v1 }\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("de.ftl"),
            "language_name = Deutsch\nplay = { $v1\n",
        )
        .unwrap();
        let (all, problems) = load_languages(Some(dir.path()));
        assert_eq!(all.len(), 3);
        let fr = &all[2];
        assert_eq!(fr.code, "fr");
        assert_eq!(fr.strings.language_name, "Français");
        assert_eq!(fr.strings.play, "▶ Lecture");
        assert_eq!(
            fill(fr.strings.pooling, &[&"max"]),
            "Sous-échantillonnage : max"
        );
        // What the file leaves out is English.
        assert_eq!(fr.strings.open_image, EN.open_image);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("de.ftl, line 2"), "{problems:?}");
    }
}
