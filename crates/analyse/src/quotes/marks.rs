//! Finding quotations by their marks.
//!
//! Each paragraph is scanned once. A mark's role comes from its shape and its neighbours:
//! a mark *can open* when a non-space follows it and a space, the paragraph start, an opening
//! bracket, a dash or another mark precedes it; it *can close* when a non-space precedes it and
//! a space, the paragraph end, punctuation or another mark follows it. Shapes that only ever
//! open (“ „ « `` ‘) or close (” » '') are trusted, except when the text evidently uses them the
//! other way round (German „…“, Swiss/Danish »…«, a ” that can only open). Straight marks (" ')
//! take their role from context alone. A single mark between two letters or digits is an
//! apostrophe ("don't", "O’Neil"), never a quote. Quotations nested in a quotation (single in
//! double, double in single) belong to the outer one's text.
//!
//! A quotation still open at the end of its paragraph continues when the next paragraph opens
//! with a mark of the same family (the news convention for quotes running over paragraphs);
//! an open double quotation that ends its paragraph on sentence punctuation is kept as a quote
//! whose closing mark is missing; other unclosed marks are dropped.

use crate::doc::{is_quote_char, Doc};

/// Double (" “ ” „ « » `` '') or single (' ‘ ’ ‚ ‹ ›) marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Double,
    Single,
}

/// One quotation found inside one paragraph (character offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawQuote {
    /// Offset of the opening mark.
    pub open: usize,
    /// Content span, quotation marks excluded, whitespace trimmed.
    pub start: usize,
    pub end: usize,
    /// Offset just after the closing mark; `None` when the paragraph ended first.
    pub close: Option<usize>,
    pub family: Family,
    pub paragraph: usize,
}

/// A quotation as a list of paragraph-local pieces (more than one when it runs over several
/// paragraphs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkedQuote {
    pub pieces: Vec<RawQuote>,
}

#[derive(Clone, Copy)]
struct Open {
    pos: usize,
    len: usize,
    family: Family,
    mark: char,
}

fn family_of(c: char, doubled: bool) -> Option<Family> {
    if doubled {
        return Some(Family::Double); // `` or ''
    }
    match c {
        '"' | '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}' => {
            Some(Family::Double)
        }
        '\'' | '`' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2039}'
        | '\u{203A}' => Some(Family::Single),
        _ => None,
    }
}

fn is_open_punct(c: char) -> bool {
    matches!(
        c,
        '(' | '[' | '{' | '-' | '\u{2013}' | '\u{2014}' | '/' | ':'
    ) || is_quote_char(c)
}

fn is_close_punct(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | ')'
            | ']'
            | '}'
            | '-'
            | '\u{2013}'
            | '\u{2014}'
            | '\u{2026}'
            | '/'
    ) || is_quote_char(c)
}

/// All quotations of `doc`, in text order.
pub fn find(doc: &Doc) -> Vec<MarkedQuote> {
    let mut raw: Vec<RawQuote> = Vec::new();
    for (pi, &(ps, pe)) in doc.paragraphs.iter().enumerate() {
        scan_paragraph(doc, pi, ps, pe, &mut raw);
    }
    // Join pieces across paragraphs.
    let mut out: Vec<MarkedQuote> = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        let mut pieces = vec![raw[i].clone()];
        let mut j = i;
        while raw[j].close.is_none() {
            let next_para = raw[j].paragraph + 1;
            let continued = raw.get(j + 1).filter(|r| {
                r.paragraph == next_para
                    && r.family == raw[j].family
                    && r.open == doc.paragraphs[next_para].0
            });
            match continued {
                Some(r) => {
                    pieces.push(r.clone());
                    j += 1;
                }
                None => break,
            }
        }
        i = j + 1;
        let last = pieces.last().expect("one piece");
        if last.close.is_none() {
            // Unclosed at the end: keep a double quotation that ends on sentence punctuation.
            let ends_sentence = last.end > last.start
                && matches!(doc.chars[last.end - 1], '.' | '!' | '?' | '\u{2026}');
            if last.family != Family::Double || !ends_sentence {
                if pieces.len() == 1 {
                    continue;
                }
                pieces.pop();
            }
        }
        if pieces.iter().any(|p| p.end > p.start) {
            out.push(MarkedQuote { pieces });
        }
    }
    out
}

fn scan_paragraph(doc: &Doc, pi: usize, ps: usize, pe: usize, raw: &mut Vec<RawQuote>) {
    let ch = &doc.chars;
    let mut open: Option<Open> = None;
    let mut i = ps;
    while i < pe {
        let c = ch[i];
        let doubled = (c == '`' || c == '\'') && i + 1 < pe && ch[i + 1] == c;
        let Some(family) = family_of(c, doubled) else {
            i += 1;
            continue;
        };
        let len = if doubled { 2 } else { 1 };
        let prev = (i > ps).then(|| ch[i - 1]);
        let next = (i + len < pe).then(|| ch[i + len]);
        // Apostrophes inside words.
        if family == Family::Single
            && !doubled
            && prev.is_some_and(|p| p.is_alphanumeric())
            && next.is_some_and(|n| n.is_alphanumeric())
        {
            i += 1;
            continue;
        }
        let can_open = next.is_some_and(|n| !n.is_whitespace())
            && prev.is_none_or(|p| p.is_whitespace() || is_open_punct(p));
        let can_close = prev.is_some_and(|p| !p.is_whitespace())
            && next.is_none_or(|n| n.is_whitespace() || is_close_punct(n));
        match open {
            None => {
                let opens = match (c, doubled) {
                    ('`', true) => true,
                    ('\'', true) => can_open && !can_close,
                    ('\u{201C}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{2018}', _)
                    | ('\u{201A}' | '\u{201B}' | '\u{2039}' | '`', _) => can_open || !can_close,
                    ('\u{201D}' | '\u{00BB}' | '\u{203A}' | '\u{2019}', _) => {
                        can_open && !can_close
                    }
                    _ => can_open, // straight marks
                };
                if opens {
                    open = Some(Open {
                        pos: i,
                        len,
                        family,
                        mark: c,
                    });
                }
            }
            Some(o) if o.family == family => {
                let closes = match (o.mark, c) {
                    // The opener's mirror image always closes.
                    ('\u{201C}', '\u{201D}')
                    | ('\u{201E}', '\u{201C}' | '\u{201D}')
                    | ('\u{00AB}', '\u{00BB}')
                    | ('\u{00BB}', '\u{00AB}')
                    | ('\u{2018}', '\u{2019}')
                    | ('\u{201A}', '\u{2018}' | '\u{2019}')
                    | ('\u{2039}', '\u{203A}') => can_close || !can_open,
                    ('`', '\'') if o.len == 2 && doubled => true,
                    ('`', '\'' | '\u{2019}') if o.len == 1 => can_close || !can_open,
                    // A straight mark between spaces closes an open quotation ("… ,' " said").
                    _ => can_close || (c == '"' && !can_open),
                };
                if closes {
                    push_raw(doc, pi, o, i, Some(i + len), raw);
                    open = None;
                } else if can_open && family == Family::Double {
                    // A second opener: the first one was never closed, and an unclosed
                    // piece in mid-paragraph is not a quote.
                    open = Some(Open {
                        pos: i,
                        len,
                        family,
                        mark: c,
                    });
                }
            }
            Some(_) => {} // a nested mark of the other family
        }
        i += len;
    }
    if let Some(o) = open {
        push_raw(doc, pi, o, pe, None, raw);
    }
}

fn push_raw(
    doc: &Doc,
    pi: usize,
    o: Open,
    content_end: usize,
    close: Option<usize>,
    raw: &mut Vec<RawQuote>,
) {
    let mut s = o.pos + o.len;
    let mut e = content_end;
    while s < e && doc.chars[s].is_whitespace() {
        s += 1;
    }
    while e > s && doc.chars[e - 1].is_whitespace() {
        e -= 1;
    }
    raw.push(RawQuote {
        open: o.pos,
        start: s,
        end: e,
        close,
        family: o.family,
        paragraph: pi,
    });
}
