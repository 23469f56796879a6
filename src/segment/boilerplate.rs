//! Pass 2: page furniture that is not content.
//!
//! Running headers and footers, banners, the document's own title repeated
//! as a page header, bylines, tables of contents and word-less markup are
//! marked [`Role::Dropped`] with their reason, so the report can list them and
//! the nothing-lost check can account for them. Bare page numbers are marked
//! later, once the footnote pass has claimed the bare numbers that are
//! footnote markers.

use super::lines::{bare_number, is_alnum, push_lower, Line};
use super::{DropReason, Role};
use super::{FastMap, FastSet};
use crate::corpus::Document;

/// A comparison key: lower case, emphasis and heading marks removed,
/// whitespace collapsed.
pub(crate) fn key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_key(text, &mut out);
    out
}

const KEEP: u8 = 0;
const SKIP: u8 = 1;
const SPACE: u8 = 2;

/// What [`key`] does with each ASCII byte: emphasis and heading marks are
/// skipped, whitespace collapses.
const KEY_CLASS: [u8; 128] = {
    let mut t = [KEEP; 128];
    t[b'*' as usize] = SKIP;
    t[b'_' as usize] = SKIP;
    t[b'#' as usize] = SKIP;
    t[b'`' as usize] = SKIP;
    let mut b = 0x09;
    while b <= 0x0d {
        t[b] = SPACE;
        b += 1;
    }
    t[b' ' as usize] = SPACE;
    t
};

/// Appends the [`key`] of `text` to `out`.
fn push_key(text: &str, out: &mut String) {
    let start = out.len();
    let mut space = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Runs of kept ASCII bytes are copied and lower-cased at once.
        let run = i;
        let kept = |i: usize| {
            bytes
                .get(i)
                .is_some_and(|&b| b < 0x80 && KEY_CLASS[usize::from(b)] == KEEP)
        };
        loop {
            while kept(i) {
                i += 1;
            }
            // One space between kept bytes is what the key has there: the
            // run goes on through it.
            if i > run && bytes.get(i) == Some(&b' ') && kept(i + 1) {
                i += 2;
                continue;
            }
            break;
        }
        if i > run {
            if space {
                out.push(' ');
                space = false;
            }
            let at = out.len();
            out.push_str(&text[run..i]);
            out[at..].make_ascii_lowercase();
        }
        let Some(&b) = bytes.get(i) else { break };
        if b < 0x80 {
            if KEY_CLASS[usize::from(b)] == SPACE {
                space = out.len() > start;
            }
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if c.is_whitespace() {
            space = out.len() > start;
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if c == '’' {
            out.push('\'');
        } else {
            push_lower(c, out);
        }
    }
}

/// The keys of all lines of a document, in one buffer: a string per line
/// would be an allocation per line.
struct Keys {
    buf: String,
    ends: Vec<usize>,
}

impl Keys {
    fn of(lines: &[Line]) -> Keys {
        let mut buf = String::with_capacity(lines.iter().map(|l| l.text.len()).sum());
        let ends = lines
            .iter()
            .map(|l| {
                push_key(l.text, &mut buf);
                buf.len()
            })
            .collect();
        Keys { buf, ends }
    }

    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.buf[start..self.ends[i]]
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).map(|i| self.get(i))
    }
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
    key.split(|c: char| !is_alnum(c)).filter(|w| !w.is_empty())
}

/// Whether a line is a table-of-contents entry: dot leaders or a tab before
/// a trailing page number.
fn is_toc_entry(text: &str) -> bool {
    // Without a trailing number or tag there is nothing to look at; most
    // lines stop here.
    if !text.ends_with(|c: char| c.is_ascii_digit() || c == '>') {
        return false;
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

/// `text.trim_end_matches(suffix)`, without the cost of setting up a
/// substring searcher for each line.
fn trim_end_all<'a>(mut text: &'a str, suffix: &str) -> &'a str {
    while let Some(t) = text.strip_suffix(suffix) {
        text = t;
    }
    text
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
    let keys = Keys::of(lines);
    // One id per distinct key, so that each line is hashed once and the
    // later tests are array lookups.
    let mut ids_of: FastMap<&str, u32> =
        FastMap::with_capacity_and_hasher(lines.len(), Default::default());
    let ids: Vec<u32> = keys
        .iter()
        .map(|k| {
            let next = ids_of.len() as u32;
            *ids_of.entry(k).or_insert(next)
        })
        .collect();
    let mut count = vec![0u32; ids_of.len()];
    for (l, &id) in lines.iter().zip(&ids) {
        if !l.blank {
            count[id as usize] += 1;
        }
    }
    // Texts of Markdown headings: a plain line repeating one elsewhere is
    // that chapter's running header.
    let mut md_heading = vec![false; ids_of.len()];
    for (l, &id) in lines.iter().zip(&ids) {
        if l.text.starts_with('#') {
            md_heading[id as usize] = true;
        }
    }
    let titles: Vec<String> = [Some(&doc.title), doc.container.as_ref()]
        .into_iter()
        .flatten()
        .map(|t| key(t))
        .collect();
    let title_ids: Vec<u32> = titles
        .iter()
        .filter_map(|t| ids_of.get(t.as_str()).copied())
        .collect();
    let mut repeated = vec![false; ids_of.len()];
    let mut repeated_headers: Vec<&str> = Vec::new();
    for (k, &id) in &ids_of {
        if count[id as usize] >= 3 && is_header_like(k) {
            repeated[id as usize] = true;
            repeated_headers.push(k);
        }
    }

    // Running headers and titles by their words alone, for footers that
    // add a page number to them.
    let texts: FastSet<String> = titles
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
    let furniture = Furniture {
        max_words: texts
            .iter()
            .map(|t| t.split(' ').count())
            .max()
            .unwrap_or(0),
        texts,
    };
    let name_words: Vec<String> = doc
        .authors
        .iter()
        .flat_map(|a| words(&key(a)).map(str::to_owned).collect::<Vec<_>>())
        .collect();
    let first_content = lines.iter().position(|l| !l.blank).unwrap_or(0);

    for (i, (l, k)) in lines.iter().zip(keys.iter()).enumerate() {
        if l.blank || roles[i] != Role::Content {
            continue;
        }
        if !l.text.chars().any(is_alnum) {
            roles[i] = Role::Dropped(DropReason::Markup);
            continue;
        }
        if l.text.starts_with("![") {
            roles[i] = Role::Dropped(DropReason::Markup);
            continue;
        }
        let id = ids[i];
        // A Markdown heading is the author's structure, however often its
        // words recur as a running header.
        if repeated[id as usize] && !l.text.starts_with('#') {
            roles[i] = Role::Dropped(DropReason::RunningHeader);
            continue;
        }
        if !l.text.starts_with('#') && md_heading[id as usize] && is_header_like(k) {
            roles[i] = Role::Dropped(DropReason::RunningHeader);
            continue;
        }
        // The title on the title page is a heading; anywhere else it is a
        // page header.
        if i > first_content + 12 && title_ids.contains(&id) {
            roles[i] = Role::Dropped(DropReason::RunningHeader);
            continue;
        }
        // Only a key with digits has a different digit key.
        if k.bytes().any(|b| b.is_ascii_digit())
            && bare_number(l.text).is_none()
            && is_page_furniture(&digit_key(k), &furniture)
        {
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

/// Running headers and titles by their words alone (digits left out).
struct Furniture {
    texts: FastSet<String>,
    /// The most words any of them has.
    max_words: usize,
}

/// Words that make a page-number line ("Page 3 of 40", "стр. 5").
const PAGE_WORDS: &[&str] = &[
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
fn is_page_furniture(digit_key: &str, furniture: &Furniture) -> bool {
    let mut rest: Vec<&str> = Vec::new();
    let mut page_words_only = true;
    for w in words(digit_key).filter(|w| *w != "#") {
        page_words_only &= PAGE_WORDS.contains(&w);
        rest.push(w);
        // More words than any known header has, and not all page words:
        // a line of text, however long.
        if !page_words_only && rest.len() > furniture.max_words {
            return false;
        }
    }
    if rest.is_empty() {
        // Digits and a little punctuation, e.g. "- 12 -" or "12/40".
        return digit_key.chars().count() <= 8 && digit_key.matches('#').count() <= 2;
    }
    page_words_only || furniture.texts.contains(rest.join(" ").as_str())
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
fn mark_toc_regions(lines: &[Line], keys: &Keys, roles: &mut [Role]) {
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
        if roles[j] == Role::Content && TOC_TITLES.contains(&keys.get(j)) {
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
        let furniture = Furniture {
            texts: ["national cyber security strategy".to_string()]
                .into_iter()
                .collect(),
            max_words: 4,
        };
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
