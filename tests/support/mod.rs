//! Helpers shared by the integration tests. Each test crate uses a part of
//! them, hence the `dead_code` allowance where it is included.

use std::path::PathBuf;

/// The repository's root (the founding corpus is in its `corpus/`).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh folder holding a copy of the founding corpus in `corpus/`.
pub fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for entry in std::fs::read_dir(repo().join("corpus")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), corpus.join(entry.file_name())).unwrap();
    }
    dir
}
