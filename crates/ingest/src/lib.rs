//! Storyline's sources: read [`Article`]s from text, JSON / JSON-lines and HTML files,
//! folders, stdin, any of them gzip-compressed.
//!
//! * [`discover`] expands the paths a user gave (folders recursively, in sorted order);
//! * [`read_input`] streams the articles of one input to a callback, with one [`ItemError`]
//!   per item that could not be read (the run goes on);
//! * [`read_paths`] does both.
//!
//! # Formats
//!
//! The format comes from the extension, after stripping `.gz` (gzip is also recognised by its
//! magic bytes); stdin and files of unknown extension are sniffed (`<` → HTML, `{` / `[` →
//! JSON or JSON lines, otherwise text).
//!
//! | format | article id | notes |
//! |---|---|---|
//! | `.txt`, `.text` | file name without extensions | a short first line without a final period is the title |
//! | `.jsonl`, `.ndjson` | `id`, else `<stem>:<line>` | streamed line by line; a bad line is one error |
//! | `.json` | `id`, else `<stem>` (one object) or `<stem>#<index>` (array) | one object, an array, or several objects |
//! | `.html`, `.htm` | file name without extensions | main text extracted, see [`html`] |
//!
//! JSON fields (first present wins): `id`; `title`, `headline`; `text`, `body`, `content`,
//! `maintext`, `article`; `url`; `source`, `publisher`, `site`, `source_domain` (else the
//! URL's host without `www.`); `published`, `date`, `date_publish`, `published_at`,
//! `timestamp` (see [`date`]); `author`, `byline`, `authors` (arrays joined with ", ");
//! `language`, `lang`. A record with `html` / `raw_html` and no text has its HTML extracted.
//!
//! Standard input has the stem `stdin` in ids (`stdin:3`) and the name `-` in errors and
//! origins (`-:3`).
//!
//! Languages are ISO 639-3 codes (`eng`): declared ones are normalised, missing ones detected
//! from the text with whatlang. For HTML pages the detected language comes first (a page's
//! `lang` attribute is often a template default), the declared one is the fallback.
//!
//! Bad input is reported, never fatal: an empty file, binary data, invalid UTF-8 in text or
//! JSON (with its byte offset), a document over [`ReadOptions::max_document_bytes`] (refused
//! before reading when its size is known), corrupt gzip, a bad JSON line (that line only).

pub mod date;
pub mod html;
mod lang;
mod read;
mod record;
mod text;

use std::path::{Path, PathBuf};

pub use storyline_core::{Article, ItemError, Origin};

/// The record `storyline extract` writes for an article (one JSON line each):
/// `{"id","title","text","url","source","published","language","byline"}`.
pub fn extract_record(a: &Article) -> serde_json::Value {
    serde_json::json!({
        "id": a.id,
        "title": a.title,
        "text": a.text,
        "url": a.url,
        "source": a.source,
        "published": a.published_rfc3339(),
        "language": a.language,
        "byline": a.byline,
    })
}

/// One input to read: a file or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    /// The path as given, or `-` for stdin.
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "-".to_string(),
            Input::File(p) => p.display().to_string(),
        }
    }
}

/// The inputs found by [`discover`], the paths that could not be used, and the total size
/// on disk of the files (for progress bars; stdin counts 0).
#[derive(Debug, Clone, Default)]
pub struct Discovered {
    pub inputs: Vec<Input>,
    pub errors: Vec<ItemError>,
    pub total_bytes: u64,
}

/// Limits and switches of [`read_input`].
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Largest document (text, JSON or HTML file, after decompression) read; larger ones are
    /// one error. JSON-lines files are streamed and have no total limit.
    pub max_document_bytes: u64,
    /// Longest JSON line read; a longer one is one error and is skipped.
    pub max_line_bytes: usize,
    /// Detect the language of articles that do not declare one.
    pub detect_language: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_document_bytes: 32 * 1024 * 1024,
            max_line_bytes: 8 * 1024 * 1024,
            detect_language: true,
        }
    }
}

/// The formats we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Text,
    Json,
    JsonLines,
    Html,
}

/// File name without directory, `.gz` and the format extension: `a/news.jsonl.gz` → `news`.
pub(crate) fn stem_of(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let mut s = name.as_str();
    if let Some(base) = strip_suffix_ci(s, ".gz") {
        s = base;
    }
    if let Some(dot) = s.rfind('.') {
        if dot > 0 && format_of_extension(&s[dot + 1..]).is_some() {
            s = &s[..dot];
        }
    }
    if s.is_empty() {
        name
    } else {
        s.to_string()
    }
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let n = s.len().checked_sub(suffix.len())?;
    (s.is_char_boundary(n) && s[n..].eq_ignore_ascii_case(suffix)).then(|| &s[..n])
}

fn format_of_extension(ext: &str) -> Option<Format> {
    Some(match ext.to_ascii_lowercase().as_str() {
        "txt" | "text" => Format::Text,
        "jsonl" | "ndjson" => Format::JsonLines,
        "json" => Format::Json,
        "html" | "htm" => Format::Html,
        _ => return None,
    })
}

/// Format named by a path's extension (after stripping `.gz`), if we read it.
pub(crate) fn format_of_path(path: &Path) -> Option<Format> {
    let name = path.file_name()?.to_string_lossy();
    let base = strip_suffix_ci(&name, ".gz").unwrap_or(&name);
    let dot = base.rfind('.')?;
    format_of_extension(&base[dot + 1..])
}

/// Host of a URL without `www.`, lower-cased.
pub(crate) fn host_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    let host = parsed.host_str()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    (!host.is_empty()).then(|| host.to_string())
}

fn is_hidden_name(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// Expand the paths the user gave: folders are walked recursively in sorted (deterministic)
/// order, skipping hidden files and folders and files whose extension (after stripping
/// `.gz`) is not one we read (txt, text, jsonl, ndjson, json, html, htm); a file named
/// explicitly is always read (an unknown extension is sniffed when read); `-` means stdin;
/// a missing path is an [`ItemError`].
pub fn discover(paths: &[PathBuf]) -> Discovered {
    let mut found = Discovered::default();
    for path in paths {
        if path.as_os_str() == "-" {
            found.inputs.push(Input::Stdin);
            continue;
        }
        let name = path.display().to_string();
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                found
                    .errors
                    .push(ItemError::new(name, "no such file or directory"));
                continue;
            }
            Err(e) => {
                found
                    .errors
                    .push(ItemError::new(name, format!("cannot read: {e}")));
                continue;
            }
        };
        if !meta.is_dir() {
            found.total_bytes += meta.len();
            found.inputs.push(Input::File(path.clone()));
            continue;
        }
        let walker = walkdir::WalkDir::new(path)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden_name(e.file_name()));
        for entry in walker {
            match entry {
                Ok(e) => {
                    if !e.file_type().is_file() || format_of_path(e.path()).is_none() {
                        continue;
                    }
                    found.total_bytes += e.metadata().map(|m| m.len()).unwrap_or(0);
                    found.inputs.push(Input::File(e.into_path()));
                }
                Err(e) => {
                    let item = e
                        .path()
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| name.clone());
                    let why = match e.io_error() {
                        Some(io) => format!("cannot read: {io}"),
                        None => e.to_string(),
                    };
                    found.errors.push(ItemError::new(item, why));
                }
            }
        }
    }
    found
}

/// Stream the articles of one input to `sink`, one call per article or per failed item.
/// Never panics on any input bytes.
pub fn read_input(
    input: &Input,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Result<Article, ItemError>),
) {
    read::read_input(input, opts, sink)
}

/// [`discover`] the paths, report their errors, then [`read_input`] every input.
pub fn read_paths(
    paths: &[PathBuf],
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Result<Article, ItemError>),
) {
    let found = discover(paths);
    for e in found.errors {
        sink(Err(e));
    }
    for input in &found.inputs {
        read_input(input, opts, sink);
    }
}

/// Fill what an article lacks and can be derived: the source from the URL's host, the
/// language (declared: normalised; missing: detected).
pub(crate) fn finish_article(mut a: Article, opts: &ReadOptions) -> Article {
    if a.source.is_none() {
        a.source = a.url.as_deref().and_then(host_of);
    }
    a.language = a.language.as_deref().and_then(lang::normalize);
    if a.language.is_none() && opts.detect_language {
        a.language = lang::detect(&a.text);
    }
    a
}

/// One JSON record (the fields of a JSON-lines input line) as an article; `name` is its
/// origin (e.g. `POST /api/articles`) and `index` its position, which gives the default id
/// `name#index` when the record has none.
pub fn article_from_json(
    record: &serde_json::Value,
    name: &str,
    index: usize,
    opts: &ReadOptions,
) -> Result<Article, ItemError> {
    let item = format!("{name}#{index}");
    let Some(map) = record.as_object() else {
        return Err(ItemError::new(item, "expected a JSON object"));
    };
    let ctx = read::Ctx {
        name: name.to_string(),
        stem: name.to_string(),
        opts,
    };
    record::record_article(map, item.clone(), None, &ctx).map_err(|e| ItemError::new(item, e))
}

#[cfg(test)]
mod tests;
