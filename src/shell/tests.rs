//! The prompt's tests: line grammar, session, completion, hints, ids, CSV.
use super::*;
use crate::cite::Format;
use crate::search::YearRange;

#[test]
fn queries_and_commands() {
    assert_eq!(
        parse("norms of behavior").unwrap(),
        Line::Query("norms of behavior".into())
    );
    assert_eq!(parse("   ").unwrap(), Line::More);
    assert_eq!(parse(":more").unwrap(), Line::More);
    assert_eq!(
        parse(":source usa-2011 sweden-2014").unwrap(),
        Line::Sources(vec!["usa-2011".into(), "sweden-2014".into()])
    );
    assert_eq!(parse(":source all").unwrap(), Line::Sources(vec![]));
    assert_eq!(
        parse(":theme cbm,norms/c").unwrap(),
        Line::Themes(vec!["cbm".into(), "norms/c".into()])
    );
    assert_eq!(
        parse(":year 2011..2016").unwrap(),
        Line::Years(Some(YearRange {
            from: Some(2011),
            to: Some(2016)
        }))
    );
    assert_eq!(parse(":year all").unwrap(), Line::Years(None));
    assert_eq!(parse(":exact on").unwrap(), Line::Exact(true));
    assert_eq!(parse(":limit 5").unwrap(), Line::Limit(5));
    assert_eq!(parse(":show 3").unwrap(), Line::Show(Target::Hit(3)));
    assert_eq!(
        parse(":show ccdcoe-2016:37").unwrap(),
        Line::Show(Target::Passage("ccdcoe-2016:37".into()))
    );
    assert_eq!(
        parse(":cite ccdcoe-2016:37 chicago").unwrap(),
        Line::Cite(Target::Passage("ccdcoe-2016:37".into()), Format::Chicago)
    );
    assert_eq!(
        parse(":cite 2 bibtex").unwrap(),
        Line::Cite(Target::Hit(2), Format::Bibtex)
    );
    assert_eq!(
        parse(":cite 2").unwrap(),
        Line::Cite(Target::Hit(2), Format::Plain)
    );
    assert_eq!(parse(":sources").unwrap(), Line::ListSources);
    assert_eq!(parse(":themes").unwrap(), Line::ListThemes);
    assert_eq!(
        parse(":export hits.csv").unwrap(),
        Line::Export("hits.csv".into())
    );
    assert_eq!(parse(":help").unwrap(), Line::Help);
    assert_eq!(parse(":quit").unwrap(), Line::Quit);
}

#[test]
fn bad_commands_say_how_to_use_them() {
    let msg = |l: &str| parse(l).unwrap_err().to_string();
    assert!(msg(":show").contains("usage: :show N"));
    assert!(msg(":show 0").contains("1 or more"));
    assert!(msg(":cite 1 apa").contains("plain, chicago, bibtex and json"));
    assert!(msg(":year 2016..2011").contains("2011..2016"));
    assert!(msg(":exact maybe").contains("on or off"));
    assert!(msg(":frobnicate").contains(":help"));
    assert!(msg(":limit 0").contains("1 to 1000"));
}

#[test]
fn years() {
    let parse_years = |s: &str| YearRange::parse(s).ok().map(|y| (y.from, y.to));
    assert_eq!(parse_years("2015"), Some((Some(2015), Some(2015))));
    assert_eq!(parse_years("2015.."), Some((Some(2015), None)));
    assert_eq!(parse_years("..2014"), Some((None, Some(2014))));
    assert_eq!(parse_years(".."), None);
    assert_eq!(parse_years("15"), None);
}

#[test]
fn session_builds_requests_and_prompt() {
    let mut s = Session::default();
    assert_eq!(s.prompt(), "normsearch> ");
    s.sources = vec!["usa-2011".into()];
    s.years = Some(YearRange {
        from: Some(2011),
        to: None,
    });
    s.exact = true;
    assert_eq!(
        s.prompt(),
        "normsearch [source:usa-2011 year:2011.. exact]> "
    );
    let r = s.request("norms");
    assert_eq!(
        (
            r.sources.clone(),
            r.years.map(|y| (y.from, y.to)),
            r.exact,
            r.offset
        ),
        (
            vec!["usa-2011".to_string()],
            Some((Some(2011), None)),
            true,
            0
        )
    );
    assert!(s.next_page().is_none());
}

fn hit(rank: usize) -> Hit {
    Hit {
        id: format!("usa-2011:{rank}"),
        rank,
        score: 1.0,
        doc: "usa-2011".into(),
        title: String::new(),
        issuer: String::new(),
        date: String::new(),
        language: "en".into(),
        section: Vec::new(),
        label: None,
        page: None,
        n: rank as u32,
        lines: [1, 1],
        kind: crate::segment::PassageKind::Body,
        anchor: String::new(),
        themes: Vec::new(),
        text: String::new(),
        highlights: Vec::new(),
        phrase: None,
    }
}

#[test]
fn next_page_continues_the_first_request_with_the_current_page_size() {
    let mut s = Session {
        sources: vec!["usa-2011".into()],
        ..Session::default()
    };
    s.last = Some(Last {
        request: s.request("norms"),
        total: 12,
        hits: (1..=10).map(hit).collect(),
    });
    // A filter changed after the query does not change the list paged.
    s.sources.clear();
    s.limit = 5;
    let next = s.next_page().unwrap();
    assert_eq!(
        (next.query.as_str(), next.offset, next.limit, next.sources),
        ("norms", 10, 5, vec!["usa-2011".to_string()])
    );
    if let Some(last) = &mut s.last {
        last.hits.extend([hit(11), hit(12)]);
    }
    assert!(s.next_page().is_none(), "all 12 shown");
}

fn ids(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn completion_of_commands_ids_and_formats() {
    let docs = ids(&["usa-2011", "sweden-2014", "norway-2017"]);
    let themes = ids(&["cbm", "norms", "norms/a", "cooperation"]);
    let c = |line: &str| complete(line, line.len(), &docs, &themes);
    assert_eq!(c(":so"), (0, ids(&[":source", ":sources"])));
    assert_eq!(c(":q"), (0, ids(&[":quit"])));
    assert_eq!(c(":source s"), (8, ids(&["sweden-2014"])));
    assert_eq!(c(":source usa-2011,n"), (17, ids(&["norway-2017"])));
    assert_eq!(c(":source a"), (8, ids(&["all"])));
    assert_eq!(c(":theme norms"), (7, ids(&["norms", "norms/a"])));
    assert_eq!(c(":cite 2 b"), (8, ids(&["bibtex"])));
    assert_eq!(c(":cite "), (6, ids(&[])), "a hit number, not a format");
    assert_eq!(c(":exact o"), (7, ids(&["on", "off"])));
    assert_eq!(c("norms source:s"), (6, ids(&["source:sweden-2014"])));
    assert_eq!(c("norms -theme:co"), (7, ids(&["theme:cooperation"])));
    assert_eq!(c("norms th"), (6, ids(&["theme:"])));
    assert_eq!(c("norms "), (6, ids(&[])));
    // The cursor inside the line: only the text before it counts.
    assert_eq!(
        complete(":source s usa-2011", 9, &docs, &themes),
        (8, ids(&["sweden-2014"]))
    );
    // A position past the end or inside a character completes nothing.
    assert_eq!(complete("norms", 99, &docs, &themes), (99, ids(&[])));
    assert_eq!(complete("é", 1, &docs, &themes), (1, ids(&[])));
}

#[test]
fn hints_give_a_command_s_usage() {
    assert_eq!(
        hint(":cite").as_deref(),
        Some(" N|DOC:N [plain|chicago|bibtex|json]")
    );
    assert_eq!(hint(":help"), None);
    assert_eq!(hint("norms"), None);
}

#[test]
fn unknown_ids_are_refused_with_the_valid_ones() {
    let valid = ids(&["usa-2011", "sweden-2014"]);
    assert!(check_ids(IdKind::Source, &ids(&["usa-2011"]), &valid).is_ok());
    assert!(check_ids(IdKind::Source, &[], &valid).is_ok());
    let e = check_ids(IdKind::Source, &ids(&["usa-2011", "narnia"]), &valid)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`narnia`") && e.contains("usa-2011, sweden-2014"),
        "{e}"
    );
}

#[test]
fn csv_export_quotes_commas_quotes_and_newlines() {
    let mut h = hit(1);
    h.title = "Strategy, \"final\"".into();
    h.text = "line one\nline two".into();
    h.section = vec!["I".into(), "II".into()];
    h.themes = vec!["cbm".into(), "norms/a".into()];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.csv");
    present::table::csv(std::fs::File::create(&path).unwrap(), &[h]).unwrap();
    let mut reader = csv::Reader::from_path(&path).unwrap();
    assert_eq!(
        reader.headers().unwrap(),
        present::table::csv_header::<Hit>().as_slice()
    );
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[3], "Strategy, \"final\"");
    assert_eq!(&row[6], "I › II");
    assert_eq!(&row[14], "cbm;norms/a");
    assert_eq!(&row[16], "line one\nline two");
}

#[test]
fn grid_and_compare_lines_parse() {
    use crate::search::GroupBy;
    assert_eq!(
        parse(":grid by:year themes:cbm,norms/* cyber security").unwrap(),
        Line::Grid {
            by: GroupBy::Year,
            themes: vec!["cbm".into(), "norms/*".into()],
            query: "cyber security".into(),
        }
    );
    assert_eq!(
        parse(":grid").unwrap(),
        Line::Grid {
            by: GroupBy::Document,
            themes: Vec::new(),
            query: String::new(),
        }
    );
    assert!(parse(":grid by:planet").is_err());
    assert_eq!(
        parse(":compare theme:cbm").unwrap(),
        Line::Compare {
            theme: Some("cbm".into()),
            query: String::new(),
        }
    );
    assert_eq!(
        parse(":compare \"critical infrastructure\"").unwrap(),
        Line::Compare {
            theme: None,
            query: "\"critical infrastructure\"".into(),
        }
    );
}

#[test]
fn trace_and_similar_take_a_hit_number_or_a_passage() {
    use super::Target;
    assert_eq!(parse(":trace 3").unwrap(), Line::Trace(Target::Hit(3)));
    assert_eq!(
        parse(":similar usa-2011:64").unwrap(),
        Line::Similar(Target::Passage("usa-2011:64".into()))
    );
    for bad in [":trace", ":trace 0", ":similar a b"] {
        let err = parse(bad).unwrap_err().to_string();
        assert!(err.contains("hit number"), "{bad}: {err}");
    }
}
