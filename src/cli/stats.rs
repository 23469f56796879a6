//! `normsearch stats`: per document and in total, the passages by kind,
//! footnotes, labels, pages, dropped lines by reason, theme coverage, words
//! and languages, as a table or `--json`.
//!
//! Counted from the corpus as the indexer cuts it (the same analysis), so
//! it needs no index.

use super::Global;
use crate::corpus::Corpus;
use crate::pipeline::Analyzer;
use crate::present;
use crate::stats::CorpusStats;
use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;

/// Arguments of `stats`.
#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    /// One JSON document: each document's figures, the total, the
    /// languages.
    #[arg(long)]
    pub json: bool,
}

/// Runs `stats`.
pub fn run(args: &StatsArgs, global: &Global) -> Result<ExitCode> {
    let corpus = Corpus::load(&global.corpus)?;
    let analysed = Analyzer::load(&global.corpus, global.lossy)?.analyze(&corpus, None)?;
    let stats = CorpusStats::of(&corpus.documents, &analysed);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        present::table::json(&mut out, &stats)?;
    } else {
        present::stats::render(&mut out, &stats)?;
    }
    out.flush()?;
    let mut err = std::io::stderr().lock();
    for w in &stats.total.warnings {
        writeln!(err, "normsearch: warning: {w}")?;
    }
    Ok(ExitCode::SUCCESS)
}
