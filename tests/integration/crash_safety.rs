//! Crash safety: `normsearch index` killed with SIGKILL at many moments of a
//! rebuild. Whenever it dies, the index that was serving still answers, byte
//! for byte; the next build succeeds, frees the lock and leaves no
//! unfinished generation or temporary file behind.
//!
//! The corpus is made here: the founding texts repeated under many ids, each
//! copy with its own date, so that a build lasts long enough to be cut at
//! many points and a query sorted by date has one answer only.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{binary, repo};

/// The founding corpus's documents: (id, file, kind).
const FOUNDING: &[(&str, &str, &str)] = &[
    (
        "norway",
        "norway-2017-international-cyber-strategy.txt",
        "national-strategy",
    ),
    (
        "ccdcoe",
        "ccdcoe-2016-international-cyber-norms-introduction.txt",
        "book-chapter",
    ),
    (
        "sweden",
        "sweden-2014-unga-68-243-submission.txt",
        "un-submission",
    ),
    (
        "usa",
        "usa-2011-international-strategy-for-cyberspace.txt",
        "national-strategy",
    ),
];

/// Writes a corpus of `copies` copies of the founding texts into `dir`.
/// Every document has its own date, so `--sort date` orders passages one
/// way only. `variant` B adds a paragraph to the newest document, so that
/// the two variants answer the fixed query differently.
fn make_corpus(dir: &Path, copies: usize, variant: char) {
    std::fs::create_dir_all(dir).unwrap();
    let mut manifest = String::new();
    for k in 0..copies {
        for (j, (id, file, kind)) in FOUNDING.iter().enumerate() {
            let mut text = std::fs::read_to_string(repo().join("corpus").join(file)).unwrap();
            let last = k + 1 == copies && j + 1 == FOUNDING.len();
            if last && variant == 'B' {
                text.push_str("\nZanzibarian confidence-building measures were agreed.\n");
            }
            let name = format!("{k:03}-{file}");
            std::fs::write(dir.join(&name), text).unwrap();
            manifest.push_str(&format!(
                "[[document]]\nid = \"{id}-{k:03}\"\nfile = \"{name}\"\ntitle = \"Copy {k} of {id}\"\nissuer = \"Issuer {j}\"\ndate = \"{:04}-{:02}-01\"\nkind = \"{kind}\"\nlanguage = \"en\"\n\n",
                1500 + k,
                j + 1
            ));
        }
    }
    std::fs::write(dir.join("corpus.toml"), manifest).unwrap();
}

fn index_cmd(index: &Path, corpus: &Path) -> Command {
    let mut cmd = Command::new(binary());
    cmd.arg("index")
        .arg("--corpus")
        .arg(corpus)
        .arg("--index")
        .arg(index)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// Builds to the end; returns how long it took.
fn build(index: &Path, corpus: &Path) -> Duration {
    let started = Instant::now();
    let out = index_cmd(index, corpus).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    started.elapsed()
}

/// The fixed query's answer, as `search --json` prints it, minus its timing.
fn answer(index: &Path, corpus: &Path) -> String {
    let out = Command::new(binary())
        .args(["search", "--json", "--sort", "date", "--limit", "40"])
        .arg("--corpus")
        .arg(corpus)
        .arg("--index")
        .arg(index)
        .arg("confidence-building measures OR zanzibarian")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
    let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_object_mut().unwrap().remove("took_ms");
    v.to_string()
}

fn entries(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn current(index: &Path) -> Option<String> {
    std::fs::read_to_string(index.join("CURRENT"))
        .ok()
        .map(|s| s.trim().to_string())
}

/// The build lock is free: nobody holds it after a kill.
fn assert_lock_free(index: &Path) {
    use fs4::FileExt;
    let path = index.join(".lock");
    if !path.exists() {
        return;
    }
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    FileExt::try_lock(&file).expect("the lock is free after a kill");
    FileExt::unlock(&file).unwrap();
}

/// After a successful build: the pointer, the lock, the generation serving
/// and at most the one before it; nothing unfinished, no temporary file.
fn assert_tidy(index: &Path, serving_before: Option<&str>) {
    let now = current(index).expect("a CURRENT after a successful build");
    let mut allowed: BTreeSet<String> = [".lock".to_string(), "CURRENT".into(), now.clone()].into();
    if let Some(before) = serving_before {
        allowed.insert(before.to_string());
    }
    let left = entries(index);
    assert!(
        left.is_subset(&allowed),
        "left behind: {:?}",
        left.difference(&allowed).collect::<Vec<_>>()
    );
    assert!(left.contains(&now));
}

/// When to kill a build.
#[derive(Debug, Clone, Copy)]
enum Moment {
    /// This long after it started.
    After(Duration),
    /// As soon as its new generation folder exists.
    GenerationCreated,
    /// As soon as the new generation holds a segment's stored texts.
    SegmentWritten,
    /// As soon as the new generation holds normsearch's record (the build is
    /// about to switch).
    RecordWritten,
    /// As soon as the temporary pointer exists (the switch is under way).
    PointerWritten,
}

/// Runs a build of `corpus` into `index` and kills it at `moment`; returns
/// whether it had already finished by itself.
fn kill_at(index: &Path, corpus: &Path, moment: Moment) -> bool {
    let before = entries(index);
    let mut child: Child = index_cmd(index, corpus).spawn().unwrap();
    let started = Instant::now();
    let new_generation = || {
        entries(index)
            .into_iter()
            .find(|n| n.starts_with("gen-") && !before.contains(n))
    };
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        let now = match moment {
            Moment::After(d) => started.elapsed() >= d,
            Moment::GenerationCreated => new_generation().is_some(),
            Moment::SegmentWritten => new_generation().is_some_and(|g| {
                entries(&index.join(g))
                    .iter()
                    .any(|f| f.ends_with(".store"))
            }),
            Moment::RecordWritten => new_generation()
                .is_some_and(|g| index.join(g).join("meta-normsearch.json").exists()),
            Moment::PointerWritten => index.join("CURRENT.tmp").exists(),
        };
        if now || started.elapsed() > Duration::from_secs(120) {
            break;
        }
        std::thread::sleep(Duration::from_micros(300));
    }
    let _ = child.kill(); // SIGKILL
    let status = child.wait().unwrap();
    status.success()
}

#[test]
fn killed_builds_never_lose_the_index() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let index = w.join("index");
    let (a, b) = (w.join("A"), w.join("B"));

    // A corpus whose build lasts at least a second here.
    let mut copies = 4;
    let (time, answers) = loop {
        let _ = std::fs::remove_dir_all(&a);
        let _ = std::fs::remove_dir_all(&b);
        let _ = std::fs::remove_dir_all(&index);
        make_corpus(&a, copies, 'A');
        make_corpus(&b, copies, 'B');
        build(&index, &a);
        let answer_a = answer(&index, &a);
        let time = build(&index, &b);
        let answer_b = answer(&index, &b);
        if time >= Duration::from_secs(1) || copies >= 64 {
            assert_ne!(answer_a, answer_b, "the variants must answer differently");
            break (time, [answer_a, answer_b]);
        }
        copies *= 2;
    };
    let corpora = [&a, &b];
    let outside_before = entries(w);

    // Moments spread across the whole build, then moments seen in the
    // index folder.
    let mut moments: Vec<Moment> = (0..22).map(|i| Moment::After(time * i / 20)).collect();
    moments.extend([
        Moment::GenerationCreated,
        Moment::SegmentWritten,
        Moment::RecordWritten,
        Moment::PointerWritten,
    ]);

    let mut serving = 1; // B
    let mut cut_short = 0;
    let mut outcomes = Vec::new();
    for (i, &moment) in moments.iter().enumerate() {
        let next = 1 - serving;
        let was = current(&index);
        let finished = kill_at(&index, corpora[next], moment);
        assert_lock_free(&index);
        // The old answer, unless the build got as far as switching; then
        // the new one. Never anything else, never an error.
        let switched = current(&index) != was;
        let expected = if switched { next } else { serving };
        assert_eq!(
            answer(&index, corpora[next]),
            answers[expected],
            "kill {i} at {moment:?} (switched: {switched})"
        );
        if !finished && !switched {
            cut_short += 1;
        }
        outcomes.push(match (finished, switched) {
            (true, _) => "finished",
            (false, true) => "switched",
            (false, false) => "cut",
        });
        // The next build succeeds and tidies up after the killed one.
        let serving_before = current(&index);
        build(&index, corpora[next]);
        assert_tidy(&index, serving_before.as_deref());
        assert_eq!(
            answer(&index, corpora[next]),
            answers[next],
            "after kill {i}"
        );
        serving = next;
    }
    eprintln!(
        "{} kills over a {:.2} s build of {} documents; {cut_short} cut a build short: {outcomes:?}",
        moments.len(),
        time.as_secs_f64(),
        copies * FOUNDING.len()
    );
    // Most kills must land inside a build, or this tests nothing.
    assert!(
        cut_short >= moments.len() / 2,
        "{cut_short} kills cut a build short"
    );
    // Nothing was written beside the index folder.
    assert_eq!(entries(w), outside_before);
}

#[test]
fn a_first_build_killed_leaves_no_index_and_the_next_succeeds() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let (index, corpus) = (w.join("index"), w.join("corpus"));
    make_corpus(&corpus, 2, 'A');
    for moment in [
        Moment::After(Duration::ZERO),
        Moment::GenerationCreated,
        Moment::SegmentWritten,
    ] {
        let finished = kill_at(&index, &corpus, moment);
        assert_lock_free(&index);
        if !finished {
            // No index yet: nothing claims to be one.
            assert_eq!(current(&index), None, "{moment:?}");
        }
        let _ = std::fs::remove_dir_all(&index);
        let _ = finished;
    }
    // Killed once more, then built: the leftovers go.
    kill_at(&index, &corpus, Moment::SegmentWritten);
    build(&index, &corpus);
    assert_tidy(&index, None);
    assert_eq!(
        entries(&index)
            .iter()
            .filter(|n| n.starts_with("gen-"))
            .count(),
        1
    );
}
