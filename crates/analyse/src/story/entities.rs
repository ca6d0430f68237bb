//! Entities of a story: each article's entities (names merged within the article, see
//! [`crate::entities`]) merged across articles, typed, with their descriptors.
//!
//! Merging across articles, in order:
//! 1. the same name (case-insensitive);
//! 2. **misspellings**: names with the same number of words that differ in one word by one
//!    edit (substitution, insertion, deletion or transposition) of a word of at least four
//!    letters — the rarer form (fewer lineages, then articles) joins the usual one and is
//!    flagged `misspelling`;
//! 3. **partial names**: a name whose words all occur in exactly one longer entity's name
//!    ("Brandt" → "Tomas Brandt"); ambiguous ones ("Rovers" with two clubs) stay apart.
//!
//! **Descriptors** are the titles, roles and appositives next to a name: "Mayor Elena
//! Ristova", "Paul Hendry, Valeport's chief city engineer,", "the ousted mayor, Elena
//! Ristowa". A descriptor is `conflicting` when it carries a modifier that no other article
//! uses for the entity or anywhere in its text, while more articles describe the entity
//! without it.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use super::StoryContext;
use crate::entities::{is_temporal, title_norm, Entities, ORG_HEADS, PERSON_TITLES};
use crate::quotes::{Quote, QuoteAnalyzer};

/// A name variant of an entity and the articles using it.
#[derive(Debug, Clone, Serialize)]
pub struct Variant {
    pub name: String,
    pub articles: Vec<String>,
    /// A one-letter misspelling of the entity's usual name.
    pub misspelling: bool,
}

/// How sources describe an entity: a title, role or appositive, with the lineages using it.
#[derive(Debug, Clone, Serialize)]
pub struct Descriptor {
    /// Lower-cased, leading article removed ("chief city engineer", "mayor").
    pub text: String,
    /// Number of uses.
    pub count: usize,
    pub articles: Vec<String>,
    pub lineages: Vec<String>,
    /// Carries a modifier that no other article uses for this entity, while more articles
    /// describe it without one (a role or status the others do not confirm).
    pub conflicting: bool,
    /// The modifier words behind `conflicting`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unconfirmed: Vec<String>,
}

/// An entity of the story.
#[derive(Debug, Clone, Serialize)]
pub struct StoryEntity {
    pub id: String,
    /// Canonical name: the fullest usual form.
    pub name: String,
    /// `person`, `organisation` or `place`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub variants: Vec<Variant>,
    /// Mentions per article id.
    pub mentions: BTreeMap<String, u32>,
    /// Number of lineages mentioning it.
    pub independent_sources: usize,
    pub descriptors: Vec<Descriptor>,
}

/// One article's quotes and entities, with each entity's story entity.
#[derive(Debug, Clone, Default)]
pub struct ArticleEntities {
    pub quotes: Vec<Quote>,
    pub ents: Entities,
    /// Per article entity (index into `ents.entities`), the story entity (index into
    /// [`StoryEntities::out`]); `usize::MAX` for a capitalised ordinary word.
    pub story_entity: Vec<usize>,
    /// Byte offset of each character of the text (and of its end).
    pub bytes: Vec<usize>,
    /// Per article entity, its name mentions (indices into `ents.mentions`).
    pub by_entity: Vec<Vec<usize>>,
    /// Per name mention: the lower-cased word right before it in the same clause.
    pub before: Vec<Option<String>>,
}

/// The story's entities, and for the other analyses the per-article lookup.
#[derive(Debug, Clone, Default)]
pub struct StoryEntities {
    pub out: Vec<StoryEntity>,
    pub per_article: Vec<ArticleEntities>,
}

impl StoryEntities {
    /// The story entity a name used in article `article` refers to: the article's entity with
    /// that canonical name, else any story entity with that name as a variant.
    pub fn resolve(&self, article: usize, name: &str) -> Option<usize> {
        let lower = name.to_lowercase();
        let a = &self.per_article[article];
        if let Some(ei) = a
            .ents
            .entities
            .iter()
            .position(|e| e.name.to_lowercase() == lower)
        {
            return Some(a.story_entity[ei]).filter(|&k| k != usize::MAX);
        }
        self.out.iter().position(|e| {
            e.name.to_lowercase() == lower
                || e.variants.iter().any(|v| v.name.to_lowercase() == lower)
        })
    }
}

/// Damerau-Levenshtein distance is exactly one.
pub(crate) fn one_edit(a: &str, b: &str) -> bool {
    if a == b || a.len().abs_diff(b.len()) > 4 {
        return false;
    }
    if a.is_ascii() && b.is_ascii() {
        return one_edit_slices(a.as_bytes(), b.as_bytes());
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    one_edit_slices(&a, &b)
}

fn one_edit_slices<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    if a == b || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if a.len() == b.len() {
        // One substitution, or one transposition of neighbours.
        a[p + 1..] == b[p + 1..]
            || (p + 1 < a.len() && a[p] == b[p + 1] && a[p + 1] == b[p] && a[p + 2..] == b[p + 2..])
    } else if a.len() > b.len() {
        a[p + 1..] == b[p..]
    } else {
        b[p + 1..] == a[p..]
    }
}

/// Two names that differ by one edit in one word of at least four letters, or in two words
/// of at least three letters ("Hannah Voss" / "Hanna Vos"); adding or dropping a final "s"
/// (a plural) is not a misspelling.
fn misspelt(a: &[String], b: &[String]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|&k| a[k] != b[k]).collect();
    let min_len = match diff.len() {
        1 => 4,
        2 if a.len() >= 2 => 3,
        _ => return false,
    };
    diff.iter().all(|&k| {
        let (x, y) = (&a[k], &b[k]);
        let plural =
            a.len() == 1 && (x.strip_suffix('s') == Some(y) || y.strip_suffix('s') == Some(x));
        !plural && x.chars().count().min(y.chars().count()) >= min_len && one_edit(x, y)
    })
}

/// Role nouns besides the titles of [`crate::entities`] that head a descriptor.
const ROLE_NOUNS: &[&str] = &[
    "leader",
    "manager",
    "captain",
    "skipper",
    "boss",
    "chair",
    "executive",
    "striker",
    "goalkeeper",
    "keeper",
    "substitute",
    "referee",
    "scorer",
    "replacement",
    "winger",
    "defender",
    "midfielder",
    "official",
    "owner",
    "head",
    "spokesperson",
    "worker",
    "resident",
    "witness",
    "expert",
    "scientist",
    "researcher",
    "student",
    "teacher",
    "doctor",
    "nurse",
    "economist",
    "prosecutor",
    "chairperson",
    "ceo",
    "president",
    "secretary",
    "member",
    "councillor",
    "counsel",
    "founder",
    "partner",
    "adviser",
    "advisor",
    "aide",
    "correspondent",
    "reporter",
    "editor",
    "commander",
    "driver",
    "pilot",
    "victim",
    "suspect",
    "candidate",
];

/// A word that can head a descriptor: a title or a role noun.
fn is_role(word: &str) -> bool {
    let lower = word.to_lowercase();
    title_norm(&lower).is_some() || ROLE_NOUNS.contains(&lower.as_str())
}

/// Last words of place names.
const PLACE_HEADS: &[&str] = &[
    "county",
    "state",
    "city",
    "street",
    "avenue",
    "road",
    "republic",
    "kingdom",
    "island",
    "islands",
    "square",
    "park",
    "valley",
    "beach",
    "region",
    "province",
    "district",
    "river",
    "hills",
    "hill",
    "bridge",
    "lake",
    "mountain",
    "mountains",
    "bay",
    "harbour",
    "harbor",
    "coast",
    "cross",
    "town",
    "village",
    "port",
    "brook",
    "creek",
    "estate",
];

/// Last words of organisation names besides those of [`crate::entities`].
const ORG_EXTRA: &[&str] = &[
    "cup",
    "league",
    "works",
    "democrats",
    "republicans",
    "united",
    "athletic",
    "rovers",
    "fc",
    "ltd",
    "plc",
    "authority",
    "terminal",
    "stadium",
    "cross",
    "brigade",
    "rescue",
];

/// Prepositions (never part of a descriptor).
const PREPOSITIONS: &[&str] = &[
    "across", "past", "beyond", "against", "over", "under", "after", "before", "behind", "with",
    "without", "toward", "towards", "into", "onto", "from", "by", "for", "of", "to", "through",
    "between", "among", "about", "around", "inside", "outside", "near", "at", "in", "on",
];

/// Prepositions that introduce places.
const PLACE_PREPS: &[&str] = &[
    "in", "at", "near", "from", "to", "across", "outside", "inside", "around", "into", "over",
];

struct Group {
    /// Lower-cased words of the usual name.
    words: Vec<String>,
    /// Member (article, article entity) pairs.
    members: Vec<(usize, usize)>,
    /// Variants: lower-cased key → (surface, misspelling).
    variants: BTreeMap<String, (String, bool)>,
    alive: bool,
}

/// Find and merge the entities of a story.
pub fn story_entities(ctx: &StoryContext) -> StoryEntities {
    let analyzer = QuoteAnalyzer::default_ref();
    // Exact copies have the same text: analyse each distinct text once.
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut per_article: Vec<ArticleEntities> = Vec::with_capacity(ctx.articles.len());
    for (i, a) in ctx.articles.iter().enumerate() {
        if let Some(&j) = seen.get(a.text) {
            let copy = per_article[j].clone();
            per_article.push(copy);
            continue;
        }
        seen.insert(a.text, i);
        let (quotes, ents) = analyzer.analyze_with_entities(a.text);
        let n = ents.entities.len();
        let bytes: Vec<usize> = a
            .text
            .char_indices()
            .map(|(b, _)| b)
            .chain([a.text.len()])
            .collect();
        let mut by_entity = vec![Vec::new(); n];
        for (mi, &ei) in ents.entity_of.iter().enumerate() {
            by_entity[ei].push(mi);
        }
        let before = ents
            .mentions
            .iter()
            .map(|m| word_before(a.text, bytes[m.start.min(bytes.len() - 1)]))
            .collect();
        per_article.push(ArticleEntities {
            quotes,
            ents,
            story_entity: vec![usize::MAX; n],
            bytes,
            by_entity,
            before,
        });
    }

    // Words the story uses in lower case: a capitalised one of them is an ordinary word that
    // opens a sentence ("Passengers", "Extra"), not a name.
    let lower: HashSet<String> = ctx
        .articles
        .iter()
        .flat_map(|a| {
            a.text
                .split(|c: char| !c.is_alphanumeric() && c != '-')
                .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
        })
        .map(str::to_string)
        .collect();
    let ordinary = |w: &str| storyline_text::is_stop_word(w) || lower.contains(w);

    // 1. Same name (leading ordinary words dropped: "Referee Anton Bellamy").
    let mut groups: Vec<Group> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (i, a) in per_article.iter().enumerate() {
        for (ei, e) in a.ents.entities.iter().enumerate() {
            let mut skip = 0;
            while skip + 1 < e.words.len()
                && ordinary(&e.words[skip])
                && !storyline_text::is_stop_word(&e.words[skip + 1])
            {
                skip += 1;
            }
            let words: Vec<String> = e.words[skip..].to_vec();
            if words
                .iter()
                .all(|w| ordinary(w) || is_temporal(w) || is_temporal(w.trim_end_matches('s')))
                || words.iter().any(|w| w.contains('\'') || w.contains('’'))
            {
                continue;
            }
            let key = words.join(" ");
            let surface: Vec<&str> = e.name.split(' ').collect();
            let surface = if surface.len() == e.words.len() {
                surface[skip..].join(" ")
            } else {
                e.name.clone()
            };
            let g = *by_key.entry(key.clone()).or_insert_with(|| {
                groups.push(Group {
                    words: words.clone(),
                    members: Vec::new(),
                    variants: BTreeMap::new(),
                    alive: true,
                });
                groups.len() - 1
            });
            groups[g].members.push((i, ei));
            groups[g].variants.entry(key).or_insert((surface, false));
        }
    }
    let weight = |g: &Group| {
        let arts: Vec<usize> = g.members.iter().map(|m| m.0).collect();
        let mentions: u32 = g
            .members
            .iter()
            .map(|&(i, ei)| per_article[i].ents.entities[ei].mentions)
            .sum();
        (
            ctx.independent(&arts),
            {
                let mut a = arts.clone();
                a.dedup();
                a.len()
            },
            mentions,
        )
    };
    let absorb = |groups: &mut Vec<Group>, into: usize, from: usize, misspelling: bool| {
        let moved = std::mem::take(&mut groups[from].members);
        let variants = std::mem::take(&mut groups[from].variants);
        groups[from].alive = false;
        groups[into].members.extend(moved);
        for (k, (surface, m)) in variants {
            groups[into]
                .variants
                .entry(k)
                .or_insert((surface, m || misspelling));
        }
    };
    // 2. Misspellings: the rarer form joins the usual one.
    for x in 0..groups.len() {
        for y in x + 1..groups.len() {
            if !(groups[x].alive && groups[y].alive && misspelt(&groups[x].words, &groups[y].words))
            {
                continue;
            }
            let (wx, wy) = (weight(&groups[x]), weight(&groups[y]));
            let (into, from) = if wy > wx { (y, x) } else { (x, y) };
            absorb(&mut groups, into, from, true);
        }
    }
    // Misspelt partial names ("Ristowa" next to "Elena Ristova").
    for x in 0..groups.len() {
        if !groups[x].alive {
            continue;
        }
        let words = groups[x].words.clone();
        let near: Vec<usize> = (0..groups.len())
            .filter(|&y| y != x && groups[y].alive && groups[y].words.len() > words.len())
            .filter(|&y| {
                let w = &groups[y].words;
                words.iter().all(|a| {
                    w.contains(a)
                        || w.iter().any(|b| {
                            a.chars().count().min(b.chars().count()) >= 4 && one_edit(a, b)
                        })
                }) && !words.iter().all(|a| w.contains(a))
                    && words
                        .last()
                        .zip(w.last())
                        .is_some_and(|(a, b)| a == b || one_edit(a, b))
            })
            .collect();
        if near.len() == 1 {
            absorb(&mut groups, near[0], x, true);
        }
    }
    // A first name alone ("Luka") joins the only full name starting with it.
    for x in 0..groups.len() {
        if !groups[x].alive || groups[x].words.len() != 1 {
            continue;
        }
        let w = groups[x].words[0].clone();
        let sup: Vec<usize> = (0..groups.len())
            .filter(|&y| y != x && groups[y].alive && groups[y].words.len() >= 2)
            .filter(|&y| groups[y].words.contains(&w))
            .collect();
        let org_like = |g: &Group| {
            let last = g.words.last().map(String::as_str).unwrap_or("");
            ORG_HEADS.contains(&last) || ORG_EXTRA.contains(&last) || PLACE_HEADS.contains(&last)
        };
        let placed = groups[x].members.iter().any(|&(i, ei)| {
            let a = &per_article[i];
            a.by_entity[ei].iter().any(|&mi| {
                a.before[mi]
                    .as_deref()
                    .is_some_and(|b| PLACE_PREPS.contains(&b))
            })
        });
        if sup.len() == 1 && groups[sup[0]].words[0] == w && !placed && !org_like(&groups[sup[0]]) {
            absorb(&mut groups, sup[0], x, false);
        }
    }
    // 3. Partial names with one candidate.
    for x in 0..groups.len() {
        if !groups[x].alive {
            continue;
        }
        let words = groups[x].words.clone();
        let sup: Vec<usize> = (0..groups.len())
            .filter(|&y| y != x && groups[y].alive && groups[y].words.len() > words.len())
            .filter(|&y| {
                words.iter().all(|w| groups[y].words.contains(w))
                    && groups[y].words.last() == words.last()
            })
            .collect();
        if sup.len() == 1 {
            absorb(&mut groups, sup[0], x, false);
        }
    }

    // Share of each group's mentions right after "in", "at", "near"...; single names seen
    // only at the start of sentences are ordinary words ("Perishable", "Negotiators").
    let mut prep = vec![0.0f32; groups.len()];
    for (g, grp) in groups.iter_mut().enumerate() {
        if !grp.alive {
            continue;
        }
        let (mut after_prep, mut total, mut inside) = (0u32, 0u32, 0u32);
        for &(i, ei) in &grp.members {
            let a = &per_article[i];
            for &mi in &a.by_entity[ei] {
                total += 1;
                let before = &a.before[mi];
                after_prep +=
                    u32::from(before.as_deref().is_some_and(|w| PLACE_PREPS.contains(&w)));
                inside += u32::from(before.is_some());
            }
        }
        prep[g] = after_prep as f32 / total.max(1) as f32;
        if grp.words.len() == 1 && inside == 0 {
            grp.alive = false;
        }
    }

    // Output entities, most widely reported first.
    let mut order: Vec<usize> = (0..groups.len()).filter(|&g| groups[g].alive).collect();
    order.sort_by_key(|&g| {
        let (l, a, m) = weight(&groups[g]);
        (std::cmp::Reverse((l, a, m)), g)
    });
    let mut out: Vec<StoryEntity> = Vec::with_capacity(order.len());
    for (k, &g) in order.iter().enumerate() {
        let grp = &groups[g];
        let mut mentions: BTreeMap<String, u32> = BTreeMap::new();
        let (mut titled, mut gendered) = (false, false);
        for &(i, ei) in &grp.members {
            per_article[i].story_entity[ei] = k;
            let e = &per_article[i].ents.entities[ei];
            *mentions.entry(ctx.articles[i].id.to_string()).or_insert(0) += e.mentions;
            titled |= e.titles.iter().any(|t| PERSON_TITLES.contains(&t.as_str()));
            gendered |= e.gender.is_some();
        }
        let variants: Vec<Variant> = grp
            .variants
            .iter()
            .map(|(key, (surface, misspelling))| {
                let mut arts: Vec<usize> = grp
                    .members
                    .iter()
                    .filter(|&&(i, ei)| {
                        per_article[i].ents.entities[ei]
                            .words
                            .join(" ")
                            .ends_with(key.as_str())
                    })
                    .map(|m| m.0)
                    .collect();
                arts.dedup();
                Variant {
                    name: surface.clone(),
                    articles: ctx.ids(&arts),
                    misspelling: *misspelling,
                }
            })
            .collect();
        // The usual name: the longest variant that is not a misspelling, most used first.
        let name = variants
            .iter()
            .filter(|v| !v.misspelling)
            .max_by_key(|v| (v.name.split(' ').count(), v.articles.len()))
            .or(variants.first())
            .map(|v| v.name.clone())
            .unwrap_or_default();
        let last = grp.words.last().map(String::as_str).unwrap_or("");
        let first = grp.words[0].as_str();
        // A multi-word name opening with a place's name ("Valeport Rovers", "Northfield
        // Athletic") is a club, company or institution named after it.
        let named_after = grp.words.len() >= 2
            && groups.iter().enumerate().any(|(h, o)| {
                h != g && o.alive && o.words.len() == 1 && o.words[0] == first && prep[h] > 0.5
            });
        let kind = if titled {
            "person"
        } else if PLACE_HEADS.contains(&last) {
            "place"
        } else if ORG_HEADS.contains(&last)
            || ORG_EXTRA.contains(&last)
            || named_after
            || (grp.words.len() >= 3 && grp.words.iter().any(|w| w == "of"))
        {
            "organisation"
        } else if gendered {
            "person"
        } else if prep[g] > 0.5 {
            "place"
        } else if grp.words.len() >= 2 {
            "person"
        } else {
            "organisation"
        };
        let mut arts: Vec<usize> = grp.members.iter().map(|m| m.0).collect();
        arts.dedup();
        out.push(StoryEntity {
            id: format!("e{}", k + 1),
            name,
            kind,
            variants,
            independent_sources: ctx.independent(&arts),
            mentions,
            descriptors: Vec::new(),
        });
    }
    let mut ents = StoryEntities { out, per_article };
    descriptors(ctx, &mut ents);
    ents
}

/// The lower-cased word right before byte offset `b` (same clause: only spaces between).
fn word_before(text: &str, b: usize) -> Option<String> {
    let left = text[..b].trim_end_matches(' ');
    if left.len() == b && b > 0 {
        return None;
    }
    let w: String = left
        .chars()
        .rev()
        .take_while(|ch| ch.is_alphanumeric())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    (!w.is_empty()).then(|| w.to_lowercase())
}

/// Words that end a descriptor scan: clause words and verbs of speech.
fn is_boundary(lower: &str) -> bool {
    storyline_text::is_stop_word(lower)
        && !matches!(lower, "former" | "then" | "acting" | "deputy" | "chief")
        || lower.ends_with("ing")
        || matches!(
            lower,
            "said" | "says" | "told" | "added" | "insisted" | "warned" | "according"
        )
}

/// The descriptors of one name mention: (descriptor, is appositive).
/// `s..e` is the mention's byte span.
fn mention_descriptors(text: &str, s: usize, e: usize, name_words: usize) -> Vec<String> {
    let mention = &text[s..e];
    let mut out = Vec::new();
    // Titles inside the mention ("Mayor Elena Ristova" → "mayor").
    let words: Vec<&str> = mention.split_whitespace().collect();
    if words.len() > name_words {
        let pre = &words[..words.len() - name_words];
        let run = pre.iter().rev().take_while(|w| is_role(w)).count();
        if run > 0 {
            out.push(pre[pre.len() - run..].join(" ").to_lowercase());
        }
    }
    // Words right before the mention, same clause: "city engineer Paul Hendry", and the
    // pre-appositive "the ousted mayor, Elena Ristowa".
    let left = &text[..s];
    let (left, comma) = match left.trim_end().strip_suffix(',') {
        Some(l) if left.ends_with(", ") => (l, true),
        _ => (left, false),
    };
    let mut pre: Vec<&str> = Vec::new();
    for w in left.split_whitespace().rev() {
        let possessive = w.ends_with("'s") || w.ends_with("’s");
        let bare = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’');
        if bare.is_empty() || bare.len() != w.len() && !possessive {
            // Punctuation ends the phrase (the word with it belongs to the previous clause).
            break;
        }
        let lower = bare.to_lowercase();
        if is_boundary(&lower) || is_temporal(&lower) || pre.len() >= 4 {
            break;
        }
        // Without a comma the phrase is titles, roles, proper adjectives and possessives
        // ("Valeport's chief city engineer Paul Hendry"); after "the ..., Name" anything.
        let capital = bare.chars().next().is_some_and(char::is_uppercase);
        if !comma && pre.is_empty() && !is_role(&lower) {
            break;
        }
        // Up to two lower-case modifiers right before the head ("union leader", "regional
        // finance minister").
        let modifier = !capital
            && pre.len() <= 2
            && !lower.ends_with("ed")
            && !lower.ends_with("ly")
            && !PREPOSITIONS.contains(&lower.as_str())
            && pre
                .iter()
                .all(|p| p.chars().next().is_some_and(char::is_lowercase));
        if !(comma || is_role(&lower) || capital || possessive || modifier) {
            break;
        }
        pre.push(bare);
        if possessive {
            break;
        }
    }
    pre.reverse();
    if comma {
        // A pre-appositive needs its article: "the ousted mayor, Elena Ristowa".
        let before = left
            .split_whitespace()
            .rev()
            .nth(pre.len())
            .map(str::to_lowercase);
        if !matches!(before.as_deref(), Some("the" | "a" | "an")) {
            pre.clear();
        }
    }
    if pre.last().is_some_and(|h| is_role(h)) {
        out.push(pre.join(" ").to_lowercase());
    }
    // Appositive after the name: "Paul Hendry, Valeport's chief city engineer, told".
    if let Some(rest) = text[e..].strip_prefix(", ") {
        let end = rest.find([',', '.', ';', '(', ')']).unwrap_or(rest.len());
        let chunk = rest[..end].trim();
        let chunk = chunk
            .strip_prefix("the ")
            .or_else(|| chunk.strip_prefix("a "))
            .or_else(|| chunk.strip_prefix("an "))
            .unwrap_or(chunk);
        let ws: Vec<&str> = chunk.split_whitespace().collect();
        if !ws.is_empty()
            && ws.len() <= 6
            && rest[end..].starts_with(',')
            && !ws
                .iter()
                .any(|w| is_boundary(&w.to_lowercase()) && !w.ends_with("'s"))
            && ws.last().is_some_and(|w| is_role(w))
        {
            out.push(chunk.to_lowercase());
        }
    }
    out
}

/// Gather descriptors per entity and flag the unconfirmed ones.
fn descriptors(ctx: &StoryContext, ents: &mut StoryEntities) {
    // (entity, descriptor) → articles (with repeats).
    let mut found: BTreeMap<(usize, String), Vec<usize>> = BTreeMap::new();
    for (i, a) in ents.per_article.iter().enumerate() {
        for (mi, m) in a.ents.mentions.iter().enumerate() {
            if m.in_quote {
                continue;
            }
            let k = a.story_entity[a.ents.entity_of[mi]];
            if k == usize::MAX || ents.out[k].kind != "person" {
                continue;
            }
            let (s, e) = (a.bytes[m.start], a.bytes[m.end]);
            for d in mention_descriptors(ctx.articles[i].text, s, e, m.words.len()) {
                found.entry((k, d)).or_default().push(i);
            }
        }
    }
    let lower_texts: Vec<HashSet<String>> = ctx
        .articles
        .iter()
        .map(|a| {
            a.text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect()
        })
        .collect();
    for ((k, text), uses) in &found {
        let mut arts = uses.clone();
        arts.sort_unstable();
        arts.dedup();
        ents.out[*k].descriptors.push(Descriptor {
            text: text.clone(),
            count: uses.len(),
            articles: ctx.ids(&arts),
            lineages: ctx.lineages(&arts),
            conflicting: false,
            unconfirmed: Vec::new(),
        });
    }
    for e in &mut ents.out {
        // Articles that describe the entity at all, per descriptor.
        let all: Vec<(Vec<String>, Vec<String>)> = e
            .descriptors
            .iter()
            .map(|d| {
                (
                    d.articles.clone(),
                    d.text.split_whitespace().map(str::to_string).collect(),
                )
            })
            .collect();
        for d in &mut e.descriptors {
            let words: Vec<&str> = d.text.split_whitespace().collect();
            if words.len() < 2 {
                continue;
            }
            let mine: HashSet<&String> = d.articles.iter().collect();
            let others: HashSet<&String> = all
                .iter()
                .flat_map(|(a, _)| a.iter())
                .filter(|a| !mine.contains(a))
                .collect();
            if others.len() <= mine.len() {
                continue;
            }
            let other_idx: Vec<usize> = ctx
                .articles
                .iter()
                .enumerate()
                .filter(|(_, a)| others.contains(&a.id.to_string()))
                .map(|(i, _)| i)
                .collect();
            let unconfirmed: Vec<String> = words[..words.len() - 1]
                .iter()
                .filter(|w| {
                    w.chars().all(char::is_alphabetic)
                        && !storyline_text::is_stop_word(w)
                        && !other_idx.iter().any(|&i| lower_texts[i].contains(**w))
                })
                .map(|w| w.to_string())
                .collect();
            if !unconfirmed.is_empty() {
                d.conflicting = true;
                d.unconfirmed = unconfirmed;
            }
        }
        e.descriptors
            .sort_by(|x, y| y.count.cmp(&x.count).then(x.text.cmp(&y.text)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit_cases() {
        assert!(one_edit("ristova", "ristowa"));
        assert!(one_edit("hannah", "hanna"));
        assert!(one_edit("brennan", "brenann"));
        assert!(one_edit("luka", "luca"));
        assert!(one_edit("abcd", "abdc"));
        assert!(!one_edit("keller", "keller"));
        assert!(!one_edit("keller", "kelley2"));
        assert!(!one_edit("smith", "jones"));
    }

    #[test]
    fn descriptors_of_a_mention() {
        let t = "The ousted mayor, Elena Ristowa, said so.";
        let s = t.find("Elena").unwrap();
        let d = mention_descriptors(t, s, s + "Elena Ristowa".len(), 2);
        assert_eq!(d, vec!["ousted mayor".to_string()]);
        let t = "\"Yes,\" Paul Hendry, Valeport's chief city engineer, told reporters.";
        let s = t.find("Paul").unwrap();
        let d = mention_descriptors(t, s, s + "Paul Hendry".len(), 2);
        assert_eq!(d, vec!["valeport's chief city engineer".to_string()]);
        let t = "Mayor Elena Ristova said.";
        let d = mention_descriptors(t, 0, "Mayor Elena Ristova".len(), 2);
        assert_eq!(d, vec!["mayor".to_string()]);
        let t = "On Monday union leader Marta Keller said.";
        let s = t.find("Marta").unwrap();
        let d = mention_descriptors(t, s, s + "Marta Keller".len(), 2);
        assert_eq!(d, vec!["union leader".to_string()]);
    }
}
