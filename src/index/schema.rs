//! The schema: the fields of one passage's tantivy document, and that
//! document made from a passage and its manifest entry.

use std::collections::HashMap;

use tantivy::schema::{
    Facet, FacetOptions, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing,
    TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::TantivyDocument;

use crate::corpus::Document;
use crate::lexicon::{EXACT_TOKENIZER, STEMMED_TOKENIZER};
use crate::segment::{Passage, PassageKind};
use crate::themes::{Taxonomy, ThemeScore};

/// The index's fields.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Passage text, stemmed and normalised ([`STEMMED_TOKENIZER`]),
    /// positions, stored.
    pub text: Field,
    /// Passage text, case- and accent-folded ([`EXACT_TOKENIZER`]),
    /// positions.
    pub text_exact: Field,
    /// Document id (`norway-2017`).
    pub doc: Field,
    /// Document title (stored: every passage carries its citation).
    pub title: Field,
    /// Issuer.
    pub issuer: Field,
    /// Publication date as written in the manifest (`2011-05`).
    pub date: Field,
    /// Publication year.
    pub year: Field,
    /// Kind of document (`national-strategy`).
    pub doc_kind: Field,
    /// Document language (ISO 639-1), indexed as one term: what a
    /// language filter keeps.
    pub language: Field,
    /// Section headings, outermost first, one value each; stemmed.
    pub section: Field,
    /// Passage ordinal in its document.
    pub n: Field,
    /// Passage kind: `body`, `list-item`, `footnote`.
    pub kind: Field,
    /// Passage kind as a number for ranking: see [`kind_code`].
    pub kind_code: Field,
    /// First source line.
    pub line_from: Field,
    /// Last source line.
    pub line_to: Field,
    /// The document's own label for the passage (`13(f)`).
    pub label: Field,
    /// Page the passage starts on.
    pub page: Field,
    /// Themes, as facets `/theme/<pillar>[/<sub>]`.
    pub themes: Field,
    /// The document, as a facet `/source/<id>` (for counts).
    pub source: Field,
    /// Content anchor: short hash of the passage's normalised words.
    pub anchor: Field,
    /// Footnote numbers referenced by the passage.
    pub footnotes: Field,
    /// Sort key for `--sort date`: newest document first, then reading
    /// order.
    pub date_order: Field,
    /// The tagger's evidence for each theme of the passage, one value per
    /// theme ([`theme_score_value`]): what the grid ranks a theme's
    /// passages by, read from the column without touching the store.
    pub theme_scores: Field,
}

/// The schema and its fields.
pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let analysed = |tokenizer: &str| {
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions)
    };
    let stored_only = TextOptions::default().set_stored();
    let fields = Fields {
        text: b.add_text_field(
            "text",
            TextOptions::default()
                .set_indexing_options(analysed(STEMMED_TOKENIZER))
                .set_stored(),
        ),
        text_exact: b.add_text_field(
            "text_exact",
            TextOptions::default().set_indexing_options(analysed(EXACT_TOKENIZER)),
        ),
        doc: b.add_text_field("doc", STRING | FAST | STORED),
        title: b.add_text_field("title", stored_only.clone()),
        issuer: b.add_text_field("issuer", stored_only.clone()),
        date: b.add_text_field("date", stored_only),
        year: b.add_u64_field("year", INDEXED | FAST | STORED),
        // Stored for the record; no query reads them from the index, so
        // they are not indexed (each indexed value is a posting per
        // passage).
        doc_kind: b.add_text_field("doc_kind", STORED),
        language: b.add_text_field("language", STRING | STORED),
        section: b.add_text_field(
            "section",
            TextOptions::default()
                .set_indexing_options(analysed(STEMMED_TOKENIZER))
                .set_stored(),
        ),
        n: b.add_u64_field("n", INDEXED | FAST | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        kind_code: b.add_u64_field("kind_code", NumericOptions::default().set_fast()),
        line_from: b.add_u64_field("line_from", STORED),
        line_to: b.add_u64_field("line_to", STORED),
        label: b.add_text_field("label", STRING | STORED),
        page: b.add_u64_field("page", STORED),
        themes: b.add_facet_field("themes", FacetOptions::default().set_stored()),
        source: b.add_facet_field("source", FacetOptions::default()),
        anchor: b.add_text_field("anchor", STRING | STORED),
        footnotes: b.add_u64_field("footnotes", STORED),
        date_order: b.add_u64_field("date_order", NumericOptions::default().set_fast()),
        theme_scores: b.add_u64_field("theme_scores", NumericOptions::default().set_fast()),
    };
    (b.build(), fields)
}

/// A passage kind as stored in [`Fields::kind_code`]: body 0, list item 1,
/// footnote 2.
pub fn kind_code(kind: PassageKind) -> u64 {
    match kind {
        PassageKind::Body => 0,
        PassageKind::ListItem => 1,
        PassageKind::Footnote => 2,
    }
}

/// The facet of a theme id: `cbm` → `/theme/cbm`,
/// `international-law/ihl` → `/theme/international-law/ihl`.
pub fn theme_facet(id: &str) -> Option<Facet> {
    Facet::from_text(&format!("/theme/{id}")).ok()
}

/// The facet of a document id: `/source/<id>`.
pub fn source_facet(id: &str) -> Option<Facet> {
    Facet::from_text(&format!("/source/{id}")).ok()
}

/// Scores are kept in thousandths: the taxonomy's weights have at most
/// two decimals, so sums of them are exact at this scale.
const SCORE_SCALE: f32 = 1000.0;

/// A theme's evidence in a passage as one value of
/// [`Fields::theme_scores`]: the theme's position in
/// [`super::Meta::themes`] in the high 32 bits, its score in thousandths in
/// the low 32.
pub fn theme_score_value(ordinal: usize, score: f32) -> u64 {
    let thousandths = (score.max(0.0) * SCORE_SCALE).round().min(u32::MAX as f32) as u64;
    ((ordinal as u64) << 32) | thousandths
}

/// The theme position and score a [`theme_score_value`] holds.
pub fn theme_score_of(value: u64) -> (usize, f32) {
    (
        (value >> 32) as usize,
        (value & u64::from(u32::MAX)) as f32 / SCORE_SCALE,
    )
}

/// The theme facets and positions, made once per build rather than once
/// per passage.
pub(super) struct Facets {
    pub(super) themes: HashMap<String, Facet>,
    /// Each theme's position in [`super::Meta::themes`].
    ordinals: HashMap<String, usize>,
}

impl Facets {
    pub(super) fn new(taxonomy: &Taxonomy) -> Facets {
        Facets {
            themes: taxonomy
                .themes()
                .iter()
                .filter_map(|t| Some((t.id.clone(), theme_facet(&t.id)?)))
                .collect(),
            ordinals: super::build::theme_ids(taxonomy)
                .into_iter()
                .enumerate()
                .map(|(i, id)| (id, i))
                .collect(),
        }
    }

    pub(super) fn theme(&self, id: &str) -> Option<Facet> {
        match self.themes.get(id) {
            Some(f) => Some(f.clone()),
            None => theme_facet(id),
        }
    }
}

/// A passage as the pipeline hands it to the index: tagged, with the
/// tagger's scores and its content anchor.
pub(super) struct Tagged<'a> {
    pub(super) passage: &'a Passage,
    pub(super) scores: &'a [ThemeScore],
    pub(super) anchor: &'a str,
}

pub(super) fn passage_document(
    f: &Fields,
    doc: &Document,
    tagged: Tagged<'_>,
    facets: &Facets,
    source: &Option<Facet>,
) -> TantivyDocument {
    let Tagged {
        passage: p,
        scores,
        anchor,
    } = tagged;
    let mut d = TantivyDocument::default();
    d.add_text(f.text, &p.text);
    d.add_text(f.text_exact, &p.text);
    d.add_text(f.doc, &doc.id);
    d.add_text(f.title, &doc.title);
    d.add_text(f.issuer, &doc.issuer);
    d.add_text(f.date, doc.date.to_string());
    d.add_u64(f.year, doc.date.year.max(0) as u64);
    d.add_text(f.doc_kind, &doc.kind);
    d.add_text(f.language, &doc.language);
    for heading in &p.section {
        d.add_text(f.section, heading);
    }
    d.add_u64(f.n, u64::from(p.n));
    d.add_text(f.kind, p.kind.as_str());
    d.add_u64(f.kind_code, kind_code(p.kind));
    d.add_u64(f.line_from, u64::from(p.lines[0]));
    d.add_u64(f.line_to, u64::from(p.lines[1]));
    if let Some(label) = &p.label {
        d.add_text(f.label, label);
    }
    if let Some(page) = p.page {
        d.add_u64(f.page, u64::from(page));
    }
    for theme in &p.themes {
        if let Some(facet) = facets.theme(theme) {
            d.add_facet(f.themes, facet);
        }
    }
    if let Some(facet) = source {
        d.add_facet(f.source, facet.clone());
    }
    d.add_text(f.anchor, anchor);
    for &note in &p.footnotes {
        d.add_u64(f.footnotes, u64::from(note));
    }
    d.add_u64(f.date_order, date_order(doc, p.n));
    for t in scores {
        if let Some(&ordinal) = facets.ordinals.get(&t.id) {
            d.add_u64(f.theme_scores, theme_score_value(ordinal, t.score));
        }
    }
    d
}

/// Newest first under a descending sort, then reading order within a
/// document: `yyyymmdd` followed by the complement of the ordinal.
pub(super) fn date_order(doc: &Document, n: u32) -> u64 {
    let d = doc.date;
    let ymd = (d.year.max(0) as u64) * 10_000
        + u64::from(d.month.unwrap_or(0)) * 100
        + u64::from(d.day.unwrap_or(0));
    ymd * 10_000_000 + (9_999_999 - u64::from(n.min(9_999_999)))
}
