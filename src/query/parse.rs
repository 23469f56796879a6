//! The query language's lexer and parser: one line of text → the tree
//! ([`Node`]), each leaf remembering its column.

use super::{
    err, Filter, Node, Term, TermKind, YearRange, MAX_DEPTH, MAX_FUZZY, MAX_SLOP, MIN_PREFIX_CHARS,
};
use crate::error::UserError;
use crate::segment::PassageKind;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Lex {
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
pub(super) struct Lexeme {
    pub(super) lex: Lex,
    pub(super) column: usize,
}

pub(super) fn is_quote(c: char) -> bool {
    matches!(c, '"' | '\u{201C}' | '\u{201D}')
}

pub(super) fn ends_word(c: char) -> bool {
    c.is_whitespace() || c == '(' || c == ')' || is_quote(c)
}

pub(super) fn lex(input: &str) -> Result<Vec<Lexeme>, UserError> {
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

pub(super) struct Parser {
    pub(super) lexemes: Vec<Lexeme>,
    pub(super) pos: usize,
    pub(super) depth: usize,
}

impl Parser {
    pub(super) fn peek(&self) -> Option<&Lexeme> {
        self.lexemes.get(self.pos)
    }

    pub(super) fn next(&mut self) -> Option<Lexeme> {
        let l = self.lexemes.get(self.pos).cloned();
        self.pos += 1;
        l
    }

    pub(super) fn enter(&mut self, column: usize) -> Result<(), UserError> {
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
    pub(super) fn parse_seq(&mut self, open: Option<usize>) -> Result<Node, UserError> {
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

    pub(super) fn parse_and(&mut self) -> Result<Node, UserError> {
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

    pub(super) fn parse_or(&mut self) -> Result<Node, UserError> {
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

    pub(super) fn expect_operand(&self, op: &str, column: usize) -> Result<(), UserError> {
        match self.peek().map(|l| &l.lex) {
            None | Some(Lex::RParen) | Some(Lex::And) | Some(Lex::Or) => Err(err(
                column,
                format!("dangling {op}: nothing follows it to apply to"),
            )),
            _ => Ok(()),
        }
    }

    pub(super) fn parse_unary(&mut self) -> Result<Node, UserError> {
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

    pub(super) fn parse_primary(&mut self) -> Result<Node, UserError> {
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
pub(super) const FIELDS: &str = "source, theme, year, kind";

/// A bare word: a filter, a prefix, a fuzzy word or a plain word.
pub(super) fn word_node(word: String, column: usize) -> Result<Node, UserError> {
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

pub(super) fn term(kind: TermKind, text: &str, column: usize) -> Node {
    Node::Term(Term {
        kind,
        text: text.to_string(),
        column,
        variants: Vec::new(),
    })
}

pub(super) fn example(field: &str) -> &'static str {
    match field {
        "source" => "source:norway-2017",
        "theme" => "theme:cbm",
        "year" => "year:2011..2016",
        _ => "kind:body",
    }
}

/// A `year:` filter's value, in the one year-range grammar
/// ([`YearRange`]); an error points at the value's column.
pub(super) fn parse_years(value: &str, column: usize) -> Result<Filter, UserError> {
    YearRange::parse(value)
        .map(Filter::Year)
        .map_err(|message| err(column, message))
}
