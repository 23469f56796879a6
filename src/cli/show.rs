//! `normsearch show ID` and `normsearch cite ID`: one passage read in
//! context, or cited, by its id (`norway-2017:42`) or content anchor.

use super::search::open_or_build;
use super::Global;
use crate::cite::{Citation, Format};
use crate::corpus::Corpus;
use crate::present::{color_choice, render_context};
use crate::search::{self, Hit};
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
    #[arg(long, value_enum, default_value_t = Format::Plain)]
    pub format: Format,
}

/// Runs `show`.
pub fn run_show(args: &ShowArgs, global: &Global) -> Result<ExitCode> {
    let index = open_or_build(global)?;
    let hit = search::passage(&index, &args.id)?;
    let (around, notes) = search::context(&index, &hit, args.context, args.context)?;
    let corpus = Corpus::load(&global.corpus)?;
    let cite = Citation::of_hit(&corpus, &hit)?;
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
    render_context(&mut out, &hit, &around, &notes, &cite)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Runs `cite`.
pub fn run_cite(args: &CiteArgs, global: &Global) -> Result<ExitCode> {
    let index = open_or_build(global)?;
    let hit = search::passage(&index, &args.id)?;
    let corpus = Corpus::load(&global.corpus)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}",
        Citation::of_hit(&corpus, &hit)?.render(args.format)
    )?;
    Ok(ExitCode::SUCCESS)
}
