//! Mentions of people and organisations, as speaker resolution needs them.
//!
//! - **Names**: runs of capitalised words (with particles such as "de", "van", "bin" and
//!   initials inside), split into leading *titles* ("President", "Sen.", "Mr") and the name
//!   proper. Lower-case words right before a name ("presidential candidate Jane Roe") and the
//!   head of an appositive after it ("Jane Roe, the party's nominee,") are kept as its roles.
//!   A single capitalised word that opens a sentence and also occurs in lower case in the same
//!   text ("Critics", "Officials") is an ordinary word, not a name; weekdays and months never are.
//! - **Entities**: name variants merged within the article — a name whose words are all in a
//!   longer one ("Roe", "Mr Roe", "Jane Roe") joins it, single words preferring a last-name
//!   match and the most recently mentioned candidate; the canonical name is the longest form.
//!   A title's gender (Mr / Mrs, Ms) keeps a man and a woman sharing a surname apart.
//! - **Pronouns** (he, she, they, …) and **role** phrases ("the minister", "a spokeswoman").
//! - **Resolution**: a pronoun goes to the nearest preceding fitting person mention outside
//!   quotations, preferring in each sentence its first (subject-like) mention; a role phrase
//!   goes to the latest entity that carried that title or role ("the senator" → "Sen. Jane Roe").

use std::collections::HashSet;

use crate::doc::{Doc, Tok, TokKind};

/// Grammatical gender, where a title or pronoun tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

/// What kind of mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MentionKind {
    Name,
    Pronoun,
    Role,
}

/// A mention: character span, and what is known about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    /// The mention as written.
    pub text: String,
    pub kind: MentionKind,
    /// Name words without titles (names only), as written.
    pub words: Vec<String>,
    /// Normalised titles and roles, lower-case ("president", "senator", "nominee").
    pub titles: Vec<String>,
    pub gender: Option<Gender>,
    pub plural: bool,
    /// Inside a quotation.
    pub in_quote: bool,
    /// Right after "the", "in", "at", "across", "throughout" (a place or organisation).
    pub place_like: bool,
}

/// An entity: the name variants of one referent in one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// Canonical name: the longest variant seen, titles removed ("Jane Roe").
    pub name: String,
    /// Lower-cased words of the canonical name.
    pub words: Vec<String>,
    pub titles: HashSet<String>,
    pub gender: Option<Gender>,
    /// Mostly seen as "the X", "in X", or with an organisation/place head word ("… County").
    pub not_person: bool,
    /// Mentions as "the X" / "in X" …, and all mentions.
    pub place_mentions: u32,
    pub mentions: u32,
    /// Seen as the subject of a speech cue.
    pub speaker: bool,
}

impl Entity {
    /// Looks like a person: a known gender, a person title, or — unless it reads as a place or
    /// organisation — a speaker or a first and last name.
    pub fn is_person(&self) -> bool {
        self.gender.is_some()
            || self
                .titles
                .iter()
                .any(|t| PERSON_TITLES.contains(&t.as_str()))
            || (!self.not_person && (self.speaker || self.words.len() >= 2))
    }
}

/// Head words of organisation and place names.
pub const ORG_HEADS: &[&str] = &[
    "house",
    "party",
    "news",
    "county",
    "state",
    "states",
    "city",
    "university",
    "college",
    "institute",
    "center",
    "centre",
    "committee",
    "council",
    "department",
    "ministry",
    "agency",
    "association",
    "foundation",
    "network",
    "post",
    "times",
    "journal",
    "company",
    "corp",
    "inc",
    "group",
    "campaign",
    "administration",
    "court",
    "congress",
    "senate",
    "union",
    "bank",
    "fund",
    "club",
    "church",
    "school",
    "street",
    "avenue",
    "review",
    "magazine",
    "press",
    "office",
    "bureau",
    "commission",
    "board",
    "service",
    "security",
    "republic",
    "kingdom",
    "island",
    "islands",
    "airport",
    "hall",
    "square",
    "park",
    "hospital",
    "media",
    "tribune",
    "herald",
    "gazette",
    "daily",
    "reuters",
    "caucus",
    "coalition",
    "organization",
    "organisation",
    "institution",
    "federation",
    "alliance",
    "forces",
    "army",
    "navy",
    "police",
    "valley",
    "beach",
    "region",
    "province",
    "district",
];

/// Titles (lower-case, no dot) and their normal form.
pub const TITLES: &[(&str, &str)] = &[
    ("mr", "mr"),
    ("mrs", "mrs"),
    ("ms", "ms"),
    ("miss", "miss"),
    ("dr", "doctor"),
    ("doctor", "doctor"),
    ("prof", "professor"),
    ("professor", "professor"),
    ("president", "president"),
    ("pres", "president"),
    ("vice", "vice"),
    ("sen", "senator"),
    ("senator", "senator"),
    ("rep", "representative"),
    ("representative", "representative"),
    ("congressman", "congressman"),
    ("congresswoman", "congresswoman"),
    ("gov", "governor"),
    ("governor", "governor"),
    ("lt", "lieutenant"),
    ("secretary", "secretary"),
    ("sec", "secretary"),
    ("minister", "minister"),
    ("prime", "prime"),
    ("chancellor", "chancellor"),
    ("king", "king"),
    ("queen", "queen"),
    ("prince", "prince"),
    ("princess", "princess"),
    ("pope", "pope"),
    ("judge", "judge"),
    ("justice", "justice"),
    ("gen", "general"),
    ("general", "general"),
    ("col", "colonel"),
    ("capt", "captain"),
    ("sgt", "sergeant"),
    ("adm", "admiral"),
    ("maj", "major"),
    ("chairman", "chairman"),
    ("chairwoman", "chairwoman"),
    ("speaker", "speaker"),
    ("mayor", "mayor"),
    ("rev", "reverend"),
    ("ambassador", "ambassador"),
    ("attorney", "attorney"),
    ("atty", "attorney"),
    ("sheriff", "sheriff"),
    ("commissioner", "commissioner"),
    ("director", "director"),
    ("chief", "chief"),
    ("candidate", "candidate"),
    ("nominee", "nominee"),
    ("former", "former"),
    ("sir", "sir"),
    ("dame", "dame"),
    ("lord", "lord"),
    ("lady", "lady"),
    ("engineer", "engineer"),
    ("coach", "coach"),
    ("officer", "officer"),
    ("detective", "detective"),
    ("inspector", "inspector"),
    ("agent", "agent"),
    ("lawyer", "lawyer"),
    ("analyst", "analyst"),
    ("economist", "economist"),
    ("spokesman", "spokesman"),
    ("spokeswoman", "spokeswoman"),
    ("spokesperson", "spokesperson"),
    ("actor", "actor"),
    ("actress", "actress"),
    ("author", "author"),
    ("pastor", "pastor"),
    ("bishop", "bishop"),
    ("rabbi", "rabbi"),
    ("imam", "imam"),
    ("councillor", "councillor"),
    ("councilman", "councilman"),
    ("councilwoman", "councilwoman"),
    ("activist", "activist"),
    ("host", "host"),
    ("anchor", "anchor"),
    ("strategist", "strategist"),
    ("pollster", "pollster"),
    ("founder", "founder"),
];

/// Titles that only people carry.
pub const PERSON_TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "doctor",
    "professor",
    "president",
    "senator",
    "representative",
    "congressman",
    "congresswoman",
    "governor",
    "secretary",
    "minister",
    "chancellor",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "judge",
    "justice",
    "general",
    "chairman",
    "chairwoman",
    "mayor",
    "reverend",
    "ambassador",
    "candidate",
    "nominee",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "sir",
    "dame",
    "lord",
    "lady",
];

const MALE: &[&str] = &[
    "mr",
    "king",
    "prince",
    "congressman",
    "chairman",
    "spokesman",
    "businessman",
    "sir",
    "lord",
    "father",
    "husband",
    "son",
    "brother",
];
const FEMALE: &[&str] = &[
    "mrs",
    "ms",
    "miss",
    "queen",
    "princess",
    "congresswoman",
    "chairwoman",
    "spokeswoman",
    "businesswoman",
    "dame",
    "lady",
    "mother",
    "wife",
    "daughter",
    "sister",
];

const PARTICLES: &[&str] = &[
    "de", "van", "von", "der", "den", "bin", "al", "la", "le", "da", "di", "du", "del", "dos",
];

/// Weekday names, Monday first.
pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Month names, January first.
pub const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Month abbreviations and relative days.
const OTHER_TEMPORAL: &[&str] = &[
    "jan.",
    "feb.",
    "mar.",
    "apr.",
    "jun.",
    "jul.",
    "aug.",
    "sep.",
    "sept.",
    "oct.",
    "nov.",
    "dec.",
    "today",
    "yesterday",
    "tonight",
    "tomorrow",
];

/// A weekday, month or relative day ("monday", "march", "jan.", "yesterday"), lower-cased.
pub fn is_temporal(lower: &str) -> bool {
    WEEKDAYS.contains(&lower) || MONTHS.contains(&lower) || OTHER_TEMPORAL.contains(&lower)
}

/// Normal form of a title word ("Sen." → "senator"), if it is one.
pub fn title_norm(word: &str) -> Option<&'static str> {
    let w = word.trim_end_matches('.').to_lowercase();
    TITLES.iter().find(|(k, _)| *k == w).map(|(_, v)| *v)
}

fn gender_of_title(t: &str) -> Option<Gender> {
    if MALE.contains(&t) {
        Some(Gender::Male)
    } else if FEMALE.contains(&t) {
        Some(Gender::Female)
    } else {
        None
    }
}

/// Speaker pronouns: (gender, plural). `None` for other words.
pub fn pronoun(lower: &str) -> Option<(Option<Gender>, bool)> {
    Some(match lower {
        "he" | "him" => (Some(Gender::Male), false),
        "she" | "her" => (Some(Gender::Female), false),
        "they" | "them" | "we" => (None, true),
        "i" | "it" => (None, false),
        _ => return None,
    })
}

fn is_stop(lower: &str) -> bool {
    storyline_text::is_stop_word(lower)
}

/// The mentions and entities of one text.
#[derive(Debug, Clone, Default)]
pub struct Entities {
    /// Name mentions, in text order.
    pub mentions: Vec<Mention>,
    /// For each name mention, its entity.
    pub entity_of: Vec<usize>,
    pub entities: Vec<Entity>,
    /// Mentions outside quotations per entity.
    pub counts: Vec<u32>,
    /// The quotation spans.
    pub quotes: Vec<(usize, usize)>,
}

/// Weights of the pronoun antecedent score (tuned on PolNeAR train).
#[derive(Debug, Clone, Copy)]
pub struct SalienceWeights {
    /// Penalty per sentence of distance.
    pub distance: f32,
    /// Bonus for the first candidate of a sentence (subject-like).
    pub subject: f32,
    /// Bonus for a mention that was an earlier quote's speaker.
    pub speaker: f32,
    /// Weight of ln(1 + mentions of the entity in the article).
    pub prominence: f32,
}

impl Default for SalienceWeights {
    fn default() -> Self {
        SalienceWeights {
            distance: 1.0,
            subject: 1.5,
            speaker: 0.5,
            prominence: 0.0,
        }
    }
}

impl Entities {
    /// Find the name mentions of `doc` and merge them into entities; `quotes` are the
    /// quotation spans (mentions inside them are marked `in_quote`).
    pub fn find(doc: &Doc, quotes: &[(usize, usize)]) -> Self {
        let mut ents = Entities {
            quotes: quotes.to_vec(),
            ..Default::default()
        };
        let toks = &doc.toks;
        let lower_words: HashSet<&str> = toks
            .iter()
            .filter(|t| t.kind == TokKind::Word && !t.is_capitalised())
            .map(|t| t.lower.as_str())
            .collect();
        let mut k = 0;
        while k < toks.len() {
            let Some((a, b)) = name_run(doc, k) else {
                k += 1;
                continue;
            };
            k = b;
            if let Some(m) = name_mention(doc, a, b, &lower_words, quotes) {
                ents.add_name(m);
            }
        }
        ents
    }

    fn add_name(&mut self, m: Mention) {
        let words: Vec<String> = m.words.iter().map(|w| w.to_lowercase()).collect();
        let compatible = |e: &Entity| match (e.gender, m.gender) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        // Most recently mentioned entity whose words contain all of ours, or all of whose
        // words we contain; single words prefer a last-name match.
        let mut best: Option<(usize, u8)> = None;
        for &ei in self.entity_of.iter().rev() {
            let e = &self.entities[ei];
            if !compatible(e) {
                continue;
            }
            let score = if e.words == words {
                4
            } else if (words.len() == 1 || words.iter().all(|w| e.words.contains(w)))
                && e.words.last() == words.last()
            {
                3
            } else if e.words.iter().all(|w| words.contains(w)) && e.words.last() == words.last() {
                2
            } else if words.len() == 1
                && e.words.len() >= 2
                && e.words[0] == words[0]
                && (m.gender.is_some() || e.gender.is_some())
            {
                1
            } else {
                0
            };
            if score > 0 && best.is_none_or(|(_, s)| score > s) {
                best = Some((ei, score));
            }
        }
        let ei = match best {
            Some((ei, _)) => {
                let e = &mut self.entities[ei];
                if words.len() > e.words.len() && !m.in_quote {
                    e.words = words;
                    e.name = m.words.join(" ");
                }
                ei
            }
            None => {
                self.entities.push(Entity {
                    name: m.words.join(" "),
                    words,
                    titles: HashSet::new(),
                    gender: None,
                    not_person: false,
                    place_mentions: 0,
                    mentions: 0,
                    speaker: false,
                });
                self.entities.len() - 1
            }
        };
        let e = &mut self.entities[ei];
        e.titles.extend(m.titles.iter().cloned());
        e.mentions += 1;
        e.place_mentions += u32::from(m.place_like);
        // "the Roe campaign" now and then does not make Roe a place: most mentions must be.
        e.not_person = e
            .words
            .last()
            .is_some_and(|w| ORG_HEADS.contains(&w.as_str()))
            || 2 * e.place_mentions > e.mentions;
        if e.gender.is_none() {
            e.gender = m.gender;
        }
        if self.counts.len() < self.entities.len() {
            self.counts.resize(self.entities.len(), 0);
        }
        if !m.in_quote {
            self.counts[ei] += 1;
        }
        self.mentions.push(m);
        self.entity_of.push(ei);
    }

    /// Learn genders from the text: each he/him/his or she/her/hers outside quotations votes
    /// for the gender of the entity it would resolve to (without a gender constraint); an
    /// entity without a title-given gender takes a clear majority (at least two votes, twice
    /// the other side).
    pub fn learn_genders(&mut self, doc: &Doc, quotes: &[(usize, usize)]) {
        let mut votes = vec![(0u32, 0u32); self.entities.len()];
        for t in &doc.toks {
            // Subject pronouns only: a possessive or object often refers to someone else.
            let g = match t.lower.as_str() {
                "he" => Gender::Male,
                "she" => Gender::Female,
                _ => continue,
            };
            if quotes.iter().any(|&(s, e)| t.start >= s && t.end <= e) {
                continue;
            }
            if let Some(ei) = self.antecedent(doc, t.start, None, &[], 2) {
                match g {
                    Gender::Male => votes[ei].0 += 1,
                    Gender::Female => votes[ei].1 += 1,
                }
            }
        }
        for (e, (m, f)) in self.entities.iter_mut().zip(votes) {
            if e.gender.is_none() {
                if m >= 2 && m >= 2 * f {
                    e.gender = Some(Gender::Male);
                } else if f >= 2 && f >= 2 * m {
                    e.gender = Some(Gender::Female);
                }
            }
        }
    }

    /// Whether character `pos` lies inside a quotation.
    pub fn in_quote(&self, pos: usize) -> bool {
        self.quotes.iter().any(|&(s, e)| pos >= s && pos < e)
    }

    /// The rightmost name mention lying inside `start..end`.
    pub fn name_in(&self, start: usize, end: usize) -> Option<usize> {
        let hi = self.mentions.partition_point(|m| m.start < end);
        (0..hi)
            .rev()
            .take_while(|&i| self.mentions[i].end > start || self.mentions[i].start >= start)
            .find(|&i| self.mentions[i].start >= start && self.mentions[i].end <= end)
    }

    /// Entity of the name mention `mi`.
    pub fn entity(&self, mi: usize) -> &Entity {
        &self.entities[self.entity_of[mi]]
    }

    /// Resolve a pronoun at character `pos` with the given gender: among the fitting person
    /// mentions outside quotations in the `max_sentences` sentences before it (and the part of
    /// its own sentence before it), the one scoring best on recency, subject position (first
    /// candidate of its sentence), having spoken before (`extra` holds (position, entity) of
    /// earlier resolved speakers) and the entity's prominence in the article
    /// (see [`SalienceWeights`]).
    pub fn antecedent(
        &self,
        doc: &Doc,
        pos: usize,
        gender: Option<Gender>,
        extra: &[(usize, usize)],
        max_sentences: usize,
    ) -> Option<usize> {
        self.antecedent_at_depth(doc, pos, gender, extra, max_sentences, 2)
    }

    /// [`Self::antecedent`], where an earlier he/she of the same gender outside quotations is a
    /// candidate too, standing for its own antecedent (resolved `depth` levels deep).
    fn antecedent_at_depth(
        &self,
        doc: &Doc,
        pos: usize,
        gender: Option<Gender>,
        extra: &[(usize, usize)],
        max_sentences: usize,
        depth: u8,
    ) -> Option<usize> {
        let w = SalienceWeights::default();
        let pronoun_form = match gender {
            Some(Gender::Male) => Some("he"),
            Some(Gender::Female) => Some("she"),
            None => None,
        };
        let si = doc.sentence_of(pos);
        let fits = |ei: usize| {
            let e = &self.entities[ei];
            e.is_person()
                && match (gender, e.gender) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                }
        };
        let mut best: Option<(f32, usize, usize)> = None; // (score, position, entity)
        for s in si.saturating_sub(max_sentences)..=si {
            let (ss, se) = doc.sentences[s];
            let se = se.min(pos);
            let mut cands: Vec<(usize, usize, bool)> = self
                .mentions
                .iter()
                .enumerate()
                .filter(|(_, m)| !m.in_quote && m.start >= ss && m.end <= se)
                .map(|(mi, m)| (m.start, self.entity_of[mi], false))
                .chain(
                    extra
                        .iter()
                        .filter(|&&(p, _)| p >= ss && p < se)
                        .map(|&(p, e)| (p, e, true)),
                )
                .filter(|&(_, ei, _)| fits(ei))
                .collect();
            if let (Some(form), true) = (pronoun_form, depth > 0) {
                let r = doc.toks_in(ss, se);
                for t in &doc.toks[r] {
                    if t.lower == form && !self.in_quote(t.start) {
                        let sub = self.antecedent_at_depth(
                            doc,
                            t.start,
                            gender,
                            extra,
                            max_sentences,
                            depth - 1,
                        );
                        if let Some(ei) = sub {
                            cands.push((t.start, ei, false));
                        }
                    }
                }
            }
            cands.sort();
            for (n, &(p, ei, spoke)) in cands.iter().enumerate() {
                let score = -w.distance * (si - s) as f32
                    + if n == 0 { w.subject } else { 0.0 }
                    + if spoke { w.speaker } else { 0.0 }
                    + w.prominence * (1.0 + self.counts[ei] as f32).ln();
                if best.is_none_or(|(b, bp, _)| score > b || (score == b && p > bp)) {
                    best = Some((score, p, ei));
                }
            }
        }
        best.map(|(_, _, ei)| ei)
    }

    /// The latest entity mentioned before `pos` that carried the role `head` (normalised).
    pub fn role_antecedent(&self, pos: usize, head: &str) -> Option<usize> {
        let head = title_norm(head)
            .map(str::to_string)
            .unwrap_or(head.to_lowercase());
        self.mentions
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, m)| m.end <= pos && !m.in_quote)
            .map(|(mi, _)| self.entity_of[mi])
            .find(|&ei| self.entities[ei].titles.contains(&head))
    }
}

fn same_line(doc: &Doc, a: &Tok, b: &Tok) -> bool {
    !doc.chars[a.end..b.start].contains(&'\n')
}

/// A run of capitalised words starting at token `k`: token range.
fn name_run(doc: &Doc, k: usize) -> Option<(usize, usize)> {
    let toks = &doc.toks;
    let t = &toks[k];
    if t.kind != TokKind::Word || !t.is_capitalised() {
        return None;
    }
    let mut b = k + 1;
    while b < toks.len() {
        let prev = &toks[b - 1];
        if prev.bare().len() != prev.text.trim_end_matches('.').len() {
            break; // a possessive ends the name
        }
        let n = &toks[b];
        if !same_line(doc, prev, n) || n.kind != TokKind::Word {
            break;
        }
        if n.is_capitalised() && (!is_stop(&n.lower) || title_norm(&n.text).is_some()) {
            b += 1;
        } else if (PARTICLES.contains(&n.lower.as_str()) || n.lower == "of")
            && toks
                .get(b + 1)
                .is_some_and(|x| x.kind == TokKind::Word && x.is_capitalised())
        {
            b += 2;
        } else {
            break;
        }
    }
    Some((k, b))
}

fn name_mention(
    doc: &Doc,
    a: usize,
    b: usize,
    lower_words: &HashSet<&str>,
    quotes: &[(usize, usize)],
) -> Option<Mention> {
    let toks = &doc.toks;
    let mut titles: Vec<String> = Vec::new();
    let mut i = a;
    // Leading capitalised function words ("The", "But", "In"), and a sentence-opening word
    // that the text also uses in lower case ("Yet", "Maybe").
    while i < b && is_stop(&toks[i].lower) && title_norm(&toks[i].text).is_none() {
        i += 1;
    }
    if i + 1 < b
        && title_norm(&toks[i].text).is_none()
        && lower_words.contains(toks[i].lower.as_str())
        && (i == 0
            || doc.sentence_of(toks[i].start) != doc.sentence_of(toks[i - 1].start)
            || toks[i - 1].kind != TokKind::Word)
    {
        i += 1;
    }
    // Titles, and "of X" after a title ("Secretary of State").
    while i < b {
        if let Some(t) = title_norm(&toks[i].text) {
            titles.push(t.to_string());
            i += 1;
            if i + 1 < b && toks[i].lower == "of" {
                i += 2;
            }
        } else {
            break;
        }
    }
    // "Finance Minister Olga Petrova": words before the last title are part of the title.
    if let Some(t) = (i..b)
        .rev()
        .find(|&t| t + 1 < b && title_norm(&toks[t].text).is_some() && t > i)
    {
        for x in &toks[i..t] {
            titles.push(x.lower.clone());
        }
        titles.push(title_norm(&toks[t].text).unwrap_or_default().to_string());
        i = t + 1;
    }
    let mut j = b;
    while j > i && (toks[j - 1].lower == "jr." || toks[j - 1].lower == "sr.") {
        j -= 1;
    }
    if i >= j {
        return None;
    }
    let words: Vec<String> = toks[i..j]
        .iter()
        .map(|t| t.bare().to_string())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || words.iter().all(|w| is_stop(&w.to_lowercase())) {
        return None;
    }
    if words.len() == 1 {
        let w = words[0].to_lowercase();
        // A dateline ("WASHINGTON —").
        let dateline = words[0].chars().filter(|c| c.is_alphabetic()).count() > 3
            && words[0].chars().all(|c| !c.is_lowercase())
            && toks.get(j).is_some_and(|t| {
                matches!(
                    t.text.as_str(),
                    "-" | "\u{2013}" | "\u{2014}" | "\u{2015}" | "(" | ","
                )
            });
        if dateline {
            return None;
        }
        if is_temporal(&w) || is_temporal(&toks[i].lower) {
            return None;
        }
        // A sentence-opening word also used in lower case is a common word.
        let opens = i == 0
            || doc.sentence_of(toks[i].start) != doc.sentence_of(toks[i - 1].start)
            || toks[i - 1].kind == TokKind::Quote;
        if titles.is_empty() && opens && lower_words.contains(w.as_str()) {
            return None;
        }
        if pronoun(&w).is_some() {
            return None;
        }
    }
    // Lower-case modifiers right before ("presidential candidate").
    let mut p = a;
    let mut mods = 0;
    while p > 0 && mods < 3 {
        let t = &toks[p - 1];
        if t.kind != TokKind::Word || t.is_capitalised() || is_stop(&t.lower) {
            break;
        }
        titles.push(
            title_norm(&t.text)
                .map(str::to_string)
                .unwrap_or(t.lower.clone()),
        );
        p -= 1;
        mods += 1;
    }
    // Appositive after: ", the party's nominee," → "nominee".
    if toks.get(b).is_some_and(|t| t.text == ",") {
        let mut q = b + 1;
        let mut last: Option<&Tok> = None;
        while q < toks.len() && q < b + 7 && toks[q].kind == TokKind::Word {
            last = Some(&toks[q]);
            q += 1;
        }
        if let (Some(l), Some(end)) = (last, toks.get(q)) {
            if matches!(end.text.as_str(), "," | "." | ";")
                && !l.is_capitalised()
                && !is_stop(&l.lower)
                && toks[b + 1].lower.as_str() != "who"
            {
                titles.push(
                    title_norm(&l.text)
                        .map(str::to_string)
                        .unwrap_or(l.lower.clone()),
                );
            }
        }
    }
    let gender = titles.iter().find_map(|t| gender_of_title(t));
    let start = toks[i].start;
    let end = toks[j - 1].end;
    let in_quote = quotes.iter().any(|&(s, e)| start >= s && end <= e);
    let place_like = titles.is_empty()
        && a > 0
        && toks[a - 1].kind == TokKind::Word
        && matches!(
            toks[a - 1].lower.as_str(),
            "the" | "in" | "at" | "across" | "throughout" | "into"
        );
    Some(Mention {
        start,
        end,
        text: doc.slice(start, end),
        kind: MentionKind::Name,
        words,
        titles,
        gender,
        plural: false,
        in_quote,
        place_like,
    })
}
