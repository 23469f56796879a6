//! What the server answers with when it refuses: one JSON shape for every
//! error, `{"error": {"kind", "message", "column"?}}`, with the status
//! that says why.
//!
//! The message is the library's own wording, the one the command line
//! prints after `normsearch: error: ` (without the command line's advice
//! about which command to run). The kind is a short word a page acts on:
//!
//! | status | kind | when |
//! |---|---|---|
//! | 400 | `bad-query` | a query that does not parse (with its `column`), a bad parameter, an unknown source or theme |
//! | 404 | `unknown-id` | a passage id, anchor or document the index does not know |
//! | 404 | `not-found` | a path the server does not serve |
//! | 405 | `method-not-allowed` | anything but GET or HEAD |
//! | 408 | `timeout` | an answer that took longer than the server allows |
//! | 413 | `too-large` | a request body, or a query longer than accepted |
//! | 414 | `too-large` | a URL longer than accepted |
//! | 503 | `building` | the index is being built for the first time |
//! | 503 | `unavailable` | the index cannot be opened (missing, damaged, another format) |
//! | 500 | `internal` | a defect or an I/O failure |

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, UserError};

/// An error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The error's record.
    pub body: ErrorBody,
}

/// The JSON of an error answer: `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorRecord,
}

/// One error: what kind, the message, and for a query the column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorRecord {
    /// A short word a client acts on (see the module documentation).
    pub kind: String,
    /// The message, in the command line's wording.
    pub message: String,
    /// For a query that does not parse: the 1-based column, in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl ApiError {
    /// An error with this status, kind and message.
    pub fn new(status: StatusCode, kind: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: ErrorBody {
                error: ErrorRecord {
                    kind: kind.to_string(),
                    message: message.into(),
                    column: None,
                },
            },
        }
    }

    /// 404 for a path the server does not serve.
    pub fn no_route(path: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("no such path {path}: the API is under /api/ (see the README)"),
        )
    }

    /// 503 while the first build runs.
    pub fn building() -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "building",
            "the index is being built for the first time: try again in a moment",
        )
    }

    /// The answer for a status that a layer (a limit, a timeout, the
    /// router) produced without a body of ours.
    pub fn for_status(status: StatusCode) -> ApiError {
        let (kind, message) = match status {
            StatusCode::PAYLOAD_TOO_LARGE => (
                "too-large",
                format!(
                    "the request body is larger than the {} bytes accepted: the API takes GET requests without a body",
                    super::MAX_BODY
                ),
            ),
            StatusCode::URI_TOO_LONG => (
                "too-large",
                format!(
                    "the URL is longer than the {} bytes accepted: shorten the query",
                    super::MAX_URI
                ),
            ),
            StatusCode::METHOD_NOT_ALLOWED => (
                "method-not-allowed",
                "the server is read-only: only GET and HEAD are answered".to_string(),
            ),
            StatusCode::REQUEST_TIMEOUT => (
                "timeout",
                format!(
                    "the answer took longer than the {} s allowed: narrow the query",
                    super::TIMEOUT.as_secs()
                ),
            ),
            StatusCode::NOT_FOUND => ("not-found", "no such path".to_string()),
            s if s.is_client_error() => ("bad-request", format!("the request was refused ({s})")),
            s => ("internal", format!("the server failed ({s})")),
        };
        ApiError::new(status, kind, message)
    }
}

impl From<&UserError> for ApiError {
    fn from(e: &UserError) -> ApiError {
        let kind = e.kind();
        let status =
            StatusCode::from_u16(kind.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let word = match kind {
            ErrorKind::Invalid => "bad-query",
            ErrorKind::NotFound => "unknown-id",
            ErrorKind::TooLarge => "too-large",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::Internal => "internal",
        };
        let mut err = ApiError::new(status, word, e.to_string());
        if let UserError::Query { column, .. } = e {
            err.body.error.column = Some(*column);
        }
        err
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        match e.user() {
            Some(user) => ApiError::from(user),
            None => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, &self.body)
    }
}

/// `value` as a JSON answer with `status`.
pub fn json_response(status: StatusCode, value: &impl Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => {
            let mut res = Response::new(Body::from(bytes));
            *res.status_mut() = status;
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            );
            res
        }
        // Records are plain data: serialising one cannot fail short of a
        // defect, which still gets an answer.
        Err(e) => {
            let mut res = Response::new(Body::from(format!(
                "{{\"error\":{{\"kind\":\"internal\",\"message\":\"cannot write the answer: {e}\"}}}}"
            )));
            *res.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            res
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_error_keeps_its_wording_and_column() {
        let e = UserError::Query {
            column: 11,
            message: "unclosed `(`".into(),
        };
        let api = ApiError::from(&e);
        assert_eq!(api.status, StatusCode::BAD_REQUEST);
        assert_eq!(api.body.error.kind, "bad-query");
        assert_eq!(api.body.error.message, e.to_string());
        assert_eq!(api.body.error.column, Some(11));
        let json = serde_json::to_value(&api.body).unwrap();
        assert_eq!(json["error"]["column"], 11);
    }

    #[test]
    fn unknown_passages_are_404_and_long_queries_413() {
        let e = UserError::NoSuchPassage {
            reference: "usa-2011:999".into(),
            passages: Some(("usa-2011".into(), 120)),
        };
        let api = ApiError::from(&e);
        assert_eq!(
            (api.status.as_u16(), api.body.error.kind.as_str()),
            (404, "unknown-id")
        );
        assert!(serde_json::to_value(&api.body).unwrap()["error"]
            .get("column")
            .is_none());
        let e = UserError::TooLong {
            what: "query",
            length: 20_000,
            limit: 10_000,
        };
        assert_eq!(ApiError::from(&e).status, StatusCode::PAYLOAD_TOO_LARGE);
    }
}
