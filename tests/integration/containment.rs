//! Containment: every command writes only inside the index folder, and no
//! manifest can make the program read a file outside the corpus folder.

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::util::{binary, normsearch, repo};

/// Every file and folder under `root` with its size and modification time.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (u64, Option<SystemTime>)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let meta = std::fs::symlink_metadata(entry.path()).unwrap();
            if meta.is_dir() {
                stack.push(entry.path());
            }
            out.insert(entry.path(), (meta.len(), meta.modified().ok()));
        }
    }
    out
}

#[test]
fn every_command_writes_only_inside_the_index_folder() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let corpus = w.join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for entry in std::fs::read_dir(repo().join("corpus")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), corpus.join(entry.file_name())).unwrap();
    }
    // Home, configuration and temporary folders of their own, to see any
    // write the program might make there.
    let (home, tmp, cwd) = (w.join("home"), w.join("tmp"), w.join("cwd"));
    for d in [&home, &tmp, &cwd] {
        std::fs::create_dir(d).unwrap();
    }
    let run = |args: &[&str]| {
        let out = Command::new(binary())
            .current_dir(&cwd)
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("TMPDIR", &tmp)
            .env("NORMSEARCH_CORPUS", &corpus)
            .env("NORMSEARCH_INDEX", w.join("index"))
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.code() == Some(0) || out.status.code() == Some(1),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let before = snapshot(w);
    for args in [
        &["search", "norms"][..],
        &["index"],
        &["index", "--threads", "1"],
        &["search", "--json", "--explain", "CBMs"],
        &["show", "ccdcoe-2016:13"],
        &["cite", "ccdcoe-2016:13", "--format", "bibtex"],
        &["passages", "sweden-2014", "--dropped"],
        &["themes", "--json"],
    ] {
        run(args);
    }
    let after = snapshot(w);
    let index = w.join("index");
    let changed: Vec<&PathBuf> = after
        .iter()
        .filter(|(p, m)| before.get(*p) != Some(m))
        .map(|(p, _)| p)
        .chain(before.keys().filter(|p| !after.contains_key(*p)))
        .filter(|p| **p != index && !p.starts_with(&index))
        .collect();
    assert!(changed.is_empty(), "written outside the index: {changed:?}");
    assert!(index.join("CURRENT").is_file());
}

/// A corpus folder `corpus/` whose manifest lists `file`, beside a folder
/// `outside/` holding a secret text, and links from the corpus to it.
fn tricky(file: &str) -> tempfile::TempDir {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let (corpus, outside) = (w.join("corpus"), w.join("outside"));
    std::fs::create_dir_all(corpus.join("sub")).unwrap();
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "Zanzibarian secret.\n").unwrap();
    std::fs::write(corpus.join("sub/ok.txt"), "Plain text.\n").unwrap();
    std::os::unix::fs::symlink(&outside, corpus.join("door")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.txt"), corpus.join("sub/link.txt")).unwrap();
    std::fs::write(
        corpus.join("corpus.toml"),
        format!(
            "[[document]]\nid = \"x\"\nfile = '{file}'\ntitle = \"T\"\nissuer = \"I\"\ndate = \"2020\"\nkind = \"report\"\nlanguage = \"en\"\n"
        ),
    )
    .unwrap();
    work
}

#[test]
fn no_manifest_reads_outside_the_corpus_folder() {
    let probe = tricky("x");
    let outside = probe.path().join("outside/secret.txt");
    for file in [
        "../outside/secret.txt".to_string(),
        "sub/../../outside/secret.txt".into(),
        "./sub/../../outside/secret.txt".into(),
        outside.display().to_string(),
        "door/secret.txt".into(),
        "sub/link.txt".into(),
        "door/../corpus/sub/ok.txt".into(),
        "/etc/passwd".into(),
        "~/secret.txt".into(),
        "sub".into(),
        "".into(),
    ] {
        let work = tricky(&file);
        let w = work.path();
        for args in [&["index"][..], &["passages"], &["search", "zanzibarian"]] {
            let out = normsearch(w, &w.join("corpus"))
                .args(args)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{file:?} {args:?}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{file:?}: {stderr}");
            assert!(
                stderr.contains("corpus.toml:3: document \"x\": field `file`"),
                "{file:?}: {stderr}"
            );
            assert!(!String::from_utf8_lossy(&out.stdout).contains("Zanzibarian"));
        }
    }
}
