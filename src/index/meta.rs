//! What a generation records about itself: the small record every search
//! reads (`meta-normsearch.json`), and the documents (`documents.json`),
//! read only by what lists or cites them.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::corpus::{Document, Venue};

/// What a generation records about itself (`meta-normsearch.json`).
///
/// Every search reads it, so it holds only what is small: the documents
/// and the input stamps, which grow with the corpus, have files of their
/// own (`documents.json`, read when a command needs it; `inputs.tsv`, read
/// by the freshness check beside the search).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// [`SCHEMA_VERSION`] at build time.
    pub schema_version: u32,
    /// The program's version at build time.
    pub program_version: String,
    /// Hash of every input (see [`super::fingerprint`]).
    pub fingerprint: String,
    /// Seconds since the Unix epoch when the build finished.
    pub built_at: u64,
    /// The corpus folder it was built from, as given.
    pub corpus: PathBuf,
    /// Number of documents (listed by [`super::Index::documents`]).
    pub documents: usize,
    /// Every theme id of the taxonomy, pillars first in taxonomy order.
    pub themes: Vec<String>,
    /// Every theme with its label, pillars each followed by their
    /// sub-themes.
    pub theme_labels: Vec<ThemeMeta>,
    /// Number of passages.
    pub passages: usize,
    /// Bytes of text indexed.
    pub bytes: u64,
}

/// One document as the index knows it: its manifest entry as it was when
/// the index was built (so that a citation agrees with the text indexed),
/// and its passage count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentMeta {
    /// Document id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Issuer, as cited.
    pub issuer: String,
    /// Every issuer of a joint text; empty for one issuer.
    #[serde(default)]
    pub issuers: Vec<String>,
    /// What sort of issuer, when the manifest says.
    #[serde(default)]
    pub issuer_type: Option<String>,
    /// Personal authors, if any.
    pub authors: Vec<String>,
    /// Date as written (`2011-05`).
    pub date: String,
    /// Year.
    pub year: i32,
    /// Kind of document.
    pub kind: String,
    /// The document's own number or symbol (`A/70/174`).
    #[serde(default)]
    pub number: Option<String>,
    /// ISO 3166-1 code of the issuing country, if one.
    pub country: Option<String>,
    /// The issuing organisation, if one.
    pub organization: Option<String>,
    /// ISO 639-1 language code.
    pub language: String,
    /// `official`, `unofficial` or `machine` for a translation.
    #[serde(default)]
    pub translation: Option<String>,
    /// The language the document was issued in, for a translation.
    #[serde(default)]
    pub original_language: Option<String>,
    /// Where the original is.
    pub url: Option<String>,
    /// The book or collection the document is part of.
    pub container: Option<String>,
    /// Where a speech or article was published.
    #[serde(default)]
    pub venue: Option<Venue>,
    /// The text file, relative to the corpus folder.
    pub file: String,
    /// Number of passages.
    pub passages: usize,
}

impl DocumentMeta {
    /// The record of `doc`, which has `passages` passages.
    pub fn of(doc: &Document, passages: usize) -> DocumentMeta {
        DocumentMeta {
            id: doc.id.clone(),
            title: doc.title.clone(),
            issuer: doc.issuer.clone(),
            issuers: doc.issuers.clone(),
            issuer_type: doc.issuer_type.clone(),
            authors: doc.authors.clone(),
            date: doc.date.to_string(),
            year: doc.date.year,
            kind: doc.kind.clone(),
            number: doc.number.clone(),
            country: doc.country.clone(),
            organization: doc.organization.clone(),
            language: doc.language.clone(),
            translation: doc.translation.clone(),
            original_language: doc.original_language.clone(),
            url: doc.url.clone(),
            container: doc.container.clone(),
            venue: doc.venue.clone(),
            file: doc.file.display().to_string(),
            passages,
        }
    }
}

/// A theme of the taxonomy the index was built with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemeMeta {
    /// `cbm`, `norms/c`.
    pub id: String,
    /// Its label for people.
    pub label: String,
    /// Its pillar, for a sub-theme.
    pub parent: Option<String>,
}
