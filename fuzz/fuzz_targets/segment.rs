//! The segmenter on arbitrary text: no panic, every passage and heading
//! within the file's lines, ordinals in sequence, every letter and digit
//! accounted for (in a passage, a heading or the dropped report).

#![no_main]

use libfuzzer_sys::fuzz_target;
use normsearch::corpus::Document;
use normsearch::segment;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let seg = segment::segment(&document(), &text);
    let lines = text.split('\n').count() as u32;
    for p in &seg.passages {
        let [a, b] = p.lines;
        assert!(
            1 <= a && a <= b && b <= lines,
            "passage {} has lines {a}-{b} of {lines}",
            p.n
        );
    }
    for h in &seg.headings {
        let [a, b] = h.lines;
        assert!(
            1 <= a && a <= b && b <= lines,
            "heading has lines {a}-{b} of {lines}"
        );
    }
    assert!(seg.dropped.iter().all(|d| d.line >= 1 && d.line <= lines));
    for (i, p) in seg.passages.iter().enumerate() {
        assert_eq!(p.n as usize, i + 1);
    }
    let missing = segment::unaccounted(&text, &seg);
    assert!(missing.is_empty(), "unaccounted: {missing:?}");
});

/// A document with no metadata the segmenter could recognise.
fn document() -> Document {
    Document {
        id: "fuzz".into(),
        file: "fuzz.txt".into(),
        title: "Fuzz".into(),
        issuer: "Nobody".into(),
        authors: Vec::new(),
        date: "2020".parse().unwrap(),
        kind: "national-strategy".into(),
        country: None,
        organization: None,
        language: "en".into(),
        url: None,
        container: None,
    }
}
