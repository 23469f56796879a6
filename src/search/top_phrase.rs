//! The best passages for phrases, and for unions of words and phrases,
//! without checking a phrase in every passage that holds its words.
//!
//! tantivy ranks a phrase by visiting every passage holding all its words
//! and counting the phrase's occurrences there from their positions: on a
//! large corpus, most of a phrase query's time, and an acronym's too (it
//! stands for its spelled-out phrase). But a passage cannot hold the phrase
//! more often than it holds the phrase's rarest word, and BM25 grows with
//! the count: the score the phrase would get if it occurred as often as
//! that word bounds its real score. That bound costs a term frequency and
//! a field norm, both at hand while reading the rarest word's postings;
//! once `k` passages are found, a passage whose bound (summed over the
//! union's clauses) cannot beat the k-th is passed over without reading a
//! position.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::BlockSegmentPostings;
use tantivy::query::{Bm25Weight, EnableScoring, PhraseQuery, Query as _, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader, Term, TERMINATED};

/// A clause whose score the first pass can bound: a word, or an exact
/// phrase (its words in order, side by side), with its boost.
#[derive(Debug, Clone)]
pub(super) struct Bounded {
    /// The word, or the phrase's words.
    pub terms: Vec<Term>,
    /// What its score is multiplied by.
    pub boost: Score,
}

/// What a clause needs while a segment is read.
struct Clause<'a> {
    boost: Score,
    /// The clause's own BM25 weight (a phrase's sums its words' IDFs).
    bm25: Bm25Weight,
    /// The word whose postings drive the clause: itself, or the phrase's
    /// rarest.
    driver: &'a Term,
    /// The phrase query's weight; `None` for a word.
    phrase: Option<Box<dyn Weight>>,
}

/// A clause's driving postings in one segment.
struct Cursor<'a> {
    postings: BlockSegmentPostings,
    at: usize,
    norms: FieldNormReader,
    /// The phrase; `None` for a word.
    phrase: Option<PhraseAt<'a>>,
}

/// A phrase asked, passage by passage in increasing order, whether it
/// holds there. Each passage is checked alone: a `seek` would read the
/// positions of every passage holding the words up to the next match,
/// most of a concept name's cost in a union (`GGE`'s `group of
/// governmental experts`, in a corpus where the three words abound).
struct PhraseAt<'a> {
    weight: &'a dyn Weight,
    cursor: Option<super::plan::Cursor>,
}

impl PhraseAt<'_> {
    fn score(&mut self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Option<Score>> {
        match &mut self.cursor {
            Some(c) => Ok(c.at(doc)),
            None => {
                let (cursor, score) = super::plan::Cursor::open(self.weight, reader, doc)?;
                self.cursor = Some(cursor);
                Ok(score)
            }
        }
    }
}

impl Cursor<'_> {
    fn doc(&self) -> DocId {
        self.postings
            .docs()
            .get(self.at)
            .copied()
            .unwrap_or(TERMINATED)
    }

    fn advance(&mut self) {
        self.at += 1;
        if self.at >= self.postings.docs().len() && !self.postings.docs().is_empty() {
            self.postings.advance();
            self.at = 0;
        }
    }
}

/// The `k` best passages for the union of `clauses` (each passage scored
/// by the sum of the clauses it matches, times their boosts), best first:
/// the passages `TopDocs` over the same `BooleanQuery` of `Should` clauses
/// finds, ties going to the earlier passage (sums may differ from
/// tantivy's in the last bits: they are added in another order).
pub(super) fn top_union(
    searcher: &Searcher,
    clauses: &[Bounded],
    k: usize,
) -> tantivy::Result<Vec<(Score, DocAddress)>> {
    if k == 0 || clauses.iter().any(|c| c.terms.is_empty()) {
        return Ok(Vec::new());
    }
    // One phrase: its rarest word's postings block by block, with no
    // union to merge (a boost changes no order).
    if let [only] = clauses {
        if only.terms.len() > 1 {
            let found = top_phrase(searcher, &only.terms, k)?;
            return Ok(found
                .into_iter()
                .map(|(s, a)| (s * only.boost, a))
                .collect());
        }
    }
    let scoring = EnableScoring::enabled_from_searcher(searcher);
    let mut plan = Vec::with_capacity(clauses.len());
    for c in clauses {
        let driver = rarest(searcher, &c.terms)?;
        let phrase = match c.terms.len() {
            1 => None,
            _ => Some(guarded(&c.terms).weight(scoring)?),
        };
        plan.push(Clause {
            boost: c.boost,
            bm25: Bm25Weight::for_terms(searcher, &c.terms)?,
            driver,
            phrase,
        });
    }

    // The worst of the best `k` on top.
    let mut best = Best::new(k);
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let mut cursors: Vec<(usize, Cursor)> = Vec::with_capacity(plan.len());
        for (i, c) in plan.iter().enumerate() {
            let field = c.driver.field();
            let Some(postings) = reader
                .inverted_index(field)?
                .read_block_postings(c.driver, IndexRecordOption::WithFreqs)?
            else {
                continue;
            };
            let phrase = c.phrase.as_deref().map(|weight| PhraseAt {
                weight,
                cursor: None,
            });
            cursors.push((
                i,
                Cursor {
                    postings,
                    at: 0,
                    norms: reader.get_fieldnorms_reader(field)?,
                    phrase,
                },
            ));
        }
        loop {
            let doc = cursors
                .iter()
                .map(|(_, c)| c.doc())
                .min()
                .unwrap_or(TERMINATED);
            if doc == TERMINATED {
                break;
            }
            let here = |c: &Cursor| c.doc() == doc;
            let skip = best.worst().is_some_and(|worst| {
                let bound: Score = cursors
                    .iter()
                    .filter(|(_, c)| here(c))
                    .map(|(i, c)| {
                        let p = &plan[*i];
                        p.boost
                            * p.bm25
                                .score(c.norms.fieldnorm_id(doc), c.postings.freq(c.at))
                    })
                    .sum();
                // A tie goes to the passage found first.
                bound <= worst
            });
            let mut score: Option<Score> = None;
            for (i, c) in cursors.iter_mut().filter(|(_, c)| here(c)) {
                if !skip {
                    let p = &plan[*i];
                    let s = match &mut c.phrase {
                        None => Some(
                            p.bm25
                                .score(c.norms.fieldnorm_id(doc), c.postings.freq(c.at)),
                        ),
                        Some(phrase) => phrase.score(reader, doc)?,
                    };
                    if let Some(s) = s {
                        *score.get_or_insert(0.0) += p.boost * s;
                    }
                }
                c.advance();
            }
            if let Some(score) = score.filter(|_| !reader.is_deleted(doc)) {
                best.push(score, DocAddress::new(ord as u32, doc));
            }
        }
    }
    Ok(best.into_sorted())
}

/// The `k` best passages for the exact phrase `terms` (in order, adjacent)
/// by its BM25 score, best first: the passages and scores `TopDocs` over a
/// [`PhraseQuery`] finds, ties going to the earlier passage.
fn top_phrase(
    searcher: &Searcher,
    terms: &[Term],
    k: usize,
) -> tantivy::Result<Vec<(Score, DocAddress)>> {
    let Some(first) = terms.first() else {
        return Ok(Vec::new());
    };
    if k == 0 {
        return Ok(Vec::new());
    }
    let field = first.field();
    let weight = guarded(terms).weight(EnableScoring::enabled_from_searcher(searcher))?;
    // The phrase's own BM25 weight: the bound is its score at the rarest
    // word's frequency.
    let bm25 = Bm25Weight::for_terms(searcher, terms)?;
    let rarest = rarest(searcher, terms)?;

    // The worst of the best `k` on top.
    let mut best = Best::new(k);
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let Some(mut postings) = reader
            .inverted_index(field)?
            .read_block_postings(rarest, IndexRecordOption::WithFreqs)?
        else {
            continue;
        };
        let norms = reader.get_fieldnorms_reader(field)?;
        let mut phrase = PhraseAt {
            weight: weight.as_ref(),
            cursor: None,
        };
        loop {
            let docs = postings.docs();
            if docs.is_empty() {
                break;
            }
            for (i, &doc) in docs.iter().enumerate() {
                if let Some(worst) = best.worst() {
                    let bound = bm25.score(norms.fieldnorm_id(doc), postings.freq(i));
                    // A tie goes to the passage found first.
                    if bound <= worst {
                        continue;
                    }
                }
                if reader.is_deleted(doc) {
                    continue;
                }
                if let Some(score) = phrase.score(reader, doc)? {
                    best.push(score, DocAddress::new(ord as u32, doc));
                }
            }
            postings.advance();
        }
    }
    Ok(best.into_sorted())
}

/// The exact phrase `terms`, whose scorer answers a seek before where it
/// stands itself (see `seek_guard`).
fn guarded(terms: &[Term]) -> super::seek_guard::ForwardOnly {
    super::seek_guard::ForwardOnly(Box::new(PhraseQuery::new(terms.to_vec())))
}

/// The word of `terms` in the fewest passages: the one whose postings
/// bound a phrase most tightly and cost least to read.
fn rarest<'t>(searcher: &Searcher, terms: &'t [Term]) -> tantivy::Result<&'t Term> {
    let mut rarest = &terms[0];
    let mut fewest = u64::MAX;
    for term in terms {
        let n = searcher.doc_freq(term)?;
        if n < fewest {
            (rarest, fewest) = (term, n);
        }
    }
    Ok(rarest)
}

/// The best `k` passages found so far, the worst on top.
struct Best {
    k: usize,
    heap: BinaryHeap<Reverse<Ranked>>,
}

impl Best {
    fn new(k: usize) -> Best {
        Best {
            k,
            heap: BinaryHeap::with_capacity(k + 1),
        }
    }

    /// The score a passage must beat to get in, once `k` are in.
    fn worst(&self) -> Option<Score> {
        (self.heap.len() == self.k)
            .then(|| self.heap.peek().map(|w| w.0.score))
            .flatten()
    }

    fn push(&mut self, score: Score, address: DocAddress) {
        self.heap.push(Reverse(Ranked { score, address }));
        if self.heap.len() > self.k {
            self.heap.pop();
        }
    }

    /// Best first; ties, earlier passage first.
    fn into_sorted(self) -> Vec<(Score, DocAddress)> {
        let mut out: Vec<(Score, DocAddress)> = self
            .heap
            .into_iter()
            .map(|Reverse(r)| (r.score, r.address))
            .collect();
        out.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        out
    }
}

/// A passage and its score, greater when better: a higher score, or the
/// same score earlier in the index.
#[derive(Debug, Clone, Copy)]
struct Ranked {
    score: Score,
    address: DocAddress,
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then_with(|| other.address.cmp(&self.address))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked {}
