//! Lookup: a passage by its id (`doc:n`) or content anchor, a hit read from
//! the store, and the passages around one.

use std::ops::Bound;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query as TantivyQuery, RangeQuery, TermQuery};
use tantivy::schema::{Facet, Field, IndexRecordOption, Value};
use tantivy::{DocAddress, Score, TantivyDocument, Term as TantivyTerm};

use super::{check_known, Hit};
use crate::error::{IdKind, UserError};
use crate::index::{Fields, Index};
use crate::segment::PassageKind;

/// The passages a saved reference names: `doc:n` (the ordinal, as hits
/// show it) or a content anchor (`3f9a0c12de`, or `doc@3f9a0c12de` to stay
/// within one document). An anchor still finds its passage after a
/// re-segmentation has shifted the ordinals. Unknown references give none;
/// an unknown document is a [`UserError`] listing the valid ones.
pub fn find(index: &Index, reference: &str) -> crate::Result<Vec<Hit>> {
    let f = index.fields();
    let searcher = index.searcher();
    let doc_query = |doc: &str| -> crate::Result<Box<dyn TantivyQuery>> {
        check_known(IdKind::Document, &[doc], &index.document_ids()?)?;
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
            return Err(UserError::NotAReference {
                reference: reference.to_string(),
            }
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

/// The passage tantivy stores at `address`, as a hit with `score`
/// (rank 0, no highlights).
pub fn hit_at(index: &Index, address: DocAddress, score: Score) -> crate::Result<Hit> {
    read_hit(&index.searcher(), index.fields(), address, score)
}

pub(super) fn read_hit(
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
        language: text(f.language),
        section: d
            .get_all(f.section)
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        label: d
            .get_first(f.label)
            .and_then(|v| v.as_str().map(str::to_string)),
        page: small(f.page),
        n,
        lines: [
            small(f.line_from).unwrap_or(0),
            small(f.line_to).unwrap_or(0),
        ],
        kind: PassageKind::parse(&text(f.kind)).unwrap_or(PassageKind::Body),
        anchor: text(f.anchor),
        themes,
        text: text(f.text),
        highlights: Vec::new(),
        phrase: None,
        doc,
    })
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
        return Err(UserError::NotAReference {
            reference: reference.to_string(),
        }
        .into());
    }
    if let Some(mut hit) = find(index, reference)?.into_iter().next() {
        hit.rank = 0;
        return Ok(hit);
    }
    let counts = index.passages_per_document()?;
    let passages = reference
        .split_once(':')
        .and_then(|(d, _)| counts.get(d).map(|&c| (d.to_string(), c)));
    Err(UserError::NoSuchPassage {
        reference: reference.to_string(),
        passages,
    }
    .into())
}

/// The passages of `hit`'s document with ordinals from `n - before` to
/// `n + after`, in reading order (the passage itself among them), and the
/// footnotes its text references: the parts of a passage in context, which
/// the engine assembles with the citation.
pub(crate) fn context(
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
    let lo = u64::from(hit.n.saturating_sub(before));
    let hi = u64::from(hit.n) + u64::from(after);
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
    around.sort_by_key(|h| h.n);

    // The footnote numbers the passage's text references, and their notes.
    let own = searcher.search(
        &BooleanQuery::new(vec![
            (Occur::Must, in_doc()),
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    TantivyTerm::from_field_u64(f.n, u64::from(hit.n)),
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
