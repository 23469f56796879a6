//! Corpus → analysed documents: read, segment and tag, in parallel.
//!
//! One path serves every consumer (the `passages` and `themes` commands, the
//! indexer, the benches), so what a librarian inspects is exactly what gets
//! indexed. An [`Analyzer`] holds what is loaded once per run (lexicon,
//! taxonomy, tagger); documents are processed on rayon's pool and come back
//! in manifest order. A text that cannot be read stops the whole run with
//! its error: nothing is half-processed.

use crate::corpus::{Corpus, Document};
use crate::lexicon::{Analysis, Lexicon};
use crate::segment::{self, Passage, Segmentation};
use crate::themes::{Tagger, Taxonomy, ThemeScore};
use crate::Result;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Hex digits of a passage's content anchor: 40 bits, unique enough within
/// one document.
const ANCHOR_HEX: usize = 10;

/// A passage's content anchor: a short hash of its words, case- and
/// accent-folded, so that it survives re-segmentation and whitespace or
/// punctuation edits, and changes when the words do.
pub fn anchor(text: &str) -> String {
    let words = crate::lexicon::exact_words(text);
    anchor_of_words(words.iter().map(String::as_str))
}

/// [`anchor`] from the text's exact-field words, already split and folded.
pub fn anchor_of_words<'a>(words: impl Iterator<Item = &'a str>) -> String {
    // The words joined by single spaces, hashed without building the
    // joined string.
    let mut h = blake3::Hasher::new();
    for (i, w) in words.enumerate() {
        if i > 0 {
            h.update(b" ");
        }
        h.update(w.as_bytes());
    }
    h.finalize().to_hex()[..ANCHOR_HEX].to_string()
}

/// One document after analysis.
#[derive(Debug, Clone)]
pub struct Analyzed {
    /// Position of the document in the manifest.
    pub index: usize,
    /// The text's size in bytes.
    pub bytes: u64,
    /// Passages (tagged with themes), headings and the dropped report.
    pub segmentation: Segmentation,
    /// Each passage's content anchor ([`anchor`]), in
    /// passage order.
    pub anchors: Vec<String>,
    /// Warnings from reading the text (lossy decoding).
    pub warnings: Vec<String>,
}

/// Everything loaded once to analyse a corpus: the lexicon and taxonomy in
/// force for it (the corpus folder's own, else the built-in ones) and the
/// tagger built from them.
#[derive(Debug, Clone)]
pub struct Analyzer {
    /// The normalisation shared with search.
    pub lexicon: Lexicon,
    /// The theme taxonomy.
    pub taxonomy: Taxonomy,
    tagger: Tagger,
    lossy: bool,
}

impl Analyzer {
    /// Loads the lexicon and taxonomy for the corpus in `corpus_dir`.
    /// `lossy` reads texts that are not UTF-8 with replacement characters.
    pub fn load(corpus_dir: &Path, lossy: bool) -> Result<Analyzer> {
        let lexicon = Lexicon::load(corpus_dir)?;
        let taxonomy = Taxonomy::load(corpus_dir)?;
        let tagger = Tagger::new(&taxonomy, &lexicon);
        Ok(Analyzer {
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
    pub fn analyze_text(&self, doc: &Document, text: &str) -> Segmentation {
        self.analyze_with_anchors(doc, text, |_, _, _, _| {}).0
    }

    /// Segments and tags one text, and gives each passage's anchor.
    ///
    /// Each passage is analysed once: the folded words give the anchor,
    /// the stemmed tokens the themes (the indexer would otherwise split,
    /// fold and stem every passage once for each). `each` also sees the
    /// tagger's scores, which the index keeps as the evidence of each theme.
    fn analyze_with_anchors(
        &self,
        doc: &Document,
        text: &str,
        mut each: impl FnMut(&Passage, &[ThemeScore], &str, &Analysis),
    ) -> (Segmentation, Vec<String>) {
        let mut seg = segment::segment(doc, text);
        let mut analysis = Analysis::default();
        let mut anchors = Vec::with_capacity(seg.passages.len());
        // Passages of one section follow each other: its headings'
        // evidence is found once for them all.
        let mut heading = self.tagger.section_in(&[], &doc.language);
        for p in &mut seg.passages {
            self.lexicon
                .analyze_into_in(&p.text, &doc.language, &mut analysis);
            if p.section != heading.section() {
                heading = self.tagger.section_in(&p.section, &doc.language);
            }
            let scores = self.tagger.tag_analysed_under(analysis.stemmed(), &heading);
            p.themes = scores.iter().map(|t| t.id.clone()).collect();
            let anchor = anchor_of_words(analysis.folded().iter().map(|t| t.text.as_str()));
            each(p, &scores, &anchor, &analysis);
            anchors.push(anchor);
        }
        (seg, anchors)
    }

    /// Reads, segments and tags one document.
    pub fn analyze_one(&self, corpus: &Corpus, index: usize) -> Result<Analyzed> {
        self.analyze_one_with(corpus, index, |_, _, _, _| {})
    }

    /// Reads, segments and tags one document, and shows `each` every
    /// passage (tagged), its theme scores, its anchor and its analysis as
    /// soon as they are
    /// made: the indexer adds the passage there and then, and hands its
    /// stemmed tokens on rather than have them made again.
    pub fn analyze_one_with(
        &self,
        corpus: &Corpus,
        index: usize,
        each: impl FnMut(&Passage, &[ThemeScore], &str, &Analysis),
    ) -> Result<Analyzed> {
        let doc = &corpus.documents[index];
        let text = corpus.read_text(doc, self.lossy)?;
        let (segmentation, anchors) = self.analyze_with_anchors(doc, &text.text, each);
        Ok(Analyzed {
            index,
            bytes: text.bytes,
            segmentation,
            anchors,
            warnings: text.warnings,
        })
    }

    /// Analyses the selected documents (all when `only` is `None`) in
    /// parallel; results in the order asked.
    pub fn analyze(&self, corpus: &Corpus, only: Option<&[usize]>) -> Result<Vec<Analyzed>> {
        let picked: Vec<usize> = match only {
            Some(ix) => ix.to_vec(),
            None => (0..corpus.documents.len()).collect(),
        };
        picked
            .par_iter()
            .map(|&i| self.analyze_one(corpus, i))
            .collect()
    }
}

/// Passage counts per theme and per document.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeTable {
    /// Document ids, in manifest order.
    pub docs: Vec<String>,
    /// Passages per document.
    pub passages: Vec<usize>,
    /// Passages per document that carry no theme.
    pub untagged: Vec<usize>,
    /// Every theme of the taxonomy, pillars each followed by their
    /// sub-themes.
    pub themes: Vec<ThemeRow>,
}

/// One theme's counts.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeRow {
    /// The theme's id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// Its pillar, for a sub-theme.
    pub parent: Option<String>,
    /// Passages carrying it, per document (as [`ThemeTable::docs`]).
    pub per_doc: Vec<usize>,
}

impl ThemeRow {
    /// Passages carrying the theme in the whole corpus.
    pub fn total(&self) -> usize {
        self.per_doc.iter().sum()
    }
}

impl ThemeTable {
    /// Counts `tagged`: for each document (id, in order), the theme ids of
    /// each of its passages.
    pub fn new(taxonomy: &Taxonomy, tagged: &[(String, Vec<Vec<String>>)]) -> ThemeTable {
        let mut themes = Vec::new();
        for pillar in taxonomy.pillars() {
            for theme in std::iter::once(pillar).chain(taxonomy.children(&pillar.id)) {
                themes.push(ThemeRow {
                    id: theme.id.clone(),
                    label: theme.label.clone(),
                    parent: theme.parent.clone(),
                    per_doc: vec![0; tagged.len()],
                });
            }
        }
        let row: BTreeMap<&str, usize> = themes
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.as_str(), i))
            .collect();
        let mut hits = vec![vec![0; tagged.len()]; themes.len()];
        let mut untagged = vec![0; tagged.len()];
        for (d, (_, passages)) in tagged.iter().enumerate() {
            for ids in passages {
                if ids.is_empty() {
                    untagged[d] += 1;
                }
                for id in ids {
                    if let Some(&i) = row.get(id.as_str()) {
                        hits[i][d] += 1;
                    }
                }
            }
        }
        for (theme, per_doc) in themes.iter_mut().zip(hits) {
            theme.per_doc = per_doc;
        }
        ThemeTable {
            docs: tagged.iter().map(|(id, _)| id.clone()).collect(),
            passages: tagged.iter().map(|(_, p)| p.len()).collect(),
            untagged,
            themes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_ignore_case_spacing_and_punctuation() {
        assert_eq!(
            anchor("States should  cooperate."),
            anchor("states should cooperate")
        );
        assert_ne!(
            anchor("States should cooperate"),
            anchor("States must cooperate")
        );
        assert_eq!(anchor("x").len(), ANCHOR_HEX);
        // Anchors are cited: they are the hash of the folded words joined
        // by single spaces, and must stay so.
        let joined = blake3::hash(b"states should cooperate").to_hex();
        assert_eq!(anchor("States should, cooperate!"), joined[..ANCHOR_HEX]);
    }
}
