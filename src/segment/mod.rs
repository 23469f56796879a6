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

use serde::{Deserialize, Serialize};

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

/// Cuts one document's text into passages.
///
/// `doc` supplies the id and the metadata used to recognise running headers
/// and bylines (title, container, authors).
pub fn segment(doc: &crate::corpus::Document, text: &str) -> Segmentation {
    // Provisional: blank-line blocks as passages, until the layout analysis lands.
    let mut seg = Segmentation::default();
    let mut start: Option<usize> = None;
    let lines: Vec<&str> = text.lines().collect();
    for i in 0..=lines.len() {
        let blank = i == lines.len() || lines[i].trim().is_empty();
        match (blank, start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                let body: Vec<&str> = lines[s..i].iter().map(|l| l.trim()).collect();
                seg.passages.push(Passage {
                    doc: doc.id.clone(),
                    n: seg.passages.len() as u32 + 1,
                    kind: PassageKind::Body,
                    section: Vec::new(),
                    lines: [s as u32 + 1, i as u32],
                    label: None,
                    page: None,
                    text: body.join(" "),
                    footnotes: Vec::new(),
                    themes: Vec::new(),
                });
                start = None;
            }
            _ => {}
        }
    }
    seg
}
