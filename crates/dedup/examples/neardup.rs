//! Near-duplicate stage on a JSONL corpus: the Storyline side of `bench/neardup.py`.
//!
//! ```text
//! neardup CORPUS.jsonl --pairs PAIRS.tsv [--stats STATS.json] [--incremental] [--sketch oph|classic]
//! neardup CORPUS.jsonl --dump-tokens TOKENS.txt
//! neardup CORPUS.jsonl --score-pairs IN.tsv OUT.tsv [--sketch oph|classic]
//! ```
//!
//! Reads every line's `"text"` (the document id is its 0-based line number), then, on one
//! thread, does what [`storyline_dedup::CopyDetector`] does for a near copy:
//! `MinHasher::key_and_signature` ([`copy_key`]: normalised lower-cased word tokens; word
//! 5-shingles of the key; a 126-value signature, one-permutation hashing by default),
//! LSH candidates (42 bands × 3 rows) among the earlier documents, verification by the estimated
//! Jaccard ≥ threshold (0.5). Unlike `CopyDetector::add`, which keeps only the best earlier
//! match, it reports *every* verified pair, so pair-level precision and recall can be measured;
//! exact copies go through the same MinHash path (estimate 1.0).
//!
//! By default the candidates of the whole batch come from [`candidate_pairs`] (band keys sorted
//! per band); `--incremental` uses an [`LshIndex`] one document at a time instead (query, then
//! insert), as `CopyDetector` does. Both give the same pairs.
//!
//! `--pairs` gets one `earlier<TAB>later<TAB>estimate` line per pair. `--stats` gets a JSON
//! object with the timed stage (`stage_s`: from the texts in memory to the pairs in memory,
//! excluding reading and parsing the file and writing the pairs; `stage_cpu_s`: the CPU time
//! of the same stage) and its parts (wall time).
//!
//! `--dump-tokens` writes, for every document, its fingerprint key (the normalised tokens
//! joined by single spaces) on one line and stops: the Python tools in the benchmark's "from
//! tokens" measurement get exactly the same tokens from it. `--score-pairs` writes the
//! signature estimate of each `a<TAB>b` pair of `IN.tsv` (a diagnostic of the estimator).

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::time::Instant;

use storyline_dedup::{
    candidate_pairs, copy_key, estimate_jaccard, LshIndex, MinHashOptions, MinHasher, Sketch,
};

struct Args {
    corpus: String,
    pairs: Option<String>,
    stats: Option<String>,
    dump_tokens: Option<String>,
    score_pairs: Option<(String, String)>,
    sketch: Sketch,
    incremental: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mut corpus = None;
    let (mut pairs, mut stats, mut dump_tokens) = (None, None, None);
    let mut score_pairs = None;
    let mut sketch = Sketch::default();
    let mut incremental = false;
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--pairs" => pairs = Some(value("--pairs")?),
            "--stats" => stats = Some(value("--stats")?),
            "--dump-tokens" => dump_tokens = Some(value("--dump-tokens")?),
            "--sketch" => {
                sketch = match value("--sketch")?.as_str() {
                    "oph" => Sketch::OnePermutation,
                    "classic" => Sketch::Classic,
                    other => return Err(format!("unknown sketch {other} (oph, classic)")),
                }
            }
            "--incremental" => incremental = true,
            "--score-pairs" => {
                let input = value("--score-pairs")?;
                score_pairs = Some((input, value("--score-pairs")?));
            }
            _ if a.starts_with("--") => return Err(format!("unknown option {a}")),
            _ => corpus = Some(a),
        }
    }
    Ok(Args {
        corpus: corpus.ok_or("missing CORPUS.jsonl")?,
        pairs,
        stats,
        dump_tokens,
        score_pairs,
        sketch,
        incremental,
    })
}

fn read_texts(path: &str) -> std::io::Result<Vec<String>> {
    let f = BufReader::with_capacity(1 << 20, std::fs::File::open(path)?);
    let mut texts = Vec::new();
    for line in f.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        texts.push(v["text"].as_str().unwrap_or_default().to_string());
    }
    Ok(texts)
}

/// CPU time of this thread in seconds (Linux: /proc/thread-self/schedstat, in ns).
fn thread_cpu_s() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args().map_err(|e| {
        format!("{e}\nusage: neardup CORPUS.jsonl (--pairs PAIRS.tsv [--stats STATS.json] | --dump-tokens TOKENS.txt)")
    })?;
    let t_read = Instant::now();
    let texts = read_texts(&args.corpus)?;
    let read_s = t_read.elapsed().as_secs_f64();

    if let Some(path) = &args.dump_tokens {
        let mut w = BufWriter::new(std::fs::File::create(path)?);
        for t in &texts {
            writeln!(w, "{}", copy_key(t))?;
        }
        w.flush()?;
        return Ok(());
    }

    let opts = MinHashOptions {
        sketch: args.sketch,
        ..Default::default()
    };
    if let Ok(reps) = std::env::var("NEARDUP_TIME_SIGNATURES") {
        // Diagnostic: best-of-N CPU time of `key_and_signature` over the corpus.
        let hasher = MinHasher::new(opts.clone());
        let mut best = f64::MAX;
        for _ in 0..reps.parse::<usize>()? {
            let c0 = thread_cpu_s().unwrap_or(0.0);
            let mut acc = 0u64;
            for t in &texts {
                let (k, s) = hasher.key_and_signature(t);
                acc = acc.wrapping_add(k.len() as u64 + s[0] as u64);
            }
            std::hint::black_box(acc);
            best = best.min(thread_cpu_s().unwrap_or(0.0) - c0);
        }
        println!(
            "key_and_signature: best {best:.3} s CPU, {:.2} us/doc",
            best * 1e6 / texts.len() as f64
        );
        return Ok(());
    }
    if let Some((input, output)) = &args.score_pairs {
        let hasher = MinHasher::new(opts.clone());
        let sigs: Vec<Vec<u32>> = texts
            .iter()
            .map(|t| hasher.key_and_signature(t).1)
            .collect();
        let mut w = BufWriter::new(std::fs::File::create(output)?);
        for line in std::fs::read_to_string(input)?.lines() {
            let mut it = line.split('\t');
            let a: usize = it.next().unwrap_or_default().parse()?;
            let b: usize = it.next().unwrap_or_default().parse()?;
            let est = estimate_jaccard(&sigs[a], &sigs[b]);
            writeln!(w, "{a}\t{b}\t{est:.4}")?;
        }
        w.flush()?;
        return Ok(());
    }
    let threshold = opts.threshold;
    let hasher = MinHasher::new(opts.clone());
    let mut sigs: Vec<Vec<u32>> = Vec::with_capacity(texts.len());
    let mut pairs: Vec<(u32, u32, f64)> = Vec::new();
    let (key_sig_s, lsh_s);
    let mut candidates = 0usize;

    let cpu0 = thread_cpu_s();
    let t_stage = Instant::now();
    if args.incremental {
        // One document at a time, as `CopyDetector::add`: query the earlier ones, then insert.
        let mut lsh = LshIndex::new(opts.bands, opts.rows);
        let (mut a, mut b) = (0.0f64, 0.0f64);
        for (i, text) in texts.iter().enumerate() {
            let t0 = Instant::now();
            let (_key, sig) = hasher.key_and_signature(text);
            let t1 = Instant::now();
            let cands = lsh.candidates(&sig);
            candidates += cands.len();
            for c in cands {
                let est = estimate_jaccard(&sig, &sigs[c as usize]);
                if est >= threshold {
                    pairs.push((c, i as u32, est));
                }
            }
            lsh.insert(i as u32, &sig);
            sigs.push(sig);
            a += (t1 - t0).as_secs_f64();
            b += t1.elapsed().as_secs_f64();
        }
        (key_sig_s, lsh_s) = (a, b);
    } else {
        // The whole batch: signatures, then the same candidate pairs by sorting band keys.
        let t0 = Instant::now();
        // As `CopyDetector::add`: the key (for exact copies, not needed here) and its signature.
        sigs.extend(texts.iter().map(|t| hasher.key_and_signature(t).1));
        let t1 = Instant::now();
        let cands = candidate_pairs(&sigs, opts.bands, opts.rows);
        candidates = cands.len();
        for (c, i) in cands {
            let est = estimate_jaccard(&sigs[i as usize], &sigs[c as usize]);
            if est >= threshold {
                pairs.push((c, i, est));
            }
        }
        (key_sig_s, lsh_s) = ((t1 - t0).as_secs_f64(), t1.elapsed().as_secs_f64());
    }
    let stage_s = t_stage.elapsed().as_secs_f64();
    let stage_cpu_s = thread_cpu_s().zip(cpu0).map(|(b, a)| b - a);

    if let Some(path) = &args.pairs {
        let mut w = BufWriter::new(std::fs::File::create(path)?);
        for (a, b, est) in &pairs {
            writeln!(w, "{a}\t{b}\t{est:.4}")?;
        }
        w.flush()?;
    }
    if let Some(path) = &args.stats {
        let stats = serde_json::json!({
            "tool": "storyline",
            "docs": texts.len(),
            "read_s": read_s,
            "stage_s": stage_s,
            "stage_cpu_s": stage_cpu_s,
            "parts_s": {"key_signature": key_sig_s, "lsh_verify": lsh_s},
            "lsh": if args.incremental { "incremental" } else { "batch" },
            "candidates": candidates,
            "pairs": pairs.len(),
            "num_perm": opts.num_perm(),
            "bands": opts.bands,
            "rows": opts.rows,
            "threshold": threshold,
            "threads": 1,
        });
        std::fs::write(path, serde_json::to_string_pretty(&stats)?)?;
    }
    Ok(())
}
