//! `storyline align` and `storyline pair-score`: provenance at the level of two texts.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use storyline_align::{features, sent, Doc, Idf, PairModel, FEATURE_NAMES};
use storyline_text::Analyzer;

/// Arguments of `storyline pair-score`.
#[derive(clap::Args)]
pub struct PairScoreArgs {
    /// JSON lines {"id","a","b"}: two sentences (or short texts) per line; `-` for stdin.
    #[arg(long, short, value_name = "FILE")]
    input: PathBuf,
    /// Write to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Also write the feature values the model read (for fitting and inspection).
    #[arg(long)]
    features: bool,
    /// Do not use sentence embeddings even when the model is installed.
    #[arg(long)]
    no_embeddings: bool,
    /// Probability at or above which a pair is called a rewrite.
    #[arg(long, default_value_t = 0.5)]
    threshold: f32,
}

#[derive(serde::Deserialize)]
struct PairIn {
    id: serde_json::Value,
    a: String,
    b: String,
}

pub fn pair_score(args: PairScoreArgs) -> Result<ExitCode> {
    let reader: Box<dyn BufRead> = if args.input.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(&args.input)
                .with_context(|| format!("cannot open {}", args.input.display()))?,
        ))
    };
    let mut pairs = Vec::new();
    let mut bad = 0usize;
    for (n, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("{}: line {}", args.input.display(), n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<PairIn>(&line) {
            Ok(p) => pairs.push(p),
            Err(e) => {
                bad += 1;
                eprintln!("storyline: {}:{}: {e}", args.input.display(), n + 1);
            }
        }
    }
    let analyzer = Analyzer::default();
    let one = |t: &str| sent::sent(&analyzer, t, 0, t.len());
    let sa: Vec<_> = pairs.iter().map(|p| one(&p.a)).collect();
    let sb: Vec<_> = pairs.iter().map(|p| one(&p.b)).collect();
    // Rare words are rare in this input: every sentence counts as one document.
    let mut idf = Idf::new();
    for s in sa.iter().chain(&sb) {
        idf.add(s.stems.iter().map(String::as_str));
    }
    let encoder = if args.no_embeddings {
        None
    } else {
        storyline_pipeline::load_encoder()
    };
    let cosines: Option<Vec<f32>> = encoder.as_ref().map(|enc| {
        let texts: Vec<&str> = pairs.iter().flat_map(|p| [p.a.as_str(), p.b.as_str()]).collect();
        let v = enc.0.encode(&texts);
        (0..pairs.len())
            .map(|i| match (v.get(2 * i), v.get(2 * i + 1)) {
                (Some(x), Some(y)) => x.iter().zip(y).map(|(p, q)| p * q).sum(),
                _ => 0.0,
            })
            .collect()
    });
    let model = PairModel::default_for(cosines.is_some());
    let mut w = crate::open_out(&args.out)?;
    for (i, p) in pairs.iter().enumerate() {
        let f = features(&sa[i], &sb[i], &idf, cosines.as_ref().map(|c| c[i]));
        let score = if sa[i].words == sb[i].words && !sa[i].words.is_empty() {
            1.0
        } else {
            model.probability(&f)
        };
        let mut rec = serde_json::json!({
            "id": p.id,
            "score": (score * 10000.0).round() / 10000.0,
            "rewrite": score >= args.threshold,
        });
        if args.features {
            let names: serde_json::Map<String, serde_json::Value> = FEATURE_NAMES
                .iter()
                .zip(f.values)
                .map(|(n, v)| (n.to_string(), serde_json::json!(v)))
                .collect();
            rec["features"] = serde_json::Value::Object(names);
        }
        writeln!(w, "{rec}")?;
    }
    w.flush()?;
    if bad > 0 {
        eprintln!("storyline: {bad} line(s) could not be read");
    }
    Ok(if pairs.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Used by `align` below and by the pipeline's alignment output.
pub fn doc(analyzer: &Analyzer, text: &str) -> Doc {
    Doc::new(analyzer, text)
}
