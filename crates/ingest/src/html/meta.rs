//! Page metadata: title, publication date, site, canonical URL, byline and language, from
//! `<meta>` tags (Open Graph, Twitter, Dublin Core, parse.ly, sailthru...), JSON-LD
//! (`NewsArticle`, `Article`, `BlogPosting`, ... also inside `@graph`), microdata and the
//! document itself (`<link rel=canonical>`, `<time datetime>`, `<h1>`, `<title>`, the URL).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use dom_query::Document;
use serde_json::Value;

use crate::date::{parse_date, parse_json_date};

use super::normalize_space;

#[derive(Debug, Default, Clone)]
pub(crate) struct Meta {
    pub title: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub site: Option<String>,
    pub url: Option<String>,
    pub byline: Option<String>,
    pub language: Option<String>,
    /// `articleBody` of the page's JSON-LD article, when it has one.
    pub ld_body: Option<String>,
}

/// What the JSON-LD of a page says about its article.
#[derive(Debug, Default)]
struct LdArticle {
    headline: Option<String>,
    published: Option<DateTime<Utc>>,
    authors: Vec<String>,
    publisher: Option<String>,
    url: Option<String>,
    body: Option<String>,
    language: Option<String>,
}

const ARTICLE_TYPES: &[&str] = &[
    "newsarticle",
    "article",
    "blogposting",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "askpublicnewsarticle",
    "liveblogposting",
    "techarticle",
    "scholarlyarticle",
    "report",
    "socialmediaposting",
    "posting",
    "review",
];

pub(crate) fn collect(doc: &Document, given_url: Option<&str>) -> Meta {
    let metas = meta_map(doc);
    let ld = json_ld(doc);
    let get = |keys: &[&str]| -> Option<String> {
        keys.iter()
            .filter_map(|k| metas.get(*k))
            .map(|v| normalize_space(&decode_entities(v)))
            .find(|v| !v.is_empty())
    };

    // URL: canonical link, og:url, JSON-LD url, else the one we were given.
    let base = given_url.and_then(|u| url::Url::parse(u).ok());
    let resolve = |href: &str| -> Option<String> {
        let href = href.trim();
        if href.is_empty() {
            return None;
        }
        let parsed = match &base {
            Some(b) => b.join(href).ok(),
            None => url::Url::parse(href).ok(),
        }?;
        matches!(parsed.scheme(), "http" | "https").then(|| parsed.to_string())
    };
    let canonical = doc
        .select("link[rel~=canonical][href]")
        .nodes()
        .first()
        .and_then(|n| n.attr("href"))
        .and_then(|h| resolve(&h));
    let url = canonical
        .or_else(|| get(&["og:url", "twitter:url"]).and_then(|u| resolve(&u)))
        .or_else(|| ld.url.as_deref().and_then(resolve))
        .or_else(|| base.as_ref().map(|b| b.to_string()));

    // Site: og:site_name, JSON-LD publisher, application-name, else the host.
    let site = get(&["og:site_name", "application-name", "al:android:app_name"])
        .or_else(|| ld.publisher.clone())
        .or_else(|| url.as_deref().and_then(crate::host_of));

    let title = pick_title(doc, &metas, &ld, site.as_deref());

    let published = published_date(doc, &metas, &ld, url.as_deref());

    let byline = byline(doc, &metas, &ld);

    let language = doc
        .select("html[lang]")
        .nodes()
        .first()
        .and_then(|n| n.attr("lang"))
        .map(|s| s.to_string())
        .or_else(|| get(&["content-language", "dc.language", "language", "og:locale"]))
        .or_else(|| ld.language.clone())
        .and_then(|l| crate::lang::normalize(&l));

    Meta {
        title,
        published,
        site,
        url,
        byline,
        language,
        ld_body: ld.body,
    }
}

/// First value of every `<meta>`, keyed by its lower-cased `property`, `name`, `itemprop`
/// or `http-equiv`.
fn meta_map(doc: &Document) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for node in doc.select("meta[content]").nodes() {
        let Some(content) = node.attr("content") else {
            continue;
        };
        if content.trim().is_empty() {
            continue;
        }
        for key_attr in ["property", "name", "itemprop", "http-equiv"] {
            if let Some(k) = node.attr(key_attr) {
                map.entry(k.trim().to_ascii_lowercase())
                    .or_insert_with(|| content.to_string());
            }
        }
    }
    map
}

fn json_ld(doc: &Document) -> LdArticle {
    let mut best = LdArticle::default();
    let mut fallback_date = None;
    for node in doc.select("script[type]").nodes() {
        let is_ld = node
            .attr("type")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
        if !is_ld {
            continue;
        }
        let raw = node.text();
        let raw = raw
            .trim()
            .trim_start_matches("<![CDATA[")
            .trim_end_matches("]]>")
            .trim()
            .trim_end_matches(';');
        let v = match serde_json::from_str::<Value>(raw) {
            Ok(v) => v,
            Err(_) => match serde_json::from_str::<Value>(&relax_json(raw)) {
                Ok(v) => v,
                Err(_) => continue,
            },
        };
        let mut found = Vec::new();
        find_articles(&v, 0, &mut found);
        for obj in found {
            merge_article(&mut best, obj);
        }
        if best.published.is_none() && fallback_date.is_none() {
            fallback_date = any_date_published(&v, 0);
        }
    }
    // A page typed otherwise (`WebPage`, `MedicalWebPage`...) may still date itself.
    best.published = best.published.or(fallback_date);
    best
}

/// The first `datePublished` anywhere in a JSON-LD value.
fn any_date_published(v: &Value, depth: usize) -> Option<DateTime<Utc>> {
    if depth > 6 {
        return None;
    }
    match v {
        Value::Object(map) => map
            .get("datePublished")
            .and_then(parse_json_date)
            .or_else(|| map.values().find_map(|x| any_date_published(x, depth + 1))),
        Value::Array(items) => items
            .iter()
            .take(64)
            .find_map(|x| any_date_published(x, depth + 1)),
        _ => None,
    }
}

/// Repair the two mistakes hand-written JSON-LD makes most: trailing commas and raw control
/// characters inside strings.
fn relax_json(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_str = false;
    let mut escaped = false;
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if in_str {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
            } else if c.is_control() {
                out.push(' ');
                continue;
            }
            out.push(c);
            continue;
        }
        if c == '"' {
            in_str = true;
        } else if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

fn type_matches(v: &Value) -> bool {
    let is_article = |s: &str| {
        let s = s.rsplit('/').next().unwrap_or(s).to_ascii_lowercase();
        ARTICLE_TYPES.contains(&s.as_str())
    };
    match v.get("@type") {
        Some(Value::String(s)) => is_article(s),
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).any(is_article),
        _ => false,
    }
}

fn find_articles<'a>(v: &'a Value, depth: usize, out: &mut Vec<&'a Value>) {
    if depth > 6 || out.len() > 8 {
        return;
    }
    match v {
        Value::Array(items) => {
            for item in items.iter().take(64) {
                find_articles(item, depth + 1, out);
            }
        }
        Value::Object(map) => {
            if type_matches(v) {
                out.push(v);
            }
            for key in [
                "@graph",
                "mainEntity",
                "mainEntityOfPage",
                "itemListElement",
            ] {
                if let Some(inner) = map.get(key) {
                    find_articles(inner, depth + 1, out);
                }
            }
        }
        _ => {}
    }
}

fn ld_string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(normalize_space(&decode_entities(s))).filter(|s| !s.is_empty()),
        Value::Array(a) => a.iter().find_map(|x| ld_string(Some(x))),
        Value::Object(o) => ld_string(o.get("name").or_else(|| o.get("@value"))),
        _ => None,
    }
}

fn ld_names(v: Option<&Value>, out: &mut Vec<String>) {
    match v {
        Some(Value::String(s)) => {
            let s = normalize_space(s);
            if !s.is_empty() && !looks_like_url(&s) && !out.contains(&s) {
                out.push(s);
            }
        }
        Some(Value::Array(a)) => {
            for x in a.iter().take(20) {
                ld_names(Some(x), out);
            }
        }
        Some(Value::Object(o)) => ld_names(o.get("name"), out),
        _ => {}
    }
}

fn merge_article(best: &mut LdArticle, obj: &Value) {
    if best.headline.is_none() {
        best.headline = ld_string(obj.get("headline")).or_else(|| ld_string(obj.get("name")));
    }
    if best.published.is_none() {
        best.published = ["datePublished", "dateCreated", "uploadDate"]
            .iter()
            .filter_map(|k| obj.get(*k))
            .find_map(parse_json_date);
    }
    if best.authors.is_empty() {
        ld_names(
            obj.get("author").or_else(|| obj.get("creator")),
            &mut best.authors,
        );
    }
    if best.publisher.is_none() {
        best.publisher = ld_string(obj.get("publisher"));
    }
    if best.url.is_none() {
        best.url = match obj.get("url").or_else(|| obj.get("mainEntityOfPage")) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Object(o)) => o.get("@id").and_then(Value::as_str).map(str::to_string),
            _ => None,
        };
    }
    if best.body.is_none() {
        if let Some(Value::String(s)) = obj.get("articleBody") {
            if !s.trim().is_empty() {
                best.body = Some(s.clone());
            }
        }
    }
    if best.language.is_none() {
        best.language = ld_string(obj.get("inLanguage"));
    }
}

fn looks_like_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://") || s.starts_with("www.")
}

use super::fallback::decode_entities;

const TITLE_SEPARATORS: &[&str] = &[
    " | ", " - ", " – ", " — ", " :: ", " « ", " » ", " · ", " • ",
];

fn pick_title(
    doc: &Document,
    metas: &HashMap<String, String>,
    ld: &LdArticle,
    site: Option<&str>,
) -> Option<String> {
    let h1: Vec<String> = doc
        .select("h1")
        .nodes()
        .iter()
        .take(5)
        .map(|n| normalize_space(&n.text()))
        .filter(|t| !t.is_empty() && t.len() < 400)
        .collect();
    let doc_title = doc
        .select("title")
        .nodes()
        .first()
        .map(|n| normalize_space(&n.text()))
        .filter(|t| !t.is_empty());
    let candidates = [
        ld.headline.clone(),
        metas
            .get("og:title")
            .map(|s| normalize_space(&decode_entities(s))),
        metas
            .get("twitter:title")
            .map(|s| normalize_space(&decode_entities(s))),
        doc_title,
    ];
    let raw = candidates.into_iter().flatten().find(|t| !t.is_empty());
    let Some(raw) = raw else {
        return h1.into_iter().next();
    };
    // An <h1> that the title contains is the cleanest form of it.
    if let Some(h) = h1
        .iter()
        .find(|h| h.len() >= 10 && (raw == **h || raw.starts_with(h.as_str())))
    {
        return Some(h.clone());
    }
    Some(strip_site_from_title(&raw, site))
}

/// `Headline | Site` → `Headline`, when one side of the separator is the site's name.
fn strip_site_from_title(title: &str, site: Option<&str>) -> String {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let Some(site) = site.map(norm).filter(|s| !s.is_empty()) else {
        return title.to_string();
    };
    for sep in TITLE_SEPARATORS {
        if let Some(pos) = title.rfind(sep) {
            let (head, tail) = (&title[..pos], &title[pos + sep.len()..]);
            let t = norm(tail);
            if !head.trim().is_empty() && !t.is_empty() && (site.contains(&t) || t.contains(&site))
            {
                return head.trim().to_string();
            }
        }
        if let Some(pos) = title.find(sep) {
            let (head, tail) = (&title[..pos], &title[pos + sep.len()..]);
            let h = norm(head);
            if !tail.trim().is_empty() && !h.is_empty() && (site.contains(&h) || h.contains(&site))
            {
                return tail.trim().to_string();
            }
        }
    }
    title.to_string()
}

const DATE_META_KEYS: &[&str] = &[
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "published_time",
    "datepublished",
    "article.published",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "date.published",
    "sailthru.date",
    "parsely-pub-date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "original-publish-date",
    "article.created",
    "date",
    "og:published_time",
    "cxenseparse:recs:publishtime",
    "displaydate",
    "dc.date.published",
];

fn published_date(
    doc: &Document,
    metas: &HashMap<String, String>,
    ld: &LdArticle,
    url: Option<&str>,
) -> Option<DateTime<Utc>> {
    if let Some(d) = DATE_META_KEYS
        .iter()
        .filter_map(|k| metas.get(*k))
        .find_map(|v| parse_date(v))
    {
        return Some(d);
    }
    if let Some(d) = ld.published {
        return Some(d);
    }
    // Site-specific names: any meta key about a publication or post date.
    let mut keys: Vec<&String> = metas
        .keys()
        .filter(|k| {
            let k = k.as_str();
            (k.contains("date") || k.contains("publish"))
                && ![
                    "modif", "updat", "expir", "valid", "revis", "edit", "change", "crawl", "index",
                ]
                .iter()
                .any(|x| k.contains(x))
        })
        .collect();
    keys.sort();
    if let Some(d) = keys.iter().find_map(|k| parse_date(&metas[*k])) {
        return Some(d);
    }
    for node in doc
        .select("[itemprop=datePublished], time[pubdate], time[datetime]")
        .nodes()
    {
        let v = node
            .attr("datetime")
            .or_else(|| node.attr("content"))
            .map(|s| s.to_string())
            .unwrap_or_else(|| node.text().to_string());
        if let Some(d) = parse_date(&v) {
            return Some(d);
        }
    }
    url.and_then(date_in_url)
}

/// `/2019/11/19/`, `/2019-11-19`, `/20191119/` in a URL path.
fn date_in_url(url: &str) -> Option<DateTime<Utc>> {
    let path = url::Url::parse(url).ok()?.path().to_string();
    let parts: Vec<&str> = path.split('/').collect();
    for w in parts.windows(3) {
        if w[0].len() == 4 && w[1].len() <= 2 && w[2].len() <= 2 {
            if let (Ok(y), Ok(m), Ok(d)) = (w[0].parse(), w[1].parse(), w[2].parse()) {
                if let Some(nd) = chrono::NaiveDate::from_ymd_opt(y, m, d) {
                    if (1995..=2100).contains(&y) {
                        return Some(nd.and_time(chrono::NaiveTime::MIN).and_utc());
                    }
                }
            }
        }
    }
    for w in parts.windows(3) {
        if w[0].len() == 4 && w[2].len() <= 2 {
            if let (Ok(y), Some(m), Ok(d)) = (
                w[0].parse::<i32>(),
                crate::date::month_of(&w[1].to_ascii_lowercase()),
                w[2].parse::<u32>(),
            ) {
                if let Some(nd) = chrono::NaiveDate::from_ymd_opt(y, m, d) {
                    if (1995..=2100).contains(&y) {
                        return Some(nd.and_time(chrono::NaiveTime::MIN).and_utc());
                    }
                }
            }
        }
    }
    for part in &parts {
        // A slug ending in -YYYYMMDD.
        if let Some((_, tail)) = part.rsplit_once('-') {
            if tail.len() == 8 && tail.bytes().all(|b| b.is_ascii_digit()) {
                if let Ok(nd) = chrono::NaiveDate::parse_from_str(tail, "%Y%m%d") {
                    if (1995..=2100).contains(&chrono::Datelike::year(&nd)) {
                        return Some(nd.and_time(chrono::NaiveTime::MIN).and_utc());
                    }
                }
            }
        }
    }
    for part in parts {
        let p = part.get(..10).unwrap_or("");
        if p.len() == 10 && p.as_bytes()[4] == b'-' && p.as_bytes()[7] == b'-' {
            if let Ok(nd) = chrono::NaiveDate::parse_from_str(p, "%Y-%m-%d") {
                return Some(nd.and_time(chrono::NaiveTime::MIN).and_utc());
            }
        }
    }
    None
}

fn clean_byline(s: &str) -> Option<String> {
    let s = normalize_space(&decode_entities(s));
    let lower = s.to_lowercase();
    let s = if lower.starts_with("by ") {
        s[3..].trim().to_string()
    } else {
        s
    };
    let s = s.trim_matches(|c: char| c == ',' || c == '|' || c.is_whitespace());
    (!s.is_empty() && s.chars().count() <= 200 && !looks_like_url(s)).then(|| s.to_string())
}

fn byline(doc: &Document, metas: &HashMap<String, String>, ld: &LdArticle) -> Option<String> {
    if !ld.authors.is_empty() {
        return clean_byline(&ld.authors.join(", "));
    }
    for key in [
        "author",
        "article:author",
        "parsely-author",
        "sailthru.author",
        "dc.creator",
        "byl",
        "twitter:creator",
    ] {
        if let Some(v) = metas.get(key) {
            if key == "twitter:creator" && v.starts_with('@') {
                continue;
            }
            if let Some(b) = clean_byline(v) {
                return Some(b);
            }
        }
    }
    for sel in [
        "[itemprop=author] [itemprop=name]",
        "[itemprop=author]",
        "[rel=author]",
        ".byline",
        ".author",
    ] {
        if let Some(b) = doc
            .select(sel)
            .nodes()
            .first()
            .and_then(|n| clean_byline(&n.text()))
        {
            if b.split_whitespace().count() <= 12 {
                return Some(b);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_site_suffix() {
        assert_eq!(
            strip_site_from_title("Big news today | Example Times", Some("Example Times")),
            "Big news today"
        );
        assert_eq!(
            strip_site_from_title("EXAMPLE - Big news today", Some("example.com")),
            "Big news today"
        );
        assert_eq!(
            strip_site_from_title("Left - right", Some("Other")),
            "Left - right"
        );
    }

    #[test]
    fn dates_in_urls() {
        assert!(date_in_url("https://x.com/2019/11/19/story.html").is_some());
        assert!(date_in_url("https://x.com/news/2019-11-19-story").is_some());
        assert!(date_in_url("https://x.com/news/story").is_none());
        assert!(date_in_url("https://x.com/2019/nov/18/story/").is_some());
        assert!(date_in_url("https://x.com/cells-that-taste-20191115/").is_some());
    }

    #[test]
    fn relaxed_json() {
        let v: Value =
            serde_json::from_str(&relax_json("{\"a\": [1, 2, ], \"b\": \"x\ny\",}")).unwrap();
        assert_eq!(v["b"], "x y");
    }
}
