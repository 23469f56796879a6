//! Load on `normsearch serve`: concurrent HTTP clients on loopback, bounded
//! in time and in requests, reporting requests/s, p50/p99 latency and
//! errors. Not a timed test: a figure to read and record in BENCHMARKS.md.
//!
//! ```text
//! cargo bench --bench load -- --corpus DIR --index DIR \
//!     [--clients 1,8,32,128] [--secs 10] [--max-requests 200000] \
//!     [--rebuild] [--path '/api/search?q={word}']
//! ```
//!
//! It builds the index first when there is none, starts this build's
//! `normsearch serve` on an ephemeral loopback port, and for each client
//! count runs `--secs` seconds (or until `--max-requests`) of keep-alive
//! GETs, each client cycling through single-word queries (`{word}` in
//! `--path`). With `--rebuild`, `normsearch index` rebuilds the index
//! beside the server during each run, and the run lasts at least until the
//! rebuild is done: the server must switch generations with no failed
//! request. A failed request is any answer but 200, or no answer.
//! Prints one Markdown table row per run; exits 1 when any request failed.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{Request, StatusCode};
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// Single words of the field, common and rare, asked in turn.
const WORDS: &[&str] = &[
    "norms",
    "sovereignty",
    "attribution",
    "cybercrime",
    "resilience",
    "deterrence",
    "cooperation",
    "infrastructure",
    "espionage",
    "capacity",
    "confidence",
    "governance",
    "humanitarian",
    "ransomware",
    "stability",
    "privacy",
];

struct Options {
    corpus: PathBuf,
    index: PathBuf,
    clients: Vec<usize>,
    secs: u64,
    max_requests: u64,
    rebuild: bool,
    path: String,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        corpus: PathBuf::from("corpus"),
        index: std::env::temp_dir().join("normsearch-load-index"),
        clients: vec![1, 8, 32, 128],
        secs: 10,
        max_requests: 200_000,
        rebuild: false,
        path: "/api/search?q={word}".into(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--corpus" => o.corpus = value("--corpus")?.into(),
            "--index" => o.index = value("--index")?.into(),
            "--clients" => {
                o.clients = value("--clients")?
                    .split(',')
                    .map(|c| c.trim().parse().map_err(|_| format!("--clients: {c}")))
                    .collect::<Result<_, _>>()?
            }
            "--secs" => o.secs = value("--secs")?.parse().map_err(|_| "--secs")?,
            "--max-requests" => {
                o.max_requests = value("--max-requests")?
                    .parse()
                    .map_err(|_| "--max-requests")?
            }
            "--rebuild" => o.rebuild = true,
            "--path" => o.path = value("--path")?,
            // `cargo bench` passes `--bench`.
            "--bench" => {}
            other => return Err(format!("unknown option {other}")),
        }
    }
    if o.secs == 0 || o.secs > 600 || o.clients.iter().any(|&c| c == 0 || c > 1024) {
        return Err("--secs must be 1 to 600 and each client count 1 to 1024".into());
    }
    Ok(o)
}

fn normsearch(o: &Options) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_normsearch"));
    cmd.arg("--corpus")
        .arg(&o.corpus)
        .arg("--index")
        .arg(&o.index)
        .stdin(Stdio::null());
    cmd
}

/// What one run measured.
struct Run {
    clients: usize,
    secs: f64,
    latencies: Vec<Duration>,
    errors: u64,
    first_error: Option<String>,
    rebuild_secs: Option<f64>,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn run_once(o: &Options, base: &str, clients: usize) -> Run {
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(clients)
        .build_http();
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicU64::new(0));
    let deadline = Duration::from_secs(o.secs);
    let started = Instant::now();
    let rebuild = o.rebuild.then(|| {
        let mut cmd = normsearch(o);
        cmd.arg("index")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        std::thread::spawn(move || {
            let t = Instant::now();
            let out = cmd.output().expect("normsearch index runs");
            assert!(
                out.status.success(),
                "rebuild failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            t.elapsed()
        })
    });
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (client, stop, sent) = (client.clone(), Arc::clone(&stop), Arc::clone(&sent));
        let (base, path, max) = (base.to_string(), o.path.clone(), o.max_requests);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let (mut errors, mut first_error) = (0u64, None);
            let mut i = c;
            while !stop.load(Ordering::Relaxed) && sent.fetch_add(1, Ordering::Relaxed) < max {
                let url = format!("{base}{}", path.replace("{word}", WORDS[i % WORDS.len()]));
                i += 1;
                let t = Instant::now();
                let request = Request::get(&url).body(Empty::new()).expect("a request");
                let outcome = match client.request(request).await {
                    Ok(res) => {
                        let status = res.status();
                        match res.into_body().collect().await {
                            Ok(_) if status == StatusCode::OK => Ok(()),
                            Ok(body) => Err(format!(
                                "{status}: {}",
                                String::from_utf8_lossy(&body.to_bytes())
                            )),
                            Err(e) => Err(format!("body: {e}")),
                        }
                    }
                    Err(e) => Err(format!("request: {e}")),
                };
                latencies.push(t.elapsed());
                if let Err(e) = outcome {
                    errors += 1;
                    first_error.get_or_insert(e);
                }
            }
            (latencies, errors, first_error)
        }));
    }
    // Stop at the deadline, but not before the rebuild is done.
    loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let rebuilding = rebuild.as_ref().is_some_and(|r| !r.is_finished());
        let done = started.elapsed() >= deadline && !rebuilding;
        let cap = sent.load(Ordering::Relaxed) >= o.max_requests;
        if done || (cap && !rebuilding) || started.elapsed() > Duration::from_secs(900) {
            break;
        }
    }
    stop.store(true, Ordering::Relaxed);
    let mut run = Run {
        clients,
        secs: 0.0,
        latencies: Vec::new(),
        errors: 0,
        first_error: None,
        rebuild_secs: None,
    };
    for t in tasks {
        let (l, e, f) = t.await.expect("a client task");
        run.latencies.extend(l);
        run.errors += e;
        if run.first_error.is_none() {
            run.first_error = f;
        }
    }
    run.secs = started.elapsed().as_secs_f64();
    run.rebuild_secs = rebuild.map(|r| r.join().expect("the rebuild thread").as_secs_f64());
    run
}

fn main() {
    let o = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("load: error: {e}");
            std::process::exit(2);
        }
    };
    // Built first, so that no run measures the first build.
    if !o.index.join("CURRENT").is_file() {
        let status = normsearch(&o)
            .arg("index")
            .status()
            .expect("normsearch index runs");
        assert!(status.success(), "the first build failed");
    }
    let mut server = normsearch(&o)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("normsearch serve starts");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(server.stdout.take().expect("piped")),
        &mut line,
    )
    .expect("the server prints its address");
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .expect("listening on http://…")
        .trim_end_matches('/')
        .to_string();
    // The benchmark's own runtime: the server has the machine's cores too,
    // so the client keeps to one thread.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    println!(
        "| clients | path | rebuild | seconds | requests | requests/s | p50 ms | p99 ms | errors |"
    );
    println!("|---:|---|---|---:|---:|---:|---:|---:|---:|");
    let mut failed = false;
    for &clients in &o.clients {
        let mut run = rt.block_on(run_once(&o, &base, clients));
        run.latencies.sort();
        let n = run.latencies.len();
        println!(
            "| {} | `{}` | {} | {:.1} | {} | {:.0} | {:.2} | {:.2} | {} |",
            run.clients,
            o.path,
            run.rebuild_secs
                .map_or("no".to_string(), |s| format!("yes ({s:.1} s)")),
            run.secs,
            n,
            n as f64 / run.secs,
            percentile(&run.latencies, 0.50),
            percentile(&run.latencies, 0.99),
            run.errors
        );
        if let Some(e) = run.first_error {
            eprintln!("load: first failure at {clients} clients: {e}");
            failed = true;
        }
    }
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let _ = server.wait();
    if failed {
        std::process::exit(1);
    }
}
