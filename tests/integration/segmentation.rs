//! The segmenter on the founding corpus: golden snapshots, the nothing-lost
//! invariant, and one regression test per layout quirk.

use normsearch::corpus::Corpus;
use normsearch::segment::{self, Passage, PassageKind, Segmentation};
use std::path::Path;

fn corpus() -> Corpus {
    Corpus::load(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("corpus")
            .as_path(),
    )
    .expect("founding corpus loads")
}

fn segmented(id: &str) -> (String, Segmentation) {
    let corpus = corpus();
    let doc = corpus.get(id).expect("document in manifest");
    let text = corpus.read_text(doc, false).expect("text reads").text;
    let seg = segment::segment(doc, &text);
    (text, seg)
}

/// The passage whose text contains `needle`; fails if none or several do.
fn passage_with<'a>(seg: &'a Segmentation, needle: &str) -> &'a Passage {
    let found: Vec<&Passage> = seg
        .passages
        .iter()
        .filter(|p| p.text.contains(needle))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one passage containing {needle:?}, found {}",
        found.len()
    );
    found[0]
}

#[test]
fn golden_snapshots() {
    for doc in &corpus().documents {
        let (_, seg) = segmented(&doc.id);
        // The snapshots keep the names and the folder they had when this
        // was a test binary of its own.
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_json_snapshot!(format!("segmentation__{}", doc.id), seg);
        });
    }
}

#[test]
fn nothing_is_lost_in_any_document() {
    for doc in &corpus().documents {
        let (text, seg) = segmented(&doc.id);
        let missing = segment::unaccounted(&text, &seg);
        assert!(
            missing.is_empty(),
            "{}: characters unaccounted for: {missing:?}",
            doc.id
        );
    }
}

#[test]
fn line_ranges_hold_their_passages() {
    for doc in &corpus().documents {
        let (text, seg) = segmented(&doc.id);
        let lines: Vec<&str> = text.lines().collect();
        for p in &seg.passages {
            let [a, b] = p.lines;
            assert!(
                a >= 1 && a <= b && (b as usize) <= lines.len(),
                "{}:{} bad range {a}-{b}",
                doc.id,
                p.n
            );
            let span = lines[a as usize - 1..b as usize].join(" ");
            let first = p.text.split_whitespace().next().unwrap_or("");
            let word: String = first
                .chars()
                .filter(|c| c.is_alphanumeric())
                .take(6)
                .collect();
            assert!(
                span.contains(&word),
                "{}:{}: lines {a}-{b} do not hold {word:?}",
                doc.id,
                p.n
            );
        }
        let ns: Vec<u32> = seg.passages.iter().map(|p| p.n).collect();
        assert_eq!(
            ns,
            (1..=seg.passages.len() as u32).collect::<Vec<_>>(),
            "{}: ordinals",
            doc.id
        );
    }
}

#[test]
fn ccdcoe_sentence_cut_by_footnote_block_is_whole() {
    let (_, seg) = segmented("ccdcoe-2016");
    let p = passage_with(&seg, "essential to maintaining peace and stability and promoting an open, secure, peaceful and accessible ICT environment");
    assert_eq!(p.kind, PassageKind::Body);
    assert!(
        p.footnotes.contains(&11),
        "reference 11 kept: {:?}",
        p.footnotes
    );
}

#[test]
fn ccdcoe_footnotes_are_numbered_passages() {
    let (_, seg) = segmented("ccdcoe-2016");
    let notes: Vec<&Passage> = seg
        .passages
        .iter()
        .filter(|p| p.kind == PassageKind::Footnote)
        .collect();
    let labels: Vec<u32> = notes
        .iter()
        .map(|p| p.label.as_deref().unwrap().parse().unwrap())
        .collect();
    assert_eq!(labels, (1..=53).collect::<Vec<u32>>());
    assert!(
        passage_with(&seg, "Martha Finnemore and Kathryn Sikkink")
            .label
            .as_deref()
            == Some("2")
    );
    assert!(
        passage_with(&seg, "Jen Spaki, US Department of State")
            .label
            .as_deref()
            == Some("10")
    );
    // References are cut from the text and kept.
    let p = passage_with(&seg, "organised by the NATO CCD COE during");
    assert!(p.text.contains("during 20142015. The aim"), "{}", p.text);
    assert_eq!(p.footnotes, vec![1]);
}

#[test]
fn ccdcoe_hyphenation_and_headings() {
    let (_, seg) = segmented("ccdcoe-2016");
    passage_with(&seg, "during the whole publication process");
    let sections: Vec<&str> = seg.headings.iter().map(|h| h.text.as_str()).collect();
    assert!(sections.contains(&"1. International Norms Limiting State Activities in Cyberspace"));
    assert!(sections.contains(&"5. Other Stakeholders: Private sector, Academia, Civil Society"));
    let p = passage_with(
        &seg,
        "the UN Group of Governmental Experts (UN GGE) is the best-known platform",
    );
    assert_eq!(
        p.section.last().map(String::as_str),
        Some("2.1 United Nations Group of Governmental Experts")
    );
    assert!(!seg
        .passages
        .iter()
        .any(|p| p.text.contains("Legal, Policy & Industry Perspectives")
            && p.kind != PassageKind::Body));
}

#[test]
fn usa_banner_and_contents_are_dropped() {
    let (_, seg) = segmented("usa-2011");
    for p in &seg.passages {
        assert!(!p.text.contains("PRE-RELEASE"), "banner in passage {}", p.n);
        assert!(
            !p.text.contains(". . . ."),
            "contents line in passage {}",
            p.n
        );
    }
    assert!(seg.dropped.iter().any(|d| d.text.contains("PRE-RELEASE")));
    let p = passage_with(
        &seg,
        "Our strategy marries our obligation to protect our citizens",
    );
    assert!(
        p.text.starts_with("Privacy. Our strategy"),
        "bold lead-in kept, markup gone: {}",
        p.text
    );
}

#[test]
fn norway_heading_is_a_section_not_text() {
    let (_, seg) = segmented("norway-2017");
    let heading = "Crime prevention: international cooperation to combat organised cybercrime and other serious crimes committed through cyberspace";
    assert!(seg.headings.iter().any(|h| h.text == heading));
    let p = passage_with(&seg, "The digitisation of society has created new arenas");
    assert_eq!(p.section.last().map(String::as_str), Some(heading));
    assert!(!p.text.contains("Crime prevention"));
    assert!(seg
        .passages
        .iter()
        .all(|p| !p.text.starts_with("Crime prevention:")));
}

#[test]
fn norway_bullets_and_list_intros() {
    let (_, seg) = segmented("norway-2017");
    let intro = passage_with(
        &seg,
        "To promote secure, stable and more robust digital networks, the Government will:",
    );
    assert_eq!(intro.kind, PassageKind::Body);
    assert!(intro.text.ends_with("the Government will:"));
    let item = passage_with(&seg, "Promote international cybersecurity collaboration");
    assert_eq!(item.kind, PassageKind::ListItem);
    assert!(item.text.starts_with("Promote international cybersecurity collaboration and agreement on governmental conduct in cyberspace."));
    // A real compound survives the line-end hyphen.
    passage_with(&seg, "refine the multi-stakeholder model");
    passage_with(
        &seg,
        "broad civilian-military and public-private cooperation",
    );
}

#[test]
fn sweden_paragraph_split_by_page_break_is_joined() {
    let (_, seg) = segmented("sweden-2014");
    let p = passage_with(
        &seg,
        "prevention of IT incidents and general national and international development",
    );
    assert_eq!(p.kind, PassageKind::Body);
    passage_with(
        &seg,
        "so-called London process (cyberspace conferences in London, Budapest and Seoul",
    );
}

#[test]
fn sweden_markdown_lists_and_labels() {
    let (_, seg) = segmented("sweden-2014");
    let p = passage_with(
        &seg,
        "Adherence to existing international law, norms and obligations.",
    );
    assert_eq!(
        (p.kind, p.label.as_deref()),
        (PassageKind::ListItem, Some("1."))
    );
    let p = passage_with(&seg, "developing confidence-building measures to increase transparency and predictability and thus reduce the risk");
    assert_eq!(p.kind, PassageKind::ListItem);
    let p = passage_with(&seg, "The Swedish Civil Contingencies Agency (MSB), Office of Information Assurance and Cybersecurity has coordinating responsibility");
    assert!(!p.text.contains("](#)") && !p.text.contains("**"));
    let headings: Vec<&str> = seg.headings.iter().map(|h| h.text.as_str()).collect();
    assert!(
        headings
            .iter()
            .any(|h| h.starts_with("(d) Possible measures")),
        "{headings:?}"
    );
}

/// A document with no metadata to recognise, for text made up by tests.
fn unknown_document() -> normsearch::corpus::Document {
    let mut doc = corpus().documents[0].clone();
    doc.id = "generated".into();
    doc.title = "Generated".into();
    doc.authors = Vec::new();
    doc.container = None;
    doc
}

/// Checks what must hold for any text: line ranges inside the file and in
/// order, ordinals in sequence, every letter and digit accounted for.
fn check_invariants(text: &str, seg: &Segmentation) -> Result<(), String> {
    let lines = text.split('\n').count() as u32;
    for p in &seg.passages {
        let [a, b] = p.lines;
        if !(1 <= a && a <= b && b <= lines) {
            return Err(format!("passage {} has lines {a}-{b} of {lines}", p.n));
        }
    }
    for h in &seg.headings {
        let [a, b] = h.lines;
        if !(1 <= a && a <= b && b <= lines) {
            return Err(format!("heading {:?} has lines {a}-{b} of {lines}", h.text));
        }
    }
    if seg.dropped.iter().any(|d| d.line < 1 || d.line > lines) {
        return Err("a dropped line outside the file".into());
    }
    let ns: Vec<u32> = seg.passages.iter().map(|p| p.n).collect();
    if ns != (1..=ns.len() as u32).collect::<Vec<_>>() {
        return Err(format!("ordinals {ns:?}"));
    }
    let missing = segment::unaccounted(text, seg);
    if !missing.is_empty() {
        return Err(format!("unaccounted: {missing:?}"));
    }
    Ok(())
}

/// Text made of the pieces real extractions are made of, in any order:
/// words, capitals, bare numbers, glued references, bullets alone, list
/// labels, Markdown, dot leaders, bars, CRLF and lone CR, control
/// characters, very long words and lines.
fn rough_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let pieces: Vec<&'static str> = vec![
        "the",
        "policy",
        "States",
        "Norms",
        "ICT",
        " ",
        " ",
        " ",
        "  ",
        "\n",
        "\n",
        "\n",
        "\n\n",
        "\r\n",
        "\r",
        "\t",
        ".",
        ",",
        ":",
        ";",
        "-\n",
        "12",
        "7",
        "2015",
        "3.",
        "(a) ",
        "iv. ",
        "2.1 ",
        "•",
        "• ",
        "- ",
        "* ",
        "**",
        "#",
        "## ",
        "[link](http://x.org)",
        "<b>",
        "</b>",
        "…",
        "........",
        " | 12",
        "Page 3 of 9",
        "law);3",
        "environment’.11",
        "word17",
        "é",
        "Σ",
        "Й",
        "’",
        "“",
        "\u{0}",
        "\u{7}",
        "\u{c}",
        "\u{1b}",
        "\u{ad}",
        "\u{200b}",
        "\u{feff}",
        "\u{2028}",
        "P\nU\nBL\nIC\n-P\nRI\nV\n",
        "Contents\n",
        "Introduction\t\n6\n",
    ];
    let long_word = "x".repeat(3000);
    let long_line = "A long sentence of text. ".repeat(200);
    let mut all: Vec<String> = pieces.into_iter().map(String::from).collect();
    all.push(long_word);
    all.push(long_line);
    proptest::collection::vec(proptest::sample::select(all), 0..300).prop_map(|v| v.concat())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    #[test]
    fn rough_text_never_breaks_the_invariants(text in rough_text()) {
        let seg = segment::segment(&unknown_document(), &text);
        if let Err(e) = check_invariants(&text, &seg) {
            proptest::prop_assert!(false, "{}", e);
        }
    }

    #[test]
    fn arbitrary_text_never_breaks_the_invariants(text in proptest::prelude::any::<String>()) {
        let seg = segment::segment(&unknown_document(), &text);
        if let Err(e) = check_invariants(&text, &seg) {
            proptest::prop_assert!(false, "{}", e);
        }
    }
}
