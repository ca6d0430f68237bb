//! `storyline stance`: one JSON line per readable pair, with the four class probabilities;
//! bad lines are reported as file:line and skipped; `--features` writes the feature vector.

use std::process::Command;

use serde_json::Value;

const CLAIM: &str = "Apple will unveil a gold smartwatch in Cupertino on September 9";

fn input() -> String {
    let lines = [
        serde_json::json!({"id": "agree", "claim": CLAIM, "body":
            "Apple will unveil a gold smartwatch at an event in Cupertino on September 9, the \
             company confirmed on Monday. The watch, made of 18-carat gold, will go on sale \
             early next year."}),
        serde_json::json!({"id": "deny", "claim": CLAIM, "body":
            "Apple has denied reports that it will unveil a gold smartwatch in Cupertino on \
             September 9. A spokesman said the claim was false and that no such watch exists."}),
        serde_json::json!({"id": 3, "claim": CLAIM, "body":
            "Heavy rain flooded the lower town of Valeport overnight, and the mayor closed the \
             old bridge over the river. The council will meet on Friday."}),
    ];
    let mut s: String = lines.iter().map(|l| format!("{l}\n")).collect();
    s.insert_str(0, "{\"id\": \"broken\", \"claim\": \n\n");
    s
}

fn run(args: &[&str], input: &str) -> (std::process::Output, Vec<Value>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pairs.jsonl");
    std::fs::write(&path, input).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_storyline"))
        .arg("stance")
        .arg("--input")
        .arg(&path)
        .args(args)
        .output()
        .unwrap();
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (out, lines)
}

#[test]
fn stances_with_probabilities() {
    let (out, lines) = run(&[], &input());
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("pairs.jsonl:1:"), "{stderr}");
    assert_eq!(lines.len(), 3);
    for l in &lines {
        let scores = l["scores"].as_object().unwrap();
        assert_eq!(scores.len(), 4);
        let total: f64 = scores.values().map(|v| v.as_f64().unwrap()).sum();
        assert!((total - 1.0).abs() < 1e-3, "{l}");
        // Unrelated at 0.5 or more, else the most probable of the other three.
        let best = if scores["unrelated"].as_f64().unwrap() >= 0.5 {
            "unrelated"
        } else {
            ["agree", "disagree", "discuss"]
                .into_iter()
                .max_by(|a, b| {
                    scores[*a]
                        .as_f64()
                        .unwrap()
                        .total_cmp(&scores[*b].as_f64().unwrap())
                })
                .unwrap()
        };
        assert_eq!(l["stance"].as_str().unwrap(), best);
    }
    assert_eq!(lines[0]["id"], "agree");
    assert_eq!(lines[2]["id"], 3);
    assert_eq!(lines[2]["stance"], "unrelated");
    assert_ne!(lines[0]["stance"], "unrelated");
    let disagree = |l: &Value| l["scores"]["disagree"].as_f64().unwrap();
    assert!(disagree(&lines[1]) > disagree(&lines[0]), "{lines:?}");
}

#[test]
fn features_mode_writes_vectors() {
    let (out, lines) = run(&["--features"], &input());
    assert!(out.status.success());
    let names = lines[0]["feature_names"].as_array().unwrap();
    for l in &lines {
        assert_eq!(l["features"].as_array().unwrap().len(), names.len());
        assert!(l["words"]["near"].is_array());
        assert!(l.get("stance").is_none());
    }
}

#[test]
fn no_readable_pair_fails() {
    let (out, lines) = run(&[], "not json\n");
    assert!(!out.status.success());
    assert!(lines.is_empty());
}
