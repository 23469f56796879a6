//! The search prompt: its line language, the session state the commands
//! change, and the [`Shell`] that answers a line.
//!
//! Input: one line typed at the prompt (or piped in). [`parse`] makes it a
//! [`Line`] (a query or a `:command`) or a [`UserError`]; the [`Session`]
//! holds the filters in force and turns a query into the same
//! [`SearchRequest`](crate::search::SearchRequest) the `search` command
//! builds; [`Shell::run_line`] acts on it with one [`Engine`] kept open for
//! the whole session (it follows rebuilds), writing
//! results with the same renderers as `search`, `show` and `cite` to any
//! [`WriteColor`]. Output: the answer on one writer, a refusal (bad syntax,
//! unknown id, a hit number not shown) as one line on the other, and
//! whether to go on. The terminal and the piped prompt (`cli::shell`)
//! differ only in how they read lines.

mod complete;
mod line;
mod session;
#[cfg(test)]
mod tests;

pub use complete::{complete, hint, history_path};
pub use line::{parse, Line, Target, COMMANDS};
pub use session::{Last, Session};

use crate::engine::Engine;
use crate::error::{Error, IdKind, UserError};
use crate::present;
use crate::reuse::ReuseOptions;
use crate::search::{self, Hit};
use line::help;
use std::io::{self, Write};
use std::path::Path;
use termcolor::{ColorSpec, WriteColor};

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

/// A prompt session: one [`Engine`] open for the whole session (it
/// follows rebuilds), and the [`Session`].
///
/// [`Shell::run_line`] is the whole behaviour of a line, for the terminal
/// prompt and for piped input alike; the caller only reads lines.
pub struct Shell {
    engine: Engine,
    session: Session,
    errors: usize,
    /// The width `:grid` fits its table to.
    width: usize,
    layout: present::Layout,
}

impl std::fmt::Debug for Shell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shell")
            .field("engine", &self.engine)
            .field("session", &self.session)
            .finish()
    }
}

impl Shell {
    /// A session over `engine`.
    pub fn new(engine: Engine) -> Shell {
        Shell {
            engine,
            session: Session::default(),
            errors: 0,
            width: 100,
            layout: present::Layout::FULL,
        }
    }

    /// Sets the width `:grid` fits its table to (the terminal's).
    pub fn set_width(&mut self, width: usize) {
        self.width = width.max(40);
    }

    /// Lays hits out as `layout` says (wrapped, snippets) from now on; by
    /// default whole lines and passages.
    pub fn set_layout(&mut self, layout: present::Layout) {
        self.layout = layout;
    }

    /// The filters, paging and last results.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The engine asked.
    pub fn engine(&self) -> &Engine {
        &self.engine
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
        self.engine.document_ids()
    }

    /// The theme ids, pillars first (for completion).
    pub fn theme_ids(&self) -> Vec<String> {
        self.engine.theme_ids()
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
                let results = self.engine.search(&request)?;
                present::render_laid_out(out, &results, 0, &self.layout)?;
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
                check_ids(IdKind::Source, &ids, &valid)?;
                self.session.sources = ids;
                self.filters_line(out)?;
            }
            Line::Themes(ids) => {
                let valid = self.theme_ids();
                check_ids(IdKind::Theme, &ids, &valid)?;
                self.session.themes = ids;
                self.filters_line(out)?;
            }
            Line::Years(years) => {
                self.session.years = years;
                self.filters_line(out)?;
            }
            Line::Lang(lang) => {
                self.session.lang = lang;
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
            Line::Show(target) => {
                let context = match target {
                    Target::Hit(n) => self.engine.context_of(self.hit(n)?, 1)?,
                    Target::Passage(r) => self.engine.context(&r, 1)?,
                };
                present::render_context_laid_out(out, &context, &self.layout)?;
            }
            Line::Cite(target, format) => {
                let cite = match target {
                    Target::Hit(n) => self.engine.citation_of(self.hit(n)?)?,
                    Target::Passage(r) => self.engine.citation(&r)?,
                };
                writeln!(out, "{}", cite.render(format))?;
            }
            Line::Trace(target) => {
                let id = self.target(target)?;
                let lineage = self.engine.trace(&id, &ReuseOptions::default())?;
                present::lineage::render_lineage(out, &lineage)?;
            }
            Line::Similar(target) => {
                let id = self.target(target)?;
                let similar = self.engine.similar(&id, 10, &ReuseOptions::default())?;
                present::lineage::render_similar(out, &similar)?;
            }
            Line::ListSources => present::lists::documents(out, &self.engine.documents()?)?,
            Line::ListThemes => present::lists::themes(out, &self.engine.theme_counts()?)?,
            Line::Export(path) => self.export(&path, out)?,
            Line::Grid { by, themes, query } => {
                let request = self.session.grid_request(by, themes, &query);
                let grid = self.engine.grid(&request)?;
                present::grid::grid(out, &grid, self.width)?;
            }
            Line::Compare { theme, query } => {
                let request = self.session.compare_request(theme, &query)?;
                let comparison = self.engine.compare(&request)?;
                present::grid::compare(out, &comparison)?;
            }
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
        let results = self.engine.search(&request)?;
        present::render_laid_out(out, &results, request.offset, &self.layout)?;
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
    /// The passage id a `:trace` or `:similar` names.
    fn target(&self, target: Target) -> Result<String, UserError> {
        match target {
            Target::Hit(n) => Ok(self.hit(n)?.id.clone()),
            Target::Passage(id) => Ok(id),
        }
    }

    fn hit(&self, n: usize) -> Result<&Hit, UserError> {
        let Some(last) = &self.session.last else {
            return Err(UserError::NoSuchHit { n, shown: None });
        };
        last.hits.get(n - 1).ok_or(UserError::NoSuchHit {
            n,
            shown: Some(last.hits.len()),
        })
    }

    /// Writes every hit of the last query to `path`: JSON Lines (the hit
    /// objects of `search --json`) or CSV, by the file's extension.
    fn export(&self, path: &Path, out: &mut impl WriteColor) -> Result<(), Failure> {
        let Some(last) = &self.session.last else {
            return Err(UserError::NothingToExport.into());
        };
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let csv = match ext.as_deref() {
            Some("jsonl" | "ndjson" | "json") => false,
            Some("csv") => true,
            _ => {
                return Err(UserError::ExportFormat {
                    path: path.to_path_buf(),
                }
                .into())
            }
        };
        let hits = if last.total == 0 {
            Vec::new()
        } else {
            self.engine.search_all(&last.request)?.hits
        };
        let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
        let mut w = io::BufWriter::new(file);
        let written = if csv {
            present::table::csv(&mut w, &hits)
        } else {
            present::table::json_lines(&mut w, &hits)
        }
        .and_then(|()| w.flush());
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
fn check_ids(kind: IdKind, ids: &[String], valid: &[String]) -> Result<(), UserError> {
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let valid: Vec<&str> = valid.iter().map(String::as_str).collect();
    search::check_known(kind, &ids, &valid)
}
