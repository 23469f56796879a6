//! The query path on arbitrary text, parse → expand → search on an index of
//! the founding corpus: hits, no hits, a query error at a column inside the
//! query, or an unknown id listing the valid ones. Never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use normsearch::index::{self, BuildOptions, Index, Silent};
use normsearch::search::{search, SearchRequest};
use normsearch::{Error, UserError};
use std::path::Path;
use std::sync::OnceLock;

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
        let dir =
            std::env::temp_dir().join(format!("normsearch-fuzz-index-{}", std::process::id()));
        index::build(&corpus, &dir, &BuildOptions::default(), &Silent).unwrap();
        Index::open(&dir).unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    match search(index(), &SearchRequest::new(query)) {
        Ok(results) => assert!(results.total >= results.hits.len()),
        Err(Error::User(UserError::Query { column, message })) => {
            let len = query.chars().count();
            assert!(
                column >= 1 && column <= len.max(1),
                "column {column} of {len}: {message}"
            );
            assert!(!message.contains('\n'));
        }
        Err(Error::User(e @ UserError::UnknownId { .. })) => {
            let message = e.to_string();
            assert!(
                message.starts_with("unknown source") || message.starts_with("unknown theme"),
                "{message}"
            );
        }
        Err(other) => panic!("unexpected error: {other:?}"),
    }
});
