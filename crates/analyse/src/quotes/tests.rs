use super::*;

fn q(text: &str) -> Vec<Quote> {
    QuoteAnalyzer::default().analyze(text)
}

fn texts(text: &str) -> Vec<String> {
    q(text).into_iter().map(|q| q.text).collect()
}

fn speakers(text: &str) -> Vec<Option<String>> {
    q(text).into_iter().map(|q| q.speaker).collect()
}

fn chars(s: &str, a: usize, b: usize) -> String {
    s.chars().skip(a).take(b - a).collect()
}

#[test]
fn straight_double_quotes() {
    let t = "The harbour master said \"the tide is late\" on Monday.";
    assert_eq!(texts(t), vec!["the tide is late"]);
}

#[test]
fn curly_double_quotes_and_char_offsets() {
    let t = "Élodie Brun said: “Ça ne change rien.”";
    let qs = q(t);
    assert_eq!(qs.len(), 1);
    assert_eq!(chars(t, qs[0].start, qs[0].end), "Ça ne change rien.");
    assert_eq!(qs[0].speaker.as_deref(), Some("Élodie Brun"));
}

#[test]
fn single_curly_quotes_are_not_apostrophes() {
    let t = "Tom Hale called the plan ‘a total mess’ and said it didn’t work. The workers’ union agreed.";
    assert_eq!(texts(t), vec!["a total mess"]);
}

#[test]
fn guillemets_both_ways_and_low_high_quotes() {
    assert_eq!(
        texts("Anna Vogt sagte: „Wir bleiben hier.“"),
        vec!["Wir bleiben hier."]
    );
    assert_eq!(
        texts("Il a dit « nous partons » hier."),
        vec!["nous partons"]
    );
    assert_eq!(texts("Hon sa »vi stannar« i går."), vec!["vi stannar"]);
}

#[test]
fn latex_style_quotes() {
    let t = "Ravi Menon said ``we are ready'' before the vote.";
    assert_eq!(texts(t), vec!["we are ready"]);
}

#[test]
fn nested_quotes_stay_inside() {
    let t = "“They told me ‘wait,’ and I waited,” said Dana Cole.";
    let qs = q(t);
    assert_eq!(qs.len(), 1);
    assert_eq!(qs[0].text, "They told me ‘wait,’ and I waited,");
    assert_eq!(qs[0].speaker.as_deref(), Some("Dana Cole"));
}

#[test]
fn quote_split_by_attribution_is_one_quote_in_two_parts() {
    let t = "“We will win,” Maria Ortiz said, “and soon.”";
    let qs = q(t);
    assert_eq!(qs.len(), 1);
    assert_eq!(qs[0].parts.len(), 2);
    assert_eq!(qs[0].text, "We will win, and soon.");
    assert_eq!(qs[0].speaker.as_deref(), Some("Maria Ortiz"));
    assert_eq!(qs[0].cue.as_deref(), Some("said"));
}

#[test]
fn multi_paragraph_quote_continues_when_reopened() {
    let t = "Paul Grant said: “The bridge is closed. Nobody crosses.\n\n\
             “We will reopen it in spring.”\n\nTraffic was light.";
    let qs = q(t);
    assert_eq!(qs.len(), 1);
    assert_eq!(qs[0].parts.len(), 2);
    assert_eq!(
        qs[0].text,
        "The bridge is closed. Nobody crosses. We will reopen it in spring."
    );
    assert_eq!(qs[0].speaker.as_deref(), Some("Paul Grant"));
}

#[test]
fn speaker_after_cue_and_before_cue() {
    let t = "“Prices will fall,” said Lena Fischer. \
             Omar Haddad told reporters, “They will not.”";
    assert_eq!(
        speakers(t),
        vec![Some("Lena Fischer".into()), Some("Omar Haddad".into())]
    );
}

#[test]
fn according_to_and_learned_cues() {
    let t = "The plan is “dead on arrival,” according to Senator Ruth Bell. \
             “It is over,” Jon Park warned.";
    let qs = q(t);
    assert_eq!(qs[0].speaker.as_deref(), Some("Ruth Bell"));
    assert_eq!(qs[0].cue.as_deref(), Some("according to"));
    assert_eq!(qs[1].speaker.as_deref(), Some("Jon Park"));
}

#[test]
fn pronoun_resolves_to_preceding_person() {
    let t = "Mayor Ana Lopez visited the flooded district on Tuesday.\n\n\
             “We will rebuild every home,” she said.";
    let qs = q(t);
    assert_eq!(qs[0].speaker.as_deref(), Some("Ana Lopez"));
    let m = qs[0].speaker_mention.as_ref().unwrap();
    assert_eq!(m.text, "she");
    assert_eq!(m.kind, "pronoun");
}

#[test]
fn pronoun_respects_gender_of_titles() {
    let t = "Mr Bram Kovac met Mrs Ilse Berg in the capital. \
             Later, “the talks went well,” she said.";
    assert_eq!(speakers(t), vec![Some("Ilse Berg".into())]);
}

#[test]
fn title_back_reference() {
    let t = "President Karl Mertens opened the summit in Vienna. \
             Delegates arrived late.\n\n\
             “This is a turning point,” the president said.";
    assert_eq!(speakers(t), vec![Some("Karl Mertens".into())]);
}

#[test]
fn name_variants_merge_to_canonical() {
    let t = "Xi Jinping arrived on Monday. “We welcome trade,” Mr Xi said. \
             “Trade helps everyone,” Xi added.";
    assert_eq!(
        speakers(t),
        vec![Some("Xi Jinping".into()), Some("Xi Jinping".into())]
    );
}

#[test]
fn appositive_and_role_speakers() {
    let t = "“The numbers are wrong,” Jane Roe, the party's treasurer, said. \
             “We disagree,” a spokeswoman for the council said.";
    let qs = q(t);
    assert_eq!(qs[0].speaker.as_deref(), Some("Jane Roe"));
    assert_eq!(qs[1].speaker.as_deref(), Some("a spokeswoman"));
}

#[test]
fn continuation_paragraph_inherits_speaker() {
    let t = "“The budget is balanced,” Finance Minister Olga Petrova said.\n\n\
             “Next year we will cut taxes.”";
    let qs = q(t);
    assert_eq!(qs.len(), 2);
    assert_eq!(qs[1].speaker.as_deref(), Some("Olga Petrova"));
    assert_eq!(qs[1].method, Method::Continuation);
}

#[test]
fn colon_attribution() {
    let t = "Felix Braun: “No comment.”";
    let qs = q(t);
    assert_eq!(qs[0].speaker.as_deref(), Some("Felix Braun"));
    assert_eq!(qs[0].method, Method::Colon);
}

#[test]
fn participle_cue_takes_clause_subject() {
    let t = "Lara Quinn criticised the ruling, calling it “a step backwards.”";
    assert_eq!(speakers(t), vec![Some("Lara Quinn".into())]);
}

#[test]
fn apostrophes_and_inches_do_not_open_quotes() {
    let t = "It's the '90s again, said Mike O'Neil, who is 6'2\" tall.";
    assert!(q(t).is_empty(), "{:?}", texts(t));
}

#[test]
fn short_embedded_fragments_and_titles_are_partial() {
    let t = "Critics called the plan “a disaster” on Monday. \
             She appeared on “Morning Harbour Live” later.\n\n\
             “This plan will cost us dearly,” said Nadia Stone.";
    let kinds: Vec<QuoteKind> = q(t).into_iter().map(|q| q.kind).collect();
    assert_eq!(
        kinds,
        vec![QuoteKind::Partial, QuoteKind::Partial, QuoteKind::Direct]
    );
}

#[test]
fn typewriter_double_single_quotes() {
    let t = "''We are ready for the storm,'' said Amal Hadid, the port director.";
    let qs = q(t);
    assert_eq!(qs.len(), 1);
    assert_eq!(qs[0].text, "We are ready for the storm,");
    assert_eq!(qs[0].speaker.as_deref(), Some("Amal Hadid"));
}

#[test]
fn parenthesis_after_name_and_inverted_cue() {
    let t = "“We disagree,” Rep. Lena Fox (D-Ore.) said.\n\n\
             Said Victor Lindqvist: “The vote stands.”";
    assert_eq!(
        speakers(t),
        vec![Some("Lena Fox".into()), Some("Victor Lindqvist".into())]
    );
}

#[test]
fn quote_after_an_attribution_continues_its_speaker() {
    let t = "“The ferry will run,” added Tom Reed, speaking on local radio. “Tickets stay cheap.”";
    let qs = q(t);
    assert_eq!(qs.len(), 2);
    assert_eq!(qs[1].speaker.as_deref(), Some("Tom Reed"));
    assert_eq!(qs[1].method, Method::Sentence);
}

#[test]
fn pronoun_chain_through_earlier_pronoun() {
    let t = "Karin Holt returned to the mill town on Friday. Specifically, she wanted answers. \
             Her aides were silent. Residents cheered as she spoke. “We will reopen,” she said.";
    assert_eq!(speakers(t), vec![Some("Karin Holt".into())]);
}

#[test]
fn odd_input_never_panics() {
    let cases = [
        "",
        "\"",
        "“",
        "”",
        "''",
        "``",
        "' ' \" \" “ ” ‘ ’",
        "\"\"\"\"",
        "“”",
        "He said:",
        "said",
        "according to",
        "“Unclosed at the end of the text.",
        "“Unclosed,\n\n“re-opened and closed.”",
        "“a” “b” “c” “d”",
        "Mr. . . “x,” said .",
        "(“x”) (D-",
        "“x,” said (",
        "„Hallo“ »Hej« «Salut» ‹un› ‚zwei‘",
        "\n\n\n“x”\n\n\n",
        "日本語の“引用”です。",
        "“😀 emoji 🎉,” said Zoë Ångström 🚀.",
    ];
    for t in cases {
        for q in q(t) {
            let n = t.chars().count();
            assert!(q.start <= q.end && q.end <= n, "{t:?}: {q:?}");
            for p in &q.parts {
                assert!(p.start <= p.end && p.end <= n, "{t:?}: {q:?}");
            }
            if let Some(m) = &q.speaker_mention {
                assert!(m.start <= m.end && m.end <= n, "{t:?}: {q:?}");
            }
        }
    }
}
