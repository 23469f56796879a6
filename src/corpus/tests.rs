//! The manifest loader's and the text reader's tests.
use super::text::{decode, BINARY_SNIFF_LEN};
use super::*;
use crate::error::line_of_offset;
use proptest::prelude::*;
use tempfile::TempDir;

/// A corpus folder with this manifest and these files.
fn folder(manifest: &str, files: &[(&str, &[u8])]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(MANIFEST_NAME), manifest).unwrap();
    for (name, content) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

/// A complete, valid entry (9 lines, header first, then a blank line).
fn entry(id: &str, file: &str) -> String {
    format!(
        "[[document]]\nid = \"{id}\"\nfile = \"{file}\"\ntitle = \"A Title\"\nissuer = \"A Ministry\"\ndate = \"2017-08-31\"\nkind = \"national-strategy\"\nlanguage = \"en\"\n\n"
    )
}

/// Loads, expecting a data error; returns its path, line and message
/// after checking that the message is one line.
fn data_error(dir: &Path) -> (PathBuf, Option<usize>, String) {
    match Corpus::load(dir) {
        Err(Error::User(UserError::Problems { problems })) => {
            let (path, line, message) = parts(&problems[0]);
            assert!(!message.contains('\n'), "multi-line message: {message}");
            (path, line, message)
        }
        Err(Error::User(e)) => {
            let (path, line, message) = parts(&e);
            assert!(!message.contains('\n'), "multi-line message: {message}");
            (path, line, message)
        }
        other => panic!("expected a data error, got {other:?}"),
    }
}

/// A data error's file, line, and the rest of its line (the entry and
/// field it names, then what is wrong).
fn parts(e: &UserError) -> (PathBuf, Option<usize>, String) {
    let (path, line) = match e {
        UserError::Data { path, line, .. } => (path.clone(), *line),
        UserError::NotUtf8 { path, line, .. } => (path.clone(), Some(*line)),
        UserError::Oversize { path, line, .. } => (path.clone(), *line),
        UserError::NoManifest { path } => (path.clone(), None),
        UserError::NoCorpus { dir } => (dir.clone(), None),
        other => panic!("expected a data error, got {other:?}"),
    };
    let prefix = match line {
        Some(l) => format!("{}:{l}: ", path.display()),
        None => format!("{}: ", path.display()),
    };
    let shown = e.to_string();
    let message = shown.strip_prefix(&prefix).unwrap_or(&shown).to_string();
    (path, line, message)
}

/// The error for `manifest` with the text file `a.txt` present, asserting
/// it names the manifest.
fn manifest_error(manifest: &str) -> (Option<usize>, String) {
    let dir = folder(
        manifest,
        &[("a.txt", b"Some text.\n"), ("b.txt", b"More.\n")],
    );
    let (path, line, message) = data_error(dir.path());
    assert_eq!(path, dir.path().join(MANIFEST_NAME));
    (line, message)
}

fn manifest_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

#[test]
fn loads_the_founding_corpus() {
    let corpus = Corpus::load(&manifest_dir()).unwrap();
    assert_eq!(
        corpus.ids(),
        ["norway-2017", "ccdcoe-2016", "sweden-2014", "usa-2011"]
    );
    let ccdcoe = corpus.get("ccdcoe-2016").unwrap();
    assert_eq!(ccdcoe.authors, ["Anna-Maria Osula", "Henry Rõigas"]);
    assert_eq!(
        ccdcoe.container.as_deref(),
        Some("International Cyber Norms: Legal, Policy & Industry Perspectives")
    );
    assert_eq!(ccdcoe.kind, "book-chapter");
    assert_eq!(ccdcoe.country, None);
    assert_eq!(ccdcoe.date.to_string(), "2016");
    let usa = corpus.get("usa-2011").unwrap();
    assert_eq!(usa.date.to_string(), "2011-05");
    assert_eq!(usa.country.as_deref(), Some("US"));
    assert!(corpus.get("nowhere-1999").is_none());
    for doc in &corpus.documents {
        let text = corpus.read_text(doc, false).unwrap();
        let size = std::fs::metadata(corpus.path_of(doc)).unwrap().len();
        assert_eq!(text.bytes, size, "{}", doc.id);
        assert!(text.warnings.is_empty(), "{}: {:?}", doc.id, text.warnings);
        assert!(text.text.len() > 10_000, "{}", doc.id);
    }
}

#[test]
fn the_manifest_file_itself_may_be_given() {
    let dir = folder(&entry("a", "a.txt"), &[("a.txt", b"Text.")]);
    let corpus = Corpus::load(&dir.path().join(MANIFEST_NAME)).unwrap();
    assert_eq!(corpus.root, dir.path());
    assert_eq!(corpus.ids(), ["a"]);
}

#[test]
fn optional_fields_default_and_text_is_tidied() {
    let manifest = "[[document]]\nid = \"x-1\"\nfile = \"sub/a.txt\"\ntitle = \"\"\"A\n   wrapped   title \"\"\"\nissuer = \" Someone \"\ndate = \"2016\"\nkind = \"gge-report\"\norganization = \"United Nations\"\nlanguage = \"fr\"\nurl = \"https://example.org/a.pdf\"\n";
    let dir = folder(manifest, &[("sub/a.txt", b"Texte.")]);
    let corpus = Corpus::load(dir.path()).unwrap();
    let doc = &corpus.documents[0];
    assert_eq!(doc.title, "A wrapped title");
    assert_eq!(doc.issuer, "Someone");
    assert!(doc.authors.is_empty());
    assert_eq!(doc.country, None);
    assert_eq!(doc.organization.as_deref(), Some("United Nations"));
    assert_eq!(doc.container, None);
    assert_eq!(doc.file, Path::new("sub/a.txt"));
}

#[test]
fn refuses_toml_syntax_errors() {
    let manifest = format!(
        "{}[[document]]\nid = \"b\nfile = \"b.txt\"\n",
        entry("a", "a.txt")
    );
    let (line, message) = manifest_error(&manifest);
    assert_eq!(line, Some(11), "{message}");
    assert!(message.contains("TOML"), "{message}");
}

#[test]
fn refuses_unknown_keys() {
    let manifest = entry("a", "a.txt").replace("title =", "titel =");
    let messages = all_problems(&manifest);
    assert_eq!(messages.len(), 1, "the misspelling alone: {messages:?}");
    assert!(
        messages.contains(&"4: document \"a\": field `titel`: `titel` is not a field of a document; did you mean `title`? correct its spelling or remove it (the fields are: id, file, title, issuer, issuers, issuer_type, authors, date, kind, number, country, organization, language, translation, original_language, url, container, venue)".to_string()),
        "{messages:?}"
    );
    let (line, message) =
        manifest_error(&entry("a", "a.txt").replace("[[document]]", "[[documents]]"));
    assert_eq!(line, Some(1));
    assert!(
        message.contains("`documents` is not part of a manifest"),
        "{message}"
    );
}

#[test]
fn refuses_missing_fields_at_the_entry() {
    let manifest = format!(
        "{}{}",
        entry("a", "a.txt"),
        entry("b", "b.txt").replace("date = \"2017-08-31\"\n", "")
    );
    let (line, message) = manifest_error(&manifest);
    assert_eq!(line, Some(10));
    assert!(
        message.starts_with("document \"b\": field `date`: missing field `date`; add it to this [[document]] entry: date = \"2017-08-31\""),
        "{message}"
    );
}

#[test]
fn refuses_a_manifest_without_documents() {
    for manifest in ["", "# only a comment\n\n"] {
        let (line, message) = manifest_error(manifest);
        assert_eq!(line, None);
        assert!(message.contains("no documents"), "{message}");
    }
}

#[test]
fn refuses_duplicate_ids_naming_both_lines() {
    let manifest = format!("{}{}", entry("a", "a.txt"), entry("a", "b.txt"));
    let (line, message) = manifest_error(&manifest);
    assert_eq!(line, Some(11));
    assert!(message.contains("field `id`"), "{message}");
    assert!(message.contains("at line 2"), "{message}");
}

#[test]
fn lines_deep_in_a_long_manifest_are_exact() {
    // Many entries: the line of each is looked up, not counted afresh.
    let n = 1500;
    let mut manifest = String::new();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..n {
        manifest.push_str(&entry(&format!("d{i}"), &format!("d{i}.txt")));
        files.push((format!("d{i}.txt"), b"Text.\n".to_vec()));
    }
    manifest.push_str(&entry("d7", "extra.txt"));
    files.push(("extra.txt".into(), b"Text.\n".to_vec()));
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(f, c)| (f.as_str(), c.as_slice()))
        .collect();
    let dir = folder(&manifest, &refs);
    let (_, line, message) = data_error(dir.path());
    // Entries are 9 lines long; the id is on the entry's second line.
    assert_eq!(line, Some(9 * n + 2));
    assert!(
        message.contains(&format!("at line {}", 9 * 7 + 2)),
        "{message}"
    );
}

#[test]
fn newline_offsets_give_the_lines_line_of_offset_counts() {
    let text = "a\n\nbc\r\nd\n";
    let newlines = newline_offsets(text);
    for offset in 0..text.len() + 3 {
        let line = newlines.partition_point(|&nl| nl < offset) + 1;
        assert_eq!(line, line_of_offset(text, offset), "offset {offset}");
    }
}

#[test]
fn refuses_ids_that_are_not_slugs() {
    for (id, hint) in [
        ("Norway-2017", "; use lowercase: \"norway-2017\""),
        ("norway 2017", "hyphens"),
        ("", "hyphens"),
        ("é", "hyphens"),
    ] {
        let (line, message) = manifest_error(&entry(id, "a.txt"));
        assert_eq!(line, Some(2));
        assert!(message.contains("field `id`"), "{message}");
        assert!(message.contains("is not a valid id"), "{message}");
        assert!(message.contains(hint), "{message}");
    }
}

#[test]
fn refuses_bad_dates() {
    for date in [
        "2017-13",
        "2017-02-30",
        "2015-02-29",
        "17",
        "2017/08/31",
        "2017-8",
        "",
        "2017-08-31T00:00",
    ] {
        let manifest = entry("x", "a.txt").replace("2017-08-31", date);
        let (line, message) = manifest_error(&manifest);
        assert_eq!(line, Some(6), "{date}");
        assert!(
            message.starts_with(&format!("document \"x\": field `date`: {date:?} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")),
            "{message}"
        );
    }
    // Forgotten quotes make a TOML date or a syntax error: both get the
    // same advice.
    for unquoted in ["2017-08-31", "2011-05", "2016"] {
        let manifest = entry("x", "a.txt").replace("\"2017-08-31\"", unquoted);
        let (line, message) = manifest_error(&manifest);
        assert_eq!(line, Some(6), "{unquoted}");
        assert!(message.contains("field `date`"), "{message}");
        assert!(message.contains("write the date in quotes"), "{message}");
    }
}

#[test]
fn refuses_bad_language_codes() {
    for (code, hint) in [
        ("english", "two-letter"),
        ("EN", "; use lowercase: \"en\""),
        ("xx", "two-letter"),
        ("eng", "two-letter"),
    ] {
        let manifest =
            entry("x", "a.txt").replace("language = \"en\"", &format!("language = \"{code}\""));
        let (line, message) = manifest_error(&manifest);
        assert_eq!(line, Some(8));
        assert!(message.contains("field `language`"), "{message}");
        assert!(message.contains("ISO 639-1"), "{message}");
        assert!(message.contains(hint), "{message}");
    }
}

#[test]
fn refuses_bad_countries_and_both_country_and_organization() {
    for (code, hint) in [
        ("UK", "code is \"GB\""),
        ("no", "; use capitals: \"NO\""),
        ("Norway", "; use the two-letter code"),
    ] {
        let manifest = format!("{}country = \"{code}\"\n", entry("x", "a.txt"));
        let (line, message) = manifest_error(&manifest);
        assert_eq!(line, Some(10));
        assert!(message.contains("field `country`"), "{message}");
        assert!(message.contains(hint), "{message}");
    }
    let manifest = format!(
        "{}country = \"NO\"\norganization = \"NATO\"\n",
        entry("x", "a.txt")
    );
    let (line, message) = manifest_error(&manifest);
    assert_eq!(line, Some(11));
    assert!(message.contains("field `organization`"), "{message}");
    assert!(message.contains("not both"), "{message}");
}

#[test]
fn refuses_other_bad_values() {
    let cases = [
        (
            "title = \"A Title\"",
            "title = \"  \"",
            4,
            "field `title`: is empty",
        ),
        (
            "kind = \"national-strategy\"",
            "kind = \"National Strategy\"",
            7,
            "field `kind`",
        ),
        (
            "kind = \"national-strategy\"",
            "kind = 3",
            7,
            "field `kind`: `kind` takes text in double quotes: kind = \"3\"",
        ),
        (
            "language = \"en\"",
            "language = \"en\"\nurl = \"www.example.org\"",
            9,
            "field `url`",
        ),
        (
            "language = \"en\"",
            "language = \"en\"\nauthors = [\"A\", \"\"]",
            9,
            "field `authors`: has an empty name",
        ),
        (
            "language = \"en\"",
            "language = \"en\"\ncontainer = \"\"",
            9,
            "field `container`: is empty",
        ),
    ];
    for (from, to, want_line, want) in cases {
        let (line, message) = manifest_error(&entry("x", "a.txt").replace(from, to));
        assert_eq!(line, Some(want_line), "{message}");
        assert!(message.contains(want), "{message}");
    }
}

#[test]
fn refuses_missing_files_and_folders() {
    let (line, message) = manifest_error(&entry("x", "nothere.txt"));
    assert_eq!(line, Some(3));
    assert!(message.contains("nothere.txt does not exist"), "{message}");
    let dir = folder(&entry("x", "sub"), &[("sub/a.txt", b"Text.")]);
    let (_, line, message) = data_error(dir.path());
    assert_eq!(line, Some(3));
    assert!(message.contains("is not a file"), "{message}");
}

#[test]
fn refuses_files_that_leave_the_corpus_folder() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, "Outside.").unwrap();
    let absolute = secret.to_str().unwrap().to_owned();
    for file in [
        "../secret.txt",
        "sub/../../secret.txt",
        absolute.as_str(),
        "./../a.txt",
    ] {
        let (line, message) = manifest_error(&entry("x", file));
        assert_eq!(line, Some(3), "{file}");
        assert!(message.contains("leaves the corpus folder"), "{message}");
    }
}

#[cfg(unix)]
#[test]
fn refuses_symlinks_that_point_outside() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, "Outside.").unwrap();
    let dir = folder(&entry("x", "link.txt"), &[]);
    std::os::unix::fs::symlink(&secret, dir.path().join("link.txt")).unwrap();
    let (_, line, message) = data_error(dir.path());
    assert_eq!(line, Some(3));
    assert!(message.contains("outside the corpus folder"), "{message}");
    // A link that stays inside is fine.
    std::fs::write(dir.path().join("real.txt"), "Inside.").unwrap();
    std::fs::remove_file(dir.path().join("link.txt")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("real.txt"), dir.path().join("link.txt")).unwrap();
    assert_eq!(Corpus::load(dir.path()).unwrap().ids(), ["x"]);
}

#[test]
fn refuses_two_entries_sharing_a_file() {
    let manifest = format!("{}{}", entry("a", "a.txt"), entry("b", "./a.txt"));
    let (line, message) = manifest_error(&manifest);
    assert_eq!(line, Some(12));
    assert!(
        message.contains("already the text of document \"a\" (line 3)"),
        "{message}"
    );
}

/// Every problem of `manifest` (with `a.txt` and `b.txt` present), as
/// `line: message`.
fn all_problems(manifest: &str) -> Vec<String> {
    let dir = folder(
        manifest,
        &[("a.txt", b"Some text.\n"), ("b.txt", b"More.\n")],
    );
    let problems = match Corpus::load(dir.path()) {
        Err(Error::User(UserError::Problems { problems })) => problems,
        Err(Error::User(e)) => vec![e],
        other => panic!("expected problems, got {other:?}"),
    };
    problems
        .iter()
        .map(|e| {
            let (_, line, message) = parts(e);
            assert!(!message.contains('\n'), "{message}");
            format!("{}: {message}", line.unwrap_or(0))
        })
        .collect()
}

#[test]
fn reports_every_problem_in_one_run_in_plain_words() {
    let manifest = "[[document]]\nid = \"a\"\nfile = \"a.txt\"\ntitle = \"T\"\nissuer = \"I\"\nauthors = \"Roy Schöndorf\"\ndate = \"2017-13\"\nkind = \"speach\"\nlanguage = \"EN\"\ncountry = \"UK\"\n\n[[document]]\nid = \"b\"\nfile = \"missing.txt\"\ntitle = \"T\"\nissuers = [\"X\", \"Y\"]\ndate = \"2016\"\nkind = \"declaration\"\nlanguage = \"en\"\ntranslation = \"informal\"\n";
    let problems = all_problems(manifest);
    assert_eq!(problems.len(), 7, "{problems:#?}");
    assert_eq!(
        problems[0],
        "6: document \"a\": field `authors`: `authors` takes a list: authors = [\"Roy Schöndorf\"]"
    );
    assert!(
        problems[1].starts_with("7: document \"a\": field `date`:"),
        "{problems:#?}"
    );
    assert!(problems[2].starts_with("8: document \"a\": field `kind`: \"speach\" is not a known kind; did you mean \"speech\"?"), "{problems:#?}");
    assert!(problems[2].contains("[kinds]"), "{problems:#?}");
    assert!(
        problems[3].starts_with("9: document \"a\": field `language`"),
        "{problems:#?}"
    );
    assert!(
        problems[4].starts_with("10: document \"a\": field `country`"),
        "{problems:#?}"
    );
    assert!(
        problems[5].starts_with("14: document \"b\": field `file`"),
        "{problems:#?}"
    );
    assert!(problems[6].starts_with("20: document \"b\": field `translation`: \"informal\" is not one of \"official\", \"unofficial\", \"machine\""), "{problems:#?}");
    for p in &problems {
        for jargon in ["invalid type", "expected a sequence", "expected a string"] {
            assert!(!p.contains(jargon), "{p}");
        }
    }
}

#[test]
fn the_manifest_extends_the_kinds_and_describes_real_documents() {
    let manifest = "[kinds]\nhearing = \"a transcript of a parliamentary hearing\"\n\n[[document]]\nid = \"a\"\nfile = \"a.txt\"\ntitle = \"T\"\nissuer = \"Parliament\"\ndate = \"2020-12-08\"\nkind = \"hearing\"\nlanguage = \"en\"\n\n[[document]]\nid = \"b\"\nfile = \"b.txt\"\ntitle = \"Israel’s Perspective\"\nissuer = \"Israel Ministry of Justice\"\nauthors = [\"Roy Schöndorf\"]\ndate = \"2020-12-08\"\nkind = \"speech\"\nnumber = \"ILS 97\"\nlanguage = \"en\"\ntranslation = \"official\"\noriginal_language = \"he\"\nvenue = { journal = \"International Law Studies\", volume = \"97\", pages = \"395–406\", date = \"2021\" }\n\n[[document]]\nid = \"c\"\nfile = \"c.txt\"\ntitle = \"Paris Call\"\nissuers = [\"Government of France\", \"Microsoft\"]\nissuer_type = \"multistakeholder\"\ndate = \"2018-11-12\"\nkind = \"declaration\"\nlanguage = \"en\"\n";
    let dir = folder(
        manifest,
        &[("a.txt", b"A."), ("b.txt", b"B."), ("c.txt", b"C.")],
    );
    let corpus = Corpus::load(dir.path()).unwrap();
    assert_eq!(corpus.get("a").unwrap().kind, "hearing");
    assert!(corpus
        .kinds
        .iter()
        .any(|(k, d)| k == "hearing" && d.contains("hearing")));
    let b = corpus.get("b").unwrap();
    assert_eq!(b.number.as_deref(), Some("ILS 97"));
    assert_eq!(b.translation.as_deref(), Some("official"));
    assert_eq!(b.original_language.as_deref(), Some("he"));
    let v = b.venue.as_ref().unwrap();
    assert_eq!(
        (
            v.journal.as_str(),
            v.volume.as_deref(),
            v.pages.as_deref(),
            v.date.as_deref()
        ),
        (
            "International Law Studies",
            Some("97"),
            Some("395–406"),
            Some("2021")
        )
    );
    let c = corpus.get("c").unwrap();
    assert_eq!(c.issuers, ["Government of France", "Microsoft"]);
    assert_eq!(c.issuer, "Government of France and Microsoft");
    assert_eq!(c.issuer_type.as_deref(), Some("multistakeholder"));
}

#[test]
fn reports_the_first_problem_in_line_order() {
    // Language (line 3) comes before date (line 7) in the text, though the
    // checks run in the other order; the second entry's bad id is later still.
    let manifest = format!(
        "[[document]]\nid = \"a\"\nlanguage = \"english\"\nfile = \"a.txt\"\ntitle = \"T\"\nissuer = \"I\"\ndate = \"2017-13\"\nkind = \"k\"\n\n{}",
        entry("B", "b.txt")
    );
    let (line, message) = manifest_error(&manifest);
    assert_eq!(line, Some(3));
    assert!(message.contains("field `language`"), "{message}");
}

#[test]
fn refuses_a_missing_manifest_or_folder() {
    // The command line adds the advice to pass --corpus.
    let dir = tempfile::tempdir().unwrap();
    let (path, line, message) = data_error(dir.path());
    assert_eq!(path, dir.path().join(MANIFEST_NAME));
    assert_eq!(line, None);
    assert!(message.contains("create corpus.toml"), "{message}");
    let (path, _, message) = data_error(&dir.path().join("nope"));
    assert_eq!(path, dir.path().join("nope"));
    assert!(message.contains("no such corpus folder"), "{message}");
}

#[test]
fn refuses_a_manifest_that_is_not_utf8() {
    let dir = folder("", &[("a.txt", b"Text.")]);
    std::fs::write(dir.path().join(MANIFEST_NAME), b"# ok\n# caf\xE9\n").unwrap();
    let (_, line, message) = data_error(dir.path());
    assert_eq!(line, Some(2));
    assert!(message.contains("column 6"), "{message}");
}

#[test]
fn the_error_display_is_file_line_message() {
    let dir = folder(
        &entry("x", "a.txt").replace("2017-08-31", "2017-13"),
        &[("a.txt", b"T")],
    );
    let shown = Corpus::load(dir.path()).unwrap_err().to_string();
    let want = format!(
        "{}:6: document \"x\": field `date`: \"2017-13\" is not a date (use YYYY, YYYY-MM or YYYY-MM-DD): there is no such month",
        dir.path().join(MANIFEST_NAME).display()
    );
    assert_eq!(shown, want);
}

/// Reads `content` as the text of a one-document corpus.
fn read(content: &[u8], lossy: bool) -> Result<Text> {
    let dir = folder(&entry("x", "a.txt"), &[("a.txt", content)]);
    let corpus = Corpus::load(dir.path()).unwrap();
    corpus.read_text(&corpus.documents[0], lossy)
}

fn read_error(content: &[u8], lossy: bool) -> (PathBuf, Option<usize>, String) {
    match read(content, lossy) {
        Err(Error::User(e)) => {
            let (path, line, message) = parts(&e);
            assert!(path.ends_with("a.txt"));
            assert!(!message.contains('\n'));
            (path, line, message)
        }
        other => panic!("expected a data error, got {other:?}"),
    }
}

#[test]
fn refuses_text_that_is_not_utf8_unless_lossy() {
    let content = b"First line.\nCaf\xE9 and th\xE9.\n";
    let (_, line, message) = read_error(content, false);
    assert_eq!(line, Some(2));
    assert!(
        message.starts_with("column 4: byte 0xE9 is not UTF-8"),
        "{message}"
    );
    // The command line adds how to read it anyway (--lossy).
    assert!(message.contains("convert the file to UTF-8"), "{message}");

    let text = read(content, true).unwrap();
    assert_eq!(text.text, "First line.\nCaf\u{FFFD} and th\u{FFFD}.\n");
    assert_eq!(text.bytes, content.len() as u64);
    assert_eq!(text.warnings.len(), 1);
    assert!(
        text.warnings[0].contains(":2: column 4: 2 invalid UTF-8 sequences"),
        "{:?}",
        text.warnings
    );
}

#[test]
fn refuses_empty_blank_and_binary_text() {
    let (_, _, message) = read_error(b"", true);
    assert!(message.contains("is empty"), "{message}");
    let (_, _, message) = read_error(b" \n\t\r\n", true);
    assert!(message.contains("only whitespace"), "{message}");
    let (_, line, message) = read_error(b"GIF89a\n\x00\x01binary", true);
    assert_eq!(line, Some(2));
    assert!(message.contains("column 1: a NUL byte"), "{message}");
    // Formats known by their first bytes, NUL or not.
    for (content, what) in [
        (&b"%PDF-1.4\n%\xE2\xE3\n1 0 obj"[..], "a PDF file"),
        (b"PK\x03\x04\x14\x00", "ZIP archive"),
        (b"{\\rtf1\\ansi Text}", "RTF"),
    ] {
        let (_, line, message) = read_error(content, true);
        assert_eq!(line, Some(1));
        assert!(message.contains(what), "{message}");
        assert!(message.contains("plain-text UTF-8 extraction"), "{message}");
    }
    let (_, _, message) = read_error(b"\xFF\xFEa\x00b\x00", true);
    assert!(message.contains("UTF-16"), "{message}");
    // A NUL past the first 8 KiB is not looked for.
    let mut late = vec![b'a'; BINARY_SNIFF_LEN];
    late.push(0);
    assert!(read(&late, false).is_ok());
}

#[test]
fn refuses_a_line_too_long_to_be_text() {
    let mut content = b"Title\n\n".to_vec();
    content.extend(std::iter::repeat_n(b"word ", MAX_LINE_BYTES / 5 + 1).flatten());
    content.extend(b"\nLast line.\n");
    let (_, line, message) = read_error(&content, false);
    assert_eq!(line, Some(3));
    assert!(message.contains("1.0 MB long"), "{message}");
    // Just under the limit is a (strange) text, not an error.
    let mut fits = b"Title\n\n".to_vec();
    fits.extend(std::iter::repeat_n(b'a', MAX_LINE_BYTES));
    assert!(read(&fits, false).is_ok());
}

#[test]
fn drops_a_utf8_byte_order_mark() {
    let text = read(b"\xEF\xBB\xBFHello.\n", false).unwrap();
    assert_eq!(text.text, "Hello.\n");
    assert_eq!(text.bytes, 10);
    let (_, _, message) = read_error(b"\xEF\xBB\xBF  \n", false);
    assert!(message.contains("only whitespace"), "{message}");
}

#[test]
fn read_text_rechecks_the_path() {
    let dir = folder(&entry("x", "a.txt"), &[("a.txt", b"Text.")]);
    let corpus = Corpus::load(dir.path()).unwrap();
    let mut doc = corpus.documents[0].clone();
    doc.file = PathBuf::from("../a.txt");
    let err = corpus.read_text(&doc, false).unwrap_err().to_string();
    assert!(err.contains("leaves the corpus folder"), "{err}");
}

#[test]
fn dates_parse_display_and_serialize_as_strings() {
    for (s, want) in [
        ("2017-08-31", (2017, Some(8), Some(31))),
        ("2011-05", (2011, Some(5), None)),
        ("2016", (2016, None, None)),
        ("2016-02-29", (2016, Some(2), Some(29))),
        ("2000-02-29", (2000, Some(2), Some(29))),
        ("0999-12-31", (999, Some(12), Some(31))),
    ] {
        let d: PartialDate = s.parse().unwrap();
        assert_eq!((d.year, d.month, d.day), want);
        assert_eq!(d.to_string(), s);
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, format!("\"{s}\""));
        assert_eq!(serde_json::from_str::<PartialDate>(&json).unwrap(), d);
    }
    for bad in [
        "",
        "2017-",
        "-2017",
        "+2017",
        "20170",
        "2017-00",
        "2017-13",
        "2017-1",
        "2017-01-00",
        "2017-04-31",
        "1900-02-29",
        "2017-01-01-01",
        "２０１７",
        "2017-01-1 ",
    ] {
        let err = bad.parse::<PartialDate>().unwrap_err();
        assert!(
            err.to_string()
                .starts_with(&format!("{bad:?} is not a date")),
            "{err}"
        );
    }
    assert!(serde_json::from_str::<PartialDate>("\"2017-13\"").is_err());
    assert!(serde_json::from_str::<PartialDate>("2017").is_err());
    let a: PartialDate = "2016".parse().unwrap();
    let b: PartialDate = "2016-01".parse().unwrap();
    assert!(a < b);
}

#[test]
fn documents_round_trip_through_json() {
    let corpus = Corpus::load(&manifest_dir()).unwrap();
    let json = serde_json::to_string(&corpus.documents).unwrap();
    let back: Vec<Document> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, corpus.documents);
}

/// Pieces of manifests, valid and not, for the generator below.
const FRAGMENTS: &[&str] = &[
    "[[document]]",
    "[document]",
    "[[documents]]",
    "id = \"a\"",
    "id = \"A b\"",
    "id = 3",
    "file = \"a.txt\"",
    "file = \"../a.txt\"",
    "file = \"/etc/passwd\"",
    "file = \"\"",
    "file = \"missing.txt\"",
    "title = \"T\"",
    "title = \"\"\"multi\nline\"\"\"",
    "issuer = \"I\"",
    "authors = [\"A\", \"\"]",
    "authors = \"A\"",
    "date = \"2017-02-30\"",
    "date = \"2016\"",
    "date = 2017-08-31",
    "date = 2011-05",
    "kind = \"k\"",
    "country = \"NO\"",
    "organization = \"O\"",
    "language = \"en\"",
    "language = \"EN\"",
    "url = \"https://x\"",
    "container = \"C\"",
    "extra = 1",
    "id = \"é",
    "= \"\"",
    "\"\"\"",
    "[[",
    "#",
    "",
    "\u{FEFF}",
    "id = '\u{0}'",
];

/// A manifest is loaded, or refused in one line at a line of the file;
/// only a manifest with no entry at all is refused as a whole.
fn manifest_outcome(text: &str) -> std::result::Result<(), TestCaseError> {
    let dir = folder("", &[("a.txt", b"Text.")]);
    let root = dir.path().to_path_buf();
    match Corpus::parse(root.clone(), root.join(MANIFEST_NAME), text) {
        Ok(corpus) => prop_assert!(!corpus.documents.is_empty()),
        Err(Error::User(e @ (UserError::Data { .. } | UserError::Problems { .. }))) => {
            let problems = match e {
                UserError::Problems { problems } => problems,
                e => vec![e],
            };
            for e in &problems {
                let (_, line, message) = parts(e);
                prop_assert!(!message.contains('\n'), "{message}");
                match line {
                    Some(line) => prop_assert!(
                        line >= 1 && line <= text.lines().count().max(1) + 1,
                        "line {line} of {text:?}"
                    ),
                    None => prop_assert!(message.contains("lists no documents"), "{message}"),
                }
            }
        }
        Err(other) => prop_assert!(false, "unexpected error {other:?}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_manifests_never_panic(text in "\\PC{0,200}") {
        manifest_outcome(&text)?;
    }

    #[test]
    fn manifests_from_fragments_never_panic(
        parts in prop::collection::vec(prop::sample::select(FRAGMENTS), 0..30)
    ) {
        manifest_outcome(&parts.join("\n"))?;
    }

    #[test]
    fn arbitrary_bytes_decode_or_are_refused(bytes in prop::collection::vec(any::<u8>(), 0..300), lossy: bool) {
        match decode(Path::new("t.txt"), bytes.clone(), lossy) {
            Ok(text) => {
                prop_assert_eq!(text.bytes, bytes.len() as u64);
                prop_assert!(!text.text.trim().is_empty());
                prop_assert_eq!(text.warnings.is_empty(), std::str::from_utf8(&bytes).is_ok());
            }
            Err(Error::User(e)) => prop_assert!(!e.to_string().contains('\n')),
            Err(other) => prop_assert!(false, "unexpected error {other:?}"),
        }
    }

    #[test]
    fn valid_dates_round_trip(year in 0i32..10000, month in 1u8..=12, day in 1u8..=31, precision in 0..3) {
        let s = match precision {
            0 => format!("{year:04}"),
            1 => format!("{year:04}-{month:02}"),
            _ => format!("{year:04}-{month:02}-{day:02}"),
        };
        match s.parse::<PartialDate>() {
            Ok(d) => prop_assert_eq!(d.to_string(), s),
            Err(_) => {
                prop_assert_eq!(precision, 2);
                prop_assert!(day > PartialDate::days_in_month(year, month));
            }
        }
    }

    #[test]
    fn arbitrary_date_strings_never_panic(s in "\\PC{0,12}") {
        if let Ok(d) = s.parse::<PartialDate>() {
            prop_assert_eq!(d.to_string(), s);
        }
    }
}
