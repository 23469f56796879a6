//! `normsearch grid` and `normsearch compare`: what each source says,
//! as a document × theme table of counts with each cell's best passage,
//! or as one passage per document for a query or a theme.
//!
//! Both build the index first when there is none and warn when it is
//! stale. Exit code 0 when some passage counts, 1 when none does, 2 on
//! errors.

use super::search::{open_or_build, warn_if_stale, Quoted};
use super::{color_choice, Global};
use crate::present;
use crate::search::{CompareRequest, GridRequest, GroupBy, YearRange};
use crate::segment::PassageKind;
use crate::UserError;
use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;
use termcolor::StandardStream;

/// The filters `grid` and `compare` share with `search`.
#[derive(Debug, clap::Args)]
pub struct Filters {
    /// Only this document (repeat, or separate ids with commas, for
    /// several).
    #[arg(long = "source", value_name = "ID", value_delimiter = ',')]
    pub sources: Vec<String>,
    /// Only documents of these years: 2014, 2011..2016, 2011.. or ..2016.
    #[arg(long, value_name = "FROM..TO")]
    pub year: Option<String>,
    /// Only this kind of passage.
    #[arg(long, value_parser = ["body", "list-item", "footnote"])]
    pub kind: Option<String>,
    /// Words as typed: no stemming, no spelling or acronym normalisation.
    #[arg(long)]
    pub exact: bool,
}

impl Filters {
    fn years(&self) -> Result<Option<YearRange>, UserError> {
        match &self.year {
            Some(y) => Ok(Some(
                YearRange::parse(y).map_err(|m| UserError::request("--year", m))?,
            )),
            None => Ok(None),
        }
    }

    fn kind(&self) -> Option<PassageKind> {
        self.kind.as_deref().and_then(PassageKind::parse)
    }
}

/// Arguments of `grid`.
#[derive(Debug, clap::Args)]
pub struct GridArgs {
    /// Only passages matching this query (the search's language); none
    /// counts every passage.
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    /// Rows: document (the default), issuer, country, year or kind.
    #[arg(long, default_value = "document", value_name = "WHAT")]
    pub by: String,
    /// Columns: theme ids, PILLAR/* for a pillar's sub-themes, `pillars`
    /// (the default), `sub-themes` or `all`; repeat or join with commas.
    #[arg(long, value_name = "IDS")]
    pub themes: Vec<String>,
    /// Search filters.
    #[command(flatten)]
    pub filters: Filters,
    /// One JSON document: rows, themes and every cell with its count, best
    /// passage and citation.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// CSV: one row per cell, with its best passage and citation.
    #[arg(long)]
    pub csv: bool,
}

/// Arguments of `compare`.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The query (the search's language); may be left out with --theme.
    #[arg(value_name = "QUERY", required_unless_present = "theme")]
    pub query: Vec<String>,
    /// Compare on this theme (a pillar includes its sub-themes): each
    /// document's passage with the strongest evidence for it, or, with a
    /// query, its best match among the theme's passages.
    #[arg(long, value_name = "ID")]
    pub theme: Option<String>,
    /// Search filters.
    #[command(flatten)]
    pub filters: Filters,
    /// One JSON document: one row per document with its best passage.
    #[arg(long, conflicts_with_all = ["csv", "markdown"])]
    pub json: bool,
    /// CSV: one row per document.
    #[arg(long, conflicts_with = "markdown")]
    pub csv: bool,
    /// A Markdown table with the passages quoted and cited.
    #[arg(long)]
    pub markdown: bool,
}

/// Runs `grid`.
pub fn run_grid(args: &GridArgs, global: &Global) -> Result<ExitCode> {
    let request = GridRequest {
        query: args.query.join(" "),
        themes: args.themes.clone(),
        by: GroupBy::parse(&args.by)?,
        sources: args.filters.sources.clone(),
        years: args.filters.years()?,
        kind: args.filters.kind(),
        exact: args.filters.exact,
    };
    let engine = open_or_build(global)?;
    let grid = engine.grid(&request);
    // Counts, no quotation: the folders' stamps say whether a text was
    // added, removed or renamed.
    warn_if_stale(&engine, Quoted::Documents(Vec::new()));
    let grid = grid?;
    if args.json || args.csv {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        if args.json {
            present::table::json(&mut out, &grid)?;
        } else {
            present::grid::grid_csv(&mut out, &grid)?;
        }
        out.flush()?;
    } else {
        let mut out = StandardStream::stdout(color_choice());
        present::grid::grid(&mut out, &grid, super::themes::terminal_width())?;
        out.flush()?;
    }
    Ok(if grid.cells.iter().any(|c| c.count > 0) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Runs `compare`.
pub fn run_compare(args: &CompareArgs, global: &Global) -> Result<ExitCode> {
    let request = CompareRequest {
        query: args.query.join(" "),
        theme: args.theme.clone(),
        sources: args.filters.sources.clone(),
        years: args.filters.years()?,
        kind: args.filters.kind(),
        exact: args.filters.exact,
    };
    let engine = open_or_build(global)?;
    let comparison = engine.compare(&request);
    let quoted = comparison.as_ref().map_or_else(
        |_| Vec::new(),
        |c| c.rows.iter().map(|r| r.doc.as_str()).collect(),
    );
    warn_if_stale(&engine, Quoted::Documents(quoted));
    let comparison = comparison?;
    if args.json || args.csv || args.markdown {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        if args.json {
            present::table::json(&mut out, &comparison)?;
        } else if args.csv {
            present::grid::compare_csv(&mut out, &comparison)?;
        } else {
            present::grid::compare_markdown(&mut out, &comparison)?;
        }
        out.flush()?;
    } else {
        let mut out = StandardStream::stdout(color_choice());
        present::grid::compare(&mut out, &comparison)?;
        out.flush()?;
    }
    Ok(if comparison.rows.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
