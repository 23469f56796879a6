//! Taxonomy → theme tags per passage.
//!
//! Input: a [`Taxonomy`] (`themes.toml`: pillars, their sub-themes, and the
//! weighted terms of the field that show each one) and the
//! [`Lexicon`] that normalises text for search. Output: for each passage
//! text, the [`ThemeScore`]s of the themes it is about, from a [`Tagger`].
//!
//! The taxonomy ships inside the program (`corpus/themes.toml`); a
//! `themes.toml` in the corpus folder replaces it, so a librarian can edit
//! the themes without recompiling and a corpus folder without one still
//! works. A bad taxonomy is refused with a
//! [`UserError::Data`](crate::UserError::Data) naming the file, the line and
//! the theme: TOML errors, unknown keys, duplicate ids, unknown or nested
//! parents, empty term lists, weights out of range, language tables not
//! named by an ISO 639-1 code, a `*` that does not end a word.
//!
//! Each theme has terms per language: English in `[theme.terms]`, others in
//! `[theme.lang.xx]`. A passage is tagged with the terms of its document's
//! language (the manifest's `language`); a language with no terms gets no
//! themes, since another language's words would only meet its text by
//! accident. Terms are matched on the token stream of
//! [`Lexicon::tokens_in`] for that language — the very normalisation the
//! index and queries use (case, accents, UK/US spelling, joined compounds,
//! stemming) — so "confidence-building measures" in the taxonomy finds
//! "Confidence Building Measure" in a text, a taxonomy term behaves exactly
//! like the same words typed as a phrase query, and a language given its
//! own analyser later re-analyses its terms with it. A word ending in `*`
//! matches every token that starts with it, for the endings a stemmer does
//! not reach (genders, cases). Each term is analysed once, when the tagger
//! is built; tagging is then one pass over the passage's tokens with a hash
//! lookup per token (and, for a language with prefixes, one per prefix
//! length).
//!
//! Scores are sums of term weights, so a librarian can predict them: the
//! [`Scoring`] rules (a threshold, lower for short passages, a cap on
//! repeats, an anchor weight that keeps heaps of supporting words from
//! carrying a theme, a relative cut for passing mentions, and the share a
//! passage's section heading counts for) are in the file, next to the
//! terms. [`Tagger::explain_in`] shows which terms a text matched.
//!
//! ```
//! use normsearch::lexicon::Lexicon;
//! use normsearch::themes::{Tagger, Taxonomy};
//!
//! let tagger = Tagger::new(&Taxonomy::builtin(), &Lexicon::builtin());
//! let tags = tagger.tag("States agreed a first set of confidence-building measures.");
//! assert!(tags.iter().any(|t| t.id == "cbm"));
//! ```
//!
//! The module is split by job: `file` reads and validates `themes.toml`
//! (the cue tables of every language), `table` analyses a language's cues
//! and finds them in a text's tokens, `score` turns the terms found into
//! themes by the [`Scoring`] rules, and `tagger` holds the public
//! [`Tagger`] that ties them to the lexicon and to passages.

mod file;
mod score;
mod table;
mod tagger;
#[cfg(test)]
mod tests;

pub use tagger::{Heading, Tagger, TermHit};

use crate::error::{Error, UserError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// The taxonomy's file name inside a corpus folder.
pub const FILE_NAME: &str = "themes.toml";

/// The built-in taxonomy, used when the corpus folder has none.
const BUILTIN: &str = include_str!("../../corpus/themes.toml");

/// How the built-in taxonomy is named in messages.
const BUILTIN_NAME: &str = "<built-in themes.toml>";

/// The language of a theme's `[theme.terms]`, and of texts tagged without
/// a language.
pub const ENGLISH: &str = "en";

/// Shortest prefix a term may match by (`sécurit*`): shorter ones would
/// match words of every kind.
const MIN_PREFIX_CHARS: usize = 3;

/// Highest weight a term may carry. Weights are small numbers a person can
/// compare at a glance; a 1000 would only hide a mistake.
const MAX_WEIGHT: f64 = 10.0;

/// One term of a theme: a word or phrase of the field and its weight.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Term {
    /// The term as written in the taxonomy.
    pub text: String,
    /// Its weight, 0 to 10. Zero marks a phrase that is *not* evidence of
    /// the theme and keeps the theme's shorter terms from matching inside it.
    pub weight: f32,
}

/// A theme: a pillar or one of its sub-themes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Theme {
    /// Stable id: a slug for a pillar (`cbm`), `pillar/slug` for a sub-theme
    /// (`international-law/sovereignty`, `norms/c`).
    pub id: String,
    /// A short name for people.
    pub label: String,
    /// What a passage must be about to carry this theme.
    pub description: String,
    /// The pillar's id, for a sub-theme.
    pub parent: Option<String>,
    /// For a sub-theme: given only when the passage also contains one of the
    /// parent's own terms weighing at least [`Scoring::anchor_weight`].
    pub requires_parent: bool,
    /// The weighted English terms, in file order.
    pub terms: Vec<Term>,
    /// The weighted terms of other languages, by ISO 639-1 code, each in
    /// file order (`[theme.lang.fr]`).
    pub translations: BTreeMap<String, Vec<Term>>,
}

impl Theme {
    /// Whether this theme is a pillar (has no parent).
    pub fn is_pillar(&self) -> bool {
        self.parent.is_none()
    }

    /// The terms that show this theme in a text written in `language`
    /// (ISO 639-1): the English terms for `en`, else that language's
    /// translations (none when it has no terms).
    pub fn terms_in(&self, language: &str) -> &[Term] {
        if language == ENGLISH {
            &self.terms
        } else {
            self.translations.get(language).map_or(&[], Vec::as_slice)
        }
    }
}

/// How term matches become themes (the `[scoring]` table). The defaults
/// are those of the built-in taxonomy, except that `full_length` and
/// `inherit`, which it turns on, are off: a taxonomy that does not ask for
/// them scores each passage by its own words, whatever its length.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Scoring {
    /// The score a theme must reach to be given to a passage.
    pub threshold: f32,
    /// How many occurrences of one term count towards a score: a long
    /// passage repeating one word is no more about the theme for it.
    pub repeat_cap: u32,
    /// A theme scores only when one of its terms found weighs this much:
    /// a heap of supporting words ("growth", "research", "industry") does
    /// not make a passage about the economy.
    pub anchor_weight: f32,
    /// A pillar scoring below this share of the passage's leading pillar is
    /// a passing mention and is left out (0 keeps every pillar that reaches
    /// the threshold).
    pub relative: f32,
    /// What the terms found in a passage's section heading count for,
    /// times their weight: the heading names the topic of the passages
    /// under it (a list item under "Awareness raising", an article under
    /// "Expedited preservation of stored computer data"), but more weakly
    /// than their own words do. 0 ignores headings.
    pub heading: f32,
    /// A passage of fewer words than this needs proportionally less to
    /// reach the threshold, never less than `anchor_weight`: in a list item
    /// of eight words, one strong term is what the item is about, while in
    /// a page-long paragraph it may be a passing mention. 0 turns this off.
    pub full_length: u32,
    /// Whether a passage whose own words show no theme takes the themes of
    /// its section heading (its terms at full weight): an article's
    /// paragraph on reservations under "Data interference" is part of that
    /// article.
    pub inherit: bool,
}

impl Default for Scoring {
    fn default() -> Self {
        Scoring {
            threshold: 4.0,
            repeat_cap: 2,
            anchor_weight: 2.0,
            relative: 0.25,
            heading: 0.5,
            full_length: 0,
            inherit: false,
        }
    }
}

/// The validated taxonomy: themes in file order, and the scoring rules.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    themes: Vec<Theme>,
    scoring: Scoring,
    source: Arc<str>,
}

impl Taxonomy {
    /// The taxonomy built into the program.
    pub fn builtin() -> Taxonomy {
        // The built-in file is tested (`builtin_taxonomy_is_valid`); failing
        // here is a defect of the program, not of user input.
        Taxonomy::parse(BUILTIN, Path::new(BUILTIN_NAME)).expect("the built-in taxonomy is valid")
    }

    /// The taxonomy of a corpus folder: `corpus_dir/themes.toml` when it
    /// exists, else the built-in one.
    pub fn load(corpus_dir: &Path) -> crate::Result<Taxonomy> {
        let path = corpus_dir.join(FILE_NAME);
        match std::fs::read_to_string(&path) {
            Ok(text) => Taxonomy::parse(&text, &path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Taxonomy::builtin()),
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => Err(UserError::data(
                &path,
                None,
                "the taxonomy is not UTF-8 text; save it as UTF-8",
            )
            .into()),
            Err(e) => Err(Error::io(path, e)),
        }
    }

    /// Parses and validates taxonomy source text; `path` names it in error
    /// messages.
    pub fn parse(text: &str, path: &Path) -> crate::Result<Taxonomy> {
        let (themes, scoring) = file::parse(text, path)?;
        Ok(Taxonomy {
            themes,
            scoring,
            source: Arc::from(text),
        })
    }

    /// All themes, in file order.
    pub fn themes(&self) -> &[Theme] {
        &self.themes
    }

    /// The theme with this id.
    pub fn get(&self, id: &str) -> Option<&Theme> {
        self.themes.iter().find(|t| t.id == id)
    }

    /// The pillars (themes without a parent), in file order.
    pub fn pillars(&self) -> impl Iterator<Item = &Theme> + '_ {
        self.themes.iter().filter(|t| t.is_pillar())
    }

    /// The sub-themes of the theme `id`, in file order.
    pub fn children<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Theme> + 'a {
        self.themes
            .iter()
            .filter(move |t| t.parent.as_deref() == Some(id))
    }

    /// The languages with terms (ISO 639-1): English first, then the
    /// others of any theme's `[theme.lang.…]`, in code order.
    pub fn languages(&self) -> Vec<String> {
        let others: std::collections::BTreeSet<&String> = self
            .themes
            .iter()
            .flat_map(|t| t.translations.keys())
            .collect();
        std::iter::once(ENGLISH.to_string())
            .chain(others.into_iter().cloned())
            .collect()
    }

    /// The scoring rules.
    pub fn scoring(&self) -> Scoring {
        self.scoring
    }

    /// The taxonomy's source bytes, for the index's input fingerprint.
    pub fn source_bytes(&self) -> &[u8] {
        self.source.as_bytes()
    }
}

/// A theme given to a text, with its score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeScore {
    /// The theme's id.
    pub id: String,
    /// The sum of the weights of its terms found in the text, each counted
    /// at most `repeat_cap` times (a pillar's includes its sub-themes').
    pub score: f32,
}
