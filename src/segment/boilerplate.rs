//! Pass 2: page furniture that is not content.
//!
//! Running headers and footers, banners, the document's own title repeated
//! as a page header, bylines, tables of contents and word-less markup are
//! marked [`Role::Dropped`] with their reason, so the report can list them and
//! the nothing-lost check can account for them. Bare page numbers are marked
//! later, once the footnote pass has claimed the bare numbers that are
//! footnote markers.

use super::lines::{bare_number, Line};
use super::{DropReason, Role};
use crate::corpus::Document;
use std::collections::{HashMap, HashSet};

/// A comparison key: lower case, emphasis and heading marks removed,
/// whitespace collapsed.
pub(crate) fn key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if matches!(c, '*' | '_' | '#' | '`') {
            continue;
        }
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    }
    out.replace('’', "'")
}

/// The key with every digit run replaced by `#`: page-numbered footers
/// ("Page 3 of 40", "12 | National Strategy") share it across pages.
fn digit_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut in_digits = false;
    for c in key.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
        } else {
            in_digits = false;
            out.push(c);
        }
    }
    out
}

/// Words of a key, ignoring punctuation.
fn words(key: &str) -> impl Iterator<Item = &str> {
    key.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// Whether a line is a table-of-contents entry: dot leaders or a tab before
/// a trailing page number.
fn is_toc_entry(text: &str) -> bool {
    let t = text
        .trim_end_matches("</b>")
        .trim_end_matches(|c: char| c.is_ascii_digit() || c.is_whitespace())
        .trim_end_matches("<b>")
        .trim_end();
    if t.len() == text.len() {
        // No trailing page number.
        return false;
    }
    let t = t.trim_end_matches("</b>").trim_end();
    let dots = t.len() - t.trim_end_matches(['.', ' ', '…', '·', '_']).len();
    let leader = t.ends_with("....") || t.ends_with(". . .") || t.ends_with('…') || dots >= 6;
    leader || text.contains('\t') && t.chars().any(char::is_alphabetic)
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

/// Marks running headers, title repeats, bylines, tables of contents and
/// word-less markup as dropped.
pub(crate) fn mark(lines: &[Line], doc: &Document, roles: &mut [Role]) {
    let keys: Vec<String> = lines.iter().map(|l| key(l.text)).collect();
    let mut exact: HashMap<&str, u32> = HashMap::new();
    for (l, k) in lines.iter().zip(&keys) {
        if !l.blank {
            *exact.entry(k.as_str()).or_default() += 1;
        }
    }
    // Texts of Markdown headings: a plain line repeating one elsewhere is
    // that chapter's running header.
    let md_headings: HashSet<&str> = lines
        .iter()
        .zip(&keys)
        .filter(|(l, _)| l.text.starts_with('#'))
        .map(|(_, k)| k.trim())
        .collect();
    let titles: Vec<String> = [Some(&doc.title), doc.container.as_ref()]
        .into_iter()
        .flatten()
        .map(|t| key(t))
        .collect();
    let repeated_headers: HashSet<&str> = exact
        .iter()
        .filter(|(k, n)| **n >= 3 && is_header_like(k))
        .map(|(k, _)| *k)
        .collect();

    // Running headers and titles by their words alone, for footers that
    // add a page number to them.
    let furniture: HashSet<String> = titles
        .iter()
        .map(String::as_str)
        .chain(repeated_headers.iter().copied())
        .map(|t| {
            words(t)
                .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|t| !t.is_empty())
        .collect();
    let name_words: Vec<String> = doc
        .authors
        .iter()
        .flat_map(|a| words(&key(a)).map(str::to_owned).collect::<Vec<_>>())
        .collect();
    let first_content = lines.iter().position(|l| !l.blank).unwrap_or(0);

    for (i, (l, k)) in lines.iter().zip(&keys).enumerate() {
        if l.blank || roles[i] != Role::Content {
            continue;
        }
        if !l.text.chars().any(char::is_alphanumeric) {
            roles[i] = Role::Dropped(DropReason::Markup);
            continue;
        }
        if l.text.starts_with("![") {
            roles[i] = Role::Dropped(DropReason::Markup);
            continue;
        }
        let k = k.as_str();
        // A Markdown heading is the author's structure, however often its
        // words recur as a running header.
        if repeated_headers.contains(k) && !l.text.starts_with('#') {
            roles[i] = Role::Dropped(DropReason::RunningHeader);
            continue;
        }
        if !l.text.starts_with('#') && md_headings.contains(k) && is_header_like(k) {
            roles[i] = Role::Dropped(DropReason::RunningHeader);
            continue;
        }
        // The title on the title page is a heading; anywhere else it is a
        // page header.
        if i > first_content + 12 && titles.iter().any(|t| t == k) {
            roles[i] = Role::Dropped(DropReason::RunningHeader);
            continue;
        }
        let dk = digit_key(k);
        if dk != k && bare_number(l.text).is_none() && is_page_furniture(&dk, &furniture) {
            roles[i] = Role::Dropped(DropReason::PageNumber);
            continue;
        }
        if i < first_content + 30 && !name_words.is_empty() && is_byline(k, &name_words) {
            roles[i] = Role::Dropped(DropReason::Byline);
            continue;
        }
        if is_toc_entry(l.text) {
            roles[i] = Role::Dropped(DropReason::TableOfContents);
        }
    }
    mark_toc_regions(lines, &keys, roles);
}

/// Whether a repeated line looks like page furniture rather than a repeated
/// phrase of the text: short, several words, not a list item or a lead-in.
fn is_header_like(key: &str) -> bool {
    let n = words(key).count();
    (2..=16).contains(&n)
        && key.len() <= 120
        && !key.ends_with(':')
        && !key.starts_with(['-', '•', '*', '–'])
}

/// A digit-bearing line whose words are only page-number words or a known
/// running header: "Page 3 of 40", "- 12 -", "12 | National Strategy".
fn is_page_furniture(digit_key: &str, furniture: &HashSet<String>) -> bool {
    let rest: Vec<&str> = words(digit_key).filter(|w| *w != "#").collect();
    if rest.is_empty() {
        // Digits and a little punctuation, e.g. "- 12 -" or "12/40".
        return digit_key.chars().count() <= 8 && digit_key.matches('#').count() <= 2;
    }
    let page_words = [
        "page",
        "p",
        "pg",
        "of",
        "de",
        "página",
        "pagina",
        "стр",
        "страница",
        "σελίδα",
        "lpp",
        "lappuse",
    ];
    if rest.iter().all(|w| page_words.contains(w)) {
        return true;
    }
    furniture.contains(rest.join(" ").as_str())
}

/// Whether the line lists only the authors' names.
fn is_byline(key: &str, name_words: &[String]) -> bool {
    let ws: Vec<&str> = words(key).collect();
    !ws.is_empty()
        && ws
            .iter()
            .all(|w| matches!(*w, "and" | "et" | "y" | "by") || name_words.iter().any(|n| n == w))
        && ws.iter().any(|w| name_words.iter().any(|n| n == w))
}

/// Marks a table-of-contents heading and the lines between its entries.
fn mark_toc_regions(lines: &[Line], keys: &[String], roles: &mut [Role]) {
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
                if *r == Role::Content {
                    *r = Role::Dropped(DropReason::TableOfContents);
                }
            }
        }
    }
    // The heading above the first entry.
    let first = entries[0];
    for j in (first.saturating_sub(4)..first).rev() {
        if roles[j] == Role::Content && TOC_TITLES.contains(&keys[j].trim()) {
            roles[j] = Role::Dropped(DropReason::TableOfContents);
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
    }

    #[test]
    fn keys_and_furniture() {
        assert_eq!(
            key("**PRE-RELEASE - NOT FOR  DISTRIBUTION**"),
            "pre-release - not for distribution"
        );
        let furniture: HashSet<String> = ["national cyber security strategy".to_string()].into();
        assert!(is_page_furniture(
            &digit_key(&key("Page 3 of 40")),
            &furniture
        ));
        assert!(is_page_furniture(
            &digit_key(&key("12 | National Cyber Security Strategy")),
            &furniture
        ));
        assert!(!is_page_furniture(
            &digit_key(&key("Strategic Objective 1")),
            &furniture
        ));
    }

    #[test]
    fn bylines() {
        let names: Vec<String> = ["anna", "maria", "osula", "henry", "rõigas"]
            .map(String::from)
            .into();
        assert!(is_byline(&key("Anna-Maria Osula and Henry Rõigas"), &names));
        assert!(!is_byline(
            &key("Henry Rõigas argues that norms matter"),
            &names
        ));
    }
}
