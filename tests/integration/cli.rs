//! The real binary on the real corpus: output shapes, exit codes, errors.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

use crate::util::repo;

/// The binary, run from a fresh temporary directory with the founding
/// corpus passed through the environment.
fn normsearch(dir: &Path) -> Command {
    let mut cmd = crate::util::normsearch(dir, &repo().join("corpus"));
    cmd.env("NO_COLOR", "1");
    cmd
}

/// The passage record as `passages --json` prints it.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PassageRecord {
    doc: String,
    n: u32,
    kind: String,
    section: Vec<String>,
    lines: [u32; 2],
    label: Option<String>,
    page: Option<u32>,
    text: String,
    footnotes: Vec<u32>,
    themes: Vec<String>,
}

fn passages(args: &[&str]) -> Vec<PassageRecord> {
    let dir = tempfile::tempdir().unwrap();
    let out = normsearch(dir.path())
        .arg("passages")
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a passage record"))
        .collect()
}

#[test]
fn passages_json_covers_every_document_with_valid_records() {
    let all = passages(&[]);
    for id in ["norway-2017", "ccdcoe-2016", "sweden-2014", "usa-2011"] {
        let mine: Vec<&PassageRecord> = all.iter().filter(|p| p.doc == id).collect();
        assert!(mine.len() > 40, "{id}: {} passages", mine.len());
        for (i, p) in mine.iter().enumerate() {
            assert_eq!(p.n as usize, i + 1);
            assert!(["body", "list-item", "footnote"].contains(&p.kind.as_str()));
            assert!(p.lines[0] <= p.lines[1]);
            assert!(!p.text.is_empty());
        }
    }
    // Citations: a footnote keeps its number, passages carry themes.
    let note = all
        .iter()
        .find(|p| p.doc == "ccdcoe-2016" && p.kind == "footnote")
        .unwrap();
    assert_eq!(note.label.as_deref(), Some("1"));
    assert!(all.iter().any(|p| p.themes.iter().any(|t| t == "cbm")));
    assert!(all
        .iter()
        .any(|p| p.page.is_some() && !p.section.is_empty() && !p.footnotes.is_empty()));
}

#[test]
fn passages_of_one_document_and_line_ranges_hold_the_text() {
    let one = passages(&["sweden-2014"]);
    assert!(one.iter().all(|p| p.doc == "sweden-2014"));
    let source =
        std::fs::read_to_string(repo().join("corpus/sweden-2014-unga-68-243-submission.txt"))
            .unwrap();
    let lines: Vec<&str> = source.lines().collect();
    for p in &one {
        let span = lines[p.lines[0] as usize - 1..p.lines[1] as usize].join("\n");
        let last_word = p
            .text
            .split_whitespace()
            .last()
            .unwrap()
            .trim_matches(|c: char| !c.is_alphanumeric());
        assert!(
            span.contains(last_word),
            "{}:{} lines {:?} lack {last_word:?}",
            p.doc,
            p.n,
            p.lines
        );
    }
}

#[test]
fn human_output_and_dropped_summary() {
    let dir = tempfile::tempdir().unwrap();
    normsearch(dir.path())
        .args(["passages", "usa-2011", "--dropped"])
        .assert()
        .success()
        .stdout(predicate::str::contains("usa-2011:1  body"))
        .stdout(predicate::str::contains("PRE-RELEASE").not())
        .stderr(predicate::str::contains("dropped (running-header)"))
        .stderr(predicate::str::contains("usa-2011: 82 passages (longest"));
}

#[test]
fn unknown_document_lists_valid_ids() {
    let dir = tempfile::tempdir().unwrap();
    normsearch(dir.path())
        .args(["passages", "nowhere-2020"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "normsearch: error: unknown document `nowhere-2020`",
        ))
        .stderr(predicate::str::contains(
            "norway-2017, ccdcoe-2016, sweden-2014, usa-2011",
        ));
}

/// A corpus folder made by the test: one text and a manifest.
fn scratch_corpus(manifest: &str, text: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), text).unwrap();
    std::fs::write(dir.path().join("corpus.toml"), manifest).unwrap();
    dir
}

const GOOD: &str = r#"
[[document]]
id = "a-2020"
file = "a.txt"
title = "A Strategy"
issuer = "Someone"
date = "2020"
kind = "national-strategy"
language = "en"
"#;

#[test]
fn broken_manifests_are_refused_with_file_line_and_field() {
    let cases = [
        (
            GOOD.replace("2020\"\nkind", "2020-13\"\nkind"),
            "corpus.toml:7",
            "date",
        ),
        (
            GOOD.replace("language = \"en\"", "language = \"en\"\ncolour = \"red\""),
            "corpus.toml:",
            "colour",
        ),
        (
            GOOD.replace("title = \"A Strategy\"\n", ""),
            "corpus.toml:2",
            "title",
        ),
        (
            GOOD.replace("file = \"a.txt\"", "file = \"../a.txt\""),
            "corpus.toml:4",
            "file",
        ),
        (format!("{GOOD}{GOOD}"), "corpus.toml:12", "already the id"),
        (
            GOOD.replace("[[document]]", "[[document]"),
            "corpus.toml:2",
            "",
        ),
    ];
    for (manifest, place, field) in cases {
        let corpus = scratch_corpus(&manifest, b"Some text.\n");
        let dir = tempfile::tempdir().unwrap();
        normsearch(dir.path())
            .env("NORMSEARCH_CORPUS", corpus.path())
            .arg("passages")
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains(place))
            .stderr(predicate::str::contains(field))
            // One line per problem: a copied entry repeats its id and its
            // file, two problems found in the one run.
            .stderr(predicate::function(|s: &str| {
                s.lines().count() == if field == "already the id" { 2 } else { 1 }
                    && s.lines().all(|l| l.starts_with("normsearch: error: "))
            }));
    }
}

#[test]
fn text_that_is_not_utf8_is_refused_unless_lossy() {
    let corpus = scratch_corpus(GOOD, b"Good line.\nBad \xff byte here.\n");
    let dir = tempfile::tempdir().unwrap();
    normsearch(dir.path())
        .env("NORMSEARCH_CORPUS", corpus.path())
        .arg("passages")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("a.txt"))
        .stderr(predicate::str::contains("--lossy"));
    normsearch(dir.path())
        .env("NORMSEARCH_CORPUS", corpus.path())
        .args(["passages", "--lossy"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Bad \u{fffd} byte here."))
        .stderr(predicate::str::contains("warning"));
}

#[test]
fn corpus_flag_overrides_environment_and_works_from_anywhere() {
    let corpus = scratch_corpus(
        GOOD,
        b"A single paragraph about confidence-building measures.\n",
    );
    let dir = tempfile::tempdir().unwrap();
    normsearch(dir.path())
        .env("NORMSEARCH_CORPUS", "/nonexistent")
        .args(["passages", "--corpus"])
        .arg(corpus.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("a-2020:1  body"));
}

#[test]
fn show_and_cite_a_passage_by_id_and_anchor() {
    let dir = tempfile::tempdir().unwrap();
    let out = normsearch(dir.path())
        .args(["show", "ccdcoe-2016:13", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["passage"]["id"], "ccdcoe-2016:13");
    assert_eq!(v["before"][0]["id"], "ccdcoe-2016:12");
    assert_eq!(v["after"][0]["id"], "ccdcoe-2016:14");
    assert!(v["footnotes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["kind"] == "footnote"));
    assert_eq!(v["citation"]["authors"][1], "Henry Rõigas");
    let anchor = v["passage"]["anchor"].as_str().unwrap().to_string();

    // The anchor resolves to the same passage; every format agrees on it.
    for (format, needle) in [
        ("plain", "[normsearch ccdcoe-2016:13, text lines"),
        ("chicago", "unnumbered"),
        ("bibtex", "@incollection{ccdcoe_2016,"),
        ("json", "\"id\": \"ccdcoe-2016:13\""),
    ] {
        normsearch(dir.path())
            .args(["cite", &anchor, "--format", format])
            .assert()
            .success()
            .stdout(predicate::str::contains(needle));
    }
    normsearch(dir.path())
        .args(["show", "norway-2017:999"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("norway-2017 has passages 1 to"));
    normsearch(dir.path())
        .args(["cite", "not a reference"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("DOC:N"));
}
