//! Removal of page furniture before main-text extraction.
//!
//! The rules are general, not tuned to particular sites: navigation and other non-content
//! elements; hidden elements; elements whose `class`/`id` name a boilerplate role (share
//! bars, related-article lists, newsletter boxes, captions, bylines, advertising...); blocks
//! made (almost) only of links. A rule never removes an element that holds a large share of
//! the page's paragraph text, so a mislabelled article container survives.

use std::collections::HashMap;

use dom_query::{Document, NodeId, NodeRef};

use super::Tuning;

/// Per-element text statistics (characters, whitespace excluded).
#[derive(Debug, Default, Clone, Copy)]
struct Stats {
    text: usize,
    link: usize,
    /// Text of the long, link-poor paragraphs inside: where article prose lives.
    prose: usize,
    /// Number of `<a>` elements inside (itself included).
    anchors: usize,
    /// Number of form controls inside (`input`, `button`, `select`, `textarea`).
    controls: usize,
}

const SKIP_TEXT: &[&str] = &["script", "style", "noscript", "template", "head", "title"];

const REMOVE_TAGS: &[&str] = &[
    "nav",
    "aside",
    "footer",
    "figcaption",
    "button",
    "select",
    "textarea",
    "input",
    "label",
    "dialog",
    "menu",
    "iframe",
    "svg",
    "canvas",
    "audio",
    "video",
    "object",
    "embed",
    "map",
    "form",
];

const REMOVE_ROLES: &[&str] = &[
    "navigation",
    "complementary",
    "contentinfo",
    "dialog",
    "alertdialog",
    "menu",
    "menubar",
    "banner",
    "search",
];

const PROTECTED_TAGS: &[&str] = &["html", "body", "main", "article"];

/// Class/id words that name boilerplate, matched against whole tokens.
const BOILERPLATE_WORDS: &[&str] = &[
    "ad",
    "ads",
    "adv",
    "advert",
    "adverts",
    "advertisement",
    "advertisements",
    "advertising",
    "adslot",
    "adunit",
    "adsense",
    "dfp",
    "sponsor",
    "sponsored",
    "sponsors",
    "promo",
    "promos",
    "promoted",
    "promotion",
    "promotions",
    "share",
    "shares",
    "sharing",
    "social",
    "related",
    "newsletter",
    "newsletters",
    "subscribe",
    "subscription",
    "signup",
    "recommended",
    "recommendation",
    "recommendations",
    "recirc",
    "recirculation",
    "trending",
    "popular",
    "mostpopular",
    "mostread",
    "outbrain",
    "taboola",
    "comments",
    "comment",
    "disqus",
    "breadcrumb",
    "breadcrumbs",
    "byline",
    "bylines",
    "caption",
    "captions",
    "credit",
    "credits",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "modal",
    "popup",
    "overlay",
    "toolbar",
    "tags",
    "widget",
    "widgets",
    "sidebar",
    "follow",
    "author",
    "authors",
    "bio",
    "nav",
    "navigation",
    "navbar",
    "menu",
    "footer",
    "masthead",
    "cta",
];

/// Prefixes of class/id tokens that name boilerplate even when glued to other words
/// (`relatedposts`, `sharebuttons`, `socialicons`).
const BOILERPLATE_PREFIXES: &[&str] = &[
    "related",
    "share",
    "social",
    "newsletter",
    "sponsor",
    "advert",
    "promo",
    "recommend",
    "outbrain",
    "taboola",
    "breadcrumb",
    "caption",
];

/// Whole class names that hide an element on every screen (not `hidden-xs` and the like,
/// which hide it on some screen sizes only), or show it to screen readers only.
const HIDDEN_CLASSES: &[&str] = &[
    "hidden",
    "hide",
    "is-hidden",
    "invisible",
    "sr-only",
    "visually-hidden",
    "visuallyhidden",
    "screen-reader-text",
    "screen-reader-only",
    "offscreen",
];

fn name_of(n: &NodeRef) -> String {
    n.node_name()
        .map(|s| s.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Tokens of `class` and `id`: split on non-alphanumerics and at camelCase humps, lower-cased.
fn attr_tokens(n: &NodeRef) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["class", "id"] {
        let Some(v) = n.attr(attr) else { continue };
        for raw in v.split(|c: char| !c.is_ascii_alphanumeric()) {
            if raw.is_empty() {
                continue;
            }
            let mut cur = String::new();
            let mut prev_lower = false;
            for c in raw.chars() {
                if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
                cur.push(c.to_ascii_lowercase());
            }
            if !cur.is_empty() {
                out.push(cur);
            }
        }
    }
    out
}

fn is_boilerplate_token(t: &str) -> bool {
    BOILERPLATE_WORDS.contains(&t)
        || (t.len() > 5 && BOILERPLATE_PREFIXES.iter().any(|p| t.starts_with(p)))
}

fn non_ws_chars(s: &str) -> usize {
    s.chars().filter(|c| !c.is_whitespace()).count()
}

/// Compute statistics for every element under `root`, children before parents, without
/// recursion (pages can nest deeply).
fn compute_stats(root: NodeRef) -> HashMap<NodeId, Stats> {
    let mut order: Vec<NodeRef> = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        order.push(n);
        if n.is_element() && SKIP_TEXT.contains(&name_of(&n).as_str()) {
            continue;
        }
        stack.extend(n.children_it(false));
    }
    let mut stats: HashMap<NodeId, Stats> = HashMap::with_capacity(order.len());
    for n in order.iter().rev() {
        let s = if n.is_text() {
            let t = non_ws_chars(&n.text());
            // A long run of text is prose wherever it sits (pages without <p> too).
            Stats {
                text: t,
                prose: if t >= 80 { t } else { 0 },
                ..Stats::default()
            }
        } else if n.is_element() {
            let name = name_of(n);
            if SKIP_TEXT.contains(&name.as_str()) {
                Stats::default()
            } else {
                let mut s = Stats::default();
                for c in n.children_it(false) {
                    if let Some(cs) = stats.get(&c.id) {
                        s.text += cs.text;
                        s.link += cs.link;
                        s.prose += cs.prose;
                        s.anchors += cs.anchors;
                        s.controls += cs.controls;
                    }
                }
                if matches!(name.as_str(), "input" | "button" | "select" | "textarea") {
                    s.controls += 1;
                }
                if name == "a" {
                    s.link = s.text;
                    s.prose = 0;
                    s.anchors += 1;
                }
                if name == "p" {
                    s.prose = if s.text >= 80 && s.link * 2 < s.text {
                        s.text
                    } else {
                        0
                    };
                }
                s
            }
        } else {
            Stats::default()
        };
        stats.insert(n.id, s);
    }
    stats
}

fn is_hidden(n: &NodeRef) -> bool {
    if n.has_attr("hidden") {
        return true;
    }
    if let Some(style) = n.attr("style") {
        let s: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return true;
        }
    }
    n.attr("class").is_some_and(|c| {
        c.split_ascii_whitespace()
            .any(|c| HIDDEN_CLASSES.iter().any(|h| h.eq_ignore_ascii_case(c)))
    })
}

fn is_link_list(name: &str, s: &Stats, tuning: &Tuning) -> bool {
    s.text > 0
        && s.link as f64 >= tuning.link_ratio * s.text as f64
        && matches!(
            name,
            "p" | "ul"
                | "ol"
                | "li"
                | "dl"
                | "div"
                | "section"
                | "table"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
        )
}

/// An inline cluster of links inside running text (hover cards, "related" teasers glued
/// into a paragraph): a `span` of at least three links and little else.
fn is_link_cluster(
    n: &NodeRef,
    s: &Stats,
    stats: &HashMap<NodeId, Stats>,
    tuning: &Tuning,
) -> bool {
    let cluster = |s: &Stats| s.anchors >= 3 && s.link as f64 >= tuning.link_ratio * s.text as f64;
    if !cluster(s) {
        return false;
    }
    // The innermost such span: no child element is one too.
    !n.children_it(false).any(|c| {
        c.is_element()
            && stats
                .get(&c.id)
                .is_some_and(|cs| cluster(cs) && cs.text * 10 >= s.text * 9)
    })
}

/// The short label before a removed list ("Related", "More:", "Don't miss"): no links, at
/// most six words.
fn is_list_label(n: &NodeRef, stats: &HashMap<NodeId, Stats>) -> bool {
    if !n.is_element() {
        return false;
    }
    let name = name_of(n);
    if !matches!(
        name.as_str(),
        "h2" | "h3" | "h4" | "h5" | "h6" | "p" | "div" | "span" | "strong" | "b" | "header"
    ) {
        return false;
    }
    let Some(s) = stats.get(&n.id) else {
        return false;
    };
    if s.link > 0 || s.text == 0 || s.text > 60 {
        return false;
    }
    n.text().split_whitespace().count() <= 6
}

fn prev_element<'a>(n: &NodeRef<'a>) -> Option<NodeRef<'a>> {
    let mut cur = n.prev_sibling();
    while let Some(c) = cur {
        if c.is_element() {
            return Some(c);
        }
        if c.is_text() && !c.text().trim().is_empty() {
            return None;
        }
        cur = c.prev_sibling();
    }
    None
}

/// Remove boilerplate elements from the document's body; returns how many were removed.
pub(crate) fn clean(doc: &Document, tuning: &Tuning) -> usize {
    let Some(root) = doc.body().or_else(|| Some(doc.root())) else {
        return 0;
    };
    let stats = compute_stats(root);
    let total = stats.get(&root.id).copied().unwrap_or_default();
    // An element may go only if it holds a small part of the page's prose.
    let safe = |s: &Stats| {
        let prose_ok =
            total.prose == 0 || (s.prose as f64) <= tuning.max_removed_prose * total.prose as f64;
        let text_ok = (s.text as f64) <= tuning.max_removed_text * total.text as f64;
        prose_ok && text_ok
    };

    let mut doomed: Vec<NodeRef> = Vec::new();
    let mut stack: Vec<NodeRef> = root.children_it(true).collect();
    while let Some(n) = stack.pop() {
        if !n.is_element() {
            continue;
        }
        let name = name_of(&n);
        if SKIP_TEXT.contains(&name.as_str()) {
            continue;
        }
        let s = stats.get(&n.id).copied().unwrap_or_default();
        let tokens = attr_tokens(&n);
        let protected = PROTECTED_TAGS.contains(&name.as_str());
        let mut remove = false;
        let mut list = false;
        if !protected && safe(&s) {
            if tuning.rm_tags {
                remove |= REMOVE_TAGS.contains(&name.as_str());
                remove |= n.attr("role").is_some_and(|r| {
                    let r = r.trim().to_ascii_lowercase();
                    REMOVE_ROLES.contains(&r.as_str())
                });
            }
            if tuning.rm_figure && name == "figure" {
                remove = true;
            }
            if tuning.rm_header && name == "header" {
                remove = true;
            }
            if tuning.rm_hidden
                && (is_hidden(&n)
                    || tuning.rm_aria_hidden
                        && n.attr("aria-hidden").is_some_and(|v| v.trim() == "true"))
            {
                remove = true;
            }
            if tuning.rm_class && tokens.iter().any(|t| is_boilerplate_token(t)) {
                remove = true;
                list = true;
            }
            if tuning.rm_links && is_link_list(&name, &s, tuning) {
                remove = true;
                list = true;
            }
            if tuning.rm_widgets && s.controls > 0 && s.text <= 400 {
                remove = true;
            }
            if tuning.rm_link_clusters && name == "span" && is_link_cluster(&n, &s, &stats, tuning)
            {
                remove = true;
            }
        }
        if remove {
            if list && tuning.rm_list_labels {
                if let Some(p) = prev_element(&n) {
                    if is_list_label(&p, &stats) {
                        doomed.push(p);
                    }
                }
            }
            doomed.push(n);
        } else {
            stack.extend(n.children_it(true));
        }
    }
    for n in &doomed {
        n.remove_from_parent();
    }
    doomed.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_split_camel_case_and_separators() {
        let doc = Document::from(r#"<div class="relatedArticles share-bar" id="main_Col"></div>"#);
        let n = doc.select("div").nodes()[0];
        assert_eq!(
            attr_tokens(&n),
            vec!["related", "articles", "share", "bar", "main", "col"]
        );
    }
}
