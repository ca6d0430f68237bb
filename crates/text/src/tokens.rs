//! Word tokens, stop words and stemming.

use rust_stemmers::{Algorithm, Stemmer};

/// A word token: its byte span in the text, its lower-cased form, and whether it started
/// with a capital letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub lower: String,
    pub capitalized: bool,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Split text into word tokens: runs of letters and digits, keeping inner apostrophes
/// ("don't") and inner dots/commas between digits ("3.5", "1,000") inside one token.
/// A possessive "'s" is dropped from the token.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if !is_word_char(c) {
            continue;
        }
        let start = i;
        let mut end = i + c.len_utf8();
        let mut prev = c;
        while let Some(&(j, d)) = iter.peek() {
            if is_word_char(d) {
                end = j + d.len_utf8();
                prev = d;
                iter.next();
                continue;
            }
            // Inner joiners: apostrophe between letters, . or , between digits.
            let next = text[j + d.len_utf8()..].chars().next();
            let joins = match (d, next) {
                ('\'', Some(n)) => prev.is_alphabetic() && n.is_alphabetic(),
                ('.' | ',', Some(n)) => prev.is_ascii_digit() && n.is_ascii_digit(),
                _ => false,
            };
            if joins {
                iter.next();
                continue;
            }
            break;
        }
        let word = &text[start..end];
        let mut lower = word.to_lowercase();
        let mut tok_end = end;
        if lower.ends_with("'s") && lower.len() > 2 {
            lower.truncate(lower.len() - 2);
            tok_end -= 2;
        }
        out.push(Token {
            start,
            end: tok_end,
            lower,
            capitalized: c.is_uppercase(),
        });
    }
    out
}

/// Common English function words (closed-class words carry no topic).
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "may",
    "me",
    "might",
    "more",
    "most",
    "must",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "said",
    "same",
    "says",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "us",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "s",
    "t",
    "don't",
    "it's",
    "according",
    "told",
    "say",
    "new",
    "one",
    "two",
    "like",
    "get",
    "got",
    "would",
    "year",
    "years",
    "many",
    "much",
    "even",
    "well",
    "back",
    "still",
    "since",
    "around",
    "last",
    "first",
    "however",
    "another",
    "told",
    "make",
    "made",
];

/// Whether a lower-cased word is an English stop word.
pub fn is_stop_word(lower: &str) -> bool {
    stop_set().contains(lower)
}

fn stop_set() -> &'static std::collections::HashSet<&'static str> {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| STOP_WORDS.iter().copied().collect())
}

/// Turns text into index terms: tokens, minus stop words and pure punctuation, stemmed
/// with the Snowball stemmer of the text's language (English when unknown).
pub struct Analyzer {
    stemmer: Stemmer,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer").finish_non_exhaustive()
    }
}

/// A term produced by [`Analyzer::terms`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub stem: String,
    /// Capitalised and not at the start of a sentence: a name-like ("entity-like") token.
    pub entity_like: bool,
    pub numeric: bool,
}

impl Default for Analyzer {
    fn default() -> Self {
        Self::for_language(None)
    }
}

impl Analyzer {
    /// An analyzer for an ISO 639-3 language code (`eng`, `fra`, `deu`, ...); English otherwise.
    pub fn for_language(code: Option<&str>) -> Self {
        let alg = match code.unwrap_or("eng") {
            "fra" => Algorithm::French,
            "deu" => Algorithm::German,
            "spa" => Algorithm::Spanish,
            "ita" => Algorithm::Italian,
            "por" => Algorithm::Portuguese,
            "nld" => Algorithm::Dutch,
            "swe" => Algorithm::Swedish,
            "nob" | "nno" => Algorithm::Norwegian,
            "dan" => Algorithm::Danish,
            "fin" => Algorithm::Finnish,
            "rus" => Algorithm::Russian,
            "ron" => Algorithm::Romanian,
            "hun" => Algorithm::Hungarian,
            "tur" => Algorithm::Turkish,
            _ => Algorithm::English,
        };
        Analyzer {
            stemmer: Stemmer::create(alg),
        }
    }

    pub fn stem(&self, lower: &str) -> String {
        self.stemmer.stem(lower).into_owned()
    }

    /// Index terms of a text. Tokens that follow sentence-final punctuation (or start the
    /// text) are not counted as entity-like even when capitalised.
    pub fn terms(&self, text: &str) -> Vec<Term> {
        let toks = tokens(text);
        let mut out = Vec::with_capacity(toks.len());
        let mut prev_end = 0usize;
        for t in &toks {
            let gap = &text[prev_end..t.start];
            let sentence_start = prev_end == 0 || gap.contains(['.', '!', '?', '\n', ':', '"']);
            prev_end = t.end;
            if t.lower.chars().count() < 2 && !t.lower.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            if is_stop_word(&t.lower) {
                continue;
            }
            let numeric = t.lower.chars().next().is_some_and(|c| c.is_ascii_digit());
            out.push(Term {
                stem: if numeric {
                    t.lower.clone()
                } else {
                    self.stem(&t.lower)
                },
                entity_like: t.capitalized && !sentence_start,
                numeric,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_contractions_and_numbers() {
        let t: Vec<String> = tokens("Don't pay $1,000.50 to O'Brien's firm in the U.S.")
            .into_iter()
            .map(|t| t.lower)
            .collect();
        assert_eq!(
            t,
            vec!["don't", "pay", "1,000.50", "to", "o'brien", "firm", "in", "the", "u", "s"]
        );
    }

    #[test]
    fn token_spans_point_into_text() {
        let text = "Élan vital, naïve café";
        for t in tokens(text) {
            assert_eq!(text[t.start..t.end].to_lowercase(), t.lower);
        }
    }

    #[test]
    fn terms_drop_stop_words_stem_and_flag_entities() {
        let a = Analyzer::default();
        let terms = a.terms("The strikers were running. Port workers met Mayor Alvarez.");
        let stems: Vec<&str> = terms.iter().map(|t| t.stem.as_str()).collect();
        assert_eq!(
            stems,
            vec!["striker", "run", "port", "worker", "met", "mayor", "alvarez"]
        );
        let entity: Vec<bool> = terms.iter().map(|t| t.entity_like).collect();
        // "The" dropped; "Port" starts a sentence; "Mayor" and "Alvarez" are entity-like.
        assert_eq!(entity, vec![false, false, false, false, false, true, true]);
    }
}
