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
//! longer than [`MAX_LINE_BYTES`]. When a manifest has several problems,
//! every one is reported, in line order ([`UserError::Problems`]), each in
//! plain words with an example to copy.
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
mod manifest;
#[cfg(test)]
mod tests;
mod text;

use crate::error::{Error, Result, UserError};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub(crate) use check::{join_names, ISO_639_1};
use check::{newline_offsets, resolve, Checker};
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
    /// Who issued or published it, as cited: the manifest's `issuer`, or
    /// its `issuers` joined ("A, B and C").
    pub issuer: String,
    /// Every issuer, for a text issued jointly (states, organisations,
    /// companies: a multistakeholder declaration); empty for one issuer.
    #[serde(default)]
    pub issuers: Vec<String>,
    /// What sort of issuer (one of [`ISSUER_TYPES`]), when the manifest
    /// says.
    #[serde(default)]
    pub issuer_type: Option<String>,
    /// Personal authors, if any.
    #[serde(default)]
    pub authors: Vec<String>,
    /// The document's date: publication, or delivery for a speech (a
    /// speech published later has the publication's date in `venue`).
    pub date: PartialDate,
    /// Kind of document, e.g. `national-strategy`: one of [`KINDS`] or of
    /// the manifest's `[kinds]`.
    pub kind: String,
    /// The document's own number or symbol (`ETS No. 185`, `A/70/174`).
    #[serde(default)]
    pub number: Option<String>,
    /// ISO 3166-1 alpha-2 country code, for state documents.
    #[serde(default)]
    pub country: Option<String>,
    /// Issuing organisation, for non-state documents.
    #[serde(default)]
    pub organization: Option<String>,
    /// ISO 639-1 language code.
    pub language: String,
    /// Whether the text is a translation, and whose (one of
    /// [`TRANSLATIONS`]); `None` for a text in its original language.
    #[serde(default)]
    pub translation: Option<String>,
    /// The language the document was issued in, for a translation.
    #[serde(default)]
    pub original_language: Option<String>,
    /// Where the original can be found.
    #[serde(default)]
    pub url: Option<String>,
    /// The book or collection the document is part of, if any.
    #[serde(default)]
    pub container: Option<String>,
    /// Where a speech or article was published, when it was.
    #[serde(default)]
    pub venue: Option<Venue>,
}

/// Where a text was published (a journal, for a speech or an article),
/// with that publication's own date beside the document's.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Venue {
    /// The journal or periodical.
    pub journal: String,
    /// Its volume.
    #[serde(default)]
    pub volume: Option<String>,
    /// Its issue (number).
    #[serde(default)]
    pub issue: Option<String>,
    /// The pages (`395–406`).
    #[serde(default)]
    pub pages: Option<String>,
    /// When the publication appeared (`2021`, `2021-03`).
    #[serde(default)]
    pub date: Option<String>,
    /// Where the publication can be found.
    #[serde(default)]
    pub url: Option<String>,
}

/// The kinds of document every manifest knows, with what each is. A
/// manifest adds its own in a `[kinds]` table.
pub const KINDS: &[(&str, &str)] = &[
    (
        "national-strategy",
        "a state's (international) cyber or cybersecurity strategy",
    ),
    (
        "un-submission",
        "a state's submission to the UN Secretary-General or a UN body",
    ),
    (
        "un-document",
        "a UN report, resolution or official record with a UN symbol",
    ),
    (
        "gge-report",
        "a report of a UN Group of Governmental Experts or Open-ended Working Group",
    ),
    (
        "position-paper",
        "a state's position on international law or norms in cyberspace",
    ),
    ("treaty", "a treaty, convention or protocol"),
    (
        "declaration",
        "a political or multistakeholder declaration, call or statement of principles",
    ),
    ("speech", "a speech or statement as delivered"),
    ("article", "an article in a journal or periodical"),
    ("book-chapter", "a chapter of an edited book"),
    ("book", "a book or monograph"),
    (
        "report",
        "a report of a government, organisation or research centre",
    ),
    ("law", "a law, decree or regulation"),
];

/// The values of `translation`.
pub const TRANSLATIONS: &[(&str, &str)] = &[
    ("official", "a translation made or approved by the issuer"),
    ("unofficial", "a translation by someone else"),
    ("machine", "a machine translation"),
];

/// The values of `issuer_type`.
pub const ISSUER_TYPES: &[(&str, &str)] = &[
    ("state", "a state or its government"),
    ("states", "several states jointly"),
    ("organization", "an international or regional organisation"),
    (
        "multistakeholder",
        "states, organisations, companies and civil society together",
    ),
    ("expert-group", "a group of experts"),
    ("company", "a company"),
    (
        "civil-society",
        "a non-governmental organisation or research centre",
    ),
    ("person", "a person speaking or writing in their own name"),
];

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
    /// Every kind a document may have: [`KINDS`], then the manifest's own
    /// `[kinds]`, each with what it is.
    pub kinds: Vec<(String, String)>,
}

/// Decodes a text file's `bytes` as [`Corpus::read_text`] does: refuses
/// empty, binary and (unless `lossy`) non-UTF-8 text, naming `path`.
pub fn decode_text(path: &Path, bytes: Vec<u8>, lossy: bool) -> Result<Text> {
    decode(path, bytes, lossy)
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

impl Corpus {
    /// Loads and validates the corpus in `dir` (or, if `dir` is a file, the
    /// manifest `dir` and the folder it sits in).
    ///
    /// Every document's file must exist; texts are not read until
    /// [`Corpus::read_text`].
    pub fn load(dir: &Path) -> Result<Corpus> {
        let (root, manifest, text) = Corpus::read_manifest(dir)?;
        Corpus::parse(root, manifest, &text)
    }

    /// Loads the corpus in `dir` as [`Corpus::load`] does, but keeps the
    /// documents whose entries are sound beside every problem of the
    /// others, so that a check can go on to read their texts. An `Err` is a
    /// manifest that cannot be read at all.
    pub fn load_checked(dir: &Path) -> Result<(Corpus, Vec<UserError>)> {
        let (root, manifest, text) = Corpus::read_manifest(dir)?;
        Corpus::parse_all(root, manifest, &text)
    }

    /// Validates a manifest's `text` as if it were the file `manifest` in
    /// the corpus folder `root` (used to check an entry before writing it).
    pub fn from_text(root: &Path, manifest: &Path, text: &str) -> Result<Corpus> {
        Corpus::parse(root.to_path_buf(), manifest.to_path_buf(), text)
    }

    /// The corpus folder, the manifest's path and its text.
    fn read_manifest(dir: &Path) -> Result<(PathBuf, PathBuf, String)> {
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
        Ok((root, manifest, text))
    }

    /// Validates the manifest `text` (read from `manifest`) against the files
    /// in `root`.
    fn parse(root: PathBuf, manifest: PathBuf, text: &str) -> Result<Corpus> {
        let (corpus, mut errors) = Corpus::parse_all(root, manifest, text)?;
        match errors.len() {
            0 => Ok(corpus),
            1 => Err(errors.remove(0).into()),
            _ => Err(UserError::Problems { problems: errors }.into()),
        }
    }

    /// Validates the manifest `text`: the sound documents and every
    /// problem, in line order.
    fn parse_all(root: PathBuf, manifest: PathBuf, text: &str) -> Result<(Corpus, Vec<UserError>)> {
        let newlines = newline_offsets(text);
        let line = |offset: usize| newlines.partition_point(|&nl| nl < offset) + 1;
        let raw = manifest::read(text, &line);
        let mut kinds: Vec<(String, String)> = KINDS
            .iter()
            .map(|(k, d)| (k.to_string(), d.to_string()))
            .collect();
        for (k, (d, _)) in &raw.kinds {
            match kinds.iter_mut().find(|(known, _)| known == k) {
                // The manifest's wording wins: it is the librarian's.
                Some(entry) => entry.1 = d.clone(),
                None => kinds.push((k.clone(), d.clone())),
            }
        }
        let canonical_root = root.canonicalize().map_err(|e| Error::io(&root, e))?;
        let mut checker = Checker {
            newlines: newline_offsets(text),
            root: &root,
            canonical_root: &canonical_root,
            problems: raw.problems,
            ids: HashMap::new(),
            files: HashMap::new(),
            kinds: kinds.iter().map(|(k, _)| k.clone()).collect(),
        };
        let documents: Vec<Document> = raw
            .documents
            .into_iter()
            .filter_map(|entry| checker.document(entry))
            .collect();
        // Every problem, in line order: a librarian fixes them all in one
        // pass, from the top down.
        let mut problems = checker.problems;
        problems.sort_by_key(|p| p.line);
        let errors: Vec<UserError> = problems
            .into_iter()
            .map(|p| UserError::Data {
                path: manifest.clone(),
                // Line 0: the manifest as a whole (it lists no documents).
                line: (p.line > 0).then_some(p.line),
                document: p.document,
                field: p.field,
                message: p.message,
            })
            .collect();
        Ok((
            Corpus {
                root,
                manifest,
                documents,
                kinds,
            },
            errors,
        ))
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
        let mut text = decode(&path, bytes, lossy)?;
        text.warnings
            .extend(check::script_mismatch(doc, &text.text));
        Ok(text)
    }
}
