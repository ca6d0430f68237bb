//! Facts: sentences carrying checkable content — numbers with their unit, dates and weekdays,
//! named actors — clustered across a story's articles, with the independent sources (lineages)
//! stating each.
//!
//! Clustering is leader-style in publication order: a sentence joins the fact of the most
//! similar earlier sentence of another article when the MRPC-fitted sentence-pair model (see
//! `storyline-align`) calls them the same statement (probability ≥ 0.5), or when the
//! provenance stage aligned them; never when they give a different number for the same unit
//! (that is a disagreement, see [`super::disagree`]). Exact and near copies state what their
//! original states. Candidates are compared only when they share a rare stem, a name or a
//! number.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use storyline_align::{features, PairModel, Sent};

use super::entities::StoryEntities;
use super::StoryContext;
use crate::entities::is_temporal;

/// A fact and the sources stating it.
#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    pub id: String,
    /// The statement as the earliest article words it.
    pub text: String,
    /// Articles stating it (copies included), in publication order.
    pub articles: Vec<String>,
    /// Their lineages.
    pub lineages: Vec<String>,
    pub independent_sources: usize,
    /// Stated by one independent source only.
    pub single_source: bool,
    /// Numbers with their unit, each with the articles anywhere in the story that state the
    /// same value for the same unit (in this or any other sentence).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub numbers: Vec<FactNumber>,
    /// Weekdays, months and relative days mentioned.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dates: Vec<String>,
    /// Story entities named (ids).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<String>,
}

/// A number of a fact and how widely it is stated.
#[derive(Debug, Clone, Serialize)]
pub struct FactNumber {
    /// "14", "6.4 million".
    pub value: String,
    /// The word it counts ("people", "euros").
    pub unit: String,
    pub articles: Vec<String>,
    pub independent_sources: usize,
}

/// A fact with the sentences behind it (article, sentence index), for the other analyses.
#[derive(Debug, Clone)]
pub struct FactSentences {
    pub members: Vec<(usize, usize)>,
}

/// Multipliers that belong to the number, not the unit.
const MULTIPLIERS: &[&str] = &[
    "million", "billion", "thousand", "hundred", "trillion", "bn", "m",
];

/// A number and the word it counts: ("14", "people"), ("6.4 million", "euros").
pub fn quantities(s: &Sent) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let w = &s.words;
    for k in 0..w.len() {
        if !s.numbers.contains(&w[k]) || w[k].contains(':') {
            continue;
        }
        // "route 14", "Monday 3": a number after a capitalised-name-like word is an id.
        let mut value = w[k].clone();
        let mut j = k + 1;
        while j < w.len() && MULTIPLIERS.contains(&w[j].as_str()) {
            value.push(' ');
            value.push_str(&w[j]);
            j += 1;
        }
        // Skip "of the" ("two of the injured").
        while j < w.len() && matches!(w[j].as_str(), "of" | "the" | "more" | "other" | "extra") {
            j += 1;
        }
        // A year is a date, not a count.
        let year = value.len() == 4
            && value
                .parse::<u32>()
                .is_ok_and(|y| (1800..2200).contains(&y));
        if let Some(unit) = w.get(j).filter(|_| !year) {
            if unit.chars().all(char::is_alphabetic)
                && !storyline_text::is_stop_word(unit)
                && !unit.ends_with("ly")
                && !unit.ends_with("ed")
            {
                out.push((value, unit.clone()));
            }
        }
    }
    out
}

/// Temporal words of a sentence.
pub fn dates(s: &Sent) -> Vec<String> {
    let mut d: Vec<String> = s.words.iter().filter(|w| is_temporal(w)).cloned().collect();
    d.dedup();
    d
}

/// Worth a fact: a number with a unit, a date, or a name in a sentence of some length;
/// not mainly a quotation.
pub fn checkable(s: &Sent) -> bool {
    s.quoted <= 0.5
        && s.words.len() >= 5
        && (!quantities(s).is_empty() || !dates(s).is_empty() || !s.names.is_empty())
}

/// Two sentences give different values for the same unit.
pub fn numbers_conflict(a: &Sent, b: &Sent) -> bool {
    let (qa, qb) = (quantities(a), quantities(b));
    qa.iter().any(|(va, ua)| {
        qb.iter().any(|(vb, ub)| ua == ub && va != vb)
            && !qb.iter().any(|(vb, ub)| ua == ub && va == vb)
    })
}

/// Rare keys of a sentence: numbers, and names and stems found in under a fifth of the
/// story's sentences (names are stemmed like any word).
pub fn rare_keys(ctx: &StoryContext, s: &Sent, min_idf: f32) -> HashSet<String> {
    s.numbers
        .iter()
        .cloned()
        .chain(
            s.stems
                .iter()
                .filter(|t| ctx.idf.weight(t) >= min_idf)
                .cloned(),
        )
        .collect()
}

/// The story's facts, and the sentences behind each (same order).
pub fn story_facts(ctx: &StoryContext, ents: &StoryEntities) -> (Vec<Fact>, Vec<FactSentences>) {
    let model = PairModel::default_for(false);
    // Rare keys of a sentence: names, numbers, and stems in under a fifth of the sentences.
    let min_idf = ctx.idf.weight_of_df(ctx.idf.docs() as f32 / 5.0);
    let keys = |s: &Sent| -> HashSet<String> { rare_keys(ctx, s, min_idf) };
    // Sentences the provenance stage aligned: (article, byte start) ↔ (source, byte start).
    let mut aligned: HashMap<(usize, usize), (usize, usize)> = HashMap::new();
    for p in ctx.aligned {
        aligned.insert((p.article, p.span.0), (p.source, p.source_span.0));
    }
    let sent_at = |i: usize, start: usize| ctx.docs[i].sents.iter().position(|s| s.start == start);

    let mut facts: Vec<FactSentences> = Vec::new();
    let mut fact_of: HashMap<(usize, usize), usize> = HashMap::new();
    let mut index: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    for (i, a) in ctx.articles.iter().enumerate() {
        if a.is_copy() {
            continue;
        }
        for (si, s) in ctx.docs[i].sents.iter().enumerate() {
            if !checkable(s) {
                continue;
            }
            let ks = keys(s);
            // Aligned by provenance first.
            let mut join = aligned
                .get(&(i, s.start))
                .and_then(|&(src, start)| sent_at(src, start).map(|t| (src, t)))
                .filter(|&(src, t)| !numbers_conflict(&ctx.docs[src].sents[t], s))
                .and_then(|k| fact_of.get(&k).copied());
            if join.is_none() {
                let mut shared: HashMap<(usize, usize), u32> = HashMap::new();
                for k in &ks {
                    for &c in index.get(k).map(Vec::as_slice).unwrap_or(&[]) {
                        if c.0 != i {
                            *shared.entry(c).or_insert(0) += 1;
                        }
                    }
                }
                // The candidates sharing the most keys (at most eight) go to the model.
                let mut ranked: Vec<((usize, usize), u32)> =
                    shared.into_iter().filter(|&(_, n)| n >= 2).collect();
                ranked.sort_unstable_by_key(|&(c, n)| (std::cmp::Reverse(n), c));
                ranked.truncate(8);
                let mut best: Option<(f32, usize)> = None;
                for ((j, t), _) in ranked {
                    let other = &ctx.docs[j].sents[t];
                    if numbers_conflict(other, s) {
                        continue;
                    }
                    let p = model.probability(&features(other, s, &ctx.idf, None));
                    if p >= 0.5 && best.is_none_or(|(bp, _)| p > bp) {
                        best = Some((p, fact_of[&(j, t)]));
                    }
                }
                join = best.map(|b| b.1);
            }
            let f = match join {
                // One sentence per article per fact.
                Some(f) if !facts[f].members.iter().any(|m| m.0 == i) => f,
                _ => {
                    facts.push(FactSentences {
                        members: Vec::new(),
                    });
                    facts.len() - 1
                }
            };
            facts[f].members.push((i, si));
            fact_of.insert((i, si), f);
            for k in ks {
                index.entry(k).or_default().push((i, si));
            }
        }
    }
    // Copies state what their original states.
    for (i, a) in ctx.articles.iter().enumerate() {
        if let (true, Some(o)) = (a.is_copy(), a.derives_from) {
            for f in facts.iter_mut() {
                if let Some(&(_, si)) = f.members.iter().find(|m| m.0 == o) {
                    f.members.push((i, si));
                }
            }
        }
    }
    // Every (value, unit) stated anywhere, by which articles.
    let mut stated: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (i, d) in ctx.docs.iter().enumerate() {
        for s in &d.sents {
            for q in quantities(s) {
                stated.entry(q).or_default().push(i);
            }
        }
    }
    let out: Vec<Fact> = facts
        .iter()
        .map(|f| {
            let mut arts: Vec<usize> = f.members.iter().map(|m| m.0).collect();
            arts.sort_unstable();
            arts.dedup();
            let (i, si) = f.members[0];
            let s = &ctx.docs[i].sents[si];
            let mut entities: Vec<String> = Vec::new();
            let a = &ents.per_article[i];
            let text = ctx.articles[i].text;
            let (start_c, end_c) = (
                text[..s.start].chars().count(),
                text[..s.end].chars().count(),
            );
            for (mi, m) in a.ents.mentions.iter().enumerate() {
                if m.start >= start_c && m.end <= end_c {
                    let k = a.story_entity[a.ents.entity_of[mi]];
                    if k != usize::MAX && !entities.contains(&ents.out[k].id) {
                        entities.push(ents.out[k].id.clone());
                    }
                }
            }
            let independent = ctx.independent(&arts);
            Fact {
                id: String::new(),
                text: ctx.sentence(i, si).to_string(),
                articles: ctx.ids(&arts),
                lineages: ctx.lineages(&arts),
                independent_sources: independent,
                single_source: independent == 1,
                numbers: quantities(s)
                    .into_iter()
                    .map(|(value, unit)| {
                        let mut arts: Vec<usize> = stated
                            .get(&(value.clone(), unit.clone()))
                            .cloned()
                            .unwrap_or_default();
                        arts.sort_unstable();
                        arts.dedup();
                        FactNumber {
                            articles: ctx.ids(&arts),
                            independent_sources: ctx.independent(&arts),
                            value,
                            unit,
                        }
                    })
                    .collect(),
                dates: dates(s),
                entities,
            }
        })
        .collect();
    // Best-backed first, then story order.
    let mut order: Vec<usize> = (0..out.len()).collect();
    order.sort_by_key(|&f| (std::cmp::Reverse(out[f].independent_sources), f));
    let mut facts_out = Vec::with_capacity(order.len());
    let mut sents_out = Vec::with_capacity(order.len());
    for (k, &f) in order.iter().enumerate() {
        let mut x = out[f].clone();
        x.id = format!("f{}", k + 1);
        facts_out.push(x);
        sents_out.push(facts[f].clone());
    }
    (facts_out, sents_out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyline_text::Analyzer;

    fn s(t: &str) -> Sent {
        storyline_align::sent::sent(&Analyzer::for_language(Some("en")), t, 0, t.len())
    }

    #[test]
    fn quantities_with_units() {
        let q = quantities(&s(
            "The collapse injured 14 people and cost 6.4 million euros.",
        ));
        assert_eq!(
            q,
            vec![
                ("14".to_string(), "people".to_string()),
                ("6.4 million".to_string(), "euros".to_string())
            ]
        );
        assert_eq!(
            quantities(&s("Two of the passengers were in a serious condition.")),
            vec![("2".to_string(), "passengers".to_string())]
        );
    }

    #[test]
    fn different_values_of_one_unit_conflict() {
        assert!(numbers_conflict(
            &s("The crash injured 14 people on Monday."),
            &s("The crash left 41 people hurt.")
        ));
        assert!(!numbers_conflict(
            &s("The crash injured 14 people."),
            &s("Some 14 people and 3 dogs were hurt.")
        ));
    }
}
