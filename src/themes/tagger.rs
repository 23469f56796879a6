//! The [`Tagger`]: a taxonomy's cue tables, one per language, built with
//! the lexicon, and the calls that tag a text, a passage or the indexer's
//! tokens, under a section heading or not.
//!
//! Input: a [`Taxonomy`] and a [`Lexicon`]; then texts with their language
//! (ISO 639-1). Output: [`ThemeScore`]s, or the [`TermHit`]s that explain
//! them. A language with no cues gets no themes; nothing is refused.

use super::score::{score, TagTheme};
use super::table::{Table, TermCounts};
use super::{Scoring, Taxonomy, ThemeScore, ENGLISH};
use crate::lexicon::Lexicon;
use crate::segment::Passage;
use serde::Serialize;
use std::collections::HashMap;
use tantivy::tokenizer::Token;

/// The theme evidence of a passage's section headings, from
/// [`Tagger::section_in`] or [`Tagger::heading_in`].
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    section: Vec<String>,
    language: String,
    /// The terms of the language's table in the innermost heading, and
    /// how often (empty when there are none, or headings do not count).
    counts: TermCounts,
    /// The same for the enclosing headings, innermost first, when
    /// [`Scoring::inherit`] is on (a silent passage may need them).
    outer: Vec<TermCounts>,
}

impl Heading {
    /// The innermost heading as given ("" for none).
    pub fn text(&self) -> &str {
        self.section.last().map_or("", String::as_str)
    }

    /// The headings as given, outermost first (as [`Passage::section`]).
    pub fn section(&self) -> &[String] {
        &self.section
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

    /// Tags a passage of a document in `language`: its text, and its
    /// section headings as [`Scoring::heading`] and [`Scoring::inherit`]
    /// weigh them.
    pub fn tag_passage_in(&self, passage: &mut Passage, language: &str) {
        let heading = self.section_in(&passage.section, language);
        let tokens = self.lexicon.tokens_in(&passage.text, language);
        passage.themes = self
            .tag_analysed_under(&tokens, &heading)
            .into_iter()
            .map(|t| t.id)
            .collect();
    }

    /// The evidence one section heading in `language` gives the passages
    /// under it: [`section_in`](Self::section_in) for a section of one
    /// level ("" for none).
    pub fn heading_in(&self, heading: &str, language: &str) -> Heading {
        let section = if heading.is_empty() {
            Vec::new()
        } else {
            vec![heading.to_string()]
        };
        self.section_in(&section, language)
    }

    /// The evidence the headings of a section in `language` (outermost
    /// first, as [`Passage::section`]) give the passages under it, found
    /// once and used for each of them with
    /// [`tag_analysed_under`](Self::tag_analysed_under).
    pub fn section_in(&self, section: &[String], language: &str) -> Heading {
        let count = |heading: &str| match self.table(language) {
            Some(table) if !heading.is_empty() => {
                let tokens = self.lexicon.tokens_in(heading, language);
                table.count(self.themes.len(), tokens.iter().map(|t| t.text.as_str()))
            }
            _ => Vec::new(),
        };
        let uses = self.scoring.heading > 0.0 || self.scoring.inherit;
        let mut levels = section.iter().rev();
        let counts = match levels.next() {
            Some(innermost) if uses => count(innermost),
            _ => Vec::new(),
        };
        let outer = if self.scoring.inherit {
            levels.map(|h| count(h)).collect()
        } else {
            Vec::new()
        };
        Heading {
            section: section.to_vec(),
            language: language.to_string(),
            counts,
            outer,
        }
    }

    /// Like [`tag_analysed_in`](Self::tag_analysed_in) in the heading's
    /// language, with the heading's terms counted as [`Scoring::heading`]
    /// says (the indexer's path).
    pub fn tag_analysed_under(&self, tokens: &[Token], heading: &Heading) -> Vec<ThemeScore> {
        let words = tokens.iter().map(|t| t.text.as_str());
        self.tag_words(words, &heading.language, Some(heading))
    }

    /// The one path every `tag…` method takes: analysed words of a text in
    /// `language`, and the evidence of its headings (if any).
    fn tag_words<'a>(
        &self,
        words: impl ExactSizeIterator<Item = &'a str>,
        language: &str,
        heading: Option<&Heading>,
    ) -> Vec<ThemeScore> {
        let Some(table) = self.table(language) else {
            return Vec::new();
        };
        let len = words.len();
        let tags = score(
            &self.themes,
            &self.scoring,
            table,
            &table.count(self.themes.len(), words),
            heading.map_or(&[], |h| &h.counts),
            len,
            self.scoring.heading,
        );
        let Some(heading) = heading.filter(|_| tags.is_empty() && self.scoring.inherit) else {
            return tags;
        };
        // Words that show no theme of their own belong to their section:
        // the themes of the innermost heading that shows one, its terms at
        // full weight (an item of a table under "Focus area 2: capacity
        // building" whose own heading is a column's name).
        std::iter::once(&heading.counts)
            .chain(&heading.outer)
            .filter(|counts| !counts.is_empty())
            .map(|counts| {
                score(
                    &self.themes,
                    &self.scoring,
                    table,
                    &[],
                    counts,
                    usize::MAX,
                    1.0,
                )
            })
            .find(|tags| !tags.is_empty())
            .unwrap_or_default()
    }

    /// Like [`tag`](Self::tag), on tokens already produced by
    /// [`Lexicon::analyze`] with the same lexicon.
    pub fn tag_tokens<S: AsRef<str>>(&self, tokens: &[S]) -> Vec<ThemeScore> {
        self.tag_tokens_in(tokens, ENGLISH)
    }

    /// Like [`tag_in`](Self::tag_in), on tokens already produced by
    /// [`Lexicon::tokens_in`] for `language` with the same lexicon.
    pub fn tag_tokens_in<S: AsRef<str>>(&self, tokens: &[S], language: &str) -> Vec<ThemeScore> {
        self.tag_words(tokens.iter().map(AsRef::as_ref), language, None)
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
        self.tag_words(tokens.iter().map(|t| t.text.as_str()), language, None)
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
        let counts = table.count(self.themes.len(), tokens.iter().map(|t| t.text.as_str()));
        counts
            .into_iter()
            .map(|(i, count)| {
                let term = &table.terms[i as usize];
                TermHit {
                    theme: self.themes[term.theme as usize].id.clone(),
                    term: term.text.clone(),
                    weight: term.weight,
                    count,
                }
            })
            .collect()
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
