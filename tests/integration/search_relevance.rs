//! Ranking quality on the founding corpus: nDCG@10 over the judgments in
//! `tests/search_relevance.toml`, overall and per query category.
//!
//! Run with `cargo test --test search_relevance -- --nocapture` to see the
//! figure for every query.

use std::collections::BTreeMap;
use std::path::Path;

use normsearch::corpus::Corpus;
use normsearch::index::{build, BuildOptions, Index, Silent};
use normsearch::search::{search, SearchRequest};
use serde::Deserialize;

/// The bar the ranking is held to.
const OVERALL_MIN: f64 = 0.80;
const CATEGORY_MIN: f64 = 0.65;
const K: usize = 10;

#[derive(Deserialize)]
struct Judgments {
    query: Vec<Judged>,
}

#[derive(Deserialize)]
struct Judged {
    category: String,
    q: String,
    relevant: Vec<Relevant>,
}

#[derive(Deserialize)]
struct Relevant {
    doc: String,
    contains: String,
    grade: u32,
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `doc:n` of the one passage of `doc` whose text contains `needle`.
fn resolve(passages: &BTreeMap<String, Vec<(u32, String)>>, r: &Relevant) -> String {
    let needle = squash(&r.contains);
    let found: Vec<u32> = passages
        .get(&r.doc)
        .unwrap_or_else(|| panic!("no document {}", r.doc))
        .iter()
        .filter(|(_, text)| text.contains(&needle))
        .map(|(n, _)| *n)
        .collect();
    match found.as_slice() {
        [n] => format!("{}:{n}", r.doc),
        [] => panic!("judgment not found in {}: {:?}", r.doc, r.contains),
        many => panic!(
            "judgment ambiguous in {} ({many:?}): {:?}",
            r.doc, r.contains
        ),
    }
}

fn dcg(gains: impl Iterator<Item = f64>) -> f64 {
    gains
        .take(K)
        .enumerate()
        .map(|(i, g)| g / ((i + 2) as f64).log2())
        .sum()
}

fn gain(grade: u32) -> f64 {
    f64::from((1u32 << grade) - 1)
}

#[test]
fn ndcg_at_10_meets_the_bar() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus_dir = root.join("corpus");
    let judgments: Judgments =
        toml::from_str(&std::fs::read_to_string(root.join("tests/search_relevance.toml")).unwrap())
            .unwrap();
    assert!(judgments.query.len() >= 25);

    let corpus = Corpus::load(&corpus_dir).unwrap();
    let mut passages: BTreeMap<String, Vec<(u32, String)>> = BTreeMap::new();
    for doc in &corpus.documents {
        let text = corpus.read_text(doc, false).unwrap();
        let seg = normsearch::segment::segment(doc, &text.text);
        passages.insert(
            doc.id.clone(),
            seg.passages
                .iter()
                .map(|p| (p.n, squash(&p.text)))
                .collect(),
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let index_dir = dir.path().join("index");
    let opts = BuildOptions {
        threads: 2,
        wait_for_lock: true,
        lossy: false,
    };
    build(&corpus_dir, &index_dir, &opts, &Silent).unwrap();
    let index = Index::open(&index_dir).unwrap();

    let mut by_category: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for j in &judgments.query {
        let mut grades: BTreeMap<String, u32> = BTreeMap::new();
        for r in &j.relevant {
            let id = resolve(&passages, r);
            let g = grades.entry(id).or_insert(0);
            *g = (*g).max(r.grade);
        }
        let results = search(&index, &SearchRequest::new(j.q.clone()))
            .unwrap_or_else(|e| panic!("{}: {e}", j.q));
        let got = dcg(results
            .hits
            .iter()
            .map(|h| gain(grades.get(&h.id).copied().unwrap_or(0))));
        let mut ideal: Vec<u32> = grades.values().copied().collect();
        ideal.sort_unstable_by(|a, b| b.cmp(a));
        let best = dcg(ideal.into_iter().map(gain));
        let ndcg = if best > 0.0 { got / best } else { 0.0 };
        let marks: String = results
            .hits
            .iter()
            .map(|h| match grades.get(&h.id) {
                Some(2) => '2',
                Some(1) => '1',
                _ => '.',
            })
            .collect();
        println!("{ndcg:.3}  {:<9} {marks:<10}  {}", j.category, j.q);
        by_category
            .entry(j.category.clone())
            .or_default()
            .push(ndcg);
    }

    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let all: Vec<f64> = by_category.values().flatten().copied().collect();
    let overall = mean(&all);
    println!("\nnDCG@{K} overall {overall:.3} over {} queries", all.len());
    let mut failures = Vec::new();
    for (category, scores) in &by_category {
        let m = mean(scores);
        println!("  {category:<9} {m:.3} ({} queries)", scores.len());
        if m < CATEGORY_MIN {
            failures.push(format!("{category} {m:.3} < {CATEGORY_MIN}"));
        }
    }
    if overall < OVERALL_MIN {
        failures.push(format!("overall {overall:.3} < {OVERALL_MIN}"));
    }
    assert!(failures.is_empty(), "ranking below the bar: {failures:?}");
}
