//! Helpers shared by every integration test: where the repository and the
//! binary are, fresh workspaces, and the command builders, made once here.

use std::path::{Path, PathBuf};
use std::process::Stdio;

/// The repository's root (the founding corpus is in its `corpus/`).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `normsearch` binary cargo built for these tests.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_normsearch"))
}

/// A fresh folder holding a copy of the founding corpus in `corpus/`.
pub fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_corpus(&dir.path().join("corpus"));
    dir
}

/// Copies the founding corpus into `to` (created).
pub fn copy_corpus(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(repo().join("corpus")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// The binary, run in `dir` on the corpus in `corpus` and the index in
/// `dir/index` (through the environment, as a user sets them), with no
/// colour setting and no history folder of the user's.
pub fn normsearch(dir: &Path, corpus: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(binary());
    cmd.current_dir(dir)
        .env("NORMSEARCH_CORPUS", corpus)
        .env("NORMSEARCH_INDEX", dir.join("index"))
        .env_remove("NO_COLOR")
        .env_remove("XDG_DATA_HOME");
    cmd
}

/// The binary as a process of its own (to run beside others, or to kill),
/// on `corpus` and `index` given as flags, with no input.
pub fn process(index: &Path, corpus: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(binary());
    cmd.arg("--corpus")
        .arg(corpus)
        .arg("--index")
        .arg(index)
        .stdin(Stdio::null());
    cmd
}

/// A finished command's exit code and output.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cmd` to the end.
pub fn output(cmd: &mut assert_cmd::Command) -> Run {
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}
