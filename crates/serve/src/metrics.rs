//! Prometheus text-format metrics at `/metrics`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::{blocking, ApiError, AppState};

const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

#[derive(Default)]
struct Histogram {
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, secs: f64) {
        if self.counts.is_empty() {
            self.counts = vec![0; BUCKETS.len()];
        }
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                self.counts[i] += 1;
            }
        }
        self.sum += secs;
        self.count += 1;
    }
}

#[derive(Default)]
pub(crate) struct Metrics {
    /// (method, route, status) → count.
    requests: Mutex<BTreeMap<(String, &'static str, u16), u64>>,
    /// route → latency histogram.
    latency: Mutex<BTreeMap<&'static str, Histogram>>,
    ingested: AtomicU64,
    recomputes: AtomicU64,
    recompute_micros: AtomicU64,
    pub feed_polls: AtomicU64,
    pub feed_not_modified: AtomicU64,
    pub feed_errors: AtomicU64,
}

impl Metrics {
    pub fn ingested(&self, n: u64) {
        self.ingested.fetch_add(n, Ordering::Relaxed);
    }
    pub fn recomputed(&self, took: Duration) {
        self.recomputes.fetch_add(1, Ordering::Relaxed);
        self.recompute_micros
            .fetch_add(took.as_micros() as u64, Ordering::Relaxed);
    }
}

/// The route template of a path, so metrics have bounded labels.
fn route_of(path: &str) -> &'static str {
    match path {
        "/" => "/",
        "/api/health" => "/api/health",
        "/api/stories" => "/api/stories",
        "/api/articles" => "/api/articles",
        "/api/openapi.json" => "/api/openapi.json",
        "/metrics" => "/metrics",
        p if p.starts_with("/api/stories/") => "/api/stories/{id}",
        p if p.starts_with("/api/articles/") => "/api/articles/{id}",
        p if p.starts_with("/stories/") => "/stories/{id}",
        p if p.starts_with("/articles/") => "/articles/{id}",
        p if p.starts_with("/static/") => "/static",
        _ => "other",
    }
}

pub(crate) async fn track(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().to_string();
    let route = route_of(req.uri().path());
    let t = Instant::now();
    let resp = next.run(req).await;
    let secs = t.elapsed().as_secs_f64();
    *s.metrics
        .requests
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry((method, route, resp.status().as_u16()))
        .or_default() += 1;
    s.metrics
        .latency
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(route)
        .or_default()
        .observe(secs);
    resp
}

pub(crate) async fn render(State(s): State<AppState>) -> Result<Response, ApiError> {
    let c = blocking(&s, |st| Ok(st.counts()?)).await?;
    let m = &s.metrics;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# HELP storyline_http_requests_total HTTP requests by method, route and status.\n\
         # TYPE storyline_http_requests_total counter"
    );
    for ((method, route, status), n) in m.requests.lock().unwrap_or_else(|e| e.into_inner()).iter()
    {
        let _ = writeln!(
            out,
            "storyline_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
        );
    }
    let _ = writeln!(
        out,
        "# HELP storyline_http_request_duration_seconds Request latency by route.\n\
         # TYPE storyline_http_request_duration_seconds histogram"
    );
    for (route, h) in m.latency.lock().unwrap_or_else(|e| e.into_inner()).iter() {
        for (i, b) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "storyline_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{b}\"}} {}",
                h.counts.get(i).copied().unwrap_or(0)
            );
        }
        let _ = writeln!(
            out,
            "storyline_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\n\
             storyline_http_request_duration_seconds_sum{{route=\"{route}\"}} {}\n\
             storyline_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
            h.count, h.sum, h.count
        );
    }
    let _ = writeln!(
        out,
        "# HELP storyline_articles Articles in the store.\n# TYPE storyline_articles gauge\n\
         storyline_articles {}\n\
         # HELP storyline_stories Stories in the current snapshot.\n# TYPE storyline_stories gauge\n\
         storyline_stories {}\n\
         # HELP storyline_articles_ingested_total Articles added through the API.\n\
         # TYPE storyline_articles_ingested_total counter\n\
         storyline_articles_ingested_total {}\n\
         # HELP storyline_recomputes_total Story recomputations after writes.\n\
         # TYPE storyline_recomputes_total counter\n\
         storyline_recomputes_total {}\n\
         # HELP storyline_recompute_seconds_total Time spent recomputing stories.\n\
         # TYPE storyline_recompute_seconds_total counter\n\
         storyline_recompute_seconds_total {}\n\
         # HELP storyline_feed_polls_total Feed polls by result.\n\
         # TYPE storyline_feed_polls_total counter\n\
         storyline_feed_polls_total{{result=\"fetched\"}} {}\n\
         storyline_feed_polls_total{{result=\"not_modified\"}} {}\n\
         storyline_feed_polls_total{{result=\"error\"}} {}",
        c.articles,
        c.stories,
        m.ingested.load(Ordering::Relaxed),
        m.recomputes.load(Ordering::Relaxed),
        m.recompute_micros.load(Ordering::Relaxed) as f64 / 1e6,
        m.feed_polls.load(Ordering::Relaxed),
        m.feed_not_modified.load(Ordering::Relaxed),
        m.feed_errors.load(Ordering::Relaxed)
    );
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        out,
    )
        .into_response())
}
