//! Provenance stage: inside each story, find articles that derive from others (spun
//! rewrites, partial copies), then group copies and derivations into lineages.
//!
//! Candidate pairs are not all pairs: each sentence is reduced to its rare tokens (content
//! stems in the rarer half of the corpus, names, numbers); an inverted index over those
//! tokens, restricted to the story's original articles, yields sentence pairs sharing at
//! least three of them (or half of the smaller set, at least two), and only article pairs
//! with at least two such sentence pairs are aligned in full.

use std::collections::HashMap;

use storyline_align::{
    align, align_pairs, b_is_copy, judge, AlignOptions, Alignment, Derivation, DeriveOptions, Doc,
    Idf, Side,
};
use storyline_text::Analyzer;

use crate::Encoder;

/// One article's relation to the article it derives from.
#[derive(Debug, Clone)]
pub struct Derived {
    pub source: usize,
    pub kind: Derivation,
    /// Share of this article's words aligned to the source.
    pub coverage: f32,
    pub alignment: Alignment,
}

/// Result of the provenance stage.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    /// Per article (batch index): its derivation from another original, if any.
    pub derived: Vec<Option<Derived>>,
    /// Per article: sentences of its clean text (for rendering alignments).
    pub docs: Vec<Doc>,
}

/// Options of the provenance stage.
#[derive(Debug, Clone)]
pub struct ProvenanceOptions {
    pub align: AlignOptions,
    pub derive: DeriveOptions,
    /// Sentence encoder, when the model is installed and enabled.
    pub encoder: Option<Encoder>,
    /// Re-align a pair with embeddings only when lexical alignment covers at least this
    /// share of either article.
    pub embed_if_coverage: f32,
}

impl Default for ProvenanceOptions {
    fn default() -> Self {
        ProvenanceOptions {
            align: AlignOptions::default(),
            derive: DeriveOptions::default(),
            encoder: None,
            embed_if_coverage: 0.2,
        }
    }
}

fn rare_tokens(doc: &Doc, idf: &Idf, min_idf: f32) -> Vec<Vec<String>> {
    doc.sents
        .iter()
        .map(|s| {
            let mut t: Vec<String> = s
                .stems
                .iter()
                .filter(|x| idf.weight(x) >= min_idf)
                .cloned()
                .chain(s.names.iter().map(|n| format!("@{n}")))
                .chain(s.numbers.iter().map(|n| format!("#{n}")))
                .collect();
            t.sort_unstable();
            t.dedup();
            t
        })
        .collect()
}

/// A candidate article pair (x < y) with the sentence pairs (in x, in y) sharing rare tokens.
type Candidate = ((usize, usize), Vec<(usize, usize)>);

/// Run the stage. `originals[i]` tells whether article i is not an exact/near copy;
/// `stories` lists article indices per story; `times` are publication times (seconds).
pub fn provenance(
    texts: &[&str],
    originals: &[bool],
    stories: &[Vec<usize>],
    times: &[Option<i64>],
    opts: &ProvenanceOptions,
) -> Provenance {
    let n = texts.len();
    let analyzer = Analyzer::default();
    let docs: Vec<Doc> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            if originals[i] {
                Doc::new(&analyzer, t)
            } else {
                Doc::default()
            }
        })
        .collect();
    let mut idf = Idf::new();
    for (i, d) in docs.iter().enumerate() {
        if originals[i] {
            idf.add_doc(d);
        }
    }
    // "Rare" = rarer than appearing in about a tenth of the articles.
    let min_idf = idf.weight_of_df(idf.docs() as f32 / 10.0);

    // Candidate article pairs (x < y), each with the sentence pairs (in x, in y) that share
    // rare tokens.
    let mut candidates: Vec<Candidate> = Vec::new();
    for members in stories {
        let origs: Vec<usize> = members.iter().copied().filter(|&i| originals[i]).collect();
        if origs.len() < 2 {
            continue;
        }
        let rare: HashMap<usize, Vec<Vec<String>>> = origs
            .iter()
            .map(|&i| (i, rare_tokens(&docs[i], &idf, min_idf)))
            .collect();
        // token -> (article, sentence)
        let mut index: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
        for &i in &origs {
            for (k, toks) in rare[&i].iter().enumerate() {
                for t in toks {
                    index.entry(t.as_str()).or_default().push((i, k));
                }
            }
        }
        let mut hits: HashMap<(usize, usize), Vec<(usize, usize)>> = HashMap::new();
        for &i in &origs {
            for (k, toks) in rare[&i].iter().enumerate() {
                let mut shared: HashMap<(usize, usize), usize> = HashMap::new();
                for t in toks {
                    let list = &index[t.as_str()];
                    if list.len() > 400 {
                        continue; // too common in this story to tell sentences apart
                    }
                    for &(j, m) in list {
                        if j > i {
                            *shared.entry((j, m)).or_insert(0) += 1;
                        }
                    }
                }
                for ((j, m), c) in shared {
                    let small = toks.len().min(rare[&j][m].len());
                    if c >= 3 || (c >= 2 && 2 * c >= small) {
                        hits.entry((i, j)).or_default().push((k, m));
                    }
                }
            }
        }
        let mut pairs: Vec<Candidate> = hits.into_iter().filter(|(_, s)| s.len() >= 2).collect();
        pairs.sort_unstable();
        candidates.extend(pairs);
    }

    // Embeddings are costly (a transformer pass per sentence): a pair is first aligned on
    // lexical signals, and re-aligned with embeddings only when that covers at least
    // `embed_if_coverage` but less than the rewrite share of either side. Each article is
    // encoded at most once.
    let mut embeddings: HashMap<usize, Vec<Vec<f32>>> = HashMap::new();
    let mut derived: Vec<Option<Derived>> = vec![None; n];
    for ((x, y), sentence_pairs) in candidates {
        let mut al = align_pairs(
            &docs[x],
            &docs[y],
            None,
            None,
            &idf,
            &opts.align,
            &sentence_pairs,
        );
        let mut with_emb = false;
        if let Some(enc) = &opts.encoder {
            let best = al.coverage_a.max(al.coverage_b);
            // Embeddings can only change the verdict in the uncertain band: enough aligned
            // to look like a derivation, not yet enough to be a rewrite on words alone.
            if best >= opts.embed_if_coverage && best < opts.derive.rewrite_coverage {
                for i in [x, y] {
                    embeddings.entry(i).or_insert_with(|| {
                        let sents: Vec<&str> =
                            docs[i].sents.iter().map(|s| s.text(texts[i])).collect();
                        enc.0.encode(&sents)
                    });
                }
                let ok = |i: usize| embeddings[&i].len() == docs[i].sents.len();
                if ok(x) && ok(y) {
                    with_emb = true;
                    al = align(
                        &docs[x],
                        &docs[y],
                        Some(&embeddings[&x]),
                        Some(&embeddings[&y]),
                        &idf,
                        &opts.align,
                    );
                }
            }
        }
        let emb = |i: usize| {
            if with_emb {
                embeddings.get(&i).map(Vec::as_slice)
            } else {
                None
            }
        };
        let side = |i: usize, coverage: f32| Side {
            time: times[i],
            coverage,
            words: docs[i].words(),
        };
        let (copy, source, al) = if b_is_copy(side(x, al.coverage_a), side(y, al.coverage_b)) {
            (y, x, al)
        } else {
            let back = if with_emb {
                align(&docs[y], &docs[x], emb(y), emb(x), &idf, &opts.align)
            } else {
                let swapped: Vec<(usize, usize)> =
                    sentence_pairs.iter().map(|&(k, m)| (m, k)).collect();
                align_pairs(&docs[y], &docs[x], None, None, &idf, &opts.align, &swapped)
            };
            (x, y, back)
        };
        let verdict = judge(&al, &docs[copy], &opts.derive);
        tracing::debug!(
            copy,
            source,
            coverage = al.coverage_b,
            source_coverage = al.coverage_a,
            copied = al.copied_passages(&docs[copy]),
            ?verdict,
            "provenance candidate"
        );
        let Some(kind) = verdict else {
            continue;
        };
        let rank = |k: Derivation| matches!(k, Derivation::Rewrite) as u8;
        let better = match &derived[copy] {
            None => true,
            Some(old) => (rank(kind), al.coverage_b) > (rank(old.kind), old.coverage),
        };
        if better {
            derived[copy] = Some(Derived {
                source,
                kind,
                coverage: al.coverage_b,
                alignment: al,
            });
        }
    }
    Provenance { derived, docs }
}
