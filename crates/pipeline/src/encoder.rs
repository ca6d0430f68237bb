//! The optional sentence encoder: all-MiniLM-L6-v2 through `storyline-embed` when the model
//! files are installed (`scripts/install-model.sh`), otherwise none (lexical signals only).

use std::sync::Arc;

use storyline_align::SentenceEncoder;

/// A shared sentence encoder.
#[derive(Clone)]
pub struct Encoder(pub Arc<dyn SentenceEncoder>);

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Encoder")
    }
}

#[cfg(feature = "embeddings")]
struct MiniLm(storyline_embed::Encoder);

#[cfg(feature = "embeddings")]
impl SentenceEncoder for MiniLm {
    fn encode(&self, sentences: &[&str]) -> Vec<Vec<f32>> {
        match self.0.encode(sentences) {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!("sentence embeddings failed ({e}); lexical signals only");
                Vec::new()
            }
        }
    }

    fn encode_tokens(&self, sentences: &[&str]) -> Option<Vec<storyline_align::SentenceTokens>> {
        match self.0.encode_tokens(sentences) {
            Ok(v) => Some(v.into_iter().map(|t| (t.sentence, t.tokens)).collect()),
            Err(e) => {
                tracing::warn!("token embeddings failed ({e}); lexical signals only");
                None
            }
        }
    }
}

/// Load the embedding model if it is installed. Logs (at info level) where it came from,
/// or (at warn level, once) that Storyline falls back to lexical signals.
pub fn load_encoder() -> Option<Encoder> {
    #[cfg(feature = "embeddings")]
    {
        match storyline_embed::Encoder::locate() {
            Ok(Some(e)) => {
                tracing::info!("sentence embeddings from {}", e.dir().display());
                return Some(Encoder(Arc::new(MiniLm(e))));
            }
            Ok(None) => tracing::warn!(
                "sentence-embedding model not installed (scripts/install-model.sh, or set {}); \
                 rewrite detection uses lexical signals only",
                storyline_embed::MODEL_ENV
            ),
            Err(e) => tracing::warn!(
                "sentence-embedding model could not be loaded ({e}); lexical signals only"
            ),
        }
    }
    #[cfg(not(feature = "embeddings"))]
    tracing::warn!(
        "built without sentence embeddings; rewrite detection uses lexical signals only"
    );
    None
}
