//! A readable story report (Markdown or HTML) from a story of the JSON contract: summary with
//! citations, disagreements, quotes and their status, facts with their independent sources,
//! entities and descriptors, timeline. Works on `storyline analyze` output and on stored
//! stories alike, since both are the same JSON.

use serde_json::Value;

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

fn strs(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn arr(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or(&[])
}

/// Escape for Markdown (and HTML inside it).
pub fn escape_md(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '*' | '_' | '`' | '[' | ']' | '#' | '|' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Most facts, quotes and entities a report lists (the JSON has them all).
const MAX_ITEMS: usize = 25;

fn more(md: &mut String, total: usize, what: &str) {
    if total > MAX_ITEMS {
        md.push_str(&format!(
            "- … {} more {what} in the JSON output\n",
            total - MAX_ITEMS
        ));
    }
}

fn cite(ids: &[&str]) -> String {
    ids.iter()
        .map(|i| format!("`{}`", i.replace('`', "'")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The analysis sections of one story, in Markdown (headings at `level`).
pub fn analysis_markdown(story: &Value, level: usize) -> String {
    let h = "#".repeat(level);
    let mut md = String::new();
    let summary = arr(&story["summary"]);
    if !summary.is_empty() {
        md.push_str(&format!("{h} Summary\n\n"));
        for x in summary {
            md.push_str(&format!(
                "- {} [{}; {} independent]\n",
                escape_md(s(&x["text"])),
                cite(&strs(&x["sources"])),
                x["independent_sources"]
            ));
        }
        md.push('\n');
    }
    let dis = arr(&story["disagreements"]);
    if !dis.is_empty() {
        md.push_str(&format!("{h} Disagreements\n\n"));
        for d in dis {
            let kind = s(&d["kind"]);
            let sides: Vec<String> = arr(&d["values"])
                .iter()
                .map(|v| {
                    let shown = if kind == "quote_speaker" {
                        s(&v["text"])
                    } else {
                        s(&v["value"])
                    };
                    format!("**{}** ({})", escape_md(shown), cite(&strs(&v["articles"])))
                })
                .collect();
            let mut line = format!(
                "- *{kind}* — {}: {}",
                escape_md(s(&d["subject"])),
                sides.join(" vs ")
            );
            let changes = strs(&d["changes"]);
            if !changes.is_empty() {
                line.push_str(&format!(
                    "; `{}` changed `{}`: {}",
                    s(&d["article"]),
                    s(&d["source"]),
                    escape_md(&changes.join("; "))
                ));
            }
            md.push_str(&line);
            md.push('\n');
        }
        md.push('\n');
    }
    let quotes = arr(&story["quotes"]);
    if !quotes.is_empty() {
        md.push_str(&format!("{h} Quotes\n\n"));
        for q in quotes.iter().take(MAX_ITEMS) {
            let speaker = q["speaker"].as_str().unwrap_or("unknown speaker");
            md.push_str(&format!(
                "- “{}” — {} — **{}**, {} independent source(s)\n",
                escape_md(s(&q["text"])),
                escape_md(speaker),
                s(&q["status"]),
                q["independent_sources"]
            ));
            if s(&q["status"]) == "misattributed" {
                for v in arr(&q["versions"]) {
                    md.push_str(&format!(
                        "  - `{}` gives it to {}\n",
                        s(&v["article"]),
                        escape_md(v["speaker"].as_str().unwrap_or("nobody"))
                    ));
                }
            }
            for c in arr(&q["changes"]) {
                md.push_str(&format!(
                    "  - {} removed “{}”, added “{}”\n",
                    cite(&strs(&c["articles"])),
                    escape_md(&strs(&c["removed"]).join(" … ")),
                    escape_md(&strs(&c["added"]).join(" … "))
                ));
            }
        }
        more(&mut md, quotes.len(), "quotes");
        md.push('\n');
    }
    let facts = arr(&story["facts"]);
    if !facts.is_empty() {
        md.push_str(&format!("{h} Facts\n\n"));
        for f in facts.iter().take(MAX_ITEMS) {
            let mark = if f["single_source"] == true {
                " — **single source**"
            } else {
                ""
            };
            let numbers: Vec<String> = arr(&f["numbers"])
                .iter()
                .map(|n| {
                    format!(
                        "{} {} stated by {} independent",
                        escape_md(s(&n["value"])),
                        escape_md(s(&n["unit"])),
                        n["independent_sources"]
                    )
                })
                .collect();
            let numbers = if numbers.is_empty() {
                String::new()
            } else {
                format!("; {}", numbers.join(", "))
            };
            md.push_str(&format!(
                "- {} ({} independent: {}{numbers}){mark}\n",
                escape_md(s(&f["text"])),
                f["independent_sources"],
                cite(&strs(&f["articles"]))
            ));
        }
        more(&mut md, facts.len(), "facts");
        md.push('\n');
    }
    let entities = arr(&story["entities"]);
    if !entities.is_empty() {
        md.push_str(&format!("{h} Entities\n\n"));
        for e in entities.iter().take(MAX_ITEMS) {
            let variants: Vec<String> = arr(&e["variants"])
                .iter()
                .filter(|v| v["name"] != e["name"])
                .map(|v| {
                    let flag = if v["misspelling"] == true {
                        " (misspelt)"
                    } else {
                        ""
                    };
                    format!("{}{flag}", escape_md(s(&v["name"])))
                })
                .collect();
            let descriptors: Vec<String> = arr(&e["descriptors"])
                .iter()
                .map(|d| {
                    let flag = if d["conflicting"] == true {
                        " ⚠ unconfirmed"
                    } else {
                        ""
                    };
                    format!("“{}” ×{}{flag}", escape_md(s(&d["text"])), d["count"])
                })
                .collect();
            let mut line = format!(
                "- **{}** ({}, {} independent source(s))",
                escape_md(s(&e["name"])),
                s(&e["type"]),
                e["independent_sources"]
            );
            if !variants.is_empty() {
                line.push_str(&format!("; also {}", variants.join(", ")));
            }
            if !descriptors.is_empty() {
                line.push_str(&format!("; described as {}", descriptors.join(", ")));
            }
            md.push_str(&line);
            md.push('\n');
        }
        more(&mut md, entities.len(), "entities");
        md.push('\n');
    }
    let timeline = arr(&story["timeline"]);
    if !timeline.is_empty() {
        md.push_str(&format!("{h} Timeline\n\n"));
        for t in timeline {
            md.push_str(&format!(
                "- **{}** {} [{}]\n",
                s(&t["date"]),
                escape_md(s(&t["text"])),
                cite(&strs(&t["articles"]))
            ));
        }
        md.push('\n');
    }
    md
}

/// A whole story report in Markdown.
pub fn story_markdown(story: &Value) -> String {
    let mut md = format!(
        "# {} — {}\n\n{} articles, {} independent sources",
        escape_md(s(&story["id"])),
        escape_md(story["title"].as_str().unwrap_or("(untitled)")),
        story["size"],
        story["independent_sources"]
    );
    if let (Some(a), Some(b)) = (
        story["first_published"].as_str(),
        story["last_published"].as_str(),
    ) {
        md.push_str(&format!(", {a} – {b}"));
    }
    md.push_str("\n\n## Sources\n\n");
    for l in arr(&story["lineages"]) {
        md.push_str(&format!(
            "- lineage {} (original `{}`): {}\n",
            s(&l["id"]),
            s(&l["original"]),
            cite(&strs(&l["articles"]))
        ));
    }
    md.push('\n');
    md.push_str(&analysis_markdown(story, 2));
    md
}

fn esc_html(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A whole story report as a standalone HTML page (all content escaped).
pub fn story_html(story: &Value) -> String {
    let body = markdown_html(&story_markdown(story));
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{}</title>\
         <style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}}\
         code{{background:#eee}}</style></head><body>\n{body}</body></html>\n",
        esc_html(story["title"].as_str().unwrap_or("story"))
    )
}

/// The analysis sections of a story as an HTML fragment (headings `h2`; all content escaped),
/// for embedding in a page.
pub fn analysis_html(story: &Value) -> String {
    markdown_html(&analysis_markdown(story, 2))
}

/// Render the report's Markdown (headings, list items, paragraphs, bold, code) as HTML,
/// escaping all text.
fn markdown_html(md: &str) -> String {
    let mut body = String::new();
    let mut in_list = false;
    for line in md.lines() {
        let inline = |t: &str| {
            // Undo Markdown escapes, then escape for HTML (entities from escape_md decoded).
            let mut plain = String::new();
            let mut chars = t.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        plain.push(n);
                    }
                } else {
                    plain.push(c);
                }
            }
            let plain = plain
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
            let escaped = esc_html(&plain);
            // **bold** and `code`.
            let mut out = String::new();
            let mut bold = false;
            let mut code = false;
            let mut it = escaped.chars().peekable();
            while let Some(c) = it.next() {
                if c == '*' && it.peek() == Some(&'*') {
                    it.next();
                    out.push_str(if bold { "</strong>" } else { "<strong>" });
                    bold = !bold;
                } else if c == '`' {
                    out.push_str(if code { "</code>" } else { "<code>" });
                    code = !code;
                } else {
                    out.push(c);
                }
            }
            if bold {
                out.push_str("</strong>");
            }
            if code {
                out.push_str("</code>");
            }
            out
        };
        let trimmed = line.trim_start();
        if let Some(item) = trimmed.strip_prefix("- ") {
            if !in_list {
                body.push_str("<ul>\n");
                in_list = true;
            }
            body.push_str(&format!("<li>{}</li>\n", inline(item)));
            continue;
        }
        if in_list {
            body.push_str("</ul>\n");
            in_list = false;
        }
        if let Some(t) = line.strip_prefix("## ") {
            body.push_str(&format!("<h2>{}</h2>\n", inline(t)));
        } else if let Some(t) = line.strip_prefix("# ") {
            body.push_str(&format!("<h1>{}</h1>\n", inline(t)));
        } else if !line.is_empty() {
            body.push_str(&format!("<p>{}</p>\n", inline(line)));
        }
    }
    if in_list {
        body.push_str("</ul>\n");
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_report_escapes_article_content() {
        let story = serde_json::json!({
            "id": "s1", "title": "<script>alert(1)</script>", "size": 1,
            "independent_sources": 1, "lineages": [],
            "summary": [{"text": "A <img src=x onerror=alert(1)> **b**", "sources": ["a<b"],
                         "independent_sources": 1}],
        });
        let html = story_html(&story);
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<img"));
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        let md = story_markdown(&story);
        assert!(md.contains("## Summary"));
        assert!(!md.contains("<img"));
    }
}
