//! Tagging throughput on the founding corpus: every passage's text through
//! `Tagger::tag` (lexicon analysis included, as in the indexing pipeline),
//! and through `Tagger::tag_tokens` on tokens analysed beforehand (the
//! matcher alone). Reported in bytes of passage text per second.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use normsearch::corpus::Corpus;
use normsearch::lexicon::Lexicon;
use normsearch::segment::segment;
use normsearch::themes::{Tagger, Taxonomy};
use std::hint::black_box;
use std::path::Path;

fn passages() -> Vec<String> {
    let corpus = Corpus::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")).unwrap();
    let mut texts = Vec::new();
    for doc in &corpus.documents {
        let text = corpus.read_text(doc, false).unwrap().text;
        texts.extend(segment(doc, &text).passages.into_iter().map(|p| p.text));
    }
    texts
}

fn tagging(c: &mut Criterion) {
    let texts = passages();
    let bytes: usize = texts.iter().map(String::len).sum();
    let lexicon = Lexicon::builtin();
    let tagger = Tagger::new(&Taxonomy::builtin(), &lexicon);
    let tokens: Vec<Vec<String>> = texts.iter().map(|t| lexicon.analyze(t)).collect();

    // Measure something real: most passages of these texts carry a theme.
    let tagged = texts.iter().filter(|t| !tagger.tag(t).is_empty()).count();
    assert!(
        tagged * 2 > texts.len(),
        "only {tagged} of {} passages tagged",
        texts.len()
    );

    let mut group = c.benchmark_group("themes");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("tag", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| tagger.tag(black_box(t)).len())
                .sum::<usize>()
        })
    });
    group.bench_function("tag_tokens", |b| {
        b.iter(|| {
            tokens
                .iter()
                .map(|t| tagger.tag_tokens(black_box(t)).len())
                .sum::<usize>()
        })
    });
    group.bench_function("analyze_only", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| lexicon.analyze(black_box(t)).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, tagging);
criterion_main!(benches);
