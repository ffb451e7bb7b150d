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

/// Puts Springfield (twice) and a name with no candidate on the unresolved queue, in the
/// United States, as an import of a file would.
async fn queue_springfield(app: &App) {
    let queued = |line: i64, occurrences: i64, name: &str| polis_store::QueuedName {
        key: format!("{}|united states", name.to_lowercase()),
        name: name.to_owned(),
        country: Some("United States".into()),
        batch: "wikipedia-list-000000000000".into(),
        line,
        occurrences,
        best_guess: None,
    };
    app.store()
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
}

#[tokio::test]
async fn the_unresolved_queue_comes_with_candidates() {
    let reference = reference().await;
    let empty = reference.app.unresolved_page(10).await.expect("the queue");
    assert!(
        empty.names.is_empty(),
        "the reference dataset leaves nothing unresolved"
    );
    queue_springfield(&reference.app).await;
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

/// Issue 14: a toss-up's summary counted the rivals the gazetteer names (at most four) plus
/// one, and so said "matches 5 places" of a name that many more places share. It says how
/// many places it is between when the gazetteer names them all, and "at least" otherwise.
#[tokio::test]
async fn issue_14_a_toss_up_counts_the_places_it_is_between() {
    let reference = reference().await;
    let newcastle = check(&reference.app, "Newcastle", "United Kingdom").await;
    assert_eq!(newcastle.verdict, Some(Verdict::TossUp), "{newcastle:#?}");
    assert_eq!(newcastle.candidates[0].candidate.ambiguous_with.len(), 1);
    assert!(
        newcastle.summary.contains("'Newcastle' matches 2 places"),
        "{}",
        newcastle.summary
    );
    let springfield = check(&reference.app, "Springfield", "United States").await;
    assert_eq!(springfield.candidates[0].candidate.ambiguous_with.len(), 4);
    assert!(
        springfield
            .summary
            .contains("'Springfield' matches at least 5 places"),
        "{}",
        springfield.summary
    );
}

/// Issue 14: recording what a name means is a reviewer's (it is applied at once and may
/// merge a provisional place); it takes the name off the queue, is remembered for later
/// imports, and is audited under the reviewer's name. Editors and viewers are refused with
/// the permission's message, and nothing is written.
#[tokio::test]
async fn issue_14_a_reviewer_records_a_decision_and_the_queue_loses_the_name() {
    use polis_app::{AppError, DecisionRequest, Principal, Role};
    let reference = reference().await;
    let app = &reference.app;
    queue_springfield(app).await;
    let admin = Principal::local_admin("test");
    for (name, role) in [
        ("rita", Role::Reviewer),
        ("eddie", Role::Editor),
        ("vic", Role::Viewer),
    ] {
        app.add_user(&admin, name, role, None).await.expect("adds");
    }
    let springfield = NameQuery::new("Springfield", Some("United States")).unwrap();
    // Springfield, Massachusetts.
    let massachusetts = DecisionRequest::Geonames(4_951_788);
    let version = app.store().version().await.expect("a version");
    for name in ["eddie", "vic"] {
        let principal = app.act_as(name).await.expect("the user");
        let refused = app
            .decide(&principal, &springfield, massachusetts.clone())
            .await;
        assert!(
            matches!(&refused, Err(AppError::Forbidden(m))
                if m.contains("recording what a name means needs the role reviewer")),
            "{name}: {refused:?}"
        );
    }
    assert_eq!(app.store().version().await.expect("a version"), version);
    assert_eq!(app.unresolved(10).await.expect("the queue").len(), 2);

    let rita = app.act_as("rita").await.expect("the user");
    // An id that is no place is refused, naming its field; nothing is written.
    for (decision, field) in [
        (DecisionRequest::Geonames(999_999_999), "`geonames`"),
        (DecisionRequest::Place("xx-atlantis".into()), "`place`"),
    ] {
        let refused = app.decide(&rita, &springfield, decision).await;
        assert!(
            matches!(&refused, Err(AppError::Invalid(m)) if m.starts_with(field)),
            "{refused:?}"
        );
    }
    assert_eq!(app.store().version().await.expect("a version"), version);

    let decided = app
        .decide(&rita, &springfield, massachusetts)
        .await
        .expect("a reviewer decides");
    assert_eq!(decided.means, "Springfield, Massachusetts, US");
    assert_eq!(decided.geonames, Some(4_951_788));
    assert!(decided.merged.is_none(), "no provisional place was made");
    let queue: Vec<String> = app
        .unresolved(10)
        .await
        .expect("the queue")
        .into_iter()
        .map(|q| q.name)
        .collect();
    assert_eq!(queue, ["Qxzvwq Jjjkkk"], "Springfield left the queue");
    let decisions = app.store().decisions().await.expect("the decisions");
    assert!(
        decisions
            .iter()
            .any(|(key, d)| key == "springfield|united states"
                && *d == polis_store::NameDecision::Geonames(4_951_788)),
        "{decisions:?}"
    );
    // Later imports find it under the country's code too.
    assert!(
        decided.keys.contains(&"springfield|us".to_owned()),
        "{decided:?}"
    );
    let audit = app.audit(10).await.expect("the audit log");
    assert!(
        audit.iter().any(|e| e.record_kind == "name_decision"
            && e.who == "rita"
            && e.context == "resolve 'Springfield'"),
        "{audit:#?}"
    );
}

/// A decision names exactly one place: a GeoNames id or a registry place, never both or
/// neither (a blank place counts as none); the refusal names both fields.
#[test]
fn a_decision_names_exactly_one_of_geonames_and_place() {
    use polis_app::{AppError, DecisionRequest};
    assert_eq!(
        DecisionRequest::one_of(Some(4_951_788), None).unwrap(),
        DecisionRequest::Geonames(4_951_788)
    );
    assert_eq!(
        DecisionRequest::one_of(None, Some(" cz-prague ")).unwrap(),
        DecisionRequest::Place("cz-prague".into())
    );
    for (geonames, place) in [
        (Some(1), Some("cz-prague")),
        (None, None),
        (None, Some("  ")),
    ] {
        let refused = DecisionRequest::one_of(geonames, place);
        assert!(
            matches!(&refused, Err(AppError::Invalid(m)) if m.starts_with("`geonames`, `place`")),
            "{geonames:?} {place:?}: {refused:?}"
        );
    }
}
