//! Timeline: the story's dated facts, each day resolved against the publication date of the
//! first article stating it ("on Monday" in an article of Tuesday 11 March is Monday 10 March;
//! "yesterday", "today", "tomorrow"; "March 10" / "10 March" in the publication year).

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::Serialize;

use super::facts::{Fact, FactSentences};
use super::StoryContext;
use crate::entities::{MONTHS, WEEKDAYS};

/// A dated event.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineEvent {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub text: String,
    pub articles: Vec<String>,
    /// The fact it comes from.
    pub fact: String,
}

fn weekday(w: &str) -> Option<Weekday> {
    let k = WEEKDAYS.iter().position(|d| *d == w)?;
    Weekday::try_from(k as u8).ok()
}

/// The day a sentence's words refer to, relative to `published`.
pub fn resolve(words: &[String], published: NaiveDate) -> Option<NaiveDate> {
    for (k, w) in words.iter().enumerate() {
        if let Some(m) = MONTHS.iter().position(|x| x == w) {
            // "March 10" or "10 March" ("may" only with a day number).
            let day = words
                .get(k + 1)
                .or_else(|| k.checked_sub(1).and_then(|p| words.get(p)))
                .and_then(|d| {
                    d.trim_end_matches(['s', 't', 'h', 'n', 'd', 'r'])
                        .parse::<u32>()
                        .ok()
                })
                .filter(|d| (1..=31).contains(d));
            if let Some(d) = day {
                if let Some(date) = NaiveDate::from_ymd_opt(published.year(), m as u32 + 1, d) {
                    return Some(date);
                }
            }
            continue;
        }
        if let Some(wd) = weekday(w) {
            // The latest such weekday on or before publication ("next Monday" looks ahead).
            let back = (7 + published.weekday().num_days_from_monday() as i64
                - wd.num_days_from_monday() as i64)
                % 7;
            let ahead = k > 0 && matches!(words[k - 1].as_str(), "next" | "coming");
            return Some(if ahead {
                published + Duration::days(if back == 0 { 7 } else { 7 - back })
            } else {
                published - Duration::days(back)
            });
        }
        match w.as_str() {
            "yesterday" => return Some(published - Duration::days(1)),
            "today" | "tonight" => return Some(published),
            "tomorrow" => return Some(published + Duration::days(1)),
            _ => {}
        }
    }
    None
}

/// Dated events of the story, in date order.
pub fn timeline(ctx: &StoryContext, facts: &[Fact], sents: &[FactSentences]) -> Vec<TimelineEvent> {
    let mut out: Vec<(NaiveDate, usize, TimelineEvent)> = Vec::new();
    for (k, (f, s)) in facts.iter().zip(sents).enumerate() {
        if f.dates.is_empty() {
            continue;
        }
        let (i, si) = s.members[0];
        let Some(published) = ctx.articles[i]
            .published
            .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
            .map(|t| t.date_naive())
        else {
            continue;
        };
        if let Some(date) = resolve(&ctx.docs[i].sents[si].words, published) {
            out.push((
                date,
                k,
                TimelineEvent {
                    date: date.to_string(),
                    text: f.text.clone(),
                    articles: f.articles.clone(),
                    fact: f.id.clone(),
                },
            ));
        }
    }
    out.sort_by_key(|(d, k, _)| (*d, *k));
    out.into_iter().map(|x| x.2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn days_resolve_against_publication() {
        let tue = NaiveDate::from_ymd_opt(2025, 3, 11).unwrap();
        assert_eq!(
            resolve(&w("on monday it fell"), tue),
            NaiveDate::from_ymd_opt(2025, 3, 10)
        );
        assert_eq!(resolve(&w("on tuesday it fell"), tue), Some(tue));
        assert_eq!(
            resolve(&w("next friday"), tue),
            NaiveDate::from_ymd_opt(2025, 3, 14)
        );
        assert_eq!(
            resolve(&w("yesterday"), tue),
            NaiveDate::from_ymd_opt(2025, 3, 10)
        );
        assert_eq!(
            resolve(&w("on march 3 it"), tue),
            NaiveDate::from_ymd_opt(2025, 3, 3)
        );
        assert_eq!(resolve(&w("it may rain"), tue), None);
    }
}
