//! `normsearch passages [DOC_ID]`: how documents were cut, for librarians.

use super::Global;
use crate::corpus::Corpus;
use crate::pipeline::Analyzer;
use crate::present;
use anyhow::Result;
use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

/// Arguments of `passages`.
#[derive(Debug, clap::Args)]
pub struct PassagesArgs {
    /// Only this document (an id from corpus.toml).
    pub doc: Option<String>,
    /// JSON Lines: one object per passage.
    #[arg(long)]
    pub json: bool,
    /// List every dropped line (with its reason) on stderr, not only counts.
    #[arg(long)]
    pub dropped: bool,
}

/// Runs `passages`.
pub fn run(args: &PassagesArgs, global: &Global) -> Result<ExitCode> {
    let corpus = Corpus::load(&global.corpus)?;
    let only: Option<Vec<usize>> = match &args.doc {
        Some(id) => Some(vec![corpus
            .documents
            .iter()
            .position(|d| &d.id == id)
            .ok_or_else(|| crate::UserError::UnknownId {
                kind: crate::error::IdKind::Document,
                id: id.clone(),
                valid: corpus.ids().into_iter().map(str::to_string).collect(),
            })?]),
        None => None,
    };
    let analysed =
        Analyzer::load(&global.corpus, global.lossy)?.analyze(&corpus, only.as_deref())?;

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut err = std::io::stderr().lock();
    for a in &analysed {
        let doc = &corpus.documents[a.index];
        for w in &a.warnings {
            writeln!(err, "normsearch: warning: {w}")?;
        }
        for w in &a.segmentation.warnings {
            writeln!(err, "normsearch: warning: {}: {w}", doc.id)?;
        }
        for p in &a.segmentation.passages {
            if args.json {
                present::passage_json(&mut out, p)?;
            } else {
                present::passage_human(&mut out, p)?;
            }
        }
        let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
        for d in &a.segmentation.dropped {
            *reasons.entry(d.reason.as_str()).or_default() += 1;
            if args.dropped {
                writeln!(
                    err,
                    "{}:{}: dropped ({}): {}",
                    doc.id,
                    d.line,
                    d.reason.as_str(),
                    d.text.trim()
                )?;
            }
        }
        let summary: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
        let longest = a
            .segmentation
            .passages
            .iter()
            .map(|p| p.text.split_whitespace().count())
            .max()
            .unwrap_or(0);
        writeln!(
            err,
            "{}: {} passages (longest {longest} words), {} headings, {} lines dropped{}",
            doc.id,
            a.segmentation.passages.len(),
            a.segmentation.headings.len(),
            a.segmentation.dropped.len(),
            if summary.is_empty() {
                String::new()
            } else {
                format!(" ({})", summary.join(", "))
            }
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
