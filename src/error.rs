//! Errors: what the user did wrong (and how to fix it) apart from what went
//! wrong inside.
//!
//! A [`UserError`] always names the place the problem is (a file, a line, a
//! field, a query column) and what to do about it; the command line prints it
//! as one line and exits with code 2. Internal errors (I/O, tantivy) carry
//! their source for the error chain.

use std::path::PathBuf;

/// A problem with input the user controls: a manifest, a text, a taxonomy, a
/// lexicon, a query, an index folder. Displayed as one actionable line.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// A data file (manifest, taxonomy, lexicon) is malformed or inconsistent.
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Data {
        /// The file at fault.
        path: PathBuf,
        /// The 1-based line, when known.
        line: Option<usize>,
        /// What is wrong and what to do, naming the field or entry.
        message: String,
    },
    /// A query could not be parsed.
    #[error("query error at column {column}: {message}")]
    Query {
        /// 1-based column (in characters) of the offending token.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// Anything else the user can fix (an unknown id, a bad flag value, an
    /// index that must be rebuilt).
    #[error("{0}")]
    Other(String),
}

impl UserError {
    /// A data-file error at `path`, optional `line`, with a message.
    pub fn data(path: impl Into<PathBuf>, line: Option<usize>, message: impl Into<String>) -> Self {
        UserError::Data {
            path: path.into(),
            line,
            message: message.into(),
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
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
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
