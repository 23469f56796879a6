//! Pass 3: footnote references glued to the text, and the footnote blocks
//! interleaved with the body at page ends.
//!
//! Book PDFs put each page's footnotes between its last body line and the
//! next page's first: sometimes after a run of bare footnote numbers,
//! sometimes with no numbers at all. The references in the body are numbered
//! in sequence (`…during 20142015.1`, `…law);3`), so the pass reads them in
//! order, knows how many footnotes each block must hold, and cuts the block's
//! text into that many notes at the likeliest boundaries (a short line ending
//! a sentence, before a capital).

use super::lines::{bare_number, ends_sentence, next_digit, Layout, Line};
use super::Role;
use std::collections::VecDeque;

/// A footnote number glued to the text, to be cut out of it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RefMark {
    /// Index of the line.
    pub line: usize,
    /// Byte range of the digits within the line's trimmed text.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
    /// The footnote number.
    pub num: u32,
    /// A stray footnote marker glued to the last body line of a page rather
    /// than a reference.
    pub marker: bool,
}

/// One footnote's text lines.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Note {
    /// The footnote number.
    pub num: u32,
    /// Indices of the lines holding its text.
    pub lines: Vec<usize>,
}

/// What the pass found.
#[derive(Debug, Default)]
pub(crate) struct Footnotes {
    /// References and stray markers, in line order.
    pub marks: Vec<RefMark>,
    /// Footnotes, in order.
    pub notes: Vec<Note>,
}

/// Candidate glued numbers in `text`: 1–3 digits right after a lower-case
/// letter or closing punctuation, followed by a space or the line end.
fn glued_numbers(text: &str) -> impl Iterator<Item = (usize, usize, u32)> + '_ {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            let Some(start) = next_digit(b, i) else {
                i = b.len();
                break;
            };
            i = start;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let end = i;
            if end - start > 3 || start == 0 {
                continue;
            }
            if end < b.len() && !b[end].is_ascii_whitespace() {
                continue;
            }
            let prev = text[..start].chars().next_back().unwrap_or(' ');
            let glued = prev.is_lowercase()
                || matches!(
                    prev,
                    '.' | ',' | ';' | ':' | '’' | '\'' | '”' | '"' | ')' | ']'
                );
            if !glued {
                continue;
            }
            // "2.1" or "5.3" as a section or article number stands after a
            // digit and a dot; only a longer number (a year) can carry a
            // reference that way.
            if prev == '.' {
                let before: &str = &text[..start - 1];
                let digits =
                    before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
                if (1..4).contains(&digits) {
                    continue;
                }
            }
            if let Ok(n) = text[start..end].parse::<u32>() {
                return Some((start, end, n));
            }
        }
        None
    })
}

/// Finds references and footnote blocks, marking the blocks' lines.
pub(crate) fn detect(lines: &[Line], layout: &Layout, roles: &mut [Role]) -> Footnotes {
    let mut out = Footnotes::default();
    if !uses_footnotes(lines, roles) {
        return out;
    }
    let mut next_ref = 1u32;
    let mut pending: VecDeque<u32> = VecDeque::new();
    let mut i = 0;
    while i < lines.len() {
        let l = &lines[i];
        if roles[i] != Role::Content {
            i += 1;
            continue;
        }
        if let Some(&first) = pending.front() {
            // A run of bare numbers: the block's markers.
            if bare_number(l.text).is_some_and(|n| pending.contains(&n)) {
                i = read_block(
                    lines,
                    layout,
                    roles,
                    i,
                    &mut pending,
                    &mut next_ref,
                    &mut out,
                );
                continue;
            }
            // The first marker glued to the page's last line ("under17"),
            // the rest bare below it.
            if let Some((s, e, n)) = glued_numbers(l.text).last() {
                let next = next_content(lines, roles, i + 1);
                if n == first
                    && e == l.text.len()
                    && next.is_some_and(|j| bare_number(lines[j].text) == Some(n + 1))
                {
                    out.marks.push(RefMark {
                        line: i,
                        start: s,
                        end: e,
                        num: n,
                        marker: true,
                    });
                    i = read_block(
                        lines,
                        layout,
                        roles,
                        i + 1,
                        &mut pending,
                        &mut next_ref,
                        &mut out,
                    );
                    continue;
                }
            }
            // A page-start line while references wait for their notes: the
            // notes come first, unnumbered.
            if layout.indent_marks_page && l.indented && !super::lines::starts_lowercase(l.text) {
                i = read_block(
                    lines,
                    layout,
                    roles,
                    i,
                    &mut pending,
                    &mut next_ref,
                    &mut out,
                );
                continue;
            }
        }
        for (s, e, n) in glued_numbers(l.text) {
            if n == next_ref || n == next_ref + 1 {
                out.marks.push(RefMark {
                    line: i,
                    start: s,
                    end: e,
                    num: n,
                    marker: false,
                });
                pending.push_back(n);
                next_ref = n + 1;
            }
        }
        i += 1;
    }
    out
}

/// Whether the text references footnotes by glued numbers 1, 2, 3… in order.
fn uses_footnotes(lines: &[Line], roles: &[Role]) -> bool {
    let mut next = 1u32;
    for (l, r) in lines.iter().zip(roles) {
        if *r != Role::Content {
            continue;
        }
        for (_, _, n) in glued_numbers(l.text) {
            if n == next {
                next += 1;
            }
        }
        if next > 3 {
            return true;
        }
    }
    false
}

fn next_content(lines: &[Line], roles: &[Role], from: usize) -> Option<usize> {
    (from..lines.len()).find(|&j| roles[j] == Role::Content && !lines[j].blank)
}

/// Reads one footnote block starting at line `start`; returns the index of
/// the first line after it.
fn read_block(
    lines: &[Line],
    layout: &Layout,
    roles: &mut [Role],
    start: usize,
    pending: &mut VecDeque<u32>,
    next_ref: &mut u32,
    out: &mut Footnotes,
) -> usize {
    let mut i = start;
    let mut markers = Vec::new();
    // Bare numbers, possibly with blank lines between them.
    while i < lines.len() {
        let l = &lines[i];
        if l.blank || roles[i] != Role::Content {
            i += 1;
            continue;
        }
        match bare_number(l.text) {
            Some(n)
                if n < *next_ref + 50
                    && (markers.is_empty()
                        || pending.contains(&n)
                        || n > *markers.last().unwrap_or(&0)) =>
            {
                roles[i] = Role::FootnoteMarker;
                markers.push(n);
                i += 1;
            }
            _ => break,
        }
    }
    // The notes' text, up to the next page start or blank line.
    let mut text_lines = Vec::new();
    while i < lines.len() {
        let l = &lines[i];
        if roles[i] != Role::Content {
            if l.blank && !text_lines.is_empty() {
                break;
            }
            i += 1;
            continue;
        }
        if !text_lines.is_empty() && layout.indent_marks_page && l.indented {
            break;
        }
        text_lines.push(i);
        i += 1;
    }
    let expected: Vec<u32> = if pending.is_empty() {
        markers.clone()
    } else {
        pending.iter().copied().collect()
    };
    let notes = split_notes(lines, &text_lines, expected.len().max(1));
    let mut nums = expected.into_iter();
    let mut last = 0;
    for note_lines in notes {
        let num = nums.next().unwrap_or(last + 1);
        last = num;
        for &j in &note_lines {
            roles[j] = Role::FootnoteText;
        }
        out.notes.push(Note {
            num,
            lines: note_lines,
        });
    }
    *next_ref = (*next_ref).max(last + 1);
    pending.clear();
    i
}

/// Cuts a block's lines into `want` notes (or more, where a short line
/// ending a sentence leaves no doubt).
fn split_notes(lines: &[Line], block: &[usize], want: usize) -> Vec<Vec<usize>> {
    if block.is_empty() {
        return Vec::new();
    }
    let width = block.iter().map(|&j| lines[j].chars).max().unwrap_or(0);
    // (position in block, length of the line before): boundary candidates.
    let mut candidates: Vec<(usize, usize)> = (1..block.len())
        .filter(|&k| {
            let prev = lines[block[k - 1]].text;
            let next = lines[block[k]].text;
            (ends_sentence(prev) || prev.ends_with(['/', ')']))
                && next
                    .starts_with(|c: char| c.is_uppercase() || matches!(c, '‘' | '“' | '"' | '\''))
        })
        .map(|k| (k, lines[block[k - 1]].chars))
        .collect();
    candidates.sort_by_key(|&(_, len)| len);
    let forced = candidates
        .iter()
        .filter(|&&(_, len)| len * 10 < width * 6)
        .count();
    let take = forced.max(want.saturating_sub(1)).min(candidates.len());
    let mut cuts: Vec<usize> = candidates[..take].iter().map(|&(k, _)| k).collect();
    cuts.sort_unstable();
    let mut notes = Vec::new();
    let mut from = 0;
    for k in cuts.into_iter().chain(std::iter::once(block.len())) {
        notes.push(block[from..k].to_vec());
        from = k;
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glued_references() {
        let found: Vec<u32> = glued_numbers("during 20142015.1 The aim")
            .map(|x| x.2)
            .collect();
        assert_eq!(found, vec![1]);
        let found: Vec<u32> = glued_numbers("law);3 and ‘landmark consensus’10 in")
            .map(|x| x.2)
            .collect();
        assert_eq!(found, vec![3, 10]);
        // Section numbers, slashes, acronyms and free-standing numbers are not references.
        assert_eq!(
            glued_numbers("2.1 United Nations, A/68/98 and the G20 in 2015").count(),
            0
        );
    }

    #[test]
    fn block_split_by_expected_count() {
        let text = "Ibid, 8.\nUnited Nations, General Assembly, Group of Governmental Experts on Developments, a long citation\nline two of it.\nSee also a paper.";
        let ls = super::super::lines::split(text);
        let block: Vec<usize> = (0..ls.len()).collect();
        let notes = split_notes(&ls, &block, 3);
        assert_eq!(notes, vec![vec![0], vec![1, 2], vec![3]]);
    }
}
