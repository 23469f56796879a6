//! What a corpus looks like once cut: per document and in total, the
//! passages by kind, footnotes, labels, pages, dropped lines by reason,
//! theme coverage, words and languages, and the warnings a librarian should
//! read (a document that yields no passage, over-long passages, long lines
//! dropped, note-like lines with no footnote found).
//!
//! Input: the manifest and each document's [`Analyzed`] result. Output:
//! [`CorpusStats`], a serde record that `present` renders as a table or
//! JSON. Nothing is refused here: whatever could be analysed is counted.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::corpus::Document;
use crate::pipeline::Analyzed;
use crate::segment::PassageKind;

/// Passages longer than this many words are worth a look: a paragraph
/// break was probably missed.
pub const LONG_PASSAGE_WORDS: usize = 400;

/// One document's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocumentStats {
    /// The document id.
    pub id: String,
    /// Its language code.
    pub language: String,
    /// Its kind.
    pub kind: String,
    /// The text's size in bytes.
    pub bytes: u64,
    /// Passages in all.
    pub passages: usize,
    /// Passages by kind (`body`, `list-item`, `footnote`).
    pub by_kind: BTreeMap<String, usize>,
    /// Footnotes (passages of kind footnote).
    pub footnotes: usize,
    /// Passages carrying the document's own number (a label).
    pub labelled: usize,
    /// The highest page a passage starts on; `None` when the text shows no
    /// pages.
    pub pages: Option<u32>,
    /// Headings found.
    pub headings: usize,
    /// Lines dropped, by reason.
    pub dropped: BTreeMap<String, usize>,
    /// Passages with at least one theme.
    pub themed: usize,
    /// Passages per theme id.
    pub themes: BTreeMap<String, usize>,
    /// Words in the passages.
    pub words: usize,
    /// What looks wrong, one line each.
    pub warnings: Vec<String>,
}

/// The whole corpus's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CorpusStats {
    /// Each document, in manifest order.
    pub documents: Vec<DocumentStats>,
    /// The sums over every document (`id` is `total`; `pages` the sum of
    /// the paged documents' pages).
    pub total: DocumentStats,
    /// Documents per language.
    pub languages: BTreeMap<String, usize>,
}

impl DocumentStats {
    /// The figures of one analysed document.
    pub fn of(doc: &Document, a: &Analyzed) -> DocumentStats {
        let seg = &a.segmentation;
        let mut s = DocumentStats {
            id: doc.id.clone(),
            language: doc.language.clone(),
            kind: doc.kind.clone(),
            bytes: a.bytes,
            passages: seg.passages.len(),
            headings: seg.headings.len(),
            ..DocumentStats::default()
        };
        let mut long = 0;
        for p in &seg.passages {
            *s.by_kind.entry(p.kind.as_str().to_string()).or_default() += 1;
            if p.kind == PassageKind::Footnote {
                s.footnotes += 1;
            }
            if p.label.is_some() {
                s.labelled += 1;
            }
            if let Some(pg) = p.page {
                s.pages = Some(s.pages.map_or(pg, |m| m.max(pg)));
            }
            if !p.themes.is_empty() {
                s.themed += 1;
            }
            for t in &p.themes {
                *s.themes.entry(t.clone()).or_default() += 1;
            }
            let words = p.text.split_whitespace().count();
            s.words += words;
            if words > LONG_PASSAGE_WORDS {
                long += 1;
            }
        }
        let mut long_dropped = 0;
        for d in &seg.dropped {
            *s.dropped.entry(d.reason.as_str().to_string()).or_default() += 1;
            // A dropped line of many words is more likely body text than a
            // header or a page number (a contents line is long by nature).
            let words = d
                .text
                .split_whitespace()
                .filter(|w| w.chars().any(char::is_alphabetic))
                .count();
            if words >= 12 && d.reason != crate::segment::DropReason::TableOfContents {
                long_dropped += 1;
            }
        }
        s.warnings.extend(a.warnings.iter().cloned());
        // What the segmenter found odd in the text (a page run broken, notes
        // without references…), named by document.
        s.warnings
            .extend(seg.warnings.iter().map(|w| format!("{}: {w}", doc.id)));
        if s.passages == 0 {
            s.warnings.push(format!(
                "{}: no passages: is the text empty or all markup?",
                doc.id
            ));
        }
        if long > 0 {
            s.warnings.push(format!(
                "{}: {long} passage{} over {LONG_PASSAGE_WORDS} words: a paragraph break may have been missed",
                doc.id,
                if long == 1 { "" } else { "s" }
            ));
        }
        if long_dropped > 0 {
            s.warnings.push(format!(
                "{}: {long_dropped} dropped line{} of 12 words or more: check them with `passages {} --dropped`",
                doc.id,
                if long_dropped == 1 { " is" } else { "s are" },
                doc.id
            ));
        }
        let note_refs: usize = seg.passages.iter().map(|p| p.footnotes.len()).sum();
        if note_refs > 0 && s.footnotes == 0 {
            s.warnings.push(format!(
                "{}: the text refers to {note_refs} notes but no footnote was found",
                doc.id
            ));
        }
        s
    }

    fn add(&mut self, o: &DocumentStats) {
        self.bytes += o.bytes;
        self.passages += o.passages;
        self.footnotes += o.footnotes;
        self.labelled += o.labelled;
        self.headings += o.headings;
        self.themed += o.themed;
        self.words += o.words;
        if let Some(p) = o.pages {
            self.pages = Some(self.pages.unwrap_or(0) + p);
        }
        for (k, v) in &o.by_kind {
            *self.by_kind.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &o.dropped {
            *self.dropped.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &o.themes {
            *self.themes.entry(k.clone()).or_default() += v;
        }
        self.warnings.extend(o.warnings.iter().cloned());
    }

    /// The share of passages with a theme, 0–1.
    pub fn theme_coverage(&self) -> f64 {
        if self.passages == 0 {
            0.0
        } else {
            self.themed as f64 / self.passages as f64
        }
    }

    /// Dropped lines in all.
    pub fn dropped_total(&self) -> usize {
        self.dropped.values().sum()
    }
}

impl CorpusStats {
    /// The figures of the analysed documents (`documents[a.index]` for each).
    pub fn of(documents: &[Document], analysed: &[Analyzed]) -> CorpusStats {
        let mut out = CorpusStats {
            total: DocumentStats {
                id: "total".into(),
                ..DocumentStats::default()
            },
            ..CorpusStats::default()
        };
        for a in analysed {
            let doc = &documents[a.index];
            let s = DocumentStats::of(doc, a);
            out.total.add(&s);
            *out.languages.entry(doc.language.clone()).or_default() += 1;
            out.documents.push(s);
        }
        out
    }
}
