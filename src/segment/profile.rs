//! What a text is, decided on its own evidence before it is cut.
//!
//! Input: what the markup, furniture, footnote and number passes found.
//! Output: a [`Profile`] — the kind of text (a web page or static site's
//! Markdown, a PDF extraction, plain text), where its pages come from, the
//! forms of its notes and whether numbers on lines of their own label its
//! paragraphs. The kind decides what the later passes may assume: a web
//! text has no pages and marks its own headings; a PDF extraction is
//! wrapped into lines and broken into pages; plain text is neither.

use super::boilerplate::Found;
use super::footnotes::Footnotes;
use super::lines::Layout;
use super::markup::Markup;
use serde::{Deserialize, Serialize};

/// The kind of text a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextKind {
    /// Neither marked up nor laid out in pages: paragraphs as lines.
    #[default]
    Plain,
    /// A web page or a static site's Markdown: markup, no pages.
    Web,
    /// Extracted from a PDF (or converted from one): hard-wrapped lines,
    /// page furniture.
    Pdf,
}

impl TextKind {
    /// The name used in JSON and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            TextKind::Plain => "plain",
            TextKind::Web => "web",
            TextKind::Pdf => "pdf",
        }
    }
}

/// Where the pages of passages come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PageSource {
    /// The text shows no page breaks: passages have no page.
    #[default]
    None,
    /// Page numbers printed on the pages, in a plausible increasing run.
    Printed,
    /// Page breaks counted from the first page (form feeds, page-start
    /// indents, running headers), where no numbers are printed.
    Breaks,
}

/// A form of footnote the text uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoteForm {
    /// `<sup>N</sup>` or superscript digits.
    Superscript,
    /// Markdown `[^N]` and `[^N]: …`.
    Markdown,
    /// `[N]` with a list of `[N] …` entries.
    Bracketed,
    /// Numbers glued to the text (`treaties9`), notes at the page feet.
    PageFoot,
    /// Numbers glued to the text, notes under a "Notes" heading.
    Endnotes,
}

/// What a document was found to be.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// The kind of text.
    pub kind: TextKind,
    /// Written in Markdown.
    #[serde(default)]
    pub markdown: bool,
    /// Written in HTML.
    #[serde(default)]
    pub html: bool,
    /// Hard-wrapped into lines of a usual width.
    #[serde(default)]
    pub wrapped: bool,
    /// Where passages' pages come from.
    #[serde(default)]
    pub pages: PageSource,
    /// The forms of footnote found.
    #[serde(default)]
    pub notes: Vec<NoteForm>,
    /// Paragraph numbers stand on lines of their own (`5<TAB>`).
    #[serde(default)]
    pub paragraph_numbers: bool,
}

/// Decides the kind of text from the passes' evidence; the page source and
/// paragraph numbers are filled in by the caller once known.
pub(crate) fn decide(
    markup: &Markup,
    layout: &Layout,
    found: &Found,
    notes: &Footnotes,
) -> Profile {
    let paged = found.breaks || !found.printed.is_empty() || layout.indent_marks_page;
    let wrapped = layout.width.is_some();
    let kind = if paged || (wrapped && !markup.html) {
        TextKind::Pdf
    } else if markup.markdown || markup.html {
        TextKind::Web
    } else {
        TextKind::Plain
    };
    Profile {
        kind,
        markdown: markup.markdown,
        html: markup.html,
        wrapped,
        pages: PageSource::None,
        notes: notes.forms.clone(),
        paragraph_numbers: false,
    }
}
