//! `normsearch search QUERY`: ranked, cited, highlighted passages, for people
//! (coloured on a terminal) or as one JSON document (`--json`).
//!
//! Builds the index first when there is none; warns on stderr when it is
//! stale and answers from it anyway. Exit code 0 when passages match, 1 when
//! none do, 2 on errors.

use super::Global;
use crate::index::{self, Freshness, Index};
use crate::query::year_range;
use crate::search::{search, Hit, SearchRequest, SearchResults, Sort};
use crate::segment::PassageKind;
use crate::UserError;
use anyhow::Result;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use termcolor::{Color, ColorChoice, ColorSpec, StandardStream, WriteColor};

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
    let index = open_or_build(global)?;
    if args.explain {
        let expanded = crate::search::expand(&index, &request)?;
        if args.json {
            eprint!("{}", expanded.explain());
        } else {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", expanded.explain())?;
        }
    }
    let results = search(&index, &request)?;

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
    if !index::exists(&global.index) {
        eprintln!(
            "normsearch: no index in {}; building it from {}",
            global.index.display(),
            global.corpus.display()
        );
        let summary = super::index::build(global, 0, true)?;
        eprintln!(
            "normsearch: {}",
            super::index::summary_line(&summary, &global.index)
        );
    }
    let index = Index::open(&global.index)?;
    if let Freshness::Stale(reason) = index.freshness(&global.corpus) {
        eprintln!(
            "normsearch: warning: the index in {} is stale: {reason}; \
             run `normsearch index` to rebuild it",
            global.index.display()
        );
    }
    Ok(index)
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
    })
}

/// Colour only on a terminal, and never when `NO_COLOR` is set.
pub(super) fn color_choice() -> ColorChoice {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if no_color || !std::io::stdout().is_terminal() {
        ColorChoice::Never
    } else {
        ColorChoice::Auto
    }
}

/// Writes the results for a person: a count line, then each hit with its
/// citation and highlighted text, then counts per source and theme.
pub fn render(out: &mut impl WriteColor, r: &SearchResults, offset: usize) -> std::io::Result<()> {
    let ms = r.took.as_secs_f64() * 1e3;
    if r.total == 0 {
        writeln!(out, "no passages match ({ms:.1} ms)")?;
        return Ok(());
    }
    let shown = if r.hits.is_empty() {
        "none shown".to_string()
    } else {
        format!("showing {}–{}", offset + 1, offset + r.hits.len())
    };
    writeln!(
        out,
        "{} passage{} match ({ms:.1} ms); {shown}",
        r.total,
        if r.total == 1 { "" } else { "s" }
    )?;
    for hit in &r.hits {
        writeln!(out)?;
        render_hit(out, hit)?;
    }
    if !r.facets.source.is_empty() {
        writeln!(out)?;
        let mut sources: Vec<(&String, &u64)> = r.facets.source.iter().collect();
        sources.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let list: Vec<String> = sources.iter().map(|(k, v)| format!("{k} {v}")).collect();
        writeln!(out, "by source: {}", list.join(", "))?;
        let mut themes: Vec<(&String, &u64)> = r
            .facets
            .theme
            .iter()
            .filter(|(k, _)| !k.contains('/'))
            .collect();
        themes.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        if !themes.is_empty() {
            let list: Vec<String> = themes.iter().map(|(k, v)| format!("{k} {v}")).collect();
            writeln!(out, "by theme: {}", list.join(", "))?;
        }
    }
    Ok(())
}

pub(super) fn render_hit(out: &mut impl WriteColor, h: &Hit) -> std::io::Result<()> {
    // A passage looked up by id (`show`) has no rank and no score.
    if h.rank > 0 {
        write!(out, "{}. ", h.rank)?;
    } else {
        write!(out, "   ")?;
    }
    out.set_color(ColorSpec::new().set_bold(true))?;
    write!(out, "{}", h.id)?;
    out.reset()?;
    if h.rank > 0 {
        writeln!(out, "  {}  (score {:.2})", h.kind.as_str(), h.score)?;
    } else {
        writeln!(out, "  {}", h.kind.as_str())?;
    }
    writeln!(out, "   {} — {}, {}", h.title, h.issuer, h.date)?;
    let mut place = Vec::new();
    if !h.section.is_empty() {
        place.push(format!("§ {}", h.section.join(" › ")));
    }
    if let Some(label) = &h.label {
        place.push(format!("¶ {label}"));
    }
    if let Some(page) = h.page {
        place.push(format!("p. {page}"));
    }
    place.push(format!("lines {}–{}", h.lines[0], h.lines[1]));
    place.push(format!("anchor {}", h.anchor));
    out.set_color(ColorSpec::new().set_dimmed(true))?;
    write!(out, "   {}", place.join(" · "))?;
    if !h.themes.is_empty() {
        write!(out, "\n   themes: {}", h.themes.join(", "))?;
    }
    out.reset()?;
    writeln!(out)?;
    write!(out, "   ")?;
    let chars: Vec<char> = h.text.chars().collect();
    let mut at = 0;
    let mut mark = ColorSpec::new();
    mark.set_fg(Some(Color::Red)).set_bold(true);
    for &[a, b] in &h.highlights {
        let (a, b) = (a.min(chars.len()), b.min(chars.len()));
        if a < at {
            continue;
        }
        write!(out, "{}", chars[at..a].iter().collect::<String>())?;
        out.set_color(&mark)?;
        write!(out, "{}", chars[a..b].iter().collect::<String>())?;
        out.reset()?;
        at = b;
    }
    writeln!(out, "{}", chars[at..].iter().collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Facets;
    use std::time::Duration;
    use termcolor::Buffer;

    fn results() -> SearchResults {
        SearchResults {
            query: "cbm".into(),
            total: 12,
            took: Duration::from_micros(800),
            hits: vec![Hit {
                id: "sweden-2014:74".into(),
                rank: 1,
                score: 7.5,
                doc: "sweden-2014".into(),
                title: "Submission by Sweden".into(),
                issuer: "Government of Sweden".into(),
                date: "2014-09-12".into(),
                section: vec!["(d) Possible measures".into()],
                label: Some("3.".into()),
                page: Some(4),
                paragraph: 74,
                lines: [157, 157],
                kind: PassageKind::ListItem,
                anchor: "0123456789".into(),
                themes: vec!["cbm".into()],
                text: "developing confidence-building measures to increase transparency".into(),
                highlights: vec![[11, 39]],
            }],
            facets: Facets {
                source: [("sweden-2014".to_string(), 12)].into(),
                theme: [("cbm".to_string(), 9), ("norms/a".to_string(), 1)].into(),
            },
        }
    }

    #[test]
    fn human_output_cites_and_counts() {
        let mut buf = Buffer::no_color();
        render(&mut buf, &results(), 0).unwrap();
        let text = String::from_utf8(buf.into_inner()).unwrap();
        assert_eq!(
            text,
            "12 passages match (0.8 ms); showing 1–1\n\
             \n\
             1. sweden-2014:74  list-item  (score 7.50)\n   \
             Submission by Sweden — Government of Sweden, 2014-09-12\n   \
             § (d) Possible measures · ¶ 3. · p. 4 · lines 157–157 · anchor 0123456789\n   \
             themes: cbm\n   \
             developing confidence-building measures to increase transparency\n\
             \n\
             by source: sweden-2014 12\n\
             by theme: cbm 9\n"
        );
    }

    #[test]
    fn highlights_are_coloured_on_a_terminal() {
        let mut buf = Buffer::ansi();
        render(&mut buf, &results(), 0).unwrap();
        let text = String::from_utf8(buf.into_inner()).unwrap();
        assert!(
            text.contains("\u{1b}[1m\u{1b}[31mconfidence-building measures\u{1b}[0m"),
            "{text:?}"
        );
    }

    #[test]
    fn no_match_says_so() {
        let mut r = results();
        r.total = 0;
        r.hits.clear();
        let mut buf = Buffer::no_color();
        render(&mut buf, &r, 0).unwrap();
        assert_eq!(
            String::from_utf8(buf.into_inner()).unwrap(),
            "no passages match (0.8 ms)\n"
        );
    }
}
