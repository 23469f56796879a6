//! The passages reuse is looked for in, and the searches over them:
//! [`Library::trace`] (a formulation's lineage) and [`Library::similar`].
//!
//! Input: a table of [`Passage`]s (id, document, date, text) and their
//! [`SignatureIndex`] — built here ([`Library::build`]) or read back from
//! the index folder ([`Library::new`]). Output: [`Trace`]s and
//! [`SimilarPassage`]s, serde records ready for JSON.
//!
//! How a search runs: the query's shingle hashes (all of them, not only
//! the winnowed ones, so that any passage whose kept hash lies in a shared
//! run is met) are looked up in the table; passages are ranked by the
//! rarity of the hashes they share (a hash held by few passages counts
//! more), the best [`ReuseOptions::max_candidates`] are aligned word by
//! word, and those sharing at least [`ReuseOptions::min_words`] matched
//! words, of which enough are not common, are kept.
//!
//! Refused: a table whose signatures do not match the passages
//! ([`Library::new`]), an unknown passage id.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::align::{diff, local_alignment, with_ends, Alignment, Edit, MAX_WORDS};
use super::signature::{shingle_hashes, Params, Signature, SignatureIndex};
use super::stats::WordStats;
use super::words::{char_offsets, Words};
use super::ReuseOptions;
use crate::corpus::PartialDate;
use crate::lexicon::{Analysis, Lexicon};

/// One passage as reuse detection needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passage {
    /// The passage id (`doc:n`).
    pub id: String,
    /// The document id.
    pub doc: String,
    /// The document's date.
    pub date: PartialDate,
    /// The passage text.
    pub text: String,
}

/// Where a [`Library`] reads passage texts: kept in memory
/// ([`Library::build`]), or read from the index's store on demand (only
/// the passages a search aligns are read).
pub trait PassageTexts: Send + Sync {
    /// The text of passage number `passage` (its place in the table).
    fn text(&self, passage: u32) -> Result<String, ReuseError>;
}

impl PassageTexts for Vec<String> {
    fn text(&self, passage: u32) -> Result<String, ReuseError> {
        self.get(passage as usize)
            .cloned()
            .ok_or_else(|| ReuseError::Read(format!("no passage number {passage}")))
    }
}

/// One passage of the table, without its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassageInfo {
    /// The passage id (`doc:n`).
    pub id: String,
    /// The document id.
    pub doc: String,
    /// The document's date.
    pub date: PartialDate,
}

/// Passages and their signature table.
pub struct Library {
    lexicon: Lexicon,
    passages: Vec<PassageInfo>,
    texts: Box<dyn PassageTexts>,
    /// Document number of each passage (distinct documents, numbered in
    /// order of first appearance).
    doc_of: Vec<u32>,
    by_id: HashMap<String, u32>,
    index: SignatureIndex,
    stats: WordStats,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library")
            .field("passages", &self.passages.len())
            .field("hashes", &self.index.distinct_hashes())
            .finish()
    }
}

/// Why a [`Library`] cannot be made or a passage cannot be traced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReuseError {
    /// The signature table was built for another set of passages.
    #[error(
        "the reuse table holds {table} passages but the index has {passages}: rebuild the index"
    )]
    Mismatch {
        /// Passages in the table.
        table: usize,
        /// Passages given.
        passages: usize,
    },
    /// No passage has this id.
    #[error("no passage {0:?} (use an id as search prints it, e.g. usa-2011:12)")]
    UnknownPassage(String),
    /// A passage text could not be read from the index.
    #[error("cannot read a passage text from the index: {0}")]
    Read(String),
}

/// A formulation's lineage: every passage sharing wording with the traced
/// text, earliest document first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// The text traced (the passage's text when a passage was traced).
    pub query: String,
    /// The passage traced, when one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_id: Option<String>,
    /// The least number of matched words that counts as shared wording.
    pub min_words: usize,
    /// Passages aligned with the query.
    pub aligned: usize,
    /// Whether more passages shared hashes with the query than were
    /// aligned ([`ReuseOptions::max_candidates`]): later entries may be
    /// missing.
    pub truncated: bool,
    /// The query's distinct shingles (runs of [`Params::shingle`] words).
    pub shingles: usize,
    /// How many of them are stock phrases, held by more than
    /// [`ReuseOptions::max_postings`] passages, and not traced.
    pub stock_shingles: usize,
    /// The versions, by document date (then document id, then passage
    /// order): the earliest appearance first.
    pub entries: Vec<TraceEntry>,
}

/// One version of a formulation in a [`Trace`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceEntry {
    /// The passage id.
    pub id: String,
    /// Its document.
    pub doc: String,
    /// The document's date.
    pub date: PartialDate,
    /// Whether this is the passage traced.
    pub is_query: bool,
    /// The aligned span, `[start, end)` in characters of the passage text.
    pub span: [usize; 2],
    /// The span it aligns with in the query, in characters of the query.
    pub query_span: [usize; 2],
    /// The aligned span as written.
    pub text: String,
    /// Words of the span matched with the query.
    pub matched_words: usize,
    /// Dice similarity of the span and the query's span (0–1).
    pub similarity: f64,
    /// The earlier version this one is closest to, and what changed since;
    /// `None` for a first appearance (no earlier passage of another
    /// document shares enough of its wording).
    pub earlier: Option<EarlierVersion>,
}

/// The version a [`TraceEntry`] is compared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EarlierVersion {
    /// Its passage id.
    pub id: String,
    /// Its document's date.
    pub date: PartialDate,
    /// Dice similarity of the two aligned spans.
    pub similarity: f64,
    /// Words matched between them.
    pub matched_words: usize,
    /// The word diff from it to this entry (offsets: `earlier` into its
    /// text, `later` into this entry's).
    pub edits: Vec<Edit>,
}

/// A passage like a given one ([`Library::similar`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimilarPassage {
    /// The passage id.
    pub id: String,
    /// Its document.
    pub doc: String,
    /// The document's date.
    pub date: PartialDate,
    /// Whether it shares wording (at least `min_words` matched words) with
    /// the given passage; if not, it shares only shorter runs of rare
    /// words.
    pub shared_wording: bool,
    /// The span shared, in characters of its text.
    pub span: [usize; 2],
    /// The span as written.
    pub text: String,
    /// Words matched.
    pub matched_words: usize,
    /// Dice similarity of the aligned spans (0–1).
    pub similarity: f64,
    /// Sum of the rarity weights of the shingles shared.
    pub rarity: f64,
}

/// A passage met by a search, before alignment.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    passage: u32,
    rarity: f64,
}

/// An aligned passage, with the span in both.
#[derive(Debug, Clone)]
pub(super) struct Aligned {
    pub passage: u32,
    pub text: String,
    pub words: Words,
    /// `a` is the query's side, `b` the passage's.
    pub alignment: Alignment,
}

impl Library {
    /// Passages, the signature table and the word statistics built from
    /// them (in parallel).
    pub fn build(lexicon: Lexicon, passages: Vec<Passage>, params: Params) -> Library {
        let (signatures, stats): (Vec<Signature>, Vec<WordStats>) = passages
            .par_iter()
            .map_init(Analysis::default, |analysis, p| {
                lexicon.analyze_into(&p.text, analysis);
                let words = Words::from_tokens(analysis.stemmed());
                let mut stats = WordStats::default();
                stats.add_passage(words.keys());
                (Signature::of_words(params, &words), stats)
            })
            .unzip();
        let mut stats = stats
            .into_par_iter()
            .reduce(WordStats::default, |mut a, b| {
                a.merge(b);
                a
            });
        stats.finish();
        let index = SignatureIndex::build(params, &signatures);
        let (infos, texts): (Vec<PassageInfo>, Vec<String>) = passages
            .into_iter()
            .map(|p| {
                (
                    PassageInfo {
                        id: p.id,
                        doc: p.doc,
                        date: p.date,
                    },
                    p.text,
                )
            })
            .unzip();
        Library::assemble(lexicon, infos, Box::new(texts), index, stats)
    }

    /// Passages, and a table and word statistics read back from the index
    /// folder; `passages[i]` must be the passage whose signature was given
    /// `i`-th to [`SignatureIndex::build`].
    pub fn new(
        lexicon: Lexicon,
        passages: Vec<PassageInfo>,
        texts: Box<dyn PassageTexts>,
        index: SignatureIndex,
        stats: WordStats,
    ) -> Result<Library, ReuseError> {
        if index.passages() != passages.len() {
            return Err(ReuseError::Mismatch {
                table: index.passages(),
                passages: passages.len(),
            });
        }
        Ok(Library::assemble(lexicon, passages, texts, index, stats))
    }

    fn assemble(
        lexicon: Lexicon,
        passages: Vec<PassageInfo>,
        texts: Box<dyn PassageTexts>,
        index: SignatureIndex,
        stats: WordStats,
    ) -> Library {
        let mut docs: HashMap<&str, u32> = HashMap::new();
        let doc_of = passages
            .iter()
            .map(|p| {
                let next = docs.len() as u32;
                *docs.entry(p.doc.as_str()).or_insert(next)
            })
            .collect();
        let by_id = passages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i as u32))
            .collect();
        Library {
            lexicon,
            passages,
            texts,
            doc_of,
            by_id,
            index,
            stats,
        }
    }

    /// The word statistics rarity is weighed with.
    pub fn stats(&self) -> &WordStats {
        &self.stats
    }

    fn weigh(&self) -> impl Fn(u64) -> f64 + '_ {
        |k| self.stats.weight(k)
    }

    /// The best alignment of `query` (whose sorted shingle hashes are
    /// `hashes`) with `other`, looked for only around the shingles they
    /// share, on both sides: a long query or passage costs no more than a
    /// short one.
    fn align_near(&self, query: &[u64], _hashes: &[u32], other: &Words) -> Option<Alignment> {
        let keys: Vec<u64> = other.keys().take(MAX_WORDS).collect();
        self.align_keys_near(query, &keys)
    }

    /// The best alignment of two passages, looked for only where they
    /// share shingles (with room either side for changed words): what
    /// clustering aligns, many times over.
    pub(super) fn align_pair(&self, a: &Words, b: &Words) -> Option<Alignment> {
        let ka: Vec<u64> = a.keys().take(MAX_WORDS).collect();
        let kb: Vec<u64> = b.keys().take(MAX_WORDS).collect();
        self.align_keys_near(&ka, &kb)
    }

    /// [`align_pair`](Self::align_pair) on word keys.
    ///
    /// Why windows on both sides: Smith–Waterman costs the product of the
    /// two lengths; a 150-word passage traced against 300 candidates of
    /// 300 words each is 13 million cells, where the shared runs and 16
    /// words either side are a few thousand per candidate. Measured on the
    /// 100 MB generated corpus, aligning whole passages was most of a
    /// trace's time.
    fn align_keys_near(&self, ka: &[u64], kb: &[u64]) -> Option<Alignment> {
        // Room either side of the shared shingles: an alignment runs on
        // through changed words only while matches keep coming.
        const REACH: usize = 16;
        let k = self.index.params().shingle;
        let ka = &ka[..ka.len().min(MAX_WORDS)];
        let kb = &kb[..kb.len().min(MAX_WORDS)];
        let (mut ha, mut hb) = (Vec::new(), Vec::new());
        shingle_hashes(k, ka, &mut ha);
        shingle_hashes(k, kb, &mut hb);
        let mut sorted_b: Vec<(u32, usize)> = hb.iter().copied().zip(0..).collect();
        sorted_b.sort_unstable();
        let (mut a_lo, mut a_hi, mut b_lo, mut b_hi) = (usize::MAX, 0, usize::MAX, 0);
        for (i, h) in ha.iter().enumerate() {
            let from = sorted_b.partition_point(|(x, _)| x < h);
            for &(_, j) in sorted_b[from..].iter().take_while(|(x, _)| x == h) {
                (a_lo, a_hi) = (a_lo.min(i), a_hi.max(i + k));
                (b_lo, b_hi) = (b_lo.min(j), b_hi.max(j + k));
            }
        }
        if a_lo == usize::MAX {
            return None;
        }
        let ra = a_lo.saturating_sub(REACH)..(a_hi + REACH).min(ka.len());
        let rb = b_lo.saturating_sub(REACH)..(b_hi + REACH).min(kb.len());
        let mut al = local_alignment(&ka[ra.clone()], &kb[rb.clone()], &self.weigh())?;
        al.a = (al.a.0 + ra.start, al.a.1 + ra.start);
        al.b = (al.b.0 + rb.start, al.b.1 + rb.start);
        Some(with_ends(al, ka.len(), kb.len()))
    }

    /// The alignment of two versions' spans (each with a few words either
    /// side), offsets in their whole passages.
    fn align_spans(
        &self,
        a: &Words,
        (a0, a1): (usize, usize),
        b: &Words,
        (b0, b1): (usize, usize),
    ) -> Option<Alignment> {
        const MARGIN: usize = 4;
        let ka: Vec<u64> = a.keys().take(MAX_WORDS).collect();
        let kb: Vec<u64> = b.keys().take(MAX_WORDS).collect();
        let ra = a0.saturating_sub(MARGIN).min(ka.len())..(a1 + MARGIN).min(ka.len());
        let rb = b0.saturating_sub(MARGIN).min(kb.len())..(b1 + MARGIN).min(kb.len());
        let mut al = local_alignment(&ka[ra.clone()], &kb[rb.clone()], &self.weigh())?;
        al.a = (al.a.0 + ra.start, al.a.1 + ra.start);
        al.b = (al.b.0 + rb.start, al.b.1 + rb.start);
        Some(with_ends(al, ka.len(), kb.len()))
    }

    /// The passages, in table order (without their texts).
    pub fn passages(&self) -> &[PassageInfo] {
        &self.passages
    }

    /// A passage with its text.
    pub fn passage(&self, id: &str) -> Result<Passage, ReuseError> {
        let at = self.position(id)?;
        let info = &self.passages[at];
        Ok(Passage {
            id: info.id.clone(),
            doc: info.doc.clone(),
            date: info.date,
            text: self.texts.text(at as u32)?,
        })
    }

    /// The signature table.
    pub fn index(&self) -> &SignatureIndex {
        &self.index
    }

    /// The lexicon words are normalised with.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The table position of a passage id.
    pub fn position(&self, id: &str) -> Result<usize, ReuseError> {
        self.by_id
            .get(id)
            .map(|&i| i as usize)
            .ok_or_else(|| ReuseError::UnknownPassage(id.to_string()))
    }

    pub(super) fn doc_number(&self, passage: u32) -> u32 {
        self.doc_of[passage as usize]
    }

    /// A passage's text and words.
    pub(super) fn words_of(&self, passage: u32) -> Result<(String, Words), ReuseError> {
        self.words_with(passage, &mut Analysis::default())
    }

    /// [`words_of`](Self::words_of) with the lexicon's buffers reused from
    /// one passage to the next (one per rayon worker, by `map_init`).
    pub(super) fn words_with(
        &self,
        passage: u32,
        analysis: &mut Analysis,
    ) -> Result<(String, Words), ReuseError> {
        let text = self.texts.text(passage)?;
        self.lexicon.analyze_into(&text, analysis);
        let words = Words::from_tokens(analysis.stemmed());
        Ok((text, words))
    }

    /// Rarity weight of a hash held by `held` passages: its inverse
    /// document frequency, `ln(1 + N / held)`.
    pub(super) fn rarity(&self, held: usize) -> f64 {
        (1.0 + self.passages.len() as f64 / held.max(1) as f64).ln()
    }

    /// Passages sharing shingle hashes with `words`, rarest-sharing first,
    /// leaving out the document of passage `query` (a document repeating
    /// its own text is not reuse); whether there were more than
    /// `options.max_candidates`; and how many of the hashes were
    /// stop-shingles, held by more than `options.max_postings` passages and
    /// not looked up.
    ///
    /// Why stop-shingles here too: a run of words held by hundreds of
    /// passages is a stock phrase of the collection (or, in a templated or
    /// generated one, its every run), and aligning each of its holders
    /// costs the search its speed and the lineage its meaning.
    fn candidates(
        &self,
        hashes: &[u32],
        query: Option<u32>,
        options: &ReuseOptions,
    ) -> (Vec<Candidate>, bool, usize) {
        let max = options.max_candidates;
        // A dense score per passage: a common hash's passages are counted
        // at the cost of one addition each.
        let mut score = vec![0f32; self.passages.len()];
        let mut stock = 0;
        for &h in hashes {
            let held = self.index.postings(h);
            if held.len() > options.max_postings {
                stock += 1;
                continue;
            }
            let w = self.rarity(held.len()) as f32;
            for &p in held {
                score[p as usize] += w;
            }
        }
        let own_doc = query.map(|q| self.doc_number(q));
        let mut out: Vec<Candidate> = score
            .iter()
            .enumerate()
            .filter(|&(p, &s)| s > 0.0 && Some(self.doc_of[p]) != own_doc)
            .map(|(p, &s)| Candidate {
                passage: p as u32,
                rarity: f64::from(s),
            })
            .collect();
        let by_rarity = |a: &Candidate, b: &Candidate| {
            b.rarity
                .total_cmp(&a.rarity)
                .then(a.passage.cmp(&b.passage))
        };
        let truncated = out.len() > max;
        if truncated && max > 0 {
            out.select_nth_unstable_by(max - 1, by_rarity);
        }
        out.truncate(max);
        out.sort_unstable_by(by_rarity);
        (out, truncated, stock)
    }

    /// A query's keys (its first [`MAX_WORDS`]) and their sorted,
    /// distinct shingle hashes.
    fn query_hashes(&self, words: &Words) -> (Vec<u64>, Vec<u32>) {
        let keys: Vec<u64> = words.keys().take(MAX_WORDS).collect();
        let mut hashes = Vec::new();
        shingle_hashes(self.index.params().shingle, &keys, &mut hashes);
        hashes.sort_unstable();
        hashes.dedup();
        (keys, hashes)
    }

    /// Aligns `query` with each candidate, in parallel, keeping those that
    /// pass the options' thresholds.
    fn align_candidates(
        &self,
        query: &[u64],
        hashes: &[u32],
        candidates: &[Candidate],
        options: &ReuseOptions,
    ) -> Result<Vec<Aligned>, ReuseError> {
        let found: Vec<Option<Aligned>> = candidates
            .par_iter()
            .map_init(Analysis::default, |analysis, c| {
                let (text, words) = self.words_with(c.passage, analysis)?;
                let Some(alignment) = self.align_near(query, hashes, &words) else {
                    return Ok(None);
                };
                Ok(options.accepts(&alignment).then_some(Aligned {
                    passage: c.passage,
                    text,
                    words,
                    alignment,
                }))
            })
            .collect::<Result<_, ReuseError>>()?;
        Ok(found.into_iter().flatten().collect())
    }

    /// The lineage of a text: every passage sharing at least
    /// `options.min_words` matched words with it, earliest first.
    pub fn trace(&self, text: &str, options: &ReuseOptions) -> Result<Trace, ReuseError> {
        let words = Words::new(&self.lexicon, text);
        self.trace_words(text, &words, None, options)
    }

    /// The lineage of a passage: it and every passage sharing wording
    /// with it, earliest first.
    pub fn trace_passage(&self, id: &str, options: &ReuseOptions) -> Result<Trace, ReuseError> {
        let at = self.position(id)? as u32;
        let (text, words) = self.words_of(at)?;
        self.trace_words(&text, &words, Some(at), options)
    }

    fn trace_words(
        &self,
        text: &str,
        words: &Words,
        query: Option<u32>,
        options: &ReuseOptions,
    ) -> Result<Trace, ReuseError> {
        let (keys, hashes) = self.query_hashes(words);
        let (candidates, truncated, stock) = self.candidates(&hashes, query, options);
        let mut found = self.align_candidates(&keys, &hashes, &candidates, options)?;
        let aligned = candidates.len();
        if let Some(q) = query {
            // The traced passage's span: what the others share of it (the
            // whole passage when none does).
            let (from, to) = found
                .iter()
                .map(|f| f.alignment.a)
                .reduce(|x, y| (x.0.min(y.0), x.1.max(y.1)))
                .unwrap_or((0, words.len()));
            found.push(Aligned {
                passage: q,
                text: text.to_string(),
                words: words.clone(),
                alignment: Alignment {
                    a: (from, to),
                    b: (from, to),
                    matched: to - from,
                    weight: words.as_slice()[from..to]
                        .iter()
                        .map(|w| self.stats.weight(w.key))
                        .sum(),
                    score: 0,
                },
            });
        }
        found.sort_by(|x, y| self.chronological(x.passage, y.passage));
        let earlier = self.earlier_versions(&found, options);
        let entries = found
            .iter()
            .zip(earlier)
            .map(|(f, earlier)| {
                let p = &self.passages[f.passage as usize];
                let own = f.words.byte_range(f.alignment.b.0, f.alignment.b.1);
                let in_query = words.byte_range(f.alignment.a.0, f.alignment.a.1);
                let chars = char_offsets(&f.text, &[own.start, own.end]);
                let query_chars = char_offsets(text, &[in_query.start, in_query.end]);
                TraceEntry {
                    id: p.id.clone(),
                    doc: p.doc.clone(),
                    date: p.date,
                    is_query: Some(f.passage) == query,
                    span: [chars[0], chars[1]],
                    query_span: [query_chars[0], query_chars[1]],
                    text: f.text[own].to_string(),
                    matched_words: f.alignment.matched,
                    similarity: f.alignment.similarity(),
                    earlier,
                }
            })
            .collect();
        Ok(Trace {
            query: text.to_string(),
            query_id: query.map(|q| self.passages[q as usize].id.clone()),
            min_words: options.min_words,
            aligned,
            truncated,
            stock_shingles: stock,
            shingles: hashes.len(),
            entries,
        })
    }

    /// Date, then document id, then table order: the lineage's order.
    pub(super) fn chronological(&self, a: u32, b: u32) -> std::cmp::Ordering {
        let (pa, pb) = (&self.passages[a as usize], &self.passages[b as usize]);
        pa.date
            .cmp(&pb.date)
            .then_with(|| pa.doc.cmp(&pb.doc))
            .then(a.cmp(&b))
    }

    /// For each version (in lineage order), the most similar earlier
    /// version of another document that shares enough wording with it.
    ///
    /// Why the most similar rather than the one just before: a text copied
    /// from the original and another copied from a copy both descend from
    /// something; the closest earlier wording is the likeliest parent, and
    /// its diff shows only what this version changed.
    fn earlier_versions(
        &self,
        found: &[Aligned],
        options: &ReuseOptions,
    ) -> Vec<Option<EarlierVersion>> {
        // Compared with at most this many earlier versions: those whose
        // spans overlap its own most in the query, then the closest to the
        // query (an alignment each; the choice among them is by similarity).
        const MAX_PARENTS: usize = 3;
        (0..found.len())
            .into_par_iter()
            .map(|i| {
                let me = &found[i];
                let doc = self.doc_number(me.passage);
                let mut parents: Vec<(usize, usize)> = found[..i]
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| self.doc_number(f.passage) != doc)
                    .map(|(j, f)| {
                        let overlap = me
                            .alignment
                            .a
                            .1
                            .min(f.alignment.a.1)
                            .saturating_sub(me.alignment.a.0.max(f.alignment.a.0));
                        (j, overlap)
                    })
                    .filter(|&(_, overlap)| overlap > 0)
                    .collect();
                parents.sort_by(|x, y| {
                    y.1.cmp(&x.1)
                        .then_with(|| {
                            found[y.0]
                                .alignment
                                .similarity()
                                .total_cmp(&found[x.0].alignment.similarity())
                        })
                        .then(y.0.cmp(&x.0))
                });
                parents.truncate(MAX_PARENTS);
                let best = parents
                    .into_iter()
                    .filter_map(|(j, _)| {
                        let parent = &found[j];
                        let al = self.align_spans(
                            &parent.words,
                            parent.alignment.b,
                            &me.words,
                            me.alignment.b,
                        )?;
                        options.accepts(&al).then_some((j, al))
                    })
                    .max_by(|(j1, a1), (j2, a2)| {
                        a1.similarity()
                            .total_cmp(&a2.similarity())
                            .then(a1.matched.cmp(&a2.matched))
                            .then(j2.cmp(j1))
                    })?;
                let (j, al) = best;
                let parent = &self.passages[found[j].passage as usize];
                Some(EarlierVersion {
                    id: parent.id.clone(),
                    date: parent.date,
                    similarity: al.similarity(),
                    matched_words: al.matched,
                    edits: diff(&found[j].text, &found[j].words, &me.text, &me.words, &al),
                })
            })
            .collect()
    }

    /// The passages most like passage `id`: first those sharing wording
    /// with it (by similarity, then matched words), then those sharing only
    /// shorter runs (by the rarity of the shingles shared), at most
    /// `limit`. Passages of its own document are left out.
    pub fn similar(
        &self,
        id: &str,
        limit: usize,
        options: &ReuseOptions,
    ) -> Result<Vec<SimilarPassage>, ReuseError> {
        let at = self.position(id)? as u32;
        let (_, words) = self.words_of(at)?;
        let (keys, hashes) = self.query_hashes(&words);
        let (candidates, _, _) = self.candidates(&hashes, Some(at), options);
        let found: Vec<Option<SimilarPassage>> = candidates
            .par_iter()
            .map_init(Analysis::default, |analysis, c| {
                let (text, other) = self.words_with(c.passage, analysis)?;
                let Some(al) = self.align_near(&keys, &hashes, &other) else {
                    return Ok(None);
                };
                let p = &self.passages[c.passage as usize];
                let own = other.byte_range(al.b.0, al.b.1);
                let chars = char_offsets(&text, &[own.start, own.end]);
                Ok(Some(SimilarPassage {
                    id: p.id.clone(),
                    doc: p.doc.clone(),
                    date: p.date,
                    shared_wording: options.accepts(&al),
                    span: [chars[0], chars[1]],
                    text: text[own].to_string(),
                    matched_words: al.matched,
                    similarity: al.similarity(),
                    rarity: c.rarity,
                }))
            })
            .collect::<Result<_, ReuseError>>()?;
        let mut out: Vec<SimilarPassage> = found.into_iter().flatten().collect();
        out.sort_by(|a, b| {
            b.shared_wording
                .cmp(&a.shared_wording)
                .then_with(|| {
                    if a.shared_wording {
                        b.similarity
                            .total_cmp(&a.similarity)
                            .then(b.matched_words.cmp(&a.matched_words))
                    } else {
                        b.rarity.total_cmp(&a.rarity)
                    }
                })
                .then_with(|| a.id.cmp(&b.id))
        });
        out.truncate(limit);
        Ok(out)
    }
}
