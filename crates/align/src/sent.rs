//! Sentences prepared for comparison: tokens, content stems, names, numbers, negations.

use std::collections::HashMap;

use storyline_text::{sentences, tokens, Analyzer};

/// One sentence of a document, with what the pair features read.
#[derive(Debug, Clone, Default)]
pub struct Sent {
    /// Byte span in the document text.
    pub start: usize,
    pub end: usize,
    /// Lower-cased word tokens, in order (number words turned into digits).
    pub words: Vec<String>,
    /// Stems of the content words (no stop words), in order.
    pub stems: Vec<String>,
    /// Name-like tokens (capitalised, not sentence-initial), lower-cased.
    pub names: Vec<String>,
    /// Numbers, as digits.
    pub numbers: Vec<String>,
    /// Negation words ("not", "no", "never", "n't" ...).
    pub negations: u32,
    /// Share of the sentence's words inside quotation marks.
    pub quoted: f32,
}

impl Sent {
    pub fn text<'a>(&self, doc: &'a str) -> &'a str {
        &doc[self.start..self.end]
    }
}

/// A document split into [`Sent`]s.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub sents: Vec<Sent>,
}

impl Doc {
    /// Split `text` into sentences and analyse each.
    pub fn new(analyzer: &Analyzer, text: &str) -> Doc {
        let sents = sentences(text)
            .into_iter()
            .map(|s| sent(analyzer, text, s.start, s.end))
            .filter(|s| !s.words.is_empty())
            .collect();
        Doc { sents }
    }

    /// Number of words, over all sentences.
    pub fn words(&self) -> usize {
        self.sents.iter().map(|s| s.words.len()).sum()
    }
}

const NUMBER_WORDS: &[(&str, &str)] = &[
    ("zero", "0"),
    ("one", "1"),
    ("two", "2"),
    ("three", "3"),
    ("four", "4"),
    ("five", "5"),
    ("six", "6"),
    ("seven", "7"),
    ("eight", "8"),
    ("nine", "9"),
    ("ten", "10"),
    ("eleven", "11"),
    ("twelve", "12"),
    ("thirteen", "13"),
    ("fourteen", "14"),
    ("fifteen", "15"),
    ("sixteen", "16"),
    ("seventeen", "17"),
    ("eighteen", "18"),
    ("nineteen", "19"),
    ("twenty", "20"),
    ("thirty", "30"),
    ("forty", "40"),
    ("fifty", "50"),
    ("hundred", "100"),
    ("dozen", "12"),
];

fn number_word(w: &str) -> Option<&'static str> {
    NUMBER_WORDS.iter().find(|(k, _)| *k == w).map(|(_, v)| *v)
}

fn is_negation(w: &str) -> bool {
    matches!(
        w,
        "not" | "no" | "never" | "none" | "nobody" | "nothing" | "neither" | "nor"
    ) || w.ends_with("n't")
}

/// Analyse the sentence `text[start..end]`.
pub fn sent(analyzer: &Analyzer, text: &str, start: usize, end: usize) -> Sent {
    let s = &text[start..end];
    let toks = tokens(s);
    // Which byte offsets are inside quotation marks (straight quotes toggle).
    let mut inside = Vec::with_capacity(s.len());
    let mut depth = false;
    for c in s.chars() {
        match c {
            '“' | '«' | '„' => depth = true,
            '”' | '»' => depth = false,
            '"' => depth = !depth,
            _ => {}
        }
        for _ in 0..c.len_utf8() {
            inside.push(depth);
        }
    }
    let mut out = Sent {
        start,
        end,
        ..Default::default()
    };
    let mut quoted = 0usize;
    for (i, t) in toks.iter().enumerate() {
        if inside.get(t.start).copied().unwrap_or(false) {
            quoted += 1;
        }
        let numeric = t.lower.chars().next().is_some_and(|c| c.is_ascii_digit());
        let word = if numeric {
            t.lower.replace(',', "")
        } else if let Some(d) = number_word(&t.lower) {
            d.to_string()
        } else {
            t.lower.clone()
        };
        if is_negation(&word) {
            out.negations += 1;
        }
        if numeric || number_word(&t.lower).is_some() {
            out.numbers.push(word.clone());
        } else if !storyline_text::is_stop_word(&word) && word.chars().count() > 1 {
            out.stems.push(analyzer.stem(&word));
            if t.capitalized && i > 0 {
                out.names.push(word.clone());
            }
        }
        out.words.push(word);
    }
    out.quoted = if toks.is_empty() {
        0.0
    } else {
        quoted as f32 / toks.len() as f32
    };
    out
}

/// Inverse document frequencies of stems, learned from a corpus (each document — an
/// article or a sentence — counts a stem once). Unseen stems get the highest weight.
#[derive(Debug, Clone, Default)]
pub struct Idf {
    df: HashMap<String, u32>,
    docs: u32,
}

impl Idf {
    pub fn new() -> Idf {
        Idf::default()
    }

    /// Count one document's stems.
    pub fn add<'a>(&mut self, stems: impl IntoIterator<Item = &'a str>) {
        let mut seen: Vec<&str> = stems.into_iter().collect();
        seen.sort_unstable();
        seen.dedup();
        for s in seen {
            *self.df.entry(s.to_string()).or_insert(0) += 1;
        }
        self.docs += 1;
    }

    /// Count a whole document (all its sentences' stems) as one unit.
    pub fn add_doc(&mut self, doc: &Doc) {
        self.add(
            doc.sents
                .iter()
                .flat_map(|s| s.stems.iter().map(String::as_str)),
        );
    }

    /// Count one sentence as one unit (for sentence-level statistics).
    pub fn add_sent(&mut self, sent: &Sent) {
        self.add(sent.stems.iter().map(String::as_str));
    }

    /// Smoothed IDF: ln((N + 1) / (df + 1)) + 1; 1.0 everywhere for an empty corpus.
    pub fn weight(&self, stem: &str) -> f32 {
        self.weight_of_df(self.df.get(stem).copied().unwrap_or(0) as f32)
    }

    /// The weight of a stem found in `df` documents (fractional counts allowed, e.g. to
    /// turn "in a tenth of the documents" into a weight threshold).
    pub fn weight_of_df(&self, df: f32) -> f32 {
        if self.docs == 0 {
            return 1.0;
        }
        ((self.docs as f32 + 1.0) / (df + 1.0)).ln() + 1.0
    }

    /// Number of documents counted.
    pub fn docs(&self) -> u32 {
        self.docs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_features() {
        let a = Analyzer::default();
        let text = "Mayor Elena Ristova said fourteen people were not hurt in Valeport.";
        let s = sent(&a, text, 0, text.len());
        assert_eq!(s.numbers, vec!["14"]);
        assert_eq!(s.names, vec!["elena", "ristova", "valeport"]);
        assert_eq!(s.negations, 1);
        assert!(s.stems.contains(&"peopl".to_string()));
        assert_eq!(s.quoted, 0.0);
        let q = "\"We will rebuild it,\" she said.";
        let s = sent(&a, q, 0, q.len());
        assert!(s.quoted > 0.5, "{}", s.quoted);
    }

    #[test]
    fn idf_prefers_rare_stems() {
        let mut idf = Idf::new();
        idf.add(["bridg", "mayor"]);
        idf.add(["bridg"]);
        idf.add(["bridg", "council"]);
        assert!(idf.weight("mayor") > idf.weight("bridg"));
        assert!(idf.weight("unseen") >= idf.weight("mayor"));
    }
}
