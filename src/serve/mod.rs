//! `normsearch serve`: the JSON API and the web page over HTTP (axum on
//! tokio), on the same [`Engine`] and the same records as the command line.
//!
//! Input: a [`Config`] (the address, the corpus and index folders) and a
//! future that resolves when the server should stop. Output: answers to
//! GET requests — the page and its embedded assets ([`assets`]), and the
//! API ([`api`]), whose bodies are the serde records `search --json`,
//! `show --json`, `cite` and `themes --json` print, never a copy of them.
//! Refused, with the JSON error of [`reply`]: anything but GET and HEAD
//! (the server is read-only), a URL longer than [`MAX_URI`] (414), a body
//! larger than [`MAX_BODY`] (413), an answer slower than [`TIMEOUT`]
//! (408), a path the router does not know (404). No path reaches the file
//! system: the assets are compiled in.
//!
//! The index is opened at start, or built on a thread when there is none
//! (the API answers 503 `building` meanwhile, and the page shows it).
//! Rebuilds made beside the server (`normsearch index`) are followed by
//! the engine on the next request, with no failed request: requests that
//! started on the old generation finish on it (see [`crate::engine`]).
//!
//! # Adding a view
//!
//! A new view (a document × theme grid at `/api/grid`, a comparison at
//! `/api/compare`, a lineage at `/api/trace`) is a handler in `api.rs`
//! that asks the engine inside [`api::answer`] and returns a serde record,
//! one `.route` line in [`router`], and, for the page, its path in
//! [`PAGE_ROUTES`] and a module in `web/assets/js/views/`.

pub mod api;
pub mod assets;
pub mod reply;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::engine::Engine;
use crate::index::{self, BuildOptions, BuildSummary, Freshness, Progress};
use reply::ApiError;

/// The longest URL accepted, in bytes (414 past it): room for the longest
/// query ([`crate::search::MAX_QUERY_CHARS`]) percent-encoded, no more.
pub const MAX_URI: usize = 32 * 1024;
/// The largest request body accepted (413 past it): the API takes none.
pub const MAX_BODY: usize = 1024;
/// The longest an answer may take (408 past it).
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// The page's own routes: each answers `index.html`, which renders the
/// view. A later view adds its path here.
pub const PAGE_ROUTES: &[&str] = &[
    "/",
    "/themes",
    "/sources",
    "/passage/{id}",
    "/grid",
    "/compare",
];
/// The address `serve` binds when not told: loopback only.
pub const DEFAULT_BIND: &str = "127.0.0.1:7700";

/// What a server serves, and where.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address to listen on (port 0: any free port).
    pub bind: SocketAddr,
    /// The corpus folder.
    pub corpus: PathBuf,
    /// The index folder.
    pub index: PathBuf,
    /// How to build the index when there is none.
    pub build: BuildOptions,
}

/// What the server tells its front end (the command line prints these).
#[derive(Debug)]
pub enum Notice {
    /// There is no index: building it; the API answers 503 meanwhile.
    Building,
    /// The first build finished.
    Built(BuildSummary),
    /// The index could not be built or opened: the API answers 503 with
    /// this error until it can (a build beside the server cures it).
    Unavailable(crate::Error),
    /// The index answers but its inputs changed since it was built.
    Stale(String),
}

/// Where the server is with its index.
enum Status {
    /// Building the first index.
    Building,
    /// Answering.
    Ready(Arc<Engine>),
    /// No usable index; the error, and when the opening was last tried.
    Failed(ApiError, Instant),
}

/// What every handler shares.
pub struct AppState {
    corpus: PathBuf,
    index: PathBuf,
    status: RwLock<Status>,
    /// Tried at most once a second while the index is unusable.
    retry: Mutex<()>,
}

impl AppState {
    /// The engine, or the error to answer with while there is none.
    pub fn engine(&self) -> Result<Arc<Engine>, ApiError> {
        {
            let status = self
                .status
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match &*status {
                Status::Ready(engine) => return Ok(Arc::clone(engine)),
                Status::Building => return Err(ApiError::building()),
                Status::Failed(err, at) if at.elapsed() < Duration::from_secs(1) => {
                    return Err(err.clone())
                }
                Status::Failed(..) => {}
            }
        }
        // An index built (or repaired) beside the server since: open it.
        let _one = self.retry.try_lock().map_err(|_| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "the index is being opened: try again in a moment",
            )
        })?;
        let next = match Engine::open(&self.corpus, &self.index) {
            Ok(engine) => Status::Ready(Arc::new(engine)),
            Err(e) => Status::Failed(unavailable(&e), Instant::now()),
        };
        let mut status = self
            .status
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *status = next;
        match &*status {
            Status::Ready(engine) => Ok(Arc::clone(engine)),
            Status::Failed(err, _) => Err(err.clone()),
            Status::Building => Err(ApiError::building()),
        }
    }

    /// Whether the first build is still running.
    pub fn building(&self) -> bool {
        matches!(
            *self
                .status
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
            Status::Building
        )
    }

    fn set(&self, status: Status) {
        *self
            .status
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = status;
    }
}

/// An error that leaves the server without an index: 503, whatever its
/// kind, since a build beside the server cures it.
fn unavailable(e: &crate::Error) -> ApiError {
    let mut err = match e.user() {
        Some(user) => ApiError::from(user),
        None => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()),
    };
    err.status = StatusCode::SERVICE_UNAVAILABLE;
    err.body.error.kind = "unavailable".into();
    err
}

/// A server bound to its address, not yet answering.
pub struct Server {
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
}

impl Server {
    /// Binds the address and opens the index, or starts building it on a
    /// thread when there is none (`notices` hears how that goes). Must be
    /// called inside a tokio runtime.
    pub async fn bind(
        config: &Config,
        notices: Arc<dyn Fn(Notice) + Send + Sync>,
    ) -> crate::Result<Server> {
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .map_err(|e| crate::Error::io(format!("{}", config.bind), e))?;
        let state = Arc::new(AppState {
            corpus: config.corpus.clone(),
            index: config.index.clone(),
            status: RwLock::new(Status::Building),
            retry: Mutex::new(()),
        });
        if index::exists(&config.index) {
            match Engine::open(&config.corpus, &config.index) {
                Ok(engine) => {
                    let engine = Arc::new(engine);
                    state.set(Status::Ready(Arc::clone(&engine)));
                    // The stamps check started with the opening: its verdict
                    // is read beside the first requests.
                    let notices = Arc::clone(&notices);
                    std::thread::spawn(move || {
                        if let Freshness::Stale(why) = engine.freshness() {
                            notices(Notice::Stale(why));
                        }
                    });
                }
                Err(e) => {
                    state.set(Status::Failed(unavailable(&e), Instant::now()));
                    notices(Notice::Unavailable(e));
                }
            }
        } else {
            notices(Notice::Building);
            let building = Arc::clone(&state);
            let options = config.build.clone();
            std::thread::spawn(move || {
                let built = index::build(
                    &building.corpus,
                    &building.index,
                    &options,
                    &index::Silent as &dyn Progress,
                )
                .and_then(|summary| {
                    Engine::open(&building.corpus, &building.index).map(|e| (summary, e))
                });
                match built {
                    Ok((summary, engine)) => {
                        building.set(Status::Ready(Arc::new(engine)));
                        notices(Notice::Built(summary));
                    }
                    Err(e) => {
                        building.set(Status::Failed(unavailable(&e), Instant::now()));
                        notices(Notice::Unavailable(e));
                    }
                }
            });
        }
        Ok(Server { listener, state })
    }

    /// The address bound (the port chosen, for port 0).
    pub fn local_addr(&self) -> crate::Result<SocketAddr> {
        self.listener
            .local_addr()
            .map_err(|e| crate::Error::io("the server's socket", e))
    }

    /// Answers until `shutdown` resolves, then finishes the requests in
    /// flight and returns.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> crate::Result<()> {
        let app = router(self.state);
        axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(|e| crate::Error::io("the server's socket", e))
    }
}

/// The routes and the layers every request goes through.
pub fn router(state: Arc<AppState>) -> Router {
    let mut app = Router::new()
        .route("/healthz", get(api::health))
        .route("/api/search", get(api::search))
        .route("/api/passages/{id}", get(api::passage))
        .route("/api/cite/{id}", get(api::cite))
        .route("/api/sources", get(api::sources))
        .route("/api/themes", get(api::themes))
        .route("/api/grid", get(api::grid))
        .route("/api/compare", get(api::compare))
        .route("/api/trace", get(api::trace_text))
        .route("/api/trace/{id}", get(api::trace))
        .route("/api/similar/{id}", get(api::similar))
        .route("/api/reuse", get(api::reuse))
        .route("/assets/{*path}", get(asset));
    for route in PAGE_ROUTES {
        app = app.route(route, get(page));
    }
    app.fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        // Innermost first: each later layer wraps those before it, so the
        // limits refuse before the router runs, and every refusal passes
        // through `json_errors`.
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            TIMEOUT,
        ))
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .layer(middleware::from_fn(limit_uri))
        .layer(middleware::from_fn(json_errors))
        .layer(middleware::from_fn(security_headers))
}

/// 414 for a URL longer than [`MAX_URI`], before anything parses it.
async fn limit_uri(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let length = uri.path().len() + uri.query().map_or(0, |q| q.len() + 1);
    if length > MAX_URI {
        return ApiError::for_status(StatusCode::URI_TOO_LONG).into_response();
    }
    next.run(request).await
}

/// An error status made by a layer or the router (a limit, a timeout, a
/// method) gets the same JSON body as the API's own errors.
async fn json_errors(request: Request, next: Next) -> Response {
    let res = next.run(request).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.starts_with("text/html"));
    if (status.is_client_error() || status.is_server_error()) && !is_json {
        return ApiError::for_status(status).into_response();
    }
    res
}

/// Headers every answer carries: no sniffing of types, no framing.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut res = next.run(request).await;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        header::HeaderValue::from_static("DENY"),
    );
    res
}

/// A page route: `index.html`, which renders the view the path names.
async fn page(headers: HeaderMap) -> Response {
    assets::page_response(StatusCode::OK, &headers)
}

/// `/assets/{path}`: an embedded file, or 404.
async fn asset(
    axum::extract::Path(path): axum::extract::Path<String>,
    headers: HeaderMap,
) -> Response {
    match assets::asset_response(&path, &headers) {
        Some(res) => res,
        None => ApiError::no_route(&format!("/assets/{path}")).into_response(),
    }
}

/// Anything else: a JSON 404 under `/api/`, else the page with status 404
/// (it shows its own "not found" and the search box).
async fn not_found(uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    if path.starts_with("/api/") || path == "/api" || path.starts_with("/assets/") {
        return ApiError::no_route(path).into_response();
    }
    assets::page_response(StatusCode::NOT_FOUND, &headers)
}

async fn method_not_allowed() -> Response {
    ApiError::for_status(StatusCode::METHOD_NOT_ALLOWED).into_response()
}

/// The state handlers share (for tests that drive the router directly).
pub fn state_for(engine: Engine) -> Arc<AppState> {
    Arc::new(AppState {
        corpus: engine.corpus_dir().to_path_buf(),
        index: engine.index_dir().to_path_buf(),
        status: RwLock::new(Status::Ready(Arc::new(engine))),
        retry: Mutex::new(()),
    })
}
