//! A lesson on paper: one self-contained HTML file (its figures inlined as `data:` URIs, no
//! script, no link to anything outside it) that prints on A4 and on Letter. Per step: its
//! title, question, the choices or a blank for the student's prediction, and the figure the
//! step shows; in the teacher's copy also the evidence table, the verdict and the right choice
//! marked. The pages are filled by the app, which walks the lesson through the same code the
//! lesson panel uses; this file only writes them out.

use super::Table;
use std::fmt::Write as _;
use std::path::PathBuf;

/// What `convscope handout` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoutOrder {
    /// A built-in lesson's name, a lesson file, or an own lesson's id.
    pub lesson: String,
    /// The language code: `en` or `zh`.
    pub lang: String,
    /// The teacher's copy: evidence, verdicts and right answers.
    pub answers: bool,
    pub out: PathBuf,
    /// Train a lesson's runs on a tenth of their digits for at most three epochs: a quick
    /// draft, whose numbers are not the ones the class will see.
    pub quick_runs: bool,
}

/// The words of the page around the lesson's own, in the handout's language.
#[derive(Debug, Clone, Default)]
pub(crate) struct Words {
    /// `Step { $v1 } of { $v2 }`, filled.
    pub step_of: Vec<String>,
    pub name: String,
    pub date: String,
    pub prediction: String,
    pub evidence: String,
    pub verdict: String,
    pub right_answer: String,
    pub teacher_copy: String,
    /// Said under a table whose numbers could not be measured for the handout, before them.
    pub not_computed: String,
}

/// One step as printed.
#[derive(Debug, Clone, Default)]
pub(crate) struct Page {
    pub title: String,
    pub question: Option<String>,
    /// Each choice's text, and whether it is the right one.
    pub choices: Vec<(String, bool)>,
    pub prose: String,
    /// The step's figure as PNG bytes, and its caption.
    pub figure: Option<(Vec<u8>, String)>,
    /// Teacher's copy only.
    pub evidence: Option<Table>,
    pub verdict: Option<String>,
    /// Numbers that were still being measured (shown as …) or that the network lacks.
    pub missing: Vec<String>,
}

/// A whole handout.
#[derive(Debug, Clone, Default)]
pub(crate) struct Handout {
    /// The HTML `lang` attribute (`en`, `zh-Hans`).
    pub lang: String,
    pub title: String,
    pub answers: bool,
    pub words: Words,
    pub pages: Vec<Page>,
}

/// Page size and print layout: A4 and Letter alike (the margins fit both), each step kept
/// together where it fits, figures scaled to the column; CJK fonts named for Chinese.
const STYLE: &str = "\
@page { margin: 15mm 14mm; }
html { font-family: 'Noto Sans', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', \
'Microsoft YaHei', 'DejaVu Sans', sans-serif; font-size: 11pt; line-height: 1.45; color: #111; }
body { max-width: 180mm; margin: 0 auto; }
header { display: flex; justify-content: space-between; align-items: baseline; \
border-bottom: 1.5pt solid #111; margin-bottom: 6mm; }
header h1 { font-size: 17pt; margin: 0 0 2mm 0; }
.who { font-size: 10pt; white-space: nowrap; }
.who span { display: inline-block; min-width: 32mm; border-bottom: 0.6pt solid #444; }
.copy { font-size: 10pt; font-weight: bold; }
section.step { break-inside: avoid; page-break-inside: avoid; margin: 0 0 7mm 0; }
h2 { font-size: 13pt; margin: 0 0 1.5mm 0; }
h2 .n { font-weight: normal; color: #555; font-size: 10pt; display: block; }
.question { font-weight: bold; margin: 1mm 0 2mm 0; }
.prose { margin: 0 0 2mm 0; }
ol.choices { list-style: upper-alpha; margin: 0 0 2mm 0; padding-left: 8mm; }
ol.choices li { margin: 0.8mm 0; }
ol.choices li::marker { font-weight: bold; }
ol.choices li.right { font-weight: bold; }
.box { display: inline-block; width: 3.2mm; height: 3.2mm; border: 0.6pt solid #333; \
margin-right: 2mm; vertical-align: -0.4mm; }
.prediction { margin: 2mm 0; }
.prediction .line { border-bottom: 0.6pt solid #444; height: 7mm; }
figure { margin: 2mm 0; text-align: center; }
figure img { max-width: 100%; max-height: 58mm; image-rendering: pixelated; \
border: 0.4pt solid #bbb; }
figcaption { font-size: 9pt; color: #444; }
table.evidence { border-collapse: collapse; margin: 2mm 0; font-size: 10.5pt; }
table.evidence th, table.evidence td { border: 0.5pt solid #777; padding: 1mm 2.5mm; \
text-align: right; }
table.evidence th:first-child, table.evidence td:first-child { text-align: left; }
table.evidence th { background: #eee; }
.verdict { border-left: 1.5mm solid #3a9a5a; padding: 0.5mm 0 0.5mm 3mm; margin: 2mm 0; }
.label { font-weight: bold; }
.missing { font-size: 9pt; color: #8a4b00; }
code { font-family: 'DejaVu Sans Mono', monospace; font-size: 95%; }
";

/// `text` safe inside HTML (element text or a quoted attribute).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Lesson prose as HTML: escaped, `code` spans in a monospace face (never their backticks).
fn prose_html(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", escape(part));
        } else {
            out.push_str(&escape(part));
        }
    }
    out
}

/// Standard base64 (RFC 4648, with padding), for `data:` URIs.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

impl Handout {
    /// The whole document.
    pub(crate) fn html(&self) -> String {
        let w = &self.words;
        let mut o = String::new();
        let _ = write!(
            o,
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<header>\n\
             <div><h1>{}</h1>",
            escape(&self.lang),
            escape(&self.title),
            escape(&self.title)
        );
        if self.answers {
            let _ = write!(o, "<div class=\"copy\">{}</div>", escape(&w.teacher_copy));
        }
        let _ = write!(
            o,
            "</div>\n<div class=\"who\">{}: <span></span> &nbsp; {}: <span></span></div>\n\
             </header>\n",
            escape(&w.name),
            escape(&w.date)
        );
        for (i, page) in self.pages.iter().enumerate() {
            self.page_html(&mut o, i, page);
        }
        o.push_str("</body>\n</html>\n");
        o
    }

    fn page_html(&self, o: &mut String, index: usize, page: &Page) {
        let w = &self.words;
        let step_of = w.step_of.get(index).cloned().unwrap_or_default();
        let _ = write!(
            o,
            "<section class=\"step\" id=\"step-{}\">\n<h2><span class=\"n\">{}</span>{}</h2>\n",
            index + 1,
            escape(&step_of),
            escape(&page.title)
        );
        if !page.prose.is_empty() {
            for paragraph in page.prose.split('\n') {
                let _ = writeln!(o, "<p class=\"prose\">{}</p>", prose_html(paragraph));
            }
        }
        if let Some(q) = &page.question {
            let _ = writeln!(o, "<p class=\"question\">{}</p>", prose_html(q));
        }
        if !page.choices.is_empty() {
            o.push_str("<ol class=\"choices\">\n");
            for (text, right) in &page.choices {
                let marked = self.answers && *right;
                let _ = writeln!(
                    o,
                    "<li{}><span class=\"box\"></span>{}{}</li>",
                    if marked { " class=\"right\"" } else { "" },
                    prose_html(text),
                    if marked {
                        format!(" ✔ ({})", escape(&w.right_answer))
                    } else {
                        String::new()
                    }
                );
            }
            o.push_str("</ol>\n");
        } else if page.question.is_some() {
            let _ = writeln!(
                o,
                "<div class=\"prediction\"><span class=\"label\">{}:</span>\
                 <div class=\"line\"></div><div class=\"line\"></div></div>",
                escape(&w.prediction)
            );
        }
        if let Some((png, caption)) = &page.figure {
            let _ = writeln!(
                o,
                "<figure><img alt=\"{}\" src=\"data:image/png;base64,{}\">\
                 <figcaption>{}</figcaption></figure>",
                escape(caption),
                base64(png),
                escape(caption)
            );
        }
        if self.answers {
            if let Some(table) = &page.evidence {
                table_html(o, table, &w.evidence);
            }
            if let Some(v) = &page.verdict {
                let _ = write!(
                    o,
                    "<div class=\"verdict\"><span class=\"label\">{}</span>",
                    escape(&w.verdict)
                );
                for paragraph in v.split('\n') {
                    let _ = write!(o, "<p>{}</p>", prose_html(paragraph));
                }
                o.push_str("</div>\n");
            }
        }
        if !page.missing.is_empty() {
            let _ = writeln!(
                o,
                "<p class=\"missing\">{} {}</p>",
                escape(&w.not_computed),
                escape(&page.missing.join(", "))
            );
        }
        o.push_str("</section>\n");
    }
}

fn table_html(o: &mut String, table: &Table, caption: &str) {
    let _ = write!(
        o,
        "<table class=\"evidence\"><caption class=\"label\">{}</caption>\n<tr>",
        escape(caption)
    );
    for cell in &table.header {
        let _ = write!(o, "<th>{}</th>", prose_html(cell));
    }
    o.push_str("</tr>\n");
    for row in &table.rows {
        o.push_str("<tr>");
        for cell in row {
            let _ = write!(o, "<td>{}</td>", prose_html(cell));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648s_examples() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded, "{plain}");
        }
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
    }

    fn handout(answers: bool) -> Handout {
        Handout {
            lang: "en".into(),
            title: "Pooling <and> FC".into(),
            answers,
            words: Words {
                step_of: vec!["Step 1 of 2".into(), "Step 2 of 2".into()],
                prediction: "Your prediction".into(),
                evidence: "Evidence".into(),
                verdict: "Verdict".into(),
                right_answer: "right answer".into(),
                not_computed: "Not measured for this handout:".into(),
                ..Words::default()
            },
            pages: vec![
                Page {
                    title: "Meet".into(),
                    prose: "It has `9,098` parameters.".into(),
                    figure: Some((vec![1, 2, 3], "conv1".into())),
                    ..Page::default()
                },
                Page {
                    title: "Peak".into(),
                    question: Some("Up or down?".into()),
                    choices: vec![("up".into(), false), ("down".into(), true)],
                    evidence: Some(Table {
                        header: vec!["".into(), "after".into()],
                        rows: vec![vec!["peak".into(), "0.5".into()]],
                    }),
                    verdict: Some("Down & out.".into()),
                    missing: vec!["sweep-changed".into()],
                    ..Page::default()
                },
            ],
        }
    }

    #[test]
    fn the_students_copy_has_questions_and_figures_but_no_answers() {
        let html = handout(false).html();
        assert!(html.contains("<title>Pooling &lt;and&gt; FC</title>"));
        assert!(html.contains("<code>9,098</code>") && !html.contains('`'));
        assert!(html.contains("src=\"data:image/png;base64,AQID\""));
        assert!(html.contains("id=\"step-1\"") && html.contains("id=\"step-2\""));
        assert!(html.contains("<li><span class=\"box\"></span>down</li>"));
        assert!(!html.contains("Verdict") && !html.contains("<td>0.5") && !html.contains("✔"));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn the_teachers_copy_marks_the_answer_and_shows_evidence_and_verdict() {
        let html = handout(true).html();
        assert!(html.contains("<li class=\"right\"><span class=\"box\"></span>down ✔"));
        assert!(html.contains("<td>peak</td><td>0.5</td>"));
        assert!(html.contains("Verdict</span><p>Down &amp; out.</p>"));
        assert!(html.contains("Not measured for this handout: sweep-changed"));
    }
}
