//! Feed polling against a local HTTP server serving recorded feeds and pages.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use storyline_serve::{Config, FeedConfig};
use storyline_store::{SqliteStore, Store};

type Hits = Arc<Mutex<HashMap<String, u32>>>;

#[derive(Clone)]
struct Origin {
    host: String,
    hits: Hits,
}

fn fixture(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/feeds")
        .join(name);
    std::fs::read_to_string(p).unwrap()
}

async fn recorded(State(o): State<Origin>, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path().to_string();
    let count = |k: &str| *o.hits.lock().unwrap().entry(k.to_string()).or_default() += 1;
    count(&path);
    let body = |name: &str| fixture(name).replace("HOST", &o.host);
    match path.as_str() {
        "/rss.xml" => {
            if headers
                .get(header::IF_NONE_MATCH)
                .is_some_and(|v| v == "\"rss-v1\"")
            {
                count("rss 304");
                return StatusCode::NOT_MODIFIED.into_response();
            }
            (
                [
                    (header::CONTENT_TYPE, "application/rss+xml"),
                    (header::ETAG, "\"rss-v1\""),
                ],
                body("rss.xml"),
            )
                .into_response()
        }
        "/atom.xml" => {
            let lm = "Tue, 18 Mar 2025 12:00:00 GMT";
            if headers
                .get(header::IF_MODIFIED_SINCE)
                .is_some_and(|v| v == lm)
            {
                count("atom 304");
                return StatusCode::NOT_MODIFIED.into_response();
            }
            (
                [
                    (header::CONTENT_TYPE, "application/atom+xml"),
                    (header::LAST_MODIFIED, lm),
                ],
                body("atom.xml"),
            )
                .into_response()
        }
        "/news/lighthouse-award.html" => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body("lighthouse-award.html"),
        )
            .into_response(),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feeds_are_polled_conditionally_with_backoff_and_summaries_fetch_their_page() {
    // The recorded origin.
    let origin_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let host = origin_listener.local_addr().unwrap().to_string();
    let hits: Hits = Arc::default();
    let app = axum::Router::new().fallback(recorded).with_state(Origin {
        host: host.clone(),
        hits: hits.clone(),
    });
    tokio::spawn(async move { axum::serve(origin_listener, app).await.unwrap() });

    // Storyline, polling three feeds (one broken) every 300 ms.
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path()).unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let config = Config {
        feeds: FeedConfig {
            urls: vec![
                format!("http://{host}/rss.xml"),
                format!("http://{host}/atom.xml"),
                format!("http://{host}/broken.xml"),
            ],
            interval: Duration::from_millis(300),
            max_backoff: Duration::from_secs(10),
        },
        recompute_delay: Duration::from_millis(20),
        ..Default::default()
    };
    tokio::spawn(storyline_serve::serve(listener, store, config));
    let client = reqwest::Client::new();
    let get = |path: String| {
        let client = client.clone();
        let base = base.clone();
        async move {
            let r = client.get(format!("{base}{path}")).send().await.unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        }
    };

    let mut page = None;
    for _ in 0..100 {
        let (st, v) = get("/api/articles/hd-lighthouse-award".into()).await;
        if st == 200 {
            page = Some(v);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let page = page.expect("the summary-only item was stored");
    // Its text is the linked page's main text, without the page's chrome.
    let text = page["text"].as_str().unwrap();
    assert!(
        text.contains("keepers' association did what many thought impossible"),
        "{text}"
    );
    assert!(!text.contains("Subscribe to our newsletter"), "{text}");
    assert_eq!(page["source"], "Harbor Daily");
    assert_eq!(page["published"], "2025-03-18T10:00:00Z");

    let (st, ferry) = get("/api/articles/hd-ferry-night-crossings".into()).await;
    assert_eq!(st, 200);
    assert!(ferry["text"]
        .as_str()
        .unwrap()
        .contains("three night crossings a week"));
    assert_eq!(ferry["published"], "2025-03-17T08:30:00Z");
    assert_eq!(
        ferry["url"],
        format!("http://{host}/news/ferry-night-crossings.html")
    );
    let (st, tram) = get("/api/articles/urn:valeport-times:tram-consultation".into()).await;
    assert_eq!(st, 200, "{tram}");
    assert!(tram["text"]
        .as_str()
        .unwrap()
        .contains("twelve-week public consultation"));
    assert_eq!(tram["byline"], "Omar Lindqvist");

    // Keep polling for a while: unchanged feeds answer 304, the broken one backs off.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let h = hits.lock().unwrap().clone();
    let n = |k: &str| h.get(k).copied().unwrap_or(0);
    assert!(n("/rss.xml") >= 5, "{h:?}");
    assert!(n("rss 304") >= 4, "conditional GET with ETag: {h:?}");
    assert!(
        n("atom 304") >= 4,
        "conditional GET with Last-Modified: {h:?}"
    );
    assert_eq!(
        n("/news/lighthouse-award.html"),
        1,
        "page fetched once: {h:?}"
    );
    // Exponential backoff: 300 ms, 600, 1200, 2400... far fewer polls than the healthy feeds.
    assert!(n("/broken.xml") >= 2 && n("/broken.xml") <= 5, "{h:?}");
    assert!(n("/broken.xml") * 2 <= n("/rss.xml"), "{h:?}");

    // The stories include the feed articles.
    let (_, health) = get("/api/health".into()).await;
    assert_eq!(health["articles"], 3);
}
