//! Compact signatures of passages, and the table that finds the passages
//! sharing wording with a text without comparing all pairs.
//!
//! Input: each passage's word keys ([`super::words`]). Output: a
//! [`Signature`] per passage — the *winnowed* hashes of its word
//! shingles — and a [`SignatureIndex`], the inverted table from each hash
//! to the passages holding it, which serialises to a compact file.
//!
//! # Why winnowing rather than MinHash with LSH bands
//!
//! MinHash estimates the Jaccard similarity of two passages' *whole*
//! shingle sets, and banded LSH finds pairs above a threshold of it. Agreed
//! wording travels as a sentence inside otherwise different paragraphs: a
//! 15-word formulation shared by two 80-word passages gives a Jaccard
//! similarity of about 0.07, which no practical banding finds (20 bands of
//! 5 rows find it once in 10⁵ tries), while whole copied paragraphs, the
//! only case MinHash catches, are caught by winnowing too. Winnowing
//! (Schleimer, Wilkerson and Aiken, SIGMOD 2003, the method behind MOSS)
//! keeps the smallest shingle hash of every window of `window`
//! consecutive shingles, and so guarantees that two passages sharing any
//! run of [`Params::guaranteed_words`] words share a kept hash: local
//! reuse is found, whatever surrounds it, at about `2 / (window + 1)`
//! hashes per word.
//!
//! # File format
//!
//! [`SignatureIndex::write_to`] writes a magic string, a format version,
//! the parameters and the passage count (LEB128), the number of distinct
//! hashes (8 bytes, little-endian: a build writing the table a range at a
//! time fills it in last, see [`super::spill`]), then the hashes in
//! ascending order as LEB128 deltas, each followed by its posting list
//! (length, then passage numbers as LEB128 deltas).
//! [`SignatureIndex::read_from`] refuses a file with another magic string
//! or version (version 1 wrote the hash count as LEB128), or one that is
//! truncated or inconsistent, with an [`std::io::ErrorKind::InvalidData`]
//! error.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::io::{self, Write};

use super::words::{key_of, Words};
use tantivy::tokenizer::Token;

/// Shingle and window sizes, fixed when the signatures are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// Words per shingle.
    pub shingle: usize,
    /// Shingles per winnowing window.
    pub window: usize,
}

impl Default for Params {
    /// 5-word shingles, windows of 4: any shared run of 8 words is found,
    /// at 0.4 hashes per word.
    fn default() -> Params {
        Params {
            shingle: 5,
            window: 4,
        }
    }
}

impl Params {
    /// The length of a shared run of words that two signatures are sure to
    /// reveal: `window + shingle - 1`.
    pub fn guaranteed_words(&self) -> usize {
        self.window + self.shingle - 1
    }

    fn check(&self) -> io::Result<()> {
        if (1..=32).contains(&self.shingle) && (1..=64).contains(&self.window) {
            Ok(())
        } else {
            Err(invalid(format!(
                "shingle {} and window {} are outside 1–32 and 1–64",
                self.shingle, self.window
            )))
        }
    }
}

/// The hash of every shingle of `keys`, in order (none when there are
/// fewer keys than a shingle).
pub fn shingle_hashes(shingle: usize, keys: &[u64], out: &mut Vec<u32>) {
    out.clear();
    if shingle == 0 || keys.len() < shingle {
        return;
    }
    out.extend(keys.windows(shingle).map(shingle_hash));
}

/// One shingle's hash: the keys folded in order and mixed (the finaliser
/// of SplitMix64), so that shingles differing in one word or in order
/// differ in every bit. Written down here because stored signatures
/// depend on it.
fn shingle_hash(keys: &[u64]) -> u32 {
    let mut h: u64 = 0x9e37_79b9_7f4a_7c15;
    for &k in keys {
        h = (h.rotate_left(23) ^ k).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    (h >> 32) as u32
}

/// A passage's signature: its winnowed shingle hashes, ascending, each once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    hashes: Vec<u32>,
}

impl Signature {
    /// The signature of a sequence of word keys.
    pub fn of_keys(params: Params, keys: &[u64]) -> Signature {
        let mut shingles = Vec::new();
        shingle_hashes(params.shingle, keys, &mut shingles);
        Signature {
            hashes: winnow(&shingles, params.window),
        }
    }

    /// The signature of a passage's words.
    pub fn of_words(params: Params, words: &Words) -> Signature {
        Signature::of_keys(params, &words.keys().collect::<Vec<_>>())
    }

    /// The signature of the lexicon's stemmed tokens of a passage (what
    /// the indexer's `Analysis::stemmed` holds), without analysing again.
    pub fn of_tokens(params: Params, tokens: &[Token]) -> Signature {
        let keys: Vec<u64> = tokens.iter().map(|t| key_of(&t.text)).collect();
        Signature::of_keys(params, &keys)
    }

    /// The hashes, ascending.
    pub fn hashes(&self) -> &[u32] {
        &self.hashes
    }
}

/// The smallest hash of every window of `window` consecutive shingles (the
/// rightmost of equal ones, as robust winnowing picks), each once, sorted.
/// A passage with fewer shingles than a window keeps its smallest.
fn winnow(shingles: &[u32], window: usize) -> Vec<u32> {
    let window = window.max(1);
    let mut kept = Vec::with_capacity(shingles.len() * 2 / (window + 1) + 1);
    if shingles.len() <= window {
        kept.extend(shingles.iter().min());
        return kept;
    }
    let mut last = usize::MAX;
    for start in 0..=shingles.len() - window {
        let mut at = start;
        for i in start + 1..start + window {
            if shingles[i] <= shingles[at] {
                at = i;
            }
        }
        if at != last {
            kept.push(shingles[at]);
            last = at;
        }
    }
    kept.sort_unstable();
    kept.dedup();
    kept
}

/// The inverted table of signatures: each hash and the passages holding it.
///
/// Passages are numbered by the caller, `0..passages` (the order in which
/// their signatures were given to [`build`](Self::build)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureIndex {
    params: Params,
    passages: u32,
    /// Distinct hashes, ascending.
    hashes: Vec<u32>,
    /// `postings[starts[i]..starts[i + 1]]` hold `hashes[i]`.
    starts: Vec<u32>,
    /// Passage numbers, ascending within each hash.
    postings: Vec<u32>,
}

const MAGIC: &[u8; 8] = b"NSREUSE\0";
const VERSION: u32 = 2;

impl SignatureIndex {
    /// The table of `signatures`, passage `i` being `signatures[i]`.
    pub fn build(params: Params, signatures: &[Signature]) -> SignatureIndex {
        let mut pairs: Vec<u64> = signatures
            .par_iter()
            .enumerate()
            .flat_map_iter(|(p, s)| {
                s.hashes
                    .iter()
                    .map(move |&h| (u64::from(h) << 32) | p as u64)
            })
            .collect();
        pairs.par_sort_unstable();
        let mut hashes = Vec::new();
        let mut starts = Vec::new();
        let mut postings = Vec::with_capacity(pairs.len());
        for pair in pairs {
            let h = (pair >> 32) as u32;
            if hashes.last() != Some(&h) {
                hashes.push(h);
                starts.push(postings.len() as u32);
            }
            postings.push(pair as u32);
        }
        starts.push(postings.len() as u32);
        SignatureIndex {
            params,
            passages: signatures.len() as u32,
            hashes,
            starts,
            postings,
        }
    }

    /// The parameters the signatures were made with.
    pub fn params(&self) -> Params {
        self.params
    }

    /// How many passages the table was built from.
    pub fn passages(&self) -> usize {
        self.passages as usize
    }

    /// How many distinct hashes it holds.
    pub fn distinct_hashes(&self) -> usize {
        self.hashes.len()
    }

    /// How many (hash, passage) entries it holds.
    pub fn entries(&self) -> usize {
        self.postings.len()
    }

    /// The passages whose signature holds `hash`, ascending.
    pub fn postings(&self, hash: u32) -> &[u32] {
        match self.hashes.binary_search(&hash) {
            Ok(i) => &self.postings[self.starts[i] as usize..self.starts[i + 1] as usize],
            Err(_) => &[],
        }
    }

    /// Every hash with its passages, hashes ascending.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &[u32])> + '_ {
        self.hashes.iter().enumerate().map(move |(i, &h)| {
            (
                h,
                &self.postings[self.starts[i] as usize..self.starts[i + 1] as usize],
            )
        })
    }

    /// The signature of passage `p`, gathered back from the table
    /// (a pass over every entry: for tests and tools, not for queries).
    pub fn signature_of(&self, p: u32) -> Signature {
        Signature {
            hashes: self
                .iter()
                .filter(|(_, ps)| ps.binary_search(&p).is_ok())
                .map(|(h, _)| h)
                .collect(),
        }
    }

    /// Writes the table in its compact form (see the module's doc).
    pub fn write_to(&self, mut out: impl Write) -> io::Result<()> {
        let mut buf = Vec::with_capacity(self.postings.len() * 2 + self.hashes.len() * 3 + 32);
        TableEncoder::header(
            &mut buf,
            self.params,
            self.passages,
            self.hashes.len() as u64,
        );
        let mut encoder = TableEncoder::default();
        for (h, ps) in self.iter() {
            encoder.entry(&mut buf, h, ps.iter().copied());
        }
        out.write_all(&buf)
    }

    /// Reads a table written by [`write_to`](Self::write_to).
    pub fn read_from(bytes: &[u8]) -> io::Result<SignatureIndex> {
        let rest = bytes
            .strip_prefix(MAGIC.as_slice())
            .ok_or_else(|| invalid("not a normsearch reuse table (wrong magic bytes)".into()))?;
        let (version, mut rest) = rest
            .split_first_chunk::<4>()
            .ok_or_else(|| invalid("truncated reuse table header".into()))?;
        let version = u32::from_le_bytes(*version);
        if version != VERSION {
            return Err(invalid(format!(
                "reuse table format version {version}, this program reads version {VERSION}: rebuild the index"
            )));
        }
        let mut next = |what: &str| -> io::Result<u64> {
            get_varint(&mut rest).ok_or_else(|| invalid(format!("truncated reuse table ({what})")))
        };
        let params = Params {
            shingle: next("parameters")? as usize,
            window: next("parameters")? as usize,
        };
        params.check()?;
        let passages = u32::try_from(next("passage count")?)
            .map_err(|_| invalid("passage count out of range".into()))?;
        let (count, mut rest) = rest
            .split_first_chunk::<8>()
            .ok_or_else(|| invalid("truncated reuse table (hash count)".into()))?;
        let count = usize::try_from(u64::from_le_bytes(*count))
            .map_err(|_| invalid("hash count out of range".into()))?;
        let mut next = |what: &str| -> io::Result<u64> {
            get_varint(&mut rest).ok_or_else(|| invalid(format!("truncated reuse table ({what})")))
        };
        // Each hash takes at least two bytes: never trust a count beyond that.
        let mut hashes = Vec::with_capacity(count.min(bytes.len() / 2));
        let mut starts = Vec::with_capacity(count.min(bytes.len() / 2) + 1);
        let mut postings = Vec::with_capacity(bytes.len() / 2);
        let mut hash = 0u64;
        for i in 0..count {
            hash += next("hash")?;
            if hash > u64::from(u32::MAX) || (i > 0 && hashes.last() == Some(&(hash as u32))) {
                return Err(invalid("reuse table hashes out of order".into()));
            }
            hashes.push(hash as u32);
            starts.push(postings.len() as u32);
            let len = next("posting length")?;
            let mut p = 0u64;
            for j in 0..len {
                p += next("posting")?;
                if p >= u64::from(passages) || (j > 0 && postings.last() == Some(&(p as u32))) {
                    return Err(invalid("reuse table passage number out of range".into()));
                }
                postings.push(p as u32);
            }
        }
        starts.push(postings.len() as u32);
        if !rest.is_empty() {
            return Err(invalid("trailing bytes after the reuse table".into()));
        }
        Ok(SignatureIndex {
            params,
            passages,
            hashes,
            starts,
            postings,
        })
    }
}

/// Writes a table file's header and entries (see the module's doc), for
/// the table in memory and for the one a build writes a range at a time.
#[derive(Debug, Default)]
pub(super) struct TableEncoder {
    previous: u32,
    count: u64,
}

impl TableEncoder {
    /// Appends the header; the hash count is its last 8 bytes.
    pub(super) fn header(buf: &mut Vec<u8>, params: Params, passages: u32, count: u64) {
        buf.extend_from_slice(MAGIC);
        buf.extend_from_slice(&VERSION.to_le_bytes());
        put_varint(buf, params.shingle as u64);
        put_varint(buf, params.window as u64);
        put_varint(buf, u64::from(passages));
        buf.extend_from_slice(&count.to_le_bytes());
    }

    /// Appends the next hash (above the last one) and its passages
    /// (ascending).
    pub(super) fn entry(
        &mut self,
        buf: &mut Vec<u8>,
        hash: u32,
        passages: impl ExactSizeIterator<Item = u32>,
    ) {
        put_varint(buf, u64::from(hash - self.previous));
        self.previous = hash;
        self.count += 1;
        put_varint(buf, passages.len() as u64);
        let mut last = 0u32;
        for p in passages {
            put_varint(buf, u64::from(p - last));
            last = p;
        }
    }

    /// The hashes written so far.
    pub(super) fn count(&self) -> u64 {
        self.count
    }
}

pub(super) fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// LEB128: seven bits a byte, low first, the high bit set on all but the
/// last. (tantivy's own `VInt` is not exported by the `tantivy` crate.)
pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

pub(crate) fn get_varint(input: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for (i, &b) in input.iter().enumerate().take(10) {
        v |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            *input = &input[i + 1..];
            return Some(v);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Lexicon;

    fn keys(text: &str) -> Vec<u64> {
        text.split_whitespace().map(key_of).collect()
    }

    #[test]
    fn a_shared_run_of_guaranteed_length_shares_a_hash() {
        let params = Params::default();
        let run = "states should not conduct or knowingly support ict activity";
        let run_words = run.split_whitespace().count();
        assert!(run_words >= params.guaranteed_words());
        // The run at every offset inside different surroundings.
        for before in 0..12 {
            let left: Vec<String> = (0..before).map(|i| format!("left{i}")).collect();
            let a = format!("{} {run} tail words here", left.join(" "));
            let b = format!("something else entirely then {run} and more unrelated text");
            let sa = Signature::of_keys(params, &keys(&a));
            let sb = Signature::of_keys(params, &keys(&b));
            let shared = sa
                .hashes()
                .iter()
                .filter(|h| sb.hashes().contains(h))
                .count();
            assert!(shared > 0, "offset {before}: no shared hash");
        }
    }

    #[test]
    fn unrelated_texts_share_nothing_and_density_is_as_promised() {
        let params = Params::default();
        let a: Vec<u64> = (0..1000).map(|i| key_of(&format!("a{i}"))).collect();
        let b: Vec<u64> = (0..1000).map(|i| key_of(&format!("b{i}"))).collect();
        let sa = Signature::of_keys(params, &a);
        let sb = Signature::of_keys(params, &b);
        assert!(sa
            .hashes()
            .iter()
            .all(|h| sb.hashes().binary_search(h).is_err()));
        // Expected density 2 / (window + 1) = 0.4 per word.
        let density = sa.hashes().len() as f64 / 1000.0;
        assert!((0.3..0.5).contains(&density), "density {density}");
    }

    #[test]
    fn short_and_empty_passages() {
        let params = Params::default();
        assert!(Signature::of_keys(params, &keys("too short"))
            .hashes()
            .is_empty());
        assert_eq!(
            Signature::of_keys(params, &keys("exactly five words in here"))
                .hashes()
                .len(),
            1
        );
        assert_eq!(
            Signature::of_keys(params, &keys("six words make two shingles here"))
                .hashes()
                .len(),
            1
        );
    }

    #[test]
    fn tokens_words_and_keys_agree() {
        let lex = Lexicon::builtin();
        let text = "The same rights that people have offline must also be protected online.";
        let params = Params::default();
        let by_tokens = Signature::of_tokens(params, &lex.tokens(text));
        let by_words = Signature::of_words(params, &Words::new(&lex, text));
        assert_eq!(by_tokens, by_words);
        assert!(!by_tokens.hashes().is_empty());
    }

    #[test]
    fn table_round_trips_and_finds_postings() {
        let params = Params::default();
        let texts = [
            "one two three four five six seven eight nine ten",
            "zero one two three four five six seven eight nine",
            "nothing in common with the others at all here",
            "",
        ];
        let sigs: Vec<Signature> = texts
            .iter()
            .map(|t| Signature::of_keys(params, &keys(t)))
            .collect();
        let index = SignatureIndex::build(params, &sigs);
        assert_eq!(index.passages(), 4);
        for (p, s) in sigs.iter().enumerate() {
            assert_eq!(&index.signature_of(p as u32), s);
            for h in s.hashes() {
                assert!(index.postings(*h).contains(&(p as u32)));
            }
        }
        let shared: Vec<u32> = sigs[0]
            .hashes()
            .iter()
            .filter(|h| sigs[1].hashes().contains(h))
            .copied()
            .collect();
        assert!(!shared.is_empty());
        assert_eq!(index.postings(shared[0]), &[0, 1]);

        let mut bytes = Vec::new();
        index.write_to(&mut bytes).unwrap();
        assert_eq!(SignatureIndex::read_from(&bytes).unwrap(), index);
    }

    #[test]
    fn bad_files_are_refused_not_panicked_on() {
        let params = Params::default();
        let sigs = vec![Signature::of_keys(
            params,
            &keys("a b c d e f g h i j k l m n"),
        )];
        let mut bytes = Vec::new();
        SignatureIndex::build(params, &sigs)
            .write_to(&mut bytes)
            .unwrap();
        for cut in 0..bytes.len() {
            let err = SignatureIndex::read_from(&bytes[..cut]).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        }
        let mut other = bytes.clone();
        other[8] = 9;
        assert!(SignatureIndex::read_from(&other)
            .unwrap_err()
            .to_string()
            .contains("version 9"));
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(SignatureIndex::read_from(&longer).is_err());
        assert!(SignatureIndex::read_from(b"garbage!garbage").is_err());
    }
}
