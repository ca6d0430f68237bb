//! Copies: exact duplicates and near-duplicates.
//!
//! - **Exact**: xxh3 of the [`fingerprint_key`](storyline_text::fingerprint_key) of the
//!   (boilerplate-free) text — case, punctuation, spacing and Unicode variants ignored.
//! - **Near**: MinHash over word `k`-shingles (default k = 5, 128 hash functions of the form
//!   `(a·x + b) >> 32` over a 64-bit shingle hash), LSH banding into `bands × rows`
//!   (default 42 × 3 = 126 hash functions) buckets for candidates, then verification by the signature's
//!   Jaccard estimate ≥ `threshold` (default 0.5). A pair with true Jaccard `J` becomes a
//!   candidate with probability `1 − (1 − J^rows)^bands` (see ARCHITECTURE.md for the curve).
//!
//! [`CopyDetector`] is incremental: documents are added one by one (in publication order)
//! and each is matched against those already added.

use std::collections::HashMap;

use storyline_text::{fingerprint_key, hash64, tokens};

/// MinHash / LSH parameters.
#[derive(Debug, Clone)]
pub struct MinHashOptions {
    /// Words per shingle.
    pub shingle: usize,
    /// Number of hash functions (signature length) = bands × rows.
    pub bands: usize,
    pub rows: usize,
    /// Minimum estimated Jaccard similarity for a near-duplicate.
    pub threshold: f64,
    /// Seed of the hash functions (signatures are comparable only with equal seeds).
    pub seed: u64,
}

impl Default for MinHashOptions {
    fn default() -> Self {
        MinHashOptions {
            shingle: 5,
            bands: 42,
            rows: 3,
            threshold: 0.5,
            seed: 0x005E_ED0F_5709,
        }
    }
}

impl MinHashOptions {
    pub fn num_perm(&self) -> usize {
        self.bands * self.rows
    }

    /// Probability that a pair with Jaccard similarity `j` shares at least one LSH bucket.
    pub fn candidate_probability(&self, j: f64) -> f64 {
        1.0 - (1.0 - j.powi(self.rows as i32)).powi(self.bands as i32)
    }
}

/// splitmix64: a fast, well-mixed 64-bit permutation used to derive hash parameters.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Computes MinHash signatures.
#[derive(Debug, Clone)]
pub struct MinHasher {
    opts: MinHashOptions,
    a: Vec<u64>,
    b: Vec<u64>,
}

/// A MinHash signature (one `u32` per hash function).
pub type Signature = Vec<u32>;

impl MinHasher {
    pub fn new(opts: MinHashOptions) -> Self {
        let mut state = opts.seed;
        let n = opts.num_perm();
        let a = (0..n).map(|_| splitmix64(&mut state) | 1).collect();
        let b = (0..n).map(|_| splitmix64(&mut state)).collect();
        MinHasher { opts, a, b }
    }

    pub fn options(&self) -> &MinHashOptions {
        &self.opts
    }

    /// 64-bit hashes of the word shingles of a text (lower-cased word tokens). A text
    /// shorter than one shingle yields one shingle of all its words; an empty text none.
    pub fn shingles(&self, text: &str) -> Vec<u64> {
        let words: Vec<u64> = tokens(text).iter().map(|t| hash64(&t.lower)).collect();
        let k = self.opts.shingle.max(1);
        if words.is_empty() {
            return Vec::new();
        }
        let mut out: Vec<u64> = if words.len() <= k {
            vec![combine(&words)]
        } else {
            words.windows(k).map(combine).collect()
        };
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Signature of a set of shingle hashes.
    pub fn signature_of(&self, shingles: &[u64]) -> Signature {
        let mut sig = vec![u32::MAX; self.a.len()];
        for &x in shingles {
            for (s, (a, b)) in sig.iter_mut().zip(self.a.iter().zip(&self.b)) {
                let h = (a.wrapping_mul(x).wrapping_add(*b) >> 32) as u32;
                if h < *s {
                    *s = h;
                }
            }
        }
        sig
    }

    pub fn signature(&self, text: &str) -> Signature {
        self.signature_of(&self.shingles(text))
    }
}

fn combine(words: &[u64]) -> u64 {
    let mut h = 0xCBF2_9CE4_8422_2325u64;
    for w in words {
        h = (h ^ w).wrapping_mul(0x1000_0000_01B3).rotate_left(29);
    }
    let mut s = h;
    splitmix64(&mut s)
}

/// Fraction of equal positions: an unbiased estimate of the Jaccard similarity.
pub fn estimate_jaccard(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    let eq = a.iter().zip(b).filter(|(x, y)| x == y).count();
    eq as f64 / a.len() as f64
}

/// LSH index over signatures: `bands` hash tables keyed by the hash of each band.
#[derive(Debug, Default)]
pub struct LshIndex {
    rows: usize,
    tables: Vec<HashMap<u64, Vec<u32>>>,
}

impl LshIndex {
    pub fn new(bands: usize, rows: usize) -> Self {
        LshIndex {
            rows,
            tables: (0..bands).map(|_| HashMap::new()).collect(),
        }
    }

    fn band_keys<'a>(&'a self, sig: &'a [u32]) -> impl Iterator<Item = u64> + 'a {
        sig.chunks(self.rows).map(|band| {
            let mut h = 0u64;
            for &v in band {
                h = (h ^ v as u64)
                    .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                    .rotate_left(23);
            }
            h
        })
    }

    pub fn insert(&mut self, id: u32, sig: &[u32]) {
        let keys: Vec<u64> = self.band_keys(sig).collect();
        for (table, key) in self.tables.iter_mut().zip(keys) {
            table.entry(key).or_default().push(id);
        }
    }

    /// Ids sharing at least one band with `sig`, sorted and deduplicated.
    pub fn candidates(&self, sig: &[u32]) -> Vec<u32> {
        let mut out = Vec::new();
        for (table, key) in self.tables.iter().zip(self.band_keys(sig)) {
            if let Some(ids) = table.get(&key) {
                out.extend_from_slice(ids);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// How a document matched an earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyKind {
    Exact,
    Near,
}

/// The earlier document a new one copies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CopyMatch {
    /// Id (as given to [`CopyDetector::add`]) of the earlier document.
    pub of: u32,
    pub kind: CopyKind,
    /// Estimated Jaccard similarity of word shingles (1.0 for exact copies).
    pub similarity: f64,
}

/// Incremental exact + near-duplicate detector.
#[derive(Debug)]
pub struct CopyDetector {
    hasher: MinHasher,
    exact: HashMap<u64, u32>,
    lsh: LshIndex,
    signatures: HashMap<u32, Signature>,
}

impl CopyDetector {
    pub fn new(opts: MinHashOptions) -> Self {
        let lsh = LshIndex::new(opts.bands, opts.rows);
        CopyDetector {
            hasher: MinHasher::new(opts),
            exact: HashMap::new(),
            lsh,
            signatures: HashMap::new(),
        }
    }

    /// Add document `id` and return the best earlier document it copies, if any.
    /// Exact copies are not added to the LSH index (their original stands for them).
    pub fn add(&mut self, id: u32, text: &str) -> Option<CopyMatch> {
        let key = fingerprint_key(text);
        if key.is_empty() {
            return None;
        }
        let h = hash64(&key);
        if let Some(&of) = self.exact.get(&h) {
            return Some(CopyMatch {
                of,
                kind: CopyKind::Exact,
                similarity: 1.0,
            });
        }
        self.exact.insert(h, id);
        let sig = self.hasher.signature(&key);
        let threshold = self.hasher.options().threshold;
        let mut best: Option<CopyMatch> = None;
        for cand in self.lsh.candidates(&sig) {
            let sim = estimate_jaccard(&sig, &self.signatures[&cand]);
            if sim >= threshold && best.is_none_or(|b| sim > b.similarity) {
                best = Some(CopyMatch {
                    of: cand,
                    kind: CopyKind::Near,
                    similarity: sim,
                });
            }
        }
        self.lsh.insert(id, &sig);
        self.signatures.insert(id, sig);
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Dock workers at the port of Valeport walked out on Monday, halting \
        container traffic for the third time this year. The union said talks with the harbour \
        authority had collapsed after management refused a pay rise of six percent. Ships \
        queued outside the breakwater as cranes stood idle and lorries backed up along the \
        coast road. The authority said it regretted the action and urged a return to talks.";

    #[test]
    fn exact_copy_ignores_case_and_punctuation() {
        let mut d = CopyDetector::new(MinHashOptions::default());
        assert_eq!(d.add(0, TEXT), None);
        let m = d.add(1, &TEXT.to_uppercase().replace(',', "")).unwrap();
        assert_eq!(m.of, 0);
        assert_eq!(m.kind, CopyKind::Exact);
    }

    #[test]
    fn light_edit_is_near_copy() {
        let mut d = CopyDetector::new(MinHashOptions::default());
        d.add(0, TEXT);
        let edited = TEXT.replace("on Monday", "on Monday morning").replace(
            "The authority said it regretted the action and urged a return to talks.",
            "",
        );
        let m = d.add(1, &edited).expect("near copy");
        assert_eq!((m.of, m.kind), (0, CopyKind::Near));
        assert!(m.similarity > 0.6, "{}", m.similarity);
    }

    #[test]
    fn different_text_is_not_a_copy() {
        let mut d = CopyDetector::new(MinHashOptions::default());
        d.add(0, TEXT);
        let other = "The city council approved the budget on Tuesday after a long debate \
            about school funding, road repairs and the cost of the new library, which the \
            mayor said would open next spring despite delays caused by the wet winter.";
        assert_eq!(d.add(1, other), None);
    }

    #[test]
    fn estimate_tracks_true_jaccard() {
        let h = MinHasher::new(MinHashOptions::default());
        let words: Vec<String> = (0..400).map(|i| format!("w{i}")).collect();
        let a = words[..300].join(" ");
        let b = words[100..].join(" ");
        // 5-shingles: |A∩B| = 196, |A∪B| = 396+... ≈ 0.33.
        let sa: std::collections::HashSet<u64> = h.shingles(&a).into_iter().collect();
        let sb: std::collections::HashSet<u64> = h.shingles(&b).into_iter().collect();
        let truth = sa.intersection(&sb).count() as f64 / sa.union(&sb).count() as f64;
        let est = estimate_jaccard(&h.signature(&a), &h.signature(&b));
        assert!((est - truth).abs() < 0.12, "est {est} truth {truth}");
    }

    #[test]
    fn candidate_curve_is_an_s_curve() {
        let o = MinHashOptions::default();
        assert!(o.candidate_probability(0.1) < 0.05);
        assert!(o.candidate_probability(0.5) > 0.99);
        assert!(o.candidate_probability(0.8) > 0.999);
    }
}
