//! The lexicon's file format (`lexicon.toml`): spellings, the -ise rule's
//! exceptions, compounds and acronyms, as a librarian writes them, and the
//! [`Locator`] that finds an entry's line for an error message.

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

    pub(super) fn error(&self, section: &str, entry: &str, message: String) -> Error {
        UserError::data(
            PathBuf::from(self.path),
            self.line(section, entry),
            format!("lexicon [{section}] `{entry}`: {message}"),
        )
        .into()
    }
}
