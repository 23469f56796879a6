//! Expansion: each leaf analysed with the lexicon into its variants
//! (stems, spellings, acronyms and long forms), runs of words that spell a
//! compound or a long form rewritten, and the expanded tree explained for
//! `--explain`.

use std::fmt::Write as _;

use super::{err, Filter, Juxtaposition, Node, Term, TermKind, JUXTAPOSITION, MAX_VARIANTS};
use crate::error::UserError;
use crate::lexicon::{Alternatives, Expansions, FormKind, Lexicon, Origin, Variant};

pub(super) fn collect_filters<'a>(node: &'a Node, out: &mut Vec<&'a Filter>) {
    match node {
        Node::Filter { filter, .. } => out.push(filter),
        Node::Juxtaposed(v) | Node::And(v) | Node::Or(v) => {
            v.iter().for_each(|n| collect_filters(n, out));
        }
        Node::Not(n) | Node::Must(n) => collect_filters(n, out),
        Node::Term(_) => {}
    }
}

/// What a query is expanded with: the lexicon, whether words stand as
/// written, which expansions, and the languages the text is read in.
pub(crate) struct Expansion<'a> {
    pub(crate) lex: &'a Lexicon,
    pub(crate) exact: bool,
    pub(crate) with: Expansions,
    /// ISO 639-1 codes, English (when present) first.
    pub(crate) languages: &'a [String],
}

impl Expansion<'_> {
    fn allows(&self, language: &str) -> bool {
        language.is_empty() || self.languages.iter().any(|l| l == language)
    }

    /// The languages the text is read in: those asked for, and English,
    /// the language of the lexicon's concept entries, so that an English
    /// name finds the concept's names in a language asked for alone
    /// (`--lang fr "confidence-building measures"`). Variants in English
    /// are then kept only if English is asked for.
    fn reading(&self) -> Vec<String> {
        let mut out = self.languages.to_vec();
        if !out.iter().any(|l| crate::lexicon::is_english(l)) {
            out.push(crate::lexicon::ENGLISH.to_string());
        }
        out
    }
}

pub(super) fn expand_node(node: &Node, cx: &Expansion<'_>) -> Result<Option<Node>, UserError> {
    let (lex, exact, with) = (cx.lex, cx.exact, cx.with);
    let group = |items: &[Node], make: fn(Vec<Node>) -> Node| {
        let mut out = Vec::new();
        for item in items {
            if let Some(n) = expand_node(item, cx)? {
                out.push(n);
            }
        }
        Ok(match out.len() {
            0 => None,
            1 => out.pop(),
            _ => Some(make(out)),
        })
    };
    match node {
        Node::Term(t) => expand_term(t, cx),
        Node::Filter { .. } => Ok(Some(node.clone())),
        Node::Juxtaposed(items) => {
            let _ = lex;
            if exact || !with.concepts {
                group(items, Node::Juxtaposed)
            } else {
                group(&long_form_runs(items, cx), Node::Juxtaposed)
            }
        }
        Node::And(items) => group(items, Node::And),
        Node::Or(items) => group(items, Node::Or),
        Node::Not(inner) => Ok(expand_node(inner, cx)?.map(|n| Node::Not(Box::new(n)))),
        Node::Must(inner) => Ok(expand_node(inner, cx)?.map(|n| Node::Must(Box::new(n)))),
    }
}

pub(super) fn expand_term(t: &Term, cx: &Expansion<'_>) -> Result<Option<Node>, UserError> {
    let (lex, exact, with) = (cx.lex, cx.exact, cx.with);
    if !t.variants.is_empty() {
        return Ok(Some(Node::Term(t.clone())));
    }
    let literal = || {
        vec![Variant {
            text: t.text.clone(),
            tokens: lex.analyze_exact(&t.text),
            origin: Origin::Typed,
            language: String::new(),
        }]
    };
    let variants = match t.kind {
        TermKind::Word | TermKind::Phrase { .. } if exact => literal(),
        // A word's family is for words: inside a phrase the words stand as
        // typed.
        TermKind::Word => in_languages(&t.text, cx, with),
        TermKind::Phrase { .. } => in_languages(
            &t.text,
            cx,
            Expansions {
                families: false,
                ..with
            },
        ),
        // Stems of partial or misspelt words are meaningless: match these
        // against the words as written.
        TermKind::Prefix => literal(),
        TermKind::Fuzzy { .. } => {
            let v = literal();
            if v[0].tokens.len() > 1 {
                return Err(err(
                    t.column,
                    "fuzzy matching (~) applies to one word; use a \"phrase\"~N for several",
                ));
            }
            v
        }
    };
    let variants: Vec<Variant> = variants
        .into_iter()
        .filter(|v| !v.tokens.is_empty())
        .collect();
    if variants.is_empty() {
        if let TermKind::Phrase { .. } = t.kind {
            return Err(err(t.column, "empty phrase: put words between the quotes"));
        }
        return Ok(None);
    }
    Ok(Some(Node::Term(Term {
        variants,
        ..t.clone()
    })))
}

/// The variants of a query text in each language of `cx`: the text as
/// typed in each (its own stems), then the names and relatives each
/// language's analysis finds, at most [`MAX_VARIANTS`] per language, none
/// twice, none in a language not asked for.
fn in_languages(text: &str, cx: &Expansion<'_>, with: Expansions) -> Vec<Variant> {
    let mut typed = Vec::new();
    let mut others: Vec<Variant> = Vec::new();
    // Names in other languages are offered by the analysis that found the
    // concept: enough room for them beside its own variants.
    let reading = cx.reading();
    let room = MAX_VARIANTS * reading.len();
    for language in &reading {
        for v in cx.lex.expansions_in(text, language, room, with) {
            if v.origin == Origin::Typed && v.language == *language {
                typed.push(v);
            } else {
                others.push(v);
            }
        }
    }
    let others = in_every_reading(others, cx, &reading);
    let mut out: Vec<Variant> = Vec::new();
    let mut per_language: Vec<(String, usize)> = Vec::new();
    for v in typed.into_iter().chain(others) {
        if !cx.allows(&v.language) || out.iter().any(|o| o.tokens == v.tokens) {
            continue;
        }
        let n = match per_language.iter_mut().find(|(l, _)| *l == v.language) {
            Some((_, n)) => n,
            None => {
                per_language.push((v.language.clone(), 0));
                &mut per_language.last_mut().expect("just pushed").1
            }
        };
        if *n >= MAX_VARIANTS {
            continue;
        }
        *n += 1;
        out.push(v);
    }
    out
}

/// `variants`, each acronym and document symbol of a concept followed by
/// the same written form read in each other language of `reading`: `CSIRT`
/// and `A/70/174` are written alike in every language's texts.
fn in_every_reading(
    variants: Vec<Variant>,
    cx: &Expansion<'_>,
    reading: &[String],
) -> Vec<Variant> {
    let mut out = Vec::with_capacity(variants.len());
    for v in variants {
        let neutral = matches!(
            v.origin,
            Origin::Concept {
                kind: FormKind::Acronym | FormKind::Symbol,
                ..
            }
        );
        let language = v.language.clone();
        let (text, origin) = (v.text.clone(), v.origin.clone());
        out.push(v);
        if !neutral {
            continue;
        }
        for other in reading.iter().filter(|l| **l != language) {
            out.push(Variant {
                tokens: cx.lex.analyze_in(&text, other),
                text: text.clone(),
                origin: origin.clone(),
                language: other.clone(),
            });
        }
    }
    out
}

/// Runs of plain words that spell out a long form (`confidence building
/// measures`) become `(the words OR "CBM")`, so a query in long form also
/// finds the acronym; the words stay as they are otherwise.
pub(super) fn long_form_runs(items: &[Node], cx: &Expansion<'_>) -> Vec<Node> {
    // Words already expanded belong to a long form rewritten before.
    let is_word =
        |n: &Node| matches!(n, Node::Term(t) if t.kind == TermKind::Word && t.variants.is_empty());
    let mut out = Vec::new();
    let mut i = 0;
    while i < items.len() {
        if !is_word(&items[i]) {
            out.push(items[i].clone());
            i += 1;
            continue;
        }
        let mut j = i;
        while j < items.len() && is_word(&items[j]) {
            j += 1;
        }
        let run = &items[i..j];
        out.extend(rewrite_run(run, cx));
        i = j;
    }
    out
}

/// The words joined with single spaces, and where each one lies.
pub(super) fn join_words(terms: &[Term]) -> (String, Vec<(usize, usize)>) {
    let mut text = String::new();
    let mut bounds = Vec::new();
    for t in terms {
        if !text.is_empty() {
            text.push(' ');
        }
        bounds.push((text.len(), text.len() + t.text.len()));
        text.push_str(&t.text);
    }
    (text, bounds)
}

/// Words the lexicon joins into one compound (`cyber security`) become one
/// word, which then matches the compound however a passage writes it.
pub(super) fn merge_compounds(terms: Vec<Term>, lex: &Lexicon) -> Vec<Term> {
    let (text, bounds) = join_words(&terms);
    let word_at = |byte: usize| bounds.iter().position(|&(a, b)| a <= byte && byte < b);
    let mut spans = Vec::new();
    for token in lex.tokens(&text) {
        let (Some(first), Some(last)) = (
            word_at(token.offset_from),
            word_at(token.offset_to.saturating_sub(1)),
        ) else {
            continue;
        };
        if last > first {
            spans.push((first, last));
        }
    }
    if spans.is_empty() {
        return terms;
    }
    let mut out = Vec::new();
    let mut i = 0;
    for (first, last) in spans {
        if first < i {
            continue;
        }
        out.extend(terms[i..first].iter().cloned());
        let words: Vec<&str> = terms[first..=last]
            .iter()
            .map(|t| t.text.as_str())
            .collect();
        out.push(Term {
            text: words.join(" "),
            ..terms[first].clone()
        });
        i = last + 1;
    }
    out.extend(terms[i..].iter().cloned());
    out
}

pub(super) fn rewrite_run(run: &[Node], cx: &Expansion<'_>) -> Vec<Node> {
    let lex = cx.lex;
    let terms: Vec<Term> = run
        .iter()
        .filter_map(|n| match n {
            Node::Term(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    if terms.len() < 2 {
        return run.to_vec();
    }
    let terms = merge_compounds(terms, lex);
    let run: Vec<Node> = terms.iter().cloned().map(Node::Term).collect();
    let (text, bounds) = join_words(&terms);
    let mut out = Vec::new();
    let mut next = 0;
    for alt in alternatives(&text, cx) {
        let first = bounds.iter().position(|b| b.0 == alt.span.start);
        let last = bounds.iter().position(|b| b.1 == alt.span.end);
        let (Some(first), Some(last)) = (first, last) else {
            continue;
        };
        // Single-word acronyms are handled by the word's own variants.
        if last <= first || first < next {
            continue;
        }
        out.extend(run[next..first].iter().cloned());
        // Expanded now, so that expanding the group again leaves it be.
        let words: Vec<Node> = terms[first..=last]
            .iter()
            .filter_map(|t| expand_term(t, cx).ok().flatten())
            .collect();
        let mut either = vec![Node::Juxtaposed(words)];
        either.extend(alt.variants.into_iter().map(|v| {
            Node::Term(Term {
                kind: TermKind::Phrase { slop: 0 },
                text: v.text.clone(),
                column: terms[first].column,
                variants: vec![v],
            })
        }));
        out.push(Node::Or(either));
        next = last + 1;
    }
    out.extend(run[next..].iter().cloned());
    out
}

/// The concept names standing in `text` read in each language of `cx`,
/// left to right, not overlapping (the longest first where two start
/// together), each with its replacements in the languages asked for, at
/// most [`MAX_VARIANTS`] per language.
fn alternatives(text: &str, cx: &Expansion<'_>) -> Vec<Alternatives> {
    let mut found: Vec<Alternatives> = Vec::new();
    for language in &cx.reading() {
        for alt in cx.lex.alternatives_in(text, language) {
            match found.iter_mut().find(|f| f.span == alt.span) {
                Some(f) => f.variants.extend(alt.variants),
                None => found.push(alt),
            }
        }
    }
    found.sort_by(|a, b| {
        a.span
            .start
            .cmp(&b.span.start)
            .then(b.span.end.cmp(&a.span.end))
    });
    let mut out: Vec<Alternatives> = Vec::new();
    for mut alt in found {
        if out.last().is_some_and(|l| l.span.end > alt.span.start) {
            continue;
        }
        let mut kept: Vec<Variant> = Vec::new();
        for v in in_every_reading(alt.variants, cx, &cx.reading()) {
            let same_language = kept.iter().filter(|k| k.language == v.language).count();
            if cx.allows(&v.language)
                && same_language < MAX_VARIANTS - 1
                && !kept.iter().any(|k| k.tokens == v.tokens)
            {
                kept.push(v);
            }
        }
        alt.variants = kept;
        if !alt.variants.is_empty() {
            out.push(alt);
        }
    }
    out
}

pub(super) fn explain_node(node: &Node, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    let children = |label: &str, items: &[Node], out: &mut String| {
        let _ = writeln!(out, "{pad}{label}");
        for item in items {
            explain_node(item, depth + 1, out);
        }
    };
    match node {
        Node::Term(t) => {
            let (kind, suffix) = match t.kind {
                TermKind::Word => ("word", String::new()),
                TermKind::Phrase { slop: 0 } => ("phrase", String::new()),
                TermKind::Phrase { slop } => ("phrase", format!(" within {slop} moves")),
                TermKind::Prefix => ("prefix", " (as written, any ending)".to_string()),
                TermKind::Fuzzy { distance } => (
                    "fuzzy",
                    format!(" (as written, {distance} edit(s) allowed)"),
                ),
            };
            let shown = |v: &Variant| {
                // English, the lexicon's own language, goes unmarked.
                let language = match v.language.as_str() {
                    "" => String::new(),
                    l if crate::lexicon::is_english(l) => String::new(),
                    l => format!(" [{l}]"),
                };
                let found = if v.tokens.len() == 1 {
                    format!("{} → {}", v.text, v.tokens[0])
                } else {
                    format!("\"{}\" → \"{}\"", v.text, v.tokens.join(" "))
                };
                match &v.origin {
                    Origin::Typed => format!("{found}{language}"),
                    Origin::Concept { id, label, kind } => {
                        let kind = match kind {
                            crate::lexicon::FormKind::Label => "label",
                            crate::lexicon::FormKind::Variant => "variant",
                            crate::lexicon::FormKind::Acronym => "acronym",
                            crate::lexicon::FormKind::Symbol => "symbol",
                            crate::lexicon::FormKind::Name => "name",
                        };
                        format!("{found}  ({kind} of concept {id}: {label}){language}")
                    }
                    Origin::Family { head } => format!("{found}  (family of {head}){language}"),
                }
            };
            match t.variants.as_slice() {
                [] => {
                    let _ = writeln!(out, "{pad}{kind} {}{suffix}", t.text);
                }
                [one] => {
                    let _ = writeln!(out, "{pad}{kind} {}{suffix}", shown(one));
                }
                many => {
                    let _ = writeln!(out, "{pad}{kind}{suffix}, any of:");
                    for v in many {
                        let _ = writeln!(out, "{pad}  {}", shown(v));
                    }
                }
            }
        }
        Node::Filter { filter, .. } => {
            let _ = match filter {
                Filter::Source(s) => writeln!(out, "{pad}filter source = {s}"),
                Filter::Theme(s) => writeln!(out, "{pad}filter theme = {s} (and its sub-themes)"),
                Filter::Kind(k) => writeln!(out, "{pad}filter kind = {}", k.as_str()),
                Filter::Year(years) => writeln!(out, "{pad}filter year = {years}"),
            };
        }
        Node::Juxtaposed(items) => {
            let label = match JUXTAPOSITION {
                Juxtaposition::AllMustMatch => "all of:",
                Juxtaposition::RankedByMatches => "any of, more matches ranked higher:",
            };
            children(label, items, out);
        }
        Node::And(items) => children("all of:", items, out),
        Node::Or(items) => children("any of:", items, out),
        Node::Not(inner) => children("none of:", std::slice::from_ref(inner.as_ref()), out),
        Node::Must(inner) => children("required:", std::slice::from_ref(inner.as_ref()), out),
    }
}
