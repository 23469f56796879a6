//! Corpus → analysed documents: read, segment and tag, in parallel.
//!
//! One path serves every consumer (the `passages` command, the indexer, the
//! benches), so what a librarian inspects is exactly what gets indexed.
//! Documents are processed on rayon's pool; results come back in manifest
//! order. A text that cannot be read stops the whole run with its error:
//! nothing is half-processed.

use crate::corpus::{Corpus, Document};
use crate::segment::{self, Segmentation};
use crate::Result;
use rayon::prelude::*;

/// One document after analysis.
#[derive(Debug, Clone)]
pub struct Analysed {
    /// Position of the document in the manifest.
    pub index: usize,
    /// The text's size in bytes.
    pub bytes: u64,
    /// Passages, headings and the dropped report.
    pub segmentation: Segmentation,
    /// Warnings from reading the text (lossy decoding).
    pub warnings: Vec<String>,
}

/// Options for [`analyse`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Decode invalid UTF-8 with replacement characters instead of refusing.
    pub lossy: bool,
}

/// Reads and segments one document.
pub fn analyse_one(
    corpus: &Corpus,
    index: usize,
    doc: &Document,
    opts: Options,
) -> Result<Analysed> {
    let text = corpus.read_text(doc, opts.lossy)?;
    let segmentation = segment::segment(doc, &text.text);
    Ok(Analysed {
        index,
        bytes: text.bytes,
        segmentation,
        warnings: text.warnings,
    })
}

/// Reads and segments the selected documents in parallel, in manifest order.
/// `only`, when given, restricts the run to those document indices.
pub fn analyse(corpus: &Corpus, only: Option<&[usize]>, opts: Options) -> Result<Vec<Analysed>> {
    let picked: Vec<usize> = match only {
        Some(ix) => ix.to_vec(),
        None => (0..corpus.documents.len()).collect(),
    };
    picked
        .par_iter()
        .map(|&i| analyse_one(corpus, i, &corpus.documents[i], opts))
        .collect()
}
