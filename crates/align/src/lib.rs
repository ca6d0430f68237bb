//! Provenance for Storyline: passage alignment between articles, rewrite ("spun copy") and
//! partial-copy detection, and the direction of copying.
//!
//! - [`sent`]: sentences prepared for comparison (words, content stems, names, numbers).
//! - [`pair`]: features of a sentence pair and the learned model scoring them (MRPC-fitted).
//! - [`align()`]: which sentences of B are verbatim, edited or reworded versions of A's.
//! - [`derive`]: the article-level rule (rewrite / partial) and the copy direction.
//!
//! Sentence embeddings are optional: callers pass one vector per sentence when they have a
//! model (see `storyline-embed`); without them the lexical model is used.

pub mod align;
pub mod derive;
pub mod pair;
pub mod sent;
mod weights;

pub use align::{align, align_pairs, AlignOptions, AlignedPair, Alignment, PassageKind};
pub use derive::{b_is_copy, judge, Derivation, DeriveOptions, Side};
pub use pair::{
    features, features_with, Features, PairEmbedding, PairModel, EMBEDDING_START, FEATURE_NAMES,
    N_FEATURES, TOKEN_START,
};
pub use sent::{Doc, Idf, Sent};

/// A sentence vector with the contextual vectors of the sentence's word pieces.
pub type SentenceTokens = (Vec<f32>, Vec<Vec<f32>>);

/// Something that embeds sentences: one L2-normalised vector per input sentence.
pub trait SentenceEncoder: Send + Sync {
    fn encode(&self, sentences: &[&str]) -> Vec<Vec<f32>>;

    /// Sentence vectors with the contextual vectors of each sentence's word pieces (one
    /// L2-normalised vector each), for the BERTScore features; `None` when the encoder
    /// cannot give them.
    fn encode_tokens(&self, _sentences: &[&str]) -> Option<Vec<SentenceTokens>> {
        None
    }
}
