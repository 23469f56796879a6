//! Warm query latency at the prompt: a line typed at `normsearch shell`,
//! answered by the session's one open index reader and rendered (to a
//! sink) exactly as the prompt prints it.
//!
//! The index is built once from the founding corpus (`corpus/`) into a
//! temporary folder and opened once, as a session opens it; each iteration
//! is one [`Shell::run_line`]. Every iteration asserts the session's hit
//! count against the count the same query gave before timing began (and
//! that count against zero), so the bench cannot measure nothing.
//! `words-search-only` runs the first line's request through
//! [`search::search`] alone, to show what the prompt adds to it.
//!
//! ```text
//! cargo bench --bench prompt
//! ```

use std::hint::black_box;
use std::io;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use normsearch::index::{self, BuildOptions, Silent};
use normsearch::search;
use normsearch::shell::{Flow, Shell};
use normsearch::Engine;
use termcolor::NoColor;

/// Lines typed at the prompt: setup lines (filters), then the line timed.
const LINES: &[(&str, &[&str], &str)] = &[
    ("words", &[], "norms of responsible behaviour"),
    ("acronym", &[], "CBMs"),
    ("phrase", &[], "\"confidence-building measures\""),
    (
        "filtered",
        &[":source usa-2011 ccdcoe-2016", ":year 2011..2016"],
        "international law",
    ),
    ("exact", &[":exact on"], "cyberspace"),
];

fn shell(dir: &Path) -> Shell {
    let corpus_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let options = BuildOptions {
        threads: 2,
        ..BuildOptions::default()
    };
    index::build(&corpus_dir, dir, &options, &Silent).expect("the founding corpus builds");
    Shell::new(Engine::open(&corpus_dir, dir).expect("the index opens"))
}

/// Runs one line as the prompt does, output discarded; the hits in all.
fn run(shell: &mut Shell, line: &str) -> usize {
    let mut out = NoColor::new(io::sink());
    let flow = shell
        .run_line(line, &mut out, &mut io::sink())
        .expect("a sink takes any output");
    assert_eq!(flow, Flow::Continue);
    assert_eq!(shell.errors(), 0, "{line:?} was refused");
    shell.session().last.as_ref().map_or(0, |l| l.total)
}

fn prompt(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder for the index");
    let mut group = c.benchmark_group("prompt");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for (name, setup, line) in LINES {
        // A fresh session per line: the filters of one do not leak into the next.
        let mut shell = shell(&dir.path().join(name));
        for s in *setup {
            run(&mut shell, s);
        }
        let expected = run(&mut shell, line);
        assert!(expected > 0, "{name}: {line:?} finds nothing");
        group.bench_function(*name, |b| {
            b.iter(|| {
                let total = run(&mut shell, black_box(line));
                assert_eq!(total, expected, "{name}: the hit count changed");
                total
            })
        });
    }
    // The same first line through `search` alone: what the session and
    // the rendering add is the difference.
    let shell_words = shell(&dir.path().join("search-only"));
    let (_, _, words) = LINES[0];
    let request = shell_words.session().request(words);
    let index = shell_words.engine().index();
    let expected = search::search(&index, &request)
        .expect("the query runs")
        .total;
    assert!(expected > 0);
    group.bench_function("words-search-only", |b| {
        b.iter(|| {
            let results = search::search(&index, black_box(&request)).expect("the query runs");
            assert_eq!(results.total, expected);
            results
        })
    });
    // The next page: the query, then Enter.
    let mut shell = shell(&dir.path().join("more"));
    let first = run(&mut shell, "norms");
    assert!(first > 10, "`norms` fills more than a page");
    group.bench_function("query+more", |b| {
        b.iter(|| {
            run(&mut shell, "norms");
            run(&mut shell, "");
            let shown = shell.session().last.as_ref().map_or(0, |l| l.hits.len());
            assert_eq!(shown, 20.min(first), "two pages shown");
            shown
        })
    });
    group.finish();
}

criterion_group!(benches, prompt);
criterion_main!(benches);
