//! Print each input article as one JSON line, like `storyline extract`:
//! `{"id","title","text","url","source","published","language","byline"}`.
//!
//! ```text
//! cargo run --release -p storyline-ingest --example extract -- FILES...
//! ```
//!
//! For experiments on HTML extraction, `--set name=value` changes a knob of the pipeline
//! (see `storyline_ingest::html::Tuning::set`, e.g. `--set engine=trafilatura`,
//! `--set rm_class=false`); pages are then read directly (gzip allowed) instead of through
//! `read_input`. Errors go to stderr; `--time` prints pages per second there.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::Instant;

use storyline_ingest::html::{extract_tuned, Tuning};
use storyline_ingest::{extract_record as line, read_paths, Article, ReadOptions};

fn main() {
    let mut tuning = Tuning::default();
    let mut tuned = false;
    let mut time = false;
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--set" => {
                let kv = args.next().unwrap_or_default();
                let (k, v) = kv.split_once('=').unwrap_or((kv.as_str(), ""));
                if let Err(e) = tuning.set(k, v) {
                    eprintln!("extract: {e}");
                    std::process::exit(2);
                }
                tuned = true;
            }
            "--time" => time = true,
            "-h" | "--help" => {
                eprintln!("usage: extract [--set name=value]... [--time] FILES...");
                return;
            }
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let start = Instant::now();
    let mut count = 0usize;
    if tuned {
        for p in &paths {
            let mut bytes = Vec::new();
            let read = std::fs::File::open(p).and_then(|mut f| f.read_to_end(&mut bytes));
            if let Err(e) = read {
                eprintln!("{}: {e}", p.display());
                continue;
            }
            if bytes.starts_with(&[0x1f, 0x8b]) {
                let mut plain = Vec::new();
                if let Err(e) =
                    flate2::read::MultiGzDecoder::new(&bytes[..]).read_to_end(&mut plain)
                {
                    eprintln!("{}: {e}", p.display());
                    continue;
                }
                bytes = plain;
            }
            let html = String::from_utf8_lossy(&bytes);
            let ex = extract_tuned(&html, None, &tuning);
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let a = Article {
                id: name.split('.').next().unwrap_or_default().to_string(),
                title: ex.title,
                text: ex.text,
                url: ex.url,
                source: ex.source,
                published: ex.published,
                language: ex.language,
                byline: ex.byline,
                ..Default::default()
            };
            count += 1;
            writeln!(out, "{}", line(&a)).ok();
        }
    } else {
        read_paths(&paths, &ReadOptions::default(), &mut |item| match item {
            Ok(a) => {
                count += 1;
                writeln!(out, "{}", line(&a)).ok();
            }
            Err(e) => eprintln!("{e}"),
        });
    }
    out.flush().ok();
    if time {
        let s = start.elapsed().as_secs_f64();
        eprintln!("{count} articles in {s:.2}s ({:.1}/s)", count as f64 / s);
    }
}
