//! Quotes of a story, matched across articles.

use serde::Serialize;

use super::disagree::Disagreement;
use super::entities::StoryEntities;
use super::StoryContext;

/// One article's version of a quote.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteVersion {
    pub article: String,
    pub text: String,
    pub speaker: Option<String>,
    /// Character offsets into the article's clean text.
    pub start: usize,
    pub end: usize,
}

/// A quote across the story.
#[derive(Debug, Clone, Serialize)]
pub struct StoryQuote {
    pub id: String,
    pub text: String,
    pub speaker: Option<String>,
    /// `verbatim`, `altered` or `misattributed`.
    pub status: &'static str,
    pub versions: Vec<QuoteVersion>,
    pub independent_sources: usize,
}

pub fn story_quotes(_ctx: &StoryContext, _ents: &StoryEntities) -> Vec<StoryQuote> {
    Vec::new()
}

pub fn quote_disagreements(_quotes: &[StoryQuote]) -> Vec<Disagreement> {
    Vec::new()
}
