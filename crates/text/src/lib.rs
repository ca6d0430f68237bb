//! Clean text: the shared text toolkit of Storyline.
//!
//! - [`normalize`]: Unicode NFKC, typographic quotes and dashes folded, whitespace collapsed.
//! - [`sentences`]: sentence segmentation that knows abbreviations ("Mr.", "U.S."), initials,
//!   decimals and closing quotes; returns byte spans into the input.
//! - [`tokens`] / [`Analyzer`]: word tokens, stop words, stemming (Snowball).
//! - [`boilerplate`]: site chrome learned from the corpus itself (units that recur across
//!   many documents far more often than the documents' own content does).

pub mod boilerplate;
pub mod sentences;
pub mod tokens;

pub use boilerplate::{BoilerplateModel, BoilerplateOptions, CleanedText, RemovedUnit};
pub use sentences::{sentences, Sentence};
pub use tokens::{is_stop_word, tokens, Analyzer, Token};

use unicode_normalization::UnicodeNormalization;

/// Unicode-normalise text for reading: NFKC, curly quotes to straight ones, dashes to `-`,
/// non-breaking and odd spaces to plain spaces, runs of spaces collapsed (newlines kept,
/// runs of blank lines collapsed to one blank line).
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    let mut newlines = 0usize;
    for c in text.nfkc() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
            | '\u{00BB}' => '"',
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            '\r' => continue,
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' | '\u{00AD}' => continue,
            c => c,
        };
        if c == '\n' {
            newlines += 1;
            pending_space = false;
            continue;
        }
        if c.is_whitespace() || c.is_control() {
            pending_space = true;
            continue;
        }
        if newlines > 0 {
            if !out.is_empty() {
                out.push_str(if newlines > 1 { "\n\n" } else { "\n" });
            }
            newlines = 0;
        } else if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out
}

/// A key for exact-duplicate detection: the lower-cased word tokens joined by single spaces,
/// so that punctuation, case, spacing and Unicode variants do not matter.
pub fn fingerprint_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for t in tokens(text) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&t.lower);
    }
    out
}

/// 64-bit hash (xxh3) of a string.
pub fn hash64(s: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(s.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_quotes_dashes_and_spaces() {
        let s = normalize(
            "\u{201C}Hi\u{201D}\u{00A0}\u{00A0}there \u{2014} it\u{2019}s  ok\r\n\n\n\nNext",
        );
        assert_eq!(s, "\"Hi\" there - it's ok\n\nNext");
    }

    #[test]
    fn normalize_nfkc() {
        assert_eq!(normalize("ﬁne ①"), "fine 1");
    }

    #[test]
    fn fingerprint_ignores_case_and_punctuation() {
        assert_eq!(
            fingerprint_key("The  mayor, said: \"No.\""),
            fingerprint_key("the mayor said no")
        );
    }
}
