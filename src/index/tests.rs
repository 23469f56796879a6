//! The index's tests: build, open, rebuild, generations, locks, damage,
//! freshness.
use super::build::{create_index, lock, merge_groups, merge_segments, writer};
use super::freshness::{read_stamps, write_stamps};
use super::schema::date_order;
use super::*;
use crate::corpus::Document;
use std::sync::Mutex;
use std::time::Duration;
use tantivy::TantivyDocument;

/// A copy of the founding corpus in a temporary folder.
fn corpus_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for entry in fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

#[derive(Default)]
struct Recorder {
    docs: Mutex<Vec<String>>,
    started: Mutex<Option<(usize, u64)>>,
}

impl Progress for Recorder {
    fn start(&self, documents: usize, bytes: u64) {
        *self.started.lock().unwrap() = Some((documents, bytes));
    }
    fn document_done(&self, id: &str, _bytes: u64, _passages: usize) {
        self.docs.lock().unwrap().push(id.to_string());
    }
}

fn opts() -> BuildOptions {
    BuildOptions {
        threads: 2,
        wait_for_lock: false,
        lossy: false,
    }
}

#[test]
fn build_open_and_rebuild() {
    let corpus = corpus_copy();
    let index_dir = corpus.path().join("index");
    assert!(!exists(&index_dir));
    let rec = Recorder::default();
    let summary = build(corpus.path(), &index_dir, &opts(), &rec).unwrap();
    assert_eq!(summary.documents, 4);
    assert!(summary.passages > 100, "{summary:?}");
    assert_eq!(rec.docs.lock().unwrap().len(), 4);
    let (docs, bytes) = rec.started.lock().unwrap().unwrap();
    assert_eq!(docs, 4);
    assert_eq!(bytes, summary.bytes);
    assert!(exists(&index_dir));

    let index = Index::open(&index_dir).unwrap();
    assert_eq!(index.freshness(corpus.path()), Freshness::Fresh);
    let searcher = index.searcher();
    assert_eq!(searcher.num_docs() as usize, summary.passages);
    assert_eq!(searcher.segment_readers().len(), 1);
    assert_eq!(index.meta().documents, 4);
    let documents = index.documents().unwrap();
    assert_eq!(documents.len(), 4);
    assert_eq!(
        index
            .passages_per_document()
            .unwrap()
            .values()
            .sum::<usize>(),
        summary.passages
    );

    // Touching a text without changing it does not.
    let doc = corpus.path().join("sweden-2014-unga-68-243-submission.txt");
    let bytes = fs::read(&doc).unwrap();
    std::thread::sleep(Duration::from_millis(10));
    fs::write(&doc, &bytes).unwrap();
    assert_eq!(index.freshness(corpus.path()), Freshness::Fresh);
    // A lexicon added to the corpus folder makes it stale, even one
    // equal to the built-in (the fingerprint then matches again).
    fs::write(
        corpus.path().join("lexicon.toml"),
        "[spelling]\ncolour = \"color\"\n",
    )
    .unwrap();
    assert!(matches!(
        index.freshness(corpus.path()),
        Freshness::Stale(_)
    ));
    fs::remove_file(corpus.path().join("lexicon.toml")).unwrap();
    assert_eq!(index.freshness(corpus.path()), Freshness::Fresh);

    // A file that is not an input, added beside the texts, changes the
    // folder's stamp: the full check then finds every input unchanged.
    assert_eq!(
        index.freshness_quoting(corpus.path(), &[], 0),
        Freshness::Fresh
    );
    std::thread::sleep(Duration::from_millis(10));
    fs::write(corpus.path().join(".notes.swp"), "draft").unwrap();
    assert_eq!(
        index.freshness_quoting(corpus.path(), &["norway-2017"], 0),
        Freshness::Fresh
    );

    // Editing a text makes the index stale.
    let doc = corpus
        .path()
        .join("norway-2017-international-cyber-strategy.txt");
    let mut text = fs::read_to_string(&doc).unwrap();
    text.push_str("\nA new closing paragraph.\n");
    fs::write(&doc, text).unwrap();
    assert!(matches!(
        index.freshness(corpus.path()),
        Freshness::Stale(_)
    ));
    // An answer quoting it says so; with the folder's stamp taken again
    // (a rebuild below), one quoting only the other texts does not look
    // at it.
    assert!(matches!(
        index.freshness_quoting(corpus.path(), &["sweden-2014", "norway-2017"], 0),
        Freshness::Stale(_)
    ));
    assert!(matches!(
        index.freshness_quoting(corpus.path(), &["no-such-document"], 0),
        Freshness::Stale(_)
    ));

    // A rebuild switches generations and keeps one previous.
    let second = build(corpus.path(), &index_dir, &opts(), &Silent).unwrap();
    assert!(second.generation.ends_with("gen-2"));
    let third = build(corpus.path(), &index_dir, &opts(), &Silent).unwrap();
    assert!(third.generation.ends_with("gen-3"));
    // gen-1 is two builds old, but `index` still reads it: kept.
    assert!(index_dir.join("gen-1").exists());
    assert!(index_dir.join("gen-2").exists());
    let reopened = Index::open(&index_dir).unwrap();
    assert!(reopened.generation().ends_with("gen-3"));
    assert_eq!(reopened.freshness(corpus.path()), Freshness::Fresh);
    assert_eq!(
        reopened.freshness_quoting(corpus.path(), &["norway-2017"], 0),
        Freshness::Fresh
    );
    // Edited in place, a text not quoted is seen by the full check only
    // (which a corpus this small always gets).
    let usa = corpus
        .path()
        .join("usa-2011-international-strategy-for-cyberspace.txt");
    let mut text = fs::read_to_string(&usa).unwrap();
    text.push_str("\nA note added in place.\n");
    fs::write(&usa, &text).unwrap();
    assert_eq!(
        reopened.freshness_quoting(corpus.path(), &["norway-2017"], 0),
        Freshness::Fresh
    );
    assert!(matches!(
        reopened.freshness_quoting(corpus.path(), &["usa-2011"], 0),
        Freshness::Stale(_)
    ));
    assert!(matches!(
        reopened.freshness(corpus.path()),
        Freshness::Stale(_)
    ));
    assert!(matches!(
        reopened.freshness_of(corpus.path(), &["norway-2017"]),
        Freshness::Stale(_)
    ));
    // A text removed from the folder changes its stamp.
    fs::remove_file(&usa).unwrap();
    assert!(matches!(
        reopened.freshness_quoting(corpus.path(), &[], 0),
        Freshness::Stale(_)
    ));
    fs::write(&usa, &text).unwrap();
    // The old reader still answers from its generation.
    assert_eq!(index.searcher().num_docs() as usize, summary.passages);
    // Once it is let go, the next build removes it.
    drop(index);
    build(corpus.path(), &index_dir, &opts(), &Silent).unwrap();
    assert!(!index_dir.join("gen-1").exists());
    assert!(!index_dir.join("gen-2").exists());
    assert!(index_dir.join("gen-3").exists());
}

#[test]
fn interrupted_build_leaves_previous_generation_serving() {
    let corpus = corpus_copy();
    let index_dir = corpus.path().join("index");
    build(corpus.path(), &index_dir, &opts(), &Silent).unwrap();
    // What a build killed half-way leaves: a generation with no meta,
    // a temporary pointer.
    fs::create_dir(index_dir.join("gen-2")).unwrap();
    fs::write(index_dir.join("gen-2").join("junk"), b"x").unwrap();
    fs::write(index_dir.join("CURRENT.tmp"), b"gen-2\n").unwrap();
    let index = Index::open(&index_dir).unwrap();
    assert!(index.generation().ends_with("gen-1"));
    // The next build skips the dead generation's name and removes it.
    let s = build(corpus.path(), &index_dir, &opts(), &Silent).unwrap();
    assert!(s.generation.ends_with("gen-3"));
    assert!(!index_dir.join("gen-2").exists());
    assert!(index_dir.join("gen-1").exists());
}

#[test]
fn a_second_build_is_refused_while_one_holds_the_lock() {
    let corpus = corpus_copy();
    let index_dir = corpus.path().join("index");
    fs::create_dir_all(&index_dir).unwrap();
    let held = lock(&index_dir, false, &Silent).unwrap();
    let e = build(corpus.path(), &index_dir, &opts(), &Silent).unwrap_err();
    assert!(matches!(e, Error::User(UserError::IndexBusy { .. })), "{e}");
    drop(held);
    build(corpus.path(), &index_dir, &opts(), &Silent).unwrap();
}

#[test]
fn broken_indexes_ask_for_a_rebuild() {
    // Each is an index problem, which a front end cures by a rebuild
    // (the command line says to run `normsearch index`).
    fn problem(index_dir: &Path) -> (IndexProblem, String) {
        match Index::open(index_dir).unwrap_err() {
            Error::User(e @ UserError::Index { .. }) => {
                let shown = e.to_string();
                let UserError::Index { problem, .. } = e else {
                    unreachable!()
                };
                (problem, shown)
            }
            other => panic!("not an index problem: {other}"),
        }
    }
    let corpus = corpus_copy();
    let index_dir = corpus.path().join("index");
    let (missing, shown) = problem(&index_dir);
    assert_eq!(missing, IndexProblem::Missing, "{shown}");
    assert!(shown.ends_with("no index here"), "{shown}");

    build(corpus.path(), &index_dir, &opts(), &Silent).unwrap();
    let meta = index_dir.join("gen-1").join(META_FILE);
    let good = fs::read_to_string(&meta).unwrap();

    fs::write(
        &meta,
        good.replace(
            &format!("\"schema_version\": {SCHEMA_VERSION}"),
            "\"schema_version\": 99",
        ),
    )
    .unwrap();
    let (p, e) = problem(&index_dir);
    assert!(matches!(p, IndexProblem::Incompatible { found: 99, .. }));
    assert!(e.contains("format 99"), "{e}");

    fs::write(&meta, "{ not json").unwrap();
    let (_, e) = problem(&index_dir);
    assert!(e.contains("corrupted"), "{e}");

    fs::write(&meta, good).unwrap();
    fs::remove_file(index_dir.join("gen-1").join("meta.json")).unwrap();
    let (_, e) = problem(&index_dir);
    assert!(e.contains("unreadable"), "{e}");

    fs::write(index_dir.join(CURRENT_FILE), "gen-9\n").unwrap();
    let (p, e) = problem(&index_dir);
    assert!(matches!(p, IndexProblem::Damaged(_)), "{e}");
}

#[test]
fn the_build_writer_never_merges_in_the_background() {
    // A background merge holding segments made the build's final
    // merge fail ("segments ... could not be found") on large corpora.
    let dir = tempfile::tempdir().unwrap();
    let index = create_index(dir.path()).unwrap();
    Lexicon::builtin().register(&index);
    let mut w = writer(&index, 2).unwrap();
    assert!(
        format!("{:?}", w.get_merge_policy()).contains("NoMergePolicy"),
        "{:?}",
        w.get_merge_policy()
    );
    // Ten commits make ten segments, which the default policy would
    // start merging; here they stay until `merge_segments`.
    let f = schema().1;
    for i in 0..10 {
        let mut d = TantivyDocument::default();
        d.add_text(f.text, format!("passage {i}"));
        w.add_document(d).unwrap();
        w.commit().unwrap();
    }
    assert_eq!(index.searchable_segment_ids().unwrap().len(), 10);
    merge_segments(&index, &mut w, dir.path()).unwrap();
    w.wait_merging_threads().unwrap();
    let reader = index.reader().unwrap();
    assert_eq!(reader.searcher().segment_readers().len(), 1);
    assert_eq!(reader.searcher().num_docs(), 10);
}

#[test]
fn input_stamps_round_trip_through_their_table() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a \"quoted\"\tname.txt");
    fs::write(&file, "text").unwrap();
    let stamps = vec![
        Stamp::of(file.clone()),
        Stamp::of(dir.path().join("absent.toml")),
    ];
    assert_eq!(stamps[0].len, Some(4));
    assert_eq!(stamps[1].len, None);
    let table = dir.path().join(INPUTS_FILE);
    write_stamps(&table, &stamps).unwrap();
    assert_eq!(read_stamps(&table).unwrap(), stamps);
    assert!(stamps.iter().all(Stamp::holds));
    fs::write(&file, "longer text").unwrap();
    assert!(!stamps[0].holds());
    fs::write(&table, "len\tmodified_ns\tpath\nnot a number\t1\t/x\n").unwrap();
    assert!(read_stamps(&table).is_err());
    // A table with no quoted path is read line by line, to the same stamps.
    let plain = vec![
        Stamp::of(dir.path().join(INPUTS_FILE)),
        Stamp::of(dir.path().join("absent.toml")),
    ];
    write_stamps(&table, &plain).unwrap();
    assert!(!fs::read_to_string(&table).unwrap().contains('"'));
    assert_eq!(read_stamps(&table).unwrap(), plain);
    fs::write(&table, "len\tmodified_ns\tpath\n4\t\n").unwrap();
    assert!(read_stamps(&table).is_err());
}

#[test]
fn a_damaged_stamp_table_falls_back_to_the_fingerprint() {
    let corpus = corpus_copy();
    let index_dir = corpus.path().join("index");
    build(corpus.path(), &index_dir, &opts(), &Silent).unwrap();
    let index = Index::open(&index_dir).unwrap();
    fs::write(index.generation().join(FOLDERS_FILE), "garbage").unwrap();
    assert_eq!(
        index.freshness_quoting(corpus.path(), &["usa-2011"], 0),
        Freshness::Fresh
    );
    fs::write(index.generation().join(INPUTS_FILE), "garbage").unwrap();
    assert_eq!(index.freshness(corpus.path()), Freshness::Fresh);
    assert_eq!(
        index.freshness_quoting(corpus.path(), &["usa-2011"], 0),
        Freshness::Fresh
    );
    fs::write(index.generation().join(DOCUMENTS_FILE), "[").unwrap();
    let err = index.documents().unwrap_err().to_string();
    assert!(err.contains("documents.json is corrupted"), "{err}");
}

#[test]
fn document_ids_come_from_their_own_list_or_from_the_documents() {
    let corpus = corpus_copy();
    let index_dir = corpus.path().join("index");
    build(corpus.path(), &index_dir, &opts(), &Silent).unwrap();
    let expected: Vec<String> = {
        let index = Index::open(&index_dir).unwrap();
        let documents = index.documents().unwrap();
        documents.iter().map(|d| d.id.clone()).collect()
    };
    let ids = |index: &Index| -> Vec<String> {
        let listed = index.document_ids().unwrap();
        listed.iter().map(|s| s.to_string()).collect()
    };
    let index = Index::open(&index_dir).unwrap();
    assert_eq!(ids(&index), expected);
    // The list is read without the documents' records.
    assert!(index.documents.get().is_none());
    // A list that does not hold every document, or none at all, is not
    // trusted: the records answer.
    let list = index.generation().join(DOCUMENT_IDS_FILE);
    fs::write(&list, "only-one\n").unwrap();
    assert_eq!(ids(&Index::open(&index_dir).unwrap()), expected);
    fs::remove_file(&list).unwrap();
    assert_eq!(ids(&Index::open(&index_dir).unwrap()), expected);
}

#[test]
fn merges_are_packed_up_to_the_size_limit() {
    let groups = merge_groups(vec![("a", 50), ("b", 10), ("c", 40), ("d", 90)], 100);
    assert_eq!(groups, vec![vec!["b", "c", "a"], vec!["d"]]);
    let groups = merge_groups(vec![("big", 300), ("x", 1)], 100);
    assert_eq!(groups, vec![vec!["x"], vec!["big"]]);
    assert!(merge_groups(Vec::<(u8, u64)>::new(), 100).is_empty());
}

#[test]
fn date_order_sorts_newest_first_then_reading_order() {
    let mut a: Document = toml_doc("2017-08-31");
    let b: Document = toml_doc("2011-05");
    assert!(date_order(&a, 1) > date_order(&b, 1));
    assert!(date_order(&a, 1) > date_order(&a, 2));
    a.date.day = None;
    assert!(date_order(&a, 500) > date_order(&b, 1));
}

fn toml_doc(date: &str) -> Document {
    Document {
        id: "x".into(),
        file: "x.txt".into(),
        title: "T".into(),
        issuer: "I".into(),
        authors: vec![],
        date: date.parse().unwrap(),
        kind: "k".into(),
        country: None,
        organization: None,
        language: "en".into(),
        url: None,
        container: None,
        issuers: Vec::new(),
        issuer_type: None,
        number: None,
        translation: None,
        original_language: None,
        venue: None,
    }
}
