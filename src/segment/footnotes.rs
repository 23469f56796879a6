//! Pass 3: footnotes — the references in the text and the notes they
//! point to, in every common form.
//!
//! Explicit forms say what they are: `<sup>N</sup>` (a web page's notes),
//! `[^N]` with `[^N]: text` (Markdown), superscript digits (`¹`), and
//! bracketed numbers `[N]` where the document also has a list of `[N] …`
//! entries. A line that starts with the mark is the note; the mark
//! elsewhere is a reference, cut from the text and kept as a link.
//!
//! Plain numbers need their sequence. The references glued to the text
//! (`…during 20142015.1`, `…law);3`, `treaties9`) are read in order 1, 2,
//! 3…, so the pass knows which notes are due; the notes come at the page
//! foot — after a run of bare markers, glued to the page's last line, with
//! no numbers at all at a page start, or as lines that start with the due
//! number (`12 See the report…`) up to the page break — or in an endnote
//! section under a "Notes" heading. A block of notes without numbers is cut
//! into as many notes as are due, at the likeliest boundaries (a short line
//! ending a sentence, before a capital).
//!
//! Input: lines and roles after the furniture pass (page numbers and
//! running headers mark the page breaks). Output: the references and the
//! notes; the notes' lines marked [`Role::FootnoteText`], bare markers
//! [`Role::FootnoteMarker`].

use super::lines::{bare_number, ends_sentence, next_digit, Layout, Line};
use super::{NoteForm, Role};
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
    /// Bytes of the first line's text taken by the note's number or mark.
    pub marker_len: usize,
}

/// What the pass found.
#[derive(Debug, Default)]
pub(crate) struct Footnotes {
    /// References and stray markers, in line order.
    pub marks: Vec<RefMark>,
    /// Footnotes, in order.
    pub notes: Vec<Note>,
    /// The forms found.
    pub forms: Vec<NoteForm>,
}

impl Footnotes {
    fn found(&mut self, form: NoteForm) {
        if !self.forms.contains(&form) {
            self.forms.push(form);
        }
    }
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
            let prev = text[..start].chars().next_back().unwrap_or(' ');
            // "timeframe1. The": a mark glued to a word before the
            // sentence's punctuation (only a footnote of that number makes
            // it a reference).
            let before_punct = prev.is_lowercase()
                && matches!(b.get(end), Some(b'.' | b',' | b';' | b':' | b')'))
                && b.get(end + 1).is_none_or(u8::is_ascii_whitespace);
            if end < b.len() && !b[end].is_ascii_whitespace() && !before_punct {
                continue;
            }
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

/// Finds references and notes, marking the notes' lines.
pub(crate) fn detect(lines: &[Line], layout: &Layout, roles: &mut [Role]) -> Footnotes {
    let mut out = explicit(lines, roles);
    if !out.notes.is_empty() {
        return out;
    }
    // Without notes, only marks that cannot be anything else count as
    // references: a superscript digit may be a unit's power (km²).
    out.marks
        .retain(|m| lines[m.line].text[m.start..].starts_with(['<', '[']));
    if !out.marks.is_empty() {
        return out;
    }
    let out = glued(lines, layout, roles);
    if !out.notes.is_empty() {
        return out;
    }
    foot_notes(lines, roles)
}

/// Whether a line reads as a note rather than a list's short item: three
/// words or more, or a reference's marks (an address, a figure, "Ibid").
fn note_like(text: &str) -> bool {
    let rest = text.trim_start_matches(|c: char| c.is_ascii_digit());
    let lower = rest.to_lowercase();
    rest.split_whitespace().nth(2).is_some()
        || lower.contains("ibid")
        || lower.contains("http")
        || lower.contains("www")
        || rest.contains(|c: char| c.is_ascii_digit())
}

/// The notes' own sequence among `candidates` (line, number): from 1, 2
/// or 3, each the next number or the one after it (an extraction may lose
/// a note), over as many pages as can be — a numbered list at one page's
/// foot is one page, notes run on from page to page. Two pages at least,
/// else none.
fn note_sequence(lines: &[Line], roles: &[Role], candidates: &[(usize, u32)]) -> Vec<(usize, u32)> {
    // Per candidate: (pages, notes) of the best sequence ending there, and
    // the candidate before it.
    let mut best: Vec<((usize, usize), Option<usize>)> = Vec::with_capacity(candidates.len());
    for (k, &(i, n)) in candidates.iter().enumerate() {
        let mut here = if n <= 3 { Some(((1, 1), None)) } else { None };
        for (j, &(pi, pn)) in candidates[..k].iter().enumerate() {
            let ((pages, notes), _) = best[j];
            if pages == 0 || n <= pn || n > pn + 2 {
                continue;
            }
            let turn = (pi..i).any(|x| page_break(lines, roles, x));
            let score = (pages + usize::from(turn), notes + 1);
            if here.is_none_or(|(s, _)| score > s) {
                here = Some((score, Some(j)));
            }
        }
        best.push(here.unwrap_or(((0, 0), None)));
    }
    let Some(end) = (0..best.len()).max_by_key(|&k| best[k].0) else {
        return Vec::new();
    };
    if best[end].0 .0 < 2 {
        return Vec::new();
    }
    let mut run = Vec::new();
    let mut at = Some(end);
    while let Some(k) = at {
        run.push(candidates[k]);
        at = best[k].1;
    }
    run.reverse();
    run
}

/// Notes at the page feet found by their own numbers, where the references
/// in the text were lost (an extraction that drops superscripts) or are
/// too few to go by: lines that start with a number and stand at a page
/// foot, whose numbers run on from page to page (1, 2 / 3 / 4, 5…) over
/// two pages at least. References glued to the text that name a note
/// below them are cut and kept.
fn foot_notes(lines: &[Line], roles: &mut [Role]) -> Footnotes {
    let mut out = Footnotes::default();
    // Lines that start with a number at a page foot; a list's item ends
    // in a semicolon or a comma, a note seldom does.
    // The cheap test first: most lines start with no number.
    let candidates = (0..lines.len())
        .filter(|&i| roles[i] == Role::Content)
        .filter_map(|i| leading_number(lines[i].text).map(|(n, _)| (i, n)))
        .filter(|&(i, _)| !lines[i].text.ends_with([';', ',']) && note_like(lines[i].text))
        .filter(|&(i, _)| foot_of_page(lines, roles, i));
    let run = note_sequence(lines, roles, &candidates.take(600).collect::<Vec<_>>());
    if run.len() < 3 {
        return out;
    }
    for &(i, n) in &run {
        if roles[i] != Role::Content {
            // Read already with the block above it.
            continue;
        }
        let (notes, _) = read_numbered(lines, roles, i, n, true);
        out.notes.extend(notes);
    }
    if out.notes.is_empty() {
        return out;
    }
    out.found(NoteForm::PageFoot);
    // References: a glued number that names a note within the next eighty
    // lines, each note referenced once.
    let mut referenced = vec![false; out.notes.len()];
    for i in 0..lines.len() {
        if roles[i] != Role::Content {
            continue;
        }
        for (s, e, n) in glued_numbers(lines[i].text) {
            let at = out.notes.iter().enumerate().find(|(k, note)| {
                !referenced[*k] && note.num == n && note.lines[0] > i && note.lines[0] <= i + 80
            });
            if let Some((k, _)) = at {
                referenced[k] = true;
                out.marks.push(RefMark {
                    line: i,
                    start: s,
                    end: e,
                    num: n,
                    marker: false,
                });
            }
        }
    }
    out
}

/// Plain numbers glued to the text, with their notes at the page feet or in
/// an endnote section.
fn glued(lines: &[Line], layout: &Layout, roles: &mut [Role]) -> Footnotes {
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
            // Notes that start with their number, at the page foot.
            if let Some((n, _)) = leading_number(l.text) {
                if pending.contains(&n) && foot_of_page(lines, roles, i) {
                    let (notes, end) = read_numbered(lines, roles, i, n, true);
                    out.found(NoteForm::PageFoot);
                    let last = notes.last().map_or(n, |x| x.num);
                    out.notes.extend(notes);
                    next_ref = next_ref.max(last + 1);
                    pending.clear();
                    i = end;
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
        // An endnote section: its numbered notes run to the end.
        if next_ref > 1 && is_notes_title(l.text) {
            let first = (i + 1..lines.len()).find(|&j| roles[j] == Role::Content);
            if let Some(j) =
                first.filter(|&j| leading_number(lines[j].text).is_some_and(|x| x.0 == 1))
            {
                let (notes, end) = read_numbered(lines, roles, j, 1, false);
                out.found(NoteForm::Endnotes);
                out.notes.extend(notes);
                pending.clear();
                i = end;
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

/// Whether the text references footnotes by glued numbers 1, 2, 3… in
/// order — or 1 and 2, where a line at a page foot starts with one of them
/// as a note does.
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
    next > 2
        && (0..lines.len()).any(|i| {
            roles[i] == Role::Content
                && leading_number(lines[i].text).is_some_and(|(n, _)| n <= 2)
                && foot_of_page(lines, roles, i)
        })
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
    if !notes.is_empty() {
        out.found(NoteForm::PageFoot);
    }
    let mut nums = expected.into_iter();
    let mut last = 0;
    for note_lines in notes {
        let num = nums.next().unwrap_or(last + 1);
        last = num;
        for &j in &note_lines {
            roles[j] = Role::FootnoteText;
        }
        // The number, when the note's first line starts with it.
        let marker_len = note_lines
            .first()
            .and_then(|&j| leading_number(lines[j].text))
            .filter(|&(n, _)| n == num)
            .map_or(0, |(_, len)| len);
        out.notes.push(Note {
            num,
            lines: note_lines,
            marker_len,
        });
    }
    *next_ref = (*next_ref).max(last + 1);
    pending.clear();
    i
}

/// A note's number at the start of a line — `12 See`, `12. See`, `12) See`
/// — and the bytes it takes with the space after it.
fn leading_number(text: &str) -> Option<(u32, usize)> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let mut at = digits;
    if matches!(text.as_bytes().get(at), Some(b'.' | b')')) {
        at += 1;
    }
    let rest = &text[at..];
    let trimmed = rest.trim_start();
    // A space, then a word: "2021 budget" is no note, "3.1 Scope" neither.
    if trimmed.len() == rest.len() || !trimmed.starts_with(|c: char| !c.is_ascii_digit()) {
        return None;
    }
    Some((text[..digits].parse().ok()?, text.len() - trimmed.len()))
}

/// Whether line `j` marks a page break (a page number, a running header, a
/// form feed). A bare number counts: the page numbers among them are told
/// from the paragraph numbers only after this pass.
fn page_break(lines: &[Line], roles: &[Role], j: usize) -> bool {
    j >= lines.len()
        || lines[j].form_feed
        || matches!(roles[j], Role::Dropped(r) if r.breaks_page())
        || (roles[j] == Role::Content && bare_number(lines[j].text).is_some())
}

/// Whether line `i` stands at a page foot: a page break follows within
/// twelve lines of text and one blank line at most between them.
fn foot_of_page(lines: &[Line], roles: &[Role], i: usize) -> bool {
    let mut text = 0;
    let mut blanks = 0;
    for j in i + 1..lines.len() {
        if page_break(lines, roles, j) {
            return true;
        }
        if lines[j].blank {
            blanks += 1;
            if blanks > 1 {
                return false;
            }
            continue;
        }
        blanks = 0;
        text += 1;
        if text > 12 {
            return false;
        }
    }
    true
}

/// Reads notes that start with their numbers, from line `start` (the note
/// numbered `first`) until a page break (for notes at a page foot,
/// `foot`) or a blank run ends them: each
/// line that starts with the next number (or one or two beyond, for a note
/// the extraction lost) opens a note, any other continues the last.
/// Returns the notes and the first line after them.
fn read_numbered(
    lines: &[Line],
    roles: &mut [Role],
    start: usize,
    first: u32,
    foot: bool,
) -> (Vec<Note>, usize) {
    let mut notes: Vec<Note> = Vec::new();
    let mut next = first;
    let mut i = start;
    let mut blanks = 0;
    while i < lines.len() && !(foot && page_break(lines, roles, i)) {
        let l = &lines[i];
        if l.blank || roles[i] != Role::Content {
            if l.blank {
                blanks += 1;
                if blanks > 1 && !notes.is_empty() {
                    break;
                }
            }
            i += 1;
            continue;
        }
        blanks = 0;
        match leading_number(l.text) {
            Some((n, len)) if n >= next && n <= next + 2 => {
                notes.push(Note {
                    num: n,
                    lines: vec![i],
                    marker_len: len,
                });
                next = n + 1;
            }
            _ => match notes.last_mut() {
                Some(note) => note.lines.push(i),
                None => break,
            },
        }
        roles[i] = Role::FootnoteText;
        i += 1;
    }
    (notes, i)
}

/// Whether the line titles an endnote section.
fn is_notes_title(text: &str) -> bool {
    let t = text
        .trim_start_matches('#')
        .trim()
        .trim_end_matches(':')
        .to_lowercase();
    matches!(
        t.as_str(),
        "notes"
            | "endnotes"
            | "footnotes"
            | "notes and references"
            | "références"
            | "notas"
            | "примечания"
            | "σημειώσεις"
    )
}

/// A reference or note mark written as markup: `<sup>N</sup>` (with an
/// anchor or brackets inside, as sites write it), `[^N]`, or superscript
/// digits. Returns the number and the mark's length in bytes.
fn markup_mark(text: &str) -> Option<(u32, usize)> {
    let b = text.as_bytes();
    if b.first() == Some(&b'<') {
        let lower = text.get(..5)?;
        if !lower.eq_ignore_ascii_case("<sup>") {
            return None;
        }
        let close = text.find("</sup>").or_else(|| text.find("</SUP>"))?;
        if close > 200 {
            return None;
        }
        // The digits inside, through an anchor or brackets.
        let inner = &text[5..close];
        let inner = super::clean::tidy_tags(inner);
        let digits = inner.trim().trim_matches(['[', ']', '(', ')']);
        if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        return Some((digits.parse().ok()?, close + 6));
    }
    if text.starts_with("[^") {
        let close = text.find(']')?;
        let inner = &text[2..close];
        if inner.is_empty() || inner.len() > 3 || !inner.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        return Some((inner.parse().ok()?, close + 1));
    }
    let mut n = 0u32;
    let mut len = 0;
    for c in text.chars().take(3) {
        let d = match c {
            '⁰' => 0,
            '¹' => 1,
            '²' => 2,
            '³' => 3,
            '⁴' => 4,
            '⁵' => 5,
            '⁶' => 6,
            '⁷' => 7,
            '⁸' => 8,
            '⁹' => 9,
            _ => break,
        };
        n = n * 10 + d;
        len += c.len_utf8();
    }
    (len > 0 && n > 0).then_some((n, len))
}

/// The form of the mark at the start of `text`.
fn form_of(text: &str) -> NoteForm {
    if text.starts_with("[^") {
        NoteForm::Markdown
    } else if text.starts_with('[') {
        NoteForm::Bracketed
    } else {
        NoteForm::Superscript
    }
}

/// A bracketed number `[N]` at the start of `text`: the number and length.
fn bracket_mark(text: &str) -> Option<(u32, usize)> {
    let b = text.as_bytes();
    if b.first() != Some(&b'[') {
        return None;
    }
    let digits = b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 3 || b.get(1 + digits) != Some(&b']') {
        return None;
    }
    Some((text[1..1 + digits].parse().ok()?, digits + 2))
}

/// Whether `text` holds `<sup`, `<SUP`, `[^` or a superscript digit
/// (`¹`–`⁹`): one pass over the bytes, where a search per mark took
/// four (this is asked of every line of a text without notes).
fn has_note_mark(text: &[u8]) -> bool {
    text.iter().enumerate().any(|(i, &b)| {
        let next = &text[i + 1..];
        match b {
            b'<' => next.starts_with(b"sup") || next.starts_with(b"SUP"),
            b'[' => next.starts_with(b"^"),
            // `¹ ² ³` are U+00B9, U+00B2, U+00B3; `⁴`–`⁹` U+2074–U+2079.
            0xC2 => matches!(next.first(), Some(0xB2 | 0xB3 | 0xB9)),
            0xE2 => next.starts_with(&[0x81]) && matches!(next.get(1), Some(0xB4..=0xB9)),
            _ => false,
        }
    })
}

/// The explicit forms: notes that start with their mark, references
/// wherever else the mark stands.
fn explicit(lines: &[Line], roles: &mut [Role]) -> Footnotes {
    let mut out = Footnotes::default();
    // Most texts have none of the marks: look for their first bytes.
    let has = |t: &str| has_note_mark(t.as_bytes());
    let any_markup = lines
        .iter()
        .zip(roles.iter())
        .any(|(l, r)| *r == Role::Content && has(l.text));
    // Bracketed numbers count only where a list of `[N] …` entries gives
    // them their notes.
    let bracket_notes = lines
        .iter()
        .zip(roles.iter())
        .filter(|(l, r)| {
            **r == Role::Content
                && bracket_mark(l.text).is_some_and(|(_, len)| l.text.len() > len + 3)
        })
        .count();
    let brackets = bracket_notes >= 2;
    if !any_markup && !brackets {
        return out;
    }
    let mark_at = |t: &str| markup_mark(t).or_else(|| brackets.then(|| bracket_mark(t)).flatten());
    let mut i = 0;
    while i < lines.len() {
        if roles[i] != Role::Content || lines[i].blank {
            i += 1;
            continue;
        }
        let t = lines[i].text;
        // A note: the mark opens the line, text follows.
        if let Some((n, len)) = mark_at(t) {
            let after = &t[len..];
            let rest = after.trim_start_matches([':', '.', ' ', '\t']);
            // "[17]. As a result" ends a sentence wrapped onto the line; a
            // bracketed note is followed by a space.
            let spaced =
                !t.starts_with('[') || t.starts_with("[^") || after.starts_with([' ', '\t']);
            if (!rest.is_empty() && !rest.starts_with('<') && spaced) || after.starts_with(':') {
                out.found(form_of(t));
                let skip = t.len() - rest.len();
                let mut note = Note {
                    num: n,
                    lines: vec![i],
                    marker_len: skip,
                };
                roles[i] = Role::FootnoteText;
                // Continuation lines: indented, or unmarked lines before a
                // blank one.
                let mut j = i + 1;
                while j < lines.len()
                    && roles[j] == Role::Content
                    && !lines[j].blank
                    && mark_at(lines[j].text).is_none()
                    && !lines[j].text.starts_with('#')
                {
                    roles[j] = Role::FootnoteText;
                    note.lines.push(j);
                    j += 1;
                }
                out.notes.push(note);
                i = j;
                continue;
            }
        }
        // References: every mark inside the line.
        let bytes = t.as_bytes();
        let mut k = 0;
        while k < bytes.len() {
            let c = bytes[k];
            if (c == b'<' || c == b'[' || c >= 0xc2) && t.is_char_boundary(k) {
                if let Some((n, len)) = mark_at(&t[k..]) {
                    // A bracketed reference takes the space before it.
                    let start = if c == b'[' && !t[k..].starts_with("[^") {
                        k - (t[..k].len() - t[..k].trim_end().len())
                    } else {
                        k
                    };
                    // Superscript digits count only glued to a word.
                    let glued = c != 0xc2 && c != 0xe2
                        || t[..k].ends_with(|ch: char| {
                            ch.is_alphanumeric() || ".,;:)’”\"'".contains(ch)
                        });
                    if glued && k > 0 {
                        out.found(form_of(&t[k..]));
                        out.marks.push(RefMark {
                            line: i,
                            start,
                            end: k + len,
                            num: n,
                            marker: false,
                        });
                    }
                    k += len;
                    continue;
                }
            }
            k += 1;
        }
        i += 1;
    }
    out
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
    fn note_marks_are_found_as_the_four_searches_found_them() {
        let searched = |t: &str| {
            t.contains("<sup")
                || t.contains("<SUP")
                || t.contains("[^")
                || t.contains(['¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'])
        };
        for t in [
            "",
            "plain text",
            "a<sup>1</sup>",
            "<SUP>2",
            "<Sup>",
            "x[^3]",
            "[3]",
            "[",
            "<",
            "km²",
            "note¹",
            "⁴⁵",
            "⁹",
            "⁰ and ⁺",
            "½ ¼ ª º",
            "–—‘’“”…",
            "Ĳ € ₂",
            "⁽¹⁾",
        ] {
            assert_eq!(has_note_mark(t.as_bytes()), searched(t), "{t:?}");
        }
    }

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
        // Glued to a word before the sentence's stop.
        let found: Vec<(usize, usize, u32)> =
            glued_numbers("within a specified timeframe1. The Strategy").collect();
        assert_eq!(found, vec![(28, 29, 1)]);
        assert_eq!(glued_numbers("the COVID-19. Then 3.5.").count(), 0);
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
