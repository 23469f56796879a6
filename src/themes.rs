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

use crate::error::{line_of_offset, Error, UserError};
use crate::lexicon::{FastMap, Lexicon};
use crate::segment::Passage;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;
use tantivy::tokenizer::Token;
use toml::Spanned;

/// The taxonomy's file name inside a corpus folder.
pub const FILE_NAME: &str = "themes.toml";

/// The built-in taxonomy, used when the corpus folder has none.
const BUILTIN: &str = include_str!("../corpus/themes.toml");

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
        let at = Locator { text, path };
        let raw: RawFile = toml::from_str(text).map_err(|e| at.toml_error(&e))?;
        let scoring = validate_scoring(raw.scoring, &at)?;
        let themes = validate_themes(raw.theme, &at)?;
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

/// A section heading's theme evidence, from [`Tagger::heading_in`].
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    text: String,
    language: String,
    /// How often each term of the language's table occurs in the heading
    /// (empty when it has none, or headings do not count).
    counts: Vec<u32>,
}

impl Heading {
    /// The heading as given.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The language it was analysed in.
    pub fn language(&self) -> &str {
        &self.language
    }
}

/// Tags texts with the themes of a taxonomy.
///
/// Built once per index run (it analyses every term of every language),
/// then shared by the indexing threads: tagging takes `&self`.
#[derive(Debug, Clone)]
pub struct Tagger {
    lexicon: Lexicon,
    /// One table of terms per language the taxonomy has terms in.
    tables: Vec<(String, Table)>,
    themes: Vec<TagTheme>,
    scoring: Scoring,
}

/// The terms of one language, analysed as a text of that language is, and
/// indexed by their first token.
#[derive(Debug, Clone, Default)]
struct Table {
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
    terms: Vec<TagTerm>,
}

#[derive(Debug, Clone)]
struct TagTerm {
    theme: u32,
    weight: f32,
    text: String,
}

#[derive(Debug, Clone)]
struct Candidate {
    theme: u32,
    term: u32,
    rest: Box<[u32]>,
    weight: f32,
}

#[derive(Debug, Clone)]
struct TagTheme {
    id: String,
    parent: Option<usize>,
    requires_parent: bool,
    children: Vec<usize>,
}

/// Token numbers of text words that occur in no term.
const UNKNOWN: u32 = u32::MAX;

impl Table {
    /// Analyses the terms of `language` and indexes them.
    fn build(taxonomy: &Taxonomy, lexicon: &Lexicon, language: &str) -> Table {
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
}

/// The analysed words of a term: `(token, is_prefix)`, into `out`. A word
/// ending in `*` is analysed without the star, and the token it gives is
/// matched as the start of a text's token.
fn analyse_term(lexicon: &Lexicon, term: &str, language: &str, out: &mut Vec<(String, bool)>) {
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

impl Tagger {
    /// Builds a tagger: analyses every term of every language with
    /// [`Lexicon::tokens_in`] for that language, and indexes the terms by
    /// their first token.
    pub fn new(taxonomy: &Taxonomy, lexicon: &Lexicon) -> Tagger {
        let index_of: HashMap<&str, usize> = taxonomy
            .themes
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.as_str(), i))
            .collect();
        let mut themes: Vec<TagTheme> = taxonomy
            .themes
            .iter()
            .map(|t| TagTheme {
                id: t.id.clone(),
                parent: t.parent.as_deref().map(|p| index_of[p]),
                requires_parent: t.requires_parent,
                children: Vec::new(),
            })
            .collect();
        for i in 0..themes.len() {
            if let Some(p) = themes[i].parent {
                themes[p].children.push(i);
            }
        }
        let tables = taxonomy
            .languages()
            .into_iter()
            .map(|language| {
                let table = Table::build(taxonomy, lexicon, &language);
                (language, table)
            })
            .collect();
        Tagger {
            lexicon: lexicon.clone(),
            tables,
            themes,
            scoring: taxonomy.scoring,
        }
    }

    /// The languages the tagger has terms for (ISO 639-1), English first.
    pub fn languages(&self) -> impl Iterator<Item = &str> + '_ {
        self.tables.iter().map(|(l, _)| l.as_str())
    }

    fn table(&self, language: &str) -> Option<&Table> {
        self.tables
            .iter()
            .find(|(l, _)| l == language)
            .map(|(_, t)| t)
    }

    /// The themes of an English `text`, highest score first (ties by id),
    /// as the taxonomy's [`Scoring`] rules give them; a sub-theme brings its
    /// pillar.
    pub fn tag(&self, text: &str) -> Vec<ThemeScore> {
        self.tag_in(text, ENGLISH)
    }

    /// The themes of `text` written in `language` (ISO 639-1), found with
    /// that language's terms. A language the taxonomy has no terms for gets
    /// no themes: another language's words would only meet it by accident
    /// (the English `UN` is the French and Latvian `un`).
    pub fn tag_in(&self, text: &str, language: &str) -> Vec<ThemeScore> {
        if self.table(language).is_none() {
            return Vec::new();
        }
        self.tag_analysed_in(&self.lexicon.tokens_in(text, language), language)
    }

    /// Tags an English passage: sets [`Passage::themes`] to the ids
    /// [`tag`](Self::tag) gives its text, highest score first.
    pub fn tag_passage(&self, passage: &mut Passage) {
        self.tag_passage_in(passage, ENGLISH);
    }

    /// Tags a passage of a document in `language`: its text, and the
    /// innermost heading of its section as [`Scoring::heading`] weighs it.
    pub fn tag_passage_in(&self, passage: &mut Passage, language: &str) {
        let heading = self.heading_in(passage.section.last().map_or("", String::as_str), language);
        let tokens = self.lexicon.tokens_in(&passage.text, language);
        passage.themes = self
            .tag_analysed_under(&tokens, &heading)
            .into_iter()
            .map(|t| t.id)
            .collect();
    }

    /// The evidence a section heading in `language` gives the passages
    /// under it, found once and used for each of them with
    /// [`tag_analysed_under`](Self::tag_analysed_under).
    pub fn heading_in(&self, heading: &str, language: &str) -> Heading {
        let counts = match self.table(language) {
            Some(table) if self.scoring.heading > 0.0 && !heading.is_empty() => {
                let tokens = self.lexicon.tokens_in(heading, language);
                self.count(table, tokens.iter().map(|t| t.text.as_str()))
            }
            _ => Vec::new(),
        };
        Heading {
            text: heading.to_string(),
            language: language.to_string(),
            counts,
        }
    }

    /// Like [`tag_analysed_in`](Self::tag_analysed_in) in the heading's
    /// language, with the heading's terms counted as [`Scoring::heading`]
    /// says (the indexer's path).
    pub fn tag_analysed_under(&self, tokens: &[Token], heading: &Heading) -> Vec<ThemeScore> {
        let words = tokens.iter().map(|t| t.text.as_str());
        self.tag_words(words, &heading.language, &heading.counts)
    }

    /// The one path every `tag…` method takes: analysed words of a text in
    /// `language`, and the counts of its heading (empty for none).
    fn tag_words<'a>(
        &self,
        words: impl ExactSizeIterator<Item = &'a str>,
        language: &str,
        heading: &[u32],
    ) -> Vec<ThemeScore> {
        let Some(table) = self.table(language) else {
            return Vec::new();
        };
        let len = words.len();
        let tags = self.score(
            table,
            &self.count(table, words),
            heading,
            len,
            self.scoring.heading,
        );
        if !tags.is_empty() || heading.is_empty() || !self.scoring.inherit {
            return tags;
        }
        // Words that show no theme of their own belong to their section:
        // the heading's themes, its terms at full weight.
        self.score(table, &[], heading, usize::MAX, 1.0)
    }

    /// Like [`tag`](Self::tag), on tokens already produced by
    /// [`Lexicon::analyze`] with the same lexicon.
    pub fn tag_tokens<S: AsRef<str>>(&self, tokens: &[S]) -> Vec<ThemeScore> {
        self.tag_tokens_in(tokens, ENGLISH)
    }

    /// Like [`tag_in`](Self::tag_in), on tokens already produced by
    /// [`Lexicon::tokens_in`] for `language` with the same lexicon.
    pub fn tag_tokens_in<S: AsRef<str>>(&self, tokens: &[S], language: &str) -> Vec<ThemeScore> {
        self.tag_words(tokens.iter().map(AsRef::as_ref), language, &[])
    }

    /// Like [`tag_tokens`](Self::tag_tokens), on the tokens of a
    /// [`Lexicon::analyze_into`](crate::lexicon::Lexicon::analyze_into)
    /// (the indexer's path: no copy of the words).
    pub fn tag_analysed(&self, tokens: &[Token]) -> Vec<ThemeScore> {
        self.tag_analysed_in(tokens, ENGLISH)
    }

    /// Like [`tag_analysed`](Self::tag_analysed), for a passage of a
    /// document in `language`, its tokens analysed for that language.
    pub fn tag_analysed_in(&self, tokens: &[Token], language: &str) -> Vec<ThemeScore> {
        self.tag_words(tokens.iter().map(|t| t.text.as_str()), language, &[])
    }

    /// Every English term of the taxonomy found in `text`, with its theme
    /// and how often it occurs: why a passage got (or missed) its themes.
    /// In taxonomy order.
    pub fn explain(&self, text: &str) -> Vec<TermHit> {
        self.explain_in(text, ENGLISH)
    }

    /// Like [`explain`](Self::explain), with the terms of `language`.
    pub fn explain_in(&self, text: &str, language: &str) -> Vec<TermHit> {
        let Some(table) = self.table(language) else {
            return Vec::new();
        };
        let tokens = self.lexicon.tokens_in(text, language);
        let counts = self.count(table, tokens.iter().map(|t| t.text.as_str()));
        counts
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(i, &count)| {
                let term = &table.terms[i];
                TermHit {
                    theme: self.themes[term.theme as usize].id.clone(),
                    term: term.text.clone(),
                    weight: term.weight,
                    count,
                }
            })
            .collect()
    }

    /// How often each term of `table` occurs in `tokens` (indexed like
    /// `table.terms`).
    fn count<'a>(&self, table: &Table, tokens: impl Iterator<Item = &'a str>) -> Vec<u32> {
        let at = table.positions(tokens);
        // Per theme, the first position not yet covered by one of its
        // matches: overlapping terms of one theme count once, the longest.
        let mut free_from = vec![0usize; self.themes.len()];
        let mut counts = vec![0u32; table.terms.len()];
        let mut merged: Vec<&Candidate> = Vec::new();
        for (pos, &id) in at.whole.iter().enumerate() {
            let prefixed = at.prefixed(pos);
            let candidates: &mut dyn Iterator<Item = &Candidate> = if prefixed.is_empty() {
                if id == UNKNOWN {
                    continue;
                }
                &mut table.starts[id as usize].iter()
            } else {
                // Terms starting with the whole token and with each of its
                // prefixes, in one order: theme, then longest first.
                merged.clear();
                let lists = std::iter::once(id)
                    .filter(|&i| i != UNKNOWN)
                    .chain(prefixed.iter().copied());
                merged.extend(lists.flat_map(|i| table.starts[i as usize].iter()));
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
                counts[c.term as usize] += 1;
            }
        }
        counts
    }

    /// Term counts → the themes given, sorted.
    /// `heading` holds the counts of the passage's section heading (empty
    /// when there is none).
    fn score(
        &self,
        table: &Table,
        counts: &[u32],
        heading: &[u32],
        words: usize,
        heading_share: f32,
    ) -> Vec<ThemeScore> {
        let rules = &self.scoring;
        let n_themes = self.themes.len();
        let mut own = vec![0f32; n_themes];
        let mut anchored = vec![false; n_themes];
        let mut decisive = vec![false; n_themes];
        for (term, &n) in table.terms.iter().zip(counts) {
            if n == 0 {
                continue;
            }
            let theme = term.theme as usize;
            own[theme] += term.weight * n.min(rules.repeat_cap) as f32;
            anchored[theme] |= term.weight >= rules.anchor_weight;
            decisive[theme] |= term.weight >= rules.threshold;
        }
        // The heading's terms add their share and anchor like the
        // passage's own (a heading on the norms opens the norms' gated
        // sub-themes), but are never decisive.
        for (term, &n) in table.terms.iter().zip(heading) {
            if n == 0 {
                continue;
            }
            let weight = term.weight * heading_share;
            let theme = term.theme as usize;
            own[theme] += weight * n.min(rules.repeat_cap) as f32;
            anchored[theme] |= weight >= rules.anchor_weight;
        }
        // Unanchored themes score nothing; a gated sub-theme contributes
        // nothing either, to itself or to the pillar, unless an anchor of
        // its parent's own terms or one of its own decisive terms (the
        // norm's own wording, which needs no "norm" beside it) opens it.
        let gated: Vec<f32> = (0..n_themes)
            .map(|i| {
                let theme = &self.themes[i];
                let gate_open = match theme.parent {
                    Some(p) if theme.requires_parent => anchored[p] || decisive[i],
                    _ => true,
                };
                if anchored[i] && gate_open {
                    own[i]
                } else {
                    0.0
                }
            })
            .collect();

        let threshold = match rules.full_length {
            0 => rules.threshold,
            full => (rules.threshold * words as f32 / full as f32)
                .clamp(rules.anchor_weight.min(rules.threshold), rules.threshold),
        };
        let pillars: Vec<(usize, f32)> = (0..n_themes)
            .filter(|&i| self.themes[i].parent.is_none())
            .filter_map(|i| {
                let children = &self.themes[i].children;
                let total = gated[i] + children.iter().map(|&c| gated[c]).sum::<f32>();
                let implied = children.iter().any(|&c| gated[c] >= threshold);
                (total >= threshold || implied).then_some((i, total))
            })
            .collect();
        let leading = pillars.iter().map(|&(_, s)| s).fold(0f32, f32::max);

        let mut out = Vec::new();
        for (i, total) in pillars {
            if total < rules.relative * leading {
                continue;
            }
            out.push(ThemeScore {
                id: self.themes[i].id.clone(),
                score: total,
            });
            for &c in &self.themes[i].children {
                if gated[c] >= threshold {
                    out.push(ThemeScore {
                        id: self.themes[c].id.clone(),
                        score: gated[c],
                    });
                }
            }
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        out
    }
}

/// One taxonomy term found in a text, from [`Tagger::explain`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermHit {
    /// The id of the term's theme.
    pub theme: String,
    /// The term as written in the taxonomy.
    pub term: String,
    /// Its weight.
    pub weight: f32,
    /// How often it occurs (before `repeat_cap`).
    pub count: u32,
}

// ---------------------------------------------------------------- parsing

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    scoring: Option<Spanned<RawScoring>>,
    #[serde(default)]
    theme: Vec<Spanned<RawTheme>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScoring {
    threshold: Option<Spanned<f64>>,
    repeat_cap: Option<Spanned<i64>>,
    anchor_weight: Option<Spanned<f64>>,
    relative: Option<Spanned<f64>>,
    heading: Option<Spanned<f64>>,
    full_length: Option<Spanned<i64>>,
    inherit: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTheme {
    id: Spanned<String>,
    label: Spanned<String>,
    description: Spanned<String>,
    parent: Option<Spanned<String>>,
    #[serde(default)]
    requires_parent: Option<Spanned<bool>>,
    terms: Spanned<RawTerms>,
    lang: Option<Spanned<BTreeMap<Spanned<String>, Spanned<RawTerms>>>>,
}

type RawTerms = BTreeMap<Spanned<String>, Spanned<f64>>;

/// Turns byte offsets of the taxonomy text into `file:line: theme …` errors.
struct Locator<'a> {
    text: &'a str,
    path: &'a Path,
}

impl Locator<'_> {
    fn error(&self, offset: usize, theme: Option<&str>, message: impl AsRef<str>) -> Error {
        let line = line_of_offset(self.text, offset);
        let message = match theme {
            Some(id) => format!("theme `{id}`: {}", message.as_ref()),
            None => message.as_ref().to_string(),
        };
        UserError::data(self.path, Some(line), message).into()
    }

    fn toml_error(&self, e: &toml::de::Error) -> Error {
        // TOML messages can span lines; the command line prints one.
        let message = e
            .message()
            .split('\n')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        let message = format!("{message}; fix the taxonomy (its format is described at the top of the built-in themes.toml)");
        match e.span() {
            Some(span) => {
                let theme = theme_around(self.text, span.start);
                self.error(span.start, theme.as_deref(), message)
            }
            None => UserError::data(self.path, None, message).into(),
        }
    }
}

/// The id of the `[[theme]]` entry whose text contains `offset`, read
/// leniently from the raw text: used to name the theme in a TOML error,
/// when the file could not be parsed.
fn theme_around(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let mut header = None;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        if pos > offset {
            break;
        }
        if line.trim_start().starts_with("[[theme]]") {
            header = Some(pos);
        } else if line.trim_start().starts_with('[') && !line.trim_start().starts_with("[theme.") {
            header = None;
        }
        pos += line.len();
    }
    let start = header?;
    for line in text[start..].lines().skip(1) {
        let t = line.trim();
        if t.starts_with('[') {
            break;
        }
        if let Some(rest) = t.strip_prefix("id") {
            let value = rest.trim_start().strip_prefix('=')?.trim();
            let value = value.trim_matches(|c| c == '"' || c == '\'');
            return Some(value.to_string());
        }
    }
    None
}

fn validate_scoring(raw: Option<Spanned<RawScoring>>, at: &Locator) -> crate::Result<Scoring> {
    let mut scoring = Scoring::default();
    let Some(raw) = raw else {
        return Ok(scoring);
    };
    let raw = raw.into_inner();
    if let Some(t) = raw.threshold {
        let v = *t.get_ref();
        if !(v.is_finite() && v > 0.0 && v <= 1000.0) {
            return Err(at.error(
                t.span().start,
                None,
                format!("[scoring] threshold = {v}: write a positive number such as 4"),
            ));
        }
        scoring.threshold = v as f32;
    }
    if let Some(c) = raw.repeat_cap {
        let v = *c.get_ref();
        if !(1..=1000).contains(&v) {
            return Err(at.error(
                c.span().start,
                None,
                format!(
                    "[scoring] repeat_cap = {v}: write a whole number of at least 1, such as 2"
                ),
            ));
        }
        scoring.repeat_cap = v as u32;
    }
    if let Some(a) = raw.anchor_weight {
        let v = *a.get_ref();
        if !(v.is_finite() && (0.0..=MAX_WEIGHT).contains(&v)) {
            return Err(at.error(
                a.span().start,
                None,
                format!("[scoring] anchor_weight = {v}: write a weight from 0 to {MAX_WEIGHT}, such as 2"),
            ));
        }
        scoring.anchor_weight = v as f32;
    }
    if let Some(r) = raw.relative {
        let v = *r.get_ref();
        if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
            return Err(at.error(
                r.span().start,
                None,
                format!("[scoring] relative = {v}: write a share from 0 to 1, such as 0.25"),
            ));
        }
        scoring.relative = v as f32;
    }
    if let Some(h) = raw.heading {
        let v = *h.get_ref();
        if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
            return Err(at.error(
                h.span().start,
                None,
                format!("[scoring] heading = {v}: write a share from 0 to 1, such as 0.5"),
            ));
        }
        scoring.heading = v as f32;
    }
    if let Some(f) = raw.full_length {
        let v = *f.get_ref();
        if !(0..=1000).contains(&v) {
            return Err(at.error(
                f.span().start,
                None,
                format!("[scoring] full_length = {v}: write a number of words from 0 to 1000, such as 20"),
            ));
        }
        scoring.full_length = v as u32;
    }
    if let Some(i) = raw.inherit {
        scoring.inherit = i;
    }
    Ok(scoring)
}

/// Whether `s` is a slug: lowercase ASCII letters, digits and inner hyphens.
fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Validates one term table: `language` is empty for `[theme.terms]`, else
/// the code of `[theme.lang.…]`, for messages.
fn validate_terms(
    raw: Spanned<RawTerms>,
    language: &str,
    fail: &dyn Fn(usize, String) -> Error,
) -> crate::Result<Vec<Term>> {
    let table = if language.is_empty() {
        "the term list".to_string()
    } else {
        format!("the term list [theme.lang.{language}]")
    };
    let terms_at = raw.span().start;
    let mut entries: Vec<(Spanned<String>, Spanned<f64>)> = raw.into_inner().into_iter().collect();
    if entries.is_empty() {
        return Err(fail(
            terms_at,
            format!("{table} is empty; add the words and phrases that show the theme"),
        ));
    }
    // The map sorts by text; keep the librarian's order.
    entries.sort_by_key(|(k, _)| k.span().start);
    let mut terms = Vec::with_capacity(entries.len());
    for (text, weight) in entries {
        let text_at = text.span().start;
        let text = text.into_inner();
        if !text.chars().any(char::is_alphanumeric) {
            return Err(fail(
                text_at,
                format!("term {text:?} has no letter or digit, so it can never match; remove it"),
            ));
        }
        if !stars_end_words(&text) {
            return Err(fail(
                text_at,
                format!(
                    "term {text:?}: a `*` must end a word of at least {MIN_PREFIX_CHARS} letters \
                     (`sécurit*` matches sécurité and sécuritaire); move or remove it"
                ),
            ));
        }
        let w = *weight.get_ref();
        if !(w.is_finite() && (0.0..=MAX_WEIGHT).contains(&w)) {
            return Err(fail(
                weight.span().start,
                format!("term {text:?} has weight {w}; use a number from 0 to {MAX_WEIGHT}"),
            ));
        }
        terms.push(Term {
            text: text.trim().to_string(),
            weight: w as f32,
        });
    }
    if terms.iter().all(|t| t.weight == 0.0) {
        return Err(fail(
            terms_at,
            format!(
                "every term has weight 0{}, so it can never give the theme; weigh at least one term above 0",
                if language.is_empty() { String::new() } else { format!(" in [theme.lang.{language}]") }
            ),
        ));
    }
    Ok(terms)
}

/// Whether every `*` in a term ends a word (the end, a space or
/// punctuation follows) of at least [`MIN_PREFIX_CHARS`] letters or digits.
fn stars_end_words(term: &str) -> bool {
    let chars: Vec<char> = term.chars().collect();
    chars.iter().enumerate().all(|(i, &c)| {
        if c != '*' {
            return true;
        }
        let ends_word = chars
            .get(i + 1)
            .is_none_or(|&n| !n.is_alphanumeric() && n != '*');
        let letters = chars[..i]
            .iter()
            .rev()
            .take_while(|c| c.is_alphanumeric())
            .count();
        ends_word && letters >= MIN_PREFIX_CHARS
    })
}

fn validate_themes(raw: Vec<Spanned<RawTheme>>, at: &Locator) -> crate::Result<Vec<Theme>> {
    if raw.is_empty() {
        return Err(UserError::data(
            at.path,
            None,
            "the taxonomy has no [[theme]] entries; add at least one (see the built-in themes.toml)",
        )
        .into());
    }
    // First pass: ids, duplicates, and which ids are pillars.
    let mut first_line: HashMap<String, usize> = HashMap::new();
    let mut pillar: HashMap<String, bool> = HashMap::new();
    for entry in &raw {
        let theme = entry.get_ref();
        let id = theme.id.get_ref().as_str();
        let start = theme.id.span().start;
        if let Some(line) = first_line.get(id) {
            return Err(at.error(
                start,
                Some(id),
                format!("duplicate id, first used on line {line}; give each theme its own id"),
            ));
        }
        first_line.insert(id.to_string(), line_of_offset(at.text, start));
        pillar.insert(id.to_string(), theme.parent.is_none());
    }

    let mut themes = Vec::with_capacity(raw.len());
    for entry in raw {
        let theme = entry.into_inner();
        let id = theme.id.get_ref().clone();
        let id_at = theme.id.span().start;
        let fail = |offset: usize, message: String| at.error(offset, Some(&id), message);

        match &theme.parent {
            None => {
                if !is_slug(&id) {
                    return Err(fail(
                        id_at,
                        "a pillar's id must be lowercase letters, digits and hyphens (a sub-theme \
                         also needs `parent = \"…\"`)"
                            .into(),
                    ));
                }
                if let Some(r) = &theme.requires_parent {
                    return Err(fail(
                        r.span().start,
                        "`requires_parent` is for sub-themes only; remove it or add a parent"
                            .into(),
                    ));
                }
            }
            Some(parent) => {
                let p = parent.get_ref().as_str();
                match pillar.get(p) {
                    None => {
                        return Err(fail(
                            parent.span().start,
                            format!("unknown parent `{p}`; set parent to the id of a pillar defined in this file"),
                        ))
                    }
                    Some(false) => {
                        return Err(fail(
                            parent.span().start,
                            format!("parent `{p}` is itself a sub-theme; only two levels are allowed, so name a pillar"),
                        ))
                    }
                    Some(true) => {}
                }
                let slug_ok = id
                    .strip_prefix(p)
                    .and_then(|r| r.strip_prefix('/'))
                    .is_some_and(is_slug);
                if !slug_ok {
                    return Err(fail(
                        id_at,
                        format!("a sub-theme's id must be its parent's id, a slash and a slug, e.g. `{p}/example`"),
                    ));
                }
            }
        }
        let label = theme.label.get_ref().trim().to_string();
        if label.is_empty() {
            return Err(fail(
                theme.label.span().start,
                "the label is empty; give the theme a short name".into(),
            ));
        }
        let description = theme.description.get_ref().trim().to_string();

        let terms = validate_terms(theme.terms, "", &fail)?;
        let mut translations = BTreeMap::new();
        for (language, terms) in theme.lang.map(Spanned::into_inner).unwrap_or_default() {
            let code = language.get_ref().as_str();
            if code == ENGLISH {
                return Err(fail(
                    language.span().start,
                    "English terms go in [theme.terms], not [theme.lang.en]".into(),
                ));
            }
            if !crate::corpus::ISO_639_1.contains(&code) {
                return Err(fail(
                    language.span().start,
                    format!("[theme.lang.{code}]: {code:?} is not an ISO 639-1 language code; name the language as the manifest's `language` does (fr, es, ru …)"),
                ));
            }
            let terms = validate_terms(terms, code, &fail)?;
            translations.insert(language.into_inner(), terms);
        }
        themes.push(Theme {
            id,
            label,
            description,
            parent: theme.parent.map(Spanned::into_inner),
            requires_parent: theme.requires_parent.is_some_and(|r| r.into_inner()),
            terms,
            translations,
        });
    }
    Ok(themes)
}

#[cfg(test)]
mod tests {
    use super::*;

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
            e.starts_with(
                "themes.toml:15: theme `cbm`: [theme.lang.xx]: \"xx\" is not an ISO 639-1"
            ),
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
}
