//! Passage alignment between two documents: which sentences of B are verbatim, edited or
//! reworded versions of which sentences of A.

use serde::Serialize;

use crate::pair::{features, PairModel};
use crate::sent::{Doc, Idf};

/// How a sentence of B relates to its aligned sentence of A.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PassageKind {
    /// The same words (after normalisation).
    Verbatim,
    /// Mostly the same words: a few changed, added or removed.
    Edited,
    /// Same content in other words (synonyms, reordering).
    Reworded,
}

impl PassageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PassageKind::Verbatim => "verbatim",
            PassageKind::Edited => "edited",
            PassageKind::Reworded => "reworded",
        }
    }
}

/// One aligned sentence pair: sentence `a` of A, sentence `b` of B.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AlignedPair {
    pub a: usize,
    pub b: usize,
    pub kind: PassageKind,
    /// Probability (0–1) that b rewrites a, from the sentence-pair model; 1 for verbatim.
    pub score: f32,
}

/// The alignment of B against A.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Alignment {
    /// Pairs ordered by B's sentence order.
    pub pairs: Vec<AlignedPair>,
    /// Share of A's words in sentences aligned to some sentence of B.
    pub coverage_a: f32,
    /// Share of B's words in sentences aligned to some sentence of A.
    pub coverage_b: f32,
}

impl Alignment {
    /// Aligned pairs that are copied text (verbatim or edited) and not mainly a direct
    /// quotation in B (two reports quoting the same speaker share quotes, not copy).
    pub fn copied_passages(&self, b: &Doc) -> usize {
        self.pairs
            .iter()
            .filter(|p| p.kind != PassageKind::Reworded && b.sents[p.b].quoted < 0.5)
            .count()
    }
}

/// Options of [`align`].
#[derive(Debug, Clone)]
pub struct AlignOptions {
    /// Minimum pair probability for two sentences to align.
    pub min_score: f32,
    /// Word Dice at or above which an aligned pair is `edited` rather than `reworded`.
    pub edited_dice: f32,
}

impl Default for AlignOptions {
    fn default() -> Self {
        AlignOptions {
            min_score: 0.5,
            edited_dice: 0.7,
        }
    }
}

/// Sentence embeddings of one document (one L2-normalised vector per sentence), if any.
pub type Embeddings<'a> = Option<&'a [Vec<f32>]>;

/// Cosine of two L2-normalised vectors (their dot product).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Cosine of sentence i of A and sentence j of B, when both have embeddings.
fn pair_cosine(ea: Embeddings, eb: Embeddings, i: usize, j: usize) -> Option<f32> {
    Some(cosine(&ea?[i], &eb?[j]))
}

/// Align B against A. Sentence pairs are compared when they share at least two content
/// stems, or a name or number and one stem, or (with embeddings) have cosine ≥ 0.6; each
/// is scored by the learned pair model, and each sentence of B keeps its best partner
/// in A at or above `min_score` (so merged or split sentences still align).
pub fn align(
    a: &Doc,
    b: &Doc,
    ea: Embeddings,
    eb: Embeddings,
    idf: &Idf,
    opts: &AlignOptions,
) -> Alignment {
    let mut candidates = Vec::new();
    for (j, sb) in b.sents.iter().enumerate() {
        let stems_b: std::collections::HashSet<&str> =
            sb.stems.iter().map(String::as_str).collect();
        for (i, sa) in a.sents.iter().enumerate() {
            let cos = pair_cosine(ea, eb, i, j);
            let shared = sa
                .stems
                .iter()
                .filter(|s| stems_b.contains(s.as_str()))
                .count();
            let anchor = sa.names.iter().any(|n| sb.names.contains(n))
                || sa.numbers.iter().any(|n| sb.numbers.contains(n));
            if shared >= 2 || (shared >= 1 && anchor) || cos.is_some_and(|c| c >= 0.6) {
                candidates.push((i, j));
            }
        }
    }
    align_pairs(a, b, ea, eb, idf, opts, &candidates)
}

/// Align B against A scoring only the given candidate sentence pairs `(i in A, j in B)`
/// (from an index that already knows which sentences share rare words).
pub fn align_pairs(
    a: &Doc,
    b: &Doc,
    ea: Embeddings,
    eb: Embeddings,
    idf: &Idf,
    opts: &AlignOptions,
    candidates: &[(usize, usize)],
) -> Alignment {
    let with_emb = ea.is_some() && eb.is_some();
    let model = PairModel::default_for(with_emb);
    let mut best_b: Vec<Option<AlignedPair>> = vec![None; b.sents.len()];
    let mut a_aligned = vec![false; a.sents.len()];
    for &(i, j) in candidates {
        let (sa, sb) = (&a.sents[i], &b.sents[j]);
        let cos = pair_cosine(ea, eb, i, j);
        let pair = if sa.words == sb.words {
            AlignedPair {
                a: i,
                b: j,
                kind: PassageKind::Verbatim,
                score: 1.0,
            }
        } else {
            let f = features(sa, sb, idf, cos);
            let p = model.probability(&f);
            if p < opts.min_score {
                continue;
            }
            AlignedPair {
                a: i,
                b: j,
                kind: if f.values[0] >= opts.edited_dice {
                    PassageKind::Edited
                } else {
                    PassageKind::Reworded
                },
                score: p,
            }
        };
        a_aligned[i] = true;
        if best_b[j].is_none_or(|old| pair.score > old.score) {
            best_b[j] = Some(pair);
        }
    }
    let pairs: Vec<AlignedPair> = best_b.into_iter().flatten().collect();
    let words = |d: &Doc, keep: &dyn Fn(usize) -> bool| -> f32 {
        let total = d.words().max(1) as f32;
        d.sents
            .iter()
            .enumerate()
            .filter(|(k, _)| keep(*k))
            .map(|(_, s)| s.words.len())
            .sum::<usize>() as f32
            / total
    };
    let b_set: std::collections::HashSet<usize> = pairs.iter().map(|p| p.b).collect();
    Alignment {
        coverage_a: words(a, &|k| a_aligned[k]),
        coverage_b: words(b, &|k| b_set.contains(&k)),
        pairs,
    }
}
