//! `normsearch search QUERY`: ranked, cited, highlighted passages, for people
//! (coloured on a terminal) or as one JSON document (`--json`).
//!
//! Builds the index first when there is none; warns on stderr when it is
//! stale and answers from it anyway. Exit code 0 when passages match, 1 when
//! none do, 2 on errors.

use super::color_choice;
use super::Global;
use crate::engine::{Engine, Opened};
use crate::index::Freshness;
use crate::present::{self, render_laid_out};
use crate::search::{SearchRequest, Sort, YearRange, MAX_LIMIT};
use crate::segment::PassageKind;
use crate::UserError;
use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;
use termcolor::BufferedStandardStream;

/// Arguments of `search`.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The query: words, "quoted phrases", "phrase"~N, +must, -exclude,
    /// AND/OR/NOT, (groups), source:ID, theme:ID, year:2011..2016,
    /// kind:footnote, prefix*, fuzzy~1. Several arguments are joined with
    /// spaces. May be left out with a filter (--source, --theme, --year,
    /// --kind): every passage it keeps, newest document first.
    #[arg(
        required_unless_present_any = ["sources", "themes", "year", "kind"],
        value_name = "QUERY"
    )]
    pub query: Vec<String>,
    /// Hits to show (at most 1000: page with --offset for more).
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// Hits to skip (for the next page).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub offset: usize,
    /// Only this document (repeat, or separate ids with commas, for
    /// several).
    #[arg(long = "source", value_name = "ID", value_delimiter = ',')]
    pub sources: Vec<String>,
    /// Only passages with this theme; a pillar includes its sub-themes
    /// (repeat, or separate ids with commas, for several).
    #[arg(long = "theme", value_name = "ID", value_delimiter = ',')]
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
    /// Only passages in this language (ISO 639-1: en, fr, es, ru, ...),
    /// the query read in it. `any` (the default) reads the query in every
    /// language the index holds, each with its own stemmer, and finds a
    /// concept under its names in each.
    #[arg(long, value_name = "CODE", default_value = "any")]
    pub lang: String,
    /// Order of hits.
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    pub sort: SortArg,
    /// One JSON document with the hits, their citations and highlights.
    #[arg(long)]
    pub json: bool,
    /// Show each passage whole on a terminal (by default a long passage is
    /// a snippet around its matches; a pipe always gets whole passages).
    #[arg(long)]
    pub full: bool,
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
    let engine = open_or_build(global)?;
    if args.explain {
        let explained = engine.explain(&request)?;
        if args.json {
            eprint!("{explained}");
        } else {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{explained}")?;
        }
    }
    let results = engine.search(&request);
    // Before the hits, so that a stale index is said first.
    let quoted = results.as_ref().map_or_else(
        |_| Vec::new(),
        |r| r.hits.iter().map(|h| h.doc.as_str()).collect(),
    );
    warn_if_stale(&engine, Quoted::Documents(quoted));
    let results = results?;

    if args.json {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        present::table::json(&mut out, &results)?;
        out.flush()?;
    } else {
        // Buffered: the hits go out in a few writes, not one per line.
        let mut out = BufferedStandardStream::stdout(color_choice());
        render_laid_out(
            &mut out,
            &results,
            request.offset,
            &super::layout(args.full),
        )?;
        out.flush()?;
    }
    Ok(if results.total > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Opens the index, building it first when there is none (announced on
/// stderr once done, so that a build that fails prints its error alone;
/// the progress bar shows on a terminal meanwhile). Whether it is stale is
/// the caller's to say, with [`warn_if_stale`], after its first answer.
pub(super) fn open_or_build(global: &Global) -> Result<Engine> {
    // The common case opens what is there: no bar is drawn up for a build
    // that does not happen.
    if crate::index::exists(&global.index) {
        return Ok(Engine::open(&global.corpus, &global.index)?);
    }
    let options = super::index::options(global, 0, true);
    let bar = super::index::Bar::new();
    let opened = Engine::open_or_build(&global.corpus, &global.index, &options, &bar);
    bar.finish();
    let (engine, opened) = opened?;
    if let Opened::Built(summary) = opened {
        super::index::warn(&summary)?;
        eprintln!(
            "normsearch: no index in {}; built it from {}: {}",
            global.index.display(),
            global.corpus.display(),
            super::index::summary_line(&summary, &global.index)
        );
    }
    Ok(engine)
}

/// What an answer needs of a freshness check: every input (a long-lived
/// prompt, an answer drawn from every text), or the corpus's folders and
/// the texts of the documents it quotes (see [`Engine::freshness_of`]).
pub(super) enum Quoted<'a> {
    /// Every input.
    All,
    /// These documents' texts (none: the folders alone).
    Documents(Vec<&'a str>),
}

/// Warns on stderr when the index is stale (it still answers).
pub(super) fn warn_if_stale(engine: &Engine, quoted: Quoted) {
    let freshness = match quoted {
        Quoted::All => engine.freshness(),
        Quoted::Documents(mut ids) => {
            ids.sort_unstable();
            ids.dedup();
            engine.freshness_of(&ids)
        }
    };
    if let Freshness::Stale(reason) = freshness {
        eprintln!(
            "normsearch: warning: the index in {} is stale: {reason}; \
             run `normsearch index` to rebuild it",
            engine.index_dir().display()
        );
    }
}

/// The request the arguments describe.
fn request(args: &SearchArgs) -> Result<SearchRequest, UserError> {
    let years = match &args.year {
        Some(y) => Some(YearRange::parse(y).map_err(|m| UserError::request("--year", m))?),
        None => None,
    };
    SearchRequest {
        query: args.query.join(" "),
        // More than a page holds is taken as "as many as a page holds".
        limit: args.limit.min(MAX_LIMIT),
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
        lang: Some(args.lang.clone()),
    }
    .validate()
}
