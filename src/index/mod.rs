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
//!     inputs.tsv             size and modification time of every input
//!     lexicon.toml           the lexicon it was built with
//!     lexicon.json           the same, compiled (read by searches)
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
//! Refused, with a [`UserError`] that says to run `normsearch index`: an
//! index folder without `CURRENT` when one is expected, a generation that is
//! missing, unreadable or corrupted, or one built with another schema.

use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tantivy::indexer::NoMergePolicy;
use tantivy::schema::{
    Facet, FacetOptions, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing,
    TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{IndexReader, IndexSettings, IndexWriter, ReloadPolicy, Searcher, TantivyDocument};

use crate::corpus::{Corpus, Document};
use crate::error::{Error, UserError};
use crate::lexicon::{Handoff, Lexicon, EXACT_TOKENIZER, STEMMED_TOKENIZER};
use crate::pipeline::Analyser;
use crate::segment::{Passage, PassageKind};
use crate::themes::Taxonomy;

/// Version of the schema and folder layout. An index built with another
/// version is refused (rebuild it); bump on any change to [`schema`].
pub const SCHEMA_VERSION: u32 = 3;

const META_FILE: &str = "meta-normsearch.json";
const DOCUMENTS_FILE: &str = "documents.json";
const INPUTS_FILE: &str = "inputs.tsv";
const CURRENT_FILE: &str = "CURRENT";
const LOCK_FILE: &str = ".lock";
const GEN_PREFIX: &str = "gen-";
const LEXICON_COPY: &str = "lexicon.toml";
const LEXICON_COMPILED: &str = "lexicon.json";
/// Indexing memory per writer thread (tantivy needs at least 15 MB).
const MEMORY_PER_THREAD: usize = 32 << 20;
/// Largest segment the build's merges make (see [`merge_segments`]).
const MAX_MERGED_BYTES: u64 = 256 << 20;
/// Text per extra writer thread (see [`build`]).
const BYTES_PER_WRITER_THREAD: u64 = 1 << 20;
/// Hex digits of a passage's content anchor: 40 bits, unique enough within
/// one document.
const ANCHOR_HEX: usize = 10;

/// The index's fields.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Passage text, stemmed and normalised ([`STEMMED_TOKENIZER`]),
    /// positions, stored.
    pub text: Field,
    /// Passage text, case- and accent-folded ([`EXACT_TOKENIZER`]),
    /// positions.
    pub text_exact: Field,
    /// Document id (`norway-2017`).
    pub doc: Field,
    /// Document title (stored: every passage carries its citation).
    pub title: Field,
    /// Issuer.
    pub issuer: Field,
    /// Publication date as written in the manifest (`2011-05`).
    pub date: Field,
    /// Publication year.
    pub year: Field,
    /// Kind of document (`national-strategy`).
    pub doc_kind: Field,
    /// Document language.
    pub language: Field,
    /// Section headings, outermost first, one value each; stemmed.
    pub section: Field,
    /// Passage ordinal in its document.
    pub n: Field,
    /// Passage kind: `body`, `list-item`, `footnote`.
    pub kind: Field,
    /// Passage kind as a number for ranking: see [`kind_code`].
    pub kind_code: Field,
    /// First source line.
    pub line_from: Field,
    /// Last source line.
    pub line_to: Field,
    /// The document's own label for the passage (`13(f)`).
    pub label: Field,
    /// Page the passage starts on.
    pub page: Field,
    /// Themes, as facets `/theme/<pillar>[/<sub>]`.
    pub themes: Field,
    /// The document, as a facet `/source/<id>` (for counts).
    pub source: Field,
    /// Content anchor: short hash of the passage's normalised words.
    pub anchor: Field,
    /// Footnote numbers referenced by the passage.
    pub footnotes: Field,
    /// Sort key for `--sort date`: newest document first, then reading
    /// order.
    pub date_order: Field,
}

/// The schema and its fields.
pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let analysed = |tokenizer: &str| {
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions)
    };
    let stored_only = TextOptions::default().set_stored();
    let fields = Fields {
        text: b.add_text_field(
            "text",
            TextOptions::default()
                .set_indexing_options(analysed(STEMMED_TOKENIZER))
                .set_stored(),
        ),
        text_exact: b.add_text_field(
            "text_exact",
            TextOptions::default().set_indexing_options(analysed(EXACT_TOKENIZER)),
        ),
        doc: b.add_text_field("doc", STRING | FAST | STORED),
        title: b.add_text_field("title", stored_only.clone()),
        issuer: b.add_text_field("issuer", stored_only.clone()),
        date: b.add_text_field("date", stored_only),
        year: b.add_u64_field("year", INDEXED | FAST | STORED),
        // Stored for the record; no query reads them from the index, so
        // they are not indexed (each indexed value is a posting per
        // passage).
        doc_kind: b.add_text_field("doc_kind", STORED),
        language: b.add_text_field("language", STORED),
        section: b.add_text_field(
            "section",
            TextOptions::default()
                .set_indexing_options(analysed(STEMMED_TOKENIZER))
                .set_stored(),
        ),
        n: b.add_u64_field("n", INDEXED | FAST | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        kind_code: b.add_u64_field("kind_code", NumericOptions::default().set_fast()),
        line_from: b.add_u64_field("line_from", STORED),
        line_to: b.add_u64_field("line_to", STORED),
        label: b.add_text_field("label", STRING | STORED),
        page: b.add_u64_field("page", STORED),
        themes: b.add_facet_field("themes", FacetOptions::default().set_stored()),
        source: b.add_facet_field("source", FacetOptions::default()),
        anchor: b.add_text_field("anchor", STRING | STORED),
        footnotes: b.add_u64_field("footnotes", STORED),
        date_order: b.add_u64_field("date_order", NumericOptions::default().set_fast()),
    };
    (b.build(), fields)
}

/// A passage kind as stored in [`Fields::kind_code`]: body 0, list item 1,
/// footnote 2.
pub fn kind_code(kind: PassageKind) -> u64 {
    match kind {
        PassageKind::Body => 0,
        PassageKind::ListItem => 1,
        PassageKind::Footnote => 2,
    }
}

/// The facet of a theme id: `cbm` → `/theme/cbm`,
/// `international-law/ihl` → `/theme/international-law/ihl`.
pub fn theme_facet(id: &str) -> Option<Facet> {
    Facet::from_text(&format!("/theme/{id}")).ok()
}

/// The facet of a document id: `/source/<id>`.
pub fn source_facet(id: &str) -> Option<Facet> {
    Facet::from_text(&format!("/source/{id}")).ok()
}

/// A passage's content anchor: a short hash of its words, case- and
/// accent-folded, so that it survives re-segmentation and whitespace or
/// punctuation edits, and changes when the words do.
pub fn anchor(text: &str) -> String {
    let words = crate::lexicon::exact_words(text);
    anchor_of_words(words.iter().map(String::as_str))
}

/// [`anchor`] from the text's exact-field words, already split and folded.
pub fn anchor_of_words<'a>(words: impl Iterator<Item = &'a str>) -> String {
    // The words joined by single spaces, hashed without building the
    // joined string.
    let mut h = blake3::Hasher::new();
    for (i, w) in words.enumerate() {
        if i > 0 {
            h.update(b" ");
        }
        h.update(w.as_bytes());
    }
    h.finalize().to_hex()[..ANCHOR_HEX].to_string()
}

// ---------------------------------------------------------------------------
// The record of a generation.

/// What a generation records about itself (`meta-normsearch.json`).
///
/// Every search reads it, so it holds only what is small: the documents
/// and the input stamps, which grow with the corpus, have files of their
/// own (`documents.json`, read when a command needs it; `inputs.tsv`, read
/// by the freshness check beside the search).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// [`SCHEMA_VERSION`] at build time.
    pub schema_version: u32,
    /// The program's version at build time.
    pub program_version: String,
    /// Hash of every input (see [`fingerprint`]).
    pub fingerprint: String,
    /// Seconds since the Unix epoch when the build finished.
    pub built_at: u64,
    /// The corpus folder it was built from, as given.
    pub corpus: PathBuf,
    /// Number of documents (listed by [`Index::documents`]).
    pub documents: usize,
    /// Every theme id of the taxonomy, pillars first in taxonomy order.
    pub themes: Vec<String>,
    /// Number of passages.
    pub passages: usize,
    /// Bytes of text indexed.
    pub bytes: u64,
}

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
    fn of(path: PathBuf) -> Stamp {
        let (len, modified_ns) = Stamp::now(&path);
        Stamp {
            len,
            modified_ns,
            path,
        }
    }

    /// The size and modification time `path` has now.
    fn now(path: &Path) -> (Option<u64>, Option<u64>) {
        let meta = fs::metadata(path).ok();
        (
            meta.as_ref().map(|m| m.len()),
            meta.and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map(|d| d.as_nanos() as u64),
        )
    }

    /// Whether the file still has this size and modification time.
    fn holds(&self) -> bool {
        Stamp::now(&self.path) == (self.len, self.modified_ns)
    }
}

/// A tab-separated table with a header row: readable, and far cheaper to
/// read than JSON for thousands of rows.
fn tsv() -> csv::ReaderBuilder {
    let mut b = csv::ReaderBuilder::new();
    b.delimiter(b'\t');
    b
}

fn write_stamps(path: &Path, stamps: &[Stamp]) -> crate::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b'\t')
        .from_writer(Vec::new());
    for s in stamps {
        w.serialize(s)
            .map_err(|e| UserError::Other(format!("cannot record the input stamps: {e}")))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| UserError::Other(format!("cannot record the input stamps: {e}")))?;
    write_synced(path, &bytes)
}

fn read_stamps(path: &Path) -> Result<Vec<Stamp>, String> {
    tsv()
        .from_path(path)
        .map_err(|e| e.to_string())?
        .deserialize()
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())
}

/// Every file the index is built from: the manifest, the texts, and the
/// corpus folder's lexicon and taxonomy (present or not).
fn input_stamps(corpus: &Corpus) -> Vec<Stamp> {
    let abs = |p: PathBuf| std::path::absolute(&p).unwrap_or(p);
    let mut paths = vec![abs(corpus.manifest.clone())];
    paths.extend(corpus.documents.iter().map(|d| abs(corpus.path_of(d))));
    paths.push(abs(corpus.root.join("lexicon.toml")));
    paths.push(abs(corpus.root.join(crate::themes::FILE_NAME)));
    paths.into_iter().map(Stamp::of).collect()
}

/// One document as the index knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentMeta {
    /// Document id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Issuer.
    pub issuer: String,
    /// Date as written (`2011-05`).
    pub date: String,
    /// Year.
    pub year: i32,
    /// Kind of document.
    pub kind: String,
    /// Number of passages.
    pub passages: usize,
}

// ---------------------------------------------------------------------------
// Fingerprint.

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

// ---------------------------------------------------------------------------
// Building.

/// How to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Worker threads for segmenting and for indexing; 0 = one per core.
    pub threads: usize,
    /// When another build holds the lock: wait for it (`true`) or refuse.
    pub wait_for_lock: bool,
    /// Read texts that are not UTF-8, replacing bad bytes.
    pub lossy: bool,
}

/// Reports a build's progress; the library draws nothing itself.
///
/// Called from several threads at once.
pub trait Progress: Sync {
    /// Another build holds the lock on `lock`; this one waits for it.
    fn waiting_for_lock(&self, _lock: &Path) {}
    /// The work ahead: documents and bytes of text.
    fn start(&self, _documents: usize, _bytes: u64) {}
    /// One document was segmented, tagged and handed to the indexer.
    fn document_done(&self, _id: &str, _bytes: u64, _passages: usize) {}
    /// Every document is in; committing and merging segments.
    fn committing(&self) {}
}

/// A [`Progress`] that reports nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}

/// What a build did.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildSummary {
    /// Documents indexed.
    pub documents: usize,
    /// Passages indexed.
    pub passages: usize,
    /// Bytes of text read.
    pub bytes: u64,
    /// Wall time, lock wait excluded.
    pub elapsed: Duration,
    /// The generation folder now serving.
    pub generation: PathBuf,
    /// Warnings from reading texts (bytes replaced in a lossy read).
    pub warnings: Vec<String>,
}

impl BuildSummary {
    /// Megabytes (10⁶ bytes) of text.
    pub fn megabytes(&self) -> f64 {
        self.bytes as f64 / 1e6
    }

    /// Throughput in MB of text per second.
    pub fn mb_per_second(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 {
            self.megabytes() / s
        } else {
            0.0
        }
    }
}

/// The held build lock; released when dropped (or when the process dies).
struct BuildLock {
    _file: File,
}

fn lock(index_dir: &Path, wait: bool, progress: &dyn Progress) -> crate::Result<BuildLock> {
    use fs4::FileExt;
    let path = index_dir.join(LOCK_FILE);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    // Fully qualified: std's File gained inherent lock methods of the
    // same names in Rust 1.89, newer than this crate's minimum.
    match FileExt::try_lock(&file) {
        Ok(()) => {}
        Err(fs4::TryLockError::WouldBlock) if wait => {
            progress.waiting_for_lock(&path);
            FileExt::lock(&file).map_err(|e| Error::io(&path, e))?;
        }
        Err(fs4::TryLockError::WouldBlock) => {
            return Err(UserError::Other(format!(
                "{}: another `normsearch index` is building this index; wait for it to finish",
                index_dir.display()
            ))
            .into());
        }
        Err(fs4::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
    }
    Ok(BuildLock { _file: file })
}

/// A generation being written: removed if the build fails (a text refused
/// half-way), so that a failed build leaves no folder behind. A killed build
/// cannot run this; the next build removes what it left.
struct Unfinished(Option<PathBuf>);

impl Unfinished {
    /// The generation is in service: keep it.
    fn keep(mut self) {
        self.0 = None;
    }
}

impl Drop for Unfinished {
    fn drop(&mut self) {
        if let Some(dir) = self.0.take() {
            let _ = fs::remove_dir_all(dir);
        }
    }
}

/// One document's passages, ready to index.
struct Prepared {
    passages: usize,
    warnings: Vec<String>,
}

/// Builds (or rebuilds) the index of `corpus_dir` in `index_dir`.
///
/// Loads and validates the manifest, lexicon and taxonomy first, so that a
/// bad input fails before anything is written. Documents are read, segmented
/// and tagged on a rayon pool while tantivy's own threads index them.
pub fn build(
    corpus_dir: &Path,
    index_dir: &Path,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> crate::Result<BuildSummary> {
    let corpus = Corpus::load(corpus_dir)?;
    let analyser = Analyser::load(corpus_dir, options.lossy)?;
    let lexicon = &analyser.lexicon;

    fs::create_dir_all(index_dir).map_err(|e| Error::io(index_dir, e))?;
    let _lock = lock(index_dir, options.wait_for_lock, progress)?;
    let started = Instant::now();

    // Stamped and hashed before the texts are read: a text edited during
    // the build then makes the index look stale, never falsely fresh.
    let inputs = input_stamps(&corpus);
    let fingerprint = fingerprint(
        &corpus,
        lexicon.source_bytes(),
        analyser.taxonomy.source_bytes(),
    )?;

    // A damaged pointer names nothing worth keeping; the rebuild it asks
    // for must not trip on it.
    let previous = read_current(index_dir).ok().flatten();
    let generation = next_generation(index_dir)?;
    let gen_dir = index_dir.join(&generation);
    fs::create_dir(&gen_dir).map_err(|e| Error::io(&gen_dir, e))?;
    let unfinished = Unfinished(Some(gen_dir.clone()));

    let threads = if options.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        options.threads
    };
    let sizes: Vec<u64> = corpus
        .documents
        .iter()
        .map(|d| fs::metadata(corpus.path_of(d)).map_or(0, |m| m.len()))
        .collect();
    let total: u64 = sizes.iter().sum();
    // Each writer thread makes a segment, and segments are merged at the
    // end: below a megabyte of text per thread the merge and its syncs
    // cost more than the second thread saves.
    let writer_threads = threads
        .min(usize::try_from(total / BYTES_PER_WRITER_THREAD).unwrap_or(threads))
        .max(1);
    let index = create_index(&gen_dir)?;
    let handoff = Arc::new(Handoff::default());
    lexicon.register_with_handoff(&index, Arc::clone(&handoff));
    let fields = schema().1;
    let mut writer = writer(&index, writer_threads)?;
    let facets = Facets::new(&analyser.taxonomy);

    progress.start(corpus.documents.len(), total);

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| UserError::Other(format!("cannot start {threads} worker threads: {e}")))?;
    let bytes_read = AtomicUsize::new(0);
    let prepared: Vec<Prepared> = pool.install(|| {
        (0..corpus.documents.len())
            .into_par_iter()
            .map(|i| {
                // The same analysis `passages` and `themes` show. Each
                // passage is added as soon as it is tagged, its stemmed
                // tokens handed on to the indexing thread.
                let doc = &corpus.documents[i];
                let source = source_facet(&doc.id);
                let mut added = Ok(());
                let analysed = analyser.analyse_one_with(&corpus, i, |p, anchor, analysis| {
                    if added.is_err() {
                        return;
                    }
                    let d = passage_document(&fields, doc, p, anchor, &facets, &source);
                    if let Some(text) = d
                        .get_first(fields.text)
                        .and_then(|v| tantivy::schema::Value::as_str(&v))
                    {
                        handoff.offer(text, analysis);
                    }
                    added = writer.add_document(d).map(|_| ());
                })?;
                added?;
                let passages = &analysed.segmentation.passages;
                bytes_read.fetch_add(analysed.bytes as usize, Ordering::Relaxed);
                progress.document_done(&doc.id, analysed.bytes, passages.len());
                Ok(Prepared {
                    passages: passages.len(),
                    warnings: analysed.warnings,
                })
            })
            .collect::<crate::Result<Vec<_>>>()
    })?;

    progress.committing();
    writer.commit()?;
    // Every passage's tokens were taken by the indexing threads; any left
    // would mean they analysed the passages again.
    debug_assert_eq!(
        handoff.waiting(),
        0,
        "stemmed tokens offered and never taken"
    );
    merge_segments(&index, &mut writer, &gen_dir)?;
    writer.garbage_collect_files().wait()?;
    writer.wait_merging_threads()?;

    let passages: usize = prepared.iter().map(|p| p.passages).sum();
    let bytes = bytes_read.load(Ordering::Relaxed) as u64;
    let meta = Meta {
        schema_version: SCHEMA_VERSION,
        program_version: env!("CARGO_PKG_VERSION").to_string(),
        fingerprint,
        built_at: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        corpus: corpus_dir.to_path_buf(),
        documents: corpus.documents.len(),
        themes: theme_ids(&analyser.taxonomy),
        passages,
        bytes,
    };
    let documents: Vec<DocumentMeta> = corpus
        .documents
        .iter()
        .zip(&prepared)
        .map(|(d, p)| DocumentMeta {
            id: d.id.clone(),
            title: d.title.clone(),
            issuer: d.issuer.clone(),
            date: d.date.to_string(),
            year: d.date.year,
            kind: d.kind.clone(),
            passages: p.passages,
        })
        .collect();
    let record = |what: &str, e: serde_json::Error| {
        UserError::Other(format!("cannot record the index's {what}: {e}"))
    };
    write_synced(
        &gen_dir.join(DOCUMENTS_FILE),
        &serde_json::to_vec(&documents).map_err(|e| record("documents", e))?,
    )?;
    write_stamps(&gen_dir.join(INPUTS_FILE), &inputs)?;
    write_synced(&gen_dir.join(LEXICON_COPY), lexicon.source_bytes())?;
    write_synced(&gen_dir.join(LEXICON_COMPILED), &lexicon.compiled())?;
    // Last: a generation with its record is complete.
    let meta_json = serde_json::to_vec_pretty(&meta).map_err(|e| record("metadata", e))?;
    write_synced(&gen_dir.join(META_FILE), &meta_json)?;
    sync_dir(&gen_dir)?;

    // The switch: from here on readers open the new generation.
    let tmp = index_dir.join(format!("{CURRENT_FILE}.tmp"));
    write_synced(&tmp, format!("{generation}\n").as_bytes())?;
    let current = index_dir.join(CURRENT_FILE);
    fs::rename(&tmp, &current).map_err(|e| Error::io(&current, e))?;
    unfinished.keep();
    sync_dir(index_dir)?;

    remove_unused_generations(index_dir, &generation, previous.as_deref());

    Ok(BuildSummary {
        warnings: prepared.into_iter().flat_map(|p| p.warnings).collect(),
        documents: corpus.documents.len(),
        passages,
        bytes,
        elapsed: started.elapsed(),
        generation: gen_dir,
    })
}

/// Theme ids, pillars first then sub-themes, each in taxonomy order.
fn theme_ids(taxonomy: &Taxonomy) -> Vec<String> {
    let themes = taxonomy.themes();
    themes
        .iter()
        .filter(|t| t.is_pillar())
        .chain(themes.iter().filter(|t| !t.is_pillar()))
        .map(|t| t.id.clone())
        .collect()
}

/// A new, empty tantivy index in `dir` with the schema and store settings.
fn create_index(dir: &Path) -> crate::Result<tantivy::Index> {
    let settings = IndexSettings {
        // The stored text is most of an index's size: zstd stores it in
        // about half the space lz4 takes, and decompresses a block in
        // microseconds. Level 1 rather than the default 3: half the
        // compression time for a store about 4% larger. Blocks of 16 KB
        // (tantivy's default) keep reading one hit cheap.
        docstore_compression: Compressor::Zstd(ZstdCompressor {
            compression_level: Some(1),
        }),
        ..IndexSettings::default()
    };
    Ok(tantivy::Index::builder()
        .schema(schema().0)
        .settings(settings)
        .create_in_dir(dir)?)
}

/// The build's index writer: `threads` indexing threads, each with
/// [`MEMORY_PER_THREAD`], and no background merges.
///
/// Why no merge policy: `build` merges every committed segment into one
/// at the end. A merge the default policy started in the background would
/// hold some of those segments, and the final merge would then fail with
/// "the segments that were merged could not be found". One merge at the
/// end also reads and writes each byte once, where background merges
/// rewrite early segments several times.
fn writer(index: &tantivy::Index, threads: usize) -> crate::Result<IndexWriter<TantivyDocument>> {
    let writer: IndexWriter<TantivyDocument> =
        index.writer_with_num_threads(threads, threads * MEMORY_PER_THREAD)?;
    writer.set_merge_policy(Box::new(NoMergePolicy));
    Ok(writer)
}

/// Merges the committed segments, one merge at a time, into segments of at
/// most [`MAX_MERGED_BYTES`] each: one segment up to a few hundred MB of
/// text.
///
/// Why not always into one: a merge maps every segment it reads, and the
/// pages it reads count in the build's resident memory until it ends, so
/// merging the index of a 1 GB corpus in one go would hold over 1 GB. A
/// query over a handful of segments costs little more than over one.
///
/// No merge can be running here (see [`writer`]), so every committed
/// segment is free to merge.
fn merge_segments(
    index: &tantivy::Index,
    writer: &mut IndexWriter<TantivyDocument>,
    dir: &Path,
) -> crate::Result<()> {
    let mut sizes: HashMap<String, u64> = HashMap::new();
    for entry in fs::read_dir(dir).map_err(|e| Error::io(dir, e))?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some((stem, _)) = name.split_once('.') {
            let len = entry.metadata().map_or(0, |m| m.len());
            *sizes.entry(stem.to_string()).or_default() += len;
        }
    }
    let segments: Vec<(tantivy::index::SegmentId, u64)> = index
        .searchable_segment_metas()?
        .iter()
        .map(|m| {
            let id = m.id();
            (id, sizes.get(&id.uuid_string()).copied().unwrap_or(0))
        })
        .collect();
    for group in merge_groups(segments, MAX_MERGED_BYTES) {
        if group.len() > 1 {
            writer.merge(&group).wait()?;
        }
    }
    Ok(())
}

/// Packs segments (id, bytes) into groups of at most `max` bytes, smallest
/// first; a segment larger than `max` stands alone.
fn merge_groups<T>(mut segments: Vec<(T, u64)>, max: u64) -> Vec<Vec<T>> {
    segments.sort_by_key(|&(_, bytes)| bytes);
    let mut groups: Vec<Vec<T>> = Vec::new();
    let mut filled = 0;
    for (id, bytes) in segments {
        match groups.last_mut() {
            Some(group) if filled + bytes <= max => {
                group.push(id);
                filled += bytes;
            }
            _ => {
                groups.push(vec![id]);
                filled = bytes;
            }
        }
    }
    groups
}

/// The theme facets, made once per build rather than once per passage.
struct Facets {
    themes: HashMap<String, Facet>,
}

impl Facets {
    fn new(taxonomy: &Taxonomy) -> Facets {
        Facets {
            themes: taxonomy
                .themes()
                .iter()
                .filter_map(|t| Some((t.id.clone(), theme_facet(&t.id)?)))
                .collect(),
        }
    }

    fn theme(&self, id: &str) -> Option<Facet> {
        match self.themes.get(id) {
            Some(f) => Some(f.clone()),
            None => theme_facet(id),
        }
    }
}

fn passage_document(
    f: &Fields,
    doc: &Document,
    p: &Passage,
    anchor: &str,
    facets: &Facets,
    source: &Option<Facet>,
) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(f.text, &p.text);
    d.add_text(f.text_exact, &p.text);
    d.add_text(f.doc, &doc.id);
    d.add_text(f.title, &doc.title);
    d.add_text(f.issuer, &doc.issuer);
    d.add_text(f.date, doc.date.to_string());
    d.add_u64(f.year, doc.date.year.max(0) as u64);
    d.add_text(f.doc_kind, &doc.kind);
    d.add_text(f.language, &doc.language);
    for heading in &p.section {
        d.add_text(f.section, heading);
    }
    d.add_u64(f.n, u64::from(p.n));
    d.add_text(f.kind, p.kind.as_str());
    d.add_u64(f.kind_code, kind_code(p.kind));
    d.add_u64(f.line_from, u64::from(p.lines[0]));
    d.add_u64(f.line_to, u64::from(p.lines[1]));
    if let Some(label) = &p.label {
        d.add_text(f.label, label);
    }
    if let Some(page) = p.page {
        d.add_u64(f.page, u64::from(page));
    }
    for theme in &p.themes {
        if let Some(facet) = facets.theme(theme) {
            d.add_facet(f.themes, facet);
        }
    }
    if let Some(facet) = source {
        d.add_facet(f.source, facet.clone());
    }
    d.add_text(f.anchor, anchor);
    for &note in &p.footnotes {
        d.add_u64(f.footnotes, u64::from(note));
    }
    d.add_u64(f.date_order, date_order(doc, p.n));
    d
}

/// Newest first under a descending sort, then reading order within a
/// document: `yyyymmdd` followed by the complement of the ordinal.
fn date_order(doc: &Document, n: u32) -> u64 {
    let d = doc.date;
    let ymd = (d.year.max(0) as u64) * 10_000
        + u64::from(d.month.unwrap_or(0)) * 100
        + u64::from(d.day.unwrap_or(0));
    ymd * 10_000_000 + (9_999_999 - u64::from(n.min(9_999_999)))
}

fn write_synced(path: &Path, bytes: &[u8]) -> crate::Result<()> {
    let mut f = File::create(path).map_err(|e| Error::io(path, e))?;
    f.write_all(bytes).map_err(|e| Error::io(path, e))?;
    f.sync_all().map_err(|e| Error::io(path, e))
}

/// Makes a folder's entries (a rename, a new file) durable.
fn sync_dir(dir: &Path) -> crate::Result<()> {
    // Folders cannot be opened for syncing on Windows; NTFS journals the
    // rename itself.
    if cfg!(unix) {
        File::open(dir)
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::io(dir, e))?;
    }
    Ok(())
}

fn generation_number(name: &str) -> Option<u64> {
    name.strip_prefix(GEN_PREFIX)?.parse().ok()
}

/// The generation `CURRENT` names, if any.
fn read_current(index_dir: &Path) -> crate::Result<Option<String>> {
    let path = index_dir.join(CURRENT_FILE);
    match fs::read_to_string(&path) {
        Ok(s) => {
            let name = s.trim().to_string();
            if generation_number(&name).is_none() {
                return Err(rebuild_error(
                    index_dir,
                    &format!("{CURRENT_FILE} names no generation ({name:?})"),
                ));
            }
            Ok(Some(name))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// `gen-<n+1>` for the highest `n` present, finished or not, so a name is
/// never reused.
fn next_generation(index_dir: &Path) -> crate::Result<String> {
    let mut highest = 0;
    for entry in fs::read_dir(index_dir).map_err(|e| Error::io(index_dir, e))? {
        let entry = entry.map_err(|e| Error::io(index_dir, e))?;
        if let Some(n) = entry.file_name().to_str().and_then(generation_number) {
            highest = highest.max(n);
        }
    }
    Ok(format!("{GEN_PREFIX}{}", highest + 1))
}

/// Removes every generation but the current and the previous one: builds
/// that died, and generations two or more builds old. Failures are left for
/// the next build (a reader on Windows may still hold files open).
fn remove_unused_generations(index_dir: &Path, current: &str, previous: Option<&str>) {
    let Ok(entries) = fs::read_dir(index_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if generation_number(name).is_some() && name != current && Some(name) != previous {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

// ---------------------------------------------------------------------------
// Opening.

/// Whether `index_dir` holds a built index (its `CURRENT` exists).
pub fn exists(index_dir: &Path) -> bool {
    index_dir.join(CURRENT_FILE).is_file()
}

/// Whether a name in an index folder is one a build writes there: the
/// pointer, its temporary, the lock, generations. Other hidden files (a
/// `.gitkeep`) are tolerated.
pub fn is_index_entry(name: &str) -> bool {
    name == CURRENT_FILE
        || name == format!("{CURRENT_FILE}.tmp")
        || name.starts_with('.')
        || generation_number(name).is_some()
}

fn rebuild_error(index_dir: &Path, what: &str) -> Error {
    UserError::Other(format!(
        "{}: {what}; run `normsearch index` to rebuild it",
        index_dir.display()
    ))
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
        return Err(rebuild_error(index_dir, "no index here"));
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

/// Whether an index still matches its inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    /// Built from exactly the current inputs.
    Fresh,
    /// Something changed, or could not be checked; the reason, one line.
    Stale(String),
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
    lexicon: Lexicon,
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
    /// schema version, is a [`UserError`] telling the user to run
    /// `normsearch index`.
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
            return Err(rebuild_error(index_dir, "no index here"));
        };
        let generation = index_dir.join(&name);
        let meta_path = generation.join(META_FILE);
        let meta_bytes = fs::read(&meta_path).map_err(|e| {
            rebuild_error(index_dir, &format!("cannot read {name}/{META_FILE} ({e})"))
        })?;
        // The version is read on its own first, so that an index from a
        // future version is reported as such rather than as corrupted.
        #[derive(Deserialize)]
        struct Version {
            schema_version: u32,
        }
        let version: Version = serde_json::from_slice(&meta_bytes).map_err(|e| {
            rebuild_error(index_dir, &format!("{name}/{META_FILE} is corrupted ({e})"))
        })?;
        if version.schema_version != SCHEMA_VERSION {
            return Err(rebuild_error(
                index_dir,
                &format!(
                    "the index has format {} but this normsearch reads format {SCHEMA_VERSION}",
                    version.schema_version
                ),
            ));
        }
        let meta: Meta = serde_json::from_slice(&meta_bytes).map_err(|e| {
            rebuild_error(index_dir, &format!("{name}/{META_FILE} is corrupted ({e})"))
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
        if serde_json::to_string(&index.schema()).ok() != serde_json::to_string(&schema).ok() {
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
            lexicon,
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

    /// The document ids, in manifest order.
    pub fn document_ids(&self) -> crate::Result<Vec<&str>> {
        Ok(self.documents()?.iter().map(|d| d.id.as_str()).collect())
    }

    fn generation_name(&self) -> String {
        self.generation
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    }

    /// Compares the index with the inputs now in `corpus_dir`.
    ///
    /// Every query asks, so the common case is cheap: when the program is
    /// the same and every input file has the size and modification time it
    /// had at build time, the index is fresh without reading a byte.
    /// Otherwise the inputs are hashed again and compared with the
    /// fingerprint (a file touched but unchanged is still fresh).
    pub fn freshness(&self, corpus_dir: &Path) -> Freshness {
        if self.meta.program_version == env!("CARGO_PKG_VERSION")
            && stamps_hold(&self.generation, corpus_dir)
        {
            return Freshness::Fresh;
        }
        self.fingerprint_freshness(corpus_dir)
    }

    /// [`Index::freshness`], with the stamps compared by `check` (started
    /// before this index was opened, to run beside the opening and the
    /// search).
    pub fn freshness_after(&self, check: StampCheck, corpus_dir: &Path) -> Freshness {
        let same_generation = check.generation.as_deref() == Some(self.generation.as_path());
        match check.handle.map(std::thread::JoinHandle::join) {
            // A rebuild switched generations in between, or the check
            // could not run: check this generation's stamps now.
            _ if !same_generation => self.freshness(corpus_dir),
            Some(Ok(true)) if self.meta.program_version == env!("CARGO_PKG_VERSION") => {
                Freshness::Fresh
            }
            Some(Ok(_)) => self.fingerprint_freshness(corpus_dir),
            _ => self.freshness(corpus_dir),
        }
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

    /// Passage counts per document id.
    pub fn passages_per_document(&self) -> crate::Result<BTreeMap<String, usize>> {
        Ok(self
            .documents()?
            .iter()
            .map(|d| (d.id.clone(), d.passages))
            .collect())
    }
}

/// The first half of a freshness check, on a thread of its own: whether
/// every input still has the size and modification time the current
/// generation recorded. On a large corpus a stat of every text costs as
/// much as opening the index and searching it, so it runs beside them;
/// [`Index::freshness_after`] takes the answer.
#[derive(Debug)]
pub struct StampCheck {
    generation: Option<PathBuf>,
    handle: Option<std::thread::JoinHandle<bool>>,
}

impl StampCheck {
    /// Starts checking the stamps of the generation `index_dir/CURRENT`
    /// names against the files in `corpus_dir`.
    pub fn start(index_dir: &Path, corpus_dir: &Path) -> StampCheck {
        let Ok(Some(name)) = read_current(index_dir) else {
            return StampCheck {
                generation: None,
                handle: None,
            };
        };
        let generation = index_dir.join(name);
        let (gen, dir) = (generation.clone(), corpus_dir.to_path_buf());
        let handle = std::thread::Builder::new()
            .name("freshness".into())
            .spawn(move || stamps_hold(&gen, &dir))
            .ok();
        StampCheck {
            generation: Some(generation),
            handle,
        }
    }
}

/// Whether the inputs recorded in `generation` still have their size and
/// modification time, and are in `corpus_dir`. An unreadable table says
/// no: the caller then hashes.
fn stamps_hold(generation: &Path, corpus_dir: &Path) -> bool {
    read_stamps(&generation.join(INPUTS_FILE))
        .is_ok_and(|stamps| same_corpus_dir(&stamps, corpus_dir) && stamps.iter().all(Stamp::holds))
}

/// Whether `corpus_dir` names the folder (or the manifest) the index was
/// built from; the manifest is the first stamp.
fn same_corpus_dir(stamps: &[Stamp], corpus_dir: &Path) -> bool {
    let Some(manifest) = stamps.first().map(|s| &s.path) else {
        return false;
    };
    let given = std::path::absolute(corpus_dir).unwrap_or_else(|_| corpus_dir.to_path_buf());
    *manifest == given || manifest.parent() == Some(given.as_path())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A copy of the founding corpus in a temporary folder.
    fn corpus_copy() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        for entry in fs::read_dir(src).unwrap() {
            let entry = entry.unwrap();
            fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
        dir
    }

    #[derive(Default)]
    struct Recorder {
        docs: Mutex<Vec<String>>,
        started: Mutex<Option<(usize, u64)>>,
    }

    impl Progress for Recorder {
        fn start(&self, documents: usize, bytes: u64) {
            *self.started.lock().unwrap() = Some((documents, bytes));
        }
        fn document_done(&self, id: &str, _bytes: u64, _passages: usize) {
            self.docs.lock().unwrap().push(id.to_string());
        }
    }

    fn opts() -> BuildOptions {
        BuildOptions {
            threads: 2,
            wait_for_lock: false,
            lossy: false,
        }
    }

    #[test]
    fn build_open_and_rebuild() {
        let corpus = corpus_copy();
        let index_dir = corpus.path().join("index");
        assert!(!exists(&index_dir));
        let rec = Recorder::default();
        let summary = build(corpus.path(), &index_dir, &opts(), &rec).unwrap();
        assert_eq!(summary.documents, 4);
        assert!(summary.passages > 100, "{summary:?}");
        assert_eq!(rec.docs.lock().unwrap().len(), 4);
        let (docs, bytes) = rec.started.lock().unwrap().unwrap();
        assert_eq!(docs, 4);
        assert_eq!(bytes, summary.bytes);
        assert!(exists(&index_dir));

        let index = Index::open(&index_dir).unwrap();
        assert_eq!(index.freshness(corpus.path()), Freshness::Fresh);
        let searcher = index.searcher();
        assert_eq!(searcher.num_docs() as usize, summary.passages);
        assert_eq!(searcher.segment_readers().len(), 1);
        assert_eq!(index.meta().documents, 4);
        let documents = index.documents().unwrap();
        assert_eq!(documents.len(), 4);
        assert_eq!(
            index
                .passages_per_document()
                .unwrap()
                .values()
                .sum::<usize>(),
            summary.passages
        );

        // Touching a text without changing it does not.
        let doc = corpus.path().join("sweden-2014-unga-68-243-submission.txt");
        let bytes = fs::read(&doc).unwrap();
        std::thread::sleep(Duration::from_millis(10));
        fs::write(&doc, &bytes).unwrap();
        assert_eq!(index.freshness(corpus.path()), Freshness::Fresh);
        // A lexicon added to the corpus folder makes it stale, even one
        // equal to the built-in (the fingerprint then matches again).
        fs::write(
            corpus.path().join("lexicon.toml"),
            "[spelling]\ncolour = \"color\"\n",
        )
        .unwrap();
        assert!(matches!(
            index.freshness(corpus.path()),
            Freshness::Stale(_)
        ));
        fs::remove_file(corpus.path().join("lexicon.toml")).unwrap();
        assert_eq!(index.freshness(corpus.path()), Freshness::Fresh);

        // Editing a text makes the index stale.
        let doc = corpus
            .path()
            .join("norway-2017-international-cyber-strategy.txt");
        let mut text = fs::read_to_string(&doc).unwrap();
        text.push_str("\nA new closing paragraph.\n");
        fs::write(&doc, text).unwrap();
        assert!(matches!(
            index.freshness(corpus.path()),
            Freshness::Stale(_)
        ));
        let check = StampCheck::start(&index_dir, corpus.path());
        assert!(matches!(
            index.freshness_after(check, corpus.path()),
            Freshness::Stale(_)
        ));

        // A rebuild switches generations and keeps one previous.
        let second = build(corpus.path(), &index_dir, &opts(), &Silent).unwrap();
        assert!(second.generation.ends_with("gen-2"));
        let third = build(corpus.path(), &index_dir, &opts(), &Silent).unwrap();
        assert!(third.generation.ends_with("gen-3"));
        assert!(!index_dir.join("gen-1").exists());
        assert!(index_dir.join("gen-2").exists());
        let reopened = Index::open(&index_dir).unwrap();
        assert!(reopened.generation().ends_with("gen-3"));
        assert_eq!(reopened.freshness(corpus.path()), Freshness::Fresh);
        let check = StampCheck::start(&index_dir, corpus.path());
        assert_eq!(
            reopened.freshness_after(check, corpus.path()),
            Freshness::Fresh
        );
        // A check of another generation's stamps is done again.
        let check = StampCheck::start(&index_dir, corpus.path());
        assert_eq!(index.freshness_after(check, corpus.path()), {
            index.freshness(corpus.path())
        });
        // The old reader still answers from its generation.
        assert_eq!(index.searcher().num_docs() as usize, summary.passages);
    }

    #[test]
    fn interrupted_build_leaves_previous_generation_serving() {
        let corpus = corpus_copy();
        let index_dir = corpus.path().join("index");
        build(corpus.path(), &index_dir, &opts(), &Silent).unwrap();
        // What a build killed half-way leaves: a generation with no meta,
        // a temporary pointer.
        fs::create_dir(index_dir.join("gen-2")).unwrap();
        fs::write(index_dir.join("gen-2").join("junk"), b"x").unwrap();
        fs::write(index_dir.join("CURRENT.tmp"), b"gen-2\n").unwrap();
        let index = Index::open(&index_dir).unwrap();
        assert!(index.generation().ends_with("gen-1"));
        // The next build skips the dead generation's name and removes it.
        let s = build(corpus.path(), &index_dir, &opts(), &Silent).unwrap();
        assert!(s.generation.ends_with("gen-3"));
        assert!(!index_dir.join("gen-2").exists());
        assert!(index_dir.join("gen-1").exists());
    }

    #[test]
    fn a_second_build_is_refused_while_one_holds_the_lock() {
        let corpus = corpus_copy();
        let index_dir = corpus.path().join("index");
        fs::create_dir_all(&index_dir).unwrap();
        let held = lock(&index_dir, false, &Silent).unwrap();
        let e = build(corpus.path(), &index_dir, &opts(), &Silent).unwrap_err();
        assert!(e.to_string().contains("another `normsearch index`"), "{e}");
        drop(held);
        build(corpus.path(), &index_dir, &opts(), &Silent).unwrap();
    }

    #[test]
    fn broken_indexes_ask_for_a_rebuild() {
        let corpus = corpus_copy();
        let index_dir = corpus.path().join("index");
        let missing = Index::open(&index_dir).unwrap_err().to_string();
        assert!(missing.contains("run `normsearch index`"), "{missing}");

        build(corpus.path(), &index_dir, &opts(), &Silent).unwrap();
        let meta = index_dir.join("gen-1").join(META_FILE);
        let good = fs::read_to_string(&meta).unwrap();

        fs::write(
            &meta,
            good.replace(
                &format!("\"schema_version\": {SCHEMA_VERSION}"),
                "\"schema_version\": 99",
            ),
        )
        .unwrap();
        let e = Index::open(&index_dir).unwrap_err().to_string();
        assert!(
            e.contains("format 99") && e.contains("normsearch index"),
            "{e}"
        );

        fs::write(&meta, "{ not json").unwrap();
        let e = Index::open(&index_dir).unwrap_err().to_string();
        assert!(
            e.contains("corrupted") && e.contains("normsearch index"),
            "{e}"
        );

        fs::write(&meta, good).unwrap();
        fs::remove_file(index_dir.join("gen-1").join("meta.json")).unwrap();
        let e = Index::open(&index_dir).unwrap_err().to_string();
        assert!(
            e.contains("unreadable") && e.contains("normsearch index"),
            "{e}"
        );

        fs::write(index_dir.join(CURRENT_FILE), "gen-9\n").unwrap();
        let e = Index::open(&index_dir).unwrap_err().to_string();
        assert!(e.contains("normsearch index"), "{e}");
    }

    #[test]
    fn the_build_writer_never_merges_in_the_background() {
        // A background merge holding segments made the build's final
        // merge fail ("segments ... could not be found") on large corpora.
        let dir = tempfile::tempdir().unwrap();
        let index = create_index(dir.path()).unwrap();
        Lexicon::builtin().register(&index);
        let mut w = writer(&index, 2).unwrap();
        assert!(
            format!("{:?}", w.get_merge_policy()).contains("NoMergePolicy"),
            "{:?}",
            w.get_merge_policy()
        );
        // Ten commits make ten segments, which the default policy would
        // start merging; here they stay until `merge_segments`.
        let f = schema().1;
        for i in 0..10 {
            let mut d = TantivyDocument::default();
            d.add_text(f.text, format!("passage {i}"));
            w.add_document(d).unwrap();
            w.commit().unwrap();
        }
        assert_eq!(index.searchable_segment_ids().unwrap().len(), 10);
        merge_segments(&index, &mut w, dir.path()).unwrap();
        w.wait_merging_threads().unwrap();
        let reader = index.reader().unwrap();
        assert_eq!(reader.searcher().segment_readers().len(), 1);
        assert_eq!(reader.searcher().num_docs(), 10);
    }

    #[test]
    fn input_stamps_round_trip_through_their_table() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a \"quoted\"\tname.txt");
        fs::write(&file, "text").unwrap();
        let stamps = vec![
            Stamp::of(file.clone()),
            Stamp::of(dir.path().join("absent.toml")),
        ];
        assert_eq!(stamps[0].len, Some(4));
        assert_eq!(stamps[1].len, None);
        let table = dir.path().join(INPUTS_FILE);
        write_stamps(&table, &stamps).unwrap();
        assert_eq!(read_stamps(&table).unwrap(), stamps);
        assert!(stamps.iter().all(Stamp::holds));
        fs::write(&file, "longer text").unwrap();
        assert!(!stamps[0].holds());
        fs::write(&table, "len\tmodified_ns\tpath\nnot a number\t1\t/x\n").unwrap();
        assert!(read_stamps(&table).is_err());
    }

    #[test]
    fn a_damaged_stamp_table_falls_back_to_the_fingerprint() {
        let corpus = corpus_copy();
        let index_dir = corpus.path().join("index");
        build(corpus.path(), &index_dir, &opts(), &Silent).unwrap();
        let index = Index::open(&index_dir).unwrap();
        fs::write(index.generation().join(INPUTS_FILE), "garbage").unwrap();
        assert_eq!(index.freshness(corpus.path()), Freshness::Fresh);
        fs::write(index.generation().join(DOCUMENTS_FILE), "[").unwrap();
        let err = index.documents().unwrap_err().to_string();
        assert!(err.contains("documents.json is corrupted"), "{err}");
    }

    #[test]
    fn merges_are_packed_up_to_the_size_limit() {
        let groups = merge_groups(vec![("a", 50), ("b", 10), ("c", 40), ("d", 90)], 100);
        assert_eq!(groups, vec![vec!["b", "c", "a"], vec!["d"]]);
        let groups = merge_groups(vec![("big", 300), ("x", 1)], 100);
        assert_eq!(groups, vec![vec!["x"], vec!["big"]]);
        assert!(merge_groups(Vec::<(u8, u64)>::new(), 100).is_empty());
    }

    #[test]
    fn anchors_ignore_case_spacing_and_punctuation() {
        assert_eq!(
            anchor("States should  cooperate."),
            anchor("states should cooperate")
        );
        assert_ne!(
            anchor("States should cooperate"),
            anchor("States must cooperate")
        );
        assert_eq!(anchor("x").len(), ANCHOR_HEX);
        // Anchors are cited: they are the hash of the folded words joined
        // by single spaces, and must stay so.
        let joined = blake3::hash(b"states should cooperate").to_hex();
        assert_eq!(anchor("States should, cooperate!"), joined[..ANCHOR_HEX]);
    }

    #[test]
    fn date_order_sorts_newest_first_then_reading_order() {
        let mut a: Document = toml_doc("2017-08-31");
        let b: Document = toml_doc("2011-05");
        assert!(date_order(&a, 1) > date_order(&b, 1));
        assert!(date_order(&a, 1) > date_order(&a, 2));
        a.date.day = None;
        assert!(date_order(&a, 500) > date_order(&b, 1));
    }

    fn toml_doc(date: &str) -> Document {
        Document {
            id: "x".into(),
            file: "x.txt".into(),
            title: "T".into(),
            issuer: "I".into(),
            authors: vec![],
            date: date.parse().unwrap(),
            kind: "k".into(),
            country: None,
            organization: None,
            language: "en".into(),
            url: None,
            container: None,
        }
    }
}
