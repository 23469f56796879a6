//! `normsearch themes`: the taxonomy, and how many passages carry each
//! theme, in all and per document.
//!
//! The corpus is read, segmented and tagged by the same [`Analyzer`] the
//! indexer uses (with the corpus folder's own `themes.toml` and
//! `lexicon.toml` when it has them), so the counts are those a `theme:`
//! search would find.

use super::Global;
use crate::corpus::Corpus;
use crate::pipeline::Analyzer;
use crate::pipeline::ThemeTable;
use crate::present;
use anyhow::Result;
use std::io::{self, Write};
use std::process::ExitCode;

/// Arguments of `themes`.
#[derive(Debug, clap::Args)]
pub struct ThemesArgs {
    /// JSON Lines: one object per theme, with its id, label, parent, and
    /// passage counts in all and per document.
    #[arg(long)]
    pub json: bool,
}

/// Runs `themes`.
pub fn run(args: &ThemesArgs, global: &Global) -> Result<ExitCode> {
    let corpus = Corpus::load(&global.corpus)?;
    let analyser = Analyzer::load(&global.corpus, global.lossy)?;
    let analysed = analyser.analyze(&corpus, None)?;
    let mut err = io::stderr().lock();
    for a in &analysed {
        for w in &a.warnings {
            writeln!(err, "normsearch: warning: {w}")?;
        }
    }
    let tagged: Vec<(String, Vec<Vec<String>>)> = analysed
        .into_iter()
        .map(|a| {
            let themes = a
                .segmentation
                .passages
                .into_iter()
                .map(|p| p.themes)
                .collect();
            (corpus.documents[a.index].id.clone(), themes)
        })
        .collect();
    let counts = ThemeTable::new(&analyser.taxonomy, &tagged);

    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if args.json {
        present::themes::json_lines(&mut out, &counts)?;
    } else {
        present::themes::table(&mut out, &counts, terminal_width())?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The width to fit the table in: `COLUMNS` when the shell exports it.
pub(super) fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w| w >= 40)
        .unwrap_or(100)
}
