//! The search prompt: its line language, the session state the commands
//! change, and the [`Shell`] that answers a line.
//!
//! Input: one line typed at the prompt (or piped in). [`parse`] makes it a
//! [`Line`] (a query or a `:command`) or a [`UserError`]; the [`Session`]
//! holds the filters in force and turns a query into the same
//! [`SearchRequest`] the `search` command builds; [`Shell::run_line`] acts
//! on it with one index reader kept open for the whole session, writing
//! results with the same renderers as `search`, `show` and `cite` to any
//! [`WriteColor`]. Output: the answer on one writer, a refusal (bad syntax,
//! unknown id, a hit number not shown) as one line on the other, and
//! whether to go on. The terminal and the piped prompt (`cli::shell`)
//! differ only in how they read lines.

use crate::cite::{Citation, Format};
use crate::corpus::Corpus;
use crate::error::{Error, UserError};
use crate::index::{theme_facet, Index};
use crate::present::{render, render_context, unknown_id};
use crate::search::{self, Hit, SearchRequest};
use crate::themes::Taxonomy;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use tantivy::collector::FacetCollector;
use tantivy::query::AllQuery;
use tantivy::schema::Facet;
use termcolor::{ColorSpec, WriteColor};

/// What a line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// Search for this query.
    Query(String),
    /// The next page of the last results (Enter on a blank line, `:more`).
    More,
    /// Restrict to these documents; empty clears the filter.
    Sources(Vec<String>),
    /// Restrict to these themes; empty clears the filter.
    Themes(Vec<String>),
    /// Restrict to these years; `None` clears the filter.
    Years(Option<(Option<u64>, Option<u64>)>),
    /// Exact matching on or off.
    Exact(bool),
    /// Hits per page.
    Limit(usize),
    /// Hit N of the last results in context.
    Show(usize),
    /// Cite hit N of the last results.
    Cite(usize, Format),
    /// The documents with their metadata and passage counts.
    ListSources,
    /// The taxonomy with passage counts.
    ListThemes,
    /// Write the last results to a file (JSON Lines or CSV by extension).
    Export(PathBuf),
    /// The commands.
    Help,
    /// Leave.
    Quit,
}

/// The commands, for completion and help: name, arguments, what it does.
pub const COMMANDS: &[(&str, &str, &str)] = &[
    (
        ":more",
        "",
        "the next page of results (or just press Enter)",
    ),
    (":source", "ID…|all", "search only these documents"),
    (
        ":theme",
        "ID…|all",
        "search only passages with these themes",
    ),
    (
        ":year",
        "A..B|all",
        "search only documents dated in these years",
    ),
    (
        ":exact",
        "on|off",
        "match words exactly as typed (no stemming, spellings or acronyms)",
    ),
    (":limit", "N", "hits per page"),
    (
        ":show",
        "N",
        "hit N in context: the passages around it, its section and footnotes",
    ),
    (
        ":cite",
        "N [plain|chicago|bibtex|json]",
        "a citation for hit N",
    ),
    (
        ":sources",
        "",
        "the documents, with metadata and passage counts",
    ),
    (":themes", "", "the themes, with passage counts"),
    (
        ":export",
        "FILE",
        "save every hit of the last query as JSON Lines (.jsonl) or CSV (.csv)",
    ),
    (":help", "", "this list"),
    (":quit", "", "leave (or Ctrl-D)"),
];

/// Parses one line typed at the prompt.
pub fn parse(line: &str) -> Result<Line, UserError> {
    let line = line.trim();
    if line.is_empty() {
        return Ok(Line::More);
    }
    let Some(rest) = line.strip_prefix(':') else {
        return Ok(Line::Query(line.to_string()));
    };
    let mut words = rest.split_whitespace();
    let name = words.next().unwrap_or("");
    let args: Vec<&str> = words.collect();
    let usage = |what: &str| {
        let (cmd, arg, _) = COMMANDS
            .iter()
            .find(|(c, _, _)| &c[1..] == name)
            .copied()
            .unwrap_or((":?", "", ""));
        UserError::Other(format!("{what}; usage: {cmd} {arg}"))
    };
    let number = |args: &[&str]| -> Result<usize, UserError> {
        match args.first().map(|a| a.parse::<usize>()) {
            Some(Ok(n)) if n > 0 => Ok(n),
            _ => Err(usage("give a hit number from the list, 1 or more")),
        }
    };
    let ids = |args: &[&str]| -> Vec<String> {
        if args == ["all"] {
            Vec::new()
        } else {
            args.iter()
                .flat_map(|a| a.split(','))
                .filter(|a| !a.is_empty())
                .map(str::to_string)
                .collect()
        }
    };
    match name {
        "more" | "m" | "next" => Ok(Line::More),
        "source" | "sources" if !args.is_empty() => Ok(Line::Sources(ids(&args))),
        "sources" => Ok(Line::ListSources),
        "theme" | "themes" if !args.is_empty() => Ok(Line::Themes(ids(&args))),
        "themes" => Ok(Line::ListThemes),
        "source" | "theme" => Err(usage("name at least one id, or all")),
        "year" | "years" => match args.as_slice() {
            ["all"] => Ok(Line::Years(None)),
            [range] => parse_years(range)
                .map(|r| Line::Years(Some(r)))
                .ok_or_else(|| usage("write years as 2011..2016, 2015.. or 2015")),
            _ => Err(usage("write one range of years")),
        },
        "exact" => match args.as_slice() {
            ["on"] => Ok(Line::Exact(true)),
            ["off"] => Ok(Line::Exact(false)),
            _ => Err(usage("say on or off")),
        },
        "limit" => match args.first().map(|a| a.parse::<usize>()) {
            Some(Ok(n)) if (1..=1000).contains(&n) => Ok(Line::Limit(n)),
            _ => Err(usage("give a number from 1 to 1000")),
        },
        "show" => number(&args).map(Line::Show),
        "cite" => {
            let n = number(&args)?;
            let format = match args.get(1).copied() {
                None | Some("plain") => Format::Plain,
                Some("chicago") => Format::Chicago,
                Some("bibtex") => Format::Bibtex,
                Some("json") => Format::Json,
                Some(_) => return Err(usage("the formats are plain, chicago, bibtex and json")),
            };
            Ok(Line::Cite(n, format))
        }
        "export" => match args.as_slice() {
            [file] => Ok(Line::Export(PathBuf::from(file))),
            _ => Err(usage("name one file")),
        },
        "help" | "h" | "?" => Ok(Line::Help),
        "quit" | "q" | "exit" => Ok(Line::Quit),
        _ => Err(UserError::Other(format!(
            ":{name} is not a command; type :help for the list"
        ))),
    }
}

/// Parses `2011..2016`, `2015..`, `..2014` or `2015`.
pub fn parse_years(text: &str) -> Option<(Option<u64>, Option<u64>)> {
    let year = |s: &str| -> Option<Option<u64>> {
        if s.is_empty() {
            Some(None)
        } else {
            s.parse::<u64>()
                .ok()
                .filter(|y| (1000..=9999).contains(y))
                .map(Some)
        }
    };
    match text.split_once("..") {
        Some((a, b)) => {
            let (a, b) = (year(a)?, year(b)?);
            match (a, b) {
                (None, None) => None,
                (Some(x), Some(y)) if x > y => None,
                _ => Some((a, b)),
            }
        }
        None => year(text)?.map(|y| (Some(y), Some(y))),
    }
}

/// The filters and paging in force at the prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// Documents searched; empty is all.
    pub sources: Vec<String>,
    /// Themes searched; empty is all.
    pub themes: Vec<String>,
    /// Years searched.
    pub years: Option<(Option<u64>, Option<u64>)>,
    /// Exact matching.
    pub exact: bool,
    /// Hits per page.
    pub limit: usize,
    /// The last query's results, as far as they have been shown.
    pub last: Option<Last>,
}

/// The last query and the hits shown of it so far, which `:more`, `:show`,
/// `:cite` and `:export` refer to.
#[derive(Debug, Clone, PartialEq)]
pub struct Last {
    /// The request as first made: the filters in force when the query was
    /// typed, so that `:more` continues the same list after a filter change.
    pub request: SearchRequest,
    /// How many passages match in all.
    pub total: usize,
    /// The hits shown, pages joined; hit N is `hits[N - 1]`.
    pub hits: Vec<Hit>,
}

impl Default for Session {
    fn default() -> Self {
        Session {
            sources: Vec::new(),
            themes: Vec::new(),
            years: None,
            exact: false,
            limit: 10,
            last: None,
        }
    }
}

impl Session {
    /// The request for the first page of `query` under the current filters.
    pub fn request(&self, query: &str) -> SearchRequest {
        let mut r = SearchRequest::new(query);
        r.limit = self.limit;
        r.sources = self.sources.clone();
        r.themes = self.themes.clone();
        r.years = self.years;
        r.exact = self.exact;
        r
    }

    /// The request for the next page of the last query (with the page size
    /// now in force), if there is a last query with hits not yet shown.
    pub fn next_page(&self) -> Option<SearchRequest> {
        let last = self.last.as_ref()?;
        if last.hits.len() >= last.total {
            return None;
        }
        let mut r = last.request.clone();
        r.offset = last.hits.len();
        r.limit = self.limit;
        Some(r)
    }

    /// The filters in force, as the prompt shows them: `source:usa-2011`,
    /// `theme:cbm`, `year:2011..`, `exact`, `limit:5`.
    pub fn filters(&self) -> Vec<String> {
        let mut parts = Vec::new();
        if !self.sources.is_empty() {
            parts.push(format!("source:{}", self.sources.join(",")));
        }
        if !self.themes.is_empty() {
            parts.push(format!("theme:{}", self.themes.join(",")));
        }
        if let Some((a, b)) = self.years {
            let y = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
            parts.push(format!("year:{}..{}", y(a), y(b)));
        }
        if self.exact {
            parts.push("exact".to_string());
        }
        if self.limit != 10 {
            parts.push(format!("limit:{}", self.limit));
        }
        parts
    }

    /// The prompt, showing the filters in force: `normsearch [source:usa-2011 year:2011..]> `.
    pub fn prompt(&self) -> String {
        let parts = self.filters();
        if parts.is_empty() {
            "normsearch> ".to_string()
        } else {
            format!("normsearch [{}]> ", parts.join(" "))
        }
    }
}

/// Whether the prompt goes on after a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Read the next line.
    Continue,
    /// `:quit`: leave.
    Quit,
}

/// What can stop a line: a problem to report (the session goes on), or
/// output that cannot be written (it ends).
enum Failure {
    Report(Error),
    Output(io::Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Report(e)
    }
}

impl From<UserError> for Failure {
    fn from(e: UserError) -> Self {
        Failure::Report(e.into())
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Output(e)
    }
}

/// A prompt session: one index reader open for the whole session, the
/// corpus for citations, the taxonomy for theme names, and the [`Session`].
///
/// [`Shell::run_line`] is the whole behaviour of a line, for the terminal
/// prompt and for piped input alike; the caller only reads lines.
pub struct Shell {
    index: Index,
    corpus: Corpus,
    labels: BTreeMap<String, String>,
    theme_counts: Option<BTreeMap<String, u64>>,
    session: Session,
    errors: usize,
}

impl std::fmt::Debug for Shell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shell")
            .field("index", &self.index)
            .field("session", &self.session)
            .finish()
    }
}

impl Shell {
    /// A session over `index`, citing from `corpus` and naming themes from
    /// `taxonomy` (the corpus folder's own, as the index was built with).
    pub fn new(index: Index, corpus: Corpus, taxonomy: &Taxonomy) -> Shell {
        Shell {
            index,
            corpus,
            labels: taxonomy
                .themes()
                .iter()
                .map(|t| (t.id.clone(), t.label.clone()))
                .collect(),
            theme_counts: None,
            session: Session::default(),
            errors: 0,
        }
    }

    /// The filters, paging and last results.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The index searched.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The prompt to show before the next line.
    pub fn prompt(&self) -> String {
        self.session.prompt()
    }

    /// How many lines so far ended in an error message.
    pub fn errors(&self) -> usize {
        self.errors
    }

    /// The document ids, in manifest order (for completion).
    pub fn document_ids(&self) -> crate::Result<Vec<String>> {
        Ok(self
            .index
            .document_ids()?
            .into_iter()
            .map(str::to_string)
            .collect())
    }

    /// The theme ids, pillars first (for completion).
    pub fn theme_ids(&self) -> Vec<String> {
        self.index.meta().themes.clone()
    }

    /// Acts on one line: results and listings go to `out`; a problem with
    /// the line (a query syntax error, an unknown id, a bad command) goes to
    /// `err` as one `normsearch: error: …` line, and the session goes on.
    ///
    /// Returns [`Flow::Quit`] on `:quit`. An error is returned only when
    /// `out` or `err` cannot be written (a closed pipe), which ends the
    /// session.
    pub fn run_line(
        &mut self,
        line: &str,
        out: &mut impl WriteColor,
        err: &mut impl Write,
    ) -> io::Result<Flow> {
        let outcome = parse(line)
            .map_err(Failure::from)
            .and_then(|l| self.execute(l, out));
        match outcome {
            Ok(flow) => Ok(flow),
            Err(Failure::Output(e)) => Err(e),
            Err(Failure::Report(e)) => {
                self.errors += 1;
                writeln!(err, "normsearch: error: {e}")?;
                Ok(Flow::Continue)
            }
        }
    }

    fn execute(&mut self, line: Line, out: &mut impl WriteColor) -> Result<Flow, Failure> {
        match line {
            Line::Query(q) => {
                let request = self.session.request(&q);
                let results = search::search(&self.index, &request)?;
                render(out, &results, 0)?;
                self.session.last = Some(Last {
                    request,
                    total: results.total,
                    hits: results.hits,
                });
                self.more_hint(out)?;
            }
            Line::More => self.more(out)?,
            Line::Sources(ids) => {
                let valid = self.document_ids()?;
                check_ids("source", &ids, &valid)?;
                self.session.sources = ids;
                self.filters_line(out)?;
            }
            Line::Themes(ids) => {
                let valid = self.theme_ids();
                check_ids("theme", &ids, &valid)?;
                self.session.themes = ids;
                self.filters_line(out)?;
            }
            Line::Years(years) => {
                self.session.years = years;
                self.filters_line(out)?;
            }
            Line::Exact(on) => {
                self.session.exact = on;
                self.filters_line(out)?;
            }
            Line::Limit(n) => {
                self.session.limit = n;
                self.filters_line(out)?;
            }
            Line::Show(n) => {
                let hit = self.hit(n)?;
                let (around, notes) = search::context(&self.index, hit, 1, 1)?;
                let cite = Citation::of_hit(&self.corpus, hit)?;
                render_context(out, hit, &around, &notes, &cite)?;
            }
            Line::Cite(n, format) => {
                let hit = self.hit(n)?;
                let cite = Citation::of_hit(&self.corpus, hit)?;
                writeln!(out, "{}", cite.render(format))?;
            }
            Line::ListSources => self.list_sources(out)?,
            Line::ListThemes => self.list_themes(out)?,
            Line::Export(path) => self.export(&path, out)?,
            Line::Help => help(out)?,
            Line::Quit => return Ok(Flow::Quit),
        }
        out.flush()?;
        Ok(Flow::Continue)
    }

    /// The next page of the last query; nothing on a blank line before any
    /// query, so that Enter at a fresh prompt is harmless.
    fn more(&mut self, out: &mut impl WriteColor) -> Result<(), Failure> {
        let Some(last) = &self.session.last else {
            return Ok(());
        };
        let Some(request) = self.session.next_page() else {
            writeln!(
                out,
                "all {} hit{} of {:?} shown",
                last.total,
                if last.total == 1 { "" } else { "s" },
                last.request.query
            )?;
            return Ok(());
        };
        let results = search::search(&self.index, &request)?;
        render(out, &results, request.offset)?;
        if let Some(last) = &mut self.session.last {
            // The index does not change under an open reader, so the total
            // is the same; taking the new one keeps paging honest regardless.
            last.total = results.total;
            last.hits.extend(results.hits);
        }
        Ok(self.more_hint(out)?)
    }

    /// After a page with more to come: how to see them.
    fn more_hint(&self, out: &mut impl WriteColor) -> io::Result<()> {
        if let Some(last) = &self.session.last {
            if last.hits.len() < last.total {
                let next = (last.hits.len() + self.session.limit).min(last.total);
                out.set_color(ColorSpec::new().set_dimmed(true))?;
                write!(
                    out,
                    "\nEnter or :more for hits {}–{next} of {}",
                    last.hits.len() + 1,
                    last.total
                )?;
                out.reset()?;
                writeln!(out)?;
            }
        }
        Ok(())
    }

    /// Says which filters are now in force (the prompt shows them too, but
    /// piped input has no prompt).
    fn filters_line(&self, out: &mut impl WriteColor) -> io::Result<()> {
        let parts = self.session.filters();
        if parts.is_empty() {
            writeln!(out, "filters: none")
        } else {
            writeln!(out, "filters: {}", parts.join(" "))
        }
    }

    /// Hit `n` of the last results.
    fn hit(&self, n: usize) -> Result<&Hit, UserError> {
        let Some(last) = &self.session.last else {
            return Err(UserError::Other(format!(
                "no hit {n}: no results yet; type a query first"
            )));
        };
        last.hits.get(n - 1).ok_or_else(|| {
            let shown = match last.hits.len() {
                0 => "the last query found nothing".to_string(),
                k => format!("hits 1 to {k} are shown"),
            };
            UserError::Other(format!("no hit {n}: {shown}"))
        })
    }

    fn list_sources(&self, out: &mut impl WriteColor) -> Result<(), Failure> {
        let docs = self.index.documents()?;
        let id_width = docs.iter().map(|d| d.id.chars().count()).max().unwrap_or(0);
        let kind_width = docs
            .iter()
            .map(|d| d.kind.chars().count())
            .max()
            .unwrap_or(0);
        for d in docs {
            out.set_color(ColorSpec::new().set_bold(true))?;
            write!(out, "{:id_width$}", d.id)?;
            out.reset()?;
            writeln!(
                out,
                "  {:10}  {:kind_width$}  {:>5} passages",
                d.date, d.kind, d.passages
            )?;
            writeln!(out, "   {} — {}", d.title, d.issuer)?;
        }
        writeln!(
            out,
            "{} document{}, {} passages",
            docs.len(),
            if docs.len() == 1 { "" } else { "s" },
            self.index.meta().passages
        )?;
        Ok(())
    }

    fn list_themes(&mut self, out: &mut impl WriteColor) -> Result<(), Failure> {
        // Counted once: the reader stays on one generation all session.
        if self.theme_counts.is_none() {
            self.theme_counts = Some(theme_counts(&self.index)?);
        }
        let Some(counts) = &self.theme_counts else {
            return Ok(());
        };
        let ids = &self.index.meta().themes;
        let width = ids.iter().map(|t| t.chars().count()).max().unwrap_or(0) + 2;
        let pillars = ids.iter().filter(|t| !t.contains('/'));
        for pillar in pillars {
            let mut row = |id: &str, indent: &str| -> io::Result<()> {
                let label = self.labels.get(id).map(String::as_str).unwrap_or("");
                let count = counts.get(id).copied().unwrap_or(0);
                let pad = width - indent.len();
                writeln!(out, "{indent}{id:pad$}{count:>5}  {label}")
            };
            row(pillar, "")?;
            let prefix = format!("{pillar}/");
            for child in ids.iter().filter(|t| t.starts_with(&prefix)) {
                row(child, "  ")?;
            }
        }
        writeln!(
            out,
            "(passages per theme; a pillar counts those of its sub-themes)"
        )?;
        Ok(())
    }

    /// Writes every hit of the last query to `path`: JSON Lines (the hit
    /// objects of `search --json`) or CSV, by the file's extension.
    fn export(&self, path: &Path, out: &mut impl WriteColor) -> Result<(), Failure> {
        let Some(last) = &self.session.last else {
            return Err(UserError::Other(
                "nothing to export: no results yet; type a query first".into(),
            )
            .into());
        };
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let csv = match ext.as_deref() {
            Some("jsonl" | "ndjson" | "json") => false,
            Some("csv") => true,
            _ => {
                return Err(UserError::Other(format!(
                    "cannot export to {}: name a .jsonl file (JSON Lines) or a .csv file",
                    path.display()
                ))
                .into())
            }
        };
        let mut request = last.request.clone();
        request.offset = 0;
        request.limit = last.total.max(1);
        let hits = if last.total == 0 {
            Vec::new()
        } else {
            search::search(&self.index, &request)?.hits
        };
        let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
        let written = if csv {
            write_csv(file, &hits)
        } else {
            write_jsonl(file, &hits)
        };
        written.map_err(|e| Error::io(path, e))?;
        writeln!(
            out,
            "wrote {} hit{} of {:?} to {}",
            hits.len(),
            if hits.len() == 1 { "" } else { "s" },
            last.request.query,
            path.display()
        )?;
        Ok(())
    }
}

/// Refuses ids the index does not know, listing the ones it does.
fn check_ids(what: &str, ids: &[String], valid: &[String]) -> Result<(), UserError> {
    match ids.iter().find(|id| !valid.contains(id)) {
        Some(bad) => {
            let valid: Vec<&str> = valid.iter().map(String::as_str).collect();
            Err(UserError::Other(unknown_id(what, bad, &valid)))
        }
        None => Ok(()),
    }
}

/// Passages per theme over the whole index; a pillar counts every passage
/// carrying it or one of its sub-themes.
fn theme_counts(index: &Index) -> crate::Result<BTreeMap<String, u64>> {
    let themes = &index.meta().themes;
    // The pillars with sub-themes. A facet collector refuses a facet below
    // one it already has, so the pillars and their children are counted by
    // two collectors.
    let parents: Vec<Facet> = themes
        .iter()
        .filter(|t| !t.contains('/'))
        .filter(|p| themes.iter().any(|t| t.starts_with(&format!("{p}/"))))
        .filter_map(|p| theme_facet(p))
        .collect();
    let mut pillars = FacetCollector::for_field("themes");
    pillars.add_facet("/theme");
    let mut children = FacetCollector::for_field("themes");
    for p in &parents {
        children.add_facet(p.clone());
    }
    let (pillar_counts, child_counts) = index.searcher().search(&AllQuery, &(pillars, children))?;
    let mut counts = BTreeMap::new();
    let mut add = |found: &tantivy::collector::FacetCounts, root: Facet| {
        for (facet, count) in found.get(root) {
            let path = facet.to_path();
            if path.len() > 1 {
                counts.insert(path[1..].join("/"), count);
            }
        }
    };
    add(&pillar_counts, Facet::from("/theme"));
    for p in parents {
        add(&child_counts, p);
    }
    Ok(counts)
}

fn write_jsonl(file: std::fs::File, hits: &[Hit]) -> io::Result<()> {
    let mut w = io::BufWriter::new(file);
    for hit in hits {
        serde_json::to_writer(&mut w, hit)?;
        w.write_all(b"\n")?;
    }
    w.flush()
}

/// The CSV columns: one row per hit, lists joined (`section` with ` › `,
/// `themes` with `;`).
pub const CSV_HEADER: [&str; 17] = [
    "rank",
    "id",
    "doc",
    "title",
    "issuer",
    "date",
    "section",
    "label",
    "page",
    "paragraph",
    "line_from",
    "line_to",
    "kind",
    "anchor",
    "themes",
    "score",
    "text",
];

fn write_csv(file: std::fs::File, hits: &[Hit]) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(io::BufWriter::new(file));
    w.write_record(CSV_HEADER)?;
    for h in hits {
        w.write_record([
            h.rank.to_string(),
            h.id.clone(),
            h.doc.clone(),
            h.title.clone(),
            h.issuer.clone(),
            h.date.clone(),
            h.section.join(" › "),
            h.label.clone().unwrap_or_default(),
            h.page.map(|p| p.to_string()).unwrap_or_default(),
            h.paragraph.to_string(),
            h.lines[0].to_string(),
            h.lines[1].to_string(),
            h.kind.as_str().to_string(),
            h.anchor.clone(),
            h.themes.join(";"),
            format!("{:.4}", h.score),
            h.text.clone(),
        ])?;
    }
    w.flush()
}

/// The commands and a reminder of the query syntax.
fn help(out: &mut impl WriteColor) -> io::Result<()> {
    writeln!(
        out,
        "A line is a query, as `normsearch search` takes it: words, \"phrases\", \"phrase\"~N,\n\
         +must -not, AND/OR/NOT, ( ), source:ID theme:ID year:A..B kind:footnote, prefix*, fuzzy~1.\n\
         Commands:"
    )?;
    let width = COMMANDS
        .iter()
        .map(|(c, a, _)| c.chars().count() + 1 + a.chars().count())
        .max()
        .unwrap_or(0);
    for (cmd, args, what) in COMMANDS {
        let usage = if args.is_empty() {
            (*cmd).to_string()
        } else {
            format!("{cmd} {args}")
        };
        let pad = width - usage.chars().count();
        writeln!(out, "  {usage}{:pad$}  {what}", "")?;
    }
    writeln!(
        out,
        "Tab completes commands, ids and file names; Ctrl-C drops the line; Ctrl-D leaves."
    )
}

/// Completion candidates for `line` with the cursor at byte `pos`: where the
/// completed word starts, and the words that may replace it. Commands at
/// the start of a line; document ids after `:source` and `source:`, theme
/// ids after `:theme` and `theme:`; formats after `:cite N`; `on`/`off`
/// after `:exact`; filter names inside a query.
pub fn complete(
    line: &str,
    pos: usize,
    docs: &[String],
    themes: &[String],
) -> (usize, Vec<String>) {
    let Some(before) = line.get(..pos) else {
        return (pos, Vec::new());
    };
    let start = before
        .rfind(|c: char| c.is_whitespace())
        .map(|i| i + before[i..].chars().next().map_or(1, char::len_utf8))
        .unwrap_or(0);
    let word = &before[start..];
    let matching = |prefix: &str, options: &mut dyn Iterator<Item = &str>| -> Vec<String> {
        options
            .filter(|o| o.starts_with(prefix))
            .map(str::to_string)
            .collect()
    };
    let all = ["all"];
    if before.trim_start().starts_with(':') {
        let command = before.split_whitespace().next().unwrap_or("");
        if start <= before.len() - before.trim_start().len() {
            return (
                start,
                matching(word, &mut COMMANDS.iter().map(|(c, _, _)| *c)),
            );
        }
        // Arguments already complete before the word being completed.
        let argument = before[..start].split_whitespace().count() - 1;
        // Ids may be joined with commas: complete the last one.
        let comma = word.rfind(',').map_or(0, |i| i + 1);
        let (id_start, id_word) = (start + comma, &word[comma..]);
        let ids = |list: &[String]| -> Vec<String> {
            matching(
                id_word,
                &mut list.iter().map(String::as_str).chain(all.iter().copied()),
            )
        };
        return match command {
            ":source" => (id_start, ids(docs)),
            ":theme" => (id_start, ids(themes)),
            ":exact" => (start, matching(word, &mut ["on", "off"].into_iter())),
            ":year" => (start, matching(word, &mut all.into_iter())),
            ":cite" if argument == 1 => (
                start,
                matching(
                    word,
                    &mut ["plain", "chicago", "bibtex", "json"].into_iter(),
                ),
            ),
            _ => (start, Vec::new()),
        };
    }
    // Inside a query: `source:`, `theme:` and their ids, after any of the
    // operators that may stand before a filter.
    let lead = word.len() - word.trim_start_matches(['+', '-', '(']).len();
    let (start, word) = (start + lead, &word[lead..]);
    for (filter, list) in [("source:", docs), ("theme:", themes)] {
        if let Some(id) = word.strip_prefix(filter) {
            return (
                start,
                list.iter()
                    .filter(|t| t.starts_with(id))
                    .map(|t| format!("{filter}{t}"))
                    .collect(),
            );
        }
    }
    if word.is_empty() {
        return (start, Vec::new());
    }
    (
        start,
        matching(
            word,
            &mut ["source:", "theme:", "year:", "kind:"].into_iter(),
        ),
    )
}

/// The usage of the command typed so far, to show greyed after the cursor
/// (`:cite` → ` N [plain|chicago|bibtex|json]`).
pub fn hint(line: &str) -> Option<String> {
    let (_, args, _) = COMMANDS.iter().find(|(c, _, _)| *c == line)?;
    (!args.is_empty()).then(|| format!(" {args}"))
}

/// Where the prompt keeps its history: `$XDG_DATA_HOME/normsearch/history`,
/// else `~/.local/share/normsearch/history`; `None` when neither is set.
pub fn history_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".local/share"))
        })?;
    Some(base.join("normsearch").join("history"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_and_commands() {
        assert_eq!(
            parse("norms of behavior").unwrap(),
            Line::Query("norms of behavior".into())
        );
        assert_eq!(parse("   ").unwrap(), Line::More);
        assert_eq!(parse(":more").unwrap(), Line::More);
        assert_eq!(
            parse(":source usa-2011 sweden-2014").unwrap(),
            Line::Sources(vec!["usa-2011".into(), "sweden-2014".into()])
        );
        assert_eq!(parse(":source all").unwrap(), Line::Sources(vec![]));
        assert_eq!(
            parse(":theme cbm,norms/c").unwrap(),
            Line::Themes(vec!["cbm".into(), "norms/c".into()])
        );
        assert_eq!(
            parse(":year 2011..2016").unwrap(),
            Line::Years(Some((Some(2011), Some(2016))))
        );
        assert_eq!(parse(":year all").unwrap(), Line::Years(None));
        assert_eq!(parse(":exact on").unwrap(), Line::Exact(true));
        assert_eq!(parse(":limit 5").unwrap(), Line::Limit(5));
        assert_eq!(parse(":show 3").unwrap(), Line::Show(3));
        assert_eq!(
            parse(":cite 2 bibtex").unwrap(),
            Line::Cite(2, Format::Bibtex)
        );
        assert_eq!(parse(":cite 2").unwrap(), Line::Cite(2, Format::Plain));
        assert_eq!(parse(":sources").unwrap(), Line::ListSources);
        assert_eq!(parse(":themes").unwrap(), Line::ListThemes);
        assert_eq!(
            parse(":export hits.csv").unwrap(),
            Line::Export("hits.csv".into())
        );
        assert_eq!(parse(":help").unwrap(), Line::Help);
        assert_eq!(parse(":quit").unwrap(), Line::Quit);
    }

    #[test]
    fn bad_commands_say_how_to_use_them() {
        let msg = |l: &str| parse(l).unwrap_err().to_string();
        assert!(msg(":show").contains("usage: :show N"));
        assert!(msg(":show 0").contains("1 or more"));
        assert!(msg(":cite 1 apa").contains("plain, chicago, bibtex and json"));
        assert!(msg(":year 2016..2011").contains("2011..2016"));
        assert!(msg(":exact maybe").contains("on or off"));
        assert!(msg(":frobnicate").contains(":help"));
        assert!(msg(":limit 0").contains("1 to 1000"));
    }

    #[test]
    fn years() {
        assert_eq!(parse_years("2015"), Some((Some(2015), Some(2015))));
        assert_eq!(parse_years("2015.."), Some((Some(2015), None)));
        assert_eq!(parse_years("..2014"), Some((None, Some(2014))));
        assert_eq!(parse_years(".."), None);
        assert_eq!(parse_years("15"), None);
    }

    #[test]
    fn session_builds_requests_and_prompt() {
        let mut s = Session::default();
        assert_eq!(s.prompt(), "normsearch> ");
        s.sources = vec!["usa-2011".into()];
        s.years = Some((Some(2011), None));
        s.exact = true;
        assert_eq!(
            s.prompt(),
            "normsearch [source:usa-2011 year:2011.. exact]> "
        );
        let r = s.request("norms");
        assert_eq!(
            (r.sources.clone(), r.years, r.exact, r.offset),
            (
                vec!["usa-2011".to_string()],
                Some((Some(2011), None)),
                true,
                0
            )
        );
        assert!(s.next_page().is_none());
    }

    fn hit(rank: usize) -> Hit {
        Hit {
            id: format!("usa-2011:{rank}"),
            rank,
            score: 1.0,
            doc: "usa-2011".into(),
            title: String::new(),
            issuer: String::new(),
            date: String::new(),
            section: Vec::new(),
            label: None,
            page: None,
            paragraph: rank as u32,
            lines: [1, 1],
            kind: crate::segment::PassageKind::Body,
            anchor: String::new(),
            themes: Vec::new(),
            text: String::new(),
            highlights: Vec::new(),
        }
    }

    #[test]
    fn next_page_continues_the_first_request_with_the_current_page_size() {
        let mut s = Session {
            sources: vec!["usa-2011".into()],
            ..Session::default()
        };
        s.last = Some(Last {
            request: s.request("norms"),
            total: 12,
            hits: (1..=10).map(hit).collect(),
        });
        // A filter changed after the query does not change the list paged.
        s.sources.clear();
        s.limit = 5;
        let next = s.next_page().unwrap();
        assert_eq!(
            (next.query.as_str(), next.offset, next.limit, next.sources),
            ("norms", 10, 5, vec!["usa-2011".to_string()])
        );
        if let Some(last) = &mut s.last {
            last.hits.extend([hit(11), hit(12)]);
        }
        assert!(s.next_page().is_none(), "all 12 shown");
    }

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn completion_of_commands_ids_and_formats() {
        let docs = ids(&["usa-2011", "sweden-2014", "norway-2017"]);
        let themes = ids(&["cbm", "norms", "norms/a", "cooperation"]);
        let c = |line: &str| complete(line, line.len(), &docs, &themes);
        assert_eq!(c(":so"), (0, ids(&[":source", ":sources"])));
        assert_eq!(c(":q"), (0, ids(&[":quit"])));
        assert_eq!(c(":source s"), (8, ids(&["sweden-2014"])));
        assert_eq!(c(":source usa-2011,n"), (17, ids(&["norway-2017"])));
        assert_eq!(c(":source a"), (8, ids(&["all"])));
        assert_eq!(c(":theme norms"), (7, ids(&["norms", "norms/a"])));
        assert_eq!(c(":cite 2 b"), (8, ids(&["bibtex"])));
        assert_eq!(c(":cite "), (6, ids(&[])), "a hit number, not a format");
        assert_eq!(c(":exact o"), (7, ids(&["on", "off"])));
        assert_eq!(c("norms source:s"), (6, ids(&["source:sweden-2014"])));
        assert_eq!(c("norms -theme:co"), (7, ids(&["theme:cooperation"])));
        assert_eq!(c("norms th"), (6, ids(&["theme:"])));
        assert_eq!(c("norms "), (6, ids(&[])));
        // The cursor inside the line: only the text before it counts.
        assert_eq!(
            complete(":source s usa-2011", 9, &docs, &themes),
            (8, ids(&["sweden-2014"]))
        );
        // A position past the end or inside a character completes nothing.
        assert_eq!(complete("norms", 99, &docs, &themes), (99, ids(&[])));
        assert_eq!(complete("é", 1, &docs, &themes), (1, ids(&[])));
    }

    #[test]
    fn hints_give_a_command_s_usage() {
        assert_eq!(
            hint(":cite").as_deref(),
            Some(" N [plain|chicago|bibtex|json]")
        );
        assert_eq!(hint(":help"), None);
        assert_eq!(hint("norms"), None);
    }

    #[test]
    fn unknown_ids_are_refused_with_the_valid_ones() {
        let valid = ids(&["usa-2011", "sweden-2014"]);
        assert!(check_ids("source", &ids(&["usa-2011"]), &valid).is_ok());
        assert!(check_ids("source", &[], &valid).is_ok());
        let e = check_ids("source", &ids(&["usa-2011", "narnia"]), &valid)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("\"narnia\"") && e.contains("usa-2011, sweden-2014"),
            "{e}"
        );
    }

    #[test]
    fn csv_export_quotes_commas_quotes_and_newlines() {
        let mut h = hit(1);
        h.title = "Strategy, \"final\"".into();
        h.text = "line one\nline two".into();
        h.section = vec!["I".into(), "II".into()];
        h.themes = vec!["cbm".into(), "norms/a".into()];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        write_csv(std::fs::File::create(&path).unwrap(), &[h]).unwrap();
        let mut reader = csv::Reader::from_path(&path).unwrap();
        assert_eq!(reader.headers().unwrap(), CSV_HEADER.as_slice());
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(&row[3], "Strategy, \"final\"");
        assert_eq!(&row[6], "I › II");
        assert_eq!(&row[14], "cbm;norms/a");
        assert_eq!(&row[16], "line one\nline two");
    }
}
