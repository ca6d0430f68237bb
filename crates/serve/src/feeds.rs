//! Polling RSS/Atom feeds (feed-rs): conditional GET (ETag / Last-Modified), exponential backoff
//! on errors, and, when an item carries only a summary, the linked page is fetched and its main
//! text extracted (as for HTML input).

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::time::Duration;

use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use reqwest::StatusCode;
use serde_json::{json, Value};
use storyline_ingest::{article_from_json, ReadOptions};

use crate::AppState;

/// Items whose text (after markup removal) is shorter than this are treated as summaries:
/// the linked page is fetched for the full text.
const SUMMARY_CHARS: usize = 400;
/// Largest feed or page read.
const MAX_BYTES: usize = 8 * 1024 * 1024;

/// Feeds to poll and how often.
#[derive(Debug, Clone)]
pub struct FeedConfig {
    pub urls: Vec<String>,
    pub interval: Duration,
    /// Longest wait after repeated errors.
    pub max_backoff: Duration,
}

impl Default for FeedConfig {
    fn default() -> Self {
        FeedConfig {
            urls: Vec::new(),
            interval: Duration::from_secs(300),
            max_backoff: Duration::from_secs(3600),
        }
    }
}

#[derive(Default)]
struct FeedState {
    etag: Option<String>,
    last_modified: Option<String>,
    failures: u32,
    /// Entry ids already stored (no second page fetch for them).
    seen: HashSet<String>,
}

#[derive(Debug, thiserror::Error)]
enum FeedError {
    #[error("HTTP: {0}")]
    Http(#[from] reqwest::Error),
    #[error("status {0}")]
    Status(StatusCode),
    #[error("response over {MAX_BYTES} bytes")]
    TooBig,
    #[error("not a feed: {0}")]
    Parse(#[from] feed_rs::parser::ParseFeedError),
}

/// Delay before the next poll after `failures` consecutive errors.
pub(crate) fn backoff(interval: Duration, max: Duration, failures: u32) -> Duration {
    if failures == 0 {
        return interval;
    }
    interval
        .saturating_mul(2u32.saturating_pow(failures.min(16)))
        .min(max.max(interval))
}

/// Start one polling task per feed.
pub(crate) fn spawn(state: AppState, cfg: FeedConfig) {
    if cfg.urls.is_empty() {
        return;
    }
    let client = reqwest::Client::builder()
        .user_agent(concat!("storyline/", env!("CARGO_PKG_VERSION")))
        .timeout(Duration::from_secs(30))
        .build()
        .expect("HTTP client");
    for url in cfg.urls.clone() {
        let (state, client, cfg) = (state.clone(), client.clone(), cfg.clone());
        tokio::spawn(async move {
            let mut st = FeedState::default();
            loop {
                match poll(&state, &client, &url, &mut st).await {
                    Ok(n) => {
                        st.failures = 0;
                        if n > 0 {
                            tracing::info!(feed = %url, added = n, "feed polled");
                        }
                    }
                    Err(e) => {
                        st.failures += 1;
                        state.metrics.feed_errors.fetch_add(1, Ordering::Relaxed);
                        tracing::warn!(feed = %url, failures = st.failures, "feed: {e}");
                    }
                }
                tokio::time::sleep(backoff(cfg.interval, cfg.max_backoff, st.failures)).await;
            }
        });
    }
}

async fn read_limited(resp: reqwest::Response) -> Result<Vec<u8>, FeedError> {
    if resp
        .content_length()
        .is_some_and(|l| l as usize > MAX_BYTES)
    {
        return Err(FeedError::TooBig);
    }
    let mut resp = resp;
    let mut out = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        out.extend_from_slice(&chunk);
        if out.len() > MAX_BYTES {
            return Err(FeedError::TooBig);
        }
    }
    Ok(out)
}

/// One poll: returns the number of articles added.
async fn poll(
    state: &AppState,
    client: &reqwest::Client,
    url: &str,
    st: &mut FeedState,
) -> Result<usize, FeedError> {
    let mut req = client.get(url);
    if let Some(e) = &st.etag {
        req = req.header(IF_NONE_MATCH, e);
    }
    if let Some(m) = &st.last_modified {
        req = req.header(IF_MODIFIED_SINCE, m);
    }
    let resp = req.send().await?;
    if resp.status() == StatusCode::NOT_MODIFIED {
        state
            .metrics
            .feed_not_modified
            .fetch_add(1, Ordering::Relaxed);
        return Ok(0);
    }
    if !resp.status().is_success() {
        return Err(FeedError::Status(resp.status()));
    }
    let header = |h| {
        resp.headers()
            .get(h)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
            .map(String::from)
    };
    let (etag, last_modified) = (header(ETAG), header(LAST_MODIFIED));
    let body = read_limited(resp).await?;
    let feed = feed_rs::parser::Builder::new()
        .base_uri(Some(url))
        .build()
        .parse(body.as_slice())?;
    state.metrics.feed_polls.fetch_add(1, Ordering::Relaxed);
    let source = feed.title.as_ref().map(|t| t.content.trim().to_string());

    let mut records: Vec<(String, Value)> = Vec::new();
    for e in &feed.entries {
        let link = e.links.first().map(|l| l.href.clone());
        let key = if e.id.is_empty() {
            link.clone().unwrap_or_default()
        } else {
            e.id.clone()
        };
        if key.is_empty() || st.seen.contains(&key) {
            continue;
        }
        let content = e
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .or_else(|| e.summary.as_ref().map(|s| s.content.clone()))
            .unwrap_or_default();
        let mut rec = json!({
            "id": key,
            "title": e.title.as_ref().map(|t| t.content.trim().to_string()),
            "url": link,
            "source": source,
            "published": e.published.or(e.updated).map(|t| t.to_rfc3339()),
            "author": e.authors.first().map(|p| p.name.clone()),
        });
        if text_len(&content) < SUMMARY_CHARS {
            if let Some(l) = &link {
                // Only a summary: the linked page holds the article.
                match fetch_page(client, l).await {
                    Ok(html) => {
                        rec["html"] = Value::String(html);
                    }
                    Err(err) => {
                        tracing::warn!(page = %l, "feed item page: {err}");
                        rec["text"] = Value::String(content);
                    }
                }
            } else {
                rec["text"] = Value::String(content);
            }
        } else {
            rec["text"] = Value::String(content);
        }
        records.push((key, rec));
    }
    if records.is_empty() {
        st.etag = etag;
        st.last_modified = last_modified;
        return Ok(0);
    }
    let feed_name = url.to_string();
    let (keys, recs): (Vec<String>, Vec<Value>) = records.into_iter().unzip();
    let store = state.store.clone();
    let added = tokio::task::spawn_blocking(move || {
        let opts = ReadOptions::default();
        let articles: Vec<_> = recs
            .iter()
            .enumerate()
            .filter_map(|(i, r)| match article_from_json(r, &feed_name, i, &opts) {
                Ok(a) => Some(a),
                Err(e) => {
                    tracing::warn!("feed item: {e}");
                    None
                }
            })
            .collect();
        store.add_articles(&articles)
    })
    .await
    .expect("feed ingest task");
    let added = match added {
        Ok(r) => r.added.len(),
        Err(e) => {
            // Not marked seen, not remembered: the next poll fetches everything again.
            tracing::error!("storing feed items: {e}");
            return Ok(0);
        }
    };
    st.seen.extend(keys);
    st.etag = etag;
    st.last_modified = last_modified;
    if added > 0 {
        state.metrics.ingested(added as u64);
        state.dirty.notify_one();
    }
    Ok(added)
}

fn text_len(markup: &str) -> usize {
    let mut n = 0;
    let mut in_tag = false;
    for c in markup.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag && !c.is_whitespace() => n += 1,
            _ => {}
        }
    }
    n
}

async fn fetch_page(client: &reqwest::Client, url: &str) -> Result<String, FeedError> {
    let resp = client.get(url).send().await?;
    if !resp.status().is_success() {
        return Err(FeedError::Status(resp.status()));
    }
    let body = read_limited(resp).await?;
    Ok(String::from_utf8_lossy(&body).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let i = Duration::from_secs(10);
        let max = Duration::from_secs(100);
        assert_eq!(backoff(i, max, 0), i);
        assert_eq!(backoff(i, max, 1), Duration::from_secs(20));
        assert_eq!(backoff(i, max, 3), Duration::from_secs(80));
        assert_eq!(backoff(i, max, 30), max);
    }

    #[test]
    fn summary_length_ignores_markup() {
        assert_eq!(text_len("<p>ab c</p>"), 3);
    }
}
