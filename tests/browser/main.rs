//! The web page in a real browser: headless Chromium, driven through
//! chromedriver (see `support.rs`), against `normsearch serve` (this
//! build's binary, on an ephemeral port, over the founding corpus). One
//! scenario, as a user goes: load, type a query, see the ranked hits with
//! the phrase marked as one span, narrow by a facet, open a passage in
//! context, copy citations, go back, use the keys; screenshots are saved
//! under `target/screenshots/`, and the time to the first result on screen
//! is measured with the Performance API and printed (a figure, not an
//! assertion).
//!
//! Skips (says so on stderr) when neither chromium nor chromedriver is
//! installed, unless `NORMSEARCH_REQUIRE_BROWSER` is set (CI sets it).

mod support;

use std::io::Write;
use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};
use support::{Browser, ServerProcess};

const PHRASE: &str = "\"confidence-building measures\"";

/// Starts `normsearch serve` on a free port over the founding corpus, with
/// the index in `index` (built first, so the timings measure answers, not
/// the build; the first-build state is checked by the integration tests).
fn server(index: &Path) -> ServerProcess {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let base = |cmd: &mut Command| {
        cmd.arg("--corpus")
            .arg(repo.join("corpus"))
            .arg("--index")
            .arg(index);
    };
    let mut build = Command::new(env!("CARGO_BIN_EXE_normsearch"));
    base(&mut build);
    let built = build.arg("index").output().expect("normsearch index runs");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_normsearch"));
    base(&mut cmd);
    cmd.args(["serve", "--bind", "127.0.0.1:0"]);
    ServerProcess::spawn(cmd)
}

/// The marked spans the API's highlights describe: `[start, end)` in Unicode
/// characters of `text`.
fn expected_marks(hit: &Value) -> Vec<String> {
    let text: Vec<char> = hit["text"].as_str().unwrap().chars().collect();
    hit["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let (a, b) = (
                r[0].as_u64().unwrap() as usize,
                r[1].as_u64().unwrap() as usize,
            );
            text[a..b].iter().collect()
        })
        .collect()
}

fn api_search(b: &Browser, query: &str, source: Option<&str>) -> Value {
    let mut params = url::form_urlencoded::Serializer::new(String::new());
    params.append_pair("q", query);
    if let Some(s) = source {
        params.append_pair("source", s);
    }
    params.append_pair("limit", "20");
    params.append_pair("facets", "1");
    b.fetch(&format!("/api/search?{}", params.finish()))
}

fn ids(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn search_narrow_open_cite_and_go_back() {
    let index = tempfile::tempdir().unwrap();
    let server = server(&index.path().join("index"));
    let Some(mut b) = Browser::start(&server.url) else {
        return;
    };

    // Load: the welcome page, the search box ready for typing.
    assert_eq!(b.goto("/"), "idle");
    assert_eq!(
        b.focused(),
        "#q",
        "the search box takes the focus on the first page"
    );

    // Type a query: ranked hits in the API's order, marks exactly where its highlights say.
    assert_eq!(b.search(PHRASE), "ready");
    assert_eq!(b.url_param("q"), [PHRASE]);
    let api = api_search(&b, PHRASE, None);
    let hits = b.hits();
    assert_eq!(
        hits.iter().map(|h| h.id.clone()).collect::<Vec<_>>(),
        ids(&api)
    );
    assert_eq!(
        hits.iter().map(|h| h.rank).collect::<Vec<_>>(),
        (1..=hits.len() as u64).collect::<Vec<_>>()
    );
    for (shown, record) in hits.iter().zip(api["hits"].as_array().unwrap()) {
        assert_eq!(shown.text, record["text"].as_str().unwrap(), "{}", shown.id);
        assert_eq!(shown.marks, expected_marks(record), "marks of {}", shown.id);
    }
    assert!(
        hits.iter()
            .flat_map(|h| &h.marks)
            .any(|m| m.to_lowercase() == "confidence-building measures"),
        "the phrase is marked as one span: {hits:#?}"
    );
    let total = api["total"].as_u64().unwrap();
    assert!(
        b.result_summary()
            .starts_with(&format!("{total} passages match")),
        "{}",
        b.result_summary()
    );
    assert!(
        b.announced().contains(&format!("{total} passages")),
        "{}",
        b.announced()
    );

    // Click a facet: the URL, the hits and the counts follow.
    let sources = b.facet("source");
    let themes_before = b.facet("theme");
    assert_eq!(
        sources.values().map(|(n, _)| n.unwrap()).sum::<u64>(),
        total
    );
    let (source, (count, _)) = sources
        .iter()
        .filter(|(_, (n, _))| n.unwrap() < total)
        .max_by_key(|(_, (n, _))| n.unwrap())
        .map(|(k, v)| (k.clone(), *v))
        .expect("hits from more than one document");
    let count = count.unwrap();
    assert_eq!(b.click_facet("source", &source), "ready");
    assert_eq!(b.url_param("source"), [source.as_str()]);
    assert_eq!(b.url_param("q"), [PHRASE]);
    let narrowed = b.facet("source");
    assert_eq!(narrowed.len(), 1, "{narrowed:?}");
    assert_eq!(narrowed[&source], (Some(count), true));
    assert_ne!(
        b.facet("theme"),
        themes_before,
        "theme counts follow the filter"
    );
    let hits = b.hits();
    assert_eq!(hits.len() as u64, count.min(20));
    assert!(hits.iter().all(|h| h.id.starts_with(&format!("{source}:"))));
    assert_eq!(
        ids(&api_search(&b, PHRASE, Some(&source))),
        hits.iter().map(|h| h.id.clone()).collect::<Vec<_>>()
    );

    // Copy a citation from the hit's menu: the text is the server's.
    let first = hits[0].clone();
    let copied = b.copy_citation(&first.id, "bibtex");
    let cite = b.fetch(&format!("/api/cite/{}?format=bibtex", first.id));
    assert_eq!(copied, cite.as_str().unwrap());
    assert!(copied.starts_with('@'), "{copied}");

    // Open the passage: in context, with its citations.
    assert_eq!(b.open_hit(1), "ready");
    assert_eq!(
        b.url().path(),
        format!("/passage/{}", first.id.replace(':', "%3A"))
    );
    let p = b.passage();
    assert_eq!(p.id, first.id);
    assert_eq!(p.text, first.text);
    let record = b.fetch(&format!("/api/passages/{}", first.id));
    let neighbour_ids = |key: &str| -> Vec<String> {
        record[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(p.before, neighbour_ids("before"));
    assert_eq!(p.after, neighbour_ids("after"));
    assert_eq!(p.footnotes, neighbour_ids("footnotes"));
    assert!(
        !p.before.is_empty() || !p.after.is_empty(),
        "a passage shows its neighbours"
    );
    for format in ["plain", "chicago", "bibtex"] {
        let text = b.fetch(&format!("/api/cite/{}?format={format}", first.id));
        assert_eq!(
            p.citations.get(format).map(String::as_str),
            text.as_str(),
            "{format}"
        );
    }
    let copied = b.copy_citation(&first.id, "chicago");
    assert_eq!(copied, p.citations["chicago"]);

    // Go back: the narrowed results again, the focus on the hit that was opened.
    assert_eq!(b.back(), "ready");
    assert_eq!(b.url_param("source"), [source.as_str()]);
    assert_eq!(b.hits(), hits);
    assert_eq!(b.focused(), first.id);
    b.screenshot("browser-results");

    // Keys: `/` to the box, ↓ to the first hit, `j` to the next, Enter opens, Esc goes back.
    if hits.len() >= 2 {
        b.eval("document.activeElement.blur();", vec![]);
        b.press_no_wait("/");
        assert_eq!(b.focused(), "#q");
        b.press_no_wait("\u{E015}");
        assert_eq!(b.focused(), hits[0].id);
        b.press_no_wait("j");
        assert_eq!(b.focused(), hits[1].id);
        assert_eq!(b.press("\u{E007}"), "ready");
        assert_eq!(b.passage().id, hits[1].id);
        assert_eq!(b.press("\u{E00C}"), "ready");
        assert_eq!(b.url_param("source"), [source.as_str()]);
        assert_eq!(b.focused(), hits[1].id);
    }

    // A bad query: the server's message, the query box marked invalid.
    assert_eq!(b.search("norms AND (state"), "error");
    assert!(b.result_summary().contains("could not be read"));
    assert!(b.announced().contains("column 11"), "{}", b.announced());

    // Offsets are code points, text is never HTML: checked on the page's own module.
    let check = b.eval_async(
        "const done = arguments[0];
         import('/assets/js/dom.js').then((m) => {
           const t = '\u{1D400}\u{1D401} norms <b>x</b>';
           const div = document.createElement('div');
           div.appendChild(m.highlight(t, [[3, 8], [9, 12]]));
           done({
             ranges: m.utf16Ranges(t, [[3, 8], [0, 1], [9, 12], [5, 4], [40, 50]]),
             marks: [...div.querySelectorAll('mark')].map((x) => x.textContent),
             elements: div.querySelectorAll('b').length,
           });
         }, (e) => done({ error: String(e) }));",
        vec![],
    );
    assert_eq!(
        check["ranges"],
        json!([[0, 2], [5, 10], [11, 14]]),
        "{check}"
    );
    assert_eq!(check["marks"], json!(["norms", "<b>"]), "{check}");
    assert_eq!(check["elements"], json!(0), "{check}");

    // The grid: the API's cells, shaded; its options form keeps the URL a
    // permalink; a theme's "compare" opens the comparison on it.
    assert_eq!(b.goto("/grid?q=cyber"), "ready");
    let grid = b.fetch("/api/grid?q=cyber");
    let shown = b.eval(
        "return [...document.querySelectorAll('table.grid td.heat-cell')].map((td) => [
           td.closest('tr').dataset.id, td.querySelector('a').textContent, td.style.background]);",
        vec![],
    );
    let cells: Vec<&Value> = grid["cells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["count"].as_u64() > Some(0))
        .collect();
    assert_eq!(shown.as_array().unwrap().len(), cells.len(), "{shown}");
    assert!(
        shown
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c[2].as_str().is_some_and(|bg| bg.contains("color-mix"))),
        "every counted cell is shaded: {shown}"
    );
    b.screenshot("browser-grid");
    assert_eq!(
        b.eval("return document.querySelector('#opt-by').value;", vec![]),
        json!("document"),
        "the form shows the default rows"
    );
    b.eval(
        "document.querySelector('#opt-by').value = 'year';
         document.querySelector('form.options').requestSubmit();",
        vec![],
    );
    assert_eq!(b.wait_for_render(), "ready");
    assert_eq!(b.url_param("by"), ["year"]);
    assert_eq!(b.url_param("q"), ["cyber"]);
    let rows = b.eval(
        "return [...document.querySelectorAll('table.grid tbody th')].map((th) => th.textContent);",
        vec![],
    );
    assert_eq!(
        rows,
        b.fetch("/api/grid?q=cyber&by=year")["rows"],
        "rows by year"
    );
    b.click("table.grid thead a.compare-link");
    assert_eq!(b.wait_for_render(), "ready");
    assert_eq!(b.url().path(), "/compare");
    let theme = b.url_param("theme");
    assert_eq!(theme.len(), 1);
    let compare = b.fetch(&format!("/api/compare?q=cyber&theme={}", theme[0]));
    let listed = b.eval(
        "return [...document.querySelectorAll('.compare-rows > li')].map((li) => li.dataset.id);",
        vec![],
    );
    let best: Vec<Value> = compare["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["best"]["id"].clone())
        .collect();
    assert!(!best.is_empty());
    assert_eq!(listed, json!(best));
    b.screenshot("browser-compare");
    // Without a wording or a theme, the comparison asks for one.
    assert_eq!(b.goto("/compare"), "ready");
    assert!(
        b.eval(
            "return !!document.querySelector('form.options #opt-q');",
            vec![]
        ) == json!(true)
    );

    // A phone-sized window: the same results, filters folded.
    b.set_window_size(390, 844);
    b.goto(&format!(
        "/?q={}&source={source}",
        url::form_urlencoded::byte_serialize(PHRASE.as_bytes()).collect::<String>()
    ));
    let folded = b.eval(
        "return !document.querySelector('details.facets-toggle').open;",
        vec![],
    );
    assert_eq!(folded, json!(true), "the filters start folded on a phone");
    b.screenshot("browser-results-phone");

    // The time to the first result on screen, on a fresh load of a results
    // URL (the page, its modules and one API answer): measured, printed.
    b.set_window_size(1280, 900);
    let mut firsts = Vec::new();
    for _ in 0..5 {
        b.goto(&format!(
            "/?q={}",
            url::form_urlencoded::byte_serialize(PHRASE.as_bytes()).collect::<String>()
        ));
        if let Some(ms) = b.timings()["first_render"].as_f64() {
            firsts.push(ms);
        }
    }
    firsts.sort_by(f64::total_cmp);
    if let Some(median) = firsts.get(firsts.len() / 2) {
        let _ = writeln!(
            std::io::stderr(),
            "first result on screen: median {median:.1} ms of {} loads ({firsts:?})",
            firsts.len()
        );
    }
}
