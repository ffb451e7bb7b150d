//! Every error has the same body, `{"error": {"code", "message"}}`, whoever makes it: a
//! handler, the router, the body limit or the rate limiter. Messages name the parameter,
//! the value and what is accepted.

use polis_http::HttpConfig;
use reqwest::StatusCode;

use crate::{Server, check_error};

#[tokio::test]
async fn an_unknown_place_is_404_with_the_error_body() {
    let server = Server::start().await;
    let answer = server.get("/api/v1/places/atlantis").await;
    check_error(&answer, StatusCode::NOT_FOUND, "not_found");
    insta::assert_json_snapshot!(answer.json(), @r#"
    {
      "error": {
        "code": "not_found",
        "message": "no place has the id or name 'atlantis': try /api/v1/search?q=atlantis"
      }
    }
    "#);
    let answer = server.get("/api/v1/ties?place=atlantis").await;
    let message = check_error(&answer, StatusCode::NOT_FOUND, "not_found");
    assert!(message.contains("`place`"), "{message}");
}

#[tokio::test]
async fn a_bad_date_is_400_naming_the_parameter_the_value_and_what_is_accepted() {
    let server = Server::start().await;
    let answer = server.get("/api/v1/ties?as_of=2019-13-01").await;
    check_error(&answer, StatusCode::BAD_REQUEST, "bad_request");
    insta::assert_json_snapshot!(answer.json(), @r#"
    {
      "error": {
        "code": "bad_request",
        "message": "query parameter `as_of`: '2019-13-01' has month out of range: months run from 01 to 12"
      }
    }
    "#);
    let message = check_error(
        &server.get("/api/v1/places/cz-prague?as_of=yesterday").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert!(
        message.contains("`as_of`")
            && message.contains("'yesterday'")
            && message.contains("YYYY-MM-DD"),
        "{message}"
    );
}

#[tokio::test]
async fn bad_query_values_are_400_with_what_is_accepted() {
    let server = Server::start().await;
    let cases: &[(&str, &[&str])] = &[
        (
            "/api/v1/ties?status=dormant",
            &[
                "`status`",
                "'dormant'",
                "not_yet, proposed, active, suspended, terminated, disputed, unknown",
            ],
        ),
        (
            "/api/v1/ties?kind=twins",
            &["`kind`", "'twins'", "sister_city"],
        ),
        (
            "/api/v1/ties?country=Czechia",
            &["`country`", "'Czechia'", "ISO 3166-1"],
        ),
        ("/api/v1/ties?limit=0", &["`limit`", "'0'", "1 to 1000"]),
        (
            "/api/v1/ties?limit=1001",
            &["`limit`", "'1001'", "1 to 1000"],
        ),
        ("/api/v1/ties?offset=-1", &["`offset`", "'-1'"]),
        ("/api/v1/ties?stauts=active", &["stauts", "status"]),
        ("/api/v1/changes?from=2019", &["`to`", "required"]),
        (
            "/api/v1/changes?from=2019-02-29&to=2020",
            &["`from`", "28 days"],
        ),
        ("/api/v1/dormant?years=many", &["`years`", "'many'"]),
        ("/api/v1/path?from=Prague", &["`to`", "required"]),
        (
            "/api/v1/path?from=a&to=b&through=roads",
            &["`through`", "'roads'", "ties, relations, all"],
        ),
        (
            "/api/v1/recommend/cz-prague?top=0",
            &["`top`", "'0'", "1 to 100"],
        ),
        (
            "/api/v1/recommend/cz-prague?top=101",
            &["`top`", "'101'", "1 to 100"],
        ),
        (
            "/api/v1/recommend/cz-prague?as_of=2019-13-01",
            &["`as_of`", "'2019-13-01'"],
        ),
        (
            "/api/v1/recommend/cz-prague?themes=climate",
            &["themes", "theme"],
        ),
        (
            "/api/v1/recommend-evaluation?fraction=1",
            &["`fraction`", "'1'", "between 0 and 1"],
        ),
        (
            "/api/v1/recommend-evaluation?fraction=0",
            &["`fraction`", "'0'", "between 0 and 1"],
        ),
        (
            "/api/v1/recommend-evaluation?fraction=NaN",
            &["`fraction`", "'NaN'"],
        ),
        (
            "/api/v1/recommend-evaluation?fraction=ten%25",
            &["`fraction`", "'ten%'"],
        ),
        ("/api/v1/recommend-evaluation?seed=-1", &["`seed`", "'-1'"]),
        (
            "/api/v1/recommend-evaluation?as_of=0100",
            &["held-out tie", "`as_of`"],
        ),
        (
            "/api/v1/graph/metrics?sort=closeness",
            &["`sort`", "'closeness'", "betweenness, pagerank, degree"],
        ),
        (
            "/api/v1/graph/metrics?sampled=2",
            &["`sampled`", "'2'", "from 3"],
        ),
        (
            "/api/v1/graph/metrics?top=1001",
            &["`top`", "'1001'", "1 to 1000"],
        ),
        (
            "/api/v1/graph/metrics?country=Czechia",
            &["`country`", "'Czechia'"],
        ),
        ("/api/v1/graph/metrics?seed=x", &["`seed`", "'x'"]),
        (
            "/api/v1/activities/totals?kind=gift",
            &["`kind`", "'gift'", "delegation_visit, aid"],
        ),
        ("/api/v1/clauses", &["`tag` or `text`", "required"]),
        ("/api/v1/clauses?tag=&text=%20", &["`text` is blank"]),
        ("/api/v1/search", &["`q`", "required"]),
        ("/api/v1/audit?limit=5000", &["`limit`", "'5000'"]),
    ];
    // An admin's token, for `/audit`; the public reads answer the same with it.
    let admin = server.token_for("ada", polis_store::Role::Admin).await;
    for (path, expected) in cases {
        let message = check_error(
            &server.get_as(path, &admin).await,
            StatusCode::BAD_REQUEST,
            "bad_request",
        );
        for part in *expected {
            assert!(message.contains(part), "{path}: '{message}' lacks '{part}'");
        }
    }
}

#[tokio::test]
async fn unknown_endpoints_and_other_methods_have_the_error_body() {
    let server = Server::start().await;
    check_error(
        &server.get("/api/v1/nothing-here").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    // `/` is the web map now; any other path under `/api` keeps the JSON error.
    check_error(
        &server.get("/api").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    check_error(
        &server.get("/api/v2/ties").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let post = server
        .send(server.client.patch(format!("{}/api/v1/ties", server.base)))
        .await;
    check_error(&post, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let server = Server::start().await;
    let limit = HttpConfig::default().body_limit_bytes;
    let answer = server
        .send(
            server
                .client
                .get(format!("{}/api/v1/health", server.base))
                .body(vec![b'x'; limit + 1]),
        )
        .await;
    check_error(&answer, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    // Under the limit, a body is ignored.
    let answer = server
        .send(
            server
                .client
                .get(format!("{}/api/v1/health", server.base))
                .body(vec![b'x'; 1024]),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
}

#[tokio::test]
async fn a_client_over_its_rate_is_429_with_retry_after() {
    let server = Server::start_with(HttpConfig {
        rate_per_second: 1,
        burst: 3,
        ..HttpConfig::default()
    })
    .await;
    for _ in 0..3 {
        assert_eq!(server.get("/api/v1/health").await.status, StatusCode::OK);
    }
    // The burst is spent; one request a second comes back, so a few quick ones must meet
    // the limit however slow this machine is.
    let mut answer = server.get("/api/v1/health").await;
    for _ in 0..10 {
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            break;
        }
        answer = server.get("/api/v1/health").await;
    }
    let message = check_error(&answer, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert!(message.contains("wait"), "{message}");
    assert!(answer.headers.contains_key("retry-after"));
}

#[tokio::test]
async fn responses_tell_browsers_not_to_sniff_and_cors_is_off() {
    let server = Server::start().await;
    let answer = server
        .send(
            server
                .client
                .get(format!("{}/api/v1/health", server.base))
                .header("origin", "https://elsewhere.example"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.headers["x-content-type-options"], "nosniff");
    assert!(!answer.headers.contains_key("access-control-allow-origin"));
}
