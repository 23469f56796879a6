//! The catalogue of bad input: every way a librarian or a researcher can
//! get the manifest, a text, the taxonomy, the lexicon, a query or the index
//! folder wrong. The real binary, on copies of the founding corpus; each case
//! must end in exit code 2 and one line on stderr that names the file, line
//! or field at fault and says what to do, never in a panic.

use crate::util::{copy_corpus, workspace};
use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The binary, run in `dir` on `dir/corpus` and `dir/index`.
fn normsearch(dir: &Path) -> Command {
    let mut cmd = crate::util::normsearch(dir, &dir.join("corpus"));
    cmd.env("NO_COLOR", "1");
    cmd
}

/// One workspace with a built index, for the cases that only read it. In
/// cargo's own scratch folder, made anew by each run: a static is never
/// dropped, so a temporary folder here would outlive the run.
fn shared() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bad_input-shared");
        let _ = std::fs::remove_dir_all(&dir);
        copy_corpus(&dir.join("corpus"));
        normsearch(&dir).arg("index").assert().success();
        dir
    })
}

const NORWAY: &str = "norway-2017-international-cyber-strategy.txt";
const MANIFEST: &str = "corpus/corpus.toml";

/// Runs `args` in `dir` and checks the outcome every bad input must have:
/// exit code 2, nothing on stdout, one line on stderr (`normsearch: error:
/// …`) holding every needle, and no panic. Returns the line.
fn refused(case: &str, dir: &Path, args: &[&str], needles: &[&str]) -> String {
    let out = normsearch(dir).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{case}: {stderr}");
    assert!(stdout.is_empty(), "{case}: stdout {stdout}");
    assert!(!stderr.contains("panicked"), "{case}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{case}: {stderr}");
    assert!(
        stderr.starts_with("normsearch: error: "),
        "{case}: {stderr}"
    );
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "{case}: {needle:?} not in {stderr}"
        );
    }
    stderr
}

/// 1-based line where `needle` (which may span lines) first starts in
/// `file`.
fn line_of(file: &Path, needle: &str) -> usize {
    let text = std::fs::read_to_string(file).unwrap();
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {}", file.display()));
    text[..at].matches('\n').count() + 1
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(text)).unwrap();
}

/// Replaces the first `from` in the manifest with `to`.
fn edit_manifest(dir: &Path, from: &str, to: &str) {
    edit(&dir.join(MANIFEST), |t| {
        assert!(t.contains(from), "{from:?} not in the manifest");
        t.replacen(from, to, 1)
    });
}

/// A bad input made by `setup` in a fresh workspace, refused by `args`.
struct Case {
    name: &'static str,
    setup: fn(&Path),
    args: &'static [&'static str],
    /// What the message must name; `{manifest}:` followed by the line of
    /// `at` in the manifest is added when `at` is given.
    needles: &'static [&'static str],
    at: Option<&'static str>,
}

/// The cases refused before an index is built: nothing must be written.
const CORPUS_CASES: &[Case] = &[
    Case {
        name: "TOML syntax error",
        setup: |d| edit_manifest(d, "id = \"norway-2017\"", "id = \"norway-2017\" x"),
        args: &["index"],
        needles: &["fix the TOML syntax"],
        at: Some("id = \"norway-2017\""),
    },
    Case {
        name: "unknown key",
        setup: |d| {
            edit_manifest(
                d,
                "id = \"norway-2017\"",
                "id = \"norway-2017\"\ncolour = \"red\"",
            )
        },
        args: &["index"],
        needles: &[
            "document \"norway-2017\"",
            "field `colour`",
            "correct its spelling or remove it",
        ],
        at: Some("colour = "),
    },
    Case {
        name: "missing field",
        setup: |d| {
            edit_manifest(
                d,
                "file = \"norway-2017-international-cyber-strategy.txt\"\n",
                "",
            )
        },
        args: &["index"],
        needles: &[
            "document \"norway-2017\"",
            "missing field `file`",
            "add it to this [[document]] entry",
        ],
        at: Some("[[document]]\nid = \"norway-2017\""),
    },
    Case {
        name: "duplicate id",
        setup: |d| edit_manifest(d, "id = \"sweden-2014\"", "id = \"norway-2017\" # copied"),
        args: &["index"],
        needles: &[
            "field `id`",
            "\"norway-2017\" is already the id of the document at line",
            "give each document its own id",
        ],
        at: Some("# copied"),
    },
    Case {
        name: "impossible date",
        setup: |d| edit_manifest(d, "date = \"2017-08-31\"", "date = \"2017-02-30\""),
        args: &["index"],
        needles: &["field `date`", "\"2017-02-30\" is not a date", "YYYY-MM-DD"],
        at: Some("date = \"2017-02-30\""),
    },
    Case {
        name: "unquoted date",
        setup: |d| edit_manifest(d, "date = \"2017-08-31\"", "date = 2017-08-31"),
        args: &["index"],
        needles: &["field `date`", "write the date in quotes"],
        at: Some("date = 2017-08-31"),
    },
    Case {
        name: "missing text file",
        setup: |d| std::fs::remove_file(d.join("corpus").join(NORWAY)).unwrap(),
        args: &["index"],
        needles: &["field `file`", "does not exist", "correct the file name"],
        at: Some("file = \"norway-2017"),
    },
    Case {
        name: "file leaving the folder with ../",
        setup: |d| edit_manifest(d, "file = \"norway", "file = \"../norway"),
        args: &["index"],
        needles: &["field `file`", "leaves the corpus folder", "relative to it"],
        at: Some("file = \"../norway"),
    },
    Case {
        name: "file given as an absolute path",
        setup: |d| {
            let abs = d.join("corpus").join(NORWAY);
            edit_manifest(
                d,
                &format!("file = \"{NORWAY}\""),
                &format!("file = \"{}\"", abs.display()),
            )
        },
        args: &["index"],
        needles: &["field `file`", "leaves the corpus folder"],
        at: Some("file = \"/"),
    },
    Case {
        name: "symlink pointing out of the folder",
        setup: |d| {
            let inside = d.join("corpus").join(NORWAY);
            let outside = d.join("elsewhere.txt");
            std::fs::rename(&inside, &outside).unwrap();
            std::os::unix::fs::symlink(&outside, &inside).unwrap();
        },
        args: &["index"],
        needles: &[
            "field `file`",
            "outside the corpus folder",
            "copy the text into the folder",
        ],
        at: Some("file = \"norway-2017"),
    },
    Case {
        name: "two entries sharing a file",
        setup: |d| {
            edit_manifest(
                d,
                "file = \"sweden-2014-unga-68-243-submission.txt\"",
                &format!("file = \"{NORWAY}\" # same"),
            )
        },
        args: &["index"],
        needles: &[
            "field `file`",
            "is already the text of document \"norway-2017\"",
        ],
        at: Some("# same"),
    },
    Case {
        name: "no such corpus folder",
        setup: |d| std::fs::remove_dir_all(d.join("corpus")).unwrap(),
        args: &["index"],
        needles: &["corpus: no such corpus folder", "pass --corpus"],
        at: None,
    },
    Case {
        name: "no manifest",
        setup: |d| std::fs::remove_file(d.join(MANIFEST)).unwrap(),
        args: &["index"],
        needles: &["corpus.toml: no corpus manifest here", "[[document]]"],
        at: None,
    },
    Case {
        name: "manifest without documents",
        setup: |d| std::fs::write(d.join(MANIFEST), "# nothing yet\n").unwrap(),
        args: &["index"],
        needles: &[
            "corpus.toml: the manifest lists no documents",
            "add one [[document]]",
        ],
        at: None,
    },
    Case {
        name: "manifest not UTF-8",
        setup: |d| {
            let mut bytes = std::fs::read(d.join(MANIFEST)).unwrap();
            bytes.extend(b"# caf\xe9\n");
            std::fs::write(d.join(MANIFEST), bytes).unwrap();
        },
        args: &["index"],
        needles: &["corpus.toml:", "not UTF-8", "save it as UTF-8"],
        at: None,
    },
    Case {
        name: "text not UTF-8",
        setup: |d| append(d, b"A caf\xe9 in Oslo.\n"),
        args: &["index"],
        needles: &[
            NORWAY,
            "byte 0xE9 is not UTF-8",
            "convert the file to UTF-8",
            "--lossy",
        ],
        at: None,
    },
    Case {
        name: "empty text",
        setup: |d| std::fs::write(d.join("corpus").join(NORWAY), "").unwrap(),
        args: &["index"],
        needles: &[NORWAY, "the text is empty", "remove its entry"],
        at: None,
    },
    Case {
        name: "text of whitespace",
        setup: |d| std::fs::write(d.join("corpus").join(NORWAY), "\n \n\t\n").unwrap(),
        args: &["index"],
        needles: &[NORWAY, "only whitespace"],
        at: None,
    },
    Case {
        name: "binary text",
        setup: |d| {
            std::fs::write(d.join("corpus").join(NORWAY), b"GIF89a\x01\x00\x01\x00").unwrap()
        },
        args: &["index"],
        needles: &[
            NORWAY,
            ":1: column 8: a NUL byte",
            "binary file",
            "plain-text UTF-8 extraction",
        ],
        at: None,
    },
    Case {
        name: "a PDF given as the text",
        setup: |d| {
            std::fs::write(
                d.join("corpus").join(NORWAY),
                b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n",
            )
            .unwrap()
        },
        args: &["index"],
        needles: &[
            NORWAY,
            ":1: this is a PDF file",
            "plain-text UTF-8 extraction",
        ],
        at: None,
    },
    Case {
        name: "a 50 MB single-line text",
        setup: |d| {
            let line = "cyber norms of responsible state behaviour ".repeat(50_000_000 / 43);
            std::fs::write(d.join("corpus").join(NORWAY), line).unwrap();
        },
        args: &["index"],
        needles: &[
            NORWAY,
            ":1: the line is 50.0 MB long",
            "keeping its line breaks",
        ],
        at: None,
    },
    Case {
        name: "taxonomy entry missing a field",
        setup: |d| {
            edit(&d.join("corpus/themes.toml"), |t| {
                format!("{t}\n[[theme]]\nid = \"x\"\ndescription = \"X.\"\n")
            })
        },
        args: &["index"],
        needles: &[
            "themes.toml:",
            "theme `x`",
            "missing field `label`",
            "fix the taxonomy",
        ],
        at: None,
    },
    Case {
        name: "taxonomy TOML syntax error",
        setup: |d| std::fs::write(d.join("corpus/themes.toml"), "[[theme]\nid = 1\n").unwrap(),
        args: &["index"],
        needles: &["themes.toml:1", "fix the taxonomy"],
        at: None,
    },
    Case {
        name: "lexicon value of the wrong type",
        setup: |d| {
            std::fs::write(d.join("corpus/lexicon.toml"), "[spelling]\ncolour = 3\n").unwrap()
        },
        args: &["index"],
        needles: &["lexicon.toml:2", "expected a string", "fix the lexicon"],
        at: None,
    },
    Case {
        name: "lexicon TOML syntax error",
        setup: |d| std::fs::write(d.join("corpus/lexicon.toml"), "[spelling\n").unwrap(),
        args: &["index"],
        needles: &["lexicon.toml:1", "fix the lexicon"],
        at: None,
    },
    Case {
        name: "lexicon rule that cannot hold",
        setup: |d| {
            std::fs::write(
                d.join("corpus/lexicon.toml"),
                "[spelling]\ncolour = \"color\"\n\n[ise]\nendings = [\"organize\"]\n",
            )
            .unwrap()
        },
        args: &["index"],
        needles: &[
            "lexicon.toml:5",
            "lexicon [ise] `organize`",
            "must end in -ise",
        ],
        at: None,
    },
];

fn append(dir: &Path, bytes: &[u8]) {
    let path = dir.join("corpus").join(NORWAY);
    let mut text = std::fs::read(&path).unwrap();
    text.extend_from_slice(bytes);
    std::fs::write(path, text).unwrap();
}

#[test]
fn bad_corpora_are_refused_before_anything_is_indexed() {
    for case in CORPUS_CASES {
        let dir = workspace();
        (case.setup)(dir.path());
        let mut needles: Vec<String> = case.needles.iter().map(|s| s.to_string()).collect();
        if let Some(at) = case.at {
            let line = line_of(&dir.path().join(MANIFEST), at);
            needles.push(format!("corpus.toml:{line}: "));
        }
        let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
        refused(case.name, dir.path(), case.args, &needles);
        // Nothing was indexed: no generation, no pointer.
        let index = dir.path().join("index");
        let left: Vec<String> = std::fs::read_dir(&index)
            .map(|rd| {
                rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .filter(|n| n != ".lock")
                    .collect()
            })
            .unwrap_or_default();
        assert!(left.is_empty(), "{}: left {left:?}", case.name);
        // The reading commands refuse the same input the same way.
        if !case.name.contains("taxonomy") && !case.name.contains("lexicon") {
            refused(case.name, dir.path(), &["passages"], case.needles);
        }
    }
}

#[test]
fn a_text_that_is_not_utf8_names_its_line_and_can_be_read_lossily() {
    let dir = workspace();
    append(dir.path(), b"\nA caf\xe9 in Oslo, zanzibarian.\n");
    // Where the bad byte is, counted here from the bytes.
    let bytes = std::fs::read(dir.path().join("corpus").join(NORWAY)).unwrap();
    let at = bytes.iter().position(|&b| b == 0xE9).unwrap();
    let last = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    let column = at - bytes[..at].iter().rposition(|&b| b == b'\n').unwrap();
    assert_eq!(column, 6);
    refused(
        "not UTF-8",
        dir.path(),
        &["index"],
        &[&format!("{NORWAY}:{last}: column 6: byte 0xE9")],
    );
    let out = normsearch(dir.path())
        .args(["index", "--lossy"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("normsearch: warning: ")
            && stderr.contains(&format!(
                "{NORWAY}:{last}: column 6: 1 invalid UTF-8 sequence"
            ))
            && stderr.contains("U+FFFD"),
        "{stderr}"
    );
    let out = normsearch(dir.path())
        .args(["search", "--lossy", "zanzibarian"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("caf\u{FFFD} in Oslo"));
}

/// What a query case expects: the arguments after `search`, and what the
/// message must hold.
const QUERY_CASES: &[(&[&str], &[&str])] = &[
    (
        &["--source", "atlantis-2020", "norms"],
        &[
            "unknown source `atlantis-2020`",
            "valid sources: norway-2017, ccdcoe-2016, sweden-2014, usa-2011",
        ],
    ),
    (
        &["norms source:atlantis-2020"],
        &[
            "unknown source `atlantis-2020`",
            "valid sources: norway-2017",
        ],
    ),
    (
        &["--theme", "weather", "norms"],
        &[
            "unknown theme `weather`",
            "valid themes: threats, norms,",
            "cbm",
        ],
    ),
    (
        &["theme:weather"],
        &["unknown theme `weather`", "valid themes:"],
    ),
    (
        &[""],
        &["query error at column 1: empty query", "type words"],
    ),
    (&["   "], &["query error at column 1: empty query"]),
    (
        &["norms AND"],
        &["query error at column 7: dangling AND: nothing follows it to apply to"],
    ),
    (
        &["\"due diligence"],
        &["query error at column 1", "unclosed quote"],
    ),
    (
        &["(norms OR law"],
        &["query error at column 1", "unclosed parenthesis"],
    ),
    (&["norms)"], &["query error at column 6"]),
    (
        &["colour:red"],
        &[
            "query error at column 1",
            "unknown field `colour`",
            "source, theme, year, kind",
        ],
    ),
    (&["year:2020..2010"], &["query error at column"]),
    (&["kind:poem"], &["query error at column", "kind"]),
    (&["a*"], &["query error at column 1"]),
    (
        &["norms~7"],
        &["query error at column 6", "a fuzzy distance is 0 to 2"],
    ),
    (&["\"due diligence\"~1000"], &["query error at column"]),
    (&["--year", "2020..2010", "norms"], &["--year", "backwards"]),
    (&["--year", "soon", "norms"], &["--year"]),
];

#[test]
fn bad_queries_name_the_column_or_list_the_valid_ids() {
    for (args, needles) in QUERY_CASES {
        let mut all = vec!["search"];
        all.extend_from_slice(args);
        refused(&format!("{args:?}"), shared(), &all, needles);
        // The same with --json: errors never go to stdout.
        let mut json = vec!["search", "--json"];
        json.extend_from_slice(args);
        refused(&format!("--json {args:?}"), shared(), &json, needles);
    }
}

#[test]
fn index_folders_that_cannot_be_used_are_refused() {
    let dir = workspace();
    let d = dir.path();
    // A file where the folder should be.
    std::fs::write(d.join("index"), "not a folder").unwrap();
    for args in [&["index"][..], &["search", "norms"]] {
        refused(
            "index is a file",
            d,
            args,
            &["index: this is a file, not an index folder", "pass --index"],
        );
    }
    // A folder below a file.
    let below = d.join("index").join("inner");
    let below = below.to_str().unwrap();
    refused(
        "index below a file",
        d,
        &["index", "--index", below],
        &[
            "inner: cannot write the index",
            "pass --index naming a folder you can write to",
        ],
    );
    std::fs::remove_file(d.join("index")).unwrap();
    // A folder holding other things: never written into.
    std::fs::create_dir(d.join("index")).unwrap();
    std::fs::write(d.join("index/notes.txt"), "mine").unwrap();
    std::fs::create_dir(d.join("index/gen-old")).unwrap();
    refused(
        "a folder of other files",
        d,
        &["index"],
        &[
            "index: the folder holds \"gen-old\"",
            "not part of a normsearch index",
        ],
    );
    let names: Vec<_> = std::fs::read_dir(d.join("index")).unwrap().collect();
    assert_eq!(names.len(), 2, "the folder was written into");
    // The corpus folder itself, for one.
    refused(
        "the corpus folder as index",
        d,
        &["index", "--index", "corpus"],
        &["corpus: the folder holds", "pass --index"],
    );
}

#[test]
fn an_unwritable_index_folder_is_refused() {
    let dir = workspace();
    let d = dir.path();
    let locked = d.join("locked");
    std::fs::create_dir(&locked).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Permissions do not stop root; a folder of the kernel's does.
    let probe = locked.join("probe");
    let target = if std::fs::create_dir(&probe).is_ok() {
        std::fs::remove_dir(&probe).unwrap();
        PathBuf::from("/sys/normsearch-test-index")
    } else {
        locked.join("index")
    };
    let target = target.to_str().unwrap();
    for args in [
        &["index", "--index", target][..],
        &["search", "--index", target, "norms"],
    ] {
        refused(
            "unwritable",
            d,
            args,
            &[
                target,
                "cannot write the index",
                "pass --index naming a folder you can write to",
            ],
        );
    }
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A built index damaged by `damage`, then searched: refused with the advice
/// to rebuild; after `normsearch index`, searches answer again.
fn damaged(case: &str, damage: impl FnOnce(&Path), needles: &[&str]) {
    let dir = workspace();
    let d = dir.path();
    normsearch(d).arg("index").assert().success();
    damage(&d.join("index"));
    let mut all = vec!["run `normsearch index` to rebuild it"];
    all.extend_from_slice(needles);
    for args in [
        &["search", "norms"][..],
        &["show", "norway-2017:3"],
        &["cite", "usa-2011:5"],
    ] {
        refused(case, d, args, &all);
    }
    normsearch(d).arg("index").assert().success();
    normsearch(d).args(["search", "norms"]).assert().code(0);
}

/// The generation's segment files with this extension.
fn segment_files(index: &Path, ext: &str) -> Vec<PathBuf> {
    let current = std::fs::read_to_string(index.join("CURRENT")).unwrap();
    std::fs::read_dir(index.join(current.trim()))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect()
}

#[test]
fn damaged_indexes_say_to_rebuild() {
    for ext in ["idx", "term", "pos", "store", "fast", "fieldnorm"] {
        damaged(
            &format!("truncated .{ext}"),
            |index| {
                for f in segment_files(index, ext) {
                    let len = std::fs::metadata(&f).unwrap().len();
                    let file = std::fs::OpenOptions::new().write(true).open(&f).unwrap();
                    file.set_len(len / 2).unwrap();
                }
            },
            &["is damaged", &format!(".{ext}")],
        );
    }
    damaged(
        "meta.json garbage",
        |index| std::fs::write(index.join("gen-1/meta.json"), "garbage").unwrap(),
        &["the index is unreadable"],
    );
    damaged(
        "a newer format",
        |index| {
            edit(&index.join("gen-1/meta-normsearch.json"), |t| {
                let ours = normsearch::index::SCHEMA_VERSION;
                t.replace(
                    &format!("\"schema_version\": {ours}"),
                    "\"schema_version\": 99",
                )
            })
        },
        &[&format!(
            "the index has format 99 but this normsearch reads format {}",
            normsearch::index::SCHEMA_VERSION
        )],
    );
    damaged(
        "our record garbage",
        |index| std::fs::write(index.join("gen-1/meta-normsearch.json"), "{").unwrap(),
        &["gen-1/meta-normsearch.json is corrupted"],
    );
    damaged(
        "CURRENT garbage",
        |index| std::fs::write(index.join("CURRENT"), "yesterday\n").unwrap(),
        &["CURRENT names no generation"],
    );
    damaged(
        "the generation gone",
        |index| std::fs::remove_dir_all(index.join("gen-1")).unwrap(),
        &["cannot read gen-1/meta-normsearch.json"],
    );
    damaged(
        "the lexicon copy gone",
        |index| std::fs::remove_file(index.join("gen-1/lexicon.toml")).unwrap(),
        &["cannot read gen-1/lexicon.toml"],
    );
}

#[test]
fn bytes_damaged_inside_a_file_fail_the_checksum() {
    // Opening checks that files are whole; damage inside one is found by
    // its checksum, which the command line consults when a search trips.
    let dir = workspace();
    let d = dir.path();
    normsearch(d).arg("index").assert().success();
    let index = d.join("index");
    normsearch::index::verify(&index).unwrap();
    let fast = &segment_files(&index, "fast")[0];
    let mut bytes = std::fs::read(fast).unwrap();
    let middle = bytes.len() / 2;
    for b in &mut bytes[middle..middle + 16] {
        *b = !*b;
    }
    std::fs::write(fast, bytes).unwrap();
    let err = normsearch::index::verify(&index).unwrap_err();
    // An index problem, which the command line says to cure with
    // `normsearch index` (checked through the binary in `damaged`).
    assert_eq!(err.kind(), normsearch::ErrorKind::Unavailable, "{err}");
    let e = err.to_string();
    assert!(
        e.contains("fails its checksum") && e.contains(".fast"),
        "{e}"
    );
    assert!(!e.contains('\n'));
}

#[test]
fn a_failed_build_keeps_the_index_it_had() {
    let dir = workspace();
    let d = dir.path();
    normsearch(d).arg("index").assert().success();
    let before = normsearch(d)
        .args(["search", "--json", "sovereignty"])
        .output()
        .unwrap();
    // A text refused half-way through the build: its generation is removed,
    // the previous one still answers.
    std::fs::write(
        d.join("corpus/usa-2011-international-strategy-for-cyberspace.txt"),
        "",
    )
    .unwrap();
    refused(
        "empty text on rebuild",
        d,
        &["index"],
        &["the text is empty"],
    );
    let mut names: Vec<String> = std::fs::read_dir(d.join("index"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".lock", "CURRENT", "gen-1"]);
    let after = normsearch(d)
        .args(["search", "--json", "sovereignty"])
        .output()
        .unwrap();
    assert_eq!(after.status.code(), Some(0));
    assert_eq!(strip_took(&before.stdout), strip_took(&after.stdout));
}

/// A `search --json` answer without its timing.
fn strip_took(json: &[u8]) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(json).unwrap();
    v.as_object_mut().unwrap().remove("took_ms");
    v
}

#[test]
fn usage_errors_are_one_line() {
    for (args, needles) in [
        (
            &["search", "--limit", "abc", "norms"][..],
            &[
                "invalid value 'abc' for '--limit <N>'",
                "see `normsearch search --help`",
            ][..],
        ),
        (
            &["search", "--kind", "poem", "norms"],
            &["'poem' for '--kind <KIND>'", "body, list-item, footnote"],
        ),
        (
            &["search"],
            &["required arguments were not provided: <QUERY>"],
        ),
        (
            &["serch", "norms"],
            &["unrecognized subcommand 'serch'", "'search'"],
        ),
        (
            &["index", "--threads", "100000"],
            &["100000 is not in 0..=256", "see `normsearch index --help`"],
        ),
        (
            &["cite", "norway-2017:1", "--format", "mla"],
            &["'mla'", "plain"],
        ),
    ] {
        refused(&format!("{args:?}"), shared(), args, needles);
    }
}

#[test]
fn extreme_numbers_are_answered_not_crashed_on() {
    let max = u64::MAX.to_string();
    let big = (1u64 << 32).to_string();
    for args in [
        &["search", "--json", "--limit", max.as_str(), "norms"][..],
        &["search", "--json", "--offset", max.as_str(), "norms"],
        &[
            "search",
            "--json",
            "--offset",
            big.as_str(),
            "--limit",
            big.as_str(),
            "norms",
        ],
        &["show", "--json", "--context", "4294967295", "norway-2017:3"],
    ] {
        let out = normsearch(shared()).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        let _: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    }
    // A limit past the end shows every match; an offset past it, none.
    let all = normsearch(shared())
        .args(["search", "--json", "--limit", &max, "norms"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&all.stdout).unwrap();
    assert_eq!(
        v["hits"].as_array().unwrap().len() as u64,
        v["total"].as_u64().unwrap()
    );
    let none = normsearch(shared())
        .args(["search", "--json", "--offset", &max, "norms"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&none.stdout).unwrap();
    assert!(v["hits"].as_array().unwrap().is_empty() && v["total"].as_u64().unwrap() > 0);
}
