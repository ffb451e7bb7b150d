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

/// Springfield in the United States, queued twice, as an import of a list leaves it.
fn springfield_queued() -> polis_store::QueuedName {
    polis_store::QueuedName {
        key: "springfield|united states".into(),
        name: "Springfield".into(),
        country: Some("United States".into()),
        batch: "wikipedia-list-000000000000".into(),
        line: 4,
        occurrences: 2,
        best_guess: None,
    }
}

/// The names on the unresolved queue, through the API.
async fn queued_names(server: &Server) -> Vec<String> {
    server
        .get("/api/v1/unresolved")
        .await
        .ok_json()
        .as_array()
        .expect("a list")
        .iter()
        .map(|q| q["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A POST of `body` (raw, with its content type) to `/api/v1/decisions`.
async fn post_decision(
    server: &Server,
    token: Option<&str>,
    content_type: &str,
    body: &str,
) -> crate::Answer {
    let mut request = server
        .client
        .post(format!("{}/api/v1/decisions", server.base))
        .header("Content-Type", content_type)
        .body(body.to_owned());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    server.send(request).await
}

/// An `invalid` answer (422) whose message and violations name `field`.
fn check_invalid_naming(answer: &crate::Answer, field: &str) {
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    let body = answer.json();
    assert_eq!(body["error"]["code"], "invalid", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains(field)),
        "{body}"
    );
    assert!(
        body["error"]["details"]["violations"]
            .as_array()
            .is_some_and(|v| v
                .iter()
                .any(|v| v.as_str().is_some_and(|v| v.contains(field)))),
        "{body}"
    );
}

/// Issue 14: `POST /api/v1/decisions` records what a name means. Without a token it is 401;
/// an editor is 403 before the body is read (a broken one, sent as text); a reviewer's
/// decision needs exactly one of `geonames` and `place`, naming a place that exists (422
/// naming the field otherwise, with nothing written), and is 201 with what is remembered:
/// the name leaves the queue and the audit log has the decision under the reviewer's name.
#[tokio::test]
async fn issue_14_a_reviewer_records_a_decision_through_the_api() {
    use polis_store::Role;
    let server = Server::start().await;
    queue(&server, &[springfield_queued()]).await;
    let reviewer = server.token_for("rita", Role::Reviewer).await;
    let editor = server.token_for("eddie", Role::Editor).await;
    let admin = server.token_for("ada", Role::Admin).await;
    let version = || async { server.state.app().store().version().await.unwrap() };
    let before = version().await;
    let good = r#"{"name": "Springfield", "country": "United States", "geonames": 4951788}"#;

    let anonymous = post_decision(&server, None, "application/json", good).await;
    crate::check_error(&anonymous, StatusCode::UNAUTHORIZED, "unauthenticated");
    for (content_type, body) in [("text/plain", "{"), ("application/json", good)] {
        let refused = post_decision(&server, Some(&editor), content_type, body).await;
        let message = crate::check_error(&refused, StatusCode::FORBIDDEN, "forbidden");
        assert!(
            message.contains("recording what a name means needs the role reviewer"),
            "{message}"
        );
    }
    for (body, field) in [
        (
            r#"{"name": "Springfield", "country": "US", "geonames": 4951788, "place": "cz-prague"}"#,
            "`geonames`, `place`",
        ),
        (
            r#"{"name": "Springfield", "country": "US"}"#,
            "`geonames`, `place`",
        ),
        (
            r#"{"name": "Springfield", "country": "US", "geonames": 999999999}"#,
            "`geonames`",
        ),
        (
            r#"{"name": "Springfield", "place": "xx-atlantis"}"#,
            "`place`",
        ),
        (r#"{"name": "  ", "geonames": 4951788}"#, "`name`"),
    ] {
        let refused = post_decision(&server, Some(&reviewer), "application/json", body).await;
        check_invalid_naming(&refused, field);
    }
    assert_eq!(version().await, before, "nothing was written");
    assert_eq!(queued_names(&server).await, ["Springfield"]);

    let decided = post_decision(&server, Some(&reviewer), "application/json", good).await;
    assert_eq!(decided.status, StatusCode::CREATED, "{}", decided.body);
    let decided = decided.json();
    assert_eq!(decided["name"], "Springfield", "{decided:#}");
    assert_eq!(decided["country"], "United States");
    assert_eq!(decided["geonames"], 4951788);
    assert_eq!(decided["means"], "Springfield, Massachusetts, US");
    assert!(decided["merged"].is_null(), "{decided:#}");
    let document = serde_json::to_value(polis_http::openapi()).expect("serializes");
    crate::openapi::check_fields(&document, "Decided", &decided);
    assert!(
        queued_names(&server).await.is_empty(),
        "Springfield left the queue"
    );
    let audit = server
        .get_as("/api/v1/audit?limit=20", &admin)
        .await
        .ok_json();
    assert!(
        audit.as_array().expect("entries").iter().any(|e| {
            e["record_kind"] == "name_decision"
                && e["who"] == "rita"
                && e["record_id"] == "springfield|united states"
                && e["after"] == "geonames:4951788"
        }),
        "{audit:#}"
    );
}

/// The document lists `POST /api/v1/decisions` with its body, its answer and every status
/// it gives.
#[tokio::test]
async fn the_document_describes_post_decisions() {
    let document = serde_json::to_value(polis_http::openapi()).expect("serializes");
    let operation = &document["paths"]["/api/v1/decisions"]["post"];
    assert_eq!(
        operation["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/DecideBody",
        "{operation:#}"
    );
    for status in ["201", "400", "401", "403", "413", "415", "422", "429"] {
        assert!(
            operation["responses"][status].is_object(),
            "no {status}: {operation:#}"
        );
    }
    assert_eq!(
        operation["responses"]["201"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Decided"
    );
    let name = &document["components"]["schemas"]["DecideBody"]["properties"]["name"];
    assert_eq!(name["pattern"], polis_app::NOT_BLANK_PATTERN, "{name:#}");
}

/// The fields of Springfield's "This is the place" form.
fn fields<'a>(csrf: &'a str, geonames: &'a str, back: &'a str) -> [(&'static str, &'a str); 5] {
    [
        ("csrf", csrf),
        ("name", "Springfield"),
        ("country", "United States"),
        ("geonames", geonames),
        ("back", back),
    ]
}

/// Issue 14: a reviewer records a decision from the pages. Nobody signed in, and a viewer,
/// see no "This is the place" button but the command and who may record it; a form posted
/// without the session's anti-forgery token, or with another, is refused and writes nothing;
/// a viewer's post is refused on the page; an id that names no place is shown on the page;
/// a reviewer's post comes back (303) to the page, which confirms what is remembered, and
/// the name leaves the queue. A link cannot make a page claim a decision that was not made.
#[tokio::test]
async fn issue_14_a_reviewer_records_a_decision_from_the_pages() {
    use crate::editing::{Browser, add_user};
    use polis_store::Role;
    let server = Server::start().await;
    queue(&server, &[springfield_queued()]).await;
    add_user(&server, "rita", Role::Reviewer).await;
    add_user(&server, "vic", Role::Viewer).await;
    let version = || async { server.state.app().store().version().await.unwrap() };
    let springfield = "/resolve?name=Springfield&country=United+States";

    let anonymous = Browser::new(&server);
    let page = anonymous.get(springfield).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("decide-form"), "{}", page.body);
    for needle in [
        "polis resolve &quot;Springfield&quot; --country &quot;United States&quot; --confirm-geonames ID",
        "Sign in as a reviewer",
    ] {
        assert!(page.body.contains(needle), "lacks {needle}:\n{}", page.body);
    }
    let spoofed = anonymous
        .get("/resolve?name=Springfield&country=United+States&decided=1")
        .await;
    assert!(!spoofed.body.contains("Remembered"), "{}", spoofed.body);

    let mut viewer = Browser::new(&server);
    viewer.sign_in("vic", "correct horse battery").await;
    let queue_page = viewer.get("/unresolved").await;
    assert!(
        !queue_page.body.contains("decide-form"),
        "{}",
        queue_page.body
    );
    assert!(
        queue_page
            .body
            .contains("needs the reviewer role; you are signed in as viewer"),
        "{}",
        queue_page.body
    );

    let mut reviewer = Browser::new(&server);
    reviewer.sign_in("rita", "correct horse battery").await;
    let page = reviewer.get(springfield).await;
    for needle in [
        "class=\"decide-form\"",
        "name=\"geonames\" value=\"4951788\"",
        "This is the place",
    ] {
        assert!(page.body.contains(needle), "lacks {needle}:\n{}", page.body);
    }
    let csrf = crate::editing::csrf_field(&page.body);
    let before = version().await;
    for forged in ["", "xyz"] {
        let refused = reviewer
            .post("/resolve/decide", "", &fields(forged, "4951788", "resolve"))
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        assert!(refused.body.contains("anti-forgery"), "{}", refused.body);
    }
    let viewers_csrf = polis_app::sessions::session_csrf_token(viewer.session.as_deref().unwrap());
    let refused = viewer
        .post(
            "/resolve/decide",
            "",
            &fields(&viewers_csrf, "4951788", "unresolved"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("recording what a name means needs the role reviewer"),
        "{}",
        refused.body
    );
    let unknown = reviewer
        .post(
            "/resolve/decide",
            "",
            &fields(&csrf, "999999999", "unresolved"),
        )
        .await;
    assert_eq!(
        unknown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unknown.body
    );
    assert!(
        unknown
            .body
            .contains("Not recorded: `geonames`: the gazetteer has no GeoNames id 999999999"),
        "{}",
        unknown.body
    );
    assert!(
        unknown.body.contains("id=\"unresolved\""),
        "the queue is shown"
    );
    assert_eq!(version().await, before, "nothing was written");

    let decided = reviewer
        .post("/resolve/decide", "", &fields(&csrf, "4951788", "resolve"))
        .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    let location = decided.headers["location"].to_str().unwrap().to_owned();
    assert_eq!(
        location,
        "/resolve?name=Springfield&country=United%20States&decided=1"
    );
    let confirmed = reviewer.get(&location).await;
    assert!(
        confirmed.body.contains(
            "Remembered: “Springfield” (United States) means Springfield, Massachusetts, US; later imports use it."
        ),
        "{}",
        confirmed.body
    );
    let queue_page = reviewer.get("/unresolved").await;
    assert!(
        queue_page.body.contains("No name is waiting"),
        "{}",
        queue_page.body
    );
}
