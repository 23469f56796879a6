//! The timing tool behind `benches/run.sh`: one build, the warm query
//! percentiles, or one whole search, each in a process of its own so that
//! `/usr/bin/time` can measure its peak memory and the shell its wall time.
//!
//! ```text
//! benchtool build --corpus C --index I --threads 2 [--baseline]
//! benchtool query --index I --baseline-index B [--runs 300] [--class NAME] [--facets]
//! benchtool search --index I 'query text'
//! benchtool startup --normsearch BIN --corpus C --index I --mintantivy BIN --min-index M [--runs 10]
//! ```
//!
//! `build` prints one line of `key=value` pairs; `query` prints a Markdown
//! table with p50 and p99 per query class, ours next to the baseline's,
//! and our p50 for ranking alone (no hit read, cited or highlighted, as the
//! baseline reads none);
//! `search` prints the top ten hits, one per line, as a search command
//! would; `startup` times whole `normsearch search` processes against the
//! minimal tantivy CLI (`examples/mintantivy.rs`), one process per query,
//! interleaved, and prints medians and p95 per query kind. Criterion's benches (`cargo bench`) measure the same operations
//! with confidence intervals; this tool gives percentiles of single queries
//! and runs at sizes where criterion's many samples take too long.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use normsearch::index::{self, BuildOptions, Index, Silent};
use normsearch::search::{self, SearchRequest};

#[allow(dead_code)] // the benches' helpers, used here in part
#[path = "../benches/common/mod.rs"]
mod common;

/// Timings for `benches/run.sh`.
#[derive(Debug, Parser)]
#[command(name = "benchtool")]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build an index and print its time and size.
    Build {
        /// The corpus folder.
        #[arg(long, value_name = "DIR")]
        corpus: PathBuf,
        /// The index folder; for the baseline it must be new or empty.
        #[arg(long, value_name = "DIR")]
        index: PathBuf,
        /// Worker and indexing threads.
        #[arg(long, default_value_t = 2)]
        threads: usize,
        /// Build the bare-tantivy baseline instead of ours.
        #[arg(long)]
        baseline: bool,
    },
    /// Time every query class on warm indexes; print p50 and p99.
    Query {
        /// Our index folder.
        #[arg(long, value_name = "DIR")]
        index: PathBuf,
        /// The baseline's index folder.
        #[arg(long, value_name = "DIR")]
        baseline_index: PathBuf,
        /// Timed runs per class, after as many untimed ones.
        #[arg(long, default_value_t = 300)]
        runs: usize,
        /// Fail when a class finds nothing (on a generated corpus, where
        /// every class must match), instead of reporting it.
        #[arg(long)]
        require_hits: bool,
        /// Only the classes with these names (repeat for several).
        #[arg(long = "class", value_name = "NAME")]
        classes: Vec<String>,
        /// Ask for the facet counts too, as `search --facets` does.
        #[arg(long)]
        facets: bool,
    },
    /// Open the index, run one query, print the top ten hits, exit.
    Search {
        /// Our index folder.
        #[arg(long, value_name = "DIR")]
        index: PathBuf,
        /// The query text.
        query: String,
    },
    /// Time whole processes: `normsearch search` against the minimal
    /// tantivy CLI, each query of `STARTUP_QUERIES` in turn, interleaved,
    /// page cache warm (one untimed run of each first).
    Startup {
        /// The `normsearch` binary.
        #[arg(long, value_name = "BIN")]
        normsearch: PathBuf,
        /// The corpus folder our index was built from.
        #[arg(long, value_name = "DIR")]
        corpus: PathBuf,
        /// Our index folder.
        #[arg(long, value_name = "DIR")]
        index: PathBuf,
        /// The `mintantivy` binary.
        #[arg(long, value_name = "BIN")]
        mintantivy: PathBuf,
        /// Its index folder (`mintantivy build`).
        #[arg(long, value_name = "DIR")]
        min_index: PathBuf,
        /// Timed runs of each query and engine.
        #[arg(long, default_value_t = 10)]
        runs: usize,
    },
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("benchtool: error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Args) -> Result<ExitCode, String> {
    match args.command {
        Command::Build {
            corpus,
            index,
            threads,
            baseline,
        } => {
            let memory = MemorySampler::start();
            let line = build(&corpus, &index, threads, baseline)?;
            let (anon, hwm) = memory.stop();
            println!("{line} anon_peak_kb={anon} peak_rss_kb={hwm}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Query {
            index,
            baseline_index,
            runs,
            require_hits,
            classes,
            facets,
        } => {
            let ours = Index::open(&index).map_err(|e| e.to_string())?;
            let baseline = common::Baseline::open(&baseline_index)
                .map_err(|e| format!("{}: {e}", baseline_index.display()))?;
            if let Some(bad) = classes
                .iter()
                .find(|c| !common::CLASSES.iter().any(|k| k.name == c.as_str()))
            {
                let names: Vec<&str> = common::CLASSES.iter().map(|k| k.name).collect();
                return Err(format!(
                    "unknown class `{bad}`; classes: {}",
                    names.join(", ")
                ));
            }
            let options = TableOptions {
                runs: runs.max(1),
                require_hits,
                classes,
                facets,
            };
            query_table(&ours, &baseline, &options)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Startup {
            normsearch,
            corpus,
            index,
            mintantivy,
            min_index,
            runs,
        } => {
            let ours = |q: &str| {
                let mut c = std::process::Command::new(&normsearch);
                c.arg("--corpus")
                    .arg(&corpus)
                    .arg("--index")
                    .arg(&index)
                    .arg("search")
                    .arg(q);
                c
            };
            let minimal = |q: &str| {
                let mut c = std::process::Command::new(&mintantivy);
                c.arg("search").arg(&min_index).arg(q);
                c
            };
            startup_table(&ours, &minimal, runs.max(1))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Search { index, query } => {
            let ours = Index::open(&index).map_err(|e| e.to_string())?;
            let results =
                search::search(&ours, &SearchRequest::new(query)).map_err(|e| e.to_string())?;
            let mut out = std::io::stdout().lock();
            for hit in &results.hits {
                let start: String = hit.text.chars().take(80).collect();
                // A closed pipe (`| head`) ends the listing, not the program.
                if writeln!(out, "{}\t{:.3}\t{start}", hit.id, hit.score).is_err() {
                    break;
                }
            }
            Ok(if results.hits.is_empty() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

/// Builds ours or the baseline; returns the `key=value` line.
fn build(
    corpus: &std::path::Path,
    index: &std::path::Path,
    threads: usize,
    baseline: bool,
) -> Result<String, String> {
    if baseline {
        std::fs::create_dir_all(index).map_err(|e| format!("{}: {e}", index.display()))?;
        let s = common::build_baseline(corpus, index, threads)
            .map_err(|e| format!("baseline build: {e}"))?;
        if s.blocks == 0 {
            return Err("the baseline indexed nothing".into());
        }
        let seconds = s.elapsed.as_secs_f64();
        Ok(format!(
            "engine=tantivy-baseline threads={threads} seconds={seconds:.3} bytes={} mb_per_s={:.2} passages={}",
            s.bytes,
            s.bytes as f64 / 1e6 / seconds,
            s.blocks
        ))
    } else {
        let options = BuildOptions {
            threads,
            ..BuildOptions::default()
        };
        let s = index::build(corpus, index, &options, &Silent).map_err(|e| e.to_string())?;
        if s.passages == 0 {
            return Err("the build indexed no passages".into());
        }
        Ok(format!(
            "engine=normsearch threads={threads} seconds={:.3} bytes={} mb_per_s={:.2} passages={}",
            s.elapsed.as_secs_f64(),
            s.bytes,
            s.mb_per_second(),
            s.passages
        ))
    }
}

/// Samples this process's anonymous resident memory (heap, stacks: what
/// the build itself holds, not the page cache of files it maps) every
/// 20 ms, because the kernel records a peak only for the whole resident
/// set. Linux only; elsewhere both figures are 0.
struct MemorySampler {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<u64>,
}

impl MemorySampler {
    fn start() -> MemorySampler {
        use std::sync::atomic::Ordering;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut peak = 0;
            while !flag.load(Ordering::Relaxed) {
                peak = peak.max(status_kb("RssAnon:"));
                std::thread::sleep(Duration::from_millis(20));
            }
            peak.max(status_kb("RssAnon:"))
        });
        MemorySampler { stop, thread }
    }

    /// Peak anonymous RSS sampled, and the kernel's peak RSS, in KB.
    fn stop(self) -> (u64, u64) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let anon = self.thread.join().unwrap_or(0);
        (anon, status_kb("VmHWM:"))
    }
}

/// A `kB` figure from `/proc/self/status`; 0 when unavailable.
fn status_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Times `f` `runs` times after `runs` untimed warm-up calls; returns the
/// p50 and p99.
fn time_runs(runs: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    for _ in 0..runs {
        f();
    }
    let mut samples: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    let p50 = common::percentile(&mut samples, 50.0);
    let p99 = common::percentile(&mut samples, 99.0);
    (p50, p99)
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

/// What `query` measures.
struct TableOptions {
    runs: usize,
    require_hits: bool,
    /// Only these classes; empty for all.
    classes: Vec<String>,
    facets: bool,
}

fn query_table(
    ours: &Index,
    baseline: &common::Baseline,
    options: &TableOptions,
) -> Result<(), String> {
    let (runs, require_hits) = (options.runs, options.require_hits);
    println!("| class | query | matches | p50 ms | p99 ms | ranking p50 ms | baseline p50 ms | baseline p99 ms | p50 ratio |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    let chosen = common::CLASSES
        .iter()
        .filter(|c| options.classes.is_empty() || options.classes.iter().any(|n| n == c.name));
    for class in chosen {
        let filters = match (class.source_filter, class.theme) {
            (true, _) => " (first source)",
            (_, Some(_)) => " (theme)",
            _ => "",
        };
        let shown = format!("`{}`{filters}", class.query.replace('|', "\\|"));
        if let Some(missing) = class.missing_theme(ours) {
            println!(
                "| {} | {shown} | – | not measured: the index has no theme `{missing}` | | | | | |",
                class.name
            );
            continue;
        }
        let mut request = class.request(ours);
        request.facets = options.facets;
        let first = search::search(ours, &request).map_err(|e| format!("{}: {e}", class.name))?;
        let base_found = class.baseline && !baseline.search(class.query).is_empty();
        if first.hits.is_empty() || (class.baseline && !base_found) {
            if require_hits {
                return Err(format!("{}: {:?} found nothing", class.name, class.query));
            }
            println!(
                "| {} | {shown} | 0 | not measured: no match in this corpus | | | | | |",
                class.name
            );
            continue;
        }
        let (p50, p99) = time_runs(runs, || {
            let r = search::search(ours, &request).expect("the query ran once already");
            assert!(!r.hits.is_empty());
        });
        // The same without reading, citing and highlighting hits: what the
        // baseline does.
        let ranking_only = SearchRequest {
            limit: 0,
            ..request.clone()
        };
        let (r50, _) = time_runs(runs, || {
            let r = search::search(ours, &ranking_only).expect("the query ran once already");
            assert!(r.total > 0);
        });
        let (b50, b99, ratio) = if class.baseline {
            let (b50, b99) = time_runs(runs, || {
                assert!(!baseline.search(class.query).is_empty());
            });
            let ratio = p50.as_secs_f64() / b50.as_secs_f64().max(1e-9);
            (ms(b50), ms(b99), format!("{ratio:.1}×"))
        } else {
            ("–".into(), "–".into(), "–".into())
        };
        let matches = if first.total_exact {
            first.total.to_string()
        } else {
            format!("≥ {}", first.total)
        };
        println!(
            "| {} | {shown} | {matches} | {} | {} | {} | {b50} | {b99} | {ratio} |",
            class.name,
            ms(p50),
            ms(p99),
            ms(r50)
        );
    }
    Ok(())
}

/// Wall time of one process, output discarded; an exit code other than 0
/// (found) or 1 (nothing found) is an error.
fn time_process(mut command: std::process::Command) -> Result<Duration, String> {
    use std::process::Stdio;
    command.stdout(Stdio::null()).stderr(Stdio::piped());
    let started = Instant::now();
    let out = command.output().map_err(|e| format!("{command:?}: {e}"))?;
    let elapsed = started.elapsed();
    match out.status.code() {
        Some(0 | 1) => Ok(elapsed),
        _ => Err(format!(
            "{command:?}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )),
    }
}

/// The whole-process table: per kind, the median of each engine over its
/// queries' runs; then every run of every query, median and p95, and the
/// ratios of ours to the minimal CLI's.
fn startup_table(
    ours: &dyn Fn(&str) -> std::process::Command,
    minimal: &dyn Fn(&str) -> std::process::Command,
    runs: usize,
) -> Result<(), String> {
    let mut all = (Vec::new(), Vec::new());
    let mut kinds: Vec<(&str, Vec<Duration>, Vec<Duration>)> = Vec::new();
    for &(kind, query) in common::STARTUP_QUERIES {
        time_process(ours(query))?;
        time_process(minimal(query))?;
        if kinds.last().is_none_or(|k| k.0 != kind) {
            kinds.push((kind, Vec::new(), Vec::new()));
        }
        let entry = kinds.last_mut().expect("pushed above");
        for _ in 0..runs {
            let a = time_process(ours(query))?;
            let b = time_process(minimal(query))?;
            entry.1.push(a);
            entry.2.push(b);
            all.0.push(a);
            all.1.push(b);
        }
    }
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
    println!("| kind | queries | normsearch p50 ms | p95 ms | minimal tantivy p50 ms | p95 ms | p50 ratio | p95 ratio |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let n_queries = |kind: &str| {
        common::STARTUP_QUERIES
            .iter()
            .filter(|q| kind == "all" || q.0 == kind)
            .count()
    };
    let all_row = ("all", all.0, all.1);
    for (kind, mut a, mut b) in kinds.into_iter().chain(std::iter::once(all_row)) {
        let (a50, a95) = (
            common::percentile(&mut a, 50.0),
            common::percentile(&mut a, 95.0),
        );
        let (b50, b95) = (
            common::percentile(&mut b, 50.0),
            common::percentile(&mut b, 95.0),
        );
        println!(
            "| {kind} | {} | {} | {} | {} | {} | {:.2}× | {:.2}× |",
            n_queries(kind),
            ms(a50),
            ms(a95),
            ms(b50),
            ms(b95),
            ratio(a50, b50),
            ratio(a95, b95)
        );
    }
    Ok(())
}
