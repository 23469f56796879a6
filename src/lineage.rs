//! Lineage of agreed wording, answered from an open index: the records
//! `trace`, `reuse` and `similar` show, each passage with its citation.
//!
//! Input: an [`Index`] (its reuse files, read on first use by
//! [`Index::reuse`]) and a passage reference or a text. Output: a
//! [`Lineage`] (the versions of a formulation, earliest first, each with
//! its word diff against the closest earlier version and its citation),
//! [`Cluster`]s (the corpus-wide view), or [`Similar`] passages in two
//! tiers — shared wording first (aligned, [`crate::reuse`]), then shared
//! rare terms (a query of the passage's rarest stemmed terms through the
//! search index, BM25-ranked).
//!
//! Refused: an unknown passage reference (as `show` refuses it), a text to
//! trace with fewer words than a shingle, `min_words` of 0.

use std::collections::HashSet;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query as TantivyQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

use crate::cite::Citation;
use crate::error::{Error, IdKind, UserError};
use crate::index::Index;
use crate::reuse::{Cluster, ReuseError, ReuseOptions, TraceEntry};
use crate::search::{self, Hit};

/// A formulation's versions, earliest first ([`crate::reuse::Trace`] with
/// each version's citation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lineage {
    /// The text traced (the passage's text when a passage was traced).
    pub query: String,
    /// The passage traced, when one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_id: Option<String>,
    /// The least number of matched words that counts as shared wording.
    pub min_words: usize,
    /// Passages aligned with the query.
    pub aligned: usize,
    /// Whether more passages shared shingles with it than were aligned
    /// (later versions may then be missing).
    pub truncated: bool,
    /// The query's distinct shingles (runs of five words).
    pub shingles: usize,
    /// How many of them are stock phrases (held by too many passages to
    /// trace).
    pub stock_shingles: usize,
    /// The versions, by document date, earliest first.
    pub entries: Vec<LineageEntry>,
}

/// One version of a formulation, with its citation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineageEntry {
    /// The version.
    #[serde(flatten)]
    pub entry: TraceEntry,
    /// The whole passage (`span` counts characters of it).
    pub passage_text: String,
    /// Its citation.
    pub citation: Citation,
}

/// Which tier a similar passage comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// It shares a span of wording (aligned).
    Wording,
    /// It shares rare terms only (ranked by the search index).
    Terms,
}

/// A passage like a given one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimilarEntry {
    /// Shared wording or shared terms.
    pub tier: Tier,
    /// The passage id.
    pub id: String,
    /// Its document.
    pub doc: String,
    /// The document's date.
    pub date: String,
    /// For [`Tier::Wording`]: words matched in the shared span.
    pub matched_words: usize,
    /// For [`Tier::Wording`]: Dice similarity of the spans (0–1); for
    /// [`Tier::Terms`]: the BM25 score of the rare-terms query.
    pub score: f64,
    /// For [`Tier::Terms`]: the rare terms it shares (stemmed forms).
    pub shared_terms: Vec<String>,
    /// The shared span ([`Tier::Wording`]) or the passage text.
    pub text: String,
    /// Its citation.
    pub citation: Citation,
}

/// The passages most like one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Similar {
    /// The passage asked about.
    pub id: String,
    /// Its text.
    pub text: String,
    /// The terms of the second tier's query, rarest first.
    pub rare_terms: Vec<String>,
    /// Shared wording first, then shared rare terms.
    pub passages: Vec<SimilarEntry>,
}

/// Rare terms a passage is compared by in the second tier.
const RARE_TERMS: usize = 12;

fn reuse_error(e: ReuseError) -> Error {
    match e {
        ReuseError::UnknownPassage(reference) => UserError::NoSuchPassage {
            reference,
            passages: None,
        }
        .into(),
        other => Error::Internal(other.to_string()),
    }
}

fn check(options: &ReuseOptions) -> crate::Result<()> {
    if options.min_words == 0 {
        return Err(UserError::request("min-words", "must be at least 1").into());
    }
    Ok(())
}

/// The citation of the passage `id` (`doc:n`).
fn citation(index: &Index, id: &str) -> crate::Result<(Hit, Citation)> {
    let hit = search::passage(index, id)?;
    let documents = index.documents()?;
    let doc = documents
        .iter()
        .find(|d| d.id == hit.doc)
        .ok_or_else(|| UserError::UnknownId {
            kind: IdKind::Document,
            id: hit.doc.clone(),
            valid: documents.iter().map(|d| d.id.clone()).collect(),
        })?;
    let citation = Citation::of_hit(doc, &hit);
    Ok((hit, citation))
}

/// The lineage of the passage `reference` (an id or anchor, as `show`
/// takes it).
pub fn trace_passage(
    index: &Index,
    reference: &str,
    options: &ReuseOptions,
) -> crate::Result<Lineage> {
    check(options)?;
    let hit = search::passage(index, reference)?;
    let library = index.reuse()?;
    let trace = library
        .trace_passage(&hit.id, options)
        .map_err(reuse_error)?;
    lineage(index, trace)
}

/// The lineage of a text.
pub fn trace_text(index: &Index, text: &str, options: &ReuseOptions) -> crate::Result<Lineage> {
    check(options)?;
    let library = index.reuse()?;
    let words = crate::reuse::Words::new(library.lexicon(), text).len();
    let shingle = library.index().params().shingle;
    if words < shingle {
        return Err(UserError::request(
            "text",
            format!("has {words} words; a formulation to trace needs at least {shingle}"),
        )
        .into());
    }
    let trace = library.trace(text, options).map_err(reuse_error)?;
    lineage(index, trace)
}

fn lineage(index: &Index, trace: crate::reuse::Trace) -> crate::Result<Lineage> {
    // Each version's citation and text, read in parallel.
    let entries = trace
        .entries
        .into_par_iter()
        .map(|entry| {
            let (hit, citation) = citation(index, &entry.id)?;
            Ok(LineageEntry {
                entry,
                passage_text: hit.text,
                citation,
            })
        })
        .collect::<crate::Result<_>>()?;
    Ok(Lineage {
        query: trace.query,
        query_id: trace.query_id,
        min_words: trace.min_words,
        aligned: trace.aligned,
        truncated: trace.truncated,
        shingles: trace.shingles,
        stock_shingles: trace.stock_shingles,
        entries,
    })
}

/// Every cluster of passages sharing a span, widest-travelled first, with
/// at least `min_documents` documents.
pub fn clusters(
    index: &Index,
    options: &ReuseOptions,
    min_documents: usize,
) -> crate::Result<Vec<Cluster>> {
    check(options)?;
    let mut clusters = index.reuse()?.clusters(options).map_err(reuse_error)?;
    clusters.retain(|c| c.documents >= min_documents);
    Ok(clusters)
}

/// The passages most like `reference`: those sharing wording with it,
/// most similar first, then those sharing its rarest terms, at most
/// `limit` in all. Passages of its own document are left out.
pub fn similar(
    index: &Index,
    reference: &str,
    limit: usize,
    options: &ReuseOptions,
) -> crate::Result<Similar> {
    check(options)?;
    let hit = search::passage(index, reference)?;
    let library = index.reuse()?;
    let mut passages: Vec<SimilarEntry> = library
        .similar(&hit.id, limit, options)
        .map_err(reuse_error)?
        .into_iter()
        .filter(|s| s.shared_wording)
        .map(|s| {
            let (_, citation) = citation(index, &s.id)?;
            Ok(SimilarEntry {
                tier: Tier::Wording,
                id: s.id,
                doc: s.doc,
                date: s.date.to_string(),
                matched_words: s.matched_words,
                score: s.similarity,
                shared_terms: Vec::new(),
                text: s.text,
                citation,
            })
        })
        .collect::<crate::Result<_>>()?;

    // Second tier: the passage's rarest terms as one query.
    let rare_terms = rarest_terms(index, &hit.text);
    if passages.len() < limit && !rare_terms.is_empty() {
        let f = index.fields();
        let searcher = index.searcher();
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = rare_terms
            .iter()
            .map(|t| {
                let q: Box<dyn TantivyQuery> = Box::new(TermQuery::new(
                    Term::from_field_text(f.text, t),
                    IndexRecordOption::WithFreqs,
                ));
                (Occur::Should, q)
            })
            .collect();
        clauses.push((
            Occur::MustNot,
            Box::new(TermQuery::new(
                Term::from_field_text(f.doc, &hit.doc),
                IndexRecordOption::Basic,
            )),
        ));
        let seen: HashSet<String> = passages.iter().map(|p| p.id.clone()).collect();
        let top = searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(limit + seen.len()).order_by_score(),
        )?;
        for (score, address) in top {
            if passages.len() >= limit {
                break;
            }
            let other = search::hit_at(index, address, score)?;
            if seen.contains(&other.id) {
                continue;
            }
            let theirs: HashSet<String> = index
                .lexicon()
                .tokens(&other.text)
                .into_iter()
                .map(|t| t.text)
                .collect();
            let shared_terms = rare_terms
                .iter()
                .filter(|t| theirs.contains(*t))
                .cloned()
                .collect();
            let (_, citation) = citation(index, &other.id)?;
            passages.push(SimilarEntry {
                tier: Tier::Terms,
                id: other.id,
                doc: other.doc,
                date: other.date,
                matched_words: 0,
                score: f64::from(score),
                shared_terms,
                text: other.text,
                citation,
            });
        }
    }
    Ok(Similar {
        id: hit.id,
        text: hit.text,
        rare_terms,
        passages,
    })
}

/// The text's rarest stemmed terms held by at least one other passage,
/// rarest first: a term only this passage holds finds nothing.
fn rarest_terms(index: &Index, text: &str) -> Vec<String> {
    let f = index.fields();
    let searcher = index.searcher();
    let mut seen = HashSet::new();
    let mut terms: Vec<(u64, String)> = index
        .lexicon()
        .tokens(text)
        .into_iter()
        .filter(|t| t.text.chars().count() > 2 && seen.insert(t.text.clone()))
        .filter_map(|t| {
            let df = searcher
                .doc_freq(&Term::from_field_text(f.text, &t.text))
                .ok()?;
            (df >= 2).then_some((df, t.text))
        })
        .collect();
    terms.sort();
    terms.truncate(RARE_TERMS);
    terms.into_iter().map(|(_, t)| t).collect()
}
