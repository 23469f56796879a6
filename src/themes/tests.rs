//! The taxonomy's parsing and the tagger's rules, on small taxonomies and
//! on the built-in one.

use super::table::analyse_term;
use super::*;
use crate::lexicon::Lexicon;
use crate::segment::Passage;
use std::collections::HashMap;

fn parse(text: &str) -> crate::Result<Taxonomy> {
    Taxonomy::parse(text, Path::new("themes.toml"))
}

fn err(text: &str) -> String {
    match parse(text) {
        Ok(_) => panic!("accepted a bad taxonomy:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn tagger(text: &str) -> Tagger {
    Tagger::new(&parse(text).expect("valid taxonomy"), &Lexicon::builtin())
}

fn ids(tags: &[ThemeScore]) -> Vec<&str> {
    tags.iter().map(|t| t.id.as_str()).collect()
}

const SMALL: &str = r#"
[scoring]
threshold = 3

[[theme]]
id = "cbm"
label = "CBMs"
description = "Confidence-building measures."
[theme.terms]
"confidence-building measure" = 3
"transparency" = 1
"hotline" = 2

[[theme]]
id = "law"
label = "International law"
description = "Law."
[theme.terms]
"international law" = 3
"international law enforcement" = 0
"treaty" = 2

[[theme]]
id = "law/force"
parent = "law"
label = "Use of force"
description = "Force."
[theme.terms]
"use of force" = 3
"armed attack" = 2

[[theme]]
id = "norms"
label = "Norms"
description = "Norms."
[theme.terms]
"norm" = 2
"responsible state behaviour" = 3

[[theme]]
id = "norms/g"
parent = "norms"
requires_parent = true
label = "Protect critical infrastructure"
description = "Norm g."
[theme.terms]
"critical infrastructure" = 3
"#;

#[test]
fn builtin_taxonomy_is_valid() {
    let t = Taxonomy::parse(BUILTIN, Path::new(BUILTIN_NAME)).unwrap();
    assert!(t.themes().len() > 20);
    assert_eq!(t.source_bytes(), BUILTIN.as_bytes());
}

#[test]
fn builtin_taxonomy_has_the_stable_ids() {
    let t = Taxonomy::builtin();
    let pillars: Vec<&str> = t.pillars().map(|p| p.id.as_str()).collect();
    assert_eq!(
        pillars,
        [
            "threats",
            "norms",
            "international-law",
            "cbm",
            "capacity-building",
            "cooperation",
            "internet-governance",
            "human-rights",
            "cybercrime",
            "defence",
            "critical-infrastructure",
            "economy",
            "governance",
            "legal-framework",
            "public-private"
        ]
    );
    let norms: Vec<&str> = t.children("norms").map(|n| n.id.as_str()).collect();
    let expected: Vec<String> = ('a'..='k').map(|c| format!("norms/{c}")).collect();
    assert_eq!(norms, expected);
    let law: Vec<&str> = t
        .children("international-law")
        .map(|n| n.id.as_str())
        .collect();
    assert_eq!(
        law,
        [
            "international-law/sovereignty",
            "international-law/non-intervention",
            "international-law/state-responsibility",
            "international-law/use-of-force",
            "international-law/ihl",
            "international-law/human-rights-law"
        ]
    );
    for theme in t.themes() {
        assert!(
            !theme.description.is_empty(),
            "{} has no description",
            theme.id
        );
    }
}

#[test]
fn builtin_terms_all_analyse_to_tokens() {
    // A term the lexicon reduces to nothing would silently never match.
    let lexicon = Lexicon::builtin();
    let taxonomy = Taxonomy::builtin();
    for language in taxonomy.languages() {
        for theme in taxonomy.themes() {
            for term in theme.terms_in(&language) {
                let mut words = Vec::new();
                analyse_term(&lexicon, &term.text, &language, &mut words);
                assert!(
                    !words.is_empty(),
                    "{} [{language}]: {:?} analyses to nothing",
                    theme.id,
                    term.text
                );
                // A star the analysis lost would make a whole word of
                // what the librarian meant as a prefix.
                assert_eq!(
                    words.iter().filter(|(_, prefix)| *prefix).count(),
                    term.text.matches('*').count(),
                    "{} [{language}]: {:?} loses a `*` in analysis: {words:?}",
                    theme.id,
                    term.text
                );
            }
        }
    }
}

#[test]
fn builtin_terms_of_a_theme_are_distinct_after_analysis() {
    // Stemming merges words a librarian may list apart (robust and
    // robustness, attribute and attribution): the second would never
    // count, and its weight would mislead a reader of the file.
    let lexicon = Lexicon::builtin();
    let taxonomy = Taxonomy::builtin();
    let mut alike = Vec::new();
    for language in taxonomy.languages() {
        for theme in taxonomy.themes() {
            let mut seen: HashMap<Vec<(String, bool)>, &str> = HashMap::new();
            for term in theme.terms_in(&language) {
                let mut words = Vec::new();
                analyse_term(&lexicon, &term.text, &language, &mut words);
                if let Some(first) = seen.insert(words, &term.text) {
                    alike.push(format!(
                        "{} [{language}]: {first:?} and {:?}",
                        theme.id, term.text
                    ));
                }
            }
        }
    }
    assert!(
        alike.is_empty(),
        "terms that analyse alike:\n{}",
        alike.join("\n")
    );
}

#[test]
fn builtin_languages_cover_every_theme() {
    // A theme without terms in a language is never given to its
    // passages: every built-in language speaks of every theme.
    let taxonomy = Taxonomy::builtin();
    let languages = taxonomy.languages();
    for language in ["en", "fr", "es", "ru"] {
        assert!(languages.iter().any(|l| l == language), "{language}");
    }
    for language in &languages {
        for theme in taxonomy.themes() {
            assert!(
                !theme.terms_in(language).is_empty(),
                "{} has no terms in {language}",
                theme.id
            );
        }
    }
}

#[test]
fn accessors() {
    let t = parse(SMALL).unwrap();
    assert_eq!(t.get("law/force").unwrap().parent.as_deref(), Some("law"));
    assert!(t.get("nope").is_none());
    assert_eq!(t.scoring().threshold, 3.0);
    assert_eq!(t.scoring().repeat_cap, 2);
    assert_eq!(t.scoring().anchor_weight, 2.0, "default");
    assert_eq!(t.scoring().relative, 0.25, "default");
    assert_eq!(
        Taxonomy::builtin().scoring(),
        Scoring {
            full_length: 24,
            inherit: true,
            ..Scoring::default()
        },
        "defaults are the built-in's, but for the two rules it turns on"
    );
    let terms: Vec<&str> = t
        .get("cbm")
        .unwrap()
        .terms
        .iter()
        .map(|t| t.text.as_str())
        .collect();
    assert_eq!(
        terms,
        ["confidence-building measure", "transparency", "hotline"],
        "file order kept"
    );
}

#[test]
fn load_prefers_the_corpus_file_and_falls_back_to_the_builtin() {
    let dir = tempfile::tempdir().unwrap();
    let t = Taxonomy::load(dir.path()).unwrap();
    assert_eq!(t.source_bytes(), BUILTIN.as_bytes());
    std::fs::write(dir.path().join(FILE_NAME), SMALL).unwrap();
    let t = Taxonomy::load(dir.path()).unwrap();
    assert_eq!(t.themes().len(), 5);
    std::fs::write(dir.path().join(FILE_NAME), "[[theme]]\nid = 1\n").unwrap();
    let e = Taxonomy::load(dir.path()).unwrap_err().to_string();
    assert!(e.contains("themes.toml:2"), "{e}");
}

#[test]
fn toml_syntax_error_names_line_and_theme() {
    let bad = SMALL.replace("\"hotline\" = 2", "\"hotline\" = ");
    let e = err(&bad);
    assert!(e.starts_with("themes.toml:12: theme `cbm`:"), "{e}");
}

#[test]
fn unknown_key_is_refused() {
    let bad = SMALL.replace("label = \"CBMs\"", "label = \"CBMs\"\nweight = 3");
    let e = err(&bad);
    assert!(e.starts_with("themes.toml:8: theme `cbm`:"), "{e}");
    assert!(e.contains("weight"), "{e}");
    let e = err(&format!("colour = 1\n{SMALL}"));
    assert!(e.starts_with("themes.toml:1:"), "{e}");
}

#[test]
fn missing_field_is_refused() {
    let bad = SMALL.replace("description = \"Force.\"\n", "");
    let e = err(&bad);
    assert!(e.contains("theme `law/force`"), "{e}");
    assert!(e.contains("description"), "{e}");
}

#[test]
fn unknown_parent_is_refused() {
    let bad = SMALL.replace("parent = \"law\"", "parent = \"laws\"");
    let e = err(&bad);
    assert!(
        e.starts_with("themes.toml:25: theme `law/force`: unknown parent `laws`"),
        "{e}"
    );
}

#[test]
fn nested_parent_is_refused() {
    let bad = format!(
        "{SMALL}\n[[theme]]\nid = \"law/force/cyber\"\nparent = \"law/force\"\nlabel = \"x\"\n\
         description = \"x\"\n[theme.terms]\nx = 1\n"
    );
    let e = err(&bad);
    assert!(
        e.contains("theme `law/force/cyber`: parent `law/force` is itself a sub-theme"),
        "{e}"
    );
}

#[test]
fn duplicate_id_is_refused() {
    let bad = SMALL.replace("id = \"norms\"", "id = \"cbm\"");
    let e = err(&bad);
    assert!(
        e.starts_with("themes.toml:33: theme `cbm`: duplicate id, first used on line 6"),
        "{e}"
    );
}

#[test]
fn empty_term_list_is_refused() {
    let bad = SMALL.replace("\"critical infrastructure\" = 3\n", "");
    let e = err(&bad);
    assert!(e.contains("theme `norms/g`: the term list is empty"), "{e}");
    assert!(e.starts_with("themes.toml:46:"), "{e}");
    let bad = SMALL.replace(
        "[theme.terms]\n\"use of force\" = 3\n\"armed attack\" = 2\n",
        "",
    );
    let e = err(&bad);
    assert!(
        e.contains("theme `law/force`") && e.contains("terms"),
        "{e}"
    );
}

#[test]
fn bad_ids_weights_and_terms_are_refused() {
    let e = err(&SMALL.replace("id = \"cbm\"", "id = \"CBM\""));
    assert!(e.contains("theme `CBM`: a pillar's id"), "{e}");
    let e = err(&SMALL.replace("id = \"law/force\"", "id = \"force\""));
    assert!(e.contains("theme `force`: a sub-theme's id must be"), "{e}");
    let e = err(&SMALL.replace("\"hotline\" = 2", "\"hotline\" = 20"));
    assert!(
        e.starts_with("themes.toml:12: theme `cbm`: term \"hotline\" has weight 20"),
        "{e}"
    );
    let e = err(&SMALL.replace("\"hotline\" = 2", "\"hotline\" = -1"));
    assert!(e.contains("weight -1"), "{e}");
    let e = err(&SMALL.replace("\"hotline\" = 2", "\"--\" = 2"));
    assert!(e.contains("has no letter or digit"), "{e}");
    let e = err(&SMALL.replace(
        "\"use of force\" = 3\n\"armed attack\" = 2",
        "\"use of force\" = 0",
    ));
    assert!(e.contains("every term has weight 0"), "{e}");
    let e = err(&SMALL.replace("id = \"law\"\n", "id = \"law\"\nrequires_parent = true\n"));
    assert!(
        e.contains("theme `law`: `requires_parent` is for sub-themes only"),
        "{e}"
    );
    let e = err(&SMALL.replace("label = \"CBMs\"", "label = \" \""));
    assert!(e.contains("theme `cbm`: the label is empty"), "{e}");
}

#[test]
fn bad_scoring_and_empty_file_are_refused() {
    let e = err(&SMALL.replace("threshold = 3", "threshold = 0"));
    assert!(e.starts_with("themes.toml:3: [scoring] threshold"), "{e}");
    let e = err(&SMALL.replace("threshold = 3", "repeat_cap = 0"));
    assert!(e.contains("repeat_cap = 0"), "{e}");
    let e = err(&SMALL.replace("threshold = 3", "anchor_weight = 11"));
    assert!(
        e.starts_with("themes.toml:3: [scoring] anchor_weight = 11"),
        "{e}"
    );
    let e = err(&SMALL.replace("threshold = 3", "relative = 1.5"));
    assert!(
        e.starts_with("themes.toml:3: [scoring] relative = 1.5"),
        "{e}"
    );
    let e = err(&SMALL.replace("threshold = 3", "threshold = \"high\""));
    assert!(e.starts_with("themes.toml:3: "), "{e}");
    let e = err("[scoring]\nthreshold = 2\n");
    assert!(e.contains("no [[theme]] entries"), "{e}");
    let e = err(&SMALL.replace("threshold = 3", "heading = 2"));
    assert!(e.starts_with("themes.toml:3: [scoring] heading = 2"), "{e}");
    let e = err(&SMALL.replace("threshold = 3", "full_length = -4"));
    assert!(
        e.starts_with("themes.toml:3: [scoring] full_length = -4"),
        "{e}"
    );
    let e = err(&SMALL.replace("threshold = 3", "inherit = 1"));
    assert!(e.starts_with("themes.toml:3: "), "{e}");
}

#[test]
fn a_heading_adds_its_share_and_anchors() {
    let t = tagger(&SMALL.replace("threshold = 3", "threshold = 3\nheading = 0.5"));
    let under = |heading: &str, text: &str| -> Vec<String> {
        let h = t.heading_in(heading, "en");
        t.tag_analysed_under(&Lexicon::builtin().tokens(text), &h)
            .into_iter()
            .map(|s| s.id)
            .collect()
    };
    // "hotline" (2) alone falls short; the heading's "confidence-building
    // measure" adds 1.5.
    assert!(under("", "They set up a hotline.").is_empty());
    assert_eq!(
        under("Confidence-building measures", "They set up a hotline."),
        ["cbm"]
    );
    let off = tagger(&SMALL.replace("threshold = 3", "threshold = 3\nheading = 0"));
    let h = off.heading_in("Confidence-building measures", "en");
    assert!(off
        .tag_analysed_under(&Lexicon::builtin().tokens("They set up a hotline."), &h)
        .is_empty());
}

#[test]
fn short_passages_need_less() {
    let text = "Set up a hotline.";
    assert!(tagger(SMALL).tag(text).is_empty(), "2 < 3");
    // Four words of twelve: the threshold falls to the anchor weight.
    let t = tagger(&SMALL.replace("threshold = 3", "threshold = 3\nfull_length = 12"));
    assert_eq!(ids(&t.tag(text)), ["cbm"]);
    // Supporting terms still need an anchor.
    assert!(t.tag("Transparency, transparency.").is_empty());
    let long = format!("{} a hotline.", "words of a long passage ".repeat(4));
    assert!(t.tag(&long).is_empty());
}

#[test]
fn a_silent_passage_takes_its_headings_themes() {
    let inherit = "threshold = 3\ninherit = true";
    let t = tagger(&SMALL.replace("threshold = 3", inherit));
    let tokens = Lexicon::builtin().tokens("A Party may reserve the right not to apply it.");
    let h = t.heading_in("Article 5 – Use of force", "en");
    assert_eq!(
        ids(&t.tag_analysed_under(&tokens, &h)),
        ["law", "law/force"]
    );
    // A passage with themes of its own keeps them alone.
    let tokens = Lexicon::builtin().tokens("It agreed confidence-building measures.");
    assert_eq!(ids(&t.tag_analysed_under(&tokens, &h)), ["cbm"]);
    let t = tagger(SMALL);
    let tokens = Lexicon::builtin().tokens("A Party may reserve the right not to apply it.");
    let h = t.heading_in("Article 5 – Use of force", "en");
    assert!(
        t.tag_analysed_under(&tokens, &h).is_empty(),
        "off by default"
    );
}

#[test]
fn a_silent_passage_takes_the_innermost_heading_that_shows_a_theme() {
    let t = tagger(&SMALL.replace("threshold = 3", "threshold = 3\ninherit = true"));
    let section =
        |levels: &[&str]| -> Vec<String> { levels.iter().map(|s| s.to_string()).collect() };
    let tokens = Lexicon::builtin().tokens("Responsible: the ministry.");
    // A column's name says nothing; the chapter above it does.
    let h = t.section_in(&section(&["Article 5 – Use of force", "Responsible"]), "en");
    assert_eq!(h.text(), "Responsible");
    assert_eq!(
        ids(&t.tag_analysed_under(&tokens, &h)),
        ["law", "law/force"]
    );
    // The innermost heading that shows a theme wins over those above it.
    let h = t.section_in(
        &section(&["Use of force", "Hotline and transparency", "Responsible"]),
        "en",
    );
    assert_eq!(ids(&t.tag_analysed_under(&tokens, &h)), ["cbm"]);
    let h = t.section_in(&section(&["Annex", "Responsible"]), "en");
    assert!(t.tag_analysed_under(&tokens, &h).is_empty());
}

#[test]
fn phrases_match_after_normalisation() {
    let t = tagger(SMALL);
    let tags = t.tag("The OSCE agreed on Confidence Building Measures.");
    assert_eq!(
        tags,
        vec![ThemeScore {
            id: "cbm".into(),
            score: 3.0
        }]
    );
    // Words of a phrase apart do not make the phrase.
    assert!(t.tag("confidence in building measures").is_empty());
}

#[test]
fn weak_terms_need_company_and_repeats_are_capped() {
    let t = tagger(SMALL);
    assert!(t.tag("transparency").is_empty());
    // Counted twice at most: 2 × 1 < 3.
    assert!(t
        .tag("transparency, transparency and transparency")
        .is_empty());
    let tags = t.tag("a hotline and transparency");
    assert_eq!(
        tags,
        vec![ThemeScore {
            id: "cbm".into(),
            score: 3.0
        }]
    );
}

#[test]
fn supporting_terms_alone_never_carry_a_theme() {
    let t = tagger(&SMALL.replace(
        "\"transparency\" = 1",
        "\"transparency\" = 1\n\"trust\" = 1\n\"predictability\" = 1",
    ));
    assert!(t.tag("transparency, trust and predictability").is_empty());
    assert_eq!(
        ids(&t.tag("a hotline for transparency, trust and predictability")),
        ["cbm"]
    );
    let t = tagger(&SMALL.replace("threshold = 3", "threshold = 3\nanchor_weight = 1"));
    assert!(
        t.tag("transparency, transparency and transparency")
            .is_empty(),
        "capped at 2"
    );
    let t = tagger(&SMALL.replace("threshold = 3", "threshold = 2\nanchor_weight = 1"));
    assert_eq!(ids(&t.tag("transparency, transparency")), ["cbm"]);
}

#[test]
fn passing_mentions_yield_to_the_leading_pillar() {
    let text = "confidence-building measures, confidence-building measures, a hotline, \
                a hotline and transparency, as the norm, the norm";
    // cbm 3+3+2+2+1 = 11; norms 2+2 = 4.
    let strict = tagger(&SMALL.replace("threshold = 3", "threshold = 3\nrelative = 0.5"));
    assert_eq!(ids(&strict.tag(text)), ["cbm"]);
    let open = tagger(&SMALL.replace("threshold = 3", "threshold = 3\nrelative = 0"));
    assert_eq!(
        open.tag(text),
        vec![
            ThemeScore {
                id: "cbm".into(),
                score: 11.0
            },
            ThemeScore {
                id: "norms".into(),
                score: 4.0
            },
        ]
    );
    // A pillar left out takes its sub-themes with it.
    let text = "confidence-building measures, confidence-building measures, a hotline, \
                a hotline and transparency, as a norm for critical infrastructure";
    assert_eq!(ids(&strict.tag(text)), ["cbm"]);
    assert_eq!(ids(&open.tag(text)), ["cbm", "norms", "norms/g"]);
}

#[test]
fn zero_weight_phrases_block_shorter_terms() {
    let t = tagger(SMALL);
    assert!(t
        .tag("international law enforcement cooperation")
        .is_empty());
    assert_eq!(ids(&t.tag("under international law")), ["law"]);
}

#[test]
fn sub_theme_implies_pillar_and_adds_to_its_score() {
    let t = tagger(SMALL);
    let tags = t.tag("an armed attack may justify the use of force");
    assert_eq!(
        tags,
        vec![
            ThemeScore {
                id: "law".into(),
                score: 5.0
            },
            ThemeScore {
                id: "law/force".into(),
                score: 5.0
            },
        ]
    );
    // Sub-theme evidence below its own threshold still counts for the
    // pillar: 2 (armed attack) + 2 (treaty) reaches 3.
    assert_eq!(ids(&t.tag("an armed attack under a treaty")), ["law"]);
    let tags = t.tag("an armed attack under a treaty");
    assert_eq!(tags[0].score, 4.0);
}

#[test]
fn gated_sub_theme_needs_parent_terms() {
    // "critical infrastructure" (2) and "protect" (1) reach the
    // threshold (3) with no term of the norm's own that reaches it alone.
    let t = tagger(&SMALL.replace(
        "\"critical infrastructure\" = 3",
        "\"critical infrastructure\" = 2\n\"protect\" = 1",
    ));
    assert!(t.tag("protect critical infrastructure").is_empty());
    let tags = t.tag("a norm to protect critical infrastructure");
    assert_eq!(ids(&tags), ["norms", "norms/g"]);
    assert_eq!(tags[0].score, 5.0);
    // A term that reaches the threshold alone is the norm's own wording
    // and opens the gate by itself.
    let t = tagger(SMALL);
    assert_eq!(
        ids(&t.tag("protect critical infrastructure")),
        ["norms", "norms/g"]
    );
}

#[test]
fn output_is_sorted_by_score_then_id() {
    let t = tagger(SMALL);
    let tags = t.tag("confidence-building measures and a hotline; responsible state behaviour");
    assert_eq!(ids(&tags), ["cbm", "norms"]);
    let tags = t.tag("responsible state behaviour; confidence-building measures");
    assert_eq!(ids(&tags), ["cbm", "norms"], "ties by id");
    assert_eq!(t.tag(""), vec![]);
}

#[test]
fn tag_passage_sets_theme_ids() {
    let t = tagger(SMALL);
    let mut p = Passage {
        doc: "d".into(),
        n: 1,
        kind: crate::segment::PassageKind::Body,
        section: Vec::new(),
        lines: [1, 1],
        label: None,
        page: None,
        text: "an armed attack may justify the use of force".into(),
        footnotes: Vec::new(),
        themes: vec!["stale".into()],
    };
    t.tag_passage(&mut p);
    assert_eq!(p.themes, ["law", "law/force"]);
}

#[test]
fn tag_tokens_equals_tag() {
    let lexicon = Lexicon::builtin();
    let t = Tagger::new(&Taxonomy::builtin(), &lexicon);
    let text = "States should not knowingly allow their territory to be used for \
                internationally wrongful acts using ICTs, a norm of responsible behaviour.";
    assert_eq!(t.tag(text), t.tag_tokens(&lexicon.analyze(text)));
    assert!(ids(&t.tag(text)).contains(&"norms/c"));
}

/// Two themes with French and Russian terms, prefixes among them.
const LANGUAGES: &str = r#"
[scoring]
threshold = 3

[[theme]]
id = "cbm"
label = "CBMs"
description = "Confidence-building measures."
[theme.terms]
"confidence-building measure" = 3
"hotline" = 2
[theme.lang.fr]
"mesures de confiance" = 3
"ligne directe" = 2
[theme.lang.ru]
"мер* доверия" = 3

[[theme]]
id = "ci"
label = "Critical infrastructure"
description = "Critical infrastructure."
[theme.terms]
"critical infrastructure" = 3
[theme.lang.fr]
"infrastructure* critique*" = 3
"sécurit*" = 1
[theme.lang.ru]
"критическ* инфраструктур*" = 3
"критически важн* объект*" = 4
"#;

#[test]
fn language_tables_are_parsed_in_file_order() {
    let t = parse(LANGUAGES).unwrap();
    assert_eq!(t.languages(), ["en", "fr", "ru"]);
    let ci = t.get("ci").unwrap();
    let fr: Vec<&str> = ci.terms_in("fr").iter().map(|t| t.text.as_str()).collect();
    assert_eq!(fr, ["infrastructure* critique*", "sécurit*"]);
    assert_eq!(ci.terms_in("en")[0].text, "critical infrastructure");
    assert!(ci.terms_in("es").is_empty());
}

#[test]
fn bad_language_tables_are_refused() {
    let e = err(&LANGUAGES.replace("[theme.lang.ru]\n\"мер*", "[theme.lang.xx]\n\"мер*"));
    assert!(
        e.starts_with("themes.toml:15: theme `cbm`: [theme.lang.xx]: \"xx\" is not an ISO 639-1"),
        "{e}"
    );
    let e = err(&LANGUAGES.replace("[theme.lang.ru]\n\"мер*", "[theme.lang.en]\n\"мер*"));
    assert!(e.contains("English terms go in [theme.terms]"), "{e}");
    let e = err(&LANGUAGES.replace("\"мер* доверия\" = 3\n", ""));
    assert!(
        e.contains("theme `cbm`: the term list [theme.lang.ru] is empty"),
        "{e}"
    );
    let e = err(&LANGUAGES.replace("\"мер* доверия\" = 3", "\"мер* доверия\" = 0"));
    assert!(
        e.contains("every term has weight 0 in [theme.lang.ru]"),
        "{e}"
    );
    let e = err(&LANGUAGES.replace("\"ligne directe\" = 2", "\"ligne directe\" = 12"));
    assert!(e.contains("term \"ligne directe\" has weight 12"), "{e}");
}

#[test]
fn stars_must_end_words_of_three_letters() {
    for bad in ["sé*", "sécu*rité", "mesures* de*", "a*b", "abc**"] {
        let e = err(&LANGUAGES.replace("\"sécurit*\"", &format!("{bad:?}")));
        assert!(e.contains("a `*` must end a word"), "{bad}: {e}");
    }
    for good in [
        "séc*",
        "sécurit* réseau*",
        "cyber-sécurit*",
        "public*-privé*",
    ] {
        parse(&LANGUAGES.replace("\"sécurit*\"", &format!("{good:?}"))).unwrap();
    }
}

#[test]
fn each_language_is_tagged_with_its_own_terms() {
    let t = tagger(LANGUAGES);
    let fr = "La protection des infrastructures critiques et les mesures de confiance.";
    assert_eq!(ids(&t.tag_in(fr, "fr")), ["cbm", "ci"]);
    // English terms do not tag a French text, nor French terms an
    // English one.
    assert!(t.tag_in(fr, "en").is_empty());
    assert!(t.tag_in("the critical infrastructure", "fr").is_empty());
    assert_eq!(ids(&t.tag("the critical infrastructure")), ["ci"]);
    // A language without terms gets no themes.
    assert!(t.tag_in("critical infrastructure", "lv").is_empty());
    assert!(t.tag_in(fr, "es").is_empty());
    assert_eq!(t.languages().collect::<Vec<_>>(), ["en", "fr", "ru"]);
}

#[test]
fn prefixes_match_every_ending() {
    let t = tagger(LANGUAGES);
    for text in [
        "защита критической инфраструктуры",
        "критическая инфраструктура",
        "критическим инфраструктурам",
        "перечень критически важных объектов",
    ] {
        assert_eq!(ids(&t.tag_in(text, "ru")), ["ci"], "{text}");
    }
    assert_eq!(ids(&t.tag_in("о мерах доверия", "ru")), ["cbm"]);
    // A prefix matches the start of a word only, and a phrase's words
    // still have to stand side by side.
    assert!(t.tag_in("некритическая инфраструктура", "ru").is_empty());
    assert!(t
        .tag_in("критическая и важная инфраструктура", "ru")
        .is_empty());
    // "sécurit*" (1) adds to a theme that has an anchor.
    let tags = t.tag_in("infrastructure critique; sécurité, sécuritaire", "fr");
    assert_eq!(tags[0].score, 5.0);
    let hits = t.explain_in("la sécurité des infrastructures critiques", "fr");
    let terms: Vec<&str> = hits.iter().map(|h| h.term.as_str()).collect();
    assert_eq!(terms, ["infrastructure* critique*", "sécurit*"]);
}

#[test]
fn overlapping_prefix_and_whole_terms_count_the_longest() {
    let t = tagger(&LANGUAGES.replace(
        "\"критически важн* объект*\" = 4",
        "\"критически важн* объект*\" = 4\n\"критически\" = 2",
    ));
    let tags = t.tag_in("критически важные объекты", "ru");
    assert_eq!(tags[0].score, 4.0, "one match, the longest: {tags:?}");
}

#[test]
fn a_decisive_term_opens_a_gated_sub_theme() {
    let t = Tagger::new(&Taxonomy::builtin(), &Lexicon::builtin());
    let tags = t.tag("States should encourage responsible reporting of ICT vulnerabilities.");
    let got = ids(&tags);
    assert!(
        got.contains(&"norms/j") && got.contains(&"norms"),
        "{got:?}"
    );
    // A strong but not decisive term still needs the parent's words.
    let tags = t.tag("Operators shall protect critical infrastructure.");
    let got = ids(&tags);
    assert!(
        !got.contains(&"norms/g") && !got.contains(&"norms"),
        "{got:?}"
    );
    let tags = t.tag(
        "By the norm, states protect critical infrastructure and critical information infrastructure.",
    );
    let got = ids(&tags);
    assert!(got.contains(&"norms/g"), "{got:?}");
}

proptest::proptest! {
    #[test]
    fn parse_never_panics(text in "\\PC{0,200}") {
        let _ = parse(&text);
    }

    #[test]
    fn tagging_never_panics_and_is_sorted(text in "\\PC{0,300}") {
        let t = tagger(SMALL);
        let tags = t.tag(&text);
        for w in tags.windows(2) {
            proptest::prop_assert!(w[0].score >= w[1].score);
        }
    }
}
