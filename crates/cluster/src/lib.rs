//! Stories: incremental clustering of articles.
//!
//! Each article is turned into a sparse TF-IDF vector ([`Featurizer`]): stemmed terms of the
//! title (weighted up) and body, entity-like tokens (capitalised mid-sentence) weighted up,
//! sub-linear term frequency, L2-normalised, truncated to its strongest terms.
//!
//! [`StoryClusterer`] then assigns articles one at a time, in publication order, to the
//! story whose centroid is most similar (cosine × time decay) when that similarity reaches
//! the threshold, or opens a new story. Candidate stories come from an inverted index from
//! term to stories, queried with the article's strongest terms only, and stories idle for
//! longer than the window leave the index — so the cost per article depends on the
//! vocabulary overlap, not on the number of stories. Same input, same order → same output.

use std::collections::HashMap;

use storyline_text::Analyzer;

/// A sparse vector: (term id, weight), sorted by term id.
pub type SparseVec = Vec<(u32, f32)>;

/// Parameters of features and clustering.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// Minimum (decayed) cosine similarity to join a story.
    pub threshold: f32,
    /// Multiplier of term frequency for title terms.
    pub title_weight: f32,
    /// Multiplier of term frequency for entity-like (name) terms.
    pub entity_weight: f32,
    /// Terms kept per article vector.
    pub doc_terms: usize,
    /// Terms kept per story centroid (for scoring and the index).
    pub centroid_terms: usize,
    /// Strongest article terms used to look up candidate stories.
    pub query_terms: usize,
    /// Time decay: no decay within `grace_hours` of the story's last article, then the
    /// similarity halves every `half_life_hours`.
    pub grace_hours: f64,
    pub half_life_hours: f64,
    /// Stories idle longer than this leave the index (hours).
    pub window_hours: f64,
    /// Consolidation: two stories whose centroids reach this (decayed) cosine are merged
    /// by [`StoryClusterer::merge_similar`]. `None` disables merging.
    pub merge_threshold: Option<f32>,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            threshold: 0.15,
            title_weight: 2.0,
            entity_weight: 2.0,
            doc_terms: 80,
            centroid_terms: 150,
            query_terms: 24,
            grace_hours: 24.0,
            half_life_hours: 72.0,
            window_hours: 24.0 * 14.0,
            merge_threshold: Some(0.2),
        }
    }
}

/// Term weighting: a vocabulary with document frequencies.
#[derive(Debug)]
pub struct Featurizer {
    opts: ClusterOptions,
    analyzer: Analyzer,
    vocab: HashMap<String, u32>,
    df: Vec<u32>,
    docs: u32,
}

/// Raw weighted term frequencies of one document.
pub type TermCounts = Vec<(u32, f32)>;

impl Featurizer {
    pub fn new(opts: ClusterOptions) -> Self {
        Featurizer {
            opts,
            analyzer: Analyzer::default(),
            vocab: HashMap::new(),
            df: Vec::new(),
            docs: 0,
        }
    }

    fn intern(&mut self, stem: &str) -> u32 {
        if let Some(&id) = self.vocab.get(stem) {
            return id;
        }
        let id = self.df.len() as u32;
        self.vocab.insert(stem.to_string(), id);
        self.df.push(0);
        id
    }

    /// Weighted term frequencies of a document (interning new terms).
    pub fn term_counts(&mut self, title: &str, body: &str) -> TermCounts {
        let mut counts: HashMap<u32, f32> = HashMap::new();
        let title_terms = self.analyzer.terms(title);
        let body_terms = self.analyzer.terms(body);
        for (terms, w) in [(title_terms, self.opts.title_weight), (body_terms, 1.0)] {
            for t in terms {
                let id = self.intern(&t.stem);
                let ew = if t.entity_like {
                    self.opts.entity_weight
                } else {
                    1.0
                };
                *counts.entry(id).or_insert(0.0) += w * ew;
            }
        }
        let mut v: TermCounts = counts.into_iter().collect();
        v.sort_unstable_by_key(|x| x.0);
        v
    }

    /// Count a document towards document frequencies.
    pub fn observe(&mut self, counts: &TermCounts) {
        for &(id, _) in counts {
            self.df[id as usize] += 1;
        }
        self.docs += 1;
    }

    pub fn idf(&self, id: u32) -> f32 {
        let df = self.df.get(id as usize).copied().unwrap_or(0).max(1) as f32;
        ((self.docs.max(1) as f32 + 1.0) / df).ln()
    }

    /// TF-IDF vector of a document: sub-linear tf × idf, top `doc_terms`, L2-normalised.
    pub fn vector(&self, counts: &TermCounts) -> SparseVec {
        let mut v: SparseVec = counts
            .iter()
            .map(|&(id, tf)| (id, (1.0 + tf.ln()) * self.idf(id)))
            .filter(|x| x.1 > 0.0)
            .collect();
        truncate_normalize(&mut v, self.opts.doc_terms);
        v
    }

    pub fn options(&self) -> &ClusterOptions {
        &self.opts
    }
}

/// Keep the `k` largest weights, sort by id, scale to unit length.
fn truncate_normalize(v: &mut SparseVec, k: usize) {
    if v.len() > k {
        v.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(k);
    }
    v.sort_unstable_by_key(|x| x.0);
    let norm = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
    if norm > 0.0 {
        for x in v.iter_mut() {
            x.1 /= norm;
        }
    }
}

/// Dot product of two id-sorted sparse vectors.
pub fn dot(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

#[derive(Debug)]
struct Story {
    sum: HashMap<u32, f32>,
    centroid: SparseVec,
    size: u32,
    last_time: Option<i64>,
    indexed: std::collections::HashSet<u32>,
    open: bool,
}

/// Where an article went.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assignment {
    pub story: u32,
    /// Decayed similarity to the story it joined (0 for a new story).
    pub score: f32,
    pub new_story: bool,
}

/// Incremental single-pass clusterer with an inverted index.
#[derive(Debug)]
pub struct StoryClusterer {
    opts: ClusterOptions,
    stories: Vec<Story>,
    index: HashMap<u32, Vec<u32>>,
    latest: Option<i64>,
    assigned: u64,
}

impl StoryClusterer {
    pub fn new(opts: ClusterOptions) -> Self {
        StoryClusterer {
            opts,
            stories: Vec::new(),
            index: HashMap::new(),
            latest: None,
            assigned: 0,
        }
    }

    pub fn story_count(&self) -> usize {
        self.stories.len()
    }

    fn decay(&self, story: &Story, time: Option<i64>) -> f32 {
        let (Some(t), Some(last)) = (time, story.last_time) else {
            return 1.0;
        };
        let hours = (t - last).abs() as f64 / 3600.0 - self.opts.grace_hours;
        if hours <= 0.0 {
            1.0
        } else {
            0.5f64.powf(hours / self.opts.half_life_hours) as f32
        }
    }

    /// Stories indexed under any of the `query_terms` strongest terms of `v`, sorted, unique.
    fn candidates(&self, v: &SparseVec) -> Vec<u32> {
        let mut query: Vec<&(u32, f32)> = v.iter().collect();
        query.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        query.truncate(self.opts.query_terms);
        let mut cands: Vec<u32> = query
            .iter()
            .filter_map(|(t, _)| self.index.get(t))
            .flatten()
            .copied()
            .collect();
        cands.sort_unstable();
        cands.dedup();
        cands
    }

    /// Best existing story for a vector: (story, decayed score).
    pub fn best_story(&self, v: &SparseVec, time: Option<i64>) -> Option<(u32, f32)> {
        let cands = self.candidates(v);
        let mut best: Option<(u32, f32)> = None;
        for s in cands {
            let story = &self.stories[s as usize];
            if !story.open {
                continue;
            }
            let score = dot(v, &story.centroid) * self.decay(story, time);
            if best.is_none_or(|b| score > b.1) {
                best = Some((s, score));
            }
        }
        best
    }

    /// Assign an article (vector, publication time in seconds) to a story.
    pub fn assign(&mut self, v: &SparseVec, time: Option<i64>) -> Assignment {
        self.assigned += 1;
        if let Some(t) = time {
            self.latest = Some(self.latest.map_or(t, |l| l.max(t)));
        }
        let best = self.best_story(v, time);
        let assignment = match best {
            Some((s, score)) if score >= self.opts.threshold => Assignment {
                story: s,
                score,
                new_story: false,
            },
            _ => {
                self.stories.push(Story {
                    sum: HashMap::new(),
                    centroid: Vec::new(),
                    size: 0,
                    last_time: None,
                    indexed: Default::default(),
                    open: true,
                });
                Assignment {
                    story: self.stories.len() as u32 - 1,
                    score: 0.0,
                    new_story: true,
                }
            }
        };
        self.add_to_story(assignment.story, v, time);
        if self.assigned.is_multiple_of(1024) {
            self.expire();
        }
        assignment
    }

    /// Add a vector to a story's centroid without searching (used for copies, which follow
    /// their original).
    pub fn add_to_story(&mut self, s: u32, v: &SparseVec, time: Option<i64>) {
        let story = &mut self.stories[s as usize];
        for &(t, w) in v {
            *story.sum.entry(t).or_insert(0.0) += w;
        }
        story.size += 1;
        if let Some(t) = time {
            story.last_time = Some(story.last_time.map_or(t, |l| l.max(t)));
        }
        let mut c: SparseVec = story.sum.iter().map(|(&t, &w)| (t, w)).collect();
        truncate_normalize(&mut c, self.opts.centroid_terms);
        for &(t, _) in &c {
            if story.indexed.insert(t) {
                self.index.entry(t).or_default().push(s);
            }
        }
        story.centroid = c;
    }

    /// Consolidate: merge every story into the most similar *earlier* story whose centroid
    /// reaches `merge_threshold` (candidates from the inverted index, time decay between the
    /// stories' last articles). Returns, for every story, the story it now belongs to
    /// (itself when not merged). Single-pass articles that arrived before their story had
    /// taken shape are re-united this way.
    pub fn merge_similar(&self) -> Vec<u32> {
        let n = self.stories.len();
        let mut parent: Vec<u32> = (0..n as u32).collect();
        let Some(threshold) = self.opts.merge_threshold else {
            return parent;
        };
        fn find(p: &mut [u32], x: u32) -> u32 {
            let mut r = x;
            while p[r as usize] != r {
                r = p[r as usize];
            }
            p[x as usize] = r;
            r
        }
        for s in 0..n {
            let story = &self.stories[s];
            let cands = self.candidates(&story.centroid);
            let mut best: Option<(u32, f32)> = None;
            for c in cands.into_iter().filter(|&c| (c as usize) < s) {
                let other = &self.stories[c as usize];
                let score =
                    dot(&story.centroid, &other.centroid) * self.decay(other, story.last_time);
                if score >= threshold && best.is_none_or(|b| score > b.1) {
                    best = Some((c, score));
                }
            }
            if let Some((c, _)) = best {
                let (rs, rc) = (find(&mut parent, s as u32), find(&mut parent, c));
                if rs != rc {
                    parent[rs.max(rc) as usize] = rs.min(rc);
                }
            }
        }
        (0..n as u32).map(|s| find(&mut parent, s)).collect()
    }

    /// Close stories idle for longer than the window and drop them from the index.
    fn expire(&mut self) {
        let Some(now) = self.latest else { return };
        let window = (self.opts.window_hours * 3600.0) as i64;
        let mut closed = Vec::new();
        for (i, s) in self.stories.iter_mut().enumerate() {
            if s.open && s.last_time.is_some_and(|l| now - l > window) {
                s.open = false;
                closed.push(i as u32);
            }
        }
        if closed.is_empty() {
            return;
        }
        let closed: std::collections::HashSet<u32> = closed.into_iter().collect();
        self.index.retain(|_, posts| {
            posts.retain(|s| !closed.contains(s));
            !posts.is_empty()
        });
        for s in &closed {
            let st = &mut self.stories[*s as usize];
            st.indexed.clear();
            st.sum.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(docs: &[(&str, &str)]) -> Vec<u32> {
        let mut f = Featurizer::new(ClusterOptions::default());
        let counts: Vec<TermCounts> = docs.iter().map(|(t, b)| f.term_counts(t, b)).collect();
        for c in &counts {
            f.observe(c);
        }
        let mut c = StoryClusterer::new(ClusterOptions::default());
        counts
            .iter()
            .map(|k| c.assign(&f.vector(k), None).story)
            .collect()
    }

    #[test]
    fn groups_same_event_separates_others() {
        let docs = [
            ("Dockers strike at Valeport", "Dock workers at Valeport port walked out over pay. The union blamed the harbour authority."),
            ("Council passes budget", "The Northfield council passed its budget after a debate on schools and roads."),
            ("Valeport port strike enters second day", "The dockers' strike at Valeport port continued as the union and harbour authority failed to agree on pay."),
            ("Northfield budget vote", "Northfield council members voted for the budget; schools get more money and roads less."),
        ];
        let s = run(&docs);
        assert_eq!(s[0], s[2]);
        assert_eq!(s[1], s[3]);
        assert_ne!(s[0], s[1]);
    }

    #[test]
    fn deterministic() {
        let docs = [
            (
                "A storm hits Avon",
                "Storm damage across Avon county roads.",
            ),
            (
                "Avon storm damage",
                "Roads in Avon county damaged by storm.",
            ),
            ("Chess final", "Grandmaster wins chess final in Brent."),
        ];
        assert_eq!(run(&docs), run(&docs));
    }

    #[test]
    fn time_decay_separates_distant_events() {
        let mut c = StoryClusterer::new(ClusterOptions::default());
        let v: SparseVec = vec![(1, 0.6), (2, 0.8)];
        let a = c.assign(&v, Some(0));
        let b = c.assign(&v, Some(3600));
        let far = c.assign(&v, Some(3600 * 24 * 60));
        assert_eq!(a.story, b.story);
        assert_ne!(a.story, far.story);
    }

    #[test]
    fn dot_of_sparse_vectors() {
        assert_eq!(dot(&[(1, 1.0), (3, 2.0)], &[(2, 5.0), (3, 0.5)]), 1.0);
    }
}
