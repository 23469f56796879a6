//! The best passages for an exact phrase without checking the phrase in
//! every passage that holds its words.
//!
//! tantivy ranks a phrase by visiting every passage holding all its words
//! and counting the phrase's occurrences there from their positions: on a
//! large corpus, most of a phrase query's time. But a passage cannot hold
//! the phrase more often than it holds the phrase's rarest word, and BM25
//! grows with the count: the score the phrase would get if it occurred as
//! often as that word bounds its real score. That bound costs a term
//! frequency and a field norm, both at hand while reading the rarest word's
//! postings; once `k` passages are found, a passage whose bound cannot beat
//! the k-th is passed over without reading a position.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use tantivy::query::{Bm25Weight, EnableScoring, PhraseQuery, Query as _};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocSet, Score, Searcher, Term};

/// The `k` best passages for the exact phrase `terms` (in order, adjacent)
/// by its BM25 score, best first: the passages and scores `TopDocs` over a
/// [`PhraseQuery`] finds, ties going to the earlier passage.
pub(super) fn top_phrase(
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
    let weight =
        PhraseQuery::new(terms.to_vec()).weight(EnableScoring::enabled_from_searcher(searcher))?;
    // The phrase's own BM25 weight: the bound is its score at the rarest
    // word's frequency.
    let bm25 = Bm25Weight::for_terms(searcher, terms)?;
    let mut rarest = first;
    let mut fewest = u64::MAX;
    for term in terms {
        let n = searcher.doc_freq(term)?;
        if n < fewest {
            (rarest, fewest) = (term, n);
        }
    }

    // The worst of the best `k` on top.
    let mut best: BinaryHeap<Reverse<Ranked>> = BinaryHeap::with_capacity(k + 1);
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let Some(mut postings) = reader
            .inverted_index(field)?
            .read_block_postings(rarest, IndexRecordOption::WithFreqs)?
        else {
            continue;
        };
        let norms = reader.get_fieldnorms_reader(field)?;
        let mut phrase = weight.scorer(reader, 1.0)?;
        loop {
            let docs = postings.docs();
            if docs.is_empty() {
                break;
            }
            for (i, &doc) in docs.iter().enumerate() {
                if best.len() == k {
                    let bound = bm25.score(norms.fieldnorm_id(doc), postings.freq(i));
                    // A tie goes to the passage found first.
                    if bound <= best.peek().map_or(Score::MIN, |w| w.0.score) {
                        continue;
                    }
                }
                if reader.is_deleted(doc) {
                    continue;
                }
                // Forward only: the scorer may already be past `doc`.
                if phrase.doc() < doc {
                    phrase.seek(doc);
                }
                if phrase.doc() != doc {
                    continue;
                }
                best.push(Reverse(Ranked {
                    score: phrase.score(),
                    address: DocAddress::new(ord as u32, doc),
                }));
                if best.len() > k {
                    best.pop();
                }
            }
            postings.advance();
        }
    }
    let mut out: Vec<(Score, DocAddress)> = best
        .into_iter()
        .map(|Reverse(r)| (r.score, r.address))
        .collect();
    out.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    Ok(out)
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
