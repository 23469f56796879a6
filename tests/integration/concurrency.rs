//! Concurrency: searches running while the index is rebuilt, and builds
//! racing each other. A search sees the old index or the new one, never an
//! error or a mix; of two builds one proceeds and the other waits (or, with
//! `--no-wait`, stops with a clear message); the index is never damaged.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::util::{process, repo};

/// The founding corpus copied `copies` times under new ids into `dir`;
/// variant B adds a paragraph, so the two variants answer the query below
/// differently.
fn make_corpus(dir: &Path, copies: usize, variant: char) {
    std::fs::create_dir_all(dir).unwrap();
    let founding = normsearch::corpus::Corpus::load(&repo().join("corpus")).unwrap();
    let mut manifest = String::new();
    for k in 0..copies {
        for (j, doc) in founding.documents.iter().enumerate() {
            let mut text = std::fs::read_to_string(founding.path_of(doc)).unwrap();
            if variant == 'B' && k == 0 && j == 0 {
                text.push_str("\nZanzibarian confidence-building measures were agreed.\n");
            }
            let name = format!("{k}-{}", doc.file.display());
            std::fs::write(dir.join(&name), text).unwrap();
            manifest.push_str(&format!(
                "[[document]]\nid = \"{}-{k}\"\nfile = \"{name}\"\ntitle = \"T\"\nissuer = \"I\"\ndate = \"{:04}-{:02}\"\nkind = \"report\"\nlanguage = \"en\"\n\n",
                doc.id,
                1900 + k,
                j + 1
            ));
        }
    }
    std::fs::write(dir.join("corpus.toml"), manifest).unwrap();
}

fn normsearch(index: &Path, corpus: &Path) -> Command {
    process(index, corpus)
}

fn build(index: &Path, corpus: &Path) -> Output {
    normsearch(index, corpus).arg("index").output().unwrap()
}

/// The fixed query, answered as `search --json` prints it minus its timing;
/// sorted by date, every passage has its own place.
fn answer(index: &Path, corpus: &Path) -> Result<String, String> {
    let out = normsearch(index, corpus)
        .args(["search", "--json", "--sort", "date", "--limit", "30"])
        .arg("confidence-building measures OR zanzibarian")
        .output()
        .unwrap();
    if out.status.code() != Some(0) {
        return Err(format!(
            "exit {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let mut v: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("{e}: not JSON"))?;
    v.as_object_mut().unwrap().remove("took_ms");
    Ok(v.to_string())
}

fn generations(index: &Path) -> Vec<String> {
    let mut g: Vec<String> = std::fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("gen-"))
        .collect();
    g.sort();
    g
}

/// The index answers as a fresh build of `corpus` does, its checksums hold,
/// and no more than two generations are kept.
fn assert_sound(index: &Path, corpus: &Path, expected: &str) {
    normsearch::index::verify(index).unwrap();
    assert_eq!(answer(index, corpus).unwrap(), expected);
    assert!(generations(index).len() <= 2, "{:?}", generations(index));
    assert!(!index.join("CURRENT.tmp").exists());
}

#[test]
fn searches_during_rebuilds_see_the_old_or_the_new_index() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let (a, b, index) = (w.join("A"), w.join("B"), w.join("index"));
    make_corpus(&a, 4, 'A');
    make_corpus(&b, 4, 'B');
    assert!(build(&index, &a).status.success());
    let answer_a = answer(&index, &a).unwrap();
    assert!(build(&index, &b).status.success());
    let answer_b = answer(&index, &b).unwrap();
    assert_ne!(answer_a, answer_b);

    let stop = AtomicBool::new(false);
    let searches = AtomicUsize::new(0);
    let seen_a = AtomicUsize::new(0);
    std::thread::scope(|s| {
        let readers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    while !stop.load(Ordering::Relaxed) {
                        let got = answer(&index, &a).expect("a search during a rebuild");
                        assert!(
                            got == answer_a || got == answer_b,
                            "an answer from neither index: {got}"
                        );
                        searches.fetch_add(1, Ordering::Relaxed);
                        if got == answer_a {
                            seen_a.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                })
            })
            .collect();
        // Rebuilds back and forth while they search: each switch, and each
        // removal of a generation two builds old, happens under readers.
        for round in 0..4 {
            let corpus = if round % 2 == 0 { &a } else { &b };
            let out = build(&index, corpus);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        stop.store(true, Ordering::Relaxed);
        for r in readers {
            r.join().unwrap();
        }
    });
    let n = searches.load(Ordering::Relaxed);
    eprintln!(
        "{n} searches during 4 rebuilds, {} answered from corpus A",
        seen_a.load(Ordering::Relaxed)
    );
    assert!(n >= 4, "only {n} searches ran during the rebuilds");
    assert_sound(&index, &b, &answer_b);
}

#[test]
fn two_builds_at_once_one_waits() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let (corpus, index) = (w.join("corpus"), w.join("index"));
    make_corpus(&corpus, 4, 'A');
    assert!(build(&index, &corpus).status.success());
    let expected = answer(&index, &corpus).unwrap();
    let mut waited = 0;
    for _ in 0..2 {
        let (x, y) = std::thread::scope(|s| {
            let x = s.spawn(|| build(&index, &corpus));
            let y = s.spawn(|| build(&index, &corpus));
            (x.join().unwrap(), y.join().unwrap())
        });
        for out in [&x, &y] {
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "{stderr}");
            if stderr.contains("another build holds") {
                assert!(stderr.contains("waiting for it to finish"), "{stderr}");
                waited += 1;
            }
        }
        assert_sound(&index, &corpus, &expected);
    }
    eprintln!("{waited} of 4 builds waited for another");
}

#[test]
fn two_builds_at_once_without_waiting_one_stops() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let (corpus, index) = (w.join("corpus"), w.join("index"));
    make_corpus(&corpus, 4, 'A');
    assert!(build(&index, &corpus).status.success());
    let expected = answer(&index, &corpus).unwrap();
    let mut refused = 0;
    for _ in 0..2 {
        let run = || {
            normsearch(&index, &corpus)
                .args(["index", "--no-wait"])
                .output()
                .unwrap()
        };
        let (x, y) = std::thread::scope(|s| {
            let x = s.spawn(run);
            let y = s.spawn(run);
            (x.join().unwrap(), y.join().unwrap())
        });
        let mut succeeded = 0;
        for out in [&x, &y] {
            let stderr = String::from_utf8_lossy(&out.stderr);
            match out.status.code() {
                Some(0) => succeeded += 1,
                Some(2) => {
                    assert_eq!(stderr.lines().count(), 1, "{stderr}");
                    assert!(
                        stderr.contains("another `normsearch index` is building this index; wait for it to finish"),
                        "{stderr}"
                    );
                    refused += 1;
                }
                other => panic!("exit {other:?}: {stderr}"),
            }
        }
        assert!(succeeded >= 1);
        assert_sound(&index, &corpus, &expected);
    }
    eprintln!("{refused} of 4 builds stopped for another");
}

#[test]
fn a_held_lock_makes_a_build_wait_or_stop() {
    use fs4::FileExt;
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let (corpus, index) = (repo().join("corpus"), w.join("index"));
    assert!(build(&index, &corpus).status.success());
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(index.join(".lock"))
        .unwrap();
    FileExt::lock(&lock).unwrap();
    let out = normsearch(&index, &corpus)
        .args(["index", "--no-wait"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("another `normsearch index` is building"),
        "{stderr}"
    );
    // Searches go on meanwhile: they take no lock.
    assert!(answer(&index, &corpus).is_ok());
    // Without --no-wait it waits for the lock, then builds. The lock is
    // let go once the build says it waits, however slow its start.
    let mut child = normsearch(&index, &corpus)
        .arg("index")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr_pipe = child.stderr.take().unwrap();
    let mut said = Vec::new();
    let mut chunk = [0u8; 256];
    while !String::from_utf8_lossy(&said).contains("waiting") {
        let n = std::io::Read::read(&mut stderr_pipe, &mut chunk).unwrap();
        assert!(n > 0, "{}", String::from_utf8_lossy(&said));
        said.extend_from_slice(&chunk[..n]);
    }
    FileExt::unlock(&lock).unwrap();
    std::io::Read::read_to_end(&mut stderr_pipe, &mut said).unwrap();
    let status = child.wait().unwrap();
    let stderr = String::from_utf8_lossy(&said);
    assert_eq!(status.code(), Some(0), "{stderr}");
}

#[test]
fn two_searches_on_a_missing_index_both_answer() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let (corpus, index) = (w.join("corpus"), w.join("index"));
    make_corpus(&corpus, 1, 'A');
    let (x, y) = std::thread::scope(|s| {
        let x = s.spawn(|| answer(&index, &corpus));
        let y = s.spawn(|| answer(&index, &corpus));
        (x.join().unwrap(), y.join().unwrap())
    });
    let (x, y) = (x.unwrap(), y.unwrap());
    assert_eq!(x, y);
    assert_sound(&index, &corpus, &x);
}
