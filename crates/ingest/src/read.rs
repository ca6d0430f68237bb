//! Opening inputs (files, stdin, gzip), sniffing their format, enforcing limits, and
//! dispatching to the per-format readers.

use std::io::{self, BufRead, BufReader, Cursor, Read};

use storyline_core::{Article, ItemError, Origin};

use crate::{finish_article, format_of_path, record, stem_of, text, Format, Input, ReadOptions};

/// Bytes looked at to sniff the format and tell text from binary.
const HEAD_BYTES: usize = 8192;
const BUF_BYTES: usize = 64 * 1024;

/// Where items of one input come from, for ids and error messages.
pub(crate) struct Ctx<'a> {
    /// The input's name as given (`path` or `-`): error items and `Origin::file`.
    pub name: String,
    /// The file stem (`news` for `news.jsonl.gz`; `stdin`): default ids.
    pub stem: String,
    pub opts: &'a ReadOptions,
}

impl Ctx<'_> {
    pub(crate) fn origin(&self, line: Option<u64>) -> Origin {
        Origin {
            file: self.name.clone(),
            line,
        }
    }

    pub(crate) fn finish(&self, a: Article) -> Article {
        finish_article(a, self.opts)
    }
}

/// An opened input, decompressed, with its first bytes in hand.
struct Opened {
    reader: Box<dyn BufRead>,
    head: Vec<u8>,
    gz: bool,
    /// Size on disk of an uncompressed file.
    plain_len: Option<u64>,
}

fn mb(bytes: u64) -> String {
    let v = bytes as f64 / (1024.0 * 1024.0);
    if v >= 10.0 || v.fract() == 0.0 {
        format!("{v:.0} MB")
    } else {
        format!("{v:.1} MB")
    }
}

fn read_head(r: &mut dyn Read, n: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(n);
    r.take(n as u64).read_to_end(&mut head)?;
    Ok(head)
}

fn io_message(e: &io::Error, gz: bool) -> String {
    if gz
        && matches!(
            e.kind(),
            io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput | io::ErrorKind::UnexpectedEof
        )
    {
        format!("corrupt gzip data ({e})")
    } else {
        format!("read error ({e})")
    }
}

fn open(input: &Input) -> Result<Opened, String> {
    let (mut raw, plain_len): (Box<dyn Read>, Option<u64>) = match input {
        Input::Stdin => (Box::new(io::stdin().lock()), None),
        Input::File(p) => {
            let f = std::fs::File::open(p).map_err(|e| match e.kind() {
                io::ErrorKind::NotFound => "no such file or directory".to_string(),
                io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                _ => format!("cannot open ({e})"),
            })?;
            let meta = f.metadata().map_err(|e| format!("cannot open ({e})"))?;
            if meta.is_dir() {
                return Err("is a directory".to_string());
            }
            (Box::new(f), Some(meta.len()))
        }
    };
    let magic = read_head(&mut raw, 2).map_err(|e| io_message(&e, false))?;
    let gz = magic == [0x1f, 0x8b];
    let chained: Box<dyn Read> = Box::new(Cursor::new(magic).chain(raw));
    let mut body: Box<dyn Read> = if gz {
        Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(
            BUF_BYTES, chained,
        )))
    } else {
        chained
    };
    let head = read_head(&mut body, HEAD_BYTES).map_err(|e| io_message(&e, gz))?;
    let reader = Box::new(BufReader::with_capacity(
        BUF_BYTES,
        Cursor::new(head.clone()).chain(body),
    ));
    Ok(Opened {
        reader,
        head,
        gz,
        plain_len: if gz { None } else { plain_len },
    })
}

/// NUL bytes, many control characters or mostly invalid UTF-8: not text.
fn is_binary(sample: &[u8]) -> bool {
    if sample.contains(&0) {
        return true;
    }
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b))
        .count();
    let invalid: usize = sample.utf8_chunks().map(|c| c.invalid().len()).sum();
    control * 20 > sample.len() || invalid * 3 > sample.len()
}

/// Guess the format from the first bytes: `<` HTML, `[` JSON, `{` JSON lines when the first
/// line is a whole JSON value (else one JSON document), anything else text.
fn sniff(head: &[u8], complete: bool) -> Format {
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let rest = &head[start..];
    match rest.first() {
        Some(b'<') => Format::Html,
        Some(b'[') => Format::Json,
        Some(b'{') => match rest.iter().position(|&b| b == b'\n') {
            Some(nl) => {
                if serde_json::from_slice::<serde_json::Value>(&rest[..nl]).is_ok() {
                    Format::JsonLines
                } else {
                    Format::Json
                }
            }
            // One line only: a single document, unless the head was cut short.
            None if complete => Format::Json,
            None => Format::JsonLines,
        },
        _ => Format::Text,
    }
}

pub(crate) fn read_input(
    input: &Input,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Result<Article, ItemError>),
) {
    let ctx = Ctx {
        name: input.name(),
        stem: match input {
            Input::Stdin => "stdin".to_string(),
            Input::File(p) => stem_of(p),
        },
        opts,
    };
    let fail = |sink: &mut dyn FnMut(Result<Article, ItemError>), why: String| {
        sink(Err(ItemError::new(ctx.name.clone(), why)))
    };
    let declared = match input {
        Input::File(p) => format_of_path(p),
        Input::Stdin => None,
    };
    let mut opened = match open(input) {
        Ok(o) => o,
        Err(why) => return fail(sink, why),
    };
    if opened.head.is_empty() {
        return fail(sink, "empty file".to_string());
    }
    let head = &opened.head;
    let utf16 = encoding_rs::Encoding::for_bom(head).filter(|(enc, _)| *enc != encoding_rs::UTF_8);
    let bom = if head.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let format = declared.unwrap_or_else(|| sniff(&head[bom..], head.len() < HEAD_BYTES));

    // Too large to read, known before reading.
    if let Some(len) = opened.plain_len {
        if format != Format::JsonLines && len > opts.max_document_bytes {
            return fail(
                sink,
                format!(
                    "file too large ({} > limit {})",
                    mb(len),
                    mb(opts.max_document_bytes)
                ),
            );
        }
    }

    if utf16.is_none() && is_binary(&opened.head[bom..]) {
        return fail(sink, "binary file, not text".to_string());
    }

    if format == Format::JsonLines && utf16.is_none() {
        if bom > 0 {
            opened.reader.consume(bom);
        }
        record::read_json_lines(&mut *opened.reader, bom as u64, opened.gz, &ctx, sink);
        return;
    }

    // Whole documents (and UTF-16 JSON lines), read under the size limit.
    let mut data = Vec::new();
    if let Err(e) = (&mut opened.reader)
        .take(opts.max_document_bytes.saturating_add(1))
        .read_to_end(&mut data)
    {
        return fail(sink, io_message(&e, opened.gz));
    }
    if data.len() as u64 > opts.max_document_bytes {
        return fail(
            sink,
            format!(
                "file too large (over the {} limit{})",
                mb(opts.max_document_bytes),
                if opened.gz { " once decompressed" } else { "" }
            ),
        );
    }
    if let Some((enc, len)) = utf16 {
        let (decoded, _) = enc.decode_without_bom_handling(&data[len..]);
        let bytes = decoded.into_owned().into_bytes();
        if format == Format::JsonLines {
            record::read_json_lines(&mut Cursor::new(bytes), 0, false, &ctx, sink);
        } else {
            process_document(format, &bytes, 0, &ctx, sink);
        }
        return;
    }
    process_document(format, &data[bom..], bom, &ctx, sink);
}

/// Check UTF-8, naming the byte offset of the first invalid sequence.
pub(crate) fn utf8_at(bytes: &[u8], base_offset: u64) -> Result<&str, String> {
    std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "invalid UTF-8 at byte offset {}",
            base_offset + e.valid_up_to() as u64
        )
    })
}

fn process_document(
    format: Format,
    bytes: &[u8],
    offset: usize,
    ctx: &Ctx,
    sink: &mut dyn FnMut(Result<Article, ItemError>),
) {
    let fail = |sink: &mut dyn FnMut(Result<Article, ItemError>), why: String| {
        sink(Err(ItemError::new(ctx.name.clone(), why)))
    };
    match format {
        Format::Html => {
            let html = decode_html(bytes);
            match html_article(&html, None, ctx) {
                Ok(a) => sink(Ok(a)),
                Err(why) => fail(sink, why),
            }
        }
        Format::Text => match utf8_at(bytes, offset as u64) {
            Ok(s) => match text::text_article(s, ctx) {
                Ok(a) => sink(Ok(a)),
                Err(why) => fail(sink, why),
            },
            Err(why) => fail(sink, why),
        },
        Format::Json | Format::JsonLines => match utf8_at(bytes, offset as u64) {
            Ok(s) => record::read_json_document(s, ctx, sink),
            Err(why) => fail(sink, why),
        },
    }
}

/// An article from a whole HTML page.
pub(crate) fn html_article(html: &str, url: Option<&str>, ctx: &Ctx) -> Result<Article, String> {
    let ex = crate::html::extract(html, url);
    if ex.text.trim().is_empty() {
        return Err("no article text found in the HTML".to_string());
    }
    let detected = if ctx.opts.detect_language {
        crate::lang::detect(&ex.text)
    } else {
        None
    };
    let a = Article {
        id: ctx.stem.clone(),
        url: ex.url,
        source: ex.source,
        title: ex.title,
        byline: ex.byline,
        published: ex.published,
        language: detected.or(ex.language),
        text: ex.text,
        origin: ctx.origin(None),
    };
    Ok(ctx.finish(a))
}

/// Decode an HTML page the way browsers do: a BOM wins, then valid UTF-8, then the charset
/// declared in the page, else UTF-8 with replacement characters.
pub(crate) fn decode_html(bytes: &[u8]) -> String {
    if let Some((enc, len)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[len..])
            .0
            .into_owned();
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    if let Some(enc) = declared_charset(&bytes[..bytes.len().min(4096)]) {
        if enc != encoding_rs::UTF_8 {
            return enc.decode_without_bom_handling(bytes).0.into_owned();
        }
    }
    String::from_utf8_lossy(bytes).into_owned()
}

/// `charset=...` in the page's first bytes (`<meta charset>` or `http-equiv`).
fn declared_charset(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let lower = head.to_ascii_lowercase();
    let pos = lower.windows(8).position(|w| w == b"charset=")?;
    let rest = &lower[pos + 8..];
    let rest = rest
        .iter()
        .position(|&b| b != b'"' && b != b'\'' && b != b' ')
        .map(|i| &rest[i..])?;
    let end = rest
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.')))
        .unwrap_or(rest.len());
    encoding_rs::Encoding::for_label(&rest[..end])
}

/// Read one line into `buf` (newline excluded), keeping at most `max` bytes. Returns the
/// bytes consumed and whether the line was longer than `max`; `None` at the end.
pub(crate) fn read_line_limited(
    r: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<Option<(u64, bool)>> {
    buf.clear();
    let mut consumed = 0u64;
    let mut too_long = false;
    let mut any = false;
    loop {
        let avail = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok(any.then_some((consumed, too_long)));
        }
        any = true;
        let (n, done) = match avail.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (avail.len(), false),
        };
        let content = if done { &avail[..n - 1] } else { &avail[..n] };
        if !too_long {
            if buf.len() + content.len() > max {
                too_long = true;
                buf.clear();
                buf.shrink_to(BUF_BYTES);
            } else {
                buf.extend_from_slice(content);
            }
        }
        r.consume(n);
        consumed += n as u64;
        if done {
            return Ok(Some((consumed, too_long)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_formats() {
        assert_eq!(sniff(b"  <!doctype html>", true), Format::Html);
        assert_eq!(sniff(b"[{\"a\":1}]", true), Format::Json);
        assert_eq!(sniff(b"{\"a\":1}\n{\"a\":2}\n", true), Format::JsonLines);
        assert_eq!(sniff(b"{\n  \"a\": 1\n}\n", true), Format::Json);
        assert_eq!(sniff(b"{\"a\":1}", true), Format::Json);
        assert_eq!(sniff(b"Hello world", true), Format::Text);
    }

    #[test]
    fn binary_detection() {
        assert!(is_binary(b"abc\0def"));
        assert!(is_binary(&[0xff, 0xfe, 0x80, 0x81, 0x90, 0x91, 0x92, b'a']));
        assert!(!is_binary("Plain text, with ünïcödé.\n".as_bytes()));
        assert!(!is_binary(
            b"caf\xe9 au lait, cr\xe8me br\xfbl\xe9e and other latin-1 text"
        ));
    }

    #[test]
    fn limited_lines() {
        let mut r = Cursor::new(b"short\nthis line is long\nlast".to_vec());
        let mut buf = Vec::new();
        assert_eq!(
            read_line_limited(&mut r, &mut buf, 8).unwrap(),
            Some((6, false))
        );
        assert_eq!(buf, b"short");
        assert_eq!(
            read_line_limited(&mut r, &mut buf, 8).unwrap(),
            Some((18, true))
        );
        assert_eq!(
            read_line_limited(&mut r, &mut buf, 8).unwrap(),
            Some((4, false))
        );
        assert_eq!(buf, b"last");
        assert_eq!(read_line_limited(&mut r, &mut buf, 8).unwrap(), None);
    }

    #[test]
    fn html_charsets() {
        let latin1 = b"<html><head><meta charset=\"iso-8859-1\"></head><body>caf\xe9</body></html>";
        assert!(decode_html(latin1).contains("café"));
        let utf8 = "<html><body>café</body></html>";
        assert!(decode_html(utf8.as_bytes()).contains("café"));
        assert!(decode_html(b"<p>broken \xff bytes</p>").contains('\u{fffd}'));
    }
}
