//! The JSON API: each endpoint reads its parameters, asks the [`Engine`]
//! and answers with the record the command line prints for the same
//! question.
//!
//! | request | answer (the record of) |
//! |---|---|
//! | `GET /api/search?q=&source=&theme=&year=&kind=&lang=&exact=&sort=&limit=&offset=&facets=&count=` | `search --json` ([`SearchResults`]) |
//! | `GET /api/passages/{id}?context=N` | `show ID --json` ([`PassageContext`]) |
//! | `GET /api/cite/{id}?format=plain\|chicago\|bibtex\|json` | `cite ID --format F` (text, or the JSON object) |
//! | `GET /api/sources` | the documents with their metadata and passage counts ([`DocumentMeta`]) |
//! | `GET /api/themes` | `themes --json`, as one array ([`ThemeCount`]) |
//! | `GET /api/grid?q=&by=&themes=&source=&year=&kind=&exact=` | `grid --json` ([`Grid`]) |
//! | `GET /api/compare?q=&theme=&source=&year=&kind=&exact=` | `compare --json` ([`Comparison`]) |
//! | `GET /api/trace/{id}?min-words=N` | `trace ID --json` ([`Lineage`]) |
//! | `GET /api/trace?text=&min-words=N` | `trace "TEXT" --json` ([`Lineage`]) |
//! | `GET /api/similar/{id}?limit=N&min-words=N` | `similar ID --json` ([`Similar`]) |
//! | `GET /api/reuse?min-words=N&min-documents=N` | `reuse --json`, as one array ([`Cluster`]) |
//! | `GET /healthz` | `{"status": "ready"\|"building"\|"unavailable", …}` |
//!
//! Parameters are those of the command line's options, by the same names
//! (`source` and `theme` repeat or take ids joined by commas; `exact`,
//! `facets` and `count` take `true`/`false` or `1`/`0`); one the endpoint
//! does not know is refused (400), so a misspelt filter is never silently
//! dropped. Errors are those of [`super::reply`].
//!
//! [`SearchResults`]: crate::search::SearchResults
//! [`PassageContext`]: crate::engine::PassageContext
//! [`DocumentMeta`]: crate::index::DocumentMeta
//! [`ThemeCount`]: crate::engine::ThemeCount
//! [`Grid`]: crate::search::Grid
//! [`Comparison`]: crate::search::Comparison
//! [`Lineage`]: crate::lineage::Lineage
//! [`Similar`]: crate::lineage::Similar
//! [`Cluster`]: crate::reuse::Cluster

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::reply::{json_response, ApiError};
use super::AppState;
use crate::cite::Format;
use crate::engine::Engine;
use crate::error::UserError;
use crate::reuse::{ReuseOptions, DEFAULT_MIN_WORDS};
use crate::search::{CompareRequest, GridRequest, SearchRequest, MAX_LIMIT, MAX_QUERY_CHARS};

/// The most neighbours a passage page asks for on each side.
pub const MAX_CONTEXT: u32 = 20;
/// Passages `/api/similar` gives when not told, as `similar` does.
pub const DEFAULT_SIMILAR: usize = 10;

/// Asks the engine on a blocking thread (a search is CPU work that must
/// not stall the runtime's workers) and answers with its record as JSON,
/// or with the error.
pub async fn answer<T, F>(state: Arc<AppState>, ask: F) -> Response
where
    T: Serialize + Send + 'static,
    F: FnOnce(&Engine) -> Result<T, ApiError> + Send + 'static,
{
    match ask_engine(state, ask).await {
        Ok(record) => json_response(StatusCode::OK, &record),
        Err(err) => err.into_response(),
    }
}

async fn ask_engine<T, F>(state: Arc<AppState>, ask: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Engine) -> Result<T, ApiError> + Send + 'static,
{
    let engine = state.engine()?;
    tokio::task::spawn_blocking(move || ask(&engine))
        .await
        .unwrap_or_else(|e| {
            Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                format!("the request failed inside the server: {e}; this is a defect of normsearch, please report it with the request"),
            ))
        })
}

/// The parameters of a query string, refusing any the endpoint does not know.
fn params<T: for<'de> Deserialize<'de>>(query: Option<&str>) -> Result<T, ApiError> {
    serde_html_form::from_str(query.unwrap_or(""))
        .map_err(|e| ApiError::from(&UserError::request("query string", e.to_string())))
}

/// `GET /api/search`: the `search --json` document.
pub async fn search(State(state): State<Arc<AppState>>, RawQuery(query): RawQuery) -> Response {
    let request = match SearchRequest::from_query_string(query.as_deref().unwrap_or("")) {
        Ok(r) => r,
        Err(e) => return ApiError::from(&e).into_response(),
    };
    answer(state, move |engine| Ok(engine.search(&request)?)).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PassageParams {
    #[serde(default)]
    context: Option<u32>,
}

/// `GET /api/passages/{id}`: the passage in context, as `show ID --json`.
pub async fn passage(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let around = match params::<PassageParams>(query.as_deref()) {
        Ok(p) => p.context.unwrap_or(1),
        Err(e) => return e.into_response(),
    };
    if around > MAX_CONTEXT {
        return ApiError::from(&UserError::request(
            "context",
            format!("at most {MAX_CONTEXT} passages on each side"),
        ))
        .into_response();
    }
    answer(state, move |engine| Ok(engine.context(&id, around)?)).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CiteParams {
    #[serde(default)]
    format: Option<String>,
}

/// `GET /api/cite/{id}?format=F`: the citation as `cite` writes it — text
/// for plain, chicago and bibtex, the JSON object for json.
pub async fn cite(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let format = match params::<CiteParams>(query.as_deref()).and_then(|p| {
        match p.format.as_deref().filter(|f| !f.is_empty()) {
            None => Ok(Format::Plain),
            Some(f) => f
                .parse::<Format>()
                .map_err(|e| ApiError::from(&UserError::request("format", e.to_string()))),
        }
    }) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let text = ask_engine(state, move |engine| {
        Ok(engine.citation(&id)?.render(format))
    })
    .await;
    match text {
        Ok(text) => {
            let ctype = match format {
                Format::Json => "application/json; charset=utf-8",
                _ => "text/plain; charset=utf-8",
            };
            let mut res = Response::new(Body::from(text));
            res.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
            res
        }
        Err(e) => e.into_response(),
    }
}

/// `GET /api/sources`: every document, in manifest order.
pub async fn sources(State(state): State<Arc<AppState>>, RawQuery(query): RawQuery) -> Response {
    if let Err(e) = params::<NoParams>(query.as_deref()) {
        return e.into_response();
    }
    answer(state, |engine| Ok(engine.documents()?)).await
}

/// `GET /api/themes`: every theme with its passage counts, in all and per
/// document.
pub async fn themes(State(state): State<Arc<AppState>>, RawQuery(query): RawQuery) -> Response {
    if let Err(e) = params::<NoParams>(query.as_deref()) {
        return e.into_response();
    }
    answer(state, |engine| Ok(engine.theme_counts()?)).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoParams {}

/// `GET /api/grid`: the `grid --json` document.
pub async fn grid(State(state): State<Arc<AppState>>, RawQuery(query): RawQuery) -> Response {
    let request = match GridRequest::from_query_string(query.as_deref().unwrap_or("")) {
        Ok(r) => r,
        Err(e) => return ApiError::from(&e).into_response(),
    };
    answer(state, move |engine| Ok(engine.grid(&request)?)).await
}

/// `GET /api/compare`: the `compare --json` document.
pub async fn compare(State(state): State<Arc<AppState>>, RawQuery(query): RawQuery) -> Response {
    let request = match CompareRequest::from_query_string(query.as_deref().unwrap_or("")) {
        Ok(r) => r,
        Err(e) => return ApiError::from(&e).into_response(),
    };
    answer(state, move |engine| Ok(engine.compare(&request)?)).await
}

/// The options of `trace`, `similar` and `reuse`, by the command line's
/// names (`min-words`, also `min_words`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReuseParams {
    /// `trace?text=`: the formulation to trace.
    #[serde(default)]
    text: Option<String>,
    #[serde(rename = "min-words", alias = "min_words", default)]
    min_words: Option<usize>,
    /// `similar`: most passages.
    #[serde(default)]
    limit: Option<usize>,
    /// `reuse`: least documents a cluster spans.
    #[serde(rename = "min-documents", alias = "min_documents", default)]
    min_documents: Option<usize>,
}

impl ReuseParams {
    /// The parameters, refusing those `allowed` does not name.
    fn read(query: Option<&str>, allowed: &[&str]) -> Result<ReuseParams, ApiError> {
        let p: ReuseParams = params(query)?;
        let given = [
            ("text", p.text.is_some()),
            ("min-words", p.min_words.is_some()),
            ("limit", p.limit.is_some()),
            ("min-documents", p.min_documents.is_some()),
        ];
        if let Some((name, _)) = given.iter().find(|(n, set)| *set && !allowed.contains(n)) {
            return Err(ApiError::from(&UserError::request(
                "query string",
                format!(
                    "unknown parameter `{name}`: this endpoint takes {}",
                    allowed.join(", ")
                ),
            )));
        }
        Ok(p)
    }

    fn options(&self) -> ReuseOptions {
        ReuseOptions {
            min_words: self.min_words.unwrap_or(DEFAULT_MIN_WORDS),
            ..ReuseOptions::default()
        }
    }
}

/// `GET /api/trace/{id}`: the lineage of a passage, as `trace ID --json`.
pub async fn trace(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let options = match ReuseParams::read(query.as_deref(), &["min-words"]) {
        Ok(p) => p.options(),
        Err(e) => return e.into_response(),
    };
    answer(state, move |engine| Ok(engine.trace(&id, &options)?)).await
}

/// `GET /api/trace?text=…`: the lineage of a text, as `trace "TEXT" --json`.
pub async fn trace_text(State(state): State<Arc<AppState>>, RawQuery(query): RawQuery) -> Response {
    let (text, options) = match ReuseParams::read(query.as_deref(), &["text", "min-words"]) {
        Ok(p) => (p.text.clone().unwrap_or_default(), p.options()),
        Err(e) => return e.into_response(),
    };
    let length = text.chars().count();
    if length > MAX_QUERY_CHARS {
        return ApiError::from(&UserError::TooLong {
            what: "text",
            length,
            limit: MAX_QUERY_CHARS,
        })
        .into_response();
    }
    answer(state, move |engine| Ok(engine.trace_text(&text, &options)?)).await
}

/// `GET /api/similar/{id}?limit=N`: the passages most like one, as
/// `similar ID --json`.
pub async fn similar(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let (limit, options) = match ReuseParams::read(query.as_deref(), &["limit", "min-words"]) {
        Ok(p) => (p.limit.unwrap_or(DEFAULT_SIMILAR), p.options()),
        Err(e) => return e.into_response(),
    };
    if limit > MAX_LIMIT {
        return ApiError::from(&UserError::request(
            "limit",
            format!("at most {MAX_LIMIT} passages"),
        ))
        .into_response();
    }
    answer(state, move |engine| {
        Ok(engine.similar(&id, limit, &options)?)
    })
    .await
}

/// `GET /api/reuse?min-words=N&min-documents=N`: the corpus's clusters of
/// shared wording, as `reuse --json` (one array rather than JSON Lines).
pub async fn reuse(State(state): State<Arc<AppState>>, RawQuery(query): RawQuery) -> Response {
    let (min_documents, options) =
        match ReuseParams::read(query.as_deref(), &["min-words", "min-documents"]) {
            Ok(p) => (p.min_documents.unwrap_or(2), p.options()),
            Err(e) => return e.into_response(),
        };
    answer(state, move |engine| {
        Ok(engine.reuse(&options, min_documents)?)
    })
    .await
}

/// What `/healthz` says.
#[derive(Debug, Serialize, Deserialize)]
pub struct Health {
    /// `ready`, `building` (the first index) or `unavailable`.
    pub status: String,
    /// The generation answering (`gen-3`), when ready.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<String>,
    /// Passages in it, when ready.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passages: Option<usize>,
    /// Why it cannot answer, when unavailable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// `GET /healthz`: 200 while the process answers, whatever the index's
/// state, which the body says.
pub async fn health(State(state): State<Arc<AppState>>) -> Response {
    let health = if state.building() {
        Health {
            status: "building".into(),
            generation: None,
            passages: None,
            message: None,
        }
    } else {
        match state.engine() {
            Ok(engine) => {
                let index = engine.index();
                Health {
                    status: "ready".into(),
                    generation: index
                        .generation()
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned()),
                    passages: Some(index.meta().passages),
                    message: None,
                }
            }
            Err(e) => Health {
                status: "unavailable".into(),
                generation: None,
                passages: None,
                message: Some(e.body.error.message),
            },
        }
    };
    json_response(StatusCode::OK, &health)
}
