//! The manifest loader on arbitrary bytes: a corpus whose every text lies
//! inside the corpus folder, or a one-line error naming a line of the file
//! (only a manifest with no entry is refused as a whole). Never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use normsearch::corpus::{Corpus, MANIFEST_NAME};
use normsearch::{Error, UserError};
use std::path::PathBuf;
use std::sync::OnceLock;

/// A corpus folder with two texts, a subfolder and a link leading out.
fn folder() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("normsearch-fuzz-{}", std::process::id()));
        let inside = dir.join("corpus");
        std::fs::create_dir_all(inside.join("sub")).unwrap();
        std::fs::write(inside.join("a.txt"), "Some text.\n").unwrap();
        std::fs::write(inside.join("sub/b.txt"), "More text.\n").unwrap();
        std::fs::write(dir.join("secret.txt"), "Outside.\n").unwrap();
        let _ = std::os::unix::fs::symlink(dir.join("secret.txt"), inside.join("link.txt"));
        inside.canonicalize().unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let dir = folder();
    std::fs::write(dir.join(MANIFEST_NAME), data).unwrap();
    match Corpus::load(dir) {
        Ok(corpus) => {
            assert!(!corpus.documents.is_empty());
            for doc in &corpus.documents {
                let path = corpus.path_of(doc).canonicalize().unwrap();
                assert!(path.starts_with(dir), "{} is outside", path.display());
                let _ = corpus.read_text(doc, true);
            }
        }
        Err(Error::User(UserError::Data { message, line, .. })) => {
            assert!(!message.contains('\n'), "{message}");
            match line {
                Some(line) => {
                    let lines = data.split(|&b| b == b'\n').count();
                    assert!(line >= 1 && line <= lines + 1, "line {line} of {lines}");
                }
                None => assert!(message.contains("lists no documents"), "{message}"),
            }
        }
        Err(other) => panic!("unexpected error: {other:?}"),
    }
});
