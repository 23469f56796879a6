//! `corpus/corpus.toml` → validated [`Document`]s and their texts.
//!
//! Input: a corpus folder holding a manifest ([`MANIFEST_NAME`]) and the text
//! files it lists. Output: a [`Corpus`]: the documents' metadata in manifest
//! order, and [`Corpus::read_text`] to read each text as a [`Text`].
//!
//! Refused, with a [`UserError::Data`] naming the file, the 1-based line, the
//! document and field, and what to do: TOML syntax errors, unknown keys,
//! missing fields, a manifest without documents, ids that are not
//! `[a-z0-9-]+` or not unique, impossible dates, unknown language or country
//! codes, missing files, paths that leave the corpus folder (`../`, absolute
//! paths, symlinks pointing outside), two entries sharing one file; and, when
//! a text is read, text that is empty, binary (a PDF, a word-processor file)
//! or not UTF-8 (unless the caller asks for a lossy read), or that has a line
//! longer than [`MAX_LINE_BYTES`]. When a manifest has several problems, the
//! first in line order is reported, so fixing them top to bottom converges.
//!
//! ```
//! use normsearch::corpus::PartialDate;
//! let d: PartialDate = "2011-05".parse().unwrap();
//! assert_eq!((d.year, d.month, d.day), (2011, Some(5), None));
//! assert_eq!(d.to_string(), "2011-05");
//! assert!("2017-02-30".parse::<PartialDate>().is_err());
//! ```

mod check;
mod date;
#[cfg(test)]
mod tests;
mod text;

use crate::error::{Error, Result, UserError};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

pub(crate) use check::ISO_639_1;
use check::{newline_offsets, resolve, toml_error, Checker};
pub use date::{ParseDateError, PartialDate};
pub use text::MAX_LINE_BYTES;
use text::{decode, line_column};

/// The manifest's file name inside a corpus folder.
pub const MANIFEST_NAME: &str = "corpus.toml";

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
    #[serde(default)]
    pub authors: Vec<String>,
    /// Publication date.
    pub date: PartialDate,
    /// Kind of document, e.g. `national-strategy`.
    pub kind: String,
    /// ISO 3166-1 alpha-2 country code, for state documents.
    #[serde(default)]
    pub country: Option<String>,
    /// Issuing organisation, for non-state documents.
    #[serde(default)]
    pub organization: Option<String>,
    /// ISO 639-1 language code.
    pub language: String,
    /// Where the original can be found.
    #[serde(default)]
    pub url: Option<String>,
    /// The book or collection the document is part of, if any.
    #[serde(default)]
    pub container: Option<String>,
}

/// A loaded, validated corpus: where it is and what it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Corpus {
    /// The corpus folder, as given (relative paths stay relative, so messages
    /// show the path the user typed).
    pub root: PathBuf,
    /// The manifest file, `root/corpus.toml`.
    pub manifest: PathBuf,
    /// The documents, in manifest order.
    pub documents: Vec<Document>,
}

/// The text of one document, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// The text, UTF-8, without a leading byte-order mark.
    pub text: String,
    /// The file's size in bytes.
    pub bytes: u64,
    /// Things the reader should know but that did not stop the read (bytes
    /// replaced in a lossy read), one line each.
    pub warnings: Vec<String>,
}

/// The manifest as written, with the span of every value so that each
/// problem can be reported at its line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    #[serde(default)]
    pub(super) document: Vec<Spanned<RawDocument>>,
}

/// One `[[document]]` entry as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDocument {
    pub(super) id: Spanned<String>,
    pub(super) file: Spanned<String>,
    pub(super) title: Spanned<String>,
    pub(super) issuer: Spanned<String>,
    #[serde(default)]
    pub(super) authors: Option<Spanned<Vec<String>>>,
    pub(super) date: Spanned<String>,
    pub(super) kind: Spanned<String>,
    #[serde(default)]
    pub(super) country: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) organization: Option<Spanned<String>>,
    pub(super) language: Spanned<String>,
    #[serde(default)]
    pub(super) url: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) container: Option<Spanned<String>>,
}

impl Corpus {
    /// Loads and validates the corpus in `dir` (or, if `dir` is a file, the
    /// manifest `dir` and the folder it sits in).
    ///
    /// Every document's file must exist; texts are not read until
    /// [`Corpus::read_text`].
    pub fn load(dir: &Path) -> Result<Corpus> {
        let (root, manifest) = if dir.is_file() {
            let parent = match dir.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            (parent, dir.to_path_buf())
        } else {
            (dir.to_path_buf(), dir.join(MANIFEST_NAME))
        };
        if !root.is_dir() {
            return Err(UserError::NoCorpus { dir: root }.into());
        }
        let bytes = match std::fs::read(&manifest) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(UserError::NoManifest { path: manifest }.into())
            }
            Err(e) => return Err(Error::io(&manifest, e)),
        };
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let (line, column) = line_column(e.as_bytes(), e.utf8_error().valid_up_to());
                return Err(UserError::data(
                    &manifest,
                    Some(line),
                    format!("column {column}: the manifest is not UTF-8; save it as UTF-8"),
                )
                .into());
            }
        };
        Corpus::parse(root, manifest, &text)
    }

    /// Validates the manifest `text` (read from `manifest`) against the files
    /// in `root`.
    fn parse(root: PathBuf, manifest: PathBuf, text: &str) -> Result<Corpus> {
        let raw: RawManifest =
            toml::from_str(text).map_err(|e| Error::from(toml_error(&manifest, text, &e)))?;
        if raw.document.is_empty() {
            return Err(UserError::data(
                &manifest,
                None,
                "the manifest lists no documents; add one [[document]] entry (id, file, title, issuer, date, kind, language) per text",
            )
            .into());
        }
        let canonical_root = root.canonicalize().map_err(|e| Error::io(&root, e))?;
        let mut checker = Checker {
            newlines: newline_offsets(text),
            root: &root,
            canonical_root: &canonical_root,
            problems: Vec::new(),
            ids: HashMap::new(),
            files: HashMap::new(),
        };
        let documents: Vec<Document> = raw
            .document
            .into_iter()
            .filter_map(|entry| checker.document(entry.into_inner()))
            .collect();
        // Report the earliest problem: a librarian fixing the manifest from
        // the top down then never meets an error above one already fixed.
        if let Some(p) = checker.problems.into_iter().min_by_key(|p| p.line) {
            return Err(UserError::Data {
                path: manifest,
                line: Some(p.line),
                document: Some(p.document),
                field: Some(p.field.to_string()),
                message: p.message,
            }
            .into());
        }
        Ok(Corpus {
            root,
            manifest,
            documents,
        })
    }

    /// The document with this id.
    pub fn get(&self, id: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.id == id)
    }

    /// The document ids, in manifest order.
    pub fn ids(&self) -> Vec<&str> {
        self.documents.iter().map(|d| d.id.as_str()).collect()
    }

    /// The path of a document's text: the corpus folder joined with its
    /// `file`.
    pub fn path_of(&self, doc: &Document) -> PathBuf {
        self.root.join(&doc.file)
    }

    /// Reads and decodes a document's text.
    ///
    /// Refuses an empty or whitespace-only file, a binary file (a NUL byte in
    /// the first 8 KiB, or a UTF-16 byte-order mark) and, unless `lossy`,
    /// bytes that are not UTF-8, naming the line and column of the first bad
    /// byte. With `lossy`, bad bytes become U+FFFD and a warning says so. A
    /// leading UTF-8 byte-order mark is dropped.
    pub fn read_text(&self, doc: &Document, lossy: bool) -> Result<Text> {
        let path = self.path_of(doc);
        let canonical_root = self
            .root
            .canonicalize()
            .map_err(|e| Error::io(&self.root, e))?;
        // The document may not come from this corpus's manifest, so the path
        // is checked again rather than trusted.
        if let Err(message) = resolve(&self.root, &canonical_root, &doc.file) {
            return Err(UserError::Data {
                path: self.manifest.clone(),
                line: None,
                document: Some(doc.id.clone()),
                field: Some("file".into()),
                message,
            }
            .into());
        }
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        decode(&path, bytes, lossy)
    }
}
