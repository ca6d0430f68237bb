//! `storyline ingest | stories | show` against an embedded store, and the crash test: kill -9
//! during ingestion loses nothing that was acknowledged.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;
use storyline_store::{SqliteStore, Store};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn storyline(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_storyline"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn ingest_is_incremental_and_stories_can_be_listed_filtered_and_shown() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let sample = root().join("examples/sample");
    let (ok, out, err) = storyline(&["ingest", "--store", path(&store), path(&sample)]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with("committed 51 articles (0 already stored)"),
        "{out}"
    );
    // Same files again: nothing new.
    let (ok, out, _) = storyline(&["ingest", "--store", path(&store), path(&sample)]);
    assert!(ok);
    assert!(
        out.starts_with("committed 0 articles (51 already stored)"),
        "{out}"
    );

    let (ok, out, err) = storyline(&["stories", "--store", path(&store)]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let stories = v["stories"].as_array().unwrap();
    assert_eq!(stories.len(), 9);
    let total: i64 = stories.iter().map(|s| s["size"].as_i64().unwrap()).sum();
    assert_eq!(total, 51);
    // Same grouping as `storyline analyze`: the biggest story is the port strike.
    assert!(stories[0]["title"]
        .as_str()
        .unwrap()
        .contains("dockworkers"));

    let (ok, out, _) = storyline(&[
        "stories",
        "--store",
        path(&store),
        "--query",
        "wildfire evacuation",
    ]);
    assert!(ok);
    let v: Value = serde_json::from_str(&out).unwrap();
    let first = &v["stories"][0];
    assert!(
        first["title"].as_str().unwrap().contains("Wildfire"),
        "{out}"
    );

    let (ok, out, _) = storyline(&["stories", "--store", path(&store), "--since", "2025-03-13"]);
    assert!(ok);
    let v: Value = serde_json::from_str(&out).unwrap();
    let since: Vec<&str> = v["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["last_published"].as_str().unwrap())
        .collect();
    assert!(!since.is_empty() && since.len() < 9, "{out}");
    assert!(since.iter().all(|t| *t >= "2025-03-13"), "{out}");

    let id = stories[0]["id"].as_str().unwrap();
    let (ok, out, err) = storyline(&["show", "--store", path(&store), id]);
    assert!(ok, "{err}");
    let story: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(story["id"], id);
    assert_eq!(story["articles"].as_array().unwrap().len(), 7);
    assert!(story["articles"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["copy_of"] == "cp-port-strike-walkout"));
    let (ok, out, _) = storyline(&["show", "--store", path(&store), id, "--format", "markdown"]);
    assert!(ok);
    assert!(
        out.contains("exact copy of `cp-port-strike-walkout`"),
        "{out}"
    );

    let (ok, _, err) = storyline(&["show", "--store", path(&store), "st-nope"]);
    assert!(!ok);
    assert!(err.contains("no story st-nope"), "{err}");
}

fn write_corpus(p: &Path, n: usize) {
    // Deterministic pseudo-random words: every article distinct.
    let mut x: u64 = 0x9e3779b97f4a7c15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let words: Vec<String> = (0..3000)
        .map(|_| {
            let len = 3 + (next() % 7) as usize;
            (0..len)
                .map(|_| (b'a' + (next() % 26) as u8) as char)
                .collect()
        })
        .collect();
    let mut f = std::io::BufWriter::new(std::fs::File::create(p).unwrap());
    for i in 0..n {
        let text: Vec<&str> = (0..60)
            .map(|_| words[(next() % 3000) as usize].as_str())
            .collect();
        let line = serde_json::json!({
            "id": format!("a{i}"),
            "title": format!("Article {i} {}", words[(next() % 3000) as usize]),
            "text": text.join(" "),
            "published": format!("2025-03-{:02}T10:00:00Z", 1 + i % 28),
            "language": "eng",
        });
        writeln!(f, "{line}").unwrap();
    }
}

#[test]
fn kill_9_during_ingestion_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let corpus = dir.path().join("big.jsonl");
    write_corpus(&corpus, 1500);

    let mut child = Command::new(env!("CARGO_BIN_EXE_storyline"))
        .args([
            "ingest",
            "--store",
            path(&store),
            "--batch-size",
            "100",
            path(&corpus),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut acked = 0usize;
    let mut last = String::new();
    for _ in 0..3 {
        let line = lines.next().expect("an acknowledgement").unwrap();
        // "committed N articles (0 already stored) through ID; ..."
        let n: usize = line
            .strip_prefix("committed ")
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("unexpected line {line}"));
        acked += n;
        last = line
            .split(" through ")
            .nth(1)
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
    }
    // The fourth batch is being read, stored or analysed now: kill it mid-way.
    std::thread::sleep(std::time::Duration::from_millis(150));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(acked, 300);
    assert_eq!(last, "a299");

    // The store opens cleanly and holds every acknowledged article.
    {
        let s = SqliteStore::open(&store).unwrap();
        let c = s.counts().unwrap();
        assert!(c.articles >= acked as u64, "{c:?}");
        for i in 0..acked {
            let a = s
                .article(&format!("a{i}"))
                .unwrap()
                .unwrap_or_else(|| panic!("acknowledged article a{i} lost"));
            assert_eq!(a.article.published.as_deref().unwrap().len(), 20);
        }
        // The full-text index agrees with the articles after reopening.
        assert_eq!(
            s.search("article", 10_000).unwrap().len() as u64,
            c.articles
        );
    }

    // It can ingest again: acknowledged articles are duplicates, new ones are added, and the
    // stories cover everything stored.
    let head: String = std::fs::read_to_string(&corpus)
        .unwrap()
        .lines()
        .take(50)
        .map(|l| format!("{l}\n"))
        .collect();
    let again = dir.path().join("again.jsonl");
    std::fs::write(&again, head).unwrap();
    let extra = root().join("examples/sample/continental_press_wire.jsonl");
    let (ok, out, err) = storyline(&[
        "ingest",
        "--store",
        path(&store),
        path(&again),
        path(&extra),
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("(50 already stored)"), "{out}");
    let s = SqliteStore::open(&store).unwrap();
    let c = s.counts().unwrap();
    assert_eq!(c.snapshot_articles, c.articles);
    assert!(c.articles > acked as u64);
    let in_stories: i64 = s.stories(None).unwrap().iter().map(|x| x.size).sum();
    assert_eq!(in_stories as u64, c.articles);
}

/// A fresh database on the server named by `STORYLINE_TEST_PG` (set by `.ci/run`), or `None`
/// with a notice when it is unset.
fn pg_test_url(name: &str) -> Option<String> {
    let Ok(base) = std::env::var("STORYLINE_TEST_PG") else {
        eprintln!("STORYLINE_TEST_PG is not set: skipping the PostgreSQL test {name}");
        return None;
    };
    let db = format!(
        "storyline_cli_{name}_{}_{}",
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

#[test]
fn postgres_store_through_the_cli() {
    let Some(url) = pg_test_url("cli") else {
        return;
    };
    let sample = root().join("examples/sample");
    let (ok, out, err) = storyline(&["ingest", "--store", &url, path(&sample)]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with("committed 51 articles (0 already stored)"),
        "{out}"
    );
    let (ok, out, _) = storyline(&["ingest", "--store", &url, path(&sample)]);
    assert!(ok);
    assert!(
        out.starts_with("committed 0 articles (51 already stored)"),
        "{out}"
    );
    let (ok, out, err) = storyline(&["stories", "--store", &url, "--query", "wildfire"]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(v["stories"][0]["title"]
        .as_str()
        .unwrap()
        .contains("Wildfire"));
    // Same stories as the embedded store computes.
    let (_, all, _) = storyline(&["stories", "--store", &url]);
    let all: Value = serde_json::from_str(&all).unwrap();
    assert_eq!(all["stories"].as_array().unwrap().len(), 9);
    let id = all["stories"][0]["id"].as_str().unwrap();
    let (ok, out, _) = storyline(&["show", "--store", &url, id, "--format", "markdown"]);
    assert!(ok);
    assert!(
        out.contains("exact copy of `cp-port-strike-walkout`"),
        "{out}"
    );
}
