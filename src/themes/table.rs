//! Matching: a language's cues analysed once into a [`Table`] indexed by
//! their first token, and how often each cue occurs in a text's tokens.
//!
//! Input: the taxonomy, the lexicon and a language; then the analysed
//! tokens of texts in that language. Output: per cue, its count, the
//! longest of a theme's overlapping cues counted once. A cue the lexicon
//! reduces to nothing is left out (it could match nothing); nothing is
//! refused here, validation is `file`'s.

use super::Taxonomy;
use crate::lexicon::{FastMap, Lexicon};

/// The terms of one language, analysed as a text of that language is, and
/// indexed by their first token.
#[derive(Debug, Clone, Default)]
pub(super) struct Table {
    /// Every whole token that occurs in some term, numbered.
    vocab: FastMap<String, u32>,
    /// Every prefix (a term's word ending in `*`), numbered after the
    /// whole tokens: a text token carries the number of each prefix it
    /// starts with.
    prefixes: FastMap<String, u32>,
    /// The distinct byte lengths of the prefixes, shortest first.
    prefix_lens: Vec<usize>,
    /// For each token number: the terms that start with it, grouped by
    /// theme, longest first within a theme.
    starts: Vec<Vec<Candidate>>,
    /// Every term, numbered as in [`Candidate::term`].
    pub(super) terms: Vec<TagTerm>,
}

/// One term of a table.
#[derive(Debug, Clone)]
pub(super) struct TagTerm {
    /// Its theme's position in the taxonomy.
    pub(super) theme: u32,
    pub(super) weight: f32,
    /// As written in the taxonomy.
    pub(super) text: String,
}

/// A term as it is looked up: its first token's number is its key in
/// [`Table::starts`], `rest` the numbers of the tokens that must follow.
#[derive(Debug, Clone)]
struct Candidate {
    theme: u32,
    term: u32,
    rest: Box<[u32]>,
    weight: f32,
}

/// The terms found in a text and how often: `(term, count)`, terms in
/// the order of [`Table::terms`], each once, counts above zero.
pub(super) type TermCounts = Vec<(u32, u32)>;

/// Token numbers of text words that occur in no term.
const UNKNOWN: u32 = u32::MAX;

impl Table {
    /// Analyses the terms of `language` and indexes them.
    pub(super) fn build(taxonomy: &Taxonomy, lexicon: &Lexicon, language: &str) -> Table {
        let mut table = Table::default();
        let mut words: Vec<(String, bool)> = Vec::new();
        for (ti, theme) in taxonomy.themes.iter().enumerate() {
            for term in theme.terms_in(language) {
                analyse_term(lexicon, &term.text, language, &mut words);
                let ids: Vec<u32> = words
                    .drain(..)
                    .map(|(token, prefix)| table.number(token, prefix))
                    .collect();
                // Parsing guarantees a letter or digit; a term the lexicon
                // still reduces to nothing cannot match anything.
                let Some((&first, rest)) = ids.split_first() else {
                    continue;
                };
                let numbered = table.vocab.len() + table.prefixes.len();
                table.starts.resize_with(numbered, Vec::new);
                table.starts[first as usize].push(Candidate {
                    theme: ti as u32,
                    term: table.terms.len() as u32,
                    rest: rest.into(),
                    weight: term.weight,
                });
                table.terms.push(TagTerm {
                    theme: ti as u32,
                    weight: term.weight,
                    text: term.text.clone(),
                });
            }
        }
        for list in &mut table.starts {
            // Longest first within a theme makes the first match the
            // longest; among equal phrases the heavier weight wins.
            list.sort_by(by_theme_longest_heaviest);
        }
        let mut lens: Vec<usize> = table.prefixes.keys().map(String::len).collect();
        lens.sort_unstable();
        lens.dedup();
        table.prefix_lens = lens;
        table
    }

    /// The number of a whole token or of a prefix, new ones numbered next.
    fn number(&mut self, token: String, prefix: bool) -> u32 {
        let next = (self.vocab.len() + self.prefixes.len()) as u32;
        let map = if prefix {
            &mut self.prefixes
        } else {
            &mut self.vocab
        };
        *map.entry(token).or_insert(next)
    }

    /// The token numbers of a text: each token's own number, and the
    /// numbers of the prefixes it starts with.
    fn positions<'a>(&self, tokens: impl Iterator<Item = &'a str>) -> Positions {
        let mut p = Positions::default();
        for token in tokens {
            p.whole
                .push(self.vocab.get(token).copied().unwrap_or(UNKNOWN));
            if self.prefix_lens.is_empty() {
                continue;
            }
            if p.starts.is_empty() {
                p.starts.push(0);
            }
            for &len in &self.prefix_lens {
                if len > token.len() {
                    break;
                }
                if let Some(&id) = token.get(..len).and_then(|head| self.prefixes.get(head)) {
                    p.prefixed.push(id);
                }
            }
            p.starts.push(p.prefixed.len() as u32);
        }
        p
    }

    /// The terms of the table that occur in `tokens`, as `(term, count)`
    /// with `term` indexed like `self.terms`, in term order.
    ///
    /// Sparse: a passage holds a few dozen of a table's thousands of
    /// terms, and scoring then visits only those.
    pub(super) fn count<'a>(
        &self,
        themes: usize,
        tokens: impl Iterator<Item = &'a str>,
    ) -> TermCounts {
        let at = self.positions(tokens);
        // Per theme, the first position not yet covered by one of its
        // matches: overlapping terms of one theme count once, the longest.
        let mut free_from = vec![0usize; themes];
        let mut counts: TermCounts = Vec::new();
        let mut merged: Vec<&Candidate> = Vec::new();
        for (pos, &id) in at.whole.iter().enumerate() {
            let prefixed = at.prefixed(pos);
            let candidates: &mut dyn Iterator<Item = &Candidate> = if prefixed.is_empty() {
                if id == UNKNOWN {
                    continue;
                }
                &mut self.starts[id as usize].iter()
            } else {
                // Terms starting with the whole token and with each of its
                // prefixes, in one order: theme, then longest first.
                merged.clear();
                let lists = std::iter::once(id)
                    .filter(|&i| i != UNKNOWN)
                    .chain(prefixed.iter().copied());
                merged.extend(lists.flat_map(|i| self.starts[i as usize].iter()));
                merged.sort_by(|a, b| by_theme_longest_heaviest(a, b));
                &mut merged.iter().copied()
            };
            let mut current = u32::MAX;
            let mut matched = false;
            for c in candidates {
                if c.theme != current {
                    current = c.theme;
                    matched = false;
                }
                let theme = c.theme as usize;
                if matched || free_from[theme] > pos || !at.continues(pos + 1, &c.rest) {
                    continue;
                }
                matched = true;
                free_from[theme] = pos + 1 + c.rest.len();
                match counts.iter_mut().find(|(term, _)| *term == c.term) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((c.term, 1)),
                }
            }
        }
        counts.sort_unstable_by_key(|&(term, _)| term);
        counts
    }
}

/// The analysed words of a term: `(token, is_prefix)`, into `out`. A word
/// ending in `*` is analysed without the star, and the token it gives is
/// matched as the start of a text's token.
pub(super) fn analyse_term(
    lexicon: &Lexicon,
    term: &str,
    language: &str,
    out: &mut Vec<(String, bool)>,
) {
    let mut plain = String::with_capacity(term.len());
    let mut star_ends = Vec::new();
    for c in term.chars() {
        if c == '*' {
            star_ends.push(plain.len());
        } else {
            plain.push(c);
        }
    }
    out.extend(
        lexicon
            .tokens_in(&plain, language)
            .into_iter()
            .map(|t| (t.text, star_ends.contains(&t.offset_to))),
    );
}

fn by_theme_longest_heaviest(a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    a.theme
        .cmp(&b.theme)
        .then(b.rest.len().cmp(&a.rest.len()))
        .then(b.weight.total_cmp(&a.weight))
}

/// A text's tokens as term numbers (see [`Table::positions`]).
#[derive(Default)]
struct Positions {
    /// Per token: the number of the whole token, or [`UNKNOWN`].
    whole: Vec<u32>,
    /// Per token `i`, `prefixed[starts[i]..starts[i + 1]]` are the numbers
    /// of the prefixes it starts with; `starts` is empty when the table
    /// has no prefixes.
    starts: Vec<u32>,
    prefixed: Vec<u32>,
}

impl Positions {
    fn prefixed(&self, pos: usize) -> &[u32] {
        match self.starts.get(pos..pos + 2) {
            Some(&[from, to]) => &self.prefixed[from as usize..to as usize],
            _ => &[],
        }
    }

    /// Whether the token at `pos` carries number `id`.
    fn has(&self, pos: usize, id: u32) -> bool {
        self.whole.get(pos) == Some(&id) || self.prefixed(pos).contains(&id)
    }

    /// Whether the tokens from `pos` on carry `ids`, one each.
    fn continues(&self, pos: usize, ids: &[u32]) -> bool {
        if self.starts.is_empty() {
            return self.whole.get(pos..).is_some_and(|w| w.starts_with(ids));
        }
        ids.iter().enumerate().all(|(k, &id)| self.has(pos + k, id))
    }
}
