//! The reuse files of a generation: the signature table, the word
//! statistics and the passage table that [`crate::reuse`] searches, written
//! by the build beside tantivy's files and read only by the commands that
//! trace wording (`trace`, `reuse`, `similar`).
//!
//! Input (build): each passage's [`Signature`], made by the build's
//! workers from the stemmed tokens they already hold, in manifest order
//! then reading order; the merged tantivy index. Output: three files —
//!
//! ```text
//! reuse-signatures.bin   the SignatureIndex (winnowed shingle hashes → passages)
//! reuse-words.bin        WordStats (each stemmed word's passage count)
//! reuse-passages.bin     per passage: document, ordinal, and where tantivy stores it
//! ```
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
use std::fs;
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
    Library, Params, PassageInfo, PassageTexts, ReuseError, Signature, SignatureIndex, WordStats,
};

/// The signature table's file.
pub(super) const SIGNATURES_FILE: &str = "reuse-signatures.bin";
/// The word statistics' file.
pub(super) const WORDS_FILE: &str = "reuse-words.bin";
/// The passage table's file.
pub(super) const PASSAGES_FILE: &str = "reuse-passages.bin";

const MAGIC: &[u8; 8] = b"NSPASSG\0";
const VERSION: u32 = 1;

/// One document's signatures and passage ordinals, in reading order, as a
/// build worker made them.
#[derive(Debug, Default)]
pub(super) struct DocumentSignatures {
    pub(super) ns: Vec<u32>,
    pub(super) signatures: Vec<Signature>,
}

/// Writes the three reuse files of a generation (synced; the caller syncs
/// the folder). `documents[i]` are the signatures of the manifest's `i`-th
/// document.
pub(super) fn write(
    gen_dir: &Path,
    searcher: &Searcher,
    fields: &Fields,
    doc_ids: &[&str],
    documents: Vec<DocumentSignatures>,
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

    let mut table = Vec::with_capacity(total * 6 + 64);
    table.extend_from_slice(MAGIC);
    table.extend_from_slice(&VERSION.to_le_bytes());
    put_varint(&mut table, segments.len() as u64);
    for s in &segments {
        put_varint(&mut table, s.len() as u64);
        table.extend_from_slice(s.as_bytes());
    }
    put_varint(&mut table, total as u64);
    for (d, doc) in documents.iter().enumerate() {
        put_varint(&mut table, doc.ns.len() as u64);
        for (i, &n) in doc.ns.iter().enumerate() {
            let a = addresses[first[d] + i];
            put_varint(&mut table, u64::from(n));
            put_varint(&mut table, u64::from(a.segment_ord));
            put_varint(&mut table, u64::from(a.doc_id));
        }
    }
    write_synced(&gen_dir.join(PASSAGES_FILE), &table)?;

    let signatures: Vec<Signature> = documents.into_iter().flat_map(|d| d.signatures).collect();
    let index = SignatureIndex::build(Params::default(), &signatures);
    let mut bytes = Vec::new();
    index
        .write_to(&mut bytes)
        .map_err(|e| internal("signatures", &e))?;
    write_synced(&gen_dir.join(SIGNATURES_FILE), &bytes)?;

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
