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

use crate::error::{line_of_offset, Error, Result, UserError};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::str::FromStr;
use toml::Spanned;

/// The manifest's file name inside a corpus folder.
pub const MANIFEST_NAME: &str = "corpus.toml";

/// How much of a text is searched for NUL bytes to tell binary files apart
/// (the same heuristic as git and ripgrep: text never holds NUL).
const BINARY_SNIFF_LEN: usize = 8 * 1024;

/// The longest line a text may have. A paragraph runs to a few kilobytes; a
/// line of megabytes is data (minified, a dump) or a text that lost its line
/// breaks, and would become one passage too large to show or cite.
pub const MAX_LINE_BYTES: usize = 1_000_000;

/// Signatures of document formats that are not plain text but may hold no
/// NUL byte early on: what to call each in a message.
const FORMAT_SIGNATURES: &[(&[u8], &str)] = &[
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (a .docx or .odt file?)"),
    (b"{\\rtf", "an RTF file"),
    (b"\xD0\xCF\x11\xE0", "an old Word or Excel file"),
];

/// A date as precise as the source gives it: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
///
/// Parsed with [`FromStr`], written with [`Display`](fmt::Display) in the
/// same form, and (de)serialized as that string. Months and days are checked
/// against the calendar: `2017-02-30` and `2015-02-29` are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    /// The year.
    pub year: i32,
    /// The month, 1–12, when known.
    pub month: Option<u8>,
    /// The day of the month, when known.
    pub day: Option<u8>,
}

/// Why a string is not a [`PartialDate`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD){}", reason.map(|r| format!(": {r}")).unwrap_or_default())]
pub struct ParseDateError {
    /// The text that was refused.
    pub input: String,
    /// What is impossible about it, when the form is right but the calendar
    /// is not (`month 13 does not exist`).
    pub reason: Option<&'static str>,
}

impl PartialDate {
    /// Days in `month` of `year` (proleptic Gregorian calendar).
    fn days_in_month(year: i32, month: u8) -> u8 {
        match month {
            4 | 6 | 9 | 11 => 30,
            2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
            2 => 28,
            _ => 31,
        }
    }
}

/// Parses exactly `n` ASCII digits; `str::parse` alone would also take a
/// sign (`+2017`), which is not a date.
fn digits(s: &str, n: usize) -> Option<u32> {
    if s.len() == n && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

impl FromStr for PartialDate {
    type Err = ParseDateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason| ParseDateError {
            input: s.to_owned(),
            reason,
        };
        let mut parts = s.split('-');
        let year = parts
            .next()
            .and_then(|y| digits(y, 4))
            .ok_or_else(|| err(None))?;
        let month = match parts.next() {
            None => None,
            Some(m) => Some(digits(m, 2).ok_or_else(|| err(None))?),
        };
        let day = match parts.next() {
            None => None,
            Some(d) => Some(digits(d, 2).ok_or_else(|| err(None))?),
        };
        if parts.next().is_some() {
            return Err(err(None));
        }
        // Four digits fit an i32 and two digits a u8, so these casts are exact.
        let year = year as i32;
        let month = month.map(|m| m as u8);
        let day = day.map(|d| d as u8);
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return Err(err(Some("there is no such month")));
            }
            if let Some(d) = day {
                if d == 0 || d > PartialDate::days_in_month(year, m) {
                    return Err(err(Some("that month has no such day")));
                }
            }
        }
        Ok(PartialDate { year, month, day })
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

impl Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
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
    document: Vec<Spanned<RawDocument>>,
}

/// One `[[document]]` entry as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocument {
    id: Spanned<String>,
    file: Spanned<String>,
    title: Spanned<String>,
    issuer: Spanned<String>,
    #[serde(default)]
    authors: Option<Spanned<Vec<String>>>,
    date: Spanned<String>,
    kind: Spanned<String>,
    #[serde(default)]
    country: Option<Spanned<String>>,
    #[serde(default)]
    organization: Option<Spanned<String>>,
    language: Spanned<String>,
    #[serde(default)]
    url: Option<Spanned<String>>,
    #[serde(default)]
    container: Option<Spanned<String>>,
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
            return Err(UserError::data(
                &root,
                None,
                "no such corpus folder; pass --corpus <folder> naming the folder that holds corpus.toml",
            )
            .into());
        }
        let bytes = match std::fs::read(&manifest) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(UserError::data(
                    &manifest,
                    None,
                    "no corpus manifest here; create corpus.toml with one [[document]] entry per text, or pass --corpus <folder>",
                )
                .into())
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
        if let Some((line, message)) = checker.problems.into_iter().min_by_key(|(l, _)| *l) {
            return Err(UserError::data(&manifest, Some(line), message).into());
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
            return Err(UserError::data(
                &self.manifest,
                None,
                format!("document {:?}: field `file`: {message}", doc.id),
            )
            .into());
        }
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        decode(&path, bytes, lossy)
    }
}

/// Collects the problems of a manifest's entries, with their lines.
struct Checker<'a> {
    /// Byte offsets of the manifest's line breaks, so that the line of any
    /// entry is a binary search: scanning the text from its start for each
    /// of thousands of entries made loading quadratic.
    newlines: Vec<usize>,
    root: &'a Path,
    canonical_root: &'a Path,
    problems: Vec<(usize, String)>,
    /// Id → line of its first use.
    ids: HashMap<String, usize>,
    /// Canonical file → (id, line) of its first use.
    files: HashMap<PathBuf, (String, usize)>,
}

impl Checker<'_> {
    /// 1-based line of the span's start, as [`line_of_offset`] counts it.
    fn line(&self, span: Range<usize>) -> usize {
        self.newlines.partition_point(|&nl| nl < span.start) + 1
    }

    /// Records a problem with `field` of document `id` at `span`.
    fn problem(&mut self, id: &str, field: &str, span: Range<usize>, what: impl fmt::Display) {
        let line = self.line(span);
        self.problems
            .push((line, format!("document {id:?}: field `{field}`: {what}")));
    }

    /// A free-text field, whitespace collapsed; refused if blank.
    fn text_field(&mut self, id: &str, field: &str, value: Spanned<String>) -> String {
        let span = value.span();
        let clean = collapse_whitespace(value.get_ref());
        if clean.is_empty() {
            self.problem(
                id,
                field,
                span,
                format_args!("is empty; give the document's {field}"),
            );
        }
        clean
    }

    /// An optional free-text field; refused if present but blank.
    fn optional_text(
        &mut self,
        id: &str,
        field: &str,
        value: Option<Spanned<String>>,
    ) -> Option<String> {
        let value = value?;
        let span = value.span();
        let clean = collapse_whitespace(value.get_ref());
        if clean.is_empty() {
            self.problem(id, field, span, "is empty; give a value or remove the line");
        }
        Some(clean)
    }

    /// Validates one entry; `None` if anything is wrong (the problems are
    /// recorded).
    fn document(&mut self, raw: RawDocument) -> Option<Document> {
        let before = self.problems.len();
        let id = raw.id.get_ref().clone();

        let id_span = raw.id.span();
        if !is_slug(&id) {
            let advice = if is_slug(&id.to_lowercase()) {
                format!("use lowercase: {:?}", id.to_lowercase())
            } else {
                "use lowercase letters, digits and hyphens only, e.g. \"norway-2017\"".to_owned()
            };
            self.problem(
                &id,
                "id",
                id_span.clone(),
                format_args!("{id:?} is not a valid id; {advice}"),
            );
        } else if let Some(&first) = self.ids.get(&id) {
            self.problem(
                &id,
                "id",
                id_span,
                format_args!(
                    "{id:?} is already the id of the document at line {first}; give each document its own id"
                ),
            );
        } else {
            let line = self.line(id_span);
            self.ids.insert(id.clone(), line);
        }

        let file = self.file(&id, raw.file);
        let title = self.text_field(&id, "title", raw.title);
        let issuer = self.text_field(&id, "issuer", raw.issuer);

        let authors = match raw.authors {
            None => Vec::new(),
            Some(list) => {
                let span = list.span();
                let authors: Vec<String> = list
                    .into_inner()
                    .iter()
                    .map(|a| collapse_whitespace(a))
                    .collect();
                if authors.iter().any(String::is_empty) {
                    self.problem(
                        &id,
                        "authors",
                        span,
                        "has an empty name; list each author's name, e.g. [\"Anna-Maria Osula\", \"Henry Rõigas\"]",
                    );
                }
                authors
            }
        };

        let date_span = raw.date.span();
        let date = match raw.date.get_ref().parse::<PartialDate>() {
            Ok(d) => Some(d),
            Err(e) => {
                self.problem(&id, "date", date_span, e);
                None
            }
        };

        let kind_span = raw.kind.span();
        let kind = raw.kind.into_inner();
        if !is_slug(&kind) {
            self.problem(
                &id,
                "kind",
                kind_span,
                format_args!(
                    "{kind:?} is not a kind; use a lowercase slug such as \"national-strategy\", \"book-chapter\" or \"un-submission\""
                ),
            );
        }

        let country = raw.country.map(|c| {
            let span = c.span();
            let code = c.into_inner();
            if !ISO_3166_1_ALPHA_2.contains(&code.as_str()) {
                let advice = if code == "UK" {
                    "the United Kingdom's code is \"GB\"".to_owned()
                } else if ISO_3166_1_ALPHA_2.contains(&code.to_uppercase().as_str()) {
                    format!("use capitals: {:?}", code.to_uppercase())
                } else {
                    "use the two-letter code in capitals, e.g. \"NO\"".to_owned()
                };
                self.problem(
                    &id,
                    "country",
                    span.clone(),
                    format_args!("{code:?} is not an ISO 3166-1 country code; {advice}"),
                );
            }
            (code, span)
        });
        let organization = raw.organization.map(|o| (o.span(), o));
        let organization = match organization {
            None => None,
            Some((span, o)) => {
                let name = self.optional_text(&id, "organization", Some(o));
                if let Some((_, country_span)) = &country {
                    // Point at whichever of the two comes second: that is
                    // the line the librarian just added.
                    let (field, at) = if country_span.start > span.start {
                        ("country", country_span.clone())
                    } else {
                        ("organization", span)
                    };
                    self.problem(
                        &id,
                        field,
                        at,
                        "a document has a country or an organization, not both; keep the one that issued it",
                    );
                }
                name
            }
        };
        let country = country.map(|(c, _)| c);

        let lang_span = raw.language.span();
        let language = raw.language.into_inner();
        if !ISO_639_1.contains(&language.as_str()) {
            let advice = if ISO_639_1.contains(&language.to_lowercase().as_str()) {
                format!("use lowercase: {:?}", language.to_lowercase())
            } else {
                "use the two-letter code in lowercase, e.g. \"en\"".to_owned()
            };
            self.problem(
                &id,
                "language",
                lang_span,
                format_args!("{language:?} is not an ISO 639-1 language code; {advice}"),
            );
        }

        let url = raw.url.map(|u| {
            let span = u.span();
            let url = u.into_inner();
            let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
            if !scheme_ok || url.chars().any(char::is_whitespace) {
                self.problem(
                    &id,
                    "url",
                    span,
                    format_args!(
                        "{url:?} is not a web address; give the full address starting with https:// or http://, or remove the line"
                    ),
                );
            }
            url
        });
        let container = self.optional_text(&id, "container", raw.container);

        if self.problems.len() > before {
            return None;
        }
        Some(Document {
            id,
            file: file?,
            title,
            issuer,
            authors,
            date: date?,
            kind,
            country,
            organization,
            language,
            url,
            container,
        })
    }

    /// Checks the `file` field: inside the corpus folder, present, a file,
    /// and not already another entry's text.
    fn file(&mut self, id: &str, raw: Spanned<String>) -> Option<PathBuf> {
        let span = raw.span();
        let file = PathBuf::from(raw.into_inner());
        match resolve(self.root, self.canonical_root, &file) {
            Err(message) => {
                self.problem(id, "file", span, message);
                None
            }
            Ok(canonical) => {
                let line = self.line(span.clone());
                if let Some((other, first)) = self.files.get(&canonical) {
                    let message = format!(
                        "{} is already the text of document {other:?} (line {first}); each document needs its own file",
                        file.display()
                    );
                    self.problem(id, "file", span, message);
                    return None;
                }
                self.files.insert(canonical, (id.to_owned(), line));
                Some(file)
            }
        }
    }
}

/// Resolves `file` inside the corpus folder to its canonical path, or says
/// why it cannot be used (one line, ending with what to do).
fn resolve(root: &Path, canonical_root: &Path, file: &Path) -> Result<PathBuf, String> {
    if file.as_os_str().is_empty() {
        return Err("is empty; give the text file's name, relative to the corpus folder".into());
    }
    // Checked on the path as written first, so that `../x` is refused even
    // when it happens to lead back into the folder: manifests are copied
    // between machines, and only paths inside the folder travel with it.
    let leaves = file.components().any(|c| {
        matches!(
            c,
            Component::ParentDir | Component::RootDir | Component::Prefix(_)
        )
    });
    if leaves {
        return Err(format!(
            "{:?} leaves the corpus folder; put the text inside {} and give its path relative to it",
            file.display().to_string(),
            root.display()
        ));
    }
    let path = root.join(file);
    let meta = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "{} does not exist; put the text in the corpus folder or correct the file name",
                path.display()
            ))
        }
        Err(e) => return Err(format!("{} cannot be read: {e}", path.display())),
    };
    if !meta.is_file() {
        return Err(format!(
            "{} is not a file; name the document's text file",
            path.display()
        ));
    }
    let canonical = path
        .canonicalize()
        .map_err(|e| format!("{} cannot be read: {e}", path.display()))?;
    // A symlink inside the folder may point anywhere; what counts is where
    // the text really is.
    if !canonical.starts_with(canonical_root) {
        return Err(format!(
            "{} resolves to {}, outside the corpus folder; copy the text into the folder instead of linking to it",
            path.display(),
            canonical.display()
        ));
    }
    Ok(canonical)
}

/// Decodes the bytes of the text at `path`.
fn decode(path: &Path, bytes: Vec<u8>, lossy: bool) -> Result<Text> {
    let size = bytes.len() as u64;
    if bytes.is_empty() {
        return Err(UserError::data(
            path,
            None,
            "the text is empty; put the document's text in it, or remove its entry from corpus.toml",
        )
        .into());
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(UserError::data(
            path,
            Some(1),
            "the text is UTF-16; convert it to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)",
        )
        .into());
    }
    if let Some((_, what)) = FORMAT_SIGNATURES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
    {
        return Err(UserError::data(
            path,
            Some(1),
            format!("this is {what}, not plain text; give a plain-text UTF-8 extraction of the document (e.g. pdftotext -layout)"),
        )
        .into());
    }
    let sniff = &bytes[..bytes.len().min(BINARY_SNIFF_LEN)];
    if let Some(at) = sniff.iter().position(|&b| b == 0) {
        let (line, column) = line_column(&bytes, at);
        return Err(UserError::data(
            path,
            Some(line),
            format!("column {column}: a NUL byte: this is a binary file (a PDF or word-processor file?), not text; give a plain-text UTF-8 extraction of the document"),
        )
        .into());
    }
    let mut warnings = Vec::new();
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let (line, column) = line_column(&bytes, at);
            if !lossy {
                return Err(UserError::data(
                    path,
                    Some(line),
                    format!(
                        "column {column}: byte 0x{:02X} is not UTF-8; convert the file to UTF-8 (e.g. iconv -f WINDOWS-1252 -t UTF-8), or pass --lossy to replace bad bytes",
                        bytes[at]
                    ),
                )
                .into());
            }
            let bad = bytes
                .utf8_chunks()
                .filter(|c| !c.invalid().is_empty())
                .count();
            warnings.push(format!(
                "{}:{line}: column {column}: {bad} invalid UTF-8 sequence{} replaced with U+FFFD; convert the file to UTF-8 to keep those characters",
                path.display(),
                if bad == 1 { "" } else { "s" }
            ));
            String::from_utf8_lossy(&bytes).into_owned()
        }
    };
    let text = match text.strip_prefix('\u{FEFF}') {
        Some(rest) => rest.to_owned(),
        None => text,
    };
    if text.trim().is_empty() {
        return Err(UserError::data(
            path,
            None,
            "the text holds only whitespace; put the document's text in it, or remove its entry from corpus.toml",
        )
        .into());
    }
    // `split` finds line ends with memchr: a pass over a 50 MB file costs
    // milliseconds even unoptimised.
    if let Some((n, long)) = text
        .split('\n')
        .enumerate()
        .find(|(_, l)| l.len() > MAX_LINE_BYTES)
    {
        return Err(UserError::data(
            path,
            Some(n + 1),
            format!(
                "the line is {:.1} MB long, more than the {} MB a line may have: this is not a text cut into lines (data, or an extraction that lost its line breaks); extract the text again keeping its line breaks",
                long.len() as f64 / 1e6,
                MAX_LINE_BYTES / 1_000_000
            ),
        )
        .into());
    }
    Ok(Text {
        text,
        bytes: size,
        warnings,
    })
}

/// 1-based line and 1-based byte column of byte offset `at` in `bytes`.
fn line_column(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    (line, before.len() - line_start + 1)
}

/// `[a-z0-9-]+`.
fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Trims and turns every run of whitespace (line breaks from a wrapped
/// title pasted out of a PDF) into one space, so citations print on one line.
fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Byte offsets of every `\n` in `text`, in order.
fn newline_offsets(text: &str) -> Vec<usize> {
    text.bytes()
        .enumerate()
        .filter_map(|(i, b)| (b == b'\n').then_some(i))
        .collect()
}

/// Turns a TOML error into a one-line [`UserError`] at its line, naming the
/// document entry and field when the text around the error shows them.
fn toml_error(manifest: &Path, text: &str, e: &toml::de::Error) -> UserError {
    let message = collapse_whitespace(e.message());
    let Some(span) = e.span() else {
        return UserError::data(manifest, None, format!("{message}; fix the TOML syntax"));
    };
    let line = line_of_offset(text, span.start);
    let (entry, field) = context_at(text, line);
    let mut out = String::new();
    if let Some(entry) = entry {
        out.push_str(&entry);
        out.push_str(": ");
    }
    if let Some(field) = &field {
        out.push_str(&format!("field `{field}`: "));
    }
    out.push_str(&message);
    let hint = if message.starts_with("missing field") {
        "; add it to this [[document]] entry"
    } else if message.starts_with("unknown field") {
        "; correct its spelling or remove it"
    } else if message.starts_with("duplicate key") {
        "; keep only one"
    } else if field.as_deref() == Some("date") {
        // An unquoted `2017-08-31` is a TOML date and `2011-05` a syntax
        // error; both mean the quotes were forgotten.
        "; write the date in quotes: date = \"2017-08-31\", \"2011-05\" or \"2016\""
    } else if message.starts_with("invalid type") {
        "; put text in double quotes"
    } else {
        "; fix the TOML syntax (text values go in double quotes)"
    };
    out.push_str(hint);
    UserError::data(manifest, Some(line), out)
}

/// The `[[document]]` entry (`document "id"`, or `document #n` when no id is
/// legible) and the key on 1-based line `line` of a manifest, read from the
/// raw text because a TOML error leaves no parsed values to ask.
fn context_at(text: &str, line: usize) -> (Option<String>, Option<String>) {
    let lines: Vec<&str> = text.lines().collect();
    let here = line.saturating_sub(1).min(lines.len());
    let is_header = |l: &str| {
        let squeezed: String = l.chars().filter(|c| !c.is_whitespace()).collect();
        squeezed.starts_with("[[document]]")
    };
    let key_of = |l: &str| -> Option<String> {
        let (key, _) = l.split_once('=')?;
        let key = key.trim();
        let bare = !key.is_empty()
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        bare.then(|| key.to_owned())
    };
    let field = lines.get(here).and_then(|l| key_of(l));
    let headers: Vec<usize> = lines[..(here + 1).min(lines.len())]
        .iter()
        .enumerate()
        .filter(|(_, l)| is_header(l))
        .map(|(i, _)| i)
        .collect();
    let Some(&start) = headers.last() else {
        return (None, field);
    };
    let id = lines[start + 1..]
        .iter()
        .take_while(|l| !l.trim_start().starts_with('['))
        .find_map(|l| {
            if key_of(l).as_deref() != Some("id") {
                return None;
            }
            let value = l.split_once('=')?.1.trim();
            let value = value.strip_prefix('"')?.strip_suffix('"')?;
            (!value.contains(['"', '\\'])).then(|| value.to_owned())
        });
    let entry = match id {
        Some(id) => format!("document {id:?}"),
        None => format!("document #{}", headers.len()),
    };
    (Some(entry), field)
}

/// ISO 639-1 language codes (from the Debian iso-codes tables).
pub(crate) const ISO_639_1: &[&str] = &[
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh",
    "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da",
    "de", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr",
    "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz",
    "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj",
    "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
    "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb",
    "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi",
    "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk",
    "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti",
    "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo",
    "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// ISO 3166-1 alpha-2 country codes (from the Debian iso-codes tables).
const ISO_3166_1_ALPHA_2: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tempfile::TempDir;

    /// A corpus folder with this manifest and these files.
    fn folder(manifest: &str, files: &[(&str, &[u8])]) -> TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MANIFEST_NAME), manifest).unwrap();
        for (name, content) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        dir
    }

    /// A complete, valid entry (9 lines, header first, then a blank line).
    fn entry(id: &str, file: &str) -> String {
        format!(
            "[[document]]\nid = \"{id}\"\nfile = \"{file}\"\ntitle = \"A Title\"\nissuer = \"A Ministry\"\ndate = \"2017-08-31\"\nkind = \"national-strategy\"\nlanguage = \"en\"\n\n"
        )
    }

    /// Loads, expecting a data error; returns its path, line and message
    /// after checking that the message is one line.
    fn data_error(dir: &Path) -> (PathBuf, Option<usize>, String) {
        match Corpus::load(dir) {
            Err(Error::User(UserError::Data {
                path,
                line,
                message,
            })) => {
                assert!(!message.contains('\n'), "multi-line message: {message}");
                (path, line, message)
            }
            other => panic!("expected a data error, got {other:?}"),
        }
    }

    /// The error for `manifest` with the text file `a.txt` present, asserting
    /// it names the manifest.
    fn manifest_error(manifest: &str) -> (Option<usize>, String) {
        let dir = folder(
            manifest,
            &[("a.txt", b"Some text.\n"), ("b.txt", b"More.\n")],
        );
        let (path, line, message) = data_error(dir.path());
        assert_eq!(path, dir.path().join(MANIFEST_NAME));
        (line, message)
    }

    fn manifest_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
    }

    #[test]
    fn loads_the_founding_corpus() {
        let corpus = Corpus::load(&manifest_dir()).unwrap();
        assert_eq!(
            corpus.ids(),
            ["norway-2017", "ccdcoe-2016", "sweden-2014", "usa-2011"]
        );
        let ccdcoe = corpus.get("ccdcoe-2016").unwrap();
        assert_eq!(ccdcoe.authors, ["Anna-Maria Osula", "Henry Rõigas"]);
        assert_eq!(
            ccdcoe.container.as_deref(),
            Some("International Cyber Norms: Legal, Policy & Industry Perspectives")
        );
        assert_eq!(ccdcoe.kind, "book-chapter");
        assert_eq!(ccdcoe.country, None);
        assert_eq!(ccdcoe.date.to_string(), "2016");
        let usa = corpus.get("usa-2011").unwrap();
        assert_eq!(usa.date.to_string(), "2011-05");
        assert_eq!(usa.country.as_deref(), Some("US"));
        assert!(corpus.get("nowhere-1999").is_none());
        for doc in &corpus.documents {
            let text = corpus.read_text(doc, false).unwrap();
            let size = std::fs::metadata(corpus.path_of(doc)).unwrap().len();
            assert_eq!(text.bytes, size, "{}", doc.id);
            assert!(text.warnings.is_empty(), "{}: {:?}", doc.id, text.warnings);
            assert!(text.text.len() > 10_000, "{}", doc.id);
        }
    }

    #[test]
    fn the_manifest_file_itself_may_be_given() {
        let dir = folder(&entry("a", "a.txt"), &[("a.txt", b"Text.")]);
        let corpus = Corpus::load(&dir.path().join(MANIFEST_NAME)).unwrap();
        assert_eq!(corpus.root, dir.path());
        assert_eq!(corpus.ids(), ["a"]);
    }

    #[test]
    fn optional_fields_default_and_text_is_tidied() {
        let manifest = "[[document]]\nid = \"x-1\"\nfile = \"sub/a.txt\"\ntitle = \"\"\"A\n   wrapped   title \"\"\"\nissuer = \" Someone \"\ndate = \"2016\"\nkind = \"gge-report\"\norganization = \"United Nations\"\nlanguage = \"fr\"\nurl = \"https://example.org/a.pdf\"\n";
        let dir = folder(manifest, &[("sub/a.txt", b"Texte.")]);
        let corpus = Corpus::load(dir.path()).unwrap();
        let doc = &corpus.documents[0];
        assert_eq!(doc.title, "A wrapped title");
        assert_eq!(doc.issuer, "Someone");
        assert!(doc.authors.is_empty());
        assert_eq!(doc.country, None);
        assert_eq!(doc.organization.as_deref(), Some("United Nations"));
        assert_eq!(doc.container, None);
        assert_eq!(doc.file, Path::new("sub/a.txt"));
    }

    #[test]
    fn refuses_toml_syntax_errors() {
        let manifest = format!(
            "{}[[document]]\nid = \"b\nfile = \"b.txt\"\n",
            entry("a", "a.txt")
        );
        let (line, message) = manifest_error(&manifest);
        assert_eq!(line, Some(11), "{message}");
        assert!(message.contains("TOML"), "{message}");
    }

    #[test]
    fn refuses_unknown_keys() {
        let manifest = entry("a", "a.txt").replace("title =", "titel =");
        let (line, message) = manifest_error(&manifest);
        assert_eq!(line, Some(4));
        assert!(
            message.starts_with("document \"a\": field `titel`: unknown field `titel`"),
            "{message}"
        );
        let (line, message) =
            manifest_error(&entry("a", "a.txt").replace("[[document]]", "[[documents]]"));
        assert_eq!(line, Some(1));
        assert!(message.contains("unknown field `documents`"), "{message}");
    }

    #[test]
    fn refuses_missing_fields_at_the_entry() {
        let manifest = format!(
            "{}{}",
            entry("a", "a.txt"),
            entry("b", "b.txt").replace("date = \"2017-08-31\"\n", "")
        );
        let (line, message) = manifest_error(&manifest);
        assert_eq!(line, Some(10));
        assert!(
            message.starts_with("document \"b\": missing field `date`"),
            "{message}"
        );
    }

    #[test]
    fn refuses_a_manifest_without_documents() {
        for manifest in ["", "# only a comment\n\n"] {
            let (line, message) = manifest_error(manifest);
            assert_eq!(line, None);
            assert!(message.contains("no documents"), "{message}");
        }
    }

    #[test]
    fn refuses_duplicate_ids_naming_both_lines() {
        let manifest = format!("{}{}", entry("a", "a.txt"), entry("a", "b.txt"));
        let (line, message) = manifest_error(&manifest);
        assert_eq!(line, Some(11));
        assert!(message.contains("field `id`"), "{message}");
        assert!(message.contains("at line 2"), "{message}");
    }

    #[test]
    fn lines_deep_in_a_long_manifest_are_exact() {
        // Many entries: the line of each is looked up, not counted afresh.
        let n = 1500;
        let mut manifest = String::new();
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        for i in 0..n {
            manifest.push_str(&entry(&format!("d{i}"), &format!("d{i}.txt")));
            files.push((format!("d{i}.txt"), b"Text.\n".to_vec()));
        }
        manifest.push_str(&entry("d7", "extra.txt"));
        files.push(("extra.txt".into(), b"Text.\n".to_vec()));
        let refs: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(f, c)| (f.as_str(), c.as_slice()))
            .collect();
        let dir = folder(&manifest, &refs);
        let (_, line, message) = data_error(dir.path());
        // Entries are 9 lines long; the id is on the entry's second line.
        assert_eq!(line, Some(9 * n + 2));
        assert!(
            message.contains(&format!("at line {}", 9 * 7 + 2)),
            "{message}"
        );
    }

    #[test]
    fn newline_offsets_give_the_lines_line_of_offset_counts() {
        let text = "a\n\nbc\r\nd\n";
        let newlines = newline_offsets(text);
        for offset in 0..text.len() + 3 {
            let line = newlines.partition_point(|&nl| nl < offset) + 1;
            assert_eq!(line, line_of_offset(text, offset), "offset {offset}");
        }
    }

    #[test]
    fn refuses_ids_that_are_not_slugs() {
        for (id, hint) in [
            ("Norway-2017", "; use lowercase: \"norway-2017\""),
            ("norway 2017", "hyphens"),
            ("", "hyphens"),
            ("é", "hyphens"),
        ] {
            let (line, message) = manifest_error(&entry(id, "a.txt"));
            assert_eq!(line, Some(2));
            assert!(message.contains("field `id`"), "{message}");
            assert!(message.contains("is not a valid id"), "{message}");
            assert!(message.contains(hint), "{message}");
        }
    }

    #[test]
    fn refuses_bad_dates() {
        for date in [
            "2017-13",
            "2017-02-30",
            "2015-02-29",
            "17",
            "2017/08/31",
            "2017-8",
            "",
            "2017-08-31T00:00",
        ] {
            let manifest = entry("x", "a.txt").replace("2017-08-31", date);
            let (line, message) = manifest_error(&manifest);
            assert_eq!(line, Some(6), "{date}");
            assert!(
                message.starts_with(&format!("document \"x\": field `date`: {date:?} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")),
                "{message}"
            );
        }
        // Forgotten quotes make a TOML date or a syntax error: both get the
        // same advice.
        for unquoted in ["2017-08-31", "2011-05", "2016"] {
            let manifest = entry("x", "a.txt").replace("\"2017-08-31\"", unquoted);
            let (line, message) = manifest_error(&manifest);
            assert_eq!(line, Some(6), "{unquoted}");
            assert!(message.contains("field `date`"), "{message}");
            assert!(message.contains("write the date in quotes"), "{message}");
        }
    }

    #[test]
    fn refuses_bad_language_codes() {
        for (code, hint) in [
            ("english", "two-letter"),
            ("EN", "; use lowercase: \"en\""),
            ("xx", "two-letter"),
            ("eng", "two-letter"),
        ] {
            let manifest =
                entry("x", "a.txt").replace("language = \"en\"", &format!("language = \"{code}\""));
            let (line, message) = manifest_error(&manifest);
            assert_eq!(line, Some(8));
            assert!(message.contains("field `language`"), "{message}");
            assert!(message.contains("ISO 639-1"), "{message}");
            assert!(message.contains(hint), "{message}");
        }
    }

    #[test]
    fn refuses_bad_countries_and_both_country_and_organization() {
        for (code, hint) in [
            ("UK", "code is \"GB\""),
            ("no", "; use capitals: \"NO\""),
            ("Norway", "; use the two-letter code"),
        ] {
            let manifest = format!("{}country = \"{code}\"\n", entry("x", "a.txt"));
            let (line, message) = manifest_error(&manifest);
            assert_eq!(line, Some(10));
            assert!(message.contains("field `country`"), "{message}");
            assert!(message.contains(hint), "{message}");
        }
        let manifest = format!(
            "{}country = \"NO\"\norganization = \"NATO\"\n",
            entry("x", "a.txt")
        );
        let (line, message) = manifest_error(&manifest);
        assert_eq!(line, Some(11));
        assert!(message.contains("field `organization`"), "{message}");
        assert!(message.contains("not both"), "{message}");
    }

    #[test]
    fn refuses_other_bad_values() {
        let cases = [
            (
                "title = \"A Title\"",
                "title = \"  \"",
                4,
                "field `title`: is empty",
            ),
            (
                "kind = \"national-strategy\"",
                "kind = \"National Strategy\"",
                7,
                "field `kind`",
            ),
            (
                "kind = \"national-strategy\"",
                "kind = 3",
                7,
                "field `kind`: invalid type",
            ),
            (
                "language = \"en\"",
                "language = \"en\"\nurl = \"www.example.org\"",
                9,
                "field `url`",
            ),
            (
                "language = \"en\"",
                "language = \"en\"\nauthors = [\"A\", \"\"]",
                9,
                "field `authors`: has an empty name",
            ),
            (
                "language = \"en\"",
                "language = \"en\"\ncontainer = \"\"",
                9,
                "field `container`: is empty",
            ),
        ];
        for (from, to, want_line, want) in cases {
            let (line, message) = manifest_error(&entry("x", "a.txt").replace(from, to));
            assert_eq!(line, Some(want_line), "{message}");
            assert!(message.contains(want), "{message}");
        }
    }

    #[test]
    fn refuses_missing_files_and_folders() {
        let (line, message) = manifest_error(&entry("x", "nothere.txt"));
        assert_eq!(line, Some(3));
        assert!(message.contains("nothere.txt does not exist"), "{message}");
        let dir = folder(&entry("x", "sub"), &[("sub/a.txt", b"Text.")]);
        let (_, line, message) = data_error(dir.path());
        assert_eq!(line, Some(3));
        assert!(message.contains("is not a file"), "{message}");
    }

    #[test]
    fn refuses_files_that_leave_the_corpus_folder() {
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret.txt");
        std::fs::write(&secret, "Outside.").unwrap();
        let absolute = secret.to_str().unwrap().to_owned();
        for file in [
            "../secret.txt",
            "sub/../../secret.txt",
            absolute.as_str(),
            "./../a.txt",
        ] {
            let (line, message) = manifest_error(&entry("x", file));
            assert_eq!(line, Some(3), "{file}");
            assert!(message.contains("leaves the corpus folder"), "{message}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symlinks_that_point_outside() {
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret.txt");
        std::fs::write(&secret, "Outside.").unwrap();
        let dir = folder(&entry("x", "link.txt"), &[]);
        std::os::unix::fs::symlink(&secret, dir.path().join("link.txt")).unwrap();
        let (_, line, message) = data_error(dir.path());
        assert_eq!(line, Some(3));
        assert!(message.contains("outside the corpus folder"), "{message}");
        // A link that stays inside is fine.
        std::fs::write(dir.path().join("real.txt"), "Inside.").unwrap();
        std::fs::remove_file(dir.path().join("link.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("real.txt"), dir.path().join("link.txt"))
            .unwrap();
        assert_eq!(Corpus::load(dir.path()).unwrap().ids(), ["x"]);
    }

    #[test]
    fn refuses_two_entries_sharing_a_file() {
        let manifest = format!("{}{}", entry("a", "a.txt"), entry("b", "./a.txt"));
        let (line, message) = manifest_error(&manifest);
        assert_eq!(line, Some(12));
        assert!(
            message.contains("already the text of document \"a\" (line 3)"),
            "{message}"
        );
    }

    #[test]
    fn reports_the_first_problem_in_line_order() {
        // Language (line 3) comes before date (line 7) in the text, though the
        // checks run in the other order; the second entry's bad id is later still.
        let manifest = format!(
            "[[document]]\nid = \"a\"\nlanguage = \"english\"\nfile = \"a.txt\"\ntitle = \"T\"\nissuer = \"I\"\ndate = \"2017-13\"\nkind = \"k\"\n\n{}",
            entry("B", "b.txt")
        );
        let (line, message) = manifest_error(&manifest);
        assert_eq!(line, Some(3));
        assert!(message.contains("field `language`"), "{message}");
    }

    #[test]
    fn refuses_a_missing_manifest_or_folder() {
        let dir = tempfile::tempdir().unwrap();
        let (path, line, message) = data_error(dir.path());
        assert_eq!(path, dir.path().join(MANIFEST_NAME));
        assert_eq!(line, None);
        assert!(message.contains("create corpus.toml"), "{message}");
        assert!(message.contains("--corpus"), "{message}");
        let (path, _, message) = data_error(&dir.path().join("nope"));
        assert_eq!(path, dir.path().join("nope"));
        assert!(message.contains("--corpus"), "{message}");
    }

    #[test]
    fn refuses_a_manifest_that_is_not_utf8() {
        let dir = folder("", &[("a.txt", b"Text.")]);
        std::fs::write(dir.path().join(MANIFEST_NAME), b"# ok\n# caf\xE9\n").unwrap();
        let (_, line, message) = data_error(dir.path());
        assert_eq!(line, Some(2));
        assert!(message.contains("column 6"), "{message}");
    }

    #[test]
    fn the_error_display_is_file_line_message() {
        let dir = folder(
            &entry("x", "a.txt").replace("2017-08-31", "2017-13"),
            &[("a.txt", b"T")],
        );
        let shown = Corpus::load(dir.path()).unwrap_err().to_string();
        let want = format!(
            "{}:6: document \"x\": field `date`: \"2017-13\" is not a date (use YYYY, YYYY-MM or YYYY-MM-DD): there is no such month",
            dir.path().join(MANIFEST_NAME).display()
        );
        assert_eq!(shown, want);
    }

    /// Reads `content` as the text of a one-document corpus.
    fn read(content: &[u8], lossy: bool) -> Result<Text> {
        let dir = folder(&entry("x", "a.txt"), &[("a.txt", content)]);
        let corpus = Corpus::load(dir.path()).unwrap();
        corpus.read_text(&corpus.documents[0], lossy)
    }

    fn read_error(content: &[u8], lossy: bool) -> (PathBuf, Option<usize>, String) {
        match read(content, lossy) {
            Err(Error::User(UserError::Data {
                path,
                line,
                message,
            })) => {
                assert!(path.ends_with("a.txt"));
                assert!(!message.contains('\n'));
                (path, line, message)
            }
            other => panic!("expected a data error, got {other:?}"),
        }
    }

    #[test]
    fn refuses_text_that_is_not_utf8_unless_lossy() {
        let content = b"First line.\nCaf\xE9 and th\xE9.\n";
        let (_, line, message) = read_error(content, false);
        assert_eq!(line, Some(2));
        assert!(
            message.starts_with("column 4: byte 0xE9 is not UTF-8"),
            "{message}"
        );
        assert!(message.contains("--lossy"), "{message}");

        let text = read(content, true).unwrap();
        assert_eq!(text.text, "First line.\nCaf\u{FFFD} and th\u{FFFD}.\n");
        assert_eq!(text.bytes, content.len() as u64);
        assert_eq!(text.warnings.len(), 1);
        assert!(
            text.warnings[0].contains(":2: column 4: 2 invalid UTF-8 sequences"),
            "{:?}",
            text.warnings
        );
    }

    #[test]
    fn refuses_empty_blank_and_binary_text() {
        let (_, _, message) = read_error(b"", true);
        assert!(message.contains("is empty"), "{message}");
        let (_, _, message) = read_error(b" \n\t\r\n", true);
        assert!(message.contains("only whitespace"), "{message}");
        let (_, line, message) = read_error(b"GIF89a\n\x00\x01binary", true);
        assert_eq!(line, Some(2));
        assert!(message.contains("column 1: a NUL byte"), "{message}");
        // Formats known by their first bytes, NUL or not.
        for (content, what) in [
            (&b"%PDF-1.4\n%\xE2\xE3\n1 0 obj"[..], "a PDF file"),
            (b"PK\x03\x04\x14\x00", "ZIP archive"),
            (b"{\\rtf1\\ansi Text}", "RTF"),
        ] {
            let (_, line, message) = read_error(content, true);
            assert_eq!(line, Some(1));
            assert!(message.contains(what), "{message}");
            assert!(message.contains("plain-text UTF-8 extraction"), "{message}");
        }
        let (_, _, message) = read_error(b"\xFF\xFEa\x00b\x00", true);
        assert!(message.contains("UTF-16"), "{message}");
        // A NUL past the first 8 KiB is not looked for.
        let mut late = vec![b'a'; BINARY_SNIFF_LEN];
        late.push(0);
        assert!(read(&late, false).is_ok());
    }

    #[test]
    fn refuses_a_line_too_long_to_be_text() {
        let mut content = b"Title\n\n".to_vec();
        content.extend(std::iter::repeat_n(b"word ", MAX_LINE_BYTES / 5 + 1).flatten());
        content.extend(b"\nLast line.\n");
        let (_, line, message) = read_error(&content, false);
        assert_eq!(line, Some(3));
        assert!(message.contains("1.0 MB long"), "{message}");
        // Just under the limit is a (strange) text, not an error.
        let mut fits = b"Title\n\n".to_vec();
        fits.extend(std::iter::repeat_n(b'a', MAX_LINE_BYTES));
        assert!(read(&fits, false).is_ok());
    }

    #[test]
    fn drops_a_utf8_byte_order_mark() {
        let text = read(b"\xEF\xBB\xBFHello.\n", false).unwrap();
        assert_eq!(text.text, "Hello.\n");
        assert_eq!(text.bytes, 10);
        let (_, _, message) = read_error(b"\xEF\xBB\xBF  \n", false);
        assert!(message.contains("only whitespace"), "{message}");
    }

    #[test]
    fn read_text_rechecks_the_path() {
        let dir = folder(&entry("x", "a.txt"), &[("a.txt", b"Text.")]);
        let corpus = Corpus::load(dir.path()).unwrap();
        let mut doc = corpus.documents[0].clone();
        doc.file = PathBuf::from("../a.txt");
        let err = corpus.read_text(&doc, false).unwrap_err().to_string();
        assert!(err.contains("leaves the corpus folder"), "{err}");
    }

    #[test]
    fn dates_parse_display_and_serialize_as_strings() {
        for (s, want) in [
            ("2017-08-31", (2017, Some(8), Some(31))),
            ("2011-05", (2011, Some(5), None)),
            ("2016", (2016, None, None)),
            ("2016-02-29", (2016, Some(2), Some(29))),
            ("2000-02-29", (2000, Some(2), Some(29))),
            ("0999-12-31", (999, Some(12), Some(31))),
        ] {
            let d: PartialDate = s.parse().unwrap();
            assert_eq!((d.year, d.month, d.day), want);
            assert_eq!(d.to_string(), s);
            let json = serde_json::to_string(&d).unwrap();
            assert_eq!(json, format!("\"{s}\""));
            assert_eq!(serde_json::from_str::<PartialDate>(&json).unwrap(), d);
        }
        for bad in [
            "",
            "2017-",
            "-2017",
            "+2017",
            "20170",
            "2017-00",
            "2017-13",
            "2017-1",
            "2017-01-00",
            "2017-04-31",
            "1900-02-29",
            "2017-01-01-01",
            "２０１７",
            "2017-01-1 ",
        ] {
            let err = bad.parse::<PartialDate>().unwrap_err();
            assert!(
                err.to_string()
                    .starts_with(&format!("{bad:?} is not a date")),
                "{err}"
            );
        }
        assert!(serde_json::from_str::<PartialDate>("\"2017-13\"").is_err());
        assert!(serde_json::from_str::<PartialDate>("2017").is_err());
        let a: PartialDate = "2016".parse().unwrap();
        let b: PartialDate = "2016-01".parse().unwrap();
        assert!(a < b);
    }

    #[test]
    fn documents_round_trip_through_json() {
        let corpus = Corpus::load(&manifest_dir()).unwrap();
        let json = serde_json::to_string(&corpus.documents).unwrap();
        let back: Vec<Document> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, corpus.documents);
    }

    /// Pieces of manifests, valid and not, for the generator below.
    const FRAGMENTS: &[&str] = &[
        "[[document]]",
        "[document]",
        "[[documents]]",
        "id = \"a\"",
        "id = \"A b\"",
        "id = 3",
        "file = \"a.txt\"",
        "file = \"../a.txt\"",
        "file = \"/etc/passwd\"",
        "file = \"\"",
        "file = \"missing.txt\"",
        "title = \"T\"",
        "title = \"\"\"multi\nline\"\"\"",
        "issuer = \"I\"",
        "authors = [\"A\", \"\"]",
        "authors = \"A\"",
        "date = \"2017-02-30\"",
        "date = \"2016\"",
        "date = 2017-08-31",
        "date = 2011-05",
        "kind = \"k\"",
        "country = \"NO\"",
        "organization = \"O\"",
        "language = \"en\"",
        "language = \"EN\"",
        "url = \"https://x\"",
        "container = \"C\"",
        "extra = 1",
        "id = \"é",
        "= \"\"",
        "\"\"\"",
        "[[",
        "#",
        "",
        "\u{FEFF}",
        "id = '\u{0}'",
    ];

    /// A manifest is loaded, or refused in one line at a line of the file;
    /// only a manifest with no entry at all is refused as a whole.
    fn manifest_outcome(text: &str) -> std::result::Result<(), TestCaseError> {
        let dir = folder("", &[("a.txt", b"Text.")]);
        let root = dir.path().to_path_buf();
        match Corpus::parse(root.clone(), root.join(MANIFEST_NAME), text) {
            Ok(corpus) => prop_assert!(!corpus.documents.is_empty()),
            Err(Error::User(UserError::Data { message, line, .. })) => {
                prop_assert!(!message.contains('\n'), "{message}");
                match line {
                    Some(line) => prop_assert!(
                        line >= 1 && line <= text.lines().count().max(1) + 1,
                        "line {line} of {text:?}"
                    ),
                    None => prop_assert!(message.contains("lists no documents"), "{message}"),
                }
            }
            Err(other) => prop_assert!(false, "unexpected error {other:?}"),
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn arbitrary_manifests_never_panic(text in "\\PC{0,200}") {
            manifest_outcome(&text)?;
        }

        #[test]
        fn manifests_from_fragments_never_panic(
            parts in prop::collection::vec(prop::sample::select(FRAGMENTS), 0..30)
        ) {
            manifest_outcome(&parts.join("\n"))?;
        }

        #[test]
        fn arbitrary_bytes_decode_or_are_refused(bytes in prop::collection::vec(any::<u8>(), 0..300), lossy: bool) {
            match decode(Path::new("t.txt"), bytes.clone(), lossy) {
                Ok(text) => {
                    prop_assert_eq!(text.bytes, bytes.len() as u64);
                    prop_assert!(!text.text.trim().is_empty());
                    prop_assert_eq!(text.warnings.is_empty(), std::str::from_utf8(&bytes).is_ok());
                }
                Err(Error::User(UserError::Data { message, .. })) => prop_assert!(!message.contains('\n')),
                Err(other) => prop_assert!(false, "unexpected error {other:?}"),
            }
        }

        #[test]
        fn valid_dates_round_trip(year in 0i32..10000, month in 1u8..=12, day in 1u8..=31, precision in 0..3) {
            let s = match precision {
                0 => format!("{year:04}"),
                1 => format!("{year:04}-{month:02}"),
                _ => format!("{year:04}-{month:02}-{day:02}"),
            };
            match s.parse::<PartialDate>() {
                Ok(d) => prop_assert_eq!(d.to_string(), s),
                Err(_) => {
                    prop_assert_eq!(precision, 2);
                    prop_assert!(day > PartialDate::days_in_month(year, month));
                }
            }
        }

        #[test]
        fn arbitrary_date_strings_never_panic(s in "\\PC{0,12}") {
            if let Ok(d) = s.parse::<PartialDate>() {
                prop_assert_eq!(d.to_string(), s);
            }
        }
    }
}
