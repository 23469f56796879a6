//! Signatures kept on disk while a build makes them, and the signature
//! table written from them in bounded memory.
//!
//! Input: each document's passage signatures, gathered in a
//! [`SignatureBatch`] by whichever thread analyses the document and
//! appended to a [`SignatureSpill`] in any order. Output: the table file of
//! [`SignatureIndex::write_to`](super::SignatureIndex::write_to), byte for
//! byte, its passages numbered in the order the caller lists the batches
//! ([`SignatureSpill::write_table`]).
//!
//! Why: held in memory until the end of a build, the signatures of a
//! gigabyte of text (about 53 million hashes) and the pairs sorted to
//! invert them took about 1 GB. On disk they take 4 bytes a hash; the
//! table is then written a range of hashes at a time. The spill counts
//! its hashes by their top 16 bits as it goes, so the ranges are cut to
//! hold at most `memory` bytes of (hash, passage) pairs each — unless a
//! single 1/65,536th of the hash space holds more (one passage repeated
//! hundreds of thousands of times), which then makes a range of its own.
//! With one range the pairs are read straight from the spill; with more,
//! one pass over the spill deals them out to a file per range, and each
//! range is then read back, sorted and written: every hash is read and
//! written a fixed number of times, however large the corpus.
//!
//! Files: the spill at the path given, and `<spill>.<range>` while the
//! table is written; all are removed when the spill is dropped or the
//! table written. Refused: a spill that does not read back as it was
//! written (changed by another process), with an
//! [`std::io::ErrorKind::InvalidData`] error; I/O errors are returned.

use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use super::signature::{invalid, Params, Signature, TableEncoder};

/// Buckets of the hash histogram: the top 16 bits of a hash.
const BUCKETS: usize = 1 << 16;

/// Bytes of one (hash, passage) pair while the table is sorted.
const PAIR_BYTES: usize = 8;

/// One document's passage signatures, in reading order, encoded compactly:
/// per passage its hash count then its hashes, 4 bytes each.
#[derive(Debug, Default)]
pub struct SignatureBatch {
    bytes: Vec<u8>,
    passages: u32,
    hashes: u64,
}

impl SignatureBatch {
    /// Adds the next passage's signature.
    pub fn push(&mut self, signature: &Signature) {
        let hashes = signature.hashes();
        self.bytes.reserve(4 + 4 * hashes.len());
        self.bytes
            .extend_from_slice(&(hashes.len() as u32).to_le_bytes());
        for h in hashes {
            self.bytes.extend_from_slice(&h.to_le_bytes());
        }
        self.passages += 1;
        self.hashes += hashes.len() as u64;
    }

    /// How many passages it holds.
    pub fn passages(&self) -> usize {
        self.passages as usize
    }
}

/// Where a [`SignatureBatch`] lies in its spill.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SpilledBatch {
    offset: u64,
    len: u64,
    passages: u32,
    hashes: u64,
}

impl SpilledBatch {
    /// How many passages it holds.
    pub fn passages(&self) -> usize {
        self.passages as usize
    }
}

/// A file of signature batches, appended to by many threads.
#[derive(Debug)]
pub struct SignatureSpill {
    path: PathBuf,
    state: Mutex<SpillState>,
}

#[derive(Debug)]
struct SpillState {
    out: Option<BufWriter<File>>,
    len: u64,
    /// Hashes by their top 16 bits.
    histogram: Vec<u64>,
}

impl SignatureSpill {
    /// Creates (or empties) the spill file at `path`.
    pub fn create(path: &Path) -> io::Result<SignatureSpill> {
        let file = File::create(path)?;
        Ok(SignatureSpill {
            path: path.to_path_buf(),
            state: Mutex::new(SpillState {
                out: Some(BufWriter::with_capacity(1 << 16, file)),
                len: 0,
                histogram: vec![0; BUCKETS],
            }),
        })
    }

    /// Appends a document's batch; what it returns finds it again.
    pub fn append(&self, batch: &SignatureBatch) -> io::Result<SpilledBatch> {
        // A panic elsewhere while the lock was held leaves nothing half
        // written that the length would not show.
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let offset = state.len;
        let out = state
            .out
            .as_mut()
            .ok_or_else(|| io::Error::other("the signature spill was closed"))?;
        out.write_all(&batch.bytes)?;
        state.len += batch.bytes.len() as u64;
        for_each_hash(&batch.bytes, |h| state.histogram[bucket(h)] += 1);
        Ok(SpilledBatch {
            offset,
            len: batch.bytes.len() as u64,
            passages: batch.passages,
            hashes: batch.hashes,
        })
    }

    /// Writes the signature table of the spilled batches to `table` (and
    /// syncs it), holding at most about `memory` bytes of pairs at once.
    /// Passage numbers follow `batches`: the first batch's passages are
    /// `0..`, the next batch's follow on. Each batch must have come from
    /// this spill, each once.
    pub fn write_table(
        self,
        params: Params,
        batches: &[SpilledBatch],
        table: &Path,
        memory: usize,
    ) -> io::Result<()> {
        let (len, histogram) = {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(out) = state.out.take() {
                out.into_inner().map_err(|e| e.into_error())?;
            }
            (state.len, std::mem::take(&mut state.histogram))
        };
        let mut first = Vec::with_capacity(batches.len());
        let mut passages = 0u64;
        for b in batches {
            first.push(passages);
            passages += u64::from(b.passages);
        }
        let passages = u32::try_from(passages)
            .map_err(|_| invalid(format!("{passages} passages: more than a table can number")))?;
        if batches.iter().map(|b| b.len).sum::<u64>() != len {
            return Err(invalid(
                "the signature spill does not match its batches".into(),
            ));
        }
        let ranges = ranges(&histogram, (memory / PAIR_BYTES).max(1) as u64);

        let mut out = BufWriter::with_capacity(1 << 16, File::create(table)?);
        let mut buf = Vec::new();
        // The hash count, unknown until the end, is written over later.
        TableEncoder::header(&mut buf, params, passages, 0);
        let count_at = (buf.len() - 8) as u64;
        out.write_all(&buf)?;
        let mut encoder = TableEncoder::default();
        if ranges.len() == 1 {
            let mut pairs = Vec::with_capacity(ranges[0].hashes as usize);
            self.scan(batches, &first, |h, p| {
                pairs.push(pair(h, p));
                Ok(())
            })?;
            emit(&mut encoder, &mut pairs, &mut out, &mut buf)?;
        } else {
            let mut range_of = vec![0u32; BUCKETS];
            for (r, range) in ranges.iter().enumerate() {
                range_of[range.buckets.clone()].fill(r as u32);
            }
            let mut parts = Vec::with_capacity(ranges.len());
            for r in 0..ranges.len() {
                parts.push(BufWriter::with_capacity(
                    1 << 14,
                    File::create(self.part(r))?,
                ));
            }
            self.scan(batches, &first, |h, p| {
                parts[range_of[bucket(h)] as usize].write_all(&pair(h, p).to_le_bytes())
            })?;
            for part in parts {
                part.into_inner().map_err(|e| e.into_error())?;
            }
            for (r, range) in ranges.iter().enumerate() {
                let mut pairs = read_pairs(&self.part(r), range.hashes)?;
                fs::remove_file(self.part(r))?;
                emit(&mut encoder, &mut pairs, &mut out, &mut buf)?;
            }
        }
        let mut file = out.into_inner().map_err(|e| e.into_error())?;
        file.seek(SeekFrom::Start(count_at))?;
        file.write_all(&encoder.count().to_le_bytes())?;
        file.sync_all()
    }

    /// Shows `each` every (hash, passage number) of the batches, reading
    /// the spill once, in the order it was written.
    fn scan(
        &self,
        batches: &[SpilledBatch],
        first: &[u64],
        mut each: impl FnMut(u32, u32) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut order: Vec<usize> = (0..batches.len()).collect();
        order.sort_unstable_by_key(|&i| batches[i].offset);
        let mut input = BufReader::with_capacity(1 << 16, File::open(&self.path)?);
        let mut at = 0u64;
        let mut bytes = Vec::new();
        for i in order {
            let b = &batches[i];
            if b.offset != at {
                return Err(invalid("the signature spill's batches overlap".into()));
            }
            bytes.resize(b.len as usize, 0);
            input.read_exact(&mut bytes)?;
            at += b.len;
            let mut p = first[i] as u32;
            let mut seen = 0u32;
            let mut rest = bytes.as_slice();
            while !rest.is_empty() {
                let (count, tail) = take_u32(rest)?;
                let (hashes, tail) = tail
                    .split_at_checked(count as usize * 4)
                    .ok_or_else(|| invalid("a truncated signature in the spill".into()))?;
                for h in hashes.chunks_exact(4) {
                    each(u32::from_le_bytes([h[0], h[1], h[2], h[3]]), p)?;
                }
                rest = tail;
                p += 1;
                seen += 1;
            }
            if seen != b.passages {
                return Err(invalid(
                    "the signature spill does not match its batches".into(),
                ));
            }
        }
        Ok(())
    }

    /// The file of range `r` while the table is written.
    fn part(&self, r: usize) -> PathBuf {
        let mut name = self.path.clone().into_os_string();
        name.push(format!(".{r}"));
        PathBuf::from(name)
    }
}

impl Drop for SignatureSpill {
    fn drop(&mut self) {
        let state = self.state.get_mut().unwrap_or_else(|e| e.into_inner());
        drop(state.out.take());
        let _ = fs::remove_file(&self.path);
        let mut r = 0;
        while fs::remove_file(self.part(r)).is_ok() {
            r += 1;
        }
    }
}

/// A contiguous run of histogram buckets and the hashes they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Range {
    buckets: std::ops::Range<usize>,
    hashes: u64,
}

/// Cuts the buckets into ranges of at most `max` hashes each (a bucket
/// holding more stands alone); at least one range.
fn ranges(histogram: &[u64], max: u64) -> Vec<Range> {
    let mut ranges = vec![Range {
        buckets: 0..0,
        hashes: 0,
    }];
    for (b, &n) in histogram.iter().enumerate() {
        let last = ranges.last_mut().expect("at least one range");
        if last.hashes + n > max && last.hashes > 0 {
            ranges.push(Range {
                buckets: b..b + 1,
                hashes: n,
            });
        } else {
            last.buckets.end = b + 1;
            last.hashes += n;
        }
    }
    ranges
}

/// Sorts a range's pairs and writes its table entries.
fn emit(
    encoder: &mut TableEncoder,
    pairs: &mut [u64],
    out: &mut impl Write,
    buf: &mut Vec<u8>,
) -> io::Result<()> {
    pairs.par_sort_unstable();
    let mut i = 0;
    while i < pairs.len() {
        let h = (pairs[i] >> 32) as u32;
        let j = i + pairs[i..].partition_point(|&x| (x >> 32) as u32 == h);
        buf.clear();
        encoder.entry(buf, h, pairs[i..j].iter().map(|&x| x as u32));
        out.write_all(buf)?;
        i = j;
    }
    Ok(())
}

/// A range's pairs, read back from its file.
fn read_pairs(path: &Path, count: u64) -> io::Result<Vec<u64>> {
    let mut input = BufReader::with_capacity(1 << 16, File::open(path)?);
    let mut pairs = Vec::with_capacity(count as usize);
    let mut chunk = [0u8; 1 << 13];
    loop {
        let n = read_full(&mut input, &mut chunk)?;
        if n % PAIR_BYTES != 0 {
            return Err(invalid("a truncated range of the signature spill".into()));
        }
        pairs.extend(
            chunk[..n]
                .chunks_exact(PAIR_BYTES)
                .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes"))),
        );
        if n < chunk.len() {
            break;
        }
    }
    if pairs.len() as u64 != count {
        return Err(invalid(
            "a range of the signature spill does not match its count".into(),
        ));
    }
    Ok(pairs)
}

/// Fills `buf` unless the input ends first; the bytes read.
fn read_full(input: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match input.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

fn take_u32(bytes: &[u8]) -> io::Result<(u32, &[u8])> {
    let (head, rest) = bytes
        .split_first_chunk::<4>()
        .ok_or_else(|| invalid("a truncated signature in the spill".into()))?;
    Ok((u32::from_le_bytes(*head), rest))
}

/// Every hash of a batch's bytes (which this module wrote).
fn for_each_hash(mut bytes: &[u8], mut each: impl FnMut(u32)) {
    while let Ok((count, rest)) = take_u32(bytes) {
        let (hashes, tail) = rest.split_at(count as usize * 4);
        for h in hashes.chunks_exact(4) {
            each(u32::from_le_bytes([h[0], h[1], h[2], h[3]]));
        }
        bytes = tail;
    }
}

fn bucket(hash: u32) -> usize {
    (hash >> 16) as usize
}

/// A hash and a passage number as one sortable number.
fn pair(hash: u32, passage: u32) -> u64 {
    (u64::from(hash) << 32) | u64::from(passage)
}

#[cfg(test)]
mod tests {
    use super::super::SignatureIndex;
    use super::*;

    /// Signatures of random lengths and hashes, some shared, some empty.
    fn signatures(n: usize, seed: u64) -> Vec<Signature> {
        let mut x = seed;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        (0..n)
            .map(|_| {
                let len = (next() % 60) as usize;
                // A small pool of hashes makes long posting lists too.
                let keys: Vec<u64> = (0..len).map(|_| next() % 3000).collect();
                Signature::of_keys(Params::default(), &keys)
            })
            .collect()
    }

    /// The table file written through a spill, batches of `per` passages
    /// appended in reverse, holding at most `memory` bytes of pairs.
    fn spilled_table(sigs: &[Signature], per: usize, memory: usize) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let spill = SignatureSpill::create(&dir.path().join("spill")).unwrap();
        let mut batches: Vec<(usize, SpilledBatch)> = sigs
            .chunks(per)
            .enumerate()
            .rev()
            .map(|(i, chunk)| {
                let mut batch = SignatureBatch::default();
                for s in chunk {
                    batch.push(s);
                }
                (i, spill.append(&batch).unwrap())
            })
            .collect();
        batches.sort_by_key(|&(i, _)| i);
        let batches: Vec<SpilledBatch> = batches.into_iter().map(|(_, b)| b).collect();
        let table = dir.path().join("table");
        spill
            .write_table(Params::default(), &batches, &table, memory)
            .unwrap();
        let bytes = fs::read(&table).unwrap();
        fs::remove_file(&table).unwrap();
        // Nothing left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
        bytes
    }

    #[test]
    fn the_spilled_table_is_the_in_memory_one_byte_for_byte() {
        let sigs = signatures(700, 7);
        let mut expected = Vec::new();
        SignatureIndex::build(Params::default(), &sigs)
            .write_to(&mut expected)
            .unwrap();
        // One range; a few dozen; hundreds (some a single bucket).
        for memory in [1 << 30, 4096, 256] {
            for per in [1, 13, 700] {
                assert_eq!(
                    spilled_table(&sigs, per, memory),
                    expected,
                    "memory {memory}, {per} a batch"
                );
            }
        }
        assert_eq!(
            SignatureIndex::read_from(&expected).unwrap(),
            SignatureIndex::build(Params::default(), &sigs)
        );
    }

    #[test]
    fn an_empty_spill_makes_an_empty_table() {
        let mut expected = Vec::new();
        SignatureIndex::build(Params::default(), &[])
            .write_to(&mut expected)
            .unwrap();
        assert_eq!(spilled_table(&[], 1, 1), expected);
    }

    #[test]
    fn ranges_hold_at_most_the_budget_unless_one_bucket_is_larger() {
        let mut histogram = vec![0u64; 8];
        histogram[1] = 3;
        histogram[2] = 3;
        histogram[4] = 10;
        histogram[6] = 1;
        let cut = ranges(&histogram, 6);
        assert_eq!(
            cut,
            vec![
                Range {
                    buckets: 0..4,
                    hashes: 6
                },
                Range {
                    buckets: 4..5,
                    hashes: 10
                },
                Range {
                    buckets: 5..8,
                    hashes: 1
                },
            ]
        );
        assert_eq!(ranges(&[0; 4], 1).len(), 1);
    }

    #[test]
    fn a_spill_that_does_not_match_its_batches_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let spill = SignatureSpill::create(&dir.path().join("spill")).unwrap();
        let mut batch = SignatureBatch::default();
        batch.push(&signatures(1, 3)[0]);
        let b = spill.append(&batch).unwrap();
        let err = spill
            .write_table(Params::default(), &[b, b], &dir.path().join("t"), 1 << 20)
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }
}
