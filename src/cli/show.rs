//! `normsearch show ID` and `normsearch cite ID`: one passage read in
//! context, or cited, by its id (`norway-2017:42`) or content anchor.

use super::search::open_or_build;
use super::Global;
use crate::cite::{Citation, Format, Location};
use crate::corpus::Corpus;
use crate::present::{color_choice, render_hit};
use crate::search::{self, Hit};
use crate::UserError;
use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;
use termcolor::{ColorSpec, StandardStream, WriteColor};

/// Arguments of `show`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The passage: its id as hits print it (norway-2017:42) or its anchor.
    #[arg(value_name = "ID")]
    pub id: String,
    /// Passages to show before and after it.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub context: u32,
    /// One JSON object: the passage, its neighbours, footnotes and citation.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `cite`.
#[derive(Debug, clap::Args)]
pub struct CiteArgs {
    /// The passage: its id as hits print it (norway-2017:42) or its anchor.
    #[arg(value_name = "ID")]
    pub id: String,
    /// How to write the citation.
    #[arg(long, value_enum, default_value_t = Format::Plain)]
    pub format: Format,
}

/// The citation of a hit, with the document's metadata from the corpus.
pub fn citation(corpus: &Corpus, hit: &Hit) -> Result<Citation> {
    let doc = corpus.get(&hit.doc).ok_or_else(|| {
        UserError::Other(format!(
            "document {:?} is in the index but not in {}; run `normsearch index` to rebuild it",
            hit.doc,
            corpus.manifest.display()
        ))
    })?;
    Ok(Citation::new(
        doc,
        Location {
            paragraph: hit.paragraph,
            section: hit.section.clone(),
            label: hit.label.clone(),
            page: hit.page,
            lines: hit.lines,
            kind: hit.kind,
            anchor: Some(hit.anchor.clone()),
        },
    ))
}

/// Runs `show`.
pub fn run_show(args: &ShowArgs, global: &Global) -> Result<ExitCode> {
    let index = open_or_build(global)?;
    let hit = search::passage(&index, &args.id)?;
    let (around, notes) = search::context(&index, &hit, args.context, args.context)?;
    let corpus = Corpus::load(&global.corpus)?;
    let cite = citation(&corpus, &hit)?;
    if args.json {
        let (before, after): (Vec<&Hit>, Vec<&Hit>) = around
            .iter()
            .filter(|h| h.paragraph != hit.paragraph)
            .partition(|h| h.paragraph < hit.paragraph);
        let value = serde_json::json!({
            "passage": hit, "before": before, "after": after, "footnotes": notes, "citation": cite,
        });
        let mut out = std::io::stdout().lock();
        serde_json::to_writer(&mut out, &value)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = StandardStream::stdout(color_choice());
    let mut dim = ColorSpec::new();
    dim.set_dimmed(true);
    for h in &around {
        if h.paragraph == hit.paragraph {
            writeln!(out)?;
            render_hit(&mut out, h)?;
            writeln!(out)?;
        } else {
            out.set_color(&dim)?;
            writeln!(out, "   {}  {}", h.id, h.kind.as_str())?;
            out.reset()?;
            writeln!(out, "   {}", h.text)?;
        }
    }
    if !notes.is_empty() {
        writeln!(out, "\nFootnotes:")?;
        for n in &notes {
            writeln!(out, "   [{}] {}", n.label.as_deref().unwrap_or("?"), n.text)?;
        }
    }
    writeln!(out, "\nCite: {}", cite.render(Format::Plain))?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Runs `cite`.
pub fn run_cite(args: &CiteArgs, global: &Global) -> Result<ExitCode> {
    let index = open_or_build(global)?;
    let hit = search::passage(&index, &args.id)?;
    let corpus = Corpus::load(&global.corpus)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", citation(&corpus, &hit)?.render(args.format))?;
    Ok(ExitCode::SUCCESS)
}
