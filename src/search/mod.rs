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
//! as typed in the exact (unstemmed) text in any of their spellings (so
//! `digitization` prefers `digitisation` to `digital`), add to its score
//! but never match on their own: a quoted phrase must stand in the
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
//!               "label": null, "page": 6, "n": 37, "lines": [200, 235],
//!               "kind": "body", "anchor": "15fa14dff2", "themes": ["cbm", "norms"],
//!               "text": "…", "highlights": [[112, 141], …] } ],
//!   "facets": { "source": { "ccdcoe-2016": 8, … }, "theme": { "cbm": 14, … } } }
//! ```
//!
//! `total` counts every matching passage (a lower bound, with
//! `"total_exact": false`, when the request did not ask for the count),
//! `hits` is the page asked for;
//! `n` is the passage's ordinal (the `n` of its id `doc:n`), `label` the
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

mod clauses;
mod facets;
mod grid;
mod highlight;
mod lookup;
mod plan;
mod request;
mod seek_guard;
#[cfg(test)]
mod tests;
mod top_phrase;

pub use crate::query::YearRange;
pub use facets::{count as count_facets, Facets};
pub use grid::{
    compare, grid, Cell, CompareRequest, CompareRow, Comparison, Grid, GridRequest, GridRow,
    GroupBy, CANDIDATES, MAX_CELLS,
};
pub use highlight::{highlights, highlights_in};
pub(crate) use lookup::context;
pub use lookup::{find, hit_at, passage};
pub use request::{
    language as request_language, SearchRequest, Sort, DEFAULT_LIMIT, MAX_LIMIT, MAX_QUERY_CHARS,
};

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::{DocAddress, Order};

use crate::error::{IdKind, UserError};
use crate::index::Index;
use crate::lexicon::Expansions;
use crate::query::{Filter, Query, TermKind};
use crate::segment::PassageKind;
use clauses::is_stopword;
use highlight::positive_leaves;
use lookup::read_hit;
use plan::{Plan, Scored};
use top_phrase::top_union;

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

/// One matching passage, with everything its citation needs.
///
/// The fields are in the order a table of hits shows them (CSV export).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// 1-based rank over all pages; 0 for a passage looked up by id.
    pub rank: usize,
    /// `doc:n`, e.g. `norway-2017:42`.
    pub id: String,
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
    /// The passage's ordinal in its document: the `n` of its id `doc:n`.
    pub n: u32,
    /// First and last source line.
    pub lines: [u32; 2],
    /// Body, list item or footnote.
    pub kind: PassageKind,
    /// Content anchor, stable across re-segmentation.
    pub anchor: String,
    /// Theme ids.
    pub themes: Vec<String>,
    /// The ranking score; 0 for a passage looked up by id.
    pub score: f32,
    /// The passage text.
    pub text: String,
    /// Matches in `text`, `[start, end)` in Unicode characters.
    pub highlights: Vec<[usize; 2]>,
    /// The document's language (ISO 639-1), as the manifest gives it: the
    /// language the passage was analysed and matched in.
    #[serde(default)]
    pub language: String,
    /// For a query with a quoted phrase: whether this passage holds it
    /// exactly or only in a near form (`"phrase": "exact"` or `"near"` in
    /// the JSON, left out otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phrase: Option<PhraseMatch>,
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

/// Which parts of the ranking a search uses. All of them normally
/// ([`RankingFeatures::ALL`]); the relevance measurements switch them on one
/// by one from [`RankingFeatures::BM25`] to show what each earns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RankingFeatures {
    /// The boosts of the words in section headings, the words as typed,
    /// words side by side, and the passage kind's weight.
    pub boosts: bool,
    /// A concept's other names (acronyms, long forms, variants, symbols).
    pub concepts: bool,
    /// A word's family (`regulatory` for `regulation`).
    pub families: bool,
    /// A quoted phrase's near matches, after its exact ones.
    pub phrase_fallback: bool,
    /// Passages tagged with a theme the query names rank higher.
    pub theme_boost: bool,
}

impl RankingFeatures {
    /// The whole ranking.
    pub const ALL: RankingFeatures = RankingFeatures {
        boosts: true,
        concepts: true,
        families: true,
        phrase_fallback: true,
        theme_boost: true,
    };
    /// BM25 over the normalised text alone.
    pub const BM25: RankingFeatures = RankingFeatures {
        boosts: false,
        concepts: false,
        families: false,
        phrase_fallback: false,
        theme_boost: false,
    };
}

impl Default for RankingFeatures {
    fn default() -> Self {
        RankingFeatures::ALL
    }
}

/// How a hit holds the query's quoted phrases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PhraseMatch {
    /// A quoted phrase stands in it as typed (or as one of the lexicon's
    /// names for it).
    Exact,
    /// Only a near form: the words in a window, in another order, or with
    /// one word different.
    Near,
}

impl PhraseMatch {
    /// How the terminal shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            PhraseMatch::Exact => "exact phrase",
            PhraseMatch::Near => "near",
        }
    }
}

/// Parses, expands and validates the request's query: what `--explain`
/// shows.
pub fn expand(index: &Index, request: &SearchRequest) -> crate::Result<Query> {
    expand_with(index, request, RankingFeatures::ALL)
}

fn expand_with(
    index: &Index,
    request: &SearchRequest,
    features: RankingFeatures,
) -> crate::Result<Query> {
    let with = Expansions {
        concepts: features.concepts,
        families: features.families,
    };
    let languages = query_languages(index, request)?;
    let query = Query::parse(&request.query)?.expand_in(
        index.lexicon(),
        request.exact,
        with,
        &languages,
    )?;
    check_ids(index, request, &query)?;
    Ok(query)
}

/// The languages a request's query is read in: the one asked for
/// (`--lang fr`), else every language the index holds passages in, English
/// first. A language with no passages is refused, naming those there are.
pub fn query_languages(index: &Index, request: &SearchRequest) -> crate::Result<Vec<String>> {
    let present = languages_present(&index.searcher(), index.fields().language)?;
    match &request.lang {
        Some(lang) if present.contains(lang) => Ok(vec![lang.clone()]),
        Some(lang) => Err(UserError::request(
            "lang",
            format!(
                "no passage is in `{lang}`; the index holds {}, or give `any`",
                present.join(", ")
            ),
        )
        .into()),
        None if present.is_empty() => Ok(vec![crate::lexicon::ENGLISH.to_string()]),
        None => Ok(present),
    }
}

/// The languages of the indexed passages, English first, then in code
/// order: the terms of the language field.
pub fn languages_present(
    searcher: &tantivy::Searcher,
    field: tantivy::schema::Field,
) -> crate::Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut terms = inverted.terms().stream().map_err(|e| {
            crate::Error::Internal(format!("cannot read the index's languages: {e}"))
        })?;
        while terms.advance() {
            let code = String::from_utf8_lossy(terms.key()).into_owned();
            if !out.contains(&code) {
                out.push(code);
            }
        }
    }
    out.sort_by_key(|l| (!crate::lexicon::is_english(l), l.clone()));
    Ok(out)
}

/// Runs a request with the whole ranking.
///
/// Two passes keep the cost of a query near that of the passages it shows
/// rather than of every passage it matches. The first asks tantivy for the
/// best [`RERANK_POOL`] passages by plain BM25 of the text, which for words
/// alone it answers with block-max WAND: blocks of postings that cannot
/// reach the pool are skipped unread. The second ranks that pool with
/// everything else the ranking weighs (section headings, word endings,
/// words side by side, the passage kind, the themes the query names) by
/// looking each candidate up in the postings of those clauses, so their
/// cost, positions included, is per candidate and not per match. Counting
/// and facets are passes of their own that score nothing; facets only when
/// asked for.
///
/// A quoted phrase falls back to its near matches only when its exact
/// matches leave the page short: they rank below every exact hit, so a
/// page full of exact hits needs no search for them, and a phrase common
/// enough to fill it costs what it did. `total` then counts the near
/// matches too.
pub fn search(index: &Index, request: &SearchRequest) -> crate::Result<SearchResults> {
    search_with(index, request, RankingFeatures::ALL)
}

/// Runs a request with the parts of the ranking `features` keeps (see
/// [`search`]).
pub fn search_with(
    index: &Index,
    request: &SearchRequest,
    features: RankingFeatures,
) -> crate::Result<SearchResults> {
    let started = Instant::now();
    if request.query.trim().is_empty() && has_filters(request) {
        return grid::browse(index, request, started);
    }
    let query = expand_with(index, request, features)?;
    let searcher = index.searcher();
    let themes = if features.theme_boost && !request.exact {
        index.theme_cues().named(&query_token_runs(index, &query))
    } else {
        Vec::new()
    };
    let plan = Plan::new(index, &searcher, request, &query, features, false, &themes);
    let mut run = run_plan(index, &searcher, request, &plan, &[])?;
    let mut plan = plan;
    let want = request.offset.saturating_add(request.limit);
    if features.phrase_fallback
        && !request.exact
        && request.sort == Sort::Relevance
        && plan.root.holds_phrase()
        // Matches in other languages are no exact hits: a page of them
        // still falls back to the near matches of the query's language.
        && ((run.complete && run.ranked < want) || (plan.elsewhere && run.exact < want))
    {
        let near = Plan::new(index, &searcher, request, &query, features, true, &themes);
        if near.falls_back {
            run = run_plan(index, &searcher, request, &near, &run.matched)?;
            plan = near;
        }
    }
    let Run {
        page, mut total, ..
    } = run;

    let mut facets = Facets::default();
    let recall = plan.recall();
    let count = counts_every_match(request.count, recall.term, passages_of(&searcher));
    if request.facets {
        let (n, counted) = facets::count(&searcher, &*recall.query, &index.meta().themes)?;
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

    let leaves = shown_leaves(&query);
    let phrases = plan.root.holds_phrase();
    let mut hits = Vec::with_capacity(page.len());
    for (i, (scored, address)) in page.into_iter().enumerate() {
        let mut hit = read_hit(&searcher, index.fields(), address, scored.score)?;
        hit.rank = request.offset + i + 1;
        hit.highlights = highlights_in(
            &hit.text,
            &hit.language,
            &leaves,
            index.lexicon(),
            request.exact,
        );
        hit.phrase = match (phrases, scored.exact_phrases, scored.near_phrases) {
            (false, _, _) => None,
            (true, 0, 0) => None,
            (true, 0, _) => Some(PhraseMatch::Near),
            (true, _, _) => Some(PhraseMatch::Exact),
        };
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

/// Every run of tokens the expanded query searches for (each variant of
/// each leaf), and the whole query analysed: where theme cues are looked
/// for.
fn query_token_runs(index: &Index, query: &Query) -> Vec<Vec<String>> {
    let mut runs = vec![index.lexicon().analyze(&query.input)];
    for leaf in positive_leaves(&query.root) {
        runs.extend(leaf.variants.iter().map(|v| v.tokens.clone()));
    }
    runs
}

fn passages_of(searcher: &tantivy::Searcher) -> usize {
    (searcher.num_docs() as usize).max(1)
}

/// What one plan's passes found.
struct Run {
    /// The page, best first.
    page: Vec<(Scored, DocAddress)>,
    /// Every match, when counted along the way.
    total: Option<usize>,
    /// Whether the pool held every match.
    complete: bool,
    /// How many matching passages were ranked.
    ranked: usize,
    /// How many of them hold every quoted phrase exactly.
    exact: usize,
    /// The passages ranked (every match, when `complete`).
    matched: Vec<DocAddress>,
}

/// Runs a plan's two passes; `also` are passages to rank whatever the
/// first pass finds (the exact hits of a phrase, when its near matches
/// are sought).
fn run_plan(
    index: &Index,
    searcher: &tantivy::Searcher,
    request: &SearchRequest,
    plan: &Plan,
    also: &[DocAddress],
) -> crate::Result<Run> {
    let recall = plan.recall();
    let _ = index;
    // Clamped to the passages there are: tantivy sizes its heap by the
    // limit, and a huge `--limit` or `--offset` would overflow it.
    let passages = passages_of(searcher);
    let count = counts_every_match(request.count, recall.term, passages);
    // A pass that visits every match anyway counts them for free (with
    // facets, their pass counts).
    let fuse_count = !request.facets;
    let mut total = None;
    let mut complete = false;
    let mut matched = Vec::new();
    let mut exact = 0;
    let page: Vec<(Scored, DocAddress)> = match request.sort {
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
            // Under a broad filter (a theme, a span of years) the best
            // passages of the words alone, which block-max WAND finds
            // without visiting every passage under the filter, hold the
            // best ones under it; the second pass drops the others. A
            // pool widened by the share the filter keeps finds enough.
            let broad = broad_first_pass(searcher, ranking.as_ref(), passages, count)?;
            if let Some((_, share)) = broad {
                pool = pool.saturating_mul(share).min(passages);
            }
            let mut ranked: Vec<(Scored, DocAddress)>;
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
                    top_union(searcher, clauses, pool)?
                } else if let Some((union, _)) = broad {
                    searcher.search(union, &top)?
                } else if ranking.is_none() && fuse_count && !recall.prunable {
                    let (c, n) = searcher.search(&*recall.query, &(top, Count))?;
                    total = Some(n);
                    c
                } else {
                    searcher.search(&*first.query, &top)?
                };
                let mut addresses: Vec<DocAddress> = candidates.iter().map(|(_, a)| *a).collect();
                for a in also {
                    if !addresses.contains(a) {
                        addresses.push(*a);
                    }
                }
                ranked = plan
                    .scores(searcher, &addresses)?
                    .into_iter()
                    .zip(addresses)
                    .filter_map(|(s, a)| s.map(|s| (s, a)))
                    .collect();
                if candidates.len() < pool {
                    // The pool held every candidate, so every match.
                    total.get_or_insert(ranked.len());
                    complete = true;
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
            // Exact phrase hits first, then near ones; each by score.
            // With matches in other languages, near ones of the query's
            // own language before them.
            let near_tier = |s: &Scored| if plan.elsewhere { s.near_phrases } else { 0 };
            ranked.sort_by(|a, b| {
                b.0.exact_phrases
                    .cmp(&a.0.exact_phrases)
                    .then(near_tier(&b.0).cmp(&near_tier(&a.0)))
                    .then(b.0.score.total_cmp(&a.0.score))
                    .then(a.1.cmp(&b.1))
            });
            matched = ranked.iter().map(|(_, a)| *a).collect();
            exact = ranked.iter().filter(|(s, _)| s.exact_phrases > 0).count();
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
            let unscored = Scored {
                score: 0.0,
                exact_phrases: 0,
                near_phrases: 0,
            };
            plan.scores(searcher, &addresses)?
                .into_iter()
                .zip(addresses)
                .map(|(s, a)| (s.unwrap_or(unscored), a))
                .collect()
        }
    };
    Ok(Run {
        exact,
        ranked: matched.len(),
        page,
        total,
        complete,
        matched,
    })
}

/// Whether a request filters by source, theme, year or kind: with no
/// query, it then lists the passages the filters keep.
fn has_filters(r: &SearchRequest) -> bool {
    !r.sources.is_empty() || !r.themes.is_empty() || r.years.is_some() || r.kind.is_some()
}

/// The leaves of `query` its hits highlight.
fn shown_leaves(query: &Query) -> Vec<&crate::query::Term> {
    let mut leaves = positive_leaves(&query.root);
    // `of` and `the` lit up all over a passage hide what matched; they
    // show only when the query has nothing else.
    if leaves.iter().any(|t| !is_stopword(t)) {
        leaves.retain(|t| t.kind != TermKind::Word || !is_stopword(t));
    }
    leaves
}

/// How many passages the first pass hands to the full ranking (see
/// [`search`]): enough that the boosts it leaves out (headings, endings,
/// words side by side, passage kind) rarely lift a passage from below it
/// into the first page, as the relevance set measures.
pub(crate) const RERANK_POOL: usize = 100;

/// A filter that keeps at least one passage in this many is broad: the
/// first pass ranks the words without it (see [`broad_first_pass`]).
const BROAD_FILTER: usize = 8;

/// For a first pass under filters that each keep at least one passage in
/// [`BROAD_FILTER`]: the scored union alone, and by how much to widen the
/// pool (the passages over those the narrowest filter keeps, rounded up).
/// `None` for a narrow filter (a source: visiting its passages is cheap),
/// and when every match is counted anyway.
fn broad_first_pass<'a>(
    searcher: &tantivy::Searcher,
    ranking: Option<&'a plan::Recall>,
    passages: usize,
    count: bool,
) -> crate::Result<Option<(&'a dyn tantivy::query::Query, usize)>> {
    let Some(unfiltered) = ranking.and_then(|r| r.unfiltered.as_ref()) else {
        return Ok(None);
    };
    if count {
        return Ok(None);
    }
    let mut kept = passages;
    for filter in &unfiltered.filters {
        kept = kept.min(filter.count(searcher)?);
    }
    if kept == 0 || kept.saturating_mul(BROAD_FILTER) < passages {
        return Ok(None);
    }
    Ok(Some((&*unfiltered.union, passages.div_ceil(kept))))
}

/// Up to this many passages, counting every match of any query takes well
/// under a millisecond, so totals are exact whether asked for or not.
pub const ALWAYS_COUNTED: usize = 50_000;

/// Whether a search counts every match: when asked, for one term (its
/// document frequency is the count), and on a small index.
fn counts_every_match(asked: bool, one_term: bool, passages: usize) -> bool {
    asked || one_term || passages <= ALWAYS_COUNTED
}

fn check_ids(index: &Index, request: &SearchRequest, query: &Query) -> crate::Result<()> {
    let mut wanted_sources: Vec<&str> = request.sources.iter().map(String::as_str).collect();
    let mut wanted_themes: Vec<&str> = request.themes.iter().map(String::as_str).collect();
    for f in query.filters() {
        match f {
            Filter::Source(s) => wanted_sources.push(s),
            Filter::Theme(t) => wanted_themes.push(t),
            _ => {}
        }
    }
    // The document list is read only for a query that names a source.
    if !wanted_sources.is_empty() {
        let sources = index.document_ids()?;
        check_known(IdKind::Source, &wanted_sources, &sources)?;
    }
    let themes: Vec<&str> = index.meta().themes.iter().map(String::as_str).collect();
    Ok(check_known(IdKind::Theme, &wanted_themes, &themes)?)
}

/// Refuses the first of `ids` not in `valid`, listing the valid ones.
pub fn check_known(kind: IdKind, ids: &[&str], valid: &[&str]) -> Result<(), UserError> {
    match ids.iter().find(|id| !valid.contains(id)) {
        Some(bad) => Err(UserError::UnknownId {
            kind,
            id: (*bad).to_string(),
            valid: valid.iter().map(|v| (*v).to_string()).collect(),
        }),
        None => Ok(()),
    }
}
