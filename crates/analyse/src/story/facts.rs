//! Facts: checkable statements clustered across a story's articles.

use serde::Serialize;

use super::entities::StoryEntities;
use super::StoryContext;

/// A fact and the sources stating it.
#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    pub id: String,
    pub text: String,
    pub articles: Vec<String>,
    pub lineages: Vec<String>,
    pub independent_sources: usize,
    pub single_source: bool,
}

pub fn story_facts(_ctx: &StoryContext, _ents: &StoryEntities) -> Vec<Fact> {
    Vec::new()
}
