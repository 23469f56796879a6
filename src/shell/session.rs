//! The session: the filters and page size in force at the prompt, and the
//! last query's hits that `:more`, `:show`, `:cite` and `:export` refer to.

use crate::error::UserError;
use crate::search::{CompareRequest, GridRequest, GroupBy, Hit, SearchRequest, YearRange};

/// The filters and paging in force at the prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// Documents searched; empty is all.
    pub sources: Vec<String>,
    /// Themes searched; empty is all.
    pub themes: Vec<String>,
    /// Years searched.
    pub years: Option<YearRange>,
    /// Exact matching.
    pub exact: bool,
    /// The language searched (ISO 639-1); `None` is every language.
    pub lang: Option<String>,
    /// Hits per page.
    pub limit: usize,
    /// The last query's results, as far as they have been shown.
    pub last: Option<Last>,
}

/// The last query and the hits shown of it so far, which `:more`, `:show`,
/// `:cite` and `:export` refer to.
#[derive(Debug, Clone, PartialEq)]
pub struct Last {
    /// The request as first made: the filters in force when the query was
    /// typed, so that `:more` continues the same list after a filter change.
    pub request: SearchRequest,
    /// How many passages match in all.
    pub total: usize,
    /// The hits shown, pages joined; hit N is `hits[N - 1]`.
    pub hits: Vec<Hit>,
}

impl Default for Session {
    fn default() -> Self {
        Session {
            sources: Vec::new(),
            themes: Vec::new(),
            years: None,
            exact: false,
            lang: None,
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
        r.lang = self.lang.clone();
        r
    }

    /// The grid of `query` (blank: every passage) under the session's
    /// sources, years and exactness; its columns are `themes`, else the
    /// session's themes, else the pillars.
    pub fn grid_request(&self, by: GroupBy, themes: Vec<String>, query: &str) -> GridRequest {
        GridRequest {
            query: query.trim().to_string(),
            themes: if themes.is_empty() {
                self.themes.clone()
            } else {
                themes
            },
            by,
            sources: self.sources.clone(),
            years: self.years,
            kind: None,
            exact: self.exact,
        }
    }

    /// The comparison of `query` under the session's filters, on `theme`
    /// or the session's one theme.
    pub fn compare_request(
        &self,
        theme: Option<String>,
        query: &str,
    ) -> Result<CompareRequest, UserError> {
        let theme = match (theme, self.themes.as_slice()) {
            (Some(t), _) => Some(t),
            (None, []) => None,
            (None, [one]) => Some(one.clone()),
            (None, _) => {
                return Err(UserError::Command {
                    problem: "compare on one theme: set one with :theme ID, or write theme:ID"
                        .into(),
                    usage: Some(":compare QUERY|theme:ID".into()),
                })
            }
        };
        Ok(CompareRequest {
            query: query.trim().to_string(),
            theme,
            sources: self.sources.clone(),
            years: self.years,
            kind: None,
            exact: self.exact,
        })
    }

    /// The request for the next page of the last query (with the page size
    /// now in force), if there is a last query with hits not yet shown.
    pub fn next_page(&self) -> Option<SearchRequest> {
        let last = self.last.as_ref()?;
        if last.hits.len() >= last.total {
            return None;
        }
        let mut r = last.request.clone();
        r.offset = last.hits.len();
        r.limit = self.limit;
        Some(r)
    }

    /// The filters in force, as the prompt shows them: `source:usa-2011`,
    /// `theme:cbm`, `year:2011..`, `exact`, `limit:5`.
    pub fn filters(&self) -> Vec<String> {
        let mut parts = Vec::new();
        if !self.sources.is_empty() {
            parts.push(format!("source:{}", self.sources.join(",")));
        }
        if !self.themes.is_empty() {
            parts.push(format!("theme:{}", self.themes.join(",")));
        }
        if let Some(years) = self.years {
            parts.push(format!("year:{years}"));
        }
        if let Some(lang) = &self.lang {
            parts.push(format!("lang:{lang}"));
        }
        if self.exact {
            parts.push("exact".to_string());
        }
        if self.limit != 10 {
            parts.push(format!("limit:{}", self.limit));
        }
        parts
    }

    /// The prompt, showing the filters in force: `normsearch [source:usa-2011 year:2011..]> `.
    pub fn prompt(&self) -> String {
        let parts = self.filters();
        if parts.is_empty() {
            "normsearch> ".to_string()
        } else {
            format!("normsearch [{}]> ", parts.join(" "))
        }
    }
}
