//! Lineage of agreed wording for a person: a formulation's versions as a
//! timeline with word diffs (`trace`), clusters of shared wording
//! (`reuse`), passages like one (`similar`); and the clusters as CSV rows.
//!
//! A word diff is written as git's word diff writes it: removed words
//! red, added words green when the writer colours; without colour,
//! `[-removed-]` and `{+added+}` (a replacement is both, side by side).

use std::io::{self, Write};

use serde::Serialize;
use termcolor::{Color, ColorSpec, WriteColor};

use super::table::Tabular;
use crate::lineage::{Lineage, Similar, Tier};
use crate::reuse::{Cluster, Edit, EditKind};

/// Characters of context shown either side of an aligned span.
const CONTEXT_CHARS: usize = 120;
/// Characters of a cluster's span shown in its heading.
const SPAN_CHARS: usize = 300;

fn dim() -> ColorSpec {
    let mut c = ColorSpec::new();
    c.set_dimmed(true);
    c
}

fn bold() -> ColorSpec {
    let mut c = ColorSpec::new();
    c.set_bold(true);
    c
}

/// `text` cut to `max` characters at a word boundary, with `…`.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let at = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end())
}

/// The passage with its aligned span marked (bold yellow, or `»…«`
/// without colour), cut to some context either side.
fn write_span(out: &mut impl WriteColor, text: &str, span: [usize; 2]) -> io::Result<()> {
    let chars: Vec<char> = text.chars().collect();
    let (a, b) = (span[0].min(chars.len()), span[1].min(chars.len()));
    // Context cut at a word boundary, never inside a word.
    let mut from = a.saturating_sub(CONTEXT_CHARS);
    while from > 0 && from < a && !chars[from - 1].is_whitespace() {
        from += 1;
    }
    let mut to = (b + CONTEXT_CHARS).min(chars.len());
    while to < chars.len() && to > b && !chars[to].is_whitespace() {
        to -= 1;
    }
    let piece = |x: usize, y: usize| chars[x..y].iter().collect::<String>();
    write!(out, "   ")?;
    if from > 0 {
        write!(out, "…")?;
    }
    write!(out, "{}", piece(from, a))?;
    if out.supports_color() {
        let mut mark = ColorSpec::new();
        mark.set_fg(Some(Color::Yellow)).set_bold(true);
        out.set_color(&mark)?;
        write!(out, "{}", piece(a, b))?;
        out.reset()?;
    } else {
        write!(out, "»{}«", piece(a, b))?;
    }
    write!(out, "{}", piece(b, to))?;
    if to < chars.len() {
        write!(out, "…")?;
    }
    writeln!(out)
}

/// A word diff, git-style (see the module's documentation).
pub fn write_diff(out: &mut impl WriteColor, edits: &[Edit]) -> io::Result<()> {
    let colour = out.supports_color();
    let mut removed = ColorSpec::new();
    removed.set_fg(Some(Color::Red)).set_bold(true);
    let mut added = ColorSpec::new();
    added.set_fg(Some(Color::Green)).set_bold(true);
    let mut first = true;
    let gone = |out: &mut dyn WriteColor, text: &str| -> io::Result<()> {
        if colour {
            out.set_color(&removed)?;
            write!(out, "{text}")?;
            out.reset()
        } else {
            write!(out, "[-{text}-]")
        }
    };
    let new = |out: &mut dyn WriteColor, text: &str| -> io::Result<()> {
        if colour {
            out.set_color(&added)?;
            write!(out, "{text}")?;
            out.reset()
        } else {
            write!(out, "{{+{text}+}}")
        }
    };
    for e in edits {
        if !first {
            write!(out, " ")?;
        }
        first = false;
        match e.kind {
            EditKind::Same => write!(out, "{}", e.later_text)?,
            EditKind::Removed => gone(out, &e.earlier_text)?,
            EditKind::Added => new(out, &e.later_text)?,
            EditKind::Replaced => {
                gone(out, &e.earlier_text)?;
                new(out, &e.later_text)?;
            }
        }
    }
    writeln!(out)
}

/// Counts of the changed runs, for the heading of a diff.
fn change_counts(edits: &[Edit]) -> String {
    let count = |k: EditKind| edits.iter().filter(|e| e.kind == k).count();
    let (r, a, d) = (
        count(EditKind::Replaced),
        count(EditKind::Added),
        count(EditKind::Removed),
    );
    if r + a + d == 0 {
        return "no word changed".into();
    }
    let mut parts = Vec::new();
    for (n, what) in [(r, "replaced"), (a, "added"), (d, "removed")] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    parts.join(", ")
}

/// A lineage as `trace` prints it: a heading, then each version, earliest
/// first, with its citation, its span in context and its word diff
/// against the closest earlier version.
pub fn render_lineage(out: &mut impl WriteColor, l: &Lineage) -> io::Result<()> {
    let what = match &l.query_id {
        Some(id) => id.clone(),
        None => format!("\"{}\"", shorten(&l.query, 80)),
    };
    let others = l.entries.iter().filter(|e| !e.entry.is_query).count();
    let stock = |out: &mut dyn WriteColor| -> io::Result<()> {
        if l.stock_shingles > 0 {
            out.set_color(&dim())?;
            writeln!(
                out,
                "   ({} of its {} five-word runs are stock phrases, held by more than {} passages, and were not traced)",
                l.stock_shingles,
                l.shingles,
                crate::reuse::DEFAULT_MAX_POSTINGS
            )?;
            out.reset()?;
        }
        Ok(())
    };
    if others == 0 {
        writeln!(
            out,
            "No other passage shares {} or more words with {what}.",
            l.min_words
        )?;
        return stock(out);
    }
    let documents = {
        let mut d: Vec<&str> = l.entries.iter().map(|e| e.entry.doc.as_str()).collect();
        d.sort_unstable();
        d.dedup();
        d.len()
    };
    out.set_color(&bold())?;
    write!(out, "Lineage of {what}")?;
    out.reset()?;
    writeln!(
        out,
        ": {} versions in {documents} documents, earliest first (at least {} shared words)",
        l.entries.len(),
        l.min_words
    )?;
    if l.truncated {
        out.set_color(&dim())?;
        writeln!(
            out,
            "   (the {} passages sharing the rarest wording were aligned; later versions may be missing)",
            l.aligned
        )?;
        out.reset()?;
    }
    stock(out)?;
    for (i, e) in l.entries.iter().enumerate() {
        let t = &e.entry;
        writeln!(out)?;
        write!(out, "{}. ", i + 1)?;
        out.set_color(&bold())?;
        write!(out, "{}", t.id)?;
        out.reset()?;
        write!(out, "  {}", t.date)?;
        if t.is_query {
            writeln!(out, "  (traced)")?;
        } else {
            writeln!(
                out,
                "  {} words matched, similarity {:.2}",
                t.matched_words, t.similarity
            )?;
        }
        out.set_color(&dim())?;
        writeln!(out, "   {}", e.citation.render(crate::cite::Format::Plain))?;
        out.reset()?;
        write_span(out, &e.passage_text, t.span)?;
        match &t.earlier {
            None => {
                out.set_color(&dim())?;
                writeln!(out, "   first appearance")?;
                out.reset()?;
            }
            Some(earlier) => {
                out.set_color(&dim())?;
                writeln!(
                    out,
                    "   against {} ({}), similarity {:.2}: {}",
                    earlier.id,
                    earlier.date,
                    earlier.similarity,
                    change_counts(&earlier.edits)
                )?;
                out.reset()?;
                write!(out, "   ")?;
                write_diff(out, &earlier.edits)?;
            }
        }
    }
    Ok(())
}

/// Clusters as `reuse` prints them: widest-travelled first, each with its
/// span as the earliest source writes it and its members by date.
pub fn render_clusters(out: &mut impl WriteColor, clusters: &[Cluster]) -> io::Result<()> {
    if clusters.is_empty() {
        return writeln!(out, "No wording shared between documents.");
    }
    for (i, c) in clusters.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        write!(out, "{}. ", i + 1)?;
        out.set_color(&bold())?;
        write!(out, "{} documents", c.documents)?;
        out.reset()?;
        writeln!(
            out,
            ", {} passages, {} → {}; earliest {}",
            c.passages, c.first_date, c.last_date, c.earliest
        )?;
        writeln!(out, "   \"{}\"", shorten(&c.text, SPAN_CHARS))?;
        out.set_color(&dim())?;
        let members: Vec<String> = c
            .members
            .iter()
            .map(|m| format!("{} {}", m.date, m.id))
            .collect();
        writeln!(out, "   {}", members.join(" · "))?;
        out.reset()?;
    }
    Ok(())
}

/// Passages like one, as `similar` prints them: shared wording, then
/// shared rare terms.
pub fn render_similar(out: &mut impl WriteColor, s: &Similar) -> io::Result<()> {
    if s.passages.is_empty() {
        return writeln!(out, "No passage of another document is like {}.", s.id);
    }
    let mut tier = None;
    for (i, p) in s.passages.iter().enumerate() {
        if tier != Some(p.tier) {
            tier = Some(p.tier);
            if i > 0 {
                writeln!(out)?;
            }
            out.set_color(&bold())?;
            match p.tier {
                Tier::Wording => writeln!(out, "Sharing wording with {}:", s.id)?,
                Tier::Terms => writeln!(
                    out,
                    "Sharing rare terms with {} ({}):",
                    s.id,
                    s.rare_terms.join(", ")
                )?,
            }
            out.reset()?;
        }
        write!(out, "{}. ", i + 1)?;
        out.set_color(&bold())?;
        write!(out, "{}", p.id)?;
        out.reset()?;
        match p.tier {
            Tier::Wording => writeln!(
                out,
                "  {}  {} words matched, similarity {:.2}",
                p.date, p.matched_words, p.score
            )?,
            Tier::Terms => writeln!(out, "  {}  shares {}", p.date, p.shared_terms.join(", "))?,
        }
        out.set_color(&dim())?;
        writeln!(out, "   {}", p.citation.render(crate::cite::Format::Plain))?;
        out.reset()?;
        writeln!(out, "   {}", shorten(&p.text, SPAN_CHARS))?;
    }
    Ok(())
}

/// One member of a cluster as a CSV row, with its cluster's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterRow {
    /// The cluster's number, widest-travelled first (from 1).
    pub cluster: usize,
    /// The cluster's documents.
    pub documents: usize,
    /// The cluster's passages.
    pub passages: usize,
    /// The cluster's earliest source.
    pub earliest: String,
    /// The member's passage id.
    pub id: String,
    /// Its document.
    pub doc: String,
    /// Its document's date.
    pub date: String,
    /// `[start, end)` of the span in characters of its text.
    pub span: [usize; 2],
    /// The span as written.
    pub text: String,
}

impl Tabular for ClusterRow {
    const SPLIT: &'static [(&'static str, [&'static str; 2])] =
        &[("span", ["span_start", "span_end"])];

    fn blank() -> ClusterRow {
        ClusterRow {
            cluster: 0,
            documents: 0,
            passages: 0,
            earliest: String::new(),
            id: String::new(),
            doc: String::new(),
            date: String::new(),
            span: [0, 0],
            text: String::new(),
        }
    }
}

/// Every member of every cluster as a row.
pub fn cluster_rows(clusters: &[Cluster]) -> Vec<ClusterRow> {
    clusters
        .iter()
        .enumerate()
        .flat_map(|(i, c)| {
            c.members.iter().map(move |m| ClusterRow {
                cluster: i + 1,
                documents: c.documents,
                passages: c.passages,
                earliest: c.earliest.clone(),
                id: m.id.clone(),
                doc: m.doc.clone(),
                date: m.date.to_string(),
                span: m.span,
                text: m.text.clone(),
            })
        })
        .collect()
}

/// Writes `rows` as CSV (see [`super::table::csv`]).
pub fn clusters_csv(out: impl Write, clusters: &[Cluster]) -> io::Result<()> {
    super::table::csv(out, &cluster_rows(clusters))
}

#[cfg(test)]
mod tests {
    use super::*;
    use termcolor::{Ansi, NoColor};

    fn edit(kind: EditKind, earlier: &str, later: &str) -> Edit {
        Edit {
            kind,
            earlier: [0, 0],
            later: [0, 0],
            earlier_text: earlier.into(),
            later_text: later.into(),
        }
    }

    fn edits() -> Vec<Edit> {
        vec![
            edit(
                EditKind::Same,
                "Cybersecurity cannot be",
                "Cybersecurity cannot be",
            ),
            edit(EditKind::Replaced, "achieved", "ensured"),
            edit(EditKind::Same, "by any one", "by any one"),
            edit(EditKind::Removed, "nation", ""),
            edit(EditKind::Added, "", "State"),
            edit(EditKind::Same, "alone", "alone"),
        ]
    }

    #[test]
    fn word_diff_without_colour_is_gits() {
        let mut out = NoColor::new(Vec::new());
        write_diff(&mut out, &edits()).unwrap();
        assert_eq!(
            String::from_utf8(out.into_inner()).unwrap(),
            "Cybersecurity cannot be [-achieved-]{+ensured+} by any one [-nation-] {+State+} alone\n"
        );
        assert_eq!(change_counts(&edits()), "1 replaced, 1 added, 1 removed");
    }

    #[test]
    fn word_diff_in_colour_marks_without_brackets() {
        let mut out = Ansi::new(Vec::new());
        write_diff(&mut out, &edits()).unwrap();
        let text = String::from_utf8(out.into_inner()).unwrap();
        assert!(!text.contains("[-") && !text.contains("{+"));
        assert!(text.contains("\x1b[0m\x1b[1m\x1b[31machieved") || text.contains("31m"));
        assert!(text.contains("32m"));
    }

    #[test]
    fn shorten_cuts_at_a_word() {
        assert_eq!(shorten("one two three", 20), "one two three");
        assert_eq!(shorten("one two three", 9), "one two…");
    }
}
