//! Is sentence B a rewrite of sentence A? Features of a sentence pair and the learned model
//! that turns them into a probability.
//!
//! The features combine plain lexical overlap (which copies keep and spinning destroys) with
//! signals that survive spinning: rare words (IDF-weighted), names, numbers, the order of
//! content words, character trigrams (misspelt names) and, when the model files are present,
//! the cosine of sentence embeddings (synonyms). The weights are a logistic regression fitted
//! by `eval/mrpc.py` on MRPC (cross-validated there); two sets ship, with and without the
//! embedding feature.

use std::collections::{HashMap, HashSet};

use crate::sent::{Idf, Sent};

/// Names of the features, in the order of [`Features::values`].
pub const FEATURE_NAMES: [&str; 16] = [
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
    "embedding_cosine",
];

/// Feature vector of a sentence pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Features {
    pub values: [f32; 16],
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

/// Features of the pair (a, b). `cosine` is the embedding cosine when embeddings are in use.
pub fn features(a: &Sent, b: &Sent, idf: &Idf, cosine: Option<f32>) -> Features {
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
    Features {
        values: [
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
            cosine.unwrap_or(0.0),
        ],
    }
}

/// A logistic regression over standardised features.
#[derive(Debug, Clone, Copy)]
pub struct PairModel {
    pub mean: [f32; 16],
    pub scale: [f32; 16],
    pub weights: [f32; 16],
    pub bias: f32,
}

impl PairModel {
    /// The model for the features available: with or without the embedding cosine.
    pub fn default_for(embeddings: bool) -> &'static PairModel {
        if embeddings {
            &crate::weights::WITH_EMBEDDINGS
        } else {
            &crate::weights::LEXICAL
        }
    }

    /// Probability that b is a rewrite (paraphrase) of a.
    pub fn probability(&self, f: &Features) -> f32 {
        let mut z = self.bias;
        for i in 0..16 {
            if self.scale[i] > 0.0 {
                z += self.weights[i] * (f.values[i] - self.mean[i]) / self.scale[i];
            }
        }
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
