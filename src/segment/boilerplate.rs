//! Pass 2: page furniture that is not content.
//!
//! Running headers and footers (repeated as they are, or with a page number
//! that grows from page to page), banners, the document's own title repeated
//! as a page header, page labels ("Page 3 of 40", "iii | Page"), bylines,
//! tables of contents (dot leaders, or the page number on the next line) and
//! word-less markup or text set vertically in a figure are marked
//! [`Role::Dropped`] with their reason, so the report can list them and the
//! nothing-lost check can account for them. The page numbers the running
//! lines carry are returned for the page of each passage. Bare page numbers
//! are marked later, once the footnote pass has claimed the bare numbers
//! that are footnote markers.

use super::lines::{bare_number, is_alnum, next_digit, push_lower, Line};
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
/// A byte of a character beyond ASCII, decoded on its own.
const WIDE: u8 = 3;

/// What [`key`] does with each byte: emphasis and heading marks are
/// skipped, whitespace collapses, other ASCII is kept.
const KEY_CLASS: [u8; 256] = {
    let mut t = [WIDE; 256];
    let mut b = 0;
    while b < 0x80 {
        t[b] = KEEP;
        b += 1;
    }
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
                .is_some_and(|&b| KEY_CLASS[usize::from(b)] == KEEP)
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
/// word-less markup as dropped. Returns the page numbers printed in running
/// headers and footers ("12 | National Strategy"), by line index.
pub(crate) fn mark(lines: &[Line], doc: &Document, roles: &mut [Role]) -> Vec<(usize, u32)> {
    mark_vertical_text(lines, roles);
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
    let mut printed = Vec::new();

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
        if next_digit(k.as_bytes(), 0).is_some()
            && bare_number(l.text).is_none()
            && is_page_furniture(k, &furniture)
        {
            roles[i] = Role::Dropped(DropReason::PageNumber);
            // Only a line with words says which of its numbers is the
            // page; "- 12 -" counts with the bare numbers.
            if k.chars().any(char::is_alphabetic) {
                if let Some(n) = page_value(k) {
                    printed.push((i, n));
                }
            }
            continue;
        }
        if is_page_label(k) {
            roles[i] = Role::Dropped(DropReason::PageNumber);
            continue;
        }
        if i < first_content + 30 && !name_words.is_empty() && is_byline(k, &name_words) {
            roles[i] = Role::Dropped(DropReason::Byline);
            continue;
        }
        if is_toc_entry(l.text) {
            roles[i] = Role::Dropped(DropReason::TableOfContents);
            continue;
        }
        // An entry whose page number went to the next line, after the tab
        // that led to it.
        if l.raw.trim_end_matches(' ').ends_with('\t') {
            if let Some(j) = (i + 1..lines.len()).find(|&j| !lines[j].blank) {
                if bare_number(lines[j].text).is_some() && roles[j] == Role::Content {
                    roles[i] = Role::Dropped(DropReason::TableOfContents);
                    roles[j] = Role::Dropped(DropReason::TableOfContents);
                }
            }
        }
    }
    mark_toc_regions(lines, &keys, roles);
    printed.retain(|&(i, _)| roles[i] == Role::Dropped(DropReason::PageNumber));
    printed.extend(mark_numbered_running_lines(lines, &keys, roles));
    printed.sort_unstable();
    printed
}

/// Marks text set vertically in a figure or margin, which extraction gives
/// as a run of lines of a letter or two ("P", "U", "BL", "IC"), as markup.
fn mark_vertical_text(lines: &[Line], roles: &mut [Role]) {
    const RUN: usize = 6;
    let fragment = |l: &Line| !l.blank && l.chars <= 2 && l.text.chars().any(char::is_alphabetic);
    let mut i = 0;
    while i < lines.len() {
        if !fragment(&lines[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && (fragment(&lines[i]) || lines[i].blank) {
            i += 1;
        }
        let run: Vec<usize> = (start..i).filter(|&j| !lines[j].blank).collect();
        if run.len() >= RUN {
            for j in run {
                if roles[j] == Role::Content {
                    roles[j] = Role::Dropped(DropReason::Markup);
                }
            }
        }
    }
}

/// Finds running headers and footers that carry the page number
/// ("National Strategy | 12", "Samoa Strategy 2016 - 2021  4", "3/15"):
/// lines alike but for one number at their start or end, which grows from
/// each to the next, set apart by a bar, wide spacing or indentation, or
/// with a page word or a page count.
/// Marks them as page numbers; returns their numbers by line index.
fn mark_numbered_running_lines(
    lines: &[Line],
    keys: &Keys,
    roles: &mut [Role],
) -> Vec<(usize, u32)> {
    let mut groups: FastMap<String, Vec<usize>> = FastMap::default();
    for (i, l) in lines.iter().enumerate() {
        if roles[i] != Role::Content || bare_number(l.text).is_some() {
            continue;
        }
        let k = keys.get(i);
        // The page number starts or ends the line; most lines with figures
        // have them inside.
        let (Some(first), Some(last)) = (k.as_bytes().first(), k.as_bytes().last()) else {
            continue;
        };
        if !(first.is_ascii_digit() || last.is_ascii_digit())
            || k.len() > 120
            || words(k).nth(16).is_some()
        {
            continue;
        }
        groups.entry(digit_key(k)).or_default().push(i);
    }
    let mut found = Vec::new();
    for (frame, members) in &groups {
        if members.len() < 3 {
            continue;
        }
        let runs: Vec<Vec<u32>> = members.iter().map(|&i| digit_runs(keys.get(i))).collect();
        let Some((at, leading)) = varying_run(frame, &runs) else {
            continue;
        };
        let frame_words: Vec<&str> = words(frame).collect();
        let set_apart = members.iter().any(|&i| detached(&lines[i], leading));
        // "Pagell 12": extraction often reads the bar after "Page" as letters.
        let paged = frame_words
            .iter()
            .any(|w| (PAGE_WORDS.contains(w) && !CONNECTORS.contains(w)) || w.starts_with("page"));
        let of_total = at + 1 < runs[0].len();
        // Numbered headings ("Line of Action 4", "Measure 12 of the Plan")
        // share their words too, but have none of these.
        if !(set_apart || paged || of_total) {
            continue;
        }
        for (&i, r) in members.iter().zip(&runs) {
            roles[i] = Role::Dropped(DropReason::PageNumber);
            found.push((i, r[at]));
        }
    }
    found
}

/// The numbers of a key's digit runs, in order (runs too long to be page
/// numbers or years count as zero).
fn digit_runs(key: &str) -> Vec<u32> {
    key.split(|c: char| !c.is_ascii_digit())
        .filter(|r| !r.is_empty())
        .map(|r| {
            if r.len() <= 4 {
                r.parse().unwrap_or(0)
            } else {
                0
            }
        })
        .collect()
}

/// Which digit run of a group of lines is a page number: the first (when
/// the lines start with it), the last (when they end with it) or the one
/// before a last that stays the same ("3/15", "3 of 15"); it must grow from
/// line to line, but for a stray one in five (an annex numbered anew),
/// taking at least three values, while the other runs stay as they are.
/// Returns its position and whether it leads the line.
fn varying_run(frame: &str, runs: &[Vec<u32>]) -> Option<(usize, bool)> {
    let n = runs[0].len();
    if n == 0 || runs.iter().any(|r| r.len() != n) {
        return None;
    }
    // A leading number followed by a dot or bracket is a list item's.
    let starts = frame.starts_with('#') && !frame[1..].starts_with(['.', ')']);
    let ends = frame.ends_with('#');
    let of_total = n >= 2 && (frame.ends_with("#/#") || frame.ends_with("# of #"));
    let candidates = [
        (starts, 0, true),
        (ends, n - 1, false),
        (of_total, n.saturating_sub(2), false),
    ];
    candidates
        .into_iter()
        .filter(|(ok, _, _)| *ok)
        .map(|(_, at, leading)| (at, leading))
        .find(|&(at, _)| {
            let numbers: Vec<(usize, u32)> = runs.iter().map(|r| r[at]).enumerate().collect();
            let in_order = super::increasing_run(&numbers).len();
            let grows = in_order >= 3 && in_order * 5 >= runs.len() * 4;
            let others_fixed = (0..n)
                .filter(|&p| p != at)
                .all(|p| runs.iter().all(|r| r[p] == runs[0][p]));
            grows && others_fixed && runs.len() >= 3
        })
}

/// Whether the page number at the start (`first`) or end of the line is set
/// apart from its text: by a bar, a dash, two spaces or a tab, or by the
/// line's indentation.
fn detached(line: &Line, first: bool) -> bool {
    let t = line.text;
    let sep: &str = if first {
        let rest = t.trim_start_matches(|c: char| c.is_ascii_digit());
        let text_at = rest.find(char::is_alphanumeric).unwrap_or(rest.len());
        &rest[..text_at]
    } else {
        let rest = t.trim_end_matches(|c: char| c.is_ascii_digit());
        let text_end = rest.rfind(char::is_alphanumeric).map_or(0, |p| {
            p + rest[p..].chars().next().map_or(1, char::len_utf8)
        });
        &rest[text_end..]
    };
    sep.contains(['|', '-', '–', '—', '\t'])
        || sep.chars().filter(|c| c.is_whitespace()).count() >= 2
        || line.indented
}

/// The page number a page-furniture key carries: after a page word
/// ("Page 3 of", "стр. 5"), before "/N" or "of N", or at the start or end of
/// the line. Years are not pages.
fn page_value(key: &str) -> Option<u32> {
    let frame = digit_key(key);
    if frame.contains("#.#") {
        // "1.2": a section number, not a page.
        return None;
    }
    let runs = digit_runs(key);
    let after_page_word = {
        let mut seen = 0;
        let mut found = None;
        let mut prev_page = false;
        for w in frame
            .split(|c: char| !(is_alnum(c) || c == '#'))
            .filter(|w| !w.is_empty())
        {
            if w == "#" {
                if prev_page {
                    found = Some(seen);
                    break;
                }
                seen += 1;
            }
            prev_page =
                (PAGE_WORDS.contains(&w) && !CONNECTORS.contains(&w)) || w.starts_with("page");
        }
        found
    };
    let at = if let Some(k) = after_page_word {
        Some(k)
    } else if runs.len() >= 2 && (frame.ends_with("#/#") || frame.ends_with("# of #")) {
        Some(runs.len() - 2)
    } else if frame.starts_with('#') {
        Some(0)
    } else if frame.ends_with('#') {
        runs.len().checked_sub(1)
    } else {
        None
    };
    at.and_then(|k| runs.get(k).copied()).filter(|&n| n < 1500)
}

/// Whether a key is a page label without digits: "i | P a g e", "Page ix".
/// The letters left when a roman numeral at either end is taken off spell
/// a page word.
fn is_page_label(key: &str) -> bool {
    if key.len() > 40 {
        return false;
    }
    let ws: Vec<&str> = words(key).collect();
    let roman = |w: &str| !w.is_empty() && w.len() <= 5 && w.chars().all(|c| "ivxlc".contains(c));
    let inner = match ws.as_slice() {
        [first, rest @ ..] if roman(first) && !rest.is_empty() => rest,
        [rest @ .., last] if roman(last) && !rest.is_empty() => rest,
        _ => return false,
    };
    let letters: String = inner.concat();
    PAGE_WORDS.contains(&letters.as_str()) && letters.len() > 1
}

/// Running headers and titles by their words alone (digits left out).
struct Furniture {
    texts: FastSet<String>,
    /// The most words any of them has.
    max_words: usize,
}

/// The words of [`PAGE_WORDS`] that join rather than name a page.
const CONNECTORS: &[&str] = &["of", "de"];

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
fn is_page_furniture(key: &str, furniture: &Furniture) -> bool {
    let mut joined = String::new();
    let mut count = 0;
    let mut page_words_only = true;
    for w in letter_runs(key) {
        page_words_only &= PAGE_WORDS.contains(&w);
        count += 1;
        // More words than any known header has, and not all page words:
        // a line of text, however long.
        if !page_words_only && count > furniture.max_words {
            return false;
        }
        if count > 1 {
            joined.push(' ');
        }
        joined.push_str(w);
    }
    if count == 0 {
        // Digits and a little punctuation, e.g. "- 12 -" or "12/40"; not a
        // sum ("$27,500"), a section number ("1.1") or years.
        let digit_key = digit_key(key);
        return digit_key.chars().count() <= 8
            && digit_key.matches('#').count() <= 2
            && !digit_key.contains("#.#")
            && digit_key.chars().all(|c| {
                matches!(
                    c,
                    '#' | ' ' | '-' | '–' | '—' | '/' | '|' | '[' | ']' | '(' | ')' | '.'
                )
            });
    }
    page_words_only || furniture.texts.contains(joined.as_str())
}

/// The words of a key with its ASCII digits taken as separators, as
/// [`words`] gives them from its [`digit_key`], without building that.
fn letter_runs(key: &str) -> impl Iterator<Item = &str> {
    let bytes = key.as_bytes();
    let mut i = 0;
    let inside = move |i: usize| -> (bool, usize) {
        let b = bytes[i];
        if b < 0x80 {
            return (b.is_ascii_alphabetic(), 1);
        }
        match key[i..].chars().next() {
            Some(c) => (is_alnum(c), c.len_utf8()),
            None => (false, 1),
        }
    };
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let (yes, len) = inside(i);
            if yes {
                break;
            }
            i += len;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        while i < bytes.len() {
            let (yes, len) = inside(i);
            if !yes {
                break;
            }
            i += len;
        }
        Some(&key[start..i])
    })
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
        assert!(is_page_furniture(&key("Page 3 of 40"), &furniture));
        assert!(is_page_furniture(
            &key("12 | National Cyber Security Strategy"),
            &furniture
        ));
        assert!(!is_page_furniture(
            &key("Strategic Objective 1"),
            &furniture
        ));
        let words: Vec<&str> = letter_runs("page 12a of 40 été").collect();
        assert_eq!(words, vec!["page", "a", "of", "été"]);
    }

    /// The roles [`mark`] gives the lines of `text`.
    fn marked(text: &str) -> Vec<Role> {
        let lines = crate::segment::lines::split(text);
        let mut roles: Vec<Role> = lines
            .iter()
            .map(|l| if l.blank { Role::Blank } else { Role::Content })
            .collect();
        let doc = crate::corpus::Document {
            id: "t".into(),
            file: "t.txt".into(),
            title: "Title".into(),
            issuer: String::new(),
            authors: Vec::new(),
            date: crate::corpus::PartialDate {
                year: 2020,
                month: None,
                day: None,
            },
            kind: String::new(),
            country: None,
            organization: None,
            language: "en".into(),
            url: None,
            container: None,
            issuers: Vec::new(),
            issuer_type: None,
            number: None,
            translation: None,
            original_language: None,
            venue: None,
        };
        mark(&lines, &doc, &mut roles);
        roles
    }

    #[test]
    fn vertical_text_is_markup() {
        let roles = marked("Some text here.\nP\nU\nBL\nIC\n-P\nRI\nV\nA\nMore text.");
        assert_eq!(roles[0], Role::Content);
        assert!(roles[1..9]
            .iter()
            .all(|r| *r == Role::Dropped(DropReason::Markup)));
        assert_eq!(roles[9], Role::Content);
        // Two short lines are not a figure.
        let roles = marked("Text.\nIV\nOK\nText.");
        assert!(roles.iter().all(|r| *r == Role::Content));
    }

    #[test]
    fn contents_with_numbers_on_their_own_lines() {
        let text = "Contents\n1  \t\nIntroduction\t\n6\n1.1  \t\nChallenges\t\n6\n\
                    1.2  \t\nStrategy \t\n7\n2  \t\nCooperation\t\n9\n\nThe text begins.";
        let roles = marked(text);
        let toc = Role::Dropped(DropReason::TableOfContents);
        let n = roles.len();
        assert!(roles[..n - 2].iter().all(|r| *r == toc), "{roles:?}");
        assert_eq!(roles[n - 1], Role::Content);
    }

    #[test]
    fn page_labels_and_numbered_footers() {
        assert!(is_page_label(&key("iii | P a g e")));
        assert!(is_page_label(&key("Page xii")));
        assert!(!is_page_label(&key("Part II")));
        assert!(!is_page_label(&key("ii")));
        assert_eq!(page_value(&key("12 | National Strategy")), Some(12));
        assert_eq!(page_value(&key("Page 3 of 40")), Some(3));
        assert_eq!(page_value(&key("CMR 18-12-2012 4/15")), Some(4));
        assert_eq!(page_value(&key("1.2")), None);
        assert_eq!(page_value(&key("Page 2  of")), Some(2));
        assert_eq!(page_value(&key("June 2020")), None);
        // "Pagell 486": a page word read with the bar glued to it.
        let text = (40..45)
            .map(|n| format!("Pagell{n}\nSome text of the page that runs on.\n"))
            .collect::<String>();
        let roles = marked(&text);
        assert_eq!(roles[0], Role::Dropped(DropReason::PageNumber));
        // Footers on alternate sides, each with the page number.
        let text = (3..9)
            .map(|n| {
                if n % 2 == 0 {
                    format!("{n}   |  Cyber Strategy\nText of the page.\n")
                } else {
                    format!("Cyber Strategy   |  {n}\nText of the page.\n")
                }
            })
            .collect::<String>();
        let roles = marked(&text);
        let footers = roles
            .iter()
            .filter(|r| **r == Role::Dropped(DropReason::PageNumber))
            .count();
        assert_eq!(footers, 6);
        // Numbered headings stay.
        let text = "LINE OF ACTION 1\nText.\nLINE OF ACTION 2\nText.\nLINE OF ACTION 3\nText.\n";
        assert!(marked(text)
            .iter()
            .all(|r| matches!(r, Role::Content | Role::Blank)));
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
