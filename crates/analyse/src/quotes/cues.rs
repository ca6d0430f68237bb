//! The cue lexicon: words that introduce or close reported speech ("said", "told", "added",
//! "according to").
//!
//! The default lexicon is *learned*: `data/cues.tsv` lists the cue words of direct quotes in the
//! PolNeAR training split with their counts (`eval/learn_cues.py` regenerates it). Word forms
//! are matched lower-cased; a form may have several words ("according to").

use std::collections::HashMap;

use crate::AnalyseError;

const DEFAULT_TSV: &str = include_str!("../../data/cues.tsv");

/// Cue words and phrases with a weight (their training count).
#[derive(Debug, Clone, Default)]
pub struct CueLexicon {
    /// First word → (the whole phrase as words, weight).
    by_first: HashMap<String, Vec<(Vec<String>, u32)>>,
}

impl CueLexicon {
    /// The lexicon learned from the training data.
    pub fn learned() -> Self {
        Self::from_tsv(DEFAULT_TSV).expect("the bundled cue lexicon parses")
    }

    /// Parse `form<TAB>count` lines (`#` comments and blank lines skipped; count optional).
    pub fn from_tsv(tsv: &str) -> Result<Self, AnalyseError> {
        let mut lex = CueLexicon::default();
        for (n, line) in tsv.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut cols = line.split('\t');
            let form = cols.next().unwrap_or("").trim();
            let weight = match cols.next() {
                Some(c) => c
                    .trim()
                    .parse::<u32>()
                    .map_err(|e| AnalyseError::CueLexicon {
                        line: n + 1,
                        reason: format!("bad count {c:?}: {e}"),
                    })?,
                None => 1,
            };
            if form.is_empty() {
                return Err(AnalyseError::CueLexicon {
                    line: n + 1,
                    reason: "empty form".into(),
                });
            }
            lex.add(form, weight);
        }
        Ok(lex)
    }

    /// Add a cue form ("said", "according to").
    pub fn add(&mut self, form: &str, weight: u32) {
        let words: Vec<String> = form.split_whitespace().map(|w| w.to_lowercase()).collect();
        if let Some(first) = words.first().cloned() {
            self.by_first
                .entry(first)
                .or_default()
                .push((words, weight));
        }
    }

    /// Number of forms.
    pub fn len(&self) -> usize {
        self.by_first.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.by_first.is_empty()
    }

    /// The longest cue starting at `words[0]`: its length in words.
    pub fn match_at(&self, words: &[&str]) -> Option<usize> {
        let first = words.first()?;
        self.by_first
            .get(*first)?
            .iter()
            .filter(|(f, _)| f.len() <= words.len() && f.iter().zip(words).all(|(a, b)| a == b))
            .map(|(f, _)| f.len())
            .max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learned_lexicon_has_common_cues() {
        let lex = CueLexicon::learned();
        assert!(lex.len() > 20);
        for w in ["said", "told", "added", "says"] {
            assert_eq!(lex.match_at(&[w]), Some(1), "{w}");
        }
        assert_eq!(lex.match_at(&["according", "to", "x"]), Some(2));
        assert_eq!(lex.match_at(&["according"]), None);
    }

    #[test]
    fn bad_lines_are_errors() {
        assert!(CueLexicon::from_tsv("said\tmany").is_err());
        assert_eq!(
            CueLexicon::from_tsv("# c\nsaid\t3\nwarned\n")
                .unwrap()
                .len(),
            2
        );
    }
}
