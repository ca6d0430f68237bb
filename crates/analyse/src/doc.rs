//! A text seen as characters: word/punctuation tokens, sentences and paragraphs, all with
//! character offsets (end-exclusive).

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokKind {
    /// Letters/digits, with inner apostrophes, hyphens and dots ("don't", "U.S.", "Mr.").
    Word,
    /// A quotation mark of any style (or an apostrophe standing alone).
    Quote,
    /// Any other non-space character.
    Punct,
}

/// A token: character span, kind, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    pub start: usize,
    pub end: usize,
    pub kind: TokKind,
    pub text: String,
    pub lower: String,
}

impl Tok {
    /// Starts with an upper-case letter.
    pub fn is_capitalised(&self) -> bool {
        self.text.chars().next().is_some_and(|c| c.is_uppercase())
    }
    /// The word without a trailing possessive ('s / ’s / s’) or dot.
    pub fn bare(&self) -> &str {
        let t = self.text.as_str();
        for suf in ["'s", "’s", "'S", "’S"] {
            if let Some(b) = t.strip_suffix(suf) {
                return b;
            }
        }
        t.trim_end_matches(['.', '\'', '’'])
    }
}

/// Characters that may open or close a quotation.
pub fn is_quote_char(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '`'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{201A}'
            | '\u{201B}'
            | '\u{201C}'
            | '\u{201D}'
            | '\u{201E}'
            | '\u{201F}'
            | '\u{00AB}'
            | '\u{00BB}'
            | '\u{2039}'
            | '\u{203A}'
    )
}

/// Abbreviations whose final dot belongs to the word.
const DOTTED: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "gen", "gov", "sen", "rep", "col", "lt",
    "sgt", "capt", "adm", "maj", "pres", "rev", "hon", "sec", "atty", "supt", "insp", "det", "inc",
    "ltd", "co", "corp", "no", "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec",
];

/// A text as characters, tokens, sentences and paragraphs.
pub struct Doc<'a> {
    pub text: &'a str,
    pub chars: Vec<char>,
    pub toks: Vec<Tok>,
    /// Sentence spans (characters).
    pub sentences: Vec<(usize, usize)>,
    /// Paragraph spans (characters): text between line breaks, blank lines dropped.
    pub paragraphs: Vec<(usize, usize)>,
}

impl<'a> Doc<'a> {
    pub fn new(text: &'a str) -> Self {
        let chars: Vec<char> = text.chars().collect();
        let toks = tokenize(&chars);
        let paragraphs = paragraphs(&chars);
        let sentences = sentences(&chars);
        Doc {
            text,
            chars,
            toks,
            sentences,
            paragraphs,
        }
    }

    /// The characters `start..end` as a string.
    pub fn slice(&self, start: usize, end: usize) -> String {
        self.chars[start.min(self.chars.len())..end.min(self.chars.len())]
            .iter()
            .collect()
    }

    /// Index of the paragraph holding character `pos` (the nearest earlier one between
    /// paragraphs).
    pub fn paragraph_of(&self, pos: usize) -> usize {
        self.paragraphs
            .partition_point(|&(s, _)| s <= pos)
            .saturating_sub(1)
    }

    /// Index of the sentence holding character `pos` (the nearest earlier one between
    /// sentences).
    pub fn sentence_of(&self, pos: usize) -> usize {
        self.sentences
            .partition_point(|&(s, _)| s <= pos)
            .saturating_sub(1)
    }

    /// Indices of the tokens lying entirely inside `start..end`.
    pub fn toks_in(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        let a = self.toks.partition_point(|t| t.start < start);
        let b = self.toks.partition_point(|t| t.end <= end);
        a..b.max(a)
    }
}

fn tokenize(chars: &[char]) -> Vec<Tok> {
    let n = chars.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_alphanumeric() {
            let start = i;
            i += 1;
            while i < n {
                let d = chars[i];
                if d.is_alphanumeric() {
                    i += 1;
                } else if matches!(d, '\'' | '’' | '-' | '.' | '&')
                    && i + 1 < n
                    && chars[i + 1].is_alphanumeric()
                {
                    i += 2;
                } else {
                    break;
                }
            }
            // Trailing dot of abbreviations, initials and dotted acronyms.
            if i < n && chars[i] == '.' {
                let w: String = chars[start..i].iter().collect::<String>().to_lowercase();
                let single = i - start == 1 && chars[start].is_uppercase();
                if single || w.contains('.') || DOTTED.contains(&w.as_str()) {
                    i += 1;
                }
            }
            // Plural possessive "voters’" stays with the word when a letter 's' precedes.
            push(&mut out, chars, start, i, TokKind::Word);
            continue;
        }
        let kind = if is_quote_char(c) {
            TokKind::Quote
        } else {
            TokKind::Punct
        };
        // `` and '' as one mark.
        if (c == '`' || c == '\'') && i + 1 < n && chars[i + 1] == c {
            push(&mut out, chars, i, i + 2, TokKind::Quote);
            i += 2;
            continue;
        }
        push(&mut out, chars, i, i + 1, kind);
        i += 1;
    }
    out
}

fn push(out: &mut Vec<Tok>, chars: &[char], start: usize, end: usize, kind: TokKind) {
    let text: String = chars[start..end].iter().collect();
    let lower = text.to_lowercase();
    out.push(Tok {
        start,
        end,
        kind,
        text,
        lower,
    });
}

fn paragraphs(chars: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &c) in chars
        .iter()
        .enumerate()
        .chain(std::iter::once((chars.len(), &'\n')))
    {
        if c == '\n' {
            let (mut a, mut b) = (start, i);
            while a < b && chars[a].is_whitespace() {
                a += 1;
            }
            while b > a && chars[b - 1].is_whitespace() {
                b -= 1;
            }
            if a < b {
                out.push((a, b));
            }
            start = i + 1;
        }
    }
    out
}

/// Sentences from `storyline_text::sentences`, run on a copy whose typographic quotes are
/// folded to ASCII one character for one (so the splitter sees closing quotes), mapped back to
/// character offsets.
fn sentences(chars: &[char]) -> Vec<(usize, usize)> {
    let folded: String = chars
        .iter()
        .map(|&c| match c {
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}' => '"',
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' => '\'',
            c if c.is_whitespace() && c != '\n' => ' ',
            c => c,
        })
        .collect();
    // Byte offset -> char offset.
    let mut char_at = vec![0usize; folded.len() + 1];
    for (ci, (bi, ch)) in folded.char_indices().enumerate() {
        for k in 0..ch.len_utf8() {
            char_at[bi + k] = ci;
        }
    }
    char_at[folded.len()] = chars.len();
    storyline_text::sentences(&folded)
        .into_iter()
        .map(|s| (char_at[s.start], char_at[s.end]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_abbreviations_and_apostrophes() {
        let d = Doc::new("Mr. O’Neil didn’t visit the U.S. yesterday.");
        let words: Vec<&str> = d.toks.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            words,
            vec![
                "Mr.",
                "O’Neil",
                "didn’t",
                "visit",
                "the",
                "U.S.",
                "yesterday",
                "."
            ]
        );
    }

    #[test]
    fn offsets_are_characters() {
        let d = Doc::new("“Ça va,” dit-il.");
        assert_eq!(d.toks[1].text, "Ça");
        assert_eq!((d.toks[1].start, d.toks[1].end), (1, 3));
        assert_eq!(d.sentences, vec![(0, 16)]);
    }

    #[test]
    fn typographic_closing_quote_ends_sentence() {
        let d = Doc::new("She said: “We won.” Then she left.\n\nNew paragraph.");
        assert_eq!(d.sentences.len(), 3);
        assert_eq!(d.paragraphs, vec![(0, 34), (36, 50)]);
    }
}
