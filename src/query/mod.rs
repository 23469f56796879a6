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
//! [`Variant`]s: a word or phrase with an acronym becomes its bounded
//! alternatives (`CBMs` → `CBMs` | `"confidence-building measure"`), and a run
//! of plain words spelling out a long form gains its acronym.
//! [`Query::explain`] renders the expanded tree for `--explain`.

use std::fmt::Write as _;

use crate::error::UserError;
use crate::lexicon::{Lexicon, Variant};
use crate::segment::PassageKind;

/// At most this many variants per word or phrase (the original included).
pub const MAX_VARIANTS: usize = 8;
/// Parentheses and prefix operators nest at most this deep.
const MAX_DEPTH: usize = 32;
/// The largest phrase slop accepted.
const MAX_SLOP: u32 = 100;
/// The largest edit distance tantivy's fuzzy matching supports.
const MAX_FUZZY: u8 = 2;
/// A prefix needs this many letters or digits before `*`: shorter ones
/// would expand to most of the dictionary.
const MIN_PREFIX_CHARS: usize = 2;

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
    /// `year:…`: an inclusive range; `None` is open.
    Year {
        /// First year, inclusive.
        from: Option<u64>,
        /// Last year, inclusive.
        to: Option<u64>,
    },
    /// `kind:…`: body, list-item or footnote.
    Kind(PassageKind),
}

fn err(column: usize, message: impl Into<String>) -> UserError {
    UserError::Query {
        column,
        message: message.into(),
    }
}

// ---------------------------------------------------------------------------
// Lexing.

#[derive(Debug, Clone, PartialEq)]
enum Lex {
    LParen,
    RParen,
    And,
    Or,
    Not,
    Plus,
    Minus,
    Phrase { text: String, slop: u32 },
    Word(String),
}

#[derive(Debug, Clone)]
struct Lexeme {
    lex: Lex,
    column: usize,
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '\u{201C}' | '\u{201D}')
}

fn ends_word(c: char) -> bool {
    c.is_whitespace() || c == '(' || c == ')' || is_quote(c)
}

fn lex(input: &str) -> Result<Vec<Lexeme>, UserError> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let lex = match c {
            '(' => {
                i += 1;
                Lex::LParen
            }
            ')' => {
                i += 1;
                Lex::RParen
            }
            c if is_quote(c) => {
                let close = (i + 1..chars.len())
                    .find(|&j| is_quote(chars[j]))
                    .ok_or_else(|| err(column, "unclosed quote: add a closing \""))?;
                let text: String = chars[i + 1..close].iter().collect();
                i = close + 1;
                let mut slop = 0;
                if chars.get(i) == Some(&'~') {
                    let tilde = i + 1;
                    i += 1;
                    let start = i;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                    let digits: String = chars[start..i].iter().collect();
                    slop = digits
                        .parse::<u32>()
                        .ok()
                        .filter(|&n| n <= MAX_SLOP)
                        .ok_or_else(|| {
                            err(
                                tilde,
                                format!(
                                    "expected a number from 0 to {MAX_SLOP} after ~, \
                                     e.g. \"due diligence\"~2"
                                ),
                            )
                        })?;
                    if i < chars.len() && !ends_word(chars[i]) {
                        return Err(err(
                            i + 1,
                            "unexpected text after a phrase's ~N; leave a space",
                        ));
                    }
                }
                Lex::Phrase { text, slop }
            }
            '+' | '-' => {
                match chars.get(i + 1) {
                    Some(&next) if !next.is_whitespace() && next != ')' => {}
                    _ => {
                        return Err(err(
                            column,
                            format!("dangling {c}: put it directly before a word, e.g. {c}norms"),
                        ))
                    }
                }
                i += 1;
                if c == '+' {
                    Lex::Plus
                } else {
                    Lex::Minus
                }
            }
            _ => {
                let start = i;
                while i < chars.len() && !ends_word(chars[i]) {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                match word.as_str() {
                    "AND" | "&&" => Lex::And,
                    "OR" | "||" => Lex::Or,
                    "NOT" => Lex::Not,
                    _ => Lex::Word(word),
                }
            }
        };
        out.push(Lexeme { lex, column });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Parsing.

struct Parser {
    lexemes: Vec<Lexeme>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Lexeme> {
        self.lexemes.get(self.pos)
    }

    fn next(&mut self) -> Option<Lexeme> {
        let l = self.lexemes.get(self.pos).cloned();
        self.pos += 1;
        l
    }

    fn enter(&mut self, column: usize) -> Result<(), UserError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err(
                column,
                format!("the query nests deeper than {MAX_DEPTH} levels"),
            ));
        }
        Ok(())
    }

    /// Juxtaposed clauses up to the end, or up to `)` when inside the
    /// parenthesis opened at `open`.
    fn parse_seq(&mut self, open: Option<usize>) -> Result<Node, UserError> {
        let mut items = Vec::new();
        loop {
            match self.peek() {
                None => match open {
                    Some(col) => {
                        return Err(err(col, "unclosed parenthesis: add a closing )"));
                    }
                    None => break,
                },
                Some(Lexeme {
                    lex: Lex::RParen,
                    column,
                }) => match open {
                    Some(_) => break,
                    None => {
                        return Err(err(*column, "unbalanced ): no ( opens it"));
                    }
                },
                Some(_) => items.push(self.parse_and()?),
            }
        }
        match items.len() {
            0 => Err(err(
                open.unwrap_or(1),
                "empty parentheses: put words inside or remove them",
            )),
            1 => Ok(items.remove(0)),
            _ => Ok(Node::Juxtaposed(items)),
        }
    }

    fn parse_and(&mut self) -> Result<Node, UserError> {
        let mut items = vec![self.parse_or()?];
        while let Some(Lexeme {
            lex: Lex::And,
            column,
        }) = self.peek().cloned()
        {
            self.pos += 1;
            self.expect_operand("AND", column)?;
            items.push(self.parse_or()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::And(items)
        })
    }

    fn parse_or(&mut self) -> Result<Node, UserError> {
        let mut items = vec![self.parse_unary()?];
        while let Some(Lexeme {
            lex: Lex::Or,
            column,
        }) = self.peek().cloned()
        {
            self.pos += 1;
            self.expect_operand("OR", column)?;
            items.push(self.parse_unary()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::Or(items)
        })
    }

    fn expect_operand(&self, op: &str, column: usize) -> Result<(), UserError> {
        match self.peek().map(|l| &l.lex) {
            None | Some(Lex::RParen) | Some(Lex::And) | Some(Lex::Or) => Err(err(
                column,
                format!("dangling {op}: nothing follows it to apply to"),
            )),
            _ => Ok(()),
        }
    }

    fn parse_unary(&mut self) -> Result<Node, UserError> {
        let Some(Lexeme { lex, column }) = self.peek().cloned() else {
            return Err(err(1, "unexpected end of query"));
        };
        let wrap: fn(Box<Node>) -> Node = match lex {
            Lex::Not => Node::Not,
            Lex::Minus => Node::Not,
            Lex::Plus => Node::Must,
            _ => return self.parse_primary(),
        };
        self.pos += 1;
        let name = match lex {
            Lex::Not => "NOT",
            Lex::Minus => "-",
            _ => "+",
        };
        self.expect_operand(name, column)?;
        self.enter(column)?;
        let inner = self.parse_unary()?;
        self.depth -= 1;
        Ok(wrap(Box::new(inner)))
    }

    fn parse_primary(&mut self) -> Result<Node, UserError> {
        let Some(Lexeme { lex, column }) = self.next() else {
            return Err(err(1, "unexpected end of query"));
        };
        match lex {
            Lex::LParen => {
                self.enter(column)?;
                let node = self.parse_seq(Some(column))?;
                // parse_seq stops only at `)` when inside parentheses.
                self.pos += 1;
                self.depth -= 1;
                Ok(node)
            }
            Lex::Phrase { text, slop } => Ok(Node::Term(Term {
                kind: TermKind::Phrase { slop },
                text,
                column,
                variants: Vec::new(),
            })),
            Lex::Word(word) => word_node(word, column),
            Lex::And | Lex::Or => {
                let op = if lex == Lex::And { "AND" } else { "OR" };
                Err(err(
                    column,
                    format!("dangling {op}: nothing before it to apply to"),
                ))
            }
            Lex::RParen => Err(err(column, "unbalanced ): no ( opens it")),
            Lex::Not | Lex::Plus | Lex::Minus => Err(err(column, "misplaced operator")),
        }
    }
}

/// Field names users may write, for messages.
const FIELDS: &str = "source, theme, year, kind";

/// A bare word: a filter, a prefix, a fuzzy word or a plain word.
fn word_node(word: String, column: usize) -> Result<Node, UserError> {
    if let Some((name, value)) = word.split_once(':') {
        let lower = name.to_ascii_lowercase();
        let value_column = column + name.chars().count() + 1;
        let filter =
            match lower.as_str() {
                "source" | "theme" | "year" | "kind" if value.is_empty() => {
                    return Err(err(
                        column,
                        format!("{lower}: needs a value, e.g. {}", example(&lower)),
                    ));
                }
                "source" => Some(Filter::Source(value.to_string())),
                "theme" => Some(Filter::Theme(value.to_string())),
                "kind" => Some(Filter::Kind(PassageKind::parse(value).ok_or_else(
                    || {
                        err(
                    value_column,
                    format!("unknown passage kind `{value}`: kinds are body, list-item, footnote"),
                )
                    },
                )?)),
                "year" => Some(parse_years(value, value_column)?),
                // URLs and references such as `http://…` stay text.
                "http" | "https" | "ftp" | "mailto" | "urn" | "doi" => None,
                _ if !lower.is_empty() && lower.bytes().all(|b| b.is_ascii_lowercase()) => {
                    return Err(err(
                        column,
                        format!("unknown field `{name}`: fields are {FIELDS}"),
                    ));
                }
                _ => None,
            };
        if let Some(filter) = filter {
            return Ok(Node::Filter { filter, column });
        }
    }
    if let Some(stem) = word.strip_suffix('*') {
        let letters = stem.chars().filter(|c| c.is_alphanumeric()).count();
        if letters < MIN_PREFIX_CHARS || stem.contains('*') {
            return Err(err(
                column,
                format!("a prefix needs at least {MIN_PREFIX_CHARS} letters before *, e.g. cyber*"),
            ));
        }
        return Ok(term(TermKind::Prefix, stem, column));
    }
    if let Some((stem, distance)) = word.rsplit_once('~') {
        let tilde = column + stem.chars().count();
        if !stem.chars().any(char::is_alphanumeric) {
            return Err(err(column, "~ needs a word before it, e.g. diligence~1"));
        }
        let distance = if distance.is_empty() {
            1
        } else {
            distance
                .parse::<u8>()
                .ok()
                .filter(|&d| d <= MAX_FUZZY)
                .ok_or_else(|| {
                    err(
                        tilde,
                        format!("a fuzzy distance is 0 to {MAX_FUZZY}, e.g. diligence~1"),
                    )
                })?
        };
        return Ok(term(TermKind::Fuzzy { distance }, stem, column));
    }
    Ok(term(TermKind::Word, &word, column))
}

fn term(kind: TermKind, text: &str, column: usize) -> Node {
    Node::Term(Term {
        kind,
        text: text.to_string(),
        column,
        variants: Vec::new(),
    })
}

fn example(field: &str) -> &'static str {
    match field {
        "source" => "source:norway-2017",
        "theme" => "theme:cbm",
        "year" => "year:2011..2016",
        _ => "kind:body",
    }
}

/// Parses a year range as `--year` takes it: `2014`, `2011..2016`,
/// `2011..` or `..2016`; inclusive, `None` for an open end.
pub fn year_range(value: &str) -> Result<(Option<u64>, Option<u64>), String> {
    match parse_years(value, 1) {
        Ok(Filter::Year { from, to }) => Ok((from, to)),
        Ok(_) => Err(format!("`{value}` is not a year range")),
        Err(UserError::Query { message, .. }) => Err(message),
        Err(e) => Err(e.to_string()),
    }
}

fn parse_years(value: &str, column: usize) -> Result<Filter, UserError> {
    let year = |s: &str| -> Result<Option<u64>, UserError> {
        if s.is_empty() {
            return Ok(None);
        }
        match s.parse::<u64>() {
            Ok(y) if (1..=9999).contains(&y) && s.len() == 4 => Ok(Some(y)),
            _ => Err(err(
                column,
                format!("`{s}` is not a year: write year:2014 or year:2011..2016"),
            )),
        }
    };
    let (from, to) = match value.split_once("..") {
        Some((a, b)) => (year(a)?, year(b)?),
        None => {
            let y = year(value)?;
            (y, y)
        }
    };
    if from.is_none() && to.is_none() {
        return Err(err(column, "a year range needs a year, e.g. year:2011.."));
    }
    if let (Some(a), Some(b)) = (from, to) {
        if a > b {
            return Err(err(
                column,
                format!("the range {a}..{b} runs backwards: write {b}..{a}"),
            ));
        }
    }
    Ok(Filter::Year { from, to })
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
        let root = expand_node(&self.root, lexicon, exact)?.ok_or_else(|| {
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

fn collect_filters<'a>(node: &'a Node, out: &mut Vec<&'a Filter>) {
    match node {
        Node::Filter { filter, .. } => out.push(filter),
        Node::Juxtaposed(v) | Node::And(v) | Node::Or(v) => {
            v.iter().for_each(|n| collect_filters(n, out));
        }
        Node::Not(n) | Node::Must(n) => collect_filters(n, out),
        Node::Term(_) => {}
    }
}

fn expand_node(node: &Node, lex: &Lexicon, exact: bool) -> Result<Option<Node>, UserError> {
    let group = |items: &[Node], make: fn(Vec<Node>) -> Node| {
        let mut out = Vec::new();
        for item in items {
            if let Some(n) = expand_node(item, lex, exact)? {
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
        Node::Term(t) => expand_term(t, lex, exact),
        Node::Filter { .. } => Ok(Some(node.clone())),
        Node::Juxtaposed(items) => {
            if exact {
                group(items, Node::Juxtaposed)
            } else {
                group(&long_form_runs(items, lex), Node::Juxtaposed)
            }
        }
        Node::And(items) => group(items, Node::And),
        Node::Or(items) => group(items, Node::Or),
        Node::Not(inner) => Ok(expand_node(inner, lex, exact)?.map(|n| Node::Not(Box::new(n)))),
        Node::Must(inner) => Ok(expand_node(inner, lex, exact)?.map(|n| Node::Must(Box::new(n)))),
    }
}

fn expand_term(t: &Term, lex: &Lexicon, exact: bool) -> Result<Option<Node>, UserError> {
    if !t.variants.is_empty() {
        return Ok(Some(Node::Term(t.clone())));
    }
    let literal = || {
        vec![Variant {
            text: t.text.clone(),
            tokens: lex.analyze_exact(&t.text),
        }]
    };
    let variants = match t.kind {
        TermKind::Word | TermKind::Phrase { .. } if exact => literal(),
        TermKind::Word | TermKind::Phrase { .. } => lex.expansions(&t.text, MAX_VARIANTS),
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

/// Runs of plain words that spell out a long form (`confidence building
/// measures`) become `(the words OR "CBM")`, so a query in long form also
/// finds the acronym; the words stay as they are otherwise.
fn long_form_runs(items: &[Node], lex: &Lexicon) -> Vec<Node> {
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
        out.extend(rewrite_run(run, lex));
        i = j;
    }
    out
}

/// The words joined with single spaces, and where each one lies.
fn join_words(terms: &[Term]) -> (String, Vec<(usize, usize)>) {
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
fn merge_compounds(terms: Vec<Term>, lex: &Lexicon) -> Vec<Term> {
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

fn rewrite_run(run: &[Node], lex: &Lexicon) -> Vec<Node> {
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
    for alt in lex.alternatives(&text) {
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
            .filter_map(|t| expand_term(t, lex, false).ok().flatten())
            .collect();
        let mut either = vec![Node::Juxtaposed(words)];
        either.extend(alt.variants.into_iter().take(MAX_VARIANTS - 1).map(|v| {
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

fn explain_node(node: &Node, depth: usize, out: &mut String) {
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
                if v.tokens.len() == 1 {
                    format!("{} → {}", v.text, v.tokens[0])
                } else {
                    format!("\"{}\" → \"{}\"", v.text, v.tokens.join(" "))
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
                Filter::Year { from, to } => {
                    let y = |v: &Option<u64>| v.map(|y| y.to_string()).unwrap_or_default();
                    writeln!(out, "{pad}filter year = {}..{}", y(from), y(to))
                }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(s: &str) -> Node {
        Query::parse(s)
            .unwrap_or_else(|e| panic!("{s:?}: {e}"))
            .root
    }

    fn word(text: &str, column: usize) -> Node {
        term(TermKind::Word, text, column)
    }

    fn error(s: &str) -> (usize, String) {
        match Query::parse(s) {
            Err(UserError::Query { column, message }) => (column, message),
            Err(e) => panic!("{s:?}: unexpected error {e}"),
            Ok(q) => panic!("{s:?}: accepted as {:?}", q.root),
        }
    }

    #[test]
    fn words_and_phrases() {
        assert_eq!(parse("norms"), word("norms", 1));
        assert_eq!(
            parse("due  diligence"),
            Node::Juxtaposed(vec![word("due", 1), word("diligence", 6)])
        );
        assert_eq!(
            parse("\"due diligence\"~3 x"),
            Node::Juxtaposed(vec![
                term(TermKind::Phrase { slop: 3 }, "due diligence", 1),
                word("x", 19)
            ])
        );
        assert_eq!(
            parse("“critical infrastructure”"),
            term(TermKind::Phrase { slop: 0 }, "critical infrastructure", 1)
        );
        assert_eq!(parse("cyber-security"), word("cyber-security", 1));
    }

    #[test]
    fn operators_and_precedence() {
        assert_eq!(
            parse("a b OR c"),
            Node::Juxtaposed(vec![
                word("a", 1),
                Node::Or(vec![word("b", 3), word("c", 8)])
            ])
        );
        assert_eq!(
            parse("a AND b OR c"),
            Node::And(vec![
                word("a", 1),
                Node::Or(vec![word("b", 7), word("c", 12)])
            ])
        );
        assert_eq!(
            parse("+a -b NOT c"),
            Node::Juxtaposed(vec![
                Node::Must(Box::new(word("a", 2))),
                Node::Not(Box::new(word("b", 5))),
                Node::Not(Box::new(word("c", 11))),
            ])
        );
        assert_eq!(
            parse("(a OR b) AND c"),
            Node::And(vec![
                Node::Or(vec![word("a", 2), word("b", 7)]),
                word("c", 14)
            ])
        );
        // Lower-case operators are words.
        assert_eq!(
            parse("law and order"),
            Node::Juxtaposed(vec![word("law", 1), word("and", 5), word("order", 9)])
        );
    }

    #[test]
    fn fields_prefixes_fuzzy() {
        assert_eq!(
            parse("source:norway-2017"),
            Node::Filter {
                filter: Filter::Source("norway-2017".into()),
                column: 1
            }
        );
        assert_eq!(
            parse("year:2011..2016"),
            Node::Filter {
                filter: Filter::Year {
                    from: Some(2011),
                    to: Some(2016)
                },
                column: 1
            }
        );
        assert_eq!(
            parse("year:2014"),
            Node::Filter {
                filter: Filter::Year {
                    from: Some(2014),
                    to: Some(2014)
                },
                column: 1
            }
        );
        assert_eq!(
            parse("year:..2014"),
            Node::Filter {
                filter: Filter::Year {
                    from: None,
                    to: Some(2014)
                },
                column: 1
            }
        );
        assert_eq!(
            parse("kind:footnote"),
            Node::Filter {
                filter: Filter::Kind(PassageKind::Footnote),
                column: 1
            }
        );
        assert_eq!(
            parse("theme:international-law/sovereignty"),
            Node::Filter {
                filter: Filter::Theme("international-law/sovereignty".into()),
                column: 1
            }
        );
        assert_eq!(parse("cyber*"), term(TermKind::Prefix, "cyber", 1));
        assert_eq!(
            parse("diligence~1"),
            term(TermKind::Fuzzy { distance: 1 }, "diligence", 1)
        );
        assert_eq!(
            parse("diligence~"),
            term(TermKind::Fuzzy { distance: 1 }, "diligence", 1)
        );
        assert_eq!(parse("https://un.org"), word("https://un.org", 1));
    }

    #[test]
    fn syntax_errors_point_at_their_column() {
        assert_eq!(error("").0, 1);
        assert_eq!(error("   ").0, 1);
        let (c, m) = error("norms \"due diligence");
        assert_eq!(c, 7);
        assert!(m.contains("unclosed quote"), "{m}");
        let (c, m) = error("norms AND");
        assert_eq!(c, 7);
        assert!(m.contains("dangling AND"), "{m}");
        let (c, m) = error("OR norms");
        assert_eq!(c, 1);
        assert!(m.contains("dangling OR"), "{m}");
        assert_eq!(error("a AND OR b").0, 3);
        assert_eq!(error("a NOT").0, 3);
        assert_eq!(error("a - b").0, 3);
        assert_eq!(error("a +").0, 3);
        let (c, m) = error("(a OR b");
        assert_eq!(c, 1);
        assert!(m.contains("unclosed parenthesis"), "{m}");
        let (c, m) = error("a OR b)");
        assert_eq!(c, 7);
        assert!(m.contains("unbalanced )"), "{m}");
        assert!(error("a ()").1.contains("empty parentheses"));
        let (c, m) = error("x year:2016..2011");
        assert_eq!(c, 8);
        assert!(m.contains("backwards"), "{m}");
        assert_eq!(error("year:twenty").0, 6);
        assert!(error("kind:table").1.contains("list-item"));
        let (c, m) = error("a titel:norms");
        assert_eq!(c, 3);
        assert!(m.contains("unknown field `titel`"), "{m}");
        assert_eq!(error("x source:").0, 3);
        assert!(error("c*").1.contains("at least 2"));
        assert_eq!(error("norms~5").0, 6);
        assert_eq!(error("\"a b\"~x").0, 6);
        assert_eq!(error(&"(".repeat(40)).0, 33);
    }

    #[test]
    fn year_ranges_as_flags_take_them() {
        assert_eq!(year_range("2011..2016"), Ok((Some(2011), Some(2016))));
        assert_eq!(year_range("2014"), Ok((Some(2014), Some(2014))));
        assert_eq!(year_range("..2016"), Ok((None, Some(2016))));
        assert!(year_range("2016..2011").unwrap_err().contains("backwards"));
        assert!(year_range("soon").is_err());
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert_eq!(error("Rõigas AND").0, 8);
    }

    fn expanded(s: &str) -> Query {
        Query::parse(s)
            .unwrap()
            .expand(&Lexicon::builtin(), false)
            .unwrap()
    }

    fn variants(node: &Node) -> Vec<String> {
        match node {
            Node::Term(t) => t.variants.iter().map(|v| v.text.clone()).collect(),
            other => panic!("not a term: {other:?}"),
        }
    }

    #[test]
    fn acronyms_expand_in_words_and_phrases() {
        let q = expanded("CBMs");
        assert_eq!(
            variants(&q.root),
            vec!["CBMs", "confidence-building measure"]
        );
        let q = expanded("\"GGE report\"");
        assert_eq!(
            variants(&q.root)[..2],
            ["GGE report", "Group of Governmental Experts report"]
        );
    }

    #[test]
    fn long_form_words_gain_their_acronym() {
        let q = expanded("adopt confidence building measures now");
        let Node::Juxtaposed(items) = &q.root else {
            panic!("{:?}", q.root)
        };
        assert_eq!(items.len(), 3);
        let Node::Or(either) = &items[1] else {
            panic!("{:?}", items[1])
        };
        assert!(matches!(&either[0], Node::Juxtaposed(w) if w.len() == 3));
        assert_eq!(variants(&either[1]), vec!["CBM"]);
        assert!(q.explain().contains("CBM → cbm"), "{}", q.explain());
    }

    #[test]
    fn compounds_typed_apart_become_one_word() {
        let q = expanded("national cyber security strategy");
        let Node::Juxtaposed(items) = &q.root else {
            panic!("{:?}", q.root)
        };
        assert_eq!(items.len(), 3);
        let Node::Term(t) = &items[1] else { panic!() };
        assert_eq!(t.text, "cyber security");
        assert_eq!(t.column, 10);
        assert_eq!(
            t.variants[0].tokens,
            Lexicon::builtin().analyze("cybersecurity")
        );
    }

    #[test]
    fn exact_mode_neither_stems_nor_expands() {
        let q = Query::parse("CBMs behaviour")
            .unwrap()
            .expand(&Lexicon::builtin(), true)
            .unwrap();
        let Node::Juxtaposed(items) = &q.root else {
            panic!()
        };
        let Node::Term(t) = &items[0] else { panic!() };
        assert_eq!(t.variants.len(), 1);
        assert_eq!(t.variants[0].tokens, vec!["cbms"]);
        let Node::Term(t) = &items[1] else { panic!() };
        assert_eq!(t.variants[0].tokens, vec!["behaviour"]);
    }

    #[test]
    fn punctuation_words_drop_and_empty_phrases_fail() {
        let q = expanded("norms & rules");
        assert!(matches!(&q.root, Node::Juxtaposed(v) if v.len() == 2));
        let e = Query::parse("\" , \"")
            .unwrap()
            .expand(&Lexicon::builtin(), false)
            .unwrap_err();
        assert!(e.to_string().contains("empty phrase"), "{e}");
        let e = Query::parse("&")
            .unwrap()
            .expand(&Lexicon::builtin(), false)
            .unwrap_err();
        assert!(e.to_string().contains("nothing to search for"), "{e}");
    }

    #[test]
    fn explain_shows_each_clause() {
        let q = expanded("ICTs AND \"due diligence\"~2 -source:usa-2011 cyber*");
        let text = q.explain();
        for needle in [
            "all of:",
            "ICTs → ict",
            "\"information and communication technology\" → \"inform and communic technolog\"",
            "phrase \"due diligence\" → \"due dilig\" within 2 moves",
            "none of:",
            "filter source = usa-2011",
            "prefix cyber",
        ] {
            assert!(text.contains(needle), "{needle:?} missing from\n{text}");
        }
    }

    proptest! {
        #[test]
        fn arbitrary_input_never_panics(s in "\\PC{0,60}") {
            if let Ok(q) = Query::parse(&s) {
                if let Ok(e) = q.expand(&Lexicon::builtin(), false) {
                    let _ = e.explain();
                }
            }
        }

        #[test]
        fn syntax_soup_never_panics(s in "[()\"+\\-~*: a-zA-Z0-9.]{0,40}|((AND|OR|NOT|\\(|\\)|\"|-|\\+|~|\\*|x|year:|source:|\\.\\.|2011| ){0,20})") {
            match Query::parse(&s) {
                Ok(q) => {
                    if let Ok(e) = q.expand(&Lexicon::builtin(), true) {
                        let _ = e.explain();
                    }
                }
                Err(UserError::Query { column, .. }) => {
                    prop_assert!(column >= 1 && column <= s.chars().count().max(1));
                }
                Err(other) => prop_assert!(false, "unexpected error {other}"),
            }
        }
    }
}
