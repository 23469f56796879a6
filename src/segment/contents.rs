//! Tables of contents: their titles, their entries and the lines between.
//!
//! Input: lines with their keys and the roles the furniture pass gave them.
//! Output: entries (dot leaders, a tab before a trailing page number,
//! contents run together on one line) and the title above them marked
//! [`Role::Dropped`] as a table of contents. Refused: fewer than three
//! entries (two dotted lines are no table), and a line whose numbers are
//! the text's own ("adopted a set of 11").

use super::keys::{key, Keys};
use super::lines::Line;
use super::{DropReason, Role};

/// Whether a line is a table-of-contents entry: dot leaders or a tab before
/// a trailing page number.
pub(crate) fn is_toc_entry(text: &str) -> bool {
    // Without a trailing number or tag there is nothing to look at; most
    // lines stop here.
    if !text.ends_with(|c: char| c.is_ascii_digit() || c == '>') {
        return has_inner_leader(text);
    }
    let t = trim_end_all(text, "</b>")
        .trim_end_matches(|c: char| c.is_ascii_digit() || c.is_whitespace());
    let t = trim_end_all(t, "<b>").trim_end();
    if t.len() == text.len() {
        // No trailing page number.
        return false;
    }
    let t = trim_end_all(t, "</b>").trim_end();
    let dots = t.len() - t.trim_end_matches(['.', ' ', '…', '·', '_']).len();
    let leader = t.ends_with("....") || t.ends_with(". . .") || t.ends_with('…') || dots >= 6;
    leader || text.contains('\t') && t.chars().any(char::is_alphabetic)
}

/// Whether a dot leader runs into a page number inside the line: contents
/// extracted without their line breaks ("…… 1 Introduction …… 3 Cyber
/// trends").
fn has_inner_leader(text: &str) -> bool {
    const LEADER: usize = 8;
    let bytes = text.as_bytes();
    // Eight dots in a row cover a position that is one less than a multiple
    // of eight: only those need looking at to find where a leader may be.
    let mut probe = LEADER - 1;
    while probe < bytes.len() {
        if bytes[probe] != b'.' {
            probe += LEADER;
            continue;
        }
        let start = bytes[..probe]
            .iter()
            .rposition(|&b| b != b'.')
            .map_or(0, |p| p + 1);
        let end = bytes[probe..]
            .iter()
            .position(|&b| b != b'.')
            .map_or(bytes.len(), |p| probe + p);
        if end - start >= LEADER {
            let after = text[end..].trim_start_matches(['.', ' ', '\t']);
            if after.starts_with(|c: char| c.is_ascii_digit()) {
                return true;
            }
        }
        probe = end + LEADER - 1;
    }
    false
}

/// `text.trim_end_matches(suffix)`, without the cost of setting up a
/// substring searcher for each line.
fn trim_end_all<'a>(mut text: &'a str, suffix: &str) -> &'a str {
    while let Some(t) = text.strip_suffix(suffix) {
        text = t;
    }
    text
}

/// Whether a line announces a table of contents.
pub(crate) fn is_toc_title(text: &str) -> bool {
    text.len() <= 40 && TOC_TITLES.contains(&key(text).trim_end_matches(':'))
}

/// Headings that announce a table of contents, in the corpus languages.
const TOC_TITLES: &[&str] = &[
    "table of contents",
    "contents",
    "content",
    "table des matières",
    "sommaire",
    "índice",
    "indice",
    "contenido",
    "tabla de contenido",
    "содержание",
    "оглавление",
    "περιεχόμενα",
    "saturs",
];

/// Marks a table-of-contents heading and the lines between its entries.
pub(crate) fn mark_toc_regions(lines: &[Line], keys: &Keys, roles: &mut [Role]) {
    let is_toc = |r: &Role| *r == Role::Dropped(DropReason::TableOfContents);
    let entries: Vec<usize> = (0..lines.len()).filter(|&i| is_toc(&roles[i])).collect();
    if entries.len() < 3 {
        // Two dotted lines are no table; give them back.
        for i in entries {
            roles[i] = Role::Content;
        }
        return;
    }
    // Fill short gaps between entries (wrapped entries, part titles).
    for w in entries.windows(2) {
        let (a, b) = (w[0], w[1]);
        if b - a <= 4 {
            for r in &mut roles[a + 1..b] {
                // A section number alone on its line looks like a page
                // number; inside a table of contents it is the entry's.
                if matches!(*r, Role::Content | Role::Dropped(DropReason::PageNumber)) {
                    *r = Role::Dropped(DropReason::TableOfContents);
                }
            }
        }
    }
    // The heading above the first entry.
    let first = entries[0];
    for j in (first.saturating_sub(4)..first).rev() {
        if roles[j] == Role::Content && TOC_TITLES.contains(&keys.get(j)) {
            // With what stands between it and the first entry (the
            // entry's number).
            for r in &mut roles[j..first] {
                if matches!(*r, Role::Content | Role::Dropped(DropReason::PageNumber)) {
                    *r = Role::Dropped(DropReason::TableOfContents);
                }
            }
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toc_entries() {
        assert!(is_toc_entry("Strategic Approach. . . . .\t4"));
        assert!(is_toc_entry(
            "<b>I. Building Cyberspace Policy . . . . .</b>\t<b>3</b>"
        ));
        assert!(is_toc_entry("Introduction ........................ 12"));
        assert!(!is_toc_entry("adopted a set of 11"));
        assert!(!is_toc_entry("in 2011 and again in 2015.35"));
        assert!(is_toc_entry(
            "........................ 1 Introduction ................ 3 Cyber trends"
        ));
        assert!(!is_toc_entry("and so on........ and on"));
        assert!(is_toc_entry(".........1 Introduction"));
        assert!(is_toc_entry("Intro ....... . ........ 12 Next"));
        assert!(!is_toc_entry("seven ....... 3 dots"));
    }
}
