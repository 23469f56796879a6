//! Rendering: every record the library answers with, for people and for
//! programs, written to any writer.
//!
//! For people: a terminal's text, coloured through any
//! [`termcolor::WriteColor`] (a `termcolor::NoColor` or a
//! `termcolor::Buffer` for none; whether to colour is the front end's
//! choice, never made here). For programs: JSON, JSON Lines and CSV from
//! the records' own serde types ([`table`]), so a field is named once.
//! Tests assert exact output through a `Vec<u8>`.

pub mod export;
pub mod grid;
mod hits;
pub mod lineage;
pub mod lists;
pub mod stats;
pub mod table;
pub mod themes;

pub use hits::{
    render, render_context, render_context_laid_out, render_hit, render_hit_laid_out,
    render_laid_out, Layout,
};

use crate::search::Hit;
use crate::segment::Passage;
use std::io::{self, Write};

impl table::Tabular for Hit {
    // Offsets into `text` mean nothing in a spreadsheet.
    const SKIP: &'static [&'static str] = &["highlights", "phrase"];
    const SPLIT: &'static [(&'static str, [&'static str; 2])] =
        &[("lines", ["line_from", "line_to"])];

    fn joiner(field: &str) -> &'static str {
        // Headings may hold semicolons; theme ids never do.
        if field == "section" {
            " › "
        } else {
            ";"
        }
    }

    fn blank() -> Hit {
        Hit {
            rank: 0,
            id: String::new(),
            doc: String::new(),
            title: String::new(),
            issuer: String::new(),
            date: String::new(),
            language: String::new(),
            section: Vec::new(),
            label: None,
            page: None,
            n: 0,
            lines: [0, 0],
            kind: crate::segment::PassageKind::Body,
            anchor: String::new(),
            themes: Vec::new(),
            score: 0.0,
            text: String::new(),
            highlights: Vec::new(),
            phrase: None,
        }
    }
}

/// One passage as a JSON Lines record.
pub fn passage_json(out: &mut impl Write, p: &Passage) -> io::Result<()> {
    table::json(out, p)
}

/// One passage for a person: id, kind, label, page, lines, section, then the
/// text.
pub fn passage_human(out: &mut impl Write, p: &Passage) -> io::Result<()> {
    let mut head = format!("{}:{}  {}", p.doc, p.n, p.kind.as_str());
    if let Some(l) = &p.label {
        head.push_str(&format!("  ¶ {l}"));
    }
    if let Some(pg) = p.page {
        head.push_str(&format!("  p. {pg}"));
    }
    head.push_str(&format!("  lines {}–{}", p.lines[0], p.lines[1]));
    writeln!(out, "{head}")?;
    if !p.section.is_empty() {
        writeln!(out, "  § {}", p.section.join(" › "))?;
    }
    if !p.themes.is_empty() {
        writeln!(out, "  themes: {}", p.themes.join(", "))?;
    }
    writeln!(out, "  {}\n", p.text)
}
