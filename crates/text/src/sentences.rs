//! Sentence segmentation.
//!
//! A rule-based splitter for news prose: a sentence ends at `.`, `!` or `?` (plus any closing
//! quotes or brackets) followed by whitespace and an upper-case letter, digit or opening quote,
//! or at a paragraph break — except after known abbreviations ("Mr.", "Gov.", "Jan."),
//! single-letter initials ("J. K."), dotted acronyms ("U.S.", "U.N.") when the next word is
//! lower-case or a name continues, and inside numbers ("3.5").

/// A sentence: byte span into the text it was cut from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
}

impl Sentence {
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

/// Abbreviations after which a period does not end a sentence (lower-cased, no dot).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "gen", "gov", "sen", "rep",
    "col", "lt", "sgt", "capt", "cmdr", "adm", "maj", "pres", "rev", "hon", "supt", "insp", "det",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no",
    "nos", "vs", "etc", "inc", "ltd", "co", "corp", "dept", "univ", "approx", "est", "fig", "al",
    "ave", "blvd", "rd", "e.g", "i.e", "p.m", "a.m", "cf", "op", "vol", "pp",
];

/// Abbreviations that are almost always followed by a name, so even a capitalised next word
/// does not start a new sentence.
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "gov", "sen", "rep", "col", "lt", "sgt", "capt",
    "cmdr", "adm", "maj", "pres", "rev", "hon", "supt", "insp", "det", "st", "mt", "no", "nos",
];

/// Split `text` into sentences. Leading/trailing whitespace is excluded from each span;
/// empty sentences are dropped.
pub fn sentences(text: &str) -> Vec<Sentence> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut i = 0usize;
    let n = bytes.len();
    while i < n {
        let b = bytes[i];
        // Paragraph / line breaks always end a sentence.
        if b == b'\n' {
            push(text, start, i, &mut out);
            start = i + 1;
            i += 1;
            continue;
        }
        if b == b'.' || b == b'!' || b == b'?' {
            // Extend over repeated terminators and closing quotes/brackets.
            let mut j = i + 1;
            while j < n && matches!(bytes[j], b'.' | b'!' | b'?' | b'"' | b'\'' | b')' | b']') {
                j += 1;
            }
            // Must be followed by whitespace (or end of text).
            if j < n && !(bytes[j] == b' ' || bytes[j] == b'\t' || bytes[j] == b'\n') {
                i = j;
                continue;
            }
            if b == b'.' && !period_ends_sentence(text, start, i, j) {
                i = j;
                continue;
            }
            push(text, start, j, &mut out);
            start = j;
            i = j;
            continue;
        }
        i += 1;
    }
    push(text, start, n, &mut out);
    out
}

fn push(text: &str, start: usize, end: usize, out: &mut Vec<Sentence>) {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if s.trim().is_empty() {
        return;
    }
    out.push(Sentence {
        start: start + lead,
        end: end - trail,
    });
}

/// Decide whether the period at byte `dot` (terminator run ends at `after`) ends a sentence.
fn period_ends_sentence(text: &str, start: usize, dot: usize, after: usize) -> bool {
    let before = &text[start..dot];
    // The word right before the period, including inner dots ("U.S", "e.g").
    let word: &str = before
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"')
        .next()
        .unwrap_or("");
    let lower = word.to_lowercase();
    let next_word = text[after..].trim_start();
    let next_char = next_word.chars().next();
    let next_is_lower = next_char.is_some_and(|c| c.is_lowercase());
    let next_starts_sentence = next_char.is_none_or(|c| {
        c.is_uppercase() || c.is_ascii_digit() || c == '"' || c == '\'' || c == '('
    });
    if next_is_lower || !next_starts_sentence {
        return false;
    }
    // A closing quote after the period ("... he said.") always ends it.
    if after > dot + 1 && text[dot + 1..after].contains(['"', '\'']) {
        return true;
    }
    if word.is_empty() {
        return true;
    }
    // Numbers like "No. 5" are handled by the abbreviation list; a bare number ends a sentence.
    if TITLES.contains(&lower.as_str()) {
        return false;
    }
    if ABBREVIATIONS.contains(&lower.as_str()) {
        // "Jan. 5" continues, "... at 5 p.m. The" ends: months/"no" only continue before digits.
        return !next_char.is_some_and(|c| c.is_ascii_digit())
            && !matches!(lower.as_str(), "e.g" | "i.e" | "vs" | "cf");
    }
    // Single initial ("J. Smith"): a lone capital letter.
    let mut chars = word.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if c.is_uppercase() {
            return false;
        }
    }
    // Dotted acronyms ("U.S.", "U.N."): continue when followed by a capitalised word that is
    // a likely name/organisation continuation is ambiguous; treat as sentence end only when
    // the next word is a common sentence opener (capitalised function word).
    if word.contains('.') && word.chars().filter(|c| c.is_alphabetic()).count() <= 4 {
        let next: String = next_word
            .chars()
            .take_while(|c| c.is_alphabetic())
            .collect::<String>()
            .to_lowercase();
        return crate::tokens::is_stop_word(&next);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text).iter().map(|s| s.text(text)).collect()
    }

    #[test]
    fn splits_simple_sentences() {
        assert_eq!(split("One. Two! Three?"), vec!["One.", "Two!", "Three?"]);
    }

    #[test]
    fn keeps_abbreviations_and_initials() {
        assert_eq!(
            split("Mr. Smith met Dr. J. K. Rowling in the U.S. capital. It rained."),
            vec![
                "Mr. Smith met Dr. J. K. Rowling in the U.S. capital.",
                "It rained."
            ]
        );
    }

    #[test]
    fn acronym_at_sentence_end() {
        assert_eq!(
            split("He moved to the U.S. The move was costly."),
            vec!["He moved to the U.S.", "The move was costly."]
        );
    }

    #[test]
    fn quotes_close_sentences() {
        assert_eq!(
            split("\"We will rebuild.\" The mayor left. She said: \"No.\" Then rain."),
            vec![
                "\"We will rebuild.\"",
                "The mayor left.",
                "She said: \"No.\"",
                "Then rain."
            ]
        );
    }

    #[test]
    fn decimals_months_and_paragraphs() {
        assert_eq!(
            split("Growth was 3.5 percent on Jan. 5 this year\nNew paragraph here."),
            vec![
                "Growth was 3.5 percent on Jan. 5 this year",
                "New paragraph here."
            ]
        );
    }

    #[test]
    fn lower_case_after_period_continues() {
        assert_eq!(
            split("It cost approx. ten dollars."),
            vec!["It cost approx. ten dollars."]
        );
    }
}
