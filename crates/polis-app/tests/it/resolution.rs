//! Issue 14: the one resolution use case every edge shows. A toss-up says so and names its
//! rivals, a qualifier in the name decides it, a contested place keeps the source's claim
//! beside ISO 3166's country, and a neighbouring-country hint is never confident; over the
//! embedded gazetteer and the reference dataset.

use polis_app::{App, Location, NameQuery, Resolution, Verdict};

struct Reference {
    _dir: tempfile::TempDir,
    app: App,
}

async fn reference() -> Reference {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let app = App::open(
        Location::sqlite(dir.path().join("polis.db")),
        Default::default(),
    )
    .await
    .expect("the store opens");
    app.load_reference("test")
        .await
        .expect("the reference dataset loads");
    Reference { _dir: dir, app }
}

async fn check(app: &App, name: &str, country: &str) -> Resolution {
    let query = NameQuery::new(name, Some(country)).expect("a valid question");
    app.resolution(query, 5).await.expect("an answer")
}

#[tokio::test]
async fn issue_14_a_toss_up_names_its_rivals_and_a_qualifier_decides_it() {
    let reference = reference().await;
    let springfield = check(&reference.app, "Springfield", "United States").await;
    assert_eq!(
        springfield.verdict,
        Some(Verdict::TossUp),
        "{springfield:#?}"
    );
    let best = &springfield.candidates[0];
    assert!(!best.candidate.confident);
    assert!(best.note.starts_with("A toss-up: "), "{}", best.note);
    for rival in ["Massachusetts", "Illinois"] {
        assert!(
            best.note.contains(rival) || springfield.candidates[0].note.contains(rival),
            "the note names {rival}: {}",
            best.note
        );
    }
    assert!(
        springfield.summary.starts_with("A toss-up"),
        "{}",
        springfield.summary
    );
    assert!(
        springfield
            .candidates
            .iter()
            .all(|c| !c.verdict.is_confident()),
        "nothing is confident in a toss-up"
    );

    let qualified = check(
        &reference.app,
        "Springfield, Massachusetts",
        "United States",
    )
    .await;
    assert_eq!(
        qualified.verdict,
        Some(Verdict::Confident),
        "{qualified:#?}"
    );
    assert_eq!(
        qualified.candidates[0].candidate.admin1.as_deref(),
        Some("Massachusetts")
    );
}

#[tokio::test]
async fn issue_14_a_contested_place_keeps_the_sources_claim() {
    let reference = reference().await;
    let simferopol = check(&reference.app, "Simferopol", "Russia").await;
    assert_eq!(simferopol.verdict, Some(Verdict::Claim), "{simferopol:#?}");
    let best = &simferopol.candidates[0];
    assert_eq!(best.candidate.country, "UA", "ISO 3166's country stays");
    let claim = best
        .candidate
        .sovereignty_claim
        .as_ref()
        .expect("the source's claim is kept");
    assert_eq!(
        (claim.claimed_by.as_str(), claim.filed_under.as_str()),
        ("RU", "UA")
    );
    assert!(best.note.contains("Crimea"), "{}", best.note);
}

#[tokio::test]
async fn issue_14_a_neighbouring_country_is_never_confident() {
    let reference = reference().await;
    let gorizia = check(&reference.app, "Gorizia", "Slovenia").await;
    let neighbour = gorizia
        .candidates
        .iter()
        .find(|c| c.candidate.neighbouring_country.is_some())
        .unwrap_or_else(|| panic!("a neighbouring-country hint: {gorizia:#?}"));
    assert_eq!(neighbour.verdict, Verdict::Neighbouring);
    assert!(!neighbour.candidate.confident);
    assert_eq!(
        neighbour.candidate.neighbouring_country.as_deref(),
        Some("SI")
    );
    assert!(
        neighbour.note.contains("a neighbour of"),
        "{}",
        neighbour.note
    );
}

#[tokio::test]
async fn a_candidate_the_registry_holds_links_to_its_place() {
    let reference = reference().await;
    let praha = check(&reference.app, "Praha", "Czech Republic").await;
    assert_eq!(praha.verdict, Some(Verdict::Confident));
    assert_eq!(praha.candidates[0].place.as_deref(), Some("cz-prague"));
}

#[test]
fn a_blank_or_overlong_question_is_refused_by_field() {
    let blank = NameQuery::new("  ", Some("CZ")).unwrap_err();
    assert_eq!(blank.field, "name");
    let long = "x".repeat(polis_app::resolution::MAX_NAME_CHARS + 1);
    assert_eq!(NameQuery::new(&long, None).unwrap_err().field, "name");
    assert_eq!(
        NameQuery::new("Praha", Some(&long)).unwrap_err().field,
        "country"
    );
    let blank_country = NameQuery::new(" Praha ", Some(" ")).unwrap();
    assert_eq!(
        (blank_country.name(), blank_country.country()),
        ("Praha", None)
    );
}

#[tokio::test]
async fn the_unresolved_queue_comes_with_candidates() {
    let reference = reference().await;
    let empty = reference.app.unresolved_page(10).await.expect("the queue");
    assert!(
        empty.names.is_empty(),
        "the reference dataset leaves nothing unresolved"
    );
    let queued = |line: i64, occurrences: i64, name: &str| polis_store::QueuedName {
        key: format!("{}|united states", name.to_lowercase()),
        name: name.to_owned(),
        country: Some("United States".into()),
        batch: "wikipedia-list-000000000000".into(),
        line,
        occurrences,
        best_guess: None,
    };
    reference
        .app
        .store()
        .apply_import(
            polis_store::ImportWrite {
                records: &polis_core::Dataset::default(),
                batch: "wikipedia-list-000000000000",
                queue: &[queued(4, 2, "Springfield"), queued(9, 1, "Qxzvwq Jjjkkk")],
                run: &polis_store::ImportRun {
                    format: "wikipedia-list".into(),
                    file: "test.csv".into(),
                    sha256: "0".repeat(64),
                    report: serde_json::json!({}),
                },
            },
            &polis_store::ChangeContext {
                who: "test".into(),
                context: "queue two names".into(),
            },
        )
        .await
        .expect("the queue is written");
    let page = reference.app.unresolved_page(10).await.expect("the queue");
    assert_eq!(page.limit, 10);
    let names: Vec<&str> = page.names.iter().map(|n| n.queued.name.as_str()).collect();
    assert_eq!(names, ["Springfield", "Qxzvwq Jjjkkk"]);
    let springfield = &page.names[0];
    assert_eq!(springfield.queued.occurrences, 2);
    assert!(springfield.candidates.len() <= polis_app::resolution::QUEUE_CANDIDATES);
    assert_eq!(springfield.candidates[0].verdict, Verdict::TossUp);
    assert!(page.names[1].candidates.is_empty(), "{:#?}", page.names[1]);
}
