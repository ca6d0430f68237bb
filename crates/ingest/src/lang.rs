//! Language codes: detection with whatlang, and normalisation of declared codes to ISO 639-3.

/// Characters of text given to the detector; more adds time, not accuracy.
const SAMPLE_CHARS: usize = 3000;

/// Detect the language of `text` as an ISO 639-3 code (`eng`), when whatlang is confident.
pub(crate) fn detect(text: &str) -> Option<String> {
    let sample = match text.char_indices().nth(SAMPLE_CHARS) {
        Some((i, _)) => &text[..i],
        None => text,
    };
    if sample.chars().filter(|c| c.is_alphabetic()).count() < 20 {
        return None;
    }
    let info = whatlang::detect(sample)?;
    (info.is_reliable() || info.confidence() >= 0.5).then(|| info.lang().code().to_string())
}

/// Normalise a declared language (`en`, `en-US`, `EN_gb`, `eng`, `English`) to ISO 639-3
/// where we know the code; otherwise the lower-cased primary subtag as given.
pub(crate) fn normalize(code: &str) -> Option<String> {
    let code = code.trim();
    if code.is_empty() || code.len() > 40 {
        return None;
    }
    let primary = code
        .split(['-', '_', ' ', ','])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if primary.is_empty() || !primary.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    if primary.len() == 3 {
        return Some(match primary.as_str() {
            // ISO 639-2/B codes and macro-languages to the 639-3 codes whatlang uses.
            "fre" => "fra".into(),
            "ger" => "deu".into(),
            "dut" => "nld".into(),
            "chi" | "zho" => "cmn".into(),
            "per" | "fas" => "pes".into(),
            "cze" => "ces".into(),
            "gre" => "ell".into(),
            "rum" => "ron".into(),
            "slo" => "slk".into(),
            "arm" => "hye".into(),
            "geo" => "kat".into(),
            "bur" => "mya".into(),
            "nor" => "nob".into(),
            _ => primary,
        });
    }
    if primary.len() == 2 {
        let three = TWO_TO_THREE
            .iter()
            .find(|(two, _)| *two == primary)
            .map(|(_, three)| *three);
        return Some(three.map(str::to_string).unwrap_or(primary));
    }
    // A language name, in English ("English") or as whatlang knows it natively.
    let lower = code.to_lowercase();
    whatlang::Lang::all()
        .iter()
        .find(|l| l.eng_name().eq_ignore_ascii_case(&lower) || l.name().to_lowercase() == lower)
        .map(|l| l.code().to_string())
}

const TWO_TO_THREE: &[(&str, &str)] = &[
    ("af", "afr"),
    ("ak", "aka"),
    ("am", "amh"),
    ("ar", "ara"),
    ("az", "aze"),
    ("be", "bel"),
    ("bg", "bul"),
    ("bn", "ben"),
    ("bs", "bos"),
    ("ca", "cat"),
    ("cs", "ces"),
    ("cy", "cym"),
    ("da", "dan"),
    ("de", "deu"),
    ("el", "ell"),
    ("en", "eng"),
    ("eo", "epo"),
    ("es", "spa"),
    ("et", "est"),
    ("eu", "eus"),
    ("fa", "pes"),
    ("fi", "fin"),
    ("fr", "fra"),
    ("ga", "gle"),
    ("gl", "glg"),
    ("gu", "guj"),
    ("he", "heb"),
    ("hi", "hin"),
    ("hr", "hrv"),
    ("hu", "hun"),
    ("hy", "hye"),
    ("id", "ind"),
    ("in", "ind"),
    ("is", "isl"),
    ("it", "ita"),
    ("iw", "heb"),
    ("ja", "jpn"),
    ("jv", "jav"),
    ("ka", "kat"),
    ("kk", "kaz"),
    ("km", "khm"),
    ("kn", "kan"),
    ("ko", "kor"),
    ("la", "lat"),
    ("lt", "lit"),
    ("lv", "lav"),
    ("mk", "mkd"),
    ("ml", "mal"),
    ("mr", "mar"),
    ("ms", "msa"),
    ("my", "mya"),
    ("nb", "nob"),
    ("ne", "nep"),
    ("nl", "nld"),
    ("nn", "nno"),
    ("no", "nob"),
    ("or", "ori"),
    ("pa", "pan"),
    ("pl", "pol"),
    ("pt", "por"),
    ("ro", "ron"),
    ("ru", "rus"),
    ("si", "sin"),
    ("sk", "slk"),
    ("sl", "slv"),
    ("sn", "sna"),
    ("sq", "sqi"),
    ("sr", "srp"),
    ("sv", "swe"),
    ("sw", "swa"),
    ("ta", "tam"),
    ("te", "tel"),
    ("th", "tha"),
    ("tk", "tuk"),
    ("tl", "tgl"),
    ("tr", "tur"),
    ("uk", "ukr"),
    ("ur", "urd"),
    ("uz", "uzb"),
    ("vi", "vie"),
    ("yi", "yid"),
    ("zh", "cmn"),
    ("zu", "zul"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_declared_codes() {
        assert_eq!(normalize("en").as_deref(), Some("eng"));
        assert_eq!(normalize("en-US").as_deref(), Some("eng"));
        assert_eq!(normalize("DE_at").as_deref(), Some("deu"));
        assert_eq!(normalize("fra").as_deref(), Some("fra"));
        assert_eq!(normalize("ger").as_deref(), Some("deu"));
        assert_eq!(normalize("English").as_deref(), Some("eng"));
        assert_eq!(normalize("xx").as_deref(), Some("xx"));
        assert_eq!(normalize(""), None);
        assert_eq!(normalize("12"), None);
    }

    #[test]
    fn detects_english_and_german() {
        let en = "The city council voted on Tuesday to approve the new budget, which includes \
                  funding for schools, roads and public transport across the region.";
        assert_eq!(detect(en).as_deref(), Some("eng"));
        let de = "Der Stadtrat hat am Dienstag den neuen Haushalt beschlossen, der Mittel für \
                  Schulen, Straßen und den öffentlichen Nahverkehr in der Region vorsieht.";
        assert_eq!(detect(de).as_deref(), Some("deu"));
        assert_eq!(detect("ok"), None);
    }
}
