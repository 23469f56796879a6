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

use super::contents::{is_toc_entry, mark_toc_regions};
use super::keys::{digit_key, key, words, Keys};
use super::lines::{
    bare_number, is_alnum, lone_number, next_digit, starts_lowercase, Layout, Line,
};
use super::markup::Hint;
use super::{DropReason, Role};
use super::{FastMap, FastSet};
use crate::corpus::Document;

/// What the furniture pass found besides the lines it marked.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// Page numbers printed in running headers and footers ("12 | National
    /// Strategy"), by line index.
    pub printed: Vec<(usize, u32)>,
    /// The keys of the lines found to be running headers or titles.
    pub running: FastSet<String>,
    /// Lines that recur at page breaks were found: the text shows pages.
    pub breaks: bool,
    /// Per line: its text stands on three lines or more (a table's column
    /// header, a repeated label): no section's title.
    pub recurs: Vec<bool>,
}

/// Marks running headers, title repeats, bylines, tables of contents and
/// word-less markup as dropped; returns what else it found.
///
/// A line that recurs is a running header only when its occurrences stand
/// at page breaks — beside a page number, a form feed, a page-start indent
/// or a run of blank lines, at the text's ends, or at even intervals — and
/// taking it out cuts no sentence: a repeated line of the text (a list of
/// organisations named three times) stays.
pub(crate) fn mark(
    lines: &[Line],
    layout: &Layout,
    doc: &Document,
    hints: &[Hint],
    roles: &mut [Role],
) -> Found {
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
    for ((l, &id), r) in lines.iter().zip(&ids).zip(roles.iter()) {
        if !l.blank && *r == Role::Content {
            count[id as usize] += 1;
        }
    }
    // Texts of Markdown headings: a plain line repeating one elsewhere is
    // that chapter's running header.
    let heading =
        |i: usize| lines[i].text.starts_with('#') || matches!(hints.get(i), Some(Hint::Heading(_)));
    let mut md_heading = vec![false; ids_of.len()];
    for (i, &id) in ids.iter().enumerate() {
        if heading(i) {
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
    let mut printed = mark_numbered_running_lines(lines, &keys, hints, roles);
    let first_content = lines.iter().position(|l| !l.blank).unwrap_or(0);
    let last_content = lines.iter().rposition(|l| !l.blank).unwrap_or(0);

    // Lines that repeat, and where.
    let mut repeated = vec![false; ids_of.len()];
    for (i, &id) in ids.iter().enumerate() {
        let id = id as usize;
        if count[id] >= 3 && !repeated[id] && roles[i] == Role::Content && !heading(i) {
            repeated[id] = is_header_like(keys.get(i));
        }
    }
    let mut places: FastMap<u32, Vec<usize>> = FastMap::default();
    for (i, &id) in ids.iter().enumerate() {
        if (repeated[id as usize] || md_heading[id as usize] || title_ids.contains(&id))
            && roles[i] == Role::Content
            && !heading(i)
            && !lines[i].blank
        {
            places.entry(id).or_default().push(i);
        }
    }
    let pages = Pages {
        lines,
        layout,
        roles,
        first: first_content,
        last: last_content,
    };
    let mut running = vec![false; ids_of.len()];
    let is_place = |i: usize| places.contains_key(&ids[i]);
    for (&id, at) in &places {
        let id_ = id as usize;
        // A running line cuts no sentence where it stands (but for one
        // place in ten: a page break falls anywhere, and a page's last
        // line may end on any word).
        let cuts = at
            .iter()
            .filter(|&&i| pages.cuts_sentence(i, &is_place))
            .count();
        if cuts * 10 > at.len() {
            continue;
        }
        if title_ids.contains(&id) {
            // The title on the title page is a heading; anywhere else it is
            // a page header.
            running[id_] = at.iter().any(|&i| i > first_content + 12);
            continue;
        }
        if md_heading[id_] {
            // A plain line repeating a Markdown heading is that chapter's
            // running head.
            running[id_] = true;
            continue;
        }
        let near = at.iter().filter(|&&i| pages.at_break(i)).count();
        let even = evenly_spaced(at);
        running[id_] = near * 5 >= at.len() * 3 || even;
    }
    let mut found = Found {
        recurs: ids.iter().map(|&id| count[id as usize] >= 3).collect(),
        ..Found::default()
    };
    let mut repeated_headers: Vec<&str> = Vec::new();
    for (k, &id) in &ids_of {
        if running[id as usize] && repeated[id as usize] {
            repeated_headers.push(k);
        }
        // A chapter's running head repeats its heading, which stays a
        // section; a running title is none.
        if running[id as usize] && !md_heading[id as usize] {
            found.running.insert(k.to_string());
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
        if running[id as usize]
            && !heading(i)
            && (i > first_content + 12 || !title_ids.contains(&id))
        {
            roles[i] = Role::Dropped(DropReason::RunningHeader);
            found.breaks |= repeated[id as usize];
            continue;
        }
        // Only a key with digits has a different digit key; years alone
        // ("2022–2027") are no page number.
        let title_page = i <= first_content + 12 && title_ids.contains(&id);
        if next_digit(k.as_bytes(), 0).is_some()
            && bare_number(l.text).is_none()
            && !heading(i)
            && !title_page
            && digit_runs(k).iter().any(|&n| !(1900..2100).contains(&n))
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
        if l.raw.trim_end_matches(' ').ends_with('\t') && bare_number(l.text).is_none() {
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
    printed.sort_unstable();
    found.breaks |= !printed.is_empty();
    found.printed = printed;
    found
}

/// Where page breaks may stand in a document.
struct Pages<'a, 'b> {
    lines: &'a [Line<'b>],
    layout: &'a Layout,
    roles: &'a [Role],
    /// The first and last lines with text.
    first: usize,
    last: usize,
}

impl Pages<'_, '_> {
    /// Whether line `i` stands at a page break: within three lines of a
    /// page number, a form feed, a page-start indent or a run of blank
    /// lines, or at either end of the text.
    fn at_break(&self, i: usize) -> bool {
        if i <= self.first + 2 || i + 2 >= self.last {
            return true;
        }
        let lines = self.lines;
        let from = i.saturating_sub(3);
        let to = (i + 4).min(lines.len());
        let blank_run = |j: usize| j + 1 < lines.len() && lines[j].blank && lines[j + 1].blank;
        (from..to).any(|j| {
            let l = &lines[j];
            l.form_feed
                || (self.layout.indent_marks_page && l.indented && j != i)
                || (j != i
                    && !l.raw.contains('\t')
                    && (bare_number(l.text).is_some() || lone_number(l.text).is_some()))
                || self.roles[j] == Role::Dropped(DropReason::PageNumber)
                || blank_run(j)
        })
    }

    /// Whether taking line `i` out would cut a sentence: the line reads on
    /// from the text above it (that text ends in a colon, a comma or a
    /// word that cannot end a sentence, and what follows the line does not
    /// read on from it instead), or the line itself ends open. Lines for
    /// which `skip` holds (other repeated lines) are passed over.
    fn cuts_sentence(&self, i: usize, skip: &dyn Fn(usize) -> bool) -> bool {
        let text = self.lines[i].text.trim_end_matches(['*', '_', ' ']);
        if text.ends_with([',', ';', '-', '–']) || ends_with_function_word(text) {
            return true;
        }
        let content = |j: usize| {
            self.roles[j] == Role::Content
                && !self.lines[j].blank
                && !skip(j)
                && bare_number(self.lines[j].text).is_none()
        };
        let Some(prev) = (0..i).rev().take(40).find(|&j| content(j)) else {
            return false;
        };
        let p = self.lines[prev].text.trim_end_matches(['*', '_', ' ']);
        // Read on from an unfinished sentence ("…hide their" / "identity
        // and…" is the text's; "www.site.org" after a finished one is a
        // footer).
        if starts_lowercase(text) && !super::lines::ends_sentence(p) {
            return true;
        }
        let open = p.ends_with([':', ',']) || ends_with_function_word(p);
        let next_reads_on = (i + 1..self.lines.len())
            .take(40)
            .find(|&j| content(j))
            .is_some_and(|n| starts_lowercase(self.lines[n].text));
        open && !next_reads_on
    }
}

/// Whether the line ends on a word that cannot end a sentence or a title
/// (an article, a preposition, a conjunction), in the corpus languages.
pub(crate) fn ends_with_function_word(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the",
        "to", "with", "its", "their", "that", "which", "whose", "between", "than", "de", "des",
        "du", "la", "le", "les", "et", "ou", "en", "el", "los", "las", "del", "y", "o", "и", "в",
        "на", "по", "с", "для", "και", "της", "του", "των", "un", "par", "à", "au", "aux", "pour",
        "sur", "dans", "avec", "por", "para", "con", "al", "una", "к", "от", "из", "о", "об",
        "при", "за", "до", "или", "στο", "στη", "στην", "με", "για", "από", "ή", "ar", "uz", "vai",
    ];
    let last = text.rsplit(' ').next().unwrap_or(text);
    // Asked of most lines: the word is lower-cased once, not per entry.
    last.len() <= 7 && super::with_lowercase(last, |lower| WORDS.contains(&lower))
}

/// Whether occurrences stand at nearly even intervals, as a header on every
/// page does: four or more, at least 15 lines apart in the middle, none
/// closer than half the middle interval.
fn evenly_spaced(at: &[usize]) -> bool {
    if at.len() < 4 {
        return false;
    }
    let mut gaps: Vec<usize> = at.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.sort_unstable();
    let median = gaps[gaps.len() / 2];
    median >= 15 && gaps[0] * 2 >= median && gaps[gaps.len() - 1] <= median * 3
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
    hints: &[Hint],
    roles: &mut [Role],
) -> Vec<(usize, u32)> {
    let mut groups: FastMap<String, Vec<usize>> = FastMap::default();
    for (i, l) in lines.iter().enumerate() {
        if roles[i] != Role::Content
            || bare_number(l.text).is_some()
            || l.text.starts_with('#')
            || matches!(hints.get(i), Some(Hint::Heading(_)))
        {
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
        groups.entry(frame_of(k)).or_default().push(i);
    }
    let mut found = Vec::new();
    let mut done: FastSet<&str> = FastSet::default();
    for (lead, trail) in mirrored_frames(&groups, lines, keys) {
        for frame in [lead, trail] {
            done.insert(frame);
            for &i in &groups[frame] {
                roles[i] = Role::Dropped(DropReason::PageNumber);
                found.push((i, digit_runs(keys.get(i)).first().copied().unwrap_or(0)));
            }
        }
    }
    for (frame, members) in &groups {
        if members.len() < 3 || done.contains(frame.as_str()) {
            continue;
        }
        let runs: Vec<Vec<u32>> = members.iter().map(|&i| digit_runs(keys.get(i))).collect();
        let Some((at, leading)) = varying_run(frame, &runs) else {
            continue;
        };
        let frame_words: Vec<&str> = words(frame).collect();
        // "Article 12", "Chapter 3": the document's own numbering.
        if frame_words
            .first()
            .is_some_and(|w| NUMBERING_WORDS.contains(w))
        {
            continue;
        }
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

/// The frame a running line's key shares with the same line on other
/// pages: its [`digit_key`], and where it holds one number, without the
/// spaces beside it, which extractions keep on one page and lose on the
/// next ("Page 485", "Page486").
fn frame_of(key: &str) -> String {
    let frame = digit_key(key);
    if frame.matches('#').count() != 1 {
        return frame;
    }
    let (before, after) = frame.split_once('#').unwrap_or((&frame, ""));
    format!("{}#{}", before.trim_end(), after.trim_start())
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
            let numbers: Vec<u32> = runs.iter().map(|r| r[at]).collect();
            let grows = page_paced(&numbers);
            let others_fixed = (0..n)
                .filter(|&p| p != at)
                .all(|p| runs.iter().all(|r| r[p] == runs[0][p]));
            grows && others_fixed && runs.len() >= 3
        })
}

/// Whether numbers read in line order run as page numbers do: growing, but
/// for a stray one in five (an annex numbered anew), over three values at
/// least, a page or two at a time (not the leaps of a note's number cited
/// again).
fn page_paced(numbers: &[u32]) -> bool {
    let pairs: Vec<(usize, u32)> = numbers.iter().copied().enumerate().collect();
    let in_order = super::pages::increasing_run(&pairs).len();
    let mut steps: Vec<u32> = numbers
        .windows(2)
        .map(|w| w[1].saturating_sub(w[0]))
        .collect();
    steps.sort_unstable();
    let paced = steps.get(steps.len() / 2).is_some_and(|&s| s <= 2);
    in_order >= 3 && in_order * 5 >= numbers.len() * 4 && paced
}

/// Facing pages mirror their running lines: "6 | Title" on the left,
/// "Title | 7" on the right. Each frame alone may leap (a chapter opens
/// on a right page, without the left one's line); the two together run a
/// page at a time. Returns the pairs of frames (number first, number
/// last) whose lines, read together in order, are page numbers.
fn mirrored_frames<'a>(
    groups: &'a FastMap<String, Vec<usize>>,
    lines: &[Line],
    keys: &Keys,
) -> Vec<(&'a str, &'a str)> {
    // The words of a frame with one number, at its start or its end.
    let words_of = |frame: &str| -> Option<(String, bool)> {
        if frame.matches('#').count() != 1 {
            return None;
        }
        let lead = frame.starts_with('#');
        if !lead && !frame.ends_with('#') {
            return None;
        }
        let ws: Vec<&str> = words(frame).filter(|w| *w != "#").collect();
        (!ws.is_empty()).then(|| (ws.join(" "), lead))
    };
    let mut trailing: FastMap<String, &str> = FastMap::default();
    for frame in groups.keys() {
        if let Some((ws, false)) = words_of(frame) {
            trailing.insert(ws, frame);
        }
    }
    let mut out = Vec::new();
    for (frame, members) in groups {
        let Some((ws, true)) = words_of(frame) else {
            continue;
        };
        let Some(&other) = trailing.get(&ws) else {
            continue;
        };
        let mut all: Vec<(usize, bool)> = members.iter().map(|&i| (i, true)).collect();
        all.extend(groups[other].iter().map(|&i| (i, false)));
        all.sort_unstable();
        let apart = all.iter().all(|&(i, lead)| detached(&lines[i], lead));
        let numbers: Vec<u32> = all
            .iter()
            .filter_map(|&(i, _)| digit_runs(keys.get(i)).first().copied())
            .collect();
        if apart && numbers.len() == all.len() && page_paced(&numbers) {
            out.push((frame.as_str(), other));
        }
    }
    out
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

/// Words that name a part of a document by its number ("Article 12",
/// "Chapter 3"), in the corpus languages: lines of them that grow from one
/// to the next are headings, not page numbers.
pub(crate) const NUMBERING_WORDS: &[&str] = &[
    "article",
    "art",
    "articles",
    "chapter",
    "section",
    "part",
    "title",
    "annex",
    "appendix",
    "schedule",
    "clause",
    "rule",
    "principle",
    "norm",
    "paragraph",
    "para",
    "measure",
    "goal",
    "objective",
    "pillar",
    "priority",
    "recommendation",
    "figure",
    "table",
    "box",
    "step",
    "phase",
    "action",
    "chapitre",
    "titre",
    "partie",
    "annexe",
    "artículo",
    "capítulo",
    "título",
    "sección",
    "anexo",
    "статья",
    "глава",
    "раздел",
    "часть",
    "приложение",
    "άρθρο",
    "κεφάλαιο",
    "μέρος",
    "pants",
    "nodaļa",
    "pielikums",
];

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
        // sum ("$27,500"), a section number ("1.1"), a list's number ("2.")
        // or years.
        let digit_key = digit_key(key);
        return digit_key.chars().count() <= 8
            && !digit_key.ends_with('.')
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_words_end_lines_in_any_case() {
        for (line, ends) in [
            ("the strategy of", true),
            ("THE STRATEGY OF THE", true),
            ("Agence pour la", true),
            ("Стратегия для", true),
            ("СТРАТЕГИЯ ДЛЯ", true),
            ("ΣΤΡΑΤΗΓΙΚΗ ΓΙΑ", true),
            ("objectives À", true),
            ("the strategy", false),
            ("ends with of.", false),
            ("", false),
            ("trailing space ", false),
            ("between", true),
            ("betweens", false),
        ] {
            assert_eq!(ends_with_function_word(line), ends, "{line:?}");
        }
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
        let layout = crate::segment::lines::measure(&lines, &roles);
        let hints = vec![Hint::None; lines.len()];
        mark(&lines, &layout, &doc, &hints, &mut roles);
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
