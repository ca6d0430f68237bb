//! Disagreements between lineages, and meaning changes made by rewrites.

use serde::Serialize;

use super::entities::StoryEntities;
use super::facts::Fact;
use super::StoryContext;

/// One side of a disagreement.
#[derive(Debug, Clone, Serialize)]
pub struct DisagreementValue {
    pub value: String,
    pub text: String,
    pub articles: Vec<String>,
    pub lineages: Vec<String>,
}

/// Sources that say different things about the same subject.
#[derive(Debug, Clone, Serialize)]
pub struct Disagreement {
    /// `number`, `date`, `actor`, `polarity`, `descriptor`, `quote_words`, `quote_speaker`
    /// or `rewrite`.
    pub kind: &'static str,
    pub subject: String,
    pub values: Vec<DisagreementValue>,
}

pub fn disagreements(
    _ctx: &StoryContext,
    _ents: &StoryEntities,
    _facts: &[Fact],
) -> Vec<Disagreement> {
    Vec::new()
}
