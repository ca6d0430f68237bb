//! Article-level provenance: does one article derive from another, and which way round.

use serde::Serialize;

use crate::align::Alignment;
use crate::sent::Doc;

/// How an article derives from its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Derivation {
    /// Most of the article is the source's sentences, possibly reworded (a spun copy).
    Rewrite,
    /// Several passages copied (verbatim or edited) inside otherwise own text.
    Partial,
}

impl Derivation {
    pub fn as_str(self) -> &'static str {
        match self {
            Derivation::Rewrite => "rewrite",
            Derivation::Partial => "partial",
        }
    }
}

/// The rule that turns an alignment into a verdict (all configurable).
#[derive(Debug, Clone)]
pub struct DeriveOptions {
    /// B is a rewrite of A when at least this share of B's words is in sentences aligned to A
    /// (default: half).
    pub rewrite_coverage: f32,
    /// B partially derives from A when at least this many of B's sentences are copied
    /// (verbatim or edited, and not mainly a direct quotation)...
    pub partial_min_passages: usize,
    /// ...covering at least this share of B's words.
    pub partial_min_coverage: f32,
}

impl Default for DeriveOptions {
    fn default() -> Self {
        DeriveOptions {
            rewrite_coverage: 0.5,
            partial_min_passages: 3,
            partial_min_coverage: 0.1,
        }
    }
}

/// The verdict for "B derives from A" given B aligned against A.
pub fn judge(alignment: &Alignment, b: &Doc, opts: &DeriveOptions) -> Option<Derivation> {
    if alignment.coverage_b >= opts.rewrite_coverage {
        Some(Derivation::Rewrite)
    } else if alignment.copied_passages(b) >= opts.partial_min_passages
        && alignment.coverage_b >= opts.partial_min_coverage
    {
        Some(Derivation::Partial)
    } else {
        None
    }
}

/// What is known about one side of a pair when deciding the direction.
#[derive(Debug, Clone, Copy)]
pub struct Side {
    /// Publication time (seconds), if known.
    pub time: Option<i64>,
    /// Share of this article's words aligned to the other article.
    pub coverage: f32,
    /// Length in words.
    pub words: usize,
}

/// Which side is the copy: `true` when B is the copy of A. Rule: the later publication is
/// the copy; with equal or unknown times, the article more covered by the other is the
/// copy (by a margin of 0.1); otherwise the shorter one.
pub fn b_is_copy(a: Side, b: Side) -> bool {
    if let (Some(ta), Some(tb)) = (a.time, b.time) {
        if ta != tb {
            return tb > ta;
        }
    }
    if (a.coverage - b.coverage).abs() > 0.1 {
        return b.coverage > a.coverage;
    }
    b.words <= a.words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(time: Option<i64>, coverage: f32, words: usize) -> Side {
        Side {
            time,
            coverage,
            words,
        }
    }

    #[test]
    fn direction_follows_time_then_containment_then_length() {
        assert!(b_is_copy(
            side(Some(10), 0.2, 100),
            side(Some(20), 0.9, 500)
        ));
        assert!(!b_is_copy(
            side(Some(30), 0.2, 100),
            side(Some(20), 0.9, 500)
        ));
        assert!(b_is_copy(side(None, 0.3, 100), side(None, 0.9, 500)));
        assert!(!b_is_copy(side(None, 0.9, 100), side(None, 0.3, 500)));
        assert!(b_is_copy(side(None, 0.8, 500), side(None, 0.8, 100)));
    }
}
