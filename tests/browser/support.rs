//! Browser-test support: drives the web page in headless Chromium through
//! chromedriver, as a user would, for any server that serves it (`normsearch serve`).
//!
//! Input: the base URL of a running server. Output: a [`Browser`] whose
//! helpers act on the page (type a query, click a facet, open a passage,
//! copy a citation, go back) and read what it shows (hits and their marked
//! words, facet counts, the URL, a screenshot under `target/screenshots/`).
//! Each action waits for the page's next render, which the page signals on
//! `<main>`: `data-render` (a counter) and `data-state` (`loading`, `ready`,
//! `empty`, `idle`, `error`).
//!
//! It refuses to run half-equipped: with neither `chromium` nor `chromedriver`
//! installed (found in `PATH`, `/usr/bin` or `/usr/lib/chromium`, or named by
//! `NORMSEARCH_CHROMIUM` and `NORMSEARCH_CHROMEDRIVER`) it skips (returns `None`, with a message on stderr) unless
//! `NORMSEARCH_REQUIRE_BROWSER` is set, in which case, as with only one of
//! the two installed, it fails. `.ci/install-browser` installs both.
//!
//! A helper that fails panics with what the page showed, after saving a
//! screenshot of it (`target/screenshots/failure-….png`).

#![allow(dead_code)] // each test binary uses a part of the helpers

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

/// How long a helper waits for the page to answer before failing.
const WAIT: Duration = Duration::from_secs(15);
/// The flags every session starts Chromium with: headless, no network of its
/// own (no updates, sync or QUIC), a throwaway profile added per session.
pub const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
];
/// The variable that turns a missing browser from a skip into a failure (CI sets it).
pub const REQUIRE_VAR: &str = "NORMSEARCH_REQUIRE_BROWSER";
/// Variables naming the Chromium and chromedriver to use instead of the
/// ones found in `PATH`, `/usr/bin` or `/usr/lib/chromium`.
pub const CHROMIUM_VAR: &str = "NORMSEARCH_CHROMIUM";
/// See [`CHROMIUM_VAR`].
pub const CHROMEDRIVER_VAR: &str = "NORMSEARCH_CHROMEDRIVER";

/// One hit as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The passage id (`doc:n`).
    pub id: String,
    /// The rank printed before it (1-based, across pages).
    pub rank: u64,
    /// The document title shown as the hit's heading.
    pub title: String,
    /// The passage text as shown (marks included, as plain text).
    pub text: String,
    /// The text of each `<mark>`, in order.
    pub marks: Vec<String>,
    /// The theme labels shown under it.
    pub themes: Vec<String>,
}

/// A passage page as shown.
#[derive(Debug, Clone)]
pub struct PassageView {
    /// The passage id.
    pub id: String,
    /// Its text.
    pub text: String,
    /// The ids of the neighbours shown before and after it.
    pub before: Vec<String>,
    /// See `before`.
    pub after: Vec<String>,
    /// The ids of its footnotes.
    pub footnotes: Vec<String>,
    /// The citation texts shown, by format (`plain`, `chicago`, `bibtex`).
    pub citations: BTreeMap<String, String>,
}

/// Where a program is, looked up in `PATH` and then in `extra` folders.
fn find_program(names: &[&str], extra: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path)
        .chain(extra.iter().map(PathBuf::from))
        .collect();
    names
        .iter()
        .flat_map(|n| dirs.iter().map(move |d| d.join(n)))
        .find(|p| p.is_file())
}

/// The program named by the variable `var` (absent if that file is not
/// there), else the first of `names` in `PATH` or Debian's folders.
fn program(var: &str, names: &[&str]) -> Option<PathBuf> {
    match std::env::var_os(var) {
        Some(path) if !path.is_empty() => Some(PathBuf::from(path)).filter(|p| p.is_file()),
        _ => find_program(names, &["/usr/bin", "/usr/lib/chromium"]),
    }
}

/// A free TCP port on loopback (free when asked; a race with another
/// process is possible but harmless here: chromedriver would fail to bind
/// and the start would report it).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free port on 127.0.0.1")
}

/// The folder screenshots go to: `target/screenshots/` (or under `CARGO_TARGET_DIR`).
pub fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("screenshots")
}

/// A server started by a test: the child process and the base URL it printed.
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub url: String,
}

impl ServerProcess {
    /// Starts `command` and reads its stdout until a line holds an
    /// `http://` address (as `listening on http://127.0.0.1:PORT/`), which
    /// becomes `url`. Fails with the process's stderr if it exits first.
    pub fn spawn(mut command: Command) -> ServerProcess {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the server {command:?}: {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(at) = line.find("http://") {
                    let url = line[at..].split_whitespace().next().unwrap_or_default();
                    let _ = tx.send(url.trim_end_matches('/').to_string());
                }
            }
        });
        match rx.recv_timeout(WAIT) {
            Ok(url) => ServerProcess { child, url },
            Err(_) => {
                let _ = child.kill();
                let mut err = String::new();
                if let Some(mut stderr) = child.stderr.take() {
                    let _ = stderr.read_to_string(&mut err);
                }
                panic!("the server {command:?} printed no http:// address: {err}");
            }
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A headless Chromium session on one server.
pub struct Browser {
    rt: tokio::runtime::Runtime,
    client: Option<Client>,
    driver: Child,
    base: String,
    last_render: u64,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium on `base` (`http://host:port`).
    /// `None` (after saying why on stderr) when neither program is installed
    /// and `NORMSEARCH_REQUIRE_BROWSER` is unset; panics when only one is, or
    /// when the browser is required.
    pub fn start(base: &str) -> Option<Browser> {
        let chromium = program(
            CHROMIUM_VAR,
            &["chromium", "chromium-browser", "google-chrome"],
        );
        let driver = program(CHROMEDRIVER_VAR, &["chromedriver"]);
        let required = std::env::var_os(REQUIRE_VAR).is_some_and(|v| !v.is_empty());
        let (chromium, driver) = match (chromium, driver) {
            (Some(c), Some(d)) => (c, d),
            (None, None) if !required => {
                // Straight to the stream: the test harness would swallow eprintln!
                // of a passing test, and a skip must be seen.
                let _ = writeln!(
                    std::io::stderr(),
                    "skipping the browser test: neither chromium nor chromedriver is installed \
                     (run .ci/install-browser, or set {REQUIRE_VAR}=1 to make this a failure)"
                );
                return None;
            }
            (c, d) => panic!(
                "the browser test needs both chromium ({}) and chromedriver ({}): run .ci/install-browser",
                c.map_or("missing".into(), |p| p.display().to_string()),
                d.map_or("missing".into(), |p| p.display().to_string()),
            ),
        };
        let port = free_port();
        let mut child = Command::new(&driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver.display()));
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > WAIT || child.try_wait().ok().flatten().is_some() {
                let _ = child.kill();
                panic!("chromedriver did not listen on port {port}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().expect("a temporary profile folder");
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|s| s.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        args.push("--window-size=1280,900".into());
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": chromium, "args": args },
        });
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = rt.block_on(async {
            let mut builder = ClientBuilder::new(connector);
            if let Value::Object(map) = caps {
                builder.capabilities(map);
            }
            builder.connect(&format!("http://127.0.0.1:{port}")).await
        });
        let client = match client {
            Ok(c) => c,
            Err(e) => {
                let _ = child.kill();
                panic!("chromedriver could not start Chromium: {e}");
            }
        };
        Some(Browser {
            rt,
            client: Some(client),
            driver: child,
            base: base.trim_end_matches('/').to_string(),
            last_render: 0,
            _profile: profile,
        })
    }

    /// Sleeps inside the runtime (a tokio timer needs its context when created).
    fn pause(&self, d: Duration) {
        self.rt.block_on(async { tokio::time::sleep(d).await });
    }

    fn client(&self) -> &Client {
        self.client.as_ref().expect("the session is open")
    }

    /// Runs `script` in the page (a function body: `arguments[i]`, `return …`).
    pub fn eval(&self, script: &str, args: Vec<Value>) -> Value {
        self.rt
            .block_on(self.client().execute(script, args))
            .unwrap_or_else(|e| self.fail(&format!("script failed: {e}\n{script}")))
    }

    /// Runs an async `script` whose last argument is the callback to call with the result.
    pub fn eval_async(&self, script: &str, args: Vec<Value>) -> Value {
        self.rt
            .block_on(self.client().execute_async(script, args))
            .unwrap_or_else(|e| self.fail(&format!("async script failed: {e}\n{script}")))
    }

    /// Fetches `path` from the server inside the page (same origin): the
    /// parsed JSON, or the text for a non-JSON answer. For checking what
    /// the page shows against what the API says.
    pub fn fetch(&self, path: &str) -> Value {
        self.eval_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0]).then(async (r) => {
               const t = await r.text();
               try { done(JSON.parse(t)); } catch { done(t); }
             }, (e) => done({ fetch_error: String(e) }));",
            vec![json!(path)],
        )
    }

    /// The page's render counter (`main[data-render]`) and state.
    fn render_state(&self) -> (u64, String) {
        let v = self.eval(
            "const m = document.getElementById('main');
             return [Number(m?.dataset.render || 0), m?.dataset.state || ''];",
            vec![],
        );
        (
            v[0].as_u64().unwrap_or(0),
            v[1].as_str().unwrap_or("").to_string(),
        )
    }

    /// Waits for a render newer than the last one seen, and returns its
    /// state (`ready`, `empty`, `idle`, `error`).
    pub fn wait_for_render(&mut self) -> String {
        let started = Instant::now();
        loop {
            let (render, state) = self.render_state();
            if render > self.last_render && state != "loading" && state != "building" {
                self.last_render = render;
                return state;
            }
            if started.elapsed() > WAIT {
                self.fail(&format!(
                    "the page did not render in {WAIT:?} (render {render}, state `{state}`)"
                ));
            }
            self.pause(Duration::from_millis(20));
        }
    }

    /// Loads `path` (relative to the server, e.g. `/?q=norms`) and waits for its render.
    pub fn goto(&mut self, path: &str) -> String {
        let url = format!("{}{}", self.base, path);
        self.rt
            .block_on(self.client().goto(&url))
            .unwrap_or_else(|e| self.fail(&format!("cannot load {url}: {e}")));
        self.last_render = 0;
        self.wait_for_render()
    }

    /// Types `query` into the search box (replacing what is there) and
    /// presses Enter, as a user does; waits for the results.
    pub fn search(&mut self, query: &str) -> String {
        self.type_in_search_box(query);
        self.press("\u{E007}") // Enter
    }

    /// Focuses the search box, empties it and types `text` (no Enter).
    pub fn type_in_search_box(&mut self, text: &str) {
        let client = self.client().clone();
        let res: Result<(), fantoccini::error::CmdError> = self.rt.block_on(async {
            let q = client.find(Locator::Css("#q")).await?;
            q.clear().await?;
            q.click().await?;
            q.send_keys(text).await
        });
        res.unwrap_or_else(|e| self.fail(&format!("cannot type in the search box: {e}")));
    }

    /// Sends `keys` to the focused element (WebDriver key codes: `\u{E007}`
    /// Enter, `\u{E00C}` Escape, `\u{E015}` ArrowDown) and waits for a render.
    pub fn press(&mut self, keys: &str) -> String {
        self.press_no_wait(keys);
        self.wait_for_render()
    }

    /// Sends `keys` to the focused element without waiting for a render.
    pub fn press_no_wait(&mut self, keys: &str) {
        let client = self.client().clone();
        let res: Result<(), fantoccini::error::CmdError> = self.rt.block_on(async {
            let el = client.active_element().await?;
            el.send_keys(keys).await
        });
        res.unwrap_or_else(|e| self.fail(&format!("cannot press {keys:?}: {e}")));
    }

    /// Clicks the first element matching `css` without waiting for a render.
    /// The element is scrolled to the middle of the window first, so the
    /// sticky header cannot be the one to receive the click.
    pub fn click(&mut self, css: &str) {
        let client = self.client().clone();
        let res: Result<(), fantoccini::error::CmdError> = self.rt.block_on(async {
            let el = client.find(Locator::Css(css)).await?;
            let arg = serde_json::to_value(&el).expect("an element reference is JSON");
            client
                .execute(
                    "arguments[0].scrollIntoView({ block: 'center' });",
                    vec![arg],
                )
                .await?;
            el.click().await
        });
        res.unwrap_or_else(|e| self.fail(&format!("cannot click `{css}`: {e}")));
    }

    /// The hits on the page, in order.
    pub fn hits(&self) -> Vec<Hit> {
        let v = self.eval(
            "return [...document.querySelectorAll('#main li.hit')].map((li) => ({
               id: li.dataset.id,
               rank: Number(li.dataset.rank),
               title: li.querySelector('.hit-title')?.textContent || '',
               text: li.querySelector('.passage-text')?.textContent || '',
               marks: [...li.querySelectorAll('.passage-text mark')].map((m) => m.textContent),
               themes: [...li.querySelectorAll('.tags .tag')].map((t) => t.textContent),
             }));",
            vec![],
        );
        let strings = |v: &Value| -> Vec<String> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default()
        };
        v.as_array()
            .map(|hits| {
                hits.iter()
                    .map(|h| Hit {
                        id: h["id"].as_str().unwrap_or_default().to_string(),
                        rank: h["rank"].as_u64().unwrap_or(0),
                        title: h["title"].as_str().unwrap_or_default().to_string(),
                        text: h["text"].as_str().unwrap_or_default().to_string(),
                        marks: strings(&h["marks"]),
                        themes: strings(&h["themes"]),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The result count as the page states it (the results heading).
    pub fn result_summary(&self) -> String {
        self.eval(
            "return document.querySelector('#main h1')?.textContent || '';",
            vec![],
        )
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    /// What the aria-live region last announced.
    pub fn announced(&self) -> String {
        self.eval(
            "return document.getElementById('announce')?.textContent || '';",
            vec![],
        )
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    /// The values of facet `group` (`source`, `theme`, `year`, `kind`) with
    /// their counts (`None` for a chosen value that counts no hit) and
    /// whether each is checked.
    pub fn facet(&self, group: &str) -> BTreeMap<String, (Option<u64>, bool)> {
        let v = self.eval(
            "return [...document.querySelectorAll(`input[data-facet='${arguments[0]}']`)].map((i) => {
               const c = i.closest('label').querySelector('.count').firstChild.textContent.replace(/,/g, '');
               return [i.dataset.value, /^\\d+$/.test(c) ? Number(c) : null, i.checked];
             });",
            vec![json!(group)],
        );
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|e| {
                        (
                            e[0].as_str().unwrap_or_default().to_string(),
                            (e[1].as_u64(), e[2].as_bool().unwrap_or(false)),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Clicks facet value `value` of `group` (unfolding the filters on a
    /// narrow screen first) and waits for the new results.
    pub fn click_facet(&mut self, group: &str, value: &str) -> String {
        self.eval(
            "for (const d of document.querySelectorAll('details.facets-toggle')) d.open = true;",
            vec![],
        );
        let css = format!(
            "input[data-facet=\"{group}\"][data-value=\"{}\"]",
            value.replace('"', "\\\"")
        );
        self.click(&css);
        self.wait_for_render()
    }

    /// The page's current URL.
    pub fn url(&self) -> url::Url {
        self.rt
            .block_on(self.client().current_url())
            .unwrap_or_else(|e| self.fail(&format!("cannot read the URL: {e}")))
    }

    /// The values of query parameter `name` in the current URL.
    pub fn url_param(&self, name: &str) -> Vec<String> {
        self.url()
            .query_pairs()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .collect()
    }

    /// Opens hit number `n` (1-based, on this page) by clicking its title;
    /// waits for the passage page.
    pub fn open_hit(&mut self, n: usize) -> String {
        self.click(&format!("#main li.hit:nth-child({n}) a.hit-link"));
        self.wait_for_render()
    }

    /// The passage page as shown.
    pub fn passage(&self) -> PassageView {
        let v = self.eval(
            "const p = document.querySelector('#main .focus-passage');
             const ids = (sel) => [...document.querySelectorAll(sel)].map((e) => e.dataset.id);
             const cites = {};
             for (const f of document.querySelectorAll('#main figure.citation')) {
               const pre = f.querySelector('pre');
               if (pre) cites[f.dataset.format] = pre.textContent;
             }
             return {
               id: p?.dataset.id || '',
               text: p?.querySelector('.passage-text')?.textContent || '',
               before: ids('#main .neighbours.before .neighbour'),
               after: ids('#main .neighbours.after .neighbour'),
               footnotes: ids('#main .footnotes li'),
               citations: cites,
             };",
            vec![],
        );
        let ids = |v: &Value| -> Vec<String> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default()
        };
        PassageView {
            id: v["id"].as_str().unwrap_or_default().to_string(),
            text: v["text"].as_str().unwrap_or_default().to_string(),
            before: ids(&v["before"]),
            after: ids(&v["after"]),
            footnotes: ids(&v["footnotes"]),
            citations: v["citations"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// Copies the citation of passage `id` in `format` (`plain`, `chicago`,
    /// `bibtex`, `json`) through the page's own control (the hit's "Copy
    /// citation" menu on a results page, the citation's Copy button on a
    /// passage page) and returns the text copied. Read through the page's
    /// test hook (`window.__normsearch.lastCopy`), since headless clipboards
    /// cannot be relied on.
    pub fn copy_citation(&mut self, id: &str, format: &str) -> String {
        self.eval(
            "if (window.__normsearch) window.__normsearch.lastCopy = null;",
            vec![],
        );
        let id_sel = id.replace('"', "\\\"");
        let on_hit = self.eval(
            "return !!document.querySelector(`#main li.hit[data-id=\"${arguments[0]}\"] details.cite-menu`);",
            vec![json!(id)],
        );
        if on_hit.as_bool() == Some(true) {
            self.click(&format!(
                "#main li.hit[data-id=\"{id_sel}\"] details.cite-menu > summary"
            ));
            self.click(&format!(
                "#main li.hit[data-id=\"{id_sel}\"] details.cite-menu button[data-format=\"{format}\"]"
            ));
        } else {
            self.click(&format!(
                "#main figure.citation button[data-format=\"{format}\"]"
            ));
        }
        let started = Instant::now();
        loop {
            let copy = self.eval("return window.__normsearch?.lastCopy || null;", vec![]);
            if copy["id"].as_str() == Some(id) && copy["format"].as_str() == Some(format) {
                return copy["text"].as_str().unwrap_or_default().to_string();
            }
            if started.elapsed() > WAIT {
                self.fail(&format!("no {format} citation of {id} was copied"));
            }
            self.pause(Duration::from_millis(20));
        }
    }

    /// The browser's Back button; waits for the page to render the previous entry.
    pub fn back(&mut self) -> String {
        self.rt
            .block_on(self.client().back())
            .unwrap_or_else(|e| self.fail(&format!("cannot go back: {e}")));
        self.wait_for_render()
    }

    /// The `data-id` of the element holding the focus (or the focused element's tag).
    pub fn focused(&self) -> String {
        self.eval(
            "const a = document.activeElement;
             return a?.dataset?.id || a?.closest?.('[data-id]')?.dataset.id || (a?.id ? '#' + a.id : a?.tagName || '');",
            vec![],
        )
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    /// Timings of the page loaded last, in milliseconds from the start of
    /// navigation: `first_render` (the first results on screen) and, for each
    /// API request, `[path, start, end]`. For measuring, not for asserting.
    pub fn timings(&self) -> Value {
        self.eval(
            "const r = performance.getEntriesByName('normsearch:render:1')[0];
             return {
               first_render: r ? r.startTime : null,
               api: performance.getEntriesByType('resource')
                 .filter((e) => new URL(e.name).pathname.startsWith('/api/'))
                 .map((e) => [new URL(e.name).pathname, e.startTime, e.responseEnd]),
             };",
            vec![],
        )
    }

    /// Resizes the window (CSS pixels of the outer window).
    pub fn set_window_size(&mut self, width: u32, height: u32) {
        self.rt
            .block_on(self.client().set_window_size(width, height))
            .unwrap_or_else(|e| self.fail(&format!("cannot resize the window: {e}")));
    }

    /// Saves a PNG of the window to `target/screenshots/NAME.png` and returns its path.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let png = self
            .rt
            .block_on(self.client().screenshot())
            .unwrap_or_else(|e| panic!("cannot take a screenshot: {e}"));
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        path
    }

    /// Panics with `what`, the URL and the start of the page's text, after
    /// saving a screenshot of the failure.
    pub fn fail(&self, what: &str) -> ! {
        let client = self.client();
        let (url, text) = self.rt.block_on(async {
            let url = client.current_url().await.map(|u| u.to_string());
            let text = client
                .execute(
                    "return document.getElementById('main')?.innerText || '';",
                    vec![],
                )
                .await;
            (url, text)
        });
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        let shot = self
            .rt
            .block_on(client.screenshot())
            .ok()
            .and_then(|png| {
                let dir = screenshot_dir();
                std::fs::create_dir_all(&dir).ok()?;
                let path = dir.join(format!("failure-{stamp}.png"));
                std::fs::write(&path, png).ok()?;
                Some(path.display().to_string())
            })
            .unwrap_or_else(|| "none".into());
        let text: String = text
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default()
            .chars()
            .take(600)
            .collect();
        panic!(
            "{what}\n  at: {}\n  screenshot: {shot}\n  page text: {text}",
            url.unwrap_or_default()
        );
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // End the session first so chromedriver stops its Chromium, then the driver.
        if let Some(client) = self.client.take() {
            let _ = self.rt.block_on(async {
                tokio::time::timeout(Duration::from_secs(5), client.close()).await
            });
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
