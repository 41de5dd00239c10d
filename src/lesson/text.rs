//! A lesson's words: one Fluent file per language (`NAME.en.ftl`, `NAME.zh.ftl`), so a teacher
//! translates a lesson without touching its steps. A step `id` has the messages `id-title`,
//! `id` (its prose), `id-question`, `id-choice-NAME`, `id-evidence` (a table, see [`Table`])
//! and `id-verdict`; numbers are Fluent variables (`{ $pool1-values }`) filled from [`Facts`]
//! that the running network just produced.

use super::error::LessonError;
use super::facts::{Facts, PENDING};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use fluent_syntax::ast;
use std::path::Path;
use unic_langid::LanguageIdentifier;

/// One language's texts.
pub struct LanguageTexts {
    pub code: String,
    bundle: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for LanguageTexts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LanguageTexts")
            .field("code", &self.code)
            .finish_non_exhaustive()
    }
}

/// A step's text with its numbers filled in, and the placeholders no number was found for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rendered {
    pub text: String,
    /// Variables the facts did not hold (a typo in the lesson, or a stage the model lacks).
    pub unknown: Vec<String>,
    /// Variables whose value is still being measured.
    pub pending: Vec<String>,
}

/// A step's evidence table, its numbers filled in: written in the Fluent file as rows of
/// cells between `|`, the first row the header:
///
/// ```text
/// avg-smooths-evidence =
///     | | before | after |
///     | peak | { $relu1-max } | { $pool1-max } |
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Reads a table from its rendered text; what is wrong as (1-based row, problem).
    pub fn parse(text: &str) -> Result<Table, (usize, String)> {
        let mut rows: Vec<Vec<String>> = Vec::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let row = rows.len() + 1;
            let inner = line
                .strip_prefix('|')
                .and_then(|l| l.strip_suffix('|'))
                .ok_or_else(|| (row, format!("\"{line}\" does not start and end with |")))?;
            let cells: Vec<String> = inner.split('|').map(|c| c.trim().to_string()).collect();
            if let Some(header) = rows.first()
                && header.len() != cells.len()
            {
                return Err((
                    row,
                    format!(
                        "{} cells where the header has {}",
                        cells.len(),
                        header.len()
                    ),
                ));
            }
            rows.push(cells);
        }
        if rows.is_empty() {
            return Err((1, "no rows".into()));
        }
        let header = rows.remove(0);
        Ok(Table { header, rows })
    }
}

impl LanguageTexts {
    /// Reads one Fluent file; `path` only names the file in errors.
    pub(crate) fn parse(code: &str, source: String, path: &Path) -> Result<Self, LessonError> {
        let file = path.to_path_buf();
        let lang: LanguageIdentifier = code.parse().map_err(|_| LessonError::LanguageCode {
            file: file.clone(),
            code: code.to_string(),
        })?;
        let resource = match FluentResource::try_new(source) {
            Ok(r) => r,
            Err((r, errors)) => {
                let first = &errors[0];
                // An error at the very end (an unclosed brace) belongs to the last line.
                let at = first.pos.start.min(r.source().trim_end().len());
                return Err(LessonError::Syntax {
                    file,
                    line: super::file::line_of(r.source(), at),
                    message: first.kind.to_string(),
                });
            }
        };
        let mut bundle = FluentBundle::new_concurrent(vec![lang]);
        // Isolation marks are for mixing scripts in right-to-left text; here they only show
        // as stray boxes in fonts without them.
        bundle.set_use_isolating(false);
        bundle
            .add_resource(resource)
            .map_err(|errors| LessonError::File {
                file,
                message: errors[0].to_string(),
            })?;
        Ok(LanguageTexts {
            code: code.to_string(),
            bundle,
        })
    }

    pub(crate) fn has(&self, id: &str) -> bool {
        self.bundle
            .get_message(id)
            .is_some_and(|m| m.value().is_some())
    }

    /// The variables message `id` uses, in order of first appearance.
    pub(crate) fn variables(&self, id: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) {
            pattern_variables(pattern, &mut out);
        }
        out
    }

    /// Message `id` with its variables filled from `facts`; `None` when the file lacks it.
    pub(crate) fn render(&self, id: &str, facts: &Facts) -> Option<Rendered> {
        let pattern = self.bundle.get_message(id)?.value()?;
        let mut args = FluentArgs::new();
        let mut rendered = Rendered::default();
        for name in self.variables(id) {
            let value = match facts.get(&name) {
                Some(v) if v == PENDING => {
                    rendered.pending.push(name.clone());
                    v.to_string()
                }
                Some(v) => v.to_string(),
                None => {
                    rendered.unknown.push(name.clone());
                    format!("{{{name}?}}")
                }
            };
            args.set(name, value);
        }
        let mut errors = Vec::new();
        rendered.text = self
            .bundle
            .format_pattern(pattern, Some(&args), &mut errors)
            .into_owned();
        Some(rendered)
    }
}

fn pattern_variables(pattern: &ast::Pattern<&str>, out: &mut Vec<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_variables(expression, out);
        }
    }
}

fn expression_variables(expression: &ast::Expression<&str>, out: &mut Vec<String>) {
    match expression {
        ast::Expression::Inline(inline) => inline_variables(inline, out),
        ast::Expression::Select { selector, variants } => {
            inline_variables(selector, out);
            for v in variants {
                pattern_variables(&v.value, out);
            }
        }
    }
}

fn inline_variables(inline: &ast::InlineExpression<&str>, out: &mut Vec<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } if !out.iter().any(|n| n == id.name) => {
            out.push(id.name.to_string());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_variables(a, out);
            }
            for a in &arguments.named {
                inline_variables(&a.value, out);
            }
        }
        ast::InlineExpression::Placeable { expression } => expression_variables(expression, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(source: &str) -> LanguageTexts {
        LanguageTexts::parse("en", source.to_string(), Path::new("l.en.ftl")).unwrap()
    }

    #[test]
    fn fills_variables_from_facts_and_reports_unknown_ones() {
        let t =
            texts("a = Pooling keeps { $pool1-values } of { $conv1-values } values ({ $typo }).\n");
        let mut facts = Facts::default();
        facts.set("pool1-values", "1,568");
        facts.set("conv1-values", "6,272");
        assert_eq!(t.variables("a"), ["pool1-values", "conv1-values", "typo"]);
        let r = t.render("a", &facts).unwrap();
        assert_eq!(r.text, "Pooling keeps 1,568 of 6,272 values ({typo?}).");
        assert_eq!(r.unknown, ["typo"]);
        assert!(t.render("missing", &facts).is_none());
    }

    #[test]
    fn pending_values_are_marked() {
        let t = texts("a = Mean { $sweep-fc-mean }\n");
        let mut facts = Facts::default();
        facts.set("sweep-fc-mean", PENDING);
        let r = t.render("a", &facts).unwrap();
        assert_eq!(r.pending, ["sweep-fc-mean"]);
        assert_eq!(r.text, format!("Mean {PENDING}"));
    }

    #[test]
    fn a_table_is_rows_of_cells_with_terms_and_numbers_filled_in() {
        let t = texts(
            "-before = before\nt =\n    | | { -before } | after |\n    | peak | { $a } | { $b } |\n",
        );
        let mut facts = Facts::default();
        facts.set("a", "3.1");
        facts.set("b", "2.0");
        let table = Table::parse(&t.render("t", &facts).unwrap().text).unwrap();
        assert_eq!(table.header, ["", "before", "after"]);
        assert_eq!(table.rows, [["peak", "3.1", "2.0"]]);
        let err = Table::parse("| a | b |\n| 1 |\n").unwrap_err();
        assert_eq!(err.0, 2);
        assert!(
            err.1.contains("1 cells") && err.1.contains("has 2"),
            "{err:?}"
        );
        assert_eq!(Table::parse("| a |\nnot a row\n").unwrap_err().0, 2);
        assert_eq!(Table::parse("\n").unwrap_err().0, 1);
    }

    #[test]
    fn a_syntax_error_names_the_line() {
        let err = LanguageTexts::parse(
            "en",
            "a = fine\nb = also fine\nc = broken { $x\n".into(),
            Path::new("l.en.ftl"),
        )
        .unwrap_err();
        assert!(matches!(err, LessonError::Syntax { line: 3, .. }), "{err}");
        assert!(err.to_string().starts_with("l.en.ftl, line 3:"), "{err}");
        let err = LanguageTexts::parse("e n", "a = b\n".into(), Path::new("x.ftl")).unwrap_err();
        assert!(err.to_string().contains("language code"), "{err}");
    }
}
