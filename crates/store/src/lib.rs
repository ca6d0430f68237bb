//! Storyline's persistent store.
//!
//! A [`Store`] keeps articles (keyed by a content hash, so re-ingesting the same article is a
//! no-op), the latest story snapshot computed over them (the `Output` JSON of each story, see
//! `docs/json.md`) and a full-text index over title and text. Two backends implement it:
//!
//! - [`SqliteStore`] (the default, one directory, nothing to install): SQLite in WAL mode for
//!   everything transactional, tantivy for full-text search. The tantivy index is derived data:
//!   it is committed after SQLite and rebuilt from SQLite on open when the two disagree.
//! - [`PgStore`]: PostgreSQL (`postgres://...`), full-text search with `tsvector`.
//!
//! Stories are recomputed with the batch pipeline over all stored articles after each ingested
//! batch ([`ingest`], [`recompute`]): simple and exactly what `storyline analyze` would say.

mod fts;
mod pg;
mod sqlite;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use storyline_core::Article;
use storyline_pipeline::{analyze, NoProgress, Options, Output};

pub use pg::PgStore;
pub use sqlite::SqliteStore;

/// Version of the schema this build writes (both backends).
pub const SCHEMA_VERSION: i64 = 3;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("postgres: {0}")]
    Postgres(#[from] postgres::Error),
    #[error("full-text index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("full-text index directory: {0}")]
    IndexDir(#[from] tantivy::directory::error::OpenDirectoryError),
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("store schema version {found} is newer than this build supports ({supported})")]
    TooNew { found: i64, supported: i64 },
    #[error("{0}")]
    Other(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An article as stored, with what the latest analysis says about it.
#[derive(Debug, Clone, Serialize)]
pub struct StoredArticle {
    /// Content hash (hex), the article's key.
    pub key: String,
    #[serde(flatten)]
    pub article: ArticleView,
    pub ingested_at: String,
    /// Story of the latest snapshot (null until stories are recomputed).
    pub story: Option<String>,
    pub copy_of: Option<String>,
    pub copy_kind: Option<String>,
    pub similarity: Option<f64>,
}

/// The article fields, serialised like `storyline extract` (published as RFC 3339).
#[derive(Debug, Clone, Serialize)]
pub struct ArticleView {
    pub id: String,
    pub title: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub byline: Option<String>,
    pub published: Option<String>,
    pub language: Option<String>,
    pub origin: String,
    pub text: String,
}

impl ArticleView {
    pub fn from_article(a: &Article) -> ArticleView {
        ArticleView {
            id: a.id.clone(),
            title: a.title.clone(),
            source: a.source.clone(),
            url: a.url.clone(),
            byline: a.byline.clone(),
            published: a.published_rfc3339(),
            language: a.language.clone(),
            origin: a.origin.to_string(),
            text: a.text.clone(),
        }
    }
}

/// One row of the story list.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StorySummary {
    pub id: String,
    /// Position in the snapshot (0 = biggest story).
    pub rank: i64,
    pub title: Option<String>,
    pub size: i64,
    pub originals: i64,
    pub first_published: Option<String>,
    pub last_published: Option<String>,
}

/// One story of a snapshot, ready to be written.
#[derive(Debug, Clone)]
pub struct StorySnapshot {
    pub summary: StorySummary,
    /// The story's `Output` JSON (docs/json.md, `stories[]`).
    pub json: String,
    pub members: Vec<Member>,
}

/// An article's place in a snapshot.
#[derive(Debug, Clone)]
pub struct Member {
    pub article_id: String,
    pub copy_of: Option<String>,
    pub copy_kind: Option<String>,
    pub similarity: Option<f64>,
}

/// Ids of stories that are gone → the story that holds most of their articles now.
pub type Aliases = Vec<(String, String)>;

/// What one `add_articles` call did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AddReport {
    /// Ids of the articles newly stored (renamed when their id was taken by other content).
    pub added: Vec<String>,
    /// Articles whose content was already stored.
    pub duplicates: usize,
}

/// Counts for health and metrics.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Counts {
    pub articles: u64,
    pub stories: u64,
    /// Number of articles the current story snapshot was computed over.
    pub snapshot_articles: u64,
}

/// Storage of articles and story snapshots. Every write is one transaction: when a call
/// returns `Ok`, what it wrote survives a crash of the process.
pub trait Store: Send + Sync {
    /// Store the articles not stored yet (by content hash); one transaction.
    fn add_articles(&self, articles: &[Article]) -> Result<AddReport>;
    /// Every stored article, in insertion order.
    fn all_articles(&self) -> Result<Vec<Article>>;
    /// Replace the story snapshot (one transaction); `article_count` articles were analysed.
    /// `aliases` maps ids of stories that are gone (merged, split) to the story that holds
    /// most of their articles now; [`Store::story_json`] follows them.
    fn replace_stories(
        &self,
        stories: &[StorySnapshot],
        aliases: &[(String, String)],
        article_count: u64,
    ) -> Result<()>;
    fn counts(&self) -> Result<Counts>;
    /// Stories by rank; with `since`, only those whose last article is at or after it.
    fn stories(&self, since: Option<DateTime<Utc>>) -> Result<Vec<StorySummary>>;
    /// The story's `Output` JSON; the id of a story that is gone leads to its successor
    /// (whose JSON carries its own id).
    fn story_json(&self, id: &str) -> Result<Option<String>>;
    fn article(&self, id: &str) -> Result<Option<StoredArticle>>;
    /// Story of each of these articles (ids not found are skipped).
    fn story_of(&self, article_ids: &[String]) -> Result<Vec<(String, String)>>;
    /// Ids of the articles matching a free-text query over title and text, best first.
    fn search(&self, query: &str, limit: usize) -> Result<Vec<String>>;
    /// (article id, story id) of the current snapshot.
    fn memberships(&self) -> Result<Vec<(String, String)>>;
    /// Bring the full-text index up to date with the stored articles (a no-op for backends
    /// that index inside their transaction). Writes return before indexing, so search
    /// follows them shortly; `ingest` calls this before returning.
    fn sync_index(&self) -> Result<()> {
        Ok(())
    }
    /// Name of the backend (`sqlite`, `postgres`).
    fn backend(&self) -> &'static str;
}

/// Open a store: `postgres://` / `postgresql://` URLs open PostgreSQL, anything else is the
/// directory of an embedded store (created when missing).
pub fn open(spec: &str) -> Result<Box<dyn Store>> {
    if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
        Ok(Box::new(PgStore::connect(spec)?))
    } else {
        Ok(Box::new(SqliteStore::open(spec)?))
    }
}

/// Content hash of an article: what it says, not where it was read from (id and origin are
/// left out, so the same article read from another file is recognised).
pub fn content_key(a: &Article) -> String {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for part in [
        a.title.as_deref().unwrap_or(""),
        a.url.as_deref().unwrap_or(""),
        a.source.as_deref().unwrap_or(""),
        a.byline.as_deref().unwrap_or(""),
        &a.published_rfc3339().unwrap_or_default(),
        &a.text,
    ] {
        h.update(part.as_bytes());
        h.update(&[0xff]);
    }
    format!("{:032x}", h.digest128())
}

/// Id of a new story: derived from its first article (in publication order).
pub fn story_id(first_article: &str) -> String {
    format!(
        "st-{:012x}",
        xxhash_rust::xxh3::xxh3_64(first_article.as_bytes()) & 0xffff_ffff_ffff
    )
}

/// Story ids for a new snapshot: a story keeps the id of the previous story that most of its
/// articles belonged to (each old id goes to one story, biggest overlap first), so ids stay
/// stable as stories grow; other stories get [`story_id`] of their first article.
/// Also returns the aliases of the previous ids no story kept: old id → the new story that
/// holds most of its articles.
fn assign_ids(
    stories: &[Vec<&str>],
    previous: &HashMap<String, String>,
) -> (Vec<String>, Vec<(String, usize)>) {
    let mut votes: Vec<(usize, usize, &str)> = Vec::new();
    for (i, members) in stories.iter().enumerate() {
        let mut count: HashMap<&str, usize> = HashMap::new();
        for a in members {
            if let Some(old) = previous.get(*a) {
                *count.entry(old.as_str()).or_default() += 1;
            }
        }
        votes.extend(count.into_iter().map(|(old, n)| (n, i, old)));
    }
    // Biggest overlap first; ties by rank, then old id (deterministic).
    votes.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(b.2)));
    let mut ids: Vec<Option<String>> = vec![None; stories.len()];
    let mut used: HashSet<String> = HashSet::new();
    for &(_, i, old) in &votes {
        if ids[i].is_none() && !used.contains(old) {
            used.insert(old.to_string());
            ids[i] = Some(old.to_string());
        }
    }
    // Old ids left without a story: the new story with most of their articles (first in
    // `votes`, which is sorted by overlap).
    let mut aliases: Vec<(String, usize)> = Vec::new();
    let mut aliased: HashSet<&str> = HashSet::new();
    for &(_, i, old) in &votes {
        if !used.contains(old) && aliased.insert(old) {
            aliases.push((old.to_string(), i));
        }
    }
    let ids = ids
        .into_iter()
        .enumerate()
        .map(|(i, id)| {
            id.unwrap_or_else(|| {
                let base = story_id(stories[i][0]);
                let mut id = base.clone();
                let mut n = 2;
                while used.contains(&id) {
                    id = format!("{base}-{n}");
                    n += 1;
                }
                used.insert(id.clone());
                id
            })
        })
        .collect();
    (ids, aliases)
}

/// Run the batch pipeline over these articles and build the snapshot to store; `previous`
/// maps article ids to their story in the last snapshot (for stable ids).
/// Also returns the aliases of previous story ids that no story kept (old id → new id).
pub fn snapshot(
    articles: Vec<Article>,
    previous: &HashMap<String, String>,
    opts: &Options,
) -> Result<(Vec<StorySnapshot>, Aliases)> {
    let analysis = analyze(articles, opts, &NoProgress);
    let out = Output::from_analysis(&analysis, Vec::new(), false);
    let members: Vec<Vec<&str>> = out
        .stories
        .iter()
        .map(|s| s.articles.iter().map(|a| a.id.as_str()).collect())
        .collect();
    let (ids, aliases) = assign_ids(&members, previous);
    let aliases = aliases
        .into_iter()
        .map(|(old, i)| (old, ids[i].clone()))
        .collect();
    let mut snaps = Vec::with_capacity(out.stories.len());
    for ((rank, mut s), id) in out.stories.into_iter().enumerate().zip(ids) {
        s.id = id;
        let members = s
            .articles
            .iter()
            .map(|a| Member {
                article_id: a.id.clone(),
                copy_of: a.copy_of.clone(),
                copy_kind: a.copy_kind.map(String::from),
                similarity: a.similarity,
            })
            .collect();
        snaps.push(StorySnapshot {
            summary: StorySummary {
                id: s.id.clone(),
                rank: rank as i64,
                title: s.title.clone(),
                size: s.size as i64,
                originals: s.originals as i64,
                first_published: s.first_published.clone(),
                last_published: s.last_published.clone(),
            },
            json: serde_json::to_string(&s)?,
            members,
        });
    }
    Ok((snaps, aliases))
}

/// Recompute the stories over every stored article and store the snapshot.
/// Returns the number of stories.
pub fn recompute(store: &dyn Store, opts: &Options) -> Result<usize> {
    let articles = store.all_articles()?;
    let previous: HashMap<String, String> = store.memberships()?.into_iter().collect();
    let n = articles.len() as u64;
    let (snaps, aliases) = snapshot(articles, &previous, opts)?;
    store.replace_stories(&snaps, &aliases, n)?;
    tracing::info!(articles = n, stories = snaps.len(), "stories recomputed");
    Ok(snaps.len())
}

/// Recompute the stories when the snapshot does not cover every stored article (e.g. the
/// process was killed between storing a batch and recomputing). Returns whether it did.
pub fn ensure_fresh(store: &dyn Store, opts: &Options) -> Result<bool> {
    let c = store.counts()?;
    if c.articles != c.snapshot_articles {
        recompute(store, opts)?;
        return Ok(true);
    }
    Ok(false)
}

/// Store a batch and, when anything new arrived (or the snapshot was stale), recompute the
/// stories. The articles are durable once `add_articles` returned.
pub fn ingest(store: &dyn Store, articles: &[Article], opts: &Options) -> Result<AddReport> {
    let report = store.add_articles(articles)?;
    store.sync_index()?;
    if !report.added.is_empty() {
        recompute(store, opts)?;
    } else {
        ensure_fresh(store, opts)?;
    }
    Ok(report)
}

/// Filters of the story list.
#[derive(Debug, Clone, Default)]
pub struct StoryFilter {
    pub since: Option<DateTime<Utc>>,
    /// Free-text query: only stories with an article matching it, best match first.
    pub query: Option<String>,
    pub limit: Option<usize>,
}

/// The story list with filters applied.
pub fn list_stories(store: &dyn Store, f: &StoryFilter) -> Result<Vec<StorySummary>> {
    let mut all = store.stories(f.since)?;
    if let Some(q) = f.query.as_deref().filter(|q| !q.trim().is_empty()) {
        let ids = store.search(q, 500)?;
        let story_of: HashMap<String, String> = store.story_of(&ids)?.into_iter().collect();
        let mut order: Vec<String> = Vec::new();
        for id in &ids {
            if let Some(s) = story_of.get(id) {
                if !order.contains(s) {
                    order.push(s.clone());
                }
            }
        }
        let pos = |id: &str| order.iter().position(|s| s == id);
        all.retain(|s| pos(&s.id).is_some());
        all.sort_by_key(|s| pos(&s.id));
    }
    if let Some(l) = f.limit {
        all.truncate(l);
    }
    Ok(all)
}

/// `--since` value: RFC 3339 or a date (`YYYY-MM-DD`, midnight UTC).
pub fn parse_since(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s.trim()) {
        return Some(t.with_timezone(&Utc));
    }
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

pub(crate) fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(crate) fn parse_time(s: Option<String>) -> Option<DateTime<Utc>> {
    s.and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// Give each new article an id not used by other content: `id`, else `id~<hash prefix>`.
pub(crate) fn free_id(
    id: &str,
    key: &str,
    mut taken: impl FnMut(&str) -> Result<bool>,
) -> Result<String> {
    let base = if id.is_empty() { &key[..12] } else { id };
    if !taken(base)? {
        return Ok(base.to_string());
    }
    for n in [8usize, 16, 32] {
        let c = format!("{base}~{}", &key[..n]);
        if !taken(&c)? {
            return Ok(c);
        }
    }
    Err(StoreError::Other(format!("no free id for {id}")))
}

#[cfg(test)]
mod tests;
