//! Direct quotations and their speakers.
//!
//! 1. **Marks** ([`marks`]): quotations in every common style — "…", “…”, ‘…’ (told apart from
//!    apostrophes), «…», »…«, „…“, ``…'' — nested quotes kept inside the outer one, and
//!    quotations running over paragraphs (an unclosed paragraph whose next paragraph re-opens)
//!    joined.
//! 2. **Split quotes**: a quotation ending in a comma, followed by a short attribution with a cue
//!    ("she said") and another quotation in the same paragraph, is one quote in two parts:
//!    `"We will win," she said, "and soon."`.
//! 3. **Speakers**: the attribution frame of a quote is the text between its parts, after it
//!    (to the end of its sentence) and before it (from the start of its sentence), never the
//!    inside of a quotation. In the frame a cue from the [`CueLexicon`] ("said", "told",
//!    "according to", learned from training data) is looked for and its subject taken: the
//!    noun phrase left of the cue ("Jane Roe said", "she told reporters", skipping adverbs,
//!    appositives and relative clauses between commas), else right of it ("said Jane Roe",
//!    "according to the minister"); a frame ending in a colon after a name ("Roe: …") also
//!    attributes. Without a frame attribution, a quote inherits the previous quote's speaker
//!    when it is in the same sentence, when only that quote's attribution lies between them
//!    ("“…,” she said. “…”"), or when it opens the paragraph right after the previous quote's
//!    paragraph; otherwise the last cue subject earlier in the paragraph (or, for a quote
//!    opening its paragraph, in the previous one) speaks.
//! 4. **Kinds**: a one-part quote of at most five words right after an ordinary word of the
//!    running sentence ("called the plan “a disaster”"), or one whose longer words are all
//!    capitalised (a title: “Keep The Promise”), is [`QuoteKind::Partial`]; the rest are
//!    [`QuoteKind::Direct`].
//! 5. **Resolution** ([`crate::entities`]): pronouns to the nearest fitting person mention,
//!    role phrases ("the senator") to the entity that carried the title, names to the
//!    article's canonical variant ("Mr Roe" → "Jane Roe").
//!
//! All offsets are **character** offsets (not bytes) into the text as given, end-exclusive.

pub mod cues;
pub mod marks;

use std::sync::OnceLock;

use serde::Serialize;

use crate::doc::{Doc, TokKind};
use crate::entities::{pronoun, title_norm, Entities, MentionKind};
pub use cues::CueLexicon;

/// A character span (end-exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// How a quote got its speaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// A cue word in the quote's own sentence.
    Cue,
    /// "Name: “…”".
    Colon,
    /// The previous quote's speaker (continuation paragraph).
    Continuation,
    /// The previous quote's speaker (a later quote in the same sentence).
    Sentence,
    /// A cue subject earlier in the same paragraph.
    Context,
    /// No speaker found.
    None,
}

/// Whether a quotation stands as speech of its own or is a fragment inside a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// A direct quotation: opens a sentence or clause, follows a cue, a colon or a comma, or
    /// is longer than a few words.
    Direct,
    /// A short quoted fragment embedded in the running sentence (right after an ordinary
    /// word): "called the plan “a disaster”", scare quotes, titles of works.
    Partial,
}

/// The mention a speaker was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpeakerMention {
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// `name`, `pronoun` or `role`.
    pub kind: &'static str,
}

/// A direct quotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    /// From the first part's start to the last part's end.
    pub start: usize,
    pub end: usize,
    /// The parts' texts joined with a space, quotation marks excluded.
    pub text: String,
    /// The quoted pieces (more than one when split by an attribution or running over
    /// paragraphs), quotation marks excluded.
    pub parts: Vec<Span>,
    pub kind: QuoteKind,
    /// Canonical speaker: the article's fullest name for the entity, a role phrase
    /// ("a spokeswoman"), an unresolved pronoun, or `None`.
    pub speaker: Option<String>,
    pub speaker_mention: Option<SpeakerMention>,
    /// The cue ("said", "according to") when one attributed the quote.
    pub cue: Option<String>,
    pub method: Method,
}

/// Tunable limits.
#[derive(Debug, Clone)]
pub struct QuoteOptions {
    /// Most tokens between two parts of a split quote.
    pub max_gap_tokens: usize,
    /// A cue after a quote must start within this many tokens of it.
    pub max_post_cue_offset: usize,
    /// Sentences looked back for a pronoun's antecedent.
    pub pronoun_window: usize,
    /// A one-part quote of at most this many words right after an ordinary (non-cue) word is
    /// a [`QuoteKind::Partial`] fragment.
    pub max_partial_words: usize,
    /// A quote of at most this many words whose longer words are all capitalised is a title,
    /// a [`QuoteKind::Partial`] too.
    pub max_title_words: usize,
}

impl Default for QuoteOptions {
    fn default() -> Self {
        QuoteOptions {
            max_gap_tokens: 12,
            max_post_cue_offset: 20,
            pronoun_window: 6,
            max_partial_words: 5,
            max_title_words: 12,
        }
    }
}

/// Extracts and attributes quotes.
#[derive(Debug, Clone)]
pub struct QuoteAnalyzer {
    pub cues: CueLexicon,
    pub options: QuoteOptions,
}

impl Default for QuoteAnalyzer {
    fn default() -> Self {
        QuoteAnalyzer {
            cues: CueLexicon::learned(),
            options: QuoteOptions::default(),
        }
    }
}

/// Words skipped between a subject and its cue ("she *also* said", "he *has* said").
const ADVERBS: &[&str] = &[
    "also",
    "later",
    "then",
    "once",
    "again",
    "previously",
    "recently",
    "has",
    "have",
    "had",
    "was",
    "is",
    "were",
    "are",
    "will",
    "would",
    "just",
    "not",
    "never",
    "often",
    "still",
    "has",
    "had",
    "later",
    "further",
    "flatly",
    "simply",
];
const DETERMINERS: &[&str] = &["the", "a", "an", "his", "her", "their", "its", "our", "my"];

/// The subject found for a cue.
#[derive(Debug, Clone)]
struct Found {
    start: usize,
    end: usize,
    kind: MentionKind,
    /// Name mention index (names).
    name: Option<usize>,
}

/// A quote being built: its pieces and the gaps between split parts.
struct Group {
    pieces: Vec<marks::RawQuote>,
    gaps: Vec<(usize, usize)>,
}

impl QuoteAnalyzer {
    /// A shared default analyzer.
    pub fn default_ref() -> &'static QuoteAnalyzer {
        static A: OnceLock<QuoteAnalyzer> = OnceLock::new();
        A.get_or_init(QuoteAnalyzer::default)
    }

    /// The quotes of `text`, in text order.
    pub fn analyze(&self, text: &str) -> Vec<Quote> {
        self.analyze_with_entities(text).0
    }

    /// The quotes of `text`, in text order, and the entities (name mentions merged into
    /// referents) found on the way.
    pub fn analyze_with_entities(&self, text: &str) -> (Vec<Quote>, Entities) {
        let doc = Doc::new(text);
        let marked = marks::find(&doc);
        let spans: Vec<(usize, usize)> = marked
            .iter()
            .flat_map(|m| m.pieces.iter())
            .map(|p| (p.open, p.close.unwrap_or(p.end)))
            .collect();
        let mut ents = Entities::find(&doc, &spans);
        self.mark_speakers(&doc, &mut ents, &spans);
        ents.learn_genders(&doc, &spans);
        let groups = self.link(&doc, marked);
        let mut out: Vec<Quote> = Vec::with_capacity(groups.len());
        let mut events: Vec<(usize, usize)> = Vec::new();
        let mut prev: Option<(usize, usize)> = None; // (index in out, last paragraph)
        for (gi, g) in groups.iter().enumerate() {
            let prev_end = gi
                .checked_sub(1)
                .map(|p| {
                    let last = groups[p].pieces.last().expect("piece");
                    last.close.unwrap_or(last.end)
                })
                .unwrap_or(0);
            let next_open = groups.get(gi + 1).map(|n| n.pieces[0].open);
            let mut q = self.attribute(&doc, &ents, g, prev_end, next_open, &mut events);
            let first_para = g.pieces[0].paragraph;
            if q.method == Method::None {
                if let Some((pi, ppara)) = prev {
                    let p: &Quote = &out[pi];
                    let first = &g.pieces[0];
                    let opens_para = first.open == doc.paragraphs[first_para].0;
                    // Same sentence as the previous quote ("… called him a “liar” and a
                    // “cheat.”"), or only its attribution in between ("“…,” she said. “…”").
                    let between = doc.toks_in(prev_end, first.open);
                    let same_sentence = ppara == first_para
                        && (between.len() <= self.options.max_gap_tokens
                            || !doc.toks[between].iter().any(|t| {
                                t.kind == TokKind::Punct
                                    && matches!(t.text.as_str(), "." | "!" | "?")
                            }));
                    // A paragraph opening with a quote right after the previous quote's one.
                    let continues = opens_para && ppara + 1 >= first_para;
                    // The previous quote's own attribution follows it: "“…,” added Roe,
                    // speaking to reporters on Monday. “…”"
                    let attributed_between = ppara == first_para
                        && p.speaker_mention
                            .as_ref()
                            .is_some_and(|m| m.start >= prev_end && m.end <= first.open);
                    if p.speaker.is_some() && (same_sentence || continues || attributed_between) {
                        q.speaker = p.speaker.clone();
                        q.speaker_mention = p.speaker_mention.clone();
                        q.method = if same_sentence {
                            Method::Sentence
                        } else {
                            Method::Continuation
                        };
                    }
                }
            }
            if q.method == Method::None {
                if let Some((f, cue, _)) = self.context_frame(&doc, &ents, g, prev_end) {
                    self.fill(
                        &doc,
                        &ents,
                        &mut q,
                        f,
                        Some(cue),
                        Method::Context,
                        &mut events,
                    );
                }
            }
            prev = Some((out.len(), g.pieces.last().expect("piece").paragraph));
            out.push(q);
        }
        (out, ents)
    }

    /// Mark the entities that are the subject of a cue anywhere outside quotations.
    fn mark_speakers(&self, doc: &Doc, ents: &mut Entities, quotes: &[(usize, usize)]) {
        for &(ps, pe) in &doc.paragraphs {
            let r = doc.toks_in(ps, pe);
            for i in r.clone() {
                let t = &doc.toks[i];
                if quotes.iter().any(|&(s, e)| t.start >= s && t.end <= e) {
                    continue;
                }
                if self.cue_at(doc, i, r.end).is_some() {
                    if let Some(mi) = np_left(doc, ents, r.start, i).and_then(|f| f.name) {
                        let ei = ents.entity_of[mi];
                        ents.entities[ei].speaker = true;
                    }
                }
            }
        }
    }

    /// Join quotations split by a short attribution into one quote.
    fn link(&self, doc: &Doc, marked: Vec<marks::MarkedQuote>) -> Vec<Group> {
        let mut groups: Vec<Group> = Vec::new();
        for m in marked {
            if let Some(g) = groups.last_mut() {
                let last = g.pieces.last().expect("piece");
                let first = &m.pieces[0];
                if let Some(close) = last.close {
                    if last.paragraph == first.paragraph
                        && self.is_split(doc, last, close, first.open)
                    {
                        g.gaps.push((close, first.open));
                        g.pieces.extend(m.pieces);
                        continue;
                    }
                }
            }
            groups.push(Group {
                pieces: m.pieces,
                gaps: Vec::new(),
            });
        }
        groups
    }

    fn is_split(&self, doc: &Doc, q: &marks::RawQuote, close: usize, open: usize) -> bool {
        let comma_inside = q.end > q.start && doc.chars[q.end - 1] == ',';
        let r = doc.toks_in(close, open);
        let comma_after = !r.is_empty() && doc.toks[r.start].text == ",";
        if !(comma_inside || comma_after) || r.len() > self.options.max_gap_tokens {
            return false;
        }
        // The attribution must not end a sentence ("…,” she said. “…”: two quotes).
        if r.clone().any(|i| {
            doc.toks[i].kind == TokKind::Punct
                && matches!(doc.toks[i].text.as_str(), "." | "!" | "?")
        }) {
            return false;
        }
        r.clone().any(|i| self.cue_at(doc, i, r.end).is_some())
    }

    /// Length in tokens of a cue starting at token `i` (not beyond token `hi`).
    fn cue_at(&self, doc: &Doc, i: usize, hi: usize) -> Option<usize> {
        // Cues are lower-case words ("States" is not "states") unless opening a clause
        // ("According to …", "Said Roe: …").
        let t = &doc.toks[i];
        if t.kind != TokKind::Word
            || (t.is_capitalised() && i > 0 && doc.toks[i - 1].kind == TokKind::Word)
        {
            return None;
        }
        let words: Vec<&str> = doc.toks[i..hi.min(i + 4)]
            .iter()
            .map(|t| t.lower.as_str())
            .collect();
        self.cues.match_at(&words)
    }

    fn attribute(
        &self,
        doc: &Doc,
        ents: &Entities,
        g: &Group,
        prev_end: usize,
        next_open: Option<usize>,
        events: &mut Vec<(usize, usize)>,
    ) -> Quote {
        let parts: Vec<Span> = g
            .pieces
            .iter()
            .map(|p| Span {
                start: p.start,
                end: p.end,
            })
            .collect();
        let text = parts
            .iter()
            .map(|p| doc.slice(p.start, p.end))
            .collect::<Vec<_>>()
            .join(" ");
        let mut quote = Quote {
            start: parts[0].start,
            end: parts.last().expect("part").end,
            text,
            parts,
            kind: QuoteKind::Direct,
            speaker: None,
            speaker_mention: None,
            cue: None,
            method: Method::None,
        };
        if g.pieces.len() == 1 && self.is_fragment(doc, &g.pieces[0]) {
            quote.kind = QuoteKind::Partial;
        }
        let first = &g.pieces[0];
        let last = g.pieces.last().expect("piece");
        let para = doc.paragraphs[first.paragraph];
        let last_para = doc.paragraphs[last.paragraph];

        // Frames: gaps, after, before.
        let mut found: Option<(Found, Option<String>, Method)> = None;
        for &(a, b) in &g.gaps {
            let r = doc.toks_in(a, b);
            if let Some(f) = self.cue_frame(doc, ents, r, Side::Gap) {
                found = Some((f.0, Some(f.1), Method::Cue));
                break;
            }
        }
        let post = last.close.map(|c| {
            let hi = next_open.unwrap_or(last_para.1).min(last_para.1);
            let r = doc.toks_in(c, hi.max(c));
            // Up to the end of the sentence (a dot inside parentheses, as in "(D-Wash.)",
            // does not end it).
            let mut depth = 0i32;
            let end = r
                .clone()
                .find(|&i| {
                    let t = &doc.toks[i];
                    match t.text.as_str() {
                        "(" => depth += 1,
                        ")" => depth -= 1,
                        _ => {}
                    }
                    depth <= 0
                        && t.kind == TokKind::Punct
                        && matches!(t.text.as_str(), "." | "!" | "?" | ";")
                })
                .unwrap_or(r.end);
            r.start..end
        });
        let ends_sentence = last.end > last.start
            && matches!(doc.chars[last.end - 1], '.' | '!' | '?' | '\u{2026}');
        let pre = {
            let lo = prev_end.max(para.0);
            let r = doc.toks_in(lo, first.open);
            let start = r
                .clone()
                .rev()
                .find(|&i| {
                    doc.toks[i].kind == TokKind::Punct
                        && matches!(doc.toks[i].text.as_str(), "." | "!" | "?")
                })
                .map(|i| i + 1)
                .unwrap_or(r.start);
            start..r.end
        };
        if found.is_none() && !ends_sentence {
            if let Some(r) = post.clone() {
                if let Some(f) = self.cue_frame(doc, ents, r, Side::After) {
                    found = Some((f.0, Some(f.1), Method::Cue));
                }
            }
        }
        if found.is_none() {
            if let Some(f) = self.cue_frame(doc, ents, pre.clone(), Side::Before) {
                found = Some((f.0, Some(f.1), Method::Cue));
            } else if let Some(f) = colon_frame(doc, ents, pre.clone()) {
                found = Some((f, None, Method::Colon));
            }
        }
        if found.is_none() && ends_sentence {
            if let Some(r) = post.clone() {
                let short = r.start..r.end.min(r.start + 4);
                if let Some(f) = self.cue_frame(doc, ents, short.start..r.end, Side::After) {
                    if short.contains(&f.2) {
                        found = Some((f.0, Some(f.1), Method::Cue));
                    }
                }
            }
        }
        if found.is_none() && first.open == para.0 && first.paragraph > 0 {
            // "Roe said:" closing the previous paragraph.
            let pp = doc.paragraphs[first.paragraph - 1];
            let r = doc.toks_in(pp.0.max(prev_end), pp.1);
            if !r.is_empty() && doc.toks[r.end - 1].text == ":" {
                let start = r
                    .clone()
                    .rev()
                    .find(|&i| matches!(doc.toks[i].text.as_str(), "." | "!" | "?"))
                    .map(|i| i + 1)
                    .unwrap_or(r.start);
                if let Some(f) = self.cue_frame(doc, ents, start..r.end, Side::Before) {
                    found = Some((f.0, Some(f.1), Method::Cue));
                } else if let Some(f) = colon_frame(doc, ents, start..r.end) {
                    found = Some((f, None, Method::Colon));
                }
            }
        }
        if let Some((f, cue, method)) = found {
            self.fill(doc, ents, &mut quote, f, cue, method, events);
        }
        quote
    }

    /// A short quotation right after an ordinary word of the running sentence, or a title
    /// (every longer word capitalised: "Keep The Promise", "EUROPE VOTES").
    fn is_fragment(&self, doc: &Doc, p: &marks::RawQuote) -> bool {
        let words: Vec<&crate::doc::Tok> = doc.toks[doc.toks_in(p.start, p.end)]
            .iter()
            .filter(|t| t.kind == TokKind::Word)
            .collect();
        let long: Vec<_> = words
            .iter()
            .filter(|t| t.text.chars().count() >= 4)
            .collect();
        if long.len() >= 2
            && words.len() <= self.options.max_title_words
            && long.iter().all(|t| t.is_capitalised())
        {
            return true;
        }
        if words.len() > self.options.max_partial_words {
            return false;
        }
        let before = doc.toks.partition_point(|t| t.end <= p.open);
        if before == 0 {
            return false;
        }
        let prev = &doc.toks[before - 1];
        let para = doc.paragraphs[p.paragraph];
        prev.start >= para.0
            && prev.kind == TokKind::Word
            && self.cue_at(doc, before - 1, before).is_none()
    }

    /// Set a quote's speaker from a found subject.
    #[allow(clippy::too_many_arguments)]
    fn fill(
        &self,
        doc: &Doc,
        ents: &Entities,
        quote: &mut Quote,
        f: Found,
        cue: Option<String>,
        method: Method,
        events: &mut Vec<(usize, usize)>,
    ) {
        let (speaker, entity) = self.resolve(doc, ents, &f, events);
        if let Some(ei) = entity {
            events.push((f.start, ei));
        }
        quote.speaker = Some(speaker);
        quote.speaker_mention = Some(SpeakerMention {
            start: f.start,
            end: f.end,
            text: doc.slice(f.start, f.end),
            kind: match f.kind {
                MentionKind::Name => "name",
                MentionKind::Pronoun => "pronoun",
                MentionKind::Role => "role",
            },
        });
        quote.cue = cue;
        quote.method = method;
    }

    /// The last cue subject before the quote in its paragraph (outside quotations), or for a
    /// quote opening its paragraph, in the previous paragraph.
    fn context_frame(
        &self,
        doc: &Doc,
        ents: &Entities,
        g: &Group,
        prev_end: usize,
    ) -> Option<(Found, String, usize)> {
        let first = &g.pieces[0];
        let para = doc.paragraphs[first.paragraph];
        if first.open > para.0 {
            let r = doc.toks_in(para.0.max(prev_end), first.open);
            return self.cue_frame(doc, ents, r, Side::Before);
        }
        if first.paragraph == 0 {
            return None;
        }
        let pp = doc.paragraphs[first.paragraph - 1];
        let r = doc.toks_in(pp.0.max(prev_end), pp.1);
        self.cue_frame(doc, ents, r, Side::Before)
    }

    /// Speaker name of a found subject, and its entity when known.
    fn resolve(
        &self,
        doc: &Doc,
        ents: &Entities,
        f: &Found,
        events: &[(usize, usize)],
    ) -> (String, Option<usize>) {
        let text = doc.slice(f.start, f.end);
        match f.kind {
            MentionKind::Name => {
                let mi = f.name.expect("name mention");
                let ei = ents.entity_of[mi];
                (ents.entities[ei].name.clone(), Some(ei))
            }
            MentionKind::Pronoun => {
                let lower = text.to_lowercase();
                let (gender, plural) = pronoun(&lower).unwrap_or((None, false));
                if plural || lower == "i" || lower == "it" {
                    return (text, None);
                }
                match ents.antecedent(doc, f.start, gender, events, self.options.pronoun_window) {
                    Some(ei) => (ents.entities[ei].name.clone(), Some(ei)),
                    None => (text, None),
                }
            }
            MentionKind::Role => {
                let r = doc.toks_in(f.start, f.end);
                let definite = doc.toks[r.start].lower == "the" || r.len() == 1;
                let head = doc.toks[r.end - 1].bare().to_lowercase();
                if definite {
                    if let Some(ei) = ents.role_antecedent(f.start, &head) {
                        return (ents.entities[ei].name.clone(), Some(ei));
                    }
                }
                (text, None)
            }
        }
    }

    /// The cue nearest the quote in a frame, with its subject: (subject, cue text, cue token).
    fn cue_frame(
        &self,
        doc: &Doc,
        ents: &Entities,
        r: std::ops::Range<usize>,
        side: Side,
    ) -> Option<(Found, String, usize)> {
        let mut cands: Vec<(usize, usize)> = r
            .clone()
            .filter_map(|i| self.cue_at(doc, i, r.end).map(|n| (i, n)))
            .collect();
        match side {
            Side::After => {
                cands.retain(|&(i, _)| i < r.start + self.options.max_post_cue_offset);
            }
            Side::Before => cands.reverse(),
            Side::Gap => {}
        }
        let cue_text = |i: usize, n: usize| {
            doc.toks[i..i + n]
                .iter()
                .map(|t| t.lower.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        // First pass: a subject right next to a cue, nearest cue first.
        for &(i, n) in &cands {
            let cue = cue_text(i, n);
            // After "according to" the source follows. Before a quote, what follows a cue is
            // its object or complement clause ("Roe said the state has become “…”"), unless
            // the cue opens the sentence ("Said Roe: “…”"). A participle ("saying",
            // "citing") has its subject in the main clause, never after it.
            let right_ok = cue == "according to"
                || (!cue.ends_with("ing")
                    && (side != Side::Before || (i == r.start && doc.toks[i].is_capitalised())));
            let subj = if cue == "according to" {
                np_right(doc, ents, i + n, r.end)
            } else {
                np_left(doc, ents, r.start, i).or_else(|| {
                    right_ok
                        .then(|| np_right(doc, ents, i + n, r.end))
                        .flatten()
                })
            };
            if let Some(f) = subj {
                return Some((f, cue, i));
            }
        }
        // Second pass: the clause subject before the nearest cue ("Roe hit back, saying …").
        for &(i, n) in cands.iter().take(1) {
            if let Some(f) = first_subject(doc, ents, r.start, i) {
                return Some((f, cue_text(i, n), i));
            }
        }
        None
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Before,
    After,
    Gap,
}

fn is_adverb(lower: &str) -> bool {
    ADVERBS.contains(&lower) || (lower.len() > 4 && lower.ends_with("ly"))
}

/// The noun phrase ending right before token `j` (not before `lo`), skipping adverbs and a
/// comma-delimited appositive or relative clause.
fn np_left(doc: &Doc, ents: &Entities, lo: usize, j: usize) -> Option<Found> {
    let toks = &doc.toks;
    let mut j = j;
    while j > lo && toks[j - 1].kind == TokKind::Word && is_adverb(&toks[j - 1].lower) {
        j -= 1;
    }
    if j == lo {
        return None;
    }
    // "Jane Roe (D-Ore.) said": skip the parenthesis.
    if toks[j - 1].text == ")" {
        if let Some(open) = (lo..j - 1).rev().take(10).find(|&k| toks[k].text == "(") {
            return np_left(doc, ents, lo, open);
        }
    }
    // "Roe, the party's nominee, said" / "Roe, who …, said".
    if toks[j - 1].text == "," {
        let inner_end = j - 1;
        let p = (lo..inner_end)
            .rev()
            .take(14)
            .find(|&k| toks[k].text == ",");
        if let Some(p) = p {
            if let Some(f) = np_left(doc, ents, lo, p) {
                if f.kind != MentionKind::Role {
                    return Some(f);
                }
            }
            return np_right(doc, ents, p + 1, inner_end)
                .filter(|f| f.kind != MentionKind::Pronoun);
        }
        return None;
    }
    let t = &toks[j - 1];
    if t.kind == TokKind::Word && pronoun(&t.lower).is_some() && t.lower != "them" {
        return Some(Found {
            start: t.start,
            end: t.end,
            kind: MentionKind::Pronoun,
            name: None,
        });
    }
    let mut s = j;
    while s > lo && j - s < 10 {
        let t = &toks[s - 1];
        if t.kind != TokKind::Word {
            break;
        }
        if DETERMINERS.contains(&t.lower.as_str()) {
            s -= 1;
            break;
        }
        let ok = t.is_capitalised()
            || (!storyline_text::is_stop_word(&t.lower) && !is_adverb(&t.lower))
            || (t.lower == "of" && s - 1 > lo && s < j && toks[s].is_capitalised());
        if !ok {
            break;
        }
        s -= 1;
    }
    // "a spokeswoman for the council said": the head is the phrase before the preposition.
    if s > lo + 1
        && s < j
        && matches!(
            toks[s - 1].lower.as_str(),
            "for" | "of" | "at" | "with" | "from"
        )
    {
        if let Some(f) = np_left(doc, ents, lo, s - 1) {
            if f.kind != MentionKind::Pronoun {
                return Some(f);
            }
        }
    }
    phrase(doc, ents, s, j)
}

/// The noun phrase starting at token `k` (not reaching `hi`), after any time expression; a
/// role followed by an appositive name gives the name ("the mayor, Jane Roe").
fn np_right(doc: &Doc, ents: &Entities, k: usize, hi: usize) -> Option<Found> {
    let toks = &doc.toks;
    let mut k = k;
    while k < hi
        && toks[k].kind == TokKind::Word
        && (matches!(
            toks[k].lower.as_str(),
            "on" | "in" | "late" | "early" | "last" | "this"
        ) || is_time_word(&toks[k].lower))
    {
        k += 1;
    }
    if k >= hi || toks[k].kind != TokKind::Word {
        return None;
    }
    if pronoun(&toks[k].lower).is_some() && toks[k].lower != "it" {
        return Some(Found {
            start: toks[k].start,
            end: toks[k].end,
            kind: MentionKind::Pronoun,
            name: None,
        });
    }
    let mut e = k;
    if DETERMINERS.contains(&toks[e].lower.as_str()) {
        e += 1;
    }
    while e < hi && e - k < 10 {
        let t = &toks[e];
        if t.kind != TokKind::Word {
            break;
        }
        let ok = t.is_capitalised()
            || (!storyline_text::is_stop_word(&t.lower) && !is_adverb(&t.lower))
            || (t.lower == "of" && e + 1 < hi && toks[e + 1].is_capitalised());
        if !ok {
            break;
        }
        e += 1;
    }
    let f = phrase(doc, ents, k, e)?;
    if f.kind == MentionKind::Role && e + 1 < hi && toks[e].text == "," {
        if let Some(n) = np_right(doc, ents, e + 1, hi) {
            if n.kind == MentionKind::Name {
                return Some(n);
            }
        }
    }
    Some(f)
}

fn is_time_word(lower: &str) -> bool {
    matches!(
        lower,
        "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "today"
            | "yesterday"
            | "tonight"
            | "week"
            | "weekend"
            | "night"
            | "morning"
            | "afternoon"
            | "evening"
    )
}

/// Turn tokens `s..e` into a subject: a name mention inside it, else a role phrase.
fn phrase(doc: &Doc, ents: &Entities, s: usize, e: usize) -> Option<Found> {
    if s >= e {
        return None;
    }
    let toks = &doc.toks;
    let (start, end) = (toks[s].start, toks[e - 1].end);
    if let Some(mi) = ents.name_in(start, end) {
        let m = &ents.mentions[mi];
        return Some(Found {
            start: m.start,
            end: m.end,
            kind: MentionKind::Name,
            name: Some(mi),
        });
    }
    // A role phrase: its head is a content word.
    let head = &toks[e - 1];
    if storyline_text::is_stop_word(&head.lower) || head.text.chars().all(|c| c.is_numeric()) {
        return None;
    }
    if is_time_word(&head.lower) {
        return None;
    }
    // A lone lower-case word without determiner or title is rarely a speaker.
    if e - s == 1 && !head.is_capitalised() && title_norm(&head.text).is_none() {
        let plural = head.lower.ends_with('s') && !head.lower.ends_with("ss");
        if !plural {
            return None;
        }
    }
    Some(Found {
        start,
        end,
        kind: MentionKind::Role,
        name: None,
    })
}

/// The first name or pronoun of a frame before token `j` (the subject of "Roe hit back,
/// saying …").
fn first_subject(doc: &Doc, ents: &Entities, lo: usize, j: usize) -> Option<Found> {
    let toks = &doc.toks;
    let mut fallback: Option<Found> = None;
    for t in &toks[lo..j] {
        if t.kind != TokKind::Word {
            continue;
        }
        if matches!(t.lower.as_str(), "he" | "she") {
            return Some(Found {
                start: t.start,
                end: t.end,
                kind: MentionKind::Pronoun,
                name: None,
            });
        }
        let mi = ents.mentions.partition_point(|m| m.start < t.start);
        let Some(m) = ents
            .mentions
            .get(mi)
            .filter(|m| m.start == t.start && m.end <= toks[j - 1].end)
        else {
            continue;
        };
        let f = Found {
            start: m.start,
            end: m.end,
            kind: MentionKind::Name,
            name: Some(mi),
        };
        // Prefer a person; an organisation or place only when no person comes.
        if ents.entity(mi).is_person() {
            return Some(f);
        }
        if fallback.is_none() {
            fallback = Some(f);
        }
    }
    fallback
}

/// "Roe: “…”" — a name (or role) right before a colon that ends the frame.
fn colon_frame(doc: &Doc, ents: &Entities, r: std::ops::Range<usize>) -> Option<Found> {
    if r.is_empty() || doc.toks[r.end - 1].text != ":" {
        return None;
    }
    np_left(doc, ents, r.start, r.end - 1)
        .filter(|f| f.kind != MentionKind::Role || r.len() <= 4)
        .or_else(|| first_subject(doc, ents, r.start, r.end - 1))
}

#[cfg(test)]
mod tests;
