//! `storyline align` and `storyline pair-score`: provenance at the level of two texts.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use storyline_align::{features_with, sent, Idf, PairEmbedding, PairModel, FEATURE_NAMES};
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
    /// Write the two sentence vectors of each pair to FILE as raw little-endian f32
    /// (pairs × 2 × dim), for experiments with the embeddings.
    #[arg(long, value_name = "FILE", hide = true)]
    vectors: Option<PathBuf>,
    /// Write the word-piece vectors of every sentence (a then b, pair by pair) to FILE: per
    /// sentence a little-endian u32 count, then count × dim f32.
    #[arg(long, value_name = "FILE", hide = true)]
    token_vectors: Option<PathBuf>,
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
        idf.add_sent(s);
    }
    let encoder = if args.no_embeddings {
        None
    } else {
        storyline_pipeline::load_encoder()
    };
    // Sentence and word-piece vectors, a's then b's of each pair.
    let encoded: Option<Vec<storyline_align::SentenceTokens>> = encoder.as_ref().and_then(|enc| {
        let texts: Vec<&str> = pairs
            .iter()
            .flat_map(|p| [p.a.as_str(), p.b.as_str()])
            .collect();
        enc.0.encode_tokens(&texts).or_else(|| {
            Some(
                enc.0
                    .encode(&texts)
                    .into_iter()
                    .map(|v| (v, Vec::new()))
                    .collect(),
            )
        })
    });
    let encoded = encoded.filter(|v| v.len() == 2 * pairs.len());
    let with_tokens = encoded
        .as_ref()
        .is_some_and(|v| v.iter().any(|(_, t)| !t.is_empty()));
    if let (Some(path), Some(v)) = (&args.vectors, &encoded) {
        let mut bytes = Vec::new();
        for (s, _) in v {
            for x in s {
                bytes.extend_from_slice(&x.to_le_bytes());
            }
        }
        std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let (Some(path), Some(v)) = (&args.token_vectors, &encoded) {
        let mut bytes = Vec::new();
        for (_, t) in v {
            bytes.extend_from_slice(&(t.len() as u32).to_le_bytes());
            for x in t.iter().flatten() {
                bytes.extend_from_slice(&x.to_le_bytes());
            }
        }
        std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let model = PairModel::for_inputs(encoded.is_some(), with_tokens);
    let mut w = crate::open_out(&args.out)?;
    for (i, p) in pairs.iter().enumerate() {
        let emb = encoded.as_ref().map(|v| {
            let (ua, ta) = &v[2 * i];
            let (ub, tb) = &v[2 * i + 1];
            PairEmbedding {
                cosine: storyline_align::align::cosine(ua, ub),
                tokens: with_tokens.then_some((ta.as_slice(), tb.as_slice())),
            }
        });
        let f = features_with(&sa[i], &sb[i], &idf, emb);
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
            // An array in the order of `feature_names` (printed on the first line's record).
            rec["features"] = serde_json::json!(f.values.as_slice());
            if i == 0 {
                rec["feature_names"] = serde_json::json!(FEATURE_NAMES.as_slice());
            }
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

/// Arguments of `storyline align`.
#[derive(clap::Args)]
pub struct AlignArgs {
    /// The earlier (source) article: a file in any input format (its first article is used).
    a: PathBuf,
    /// The later article, compared against A.
    b: PathBuf,
    /// Output format: side-by-side text, or JSON.
    #[arg(long, value_enum, default_value = "text")]
    format: AlignFormat,
    /// Colours in text output.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    /// Width of the side-by-side output (default: terminal width from $COLUMNS, else 120).
    #[arg(long)]
    width: Option<usize>,
    /// Do not use sentence embeddings even when the model is installed.
    #[arg(long)]
    no_embeddings: bool,
}

#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum AlignFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn first_article(path: &std::path::Path) -> Result<storyline_core::Article> {
    let mut first = None;
    let errors = crate::read_all(&[path.to_path_buf()], |a| {
        if first.is_none() {
            first = Some(a);
        }
    });
    first.ok_or_else(|| {
        let why = errors
            .first()
            .map(|e| e.to_string())
            .unwrap_or_else(|| "no article in it".into());
        anyhow::anyhow!("{}: {why}", path.display())
    })
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let cur = lines.last_mut().expect("non-empty");
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(word);
        }
    }
    lines
}

pub fn align_cmd(args: AlignArgs) -> Result<ExitCode> {
    use std::io::IsTerminal;
    use storyline_align::{align, b_is_copy, judge, AlignOptions, DeriveOptions, Doc, Side};
    let (a, b) = (first_article(&args.a)?, first_article(&args.b)?);
    let (ta, tb) = (
        storyline_text::normalize(&a.text),
        storyline_text::normalize(&b.text),
    );
    let analyzer = Analyzer::default();
    let (da, db) = (Doc::new(&analyzer, &ta), Doc::new(&analyzer, &tb));
    let mut idf = Idf::new();
    for s in da.sents.iter().chain(&db.sents) {
        idf.add_sent(s);
    }
    let encoder = if args.no_embeddings {
        None
    } else {
        storyline_pipeline::load_encoder()
    };
    let emb = |d: &Doc, t: &str| {
        encoder.as_ref().map(|e| {
            let s: Vec<&str> = d.sents.iter().map(|s| s.text(t)).collect();
            e.0.encode(&s)
        })
    };
    let (ea, eb) = (emb(&da, &ta), emb(&db, &tb));
    let opts = AlignOptions::default();
    let al = align(&da, &db, ea.as_deref(), eb.as_deref(), &idf, &opts);
    let side = |d: &Doc, t: &storyline_core::Article, c: f32| Side {
        time: t.published.map(|x| x.timestamp()),
        coverage: c,
        words: d.words(),
    };
    let b_copy = b_is_copy(side(&da, &a, al.coverage_a), side(&db, &b, al.coverage_b));
    let verdict = judge(&al, &db, &DeriveOptions::default());
    let mut w = crate::open_out(&None)?;
    if args.format == AlignFormat::Json {
        let pairs: Vec<serde_json::Value> = al
            .pairs
            .iter()
            .map(|p| {
                serde_json::json!({
                    "a_sentence": p.a, "b_sentence": p.b,
                    "a": da.sents[p.a].text(&ta), "b": db.sents[p.b].text(&tb),
                    "kind": p.kind.as_str(), "score": (p.score * 1000.0).round() / 1000.0,
                })
            })
            .collect();
        let out = serde_json::json!({
            "a": a.id, "b": b.id,
            "coverage_a": al.coverage_a, "coverage_b": al.coverage_b,
            "b_derives_from_a": verdict.map(|d| d.as_str()),
            "direction": if b_copy { "b copies a" } else { "a copies b" },
            "embeddings": ea.is_some(),
            "pairs": pairs,
        });
        writeln!(w, "{out}")?;
        w.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let width = args
        .width
        .or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()))
        .unwrap_or(120)
        .max(60);
    let col = (width - 14) / 2;
    writeln!(
        w,
        "A: {} ({} sentences)\nB: {} ({} sentences)",
        a.id,
        da.sents.len(),
        b.id,
        db.sents.len()
    )?;
    writeln!(
        w,
        "aligned: {} of B's sentences; {:.0}% of A's words and {:.0}% of B's words covered{}",
        al.pairs.len(),
        100.0 * al.coverage_a,
        100.0 * al.coverage_b,
        if ea.is_some() {
            "; embeddings on"
        } else {
            "; lexical only"
        }
    )?;
    let verdict_text = match verdict {
        Some(d) => format!(
            "B {} A ({})",
            if d.as_str() == "rewrite" {
                "is a rewrite of"
            } else {
                "partly copies"
            },
            d.as_str()
        ),
        None => "B does not derive from A".to_string(),
    };
    writeln!(
        w,
        "verdict: {verdict_text}; by time/containment/length {}\n",
        if b_copy {
            "B is the later copy"
        } else {
            "A would be the copy"
        }
    )?;
    let by_b: std::collections::HashMap<usize, &storyline_align::AlignedPair> =
        al.pairs.iter().map(|p| (p.b, p)).collect();
    for (j, sb) in db.sents.iter().enumerate() {
        let (tag, left, code) = match by_b.get(&j) {
            Some(p) => (
                format!("{:8} {:.2}", p.kind.as_str(), p.score),
                da.sents[p.a].text(&ta).to_string(),
                match p.kind.as_str() {
                    "verbatim" => "31",
                    "edited" => "33",
                    _ => "35",
                },
            ),
            None => ("own".to_string(), String::new(), "32"),
        };
        let (l, r) = (wrap(&left, col), wrap(sb.text(&tb), col));
        for k in 0..l.len().max(r.len()) {
            let ls = l.get(k).map(String::as_str).unwrap_or("");
            let rs = r.get(k).map(String::as_str).unwrap_or("");
            let t = if k == 0 { tag.as_str() } else { "" };
            let pad = col.saturating_sub(ls.chars().count());
            writeln!(
                w,
                "{}{} │ {:13}│ {}",
                paint(code, ls),
                " ".repeat(pad),
                paint(code, t),
                paint(code, rs)
            )?;
        }
    }
    w.flush()?;
    Ok(ExitCode::SUCCESS)
}
