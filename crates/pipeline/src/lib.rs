//! The Storyline engine: articles in, stories out.
//!
//! Stages (each a crate of its own, this crate only wires them):
//!
//! 1. **clean** ([`storyline_text`]): Unicode normalisation, then boilerplate learned over the
//!    whole batch (three passes: count, vote, clean).
//! 2. **copies** ([`storyline_dedup`]): in publication order, exact and near-duplicates of
//!    earlier articles; groups are closed under "copies", and each group's original is its
//!    earliest article (ties: longest text, then input order).
//! 3. **stories** ([`storyline_cluster`]): originals are clustered incrementally in
//!    publication order; copies join their original's story (with `single_story`, the whole
//!    batch is one story).
//! 4. **sources** ([`storyline_align`], `provenance`): rewrites and partial copies inside each
//!    story, lineages.
//! 5. **analysis** ([`storyline_analyse`]): per story, entities, quotes checked across
//!    sources, facts with their independent sources, disagreements, summary, timeline.
//!
//! The output model ([`Output`]) is the public JSON contract documented in `docs/json.md`.

mod encoder;
pub mod output;
pub mod provenance;
pub mod report;

pub use encoder::{load_encoder, Encoder};

use std::collections::HashMap;

use storyline_cluster::{ClusterOptions, Featurizer, StoryClusterer, TermCounts};
use storyline_core::{Article, ItemError};
use storyline_dedup::{CopyDetector, CopyKind, MinHashOptions};
use storyline_text::{normalize, BoilerplateModel, BoilerplateOptions, RemovedUnit};

pub use output::{ArticleOut, LineageOut, Output, PassageOut, StoryOut};
pub use provenance::ProvenanceOptions;
use storyline_align::{Alignment, Doc};
pub use storyline_analyse::StoryOptions;
use storyline_analyse::{analyse_story, AlignedSentences, StoryAnalysis, StoryArticle};

/// Options of every stage.
#[derive(Debug, Clone)]
pub struct Options {
    pub boilerplate: BoilerplateOptions,
    pub minhash: MinHashOptions,
    pub cluster: ClusterOptions,
    pub provenance: ProvenanceOptions,
    /// Keep what boilerplate removal took out of each article in the output.
    pub explain: bool,
    /// Keep the aligned passages of derived articles in the output.
    pub alignments: bool,
    /// Treat the whole batch as one story (skip clustering).
    pub single_story: bool,
    /// Story analysis (entities, quotes, facts, summary...); `None` skips it.
    pub story: Option<StoryOptions>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            boilerplate: Default::default(),
            minhash: Default::default(),
            cluster: Default::default(),
            provenance: Default::default(),
            explain: false,
            alignments: false,
            single_story: false,
            story: Some(StoryOptions::default()),
        }
    }
}

/// Receives progress of the analysis stages (the CLI draws bars from it).
pub trait Progress {
    fn stage(&self, _name: &'static str, _total: u64) {}
    fn inc(&self, _n: u64) {}
    fn finish(&self) {}
}

/// A progress sink that ignores everything.
pub struct NoProgress;
impl Progress for NoProgress {}

/// One article after cleaning, with what the stages decided about it.
#[derive(Debug, Clone)]
pub struct Analyzed {
    pub article: Article,
    /// Text after normalisation and boilerplate removal.
    pub clean_text: String,
    pub removed: Vec<RemovedUnit>,
    /// Index (into the batch) of the original this article copies.
    pub copy_of: Option<usize>,
    pub copy_kind: Option<CopyKind>,
    pub similarity: Option<f64>,
    pub story: usize,
    /// The article this one derives from: its original when it is an exact or near copy,
    /// else the source it rewrites or partly copies (index into the batch).
    pub derives_from: Option<usize>,
    /// `exact`, `near`, `rewrite` or `partial`.
    pub derivation: Option<&'static str>,
    /// Share of this article's words aligned to its source (rewrite / partial only).
    pub derivation_coverage: Option<f32>,
    /// Passage alignment against the source (rewrite / partial, with `alignments` on).
    pub alignment: Option<(Alignment, Doc, Doc)>,
    /// Index of the article's lineage in [`Analysis::lineages`].
    pub lineage: usize,
}

/// The result of a batch: articles in input order, stories as lists of article indices.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub articles: Vec<Analyzed>,
    pub stories: Vec<Vec<usize>>,
    /// Lineages (articles connected by copy or derivation), members in publication order;
    /// `lineage_original[l]` is the one that derives from no other.
    pub lineages: Vec<Vec<usize>>,
    pub lineage_original: Vec<usize>,
    /// Per story (same order as `stories`), its analysis; empty when it was skipped.
    pub story_analysis: Vec<StoryAnalysis>,
}

struct UnionFind(Vec<usize>);
impl UnionFind {
    fn find(&mut self, x: usize) -> usize {
        let mut r = x;
        while self.0[r] != r {
            r = self.0[r];
        }
        let mut y = x;
        while self.0[y] != r {
            let next = self.0[y];
            self.0[y] = r;
            y = next;
        }
        r
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.0[ra.max(rb)] = ra.min(rb);
        }
    }
}

/// Make ids unique within the batch: a repeated id gets a `#2`, `#3`... suffix.
fn unique_ids(articles: &mut [Article]) {
    let mut seen: HashMap<String, u32> = HashMap::new();
    for a in articles.iter_mut() {
        let n = seen.entry(a.id.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            let mut k = *n;
            let mut candidate = format!("{}#{k}", a.id);
            while seen.contains_key(&candidate) {
                k += 1;
                candidate = format!("{}#{k}", a.id);
            }
            seen.insert(candidate.clone(), 1);
            a.id = candidate;
        }
    }
}

/// Publication order: dated articles by time, then undated ones; ties by input order.
fn publication_order(articles: &[Article]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..articles.len()).collect();
    order.sort_by_key(|&i| (articles[i].published.is_none(), articles[i].published, i));
    order
}

/// Run every stage over a batch of articles.
pub fn analyze(mut articles: Vec<Article>, opts: &Options, progress: &dyn Progress) -> Analysis {
    unique_ids(&mut articles);
    let n = articles.len();

    // 1. Clean: normalise, learn boilerplate, remove it.
    let clock = std::time::Instant::now();
    progress.stage("cleaning", 3 * n as u64);
    let normalized: Vec<String> = articles.iter().map(|a| normalize(&a.text)).collect();
    let mut model = BoilerplateModel::new(opts.boilerplate.clone());
    for t in &normalized {
        model.add_document(t);
        progress.inc(1);
    }
    for t in &normalized {
        model.vote(t);
        progress.inc(1);
    }
    let cleaned: Vec<_> = normalized
        .iter()
        .map(|t| {
            progress.inc(1);
            model.clean(t)
        })
        .collect();
    drop(normalized);
    let titles: Vec<String> = articles
        .iter()
        .map(|a| a.title.as_deref().map(normalize).unwrap_or_default())
        .collect();

    // 2. Copies, in publication order.
    let order = publication_order(&articles);
    tracing::info!(
        elapsed_ms = clock.elapsed().as_millis() as u64,
        "stage copies starts"
    );
    progress.stage("copies", n as u64);
    let mut detector = CopyDetector::new(opts.minhash.clone());
    let mut uf = UnionFind((0..n).collect());
    let mut matched: Vec<Option<(CopyKind, f64)>> = vec![None; n];
    for &i in &order {
        // An article whose text was all boilerplate has no content of its own to copy.
        let text = if articles[i].text.trim().is_empty() {
            titles[i].as_str()
        } else {
            cleaned[i].text.as_str()
        };
        if let Some(m) = detector.add(i as u32, text) {
            uf.union(i, m.of as usize);
            matched[i] = Some((m.kind, m.similarity));
        }
        progress.inc(1);
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..n {
        let r = uf.find(i);
        groups.entry(r).or_default().push(i);
    }
    let mut original_of: Vec<usize> = (0..n).collect();
    for members in groups.values() {
        let orig = *members
            .iter()
            .min_by(|&&a, &&b| {
                let (pa, pb) = (articles[a].published, articles[b].published);
                (pa.is_none(), pa)
                    .cmp(&(pb.is_none(), pb))
                    .then(cleaned[b].text.len().cmp(&cleaned[a].text.len()))
                    .then(a.cmp(&b))
            })
            .expect("non-empty group");
        for &m in members {
            original_of[m] = orig;
        }
    }

    // 3. Stories: originals clustered in publication order; copies follow.
    tracing::info!(
        elapsed_ms = clock.elapsed().as_millis() as u64,
        "stage stories starts"
    );
    progress.stage("stories", n as u64);
    let mut featurizer = Featurizer::new(opts.cluster.clone());
    let mut counts: Vec<Option<TermCounts>> = vec![None; n];
    for i in 0..n {
        if original_of[i] == i {
            let c = featurizer.term_counts(&titles[i], &cleaned[i].text);
            featurizer.observe(&c);
            counts[i] = Some(c);
        }
    }
    let mut clusterer = StoryClusterer::new(opts.cluster.clone());
    let mut story_of: Vec<Option<u32>> = vec![None; n];
    for &i in &order {
        if let Some(c) = &counts[i] {
            story_of[i] = Some(if opts.single_story {
                0
            } else {
                let v = featurizer.vector(c);
                let time = articles[i].published.map(|t| t.timestamp());
                clusterer.assign(&v, time).story
            });
        }
    }
    let merged = if opts.single_story {
        vec![0]
    } else {
        clusterer.merge_similar()
    };
    // Stories numbered by their first article in publication order.
    let mut renumber: HashMap<u32, usize> = HashMap::new();
    let mut stories: Vec<Vec<usize>> = Vec::new();
    for &i in &order {
        let s = merged[story_of[original_of[i]].expect("originals are assigned") as usize];
        let idx = *renumber.entry(s).or_insert_with(|| {
            stories.push(Vec::new());
            stories.len() - 1
        });
        stories[idx].push(i);
        progress.inc(1);
    }
    let mut story_index = vec![0usize; n];
    for (s, members) in stories.iter().enumerate() {
        for &m in members {
            story_index[m] = s;
        }
    }
    // 4. Provenance: rewrites and partial copies among each story's originals.
    tracing::info!(
        elapsed_ms = clock.elapsed().as_millis() as u64,
        "stage sources starts"
    );
    progress.stage("sources", 1);
    let texts: Vec<&str> = cleaned.iter().map(|c| c.text.as_str()).collect();
    let is_original: Vec<bool> = (0..n).map(|i| original_of[i] == i).collect();
    let times: Vec<Option<i64>> = articles
        .iter()
        .map(|a| a.published.map(|t| t.timestamp()))
        .collect();
    let mut prov = provenance::provenance(&texts, &is_original, &stories, &times, &opts.provenance);
    progress.inc(1);
    progress.finish();
    tracing::info!(
        elapsed_ms = clock.elapsed().as_millis() as u64,
        "stage sources done"
    );

    // Lineages: union of copy and derivation edges.
    let mut lin = UnionFind((0..n).collect());
    for (i, (&orig, derived)) in original_of.iter().zip(&prov.derived).enumerate() {
        if orig != i {
            lin.union(i, orig);
        }
        if let Some(d) = derived {
            lin.union(i, d.source);
        }
    }
    let mut lineage_of_root: HashMap<usize, usize> = HashMap::new();
    let mut lineages: Vec<Vec<usize>> = Vec::new();
    let mut lineage = vec![0usize; n];
    for &i in &order {
        let r = lin.find(i);
        let l = *lineage_of_root.entry(r).or_insert_with(|| {
            lineages.push(Vec::new());
            lineages.len() - 1
        });
        lineages[l].push(i);
        lineage[i] = l;
    }
    let lineage_original: Vec<usize> = lineages
        .iter()
        .map(|m| {
            *m.iter()
                .find(|&&i| original_of[i] == i && prov.derived[i].is_none())
                .unwrap_or(&m[0])
        })
        .collect();

    // 5. Analysis, per story.
    let story_analysis: Vec<StoryAnalysis> = match &opts.story {
        None => Vec::new(),
        Some(story_opts) => {
            tracing::info!(
                elapsed_ms = clock.elapsed().as_millis() as u64,
                "stage analysis starts"
            );
            progress.stage("analysis", stories.len() as u64);
            let analyse_one = |members: &Vec<usize>| {
                let pos: HashMap<usize, usize> =
                    members.iter().enumerate().map(|(k, &i)| (i, k)).collect();
                let arts: Vec<StoryArticle> = members
                    .iter()
                    .map(|&i| {
                        let derived = prov.derived[i].as_ref();
                        let (from, derivation) = if original_of[i] != i {
                            (
                                Some(original_of[i]),
                                Some(matched[i].map_or(CopyKind::Near, |m| m.0).as_str()),
                            )
                        } else if let Some(d) = derived {
                            (Some(d.source), Some(d.kind.as_str()))
                        } else {
                            (None, None)
                        };
                        StoryArticle {
                            id: &articles[i].id,
                            title: articles[i].title.as_deref(),
                            text: &cleaned[i].text,
                            published: times[i],
                            lineage: lineage[i].to_string(),
                            derives_from: from.and_then(|f| pos.get(&f).copied()),
                            derivation,
                        }
                    })
                    .collect();
                let aligned: Vec<AlignedSentences> = members
                    .iter()
                    .filter_map(|&i| prov.derived[i].as_ref().map(|d| (i, d)))
                    .filter(|(_, d)| pos.contains_key(&d.source))
                    .flat_map(|(i, d)| {
                        let (src, doc) = (&prov.docs[d.source], &prov.docs[i]);
                        let pos = &pos;
                        d.alignment.pairs.iter().map(move |p| AlignedSentences {
                            article: pos[&i],
                            source: pos[&d.source],
                            span: (doc.sents[p.b].start, doc.sents[p.b].end),
                            source_span: (src.sents[p.a].start, src.sents[p.a].end),
                            kind: p.kind.as_str(),
                        })
                    })
                    .collect();
                analyse_story(&arts, &aligned, story_opts)
            };
            // Stories are independent: analyse them on all cores, biggest first, and
            // keep their order.
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            let mut by_size: Vec<usize> = (0..stories.len()).collect();
            by_size.sort_by_key(|&s| std::cmp::Reverse(stories[s].len()));
            let next = std::sync::atomic::AtomicUsize::new(0);
            let results: Vec<Vec<(usize, StoryAnalysis)>> = std::thread::scope(|scope| {
                let workers: Vec<_> = (0..threads.min(stories.len()).max(1))
                    .map(|_| {
                        scope.spawn(|| {
                            let mut done = Vec::new();
                            loop {
                                let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                let Some(&s) = by_size.get(k) else { break };
                                done.push((s, analyse_one(&stories[s])));
                            }
                            done
                        })
                    })
                    .collect();
                workers
                    .into_iter()
                    .map(|w| w.join().expect("analysis worker"))
                    .collect()
            });
            let mut out: Vec<StoryAnalysis> = vec![StoryAnalysis::default(); stories.len()];
            for (s, a) in results.into_iter().flatten() {
                out[s] = a;
            }
            progress.inc(stories.len() as u64);
            progress.finish();
            tracing::info!(
                elapsed_ms = clock.elapsed().as_millis() as u64,
                "stage analysis done"
            );
            out
        }
    };

    let analyzed = articles
        .into_iter()
        .zip(cleaned)
        .enumerate()
        .map(|(i, (article, c))| {
            let orig = original_of[i];
            let copy_kind = (orig != i).then(|| matched[i].map_or(CopyKind::Near, |m| m.0));
            let derived = prov.derived[i].take();
            let (derives_from, derivation, derivation_coverage, alignment) =
                match (copy_kind, derived) {
                    (Some(k), _) => (Some(orig), Some(k.as_str()), None, None),
                    (None, Some(d)) => {
                        let alignment = opts.alignments.then(|| {
                            (
                                d.alignment,
                                prov.docs[d.source].clone(),
                                prov.docs[i].clone(),
                            )
                        });
                        (
                            Some(d.source),
                            Some(d.kind.as_str()),
                            Some(d.coverage),
                            alignment,
                        )
                    }
                    (None, None) => (None, None, None, None),
                };
            Analyzed {
                article,
                clean_text: c.text,
                removed: if opts.explain { c.removed } else { Vec::new() },
                copy_of: (orig != i).then_some(orig),
                copy_kind,
                similarity: (orig != i).then(|| matched[i].map_or(0.0, |m| m.1)),
                story: story_index[i],
                derives_from,
                derivation,
                derivation_coverage,
                alignment,
                lineage: lineage[i],
            }
        })
        .collect();
    Analysis {
        articles: analyzed,
        stories,
        lineages,
        lineage_original,
        story_analysis,
    }
}

/// Analyse and build the public output in one call.
pub fn run(articles: Vec<Article>, errors: Vec<ItemError>, opts: &Options) -> Output {
    Output::from_analysis(&analyze(articles, opts, &NoProgress), errors, opts.explain)
}
