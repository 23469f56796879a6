//! A phrase query that never sees a backward seek.
//!
//! tantivy 0.27 may ask a phrase scorer to seek to a document before the one
//! it stands on: a query excluding a phrase (`-"critical information
//! infrastructure"`, or `-CII`, which expands to that phrase) asks, passage
//! by passage, whether each is excluded, while the phrase's scorer may
//! already stand further on (on its first match, or where its first word
//! next occurs). The phrase scorer
//! asserts against that in debug builds (tantivy issue #2811) and, in release
//! builds, relies on it never happening. [`ForwardOnly`] answers such a seek
//! itself, from where the scorer stands, and passes every other call through:
//! results are the same, only the backward seek is never made.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, Term};

/// `query`, whose scorers answer backward seeks themselves.
pub(crate) struct ForwardOnly(pub(crate) Box<dyn Query>);

impl Clone for ForwardOnly {
    fn clone(&self) -> Self {
        ForwardOnly(self.0.box_clone())
    }
}

impl std::fmt::Debug for ForwardOnly {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ForwardOnly({:?})", self.0)
    }
}

impl Query for ForwardOnly {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ForwardOnlyWeight(self.0.weight(enable_scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct ForwardOnlyWeight(Box<dyn Weight>);

impl Weight for ForwardOnlyWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ForwardOnlyScorer {
            inner: self.0.scorer(reader, boost)?,
            in_danger: false,
        }))
    }

    // Passed through, so that a phrase made for a passage (in an
    // intersection, or asked about one passage) checks that passage
    // instead of scanning from the first passage to its first match.
    fn scorer_danger(
        &self,
        reader: &SegmentReader,
        target: DocId,
        boost: Score,
    ) -> tantivy::Result<(SeekDangerResult, Box<dyn Scorer>)> {
        let (result, inner) = self.0.scorer_danger(reader, target, boost)?;
        let in_danger = result != SeekDangerResult::Found;
        Ok((result, Box::new(ForwardOnlyScorer { inner, in_danger })))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.0.count(reader)
    }
}

struct ForwardOnlyScorer {
    inner: Box<dyn Scorer>,
    /// The last `seek_danger` missed: the inner scorer may stand anywhere
    /// and takes only forward `seek_danger` calls until one finds.
    in_danger: bool,
}

impl DocSet for ForwardOnlyScorer {
    fn advance(&mut self) -> DocId {
        self.in_danger = false;
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let doc = self.inner.doc();
        if !self.in_danger && target <= doc {
            return doc;
        }
        self.in_danger = false;
        self.inner.seek(target)
    }

    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        let doc = self.inner.doc();
        // Nothing before `doc` can match: either the scorer stands on its
        // next match, or (after a miss) its first term's postings stand
        // there, and a passage without that word holds no phrase.
        if target < doc {
            return SeekDangerResult::SeekLowerBound(doc);
        }
        if target == doc && !self.in_danger {
            return SeekDangerResult::Found;
        }
        let result = self.inner.seek_danger(target);
        self.in_danger = result != SeekDangerResult::Found;
        result
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for ForwardOnlyScorer {
    fn score(&mut self) -> Score {
        self.inner.score()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::Count;
    use tantivy::query::{AllQuery, BooleanQuery, Occur, PhraseQuery};
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{doc, Index, IndexWriter};

    #[test]
    fn an_excluded_phrase_excludes_exactly_its_matches() {
        // The phrase's first match is far from the first document: the
        // exclusion's first question is a backward seek.
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for i in 0..200 {
            let body = if i % 50 == 49 {
                "critical information infrastructure"
            } else {
                "critical words about information and infrastructure"
            };
            writer.add_document(doc!(text => body)).unwrap();
        }
        writer.commit().unwrap();
        let terms = ["critical", "information", "infrastructure"]
            .iter()
            .map(|w| Term::from_field_text(text, w))
            .collect();
        let phrase = ForwardOnly(Box::new(PhraseQuery::new(terms)));
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.search(&phrase, &Count).unwrap(), 4);
        let all_but = BooleanQuery::new(vec![
            (Occur::Must, Box::new(AllQuery) as Box<dyn Query>),
            (Occur::MustNot, Box::new(phrase)),
        ]);
        assert_eq!(searcher.search(&all_but, &Count).unwrap(), 196);
    }
}
