//! Corpus → analysed documents: read, segment and tag, in parallel.
//!
//! One path serves every consumer (the `passages` and `themes` commands, the
//! indexer, the benches), so what a librarian inspects is exactly what gets
//! indexed. An [`Analyser`] holds what is loaded once per run (lexicon,
//! taxonomy, tagger); documents are processed on rayon's pool and come back
//! in manifest order. A text that cannot be read stops the whole run with
//! its error: nothing is half-processed.

use crate::corpus::{Corpus, Document};
use crate::lexicon::{Analysis, Lexicon};
use crate::segment::{self, Passage, Segmentation};
use crate::themes::{Tagger, Taxonomy};
use crate::Result;
use rayon::prelude::*;
use std::path::Path;

/// One document after analysis.
#[derive(Debug, Clone)]
pub struct Analysed {
    /// Position of the document in the manifest.
    pub index: usize,
    /// The text's size in bytes.
    pub bytes: u64,
    /// Passages (tagged with themes), headings and the dropped report.
    pub segmentation: Segmentation,
    /// Each passage's content anchor ([`crate::index::anchor`]), in
    /// passage order.
    pub anchors: Vec<String>,
    /// Warnings from reading the text (lossy decoding).
    pub warnings: Vec<String>,
}

/// Everything loaded once to analyse a corpus: the lexicon and taxonomy in
/// force for it (the corpus folder's own, else the built-in ones) and the
/// tagger built from them.
#[derive(Debug, Clone)]
pub struct Analyser {
    /// The normalisation shared with search.
    pub lexicon: Lexicon,
    /// The theme taxonomy.
    pub taxonomy: Taxonomy,
    tagger: Tagger,
    lossy: bool,
}

impl Analyser {
    /// Loads the lexicon and taxonomy for the corpus in `corpus_dir`.
    /// `lossy` reads texts that are not UTF-8 with replacement characters.
    pub fn load(corpus_dir: &Path, lossy: bool) -> Result<Analyser> {
        let lexicon = Lexicon::load(corpus_dir)?;
        let taxonomy = Taxonomy::load(corpus_dir)?;
        let tagger = Tagger::new(&taxonomy, &lexicon);
        Ok(Analyser {
            lexicon,
            taxonomy,
            tagger,
            lossy,
        })
    }

    /// The theme ids the tagger gives `text`.
    pub fn themes_of(&self, text: &str) -> Vec<String> {
        self.tagger.tag(text).into_iter().map(|t| t.id).collect()
    }

    /// Segments and tags one text.
    pub fn analyse_text(&self, doc: &Document, text: &str) -> Segmentation {
        self.analyse_with_anchors(doc, text, |_, _, _| {}).0
    }

    /// Segments and tags one text, and gives each passage's anchor.
    ///
    /// Each passage is analysed once: the folded words give the anchor,
    /// the stemmed tokens the themes (the indexer would otherwise split,
    /// fold and stem every passage once for each).
    fn analyse_with_anchors(
        &self,
        doc: &Document,
        text: &str,
        mut each: impl FnMut(&Passage, &str, &Analysis),
    ) -> (Segmentation, Vec<String>) {
        let mut seg = segment::segment(doc, text);
        let mut analysis = Analysis::default();
        let mut anchors = Vec::with_capacity(seg.passages.len());
        // Passages under one heading follow each other: its evidence is
        // found once for them all.
        let mut heading = self.tagger.heading_in("", &doc.language);
        for p in &mut seg.passages {
            self.lexicon.analyse_into(&p.text, &mut analysis);
            let section = p.section.last().map_or("", String::as_str);
            if section != heading.text() {
                heading = self.tagger.heading_in(section, &doc.language);
            }
            p.themes = self
                .tagger
                .tag_analysed_under(analysis.stemmed(), &heading)
                .into_iter()
                .map(|t| t.id)
                .collect();
            let anchor =
                crate::index::anchor_of_words(analysis.folded().iter().map(|t| t.text.as_str()));
            each(p, &anchor, &analysis);
            anchors.push(anchor);
        }
        (seg, anchors)
    }

    /// Reads, segments and tags one document.
    pub fn analyse_one(&self, corpus: &Corpus, index: usize) -> Result<Analysed> {
        self.analyse_one_with(corpus, index, |_, _, _| {})
    }

    /// Reads, segments and tags one document, and shows `each` every
    /// passage (tagged), its anchor and its analysis as soon as they are
    /// made: the indexer adds the passage there and then, and hands its
    /// stemmed tokens on rather than have them made again.
    pub fn analyse_one_with(
        &self,
        corpus: &Corpus,
        index: usize,
        each: impl FnMut(&Passage, &str, &Analysis),
    ) -> Result<Analysed> {
        let doc = &corpus.documents[index];
        let text = corpus.read_text(doc, self.lossy)?;
        let (segmentation, anchors) = self.analyse_with_anchors(doc, &text.text, each);
        Ok(Analysed {
            index,
            bytes: text.bytes,
            segmentation,
            anchors,
            warnings: text.warnings,
        })
    }

    /// Analyses the selected documents (all when `only` is `None`) in
    /// parallel; results in the order asked.
    pub fn analyse(&self, corpus: &Corpus, only: Option<&[usize]>) -> Result<Vec<Analysed>> {
        let picked: Vec<usize> = match only {
            Some(ix) => ix.to_vec(),
            None => (0..corpus.documents.len()).collect(),
        };
        picked
            .par_iter()
            .map(|&i| self.analyse_one(corpus, i))
            .collect()
    }
}
