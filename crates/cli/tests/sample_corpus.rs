//! The bundled sample corpus: its written-down grouping and copy relations are what
//! `storyline analyze` reports.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn expected() -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/sample_expected.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn analyze(extra: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_storyline"))
        .arg("analyze")
        .arg(root().join("examples/sample"))
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

struct Placed {
    story: HashMap<String, String>,
    copy_of: HashMap<String, Option<String>>,
    kind: HashMap<String, Option<String>>,
}

fn placed(v: &Value) -> Placed {
    let mut p = Placed {
        story: HashMap::new(),
        copy_of: HashMap::new(),
        kind: HashMap::new(),
    };
    for s in v["stories"].as_array().unwrap() {
        for a in s["articles"].as_array().unwrap() {
            let id = a["id"].as_str().unwrap().to_string();
            let prev = p
                .story
                .insert(id.clone(), s["id"].as_str().unwrap().to_string());
            assert!(prev.is_none(), "{id} in two stories");
            p.copy_of
                .insert(id.clone(), a["copy_of"].as_str().map(String::from));
            p.kind.insert(id, a["copy_kind"].as_str().map(String::from));
        }
    }
    p
}

#[test]
fn no_errors_and_every_article_once() {
    let v = analyze(&[]);
    assert_eq!(v["errors"].as_array().unwrap().len(), 0, "{}", v["errors"]);
    let p = placed(&v);
    let exp = expected();
    let all: BTreeSet<String> = exp["stories"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|ids| ids.as_array().unwrap())
        .map(|id| id.as_str().unwrap().to_string())
        .collect();
    let got: BTreeSet<String> = p.story.keys().cloned().collect();
    assert_eq!(got, all);
}

/// B-cubed precision and recall of predicted stories against the written grouping.
fn bcubed(gold: &HashMap<String, String>, pred: &HashMap<String, String>) -> (f64, f64) {
    let (mut p, mut r) = (0.0, 0.0);
    for (i, g) in gold {
        let c = &pred[i];
        let same_pred = pred.values().filter(|x| *x == c).count() as f64;
        let same_gold = gold.values().filter(|x| *x == g).count() as f64;
        let both = gold
            .iter()
            .filter(|(j, h)| *h == g && &pred[*j] == c)
            .count() as f64;
        p += both / same_pred;
        r += both / same_gold;
    }
    (p / gold.len() as f64, r / gold.len() as f64)
}

#[test]
fn stories_match_the_written_grouping() {
    let p = placed(&analyze(&[]));
    let exp = expected();
    let mut gold = HashMap::new();
    for (label, ids) in exp["stories"].as_object().unwrap() {
        for id in ids.as_array().unwrap() {
            gold.insert(id.as_str().unwrap().to_string(), label.clone());
        }
    }
    let (precision, recall) = bcubed(&gold, &p.story);
    // No two events may be merged: stories sharing people and places stay apart.
    assert_eq!(precision, 1.0, "events merged: {:?}", p.story);
    // A follow-up with a different angle may open a story of its own (see examples/README.md).
    assert!(recall >= 0.95, "recall {recall}: {:?}", p.story);
}

#[test]
fn exact_and_near_copies_point_at_their_original() {
    let p = placed(&analyze(&[]));
    let exp = expected();
    for (key, kind) in [("exact_copies", "exact"), ("near_copies", "near")] {
        for c in exp[key].as_array().unwrap() {
            let copy = c["copy"].as_str().unwrap();
            let original = c["original"].as_str().unwrap();
            assert_eq!(p.copy_of[copy].as_deref(), Some(original), "{copy}");
            assert_eq!(p.kind[copy].as_deref(), Some(kind), "{copy}");
            assert_eq!(p.copy_of[original], None, "{original} is an original");
        }
    }
}

#[test]
fn independent_reports_are_not_copies() {
    let p = placed(&analyze(&[]));
    for pair in expected()["independent_pairs"].as_array().unwrap() {
        let (a, b) = (pair["a"].as_str().unwrap(), pair["b"].as_str().unwrap());
        assert_ne!(p.copy_of[a].as_deref(), Some(b));
        assert_ne!(p.copy_of[b].as_deref(), Some(a));
    }
}

#[test]
fn explain_shows_learned_site_chrome() {
    let v = analyze(&["--explain"]);
    let removed: Vec<String> = v["stories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["articles"].as_array().unwrap())
        .flat_map(|a| a["boilerplate_removed"].as_array().unwrap())
        .map(|r| r["text"].as_str().unwrap().to_lowercase())
        .collect();
    assert!(!removed.is_empty());
    // Chrome phrases are written down in the expectations; at least one must be learned.
    let chrome: Vec<String> = expected()["site_chrome"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_lowercase())
        .collect();
    assert!(
        chrome
            .iter()
            .any(|c| removed.iter().any(|r| r.contains(c.as_str()))),
        "removed: {removed:?}"
    );
}

#[test]
fn markdown_report_lists_stories() {
    let out = Command::new(env!("CARGO_BIN_EXE_storyline"))
        .arg("analyze")
        .arg(root().join("examples/sample"))
        .args(["--format", "markdown"])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("# Storyline: "));
    assert!(md.contains("## s1 — "));
    assert!(md.contains("exact copy of"));
}
