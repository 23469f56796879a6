//! A [`SearchRequest`] → ranked, cited, highlighted [`Hit`]s. Data only: no
//! printing.
//!
//! Input: an open [`Index`] and a request (query text, filters, page, sort).
//! Output: [`SearchResults`]: the total number of matching passages, the
//! page of hits with everything a citation needs, highlight spans, and,
//! when asked for, facet counts per source and theme. Refused, with a [`UserError`]: query
//! syntax errors (with their column), unknown source or theme ids (with the
//! list of valid ones).
//!
//! # Ranking
//!
//! Each word or phrase is matched as BM25 over the stemmed, normalised
//! text. The same words found in the passage's section headings, or found
//! with the same ending (reduced only to the singular, so `digitization`
//! prefers `digitisation` to `digital`, whatever the spelling), add to its
//! score but never match on their own: a quoted phrase must stand in the
//! passage text. An acronym's alternatives are weighed like the words typed
//! (their BM25 weight is scaled to the typed form's), so a rare spelling-out
//! does not outrank the common form. Words typed side by side add to the
//! score of passages where they stand side by side. Footnotes are weighed
//! below body paragraphs and list items. The weights
//! are tuned against the relevance set in `tests/search_relevance.rs`.
//! The full ranking is computed for a pool of candidates only (see
//! [`search`]).
//!
//! # JSON
//!
//! [`SearchResults`] serialises to the document `search --json` prints:
//!
//! ```text
//! { "query": "CBMs", "total": 16, "took_ms": 0.41,
//!   "hits": [ { "id": "ccdcoe-2016:37", "rank": 1, "score": 12.5,
//!               "doc": "ccdcoe-2016", "title": "…", "issuer": "…", "date": "2016",
//!               "section": ["…", "3.1 OSCE & Confidence-Building Measures"],
//!               "label": null, "page": 6, "paragraph": 37, "lines": [200, 235],
//!               "kind": "body", "anchor": "15fa14dff2", "themes": ["cbm", "norms"],
//!               "text": "…", "highlights": [[112, 141], …] } ],
//!   "facets": { "source": { "ccdcoe-2016": 8, … }, "theme": { "cbm": 14, … } } }
//! ```
//!
//! `total` counts every matching passage (a lower bound, with
//! `"total_exact": false`, when the request did not ask for the count),
//! `hits` is the page asked for;
//! `paragraph` is the passage's ordinal (the `n` of its id), `label` the
//! document's own numbering, `lines` the first and last source line.
//! `facets` count matching passages per document and per theme (pillars
//! and sub-themes), when asked for; empty otherwise.
//!
//! # Highlights
//!
//! Postings hold positions, not offsets, so the stored text of each hit is
//! analysed again with the same lexicon and every positive leaf of the
//! query is located in it: a phrase becomes one span from its first word to
//! its last. Spans are `[start, end)` in Unicode characters of `text`.

mod top_phrase;

use std::collections::BTreeMap;
use std::ops::Bound;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EnableScoring, FuzzyTermQuery, Occur,
    PhrasePrefixQuery, PhraseQuery, Query as TantivyQuery, RangeQuery, TermQuery, Weight,
};
use tantivy::schema::{Facet, Field, IndexRecordOption, Value};
use tantivy::tokenizer::Token;
use tantivy::{
    DocAddress, DocId, DocSet, Order, Score, SeekDangerResult, SegmentReader, TantivyDocument,
    Term as TantivyTerm,
};

use crate::error::UserError;
use crate::index::{theme_facet, Fields, Index};
use crate::lexicon::Lexicon;
use crate::query::{Filter, Juxtaposition, Node, Query, Term, TermKind, JUXTAPOSITION};
use crate::segment::PassageKind;
use top_phrase::{top_union, Bounded};

/// How hits are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best match first.
    #[default]
    Relevance,
    /// Newest document first, then reading order.
    Date,
}

/// What to search for.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    /// The query text (see [`crate::query`]).
    pub query: String,
    /// Hits per page.
    pub limit: usize,
    /// Hits to skip.
    pub offset: usize,
    /// Keep only these documents (any of them); empty keeps all.
    pub sources: Vec<String>,
    /// Keep only passages with any of these themes (a pillar includes its
    /// sub-themes); empty keeps all.
    pub themes: Vec<String>,
    /// Keep only documents from these years, inclusive; `None` is open.
    pub years: Option<(Option<u64>, Option<u64>)>,
    /// Keep only this kind of passage.
    pub kind: Option<PassageKind>,
    /// No stemming, no normalisation, no acronym expansion: words as typed,
    /// case- and accent-folded only.
    pub exact: bool,
    /// Order of hits.
    pub sort: Sort,
    /// Count every matching passage; otherwise `total` may be a lower
    /// bound (see [`SearchResults::total_exact`]). A pass over every match,
    /// though one that scores nothing, and one that rules out skipping
    /// the postings that cannot reach the top: dear for several words on a
    /// large index. Counted anyway where it is cheap: one word (its
    /// document frequency), a query whose ranking visits every match, an
    /// index of at most [`ALWAYS_COUNTED`] passages.
    pub count: bool,
    /// Count matching passages per source and theme
    /// ([`SearchResults::facets`]): a pass over every match that reads
    /// their facets.
    pub facets: bool,
}

impl SearchRequest {
    /// A request for `query` with the defaults: ten hits by relevance, no
    /// filters, the exact total, no facets.
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            limit: 10,
            offset: 0,
            sources: Vec::new(),
            themes: Vec::new(),
            years: None,
            kind: None,
            exact: false,
            sort: Sort::Relevance,
            count: true,
            facets: false,
        }
    }
}

/// The answer to a [`SearchRequest`]; serialises to the `--json` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// The query as typed.
    pub query: String,
    /// Passages matching, over all pages; at least this many when
    /// `total_exact` is false.
    pub total: usize,
    /// Whether `total` counts every match (the request asked for the
    /// count, or the first pass saw every match). Left out of the JSON when
    /// true.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub total_exact: bool,
    /// Time spent searching, in milliseconds.
    #[serde(rename = "took_ms", with = "millis")]
    pub took: Duration,
    /// This page of hits.
    pub hits: Vec<Hit>,
    /// Matching passages per source and per theme; empty unless the
    /// request asked for them.
    pub facets: Facets,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// Counts of matching passages.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facets {
    /// Per document id.
    pub source: BTreeMap<String, u64>,
    /// Per theme id, pillars and sub-themes.
    pub theme: BTreeMap<String, u64>,
}

/// One matching passage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// `doc:n`, e.g. `norway-2017:42`.
    pub id: String,
    /// 1-based rank over all pages.
    pub rank: usize,
    /// The ranking score.
    pub score: f32,
    /// Document id.
    pub doc: String,
    /// Document title.
    pub title: String,
    /// Issuer.
    pub issuer: String,
    /// Publication date as the manifest gives it.
    pub date: String,
    /// Section headings, outermost first.
    pub section: Vec<String>,
    /// The document's own label (`13(f)`), if any.
    pub label: Option<String>,
    /// Page the passage starts on, if known.
    pub page: Option<u32>,
    /// The passage's ordinal in its document.
    pub paragraph: u32,
    /// First and last source line.
    pub lines: [u32; 2],
    /// Body, list item or footnote.
    pub kind: PassageKind,
    /// Content anchor, stable across re-segmentation.
    pub anchor: String,
    /// Theme ids.
    pub themes: Vec<String>,
    /// The passage text.
    pub text: String,
    /// Matches in `text`, `[start, end)` in Unicode characters.
    pub highlights: Vec<[usize; 2]>,
}

mod millis {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        // Microsecond precision: warm queries take well under a millisecond.
        s.serialize_f64((d.as_secs_f64() * 1e6).round() / 1e3)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let ms = f64::deserialize(d)?;
        Ok(Duration::from_secs_f64(ms.max(0.0) / 1e3))
    }
}

/// Ranking weights, tuned on the relevance set.
#[derive(Debug, Clone, Copy)]
struct Ranking {
    /// Weight of the same words in the section headings.
    section: Score,
    /// Weight of the words matched with their ending (singular and
    /// plural alike), after the spelling and compound rewrites.
    normalized: Score,
    /// Weight of two words typed side by side found side by side.
    adjacency: Score,
    /// Score multiplier for list items.
    list_item: Score,
    /// Score multiplier for footnotes.
    footnote: Score,
}

const RANKING: Ranking = Ranking {
    section: 0.3,
    normalized: 0.3,
    adjacency: 1.0,
    list_item: 1.0,
    footnote: 0.3,
};

/// Words typed side by side may stand this many words apart.
const ADJACENCY_SLOP: u32 = 1;

/// At most this many spellings of a phrase are boosted.
const MAX_SPELLINGS: usize = 8;

/// The word sequences `words` stands for in its spellings, the words as
/// typed first, at most [`MAX_SPELLINGS`].
fn spelling_combinations(lexicon: &Lexicon, words: &[String]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = vec![Vec::new()];
    for word in words {
        let spellings = lexicon.spellings(word);
        let mut next = Vec::new();
        for prefix in &out {
            for s in &spellings {
                if next.len() == MAX_SPELLINGS {
                    break;
                }
                let mut w = prefix.clone();
                w.push(s.clone());
                next.push(w);
            }
        }
        out = next;
    }
    out
}

/// Prefixes expand to at most this many words.
const MAX_PREFIX_EXPANSIONS: u32 = 200;

/// Parses, expands and validates the request's query: what `--explain`
/// shows.
pub fn expand(index: &Index, request: &SearchRequest) -> crate::Result<Query> {
    let query = Query::parse(&request.query)?.expand(index.lexicon(), request.exact)?;
    check_ids(index, request, &query)?;
    Ok(query)
}

/// Runs a request.
///
/// Two passes keep the cost of a query near that of the passages it shows
/// rather than of every passage it matches. The first asks tantivy for the
/// best [`RERANK_POOL`] passages by plain BM25 of the text, which for words
/// alone it answers with block-max WAND: blocks of postings that cannot
/// reach the pool are skipped unread. The second ranks that pool with
/// everything else the ranking weighs (section headings, word endings,
/// words side by side, the passage kind) by looking each candidate up in
/// the postings of those clauses, so their cost, positions included, is per
/// candidate and not per match. Counting and facets are passes of their
/// own that score nothing; facets only when asked for.
pub fn search(index: &Index, request: &SearchRequest) -> crate::Result<SearchResults> {
    let started = Instant::now();
    let query = expand(index, request)?;
    let fields = index.fields();
    let searcher = index.searcher();
    let plan = Plan::new(index, &searcher, request, &query);
    let recall = plan.recall();

    // Clamped to the passages there are: tantivy sizes its heap by the
    // limit, and a huge `--limit` or `--offset` would overflow it.
    let passages = (searcher.num_docs() as usize).max(1);
    let count = counts_every_match(request.count, recall.term, passages);
    // A pass that visits every match anyway counts them for free (with
    // facets, their pass counts).
    let fuse_count = !request.facets;
    let mut total = None;
    let page: Vec<(Score, DocAddress)> = match request.sort {
        Sort::Relevance => {
            // Pages within one pool are cut from the same ranking, so
            // paging through it neither repeats nor skips a passage.
            let want = request
                .offset
                .saturating_add(request.limit)
                .clamp(1, passages);
            let mut pool = RERANK_POOL * want.div_ceil(RERANK_POOL);
            let ranking = plan.ranking();
            let first = ranking.as_ref().unwrap_or(&recall);
            let mut ranked: Vec<(Score, DocAddress)>;
            // Uncounted, the best passages of a phrase, or of a union
            // holding phrases, need not visit every passage holding their
            // words (a union of words alone, tantivy prunes itself).
            let bounded = match (&ranking, &recall.union) {
                (None, Some(clauses)) if !count && !recall.prunable => Some(clauses),
                _ => None,
            };
            loop {
                let top = TopDocs::with_limit(pool).order_by_score();
                let candidates = if let Some(clauses) = bounded {
                    top_union(&searcher, clauses, pool)?
                } else if ranking.is_none() && fuse_count && !recall.prunable {
                    let (c, n) = searcher.search(&*recall.query, &(top, Count))?;
                    total = Some(n);
                    c
                } else {
                    searcher.search(&*first.query, &top)?
                };
                let addresses: Vec<DocAddress> = candidates.iter().map(|(_, a)| *a).collect();
                ranked = plan
                    .scores(&searcher, &addresses)?
                    .into_iter()
                    .zip(addresses)
                    .filter_map(|(s, a)| s.map(|s| (s, a)))
                    .collect();
                if candidates.len() < pool {
                    // The pool held every candidate, so every match.
                    total.get_or_insert(ranked.len());
                    break;
                }
                // The ranking query also finds passages the query does not
                // match (a word in a heading only); too many of them leave
                // the page short.
                if ranked.len() >= want || ranking.is_none() {
                    break;
                }
                pool *= 4;
            }
            ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            ranked
                .into_iter()
                .skip(request.offset)
                .take(request.limit)
                .collect()
        }
        Sort::Date => {
            // TopDocs refuses a limit of 0; a page of none still counts.
            let top = TopDocs::with_limit(request.limit.clamp(1, passages))
                .and_offset(request.offset.min(passages))
                .order_by_u64_field("date_order", Order::Desc);
            let found = if fuse_count {
                let (c, n) = searcher.search(&*recall.query, &(top, Count))?;
                total = Some(n);
                c
            } else {
                searcher.search(&*recall.query, &top)?
            };
            let addresses: Vec<DocAddress> = found
                .into_iter()
                .map(|(_, a)| a)
                .take(request.limit)
                .collect();
            plan.scores(&searcher, &addresses)?
                .into_iter()
                .zip(addresses)
                .map(|(s, a)| (s.unwrap_or(0.0), a))
                .collect()
        }
    };

    let mut facets = Facets::default();
    if request.facets {
        let (n, counted) = facet_counts(index, &searcher, &*recall.query)?;
        total = Some(n);
        facets = counted;
    } else if count && total.is_none() {
        total = Some(searcher.search(&*recall.query, &Count)?);
    }
    let total_exact = total.is_some();
    // Uncounted, what was seen is a lower bound.
    let total = total.unwrap_or(match request.sort {
        Sort::Relevance => RERANK_POOL.max(request.offset + page.len()),
        Sort::Date => request.offset + page.len(),
    });

    let mut leaves = positive_leaves(&query.root);
    // `of` and `the` lit up all over a passage hide what matched; they
    // show only when the query has nothing else.
    if leaves.iter().any(|t| !is_stopword(t)) {
        leaves.retain(|t| t.kind != TermKind::Word || !is_stopword(t));
    }
    let mut hits = Vec::with_capacity(page.len());
    for (i, (score, address)) in page.into_iter().enumerate() {
        let mut hit = read_hit(&searcher, fields, address, score)?;
        hit.rank = request.offset + i + 1;
        hit.highlights = highlights(&hit.text, &leaves, index.lexicon(), request.exact);
        hits.push(hit);
    }
    Ok(SearchResults {
        query: request.query.clone(),
        total,
        total_exact,
        took: started.elapsed(),
        hits,
        facets,
    })
}

/// Counts the passages `query` matches, in all and per source and theme.
fn facet_counts(
    index: &Index,
    searcher: &tantivy::Searcher,
    query: &dyn TantivyQuery,
) -> crate::Result<(usize, Facets)> {
    let mut source_facets = FacetCollector::for_field("source");
    source_facets.add_facet("/source");
    let mut pillar_facets = FacetCollector::for_field("themes");
    pillar_facets.add_facet("/theme");
    let mut sub_facets = FacetCollector::for_field("themes");
    let parents = parents_with_children(&index.meta().themes);
    for p in &parents {
        if let Some(f) = theme_facet(p) {
            sub_facets.add_facet(f);
        }
    }
    let (total, source_counts, pillar_counts, sub_counts) =
        searcher.search(query, &(Count, source_facets, pillar_facets, sub_facets))?;
    let mut facets = Facets::default();
    for (facet, count) in source_counts.get("/source") {
        if let Some(id) = facet.to_path().last() {
            facets.source.insert((*id).to_string(), count);
        }
    }
    let mut theme_counts = |counts: &tantivy::collector::FacetCounts, root: Facet| {
        for (facet, count) in counts.get(root) {
            let path = facet.to_path();
            if path.len() > 1 {
                facets.theme.insert(path[1..].join("/"), count);
            }
        }
    };
    theme_counts(&pillar_counts, Facet::from("/theme"));
    for p in &parents {
        if let Some(f) = theme_facet(p) {
            theme_counts(&sub_counts, f);
        }
    }
    Ok((total, facets))
}

/// How many passages the first pass hands to the full ranking (see
/// [`search`]): enough that the boosts it leaves out (headings, endings,
/// words side by side, passage kind) rarely lift a passage from below it
/// into the first page, as the relevance set measures.
const RERANK_POOL: usize = 100;

/// Up to this many passages, counting every match of any query takes well
/// under a millisecond, so totals are exact whether asked for or not.
pub const ALWAYS_COUNTED: usize = 50_000;

/// Whether a search counts every match: when asked, for one term (its
/// document frequency is the count), and on a small index.
fn counts_every_match(asked: bool, one_term: bool, passages: usize) -> bool {
    asked || one_term || passages <= ALWAYS_COUNTED
}

/// The query as a tree both passes read: tantivy's boolean semantics (with
/// a `Must` clause, `Should` clauses only add to the score; without one, at
/// least one `Should` clause must match; scores add up), over leaves that
/// are tantivy queries.
enum Clause {
    /// An index into [`Plan::leaves`].
    Leaf(usize),
    /// Clauses combined as a `BooleanQuery` combines them.
    Bool(Vec<(Occur, Clause)>),
}

/// A leaf of a [`Clause`] tree.
struct Leaf {
    query: Box<dyn TantivyQuery>,
    /// One term with frequencies (boosted or not): tantivy scores it with a
    /// term scorer, which block-max WAND can prune.
    term: bool,
    /// Left out of [`Plan::ranking`]: a boost so close to another clause
    /// (the words with their endings, next to their stems) that the first
    /// pass would pay for a third posting list per word for little change.
    late: bool,
    /// A word or an exact phrase, and its boost: a phrase's best passages
    /// (alone or in a union) can be found by [`top_union`] without reading
    /// every match's positions.
    bounded: Option<Bounded>,
}

/// A built query: its tree and leaves.
struct Plan {
    root: Clause,
    leaves: Vec<Leaf>,
}

/// The first pass's query: the same matches as the plan, scored by what
/// must match alone.
struct Recall {
    query: Box<dyn TantivyQuery>,
    /// Whether it is one term scorer.
    term: bool,
    /// Whether tantivy can prune it by block-max WAND (a term, or a union
    /// or intersection of terms), so that top-k does not visit every match.
    prunable: bool,
    /// The clauses of the union of words and exact phrases it is, if it
    /// is one ([`Leaf::bounded`]).
    union: Option<Vec<Bounded>>,
}

impl Plan {
    /// The plan of an expanded query under the request's filters.
    fn new(
        index: &Index,
        searcher: &tantivy::Searcher,
        request: &SearchRequest,
        query: &Query,
    ) -> Plan {
        let mut builder = Builder {
            f: index.fields(),
            searcher,
            lexicon: index.lexicon(),
            exact: request.exact,
            rank: RANKING,
            leaves: Vec::new(),
        };
        let mut clauses = vec![(Occur::Must, builder.node(&query.root))];
        for filter in request_filters(index.fields(), request) {
            clauses.push((Occur::Must, builder.leaf(filter, false)));
        }
        Plan {
            root: Clause::Bool(clauses),
            leaves: builder.leaves,
        }
    }

    fn recall(&self) -> Recall {
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
    fn ranking(&self) -> Option<Recall> {
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
            });
        }
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> =
            filters.into_iter().map(|q| (Occur::Must, q)).collect();
        clauses.push((Occur::Must, union));
        Some(Recall {
            query: Box::new(BooleanQuery::new(clauses)),
            term: false,
            prunable: false,
            union: None,
        })
    }

    /// Collects the term leaves that can add to the score under `clause`;
    /// false when a leaf that decides matches is not a term or a clause
    /// excludes. `score_only`: whether `clause` only adds to the score
    /// (its leaves then may be anything: the ones that are not terms are
    /// left to the second pass).
    /// [`Leaf::late`] ones go to `late`.
    fn scored_terms(
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
    fn matching_terms(&self, clause: &Clause) -> usize {
        match clause {
            Clause::Leaf(i) => usize::from(self.leaves[*i].term),
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

    fn recall_of(&self, clause: &Clause) -> Recall {
        let clauses = match clause {
            Clause::Leaf(i) => {
                let leaf = &self.leaves[*i];
                return Recall {
                    query: leaf.query.box_clone(),
                    term: leaf.term,
                    prunable: leaf.term,
                    union: leaf.bounded.clone().map(|b| vec![b]),
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
            query: Box::new(BooleanQuery::new(
                kept.into_iter().map(|(o, r)| (o, r.query)).collect(),
            )),
        }
    }

    /// The full score of each passage, weighted by its kind; `None` for
    /// passages the query does not match.
    fn scores(
        &self,
        searcher: &tantivy::Searcher,
        docs: &[DocAddress],
    ) -> crate::Result<Vec<Option<Score>>> {
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
            };
            for &i in &order[start..end] {
                let doc = docs[i].doc_id;
                if let Some(score) = eval.clause(&self.root, doc)? {
                    let factor = match kinds.as_ref().map_or(0, |c| c.get_val(doc)) {
                        1 => RANKING.list_item,
                        2 => RANKING.footnote,
                        _ => 1.0,
                    };
                    out[i] = Some(score * factor);
                }
            }
            start = end;
        }
        Ok(out)
    }
}

/// Evaluates a [`Plan`] on chosen passages of one segment, in increasing
/// order, each leaf's postings opened when first needed.
struct Evaluator<'a> {
    plan: &'a Plan,
    reader: &'a SegmentReader,
    scoring: &'a EnableScoring<'a>,
    weights: &'a mut Vec<Option<Box<dyn Weight>>>,
    cursors: Vec<Option<Cursor>>,
}

impl Evaluator<'_> {
    fn clause(&mut self, clause: &Clause, doc: DocId) -> crate::Result<Option<Score>> {
        let clauses = match clause {
            Clause::Leaf(i) => return self.leaf(*i, doc),
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
        let mut has_should = false;
        for (_, c) in clauses.iter().filter(|(o, _)| *o == Occur::Should) {
            has_should = true;
            if let Some(s) = self.clause(c, doc)? {
                score += s;
                any_should = true;
            }
        }
        if !has_must && has_should && !any_should {
            return Ok(None);
        }
        Ok(Some(score))
    }

    fn leaf(&mut self, i: usize, doc: DocId) -> crate::Result<Option<Score>> {
        if self.cursors[i].is_none() {
            if self.weights[i].is_none() {
                self.weights[i] = Some(self.plan.leaves[i].query.weight(*self.scoring)?);
            }
            let weight = self.weights[i].as_ref().expect("just set");
            self.cursors[i] = Some(Cursor::new(weight.scorer(self.reader, 1.0)?));
        }
        Ok(self.cursors[i].as_mut().expect("just set").at(doc))
    }
}

/// A leaf's scorer asked about passages in increasing order. Uses
/// `seek_danger`, so that a phrase checks the positions of the passage
/// asked about only, instead of scanning ahead to its next match.
struct Cursor {
    scorer: Box<dyn tantivy::query::Scorer>,
    /// Whether the scorer still stands where it was created (on its first
    /// match, which may lie past the passage asked about).
    fresh: bool,
    /// No passage before this one matches.
    bound: DocId,
    /// The last passage found and its score.
    found: Option<(DocId, Score)>,
}

impl Cursor {
    fn new(scorer: Box<dyn tantivy::query::Scorer>) -> Cursor {
        Cursor {
            scorer,
            fresh: true,
            bound: 0,
            found: None,
        }
    }

    fn at(&mut self, doc: DocId) -> Option<Score> {
        if let Some((d, s)) = self.found {
            if d == doc {
                return Some(s);
            }
        }
        if doc < self.bound {
            return None;
        }
        let result = if self.fresh {
            self.fresh = false;
            let first = self.scorer.doc();
            match first.cmp(&doc) {
                std::cmp::Ordering::Less => self.scorer.seek_danger(doc),
                std::cmp::Ordering::Equal => SeekDangerResult::Found,
                std::cmp::Ordering::Greater => SeekDangerResult::SeekLowerBound(first),
            }
        } else {
            self.scorer.seek_danger(doc)
        };
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

/// Pillars that have sub-themes, from the taxonomy's ids.
fn parents_with_children(themes: &[String]) -> Vec<String> {
    let mut out: Vec<String> = themes
        .iter()
        .filter_map(|t| t.split_once('/').map(|(p, _)| p.to_string()))
        .collect();
    out.sort();
    out.dedup();
    out
}

fn check_ids(index: &Index, request: &SearchRequest, query: &Query) -> crate::Result<()> {
    let themes: Vec<&str> = index.meta().themes.iter().map(String::as_str).collect();
    let mut wanted_sources: Vec<&str> = request.sources.iter().map(String::as_str).collect();
    let mut wanted_themes: Vec<&str> = request.themes.iter().map(String::as_str).collect();
    for f in query.filters() {
        match f {
            Filter::Source(s) => wanted_sources.push(s),
            Filter::Theme(t) => wanted_themes.push(t),
            _ => {}
        }
    }
    let list = |ids: &[&str]| {
        if ids.is_empty() {
            "(none in this index)".to_string()
        } else {
            ids.join(", ")
        }
    };
    // The document list is read only for a query that names a source.
    if !wanted_sources.is_empty() {
        let sources = index.document_ids()?;
        if let Some(bad) = wanted_sources.iter().find(|s| !sources.contains(s)) {
            return Err(UserError::Other(format!(
                "unknown source `{bad}`; valid sources: {}",
                list(&sources)
            ))
            .into());
        }
    }
    if let Some(bad) = wanted_themes.iter().find(|t| !themes.contains(t)) {
        return Err(UserError::Other(format!(
            "unknown theme `{bad}`; valid themes: {}",
            list(&themes)
        ))
        .into());
    }
    Ok(())
}

fn request_filters(f: &Fields, r: &SearchRequest) -> Vec<Box<dyn TantivyQuery>> {
    let mut out: Vec<Box<dyn TantivyQuery>> = Vec::new();
    let any = |qs: Vec<Box<dyn TantivyQuery>>| -> Box<dyn TantivyQuery> {
        filter_query(Box::new(BooleanQuery::union(qs)))
    };
    if !r.sources.is_empty() {
        out.push(any(r
            .sources
            .iter()
            .map(|s| filter_leaf(f, &Filter::Source(s.clone())))
            .collect()));
    }
    if !r.themes.is_empty() {
        out.push(any(r
            .themes
            .iter()
            .map(|t| filter_leaf(f, &Filter::Theme(t.clone())))
            .collect()));
    }
    if let Some((from, to)) = r.years {
        out.push(filter_query(filter_leaf(f, &Filter::Year { from, to })));
    }
    if let Some(kind) = r.kind {
        out.push(filter_query(filter_leaf(f, &Filter::Kind(kind))));
    }
    out
}

/// A filter matches without adding to the score.
fn filter_query(q: Box<dyn TantivyQuery>) -> Box<dyn TantivyQuery> {
    Box::new(ConstScoreQuery::new(q, 0.0))
}

fn filter_leaf(f: &Fields, filter: &Filter) -> Box<dyn TantivyQuery> {
    match filter {
        Filter::Source(id) => Box::new(TermQuery::new(
            TantivyTerm::from_field_text(f.doc, id),
            IndexRecordOption::Basic,
        )),
        Filter::Theme(id) => match theme_facet(id) {
            Some(facet) => Box::new(TermQuery::new(
                TantivyTerm::from_facet(f.themes, &facet),
                IndexRecordOption::Basic,
            )),
            None => Box::new(BooleanQuery::new(Vec::new())),
        },
        Filter::Year { from, to } => {
            let bound = |y: &Option<u64>, inclusive: fn(TantivyTerm) -> Bound<TantivyTerm>| {
                y.map_or(Bound::Unbounded, |y| {
                    inclusive(TantivyTerm::from_field_u64(f.year, y))
                })
            };
            Box::new(RangeQuery::new(
                bound(from, Bound::Included),
                bound(to, Bound::Included),
            ))
        }
        Filter::Kind(kind) => Box::new(TermQuery::new(
            TantivyTerm::from_field_text(f.kind, kind.as_str()),
            IndexRecordOption::Basic,
        )),
    }
}

/// Turns the expanded query tree into a [`Clause`] tree over tantivy
/// queries.
struct Builder<'a> {
    f: &'a Fields,
    searcher: &'a tantivy::Searcher,
    lexicon: &'a Lexicon,
    exact: bool,
    rank: Ranking,
    leaves: Vec<Leaf>,
}

impl Builder<'_> {
    fn leaf(&mut self, query: Box<dyn TantivyQuery>, term: bool) -> Clause {
        self.leaves.push(Leaf {
            query,
            term,
            late: false,
            bounded: None,
        });
        Clause::Leaf(self.leaves.len() - 1)
    }

    /// A word or phrase: a term when it is one token.
    fn tokens(&mut self, field: Field, tokens: &[String], slop: u32, boost: Score) -> Clause {
        let query = tokens_query(field, tokens, slop);
        let query: Box<dyn TantivyQuery> = if boost == 1.0 {
            query
        } else {
            Box::new(BoostQuery::new(query, boost))
        };
        let clause = self.leaf(query, tokens.len() == 1);
        if tokens.len() == 1 || slop == 0 {
            let leaf = self.leaves.last_mut().expect("just pushed");
            leaf.bounded = Some(Bounded {
                terms: tokens
                    .iter()
                    .map(|t| TantivyTerm::from_field_text(field, t))
                    .collect(),
                boost,
            });
        }
        clause
    }

    fn node(&mut self, node: &Node) -> Clause {
        match node {
            Node::Term(t) => self.term(t),
            Node::Filter { filter, .. } => {
                let q = filter_query(filter_leaf(self.f, filter));
                self.leaf(q, false)
            }
            Node::Juxtaposed(items) => self.juxtaposed(items),
            Node::And(items) => {
                let mut clauses = Vec::new();
                for item in items {
                    clauses.push(match item {
                        Node::Not(inner) => (Occur::MustNot, self.node(inner)),
                        other => (Occur::Must, self.node(other)),
                    });
                }
                self.complete(clauses)
            }
            Node::Or(items) => Clause::Bool(
                items
                    .iter()
                    .map(|i| (Occur::Should, self.node(i)))
                    .collect(),
            ),
            Node::Not(inner) => {
                let excluded = self.node(inner);
                self.complete(vec![(Occur::MustNot, excluded)])
            }
            Node::Must(inner) => self.node(inner),
        }
    }

    /// `a b +c -d source:x`: `+` clauses and filters are required, `-`
    /// clauses excluded; plain clauses follow [`JUXTAPOSITION`]. When a `+`
    /// clause is present, plain clauses only add to the score (as in
    /// Lucene); otherwise at least one of them must match.
    fn juxtaposed(&mut self, items: &[Node]) -> Clause {
        let mut clauses = Vec::new();
        let mut plain = Vec::new();
        let mut stop = Vec::new();
        let mut has_must = false;
        for item in items {
            match item {
                Node::Not(inner) => clauses.push((Occur::MustNot, self.node(inner))),
                Node::Must(inner) => {
                    has_must = true;
                    clauses.push((Occur::Must, self.node(inner)));
                }
                Node::Filter { .. } => clauses.push((Occur::Must, self.node(item))),
                Node::Term(t) if is_stopword(t) => stop.push(self.node(item)),
                other => plain.push(self.node(other)),
            }
        }
        // Words typed side by side rank higher where they stand side by
        // side: `private sector` inside `role of the private sector`.
        let words: Vec<&Term> = items
            .iter()
            .filter_map(|i| match i {
                Node::Term(t) if t.kind == TermKind::Word => Some(t),
                _ => None,
            })
            .collect();
        if self.rank.adjacency > 0.0 && !self.exact {
            for span in adjacent_spans(&words) {
                let tokens: Vec<String> = span
                    .iter()
                    .filter_map(|t| t.variants.first())
                    .flat_map(|v| v.tokens.iter().cloned())
                    .collect();
                let text = self.f.text;
                let near = self.tokens(text, &tokens, ADJACENCY_SLOP, self.rank.adjacency);
                clauses.push((Occur::Should, near));
            }
        }
        match JUXTAPOSITION {
            Juxtaposition::AllMustMatch => {
                clauses.extend(plain.into_iter().map(|q| (Occur::Must, q)));
            }
            Juxtaposition::RankedByMatches if has_must => {
                clauses.extend(plain.into_iter().map(|q| (Occur::Should, q)));
            }
            Juxtaposition::RankedByMatches => {
                // Stopwords add to the score but match nothing on their own
                // unless the query has nothing else.
                if plain.is_empty() {
                    plain = std::mem::take(&mut stop);
                }
                if !plain.is_empty() {
                    let any = plain.into_iter().map(|q| (Occur::Should, q)).collect();
                    clauses.push((Occur::Must, Clause::Bool(any)));
                }
            }
        }
        clauses.extend(stop.into_iter().map(|q| (Occur::Should, q)));
        self.complete(clauses)
    }

    /// The BM25 inverse document frequency of a word or phrase (summed over
    /// its words, as tantivy scores phrases), 0 when a word is absent.
    fn idf(&self, field: Field, tokens: &[String]) -> f32 {
        let n = self.searcher.num_docs() as f32;
        let mut sum = 0.0;
        for token in tokens {
            let df = self
                .searcher
                .doc_freq(&TantivyTerm::from_field_text(field, token))
                .unwrap_or(0) as f32;
            if df == 0.0 {
                return 0.0;
            }
            sum += (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        }
        sum
    }

    fn term(&mut self, t: &Term) -> Clause {
        let slop = match t.kind {
            TermKind::Phrase { slop } => slop,
            _ => 0,
        };
        let (text, text_exact, section) = (self.f.text, self.f.text_exact, self.f.section);
        let mut alternatives = Vec::new();
        let mut boosts = Vec::new();
        for v in &t.variants {
            match t.kind {
                TermKind::Prefix => {
                    let terms = v
                        .tokens
                        .iter()
                        .map(|tok| TantivyTerm::from_field_text(text_exact, tok))
                        .collect();
                    let mut q = PhrasePrefixQuery::new(terms);
                    q.set_max_expansions(MAX_PREFIX_EXPANSIONS);
                    alternatives.push(self.leaf(Box::new(q), false));
                }
                TermKind::Fuzzy { distance } => {
                    for tok in &v.tokens {
                        let q = FuzzyTermQuery::new(
                            TantivyTerm::from_field_text(text_exact, tok),
                            distance,
                            true,
                        );
                        alternatives.push(self.leaf(Box::new(q), false));
                    }
                }
                TermKind::Word | TermKind::Phrase { .. } if self.exact => {
                    alternatives.push(self.tokens(text_exact, &v.tokens, slop, 1.0));
                }
                TermKind::Word | TermKind::Phrase { .. } => {
                    // An alternative weighs what the words typed weigh: a
                    // rare spelling-out (`UNGGE`) must not outrank the
                    // common form it stands for.
                    let scale = self.idf(text, &t.variants[0].tokens)
                        / self.idf(text, &v.tokens).max(f32::EPSILON);
                    let scale = if scale.is_finite() && scale > 0.0 {
                        scale
                    } else {
                        1.0
                    };
                    alternatives.push(self.tokens(text, &v.tokens, slop, scale));
                    if self.rank.section > 0.0 {
                        let boost = self.rank.section * scale;
                        boosts.push(self.tokens(section, &v.tokens, slop, boost));
                    }
                    // Words as written weigh a little more than their
                    // stemmed forms: the exact field ranks the form typed.
                    let exact = self.lexicon.analyze_exact(&v.text);
                    if self.rank.normalized > 0.0 && !exact.is_empty() {
                        let boost = self.rank.normalized * scale;
                        // In any of its spellings, so that a UK query is not
                        // ranked against US texts, nor the reverse.
                        let mut spelled = Vec::new();
                        for words in spelling_combinations(self.lexicon, &exact) {
                            let typed = self.tokens(text_exact, &words, slop, boost);
                            if let Clause::Leaf(i) = typed {
                                self.leaves[i].late = true;
                            }
                            spelled.push((Occur::Should, typed));
                        }
                        boosts.push(if spelled.len() == 1 {
                            spelled.remove(0).1
                        } else {
                            Clause::Bool(spelled)
                        });
                    }
                }
            }
        }
        let main = if alternatives.len() == 1 {
            alternatives.remove(0)
        } else {
            Clause::Bool(
                alternatives
                    .into_iter()
                    .map(|a| (Occur::Should, a))
                    .collect(),
            )
        };
        if boosts.is_empty() {
            return main;
        }
        // The boosts only add to passages the text itself matched.
        let mut clauses = vec![(Occur::Must, main)];
        clauses.extend(boosts.into_iter().map(|b| (Occur::Should, b)));
        Clause::Bool(clauses)
    }

    /// A boolean clause made to match something: one with only exclusions
    /// matches every passage but those.
    fn complete(&mut self, mut clauses: Vec<(Occur, Clause)>) -> Clause {
        if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
            let all = ConstScoreQuery::new(Box::new(AllQuery), 0.0);
            clauses.push((Occur::Must, self.leaf(Box::new(all), false)));
        }
        Clause::Bool(clauses)
    }
}

/// Words too common to rank by on their own.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how",
    "in", "into", "is", "it", "its", "of", "on", "or", "should", "that", "the", "their", "this",
    "to", "was", "what", "when", "which", "who", "why", "with",
];

fn is_stopword(t: &Term) -> bool {
    STOPWORDS.contains(&t.text.to_lowercase().as_str())
}

/// Runs from each content word to the next, the stopwords between them
/// included: `role of the private sector` → `role of the private`,
/// `private sector`.
fn adjacent_spans<'a, 'b>(words: &'b [&'a Term]) -> Vec<&'b [&'a Term]> {
    let content: Vec<usize> = (0..words.len())
        .filter(|&i| !is_stopword(words[i]))
        .collect();
    content.windows(2).map(|w| &words[w[0]..=w[1]]).collect()
}

/// One token: a term; several: a phrase (positions are consecutive because
/// the analyser numbers them so).
fn tokens_query(field: Field, tokens: &[String], slop: u32) -> Box<dyn TantivyQuery> {
    if tokens.len() == 1 {
        return Box::new(TermQuery::new(
            TantivyTerm::from_field_text(field, &tokens[0]),
            IndexRecordOption::WithFreqs,
        ));
    }
    let terms = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| (i, TantivyTerm::from_field_text(field, t)))
        .collect();
    Box::new(crate::seek_guard::ForwardOnly(Box::new(
        PhraseQuery::new_with_offset_and_slop(terms, slop),
    )))
}

/// The passages a saved reference names: `doc:n` (the ordinal, as hits
/// show it) or a content anchor (`3f9a0c12de`, or `doc@3f9a0c12de` to stay
/// within one document). An anchor still finds its passage after a
/// re-segmentation has shifted the ordinals. Unknown references give none;
/// an unknown document is a [`UserError`] listing the valid ones.
pub fn find(index: &Index, reference: &str) -> crate::Result<Vec<Hit>> {
    let f = index.fields();
    let searcher = index.searcher();
    let doc_query = |doc: &str| -> crate::Result<Box<dyn TantivyQuery>> {
        let ids = index.document_ids()?;
        if !ids.contains(&doc) {
            return Err(UserError::Other(format!(
                "unknown document `{doc}`; valid documents: {}",
                ids.join(", ")
            ))
            .into());
        }
        Ok(Box::new(TermQuery::new(
            TantivyTerm::from_field_text(f.doc, doc),
            IndexRecordOption::Basic,
        )))
    };
    let anchor_query = |anchor: &str| -> Box<dyn TantivyQuery> {
        Box::new(TermQuery::new(
            TantivyTerm::from_field_text(f.anchor, &anchor.to_ascii_lowercase()),
            IndexRecordOption::Basic,
        ))
    };
    let query: Box<dyn TantivyQuery> = if let Some((doc, n)) = reference.split_once(':') {
        let Ok(n) = n.parse::<u64>() else {
            return Err(UserError::Other(format!(
                "`{reference}` is not a passage id: write doc:n (e.g. norway-2017:42) or an anchor"
            ))
            .into());
        };
        Box::new(BooleanQuery::intersection(vec![
            doc_query(doc)?,
            Box::new(TermQuery::new(
                TantivyTerm::from_field_u64(f.n, n),
                IndexRecordOption::Basic,
            )),
        ]))
    } else if let Some((doc, anchor)) = reference.split_once('@') {
        Box::new(BooleanQuery::intersection(vec![
            doc_query(doc)?,
            anchor_query(anchor),
        ]))
    } else {
        anchor_query(reference)
    };
    let found = searcher.search(
        &query,
        &TopDocs::with_limit(100).order_by_u64_field("date_order", tantivy::Order::Desc),
    )?;
    found
        .into_iter()
        .enumerate()
        .map(|(i, (_, address))| {
            let mut hit = read_hit(&searcher, f, address, 0.0)?;
            hit.rank = i + 1;
            Ok(hit)
        })
        .collect()
}

fn read_hit(
    searcher: &tantivy::Searcher,
    f: &Fields,
    address: DocAddress,
    score: Score,
) -> crate::Result<Hit> {
    let d: TantivyDocument = searcher.doc(address)?;
    let text = |field: Field| {
        d.get_first(field)
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let number = |field: Field| d.get_first(field).and_then(|v| v.as_u64());
    let small = |field: Field| number(field).map(|n| u32::try_from(n).unwrap_or(u32::MAX));
    let doc = text(f.doc);
    let n = small(f.n).unwrap_or(0);
    let themes = d
        .get_all(f.themes)
        .filter_map(|v| {
            v.as_facet()
                .and_then(|s| Facet::from_encoded(s.as_bytes().to_vec()).ok())
        })
        .map(|facet| facet.to_path()[1..].join("/"))
        .collect();
    Ok(Hit {
        id: format!("{doc}:{n}"),
        rank: 0,
        score,
        title: text(f.title),
        issuer: text(f.issuer),
        date: text(f.date),
        section: d
            .get_all(f.section)
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        label: d
            .get_first(f.label)
            .and_then(|v| v.as_str().map(str::to_string)),
        page: small(f.page),
        paragraph: n,
        lines: [
            small(f.line_from).unwrap_or(0),
            small(f.line_to).unwrap_or(0),
        ],
        kind: PassageKind::parse(&text(f.kind)).unwrap_or(PassageKind::Body),
        anchor: text(f.anchor),
        themes,
        text: text(f.text),
        highlights: Vec::new(),
        doc,
    })
}

/// The text leaves that must or may match (those under a negation do not
/// show in a hit).
fn positive_leaves(node: &Node) -> Vec<&Term> {
    let mut out = Vec::new();
    fn walk<'a>(n: &'a Node, out: &mut Vec<&'a Term>) {
        match n {
            Node::Term(t) => out.push(t),
            Node::Juxtaposed(v) | Node::And(v) | Node::Or(v) => v.iter().for_each(|c| walk(c, out)),
            Node::Must(c) => walk(c, out),
            Node::Not(_) | Node::Filter { .. } => {}
        }
    }
    walk(node, &mut out);
    out
}

/// Where the query's words and phrases stand in `text`, as `[start, end)`
/// character offsets, sorted, overlaps merged.
pub fn highlights(text: &str, leaves: &[&Term], lexicon: &Lexicon, exact: bool) -> Vec<[usize; 2]> {
    let mut stemmed: Option<Vec<Token>> = None;
    let mut folded: Option<Vec<Token>> = None;
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for leaf in leaves {
        let use_exact = exact || matches!(leaf.kind, TermKind::Prefix | TermKind::Fuzzy { .. });
        let tokens: &[Token] = if use_exact {
            folded.get_or_insert_with(|| lexicon.exact_tokens(text))
        } else {
            stemmed.get_or_insert_with(|| lexicon.tokens(text))
        };
        let slop = match leaf.kind {
            TermKind::Phrase { slop } => slop as usize,
            _ => 0,
        };
        for v in &leaf.variants {
            match leaf.kind {
                TermKind::Prefix => find_sequence(tokens, &v.tokens, 0, true, &mut spans),
                TermKind::Fuzzy { distance } => {
                    for t in tokens {
                        if v.tokens
                            .first()
                            .is_some_and(|w| edit_distance(&t.text, w) <= usize::from(distance))
                        {
                            spans.push((t.offset_from, t.offset_to));
                        }
                    }
                }
                _ => find_sequence(tokens, &v.tokens, slop, false, &mut spans),
            }
        }
    }
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (a, b) in spans {
        match merged.last_mut() {
            Some(last) if a < last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    to_char_offsets(text, &merged)
}

/// Finds `pattern` in `tokens`, in order, with at most `slop` extra tokens
/// in between; with `prefix`, the last pattern token need only start a
/// word. Each match is one span, first word to last.
fn find_sequence(
    tokens: &[Token],
    pattern: &[String],
    slop: usize,
    prefix: bool,
    spans: &mut Vec<(usize, usize)>,
) {
    let Some(last_index) = pattern.len().checked_sub(1) else {
        return;
    };
    let fits = |k: usize, t: &Token| {
        if prefix && k == last_index {
            t.text.starts_with(pattern[k].as_str())
        } else {
            t.text == pattern[k]
        }
    };
    for start in 0..tokens.len() {
        if !fits(0, &tokens[start]) {
            continue;
        }
        let mut at = start;
        let mut ok = true;
        for k in 1..pattern.len() {
            let limit = (start + k + slop).min(tokens.len() - 1);
            match (at + 1..=limit).find(|&j| fits(k, &tokens[j])) {
                Some(j) => at = j,
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            spans.push((tokens[start].offset_from, tokens[at].offset_to));
        }
    }
}

/// Levenshtein distance with adjacent transpositions counting one, as
/// tantivy's fuzzy matching counts them.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// Byte spans → character spans.
fn to_char_offsets(text: &str, spans: &[(usize, usize)]) -> Vec<[usize; 2]> {
    let starts: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    // Characters starting before a byte offset = its character offset.
    let at = |byte: usize| starts.partition_point(|&s| s < byte);
    spans.iter().map(|&(a, b)| [at(a), at(b)]).collect()
}

/// The one passage a reference names (see [`find`]); a [`UserError`] saying
/// what exists when none does. An anchor shared by identical passages
/// gives the first.
pub fn passage(index: &Index, reference: &str) -> crate::Result<Hit> {
    let reference = reference.trim();
    let anchor = reference.rsplit('@').next().unwrap_or("");
    if !reference.contains(':')
        && (anchor.is_empty() || !anchor.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(UserError::Other(format!(
            "{reference:?} is not a passage reference: write DOC:N (e.g. norway-2017:42) or a passage's anchor"
        ))
        .into());
    }
    if let Some(mut hit) = find(index, reference)?.into_iter().next() {
        hit.rank = 0;
        return Ok(hit);
    }
    let counts = index.passages_per_document()?;
    let hint = match reference
        .split_once(':')
        .and_then(|(d, _)| counts.get(d).map(|c| (d, c)))
    {
        Some((d, c)) => format!("{d} has passages 1 to {c}"),
        None => "no passage has that anchor; anchors change when a passage's text does".to_string(),
    };
    Err(UserError::Other(format!("no passage {reference} in the index: {hint}")).into())
}

/// The passages of `hit`'s document with ordinals from `n - before` to
/// `n + after`, in reading order, and the footnotes its text references.
pub fn context(
    index: &Index,
    hit: &Hit,
    before: u32,
    after: u32,
) -> crate::Result<(Vec<Hit>, Vec<Hit>)> {
    let f = index.fields();
    let searcher = index.searcher();
    let in_doc = || -> Box<dyn TantivyQuery> {
        Box::new(TermQuery::new(
            TantivyTerm::from_field_text(f.doc, &hit.doc),
            IndexRecordOption::Basic,
        ))
    };
    let lo = u64::from(hit.paragraph.saturating_sub(before));
    let hi = u64::from(hit.paragraph) + u64::from(after);
    let range = BooleanQuery::new(vec![
        (Occur::Must, in_doc()),
        (
            Occur::Must,
            Box::new(RangeQuery::new(
                Bound::Included(TantivyTerm::from_field_u64(f.n, lo)),
                Bound::Included(TantivyTerm::from_field_u64(f.n, hi)),
            )),
        ),
    ]);
    // No more than the index holds: tantivy sizes its heap by the limit.
    let limit = ((hi - lo + 1) as usize)
        .min(searcher.num_docs() as usize)
        .max(1);
    let mut around: Vec<Hit> = searcher
        .search(&range, &TopDocs::with_limit(limit).order_by_score())?
        .into_iter()
        .map(|(_, a)| read_hit(&searcher, f, a, 0.0))
        .collect::<crate::Result<_>>()?;
    around.sort_by_key(|h| h.paragraph);

    // The footnote numbers the passage's text references, and their notes.
    let own = searcher.search(
        &BooleanQuery::new(vec![
            (Occur::Must, in_doc()),
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    TantivyTerm::from_field_u64(f.n, u64::from(hit.paragraph)),
                    IndexRecordOption::Basic,
                )),
            ),
        ]),
        &TopDocs::with_limit(1).order_by_score(),
    )?;
    let mut notes = Vec::new();
    if let Some((_, address)) = own.first() {
        let d: TantivyDocument = searcher.doc(*address)?;
        for number in d.get_all(f.footnotes).filter_map(|v| v.as_u64()) {
            let q = BooleanQuery::new(vec![
                (Occur::Must, in_doc()),
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        TantivyTerm::from_field_text(f.label, &number.to_string()),
                        IndexRecordOption::Basic,
                    )),
                ),
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        TantivyTerm::from_field_text(f.kind, PassageKind::Footnote.as_str()),
                        IndexRecordOption::Basic,
                    )),
                ),
            ]);
            if let Some((_, a)) = searcher
                .search(&q, &TopDocs::with_limit(1).order_by_score())?
                .first()
            {
                notes.push(read_hit(&searcher, f, *a, 0.0)?);
            }
        }
    }
    Ok((around, notes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{build, BuildOptions, Silent};
    use std::path::Path;
    use std::sync::OnceLock;
    use tantivy::collector::DocSetCollector;

    /// The founding corpus, indexed once for all tests of this module.
    fn index() -> &'static Index {
        static INDEX: OnceLock<(tempfile::TempDir, Index)> = OnceLock::new();
        &INDEX
            .get_or_init(|| {
                let dir = tempfile::tempdir().unwrap();
                let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
                let opts = BuildOptions {
                    threads: 2,
                    wait_for_lock: true,
                    lossy: false,
                };
                build(&corpus, &dir.path().join("index"), &opts, &Silent).unwrap();
                let index = Index::open(&dir.path().join("index")).unwrap();
                (dir, index)
            })
            .1
    }

    fn run(q: &str) -> SearchResults {
        search(index(), &SearchRequest::new(q)).unwrap_or_else(|e| panic!("{q}: {e}"))
    }

    fn ids(r: &SearchResults) -> Vec<String> {
        r.hits.iter().map(|h| h.id.clone()).collect()
    }

    fn marked(h: &Hit) -> Vec<String> {
        let chars: Vec<char> = h.text.chars().collect();
        h.highlights
            .iter()
            .map(|[a, b]| chars[*a..*b].iter().collect())
            .collect()
    }

    #[test]
    fn phrases_are_highlighted_as_one_span() {
        let r = run("\"confidence-building measures\"");
        assert!(r.total > 0);
        for h in &r.hits {
            for m in marked(h) {
                assert!(
                    m.to_lowercase().starts_with("confidence")
                        || m.to_lowercase().starts_with("cbm"),
                    "{m:?} in {}",
                    h.id
                );
                assert!(
                    m.contains(' ') || m.contains('-') || m.starts_with("CBM"),
                    "{m:?}"
                );
            }
        }
    }

    #[test]
    fn spelling_variants_find_each_other() {
        let all = |q: &str| {
            let mut req = SearchRequest::new(q);
            req.limit = 1000;
            search(index(), &req).unwrap()
        };
        let us = all("behavior");
        let uk = all("behaviour");
        assert!(us.total > 0);
        // The same passages; the spelling typed ranks a little higher.
        let (mut a, mut b) = (ids(&us), ids(&uk));
        a.sort();
        b.sort();
        assert_eq!(a, b);
        let marks: Vec<String> = us.hits.iter().flat_map(marked).collect();
        assert!(
            marks
                .iter()
                .any(|m| m.to_lowercase().starts_with("behaviour")),
            "{marks:?}"
        );
        assert!(
            marks
                .iter()
                .any(|m| m.to_lowercase().starts_with("behavior")),
            "{marks:?}"
        );
    }

    #[test]
    fn acronyms_find_long_forms_and_back() {
        let short = run("CBMs");
        let long = run("\"confidence-building measures\"");
        assert_eq!(short.total, long.total);
        let texts: Vec<&str> = short.hits.iter().map(|h| h.text.as_str()).collect();
        assert!(texts.iter().any(|t| t.contains("CBM")));
        assert!(texts
            .iter()
            .any(|t| t.to_lowercase().contains("confidence-building measures")));
    }

    #[test]
    fn exact_mode_keeps_spellings_apart() {
        let mut req = SearchRequest::new("behaviour");
        req.exact = true;
        let r = search(index(), &req).unwrap();
        assert!(r.total > 0);
        assert!(r
            .hits
            .iter()
            .all(|h| h.text.to_lowercase().contains("behaviour")));
        assert!(r.total < run("behaviour").total);
    }

    #[test]
    fn filters_restrict() {
        let mut req = SearchRequest::new("cybersecurity");
        req.sources = vec!["sweden-2014".into()];
        req.facets = true;
        let r = search(index(), &req).unwrap();
        assert!(r.total > 0);
        assert!(r.hits.iter().all(|h| h.doc == "sweden-2014"));
        assert_eq!(r.facets.source.len(), 1);

        let r = run("cybersecurity year:2015..2020");
        assert!(r.total > 0);
        assert!(r
            .hits
            .iter()
            .all(|h| h.date.starts_with("2016") || h.date.starts_with("2017")));

        let r = run("cybersecurity source:usa-2011");
        assert!(r.hits.iter().all(|h| h.doc == "usa-2011"));

        let mut req = SearchRequest::new("norms");
        req.kind = Some(PassageKind::Footnote);
        let r = search(index(), &req).unwrap();
        assert!(r.hits.iter().all(|h| h.kind == PassageKind::Footnote));
    }

    #[test]
    fn theme_filters_include_sub_themes_and_facets_count() {
        let mut req = SearchRequest::new("international law");
        req.themes = vec!["international-law".into()];
        req.limit = 100;
        req.facets = true;
        let r = search(index(), &req).unwrap();
        assert!(r.total > 0);
        assert!(r
            .hits
            .iter()
            .all(|h| h.themes.iter().any(|t| t.starts_with("international-law"))));
        let pillar = r.facets.theme["international-law"];
        assert_eq!(pillar as usize, r.total);
        // Sub-themes are counted too, and each within its pillar's count.
        let subs: Vec<(&String, &u64)> = r
            .facets
            .theme
            .iter()
            .filter(|(k, _)| k.starts_with("international-law/"))
            .collect();
        assert!(!subs.is_empty(), "{:?}", r.facets.theme);
        assert!(subs.iter().all(|(_, &c)| c <= pillar));

        let sub = run("sovereignty theme:international-law/sovereignty");
        assert!(sub.hits.iter().all(|h| h
            .themes
            .contains(&"international-law/sovereignty".to_string())));
    }

    #[test]
    fn unknown_ids_list_the_valid_ones() {
        let e = search(index(), &SearchRequest::new("norms theme:nonsense"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unknown theme `nonsense`") && e.contains("cbm"),
            "{e}"
        );
        let mut req = SearchRequest::new("norms");
        req.sources = vec!["narnia-2020".into()];
        let e = search(index(), &req).unwrap_err().to_string();
        assert!(
            e.contains("unknown source `narnia-2020`") && e.contains("norway-2017"),
            "{e}"
        );
        let e = search(index(), &SearchRequest::new("norms source:nope"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown source `nope`"), "{e}");
    }

    #[test]
    fn exclusions_and_requirements() {
        let all = run("norms");
        let without = run("norms -source:usa-2011");
        assert!(without.total < all.total);
        assert!(without.hits.iter().all(|h| h.doc != "usa-2011"));
        let r = run("+sovereignty norms");
        assert!(r
            .hits
            .iter()
            .all(|h| h.text.to_lowercase().contains("sovereign")));
        let r = run("NOT norms");
        assert!(r.total > 0);
        // No hit holds the word (as its stem): `normative` may stay.
        let lex = index().lexicon();
        assert!(r
            .hits
            .iter()
            .all(|h| !lex.analyze(&h.text).contains(&"norm".to_string())));
    }

    #[test]
    fn prefix_and_fuzzy() {
        let r = run("cyberspa*");
        assert!(r.total > 0);
        assert!(marked(&r.hits[0])
            .iter()
            .all(|m| m.to_lowercase().starts_with("cyberspa")));
        let r = run("sovreignty~1");
        assert!(r.total > 0);
        assert!(marked(&r.hits[0])
            .iter()
            .any(|m| m.to_lowercase() == "sovereignty"));
    }

    #[test]
    fn pages_and_sorting() {
        let first = run("cyber");
        let mut req = SearchRequest::new("cyber");
        req.offset = 3;
        req.limit = 2;
        let page = search(index(), &req).unwrap();
        assert_eq!(page.total, first.total);
        assert_eq!(ids(&page), ids(&first)[3..5].to_vec());
        assert_eq!(page.hits[0].rank, 4);

        let mut req = SearchRequest::new("cyber");
        req.sort = Sort::Date;
        req.limit = 500;
        let r = search(index(), &req).unwrap();
        let dates: Vec<&str> = r.hits.iter().map(|h| h.date.as_str()).collect();
        let mut sorted = dates.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(dates, sorted);

        let mut req = SearchRequest::new("cyber");
        req.limit = 0;
        let r = search(index(), &req).unwrap();
        assert!(r.hits.is_empty() && r.total == first.total);
    }

    #[test]
    fn json_round_trips() {
        let r = run("\"international law\"");
        assert!(!r.hits.is_empty());
        let json = serde_json::to_value(&r).unwrap();
        for key in ["query", "total", "took_ms", "hits", "facets"] {
            assert!(json.get(key).is_some(), "{key}");
        }
        let hit = &json["hits"][0];
        for key in [
            "id",
            "rank",
            "score",
            "doc",
            "title",
            "issuer",
            "date",
            "section",
            "label",
            "page",
            "paragraph",
            "lines",
            "kind",
            "anchor",
            "themes",
            "text",
            "highlights",
        ] {
            assert!(hit.get(key).is_some(), "{key} missing in {hit}");
        }
        let back: SearchResults = serde_json::from_value(json).unwrap();
        assert_eq!(back.hits, r.hits);
    }

    #[test]
    fn highlight_offsets_count_characters() {
        let lex = Lexicon::builtin();
        let q = Query::parse("roigas \"cyber security\"")
            .unwrap()
            .expand(&lex, false)
            .unwrap();
        let leaves = positive_leaves(&q.root);
        let text = "Rõigas wrote on cyber-security.";
        let h = highlights(text, &leaves, &lex, false);
        assert_eq!(h, vec![[0, 6], [16, 30]]);
    }

    #[test]
    fn saved_references_find_their_passage() {
        let hit = run("sovereignty").hits.remove(0);
        let by_id = find(index(), &hit.id).unwrap();
        assert_eq!(by_id.len(), 1);
        assert_eq!(by_id[0].text, hit.text);
        let by_anchor = find(index(), &hit.anchor).unwrap();
        assert!(by_anchor.iter().any(|h| h.id == hit.id));
        let scoped = find(index(), &format!("{}@{}", hit.doc, hit.anchor)).unwrap();
        assert_eq!(scoped.len(), 1);
        assert_eq!(scoped[0].id, hit.id);
        assert!(find(index(), "norway-2017:99999").unwrap().is_empty());
        assert!(find(index(), "0000000000").unwrap().is_empty());
        let e = find(index(), "atlantis:3").unwrap_err().to_string();
        assert!(
            e.contains("unknown document `atlantis`") && e.contains("usa-2011"),
            "{e}"
        );
        assert!(find(index(), "norway-2017:x").is_err());
    }

    #[test]
    fn stopwords_are_not_highlighted_beside_content_words() {
        let r = run("protection of critical infrastructure");
        let marks: Vec<String> = r.hits.iter().flat_map(marked).collect();
        assert!(!marks.is_empty());
        assert!(marks.iter().all(|m| m.to_lowercase() != "of"), "{marks:?}");
        // A quoted phrase keeps its stopwords inside its one span.
        let r = run("\"freedom of expression\"");
        assert!(marked(&r.hits[0])
            .iter()
            .any(|m| m.to_lowercase() == "freedom of expression"));
    }

    /// The plan as one tantivy query, every clause in it.
    fn whole(plan: &Plan, clause: &Clause) -> Box<dyn TantivyQuery> {
        match clause {
            Clause::Leaf(i) => plan.leaves[*i].query.box_clone(),
            Clause::Bool(cs) => Box::new(BooleanQuery::new(
                cs.iter().map(|(o, c)| (*o, whole(plan, c))).collect(),
            )),
        }
    }

    fn plan(q: &str) -> Plan {
        let request = SearchRequest::new(q);
        let query = expand(index(), &request).unwrap();
        Plan::new(index(), &index().searcher(), &request, &query)
    }

    const SHAPES: &[&str] = &[
        "security",
        "international law",
        "\"international law\"",
        "CBMs",
        "confidence building measures",
        "+sovereignty norms -source:usa-2011",
        "role of the private sector",
        "(privacy OR surveillance) AND NOT norms",
        "\"norms behaviour\"~2 cyber",
        "cyberspa* sovreignty~1",
        "NOT norms",
    ];

    #[test]
    fn the_best_passages_of_phrases_and_unions_are_tantivys() {
        let searcher = index().searcher();
        let queries = [
            "\"international law\"",
            "\"critical infrastructure\"",
            "\"human rights\"",
            "\"in the field of\"",
            "\"of the\"",
            "\"norms of responsible state behaviour\"",
            "CBMs",
            "confidence-building measures",
            "\"international law\" OR privacy OR \"human rights\"",
        ];
        for q in queries {
            let plan = plan(q);
            let recall = plan.recall();
            let clauses = recall.union.unwrap_or_else(|| panic!("{q}: a union"));
            let all = searcher.search(&*recall.query, &Count).unwrap();
            assert!(all > 0, "{q}");
            for k in [1, 2, 3, 10, 100] {
                let theirs = searcher
                    .search(&*recall.query, &TopDocs::with_limit(k).order_by_score())
                    .unwrap();
                let ours = top_union(&searcher, &clauses, k).unwrap();
                assert_eq!(ours.len(), k.min(all), "{q} top {k}");
                // The same scores, but for the order of a sum's terms.
                let close = |a: Score, b: Score| (a - b).abs() <= 1e-5 * a.abs().max(1.0);
                for (o, t) in ours.iter().zip(&theirs) {
                    assert!(close(o.0, t.0), "{q} top {k}: {} vs {}", o.0, t.0);
                }
                // A passage tantivy ranks clearly above our worst is ours.
                let worst = ours.last().map_or(Score::MIN, |r| r.0);
                for t in theirs.iter().filter(|t| t.0 > worst && !close(t.0, worst)) {
                    assert!(
                        ours.iter().any(|o| o.1 == t.1),
                        "{q} top {k}: {:?} missing",
                        t.1
                    );
                }
            }
        }
    }

    #[test]
    fn the_second_pass_scores_as_tantivy_does() {
        let searcher = index().searcher();
        for q in SHAPES {
            let plan = plan(q);
            let found = searcher
                .search(
                    &*whole(&plan, &plan.root),
                    &TopDocs::with_limit(100_000).order_by_score(),
                )
                .unwrap();
            assert!(!found.is_empty(), "{q}");
            let addresses: Vec<DocAddress> = found.iter().map(|(_, a)| *a).collect();
            let ours = plan.scores(&searcher, &addresses).unwrap();
            for ((expected, address), got) in found.iter().zip(ours) {
                let hit = read_hit(&searcher, index().fields(), *address, 0.0).unwrap();
                let factor = match hit.kind {
                    PassageKind::Body => 1.0,
                    PassageKind::ListItem => RANKING.list_item,
                    PassageKind::Footnote => RANKING.footnote,
                };
                let got = got.unwrap_or_else(|| panic!("{q}: {} not matched", hit.id));
                assert!(
                    (got - expected * factor).abs() <= 1e-4 * got.abs().max(1.0),
                    "{q}: {} scored {got}, tantivy {expected} × {factor}",
                    hit.id
                );
            }
        }
    }

    #[test]
    fn both_first_passes_find_every_match() {
        let searcher = index().searcher();
        for q in SHAPES {
            let plan = plan(q);
            let all = searcher
                .search(&*whole(&plan, &plan.root), &DocSetCollector)
                .unwrap();
            let recall = searcher
                .search(&*plan.recall().query, &DocSetCollector)
                .unwrap();
            assert_eq!(recall, all, "{q}");
            if let Some(ranking) = plan.ranking() {
                let wider = searcher.search(&*ranking.query, &DocSetCollector).unwrap();
                assert!(all.is_subset(&wider), "{q}");
            }
        }
        // Words alone are pruned, whatever their boosts.
        assert!(plan("international law").ranking().unwrap().prunable);
        assert!(plan("security").recall().prunable);
        assert!(plan("\"international law\"").ranking().is_none());
    }

    #[test]
    fn pages_match_the_exhaustive_ranking() {
        let searcher = index().searcher();
        for q in [
            "security",
            "international cooperation",
            "digitization",
            "CBMs",
        ] {
            let plan = plan(q);
            let found = searcher
                .search(
                    &*whole(&plan, &plan.root),
                    &TopDocs::with_limit(100_000).order_by_score(),
                )
                .unwrap();
            let addresses: Vec<DocAddress> = found.iter().map(|(_, a)| *a).collect();
            let mut all: Vec<(Score, DocAddress)> = plan
                .scores(&searcher, &addresses)
                .unwrap()
                .into_iter()
                .zip(addresses)
                .map(|(s, a)| (s.unwrap(), a))
                .collect();
            all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let r = run(q);
            assert_eq!(r.total, all.len(), "{q}");
            let got: Vec<Score> = r.hits.iter().map(|h| h.score).collect();
            let expected: Vec<Score> = all.iter().take(10).map(|(s, _)| *s).collect();
            assert_eq!(got, expected, "{q}");
        }
    }

    #[test]
    fn uncounted_totals_are_lower_bounds() {
        let counted = run("cyber");
        let mut req = SearchRequest::new("cyber");
        req.count = false;
        req.limit = 3;
        let r = search(index(), &req).unwrap();
        assert_eq!(ids(&r), ids(&counted)[..3].to_vec());
        assert!(r.total <= counted.total);
        assert!(r.total_exact || r.total == counted.total);
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json.get("total_exact").is_some(), !r.total_exact);
        assert!(counted.total_exact && counted.facets == Facets::default());
    }

    #[test]
    fn large_indexes_count_several_words_only_when_asked() {
        assert!(counts_every_match(true, false, 10 * ALWAYS_COUNTED));
        assert!(counts_every_match(false, true, 10 * ALWAYS_COUNTED));
        assert!(counts_every_match(false, false, ALWAYS_COUNTED));
        assert!(!counts_every_match(false, false, ALWAYS_COUNTED + 1));
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("sovereignty", "sovreignty"), 1);
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
