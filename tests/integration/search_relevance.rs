//! Ranking quality over judged queries: nDCG@10, P@5 and MRR per query
//! category, per query language, per judgment file and overall, for the
//! ranking and for three baselines over the same passages: BM25 alone (the
//! index's normalised text, none of the ranking's boosts or expansions:
//! [`RankingFeatures::BM25`]), the index searched `--exact` (words as
//! typed, BM25 over case- and accent-folded text), and plain tantivy
//! (its own English analyser and query parser, none of normsearch's
//! lexicon or ranking).
//!
//! Then the ablation: nDCG@10 per group as the parts of the ranking are
//! switched on one after the other, from BM25 alone to the whole ranking
//! ([`STEPS`]), so that each shows what it earns.
//!
//! The judgments, each file's header saying how they were made:
//!
//! * `tests/search_relevance.toml`: English queries over the founding
//!   corpus (`corpus/`);
//! * `tests/search_relevance_extra.toml`: English queries over the English
//!   strategies of `../shared/corpus-extra`;
//! * `tests/search_relevance_lang.toml`: queries in French, Spanish and
//!   Russian over that folder's strategies in those languages, and English
//!   queries for concepts whose passages are in several languages
//!   (`lang = "any"`).
//!
//! `../shared/corpus-extra` is read where it stands: its texts are copied
//! into a temporary corpus folder with a manifest generated from its
//! `index.tsv` (as `scripts/corpus-extra.sh` does). Each corpus is indexed
//! once. A judged passage is named by its document and a piece of its text,
//! found in the segmented passages (so judgments survive a change of
//! segmentation); a piece that names no passage, or several (unless it is
//! the whole text of one, and of its identical copies), fails the test.
//!
//! The test fails when a figure falls below its floor in [`FLOORS`]: the
//! figures the ranking reached when the floors were set, rounded down. Raise
//! them when the ranking improves. Run
//! `cargo test --test search_relevance -- --nocapture` to see every query's
//! figures and the table.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use normsearch::corpus::Corpus;
use normsearch::index::{build, BuildOptions, Index, Silent};
use normsearch::search::{search, search_with, RankingFeatures, SearchRequest};
use serde::Deserialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED, STRING,
};
use tantivy::{doc, TantivyDocument, Term};

/// Ranks scored: nDCG@K and MRR look at the first `K` hits.
const K: usize = 10;
/// P@`P` counts the relevant passages among the first `P` hits.
const P: usize = 5;

/// Floors on the ranking's mean nDCG@10, by group (see [`groups`]): the
/// figure measured when the floor was set (in the comment), less a margin
/// for ties that change order. Set on the segmentation that decides on
/// evidence per document (tables of contents dropped, long passages cut
/// at 400 words, running lines and notes taken out), with the concept
/// entries, word families, near-phrase fall-back and theme boost, and each
/// text analysed in its own language (queries read in every language the
/// index holds). Every group the judgments form must have one.
const FLOORS: &[(&str, f64)] = &[
    ("overall", 0.71),              // 0.724
    ("file founding", 0.85),        // 0.864
    ("file extra", 0.55),           // 0.563
    ("file lang", 0.66),            // 0.675
    ("category acronym", 0.77),     // 0.781
    ("category concept", 0.70),     // 0.718
    ("category near-phrase", 0.78), // 0.790
    ("category phrase", 0.76),      // 0.776
    ("category spelling", 0.71),    // 0.720
    ("category stemming", 0.59),    // 0.602
    ("category theme", 0.75),       // 0.766
    ("category topical", 0.68),     // 0.690
    ("lang en", 0.73),              // 0.742
    ("lang fr", 0.72),              // 0.739
    ("lang es", 0.74),              // 0.753
    ("lang ru", 0.56),              // 0.572
    ("lang any", 0.53),             // 0.546
];

/// The query categories a judgment may use.
const CATEGORIES: &[&str] = &[
    "phrase",
    "spelling",
    "acronym",
    "topical",
    "stemming",
    "concept",
    "near-phrase",
    "theme",
];

/// Minimum sizes of the judged set.
const MIN_ENGLISH: usize = 100;
const MIN_OTHER_LANGUAGES: usize = 30;
const MIN_ANY_LANGUAGE: usize = 3;

/// The judgment files, relative to the repository, and the corpus each
/// judges.
const FILES: &[(&str, &str, Which)] = &[
    ("founding", "tests/search_relevance.toml", Which::Founding),
    ("extra", "tests/search_relevance_extra.toml", Which::Extra),
    ("lang", "tests/search_relevance_lang.toml", Which::Extra),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Founding,
    Extra,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Judgments {
    query: Vec<Judged>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Judged {
    category: String,
    q: String,
    /// The query's language (ISO 639-1), or `any` for a query whose
    /// passages are in several languages.
    #[serde(default = "english")]
    lang: String,
    /// Documents the query is restricted to (`--source`), as a researcher
    /// asks what one strategy says; empty for all.
    #[serde(default)]
    sources: Vec<String>,
    relevant: Vec<Relevant>,
}

fn english() -> String {
    "en".to_string()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Relevant {
    doc: String,
    contains: String,
    grade: u32,
}

/// One corpus, indexed, with its passages for resolving judgments.
struct Library {
    index: Index,
    /// Passage texts (whitespace squashed) by document: `(n, text)`.
    passages: BTreeMap<String, Vec<(u32, String)>>,
    /// Language of each document.
    languages: BTreeMap<String, String>,
    bm25: Bm25,
}

/// The same passages in a plain tantivy index: English stemming analyser,
/// the stock query parser, BM25.
struct Bm25 {
    index: tantivy::Index,
    reader: tantivy::IndexReader,
    text: Field,
    id: Field,
    doc: Field,
}

impl Bm25 {
    fn new(passages: &BTreeMap<String, Vec<(u32, String)>>) -> Bm25 {
        let mut schema = Schema::builder();
        let indexing = TextFieldIndexing::default()
            .set_tokenizer("en_stem")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let text = schema.add_text_field(
            "text",
            TextOptions::default().set_indexing_options(indexing),
        );
        let id = schema.add_text_field("id", STRING | STORED);
        let doc = schema.add_text_field("doc", STRING);
        let index = tantivy::Index::create_in_ram(schema.build());
        let mut writer = index
            .writer_with_num_threads::<TantivyDocument>(1, 50_000_000)
            .unwrap();
        for (d, list) in passages {
            for (n, t) in list {
                writer
                    .add_document(
                        doc!(text => t.as_str(), id => format!("{d}:{n}"), doc => d.as_str()),
                    )
                    .unwrap();
            }
        }
        writer.commit().unwrap();
        let reader = index.reader().unwrap();
        Bm25 {
            index,
            reader,
            text,
            id,
            doc,
        }
    }

    /// Passage ids of the first [`K`] hits for `q`.
    fn search(&self, q: &str, sources: &[String]) -> Vec<String> {
        let parser = QueryParser::for_index(&self.index, vec![self.text]);
        let (query, _) = parser.parse_query_lenient(q);
        let query: Box<dyn Query> = if sources.is_empty() {
            query
        } else {
            let any_source = sources
                .iter()
                .map(|s| {
                    let term = Term::from_field_text(self.doc, s);
                    let q: Box<dyn Query> =
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                    (Occur::Should, q)
                })
                .collect();
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, query),
                (Occur::Must, Box::new(BooleanQuery::new(any_source))),
            ]))
        };
        let searcher = self.reader.searcher();
        searcher
            .search(&query, &TopDocs::with_limit(K).order_by_score())
            .unwrap()
            .into_iter()
            .map(|(_, addr)| {
                let d: TantivyDocument = searcher.doc(addr).unwrap();
                d.get_first(self.id)
                    .and_then(|v| v.as_str())
                    .unwrap()
                    .to_string()
            })
            .collect()
    }
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Library {
    /// Indexes the corpus in `corpus_dir` into `index_dir`.
    fn open(corpus_dir: &Path, index_dir: &Path) -> Library {
        let corpus = Corpus::load(corpus_dir).unwrap();
        let mut passages = BTreeMap::new();
        let mut languages = BTreeMap::new();
        for doc in &corpus.documents {
            let text = corpus.read_text(doc, false).unwrap();
            let seg = normsearch::segment::segment(doc, &text.text);
            let list: Vec<(u32, String)> = seg
                .passages
                .iter()
                .map(|p| (p.n, squash(&p.text)))
                .collect();
            passages.insert(doc.id.clone(), list);
            languages.insert(doc.id.clone(), doc.language.clone());
        }
        let opts = BuildOptions {
            threads: 2,
            wait_for_lock: true,
            lossy: false,
        };
        build(corpus_dir, index_dir, &opts, &Silent).unwrap();
        let index = Index::open(index_dir).unwrap();
        let bm25 = Bm25::new(&passages);
        Library {
            index,
            passages,
            languages,
            bm25,
        }
    }

    /// `doc:n` of the one passage of `r.doc` whose text contains
    /// `r.contains`; or, when several contain it, of those whose whole text
    /// it is (a short passage, and any identical copies of it: a repeated
    /// heading or table row is judged alike wherever it stands).
    fn resolve(&self, r: &Relevant) -> Result<Vec<String>, String> {
        let needle = squash(&r.contains);
        let Some(list) = self.passages.get(&r.doc) else {
            return Err(format!("no document {}", r.doc));
        };
        let containing: Vec<&(u32, String)> = list
            .iter()
            .filter(|(_, text)| text.contains(&needle))
            .collect();
        let whole: Vec<&(u32, String)> = containing
            .iter()
            .copied()
            .filter(|(_, text)| *text == needle)
            .collect();
        let found = match (containing.as_slice(), whole.as_slice()) {
            ([], _) => return Err(format!("not found in {}: {:?}", r.doc, r.contains)),
            ([one], _) => vec![*one],
            (_, []) => {
                let ns: Vec<u32> = containing.iter().map(|(n, _)| *n).collect();
                return Err(format!(
                    "ambiguous in {} (passages {ns:?}): {:?}",
                    r.doc, r.contains
                ));
            }
            (_, copies) => copies.to_vec(),
        };
        Ok(found
            .into_iter()
            .map(|(n, _)| format!("{}:{n}", r.doc))
            .collect())
    }
}

/// A temporary corpus folder holding a copy of `../shared/corpus-extra`'s
/// texts and a manifest generated from its `index.tsv`.
pub(crate) fn extra_corpus(src: &Path, out: &Path) {
    let tsv = std::fs::read_to_string(src.join("index.tsv")).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; the relevance test needs ../shared/corpus-extra beside the repository",
            src.join("index.tsv").display()
        )
    });
    let mut manifest = String::new();
    for (i, line) in tsv.lines().enumerate().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        let &[file, country, date, language, ..] = fields.as_slice() else {
            panic!("index.tsv line {}: expected 5 tab-separated fields", i + 1);
        };
        std::fs::copy(src.join(file), out.join(file)).unwrap();
        let stem = file.trim_end_matches(".txt");
        let id = stem
            .find("-cybersecurity-strategy-")
            .map_or(stem, |at| &stem[..at]);
        // The source's YYYY-01-01 means "sometime that year".
        let date = date.strip_suffix("-01-01").unwrap_or(date);
        manifest.push_str(&format!(
            "[[document]]\nid = \"{id}\"\nfile = \"{file}\"\n\
             title = \"National Cybersecurity Strategy of {country}\"\n\
             issuer = \"Government of {country}\"\ndate = \"{date}\"\n\
             kind = \"national-strategy\"\nlanguage = \"{language}\"\n\n"
        ));
    }
    std::fs::write(out.join("corpus.toml"), manifest).unwrap();
}

fn dcg(gains: impl Iterator<Item = f64>) -> f64 {
    // A fold from 0.0: an empty `sum` of floats is -0.0.
    gains
        .take(K)
        .enumerate()
        .fold(0.0, |acc, (i, g)| acc + g / ((i + 2) as f64).log2())
}

fn gain(grade: u32) -> f64 {
    f64::from((1u32 << grade) - 1)
}

/// nDCG@10, P@5 and MRR (first relevant hit within the first ten) of one
/// ranking.
#[derive(Clone, Copy, Default)]
struct Scores {
    ndcg: f64,
    p5: f64,
    mrr: f64,
}

fn score(hits: &[String], grades: &BTreeMap<String, u32>) -> Scores {
    let grade = |id: &String| grades.get(id).copied().unwrap_or(0);
    let got = dcg(hits.iter().map(|h| gain(grade(h))));
    let mut ideal: Vec<u32> = grades.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let best = dcg(ideal.into_iter().map(gain));
    let relevant_in_5 = hits.iter().take(P).filter(|h| grade(h) > 0).count();
    let first = hits.iter().take(K).position(|h| grade(h) > 0);
    Scores {
        ndcg: if best > 0.0 { got / best } else { 0.0 },
        p5: relevant_in_5 as f64 / P as f64,
        mrr: first.map_or(0.0, |i| 1.0 / (i + 1) as f64),
    }
}

/// The groups a query's figures count in.
fn groups(file: &str, j: &Judged) -> Vec<String> {
    vec![
        "overall".to_string(),
        format!("file {file}"),
        format!("category {}", j.category),
        format!("lang {}", j.lang),
    ]
}

/// The ranking, BM25 alone, `--exact` and plain tantivy.
const SYSTEMS: [&str; 4] = ["ranking", "bm25", "exact", "tantivy"];

/// The ablation: each part of the ranking switched on after the ones
/// before it, from BM25 alone to the whole ranking.
const STEPS: [(&str, RankingFeatures); 6] = [
    ("bm25", RankingFeatures::BM25),
    (
        "+boosts",
        RankingFeatures {
            boosts: true,
            ..RankingFeatures::BM25
        },
    ),
    (
        "+concepts",
        RankingFeatures {
            boosts: true,
            concepts: true,
            ..RankingFeatures::BM25
        },
    ),
    (
        "+families",
        RankingFeatures {
            boosts: true,
            concepts: true,
            families: true,
            ..RankingFeatures::BM25
        },
    ),
    (
        "+near",
        RankingFeatures {
            theme_boost: false,
            ..RankingFeatures::ALL
        },
    ),
    ("+themes", RankingFeatures::ALL),
];

fn ids(results: normsearch::search::SearchResults) -> Vec<String> {
    results.hits.into_iter().map(|h| h.id).collect()
}

/// Checks a judgment file's queries before anything is searched.
fn check(file: &str, judgments: &Judgments, library: &Library) -> Vec<String> {
    let mut errors = Vec::new();
    let mut seen = BTreeSet::new();
    for j in &judgments.query {
        let at = format!("{file}: {:?}", j.q);
        if !CATEGORIES.contains(&j.category.as_str()) {
            errors.push(format!("{at}: unknown category {:?}", j.category));
        }
        if !seen.insert((j.q.clone(), j.sources.clone())) {
            errors.push(format!("{at}: judged twice"));
        }
        if j.relevant.is_empty() || j.relevant.iter().all(|r| r.grade != 2) {
            errors.push(format!("{at}: no passage of grade 2"));
        }
        let mut languages = BTreeSet::new();
        for r in &j.relevant {
            if !(1..=2).contains(&r.grade) {
                errors.push(format!("{at}: grade {} (1 or 2)", r.grade));
            }
            if let Err(e) = library.resolve(r) {
                errors.push(format!("{at}: {e}"));
                continue;
            }
            if !j.sources.is_empty() && !j.sources.contains(&r.doc) {
                errors.push(format!("{at}: {} is outside the query's sources", r.doc));
            }
            let lang = &library.languages[&r.doc];
            if j.lang != "any" && *lang != j.lang {
                errors.push(format!("{at}: {} is in {lang}", r.doc));
            }
            languages.insert(lang.clone());
        }
        if j.lang == "any" && languages.len() < 2 {
            errors.push(format!(
                "{at}: lang = \"any\" with passages in one language"
            ));
        }
        for s in &j.sources {
            if !library.passages.contains_key(s) {
                errors.push(format!("{at}: unknown source {s}"));
            }
        }
    }
    errors
}

#[test]
fn judged_ranking_holds_its_floors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sets: Vec<(&str, Which, Judgments)> = FILES
        .iter()
        .map(|(name, path, which)| {
            let text = std::fs::read_to_string(root.join(path)).unwrap();
            let judgments: Judgments =
                toml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
            (*name, *which, judgments)
        })
        .collect();

    // The set's size and mix.
    let all = || {
        sets.iter()
            .flat_map(|(f, w, j)| j.query.iter().map(move |q| (*f, *w, q)))
    };
    let english = all().filter(|(_, _, q)| q.lang == "en").count();
    let english_extra = all()
        .filter(|(_, w, q)| q.lang == "en" && *w == Which::Extra)
        .count();
    let other = all()
        .filter(|(_, _, q)| q.lang != "en" && q.lang != "any")
        .count();
    let any = all().filter(|(_, _, q)| q.lang == "any").count();
    println!(
        "{english} English queries ({english_extra} over corpus-extra), \
         {other} in other languages, {any} across languages"
    );
    assert!(english >= MIN_ENGLISH, "{english} English queries");
    assert!(
        english_extra * 3 >= english,
        "{english_extra} of {english} English queries over corpus-extra"
    );
    assert!(other >= MIN_OTHER_LANGUAGES, "{other} non-English queries");
    assert!(any >= MIN_ANY_LANGUAGE, "{any} cross-language queries");

    let dir = tempfile::tempdir().unwrap();
    let extra_dir: PathBuf = dir.path().join("extra");
    std::fs::create_dir(&extra_dir).unwrap();
    extra_corpus(&root.join("../shared/corpus-extra"), &extra_dir);
    let (founding, extra) = std::thread::scope(|s| {
        let founding = s.spawn(|| Library::open(&root.join("corpus"), &dir.path().join("i1")));
        let extra = Library::open(&extra_dir, &dir.path().join("i2"));
        (founding.join().unwrap(), extra)
    });
    let library = |w: Which| match w {
        Which::Founding => &founding,
        Which::Extra => &extra,
    };

    let errors: Vec<String> = sets
        .iter()
        .flat_map(|(f, w, j)| check(f, j, library(*w)))
        .collect();
    assert!(errors.is_empty(), "bad judgments:\n{}", errors.join("\n"));

    // group → system → per-query scores
    let mut table: BTreeMap<String, [Vec<Scores>; 4]> = BTreeMap::new();
    // group → step → per-query nDCG@10
    let mut ablation: BTreeMap<String, [Vec<f64>; 6]> = BTreeMap::new();
    println!(
        "\nnDCG  P@5  MRR   (bm25; exact; tantivy)  marks: grade of each of the first ten hits"
    );
    for (file, which, j) in all() {
        let lib = library(which);
        let mut grades: BTreeMap<String, u32> = BTreeMap::new();
        for r in &j.relevant {
            for id in lib.resolve(r).unwrap() {
                let g = grades.entry(id).or_insert(0);
                *g = (*g).max(r.grade);
            }
        }
        let mut request = SearchRequest::new(j.q.clone());
        request.sources = j.sources.clone();
        let ranked = ids(search(&lib.index, &request).unwrap_or_else(|e| panic!("{}: {e}", j.q)));
        let steps: Vec<Vec<String>> = STEPS
            .iter()
            .map(|(_, features)| {
                ids(search_with(&lib.index, &request, *features)
                    .unwrap_or_else(|e| panic!("{}: {e}", j.q)))
            })
            .collect();
        request.exact = true;
        let exact = ids(search(&lib.index, &request).unwrap_or_else(|e| panic!("{}: {e}", j.q)));
        let tantivy = lib.bm25.search(&j.q, &j.sources);
        let scores = [
            score(&ranked, &grades),
            score(&steps[0], &grades),
            score(&exact, &grades),
            score(&tantivy, &grades),
        ];
        let marks: String = ranked
            .iter()
            .map(|h| match grades.get(h) {
                Some(2) => '2',
                Some(1) => '1',
                _ => '.',
            })
            .collect();
        println!(
            "{:.3} {:.1} {:.2}  ({:.3}; {:.3}; {:.3})  {marks:<10} {:<11} {:<3} {}{}",
            scores[0].ndcg,
            scores[0].p5,
            scores[0].mrr,
            scores[1].ndcg,
            scores[2].ndcg,
            scores[3].ndcg,
            j.category,
            j.lang,
            j.q,
            if j.sources.is_empty() {
                String::new()
            } else {
                format!("  [{}]", j.sources.join(", "))
            }
        );
        for g in groups(file, j) {
            let row = table.entry(g.clone()).or_default();
            for (s, sc) in row.iter_mut().zip(scores) {
                s.push(sc);
            }
            let row = ablation.entry(g).or_default();
            for (s, hits) in row.iter_mut().zip(&steps) {
                s.push(score(hits, &grades).ndcg);
            }
        }
    }

    let mean = |v: &[Scores], f: fn(&Scores) -> f64| v.iter().map(f).sum::<f64>() / v.len() as f64;
    println!(
        "\n{:<22} {:>4}  {:^19}  {:^19}  {:^19}  {:^19}",
        "group", "n", SYSTEMS[0], SYSTEMS[1], SYSTEMS[2], SYSTEMS[3]
    );
    println!(
        "{:<22} {:>4}  {}",
        "",
        "",
        ["nDCG@10  P@5   MRR"; 4].join("  ")
    );
    let mut failures = Vec::new();
    for (group, systems) in &table {
        let cells: Vec<String> = systems
            .iter()
            .map(|v| {
                format!(
                    "{:.3}  {:.3} {:.3}",
                    mean(v, |s| s.ndcg),
                    mean(v, |s| s.p5),
                    mean(v, |s| s.mrr)
                )
            })
            .collect();
        println!("{group:<22} {:>4}  {}", systems[0].len(), cells.join("  "));
        let ndcg = mean(&systems[0], |s| s.ndcg);
        match FLOORS.iter().find(|(g, _)| g == group) {
            Some((_, floor)) if ndcg < *floor => {
                failures.push(format!("{group}: nDCG@10 {ndcg:.3} < floor {floor}"));
            }
            Some(_) => {}
            None => failures.push(format!("{group}: no floor in FLOORS")),
        }
    }
    println!("\nablation: nDCG@10 as each part of the ranking is switched on");
    let names: Vec<String> = STEPS.iter().map(|(n, _)| format!("{n:>9}")).collect();
    println!("{:<22} {:>4}  {}", "group", "n", names.join(" "));
    for (group, steps) in &ablation {
        let cells: Vec<String> = steps
            .iter()
            .map(|v| format!("{:>9.3}", v.iter().sum::<f64>() / v.len() as f64))
            .collect();
        println!("{group:<22} {:>4}  {}", steps[0].len(), cells.join(" "));
    }
    assert!(
        failures.is_empty(),
        "ranking below its floors: {failures:?}"
    );
}
