//! Facets: how many of the passages a query matches fall in each source,
//! theme, year and kind.
//!
//! Input: a searcher, a tantivy query and the taxonomy's theme ids.
//! Output: [`Facets`]; the total counted on the same pass. Sources and
//! themes are counted by tantivy's facet collectors (a pillar counts the
//! passages of its sub-themes too), years and kinds from their fast
//! fields. One function serves a search's `--facets` and the theme counts
//! of the whole index (the prompt's `:themes`, a server's listing).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, Count, FacetCollector, FacetCounts, SegmentCollector};
use tantivy::columnar::ColumnValues;
use tantivy::query::Query as TantivyQuery;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::index::theme_facet;
use crate::segment::PassageKind;

/// Counts of matching passages.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facets {
    /// Per document id.
    pub source: BTreeMap<String, u64>,
    /// Per theme id, pillars and sub-themes.
    pub theme: BTreeMap<String, u64>,
    /// Per year of the document.
    #[serde(default)]
    pub year: BTreeMap<u16, u64>,
    /// Per passage kind (`body`, `list-item`, `footnote`).
    #[serde(default)]
    pub kind: BTreeMap<String, u64>,
}

/// Counts the passages `query` matches, in all and per source, theme, year
/// and kind. `themes` are the taxonomy's ids (`norms`, `norms/c`).
pub fn count(
    searcher: &tantivy::Searcher,
    query: &dyn TantivyQuery,
    themes: &[String],
) -> crate::Result<(usize, Facets)> {
    let mut source_facets = FacetCollector::for_field("source");
    source_facets.add_facet("/source");
    // A facet collector refuses a facet below one it already has, so the
    // pillars and their sub-themes are counted by two collectors.
    let mut pillar_facets = FacetCollector::for_field("themes");
    pillar_facets.add_facet("/theme");
    let mut sub_facets = FacetCollector::for_field("themes");
    let parents = parents_with_children(themes);
    for p in &parents {
        if let Some(f) = theme_facet(p) {
            sub_facets.add_facet(f);
        }
    }
    // tantivy combines at most four collectors in one tuple.
    let (total, source_counts, pillar_counts, (sub_counts, (years, kinds))) = searcher.search(
        query,
        &(
            Count,
            source_facets,
            pillar_facets,
            (sub_facets, YearsAndKinds),
        ),
    )?;
    let mut facets = Facets::default();
    for (facet, count) in source_counts.get("/source") {
        if let Some(id) = facet.to_path().last() {
            facets.source.insert((*id).to_string(), count);
        }
    }
    let mut theme_counts = |counts: &FacetCounts, root: Facet| {
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
    facets.year = years
        .into_iter()
        .filter_map(|(y, n)| Some((u16::try_from(y).ok()?, n)))
        .collect();
    for (code, n) in kinds.into_iter().enumerate() {
        if n > 0 {
            facets
                .kind
                .insert(kind_of_code(code).as_str().to_string(), n);
        }
    }
    Ok((total, facets))
}

/// The kind a [`crate::index::kind_code`] stands for.
fn kind_of_code(code: usize) -> PassageKind {
    match code {
        1 => PassageKind::ListItem,
        2 => PassageKind::Footnote,
        _ => PassageKind::Body,
    }
}

/// Pillars that have sub-themes, from the taxonomy's ids.
pub(crate) fn parents_with_children(themes: &[String]) -> Vec<String> {
    let mut out: Vec<String> = themes
        .iter()
        .filter_map(|t| t.split_once('/').map(|(p, _)| p.to_string()))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Counts matches per year and per kind code from the fast fields.
struct YearsAndKinds;

/// Per year, and per kind code (body, list item, footnote).
type YearKindCounts = (BTreeMap<u64, u64>, [u64; 3]);

struct YearsAndKindsInSegment {
    years: std::sync::Arc<dyn ColumnValues<u64>>,
    kinds: std::sync::Arc<dyn ColumnValues<u64>>,
    /// Most corpora span a few decades: a small map beats a large array.
    per_year: BTreeMap<u64, u64>,
    per_kind: [u64; 3],
}

impl Collector for YearsAndKinds {
    type Fruit = YearKindCounts;
    type Child = YearsAndKindsInSegment;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<YearsAndKindsInSegment> {
        let fast = reader.fast_fields();
        Ok(YearsAndKindsInSegment {
            years: fast.u64("year")?.first_or_default_col(0),
            kinds: fast.u64("kind_code")?.first_or_default_col(0),
            per_year: BTreeMap::new(),
            per_kind: [0; 3],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<YearKindCounts>) -> tantivy::Result<YearKindCounts> {
        let mut years = BTreeMap::new();
        let mut kinds = [0; 3];
        for (y, k) in fruits {
            for (year, n) in y {
                *years.entry(year).or_default() += n;
            }
            for (total, n) in kinds.iter_mut().zip(k) {
                *total += n;
            }
        }
        Ok((years, kinds))
    }
}

impl SegmentCollector for YearsAndKindsInSegment {
    type Fruit = YearKindCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        *self.per_year.entry(self.years.get_val(doc)).or_default() += 1;
        let kind = usize::try_from(self.kinds.get_val(doc)).unwrap_or(0).min(2);
        self.per_kind[kind] += 1;
    }

    fn harvest(self) -> YearKindCounts {
        (self.per_year, self.per_kind)
    }
}
