//! The generated bench corpus: deterministic, accepted by the manifest
//! checker, and cut into passages in every layout.

#[allow(dead_code)] // the benches' helpers, used here in part
#[path = "../../benches/common/mod.rs"]
mod common;

use std::fs;
use std::path::Path;

use common::generator;
use normsearch::corpus::Corpus;

/// Every file of a folder, by name, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn same_seed_same_bytes_and_a_valid_corpus() {
    let chain = generator::train(&generator::default_training_dir()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    for d in [&a, &b, &c] {
        fs::create_dir(d).unwrap();
    }
    let size = 1_000_000;
    let sa = generator::generate(&chain, &a, size, 42).unwrap();
    let sb = generator::generate(&chain, &b, size, 42).unwrap();
    generator::generate(&chain, &c, size, 7).unwrap();
    assert_eq!(sa, sb);
    let (fa, fb, fc) = (files(&a), files(&b), files(&c));
    assert_eq!(
        fa.len(),
        sa.documents + 1,
        "one text per document and the manifest"
    );
    assert!(fa == fb, "the same seed wrote different bytes");
    assert!(fa != fc, "another seed wrote the same bytes");
    // About the size asked for: documents end at a paragraph.
    assert!(
        sa.bytes >= size && sa.bytes < size + 20_000,
        "{} bytes for {size} asked",
        sa.bytes
    );

    let corpus = Corpus::load(&a).unwrap();
    assert_eq!(corpus.documents.len(), sa.documents);
    assert_eq!(corpus.documents[0].id, "gen-000001");
    for doc in &corpus.documents {
        let text = corpus.read_text(doc, false).unwrap();
        let seg = normsearch::segment::segment(doc, &text.text);
        assert!(
            seg.passages.len() > 10,
            "{}: only {} passages",
            doc.id,
            seg.passages.len()
        );
    }
}

#[test]
fn a_smaller_corpus_is_a_prefix_of_a_larger_one() {
    let chain = generator::train(&generator::default_training_dir()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (small, large) = (tmp.path().join("s"), tmp.path().join("l"));
    fs::create_dir(&small).unwrap();
    fs::create_dir(&large).unwrap();
    let s = generator::generate(&chain, &small, 1_500_000, 42).unwrap();
    generator::generate(&chain, &large, 2_500_000, 42).unwrap();
    assert!(s.documents >= 3, "too few documents to compare");
    // All but the last document, which the smaller size cut short.
    for n in 1..s.documents {
        let name = format!("gen-{n:06}.txt");
        assert!(
            fs::read(small.join(&name)).unwrap() == fs::read(large.join(&name)).unwrap(),
            "{name} differs"
        );
    }
}
