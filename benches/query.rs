//! Warm query latency per query class, ours next to the bare-tantivy
//! baseline for the classes it can run (it has no source or theme fields).
//!
//! Both indexes are built once at start from the generated corpus (10 MB;
//! `NORMSEARCH_BENCH_MB` or `NORMSEARCH_BENCH_CORPUS` change it, see
//! `benches/common/mod.rs`) and opened once; each iteration is one search
//! on the warm searcher. Ours returns the page of ten cited, highlighted
//! hits with the total where it is cheap to count (no `--count`, no
//! `--facets`), as `normsearch search` prints them; the baseline returns
//! its top ten addresses. Every iteration
//! asserts it found something.
//!
//! ```text
//! cargo bench --bench query
//! NORMSEARCH_BENCH_MB=100 cargo bench --bench query
//! ```

#[allow(dead_code)] // each bench binary uses part of the shared helpers
mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use normsearch::index::{self, BuildOptions, Index, Silent};
use normsearch::search;

fn queries(c: &mut Criterion) {
    let corpus = common::bench_corpus();
    let dirs = tempfile::tempdir().expect("a temporary folder for the indexes");
    let ours_dir = dirs.path().join("normsearch");
    let base_dir = dirs.path().join("baseline");
    std::fs::create_dir(&base_dir).expect("a folder for the baseline index");
    let options = BuildOptions {
        threads: 2,
        ..BuildOptions::default()
    };
    index::build(&corpus.dir, &ours_dir, &options, &Silent).expect("the bench corpus builds");
    common::build_baseline(&corpus.dir, &base_dir, 2).expect("the baseline builds");
    let ours = Index::open(&ours_dir).expect("our index opens");
    let baseline = common::Baseline::open(&base_dir).expect("the baseline opens");

    let mut group = c.benchmark_group("query");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for class in common::CLASSES {
        if let Some(missing) = class.missing_theme(&ours) {
            // Said loudly rather than measured as an error or as nothing.
            eprintln!(
                "query/{}: skipped: the index has no theme {missing:?}",
                class.name
            );
            continue;
        }
        let request = class.request(&ours);
        group.bench_function(BenchmarkId::new(class.name, "normsearch"), |b| {
            b.iter(|| {
                let results = search::search(&ours, black_box(&request)).expect("the query runs");
                assert!(!results.hits.is_empty(), "{}: no hits", class.name);
                results
            })
        });
        if class.baseline {
            group.bench_function(BenchmarkId::new(class.name, "tantivy-baseline"), |b| {
                b.iter(|| {
                    let top = baseline.search(black_box(class.query));
                    assert!(!top.is_empty(), "{}: no baseline hits", class.name);
                    top
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, queries);
criterion_main!(benches);
