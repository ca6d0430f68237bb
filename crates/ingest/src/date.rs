//! Lenient parsing of the publication dates found in news data.
//!
//! Accepted, all normalised to UTC (a date or time without an offset is taken as UTC):
//!
//! * epoch seconds, milliseconds or microseconds, as a JSON number or a numeric string;
//! * RFC 3339 / ISO 8601 (`2019-11-19T08:03:00Z`, `2019-11-19T08:03:00.123+0100`,
//!   `2019-11-19T08:03`, `20191119T080300Z`), RFC 2822 (`Tue, 19 Nov 2019 08:03:00 GMT`);
//! * `YYYY-MM-DD HH:MM[:SS]`, `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYYMMDD`, `DD.MM.YYYY`,
//!   `MM/DD/YYYY` (`DD/MM/YYYY` when the first number is above 12);
//! * dates with English month names, with or without weekday and time:
//!   `November 19, 2019`, `19 Nov 2019 10:30`, `Nov. 19, 2019 at 3:05 p.m. EST`,
//!   `Tuesday 19 November 2019 12:00 UTC`.
//!
//! Years outside 1900–2200 are refused, as are strings that name no day.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use serde_json::Value;

const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 2200;

/// Parse a date or date-time written in one of the common forms (see the module docs).
pub fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim().trim_matches(|c: char| c == '"' || c == '\'');
    if s.is_empty() || s.len() > 200 {
        return None;
    }
    if let Some(d) = parse_numeric(s) {
        return Some(d);
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return in_range(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return in_range(d.with_timezone(&Utc));
    }
    parse_tokens(s).and_then(in_range)
}

/// A date given as a JSON value: a number (epoch seconds or milliseconds), a string (see
/// [`parse_date`]), an object such as `{"$date": ...}` or `{"date": ...}`, or an array
/// (its first parsable element).
pub fn parse_json_date(v: &Value) -> Option<DateTime<Utc>> {
    match v {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                from_epoch_int(i)
            } else {
                n.as_f64().and_then(from_epoch)
            }
        }
        Value::String(s) => parse_date(s),
        Value::Array(items) => items.iter().take(8).find_map(parse_json_date),
        Value::Object(map) => ["$date", "date", "value", "iso", "datetime", "timestamp"]
            .iter()
            .filter_map(|k| map.get(*k))
            .find_map(parse_json_date),
        _ => None,
    }
}

fn in_range(d: DateTime<Utc>) -> Option<DateTime<Utc>> {
    use chrono::Datelike;
    (MIN_YEAR..=MAX_YEAR).contains(&d.year()).then_some(d)
}

/// Epoch seconds, milliseconds or microseconds, told apart by magnitude.
fn from_epoch(x: f64) -> Option<DateTime<Utc>> {
    if !x.is_finite() {
        return None;
    }
    let a = x.abs();
    let secs = if a >= 1e14 {
        x / 1e6
    } else if a >= 1e11 {
        x / 1e3
    } else {
        x
    };
    let whole = secs.floor();
    let nanos = ((secs - whole) * 1e9).round().clamp(0.0, 999_999_999.0) as u32;
    let d = Utc.timestamp_opt(whole as i64, nanos).single()?;
    in_range(d)
}

/// Integer epoch seconds, milliseconds or microseconds, exactly.
fn from_epoch_int(x: i64) -> Option<DateTime<Utc>> {
    let a = x.unsigned_abs();
    let d = if a >= 100_000_000_000_000 {
        Utc.timestamp_micros(x).single()
    } else if a >= 100_000_000_000 {
        Utc.timestamp_millis_opt(x).single()
    } else {
        Utc.timestamp_opt(x, 0).single()
    }?;
    in_range(d)
}

/// All-digit strings: `YYYYMMDD`, `YYYYMMDDHHMMSS`, or epoch (s / ms / µs, optional fraction).
fn parse_numeric(s: &str) -> Option<DateTime<Utc>> {
    let body = s.strip_prefix('-').unwrap_or(s);
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    if body.bytes().filter(|&b| b == b'.').count() > 1 {
        return None;
    }
    if !body.contains('.') && !s.starts_with('-') {
        if s.len() == 8 {
            if let Some(d) = ymd(&s[0..4], &s[4..6], &s[6..8]) {
                return Some(midnight(d));
            }
        }
        if s.len() == 14 {
            if let (Some(d), Ok(t)) = (
                ymd(&s[0..4], &s[4..6], &s[6..8]),
                NaiveTime::parse_from_str(&s[8..], "%H%M%S"),
            ) {
                return Some(Utc.from_utc_datetime(&d.and_time(t)));
            }
        }
    }
    let x: f64 = s.parse().ok()?;
    // Below ~1973 a bare number is more likely a year or a count than an epoch time.
    if x.abs() < 1e8 {
        return None;
    }
    match s.parse::<i64>() {
        Ok(i) => from_epoch_int(i),
        Err(_) => from_epoch(x),
    }
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    let y: i32 = y.parse().ok()?;
    if !(MIN_YEAR..=MAX_YEAR).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m.parse().ok()?, d.parse().ok()?)
}

fn midnight(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN))
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(String),
    Word(String),
    Sep(char),
}

fn tokenize(s: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            let mut n = String::new();
            while let Some(&d) = chars.peek() {
                if d.is_ascii_digit() {
                    n.push(d);
                    chars.next();
                } else {
                    break;
                }
            }
            out.push(Tok::Num(n));
        } else if c.is_alphabetic() {
            let mut w = String::new();
            while let Some(&d) = chars.peek() {
                if d.is_alphabetic() {
                    w.extend(d.to_lowercase());
                    chars.next();
                } else {
                    break;
                }
            }
            out.push(Tok::Word(w));
        } else {
            chars.next();
            if !c.is_whitespace() {
                out.push(Tok::Sep(c));
            } else if !matches!(out.last(), Some(Tok::Sep(' '))) {
                out.push(Tok::Sep(' '));
            }
        }
    }
    out
}

pub(crate) fn month_of(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if word.len() < 3 {
        return None;
    }
    if word == "sept" {
        return Some(9);
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(word) && (word.len() == 3 || word.len() == m.len()))
        .map(|i| i as u32 + 1)
}

/// Offset in seconds east of UTC for the zone abbreviations news sites print.
fn zone_offset(word: &str) -> Option<i32> {
    if word == "ist" {
        // India Standard Time, by far the most common "IST" in news.
        return Some(5 * 3600 + 1800);
    }
    let h = match word {
        "z" | "utc" | "gmt" | "ut" => 0,
        "et" | "est" => -5,
        "edt" => -4,
        "ct" | "cst" => -6,
        "cdt" => -5,
        "mt" | "mst" => -7,
        "mdt" => -6,
        "pt" | "pst" => -8,
        "pdt" => -7,
        "akst" => -9,
        "akdt" => -8,
        "hst" => -10,
        "bst" => 1,
        "cet" => 1,
        "cest" => 2,
        "eet" => 2,
        "eest" => 3,
        "msk" => 3,
        "jst" | "kst" => 9,
        "aest" => 10,
        "aedt" => 11,
        _ => return None,
    };
    Some(h * 3600)
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn is_filler_word(w: &str) -> bool {
    const FILLER: [&str; 16] = [
        "at",
        "on",
        "the",
        "of",
        "t",
        "updated",
        "published",
        "posted",
        "am",
        "pm",
        "a",
        "p",
        "m",
        "th",
        "st",
        "nd",
    ];
    FILLER.contains(&w)
        || w == "rd"
        || w == "de"
        || w == "um"
        || w == "le"
        || w == "by"
        || WEEKDAYS.iter().any(|d| w.starts_with(d))
}

/// Token-based fallback parser for the less regular forms.
fn parse_tokens(s: &str) -> Option<DateTime<Utc>> {
    let toks = tokenize(s);
    let mut year: Option<i32> = None;
    let mut month: Option<u32> = None;
    let mut day: Option<u32> = None;
    let mut time: Option<NaiveTime> = None;
    let mut offset: Option<i32> = None;
    let mut pm: Option<bool> = None;
    let mut loose: Vec<(u32, usize, Option<char>)> = Vec::new(); // (value, digits, separator after)

    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::Num(n) => {
                // Time: H:MM[:SS[.fff]]
                if matches!(toks.get(i + 1), Some(Tok::Sep(':')))
                    && matches!(toks.get(i + 2), Some(Tok::Num(m)) if m.len() == 2)
                    && time.is_none()
                {
                    let h: u32 = n.parse().ok()?;
                    let Some(Tok::Num(m)) = toks.get(i + 2) else {
                        unreachable!()
                    };
                    let m: u32 = m.parse().ok()?;
                    let mut sec = 0u32;
                    let mut nano = 0u32;
                    let mut j = i + 3;
                    if matches!(toks.get(j), Some(Tok::Sep(':'))) {
                        if let Some(Tok::Num(sx)) = toks.get(j + 1) {
                            sec = sx.parse().ok()?;
                            j += 2;
                            if matches!(toks.get(j), Some(Tok::Sep('.')) | Some(Tok::Sep(','))) {
                                if let Some(Tok::Num(frac)) = toks.get(j + 1) {
                                    let digits: String = frac.chars().take(9).collect();
                                    let scale = 10u32.pow(9 - digits.len() as u32);
                                    nano = digits.parse::<u32>().ok()? * scale;
                                    j += 2;
                                }
                            }
                        }
                    }
                    time = Some(NaiveTime::from_hms_nano_opt(h, m, sec.min(59), nano)?);
                    // An offset glued to the time: +01:00, +0100, -05, Z.
                    if let Some(Tok::Sep(sign @ ('+' | '-'))) = toks.get(j) {
                        if let Some(Tok::Num(oh)) = toks.get(j + 1) {
                            let (hh, mm, used) = if oh.len() == 4 {
                                (
                                    oh[..2].parse::<i32>().ok()?,
                                    oh[2..].parse::<i32>().ok()?,
                                    2,
                                )
                            } else if oh.len() <= 2 {
                                match (toks.get(j + 2), toks.get(j + 3)) {
                                    (Some(Tok::Sep(':')), Some(Tok::Num(om))) => {
                                        (oh.parse().ok()?, om.parse().ok()?, 4)
                                    }
                                    _ => (oh.parse().ok()?, 0, 2),
                                }
                            } else {
                                (99, 0, 2)
                            };
                            if hh <= 14 && mm < 60 {
                                let o = (hh * 3600 + mm * 60) * if *sign == '-' { -1 } else { 1 };
                                offset = Some(o);
                                j += used;
                            }
                        }
                    }
                    i = j;
                    continue;
                }
                let v: u32 = match n.parse() {
                    Ok(v) => v,
                    Err(_) => return None,
                };
                if n.len() == 4
                    && (MIN_YEAR as u32..=MAX_YEAR as u32).contains(&v)
                    && year.is_none()
                {
                    year = Some(v as i32);
                } else if n.len() <= 2 {
                    let sep = match toks.get(i + 1) {
                        Some(Tok::Sep(c)) => Some(*c),
                        _ => None,
                    };
                    loose.push((v, n.len(), sep));
                } else if n.len() == 8 && year.is_none() {
                    let d = ymd(&n[0..4], &n[4..6], &n[6..8])?;
                    year = Some(chrono::Datelike::year(&d));
                    month = Some(chrono::Datelike::month(&d));
                    day = Some(chrono::Datelike::day(&d));
                } else {
                    return None;
                }
            }
            Tok::Word(w) => {
                if let Some(m) = month_of(w) {
                    if month.is_none() {
                        month = Some(m);
                    }
                } else if w == "am" || w == "a" && next_is_word(&toks, i, "m") {
                    pm = Some(false);
                } else if w == "pm" || w == "p" && next_is_word(&toks, i, "m") {
                    pm = Some(true);
                } else if let Some(o) = zone_offset(w) {
                    if offset.is_none() {
                        offset = Some(o);
                    }
                } else if w == "t" && time.is_none() {
                    // ISO separator between date and time.
                } else if !is_filler_word(w) {
                    return None;
                }
            }
            Tok::Sep(_) => {}
        }
        i += 1;
    }

    let year = year?;
    let (month, day) = match (month, day) {
        (Some(m), Some(d)) => (m, d),
        (Some(m), None) => {
            // With a month name, the first small number is the day.
            let d = loose.iter().find(|(v, _, _)| (1..=31).contains(v))?.0;
            (m, d)
        }
        (None, _) => {
            if loose.len() < 2 {
                return None;
            }
            let (a, b) = (loose[0].0, loose[1].0);
            let year_first = year_precedes(&toks);
            if year_first {
                (a, b)
            } else if a > 12 {
                (b, a)
            } else if b > 12 {
                (a, b)
            } else if loose[0].2 == Some('.') {
                (b, a)
            } else {
                (a, b)
            }
        }
    };
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let mut t = time.unwrap_or(NaiveTime::MIN);
    if let Some(is_pm) = pm {
        use chrono::Timelike;
        let h = t.hour();
        if h <= 12 {
            let h24 = match (is_pm, h) {
                (true, 12) => 12,
                (true, h) => h + 12,
                (false, 12) => 0,
                (false, h) => h,
            };
            t = t.with_hour(h24)?;
        }
    }
    let naive = NaiveDateTime::new(date, t);
    let off = FixedOffset::east_opt(offset.unwrap_or(0))?;
    let local = off.from_local_datetime(&naive).single()?;
    Some(local.with_timezone(&Utc))
}

fn next_is_word(toks: &[Tok], i: usize, w: &str) -> bool {
    matches!(toks.get(i + 1), Some(Tok::Sep('.')))
        && matches!(toks.get(i + 2), Some(Tok::Word(x)) if x == w)
}

/// Whether the first number in the string is the (four-digit) year: `2019-11-19`.
fn year_precedes(toks: &[Tok]) -> bool {
    toks.iter()
        .find_map(|t| match t {
            Tok::Num(n) => Some(n.len() == 4),
            _ => None,
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> String {
        parse_date(s)
            .unwrap_or_else(|| panic!("could not parse {s:?}"))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }

    #[test]
    fn rfc3339_and_iso_variants() {
        assert_eq!(iso("2019-11-19T08:03:00Z"), "2019-11-19T08:03:00Z");
        assert_eq!(iso("2019-11-19T08:03:00+01:00"), "2019-11-19T07:03:00Z");
        assert_eq!(iso("2019-11-19T08:03:00.123-0500"), "2019-11-19T13:03:00Z");
        assert_eq!(iso("2019-11-19T08:03"), "2019-11-19T08:03:00Z");
        assert_eq!(iso("2019-11-19 08:03:05"), "2019-11-19T08:03:05Z");
        assert_eq!(iso("2019-11-19"), "2019-11-19T00:00:00Z");
        assert_eq!(iso("2019/11/19"), "2019-11-19T00:00:00Z");
        assert_eq!(iso("20191119"), "2019-11-19T00:00:00Z");
        assert_eq!(iso("2019-11-19T08:03:00+0000"), "2019-11-19T08:03:00Z");
        assert_eq!(iso("2019-11-19 08:03:00 UTC"), "2019-11-19T08:03:00Z");
    }

    #[test]
    fn rfc2822() {
        assert_eq!(iso("Tue, 19 Nov 2019 08:03:00 GMT"), "2019-11-19T08:03:00Z");
        assert_eq!(
            iso("Tue, 19 Nov 2019 08:03:00 +0200"),
            "2019-11-19T06:03:00Z"
        );
    }

    #[test]
    fn month_names_and_us_forms() {
        assert_eq!(iso("November 19, 2019"), "2019-11-19T00:00:00Z");
        assert_eq!(iso("19 Nov 2019 10:30"), "2019-11-19T10:30:00Z");
        assert_eq!(
            iso("Nov. 19, 2019 at 3:05 p.m. EST"),
            "2019-11-19T20:05:00Z"
        );
        assert_eq!(
            iso("Tuesday 19 November 2019 12:00 UTC"),
            "2019-11-19T12:00:00Z"
        );
        assert_eq!(
            iso("Updated: Sept. 3, 2020 12:01 AM"),
            "2020-09-03T00:01:00Z"
        );
        assert_eq!(iso("11/19/2019"), "2019-11-19T00:00:00Z");
        assert_eq!(iso("19/11/2019"), "2019-11-19T00:00:00Z");
        assert_eq!(iso("19.11.2019 14:00"), "2019-11-19T14:00:00Z");
        assert_eq!(iso("01:38:07 PM IST Nov 20, 2019"), "2019-11-20T08:08:07Z");
    }

    #[test]
    fn epochs() {
        assert_eq!(iso("1574150580"), "2019-11-19T08:03:00Z");
        assert_eq!(iso("1574150580000"), "2019-11-19T08:03:00Z");
        let v: Value = serde_json::json!(1574150580);
        assert_eq!(
            parse_json_date(&v).unwrap().to_rfc3339(),
            "2019-11-19T08:03:00+00:00"
        );
        let v: Value = serde_json::json!(1574150580123i64);
        assert_eq!(
            parse_json_date(&v).unwrap().timestamp_millis(),
            1574150580123
        );
        let v: Value = serde_json::json!(1574150580.5);
        assert_eq!(
            parse_json_date(&v).unwrap().timestamp_millis(),
            1574150580500
        );
        let v: Value = serde_json::json!({"$date": "2019-11-19T08:03:00Z"});
        assert!(parse_json_date(&v).is_some());
    }

    #[test]
    fn garbage_is_refused() {
        for s in [
            "",
            "yesterday",
            "2019",
            "hello world 12",
            "12:30",
            "99999999999999999999999",
            "2019-13-45",
            "Nov 2019",
            "0",
            "-",
            "1.2.3",
            "\u{0}\u{1}",
        ] {
            assert!(parse_date(s).is_none(), "{s:?} should not parse");
        }
        assert!(parse_json_date(&Value::Null).is_none());
        assert!(parse_json_date(&serde_json::json!(true)).is_none());
        assert!(parse_json_date(&serde_json::json!(f64::MAX)).is_none());
    }
}
