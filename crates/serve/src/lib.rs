//! `storyline serve`: the HTTP API and the web UI over a [`Store`].
//!
//! - JSON API under `/api/` (documented in [`openapi`], served at `/api/openapi.json`); errors
//!   are `{"error": "..."}` with a matching status code.
//! - Writes (`POST /api/articles`) need `Authorization: Bearer <token>`; a server started
//!   without a token is read-only (403).
//! - Limits: request bodies (413), batches of at most [`Config::max_batch`] articles, a token
//!   bucket per client address (429).
//! - Live ingestion: posted articles are committed (201 = durable), then a background task
//!   updates the full-text index and recomputes the stories, coalescing bursts of posts.
//! - Feeds: RSS/Atom feeds are polled ([`FeedConfig`]), see `feeds`.
//! - Web UI (server-rendered, every piece of article content escaped, strict CSP): see [`ui`].

mod api;
mod feeds;
mod metrics;
mod openapi;
mod ui;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use storyline_store::Store;
use tokio::sync::Notify;

pub use feeds::FeedConfig;

/// Server settings.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: String,
    /// Bearer token for writes; `None`: read-only.
    pub token: Option<String>,
    /// Requests per second per client address (burst: twice as many); 0 disables the limit.
    pub rate_limit: f64,
    /// Largest request body, in bytes.
    pub body_limit: usize,
    /// Most articles in one `POST /api/articles`.
    pub max_batch: usize,
    /// Wait this long after a write before recomputing the stories (bursts coalesce).
    pub recompute_delay: Duration,
    /// RSS/Atom feeds to poll.
    pub feeds: FeedConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: "127.0.0.1:8080".into(),
            token: None,
            rate_limit: 200.0,
            body_limit: 8 * 1024 * 1024,
            max_batch: 1000,
            recompute_delay: Duration::from_millis(200),
            feeds: FeedConfig::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
}

#[derive(Clone)]
pub(crate) struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    pub metrics: Arc<metrics::Metrics>,
    pub dirty: Arc<Notify>,
    limiter: Arc<Mutex<HashMap<IpAddr, Bucket>>>,
}

/// An error answered as `{"error": message}` with its status.
#[derive(Debug)]
pub(crate) struct ApiError(pub StatusCode, pub String);

impl ApiError {
    pub fn new(status: StatusCode, msg: impl Into<String>) -> ApiError {
        ApiError(status, msg.into())
    }
    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, format!("{what} not found"))
    }
}

impl From<storyline_store::StoreError> for ApiError {
    fn from(e: storyline_store::StoreError) -> Self {
        tracing::error!("store: {e}");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "store error")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(serde_json::json!({ "error": self.1 }))).into_response()
    }
}

/// Run blocking store work off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&dyn Store) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let store = state.store.clone();
    tokio::task::spawn_blocking(move || f(store.as_ref()))
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("task: {e}")))?
}

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The application: every route and layer (tests and `serve` use it).
fn router(state: AppState) -> Router {
    let body_limit = state.config.body_limit;
    Router::new()
        .route("/api/health", get(api::health))
        .route("/api/stories", get(api::stories))
        .route("/api/stories/{id}", get(api::story))
        .route("/api/articles", post(api::post_articles))
        .route("/api/articles/{id}", get(api::article))
        .route("/api/openapi.json", get(openapi::document))
        .route("/metrics", get(metrics::render))
        .route("/", get(ui::index))
        .route("/stories/{id}", get(ui::story))
        .route("/articles/{id}", get(ui::article))
        .route("/static/app.js", get(ui::app_js))
        .route("/static/style.css", get(ui::style_css))
        .fallback(fallback)
        .layer(tower_http::limit::RequestBodyLimitLayer::new(body_limit))
        .layer(axum::middleware::from_fn(json_errors))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            rate_limit,
        ))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .with_state(state)
}

async fn fallback(req: Request) -> Response {
    if req.uri().path().starts_with("/api/") {
        ApiError::not_found("route").into_response()
    } else {
        ui::not_found().into_response()
    }
}

/// Error responses of `/api/` routes made by layers (413 from the body limit, 405...) get a
/// JSON body like every other API error.
async fn json_errors(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let resp = next.run(req).await;
    let status = resp.status();
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if api && (status.is_client_error() || status.is_server_error()) && !is_json {
        let msg = status.canonical_reason().unwrap_or("error").to_lowercase();
        let mut r = ApiError::new(status, msg).into_response();
        for (k, v) in resp.headers() {
            if k == header::WWW_AUTHENTICATE || k == header::RETRY_AFTER {
                r.headers_mut().insert(k, v.clone());
            }
        }
        return r;
    }
    resp
}

async fn security_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    resp
}

/// Token bucket per client address.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

async fn rate_limit(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let rate = s.config.rate_limit;
    if rate > 0.0 && req.uri().path() != "/api/health" {
        let ip = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let burst = (rate * 2.0).max(1.0);
        let allowed = {
            let mut map = s.limiter.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            if map.len() > 10_000 {
                // Forget idle clients (full buckets).
                map.retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * rate < burst);
            }
            let b = map.entry(ip).or_insert(Bucket {
                tokens: burst,
                at: now,
            });
            b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * rate).min(burst);
            b.at = now;
            if b.tokens >= 1.0 {
                b.tokens -= 1.0;
                true
            } else {
                false
            }
        };
        if !allowed {
            let mut r =
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate limit exceeded").into_response();
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return r;
        }
    }
    next.run(req).await
}

/// Recompute the stories after writes, coalescing bursts.
async fn recompute_worker(state: AppState) {
    loop {
        state.dirty.notified().await;
        tokio::time::sleep(state.config.recompute_delay).await;
        let store = state.store.clone();
        let t = Instant::now();
        let r = tokio::task::spawn_blocking(move || {
            store.sync_index()?;
            storyline_store::ensure_fresh(store.as_ref(), &Default::default())
        })
        .await;
        match r {
            Ok(Ok(true)) => state.metrics.recomputed(t.elapsed()),
            Ok(Ok(false)) => {}
            Ok(Err(e)) => tracing::error!("recomputing stories: {e}"),
            Err(e) => tracing::error!("recompute task: {e}"),
        }
    }
}

/// Serve until Ctrl-C (or SIGTERM).
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Arc<dyn Store>,
    config: Config,
) -> Result<(), ServeError> {
    let state = AppState {
        store,
        config: Arc::new(config),
        metrics: Arc::new(metrics::Metrics::default()),
        dirty: Arc::new(Notify::new()),
        limiter: Arc::new(Mutex::new(HashMap::new())),
    };
    // A snapshot older than the articles (e.g. after a crash) is brought up to date.
    state.dirty.notify_one();
    tokio::spawn(recompute_worker(state.clone()));
    feeds::spawn(state.clone(), state.config.feeds.clone());
    let app = router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await?;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
