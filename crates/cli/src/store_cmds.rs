//! `storyline ingest | stories | show | serve`: the persistent store and the server.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use serde_json::Value;
use storyline_pipeline::Options;
use storyline_store::{list_stories, parse_since, StoryFilter};

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Json,
    Markdown,
}

/// Where the store lives: a directory (embedded store, created when missing) or a
/// `postgres://user@host:port/db` URL.
#[derive(Args)]
pub struct StoreArg {
    #[arg(long, value_name = "DIR|URL", env = "STORYLINE_STORE")]
    pub store: String,
}

#[derive(Args)]
pub struct IngestArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// Files, folders or `-` (stdin), as for `analyze`.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Articles per transaction; stories are recomputed after each.
    #[arg(long, default_value_t = 500)]
    pub batch_size: usize,
}

#[derive(Args)]
pub struct StoriesArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// Only stories with an article published at or after this time (RFC 3339 or YYYY-MM-DD).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only stories with an article matching this full-text query (title and text).
    #[arg(long, short, value_name = "Q")]
    pub query: Option<String>,
    #[arg(long, value_enum, default_value = "json")]
    pub format: Format,
    /// At most N stories.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

#[derive(Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// Story id (`st-…`, from `storyline stories`).
    pub story: String,
    #[arg(long, value_enum, default_value = "json")]
    pub format: Format,
}

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
    pub addr: String,
    /// Bearer token that allows writes (POST /api/articles); without one the server is
    /// read-only.
    #[arg(long, env = "STORYLINE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Requests per second allowed per client address (burst: twice as many).
    #[arg(long, default_value_t = 200.0)]
    pub rate_limit: f64,
    /// Ingest these files or folders at start (as `storyline ingest` would).
    #[arg(long, value_name = "PATH")]
    pub ingest: Vec<PathBuf>,
    /// Poll this RSS/Atom feed (repeatable). Items with only a summary get the text of the
    /// page they link to.
    #[arg(long, value_name = "URL")]
    pub feed: Vec<String>,
    /// Poll the feeds listed in FILE (one URL a line; `#` starts a comment).
    #[arg(long, value_name = "FILE")]
    pub feeds: Option<PathBuf>,
    /// Seconds between polls of a feed (doubled after each error, up to an hour).
    #[arg(long, value_name = "SECS", default_value_t = 300.0)]
    pub feed_interval: f64,
}

/// The store as shown in messages: a URL's password is hidden.
fn shown(store: &str) -> String {
    if let (Some(scheme_end), Some(at)) = (store.find("://"), store.rfind('@')) {
        let userinfo = &store[scheme_end + 3..at];
        if let Some(colon) = userinfo.find(':') {
            return format!(
                "{}{}:***{}",
                &store[..scheme_end + 3],
                &userinfo[..colon],
                &store[at..]
            );
        }
    }
    store.to_string()
}

fn open(s: &StoreArg) -> Result<Box<dyn storyline_store::Store>> {
    storyline_store::open(&s.store)
        .with_context(|| format!("cannot open the store {}", shown(&s.store)))
}

pub fn ingest(args: IngestArgs) -> Result<ExitCode> {
    let store = open(&args.store)?;
    let opts = Options::default();
    storyline_store::ensure_fresh(store.as_ref(), &opts)?;
    let batch_size = args.batch_size.max(1);
    let mut batch = Vec::with_capacity(batch_size);
    let mut failure: Option<anyhow::Error> = None;
    let (mut added, mut dups) = (0usize, 0usize);
    let mut commit = |batch: &mut Vec<storyline_core::Article>| -> Result<()> {
        let r = storyline_store::ingest(store.as_ref(), batch, &opts)?;
        let c = store.counts()?;
        added += r.added.len();
        dups += r.duplicates;
        // One acknowledgement per committed batch: these articles are durable.
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "committed {} articles ({} already stored) through {}; store holds {} articles, {} stories",
            r.added.len(),
            r.duplicates,
            batch.last().map(|a| a.id.as_str()).unwrap_or("-"),
            c.articles,
            c.stories
        )?;
        out.flush()?;
        batch.clear();
        Ok(())
    };
    let errors = crate::read_all(&args.paths, |a| {
        if failure.is_some() {
            return;
        }
        batch.push(a);
        if batch.len() >= batch_size {
            if let Err(e) = commit(&mut batch) {
                failure = Some(e);
            }
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    if !batch.is_empty() {
        commit(&mut batch)?;
    }
    for e in &errors {
        eprintln!("storyline: {e}");
    }
    eprintln!(
        "storyline: {added} new articles, {dups} already stored, {} unreadable",
        errors.len()
    );
    Ok(if added + dups == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub fn stories(args: StoriesArgs) -> Result<ExitCode> {
    let store = open(&args.store)?;
    let since = match &args.since {
        Some(s) => Some(
            parse_since(s)
                .with_context(|| format!("--since {s:?}: expected RFC 3339 or YYYY-MM-DD"))?,
        ),
        None => None,
    };
    let list = list_stories(
        store.as_ref(),
        &StoryFilter {
            since,
            query: args.query.clone(),
            limit: args.limit,
        },
    )?;
    let mut w = crate::open_out(&None)?;
    match args.format {
        Format::Json => {
            serde_json::to_writer(&mut w, &serde_json::json!({ "stories": list }))?;
            writeln!(w)?;
        }
        Format::Markdown => {
            writeln!(w, "# {} stories\n", list.len())?;
            for s in &list {
                writeln!(
                    w,
                    "- `{}` {} — {} articles, {} originals{}",
                    s.id,
                    s.title.as_deref().unwrap_or("(untitled)"),
                    s.size,
                    s.originals,
                    s.last_published
                        .as_deref()
                        .map(|t| format!(", last {t}"))
                        .unwrap_or_default()
                )?;
            }
        }
    }
    w.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn show(args: ShowArgs) -> Result<ExitCode> {
    let store = open(&args.store)?;
    let Some(json) = store.story_json(&args.story)? else {
        bail!("no story {} in {}", args.story, shown(&args.store.store));
    };
    let v: Value = serde_json::from_str(&json)?;
    let mut w = crate::open_out(&None)?;
    match args.format {
        Format::Json => serde_json::to_writer_pretty(&mut w, &v)?,
        Format::Markdown => {
            let s = |v: &Value| v.as_str().unwrap_or("").to_string();
            writeln!(
                w,
                "# {} — {}\n",
                s(&v["id"]),
                v["title"].as_str().unwrap_or("(untitled)")
            )?;
            writeln!(w, "{} articles, {} originals\n", v["size"], v["originals"])?;
            for a in v["articles"].as_array().into_iter().flatten() {
                let mut line = format!(
                    "- `{}` {}",
                    s(&a["id"]),
                    a["title"].as_str().unwrap_or("(untitled)")
                );
                if let Some(src) = a["source"].as_str() {
                    line.push_str(&format!(" — {src}"));
                }
                if let Some(p) = a["published"].as_str() {
                    line.push_str(&format!(" ({p})"));
                }
                if let Some(o) = a["copy_of"].as_str() {
                    line.push_str(&format!(
                        " — **{} copy of `{o}`**",
                        a["copy_kind"].as_str().unwrap_or("near")
                    ));
                }
                writeln!(w, "{line}")?;
            }
        }
    }
    writeln!(w)?;
    w.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn serve(args: ServeArgs) -> Result<ExitCode> {
    let store: Arc<dyn storyline_store::Store> = Arc::from(open(&args.store)?);
    let opts = Options::default();
    if !args.ingest.is_empty() {
        let mut articles = Vec::new();
        let errors = crate::read_all(&args.ingest, |a| articles.push(a));
        for e in &errors {
            eprintln!("storyline: {e}");
        }
        let r = storyline_store::ingest(store.as_ref(), &articles, &opts)?;
        eprintln!(
            "storyline: ingested {} new articles ({} already stored)",
            r.added.len(),
            r.duplicates
        );
    }
    storyline_store::ensure_fresh(store.as_ref(), &opts)?;
    let mut feeds = args.feed.clone();
    if let Some(f) = &args.feeds {
        let list = std::fs::read_to_string(f)
            .with_context(|| format!("cannot read the feeds file {}", f.display()))?;
        feeds.extend(
            list.lines()
                .map(|l| l.split('#').next().unwrap_or("").trim())
                .filter(|l| !l.is_empty())
                .map(String::from),
        );
    }
    if args.feed_interval.is_nan() || args.feed_interval <= 0.0 {
        bail!("--feed-interval must be positive");
    }
    let config = storyline_serve::Config {
        feeds: storyline_serve::FeedConfig {
            urls: feeds,
            interval: std::time::Duration::from_secs_f64(args.feed_interval),
            ..Default::default()
        },
        addr: args.addr.clone(),
        token: args.token.filter(|t| !t.is_empty()),
        rate_limit: args.rate_limit,
        ..Default::default()
    };
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&config.addr)
            .await
            .with_context(|| format!("cannot listen on {}", config.addr))?;
        eprintln!(
            "storyline: serving {} on http://{} ({})",
            shown(&args.store.store),
            listener.local_addr()?,
            if config.token.is_some() {
                "writes need the token"
            } else {
                "read-only: no token"
            }
        );
        storyline_serve::serve(listener, store, config).await?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            super::shown("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(super::shown("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(super::shown("/var/lib/storyline"), "/var/lib/storyline");
    }
}
