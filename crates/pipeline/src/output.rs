//! The public output model (JSON contract in `docs/json.md`) and its Markdown rendering.

use serde::Serialize;
use storyline_core::ItemError;
use storyline_dedup::CopyKind;
use storyline_text::RemovedUnit;

use storyline_analyse::StoryAnalysis;

use crate::report::escape_md;
use crate::Analysis;

/// Top-level output of `storyline analyze`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Output {
    pub stories: Vec<StoryOut>,
    pub errors: Vec<ItemError>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StoryOut {
    pub id: String,
    pub title: Option<String>,
    pub size: usize,
    pub first_published: Option<String>,
    pub last_published: Option<String>,
    /// Number of articles that are not copies of another article in the story.
    pub originals: usize,
    /// Number of lineages: sources that are independent of each other (copies and
    /// derivations of one source count once).
    pub independent_sources: usize,
    /// The story's articles grouped by lineage, largest first.
    pub lineages: Vec<LineageOut>,
    pub articles: Vec<ArticleOut>,
    /// Entities, quotes, facts, disagreements, summary and timeline (empty when the
    /// analysis was skipped).
    #[serde(flatten)]
    pub analysis: StoryAnalysis,
}

/// Articles connected by copying or derivation: one independent source.
#[derive(Debug, Clone, Serialize)]
pub struct LineageOut {
    pub id: String,
    /// Member article ids, in publication order.
    pub articles: Vec<String>,
    /// The member that derives from no other.
    pub original: String,
}

/// One aligned passage: a sentence of the article and the sentence of its source.
#[derive(Debug, Clone, Serialize)]
pub struct PassageOut {
    pub sentence: String,
    pub source_sentence: String,
    /// `verbatim`, `edited` or `reworded`.
    pub kind: &'static str,
    /// Probability (0–1) from the sentence-pair model.
    pub score: f32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArticleOut {
    pub id: String,
    pub title: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    /// Id of the article this one copies (null for originals).
    pub copy_of: Option<String>,
    /// `exact` or `near` (null for originals).
    pub copy_kind: Option<&'static str>,
    /// Estimated word-shingle Jaccard similarity to the earlier article this one matched
    /// (1.0 for exact copies, null for originals).
    pub similarity: Option<f64>,
    pub language: Option<String>,
    /// `file` or `file:line` the article was read from.
    pub origin: String,
    /// Id of the article this one derives from: the original it copies, or the source it
    /// rewrites or partly copies (null when it derives from none in the story).
    pub derives_from: Option<String>,
    /// `exact`, `near`, `rewrite` or `partial` (null with `derives_from`).
    pub derivation: Option<&'static str>,
    /// Share of this article's words in passages aligned to its source (rewrite/partial).
    pub derivation_coverage: Option<f32>,
    /// Id of the article's lineage (see the story's `lineages`).
    pub lineage: String,
    /// Aligned passages against the source (only with `--alignments`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alignment: Option<Vec<PassageOut>>,
    /// Lines and sentences removed as boilerplate (only with `--explain`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boilerplate_removed: Option<Vec<RemovedUnit>>,
}

impl Output {
    pub fn from_analysis(a: &Analysis, errors: Vec<ItemError>, explain: bool) -> Output {
        let mut stories: Vec<StoryOut> = a
            .stories
            .iter()
            .enumerate()
            .map(|(si, members)| {
                let articles: Vec<ArticleOut> = members
                    .iter()
                    .map(|&i| {
                        let x = &a.articles[i];
                        ArticleOut {
                            id: x.article.id.clone(),
                            title: x.article.title.clone(),
                            source: x.article.source.clone(),
                            url: x.article.url.clone(),
                            published: x.article.published_rfc3339(),
                            copy_of: x.copy_of.map(|o| a.articles[o].article.id.clone()),
                            copy_kind: x.copy_kind.map(CopyKind::as_str),
                            similarity: x.similarity.map(|s| (s * 1000.0).round() / 1000.0),
                            language: x.article.language.clone(),
                            origin: x.article.origin.to_string(),
                            derives_from: x.derives_from.map(|o| a.articles[o].article.id.clone()),
                            derivation: x.derivation,
                            derivation_coverage: x
                                .derivation_coverage
                                .map(|c| (c * 1000.0).round() / 1000.0),
                            lineage: x.lineage.to_string(),
                            alignment: x.alignment.as_ref().map(|(al, src, doc)| {
                                al.pairs
                                    .iter()
                                    .map(|p| PassageOut {
                                        sentence: doc.sents[p.b].text(&x.clean_text).to_string(),
                                        source_sentence: src.sents[p.a]
                                            .text(
                                                &a.articles[x.derives_from.unwrap_or(0)].clean_text,
                                            )
                                            .to_string(),
                                        kind: p.kind.as_str(),
                                        score: (p.score * 1000.0).round() / 1000.0,
                                    })
                                    .collect()
                            }),
                            boilerplate_removed: explain.then(|| x.removed.clone()),
                        }
                    })
                    .collect();
                let dates: Vec<&String> = articles
                    .iter()
                    .filter_map(|x| x.published.as_ref())
                    .collect();
                let title = members
                    .iter()
                    .map(|&i| &a.articles[i])
                    .find(|x| x.copy_of.is_none() && x.article.title.is_some())
                    .or_else(|| {
                        members
                            .iter()
                            .map(|&i| &a.articles[i])
                            .find(|x| x.article.title.is_some())
                    })
                    .and_then(|x| x.article.title.clone());
                let mut lineage_ids: Vec<usize> =
                    members.iter().map(|&i| a.articles[i].lineage).collect();
                lineage_ids.sort_unstable();
                lineage_ids.dedup();
                let lineages: Vec<LineageOut> = lineage_ids
                    .iter()
                    .map(|&l| LineageOut {
                        id: l.to_string(),
                        articles: a.lineages[l]
                            .iter()
                            .map(|&i| a.articles[i].article.id.clone())
                            .collect(),
                        original: a.articles[a.lineage_original[l]].article.id.clone(),
                    })
                    .collect();
                StoryOut {
                    id: String::new(),
                    independent_sources: lineages.len(),
                    lineages,
                    title,
                    size: articles.len(),
                    first_published: dates.iter().min().map(|s| s.to_string()),
                    last_published: dates.iter().max().map(|s| s.to_string()),
                    originals: articles.iter().filter(|x| x.copy_of.is_none()).count(),
                    articles,
                    analysis: a.story_analysis.get(si).cloned().unwrap_or_default(),
                }
            })
            .collect();
        // Biggest stories first; ties by first publication, then first article id.
        stories.sort_by(|x, y| {
            y.size
                .cmp(&x.size)
                .then(
                    (x.first_published.is_none(), &x.first_published)
                        .cmp(&(y.first_published.is_none(), &y.first_published)),
                )
                .then(x.articles[0].id.cmp(&y.articles[0].id))
        });
        // Lineage ids l1, l2, ... in output order: stories as sorted, largest lineage first.
        let mut next = 0usize;
        for (i, s) in stories.iter_mut().enumerate() {
            s.id = format!("s{}", i + 1);
            s.lineages.sort_by(|x, y| {
                y.articles.len().cmp(&x.articles.len()).then_with(|| {
                    let pos =
                        |l: &LineageOut| s.articles.iter().position(|a| a.id == l.articles[0]);
                    pos(x).cmp(&pos(y))
                })
            });
            let mut rename: std::collections::HashMap<String, String> = Default::default();
            for l in &mut s.lineages {
                next += 1;
                let id = format!("l{next}");
                rename.insert(std::mem::replace(&mut l.id, id.clone()), id);
            }
            for x in &mut s.articles {
                if let Some(id) = rename.get(&x.lineage) {
                    x.lineage = id.clone();
                }
            }
            s.analysis
                .rename_lineages(&|l| rename.get(l).cloned().unwrap_or_else(|| l.to_string()));
        }
        Output { stories, errors }
    }

    /// A readable Markdown report of all stories.
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        let articles: usize = self.stories.iter().map(|s| s.size).sum();
        md.push_str(&format!(
            "# Storyline: {} stories from {} articles\n\n",
            self.stories.len(),
            articles
        ));
        for s in &self.stories {
            md.push_str(&format!(
                "## {} — {}\n\n",
                s.id,
                escape_md(s.title.as_deref().unwrap_or("(untitled)"))
            ));
            let span = match (&s.first_published, &s.last_published) {
                (Some(a), Some(b)) if a != b => format!(", {a} – {b}"),
                (Some(a), _) => format!(", {a}"),
                _ => String::new(),
            };
            md.push_str(&format!(
                "{} articles, {} originals, {} independent sources{}\n\n",
                s.size, s.originals, s.independent_sources, span
            ));
            for x in &s.articles {
                let mut line = format!(
                    "- `{}` {}",
                    x.id,
                    escape_md(x.title.as_deref().unwrap_or("(untitled)"))
                );
                if let Some(src) = &x.source {
                    line.push_str(&format!(" — {}", escape_md(src)));
                }
                if let Some(p) = &x.published {
                    line.push_str(&format!(" ({p})"));
                }
                if let (Some(o), Some(k)) = (&x.copy_of, x.copy_kind) {
                    line.push_str(&format!(
                        " — **{k} copy of `{o}`** (similarity {:.2})",
                        x.similarity.unwrap_or(0.0)
                    ));
                } else if let (Some(o), Some(k)) = (&x.derives_from, x.derivation) {
                    let what = if k == "rewrite" {
                        "rewrite of"
                    } else {
                        "partly copies"
                    };
                    line.push_str(&format!(
                        " — **{what} `{o}`** ({:.0}% of its text aligned)",
                        100.0 * x.derivation_coverage.unwrap_or(0.0)
                    ));
                }
                line.push_str(&format!(" [{}]", x.lineage));
                md.push_str(&line);
                md.push('\n');
                if let Some(removed) = &x.boilerplate_removed {
                    for r in removed {
                        md.push_str(&format!(
                            "  - removed {} (in {} docs): {}\n",
                            r.kind,
                            r.doc_frequency,
                            escape_md(&r.text)
                        ));
                    }
                }
            }
            md.push('\n');
            if let Ok(v) = serde_json::to_value(&s.analysis) {
                md.push_str(&crate::report::analysis_markdown(&v, 3));
            }
        }
        if !self.errors.is_empty() {
            md.push_str("## Errors\n\n");
            for e in &self.errors {
                md.push_str(&format!("- `{}`: {}\n", e.item, escape_md(&e.error)));
            }
        }
        md
    }
}
