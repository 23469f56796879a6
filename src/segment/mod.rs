//! Raw text → ordered, citable passages.
//!
//! Input: the text of one document as it was extracted (PDF hard wraps,
//! interleaved footnotes, Markdown, page banners). Output: a [`Segmentation`]:
//! the [`Passage`]s in reading order, each with its section chain, its source
//! line range, the document's own label and page where the layout shows them;
//! and a [`Dropped`] report of every line left out (banners, running headers,
//! page numbers, tables of contents) and why.
//!
//! Invariant (tested on every document): every word of the source lands in
//! exactly one passage, in a section heading, or in the dropped report.

mod blocks;
mod boilerplate;
mod clean;
mod footnotes;
mod lines;

use crate::corpus::Document;
use blocks::{Style, UnitKind};
use lines::Line;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// What kind of passage this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PassageKind {
    /// An ordinary paragraph.
    Body,
    /// One item of a bulleted or numbered list.
    ListItem,
    /// A footnote's text.
    Footnote,
}

impl PassageKind {
    /// The name used in JSON, in the index and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            PassageKind::Body => "body",
            PassageKind::ListItem => "list-item",
            PassageKind::Footnote => "footnote",
        }
    }

    /// Parses `body`, `list-item` or `footnote`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "body" => Some(PassageKind::Body),
            "list-item" => Some(PassageKind::ListItem),
            "footnote" => Some(PassageKind::Footnote),
            _ => None,
        }
    }
}

/// One passage: a paragraph, list item or footnote, cleaned and located.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// The document id (from the manifest).
    pub doc: String,
    /// 1-based ordinal in reading order.
    pub n: u32,
    /// Body, list item or footnote.
    pub kind: PassageKind,
    /// The chain of headings above the passage, outermost first, clean text.
    pub section: Vec<String>,
    /// 1-based `[first, last]` line range in the source file.
    pub lines: [u32; 2],
    /// The document's own numbering of this passage (`1.`, `(c)`, `2.1`,
    /// `13(f)`, a footnote's number), when it has one.
    pub label: Option<String>,
    /// The page the passage starts on, when the layout shows page breaks.
    pub page: Option<u32>,
    /// Clean text: unwrapped, de-hyphenated, without Markdown syntax or glued
    /// footnote reference numbers.
    pub text: String,
    /// Footnote numbers referenced from this passage's text.
    #[serde(default)]
    pub footnotes: Vec<u32>,
    /// Theme ids the tagger gave this passage (empty until tagged).
    #[serde(default)]
    pub themes: Vec<String>,
}

/// Why a source line was left out of every passage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DropReason {
    /// A banner or running header/footer repeated across pages.
    RunningHeader,
    /// A bare page number.
    PageNumber,
    /// A table-of-contents line.
    TableOfContents,
    /// Bare footnote numbers standing apart from their texts.
    FootnoteMarker,
    /// Markup with no words (rules, image placeholders, stray symbols).
    Markup,
    /// The authors' byline repeated from the manifest.
    Byline,
}

impl DropReason {
    /// Whether a dropped line of this kind marks a page break.
    pub fn breaks_page(self) -> bool {
        matches!(
            self,
            DropReason::RunningHeader | DropReason::PageNumber | DropReason::TableOfContents
        )
    }

    /// A short human name.
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::RunningHeader => "running-header",
            DropReason::PageNumber => "page-number",
            DropReason::TableOfContents => "table-of-contents",
            DropReason::FootnoteMarker => "footnote-marker",
            DropReason::Markup => "markup",
            DropReason::Byline => "byline",
        }
    }
}

/// One dropped source line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dropped {
    /// 1-based line number.
    pub line: u32,
    /// Why it was dropped.
    pub reason: DropReason,
    /// The line as it stood.
    pub text: String,
}

/// A heading as found in the source: its clean text and line range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Heading {
    /// Nesting level, 1 = outermost.
    pub level: u8,
    /// Clean heading text.
    pub text: String,
    /// 1-based `[first, last]` line range.
    pub lines: [u32; 2],
}

/// The result of segmenting one document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Segmentation {
    /// Passages in reading order.
    pub passages: Vec<Passage>,
    /// Headings in reading order.
    pub headings: Vec<Heading>,
    /// Lines left out, in line order.
    pub dropped: Vec<Dropped>,
}

/// What a source line turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Whitespace only.
    Blank,
    /// Text that goes into a passage or heading.
    Content,
    /// Left out, for this reason.
    Dropped(DropReason),
    /// A bare footnote number above a footnote block.
    FootnoteMarker,
    /// Part of a footnote's text.
    FootnoteText,
}

/// The word-at-a-time multiplicative hash of rustc (FxHash), for the short
/// string keys the passes look up once per line or word. SipHash, the
/// standard default, guards against hash flooding by hostile input; a
/// document only slows its own segmentation, and SipHash took a tenth of the
/// running time.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A hash map keyed with [`FxHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
/// A hash set keyed with [`FxHasher`].
pub(crate) type FastSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;

/// Cuts one document's text into passages.
///
/// `doc` supplies the id and the metadata used to recognise running headers
/// and bylines (title, container, authors). Never panics, whatever the text.
pub fn segment(doc: &Document, text: &str) -> Segmentation {
    let lines = lines::split(text);
    let layout = lines::measure(&lines);
    let mut roles: Vec<Role> = lines
        .iter()
        .map(|l| if l.blank { Role::Blank } else { Role::Content })
        .collect();
    boilerplate::mark(&lines, doc, &mut roles);
    let notes = footnotes::detect(&lines, &layout, &mut roles);
    for (l, r) in lines.iter().zip(roles.iter_mut()) {
        if *r == Role::Content && lines::bare_number(l.text).is_some() {
            *r = Role::Dropped(DropReason::PageNumber);
        }
    }
    // Glued references cut from each line's text, and where a reference
    // ends a line (such a line cannot be a heading).
    let mut cuts: Vec<Vec<&footnotes::RefMark>> = vec![Vec::new(); lines.len()];
    for m in &notes.marks {
        cuts[m.line].push(m);
    }
    let ref_ends: Vec<Option<usize>> = cuts
        .iter()
        .zip(&lines)
        .map(|(c, l)| c.iter().find(|m| m.end == l.text.len()).map(|m| m.start))
        .collect();
    let units = blocks::build(&lines, &layout, &roles, &ref_ends);
    let pages = pages(&lines, &layout, &roles);

    let texts: Vec<&str> = lines
        .iter()
        .zip(&roles)
        .filter(|(_, r)| matches!(r, Role::Content | Role::FootnoteText))
        .map(|(l, _)| l.text)
        .collect();
    let vocab = clean::Vocabulary::build(&texts);
    let keeps = |h: &str, t: &str| vocab.keeps_hyphen(h, t);
    // The unwrapped text of a unit and one line's piece of it, reused from
    // unit to unit.
    let mut raw = String::new();
    let mut piece = String::new();
    // Headings keep their reference numbers: they have no footnote list.
    let mut text_of = |idx: &[usize], marker_len: usize, cut: bool| -> String {
        raw.clear();
        for (k, &i) in idx.iter().enumerate() {
            let t = lines[i].text;
            let skip = if k == 0 { marker_len } else { 0 };
            let mut at = skip.min(t.len());
            if !cut || cuts[i].is_empty() {
                clean::join_into(&mut raw, &t[at..], &keeps);
                continue;
            }
            piece.clear();
            for m in &cuts[i] {
                if m.start >= at {
                    piece.push_str(&t[at..m.start]);
                    at = m.end;
                }
            }
            piece.push_str(&t[at..]);
            clean::join_into(&mut raw, &piece, &keeps);
        }
        clean::tidy(&raw)
    };

    // Units and footnotes in reading order.
    enum Item<'a> {
        Unit(&'a blocks::Unit),
        Note(&'a footnotes::Note),
    }
    let mut items: Vec<(usize, Item)> = units.iter().map(|u| (u.lines[0], Item::Unit(u))).collect();
    items.extend(
        notes
            .notes
            .iter()
            .filter(|n| !n.lines.is_empty())
            .map(|n| (n.lines[0], Item::Note(n))),
    );
    items.sort_by_key(|(first, _)| *first);

    let mut seg = Segmentation::default();
    let mut stack = SectionStack::default();
    let mut parent_label: Option<String> = None;
    for (_, item) in items {
        let (kind, idx, label, text) = match item {
            Item::Unit(u) => match &u.kind {
                UnitKind::Heading(style) => {
                    let bullet = match blocks::marker(lines[u.lines[0]].text) {
                        Some((blocks::Marker::Bullet, _, len)) => len,
                        _ => 0,
                    };
                    let text = text_of(&u.lines, bullet, false);
                    let text = text.trim_start_matches('#').trim().to_string();
                    if text.is_empty() {
                        continue;
                    }
                    let level = stack.push(style.clone(), &lines[u.lines[0]], text.clone());
                    seg.headings.push(Heading {
                        level,
                        text,
                        lines: [
                            lines[u.lines[0]].no,
                            lines[*u.lines.last().unwrap_or(&0)].no,
                        ],
                    });
                    parent_label = None;
                    continue;
                }
                UnitKind::Passage(kind) => {
                    let mut label = u.label.clone();
                    if *kind == PassageKind::Body && u.marker == Some(blocks::Marker::Number) {
                        parent_label = label.clone();
                    } else if u.marker == Some(blocks::Marker::Letter) {
                        if let (Some(p), Some(l)) = (&parent_label, &label) {
                            let letter = l.trim_matches(|c| c == '(' || c == ')' || c == '.');
                            label = Some(format!("{}({letter})", p.trim_end_matches('.')));
                        }
                    }
                    (
                        *kind,
                        &u.lines,
                        label,
                        text_of(&u.lines, u.marker_len, true),
                    )
                }
            },
            Item::Note(n) => {
                let len = lines[n.lines[0]]
                    .text
                    .strip_prefix(&n.num.to_string())
                    .filter(|rest| rest.starts_with([' ', '.']))
                    .map_or(0, |_| n.num.to_string().len());
                (
                    PassageKind::Footnote,
                    &n.lines,
                    Some(n.num.to_string()),
                    text_of(&n.lines, len, true),
                )
            }
        };
        if !text.chars().any(char::is_alphanumeric) {
            // Nothing but punctuation left (a stray bullet): report it.
            for &i in idx {
                seg.dropped.push(Dropped {
                    line: lines[i].no,
                    reason: DropReason::Markup,
                    text: lines[i].raw.to_string(),
                });
            }
            continue;
        }
        let footnotes: Vec<u32> = idx
            .iter()
            .flat_map(|&i| cuts[i].iter().filter(|m| !m.marker).map(|m| m.num))
            .collect();
        seg.passages.push(Passage {
            doc: doc.id.clone(),
            n: seg.passages.len() as u32 + 1,
            kind,
            section: stack.chain(),
            lines: [lines[idx[0]].no, lines[*idx.last().unwrap_or(&idx[0])].no],
            label,
            page: pages.as_ref().map(|p| p[idx[0]]),
            text,
            footnotes,
            themes: Vec::new(),
        });
    }

    for (i, (l, r)) in lines.iter().zip(&roles).enumerate() {
        let reason = match r {
            Role::Dropped(reason) => *reason,
            Role::FootnoteMarker => DropReason::FootnoteMarker,
            _ => {
                for m in cuts[i].iter().filter(|m| m.marker) {
                    seg.dropped.push(Dropped {
                        line: l.no,
                        reason: DropReason::FootnoteMarker,
                        text: l.text[m.start..m.end].to_string(),
                    });
                }
                continue;
            }
        };
        seg.dropped.push(Dropped {
            line: l.no,
            reason,
            text: l.raw.to_string(),
        });
    }
    seg.dropped.sort_by_key(|d| d.line);
    seg
}

/// The headings above the current point, outermost first.
#[derive(Default)]
struct SectionStack {
    entries: Vec<(Style, String)>,
    /// Emphasis of each Markdown heading level seen, so that a bold line
    /// styled like a `###` heading ranks as one.
    md_emphasis: Vec<(u8, Style)>,
}

impl SectionStack {
    /// Places a heading; returns its level (1 = outermost).
    fn push(&mut self, style: Style, line: &Line, text: String) -> u8 {
        // The document's own numbering outranks its markup: "## IV." is a
        // sibling of "# I." whatever the extraction made of their levels.
        let numbering = blocks::numbering(&text);
        if let Some(n) = numbering {
            if let Some(pos) = self
                .entries
                .iter()
                .position(|(_, t)| blocks::numbering(t) == Some(n))
            {
                self.entries.truncate(pos);
                self.entries.push((style, text));
                return self.entries.len() as u8;
            }
        }
        let mut style = style;
        if let Style::Markdown(level) = style {
            let inner = line.text.trim_start_matches('#').trim();
            let emph = if inner.starts_with("**") {
                Style::Bold
            } else if inner.starts_with('*') {
                Style::Italic
            } else {
                Style::Plain
            };
            self.md_emphasis.retain(|(l, _)| *l != level);
            self.md_emphasis.push((level, emph));
        } else if matches!(style, Style::Bold | Style::Italic) {
            if let Some((level, _)) = self.md_emphasis.iter().rev().find(|(_, e)| *e == style) {
                style = Style::Markdown(*level);
            }
        }
        match style {
            Style::Markdown(level) => {
                while let Some((top, _)) = self.entries.last() {
                    match top {
                        Style::Markdown(l) if *l < level => break,
                        _ => {
                            self.entries.pop();
                        }
                    }
                }
            }
            ref s => {
                if let Some(pos) = self.entries.iter().position(|(st, _)| st == s) {
                    // An unnumbered heading inside a numbered section is its
                    // sub-heading, not a sibling of an earlier unnumbered one.
                    let numbered_below = self.entries[pos + 1..]
                        .iter()
                        .any(|(st, _)| st.is_numbered());
                    if s.is_numbered() || !numbered_below {
                        self.entries.truncate(pos);
                    }
                }
            }
        }
        self.entries.push((style, text));
        self.entries.len() as u8
    }

    fn chain(&self) -> Vec<String> {
        self.entries.iter().map(|(_, t)| t.clone()).collect()
    }
}

/// The page of every line: the printed number where the source has page
/// numbers, otherwise the page count from page breaks; `None` when the
/// layout shows no page breaks at all.
fn pages(lines: &[Line], layout: &lines::Layout, roles: &[Role]) -> Option<Vec<u32>> {
    let printed: Vec<(usize, u32)> = lines
        .iter()
        .zip(roles)
        .enumerate()
        .filter(|(_, (_, r))| **r == Role::Dropped(DropReason::PageNumber))
        .filter_map(|(i, (l, _))| lines::bare_number(l.text).map(|n| (i, n)))
        .collect();
    let increasing = printed.windows(2).filter(|w| w[1].1 > w[0].1).count();
    if printed.len() >= 3 && increasing * 4 >= (printed.len() - 1) * 3 {
        // Footer numbers: a line stands on the page whose number follows it.
        let mut out = vec![0; lines.len()];
        let mut next = printed.iter().peekable();
        for (i, slot) in out.iter_mut().enumerate() {
            while next.peek().is_some_and(|(j, _)| *j < i) {
                next.next();
            }
            *slot = match next.peek() {
                Some((_, n)) => *n,
                None => printed.last().map_or(1, |(_, n)| n + 1),
            };
        }
        return Some(out);
    }
    let mut out = Vec::with_capacity(lines.len());
    let mut page = 1;
    let mut breaks = 0;
    let mut pending = false;
    let mut seen_content = false;
    for (l, r) in lines.iter().zip(roles) {
        let signal = match r {
            Role::Dropped(reason) => reason.breaks_page(),
            Role::Content if !l.blank => l.form_feed || (layout.indent_marks_page && l.indented),
            _ => false,
        };
        if signal && seen_content {
            pending = true;
        }
        if matches!(r, Role::Content) && !l.blank {
            if pending {
                page += 1;
                breaks += 1;
                pending = false;
            }
            seen_content = true;
        }
        // Footnote text closes its page: the next content starts a new one.
        if matches!(r, Role::FootnoteText) {
            pending = true;
        }
        out.push(page);
    }
    (breaks > 0).then_some(out)
}

/// Checks that every letter and digit of `text` is accounted for by the
/// segmentation: in a passage (text, label, footnote numbers), a heading, or
/// the dropped report. Returns the characters that went missing, with how
/// many of each.
pub fn unaccounted(text: &str, seg: &Segmentation) -> Vec<(char, usize)> {
    let mut count: HashMap<char, i64> = HashMap::new();
    let source = strip_html_tags(text);
    for c in source.chars().filter(|c| c.is_alphanumeric()) {
        *count.entry(c).or_default() += 1;
    }
    let mut take = |s: &str| {
        for c in s.chars().filter(|c| c.is_alphanumeric()) {
            *count.entry(c).or_default() -= 1;
        }
    };
    for p in &seg.passages {
        take(&p.text);
        if let Some(l) = &p.label {
            take(l);
        }
        for f in &p.footnotes {
            take(&f.to_string());
        }
    }
    for h in &seg.headings {
        take(&h.text);
    }
    for d in &seg.dropped {
        take(&strip_html_tags(&d.text));
    }
    let mut missing: Vec<(char, usize)> = count
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(c, n)| (c, n as usize))
        .collect();
    missing.sort();
    missing
}

fn strip_html_tags(text: &str) -> String {
    clean::tidy_tags(text)
}
