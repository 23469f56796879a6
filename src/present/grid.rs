//! The grid and the comparison for people and programs.
//!
//! Input: a [`Grid`] or a [`Comparison`] and a writer. Output: for people,
//! the grid as a table fitted to a width (a heat map shaded by count on a
//! writer that takes colour, the counts alone otherwise) and the
//! comparison as one passage per document; for programs, CSV (one row per
//! cell, or per document) and, for the comparison, a Markdown table to
//! paste into a paper. JSON is the records' own ([`super::table::json`]).

use serde::Serialize;
use std::io::{self, Write};
use termcolor::{Color, ColorSpec, WriteColor};

use super::hits::render_hit;
use super::table::{self, Tabular};
use crate::search::{Comparison, Grid, Hit};

/// The widest a row label or column header is shown; longer ones are cut
/// with an ellipsis (the legend and JSON give them whole).
const LABEL_MAX: usize = 28;
const HEADER_MAX: usize = 12;

/// Background shades of the heat map, lightest to darkest (xterm's 256
/// colours: a yellow to red ramp that reads on dark and light terminals).
const SHADES: [u8; 6] = [230, 223, 216, 209, 202, 160];

/// `s` cut to `max` characters, with an ellipsis when cut.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// A column's header: the theme's last id segment (`sovereignty` for
/// `international-law/sovereignty`).
fn header(theme: &str) -> String {
    cut(theme.rsplit('/').next().unwrap_or(theme), HEADER_MAX)
}

/// The shade of a count: darker as it nears the grid's largest (square
/// root scale, so small counts still show).
fn shade(count: u64, max: u64) -> u8 {
    if max == 0 {
        return SHADES[0];
    }
    let level = ((count as f64 / max as f64).sqrt() * (SHADES.len() - 1) as f64).round() as usize;
    SHADES[level.min(SHADES.len() - 1)]
}

/// The grid as a table fitted to `width` columns: row labels, then one
/// column per theme; when the themes do not fit, they are split over
/// several tables, each repeating the row labels. On a writer that takes
/// colour each cell is shaded by its count; a zero shows as `·`. A legend
/// of the columns follows.
pub fn grid(out: &mut impl WriteColor, g: &Grid, width: usize) -> io::Result<()> {
    let color = out.supports_color();
    let label_w = g
        .rows
        .iter()
        .map(|r| cut(r, LABEL_MAX).chars().count())
        .chain([by_word(g).len()])
        .max()
        .unwrap_or(4);
    let max = g.cells.iter().map(|c| c.count).max().unwrap_or(0);
    let col_w: Vec<usize> = g
        .themes
        .iter()
        .enumerate()
        .map(|(c, t)| {
            let widest = (0..g.rows.len())
                .filter_map(|r| g.cell(r, c))
                .map(|cell| cell.count.to_string().len())
                .max()
                .unwrap_or(1);
            header(t).chars().count().max(widest).max(3)
        })
        .collect();
    // Split the columns into tables that fit.
    let mut chunks: Vec<std::ops::Range<usize>> = Vec::new();
    let mut start = 0;
    let mut used = label_w;
    for (c, w) in col_w.iter().enumerate() {
        if c > start && used + 2 + w > width {
            chunks.push(start..c);
            start = c;
            used = label_w;
        }
        used += 2 + w;
    }
    chunks.push(start..g.themes.len());

    for (k, chunk) in chunks.iter().enumerate() {
        if k > 0 {
            writeln!(out)?;
        }
        let mut line = format!("{:<label_w$}", by_word(g));
        for c in chunk.clone() {
            line.push_str(&format!("  {:>w$}", header(&g.themes[c]), w = col_w[c]));
        }
        out.set_color(ColorSpec::new().set_bold(true))?;
        write!(out, "{}", line.trim_end())?;
        out.reset()?;
        writeln!(out)?;
        for (r, row) in g.rows.iter().enumerate() {
            write!(out, "{:<label_w$}", cut(row, LABEL_MAX))?;
            for c in chunk.clone() {
                let w = col_w[c];
                let count = g.cell(r, c).map_or(0, |cell| cell.count);
                write!(out, "  ")?;
                if count == 0 {
                    out.set_color(ColorSpec::new().set_dimmed(true))?;
                    write!(out, "{:>w$}", "·")?;
                    out.reset()?;
                } else if color {
                    out.set_color(
                        ColorSpec::new()
                            .set_bg(Some(Color::Ansi256(shade(count, max))))
                            .set_fg(Some(Color::Black)),
                    )?;
                    write!(out, "{count:>w$}")?;
                    out.reset()?;
                } else {
                    write!(out, "{count:>w$}")?;
                }
            }
            writeln!(out)?;
        }
    }

    // The legend: every column whole, with its label.
    writeln!(out)?;
    let head_w = g
        .themes
        .iter()
        .map(|t| header(t).chars().count())
        .max()
        .unwrap_or(0);
    for t in &g.theme_details {
        out.set_color(ColorSpec::new().set_dimmed(true))?;
        write!(out, "{:<head_w$}  {}  {}", header(&t.id), t.id, t.label)?;
        out.reset()?;
        writeln!(out)?;
    }
    let scope = if g.query.is_empty() {
        String::new()
    } else {
        format!(" matching {:?}", g.query)
    };
    out.set_color(ColorSpec::new().set_dimmed(true))?;
    write!(
        out,
        "{} passage{}{scope} in {} row{}; a cell counts its row's passages tagged with the theme or a sub-theme.\n\
         Each cell's best passage and citation: --json or --csv; one theme across documents: compare --theme ID",
        g.passages,
        if g.passages == 1 { "" } else { "s" },
        g.rows.len(),
        if g.rows.len() == 1 { "" } else { "s" },
    )?;
    out.reset()?;
    writeln!(out)
}

/// The word heading the row labels.
fn by_word(g: &Grid) -> &'static str {
    g.by.as_str()
}

/// One grid cell as a CSV row: the cell, then its best passage and
/// citation (empty when the count is 0).
#[derive(Debug, Clone, Serialize)]
pub struct CellRecord {
    /// The row's key.
    pub doc: String,
    /// The column's theme.
    pub theme: String,
    /// The cell's count.
    pub count: u64,
    /// The best passage's id.
    pub id: String,
    /// Its evidence for the theme.
    pub score: Option<f32>,
    /// Its document's title.
    pub title: String,
    /// Its date.
    pub date: String,
    /// Its section headings.
    pub section: Vec<String>,
    /// Its label.
    pub label: Option<String>,
    /// Its page.
    pub page: Option<u32>,
    /// Its text.
    pub text: String,
    /// Its citation, plain.
    pub citation: String,
}

impl Tabular for CellRecord {
    fn joiner(_field: &str) -> &'static str {
        " › "
    }

    fn blank() -> Self {
        CellRecord {
            doc: String::new(),
            theme: String::new(),
            count: 0,
            id: String::new(),
            score: None,
            title: String::new(),
            date: String::new(),
            section: Vec::new(),
            label: None,
            page: None,
            text: String::new(),
            citation: String::new(),
        }
    }
}

/// The grid as CSV: one row per cell, in the JSON's order.
pub fn grid_csv(out: impl Write, g: &Grid) -> io::Result<()> {
    let records: Vec<CellRecord> = g
        .cells
        .iter()
        .map(|c| {
            let mut r = passage_fields(c.best.as_ref());
            r.doc = c.doc.clone();
            r.theme = c.theme.clone();
            r.count = c.count;
            r.citation = c.citation.clone().unwrap_or_default();
            r
        })
        .collect();
    table::csv(out, &records)
}

/// A record holding a passage's fields, the rest blank.
fn passage_fields(hit: Option<&Hit>) -> CellRecord {
    let mut r = CellRecord::blank();
    if let Some(h) = hit {
        r.id = h.id.clone();
        r.score = Some(h.score);
        r.title = h.title.clone();
        r.date = h.date.clone();
        r.section = h.section.clone();
        r.label = h.label.clone();
        r.page = h.page;
        r.text = h.text.clone();
    }
    r
}

/// One document of a comparison as a CSV row.
#[derive(Debug, Clone, Serialize)]
pub struct CompareRecord {
    /// Document id.
    pub doc: String,
    /// Its date.
    pub date: String,
    /// Its title.
    pub title: String,
    /// Its issuer.
    pub issuer: String,
    /// Its passages that match.
    pub count: u64,
    /// The best passage's id.
    pub id: String,
    /// Its score (the search's, or the theme's evidence).
    pub score: f32,
    /// Its section headings.
    pub section: Vec<String>,
    /// Its label.
    pub label: Option<String>,
    /// Its page.
    pub page: Option<u32>,
    /// Its text.
    pub text: String,
    /// Its citation, plain.
    pub citation: String,
}

impl Tabular for CompareRecord {
    fn joiner(_field: &str) -> &'static str {
        " › "
    }

    fn blank() -> Self {
        CompareRecord {
            doc: String::new(),
            date: String::new(),
            title: String::new(),
            issuer: String::new(),
            count: 0,
            id: String::new(),
            score: 0.0,
            section: Vec::new(),
            label: None,
            page: None,
            text: String::new(),
            citation: String::new(),
        }
    }
}

/// The comparison as CSV: one row per document, oldest first.
pub fn compare_csv(out: impl Write, c: &Comparison) -> io::Result<()> {
    let records: Vec<CompareRecord> = c
        .rows
        .iter()
        .map(|r| CompareRecord {
            doc: r.doc.clone(),
            date: r.date.clone(),
            title: r.title.clone(),
            issuer: r.issuer.clone(),
            count: r.count,
            id: r.best.id.clone(),
            score: r.best.score,
            section: r.best.section.clone(),
            label: r.best.label.clone(),
            page: r.best.page,
            text: r.best.text.clone(),
            citation: r.citation.clone(),
        })
        .collect();
    table::csv(out, &records)
}

/// Text safe inside a Markdown table cell: pipes escaped, line breaks as
/// spaces.
fn markdown_cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a comparison compares, in words.
fn subject(c: &Comparison) -> String {
    match (&c.query, &c.theme) {
        (q, Some(t)) if q.is_empty() => format!("theme {t}"),
        (q, Some(t)) => format!("{q:?} in theme {t}"),
        (q, None) => format!("{q:?}"),
    }
}

/// The comparison as a Markdown table: date, source, the passage quoted
/// with its citation, and how many passages of the document match.
pub fn compare_markdown(out: &mut impl Write, c: &Comparison) -> io::Result<()> {
    writeln!(out, "| Date | Source | Passage | Matches |")?;
    writeln!(out, "|---|---|---|---:|")?;
    for r in &c.rows {
        writeln!(
            out,
            "| {} | {}, *{}* | “{}” — {} | {} |",
            markdown_cell(&r.date),
            markdown_cell(&r.issuer),
            markdown_cell(&r.title),
            markdown_cell(&r.best.text),
            markdown_cell(&r.citation),
            r.count
        )?;
    }
    if !c.silent.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "No passage on {} in: {}.",
            markdown_cell(&subject(c)),
            c.silent.join(", ")
        )?;
    }
    Ok(())
}

/// The comparison for people: per document, oldest first, its best
/// passage (as `search` shows a hit) and how many more match; then the
/// documents where nothing does.
pub fn compare(out: &mut impl WriteColor, c: &Comparison) -> io::Result<()> {
    if c.rows.is_empty() {
        writeln!(out, "no document has a passage on {}", subject(c))?;
    }
    for (i, r) in c.rows.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        out.set_color(ColorSpec::new().set_bold(true))?;
        write!(out, "{}  {}", r.date, r.doc)?;
        out.reset()?;
        let more = r.count.saturating_sub(1);
        writeln!(
            out,
            "  {} passage{} match{}",
            r.count,
            if r.count == 1 { "" } else { "s" },
            if more == 0 {
                String::new()
            } else {
                format!(" ({more} more besides this one)")
            }
        )?;
        render_hit(out, &r.best)?;
    }
    if !c.silent.is_empty() {
        writeln!(out)?;
        out.set_color(ColorSpec::new().set_dimmed(true))?;
        write!(out, "nothing on {} in: {}", subject(c), c.silent.join(", "))?;
        out.reset()?;
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::ThemeMeta;
    use crate::search::{Cell, GroupBy};
    use termcolor::{Ansi, NoColor};

    fn hit(id: &str, text: &str) -> Hit {
        let mut h = <Hit as Tabular>::blank();
        h.id = id.into();
        h.doc = id.split(':').next().unwrap_or("").into();
        h.text = text.into();
        h
    }

    fn sample() -> Grid {
        let cell = |doc: &str, theme: &str, count: u64| Cell {
            doc: doc.into(),
            theme: theme.into(),
            count,
            best: (count > 0).then(|| hit(&format!("{doc}:1"), "A | text")),
            citation: (count > 0).then(|| "Cited".to_string()),
        };
        Grid {
            query: String::new(),
            by: GroupBy::Document,
            rows: vec!["a-2011".into(), "b-2014".into()],
            themes: vec!["cbm".into(), "international-law/sovereignty".into()],
            cells: vec![
                cell("a-2011", "cbm", 3),
                cell("a-2011", "international-law/sovereignty", 0),
                cell("b-2014", "cbm", 12),
                cell("b-2014", "international-law/sovereignty", 1),
            ],
            row_details: Vec::new(),
            theme_details: vec![
                ThemeMeta {
                    id: "cbm".into(),
                    label: "Confidence-building measures".into(),
                    parent: None,
                },
                ThemeMeta {
                    id: "international-law/sovereignty".into(),
                    label: "Sovereignty".into(),
                    parent: Some("international-law".into()),
                },
            ],
            passages: 20,
            took: std::time::Duration::ZERO,
        }
    }

    fn table(width: usize) -> String {
        let mut out = NoColor::new(Vec::new());
        grid(&mut out, &sample(), width).unwrap();
        String::from_utf8(out.into_inner()).unwrap()
    }

    #[test]
    fn the_table_shows_counts_without_colour() {
        let text = table(100);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "document  cbm  sovereignty");
        assert_eq!(lines[1], "a-2011      3            ·");
        assert_eq!(lines[2], "b-2014     12            1");
        assert!(text.contains("sovereignty  international-law/sovereignty  Sovereignty"));
        assert!(!text.contains('\x1b'));
    }

    #[test]
    fn themes_that_do_not_fit_go_to_a_second_table() {
        let text = table(20);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "document  cbm");
        assert_eq!(lines[3], "");
        assert_eq!(lines[4], "document  sovereignty");
        assert_eq!(lines[6], "b-2014              1");
    }

    #[test]
    fn with_colour_cells_are_shaded_by_count() {
        let mut out = Ansi::new(Vec::new());
        grid(&mut out, &sample(), 100).unwrap();
        let text = String::from_utf8(out.into_inner()).unwrap();
        // The largest count takes the darkest shade, a small one a light one.
        assert!(
            text.contains(&format!("48;5;{}m", SHADES[SHADES.len() - 1])),
            "{text:?}"
        );
        assert!(
            text.contains(&format!("48;5;{}m", shade(1, 12))),
            "{text:?}"
        );
        assert!(shade(1, 12) != shade(12, 12));
    }

    #[test]
    fn csv_has_one_row_per_cell() {
        let mut out = Vec::new();
        grid_csv(&mut out, &sample()).unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut lines = text.lines();
        assert!(lines
            .next()
            .unwrap()
            .starts_with("doc,theme,count,id,score"));
        assert_eq!(lines.count(), 4);
    }

    #[test]
    fn markdown_cells_escape_pipes_and_line_breaks() {
        assert_eq!(markdown_cell("a | b\nc"), "a \\| b c");
    }
}
