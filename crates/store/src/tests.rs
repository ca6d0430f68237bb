use super::*;

pub(crate) fn art(id: &str, title: &str, text: &str, published: &str) -> Article {
    Article {
        id: id.into(),
        title: Some(title.into()),
        text: text.into(),
        source: Some("Test Wire".into()),
        published: DateTime::parse_from_rfc3339(published)
            .ok()
            .map(|t| t.with_timezone(&Utc)),
        origin: storyline_core::Origin {
            file: "t.jsonl".into(),
            line: Some(1),
        },
        ..Default::default()
    }
}

pub(crate) fn corpus() -> Vec<Article> {
    let strike = "Dockworkers at the port of Valeport walked out on Monday over pay and the \
                  automation of cranes, halting container traffic. The union said the strike \
                  would last until the operator returned to talks about wages and job losses.";
    let fire = "A wildfire in the hills above Castlemere forced the evacuation of three villages \
                overnight as strong winds pushed the flames towards farmland and homes. \
                Firefighters from four districts worked through the night.";
    vec![
        art(
            "a1",
            "Dockworkers strike at Valeport",
            strike,
            "2025-03-03T06:00:00Z",
        ),
        art(
            "a2",
            "Port strike halts Valeport",
            strike,
            "2025-03-03T09:00:00Z",
        ),
        art(
            "b1",
            "Wildfire forces evacuations",
            fire,
            "2025-03-05T10:00:00Z",
        ),
    ]
}

/// The behaviour every backend must have.
pub(crate) fn exercise(store: &dyn Store) {
    let opts = Options::default();
    let r = ingest(store, &corpus(), &opts).unwrap();
    assert_eq!(r.added, vec!["a1", "a2", "b1"]);
    assert_eq!(r.duplicates, 0);
    let c = store.counts().unwrap();
    assert_eq!((c.articles, c.stories, c.snapshot_articles), (3, 2, 3));

    // Re-ingesting the same content (even under another id or origin) is a no-op.
    let mut again = corpus();
    again[0].id = "renamed".into();
    again[0].origin.file = "elsewhere.jsonl".into();
    let r = ingest(store, &again, &opts).unwrap();
    assert!(r.added.is_empty());
    assert_eq!(r.duplicates, 3);
    assert_eq!(store.counts().unwrap().articles, 3);

    // Same id, other content: stored under a fresh id.
    let r = ingest(
        store,
        &[art(
            "a1",
            "Other",
            "completely different words here",
            "2025-03-06T00:00:00Z",
        )],
        &opts,
    )
    .unwrap();
    assert_eq!(r.added.len(), 1);
    assert!(r.added[0].starts_with("a1~"), "{:?}", r.added);

    // Stories: the strike story holds the copy.
    let stories = store.stories(None).unwrap();
    assert_eq!(stories.len(), 3);
    assert_eq!(stories[0].size, 2);
    assert_eq!(stories[0].id, story_id("a1"));
    let json: serde_json::Value =
        serde_json::from_str(&store.story_json(&stories[0].id).unwrap().unwrap()).unwrap();
    assert_eq!(json["id"], stories[0].id.as_str());
    assert_eq!(json["articles"][1]["copy_of"], "a1");

    let a2 = store.article("a2").unwrap().unwrap();
    assert_eq!(a2.copy_of.as_deref(), Some("a1"));
    assert_eq!(a2.copy_kind.as_deref(), Some("exact"));
    assert_eq!(a2.story.as_deref(), Some(stories[0].id.as_str()));
    assert_eq!(
        a2.article.published.as_deref(),
        Some("2025-03-03T09:00:00Z")
    );
    assert!(store.article("nope").unwrap().is_none());

    // Filters.
    let since = parse_since("2025-03-04").unwrap();
    let recent = list_stories(
        store,
        &StoryFilter {
            since: Some(since),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(recent.len(), 2);
    assert!(recent.iter().all(|s| s.id != stories[0].id));
    let found = list_stories(
        store,
        &StoryFilter {
            query: Some("wildfire".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, story_id("b1"));
    assert_eq!(store.search("dockworkers", 10).unwrap().len(), 2);
    // Hostile query syntax never errors.
    store.search("\"unbalanced (( +-", 10).unwrap();
}

#[test]
fn sqlite_store_behaves() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    exercise(&store);
}

#[test]
fn sqlite_store_reopens_with_data_and_rebuilds_a_lost_index() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = SqliteStore::open(dir.path()).unwrap();
        ingest(&store, &corpus(), &Options::default()).unwrap();
    }
    // Losing the derived full-text index loses nothing: it is rebuilt from SQLite.
    std::fs::remove_dir_all(dir.path().join("fts")).unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(store.counts().unwrap().articles, 3);
    assert_eq!(store.search("wildfire", 10).unwrap(), vec!["b1"]);
}

#[test]
fn stale_snapshot_is_recomputed() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    // As if the process died after storing the batch, before recomputing the stories.
    store.add_articles(&corpus()).unwrap();
    assert_eq!(store.counts().unwrap().stories, 0);
    assert!(ensure_fresh(&store, &Options::default()).unwrap());
    assert_eq!(store.counts().unwrap().stories, 2);
    assert!(!ensure_fresh(&store, &Options::default()).unwrap());
}

#[test]
fn newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(SqliteStore::open(dir.path()).unwrap());
    let c = rusqlite::Connection::open(dir.path().join("storyline.db")).unwrap();
    c.execute(
        "INSERT INTO schema_version (version, applied_at) VALUES (99, 'x')",
        [],
    )
    .unwrap();
    drop(c);
    match SqliteStore::open(dir.path()) {
        Err(StoreError::TooNew { found: 99, .. }) => {}
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a newer schema was opened"),
    }
}

#[test]
fn migrations_run_once_and_record_versions() {
    let dir = tempfile::tempdir().unwrap();
    drop(SqliteStore::open(dir.path()).unwrap());
    drop(SqliteStore::open(dir.path()).unwrap());
    let c = rusqlite::Connection::open(dir.path().join("storyline.db")).unwrap();
    let versions: Vec<i64> = c
        .prepare("SELECT version FROM schema_version ORDER BY version")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(versions, vec![1, 2, 3]);
}

/// A fresh database on the test server named by `STORYLINE_TEST_PG`, or `None` (with a
/// notice) when the variable is unset.
pub fn pg_test_url(name: &str) -> Option<String> {
    let Ok(base) = std::env::var("STORYLINE_TEST_PG") else {
        eprintln!("STORYLINE_TEST_PG is not set: skipping the PostgreSQL test {name}");
        return None;
    };
    let db = format!(
        "storyline_{}_{}_{}",
        name,
        std::process::id(),
        Utc::now().timestamp_micros()
    );
    let mut admin = postgres::Client::connect(&base, postgres::NoTls).expect("connect to PG");
    admin
        .batch_execute(&format!("CREATE DATABASE {db}"))
        .unwrap();
    let (head, _) = base.rsplit_once('/').expect("URL with a database name");
    Some(format!("{head}/{db}"))
}

#[test]
fn postgres_store_behaves() {
    let Some(url) = pg_test_url("behaves") else {
        return;
    };
    let store = open(&url).unwrap();
    assert_eq!(store.backend(), "postgres");
    exercise(store.as_ref());
    drop(store);
    check_aliases(&PgStore::connect(&pg_test_url("aliases").unwrap()).unwrap());
    // Reopening migrates nothing and keeps the data.
    let store = PgStore::connect(&url).unwrap();
    assert_eq!(store.counts().unwrap().articles, 4);
}

#[test]
fn two_processes_can_share_an_embedded_store() {
    // As `storyline ingest` beside a running `storyline serve`: two opens of one directory.
    let dir = tempfile::tempdir().unwrap();
    let serve = SqliteStore::open(dir.path()).unwrap();
    let ingest_side = SqliteStore::open(dir.path()).unwrap();
    let c = corpus();
    serve.add_articles(&c[..1]).unwrap();
    ingest_side.add_articles(&c[1..]).unwrap();
    ingest_side.sync_index().unwrap();
    serve
        .add_articles(&[art(
            "z",
            "Zebra crossing",
            "zebra words",
            "2025-03-09T00:00:00Z",
        )])
        .unwrap();
    serve.sync_index().unwrap();
    assert_eq!(serve.counts().unwrap().articles, 4);
    // The other side's index commits become visible without reopening.
    let mut seen = Vec::new();
    for _ in 0..100 {
        seen = serve.search("wildfire", 10).unwrap();
        if !seen.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(seen, vec!["b1"]);
}

#[test]
fn story_ids_stay_stable_as_stories_grow() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    let opts = Options::default();
    ingest(&store, &corpus(), &opts).unwrap();
    let before: Vec<String> = store
        .stories(None)
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    // An earlier article joins the strike story: its first article changes, its id does not.
    let mut early = corpus()[0].clone();
    early.id = "a0".into();
    early.text.push_str(" Talks broke down on Sunday night.");
    early.published = parse_since("2025-03-02");
    ingest(&store, &[early], &opts).unwrap();
    let after = store.stories(None).unwrap();
    assert_eq!(after.len(), 2);
    assert_eq!(after[0].size, 3);
    let json: serde_json::Value =
        serde_json::from_str(&store.story_json(&after[0].id).unwrap().unwrap()).unwrap();
    assert_eq!(json["articles"][0]["id"], "a0");
    let mut ids: Vec<String> = after.into_iter().map(|s| s.id).collect();
    let mut before = before;
    ids.sort();
    before.sort();
    assert_eq!(ids, before);
}

#[test]
fn new_story_ids_never_collide_with_kept_ones() {
    let prev: HashMap<String, String> = [("x".to_string(), story_id("y"))].into_iter().collect();
    // Story 0 keeps story_id("y") through article x; story 1 starts with y and must differ.
    let (ids, aliases) = assign_ids(&[vec!["x"], vec!["y"]], &prev);
    assert!(aliases.is_empty());
    assert_eq!(ids[0], story_id("y"));
    assert_eq!(ids[1], format!("{}-2", story_id("y")));
}

#[test]
fn ids_of_merged_stories_lead_to_their_successor() {
    let prev: HashMap<String, String> = [
        ("a".to_string(), "st-old1".to_string()),
        ("b".to_string(), "st-old1".to_string()),
        ("c".to_string(), "st-old2".to_string()),
    ]
    .into_iter()
    .collect();
    // Both old stories merged into one: it keeps st-old1, st-old2 becomes an alias of it.
    let (ids, aliases) = assign_ids(&[vec!["a", "b", "c"]], &prev);
    assert_eq!(ids, vec!["st-old1"]);
    assert_eq!(aliases, vec![("st-old2".to_string(), 0)]);

    let dir = tempfile::tempdir().unwrap();
    check_aliases(&SqliteStore::open(dir.path()).unwrap());
}

/// Aliases of vanished story ids, chained through later merges.
pub(crate) fn check_aliases(store: &dyn Store) {
    {
        let snap = |id: &str| StorySnapshot {
            summary: StorySummary {
                id: id.into(),
                rank: 0,
                title: None,
                size: 1,
                originals: 1,
                first_published: None,
                last_published: None,
            },
            json: format!("{{\"id\":\"{id}\"}}"),
            members: Vec::new(),
        };
        store
            .replace_stories(&[snap("s2")], &[("s1".into(), "s2".into())], 0)
            .unwrap();
        // s2 merges into s3 later: s1 follows along.
        store
            .replace_stories(&[snap("s3")], &[("s2".into(), "s3".into())], 0)
            .unwrap();
        assert_eq!(store.story_json("s1").unwrap().unwrap(), "{\"id\":\"s3\"}");
        assert_eq!(store.story_json("s2").unwrap().unwrap(), "{\"id\":\"s3\"}");
        assert!(store.story_json("s9").unwrap().is_none());
        // An id that is a story again is no longer an alias.
        store
            .replace_stories(&[snap("s1"), snap("s3")], &[], 0)
            .unwrap();
        assert_eq!(store.story_json("s1").unwrap().unwrap(), "{\"id\":\"s1\"}");
    }
}
