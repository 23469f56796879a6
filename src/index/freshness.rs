//! Whether an index still matches its inputs: the size and modification
//! time of every input (`inputs.tsv`) or, after a one-shot answer, of the
//! corpus's folders and the texts it quotes (`folders.tsv`), and when they
//! differ, the fingerprint of every input's bytes.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::generation::write_synced;
use super::{Index, FOLDERS_FILE, INPUTS_FILE, SCHEMA_VERSION};
use crate::corpus::Corpus;
use crate::error::Error;
use crate::lexicon::Lexicon;
use crate::themes::Taxonomy;

/// An input file's size and modification time (both `None` when the file
/// is absent, e.g. a corpus folder without its own lexicon), taken with the
/// fingerprint: the cheap first check of [`Index::freshness`]. One row of
/// `inputs.tsv` (the path last: it is the only column that can hold a tab).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// Size in bytes.
    pub len: Option<u64>,
    /// Modification time, nanoseconds since the Unix epoch.
    pub modified_ns: Option<u64>,
    /// Absolute path.
    pub path: PathBuf,
}

impl Stamp {
    pub(super) fn of(path: PathBuf) -> Stamp {
        let (len, modified_ns) = Stamp::now(&path);
        Stamp {
            len,
            modified_ns,
            path,
        }
    }

    /// The size and modification time `path` has now.
    pub(super) fn now(path: &Path) -> (Option<u64>, Option<u64>) {
        let meta = fs::metadata(path).ok();
        (
            meta.as_ref().map(|m| m.len()),
            meta.and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map(|d| d.as_nanos() as u64),
        )
    }

    /// Whether the file still has this size and modification time.
    pub(super) fn holds(&self) -> bool {
        Stamp::now(&self.path) == (self.len, self.modified_ns)
    }
}

/// A tab-separated table with a header row: readable, and far cheaper to
/// read than JSON for thousands of rows.
pub(super) fn tsv() -> csv::ReaderBuilder {
    let mut b = csv::ReaderBuilder::new();
    b.delimiter(b'\t');
    b
}

pub(super) fn write_stamps(path: &Path, stamps: &[Stamp]) -> crate::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b'\t')
        .from_writer(Vec::new());
    for s in stamps {
        w.serialize(s)
            .map_err(|e| Error::Internal(format!("cannot record the input stamps: {e}")))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::Internal(format!("cannot record the input stamps: {e}")))?;
    write_synced(path, &bytes)
}

pub(super) fn read_stamps(path: &Path) -> Result<Vec<Stamp>, String> {
    let bytes = fs::read(path).map_err(|e| e.to_string())?;
    // Every search reads this table. Without a quote (the csv writer quotes
    // a path holding a tab, a newline or a quote) its rows are plain
    // `len \t modified_ns \t path` lines, read here without building a
    // csv reader, which costs more than a small table's rows.
    if let Some(stamps) = std::str::from_utf8(&bytes)
        .ok()
        .filter(|text| !text.contains('"'))
        .and_then(plain_stamps)
    {
        return Ok(stamps);
    }
    tsv()
        .from_reader(bytes.as_slice())
        .deserialize()
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())
}

/// The rows of an unquoted stamp table; `None` for anything else (the csv
/// reader then says what is wrong).
fn plain_stamps(text: &str) -> Option<Vec<Stamp>> {
    let mut lines = text.lines();
    if lines.next()? != "len\tmodified_ns\tpath" {
        return None;
    }
    let number = |field: &str| -> Option<Option<u64>> {
        if field.is_empty() {
            Some(None)
        } else {
            field.parse().ok().map(Some)
        }
    };
    lines
        .map(|line| {
            let mut fields = line.splitn(3, '\t');
            Some(Stamp {
                len: number(fields.next()?)?,
                modified_ns: number(fields.next()?)?,
                path: PathBuf::from(fields.next()?),
            })
        })
        .collect()
}

/// Every file the index is built from: the manifest, the texts, and the
/// corpus folder's lexicon and taxonomy (present or not).
pub(super) fn input_stamps(corpus: &Corpus) -> Vec<Stamp> {
    let abs = |p: PathBuf| std::path::absolute(&p).unwrap_or(p);
    let mut paths = vec![abs(corpus.manifest.clone())];
    paths.extend(corpus.documents.iter().map(|d| abs(corpus.path_of(d))));
    paths.push(abs(corpus.root.join("lexicon.toml")));
    paths.push(abs(corpus.root.join(crate::themes::FILE_NAME)));
    paths.into_iter().map(Stamp::of).collect()
}

/// The hash of everything an index is built from: the schema and program
/// versions, the manifest's bytes, every text's id, path and bytes, the
/// lexicon and the taxonomy.
///
/// The founding corpus hashes in well under a millisecond, so every query
/// can afford to recompute it (see `BENCHMARKS.md`).
pub fn fingerprint(corpus: &Corpus, lexicon: &[u8], taxonomy: &[u8]) -> crate::Result<String> {
    let mut h = blake3::Hasher::new();
    let mut part = |label: &str, bytes: &[u8]| {
        h.update(label.as_bytes());
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    part("schema", SCHEMA_VERSION.to_string().as_bytes());
    part("program", env!("CARGO_PKG_VERSION").as_bytes());
    let manifest = fs::read(&corpus.manifest).map_err(|e| Error::io(&corpus.manifest, e))?;
    part("manifest", &manifest);
    for doc in &corpus.documents {
        let path = corpus.path_of(doc);
        let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
        part("id", doc.id.as_bytes());
        part("file", doc.file.to_string_lossy().as_bytes());
        part("text", &bytes);
    }
    part("lexicon", lexicon);
    part("taxonomy", taxonomy);
    Ok(h.finalize().to_hex().to_string())
}

/// Whether an index still matches its inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    /// Built from exactly the current inputs.
    Fresh,
    /// Something changed, or could not be checked; the reason, one line.
    Stale(String),
}

/// Documents up to which [`Index::freshness_of`] looks at every text: a
/// stat costs 3–7 µs here, so 16 of them cost what reading the folder
/// stamps does.
pub const FULL_CHECK_DOCUMENTS: usize = 16;

/// The stamps of the folders holding the texts, with the manifest's, the
/// lexicon's and the taxonomy's (the manifest first): what
/// [`Index::freshness_of`] compares on every query.
pub(super) fn folder_stamps(corpus: &Corpus) -> Vec<Stamp> {
    let abs = |p: PathBuf| std::path::absolute(&p).unwrap_or(p);
    let mut folders: Vec<PathBuf> = corpus
        .documents
        .iter()
        .filter_map(|d| corpus.path_of(d).parent().map(Path::to_path_buf))
        .map(abs)
        .collect();
    folders.push(abs(corpus.root.clone()));
    folders.sort();
    folders.dedup();
    let mut paths = vec![abs(corpus.manifest.clone())];
    paths.push(abs(corpus.root.join("lexicon.toml")));
    paths.push(abs(corpus.root.join(crate::themes::FILE_NAME)));
    paths.extend(folders);
    paths.into_iter().map(Stamp::of).collect()
}

impl Index {
    /// Compares the index with the inputs now in `corpus_dir`, every one
    /// of them: what a long-lived process (the server, the prompt) asks
    /// once, beside its first answers.
    ///
    /// The common case is cheap: when the program is the same and every
    /// input file has the size and modification time it had at build
    /// time, the index is fresh without reading a byte. Otherwise the
    /// inputs are hashed again and compared with the fingerprint (a file
    /// touched but unchanged is still fresh).
    pub fn freshness(&self, corpus_dir: &Path) -> Freshness {
        if self.meta.program_version == env!("CARGO_PKG_VERSION")
            && stamps_hold(&self.generation, corpus_dir)
        {
            return Freshness::Fresh;
        }
        self.fingerprint_freshness(corpus_dir)
    }

    /// Whether the index still matches the corpus, as far as an answer
    /// quoting the documents `quoted` needs: what each one-shot command
    /// asks after its answer.
    ///
    /// What is checked, and why not every text: the manifest, the lexicon,
    /// the taxonomy, every folder holding a text (a text added, removed
    /// or renamed changes its folder's modification time) and the texts
    /// the answer quotes (a text edited in place changes only its own).
    /// That is a few stats whatever the corpus's size, where a stat of
    /// every text cost more than the search itself on a corpus of
    /// thousands of texts. A text edited in place and not quoted goes
    /// unseen until an answer quotes it or a full check
    /// ([`Index::freshness`]: `normsearch check`, the prompt, the server)
    /// runs; no quotation is ever shown from a text changed since. Up to
    /// [`FULL_CHECK_DOCUMENTS`] documents every text is looked at anyway:
    /// there the full check costs less than a tenth of a millisecond more.
    ///
    /// When one of these stamps differs (an editor's swap file in the
    /// folder changes its time too), the full check decides.
    pub fn freshness_of(&self, corpus_dir: &Path, quoted: &[&str]) -> Freshness {
        self.freshness_quoting(corpus_dir, quoted, FULL_CHECK_DOCUMENTS)
    }

    /// [`Index::freshness_of`], with every text looked at up to
    /// `full_up_to` documents.
    pub(super) fn freshness_quoting(
        &self,
        corpus_dir: &Path,
        quoted: &[&str],
        full_up_to: usize,
    ) -> Freshness {
        if self.meta.documents <= full_up_to {
            return self.freshness(corpus_dir);
        }
        if self.meta.program_version == env!("CARGO_PKG_VERSION")
            && read_stamps(&self.generation.join(FOLDERS_FILE)).is_ok_and(|folders| {
                same_corpus_dir(&folders, corpus_dir) && folders.iter().all(Stamp::holds)
            })
            && self.quoted_stamps_hold(quoted)
        {
            return Freshness::Fresh;
        }
        self.freshness(corpus_dir)
    }

    /// Whether the texts of the documents `ids` still have the size and
    /// modification time recorded at build time (the rows of the stamp
    /// table after the manifest are the texts, in manifest order).
    fn quoted_stamps_hold(&self, ids: &[&str]) -> bool {
        if ids.is_empty() {
            return true;
        }
        let Ok(all) = self.document_ids() else {
            return false;
        };
        let mut rows: Vec<usize> = Vec::with_capacity(ids.len());
        for id in ids {
            match all.iter().position(|d| d == id) {
                Some(i) => rows.push(i + 1),
                None => return false,
            }
        }
        let Ok(stamps) = read_stamps(&self.generation.join(INPUTS_FILE)) else {
            return false;
        };
        // The manifest, each text, the lexicon and the taxonomy.
        stamps.len() == all.len() + 3 && rows.iter().all(|&r| stamps[r].holds())
    }

    /// The slow half of [`Index::freshness`]: hash the inputs again.
    fn fingerprint_freshness(&self, corpus_dir: &Path) -> Freshness {
        let now = (|| -> crate::Result<String> {
            let corpus = Corpus::load(corpus_dir)?;
            let lexicon = Lexicon::load(corpus_dir)?;
            let taxonomy = Taxonomy::load(corpus_dir)?;
            fingerprint(&corpus, lexicon.source_bytes(), taxonomy.source_bytes())
        })();
        match now {
            Ok(f) if f == self.meta.fingerprint => Freshness::Fresh,
            Ok(_) => Freshness::Stale(
                "the corpus, lexicon, taxonomy or program changed since the index was built".into(),
            ),
            Err(e) => Freshness::Stale(format!("cannot check the corpus ({e})")),
        }
    }
}

/// Whether the inputs recorded in `generation` still have their size and
/// modification time, and are in `corpus_dir`. An unreadable table says
/// no: the caller then hashes.
pub(super) fn stamps_hold(generation: &Path, corpus_dir: &Path) -> bool {
    read_stamps(&generation.join(INPUTS_FILE))
        .is_ok_and(|stamps| same_corpus_dir(&stamps, corpus_dir) && stamps.iter().all(Stamp::holds))
}

/// Whether `corpus_dir` names the folder (or the manifest) the index was
/// built from; the manifest is the first stamp.
pub(super) fn same_corpus_dir(stamps: &[Stamp], corpus_dir: &Path) -> bool {
    let Some(manifest) = stamps.first().map(|s| &s.path) else {
        return false;
    };
    let given = std::path::absolute(corpus_dir).unwrap_or_else(|_| corpus_dir.to_path_buf());
    *manifest == given || manifest.parent() == Some(given.as_path())
}
