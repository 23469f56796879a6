//! The librarian's and the everyday user's commands, run as a person would:
//! `check`, `add` then `index`, `stats`, `export`, `completions`, `man`,
//! and hits on an 80-column terminal.

use crate::util::{normsearch, output, repo, workspace};
use normsearch::export::ExportRecord;
use std::collections::BTreeSet;
use std::path::Path;

/// The founding manifest with five mistakes a librarian makes, one each in
/// five different fields and entries.
fn five_mistakes(corpus: &Path) {
    let path = corpus.join("corpus.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text
        .replacen("date = \"2017-08-31\"", "date = \"2017-31-08\"", 1)
        // (the manifest's comments show the same line, indented)
        .replacen(
            "\nauthors = [\"Anna-Maria Osula\", \"Henry Rõigas\"]",
            "\nauthors = \"Anna-Maria Osula\"",
            1,
        )
        .replacen("country = \"SE\"", "country = \"Sweden\"", 1)
        .replacen(
            "kind = \"national-strategy\"\nissuer_type = \"state\"\ncountry = \"US\"",
            "kind = \"strategy\"\nissuer_type = \"state\"\ncountry = \"US\"",
            1,
        )
        .replacen("language = \"en\"", "langauge = \"en\"", 1);
    std::fs::write(&path, text).unwrap();
}

#[test]
fn check_reports_every_problem_in_one_run_and_leaves_the_index_alone() {
    let ws = workspace();
    let corpus = ws.path().join("corpus");
    five_mistakes(&corpus);
    let run = output(normsearch(ws.path(), &corpus).arg("check"));
    assert_eq!(run.code, 2, "{}", run.stderr);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 5, "{}", run.stderr);
    for (field, advice) in [
        ("date", "is not a date"),
        (
            "authors",
            "`authors` takes a list: authors = [\"Anna-Maria Osula\"]",
        ),
        ("country", "ISO 3166-1"),
        ("kind", "is not a known kind"),
        ("langauge", "did you mean `language`?"),
    ] {
        assert!(
            errors.iter().any(|e| e.contains("corpus.toml:")
                && e.contains(&format!(": {field}: "))
                && e.contains(advice)),
            "{field}: {}",
            run.stderr
        );
    }
    for e in &errors {
        assert!(
            !e.contains("invalid type") && !e.contains("expected a sequence"),
            "{e}"
        );
    }
    assert!(!ws.path().join("index").exists(), "check built an index");
}

#[test]
fn check_passes_the_founding_corpus() {
    let ws = workspace();
    let run = output(normsearch(ws.path(), &ws.path().join("corpus")).arg("check"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("error:"), "{}", run.stderr);
    assert!(run.stderr.contains("4 documents read"), "{}", run.stderr);
}

#[test]
fn add_then_index_makes_the_document_searchable() {
    let ws = workspace();
    let corpus = ws.path().join("corpus");
    let text = ws.path().join("Ruritania Cyber Strategy.txt");
    std::fs::write(
        &text,
        "Ruritania National Cyber Strategy\n\n1. Ruritania commits to quixotic zygomorphic norms of responsible state behaviour in cyberspace.\n\n2. The strategy is reviewed every year.\n",
    )
    .unwrap();
    let before = std::fs::read_to_string(corpus.join("corpus.toml")).unwrap();
    let run = output(normsearch(ws.path(), &corpus).args([
        "add",
        text.to_str().unwrap(),
        "--title",
        "National Cyber Strategy",
        "--issuer",
        "Government of Ruritania",
        "--date",
        "2021-03",
    ]));
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("added ruritania-cyber-strategy-2021"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("passages"), "{}", run.stdout);
    let after = std::fs::read_to_string(corpus.join("corpus.toml")).unwrap();
    // Comments and entries kept as they were; the new entry appended.
    assert!(after.starts_with(&before), "{after}");
    assert!(
        after.contains("id = \"ruritania-cyber-strategy-2021\""),
        "{after}"
    );
    assert!(corpus.join("ruritania-cyber-strategy-2021.txt").exists());
    assert!(!ws.path().join("index").exists(), "add built an index");

    let run = output(normsearch(ws.path(), &corpus).arg("index"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = output(normsearch(ws.path(), &corpus).args(["search", "zygomorphic", "--json"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("ruritania-cyber-strategy-2021:"),
        "{}",
        run.stdout
    );

    // The same text again, and a file that is not text, are refused and
    // change nothing.
    let again = output(normsearch(ws.path(), &corpus).args([
        "add",
        text.to_str().unwrap(),
        "--title",
        "T",
        "--issuer",
        "I",
        "--date",
        "2021",
        "--id",
        "other-2021",
    ]));
    assert_eq!(again.code, 2);
    assert!(
        again.stderr.contains("already in the corpus"),
        "{}",
        again.stderr
    );
    let pdf = ws.path().join("x.pdf");
    std::fs::write(&pdf, b"%PDF-1.7\n\x00\x01\x02binary").unwrap();
    let binary = output(normsearch(ws.path(), &corpus).args([
        "add",
        pdf.to_str().unwrap(),
        "--title",
        "T",
        "--issuer",
        "I",
        "--date",
        "2021",
    ]));
    assert_eq!(binary.code, 2);
    assert_eq!(
        std::fs::read_to_string(corpus.join("corpus.toml")).unwrap(),
        after
    );
    // A bad value is refused, and nothing is written.
    let other = ws.path().join("other.txt");
    std::fs::write(&other, "Another text about norms.\n").unwrap();
    let bad = output(normsearch(ws.path(), &corpus).args([
        "add",
        other.to_str().unwrap(),
        "--title",
        "T",
        "--issuer",
        "I",
        "--date",
        "2021-13",
    ]));
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("date"), "{}", bad.stderr);
    assert!(!corpus.join("other-2021.txt").exists());
    assert_eq!(
        std::fs::read_to_string(corpus.join("corpus.toml")).unwrap(),
        after
    );
}

#[test]
fn stats_count_per_document_and_in_total() {
    let ws = workspace();
    let corpus = ws.path().join("corpus");
    let run = output(normsearch(ws.path(), &corpus).args(["stats", "--json"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let docs = v["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 4);
    let sum: u64 = docs.iter().map(|d| d["passages"].as_u64().unwrap()).sum();
    assert_eq!(v["total"]["passages"].as_u64().unwrap(), sum);
    let ccdcoe = docs.iter().find(|d| d["id"] == "ccdcoe-2016").unwrap();
    assert!(ccdcoe["footnotes"].as_u64().unwrap() > 10, "{ccdcoe}");
    assert_eq!(v["languages"]["en"], 4);
    let table = output(normsearch(ws.path(), &corpus).arg("stats"));
    let head = table.stdout.lines().next().unwrap();
    assert!(
        head.starts_with("document ") && head.contains(" passages "),
        "{}",
        table.stdout
    );
    assert!(
        table.stdout.lines().any(|l| l.starts_with("total ")),
        "{}",
        table.stdout
    );
}

/// The long options `--help` lists for `args`.
fn help_flags(args: &[&str]) -> BTreeSet<String> {
    let ws = workspace();
    let run = output(
        normsearch(ws.path(), &repo().join("corpus"))
            .args(args)
            .arg("--help"),
    );
    run.stdout
        .split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']')
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(|w| {
            w.trim_end_matches(|c: char| !c.is_alphanumeric())
                .split('=')
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn completions_and_man_page_match_the_flags() {
    let ws = workspace();
    let corpus = repo().join("corpus");
    let bash = output(normsearch(ws.path(), &corpus).args(["completions", "bash"]));
    assert_eq!(bash.code, 0);
    let man = output(normsearch(ws.path(), &corpus).arg("man"));
    assert_eq!(man.code, 0);
    assert!(
        man.stdout.starts_with(".ie") || man.stdout.contains(".TH normsearch"),
        "{}",
        &man.stdout[..200]
    );
    // roff writes a hyphen in an option as `\-`.
    let page = man.stdout.replace("\\-", "-");
    for args in [
        &[][..],
        &["search"],
        &["add"],
        &["export"],
        &["check"],
        &["stats"],
    ] {
        let flags = help_flags(args);
        assert!(flags.contains("--help"), "{args:?}: {flags:?}");
        for flag in &flags {
            assert!(
                bash.stdout.contains(flag.as_str()),
                "bash lacks {flag} of {args:?}"
            );
            assert!(page.contains(flag.as_str()), "man lacks {flag} of {args:?}");
        }
    }
    for shell in ["zsh", "fish", "powershell"] {
        let run = output(normsearch(ws.path(), &corpus).args(["completions", shell]));
        assert_eq!(run.code, 0);
        // fish names a long option without its dashes.
        let full = if shell == "fish" { "-l full" } else { "--full" };
        assert!(run.stdout.contains(full), "{shell}");
    }
}

#[test]
fn export_round_trips_every_passage_for_opensearch_and_quickwit() {
    let ws = workspace();
    let corpus = ws.path().join("corpus");
    let config = ws.path().join("engines");
    let passages = output(normsearch(ws.path(), &corpus).args(["passages", "--json"]));
    let expected: Vec<serde_json::Value> = passages
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();

    let bulk = output(normsearch(ws.path(), &corpus).args([
        "export",
        "--format",
        "opensearch",
        "--config-dir",
        config.to_str().unwrap(),
    ]));
    assert_eq!(bulk.code, 0, "{}", bulk.stderr);
    assert!(bulk.stdout.ends_with('\n'));
    let lines: Vec<&str> = bulk.stdout.lines().collect();
    assert_eq!(lines.len(), 2 * expected.len());
    for (pair, p) in lines.chunks(2).zip(&expected) {
        let action: serde_json::Value = serde_json::from_str(pair[0]).unwrap();
        let record: ExportRecord = serde_json::from_str(pair[1]).unwrap();
        let id = format!("{}:{}", p["doc"].as_str().unwrap(), p["n"]);
        assert_eq!(action["index"]["_id"], serde_json::json!(id));
        assert_eq!(action["index"]["_index"], "normsearch");
        assert_eq!(record.id, id);
        assert_eq!(record.text, p["text"].as_str().unwrap());
        assert_eq!(serde_json::json!(record.lines), p["lines"]);
        assert_eq!(serde_json::json!(record.themes), p["themes"]);
        assert!(
            record.citation.contains(&format!("normsearch {id},")),
            "{}",
            record.citation
        );
        assert_eq!(record.anchor.len(), 10, "{record:?}");
    }

    let mapping: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(config.join("opensearch-index.json")).unwrap(),
    )
    .unwrap();
    let props = &mapping["mappings"]["properties"];
    assert_eq!(props["themes"]["type"], "keyword");
    assert_eq!(props["text"]["fields"]["en"]["analyzer"], "normsearch_en");
    assert_eq!(
        mapping["settings"]["analysis"]["filter"]["normsearch_stem_en"]["language"],
        "english"
    );
    // Every exported field is mapped (the mapping is strict).
    let first: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    for key in first.as_object().unwrap().keys() {
        assert!(props.get(key).is_some(), "{key} is not mapped");
    }

    let yaml: serde_json::Value = serde_norway::from_str(
        &std::fs::read_to_string(config.join("quickwit-index.yaml")).unwrap(),
    )
    .unwrap();
    assert_eq!(yaml["version"], "0.8");
    assert_eq!(yaml["index_id"], "normsearch");
    let dm = &yaml["doc_mapping"];
    assert_eq!(dm["timestamp_field"], "timestamp");
    assert_eq!(dm["tag_fields"], serde_json::json!(["doc", "themes"]));
    let fields = dm["field_mappings"].as_array().unwrap();
    let field = |n: &str| fields.iter().find(|f| f["name"] == n).unwrap().clone();
    assert_eq!(field("text")["record"], "position");
    assert_eq!(field("timestamp")["type"], "datetime");
    assert_eq!(field("doc")["tokenizer"], "raw");
    for key in first.as_object().unwrap().keys() {
        assert!(
            fields.iter().any(|f| f["name"] == key.as_str()),
            "{key} is not in the Quickwit mapping"
        );
    }

    let nd = output(normsearch(ws.path(), &corpus).args(["export", "--format", "quickwit"]));
    assert_eq!(nd.stdout.lines().count(), expected.len());
    for line in nd.stdout.lines() {
        let _: ExportRecord = serde_json::from_str(line).unwrap();
    }
}

#[test]
fn hits_on_an_80_column_terminal_break_no_word() {
    use rexpect::session::spawn_command;
    let ws = workspace();
    let corpus = ws.path().join("corpus");
    assert_eq!(output(normsearch(ws.path(), &corpus).arg("index")).code, 0);
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "stty cols 80 rows 40; exec '{}' search confidence building measures --limit 5",
            crate::util::binary().display()
        ))
        .env("NORMSEARCH_CORPUS", &corpus)
        .env("NORMSEARCH_INDEX", ws.path().join("index"))
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS");
    let mut p = spawn_command(cmd, Some(30_000)).unwrap();
    // The pty's bytes come back one char each: decode them as UTF-8.
    let bytes: Vec<u8> = p.exp_eof().unwrap().chars().map(|c| c as u8).collect();
    let screen = String::from_utf8_lossy(&bytes).into_owned();
    // What a terminal shows of each line: after the last "erase line"
    // (the progress bar clears itself), without the carriage return.
    let lines: Vec<&str> = screen
        .lines()
        .map(|l| {
            l.rsplit("\u{1b}[2K")
                .next()
                .unwrap_or(l)
                .trim_end_matches('\r')
        })
        .collect();
    assert!(
        lines.iter().any(|l| l.contains("…")),
        "no snippet: {screen}"
    );
    // Every word of the output is a word of the corpus's text or of the
    // program's own lines: a word cut at the edge would be neither.
    let json = output(normsearch(ws.path(), &corpus).args([
        "search",
        "confidence building measures",
        "--limit",
        "5",
        "--full",
        "--json",
    ]));
    let words: BTreeSet<&str> = json
        .stdout
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    let mut checked = 0;
    for line in &lines {
        assert!(
            line.chars().count() <= 80 || !line.trim().contains(' '),
            "{line:?}"
        );
        if line.starts_with("   ") && !line.trim_start().starts_with(['§', 'l']) {
            for word in line
                .split_whitespace()
                .filter(|w| w.chars().all(char::is_alphabetic))
            {
                assert!(
                    words.contains(word),
                    "{word:?} of {line:?} is not a word of the texts"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{screen}");
}
