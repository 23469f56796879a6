//! The reuse files of a generation: the signature table, the word
//! statistics and the passage table that [`crate::reuse`] searches, written
//! by the build beside tantivy's files and read only by the commands that
//! trace wording (`trace`, `reuse`, `similar`).
//!
//! Input (build): each passage's [`Signature`], made by the build's
//! workers from the stemmed tokens they already hold and kept on disk a
//! document at a time (a [`Spill`] in the generation folder, removed once
//! the table is written); the merged tantivy index. Passages are numbered
//! in manifest order then reading order. Output: three files —
//!
//! ```text
//! reuse-signatures.bin   the SignatureIndex (winnowed shingle hashes → passages)
//! reuse-words.bin        WordStats (each stemmed word's passage count)
//! reuse-passages.bin     per passage: document, ordinal, and where tantivy stores it
//! ```
//!
//! Memory: the signature table is written from the spill a range of
//! hashes at a time, each range at most [`SIGNATURE_SORT_MEMORY`] of
//! pairs ([`crate::reuse::spill`]); what the build holds for reuse
//! otherwise is each passage's ordinal and, while the passage table is
//! written, its address (about 20 bytes a passage).
//!
//! The word statistics are read off the merged index's term dictionary
//! (the same stemmed terms, already counted), not counted a second time.
//! The passage table maps a table number to its tantivy address, so that a
//! trace reads from the store only the passages it aligns.
//!
//! Refused, as a damaged index (rebuild it): a missing, truncated or
//! inconsistent file, one of another format version, a table that does
//! not match the passage count or names a segment the generation lacks.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;

use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::generation::write_synced;
use super::{rebuild_error, DocumentMeta, Fields};
use crate::corpus::PartialDate;
use crate::error::Error;
use crate::reuse::signature::{get_varint, put_varint};
use crate::reuse::words::key_of_bytes;
use crate::reuse::{
    Library, Params, PassageInfo, PassageTexts, ReuseError, Signature, SignatureBatch,
    SignatureIndex, SignatureSpill, SpilledBatch, WordStats,
};

/// The signature table's file.
pub(super) const SIGNATURES_FILE: &str = "reuse-signatures.bin";
/// The word statistics' file.
pub(super) const WORDS_FILE: &str = "reuse-words.bin";
/// The passage table's file.
pub(super) const PASSAGES_FILE: &str = "reuse-passages.bin";
/// The build's signatures on disk until the table is written.
const SPILL_FILE: &str = "reuse-signatures.spill";

/// At most this many bytes of (hash, passage) pairs are sorted at once
/// when the signature table is written: 7 ranges of hashes at 1 GB of
/// text, each read back from the disk's cache in a fraction of a second.
pub(super) const SIGNATURE_SORT_MEMORY: usize = 64 << 20;

const MAGIC: &[u8; 8] = b"NSPASSG\0";
const VERSION: u32 = 1;

/// One document's passage ordinals and signatures, in reading order, as a
/// build worker makes them.
#[derive(Debug, Default)]
pub(super) struct DocumentSignatures {
    ns: Vec<u32>,
    batch: SignatureBatch,
}

impl DocumentSignatures {
    /// Adds the next passage, ordinal `n`.
    pub(super) fn push(&mut self, n: u32, signature: &Signature) {
        self.ns.push(n);
        self.batch.push(signature);
    }
}

/// A document's passage ordinals, its signatures being in the [`Spill`].
#[derive(Debug, Default)]
pub(super) struct SpilledSignatures {
    ns: Vec<u32>,
    batch: SpilledBatch,
}

/// The build's signatures, on disk in the generation folder.
pub(super) struct Spill {
    spill: SignatureSpill,
    path: std::path::PathBuf,
}

impl Spill {
    /// Starts the spill of the generation in `gen_dir`.
    pub(super) fn create(gen_dir: &Path) -> crate::Result<Spill> {
        let path = gen_dir.join(SPILL_FILE);
        let spill = SignatureSpill::create(&path).map_err(|e| Error::io(&path, e))?;
        Ok(Spill { spill, path })
    }

    /// Puts a document's signatures on disk; keeps its ordinals.
    pub(super) fn add(&self, document: DocumentSignatures) -> crate::Result<SpilledSignatures> {
        let batch = self
            .spill
            .append(&document.batch)
            .map_err(|e| Error::io(&self.path, e))?;
        let mut ns = document.ns;
        ns.shrink_to_fit();
        Ok(SpilledSignatures { ns, batch })
    }
}

/// Writes the three reuse files of a generation (synced; the caller syncs
/// the folder) and removes the spill. `documents[i]` are the signatures of
/// the manifest's `i`-th document.
pub(super) fn write(
    gen_dir: &Path,
    searcher: &Searcher,
    fields: &Fields,
    doc_ids: &[&str],
    spill: Spill,
    documents: Vec<SpilledSignatures>,
) -> crate::Result<()> {
    let internal = |what: &str, e: &dyn std::fmt::Display| {
        Error::Internal(format!("cannot record the reuse {what}: {e}"))
    };
    // Table numbers: manifest order, then reading order.
    let mut first = Vec::with_capacity(documents.len() + 1);
    let mut total = 0usize;
    for d in &documents {
        first.push(total);
        total += d.ns.len();
    }
    let ns: Vec<&[u32]> = documents.iter().map(|d| d.ns.as_slice()).collect();
    let doc_number: HashMap<&str, usize> =
        doc_ids.iter().enumerate().map(|(i, d)| (*d, i)).collect();

    // Where tantivy stores each passage, and the stemmed terms' counts.
    let mut addresses = vec![None; total];
    let mut dfs: HashMap<u64, u32> = HashMap::new();
    let mut segments = Vec::new();
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        segments.push(reader.segment_id().uuid_string());
        let fast = reader.fast_fields();
        let docs = fast
            .str("doc")
            .map_err(|e| internal("passage table", &e))?
            .ok_or_else(|| internal("passage table", &"no doc column"))?;
        let n_column = fast.u64("n").map_err(|e| internal("passage table", &e))?;
        // Document names by term ordinal, looked up once each.
        let mut names: HashMap<u64, Option<usize>> = HashMap::new();
        let mut name = String::new();
        for doc_id in 0..reader.max_doc() {
            let (Some(ord_in_dict), Some(n)) = (docs.ords().first(doc_id), n_column.first(doc_id))
            else {
                continue;
            };
            let d = *names.entry(ord_in_dict).or_insert_with(|| {
                name.clear();
                docs.ord_to_str(ord_in_dict, &mut name)
                    .ok()
                    .and_then(|_| doc_number.get(name.as_str()).copied())
            });
            let Some(d) = d else { continue };
            if let Ok(i) = ns[d].binary_search(&(n as u32)) {
                addresses[first[d] + i] = Some(DocAddress::new(ord as u32, doc_id));
            }
        }
        let inverted = reader
            .inverted_index(fields.text)
            .map_err(|e| internal("word statistics", &e))?;
        let mut terms = inverted
            .terms()
            .stream()
            .map_err(|e| internal("word statistics", &e))?;
        while terms.advance() {
            *dfs.entry(key_of_bytes(terms.key())).or_default() += terms.value().doc_freq;
        }
    }
    let addresses: Vec<DocAddress> = addresses
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            a.ok_or_else(|| {
                internal(
                    "passage table",
                    &format!("passage {i} not found in the index"),
                )
            })
        })
        .collect::<crate::Result<_>>()?;

    let path = gen_dir.join(PASSAGES_FILE);
    let io = |e| Error::io(&path, e);
    let mut table = BufWriter::with_capacity(1 << 16, File::create(&path).map_err(io)?);
    let mut buf = Vec::with_capacity(64);
    buf.extend_from_slice(MAGIC);
    buf.extend_from_slice(&VERSION.to_le_bytes());
    put_varint(&mut buf, segments.len() as u64);
    for s in &segments {
        put_varint(&mut buf, s.len() as u64);
        buf.extend_from_slice(s.as_bytes());
    }
    put_varint(&mut buf, total as u64);
    table.write_all(&buf).map_err(io)?;
    for (d, doc) in documents.iter().enumerate() {
        buf.clear();
        put_varint(&mut buf, doc.ns.len() as u64);
        for (i, &n) in doc.ns.iter().enumerate() {
            let a = addresses[first[d] + i];
            put_varint(&mut buf, u64::from(n));
            put_varint(&mut buf, u64::from(a.segment_ord));
            put_varint(&mut buf, u64::from(a.doc_id));
        }
        table.write_all(&buf).map_err(io)?;
    }
    table
        .into_inner()
        .map_err(|e| io(e.into_error()))?
        .sync_all()
        .map_err(io)?;
    drop(addresses);

    let path = gen_dir.join(SIGNATURES_FILE);
    let batches: Vec<SpilledBatch> = documents.iter().map(|d| d.batch).collect();
    drop(documents);
    spill
        .spill
        .write_table(Params::default(), &batches, &path, SIGNATURE_SORT_MEMORY)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidData => internal("signatures", &e),
            _ => Error::io(&path, e),
        })?;

    let stats = WordStats::from_doc_freqs(total as u64, dfs);
    let mut bytes = Vec::new();
    stats
        .write_to(&mut bytes)
        .map_err(|e| internal("word statistics", &e))?;
    write_synced(&gen_dir.join(WORDS_FILE), &bytes)?;
    Ok(())
}

/// Passage texts read from the generation's store.
struct StoreTexts {
    searcher: Searcher,
    text: tantivy::schema::Field,
    addresses: Vec<DocAddress>,
}

impl PassageTexts for StoreTexts {
    fn text(&self, passage: u32) -> Result<String, ReuseError> {
        let address = *self
            .addresses
            .get(passage as usize)
            .ok_or_else(|| ReuseError::Read(format!("no passage number {passage}")))?;
        let d: TantivyDocument = self
            .searcher
            .doc(address)
            .map_err(|e| ReuseError::Read(e.to_string()))?;
        Ok(d.get_first(self.text)
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default())
    }
}

/// Reads the reuse files of the generation `index` holds.
pub(super) fn open(index: &super::Index) -> crate::Result<Library> {
    let gen_dir = index.generation();
    let name = index.generation_name();
    let index_dir = gen_dir.parent().unwrap_or(Path::new("."));
    let damaged = |file: &str, e: &dyn std::fmt::Display| {
        rebuild_error(index_dir, &format!("{name}/{file} is unreadable ({e})"))
    };
    let read = |file: &str| fs::read(gen_dir.join(file)).map_err(|e| damaged(file, &e));
    let table = SignatureIndex::read_from(&read(SIGNATURES_FILE)?)
        .map_err(|e| damaged(SIGNATURES_FILE, &e))?;
    let stats = WordStats::read_from(&read(WORDS_FILE)?).map_err(|e| damaged(WORDS_FILE, &e))?;
    let searcher = index.searcher();
    let (infos, addresses) = read_passages(&read(PASSAGES_FILE)?, index.documents()?, &searcher)
        .map_err(|e| damaged(PASSAGES_FILE, &e))?;
    let texts = StoreTexts {
        searcher,
        text: index.fields().text,
        addresses,
    };
    Library::new(
        index.lexicon().clone(),
        infos,
        Box::new(texts),
        table,
        stats,
    )
    .map_err(|e| damaged(SIGNATURES_FILE, &e))
}

/// Reads LEB128 numbers and byte strings off a slice.
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn number(&mut self) -> Result<u64, String> {
        get_varint(&mut self.0).ok_or_else(|| "truncated".to_string())
    }

    fn small(&mut self) -> Result<u32, String> {
        u32::try_from(self.number()?).map_err(|_| "number out of range".to_string())
    }

    fn bytes(&mut self, len: usize) -> Result<&'a [u8], String> {
        if self.0.len() < len {
            return Err("truncated".into());
        }
        let (head, rest) = self.0.split_at(len);
        self.0 = rest;
        Ok(head)
    }
}

/// The passage table: each passage's id, document and date, and address.
fn read_passages(
    bytes: &[u8],
    documents: &[DocumentMeta],
    searcher: &Searcher,
) -> Result<(Vec<PassageInfo>, Vec<DocAddress>), String> {
    let rest = bytes
        .strip_prefix(MAGIC.as_slice())
        .ok_or("not a passage table (wrong magic bytes)")?;
    let (version, rest) = rest.split_first_chunk::<4>().ok_or("truncated header")?;
    let version = u32::from_le_bytes(*version);
    if version != VERSION {
        return Err(format!(
            "format version {version}, this program reads version {VERSION}"
        ));
    }
    let mut at = Cursor(rest);
    // Segment ordinals as the searcher numbers them now.
    let readers = searcher.segment_readers();
    let now: HashMap<String, u32> = readers
        .iter()
        .enumerate()
        .map(|(i, r)| (r.segment_id().uuid_string(), i as u32))
        .collect();
    let segment_count = at.number()? as usize;
    let mut ords = Vec::new();
    for _ in 0..segment_count {
        let len = at.number()? as usize;
        let id = std::str::from_utf8(at.bytes(len)?).map_err(|_| "bad segment id")?;
        let ord = *now
            .get(id)
            .ok_or_else(|| format!("segment {id} is not in the index"))?;
        ords.push(ord);
    }
    let total = at.number()? as usize;
    let mut infos = Vec::with_capacity(total.min(bytes.len()));
    let mut addresses = Vec::with_capacity(total.min(bytes.len()));
    for doc in documents {
        let count = at.number()? as usize;
        let date = parse_date(&doc.date);
        for _ in 0..count {
            let n = at.small()?;
            let segment = at.small()? as usize;
            let doc_id = at.small()?;
            let ord = *ords.get(segment).ok_or("segment number out of range")?;
            if doc_id >= readers[ord as usize].max_doc() {
                return Err("passage address out of range".into());
            }
            infos.push(PassageInfo {
                id: format!("{}:{n}", doc.id),
                doc: doc.id.clone(),
                date,
            });
            addresses.push(DocAddress::new(ord, doc_id));
        }
    }
    if infos.len() != total || !at.0.is_empty() {
        return Err(format!(
            "{} passages listed, {total} announced, {} bytes left over",
            infos.len(),
            at.0.len()
        ));
    }
    Ok((infos, addresses))
}

/// A document's date as `documents.json` writes it (`2011-05`); one that
/// does not read back (never written so) sorts first.
fn parse_date(date: &str) -> PartialDate {
    date.parse().unwrap_or(PartialDate {
        year: 0,
        month: None,
        day: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Corpus;
    use crate::error::IndexProblem;
    use crate::pipeline::Analyzer;

    /// The signature table the build writes through its spill is, byte for
    /// byte, the one the in-memory table makes of the same passages'
    /// signatures (what the build wrote before it spilled them), and so is
    /// the table written a few hundred bytes of pairs at a time; a table of
    /// the previous format is refused as a damaged index.
    #[test]
    fn the_built_table_is_the_in_memory_one_and_an_old_one_is_refused() {
        let corpus_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let dir = tempfile::tempdir().unwrap();
        let index_dir = dir.path().join("index");
        let options = super::super::BuildOptions {
            threads: 2,
            ..Default::default()
        };
        super::super::build(&corpus_dir, &index_dir, &options, &super::super::Silent).unwrap();
        let gen_dir = super::super::current_generation(&index_dir)
            .unwrap()
            .unwrap();
        assert!(!gen_dir.join(SPILL_FILE).exists());
        let built = fs::read(gen_dir.join(SIGNATURES_FILE)).unwrap();

        // The signatures as the build's workers make them, in manifest
        // then reading order.
        let corpus = Corpus::load(&corpus_dir).unwrap();
        let analyser = Analyzer::load(&corpus_dir, false).unwrap();
        let params = Params::default();
        let documents: Vec<Vec<Signature>> = (0..corpus.documents.len())
            .map(|i| {
                let mut signatures = Vec::new();
                analyser
                    .analyze_one_with(&corpus, i, |_, _, _, analysis| {
                        signatures.push(Signature::of_tokens(params, analysis.stemmed()));
                    })
                    .unwrap();
                signatures
            })
            .collect();
        let all: Vec<Signature> = documents.iter().flatten().cloned().collect();
        let table = SignatureIndex::build(params, &all);
        assert!(table.entries() > 5_000, "{}", table.entries());
        let mut in_memory = Vec::new();
        table.write_to(&mut in_memory).unwrap();
        assert!(built == in_memory, "the built table differs");

        // Through a spill, documents appended last first, in ranges of at
        // most 512 bytes of pairs.
        let spill = Spill::create(dir.path()).unwrap();
        let mut batches: Vec<SpilledBatch> = documents
            .iter()
            .rev()
            .map(|signatures| {
                let mut d = DocumentSignatures::default();
                for (n, s) in signatures.iter().enumerate() {
                    d.push(n as u32, s);
                }
                spill.add(d).unwrap().batch
            })
            .collect();
        batches.reverse();
        let small = dir.path().join("small.bin");
        spill
            .spill
            .write_table(params, &batches, &small, 512)
            .unwrap();
        assert!(
            fs::read(&small).unwrap() == in_memory,
            "the table in ranges differs"
        );

        // A table of format version 1: rebuild.
        let index = super::super::Index::open(&index_dir).unwrap();
        assert_eq!(index.reuse().unwrap().index(), &table);
        drop(index);
        let mut old = built.clone();
        old[8..12].copy_from_slice(&1u32.to_le_bytes());
        fs::write(gen_dir.join(SIGNATURES_FILE), old).unwrap();
        let index = super::super::Index::open(&index_dir).unwrap();
        let refused = index.reuse().map(|_| ()).unwrap_err();
        let message = refused.to_string();
        assert!(
            matches!(
                &refused,
                Error::User(crate::error::UserError::Index {
                    problem: IndexProblem::Damaged(_),
                    ..
                })
            ),
            "{message}"
        );
        assert!(
            message.contains("version 1") && message.contains("rebuild"),
            "{message}"
        );
    }
}
