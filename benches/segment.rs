//! Segmentation throughput in MB/s: the four founding documents and, when
//! the folder is present, the extra real strategies (`../shared/corpus-extra`
//! beside the project, or `NORMSEARCH_BENCH_EXTRA`). Each run asserts that
//! passages came out, so a broken segmenter cannot pass for a fast one.

#[allow(dead_code)] // each bench binary uses part of the shared helpers
mod common;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use normsearch::corpus::{Corpus, Document};
use normsearch::segment;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

/// The founding corpus: its documents (with their metadata) and texts.
fn founding() -> Vec<(Document, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let corpus = Corpus::load(&dir).expect("founding corpus loads");
    corpus
        .documents
        .iter()
        .map(|d| {
            let text = corpus
                .read_text(d, false)
                .expect("founding text reads")
                .text;
            (d.clone(), text)
        })
        .collect()
}

fn bench_set(c: &mut Criterion, name: &str, docs: &[(Document, String)]) {
    if docs.is_empty() {
        eprintln!("segment/{name}: no documents found, skipped");
        return;
    }
    let bytes: usize = docs.iter().map(|(_, t)| t.len()).sum();
    let mut group = c.benchmark_group("segment");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.measurement_time(Duration::from_secs(8));
    group.sample_size(20);
    group.bench_function(name, |b| {
        b.iter(|| {
            let mut passages = 0;
            for (doc, text) in docs {
                passages += segment::segment(doc, black_box(text)).passages.len();
            }
            assert!(passages > 0, "segmenting {name} gave no passages");
            passages
        })
    });
    group.finish();
}

fn segmentation(c: &mut Criterion) {
    bench_set(c, "founding", &founding());
    bench_set(c, "corpus-extra", &common::extra_documents());
}

criterion_group!(benches, segmentation);
criterion_main!(benches);
