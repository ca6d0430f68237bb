//! The embedded store: one directory holding `storyline.db` (SQLite, WAL journal,
//! `synchronous=FULL`) and `fts/` (tantivy index over title and text).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use storyline_core::{Article, Origin};

use crate::fts::{Doc, Fts};
use crate::{
    content_key, free_id, parse_time, rfc3339, AddReport, ArticleView, Counts, Result, Store,
    StoreError, StoredArticle, StorySnapshot, StorySummary, SCHEMA_VERSION,
};

/// Migrations, in order; migration `i` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: articles, story snapshot, per-article analysis, meta.
    "CREATE TABLE articles (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL UNIQUE,
        id TEXT NOT NULL UNIQUE,
        url TEXT, source TEXT, title TEXT, byline TEXT,
        published TEXT, language TEXT,
        text TEXT NOT NULL,
        origin_file TEXT NOT NULL, origin_line INTEGER,
        ingested_at TEXT NOT NULL
     );
     CREATE TABLE stories (
        id TEXT PRIMARY KEY, rank INTEGER NOT NULL, title TEXT,
        size INTEGER NOT NULL, originals INTEGER NOT NULL,
        first_published TEXT, last_published TEXT, json TEXT NOT NULL
     );
     CREATE TABLE analysis (
        article_id TEXT PRIMARY KEY, story_id TEXT NOT NULL,
        copy_of TEXT, copy_kind TEXT, similarity REAL
     );
     CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);",
    // 2: story list by rank and time.
    "CREATE INDEX stories_rank ON stories(rank);
     CREATE INDEX stories_last ON stories(last_published);
     CREATE INDEX analysis_story ON analysis(story_id);",
    // 3: ids of stories that are gone lead to their successor.
    "CREATE TABLE story_aliases (old_id TEXT PRIMARY KEY, story_id TEXT NOT NULL);",
];

const READERS: usize = 4;

pub struct SqliteStore {
    dir: PathBuf,
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
    fts: Fts,
}

fn connect(path: &Path) -> Result<Connection> {
    let c = Connection::open(path)?;
    c.busy_timeout(std::time::Duration::from_secs(10))?;
    c.pragma_update(None, "journal_mode", "WAL")?;
    c.pragma_update(None, "synchronous", "FULL")?;
    Ok(c)
}

/// Bring the schema to [`SCHEMA_VERSION`], one transaction per migration.
fn migrate(c: &mut Connection) -> Result<()> {
    c.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_version (
            version INTEGER NOT NULL, applied_at TEXT NOT NULL)",
    )?;
    let current: i64 = c.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_version",
        [],
        |r| r.get(0),
    )?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have migrated meanwhile.
        let now: i64 = tx.query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_version",
            [],
            |r| r.get(0),
        )?;
        if now > i as i64 {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)",
            params![i as i64 + 1, rfc3339(Utc::now())],
        )?;
        tx.commit()?;
        tracing::info!(version = i + 1, "store schema migrated");
    }
    Ok(())
}

fn row_article(r: &rusqlite::Row<'_>) -> rusqlite::Result<Article> {
    Ok(Article {
        id: r.get("id")?,
        url: r.get("url")?,
        source: r.get("source")?,
        title: r.get("title")?,
        byline: r.get("byline")?,
        published: parse_time(r.get("published")?),
        language: r.get("language")?,
        text: r.get("text")?,
        origin: Origin {
            file: r.get("origin_file")?,
            line: r.get::<_, Option<i64>>("origin_line")?.map(|l| l as u64),
        },
    })
}

fn row_summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<StorySummary> {
    Ok(StorySummary {
        id: r.get("id")?,
        rank: r.get("rank")?,
        title: r.get("title")?,
        size: r.get("size")?,
        originals: r.get("originals")?,
        first_published: r.get("first_published")?,
        last_published: r.get("last_published")?,
    })
}

impl SqliteStore {
    /// Open (or create) the store in `dir`. Applies pending migrations and makes the full-text
    /// index agree with the articles.
    pub fn open(dir: impl AsRef<Path>) -> Result<SqliteStore> {
        let dir = dir.as_ref().to_path_buf();
        std::fs::create_dir_all(&dir)?;
        let db = dir.join("storyline.db");
        let mut writer = connect(&db)?;
        migrate(&mut writer)?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            readers.push(Mutex::new(connect(&db)?));
        }
        let fts = Fts::open(&dir.join("fts"))?;
        let store = SqliteStore {
            dir,
            writer: Mutex::new(writer),
            readers,
            next_reader: AtomicUsize::new(0),
            fts,
        };
        store.check_index()?;
        Ok(store)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        let i = self.next_reader.fetch_add(1, Ordering::Relaxed) % self.readers.len();
        let c = self.readers[i].lock().unwrap_or_else(|e| e.into_inner());
        Ok(f(&c)?)
    }

    /// Make the full-text index agree with the articles: index what it lacks, and rebuild it
    /// when it still disagrees (lost or damaged index).
    fn check_index(&self) -> Result<()> {
        self.sync_index()?;
        let n: i64 =
            self.read(|c| c.query_row("SELECT COUNT(*) FROM articles", [], |r| r.get(0)))?;
        if self.fts.num_docs() != n as u64 {
            tracing::warn!(
                articles = n,
                indexed = self.fts.num_docs(),
                "rebuilding the full-text index"
            );
            self.fts.exclusive(|| self.index_from(0, true))?;
        }
        Ok(())
    }

    /// Index the articles after sequence number `after` (all of them, replacing the index,
    /// with `replace_all`), in chunks, up to the last one stored when called (so that it ends
    /// while writes go on).
    fn index_from(&self, mut after: i64, replace_all: bool) -> Result<()> {
        let mut first = true;
        let last: i64 = self.read(|c| {
            c.query_row("SELECT COALESCE(MAX(seq), 0) FROM articles", [], |r| {
                r.get(0)
            })
        })?;
        loop {
            let rows: Vec<(i64, String, Option<String>, String)> = self.read(|c| {
                let mut st = c.prepare(
                    "SELECT seq, id, title, text FROM articles WHERE seq > ?1 AND seq <= ?2
                     ORDER BY seq LIMIT 5000",
                )?;
                let rows = st.query_map([after, last], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?;
                rows.collect()
            })?;
            if rows.is_empty() && !(replace_all && first) {
                return Ok(());
            }
            let upto = rows.last().map_or(after, |r| r.0);
            let docs: Vec<Doc<'_>> = rows
                .iter()
                .map(|(_, id, title, text)| Doc {
                    id,
                    title: title.as_deref().unwrap_or(""),
                    text,
                })
                .collect();
            self.fts.add(&docs, upto, replace_all && first)?;
            first = false;
            after = upto;
        }
    }
}

impl Store for SqliteStore {
    fn add_articles(&self, articles: &[Article]) -> Result<AddReport> {
        let mut report = AddReport::default();
        {
            let mut c = self.writer.lock().unwrap_or_else(|e| e.into_inner());
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let now = rfc3339(Utc::now());
            for a in articles {
                let key = content_key(a);
                let exists: bool = tx
                    .query_row("SELECT 1 FROM articles WHERE key = ?1", [&key], |_| Ok(()))
                    .optional()?
                    .is_some();
                if exists {
                    report.duplicates += 1;
                    continue;
                }
                let id = free_id(&a.id, &key, |id| {
                    Ok(tx
                        .query_row("SELECT 1 FROM articles WHERE id = ?1", [id], |_| Ok(()))
                        .optional()?
                        .is_some())
                })?;
                tx.execute(
                    "INSERT INTO articles (key, id, url, source, title, byline, published,
                        language, text, origin_file, origin_line, ingested_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                    params![
                        key,
                        id,
                        a.url,
                        a.source,
                        a.title,
                        a.byline,
                        a.published_rfc3339(),
                        a.language,
                        a.text,
                        a.origin.file,
                        a.origin.line.map(|l| l as i64),
                        now
                    ],
                )?;
                report.added.push(id);
            }
            tx.commit()?;
        }
        Ok(report)
    }

    fn all_articles(&self) -> Result<Vec<Article>> {
        self.read(|c| {
            let mut st = c.prepare("SELECT * FROM articles ORDER BY seq")?;
            let rows = st.query_map([], row_article)?;
            rows.collect()
        })
    }

    fn replace_stories(
        &self,
        stories: &[StorySnapshot],
        aliases: &[(String, String)],
        article_count: u64,
    ) -> Result<()> {
        let mut c = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM stories", [])?;
        tx.execute("DELETE FROM analysis", [])?;
        {
            let mut ins = tx.prepare(
                "INSERT INTO stories (id, rank, title, size, originals, first_published,
                    last_published, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            let mut mem = tx.prepare(
                "INSERT INTO analysis (article_id, story_id, copy_of, copy_kind, similarity)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for s in stories {
                let x = &s.summary;
                ins.execute(params![
                    x.id,
                    x.rank,
                    x.title,
                    x.size,
                    x.originals,
                    x.first_published,
                    x.last_published,
                    s.json
                ])?;
                for m in &s.members {
                    mem.execute(params![
                        m.article_id,
                        x.id,
                        m.copy_of,
                        m.copy_kind,
                        m.similarity
                    ])?;
                }
            }
        }
        for (old, new) in aliases {
            tx.execute(
                "UPDATE story_aliases SET story_id = ?2 WHERE story_id = ?1",
                params![old, new],
            )?;
            tx.execute(
                "INSERT INTO story_aliases (old_id, story_id) VALUES (?1, ?2)
                 ON CONFLICT(old_id) DO UPDATE SET story_id = excluded.story_id",
                params![old, new],
            )?;
        }
        tx.execute(
            "DELETE FROM story_aliases WHERE old_id IN (SELECT id FROM stories)",
            [],
        )?;
        tx.execute(
            "INSERT INTO meta (name, value) VALUES ('snapshot_articles', ?1)
             ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            [article_count.to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn counts(&self) -> Result<Counts> {
        self.read(|c| {
            let articles: i64 = c.query_row("SELECT COUNT(*) FROM articles", [], |r| r.get(0))?;
            let stories: i64 = c.query_row("SELECT COUNT(*) FROM stories", [], |r| r.get(0))?;
            let snap: Option<String> = c
                .query_row(
                    "SELECT value FROM meta WHERE name = 'snapshot_articles'",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            Ok(Counts {
                articles: articles as u64,
                stories: stories as u64,
                snapshot_articles: snap.and_then(|s| s.parse().ok()).unwrap_or(0),
            })
        })
    }

    fn stories(&self, since: Option<DateTime<Utc>>) -> Result<Vec<StorySummary>> {
        self.read(|c| match since {
            Some(t) => {
                let mut st =
                    c.prepare("SELECT * FROM stories WHERE last_published >= ?1 ORDER BY rank")?;
                let rows = st.query_map([rfc3339(t)], row_summary)?;
                rows.collect()
            }
            None => {
                let mut st = c.prepare("SELECT * FROM stories ORDER BY rank")?;
                let rows = st.query_map([], row_summary)?;
                rows.collect()
            }
        })
    }

    fn story_json(&self, id: &str) -> Result<Option<String>> {
        self.read(|c| {
            match c
                .query_row("SELECT json FROM stories WHERE id = ?1", [id], |r| r.get(0))
                .optional()?
            {
                Some(j) => Ok(Some(j)),
                None => c
                    .query_row(
                        "SELECT s.json FROM story_aliases a JOIN stories s ON s.id = a.story_id
                         WHERE a.old_id = ?1",
                        [id],
                        |r| r.get(0),
                    )
                    .optional(),
            }
        })
    }

    fn article(&self, id: &str) -> Result<Option<StoredArticle>> {
        self.read(|c| {
            c.query_row(
                "SELECT a.*, x.story_id, x.copy_of, x.copy_kind, x.similarity
                 FROM articles a LEFT JOIN analysis x ON x.article_id = a.id WHERE a.id = ?1",
                [id],
                |r| {
                    Ok(StoredArticle {
                        key: r.get("key")?,
                        article: ArticleView::from_article(&row_article(r)?),
                        ingested_at: r.get("ingested_at")?,
                        story: r.get("story_id")?,
                        copy_of: r.get("copy_of")?,
                        copy_kind: r.get("copy_kind")?,
                        similarity: r.get("similarity")?,
                    })
                },
            )
            .optional()
        })
    }

    fn story_of(&self, article_ids: &[String]) -> Result<Vec<(String, String)>> {
        self.read(|c| {
            let mut st = c.prepare("SELECT story_id FROM analysis WHERE article_id = ?1")?;
            let mut out = Vec::new();
            for id in article_ids {
                if let Some(s) = st.query_row([id], |r| r.get(0)).optional()? {
                    out.push((id.clone(), s));
                }
            }
            Ok(out)
        })
    }

    fn search(&self, query: &str, limit: usize) -> Result<Vec<String>> {
        self.fts.search(query, limit)
    }

    fn memberships(&self) -> Result<Vec<(String, String)>> {
        self.read(|c| {
            let mut st = c.prepare("SELECT article_id, story_id FROM analysis")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect()
        })
    }

    fn sync_index(&self) -> Result<()> {
        self.fts.exclusive(|| {
            let from = self.fts.indexed_seq()?;
            self.index_from(from, false)
        })
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }
}
