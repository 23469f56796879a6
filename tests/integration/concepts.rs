//! Every concept of the built-in lexicon, tested from its own data: a
//! synthetic document holds one paragraph per name of each concept, and a
//! search for each name must find a paragraph holding another name of the
//! same concept, ranked below the paragraph holding the name typed.
//!
//! One index for the whole test; the search runs through the library.

use std::collections::BTreeMap;

use normsearch::index::{build, BuildOptions, Index, Silent};
use normsearch::lexicon::Lexicon;
use normsearch::search::{search_with, RankingFeatures, SearchRequest};

/// The paragraph that names form `k` of concept `c`.
fn paragraph(c: usize, k: usize, form: &str) -> String {
    format!("Fixture paragraph {c} {k}: this passage names {form} and nothing else of note.")
}

#[test]
fn every_name_of_every_concept_finds_the_others_below_itself() {
    let lexicon = Lexicon::builtin();
    let concepts = lexicon.concepts();
    assert!(concepts.len() >= 150, "{} concepts", concepts.len());
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let mut text = String::new();
    // paragraph text → (concept, form)
    let mut owner: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (c, concept) in concepts.iter().enumerate() {
        for (k, (form, _)) in concept.forms.iter().enumerate() {
            let p = paragraph(c, k, form);
            text.push_str(&p);
            text.push_str("\n\n");
            owner.insert(p, (c, k));
        }
    }
    std::fs::write(corpus.join("concepts.txt"), text).unwrap();
    std::fs::write(
        corpus.join("corpus.toml"),
        "[[document]]\nid = \"concepts\"\nfile = \"concepts.txt\"\n\
         title = \"Concept fixture\"\nissuer = \"normsearch tests\"\n\
         date = \"2024\"\nkind = \"article\"\nlanguage = \"en\"\n",
    )
    .unwrap();
    let opts = BuildOptions {
        threads: 1,
        wait_for_lock: true,
        lossy: false,
    };
    build(&corpus, &dir.path().join("index"), &opts, &Silent).unwrap();
    let index = Index::open(&dir.path().join("index")).unwrap();

    let unthemed = RankingFeatures {
        theme_boost: false,
        ..RankingFeatures::ALL
    };
    let mut failures = Vec::new();
    for (c, concept) in concepts.iter().enumerate() {
        // A concept with one English name holds its names in other
        // languages, for the per-language analysis: nothing to find yet.
        if concept.forms.len() < 2 {
            continue;
        }
        for (k, (form, kind)) in concept.forms.iter().enumerate() {
            let mut request = SearchRequest::new(format!("\"{form}\""));
            request.limit = 1000;
            // The fixture's paragraphs carry themes of their own; the order
            // tested is the concept's.
            let hits = match search_with(&index, &request, unthemed) {
                Ok(r) => r.hits,
                Err(e) => {
                    failures.push(format!("{} {form:?}: {e}", concept.id));
                    continue;
                }
            };
            let of = |h: &normsearch::search::Hit| owner.get(h.text.trim()).copied();
            let typed = lexicon.analyze(form);
            // Another name that holds the one typed (`UN GGE` for `GGE`)
            // is found as typed, and may rank level with it.
            let holds = |h: &normsearch::search::Hit| {
                lexicon
                    .analyze(&h.text)
                    .windows(typed.len())
                    .any(|w| w == typed.as_slice())
            };
            // A paragraph whose name holds two of the concept's names
            // (`Council of Europe Convention on Cybercrime`) adds both.
            let names = |h: &normsearch::search::Hit| {
                let words = lexicon.analyze(&h.text);
                concept
                    .forms
                    .iter()
                    .filter(|(f, _)| {
                        let t = lexicon.analyze(f);
                        words.windows(t.len()).any(|w| w == t.as_slice())
                    })
                    .count()
            };
            let own = hits.iter().position(|h| of(h) == Some((c, k)));
            let other = hits.iter().position(|h| {
                matches!(of(h), Some((hc, hk)) if hc == c && hk != k) && !holds(h) && names(h) == 1
            });
            let found_other = hits
                .iter()
                .any(|h| matches!(of(h), Some((hc, hk)) if hc == c && hk != k));
            match (own, other) {
                (_, None) if !found_other => failures.push(format!(
                    "{} {kind:?} {form:?}: finds no other name of the concept",
                    concept.id
                )),
                (None, _) => failures.push(format!(
                    "{} {kind:?} {form:?}: misses its own paragraph",
                    concept.id
                )),
                (Some(o), Some(x)) if x < o => failures.push(format!(
                    "{} {kind:?} {form:?}: another name ranks above the one typed",
                    concept.id
                )),
                _ => {}
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of the concepts' names fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
