//! The lexicon's file format (`lexicon.toml`): spellings, the -ise rule's
//! exceptions, compounds, concepts (with the `[acronyms]` shorthand for a
//! concept that is an acronym and its long forms) and word families, as a
//! librarian writes them, and the [`Locator`] that finds an entry's line for
//! an error message.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, UserError};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LexiconFile {
    #[serde(default)]
    pub(super) spelling: BTreeMap<String, String>,
    #[serde(default)]
    pub(super) ise: IseFile,
    #[serde(default)]
    pub(super) compounds: BTreeMap<String, OneOrMany>,
    #[serde(default)]
    pub(super) acronyms: BTreeMap<String, AcronymFile>,
    #[serde(default)]
    pub(super) concept: Vec<ConceptFile>,
    #[serde(default)]
    pub(super) families: BTreeMap<String, Vec<String>>,
}

/// One `[[concept]]` entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ConceptFile {
    pub(super) id: String,
    pub(super) label: String,
    #[serde(default)]
    pub(super) variants: Vec<String>,
    #[serde(default)]
    pub(super) acronyms: Vec<String>,
    /// The acronyms expand only when a query writes them as written here.
    #[serde(default)]
    pub(super) case_sensitive: bool,
    #[serde(default)]
    pub(super) symbols: Vec<String>,
    /// Names in other languages, by ISO 639-1 code.
    #[serde(default)]
    pub(super) names: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct IseFile {
    #[serde(default)]
    pub(super) exceptions: Vec<String>,
    #[serde(default)]
    pub(super) endings: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub(super) fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum AcronymFile {
    Long(OneOrMany),
    Table(AcronymTable),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AcronymTable {
    pub(super) long: OneOrMany,
    #[serde(default)]
    pub(super) case_sensitive: bool,
}

/// Finds the line of an entry in the source, for error messages.
pub(super) struct Locator<'a> {
    pub(super) src: &'a str,
    pub(super) path: &'a Path,
}

impl Locator<'_> {
    /// The 1-based line where `needle` (a key or a quoted value) first occurs
    /// inside section `[section]`.
    pub(super) fn line(&self, section: &str, needle: &str) -> Option<usize> {
        let header = format!("[{section}]");
        let quoted = format!("\"{needle}\"");
        let mut inside = false;
        for (i, line) in self.src.lines().enumerate() {
            let t = line.trim_start();
            if t.starts_with('[') {
                inside = t.starts_with(&header);
                continue;
            }
            if !inside || t.starts_with('#') {
                continue;
            }
            let is_key = t
                .strip_prefix(needle)
                .or_else(|| t.strip_prefix(&quoted))
                .is_some_and(|rest| rest.trim_start().starts_with('='));
            if is_key || t.contains(&quoted) {
                return Some(i + 1);
            }
        }
        None
    }

    /// The 1-based line of the `[[concept]]` entry whose id is `id`.
    pub(super) fn concept_line(&self, id: &str) -> Option<usize> {
        self.src
            .lines()
            .position(|line| {
                let t = line.trim_start();
                t.strip_prefix("id")
                    .map(str::trim_start)
                    .and_then(|r| r.strip_prefix('='))
                    .is_some_and(|r| r.trim().trim_matches(['"', '\'']) == id)
            })
            .map(|i| i + 1)
    }

    /// An error about the `[[concept]]` entry `id`.
    pub(super) fn concept_error(&self, id: &str, message: String) -> Error {
        UserError::data(
            PathBuf::from(self.path),
            self.concept_line(id),
            format!("lexicon [[concept]] `{id}`: {message}"),
        )
        .into()
    }

    pub(super) fn error(&self, section: &str, entry: &str, message: String) -> Error {
        UserError::data(
            PathBuf::from(self.path),
            self.line(section, entry),
            format!("lexicon [{section}] `{entry}`: {message}"),
        )
        .into()
    }
}
