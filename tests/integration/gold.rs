//! The gold set: facts about how real documents must be cut, checked by
//! hand against their sources, in `tests/gold/*.toml`.
//!
//! `fixtures.toml` describes the small documents in `tests/fixtures/segment/`
//! (one of each layout the segmenter must carry: a treaty kept as a static
//! site's Markdown, speeches published as web pages with `<sup>` notes, a
//! declaration in plain text, PDF strategies with tab-numbered paragraphs,
//! glued labels and notes at page feet). `corpus.toml` describes the
//! founding corpus and documents of `../shared/corpus-extra`, read where
//! they stand. Every document is also held to the bars that hold for any
//! text: nothing lost, line ranges that hold each passage's opening words,
//! no passage over 400 words, at least 97% of the words in passages or
//! headings.
//!
//! All failures of a file are reported at once, one line each.

use crate::util::repo;
use normsearch::corpus::Document;
use normsearch::segment::{self, Passage, Segmentation};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Gold {
    doc: Vec<Facts>,
}

/// What must hold for one document.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Facts {
    /// A name for messages.
    name: String,
    /// A file relative to the repository root…
    file: Option<String>,
    /// …or a file of `../shared/corpus-extra`…
    extra: Option<String>,
    /// …or a document of the founding corpus, by id.
    founding: Option<String>,
    /// The manifest title (for fixtures and extra documents).
    title: Option<String>,
    /// Personal authors, when the manifest would name them.
    #[serde(default)]
    authors: Vec<String>,
    /// The detected kind of text: `web`, `pdf` or `plain`.
    profile: Option<String>,
    /// Whether passages carry pages.
    pages: Option<bool>,
    /// How many footnote passages there are.
    footnotes: Option<usize>,
    /// At least this many footnote passages.
    footnotes_min: Option<usize>,
    /// Source lines (trimmed) that must stand in a passage's text.
    #[serde(default)]
    keep: Vec<String>,
    /// Strings no passage text or heading may hold.
    #[serde(default)]
    absent: Vec<String>,
    /// Headings (clean text) that must be found.
    #[serde(default)]
    headings: Vec<String>,
    /// Strings no heading may hold.
    #[serde(default)]
    not_headings: Vec<String>,
    /// Strings no passage's section chain may hold.
    #[serde(default)]
    not_sections: Vec<String>,
    /// Dropped lines: at least this many for each reason.
    #[serde(default)]
    dropped_min: BTreeMap<String, usize>,
    /// Dropped lines: at most this many for each reason.
    #[serde(default)]
    dropped_max: BTreeMap<String, usize>,
    /// At most this many warnings.
    warnings_max: Option<usize>,
    /// Warnings that must be given (substrings).
    #[serde(default)]
    warns: Vec<String>,
    /// Facts about single passages.
    #[serde(default)]
    passage: Vec<PassageFacts>,
}

/// Facts about the passage(s) whose text holds `text`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PassageFacts {
    text: String,
    /// How many passages hold it (default one).
    count: Option<usize>,
    /// The label; `""` for none.
    label: Option<String>,
    /// The innermost section; `""` for none.
    section: Option<String>,
    /// A heading that must be somewhere in the section chain.
    within: Option<String>,
    /// The page; 0 for none.
    page: Option<u32>,
    /// `body`, `list-item` or `footnote`.
    kind: Option<String>,
    /// The footnotes it references.
    footnotes: Option<Vec<u32>>,
    /// The text starts with this.
    starts: Option<String>,
    /// The text ends with this.
    ends: Option<String>,
}

fn extra_dir() -> PathBuf {
    repo().join("../shared/corpus-extra")
}

/// Collapses runs of whitespace, so a fact is not tied to line breaks.
fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The document and its text as the facts describe them.
fn load(f: &Facts) -> Result<(Document, String), String> {
    if let Some(id) = &f.founding {
        let corpus = normsearch::corpus::Corpus::load(&repo().join("corpus"))
            .map_err(|e| format!("founding corpus: {e}"))?;
        let doc = corpus.get(id).ok_or(format!("no founding {id}"))?.clone();
        let text = corpus
            .read_text(&doc, false)
            .map_err(|e| e.to_string())?
            .text;
        return Ok((doc, text));
    }
    let (path, id) = match (&f.file, &f.extra) {
        (Some(file), None) => (repo().join(file), f.name.clone()),
        (None, Some(file)) => (extra_dir().join(file), f.name.clone()),
        _ => return Err("give one of file, extra, founding".into()),
    };
    let bytes = std::fs::read(&path).map_err(|e| {
        format!(
            "{}: {e} (the gold set reads ../shared/corpus-extra beside the repository)",
            path.display()
        )
    })?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let doc: Document = serde_json::from_value(serde_json::json!({
        "id": id,
        "file": path.file_name().map(|n| n.to_string_lossy().into_owned()),
        "title": f.title.clone().unwrap_or_default(),
        "issuer": "",
        "authors": f.authors,
        "date": "2020",
        "kind": "national-strategy",
        "language": "en",
    }))
    .map_err(|e| e.to_string())?;
    Ok((doc, text))
}

/// The bars every document is held to; failures appended to `errs`.
fn check_bars(name: &str, text: &str, seg: &Segmentation, errs: &mut Vec<String>) {
    let missing = segment::unaccounted(text, seg);
    if !missing.is_empty() {
        errs.push(format!("{name}: characters unaccounted for: {missing:?}"));
    }
    let lines: Vec<&str> = text.split('\n').collect();
    for p in &seg.passages {
        let words = p.text.split_whitespace().count();
        if words > 400 {
            errs.push(format!("{name}:{}: {words} words", p.n));
        }
        let [a, b] = p.lines;
        if a < 1 || a > b || b as usize > lines.len() {
            errs.push(format!("{name}:{}: bad line range {a}-{b}", p.n));
            continue;
        }
        // The cited lines hold the passage's opening words, in order
        // (dropped lines, such as a figure's numbers, and cut footnote
        // references may stand between them).
        let span: String = strip_tags(&lines[a as usize - 1..b as usize].join(" "))
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        let opening: Vec<String> = p
            .text
            .split_whitespace()
            .map(|w| {
                w.chars()
                    .filter(|c| c.is_alphanumeric())
                    .collect::<String>()
            })
            .filter(|w| !w.is_empty())
            .take(3)
            .collect();
        let mut at = 0;
        let held = opening.iter().all(|w| match span[at..].find(w.as_str()) {
            Some(i) => {
                at += i + w.len();
                true
            }
            None => false,
        });
        if !held {
            errs.push(format!(
                "{name}:{}: lines {a}-{b} do not hold its opening {opening:?}",
                p.n
            ));
        }
    }
    // Words of the source kept in passages (their labels too: `Article 4`,
    // `第一条`) or headings.
    let count = |s: &str| {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().any(char::is_alphabetic))
            .count()
    };
    // A soft hyphen at a line's end breaks one word over two lines.
    let source: usize = count(&strip_tags(&join_soft_hyphens(text)));
    let dropped: usize = seg
        .dropped
        .iter()
        .map(|d| count(&strip_tags(&d.text)))
        .sum();
    let kept: usize = seg
        .passages
        .iter()
        .map(|p| count(&p.text) + p.label.as_deref().map_or(0, count))
        .chain(seg.headings.iter().map(|h| count(&h.text)))
        .sum();
    // Dropped markup, furniture and contents are not the document's words.
    let words = source.saturating_sub(dropped).max(1);
    if (kept as f64) < 0.97 * words as f64 {
        errs.push(format!(
            "{name}: only {kept} of {words} words in passages or headings"
        ));
    }
}

/// `text` with each soft hyphen (U+00AD) and the line break after it taken
/// out, so that a word the typesetter broke counts once.
fn join_soft_hyphens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('\u{AD}') {
        out.push_str(&rest[..i]);
        rest = rest[i + '\u{AD}'.len_utf8()..].trim_start();
    }
    out.push_str(rest);
    out
}

/// `text` without anything between `<` and `>` (a rough tag stripper for
/// counting words only).
fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '<' => depth += 1,
            '>' if depth > 0 => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn check_passage(name: &str, seg: &Segmentation, pf: &PassageFacts, errs: &mut Vec<String>) {
    let needle = norm(&pf.text);
    let found: Vec<&Passage> = seg
        .passages
        .iter()
        .filter(|p| norm(&p.text).contains(&needle))
        .collect();
    let want = pf.count.unwrap_or(1);
    if found.len() != want {
        errs.push(format!(
            "{name}: {} passages hold {:?}, expected {want}",
            found.len(),
            pf.text
        ));
        return;
    }
    for p in found {
        let at = format!("{name}:{} ({:?})", p.n, short(&pf.text));
        if let Some(l) = &pf.label {
            let got = p.label.clone().unwrap_or_default();
            if &got != l {
                errs.push(format!("{at}: label {got:?}, expected {l:?}"));
            }
        }
        if let Some(s) = &pf.section {
            let got = p.section.last().cloned().unwrap_or_default();
            if &got != s {
                errs.push(format!("{at}: section {got:?}, expected {s:?}"));
            }
        }
        if let Some(s) = &pf.within {
            if !p.section.iter().any(|h| h == s) {
                errs.push(format!("{at}: section chain {:?} lacks {s:?}", p.section));
            }
        }
        if let Some(pg) = pf.page {
            let got = p.page.unwrap_or(0);
            if got != pg {
                errs.push(format!("{at}: page {:?}, expected {pg}", p.page));
            }
        }
        if let Some(k) = &pf.kind {
            if p.kind.as_str() != k {
                errs.push(format!("{at}: kind {}, expected {k}", p.kind.as_str()));
            }
        }
        if let Some(f) = &pf.footnotes {
            if &p.footnotes != f {
                errs.push(format!("{at}: footnotes {:?}, expected {f:?}", p.footnotes));
            }
        }
        if let Some(s) = &pf.starts {
            if !p.text.starts_with(s.as_str()) {
                errs.push(format!("{at}: text starts {:?}", short(&p.text)));
            }
        }
        if let Some(s) = &pf.ends {
            if !p.text.ends_with(s.as_str()) {
                let tail: String = p.text.chars().rev().take(60).collect();
                let tail: String = tail.chars().rev().collect();
                errs.push(format!("{at}: text ends {tail:?}"));
            }
        }
    }
}

fn short(s: &str) -> String {
    s.chars().take(50).collect()
}

fn check_facts(f: &Facts, errs: &mut Vec<String>) {
    let (doc, text) = match load(f) {
        Ok(x) => x,
        Err(e) => {
            errs.push(format!("{}: {e}", f.name));
            return;
        }
    };
    let seg = segment::segment(&doc, &text);
    let name = f.name.as_str();
    check_bars(name, &text, &seg, errs);
    if let Some(kind) = &f.profile {
        if seg.profile.kind.as_str() != kind {
            errs.push(format!(
                "{name}: profile {}, expected {kind}",
                seg.profile.kind.as_str()
            ));
        }
    }
    if let Some(pages) = f.pages {
        let with = seg.passages.iter().filter(|p| p.page.is_some()).count();
        if pages && with < seg.passages.len() {
            errs.push(format!(
                "{name}: {} of {} passages without a page",
                seg.passages.len() - with,
                seg.passages.len()
            ));
        }
        if !pages && with > 0 {
            errs.push(format!("{name}: {with} passages have pages; it has none"));
        }
    }
    let notes = seg
        .passages
        .iter()
        .filter(|p| p.kind == segment::PassageKind::Footnote)
        .count();
    if f.footnotes.is_some_and(|n| n != notes) {
        errs.push(format!(
            "{name}: {notes} footnotes, expected {:?}",
            f.footnotes
        ));
    }
    if f.footnotes_min.is_some_and(|n| notes < n) {
        errs.push(format!(
            "{name}: {notes} footnotes, expected at least {:?}",
            f.footnotes_min
        ));
    }
    let texts: Vec<String> = seg.passages.iter().map(|p| norm(&p.text)).collect();
    for line in &f.keep {
        let l = norm(line);
        if !texts.iter().any(|t| t.contains(&l)) {
            errs.push(format!("{name}: line not kept in a passage: {line:?}"));
        }
    }
    for a in &f.absent {
        if let Some(p) = seg.passages.iter().find(|p| p.text.contains(a.as_str())) {
            errs.push(format!("{name}:{}: holds {a:?}: {:?}", p.n, short(&p.text)));
        }
        if let Some(h) = seg.headings.iter().find(|h| h.text.contains(a.as_str())) {
            errs.push(format!("{name}: heading {:?} holds {a:?}", h.text));
        }
    }
    for h in &f.headings {
        if !seg.headings.iter().any(|x| &x.text == h) {
            errs.push(format!("{name}: no heading {h:?}"));
        }
    }
    for h in &f.not_headings {
        if let Some(x) = seg.headings.iter().find(|x| x.text.contains(h.as_str())) {
            errs.push(format!("{name}: {:?} taken as a heading", x.text));
        }
    }
    for s in &f.not_sections {
        if let Some(p) = seg
            .passages
            .iter()
            .find(|p| p.section.iter().any(|x| x.contains(s.as_str())))
        {
            errs.push(format!(
                "{name}:{}: section chain {:?} holds {s:?}",
                p.n, p.section
            ));
        }
    }
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &seg.dropped {
        *reasons.entry(d.reason.as_str()).or_default() += 1;
    }
    for (r, n) in &f.dropped_min {
        let got = reasons.get(r.as_str()).copied().unwrap_or(0);
        if got < *n {
            errs.push(format!(
                "{name}: {got} lines dropped as {r}, expected ≥ {n}"
            ));
        }
    }
    for (r, n) in &f.dropped_max {
        let got = reasons.get(r.as_str()).copied().unwrap_or(0);
        if got > *n {
            errs.push(format!(
                "{name}: {got} lines dropped as {r}, expected ≤ {n}"
            ));
        }
    }
    let warnings = &seg.warnings;
    if f.warnings_max.is_some_and(|n| warnings.len() > n) {
        errs.push(format!("{name}: warnings {warnings:?}"));
    }
    for w in &f.warns {
        if !warnings.iter().any(|x| x.contains(w.as_str())) {
            errs.push(format!("{name}: no warning {w:?} in {warnings:?}"));
        }
    }
    for pf in &f.passage {
        check_passage(name, &seg, pf, errs);
    }
}

fn run(file: &str) {
    let path = repo().join("tests/gold").join(file);
    let gold: Gold = toml::from_str(&std::fs::read_to_string(&path).expect("gold file reads"))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut errs = Vec::new();
    for f in &gold.doc {
        check_facts(f, &mut errs);
    }
    assert!(
        errs.is_empty(),
        "{} facts failed:\n{}",
        errs.len(),
        errs.join("\n")
    );
}

#[test]
fn fixtures_hold_their_facts() {
    run("fixtures.toml");
}

/// The documents of `../shared/corpus-extra` as its `index.tsv` lists
/// them, with the manifest entries `scripts/corpus-extra.sh` gives them.
fn extra_documents() -> Vec<(Document, String)> {
    let index = std::fs::read_to_string(extra_dir().join("index.tsv"))
        .expect("../shared/corpus-extra/index.tsv reads");
    index
        .lines()
        .skip(1)
        .filter_map(|row| {
            let cols: Vec<&str> = row.split('\t').collect();
            let (file, country, language) = (cols.first()?, cols.get(1)?, cols.get(3)?);
            let text =
                String::from_utf8_lossy(&std::fs::read(extra_dir().join(file)).ok()?).into_owned();
            let id = file.trim_end_matches(".txt");
            let id = id.split("-cybersecurity-strategy-").next().unwrap_or(id);
            let doc: Document = serde_json::from_value(serde_json::json!({
                "id": id,
                "file": file,
                "title": format!("National Cybersecurity Strategy of {country}"),
                "issuer": format!("Government of {country}"),
                "date": "2020",
                "kind": "national-strategy",
                "language": language,
            }))
            .ok()?;
            Some((doc, text))
        })
        .collect()
}

/// One line of the corpus-extra summary: what the segmenter made of a
/// document, in the figures a reviewer compares from one run to the next.
fn summary_row(doc: &Document, text: &str) -> String {
    use normsearch::segment::PassageKind;
    let seg = segment::segment(doc, text);
    let count = |k: PassageKind| seg.passages.iter().filter(|p| p.kind == k).count();
    let labelled = seg.passages.iter().filter(|p| p.label.is_some()).count();
    let pages: Vec<u32> = seg.passages.iter().filter_map(|p| p.page).collect();
    let pages = match (pages.iter().min(), pages.iter().max()) {
        (Some(a), Some(b)) => format!("{a}-{b}"),
        _ => "-".to_string(),
    };
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &seg.dropped {
        *reasons.entry(d.reason.as_str()).or_default() += 1;
    }
    let dropped: Vec<String> = reasons.iter().map(|(r, n)| format!("{r} {n}")).collect();
    let longest = seg
        .passages
        .iter()
        .map(|p| p.text.split_whitespace().count())
        .max()
        .unwrap_or(0);
    [
        doc.id.clone(),
        seg.profile.kind.as_str().to_string(),
        seg.passages.len().to_string(),
        count(PassageKind::Body).to_string(),
        count(PassageKind::ListItem).to_string(),
        count(PassageKind::Footnote).to_string(),
        labelled.to_string(),
        seg.headings.len().to_string(),
        pages,
        longest.to_string(),
        if dropped.is_empty() {
            "-".to_string()
        } else {
            dropped.join(", ")
        },
        if seg.warnings.is_empty() {
            "-".to_string()
        } else {
            seg.warnings.join(" | ")
        },
    ]
    .join("\t")
}

/// The summary of the whole of corpus-extra, as committed in
/// `tests/gold/corpus-extra-summary.tsv`.
fn summary() -> String {
    let mut out = String::from(
        "doc\tkind\tpassages\tbody\tlist-items\tfootnotes\tlabelled\theadings\tpages\tlongest\tdropped\twarnings\n",
    );
    for (doc, text) in extra_documents() {
        out.push_str(&summary_row(&doc, &text));
        out.push('\n');
    }
    out
}

/// The committed summary of corpus-extra is the segmenter's current one:
/// a change in how any document is cut shows in review as a change of that
/// file. `scripts/corpus-extra-summary.sh` writes it anew.
#[test]
fn corpus_extra_summary_is_current() {
    let path = repo().join("tests/gold/corpus-extra-summary.tsv");
    let now = summary();
    if std::env::var_os("NORMSEARCH_WRITE_SUMMARY").is_some() {
        std::fs::write(&path, &now).expect("summary writes");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != now {
        let changed: Vec<String> = now
            .lines()
            .filter(|l| !committed.lines().any(|c| c == *l))
            .map(|l| l.split('\t').take(3).collect::<Vec<_>>().join(" "))
            .collect();
        panic!(
            "tests/gold/corpus-extra-summary.tsv is out of date for: {}\n\
             run scripts/corpus-extra-summary.sh and review the difference",
            changed.join("; ")
        );
    }
}

#[test]
fn real_documents_hold_their_facts() {
    assert!(
        Path::new(&extra_dir()).join("index.tsv").exists(),
        "the gold set reads ../shared/corpus-extra beside the repository"
    );
    run("corpus.toml");
}
