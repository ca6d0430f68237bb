//! Boilerplate learned from the corpus.
//!
//! Site chrome ("Leave a comment", subscribe prompts, share widgets, archive disclaimers)
//! is text that recurs across many documents. Copies of a wire story also recur — every
//! sentence of them — so raw frequency is not enough. The model compares each unit's
//! document frequency with the document frequency of *the rest of the document it sits in*:
//!
//! - units are lines (paragraphs) and the sentences inside them, keyed by their
//!   [`fingerprint_key`](crate::fingerprint_key) (case, punctuation and spacing ignored);
//! - pass 1 ([`BoilerplateModel::add_document`]) counts, for every unit, the number of
//!   documents containing it (`df`);
//! - pass 2 ([`BoilerplateModel::clean`]) estimates the document's *content frequency*: the
//!   token-weighted lower quantile (30%) of its sentences' `df` — for an original article about
//!   1, for a wire story republished by ten sites about 10;
//! - a document *votes* a unit chrome when `df >= min_docs` and `df >= ratio × content
//!   frequency` there: chrome shared by a site's 50 pages stands out even in a syndicated copy
//!   (50 ≥ 2 × 10); the wire text itself never does;
//! - pass 3 ([`BoilerplateModel::clean`]) removes, from every document, the units voted chrome
//!   by at least `min_votes` documents and by at least `vote_share` of the documents
//!   containing them — so a disclaimer is removed even from a page that holds nothing else.
//!
//! Call [`BoilerplateModel::add_document`] for every document, then
//! [`BoilerplateModel::vote`] for every document, then `clean`.
//!
//! Nothing here is a list of phrases: everything is learned from the documents given.

use std::collections::{HashMap, HashSet};

use crate::{fingerprint_key, hash64, sentences};

/// Knobs of the boilerplate model.
#[derive(Debug, Clone)]
pub struct BoilerplateOptions {
    /// A unit must occur in at least this many documents to be boilerplate.
    pub min_docs: u32,
    /// ... and at least `ratio` times as often as the document's own content.
    pub ratio: f64,
    /// Quantile (token-weighted) of sentence frequencies that estimates content frequency.
    pub content_quantile: f64,
    /// A unit is removed when at least this many documents vote it chrome...
    pub min_votes: u32,
    /// ... and they are at least this share of the documents containing it.
    pub vote_share: f64,
}

impl Default for BoilerplateOptions {
    fn default() -> Self {
        BoilerplateOptions {
            min_docs: 3,
            ratio: 2.0,
            content_quantile: 0.3,
            min_votes: 2,
            vote_share: 0.25,
        }
    }
}

/// Document frequencies of text units over a corpus.
#[derive(Debug, Default)]
pub struct BoilerplateModel {
    opts: BoilerplateOptions,
    df: HashMap<u64, u32>,
    votes: HashMap<u64, u32>,
    documents: u64,
}

/// A unit removed from a document, for `--explain`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RemovedUnit {
    pub text: String,
    /// Number of documents in the corpus containing this unit.
    pub doc_frequency: u32,
    /// `line` or `sentence`.
    pub kind: &'static str,
}

/// The result of cleaning one document.
#[derive(Debug, Clone, Default)]
pub struct CleanedText {
    pub text: String,
    pub removed: Vec<RemovedUnit>,
}

struct Unit<'a> {
    text: &'a str,
    key: u64,
    tokens: usize,
}

fn unit(text: &str) -> Option<Unit<'_>> {
    let key = fingerprint_key(text);
    if key.is_empty() {
        return None;
    }
    let tokens = key.split(' ').count();
    Some(Unit {
        text,
        key: hash64(&key),
        tokens,
    })
}

/// Lines of a document with the sentences inside each line.
fn units(text: &str) -> Vec<(Option<Unit<'_>>, Vec<Unit<'_>>)> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let sents = sentences(line)
                .iter()
                .filter_map(|s| unit(s.text(line)))
                .collect();
            (unit(line.trim()), sents)
        })
        .collect()
}

impl BoilerplateModel {
    pub fn new(opts: BoilerplateOptions) -> Self {
        BoilerplateModel {
            opts,
            ..Default::default()
        }
    }

    /// Number of documents counted so far.
    pub fn documents(&self) -> u64 {
        self.documents
    }

    /// Pass 1: count the units of one document.
    pub fn add_document(&mut self, text: &str) {
        let mut seen = HashSet::new();
        for (line, sents) in units(text) {
            for u in line.iter().chain(sents.iter()) {
                if seen.insert(u.key) {
                    *self.df.entry(u.key).or_insert(0) += 1;
                }
            }
        }
        self.documents += 1;
    }

    fn df(&self, key: u64) -> u32 {
        self.df.get(&key).copied().unwrap_or(0)
    }

    /// Content frequency of a document: token-weighted lower quantile of its sentences' df.
    fn content_df(&self, units: &[(Option<Unit<'_>>, Vec<Unit<'_>>)]) -> u32 {
        let mut weighted: Vec<(u32, usize)> = units
            .iter()
            .flat_map(|(_, s)| s.iter().map(|u| (self.df(u.key).max(1), u.tokens)))
            .collect();
        weighted.sort_unstable();
        let total: usize = weighted.iter().map(|w| w.1).sum();
        let target = ((total as f64 * self.opts.content_quantile).ceil() as usize).max(1);
        let mut acc = 0usize;
        for (df, w) in &weighted {
            acc += w;
            if acc >= target {
                return *df;
            }
        }
        1
    }

    /// Pass 2: let one document vote for the units that stand out as chrome in it.
    pub fn vote(&mut self, text: &str) {
        let units = units(text);
        let content_df = self.content_df(&units) as f64;
        let mut seen = HashSet::new();
        for (line, sents) in &units {
            for u in line.iter().chain(sents.iter()) {
                let df = self.df(u.key);
                if df >= self.opts.min_docs
                    && df as f64 >= self.opts.ratio * content_df
                    && seen.insert(u.key)
                {
                    *self.votes.entry(u.key).or_insert(0) += 1;
                }
            }
        }
    }

    /// Whether a unit (by key) has been voted boilerplate.
    fn is_boiler(&self, key: u64) -> bool {
        let votes = self.votes.get(&key).copied().unwrap_or(0);
        votes >= self.opts.min_votes && votes as f64 >= self.opts.vote_share * self.df(key) as f64
    }

    /// Pass 3: remove the boilerplate lines and sentences of one document.
    pub fn clean(&self, text: &str) -> CleanedText {
        let units = units(text);
        let is_boiler = |key: u64| self.is_boiler(key);
        let mut out = CleanedText::default();
        let mut paragraphs: Vec<String> = Vec::new();
        for (line, sents) in &units {
            if let Some(l) = line {
                if is_boiler(l.key) {
                    out.removed.push(RemovedUnit {
                        text: l.text.to_string(),
                        doc_frequency: self.df(l.key),
                        kind: "line",
                    });
                    continue;
                }
            }
            let mut kept: Vec<&str> = Vec::new();
            for s in sents {
                if is_boiler(s.key) {
                    out.removed.push(RemovedUnit {
                        text: s.text.to_string(),
                        doc_frequency: self.df(s.key),
                        kind: "sentence",
                    });
                } else {
                    kept.push(s.text);
                }
            }
            if !kept.is_empty() {
                paragraphs.push(kept.join(" "));
            }
        }
        out.text = paragraphs.join("\n\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model_of(docs: &[String]) -> BoilerplateModel {
        let mut m = BoilerplateModel::new(BoilerplateOptions::default());
        for d in docs {
            m.add_document(d);
        }
        for d in docs {
            m.vote(d);
        }
        m
    }

    fn article(topic: &str, i: usize) -> String {
        format!(
            "Home | News | Sport\n\
             The {topic} council voted {i} times on the plan. Officials in {topic} said the vote was close.\n\
             Residents of {topic} number {i}00 and many attended.\n\
             Leave a comment below. Subscribe to our newsletter!"
        )
    }

    #[test]
    fn learns_chrome_keeps_content() {
        let docs: Vec<String> = ["Avon", "Brent", "Corby", "Derby", "Exeter"]
            .iter()
            .enumerate()
            .map(|(i, t)| article(t, i))
            .collect();
        let m = model_of(&docs);
        let c = m.clean(&docs[0]);
        assert!(!c.text.contains("Home | News"));
        assert!(!c.text.contains("Leave a comment"));
        assert!(c.text.contains("The Avon council voted 0 times"));
        assert!(c.text.contains("Residents of Avon"));
        assert_eq!(c.removed.len(), 2, "{:?}", c.removed);
    }

    #[test]
    fn syndicated_copies_are_not_boilerplate() {
        let wire = "The port strike entered its third day. Dockers demanded higher pay.\n\
                    Shipping lines diverted vessels to other harbours.";
        let mut docs: Vec<String> = (0..4).map(|_| wire.to_string()).collect();
        docs.push("An unrelated story about a football match. The home side won.".into());
        let m = model_of(&docs);
        let c = m.clean(&docs[0]);
        assert!(c.removed.is_empty(), "{:?}", c.removed);
        assert!(c.text.contains("Dockers demanded higher pay."));
    }

    #[test]
    fn disclaimer_removed_even_where_it_is_everything() {
        let disclaimer = "These pages were archived by a crawler for the public record.";
        let mut docs: Vec<String> = ["Avon", "Brent", "Corby", "Derby"]
            .iter()
            .map(|t| format!("The {t} mayor opened a new library on Friday.\n{disclaimer}"))
            .collect();
        docs.push(disclaimer.to_string());
        let m = model_of(&docs);
        assert!(m.clean(&docs[4]).text.is_empty());
        assert_eq!(
            m.clean(&docs[0]).text,
            "The Avon mayor opened a new library on Friday."
        );
    }
}
