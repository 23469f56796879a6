//! Errors: what the user did wrong apart from what went wrong inside, each
//! a variant a front end can act on.
//!
//! A [`UserError`] names the place the problem is (a file, a line, a
//! field, a query column, an id) in one line with one wording, and says
//! how to fix the input; it never names a command to run, because what to
//! do next depends on the front end: the command line adds its advice
//! ("run `normsearch index`"), a server maps [`UserError::kind`] to an
//! HTTP status. Internal errors (I/O, tantivy) carry their source for the
//! error chain.

use std::fmt;
use std::path::PathBuf;

/// What kind of thing an unknown id was meant to name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    /// A document id, as a search filter (`source:`, `--source`).
    Source,
    /// A theme id.
    Theme,
    /// A document id, in a passage reference or a listing.
    Document,
}

impl IdKind {
    /// `source`, `theme`, `document`.
    pub fn as_str(self) -> &'static str {
        match self {
            IdKind::Source => "source",
            IdKind::Theme => "theme",
            IdKind::Document => "document",
        }
    }
}

/// How the index folder is unusable: every one is cured by a rebuild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexProblem {
    /// No index has been built there.
    Missing,
    /// Built by another version of the format.
    Incompatible {
        /// The format the index has.
        found: u32,
        /// The format this program reads.
        expected: u32,
    },
    /// A file is missing, truncated, garbled or fails its checksum: what,
    /// in a few words.
    Damaged(String),
    /// Its inputs changed since it was built: why, in a few words.
    Stale(String),
}

/// Why a folder cannot hold an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderProblem {
    /// It is a file.
    IsAFile,
    /// It holds this entry of its own, which a build must not remove.
    Foreign(String),
    /// It cannot be created or written.
    Unwritable {
        /// The operating system's reason.
        reason: String,
        /// The disk is full or the quota reached.
        full: bool,
    },
}

/// A problem with input the user controls: a manifest, a text, a taxonomy,
/// a lexicon, a query, a request, a reference, an index folder.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UserError {
    /// A data file (manifest, taxonomy, lexicon, text) is malformed or
    /// inconsistent.
    #[error("{}{}: {}{}{message}",
        path.display(),
        line.map(|l| format!(":{l}")).unwrap_or_default(),
        document.as_ref().map(|d| format!("document {d:?}: ")).unwrap_or_default(),
        field.as_ref().map(|f| format!("field `{f}`: ")).unwrap_or_default())]
    Data {
        /// The file at fault.
        path: PathBuf,
        /// The 1-based line, when known.
        line: Option<usize>,
        /// The manifest entry (document id) at fault, when known.
        document: Option<String>,
        /// The field of that entry, when known.
        field: Option<String>,
        /// What is wrong and how to fix the file.
        message: String,
    },
    /// A text is not valid UTF-8.
    #[error("{}:{line}: column {column}: byte 0x{byte:02X} is not UTF-8; convert the file to UTF-8 (e.g. iconv -f WINDOWS-1252 -t UTF-8)", path.display())]
    NotUtf8 {
        /// The text file.
        path: PathBuf,
        /// 1-based line of the first bad byte.
        line: usize,
        /// 1-based byte column of the first bad byte.
        column: usize,
        /// The bad byte.
        byte: u8,
    },
    /// An input is larger than the program accepts.
    #[error("{}{}: the {what} is {:.1} MB long, more than the {:.0} MB {limit_of}{advice}",
        path.display(),
        line.map(|l| format!(":{l}")).unwrap_or_default(),
        *size as f64 / 1e6,
        *limit as f64 / 1e6)]
    Oversize {
        /// The file.
        path: PathBuf,
        /// The 1-based line, when the limit is per line.
        line: Option<usize>,
        /// What is too large (`line`).
        what: &'static str,
        /// Its size in bytes.
        size: u64,
        /// The most accepted, in bytes.
        limit: u64,
        /// Whose limit it is (`a line may have`).
        limit_of: &'static str,
        /// Why, and what to do.
        advice: &'static str,
    },
    /// A request's text is longer than accepted.
    #[error("{what}: {length} characters, more than the {limit} accepted")]
    TooLong {
        /// What is too long (`query`).
        what: &'static str,
        /// Its length in characters.
        length: usize,
        /// The most accepted.
        limit: usize,
    },
    /// The corpus folder does not exist.
    #[error("{}: no such corpus folder", dir.display())]
    NoCorpus {
        /// The folder given.
        dir: PathBuf,
    },
    /// The corpus folder has no manifest.
    #[error("{}: no corpus manifest here; create corpus.toml with one [[document]] entry per text", path.display())]
    NoManifest {
        /// Where the manifest was looked for.
        path: PathBuf,
    },
    /// A query could not be parsed.
    #[error("query error at column {column}: {message}")]
    Query {
        /// 1-based column (in characters) of the offending token.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A request's parameter is out of bounds or malformed (`--year`,
    /// `limit`, a prompt command's argument).
    #[error("{field}: {message}")]
    Request {
        /// The parameter, as the front end names it (`--year`, `:limit`).
        field: String,
        /// What is wrong and what is accepted.
        message: String,
    },
    /// An id the index (or the corpus) does not know.
    #[error("unknown {} `{id}`; valid {}s: {}", kind.as_str(), kind.as_str(), list(valid))]
    UnknownId {
        /// What the id was meant to name.
        kind: IdKind,
        /// The id given.
        id: String,
        /// Every valid id, in order.
        valid: Vec<String>,
    },
    /// Text that is not a passage reference at all.
    #[error("{reference:?} is not a passage reference: write DOC:N (e.g. norway-2017:42) or a passage's anchor")]
    NotAReference {
        /// As given.
        reference: String,
    },
    /// A well-formed reference that names no passage.
    #[error("no passage {reference} in the index: {}", match passages {
        Some((doc, n)) => format!("{doc} has passages 1 to {n}"),
        None => "no passage has that anchor; anchors change when a passage's text does".into(),
    })]
    NoSuchPassage {
        /// As given.
        reference: String,
        /// The document named and how many passages it has, for an id.
        passages: Option<(String, usize)>,
    },
    /// A hit number the prompt has not shown.
    #[error("no hit {n}: {}", match shown {
        None => "no results yet; type a query first".to_string(),
        Some(0) => "the last query found nothing".to_string(),
        Some(k) => format!("hits 1 to {k} are shown"),
    })]
    NoSuchHit {
        /// The number asked for.
        n: usize,
        /// How many hits are shown; `None` before any query.
        shown: Option<usize>,
    },
    /// A prompt line that is not a command, or a command used wrongly.
    #[error("{}", match usage {
        Some(usage) => format!("{problem}; usage: {usage}"),
        None => format!("{problem}; type :help for the list"),
    })]
    Command {
        /// What is wrong.
        problem: String,
        /// The command's usage (`:show N`), when it is one.
        usage: Option<String>,
    },
    /// The index folder cannot be searched.
    #[error("{}: {}", dir.display(), match problem {
        IndexProblem::Missing => "no index here".to_string(),
        IndexProblem::Incompatible { found, expected } =>
            format!("the index has format {found} but this normsearch reads format {expected}"),
        IndexProblem::Damaged(what) => what.clone(),
        IndexProblem::Stale(why) => format!("the index is stale: {why}"),
    })]
    Index {
        /// The index folder.
        dir: PathBuf,
        /// What is wrong with it.
        problem: IndexProblem,
    },
    /// Another build holds the index's lock.
    #[error("{}: another `normsearch index` is building this index", dir.display())]
    IndexBusy {
        /// The index folder.
        dir: PathBuf,
    },
    /// A folder that cannot hold an index.
    #[error("{}: {}", dir.display(), match problem {
        FolderProblem::IsAFile => "this is a file, not an index folder".to_string(),
        FolderProblem::Foreign(name) =>
            format!("the folder holds {name:?}, which is not part of a normsearch index"),
        FolderProblem::Unwritable { reason, .. } => format!("cannot write the index ({reason})"),
    })]
    IndexFolder {
        /// The folder.
        dir: PathBuf,
        /// What is wrong with it.
        problem: FolderProblem,
    },
    /// An export to a file of a kind the program does not write.
    #[error("cannot export to {}: name a .jsonl file (JSON Lines) or a .csv file", path.display())]
    ExportFormat {
        /// The file named.
        path: PathBuf,
    },
    /// An export asked for before any results.
    #[error("nothing to export: no results yet; type a query first")]
    NothingToExport,
    /// Several problems of one data file, every one found in one pass
    /// (each a [`UserError::Data`], in line order), so that a librarian
    /// fixes them all at once rather than one per run.
    #[error("{}{}", problems.first().map(ToString::to_string).unwrap_or_default(),
        match problems.len() { 0 | 1 => String::new(), n => format!(" (and {} more problems in this file)", n - 1) })]
    Problems {
        /// The problems, in line order.
        problems: Vec<UserError>,
    },
}

fn list(ids: &[String]) -> String {
    if ids.is_empty() {
        "(none in this index)".to_string()
    } else {
        ids.join(", ")
    }
}

/// How a front end should treat an error: a server maps it to a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request or input is malformed (HTTP 400).
    Invalid,
    /// It names something that does not exist (HTTP 404).
    NotFound,
    /// It is larger than accepted (HTTP 413).
    TooLarge,
    /// The index cannot answer until it is (re)built (HTTP 503).
    Unavailable,
    /// A defect or an I/O failure (HTTP 500).
    Internal,
}

impl ErrorKind {
    /// The HTTP status a server answers with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::Invalid => 400,
            ErrorKind::NotFound => 404,
            ErrorKind::TooLarge => 413,
            ErrorKind::Unavailable => 503,
            ErrorKind::Internal => 500,
        }
    }
}

impl UserError {
    /// A data-file error at `path`, optional `line`, with a message.
    pub fn data(path: impl Into<PathBuf>, line: Option<usize>, message: impl Into<String>) -> Self {
        UserError::Data {
            path: path.into(),
            line,
            document: None,
            field: None,
            message: message.into(),
        }
    }

    /// A request parameter refused.
    pub fn request(field: impl Into<String>, message: impl Into<String>) -> Self {
        UserError::Request {
            field: field.into(),
            message: message.into(),
        }
    }

    /// How a front end should treat it.
    pub fn kind(&self) -> ErrorKind {
        match self {
            UserError::UnknownId {
                kind: IdKind::Document,
                ..
            }
            | UserError::NoSuchPassage { .. }
            | UserError::NoSuchHit { .. } => ErrorKind::NotFound,
            UserError::Oversize { .. } | UserError::TooLong { .. } => ErrorKind::TooLarge,
            UserError::Index { .. } | UserError::IndexBusy { .. } => ErrorKind::Unavailable,
            UserError::NoCorpus { .. }
            | UserError::NoManifest { .. }
            | UserError::IndexFolder { .. } => ErrorKind::Internal,
            _ => ErrorKind::Invalid,
        }
    }
}

/// Any failure of the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The user can fix this; exit code 2 with a one-line message.
    #[error(transparent)]
    User(#[from] UserError),
    /// An I/O failure on a named path.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path being read or written.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A failure inside tantivy.
    #[error("index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// A defect: something the program cannot do that no input explains.
    #[error("{0}")]
    Internal(String),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// The user error inside, if it is one.
    pub fn user(&self) -> Option<&UserError> {
        match self {
            Error::User(u) => Some(u),
            _ => None,
        }
    }

    /// How a front end should treat it.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::User(u) => u.kind(),
            _ => ErrorKind::Internal,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::Invalid => "invalid",
            ErrorKind::NotFound => "not found",
            ErrorKind::TooLarge => "too large",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::Internal => "internal",
        })
    }
}

/// 1-based line number of byte offset `offset` in `text`.
pub fn line_of_offset(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_wording_per_error() {
        let e = UserError::UnknownId {
            kind: IdKind::Source,
            id: "narnia".into(),
            valid: vec!["usa-2011".into(), "sweden-2014".into()],
        };
        assert_eq!(
            e.to_string(),
            "unknown source `narnia`; valid sources: usa-2011, sweden-2014"
        );
        assert_eq!(e.kind().http_status(), 400);
        let e = UserError::Data {
            path: "corpus/corpus.toml".into(),
            line: Some(12),
            document: Some("norway-2017".into()),
            field: Some("date".into()),
            message: "\"2017-02-30\" is not a date".into(),
        };
        assert_eq!(
            e.to_string(),
            "corpus/corpus.toml:12: document \"norway-2017\": field `date`: \"2017-02-30\" is not a date"
        );
        let e = UserError::Index {
            dir: "index".into(),
            problem: IndexProblem::Missing,
        };
        assert_eq!(e.to_string(), "index: no index here");
        assert_eq!(Error::from(e).kind().http_status(), 503);
        let e = UserError::NoSuchPassage {
            reference: "usa-2011:999".into(),
            passages: Some(("usa-2011".into(), 120)),
        };
        assert_eq!(
            e.to_string(),
            "no passage usa-2011:999 in the index: usa-2011 has passages 1 to 120"
        );
        assert_eq!(e.kind(), ErrorKind::NotFound);
    }
}
