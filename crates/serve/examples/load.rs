//! Load generator for `storyline serve`: mixed reads and article posts on loopback for a fixed
//! time; prints requests/s, latency percentiles per operation, and errors.
//!
//! cargo run --release -p storyline-serve --example load -- \
//!     http://127.0.0.1:8080 TOKEN [SECONDS=60] [CONCURRENCY=32]
//!
//! Mix: 35% story list, 15% search, 15% story JSON, 10% article JSON, 10% HTML pages (story
//! list, story page, article page), 10% POST of 2 articles (near-copies of stored ones, so
//! they join stories and trigger recomputation), 5% health.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const OPS: &[(&str, u32)] = &[
    ("GET /api/stories", 35),
    ("GET /api/stories?q=", 15),
    ("GET /api/stories/{id}", 15),
    ("GET /api/articles/{id}", 10),
    ("GET html", 10),
    ("POST /api/articles", 10),
    ("GET /api/health", 5),
];
const WORDS: &[&str] = &[
    "strike",
    "port",
    "bridge",
    "wildfire",
    "budget",
    "court",
    "valeport",
    "union",
    "cup",
    "brightlane",
    "evacuation",
    "council",
    "rovers",
    "breach",
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[(self.next() % v.len() as u64) as usize]
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let base = args
        .first()
        .cloned()
        .unwrap_or("http://127.0.0.1:8080".into());
    let token = args.get(1).cloned().unwrap_or_default();
    let secs: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(60);
    let conc: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(32);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(conc)
        .build()
        .unwrap();

    // What is there to read.
    let stories: Value = client
        .get(format!("{base}/api/stories"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let story_ids: Vec<String> = stories["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    assert!(!story_ids.is_empty(), "the store has no stories");
    let mut articles: Vec<(String, String, String)> = Vec::new();
    for id in &story_ids {
        let s: Value = client
            .get(format!("{base}/api/stories/{id}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for a in s["articles"].as_array().unwrap() {
            let aid = a["id"].as_str().unwrap().to_string();
            let full: Value = client
                .get(format!("{base}/api/articles/{aid}"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            articles.push((
                aid,
                full["title"].as_str().unwrap_or("").to_string(),
                full["text"].as_str().unwrap_or("").to_string(),
            ));
        }
    }
    // Stories merge and split as articles arrive: refresh the ids to read every second.
    let story_ids = Arc::new(std::sync::RwLock::new(story_ids));
    {
        let (client, base, ids) = (client.clone(), base.clone(), story_ids.clone());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let Ok(r) = client
                    .get(format!("{base}/api/stories?limit=1000"))
                    .send()
                    .await
                else {
                    continue;
                };
                if let Ok(v) = r.json::<Value>().await {
                    let fresh: Vec<String> = v["stories"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|s| s["id"].as_str().map(String::from))
                        .collect();
                    if !fresh.is_empty() {
                        *ids.write().unwrap() = fresh;
                    }
                }
            }
        });
    }
    let articles = Arc::new(articles);
    let posted = Arc::new(AtomicU64::new(0));
    let total_weight: u32 = OPS.iter().map(|o| o.1).sum();
    let start = Instant::now();
    let end = start + Duration::from_secs(secs);

    let mut tasks = Vec::new();
    for w in 0..conc {
        let (client, base, token) = (client.clone(), base.clone(), token.clone());
        let (story_ids, articles, posted) = (story_ids.clone(), articles.clone(), posted.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng(0x9e3779b97f4a7c15 ^ ((w as u64 + 1).wrapping_mul(0x2545F4914F6CDD1D)));
            let mut lat: Vec<Vec<u32>> = vec![Vec::new(); OPS.len()];
            let mut errors: Vec<u64> = vec![0; OPS.len()];
            let mut first_error: Option<String> = None;
            while Instant::now() < end {
                let mut r = (rng.next() % total_weight as u64) as u32;
                let op = OPS
                    .iter()
                    .position(|o| {
                        if r < o.1 {
                            true
                        } else {
                            r -= o.1;
                            false
                        }
                    })
                    .unwrap();
                let req = match op {
                    0 => client.get(format!("{base}/api/stories")),
                    1 => client.get(format!("{base}/api/stories?q={}", rng.pick(WORDS))),
                    2 => {
                        let id = rng.pick(&story_ids.read().unwrap()).clone();
                        client.get(format!("{base}/api/stories/{id}"))
                    }
                    3 => client.get(format!("{base}/api/articles/{}", rng.pick(&articles).0)),
                    4 => match rng.next() % 3 {
                        0 => client.get(format!("{base}/")),
                        1 => {
                            let id = rng.pick(&story_ids.read().unwrap()).clone();
                            client.get(format!("{base}/stories/{id}"))
                        }
                        _ => client.get(format!("{base}/articles/{}", rng.pick(&articles).0)),
                    },
                    5 => {
                        let batch: Vec<Value> = (0..2)
                            .map(|_| {
                                let n = posted.fetch_add(1, Ordering::Relaxed);
                                let (id, title, text) = rng.pick(&articles);
                                json!({
                                    "id": format!("load-{n}"),
                                    "title": format!("{title} (update {n})"),
                                    "text": format!("{text}\n\nUpdate {n}: more details about {id} were reported by the load generator."),
                                    "source": format!("Load Wire {}", n % 7),
                                    "published": format!("2025-03-{:02}T{:02}:00:00Z", 1 + n % 28, n % 24),
                                })
                            })
                            .collect();
                        client
                            .post(format!("{base}/api/articles"))
                            .bearer_auth(&token)
                            .json(&batch)
                    }
                    _ => client.get(format!("{base}/api/health")),
                };
                let t = Instant::now();
                let res = req.send().await;
                let ok = match res {
                    Ok(resp) => {
                        let status = resp.status();
                        let body = resp.bytes().await;
                        if !status.is_success() || body.is_err() {
                            first_error.get_or_insert(format!("{}: {status}", OPS[op].0));
                            false
                        } else {
                            true
                        }
                    }
                    Err(e) => {
                        first_error.get_or_insert(format!("{}: {e}", OPS[op].0));
                        false
                    }
                };
                lat[op].push(t.elapsed().as_micros() as u32);
                if !ok {
                    errors[op] += 1;
                }
            }
            (lat, errors, first_error)
        }));
    }
    let mut lat: Vec<Vec<u32>> = vec![Vec::new(); OPS.len()];
    let mut errors: Vec<u64> = vec![0; OPS.len()];
    let mut first_error = None;
    for t in tasks {
        let (l, e, f) = t.await.unwrap();
        for i in 0..OPS.len() {
            lat[i].extend(&l[i]);
            errors[i] += e[i];
        }
        first_error = first_error.or(f);
    }
    let elapsed = start.elapsed().as_secs_f64();
    let pct = |v: &mut Vec<u32>, p: f64| -> f64 {
        if v.is_empty() {
            return 0.0;
        }
        v.sort_unstable();
        let i = ((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1;
        v[i] as f64 / 1000.0
    };
    println!(
        "{:<24} {:>8} {:>9} {:>9} {:>9} {:>9} {:>7}",
        "operation", "requests", "p50 ms", "p99 ms", "max ms", "req/s", "errors"
    );
    let mut all: Vec<u32> = Vec::new();
    for (i, (name, _)) in OPS.iter().enumerate() {
        let n = lat[i].len();
        all.extend(&lat[i]);
        println!(
            "{:<24} {:>8} {:>9.2} {:>9.2} {:>9.2} {:>9.1} {:>7}",
            name,
            n,
            pct(&mut lat[i], 0.5),
            pct(&mut lat[i], 0.99),
            pct(&mut lat[i], 1.0),
            n as f64 / elapsed,
            errors[i]
        );
    }
    let total_errors: u64 = errors.iter().sum();
    let n = all.len();
    println!(
        "{:<24} {:>8} {:>9.2} {:>9.2} {:>9.2} {:>9.1} {:>7}",
        "ALL",
        n,
        pct(&mut all, 0.5),
        pct(&mut all, 0.99),
        pct(&mut all, 1.0),
        n as f64 / elapsed,
        total_errors
    );
    println!(
        "duration {elapsed:.1} s, concurrency {conc}, articles posted {}",
        posted.load(Ordering::Relaxed)
    );
    if let Some(e) = first_error {
        println!("first error: {e}");
    }
    if total_errors > 0 {
        std::process::exit(1);
    }
}
