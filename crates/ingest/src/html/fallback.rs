//! Tag stripping, for pages too deeply nested to parse into a tree.

use super::{normalize_space, Extracted};

const VOID_OR_IMPLIED: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead",
    "tbody", "tfoot", "colgroup", "rb", "rt", "rp", "keygen", "frame", "basefont", "isindex",
];

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "blockquote",
    "pre",
    "header",
    "footer",
    "main",
    "aside",
    "nav",
    "figure",
    "figcaption",
    "dd",
    "dt",
    "dl",
    "hr",
    "title",
    "form",
];

/// A tag at `bytes[i] == b'<'`: (is closing, lower-cased name, index after the `>`).
fn tag_at(bytes: &[u8], i: usize) -> Option<(bool, String, usize)> {
    let mut j = i + 1;
    let closing = bytes.get(j) == Some(&b'/');
    if closing {
        j += 1;
    }
    let start = j;
    while j < bytes.len() && bytes[j].is_ascii_alphanumeric() {
        j += 1;
    }
    if j == start || !bytes[start].is_ascii_alphabetic() {
        return None;
    }
    let name = String::from_utf8_lossy(&bytes[start..j]).to_ascii_lowercase();
    let end = bytes[j..]
        .iter()
        .position(|&b| b == b'>')
        .map(|k| j + k + 1)?;
    Some((closing, name, end))
}

/// Index just past the end of a raw-text element's content (`</script>`), or the end.
fn skip_raw(bytes: &[u8], from: usize, name: &str) -> usize {
    let close = format!("</{name}");
    let lower_close = close.as_bytes();
    let mut k = from;
    while k + lower_close.len() <= bytes.len() {
        if bytes[k] == b'<' && bytes[k..k + lower_close.len()].eq_ignore_ascii_case(lower_close) {
            return bytes[k..]
                .iter()
                .position(|&b| b == b'>')
                .map_or(bytes.len(), |p| k + p + 1);
        }
        k += 1;
    }
    bytes.len()
}

/// Estimated element nesting depth: open tags minus close tags, ignoring void elements,
/// elements whose end tag is implied, comments and raw text.
pub(crate) fn nesting_depth(html: &str) -> usize {
    let bytes = html.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        if bytes[i..].starts_with(b"<!--") {
            i = find(bytes, i + 4, b"-->").map_or(bytes.len(), |p| p + 3);
            continue;
        }
        let Some((closing, name, end)) = tag_at(bytes, i) else {
            i += 1;
            continue;
        };
        let self_closing = end >= 2 && bytes[end - 2] == b'/';
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closing && !VOID_OR_IMPLIED.contains(&name.as_str()) {
            depth += 1;
            max = max.max(depth);
        }
        i = end;
        if !closing && matches!(name.as_str(), "script" | "style" | "textarea" | "title") {
            i = skip_raw(bytes, i, &name);
            depth = depth.saturating_sub(1);
        }
    }
    max
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// Decode HTML character references (`&amp;`, `&#8216;`, `&#x2019;`); for text that was
/// escaped twice, as `og:title` values sometimes are.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        let end = rest[..rest.len().min(12)].find(';');
        let decoded = end.and_then(|e| {
            let ent = &rest[1..e];
            let c = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ if ent.starts_with("#x") || ent.starts_with("#X") => {
                    u32::from_str_radix(&ent[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                }
                _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Title and text of a page by stripping its tags.
pub(crate) fn extract(html: &str, url: Option<&str>) -> Extracted {
    let bytes = html.as_bytes();
    let mut text = String::new();
    let mut title = None;
    let mut i = 0;
    let mut last = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        let (skip_to, block, raw) = if bytes[i..].starts_with(b"<!--") {
            (
                find(bytes, i + 4, b"-->").map_or(bytes.len(), |p| p + 3),
                false,
                None,
            )
        } else if let Some((closing, name, end)) = tag_at(bytes, i) {
            let raw = (!closing
                && matches!(
                    name.as_str(),
                    "script" | "style" | "textarea" | "title" | "noscript"
                ))
            .then_some(name.clone());
            (end, BLOCKS.contains(&name.as_str()), raw)
        } else {
            i += 1;
            continue;
        };
        text.push_str(&html[last..i]);
        if block {
            text.push('\n');
        }
        i = skip_to;
        if let Some(name) = raw {
            let end = skip_raw(bytes, i, &name);
            if name == "title" && title.is_none() {
                let inner = &html[i..end];
                let inner = inner.rfind("</").map_or(inner, |p| &inner[..p]);
                title = Some(normalize_space(&decode_entities(inner))).filter(|t| !t.is_empty());
            }
            i = end;
        }
        last = i;
    }
    if last < html.len() {
        text.push_str(&html[last..]);
    }
    let lines: Vec<String> = decode_entities(&text)
        .lines()
        .map(normalize_space)
        .filter(|l| !l.is_empty())
        .collect();
    Extracted {
        title,
        text: lines.join("\n\n"),
        url: url.map(str::to_string),
        source: url.and_then(crate::host_of),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_estimate() {
        assert_eq!(nesting_depth("<div><p>a<p>b</div>"), 1);
        assert_eq!(nesting_depth("<div><div><span>x</span></div></div>"), 3);
        assert_eq!(nesting_depth("<script>if (a<b) {}</script><br/><img>"), 1);
        assert_eq!(nesting_depth(&"<div>".repeat(5000)), 5000);
    }

    #[test]
    fn strips_tags() {
        let ex = extract(
            "<html><head><title>T &amp; U</title><script>var x = '<p>';</script></head>\
             <body><p>One <b>bold</b> line.</p><div>Two&nbsp;&#233;</div></body></html>",
            None,
        );
        assert_eq!(ex.title.as_deref(), Some("T & U"));
        assert_eq!(ex.text, "One bold line.\n\nTwo é");
    }
}
