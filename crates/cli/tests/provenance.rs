//! Provenance: spun rewrites and partial copies are found, independent reports are not,
//! direction follows publication time, and lineages count independent sources.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn expected() -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/sample_expected.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn model_installed() -> bool {
    root()
        .join("models/all-MiniLM-L6-v2/model.safetensors")
        .is_file()
        || std::env::var_os("STORYLINE_MODEL_DIR").is_some()
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

fn articles(v: &Value) -> HashMap<String, Value> {
    v["stories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["articles"].as_array().unwrap().iter().cloned())
        .map(|a| (a["id"].as_str().unwrap().to_string(), a))
        .collect()
}

fn pairs(exp: &Value, key: &str) -> Vec<(String, String)> {
    exp[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["copy"].as_str().unwrap().to_string(),
                p["original"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn spun_copies_are_rewrites_of_their_original() {
    let v = run(&["analyze", "examples/sample"]);
    let a = articles(&v);
    let spun = pairs(&expected(), "spun_copies");
    let mut found = 0;
    for (copy, original) in &spun {
        let x = &a[copy];
        assert!(x["copy_of"].is_null(), "{copy} is not a near-duplicate");
        if x["derivation"] == "rewrite" {
            assert_eq!(x["derives_from"], original.as_str(), "{copy}");
            assert_eq!(x["lineage"], a[original]["lineage"], "{copy}");
            assert!(x["derivation_coverage"].as_f64().unwrap() >= 0.5);
            found += 1;
        }
    }
    if model_installed() {
        assert_eq!(found, spun.len(), "all spun copies found with embeddings");
    } else {
        eprintln!("model not installed: lexical signals only");
        assert!(found + 1 >= spun.len(), "found {found} of {}", spun.len());
    }
}

#[test]
fn partial_quote_is_a_partial_derivation_not_a_duplicate() {
    let v = run(&["analyze", "examples/sample"]);
    let a = articles(&v);
    for (copy, original) in pairs(&expected(), "partial_copies") {
        let x = &a[&copy];
        assert!(x["copy_of"].is_null(), "{copy} must not be a duplicate");
        assert_eq!(x["derivation"], "partial", "{copy}");
        assert_eq!(x["derives_from"], original.as_str());
        assert!(x["derivation_coverage"].as_f64().unwrap() < 0.5);
    }
}

#[test]
fn independent_reports_are_separate_lineages() {
    for extra in [&[][..], &["--no-embeddings"][..]] {
        let mut args = vec!["analyze", "examples/sample"];
        args.extend_from_slice(extra);
        let a = articles(&run(&args));
        for p in expected()["independent_pairs"].as_array().unwrap() {
            let (x, y) = (p["a"].as_str().unwrap(), p["b"].as_str().unwrap());
            assert_ne!(a[x]["lineage"], a[y]["lineage"], "{x} / {y} {extra:?}");
            assert_ne!(a[x]["derives_from"], y);
            assert_ne!(a[y]["derives_from"], x);
        }
    }
}

#[test]
fn direction_follows_publication_time() {
    let a = articles(&run(&["analyze", "examples/sample"]));
    let mut checked = 0;
    for x in a.values() {
        if let Some(src) = x["derives_from"].as_str() {
            if let (Some(t), Some(ts)) = (x["published"].as_str(), a[src]["published"].as_str()) {
                assert!(ts <= t, "{} ({t}) derives from later {src} ({ts})", x["id"]);
                checked += 1;
            }
        }
    }
    assert!(checked >= 5, "{checked}");
}

#[test]
fn lineages_partition_each_story() {
    let v = run(&["analyze", "examples/sample"]);
    let mut with_copies = 0;
    for s in v["stories"].as_array().unwrap() {
        let ids: HashSet<&str> = s["articles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap())
            .collect();
        let lineages = s["lineages"].as_array().unwrap();
        assert_eq!(
            s["independent_sources"].as_u64().unwrap() as usize,
            lineages.len()
        );
        let mut seen = HashSet::new();
        for l in lineages {
            let members: Vec<&str> = l["articles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap())
                .collect();
            assert!(members.contains(&l["original"].as_str().unwrap()));
            for m in &members {
                assert!(ids.contains(m));
                assert!(seen.insert(m.to_string()), "{m} in two lineages");
            }
            if members.len() > 1 {
                with_copies += 1;
            }
        }
        assert_eq!(seen.len(), ids.len());
        for a in s["articles"].as_array().unwrap() {
            assert!(lineages.iter().any(|l| l["id"] == a["lineage"]));
        }
    }
    assert!(with_copies >= 6, "{with_copies}");
}

#[test]
fn alignments_flag_lists_passages() {
    let a = articles(&run(&["analyze", "examples/sample", "--alignments"]));
    let x = &a["np-bridge-collapse"];
    let passages = x["alignment"].as_array().expect("alignment present");
    assert!(passages.len() >= 4);
    assert!(passages.iter().any(|p| p["kind"] == "reworded"));
    for p in passages {
        assert!(!p["sentence"].as_str().unwrap().is_empty());
        assert!(!p["source_sentence"].as_str().unwrap().is_empty());
    }
    // Articles that derive from nothing carry no alignment.
    assert!(a["cp-bridge-collapse"].get("alignment").is_none());
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

const ORIGINAL: &str = "Harbour authority approves new ferry terminal

The Lindqvist Harbour Authority approved plans on Monday for a new ferry terminal at the old coal pier, at a cost of 48 million euros.
Construction will begin in the spring and the terminal is expected to open in 2028, the authority said.
Chair Ingrid Lindqvist said the terminal would double passenger capacity on the island routes.
Residents of the Kestrel Point neighbourhood have objected to the plans, citing traffic and noise.
The authority said it would build a new access road to keep lorries away from homes.
Ferry operator Nordsund Lines, which carries 1.2 million passengers a year, welcomed the decision.";

const SPUN: &str = "Port body gives green light to ferry hub

Building work is set to start in the spring, and the hub should open its doors in 2028, according to the authority.
On Monday the Lindqvist Harbour Authority gave the go-ahead for a fresh ferry terminal on the former coal pier, costing 48 million euros.
Ingrid Lindqvist, who chairs the body, said the new terminal would double the passenger capacity of the island routes.
People living in the Kestrel Point area have opposed the scheme, pointing to traffic and noise.
To keep lorries away from houses, the authority said it will construct a new access road.
Nordsund Lines, the ferry company that carries 1.2 million passengers each year, praised the decision.
Analysts expect fares to stay the same.";

const INDEPENDENT: &str = "Island ferry plan splits Kestrel Point

Kestrel Point residents packed a community hall on Tuesday night to voice anger at the harbour terminal plan.
Many said the 48 million euros project would bring hundreds of lorries past the primary school every week.
Local councillor Mats Berg said he would ask the regional government to review the approval.
Nordsund Lines declined to comment on the protest.
A petition against the terminal has gathered 3,400 signatures since January.";

#[test]
fn align_finds_a_reordered_synonym_rewrite_but_not_an_independent_report() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "original.txt", ORIGINAL);
    let b = write(dir.path(), "spun.txt", SPUN);
    let c = write(dir.path(), "independent.txt", INDEPENDENT);
    for extra in [&[][..], &["--no-embeddings"][..]] {
        let mut args = vec!["align", &a, &b, "--format", "json"];
        args.extend_from_slice(extra);
        let v = run(&args);
        assert_eq!(v["b_derives_from_a"], "rewrite", "{extra:?}: {v}");
        let pairs = v["pairs"].as_array().unwrap();
        assert!(pairs.len() >= 5, "{extra:?}: {v}");
        // The first sentence of the rewrite is the original's second (reordered).
        let first = pairs
            .iter()
            .find(|p| p["b_sentence"] == 0)
            .expect("aligned");
        assert_eq!(first["a_sentence"], 1, "{first}");
        assert!(pairs.iter().all(|p| p["kind"] != "verbatim"));

        let mut args = vec!["align", &a, &c, "--format", "json"];
        args.extend_from_slice(extra);
        let v = run(&args);
        assert!(v["b_derives_from_a"].is_null(), "{extra:?}: {v}");
    }
}

#[test]
fn align_text_output_is_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "original.txt", ORIGINAL);
    let b = write(dir.path(), "spun.txt", SPUN);
    let out = Command::new(env!("CARGO_BIN_EXE_storyline"))
        .args(["align", &a, &b, "--color", "never", "--width", "100"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("verdict: B is a rewrite of A"), "{text}");
    assert!(text.contains("reworded"));
    assert!(text.contains("│"));
    assert!(!text.contains('\x1b'));
}

#[test]
fn pair_score_reads_json_lines_and_reports_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "pairs.jsonl",
        concat!(
            r#"{"id":"p1","a":"The mayor said the bridge would reopen in May.","b":"The bridge will reopen in May, the mayor said."}"#,
            "\n",
            "{not json\n",
            r#"{"id":"p2","a":"The mayor said the bridge would reopen in May.","b":"Shares of the chip maker fell sharply on Friday."}"#,
            "\n"
        ),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_storyline"))
        .args(["pair-score", "--input", &input])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pairs.jsonl:2"), "{err}");
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "p1");
    assert_eq!(lines[0]["rewrite"], true);
    assert_eq!(lines[1]["rewrite"], false);
    assert!(lines[0]["score"].as_f64().unwrap() > lines[1]["score"].as_f64().unwrap());
}
