//! Rendering for people and programs. Everything here writes to a generic
//! writer, so tests can assert exact output through a `Vec<u8>`.

mod hits;

pub use hits::{color_choice, render, render_context, render_hit};

use crate::segment::Passage;
use std::io::{self, Write};

/// One passage as a JSON Lines record.
pub fn passage_json(out: &mut impl Write, p: &Passage) -> io::Result<()> {
    serde_json::to_writer(&mut *out, p)?;
    out.write_all(b"\n")
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

/// A message for an unknown id that lists the valid ones.
pub fn unknown_id(what: &str, id: &str, valid: &[&str]) -> String {
    format!("unknown {what} {id:?}; valid ids: {}", valid.join(", "))
}
