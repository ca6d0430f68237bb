//! The server on a real socket (127.0.0.1), driven by an HTTP client.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};
use storyline_serve::Config;
use storyline_store::{SqliteStore, Store};

struct Server {
    base: String,
    client: reqwest::Client,
    _dir: tempfile::TempDir,
}

fn sample() -> Vec<storyline_core::Article> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/sample");
    let mut out = Vec::new();
    storyline_ingest::read_paths(&[root], &Default::default(), &mut |r| {
        if let Ok(a) = r {
            out.push(a)
        }
    });
    out
}

async fn start(config: Config, with_sample: bool) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    start_with(Arc::new(store), dir, config, with_sample).await
}

async fn start_with(
    store: Arc<dyn Store>,
    dir: tempfile::TempDir,
    config: Config,
    with_sample: bool,
) -> Server {
    if with_sample {
        let s = store.clone();
        tokio::task::spawn_blocking(move || {
            storyline_store::ingest(s.as_ref(), &sample(), &Default::default()).unwrap()
        })
        .await
        .unwrap();
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(storyline_serve::serve(listener, store, config));
    Server {
        base,
        // No connection reuse: a server answering before reading a request body (401, 403,
        // 413) closes that connection, and a pooled client could race with the close.
        client: reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap(),
        _dir: dir,
    }
}

fn with_token() -> Config {
    Config {
        token: Some("s3cret".into()),
        rate_limit: 0.0,
        recompute_delay: Duration::from_millis(20),
        ..Default::default()
    }
}

impl Server {
    async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }
    async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let r = self.get(path).await;
        let status = r.status();
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{path}"
        );
        (status, r.json().await.unwrap())
    }
    async fn post(&self, body: impl Into<reqwest::Body>, token: Option<&str>) -> reqwest::Response {
        let mut req = self
            .client
            .post(format!("{}/api/articles", self.base))
            .header("content-type", "application/json")
            .body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }
    async fn get_html(&self, path: &str) -> (StatusCode, String) {
        let r = self.get(path).await;
        let status = r.status();
        let csp = r.headers()["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
        (status, r.text().await.unwrap())
    }
    /// Wait until the stories cover every stored article.
    async fn settled(&self) -> Value {
        for _ in 0..200 {
            let (_, h) = self.get_json("/api/health").await;
            if h["articles"] == h["snapshot_articles"] {
                return h;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("stories were not recomputed");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_api_serves_stories_articles_health_metrics_and_openapi() {
    let s = start(with_token(), true).await;
    let (st, h) = s.get_json("/api/health").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(h["status"], "ok");
    assert_eq!(h["articles"], 51);
    assert_eq!(h["backend"], "sqlite");

    let (st, v) = s.get_json("/api/stories").await;
    assert_eq!(st, StatusCode::OK);
    let stories = v["stories"].as_array().unwrap();
    assert_eq!(stories.len(), 9);
    let id = stories[0]["id"].as_str().unwrap();

    let (st, story) = s.get_json(&format!("/api/stories/{id}")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(story["size"], 7);
    let copy = story["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["copy_of"].is_string())
        .unwrap();
    let (st, art) = s
        .get_json(&format!("/api/articles/{}", copy["id"].as_str().unwrap()))
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(art["copy_of"], copy["copy_of"]);
    assert_eq!(art["story"], id);
    assert!(art["text"].as_str().unwrap().len() > 200);

    let (st, v) = s.get_json("/api/stories?q=wildfire").await;
    assert_eq!(st, StatusCode::OK);
    assert!(v["stories"][0]["title"]
        .as_str()
        .unwrap()
        .contains("Wildfire"));
    let (st, v) = s.get_json("/api/stories?since=2025-03-13").await;
    assert_eq!(st, StatusCode::OK);
    assert!(v["stories"].as_array().unwrap().len() < 9);
    let (st, v) = s.get_json("/api/stories?since=yesterday").await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(v["error"].as_str().unwrap().contains("since"));

    let (st, v) = s.get_json("/api/stories/st-nope").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(v["error"], "story not found");
    let (st, _) = s.get_json("/api/articles/nope").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = s.get_json("/api/nothing-here").await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    let (st, doc) = s.get_json("/api/openapi.json").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    for p in [
        "/api/health",
        "/api/stories",
        "/api/stories/{id}",
        "/api/articles",
        "/api/articles/{id}",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} undocumented");
    }

    let m = s.get("/metrics").await;
    assert!(m.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let m = m.text().await.unwrap();
    assert!(m.contains("storyline_articles 51"), "{m}");
    assert!(m.contains(
        "storyline_http_requests_total{method=\"GET\",route=\"/api/stories\",status=\"200\"}"
    ));
    assert!(m.contains("storyline_http_request_duration_seconds_bucket{route=\"/api/health\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_need_the_token_and_posted_articles_join_stories() {
    let s = start(with_token(), true).await;
    let art = json!({"id": "live-1", "title": "Valeport dockworkers vote to extend strike",
        "text": "Dockworkers at Valeport voted on Friday to extend their strike over pay and automation for another week, the union said.",
        "source": "Live Wire", "published": "2025-03-08T10:00:00Z"});

    let r = s.post(art.to_string(), None).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers().contains_key("www-authenticate"));
    let v: Value = r.json().await.unwrap();
    assert!(v["error"].as_str().unwrap().contains("token"));
    let r = s.post(art.to_string(), Some("wrong")).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let r = s.post(art.to_string(), Some("s3cret")).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["added"], json!(["live-1"]));
    // The same article again is a no-op; an array is accepted; bad records are reported.
    let r = s
        .post(
            json!([art, {"title": "no text"}, {"text": "An article without id about the Valeport port strike and its dockworkers."}])
                .to_string(),
            Some("s3cret"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["duplicates"], 1);
    assert_eq!(v["added"].as_array().unwrap().len(), 1);
    assert_eq!(v["errors"].as_array().unwrap().len(), 1);

    let h = s.settled().await;
    assert_eq!(h["articles"], 53);
    let (_, a) = s.get_json("/api/articles/live-1").await;
    let (_, story) = s
        .get_json(&format!("/api/stories/{}", a["story"].as_str().unwrap()))
        .await;
    assert!(story["title"].as_str().unwrap().contains("dockworkers"));

    // Bad JSON, wrong shapes.
    let r = s.post("{\"title\": ", Some("s3cret")).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let v: Value = r.json().await.unwrap();
    assert!(v["error"].as_str().unwrap().starts_with("invalid JSON"));
    let r = s.post("42", Some("s3cret")).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = s.post("[{\"title\": \"x\"}]", Some("s3cret")).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // Batches over 1000.
    let many: Vec<Value> = (0..1001)
        .map(|i| json!({"id": format!("m{i}"), "text": "x"}))
        .collect();
    let r = s.post(json!(many).to_string(), Some("s3cret")).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_without_token_and_limits() {
    let s = start(
        Config {
            token: None,
            body_limit: 64 * 1024,
            rate_limit: 5.0,
            ..Default::default()
        },
        false,
    )
    .await;
    let r = s.post("{\"text\": \"hello\"}", Some("anything")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let v: Value = r.json().await.unwrap();
    assert!(v["error"].as_str().unwrap().contains("read-only"));

    // Over the body limit: 413 with a JSON error.
    let big = format!("{{\"text\": \"{}\"}}", "a".repeat(100 * 1024));
    let r = s.post(big, Some("anything")).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let v: Value = r.json().await.unwrap();
    assert!(v["error"].is_string());

    // Rate limit: 5/s, burst 10.
    let mut limited = 0;
    for _ in 0..30 {
        let r = s.get("/api/stories").await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(r.headers().contains_key("retry-after"));
            let v: Value = r.json().await.unwrap();
            assert_eq!(v["error"], "rate limit exceeded");
            limited += 1;
        }
    }
    assert!(limited >= 15, "{limited} requests limited");
    // Health stays reachable.
    assert_eq!(s.get("/api/health").await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_limit_with_a_real_token_is_413() {
    let s = start(
        Config {
            body_limit: 64 * 1024,
            ..with_token()
        },
        false,
    )
    .await;
    let big = format!("{{\"text\": \"{}\"}}", "a".repeat(100 * 1024));
    let r = s.post(big, Some("s3cret")).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_article_is_escaped_everywhere() {
    let s = start(with_token(), true).await;
    let hostile = json!({
        "id": "hostile",
        "title": "<script>window.__pwned=1</script>Breaking <b>news</b>",
        "text": "Dockworkers at Valeport <img src=x onerror=\"window.__pwned=1\"> walked out. \
                 <a href=\"javascript:window.__pwned=1\">click</a> <svg onload=alert(1)>",
        "url": "javascript:window.__pwned=1",
        "source": "<iframe src=\"javascript:alert(1)\"></iframe>Evil Wire",
        "author": "\"><script>alert(1)</script>",
        "published": "2025-03-08T10:00:00Z"
    });
    let r = s.post(hostile.to_string(), Some("s3cret")).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    s.settled().await;
    let (_, a) = s.get_json("/api/articles/hostile").await;
    let story = a["story"].as_str().unwrap().to_string();

    for path in [
        "/".to_string(),
        "/?q=Breaking".to_string(),
        "/articles/hostile".to_string(),
        format!("/stories/{story}"),
    ] {
        let (st, html) = s.get_html(&path).await;
        assert_eq!(st, StatusCode::OK, "{path}");
        // The only script element is the static one.
        assert_eq!(html.matches("<script").count(), 1, "{path}: {html}");
        assert!(html.contains("<script src=\"/static/app.js\" defer></script>"));
        for bad in [
            "<img",
            "<svg",
            "<iframe",
            "<b>",
            "href=\"javascript:",
            "onerror=\"",
        ] {
            assert!(!html.contains(bad), "{path} contains {bad}: {html}");
        }
    }
    let (_, html) = s.get_html("/articles/hostile").await;
    assert!(html
        .contains("&lt;script&gt;window.__pwned=1&lt;/script&gt;Breaking &lt;b&gt;news&lt;/b&gt;"));
    assert!(
        html.contains("&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;"),
        "{html}"
    );
    assert!(html.contains("<span class=\"url\">javascript:window.__pwned=1</span>"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ui_pages_link_copies_to_originals() {
    let s = start(with_token(), true).await;
    let (st, html) = s.get_html("/").await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("Valeport dockworkers walk out in pay and automation dispute"));
    assert_eq!(html.matches("class=\"story\"").count(), 9);

    let (_, v) = s.get_json("/api/stories").await;
    let id = v["stories"][0]["id"].as_str().unwrap();
    let (st, html) = s.get_html(&format!("/stories/{id}")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("href=\"/articles/cp-port-strike-walkout\""));
    assert!(html.contains(
        "exact copy of <a class=\"original-link\" href=\"/articles/cp-port-strike-walkout\">"
    ));

    let (st, html) = s.get_html("/articles/hd-port-strike-walkout").await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("class=\"side-by-side\""));
    assert!(html.contains("<mark class=\"copied\">"));
    let (st, _) = s.get_html("/articles/nope").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let r = s.get("/static/app.js").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
}

/// A fresh database on the server named by `STORYLINE_TEST_PG` (set by `.ci/run`), or `None`
/// with a notice when it is unset.
fn pg_test_url(name: &str) -> Option<String> {
    let Ok(base) = std::env::var("STORYLINE_TEST_PG") else {
        eprintln!("STORYLINE_TEST_PG is not set: skipping the PostgreSQL test {name}");
        return None;
    };
    let db = format!(
        "storyline_serve_{name}_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_micros()
    );
    let mut admin = postgres::Client::connect(&base, postgres::NoTls).expect("connect to PG");
    admin
        .batch_execute(&format!("CREATE DATABASE {db}"))
        .unwrap();
    let (head, _) = base.rsplit_once('/').expect("URL with a database name");
    Some(format!("{head}/{db}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_works_on_postgres_too() {
    // The synchronous PostgreSQL client runs its own runtime: use it off the async threads.
    let store = tokio::task::spawn_blocking(|| {
        pg_test_url("api").map(|url| storyline_store::open(&url).unwrap())
    })
    .await
    .unwrap();
    let Some(store) = store else {
        return;
    };
    let s = start_with(
        Arc::from(store),
        tempfile::tempdir().unwrap(),
        with_token(),
        true,
    )
    .await;
    let (_, h) = s.get_json("/api/health").await;
    assert_eq!(h["backend"], "postgres");
    assert_eq!(h["articles"], 51);
    let (_, v) = s.get_json("/api/stories?q=wildfire").await;
    assert!(v["stories"][0]["title"]
        .as_str()
        .unwrap()
        .contains("Wildfire"));
    let r = s
        .post(
            json!({"id": "pg-live", "title": "Valeport dockworkers extend strike",
                   "text": "Dockworkers at Valeport extended their strike over pay and automation.",
                   "published": "2025-03-08T10:00:00Z"})
            .to_string(),
            Some("s3cret"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let h = s.settled().await;
    assert_eq!(h["articles"], 52);
    let (st, a) = s.get_json("/api/articles/pg-live").await;
    assert_eq!(st, StatusCode::OK);
    assert!(a["story"].is_string());
    let (st, html) = s.get_html("/articles/pg-live").await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("Valeport dockworkers extend strike"));
}
