//! `storyline quotes`: JSON lines of quotes with speakers and character offsets.

use std::process::Command;

fn storyline() -> Command {
    Command::new(env!("CARGO_BIN_EXE_storyline"))
}

const STORY: &str = "Mayor Inès Dubois opened the rebuilt Quai Sud bridge on Friday.\n\n\
“It took three winters,” Dubois said, “but the river is ours again.”\n\n\
Engineer Tomás Ruiz, who led the works, was more cautious. “The piers need watching,” he told \
reporters.\n\n\
“We will inspect them every spring.”";

fn run(args: &[&str]) -> (Vec<serde_json::Value>, std::process::ExitStatus) {
    let out = storyline().args(args).output().expect("storyline runs");
    let lines = String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    (lines, out.status)
}

#[test]
fn quotes_have_speakers_and_character_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("feed.jsonl");
    let record = serde_json::json!({"id": "bridge", "text": STORY});
    std::fs::write(&file, format!("{record}\n")).unwrap();
    let (quotes, status) = run(&["quotes", file.to_str().unwrap()]);
    assert!(status.success());
    assert_eq!(quotes.len(), 3, "{quotes:#?}");
    let chars: Vec<char> = STORY.chars().collect();
    for q in &quotes {
        assert_eq!(q["article"], "bridge");
        for key in ["speaker", "text", "start", "end", "parts", "kind", "method"] {
            assert!(q.get(key).is_some(), "{key} missing in {q}");
        }
        // Offsets are characters into the text as read: every part slices out of it.
        for part in q["parts"].as_array().unwrap() {
            let (s, e) = (
                part["start"].as_u64().unwrap() as usize,
                part["end"].as_u64().unwrap() as usize,
            );
            let piece: String = chars[s..e].iter().collect();
            assert!(
                q["text"].as_str().unwrap().contains(&piece),
                "{piece:?} in {q}"
            );
        }
    }
    // A quote split by its attribution is one quote in two parts.
    assert_eq!(quotes[0]["speaker"], "Inès Dubois");
    assert_eq!(quotes[0]["parts"].as_array().unwrap().len(), 2);
    assert_eq!(
        quotes[0]["text"],
        "It took three winters, but the river is ours again."
    );
    // A pronoun resolved to the person named in the sentence before.
    assert_eq!(quotes[1]["speaker"], "Tomás Ruiz");
    assert_eq!(quotes[1]["speaker_mention"]["text"], "he");
    // A paragraph of its own continues the previous speaker.
    assert_eq!(quotes[2]["speaker"], "Tomás Ruiz");
    assert_eq!(quotes[2]["method"], "continuation");
}

#[test]
fn plain_text_and_no_quotes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("calm.txt");
    std::fs::write(&file, "Calm day\n\nNothing was said by anyone today.").unwrap();
    let (quotes, status) = run(&["quotes", file.to_str().unwrap()]);
    assert!(status.success());
    assert!(quotes.is_empty());
}

#[test]
fn nothing_readable_is_an_error_exit() {
    let dir = tempfile::tempdir().unwrap();
    let (quotes, status) = run(&["quotes", dir.path().join("missing.txt").to_str().unwrap()]);
    assert!(!status.success());
    assert!(quotes.is_empty());
}
