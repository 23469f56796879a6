//! The search's tests, on the founding corpus indexed once: matching,
//! filters, ids, paging, JSON, highlights, lookup, and the two passes
//! checked against tantivy's own ranking.
use super::clauses::RANKING;
use super::highlight::{edit_distance, highlights, positive_leaves};
use super::lookup::read_hit;
use super::plan::{Clause, Plan};
use super::*;
use crate::index::{build, BuildOptions, Silent};
use crate::lexicon::Lexicon;
use std::path::Path;
use std::sync::OnceLock;
use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Query as TantivyQuery};
use tantivy::{DocAddress, Score};

/// The founding corpus, indexed once for all tests of this module.
fn index() -> &'static Index {
    static INDEX: OnceLock<(tempfile::TempDir, Index)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
            let opts = BuildOptions {
                threads: 2,
                wait_for_lock: true,
                lossy: false,
            };
            build(&corpus, &dir.path().join("index"), &opts, &Silent).unwrap();
            let index = Index::open(&dir.path().join("index")).unwrap();
            (dir, index)
        })
        .1
}

fn run(q: &str) -> SearchResults {
    search(index(), &SearchRequest::new(q)).unwrap_or_else(|e| panic!("{q}: {e}"))
}

fn ids(r: &SearchResults) -> Vec<String> {
    r.hits.iter().map(|h| h.id.clone()).collect()
}

fn marked(h: &Hit) -> Vec<String> {
    let chars: Vec<char> = h.text.chars().collect();
    h.highlights
        .iter()
        .map(|[a, b]| chars[*a..*b].iter().collect())
        .collect()
}

#[test]
fn phrases_are_highlighted_as_one_span() {
    let r = run("\"confidence-building measures\"");
    assert!(r.total > 0);
    for h in &r.hits {
        for m in marked(h) {
            assert!(
                m.to_lowercase().starts_with("confidence") || m.to_lowercase().starts_with("cbm"),
                "{m:?} in {}",
                h.id
            );
            assert!(
                m.contains(' ') || m.contains('-') || m.starts_with("CBM"),
                "{m:?}"
            );
        }
    }
}

#[test]
fn spelling_variants_find_each_other() {
    let all = |q: &str| {
        let mut req = SearchRequest::new(q);
        req.limit = 1000;
        search(index(), &req).unwrap()
    };
    let us = all("behavior");
    let uk = all("behaviour");
    assert!(us.total > 0);
    // The same passages; the spelling typed ranks a little higher.
    let (mut a, mut b) = (ids(&us), ids(&uk));
    a.sort();
    b.sort();
    assert_eq!(a, b);
    let marks: Vec<String> = us.hits.iter().flat_map(marked).collect();
    assert!(
        marks
            .iter()
            .any(|m| m.to_lowercase().starts_with("behaviour")),
        "{marks:?}"
    );
    assert!(
        marks
            .iter()
            .any(|m| m.to_lowercase().starts_with("behavior")),
        "{marks:?}"
    );
}

#[test]
fn acronyms_find_long_forms_and_back() {
    let short = run("CBMs");
    let long = run("\"confidence-building measures\"");
    assert_eq!(short.total, long.total);
    let texts: Vec<&str> = short.hits.iter().map(|h| h.text.as_str()).collect();
    assert!(texts.iter().any(|t| t.contains("CBM")));
    assert!(texts
        .iter()
        .any(|t| t.to_lowercase().contains("confidence-building measures")));
}

#[test]
fn exact_mode_keeps_spellings_apart() {
    let mut req = SearchRequest::new("behaviour");
    req.exact = true;
    let r = search(index(), &req).unwrap();
    assert!(r.total > 0);
    assert!(r
        .hits
        .iter()
        .all(|h| h.text.to_lowercase().contains("behaviour")));
    assert!(r.total < run("behaviour").total);
}

#[test]
fn filters_restrict() {
    let mut req = SearchRequest::new("cybersecurity");
    req.sources = vec!["sweden-2014".into()];
    req.facets = true;
    let r = search(index(), &req).unwrap();
    assert!(r.total > 0);
    assert!(r.hits.iter().all(|h| h.doc == "sweden-2014"));
    assert_eq!(r.facets.source.len(), 1);

    let r = run("cybersecurity year:2015..2020");
    assert!(r.total > 0);
    assert!(r
        .hits
        .iter()
        .all(|h| h.date.starts_with("2016") || h.date.starts_with("2017")));

    let r = run("cybersecurity source:usa-2011");
    assert!(r.hits.iter().all(|h| h.doc == "usa-2011"));

    let mut req = SearchRequest::new("norms");
    req.kind = Some(PassageKind::Footnote);
    let r = search(index(), &req).unwrap();
    assert!(r.hits.iter().all(|h| h.kind == PassageKind::Footnote));
}

#[test]
fn theme_filters_include_sub_themes_and_facets_count() {
    let mut req = SearchRequest::new("international law");
    req.themes = vec!["international-law".into()];
    req.limit = 100;
    req.facets = true;
    let r = search(index(), &req).unwrap();
    assert!(r.total > 0);
    assert!(r
        .hits
        .iter()
        .all(|h| h.themes.iter().any(|t| t.starts_with("international-law"))));
    let pillar = r.facets.theme["international-law"];
    assert_eq!(pillar as usize, r.total);
    // Sub-themes are counted too, and each within its pillar's count.
    let subs: Vec<(&String, &u64)> = r
        .facets
        .theme
        .iter()
        .filter(|(k, _)| k.starts_with("international-law/"))
        .collect();
    assert!(!subs.is_empty(), "{:?}", r.facets.theme);
    assert!(subs.iter().all(|(_, &c)| c <= pillar));

    let sub = run("sovereignty theme:international-law/sovereignty");
    assert!(sub.hits.iter().all(|h| h
        .themes
        .contains(&"international-law/sovereignty".to_string())));
}

#[test]
fn unknown_ids_list_the_valid_ones() {
    let e = search(index(), &SearchRequest::new("norms theme:nonsense"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("unknown theme `nonsense`") && e.contains("cbm"),
        "{e}"
    );
    let mut req = SearchRequest::new("norms");
    req.sources = vec!["narnia-2020".into()];
    let e = search(index(), &req).unwrap_err().to_string();
    assert!(
        e.contains("unknown source `narnia-2020`") && e.contains("norway-2017"),
        "{e}"
    );
    let e = search(index(), &SearchRequest::new("norms source:nope"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown source `nope`"), "{e}");
}

#[test]
fn exclusions_and_requirements() {
    let all = run("norms");
    let without = run("norms -source:usa-2011");
    assert!(without.total < all.total);
    assert!(without.hits.iter().all(|h| h.doc != "usa-2011"));
    let r = run("+sovereignty norms");
    assert!(r
        .hits
        .iter()
        .all(|h| h.text.to_lowercase().contains("sovereign")));
    let r = run("NOT norms");
    assert!(r.total > 0);
    // No hit holds the word (as its stem): `normative` may stay.
    let lex = index().lexicon();
    assert!(r
        .hits
        .iter()
        .all(|h| !lex.analyze(&h.text).contains(&"norm".to_string())));
}

#[test]
fn prefix_and_fuzzy() {
    let r = run("cyberspa*");
    assert!(r.total > 0);
    assert!(marked(&r.hits[0])
        .iter()
        .all(|m| m.to_lowercase().starts_with("cyberspa")));
    let r = run("sovreignty~1");
    assert!(r.total > 0);
    assert!(marked(&r.hits[0])
        .iter()
        .any(|m| m.to_lowercase() == "sovereignty"));
}

#[test]
fn pages_and_sorting() {
    let first = run("cyber");
    let mut req = SearchRequest::new("cyber");
    req.offset = 3;
    req.limit = 2;
    let page = search(index(), &req).unwrap();
    assert_eq!(page.total, first.total);
    assert_eq!(ids(&page), ids(&first)[3..5].to_vec());
    assert_eq!(page.hits[0].rank, 4);

    let mut req = SearchRequest::new("cyber");
    req.sort = Sort::Date;
    req.limit = 500;
    let r = search(index(), &req).unwrap();
    let dates: Vec<&str> = r.hits.iter().map(|h| h.date.as_str()).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);

    let mut req = SearchRequest::new("cyber");
    req.limit = 0;
    let r = search(index(), &req).unwrap();
    assert!(r.hits.is_empty() && r.total == first.total);
}

#[test]
fn json_round_trips() {
    let r = run("\"international law\"");
    assert!(!r.hits.is_empty());
    let json = serde_json::to_value(&r).unwrap();
    for key in ["query", "total", "took_ms", "hits", "facets"] {
        assert!(json.get(key).is_some(), "{key}");
    }
    let hit = &json["hits"][0];
    for key in [
        "id",
        "rank",
        "score",
        "doc",
        "title",
        "issuer",
        "date",
        "section",
        "label",
        "page",
        "n",
        "lines",
        "kind",
        "anchor",
        "themes",
        "text",
        "highlights",
    ] {
        assert!(hit.get(key).is_some(), "{key} missing in {hit}");
    }
    let back: SearchResults = serde_json::from_value(json).unwrap();
    assert_eq!(back.hits, r.hits);
}

#[test]
fn highlight_offsets_count_characters() {
    let lex = Lexicon::builtin();
    let q = Query::parse("roigas \"cyber security\"")
        .unwrap()
        .expand(&lex, false)
        .unwrap();
    let leaves = positive_leaves(&q.root);
    let text = "Rõigas wrote on cyber-security.";
    let h = highlights(text, &leaves, &lex, false);
    assert_eq!(h, vec![[0, 6], [16, 30]]);
}

#[test]
fn saved_references_find_their_passage() {
    let hit = run("sovereignty").hits.remove(0);
    let by_id = find(index(), &hit.id).unwrap();
    assert_eq!(by_id.len(), 1);
    assert_eq!(by_id[0].text, hit.text);
    let by_anchor = find(index(), &hit.anchor).unwrap();
    assert!(by_anchor.iter().any(|h| h.id == hit.id));
    let scoped = find(index(), &format!("{}@{}", hit.doc, hit.anchor)).unwrap();
    assert_eq!(scoped.len(), 1);
    assert_eq!(scoped[0].id, hit.id);
    assert!(find(index(), "norway-2017:99999").unwrap().is_empty());
    assert!(find(index(), "0000000000").unwrap().is_empty());
    let e = find(index(), "atlantis:3").unwrap_err().to_string();
    assert!(
        e.contains("unknown document `atlantis`") && e.contains("usa-2011"),
        "{e}"
    );
    assert!(find(index(), "norway-2017:x").is_err());
}

#[test]
fn stopwords_are_not_highlighted_beside_content_words() {
    let r = run("protection of critical infrastructure");
    let marks: Vec<String> = r.hits.iter().flat_map(marked).collect();
    assert!(!marks.is_empty());
    assert!(marks.iter().all(|m| m.to_lowercase() != "of"), "{marks:?}");
    // A quoted phrase keeps its stopwords inside its one span.
    let r = run("\"freedom of expression\"");
    assert!(marked(&r.hits[0])
        .iter()
        .any(|m| m.to_lowercase() == "freedom of expression"));
}

/// The plan as one tantivy query, every clause in it.
fn whole(plan: &Plan, clause: &Clause) -> Box<dyn TantivyQuery> {
    match clause {
        Clause::Leaf(i) => plan.leaves[*i].query.box_clone(),
        Clause::Bool(cs) => Box::new(BooleanQuery::new(
            cs.iter().map(|(o, c)| (*o, whole(plan, c))).collect(),
        )),
        Clause::Fallback { exact, near: None } => whole(plan, exact),
        Clause::Fallback {
            exact,
            near: Some(near),
        } => Box::new(BooleanQuery::new(vec![
            (tantivy::query::Occur::Should, whole(plan, exact)),
            (tantivy::query::Occur::Should, whole(plan, near)),
        ])),
    }
}

fn plan(q: &str) -> Plan {
    let request = SearchRequest::new(q);
    let query = expand(index(), &request).unwrap();
    Plan::new(
        index(),
        &index().searcher(),
        &request,
        &query,
        RankingFeatures::ALL,
        false,
        &[],
    )
}

const SHAPES: &[&str] = &[
    "security",
    "international law",
    "\"international law\"",
    "CBMs",
    "confidence building measures",
    "+sovereignty norms -source:usa-2011",
    "role of the private sector",
    "(privacy OR surveillance) AND NOT norms",
    "\"norms behaviour\"~2 cyber",
    "cyberspa* sovreignty~1",
    "NOT norms",
];

#[test]
fn the_best_passages_of_phrases_and_unions_are_tantivys() {
    let searcher = index().searcher();
    let queries = [
        "\"international law\"",
        "\"critical infrastructure\"",
        "\"human rights\"",
        "\"in the field of\"",
        "\"of the\"",
        "\"norms of responsible state behaviour\"",
        "CBMs",
        "confidence-building measures",
        "\"international law\" OR privacy OR \"human rights\"",
    ];
    for q in queries {
        let plan = plan(q);
        let recall = plan.recall();
        let clauses = recall.union.unwrap_or_else(|| panic!("{q}: a union"));
        let all = searcher.search(&*recall.query, &Count).unwrap();
        assert!(all > 0, "{q}");
        for k in [1, 2, 3, 10, 100] {
            let theirs = searcher
                .search(&*recall.query, &TopDocs::with_limit(k).order_by_score())
                .unwrap();
            let ours = top_union(&searcher, &clauses, k).unwrap();
            assert_eq!(ours.len(), k.min(all), "{q} top {k}");
            // The same scores, but for the order of a sum's terms.
            let close = |a: Score, b: Score| (a - b).abs() <= 1e-5 * a.abs().max(1.0);
            for (o, t) in ours.iter().zip(&theirs) {
                assert!(close(o.0, t.0), "{q} top {k}: {} vs {}", o.0, t.0);
            }
            // A passage tantivy ranks clearly above our worst is ours.
            let worst = ours.last().map_or(Score::MIN, |r| r.0);
            for t in theirs.iter().filter(|t| t.0 > worst && !close(t.0, worst)) {
                assert!(
                    ours.iter().any(|o| o.1 == t.1),
                    "{q} top {k}: {:?} missing",
                    t.1
                );
            }
        }
    }
}

#[test]
fn the_second_pass_scores_as_tantivy_does() {
    let searcher = index().searcher();
    for q in SHAPES {
        let plan = plan(q);
        let found = searcher
            .search(
                &*whole(&plan, &plan.root),
                &TopDocs::with_limit(100_000).order_by_score(),
            )
            .unwrap();
        assert!(!found.is_empty(), "{q}");
        let addresses: Vec<DocAddress> = found.iter().map(|(_, a)| *a).collect();
        let ours = plan.scores(&searcher, &addresses).unwrap();
        for ((expected, address), got) in found.iter().zip(ours) {
            let hit = read_hit(&searcher, index().fields(), *address, 0.0).unwrap();
            let factor = match hit.kind {
                PassageKind::Body => 1.0,
                PassageKind::ListItem => RANKING.list_item,
                PassageKind::Footnote => RANKING.footnote,
            };
            let got = got
                .unwrap_or_else(|| panic!("{q}: {} not matched", hit.id))
                .score;
            assert!(
                (got - expected * factor).abs() <= 1e-4 * got.abs().max(1.0),
                "{q}: {} scored {got}, tantivy {expected} × {factor}",
                hit.id
            );
        }
    }
}

#[test]
fn both_first_passes_find_every_match() {
    let searcher = index().searcher();
    for q in SHAPES {
        let plan = plan(q);
        let all = searcher
            .search(&*whole(&plan, &plan.root), &DocSetCollector)
            .unwrap();
        let recall = searcher
            .search(&*plan.recall().query, &DocSetCollector)
            .unwrap();
        assert_eq!(recall, all, "{q}");
        if let Some(ranking) = plan.ranking() {
            let wider = searcher.search(&*ranking.query, &DocSetCollector).unwrap();
            assert!(all.is_subset(&wider), "{q}");
        }
    }
    // Words alone are pruned, whatever their boosts.
    assert!(plan("international law").ranking().unwrap().prunable);
    assert!(plan("security").recall().prunable);
    assert!(plan("\"international law\"").ranking().is_none());
}

#[test]
fn pages_match_the_exhaustive_ranking() {
    let searcher = index().searcher();
    for q in [
        "security",
        "international cooperation",
        "digitization",
        "CBMs",
    ] {
        let plan = plan(q);
        let found = searcher
            .search(
                &*whole(&plan, &plan.root),
                &TopDocs::with_limit(100_000).order_by_score(),
            )
            .unwrap();
        let addresses: Vec<DocAddress> = found.iter().map(|(_, a)| *a).collect();
        let mut all: Vec<(Score, DocAddress)> = plan
            .scores(&searcher, &addresses)
            .unwrap()
            .into_iter()
            .zip(addresses)
            .map(|(s, a)| (s.unwrap().score, a))
            .collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        // The plan here names no theme; nor may the search.
        let unthemed = RankingFeatures {
            theme_boost: false,
            ..RankingFeatures::ALL
        };
        let r = search_with(index(), &SearchRequest::new(q), unthemed).unwrap();
        assert_eq!(r.total, all.len(), "{q}");
        let got: Vec<Score> = r.hits.iter().map(|h| h.score).collect();
        let expected: Vec<Score> = all.iter().take(10).map(|(s, _)| *s).collect();
        assert_eq!(got, expected, "{q}");
    }
}

#[test]
fn uncounted_totals_are_lower_bounds() {
    let counted = run("cyber");
    let mut req = SearchRequest::new("cyber");
    req.count = false;
    req.limit = 3;
    let r = search(index(), &req).unwrap();
    assert_eq!(ids(&r), ids(&counted)[..3].to_vec());
    assert!(r.total <= counted.total);
    assert!(r.total_exact || r.total == counted.total);
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json.get("total_exact").is_some(), !r.total_exact);
    assert!(counted.total_exact && counted.facets == Facets::default());
}

#[test]
fn large_indexes_count_several_words_only_when_asked() {
    assert!(counts_every_match(true, false, 10 * ALWAYS_COUNTED));
    assert!(counts_every_match(false, true, 10 * ALWAYS_COUNTED));
    assert!(counts_every_match(false, false, ALWAYS_COUNTED));
    assert!(!counts_every_match(false, false, ALWAYS_COUNTED + 1));
}

#[test]
fn edit_distances() {
    assert_eq!(edit_distance("sovereignty", "sovreignty"), 1);
    assert_eq!(edit_distance("ab", "ba"), 1);
    assert_eq!(edit_distance("", "abc"), 3);
}

#[test]
fn a_phrase_falls_back_to_near_matches_after_its_exact_ones() {
    // Few exact matches: near ones fill the page, each marked, after them.
    let r = run("\"human rights online\"");
    let marks: Vec<Option<PhraseMatch>> = r.hits.iter().map(|h| h.phrase).collect();
    let exact = marks
        .iter()
        .filter(|m| **m == Some(PhraseMatch::Exact))
        .count();
    assert!(exact >= 1, "{marks:?}");
    assert!(marks.len() > exact, "no near match: {marks:?}");
    assert!(
        marks[..exact]
            .iter()
            .all(|m| *m == Some(PhraseMatch::Exact))
            && marks[exact..].iter().all(|m| *m == Some(PhraseMatch::Near)),
        "{marks:?}"
    );
    assert!(r.total >= r.hits.len());
    // Near hits do not hold the phrase (exact ones hold it or another name
    // of its concept).
    for h in &r.hits[exact..] {
        assert!(
            !h.text.to_lowercase().contains("human rights online"),
            "{}",
            h.text
        );
    }
    // `--exact` means the exact phrase only.
    let mut req = SearchRequest::new("\"human rights online\"");
    req.exact = true;
    let only = search(index(), &req).unwrap();
    assert!(!only.hits.is_empty() && only.hits.len() <= exact);
    assert!(only.hits.iter().all(|h| h.phrase.is_none()));
    // So does the ranking without its fall-back.
    let plain = RankingFeatures {
        phrase_fallback: false,
        ..RankingFeatures::ALL
    };
    let without = search_with(
        index(),
        &SearchRequest::new("\"human rights online\""),
        plain,
    )
    .unwrap();
    assert_eq!(without.hits.len(), exact);
    // Marked in the JSON.
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains("\"phrase\":\"exact\"") && json.contains("\"phrase\":\"near\""));
}

#[test]
fn a_common_phrase_fills_its_page_with_exact_hits() {
    let r = run("\"international law\"");
    assert_eq!(r.hits.len(), 10);
    assert!(r.hits.iter().all(|h| h.phrase == Some(PhraseMatch::Exact)));
    // No near match was sought: the total counts the phrase's matches.
    let mut req = SearchRequest::new("\"international law\"");
    req.exact = true;
    assert!(r.total < search(index(), &req).unwrap().total + 5);
}

#[test]
fn a_query_naming_a_theme_ranks_its_passages_higher() {
    let cues = index().theme_cues();
    let lex = index().lexicon();
    let named = cues.named(&[lex.analyze("confidence-building measures")]);
    assert!(!named.is_empty());
    assert!(cues.named(&[lex.analyze("the")]).is_empty());
    // The boost changes scores, never what matches.
    let q = "transparency measures";
    let plain = RankingFeatures {
        theme_boost: false,
        ..RankingFeatures::ALL
    };
    let with = run(q);
    let without = search_with(index(), &SearchRequest::new(q), plain).unwrap();
    assert_eq!(with.total, without.total);
}

/// The `OR` nodes of a query tree, depth first.
fn unions(node: &crate::query::Node, out: &mut Vec<Vec<crate::query::Node>>) {
    use crate::query::Node;
    match node {
        Node::Or(items) => {
            out.push(items.clone());
            items.iter().for_each(|i| unions(i, out));
        }
        Node::Juxtaposed(v) | Node::And(v) => v.iter().for_each(|i| unions(i, out)),
        Node::Not(i) | Node::Must(i) => unions(i, out),
        _ => {}
    }
}

#[test]
fn names_that_hold_the_words_typed_only_boost() {
    let lex = Lexicon::builtin();
    let q = Query::parse("cyber norms")
        .unwrap()
        .expand(&lex, false)
        .unwrap();
    let mut found = Vec::new();
    unions(&q.root, &mut found);
    let items = found
        .iter()
        .find(|items| items.len() > 2)
        .expect("the concept's names beside the words typed");
    let implied = super::clauses::implied_alternatives(items);
    // The words typed decide; every name holding `norms` only boosts.
    assert!(!implied[0], "{implied:?}");
    assert!(implied[1..].iter().any(|&i| i), "{implied:?}");
    // An acronym's long form holds none of its letters: it finds passages
    // of its own.
    let q = Query::parse("CBMs").unwrap().expand(&lex, false).unwrap();
    let mut found = Vec::new();
    unions(&q.root, &mut found);
    for items in &found {
        let implied = super::clauses::implied_alternatives(items);
        for (item, implied) in items.iter().zip(implied) {
            if let crate::query::Node::Term(t) = item {
                assert!(
                    !(implied && t.text.contains("confidence")),
                    "{}: {found:?}",
                    t.text
                );
            }
        }
    }
    // The same passages as the words typed alone.
    let searcher = index().searcher();
    for q in ["cyber norms", "norms of behaviour"] {
        let request = SearchRequest::new(q);
        let count = |features| {
            let query = expand_with(index(), &request, features).unwrap();
            let p = Plan::new(index(), &searcher, &request, &query, features, false, &[]);
            searcher.search(&*whole(&p, &p.root), &Count).unwrap()
        };
        let words_alone = RankingFeatures {
            concepts: false,
            ..RankingFeatures::ALL
        };
        assert_eq!(count(RankingFeatures::ALL), count(words_alone), "{q}");
    }
}

#[test]
fn a_broad_filter_ranks_the_words_first_and_finds_the_same_page() {
    // Counting every match takes the filtered first pass; not counting,
    // a theme that keeps many passages takes the words' own first pass.
    // (`cyber norms`: a concept's name decides matches too, so its first
    // pass is the filtered one either way.)
    for (q, theme, broad) in [
        ("states", "norms", true),
        ("international cooperation", "cooperation", true),
        ("security", "norms", true),
        ("cyber norms", "norms", false),
    ] {
        let mut request = SearchRequest::new(q);
        request.themes = vec![theme.to_string()];
        request.limit = 20;
        let query = expand(index(), &request).unwrap();
        let searcher = index().searcher();
        let p = Plan::new(
            index(),
            &searcher,
            &request,
            &query,
            RankingFeatures::ALL,
            false,
            &[],
        );
        let ranking = p.ranking();
        let passages = index().meta().passages;
        let first = broad_first_pass(&searcher, ranking.as_ref(), passages, false).unwrap();
        assert_eq!(first.is_some(), broad, "{q} in {theme}: a broad filter");
        let fast = search(index(), &request).unwrap();
        request.count = true;
        let counted = search(index(), &request).unwrap();
        assert!(!counted.hits.is_empty(), "{q} in {theme}");
        assert_eq!(ids(&fast), ids(&counted), "{q} in {theme}");
        let scores = |r: &SearchResults| r.hits.iter().map(|h| h.score).collect::<Vec<_>>();
        assert_eq!(scores(&fast), scores(&counted), "{q} in {theme}");
    }
}
