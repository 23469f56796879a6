//! The lexicon's tests: analysers, spellings, compounds, acronyms, the
//! file's errors, compiled rules.

use super::analyzer::{exact_analyzer, exact_chain};
use super::rules::plural_stem;
use super::*;
use std::path::Path;
use std::sync::Arc;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream};
/// Every token of `text` from `analyzer`, whole.
fn all_tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().clone());
    }
    out
}

fn same_as_chain(text: &str) {
    let one_pass = all_tokens(&mut exact_analyzer(), text);
    let chain = with_language_folding(all_tokens(&mut exact_chain(), text), text);
    assert_eq!(one_pass, chain, "{text:?}");
}

/// What the one-pass analyser adds to the chain: each ideograph a word of
/// its own (positions renumbered after it), `ё` and Greek accents folded.
fn with_language_folding(chain: Vec<Token>, text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut shift = 0;
    for t in chain {
        let word = &text[t.offset_from..t.offset_to];
        let mut pieces: Vec<(usize, usize)> = Vec::new();
        for (i, c) in word.char_indices() {
            let lone = super::language::is_unspaced(c);
            match pieces.last_mut() {
                Some(last)
                    if !lone
                        && last.1 == i
                        && !text[t.offset_from + last.0..]
                            .chars()
                            .next()
                            .is_some_and(super::language::is_unspaced) =>
                {
                    last.1 = i + c.len_utf8();
                }
                _ => pieces.push((i, i + c.len_utf8())),
            }
        }
        if pieces.len() <= 1 {
            let mut t = t;
            if let Some(more) = super::language::fold_more(&t.text) {
                t.text = more;
            }
            t.position += shift;
            out.push(t);
            continue;
        }
        for (k, (a, b)) in pieces.iter().enumerate() {
            let piece = &word[*a..*b];
            let folded = all_tokens(&mut exact_chain(), piece)
                .pop()
                .map(|p| p.text)
                .unwrap_or_default();
            out.push(Token {
                offset_from: t.offset_from + a,
                offset_to: t.offset_from + b,
                position: t.position + shift + k,
                text: super::language::fold_more(&folded).unwrap_or(folded),
                position_length: 1,
            });
        }
        shift += pieces.len() - 1;
    }
    out
}

#[test]
fn the_stemmed_analyser_takes_offered_tokens_for_that_text_only() {
    let l = lex();
    let index = tantivy::Index::create_in_ram(tantivy::schema::Schema::builder().build());
    let handoff = Arc::new(Handoff::default());
    l.register_with_handoff(&index, Arc::clone(&handoff));
    let mut analyzer = index.tokenizers().get(STEMMED_TOKENIZER).unwrap();
    let texts = |a: &mut TextAnalyzer, t: &str| -> Vec<String> {
        all_tokens(a, t).into_iter().map(|t| t.text).collect()
    };

    let text = String::from("Confidence-building measures");
    let mut other = Analysis::default();
    l.analyze_into("alpha beta gamma", &mut other);
    handoff.offer(&text, &other);
    assert_eq!(handoff.waiting(), 1);
    // Offered tokens are taken (here another text's, to tell them apart).
    assert_eq!(texts(&mut analyzer, &text), ["alpha", "beta", "gamma"]);
    assert_eq!(handoff.waiting(), 0);
    // Once only, and never for the same words elsewhere in memory.
    assert_eq!(texts(&mut analyzer, &text), l.analyze(&text));
    handoff.offer(&text, &other);
    let copy = text.clone();
    assert_eq!(texts(&mut analyzer, &copy), l.analyze(&text));
    // Nor for a shorter text at the same address.
    assert_eq!(texts(&mut analyzer, &text[..10]), l.analyze(&text[..10]));
    assert_eq!(handoff.waiting(), 0);
}

#[test]
fn one_pass_folding_gives_the_chains_tokens() {
    for text in [
        "",
        "   ",
        "Hello, happy tax payer!",
        "CBMs and ICTs: the UN GGE's 2015 report (A/70/174), para. 13(f).",
        "Café déjà-vu NAÏVE Straße œuvre ﬁnance Æsir ÉTAT",
        "İstanbul ΣΟΦΊΑ Москва 東京 ١٢٣ x²",
        "emoji 🙂 between\u{00AD}soft\u{2010}hyphens and curly “quotes” — dashes",
        "combining e\u{0301}tat, tabs\tand\nnewlines",
        // 39, 40 and 41 bytes: the limit drops words of 40 bytes and more.
        &format!(
            "a {} b {} c {} d",
            "x".repeat(39),
            "y".repeat(40),
            "z".repeat(41)
        ),
        &format!("{} é{} end", "é".repeat(20), "e".repeat(38)),
        "trailing word",
        "ends in a wide letterß",
    ] {
        same_as_chain(text);
    }
}

#[test]
fn one_pass_folding_gives_the_chains_tokens_on_the_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut texts = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            same_as_chain(&std::fs::read_to_string(&path).unwrap());
            texts += 1;
        }
    }
    assert!(texts > 0);
}

fn lex() -> Lexicon {
    Lexicon::builtin()
}

fn same(a: &str, b: &str) {
    let l = lex();
    assert_eq!(l.analyze(a), l.analyze(b), "{a:?} vs {b:?}");
}

fn differ(a: &str, b: &str) {
    let l = lex();
    assert_ne!(l.analyze(a), l.analyze(b), "{a:?} vs {b:?}");
}

#[test]
fn builtin_lexicon_is_valid() {
    Lexicon::parse(BUILTIN, Path::new("lexicon.toml")).unwrap();
}

#[test]
fn british_and_american_spellings_meet() {
    same("behaviour", "behavior");
    same("Behaviours of States", "behaviors of states");
    same("defence", "defense");
    same("defences", "defenses");
    same("organisation", "organization");
    same("organisations", "organizations");
    same("centre", "center");
    same("centres", "centers");
    same("programme", "program");
    same("licence", "license");
    same("catalogue", "catalog");
    same("labelled", "labeled");
    same("analysed", "analyzed");
}

#[test]
fn ise_family_is_rewritten_by_rule() {
    same("organise", "organize");
    same("prioritised", "prioritized");
    same("recognising", "recognizing");
    same("harmonisation", "harmonization");
    same("internationalisation", "internationalization");
    same("criticise", "criticize");
    same("utilisers", "utilizers");
}

#[test]
fn ise_exceptions_are_kept() {
    for word in [
        "otherwise",
        "likewise",
        "enterprise",
        "expertise",
        "exercise",
        "advise",
        "comprise",
        "premise",
        "compromise",
        "surprise",
        "franchise",
        "supervise",
        "televise",
        "revise",
        "devise",
        "rise",
        "wise",
        "noise",
        "precise",
        "concise",
        "promise",
        "raising",
        "crises",
        "arising",
        "advertised",
    ] {
        let rules = &lex().rules;
        assert_eq!(rules.ise_to_ize(word), None, "{word} must not become -ize");
    }
    differ("exercise", "exercize");
    differ("premises", "premizes");
}

#[test]
fn compounds_written_three_ways_meet() {
    same("cyber security", "cybersecurity");
    same("cyber-security", "cybersecurity");
    same("Cyber Security", "CYBER-SECURITY");
    same("multi-stakeholder", "multistakeholder");
    same("multi stakeholder approach", "multistakeholder approach");
    same("capacity-building", "capacity building");
    same("e-commerce", "ecommerce");
    same("cyber space", "cyberspace");
    same("cyber attacks", "cyberattacks");
    same("co-operation", "cooperation");
    same("NATO CCD COE", "NATO CCDCOE");
    assert_eq!(lex().analyze("cyber security").len(), 1);
}

#[test]
fn compounds_need_adjacent_words() {
    // Sentence punctuation between the words: no compound.
    assert_eq!(lex().analyze("cyber. Security").len(), 2);
    assert_eq!(lex().analyze("cyber, security").len(), 2);
}

#[test]
fn positions_are_renumbered_after_a_join() {
    let toks = lex().tokens("national cyber security strategy");
    let pos: Vec<usize> = toks.iter().map(|t| t.position).collect();
    assert_eq!(pos, vec![0, 1, 2]);
    assert_eq!(
        &"national cyber security strategy"[toks[1].offset_from..toks[1].offset_to],
        "cyber security"
    );
    assert_eq!(
        lex().analyze("national cyber security strategy"),
        lex().analyze("national cybersecurity strategy")
    );
}

#[test]
fn light_level_rewrites_without_merging_word_families() {
    let l = lex();
    assert_eq!(
        l.analyze_light("digitisation"),
        l.analyze_light("digitization")
    );
    assert_ne!(l.analyze_light("digitization"), l.analyze_light("digital"));
    assert_eq!(l.analyze("digitization"), l.analyze("digital"));
    assert_eq!(l.analyze_light("Behaviours"), vec!["behavior"]);
    assert_eq!(l.analyze_light("defences"), l.analyze_light("defense"));
    assert_eq!(
        l.analyze_light("cyber-security policies"),
        vec!["cybersecurity", "policy"]
    );
    assert_eq!(l.analyze_light("CBMs"), l.analyze_light("cbm"));
    assert_eq!(plural_stem("status"), "status");
    assert_eq!(plural_stem("access"), "access");
    assert_eq!(plural_stem("measures"), "measure");
}

#[test]
fn spellings_cover_both_sides_and_nothing_else() {
    let l = Lexicon::builtin();
    assert_eq!(
        l.spellings("digitization"),
        ["digitization", "digitisation"]
    );
    assert_eq!(
        l.spellings("digitisation"),
        ["digitisation", "digitization"]
    );
    assert!(l.spellings("behaviours").contains(&"behaviors".to_string()));
    assert!(l.spellings("defense").contains(&"defence".to_string()));
    // Not an -ise word, not in the table: only itself.
    assert_eq!(l.spellings("promise"), ["promise"]);
    assert_eq!(l.spellings("digital"), ["digital"]);
}

#[test]
fn accents_and_case_fold() {
    same("Rõigas", "roigas");
    same("CBMs", "cbm");
}

#[test]
fn exact_analysis_keeps_spelling_and_inflection() {
    let l = lex();
    assert_ne!(l.analyze_exact("behaviour"), l.analyze_exact("behavior"));
    assert_eq!(l.analyze_exact("Rõigas States"), vec!["roigas", "states"]);
}

#[test]
fn one_analysis_gives_both_fields_tokens() {
    let lex = lex();
    let mut a = Analysis::default();
    // Long then short, so that spent buffers from the first text must
    // not leak into the second.
    for text in [
        "The UK's cyber-security strategy: Confidence-Building Measures (CBMs), \
         organisations and the centres of cyber security in cyber space.",
        "Cyber security and CBMs.",
        "",
        "Behaviour of States",
    ] {
        lex.analyze_into(text, &mut a);
        // Positions aside: `exact_tokens` does not number them.
        let words = |t: &[Token]| -> Vec<(String, usize, usize)> {
            t.iter()
                .map(|t| (t.text.clone(), t.offset_from, t.offset_to))
                .collect()
        };
        assert_eq!(words(a.folded()), words(&lex.exact_tokens(text)), "{text}");
        assert_eq!(a.stemmed(), lex.tokens(text).as_slice(), "{text}");
    }
}

#[test]
fn registered_analyzer_matches_analyze() {
    let index = tantivy::Index::create_in_ram(tantivy::schema::Schema::builder().build());
    let l = lex();
    l.register(&index);
    let mut a = index.tokenizers().get(STEMMED_TOKENIZER).unwrap();
    // One analyser for several texts, longest first: the buffers it
    // keeps between texts must not leak words from one to the next.
    for text in [
        "The organisation's cyber-security behaviour, CBMs and the GGE in cyber space.",
        "Cyber security, GGE.",
        "",
        "behaviour",
    ] {
        let mut stream = a.token_stream(text);
        let mut got = Vec::new();
        while let Some(t) = stream.next() {
            got.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        let want: Vec<(String, usize, usize, usize)> = l
            .tokens(text)
            .into_iter()
            .map(|t| (t.text, t.position, t.offset_from, t.offset_to))
            .collect();
        assert_eq!(got, want, "{text}");
    }
    assert!(index.tokenizers().get(EXACT_TOKENIZER).is_some());
}

#[test]
fn acronyms_expand_both_ways() {
    let l = lex();
    let v = l.expansions("CBMs", 8);
    assert_eq!(v[0].text, "CBMs");
    assert!(v
        .iter()
        .any(|x| x.tokens == l.analyze("confidence-building measures")));
    let v = l.expansions("confidence building measures", 8);
    assert!(v.iter().any(|x| x.tokens == l.analyze("CBM")), "{v:?}");
    let v = l.expansions("ICTs", 8);
    assert!(v
        .iter()
        .any(|x| x.tokens == l.analyze("information and communications technologies")));
}

#[test]
fn acronyms_expand_inside_phrases() {
    let l = lex();
    let v = l.expansions("the GGE report on ICTs", 10);
    let texts: Vec<&str> = v.iter().map(|x| x.text.as_str()).collect();
    assert_eq!(texts[0], "the GGE report on ICTs");
    assert!(texts.contains(&"the Group of Governmental Experts report on ICTs"));
    assert!(texts.contains(&"the GGE report on information and communications technology"));
    assert!(texts.contains(
        &"the Group of Governmental Experts report on information and communications technology"
    ));
    // Every combination: (GGE and its long forms) × (ICTs and its one
    // distinct long form), within the bound.
    let gge = l.expansions("GGE", 100).len();
    assert_eq!(v.len(), (gge * 2).min(10));
    assert_eq!(l.expansions("the GGE report on ICTs", 2).len(), 2);
}

#[test]
fn case_sensitive_acronyms_need_capitals() {
    let l = lex();
    assert_eq!(l.expansions("it is", 8).len(), 1);
    assert_eq!(l.expansions("IT security", 8).len(), 2);
    assert_eq!(l.expansions("APTs", 8).len(), 2);
    assert_eq!(l.expansions("apt", 8).len(), 1);
    // Ordinary acronyms expand whatever the case.
    assert_eq!(l.expansions("gge", 8).len(), l.expansions("GGE", 8).len());
    assert!(l.expansions("gge", 8).len() > 1);
}

#[test]
fn alternatives_name_their_span() {
    let l = lex();
    let text = "adopt confidence-building measures and CBMs";
    let alts = l.alternatives(text);
    assert_eq!(alts.len(), 2);
    assert_eq!(&text[alts[0].span.clone()], "confidence-building measures");
    assert!(alts[0].variants.iter().any(|v| v.text == "CBM"));
    assert_eq!(&text[alts[1].span.clone()], "CBMs");
    assert_eq!(
        alts[1].variants[0].tokens,
        l.analyze("confidence building measure")
    );
}

#[test]
fn nothing_to_expand() {
    let v = lex().expansions("due diligence", 8);
    assert_eq!(v[0].tokens, lex().analyze("due diligence"));
    // Only its names in other languages.
    assert!(v[1..].iter().all(|v| v.language != "en"
        && matches!(
            v.origin,
            Origin::Concept {
                kind: FormKind::Name,
                ..
            }
        )));
}

fn bad(src: &str) -> String {
    match Lexicon::parse(src, Path::new("corpus/lexicon.toml")) {
        Ok(_) => panic!("accepted a bad lexicon:\n{src}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_lexicons_are_refused_with_file_line_and_entry() {
    let e = bad("[spelling]\nbehaviour = \n");
    assert!(e.starts_with("corpus/lexicon.toml:2:"), "{e}");

    let e = bad("[spellings]\nbehaviour = \"behavior\"\n");
    assert!(
        e.contains("corpus/lexicon.toml:1") && e.contains("spellings"),
        "{e}"
    );

    let e = bad("[acronyms]\nCBM = []\n");
    assert!(
        e.contains(":2:") && e.contains("`CBM`") && e.contains("no long form"),
        "{e}"
    );

    let e = bad("[acronyms]\nGGE = [\"\"]\n");
    assert!(e.contains(":2:") && e.contains("empty"), "{e}");

    let e = bad("[compounds]\ncybersecurity = []\n");
    assert!(e.contains(":2:") && e.contains("empty entry"), "{e}");

    let e = bad("[compounds]\ncybersecurity = [\"cybersecurity\"]\n");
    assert!(e.contains("two or more words"), "{e}");

    let e = bad("[compounds]\ncyber-security = [\"cyber security\"]\n");
    assert!(e.contains("one word"), "{e}");

    let e = bad("[spelling]\n\ndefence = \"defense\"\ndefences = \"protection\"\n");
    assert!(e.contains("conflicts"), "{e}");

    let e = bad("[spelling]\ncentre = \"center\"\ncenter = \"middle\"\n");
    assert!(e.contains("conflicts") && e.contains(":2:"), "{e}");

    let e = bad("[compounds]\ncyberspace = [\"cyber space\"]\ncyberspaces = [\"cyber space\"]\nx = [\"cyber space\"]\n");
    assert!(e.contains("conflicts") && e.contains(":4:"), "{e}");

    let e = bad("[ise]\nexceptions = [\"nothing\"]\n");
    assert!(e.contains("-ise") && e.contains(":2:"), "{e}");

    let e = bad("[acronyms]\nCBM = [\"confidence-building measure\"]\nCBMs = [\"x y\"]\n");
    assert!(
        e.contains("also a name of `cbm`") && e.contains(":3:"),
        "{e}"
    );

    let concept = |body: &str| format!("[[concept]]\nid = \"a\"\nlabel = \"alpha\"\n{body}");
    let e = bad(&format!("{}\n{}", concept(""), concept("")));
    assert!(e.contains("`a`") && e.contains("twice"), "{e}");
    let e = bad(&format!(
        "{}\n[[concept]]\nid = \"b\"\nlabel = \"beta\"\nvariants = [\"Alphas\"]\n",
        concept("")
    ));
    assert!(e.contains(":6:") && e.contains("also a name of `a`"), "{e}");
    let e = bad(&concept("variants = [\"\"]\n"));
    assert!(e.contains(":2:") && e.contains("no word"), "{e}");
    let e = bad(&concept("[concept.names]\nFrench = [\"alpha\"]\n"));
    assert!(e.contains("not a language code"), "{e}");
    let e = bad(&concept("colour = \"x\"\n"));
    assert!(e.contains("colour"), "{e}");
    let e = bad("[concept]\nid = \"a\"\n");
    assert!(e.starts_with("corpus/lexicon.toml:"), "{e}");
    let e = bad("[families]\nregulation = [\"regulatory\"]\nrule = [\"regulatory\"]\n");
    assert!(
        e.contains("family of `regulation`") && e.contains(":3:"),
        "{e}"
    );
    let e = bad("[families]\nregulation = [\"regulatory framework\"]\n");
    assert!(e.contains("one word") && e.contains(":2:"), "{e}");
}

#[test]
fn a_concepts_names_replace_each_other_marked_with_the_concept() {
    let l = lex();
    for typed in ["IHL", "law of armed conflict", "jus in bello"] {
        let v = l.expansions(typed, 8);
        assert_eq!(v[0].origin, Origin::Typed);
        assert!(v[1..].iter().all(|x| matches!(
            &x.origin,
            Origin::Concept { id, .. } if id == "ihl"
        )));
        for other in ["international humanitarian law", "IHL"] {
            if other != typed {
                assert!(
                    v.iter().any(|x| x.tokens == l.analyze(other)),
                    "{typed} → {other}: {v:?}"
                );
            }
        }
    }
    // A symbol names its document.
    let v = l.expansions("A/70/174", 8);
    assert!(v.iter().any(|x| x.text.contains("2015")), "{v:?}");
    // Names holding the one typed find nothing more and are left out.
    let v = l.expansions("confidence-building measures", 8);
    let holding = l.analyze("transparency and confidence-building measures");
    assert!(v.iter().all(|x| x.tokens != holding), "{v:?}");
    assert!(v.iter().any(|x| x.tokens == l.analyze("CBM")), "{v:?}");
    let v = l.expansions("espionage", 8);
    assert!(v.iter().any(|x| x.tokens == l.analyze("spying")), "{v:?}");
}

#[test]
fn acronyms_that_are_words_expand_only_as_written() {
    let l = lex();
    assert_eq!(l.expansions("first", 8).len(), 1);
    assert!(l.expansions("FIRST", 8).len() > 1);
    assert_eq!(l.expansions("un", 8).len(), 1);
    assert!(l.expansions("UN", 8).len() > 1);
}

#[test]
fn other_languages_names_are_kept_but_not_matched() {
    let l = lex();
    let ihl = l.concepts().into_iter().find(|c| c.id == "ihl").unwrap();
    assert!(ihl.names["fr"].contains(&"droit international humanitaire".to_string()));
    assert_eq!(l.expansions("droit international humanitaire", 8).len(), 1);
    assert!(l.concepts().len() >= 150);
}

#[test]
fn a_word_gains_its_family_below_it() {
    let l = lex();
    let v = l.expansions("regulatory", 8);
    assert_eq!(v[0].tokens, l.analyze("regulatory"));
    assert!(
        v.iter().any(|x| x.tokens == l.analyze("regulation")
            && x.origin
                == Origin::Family {
                    head: "regulation".into()
                }),
        "{v:?}"
    );
    // Families are for single words: a phrase keeps its words.
    assert!(l
        .expansions("regulatory framework", 8)
        .iter()
        .all(|x| x.origin == Origin::Typed));
    // Switched off, nothing but the text.
    let none = Expansions {
        concepts: false,
        families: false,
    };
    assert_eq!(l.expansions_with("regulatory", 8, none).len(), 1);
    assert_eq!(l.expansions_with("CBMs", 8, none).len(), 1);
}

#[test]
fn compiled_rules_analyse_alike() {
    let l = lex();
    let src = std::str::from_utf8(l.source_bytes()).unwrap();
    let back = Lexicon::from_compiled(&l.compiled(), src).unwrap();
    for text in [
        "The organisation's cyber-security behaviour, CBMs and the UN GGE report on ICTs.",
        "digitisation of defences; multi stakeholder e-commerce",
    ] {
        assert_eq!(back.analyze(text), l.analyze(text));
        assert_eq!(back.analyze_light(text), l.analyze_light(text));
        assert_eq!(back.expansions(text, 20), l.expansions(text, 20));
    }
    // Compiled from another source, or damaged: refused.
    assert!(Lexicon::from_compiled(&l.compiled(), "[spelling]\n").is_none());
    assert!(Lexicon::from_compiled(b"{", src).is_none());
    // A byte of a concept's encoding changed: refused, not decoded later.
    let mut damaged = l.compiled();
    let last = damaged.len() - 1;
    damaged[last] ^= 0x55;
    assert!(Lexicon::from_compiled(&damaged, src).is_none());
    damaged.truncate(last);
    assert!(Lexicon::from_compiled(&damaged, src).is_none());
}

#[test]
fn compiled_concepts_are_decoded_when_a_query_names_them() {
    let l = lex();
    let src = std::str::from_utf8(l.source_bytes()).unwrap();
    let back = Lexicon::from_compiled(&l.compiled(), src).unwrap();
    let decoded = |lex: &Lexicon| lex.rules.concepts.decoded_count();
    assert_eq!(decoded(&back), 0);
    let _ = back.expansions("confidence-building measures", 20);
    let some = decoded(&back);
    assert!(some >= 1 && some < back.rules.concepts.len(), "{some}");
    // Listing them decodes them all, the same as the source's.
    assert_eq!(back.concepts(), l.concepts());
    assert_eq!(decoded(&back), back.rules.concepts.len());
}

#[test]
fn corpus_lexicon_replaces_builtin() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        Lexicon::load(dir.path()).unwrap().source_bytes(),
        BUILTIN.as_bytes()
    );
    let src = "[spelling]\ncolour = \"color\"\n";
    std::fs::write(dir.path().join("lexicon.toml"), src).unwrap();
    let l = Lexicon::load(dir.path()).unwrap();
    assert_eq!(l.source_bytes(), src.as_bytes());
    assert_eq!(l.analyze("colours"), l.analyze("colors"));
    // Only what the file says: the built-in compounds are gone.
    assert_eq!(l.analyze("cyber security").len(), 2);
}

/// The tokens of `text` read in `language`.
fn in_language(text: &str, language: &str) -> Vec<String> {
    lex().analyze_in(text, language)
}

#[test]
fn french_plurals_and_accents_meet_their_singular() {
    assert_eq!(
        in_language("infrastructures critiques", "fr"),
        in_language("infrastructure critique", "fr")
    );
    assert_eq!(in_language("sécurité", "fr"), in_language("securite", "fr"));
    assert_eq!(
        in_language("Sécurités", "fr"),
        in_language("sécurité", "fr")
    );
    assert_eq!(in_language("réseaux", "fr"), in_language("réseau", "fr"));
    // Marked with their language: never an English stem.
    assert_eq!(in_language("sécurité", "fr"), ["fr:securit"]);
    assert_ne!(
        in_language("information", "fr"),
        lex().analyze("information")
    );
}

#[test]
fn russian_cases_meet_and_yo_is_ye() {
    assert_eq!(
        in_language("информационной безопасности", "ru"),
        in_language("информационная безопасность", "ru")
    );
    assert_eq!(in_language("ещё", "ru"), in_language("еще", "ru"));
    assert_eq!(lex().analyze_exact("Ещё"), ["еще"]);
}

#[test]
fn spanish_and_greek_fold_and_stem() {
    assert_eq!(
        in_language("infraestructuras críticas", "es"),
        in_language("infraestructura critica", "es")
    );
    assert_eq!(
        in_language("información", "es"),
        in_language("informacion", "es")
    );
    assert_eq!(
        in_language("κυβερνοασφάλεια", "el"),
        in_language("ΚΥΒΕΡΝΟΑΣΦΑΛΕΙΑ", "el")
    );
    assert_eq!(
        in_language("ασφάλειας", "el"),
        in_language("ασφαλεια", "el")
    );
}

#[test]
fn a_language_without_a_stemmer_is_folded_only() {
    assert_eq!(
        in_language("Kiberdrošības stratēģija", "lv"),
        ["lv:kiberdrosibas", "lv:strategija"]
    );
}

#[test]
fn english_keeps_the_lexicons_rules() {
    let l = lex();
    for text in ["Confidence-building measures", "cyber security behaviours"] {
        assert_eq!(l.analyze_in(text, "en"), l.analyze(text));
        assert_eq!(l.analyze_in(text, ""), l.analyze(text));
    }
}

#[test]
fn chinese_is_cut_into_words_not_characters() {
    let tokens = in_language("网络安全是国家安全的重要组成部分", "zh");
    assert!(tokens.iter().all(|t| t.starts_with("zh:")));
    assert!(tokens.contains(&"zh:国家".to_string()), "{tokens:?}");
    // Words of two characters and more, not one token per character.
    assert!(tokens.len() < 12 && tokens.len() >= 4, "{tokens:?}");
    // The exact field takes each character as a word, so that a quoted
    // run of characters is found wherever it stands.
    assert_eq!(lex().analyze_exact("网络安全"), ["网", "络", "安", "全"]);
}

#[test]
fn arabic_is_stemmed() {
    assert_eq!(in_language("الأمن", "ar"), in_language("أمن", "ar"));
    assert_eq!(in_language("التدابير", "ar"), in_language("تدابير", "ar"));
}

#[test]
fn indexing_analysis_matches_the_analysis_in_a_language() {
    let l = lex();
    let mut a = Analysis::default();
    for (text, language) in [
        ("Les infrastructures critiques nationales", "fr"),
        ("информационной безопасности", "ru"),
        ("网络安全是国家安全的重要组成部分", "zh"),
        ("Confidence-building measures", "en"),
    ] {
        l.analyze_into_in(text, language, &mut a);
        let stemmed: Vec<String> = a.stemmed().iter().map(|t| t.text.clone()).collect();
        assert_eq!(stemmed, l.analyze_in(text, language), "{language}");
        assert_eq!(a.stemmed(), l.tokens_in(text, language).as_slice());
    }
}

#[test]
fn concepts_offer_their_names_in_every_language() {
    let l = lex();
    let variants = l.expansions_in(
        "confidence-building measures",
        "en",
        40,
        Expansions::default(),
    );
    for language in ["fr", "es", "ru", "zh", "ar"] {
        assert!(
            variants.iter().any(|v| v.language == language
                && matches!(&v.origin, Origin::Concept { id, kind: FormKind::Name, .. } if id == "cbm")),
            "{language}: {variants:#?}"
        );
    }
    // Named in French, the concept offers its English forms.
    let variants = l.expansions_in("mesures de confiance", "fr", 40, Expansions::default());
    assert_eq!(variants[0].language, "fr");
    assert!(variants.iter().any(|v| v.language == "en"
        && (v.text == "CBMs" || v.tokens == l.analyze("confidence-building measures"))));
    // English forms are listed as before.
    let cbm = l.concepts().into_iter().find(|c| c.id == "cbm").unwrap();
    assert!(cbm.forms.iter().all(|(_, k)| *k != FormKind::Name));
}
