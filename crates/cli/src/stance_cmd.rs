//! `storyline stance`: does a body agree with, deny, discuss, or ignore a claim?

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use storyline_analyse::stance::{Prepared, Stance, StanceClassifier, FEATURE_NAMES};
use storyline_core::ItemError;

/// Arguments of `storyline stance`.
#[derive(clap::Args)]
pub struct Args {
    /// JSON lines {"id","claim","body"}; `-` for stdin. Rare-word weights are learned from
    /// the whole input, so score pairs in batches.
    #[arg(long, short, value_name = "FILE")]
    input: PathBuf,
    /// Write to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Write the feature vector of each pair (and the words the lexicon reads) instead of
    /// the stance, for fitting (eval/stance.py).
    #[arg(long)]
    features: bool,
}

#[derive(serde::Deserialize)]
struct PairIn {
    id: serde_json::Value,
    claim: String,
    body: String,
}

fn round(x: f32) -> f64 {
    (f64::from(x) * 10000.0).round() / 10000.0
}

pub fn run(args: Args) -> Result<ExitCode> {
    let name = args.input.display().to_string();
    let reader: Box<dyn BufRead> = if args.input.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(&args.input).with_context(|| format!("cannot open {name}"))?,
        ))
    };
    let mut pairs = Vec::new();
    let mut errors = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("{name}: line {}", n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<PairIn>(&line) {
            Ok(p) => pairs.push(p),
            Err(e) => errors.push(ItemError::new(format!("{name}:{}", n + 1), e.to_string())),
        }
    }
    // Each distinct text once: for the rare-word weights, and prepared once.
    let mut texts: Vec<&str> = pairs
        .iter()
        .flat_map(|p| [p.claim.as_str(), p.body.as_str()])
        .collect();
    texts.sort_unstable();
    texts.dedup();
    let classifier = StanceClassifier::from_texts(texts.iter().copied());
    let prepared: HashMap<&str, Prepared> =
        texts.iter().map(|&t| (t, classifier.prepare(t))).collect();
    let mut w = crate::open_out(&args.out)?;
    let mut io_error = None;
    for (i, p) in pairs.iter().enumerate() {
        let (c, b) = (&prepared[p.claim.as_str()], &prepared[p.body.as_str()]);
        let rec = if args.features {
            let f = classifier.features(c, b);
            let mut rec = serde_json::json!({
                "id": p.id,
                "features": f.values.as_slice(),
                "words": {"claim": f.claim_words, "near": f.near_words, "body": f.body_words},
            });
            if i == 0 {
                rec["feature_names"] = serde_json::json!(FEATURE_NAMES.as_slice());
            }
            rec
        } else {
            let s = classifier.classify_prepared(c, b);
            let scores: serde_json::Map<String, serde_json::Value> = Stance::ALL
                .iter()
                .map(|&k| (k.as_str().to_string(), round(s.get(k)).into()))
                .collect();
            serde_json::json!({"id": p.id, "stance": s.best(), "scores": scores})
        };
        if let Err(e) = writeln!(w, "{rec}") {
            io_error = Some(e);
            break;
        }
    }
    crate::finish_lines(w, io_error, &errors, pairs.len() as u64)
}
