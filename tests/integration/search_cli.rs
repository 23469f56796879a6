//! `normsearch index` and `normsearch search`, the real binary on the real
//! corpus: query features and filters, citations, equivalences, highlights,
//! JSON, exit codes, and the index's life (missing, stale); damaged, killed
//! and locked indexes are tested in bad_input, crash_safety and concurrency.

use assert_cmd::Command;
use normsearch::search::{Hit, PhraseMatch, SearchResults};
use std::path::Path;
use std::process::Stdio;
use std::sync::OnceLock;

use crate::util::{output, workspace, Run};

/// The binary, run in `dir` on `dir/corpus` and `dir/index`.
fn normsearch(dir: &Path) -> Command {
    crate::util::normsearch(dir, &dir.join("corpus"))
}

/// One workspace with a built index, shared by the read-only tests.
fn shared() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = workspace();
        normsearch(dir.path()).arg("index").assert().success();
        dir
    })
    .path()
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    output(normsearch(dir).args(args))
}

/// `search --json` with `args`, decoded.
fn json(args: &[&str]) -> SearchResults {
    let mut all = vec!["search", "--json"];
    all.extend_from_slice(args);
    let r = run_in(shared(), &all);
    assert!(r.code == 0 || r.code == 1, "{args:?}: {}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

fn sorted_ids<'a>(hits: impl Iterator<Item = &'a Hit>) -> Vec<String> {
    let mut v: Vec<String> = hits.map(|h| h.id.clone()).collect();
    v.sort();
    v
}

fn ids(r: &SearchResults) -> Vec<String> {
    sorted_ids(r.hits.iter())
}

/// The hits that hold every phrase as typed (not the near matches ranked
/// after them).
fn exact_ids(r: &SearchResults) -> Vec<String> {
    sorted_ids(
        r.hits
            .iter()
            .filter(|h| h.phrase != Some(PhraseMatch::Near)),
    )
}

fn marked(h: &Hit) -> Vec<String> {
    let chars: Vec<char> = h.text.chars().collect();
    h.highlights
        .iter()
        .map(|[a, b]| chars[*a..*b].iter().collect())
        .collect()
}

#[test]
fn index_prints_a_summary_line() {
    let dir = workspace();
    let r = run_in(dir.path(), &["index", "--threads", "2"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line = r.stdout.trim();
    assert!(
        line.starts_with("indexed 4 documents, ")
            && line.contains(" passages, ")
            && line.contains(" MB in ")
            && line.contains(" MB/s)"),
        "{line}"
    );
}

#[test]
fn json_has_the_documented_shape() {
    let r = run_in(shared(), &["search", "--json", "\"international law\""]);
    assert_eq!(r.code, 0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["facets", "hits", "query", "took_ms", "total"]);
    let hit = v["hits"][0].as_object().unwrap();
    let mut keys: Vec<&str> = hit.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "anchor",
            "date",
            "doc",
            "highlights",
            "id",
            "issuer",
            "kind",
            "label",
            "language",
            "lines",
            "n",
            "page",
            "phrase",
            "rank",
            "score",
            "section",
            "text",
            "themes",
            "title"
        ]
    );
    assert!(v["facets"]["source"].is_object() && v["facets"]["theme"].is_object());
    let decoded: SearchResults = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(decoded.query, "\"international law\"");
    assert!(decoded.hits.len() <= 10 && decoded.total >= decoded.hits.len());
}

#[test]
fn citations_point_at_lines_holding_the_passage() {
    let r = json(&[
        "--limit",
        "40",
        "\"critical infrastructure\" OR CBMs OR sovereignty",
    ]);
    assert!(r.hits.len() > 5);
    for h in &r.hits {
        let file = std::fs::read_dir(shared().join("corpus"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(h.doc.split('-').next().unwrap())
            })
            .unwrap();
        let source = std::fs::read_to_string(file).unwrap();
        let lines: Vec<&str> = source.lines().collect();
        let [a, b] = h.lines;
        assert!(a >= 1 && a <= b && (b as usize) <= lines.len(), "{}", h.id);
        let span = lines[a as usize - 1..b as usize].join(" ");
        // The passage's first and last words stand in its cited lines
        // (cleaning may re-join hyphenated words, so compare letters only).
        let letters = |s: &str| {
            s.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
        };
        let words: Vec<&str> = h.text.split_whitespace().collect();
        let first = letters(words[0]);
        let last = letters(words[words.len() - 1]);
        let held = letters(&span);
        assert!(
            held.contains(&first) && held.contains(&last),
            "{} lines {a}-{b} do not hold {:?}…{:?}",
            h.id,
            first,
            last
        );
        assert_eq!(h.id, format!("{}:{}", h.doc, h.n));
        assert_eq!(h.anchor.len(), 10);
    }
}

#[test]
fn spellings_meet_both_ways() {
    for (a, b) in [
        ("behaviour", "behavior"),
        ("defence", "defense"),
        ("organisation", "organization"),
        ("\"cyber security\"", "cybersecurity"),
        ("multi-stakeholder", "multistakeholder"),
    ] {
        let (x, y) = (json(&["--limit", "500", a]), json(&["--limit", "500", b]));
        assert!(x.total > 0, "{a}");
        assert_eq!(ids(&x), ids(&y), "{a} vs {b}");
    }
}

#[test]
fn acronyms_meet_their_long_forms_both_ways() {
    for (a, b) in [
        ("CBMs", "\"confidence-building measures\""),
        ("GGE", "\"Group of Governmental Experts\""),
        ("ICTs", "\"information and communication technologies\""),
    ] {
        let (x, y) = (json(&["--limit", "500", a]), json(&["--limit", "500", b]));
        assert!(x.total > 0, "{a}");
        assert_eq!(exact_ids(&x), exact_ids(&y), "{a} vs {b}");
    }
    // Inside a phrase, too.
    let r = json(&["\"OSCE CBMs\""]);
    let long = json(&["\"OSCE confidence-building measures\""]);
    assert!(r.total > 0);
    assert_eq!(exact_ids(&r), exact_ids(&long));
}

#[test]
fn a_phrase_is_highlighted_as_one_span() {
    let r = json(&["\"free flow of information\""]);
    assert!(r.hits.iter().any(|h| h.phrase == Some(PhraseMatch::Exact)));
    // Near matches come after and mark their words one by one.
    for h in r
        .hits
        .iter()
        .filter(|h| h.phrase == Some(PhraseMatch::Exact))
    {
        let marks = marked(h);
        assert!(!marks.is_empty(), "{}", h.id);
        for m in marks {
            assert_eq!(m.to_lowercase(), "free flow of information", "{}", h.id);
        }
    }
}

#[test]
fn highlight_offsets_count_characters() {
    // The CCD COE chapter quotes with curly quotes: multi-byte characters
    // before the match.
    let r = json(&["--limit", "50", "‘norms of behaviour’"]);
    let h = r
        .hits
        .iter()
        .find(|h| h.text.contains("‘cyber norms’"))
        .expect("the passage with curly quotes");
    assert!(marked(h).iter().any(|m| m.to_lowercase() == "behaviour"));
}

#[test]
fn every_query_feature_works() {
    // +must and -exclude
    let r = json(&["--limit", "100", "+sovereignty norms"]);
    assert!(r.total > 0);
    assert!(r
        .hits
        .iter()
        .all(|h| h.text.to_lowercase().contains("sovereign")));
    let r = json(&["--limit", "100", "norms -source:usa-2011"]);
    assert!(r.total > 0 && r.hits.iter().all(|h| h.doc != "usa-2011"));
    // AND / OR / NOT and parentheses
    let both = json(&["--limit", "500", "privacy AND surveillance"]);
    let either = json(&["--limit", "500", "privacy OR surveillance"]);
    assert!(both.total > 0 && both.total < either.total);
    let not = json(&["--limit", "500", "privacy NOT surveillance"]);
    assert_eq!(
        not.total + both.total,
        json(&["--limit", "500", "privacy"]).total
    );
    let grouped = json(&[
        "--limit",
        "500",
        "(privacy OR surveillance) AND source:norway-2017",
    ]);
    assert!(grouped.total > 0 && grouped.hits.iter().all(|h| h.doc == "norway-2017"));
    // "phrase"~N
    let strict = json(&["--limit", "500", "--exact", "\"norms behaviour\""]);
    let sloppy = json(&["--limit", "500", "--exact", "\"norms behaviour\"~2"]);
    assert!(sloppy.total > strict.total);
    // field:value
    let r = json(&["--limit", "500", "cyberspace year:2014"]);
    assert!(r.total > 0 && r.hits.iter().all(|h| h.date.starts_with("2014")));
    let r = json(&["--limit", "500", "norms kind:footnote"]);
    assert!(r.total > 0 && r.hits.iter().all(|h| h.kind.as_str() == "footnote"));
    let r = json(&["--limit", "500", "law theme:international-law"]);
    assert!(r.total > 0);
    assert!(r
        .hits
        .iter()
        .all(|h| h.themes.iter().any(|t| t.starts_with("international-law"))));
    // prefix and fuzzy
    let r = json(&["cyberspa*"]);
    assert!(
        r.total > 0
            && marked(&r.hits[0])
                .iter()
                .all(|m| m.to_lowercase().starts_with("cyberspa"))
    );
    let r = json(&["sovreignty~1"]);
    assert!(r.total > 0);
}

#[test]
fn every_filter_flag_works() {
    let r = json(&[
        "--limit",
        "500",
        "--source",
        "sweden-2014",
        "--source",
        "norway-2017",
        "cyber",
    ]);
    assert!(r.total > 0);
    assert!(r
        .hits
        .iter()
        .all(|h| h.doc == "sweden-2014" || h.doc == "norway-2017"));
    let r = json(&["--limit", "500", "--year", "2016..2017", "cyber"]);
    assert!(
        r.total > 0
            && r.hits
                .iter()
                .all(|h| h.date.starts_with("2016") || h.date.starts_with("2017"))
    );
    let r = json(&["--limit", "500", "--kind", "list-item", "cyber"]);
    assert!(r.total > 0 && r.hits.iter().all(|h| h.kind.as_str() == "list-item"));
    let r = json(&["--limit", "500", "--theme", "cbm", "measures"]);
    assert!(r.total > 0 && r.hits.iter().all(|h| h.themes.iter().any(|t| t == "cbm")));
    let r = json(&["--exact", "--limit", "500", "behaviour"]);
    assert!(r.total > 0 && r.total < json(&["--limit", "500", "behaviour"]).total);
    let r = json(&["--sort", "date", "--limit", "500", "cyber"]);
    let dates: Vec<&str> = r.hits.iter().map(|h| h.date.as_str()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    let all = json(&["--limit", "6", "cyber"]);
    let page = json(&["--limit", "3", "--offset", "3", "cyber"]);
    let first: Vec<&String> = all.hits[3..].iter().map(|h| &h.id).collect();
    let second: Vec<&String> = page.hits.iter().map(|h| &h.id).collect();
    assert_eq!(first, second);
    assert_eq!(page.hits[0].rank, 4);
}

#[test]
fn exit_codes() {
    // Errors (exit code 2) are catalogued in tests/bad_input.rs.
    let dir = shared();
    assert_eq!(run_in(dir, &["search", "norms"]).code, 0);
    let none = run_in(dir, &["search", "xylophonequartz"]);
    assert_eq!(none.code, 1);
    assert!(none.stderr.is_empty(), "{}", none.stderr);
}

#[test]
fn human_output_has_citations_and_no_colour_off_a_terminal() {
    let r = run_in(
        shared(),
        &["search", "--limit", "1", "\"due regard\" OR sovereignty"],
    );
    assert_eq!(r.code, 0);
    assert!(!r.stdout.contains('\u{1b}'));
    assert!(r.stdout.contains("passages match") || r.stdout.contains("passage match"));
    assert!(
        r.stdout.contains("1. ") && r.stdout.contains(" lines ") && r.stdout.contains("anchor ")
    );
}

#[test]
fn explain_shows_the_expanded_query() {
    let r = run_in(shared(), &["search", "--explain", "--limit", "1", "CBMs"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.starts_with("word, any of:\n  CBMs → cbm\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("\"confidence-building measures\"") && r.stdout.contains("concept cbm"),
        "{}",
        r.stdout
    );
    let r = run_in(shared(), &["search", "--explain", "--json", "CBMs"]);
    assert!(r.stderr.contains("CBMs → cbm"));
    let _: SearchResults = serde_json::from_str(&r.stdout).unwrap();
}

#[test]
fn a_missing_index_is_built_first() {
    let dir = workspace();
    let r = run_in(dir.path(), &["search", "norms"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("no index in") && r.stderr.contains("indexed 4 documents"));
    assert!(dir.path().join("index/CURRENT").is_file());
    // The second time it is simply used.
    let r = run_in(dir.path(), &["search", "norms"]);
    assert_eq!(r.code, 0);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[test]
fn a_stale_index_warns_and_answers() {
    let dir = workspace();
    normsearch(dir.path()).arg("index").assert().success();
    let text = dir
        .path()
        .join("corpus/usa-2011-international-strategy-for-cyberspace.txt");
    let mut s = std::fs::read_to_string(&text).unwrap();
    s.push_str("\nZanzibarian addendum.\n");
    std::fs::write(&text, s).unwrap();
    let r = run_in(dir.path(), &["search", "norms"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stderr.contains("warning")
            && r.stderr.contains("stale")
            && r.stderr.contains("normsearch index")
    );
    // `check` looks at every text, whatever a search quotes.
    let r = run_in(dir.path(), &["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("warning: the index in") && r.stderr.contains("is stale"),
        "{}",
        r.stderr
    );
    // The new word is not in the old index.
    assert_eq!(run_in(dir.path(), &["search", "zanzibarian"]).code, 1);
    normsearch(dir.path()).arg("index").assert().success();
    let r = run_in(dir.path(), &["search", "zanzibarian"]);
    assert_eq!(r.code, 0);
    assert!(r.stderr.is_empty());
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let mut child = std::process::Command::new(crate::util::binary())
        .current_dir(shared())
        .env("NORMSEARCH_CORPUS", shared().join("corpus"))
        .env("NORMSEARCH_INDEX", shared().join("index"))
        .args(["search", "--limit", "1000", "the"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then hang up, as `| head -1` does.
    {
        use std::io::BufRead;
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(line.contains("match"));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
