//! Extractive summary: sentences chosen for centrality and coverage, without redundancy, each
//! citing the articles that carry it.
//!
//! Candidates are the sentences of the story's non-copy articles. Each is a TF-IDF vector of
//! its content stems; its score is its cosine to the story centroid. Sentences are picked
//! greedily by maximal marginal relevance (score minus similarity to what is already picked)
//! until the word budget is spent. A picked sentence cites every article with a sentence
//! close to it (the same statement, copied or reworded).

use std::collections::HashMap;

use serde::Serialize;

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

/// Weight of redundancy in maximal marginal relevance.
const MMR_LAMBDA: f32 = 0.7;
/// Cosine at which another article's sentence states the same thing.
const SAME_STATEMENT: f32 = 0.6;
/// Shortest candidate sentence, in words.
const MIN_WORDS: usize = 6;

type Vector = HashMap<String, f32>;

fn vector(ctx: &StoryContext, stems: &[String]) -> Vector {
    let mut v: Vector = HashMap::new();
    for s in stems {
        *v.entry(s.clone()).or_insert(0.0) += ctx.idf.weight(s);
    }
    let norm = v.values().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        for x in v.values_mut() {
            *x /= norm;
        }
    }
    v
}

fn cos(a: &Vector, b: &Vector) -> f32 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    small
        .iter()
        .filter_map(|(k, x)| large.get(k).map(|y| x * y))
        .sum()
}

/// Summarise the story in about `words` words.
pub fn summarize(ctx: &StoryContext, words: usize) -> Vec<SummarySentence> {
    // (article, sentence, vector)
    let mut cands: Vec<(usize, usize, Vector)> = Vec::new();
    for (i, a) in ctx.articles.iter().enumerate() {
        if a.is_copy() {
            continue;
        }
        for (s, sent) in ctx.docs[i].sents.iter().enumerate() {
            if sent.words.len() < MIN_WORDS || sent.quoted > 0.5 {
                continue;
            }
            cands.push((i, s, vector(ctx, &sent.stems)));
        }
    }
    if cands.is_empty() {
        return Vec::new();
    }
    let mut centroid: Vector = HashMap::new();
    for (_, _, v) in &cands {
        for (k, x) in v {
            *centroid.entry(k.clone()).or_insert(0.0) += x;
        }
    }
    let norm = centroid
        .values()
        .map(|x| x * x)
        .sum::<f32>()
        .sqrt()
        .max(1e-9);
    centroid.values_mut().for_each(|x| *x /= norm);
    let relevance: Vec<f32> = cands.iter().map(|(_, _, v)| cos(v, &centroid)).collect();

    let mut picked: Vec<usize> = Vec::new();
    let mut used = 0usize;
    while used < words {
        let best = (0..cands.len())
            .filter(|c| !picked.contains(c))
            .map(|c| {
                let redundancy = picked
                    .iter()
                    .map(|&p| cos(&cands[c].2, &cands[p].2))
                    .fold(0.0f32, f32::max);
                (
                    c,
                    MMR_LAMBDA * relevance[c] - (1.0 - MMR_LAMBDA) * redundancy,
                )
            })
            .max_by(|x, y| x.1.total_cmp(&y.1).then(y.0.cmp(&x.0)));
        let Some((c, _)) = best else { break };
        let (i, s, _) = &cands[c];
        used += ctx.docs[*i].sents[*s].words.len();
        picked.push(c);
    }
    picked
        .into_iter()
        .map(|c| {
            let (i, s, v) = &cands[c];
            let mut sources: Vec<usize> = vec![*i];
            for (j, a) in ctx.articles.iter().enumerate() {
                if j == *i {
                    continue;
                }
                let carried = if a.is_copy() {
                    a.derives_from == Some(*i)
                } else {
                    cands
                        .iter()
                        .filter(|(k, _, _)| *k == j)
                        .any(|(_, _, w)| cos(v, w) >= SAME_STATEMENT)
                };
                if carried {
                    sources.push(j);
                }
            }
            sources.sort_unstable();
            SummarySentence {
                text: ctx.sentence(*i, *s).to_string(),
                independent_sources: ctx.independent(&sources),
                sources: ctx.ids(&sources),
            }
        })
        .collect()
}
