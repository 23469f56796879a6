//! The query language: what a researcher types → a tree the search runs.
//!
//! Input: one line of query text. Output: a [`Query`], an abstract syntax
//! tree whose leaves remember the column they were typed at, so that a
//! syntax error points at it ([`UserError::Query`]). Refused: an empty query,
//! an unclosed quote, an unbalanced parenthesis, an operator with nothing to
//! apply to, an unknown field, a bad year range or passage kind, a prefix
//! or fuzzy distance out of bounds.
//!
//! The syntax, loosest binding first:
//!
//! | form | meaning |
//! |---|---|
//! | `a b` | juxtaposed clauses, see [`JUXTAPOSITION`] |
//! | `a AND b` | both |
//! | `a OR b` | either (binds tighter than juxtaposition: `a b OR c` is `a (b OR c)`) |
//! | `NOT a`, `-a` | passages without `a` |
//! | `+a` | `a` must match |
//! | `( … )` | grouping |
//! | `"a b c"` | the words in this order; `"a b c"~N` allows N moves |
//! | `word*` | words starting with `word` (at least two letters) |
//! | `word~1` | words within one (or 0, 2) edits: OCR slips |
//! | `source:ID`, `theme:ID`, `kind:KIND` | filters |
//! | `year:2014`, `year:2011..2016`, `year:2011..`, `year:..2016` | year filter |
//!
//! Operators are upper case (`AND`, `OR`, `NOT`); in lower case they are
//! words. Curly quotes count as quotes.
//!
//! [`Query::expand`] then analyses each leaf with the [`Lexicon`] into
//! [`Variant`]s: a word or phrase naming a concept becomes its bounded
//! alternatives (`CBMs` → `CBMs` | `"confidence-building measure"`), a run
//! of plain words spelling out a concept's name gains its other names, and
//! a word gains the other words of its family (`regulatory` → `regulation`).
//! [`Query::explain`] renders the expanded tree for `--explain`.

mod expand;
mod parse;
#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::UserError;
use crate::lexicon::{Expansions, Lexicon, Variant};
use crate::segment::PassageKind;

use expand::{collect_filters, expand_node, explain_node, Expansion};
use parse::{lex, Parser};

/// At most this many variants per word or phrase (the original included).
pub const MAX_VARIANTS: usize = 8;
/// Parentheses and prefix operators nest at most this deep.
pub(crate) const MAX_DEPTH: usize = 32;
/// The largest phrase slop accepted.
pub(crate) const MAX_SLOP: u32 = 100;
/// The largest edit distance tantivy's fuzzy matching supports.
pub(crate) const MAX_FUZZY: u8 = 2;
/// A prefix needs this many letters or digits before `*`: shorter ones
/// would expand to most of the dictionary.
pub(crate) const MIN_PREFIX_CHARS: usize = 2;

/// What juxtaposed clauses (`a b c`, no operator) mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Juxtaposition {
    /// Every clause must match.
    AllMustMatch,
    /// Any clause may match; passages matching more rank higher.
    RankedByMatches,
}

/// The meaning of juxtaposition in this query language, chosen by measured
/// ranking quality (see `tests/search_relevance.rs`).
pub const JUXTAPOSITION: Juxtaposition = Juxtaposition::RankedByMatches;

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The text as typed.
    pub input: String,
    /// The tree.
    pub root: Node,
}

/// A node of the query tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A word, phrase, prefix or fuzzy word.
    Term(Term),
    /// `field:value`.
    Filter {
        /// What to keep.
        filter: Filter,
        /// 1-based column of the field name.
        column: usize,
    },
    /// Clauses side by side, without an operator: see [`JUXTAPOSITION`].
    Juxtaposed(Vec<Node>),
    /// `a AND b AND …`.
    And(Vec<Node>),
    /// `a OR b OR …`.
    Or(Vec<Node>),
    /// `NOT a` or `-a`.
    Not(Box<Node>),
    /// `+a`.
    Must(Box<Node>),
}

/// A leaf that matches text.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// Word, phrase, prefix or fuzzy.
    pub kind: TermKind,
    /// As typed, without quotes, `*` or `~N`.
    pub text: String,
    /// 1-based column where it starts.
    pub column: usize,
    /// What to search for, the text itself first; empty until
    /// [`Query::expand`].
    pub variants: Vec<Variant>,
}

/// The kind of a text leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    /// A bare word (which may analyse to several tokens, e.g. `A/70/174`:
    /// then it is matched as a phrase).
    Word,
    /// A quoted phrase, with the number of moves allowed.
    Phrase {
        /// 0 for an exact sequence.
        slop: u32,
    },
    /// `word*`: matched against unstemmed words.
    Prefix,
    /// `word~N`: matched against unstemmed words.
    Fuzzy {
        /// Edits allowed, 0–2.
        distance: u8,
    },
}

/// A `field:value` restriction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// `source:ID`: a document id.
    Source(String),
    /// `theme:ID`: a theme id; a pillar includes its sub-themes.
    Theme(String),
    /// `year:…`: an inclusive range, either end open.
    Year(YearRange),
    /// `kind:…`: body, list-item or footnote.
    Kind(PassageKind),
}

pub(crate) fn err(column: usize, message: impl Into<String>) -> UserError {
    UserError::Query {
        column,
        message: message.into(),
    }
}

/// An inclusive range of years, either end open: `2014`, `2011..2016`,
/// `2011..`, `..2016`. The one grammar of `--year`, the prompt's `:year`,
/// `year:` in a query and `year=` in a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct YearRange {
    /// First year, inclusive; `None` is open.
    pub from: Option<u16>,
    /// Last year, inclusive; `None` is open.
    pub to: Option<u16>,
}

impl YearRange {
    /// Parses the grammar; the error says what is wrong and how to write
    /// it (the caller names where: a flag, a query column).
    pub fn parse(text: &str) -> Result<YearRange, String> {
        let year = |s: &str| -> Result<Option<u16>, String> {
            if s.is_empty() {
                return Ok(None);
            }
            match s.parse::<u16>() {
                Ok(y) if y >= 1 && s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) => {
                    Ok(Some(y))
                }
                _ => Err(format!(
                    "`{s}` is not a year: write 2014, 2011..2016, 2011.. or ..2016"
                )),
            }
        };
        let (from, to) = match text.split_once("..") {
            Some((a, b)) => (year(a)?, year(b)?),
            None => {
                let y = year(text)?;
                (y, y)
            }
        };
        if from.is_none() && to.is_none() {
            return Err("a year range needs a year, e.g. 2011..".into());
        }
        if let (Some(a), Some(b)) = (from, to) {
            if a > b {
                return Err(format!("the range {a}..{b} runs backwards: write {b}..{a}"));
            }
        }
        Ok(YearRange { from, to })
    }

    /// Whether `year` falls in the range.
    pub fn contains(&self, year: u16) -> bool {
        self.from.is_none_or(|a| year >= a) && self.to.is_none_or(|b| year <= b)
    }
}

impl FromStr for YearRange {
    type Err = UserError;

    fn from_str(s: &str) -> Result<YearRange, UserError> {
        YearRange::parse(s).map_err(|m| UserError::request("year", m))
    }
}

/// `2011..2016`, `2011..`, `..2016`: the grammar it was parsed from.
impl fmt::Display for YearRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let y = |v: Option<u16>| v.map(|v| v.to_string()).unwrap_or_default();
        write!(f, "{}..{}", y(self.from), y(self.to))
    }
}

impl Serialize for YearRange {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for YearRange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<YearRange, D::Error> {
        let text = String::deserialize(d)?;
        YearRange::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Query {
    /// Parses a query.
    pub fn parse(input: &str) -> Result<Query, UserError> {
        let lexemes = lex(input)?;
        if lexemes.is_empty() {
            return Err(err(
                1,
                "empty query: type words, a \"quoted phrase\" or field:value",
            ));
        }
        let mut parser = Parser {
            lexemes,
            pos: 0,
            depth: 0,
        };
        let root = parser.parse_seq(None)?;
        Ok(Query {
            input: input.to_string(),
            root,
        })
    }

    /// Analyses every leaf with `lexicon`: stemmed and normalised with
    /// acronym alternatives, or, when `exact`, only case- and accent-folded.
    ///
    /// Words that analyse to nothing (stray punctuation) are dropped; a
    /// query left with nothing to search for is refused.
    pub fn expand(&self, lexicon: &Lexicon, exact: bool) -> Result<Query, UserError> {
        self.expand_with(lexicon, exact, Expansions::default())
    }

    /// [`expand`](Self::expand) with only some of the lexicon's expansions
    /// (concepts, families): what the ranking's measurements compare.
    pub fn expand_with(
        &self,
        lexicon: &Lexicon,
        exact: bool,
        with: Expansions,
    ) -> Result<Query, UserError> {
        self.expand_in(lexicon, exact, with, &[crate::lexicon::ENGLISH.to_string()])
    }

    /// [`expand_with`](Self::expand_with), the text read as written in each
    /// of `languages` (ISO 639-1) in turn: each word or phrase gets the
    /// variants of each language's analysis (its own stems, marked with the
    /// language), and a concept's name its names in each of `languages`.
    /// Variants in other languages are left out.
    pub fn expand_in(
        &self,
        lexicon: &Lexicon,
        exact: bool,
        with: Expansions,
        languages: &[String],
    ) -> Result<Query, UserError> {
        let cx = Expansion {
            lex: lexicon,
            exact,
            with,
            languages,
        };
        let root = expand_node(&self.root, &cx)?.ok_or_else(|| {
            err(
                1,
                "nothing to search for: the query has no words, only punctuation",
            )
        })?;
        Ok(Query {
            input: self.input.clone(),
            root,
        })
    }

    /// Every filter in the query, negated ones included (to check their ids).
    pub fn filters(&self) -> Vec<&Filter> {
        let mut out = Vec::new();
        collect_filters(&self.root, &mut out);
        out
    }

    /// A readable tree of the (expanded) query, one clause per line.
    pub fn explain(&self) -> String {
        let mut out = String::new();
        explain_node(&self.root, 0, &mut out);
        out
    }
}
