//! Measures the theme tagger against hand labels and on documents its cues
//! were not written from:
//!
//! * `tests/fixtures/theme-labels.toml`: passages of the founding corpus,
//!   labelled with the pillars the taxonomy had then (the fixture lists
//!   them), measured on those pillars;
//! * `tests/fixtures/theme-labels-extra.toml`: passages sampled from the real
//!   strategies of `../shared/corpus-extra` in four languages, measured on
//!   every pillar;
//! * the share of body passages that carry a theme in each document and
//!   language of `../shared/corpus-extra`, the founding corpus beside it.
//!
//! Each reports micro-averaged and per-pillar precision and recall and must
//! stay above its floor (the figures the tagger reached, less a small
//! margin), so a change that makes the tagger worse fails here. Run with
//! `-- --nocapture` to see the figures and every disagreement.
//!
//! The passages are cut and tagged by the indexer's own path
//! ([`Analyzer`]), each document with the cues of its manifest language.

use normsearch::corpus::{Corpus, Document, PartialDate};
use normsearch::pipeline::Analyzer;
use normsearch::segment::{Passage, PassageKind};
use normsearch::themes::Tagger;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Floors on the founding labels (micro-averaged, on the pillars they were
/// labelled with).
const FOUNDING_MIN_PRECISION: f64 = 0.79;
const FOUNDING_MIN_RECALL: f64 = 0.78;

/// Floors on the labels of unseen strategies (micro-averaged).
/// Measured 0.77 / 0.705 once label lines joined the paragraph below them
/// (gambia-2020's passages no longer carry a strategy-wide heading whose
/// words tagged nearly all of them).
const EXTRA_MIN_PRECISION: f64 = 0.76;
const EXTRA_MIN_RECALL: f64 = 0.69;

/// Floors on the share of body passages with a theme, per language of the
/// unseen strategies: all body passages, and those of at least
/// [`PROSE_WORDS`] words (table cells, captions and stray lines aside).
const MIN_SHARE: &[(&str, f64, f64)] = &[
    // Measured with each language analysed in its own language and label
    // lines joined to their paragraphs: en 0.60 / 0.78, fr 0.86 / 0.89,
    // es 0.74 / 0.82, ru 0.40 / 0.61.
    ("en", 0.58, 0.76),
    ("fr", 0.84, 0.87),
    ("es", 0.72, 0.80),
    ("ru", 0.38, 0.59),
];

/// Floors on the share of body passages with a theme in each document of
/// a language the taxonomy has cues for (all, and of prose), and in the
/// founding corpus as a whole.
const MIN_DOC_SHARE: (f64, f64) = (0.15, 0.18);
const MIN_FOUNDING_SHARE: (f64, f64) = (0.83, 0.84);

/// How far the share of French or Spanish passages with a theme may be from
/// the English one, the documents being of the same kind.
const MAX_LANGUAGE_GAP: f64 = 0.15;

/// A passage of this many words or more is prose, not a table cell.
const PROSE_WORDS: usize = 8;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Labels {
    /// The pillars the labels were given for; all of the taxonomy's when
    /// absent.
    pillars: Option<Vec<String>>,
    passage: Vec<Label>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Label {
    doc: String,
    quote: String,
    pillars: Vec<String>,
}

/// A set of documents, cut and tagged.
struct Set {
    analyser: Analyzer,
    tagger: Tagger,
    docs: Vec<(Document, Vec<Passage>)>,
}

impl Set {
    fn language_of(&self, doc: &str) -> &str {
        self.docs
            .iter()
            .find(|(d, _)| d.id == doc)
            .map_or("?", |(d, _)| d.language.as_str())
    }

    fn pillars(&self) -> Vec<String> {
        self.analyser
            .taxonomy
            .pillars()
            .map(|p| p.id.clone())
            .collect()
    }
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn analyser() -> Analyzer {
    Analyzer::load(&root().join("corpus"), false).expect("the built-in taxonomy and lexicon load")
}

/// The founding corpus, cut and tagged once per test binary.
fn founding() -> &'static Set {
    static SET: OnceLock<Set> = OnceLock::new();
    SET.get_or_init(|| {
        let corpus = Corpus::load(&root().join("corpus")).unwrap();
        let analyser = analyser();
        let docs = corpus
            .documents
            .iter()
            .map(|doc| {
                let text = corpus.read_text(doc, false).unwrap().text;
                let passages = analyser.analyze_text(doc, &text).passages;
                (doc.clone(), passages)
            })
            .collect();
        let tagger = Tagger::new(&analyser.taxonomy, &analyser.lexicon);
        Set {
            analyser,
            tagger,
            docs,
        }
    })
}

/// The real strategies of `../shared/corpus-extra` (read where they stand),
/// described by its `index.tsv` (file, country, date, language, source);
/// each document's id is its file name without `.txt`.
fn extra() -> &'static Set {
    static SET: OnceLock<Set> = OnceLock::new();
    SET.get_or_init(|| {
        let dir: PathBuf = root().join("../shared/corpus-extra");
        let index = std::fs::read_to_string(dir.join("index.tsv")).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; these tests read the extra strategies where they stand",
                dir.join("index.tsv").display()
            )
        });
        let analyser = analyser();
        let mut docs = Vec::new();
        for line in index.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let fields: Vec<&str> = line.split('\t').collect();
            let [file, country, date, language, ..] = fields[..] else {
                panic!("index.tsv: a line without file, country, date and language: {line:?}");
            };
            let bytes = std::fs::read(dir.join(file)).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            let doc = Document {
                id: file.trim_end_matches(".txt").to_string(),
                file: PathBuf::from(file),
                title: format!("National cybersecurity strategy of {country}"),
                issuer: format!("Government of {country}"),
                authors: Vec::new(),
                date: date.parse::<PartialDate>().unwrap(),
                kind: "national-strategy".into(),
                country: None,
                organization: None,
                language: language.to_string(),
                url: None,
                container: None,
                issuers: Vec::new(),
                issuer_type: None,
                number: None,
                translation: None,
                original_language: None,
                venue: None,
            };
            let passages = analyser.analyze_text(&doc, &text).passages;
            docs.push((doc, passages));
        }
        let tagger = Tagger::new(&analyser.taxonomy, &analyser.lexicon);
        Set {
            analyser,
            tagger,
            docs,
        }
    })
}

/// Case, curly quotes, Markdown emphasis and spacing do not matter when
/// finding a quote: the fixture is written as a person reads the passage.
fn normalise(s: &str) -> String {
    let mapped: String = s
        .chars()
        .filter(|&c| c != '*')
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201C}' | '\u{201D}' => '"',
            c => c.to_lowercase().next().unwrap_or(c),
        })
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Default, Clone, Copy)]
struct Count {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Count {
    fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    fn add(&mut self, other: Count) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// Reads a label fixture.
fn labels(name: &str) -> Labels {
    let path = root().join("tests/fixtures").join(name);
    toml::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Each label's passage, found by its quote; every fixture problem is
/// reported at once.
fn locate<'a>(set: &'a Set, labels: &'a Labels) -> Vec<(&'a Label, &'a Passage)> {
    let mut seen = BTreeSet::new();
    let mut problems = Vec::new();
    let mut located = Vec::new();
    let pillars = set.pillars();
    for label in &labels.passage {
        let Some((_, passages)) = set.docs.iter().find(|(d, _)| d.id == label.doc) else {
            problems.push(format!("unknown document {:?}", label.doc));
            continue;
        };
        for p in &label.pillars {
            if !pillars.contains(p) {
                problems.push(format!("{:?}: unknown pillar {p:?}", label.quote));
            }
        }
        let quote = normalise(&label.quote);
        let found: Vec<&Passage> = passages
            .iter()
            .filter(|p| normalise(&p.text).contains(&quote))
            .collect();
        match found.as_slice() {
            [one] if !seen.insert((&one.doc, one.n)) => problems.push(format!(
                "{}: passage {} is labelled twice (quote {:?})",
                label.doc, one.n, label.quote
            )),
            [one] => located.push((label, *one)),
            [] => problems.push(format!(
                "{}: quote {:?} is in no passage",
                label.doc, label.quote
            )),
            many => problems.push(format!(
                "{}: quote {:?} is in {} passages; make it longer",
                label.doc,
                label.quote,
                many.len()
            )),
        }
    }
    assert!(
        problems.is_empty(),
        "fixture problems:\n{}",
        problems.join("\n")
    );
    located
}

/// Precision and recall of the tagger against `labels`, per pillar and per
/// language, on `pillars`; prints the figures and the disagreements.
fn measure(set: &Set, labels: &Labels, pillars: &[String]) -> BTreeMap<String, Count> {
    let located = locate(set, labels);
    let mut per_pillar: BTreeMap<&str, Count> = pillars
        .iter()
        .map(|p| (p.as_str(), Count::default()))
        .collect();
    let mut per_language: BTreeMap<&str, Count> = BTreeMap::new();
    let mut disagreements = Vec::new();
    for (label, passage) in &located {
        let language = set.language_of(&label.doc);
        let predicted: BTreeSet<&str> = passage
            .themes
            .iter()
            .map(String::as_str)
            .filter(|id| pillars.iter().any(|p| p == id))
            .collect();
        let expected: BTreeSet<&str> = label
            .pillars
            .iter()
            .map(String::as_str)
            .filter(|id| pillars.iter().any(|p| p == id))
            .collect();
        for p in pillars {
            let c = Count {
                tp: usize::from(predicted.contains(p.as_str()) && expected.contains(p.as_str())),
                fp: usize::from(predicted.contains(p.as_str()) && !expected.contains(p.as_str())),
                fn_: usize::from(!predicted.contains(p.as_str()) && expected.contains(p.as_str())),
            };
            per_pillar.get_mut(p.as_str()).unwrap().add(c);
            per_language.entry(language).or_default().add(c);
        }
        if predicted != expected {
            let extra: Vec<&str> = predicted.difference(&expected).copied().collect();
            let missed: Vec<&str> = expected.difference(&predicted).copied().collect();
            let scores: Vec<String> = set
                .tagger
                .tag_in(&passage.text, language)
                .iter()
                .map(|t| format!("{} {:.1}", t.id, t.score))
                .collect();
            disagreements.push(format!(
                "{} #{} {:?}\n    extra {:?}  missed {:?}  tags [{}]",
                label.doc,
                passage.n,
                label.quote,
                extra,
                missed,
                scores.join(", ")
            ));
        }
    }

    println!("\n{} labelled passages; disagreements:", located.len());
    for d in &disagreements {
        println!("  {d}");
    }
    let row = |name: &str, c: &Count| {
        println!(
            "{name:<24} {:>4} {:>4} {:>4} {:>9.2} {:>7.2}",
            c.tp,
            c.fp,
            c.fn_,
            c.precision(),
            c.recall()
        )
    };
    println!(
        "\n{:<24} {:>4} {:>4} {:>4} {:>9} {:>7}",
        "pillar", "tp", "fp", "fn", "precision", "recall"
    );
    let mut total = Count::default();
    for (p, c) in &per_pillar {
        row(p, c);
        total.add(*c);
    }
    for (language, c) in &per_language {
        row(&format!("language {language}"), c);
    }
    row("micro-average", &total);
    let mut out: BTreeMap<String, Count> = per_language
        .into_iter()
        .map(|(l, c)| (format!("language {l}"), c))
        .collect();
    out.insert("micro".into(), total);
    out
}

fn check(name: &str, figures: &BTreeMap<String, Count>, min_precision: f64, min_recall: f64) {
    let micro = figures["micro"];
    assert!(
        micro.precision() >= min_precision,
        "{name}: micro precision {:.3} < {min_precision}",
        micro.precision()
    );
    assert!(
        micro.recall() >= min_recall,
        "{name}: micro recall {:.3} < {min_recall}",
        micro.recall()
    );
}

#[test]
fn tagger_matches_founding_labels_on_their_pillars() {
    let set = founding();
    let labels = labels("theme-labels.toml");
    let pillars = labels.pillars.clone().unwrap_or_else(|| set.pillars());

    // The fixture itself: enough entries, every document and every pillar.
    assert!(labels.passage.len() >= 60, "label at least 60 passages");
    for (doc, _) in &set.docs {
        let n = labels.passage.iter().filter(|l| l.doc == doc.id).count();
        assert!(n >= 10, "only {n} labelled passages from {}", doc.id);
    }
    for p in &pillars {
        let n = labels
            .passage
            .iter()
            .filter(|l| l.pillars.contains(p))
            .count();
        assert!(n >= 3, "only {n} labelled passages carry {p}");
    }

    let figures = measure(set, &labels, &pillars);
    check(
        "founding labels",
        &figures,
        FOUNDING_MIN_PRECISION,
        FOUNDING_MIN_RECALL,
    );
}

#[test]
fn tagger_matches_labels_of_unseen_strategies() {
    let set = extra();
    let labels = labels("theme-labels-extra.toml");
    assert!(labels.passage.len() >= 150, "label at least 150 passages");
    let other_languages = labels
        .passage
        .iter()
        .filter(|l| matches!(set.language_of(&l.doc), "fr" | "es"))
        .count();
    assert!(
        other_languages >= 30,
        "only {other_languages} labelled passages in French or Spanish"
    );
    let figures = measure(set, &labels, &set.pillars());
    check(
        "labels of unseen strategies",
        &figures,
        EXTRA_MIN_PRECISION,
        EXTRA_MIN_RECALL,
    );
}

/// Body passages with a theme, of all body passages: all of them, and those
/// of at least [`PROSE_WORDS`] words.
#[derive(Default, Clone, Copy)]
struct Share {
    body: usize,
    tagged: usize,
    prose: usize,
    prose_tagged: usize,
}

impl Share {
    fn add(&mut self, passage: &Passage) {
        if passage.kind != PassageKind::Body {
            return;
        }
        let tagged = !passage.themes.is_empty();
        self.body += 1;
        self.tagged += usize::from(tagged);
        if passage.text.split_whitespace().count() >= PROSE_WORDS {
            self.prose += 1;
            self.prose_tagged += usize::from(tagged);
        }
    }
    fn all(&self) -> f64 {
        ratio(self.tagged, self.body)
    }
    fn of_prose(&self) -> f64 {
        ratio(self.prose_tagged, self.prose)
    }
}

fn shares(set: &Set) -> (BTreeMap<String, Share>, BTreeMap<String, Share>) {
    let mut per_doc: BTreeMap<String, Share> = BTreeMap::new();
    let mut per_language: BTreeMap<String, Share> = BTreeMap::new();
    for (doc, passages) in &set.docs {
        for p in passages {
            per_doc.entry(doc.id.clone()).or_default().add(p);
            per_language.entry(doc.language.clone()).or_default().add(p);
        }
    }
    (per_doc, per_language)
}

fn print_shares(title: &str, rows: &BTreeMap<String, Share>) {
    println!(
        "\n{title:<44} {:>5} {:>7} {:>6} {:>7}",
        "body", "themed", "prose", "themed"
    );
    for (name, s) in rows {
        println!(
            "{name:<44} {:>5} {:>7.2} {:>6} {:>7.2}",
            s.body,
            s.all(),
            s.prose,
            s.of_prose()
        );
    }
}

#[test]
fn body_passages_of_unseen_strategies_carry_themes_in_every_language() {
    let (founding_docs, founding_languages) = shares(founding());
    print_shares("founding corpus", &founding_docs);
    print_shares("founding corpus, per language", &founding_languages);
    let (docs, languages) = shares(extra());
    print_shares("unseen strategies", &docs);
    print_shares("unseen strategies, per language", &languages);

    let founding_all = founding_languages["en"];
    assert!(
        founding_all.all() >= MIN_FOUNDING_SHARE.0 && founding_all.of_prose() >= MIN_FOUNDING_SHARE.1,
        "founding corpus: {:.3} of body passages, {:.3} of prose passages carry a theme (floors {MIN_FOUNDING_SHARE:?})",
        founding_all.all(),
        founding_all.of_prose()
    );
    let tagged_languages: Vec<&str> = extra().tagger.languages().collect();
    for (doc, _) in &extra().docs {
        if !tagged_languages.contains(&doc.language.as_str()) {
            continue;
        }
        let s = docs[&doc.id];
        assert!(
            s.all() >= MIN_DOC_SHARE.0 && s.of_prose() >= MIN_DOC_SHARE.1,
            "{}: {:.3} of body passages, {:.3} of prose passages carry a theme (floors {MIN_DOC_SHARE:?})",
            doc.id,
            s.all(),
            s.of_prose()
        );
    }

    for &(language, min_all, min_prose) in MIN_SHARE {
        let s = languages[language];
        assert!(
            s.all() >= min_all,
            "{language}: {:.3} of body passages carry a theme (< {min_all})",
            s.all()
        );
        assert!(
            s.of_prose() >= min_prose,
            "{language}: {:.3} of body passages of {PROSE_WORDS}+ words carry a theme (< {min_prose})",
            s.of_prose()
        );
    }
    let english = languages["en"];
    for language in ["fr", "es"] {
        let s = languages[language];
        // Prose passages: the tagger's parity across languages. All body
        // passages also count the table cells and figure fragments the
        // segmenter leaves, far more of them in the English PDFs (fr 0.86,
        // en 0.60 when measured): a segmentation defect, reported apart.
        let (ours, theirs) = (s.of_prose(), english.of_prose());
        assert!(
            (ours - theirs).abs() <= MAX_LANGUAGE_GAP,
            "{language}: {ours:.3} of prose passages carry a theme, English {theirs:.3}: more than {MAX_LANGUAGE_GAP} apart"
        );
    }
}

/// Operative articles of the Council of Europe Convention on Cybercrime
/// (ETS 185), each paragraph under its article's heading as the segmenter
/// keeps it: offences, procedural powers, jurisdiction, cooperation.
const TREATY: &[(&str, &str)] = &[
    ("Article 2 – Illegal access", "Each Party shall adopt such legislative and other measures as may be necessary to establish as criminal offences under its domestic law, when committed intentionally, the access to the whole or any part of a computer system without right. A Party may require that the offence be committed by infringing security measures, with the intent of obtaining computer data or other dishonest intent, or in relation to a computer system that is connected to another computer system."),
    ("Article 3 – Illegal interception", "Each Party shall adopt such legislative and other measures as may be necessary to establish as criminal offences under its domestic law, when committed intentionally, the interception without right, made by technical means, of non-public transmissions of computer data to, from or within a computer system, including electromagnetic emissions from a computer system carrying such computer data."),
    ("Article 4 – Data interference", "A Party may reserve the right to require that the conduct described in paragraph 1 result in serious harm."),
    ("Article 5 – System interference", "Each Party shall adopt such legislative and other measures as may be necessary to establish as criminal offences under its domestic law, when committed intentionally, the serious hindering without right of the functioning of a computer system by inputting, transmitting, damaging, deleting, deteriorating, altering or suppressing computer data."),
    ("Article 6 – Misuse of devices", "a computer password, access code, or similar data by which the whole or any part of a computer system is capable of being accessed, with intent that it be used for the purpose of committing any of the offences established in Articles 2 through 5;"),
    ("Article 7 – Computer-related forgery", "Each Party shall adopt such legislative and other measures as may be necessary to establish as criminal offences under its domestic law, when committed intentionally and without right, the input, alteration, deletion, or suppression of computer data, resulting in inauthentic data with the intent that it be considered or acted upon for legal purposes as if it were authentic."),
    ("Article 8 – Computer-related fraud", "any interference with the functioning of a computer system, with fraudulent or dishonest intent of procuring, without right, an economic benefit for oneself or for another person."),
    ("Article 12 – Corporate liability", "Subject to the legal principles of the Party, the liability of a legal person may be criminal, civil or administrative."),
    ("Article 12 – Corporate liability", "Such liability shall be without prejudice to the criminal liability of the natural persons who have committed the offence."),
    ("Article 16 – Expedited preservation of stored computer data", "Each Party shall adopt such legislative and other measures as may be necessary to oblige the custodian or other person who is to preserve the computer data to keep confidential the undertaking of such procedures for the period of time provided for by its domestic law."),
    ("Article 18 – Production order", "a service provider offering its services in the territory of the Party to submit subscriber information relating to such services in that service provider's possession or control."),
    ("Article 19 – Search and seizure of stored computer data", "Each Party shall adopt such legislative and other measures as may be necessary to empower its competent authorities to search or similarly access a computer system or part of it and computer data stored therein."),
    ("Article 20 – Real-time collection of traffic data", "Each Party shall adopt such legislative and other measures as may be necessary to empower its competent authorities to collect or record through the application of technical means on the territory of that Party traffic data, in real-time, associated with specified communications in its territory transmitted by means of a computer system."),
    ("Article 21 – Interception of content data", "Each Party shall adopt such legislative and other measures as may be necessary, in relation to a range of serious offences to be determined by domestic law, to empower its competent authorities to collect or record content data, in real-time, of specified communications in its territory transmitted by means of a computer system."),
    ("Article 22 – Jurisdiction", "When more than one Party claims jurisdiction over an alleged offence established in accordance with this Convention, the Parties involved shall, where appropriate, consult with a view to determining the most appropriate jurisdiction for prosecution."),
    ("Article 24 – Extradition", "This article applies to extradition between Parties for the criminal offences established in accordance with Articles 2 through 11 of this Convention, provided that they are punishable under the laws of both Parties concerned by deprivation of liberty for a maximum period of at least one year, or by a more severe penalty."),
    ("Article 25 – General principles relating to mutual assistance", "The Parties shall afford one another mutual assistance to the widest extent possible for the purpose of investigations or proceedings concerning criminal offences related to computer systems and data, or for the collection of evidence in electronic form of a criminal offence."),
    ("Article 35 – 24/7 Network", "Each Party shall designate a point of contact available on a twenty-four hour, seven-day-a-week basis, in order to ensure the provision of immediate assistance for the purpose of investigations or proceedings concerning criminal offences related to computer systems and data."),
];

/// The same convention's French and Spanish versions, a paragraph each.
const TREATY_TRANSLATED: &[(&str, &str, &str)] = &[
    ("fr", "Article 2 – Accès illégal", "Chaque Partie adopte les mesures législatives et autres qui se révèlent nécessaires pour ériger en infraction pénale, conformément à son droit interne, l'accès intentionnel et sans droit à tout ou partie d'un système informatique."),
    ("fr", "Article 25 – Principes généraux relatifs à l'entraide", "Les Parties s'accordent l'entraide la plus large possible aux fins d'investigations ou de procédures concernant les infractions pénales liées à des systèmes et à des données informatiques, ou afin de recueillir les preuves sous forme électronique d'une infraction pénale."),
    ("es", "Artículo 2 – Acceso ilícito", "Cada Parte adoptará las medidas legislativas y de otro tipo que resulten necesarias para tipificar como delito en su derecho interno el acceso deliberado e ilegítimo a todo o parte de un sistema informático."),
    ("es", "Artículo 19 – Registro y confiscación de datos informáticos almacenados", "Cada Parte adoptará las medidas legislativas y de otro tipo que resulten necesarias para facultar a sus autoridades competentes a registrar o tener acceso de una forma similar a todo sistema informático o parte del mismo y a los datos informáticos almacenados en el mismo."),
];

/// Clauses of declarations on norms of state behaviour: supply-chain
/// security and vulnerability disclosure in the norms' own words and in
/// the words declarations use, with no "norm" beside them.
const DECLARATION: &[(&str, &str)] = &[
    ("norms/i", "States should take reasonable steps to ensure the integrity of the supply chain so that end users can have confidence in the security of ICT products."),
    ("norms/i", "We will work to strengthen supply chain security and to prevent the proliferation of malicious software and practices intended to cause harm."),
    ("norms/j", "States should encourage responsible reporting of ICT vulnerabilities and share associated information on available remedies to such vulnerabilities."),
    ("norms/j", "Signatories commit to coordinated vulnerability disclosure and to share information on the vulnerabilities they find with the vendors concerned."),
];

#[test]
fn treaty_articles_carry_cybercrime_and_declarations_the_norms() {
    let set = founding();
    let tagger = &set.tagger;
    let lexicon = &set.analyser.lexicon;
    let tag = |heading: &str, text: &str, language: &str| -> Vec<String> {
        let heading = tagger.heading_in(heading, language);
        tagger
            .tag_analysed_under(&lexicon.tokens_in(text, language), &heading)
            .into_iter()
            .map(|t| t.id)
            .collect()
    };
    let mut missed = Vec::new();
    let english = TREATY.iter().map(|&(h, t)| ("en", h, t));
    for (language, heading, text) in english.chain(TREATY_TRANSLATED.iter().copied()) {
        let themes = tag(heading, text, language);
        if !themes.iter().any(|t| t == "cybercrime") {
            missed.push(format!("{heading} [{language}]: {themes:?}"));
        }
    }
    for &(norm, text) in DECLARATION {
        let themes = tag("", text, "en");
        if !themes.iter().any(|t| t == norm) || !themes.iter().any(|t| t == "norms") {
            missed.push(format!("{norm}: {text:?} → {themes:?}"));
        }
    }
    assert!(missed.is_empty(), "untagged:\n{}", missed.join("\n"));
}
