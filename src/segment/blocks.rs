//! Pass 4: content lines → headings, paragraphs and list items.
//!
//! Paragraph boundaries come from the layout when blank lines do not give
//! them: a line ending a sentence well short of the wrap width, any short
//! line before a capital (in wrapped text only a paragraph's last line is
//! short), a colon at a line end before a capital, a list marker, a heading.
//! Across a blank line or a page break a paragraph goes on when its last
//! line left the sentence open. Headings are short lines with no closing
//! punctuation standing above text: a paragraph or a list must follow within
//! a few lines, so the runs of short lines of a table are not taken for
//! headings. A heading wrapped over two lines is rejoined.

use super::lines::{
    ended_early, ends_sentence, is_short, local_widths, starts_lowercase, starts_sentence, Layout,
    Line,
};
use super::markers::{follows, label_shape, marker, number_of, part_label, same_family, Marker};
use super::markup::Hint;
use super::{PassageKind, Role};
use std::cell::OnceCell;

/// How a heading is marked; headings marked alike are siblings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Style {
    /// `#`…`######`.
    Markdown(u8),
    /// "Chapter 3", "Part II", "Article 2", "Section 4", "第三条": a part
    /// named by a word, of this rank (1 = outermost, 4 = article).
    Chapter(u8),
    /// "2." or "2.1" with this many numbers.
    Numbered(u8),
    /// "IV."
    Roman,
    /// "B."
    UpperAlpha,
    /// "(c)" or "c)".
    Letter,
    /// Wholly bold.
    Bold,
    /// Wholly italic.
    Italic,
    /// ALL CAPITALS.
    Caps,
    /// "Topic: subtitle".
    Colon,
    /// Anything else.
    Plain,
}

impl Style {
    /// Whether the heading carries the document's own numbering.
    pub fn is_numbered(&self) -> bool {
        matches!(
            self,
            Style::Chapter(_)
                | Style::Numbered(_)
                | Style::Roman
                | Style::UpperAlpha
                | Style::Letter
        )
    }
}

/// What a unit is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum UnitKind {
    /// A heading of this style.
    Heading(Style),
    /// A passage of this kind.
    Passage(PassageKind),
}

/// A run of source lines forming one heading or passage.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    /// Heading or passage.
    pub kind: UnitKind,
    /// Indices of its lines, in order.
    pub lines: Vec<usize>,
    /// The document's own number or letter for it, as written ("13.", "(f)").
    pub label: Option<String>,
    /// Bytes of the first line's text taken by the list marker or label.
    pub marker_len: usize,
    /// The marker's family, to tell one list from the next.
    pub marker: Option<Marker>,
}

/// What lies between two consecutive content lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gap {
    /// The lines are adjacent.
    None,
    /// Blank lines only.
    Blank,
    /// A page break (running header, page number, footnote block,
    /// page-start indent), with or without blank lines.
    Page { blank: bool },
}

/// What the earlier passes tell the block pass about a document.
pub(crate) struct Evidence<'a> {
    /// Per line: a glued footnote reference ends its text here.
    pub ref_ends: &'a [Option<usize>],
    /// Per line: the structure its markup states.
    pub hints: &'a [Hint],
    /// Per line: the paragraph number standing alone on it.
    pub labels: &'a [Option<u32>],
    /// Headings come from markup alone (a web page that marks them): a
    /// line is not a heading for its looks.
    pub explicit_headings: bool,
    /// Per line: its text stands on three lines or more.
    pub recurs: &'a [bool],
    /// Per line: a bullet standing alone on the line above marks it as a
    /// list item's start.
    pub bullet_above: &'a [bool],
}

/// Builds the units of a document from its content lines.
pub(crate) fn build(
    lines: &[Line],
    layout: &Layout,
    roles: &[Role],
    evidence: &Evidence,
) -> Vec<Unit> {
    let ref_ends = evidence.ref_ends;
    let hints = evidence.hints;
    let content: Vec<usize> = (0..lines.len())
        .filter(|&i| roles[i] == Role::Content && !lines[i].blank)
        .collect();
    let gaps: Vec<Gap> = content
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let from = if k == 0 { 0 } else { content[k - 1] + 1 };
            gap(lines, layout, roles, from, i)
        })
        .collect();
    let markers: Vec<MarkerInfo> = content
        .iter()
        .map(|&i| match evidence.labels[i] {
            // A paragraph number on its own line labels the text below.
            Some(_) => Some((Marker::Number, Some(lines[i].text), lines[i].text.len())),
            None if evidence.bullet_above[i] => Some((Marker::Bullet, None, 0)),
            None => lone_label(lines[i].text).or_else(|| marker(lines[i].text)),
        })
        .collect();
    let widths = match layout.width {
        Some(width) => {
            let lengths: Vec<usize> = content.iter().map(|&i| lines[i].chars).collect();
            local_widths(&lengths, width)
                .into_iter()
                .map(Some)
                .collect()
        }
        None => vec![None; content.len()],
    };
    let ctx = Ctx {
        widths: &widths,
        lines,
        layout,
        content: &content,
        gaps: &gaps,
        ref_ends,
        markers: &markers,
        hints,
        explicit_headings: evidence.explicit_headings,
        recurs: evidence.recurs,
        spans: vec![OnceCell::new(); content.len()],
    };

    // Per line: the quotation marks it leaves open (content lines only).
    let mut quotes = vec![0i32; lines.len()];
    for &i in &content {
        quotes[i] = quote_balance(lines[i].text);
    }
    let mut units: Vec<Unit> = Vec::new();
    let mut cur: Option<Unit> = None;
    // The number of the last numbered paragraph, and how its label is
    // written: a short line numbered next in that sequence is the next
    // paragraph, not a heading.
    let mut last_number: Option<(u32, String)> = None;
    let mut k = 0;
    while k < content.len() {
        let i = content[k];
        let text = ctx.text(i);
        // The markup's word first.
        match hints[i] {
            Hint::Heading(level) => {
                units.extend(cur.take());
                units.push(Unit {
                    kind: UnitKind::Heading(Style::Markdown(level)),
                    lines: vec![i],
                    label: None,
                    marker_len: 0,
                    marker: None,
                });
                k += 1;
                continue;
            }
            Hint::Row => {
                units.extend(cur.take());
                cur = Some(Unit {
                    kind: UnitKind::Passage(PassageKind::Body),
                    lines: vec![i],
                    label: None,
                    marker_len: 0,
                    marker: None,
                });
                k += 1;
                continue;
            }
            Hint::Cell | Hint::Join if cur.is_some() => {
                if let Some(u) = cur.as_mut() {
                    u.lines.push(i);
                }
                k += 1;
                continue;
            }
            Hint::Block | Hint::Item => units.extend(cur.take()),
            _ => {}
        }
        if let Some(u) = cur.as_mut() {
            let prev = ctx.end_text(*u.lines.last().unwrap_or(&i));
            let prev_line = &lines[*u.lines.last().unwrap_or(&i)];
            // A part's label starts a unit only after a sentence's end:
            // "… as set out in" / "Article 3. The …" runs on.
            let structural = match markers[k] {
                Some((Marker::Part, _, _)) => ends_sentence(prev),
                Some(_) => !dash_in_brackets(prev, text),
                None => false,
            };
            let continues = !structural
                && match gaps[k] {
                    Gap::None | Gap::Page { blank: false } => {
                        // Where blank lines part paragraphs, a list item's
                        // lead sentence on a line of its own does not end it.
                        let item_goes_on = u.kind == UnitKind::Passage(PassageKind::ListItem)
                            && ctx.layout.blank_separated
                            && ctx.heading_span(k).is_none();
                        // A quotation left open goes on: a sentence that
                        // ends inside « » ends no paragraph (for a dozen
                        // lines at most, should its mark never close).
                        let quoting = u.lines.len() < 12
                            && u.lines.iter().map(|&j| quotes[j]).sum::<i32>() > 0;
                        item_goes_on || quoting || !ctx.boundary(prev_line, prev, k)
                    }
                    Gap::Blank | Gap::Page { blank: true } => {
                        // A page break cut the sentence: it resumes in lower
                        // case, or in a name after a long paragraph.
                        let long = u.lines.len() > 1 || ctx.lines[u.lines[0]].chars > 150;
                        !ends_sentence(prev)
                            && ctx.heading_span(k).is_none()
                            && (starts_lowercase(text)
                                || (u.kind == UnitKind::Passage(PassageKind::Body) && long))
                    }
                };
            if continues || emphasis_open(&u.lines, &ctx) {
                u.lines.push(i);
                k += 1;
                continue;
            }
            units.push(cur.take().expect("checked above"));
        }
        // A new unit starts here: a heading, a list item or a paragraph.
        let label_line = evidence.labels[i].is_some()
            || markers[k].is_some_and(|(m, _, len)| m != Marker::Bullet && len == text.len());
        let next_in_sequence = match (markers[k], &last_number) {
            (Some((Marker::Number, Some(label), _)), Some((last, shape))) => {
                number_of(label).is_some_and(|n| n == last + 1) && *shape == label_shape(label)
            }
            _ => false,
        };
        // A line below a lead-in that ends in a colon, or below the short
        // lines of a list that such a lead-in opened, continues that
        // sentence: it heads no section.
        let after_lead_in = k > 0 && {
            let short_item = |u: &Unit| {
                matches!(u.kind, UnitKind::Passage(_))
                    && u.lines.len() == 1
                    && !ends_sentence(ctx.text(u.lines[0]))
                    && lines[u.lines[0]].chars < 80
            };
            let items = units
                .iter()
                .rev()
                .take(30)
                .take_while(|u| short_item(u))
                .count();
            units.len() > items && {
                let lead = &units[units.len() - 1 - items];
                matches!(lead.kind, UnitKind::Passage(_))
                    && ctx
                        .text(*lead.lines.last().unwrap_or(&0))
                        .trim_end()
                        .ends_with(':')
            }
        };
        let heading = if label_line || next_in_sequence || after_lead_in {
            None
        } else {
            ctx.heading_span(k)
        };
        if let Some(end) = heading {
            let (style, label, marker_len) = heading_style(text);
            units.push(Unit {
                kind: UnitKind::Heading(style),
                lines: content[k..end].to_vec(),
                label: label.map(str::to_owned),
                marker_len,
                marker: None,
            });
            k = end;
            continue;
        }
        let mut unit = Unit {
            kind: UnitKind::Passage(PassageKind::Body),
            lines: vec![i],
            label: None,
            marker_len: 0,
            marker: None,
        };
        if hints[i] == Hint::Item {
            unit.kind = UnitKind::Passage(PassageKind::ListItem);
        }
        if let Some((m, label, len)) = markers[k] {
            unit.marker = Some(m);
            unit.marker_len = len;
            unit.label = label.map(str::to_owned);
            if m == Marker::Number {
                last_number = label.and_then(|l| Some((number_of(l)?, label_shape(l))));
            }
            let in_list = !label_line
                && m != Marker::Part
                && (m == Marker::Bullet
                    || units.last().is_some_and(|u| {
                        (u.kind == UnitKind::Passage(PassageKind::ListItem)
                            && u.marker.is_none_or(|p| same_family(p, m)))
                            || (matches!(u.kind, UnitKind::Passage(_))
                                && ctx
                                    .text(*u.lines.last().unwrap_or(&0))
                                    .trim_end()
                                    .ends_with(':'))
                    })
                    || markers
                        .get(k + 1)
                        .is_some_and(|n| gaps[k + 1] == Gap::None && n.is_some_and(|n| n.0 == m)));
            if in_list {
                unit.kind = UnitKind::Passage(PassageKind::ListItem);
            }
        }
        k += 1;
        // The paragraph a number labels starts on the next line, whatever
        // it looks like.
        if label_line
            && k < content.len()
            && evidence.labels[content[k]].is_none()
            && !matches!(hints[content[k]], Hint::Heading(_) | Hint::Row)
        {
            unit.lines.push(content[k]);
            k += 1;
        }
        cur = Some(unit);
    }
    units.extend(cur);
    merge_list_continuations(&mut units, &ctx);
    units
}

/// A label standing alone on its line ("1.", "(a)", "iv)"): it labels the
/// paragraph below, as a paragraph number on its own line does.
fn lone_label(text: &str) -> MarkerInfo<'_> {
    if text.len() > 6 || text.is_empty() {
        return None;
    }
    let probe = format!("{text} X");
    match marker(&probe) {
        Some((m, Some(label), len))
            if !matches!(m, Marker::Bullet | Marker::Part) && len == text.len() + 1 =>
        {
            (label.len() == text.len()).then_some((m, Some(text), text.len()))
        }
        _ => None,
    }
}

/// The quotation marks a line opens less those it closes, for the marks
/// that say which they are (« », „ “, ‚ ‘, 「」, 『』): English quotes open
/// and close alike in plain text.
fn quote_balance(text: &str) -> i32 {
    if text.is_ascii() {
        return 0;
    }
    text.chars()
        .map(|c| match c {
            '«' | '„' | '‚' | '「' | '『' => 1,
            '»' | '“' | '‘' | '」' | '』' => -1,
            _ => 0,
        })
        .sum()
}

/// Whether a dash starting a line continues a bracket the line before
/// opened ("(Felles cyberkoordineringssenter" / "– FCKS), which…"): a dash
/// inside brackets is punctuation, not a bullet.
fn dash_in_brackets(prev: &str, text: &str) -> bool {
    text.starts_with(['–', '—', '-']) && prev.matches('(').count() > prev.matches(')').count()
}

/// A list marker as [`marker`] parses it.
type MarkerInfo<'b> = Option<(Marker, Option<&'b str>, usize)>;

struct Ctx<'a, 'b> {
    lines: &'a [Line<'b>],
    layout: &'a Layout,
    content: &'a [usize],
    gaps: &'a [Gap],
    /// Per line: where a glued footnote reference ends its text, if it does.
    ref_ends: &'a [Option<usize>],
    /// Per content line: its list marker.
    markers: &'a [MarkerInfo<'b>],
    /// Per content line: the wrap width around it (none for text that is
    /// not hard-wrapped).
    widths: &'a [Option<usize>],
    /// Per line: the structure its markup states.
    hints: &'a [Hint],
    /// Headings come from markup alone.
    explicit_headings: bool,
    /// Per line: its text stands on three lines or more.
    recurs: &'a [bool],
    /// Per content line: [`Ctx::heading_span`], once asked. The builder
    /// asks up to three times per line.
    spans: Vec<OnceCell<Option<usize>>>,
}

impl Ctx<'_, '_> {
    fn text(&self, i: usize) -> &str {
        self.lines[i].text
    }

    /// Line `i`'s text without a footnote reference that ends it: the
    /// sentence ends before `cyberspace.<sup>1</sup>`'s mark.
    fn end_text(&self, i: usize) -> &str {
        let t = self.lines[i].text;
        match self.ref_ends[i] {
            Some(at) if at <= t.len() && t.is_char_boundary(at) => t[..at].trim_end(),
            _ => t,
        }
    }

    /// Whether a paragraph ends between `prev` and the content line `k`
    /// that follows it with no blank line between.
    fn boundary(&self, prev_line: &Line, prev: &str, k: usize) -> bool {
        let text = self.text(self.content[k]);
        // A line ending on a preposition or an article ("направляется на
        // согласование в" / "Министерство по") leaves its sentence open,
        // however short the line: text justified a word per line.
        if !starts_sentence(text) || ends_with_connector(prev) {
            return false;
        }
        // The unit's last line is the content line before `k`.
        let width = self.widths[k.saturating_sub(1)];
        let short = is_short(prev_line.chars, width);
        (ends_sentence(prev) && ended_early(prev_line.chars, width, text))
            || prev.trim_end().ends_with(':')
            // In wrapped text only a paragraph's last line is short: a short
            // line before a new sentence closed its block (a table cell, a
            // caption, a line that is no heading), sentence end or not.
            || (self.layout.width.is_some() && short)
            || (self.heading_span(k).is_some()
                && (ends_sentence(prev) || short || matches!(self.gaps[k], Gap::Page { .. })))
    }

    /// If a heading starts at content line `k`, the content index just past
    /// its last line.
    fn heading_span(&self, k: usize) -> Option<usize> {
        *self.spans[k].get_or_init(|| self.find_heading_span(k))
    }

    fn find_heading_span(&self, k: usize) -> Option<usize> {
        let i = self.content[k];
        let l = &self.lines[i];
        let text = l.text;
        if self.explicit_headings || self.hints[i] != Hint::None && self.hints[i] != Hint::Block {
            return None;
        }
        // A text standing on three lines or more is a table's column
        // header or a label, and a contents title announces no section.
        if self.recurs[i] || super::contents::is_toc_title(text) {
            return None;
        }
        // A bullet never heads a section, unless it only dresses a label:
        // "- (d) **Possible measures**".
        let (m, rest) = match self.markers[k] {
            Some((Marker::Bullet, _, len)) => match marker(&text[len..]) {
                Some((m, _, len2)) => (Some(m), &text[len + len2..]),
                None => return None,
            },
            Some((m, _, len)) => (Some(m), &text[len..]),
            None => (None, text),
        };
        // Lines wrapped inside one bold span belong together.
        let mut end = k + 1;
        let mut joined_len = l.chars;
        if double_stars(text) % 2 == 1 {
            while end < self.content.len() && end - k < 6 && self.gaps[end] == Gap::None {
                let t = self.text(self.content[end]);
                joined_len += t.chars().count();
                end += 1;
                if double_stars(t) % 2 == 1 {
                    break;
                }
            }
        }
        let single = end == k + 1;
        let limit = if self.layout.width.is_some() {
            120
        } else {
            200
        };
        // The layout test first: it is cheap and turns away most lines.
        if single && self.layout.width.is_some() && !is_short(l.chars, self.widths[k]) {
            return None;
        }
        if joined_len > limit || !self.heading_text_ok(rest, m.is_some()) {
            return None;
        }
        // Without a wrap width to go by, a heading without a number is a
        // short title, not a clause of a sentence.
        if self.layout.width.is_none() && m.is_none() {
            let words = rest.split_whitespace().take(13).count();
            if words > 12 || rest.matches(',').nth(2).is_some() {
                return None;
            }
        }
        // What follows must be text on the same page, not a page turn: a
        // short line closing a page is the end of a paragraph.
        let next = *self.content.get(end)?;
        if matches!(self.gaps[end], Gap::Page { .. }) && !l.indented {
            return None;
        }
        // Items of a list in a row are not headings: "2." right above "3.",
        // where "2." above "6." is a heading above its paragraphs.
        if m.is_some() && self.gaps[end] == Gap::None {
            if let (Some((a, Some(la), _)), Some((b, Some(lb), _))) =
                (self.markers[k], self.markers[end])
            {
                // Parts follow one another within their rank: a chapter
                // above its first article is a heading.
                let same_rank = a != Marker::Part
                    || super::markers::part_rank_of(la) == super::markers::part_rank_of(lb);
                if a == b && same_rank && follows(la, lb) {
                    return None;
                }
            }
        }
        // A second line continuing a one-line heading.
        if single && self.gaps[end] == Gap::None {
            if let Some(&after) = self.content.get(end + 1) {
                let cont = &self.lines[next];
                let t = cont.text;
                let joins = self.markers[end].is_none()
                    && cont.chars <= limit
                    && is_short(cont.chars, self.widths[end])
                    && !ends_sentence(t)
                    && !t.ends_with(',')
                    && !ends_with_connector(t)
                    && !t.contains(';')
                    && (starts_lowercase(t)
                        || text.trim_end().ends_with([':', '&', '–', '-'])
                        || ends_with_connector(text)
                        || (m.is_some() && !starts_lowercase(t)))
                    && self.gaps.get(end + 1).is_some_and(|g| {
                        *g != Gap::Page { blank: false } || !self.lines[after].indented
                    });
                if joins {
                    return (self.heading_end_ok(self.content[end]) && self.text_follows(end + 1))
                        .then_some(end + 1);
                }
            }
        }
        // A line whose next line reads on from it starts a paragraph.
        if self.gaps[end] == Gap::None && starts_lowercase(self.text(next)) {
            return None;
        }
        (self.heading_end_ok(self.content[end - 1]) && self.text_follows(end)).then_some(end)
    }

    /// Whether a sentence ends in the paragraph that content line `j`
    /// starts (within eight lines, a page break passed over): a list of
    /// items wrapped over two lines each looks like headings above
    /// paragraphs, but no item ends a sentence.
    fn sentence_within(&self, j: usize) -> bool {
        let stop = (j + 8).min(self.content.len());
        for m in j..stop {
            if m > j && self.gaps[m] == Gap::Blank {
                break;
            }
            let t = self.text(self.content[m]);
            if ends_sentence(t) || contains(t, ". ") || contains(t, "? ") || contains(t, "! ") {
                return true;
            }
        }
        false
    }

    /// Whether a heading may end with line `last`: not in punctuation that
    /// leads on (a colon, a comma), not in a sentence's end or a word that
    /// cannot end a title, not in a footnote reference or an address.
    fn heading_end_ok(&self, last: usize) -> bool {
        let last_t = self.text(last).trim_end().trim_end_matches(['*', '_']);
        !(last_t.ends_with([',', ';', '-', '–', '—', '.', ':', '،', '、', '，'])
            || ends_sentence(last_t)
            || ends_with_connector(last_t)
            || contains(last_t, "http")
            || self.ref_ends[last].is_some())
    }

    /// Whether text follows a heading ending before content line `end`: a
    /// list right below it, or a paragraph line or a one-line paragraph
    /// within the next four
    /// lines (headings stack: a chapter above a section above text). Tables
    /// and lists without markers are runs of short lines that would each
    /// pass for a heading; nothing but more of them follows.
    fn text_follows(&self, end: usize) -> bool {
        for j in end..(end + 4).min(self.content.len()) {
            let l = &self.lines[self.content[j]];
            if matches!(self.hints[self.content[j]], Hint::Heading(_)) {
                return true;
            }
            // A line without a word (a figure, a year) between a short line
            // and the text below: a cover or a table, not a heading. A
            // paragraph's number on its own line is passed over.
            let label_line = self.markers[j].is_some_and(|(_, _, len)| len == l.text.len());
            if !label_line && !l.text.chars().any(char::is_alphabetic) {
                return false;
            }
            // A list right below, of items that say something: a numbered
            // row of a table is a few words.
            if let (true, Some((_, _, len))) = (j == end, self.markers[j]) {
                let item = &l.text[len..];
                if ends_sentence(item) || words(item) >= 4 {
                    return true;
                }
            }
            let paragraph = match self.widths[j] {
                Some(_) => !is_short(l.chars, self.widths[j]),
                // Without a wrap width a paragraph is a whole line.
                None => l.chars >= 100,
            };
            if (paragraph && self.sentence_within(j))
                || (ends_sentence(l.text) && words(l.text) >= 4)
            {
                return true;
            }
        }
        false
    }

    /// The text tests for a heading's first line: it starts as a title
    /// does, is short, and is not a quotation or an attribution.
    fn heading_text_ok(&self, first: &str, _numbered: bool) -> bool {
        let first = first.trim_start_matches(['*', '_']);
        let Some(c) = first.chars().next() else {
            return false;
        };
        // Scripts without case (Chinese, Arabic) start a title as they
        // start anything else.
        let caseless = c.is_alphabetic() && !c.is_lowercase() && !c.is_uppercase();
        if !(c.is_uppercase() || c.is_ascii_digit() || c == '(' || caseless) {
            return false;
        }
        if is_caption(first) || has_inner_sentence_end(first) {
            return false;
        }
        if first.contains(';') || contains(first, "i.e.") || contains(first, "e.g.") {
            return false;
        }
        let words = first.split_whitespace().take(31).count();
        words <= 30 && first.chars().any(char::is_alphabetic)
    }
}

/// Whether a line is a caption or a source line of a figure or table
/// ("Chart 1 Changes…", "Source: ITU…", "Table 3:"), in the corpus
/// languages.
fn is_caption(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "chart",
        "figure",
        "fig",
        "table",
        "graph",
        "source",
        "sources",
        "note",
        "box",
        "map",
        "diagram",
        "illustration",
        "exhibit",
        "gráfico",
        "figura",
        "tabla",
        "cuadro",
        "fuente",
        "tableau",
        "graphique",
        "encadré",
        "рисунок",
        "таблица",
        "источник",
        "σχήμα",
        "πίνακας",
        "πηγή",
        "attēls",
        "tabula",
        "avots",
    ];
    let mut words = text.splitn(3, |c: char| c.is_whitespace() || c == ':' || c == '.');
    let first: String = words
        .next()
        .unwrap_or("")
        .chars()
        .flat_map(char::to_lowercase)
        .collect();
    if !WORDS.contains(&first.as_str()) {
        return false;
    }
    // "Source:" or "Figure 3", not "Table Mountain" or "Source of funds".
    let after = &text[first.len().min(text.len())..];
    after.starts_with([':', '.']) || after.trim_start().starts_with(|c: char| c.is_ascii_digit())
}

/// Whether a sentence ends inside the line ("ITU. Taken from…"): a stop
/// after a word of two letters or more without stops of its own (not an
/// initial, not "U.S."), before a capital.
fn has_inner_sentence_end(text: &str) -> bool {
    let mut rest = text;
    while let Some(at) = rest.find(". ") {
        let before = &rest[..at];
        let word = before.rsplit(' ').next().unwrap_or(before);
        let after = &rest[at + 2..];
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        if letters >= 2
            && !word.contains('.')
            && word.chars().all(char::is_alphabetic)
            && after.starts_with(char::is_uppercase)
        {
            return true;
        }
        rest = after;
    }
    false
}

/// The words of `text` that have a letter or digit, up to five.
fn words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .take(5)
        .count()
}

/// Whether the heading line ends on a word that cannot end a title.
fn ends_with_connector(text: &str) -> bool {
    super::boilerplate::ends_with_function_word(text.trim_end())
}

/// Whether `text`, lower-cased, starts with `prefix` (lower case).
fn starts_with_lower(text: &str, prefix: &str) -> bool {
    let mut lower = text.chars().flat_map(char::to_lowercase);
    prefix.chars().all(|p| lower.next() == Some(p))
}

/// `haystack.contains(needle)` for the short needles of the heading tests,
/// without setting up a substring searcher for each line.
fn contains(haystack: &str, needle: &str) -> bool {
    let Some((&first, rest)) = needle.as_bytes().split_first() else {
        return true;
    };
    let mut hay = haystack.as_bytes();
    while let Some(at) = hay.iter().position(|&b| b == first) {
        if hay[at + 1..].starts_with(rest) {
            return true;
        }
        hay = &hay[at + 1..];
    }
    false
}

/// How many times `**` occurs in `text`, as `str::matches` counts: left to
/// right, without overlaps.
fn double_stars(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut count = 0;
    let mut i = match bytes.iter().position(|&b| b == b'*') {
        Some(i) => i,
        None => return 0,
    };
    while i + 1 < bytes.len() {
        if bytes[i] == b'*' && bytes[i + 1] == b'*' {
            count += 1;
            i += 2;
        } else {
            i += 1;
        }
    }
    count
}

/// Whether the unit's lines leave a `**` span open.
fn emphasis_open(unit_lines: &[usize], ctx: &Ctx) -> bool {
    unit_lines.len() < 8
        && unit_lines
            .iter()
            .map(|&i| double_stars(ctx.text(i)))
            .sum::<usize>()
            % 2
            == 1
}

/// The heading's style, its label and the label's length in bytes.
fn heading_style(text: &str) -> (Style, Option<&str>, usize) {
    let t = match marker(text) {
        Some((Marker::Bullet, _, len)) => &text[len..],
        _ => text,
    };
    let offset = text.len() - t.len();
    // "Article 3", "CHAPITRE II", "Статья 3", "第三条", "3. pants": the part
    // word ranks the heading; the label stays in its text.
    if let Some((_, _, rank)) = part_label(t) {
        return (Style::Chapter(rank), None, 0);
    }
    if let Some((m, label, len)) = marker(t) {
        let style = match m {
            Marker::Number => Style::Numbered(1),
            Marker::Dotted(d) => Style::Numbered(d),
            Marker::Roman => Style::Roman,
            Marker::UpperAlpha => Style::UpperAlpha,
            Marker::Letter => Style::Letter,
            Marker::Bullet => Style::Plain,
            Marker::Part => Style::Chapter(4),
        };
        return (style, label, offset + len);
    }
    if [
        "chapter ",
        "part ",
        "article ",
        "section ",
        "chapitre ",
        "capítulo ",
        "título ",
        "artículo ",
        "глава ",
        "раздел ",
    ]
    .iter()
    .any(|p| starts_with_lower(t, p))
    {
        return (Style::Chapter(2), None, 0);
    }
    let core = t.trim_matches(|c: char| c.is_whitespace());
    if core.starts_with("**") && core.ends_with("**") {
        return (Style::Bold, None, 0);
    }
    if core.starts_with('*') && core.ends_with('*') {
        return (Style::Italic, None, 0);
    }
    let letters: Vec<char> = core.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 3 && letters.iter().all(|c| c.is_uppercase()) {
        return (Style::Caps, None, 0);
    }
    if core.contains(": ") {
        return (Style::Colon, None, 0);
    }
    (Style::Plain, None, 0)
}

/// Classifies what lies between content lines (exclusive `from`..`to`).
fn gap(lines: &[Line], layout: &Layout, roles: &[Role], from: usize, to: usize) -> Gap {
    let mut blank = false;
    let mut page = lines[to].form_feed || (layout.indent_marks_page && lines[to].indented);
    for role in &roles[from..to] {
        match role {
            Role::Blank | Role::Content => blank = true,
            Role::Dropped(r) => page |= r.breaks_page(),
            Role::FootnoteMarker | Role::FootnoteText => page = true,
        }
    }
    match (page, blank) {
        (true, b) => Gap::Page { blank: b },
        (false, true) => Gap::Blank,
        (false, false) => Gap::None,
    }
}

/// A paragraph standing between two bullets of one list, after an item's
/// lead sentence, is the rest of that item (PDFs lose the indentation).
fn merge_list_continuations(units: &mut Vec<Unit>, ctx: &Ctx) {
    let is_item = |u: &Unit| {
        u.kind == UnitKind::Passage(PassageKind::ListItem) && u.marker == Some(Marker::Bullet)
    };
    let mut out: Vec<Unit> = Vec::with_capacity(units.len());
    let mut rest = std::mem::take(units).into_iter().peekable();
    while let Some(u) = rest.next() {
        let plain_body = u.kind == UnitKind::Passage(PassageKind::Body)
            && u.marker.is_none()
            && !ctx
                .text(*u.lines.last().unwrap_or(&0))
                .trim_end()
                .ends_with(':');
        let between = out.last().is_some_and(is_item) && rest.peek().is_some_and(is_item);
        match out.last_mut() {
            Some(prev) if plain_body && between => prev.lines.extend(u.lines),
            _ => out.push(u),
        }
    }
    *units = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_styles() {
        assert_eq!(heading_style("2.1 United Nations").0, Style::Numbered(2));
        assert_eq!(heading_style("**Dissuasion**").0, Style::Bold);
        assert_eq!(heading_style("*Grounded in Principle*").0, Style::Italic);
        assert_eq!(heading_style("CHAPTER 1").0, Style::Chapter(2));
        assert_eq!(heading_style("CHAPITRE II").0, Style::Chapter(2));
        assert_eq!(heading_style("Capítulo IV").0, Style::Chapter(2));
        assert_eq!(heading_style("Глава 2").0, Style::Chapter(2));
        assert_eq!(heading_style("Раздел II").0, Style::Chapter(1));
        assert_eq!(heading_style("Статья 3").0, Style::Chapter(4));
        assert_eq!(heading_style("Άρθρο 3").0, Style::Chapter(4));
        assert_eq!(heading_style("第三条").0, Style::Chapter(4));
        assert_eq!(heading_style("3. pants").0, Style::Chapter(4));
        assert_eq!(heading_style("Art. 3").0, Style::Chapter(4));
        assert_eq!(
            heading_style("Crime prevention: international cooperation").0,
            Style::Colon
        );
    }
}
