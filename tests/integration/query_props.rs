//! Property tests of the whole query path, parse → expand → search, on an
//! index of the founding corpus: whatever a researcher types, the answer is
//! hits, no hits, or a one-line error (a query error pointing at a column
//! inside the query, or an unknown id with the valid ones listed), never a
//! panic.

use normsearch::index::{self, BuildOptions, Index, Silent};
use normsearch::search::{search, search_with, RankingFeatures, SearchRequest, Sort};
use normsearch::{Error, UserError};
use proptest::prelude::*;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The founding corpus's index, built once per run in cargo's scratch
/// folder (a static is never dropped: a temporary folder would outlive it).
fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("query_props-index");
        let _ = std::fs::remove_dir_all(&dir);
        let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let options = BuildOptions {
            threads: 2,
            ..BuildOptions::default()
        };
        index::build(&corpus, &dir, &options, &Silent).unwrap();
        Index::open(&dir).unwrap()
    })
}

/// Runs `request` and checks the outcome's shape.
fn check(request: &SearchRequest) -> Result<(), TestCaseError> {
    let query = &request.query;
    match search(index(), request) {
        Ok(results) => {
            prop_assert!(results.hits.len() <= request.limit.max(1));
            prop_assert!(results.total >= results.hits.len());
            for (i, hit) in results.hits.iter().enumerate() {
                prop_assert_eq!(hit.rank, request.offset + i + 1);
                let chars = hit.text.chars().count();
                for [a, b] in &hit.highlights {
                    prop_assert!(a < b && *b <= chars, "highlight {a}..{b} of {chars}");
                }
                prop_assert!(hit.lines[0] >= 1 && hit.lines[0] <= hit.lines[1]);
            }
        }
        Err(Error::User(UserError::Query { column, message })) => {
            let len = query.chars().count();
            prop_assert!(
                column >= 1 && column <= len.max(1),
                "column {column} outside {query:?} ({len} chars): {message}"
            );
            prop_assert!(!message.contains('\n'), "{message}");
        }
        Err(Error::User(e @ UserError::UnknownId { .. })) => {
            // An unknown source or theme named in the query.
            let message = e.to_string();
            prop_assert!(
                message.starts_with("unknown source") || message.starts_with("unknown theme"),
                "{message}"
            );
            prop_assert!(message.contains("valid"), "{message}");
        }
        Err(other) => prop_assert!(false, "unexpected error for {query:?}: {other:?}"),
    }
    Ok(())
}

/// Words of the field, operators, filters and punctuation, in any order.
fn query_soup() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "norms",
        "CBMs",
        "GGE",
        "CII",
        "-CII",
        "-\"critical information infrastructure\"",
        "behaviour",
        "cyber",
        "security",
        "international",
        "law",
        "of",
        "the",
        "sovereign*",
        "sovreignty~1",
        "x~3",
        "a*",
        "*",
        "\"",
        "\u{201c}",
        "\u{201d}",
        "\"due diligence\"",
        "\"norms behaviour\"~2",
        "~",
        "AND",
        "OR",
        "NOT",
        "and",
        "(",
        ")",
        "+",
        "-",
        "source:usa-2011",
        "source:",
        "source:atlantis",
        "theme:cbm",
        "theme:norms/c",
        "theme:weather",
        "year:2011..2016",
        "year:..2014",
        "year:2020..2010",
        "year:x",
        "kind:footnote",
        "kind:poem",
        "colour:red",
        ":",
        "..",
        "é",
        "Rõigas",
        "\u{0}",
        "\t",
        " ",
        " ",
    ]);
    prop::collection::vec(pieces, 0..14).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_text_is_answered_or_refused_at_a_column(query in "\\PC{0,40}") {
        check(&SearchRequest::new(query))?;
    }

    #[test]
    fn query_soup_is_answered_or_refused_at_a_column(
        query in query_soup(),
        exact: bool,
        by_date: bool,
        limit in 0usize..30,
        offset in 0usize..400,
    ) {
        let mut request = SearchRequest::new(query);
        request.exact = exact;
        request.limit = limit;
        request.offset = offset;
        request.sort = if by_date { Sort::Date } else { Sort::Relevance };
        check(&request)?;
    }

    #[test]
    fn glued_soup_is_answered_or_refused_at_a_column(
        parts in prop::collection::vec(query_soup(), 1..4)
    ) {
        // The same pieces with no spaces between them: `(norms)AND"x`.
        let glued: String = parts.concat().split(' ').collect();
        check(&SearchRequest::new(glued))?;
    }
}

#[test]
fn a_phrase_the_index_lacks_beside_a_stopword_matches_nothing() {
    // Found by fuzzing: a clause of no positive part (the phrase's forms
    // absent from the index) matched every passage in the second pass,
    // so a page of hits came back with a total of none.
    for query in [
        "\"theme cbm\" of",
        "normsnorms\"theme:cbm\"normsbehaviour\"~2\"of",
    ] {
        check(&SearchRequest::new(query)).unwrap();
    }
    let results = search(index(), &SearchRequest::new("\"theme cbm\" of")).unwrap();
    assert!(results.hits.is_empty(), "{:?}", results.hits);
}

#[test]
fn excluding_a_phrase_keeps_exactly_the_other_passages() {
    // Found by fuzzing: excluding a phrase (typed, or an acronym's long form)
    // made tantivy's phrase scorer seek backwards and panic.
    let all = index().meta().passages;
    for phrase in [
        "\"critical information infrastructure\"",
        "CII",
        "\"free flow of information\"",
        "\"international law\"",
        "\"norms behaviour\"~2",
        "CBMs",
        "GGE",
    ] {
        // The algebra of exact matches: near matches of a phrase, which
        // `total` counts when they fill a page, are ranked extras.
        let exact_only = RankingFeatures {
            phrase_fallback: false,
            ..RankingFeatures::ALL
        };
        let total = |q: String| {
            search_with(index(), &SearchRequest::new(q), exact_only)
                .unwrap()
                .total
        };
        let with = total(phrase.to_string());
        assert!(with > 0, "{phrase}");
        assert_eq!(total(format!("-{phrase}")), all - with, "-{phrase}");
        assert_eq!(total(format!("NOT {phrase}")), all - with, "NOT {phrase}");
        let norms = total("norms".to_string());
        let both = total(format!("norms AND {phrase}"));
        assert_eq!(
            total(format!("norms -{phrase}")),
            norms - both,
            "norms -{phrase}"
        );
    }
}
