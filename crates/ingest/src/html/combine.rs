//! Combining two extractors' outputs, and line-level clean-up of the result.
//!
//! The two extractors (a Readability port and a trafilatura port) make different mistakes:
//! one keeps a related-stories list, the other a caption, one takes the whole page, the
//! other misses the lead. Where both found the article, a line that only one of them kept
//! is most often furniture, so the result is the lines of the Readability text that the
//! trafilatura text supports. Where they disagree on what the article is (little overlap),
//! the JSON-LD `articleBody`, when the page has one, or else the trafilatura text decides.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use super::Tuning;

/// Characters of scripts written without spaces between words (CJK, kana, Hangul, Thai).
fn unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0E7F | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF66..=0xFF9F)
}

/// Lower-cased `\w+` tokens, also split where a run changes between a script written
/// without spaces and one written with them (`アプリKindle` → `アプリ`, `kindle`), so that
/// two extractions differing only in the spaces they put around inline elements agree.
pub(crate) fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut cur_unspaced = false;
    for c in s.chars() {
        if c.is_alphanumeric() || c == '_' {
            let u = unspaced_script(c);
            if !cur.is_empty() && u != cur_unspaced {
                out.push(std::mem::take(&mut cur));
            }
            cur_unspaced = u;
            cur.extend(c.to_lowercase());
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn shingle_hash(w: &[String]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    w.hash(&mut h);
    h.finish()
}

/// A text seen as a bag of 4-word shingles plus its token stream, to test whether it
/// contains a line of another text.
pub(crate) struct Support {
    shingles: HashSet<u64>,
    joined: String,
    pub tokens: usize,
}

impl Support {
    pub(crate) fn new(text: &str) -> Self {
        let toks = words(text);
        let shingles = toks.windows(4).map(shingle_hash).collect();
        let mut joined = String::with_capacity(text.len() + 2);
        joined.push(' ');
        for t in &toks {
            joined.push_str(t);
            joined.push(' ');
        }
        Support {
            shingles,
            joined,
            tokens: toks.len(),
        }
    }

    /// Share (0–1) of `line`'s shingles found here; for lines under four words, 1 when the
    /// words occur here in sequence, else 0.
    pub(crate) fn support(&self, line: &str) -> f64 {
        let toks = words(line);
        if toks.is_empty() {
            return 0.0;
        }
        if toks.len() < 4 {
            let needle = format!(" {} ", toks.join(" "));
            return if self.joined.contains(&needle) {
                1.0
            } else {
                0.0
            };
        }
        let total = toks.len() - 3;
        let found = toks
            .windows(4)
            .filter(|w| self.shingles.contains(&shingle_hash(w)))
            .count();
        found as f64 / total as f64
    }
}

/// Non-empty, whitespace-normalised lines of a text.
pub(crate) fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(super::normalize_space)
        .filter(|l| !l.is_empty())
        .collect()
}

fn token_count(lines: &[String]) -> usize {
    lines.iter().map(|l| words(l).len()).sum()
}

/// Fewest words of a text found by one extractor only.
const MIN_SOLE_WORDS: usize = 8;

/// Choose the article text from the Readability (`primary`) and trafilatura (`secondary`)
/// extractions.
pub(crate) fn combine(
    primary: &str,
    secondary: &str,
    ld_body: Option<&str>,
    tuning: &Tuning,
) -> Vec<String> {
    let p = lines(primary);
    let s = lines(secondary);
    // What only one extractor saw must at least look like a text.
    let alone = |ls: Vec<String>| {
        if token_count(&ls) >= MIN_SOLE_WORDS {
            ls
        } else {
            Vec::new()
        }
    };
    if p.is_empty() {
        return alone(s);
    }
    if s.is_empty() {
        return alone(p);
    }
    let s_support = Support::new(secondary);
    let supported: Vec<bool> = p
        .iter()
        .map(|l| s_support.support(l) >= tuning.min_support)
        .collect();
    let first = supported.iter().position(|&x| x);
    let last = supported.iter().rposition(|&x| x);
    let kept: Vec<String> = p
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            supported[*i]
                || tuning.keep_interior
                    && first.is_some_and(|f| f < *i)
                    && last.is_some_and(|l| *i < l)
        })
        .map(|(_, l)| l.clone())
        .collect();
    let (np, ns, nk) = (token_count(&p), s_support.tokens, token_count(&kept));
    if nk as f64 >= tuning.min_agreement * np.min(ns) as f64 {
        return kept;
    }
    // The two disagree on where the article is.
    if let Some(body) = ld_body {
        let b = Support::new(body);
        if b.tokens >= 50 {
            let score = |ls: &[String]| {
                let covered: usize = ls
                    .iter()
                    .filter(|l| b.support(l) >= 0.5)
                    .map(|l| words(l).len())
                    .sum();
                covered as f64 / token_count(ls).max(1) as f64 + covered as f64 / b.tokens as f64
            };
            return if score(&p) > score(&s) { p } else { s };
        }
    }
    s
}

/// Universal labels of advertising slots, in the languages of most news: a line that is
/// nothing but one of these is furniture.
const AD_LABELS: &[&str] = &[
    "advertisement",
    "advertisements",
    "advert",
    "adverts",
    "advertising",
    "ad",
    "ads",
    "sponsored",
    "sponsored content",
    "paid content",
    "anzeige",
    "werbung",
    "publicité",
    "publicidad",
    "pubblicità",
    "reklama",
    "реклама",
    "story continues below advertisement",
    "continue reading below",
    "article continues below",
    "story continues below",
];

fn is_ad_label(l: &str) -> bool {
    let w = words(l).join(" ");
    AD_LABELS.contains(&w.as_str())
}

/// Short lines naming a photo credit or caption source: `© Jane Doe`, `Photo: Reuters`,
/// `(AP Photo/Jane Doe)`, `Image credit: NASA`.
fn is_credit_line(l: &str) -> bool {
    let n = words(l).len();
    if n == 0 || n > 14 {
        return false;
    }
    let lower = l.to_lowercase();
    let t = lower.trim_start_matches(|c: char| c == '(' || c == '[' || c.is_whitespace());
    lower.contains('©')
        || lower.contains("(c) ")
        || [
            "photo:",
            "photos:",
            "photo by",
            "photograph:",
            "image:",
            "image credit",
            "images:",
            "credit:",
            "picture:",
            "pictures:",
            "foto:",
            "bild:",
            "ap photo",
            "getty images",
            "file photo",
        ]
        .iter()
        .any(|p| t.starts_with(p))
}

/// `By Jane Doe`, `By Jane Doe and John Roe, Reuters` — a short line of names after "By".
fn is_byline_line(l: &str) -> bool {
    let w: Vec<&str> = l.split_whitespace().collect();
    if w.len() < 2 || w.len() > 12 {
        return false;
    }
    let first = w[0].to_lowercase();
    if first != "by" && first != "von" && first != "par" && first != "por" && first != "di" {
        return false;
    }
    let caps = w[1..]
        .iter()
        .filter(|x| x.chars().next().is_some_and(|c| c.is_uppercase()))
        .count();
    caps * 2 >= w.len() - 1 && !l.trim_end().ends_with('.')
}

/// A line that is only a date/time, possibly labelled (`Updated: Nov. 19, 2019 3:05 p.m.`).
fn is_date_line(l: &str) -> bool {
    let n = words(l).len();
    if n == 0 || n > 12 {
        return false;
    }
    let lower = l.to_lowercase();
    let mut t = lower.trim();
    for label in [
        "published",
        "updated",
        "posted",
        "last updated",
        "last modified",
        "modified",
        "date",
        "on",
    ] {
        if let Some(rest) = t.strip_prefix(label) {
            t = rest.trim_start_matches([':', ' ', '-', '|']).trim();
        }
    }
    let t = t.split('|').next().unwrap_or(t);
    if crate::date::parse_date(t).is_some() {
        return true;
    }
    // "Updated at 1:23 p.m.": a label and a time.
    let labelled = t.len() < lower.trim().len();
    labelled && n <= 8 && has_clock_time(t)
}

fn has_clock_time(s: &str) -> bool {
    let b = s.as_bytes();
    (1..b.len().saturating_sub(2)).any(|i| {
        b[i] == b':'
            && b[i - 1].is_ascii_digit()
            && b[i + 1].is_ascii_digit()
            && b[i + 2].is_ascii_digit()
    })
}

/// Line-level clean-up of the chosen text.
pub(crate) fn filter_lines(
    lines: Vec<String>,
    title: Option<&str>,
    tuning: &Tuning,
) -> Vec<String> {
    let title_words = title.map(words).filter(|w| !w.is_empty());
    // Short lines repeated on a page are slot labels and widget titles.
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for l in &lines {
        let w = words(l);
        if !w.is_empty() && w.len() <= 4 {
            *counts.entry(w.join(" ")).or_insert(0) += 1;
        }
    }
    let n = lines.len();
    let mut out = Vec::with_capacity(n);
    for (i, l) in lines.into_iter().enumerate() {
        let w = words(&l);
        if w.is_empty() {
            continue;
        }
        if tuning.f_title && i < 3 && title_words.as_ref().is_some_and(|t| *t == w) {
            continue;
        }
        if tuning.f_ads && is_ad_label(&l) {
            continue;
        }
        if tuning.f_repeat && w.len() <= 4 && counts.get(&w.join(" ")).copied().unwrap_or(0) > 1 {
            continue;
        }
        if tuning.f_credit && is_credit_line(&l) {
            continue;
        }
        let edge = i < 4 || i + 3 >= n;
        if tuning.f_byline && edge && (is_byline_line(&l) || is_date_line(&l)) {
            continue;
        }
        out.push(l);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_of_lines() {
        let s = Support::new("The quick brown fox jumps over the lazy dog. Advertisement");
        assert_eq!(s.support("the quick brown fox jumps"), 1.0);
        assert_eq!(s.support("lazy dog"), 1.0);
        assert_eq!(s.support("lazy cat"), 0.0);
        assert!(s.support("the quick brown cat jumps high") < 0.5);
    }

    #[test]
    fn line_classes() {
        assert!(is_ad_label("ADVERTISEMENT"));
        assert!(is_ad_label("Story continues below advertisement"));
        assert!(!is_ad_label("The ad campaign was a success."));
        assert!(is_credit_line("(AP Photo/Jane Doe)"));
        assert!(is_credit_line("© Aaron Schwartz"));
        assert!(!is_credit_line(
            "Photographers gathered outside the court on Monday."
        ));
        assert!(is_byline_line("By Jane Doe and John Roe"));
        assert!(!is_byline_line(
            "By the end of the year, prices had doubled."
        ));
        assert!(is_date_line("Updated: Nov. 19, 2019 3:05 p.m. ET"));
        assert!(!is_date_line(
            "On Nov. 19, 2019 the council voted to approve it."
        ));
        assert!(is_date_line("Updated at 1:23 p.m."));
        assert!(!is_date_line(
            "The meeting starts at 10:30 in the town hall."
        ));
    }
}
