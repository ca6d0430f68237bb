//! Timeline of dated events.

use serde::Serialize;

use super::StoryContext;

/// A dated event.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineEvent {
    pub date: String,
    pub text: String,
    pub articles: Vec<String>,
}

pub fn timeline(_ctx: &StoryContext) -> Vec<TimelineEvent> {
    Vec::new()
}
