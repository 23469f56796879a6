//! `normsearch grid` and `normsearch compare`, the real binary on the
//! founding corpus and on `../shared/corpus-extra`: every cell's count is
//! the figure `search --theme T --source D --count` and `passages --json`
//! give; every best passage carries its column's theme, belongs to its
//! row and quotes the passage exactly; the table, the CSV and the JSON
//! agree; `compare` gives at most one passage per document, oldest first,
//! each the one `search --source D` ranks first; the prompt's `:grid` and
//! `:compare` answer the same.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::OnceLock;

use normsearch::search::{Comparison, Grid, SearchResults};
use serde_json::Value;

use crate::util::{output, workspace, Run};

/// A corpus folder and an index built from it, shared by the tests.
struct Fixture {
    dir: PathBuf,
    corpus: PathBuf,
    /// Per document, per passage number: the passage's themes and text
    /// (from `passages --json`).
    passages: BTreeMap<String, BTreeMap<u64, (Vec<String>, String)>>,
    _tmp: tempfile::TempDir,
}

impl Fixture {
    fn new(tmp: tempfile::TempDir, corpus: PathBuf) -> Fixture {
        let dir = tmp.path().to_path_buf();
        let mut f = Fixture {
            dir,
            corpus,
            passages: BTreeMap::new(),
            _tmp: tmp,
        };
        let r = f.run(&["index"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let r = f.run(&["passages", "--json"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        for line in r.stdout.lines() {
            let p: Value = serde_json::from_str(line).unwrap();
            let themes = p["themes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap().to_string())
                .collect();
            f.passages
                .entry(p["doc"].as_str().unwrap().to_string())
                .or_default()
                .insert(
                    p["n"].as_u64().unwrap(),
                    (themes, p["text"].as_str().unwrap().to_string()),
                );
        }
        f
    }

    fn run(&self, args: &[&str]) -> Run {
        output(
            crate::util::normsearch(&self.dir, &self.corpus)
                .env("COLUMNS", "4000")
                .args(args),
        )
    }

    fn json<T: serde::de::DeserializeOwned>(&self, args: &[&str]) -> T {
        let r = self.run(args);
        assert!(r.code == 0 || r.code == 1, "{args:?}: {}", r.stderr);
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {}", r.stdout))
    }

    /// Passages of `doc` tagged `theme` or one of its sub-themes.
    fn tagged(&self, doc: &str, theme: &str) -> u64 {
        let sub = format!("{theme}/");
        self.passages.get(doc).map_or(0, |ps| {
            ps.values()
                .filter(|(ts, _)| ts.iter().any(|t| t == theme || t.starts_with(&sub)))
                .count() as u64
        })
    }

    /// `search --theme T --source D --count`'s total.
    fn search_count(&self, doc: &str, theme: &str) -> u64 {
        let r: SearchResults = self.json(&[
            "search", "--json", "--count", "--limit", "0", "--theme", theme, "--source", doc,
        ]);
        r.total as u64
    }

    /// Checks a grid with document rows against the passages and, for
    /// `every`-th cell, against the search's count.
    fn check_grid(&self, g: &Grid, every: usize) {
        assert_eq!(g.cells.len(), g.rows.len() * g.themes.len());
        for (i, c) in g.cells.iter().enumerate() {
            assert_eq!(c.doc, g.rows[i / g.themes.len()]);
            assert_eq!(c.theme, g.themes[i % g.themes.len()]);
            assert_eq!(
                c.count,
                self.tagged(&c.doc, &c.theme),
                "{} × {}: the grid's count against passages --json",
                c.doc,
                c.theme
            );
            if i % every == 0 {
                assert_eq!(
                    c.count,
                    self.search_count(&c.doc, &c.theme),
                    "{} × {}: the grid's count against search --count",
                    c.doc,
                    c.theme
                );
            }
            match &c.best {
                None => assert_eq!(c.count, 0, "{} × {}: no best passage", c.doc, c.theme),
                Some(best) => {
                    assert!(c.count > 0);
                    assert_eq!(best.doc, c.doc, "the best passage is of its row");
                    assert!(
                        best.themes.contains(&c.theme),
                        "{}: tagged {:?}, not {}",
                        best.id,
                        best.themes,
                        c.theme
                    );
                    let (_, text) = &self.passages[&c.doc][&u64::from(best.n)];
                    assert_eq!(&best.text, text, "{}: the quotation is exact", best.id);
                    assert!(best.score > 0.0, "{}: its evidence is its score", best.id);
                    let cite = c.citation.as_deref().unwrap_or("");
                    assert!(cite.contains(&best.title), "{cite}");
                }
            }
        }
    }
}

fn founding() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let tmp = workspace();
        let corpus = tmp.path().join("corpus");
        Fixture::new(tmp, corpus)
    })
}

fn extra() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let corpus = tmp.path().join("corpus");
        std::fs::create_dir(&corpus).unwrap();
        crate::search_relevance::extra_corpus(
            &crate::util::repo().join("../shared/corpus-extra"),
            &corpus,
        );
        Fixture::new(tmp, corpus)
    })
}

#[test]
fn founding_cells_are_the_search_counts_with_their_best_passages() {
    let f = founding();
    let pillars: Grid = f.json(&["grid", "--json"]);
    assert!(pillars.themes.iter().all(|t| !t.contains('/')));
    assert_eq!(pillars.rows.len(), 4);
    f.check_grid(&pillars, 1);
    let all: Grid = f.json(&["grid", "--json", "--themes", "all"]);
    assert!(all.themes.len() > pillars.themes.len());
    f.check_grid(&all, 3);
    // A chosen set, in the order asked, and a pillar's sub-themes.
    let chosen: Grid = f.json(&["grid", "--json", "--themes", "cbm,norms/*"]);
    assert_eq!(chosen.themes[0], "cbm");
    assert!(chosen.themes[1..].iter().all(|t| t.starts_with("norms/")));
    f.check_grid(&chosen, 1);
}

#[test]
fn corpus_extra_cells_are_the_search_counts_with_their_best_passages() {
    let f = extra();
    let g: Grid = f.json(&["grid", "--json"]);
    assert_eq!(g.rows.len(), f.passages.len());
    f.check_grid(&g, 11);
}

#[test]
fn filters_and_a_query_restrict_the_cells_as_they_restrict_a_search() {
    let f = founding();
    let g: Grid = f.json(&[
        "grid",
        "--json",
        "--source",
        "usa-2011",
        "--source",
        "norway-2017",
        "--kind",
        "body",
        "cyber",
        "security",
    ]);
    assert_eq!(g.rows, ["norway-2017", "usa-2011"]);
    for c in &g.cells {
        let r: SearchResults = f.json(&[
            "search", "--json", "--count", "--limit", "1", "--kind", "body", "--theme", &c.theme,
            "--source", &c.doc, "cyber", "security",
        ]);
        assert_eq!(c.count, r.total as u64, "{} × {}", c.doc, c.theme);
        if let Some(best) = &c.best {
            assert_eq!(best.kind.as_str(), "body");
            assert!(
                !best.highlights.is_empty(),
                "{}: the query is marked",
                best.id
            );
        }
    }
    let listed: Grid = f.json(&[
        "grid",
        "--json",
        "--source",
        "usa-2011,norway-2017",
        "--kind",
        "body",
        "cyber",
        "security",
    ]);
    assert_eq!(listed.rows, g.rows, "ids separated by commas");
    let years: Grid = f.json(&["grid", "--json", "--year", "2014..2016"]);
    assert_eq!(years.rows, ["ccdcoe-2016", "sweden-2014"]);
    let r = f.run(&["grid", "--source", "narnia"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("narnia"), "{}", r.stderr);
    let r = f.run(&["grid", "--themes", "cbm,nope"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("nope"), "{}", r.stderr);
}

#[test]
fn groups_add_up_their_documents() {
    let f = extra();
    let docs: Grid = f.json(&["grid", "--json"]);
    let years: Grid = f.json(&["grid", "--json", "--by", "year"]);
    let mut sum: BTreeMap<(String, String), u64> = BTreeMap::new();
    for row in &years.row_details {
        for d in &row.documents {
            let r = docs.rows.iter().position(|x| x == d).unwrap();
            for (c, t) in docs.themes.iter().enumerate() {
                *sum.entry((row.id.clone(), t.clone())).or_default() +=
                    docs.cell(r, c).unwrap().count;
            }
        }
    }
    let mut keys: Vec<&String> = years.rows.iter().collect();
    keys.sort();
    assert_eq!(
        keys,
        years.rows.iter().collect::<Vec<_>>(),
        "years in order"
    );
    for c in &years.cells {
        assert_eq!(c.count, sum[&(c.doc.clone(), c.theme.clone())]);
        if let Some(best) = &c.best {
            let row = years.row_details.iter().find(|r| r.id == c.doc).unwrap();
            assert!(row.documents.contains(&best.doc));
            assert!(best.themes.contains(&c.theme));
        }
    }
}

#[test]
fn table_csv_and_json_agree() {
    let f = founding();
    let g: Grid = f.json(&["grid", "--json", "--themes", "all"]);
    // The table, without colour: a header of column names, then a row of
    // counts (`·` for none) per document.
    let table = f.run(&["grid", "--themes", "all"]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(lines[0].starts_with("document"), "{}", lines[0]);
    assert_eq!(lines[0].split_whitespace().count(), g.themes.len() + 1);
    for (r, row) in g.rows.iter().enumerate() {
        let words: Vec<&str> = lines[r + 1].split_whitespace().collect();
        assert_eq!(words[0], row);
        let counts: Vec<u64> = words[1..]
            .iter()
            .map(|w| if *w == "·" { 0 } else { w.parse().unwrap() })
            .collect();
        let want: Vec<u64> = (0..g.themes.len())
            .map(|c| g.cell(r, c).unwrap().count)
            .collect();
        assert_eq!(counts, want, "row {row}");
    }
    assert!(!table.stdout.contains('\x1b'), "no colour when piped");

    let csv = f.run(&["grid", "--csv", "--themes", "all"]);
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), g.cells.len());
    for (rec, cell) in records.iter().zip(&g.cells) {
        assert_eq!(&rec[col("doc")], cell.doc);
        assert_eq!(&rec[col("theme")], cell.theme);
        assert_eq!(rec[col("count")].parse::<u64>().unwrap(), cell.count);
        let id = cell.best.as_ref().map_or("", |b| b.id.as_str());
        assert_eq!(&rec[col("id")], id);
        assert_eq!(
            &rec[col("text")],
            cell.best.as_ref().map_or("", |b| b.text.as_str())
        );
    }

    // The JSON shape scripts rely on.
    let raw: Value = serde_json::from_str(&f.run(&["grid", "--json"]).stdout).unwrap();
    for key in ["rows", "themes", "cells"] {
        assert!(raw[key].is_array(), "{key}");
    }
    let cell = &raw["cells"][0];
    for key in ["doc", "theme", "count", "best"] {
        assert!(cell.get(key).is_some(), "{key}");
    }
}

/// A comparison's invariants: one row per document, oldest first, each
/// best passage that document's and matching, counted as the search does.
fn check_comparison(f: &Fixture, c: &Comparison, search: &[&str]) {
    let docs: BTreeSet<&str> = c.rows.iter().map(|r| r.doc.as_str()).collect();
    assert_eq!(docs.len(), c.rows.len(), "one row per document");
    assert!(c.rows.windows(2).all(|w| w[0].date <= w[1].date), "by date");
    for (i, r) in c.rows.iter().enumerate() {
        assert_eq!(r.best.doc, r.doc);
        assert_eq!(r.best.rank, i + 1);
        let (_, text) = &f.passages[&r.doc][&u64::from(r.best.n)];
        assert_eq!(&r.best.text, text);
        let mut args = vec![
            "search", "--json", "--count", "--limit", "1", "--source", &r.doc,
        ];
        args.extend_from_slice(search);
        let s: SearchResults = f.json(&args);
        assert_eq!(r.count, s.total as u64, "{}: count", r.doc);
        if let Some(theme) = &c.theme {
            assert!(r
                .best
                .themes
                .iter()
                .any(|t| t == theme || t.starts_with(&format!("{theme}/"))));
        }
        if !c.query.is_empty() {
            assert_eq!(r.best.id, s.hits[0].id, "{}: the search's first hit", r.doc);
        }
    }
    for d in &c.silent {
        assert!(!docs.contains(d.as_str()));
    }
}

#[test]
fn compare_gives_each_document_its_best_passage_by_date() {
    let f = founding();
    for q in [
        "confidence-building measures",
        "\"critical infrastructure\"",
        "sovereignty",
    ] {
        let c: Comparison = f.json(&["compare", "--json", q]);
        assert!(!c.rows.is_empty(), "{q}");
        check_comparison(f, &c, &[q]);
    }
    let c: Comparison = f.json(&["compare", "--json", "--theme", "cbm"]);
    assert_eq!(c.query, "");
    check_comparison(f, &c, &["--theme", "cbm"]);
    let grid: Grid = f.json(&["grid", "--json", "--themes", "cbm"]);
    for r in &c.rows {
        let cell = grid.cells.iter().find(|x| x.doc == r.doc).unwrap();
        assert_eq!(Some(&r.best.id), cell.best.as_ref().map(|b| &b.id));
    }
    assert_eq!(c.rows.len() + c.silent.len(), 4);

    let e = extra();
    let c: Comparison = e.json(&["compare", "--json", "critical infrastructure"]);
    assert!(c.rows.len() > 20);
    check_comparison(e, &c, &["critical infrastructure"]);
}

#[test]
fn compare_writes_csv_and_markdown_with_citations() {
    let f = founding();
    let c: Comparison = f.json(&["compare", "--json", "norms"]);
    let csv = f.run(&["compare", "--csv", "norms"]);
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), c.rows.len());
    for (rec, row) in records.iter().zip(&c.rows) {
        assert_eq!(&rec[0], row.doc);
        assert!(rec.iter().any(|cell| cell == row.best.text));
    }
    let md = f.run(&["compare", "--markdown", "norms"]);
    let table: Vec<&str> = md.stdout.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(table.len(), c.rows.len() + 2);
    for (line, row) in table[2..].iter().zip(&c.rows) {
        assert!(line.contains(&row.citation.replace('|', "\\|")), "{line}");
        assert!(line.ends_with(&format!("| {} |", row.count)), "{line}");
    }
    let none = f.run(&["compare", "zzzqqq"]);
    assert_eq!(none.code, 1);
    let r = f.run(&["compare"]);
    assert_eq!(r.code, 2);
}

#[test]
fn the_prompt_shows_the_grid_and_the_comparison_under_its_filters() {
    let f = founding();
    let grid: Grid = f.json(&[
        "grid",
        "--json",
        "--source",
        "sweden-2014",
        "--themes",
        "cbm",
    ]);
    let cmp: Comparison = f.json(&["compare", "--json", "--theme", "cbm"]);
    let r = output(crate::util::normsearch(&f.dir, &f.corpus).write_stdin(
        ":source sweden-2014\n:theme cbm\n:grid\n:source all\n:compare\n:compare theme:nope\n",
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let count = grid.cells[0].count.to_string();
    assert!(
        r.stdout
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["sweden-2014", count.as_str()]),
        "{}",
        r.stdout
    );
    for row in &cmp.rows {
        assert!(r.stdout.contains(&row.best.id), "{}", r.stdout);
    }
    assert!(r.stderr.contains("nope"), "{}", r.stderr);
}

#[test]
fn a_search_of_filters_alone_lists_what_they_keep() {
    let f = founding();
    let r: SearchResults = f.json(&[
        "search",
        "--json",
        "--count",
        "--theme",
        "cbm",
        "--source",
        "sweden-2014",
    ]);
    assert_eq!(r.total as u64, f.tagged("sweden-2014", "cbm"));
    assert!(r
        .hits
        .iter()
        .all(|h| h.doc == "sweden-2014" && h.themes.iter().any(|t| t == "cbm")));
    let ns: Vec<u32> = r.hits.iter().map(|h| h.n).collect();
    assert!(ns.windows(2).all(|w| w[0] < w[1]), "reading order: {ns:?}");
    assert_eq!(f.run(&["search"]).code, 2);
}
