//! `storyline quotes`: direct quotes and their speakers, one JSON line per quote.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use storyline_analyse::QuoteAnalyzer;

/// Print the direct quotes of each article with their speakers: one JSON line per quote,
/// {"article","speaker","text","start","end","parts","speaker_mention","cue","method"}.
///
/// Offsets are character (not byte) offsets into the article text as read (the "text" of
/// `storyline extract`), quotation marks excluded. See docs/json.md.
#[derive(clap::Args)]
pub struct Args {
    /// Files, folders or `-` (stdin).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Write to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let analyzer = QuoteAnalyzer::default_ref();
    let mut w = crate::open_out(&args.out)?;
    let mut articles = 0u64;
    let mut io_error = None;
    let errors = crate::read_all(&args.paths, |a| {
        articles += 1;
        if io_error.is_some() {
            return;
        }
        for q in analyzer.analyze(&a.text) {
            let line = serde_json::json!({
                "article": a.id,
                "speaker": q.speaker,
                "text": q.text,
                "start": q.start,
                "end": q.end,
                "parts": q.parts,
                "kind": q.kind,
                "speaker_mention": q.speaker_mention,
                "cue": q.cue,
                "method": q.method,
            });
            if let Err(e) = writeln!(w, "{line}") {
                io_error = Some(e);
                return;
            }
        }
    });
    crate::finish_lines(w, io_error, &errors, articles)
}
