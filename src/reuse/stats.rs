//! How common each word is: the rarity weights that keep the field's
//! common phrases from counting as reuse.
//!
//! Input: each passage's word keys ([`super::words`]), or the document
//! frequencies of the index's stemmed terms. Output: [`WordStats`], which
//! gives each word a weight — its inverse document frequency over the
//! average word's, at most 1: a word as rare as the average running-text
//! word or rarer counts fully, the commonest ("the", "of", "and") almost
//! not at all, so a span's weight is about its number of content words.
//!
//! Why words and not shingles: a phrase that travels widely is common by
//! that very fact, so the rarity of the run itself cannot tell agreed
//! wording from boilerplate; the words it is made of can, a little.
//! Measured on the founding and extra texts (4 MB, 12,000 passages): at
//! 10 matched words, requiring half of them in weight drops one cluster of
//! 399, a span made mostly of function words ("of information and
//! communications technology (ICT) and information systems (the scope of
//! the"), and keeps the copied action items of one strategy in another;
//! requiring the full weight with rare words counting up to 2.5 dropped 97
//! of 399, among them genuine copies such as "voluntary non-binding norms
//! of responsible state behaviour in cyberspace", and was not taken. No
//! weighting we measured told 10-word stock phrases from 10-word copies:
//! the length is the real guard against common phrases.
//!
//! Refused by [`WordStats::read_from`]: another magic string or version,
//! a truncated or inconsistent file ([`std::io::ErrorKind::InvalidData`]).

use std::collections::HashMap;
use std::io::{self, Write};

use super::signature::{get_varint, invalid, put_varint};

/// Document frequencies of words over passages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WordStats {
    passages: u64,
    df: HashMap<u64, u32>,
    /// The average word's inverse document frequency (per occurrence,
    /// counted once per passage).
    mean_idf: f64,
}

/// Most a single word can weigh: an OCR slip or a name is rare, but a
/// few of them must not make up for a run of function words.
const MAX_WEIGHT: f64 = 1.0;

const MAGIC: &[u8; 8] = b"NSWORDS\0";
const VERSION: u32 = 1;

impl WordStats {
    /// Counts one passage's words (each once).
    pub fn add_passage(&mut self, keys: impl IntoIterator<Item = u64>) {
        let mut keys: Vec<u64> = keys.into_iter().collect();
        keys.sort_unstable();
        keys.dedup();
        for k in keys {
            *self.df.entry(k).or_default() += 1;
        }
        self.passages += 1;
        self.mean_idf = 0.0;
    }

    /// Adds counts made elsewhere (by another worker).
    pub fn merge(&mut self, other: WordStats) {
        for (k, n) in other.df {
            *self.df.entry(k).or_default() += n;
        }
        self.passages += other.passages;
        self.mean_idf = 0.0;
    }

    /// Stats from document frequencies counted elsewhere (e.g. the
    /// index's stemmed terms: `key_of(term)` and its doc freq).
    pub fn from_doc_freqs(passages: u64, dfs: impl IntoIterator<Item = (u64, u32)>) -> WordStats {
        let mut stats = WordStats {
            passages,
            df: dfs.into_iter().collect(),
            mean_idf: 0.0,
        };
        stats.finish();
        stats
    }

    /// Computes the average once counting is over (weights are 1 until
    /// then).
    pub fn finish(&mut self) {
        let (mut sum, mut count) = (0.0, 0.0);
        for &n in self.df.values() {
            sum += f64::from(n) * self.idf(n);
            count += f64::from(n);
        }
        self.mean_idf = if count > 0.0 { sum / count } else { 0.0 };
    }

    /// Passages counted.
    pub fn passages(&self) -> u64 {
        self.passages
    }

    fn idf(&self, df: u32) -> f64 {
        (self.passages.max(1) as f64 / f64::from(df.max(1)))
            .ln()
            .max(0.0)
    }

    /// A word's weight: 1 for the average word or a rarer one, less for
    /// common ones. A word never counted weighs as one seen once.
    pub fn weight(&self, key: u64) -> f64 {
        if self.mean_idf <= 0.0 {
            return 1.0;
        }
        let df = self.df.get(&key).copied().unwrap_or(1);
        (self.idf(df) / self.mean_idf).min(MAX_WEIGHT)
    }

    /// Writes the stats: magic, version, passages, then the keys ascending
    /// as LEB128 deltas, each with its frequency.
    pub fn write_to(&self, mut out: impl Write) -> io::Result<()> {
        let mut keys: Vec<(u64, u32)> = self.df.iter().map(|(&k, &n)| (k, n)).collect();
        keys.sort_unstable();
        let mut buf = Vec::with_capacity(keys.len() * 10 + 32);
        buf.extend_from_slice(MAGIC);
        buf.extend_from_slice(&VERSION.to_le_bytes());
        put_varint(&mut buf, self.passages);
        put_varint(&mut buf, keys.len() as u64);
        let mut previous = 0u64;
        for (k, n) in keys {
            put_varint(&mut buf, k - previous);
            put_varint(&mut buf, u64::from(n));
            previous = k;
        }
        out.write_all(&buf)
    }

    /// Reads stats written by [`write_to`](Self::write_to).
    pub fn read_from(bytes: &[u8]) -> io::Result<WordStats> {
        let rest = bytes
            .strip_prefix(MAGIC.as_slice())
            .ok_or_else(|| invalid("not a normsearch word table (wrong magic bytes)".into()))?;
        let (version, mut rest) = rest
            .split_first_chunk::<4>()
            .ok_or_else(|| invalid("truncated word table header".into()))?;
        let version = u32::from_le_bytes(*version);
        if version != VERSION {
            return Err(invalid(format!(
                "word table format version {version}, this program reads version {VERSION}: rebuild the index"
            )));
        }
        let mut next = |what: &str| -> io::Result<u64> {
            get_varint(&mut rest).ok_or_else(|| invalid(format!("truncated word table ({what})")))
        };
        let passages = next("passage count")?;
        let count = next("word count")? as usize;
        let mut df = HashMap::with_capacity(count.min(bytes.len() / 2));
        let mut key = 0u64;
        for i in 0..count {
            let delta = next("word")?;
            if i > 0 && delta == 0 {
                return Err(invalid("word table keys out of order".into()));
            }
            key = key
                .checked_add(delta)
                .ok_or_else(|| invalid("word table key out of range".into()))?;
            let n = u32::try_from(next("frequency")?)
                .ok()
                .filter(|&n| n >= 1 && u64::from(n) <= passages)
                .ok_or_else(|| invalid("word table frequency out of range".into()))?;
            df.insert(key, n);
        }
        if !rest.is_empty() {
            return Err(invalid("trailing bytes after the word table".into()));
        }
        let mut stats = WordStats {
            passages,
            df,
            mean_idf: 0.0,
        };
        stats.finish();
        Ok(stats)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reuse::words::key_of;

    fn stats() -> WordStats {
        let mut s = WordStats::default();
        for i in 0..100 {
            let mut words = vec!["the", "of", "information"];
            if i % 10 == 0 {
                words.push("knowingly");
            }
            if i == 7 {
                words.push("offline");
            }
            s.add_passage(words.into_iter().map(key_of));
        }
        s.finish();
        s
    }

    #[test]
    fn common_words_weigh_little_rare_ones_more_and_capped() {
        let s = stats();
        assert!(s.weight(key_of("the")) < 0.01);
        assert!(s.weight(key_of("information")) < 0.01);
        assert!(s.weight(key_of("knowingly")) > 0.99);
        assert_eq!(s.weight(key_of("offline")), MAX_WEIGHT);
        assert_eq!(s.weight(key_of("never-seen")), MAX_WEIGHT);
        assert_eq!(WordStats::default().weight(key_of("the")), 1.0);
    }

    #[test]
    fn counts_merge_and_round_trip() {
        let mut a = WordStats::default();
        a.add_passage([1, 2, 2, 3]);
        let mut b = WordStats::default();
        b.add_passage([3, 4]);
        a.merge(b);
        a.finish();
        assert_eq!(a.passages(), 2);
        assert_eq!(
            a,
            WordStats::from_doc_freqs(2, [(1, 1), (2, 1), (3, 2), (4, 1)])
        );
        let mut bytes = Vec::new();
        a.write_to(&mut bytes).unwrap();
        assert_eq!(WordStats::read_from(&bytes).unwrap(), a);
        for cut in 0..bytes.len() {
            assert!(WordStats::read_from(&bytes[..cut]).is_err());
        }
        let mut bad = bytes.clone();
        bad.push(1);
        assert!(WordStats::read_from(&bad).is_err());
    }
}
