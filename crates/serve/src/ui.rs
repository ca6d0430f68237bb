//! The web UI: server-rendered pages (maud escapes every interpolated value), one small static
//! script (no inline script anywhere, so the CSP can forbid it), links only to http(s) URLs.

use std::collections::HashSet;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde_json::Value;
use storyline_store::{list_stories, StoredArticle};

use crate::api::ListParams;
use crate::{blocking, ApiError, AppState};

const APP_JS: &str = include_str!("../static/app.js");
const STYLE_CSS: &str = include_str!("../static/style.css");

/// Percent-encode an id for a path segment.
fn enc(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An article's URL, only when it is http(s) (never `javascript:` and the like).
fn safe_url(u: Option<&str>) -> Option<&str> {
    let u = u?.trim();
    let lower = u.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")).then_some(u)
}

fn page(title: &str, q: &str, body: Markup) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — Storyline" }
                link rel="stylesheet" href="/static/style.css";
                script src="/static/app.js" defer {}
            }
            body {
                header {
                    a.brand href="/" { "Storyline" }
                    form.search action="/" method="get" role="search" {
                        input type="search" name="q" value=(q) placeholder="Search articles" aria-label="Search";
                        button type="submit" { "Search" }
                    }
                }
                main { (body) }
            }
        }
    };
    Html(markup.into_string()).into_response()
}

fn error_page(status: StatusCode, msg: &str) -> Response {
    let mut r = page(
        msg,
        "",
        html! { h1 { (msg) } p { a href="/" { "Back to the stories" } } },
    );
    *r.status_mut() = status;
    r
}

pub(crate) fn not_found() -> Response {
    error_page(StatusCode::NOT_FOUND, "Not found")
}

impl ApiError {
    fn page(self) -> Response {
        error_page(self.0, &self.1)
    }
}

fn story_meta(size: i64, originals: i64, last: Option<&str>) -> String {
    let mut s = format!("{size} articles, {originals} originals");
    if let Some(t) = last {
        s.push_str(&format!(", last {t}"));
    }
    s
}

pub(crate) async fn index(State(s): State<AppState>, Query(p): Query<ListParams>) -> Response {
    let f = match p.filter() {
        Ok(f) => f,
        Err(e) => return e.page(),
    };
    let r = blocking(&s, move |st| Ok((list_stories(st, &f)?, st.counts()?))).await;
    let (list, counts) = match r {
        Ok(x) => x,
        Err(e) => return e.page(),
    };
    let q = p.q.clone().unwrap_or_default();
    let since = p.since.clone().unwrap_or_default();
    page(
        "Stories",
        &q,
        html! {
            h1 {
                @if q.is_empty() { "Stories" } @else { "Stories matching “" (q) "”" }
            }
            p #summary {
                span #count { (list.len()) " stories" }
                " · " (counts.articles) " articles stored · updates live"
            }
            ul #stories data-q=(q) data-since=(since) {
                @for st in &list {
                    li.story {
                        a href={ "/stories/" (enc(&st.id)) } { (st.title.as_deref().unwrap_or("(untitled)")) }
                        " "
                        span.meta { (story_meta(st.size, st.originals, st.last_published.as_deref())) }
                    }
                }
            }
            @if list.is_empty() { p.empty { "No stories." } }
        },
    )
}

fn s(v: &Value) -> Option<&str> {
    v.as_str()
}

fn article_line(a: &Value, titles: &std::collections::HashMap<String, String>) -> Markup {
    let id = s(&a["id"]).unwrap_or("");
    html! {
        a.article-link href={ "/articles/" (enc(id)) } { (s(&a["title"]).unwrap_or("(untitled)")) }
        span.meta {
            @if let Some(src) = s(&a["source"]) { " — " (src) }
            @if let Some(p) = s(&a["published"]) { " · " time { (p) } }
        }
        @if let Some(orig) = s(&a["copy_of"]) {
            " "
            span.copy {
                (s(&a["copy_kind"]).unwrap_or("near")) " copy of "
                a.original-link href={ "/articles/" (enc(orig)) } {
                    (titles.get(orig).map(String::as_str).unwrap_or(orig))
                }
                @if let Some(sim) = a["similarity"].as_f64() { " (similarity " (format!("{sim:.2}")) ")" }
            }
        } @else if let (Some(src), Some(kind)) = (s(&a["derives_from"]), s(&a["derivation"])) {
            " "
            span.copy {
                @if kind == "rewrite" { "rewrite of " } @else { "partly copies " }
                a.original-link href={ "/articles/" (enc(src)) } {
                    (titles.get(src).map(String::as_str).unwrap_or(src))
                }
                @if let Some(c) = a["derivation_coverage"].as_f64() { " (" (format!("{:.0}", c * 100.0)) "% aligned)" }
            }
        }
        @if let Some(u) = safe_url(s(&a["url"])) {
            " " a.source-link href=(u) rel="noopener noreferrer nofollow" { "source" }
        }
    }
}

pub(crate) async fn story(State(st): State<AppState>, Path(id): Path<String>) -> Response {
    let json = match blocking(&st, move |x| Ok(x.story_json(&id)?)).await {
        Ok(Some(j)) => j,
        Ok(None) => return not_found(),
        Err(e) => return e.page(),
    };
    let v: Value = serde_json::from_str(&json).unwrap_or(Value::Null);
    let articles: Vec<&Value> = v["articles"].as_array().into_iter().flatten().collect();
    let titles: std::collections::HashMap<String, String> = articles
        .iter()
        .filter_map(|a| Some((s(&a["id"])?.to_string(), s(&a["title"])?.to_string())))
        .collect();
    // Lineages: each lineage's original followed by the articles deriving from it (copies,
    // rewrites, partial copies), from the story's `lineages`; stores written before lineages
    // existed fall back to copy groups.
    let by_id: std::collections::HashMap<&str, &Value> = articles
        .iter()
        .filter_map(|a| Some((s(&a["id"])?, *a)))
        .collect();
    let lineages: Vec<(&Value, Vec<&Value>)> = match v["lineages"].as_array() {
        Some(ls) => ls
            .iter()
            .filter_map(|l| {
                let orig = *by_id.get(s(&l["original"])?)?;
                let rest = l["articles"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|m| by_id.get(s(m)?).copied())
                    .filter(|m| m["id"] != orig["id"])
                    .collect();
                Some((orig, rest))
            })
            .collect(),
        None => articles
            .iter()
            .filter(|a| a["copy_of"].is_null())
            .map(|o| {
                let copies = articles
                    .iter()
                    .copied()
                    .filter(|a| a["copy_of"].is_string() && a["copy_of"] == o["id"])
                    .collect();
                (*o, copies)
            })
            .collect(),
    };
    let independent = v["independent_sources"]
        .as_u64()
        .unwrap_or(lineages.len() as u64);
    let title = s(&v["title"]).unwrap_or("(untitled)").to_string();
    page(
        &title,
        "",
        html! {
            p.crumbs { a href="/" { "Stories" } }
            h1 { (title) }
            p.summary {
                (v["size"]) " articles, " (v["originals"]) " originals, "
                (independent) " independent sources"
                @if let (Some(a), Some(b)) = (s(&v["first_published"]), s(&v["last_published"])) {
                    " · " time { (a) } " – " time { (b) }
                }
            }
            // The story analysis (summary, disagreements, quotes, facts, entities, timeline),
            // rendered and escaped by the report module; fields it does not know, generically.
            section.analysis data-field="report" {
                (PreEscaped(storyline_pipeline::report::analysis_html(&v)))
            }
            (analysis_sections(&extras(&v, STORY_FIELDS)))
            h2 { "Sources by lineage" }
            ol.lineage {
                @for (o, copies) in &lineages {
                    li.original {
                        (article_line(o, &titles))
                        @if !copies.is_empty() {
                            ul.copies {
                                @for c in copies.iter() { li.copy-item { (article_line(c, &titles)) } }
                            }
                        }
                    }
                }
            }
            h2 { "Articles by date" }
            ol.timeline {
                @for a in &articles {
                    li {
                        time { (s(&a["published"]).unwrap_or("undated")) } " "
                        (s(&a["source"]).unwrap_or("unknown source")) ": "
                        a href={ "/articles/" (enc(s(&a["id"]).unwrap_or(""))) } { (s(&a["title"]).unwrap_or("(untitled)")) }
                    }
                }
            }
        },
    )
}

/// Fields of the story JSON rendered by the page itself; any other field (analysis added by
/// later versions: summaries, quotes, facts...) is shown generically under its name.
const STORY_FIELDS: &[&str] = &[
    "id",
    "title",
    "size",
    "first_published",
    "last_published",
    "originals",
    "articles",
    "independent_sources",
    "lineages",
    "entities",
    "quotes",
    "facts",
    "disagreements",
    "summary",
    "timeline",
];
const ARTICLE_FIELDS: &[&str] = &[
    "id",
    "title",
    "source",
    "url",
    "published",
    "copy_of",
    "copy_kind",
    "similarity",
    "language",
    "origin",
    "boilerplate_removed",
    "derives_from",
    "derivation",
    "derivation_coverage",
    "lineage",
];

fn extras<'a>(v: &'a Value, known: &[&str]) -> Vec<(&'a String, &'a Value)> {
    v.as_object()
        .into_iter()
        .flatten()
        .filter(|(k, x)| !known.contains(&k.as_str()) && !x.is_null())
        .collect()
}

fn humanize(key: &str) -> String {
    let s = key.replace('_', " ");
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Any JSON value as escaped HTML: lists, definition lists, text.
fn render_value(v: &Value) -> Markup {
    html! {
        @match v {
            Value::Null => span.null { "—" },
            Value::Bool(b) => (b),
            Value::Number(n) => (n.to_string()),
            Value::String(s) => (s),
            Value::Array(a) => ul { @for x in a { li { (render_value(x)) } } },
            Value::Object(o) => dl {
                @for (k, x) in o { dt { (humanize(k)) } dd { (render_value(x)) } }
            },
        }
    }
}

fn analysis_sections(fields: &[(&String, &Value)]) -> Markup {
    html! {
        @for (k, x) in fields {
            section.analysis data-field=(k) {
                h2 { (humanize(k)) }
                (render_value(x))
            }
        }
    }
}

/// Sentences of a text, grouped by paragraph.
fn sentences(text: &str) -> Vec<Vec<String>> {
    text.split("\n\n")
        .map(|p| {
            let mut out = Vec::new();
            let mut cur = String::new();
            let chars: Vec<char> = p.chars().collect();
            for (i, &c) in chars.iter().enumerate() {
                cur.push(c);
                let end = matches!(c, '.' | '!' | '?')
                    && chars.get(i + 1).is_none_or(|n| n.is_whitespace());
                if end {
                    out.push(std::mem::take(&mut cur).trim().to_string());
                }
            }
            if !cur.trim().is_empty() {
                out.push(cur.trim().to_string());
            }
            out
        })
        .filter(|p| !p.is_empty())
        .collect()
}

fn key(sentence: &str) -> String {
    sentence
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text with the sentences found in `other` marked.
fn text_with_marks(text: &str, other: Option<&HashSet<String>>) -> Markup {
    html! {
        @for para in sentences(text) {
            p {
                @for sent in &para {
                    @let k = key(sent);
                    @if other.is_some_and(|o| k.split(' ').count() >= 3 && o.contains(&k)) {
                        mark.copied { (sent) } " "
                    } @else {
                        span { (sent) } " "
                    }
                }
            }
        }
    }
}

fn keys(text: &str) -> HashSet<String> {
    sentences(text).iter().flatten().map(|s| key(s)).collect()
}

fn article_head(a: &StoredArticle) -> Markup {
    let v = &a.article;
    html! {
        p.meta {
            @if let Some(src) = &v.source { span.source { (src) } }
            @if let Some(p) = &v.published { " · " time { (p) } }
            @if let Some(b) = &v.byline { " · " span.byline { (b) } }
            @if let Some(u) = safe_url(v.url.as_deref()) {
                " · " a.source-link href=(u) rel="noopener noreferrer nofollow" { "source" }
            } @else if let Some(u) = &v.url {
                " · " span.url { (u) }
            }
        }
    }
}

pub(crate) async fn article(State(st): State<AppState>, Path(id): Path<String>) -> Response {
    let r = blocking(&st, move |x| {
        let Some(a) = x.article(&id)? else {
            return Ok(None);
        };
        let original = match &a.copy_of {
            Some(o) => x.article(o)?,
            None => None,
        };
        let story = match &a.story {
            Some(sid) => x.story_json(sid)?,
            None => None,
        };
        Ok(Some((a, original, story)))
    })
    .await;
    let (a, original, story) = match r {
        Ok(Some(x)) => x,
        Ok(None) => return not_found(),
        Err(e) => return e.page(),
    };
    let story: Value = story
        .and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or(Value::Null);
    let copies: Vec<(String, String)> = story["articles"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|x| s(&x["copy_of"]) == Some(a.article.id.as_str()))
        .filter_map(|x| {
            Some((
                s(&x["id"])?.to_string(),
                s(&x["title"]).unwrap_or("(untitled)").to_string(),
            ))
        })
        .collect();
    let entry = story["articles"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|x| s(&x["id"]) == Some(a.article.id.as_str()))
        .cloned()
        .unwrap_or(Value::Null);
    let title = a
        .article
        .title
        .clone()
        .unwrap_or_else(|| "(untitled)".into());
    page(
        &title,
        "",
        html! {
            p.crumbs {
                a href="/" { "Stories" }
                @if let Some(sid) = &a.story {
                    " › " a.story-link href={ "/stories/" (enc(sid)) } { (s(&story["title"]).unwrap_or("story")) }
                }
            }
            @match &original {
                Some(o) => {
                    p.copy-note {
                        "This article is "
                        (if a.copy_kind.as_deref() == Some("exact") { "an exact" } else { "a near" })
                        " copy of "
                        a.original-link href={ "/articles/" (enc(&o.article.id)) } { (o.article.title.as_deref().unwrap_or("(untitled)")) }
                        @if let Some(sim) = a.similarity { " (similarity " (format!("{sim:.2}")) ")" }
                        ". Passages found in both are highlighted."
                    }
                    div.side-by-side {
                        section.copy-text {
                            h1 { (title) }
                            (article_head(&a))
                            (text_with_marks(&a.article.text, Some(&keys(&o.article.text))))
                        }
                        section.original-text {
                            h2 { "Original: " (o.article.title.as_deref().unwrap_or("(untitled)")) }
                            (article_head(o))
                            (text_with_marks(&o.article.text, Some(&keys(&a.article.text))))
                        }
                    }
                }
                None => {
                    h1 { (title) }
                    (article_head(&a))
                    @if !copies.is_empty() {
                        p.copies-note {
                            "Copied by: "
                            @for (i, (cid, ctitle)) in copies.iter().enumerate() {
                                @if i > 0 { ", " }
                                a href={ "/articles/" (enc(cid)) } { (ctitle) }
                            }
                        }
                    }
                    section.text { (text_with_marks(&a.article.text, None)) }
                }
            }
            (analysis_sections(&extras(&entry, ARTICLE_FIELDS)))
        },
    )
}

fn static_file(body: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        body,
    )
        .into_response()
}

pub(crate) async fn app_js() -> Response {
    static_file(APP_JS, "text/javascript; charset=utf-8")
}

pub(crate) async fn style_css() -> Response {
    static_file(STYLE_CSS, "text/css; charset=utf-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_are_links() {
        assert_eq!(
            safe_url(Some("https://x.example/a")),
            Some("https://x.example/a")
        );
        assert_eq!(safe_url(Some(" JavaScript:alert(1)")), None);
        assert_eq!(safe_url(Some("data:text/html,x")), None);
    }

    #[test]
    fn ids_are_encoded_for_paths() {
        assert_eq!(enc("a/b c#1"), "a%2Fb%20c%231");
    }

    #[test]
    fn unknown_analysis_fields_are_rendered_escaped() {
        let v: Value = serde_json::from_str(
            r#"{"id":"s1","size":2,"framing":"Two <b>sides</b>","claims":[{"text":"<script>x</script>","status":"verified"}]}"#,
        )
        .unwrap();
        let fields = extras(&v, STORY_FIELDS);
        assert_eq!(fields.len(), 2);
        let html = analysis_sections(&fields).into_string();
        assert!(
            html.contains("<h2>Framing</h2>Two &lt;b&gt;sides&lt;/b&gt;"),
            "{html}"
        );
        assert!(
            html.contains("<dt>Text</dt><dd>&lt;script&gt;x&lt;/script&gt;</dd>"),
            "{html}"
        );
        assert!(html.contains("<dt>Status</dt><dd>verified</dd>"), "{html}");
    }

    #[test]
    fn story_analysis_is_rendered_escaped() {
        let v: Value = serde_json::from_str(
            r#"{"id":"s1","summary":[{"text":"A <img src=x onerror=alert(1)>","sources":["a"],"independent_sources":1}],
                "quotes":[{"text":"<script>x</script>","speaker":"Roe","status":"altered","independent_sources":2}]}"#,
        )
        .unwrap();
        let html = storyline_pipeline::report::analysis_html(&v);
        assert!(html.contains("<h2>Summary</h2>"), "{html}");
        assert!(html.contains("<h2>Quotes</h2>"), "{html}");
        assert!(
            !html.contains("<img") && !html.contains("<script>"),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt;"), "{html}");
    }

    #[test]
    fn shared_sentences_are_marked() {
        let orig = keys("The port closed today. Ships wait outside.");
        let m =
            text_with_marks("Ships wait outside. A new sentence here.", Some(&orig)).into_string();
        assert!(
            m.contains("<mark class=\"copied\">Ships wait outside.</mark>"),
            "{m}"
        );
        assert!(m.contains("<span>A new sentence here.</span>"), "{m}");
    }
}
