//! The plan: the expanded query as a tree of tantivy clauses, the first
//! pass's query (what must match, pruned by block-max WAND where tantivy
//! can), and the second pass that scores a pool of candidates with every
//! boost, reading each leaf's postings only at those candidates.

use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query as TantivyQuery, Weight};
use tantivy::{DocAddress, DocId, DocSet, Score, SeekDangerResult, SegmentReader};

use super::clauses::{filter_leaf, request_filters, Builder, Ranking};
use super::top_phrase::Bounded;
use super::{RankingFeatures, SearchRequest};
use crate::index::Index;
use crate::query::{Filter, Query};

/// The query as a tree both passes read: tantivy's boolean semantics (with
/// a `Must` clause, `Should` clauses only add to the score; without one, at
/// least one `Should` clause must match; scores add up), over leaves that
/// are tantivy queries.
pub(super) enum Clause {
    /// An index into [`Plan::leaves`].
    Leaf(usize),
    /// Clauses combined as a `BooleanQuery` combines them.
    Bool(Vec<(Occur, Clause)>),
    /// A quoted phrase and its near matches: where the exact clause
    /// matches, its score (an exact phrase hit); elsewhere the near
    /// clause's, if the plan falls back to near matches.
    Fallback {
        exact: Box<Clause>,
        near: Option<Box<Clause>>,
    },
}

/// A leaf of a [`Clause`] tree.
pub(super) struct Leaf {
    pub(super) query: Box<dyn TantivyQuery>,
    /// One term with frequencies (boosted or not): tantivy scores it with a
    /// term scorer, which block-max WAND can prune.
    pub(super) term: bool,
    /// Left out of [`Plan::ranking`]: a boost so close to another clause
    /// (the words with their endings, next to their stems) that the first
    /// pass would pay for a third posting list per word for little change.
    pub(super) late: bool,
    /// A word or an exact phrase, and its boost: a phrase's best passages
    /// (alone or in a union) can be found by [`top_union`] without reading
    /// every match's positions.
    pub(super) bounded: Option<Bounded>,
}

/// A built query: its tree and leaves.
pub(super) struct Plan {
    pub(super) root: Clause,
    pub(super) leaves: Vec<Leaf>,
    /// The weights.
    pub(super) rank: Ranking,
    /// A leaf matching the passages tagged with a theme the query names.
    pub(super) themed: Option<usize>,
    /// Whether the plan holds a phrase with its near matches.
    pub(super) falls_back: bool,
    /// Whether it also searches in other languages than the query's own
    /// (those matches are no exact phrase hits).
    pub(super) elsewhere: bool,
}

/// A passage's full score, and how many quoted phrases it holds exactly
/// (hits holding more rank first: exact phrase hits before near ones).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Scored {
    pub(super) score: Score,
    pub(super) exact_phrases: u32,
    /// Quoted phrases it holds only in a near form.
    pub(super) near_phrases: u32,
}

/// The first pass's query: the same matches as the plan, scored by what
/// must match alone.
pub(super) struct Recall {
    pub(super) query: Box<dyn TantivyQuery>,
    /// Whether it is one term scorer.
    pub(super) term: bool,
    /// Whether tantivy can prune it by block-max WAND (a term, or a union
    /// or intersection of terms), so that top-k does not visit every match.
    pub(super) prunable: bool,
    /// The clauses of the union of words and exact phrases it is, if it
    /// is one ([`Leaf::bounded`]).
    pub(super) union: Option<Vec<Bounded>>,
    /// Under filters: the scored union alone (which block-max WAND prunes)
    /// and the filters, for a first pass that ranks the words and leaves
    /// the filters to the second (see `run_plan`).
    pub(super) unfiltered: Option<Unfiltered>,
}

/// A first pass's scored union apart from the filters it runs under.
pub(super) struct Unfiltered {
    pub(super) union: Box<dyn TantivyQuery>,
    pub(super) filters: Vec<Box<dyn TantivyQuery>>,
}

impl Plan {
    /// The plan of an expanded query under the request's filters.
    /// `fallback`: whether quoted phrases also match their near forms;
    /// `themes`: the themes the query names, whose passages rank higher.
    pub(super) fn new(
        index: &Index,
        searcher: &tantivy::Searcher,
        request: &SearchRequest,
        query: &Query,
        features: RankingFeatures,
        fallback: bool,
        themes: &[String],
    ) -> Plan {
        let rank = Ranking::with(features);
        let mut builder = Builder {
            f: index.fields(),
            searcher,
            lexicon: index.lexicon(),
            exact: request.exact,
            rank,
            fallback,
            leaves: Vec::new(),
            home: super::clauses::home_language(searcher, index.fields(), &query.root),
            elsewhere: false,
            scope: request_filters(index.fields(), request),
        };
        let mut clauses = vec![(Occur::Must, builder.node(&query.root))];
        for filter in std::mem::take(&mut builder.scope) {
            clauses.push((Occur::Must, builder.leaf(filter, false)));
        }
        let themed = (rank.theme > 0.0 && !themes.is_empty() && !request.exact).then(|| {
            let any: Vec<(Occur, Box<dyn TantivyQuery>)> = themes
                .iter()
                .map(|t| {
                    (
                        Occur::Should,
                        filter_leaf(index.fields(), &Filter::Theme(t.clone())),
                    )
                })
                .collect();
            builder.leaves.push(Leaf {
                query: Box::new(BooleanQuery::new(any)),
                term: false,
                late: false,
                bounded: None,
            });
            builder.leaves.len() - 1
        });
        let root = Clause::Bool(clauses);
        let falls_back = root.falls_back();
        Plan {
            root,
            leaves: builder.leaves,
            rank,
            themed,
            falls_back,
            elsewhere: builder.elsewhere,
        }
    }

    pub(super) fn recall(&self) -> Recall {
        self.recall_of(&self.root)
    }

    /// A first-pass query that also scores the clauses that only add to
    /// the score, when they are terms (a word in the headings, with its
    /// ending, a stopword): the union of every term the query can score,
    /// under the request's filters, which block-max WAND prunes when there
    /// are no filters. Its score is the full score for a matching passage
    /// but for words side by side and the passage kind, so its best
    /// passages are the full ranking's. It also finds passages the query
    /// does not match (a word found in a heading only), which the second
    /// pass drops. `None` when a clause that decides matches is not a term
    /// (a phrase, a filter in the query, an exclusion): then the first pass
    /// ranks by [`Plan::recall`].
    pub(super) fn ranking(&self) -> Option<Recall> {
        let Clause::Bool(root) = &self.root else {
            return None;
        };
        let mut terms = Vec::new();
        let mut late = Vec::new();
        let mut filters = Vec::new();
        for (occur, clause) in root {
            match (occur, clause) {
                (Occur::Must, Clause::Leaf(i)) if !self.leaves[*i].term => {
                    filters.push(self.leaves[*i].query.box_clone());
                }
                (Occur::MustNot, _) => return None,
                (_, c) => {
                    if !self.scored_terms(c, false, &mut terms, &mut late) {
                        return None;
                    }
                }
            }
        }
        if terms.is_empty() {
            return None;
        }
        // One word: its ending is what most tells its passages apart
        // (`digitization`: `digitisation` before `digital`), worth a third
        // posting list. Several words: their combination is.
        if self.matching_terms(&self.root) <= 1 {
            terms.append(&mut late);
        }
        let union: Box<dyn TantivyQuery> = Box::new(BooleanQuery::new(
            terms.into_iter().map(|q| (Occur::Should, q)).collect(),
        ));
        if filters.is_empty() {
            return Some(Recall {
                query: union,
                term: false,
                prunable: true,
                union: None,
                unfiltered: None,
            });
        }
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = filters
            .iter()
            .map(|q| (Occur::Must, q.box_clone()))
            .collect();
        clauses.push((Occur::Must, union.box_clone()));
        Some(Recall {
            query: Box::new(BooleanQuery::new(clauses)),
            term: false,
            prunable: false,
            union: None,
            unfiltered: Some(Unfiltered { union, filters }),
        })
    }

    /// Collects the term leaves that can add to the score under `clause`;
    /// false when a leaf that decides matches is not a term or a clause
    /// excludes. `score_only`: whether `clause` only adds to the score
    /// (its leaves then may be anything: the ones that are not terms are
    /// left to the second pass).
    /// [`Leaf::late`] ones go to `late`.
    pub(super) fn scored_terms(
        &self,
        clause: &Clause,
        score_only: bool,
        out: &mut Vec<Box<dyn TantivyQuery>>,
        late: &mut Vec<Box<dyn TantivyQuery>>,
    ) -> bool {
        match clause {
            Clause::Leaf(i) => {
                let leaf = &self.leaves[*i];
                if leaf.term && leaf.late {
                    late.push(leaf.query.box_clone());
                } else if leaf.term {
                    out.push(leaf.query.box_clone());
                }
                leaf.term || score_only
            }
            Clause::Fallback { exact, near: None } => {
                self.scored_terms(exact, score_only, out, late)
            }
            // Near matches are phrases: the second pass scores them.
            Clause::Fallback { .. } => score_only,
            Clause::Bool(clauses) => {
                let has_must = clauses.iter().any(|(o, _)| *o == Occur::Must);
                clauses.iter().all(|(o, c)| match o {
                    Occur::MustNot => false,
                    Occur::Must => self.scored_terms(c, score_only, out, late),
                    Occur::Should => self.scored_terms(c, score_only || has_must, out, late),
                })
            }
        }
    }

    /// How many term leaves decide matches (not only add to the score).
    pub(super) fn matching_terms(&self, clause: &Clause) -> usize {
        match clause {
            Clause::Leaf(i) => usize::from(self.leaves[*i].term),
            Clause::Fallback { exact, near: None } => self.matching_terms(exact),
            Clause::Fallback { .. } => 0,
            Clause::Bool(clauses) => {
                let has_must = clauses.iter().any(|(o, _)| *o == Occur::Must);
                clauses
                    .iter()
                    .filter(|(o, _)| *o == Occur::Must || (*o == Occur::Should && !has_must))
                    .map(|(_, c)| self.matching_terms(c))
                    .sum()
            }
        }
    }

    pub(super) fn recall_of(&self, clause: &Clause) -> Recall {
        let clauses = match clause {
            Clause::Leaf(i) => {
                let leaf = &self.leaves[*i];
                return Recall {
                    query: leaf.query.box_clone(),
                    term: leaf.term,
                    prunable: leaf.term,
                    union: leaf.bounded.clone().map(|b| vec![b]),
                    unfiltered: None,
                };
            }
            Clause::Fallback { exact, near: None } => return self.recall_of(exact),
            Clause::Fallback {
                exact,
                near: Some(near),
            } => {
                let (exact, near) = (self.recall_of(exact), self.recall_of(near));
                return Recall {
                    query: Box::new(BooleanQuery::new(vec![
                        (Occur::Should, exact.query),
                        (Occur::Should, near.query),
                    ])),
                    term: false,
                    prunable: false,
                    union: None,
                    unfiltered: None,
                };
            }
            Clause::Bool(clauses) => clauses,
        };
        // Score-only clauses go: they change no match.
        let has_must = clauses.iter().any(|(o, _)| *o == Occur::Must);
        let mut kept: Vec<(Occur, Recall)> = clauses
            .iter()
            .filter(|(o, _)| !(has_must && *o == Occur::Should))
            .map(|(o, c)| (*o, self.recall_of(c)))
            .collect();
        // One clause is itself: tantivy prunes only a boolean query whose
        // own clauses are the terms.
        if kept.len() == 1 && kept[0].0 != Occur::MustNot {
            return kept.remove(0).1;
        }
        let all_terms = kept.iter().all(|(_, r)| r.term);
        let union = kept.iter().all(|(o, _)| *o == Occur::Should);
        let intersection = kept.iter().all(|(o, _)| *o == Occur::Must);
        let bounded = if union {
            kept.iter()
                .map(|(_, r)| r.union.clone())
                .collect::<Option<Vec<_>>>()
                .map(|u| u.concat())
        } else {
            None
        };
        Recall {
            prunable: all_terms && (union || intersection),
            term: false,
            union: bounded,
            unfiltered: None,
            query: Box::new(BooleanQuery::new(
                kept.into_iter().map(|(o, r)| (o, r.query)).collect(),
            )),
        }
    }

    /// The full score of each passage, weighted by its kind and the themes
    /// the query names; `None` for passages the query does not match.
    pub(super) fn scores(
        &self,
        searcher: &tantivy::Searcher,
        docs: &[DocAddress],
    ) -> crate::Result<Vec<Option<Scored>>> {
        let mut out = vec![None; docs.len()];
        let mut order: Vec<usize> = (0..docs.len()).collect();
        // Postings only move forward: each segment's passages in order.
        order.sort_by_key(|&i| docs[i]);
        let mut weights: Vec<Option<Box<dyn Weight>>> = Vec::new();
        weights.resize_with(self.leaves.len(), || None);
        let scoring = EnableScoring::enabled_from_searcher(searcher);
        let mut start = 0;
        while start < order.len() {
            let segment = docs[order[start]].segment_ord;
            let end = order[start..]
                .iter()
                .position(|&i| docs[i].segment_ord != segment)
                .map_or(order.len(), |n| start + n);
            let reader = searcher.segment_reader(segment);
            let kinds = reader
                .fast_fields()
                .u64("kind_code")
                .ok()
                .map(|c| c.first_or_default_col(0));
            let mut cursors: Vec<Option<Cursor>> = Vec::new();
            cursors.resize_with(self.leaves.len(), || None);
            let mut eval = Evaluator {
                plan: self,
                reader,
                scoring: &scoring,
                weights: &mut weights,
                cursors,
                exact_phrases: 0,
                near_phrases: 0,
            };
            for &i in &order[start..end] {
                let doc = docs[i].doc_id;
                eval.exact_phrases = 0;
                eval.near_phrases = 0;
                if let Some(score) = eval.clause(&self.root, doc)? {
                    let mut factor = match kinds.as_ref().map_or(0, |c| c.get_val(doc)) {
                        1 => self.rank.list_item,
                        2 => self.rank.footnote,
                        _ => 1.0,
                    };
                    if let Some(t) = self.themed {
                        if eval.leaf(t, doc)?.is_some() {
                            factor *= 1.0 + self.rank.theme;
                        }
                    }
                    out[i] = Some(Scored {
                        score: score * factor,
                        exact_phrases: eval.exact_phrases,
                        near_phrases: eval.near_phrases,
                    });
                }
            }
            start = end;
        }
        Ok(out)
    }
}

impl Clause {
    /// Whether a quoted phrase stands anywhere in the tree.
    pub(super) fn holds_phrase(&self) -> bool {
        match self {
            Clause::Leaf(_) => false,
            Clause::Fallback { .. } => true,
            Clause::Bool(clauses) => clauses.iter().any(|(_, c)| c.holds_phrase()),
        }
    }

    /// Whether a phrase's near matches stand anywhere in the tree.
    pub(super) fn falls_back(&self) -> bool {
        match self {
            Clause::Leaf(_) => false,
            Clause::Fallback { near, .. } => near.is_some(),
            Clause::Bool(clauses) => clauses.iter().any(|(_, c)| c.falls_back()),
        }
    }
}

/// Evaluates a [`Plan`] on chosen passages of one segment, in increasing
/// order, each leaf's postings opened when first needed.
pub(super) struct Evaluator<'a> {
    pub(super) plan: &'a Plan,
    pub(super) reader: &'a SegmentReader,
    pub(super) scoring: &'a EnableScoring<'a>,
    pub(super) weights: &'a mut Vec<Option<Box<dyn Weight>>>,
    pub(super) cursors: Vec<Option<Cursor>>,
    /// Quoted phrases the passage being scored holds exactly.
    pub(super) exact_phrases: u32,
    /// Quoted phrases it holds only in a near form.
    pub(super) near_phrases: u32,
}

impl Evaluator<'_> {
    pub(super) fn clause(&mut self, clause: &Clause, doc: DocId) -> crate::Result<Option<Score>> {
        let clauses = match clause {
            Clause::Leaf(i) => return self.leaf(*i, doc),
            Clause::Fallback { exact, near } => {
                if let Some(s) = self.clause(exact, doc)? {
                    self.exact_phrases += 1;
                    return Ok(Some(s));
                }
                let Some(near) = near else {
                    return Ok(None);
                };
                let found = self.clause(near, doc)?;
                if found.is_some() {
                    self.near_phrases += 1;
                }
                return Ok(found);
            }
            Clause::Bool(clauses) => clauses,
        };
        let mut score = 0.0;
        let mut has_must = false;
        for (_, c) in clauses.iter().filter(|(o, _)| *o == Occur::Must) {
            has_must = true;
            match self.clause(c, doc)? {
                Some(s) => score += s,
                None => return Ok(None),
            }
        }
        for (_, c) in clauses.iter().filter(|(o, _)| *o == Occur::MustNot) {
            if self.clause(c, doc)?.is_some() {
                return Ok(None);
            }
        }
        let mut any_should = false;
        for (_, c) in clauses.iter().filter(|(o, _)| *o == Occur::Should) {
            if let Some(s) = self.clause(c, doc)? {
                score += s;
                any_should = true;
            }
        }
        // Without a required clause a passage matches through a should
        // clause, as in tantivy, where a boolean query of no positive
        // clause (a phrase none of whose forms the index holds) matches
        // nothing.
        if !has_must && !any_should {
            return Ok(None);
        }
        Ok(Some(score))
    }

    pub(super) fn leaf(&mut self, i: usize, doc: DocId) -> crate::Result<Option<Score>> {
        if self.cursors[i].is_none() {
            if self.weights[i].is_none() {
                self.weights[i] = Some(self.plan.leaves[i].query.weight(*self.scoring)?);
            }
            let weight = self.weights[i].as_ref().expect("just set");
            let (cursor, score) = Cursor::open(weight.as_ref(), self.reader, doc)?;
            self.cursors[i] = Some(cursor);
            return Ok(score);
        }
        Ok(self.cursors[i].as_mut().expect("just set").at(doc))
    }
}

/// A leaf's scorer asked about passages in increasing order. Uses
/// `seek_danger`, so that a phrase checks the positions of the passage
/// asked about only, instead of scanning ahead to its next match.
pub(super) struct Cursor {
    pub(super) scorer: Box<dyn tantivy::query::Scorer>,
    /// No passage before this one matches.
    pub(super) bound: DocId,
    /// The last passage found and its score.
    pub(super) found: Option<(DocId, Score)>,
}

impl Cursor {
    /// A cursor on `weight`'s scorer in `reader`, and the score of `doc`,
    /// the first passage asked about. Made there (`scorer_danger`): a
    /// phrase does not first scan to its first match in the segment.
    pub(super) fn open(
        weight: &dyn Weight,
        reader: &tantivy::SegmentReader,
        doc: DocId,
    ) -> tantivy::Result<(Cursor, Option<Score>)> {
        let mut scorer = weight.scorer(reader, 1.0)?;
        let first = scorer.doc();
        let result = match first.cmp(&doc) {
            std::cmp::Ordering::Less => scorer.seek_danger(doc),
            std::cmp::Ordering::Equal => SeekDangerResult::Found,
            std::cmp::Ordering::Greater => SeekDangerResult::SeekLowerBound(first),
        };
        Ok(Cursor::at_first(scorer, result, doc))
    }

    /// A cursor made by `scorer_danger` at `doc` (with its `result`), and
    /// the score of `doc`.
    pub(super) fn at_first(
        scorer: Box<dyn tantivy::query::Scorer>,
        result: SeekDangerResult,
        doc: DocId,
    ) -> (Cursor, Option<Score>) {
        let mut cursor = Cursor {
            scorer,
            bound: doc,
            found: None,
        };
        let score = cursor.settle(result, doc);
        (cursor, score)
    }

    pub(super) fn at(&mut self, doc: DocId) -> Option<Score> {
        if let Some((d, s)) = self.found {
            if d == doc {
                return Some(s);
            }
        }
        if doc < self.bound {
            return None;
        }
        let result = self.scorer.seek_danger(doc);
        self.settle(result, doc)
    }

    /// Records the answer about `doc` and its score.
    fn settle(&mut self, result: SeekDangerResult, doc: DocId) -> Option<Score> {
        match result {
            SeekDangerResult::Found => {
                let score = self.scorer.score();
                self.found = Some((doc, score));
                self.bound = doc + 1;
                Some(score)
            }
            SeekDangerResult::SeekLowerBound(next) => {
                self.bound = next.max(doc + 1);
                None
            }
        }
    }
}
