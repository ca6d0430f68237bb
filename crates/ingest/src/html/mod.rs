//! Main-text and metadata extraction from HTML pages.
//!
//! Pipeline: parse once (html5ever via `dom_query`), read the metadata, remove page
//! furniture with general rules (see `clean.rs`), run two extractors on the cleaned page
//! (dom_smoothie, a Readability port, in formatted-text mode, and rs-trafilatura), keep the
//! lines of the Readability text that the trafilatura text supports (falling back to one of
//! them when they disagree), then drop leftover label, credit and byline lines.
//!
//! Broken HTML is parsed the way browsers do (html5ever never fails); the text may then be
//! empty, which callers treat as "no article". Pages nested too deeply to parse in reasonable
//! time have their tags stripped instead, and the extractors run on a thread with a large
//! stack so that no page can overflow the caller's.
//!
//! Quality, measured with `eval/extraction.py` on the article-extraction benchmark pages
//! (shingle precision / recall / F1): 0.980 / 0.987 / 0.984, against 0.921 / 0.989 / 0.954
//! for dom_smoothie alone and 0.925 / 0.992 / 0.957 for rs-trafilatura alone.

mod clean;
mod combine;
mod fallback;
mod meta;

use chrono::{DateTime, Utc};
use dom_query::Document;

/// What [`extract`] found in a page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    pub title: Option<String>,
    /// Main text, paragraphs separated by blank lines; empty when none was found.
    pub text: String,
    pub published: Option<DateTime<Utc>>,
    /// Site name (`og:site_name`, JSON-LD publisher), else the host of the page's URL.
    pub source: Option<String>,
    /// Canonical URL (`<link rel=canonical>`, `og:url`), else the URL given.
    pub url: Option<String>,
    pub byline: Option<String>,
    /// ISO 639-3 code declared by the page (`<html lang>`, `content-language`), normalised.
    pub language: Option<String>,
}

/// Extract the main text and metadata of an HTML page. `url`, when known, is where the page
/// came from; it resolves relative canonical links and is the fallback URL and source.
pub fn extract(html: &str, url: Option<&str>) -> Extracted {
    extract_tuned(html, url, &Tuning::default())
}

/// Which extractor(s) to run; for experiments, see `examples/extract.rs`.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Both extractors, combined (the default).
    Combined,
    /// dom_smoothie (Readability) alone.
    Readability,
    /// rs-trafilatura alone.
    Trafilatura,
}

/// Knobs of the extraction pipeline. The defaults are what [`extract`] uses; the others exist
/// to measure what each rule is worth (`examples/extract.rs --set name=value`).
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct Tuning {
    pub engine: Engine,
    /// Remove non-content elements (nav, aside, footer, forms, figcaption, ...).
    pub rm_tags: bool,
    pub rm_figure: bool,
    pub rm_header: bool,
    pub rm_hidden: bool,
    pub rm_aria_hidden: bool,
    /// Remove elements whose class/id names a boilerplate role.
    pub rm_class: bool,
    /// Remove blocks whose text is (almost) all links.
    pub rm_links: bool,
    /// Remove small blocks holding form controls (newsletter boxes, polls, share bars).
    pub rm_widgets: bool,
    /// Remove inline clusters of three or more links (hover cards).
    pub rm_link_clusters: bool,
    /// Remove the short label just before a removed list.
    pub rm_list_labels: bool,
    /// Keep lines only one extractor found when they sit between lines both found.
    pub keep_interior: bool,
    /// Share of link text that makes a block a link list.
    pub link_ratio: f64,
    /// An element holding more than this share of the page's prose is never removed.
    pub max_removed_prose: f64,
    /// An element holding more than this share of the page's text is never removed.
    pub max_removed_text: f64,
    /// Share of a line's shingles the other extractor must have for the line to stay.
    pub min_support: f64,
    /// Below this share of kept tokens (of the shorter text) the extractors disagree.
    pub min_agreement: f64,
    pub f_title: bool,
    pub f_ads: bool,
    pub f_repeat: bool,
    pub f_credit: bool,
    pub f_byline: bool,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            engine: Engine::Combined,
            rm_tags: true,
            rm_figure: false,
            rm_header: true,
            rm_hidden: true,
            rm_aria_hidden: false,
            rm_class: true,
            rm_links: true,
            rm_widgets: true,
            rm_link_clusters: true,
            rm_list_labels: true,
            keep_interior: false,
            link_ratio: 0.8,
            max_removed_prose: 0.2,
            max_removed_text: 0.5,
            min_support: 0.5,
            min_agreement: 0.5,
            f_title: true,
            f_ads: true,
            f_repeat: false,
            f_credit: true,
            f_byline: true,
        }
    }
}

impl Tuning {
    /// Set a knob by name (`rm_class=false`, `min_support=0.6`, `engine=trafilatura`).
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
        let b = || {
            value
                .parse::<bool>()
                .map_err(|_| format!("{name}: expected true or false"))
        };
        let f = || {
            value
                .parse::<f64>()
                .map_err(|_| format!("{name}: expected a number"))
        };
        match name {
            "engine" => {
                self.engine = match value {
                    "combined" => Engine::Combined,
                    "readability" | "smoothie" => Engine::Readability,
                    "trafilatura" => Engine::Trafilatura,
                    _ => return Err(format!("unknown engine {value}")),
                }
            }
            "rm_tags" => self.rm_tags = b()?,
            "rm_figure" => self.rm_figure = b()?,
            "rm_header" => self.rm_header = b()?,
            "rm_hidden" => self.rm_hidden = b()?,
            "rm_aria_hidden" => self.rm_aria_hidden = b()?,
            "rm_class" => self.rm_class = b()?,
            "rm_links" => self.rm_links = b()?,
            "rm_widgets" => self.rm_widgets = b()?,
            "rm_link_clusters" => self.rm_link_clusters = b()?,
            "rm_list_labels" => self.rm_list_labels = b()?,
            "keep_interior" => self.keep_interior = b()?,
            "link_ratio" => self.link_ratio = f()?,
            "max_removed_prose" => self.max_removed_prose = f()?,
            "max_removed_text" => self.max_removed_text = f()?,
            "min_support" => self.min_support = f()?,
            "min_agreement" => self.min_agreement = f()?,
            "f_title" => self.f_title = b()?,
            "f_ads" => self.f_ads = b()?,
            "f_repeat" => self.f_repeat = b()?,
            "f_credit" => self.f_credit = b()?,
            "f_byline" => self.f_byline = b()?,
            "clean" => {
                let v = b()?;
                self.rm_tags = v;
                self.rm_hidden = v;
                self.rm_class = v;
                self.rm_links = v;
            }
            "filters" => {
                let v = b()?;
                self.f_title = v;
                self.f_ads = v;
                self.f_repeat = v;
                self.f_credit = v;
                self.f_byline = v;
            }
            _ => return Err(format!("unknown setting {name}")),
        }
        Ok(())
    }
}

/// Deeper pages are not parsed into a tree (html5ever's work grows with the square of the
/// nesting, and the extractors recurse): their text is taken by stripping tags.
const MAX_NESTING: usize = 1500;
/// Stack of the thread that runs the extractors (reserved, used only as deep as needed).
const STACK_BYTES: usize = 64 * 1024 * 1024;

/// [`extract`] with explicit knobs.
#[doc(hidden)]
pub fn extract_tuned(html: &str, url: Option<&str>, tuning: &Tuning) -> Extracted {
    if fallback::nesting_depth(html) > MAX_NESTING {
        return fallback::extract(html, url);
    }
    // The extractors recurse over the tree: give them a stack that does not depend on the
    // caller's thread, and survive a panic in them.
    let run = || extract_tree(html, url, tuning);
    let joined = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("storyline-html".into())
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, run)
            .map(|handle| handle.join())
    });
    match joined {
        Ok(Ok(ex)) => ex,
        Ok(Err(_)) => fallback::extract(html, url),
        Err(_) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
            .unwrap_or_else(|_| fallback::extract(html, url)),
    }
}

fn extract_tree(html: &str, url: Option<&str>, tuning: &Tuning) -> Extracted {
    let doc = Document::from(html);
    let meta = meta::collect(&doc, url);
    let removed = clean::clean(&doc, tuning);
    let cleaned: String = if removed > 0 {
        doc.html().to_string()
    } else {
        html.to_string()
    };
    let page_url = meta.url.as_deref().or(url);

    let traf = || run_trafilatura(&cleaned, page_url);
    let (text_lines, other_title, traf_meta) = match tuning.engine {
        Engine::Trafilatura => {
            let (t, m) = traf();
            (combine::lines(&t), None, m)
        }
        Engine::Readability => {
            let (r, title) = run_readability(doc, page_url);
            (combine::lines(&r), title, None)
        }
        Engine::Combined => {
            let (r, r_title) = run_readability(doc, page_url);
            let (t, m) = traf();
            (
                combine::combine(&r, &t, meta.ld_body.as_deref(), tuning),
                r_title,
                m,
            )
        }
    };
    // What our own metadata reading missed, trafilatura's may have.
    let traf_meta = traf_meta.unwrap_or_default();
    let nonempty = |s: Option<String>| s.map(|v| normalize_space(&v)).filter(|v| !v.is_empty());
    let title = meta
        .title
        .clone()
        .or_else(|| nonempty(traf_meta.title))
        .or(other_title);
    let text_lines = combine::filter_lines(text_lines, title.as_deref(), tuning);
    Extracted {
        title,
        text: text_lines.join("\n\n"),
        published: meta.published.or(traf_meta.date),
        source: meta.site.or_else(|| nonempty(traf_meta.sitename)),
        url: meta.url,
        byline: meta.byline.or_else(|| nonempty(traf_meta.author)),
        language: meta.language,
    }
}

fn run_trafilatura(html: &str, url: Option<&str>) -> (String, Option<rs_trafilatura::Metadata>) {
    let opts = rs_trafilatura::Options {
        url: url.map(str::to_string),
        ..Default::default()
    };
    let res = std::panic::catch_unwind(|| rs_trafilatura::extract_with_options(html, &opts));
    match res {
        Ok(Ok(r)) => (r.content_text, Some(r.metadata)),
        _ => (String::new(), None),
    }
}

fn run_readability(doc: Document, url: Option<&str>) -> (String, Option<String>) {
    let cfg = dom_smoothie::Config {
        text_mode: dom_smoothie::TextMode::Formatted,
        ..Default::default()
    };
    let url =
        url.filter(|u| url::Url::parse(u).is_ok_and(|p| matches!(p.scheme(), "http" | "https")));
    let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let mut r = dom_smoothie::Readability::with_document(doc, url, Some(cfg)).ok()?;
        r.parse().ok()
    }));
    match res {
        Ok(Some(a)) => {
            let title = Some(normalize_space(&a.title)).filter(|t| !t.is_empty());
            (a.text_content.to_string(), title)
        }
        _ => (String::new(), None),
    }
}

/// Collapse runs of whitespace (including no-break spaces) to one space and trim.
pub(crate) fn normalize_space(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split(|c: char| c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}') {
        if w.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}
