//! Issue 14's pages: `/resolve` shows a name's candidates with their verdicts, a source's
//! claim beside ISO 3166's country and a neighbouring-country hint; `/unresolved` lists the
//! names waiting for a decision, each linked to `/resolve`; hostile, blank and overlong
//! input get a clear message beside the field, never a 500; a contested place's dossier
//! links to the dashboard counted by the sources' claims.

use reqwest::StatusCode;

use crate::Server;

#[tokio::test]
async fn resolve_shows_a_toss_up_with_its_rivals() {
    let server = Server::start().await;
    let answer = server
        .get("/resolve?name=Springfield&country=United+States")
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let body = &answer.body;
    for needle in [
        "<h1>Resolve: Springfield</h1>",
        "class=\"verdict verdict-toss_up\"",
        "A toss-up: ",
        "Massachusetts",
        "href=\"/api/v1/resolve?name=Springfield&amp;country=United%20States\"",
        "aria-current=\"page\"",
        ">Names</a>",
    ] {
        assert!(body.contains(needle), "lacks {needle}:\n{body}");
    }
    assert!(!body.contains("verdict-confident"), "{body}");
}

#[tokio::test]
async fn resolve_shows_a_claim_beside_iso_and_links_to_the_dossier() {
    let server = Server::start().await;
    let crimea = server.get("/resolve?name=Simferopol&country=Russia").await;
    assert_eq!(crimea.status, StatusCode::OK);
    for needle in [
        "verdict-claim",
        "Country (ISO 3166)",
        "Country, by the source",
        "its claim on Crimea",
    ] {
        assert!(
            crimea.body.contains(needle),
            "lacks {needle}:\n{}",
            crimea.body
        );
    }
    let gorizia = server.get("/resolve?name=Gorizia&country=Slovenia").await;
    assert!(
        gorizia.body.contains("verdict-neighbouring"),
        "{}",
        gorizia.body
    );
    assert!(
        gorizia.body.contains("a neighbour of IT"),
        "{}",
        gorizia.body
    );
    let praha = server.get("/resolve?name=Praha&country=CZ").await;
    assert!(
        praha.body.contains("href=\"/places/cz-prague\""),
        "a place the registry holds links to its dossier:\n{}",
        praha.body
    );
}

#[tokio::test]
async fn resolve_escapes_hostile_input_and_refuses_blank_or_overlong_names_clearly() {
    let server = Server::start().await;
    let bare = server.get("/resolve").await;
    assert_eq!(bare.status, StatusCode::OK);
    assert!(bare.body.contains("id=\"resolve-form\""));
    assert!(
        !bare.body.contains("field-errors"),
        "the bare form has no error"
    );

    let hostile = server
        .get("/resolve?name=%3Cscript%3Ealert(1)%3C%2Fscript%3E&country=%22%3E%3Cb%3E")
        .await;
    assert_eq!(hostile.status, StatusCode::OK, "{}", hostile.body);
    assert!(!hostile.body.contains("<script>alert"), "{}", hostile.body);
    assert!(!hostile.body.contains("\"><b>"), "{}", hostile.body);
    assert!(
        hostile
            .body
            .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );

    let blank = server.get("/resolve?name=+&country=CZ").await;
    assert_eq!(blank.status, StatusCode::BAD_REQUEST, "{}", blank.body);
    assert!(blank.body.contains("id=\"name-error\""), "{}", blank.body);
    assert!(blank.body.contains("give the place name"), "{}", blank.body);
    assert!(blank.body.contains("aria-invalid=\"true\""));
    assert!(blank.body.contains("value=\"CZ\""), "what was typed stays");

    let long = "x".repeat(201);
    let overlong = server
        .get(&format!("/resolve?name=Praha&country={long}"))
        .await;
    assert_eq!(
        overlong.status,
        StatusCode::BAD_REQUEST,
        "{}",
        overlong.body
    );
    assert!(
        overlong.body.contains("id=\"country-error\""),
        "{}",
        overlong.body
    );
    assert!(overlong.body.contains("at most 200"), "{}", overlong.body);

    let api = server.get(&format!("/api/v1/resolve?name={long}")).await;
    assert_eq!(api.status, StatusCode::BAD_REQUEST, "{}", api.body);
}

#[tokio::test]
async fn unresolved_lists_the_queue_with_links_to_resolve() {
    let server = Server::start().await;
    let empty = server.get("/unresolved").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("No name is waiting"), "{}", empty.body);
    let queued = |line: i64, occurrences: i64, name: &str| polis_store::QueuedName {
        key: format!("{}|united states", name.to_lowercase()),
        name: name.to_owned(),
        country: Some("United States".into()),
        batch: "wikipedia-list-000000000000".into(),
        line,
        occurrences,
        best_guess: None,
    };
    queue(
        &server,
        &[queued(4, 2, "Springfield"), queued(9, 1, "<i>Odd</i>")],
    )
    .await;
    let page = server.get("/unresolved").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for needle in [
        "href=\"/resolve?name=Springfield&amp;country=United%20States\"",
        "verdict-toss_up",
        "wikipedia-list-000000000000",
        "&lt;i&gt;Odd&lt;/i&gt;",
        "href=\"/api/v1/unresolved?limit=50\"",
    ] {
        assert!(page.body.contains(needle), "lacks {needle}:\n{}", page.body);
    }
    let api = server.get("/api/v1/unresolved").await.ok_json();
    assert_eq!(api[0]["name"], "Springfield");
    assert_eq!(api[0]["candidates"][0]["verdict"], "toss_up", "{api:#}");
    for bad in ["/unresolved?limit=0", "/unresolved?limit=x"] {
        assert_eq!(
            server.get(bad).await.status,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }
}

#[tokio::test]
async fn a_contested_places_dossier_links_to_the_dashboard_by_claim() {
    let server = Server::start().await;
    crate::pages::add_bare_place(&server, "ua-simferopol", "Simferopol", |place| {
        place.country = Some("UA".into());
        place.country_claims = vec![polis_core::CountryClaim {
            country: "RU".into(),
            territory: "Crimea".into(),
            sources: vec!["deck".into()],
        }];
    })
    .await;
    let dossier = server.get("/places/ua-simferopol").await;
    assert_eq!(dossier.status, StatusCode::OK, "{}", dossier.body);
    for needle in [
        "href=\"/dashboard?country_basis=claim\"",
        "href=\"/dashboard?country_basis=both\"",
    ] {
        assert!(dossier.body.contains(needle), "lacks {needle}");
    }
    let by_claim = server.get("/dashboard?country_basis=claim").await;
    assert_eq!(by_claim.status, StatusCode::OK);
}

/// Writes `names` into the unresolved queue, as an import of the batch
/// `wikipedia-list-000000000000` does.
pub(crate) async fn queue(server: &Server, names: &[polis_store::QueuedName]) {
    server
        .state
        .app()
        .store()
        .apply_import(
            polis_store::ImportWrite {
                records: &polis_core::Dataset::default(),
                batch: "wikipedia-list-000000000000",
                queue: names,
                run: &polis_store::ImportRun {
                    format: "wikipedia-list".into(),
                    file: "test.csv".into(),
                    sha256: "0".repeat(64),
                    report: serde_json::json!({}),
                },
            },
            &polis_store::ChangeContext {
                who: "test".into(),
                context: "queue names".into(),
            },
        )
        .await
        .expect("the queue is written");
}
