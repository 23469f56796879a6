//! `corpus/corpus.toml` → validated [`Document`]s and their texts.
//!
//! Input: a corpus folder holding a manifest and the text files it lists.
//! Output: a [`Corpus`]: the documents' metadata in manifest order, and a way
//! to read each text. Refused, with a [`UserError`](crate::error::UserError)
//! naming file, line and field: TOML errors, unknown keys, missing fields,
//! duplicate ids, bad dates, missing files, paths that leave the corpus folder,
//! text that is not UTF-8.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A date as precise as the source gives it: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PartialDate {
    /// The year.
    pub year: i32,
    /// The month, 1–12, when known.
    pub month: Option<u8>,
    /// The day of the month, when known.
    pub day: Option<u8>,
}

/// One document of the corpus, as the manifest describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Stable slug `[a-z0-9-]+`, unique in the corpus.
    pub id: String,
    /// The text file, relative to the corpus folder.
    pub file: PathBuf,
    /// The document's title.
    pub title: String,
    /// Who issued or published it.
    pub issuer: String,
    /// Personal authors, if any.
    pub authors: Vec<String>,
    /// Publication date.
    pub date: PartialDate,
    /// Kind of document, e.g. `national-strategy`.
    pub kind: String,
    /// ISO 3166-1 alpha-2 country code, for state documents.
    pub country: Option<String>,
    /// Issuing organisation, for non-state documents.
    pub organization: Option<String>,
    /// ISO 639-1 language code.
    pub language: String,
    /// Where the original can be found.
    pub url: Option<String>,
    /// The book or collection the document is part of, if any.
    pub container: Option<String>,
}
