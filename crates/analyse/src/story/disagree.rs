//! Disagreements: what sources — or a rewrite — say differently about the same subject.
//!
//! - `number`: two facts on the same subject (content-stem cosine ≥ 0.3) give different
//!   values for the same unit ("14 people" / "41 people").
//! - `date`: two facts on the same subject (cosine ≥ 0.5) name different days.
//! - `polarity`: two facts saying nearly the same (cosine ≥ 0.6), one negated.
//! - `descriptor`: an entity described with a role or status word the other sources do not
//!   confirm ("the ousted mayor", see [`super::entities`]).
//! - `quote_words`, `quote_speaker`: altered and misattributed quotes (see [`super::quotes`]).
//! - `rewrite`: a sentence of a rewrite, aligned to its source sentence, whose numbers, names
//!   (a misspelling), negation or descriptor words differ from it.

use std::collections::HashMap;

use serde::Serialize;
use storyline_align::Sent;

use super::entities::{one_edit, StoryEntities};
use super::facts::{dates, quantities, rare_keys, Fact, FactSentences};
use super::StoryContext;

/// One side of a disagreement.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DisagreementValue {
    /// What this side says: a number with its unit, a day, a speaker's entity id, a
    /// descriptor, a wording.
    pub value: String,
    /// The sentence (or quote, or speaker name) carrying it.
    pub text: String,
    pub articles: Vec<String>,
    pub lineages: Vec<String>,
}

/// Sources that say different things about the same subject.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Disagreement {
    /// `number`, `date`, `polarity`, `descriptor`, `quote_words`, `quote_speaker` or
    /// `rewrite`.
    pub kind: &'static str,
    /// What it is about: the unit, the entity, the quote, the rewritten sentence.
    pub subject: String,
    pub values: Vec<DisagreementValue>,
    /// The quote (quote kinds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// The entity (descriptor kind).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// The facts compared (number, date, polarity kinds).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<String>,
    /// The rewrite and its source (rewrite kind).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What the rewrite changed: "number 14 people → 41 people", "name ristova → ristowa",
    /// "negation added", "word added: ousted".
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<String>,
}

type Vector = HashMap<String, f32>;

fn vector(ctx: &StoryContext, s: &Sent) -> Vector {
    let mut v: Vector = HashMap::new();
    for t in &s.stems {
        *v.entry(t.clone()).or_insert(0.0) += ctx.idf.weight(t);
    }
    let n = v.values().map(|x| x * x).sum::<f32>().sqrt().max(1e-9);
    v.values_mut().for_each(|x| *x /= n);
    v
}

fn cos(a: &Vector, b: &Vector) -> f32 {
    a.iter().filter_map(|(k, x)| b.get(k).map(|y| x * y)).sum()
}

fn side(value: String, fact: &Fact) -> DisagreementValue {
    DisagreementValue {
        value,
        text: fact.text.clone(),
        articles: fact.articles.clone(),
        lineages: fact.lineages.clone(),
    }
}

/// Disagreements between facts, descriptors and rewrites.
pub fn disagreements(
    ctx: &StoryContext,
    ents: &StoryEntities,
    facts: &[Fact],
    sents: &[FactSentences],
) -> Vec<Disagreement> {
    let mut out = Vec::new();
    let rep: Vec<&Sent> = sents
        .iter()
        .map(|f| &ctx.docs[f.members[0].0].sents[f.members[0].1])
        .collect();
    let vecs: Vec<Vector> = rep.iter().map(|s| vector(ctx, s)).collect();
    // Facts by unit, to compare only those counting the same thing.
    let mut by_unit: HashMap<String, Vec<usize>> = HashMap::new();
    for (f, s) in rep.iter().enumerate() {
        for (_, u) in quantities(s) {
            let e = by_unit.entry(u).or_default();
            if !e.contains(&f) {
                e.push(f);
            }
        }
    }
    let disjoint = |f: usize, g: usize| {
        !facts[f]
            .articles
            .iter()
            .any(|a| facts[g].articles.contains(a))
    };
    let mut units: Vec<(&String, &Vec<usize>)> = by_unit.iter().collect();
    units.sort();
    for (unit, fs) in units {
        for (x, &f) in fs.iter().enumerate() {
            for &g in &fs[x + 1..] {
                if !disjoint(f, g) || cos(&vecs[f], &vecs[g]) < 0.3 {
                    continue;
                }
                let vf: Vec<String> = quantities(rep[f])
                    .into_iter()
                    .filter(|(_, u)| u == unit)
                    .map(|(v, _)| v)
                    .collect();
                let vg: Vec<String> = quantities(rep[g])
                    .into_iter()
                    .filter(|(_, u)| u == unit)
                    .map(|(v, _)| v)
                    .collect();
                if vf.iter().any(|v| vg.contains(v)) {
                    continue;
                }
                out.push(Disagreement {
                    kind: "number",
                    subject: unit.clone(),
                    values: vec![
                        side(format!("{} {unit}", vf.join(", ")), &facts[f]),
                        side(format!("{} {unit}", vg.join(", ")), &facts[g]),
                    ],
                    facts: vec![facts[f].id.clone(), facts[g].id.clone()],
                    ..Default::default()
                });
            }
        }
    }
    // Dates and polarity: facts on the same subject (candidates share two rare keys).
    let min_idf = ctx.idf.weight_of_df(ctx.idf.docs() as f32 / 5.0);
    let mut index: HashMap<String, Vec<usize>> = HashMap::new();
    let mut candidates: Vec<(usize, usize)> = Vec::new();
    for (f, s) in rep.iter().enumerate() {
        let mut shared: HashMap<usize, u32> = HashMap::new();
        for k in rare_keys(ctx, s, min_idf) {
            let e = index.entry(k).or_default();
            for &g in e.iter() {
                *shared.entry(g).or_insert(0) += 1;
            }
            e.push(f);
        }
        let mut c: Vec<usize> = shared
            .into_iter()
            .filter(|x| x.1 >= 2)
            .map(|x| x.0)
            .collect();
        c.sort_unstable();
        candidates.extend(c.into_iter().map(|g| (g, f)));
    }
    for (f, g) in candidates {
        {
            if !disjoint(f, g) {
                continue;
            }
            let c = cos(&vecs[f], &vecs[g]);
            if c < 0.5 {
                continue;
            }
            let (df, dg) = (dates(rep[f]), dates(rep[g]));
            if !df.is_empty() && !dg.is_empty() && !df.iter().any(|d| dg.contains(d)) {
                out.push(Disagreement {
                    kind: "date",
                    subject: facts[f].text.clone(),
                    values: vec![
                        side(df.join(", "), &facts[f]),
                        side(dg.join(", "), &facts[g]),
                    ],
                    facts: vec![facts[f].id.clone(), facts[g].id.clone()],
                    ..Default::default()
                });
            }
            if c >= 0.6 && (rep[f].negations == 0) != (rep[g].negations == 0) {
                let says = |s: &Sent| {
                    if s.negations > 0 {
                        "negative"
                    } else {
                        "positive"
                    }
                };
                out.push(Disagreement {
                    kind: "polarity",
                    subject: facts[f].text.clone(),
                    values: vec![
                        side(says(rep[f]).into(), &facts[f]),
                        side(says(rep[g]).into(), &facts[g]),
                    ],
                    facts: vec![facts[f].id.clone(), facts[g].id.clone()],
                    ..Default::default()
                });
            }
        }
    }
    // Descriptors the other sources do not confirm.
    let mut unconfirmed: Vec<String> = Vec::new();
    for e in &ents.out {
        for d in e.descriptors.iter().filter(|d| d.conflicting) {
            unconfirmed.extend(d.unconfirmed.iter().cloned());
            let mut values = vec![DisagreementValue {
                value: d.text.clone(),
                text: d.text.clone(),
                articles: d.articles.clone(),
                lineages: d.lineages.clone(),
            }];
            values.extend(
                e.descriptors
                    .iter()
                    .filter(|o| !o.conflicting)
                    .take(3)
                    .map(|o| DisagreementValue {
                        value: o.text.clone(),
                        text: o.text.clone(),
                        articles: o.articles.clone(),
                        lineages: o.lineages.clone(),
                    }),
            );
            out.push(Disagreement {
                kind: "descriptor",
                subject: e.name.clone(),
                entity: Some(e.id.clone()),
                values,
                ..Default::default()
            });
        }
    }
    // What rewrites changed in the passages they took.
    for p in ctx.aligned {
        let (i, j) = (p.article, p.source);
        let (Some(b), Some(a)) = (
            ctx.docs[i].sents.iter().find(|s| s.start == p.span.0),
            ctx.docs[j]
                .sents
                .iter()
                .find(|s| s.start == p.source_span.0),
        ) else {
            continue;
        };
        let changes = rewrite_changes(a, b, &unconfirmed);
        if changes.is_empty() {
            continue;
        }
        let line = |k: usize, s: &Sent| DisagreementValue {
            value: ctx.articles[k].id.to_string(),
            text: s.text(ctx.articles[k].text).to_string(),
            articles: vec![ctx.articles[k].id.to_string()],
            lineages: vec![ctx.articles[k].lineage.clone()],
        };
        out.push(Disagreement {
            kind: "rewrite",
            subject: b.text(ctx.articles[i].text).to_string(),
            values: vec![line(j, a), line(i, b)],
            article: Some(ctx.articles[i].id.to_string()),
            source: Some(ctx.articles[j].id.to_string()),
            changes,
            ..Default::default()
        });
    }
    out
}

/// What changed in meaning from source sentence `a` to its rewrite `b`.
fn rewrite_changes(a: &Sent, b: &Sent, status_words: &[String]) -> Vec<String> {
    let mut changes = Vec::new();
    let (qa, qb) = (quantities(a), quantities(b));
    for (va, ua) in &qa {
        if let Some((vb, _)) = qb.iter().find(|(vb, ub)| ub == ua && vb != va) {
            if !qb.iter().any(|(v, u)| u == ua && v == va) {
                changes.push(format!("number {va} {ua} → {vb} {ua}"));
            }
        }
    }
    let na: Vec<&String> = a
        .numbers
        .iter()
        .filter(|n| !b.numbers.contains(n))
        .collect();
    let nb: Vec<&String> = b
        .numbers
        .iter()
        .filter(|n| !a.numbers.contains(n))
        .collect();
    let digits = |n: &str| n.trim_end_matches(char::is_alphabetic).to_string();
    if changes.is_empty() && na.len() == 1 && nb.len() == 1 && digits(na[0]) != digits(nb[0]) {
        changes.push(format!("number {} → {}", na[0], nb[0]));
    }
    for x in a.names.iter().filter(|x| !b.names.contains(x)) {
        if let Some(y) = b
            .names
            .iter()
            .find(|y| !a.names.contains(y) && x.chars().count() >= 4 && one_edit(x, y))
        {
            changes.push(format!("name {x} → {y}"));
        }
    }
    match (a.negations == 0, b.negations == 0) {
        (true, false) => changes.push("negation added".into()),
        (false, true) => changes.push("negation removed".into()),
        _ => {}
    }
    for w in status_words {
        if b.words.contains(w) && !a.words.contains(w) {
            changes.push(format!("word added: {w}"));
        }
    }
    changes
}
