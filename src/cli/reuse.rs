//! `normsearch trace`, `normsearch reuse` and `normsearch similar`: the
//! lineage of agreed wording (see [`crate::lineage`]).

use super::color_choice;
use super::search::{open_or_build, warn_if_stale, Quoted};
use super::Global;
use crate::present::{self, lineage as render};
use crate::reuse::{ReuseOptions, DEFAULT_MIN_WORDS};
use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;
use termcolor::StandardStream;

/// Arguments of `trace`.
#[derive(Debug, clap::Args)]
pub struct TraceArgs {
    /// A passage id (usa-2011:45) or anchor, or a text in quotes: every
    /// passage sharing its wording, earliest document first.
    #[arg(value_name = "TEXT|ID")]
    pub what: String,
    /// Least number of matched words that counts as shared wording.
    #[arg(long, default_value_t = DEFAULT_MIN_WORDS, value_name = "N")]
    pub min_words: usize,
    /// One JSON object: the versions, spans, word diffs and citations.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `reuse`.
#[derive(Debug, clap::Args)]
pub struct ReuseArgs {
    /// Least number of matched words that counts as shared wording.
    #[arg(long, default_value_t = DEFAULT_MIN_WORDS, value_name = "N")]
    pub min_words: usize,
    /// Only clusters spanning at least this many documents.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub min_documents: usize,
    /// The clusters as JSON Lines, one cluster per line.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// The clusters as CSV, one row per passage of each cluster.
    #[arg(long)]
    pub csv: bool,
}

/// Arguments of `similar`.
#[derive(Debug, clap::Args)]
pub struct SimilarArgs {
    /// The passage: its id (norway-2017:42) or anchor.
    #[arg(value_name = "ID")]
    pub id: String,
    /// Most passages shown.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// Least number of matched words that counts as shared wording.
    #[arg(long, default_value_t = DEFAULT_MIN_WORDS, value_name = "N")]
    pub min_words: usize,
    /// One JSON object.
    #[arg(long)]
    pub json: bool,
}

fn options(min_words: usize) -> ReuseOptions {
    ReuseOptions {
        min_words,
        ..ReuseOptions::default()
    }
}

/// Whether `what` names a passage (an id `doc:n`, or an anchor) rather than
/// being a text: one word, as ids and anchors are.
pub(crate) fn is_reference(what: &str) -> bool {
    let what = what.trim();
    !what.is_empty()
        && !what.contains(char::is_whitespace)
        && (what.contains(':')
            || what
                .rsplit('@')
                .next()
                .is_some_and(|a| a.len() >= 6 && a.bytes().all(|b| b.is_ascii_hexdigit())))
}

/// Runs `trace`.
pub fn run_trace(args: &TraceArgs, global: &Global) -> Result<ExitCode> {
    let engine = open_or_build(global)?;
    let options = options(args.min_words);
    let lineage = if is_reference(&args.what) {
        engine.trace(&args.what, &options)
    } else {
        engine.trace_text(&args.what, &options)
    };
    warn_if_stale(&engine, Quoted::All);
    let lineage = lineage?;
    let found = lineage.entries.iter().any(|e| !e.entry.is_query);
    if args.json {
        present::table::json(&mut std::io::stdout().lock(), &lineage)?;
    } else {
        let mut out = StandardStream::stdout(color_choice());
        render::render_lineage(&mut out, &lineage)?;
        out.flush()?;
    }
    Ok(if found {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Runs `reuse`.
pub fn run_reuse(args: &ReuseArgs, global: &Global) -> Result<ExitCode> {
    let engine = open_or_build(global)?;
    let clusters = engine.reuse(&options(args.min_words), args.min_documents);
    warn_if_stale(&engine, Quoted::All);
    let clusters = clusters?;
    if args.json {
        present::table::json_lines(&mut std::io::stdout().lock(), &clusters)?;
    } else if args.csv {
        render::clusters_csv(std::io::stdout().lock(), &clusters)?;
    } else {
        let mut out = StandardStream::stdout(color_choice());
        render::render_clusters(&mut out, &clusters)?;
        out.flush()?;
    }
    Ok(if clusters.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs `similar`.
pub fn run_similar(args: &SimilarArgs, global: &Global) -> Result<ExitCode> {
    let engine = open_or_build(global)?;
    let similar = engine.similar(&args.id, args.limit, &options(args.min_words));
    warn_if_stale(&engine, Quoted::All);
    let similar = similar?;
    if args.json {
        present::table::json(&mut std::io::stdout().lock(), &similar)?;
    } else {
        let mut out = StandardStream::stdout(color_choice());
        render::render_similar(&mut out, &similar)?;
        out.flush()?;
    }
    Ok(if similar.passages.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::is_reference;

    #[test]
    fn ids_and_anchors_are_references_texts_are_not() {
        assert!(is_reference("usa-2011:45"));
        assert!(is_reference("3f9a0c12de"));
        assert!(is_reference("usa-2011@3f9a0c12de"));
        assert!(!is_reference(
            "Cybersecurity cannot be achieved by any one nation alone"
        ));
        assert!(!is_reference("cybersecurity"));
    }
}
