//! The PostgreSQL backend (`--store postgres://...`): same tables as the embedded store, full-text
//! search with a generated `tsvector` column and a GIN index.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use postgres::{Client, NoTls};
use storyline_core::{Article, Origin};

use crate::{
    content_key, free_id, parse_time, rfc3339, AddReport, ArticleView, Counts, Result, Store,
    StoreError, StoredArticle, StorySnapshot, StorySummary, SCHEMA_VERSION,
};

const MIGRATIONS: &[&str] = &[
    "CREATE TABLE articles (
        seq BIGSERIAL PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        id TEXT NOT NULL UNIQUE,
        url TEXT, source TEXT, title TEXT, byline TEXT,
        published TEXT, language TEXT,
        text TEXT NOT NULL,
        origin_file TEXT NOT NULL, origin_line BIGINT,
        ingested_at TEXT NOT NULL,
        tsv tsvector GENERATED ALWAYS AS
            (to_tsvector('simple', coalesce(title, '') || ' ' || text)) STORED
     );
     CREATE INDEX articles_tsv ON articles USING GIN (tsv);
     CREATE TABLE stories (
        id TEXT PRIMARY KEY, rank BIGINT NOT NULL, title TEXT,
        size BIGINT NOT NULL, originals BIGINT NOT NULL,
        first_published TEXT, last_published TEXT, json TEXT NOT NULL
     );
     CREATE TABLE analysis (
        article_id TEXT PRIMARY KEY, story_id TEXT NOT NULL,
        copy_of TEXT, copy_kind TEXT, similarity DOUBLE PRECISION
     );
     CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);",
    "CREATE INDEX stories_rank ON stories(rank);
     CREATE INDEX stories_last ON stories(last_published);
     CREATE INDEX analysis_story ON analysis(story_id);",
    "CREATE TABLE story_aliases (old_id TEXT PRIMARY KEY, story_id TEXT NOT NULL);",
];

pub struct PgStore {
    /// Always `Some` until dropped.
    client: Mutex<Option<Client>>,
}

/// The locked client.
struct Locked<'a>(std::sync::MutexGuard<'a, Option<Client>>);

impl std::ops::Deref for Locked<'_> {
    type Target = Client;
    fn deref(&self) -> &Client {
        self.0.as_ref().expect("client present until drop")
    }
}

impl std::ops::DerefMut for Locked<'_> {
    fn deref_mut(&mut self) -> &mut Client {
        self.0.as_mut().expect("client present until drop")
    }
}

impl Drop for PgStore {
    /// The synchronous client owns a small runtime, which may not be dropped inside an async
    /// context (the server's): drop it on a thread of its own.
    fn drop(&mut self) {
        let client = self
            .client
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(c) = client {
            std::thread::spawn(move || drop(c)).join().ok();
        }
    }
}

fn row_article(r: &postgres::Row) -> Article {
    Article {
        id: r.get("id"),
        url: r.get("url"),
        source: r.get("source"),
        title: r.get("title"),
        byline: r.get("byline"),
        published: parse_time(r.get("published")),
        language: r.get("language"),
        text: r.get("text"),
        origin: Origin {
            file: r.get("origin_file"),
            line: r.get::<_, Option<i64>>("origin_line").map(|l| l as u64),
        },
    }
}

fn row_summary(r: &postgres::Row) -> StorySummary {
    StorySummary {
        id: r.get("id"),
        rank: r.get("rank"),
        title: r.get("title"),
        size: r.get("size"),
        originals: r.get("originals"),
        first_published: r.get("first_published"),
        last_published: r.get("last_published"),
    }
}

const ARTICLE_COLS: &str = "id, url, source, title, byline, published, language, text, \
                            origin_file, origin_line, key, ingested_at";

impl PgStore {
    /// Connect and bring the schema to [`SCHEMA_VERSION`] (under an advisory lock, so
    /// concurrent openers migrate once).
    pub fn connect(url: &str) -> Result<PgStore> {
        let mut client = Client::connect(url, NoTls)?;
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock(424242)", &[])?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_version (
                version BIGINT NOT NULL, applied_at TEXT NOT NULL)",
        )?;
        let current: i64 = tx
            .query_one(
                "SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_version",
                &[],
            )?
            .get(0);
        if current > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                found: current,
                supported: SCHEMA_VERSION,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            tx.batch_execute(sql)?;
            tx.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)",
                &[&(i as i64 + 1), &rfc3339(Utc::now())],
            )?;
        }
        tx.commit()?;
        Ok(PgStore {
            client: Mutex::new(Some(client)),
        })
    }

    fn client(&self) -> Locked<'_> {
        Locked(self.client.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Store for PgStore {
    fn add_articles(&self, articles: &[Article]) -> Result<AddReport> {
        let mut report = AddReport::default();
        let mut c = self.client();
        let mut tx = c.transaction()?;
        // One writer at a time: ids are chosen by looking at what is stored.
        tx.execute("SELECT pg_advisory_xact_lock(424243)", &[])?;
        let now = rfc3339(Utc::now());
        for a in articles {
            let key = content_key(a);
            if tx
                .query_opt("SELECT 1 FROM articles WHERE key = $1", &[&key])?
                .is_some()
            {
                report.duplicates += 1;
                continue;
            }
            let id = free_id(&a.id, &key, |id| {
                Ok(tx
                    .query_opt("SELECT 1 FROM articles WHERE id = $1", &[&id])?
                    .is_some())
            })?;
            tx.execute(
                "INSERT INTO articles (key, id, url, source, title, byline, published,
                    language, text, origin_file, origin_line, ingested_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                &[
                    &key,
                    &id,
                    &a.url,
                    &a.source,
                    &a.title,
                    &a.byline,
                    &a.published_rfc3339(),
                    &a.language,
                    &a.text,
                    &a.origin.file,
                    &a.origin.line.map(|l| l as i64),
                    &now,
                ],
            )?;
            report.added.push(id);
        }
        tx.commit()?;
        Ok(report)
    }

    fn all_articles(&self) -> Result<Vec<Article>> {
        let rows = self.client().query(
            &format!("SELECT {ARTICLE_COLS} FROM articles ORDER BY seq"),
            &[],
        )?;
        Ok(rows.iter().map(row_article).collect())
    }

    fn replace_stories(
        &self,
        stories: &[StorySnapshot],
        aliases: &[(String, String)],
        article_count: u64,
    ) -> Result<()> {
        let mut c = self.client();
        let mut tx = c.transaction()?;
        tx.batch_execute("DELETE FROM stories; DELETE FROM analysis;")?;
        let ins = tx.prepare(
            "INSERT INTO stories (id, rank, title, size, originals, first_published,
                last_published, json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )?;
        let mem = tx.prepare(
            "INSERT INTO analysis (article_id, story_id, copy_of, copy_kind, similarity)
             VALUES ($1, $2, $3, $4, $5)",
        )?;
        for s in stories {
            let x = &s.summary;
            tx.execute(
                &ins,
                &[
                    &x.id,
                    &x.rank,
                    &x.title,
                    &x.size,
                    &x.originals,
                    &x.first_published,
                    &x.last_published,
                    &s.json,
                ],
            )?;
            for m in &s.members {
                tx.execute(
                    &mem,
                    &[
                        &m.article_id,
                        &x.id,
                        &m.copy_of,
                        &m.copy_kind,
                        &m.similarity,
                    ],
                )?;
            }
        }
        for (old, new) in aliases {
            tx.execute(
                "UPDATE story_aliases SET story_id = $2 WHERE story_id = $1",
                &[old, new],
            )?;
            tx.execute(
                "INSERT INTO story_aliases (old_id, story_id) VALUES ($1, $2)
                 ON CONFLICT (old_id) DO UPDATE SET story_id = excluded.story_id",
                &[old, new],
            )?;
        }
        tx.execute(
            "DELETE FROM story_aliases WHERE old_id IN (SELECT id FROM stories)",
            &[],
        )?;
        tx.execute(
            "INSERT INTO meta (name, value) VALUES ('snapshot_articles', $1)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            &[&article_count.to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn counts(&self) -> Result<Counts> {
        let mut c = self.client();
        let articles: i64 = c.query_one("SELECT COUNT(*) FROM articles", &[])?.get(0);
        let stories: i64 = c.query_one("SELECT COUNT(*) FROM stories", &[])?.get(0);
        let snap: Option<String> = c
            .query_opt(
                "SELECT value FROM meta WHERE name = 'snapshot_articles'",
                &[],
            )?
            .map(|r| r.get(0));
        Ok(Counts {
            articles: articles as u64,
            stories: stories as u64,
            snapshot_articles: snap.and_then(|s| s.parse().ok()).unwrap_or(0),
        })
    }

    fn stories(&self, since: Option<DateTime<Utc>>) -> Result<Vec<StorySummary>> {
        let mut c = self.client();
        let rows = match since {
            Some(t) => c.query(
                "SELECT * FROM stories WHERE last_published >= $1 ORDER BY rank",
                &[&rfc3339(t)],
            )?,
            None => c.query("SELECT * FROM stories ORDER BY rank", &[])?,
        };
        Ok(rows.iter().map(row_summary).collect())
    }

    fn story_json(&self, id: &str) -> Result<Option<String>> {
        let mut c = self.client();
        if let Some(r) = c.query_opt("SELECT json FROM stories WHERE id = $1", &[&id])? {
            return Ok(Some(r.get(0)));
        }
        Ok(c.query_opt(
            "SELECT s.json FROM story_aliases a JOIN stories s ON s.id = a.story_id
             WHERE a.old_id = $1",
            &[&id],
        )?
        .map(|r| r.get(0)))
    }

    fn article(&self, id: &str) -> Result<Option<StoredArticle>> {
        let row = self.client().query_opt(
            "SELECT a.id, a.url, a.source, a.title, a.byline, a.published, a.language, a.text,
                a.origin_file, a.origin_line, a.key, a.ingested_at,
                x.story_id, x.copy_of, x.copy_kind, x.similarity
             FROM articles a LEFT JOIN analysis x ON x.article_id = a.id WHERE a.id = $1",
            &[&id],
        )?;
        Ok(row.map(|r| StoredArticle {
            key: r.get("key"),
            article: ArticleView::from_article(&row_article(&r)),
            ingested_at: r.get("ingested_at"),
            story: r.get("story_id"),
            copy_of: r.get("copy_of"),
            copy_kind: r.get("copy_kind"),
            similarity: r.get("similarity"),
        }))
    }

    fn story_of(&self, article_ids: &[String]) -> Result<Vec<(String, String)>> {
        let rows = self.client().query(
            "SELECT article_id, story_id FROM analysis WHERE article_id = ANY($1)",
            &[&article_ids],
        )?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    fn search(&self, query: &str, limit: usize) -> Result<Vec<String>> {
        let rows = self.client().query(
            "SELECT id FROM articles, websearch_to_tsquery('simple', $1) q
             WHERE tsv @@ q ORDER BY ts_rank(tsv, q) DESC, seq LIMIT $2",
            &[&query, &(limit as i64)],
        )?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn memberships(&self) -> Result<Vec<(String, String)>> {
        let rows = self
            .client()
            .query("SELECT article_id, story_id FROM analysis", &[])?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    fn backend(&self) -> &'static str {
        "postgres"
    }
}
