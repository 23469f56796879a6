//! Reuse detection on corpora made from the founding texts: paragraphs
//! copied into later synthetic documents with a few words changed, among
//! passages that share only the field's common phrases; and on the real
//! founding and extra texts together.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use normsearch::corpus::{Corpus, Document, PartialDate};
use normsearch::lexicon::Lexicon;
use normsearch::reuse::{EditKind, Library, Params, Passage, ReuseOptions, Trace};
use normsearch::segment::segment;

use crate::util;

/// A passage of the founding corpus copied into synthetic documents.
struct Original {
    id: String,
    /// Per copy: its passage id, the words replaced (old → new), the
    /// word removed and the word added.
    copies: Vec<Copy>,
}

struct Copy {
    id: String,
    replaced: Vec<(String, String)>,
}

struct Fixture {
    library: Library,
    originals: Vec<Original>,
    /// Passages that share only common phrases with the rest.
    fillers: Vec<String>,
}

fn doc(id: &str, date: &str) -> Document {
    Document {
        id: id.into(),
        file: PathBuf::from(format!("{id}.txt")),
        title: format!("Synthetic {id}"),
        issuer: "Synthetic issuer".into(),
        authors: Vec::new(),
        date: date.parse().unwrap(),
        kind: "national-strategy".into(),
        country: None,
        organization: None,
        language: "en".into(),
        url: None,
        container: None,
        issuers: Vec::new(),
        issuer_type: None,
        number: None,
        translation: None,
        original_language: None,
        venue: None,
    }
}

fn passages_of(document: &Document, text: &str) -> Vec<Passage> {
    segment(document, text)
        .passages
        .into_iter()
        .map(|p| Passage {
            id: format!("{}:{}", p.doc, p.n),
            doc: p.doc,
            date: document.date,
            text: p.text,
        })
        .collect()
}

fn founding() -> Vec<Passage> {
    let corpus = Corpus::load(&util::repo().join("corpus")).unwrap();
    corpus
        .documents
        .iter()
        .flat_map(|d| passages_of(d, &corpus.read_text(d, false).unwrap().text))
        .collect()
}

/// Words to put in place of the original ones: none occurs in the
/// founding corpus.
const NEW_WORDS: &[&str] = &[
    "zeppelin",
    "quorum",
    "marmalade",
    "lighthouse",
    "tundra",
    "accordion",
    "saffron",
    "glacier",
    "orchard",
    "pendulum",
    "walrus",
    "lantern",
];

/// Sentences made of the field's common phrases, each different, and
/// nothing longer shared with one another or any founding passage: two
/// per synthetic document.
const FILLERS: &[&str] = &[
    "Our agency applies international law and promotes information and communication technologies for rural schools and clinics.",
    "Confidence-building measures, capacity building and international law were the topics of the regional workshop held last spring.",
    "The United Nations and the private sector discussed critical infrastructure, cyber security and the rule of law at a seminar.",
    "Information and communication technologies change how farmers sell grain, and international law says little about it.",
    "In accordance with international law, the ministry will publish an annual report on its information and communication technologies budget.",
    "Universities teach international law; few courses cover information and communication technologies in the context of international security.",
    "Critical infrastructure operators met the United Nations envoy to discuss confidence-building measures in the region.",
    "The responsible State behaviour of our neighbours is welcome, and the rule of law applies to our harbour authority too.",
    "Human rights and fundamental freedoms matter to our librarians, who lend books on information and communication technologies.",
    "A national strategy on cyber security needs a budget, and international cooperation needs trained diplomats and translators.",
    "The Group of Governmental Experts was mentioned twice in the parliamentary debate on fisheries and coastal protection.",
    "Capacity building in information and communication technologies remains the priority of the development bank this decade.",
];

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(build_fixture)
}

fn build_fixture() -> Fixture {
    let mut passages = founding();
    // Originals: body paragraphs of 30–120 plain words, spread over the
    // founding documents.
    let eligible: Vec<usize> = passages
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            let n = p.text.split_whitespace().count();
            (30..=120).contains(&n) && !p.text.contains('\u{fffd}')
        })
        .map(|(i, _)| i)
        .collect();
    assert!(eligible.len() > 40, "{} eligible passages", eligible.len());
    let step = eligible.len() / 8;
    let picked: Vec<usize> = (0..8).map(|k| eligible[k * step + step / 2]).collect();

    let mut docs: Vec<(Document, Vec<String>)> = (0..6)
        .map(|k| {
            (
                doc(
                    &format!("synthetic-{k}"),
                    &format!("{}-0{}-15", 2019 + k, k + 1),
                ),
                Vec::new(),
            )
        })
        .collect();
    let mut originals = Vec::new();
    let mut new_word = NEW_WORDS.iter().cycle();
    for (n, &i) in picked.iter().enumerate() {
        let original = &passages[i];
        let words: Vec<&str> = original.text.split_whitespace().collect();
        // Positions of plain lower-case words that can be changed.
        let plain: Vec<usize> = (0..words.len())
            .filter(|&w| words[w].len() >= 4 && words[w].chars().all(|c| c.is_ascii_lowercase()))
            .collect();
        let mut copies = Vec::new();
        for c in 0..2 {
            // Three words changed, at a quarter, a half and three quarters
            // of the paragraph (shifted for the second copy).
            let at: Vec<usize> = [1, 2, 3]
                .iter()
                .map(|q| plain[(plain.len() * q / 4 + c * 2).min(plain.len() - 1)])
                .collect();
            let mut replaced = Vec::new();
            let text: Vec<String> = words
                .iter()
                .enumerate()
                .map(|(w, word)| {
                    if at.contains(&w) {
                        let new = new_word.next().unwrap().to_string();
                        replaced.push((word.to_string(), new.clone()));
                        new
                    } else {
                        word.to_string()
                    }
                })
                .collect();
            let target = (n + 2 * c + 1) % docs.len();
            docs[target].1.push(text.join(" "));
            copies.push((target, replaced));
        }
        originals.push((original.id.clone(), copies));
    }
    for (k, (_, paragraphs)) in docs.iter_mut().enumerate() {
        paragraphs.insert(0, FILLERS[2 * k].to_string());
        paragraphs.push(FILLERS[2 * k + 1].to_string());
    }

    // The synthetic documents, segmented like any other.
    let mut copy_ids: Vec<Vec<String>> = Vec::new();
    let mut fillers = Vec::new();
    for (document, paragraphs) in &docs {
        let text = paragraphs.join("\n\n") + "\n";
        let ps = passages_of(document, &text);
        assert_eq!(
            ps.len(),
            paragraphs.len(),
            "{}: segmentation changed the paragraphs",
            document.id
        );
        let ids: Vec<String> = ps.iter().map(|p| p.id.clone()).collect();
        fillers.push(ids[0].clone());
        fillers.push(ids[ids.len() - 1].clone());
        copy_ids.push(ids);
        passages.extend(ps);
    }
    // Copy k of a document is its passage k + 1 (after the first filler),
    // in the order the copies were added.
    let mut next = vec![1usize; docs.len()];
    let originals = originals
        .into_iter()
        .map(|(id, copies)| Original {
            id,
            copies: copies
                .into_iter()
                .map(|(target, replaced)| {
                    let id = copy_ids[target][next[target]].clone();
                    next[target] += 1;
                    Copy { id, replaced }
                })
                .collect(),
        })
        .collect();
    let library = Library::build(Lexicon::builtin(), passages, Params::default());
    Fixture {
        library,
        originals,
        fillers,
    }
}

fn passage(library: &Library, id: &str) -> Passage {
    library.passage(id).unwrap()
}

fn check_lineage(trace: &Trace, original: &Original, fx: &Fixture) {
    let ids: Vec<&str> = trace.entries.iter().map(|e| e.id.as_str()).collect();
    assert!(
        ids.contains(&original.id.as_str()),
        "{}: original missing from {ids:?}",
        original.id
    );
    for copy in &original.copies {
        assert!(
            ids.contains(&copy.id.as_str()),
            "{}: copy {} missing from {ids:?}",
            original.id,
            copy.id
        );
    }
    for filler in &fx.fillers {
        assert!(
            !ids.contains(&filler.as_str()),
            "{}: filler {filler} reported",
            original.id
        );
    }
    // Date order, the original (2011–2017) before its copies (2019–).
    for w in trace.entries.windows(2) {
        assert!(w[0].date <= w[1].date, "{ids:?} not in date order");
    }
    let at = |id: &str| ids.iter().position(|x| *x == id).unwrap();
    let original_at = at(&original.id);
    for copy in &original.copies {
        let entry = &trace.entries[at(&copy.id)];
        assert!(original_at < at(&copy.id));
        // The copy's closest earlier version is the original, and the diff
        // shows exactly the three changed words, every other word kept.
        let earlier = entry
            .earlier
            .as_ref()
            .unwrap_or_else(|| panic!("{}: no earlier version", copy.id));
        assert_eq!(earlier.id, original.id, "{}", copy.id);
        let changes: Vec<_> = earlier
            .edits
            .iter()
            .filter(|e| e.kind != EditKind::Same)
            .collect();
        assert_eq!(
            changes.len(),
            copy.replaced.len(),
            "{}: {changes:?}",
            copy.id
        );
        for (edit, (old, new)) in changes.iter().zip(&copy.replaced) {
            assert_eq!(edit.kind, EditKind::Replaced);
            assert!(
                old.contains(&edit.earlier_text)
                    || edit
                        .earlier_text
                        .contains(old.trim_matches(|c: char| !c.is_alphanumeric())),
                "{old} vs {edit:?}"
            );
            assert!(edit.later_text.contains(new.as_str()), "{new} vs {edit:?}");
        }
        let source = passage(&fx.library, &original.id);
        let kept: usize = earlier
            .edits
            .iter()
            .filter(|e| e.kind == EditKind::Same)
            .map(|e| e.later_text.split_whitespace().count())
            .sum();
        assert_eq!(
            kept,
            source.text.split_whitespace().count() - copy.replaced.len(),
            "{}",
            copy.id
        );
        // The span runs from the copy's first word to its last.
        let text = &passage(&fx.library, &copy.id).text;
        let first = text.chars().position(char::is_alphanumeric).unwrap();
        let last =
            text.chars().count() - text.chars().rev().position(char::is_alphanumeric).unwrap();
        assert_eq!(entry.span, [first, last], "{}", copy.id);
    }
}

#[test]
fn trace_finds_every_copy_in_date_order_with_the_changes_marked() {
    let fx = fixture();
    let options = ReuseOptions::default();
    for original in &fx.originals {
        let trace = fx.library.trace_passage(&original.id, &options).unwrap();
        assert_eq!(trace.entries.iter().filter(|e| e.is_query).count(), 1);
        check_lineage(&trace, original, fx);
        // The same lineage from the text itself.
        let text = passage(&fx.library, &original.id).text;
        let by_text = fx.library.trace(&text, &options).unwrap();
        check_lineage(&by_text, original, fx);
        assert!(by_text.entries.iter().all(|e| !e.is_query));
    }
}

#[test]
fn clusters_group_each_original_with_its_copies() {
    let fx = fixture();
    let clusters = fx.library.clusters(&ReuseOptions::default()).unwrap();
    for original in &fx.originals {
        let home: Vec<_> = clusters
            .iter()
            .filter(|c| c.members.iter().any(|m| m.id == original.id))
            .collect();
        let with_copies: Vec<_> = home
            .iter()
            .filter(|c| {
                original
                    .copies
                    .iter()
                    .all(|copy| c.members.iter().any(|m| m.id == copy.id))
            })
            .collect();
        assert_eq!(with_copies.len(), 1, "{}: {home:#?}", original.id);
        let cluster = with_copies[0];
        assert_eq!(cluster.earliest, original.id);
        assert_eq!(cluster.members[0].id, original.id);
        assert!(cluster.documents >= 3);
    }
    for c in &clusters {
        for m in &c.members {
            assert!(
                !fx.fillers.contains(&m.id),
                "filler {} in a cluster: {c:#?}",
                m.id
            );
        }
        assert!(c.members.windows(2).all(|w| w[0].date <= w[1].date));
    }
    assert!(clusters
        .windows(2)
        .all(|w| w[0].documents >= w[1].documents));
}

#[test]
fn common_phrases_alone_are_not_reuse() {
    let fx = fixture();
    let options = ReuseOptions::default();
    for filler in &fx.fillers {
        let trace = fx.library.trace_passage(filler, &options).unwrap();
        let others: Vec<&str> = trace
            .entries
            .iter()
            .filter(|e| !e.is_query)
            .map(|e| e.id.as_str())
            .collect();
        assert!(others.is_empty(), "{filler} shares wording with {others:?}");
    }
    let trace = fx
        .library
        .trace(
            "information and communication technologies and international law",
            &options,
        )
        .unwrap();
    assert!(
        trace.entries.is_empty(),
        "{:?}",
        trace.entries.iter().map(|e| &e.id).collect::<Vec<_>>()
    );
}

#[test]
fn similar_puts_shared_wording_first() {
    let fx = fixture();
    let original = &fx.originals[0];
    let similar = fx
        .library
        .similar(&original.id, 10, &ReuseOptions::default())
        .unwrap();
    let first: Vec<&str> = similar.iter().take(2).map(|s| s.id.as_str()).collect();
    for copy in &original.copies {
        assert!(first.contains(&copy.id.as_str()), "{first:?}");
    }
    assert!(similar
        .iter()
        .all(|s| s.doc != passage(&fx.library, &original.id).doc));
    assert!(fx
        .library
        .similar("no-such:1", 10, &ReuseOptions::default())
        .is_err());
}

/// The founding texts and, where it stands, `../shared/corpus-extra`
/// (dated from its `index.tsv`).
fn real_passages() -> Vec<Passage> {
    let mut passages = founding();
    let extra = util::repo().join("../shared/corpus-extra");
    let Ok(index) = std::fs::read_to_string(extra.join("index.tsv")) else {
        return passages;
    };
    for line in index.lines().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        let (Some(file), Some(date)) = (fields.first(), fields.get(2)) else {
            continue;
        };
        let Ok(date) = date.parse::<PartialDate>() else {
            continue;
        };
        let Ok(bytes) = std::fs::read(extra.join(file)) else {
            continue;
        };
        let id = Path::new(file)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let mut d = doc(&id, &date.to_string());
        d.file = PathBuf::from(file);
        passages.extend(passages_of(&d, &String::from_utf8_lossy(&bytes)));
    }
    passages
}

#[test]
fn real_texts_share_formulations_across_documents() {
    let passages = real_passages();
    let founding: Vec<String> = founding().into_iter().map(|p| p.doc).collect();
    let library = Library::build(Lexicon::builtin(), passages, Params::default());
    let clusters = library.clusters(&ReuseOptions::default()).unwrap();
    assert!(!clusters.is_empty());
    for c in &clusters {
        assert!(c.documents >= 2, "{c:#?}");
        assert_eq!(c.earliest, c.members[0].id);
        assert!(c.members.windows(2).all(|w| w[0].date <= w[1].date));
        for m in &c.members {
            // The span is where the text says.
            let text = &passage(&library, &m.id).text;
            let span: String = text
                .chars()
                .skip(m.span[0])
                .take(m.span[1] - m.span[0])
                .collect();
            assert_eq!(span, m.text);
        }
    }
    if !util::repo()
        .join("../shared/corpus-extra/index.tsv")
        .exists()
    {
        return;
    }
    // Founding wording travels into the extra strategies: a cluster holds
    // both, and tracing its earliest passage finds the later ones, each
    // compared with an earlier version.
    let crossing = clusters
        .iter()
        .find(|c| {
            founding.contains(&c.members[0].doc)
                && c.members.iter().any(|m| !founding.contains(&m.doc))
        })
        .expect("a founding formulation found in an extra strategy");
    let trace = library
        .trace_passage(&crossing.earliest, &ReuseOptions::default())
        .unwrap();
    assert_eq!(trace.entries[0].id, crossing.earliest);
    for m in crossing
        .members
        .iter()
        .filter(|m| m.doc != crossing.members[0].doc)
    {
        let entry = trace
            .entries
            .iter()
            .find(|e| e.id == m.id)
            .unwrap_or_else(|| panic!("{} not traced", m.id));
        assert!(entry.earlier.is_some(), "{entry:?}");
    }
    for c in clusters
        .iter()
        .filter(|c| c.members.iter().any(|m| founding.contains(&m.doc)))
    {
        println!(
            "{} documents, earliest {} ({}): {}",
            c.documents, c.earliest, c.first_date, c.text
        );
        for m in &c.members[1..] {
            println!("    {} {}: {}", m.date, m.id, m.text);
        }
    }
}

/// The commands on the founding corpus, through the binary: one index,
/// built once, each command's output and exit code; the reuse files read
/// only by these commands; a damaged one refused with a rebuild advice.
#[test]
fn trace_reuse_and_similar_through_the_binary() {
    let dir = util::workspace();
    let corpus = dir.path().join("corpus");
    let run = |args: &[&str]| util::output(util::normsearch(dir.path(), &corpus).args(args));
    assert_eq!(run(&["index"]).code, 0);

    // A cluster crossing documents, earliest first, as CSV and JSON Lines.
    let csv = run(&["reuse", "--csv"]);
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    assert!(csv
        .stdout
        .starts_with("cluster,documents,passages,earliest,id,doc,date,span_start,span_end,text"));
    let clusters = run(&["reuse", "--json"]);
    let first: serde_json::Value =
        serde_json::from_str(clusters.stdout.lines().next().unwrap()).unwrap();
    assert!(first["documents"].as_u64().unwrap() >= 2);
    let earliest = first["earliest"].as_str().unwrap().to_string();

    // Its earliest passage traced: later versions, each diffed.
    let trace = run(&["trace", &earliest, "--json"]);
    assert_eq!(trace.code, 0, "{}", trace.stderr);
    let lineage: serde_json::Value = serde_json::from_str(&trace.stdout).unwrap();
    let entries = lineage["entries"].as_array().unwrap();
    assert!(entries.len() >= 2);
    assert_eq!(entries[0]["id"], earliest.as_str());
    assert!(entries[1..]
        .iter()
        .all(|e| e["citation"]["id"].is_string() && !e["earlier"].is_null()));
    // The span is where the passage text says.
    for e in entries {
        let text: Vec<char> = e["passage_text"].as_str().unwrap().chars().collect();
        let [a, b] = [
            e["span"][0].as_u64().unwrap(),
            e["span"][1].as_u64().unwrap(),
        ];
        let span: String = text[a as usize..b as usize].iter().collect();
        assert_eq!(span, e["text"].as_str().unwrap());
    }
    // Without colour, the word diff is git's.
    let human = run(&["trace", &earliest]);
    assert!(human.stdout.contains("Lineage of"), "{}", human.stdout);

    // A text: the same lineage; too short a text is refused.
    let sentence = entries[1]["text"].as_str().unwrap().to_string();
    let by_text = run(&["trace", &sentence, "--json"]);
    assert_eq!(by_text.code, 0, "{}", by_text.stderr);
    assert_eq!(run(&["trace", "international law"]).code, 2);
    assert_eq!(run(&["trace", "no-such-doc:1"]).code, 2);

    let similar = run(&["similar", &earliest, "--json", "--limit", "5"]);
    assert_eq!(similar.code, 0, "{}", similar.stderr);
    let similar: serde_json::Value = serde_json::from_str(&similar.stdout).unwrap();
    assert_eq!(similar["passages"][0]["tier"], "wording");
    assert!(similar["passages"].as_array().unwrap().len() <= 5);

    // A plain search never reads the reuse files: without them it answers,
    // while trace says to rebuild.
    let generation = std::fs::read_to_string(dir.path().join("index/CURRENT")).unwrap();
    let gen_dir = dir.path().join("index").join(generation.trim());
    for f in [
        "reuse-signatures.bin",
        "reuse-words.bin",
        "reuse-passages.bin",
    ] {
        std::fs::write(gen_dir.join(f), b"damaged").unwrap();
    }
    assert_eq!(run(&["search", "sovereignty"]).code, 0);
    let refused = run(&["trace", &earliest]);
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("rebuild"), "{}", refused.stderr);
    assert_eq!(refused.stderr.lines().count(), 1, "{}", refused.stderr);
}
