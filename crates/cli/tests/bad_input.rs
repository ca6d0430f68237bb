//! Bad input never crashes the run and never hides good articles.

use std::io::Write;
use std::process::Command;

fn storyline() -> Command {
    Command::new(env!("CARGO_BIN_EXE_storyline"))
}

const GOOD: &str = "Dock workers at the port of Valeport walked out on Monday over pay. The union \
said talks with the harbour authority had collapsed. Ships queued outside the breakwater.";

#[test]
fn every_bad_item_is_reported_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("feed.jsonl"),
        format!(
            "{{\"id\":\"good-1\",\"title\":\"Strike\",\"text\":\"{GOOD}\"}}\n\
             {{\"id\":\"broken\",\"text\": \n\
             {{\"id\":\"good-2\",\"title\":\"Budget\",\"text\":\"The council passed the budget on Tuesday after a long debate.\"}}\n"
        ),
    )
    .unwrap();
    std::fs::write(p.join("empty.txt"), "").unwrap();
    std::fs::write(p.join("junk.txt"), [0u8, 159, 146, 150, 0, 1, 2, 3, 255, 0]).unwrap();
    let mut bad_utf8 = b"Headline\n\nSome text ".to_vec();
    bad_utf8.extend_from_slice(&[0xC3, 0x28, b' ', b'x']);
    std::fs::write(p.join("latin.txt"), bad_utf8).unwrap();
    std::fs::write(
        p.join("broken-page.html"),
        format!("<html><head><title>Broken</title><body><article><p>{GOOD}<p>More <b>unclosed"),
    )
    .unwrap();
    // A 200 MB file: refused with a clear error, not read into memory.
    let big = std::fs::File::create(p.join("huge.txt")).unwrap();
    big.set_len(200 * 1024 * 1024).unwrap();
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(p.join("wire.jsonl.gz")).unwrap(),
        flate2::Compression::fast(),
    );
    writeln!(gz, "{{\"id\":\"gz-1\",\"text\":\"{GOOD}\"}}").unwrap();
    gz.finish().unwrap();

    let out = storyline()
        .args(["analyze", "--format", "json"])
        .arg(p)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = v["stories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["articles"].as_array().unwrap())
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    for id in ["good-1", "good-2", "gz-1", "broken-page"] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    assert!(!ids.contains(&"broken"), "{ids:?}");
    let errors: Vec<String> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["item"].as_str().unwrap(),
                e["error"].as_str().unwrap()
            )
        })
        .collect();
    let has = |needle: &str| errors.iter().any(|e| e.contains(needle));
    assert!(has("feed.jsonl:2"), "{errors:?}");
    assert!(has("empty.txt"), "{errors:?}");
    assert!(has("junk.txt"), "{errors:?}");
    assert!(has("latin.txt"), "{errors:?}");
    assert!(has("huge.txt"), "{errors:?}");
    // The gzipped wire copy of the same text is found as a copy.
    let gz = v["stories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["articles"].as_array().unwrap())
        .find(|a| a["id"] == "gz-1")
        .unwrap();
    assert!(!gz["copy_of"].is_null(), "{gz}");
}

#[test]
fn nothing_readable_is_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.txt"), "").unwrap();
    let out = storyline().arg("analyze").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty.txt"));
}

#[test]
fn stdin_is_read() {
    use std::process::Stdio;
    let mut child = storyline()
        .args(["analyze", "-", "--format", "markdown"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            format!("{{\"id\":\"in-1\",\"title\":\"Strike\",\"text\":\"{GOOD}\"}}\n").as_bytes(),
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("`in-1` Strike"), "{md}");
}
