//! Tests of `polis fetch wikidata` against a local server on 127.0.0.1 that replays
//! hand-written SPARQL JSON pages (`tests/fixtures/`): paging and merging, headers,
//! retries and backoff, giving up, refusals, bad bodies, the rate limit, the query text,
//! and that the merged document imports as `wikidata-json`. The fixtures' Q-ids, labels,
//! codes and dates are real; their statement ids are made up.

mod server;

use std::cell::RefCell;
use std::time::{Duration, Instant};

use polis_fetch::{FetchConfig, FetchError, FetchProgress, FetchResult, fetch, query_text};
use serde_json::Value;
use server::{Recorded, Reply, TestServer};

const PAGE_1: &[u8] = include_bytes!("../fixtures/page1.json");
const PAGE_2: &[u8] = include_bytes!("../fixtures/page2.json");
/// Rows in `page1.json`, used as the page size so that page 1 is full and page 2 short.
const PAGE_SIZE: usize = 3;

fn empty_page() -> Vec<u8> {
    let mut page: Value = serde_json::from_slice(PAGE_1).expect("fixture is JSON");
    page["results"]["bindings"] = Value::Array(Vec::new());
    serde_json::to_vec(&page).expect("serialise")
}

/// The fixtures served by offset: page 1 at 0, page 2 at 3, an empty page beyond.
fn paged(request: &Recorded) -> Reply {
    match request.offset() {
        Some(0) => Reply::json(PAGE_1),
        Some(3) => Reply::json(PAGE_2),
        _ => Reply::json(&empty_page()),
    }
}

/// Settings for a fast test against `server`: small pages, short waits, no proxy.
fn config(server: &TestServer) -> FetchConfig {
    FetchConfig {
        endpoint: server.endpoint.clone(),
        page_size: PAGE_SIZE,
        max_pages: 10,
        min_interval: Duration::from_millis(10),
        max_retries: 3,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        timeout: Duration::from_secs(3),
        proxy_from_environment: false,
        ..FetchConfig::default()
    }
}

/// Runs `fetch` and returns its result with the progress events it reported.
fn run(config: &FetchConfig) -> (Result<FetchResult, FetchError>, Vec<FetchProgress>) {
    let events = RefCell::new(Vec::new());
    let result = fetch(config, &|event| events.borrow_mut().push(event));
    (result, events.into_inner())
}

fn bindings(document: &[u8]) -> Vec<Value> {
    let document: Value = serde_json::from_slice(document).expect("fixture is JSON");
    document["results"]["bindings"]
        .as_array()
        .expect("bindings")
        .clone()
}

#[test]
fn pages_are_fetched_with_increasing_offsets_and_merged() {
    let server = TestServer::start(|_, request| paged(request));
    let (result, events) = run(&config(&server));
    let result = result.expect("fetch succeeds");

    let requests = server.requests();
    let offsets: Vec<_> = requests.iter().map(Recorded::offset).collect();
    assert_eq!(offsets, [Some(0), Some(3)], "stops after the short page 2");
    for request in &requests {
        assert_eq!(request.method, "GET");
        assert_eq!(request.path, "/sparql");
        assert_eq!(request.limit(), Some(PAGE_SIZE));
        assert_eq!(request.param("format"), Some("json"));
        assert_eq!(
            request.header("accept"),
            Some("application/sparql-results+json")
        );
        let n_accept = request
            .headers
            .iter()
            .filter(|(name, _)| name == "accept")
            .count();
        assert_eq!(n_accept, 1, "one Accept header");
    }

    let fixture: Value = serde_json::from_slice(PAGE_1).expect("fixture is JSON");
    assert_eq!(result.document["head"]["vars"], fixture["head"]["vars"]);
    let expected: Vec<Value> = bindings(PAGE_1)
        .into_iter()
        .chain(bindings(PAGE_2))
        .collect();
    assert_eq!(
        result.document["results"]["bindings"],
        Value::Array(expected)
    );
    assert_eq!(
        (result.stats.pages, result.stats.rows, result.stats.retries),
        (2, 4, 0)
    );
    assert!(!result.stats.stopped_at_max_pages);
    assert_eq!(result.stats.endpoint, server.endpoint);
    let pages: Vec<_> = events
        .iter()
        .filter_map(|event| match event {
            FetchProgress::Page {
                page,
                offset,
                rows,
                total_rows,
            } => Some((*page, *offset, *rows, *total_rows)),
            _ => None,
        })
        .collect();
    assert_eq!(pages, [(1, 0, 3, 3), (2, 3, 1, 4)]);
}

#[test]
fn a_full_last_page_is_followed_by_one_empty_page() {
    let server = TestServer::start(|_, request| match request.offset() {
        Some(0) => Reply::json(PAGE_1),
        _ => Reply::json(&empty_page()),
    });
    let result = run(&config(&server)).0.expect("fetch succeeds");
    assert_eq!(server.requests().len(), 2);
    assert_eq!((result.stats.pages, result.stats.rows), (2, 3));
}

#[test]
fn max_pages_ends_the_fetch_and_says_so() {
    let server = TestServer::start(|_, _| Reply::json(PAGE_1));
    let result = run(&FetchConfig {
        max_pages: 2,
        ..config(&server)
    })
    .0
    .expect("fetch succeeds");
    assert_eq!(server.requests().len(), 2);
    assert_eq!((result.stats.pages, result.stats.rows), (2, 6));
    assert!(result.stats.stopped_at_max_pages);
}

#[test]
fn the_user_agent_names_polis_and_its_version() {
    let server = TestServer::start(|_, request| paged(request));
    run(&config(&server)).0.expect("fetch succeeds");
    let version = env!("CARGO_PKG_VERSION");
    for request in server.requests() {
        let agent = request.header("user-agent").expect("a User-Agent is sent");
        assert!(
            agent.starts_with(&format!("polis/{version} (")),
            "User-Agent {agent:?}"
        );
        assert!(agent.contains("city-diplomacy observatory"), "{agent:?}");
    }
    assert_eq!(
        polis_fetch::user_agent(Some("ops@example.org")),
        format!("polis/{version} (open-source city-diplomacy observatory; ops@example.org) ureq/3")
    );
}

#[test]
fn a_503_then_a_429_with_retry_after_are_retried_and_the_wait_is_honoured() {
    let server = TestServer::start(|index, request| match index {
        0 => Reply::status(503, b"Service Unavailable"),
        1 => Reply::status(429, b"Too Many Requests").header("Retry-After", "1"),
        _ => paged(request),
    });
    let started = Instant::now();
    let (result, events) = run(&config(&server));
    let result = result.expect("fetch succeeds after two retries");

    let requests = server.requests();
    let offsets: Vec<_> = requests.iter().map(Recorded::offset).collect();
    assert_eq!(offsets, [Some(0), Some(0), Some(0), Some(3)]);
    let after_429 = requests[2].at - requests[1].at;
    assert!(
        after_429 >= Duration::from_secs(1),
        "Retry-After: 1 was not honoured: {after_429:?}"
    );
    assert_eq!((result.stats.retries, result.stats.rows), (2, 4));
    let retries: Vec<_> = events
        .iter()
        .filter_map(|event| match event {
            FetchProgress::Retrying {
                page,
                attempt,
                wait,
                reason,
                ..
            } => Some((*page, *attempt, *wait, reason.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(retries.len(), 2);
    assert!(retries[0].3.contains("HTTP 503"), "{:?}", retries[0]);
    assert!(
        retries[0].2 <= Duration::from_millis(10),
        "backoff jitter stays under the first step"
    );
    assert_eq!(
        (retries[1].0, retries[1].1, retries[1].2),
        (1, 2, Duration::from_secs(1))
    );
    assert!(retries[1].3.contains("HTTP 429"), "{:?}", retries[1]);
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[test]
fn a_retry_after_longer_than_polis_waits_ends_the_fetch_at_once() {
    let server =
        TestServer::start(|_, _| Reply::status(429, b"slow down").header("Retry-After", "3600"));
    let started = Instant::now();
    let error = run(&config(&server)).0.expect_err("the fetch gives up");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(server.requests().len(), 1);
    let message = error.to_string();
    assert!(message.contains("asked to wait 3600 s"), "{message}");
    assert!(message.contains("HTTP 429"), "{message}");
}

#[test]
fn always_500_gives_up_after_max_retries_naming_endpoint_and_offset() {
    let server = TestServer::start(|index, _| match index {
        0 => Reply::json(PAGE_1),
        _ => Reply::status(500, b"java.util.concurrent.TimeoutException"),
    });
    let error = run(&FetchConfig {
        max_retries: 2,
        ..config(&server)
    })
    .0
    .expect_err("the fetch gives up");
    assert_eq!(
        server.requests().len(),
        1 + 3,
        "page 1, then 3 attempts at page 2"
    );
    let FetchError::GaveUp {
        endpoint,
        page,
        offset,
        attempts,
        ..
    } = &error
    else {
        panic!("expected GaveUp, got {error:?}");
    };
    assert_eq!(
        (endpoint.as_str(), *page, *offset, *attempts),
        (server.endpoint.as_str(), 2, 3, 3)
    );
    let message = error.to_string();
    for part in [
        server.endpoint.as_str(),
        "page 2 (OFFSET 3)",
        "HTTP 500",
        "TimeoutException",
        "smaller page size",
    ] {
        assert!(message.contains(part), "{part:?} missing from: {message}");
    }
}

#[test]
fn a_400_fails_at_once_with_the_start_of_the_body() {
    let mut body = String::from(
        "SPARQL-QueryException: Encountered \" <PNAME_NS> \"wdt: \"\" at line 3, column 5. ",
    );
    while body.chars().count() < 600 {
        body.push_str("Was expecting one of: <EOF> ");
    }
    body.push_str("MARKER-AFTER-600");
    let reply_body = body.clone();
    let server = TestServer::start(move |_, _| Reply::status(400, reply_body.as_bytes()));
    let error = run(&config(&server)).0.expect_err("a 400 fails");
    assert_eq!(server.requests().len(), 1, "a 400 is not retried");
    let FetchError::Refused {
        status,
        body_excerpt,
        page,
        offset,
        ..
    } = &error
    else {
        panic!("expected Refused, got {error:?}");
    };
    assert_eq!((*status, *page, *offset), (400, 1, 0));
    let first_500: String = body.chars().take(500).collect();
    assert!(body_excerpt.starts_with(&first_500));
    assert!(!body_excerpt.contains("MARKER"));
    let message = error.to_string();
    assert!(message.contains("HTTP 400"), "{message}");
    assert!(message.contains("SPARQL-QueryException"), "{message}");
    assert!(message.contains(&server.endpoint), "{message}");
}

#[test]
fn a_body_that_is_not_sparql_json_is_an_error_naming_the_page() {
    let server = TestServer::start(|_, request| match request.offset() {
        Some(0) => Reply::json(PAGE_1),
        _ => Reply::status(200, b"<html><body>Maintenance</body></html>"),
    });
    let error = run(&config(&server))
        .0
        .expect_err("HTML is not SPARQL JSON");
    assert!(
        matches!(
            &error,
            FetchError::InvalidResponse {
                page: 2,
                offset: 3,
                ..
            }
        ),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("page 2 (OFFSET 3)"), "{message}");
    assert!(
        message.contains("<html>"),
        "the start of the body is quoted: {message}"
    );

    let server = TestServer::start(|_, _| Reply::json(br#"{"error": "no results"}"#));
    let error = run(&config(&server)).0.expect_err("JSON without head.vars");
    assert!(
        matches!(
            &error,
            FetchError::InvalidResponse {
                page: 1,
                offset: 0,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("head.vars"), "{error}");

    let server = TestServer::start(|_, request| match request.offset() {
        Some(0) => Reply::json(PAGE_1),
        _ => Reply::json(br#"{"head": {"vars": ["city"]}, "results": {"bindings": []}}"#),
    });
    let error = run(&config(&server)).0.expect_err("variables changed");
    assert!(
        error.to_string().contains("differ from the first page"),
        "{error}"
    );
}

#[test]
fn requests_start_at_least_min_interval_apart_retries_included() {
    let server = TestServer::start(|index, request| match (index, request.offset()) {
        (0, _) => Reply::status(503, b"busy"),
        (_, Some(offset)) if offset < 6 => Reply::json(PAGE_1),
        _ => Reply::json(PAGE_2),
    });
    let min_interval = Duration::from_millis(150);
    let result = run(&FetchConfig {
        min_interval,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(1),
        ..config(&server)
    })
    .0
    .expect("fetch succeeds");
    assert_eq!(result.stats.pages, 3);
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    for pair in requests.windows(2) {
        let gap = pair[1].at - pair[0].at;
        // The server stamps arrival, a little after the client's start; allow for
        // differences in that delay between two requests on loopback.
        assert!(
            gap + Duration::from_millis(10) >= min_interval,
            "two requests only {gap:?} apart"
        );
    }
}

#[test]
fn a_timeout_is_retried() {
    let server = TestServer::start(|index, request| match index {
        0 => Reply::json(PAGE_1).delayed(Duration::from_millis(1500)),
        _ => paged(request),
    });
    let result = run(&FetchConfig {
        timeout: Duration::from_millis(300),
        ..config(&server)
    })
    .0
    .expect("fetch succeeds after the timeout");
    assert_eq!((result.stats.retries, result.stats.rows), (1, 4));
}

#[test]
fn a_refused_connection_is_retried_then_reported() {
    let address = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address")
    };
    let endpoint = format!("http://{address}/sparql");
    let (result, events) = run(&FetchConfig {
        endpoint: endpoint.clone(),
        page_size: PAGE_SIZE,
        max_retries: 1,
        min_interval: Duration::from_millis(1),
        initial_backoff: Duration::from_millis(1),
        timeout: Duration::from_secs(2),
        proxy_from_environment: false,
        ..FetchConfig::default()
    });
    let error = result.expect_err("nothing listens there");
    assert!(
        matches!(&error, FetchError::GaveUp { attempts: 2, .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains(&endpoint), "{message}");
    assert!(message.contains("connection error"), "{message}");
    assert_eq!(
        events
            .iter()
            .filter(|event| matches!(event, FetchProgress::Retrying { .. }))
            .count(),
        1
    );
}

#[test]
fn unusable_settings_are_refused_before_any_request() {
    let server = TestServer::start(|_, request| paged(request));
    let cases: Vec<(&str, FetchConfig)> = vec![
        (
            "country",
            FetchConfig {
                country: Some("CZ\" } UNION { ?s ?p ?o".into()),
                ..config(&server)
            },
        ),
        (
            "country",
            FetchConfig {
                country: Some("CZE".into()),
                ..config(&server)
            },
        ),
        (
            "endpoint",
            FetchConfig {
                endpoint: "ftp://127.0.0.1/sparql".into(),
                ..config(&server)
            },
        ),
        (
            "endpoint",
            FetchConfig {
                endpoint: "not a url".into(),
                ..config(&server)
            },
        ),
        (
            "page_size",
            FetchConfig {
                page_size: 0,
                ..config(&server)
            },
        ),
        (
            "max_pages",
            FetchConfig {
                max_pages: 0,
                ..config(&server)
            },
        ),
        (
            "label_languages",
            FetchConfig {
                label_languages: vec!["en\" . }".into()],
                ..config(&server)
            },
        ),
        (
            "user_agent",
            FetchConfig {
                user_agent: "polis\r\nX-Evil: 1".into(),
                ..config(&server)
            },
        ),
    ];
    for (field, settings) in cases {
        match run(&settings).0 {
            Err(FetchError::InvalidConfig { field: got, .. }) => assert_eq!(got, field),
            other => panic!("{field}: expected InvalidConfig, got {other:?}"),
        }
    }
    assert!(server.requests().is_empty());
}

#[test]
fn a_lower_case_country_restricts_origin_cities() {
    let server = TestServer::start(|_, request| paged(request));
    run(&FetchConfig {
        country: Some("cz".into()),
        ..config(&server)
    })
    .0
    .expect("fetch succeeds");
    let query = server.requests()[0]
        .param("query")
        .expect("query parameter")
        .to_owned();
    assert!(
        query.contains("?originCountry wdt:P297 \"CZ\" ."),
        "{query}"
    );
}

#[test]
fn the_query_selects_the_importers_variables_and_pages_stably() {
    let config = FetchConfig::default();
    let text = query_text(&config, 10_000);
    let select = &text[text.find("SELECT").expect("SELECT")..text.find("WHERE").expect("WHERE")];
    for variable in [
        "city",
        "cityLabel",
        "twin",
        "twinLabel",
        "cityCountry",
        "twinCountry",
        "cityCoord",
        "twinCoord",
        "cityPopulation",
        "twinPopulation",
        "start",
        "end",
        "startPrecision",
        "endPrecision",
    ] {
        assert!(
            select.contains(&format!("?{variable} "))
                || select.contains(&format!("?{variable})"))
                || select.contains(&format!("?{variable}\n")),
            "?{variable} is not selected:\n{select}"
        );
    }
    for part in [
        "?city p:P190 ?statement",
        "?statement ps:P190 ?twin",
        "pqv:P580",
        "pqv:P582",
        "wikibase:timePrecision ?startPrecision",
        "wikibase:timePrecision ?endPrecision",
        "wdt:P17/wdt:P297",
        "wdt:P625",
        "wdt:P1082",
        "SERVICE wikibase:label",
        "\"en,mul,fr,de,es,",
        "ORDER BY ?statement\n    LIMIT 5000 OFFSET 10000",
    ] {
        assert!(text.contains(part), "{part:?} missing from:\n{text}");
    }
    assert!(!text.contains("P297 \""), "no country filter by default");
}

#[test]
fn the_query_is_valid_sparql_and_fits_in_a_get_url() {
    for country in [None, Some("JP".to_owned())] {
        let config = FetchConfig {
            country,
            ..FetchConfig::default()
        };
        let text = query_text(&config, 5000);
        if let Err(error) = spargebra::SparqlParser::new().parse_query(&text) {
            panic!("not SPARQL 1.1: {error}\n{text}");
        }
        // Percent-encoding roughly doubles the text; Wikimedia's servers take URLs of
        // about 8 KB, so stay well below.
        let encoded_length: usize = text
            .bytes()
            .map(|byte| if byte.is_ascii_alphanumeric() { 1 } else { 3 })
            .sum();
        assert!(encoded_length < 7000, "query URL of {encoded_length} bytes");
    }
}

#[test]
fn the_merged_document_imports_as_wikidata_json_with_date_precision() {
    let server = TestServer::start(|_, request| paged(request));
    let result = run(&config(&server)).0.expect("fetch succeeds");
    let bytes = serde_json::to_vec(&result.document).expect("serialise");
    let parsed = polis_import::parse(&polis_import::Format::WikidataJson, "fetched.json", &bytes)
        .expect("imports as wikidata-json");
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    assert_eq!(parsed.n_rows, 4);
    let rows: Vec<String> = parsed
        .rows
        .iter()
        .map(|row| {
            let events: Vec<String> = row
                .events
                .iter()
                .map(|(kind, date)| format!("{kind} {date}"))
                .collect();
            format!(
                "{} {} ({}) - {} {} ({}): {}",
                row.a.wikidata.as_deref().unwrap_or("?"),
                row.a.name,
                row.a.country.as_deref().unwrap_or("?"),
                row.b.wikidata.as_deref().unwrap_or("?"),
                row.b.name,
                row.b.country.as_deref().unwrap_or("?"),
                events.join(", ")
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            "Q1085 Prague (CZ) - Q956 Beijing (CN): signed 2016, terminated 2019-10-09",
            "Q1085 Prague (CZ) - Q1867 Taipei (TW): signed 2020-01-13",
            "Q48320 Kobe (JP) - Q11736 天津市 (CN): signed 1973-06-24",
            "Q48320 神戸市 (JP) - Q5083 Seattle (US): signed 1957",
        ]
    );
    let tianjin = &parsed.rows[2].b;
    assert_eq!(tianjin.labels, [("zh".to_owned(), "天津市".to_owned())]);
    assert_eq!(tianjin.population, Some(13_866_009));
    assert_eq!(
        (tianjin.lat, tianjin.lon),
        (Some(39.133333333), Some(117.2))
    );
}
