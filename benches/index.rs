//! End-to-end index build, MB of text per second, at 1 and 2 threads, next
//! to the bare-tantivy baseline built from the same texts in the same run.
//!
//! The corpus is generated at start (10 MB; `NORMSEARCH_BENCH_MB` or
//! `NORMSEARCH_BENCH_CORPUS` change it, see `benches/common/mod.rs`). Each
//! iteration builds into a fresh folder; creating and removing it is not
//! timed. Every build asserts it indexed passages, so a broken pipeline
//! cannot pass for a fast one.
//!
//! ```text
//! cargo bench --bench index
//! ```

#[allow(dead_code)] // each bench binary uses part of the shared helpers
mod common;

use std::time::{Duration, Instant};

use criterion::{
    criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use normsearch::index::{self, BuildOptions, Silent};

fn build(c: &mut Criterion) {
    let corpus = common::bench_corpus();
    let mut group = c.benchmark_group("build");
    group
        .throughput(Throughput::Bytes(corpus.bytes))
        // Each iteration takes seconds: few samples, one build per sample.
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20));
    for threads in [1, 2] {
        group.bench_with_input(
            BenchmarkId::new("normsearch", threads),
            &threads,
            |b, &threads| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let dir = tempfile::tempdir().expect("a temporary index folder");
                        let options = BuildOptions {
                            threads,
                            ..BuildOptions::default()
                        };
                        let started = Instant::now();
                        let summary = index::build(&corpus.dir, dir.path(), &options, &Silent)
                            .expect("the bench corpus builds");
                        total += started.elapsed();
                        assert!(summary.passages > 0, "the build indexed no passages");
                        assert_eq!(
                            summary.bytes, corpus.bytes,
                            "the build read the whole corpus"
                        );
                    }
                    total
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("tantivy-baseline", threads),
            &threads,
            |b, &threads| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let dir = tempfile::tempdir().expect("a temporary index folder");
                        let started = Instant::now();
                        let summary = common::build_baseline(&corpus.dir, dir.path(), threads)
                            .expect("the baseline builds");
                        total += started.elapsed();
                        assert!(summary.blocks > 0, "the baseline indexed no blocks");
                        assert_eq!(
                            summary.bytes, corpus.bytes,
                            "the baseline read the whole corpus"
                        );
                    }
                    total
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, build);
criterion_main!(benches);
