//! Storyline's shared data model.
//!
//! Every stage speaks in these types: sources produce [`Article`]s (or [`ItemError`]s for input
//! that could not be read), later stages attach copies and stories to article *indices* in
//! arrival order. Nothing here does I/O.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where an article was read from: the file (or `-` for stdin) and, for line-oriented
/// formats, the 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Origin {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}", self.file, l),
            None => write!(f, "{}", self.file),
        }
    }
}

/// One news article as Storyline reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Article {
    /// Identifier, unique within a run (see the ingest crate for how it is derived per format).
    pub id: String,
    pub url: Option<String>,
    /// Site or publisher (e.g. `example.com` or `Reuters`).
    pub source: Option<String>,
    pub title: Option<String>,
    pub byline: Option<String>,
    /// Publication time, normalised to UTC.
    pub published: Option<DateTime<Utc>>,
    /// ISO 639-3 code of the detected (or declared) language, e.g. `eng`.
    pub language: Option<String>,
    /// Main text, paragraphs separated by blank lines.
    pub text: String,
    pub origin: Origin,
}

impl Article {
    /// `published` as RFC 3339 (`2024-05-01T12:00:00Z`), when known.
    pub fn published_rfc3339(&self) -> Option<String> {
        self.published
            .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    }
}

/// An input item that could not be turned into an article. `item` names it precisely
/// (`path`, `path:line`, `-:line` for stdin); `error` says why in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{item}: {error}")]
pub struct ItemError {
    pub item: String,
    pub error: String,
}

impl ItemError {
    pub fn new(item: impl Into<String>, error: impl Into<String>) -> Self {
        ItemError {
            item: item.into(),
            error: error.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_display_names_file_and_line() {
        let o = Origin {
            file: "a.jsonl".into(),
            line: Some(3),
        };
        assert_eq!(o.to_string(), "a.jsonl:3");
    }

    #[test]
    fn published_is_rfc3339_utc() {
        let a = Article {
            published: Some("2024-05-01T14:00:00+02:00".parse().unwrap()),
            ..Default::default()
        };
        assert_eq!(a.published_rfc3339().unwrap(), "2024-05-01T12:00:00Z");
    }
}
