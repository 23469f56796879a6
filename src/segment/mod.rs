//! Raw text → ordered, citable passages.
//!
//! Input: the text of one document as it was extracted (PDF hard wraps,
//! interleaved footnotes, Markdown, page banners). Output: a [`Segmentation`]:
//! the [`Passage`]s in reading order, each with its section chain, its source
//! line range, the document's own label and page where the layout shows them;
//! and a [`Dropped`] report of every line left out (banners, running headers,
//! page numbers, tables of contents) and why.
//!
//! The passes, one module each: `lines` (the layout), `boilerplate`
//! (page furniture), `footnotes`, `blocks` (headings, paragraphs, list
//! items) and `clean` (a unit's lines to clean text). Text extracted a
//! page or a block per line has no paragraphs to go by; its passages over
//! 400 words are cut at sentence ends.
//!
//! Invariant (tested on every document): every word of the source lands in
//! exactly one passage, in a section heading, or in the dropped report.
//!
//! Every pass is linear in the length of the text: a 50 MB document, on one
//! line or many, segments in seconds.

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
    let printed = boilerplate::mark(&lines, doc, &mut roles);
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
    let pages = pages(&lines, &layout, &roles, &printed);

    let texts: Vec<&str> = lines
        .iter()
        .zip(&roles)
        .filter(|(_, r)| matches!(r, Role::Content | Role::FootnoteText))
        .map(|(l, _)| l.text)
        .collect();
    let vocab = clean::Vocabulary::build(&texts);
    let mut texts = Texts {
        lines: &lines,
        cuts: &cuts,
        vocab: &vocab,
        raw: String::new(),
        piece: String::new(),
        starts: Vec::new(),
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
        let (kind, idx, label, chunks) = match item {
            Item::Unit(u) => match &u.kind {
                UnitKind::Heading(style) => {
                    let bullet = match blocks::marker(lines[u.lines[0]].text) {
                        Some((blocks::Marker::Bullet, _, len)) => len,
                        _ => 0,
                    };
                    let text = texts.text(&u.lines, bullet, false);
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
                    (*kind, &u.lines, label, texts.chunks(&u.lines, u.marker_len))
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
                    texts.chunks(&n.lines, len),
                )
            }
        };
        if !chunks
            .iter()
            .any(|c| c.text.chars().any(char::is_alphanumeric))
        {
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
        let mut label = label;
        // A line two chunks share gives its references to the first.
        let mut refs_from = 0;
        for chunk in chunks {
            let footnotes: Vec<u32> = idx[refs_from.max(chunk.first)..=chunk.last]
                .iter()
                .flat_map(|&i| cuts[i].iter().filter(|m| !m.marker).map(|m| m.num))
                .collect();
            refs_from = chunk.last + 1;
            let first = idx[chunk.first];
            seg.passages.push(Passage {
                doc: doc.id.clone(),
                n: seg.passages.len() as u32 + 1,
                kind,
                section: stack.chain(),
                lines: [lines[first].no, lines[idx[chunk.last]].no],
                label: label.take(),
                page: pages.as_ref().map(|p| p[first]),
                text: chunk.text,
                footnotes,
                themes: Vec::new(),
            });
        }
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

/// Passages longer than this many words, made of lines longer than
/// [`LONG_LINE`] on average, are cut at sentence ends.
const MAX_WORDS: usize = 400;
/// The words a cut piece of an overlong passage holds at most, where its
/// sentences allow.
const PIECE_WORDS: usize = 300;
/// The average line length, in characters, of text that was not wrapped
/// into lines but extracted a page or a block at a time.
const LONG_LINE: usize = 300;

/// One passage's text, or a piece of an overlong one: the text and the
/// positions in the unit's lines of its first and last line.
struct Chunk {
    text: String,
    first: usize,
    last: usize,
}

/// Turns a unit's lines into clean text, with the buffers reused from unit
/// to unit.
struct Texts<'a, 'b> {
    lines: &'a [Line<'b>],
    /// Glued references to cut out of each line.
    cuts: &'a [Vec<&'a footnotes::RefMark>],
    vocab: &'a clean::Vocabulary,
    /// The unwrapped text of the unit.
    raw: String,
    /// One line's piece of it.
    piece: String,
    /// Where each line's piece starts in `raw`.
    starts: Vec<usize>,
}

impl Texts<'_, '_> {
    /// Unwraps the lines `idx` into `raw`, without the first `marker_len`
    /// bytes of the first (its list marker) and, if `cut`, without glued
    /// reference numbers (headings keep theirs: they have no footnote list).
    fn unwrap(&mut self, idx: &[usize], marker_len: usize, cut: bool) {
        let vocab = self.vocab;
        let keeps = |h: &str, t: &str| vocab.keeps_hyphen(h, t);
        self.raw.clear();
        self.starts.clear();
        for (k, &i) in idx.iter().enumerate() {
            self.starts.push(self.raw.len());
            let t = self.lines[i].text;
            let skip = if k == 0 { marker_len } else { 0 };
            let mut at = skip.min(t.len());
            if !cut || self.cuts[i].is_empty() {
                clean::join_into(&mut self.raw, &t[at..], &keeps);
                continue;
            }
            self.piece.clear();
            for m in &self.cuts[i] {
                if m.start >= at {
                    self.piece.push_str(&t[at..m.start]);
                    at = m.end;
                }
            }
            self.piece.push_str(&t[at..]);
            clean::join_into(&mut self.raw, &self.piece, &keeps);
        }
    }

    /// The clean text of the lines `idx`.
    fn text(&mut self, idx: &[usize], marker_len: usize, cut: bool) -> String {
        self.unwrap(idx, marker_len, cut);
        clean::tidy(&self.raw)
    }

    /// The clean text of a passage's lines, cut at sentence ends into
    /// pieces of at most [`PIECE_WORDS`] words when it is over [`MAX_WORDS`]
    /// words of text extracted a page or block per line: such text has no
    /// paragraphs to go by, and one passage would hold pages.
    fn chunks(&mut self, idx: &[usize], marker_len: usize) -> Vec<Chunk> {
        self.unwrap(idx, marker_len, true);
        let whole = |raw: &str| Chunk {
            text: clean::tidy(raw),
            first: 0,
            last: idx.len().saturating_sub(1),
        };
        let chars: usize = idx.iter().map(|&i| self.lines[i].chars).sum();
        if chars < LONG_LINE * idx.len() || self.raw.split_whitespace().nth(MAX_WORDS).is_none() {
            return vec![whole(&self.raw)];
        }
        let cuts = sentence_cuts(&self.raw, PIECE_WORDS);
        if cuts.is_empty() {
            return vec![whole(&self.raw)];
        }
        let line_at = |pos: usize| self.starts.partition_point(|&s| s <= pos).saturating_sub(1);
        let mut out = Vec::with_capacity(cuts.len() + 1);
        let mut from = 0;
        for end in cuts.into_iter().chain(std::iter::once(self.raw.len())) {
            let piece = &self.raw[from..end];
            let text = clean::tidy(piece);
            if !text.is_empty() {
                let lead = piece.len() - piece.trim_start().len();
                out.push(Chunk {
                    text,
                    first: line_at(from + lead),
                    last: line_at(end.saturating_sub(1).max(from)),
                });
            }
            from = end;
        }
        out
    }
}

/// Byte positions at which to cut `text` into pieces of whole sentences of
/// at most `most` words each where its sentences allow (a longer sentence
/// stands alone): at the start of a word that begins with a capital, a
/// digit or an opening quote after a full stop, question or exclamation
/// mark.
fn sentence_cuts(text: &str, most: usize) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut words = 0;
    // Words before the current piece.
    let mut piece_from = 0;
    // The latest sentence start in the current piece: byte, words before.
    let mut sentence: Option<(usize, usize)> = None;
    let mut prev_space = true;
    for (i, c) in text.char_indices() {
        let space = c.is_whitespace();
        if !space && prev_space {
            let before = text[..i].trim_end();
            let closed = before
                .trim_end_matches(['”', '"', '’', '\'', ')'])
                .ends_with(['.', '!', '?']);
            let opens = c.is_uppercase() || c.is_ascii_digit() || matches!(c, '“' | '"' | '‘');
            if words > piece_from && closed && opens {
                sentence = Some((i, words));
            }
            words += 1;
            if words - piece_from > most {
                if let Some((at, before)) = sentence.take() {
                    cuts.push(at);
                    piece_from = before;
                }
            }
        }
        prev_space = space;
    }
    cuts
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
                // The nearest heading styled alike is the sibling: the
                // first one would leave every later one nested in the last.
                if let Some(pos) = self.entries.iter().rposition(|(st, _)| st == s) {
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
fn pages(
    lines: &[Line],
    layout: &lines::Layout,
    roles: &[Role],
    furniture: &[(usize, u32)],
) -> Option<Vec<u32>> {
    // The numbers that run in order; a chapter number or a stray figure
    // among them is left out.
    let in_order = |printed: &[(usize, u32)]| {
        let run = increasing_run(printed);
        (run.len() >= 3 && run.len() * 5 >= printed.len() * 3).then_some(run)
    };
    // Numbers in running headers and footers say what they are; bare
    // numbers may be a table's figures, so they serve only without those.
    let bare: Vec<(usize, u32)> = lines
        .iter()
        .zip(roles)
        .enumerate()
        .filter(|(_, (_, r))| **r == Role::Dropped(DropReason::PageNumber))
        .filter_map(|(i, (l, _))| lines::lone_number(l.text).map(|n| (i, n)))
        .collect();
    if let Some(printed) = in_order(furniture).or_else(|| in_order(&bare)) {
        let mut out = vec![0; lines.len()];
        if numbers_head_pages(roles, &printed) {
            // A line stands on the page whose number came before it.
            let mut last = printed.first().map_or(1, |p| p.1.saturating_sub(1).max(1));
            let mut next = printed.iter().peekable();
            for (i, slot) in out.iter_mut().enumerate() {
                while let Some(&&(j, n)) = next.peek() {
                    if j > i {
                        break;
                    }
                    last = n;
                    next.next();
                }
                *slot = last;
            }
        } else {
            // A line stands on the page whose number follows it.
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

/// The longest subsequence of `(line, number)` pairs whose numbers grow.
pub(crate) fn increasing_run(pairs: &[(usize, u32)]) -> Vec<(usize, u32)> {
    // Patience sorting: `tails[k]` ends the best run of length k + 1 found
    // so far; `prev` links each pair to the one before it in its run.
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<Option<usize>> = vec![None; pairs.len()];
    for (i, &(_, n)) in pairs.iter().enumerate() {
        let k = tails.partition_point(|&t| pairs[t].1 < n);
        prev[i] = k.checked_sub(1).map(|k| tails[k]);
        if k == tails.len() {
            tails.push(i);
        } else {
            tails[k] = i;
        }
    }
    let mut run = Vec::with_capacity(tails.len());
    let mut at = tails.last().copied();
    while let Some(i) = at {
        run.push(pairs[i]);
        at = prev[i];
    }
    run.reverse();
    run
}

/// Whether the printed page numbers head their pages rather than foot them:
/// most stand nearer the text after them than the text before them.
fn numbers_head_pages(roles: &[Role], printed: &[(usize, u32)]) -> bool {
    let text = |r: &Role| matches!(r, Role::Content);
    let mut heads = 0;
    let mut feet = 0;
    for &(i, _) in printed {
        // Near text only: a long stretch without any says nothing, and
        // scanning it for every number would be quadratic.
        let above = roles[..i].iter().rev().take(64).position(text);
        let below = roles[i + 1..].iter().take(64).position(text);
        match (above, below) {
            (Some(a), Some(b)) if b < a => heads += 1,
            (Some(a), Some(b)) if a < b => feet += 1,
            (None, Some(_)) => heads += 1,
            (Some(_), None) => feet += 1,
            _ => {}
        }
    }
    heads > feet
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::PartialDate;

    fn doc() -> Document {
        Document {
            id: "test".into(),
            file: "test.txt".into(),
            title: "A Test Document".into(),
            issuer: "Tests".into(),
            authors: Vec::new(),
            date: PartialDate {
                year: 2020,
                month: None,
                day: None,
            },
            kind: "national-strategy".into(),
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
        }
    }

    /// `text` hard-wrapped at `width` characters, as PDF extraction gives it.
    fn wrap(text: &str, width: usize) -> Vec<String> {
        let mut lines = vec![String::new()];
        for w in text.split_whitespace() {
            let line = lines.last_mut().expect("one line at least");
            if !line.is_empty() && line.len() + 1 + w.len() > width {
                lines.push(w.to_string());
            } else {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(w);
            }
        }
        lines
    }

    /// A paragraph of `n` sentences, different for each `seed`.
    fn paragraph(seed: usize, n: usize) -> String {
        const WORDS: &[&str] = &[
            "states",
            "should",
            "cooperate",
            "in",
            "developing",
            "and",
            "applying",
            "measures",
            "to",
            "increase",
            "stability",
            "security",
            "the",
            "use",
            "of",
            "information",
            "technologies",
            "national",
            "agencies",
            "will",
            "report",
            "on",
            "progress",
            "norms",
            "critical",
            "infrastructure",
            "protect",
            "incidents",
            "response",
        ];
        // A small linear congruential generator: the same text every run.
        let mut state = seed as u64 * 2_654_435_761 + 1;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            WORDS[(state >> 33) as usize % WORDS.len()]
        };
        (0..n)
            .map(|_| {
                let body: Vec<&str> = (0..14).map(|_| next()).collect();
                format!("The {}.", body.join(" "))
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn check(text: &str, seg: &Segmentation) {
        assert!(
            unaccounted(text, seg).is_empty(),
            "{:?}",
            unaccounted(text, seg)
        );
        let lines = text.split('\n').count() as u32;
        for p in &seg.passages {
            assert!(1 <= p.lines[0] && p.lines[0] <= p.lines[1] && p.lines[1] <= lines);
        }
    }

    #[test]
    fn one_long_line_completes_and_accounts_for_everything() {
        // Two megabytes on one line: sentences, numbers, references,
        // Markdown, brackets.
        let unit = "The [Agency](http://x.org) reported 12 incidents in 2019.3 States \
                    should *cooperate* (see A/68/98) – and <b>protect</b> critical ICT \
                    infrastructure; [a] [b [c]] ok. ";
        let text = unit.repeat(2_000_000 / unit.len());
        let seg = segment(&doc(), &text);
        check(&text, &seg);
        assert!(!seg.passages.is_empty());
        // Text extracted without line breaks has no paragraphs to keep.
        assert!(seg.passages.iter().all(|p| p.lines == [1, 1]));
    }

    #[test]
    fn overlong_lines_are_cut_at_sentence_ends() {
        let text = [paragraph(1, 60), paragraph(2, 60), paragraph(3, 60)].join("\n");
        let seg = segment(&doc(), &text);
        check(&text, &seg);
        assert!(seg.passages.len() >= 6, "{}", seg.passages.len());
        for p in &seg.passages {
            let words = p.text.split_whitespace().count();
            assert!(words <= PIECE_WORDS, "{words} words");
            assert!(p.text.ends_with('.'), "cut inside a sentence: {}", p.text);
        }
        // A long paragraph wrapped into ordinary lines is left whole.
        let text = wrap(&paragraph(4, 40), 80).join("\n");
        let seg = segment(&doc(), &text);
        assert_eq!(seg.passages.len(), 1);
    }

    #[test]
    fn running_footers_with_page_numbers_are_dropped_and_give_the_pages() {
        let mut text = Vec::new();
        for page in 5..12 {
            text.push(format!("Strategy for Testing and Trying   |  {page}"));
            text.push(String::new());
            text.extend(wrap(&paragraph(page, 5), 78));
            text.push(String::new());
        }
        let text = text.join("\n");
        let seg = segment(&doc(), &text);
        check(&text, &seg);
        assert!(seg
            .passages
            .iter()
            .all(|p| !p.text.contains("Testing and Trying")));
        let pages: Vec<Option<u32>> = seg.passages.iter().map(|p| p.page).collect();
        assert_eq!(pages, (5..12).map(Some).collect::<Vec<_>>());
        // Numbered headings are not footers.
        let mut text = Vec::new();
        for n in 1..5 {
            text.push(format!("LINE OF ACTION {n}"));
            text.extend(wrap(&paragraph(n, 4), 78));
        }
        let text = text.join("\n");
        let seg = segment(&doc(), &text);
        assert_eq!(seg.headings.len(), 4, "{:?}", seg.headings);
    }

    #[test]
    fn table_cells_are_not_headings() {
        let mut text = wrap(&paragraph(1, 4), 78);
        text.push("Activity".into());
        text.push("Responsible".into());
        text.push("Timeline".into());
        text.push("Budget".into());
        for row in 0..10 {
            text.push(format!("Develop Guideline {row}"));
            text.push("Ministry of ICT".into());
            text.push(format!("Quarter {}", row % 4 + 1));
            text.push("USD 30,000".into());
        }
        text.push("Implementation Arrangements".into());
        text.extend(wrap(&paragraph(2, 4), 78));
        let text = text.join("\n");
        let seg = segment(&doc(), &text);
        check(&text, &seg);
        let headings: Vec<&str> = seg.headings.iter().map(|h| h.text.as_str()).collect();
        assert_eq!(headings, vec!["Implementation Arrangements"]);
        // The cells stay apart: no passage runs the table together.
        assert!(seg
            .passages
            .iter()
            .all(|p| p.text.split_whitespace().count() < 150));
    }

    #[test]
    fn section_chains_do_not_grow_with_each_heading() {
        let mut text = vec!["Part One".to_string()];
        text.extend(wrap(&paragraph(0, 3), 78));
        text.push("1. Objectives".into());
        text.extend(wrap(&paragraph(1, 3), 78));
        for n in 0..30 {
            text.push(format!("Measure {n} of the Plan"));
            text.extend(wrap(&paragraph(n, 3), 78));
        }
        let text = text.join("\n");
        let seg = segment(&doc(), &text);
        check(&text, &seg);
        let deepest = seg.passages.iter().map(|p| p.section.len()).max();
        assert_eq!(
            deepest,
            Some(3),
            "{:?}",
            seg.passages.last().map(|p| &p.section)
        );
    }

    #[test]
    fn sentence_cuts_keep_sentences_whole() {
        let text = "One two three. Four five six. Seven eight nine. Ten.";
        let cuts = sentence_cuts(text, 4);
        let pieces: Vec<&str> = cuts
            .iter()
            .chain(std::iter::once(&text.len()))
            .scan(0, |from, &to| {
                let piece = &text[*from..to];
                *from = to;
                Some(piece.trim())
            })
            .collect();
        assert_eq!(
            pieces,
            vec!["One two three.", "Four five six.", "Seven eight nine. Ten."]
        );
        // One sentence longer than a piece stands alone.
        assert!(sentence_cuts("a b c d e f g h. I j.", 3) == vec![17]);
    }

    #[test]
    fn page_numbers_in_order_survive_strays() {
        let pairs = [(1, 3), (5, 4), (9, 1), (12, 5), (15, 6), (20, 2), (24, 7)];
        let run = increasing_run(&pairs);
        assert_eq!(run, vec![(1, 3), (5, 4), (12, 5), (15, 6), (24, 7)]);
    }
}
