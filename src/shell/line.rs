//! The prompt's line grammar: a query, or a `:command` with its arguments;
//! the commands' usage and help.

use std::io;
use std::path::PathBuf;

use termcolor::WriteColor;

use crate::cite::Format;
use crate::error::UserError;
use crate::search::{GroupBy, YearRange, MAX_LIMIT};

/// What a line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// Search for this query.
    Query(String),
    /// The next page of the last results (Enter on a blank line, `:more`).
    More,
    /// Restrict to these documents; empty clears the filter.
    Sources(Vec<String>),
    /// Restrict to these themes; empty clears the filter.
    Themes(Vec<String>),
    /// Restrict to these years; `None` clears the filter.
    Years(Option<YearRange>),
    /// Exact matching on or off.
    Exact(bool),
    /// Restrict to passages in this language (ISO 639-1), the query read
    /// in it; `None` (`any`) reads it in every language.
    Lang(Option<String>),
    /// Hits per page.
    Limit(usize),
    /// A hit of the last results, or any passage, in context.
    Show(Target),
    /// Cite a hit of the last results, or any passage.
    Cite(Target, Format),
    /// The lineage of a passage's wording.
    Trace(Target),
    /// The passages most like one.
    Similar(Target),
    /// The documents with their metadata and passage counts.
    ListSources,
    /// The taxonomy with passage counts.
    ListThemes,
    /// Write the last results to a file (JSON Lines or CSV by extension).
    Export(PathBuf),
    /// The document × theme grid under the session's filters.
    Grid {
        /// What the rows are.
        by: GroupBy,
        /// The columns asked for (`themes:a,b`); empty: the session's
        /// themes, else the pillars.
        themes: Vec<String>,
        /// Only passages matching this query; blank for all.
        query: String,
    },
    /// Each document's best passage for a query or a theme.
    Compare {
        /// The theme compared on (`theme:ID` alone); else the session's.
        theme: Option<String>,
        /// The query; blank to compare on the theme.
        query: String,
    },
    /// The commands.
    Help,
    /// Leave.
    Quit,
}

/// The passage a command names: a hit of the last results, or an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Hit N of the last results.
    Hit(usize),
    /// A passage id (`usa-2011:45`) or anchor.
    Passage(String),
}

/// The commands, for completion and help: name, arguments, what it does.
pub const COMMANDS: &[(&str, &str, &str)] = &[
    (
        ":more",
        "",
        "the next page of results (or just press Enter)",
    ),
    (":source", "ID…|all", "search only these documents"),
    (
        ":theme",
        "ID…|all",
        "search only passages with these themes",
    ),
    (
        ":year",
        "A..B|all",
        "search only documents dated in these years",
    ),
    (
        ":lang",
        "CODE|any",
        "search only passages in this language (en, fr, es, ru…), the query read in it",
    ),
    (
        ":exact",
        "on|off",
        "match words exactly as typed (no stemming, spellings or acronyms)",
    ),
    (":limit", "N", "hits per page"),
    (
        ":show",
        "N|DOC:N",
        "hit N (or a passage id or anchor) in context: the passages around it, its section and footnotes",
    ),
    (
        ":cite",
        "N|DOC:N [plain|chicago|bibtex|json]",
        "a citation for hit N (or a passage id or anchor)",
    ),
    (
        ":trace",
        "N|ID",
        "where else this wording appears, earliest first, with word diffs",
    ),
    (
        ":similar",
        "N|ID",
        "the passages most like hit N (or passage ID): shared wording, then rare terms",
    ),
    (
        ":sources",
        "",
        "the documents, with metadata and passage counts",
    ),
    (":themes", "", "the themes, with passage counts"),
    (
        ":export",
        "FILE",
        "save every hit of the last query as JSON Lines (.jsonl) or CSV (.csv)",
    ),
    (
        ":grid",
        "[by:WHAT] [themes:IDS] [QUERY]",
        "documents × themes: passages per cell (rows by document, issuer, country, year or kind)",
    ),
    (
        ":compare",
        "QUERY|theme:ID",
        "each document's best passage for a query or a theme, oldest first",
    ),
    (":help", "", "this list"),
    (":quit", "", "leave (or Ctrl-D)"),
];

/// Parses one line typed at the prompt.
pub fn parse(line: &str) -> Result<Line, UserError> {
    let line = line.trim();
    if line.is_empty() {
        return Ok(Line::More);
    }
    let Some(rest) = line.strip_prefix(':') else {
        return Ok(Line::Query(line.to_string()));
    };
    let mut words = rest.split_whitespace();
    let name = words.next().unwrap_or("");
    let args: Vec<&str> = words.collect();
    let usage = |what: &str| {
        let (cmd, arg, _) = COMMANDS
            .iter()
            .find(|(c, _, _)| &c[1..] == name)
            .copied()
            .unwrap_or((":?", "", ""));
        UserError::Command {
            problem: what.to_string(),
            usage: Some(format!("{cmd} {arg}").trim_end().to_string()),
        }
    };
    // A hit number of the last list, or a passage id or anchor as
    // `normsearch show` and `cite` take it.
    let number = |args: &[&str]| -> Result<Target, UserError> {
        match args.first() {
            Some(a) => match a.parse::<usize>() {
                Ok(n) if n > 0 => Ok(Target::Hit(n)),
                Ok(_) => Err(usage(
                    "give a hit number from the list, 1 or more, or a passage id",
                )),
                Err(_) if !a.starts_with('-') => Ok(Target::Passage(a.to_string())),
                Err(_) => Err(usage(
                    "give a hit number from the list, 1 or more, or a passage id",
                )),
            },
            None => Err(usage(
                "give a hit number from the list, 1 or more, or a passage id",
            )),
        }
    };
    let ids = |args: &[&str]| -> Vec<String> {
        if args == ["all"] {
            Vec::new()
        } else {
            args.iter()
                .flat_map(|a| a.split(','))
                .filter(|a| !a.is_empty())
                .map(str::to_string)
                .collect()
        }
    };
    match name {
        "more" | "m" | "next" => Ok(Line::More),
        "source" | "sources" if !args.is_empty() => Ok(Line::Sources(ids(&args))),
        "sources" => Ok(Line::ListSources),
        "theme" | "themes" if !args.is_empty() => Ok(Line::Themes(ids(&args))),
        "themes" => Ok(Line::ListThemes),
        "source" | "theme" => Err(usage("name at least one id, or all")),
        "year" | "years" => match args.as_slice() {
            ["all"] => Ok(Line::Years(None)),
            [range] => YearRange::parse(range)
                .map(|r| Line::Years(Some(r)))
                .map_err(|m| usage(&m)),
            _ => Err(usage("write one range of years")),
        },
        "lang" | "language" => match args.as_slice() {
            [code] => crate::search::request_language(Some(code))
                .map(Line::Lang)
                .map_err(|e| usage(&e.to_string())),
            _ => Err(usage("give one language code (en, fr, es, ru…) or any")),
        },
        "exact" => match args.as_slice() {
            ["on"] => Ok(Line::Exact(true)),
            ["off"] => Ok(Line::Exact(false)),
            _ => Err(usage("say on or off")),
        },
        "limit" => match args.first().map(|a| a.parse::<usize>()) {
            Some(Ok(n)) if (1..=MAX_LIMIT).contains(&n) => Ok(Line::Limit(n)),
            _ => Err(usage(&format!("give a number from 1 to {MAX_LIMIT}"))),
        },
        "show" => number(&args).map(Line::Show),
        "trace" | "similar" => {
            if args.len() > 1 {
                return Err(usage("give one hit number or one passage id"));
            }
            let target = number(&args)?;
            Ok(if name == "trace" {
                Line::Trace(target)
            } else {
                Line::Similar(target)
            })
        }
        "cite" => {
            let n = number(&args)?;
            let format = match args.get(1) {
                None => Format::Plain,
                Some(name) => name
                    .parse()
                    .map_err(|_| usage("the formats are plain, chicago, bibtex and json"))?,
            };
            Ok(Line::Cite(n, format))
        }
        "export" => match args.as_slice() {
            [file] => Ok(Line::Export(PathBuf::from(file))),
            _ => Err(usage("name one file")),
        },
        "grid" => {
            let mut by = GroupBy::Document;
            let mut themes = Vec::new();
            let mut query = Vec::new();
            for a in &args {
                if let Some(w) = a.strip_prefix("by:") {
                    by = GroupBy::parse(w).map_err(|e| usage(&e.to_string()))?;
                } else if let Some(t) = a.strip_prefix("themes:") {
                    themes.extend(ids(&[t]));
                } else {
                    query.push(*a);
                }
            }
            Ok(Line::Grid {
                by,
                themes,
                query: query.join(" "),
            })
        }
        "compare" => match args.as_slice() {
            [one] if one.starts_with("theme:") => Ok(Line::Compare {
                theme: Some(one["theme:".len()..].to_string()),
                query: String::new(),
            }),
            _ => Ok(Line::Compare {
                theme: None,
                query: args.join(" "),
            }),
        },
        "help" | "h" | "?" => Ok(Line::Help),
        "quit" | "q" | "exit" => Ok(Line::Quit),
        _ => Err(UserError::Command {
            problem: format!(":{name} is not a command"),
            usage: None,
        }),
    }
}

/// The commands and a reminder of the query syntax.
pub(super) fn help(out: &mut impl WriteColor) -> io::Result<()> {
    writeln!(
        out,
        "A line is a query, as `normsearch search` takes it: words, \"phrases\", \"phrase\"~N,\n\
         +must -not, AND/OR/NOT, ( ), source:ID theme:ID year:A..B kind:footnote, prefix*, fuzzy~1.\n\
         Commands:"
    )?;
    let width = COMMANDS
        .iter()
        .map(|(c, a, _)| c.chars().count() + 1 + a.chars().count())
        .max()
        .unwrap_or(0);
    for (cmd, args, what) in COMMANDS {
        let usage = if args.is_empty() {
            (*cmd).to_string()
        } else {
            format!("{cmd} {args}")
        };
        let pad = width - usage.chars().count();
        writeln!(out, "  {usage}{:pad$}  {what}", "")?;
    }
    writeln!(
        out,
        "Tab completes commands, ids and file names; Ctrl-C drops the line; Ctrl-D leaves."
    )
}
