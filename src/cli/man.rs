//! `convscope man`: the manual page (roff), written from the same definitions the parser uses,
//! with where convscope finds its data and keeps its settings.

use anyhow::Result;

/// The page's FILES and ENVIRONMENT sections (roff), after what clap describes.
const FILES: &str = r#".SH FILES
.TP
\fI/usr/share/convscope/\fR
The sample models (\fIsample_models/\fR), the bundled data sets (\fIassets/data/\fR) and
the lessons' source files (\fIassets/lessons/\fR), as the Debian package installs them.
A portable folder keeps the same layout beside the \fBconvscope\fR program.
.TP
\fI~/.local/share/convscope/settings.json\fR
The remembered language, theme, zoom, model and picture.
.SH ENVIRONMENT
.TP
\fBXDG_DATA_HOME\fR, \fBXDG_DATA_DIRS\fR
Where the data is looked for, after the folder of the program itself:
\fI$XDG_DATA_HOME/convscope\fR, then each \fIDIR/convscope\fR of \fI$XDG_DATA_DIRS\fR
(\fI/usr/local/share:/usr/share\fR when unset). When none holds \fIsample_models/\fR,
the app says where it looked.
"#;

#[derive(Debug, clap::Args)]
pub struct Args {}

/// Prints the page for `cli` (the whole command line's definition).
pub(crate) fn run(_args: Args, cli: clap::Command) -> Result<()> {
    out!("{}", page(cli)?);
    Ok(())
}

/// The whole page: clap's sections, then ours.
fn page(cli: clap::Command) -> Result<String> {
    let mut roff = Vec::new();
    clap_mangen::Man::new(cli).render(&mut roff)?;
    let mut page = String::from_utf8(roff)?;
    page.push_str(FILES);
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_has_clap_sections_then_where_the_data_is() {
        let cli = clap::Command::new("convscope")
            .about("See a network work.")
            .subcommand(clap::Command::new("inspect"));
        let page = page(cli).expect("renders");
        let name = page.find(".SH NAME").expect("NAME");
        let files = page.find(".SH FILES").expect("FILES");
        assert!(name < files, "{page}");
        assert!(page.contains("inspect"));
        assert!(page[files..].contains("/usr/share/convscope/"));
    }
}
