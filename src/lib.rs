//! normsearch: fast, exact full-text search over cyber-norm texts.
//!
//! The pipeline, one module (a folder or a file) per concept, each using
//! only those above it:
//!
//! 1. [`error`]: every refusal as a typed [`UserError`], with its
//!    [`ErrorKind`] for a front end (exit code, HTTP status).
//! 2. [`corpus`]: `corpus/corpus.toml` → validated [`corpus::Document`]s and
//!    their texts.
//! 3. [`segment`]: a document's raw text → [`segment::Passage`]s with
//!    section, label, page and line range, plus a report of what was
//!    dropped.
//! 4. [`lexicon`]: spellings, compounds and acronyms: one normalisation for
//!    the index, the queries and the tagger (file format, rules, analysers,
//!    expansion).
//! 5. [`themes`]: the taxonomy and the tagger.
//! 6. [`pipeline`]: the corpus read, cut, tagged and anchored in parallel
//!    (rayon): what `passages`, `themes` and the indexer share.
//! 7. [`index`]: schema, the parallel build, generations and the atomic
//!    switch, freshness, opening ([`index::Index`]).
//! 8. [`query`]: the query language → a tree; the year-range grammar.
//! 9. [`search`]: a [`search::SearchRequest`] → [`search::SearchResults`]
//!    (plan, tantivy queries, the phrase bound, highlights, lookup, facets):
//!    data only.
//! 10. [`cite`]: one [`cite::Citation`] per passage, four renderings;
//!     [`reuse`] (signatures, alignment, word diffs, clusters) and
//!     [`lineage`] (its answers from an open index, with citations).
//! 11. [`engine`]: the [`Engine`] a long-lived process holds: opens or
//!     builds the index, follows rebuilds, answers with records.
//! 12. [`present`]: every record rendered for people (terminal, colour or
//!     not) and programs (JSON, JSON Lines, CSV), to any writer.
//! 13. [`shell`]: the prompt's line grammar and session state.
//! 14. [`serve`]: the JSON API and the web page over HTTP, on the same
//!     engine and records.
//! 15. [`cli`]: the command line: arguments, advice, exit codes, progress.
//!
//! `ARCHITECTURE.md` follows one query and one build through them.
#![warn(missing_docs)]

pub mod cite;
pub mod cli;
pub mod corpus;
pub mod engine;
pub mod error;
pub mod export;
pub mod index;
pub mod lexicon;
pub mod lineage;
pub mod pipeline;
pub mod present;
pub mod query;
pub mod reuse;
pub mod search;
pub mod segment;
pub mod serve;
pub mod shell;
pub mod stats;
pub mod themes;

pub use engine::{Engine, Opened, PassageContext, ThemeCount};
pub use error::{Error, ErrorKind, Result, UserError};
