//! `storyline`: turn a flood of news articles into stories.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use storyline_core::{Article, ItemError};
use storyline_ingest::{discover, read_input, ReadOptions};
use storyline_pipeline::{Options, Output, Progress};

mod provenance_cmds;
mod quotes_cmd;
mod report_cmd;
mod stance_cmd;
mod store_cmds;

const EXAMPLES: &str = "\
Examples:
  storyline analyze examples/sample                 stories of the sample corpus, as JSON
  storyline analyze news/ --format markdown         a readable report
  storyline analyze feed.jsonl.gz --out stories.json
  cat articles.jsonl | storyline analyze -          read JSON lines from stdin
  storyline analyze pages/ --explain --format markdown
                                                    show the boilerplate learned and removed
  storyline extract page.html                       main text of a page as one JSON line
  storyline quotes news/                            direct quotes and speakers, JSON lines
  storyline analyze news/ -o out.json && storyline report s1 --input out.json
                                                    one story's report: summary, quotes, facts...
  storyline analyze pages/ --single-story --summary-words 200
                                                    the input is one story: its summary";

#[derive(Parser)]
#[command(
    name = "storyline",
    version,
    about = "Storyline reads news articles and turns them into stories: copies collapsed, \
             near-duplicates found, articles clustered into stories.",
    after_help = EXAMPLES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Log more (-v: info, -vv: debug); logs go to stderr. Also RUST_LOG.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Json,
    Markdown,
}

#[derive(Subcommand)]
enum Command {
    /// Read articles and print their stories, with copies marked.
    ///
    /// Inputs: files or folders (read recursively), `-` for stdin. Formats by extension:
    /// .txt (first line may be the headline), .jsonl/.ndjson (one article per line),
    /// .json (an object or an array), .html/.htm (main text extracted); any of them .gz.
    /// Unreadable items are reported in "errors" and the run goes on; the exit code is
    /// non-zero only when no article at all could be read.
    #[command(after_help = EXAMPLES)]
    Analyze {
        /// Files, folders or `-` (stdin).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
        /// Write to FILE instead of stdout.
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Include, per article, the lines and sentences removed as boilerplate.
        #[arg(long)]
        explain: bool,
        /// Minimum similarity (0–1) of an article to a story's centroid to join it.
        #[arg(long, value_name = "SIM", default_value_t = Options::default().cluster.threshold)]
        story_threshold: f32,
        /// Minimum estimated Jaccard similarity (0–1) of word 5-shingles for a near-duplicate.
        #[arg(long, value_name = "SIM", default_value_t = Options::default().minhash.threshold)]
        copy_threshold: f64,
        /// Pretty-print JSON.
        #[arg(long)]
        pretty: bool,
        /// Include, per derived article, the aligned passages (its sentence, the source's
        /// sentence, verbatim/edited/reworded, score).
        #[arg(long)]
        alignments: bool,
        /// Share (0–1) of an article's words that must align to another article for it to
        /// be called a rewrite of that article.
        #[arg(long, value_name = "SHARE", default_value_t = storyline_align::DeriveOptions::default().rewrite_coverage)]
        rewrite_coverage: f32,
        /// Do not use sentence embeddings even when the model is installed.
        #[arg(long)]
        no_embeddings: bool,
        /// Treat all input articles as one story (skip clustering): for evaluation, or when
        /// the grouping is already known.
        #[arg(long)]
        single_story: bool,
        /// Length of each story's summary, in words (about; whole sentences are kept).
        #[arg(long, value_name = "N", default_value_t = storyline_pipeline::StoryOptions::default().summary_words)]
        summary_words: usize,
        /// Skip the story analysis (entities, quotes, facts, disagreements, summary,
        /// timeline): stories and provenance only, faster.
        #[arg(long)]
        no_analysis: bool,
    },
    /// Print each input article as Storyline reads it: one JSON line
    /// {"id","title","text","url","source","published","language"} per article.
    Extract {
        /// Files, folders or `-` (stdin).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Write to FILE instead of stdout.
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Score sentence pairs: is b a rewrite (paraphrase) of a? Reads JSON lines
    /// {"id","a","b"}, writes {"id","score","rewrite"} (score: probability 0–1; rewrite:
    /// the engine's verdict at its default threshold).
    PairScore(provenance_cmds::PairScoreArgs),
    /// Align two articles: which sentences of B are verbatim, edited or reworded versions
    /// of A's, side by side (colours on a terminal) or as JSON, with the derivation verdict.
    Align(provenance_cmds::AlignArgs),
    Quotes(quotes_cmd::Args),
    /// Stance of a body towards a claim: agree, disagree, discuss or unrelated. Reads JSON
    /// lines {"id","claim","body"}, writes {"id","stance","scores"} (scores: the four class
    /// probabilities). See docs/json.md.
    Stance(stance_cmd::Args),
    /// Add articles to a store (a directory, or a postgres:// URL): new articles are stored,
    /// ones already stored are skipped, stories are recomputed after each batch. Prints one
    /// "committed ..." line per batch once it is durable.
    Ingest(store_cmds::IngestArgs),
    /// List the stories of a store, biggest first.
    Stories(store_cmds::StoriesArgs),
    /// Print one story of a store with its articles.
    Show(store_cmds::ShowArgs),
    /// Serve the HTTP API and web UI over a store.
    Serve(store_cmds::ServeArgs),
    /// One story as a readable report: summary with citations, disagreements, quotes checked
    /// across sources, facts with their independent sources, entities, timeline.
    ///
    /// From a store (`--store`) or from `storyline analyze` JSON (`--input`), as Markdown or
    /// a standalone HTML page.
    Report(report_cmd::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("storyline: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn open_out(out: &Option<PathBuf>) -> Result<Box<dyn Write>> {
    Ok(match out {
        Some(p) => Box::new(BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    })
}

/// Read every input, reporting progress by bytes; errors are collected, never fatal.
fn read_all(paths: &[PathBuf], mut on_article: impl FnMut(Article)) -> Vec<ItemError> {
    let found = discover(paths);
    let mut errors = found.errors;
    let bar = ProgressBar::new(found.total_bytes).with_style(
        ProgressStyle::with_template(
            "{spinner} reading  [{bar:30}] {bytes}/{total_bytes} {msg} ({elapsed})",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    let opts = ReadOptions::default();
    let mut count = 0u64;
    for input in &found.inputs {
        read_input(input, &opts, &mut |item| match item {
            Ok(a) => {
                count += 1;
                if count.is_multiple_of(256) {
                    bar.set_message(format!("{count} articles"));
                }
                on_article(a)
            }
            Err(e) => {
                tracing::warn!("{e}");
                errors.push(e)
            }
        });
        if let storyline_ingest::Input::File(p) = input {
            bar.inc(std::fs::metadata(p).map(|m| m.len()).unwrap_or(0));
        }
    }
    bar.finish_and_clear();
    errors
}

/// The end of a command that writes JSON lines per article read: a write error other than
/// a closed pipe fails the command; unreadable items are reported; the exit code is 1 when
/// no article could be read.
fn finish_lines(
    mut w: Box<dyn Write>,
    io_error: Option<std::io::Error>,
    errors: &[ItemError],
    articles: u64,
) -> Result<ExitCode> {
    if let Some(e) = io_error {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(e.into());
        }
    }
    w.flush().ok();
    for e in errors {
        eprintln!("storyline: {e}");
    }
    Ok(if articles == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

struct Bar(ProgressBar);

impl Progress for Bar {
    fn stage(&self, name: &'static str, total: u64) {
        self.0.set_length(total);
        self.0.set_position(0);
        self.0.set_message(name);
    }
    fn inc(&self, n: u64) {
        self.0.inc(n)
    }
    fn finish(&self) {
        self.0.finish_and_clear()
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Analyze {
            paths,
            format,
            out,
            explain,
            story_threshold,
            copy_threshold,
            pretty,
            alignments,
            rewrite_coverage,
            no_embeddings,
            single_story,
            summary_words,
            no_analysis,
        } => {
            let mut articles = Vec::new();
            let errors = read_all(&paths, |a| articles.push(a));
            if articles.is_empty() {
                for e in &errors {
                    eprintln!("storyline: {e}");
                }
                eprintln!("storyline: no article could be read");
                return Ok(ExitCode::from(1));
            }
            let mut opts = Options {
                explain,
                ..Default::default()
            };
            opts.cluster.threshold = story_threshold;
            opts.minhash.threshold = copy_threshold;
            opts.alignments = alignments;
            opts.provenance.derive.rewrite_coverage = rewrite_coverage;
            opts.single_story = single_story;
            opts.story =
                (!no_analysis).then_some(storyline_pipeline::StoryOptions { summary_words });
            if !no_embeddings {
                opts.provenance.encoder = storyline_pipeline::load_encoder();
            }
            let bar = Bar(ProgressBar::new(0).with_style(
                ProgressStyle::with_template(
                    "{spinner} {msg:9} [{bar:30}] {pos}/{len} ({elapsed})",
                )
                .expect("valid template")
                .progress_chars("=> "),
            ));
            let analysis = storyline_pipeline::analyze(articles, &opts, &bar);
            let output = Output::from_analysis(&analysis, errors, explain);
            let mut w = open_out(&out)?;
            match format {
                Format::Json if pretty => serde_json::to_writer_pretty(&mut w, &output)?,
                Format::Json => serde_json::to_writer(&mut w, &output)?,
                Format::Markdown => w.write_all(output.to_markdown().as_bytes())?,
            }
            w.write_all(b"\n")?;
            w.flush()?;
            if !output.errors.is_empty() {
                eprintln!(
                    "storyline: {} item(s) could not be read (see \"errors\")",
                    output.errors.len()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::PairScore(args) => provenance_cmds::pair_score(args),
        Command::Align(args) => provenance_cmds::align_cmd(args),
        Command::Quotes(args) => quotes_cmd::run(args),
        Command::Stance(args) => stance_cmd::run(args),
        Command::Ingest(args) => store_cmds::ingest(args),
        Command::Stories(args) => store_cmds::stories(args),
        Command::Show(args) => store_cmds::show(args),
        Command::Serve(args) => store_cmds::serve(args),
        Command::Report(args) => report_cmd::run(args),
        Command::Extract { paths, out } => {
            let mut w = open_out(&out)?;
            let mut written = 0u64;
            let mut io_error = None;
            let errors = read_all(&paths, |a| {
                if io_error.is_some() {
                    return;
                }
                let line = storyline_ingest::extract_record(&a);
                if let Err(e) = writeln!(w, "{line}") {
                    io_error = Some(e);
                }
                written += 1;
            });
            finish_lines(w, io_error, &errors, written)
        }
    }
}
