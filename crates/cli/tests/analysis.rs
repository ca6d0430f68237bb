//! Story analysis on the sample corpus: every planted problem of
//! `tests/data/sample_expected.json` ("analysis") is reported — the altered quote, the
//! misattributed quotes, the distorting rewrite (changed number, unconfirmed status word,
//! misspelt name) and the single-source number — and the analysis fields are well formed.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn expected() -> &'static Value {
    static E: OnceLock<Value> = OnceLock::new();
    E.get_or_init(|| {
        let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/sample_expected.json");
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    })
}

fn run(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_storyline"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The sample analysed once (with embeddings when the model is installed).
fn output() -> &'static Value {
    static O: OnceLock<Value> = OnceLock::new();
    O.get_or_init(|| run(&["analyze", "examples/sample"]))
}

/// The output story holding the expected story's first article.
fn story(name: &str) -> &'static Value {
    let first = expected()["stories"][name][0].as_str().unwrap();
    output()["stories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["articles"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["id"] == first)
        })
        .unwrap_or_else(|| panic!("no story holds {first}"))
}

fn list<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    v[key].as_array().unwrap_or_else(|| panic!("{key} missing"))
}

fn ids(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect()
}

fn words(s: &str) -> String {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The story quote with a version containing `text` (punctuation and case aside).
fn quote<'a>(s: &'a Value, text: &str) -> &'a Value {
    let want = words(text);
    list(s, "quotes")
        .iter()
        .find(|q| {
            list(q, "versions")
                .iter()
                .any(|v| words(v["text"].as_str().unwrap()).contains(&want))
        })
        .unwrap_or_else(|| panic!("no quote with {text:?}"))
}

#[test]
fn altered_quote_is_reported_with_its_difference() {
    let exp = &expected()["analysis"]["altered_quote"];
    let s = story(exp["story"].as_str().unwrap());
    let versions = list(exp, "versions");
    let q = quote(s, versions[0]["quote"].as_str().unwrap());
    assert_eq!(q["status"], "altered", "{q:#}");
    assert_eq!(q["speaker"], exp["speaker"]);
    // Both wordings are versions of the same quote, in the right articles.
    for v in versions {
        let w = words(v["quote"].as_str().unwrap());
        assert!(
            list(q, "versions")
                .iter()
                .any(|x| x["article"] == v["article"]
                    && words(x["text"].as_str().unwrap()).contains(&w)),
            "{v} not among {q:#}"
        );
    }
    // The change names the swapped words.
    let changes = list(q, "changes");
    assert!(changes.iter().any(|c| {
        ids(&c["articles"]).contains(&"vt-port-strike-talks")
            && ids(&c["removed"])
                .iter()
                .any(|r| r.contains("crane driver"))
            && ids(&c["added"]).iter().any(|a| a.contains("docker"))
    }));
    assert!(list(s, "disagreements")
        .iter()
        .any(|d| d["kind"] == "quote_words" && d["quote"] == q["id"]));
}

#[test]
fn misattributed_quotes_are_reported() {
    let exp = &expected()["analysis"]["misattributed_quote"];
    let s = story(exp["story"].as_str().unwrap());
    let q = quote(s, exp["quote"].as_str().unwrap());
    assert_eq!(q["status"], "misattributed", "{q:#}");
    assert_eq!(q["speaker"], exp["speaker"], "the usual speaker");
    for wrong in list(exp, "misattributed_in") {
        let v = list(q, "versions")
            .iter()
            .find(|v| v["article"] == wrong["article"])
            .unwrap();
        assert_eq!(v["speaker"], wrong["attributed_to"]);
    }
    for right in ids(&exp["correct_in"]) {
        if let Some(v) = list(q, "versions").iter().find(|v| v["article"] == right) {
            if v["speaker_entity"].is_string() {
                assert_eq!(v["speaker_entity"], q["speaker_entity"], "{right}");
            }
        }
    }
    assert!(list(s, "disagreements")
        .iter()
        .any(|d| d["kind"] == "quote_speaker" && d["quote"] == q["id"]));
    // The bridge rewrite gives the engineer's words to the mayor.
    let bridge = story("bridge-collapse");
    let q = quote(bridge, "The bridge was inspected last spring and passed");
    assert_eq!(q["status"], "misattributed", "{q:#}");
    assert_eq!(q["speaker"], "Paul Hendry");
    let np = list(q, "versions")
        .iter()
        .find(|v| v["article"] == "np-bridge-collapse")
        .unwrap();
    assert_eq!(np["speaker"], "Elena Ristova");
}

#[test]
fn distorting_rewrite_is_reported() {
    let exp = &expected()["analysis"]["distorting_rewrite"];
    let s = story(exp["story"].as_str().unwrap());
    let article = exp["article"].as_str().unwrap();
    let dis = list(s, "disagreements");
    // 14 injured became 41: a number disagreement between the rewrite and the original.
    let n = dis
        .iter()
        .find(|d| {
            d["kind"] == "number"
                && list(d, "values")
                    .iter()
                    .any(|v| ids(&v["articles"]).contains(&article))
        })
        .unwrap_or_else(|| panic!("no number disagreement: {dis:#?}"));
    let values: Vec<&str> = list(n, "values")
        .iter()
        .map(|v| v["value"].as_str().unwrap())
        .collect();
    assert!(values.iter().any(|v| v.starts_with("14 ")), "{values:?}");
    assert!(values.iter().any(|v| v.starts_with("41 ")), "{values:?}");
    // "the ousted mayor": a status word no other source confirms.
    let mayor = list(s, "entities")
        .iter()
        .find(|e| e["name"] == "Elena Ristova")
        .unwrap();
    let ousted = list(mayor, "descriptors")
        .iter()
        .find(|d| d["text"].as_str().unwrap().contains("ousted"))
        .unwrap();
    assert_eq!(ousted["conflicting"], true);
    assert_eq!(ids(&ousted["articles"]), vec![article]);
    assert!(dis
        .iter()
        .any(|d| d["kind"] == "descriptor" && d["entity"] == mayor["id"]));
    // A summary sentence with the true count does not cite the rewrite that changed it.
    for x in list(s, "summary") {
        if x["text"].as_str().unwrap().contains("14 people") {
            assert!(!ids(&x["sources"]).contains(&article), "{x}");
        }
    }
    // The misspelt name is a variant of the mayor, flagged.
    let variant = list(mayor, "variants")
        .iter()
        .find(|v| v["name"] == "Elena Ristowa")
        .unwrap();
    assert_eq!(variant["misspelling"], true);
    assert_eq!(ids(&variant["articles"]), vec![article]);
}

#[test]
fn misspelt_names_in_other_rewrites_are_variants() {
    let cup = story("rovers-cup-quarter-final");
    let brennan = list(cup, "entities")
        .iter()
        .find(|e| e["name"] == "Luka Brennan")
        .unwrap();
    assert!(list(brennan, "variants")
        .iter()
        .any(|v| v["name"] == "Luca Brennan" && v["misspelling"] == true));
}

#[test]
fn single_source_number_is_marked() {
    let exp = &expected()["analysis"]["single_source_number"];
    let s = story(exp["story"].as_str().unwrap());
    let figure = exp["figure"].as_str().unwrap();
    let fact = list(s, "facts")
        .iter()
        .find(|f| f["text"].as_str().unwrap().contains(figure))
        .unwrap();
    assert_eq!(fact["single_source"], true);
    assert_eq!(fact["independent_sources"], 1);
    assert_eq!(
        ids(&fact["articles"]),
        vec![exp["article"].as_str().unwrap()]
    );
    // Facts stated by the wire and its copies count one source, with every article listed.
    let wire = list(s, "facts")
        .iter()
        .find(|f| ids(&f["articles"]).contains(&"nl-wildfire-ashby"))
        .unwrap();
    assert!(ids(&wire["articles"]).contains(&"cp-wildfire-ashby"));
}

#[test]
fn summary_timeline_and_entities_are_well_formed() {
    for s in list(output(), "stories") {
        let members: Vec<&str> = list(s, "articles")
            .iter()
            .map(|a| a["id"].as_str().unwrap())
            .collect();
        for x in list(s, "summary") {
            assert!(!x["text"].as_str().unwrap().is_empty());
            let sources = ids(&x["sources"]);
            assert!(!sources.is_empty());
            assert!(sources.iter().all(|a| members.contains(a)));
        }
        for f in list(s, "facts") {
            assert_eq!(
                f["single_source"].as_bool().unwrap(),
                f["independent_sources"] == 1
            );
        }
        let dates: Vec<&str> = list(s, "timeline")
            .iter()
            .map(|t| t["date"].as_str().unwrap())
            .collect();
        assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
        for e in list(s, "entities") {
            assert!(["person", "organisation", "place"].contains(&e["type"].as_str().unwrap()));
        }
    }
    // The bridge story's summary stays near its default length.
    let words: usize = list(story("bridge-collapse"), "summary")
        .iter()
        .map(|x| x["text"].as_str().unwrap().split_whitespace().count())
        .sum();
    assert!((60..=160).contains(&words), "{words}");
}

#[test]
fn single_story_and_summary_words_flags() {
    let v = run(&[
        "analyze",
        "examples/sample/wildfire-contained.txt",
        "examples/sample/wildfire-firefighters.txt",
        "examples/sample/court-appeal-planned.txt",
        "--single-story",
        "--summary-words",
        "40",
        "--no-embeddings",
    ]);
    let stories = list(&v, "stories");
    assert_eq!(stories.len(), 1);
    assert_eq!(stories[0]["size"], 3);
    let words: usize = list(&stories[0], "summary")
        .iter()
        .map(|x| x["text"].as_str().unwrap().split_whitespace().count())
        .sum();
    assert!((1..=80).contains(&words), "{words}");
    let skipped = run(&[
        "analyze",
        "examples/sample/wildfire-contained.txt",
        "--no-analysis",
    ]);
    assert!(skipped["stories"][0]["summary"]
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn report_renders_a_story_from_analyze_json() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("out.json");
    std::fs::write(&json, serde_json::to_vec(output()).unwrap()).unwrap();
    let id = story("bridge-collapse")["id"].as_str().unwrap();
    let report = |format: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_storyline"))
            .args([
                "report",
                id,
                "--input",
                json.to_str().unwrap(),
                "--format",
                format,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let md = report("markdown");
    for section in [
        "## Summary",
        "## Disagreements",
        "## Quotes",
        "## Facts",
        "## Entities",
    ] {
        assert!(md.contains(section), "{section} missing:\n{md}");
    }
    assert!(md.contains("misattributed"));
    assert!(md.contains("41 people"));
    let html = report("html");
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("<h2>Quotes</h2>"));
    let missing = Command::new(env!("CARGO_BIN_EXE_storyline"))
        .args(["report", "s999", "--input", json.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no story s999"));
}
