//! Entities of a story: per-article entities merged across articles.

use serde::Serialize;

use super::StoryContext;

/// A name variant of an entity and the articles using it.
#[derive(Debug, Clone, Serialize)]
pub struct Variant {
    pub name: String,
    pub articles: Vec<String>,
    /// A one-letter misspelling of the entity's usual name.
    pub misspelling: bool,
}

/// How sources describe an entity: a title, role or appositive, with the lineages using it.
#[derive(Debug, Clone, Serialize)]
pub struct Descriptor {
    pub text: String,
    pub count: usize,
    pub articles: Vec<String>,
    pub lineages: Vec<String>,
    /// Contradicted by what the other lineages say (a differing role or status word).
    pub conflicting: bool,
}

/// An entity of the story.
#[derive(Debug, Clone, Serialize)]
pub struct StoryEntity {
    pub id: String,
    pub name: String,
    /// `person`, `organisation` or `place`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub variants: Vec<Variant>,
    /// Mentions per article id.
    pub mentions: std::collections::BTreeMap<String, u32>,
    pub independent_sources: usize,
    pub descriptors: Vec<Descriptor>,
}

/// The story's entities, and for the other analyses the per-article lookup.
#[derive(Debug, Clone, Default)]
pub struct StoryEntities {
    pub out: Vec<StoryEntity>,
}

/// Find and merge the entities of a story.
pub fn story_entities(_ctx: &StoryContext) -> StoryEntities {
    StoryEntities::default()
}
