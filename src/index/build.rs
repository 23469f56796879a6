//! Building a generation: the corpus read, cut, tagged and indexed in
//! parallel, committed, merged, recorded, then switched in.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use tantivy::indexer::NoMergePolicy;
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{IndexSettings, IndexWriter, TantivyDocument};

use super::freshness::{fingerprint, folder_stamps, input_stamps, write_stamps};
use super::generation::{
    next_generation, read_current, remove_unused_generations, switch_to, sync_dir, write_synced,
};
use super::meta::{DocumentMeta, Meta, ThemeMeta};
use super::schema::{passage_document, schema, source_facet, Facets, Tagged};
use super::*;
use crate::corpus::Corpus;
use crate::error::{Error, FolderProblem, UserError};
use crate::lexicon::{is_english, Analysis, Handoff};
use crate::pipeline::Analyzer;
use crate::reuse::{Params, Signature};
use crate::themes::Taxonomy;

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
pub(super) struct BuildLock {
    pub(super) _file: File,
}

pub(super) fn lock(
    index_dir: &Path,
    wait: bool,
    progress: &dyn Progress,
) -> crate::Result<BuildLock> {
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
            return Err(UserError::IndexBusy {
                dir: index_dir.to_path_buf(),
            }
            .into());
        }
        Err(fs4::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
    }
    Ok(BuildLock { _file: file })
}

/// A generation being written: removed if the build fails (a text refused
/// half-way), so that a failed build leaves no folder behind. A killed build
/// cannot run this; the next build removes what it left.
pub(super) struct Unfinished(Option<PathBuf>);

impl Unfinished {
    /// The generation is in service: keep it.
    pub(super) fn keep(mut self) {
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
pub(super) struct Prepared {
    pub(super) passages: usize,
    pub(super) warnings: Vec<String>,
    /// Its passages' ordinals; their reuse signatures, made from the
    /// tokens at hand, are in the build's spill.
    pub(super) signatures: reuse::SpilledSignatures,
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
    check_index_folder(index_dir)?;
    build_checked(corpus_dir, index_dir, options, progress).map_err(|e| match e {
        // An I/O failure inside the index folder is the user's to fix (a
        // folder without write permission, a read-only or full disk).
        Error::Io { path, source } if path.starts_with(index_dir) => unwritable(&path, &source),
        other => other,
    })
}

/// Refuses, before anything is written, an index folder that is a file or
/// that holds files of its own: the build removes the generations it no
/// longer needs, and writes nothing but its own entries (see
/// [`is_index_entry`]), so it only ever works in a folder of its own.
pub(super) fn check_index_folder(dir: &Path) -> crate::Result<()> {
    let folder = |problem| {
        Error::from(UserError::IndexFolder {
            dir: dir.to_path_buf(),
            problem,
        })
    };
    let meta = match fs::metadata(dir) {
        Ok(meta) => meta,
        // Created by the build; a failure to create it is explained then.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(unwritable(dir, &e)),
    };
    if !meta.is_dir() {
        return Err(folder(FolderProblem::IsAFile));
    }
    let entries = fs::read_dir(dir).map_err(|e| unwritable(dir, &e))?;
    let mut foreign: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !is_index_entry(name))
        .collect();
    foreign.sort();
    match foreign.into_iter().next() {
        None => Ok(()),
        Some(name) => Err(folder(FolderProblem::Foreign(name))),
    }
}

/// `path` inside an index folder cannot be written.
pub(super) fn unwritable(path: &Path, e: &std::io::Error) -> Error {
    UserError::IndexFolder {
        dir: path.to_path_buf(),
        problem: FolderProblem::Unwritable {
            reason: e.to_string(),
            full: matches!(
                e.kind(),
                std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
            ),
        },
    }
    .into()
}

pub(super) fn build_checked(
    corpus_dir: &Path,
    index_dir: &Path,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> crate::Result<BuildSummary> {
    let corpus = Corpus::load(corpus_dir)?;
    let analyser = Analyzer::load(corpus_dir, options.lossy)?;
    let lexicon = &analyser.lexicon;

    fs::create_dir_all(index_dir).map_err(|e| Error::io(index_dir, e))?;
    let _lock = lock(index_dir, options.wait_for_lock, progress)?;
    let started = Instant::now();

    // Stamped and hashed before the texts are read: a text edited during
    // the build then makes the index look stale, never falsely fresh.
    let inputs = input_stamps(&corpus);
    let folders = folder_stamps(&corpus);
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
    let params = Params::default();
    let spill = reuse::Spill::create(&gen_dir)?;
    let mut writer = writer(&index, writer_threads)?;
    let facets = Facets::new(&analyser.taxonomy);

    progress.start(corpus.documents.len(), total);

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Internal(format!("cannot start {threads} worker threads: {e}")))?;
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
                let mut signatures = reuse::DocumentSignatures::default();
                let mut headings = Analysis::default();
                let analysed =
                    analyser.analyze_one_with(&corpus, i, |p, scores, anchor, analysis| {
                        if added.is_err() {
                            return;
                        }
                        // The stemmed tokens the indexer is handed make the
                        // passage's reuse signature too: no second analysis.
                        signatures.push(p.n, &Signature::of_tokens(params, analysis.stemmed()));
                        let d = passage_document(
                            &fields,
                            doc,
                            Tagged {
                                passage: p,
                                scores,
                                anchor,
                            },
                            &facets,
                            &source,
                        );
                        if let Some(text) = d
                            .get_first(fields.text)
                            .and_then(|v| tantivy::schema::Value::as_str(&v))
                        {
                            handoff.offer(text, analysis);
                        }
                        // Headings are analysed in the document's language
                        // too: the indexing thread would take them as
                        // English.
                        if !is_english(&doc.language) {
                            for heading in d.get_all(fields.section) {
                                if let Some(h) = tantivy::schema::Value::as_str(&heading) {
                                    lexicon.analyze_into_in(h, &doc.language, &mut headings);
                                    handoff.offer(h, &headings);
                                }
                            }
                        }
                        added = writer.add_document(d).map(|_| ());
                    })?;
                added?;
                let signatures = spill.add(signatures)?;
                let passages = &analysed.segmentation.passages;
                bytes_read.fetch_add(analysed.bytes as usize, Ordering::Relaxed);
                progress.document_done(&doc.id, analysed.bytes, passages.len());
                Ok(Prepared {
                    passages: passages.len(),
                    warnings: analysed.warnings,
                    signatures,
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
    let doc_ids: Vec<&str> = corpus.documents.iter().map(|d| d.id.as_str()).collect();
    let mut prepared = prepared;
    let signatures = prepared
        .iter_mut()
        .map(|p| std::mem::take(&mut p.signatures))
        .collect();
    let reader = index.reader()?;
    reuse::write(
        &gen_dir,
        &reader.searcher(),
        &fields,
        &doc_ids,
        spill,
        signatures,
    )?;
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
        theme_labels: theme_labels(&analyser.taxonomy),
        passages,
        bytes,
    };
    let documents: Vec<DocumentMeta> = corpus
        .documents
        .iter()
        .zip(&prepared)
        .map(|(d, p)| DocumentMeta::of(d, p.passages))
        .collect();
    let record = |what: &str, e: serde_json::Error| {
        Error::Internal(format!("cannot record the index's {what}: {e}"))
    };
    write_synced(
        &gen_dir.join(DOCUMENTS_FILE),
        &serde_json::to_vec(&documents).map_err(|e| record("documents", e))?,
    )?;
    let mut ids = String::new();
    for id in &doc_ids {
        ids.push_str(id);
        ids.push('\n');
    }
    write_synced(&gen_dir.join(DOCUMENT_IDS_FILE), ids.as_bytes())?;
    write_stamps(&gen_dir.join(INPUTS_FILE), &inputs)?;
    write_stamps(&gen_dir.join(FOLDERS_FILE), &folders)?;
    write_synced(&gen_dir.join(LEXICON_COPY), lexicon.source_bytes())?;
    write_synced(&gen_dir.join(LEXICON_COMPILED), &lexicon.compiled())?;
    let cues = super::ThemeCues::new(&analyser.taxonomy, lexicon);
    write_synced(&gen_dir.join(super::theme_cues::FILE), &cues.to_bytes())?;
    write_synced(&gen_dir.join(READERS_LOCK), b"")?;
    // Last: a generation with its record is complete.
    let meta_json = serde_json::to_vec_pretty(&meta).map_err(|e| record("metadata", e))?;
    write_synced(&gen_dir.join(META_FILE), &meta_json)?;
    sync_dir(&gen_dir)?;

    // The switch: from here on readers open the new generation.
    switch_to(index_dir, &generation)?;
    unfinished.keep();

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

/// Every theme, pillars each followed by their sub-themes.
pub(super) fn theme_labels(taxonomy: &Taxonomy) -> Vec<ThemeMeta> {
    taxonomy
        .pillars()
        .flat_map(|p| std::iter::once(p).chain(taxonomy.children(&p.id)))
        .map(|t| ThemeMeta {
            id: t.id.clone(),
            label: t.label.clone(),
            parent: t.parent.clone(),
        })
        .collect()
}

/// Theme ids, pillars first then sub-themes, each in taxonomy order.
pub(super) fn theme_ids(taxonomy: &Taxonomy) -> Vec<String> {
    let themes = taxonomy.themes();
    themes
        .iter()
        .filter(|t| t.is_pillar())
        .chain(themes.iter().filter(|t| !t.is_pillar()))
        .map(|t| t.id.clone())
        .collect()
}

/// A new, empty tantivy index in `dir` with the schema and store settings.
pub(super) fn create_index(dir: &Path) -> crate::Result<tantivy::Index> {
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
pub(super) fn writer(
    index: &tantivy::Index,
    threads: usize,
) -> crate::Result<IndexWriter<TantivyDocument>> {
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
pub(super) fn merge_segments(
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
pub(super) fn merge_groups<T>(mut segments: Vec<(T, u64)>, max: u64) -> Vec<Vec<T>> {
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
