//! Highlights: where a hit's text holds the query's words and phrases.
//!
//! Postings hold positions, not offsets, so the stored text of each hit is
//! analysed again with the same lexicon and every positive leaf of the
//! query is located in it: a phrase becomes one span from its first word to
//! its last. Spans are `[start, end)` in Unicode characters of `text`.

use tantivy::tokenizer::Token;

use crate::lexicon::Lexicon;
use crate::query::{Node, Term, TermKind};

/// The text leaves that must or may match (those under a negation do not
/// show in a hit).
pub(super) fn positive_leaves(node: &Node) -> Vec<&Term> {
    let mut out = Vec::new();
    pub(super) fn walk<'a>(n: &'a Node, out: &mut Vec<&'a Term>) {
        match n {
            Node::Term(t) => out.push(t),
            Node::Juxtaposed(v) | Node::And(v) | Node::Or(v) => v.iter().for_each(|c| walk(c, out)),
            Node::Must(c) => walk(c, out),
            Node::Not(_) | Node::Filter { .. } => {}
        }
    }
    walk(node, &mut out);
    out
}

/// Where the query's words and phrases stand in `text`, as `[start, end)`
/// character offsets, sorted, overlaps merged.
pub fn highlights(text: &str, leaves: &[&Term], lexicon: &Lexicon, exact: bool) -> Vec<[usize; 2]> {
    highlights_in(text, crate::lexicon::ENGLISH, leaves, lexicon, exact)
}

/// Like [`highlights`], for a text written in `language`: analysed as the
/// index analysed it, so that the query's variants in that language meet
/// its words.
pub fn highlights_in(
    text: &str,
    language: &str,
    leaves: &[&Term],
    lexicon: &Lexicon,
    exact: bool,
) -> Vec<[usize; 2]> {
    let mut stemmed: Option<Vec<Token>> = None;
    let mut folded: Option<Vec<Token>> = None;
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for leaf in leaves {
        let use_exact = exact || matches!(leaf.kind, TermKind::Prefix | TermKind::Fuzzy { .. });
        let tokens: &[Token] = if use_exact {
            folded.get_or_insert_with(|| lexicon.exact_tokens(text))
        } else {
            stemmed.get_or_insert_with(|| lexicon.tokens_in(text, language))
        };
        let slop = match leaf.kind {
            TermKind::Phrase { slop } => slop as usize,
            _ => 0,
        };
        for v in &leaf.variants {
            match leaf.kind {
                TermKind::Prefix => find_sequence(tokens, &v.tokens, 0, true, &mut spans),
                TermKind::Fuzzy { distance } => {
                    for t in tokens {
                        if v.tokens
                            .first()
                            .is_some_and(|w| edit_distance(&t.text, w) <= usize::from(distance))
                        {
                            spans.push((t.offset_from, t.offset_to));
                        }
                    }
                }
                _ => find_sequence(tokens, &v.tokens, slop, false, &mut spans),
            }
        }
    }
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (a, b) in spans {
        match merged.last_mut() {
            Some(last) if a < last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    to_char_offsets(text, &merged)
}

/// Finds `pattern` in `tokens`, in order, with at most `slop` extra tokens
/// in between; with `prefix`, the last pattern token need only start a
/// word. Each match is one span, first word to last.
pub(super) fn find_sequence(
    tokens: &[Token],
    pattern: &[String],
    slop: usize,
    prefix: bool,
    spans: &mut Vec<(usize, usize)>,
) {
    let Some(last_index) = pattern.len().checked_sub(1) else {
        return;
    };
    let fits = |k: usize, t: &Token| {
        if prefix && k == last_index {
            t.text.starts_with(pattern[k].as_str())
        } else {
            t.text == pattern[k]
        }
    };
    for start in 0..tokens.len() {
        if !fits(0, &tokens[start]) {
            continue;
        }
        let mut at = start;
        let mut ok = true;
        for k in 1..pattern.len() {
            let limit = (start + k + slop).min(tokens.len() - 1);
            match (at + 1..=limit).find(|&j| fits(k, &tokens[j])) {
                Some(j) => at = j,
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            spans.push((tokens[start].offset_from, tokens[at].offset_to));
        }
    }
}

/// Levenshtein distance with adjacent transpositions counting one, as
/// tantivy's fuzzy matching counts them (optimal string alignment).
pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

/// Byte spans → character spans.
pub(super) fn to_char_offsets(text: &str, spans: &[(usize, usize)]) -> Vec<[usize; 2]> {
    let starts: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    // Characters starting before a byte offset = its character offset.
    let at = |byte: usize| starts.partition_point(|&s| s < byte);
    spans.iter().map(|&(a, b)| [at(a), at(b)]).collect()
}
