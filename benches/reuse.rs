//! Reuse detection, measured:
//!
//! - `reuse-build`: what signatures add to the build, per MB of text,
//!   against segmenting and tagging the same passages (the indexer's
//!   workers already hold each passage's stemmed tokens, so a signature
//!   costs its hashing and winnowing alone), and the table's build;
//! - `reuse-trace`: one `trace` over the bench corpus, warm (library
//!   loaded): a founding paragraph planted with changes in later
//!   documents, a passage of the generated text itself (the worst case: a
//!   Markov chain trained on four texts repeats their runs everywhere),
//!   and a free text;
//! - `reuse-clusters`: the whole corpus's clusters.
//!
//! The corpus is the generated one of `benches/common` (10 MB by default,
//! `NORMSEARCH_BENCH_MB=100` for the targets), plus the founding passages
//! and, in later synthetic documents, four changed copies of each of five
//! founding paragraphs. Each measurement asserts what it found: the
//! planted copies, in their cluster.

#[allow(dead_code)] // each bench binary uses part of the shared helpers
mod common;

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use normsearch::corpus::{Corpus, Document};
use normsearch::lexicon::{Analysis, Lexicon};
use normsearch::reuse::{Library, Params, Passage, ReuseOptions, Signature, SignatureIndex};
use normsearch::segment::segment;
use normsearch::themes::{Tagger, Taxonomy};
use rayon::prelude::*;
use tantivy::tokenizer::Token;

/// Every document of a corpus folder with its text.
fn documents(dir: &Path) -> Vec<(Document, String)> {
    let corpus = Corpus::load(dir).expect("corpus loads");
    corpus
        .documents
        .par_iter()
        .map(|d| {
            (
                d.clone(),
                corpus.read_text(d, true).expect("text reads").text,
            )
        })
        .collect()
}

fn passages_of(docs: &[(Document, String)]) -> Vec<Passage> {
    docs.par_iter()
        .flat_map_iter(|(d, text)| {
            segment(d, text).passages.into_iter().map(move |p| Passage {
                id: format!("{}:{}", p.doc, p.n),
                doc: p.doc,
                date: d.date,
                text: p.text,
            })
        })
        .collect()
}

/// Five founding paragraphs, each copied four times with three words
/// changed into later synthetic documents: (original id, copy ids).
fn plant(founding: &[Passage], into: &mut Vec<Passage>) -> Vec<(String, Vec<String>)> {
    let eligible: Vec<&Passage> = founding
        .iter()
        .filter(|p| (40..=120).contains(&p.text.split_whitespace().count()))
        .collect();
    let step = eligible.len() / 5;
    let mut planted = Vec::new();
    for k in 0..5 {
        let original = eligible[k * step];
        let words: Vec<&str> = original.text.split_whitespace().collect();
        let mut copies = Vec::new();
        for c in 0..4 {
            let text: Vec<&str> = words
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    if (i + 3 * c + 5) % 17 == 0 {
                        "changed"
                    } else {
                        w
                    }
                })
                .collect();
            let doc = format!("planted-{k}-{c}");
            let id = format!("{doc}:1");
            into.push(Passage {
                id: id.clone(),
                doc,
                date: format!("{}-06", 2030 + c).parse().unwrap(),
                text: text.join(" "),
            });
            copies.push(id);
        }
        planted.push((original.id.clone(), copies));
    }
    planted
}

struct Setup {
    library: Library,
    planted: Vec<(String, Vec<String>)>,
    bytes: u64,
}

fn setup() -> Setup {
    let corpus = common::bench_corpus();
    let started = Instant::now();
    let founding_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let founding = passages_of(&documents(&founding_dir));
    let mut passages = passages_of(&documents(&corpus.dir));
    passages.extend(founding.iter().cloned());
    let planted = plant(&founding, &mut passages);
    let library = Library::build(Lexicon::builtin(), passages, Params::default());
    eprintln!(
        "reuse: library of {} passages, {} hashes ({} entries) in {:.1} s",
        library.passages().len(),
        library.index().distinct_hashes(),
        library.index().entries(),
        started.elapsed().as_secs_f64()
    );
    Setup {
        library,
        planted,
        bytes: corpus.bytes,
    }
}

/// Signatures against segmentation and tagging, on the founding corpus,
/// the extra strategies and the first documents of the bench corpus.
fn build_cost(c: &mut Criterion) {
    let corpus = common::bench_corpus();
    let mut docs = documents(&Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"));
    docs.extend(common::extra_documents());
    let mut generated = documents(&corpus.dir);
    generated.truncate(if common::benchmarking() { 20 } else { 2 });
    docs.extend(generated);
    let bytes: usize = docs.iter().map(|(_, t)| t.len()).sum();
    let lexicon = Lexicon::builtin();
    let tagger = Tagger::new(&Taxonomy::builtin(), &lexicon);
    let params = Params::default();
    // The stemmed tokens the indexer's workers hold for each passage.
    let mut analysis = Analysis::default();
    let tokens: Vec<Vec<Token>> = docs
        .iter()
        .flat_map(|(d, t)| segment(d, t).passages)
        .map(|p| {
            lexicon.analyze_into(&p.text, &mut analysis);
            analysis.stemmed().to_vec()
        })
        .collect();
    let signatures: Vec<Signature> = tokens
        .iter()
        .map(|t| Signature::of_tokens(params, t))
        .collect();
    let hashes: usize = signatures.iter().map(|s| s.hashes().len()).sum();
    let words: usize = tokens.iter().map(Vec::len).sum();
    assert!(hashes * 4 > words, "{hashes} hashes for {words} words");
    let table = SignatureIndex::build(params, &signatures);
    let mut stored = Vec::new();
    table.write_to(&mut stored).unwrap();
    eprintln!(
        "reuse-build: {:.1} MB of text, {} passages, {words} words, {hashes} hashes ({:.2} per word), table {:.2} MB ({:.1}% of the text)",
        bytes as f64 / 1e6,
        tokens.len(),
        hashes as f64 / words as f64,
        stored.len() as f64 / 1e6,
        100.0 * stored.len() as f64 / bytes as f64
    );

    let mut group = c.benchmark_group("reuse-build");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(if common::benchmarking() {
        20
    } else {
        1
    }));
    group.bench_function("segment+tag", |b| {
        let mut analysis = Analysis::default();
        b.iter(|| {
            let mut tagged = 0;
            for (d, t) in &docs {
                for p in segment(d, black_box(t)).passages {
                    lexicon.analyze_into(&p.text, &mut analysis);
                    tagged += tagger.tag_analysed(analysis.stemmed()).len();
                }
            }
            assert!(tagged > 0);
            tagged
        })
    });
    group.bench_function("signatures", |b| {
        b.iter(|| {
            let n: usize = tokens
                .iter()
                .map(|t| Signature::of_tokens(params, black_box(t)).hashes().len())
                .sum();
            assert_eq!(n, hashes);
            n
        })
    });
    group.bench_function("table+write", |b| {
        b.iter(|| {
            let table = SignatureIndex::build(params, black_box(&signatures));
            let mut out = Vec::with_capacity(stored.len());
            table.write_to(&mut out).unwrap();
            assert_eq!(out.len(), stored.len());
            out.len()
        })
    });
    group.bench_function("table-read", |b| {
        b.iter(|| {
            let table = SignatureIndex::read_from(black_box(&stored)).unwrap();
            assert_eq!(table.entries(), hashes_entries(&signatures));
            table.entries()
        })
    });
    group.finish();
}

fn hashes_entries(signatures: &[Signature]) -> usize {
    signatures.iter().map(|s| s.hashes().len()).sum()
}

fn searches(c: &mut Criterion) {
    let s = setup();
    let options = ReuseOptions::default();
    let (original, copies) = &s.planted[0];
    let generated = s
        .library
        .passages()
        .iter()
        .filter(|p| p.doc.starts_with("gen-"))
        .map(|p| s.library.passage(&p.id).unwrap())
        .find(|p| p.text.split_whitespace().count() >= 60)
        .expect("a long generated passage")
        .id;
    let norm = "States should not conduct or knowingly support ICT activity contrary to their \
                obligations under international law that intentionally damages critical infrastructure";

    let mut group = c.benchmark_group("reuse-trace");
    group.sample_size(10);
    group.bench_function("planted-passage", |b| {
        b.iter(|| {
            let trace = s
                .library
                .trace_passage(black_box(original), &options)
                .unwrap();
            for copy in copies {
                assert!(
                    trace.entries.iter().any(|e| &e.id == copy),
                    "{copy} not traced"
                );
            }
            trace.entries.len()
        })
    });
    let mut found = 0;
    group.bench_function("generated-passage", |b| {
        b.iter(|| {
            let trace = s
                .library
                .trace_passage(black_box(&generated), &options)
                .unwrap();
            assert!(trace.aligned > 0, "the generated passage met no candidate");
            found = trace.entries.len();
            found
        })
    });
    eprintln!("reuse-trace: the generated passage {generated} has {found} versions");
    group.bench_function("text", |b| {
        b.iter(|| {
            s.library
                .trace(black_box(norm), &options)
                .unwrap()
                .entries
                .len()
        })
    });
    group.finish();

    // The whole corpus's clusters: criterion's ten samples up to 20 MB,
    // one timed run beyond (a run over 100 MB takes about a minute).
    let clusters = |summary: &mut (usize, usize)| {
        let clusters = s.library.clusters(&options).unwrap();
        for (original, copies) in &s.planted {
            let home = clusters
                .iter()
                .find(|c| c.members.iter().any(|m| &m.id == original))
                .unwrap_or_else(|| panic!("{original} in no cluster"));
            for copy in copies {
                assert!(
                    home.members.iter().any(|m| &m.id == copy),
                    "{copy} not with {original}"
                );
            }
            assert_eq!(&home.earliest, original);
        }
        *summary = (clusters.len(), clusters.iter().map(|c| c.passages).sum());
        clusters.len()
    };
    let mut summary = (0, 0);
    if s.bytes > 20_000_000 && common::benchmarking() {
        let started = Instant::now();
        clusters(&mut summary);
        eprintln!(
            "reuse-clusters/all: {:.1} s for {:.0} MB (one run)",
            started.elapsed().as_secs_f64(),
            s.bytes as f64 / 1e6
        );
    } else {
        let mut group = c.benchmark_group("reuse-clusters");
        group.throughput(Throughput::Bytes(s.bytes));
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(1));
        group.bench_function("all", |b| b.iter(|| clusters(&mut summary)));
        group.finish();
    }
    eprintln!(
        "reuse-clusters: {} clusters, {} passages in them",
        summary.0, summary.1
    );
}

criterion_group!(benches, build_cost, searches);
criterion_main!(benches);
