//! Acronyms and long forms: where they stand in a query text, and the
//! variants that replace them (`CBMs` ↔ `confidence-building measures`).
//!
//! Input: a query text and the compiled rules. Output: [`Alternatives`]
//! (each spot and what may replace it) and [`Variant`]s (the combinations,
//! the text itself first). Acronyms are expanded at query time, never in
//! the index: a token filter that emits several tokens for one word turns
//! a query word into a phrase.

use tantivy::tokenizer::Token;

use super::rules::{LongForm, Rules};
use super::{Alternatives, Lexicon, Variant};

impl Lexicon {
    /// Every acronym and long form in `text`, left to right, longest first,
    /// not overlapping, each with its replacements.
    pub fn alternatives(&self, text: &str) -> Vec<Alternatives> {
        let tokens = self.tokens(text);
        self.rules
            .expansion_spots(text, &tokens)
            .into_iter()
            .map(|spot| Alternatives {
                span: tokens[spot.start].offset_from..tokens[spot.start + spot.len - 1].offset_to,
                variants: spot
                    .alternatives
                    .into_iter()
                    .map(|f| Variant {
                        text: f.written,
                        tokens: f.tokens,
                    })
                    .collect(),
            })
            .collect()
    }

    /// The acronym ↔ long-form variants of a query text (a word or a
    /// phrase), the text itself first, at most `max` in all.
    ///
    /// Every acronym in `text` may be replaced by each of its long forms, and
    /// every long form by its acronym and the other long forms; a text with
    /// two such spots yields their combinations, in order, until `max`.
    pub fn expansions(&self, text: &str, max: usize) -> Vec<Variant> {
        let tokens = self.tokens(text);
        let original = Variant {
            text: text.to_string(),
            tokens: tokens.iter().map(|t| t.text.clone()).collect(),
        };
        if max <= 1 {
            return if max == 1 { vec![original] } else { Vec::new() };
        }
        let spots = self.rules.expansion_spots(text, &tokens);
        if spots.is_empty() {
            return vec![original];
        }
        // Each spot offers the original span (choice 0) and its alternatives;
        // enumerate choices like an odometer, leftmost spot fastest.
        let mut out = vec![original];
        let mut choice = vec![0usize; spots.len()];
        'outer: loop {
            let mut k = 0;
            loop {
                if k == spots.len() {
                    break 'outer;
                }
                choice[k] += 1;
                if choice[k] <= spots[k].alternatives.len() {
                    break;
                }
                choice[k] = 0;
                k += 1;
            }
            if out.len() >= max {
                break;
            }
            out.push(render_variant(text, &tokens, &spots, &choice));
        }
        out
    }
}

/// Builds the text and tokens of one combination of choices.
fn render_variant(text: &str, tokens: &[Token], spots: &[Spot], choice: &[usize]) -> Variant {
    let mut out_text = String::new();
    let mut out_tokens = Vec::new();
    let mut text_at = 0;
    let mut tok_at = 0;
    for (spot, &c) in spots.iter().zip(choice) {
        let from = tokens[spot.start].offset_from;
        let to = tokens[spot.start + spot.len - 1].offset_to;
        out_tokens.extend(tokens[tok_at..spot.start].iter().map(|t| t.text.clone()));
        out_text.push_str(&text[text_at..from]);
        if c == 0 {
            out_text.push_str(&text[from..to]);
            out_tokens.extend(
                tokens[spot.start..spot.start + spot.len]
                    .iter()
                    .map(|t| t.text.clone()),
            );
        } else {
            let alt = &spot.alternatives[c - 1];
            out_text.push_str(&alt.written);
            out_tokens.extend(alt.tokens.iter().cloned());
        }
        text_at = to;
        tok_at = spot.start + spot.len;
    }
    out_text.push_str(&text[text_at..]);
    out_tokens.extend(tokens[tok_at..].iter().map(|t| t.text.clone()));
    Variant {
        text: out_text,
        tokens: out_tokens,
    }
}

/// A place in a query text where an acronym or a long form stands.
pub(super) struct Spot {
    /// First token index.
    start: usize,
    /// Number of tokens.
    len: usize,
    alternatives: Vec<LongForm>,
}

impl Rules {
    /// Acronyms and long forms standing in `tokens`, left to right, longest
    /// first, not overlapping.
    pub(super) fn expansion_spots(&self, text: &str, tokens: &[Token]) -> Vec<Spot> {
        let words: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
        let mut spots = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let mut best: Option<Spot> = None;
            for acr in &self.acronyms {
                let mut consider = |len: usize, alternatives: Vec<LongForm>| {
                    if best.as_ref().is_none_or(|b| len > b.len) {
                        best = Some(Spot {
                            start: i,
                            len,
                            alternatives,
                        });
                    }
                };
                if starts_with(&words[i..], &acr.tokens) {
                    let n = acr.tokens.len();
                    let written = &text[tokens[i].offset_from..tokens[i + n - 1].offset_to];
                    if !acr.case_sensitive || written_as(written, &acr.written) {
                        consider(n, acr.long.iter().map(LongForm::clone_of).collect());
                    }
                }
                for (k, form) in acr.long.iter().enumerate() {
                    if starts_with(&words[i..], &form.tokens) {
                        let mut alts = vec![LongForm {
                            written: acr.written.clone(),
                            tokens: acr.tokens.clone(),
                        }];
                        alts.extend(
                            acr.long
                                .iter()
                                .enumerate()
                                .filter(|&(j, _)| j != k)
                                .map(|(_, f)| f.clone_of()),
                        );
                        consider(form.tokens.len(), alts);
                    }
                }
            }
            match best {
                Some(spot) => {
                    i += spot.len;
                    spots.push(spot);
                }
                None => i += 1,
            }
        }
        spots
    }
}

impl LongForm {
    fn clone_of(&self) -> LongForm {
        LongForm {
            written: self.written.clone(),
            tokens: self.tokens.clone(),
        }
    }
}

fn starts_with(words: &[&str], pattern: &[String]) -> bool {
    words.len() >= pattern.len() && words.iter().zip(pattern).all(|(w, p)| *w == p.as_str())
}

/// Whether a case-sensitive acronym is written as the lexicon writes it,
/// allowing a plural `s` (`IPs`).
fn written_as(found: &str, acronym: &str) -> bool {
    found == acronym || found.strip_suffix('s') == Some(acronym)
}
