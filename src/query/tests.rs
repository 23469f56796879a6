//! The query language's tests: syntax, errors and their columns,
//! expansion, explanation; arbitrary input never panics.
use super::parse::term;
use super::*;
use proptest::prelude::*;

fn parse(s: &str) -> Node {
    Query::parse(s)
        .unwrap_or_else(|e| panic!("{s:?}: {e}"))
        .root
}

fn word(text: &str, column: usize) -> Node {
    term(TermKind::Word, text, column)
}

fn error(s: &str) -> (usize, String) {
    match Query::parse(s) {
        Err(UserError::Query { column, message }) => (column, message),
        Err(e) => panic!("{s:?}: unexpected error {e}"),
        Ok(q) => panic!("{s:?}: accepted as {:?}", q.root),
    }
}

#[test]
fn words_and_phrases() {
    assert_eq!(parse("norms"), word("norms", 1));
    assert_eq!(
        parse("due  diligence"),
        Node::Juxtaposed(vec![word("due", 1), word("diligence", 6)])
    );
    assert_eq!(
        parse("\"due diligence\"~3 x"),
        Node::Juxtaposed(vec![
            term(TermKind::Phrase { slop: 3 }, "due diligence", 1),
            word("x", 19)
        ])
    );
    assert_eq!(
        parse("“critical infrastructure”"),
        term(TermKind::Phrase { slop: 0 }, "critical infrastructure", 1)
    );
    assert_eq!(parse("cyber-security"), word("cyber-security", 1));
}

#[test]
fn operators_and_precedence() {
    assert_eq!(
        parse("a b OR c"),
        Node::Juxtaposed(vec![
            word("a", 1),
            Node::Or(vec![word("b", 3), word("c", 8)])
        ])
    );
    assert_eq!(
        parse("a AND b OR c"),
        Node::And(vec![
            word("a", 1),
            Node::Or(vec![word("b", 7), word("c", 12)])
        ])
    );
    assert_eq!(
        parse("+a -b NOT c"),
        Node::Juxtaposed(vec![
            Node::Must(Box::new(word("a", 2))),
            Node::Not(Box::new(word("b", 5))),
            Node::Not(Box::new(word("c", 11))),
        ])
    );
    assert_eq!(
        parse("(a OR b) AND c"),
        Node::And(vec![
            Node::Or(vec![word("a", 2), word("b", 7)]),
            word("c", 14)
        ])
    );
    // Lower-case operators are words.
    assert_eq!(
        parse("law and order"),
        Node::Juxtaposed(vec![word("law", 1), word("and", 5), word("order", 9)])
    );
}

#[test]
fn fields_prefixes_fuzzy() {
    assert_eq!(
        parse("source:norway-2017"),
        Node::Filter {
            filter: Filter::Source("norway-2017".into()),
            column: 1
        }
    );
    assert_eq!(
        parse("year:2011..2016"),
        Node::Filter {
            filter: Filter::Year(years(Some(2011), Some(2016))),
            column: 1
        }
    );
    assert_eq!(
        parse("year:2014"),
        Node::Filter {
            filter: Filter::Year(years(Some(2014), Some(2014))),
            column: 1
        }
    );
    assert_eq!(
        parse("year:..2014"),
        Node::Filter {
            filter: Filter::Year(years(None, Some(2014))),
            column: 1
        }
    );
    assert_eq!(
        parse("kind:footnote"),
        Node::Filter {
            filter: Filter::Kind(PassageKind::Footnote),
            column: 1
        }
    );
    assert_eq!(
        parse("theme:international-law/sovereignty"),
        Node::Filter {
            filter: Filter::Theme("international-law/sovereignty".into()),
            column: 1
        }
    );
    assert_eq!(parse("cyber*"), term(TermKind::Prefix, "cyber", 1));
    assert_eq!(
        parse("diligence~1"),
        term(TermKind::Fuzzy { distance: 1 }, "diligence", 1)
    );
    assert_eq!(
        parse("diligence~"),
        term(TermKind::Fuzzy { distance: 1 }, "diligence", 1)
    );
    assert_eq!(parse("https://un.org"), word("https://un.org", 1));
}

#[test]
fn syntax_errors_point_at_their_column() {
    assert_eq!(error("").0, 1);
    assert_eq!(error("   ").0, 1);
    let (c, m) = error("norms \"due diligence");
    assert_eq!(c, 7);
    assert!(m.contains("unclosed quote"), "{m}");
    let (c, m) = error("norms AND");
    assert_eq!(c, 7);
    assert!(m.contains("dangling AND"), "{m}");
    let (c, m) = error("OR norms");
    assert_eq!(c, 1);
    assert!(m.contains("dangling OR"), "{m}");
    assert_eq!(error("a AND OR b").0, 3);
    assert_eq!(error("a NOT").0, 3);
    assert_eq!(error("a - b").0, 3);
    assert_eq!(error("a +").0, 3);
    let (c, m) = error("(a OR b");
    assert_eq!(c, 1);
    assert!(m.contains("unclosed parenthesis"), "{m}");
    let (c, m) = error("a OR b)");
    assert_eq!(c, 7);
    assert!(m.contains("unbalanced )"), "{m}");
    assert!(error("a ()").1.contains("empty parentheses"));
    let (c, m) = error("x year:2016..2011");
    assert_eq!(c, 8);
    assert!(m.contains("backwards"), "{m}");
    assert_eq!(error("year:twenty").0, 6);
    assert!(error("kind:table").1.contains("list-item"));
    let (c, m) = error("a titel:norms");
    assert_eq!(c, 3);
    assert!(m.contains("unknown field `titel`"), "{m}");
    assert_eq!(error("x source:").0, 3);
    assert!(error("c*").1.contains("at least 2"));
    assert_eq!(error("norms~5").0, 6);
    assert_eq!(error("\"a b\"~x").0, 6);
    assert_eq!(error(&"(".repeat(40)).0, 33);
}

fn years(from: Option<u16>, to: Option<u16>) -> YearRange {
    YearRange { from, to }
}

#[test]
fn year_ranges_as_flags_take_them() {
    let year_range = |s: &str| YearRange::parse(s).map(|y| (y.from, y.to));
    assert_eq!(year_range("2011..2016"), Ok((Some(2011), Some(2016))));
    assert_eq!(year_range("2014"), Ok((Some(2014), Some(2014))));
    assert_eq!(year_range("..2016"), Ok((None, Some(2016))));
    assert!(year_range("2016..2011").unwrap_err().contains("backwards"));
    assert!(year_range("soon").is_err());
}

#[test]
fn one_year_grammar() {
    let r = |s: &str| YearRange::parse(s).map(|y| (y.from, y.to));
    assert_eq!(r("2011..2016"), Ok((Some(2011), Some(2016))));
    assert_eq!(r("2014"), Ok((Some(2014), Some(2014))));
    assert_eq!(r("..2016"), Ok((None, Some(2016))));
    assert_eq!(r("2015.."), Ok((Some(2015), None)));
    assert!(r("2016..2011").unwrap_err().contains("backwards"));
    assert!(r("2016..2011").unwrap_err().contains("2011..2016"));
    for bad in [
        "soon",
        "15",
        "..",
        "",
        "0000",
        "20155",
        "+201",
        "2011...2016",
    ] {
        assert!(r(bad).is_err(), "{bad:?}");
    }
    let y: YearRange = "2011..".parse().unwrap();
    assert_eq!(y.to_string(), "2011..");
    assert!(y.contains(2011) && y.contains(2030) && !y.contains(2010));
}

#[test]
fn columns_count_characters_not_bytes() {
    assert_eq!(error("Rõigas AND").0, 8);
}

fn expanded(s: &str) -> Query {
    Query::parse(s)
        .unwrap()
        .expand(&Lexicon::builtin(), false)
        .unwrap()
}

fn variants(node: &Node) -> Vec<String> {
    match node {
        Node::Term(t) => t.variants.iter().map(|v| v.text.clone()).collect(),
        other => panic!("not a term: {other:?}"),
    }
}

#[test]
fn acronyms_expand_in_words_and_phrases() {
    let q = expanded("CBMs");
    assert_eq!(
        variants(&q.root)[..2],
        ["CBMs", "confidence-building measures"]
    );
    let q = expanded("\"GGE report\"");
    assert_eq!(
        variants(&q.root)[..2],
        ["GGE report", "Group of Governmental Experts report"]
    );
}

#[test]
fn long_form_words_gain_their_acronym() {
    let q = expanded("adopt confidence building measures now");
    let Node::Juxtaposed(items) = &q.root else {
        panic!("{:?}", q.root)
    };
    assert_eq!(items.len(), 3);
    let Node::Or(either) = &items[1] else {
        panic!("{:?}", items[1])
    };
    assert!(matches!(&either[0], Node::Juxtaposed(w) if w.len() == 3));
    assert!(either[1..].iter().any(|n| variants(n) == vec!["CBM"]));
    assert!(q.explain().contains("CBM → cbm"), "{}", q.explain());
}

#[test]
fn compounds_typed_apart_become_one_word() {
    let q = expanded("improve cyber security standards");
    let Node::Juxtaposed(items) = &q.root else {
        panic!("{:?}", q.root)
    };
    assert_eq!(items.len(), 3);
    let Node::Term(t) = &items[1] else { panic!() };
    assert_eq!(t.text, "cyber security");
    assert_eq!(t.column, 9);
    assert_eq!(
        t.variants[0].tokens,
        Lexicon::builtin().analyze("cybersecurity")
    );
}

#[test]
fn exact_mode_neither_stems_nor_expands() {
    let q = Query::parse("CBMs behaviour")
        .unwrap()
        .expand(&Lexicon::builtin(), true)
        .unwrap();
    let Node::Juxtaposed(items) = &q.root else {
        panic!()
    };
    let Node::Term(t) = &items[0] else { panic!() };
    assert_eq!(t.variants.len(), 1);
    assert_eq!(t.variants[0].tokens, vec!["cbms"]);
    let Node::Term(t) = &items[1] else { panic!() };
    assert_eq!(t.variants[0].tokens, vec!["behaviour"]);
}

#[test]
fn punctuation_words_drop_and_empty_phrases_fail() {
    let q = expanded("norms & rules");
    assert!(matches!(&q.root, Node::Juxtaposed(v) if v.len() == 2));
    let e = Query::parse("\" , \"")
        .unwrap()
        .expand(&Lexicon::builtin(), false)
        .unwrap_err();
    assert!(e.to_string().contains("empty phrase"), "{e}");
    let e = Query::parse("&")
        .unwrap()
        .expand(&Lexicon::builtin(), false)
        .unwrap_err();
    assert!(e.to_string().contains("nothing to search for"), "{e}");
}

#[test]
fn explain_shows_each_clause() {
    let q = expanded("ICTs AND \"due diligence\"~2 -source:usa-2011 cyber*");
    let text = q.explain();
    for needle in [
        "all of:",
        "ICTs → ict",
        "\"information and communications technology\" → \"inform and communic technolog\"  \
         (label of concept ict: information and communications technology)",
        "phrase \"due diligence\" → \"due dilig\" within 2 moves",
        "none of:",
        "filter source = usa-2011",
        "prefix cyber",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from\n{text}");
    }
}

proptest! {
    #[test]
    fn arbitrary_input_never_panics(s in "\\PC{0,60}") {
        if let Ok(q) = Query::parse(&s) {
            if let Ok(e) = q.expand(&Lexicon::builtin(), false) {
                let _ = e.explain();
            }
        }
    }

    #[test]
    fn syntax_soup_never_panics(s in "[()\"+\\-~*: a-zA-Z0-9.]{0,40}|((AND|OR|NOT|\\(|\\)|\"|-|\\+|~|\\*|x|year:|source:|\\.\\.|2011| ){0,20})") {
        match Query::parse(&s) {
            Ok(q) => {
                if let Ok(e) = q.expand(&Lexicon::builtin(), true) {
                    let _ = e.explain();
                }
            }
            Err(UserError::Query { column, .. }) => {
                prop_assert!(column >= 1 && column <= s.chars().count().max(1));
            }
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }
}
