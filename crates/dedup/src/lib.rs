//! Copies: exact duplicates and near-duplicates.
//!
//! - **Exact**: xxh3 of the [`fingerprint_key`](storyline_text::fingerprint_key) of the
//!   (boilerplate-free) text — case, punctuation, spacing and Unicode variants ignored.
//! - **Near**: a MinHash-style signature of 126 values over word `k`-shingles (default k = 5),
//!   LSH banding into `bands × rows` (default 42 × 3) buckets for candidates, then verification
//!   by the signature's Jaccard estimate (fraction of equal values) ≥ `threshold` (default 0.5).
//!   A pair with true Jaccard `J` becomes a candidate with probability about
//!   `1 − (1 − J^rows)^bands` (see ARCHITECTURE.md for the curve).
//!
//! The default signature ([`Sketch::OnePermutation`]) is *one-permutation hashing* with optimal
//! densification (Li, Owen & Zhang 2012; Shrivastava 2017): each shingle is hashed once, the
//! hash picks one of the 126 bins and the bin keeps its smallest value; an empty bin copies the
//! value of the first non-empty bin in a fixed pseudo-random sequence of bins (the same for
//! every document, so equal values still mean "same shingle"). Its estimate is unbiased like
//! classical MinHash but, as the bins sample the union *without replacement*, its variance is
//! lower for documents of a few hundred shingles (so fewer true pairs near the threshold are
//! missed), and it costs one hash per shingle instead of 126. [`Sketch::Classic`] keeps the
//! classical 126 hash functions `(a·x + b) >> 32` for comparison.
//!
//! [`CopyDetector`] is incremental: documents are added one by one (in publication order)
//! and each is matched against those already added.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use storyline_text::{hash64, tokens};

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
    /// How the signature is computed (signatures are comparable only with equal sketches).
    pub sketch: Sketch,
}

/// The signature scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sketch {
    /// One-permutation hashing into `bands × rows` bins with optimal densification: one hash
    /// per shingle; lower estimate variance than [`Sketch::Classic`] on documents with more
    /// shingles than bins.
    #[default]
    OnePermutation,
    /// Classical MinHash: `bands × rows` hash functions `(a_i·x + b_i) >> 32`.
    Classic,
}

impl Default for MinHashOptions {
    fn default() -> Self {
        MinHashOptions {
            shingle: 5,
            bands: 42,
            rows: 3,
            threshold: 0.5,
            seed: 0x005E_ED0F_5709,
            sketch: Sketch::OnePermutation,
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
    /// The multipliers `a` and offsets `b` of the hash functions, split into 32-bit halves and
    /// padded to a multiple of [`LANES`] for the vectorised signature loop (see
    /// [`MinHasher::signature_of`]).
    halves: Halves,
}

/// Width of the signature loop's blocks (8 × u32 = one AVX2 register).
const LANES: usize = 8;

#[derive(Debug, Clone, Default)]
struct Halves {
    a_lo: Vec<u32>,
    a_hi: Vec<u32>,
    b_lo: Vec<u32>,
    b_hi: Vec<u32>,
}

/// A MinHash signature (one `u32` per hash function).
pub type Signature = Vec<u32>;

impl MinHasher {
    pub fn new(opts: MinHashOptions) -> Self {
        let mut state = opts.seed;
        let n = opts.num_perm();
        let a: Vec<u64> = (0..n).map(|_| splitmix64(&mut state) | 1).collect();
        let b: Vec<u64> = (0..n).map(|_| splitmix64(&mut state)).collect();
        let padded = n.div_ceil(LANES) * LANES;
        let half = |v: &[u64], shift: u32| -> Vec<u32> {
            let mut out: Vec<u32> = v.iter().map(|x| (x >> shift) as u32).collect();
            out.resize(padded, 0);
            out
        };
        let halves = Halves {
            a_lo: half(&a, 0),
            a_hi: half(&a, 32),
            b_lo: half(&b, 0),
            b_hi: half(&b, 32),
        };
        MinHasher { opts, halves }
    }

    pub fn options(&self) -> &MinHashOptions {
        &self.opts
    }

    /// 64-bit hashes of the word shingles of a text (lower-cased word tokens), sorted and
    /// deduplicated. A text shorter than one shingle yields one shingle of all its words; an
    /// empty text none.
    pub fn shingles(&self, text: &str) -> Vec<u64> {
        let mut out = self.shingle_hashes(text);
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The shingle hashes of `text` in text order, repeats included.
    fn shingle_hashes(&self, text: &str) -> Vec<u64> {
        let mut words = Vec::new();
        word_hashes(text, &mut words);
        self.shingles_of_words(&words)
    }

    /// Shingle hashes of a sequence of word hashes, in order, repeats included.
    fn shingles_of_words(&self, words: &[u64]) -> Vec<u64> {
        let k = self.opts.shingle.max(1);
        if words.is_empty() {
            return Vec::new();
        }
        if words.len() <= k {
            vec![combine(words)]
        } else {
            words.windows(k).map(combine).collect()
        }
    }

    /// Signature of a set of shingle hashes (order and repeats do not matter).
    pub fn signature_of(&self, shingles: &[u64]) -> Signature {
        match self.opts.sketch {
            Sketch::OnePermutation => self.signature_oph(shingles.iter().copied()),
            Sketch::Classic => self.signature_classic(shingles),
        }
    }

    /// Signature of the shingles of a sequence of word hashes (no intermediate vector for
    /// one-permutation hashing): `signature_of(&shingles_of_words(words))`.
    fn signature_of_words(&self, words: &[u64]) -> Signature {
        let k = self.opts.shingle.max(1);
        match self.opts.sketch {
            Sketch::OnePermutation if words.len() > k => {
                self.signature_oph(words.windows(k).map(combine))
            }
            _ => self.signature_of(&self.shingles_of_words(words)),
        }
    }

    /// One-permutation hashing with optimal densification.
    ///
    /// Shingle `x` is mixed with the seed into `h`; bin `hi32(h)·n >> 32` keeps the minimum of
    /// `lo32(h)`. Each empty bin `i` then takes the value of the first bin that was non-empty
    /// in the sequence `bin(i, 1), bin(i, 2), …` drawn from `(seed, i, attempt)` alone.
    fn signature_oph(&self, shingles: impl Iterator<Item = u64>) -> Signature {
        let n = self.opts.num_perm();
        let mut sig = vec![u32::MAX; n];
        if n == 0 {
            return sig;
        }
        let mut filled = vec![false; n];
        let seed = self.opts.seed;
        let mut any = false;
        for x in shingles {
            any = true;
            let h = mix64(x ^ seed);
            let bin = (((h >> 32) * n as u64) >> 32) as usize;
            let v = h as u32;
            if v < sig[bin] {
                sig[bin] = v;
            }
            filled[bin] = true;
        }
        if !any {
            return sig;
        }
        for i in 0..n {
            if filled[i] {
                continue;
            }
            let mut state = seed ^ ((i as u64) << 32) ^ 0xD3E5_17F0_0000_0000;
            loop {
                let r = splitmix64(&mut state);
                let j = (((r >> 32) * n as u64) >> 32) as usize;
                if filled[j] {
                    sig[i] = sig[j];
                    break;
                }
            }
        }
        sig
    }

    /// Classical MinHash: hash function `i` maps shingle `x` to the high 32 bits of
    /// `a[i]·x + b[i]` (mod 2^64).
    ///
    /// The product is computed from 32-bit halves, which vectorises (four 32×32 multiplies per
    /// lane instead of a 64×64 one); on x86-64 an AVX2 build of the same loop is picked at
    /// run time. The result is the same on every path.
    fn signature_classic(&self, shingles: &[u64]) -> Signature {
        let mut sig = vec![u32::MAX; self.halves.a_lo.len()];
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2 (checked just above).
                unsafe { signature_avx2(&self.halves, shingles, &mut sig) };
                sig.truncate(self.opts.num_perm());
                return sig;
            }
        }
        signature_blocks(&self.halves, shingles, &mut sig);
        sig.truncate(self.opts.num_perm());
        sig
    }

    /// The signature as a plain loop over 64-bit products: the definition
    /// [`signature_of`](Self::signature_of) must match (used by the tests).
    #[cfg(test)]
    fn signature_reference(&self, shingles: &[u64]) -> Signature {
        // The hash functions exactly as `new` draws them, independently of the halves.
        let n = self.opts.num_perm();
        let mut state = self.opts.seed;
        let a: Vec<u64> = (0..n).map(|_| splitmix64(&mut state) | 1).collect();
        let b: Vec<u64> = (0..n).map(|_| splitmix64(&mut state)).collect();
        let mut sig = vec![u32::MAX; n];
        for &x in shingles {
            for (s, (a, b)) in sig.iter_mut().zip(a.iter().zip(&b)) {
                let h = (a.wrapping_mul(x).wrapping_add(*b) >> 32) as u32;
                if h < *s {
                    *s = h;
                }
            }
        }
        sig
    }

    pub fn signature(&self, text: &str) -> Signature {
        // MinHash ignores order and repeats: no need to sort and deduplicate the shingles.
        self.signature_of(&self.shingle_hashes(text))
    }

    /// The exact-copy key of a text and the signature of that key, in one pass over the text:
    /// the same as `(copy_key(text), self.signature(&copy_key(text)))`, which is what
    /// [`CopyDetector::add`] uses.
    pub fn key_and_signature(&self, text: &str) -> (String, Signature) {
        let (key, words) = key_and_word_hashes(text);
        (key, self.signature_of_words(&words))
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn signature_avx2(h: &Halves, shingles: &[u64], sig: &mut [u32]) {
    signature_blocks(h, shingles, sig)
}

/// `sig[i] = min(sig[i], hi32(a[i]·x + b[i]))` over all shingles `x`, on 32-bit halves:
/// with `a·x = a_lo·x_lo + 2^32·(a_hi·x_lo + a_lo·x_hi)` (mod 2^64), the high half of
/// `a·x + b` is `hi(a_lo·x_lo) + lo(a_hi·x_lo + a_lo·x_hi) + b_hi + carry`, where `carry`
/// comes from `lo(a_lo·x_lo) + b_lo`.
#[inline(always)]
fn signature_blocks(h: &Halves, shingles: &[u64], sig: &mut [u32]) {
    let blocks = sig.len() / LANES;
    for blk in 0..blocks {
        let r = blk * LANES..(blk + 1) * LANES;
        let a_lo: &[u32; LANES] = h.a_lo[r.clone()].try_into().unwrap();
        let a_hi: &[u32; LANES] = h.a_hi[r.clone()].try_into().unwrap();
        let b_lo: &[u32; LANES] = h.b_lo[r.clone()].try_into().unwrap();
        let b_hi: &[u32; LANES] = h.b_hi[r.clone()].try_into().unwrap();
        let mut acc: [u32; LANES] = sig[r.clone()].try_into().unwrap();
        for &x in shingles {
            let x_lo = x as u32;
            let x_hi = (x >> 32) as u32;
            for l in 0..LANES {
                let p = a_lo[l] as u64 * x_lo as u64;
                let lo = p as u32;
                let sum_lo = lo.wrapping_add(b_lo[l]);
                let carry = (sum_lo < lo) as u32;
                let v = ((p >> 32) as u32)
                    .wrapping_add(a_hi[l].wrapping_mul(x_lo))
                    .wrapping_add(a_lo[l].wrapping_mul(x_hi))
                    .wrapping_add(b_hi[l])
                    .wrapping_add(carry);
                acc[l] = acc[l].min(v);
            }
        }
        sig[r].copy_from_slice(&acc);
    }
}

/// xxh3 hashes of the lower-cased word tokens of `text`: the same values as
/// `tokens(text).iter().map(|t| hash64(&t.lower))`.
fn word_hashes(text: &str, out: &mut Vec<u64>) {
    for_each_token(text, |w| out.push(xxhash_rust::xxh3::xxh3_64(w)));
}

/// The exact-copy key: the same string as [`storyline_text::fingerprint_key`] (lower-cased word
/// tokens joined by single spaces), computed without per-token allocations for ASCII text.
pub fn copy_key(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    for_each_token(text, |w| {
        if !out.is_empty() {
            out.push(b' ');
        }
        out.extend_from_slice(w);
    });
    // The tokens are whole UTF-8 strings (ASCII slices or `Token::lower`).
    String::from_utf8(out).expect("tokens are UTF-8")
}

/// [`copy_key`] of `text` and the xxh3 hashes of the word tokens *of that key* (what
/// [`MinHasher::signature`] of the key hashes), in one pass over `text`.
///
/// Re-tokenising a key token that came from an ASCII piece gives that token with the
/// possessive rule applied once more (its joiners still join, it starts with a letter or
/// digit and ends with one); key tokens from other pieces are re-tokenised with `tokens`.
///
/// The text is first classified into bit masks ([`Masks`], 16 bytes at a time with SSE2):
/// the ASCII tokens are the runs of the token mask; a piece (between ASCII whitespace) with a
/// non-ASCII byte goes through [`tokens`] instead.
fn key_and_word_hashes(text: &str) -> (String, Vec<u64>) {
    let b = text.as_bytes();
    let n = b.len();
    // The key is written at `pos` into a zeroed buffer with 16 spare bytes, so that short
    // tokens are copied as fixed 16-byte blocks (one move each, no call).
    let mut key: Vec<u8> = vec![0; n + 17];
    let mut pos = 0;
    let mut words = Vec::with_capacity(n / 5);
    let m = Masks::new(b);
    let mut p = 0;
    // The next non-ASCII byte at or after `p` (recomputed once `p` passes it).
    let mut h = m.next_set(HIGH, 0);
    loop {
        // Next token start (ASCII pieces) or non-ASCII byte, whichever comes first.
        let t = m.next_set(TOKEN, p);
        if h < p {
            h = m.next_set(HIGH, p);
        }
        if t >= n && h >= n {
            break;
        }
        if h < n {
            // The piece holding byte `h` (between ASCII whitespace) starts at or after `p`
            // unless a token of an earlier ASCII piece comes first.
            let start = m.prev_set(SPACE, h).map_or(0, |w| w + 1).max(p);
            if start <= t {
                let end = m.next_set(SPACE, h);
                // Cut at ASCII bytes of a valid UTF-8 string: still valid UTF-8.
                let piece = std::str::from_utf8(&b[start..end]).expect("cut at ASCII whitespace");
                for t in tokens(piece) {
                    let lower = t.lower.as_bytes();
                    if key.len() < pos + lower.len() + 17 {
                        key.resize(pos + lower.len() + 17, 0);
                    }
                    if pos > 0 {
                        key[pos] = b' ';
                        pos += 1;
                    }
                    key[pos..pos + lower.len()].copy_from_slice(lower);
                    pos += lower.len();
                    words.extend(tokens(&t.lower).iter().map(|t| hash64(&t.lower)));
                }
                p = end;
                continue;
            }
        }
        let end = m.next_clear(TOKEN, t);
        let len = end - t;
        // (Lower-casing, hence the token, may have grown the key past the text.)
        if key.len() < pos + len + 17 {
            key.resize(pos + len + 17, 0);
        }
        if pos > 0 {
            key[pos] = b' ';
            pos += 1;
        }
        if m.any_in(UPPER, t, end) {
            let tok = &mut key[pos..pos + len];
            for (k, &c) in tok.iter_mut().zip(&b[t..end]) {
                *k = c.to_ascii_lowercase();
            }
            let len = strip_possessive(tok).len();
            words.push(xxhash_rust::xxh3::xxh3_64(strip_possessive(&tok[..len])));
            pos += len;
        } else {
            // Already lower-case: copy and hash from `b` (not from bytes just written).
            let tok = strip_possessive(&b[t..end]);
            if tok.len() <= 16 && t + 16 <= n {
                key[pos..pos + 16].copy_from_slice(&b[t..t + 16]);
            } else {
                key[pos..pos + tok.len()].copy_from_slice(tok);
            }
            pos += tok.len();
            words.push(xxhash_rust::xxh3::xxh3_64(strip_possessive(tok)));
        }
        p = end;
    }
    key.truncate(pos);
    let key = String::from_utf8(key).expect("tokens are UTF-8");
    (key, words)
}

/// Masks of up to 64 bytes: [letter, digit, apostrophe, `.` or `,`, whitespace, non-ASCII,
/// capital] (ASCII classes).
fn classify_scalar(chunk: &[u8]) -> [u64; 7] {
    let mut m = [0u64; 7];
    for (j, &x) in chunk.iter().enumerate() {
        let is_upper = x.wrapping_sub(b'A') < 26;
        let is_lower = x.wrapping_sub(b'a') < 26;
        let classes = [
            is_upper | is_lower,
            x.is_ascii_digit(),
            x == b'\'',
            x == b'.' || x == b',',
            x.is_ascii_whitespace(),
            x >= 0x80,
            is_upper,
        ];
        for (m, c) in m.iter_mut().zip(classes) {
            *m |= (c as u64) << j;
        }
    }
    m
}

/// [`classify_scalar`] of a 64-byte block, 16 bytes at a time.
#[cfg(target_arch = "x86_64")]
#[inline]
unsafe fn classify_sse2(block: &[u8; 64]) -> [u64; 7] {
    use std::arch::x86_64::*;
    let mut m = [0u64; 7];
    // `x` in `lo..lo + len` (unsigned), with signed compares.
    let range = |v: __m128i, lo: u8, len: u8| {
        let shifted = _mm_add_epi8(v, _mm_set1_epi8(128u8.wrapping_sub(lo) as i8));
        _mm_cmplt_epi8(shifted, _mm_set1_epi8((len as i8).wrapping_add(i8::MIN)))
    };
    for k in 0..4 {
        let v = _mm_loadu_si128(block.as_ptr().add(k * 16) as *const __m128i);
        let upper = range(v, b'A', 26);
        let letter = _mm_or_si128(upper, range(v, b'a', 26));
        let digit = range(v, b'0', 10);
        let apos = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\'' as i8));
        let dot = _mm_or_si128(
            _mm_cmpeq_epi8(v, _mm_set1_epi8(b'.' as i8)),
            _mm_cmpeq_epi8(v, _mm_set1_epi8(b',' as i8)),
        );
        // ASCII whitespace: ' ', \t, \n, \x0C, \r (not \x0B).
        let space = _mm_or_si128(
            _mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8)),
            _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x0B)), range(v, b'\t', 5)),
        );
        let classes = [letter, digit, apos, dot, space, v, upper];
        for (m, c) in m.iter_mut().zip(classes) {
            *m |= ((_mm_movemask_epi8(c) as u32 & 0xFFFF) as u64) << (k * 16);
        }
    }
    m
}

/// Bit masks over the bytes of a text (bit `i % 64` of block `i / 64` is byte `i`): per block,
/// the classes of [`classify_scalar`] and then [`TOKEN`].
struct Masks {
    n: usize,
    blocks: Vec<[u64; 8]>,
}

const LETTER: usize = 0;
const DIGIT: usize = 1;
const APOS: usize = 2;
const DOT: usize = 3;
/// ASCII whitespace.
const SPACE: usize = 4;
/// Non-ASCII bytes.
const HIGH: usize = 5;
/// ASCII capitals.
const UPPER: usize = 6;
/// Bytes of ASCII tokens (the rules of [`ascii_tokens`]): letters and digits, an apostrophe
/// between two letters, a `.` or `,` between two digits; only meaningful in ASCII pieces.
const TOKEN: usize = 7;

impl Masks {
    fn new(b: &[u8]) -> Self {
        let count = b.len().div_ceil(64);
        let mut blocks = vec![[0u64; 8]; count];
        let mut w = 0;
        #[cfg(target_arch = "x86_64")]
        while (w + 1) * 64 <= b.len() {
            let block: &[u8; 64] = b[w * 64..(w + 1) * 64].try_into().unwrap();
            // SAFETY: SSE2 is part of the x86-64 baseline.
            let m = unsafe { classify_sse2(block) };
            blocks[w][..7].copy_from_slice(&m);
            w += 1;
        }
        for (w, chunk) in b.chunks(64).enumerate().skip(w) {
            blocks[w][..7].copy_from_slice(&classify_scalar(chunk));
        }
        // Bit i of `before(k)` is bit i - 1 of class k; of `after(k)`, bit i + 1.
        for w in 0..count {
            let before =
                |k: usize| (blocks[w][k] << 1) | if w > 0 { blocks[w - 1][k] >> 63 } else { 0 };
            let after =
                |k: usize| (blocks[w][k] >> 1) | blocks.get(w + 1).map_or(0, |x| x[k] << 63);
            let m = &blocks[w];
            let joins = (m[APOS] & before(LETTER) & after(LETTER))
                | (m[DOT] & before(DIGIT) & after(DIGIT));
            blocks[w][TOKEN] = m[LETTER] | m[DIGIT] | joins;
        }
        Masks { n: b.len(), blocks }
    }

    /// The first bit of class `k` set (or clear, with `flip = u64::MAX`) at or after `from`,
    /// or `n`.
    #[inline]
    fn next(&self, k: usize, flip: u64, from: usize) -> usize {
        let mut w = from / 64;
        if w >= self.blocks.len() {
            return self.n;
        }
        let mut x = (self.blocks[w][k] ^ flip) & (u64::MAX << (from % 64));
        loop {
            if x != 0 {
                return (w * 64 + x.trailing_zeros() as usize).min(self.n);
            }
            w += 1;
            if w >= self.blocks.len() {
                return self.n;
            }
            x = self.blocks[w][k] ^ flip;
        }
    }

    #[inline]
    fn next_set(&self, k: usize, from: usize) -> usize {
        self.next(k, 0, from)
    }

    #[inline]
    fn next_clear(&self, k: usize, from: usize) -> usize {
        self.next(k, u64::MAX, from)
    }

    /// The last bit of class `k` set before `to`, if any.
    fn prev_set(&self, k: usize, to: usize) -> Option<usize> {
        let mut w = to / 64;
        let mut x = if to & 63 == 0 {
            w = w.checked_sub(1)?;
            self.blocks[w][k]
        } else {
            self.blocks[w][k] & ((1u64 << (to % 64)) - 1)
        };
        loop {
            if x != 0 {
                return Some(w * 64 + 63 - x.leading_zeros() as usize);
            }
            w = w.checked_sub(1)?;
            x = self.blocks[w][k];
        }
    }

    /// Whether any bit of class `k` in `from..to` is set.
    #[inline]
    fn any_in(&self, k: usize, from: usize, to: usize) -> bool {
        self.next_set(k, from) < to
    }
}

/// Calls `emit` with the lower-cased form of each word token of `text` (`Token::lower` of
/// [`storyline_text::tokens`]), in order. A token never spans ASCII whitespace (it is neither
/// a word character nor a joiner, and a joiner needs a word character after it), so the text is
/// cut at ASCII whitespace: pure-ASCII pieces (nearly all of them) go through an
/// allocation-free byte scanner, the others through `tokens`.
#[inline]
fn for_each_token(text: &str, mut emit: impl FnMut(&[u8])) {
    for_each_token_ascii(text, |w, _| emit(w))
}

/// [`for_each_token`], also telling whether the token came from an ASCII piece.
#[inline]
fn for_each_token_ascii(text: &str, mut emit: impl FnMut(&[u8], bool)) {
    let mut buf: Vec<u8> = Vec::with_capacity(64);
    for piece in text.as_bytes().split(u8::is_ascii_whitespace) {
        if piece.is_empty() {
            continue;
        }
        if piece.is_ascii() {
            ascii_tokens(piece, |w| {
                buf.clear();
                buf.extend(w.iter().map(u8::to_ascii_lowercase));
                emit(strip_possessive(&buf), true);
            });
        } else {
            // Cut at ASCII bytes of a valid UTF-8 string: still valid UTF-8.
            let piece = std::str::from_utf8(piece).expect("cut at ASCII whitespace");
            for t in tokens(piece) {
                emit(t.lower.as_bytes(), false);
            }
        }
    }
}

/// A possessive "'s" is dropped from a (lower-cased) token longer than two bytes.
#[inline]
fn strip_possessive(w: &[u8]) -> &[u8] {
    if w.len() > 2 && w.ends_with(b"'s") {
        &w[..w.len() - 2]
    } else {
        w
    }
}

/// The word tokens of an ASCII string (before lower-casing and the possessive rule), with the
/// rules of [`storyline_text::tokens`]: runs of letters and digits, joined across an
/// apostrophe between letters and a `.` or `,` between digits.
#[inline]
fn ascii_tokens(b: &[u8], mut emit: impl FnMut(&[u8])) {
    let n = b.len();
    let mut i = 0;
    while i < n {
        if !b[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        let mut prev = b[i];
        let mut end = i + 1;
        let mut j = i + 1;
        while j < n {
            let d = b[j];
            if d.is_ascii_alphanumeric() {
                prev = d;
                j += 1;
                end = j;
                continue;
            }
            let joins = match (d, b.get(j + 1)) {
                (b'\'', Some(nx)) => prev.is_ascii_alphabetic() && nx.is_ascii_alphabetic(),
                (b'.' | b',', Some(nx)) => prev.is_ascii_digit() && nx.is_ascii_digit(),
                _ => false,
            };
            if joins {
                j += 1;
                continue;
            }
            break;
        }
        emit(&b[start..end]);
        i = j;
    }
}

/// The splitmix64 finaliser: a bijective 64-bit mixer.
#[inline]
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
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

fn band_key(band: &[u32]) -> u64 {
    let mut h = 0u64;
    for &v in band {
        h = (h ^ v as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(23);
    }
    h
}

/// Hasher for keys that are already well-mixed 64-bit hashes (LSH band keys).
#[derive(Debug, Default, Clone, Copy)]
struct MixedKeyHasher(u64);

impl Hasher for MixedKeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x100_0000_01B3);
        }
    }
    fn write_u64(&mut self, x: u64) {
        let z = x.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = z ^ (z >> 29);
    }
}

type BandTable = HashMap<u64, u32, BuildHasherDefault<MixedKeyHasher>>;

/// LSH index over signatures: `bands` hash tables keyed by the hash of each band.
///
/// Each table maps a band key to the newest entry of its bucket; entries (`id`, previous
/// entry of the same bucket) live in one vector per table, so a bucket costs no allocation.
#[derive(Debug, Default)]
pub struct LshIndex {
    rows: usize,
    tables: Vec<BandTable>,
    /// Per table: (id, index + 1 of the previous entry in the same bucket, 0 = none).
    entries: Vec<Vec<(u32, u32)>>,
}

impl LshIndex {
    pub fn new(bands: usize, rows: usize) -> Self {
        LshIndex {
            rows,
            tables: (0..bands).map(|_| BandTable::default()).collect(),
            entries: (0..bands).map(|_| Vec::new()).collect(),
        }
    }

    fn band_keys<'a>(&'a self, sig: &'a [u32]) -> impl Iterator<Item = u64> + 'a {
        sig.chunks(self.rows).map(band_key)
    }

    pub fn insert(&mut self, id: u32, sig: &[u32]) {
        let bands = sig
            .chunks(self.rows)
            .zip(self.tables.iter_mut().zip(&mut self.entries));
        for (band, (table, entries)) in bands {
            let key = band_key(band);
            entries.push((id, 0));
            let me = entries.len() as u32;
            let head = table.entry(key).or_insert(0);
            entries[me as usize - 1].1 = *head;
            *head = me;
        }
    }

    /// Ids sharing at least one band with `sig`, sorted and deduplicated.
    pub fn candidates(&self, sig: &[u32]) -> Vec<u32> {
        let mut out = Vec::new();
        let tables = self.tables.iter().zip(&self.entries);
        for ((table, entries), key) in tables.zip(self.band_keys(sig)) {
            let mut at = table.get(&key).copied().unwrap_or(0);
            while at != 0 {
                let (id, prev) = entries[at as usize - 1];
                out.push(id);
                at = prev;
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Every pair `(earlier, later)` of signatures (indices into `sigs`) that share at least one
/// band, sorted and deduplicated: the candidates [`LshIndex`] gives when the signatures are
/// inserted in order, each queried before it is inserted, computed for a whole batch by
/// sorting each band's keys instead of hash tables.
pub fn candidate_pairs(sigs: &[Signature], bands: usize, rows: usize) -> Vec<(u32, u32)> {
    let n = sigs.len();
    let mut keys: Vec<(u64, u32)> = Vec::with_capacity(n);
    let mut pairs: Vec<u64> = Vec::new();
    for b in 0..bands {
        keys.clear();
        keys.extend(sigs.iter().enumerate().filter_map(|(i, s)| {
            let band = s.get(b * rows..(b + 1) * rows)?;
            Some((band_key(band), i as u32))
        }));
        keys.sort_unstable();
        for group in keys.chunk_by(|x, y| x.0 == y.0) {
            for (x, &(_, i)) in group.iter().enumerate() {
                for &(_, j) in &group[x + 1..] {
                    pairs.push(((i as u64) << 32) | j as u64);
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
        .into_iter()
        .map(|p| ((p >> 32) as u32, p as u32))
        .collect()
}

/// How a document matched an earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyKind {
    Exact,
    Near,
}

impl CopyKind {
    /// `exact` or `near`, as in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            CopyKind::Exact => "exact",
            CopyKind::Near => "near",
        }
    }
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
        let (key, sig) = self.hasher.key_and_signature(text);
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
    use storyline_text::fingerprint_key;

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

    /// Texts that exercise the tokenizer's edge cases (joiners, possessives, digits, case).
    fn tricky_texts() -> Vec<String> {
        let mut v: Vec<String> = [
            "",
            "   ",
            "a",
            "Don't stop: it's 3.5 or 1,000 -- James's dog's bone's x's's y'",
            "rock'n'roll 'quoted' words' 's s' 1.2.3 1,,2 a.b 9. .9 ,5 U.S. e.g. 'tis",
            "ABC's DEF'S ghi'S 12's 3'4 a'1 1'a O'Neill's",
            "end with joiner 3. and 4, and x' and 'y",
            "Ünïcödé text, naïve café — “quotes” and İstanbul's",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.push(TEXT.to_string());
        // Pseudo-random ASCII soup over the characters the rules care about.
        let alphabet = b"aZ09 '.,s-\n\tQ";
        let mut state = 7u64;
        for len in [5usize, 40, 200, 1000] {
            for _ in 0..20 {
                let s: String = (0..len)
                    .map(|_| {
                        alphabet[(splitmix64(&mut state) % alphabet.len() as u64) as usize] as char
                    })
                    .collect();
                v.push(s);
            }
        }
        // The same with non-ASCII characters mixed in, over several 64-byte blocks.
        let alphabet: Vec<char> = "aZ09 '.,s-\n\tQéÉ’—İß ".chars().collect();
        for len in [3usize, 70, 300, 2000] {
            for _ in 0..20 {
                let s: String = (0..len)
                    .map(|_| alphabet[(splitmix64(&mut state) % alphabet.len() as u64) as usize])
                    .collect();
                v.push(s);
            }
        }
        v
    }

    #[test]
    fn fast_tokenizer_matches_text_tokens() {
        for t in tricky_texts() {
            assert_eq!(copy_key(&t), fingerprint_key(&t), "{t:?}");
            let mut fast = Vec::new();
            word_hashes(&t, &mut fast);
            let slow: Vec<u64> = tokens(&t).iter().map(|t| hash64(&t.lower)).collect();
            assert_eq!(fast, slow, "{t:?}");
            let h = MinHasher::new(MinHashOptions::default());
            let key = fingerprint_key(&t);
            assert_eq!(
                h.key_and_signature(&t),
                (key.clone(), h.signature(&key)),
                "{t:?}"
            );
        }
    }

    #[test]
    fn classic_signature_matches_the_64_bit_definition() {
        let classic = MinHashOptions {
            sketch: Sketch::Classic,
            ..Default::default()
        };
        let h = MinHasher::new(classic.clone());
        for t in tricky_texts() {
            let sh = h.shingles(&t);
            assert_eq!(h.signature_of(&sh), h.signature_reference(&sh), "{t:?}");
            assert_eq!(h.signature(&t), h.signature_of(&sh), "{t:?}");
        }
        let mut state = 1u64;
        let xs: Vec<u64> = (0..1000).map(|_| splitmix64(&mut state)).collect();
        let extremes = [0, 1, u64::MAX, u64::MAX - 1, 1 << 32, (1 << 32) - 1];
        assert_eq!(h.signature_of(&xs), h.signature_reference(&xs));
        assert_eq!(h.signature_of(&extremes), h.signature_reference(&extremes));
        assert_eq!(h.signature_of(&[]), vec![u32::MAX; 126]);
        // Other sizes than a multiple of the block width.
        for (bands, rows) in [(1, 1), (5, 3), (20, 5), (16, 8)] {
            let h = MinHasher::new(MinHashOptions {
                bands,
                rows,
                ..classic.clone()
            });
            assert_eq!(h.signature_of(&xs).len(), bands * rows);
            assert_eq!(h.signature_of(&xs), h.signature_reference(&xs));
        }
    }

    #[test]
    fn one_permutation_signature_is_a_densified_bin_minimum() {
        let h = MinHasher::new(MinHashOptions::default());
        let mut state = 3u64;
        let xs: Vec<u64> = (0..400).map(|_| splitmix64(&mut state)).collect();
        let sig = h.signature_of(&xs);
        assert_eq!(sig.len(), 126);
        // Order and repeats do not matter.
        let mut ys = xs.clone();
        ys.reverse();
        ys.extend_from_slice(&xs[..50]);
        assert_eq!(h.signature_of(&ys), sig);
        // Every value is the hash of some shingle (its own bin's minimum or a borrowed one).
        let lows: std::collections::HashSet<u32> =
            xs.iter().map(|&x| mix64(x ^ h.opts.seed) as u32).collect();
        assert!(sig.iter().all(|v| lows.contains(v)));
        // One shingle: every bin borrows its value.
        let one = h.signature_of(&xs[..1]);
        assert!(one.iter().all(|&v| v == mix64(xs[0] ^ h.opts.seed) as u32));
        assert_eq!(h.signature_of(&[]), vec![u32::MAX; 126]);
        // Subsets share the values of the bins whose minimum they contain.
        let half = h.signature_of(&xs[..200]);
        let eq = estimate_jaccard(&sig, &half);
        assert!((eq - 0.5).abs() < 0.15, "{eq}");
    }

    #[test]
    fn lsh_candidates_share_a_band() {
        let mut lsh = LshIndex::new(3, 2);
        lsh.insert(0, &[1, 2, 3, 4, 5, 6]);
        lsh.insert(1, &[1, 2, 9, 9, 9, 9]);
        lsh.insert(2, &[7, 7, 3, 4, 8, 8]);
        lsh.insert(3, &[0, 0, 0, 0, 0, 0]);
        assert_eq!(lsh.candidates(&[1, 2, 3, 4, 0, 1]), vec![0, 1, 2]);
        assert_eq!(lsh.candidates(&[5, 5, 5, 5, 6, 5]), Vec::<u32>::new());
        assert_eq!(lsh.candidates(&[1, 2, 3, 4, 5, 6]), vec![0, 1, 2]);
        assert_eq!(lsh.candidates(&[0, 0, 5, 5, 0, 0]), vec![3]);
    }

    #[test]
    fn batch_candidate_pairs_match_the_incremental_index() {
        let h = MinHasher::new(MinHashOptions::default());
        let words: Vec<String> = (0..300).map(|i| format!("w{}", i % 97)).collect();
        let mut sigs = Vec::new();
        let mut state = 11u64;
        for d in 0..300 {
            // Overlapping windows of one word stream, some shuffled: many shared bands.
            let start = (splitmix64(&mut state) % 200) as usize;
            let len = 20 + d % 60;
            let end = (start + len).min(words.len());
            sigs.push(h.signature(&words[start..end].join(" ")));
        }
        let (bands, rows) = (42, 3);
        let mut lsh = LshIndex::new(bands, rows);
        let mut expected = Vec::new();
        for (i, s) in sigs.iter().enumerate() {
            expected.extend(lsh.candidates(s).into_iter().map(|c| (c, i as u32)));
            lsh.insert(i as u32, s);
        }
        expected.sort_unstable();
        assert!(expected.len() > 300, "{}", expected.len());
        assert_eq!(candidate_pairs(&sigs, bands, rows), expected);
    }

    #[test]
    fn candidate_curve_is_an_s_curve() {
        let o = MinHashOptions::default();
        assert!(o.candidate_probability(0.1) < 0.05);
        assert!(o.candidate_probability(0.5) > 0.99);
        assert!(o.candidate_probability(0.8) > 0.999);
    }
}
