//! Comparing sources: the document × theme [`Grid`] and the side-by-side
//! [`Comparison`].
//!
//! Input: a [`GridRequest`] or a [`CompareRequest`] (the filters of a
//! search: sources, years, passage kind, a query) and the open index.
//! Output: serialisable records (`grid --json`, `compare --json`).
//! Refused: unknown source or theme ids (with the valid ones), a query the
//! search refuses, a grid of more than [`MAX_CELLS`] cells.
//!
//! # The grid
//!
//! Rows are documents, or groups of them ([`GroupBy`]); columns are themes
//! (the pillars unless the request names others, see
//! [`GridRequest::themes`]). A cell counts the passages of its row tagged
//! with its theme or one of its sub-themes, among those the filters keep:
//! the figure `search --theme T --source D --count` gives. Its best
//! passage is the one whose *evidence* for the theme is strongest: the
//! tagger's score ([`crate::themes::ThemeScore`]), the sum of the weights of
//! the theme's terms found in the passage, each counted at most the
//! taxonomy's `repeat_cap` times (a pillar's includes its sub-themes'). A
//! long passage repeating one word scores no more for it, so the best
//! passage is the one saying most about the theme, not the longest. Ties go
//! to the newer document, then the earlier passage. The hit's `score` is
//! that evidence.
//!
//! Everything is read from the index's columns (the document, the stored
//! evidence, the date order) in one pass over the matching passages; the
//! store is read only for the one best passage of each cell.
//!
//! # The comparison
//!
//! One row per document with a match, oldest first: its best passage and
//! how many of its passages match. For a query, the best passage is the
//! one the search ranks first among that document's (each document's
//! [`CANDIDATES`] best by the first pass are ranked in full, as a search
//! ranks its pool); for a theme alone, the one with the strongest evidence,
//! as in the grid. Documents the filters keep but where nothing matches are
//! listed in `silent`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query as TantivyQuery};
use tantivy::{DocAddress, DocId, Order, Score, SegmentOrdinal, SegmentReader};

use super::clauses::request_filters;
use super::highlight::highlights_in;
use super::lookup::read_hit;
use super::plan::Plan;
use super::{check_known, expand, shown_leaves, Facets, Hit, SearchRequest, SearchResults};
use crate::cite::{Citation, Format};
use crate::error::{IdKind, UserError};
use crate::index::{theme_score_of, DocumentMeta, Index, ThemeMeta};
use crate::query::{Query, YearRange};
use crate::segment::PassageKind;

/// The most cells a grid may hold: each is a passage read and cited.
pub const MAX_CELLS: usize = 100_000;

/// How many passages of each document the first pass of a comparison
/// hands to the full ranking (see the module documentation): the pool a
/// search of that one document ranks, so that both pick the same best.
pub const CANDIDATES: usize = super::RERANK_POOL;

/// What a grid's rows are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    /// One row per document (the default).
    #[default]
    Document,
    /// One row per issuer.
    Issuer,
    /// One row per country; a document of no country is grouped under its
    /// organisation, else its issuer.
    Country,
    /// One row per year.
    Year,
    /// One row per kind of document (`national-strategy`).
    Kind,
}

impl GroupBy {
    /// Every grouping, with its name.
    pub const ALL: [(&'static str, GroupBy); 5] = [
        ("document", GroupBy::Document),
        ("issuer", GroupBy::Issuer),
        ("country", GroupBy::Country),
        ("year", GroupBy::Year),
        ("kind", GroupBy::Kind),
    ];

    /// The grouping a name (`issuer`, `doc`) stands for.
    pub fn parse(name: &str) -> Result<GroupBy, UserError> {
        let name = name.trim().to_ascii_lowercase();
        let name = match name.as_str() {
            "doc" | "docs" | "documents" | "source" | "sources" => "document",
            other => other,
        };
        GroupBy::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, g)| *g)
            .ok_or_else(|| {
                UserError::request(
                    "by",
                    format!(
                        "unknown grouping `{name}`: group rows by document, issuer, country, year or kind"
                    ),
                )
            })
    }

    /// Its name.
    pub fn as_str(self) -> &'static str {
        GroupBy::ALL
            .iter()
            .find(|(_, g)| *g == self)
            .map_or("document", |(n, _)| n)
    }

    /// The row a document falls in: its key and the row's label.
    fn key(self, d: &DocumentMeta) -> (String, String) {
        match self {
            GroupBy::Document => (d.id.clone(), d.title.clone()),
            GroupBy::Issuer => (d.issuer.clone(), d.issuer.clone()),
            GroupBy::Country => {
                let key = d
                    .country
                    .clone()
                    .or_else(|| d.organization.clone())
                    .unwrap_or_else(|| d.issuer.clone());
                (key.clone(), key)
            }
            GroupBy::Year => (d.year.to_string(), d.year.to_string()),
            GroupBy::Kind => (d.kind.clone(), d.kind.clone()),
        }
    }
}

/// What a grid is asked for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GridRequest {
    /// Only passages matching this query (the search's language); blank
    /// for every passage.
    #[serde(rename = "q")]
    pub query: String,
    /// The columns: theme ids, `P/*` for the sub-themes of pillar `P`,
    /// `pillars`, `sub-themes` or `all`; empty for the pillars. Ids may be
    /// joined by commas.
    #[serde(rename = "themes")]
    pub themes: Vec<String>,
    /// What the rows are.
    pub by: GroupBy,
    /// Only these documents; empty keeps all.
    #[serde(rename = "source")]
    pub sources: Vec<String>,
    /// Only documents of these years.
    #[serde(rename = "year")]
    pub years: Option<YearRange>,
    /// Only this kind of passage.
    pub kind: Option<PassageKind>,
    /// The query's words as typed (see [`SearchRequest::exact`]).
    pub exact: bool,
}

/// One cell of a grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// The row's key: a document id, or the group's key.
    pub doc: String,
    /// The column's theme id.
    pub theme: String,
    /// Passages of the row tagged with the theme or one of its
    /// sub-themes, among those the filters keep.
    pub count: u64,
    /// The passage with the strongest evidence for the theme (its `score`
    /// is that evidence); `null` when `count` is 0.
    pub best: Option<Hit>,
    /// The best passage's citation, plain.
    pub citation: Option<String>,
}

/// A row of a grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridRow {
    /// Its key (as [`Cell::doc`]).
    pub id: String,
    /// A label for people: the document's title, or the group's key.
    pub label: String,
    /// The documents in it, in manifest order.
    pub documents: Vec<String>,
    /// Its passages the filters keep, whatever their themes.
    pub passages: u64,
}

/// The document × theme grid (`grid --json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grid {
    /// The query restricting the passages; blank for none.
    pub query: String,
    /// What the rows are.
    pub by: GroupBy,
    /// The rows' keys, in order: documents in manifest order, groups by
    /// key.
    pub rows: Vec<String>,
    /// The columns' theme ids, in order.
    pub themes: Vec<String>,
    /// Every cell, row by row, each row's cells in column order.
    pub cells: Vec<Cell>,
    /// The rows in full.
    pub row_details: Vec<GridRow>,
    /// The columns in full: id, label, pillar.
    pub theme_details: Vec<ThemeMeta>,
    /// Passages the filters keep, in all.
    pub passages: u64,
    /// Time spent, in milliseconds.
    #[serde(rename = "took_ms", with = "super::millis")]
    pub took: Duration,
}

impl Grid {
    /// The cell of row `row` and column `column` (positions).
    pub fn cell(&self, row: usize, column: usize) -> Option<&Cell> {
        self.cells.get(row * self.themes.len() + column)
    }
}

/// What a comparison is asked for: a query, a theme, or both.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CompareRequest {
    /// The query (the search's language); blank to compare by theme.
    #[serde(rename = "q")]
    pub query: String,
    /// Only passages with this theme (a pillar includes its sub-themes).
    pub theme: Option<String>,
    /// Only these documents; empty keeps all.
    #[serde(rename = "source")]
    pub sources: Vec<String>,
    /// Only documents of these years.
    #[serde(rename = "year")]
    pub years: Option<YearRange>,
    /// Only this kind of passage.
    pub kind: Option<PassageKind>,
    /// The query's words as typed (see [`SearchRequest::exact`]).
    pub exact: bool,
}

/// One document of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareRow {
    /// Document id.
    pub doc: String,
    /// Its date, as the manifest gives it.
    pub date: String,
    /// Its title.
    pub title: String,
    /// Its issuer.
    pub issuer: String,
    /// Its passages that match.
    pub count: u64,
    /// Its best matching passage.
    pub best: Hit,
    /// That passage's citation, plain.
    pub citation: String,
}

/// The side-by-side comparison (`compare --json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The query; blank when comparing by theme alone.
    pub query: String,
    /// The theme compared on, if any.
    pub theme: Option<String>,
    /// One row per document with a match, oldest first.
    pub rows: Vec<CompareRow>,
    /// Documents the filters keep where nothing matches, oldest first.
    pub silent: Vec<String>,
    /// Time spent, in milliseconds.
    #[serde(rename = "took_ms", with = "super::millis")]
    pub took: Duration,
}

impl CompareRequest {
    /// The search request with the same query and filters.
    fn search_request(&self) -> SearchRequest {
        let mut r = SearchRequest::new(self.query.trim());
        r.sources = self.sources.clone();
        r.themes = self.theme.iter().cloned().collect();
        r.years = self.years;
        r.kind = self.kind;
        r.exact = self.exact;
        r
    }
}

impl GridRequest {
    /// The search request with the same query and filters.
    fn search_request(&self) -> SearchRequest {
        let mut r = SearchRequest::new(self.query.trim());
        r.sources = self.sources.clone();
        r.years = self.years;
        r.kind = self.kind;
        r.exact = self.exact;
        r
    }
}

/// A query as expanded, and its plan.
type Expanded = (Query, Plan);

/// The filters and query of a request as one tantivy query, and the
/// expanded query (for highlights) when there is one. Ids are checked.
fn matching(
    index: &Index,
    request: &SearchRequest,
) -> crate::Result<(Box<dyn TantivyQuery>, Option<Expanded>)> {
    let request = request.clone().validate()?;
    if request.query.trim().is_empty() {
        if !request.sources.is_empty() {
            let sources = index.document_ids()?;
            let wanted: Vec<&str> = request.sources.iter().map(String::as_str).collect();
            check_known(IdKind::Source, &wanted, &sources)?;
        }
        let themes: Vec<&str> = index.meta().themes.iter().map(String::as_str).collect();
        let wanted: Vec<&str> = request.themes.iter().map(String::as_str).collect();
        check_known(IdKind::Theme, &wanted, &themes)?;
        let filters = request_filters(index.fields(), &request);
        let query: Box<dyn TantivyQuery> = if filters.is_empty() {
            Box::new(AllQuery)
        } else {
            Box::new(BooleanQuery::new(
                filters.into_iter().map(|q| (Occur::Must, q)).collect(),
            ))
        };
        return Ok((query, None));
    }
    let query = expand(index, &request)?;
    let searcher = index.searcher();
    // Ranked as a search ranks: the themes the query names count too.
    let themes = if request.exact {
        Vec::new()
    } else {
        index
            .theme_cues()
            .named(&super::query_token_runs(index, &query))
    };
    let plan = Plan::new(
        index,
        &searcher,
        &request,
        &query,
        super::RankingFeatures::ALL,
        false,
        &themes,
    );
    Ok((plan.recall().query, Some((query, plan))))
}

/// A search with filters and no query: every passage the filters keep,
/// newest document first, then reading order (as `--sort date`), each with
/// a score of 0. What `search --theme T --source D --count` counts.
pub(super) fn browse(
    index: &Index,
    request: &SearchRequest,
    started: Instant,
) -> crate::Result<SearchResults> {
    let (query, _) = matching(index, request)?;
    let searcher = index.searcher();
    let passages = (searcher.num_docs() as usize).max(1);
    // TopDocs refuses a limit of 0; a page of none still counts.
    let top = TopDocs::with_limit(request.limit.clamp(1, passages))
        .and_offset(request.offset.min(passages))
        .order_by_u64_field("date_order", Order::Desc);
    let (found, mut total) = searcher.search(&*query, &(top, Count))?;
    let mut facets = Facets::default();
    if request.facets {
        (total, facets) = super::facets::count(&searcher, &*query, &index.meta().themes)?;
    }
    let mut hits = Vec::with_capacity(request.limit.min(found.len()));
    for (i, (_, address)) in found.into_iter().take(request.limit).enumerate() {
        let mut hit = read_hit(&searcher, index.fields(), address, 0.0)?;
        hit.rank = request.offset + i + 1;
        hits.push(hit);
    }
    Ok(SearchResults {
        query: request.query.clone(),
        total,
        total_exact: true,
        took: started.elapsed(),
        hits,
        facets,
    })
}

/// The documents a request's source and year filters keep, in manifest
/// order.
fn kept_documents<'a>(
    documents: &'a [DocumentMeta],
    sources: &[String],
    years: Option<YearRange>,
) -> Vec<&'a DocumentMeta> {
    documents
        .iter()
        .filter(|d| sources.is_empty() || sources.contains(&d.id))
        .filter(|d| years.is_none_or(|y| u16::try_from(d.year).is_ok_and(|year| y.contains(year))))
        .collect()
}

/// The columns a request names, as positions in the index's theme list.
fn columns(index: &Index, asked: &[String]) -> crate::Result<Vec<usize>> {
    let labels = &index.meta().theme_labels;
    let ids: Vec<&str> = index.meta().themes.iter().map(String::as_str).collect();
    let position = |id: &str| ids.iter().position(|t| *t == id);
    let mut wanted: Vec<&str> = Vec::new();
    let asked: Vec<&str> = asked
        .iter()
        .flat_map(|a| a.split(','))
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .collect();
    if asked.is_empty() {
        wanted.extend(
            labels
                .iter()
                .filter(|t| t.parent.is_none())
                .map(|t| t.id.as_str()),
        );
    }
    for a in asked {
        match a {
            "pillars" => wanted.extend(
                labels
                    .iter()
                    .filter(|t| t.parent.is_none())
                    .map(|t| t.id.as_str()),
            ),
            "sub-themes" | "subthemes" | "sub" => wanted.extend(
                labels
                    .iter()
                    .filter(|t| t.parent.is_some())
                    .map(|t| t.id.as_str()),
            ),
            "all" => wanted.extend(labels.iter().map(|t| t.id.as_str())),
            _ => match a.strip_suffix("/*") {
                Some(pillar) => {
                    check_known(IdKind::Theme, &[pillar], &ids)?;
                    let children: Vec<&str> = labels
                        .iter()
                        .filter(|t| t.parent.as_deref() == Some(pillar))
                        .map(|t| t.id.as_str())
                        .collect();
                    if children.is_empty() {
                        return Err(UserError::request(
                            "themes",
                            format!("the theme `{pillar}` has no sub-themes; name it alone"),
                        )
                        .into());
                    }
                    wanted.extend(children);
                }
                None => {
                    check_known(IdKind::Theme, &[a], &ids)?;
                    wanted.push(a);
                }
            },
        }
    }
    let mut out: Vec<usize> = Vec::new();
    for id in wanted {
        if let Some(p) = position(id) {
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    Ok(out)
}

/// For each theme of the index, the columns its passages count in: its
/// own, and its pillar's.
fn contributions(index: &Index, columns: &[usize]) -> Vec<Vec<u16>> {
    let ids = &index.meta().themes;
    ids.iter()
        .map(|id| {
            columns
                .iter()
                .enumerate()
                .filter(|(_, &c)| {
                    let col = &ids[c];
                    id == col
                        || id
                            .strip_prefix(col.as_str())
                            .is_some_and(|r| r.starts_with('/'))
                })
                .map(|(i, _)| i as u16)
                .collect()
        })
        .collect()
}

/// Computes a grid.
pub fn grid(index: &Index, request: &GridRequest) -> crate::Result<Grid> {
    let started = Instant::now();
    let search = request.search_request();
    let (query, expanded) = matching(index, &search)?;
    let columns = columns(index, &request.themes)?;
    let documents = index.documents()?;
    let kept = kept_documents(documents, &search.sources, search.years);

    // Rows, and the row of each document.
    let mut rows: Vec<GridRow> = Vec::new();
    let mut row_of: HashMap<&str, u32> = HashMap::new();
    for d in &kept {
        let (key, label) = request.by.key(d);
        let r = match rows.iter().position(|r| r.id == key) {
            Some(r) => r,
            None => {
                rows.push(GridRow {
                    id: key,
                    label,
                    documents: Vec::new(),
                    passages: 0,
                });
                rows.len() - 1
            }
        };
        rows[r].documents.push(d.id.clone());
        row_of.insert(d.id.as_str(), r as u32);
    }
    if request.by != GroupBy::Document {
        // Groups by key (years in order); documents stay in manifest order.
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by(|&a, &b| rows[a].id.cmp(&rows[b].id));
        let rank: Vec<u32> = {
            let mut rank = vec![0; rows.len()];
            for (new, &old) in order.iter().enumerate() {
                rank[old] = new as u32;
            }
            rank
        };
        for r in row_of.values_mut() {
            *r = rank[*r as usize];
        }
        let mut sorted: Vec<Option<GridRow>> = rows.into_iter().map(Some).collect();
        rows = order.iter().filter_map(|&i| sorted[i].take()).collect();
    }
    let cells_wanted = rows.len().saturating_mul(columns.len());
    if cells_wanted > MAX_CELLS {
        return Err(UserError::request(
            "themes",
            format!(
                "{} rows × {} themes is more than {MAX_CELLS} cells; group the rows (--by) or name fewer themes",
                rows.len(),
                columns.len()
            ),
        )
        .into());
    }

    let searcher = index.searcher();
    let collector = ThemeCells {
        row_of: &row_of,
        contrib: Arc::new(contributions(index, &columns)),
        rows: rows.len(),
        columns: columns.len(),
    };
    let fruit = searcher.search(&*query, &collector)?;
    for (row, n) in rows.iter_mut().zip(&fruit.row_passages) {
        row.passages = *n;
    }

    let leaves = expanded.as_ref().map(|(q, _)| shown_leaves(q));
    let meta = index.meta();
    let by_id: HashMap<&str, &DocumentMeta> =
        documents.iter().map(|d| (d.id.as_str(), d)).collect();
    // The best passages read in store order, so that those sharing a
    // compressed block (one document's, for several themes) find it in
    // the store's cache, and in parallel: reading them is most of a
    // large grid's time.
    let mut wanted: Vec<(usize, Best)> = fruit
        .best
        .iter()
        .enumerate()
        .filter_map(|(i, b)| b.map(|b| (i, b)))
        .collect();
    wanted.sort_by_key(|(_, b)| b.address);
    let read = |&(i, b): &(usize, Best)| -> crate::Result<(usize, Hit, Option<String>)> {
        let hit = best_hit(index, &searcher, b, leaves.as_deref(), request.exact)?;
        let citation = by_id
            .get(hit.doc.as_str())
            .map(|d| Citation::of_hit(d, &hit).render(Format::Plain));
        Ok((i, hit, citation))
    };
    let chunk = wanted
        .len()
        .div_ceil(rayon::current_num_threads().max(1) * 4)
        .max(1);
    let read: Vec<(usize, Hit, Option<String>)> = wanted
        .par_chunks(chunk)
        .map(|part| part.iter().map(read).collect::<crate::Result<Vec<_>>>())
        .collect::<crate::Result<Vec<_>>>()?
        .concat();
    let mut best: Vec<Option<(Hit, Option<String>)>> = vec![None; cells_wanted];
    for (i, hit, citation) in read {
        best[i] = Some((hit, citation));
    }
    let mut cells = Vec::with_capacity(cells_wanted);
    for (r, row) in rows.iter().enumerate() {
        for (c, &theme) in columns.iter().enumerate() {
            let i = r * columns.len() + c;
            let (best, citation) = match best[i].take() {
                Some((hit, citation)) => (Some(hit), citation),
                None => (None, None),
            };
            cells.push(Cell {
                doc: row.id.clone(),
                theme: meta.themes[theme].clone(),
                count: fruit.counts[i],
                best,
                citation,
            });
        }
    }
    let theme_details = columns
        .iter()
        .map(|&c| {
            let id = &meta.themes[c];
            meta.theme_labels
                .iter()
                .find(|t| &t.id == id)
                .cloned()
                .unwrap_or(ThemeMeta {
                    id: id.clone(),
                    label: id.clone(),
                    parent: None,
                })
        })
        .collect();
    Ok(Grid {
        query: request.query.trim().to_string(),
        by: request.by,
        rows: rows.iter().map(|r| r.id.clone()).collect(),
        themes: columns.iter().map(|&c| meta.themes[c].clone()).collect(),
        cells,
        passages: fruit.row_passages.iter().sum(),
        row_details: rows,
        theme_details,
        took: started.elapsed(),
    })
}

/// Computes a comparison.
pub fn compare(index: &Index, request: &CompareRequest) -> crate::Result<Comparison> {
    let started = Instant::now();
    let search = request.search_request();
    if search.query.is_empty() && request.theme.is_none() {
        return Err(
            UserError::request("query", "compare needs a query or a theme (--theme ID)").into(),
        );
    }
    let (query, expanded) = matching(index, &search)?;
    let documents = index.documents()?;
    let kept = kept_documents(documents, &search.sources, search.years);
    let row_of: HashMap<&str, u32> = kept
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i as u32))
        .collect();
    let searcher = index.searcher();

    let (counts, best): (Vec<u64>, Vec<Option<Best>>) = match &expanded {
        None => {
            // A theme alone: its strongest evidence, as a grid's column.
            let theme = request.theme.clone().unwrap_or_default();
            let columns = columns(index, &[theme])?;
            let fruit = searcher.search(
                &*query,
                &ThemeCells {
                    row_of: &row_of,
                    contrib: Arc::new(contributions(index, &columns)),
                    rows: kept.len(),
                    columns: 1,
                },
            )?;
            (fruit.counts, fruit.best)
        }
        Some((_, plan)) => {
            let collector = Candidates {
                row_of: &row_of,
                rows: kept.len(),
            };
            let mut fruit = searcher.search(&*query, &collector)?;
            // The candidates a search's first pass would pick (its query
            // scores the boosts too), so that each document's best is the
            // one a search of that document ranks first; the counts stay
            // the matches'. Passages it finds that do not match are
            // dropped by the full ranking below.
            if let Some(ranking) = plan.ranking() {
                fruit.candidates = searcher.search(&*ranking.query, &collector)?.candidates;
            }
            // Each document's candidates ranked in full, as a search ranks
            // its pool.
            let addresses: Vec<DocAddress> =
                fruit.candidates.iter().flatten().map(|(_, a)| *a).collect();
            let scores = plan.scores(&searcher, &addresses)?;
            let mut best: Vec<Option<Best>> = vec![None; kept.len()];
            let mut at = 0;
            for (r, candidates) in fruit.candidates.iter().enumerate() {
                for _ in candidates {
                    if let Some(scored) = scores[at] {
                        let b = Best {
                            score: scored.score,
                            order: 0,
                            address: addresses[at],
                        };
                        if best[r].is_none_or(|old| b.beats(&old)) {
                            best[r] = Some(b);
                        }
                    }
                    at += 1;
                }
            }
            (fruit.counts, best)
        }
    };

    let leaves = expanded.as_ref().map(|(q, _)| shown_leaves(q));
    let mut rows = Vec::new();
    let mut silent = Vec::new();
    for (r, d) in kept.iter().enumerate() {
        let Some(b) = best[r] else {
            silent.push(*d);
            continue;
        };
        let hit = best_hit(index, &searcher, b, leaves.as_deref(), request.exact)?;
        rows.push((
            *d,
            CompareRow {
                doc: d.id.clone(),
                date: d.date.clone(),
                title: d.title.clone(),
                issuer: d.issuer.clone(),
                count: counts[r],
                citation: Citation::of_hit(d, &hit).render(Format::Plain),
                best: hit,
            },
        ));
    }
    // Oldest first; the manifest's order among documents of one date.
    rows.sort_by(|a, b| a.0.date.cmp(&b.0.date));
    silent.sort_by(|a, b| a.date.cmp(&b.date));
    Ok(Comparison {
        query: request.query.trim().to_string(),
        theme: request.theme.clone(),
        rows: rows
            .into_iter()
            .enumerate()
            .map(|(i, (_, mut r))| {
                r.best.rank = i + 1;
                r
            })
            .collect(),
        silent: silent.into_iter().map(|d| d.id.clone()).collect(),
        took: started.elapsed(),
    })
}

/// A cell's or row's best passage, read from the store, ranked first and
/// highlighted with the query's `leaves` (none: a grid of themes alone).
fn best_hit(
    index: &Index,
    searcher: &tantivy::Searcher,
    b: Best,
    leaves: Option<&[&crate::query::Term]>,
    exact: bool,
) -> crate::Result<Hit> {
    let mut hit = read_hit(searcher, index.fields(), b.address, b.score)?;
    hit.rank = 1;
    if let Some(leaves) = leaves {
        hit.highlights = highlights_in(&hit.text, &hit.language, leaves, index.lexicon(), exact);
    }
    Ok(hit)
}

/// A cell's best passage so far.
#[derive(Debug, Clone, Copy)]
struct Best {
    score: f32,
    /// The date order ([`crate::index::Fields::date_order`]): higher is a
    /// newer document, then an earlier passage.
    order: u64,
    address: DocAddress,
}

impl Best {
    fn beats(&self, other: &Best) -> bool {
        self.score
            .total_cmp(&other.score)
            .then(self.order.cmp(&other.order))
            .then(other.address.cmp(&self.address))
            .is_gt()
    }
}

/// Each segment's document column, as rows: for each term ordinal of the
/// `doc` column, the row of that document (`u32::MAX` for one no row
/// holds).
fn segment_rows(
    reader: &SegmentReader,
    row_of: &HashMap<&str, u32>,
) -> tantivy::Result<(StrColumn, Vec<u32>)> {
    let docs = reader.fast_fields().str("doc")?.ok_or_else(|| {
        tantivy::TantivyError::SchemaError("the index has no document column".into())
    })?;
    let mut rows = Vec::with_capacity(docs.num_terms());
    let mut id = String::new();
    for ord in 0..docs.num_terms() as u64 {
        id.clear();
        docs.ord_to_str(ord, &mut id)?;
        rows.push(row_of.get(id.as_str()).copied().unwrap_or(u32::MAX));
    }
    Ok((docs, rows))
}

/// Counts passages per row and column and keeps each cell's strongest
/// evidence, from the columns alone.
struct ThemeCells<'a> {
    row_of: &'a HashMap<&'a str, u32>,
    /// For each theme of the index, the columns it counts in.
    contrib: Arc<Vec<Vec<u16>>>,
    rows: usize,
    columns: usize,
}

/// What [`ThemeCells`] gathers.
struct CellFruit {
    /// Row by row, each row's columns in order.
    counts: Vec<u64>,
    best: Vec<Option<Best>>,
    row_passages: Vec<u64>,
}

impl CellFruit {
    fn new(rows: usize, columns: usize) -> CellFruit {
        CellFruit {
            counts: vec![0; rows * columns],
            best: vec![None; rows * columns],
            row_passages: vec![0; rows],
        }
    }

    fn offer(&mut self, i: usize, b: Best) {
        if self.best[i].is_none_or(|old| b.beats(&old)) {
            self.best[i] = Some(b);
        }
    }
}

struct SegmentCells {
    segment: SegmentOrdinal,
    /// Shared: a segment collector may not borrow from its collector.
    contrib: Arc<Vec<Vec<u16>>>,
    columns: usize,
    docs: StrColumn,
    rows: Vec<u32>,
    scores: Column<u64>,
    order: Column<u64>,
    fruit: CellFruit,
    /// This passage's evidence per column (negative: none).
    seen: Vec<f32>,
    touched: Vec<u16>,
}

impl Collector for ThemeCells<'_> {
    type Fruit = CellFruit;
    type Child = SegmentCells;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentCells> {
        let (docs, rows) = segment_rows(reader, self.row_of)?;
        let fast = reader.fast_fields();
        Ok(SegmentCells {
            segment,
            contrib: Arc::clone(&self.contrib),
            columns: self.columns,
            docs,
            rows,
            scores: fast.u64("theme_scores")?,
            order: fast.u64("date_order")?,
            fruit: CellFruit::new(self.rows, self.columns),
            seen: vec![-1.0; self.columns],
            touched: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<CellFruit>) -> tantivy::Result<CellFruit> {
        let mut all = CellFruit::new(self.rows, self.columns);
        for f in fruits {
            for (a, b) in all.counts.iter_mut().zip(f.counts) {
                *a += b;
            }
            for (a, b) in all.row_passages.iter_mut().zip(f.row_passages) {
                *a += b;
            }
            for (i, b) in f.best.into_iter().enumerate() {
                if let Some(b) = b {
                    all.offer(i, b);
                }
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentCells {
    type Fruit = CellFruit;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let Some(row) = self
            .docs
            .term_ords(doc)
            .next()
            .and_then(|o| self.rows.get(o as usize).copied())
            .filter(|&r| r != u32::MAX)
        else {
            return;
        };
        let row = row as usize;
        self.fruit.row_passages[row] += 1;
        for value in self.scores.values_for_doc(doc) {
            let (theme, score) = theme_score_of(value);
            for &c in self.contrib.get(theme).map_or(&[][..], Vec::as_slice) {
                let seen = &mut self.seen[c as usize];
                if *seen < 0.0 {
                    self.touched.push(c);
                }
                *seen = seen.max(score);
            }
        }
        if self.touched.is_empty() {
            return;
        }
        let order = self.order.first(doc).unwrap_or(0);
        for c in self.touched.drain(..) {
            let c = c as usize;
            let i = row * self.columns + c;
            self.fruit.counts[i] += 1;
            let b = Best {
                score: self.seen[c],
                order,
                address: DocAddress::new(self.segment, doc),
            };
            self.fruit.offer(i, b);
            self.seen[c] = -1.0;
        }
    }

    fn harvest(self) -> CellFruit {
        self.fruit
    }
}

/// Counts passages per row and keeps each row's [`CANDIDATES`] best by
/// the first pass's score.
struct Candidates<'a> {
    row_of: &'a HashMap<&'a str, u32>,
    rows: usize,
}

/// What [`Candidates`] gathers.
struct CandidateFruit {
    counts: Vec<u64>,
    /// Per row, its best candidates by first-pass score.
    candidates: Vec<Vec<(Score, DocAddress)>>,
}

impl CandidateFruit {
    fn offer(&mut self, row: usize, score: Score, address: DocAddress) {
        let list = &mut self.candidates[row];
        if list.len() < CANDIDATES {
            list.push((score, address));
            return;
        }
        // Few candidates per row: a scan for the weakest beats a heap.
        if let Some((weakest, _)) = list
            .iter()
            .enumerate()
            .min_by(|a, b| a.1 .0.total_cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1)))
        {
            if score > list[weakest].0 {
                list[weakest] = (score, address);
            }
        }
    }
}

struct SegmentCandidates {
    segment: SegmentOrdinal,
    docs: StrColumn,
    rows: Vec<u32>,
    fruit: CandidateFruit,
}

impl Collector for Candidates<'_> {
    type Fruit = CandidateFruit;
    type Child = SegmentCandidates;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentCandidates> {
        let (docs, rows) = segment_rows(reader, self.row_of)?;
        Ok(SegmentCandidates {
            segment,
            docs,
            rows,
            fruit: CandidateFruit {
                counts: vec![0; self.rows],
                candidates: vec![Vec::new(); self.rows],
            },
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<CandidateFruit>) -> tantivy::Result<CandidateFruit> {
        let mut all = CandidateFruit {
            counts: vec![0; self.rows],
            candidates: vec![Vec::new(); self.rows],
        };
        for f in fruits {
            for (a, b) in all.counts.iter_mut().zip(f.counts) {
                *a += b;
            }
            for (row, list) in f.candidates.into_iter().enumerate() {
                for (s, a) in list {
                    all.offer(row, s, a);
                }
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentCandidates {
    type Fruit = CandidateFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(row) = self
            .docs
            .term_ords(doc)
            .next()
            .and_then(|o| self.rows.get(o as usize).copied())
            .filter(|&r| r != u32::MAX)
        else {
            return;
        };
        self.fruit.counts[row as usize] += 1;
        self.fruit
            .offer(row as usize, score, DocAddress::new(self.segment, doc));
    }

    fn harvest(self) -> CandidateFruit {
        self.fruit
    }
}
