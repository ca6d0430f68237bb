//! Is sentence B a rewrite of sentence A? Features of a sentence pair and the learned model
//! that turns them into a probability.
//!
//! The features combine plain lexical overlap (which copies keep and spinning destroys) with
//! signals that survive spinning: rare words (IDF-weighted), names, numbers, the order of
//! content words, character trigrams (misspelt names) and, when the model files are present,
//! the cosine of sentence embeddings (synonyms) and word-piece matching. The weights (a small
//! perceptron) are fitted by `eval/mrpc.py` on MRPC (cross-validated there); three sets ship:
//! lexical only, with the sentence cosine, and with word-piece matching.

use std::collections::{HashMap, HashSet};

use crate::sent::{Idf, Sent};

/// Names of the features, in the order of [`Features::values`].
pub const FEATURE_NAMES: [&str; N_FEATURES] = [
    "word_dice",
    "bigram_dice",
    "stem_dice",
    "idf_stem_dice",
    "stem_containment",
    "stem_lcs",
    "length_ratio",
    "numbers_equal",
    "numbers_differ",
    "name_dice",
    "names_unmatched",
    "negation_differs",
    "unmatched_content",
    "trigram_dice",
    "idf_unmatched",
    "bleu1_min",
    "bleu1_max",
    "bleu2_min",
    "bleu2_max",
    "bleu3_min",
    "bleu3_max",
    "bleu4_min",
    "bleu4_max",
    "word_edit",
    "longest_common_run",
    "length_diff",
    "unmatched_min",
    "unmatched_max",
    "stem_bigram_dice",
    "embedding_cosine",
    "bertscore_f",
    "bertscore_min",
    "bertscore_max",
    "tokens_unmatched",
    "tokens_below_40_min",
    "tokens_below_40_max",
    "run_below_40_min",
    "run_below_40_max",
    "tokens_below_50_min",
    "tokens_below_50_max",
    "run_below_50_min",
    "run_below_50_max",
    "tokens_below_60_min",
    "tokens_below_60_max",
    "run_below_60_min",
    "run_below_60_max",
    "tokens_below_70_min",
    "tokens_below_70_max",
    "run_below_70_min",
    "run_below_70_max",
    "unmatched_mass_min",
    "unmatched_mass_max",
    "worst_match_min",
    "worst_match_max",
];

/// Number of features.
pub const N_FEATURES: usize = 54;
/// Index of the first embedding feature (the sentence cosine); the token features follow it.
pub const EMBEDDING_START: usize = 29;
/// Index of the first feature that needs contextual token vectors (BERTScore).
pub const TOKEN_START: usize = 30;

/// Feature vector of a sentence pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Features {
    pub values: [f32; N_FEATURES],
}

/// The word-piece vectors of the two sentences of a pair.
pub type TokenPair<'a> = (&'a [Vec<f32>], &'a [Vec<f32>]);

/// What the sentence encoder gives for a pair: the cosine of the sentence vectors and,
/// when available, the contextual word-piece vectors of both (L2-normalised).
#[derive(Debug, Clone, Copy, Default)]
pub struct PairEmbedding<'a> {
    pub cosine: f32,
    pub tokens: Option<TokenPair<'a>>,
}

fn dice_multiset<T: std::hash::Hash + Eq>(a: &[T], b: &[T]) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let mut counts: HashMap<&T, i32> = HashMap::new();
    for x in a {
        *counts.entry(x).or_insert(0) += 1;
    }
    let mut common = 0;
    for x in b {
        if let Some(c) = counts.get_mut(x) {
            if *c > 0 {
                *c -= 1;
                common += 1;
            }
        }
    }
    2.0 * common as f32 / (a.len() + b.len()) as f32
}

fn set(v: &[String]) -> HashSet<&str> {
    v.iter().map(String::as_str).collect()
}

fn lcs_len(a: &[String], b: &[String]) -> usize {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    let mut prev = vec![0usize; b.len() + 1];
    let mut cur = vec![0usize; b.len() + 1];
    for x in a {
        for (j, y) in b.iter().enumerate() {
            cur[j + 1] = if x == y {
                prev[j] + 1
            } else {
                cur[j].max(prev[j + 1])
            };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

fn trigrams(words: &[String]) -> Vec<[char; 3]> {
    let mut out = Vec::new();
    for w in words {
        let chars: Vec<char> = std::iter::once(' ')
            .chain(w.chars())
            .chain(std::iter::once(' '))
            .collect();
        for t in chars.windows(3) {
            out.push([t[0], t[1], t[2]]);
        }
    }
    out
}

/// Clipped n-gram precision of `a` against `b` (BLEU's modified precision), 1 when `a` has
/// no n-grams and neither has `b`, 0 when only `b` has.
fn ngram_precision(a: &[String], b: &[String], n: usize) -> f32 {
    if a.len() < n {
        return if b.len() < n { 1.0 } else { 0.0 };
    }
    let mut counts: HashMap<&[String], i32> = HashMap::new();
    for g in b.windows(n) {
        *counts.entry(g).or_insert(0) += 1;
    }
    let mut hit = 0;
    for g in a.windows(n) {
        if let Some(c) = counts.get_mut(g) {
            if *c > 0 {
                *c -= 1;
                hit += 1;
            }
        }
    }
    hit as f32 / (a.len() + 1 - n) as f32
}

/// Word-level Levenshtein distance.
fn edit_distance(a: &[String], b: &[String]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for (i, x) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(x != y))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Longest run of consecutive words the two share.
fn longest_common_run(a: &[String], b: &[String]) -> usize {
    let mut best = 0;
    let mut prev = vec![0usize; b.len() + 1];
    let mut cur = vec![0usize; b.len() + 1];
    for x in a {
        for (j, y) in b.iter().enumerate() {
            cur[j + 1] = if x == y { prev[j] + 1 } else { 0 };
            best = best.max(cur[j + 1]);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    best
}

/// Number of matching thresholds of [`token_features`].
const THRESHOLDS: [f32; 4] = [0.4, 0.5, 0.6, 0.7];
/// Number of features [`token_features`] gives.
const N_TOKEN: usize = 24;

fn longest_true_run(flags: impl Iterator<Item = bool>) -> usize {
    let (mut best, mut cur) = (0, 0);
    for f in flags {
        cur = if f { cur + 1 } else { 0 };
        best = best.max(cur);
    }
    best
}

/// Features of the greedy (BERTScore-style) matching of contextual word-piece vectors: each
/// piece's best cosine on the other side. BERTScore F, min and max of precision and recall,
/// the share of pieces matched below 0.5; then, as (smaller side, larger side): the pieces
/// matched below each of [`THRESHOLDS`] and the longest run of them (an added or dropped
/// clause), the unmatched mass Σ(1 − best) and the worst match.
fn token_features(ta: &[Vec<f32>], tb: &[Vec<f32>]) -> [f32; N_TOKEN] {
    let mut out = [0.0f32; N_TOKEN];
    if ta.is_empty() || tb.is_empty() {
        out[3] = 1.0;
        return out;
    }
    let mut best_a = vec![f32::MIN; ta.len()];
    let mut best_b = vec![f32::MIN; tb.len()];
    for (i, x) in ta.iter().enumerate() {
        for (j, y) in tb.iter().enumerate() {
            let c: f32 = x.iter().zip(y).map(|(p, q)| p * q).sum();
            best_a[i] = best_a[i].max(c);
            best_b[j] = best_b[j].max(c);
        }
    }
    let p = best_a.iter().sum::<f32>() / ta.len() as f32;
    let r = best_b.iter().sum::<f32>() / tb.len() as f32;
    let low = best_a.iter().chain(&best_b).filter(|&&c| c < 0.5).count();
    out[0] = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    out[1] = p.min(r);
    out[2] = p.max(r);
    out[3] = low as f32 / (ta.len() + tb.len()) as f32;
    let min_max = |x: f32, y: f32| (x.min(y), x.max(y));
    for (k, &t) in THRESHOLDS.iter().enumerate() {
        let below = |v: &[f32]| v.iter().filter(|&&c| c < t).count() as f32;
        let run = |v: &[f32]| longest_true_run(v.iter().map(|&c| c < t)) as f32;
        (out[4 + 4 * k], out[5 + 4 * k]) = min_max(below(&best_a), below(&best_b));
        (out[6 + 4 * k], out[7 + 4 * k]) = min_max(run(&best_a), run(&best_b));
    }
    let mass = |v: &[f32]| v.iter().map(|c| 1.0 - c).sum::<f32>();
    (out[20], out[21]) = min_max(mass(&best_a), mass(&best_b));
    let worst = |v: &[f32]| v.iter().copied().fold(f32::MAX, f32::min);
    (out[22], out[23]) = min_max(worst(&best_a), worst(&best_b));
    out
}

/// Features of the pair (a, b). `cosine` is the embedding cosine when embeddings are in use.
pub fn features(a: &Sent, b: &Sent, idf: &Idf, cosine: Option<f32>) -> Features {
    features_with(
        a,
        b,
        idf,
        cosine.map(|cosine| PairEmbedding {
            cosine,
            tokens: None,
        }),
    )
}

/// Features of the pair (a, b) with whatever the encoder gave (see [`PairEmbedding`]);
/// features it cannot give are 0.
pub fn features_with(a: &Sent, b: &Sent, idf: &Idf, emb: Option<PairEmbedding>) -> Features {
    let word_dice = dice_multiset(&a.words, &b.words);
    let bigrams = |w: &[String]| -> Vec<(String, String)> {
        w.windows(2).map(|p| (p[0].clone(), p[1].clone())).collect()
    };
    let bigram_dice = dice_multiset(&bigrams(&a.words), &bigrams(&b.words));
    let (sa, sb) = (set(&a.stems), set(&b.stems));
    let common: Vec<&str> = sa.intersection(&sb).copied().collect();
    let stem_dice = if sa.is_empty() && sb.is_empty() {
        1.0
    } else {
        2.0 * common.len() as f32 / (sa.len() + sb.len()) as f32
    };
    let w = |s: &HashSet<&str>| s.iter().map(|x| idf.weight(x)).sum::<f32>();
    let (wa, wb) = (w(&sa), w(&sb));
    let wc: f32 = common.iter().map(|x| idf.weight(x)).sum();
    let idf_stem_dice = if wa + wb > 0.0 {
        2.0 * wc / (wa + wb)
    } else {
        1.0
    };
    let min_len = sa.len().min(sb.len());
    let stem_containment = if min_len == 0 {
        0.0
    } else {
        common.len() as f32 / min_len as f32
    };
    let max_stems = a.stems.len().max(b.stems.len());
    let stem_lcs = if max_stems == 0 {
        0.0
    } else {
        lcs_len(&a.stems, &b.stems) as f32 / max_stems as f32
    };
    let (la, lb) = (a.words.len() as f32, b.words.len() as f32);
    let length_ratio = if la.max(lb) > 0.0 {
        la.min(lb) / la.max(lb)
    } else {
        1.0
    };
    let (na, nb) = (set(&a.numbers), set(&b.numbers));
    let numbers_equal = (!na.is_empty() && na == nb) as u8 as f32;
    let numbers_differ = (na.symmetric_difference(&nb).count().min(3)) as f32 / 3.0;
    let (ma, mb) = (set(&a.names), set(&b.names));
    let name_common = ma.intersection(&mb).count();
    let name_dice = if ma.is_empty() && mb.is_empty() {
        0.0
    } else {
        2.0 * name_common as f32 / (ma.len() + mb.len()) as f32
    };
    let names_unmatched = (ma.len() + mb.len() - 2 * name_common).min(3) as f32 / 3.0;
    let negation_differs = ((a.negations % 2) != (b.negations % 2)) as u8 as f32;
    let (longer, shorter) = if sa.len() >= sb.len() {
        (&sa, &sb)
    } else {
        (&sb, &sa)
    };
    let unmatched_content = if longer.is_empty() {
        0.0
    } else {
        longer.difference(shorter).count() as f32 / longer.len() as f32
    };
    let idf_unmatched = {
        let la = sa.difference(&sb).map(|x| idf.weight(x)).sum::<f32>();
        let lb = sb.difference(&sa).map(|x| idf.weight(x)).sum::<f32>();
        ((la + lb) / 10.0).min(3.0)
    };
    let trigram_dice = dice_multiset(&trigrams(&a.words), &trigrams(&b.words));
    let mut bleu = [0.0f32; 8];
    for n in 1..=4 {
        let (p, q) = (
            ngram_precision(&a.words, &b.words, n),
            ngram_precision(&b.words, &a.words, n),
        );
        bleu[2 * (n - 1)] = p.min(q);
        bleu[2 * (n - 1) + 1] = p.max(q);
    }
    let max_words = a.words.len().max(b.words.len()).max(1) as f32;
    let word_edit = edit_distance(&a.words, &b.words) as f32 / max_words;
    let common_run = longest_common_run(&a.words, &b.words) as f32 / max_words;
    let length_diff = ((la - lb).abs() / 10.0).min(2.0);
    let (ua, ub) = (sa.difference(&sb).count(), sb.difference(&sa).count());
    let unmatched_min = ua.min(ub).min(10) as f32 / 10.0;
    let unmatched_max = ua.max(ub).min(10) as f32 / 10.0;
    let stem_bigram_dice = dice_multiset(&bigrams(&a.stems), &bigrams(&b.stems));
    let (cosine, tok) = match emb {
        None => (0.0, [0.0; N_TOKEN]),
        Some(e) => (
            e.cosine,
            match e.tokens {
                None => [0.0; N_TOKEN],
                Some((ta, tb)) => token_features(ta, tb),
            },
        ),
    };
    let mut values = [0.0f32; N_FEATURES];
    values[TOKEN_START..].copy_from_slice(&tok);
    values[..TOKEN_START].copy_from_slice(&[
        word_dice,
        bigram_dice,
        stem_dice,
        idf_stem_dice,
        stem_containment,
        stem_lcs,
        length_ratio,
        numbers_equal,
        numbers_differ,
        name_dice,
        names_unmatched,
        negation_differs,
        unmatched_content,
        trigram_dice,
        idf_unmatched,
        bleu[0],
        bleu[1],
        bleu[2],
        bleu[3],
        bleu[4],
        bleu[5],
        bleu[6],
        bleu[7],
        word_edit,
        common_run,
        length_diff,
        unmatched_min,
        unmatched_max,
        stem_bigram_dice,
        cosine,
    ]);
    Features { values }
}

/// The learned pair model over standardised features: a logistic regression, or (when
/// `hidden` is non-empty) a one-hidden-layer perceptron with ReLU units whose output unit is
/// logistic. Features whose `scale` is 0 are not read.
#[derive(Debug, Clone, Copy)]
pub struct PairModel {
    pub mean: [f32; N_FEATURES],
    pub scale: [f32; N_FEATURES],
    /// Hidden units: one weight row over the standardised features each, and their biases.
    pub hidden: &'static [[f32; N_FEATURES]],
    pub hidden_bias: &'static [f32],
    /// Output weights: over the hidden units, or over the features when there are none.
    pub weights: &'static [f32],
    pub bias: f32,
}

impl PairModel {
    /// The model for the features available: with or without the embedding cosine.
    pub fn default_for(embeddings: bool) -> &'static PairModel {
        PairModel::for_inputs(embeddings, false)
    }

    /// The model for the inputs available: sentence embeddings (the cosine) and, with them,
    /// contextual token vectors (the BERTScore features).
    pub fn for_inputs(embeddings: bool, tokens: bool) -> &'static PairModel {
        match (embeddings, tokens) {
            (true, true) => &crate::weights::WITH_TOKENS,
            (true, false) => &crate::weights::WITH_EMBEDDINGS,
            _ => &crate::weights::LEXICAL,
        }
    }

    /// Probability that b is a rewrite (paraphrase) of a.
    pub fn probability(&self, f: &Features) -> f32 {
        let mut x = [0.0f32; N_FEATURES];
        for (i, v) in x.iter_mut().enumerate() {
            if self.scale[i] > 0.0 {
                *v = (f.values[i] - self.mean[i]) / self.scale[i];
            }
        }
        let dot = |w: &[f32]| w.iter().zip(&x).map(|(a, b)| a * b).sum::<f32>();
        let z = if self.hidden.is_empty() {
            self.bias + dot(self.weights)
        } else {
            self.bias
                + self
                    .hidden
                    .iter()
                    .zip(self.hidden_bias)
                    .zip(self.weights)
                    .map(|((row, b), w)| w * (dot(row) + b).max(0.0))
                    .sum::<f32>()
        };
        1.0 / (1.0 + (-z).exp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sent::sent;
    use storyline_text::Analyzer;

    fn s(text: &str) -> Sent {
        sent(&Analyzer::default(), text, 0, text.len())
    }

    #[test]
    fn identical_sentences_score_full_overlap() {
        let a = s("The council approved the budget by 7 votes to 4 on Tuesday.");
        let f = features(&a, &a, &Idf::new(), None);
        assert_eq!(f.values[0], 1.0);
        assert_eq!(f.values[1], 1.0);
        assert_eq!(f.values[7], 1.0);
        assert_eq!(f.values[8], 0.0);
    }

    #[test]
    fn number_change_is_seen() {
        let a = s("Fourteen people were injured in the collapse.");
        let b = s("41 people were injured in the collapse.");
        let f = features(&a, &b, &Idf::new(), None);
        assert_eq!(f.values[7], 0.0);
        assert!(f.values[8] > 0.0);
    }

    #[test]
    fn learned_model_ranks_rewrite_above_unrelated() {
        let a = s("The mayor said the bridge would be rebuilt within two years.");
        let b = s("The bridge will be reconstructed within two years, the mayor stated.");
        let c = s("Shares in the chip maker fell sharply after the profit warning.");
        let m = PairModel::default_for(false);
        let idf = Idf::new();
        let p_rewrite = m.probability(&features(&a, &b, &idf, None));
        let p_other = m.probability(&features(&a, &c, &idf, None));
        assert!(p_rewrite > 0.5, "{p_rewrite}");
        assert!(p_other < 0.2, "{p_other}");
    }
}
