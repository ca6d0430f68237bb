//! JSON records → articles: JSON-lines streams and JSON documents.

use std::io::BufRead;

use serde_json::{Map, Value};
use storyline_core::{Article, ItemError};

use crate::read::{html_article, read_line_limited, utf8_at, Ctx};

const ID_FIELDS: &[&str] = &["id", "_id", "uuid", "guid"];
const TITLE_FIELDS: &[&str] = &["title", "headline"];
const TEXT_FIELDS: &[&str] = &[
    "text",
    "body",
    "content",
    "maintext",
    "article",
    "articleBody",
];
const HTML_FIELDS: &[&str] = &["html", "raw_html"];
const URL_FIELDS: &[&str] = &["url", "link", "canonical_url"];
const SOURCE_FIELDS: &[&str] = &["source", "publisher", "site", "source_domain"];
const DATE_FIELDS: &[&str] = &[
    "published",
    "date",
    "date_publish",
    "published_at",
    "timestamp",
    "datePublished",
    "publishedAt",
    "pubDate",
    "date_published",
];
const AUTHOR_FIELDS: &[&str] = &["author", "byline", "authors"];
const LANGUAGE_FIELDS: &[&str] = &["language", "lang"];
/// Keys under which a JSON document may wrap its list of records.
const LIST_FIELDS: &[&str] = &[
    "articles",
    "items",
    "data",
    "results",
    "documents",
    "docs",
    "records",
    "entries",
    "posts",
    "news",
];

/// Stream a JSON-lines input: one article or one error per non-empty line.
pub(crate) fn read_json_lines(
    reader: &mut dyn BufRead,
    start_offset: u64,
    gz: bool,
    ctx: &Ctx,
    sink: &mut dyn FnMut(Result<Article, ItemError>),
) {
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    let mut offset = start_offset;
    let mut records = 0u64;
    loop {
        let (consumed, too_long) =
            match read_line_limited(reader, &mut buf, ctx.opts.max_line_bytes) {
                Ok(Some(r)) => r,
                Ok(None) => break,
                Err(e) => {
                    let why = if gz {
                        format!("corrupt gzip data after line {line_no} ({e})")
                    } else {
                        format!("read error after line {line_no} ({e})")
                    };
                    sink(Err(ItemError::new(ctx.name.clone(), why)));
                    break;
                }
            };
        line_no += 1;
        let line_start = offset;
        offset += consumed;
        let item = || format!("{}:{}", ctx.name, line_no);
        if too_long {
            sink(Err(ItemError::new(
                item(),
                format!(
                    "line too long (more than {} bytes, the limit)",
                    ctx.opts.max_line_bytes
                ),
            )));
            continue;
        }
        let lead = buf
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(buf.len());
        let trimmed = buf[lead..].trim_ascii_end();
        if trimmed.is_empty() {
            continue;
        }
        records += 1;
        let result = utf8_at(trimmed, line_start + lead as u64)
            .and_then(|s| serde_json::from_str::<Value>(s).map_err(|e| json_error(&e)))
            .and_then(|v| match v {
                Value::Object(map) => record_article(
                    &map,
                    format!("{}:{}", ctx.stem, line_no),
                    Some(line_no),
                    ctx,
                ),
                other => Err(format!("expected a JSON object, found {}", kind_of(&other))),
            });
        sink(result.map_err(|why| ItemError::new(item(), why)));
    }
    if records == 0 && line_no > 0 {
        sink(Err(ItemError::new(
            ctx.name.clone(),
            "empty file (only blank lines)",
        )));
    }
}

fn json_error(e: &serde_json::Error) -> String {
    format!("malformed JSON ({e})")
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A whole JSON document: one object, an array of objects, an object wrapping such an array
/// (`{"articles": [...]}`), or several objects one after another.
pub(crate) fn read_json_document(
    s: &str,
    ctx: &Ctx,
    sink: &mut dyn FnMut(Result<Article, ItemError>),
) {
    let mut values = Vec::new();
    let stream = serde_json::Deserializer::from_str(s).into_iter::<Value>();
    for v in stream {
        match v {
            Ok(v) => values.push(v),
            Err(e) => {
                if values.is_empty() {
                    sink(Err(ItemError::new(ctx.name.clone(), json_error(&e))));
                    return;
                }
                // Keep what parsed, then report the rest.
                sink(Err(ItemError::new(
                    format!("{}#{}", ctx.name, values.len()),
                    json_error(&e),
                )));
                break;
            }
        }
    }
    if values.is_empty() {
        sink(Err(ItemError::new(ctx.name.clone(), "empty file")));
        return;
    }
    let single = values.len() == 1;
    let records: Vec<Value> = if single {
        match values.pop() {
            Some(Value::Array(items)) => items,
            Some(Value::Object(map)) if !has_text(&map) => match wrapped_list(&map) {
                Some(items) => items,
                None => vec![Value::Object(map)],
            },
            Some(v) => vec![v],
            None => Vec::new(),
        }
    } else {
        values
    };
    let one = records.len() == 1;
    for (i, v) in records.into_iter().enumerate() {
        let (item, default_id) = if one {
            (ctx.name.clone(), ctx.stem.clone())
        } else {
            (format!("{}#{i}", ctx.name), format!("{}#{i}", ctx.stem))
        };
        let result = match v {
            Value::Object(map) => record_article(&map, default_id, None, ctx),
            other => Err(format!("expected a JSON object, found {}", kind_of(&other))),
        };
        sink(result.map_err(|why| ItemError::new(item, why)));
    }
}

fn has_text(map: &Map<String, Value>) -> bool {
    TEXT_FIELDS
        .iter()
        .chain(HTML_FIELDS)
        .chain(TITLE_FIELDS)
        .any(|k| map.contains_key(*k))
}

fn wrapped_list(map: &Map<String, Value>) -> Option<Vec<Value>> {
    let is_list = |v: &Value| matches!(v, Value::Array(a) if a.iter().any(Value::is_object));
    for k in LIST_FIELDS {
        if let Some(v) = map.get(*k) {
            if is_list(v) {
                return v.as_array().cloned();
            }
        }
    }
    let lists: Vec<&Value> = map.values().filter(|v| is_list(v)).collect();
    match lists.as_slice() {
        [only] => only.as_array().cloned(),
        _ => None,
    }
}

fn first<'a>(map: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    keys.iter()
        .filter_map(|k| map.get(*k))
        .find(|v| !v.is_null() && v.as_str().is_none_or(|s| !s.trim().is_empty()))
}

/// A string field; numbers are written out, objects give their `name`.
fn string_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(o) => o.get("name").and_then(string_of),
        Value::Array(a) => a.iter().find_map(string_of),
        _ => None,
    }
}

/// Authors: a string, or an array of strings / `{"name": ...}` objects joined with ", ".
fn authors_of(v: &Value) -> Option<String> {
    match v {
        Value::Array(items) => {
            let names: Vec<String> = items.iter().filter_map(string_of).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        other => string_of(other),
    }
}

/// The text of a record: a string (HTML markup in it is converted to text), or an array of
/// paragraph strings.
fn text_of(v: &Value) -> Option<String> {
    let t = match v {
        Value::String(s) => {
            if looks_like_markup(s) {
                markup_to_text(s)
            } else {
                crate::text::normalize_text(s)
            }
        }
        Value::Array(items) => {
            let parts: Vec<String> = items
                .iter()
                .filter_map(|x| x.as_str())
                .map(crate::text::normalize_text)
                .filter(|p| !p.is_empty())
                .collect();
            parts.join("\n\n")
        }
        _ => String::new(),
    };
    (!t.trim().is_empty()).then_some(t)
}

fn looks_like_markup(s: &str) -> bool {
    let lower = s.get(..s.len().min(2000)).unwrap_or(s).to_ascii_lowercase();
    ["<p>", "<p ", "<br", "<div", "</p>", "<li>", "<h2"]
        .iter()
        .any(|t| lower.contains(t))
}

/// Text of an HTML fragment, block elements as paragraphs.
fn markup_to_text(s: &str) -> String {
    let doc = dom_query::Document::fragment(s);
    doc.select("script, style").remove();
    let formatted = doc.formatted_text();
    let lines: Vec<String> = formatted
        .lines()
        .map(crate::html::normalize_space)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("\n\n")
}

/// Map one JSON record to an article.
pub(crate) fn record_article(
    map: &Map<String, Value>,
    default_id: String,
    line: Option<u64>,
    ctx: &Ctx,
) -> Result<Article, String> {
    let mut a = Article {
        id: first(map, ID_FIELDS)
            .and_then(string_of)
            .unwrap_or(default_id),
        url: first(map, URL_FIELDS).and_then(string_of),
        source: first(map, SOURCE_FIELDS).and_then(string_of),
        title: first(map, TITLE_FIELDS)
            .and_then(string_of)
            .map(|t| crate::html::normalize_space(&t)),
        byline: first(map, AUTHOR_FIELDS).and_then(authors_of),
        published: DATE_FIELDS
            .iter()
            .filter_map(|k| map.get(*k))
            .find_map(crate::date::parse_json_date),
        language: first(map, LANGUAGE_FIELDS).and_then(string_of),
        text: first(map, TEXT_FIELDS)
            .and_then(text_of)
            .unwrap_or_default(),
        origin: ctx.origin(line),
    };
    if a.text.is_empty() {
        if let Some(html) = first(map, HTML_FIELDS).and_then(Value::as_str) {
            let ex = html_article(html, a.url.as_deref(), ctx)
                .map_err(|e| format!("no text field, and {e}"))?;
            a.text = ex.text;
            a.title = a.title.or(ex.title);
            a.url = a.url.or(ex.url);
            a.source = a.source.or(ex.source);
            a.byline = a.byline.or(ex.byline);
            a.published = a.published.or(ex.published);
            a.language = a.language.or(ex.language);
        }
    }
    if a.text.is_empty() {
        return Err(format!(
            "no text (expected one of the fields {})",
            TEXT_FIELDS
                .iter()
                .chain(HTML_FIELDS)
                .map(|f| format!("\"{f}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(ctx.finish(a))
}
