//! The search prompt driven through a pipe (`normsearch shell < lines`):
//! every command and citation format, paging, filters, refused lines, and
//! its answers checked against the `search`, `show`, `cite` and `themes`
//! commands on the same index.

use assert_cmd::Command;
use normsearch::index::Index;
use normsearch::present::table::csv_header;
use normsearch::search::{Hit, SearchResults};
use normsearch::shell::COMMANDS;
use normsearch::Engine;
use std::path::Path;
use std::sync::OnceLock;

use crate::util::{output, repo, Run};

/// The binary, run in `dir` on the founding corpus and `dir/index`.
fn normsearch(dir: &Path) -> Command {
    crate::util::normsearch(dir, &repo().join("corpus"))
}

/// One folder with a built index, shared by the tests that only read.
fn shared() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        normsearch(dir.path()).arg("index").assert().success();
        dir
    })
    .path()
}

/// `normsearch shell` in `dir` with these lines on stdin.
fn session_in(dir: &Path, lines: &[&str]) -> Run {
    let mut input = lines.join("\n");
    input.push('\n');
    output(normsearch(dir).arg("shell").write_stdin(input))
}

fn session(lines: &[&str]) -> Run {
    session_in(shared(), lines)
}

fn command(args: &[&str]) -> Run {
    output(normsearch(shared()).args(args))
}

fn search_json(args: &[&str]) -> SearchResults {
    let mut all = vec!["search", "--json"];
    all.extend_from_slice(args);
    let run = command(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

/// The timing in a count line differs from run to run.
fn without_times(text: &str) -> String {
    text.lines()
        .map(|l| match (l.find(" ("), l.find(" ms)")) {
            (Some(a), Some(b)) if a < b && l.contains("match") => {
                format!("{}{}", &l[..a], &l[b + 4..])
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The hit ids of rendered results, in order.
fn rendered_ids(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let (rank, rest) = l.split_once(". ")?;
            rank.parse::<usize>().ok()?;
            Some(rest.split_whitespace().next()?.to_string())
        })
        .collect()
}

fn ids(hits: &[Hit]) -> Vec<String> {
    hits.iter().map(|h| h.id.clone()).collect()
}

#[test]
fn a_query_is_rendered_as_search_renders_it() {
    let query = "confidence-building measures";
    let shell = session(&[query]);
    let search = command(&["search", query]);
    assert_eq!((shell.code, shell.stderr.as_str()), (0, ""));
    let total = search_json(&[query]).total;
    assert!(total > 10, "the query fills more than a page");
    assert_eq!(
        without_times(&shell.stdout),
        format!(
            "{}\n\nEnter or :more for hits 11–20 of {total}",
            without_times(&search.stdout)
        )
    );
    assert!(!shell.stdout.contains('\x1b'), "no colour when piped");
}

#[test]
fn enter_and_more_page_through_the_results() {
    let all = search_json(&["norms", "--limit", "30"]);
    assert!(all.total > 30, "three full pages");
    let run = session(&["norms", "", ":more"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(rendered_ids(&run.stdout), ids(&all.hits));
    for page in ["showing 1–10", "showing 11–20", "showing 21–30"] {
        assert!(run.stdout.contains(page), "{page}: {}", run.stdout);
    }
}

#[test]
fn paging_ends_when_every_hit_is_shown() {
    let total = search_json(&["sovereignty"]).total;
    assert!((1..=5).contains(&total), "a query with a handful of hits");
    let run = session(&[":limit 5", "sovereignty", "", ":more"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("Enter or :more"), "{}", run.stdout);
    let done = format!(
        "all {total} hit{} of \"sovereignty\" shown",
        if total == 1 { "" } else { "s" }
    );
    assert_eq!(run.stdout.matches(&done).count(), 2, "{}", run.stdout);
    // Enter before any query is harmless.
    let run = session(&["", ":more"]);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (0, "", "")
    );
}

#[test]
fn filters_apply_and_are_reported() {
    let run = session(&[
        ":source usa-2011 sweden-2014",
        ":year 2011..2014",
        ":theme cooperation",
        ":limit 50",
        "international",
        ":source all",
        ":theme all",
        ":year all",
        ":limit 10",
        ":exact on",
        "behavior",
        ":exact off",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let filters: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("filters: "))
        .collect();
    assert_eq!(
        filters,
        [
            "filters: source:usa-2011,sweden-2014",
            "filters: source:usa-2011,sweden-2014 year:2011..2014",
            // In the prompt's order: sources, themes, years, exact, limit.
            "filters: source:usa-2011,sweden-2014 theme:cooperation year:2011..2014",
            "filters: source:usa-2011,sweden-2014 theme:cooperation year:2011..2014 limit:50",
            "filters: theme:cooperation year:2011..2014 limit:50",
            "filters: year:2011..2014 limit:50",
            "filters: limit:50",
            "filters: none",
            "filters: exact",
            "filters: none",
        ]
    );
    let filtered = search_json(&[
        "international",
        "--source",
        "usa-2011",
        "--source",
        "sweden-2014",
        "--year",
        "2011..2014",
        "--theme",
        "cooperation",
        "--limit",
        "50",
    ]);
    let exact = search_json(&["behavior", "--exact"]);
    assert!(filtered.total > 0 && exact.total > 0);
    assert_ne!(
        exact.total,
        search_json(&["behavior"]).total,
        "exact differs"
    );
    let mut expected = ids(&filtered.hits);
    expected.extend(ids(&exact.hits));
    assert_eq!(rendered_ids(&run.stdout), expected);
}

#[test]
fn bad_lines_are_reported_and_the_session_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let refused = dir.path().join("hits.txt");
    let refused = refused.to_str().unwrap();
    let lines = [
        ":cite 1",
        ":show 1",
        ":export hits.csv",
        "\"unclosed",
        "norms AND",
        ":frobnicate",
        ":source narnia-2020",
        ":theme nonsense",
        ":year 2016..2011",
        ":limit 0",
        ":exact maybe",
        "sovereignty",
        ":show 999",
        ":cite 999 bibtex",
        ":cite 1 apa",
        &format!(":export {refused}"),
        "source:nowhere norms",
        "cyberspace",
    ];
    let run = session(&lines);
    assert_eq!(run.code, 0, "errors on lines do not fail the session");
    let errors: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(errors.len(), lines.len() - 2, "{}", run.stderr);
    assert!(errors.iter().all(|e| e.starts_with("normsearch: error: ")));
    for (i, expected) in [
        "no results yet",
        "no results yet",
        "nothing to export",
        "column 1",
        "column 7",
        ":frobnicate is not a command; type :help",
        "unknown source `narnia-2020`; valid sources: norway-2017, ccdcoe-2016, sweden-2014, usa-2011",
        "unknown theme `nonsense`; valid themes: ",
        "usage: :year",
        "1 to 1000",
        "on or off",
        "no hit 999: hits 1 to",
        "no hit 999: hits 1 to",
        "plain, chicago, bibtex and json",
        "name a .jsonl file (JSON Lines) or a .csv file",
        "unknown source `nowhere`",
    ]
    .iter()
    .enumerate()
    {
        assert!(errors[i].contains(expected), "line {i}: {}", errors[i]);
    }
    assert!(
        !Path::new(refused).exists(),
        "a refused export writes nothing"
    );
    // The refused filters left none in force; both queries answered.
    assert!(!run.stdout.contains("filters:"), "{}", run.stdout);
    let answered = run.stdout.matches(" match (").count();
    assert_eq!(answered, 2, "{}", run.stdout);
}

#[test]
fn show_gives_the_hit_in_context_as_show_does() {
    let hits = search_json(&["attribution"]).hits;
    assert!(hits.len() >= 2);
    let run = session(&["attribution", ":show 2"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    let shown = command(&["show", &hits[1].id]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(shown.stdout.contains("Cite: "), "{}", shown.stdout);
    assert!(
        run.stdout.ends_with(&shown.stdout),
        "prompt:\n{}\nshow:\n{}",
        run.stdout,
        shown.stdout
    );
}

#[test]
fn show_lists_the_footnotes_a_passage_references() {
    let hits = search_json(&["norms", "--limit", "100"]).hits;
    let engine = Engine::open(&repo().join("corpus"), &shared().join("index")).unwrap();
    let (hit, notes) = hits
        .iter()
        .find_map(|h| {
            let notes = engine.context_of(h, 1).unwrap().footnotes;
            (!notes.is_empty()).then_some((h, notes))
        })
        .expect("a hit that references a footnote");
    let run = session(&[":limit 100", "norms", &format!(":show {}", hit.rank)]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    let shown = command(&["show", &hit.id]).stdout;
    assert!(run.stdout.ends_with(&shown), "{}: {}", hit.id, run.stdout);
    let notes_part = &shown[shown.find("\nFootnotes:\n").expect("footnotes shown")..];
    for n in &notes {
        assert!(notes_part.contains(&n.text), "{}: {shown}", n.id);
    }
}

#[test]
fn cite_gives_every_format_as_cite_does() {
    let hits = search_json(&["GGE"]).hits;
    assert!(hits.len() >= 3);
    let run = session(&[
        "GGE",
        ":cite 3",
        ":cite 3 plain",
        ":cite 3 chicago",
        ":cite 3 bibtex",
        ":cite 3 json",
    ]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    let mut expected = String::new();
    for format in ["plain", "plain", "chicago", "bibtex", "json"] {
        let cite = command(&["cite", &hits[2].id, "--format", format]);
        assert_eq!(cite.code, 0, "{}", cite.stderr);
        expected.push_str(&cite.stdout);
    }
    assert!(run.stdout.ends_with(&expected), "{}", run.stdout);
    let json_start = run.stdout.rfind("\n{\n").unwrap() + 1;
    let citation: serde_json::Value = serde_json::from_str(&run.stdout[json_start..]).unwrap();
    assert_eq!(citation["id"], hits[2].id.as_str());
}

#[test]
fn sources_list_the_documents_with_their_metadata_and_counts() {
    let run = session(&[":sources"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    let index = Index::open(&shared().join("index")).unwrap();
    let meta = index.meta();
    let documents = index.documents().unwrap();
    assert_eq!((meta.documents, documents.len()), (4, 4));
    let lines: Vec<&str> = run.stdout.lines().collect();
    for (i, d) in documents.iter().enumerate() {
        let head: Vec<&str> = lines[2 * i].split_whitespace().collect();
        assert_eq!(
            head,
            [
                d.id.as_str(),
                d.date.as_str(),
                d.kind.as_str(),
                &d.passages.to_string(),
                "passages"
            ]
        );
        assert_eq!(lines[2 * i + 1], format!("   {} — {}", d.title, d.issuer));
    }
    assert_eq!(lines[8], format!("4 documents, {} passages", meta.passages));
}

#[test]
fn themes_list_the_taxonomy_with_the_counts_themes_gives() {
    let run = session(&[":themes"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    let json = command(&["themes", "--json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let mut rows = 0;
    for line in json.stdout.lines() {
        let t: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = t["id"].as_str().unwrap();
        let row = run
            .stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("{id} missing:\n{}", run.stdout));
        let words: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(words[1], t["passages"].to_string(), "{row}");
        assert_eq!(words[2..].join(" "), t["label"].as_str().unwrap(), "{row}");
        assert_eq!(row.starts_with("  "), !t["parent"].is_null(), "{row}");
        rows += 1;
    }
    assert!(rows > 10);
}

#[test]
fn export_writes_every_hit_as_json_lines_or_csv() {
    let dir = tempfile::tempdir().unwrap();
    let expected = search_json(&["norms", "--limit", "1000", "--source", "ccdcoe-2016"]);
    assert!(expected.total > 10, "more than the page shown");
    let run = session_in(
        shared(),
        &[
            ":source ccdcoe-2016",
            "norms",
            &format!(":export {}", dir.path().join("hits.jsonl").display()),
            &format!(":export {}", dir.path().join("hits.CSV").display()),
        ],
    );
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    assert!(run.stdout.contains(&format!(
        "wrote {} hits of \"norms\" to {}",
        expected.total,
        dir.path().join("hits.jsonl").display()
    )));

    let jsonl = std::fs::read_to_string(dir.path().join("hits.jsonl")).unwrap();
    let hits: Vec<Hit> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // The same hit objects as `search --json`.
    assert_eq!(hits, expected.hits);

    let mut csv = csv::Reader::from_path(dir.path().join("hits.CSV")).unwrap();
    assert_eq!(csv.headers().unwrap(), csv_header::<Hit>().as_slice());
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), expected.hits.len());
    for (row, hit) in rows.iter().zip(&expected.hits) {
        assert_eq!(&row[0], hit.rank.to_string());
        assert_eq!(&row[1], hit.id);
        assert_eq!(&row[6], hit.section.join(" › "));
        assert_eq!(&row[14], hit.themes.join(";"));
        assert_eq!(&row[16], hit.text);
    }
}

#[test]
fn help_lists_every_command() {
    let run = session(&[":help"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    for (cmd, args, what) in COMMANDS {
        let usage = format!("{cmd} {args}");
        let line = run
            .stdout
            .lines()
            .find(|l| l.trim_start().starts_with(usage.trim_end()))
            .unwrap_or_else(|| panic!("{cmd} missing:\n{}", run.stdout));
        assert!(line.ends_with(what), "{line}");
    }
}

#[test]
fn quit_stops_reading_and_end_of_input_exits_zero() {
    let run = session(&[":quit", "norms"]);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (0, "", "")
    );
    let run = session(&[":q"]);
    assert_eq!(run.code, 0);
    let run = output(normsearch(shared()).arg("shell").write_stdin(""));
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
}

#[test]
fn no_command_with_piped_input_runs_the_prompt() {
    let run = output(normsearch(shared()).write_stdin(":sources\n"));
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    assert!(run.stdout.contains("4 documents"), "{}", run.stdout);
}

#[test]
fn a_line_that_is_not_utf8_spoils_only_itself() {
    let run = output(
        normsearch(shared())
            .arg("shell")
            .write_stdin(b"sover\xffeignty\n:sources\n".to_vec()),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("4 documents"), "{}", run.stdout);
}

#[test]
fn corpus_and_index_flags_work_for_the_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("elsewhere");
    let run = output(
        Command::new(crate::util::binary())
            .current_dir(dir.path())
            .env_remove("NORMSEARCH_CORPUS")
            .env_remove("NORMSEARCH_INDEX")
            .args(["shell", "--corpus"])
            .arg(repo().join("corpus"))
            .arg("--index")
            .arg(&index)
            .write_stdin(":sources\n"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("built it"), "{}", run.stderr);
    assert!(run.stdout.contains("usa-2011"), "{}", run.stdout);
    assert!(index.join("CURRENT").exists());
}

#[test]
fn a_missing_corpus_stops_the_prompt_with_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let run = output(
        normsearch(dir.path())
            .env("NORMSEARCH_CORPUS", dir.path().join("nowhere"))
            .arg("shell")
            .write_stdin("norms\n"),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    let last = run.stderr.lines().last().unwrap_or("");
    assert!(
        last.starts_with("normsearch: error: ") && last.contains("no such corpus folder"),
        "{}",
        run.stderr
    );
}
