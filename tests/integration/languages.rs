//! Per-language analysis end to end: the non-English strategies of
//! `../shared/corpus-extra` (read where they stand, through a generated
//! manifest) and short Chinese and Arabic texts written for these tests
//! (`tests/fixtures/languages/`), indexed once each and searched through the
//! library and the binary: stemmed queries in French, Spanish and Russian,
//! concepts found across languages, the `--lang` filter, every hit marked
//! with its language.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use normsearch::index::{build, BuildOptions, Index, Silent};
use normsearch::search::{search, SearchRequest, SearchResults};

use crate::search_relevance::extra_corpus;
use crate::util::{output, process, repo};

/// An index built once for this test binary, and the folder holding it.
struct Built {
    _dir: tempfile::TempDir,
    corpus: PathBuf,
    index_dir: PathBuf,
    index: Index,
}

fn build_once(corpus: impl FnOnce(&Path) -> PathBuf) -> Built {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(dir.path());
    let index_dir = dir.path().join("index");
    let opts = BuildOptions {
        threads: 2,
        wait_for_lock: true,
        lossy: false,
    };
    build(&corpus, &index_dir, &opts, &Silent).unwrap();
    let index = Index::open(&index_dir).unwrap();
    Built {
        _dir: dir,
        corpus,
        index_dir,
        index,
    }
}

/// `../shared/corpus-extra`, indexed.
fn extra() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        build_once(|dir| {
            let corpus = dir.join("extra");
            std::fs::create_dir(&corpus).unwrap();
            extra_corpus(&repo().join("../shared/corpus-extra"), &corpus);
            corpus
        })
    })
}

/// The Chinese, Arabic and English fixtures, indexed.
fn fixtures() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| build_once(|_| repo().join("tests/fixtures/languages")))
}

fn run(index: &Index, query: &str, lang: Option<&str>, limit: usize) -> SearchResults {
    let mut r = SearchRequest::new(query);
    r.limit = limit;
    r.lang = lang.map(str::to_string);
    search(index, &r.validate().unwrap()).unwrap()
}

/// The hits' passage texts, folded to lower case.
fn texts(results: &SearchResults) -> Vec<String> {
    results.hits.iter().map(|h| h.text.to_lowercase()).collect()
}

/// Asserts that the first `k` hits of `query` in `lang` include one whose
/// text holds `wanted` (lower case) though the query's words differ.
fn finds(query: &str, lang: &str, wanted: &str, k: usize) {
    let results = run(&extra().index, query, Some(lang), k);
    assert!(
        results.hits.iter().all(|h| h.language == lang),
        "{query:?} --lang {lang}: a hit in another language"
    );
    assert!(
        texts(&results).iter().any(|t| t.contains(wanted)),
        "{query:?} --lang {lang}: no hit holding {wanted:?} in the first {k}: {:#?}",
        texts(&results)
    );
}

#[test]
fn french_queries_find_other_forms_of_their_words() {
    // Plural query, singular text; and an unaccented query.
    finds(
        "infrastructures critiques",
        "fr",
        "infrastructure critique",
        10,
    );
    finds("securite des systemes", "fr", "sécurité des systèmes", 10);
    finds("cybercriminalité", "fr", "cybercriminalité", 10);
}

#[test]
fn spanish_queries_find_other_forms_of_their_words() {
    finds(
        "infraestructura crítica",
        "es",
        "infraestructuras críticas",
        10,
    );
    finds("estrategias nacionales", "es", "estrategia nacional", 10);
}

#[test]
fn russian_queries_find_other_cases_of_their_words() {
    finds(
        "информационная безопасность",
        "ru",
        "информационной безопасности",
        10,
    );
    // ё is е.
    finds(
        "объекты критической инфраструктуры",
        "ru",
        "критической",
        10,
    );
}

#[test]
fn a_language_never_meets_another_languages_stems() {
    // `sécurité` read as French and `security` read as English share no
    // term: an English query asked in French finds only French words.
    let results = run(&extra().index, "national security", Some("fr"), 10);
    assert!(results.hits.iter().all(|h| h.language == "fr"));
    // English results stay English when asked for.
    let results = run(&extra().index, "critical infrastructure", Some("en"), 20);
    assert!(!results.hits.is_empty());
    assert!(results.hits.iter().all(|h| h.language == "en"));
}

#[test]
fn an_english_concept_query_finds_passages_in_several_languages() {
    for query in ["critical infrastructure", "cybercrime", "cyberattacks"] {
        // Ranked below the English passages that hold the words typed, the
        // others are among the matches all the same.
        let results = run(&extra().index, query, None, 1000);
        let languages: BTreeSet<&str> = results.hits.iter().map(|h| h.language.as_str()).collect();
        assert!(
            languages.len() >= 3,
            "{query:?} --lang any: passages in {languages:?} only"
        );
        // Asked in one language, the English name still finds the
        // concept's name in that language.
        for language in ["fr", "es", "ru"] {
            let results = run(&extra().index, query, Some(language), 10);
            assert!(
                results.hits.len() >= 3 && results.hits.iter().all(|h| h.language == language),
                "{query:?} --lang {language}: {:#?}",
                texts(&results)
            );
        }
    }
}

#[test]
fn a_french_query_finds_english_passages_below_french_ones() {
    // French first: the query's own language.
    let results = run(&extra().index, "infrastructures critiques", None, 1000);
    assert_eq!(results.hits[0].language, "fr");
    let english = results
        .hits
        .iter()
        .filter(|h| h.language == "en")
        .any(|h| h.text.to_lowercase().contains("critical infrastructure"));
    assert!(english, "no English passage on critical infrastructure");
    let languages: BTreeSet<&str> = results.hits.iter().map(|h| h.language.as_str()).collect();
    assert!(
        languages.contains("fr") && languages.contains("en"),
        "{languages:?}"
    );
}

#[test]
fn chinese_is_cut_into_words_and_searched() {
    let index = &fixtures().index;
    // 网络安全 (cybersecurity) stands in two passages, as part of longer runs
    // of characters.
    let results = run(index, "网络安全", Some("zh"), 10);
    assert_eq!(results.hits.len(), 2, "{:#?}", texts(&results));
    assert!(results
        .hits
        .iter()
        .all(|h| h.language == "zh" && !h.highlights.is_empty()));
    // A run of characters across words (安全|是|国家) is found as written.
    let mut r = SearchRequest::new("\"全是国家\"");
    r.exact = true;
    let results = search(index, &r.validate().unwrap()).unwrap();
    assert_eq!(results.hits.len(), 1);
}

#[test]
fn arabic_is_stemmed_and_concepts_reach_chinese_and_arabic() {
    let index = &fixtures().index;
    let results = run(index, "تدابير بناء الثقة", Some("ar"), 10);
    assert!(!results.hits.is_empty());
    assert!(results.hits.iter().all(|h| h.language == "ar"));
    // The English name of the concept finds its UN names in the other two.
    let results = run(index, "confidence-building measures", None, 10);
    let languages: BTreeSet<&str> = results.hits.iter().map(|h| h.language.as_str()).collect();
    assert_eq!(
        languages,
        BTreeSet::from(["ar", "en", "zh"]),
        "{:#?}",
        texts(&results)
    );
    assert_eq!(results.hits[0].language, "en");
}

/// The binary on the fixtures' index with `args` after `search`.
fn cli(args: &[&str]) -> crate::util::Run {
    let built = fixtures();
    let mut cmd = assert_cmd::Command::from_std(process(&built.index_dir, &built.corpus));
    cmd.arg("search").args(args);
    output(&mut cmd)
}

#[test]
fn the_command_line_filters_by_language_and_marks_each_hit() {
    let run = cli(&["--lang", "zh", "--json", "confidence-building measures"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let hits = json["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h["language"] == "zh"));

    let run = cli(&["--lang", "xx", "security"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("lang"), "{}", run.stderr);
    let run = cli(&["--lang", "de", "security"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("en, ar, zh") || run.stderr.contains("en"),
        "{}",
        run.stderr
    );

    let run = cli(&["--explain", "confidence-building measures"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("[zh]") && run.stdout.contains("[ar]"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_text_in_another_script_than_its_language_is_warned_of() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let russian =
        "Информационная безопасность является частью национальной безопасности. ".repeat(8);
    std::fs::write(corpus.join("note.txt"), &russian).unwrap();
    std::fs::write(
        corpus.join("corpus.toml"),
        "[[document]]\nid = \"note\"\nfile = \"note.txt\"\ntitle = \"Note\"\n\
         issuer = \"Test\"\ndate = \"2024\"\nkind = \"national-strategy\"\nlanguage = \"fr\"\n",
    )
    .unwrap();
    let mut cmd = assert_cmd::Command::from_std(process(&dir.path().join("index"), &corpus));
    let run = output(cmd.arg("check"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("note") && run.stderr.contains("Cyrillic"),
        "{}",
        run.stderr
    );
}
