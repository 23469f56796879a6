//! `normsearch show ID` and `normsearch cite ID`: one passage read in
//! context, or cited, by its id (`norway-2017:42`) or content anchor.

use super::color_choice;
use super::search::{open_or_build, warn_if_stale, Quoted};
use super::Global;
use crate::cite::Format;
use crate::present::{self, render_context_laid_out};
use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;
use termcolor::StandardStream;

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
    #[arg(long, value_enum, default_value_t = FormatArg::Plain)]
    pub format: FormatArg,
}

/// `--format`: the citation formats, as clap lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// One line of plain text.
    Plain,
    /// A Chicago-style note.
    Chicago,
    /// A BibTeX entry for the document, with the passage in its note.
    Bibtex,
    /// The citation as JSON.
    Json,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Plain => Format::Plain,
            FormatArg::Chicago => Format::Chicago,
            FormatArg::Bibtex => Format::Bibtex,
            FormatArg::Json => Format::Json,
        }
    }
}

/// Runs `show`.
pub fn run_show(args: &ShowArgs, global: &Global) -> Result<ExitCode> {
    let engine = open_or_build(global)?;
    let context = engine.context(&args.id, args.context);
    let quoted = context
        .as_ref()
        .map_or_else(|_| Vec::new(), |c| vec![c.passage.doc.as_str()]);
    warn_if_stale(&engine, Quoted::Documents(quoted));
    let context = context?;
    if args.json {
        let mut out = std::io::stdout().lock();
        present::table::json(&mut out, &context)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = StandardStream::stdout(color_choice());
    render_context_laid_out(&mut out, &context, &super::layout(true))?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Runs `cite`.
pub fn run_cite(args: &CiteArgs, global: &Global) -> Result<ExitCode> {
    let engine = open_or_build(global)?;
    let citation = engine.citation(&args.id);
    let quoted = citation
        .as_ref()
        .map_or_else(|_| Vec::new(), |c| vec![c.doc.as_str()]);
    warn_if_stale(&engine, Quoted::Documents(quoted));
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", citation?.render(args.format.into()))?;
    Ok(ExitCode::SUCCESS)
}
