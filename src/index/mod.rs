//! The search index: schema, parallel build, atomic swap, open.
//!
//! Input: a corpus folder (manifest, texts, optional `lexicon.toml` and
//! `themes.toml`). Output: an index folder that search opens with
//! [`Index::open`]. Each passage is one tantivy document holding its text
//! twice (stemmed and normalised by the [`Lexicon`], and exact), its
//! citation fields and its themes.
//!
//! # Layout of an index folder
//!
//! ```text
//! index/
//!   .lock            an OS file lock held by the build in progress
//!   CURRENT          "gen-7": the generation readers open
//!   gen-7/           a complete tantivy index, plus
//!     meta-normsearch.json   versions, fingerprint of the inputs, counts
//!     documents.json         the documents' metadata and passage counts
//!     document-ids.txt       their ids alone, one a line (read by a search
//!                            naming a source)
//!     inputs.tsv             size and modification time of every input
//!     folders.tsv            the same of the manifest, lexicon, taxonomy
//!                            and the folders holding the texts
//!     lexicon.toml           the lexicon it was built with
//!     lexicon.bin            the same, compiled (read by searches)
//!     theme-cues.json        the taxonomy's decisive terms, analysed: the
//!                            themes a query names (read by searches)
//!     reuse-*.bin            signatures, word statistics and passage table
//!                            for trace, reuse and similar (see `reuse.rs`)
//!   gen-6/           the previous generation, kept for readers still on it
//! ```
//!
//! Why generations: a rename cannot replace a non-empty folder, so a build
//! writes a fresh `gen-<n>/`, commits, syncs, and only then switches
//! `CURRENT` (write a temporary file, fsync, rename, fsync the folder). A
//! reader therefore sees the old index or the new one, never half of one;
//! a build killed at any point (SIGKILL included) leaves `CURRENT` on the
//! previous generation, and the next build removes what it left behind.
//!
//! Why an OS lock and not a PID file: the lock dies with its process, so a
//! killed build never blocks the next one.
//!
//! Refused, with a [`UserError::Index`] (cured by a rebuild): an index
//! folder without `CURRENT` when one is expected, a generation that is
//! missing, unreadable or corrupted, or one built with another schema.

mod build;
mod freshness;
mod generation;
mod meta;
mod reuse;
mod schema;
#[cfg(test)]
mod tests;
mod theme_cues;

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Deserialize;
use tantivy::{IndexReader, ReloadPolicy, Searcher};

use crate::error::{Error, IndexProblem, UserError};
use crate::lexicon::Lexicon;

pub use build::{build, BuildOptions, BuildSummary, Progress, Silent};
pub use freshness::{fingerprint, Freshness, Stamp, FULL_CHECK_DOCUMENTS};
pub use generation::{current_generation, exists, is_index_entry};
use generation::{hold_generation, read_current};
pub use meta::{DocumentMeta, Meta, ThemeMeta};
pub use schema::{
    kind_code, schema, source_facet, theme_facet, theme_score_of, theme_score_value, Fields,
};
pub use theme_cues::ThemeCues;

/// Version of the schema and folder layout. An index built with another
/// version is refused (rebuild it); bump on any change to [`schema`].
pub const SCHEMA_VERSION: u32 = 8;

const META_FILE: &str = "meta-normsearch.json";
const DOCUMENTS_FILE: &str = "documents.json";
/// The document ids alone, one a line in manifest order: what a search
/// naming a source checks its ids against, without parsing every
/// document's record. Optional: a generation without it (built before it
/// was written) reads the ids from [`DOCUMENTS_FILE`].
const DOCUMENT_IDS_FILE: &str = "document-ids.txt";
const INPUTS_FILE: &str = "inputs.tsv";
const FOLDERS_FILE: &str = "folders.tsv";
const CURRENT_FILE: &str = "CURRENT";
const LOCK_FILE: &str = ".lock";
const GEN_PREFIX: &str = "gen-";
const LEXICON_COPY: &str = "lexicon.toml";
const LEXICON_COMPILED: &str = "lexicon.bin";
/// In each generation: a file every reader holds a shared lock on, so that
/// a build's clean-up leaves a generation in use where it is.
const READERS_LOCK: &str = "readers.lock";
/// Indexing memory per writer thread (tantivy needs at least 15 MB).
const MEMORY_PER_THREAD: usize = 32 << 20;
/// Largest segment the build's merges make (see `build::merge_segments`).
const MAX_MERGED_BYTES: u64 = 256 << 20;
/// Text per extra writer thread (see [`build`]).
const BYTES_PER_WRITER_THREAD: u64 = 1 << 20;

/// The index in `index_dir` is unusable: `what`, in a few words.
fn rebuild_error(index_dir: &Path, what: &str) -> Error {
    UserError::Index {
        dir: index_dir.to_path_buf(),
        problem: IndexProblem::Damaged(what.to_string()),
    }
    .into()
}

fn missing(index_dir: &Path) -> Error {
    UserError::Index {
        dir: index_dir.to_path_buf(),
        problem: IndexProblem::Missing,
    }
    .into()
}

/// What is wrong with a file of generation `name`, in a few words: tantivy's
/// own messages for a damaged file are long and speak of tantivy versions.
fn describe_damage(name: &str, e: &tantivy::TantivyError) -> String {
    use tantivy::directory::error::OpenReadError;
    match e {
        tantivy::TantivyError::OpenReadError(OpenReadError::IoError { io_error, filepath }) => {
            let cause = io_error.to_string();
            let first = cause.split(". ").next().unwrap_or(&cause);
            format!("{name}/{} is damaged: {first}", filepath.display())
        }
        other => other.to_string(),
    }
}

/// Checks every file of the generation `CURRENT` names against the checksum
/// written in its footer.
///
/// Opening checks only that files are whole (a truncated file is refused
/// then); bytes damaged inside a file go unseen until a search reads them,
/// and may then fail in any way. Reading the whole index costs a pass over
/// its files, so this runs only after such a failure, to tell a damaged
/// index (a [`UserError`] saying to rebuild it) from a defect.
pub fn verify(index_dir: &Path) -> crate::Result<()> {
    let Some(name) = read_current(index_dir)? else {
        return Err(missing(index_dir));
    };
    let damaged = tantivy::Index::open_in_dir(index_dir.join(&name))
        .and_then(|index| index.validate_checksum())
        .map_err(|e| {
            rebuild_error(
                index_dir,
                &format!("the index is unreadable ({})", describe_damage(&name, &e)),
            )
        })?;
    let mut damaged: Vec<PathBuf> = damaged.into_iter().collect();
    damaged.sort();
    match damaged.first() {
        None => Ok(()),
        Some(file) => Err(rebuild_error(
            index_dir,
            &format!(
                "the index is damaged ({name}/{} fails its checksum)",
                file.display()
            ),
        )),
    }
}

/// Why a generation's record cannot be used.
enum MetaProblem {
    /// Written by another schema version.
    Version(u32),
    /// Not a record at all.
    Corrupted(serde_json::Error),
}

/// The record of a generation, read once: only when it does not parse is
/// the version read on its own, so that an index from another version is
/// reported as such rather than as corrupted.
fn parse_meta(bytes: &[u8]) -> Result<Meta, MetaProblem> {
    #[derive(Deserialize)]
    struct Version {
        schema_version: u32,
    }
    match serde_json::from_slice::<Meta>(bytes) {
        Ok(meta) if meta.schema_version == SCHEMA_VERSION => Ok(meta),
        Ok(meta) => Err(MetaProblem::Version(meta.schema_version)),
        Err(e) => match serde_json::from_slice::<Version>(bytes) {
            Ok(v) if v.schema_version != SCHEMA_VERSION => {
                Err(MetaProblem::Version(v.schema_version))
            }
            _ => Err(MetaProblem::Corrupted(e)),
        },
    }
}

/// An open index, ready to search.
pub struct Index {
    generation: PathBuf,
    index: tantivy::Index,
    reader: IndexReader,
    fields: Fields,
    meta: Meta,
    /// Read on first use: most searches never need it.
    documents: OnceLock<Vec<DocumentMeta>>,
    /// Read on first use.
    theme_cues: OnceLock<ThemeCues>,
    /// The ids alone, read on first use when the documents are not.
    document_ids: OnceLock<Vec<String>>,
    /// The reuse files, read on first use by trace, reuse and similar.
    reuse: OnceLock<std::sync::Arc<crate::reuse::Library>>,
    lexicon: Lexicon,
    /// The shared lock that keeps builds from removing this generation
    /// while it is read (released when the index is dropped).
    _hold: Option<File>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("generation", &self.generation)
            .field("passages", &self.meta.passages)
            .finish()
    }
}

impl Index {
    /// Opens the generation `index_dir/CURRENT` names.
    ///
    /// A missing, unreadable or corrupted index, or one built with another
    /// schema version, is a [`UserError::Index`].
    pub fn open(index_dir: &Path) -> crate::Result<Index> {
        // A build may switch CURRENT and remove the generation this reader
        // was about to open; read CURRENT again and retry once.
        match Index::open_current(index_dir) {
            Err(first) => match read_current(index_dir) {
                Ok(Some(_)) => Index::open_current(index_dir).map_err(|_| first),
                _ => Err(first),
            },
            ok => ok,
        }
    }

    fn open_current(index_dir: &Path) -> crate::Result<Index> {
        let Some(name) = read_current(index_dir)? else {
            return Err(missing(index_dir));
        };
        let generation = index_dir.join(&name);
        // Held before anything is read, so that no file is removed under
        // the reader from here on.
        let hold = hold_generation(&generation).map_err(|()| {
            rebuild_error(index_dir, &format!("{name} is being removed by a build"))
        })?;
        let meta_path = generation.join(META_FILE);
        let meta_bytes = fs::read(&meta_path).map_err(|e| {
            rebuild_error(index_dir, &format!("cannot read {name}/{META_FILE} ({e})"))
        })?;
        let meta = parse_meta(&meta_bytes).map_err(|problem| match problem {
            MetaProblem::Version(found) => UserError::Index {
                dir: index_dir.to_path_buf(),
                problem: IndexProblem::Incompatible {
                    found,
                    expected: SCHEMA_VERSION,
                },
            }
            .into(),
            MetaProblem::Corrupted(e) => {
                rebuild_error(index_dir, &format!("{name}/{META_FILE} is corrupted ({e})"))
            }
        })?;
        let lexicon_path = generation.join(LEXICON_COPY);
        let lexicon_src = fs::read_to_string(&lexicon_path).map_err(|e| {
            rebuild_error(
                index_dir,
                &format!("cannot read {name}/{LEXICON_COPY} ({e})"),
            )
        })?;
        // The compiled rules spare re-stemming the lexicon on every query;
        // the source stays the authority.
        let lexicon = match fs::read(generation.join(LEXICON_COMPILED))
            .ok()
            .and_then(|c| Lexicon::from_compiled(&c, &lexicon_src))
        {
            Some(l) => l,
            None => Lexicon::parse(&lexicon_src, &lexicon_path)?,
        };
        let index = tantivy::Index::open_in_dir(&generation).map_err(|e| {
            rebuild_error(
                index_dir,
                &format!("the index is unreadable ({})", describe_damage(&name, &e)),
            )
        })?;
        let (schema, fields) = schema();
        if index.schema() != schema {
            return Err(rebuild_error(
                index_dir,
                "the index was built with a different schema",
            ));
        }
        lexicon.register(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e: tantivy::TantivyError| {
                rebuild_error(
                    index_dir,
                    &format!("the index is unreadable ({})", describe_damage(&name, &e)),
                )
            })?;
        Ok(Index {
            generation,
            index,
            reader,
            fields,
            meta,
            documents: OnceLock::new(),
            theme_cues: OnceLock::new(),
            document_ids: OnceLock::new(),
            reuse: OnceLock::new(),
            lexicon,
            _hold: hold,
        })
    }

    /// The generation folder being read.
    pub fn generation(&self) -> &Path {
        &self.generation
    }

    /// The tantivy index.
    pub fn tantivy(&self) -> &tantivy::Index {
        &self.index
    }

    /// A searcher over the generation.
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// The fields.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// What the generation records about itself.
    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    /// The decisive terms of the taxonomy the index was built with: the
    /// themes a query names.
    pub fn theme_cues(&self) -> &ThemeCues {
        self.theme_cues
            .get_or_init(|| ThemeCues::load(&self.generation))
    }

    /// The lexicon the index was built with (queries must use the same).
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The documents, in manifest order (read from the generation on
    /// first use).
    pub fn documents(&self) -> crate::Result<&[DocumentMeta]> {
        if let Some(d) = self.documents.get() {
            return Ok(d);
        }
        let path = self.generation.join(DOCUMENTS_FILE);
        let name = self.generation_name();
        let index_dir = self.generation.parent().unwrap_or(Path::new("."));
        let bytes = fs::read(&path).map_err(|e| {
            rebuild_error(
                index_dir,
                &format!("cannot read {name}/{DOCUMENTS_FILE} ({e})"),
            )
        })?;
        let documents: Vec<DocumentMeta> = serde_json::from_slice(&bytes).map_err(|e| {
            rebuild_error(
                index_dir,
                &format!("{name}/{DOCUMENTS_FILE} is corrupted ({e})"),
            )
        })?;
        Ok(self.documents.get_or_init(|| documents))
    }

    /// The document ids, in manifest order: from the list of ids alone
    /// unless the documents were read already.
    pub fn document_ids(&self) -> crate::Result<Vec<&str>> {
        if let Some(d) = self.documents.get() {
            return Ok(d.iter().map(|d| d.id.as_str()).collect());
        }
        if self.document_ids.get().is_none() {
            let listed = fs::read_to_string(self.generation.join(DOCUMENT_IDS_FILE))
                .ok()
                .map(|s| s.lines().map(str::to_string).collect::<Vec<_>>())
                .filter(|ids| ids.len() == self.meta.documents);
            match listed {
                Some(ids) => {
                    let _ = self.document_ids.set(ids);
                }
                None => return Ok(self.documents()?.iter().map(|d| d.id.as_str()).collect()),
            }
        }
        Ok(self
            .document_ids
            .get()
            .map(|ids| ids.iter().map(String::as_str).collect())
            .unwrap_or_default())
    }

    /// The passages' signatures, word statistics and texts, as reuse
    /// detection searches them (read from the generation on first use: a
    /// plain search never reads them).
    pub fn reuse(&self) -> crate::Result<std::sync::Arc<crate::reuse::Library>> {
        if let Some(l) = self.reuse.get() {
            return Ok(std::sync::Arc::clone(l));
        }
        let library = std::sync::Arc::new(reuse::open(self)?);
        Ok(std::sync::Arc::clone(self.reuse.get_or_init(|| library)))
    }

    fn generation_name(&self) -> String {
        self.generation
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    }

    /// Passage counts per document id.
    pub fn passages_per_document(&self) -> crate::Result<BTreeMap<String, usize>> {
        Ok(self
            .documents()?
            .iter()
            .map(|d| (d.id.clone(), d.passages))
            .collect())
    }
}
