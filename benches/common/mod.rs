//! What the benches, `examples/benchtool.rs` and `tests/gencorpus.rs` share:
//! the generated corpus they measure, the bare-tantivy baseline, and the
//! query classes.
//!
//! The baseline is what a user of tantivy alone would build from the same
//! texts: one default `TEXT` field (tantivy's default tokenizer, positions,
//! nothing stored), one document per block of text between blank lines, no
//! segmentation, no themes, no lexicon. Our build pays for everything beyond
//! that — segmenting, tagging, three analysed copies of each passage, stored
//! citation fields, facets, a merge into one segment — so the ratio of the
//! two, measured in the same run on the same machine, is the cost of what
//! normsearch adds.

pub mod generator;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use normsearch::corpus::{Corpus, Document, PartialDate};
use normsearch::index::Index;
use normsearch::search::SearchRequest;
use rayon::prelude::*;
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Field, Schema, TEXT};
use tantivy::{DocAddress, IndexWriter, Score, TantivyDocument};

/// The seed of every generated bench corpus.
pub const SEED: u64 = 42;

/// Indexing memory per writer thread, as `src/index.rs` gives its own
/// writer, so both builds flush segments equally often.
pub const MEMORY_PER_THREAD: usize = 32 << 20;

/// A corpus to measure: an existing folder, or one generated into a
/// temporary folder that is removed when this is dropped.
pub struct BenchCorpus {
    /// The corpus folder.
    pub dir: PathBuf,
    /// Bytes of text in it.
    pub bytes: u64,
    _tmp: Option<tempfile::TempDir>,
}

/// Whether criterion runs this bench binary as a benchmark (`cargo bench`)
/// rather than as a smoke test (`cargo test --benches`, no `--bench`
/// argument), which runs every bench once and should stay quick.
pub fn benchmarking() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// The corpus the benches measure:
///
/// - `NORMSEARCH_BENCH_CORPUS=DIR`: that corpus folder, as it is;
/// - otherwise a corpus generated with seed [`SEED`] of
///   `NORMSEARCH_BENCH_MB` megabytes (default 10; 1 when run as a test).
pub fn bench_corpus() -> BenchCorpus {
    if let Some(dir) = std::env::var_os("NORMSEARCH_BENCH_CORPUS") {
        let dir = PathBuf::from(dir);
        let bytes = corpus_bytes(&dir);
        eprintln!(
            "bench corpus: {} ({:.1} MB)",
            dir.display(),
            bytes as f64 / 1e6
        );
        return BenchCorpus {
            dir,
            bytes,
            _tmp: None,
        };
    }
    let default_mb = if benchmarking() { 10 } else { 1 };
    let mb: u64 = match std::env::var("NORMSEARCH_BENCH_MB") {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("NORMSEARCH_BENCH_MB={v:?} is not a whole number of MB")),
        Err(_) => default_mb,
    };
    let tmp = tempfile::tempdir().expect("a temporary folder for the bench corpus");
    let dir = tmp.path().join("corpus");
    fs::create_dir(&dir).expect("a folder for the bench corpus");
    let started = Instant::now();
    let chain = generator::train(&generator::default_training_dir()).expect("training texts");
    let summary =
        generator::generate(&chain, &dir, mb * 1_000_000, SEED).expect("writing the bench corpus");
    eprintln!(
        "bench corpus: generated {} documents, {:.1} MB in {:.1} s",
        summary.documents,
        summary.bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    BenchCorpus {
        dir,
        bytes: summary.bytes,
        _tmp: Some(tmp),
    }
}

/// Bytes of text of the documents a corpus lists.
pub fn corpus_bytes(dir: &Path) -> u64 {
    let corpus = Corpus::load(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    corpus
        .documents
        .iter()
        .map(|d| fs::metadata(corpus.path_of(d)).map_or(0, |m| m.len()))
        .sum()
}

// ---------------------------------------------------------------------------
// The baseline.

/// The baseline's schema: one default `TEXT` field.
pub fn baseline_schema() -> (Schema, Field) {
    let mut builder = Schema::builder();
    let text = builder.add_text_field("text", TEXT);
    (builder.build(), text)
}

/// What a baseline build did.
#[derive(Debug, Clone, Copy)]
pub struct BaselineSummary {
    /// Blocks of text indexed.
    pub blocks: usize,
    /// Bytes of text read.
    pub bytes: u64,
    /// Wall time.
    pub elapsed: Duration,
}

/// The blocks between blank lines of a text, each trimmed; blank blocks
/// are skipped. Independent of our segmenter on purpose.
pub fn blocks(text: &str) -> impl Iterator<Item = &str> {
    text.split("\n\n")
        .flat_map(|b| b.split("\r\n\r\n"))
        .map(str::trim)
        .filter(|b| !b.is_empty())
}

/// Builds the baseline index of `corpus_dir` in the empty folder
/// `index_dir`, reading and splitting texts on a pool of `threads` workers
/// feeding a writer with `threads` indexing threads — the structure of our
/// own build, so the two differ only in what they do per passage.
pub fn build_baseline(
    corpus_dir: &Path,
    index_dir: &Path,
    threads: usize,
) -> tantivy::Result<BaselineSummary> {
    let started = Instant::now();
    let corpus = Corpus::load(corpus_dir)
        .map_err(|e| tantivy::TantivyError::InvalidArgument(e.to_string()))?;
    let (schema, field) = baseline_schema();
    let index = tantivy::Index::create_in_dir(index_dir, schema)?;
    let mut writer: IndexWriter<TantivyDocument> =
        index.writer_with_num_threads(threads, threads * MEMORY_PER_THREAD)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| tantivy::TantivyError::SystemError(e.to_string()))?;
    let counts: Vec<(usize, u64)> = pool.install(|| {
        corpus
            .documents
            .par_iter()
            .map(|doc| {
                let path = corpus.path_of(doc);
                let text = fs::read_to_string(&path)?;
                let mut n = 0;
                for block in blocks(&text) {
                    let mut d = TantivyDocument::default();
                    d.add_text(field, block);
                    writer.add_document(d)?;
                    n += 1;
                }
                Ok((n, text.len() as u64))
            })
            .collect::<tantivy::Result<Vec<_>>>()
    })?;
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(BaselineSummary {
        blocks: counts.iter().map(|c| c.0).sum(),
        bytes: counts.iter().map(|c| c.1).sum(),
        elapsed: started.elapsed(),
    })
}

/// An open baseline index, ready for warm queries.
pub struct Baseline {
    /// The searcher (kept: a warm query reuses it, as ours does).
    pub searcher: tantivy::Searcher,
    parser: QueryParser,
}

impl Baseline {
    /// Opens the baseline index in `dir`.
    pub fn open(dir: &Path) -> tantivy::Result<Baseline> {
        let index = tantivy::Index::open_in_dir(dir)?;
        let field = index.schema().get_field("text")?;
        let reader = index.reader()?;
        let parser = QueryParser::for_index(&index, vec![field]);
        Ok(Baseline {
            searcher: reader.searcher(),
            parser,
        })
    }

    /// The top ten blocks for `query`, parsed by tantivy's query parser.
    pub fn search(&self, query: &str) -> Vec<(Score, DocAddress)> {
        let q = self
            .parser
            .parse_query(query)
            .unwrap_or_else(|e| panic!("baseline query {query:?}: {e}"));
        self.searcher
            .search(&q, &TopDocs::with_limit(10).order_by_score())
            .unwrap_or_else(|e| panic!("baseline query {query:?}: {e}"))
    }
}

// ---------------------------------------------------------------------------
// Query classes.

/// A class of query, as researchers type them.
#[derive(Debug, Clone, Copy)]
pub struct QueryClass {
    /// Short name, used in bench ids and tables.
    pub name: &'static str,
    /// The query text.
    pub query: &'static str,
    /// Keep only the corpus's first document.
    pub source_filter: bool,
    /// Keep only passages with this theme.
    pub theme: Option<&'static str>,
    /// Whether the bare baseline runs the same query text (it has no
    /// source or theme fields to filter on).
    pub baseline: bool,
}

/// The query classes every bench and table reports, in order. The words
/// are the founding corpus's, so every generated corpus holds them;
/// `anonymity` occurs once in the founding texts, `security` hundreds of
/// times.
pub const CLASSES: &[QueryClass] = &[
    QueryClass {
        name: "rare-term",
        query: "anonymity",
        source_filter: false,
        theme: None,
        baseline: true,
    },
    QueryClass {
        name: "common-term",
        query: "security",
        source_filter: false,
        theme: None,
        baseline: true,
    },
    QueryClass {
        name: "two-terms",
        query: "international cooperation",
        source_filter: false,
        theme: None,
        baseline: true,
    },
    QueryClass {
        name: "phrase",
        query: "\"international law\"",
        source_filter: false,
        theme: None,
        baseline: true,
    },
    QueryClass {
        name: "phrase-slop",
        query: "\"norms behaviour\"~3",
        source_filter: false,
        theme: None,
        baseline: true,
    },
    QueryClass {
        name: "acronym",
        query: "CBMs",
        source_filter: false,
        theme: None,
        baseline: true,
    },
    QueryClass {
        name: "by-source",
        query: "cyber norms",
        source_filter: true,
        theme: None,
        baseline: false,
    },
    QueryClass {
        name: "by-theme",
        query: "states",
        source_filter: false,
        theme: Some("norms"),
        baseline: false,
    },
];

/// The whole-process queries (`benchtool startup`): five kinds as
/// researchers type them at the prompt of a script, each in words every
/// corpus generated from the founding texts holds. The same text goes to
/// `normsearch search` and to the minimal tantivy CLI's query parser.
pub const STARTUP_QUERIES: &[(&str, &str)] = &[
    ("rare-word", "anonymity"),
    ("rare-word", "attribution"),
    ("rare-word", "sovereignty"),
    ("rare-word", "espionage"),
    ("common-word", "security"),
    ("common-word", "cyberspace"),
    ("common-word", "states"),
    ("common-word", "information"),
    ("common-word", "international"),
    ("two-words", "international cooperation"),
    ("two-words", "critical infrastructure"),
    ("two-words", "human rights"),
    ("two-words", "law enforcement"),
    ("two-words", "internet governance"),
    ("phrase", "\"international law\""),
    ("phrase", "\"united nations\""),
    ("phrase", "\"freedom of expression\""),
    ("phrase", "\"confidence building\""),
    ("acronym", "CBMs"),
    ("acronym", "OSCE"),
    ("acronym", "CERT"),
    ("acronym", "GGE"),
];

impl QueryClass {
    /// The class's theme when `index` was built without it (a taxonomy
    /// without it, or a build that does not tag yet): the class cannot run.
    pub fn missing_theme(&self, index: &Index) -> Option<&'static str> {
        self.theme
            .filter(|t| !index.meta().themes.iter().any(|have| have == t))
    }

    /// The request for our search as `normsearch search` makes it: ten
    /// hits, the total counted where that is cheap (no `--count`), the
    /// filters of the class.
    pub fn request(&self, index: &Index) -> SearchRequest {
        let mut r = SearchRequest::new(self.query);
        r.count = false;
        if self.source_filter {
            let ids = index.document_ids().expect("a readable document list");
            let first = ids.first().expect("an index with documents");
            r.sources.push(first.to_string());
        }
        if let Some(theme) = self.theme {
            r.themes.push(theme.to_string());
        }
        r
    }
}

/// The `p`-th percentile (0–100) of `samples`, by the nearest-rank method;
/// sorts `samples`.
pub fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    assert!(!samples.is_empty(), "no samples");
    samples.sort_unstable();
    let rank = ((p / 100.0) * samples.len() as f64).ceil() as usize;
    samples[rank.clamp(1, samples.len()) - 1]
}

/// The extra real strategies (`../shared/corpus-extra` beside the project,
/// or `NORMSEARCH_BENCH_EXTRA`), with minimal metadata and the language
/// their file name ends in; none when the folder is missing (a fresh clone
/// has only the founding corpus).
pub fn extra_documents() -> Vec<(Document, String)> {
    let dir = std::env::var_os("NORMSEARCH_BENCH_EXTRA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus-extra"));
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|path| {
            let bytes = std::fs::read(&path).ok()?;
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let id = path.file_stem()?.to_string_lossy().into_owned();
            let language = id.rsplit('-').next().unwrap_or("en").to_string();
            let doc = Document {
                id,
                file: path.clone(),
                title: String::new(),
                issuer: String::new(),
                authors: Vec::new(),
                date: PartialDate {
                    year: 2000,
                    month: None,
                    day: None,
                },
                kind: "national-strategy".into(),
                country: None,
                organization: None,
                language,
                url: None,
                container: None,
                issuers: Vec::new(),
                issuer_type: None,
                number: None,
                translation: None,
                original_language: None,
                venue: None,
            };
            Some((doc, text))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    // The imports sit in each test: bench binaries (no test harness) are
    // compiled with `cfg(test)` but without their `#[test]` functions.
    #[test]
    fn percentiles_by_nearest_rank() {
        use super::*;
        let mut s: Vec<Duration> = (1..=100).rev().map(Duration::from_millis).collect();
        assert_eq!(percentile(&mut s, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&mut s, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&mut s, 100.0), Duration::from_millis(100));
        assert_eq!(percentile(&mut s[..1], 50.0), Duration::from_millis(1));
    }

    #[test]
    fn blocks_between_blank_lines() {
        use super::*;
        let b: Vec<&str> = blocks("a\nb\n\n\n c \n\n").collect();
        assert_eq!(b, vec!["a\nb", "c"]);
    }
}
