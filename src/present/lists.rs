//! The index's lists for people: its documents (the prompt's `:sources`)
//! and its themes with their passage counts (`:themes`).

use std::io::{self, Write};

use termcolor::{ColorSpec, WriteColor};

use crate::engine::ThemeCount;
use crate::index::DocumentMeta;

/// One entry per document: id (bold), date, kind and passage count, then
/// title and issuer; a closing line with the totals.
pub fn documents(out: &mut impl WriteColor, docs: &[DocumentMeta]) -> io::Result<()> {
    let id_width = docs.iter().map(|d| d.id.chars().count()).max().unwrap_or(0);
    let kind_width = docs
        .iter()
        .map(|d| d.kind.chars().count())
        .max()
        .unwrap_or(0);
    for d in docs {
        out.set_color(ColorSpec::new().set_bold(true))?;
        write!(out, "{:id_width$}", d.id)?;
        out.reset()?;
        writeln!(
            out,
            "  {:10}  {:kind_width$}  {:>5} passages",
            d.date, d.kind, d.passages
        )?;
        writeln!(out, "   {} — {}", d.title, d.issuer)?;
    }
    let passages: usize = docs.iter().map(|d| d.passages).sum();
    writeln!(
        out,
        "{} document{}, {} passages",
        docs.len(),
        if docs.len() == 1 { "" } else { "s" },
        passages
    )
}

/// One row per theme, sub-themes indented under their pillar: id, passage
/// count, label; then what the counts mean.
pub fn themes(out: &mut impl Write, themes: &[ThemeCount]) -> io::Result<()> {
    let width = themes
        .iter()
        .map(|t| t.id.chars().count())
        .max()
        .unwrap_or(0)
        + 2;
    for t in themes {
        let indent = if t.parent.is_some() { "  " } else { "" };
        let pad = width - indent.len();
        writeln!(out, "{indent}{:pad$}{:>5}  {}", t.id, t.passages, t.label)?;
    }
    writeln!(
        out,
        "(passages per theme; a pillar counts those of its sub-themes)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn themes_are_indented_under_their_pillar() {
        let t = |id: &str, parent: Option<&str>, n: u64| ThemeCount {
            id: id.into(),
            label: format!("L {id}"),
            parent: parent.map(String::from),
            passages: n,
            documents: Default::default(),
        };
        let mut out = Vec::new();
        themes(
            &mut out,
            &[t("norms", None, 12), t("norms/c", Some("norms"), 3)],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "norms       12  L norms\n  norms/c    3  L norms/c\n\
             (passages per theme; a pillar counts those of its sub-themes)\n"
        );
    }
}
