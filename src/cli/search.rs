//! `normsearch search QUERY`: ranked, cited, highlighted passages, for people
//! (coloured on a terminal) or as one JSON document (`--json`).
//!
//! Builds the index first when there is none; warns on stderr when it is
//! stale and answers from it anyway. Exit code 0 when passages match, 1 when
//! none do, 2 on errors.

use super::Global;
use crate::index::{self, Freshness, Index, StampCheck};
use crate::present::{color_choice, render};
use crate::query::year_range;
use crate::search::{search, SearchRequest, Sort};
use crate::segment::PassageKind;
use crate::UserError;
use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;
use termcolor::StandardStream;

/// Arguments of `search`.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The query: words, "quoted phrases", "phrase"~N, +must, -exclude,
    /// AND/OR/NOT, (groups), source:ID, theme:ID, year:2011..2016,
    /// kind:footnote, prefix*, fuzzy~1. Several arguments are joined with
    /// spaces.
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,
    /// Hits to show.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// Hits to skip (for the next page).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub offset: usize,
    /// Only this document (repeat for several).
    #[arg(long = "source", value_name = "ID")]
    pub sources: Vec<String>,
    /// Only passages with this theme; a pillar includes its sub-themes
    /// (repeat for several).
    #[arg(long = "theme", value_name = "ID")]
    pub themes: Vec<String>,
    /// Only documents of these years: 2014, 2011..2016, 2011.. or ..2016.
    #[arg(long, value_name = "FROM..TO")]
    pub year: Option<String>,
    /// Only this kind of passage.
    #[arg(long, value_parser = ["body", "list-item", "footnote"])]
    pub kind: Option<String>,
    /// Words as typed: no stemming, no spelling or acronym normalisation
    /// (case and accents still fold).
    #[arg(long)]
    pub exact: bool,
    /// Order of hits.
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    pub sort: SortArg,
    /// One JSON document with the hits, their citations and highlights.
    #[arg(long)]
    pub json: bool,
    /// Count every matching passage. Without it, a large index (over
    /// 50,000 passages) may say "at least N" for several words: counting
    /// them is a pass over every match.
    #[arg(long)]
    pub count: bool,
    /// Also count the matching passages per source and per theme (a pass
    /// over every match: slower on a large corpus).
    #[arg(long)]
    pub facets: bool,
    /// Show the query as expanded (stems, spellings, acronyms) before the
    /// hits (on stderr with --json).
    #[arg(long)]
    pub explain: bool,
}

/// `--sort`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SortArg {
    /// Best match first.
    Relevance,
    /// Newest document first, then reading order.
    Date,
}

/// Runs `search`.
pub fn run(args: &SearchArgs, global: &Global) -> Result<ExitCode> {
    let request = request(args)?;
    let (index, freshness) = open_checking(global)?;
    if args.explain {
        let expanded = crate::search::expand(&index, &request)?;
        if args.json {
            eprint!("{}", expanded.explain());
        } else {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", expanded.explain())?;
        }
    }
    let results = search(&index, &request);
    // Before the hits, so that a stale index is said first.
    warn_if_stale(&index, freshness, global);
    let results = results?;

    if args.json {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        serde_json::to_writer(&mut out, &results)?;
        writeln!(out)?;
        out.flush()?;
    } else {
        let mut out = StandardStream::stdout(color_choice());
        render(&mut out, &results, request.offset)?;
        out.flush()?;
    }
    Ok(if results.total > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Opens the index, building it first when there is none and warning on
/// stderr when it is stale (it still answers).
pub(super) fn open_or_build(global: &Global) -> Result<Index> {
    let (index, freshness) = open_checking(global)?;
    warn_if_stale(&index, freshness, global);
    Ok(index)
}

/// Opens the index, building it first when there is none, and starts
/// checking its freshness beside whatever the caller does next.
fn open_checking(global: &Global) -> Result<(Index, StampCheck)> {
    if !index::exists(&global.index) {
        // Announced once it is done, so that a build that fails prints its
        // error alone (the progress bar shows on a terminal meanwhile).
        let summary = super::index::build(global, 0, true)?;
        eprintln!(
            "normsearch: no index in {}; built it from {}: {}",
            global.index.display(),
            global.corpus.display(),
            super::index::summary_line(&summary, &global.index)
        );
    }
    let stamps = StampCheck::start(&global.index, &global.corpus);
    let index = Index::open(&global.index)?;
    Ok((index, stamps))
}

/// Waits for the freshness check; warns on stderr when the index is stale.
fn warn_if_stale(index: &Index, stamps: StampCheck, global: &Global) {
    if let Freshness::Stale(reason) = index.freshness_after(stamps, &global.corpus) {
        eprintln!(
            "normsearch: warning: the index in {} is stale: {reason}; \
             run `normsearch index` to rebuild it",
            global.index.display()
        );
    }
}

/// The request the arguments describe.
fn request(args: &SearchArgs) -> Result<SearchRequest, UserError> {
    let years = match &args.year {
        Some(y) => Some(year_range(y).map_err(|m| UserError::Other(format!("--year: {m}")))?),
        None => None,
    };
    Ok(SearchRequest {
        query: args.query.join(" "),
        limit: args.limit,
        offset: args.offset,
        sources: args.sources.clone(),
        themes: args.themes.clone(),
        years,
        kind: args.kind.as_deref().and_then(PassageKind::parse),
        exact: args.exact,
        sort: match args.sort {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Date => Sort::Date,
        },
        count: args.count,
        facets: args.facets,
    })
}
