//! Extractive summary: sentences chosen for centrality, position and support across
//! independent sources, without redundancy, each citing the articles that carry it.
//!
//! 1. **Candidates** are the sentence units of the story's non-copy articles (a quotation
//!    running over several sentences is one unit) that read as prose: 6 to 80 words, ending
//!    like a sentence, not starting in lower case, no half quotation, not title-cased or
//!    shouting (headlines, captions, menus), no URLs, e-mail addresses or `|` (site chrome).
//! 2. Each is a TF-IDF vector of its content stems. Its **score** blends
//!    - *centrality*: cosine to the story centroid, restricted to the centroid's heaviest
//!      terms;
//!    - *support*: for every other lineage, the best cosine of one of its sentences to this
//!      one, summed and divided by the number of other lineages (a graph centrality across
//!      independent sources, so a statement several sources carry scores higher than one
//!      only one source makes);
//!    - *position*: news puts the main facts first, so the k-th prose unit of an article
//!      gets a prior that decays with k; the lead of the earliest dated report (it states
//!      the event) gets a bonus;
//!    - a unit opening with a pronoun that points back ("It", "He", "They" ...) loses a
//!      share of its score: out of its article it reads badly.
//! 3. Units are picked greedily by **maximal marginal relevance** (score minus the largest
//!    similarity to a unit already picked) until the word budget is spent (the last one may
//!    overshoot it by a fifth); a near-duplicate of a picked unit is never picked.
//! 4. Picked units are **ordered** by their relative position in their article (leads
//!    first), then by article publication.
//! 5. A picked unit **cites** its article, every article with a unit stating the same thing
//!    (cosine ≥ [`SAME_STATEMENT`]), every article the provenance stage aligned to it (a
//!    rewrite of it, or the source it rewrites), and the copies of all of these.
//!
//! Tuned on Multi-News dev (`eval/summary.py`, `eval/README.md`).

use std::collections::HashMap;

use serde::Serialize;
use storyline_align::Sent;

use super::facts::numbers_conflict;
use super::StoryContext;

/// One summary sentence and the articles that carry it.
#[derive(Debug, Clone, Serialize)]
pub struct SummarySentence {
    pub text: String,
    /// Ids of the articles carrying this sentence (or a close variant of it).
    pub sources: Vec<String>,
    /// Number of lineages among `sources`.
    pub independent_sources: usize,
}

/// Weight of the relevance in maximal marginal relevance (1 − it weighs redundancy).
const MMR_LAMBDA: f32 = 0.3;
/// Cosine at which another article's sentence states the same thing.
const SAME_STATEMENT: f32 = 0.6;
/// Cosine above which a candidate repeats a picked sentence and is skipped.
const DUPLICATE: f32 = 0.8;
/// Shortest candidate sentence, in words.
const MIN_WORDS: usize = 6;
/// Longest candidate sentence, in words (longer: a list or a run-on of page text).
const MAX_WORDS: usize = 80;
/// Heaviest centroid terms kept.
const CENTROID_TERMS: usize = 40;
/// Weights of centrality, support and position in the score.
const W_CENTRAL: f32 = 1.0;
const W_SUPPORT: f32 = 1.0;
const W_POSITION: f32 = 0.5;
/// Position prior: 1 / (1 + k / POSITION_SCALE) for the k-th prose sentence of an article.
const POSITION_SCALE: f32 = 12.0;
/// Bonus of the lead of the earliest dated report.
const W_FIRST: f32 = 0.3;
/// Share of its score a sentence opening with a backward-pointing pronoun loses.
const PRONOUN_PENALTY: f32 = 0.2;
/// At most this many prose sentences of each article are candidates (bounds the work on
/// long articles; summaries come from the front).
const MAX_PER_ARTICLE: usize = 60;

/// A sparse unit vector over interned stems, sorted by stem id.
type Vector = Vec<(u32, f32)>;

fn cos(a: &Vector, b: &Vector) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

fn normalise(v: &mut Vector) {
    let norm = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| x.1 /= norm);
    }
}

struct Interner(HashMap<String, u32>);

impl Interner {
    fn vector(&mut self, ctx: &StoryContext, stems: &[String]) -> Vector {
        let mut m: HashMap<u32, f32> = HashMap::new();
        for s in stems {
            let n = self.0.len() as u32;
            let id = *self.0.entry(s.clone()).or_insert(n);
            *m.entry(id).or_insert(0.0) += ctx.idf.weight(s);
        }
        let mut v: Vector = m.into_iter().collect();
        v.sort_unstable_by_key(|x| x.0);
        normalise(&mut v);
        v
    }
}

/// Does this sentence read as prose rather than page furniture (headline, caption, byline,
/// menu, link)? Structural signals only.
fn is_prose(t: &str, n: usize) -> bool {
    if !(MIN_WORDS..=MAX_WORDS).contains(&n) {
        return false;
    }
    let t = t.trim_end();
    let ends = t
        .trim_end_matches(['"', '”', '’', '\'', ')'])
        .ends_with(['.', '!', '?']);
    if !ends {
        return false;
    }
    // A fragment: starts in lower case, or holds half a quotation.
    if t.chars().next().is_some_and(char::is_lowercase) || unbalanced(t) {
        return false;
    }
    if t.contains("http") || t.contains("www.") || t.contains('@') || t.contains(" | ") {
        return false;
    }
    // Title case or capitals: most words start with a capital letter.
    let words: Vec<&str> = t.split_whitespace().collect();
    let caps = words
        .iter()
        .filter(|w| {
            w.chars()
                .find(|c| c.is_alphabetic())
                .is_some_and(char::is_uppercase)
        })
        .count();
    let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    caps * 10 < words.len() * 6 && upper * 2 < letters.len()
}

/// A quotation opened and not closed, or closed and not opened.
fn unbalanced(t: &str) -> bool {
    t.matches('"').count() % 2 == 1 || t.matches('“').count() != t.matches('”').count()
}

/// Most sentences a quotation spanning several sentences is joined over.
const MAX_UNIT: usize = 4;

/// Units of an article: its sentences, except that a quotation running over several
/// sentences is one unit (so no picked sentence opens or closes a quote it does not hold).
fn units(text: &str, sents: &[Sent]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = 0;
    while s < sents.len() {
        let mut e = s;
        while unbalanced(&text[sents[s].start..sents[e].end])
            && e + 1 < sents.len()
            && e + 1 - s < MAX_UNIT
        {
            e += 1;
        }
        if unbalanced(&text[sents[s].start..sents[e].end]) {
            e = s;
        }
        out.push((s, e));
        s = e + 1;
    }
    out
}

struct Cand {
    article: usize,
    sent: usize,
    /// Last sentence of the unit (a quotation may run over several).
    last: usize,
    /// Rank among the article's prose sentences.
    rank: usize,
    /// Number of prose sentences of the article.
    of: usize,
    vec: Vector,
    words: usize,
}

/// Summarise the story in about `words` words.
pub fn summarize(ctx: &StoryContext, words: usize) -> Vec<SummarySentence> {
    let mut interner = Interner(HashMap::new());
    let mut cands: Vec<Cand> = Vec::new();
    for (i, a) in ctx.articles.iter().enumerate() {
        if a.is_copy() {
            continue;
        }
        let first = cands.len();
        let sents = &ctx.docs[i].sents;
        let text = ctx.articles[i].text;
        for (s, e) in units(text, sents) {
            if cands.len() - first >= MAX_PER_ARTICLE {
                break;
            }
            let unit = &sents[s..=e];
            let n: usize = unit.iter().map(|x| x.words.len()).sum();
            if !is_prose(&text[sents[s].start..sents[e].end], n) {
                continue;
            }
            let stems: Vec<String> = unit.iter().flat_map(|x| x.stems.iter().cloned()).collect();
            let vec = interner.vector(ctx, &stems);
            if vec.is_empty() {
                continue;
            }
            cands.push(Cand {
                article: i,
                sent: s,
                last: e,
                rank: cands.len() - first,
                of: 0,
                vec,
                words: n,
            });
        }
        let of = cands.len() - first;
        cands[first..].iter_mut().for_each(|c| c.of = of);
    }
    if cands.is_empty() || words == 0 {
        return Vec::new();
    }

    // Centrality: cosine to the centroid's heaviest terms.
    let mut centroid: HashMap<u32, f32> = HashMap::new();
    for c in &cands {
        for &(k, x) in &c.vec {
            *centroid.entry(k).or_insert(0.0) += x;
        }
    }
    let mut centroid: Vector = centroid.into_iter().collect();
    centroid.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    centroid.truncate(CENTROID_TERMS);
    centroid.sort_unstable_by_key(|x| x.0);
    normalise(&mut centroid);
    let central: Vec<f32> = cands.iter().map(|c| cos(&c.vec, &centroid)).collect();

    // Support: best match in each other lineage.
    let lineage_of = |c: &Cand| ctx.articles[c.article].lineage.as_str();
    let mut lineages: Vec<&str> = cands.iter().map(lineage_of).collect();
    lineages.sort_unstable();
    lineages.dedup();
    let support: Vec<f32> = if lineages.len() < 2 {
        vec![0.0; cands.len()]
    } else {
        let mut best = vec![vec![0.0f32; lineages.len()]; cands.len()];
        for x in 0..cands.len() {
            for y in x + 1..cands.len() {
                let (lx, ly) = (lineage_of(&cands[x]), lineage_of(&cands[y]));
                if lx == ly {
                    continue;
                }
                let c = cos(&cands[x].vec, &cands[y].vec);
                let (kx, ky) = (
                    lineages.binary_search(&lx).unwrap_or(0),
                    lineages.binary_search(&ly).unwrap_or(0),
                );
                best[x][ky] = best[x][ky].max(c);
                best[y][kx] = best[y][kx].max(c);
            }
        }
        let others = (lineages.len() - 1) as f32;
        best.iter()
            .map(|b| b.iter().sum::<f32>() / others)
            .collect()
    };

    // The earliest report (when dates are known) states the event: its lead gets a bonus.
    let first_report = (0..ctx.articles.len())
        .filter(|&i| !ctx.articles[i].is_copy())
        .filter_map(|i| ctx.articles[i].published.map(|t| (t, i)))
        .min()
        .map(|x| x.1);
    let score: Vec<f32> = (0..cands.len())
        .map(|c| {
            let cd = &cands[c];
            let position = 1.0 / (1.0 + cd.rank as f32 / POSITION_SCALE);
            let mut x = W_CENTRAL * central[c] + W_SUPPORT * support[c] + W_POSITION * position;
            if cd.rank == 0 && Some(cd.article) == first_report {
                x += W_FIRST;
            }
            if starts_with_pronoun(unit_text(ctx, cd)) {
                x *= 1.0 - PRONOUN_PENALTY;
            }
            x
        })
        .collect();

    let mut picked: Vec<usize> = Vec::new();
    let mut redundancy = vec![0.0f32; cands.len()];
    let mut used = 0usize;
    // A last sentence may overshoot the budget by a fifth of it.
    let limit = words + words.div_ceil(5);
    while used < words {
        let best = (0..cands.len())
            .filter(|&c| {
                !picked.contains(&c)
                    && redundancy[c] < DUPLICATE
                    && (picked.is_empty() || used + cands[c].words <= limit)
            })
            .map(|c| {
                (
                    c,
                    MMR_LAMBDA * score[c] - (1.0 - MMR_LAMBDA) * redundancy[c],
                )
            })
            .max_by(|x, y| x.1.total_cmp(&y.1).then(y.0.cmp(&x.0)));
        let Some((p, _)) = best else { break };
        used += cands[p].words;
        picked.push(p);
        for (c, r) in redundancy.iter_mut().enumerate() {
            *r = r.max(cos(&cands[c].vec, &cands[p].vec));
        }
    }

    // Leads first: relative position in the article, then article order.
    let published = |i: usize| ctx.articles[i].published.unwrap_or(i64::MAX);
    picked.sort_by(|&x, &y| {
        let (a, b) = (&cands[x], &cands[y]);
        let (ra, rb) = (
            a.rank as f32 / a.of.max(1) as f32,
            b.rank as f32 / b.of.max(1) as f32,
        );
        ra.total_cmp(&rb)
            .then(published(a.article).cmp(&published(b.article)))
            .then(a.article.cmp(&b.article))
    });

    picked
        .into_iter()
        .map(|p| {
            let sources = carriers(ctx, &cands, p);
            SummarySentence {
                text: unit_text(ctx, &cands[p]).to_string(),
                independent_sources: ctx.independent(&sources),
                sources: ctx.ids(&sources),
            }
        })
        .collect()
}

/// Does the text open with a pronoun that points back to an earlier sentence?
fn starts_with_pronoun(t: &str) -> bool {
    let w: String = t
        .split_whitespace()
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_alphabetic())
        .collect();
    matches!(
        w.as_str(),
        "It" | "He"
            | "She"
            | "They"
            | "This"
            | "These"
            | "That"
            | "Those"
            | "His"
            | "Her"
            | "Its"
            | "Their"
    )
}

fn unit_text<'a>(ctx: &StoryContext<'a>, c: &Cand) -> &'a str {
    let sents = &ctx.docs[c.article].sents;
    &ctx.articles[c.article].text[sents[c.sent].start..sents[c.last].end]
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Articles carrying candidate `p` (indices, sorted): its own, those with a sentence stating
/// the same thing, those aligned to it by the provenance stage, and copies of all of them.
fn carriers(ctx: &StoryContext, cands: &[Cand], p: usize) -> Vec<usize> {
    let i = cands[p].article;
    let sents = &ctx.docs[i].sents;
    let span = (sents[cands[p].sent].start, sents[cands[p].last].end);
    let mut carry = vec![false; ctx.articles.len()];
    carry[i] = true;
    for c in cands {
        if !carry[c.article] && cos(&c.vec, &cands[p].vec) >= SAME_STATEMENT {
            carry[c.article] = true;
        }
    }
    // An aligned sentence that changed a number ("14 people" → "41 people") does not carry
    // the statement.
    let sent_at = |k: usize, start: usize| ctx.docs[k].sents.iter().find(|s| s.start == start);
    let conflicts = |k: usize, start: usize| {
        sent_at(k, start).is_some_and(|other| {
            sents[cands[p].sent..=cands[p].last]
                .iter()
                .any(|mine| numbers_conflict(mine, other))
        })
    };
    for a in ctx.aligned {
        if a.source == i && overlaps(a.source_span, span) && !conflicts(a.article, a.span.0) {
            carry[a.article] = true;
        }
        if a.article == i && overlaps(a.span, span) && !conflicts(a.source, a.source_span.0) {
            carry[a.source] = true;
        }
    }
    // Copies of carriers carry it too (copies of copies: repeat until nothing changes).
    loop {
        let mut changed = false;
        for (j, a) in ctx.articles.iter().enumerate() {
            if !carry[j] && a.is_copy() && a.derives_from.is_some_and(|f| carry[f]) {
                carry[j] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    (0..carry.len()).filter(|&j| carry[j]).collect()
}

#[cfg(test)]
mod tests {
    use super::super::{AlignedSentences, StoryArticle};
    use super::*;

    fn article<'a>(id: &'a str, text: &'a str, lineage: &str) -> StoryArticle<'a> {
        StoryArticle {
            id,
            title: None,
            text,
            published: None,
            lineage: lineage.to_string(),
            derives_from: None,
            derivation: None,
        }
    }

    fn words_of(summary: &[SummarySentence]) -> usize {
        summary
            .iter()
            .map(|s| s.text.split_whitespace().count())
            .sum()
    }

    const A: &str =
        "The council approved a new budget for the city on Wednesday evening after a long debate. \
        The budget includes a rise in property tax of three percent for every household. \
        Libraries will close on Mondays from April to save money for road repairs. \
        The mayor said the city had no other choice given the cuts in regional grants. \
        Opposition members walked out of the chamber before the final vote was taken.";
    const B: &str =
        "The council approved a new budget for the city on Wednesday evening after a long debate. \
        Residents protested outside the town hall against the closure of libraries on Mondays. \
        Road repairs will get a new fund worth twenty million euros over the next two years.";

    #[test]
    fn empty_story_gives_empty_summary() {
        let arts: Vec<StoryArticle> = Vec::new();
        let ctx = StoryContext::new(&arts, &[]);
        assert!(summarize(&ctx, 100).is_empty());
        let arts = vec![article("a", "", "1")];
        let ctx = StoryContext::new(&arts, &[]);
        assert!(summarize(&ctx, 100).is_empty());
        let arts = vec![article("a", A, "1")];
        let ctx = StoryContext::new(&arts, &[]);
        assert!(summarize(&ctx, 0).is_empty());
    }

    #[test]
    fn shared_sentence_picked_once_and_cites_both() {
        let arts = vec![article("a", A, "1"), article("b", B, "2")];
        let ctx = StoryContext::new(&arts, &[]);
        let summary = summarize(&ctx, 200);
        let lead: Vec<&SummarySentence> = summary
            .iter()
            .filter(|s| s.text.starts_with("The council approved"))
            .collect();
        assert_eq!(lead.len(), 1, "{summary:?}");
        assert_eq!(lead[0].sources, vec!["a", "b"]);
        assert_eq!(lead[0].independent_sources, 2);
        // Backed by two independent sources and first in both: it leads the summary.
        assert!(summary[0].text.starts_with("The council approved"));
    }

    #[test]
    fn word_budget_respected() {
        let arts = vec![article("a", A, "1"), article("b", B, "2")];
        let ctx = StoryContext::new(&arts, &[]);
        for budget in [30, 60, 100] {
            let summary = summarize(&ctx, budget);
            let n = words_of(&summary);
            assert!(n >= budget - 20, "{budget}: {n} words");
            assert!(n <= budget + budget.div_ceil(5), "{budget}: {n} words");
        }
        // A budget shorter than any sentence still gives one sentence.
        assert_eq!(summarize(&ctx, 5).len(), 1);
        // A budget larger than the story takes every sentence once.
        let all = summarize(&ctx, 10_000);
        assert_eq!(all.len(), 7, "{all:?}");
    }

    #[test]
    fn cites_rewrites_aligned_by_provenance_and_copies() {
        let src =
            "Firefighters battled a wildfire in the hills north of the town on Tuesday night. \
            Two villages were evacuated as strong winds pushed the flames towards the coast road.";
        let rewrite = "Blazes raged across the northern hills through Tuesday night, crews said. \
            Strong gusts drove the fire at the coastal highway, so two hamlets were emptied.";
        let mut arts = vec![
            article("src", src, "1"),
            article("rw", rewrite, "1"),
            article("copy", rewrite, "1"),
        ];
        arts[1].derives_from = Some(0);
        arts[1].derivation = Some("rewrite");
        arts[2].derives_from = Some(1);
        arts[2].derivation = Some("exact");
        let second = |t: &str| {
            let at = t.find(". ").unwrap() + 2;
            (at, t.len())
        };
        let aligned = vec![AlignedSentences {
            article: 1,
            source: 0,
            span: second(rewrite),
            source_span: second(src),
            kind: "reworded",
        }];
        let ctx = StoryContext::new(&arts, &aligned);
        let summary = summarize(&ctx, 1000);
        let evac = summary
            .iter()
            .find(|s| s.text.starts_with("Two villages"))
            .expect("the evacuation sentence is picked");
        assert_eq!(evac.sources, vec!["src", "rw", "copy"]);
        assert_eq!(evac.independent_sources, 1);
        // Copies are not candidates: nothing is taken from "copy".
        assert!(summary.iter().all(
            |s| s.sources.contains(&"rw".to_string()) || s.sources.contains(&"src".to_string())
        ));
    }

    #[test]
    fn chrome_and_fragments_are_not_candidates() {
        let text = "Photo Gallery: The Best Pictures Of The Storm Damage Across The Region\n\n\
            Follow us at https://example.org/news for more updates on the storm tonight.\n\n\
            A storm brought down trees and power lines across the region on Sunday night. \
            \"We have never seen anything like it. The whole street was flooded,\" said one resident.\n\n\
            and then the water came in through the doors of the houses on the street.";
        let arts = vec![article("a", text, "1")];
        let ctx = StoryContext::new(&arts, &[]);
        let summary = summarize(&ctx, 1000);
        let texts: Vec<&str> = summary.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "A storm brought down trees and power lines across the region on Sunday night.",
                "\"We have never seen anything like it. The whole street was flooded,\" said one resident.",
            ]
        );
    }
}
