//! Issue 14 §1 over the API: `/api/v1/resolve` takes a source's `lat`/`lon` and
//! `population`, and answers what an import of such a row takes; a point out of range, half
//! a point or a count that is no whole number is 400, naming the parameter.

use reqwest::StatusCode;

use crate::Server;

#[tokio::test]
async fn resolve_takes_a_sources_coordinates_and_population() {
    let server = Server::start().await;
    let answer = server
        .get("/api/v1/resolve?name=Springfield&country=United+States&lat=42.10&lon=-72.59")
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let candidates = answer.json();
    assert_eq!(candidates[0]["admin1"], "Massachusetts", "{candidates}");
    assert_eq!(candidates[0]["verdict"], "confident");
    assert_eq!(candidates[1]["verdict"], "toss_up");

    let halle = server
        .get("/api/v1/resolve?name=Halle&country=Germany&population=237000")
        .await
        .json();
    assert_eq!(halle[0]["name"], "Halle (Saale)", "{halle}");
    assert_eq!(halle[0]["verdict"], "confident");
    assert_ne!(halle[1]["verdict"], "confident");

    let olfen = server
        .get("/api/v1/resolve?name=Olfen&country=Germany&population=400")
        .await
        .json();
    assert_eq!(olfen[0]["verdict"], "best_guess", "{olfen}");

    for (query, field) in [
        ("lat=91&lon=7", "lat"),
        ("lat=51&lon=east", "lon"),
        ("lat=51", "lon"),
        ("lon=7", "lat"),
        ("population=many", "population"),
        ("population=-5", "population"),
    ] {
        let refused = server
            .get(&format!(
                "/api/v1/resolve?name=Olfen&country=Germany&{query}"
            ))
            .await;
        assert_eq!(
            refused.status,
            StatusCode::BAD_REQUEST,
            "{query}: {}",
            refused.body
        );
        assert!(
            refused.body.contains(&format!("`{field}`")),
            "{query}: {}",
            refused.body
        );
    }
}

/// The page `/resolve` takes the same context in an optional part of its form, keeps what
/// was typed, links the JSON behind it with the same parameters, and shows a number that
/// does not read beside its field.
#[tokio::test]
async fn the_resolve_page_takes_a_sources_point_and_population() {
    let server = Server::start().await;
    let halle = server
        .get("/resolve?name=Halle&country=Germany&population=237000")
        .await;
    assert_eq!(halle.status, StatusCode::OK, "{}", halle.body);
    let body = &halle.body;
    let first = body.find("<article").expect("a candidate");
    assert!(
        body[first..].starts_with("<article class=\"candidate\" data-verdict=\"confident\""),
        "{}",
        &body[first..first + 200]
    );
    for needle in [
        "Halle (Saale), Saxony-Anhalt, DE",
        "the source's population (237,000) chose it",
        "id=\"population\" name=\"population\" type=\"text\" value=\"237000\"",
        "<details id=\"source-context\" open",
        "href=\"/api/v1/resolve?name=Halle&amp;country=Germany&amp;population=237000\"",
    ] {
        assert!(body.contains(needle), "lacks {needle}:\n{body}");
    }
    let bare = server.get("/resolve").await;
    assert!(
        bare.body.contains("<details id=\"source-context\">"),
        "{}",
        bare.body
    );

    for (query, field, message) in [
        (
            "population=lots",
            "population",
            "'lots' is not a count of people",
        ),
        ("lat=95&lon=3", "lat", "95 is not a latitude"),
        ("lat=50", "lon", "a point needs both"),
    ] {
        let refused = server
            .get(&format!("/resolve?name=Halle&country=Germany&{query}"))
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(
            refused.body.contains(&format!("id=\"{field}-error\""))
                && refused.body.contains(message),
            "{query}: {}",
            refused.body
        );
    }
}
