//! Segmentation throughput in MB/s: the four founding documents and, when
//! the folder is present, the extra real strategies (`../shared/corpus-extra`
//! beside the project, or `NORMSEARCH_BENCH_EXTRA`). Each run asserts that
//! passages came out, so a broken segmenter cannot pass for a fast one.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use normsearch::corpus::{Corpus, Document, PartialDate};
use normsearch::segment;
use std::hint::black_box;
use std::path::{Path, PathBuf};
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

/// The extra strategies, with minimal metadata; empty when the folder is
/// missing (a fresh clone has only the founding corpus).
fn extra() -> Vec<(Document, String)> {
    let dir = std::env::var_os("NORMSEARCH_BENCH_EXTRA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus-extra"));
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|path| {
            let bytes = std::fs::read(&path).ok()?;
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let id = path.file_stem()?.to_string_lossy().into_owned();
            let language = id.rsplit('-').next().unwrap_or("en").to_string();
            let doc = Document {
                id,
                file: path.clone(),
                title: String::new(),
                issuer: String::new(),
                authors: Vec::new(),
                date: PartialDate {
                    year: 2000,
                    month: None,
                    day: None,
                },
                kind: "national-strategy".into(),
                country: None,
                organization: None,
                language,
                url: None,
                container: None,
                issuers: Vec::new(),
                issuer_type: None,
                number: None,
                translation: None,
                original_language: None,
                venue: None,
            };
            Some((doc, text))
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
    bench_set(c, "corpus-extra", &extra());
}

criterion_group!(benches, segmentation);
criterion_main!(benches);
