//! What looks wrong in a segmentation, for a librarian to check.
//!
//! Input: the finished [`Segmentation`] and the lines' roles. Output: one
//! line per problem, naming the source lines to look at. Nothing is
//! changed: a warning says where the evidence was thin — long lines
//! dropped as page furniture, a text that plainly has notes but gave no
//! footnote, one section holding much of a document, printed page numbers
//! that do not increase.

use super::lines::{bare_number, Line};
use super::{DropReason, PassageKind, Role, Segmentation};

/// Dropped furniture longer than this many words is more likely text.
const LONG_DROPPED_WORDS: usize = 16;

/// The warnings for one document.
pub(crate) fn check(
    seg: &Segmentation,
    lines: &[Line],
    roles: &[Role],
    printed: &[(usize, u32)],
) -> Vec<String> {
    let mut out = Vec::new();
    long_lines_dropped(seg, &mut out);
    notes_not_found(seg, lines, roles, &mut out);
    wide_section(seg, &mut out);
    pages_out_of_order(seg, lines, roles, printed, &mut out);
    out
}

fn long_lines_dropped(seg: &Segmentation, out: &mut Vec<String>) {
    let long: Vec<_> = seg
        .dropped
        .iter()
        .filter(|d| {
            matches!(
                d.reason,
                DropReason::RunningHeader
                    | DropReason::PageNumber
                    | DropReason::TableOfContents
                    | DropReason::Navigation
                    | DropReason::Byline
            ) && d.text.split_whitespace().count() > LONG_DROPPED_WORDS
        })
        .collect();
    if let Some(first) = long.first() {
        out.push(format!(
            "{} long line{} dropped as page furniture (first: line {}, {}); check them with --dropped",
            long.len(),
            if long.len() == 1 { "" } else { "s" },
            first.line,
            first.reason.as_str()
        ));
    }
}

/// Lines that look like notes: a number (or a superscript mark) and text,
/// standing at a page foot, or marked up as notes.
fn notes_not_found(seg: &Segmentation, lines: &[Line], roles: &[Role], out: &mut Vec<String>) {
    if seg.passages.iter().any(|p| p.kind == PassageKind::Footnote) {
        return;
    }
    let foot = |i: usize| {
        (i + 1..(i + 5).min(lines.len())).any(|j| {
            matches!(
                roles[j],
                Role::Dropped(DropReason::PageNumber | DropReason::RunningHeader)
            )
        })
    };
    let note_like: Vec<usize> = (0..lines.len())
        .filter(|&i| roles[i] == Role::Content)
        .filter(|&i| {
            let t = lines[i].text;
            if t.starts_with("<sup>") || t.starts_with("[^") || t.starts_with(['¹', '²', '³']) {
                return true;
            }
            let digits = t.bytes().take_while(u8::is_ascii_digit).count();
            (1..=3).contains(&digits)
                && t[digits..].starts_with(' ')
                && t[digits..].trim_start().starts_with(char::is_uppercase)
                && bare_number(t).is_none()
                && foot(i)
        })
        .collect();
    if note_like.len() >= 3 {
        out.push(format!(
            "{} lines look like footnotes (first: line {}) but no footnote was found",
            note_like.len(),
            lines[note_like[0]].no
        ));
    }
}

/// One section (the innermost heading) holding a third or more of a
/// document's passages, where the document has headings enough to do
/// better: a heading taken from a fragment, or a running title.
fn wide_section(seg: &Segmentation, out: &mut Vec<String>) {
    let passages: Vec<_> = seg
        .passages
        .iter()
        .filter(|p| p.kind != PassageKind::Footnote)
        .collect();
    if passages.len() < 30 || seg.headings.len() < 5 {
        return;
    }
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for p in &passages {
        let Some(s) = p.section.last() else { continue };
        match counts.iter_mut().find(|(t, _)| *t == s.as_str()) {
            Some((_, n)) => *n += 1,
            None => counts.push((s.as_str(), 1)),
        }
    }
    if let Some((s, n)) = counts.iter().max_by_key(|(_, n)| *n) {
        if n * 3 >= passages.len() {
            out.push(format!(
                "section “{s}” holds {n} of {} passages; check its heading",
                passages.len()
            ));
        }
    }
}

/// Printed page numbers that go back more than now and then.
fn pages_out_of_order(
    seg: &Segmentation,
    lines: &[Line],
    roles: &[Role],
    printed: &[(usize, u32)],
    out: &mut Vec<String>,
) {
    let _ = seg;
    let mut all: Vec<(usize, u32)> = printed.to_vec();
    for (i, (l, r)) in lines.iter().zip(roles).enumerate() {
        if *r == Role::Dropped(DropReason::PageNumber) {
            if let Some(n) = bare_number(l.text) {
                all.push((i, n));
            }
        }
    }
    all.sort_unstable();
    all.dedup_by_key(|p| p.0);
    let back: Vec<(usize, u32, u32)> = all
        .windows(2)
        .filter(|w| w[1].1 < w[0].1)
        .map(|w| (w[1].0, w[0].1, w[1].1))
        .collect();
    if back.len() >= 2 && back.len() * 5 > all.len() {
        let (i, before, after) = back[0];
        out.push(format!(
            "page numbers do not increase ({} times; first: p. {after} after p. {before} at line {})",
            back.len(),
            lines[i].no
        ));
    }
}
