//! Measures the tagger against hand-labelled passages of the founding corpus
//! (`tests/fixtures/theme-labels.toml`): micro-averaged precision and recall
//! on pillars must both reach 0.80. Run with `-- --nocapture` to see the
//! figures per pillar and every disagreement.

use normsearch::corpus::Corpus;
use normsearch::lexicon::Lexicon;
use normsearch::segment::{segment, Passage};
use normsearch::themes::{Tagger, Taxonomy};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The bar the tagger must clear, on both measures.
const MIN_SCORE: f64 = 0.80;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Labels {
    passage: Vec<Label>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Label {
    doc: String,
    quote: String,
    pillars: Vec<String>,
}

/// Case, curly quotes, Markdown emphasis and spacing do not matter when
/// finding a quote: the fixture is written as a person reads the passage.
fn normalise(s: &str) -> String {
    let mapped: String = s
        .chars()
        .filter(|&c| c != '*')
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201C}' | '\u{201D}' => '"',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Default)]
struct Count {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Count {
    fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

#[test]
fn tagger_matches_hand_labels_on_pillars() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus_dir = root.join("corpus");
    let fixture = root.join("tests/fixtures/theme-labels.toml");
    let labels: Labels = toml::from_str(&std::fs::read_to_string(&fixture).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", fixture.display()));

    let corpus = Corpus::load(&corpus_dir).unwrap();
    let taxonomy = Taxonomy::load(&corpus_dir).unwrap();
    let tagger = Tagger::new(&taxonomy, &Lexicon::load(&corpus_dir).unwrap());
    let pillars: Vec<&str> = taxonomy.pillars().map(|p| p.id.as_str()).collect();

    let mut passages: BTreeMap<&str, Vec<Passage>> = BTreeMap::new();
    for doc in &corpus.documents {
        let text = corpus.read_text(doc, false).unwrap().text;
        passages.insert(&doc.id, segment(doc, &text).passages);
    }

    // The fixture itself: enough entries, every document and every pillar.
    assert!(labels.passage.len() >= 60, "label at least 60 passages");
    let mut per_pillar_labels: BTreeMap<&str, usize> = BTreeMap::new();
    for label in &labels.passage {
        assert!(
            passages.contains_key(label.doc.as_str()),
            "unknown document {:?}",
            label.doc
        );
        for p in &label.pillars {
            assert!(
                pillars.contains(&p.as_str()),
                "{:?}: unknown pillar {p:?}",
                label.quote
            );
            *per_pillar_labels.entry(p).or_default() += 1;
        }
    }
    for doc in &corpus.documents {
        let n = labels.passage.iter().filter(|l| l.doc == doc.id).count();
        assert!(n >= 10, "only {n} labelled passages from {}", doc.id);
    }
    for p in &pillars {
        let n = per_pillar_labels.get(p).copied().unwrap_or(0);
        assert!(n >= 3, "only {n} labelled passages carry {p}");
    }

    let mut counts: BTreeMap<&str, Count> =
        pillars.iter().map(|&p| (p, Count::default())).collect();
    let mut seen_passages = BTreeSet::new();
    let mut disagreements = Vec::new();
    // Find every labelled passage first, so that all fixture problems are
    // reported at once.
    let mut problems = Vec::new();
    let mut located = Vec::new();
    for label in &labels.passage {
        let quote = normalise(&label.quote);
        let found: Vec<&Passage> = passages[label.doc.as_str()]
            .iter()
            .filter(|p| normalise(&p.text).contains(&quote))
            .collect();
        match found.as_slice() {
            [one] if !seen_passages.insert((&one.doc, one.n)) => problems.push(format!(
                "{}: passage {} is labelled twice (quote {:?})",
                label.doc, one.n, label.quote
            )),
            [one] => located.push((label, *one)),
            [] => problems.push(format!(
                "{}: quote {:?} is in no passage",
                label.doc, label.quote
            )),
            many => problems.push(format!(
                "{}: quote {:?} is in {} passages; make it longer",
                label.doc,
                label.quote,
                many.len()
            )),
        }
    }
    assert!(
        problems.is_empty(),
        "fixture problems:\n{}",
        problems.join("\n")
    );

    for (label, passage) in located {
        let tags = tagger.tag(&passage.text);
        let predicted: BTreeSet<&str> = tags
            .iter()
            .map(|t| t.id.as_str())
            .filter(|id| !id.contains('/'))
            .collect();
        let expected: BTreeSet<&str> = label.pillars.iter().map(String::as_str).collect();
        for p in &pillars {
            let c = counts.get_mut(p).unwrap();
            match (predicted.contains(p), expected.contains(p)) {
                (true, true) => c.tp += 1,
                (true, false) => c.fp += 1,
                (false, true) => c.fn_ += 1,
                (false, false) => {}
            }
        }
        if predicted != expected {
            let extra: Vec<&str> = predicted.difference(&expected).copied().collect();
            let missed: Vec<&str> = expected.difference(&predicted).copied().collect();
            let scores: Vec<String> = tags
                .iter()
                .map(|t| format!("{} {:.1}", t.id, t.score))
                .collect();
            disagreements.push(format!(
                "{} #{} {:?}\n    extra {:?}  missed {:?}  tags [{}]",
                label.doc,
                passage.n,
                label.quote,
                extra,
                missed,
                scores.join(", ")
            ));
        }
    }

    let total = counts.values().fold(Count::default(), |acc, c| Count {
        tp: acc.tp + c.tp,
        fp: acc.fp + c.fp,
        fn_: acc.fn_ + c.fn_,
    });
    println!(
        "\n{} labelled passages; disagreements:",
        labels.passage.len()
    );
    for d in &disagreements {
        println!("  {d}");
    }
    println!(
        "\n{:<24} {:>4} {:>4} {:>4} {:>9} {:>7}",
        "pillar", "tp", "fp", "fn", "precision", "recall"
    );
    for (p, c) in &counts {
        println!(
            "{:<24} {:>4} {:>4} {:>4} {:>9.2} {:>7.2}",
            p,
            c.tp,
            c.fp,
            c.fn_,
            c.precision(),
            c.recall()
        );
    }
    println!(
        "{:<24} {:>4} {:>4} {:>4} {:>9.2} {:>7.2}",
        "micro-average",
        total.tp,
        total.fp,
        total.fn_,
        total.precision(),
        total.recall()
    );
    assert!(
        total.precision() >= MIN_SCORE,
        "micro precision {:.3} < {MIN_SCORE}",
        total.precision()
    );
    assert!(
        total.recall() >= MIN_SCORE,
        "micro recall {:.3} < {MIN_SCORE}",
        total.recall()
    );
}
