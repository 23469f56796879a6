//! `normsearch serve`: the real binary on an ephemeral port, over the
//! founding corpus. One server (started with no index, so it builds one
//! first) answers the read-only checks: every endpoint, status and error
//! shape, the page and its assets, hostile paths and oversize requests,
//! and that the API's records equal the command line's for the same
//! query. A second server, on its own copy, is kept across rebuilds and
//! stopped with SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{process, workspace};

/// A server process and its address.
struct Server {
    child: Child,
    addr: String,
    dir: PathBuf,
    _workspace: Option<tempfile::TempDir>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `serve` on port 0 over `dir/corpus` and `dir/index`, and reads
/// the address it prints.
fn start(dir: &Path) -> (Child, String) {
    let mut child = process(&dir.join("index"), &dir.join("corpus"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("no address printed: {line:?}"))
        .trim_end_matches('/')
        .to_string();
    (child, addr)
}

/// The shared server, ready (its first build done). Held by the tests
/// that use it and stopped when the last lets it go (a static would
/// outlive the test binary and leave the process running).
fn shared() -> Arc<Server> {
    static SERVER: Mutex<Weak<Server>> = Mutex::new(Weak::new());
    let mut slot = SERVER.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(server) = slot.upgrade() {
        return server;
    }
    let server = Arc::new(start_shared());
    *slot = Arc::downgrade(&server);
    server
}

fn start_shared() -> Server {
    let ws = workspace();
    let (child, addr) = start(ws.path());
    let server = Server {
        child,
        addr,
        dir: ws.path().to_path_buf(),
        _workspace: Some(ws),
    };
    // No index yet: until the first build is done the API says so with
    // 503 `building`, never anything else.
    let started = Instant::now();
    loop {
        let r = get(&server.addr, "/api/search?q=norms");
        if r.status == 200 {
            break;
        }
        assert_eq!(r.status, 503, "{}", r.body);
        assert_eq!(r.json()["error"]["kind"], "building", "{}", r.body);
        assert!(started.elapsed() < Duration::from_secs(120), "never ready");
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

/// An answer: status, headers (lower-case names), body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A JSON error of this status and kind.
    fn error(&self, status: u16, kind: &str) -> Value {
        assert_eq!(self.status, status, "{}", self.body);
        assert!(
            self.header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "{:?}",
            self.headers
        );
        let e = self.json()["error"].clone();
        assert_eq!(e["kind"], kind, "{}", self.body);
        assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()));
        e
    }
}

/// Sends `request_line` (method and target exactly as given: nothing is
/// normalised, so hostile paths arrive as written) with `extra` headers
/// and `body`, and reads the whole answer.
fn raw(addr: &str, method: &str, target: &str, extra: &str, body: &[u8]) -> Answer {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let head = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{extra}{}\r\n",
        if body.is_empty() {
            String::new()
        } else {
            format!("Content-Length: {}\r\n", body.len())
        }
    );
    s.write_all(head.as_bytes()).unwrap();
    // The server may answer (413) before reading the body and close.
    let _ = s.write_all(body);
    let mut bytes = Vec::new();
    let _ = s.read_to_end(&mut bytes);
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no answer to {method} {target}"));
    let head = String::from_utf8_lossy(&bytes[..split]).to_string();
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = bytes[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&body).to_string(),
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&data[..end])
                .split(';')
                .next()
                .unwrap()
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
}

fn get(addr: &str, target: &str) -> Answer {
    raw(addr, "GET", target, "", b"")
}

/// A URL's query string for `pairs`.
fn query(pairs: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// The CLI on the shared server's corpus and index.
fn cli(args: &[&str]) -> crate::util::Run {
    let server = shared();
    let dir = &server.dir;
    let mut cmd = assert_cmd::Command::new(crate::util::binary());
    cmd.arg("--corpus")
        .arg(dir.join("corpus"))
        .arg("--index")
        .arg(dir.join("index"))
        .args(args);
    crate::util::output(&mut cmd)
}

/// A search's JSON without the time it took, which differs run to run.
fn untimed(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("took_ms");
    v
}

/// URL parameters (the query first) and the command line's options for them.
type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str]);

#[test]
fn search_answers_equal_the_command_line() {
    let s = shared();
    let cases: &[Case] = &[
        (
            &[("q", "\"confidence-building measures\""), ("facets", "1")],
            &["--facets"],
        ),
        (
            &[
                ("q", "norms"),
                ("source", "usa-2011"),
                ("source", "sweden-2014"),
                ("limit", "5"),
                ("offset", "2"),
            ],
            &[
                "--source",
                "usa-2011",
                "--source",
                "sweden-2014",
                "--limit",
                "5",
                "--offset",
                "2",
            ],
        ),
        (
            &[
                ("q", "sovereignty"),
                ("theme", "norms"),
                ("year", "2011..2016"),
                ("kind", "body"),
                ("sort", "date"),
            ],
            &[
                "--theme",
                "norms",
                "--year",
                "2011..2016",
                "--kind",
                "body",
                "--sort",
                "date",
            ],
        ),
        (
            &[("q", "behaviour"), ("exact", "true"), ("facets", "true")],
            &["--exact", "--facets"],
        ),
        (
            &[("q", "CBMs OR attribution"), ("limit", "3")],
            &["--limit", "3"],
        ),
        (&[("q", "zzyzxnotaword")], &[]),
    ];
    for (params, flags) in cases {
        let answer = get(&s.addr, &format!("/api/search?{}", query(params)));
        assert_eq!(answer.status, 200, "{params:?}: {}", answer.body);
        let q = params[0].1;
        let mut args = vec!["search", "--json"];
        args.extend_from_slice(flags);
        args.extend(["--", q]);
        let run = cli(&args);
        assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
        let want: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(untimed(answer.json()), untimed(want), "{params:?}");
    }
}

#[test]
fn passages_citations_sources_and_themes_equal_the_command_line() {
    let s = shared();
    let hit = get(&s.addr, "/api/search?q=attribution&limit=1").json()["hits"][0].clone();
    let id = hit["id"].as_str().unwrap();
    let anchor = hit["anchor"].as_str().unwrap();

    let shown = get(&s.addr, &format!("/api/passages/{id}"));
    assert_eq!(shown.status, 200, "{}", shown.body);
    let want: Value = serde_json::from_str(&cli(&["show", "--json", id]).stdout).unwrap();
    assert_eq!(shown.json(), want);
    assert_eq!(shown.json()["passage"]["id"], id);
    // By anchor, and with more context.
    let by_anchor = get(&s.addr, &format!("/api/passages/{anchor}?context=3")).json();
    let want: Value =
        serde_json::from_str(&cli(&["show", "--json", "--context", "3", anchor]).stdout).unwrap();
    assert_eq!(by_anchor, want);

    for format in ["plain", "chicago", "bibtex", "json"] {
        let cited = get(&s.addr, &format!("/api/cite/{id}?format={format}"));
        assert_eq!(cited.status, 200, "{}", cited.body);
        let want = cli(&["cite", "--format", format, id]).stdout;
        assert_eq!(cited.body, want.trim_end_matches('\n'), "{format}");
        let ctype = cited.header("content-type").unwrap();
        assert!(
            ctype.starts_with(if format == "json" {
                "application/json"
            } else {
                "text/plain"
            }),
            "{format}: {ctype}"
        );
    }
    assert_eq!(
        get(&s.addr, &format!("/api/cite/{id}")).body,
        get(&s.addr, &format!("/api/cite/{id}?format=plain")).body
    );

    let sources = get(&s.addr, "/api/sources").json();
    let docs = sources.as_array().unwrap();
    assert_eq!(docs.len(), 4);
    for d in docs {
        for key in [
            "id", "title", "issuer", "date", "kind", "language", "passages",
        ] {
            assert!(!d[key].is_null(), "{key} in {d}");
        }
    }

    let themes = get(&s.addr, "/api/themes").json();
    let want: Vec<Value> = cli(&["themes", "--json"])
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(themes, Value::Array(want));

    let health = get(&s.addr, "/healthz").json();
    assert_eq!(health["status"], "ready");
    assert!(health["passages"].as_u64().unwrap() > 100);
}

/// A JSON document without the time it took, at any depth.
fn untimed_deep(mut v: Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.remove("took_ms");
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    v
}

/// The JSON `args` print on the command line (JSON Lines as one array).
fn cli_json(args: &[&str]) -> Value {
    let run = cli(args);
    assert!(run.code == 0 || run.code == 1, "{args:?}: {}", run.stderr);
    match serde_json::from_str(&run.stdout) {
        Ok(v) => v,
        Err(_) => Value::Array(
            run.stdout
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect(),
        ),
    }
}

/// An API path, its query parameters, and the command line's arguments.
type ApiCase<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [&'a str]);

#[test]
fn grid_and_compare_answers_equal_the_command_line() {
    let s = shared();
    let cases: &[ApiCase] = &[
        ("grid", &[], &[]),
        (
            "grid",
            &[("by", "year"), ("themes", "norms/*"), ("kind", "body")],
            &["--by", "year", "--themes", "norms/*", "--kind", "body"],
        ),
        (
            "grid",
            &[
                ("q", "sovereignty"),
                ("source", "usa-2011,sweden-2014"),
                ("year", "2011.."),
            ],
            &[
                "--source",
                "usa-2011",
                "--source",
                "sweden-2014",
                "--year",
                "2011..",
                "--",
                "sovereignty",
            ],
        ),
        ("compare", &[("q", "attribution")], &["--", "attribution"]),
        (
            "compare",
            &[("theme", "norms"), ("exact", "1"), ("year", "..2016")],
            &["--theme", "norms", "--exact", "--year", "..2016"],
        ),
        (
            "compare",
            &[("q", "zzyzxnotaword")],
            &["--", "zzyzxnotaword"],
        ),
    ];
    for (command, params, flags) in cases {
        let answer = get(&s.addr, &format!("/api/{command}?{}", query(params)));
        assert_eq!(answer.status, 200, "{command} {params:?}: {}", answer.body);
        let mut args = vec![*command, "--json"];
        args.extend_from_slice(flags);
        let want = cli_json(&args);
        assert_eq!(
            untimed_deep(answer.json()),
            untimed_deep(want),
            "{command} {params:?}"
        );
    }
    // A cell's best passage opens as a passage.
    let grid = get(&s.addr, "/api/grid").json();
    let cell = grid["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["count"].as_u64() > Some(0))
        .expect("a cell with passages");
    let id = cell["best"]["id"].as_str().unwrap();
    assert_eq!(get(&s.addr, &format!("/api/passages/{id}")).status, 200);

    // Bad input: the CLI's wording, 400; unknown ids 400 as in search.
    let e = get(&s.addr, "/api/grid?by=planet").error(400, "bad-query");
    let run = cli(&["grid", "--by", "planet"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(e["message"].as_str().unwrap()),
        "{e} vs {}",
        run.stderr
    );
    let e = get(&s.addr, "/api/compare").error(400, "bad-query");
    assert!(
        e["message"].as_str().unwrap().contains("query or a theme"),
        "{e}"
    );
    let e = get(&s.addr, "/api/grid?themes=narnia").error(400, "bad-query");
    let run = cli(&["grid", "--themes", "narnia"]);
    assert!(run.stderr.contains(e["message"].as_str().unwrap()), "{e}");
    get(&s.addr, "/api/compare?theme=narnia").error(400, "bad-query");
    get(&s.addr, "/api/grid?source=narnia").error(400, "bad-query");
    get(&s.addr, "/api/compare?q=norms&year=2016..2011").error(400, "bad-query");
    get(&s.addr, "/api/compare?q=norms&by=year").error(400, "bad-query");
    get(&s.addr, "/api/grid?q=norms+AND+(state").error(400, "bad-query");
}

#[test]
fn lineage_answers_equal_the_command_line() {
    let s = shared();
    let clusters = get(&s.addr, "/api/reuse");
    assert_eq!(clusters.status, 200, "{}", clusters.body);
    assert_eq!(
        untimed_deep(clusters.json()),
        untimed_deep(cli_json(&["reuse", "--json"]))
    );
    let few = get(&s.addr, "/api/reuse?min-words=20&min-documents=3").json();
    assert_eq!(
        untimed_deep(few),
        untimed_deep(cli_json(&[
            "reuse",
            "--json",
            "--min-words",
            "20",
            "--min-documents",
            "3"
        ]))
    );

    // A passage with a lineage when the corpus has one, else any passage.
    let id = clusters.json()[0]["earliest"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| {
            get(&s.addr, "/api/search?q=attribution&limit=1").json()["hits"][0]["id"]
                .as_str()
                .unwrap()
                .to_string()
        });
    let traced = get(&s.addr, &format!("/api/trace/{id}"));
    assert_eq!(traced.status, 200, "{}", traced.body);
    assert_eq!(
        untimed_deep(traced.json()),
        untimed_deep(cli_json(&["trace", "--json", &id]))
    );
    let traced = get(&s.addr, &format!("/api/trace/{id}?min_words=15")).json();
    assert_eq!(
        untimed_deep(traced),
        untimed_deep(cli_json(&["trace", "--json", "--min-words", "15", &id]))
    );
    let text = get(&s.addr, &format!("/api/passages/{id}")).json()["passage"]["text"]
        .as_str()
        .unwrap()
        .to_string();
    let by_text = get(
        &s.addr,
        &format!("/api/trace?{}", query(&[("text", &text)])),
    );
    assert_eq!(by_text.status, 200, "{}", by_text.body);
    assert_eq!(
        untimed_deep(by_text.json()),
        untimed_deep(cli_json(&["trace", "--json", "--", &text]))
    );

    let like = get(&s.addr, &format!("/api/similar/{id}?limit=5"));
    assert_eq!(like.status, 200, "{}", like.body);
    assert_eq!(
        untimed_deep(like.json()),
        untimed_deep(cli_json(&["similar", "--json", "--limit", "5", &id]))
    );
    assert_eq!(
        untimed_deep(get(&s.addr, &format!("/api/similar/{id}")).json()),
        untimed_deep(cli_json(&["similar", "--json", &id]))
    );

    // Bad input: 404 for an unknown passage, 400 with the CLI's wording.
    let e = get(&s.addr, "/api/trace/usa-2011:99999").error(404, "unknown-id");
    let run = cli(&["trace", "usa-2011:99999"]);
    assert_eq!(
        e["message"],
        run.stderr
            .trim()
            .strip_prefix("normsearch: error: ")
            .unwrap()
    );
    get(&s.addr, "/api/similar/usa-2011:99999").error(404, "unknown-id");
    let e = get(&s.addr, "/api/trace?text=too+short").error(400, "bad-query");
    let run = cli(&["trace", "too short"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains(e["message"].as_str().unwrap()), "{e}");
    get(&s.addr, "/api/trace").error(400, "bad-query");
    get(&s.addr, &format!("/api/trace/{id}?min-words=0")).error(400, "bad-query");
    get(&s.addr, &format!("/api/trace/{id}?min-words=many")).error(400, "bad-query");
    get(&s.addr, &format!("/api/trace/{id}?limit=3")).error(400, "bad-query");
    get(&s.addr, &format!("/api/similar/{id}?limit=5000")).error(400, "bad-query");
    get(&s.addr, &format!("/api/similar/{id}?colour=red")).error(400, "bad-query");
    get(&s.addr, "/api/reuse?text=x").error(400, "bad-query");
}

#[test]
fn errors_are_json_with_the_command_line_wording_and_status() {
    let s = shared();
    // A query that does not parse: 400, the CLI's message, its column.
    let bad = "norms AND (state";
    let e = get(&s.addr, &format!("/api/search?{}", query(&[("q", bad)]))).error(400, "bad-query");
    let run = cli(&["search", "--", bad]);
    assert_eq!(run.code, 2);
    let cli_message = run
        .stderr
        .trim()
        .strip_prefix("normsearch: error: ")
        .unwrap();
    assert_eq!(e["message"], cli_message);
    assert_eq!(e["column"], 11);

    let e = get(&s.addr, "/api/search?q=norms&source=narnia").error(400, "bad-query");
    assert!(
        e["message"].as_str().unwrap().contains("valid sources"),
        "{e}"
    );
    get(&s.addr, "/api/search?q=norms&limit=5000").error(400, "bad-query");
    get(&s.addr, "/api/search?q=norms&year=2016..2011").error(400, "bad-query");
    get(&s.addr, "/api/search?q=norms&kind=poem").error(400, "bad-query");
    let e = get(&s.addr, "/api/search?q=norms&colour=red").error(400, "bad-query");
    assert!(e["message"].as_str().unwrap().contains("colour"), "{e}");
    get(&s.addr, "/api/cite/usa-2011:1?format=apa").error(400, "bad-query");
    get(&s.addr, "/api/passages/usa-2011:1?context=500").error(400, "bad-query");

    // Unknown ids: 404 with the CLI's wording.
    let e = get(&s.addr, "/api/passages/usa-2011:99999").error(404, "unknown-id");
    let run = cli(&["show", "usa-2011:99999"]);
    assert_eq!(
        e["message"],
        run.stderr
            .trim()
            .strip_prefix("normsearch: error: ")
            .unwrap()
    );
    get(&s.addr, "/api/cite/narnia:1").error(404, "unknown-id");
    get(&s.addr, "/api/passages/ffffffffff").error(404, "unknown-id");
    get(&s.addr, "/api/nothing-here").error(404, "not-found");

    // Oversize: a query past the limit (413), a URL past it (414), a body (413).
    let long = "a".repeat(normsearch::search::MAX_QUERY_CHARS + 1);
    get(&s.addr, &format!("/api/search?q={long}")).error(413, "too-large");
    let longer = "a".repeat(normsearch::serve::MAX_URI + 1);
    get(&s.addr, &format!("/api/search?q={longer}")).error(414, "too-large");
    // Refused on its announced length, before any of it is read (so the
    // body is not sent: a server closing on unread data would reset the
    // connection under the answer).
    raw(
        &s.addr,
        "GET",
        "/api/search?q=norms",
        "Content-Length: 4096\r\n",
        b"",
    )
    .error(413, "too-large");

    // Read-only.
    raw(&s.addr, "POST", "/api/search?q=norms", "", b"").error(405, "method-not-allowed");
    raw(&s.addr, "DELETE", "/api/sources", "", b"").error(405, "method-not-allowed");
    let head = raw(&s.addr, "HEAD", "/api/sources", "", b"");
    assert_eq!((head.status, head.body.as_str()), (200, ""));
}

#[test]
fn only_the_embedded_page_is_served() {
    let s = shared();
    for path in [
        "/",
        "/themes",
        "/sources",
        "/passage/usa-2011:3",
        "/?q=norms",
    ] {
        let r = get(&s.addr, path);
        assert_eq!(r.status, 200, "{path}");
        assert!(r.header("content-type").unwrap().starts_with("text/html"));
        assert!(r.body.contains("<main id=\"main\""), "{path}");
        assert!(r.header("content-security-policy").is_some());
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    }
    let js = get(&s.addr, "/assets/js/app.js");
    assert_eq!(js.status, 200);
    assert!(js
        .header("content-type")
        .unwrap()
        .starts_with("text/javascript"));
    let css = get(&s.addr, "/assets/app.css");
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    // Revalidation: an unchanged asset is a 304.
    let tag = css.header("etag").unwrap().to_string();
    let again = raw(
        &s.addr,
        "GET",
        "/assets/app.css",
        &format!("If-None-Match: {tag}\r\n"),
        b"",
    );
    assert_eq!(again.status, 304);
    // Compressed for a client that asks.
    let big = raw(
        &s.addr,
        "GET",
        "/api/search?q=norms&limit=50",
        "Accept-Encoding: gzip\r\n",
        b"",
    );
    assert_eq!(big.header("content-encoding"), Some("gzip"));

    // An unknown page: the page itself, with 404 (it shows "not found").
    let r = get(&s.addr, "/no/such/page");
    assert_eq!(r.status, 404);
    assert!(r.body.contains("<main id=\"main\""));

    // Hostile paths: nothing from the file system, whatever the spelling.
    let secrets = [
        "[package]",
        "root:x:",
        "fn main",
        "import argparse",
        "[[document]]",
    ];
    for path in [
        "/assets/../Cargo.toml",
        "/assets/%2e%2e/%2e%2e/Cargo.toml",
        "/assets/%2E%2E%2F%2E%2E%2FCargo.toml",
        "/assets/..%2f..%2fCargo.toml",
        "/assets/js/../../../src/main.rs",
        "/assets/%2fetc%2fpasswd",
        "/assets//etc/passwd",
        "/assets/../dev/mock.py",
        "/assets/..\\..\\Cargo.toml",
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "//etc/passwd",
        "/etc/passwd",
        "/Cargo.toml",
        "/corpus/corpus.toml",
        "/web/dev/mock.py",
        "/assets/app.css%00.txt",
        "/api/passages/..%2f..%2fCargo.toml",
        "/api/cite/%2e%2e%2fCargo.toml",
        "/passage/..%2f..%2fCargo.toml",
    ] {
        let r = get(&s.addr, path);
        if path.starts_with("/passage/") {
            // A page route: the page, whatever the id (the API refuses it).
            assert!(r.body.contains("<main id=\"main\""), "{path}");
        } else {
            assert!(r.status == 404 || r.status == 400, "{path}: {}", r.status);
        }
        for secret in secrets {
            assert!(!r.body.contains(secret), "{path} served {secret:?}");
        }
    }
    // Absolute-form request targets too.
    let r = raw(&s.addr, "GET", "http://127.0.0.1/etc/passwd", "", b"");
    assert!(!r.body.contains("root:x:"));
    let r = raw(&s.addr, "GET", "file:///etc/passwd", "", b"");
    assert!(!r.body.contains("root:x:"));
}

#[test]
fn a_server_follows_rebuilds_without_a_failed_request_and_stops_on_sigterm() {
    let ws = workspace();
    let dir = ws.path();
    let build = |dir: &Path| {
        let out = process(&dir.join("index"), &dir.join("corpus"))
            .arg("index")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    build(dir);
    let (mut child, addr) = start(dir);
    let first = get(&addr, "/healthz").json()["generation"].clone();

    // Clients asking all the while.
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..3)
        .map(|i| {
            let (stop, answered, addr) = (Arc::clone(&stop), Arc::clone(&answered), addr.clone());
            std::thread::spawn(move || {
                let targets = [
                    "/api/search?q=norms&facets=1",
                    "/api/themes",
                    "/api/passages/usa-2011:5",
                ];
                let mut failures = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let r = get(&addr, targets[i % targets.len()]);
                    if r.status != 200 {
                        failures.push(format!("{}: {}", r.status, r.body));
                    }
                    answered.fetch_add(1, Ordering::Relaxed);
                }
                failures
            })
        })
        .collect();

    let norway = dir
        .join("corpus")
        .join("norway-2017-international-cyber-strategy.txt");
    for (round, word) in ["zanzibarian", "quokkaesque"].into_iter().enumerate() {
        let mut text = std::fs::read_to_string(&norway).unwrap();
        text.push_str(&format!(
            "\n\nThe {word} delegation proposed new measures.\n"
        ));
        std::fs::write(&norway, text).unwrap();
        build(dir);
        // The next request answers from the new generation.
        let r = get(&addr, &format!("/api/search?q={word}")).json();
        assert_eq!(r["total"], 1, "round {round}: {r}");
    }
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        let failures = c.join().unwrap();
        assert!(failures.is_empty(), "{failures:?}");
    }
    assert!(answered.load(Ordering::Relaxed) > 10);
    assert_ne!(get(&addr, "/healthz").json()["generation"], first);

    // SIGTERM: the server finishes and exits cleanly.
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "did not stop");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(err.contains("server stopped"), "{err}");
}

#[test]
fn serve_refuses_a_folder_without_a_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let out = process(&dir.path().join("index"), &dir.path().join("nothing"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("normsearch: error: ") && err.contains("corpus.toml"),
        "{err}"
    );
}
