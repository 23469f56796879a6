//! The web page, embedded in the binary: `web/index.html` and everything
//! under `web/assets/`, read at build time (`include_dir`), so the server
//! never opens a file to answer a request.
//!
//! Input: a path under `/assets/`, or one of the page's own routes. Output:
//! the bytes with their content type, an ETag (a hash of the bytes, so a
//! browser revalidates cheaply) and the security headers. Refused (404):
//! any path that is not exactly the name of an embedded file — `..`, `.`,
//! empty segments, backslashes and NUL never match, and nothing under
//! `web/dev/` is embedded.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use include_dir::{include_dir, Dir};

/// `web/assets/`, as it was when the binary was built.
static ASSETS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/web/assets");

/// `web/index.html`: the page every route of the page answers with.
pub static INDEX_HTML: &[u8] = include_bytes!("../../web/index.html");

/// What the page may load: only its own server's scripts, styles, images
/// and API (no inline script, no other origin, no framing).
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
                   frame-ancestors 'none'; form-action 'self'";

/// One embedded file: its bytes and the ETag of them.
struct Asset {
    bytes: &'static [u8],
    etag: HeaderValue,
}

/// Every embedded asset by its path under `assets/` (`js/app.js`), with
/// the ETags computed once.
static TABLE: LazyLock<HashMap<String, Asset>> = LazyLock::new(|| {
    let mut table = HashMap::new();
    let mut dirs = vec![&ASSETS];
    while let Some(dir) = dirs.pop() {
        for file in dir.files() {
            if let Some(path) = file.path().to_str() {
                table.insert(path.replace('\\', "/"), asset(file.contents()));
            }
        }
        dirs.extend(dir.dirs());
    }
    table
});

static INDEX: LazyLock<Asset> = LazyLock::new(|| asset(INDEX_HTML));

fn asset(bytes: &'static [u8]) -> Asset {
    let hash = blake3::hash(bytes).to_hex();
    let etag = HeaderValue::from_str(&format!("\"{}\"", &hash[..16]))
        .unwrap_or_else(|_| HeaderValue::from_static("\"0\""));
    Asset { bytes, etag }
}

/// The paths of every embedded asset, sorted (for tests and listings).
pub fn names() -> Vec<String> {
    let mut names: Vec<String> = TABLE.keys().cloned().collect();
    names.sort();
    names
}

/// Whether `path` (under `/assets/`, already percent-decoded) is a plain
/// relative name: segments of letters, digits, `-`, `_` and `.`, none of
/// them `.` or `..`. Anything else is refused before the table is asked,
/// so no spelling of a parent folder can name a file.
fn plain_name(path: &str) -> bool {
    !path.is_empty()
        && path.split('/').all(|seg| {
            !seg.is_empty()
                && seg != "."
                && seg != ".."
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        })
}

/// The content type of an asset, by its extension.
fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => "text/css; charset=utf-8",
        // Modules need a JavaScript type.
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("woff2") => "font/woff2",
        Some("json") => "application/json; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The asset at `path` (under `/assets/`), or `None` for any path that is
/// not exactly an embedded file's name.
pub fn asset_response(path: &str, request: &HeaderMap) -> Option<Response> {
    if !plain_name(path) {
        return None;
    }
    let asset = TABLE.get(path)?;
    Some(respond(StatusCode::OK, asset, content_type(path), request))
}

/// The page (`index.html`), with `status` (404 for a path the page does
/// not know: it renders its own "not found").
pub fn page_response(status: StatusCode, request: &HeaderMap) -> Response {
    respond(status, &INDEX, "text/html; charset=utf-8", request)
}

fn respond(
    status: StatusCode,
    asset: &Asset,
    ctype: &'static str,
    request: &HeaderMap,
) -> Response {
    let unchanged = status == StatusCode::OK
        && request
            .get(header::IF_NONE_MATCH)
            .is_some_and(|tag| tag == asset.etag);
    let mut res = if unchanged {
        let mut res = Response::new(Body::empty());
        *res.status_mut() = StatusCode::NOT_MODIFIED;
        res
    } else {
        let mut res = Response::new(Body::from(asset.bytes));
        *res.status_mut() = status;
        res
    };
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    h.insert(header::ETAG, asset.etag.clone());
    // Revalidated on every load: a rebuilt binary's page is seen at once,
    // and an unchanged one costs a 304.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn every_file_under_web_assets_is_embedded_and_typed() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("web/assets");
        let mut on_disk = Vec::new();
        let mut dirs = vec![root.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    let rel = path.strip_prefix(&root).unwrap();
                    on_disk.push(rel.to_str().unwrap().replace('\\', "/"));
                }
            }
        }
        on_disk.sort();
        assert_eq!(names(), on_disk);
        for name in names() {
            assert_ne!(content_type(&name), "application/octet-stream", "{name}");
            assert!(asset_response(&name, &HeaderMap::new()).is_some(), "{name}");
        }
        assert!(names().iter().any(|n| n == "js/app.js"));
    }

    #[test]
    fn no_spelling_of_a_parent_folder_names_a_file() {
        for path in [
            "../index.html",
            "js/../app.css",
            "./app.css",
            "js//app.js",
            "/etc/passwd",
            "..%2fapp.css",
            "js\\app.js",
            "app.css\0",
            "",
            "js",
            "dev/mock.py",
        ] {
            assert!(
                asset_response(path, &HeaderMap::new()).is_none(),
                "{path:?}"
            );
        }
    }

    #[test]
    fn an_unchanged_asset_is_a_304() {
        let first = asset_response("app.css", &HeaderMap::new()).unwrap();
        let tag = first.headers()[header::ETAG].clone();
        let mut again = HeaderMap::new();
        again.insert(header::IF_NONE_MATCH, tag);
        let second = asset_response("app.css", &again).unwrap();
        assert_eq!(second.status(), StatusCode::NOT_MODIFIED);
    }
}
