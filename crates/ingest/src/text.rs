//! Plain-text articles.

use storyline_core::Article;

use crate::read::Ctx;

/// Longest first line that can be a headline (characters).
const MAX_TITLE_CHARS: usize = 200;

/// Normalise a text: `\r\n` and `\r` to `\n`, trailing spaces trimmed, runs of blank lines
/// collapsed to one (paragraphs are separated by one blank line), ends trimmed.
pub(crate) fn normalize_text(s: &str) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(s.len());
    let mut blank_run = 0usize;
    for line in s.split('\n') {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        out.push_str(line);
    }
    out
}

/// Whether a first line reads as a headline: short, not a sentence ending in a period or
/// colon, with letters in it.
fn is_headline(line: &str) -> bool {
    let line = line.trim();
    let n = line.chars().count();
    if n == 0 || n > MAX_TITLE_CHARS {
        return false;
    }
    if line.ends_with(['.', ':', ';', ',', '。']) && !line.ends_with("...") {
        return false;
    }
    line.chars().filter(|c| c.is_alphabetic()).count() >= 2
}

/// Split off the headline, if the first line is one and more text follows.
pub(crate) fn split_title(text: &str) -> (Option<String>, String) {
    let Some((first, rest)) = text.split_once('\n') else {
        return (None, text.to_string());
    };
    let rest = rest.trim_start_matches('\n');
    if rest.trim().is_empty() || !is_headline(first) {
        return (None, text.to_string());
    }
    (Some(first.trim().to_string()), rest.to_string())
}

pub(crate) fn text_article(s: &str, ctx: &Ctx) -> Result<Article, String> {
    let text = normalize_text(s);
    if text.is_empty() {
        return Err("empty file (only whitespace)".to_string());
    }
    let (title, text) = split_title(&text);
    let a = Article {
        id: ctx.stem.clone(),
        title,
        text,
        origin: ctx.origin(None),
        ..Default::default()
    };
    Ok(ctx.finish(a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_paragraphs() {
        assert_eq!(normalize_text("a\r\nb  \r\n\r\n\r\n\nc\n"), "a\nb\n\nc");
    }

    #[test]
    fn headline_rules() {
        let (t, rest) = split_title("Big fire in town\n\nThe fire started at noon.");
        assert_eq!(t.as_deref(), Some("Big fire in town"));
        assert_eq!(rest, "The fire started at noon.");
        // A sentence is not a headline.
        let (t, _) = split_title("The fire started at noon.\nIt burned all day.");
        assert!(t.is_none());
        // Nothing after it: the line is the text.
        let (t, rest) = split_title("Just one line");
        assert!(t.is_none());
        assert_eq!(rest, "Just one line");
        // Too long.
        let long = "word ".repeat(60);
        let (t, _) = split_title(&format!("{long}\n\nbody"));
        assert!(t.is_none());
        // Questions are headlines.
        let (t, _) = split_title("Is this the end?\nMaybe not.");
        assert_eq!(t.as_deref(), Some("Is this the end?"));
    }
}
