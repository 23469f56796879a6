//! What a front end asks for: a [`SearchRequest`], validated in one place.
//!
//! Input: a request built by the command line, the prompt's session, or
//! deserialised from JSON or a URL query string
//! (`q=norms&source=usa-2011,sweden-2014&theme=cbm&year=2011..2016&limit=20`).
//! Output: a request whose every field holds a value the search accepts.
//! Refused, with a [`UserError::Request`] naming the parameter: a year
//! range outside the one grammar ([`YearRange`]), a page larger than
//! [`MAX_LIMIT`], an unknown passage kind or sort order. Unknown source
//! and theme ids are refused by the search, which knows the index.
//!
//! ```
//! use normsearch::search::{SearchRequest, YearRange};
//! let r = SearchRequest::from_query_string("q=cbm&source=usa-2011,sweden-2014&year=2011..2016")
//!     .unwrap();
//! assert_eq!(r.sources, ["usa-2011", "sweden-2014"]);
//! assert_eq!(r.years, Some("2011..2016".parse::<YearRange>().unwrap()));
//! ```

use serde::{Deserialize, Deserializer, Serialize};

use super::grid::{CompareRequest, GridRequest, GroupBy};
use crate::error::UserError;
use crate::query::YearRange;
use crate::segment::PassageKind;

/// The most hits one page holds, whatever asks: a page is read, cited and
/// highlighted in full, so a server must not be asked for a million.
pub const MAX_LIMIT: usize = 1000;

/// The longest query accepted, in characters: far more than anyone types,
/// far less than what a careless client could send.
pub const MAX_QUERY_CHARS: usize = 10_000;

/// Hits per page when the request does not say.
pub const DEFAULT_LIMIT: usize = 10;

/// How hits are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best match first.
    #[default]
    Relevance,
    /// Newest document first, then reading order.
    Date,
}

/// What to search for.
///
/// Serialises with the names a URL takes (`q`, `source`, `theme`, `year`,
/// …); deserialises from JSON or a query string, where `source` and
/// `theme` may repeat or hold ids joined by commas, and is validated as it
/// is made ([`SearchRequest::validate`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawRequest")]
pub struct SearchRequest {
    /// The query text (see [`crate::query`]).
    #[serde(rename = "q")]
    pub query: String,
    /// Hits per page, at most [`MAX_LIMIT`].
    pub limit: usize,
    /// Hits to skip.
    pub offset: usize,
    /// Keep only these documents (any of them); empty keeps all.
    #[serde(rename = "source")]
    pub sources: Vec<String>,
    /// Keep only passages with any of these themes (a pillar includes its
    /// sub-themes); empty keeps all.
    #[serde(rename = "theme")]
    pub themes: Vec<String>,
    /// Keep only documents from these years; `None` keeps all.
    #[serde(rename = "year")]
    pub years: Option<YearRange>,
    /// Keep only this kind of passage.
    pub kind: Option<PassageKind>,
    /// No stemming, no normalisation, no acronym expansion: words as typed,
    /// case- and accent-folded only.
    pub exact: bool,
    /// Order of hits.
    pub sort: Sort,
    /// Count every matching passage; otherwise `total` may be a lower
    /// bound (see [`super::SearchResults::total_exact`]). A pass over every
    /// match, though one that scores nothing, and one that rules out
    /// skipping the postings that cannot reach the top: dear for several
    /// words on a large index. Counted anyway where it is cheap: one word
    /// (its document frequency), a query whose ranking visits every match,
    /// an index of at most [`super::ALWAYS_COUNTED`] passages.
    pub count: bool,
    /// Count matching passages per source, theme, year and kind
    /// ([`super::SearchResults::facets`]): a pass over every match that
    /// reads their facets.
    pub facets: bool,
    /// Only passages in this language (ISO 639-1), the query read in it;
    /// `None` (`any`) reads the query in every language the index holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

impl SearchRequest {
    /// A request for `query` with the defaults: ten hits by relevance, no
    /// filters, the exact total, no facets.
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            limit: DEFAULT_LIMIT,
            offset: 0,
            sources: Vec::new(),
            themes: Vec::new(),
            years: None,
            kind: None,
            exact: false,
            sort: Sort::Relevance,
            count: true,
            facets: false,
            lang: None,
        }
    }

    /// Checks the request: the one place every front end's request goes
    /// through. Ids given as `a,b` are split, blanks and repeats dropped.
    pub fn validate(mut self) -> Result<SearchRequest, UserError> {
        let length = self.query.chars().count();
        if length > MAX_QUERY_CHARS {
            return Err(UserError::TooLong {
                what: "query",
                length,
                limit: MAX_QUERY_CHARS,
            });
        }
        if self.limit > MAX_LIMIT {
            return Err(UserError::request(
                "limit",
                format!("at most {MAX_LIMIT} hits a page; page with offset for more"),
            ));
        }
        self.sources = split_ids(&self.sources);
        self.themes = split_ids(&self.themes);
        self.lang = language(self.lang.as_deref())?;
        Ok(self)
    }

    /// The request a URL query string describes:
    /// `q=norms&source=usa-2011&source=sweden-2014&year=2011..&kind=footnote&limit=20`.
    /// Parameters it does not know are refused, so a misspelt one is not
    /// silently ignored. Unset, `count` is off, as the command line's
    /// `--count` is: the same URL and the same options give the same
    /// answer.
    pub fn from_query_string(query: &str) -> Result<SearchRequest, UserError> {
        let raw: RawRequest = serde_html_form::from_str(query)
            .map_err(|e| UserError::request("query string", e.to_string()))?;
        raw.into_request()
    }
}

/// `["a,b", "c", "a", ""]` → `["a", "b", "c"]`.
fn split_ids(ids: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in ids.iter().flat_map(|s| s.split(',')).map(str::trim) {
        if !id.is_empty() && !out.iter().any(|o| o == id) {
            out.push(id.to_string());
        }
    }
    out
}

/// A request as it arrives, before validation.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequest {
    #[serde(alias = "query", default)]
    q: String,
    #[serde(default)]
    limit: Option<usize>,
    #[serde(default)]
    offset: Option<usize>,
    #[serde(alias = "sources", default, deserialize_with = "one_or_many")]
    source: Vec<String>,
    #[serde(alias = "themes", default, deserialize_with = "one_or_many")]
    theme: Vec<String>,
    #[serde(alias = "years", default, deserialize_with = "empty_is_none")]
    year: Option<String>,
    #[serde(default, deserialize_with = "empty_is_none")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "flag")]
    exact: Option<bool>,
    #[serde(default)]
    sort: Option<Sort>,
    #[serde(default, deserialize_with = "flag")]
    count: Option<bool>,
    #[serde(default, deserialize_with = "flag")]
    facets: Option<bool>,
    #[serde(alias = "language", default, deserialize_with = "empty_is_none")]
    lang: Option<String>,
}

impl RawRequest {
    fn into_request(self) -> Result<SearchRequest, UserError> {
        let years = years(self.year)?;
        let kind = kind(self.kind)?;
        let defaults = SearchRequest::new(self.q);
        SearchRequest {
            limit: self.limit.unwrap_or(defaults.limit),
            offset: self.offset.unwrap_or(0),
            sources: self.source,
            themes: self.theme,
            years,
            kind,
            exact: self.exact.unwrap_or(false),
            sort: self.sort.unwrap_or_default(),
            // As on the command line: counted where it is cheap, a lower
            // bound otherwise, unless `count=true` asks.
            count: self.count.unwrap_or(false),
            facets: self.facets.unwrap_or(false),
            lang: self.lang,
            ..defaults
        }
        .validate()
    }
}

/// `lang=fr`: an ISO 639-1 code, lower-cased; `any` or nothing for every
/// language.
pub fn language(lang: Option<&str>) -> Result<Option<String>, UserError> {
    let Some(code) = lang.map(str::trim).filter(|l| !l.is_empty()) else {
        return Ok(None);
    };
    let code = code.to_ascii_lowercase();
    if code == "any" {
        return Ok(None);
    }
    if isolang::Language::from_639_1(&code).is_none() {
        return Err(UserError::request(
            "lang",
            format!("`{code}` is not an ISO 639-1 language code: give e.g. en, fr, es, ru, or any"),
        ));
    }
    Ok(Some(code))
}

/// `year=2011..2016`, or none.
fn years(year: Option<String>) -> Result<Option<YearRange>, UserError> {
    year.map(|y| y.parse::<YearRange>()).transpose()
}

/// `kind=footnote`, or none.
fn kind(kind: Option<String>) -> Result<Option<PassageKind>, UserError> {
    match kind {
        Some(k) => Ok(Some(PassageKind::parse(&k).ok_or_else(|| {
            UserError::request(
                "kind",
                format!("unknown passage kind `{k}`: kinds are body, list-item, footnote"),
            )
        })?)),
        None => Ok(None),
    }
}

impl GridRequest {
    /// A grid request from a URL's query string, with the options of
    /// `normsearch grid` by the same names:
    /// `q=sovereignty&by=country&themes=norms/*&source=a,b&year=2011..&kind=body&exact=1`.
    /// Parameters it does not know are refused.
    pub fn from_query_string(query: &str) -> Result<GridRequest, UserError> {
        let raw: RawGrid = serde_html_form::from_str(query)
            .map_err(|e| UserError::request("query string", e.to_string()))?;
        Ok(GridRequest {
            query: raw.q,
            themes: split_ids(&raw.themes),
            by: match raw.by {
                Some(by) => GroupBy::parse(&by)?,
                None => GroupBy::Document,
            },
            sources: split_ids(&raw.source),
            years: years(raw.year)?,
            kind: kind(raw.kind)?,
            exact: raw.exact.unwrap_or(false),
        })
    }
}

impl CompareRequest {
    /// A comparison request from a URL's query string, with the options of
    /// `normsearch compare` by the same names:
    /// `q=attribution&theme=cbm&source=a,b&year=2011..&kind=body&exact=1`.
    /// Parameters it does not know are refused.
    pub fn from_query_string(query: &str) -> Result<CompareRequest, UserError> {
        let raw: RawCompare = serde_html_form::from_str(query)
            .map_err(|e| UserError::request("query string", e.to_string()))?;
        Ok(CompareRequest {
            query: raw.q,
            theme: raw.theme,
            sources: split_ids(&raw.source),
            years: years(raw.year)?,
            kind: kind(raw.kind)?,
            exact: raw.exact.unwrap_or(false),
        })
    }
}

/// A grid request as it arrives, before validation.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrid {
    #[serde(alias = "query", default)]
    q: String,
    #[serde(alias = "theme", default, deserialize_with = "one_or_many")]
    themes: Vec<String>,
    #[serde(default, deserialize_with = "empty_is_none")]
    by: Option<String>,
    #[serde(alias = "sources", default, deserialize_with = "one_or_many")]
    source: Vec<String>,
    #[serde(alias = "years", default, deserialize_with = "empty_is_none")]
    year: Option<String>,
    #[serde(default, deserialize_with = "empty_is_none")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "flag")]
    exact: Option<bool>,
}

/// A comparison request as it arrives, before validation.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCompare {
    #[serde(alias = "query", default)]
    q: String,
    #[serde(default, deserialize_with = "empty_is_none")]
    theme: Option<String>,
    #[serde(alias = "sources", default, deserialize_with = "one_or_many")]
    source: Vec<String>,
    #[serde(alias = "years", default, deserialize_with = "empty_is_none")]
    year: Option<String>,
    #[serde(default, deserialize_with = "empty_is_none")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "flag")]
    exact: Option<bool>,
}

impl TryFrom<RawRequest> for SearchRequest {
    type Error = UserError;

    fn try_from(raw: RawRequest) -> Result<SearchRequest, UserError> {
        raw.into_request()
    }
}

/// A string (ids joined by commas) or a list of them.
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

/// A switch in a URL or JSON: `true`/`false`, `1`/`0`, `yes`/`no`,
/// `on`/`off`; given with no value (`exact=`), it is on, as a flag is.
fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum BoolOrText {
        Bool(bool),
        Text(String),
    }
    match BoolOrText::deserialize(d)? {
        BoolOrText::Bool(b) => Ok(Some(b)),
        BoolOrText::Text(t) => match t.trim().to_ascii_lowercase().as_str() {
            "" | "1" | "true" | "yes" | "on" => Ok(Some(true)),
            "0" | "false" | "no" | "off" => Ok(Some(false)),
            _ => Err(serde::de::Error::custom(format!(
                "`{t}` is not a switch: give true or false (or 1 or 0)"
            ))),
        },
    }
}

/// `year=` with nothing after it is no filter.
fn empty_is_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.filter(|s| !s.trim().is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_and_compare_requests_read_the_command_lines_options() {
        let g = GridRequest::from_query_string(
            "q=norms&by=country&themes=cbm,norms&source=a,b&year=2011..&kind=body&exact=1",
        )
        .unwrap();
        assert_eq!(g.themes, ["cbm", "norms"]);
        assert_eq!(g.by, GroupBy::Country);
        assert_eq!(g.sources, ["a", "b"]);
        assert!(g.exact && g.kind == Some(PassageKind::Body) && g.years.is_some());
        assert_eq!(
            GridRequest::from_query_string("").unwrap(),
            GridRequest::default()
        );
        assert!(GridRequest::from_query_string("by=planet").is_err());
        assert!(GridRequest::from_query_string("colour=red").is_err());
        let c = CompareRequest::from_query_string("theme=cbm&source=a&source=b").unwrap();
        assert_eq!(c.theme.as_deref(), Some("cbm"));
        assert_eq!(c.sources, ["a", "b"]);
        assert!(CompareRequest::from_query_string("by=year").is_err());
        assert!(CompareRequest::from_query_string("kind=poem").is_err());
    }

    #[test]
    fn query_strings_repeat_or_join_ids() {
        let r = SearchRequest::from_query_string(
            "q=confidence+building&source=usa-2011&source=sweden-2014,norway-2017&theme=cbm\
             &year=2011..2016&kind=list-item&exact=true&sort=date&facets=true&limit=20&offset=40",
        )
        .unwrap();
        assert_eq!(r.query, "confidence building");
        assert_eq!(r.sources, ["usa-2011", "sweden-2014", "norway-2017"]);
        assert_eq!(r.themes, ["cbm"]);
        assert_eq!(r.years.unwrap().to_string(), "2011..2016");
        assert_eq!(r.kind, Some(PassageKind::ListItem));
        assert!(r.exact && r.facets && !r.count);
        assert_eq!((r.sort, r.limit, r.offset), (Sort::Date, 20, 40));

        let plain = SearchRequest::from_query_string("q=norms&year=").unwrap();
        assert_eq!(
            plain,
            SearchRequest {
                count: false,
                ..SearchRequest::new("norms")
            }
        );
        let switches =
            SearchRequest::from_query_string("q=x&exact=1&facets=on&count=false").unwrap();
        assert!(switches.exact && switches.facets && !switches.count);
        let bare = SearchRequest::from_query_string("q=x&exact=").unwrap();
        assert!(bare.exact);
        assert!(SearchRequest::from_query_string("q=x&exact=maybe")
            .unwrap_err()
            .to_string()
            .contains("maybe"));
    }

    #[test]
    fn bad_parameters_are_named() {
        let e = |q: &str| SearchRequest::from_query_string(q).unwrap_err().to_string();
        assert!(
            e("q=x&year=2016..2011").starts_with("year: "),
            "{}",
            e("q=x&year=2016..2011")
        );
        assert!(e("q=x&limit=5000").starts_with("limit: at most 1000"));
        assert!(e("q=x&kind=poem").contains("list-item"));
        assert!(e("q=x&colour=red").contains("colour"));
        let long = format!("q={}", "a".repeat(MAX_QUERY_CHARS + 1));
        assert!(matches!(
            SearchRequest::from_query_string(&long),
            Err(UserError::TooLong { .. })
        ));
        assert!(e("q=x&limit=many").contains("limit") || e("q=x&limit=many").contains("invalid"));
    }

    #[test]
    fn json_round_trips_with_url_names() {
        let mut r = SearchRequest::new("norms");
        r.sources = vec!["usa-2011".into()];
        r.years = Some("..2014".parse().unwrap());
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["q"], "norms");
        assert_eq!(json["source"][0], "usa-2011");
        assert_eq!(json["year"], "..2014");
        let back: SearchRequest = serde_json::from_value(json).unwrap();
        assert_eq!(back, r);
        let joined: SearchRequest =
            serde_json::from_str(r#"{"q": "x", "source": "a,b", "theme": ["c"]}"#).unwrap();
        assert_eq!(
            (joined.sources, joined.themes),
            (vec!["a".into(), "b".into()], vec!["c".to_string()])
        );
    }
}
