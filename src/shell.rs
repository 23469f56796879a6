//! The search prompt's language: a line → a query or a `:command`, and the
//! session state the commands change.
//!
//! Input: one line typed at the prompt (or piped in). Output: a
//! [`Line`] to act on, or a [`UserError`] that the prompt prints before
//! carrying on. The [`Session`] holds the filters in force and turns a query
//! into the same [`SearchRequest`] the `search` command builds, so the
//! prompt and the command line answer alike.

use crate::cite::Format;
use crate::error::UserError;
use crate::search::SearchRequest;
use std::path::PathBuf;

/// What a line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// Nothing (a blank line with no results to page through).
    Nothing,
    /// Search for this query.
    Query(String),
    /// The next page of the last results (Enter on a blank line, `:more`).
    More,
    /// Restrict to these documents; empty clears the filter.
    Sources(Vec<String>),
    /// Restrict to these themes; empty clears the filter.
    Themes(Vec<String>),
    /// Restrict to these years; `None` clears the filter.
    Years(Option<(Option<u64>, Option<u64>)>),
    /// Exact matching on or off.
    Exact(bool),
    /// Hits per page.
    Limit(usize),
    /// Hit N of the last results in context.
    Show(usize),
    /// Cite hit N of the last results.
    Cite(usize, Format),
    /// The documents with their metadata and passage counts.
    ListSources,
    /// The taxonomy with passage counts.
    ListThemes,
    /// Write the last results to a file (JSON Lines or CSV by extension).
    Export(PathBuf),
    /// The commands.
    Help,
    /// Leave.
    Quit,
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
        ":exact",
        "on|off",
        "match words exactly as typed (no stemming, spellings or acronyms)",
    ),
    (":limit", "N", "hits per page"),
    (
        ":show",
        "N",
        "hit N in context: the passages around it, its section and footnotes",
    ),
    (
        ":cite",
        "N [plain|chicago|bibtex|json]",
        "a citation for hit N",
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
        "save the last results as JSON Lines (.jsonl/.json) or CSV (.csv)",
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
        UserError::Other(format!("{what}; usage: {cmd} {arg}"))
    };
    let number = |args: &[&str]| -> Result<usize, UserError> {
        match args.first().map(|a| a.parse::<usize>()) {
            Some(Ok(n)) if n > 0 => Ok(n),
            _ => Err(usage("give a hit number from the list, 1 or more")),
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
            [range] => parse_years(range)
                .map(|r| Line::Years(Some(r)))
                .ok_or_else(|| usage("write years as 2011..2016, 2015.. or 2015")),
            _ => Err(usage("write one range of years")),
        },
        "exact" => match args.as_slice() {
            ["on"] => Ok(Line::Exact(true)),
            ["off"] => Ok(Line::Exact(false)),
            _ => Err(usage("say on or off")),
        },
        "limit" => match args.first().map(|a| a.parse::<usize>()) {
            Some(Ok(n)) if (1..=1000).contains(&n) => Ok(Line::Limit(n)),
            _ => Err(usage("give a number from 1 to 1000")),
        },
        "show" => number(&args).map(Line::Show),
        "cite" => {
            let n = number(&args)?;
            let format = match args.get(1).copied() {
                None | Some("plain") => Format::Plain,
                Some("chicago") => Format::Chicago,
                Some("bibtex") => Format::Bibtex,
                Some("json") => Format::Json,
                Some(_) => return Err(usage("the formats are plain, chicago, bibtex and json")),
            };
            Ok(Line::Cite(n, format))
        }
        "export" => match args.as_slice() {
            [file] => Ok(Line::Export(PathBuf::from(file))),
            _ => Err(usage("name one file")),
        },
        "help" | "h" | "?" => Ok(Line::Help),
        "quit" | "q" | "exit" => Ok(Line::Quit),
        _ => Err(UserError::Other(format!(
            ":{name} is not a command; type :help for the list"
        ))),
    }
}

/// Parses `2011..2016`, `2015..`, `..2014` or `2015`.
pub fn parse_years(text: &str) -> Option<(Option<u64>, Option<u64>)> {
    let year = |s: &str| -> Option<Option<u64>> {
        if s.is_empty() {
            Some(None)
        } else {
            s.parse::<u64>()
                .ok()
                .filter(|y| (1000..=9999).contains(y))
                .map(Some)
        }
    };
    match text.split_once("..") {
        Some((a, b)) => {
            let (a, b) = (year(a)?, year(b)?);
            match (a, b) {
                (None, None) => None,
                (Some(x), Some(y)) if x > y => None,
                _ => Some((a, b)),
            }
        }
        None => year(text)?.map(|y| (Some(y), Some(y))),
    }
}

/// The filters and paging in force at the prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// Documents searched; empty is all.
    pub sources: Vec<String>,
    /// Themes searched; empty is all.
    pub themes: Vec<String>,
    /// Years searched.
    pub years: Option<(Option<u64>, Option<u64>)>,
    /// Exact matching.
    pub exact: bool,
    /// Hits per page.
    pub limit: usize,
    /// The last query, and how many of its hits have been shown.
    pub last: Option<(String, usize)>,
}

impl Default for Session {
    fn default() -> Self {
        Session {
            sources: Vec::new(),
            themes: Vec::new(),
            years: None,
            exact: false,
            limit: 10,
            last: None,
        }
    }
}

impl Session {
    /// The request for the first page of `query` under the current filters.
    pub fn request(&self, query: &str) -> SearchRequest {
        let mut r = SearchRequest::new(query);
        r.limit = self.limit;
        r.sources = self.sources.clone();
        r.themes = self.themes.clone();
        r.years = self.years;
        r.exact = self.exact;
        r
    }

    /// The request for the next page of the last query, if there is one.
    pub fn next_page(&self) -> Option<SearchRequest> {
        let (query, shown) = self.last.as_ref()?;
        let mut r = self.request(query);
        r.offset = *shown;
        Some(r)
    }

    /// The prompt, showing the filters in force: `normsearch [source:usa-2011 year:2011..] > `.
    pub fn prompt(&self) -> String {
        let mut parts = Vec::new();
        if !self.sources.is_empty() {
            parts.push(format!("source:{}", self.sources.join(",")));
        }
        if !self.themes.is_empty() {
            parts.push(format!("theme:{}", self.themes.join(",")));
        }
        if let Some((a, b)) = self.years {
            let y = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
            parts.push(format!("year:{}..{}", y(a), y(b)));
        }
        if self.exact {
            parts.push("exact".to_string());
        }
        if self.limit != 10 {
            parts.push(format!("limit:{}", self.limit));
        }
        if parts.is_empty() {
            "normsearch> ".to_string()
        } else {
            format!("normsearch [{}]> ", parts.join(" "))
        }
    }
}

/// Where the prompt keeps its history: `$XDG_DATA_HOME/normsearch/history`,
/// else `~/.local/share/normsearch/history`; `None` when neither is set.
pub fn history_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".local/share"))
        })?;
    Some(base.join("normsearch").join("history"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_and_commands() {
        assert_eq!(
            parse("norms of behavior").unwrap(),
            Line::Query("norms of behavior".into())
        );
        assert_eq!(parse("   ").unwrap(), Line::More);
        assert_eq!(parse(":more").unwrap(), Line::More);
        assert_eq!(
            parse(":source usa-2011 sweden-2014").unwrap(),
            Line::Sources(vec!["usa-2011".into(), "sweden-2014".into()])
        );
        assert_eq!(parse(":source all").unwrap(), Line::Sources(vec![]));
        assert_eq!(
            parse(":theme cbm,norms/c").unwrap(),
            Line::Themes(vec!["cbm".into(), "norms/c".into()])
        );
        assert_eq!(
            parse(":year 2011..2016").unwrap(),
            Line::Years(Some((Some(2011), Some(2016))))
        );
        assert_eq!(parse(":year all").unwrap(), Line::Years(None));
        assert_eq!(parse(":exact on").unwrap(), Line::Exact(true));
        assert_eq!(parse(":limit 5").unwrap(), Line::Limit(5));
        assert_eq!(parse(":show 3").unwrap(), Line::Show(3));
        assert_eq!(
            parse(":cite 2 bibtex").unwrap(),
            Line::Cite(2, Format::Bibtex)
        );
        assert_eq!(parse(":cite 2").unwrap(), Line::Cite(2, Format::Plain));
        assert_eq!(parse(":sources").unwrap(), Line::ListSources);
        assert_eq!(parse(":themes").unwrap(), Line::ListThemes);
        assert_eq!(
            parse(":export hits.csv").unwrap(),
            Line::Export("hits.csv".into())
        );
        assert_eq!(parse(":help").unwrap(), Line::Help);
        assert_eq!(parse(":quit").unwrap(), Line::Quit);
    }

    #[test]
    fn bad_commands_say_how_to_use_them() {
        let msg = |l: &str| parse(l).unwrap_err().to_string();
        assert!(msg(":show").contains("usage: :show N"));
        assert!(msg(":show 0").contains("1 or more"));
        assert!(msg(":cite 1 apa").contains("plain, chicago, bibtex and json"));
        assert!(msg(":year 2016..2011").contains("2011..2016"));
        assert!(msg(":exact maybe").contains("on or off"));
        assert!(msg(":frobnicate").contains(":help"));
        assert!(msg(":limit 0").contains("1 to 1000"));
    }

    #[test]
    fn years() {
        assert_eq!(parse_years("2015"), Some((Some(2015), Some(2015))));
        assert_eq!(parse_years("2015.."), Some((Some(2015), None)));
        assert_eq!(parse_years("..2014"), Some((None, Some(2014))));
        assert_eq!(parse_years(".."), None);
        assert_eq!(parse_years("15"), None);
    }

    #[test]
    fn session_builds_requests_and_prompt() {
        let mut s = Session::default();
        assert_eq!(s.prompt(), "normsearch> ");
        s.sources = vec!["usa-2011".into()];
        s.years = Some((Some(2011), None));
        s.exact = true;
        assert_eq!(
            s.prompt(),
            "normsearch [source:usa-2011 year:2011.. exact]> "
        );
        let r = s.request("norms");
        assert_eq!(
            (r.sources.clone(), r.years, r.exact, r.offset),
            (
                vec!["usa-2011".to_string()],
                Some((Some(2011), None)),
                true,
                0
            )
        );
        assert!(s.next_page().is_none());
        s.last = Some(("norms".into(), 10));
        assert_eq!(s.next_page().unwrap().offset, 10);
    }
}
