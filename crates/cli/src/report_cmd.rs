//! `storyline report`: one story as a readable report (Markdown or HTML), from a store or from
//! the JSON that `storyline analyze` wrote.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::ValueEnum;
use serde_json::Value;
use storyline_pipeline::report::{story_html, story_markdown};

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    Markdown,
    Html,
}

#[derive(clap::Args)]
pub struct Args {
    /// Story id: `st-…` in a store (see `storyline stories`), `s1`, `s2`… in analyze output.
    pub story: String,
    /// Read the story from this store (a directory, or a postgres:// URL).
    #[arg(
        long,
        value_name = "DIR|URL",
        env = "STORYLINE_STORE",
        conflicts_with = "input"
    )]
    pub store: Option<String>,
    /// Read the story from the JSON written by `storyline analyze` (`-` for stdin).
    #[arg(long, short, value_name = "FILE")]
    pub input: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: ReportFormat,
    /// Write to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let story: Value = match (&args.store, &args.input) {
        (Some(store), _) => {
            let st = storyline_store::open(store).context("cannot open the store")?;
            let Some(json) = st.story_json(&args.story)? else {
                bail!("no story {} in the store", args.story);
            };
            serde_json::from_str(&json)?
        }
        (None, Some(path)) => {
            let text = if path.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin())?
            } else {
                std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?
            };
            let v: Value = serde_json::from_str(&text)
                .with_context(|| format!("{} is not analyze JSON", path.display()))?;
            let Some(s) = v["stories"]
                .as_array()
                .and_then(|a| a.iter().find(|s| s["id"] == args.story.as_str()))
            else {
                bail!("no story {} in {}", args.story, path.display());
            };
            s.clone()
        }
        (None, None) => bail!("say where the story is: --store DIR|URL or --input FILE"),
    };
    let text = match args.format {
        ReportFormat::Markdown => story_markdown(&story),
        ReportFormat::Html => story_html(&story),
    };
    let mut w = crate::open_out(&args.out)?;
    w.write_all(text.as_bytes())?;
    w.flush()?;
    Ok(ExitCode::SUCCESS)
}
