//! Story analysis over one article's text.
//!
//! - [`quotes`]: direct quotations in every common quotation-mark style, split and
//!   multi-paragraph quotes joined, each attributed to a speaker.
//! - [`entities`]: the mentions speaker resolution needs: capitalised names with their titles and
//!   roles, pronouns, role nouns ("the minister"), and the merging of name variants
//!   ("Xi Jinping", "Mr Xi", "Xi") into one canonical name per article.
//!
//! **Offsets are character offsets** (Unicode scalar values, i.e. Rust `char`s / Python string
//! indices), end-exclusive, into the text exactly as passed in — never byte offsets.

pub mod doc;
pub mod entities;
pub mod quotes;
pub mod stance;
pub mod story;

pub use entities::{Entity, Mention, MentionKind};
pub use quotes::{CueLexicon, Quote, QuoteAnalyzer, Span};
pub use story::{analyse_story, AlignedSentences, StoryAnalysis, StoryArticle, StoryOptions};

/// Errors of the analysis library.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AnalyseError {
    /// A line of a cue lexicon could not be read.
    #[error("cue lexicon line {line}: {reason}")]
    CueLexicon { line: usize, reason: String },
}

/// Analyse `text` with the default cue lexicon: its direct quotes, attributed.
pub fn quotes(text: &str) -> Vec<Quote> {
    QuoteAnalyzer::default_ref().analyze(text)
}
