//! Tests of discovery and reading, on files written to a temporary folder.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::*;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, bytes).unwrap();
    p
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn read_with(path: &Path, opts: &ReadOptions) -> (Vec<Article>, Vec<ItemError>) {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    read_input(&Input::File(path.to_path_buf()), opts, &mut |r| match r {
        Ok(a) => ok.push(a),
        Err(e) => errors.push(e),
    });
    (ok, errors)
}

fn read(path: &Path) -> (Vec<Article>, Vec<ItemError>) {
    read_with(path, &ReadOptions::default())
}

const ENGLISH: &str = "The city council voted on Tuesday to approve the new budget, which \
    includes funding for schools, roads and public transport across the whole region.";

// ---------------------------------------------------------------- discovery

#[test]
fn discover_walks_folders_sorted_and_skips_hidden_and_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "b.txt", b"b");
    write(d, "a.jsonl", b"{}");
    write(d, "sub/c.html.gz", b"x");
    write(d, "sub/d.JSON", b"{}");
    write(d, "notes.md", b"skip me");
    write(d, "image.png", b"skip me");
    write(d, ".hidden.txt", b"skip me");
    write(d, ".git/e.txt", b"skip me");
    write(d, "archive.gz", b"skip me");
    let found = discover(&[d.to_path_buf()]);
    let names: Vec<String> = found
        .inputs
        .iter()
        .map(|i| match i {
            Input::File(p) => p.strip_prefix(d).unwrap().display().to_string(),
            Input::Stdin => "-".into(),
        })
        .collect();
    assert_eq!(names, ["a.jsonl", "b.txt", "sub/c.html.gz", "sub/d.JSON"]);
    assert!(found.errors.is_empty());
    assert_eq!(found.total_bytes, 2 + 1 + 1 + 2);
}

#[test]
fn discover_explicit_files_stdin_and_missing_paths() {
    let dir = tempfile::tempdir().unwrap();
    let odd = write(dir.path(), "data.weird", b"hello");
    let missing = dir.path().join("nope.txt");
    let found = discover(&[odd.clone(), PathBuf::from("-"), missing.clone()]);
    assert_eq!(found.inputs, vec![Input::File(odd), Input::Stdin]);
    assert_eq!(found.errors.len(), 1);
    assert_eq!(found.errors[0].item, missing.display().to_string());
    assert_eq!(found.errors[0].error, "no such file or directory");
    assert_eq!(Input::Stdin.name(), "-");
}

#[test]
fn stems_drop_gz_and_known_extensions() {
    assert_eq!(stem_of(Path::new("a/news.jsonl.gz")), "news");
    assert_eq!(stem_of(Path::new("page.HTML")), "page");
    assert_eq!(stem_of(Path::new("report.2024.txt")), "report.2024");
    assert_eq!(stem_of(Path::new("data.weird")), "data.weird");
    assert_eq!(stem_of(Path::new(".txt")), ".txt");
}

// ---------------------------------------------------------------- text

#[test]
fn txt_title_and_paragraphs() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "story.txt",
        format!("Council approves budget\r\n\r\n{ENGLISH}\r\n\r\n\r\nSecond paragraph.\n")
            .as_bytes(),
    );
    let (ok, errors) = read(&p);
    assert!(errors.is_empty(), "{errors:?}");
    let a = &ok[0];
    assert_eq!(a.id, "story");
    assert_eq!(a.title.as_deref(), Some("Council approves budget"));
    assert_eq!(a.text, format!("{ENGLISH}\n\nSecond paragraph."));
    assert_eq!(a.language.as_deref(), Some("eng"));
    assert_eq!(a.origin.file, p.display().to_string());
    assert_eq!(a.origin.line, None);
}

#[test]
fn txt_gz_and_no_title_when_first_line_is_a_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "plain.txt.gz",
        &gzip(format!("{ENGLISH}\nMore text.").as_bytes()),
    );
    let (ok, errors) = read(&p);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(ok[0].id, "plain");
    assert_eq!(ok[0].title, None);
    assert!(ok[0].text.starts_with("The city council"));
}

#[test]
fn detect_language_can_be_switched_off() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "a.txt", ENGLISH.as_bytes());
    let opts = ReadOptions {
        detect_language: false,
        ..Default::default()
    };
    let (ok, _) = read_with(&p, &opts);
    assert_eq!(ok[0].language, None);
}

// ---------------------------------------------------------------- JSON lines

#[test]
fn jsonl_fields_and_fallbacks() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        serde_json::json!({
            "id": 42, "headline": "Budget passes", "body": ENGLISH,
            "url": "https://www.example.com/news/1", "published": 1574150580000i64,
            "authors": ["Jane Doe", {"name": "John Roe"}], "lang": "en-GB"
        }),
        serde_json::json!({
            "title": "Second", "maintext": "Le conseil municipal a voté mardi le nouveau budget.",
            "source": "Le Monde", "date_publish": "2019-11-19 08:03:00", "language": "fr"
        }),
    ];
    let mut body = String::new();
    body.push_str(&lines[0].to_string());
    body.push_str("\n\n   \n");
    body.push_str(&lines[1].to_string());
    body.push('\n');
    let p = write(dir.path(), "feed.jsonl", body.as_bytes());
    let (ok, errors) = read(&p);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(ok.len(), 2);
    let a = &ok[0];
    assert_eq!(a.id, "42");
    assert_eq!(a.title.as_deref(), Some("Budget passes"));
    assert_eq!(a.text, ENGLISH);
    assert_eq!(a.source.as_deref(), Some("example.com"));
    assert_eq!(
        a.published_rfc3339().as_deref(),
        Some("2019-11-19T08:03:00Z")
    );
    assert_eq!(a.byline.as_deref(), Some("Jane Doe, John Roe"));
    assert_eq!(a.language.as_deref(), Some("eng"));
    assert_eq!(a.origin.line, Some(1));
    let b = &ok[1];
    assert_eq!(b.id, "feed:4");
    assert_eq!(b.source.as_deref(), Some("Le Monde"));
    assert_eq!(b.language.as_deref(), Some("fra"));
    assert_eq!(
        b.published_rfc3339().as_deref(),
        Some("2019-11-19T08:03:00Z")
    );
    assert_eq!(b.origin.line, Some(4));
}

#[test]
fn jsonl_bad_lines_are_one_error_each_and_reading_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut body: Vec<u8> = Vec::new();
    body.extend_from_slice(b"{\"text\": \"first one\"}\n"); // 1 ok
    body.extend_from_slice(b"{\"text\": \"unterminated\n"); // 2 malformed
    body.extend_from_slice(b"[1, 2]\n"); // 3 not an object
    body.extend_from_slice(b"{\"title\": \"no text\"}\n"); // 4 no text
    body.extend_from_slice(b"{\"text\": \"bad \xff byte\"}\n"); // 5 invalid UTF-8
    body.extend_from_slice(format!("{{\"text\": \"{}\"}}\n", "x".repeat(200)).as_bytes()); // 6 too long
    body.extend_from_slice(b"{\"text\": \"last one\"}"); // 7 ok, no final newline
    let p = write(dir.path(), "bad.ndjson", &body);
    let opts = ReadOptions {
        max_line_bytes: 150,
        ..Default::default()
    };
    let (ok, errors) = read_with(&p, &opts);
    assert_eq!(ok.len(), 2);
    assert_eq!(ok[0].id, "bad:1");
    assert_eq!(ok[1].id, "bad:7");
    let name = p.display().to_string();
    let items: Vec<&str> = errors.iter().map(|e| e.item.as_str()).collect();
    assert_eq!(
        items,
        [2, 3, 4, 5, 6]
            .iter()
            .map(|n| format!("{name}:{n}"))
            .collect::<Vec<_>>()
    );
    assert!(
        errors[0].error.starts_with("malformed JSON"),
        "{}",
        errors[0].error
    );
    assert!(errors[1].error.contains("expected a JSON object"));
    assert!(errors[2].error.starts_with("no text"));
    // Line 5 starts after lines 1-4; the bad byte is 14 bytes into it.
    let line5_start = body
        .split(|&b| b == b'\n')
        .take(4)
        .map(|l| l.len() + 1)
        .sum::<usize>();
    assert_eq!(
        errors[3].error,
        format!("invalid UTF-8 at byte offset {}", line5_start + 14)
    );
    assert!(errors[4].error.starts_with("line too long"));
}

#[test]
fn jsonl_gz_and_html_records() {
    let dir = tempfile::tempdir().unwrap();
    let html = format!(
        "<html><head><title>Page title</title>\
         <meta property=\"article:published_time\" content=\"2020-01-02T03:04:05Z\"></head>\
         <body><article><h1>Page title</h1><p>{ENGLISH}</p><p>{ENGLISH}</p></article></body></html>"
    );
    let line =
        serde_json::json!({"id": "h1", "url": "https://news.example.org/a", "raw_html": html});
    let p = write(
        dir.path(),
        "pages.jsonl.gz",
        &gzip(format!("{line}\n").as_bytes()),
    );
    let (ok, errors) = read(&p);
    assert!(errors.is_empty(), "{errors:?}");
    let a = &ok[0];
    assert_eq!(a.id, "h1");
    assert_eq!(a.title.as_deref(), Some("Page title"));
    assert!(a.text.contains("city council"));
    assert_eq!(
        a.published_rfc3339().as_deref(),
        Some("2020-01-02T03:04:05Z")
    );
    assert_eq!(a.source.as_deref(), Some("news.example.org"));
}

#[test]
fn json_text_holding_markup_becomes_plain_text() {
    let dir = tempfile::tempdir().unwrap();
    let rec =
        serde_json::json!({"id": "m", "content": "<p>First <b>para</b>.</p><p>Second para.</p>"});
    let p = write(dir.path(), "m.json", rec.to_string().as_bytes());
    let (ok, _) = read(&p);
    assert_eq!(ok[0].text, "First para.\n\nSecond para.");
}

// ---------------------------------------------------------------- JSON documents

#[test]
fn json_object_array_and_wrapped_list() {
    let dir = tempfile::tempdir().unwrap();
    let one = write(
        dir.path(),
        "one.json",
        serde_json::json!({"title": "T", "text": ENGLISH})
            .to_string()
            .as_bytes(),
    );
    let (ok, errors) = read(&one);
    assert!(errors.is_empty());
    assert_eq!(ok[0].id, "one");

    let arr = write(
        dir.path(),
        "arr.json",
        serde_json::json!([{"text": "a"}, {"id": "x", "text": "b"}, {"title": "no text"}, 5])
            .to_string()
            .as_bytes(),
    );
    let (ok, errors) = read(&arr);
    assert_eq!(
        ok.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        ["arr#0", "x"]
    );
    let name = arr.display().to_string();
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0].item, format!("{name}#2"));
    assert_eq!(errors[1].item, format!("{name}#3"));

    let wrapped = write(
        dir.path(),
        "wrapped.json",
        serde_json::json!({"status": "ok", "articles": [{"text": "a"}, {"text": "b"}]})
            .to_string()
            .as_bytes(),
    );
    let (ok, errors) = read(&wrapped);
    assert!(errors.is_empty());
    assert_eq!(ok.len(), 2);

    let broken = write(dir.path(), "broken.json", b"{\"text\": ");
    let (ok, errors) = read(&broken);
    assert!(ok.is_empty());
    assert!(errors[0].error.starts_with("malformed JSON"));

    let bad_utf8 = write(dir.path(), "bad.json", b"{\"text\": \"caf\xe9\"}");
    let (_, errors) = read(&bad_utf8);
    assert_eq!(errors[0].error, "invalid UTF-8 at byte offset 13");
}

// ---------------------------------------------------------------- HTML

const PAGE: &str = r##"<!doctype html>
<html lang="en"><head>
<title>Council approves budget | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="og:title" content="Council approves budget">
<meta property="article:published_time" content="2019-11-19T08:03:00-05:00">
<meta name="author" content="Jane Doe">
<link rel="canonical" href="https://www.example.com/news/council-budget">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<article>
<h1>Council approves budget</h1>
<div class="byline">By Jane Doe</div>
<p>The city council voted on Tuesday to approve the new budget, which includes funding for
schools, roads and public transport across the whole region.</p>
<p>Officials said the plan would be reviewed again next spring, after a public consultation
that is expected to draw thousands of responses from residents and businesses.</p>
<div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>
<p>Opposition members criticised the timetable but voted in favour of the final text, which
passed by a wide margin late in the evening after a long and heated debate.</p>
<div class="related"><h3>Related</h3><ul><li><a href="/a">Mayor resigns</a></li>
<li><a href="/b">Bridge reopens</a></li></ul></div>
</article>
<footer><p>Copyright Example News. All rights reserved.</p></footer>
</body></html>"##;

#[test]
fn html_page_text_and_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "council.html", PAGE.as_bytes());
    let (ok, errors) = read(&p);
    assert!(errors.is_empty(), "{errors:?}");
    let a = &ok[0];
    assert_eq!(a.id, "council");
    assert_eq!(a.title.as_deref(), Some("Council approves budget"));
    assert_eq!(a.source.as_deref(), Some("Example News"));
    assert_eq!(
        a.url.as_deref(),
        Some("https://www.example.com/news/council-budget")
    );
    assert_eq!(a.byline.as_deref(), Some("Jane Doe"));
    assert_eq!(
        a.published_rfc3339().as_deref(),
        Some("2019-11-19T13:03:00Z")
    );
    assert_eq!(a.language.as_deref(), Some("eng"));
    let paras: Vec<&str> = a.text.split("\n\n").collect();
    assert_eq!(paras.len(), 3, "{}", a.text);
    assert!(paras[0].starts_with("The city council voted"));
    assert!(paras[2].starts_with("Opposition members"));
    for junk in [
        "Share on Facebook",
        "Mayor resigns",
        "Copyright",
        "Home",
        "By Jane Doe",
    ] {
        assert!(!a.text.contains(junk), "{junk:?} left in {}", a.text);
    }
}

#[test]
fn html_json_ld_metadata() {
    let html = format!(
        r#"<html><head><script type="application/ld+json">
        {{"@context":"https://schema.org","@graph":[{{"@type":"WebSite","name":"Site"}},
        {{"@type":"NewsArticle","headline":"LD headline","datePublished":"2021-03-04T05:06:07+01:00",
        "author":[{{"@type":"Person","name":"A. Writer"}},{{"@type":"Person","name":"B. Writer"}}],
        "publisher":{{"@type":"Organization","name":"LD Times"}}}}]}}
        </script></head><body><div><p>{ENGLISH}</p><p>{ENGLISH}</p></div></body></html>"#
    );
    let ex = html::extract(&html, Some("https://ldtimes.example/x"));
    assert_eq!(ex.title.as_deref(), Some("LD headline"));
    assert_eq!(
        ex.published.map(|d| d.to_rfc3339()),
        Some("2021-03-04T04:06:07+00:00".to_string())
    );
    assert_eq!(ex.byline.as_deref(), Some("A. Writer, B. Writer"));
    assert_eq!(ex.source.as_deref(), Some("LD Times"));
    assert_eq!(ex.url.as_deref(), Some("https://ldtimes.example/x"));
}

#[test]
fn html_invalid_utf8_is_decoded_lossily_and_broken_markup_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"<html><body><div><p>".to_vec();
    bytes.extend_from_slice(ENGLISH.as_bytes());
    bytes.extend_from_slice(b" Caf\xe9 \xff.<p>");
    bytes.extend_from_slice(ENGLISH.as_bytes());
    bytes.extend_from_slice(b"<div><span>unclosed <b>tags"); // no closing tags at all
    let p = write(dir.path(), "broken.htm", &bytes);
    let (ok, errors) = read(&p);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(ok[0].text.contains('\u{fffd}'));
    assert!(ok[0].text.contains("city council"));
}

#[test]
fn html_without_text_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "empty.html",
        b"<html><head><title>x</title></head><body><script>var a=1;</script></body></html>",
    );
    let (ok, errors) = read(&p);
    assert!(ok.is_empty());
    assert_eq!(errors[0].error, "no article text found in the HTML");
}

#[test]
fn html_nested_too_deep_still_gives_text() {
    let mut page = String::from("<html><body>");
    page.push_str(&"<div>".repeat(50_000));
    page.push_str(&format!("<p>{ENGLISH}</p>"));
    let ex = html::extract(&page, None);
    assert!(ex.text.contains("city council"));
}

#[test]
fn html_charset_declared_in_page() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes =
        b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"></head><body><p>"
            .to_vec();
    bytes.extend_from_slice(ENGLISH.as_bytes());
    bytes.extend_from_slice(b" Caf\xe9 cr\xe8me \x93quoted\x94.</p></body></html>");
    let p = write(dir.path(), "latin.html", &bytes);
    let (ok, _) = read(&p);
    assert!(
        ok[0].text.contains("Café crème “quoted”."),
        "{}",
        ok[0].text
    );
}

// ---------------------------------------------------------------- sniffing

#[test]
fn unknown_extensions_are_sniffed() {
    let dir = tempfile::tempdir().unwrap();
    let html = write(dir.path(), "page.dat", PAGE.as_bytes());
    let (ok, _) = read(&html);
    assert_eq!(ok[0].title.as_deref(), Some("Council approves budget"));
    assert_eq!(ok[0].id, "page.dat");

    let jsonl = write(
        dir.path(),
        "feed.log",
        b"{\"text\": \"one\"}\n{\"text\": \"two\"}\n",
    );
    let (ok, _) = read(&jsonl);
    assert_eq!(ok.len(), 2);
    assert_eq!(ok[1].origin.line, Some(2));

    let json = write(
        dir.path(),
        "doc.out",
        b"[\n {\"text\": \"one\"},\n {\"text\": \"two\"}\n]",
    );
    let (ok, _) = read(&json);
    assert_eq!(ok.len(), 2);

    let pretty = write(dir.path(), "pretty.out", b"{\n  \"text\": \"one\"\n}\n");
    let (ok, errors) = read(&pretty);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(ok.len(), 1);

    let gz = write(
        dir.path(),
        "compressed.bin",
        &gzip(b"Headline\n\nBody text."),
    );
    let (ok, _) = read(&gz);
    assert_eq!(ok[0].title.as_deref(), Some("Headline"));
}

// ---------------------------------------------------------------- bad input

#[test]
fn empty_and_whitespace_files() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["e.txt", "e.jsonl", "e.json", "e.html", "e.dat"] {
        let p = write(dir.path(), name, b"");
        let (ok, errors) = read(&p);
        assert!(ok.is_empty());
        assert_eq!(errors.len(), 1, "{name}");
        assert_eq!(errors[0].error, "empty file");
        assert_eq!(errors[0].item, p.display().to_string());
    }
    let gz = write(dir.path(), "e.txt.gz", &gzip(b""));
    assert_eq!(read(&gz).1[0].error, "empty file");
    let ws = write(dir.path(), "ws.txt", b"  \n\n \t\n");
    assert!(read(&ws).1[0].error.starts_with("empty file"));
}

#[test]
fn binary_junk_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // Deterministic pseudo-random bytes.
    let mut x: u32 = 12345;
    let junk: Vec<u8> = (0..5000)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        })
        .collect();
    for name in ["j.txt", "j.jsonl", "j.json", "j.html", "j.bin"] {
        let p = write(dir.path(), name, &junk);
        let (ok, errors) = read(&p);
        assert!(ok.is_empty(), "{name}");
        assert_eq!(errors.len(), 1, "{name}: {errors:?}");
        assert_eq!(errors[0].error, "binary file, not text", "{name}");
    }
    let png = write(dir.path(), "fake.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    assert_eq!(read(&png).1[0].error, "binary file, not text");
    let gz = write(dir.path(), "j.txt.gz", &gzip(&junk));
    assert_eq!(read(&gz).1[0].error, "binary file, not text");
}

#[test]
fn invalid_utf8_in_text_names_the_offset() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "latin1.txt",
        b"Caf\xe9 au lait, and then some more text.",
    );
    let (ok, errors) = read(&p);
    assert!(ok.is_empty());
    assert_eq!(errors[0].error, "invalid UTF-8 at byte offset 3");
}

#[test]
fn corrupt_gzip_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut gz = gzip(ENGLISH.repeat(50).as_bytes());
    let n = gz.len();
    gz.truncate(n / 2);
    let p = write(dir.path(), "cut.txt.gz", &gz);
    let (ok, errors) = read(&p);
    assert!(ok.is_empty());
    assert!(
        errors[0].error.starts_with("corrupt gzip data"),
        "{}",
        errors[0].error
    );

    let lines: String = (0..2000)
        .map(|i| format!("{{\"text\": \"line {i}\"}}\n"))
        .collect();
    let mut gz = gzip(lines.as_bytes());
    let n = gz.len();
    gz.truncate(n * 2 / 3);
    let p = write(dir.path(), "cut.jsonl.gz", &gz);
    let (ok, errors) = read(&p);
    assert!(!ok.is_empty());
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].error.starts_with("corrupt gzip data after line"),
        "{}",
        errors[0].error
    );
}

#[test]
fn missing_and_directory_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let (_, errors) = read(&dir.path().join("gone.txt"));
    assert_eq!(errors[0].error, "no such file or directory");
    let (_, errors) = read(dir.path());
    assert_eq!(errors[0].error, "is a directory");
}

#[test]
fn documents_over_the_limit_are_refused_without_reading() {
    let dir = tempfile::tempdir().unwrap();
    // A 200 MB sparse file: its size is known without reading it.
    let p = dir.path().join("huge.txt");
    let f = std::fs::File::create(&p).unwrap();
    f.set_len(200 * 1024 * 1024).unwrap();
    drop(f);
    let (ok, errors) = read(&p);
    assert!(ok.is_empty());
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].error, "file too large (200 MB > limit 32 MB)");

    // Compressed: the limit applies to the decompressed bytes.
    let gz = write(
        dir.path(),
        "big.html.gz",
        &gzip(&b"<p>word </p>".repeat(20_000)),
    );
    let opts = ReadOptions {
        max_document_bytes: 100_000,
        ..Default::default()
    };
    let (ok, errors) = read_with(&gz, &opts);
    assert!(ok.is_empty());
    assert!(
        errors[0]
            .error
            .starts_with("file too large (over the 0.1 MB limit"),
        "{}",
        errors[0].error
    );
}

#[test]
fn big_jsonl_streams_line_by_line() {
    // 200 MB: 1,000 real lines, then one 200 MB line of NUL bytes (a sparse tail). The real
    // lines come out, the giant line is one error, and memory stays bounded by the line limit.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("huge.jsonl");
    let mut f = std::fs::File::create(&p).unwrap();
    for i in 0..1000 {
        writeln!(f, "{{\"id\": {i}, \"text\": \"article number {i}\"}}").unwrap();
    }
    let len = f.metadata().unwrap().len();
    f.set_len(len + 200 * 1024 * 1024).unwrap();
    drop(f);
    let opts = ReadOptions {
        max_document_bytes: 1024 * 1024,
        max_line_bytes: 1024 * 1024,
        detect_language: false,
    };
    let mut articles = 0;
    let mut errors = Vec::new();
    read_input(&Input::File(p.clone()), &opts, &mut |r| match r {
        Ok(_) => articles += 1,
        Err(e) => errors.push(e),
    });
    assert_eq!(articles, 1000);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].item, format!("{}:1001", p.display()));
    assert!(errors[0].error.starts_with("line too long"));
}

#[test]
fn read_paths_reports_discovery_errors_then_reads() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", ENGLISH.as_bytes());
    let mut seen = Vec::new();
    read_paths(
        &[dir.path().join("missing"), dir.path().to_path_buf()],
        &ReadOptions::default(),
        &mut |r| seen.push(r.is_ok()),
    );
    assert_eq!(seen, [false, true]);
}

#[test]
fn arbitrary_bytes_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let pieces: [&[u8]; 12] = [
        b"<",
        b">",
        b"{",
        b"}",
        b"[",
        b"]",
        b"\"",
        b"\n",
        b"<div>",
        b"<script>",
        b"\xff",
        b"<meta charset=\"",
    ];
    for round in 0..60 {
        let mut bytes = Vec::new();
        for _ in 0..(next() % 200) {
            let r = next();
            if r % 3 == 0 {
                bytes.extend_from_slice(pieces[(r >> 8) as usize % pieces.len()]);
            } else {
                bytes.push(b'a' + (r >> 8) as u8 % 26);
                if r % 7 == 0 {
                    bytes.push((r >> 16) as u8);
                }
            }
        }
        for ext in ["txt", "jsonl", "json", "html", "dat"] {
            let p = write(dir.path(), &format!("r{round}.{ext}"), &bytes);
            let (ok, errors) = read(&p);
            assert!(
                !ok.is_empty() || !errors.is_empty(),
                "nothing reported for {p:?}"
            );
        }
    }
}
