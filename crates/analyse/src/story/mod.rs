//! Story-level analysis: what a story's articles say, who says it, and how many independent
//! sources back it.
//!
//! Input: the articles of one story ([`StoryArticle`]: clean text, publication time, lineage —
//! articles of one lineage are copies or derivations of one source and count once — and the
//! source each derived article rewrites), plus the sentence pairs the provenance stage aligned
//! ([`AlignedSentences`]). Output: [`StoryAnalysis`], the `entities`, `quotes`, `facts`,
//! `disagreements`, `summary` and `timeline` of the JSON contract (`docs/json.md`).
//!
//! - [`entities`]: per-article entities merged across the story by name variant; a one-letter
//!   misspelling of a rare name is a variant, flagged; descriptors (titles, roles, appositives)
//!   per lineage.
//! - [`quotes`]: each article's quotes matched across articles: `verbatim`, `altered` (with
//!   the word difference) or `misattributed`.
//! - [`facts`]: sentences carrying numbers, dates or named actors, clustered across articles,
//!   with the independent sources stating each.
//! - [`disagree`]: differing numbers, actors, polarity or descriptors between lineages, and
//!   meaning changes in aligned rewrite passages.
//! - [`summary`]: an extractive summary whose every sentence cites the articles carrying it.
//! - [`timeline`]: dated events.

pub mod disagree;
pub mod entities;
pub mod facts;
pub mod quotes;
pub mod summary;
pub mod timeline;

use serde::Serialize;
use storyline_align::{Doc, Idf};
use storyline_text::Analyzer;

pub use disagree::Disagreement;
pub use entities::{Descriptor, StoryEntity, Variant};
pub use facts::Fact;
pub use quotes::{QuoteVersion, StoryQuote};
pub use summary::SummarySentence;
pub use timeline::TimelineEvent;

/// One article of a story, as the analysis reads it.
#[derive(Debug, Clone)]
pub struct StoryArticle<'a> {
    pub id: &'a str,
    pub title: Option<&'a str>,
    /// Text after cleaning (boilerplate removed).
    pub text: &'a str,
    /// Publication time, seconds since the epoch.
    pub published: Option<i64>,
    /// Lineage label: articles with the same label are one independent source.
    pub lineage: String,
    /// Index (into the story's articles) of the article this one derives from.
    pub derives_from: Option<usize>,
    /// `exact`, `near`, `rewrite`, `partial`, or `None` for an original.
    pub derivation: Option<&'a str>,
}

impl StoryArticle<'_> {
    /// An exact or near copy adds nothing of its own.
    pub fn is_copy(&self) -> bool {
        matches!(self.derivation, Some("exact") | Some("near"))
    }
}

/// A sentence of a derived article aligned to a sentence of its source (byte spans).
#[derive(Debug, Clone)]
pub struct AlignedSentences {
    /// Index of the derived article.
    pub article: usize,
    /// Index of its source.
    pub source: usize,
    pub span: (usize, usize),
    pub source_span: (usize, usize),
    /// `verbatim`, `edited` or `reworded`.
    pub kind: &'static str,
}

/// Options of the story analysis.
#[derive(Debug, Clone)]
pub struct StoryOptions {
    /// Target length of the summary, in words.
    pub summary_words: usize,
}

impl Default for StoryOptions {
    fn default() -> Self {
        StoryOptions { summary_words: 100 }
    }
}

/// Everything the analysis says about one story.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StoryAnalysis {
    pub entities: Vec<StoryEntity>,
    pub quotes: Vec<StoryQuote>,
    pub facts: Vec<Fact>,
    pub disagreements: Vec<Disagreement>,
    pub summary: Vec<SummarySentence>,
    pub timeline: Vec<TimelineEvent>,
}

impl StoryAnalysis {
    /// Rename lineage labels everywhere they appear (the pipeline numbers lineages only
    /// once stories are sorted).
    pub fn rename_lineages(&mut self, f: &dyn Fn(&str) -> String) {
        for e in &mut self.entities {
            for d in &mut e.descriptors {
                for l in &mut d.lineages {
                    *l = f(l);
                }
            }
        }
        for fact in &mut self.facts {
            for l in &mut fact.lineages {
                *l = f(l);
            }
        }
        for d in &mut self.disagreements {
            for v in &mut d.values {
                for l in &mut v.lineages {
                    *l = f(l);
                }
            }
        }
    }
}

/// What every part of the analysis reads: the articles, their sentences, and stem weights
/// over the story's sentences.
pub struct StoryContext<'a> {
    pub articles: &'a [StoryArticle<'a>],
    /// Sentences of each article (`docs[i]` for `articles[i]`).
    pub docs: Vec<Doc>,
    /// IDF of stems over all sentences of the story's non-copy articles.
    pub idf: Idf,
    pub aligned: &'a [AlignedSentences],
}

impl<'a> StoryContext<'a> {
    pub fn new(articles: &'a [StoryArticle<'a>], aligned: &'a [AlignedSentences]) -> Self {
        let analyzer = Analyzer::for_language(Some("en"));
        // Exact copies share their original's text: split each distinct text once.
        let mut seen: std::collections::HashMap<&str, usize> = Default::default();
        let mut docs: Vec<Doc> = Vec::with_capacity(articles.len());
        for (i, a) in articles.iter().enumerate() {
            let doc = match seen.get(a.text) {
                Some(&j) => docs[j].clone(),
                None => {
                    seen.insert(a.text, i);
                    Doc::new(&analyzer, a.text)
                }
            };
            docs.push(doc);
        }
        let mut idf = Idf::new();
        for (a, d) in articles.iter().zip(&docs) {
            if !a.is_copy() {
                for s in &d.sents {
                    idf.add_sent(s);
                }
            }
        }
        StoryContext {
            articles,
            docs,
            idf,
            aligned,
        }
    }

    /// Text of sentence `s` of article `i`.
    pub fn sentence(&self, i: usize, s: usize) -> &'a str {
        self.docs[i].sents[s].text(self.articles[i].text)
    }

    /// Number of distinct lineages among `articles` (indices).
    pub fn independent(&self, articles: &[usize]) -> usize {
        let mut l: Vec<&str> = articles
            .iter()
            .map(|&i| self.articles[i].lineage.as_str())
            .collect();
        l.sort_unstable();
        l.dedup();
        l.len()
    }

    /// Distinct lineage labels of `articles`, sorted.
    pub fn lineages(&self, articles: &[usize]) -> Vec<String> {
        let mut l: Vec<String> = articles
            .iter()
            .map(|&i| self.articles[i].lineage.clone())
            .collect();
        l.sort_unstable();
        l.dedup();
        l
    }

    /// Ids of `articles` (indices), in the given order.
    pub fn ids(&self, articles: &[usize]) -> Vec<String> {
        articles
            .iter()
            .map(|&i| self.articles[i].id.to_string())
            .collect()
    }
}

/// Analyse one story.
pub fn analyse_story(
    articles: &[StoryArticle],
    aligned: &[AlignedSentences],
    opts: &StoryOptions,
) -> StoryAnalysis {
    let ctx = StoryContext::new(articles, aligned);
    let ents = entities::story_entities(&ctx);
    let quotes = quotes::story_quotes(&ctx, &ents);
    let (facts, fact_sents) = facts::story_facts(&ctx, &ents);
    let mut disagreements = disagree::disagreements(&ctx, &ents, &facts, &fact_sents);
    disagreements.extend(quotes::quote_disagreements(&ctx, &quotes));
    let summary = summary::summarize(&ctx, opts.summary_words);
    let timeline = timeline::timeline(&ctx, &facts, &fact_sents);
    StoryAnalysis {
        entities: ents.out,
        quotes,
        facts,
        disagreements,
        summary,
        timeline,
    }
}
