//! normsearch: fast, exact full-text search over cyber-norm texts.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`corpus`]: `corpus/corpus.toml` → validated [`corpus::Document`]s.
//! 2. [`segment`]: a document's raw text → [`segment::Passage`]s with section,
//!    label, page and line range, plus a report of what was dropped.
//! 3. [`pipeline`]: the corpus read and segmented in parallel (rayon).
//!
//! [`present`] renders passages and hits for people and programs; [`cli`] is
//! the command line.
#![warn(missing_docs)]

pub mod cite;
pub mod cli;
pub mod corpus;
pub mod error;
pub mod index;
pub mod lexicon;
pub mod pipeline;
pub mod present;
pub mod query;
pub mod reuse;
pub mod search;
mod seek_guard;
pub mod segment;
pub mod shell;
pub mod themes;

pub use error::{Error, Result, UserError};
