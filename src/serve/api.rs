//! The JSON API: each endpoint reads its parameters, asks the [`Engine`]
//! and answers with the record the command line prints for the same
//! question.
//!
//! | request | answer (the record of) |
//! |---|---|
//! | `GET /api/search?q=&source=&theme=&year=&kind=&exact=&sort=&limit=&offset=&facets=&count=` | `search --json` ([`SearchResults`]) |
//! | `GET /api/passages/{id}?context=N` | `show ID --json` ([`PassageContext`]) |
//! | `GET /api/cite/{id}?format=plain\|chicago\|bibtex\|json` | `cite ID --format F` (text, or the JSON object) |
//! | `GET /api/sources` | the documents with their metadata and passage counts ([`DocumentMeta`]) |
//! | `GET /api/themes` | `themes --json`, as one array ([`ThemeCount`]) |
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
use crate::search::SearchRequest;

/// The most neighbours a passage page asks for on each side.
pub const MAX_CONTEXT: u32 = 20;

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
