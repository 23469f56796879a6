//! Concepts and families in a query text: where a concept's name stands
//! (`CBMs`, `confidence-building measures`, `A/70/174`) and the names that
//! may replace it, and for a word the other stems of its family.
//!
//! Input: a query text and the compiled rules. Output: [`Alternatives`]
//! (each spot and what may replace it) and [`Variant`]s (the combinations,
//! the text itself first, then a word's family), each marked with its
//! [`Origin`]. Names whose words hold the name typed (`cyber espionage` for
//! `espionage`) are left out: they find nothing the typed name does not.

use tantivy::tokenizer::Token;

use super::concepts::{Form, FormKind};
use super::rules::Rules;
use super::{is_english, Alternatives, Expansions, Lexicon, Origin, Variant, ENGLISH};

impl Lexicon {
    /// Every concept name in `text`, left to right, longest first, not
    /// overlapping, each with its replacements.
    pub fn alternatives(&self, text: &str) -> Vec<Alternatives> {
        self.alternatives_in(text, ENGLISH)
    }

    /// Like [`alternatives`](Self::alternatives), for `text` read as
    /// written in `language`: the names found are that language's (or
    /// English ones), the replacements every language's.
    pub fn alternatives_in(&self, text: &str, language: &str) -> Vec<Alternatives> {
        let tokens = self.tokens_in(text, language);
        self.rules
            .expansion_spots(text, &tokens)
            .into_iter()
            .map(|spot| Alternatives {
                span: tokens[spot.start].offset_from..tokens[spot.start + spot.len - 1].offset_to,
                variants: spot
                    .alternatives
                    .iter()
                    .map(|&(c, f)| self.rules.variant_of(c, f))
                    .collect(),
            })
            .collect()
    }

    /// The variants of a query text (a word or a phrase), the text itself
    /// first, at most `max` in all: see [`expansions_with`](Self::expansions_with).
    pub fn expansions(&self, text: &str, max: usize) -> Vec<Variant> {
        self.expansions_with(text, max, Expansions::default())
    }

    /// The variants of a query text, the text itself first, at most `max`
    /// in all.
    ///
    /// With `concepts`, every concept name in `text` may be replaced by each
    /// of the concept's other names; a text with two such spots yields their
    /// combinations, in order, until `max`. With `families`, a text of one
    /// word then gains the other stems of its family.
    pub fn expansions_with(&self, text: &str, max: usize, with: Expansions) -> Vec<Variant> {
        self.expansions_in(text, ENGLISH, max, with)
    }

    /// Like [`expansions_with`](Self::expansions_with), for `text` read as
    /// written in `language`: analysed with that language's analysis, a
    /// name of a concept in that language (or an English one) offers the
    /// concept's names in every language, each analysed in its own. A name
    /// in another language replaces only a whole text (a phrase mixing two
    /// languages' words would find nothing); families are English.
    pub fn expansions_in(
        &self,
        text: &str,
        language: &str,
        max: usize,
        with: Expansions,
    ) -> Vec<Variant> {
        let tokens = self.tokens_in(text, language);
        let original = Variant {
            text: text.to_string(),
            tokens: tokens.iter().map(|t| t.text.clone()).collect(),
            origin: Origin::Typed,
            language: language.to_string(),
        };
        if max <= 1 {
            return if max == 1 { vec![original] } else { Vec::new() };
        }
        let mut out = vec![original];
        let spots = if with.concepts {
            self.rules.expansion_spots(text, &tokens)
        } else {
            Vec::new()
        };
        if !spots.is_empty() {
            // Each spot offers the original span (choice 0) and its
            // alternatives; enumerate choices like an odometer, leftmost
            // spot fastest.
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
                let mixed = spots.iter().zip(&choice).any(|(spot, &c)| {
                    c > 0 && {
                        let (ci, fi) = spot.alternatives[c - 1];
                        let form = &self.rules.concepts[ci as usize].forms[fi as usize];
                        form.language != language && spot.len < tokens.len()
                    }
                });
                if mixed {
                    continue;
                }
                let mut v = self.rules.render_variant(text, &tokens, &spots, &choice);
                if v.language.is_empty() {
                    v.language = language.to_string();
                }
                out.push(v);
            }
        }
        if with.families && tokens.len() == 1 && is_english(language) {
            if let Some((head, others)) = self.family(&tokens[0].text) {
                for (stem, word) in others {
                    if out.len() >= max {
                        break;
                    }
                    out.push(Variant {
                        text: word.to_string(),
                        tokens: vec![stem.to_string()],
                        origin: Origin::Family {
                            head: head.to_string(),
                        },
                        language: ENGLISH.to_string(),
                    });
                }
            }
        }
        out
    }
}

impl Rules {
    /// The variant a concept's form stands for.
    fn variant_of(&self, concept: u32, form: u32) -> Variant {
        let c = &self.concepts[concept as usize];
        let f = &c.forms[form as usize];
        Variant {
            text: f.written.clone(),
            tokens: f.tokens.clone(),
            origin: Origin::Concept {
                id: c.id.clone(),
                label: c.label.clone(),
                kind: f.kind,
            },
            language: f.language.clone(),
        }
    }

    /// Builds the text and tokens of one combination of choices.
    fn render_variant(
        &self,
        text: &str,
        tokens: &[Token],
        spots: &[Spot],
        choice: &[usize],
    ) -> Variant {
        let mut out_text = String::new();
        let mut origin = Origin::Typed;
        let mut language = String::new();
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
                let (ci, fi) = spot.alternatives[c - 1];
                let alt = self.variant_of(ci, fi);
                out_text.push_str(&alt.text);
                out_tokens.extend(alt.tokens);
                if origin == Origin::Typed {
                    origin = alt.origin;
                }
                if spot.len == tokens.len() {
                    language = alt.language;
                }
            }
            text_at = to;
            tok_at = spot.start + spot.len;
        }
        out_text.push_str(&text[text_at..]);
        out_tokens.extend(tokens[tok_at..].iter().map(|t| t.text.clone()));
        Variant {
            text: out_text,
            tokens: out_tokens,
            origin,
            language,
        }
    }
}

/// A place in a query text where a concept's name stands.
pub(super) struct Spot {
    /// First token index.
    start: usize,
    /// Number of tokens.
    len: usize,
    /// The concept's other forms: `(concept, form)`.
    alternatives: Vec<(u32, u32)>,
}

impl Rules {
    /// Concept names standing in `tokens`, left to right, longest first,
    /// not overlapping; names with nothing to offer are left out.
    pub(super) fn expansion_spots(&self, text: &str, tokens: &[Token]) -> Vec<Spot> {
        let words: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
        let mut spots = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let mut best: Option<(usize, u32, u32)> = None;
            for &(c, f) in self.form_index.get(words[i]).map_or(&[][..], Vec::as_slice) {
                let form = &self.concepts[c as usize].forms[f as usize];
                let n = form.tokens.len();
                if !starts_with(&words[i..], &form.tokens) {
                    continue;
                }
                let written = &text[tokens[i].offset_from..tokens[i + n - 1].offset_to];
                if form.case_sensitive && !written_as(written, &form.written) {
                    continue;
                }
                if best.is_none_or(|(len, _, _)| n > len) {
                    best = Some((n, c, f));
                }
            }
            let Some((len, c, f)) = best else {
                i += 1;
                continue;
            };
            let concept = &self.concepts[c as usize];
            let typed = &concept.forms[f as usize];
            // A name that holds the one typed, or another name offered
            // (`transparency and confidence-building measures` beside
            // `confidence-building measures`), finds nothing more.
            let offered: Vec<&Form> = concept
                .forms
                .iter()
                .enumerate()
                .filter(|&(k, _)| k != f as usize)
                .map(|(_, form)| form)
                .collect();
            let alternatives: Vec<(u32, u32)> = concept
                .forms
                .iter()
                .enumerate()
                .filter(|&(k, other)| {
                    k != f as usize
                        && !redundant(other, typed)
                        && !offered
                            .iter()
                            .any(|o| !std::ptr::eq(*o, other) && redundant(other, o))
                })
                .map(|(k, _)| (c, k as u32))
                .collect();
            if !alternatives.is_empty() {
                spots.push(Spot {
                    start: i,
                    len,
                    alternatives,
                });
            }
            i += len;
        }
        spots
    }
}

/// Whether `other` holds every word of `typed` in a row: it then matches
/// only passages the typed form matches already (`cyber espionage` for
/// `espionage`). An acronym never is: it is one word of its own.
fn redundant(other: &Form, typed: &Form) -> bool {
    other.kind != FormKind::Acronym
        && other.tokens.len() > typed.tokens.len()
        && other
            .tokens
            .windows(typed.tokens.len())
            .any(|w| w == typed.tokens.as_slice())
}

fn starts_with(words: &[&str], pattern: &[String]) -> bool {
    words.len() >= pattern.len() && words.iter().zip(pattern).all(|(w, p)| *w == p.as_str())
}

/// Whether a case-sensitive acronym is written as the lexicon writes it,
/// allowing a plural `s` (`IPs`).
fn written_as(found: &str, acronym: &str) -> bool {
    found == acronym || found.strip_suffix('s') == Some(acronym)
}
