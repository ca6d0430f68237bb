//! Quotes of a story, matched across articles and checked.
//!
//! Each article's direct quotes (see [`crate::quotes`]) become *versions*; versions from
//! different articles are the same quote when one's words run inside the other's (an
//! excerpt), or when most of their words align (longest common subsequence ≥ 60% of the
//! longer, at least five words). Per quote:
//! - `misattributed`: the versions name different speakers (resolved to story entities, so
//!   "Mr Brandt" and "Tomas Brandt" agree, and a misspelt name is still its entity);
//! - `altered`: the words differ beyond punctuation and case, and neither is an excerpt of
//!   the other — `changes` lists the words removed and added against the usual version;
//! - `verbatim` otherwise.

use std::collections::HashMap;

use serde::Serialize;

use super::disagree::{Disagreement, DisagreementValue};
use super::entities::StoryEntities;
use super::StoryContext;
use crate::quotes::QuoteKind;

/// One article's version of a quote.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteVersion {
    pub article: String,
    pub text: String,
    /// The speaker this article gives (the story entity's name when resolved).
    pub speaker: Option<String>,
    /// Id of the speaker's story entity.
    pub speaker_entity: Option<String>,
    /// Character offsets into the article's clean text.
    pub start: usize,
    pub end: usize,
}

/// Words a version removed and added against the usual version of the quote.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteChange {
    pub articles: Vec<String>,
    pub removed: Vec<String>,
    pub added: Vec<String>,
}

/// A quote across the story.
#[derive(Debug, Clone, Serialize)]
pub struct StoryQuote {
    pub id: String,
    /// The usual wording (carried by most articles).
    pub text: String,
    /// The usual speaker.
    pub speaker: Option<String>,
    pub speaker_entity: Option<String>,
    /// `verbatim`, `altered` or `misattributed`.
    pub status: &'static str,
    pub versions: Vec<QuoteVersion>,
    /// Against the usual wording (altered quotes).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<QuoteChange>,
    pub independent_sources: usize,
}

/// Shortest quote matched across articles, in words.
const MIN_WORDS: usize = 4;

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .map(|w| w.trim_matches(|c| c == '\'' || c == '’').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// `small` occurs as a contiguous run inside `big`.
fn contains_run(big: &[String], small: &[String]) -> bool {
    !small.is_empty() && big.windows(small.len()).any(|w| w == small)
}

/// Longest common subsequence table of two word sequences.
fn lcs_table(a: &[String], b: &[String]) -> Vec<Vec<u16>> {
    let mut t = vec![vec![0u16; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            t[i][j] = if a[i] == b[j] {
                t[i + 1][j + 1] + 1
            } else {
                t[i + 1][j].max(t[i][j + 1])
            };
        }
    }
    t
}

/// Words of `a` not in the alignment, and words of `b` not in it, each as phrases.
fn diff(a: &[String], b: &[String]) -> (Vec<String>, Vec<String>) {
    let t = lcs_table(a, b);
    let (mut i, mut j) = (0, 0);
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    let (mut r, mut d): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
    let flush = |run: &mut Vec<&str>, out: &mut Vec<String>| {
        if !run.is_empty() {
            out.push(run.join(" "));
            run.clear();
        }
    };
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            flush(&mut r, &mut removed);
            flush(&mut d, &mut added);
            i += 1;
            j += 1;
        } else if j >= b.len() || (i < a.len() && t[i + 1][j] >= t[i][j + 1]) {
            r.push(&a[i]);
            i += 1;
        } else {
            d.push(&b[j]);
            j += 1;
        }
    }
    flush(&mut r, &mut removed);
    flush(&mut d, &mut added);
    (removed, added)
}

struct Version {
    article: usize,
    words: Vec<String>,
    text: String,
    speaker: Option<String>,
    entity: Option<usize>,
    start: usize,
    end: usize,
}

fn same_quote(a: &Version, b: &Version) -> bool {
    let (short, long) = if a.words.len() <= b.words.len() {
        (&a.words, &b.words)
    } else {
        (&b.words, &a.words)
    };
    if contains_run(long, short) {
        return true;
    }
    // The common subsequence is at most the shorter quote.
    if short.len() < 5 || short.len() * 10 < long.len() * 6 {
        return false;
    }
    let common = lcs_table(short, long)[0][0] as usize;
    common >= 5 && common * 10 >= long.len() * 6
}

/// Match the story's quotes across articles and check them.
pub fn story_quotes(ctx: &StoryContext, ents: &StoryEntities) -> Vec<StoryQuote> {
    let mut versions: Vec<Version> = Vec::new();
    for (i, a) in ents.per_article.iter().enumerate() {
        for q in &a.quotes {
            let w = words(&q.text);
            if q.kind != QuoteKind::Direct || w.len() < MIN_WORDS {
                continue;
            }
            let entity = q.speaker.as_deref().and_then(|s| ents.resolve(i, s));
            versions.push(Version {
                article: i,
                words: w,
                text: q.text.clone(),
                speaker: entity
                    .map(|k| ents.out[k].name.clone())
                    .or_else(|| q.speaker.clone()),
                entity,
                start: q.start,
                end: q.end,
            });
        }
    }
    // Group: each version joins the first group holding a matching version of another article.
    // Candidate groups share at least three words (an index keeps this linear-ish).
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut index: HashMap<&str, Vec<usize>> = HashMap::new();
    for v in 0..versions.len() {
        let mut distinct: Vec<&str> = versions[v]
            .words
            .iter()
            .map(String::as_str)
            .filter(|w| !storyline_text::is_stop_word(w))
            .collect();
        distinct.sort_unstable();
        distinct.dedup();
        let mut shared: HashMap<usize, usize> = HashMap::new();
        for w in &distinct {
            for &g in index.get(w).map(Vec::as_slice).unwrap_or(&[]) {
                *shared.entry(g).or_insert(0) += 1;
            }
        }
        let mut cands: Vec<usize> = shared
            .into_iter()
            .filter(|&(_, n)| n >= 3.min(distinct.len()).max(1))
            .map(|(g, _)| g)
            .collect();
        cands.sort_unstable();
        let g = cands.into_iter().find(|&g| {
            groups[g]
                .iter()
                .all(|&u| versions[u].article != versions[v].article)
                && groups[g]
                    .iter()
                    .any(|&u| same_quote(&versions[u], &versions[v]))
        });
        let g = match g {
            Some(g) => {
                groups[g].push(v);
                g
            }
            None => {
                groups.push(vec![v]);
                groups.len() - 1
            }
        };
        for w in distinct {
            let e = index.entry(w).or_default();
            if e.last() != Some(&g) {
                e.push(g);
            }
        }
    }
    let mut out: Vec<StoryQuote> = groups
        .iter()
        .map(|g| {
            let arts: Vec<usize> = g.iter().map(|&v| versions[v].article).collect();
            // The usual wording: carried by the most lineages, then articles; excerpts count
            // for the wording that contains them.
            let support = |v: usize| {
                let carriers: Vec<usize> = g
                    .iter()
                    .filter(|&&u| contains_run(&versions[u].words, &versions[v].words))
                    .map(|&u| versions[u].article)
                    .collect();
                (
                    ctx.independent(&carriers),
                    carriers.len(),
                    versions[v].words.len(),
                )
            };
            let usual = *g
                .iter()
                .max_by_key(|&&v| (support(v), std::cmp::Reverse(v)))
                .expect("non-empty group");
            // The usual speaker: named by the most lineages.
            let mut speakers: Vec<(usize, Vec<usize>)> = Vec::new();
            for &v in g {
                if let Some(k) = versions[v].entity {
                    match speakers.iter_mut().find(|(e, _)| *e == k) {
                        Some((_, a)) => a.push(versions[v].article),
                        None => speakers.push((k, vec![versions[v].article])),
                    }
                }
            }
            speakers.sort_by_key(|(k, a)| (std::cmp::Reverse((ctx.independent(a), a.len())), *k));
            let main = speakers.first().map(|(k, _)| *k);
            let mut changes: Vec<QuoteChange> = Vec::new();
            for &v in g {
                let (u, w) = (&versions[usual].words, &versions[v].words);
                if contains_run(u, w) || contains_run(w, u) {
                    continue;
                }
                let (removed, added) = diff(u, w);
                let id = ctx.articles[versions[v].article].id.to_string();
                match changes
                    .iter_mut()
                    .find(|c| c.removed == removed && c.added == added)
                {
                    Some(c) => c.articles.push(id),
                    None => changes.push(QuoteChange {
                        articles: vec![id],
                        removed,
                        added,
                    }),
                }
            }
            // Misattribution is between people: a quote given to a person by one source and
            // to their club or company by another is a vaguer attribution, not a wrong one.
            let people = speakers
                .iter()
                .filter(|(k, _)| ents.out[*k].kind == "person")
                .count();
            let status = if people > 1 {
                "misattributed"
            } else if !changes.is_empty() {
                "altered"
            } else {
                "verbatim"
            };
            let u = &versions[usual];
            StoryQuote {
                id: String::new(),
                text: u.text.clone(),
                speaker: main
                    .map(|k| ents.out[k].name.clone())
                    .or_else(|| u.speaker.clone()),
                speaker_entity: main.map(|k| ents.out[k].id.clone()),
                status,
                versions: g
                    .iter()
                    .map(|&v| {
                        let x = &versions[v];
                        QuoteVersion {
                            article: ctx.articles[x.article].id.to_string(),
                            text: x.text.clone(),
                            speaker: x.speaker.clone(),
                            speaker_entity: x.entity.map(|k| ents.out[k].id.clone()),
                            start: x.start,
                            end: x.end,
                        }
                    })
                    .collect(),
                changes,
                independent_sources: ctx.independent(&arts),
            }
        })
        .collect();
    // Most widely carried first; problems before verbatim quotes at equal reach.
    out.sort_by_key(|q| {
        (
            std::cmp::Reverse(q.independent_sources),
            q.status == "verbatim",
            std::cmp::Reverse(q.versions.len()),
        )
    });
    for (k, q) in out.iter_mut().enumerate() {
        q.id = format!("q{}", k + 1);
    }
    out
}

/// Altered and misattributed quotes as disagreements.
pub fn quote_disagreements(ctx: &StoryContext, quotes: &[StoryQuote]) -> Vec<Disagreement> {
    let index = |id: &str| ctx.articles.iter().position(|a| a.id == id);
    let mut out = Vec::new();
    for q in quotes {
        let mut values: Vec<DisagreementValue> = Vec::new();
        let kind = match q.status {
            "misattributed" => {
                for v in &q.versions {
                    let Some(s) = &v.speaker_entity else { continue };
                    let name = v.speaker.clone().unwrap_or_default();
                    match values.iter_mut().find(|x| &x.value == s) {
                        Some(x) => x.articles.push(v.article.clone()),
                        None => values.push(DisagreementValue {
                            value: s.clone(),
                            text: name,
                            articles: vec![v.article.clone()],
                            lineages: Vec::new(),
                        }),
                    }
                }
                "quote_speaker"
            }
            "altered" => {
                for v in &q.versions {
                    let w = words(&v.text);
                    match values.iter_mut().find(|x| words(&x.text) == w) {
                        Some(x) => x.articles.push(v.article.clone()),
                        None => values.push(DisagreementValue {
                            value: v.text.clone(),
                            text: v.text.clone(),
                            articles: vec![v.article.clone()],
                            lineages: Vec::new(),
                        }),
                    }
                }
                "quote_words"
            }
            _ => continue,
        };
        for v in &mut values {
            let idx: Vec<usize> = v.articles.iter().filter_map(|a| index(a)).collect();
            v.lineages = ctx.lineages(&idx);
        }
        out.push(Disagreement {
            kind,
            subject: q.text.clone(),
            quote: Some(q.id.clone()),
            values,
            ..Default::default()
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        words(s)
    }

    #[test]
    fn diff_names_the_changed_words() {
        let (r, a) = diff(
            &w("We will stay out until every crane driver has a contract worth signing."),
            &w("We will stay out until every docker has a contract worth the paper."),
        );
        assert_eq!(r, vec!["crane driver", "signing"]);
        assert_eq!(a, vec!["docker", "the paper"]);
    }

    #[test]
    fn excerpts_and_rewordings_match() {
        let v = |t: &str| Version {
            article: 0,
            words: w(t),
            text: t.into(),
            speaker: None,
            entity: None,
            start: 0,
            end: 0,
        };
        let full = v("The bridge was inspected last spring and passed. Today is about the people.");
        assert!(same_quote(
            &full,
            &v("The bridge was inspected last spring and passed")
        ));
        assert!(same_quote(
            &v("We will stay out until every crane driver on this waterfront has a contract"),
            &v("We will stay out until every docker on this waterfront has a contract")
        ));
        assert!(!same_quote(
            &full,
            &v("We will stay out until every docker is paid")
        ));
    }
}
