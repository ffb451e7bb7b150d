//! The OpenAPI document lists every route the router serves, with every query parameter the
//! handlers accept, and its response schemas have the fields the real bodies have.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::Value;

use crate::Server;

/// The document's paths and their GET operations.
async fn document(server: &Server) -> Value {
    let answer = server.get("/api/v1/openapi.json").await;
    assert_eq!(answer.content_type(), "application/json");
    let document = answer.ok_json();
    assert!(
        document["openapi"].as_str().unwrap_or("").starts_with('3'),
        "an OpenAPI 3 document"
    );
    document
}

#[tokio::test]
async fn every_route_is_in_the_openapi_document_and_nothing_else() {
    let server = Server::start().await;
    let document = document(&server).await;
    let documented: BTreeSet<&str> = document["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .map(String::as_str)
        .collect();
    let routed: BTreeSet<&str> = polis_http::ROUTES.iter().map(|r| r.path).collect();
    let undocumented: Vec<&&str> = routed.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from the OpenAPI document: {undocumented:?}"
    );
    let unrouted: Vec<&&str> = documented.difference(&routed).collect();
    assert!(
        unrouted.is_empty(),
        "documented paths with no route: {unrouted:?}"
    );
    for path in &routed {
        let item = document["paths"][path].as_object().expect("a path item");
        let operations: Vec<&Value> = ["get", "post", "put", "delete"]
            .iter()
            .filter_map(|method| item.get(*method))
            .collect();
        assert!(!operations.is_empty(), "{path} has no documented operation");
        for operation in operations {
            let responses = &operation["responses"];
            assert!(
                ["200", "201", "202", "204"]
                    .iter()
                    .any(|status| responses[*status].is_object()),
                "{path} documents no successful answer"
            );
            // An operation that needs a token says so, with the one security scheme.
            if let Some(security) = operation["security"].as_array() {
                assert!(
                    security.iter().all(|s| s.get("bearer").is_some()),
                    "{path}: {security:?}"
                );
                assert!(responses["401"].is_object(), "{path} documents no 401");
            }
        }
    }
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"], "bearer",
        "the bearer scheme is documented"
    );
}

/// Every documented query parameter is accepted, and an undocumented one is refused: the
/// parameter lists in the document are the ones the handlers read.
#[tokio::test]
async fn the_documented_query_parameters_are_exactly_the_accepted_ones() {
    let server = Server::start().await;
    let document = document(&server).await;
    for route in polis_http::ROUTES {
        if document["paths"][route.path]["get"].is_null() {
            continue;
        }
        let parameters = document["paths"][route.path]["get"]["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let path = route.path.replace("{place}", "cz-prague");
        for parameter in &parameters {
            if parameter["in"] != "query" {
                continue;
            }
            let name = parameter["name"].as_str().expect("a name");
            // An empty value counts as absent, so this asks only whether the name is known.
            let answer = server.get(&format!("{path}?{name}=")).await;
            if answer.status == StatusCode::BAD_REQUEST {
                let message = answer.json()["error"]["message"].to_string();
                assert!(
                    message.contains("required"),
                    "{path}: documented parameter `{name}` refused: {message}"
                );
            }
        }
        let answer = server.get(&format!("{path}?undocumented=1")).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{path} accepts an undocumented parameter"
        );
    }
}

/// The property names of a component schema, and the required ones.
fn schema_fields(document: &Value, name: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let schema = &document["components"]["schemas"][name];
    let properties = schema["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("no schema {name}"))
        .keys()
        .cloned()
        .collect();
    let required = schema["required"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    (properties, required)
}

/// `value`'s keys are documented properties of `schema`, and it has every required one.
pub(crate) fn check_fields(document: &Value, schema: &str, value: &Value) {
    let (properties, required) = schema_fields(document, schema);
    let keys: BTreeSet<String> = value
        .as_object()
        .unwrap_or_else(|| panic!("{schema}: not an object: {value}"))
        .keys()
        .cloned()
        .collect();
    let undocumented: Vec<&String> = keys.difference(&properties).collect();
    assert!(
        undocumented.is_empty(),
        "{schema}: undocumented fields {undocumented:?} in {value}"
    );
    let missing: Vec<&String> = required.difference(&keys).collect();
    assert!(
        missing.is_empty(),
        "{schema}: required fields {missing:?} missing from {value}"
    );
}

#[tokio::test]
async fn response_bodies_have_the_documented_fields() {
    let server = Server::start().await;
    let document = document(&server).await;
    let place = server
        .get("/api/v1/places/cz-prague?as_of=2019-06-30")
        .await
        .ok_json();
    check_fields(&document, "PlaceView", &place);
    for tie in place["ties"].as_array().expect("ties") {
        check_fields(&document, "TieRow", tie);
        check_fields(&document, "StatusAsOf", &tie["status"]);
    }
    let page = server.get("/api/v1/ties?as_of=2019").await.ok_json();
    check_fields(&document, "TiesPage", &page);
    let dormant = server.get("/api/v1/dormant?years=1").await.ok_json();
    check_fields(&document, "DormantAnswer", &dormant);
    for tie in dormant["ties"].as_array().expect("ties") {
        check_fields(&document, "DormantTie", tie);
    }
    let path = server
        .get("/api/v1/path?from=prague-city-hall&to=cefc-china-energy&through=all")
        .await
        .ok_json();
    check_fields(&document, "PathAnswer", &path);
    for chain in path["chains"].as_array().expect("chains") {
        check_fields(&document, "Chain", chain);
        for node in chain["nodes"].as_array().expect("nodes") {
            check_fields(&document, "Node", node);
        }
        for link in chain["links"].as_array().expect("links") {
            check_fields(&document, "Link", link);
        }
    }
    for figure in server
        .get("/api/v1/figures")
        .await
        .ok_json()
        .as_array()
        .expect("figures")
    {
        check_fields(&document, "FigureComparison", figure);
    }
    for hit in server
        .get("/api/v1/search?q=praha")
        .await
        .ok_json()
        .as_array()
        .expect("hits")
    {
        check_fields(&document, "SearchHit", hit);
    }
    let admin = server.token_for("ada", polis_store::Role::Admin).await;
    for entry in server
        .get_as("/api/v1/audit", &admin)
        .await
        .ok_json()
        .as_array()
        .expect("entries")
    {
        check_fields(&document, "AuditView", entry);
    }
    check_fields(
        &document,
        "Health",
        &server.get("/api/v1/health").await.ok_json(),
    );
    let error = server.get("/api/v1/places/atlantis").await.json();
    check_fields(&document, "ErrorBody", &error);
    check_fields(&document, "ErrorDetail", &error["error"]);
}

#[tokio::test]
async fn analysis_bodies_have_the_documented_fields() {
    let server = Server::start().await;
    let document = document(&server).await;
    let recommendations = server
        .get("/api/v1/recommend/Amsterdam?theme=climate")
        .await
        .ok_json();
    check_fields(&document, "Recommendations", &recommendations);
    let candidates = recommendations["candidates"]
        .as_array()
        .expect("candidates");
    assert!(!candidates.is_empty());
    for candidate in candidates {
        check_fields(&document, "Recommendation", candidate);
    }
    let evaluation = server.get("/api/v1/recommend-evaluation").await.ok_json();
    check_fields(&document, "Evaluation", &evaluation);
    for method in evaluation["methods"].as_array().expect("methods") {
        check_fields(&document, "MethodEvaluation", method);
    }
    // Sampled, so that the optional standard errors are there too.
    let metrics = server
        .get("/api/v1/graph/metrics?as_of=2019&sampled=3&top=100")
        .await
        .ok_json();
    check_fields(&document, "GraphMetrics", &metrics);
    for community in metrics["communities"].as_array().expect("communities") {
        check_fields(&document, "CommunityMetrics", community);
    }
    for place in metrics["places"].as_array().expect("places") {
        check_fields(&document, "PlaceMetrics", place);
    }
    let totals = server.get("/api/v1/activities/totals").await.ok_json();
    let totals = totals.as_array().expect("totals");
    assert!(!totals.is_empty());
    for total in totals {
        check_fields(&document, "QuantityTotal", total);
    }
    let hits = server
        .get("/api/v1/clauses?tag=one_china_clause")
        .await
        .ok_json();
    for hit in hits.as_array().expect("hits") {
        check_fields(&document, "ClauseHit", hit);
        for tie in hit["ties"].as_array().expect("ties") {
            check_fields(&document, "ClauseTie", tie);
        }
    }
}

/// The values a query parameter's schema lists as its `enum`.
fn enum_of<'a>(document: &'a Value, path: &str, name: &str) -> Vec<&'a str> {
    document["paths"][path]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{path} has no parameter `{name}`"))["schema"]["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("{path} `{name}` has no enum"))
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

#[tokio::test]
async fn the_document_describes_the_closed_vocabularies() {
    let server = Server::start().await;
    let document = document(&server).await;
    let parameters = document["paths"]["/api/v1/ties"]["get"]["parameters"]
        .as_array()
        .expect("parameters");
    let status = parameters
        .iter()
        .find(|p| p["name"] == "status")
        .expect("a status parameter");
    let accepted: Vec<&str> = status["schema"]["enum"]
        .as_array()
        .expect("an enum")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let expected: Vec<&str> = polis_core::TieStatus::ALL
        .iter()
        .map(|s| s.as_str())
        .collect();
    assert_eq!(accepted, expected);
    let kind = parameters
        .iter()
        .find(|p| p["name"] == "kind")
        .expect("a kind parameter");
    let accepted: Vec<&str> = kind["schema"]["enum"]
        .as_array()
        .expect("an enum")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let expected: Vec<&str> = polis_core::TieKind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(accepted, expected);
    let required: Vec<&str> = document["paths"]["/api/v1/changes"]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .filter(|p| p["required"] == true)
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(required, ["from", "to"]);
    let kinds: Vec<&str> = polis_core::ActivityKind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        enum_of(&document, "/api/v1/activities/totals", "kind"),
        kinds
    );
    assert_eq!(
        enum_of(&document, "/api/v1/graph/metrics", "sort"),
        ["betweenness", "pagerank", "degree"]
    );
    for path in ["/api/v1/stats", "/api/v1/dashboard"] {
        assert_eq!(
            enum_of(&document, path, "country_basis"),
            polis_app::CountryBasis::NAMES,
            "{path}"
        );
    }
}

/// docs/api.md documents every endpoint and every setting.
#[test]
fn docs_api_md_documents_every_endpoint_and_setting() {
    let docs =
        std::fs::read_to_string(crate::repo_root().join("docs/api.md")).expect("docs/api.md reads");
    let document = polis_http::openapi();
    for route in polis_http::ROUTES {
        let item = document
            .paths
            .paths
            .get(route.path)
            .unwrap_or_else(|| panic!("{} is not in the OpenAPI document", route.path));
        for (method, operation) in [
            ("GET", item.get.is_some()),
            ("POST", item.post.is_some()),
            ("PUT", item.put.is_some()),
            ("DELETE", item.delete.is_some()),
        ] {
            assert!(
                !operation || docs.contains(&format!("{method} {}", route.path)),
                "docs/api.md has no section or row for `{method} {}`",
                route.path
            );
        }
    }
    let settings = serde_json::to_value(polis_http::HttpConfig::default()).expect("settings");
    for setting in settings.as_object().expect("an object").keys() {
        assert!(
            docs.contains(&format!("`{setting}`")),
            "docs/api.md does not document the setting `{setting}`"
        );
    }
}

/// Every JSON endpoint's real answer matches the schema the document gives for it, all the
/// way down (the schemas are derived from the types the answers are made of, so this fails
/// when a field, a type or a vocabulary drifts).
#[tokio::test]
async fn every_json_answer_matches_its_documented_schema_recursively() {
    let server = Server::start().await;
    // Public reads answer the same with a token; the audit log and users need an admin's.
    let admin = server.token_for("ada", polis_store::Role::Admin).await;
    // The document the server serves is this one (`every_route_is_in_the_openapi_document`).
    let openapi = polis_http::openapi();
    let components = openapi
        .components
        .as_ref()
        .map(|c| c.schemas.clone().into_iter().collect())
        .unwrap_or_default();
    let requests = [
        ("/api/v1/health", "/api/v1/health"),
        (
            "/api/v1/places/{place}",
            "/api/v1/places/Praha?as_of=2019-06-30",
        ),
        ("/api/v1/ties", "/api/v1/ties?as_of=2020"),
        ("/api/v1/ties/{tie}", "/api/v1/ties/cn-beijing--cz-prague"),
        ("/api/v1/map", "/api/v1/map"),
        (
            "/api/v1/places/{place}/dossier",
            "/api/v1/places/Praha/dossier",
        ),
        (
            "/api/v1/graph/neighbourhood",
            "/api/v1/graph/neighbourhood?of=cz-prague&depth=2",
        ),
        ("/api/v1/stats", "/api/v1/stats?country=CN&as_of=2019-12-31"),
        (
            "/api/v1/changes",
            "/api/v1/changes?from=2019-06-30&to=2020-06-30",
        ),
        ("/api/v1/quality", "/api/v1/quality"),
        ("/api/v1/dormant", "/api/v1/dormant?years=1"),
        (
            "/api/v1/path",
            "/api/v1/path?from=prague-city-hall&to=cefc-china-energy&through=all",
        ),
        (
            "/api/v1/graph/metrics",
            "/api/v1/graph/metrics?sampled=3&top=50",
        ),
        (
            "/api/v1/recommend/{place}",
            "/api/v1/recommend/Amsterdam?theme=climate",
        ),
        (
            "/api/v1/recommend-evaluation",
            "/api/v1/recommend-evaluation",
        ),
        ("/api/v1/figures", "/api/v1/figures"),
        ("/api/v1/activities/totals", "/api/v1/activities/totals"),
        ("/api/v1/clauses", "/api/v1/clauses?tag=one_china_clause"),
        ("/api/v1/search", "/api/v1/search?q=praha"),
        ("/api/v1/audit", "/api/v1/audit?limit=50"),
        ("/api/v1/audit/verify", "/api/v1/audit/verify"),
        ("/api/v1/users", "/api/v1/users"),
        ("/api/v1/proposals", "/api/v1/proposals"),
        (
            "/api/v1/resolve",
            "/api/v1/resolve?name=Praha&country=Czechia",
        ),
        (
            "/api/v1/resolve",
            "/api/v1/resolve?name=Simferopol&country=Russia",
        ),
        ("/api/v1/resolve", "/api/v1/resolve?name=Gorizia&country=SI"),
        ("/api/v1/unresolved", "/api/v1/unresolved"),
    ];
    for (path, request) in requests {
        let operation = openapi
            .paths
            .paths
            .get(path)
            .and_then(|item| item.get.as_ref())
            .unwrap_or_else(|| panic!("{path} is not documented"));
        let response = match operation.responses.responses.get("200") {
            Some(utoipa::openapi::RefOr::T(response)) => response,
            _ => panic!("{path}: no inline 200 response"),
        };
        let schema = response
            .content
            .get("application/json")
            .and_then(|content| match content {
                utoipa::openapi::RefOr::T(content) => content.schema.clone(),
                utoipa::openapi::RefOr::Ref(_) => None,
            })
            .unwrap_or_else(|| panic!("{path}: the 200 answer has no JSON schema"));
        let answer = server.get_as(request, &admin).await.ok_json();
        if let Err(mismatches) =
            polis_core::openapi::check_against_schema(&answer, &schema, &components)
        {
            panic!("{request}: {mismatches}");
        }
    }
}

/// The schema of the parameter `name` of `method` on `path`.
fn parameter_schema<'a>(document: &'a Value, path: &str, method: &str, name: &str) -> &'a Value {
    document["paths"][path][method]["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == name))
        .map(|p| &p["schema"])
        .unwrap_or_else(|| panic!("{method} {path} has no parameter {name}"))
}

/// Issue 11: every path parameter says what it accepts (a pattern, or a minimum for a
/// number), every stored key of the reference data matches the pattern of its URL, every
/// cursor a list gives matches the pattern of that list's `cursor`, and every optional query
/// parameter allows an empty value (which counts as absent).
#[tokio::test]
async fn path_parameters_and_cursors_have_patterns_that_the_stored_keys_match() {
    let server = Server::start().await;
    let document = document(&server).await;
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("an item") {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let schema = &parameter["schema"];
                match parameter["in"].as_str() {
                    Some("path") => assert!(
                        schema["pattern"].is_string() || schema["minimum"].is_number(),
                        "{method} {path}: path parameter {parameter} says nothing of what it accepts"
                    ),
                    Some("query") if parameter["required"] != true => assert_eq!(
                        parameter["allowEmptyValue"], true,
                        "{method} {path}: {parameter}"
                    ),
                    _ => {}
                }
            }
        }
    }
    for (list, item_path, parameter) in [
        ("/api/v1/places", "/api/v1/places/{place}", "place"),
        ("/api/v1/networks", "/api/v1/networks/{id}", "id"),
        ("/api/v1/memberships", "/api/v1/memberships/{id}", "id"),
        ("/api/v1/relations", "/api/v1/relations/{id}", "id"),
        ("/api/v1/activities", "/api/v1/activities/{id}", "id"),
        ("/api/v1/sources", "/api/v1/sources/{id}", "id"),
    ] {
        let key_pattern = parameter_schema(&document, item_path, "delete", parameter)["pattern"]
            .as_str()
            .expect("a pattern");
        let key_pattern = regex::Regex::new(key_pattern).expect("a regex");
        let cursor_pattern = parameter_schema(&document, list, "get", "cursor")["pattern"]
            .as_str()
            .expect("a cursor pattern");
        let cursor_pattern = regex::Regex::new(cursor_pattern).expect("a regex");
        let page = server.get(&format!("{list}?limit=3")).await.ok_json();
        let cursor = page["next_cursor"].as_str().expect("a next page");
        assert!(
            cursor_pattern.is_match(cursor),
            "{list}: {cursor} !~ {cursor_pattern}"
        );
        let items = server.get(&format!("{list}?limit=1000")).await.ok_json();
        for record in items["items"].as_array().expect("items") {
            let key = match list {
                "/api/v1/memberships" => [&record["network"], &record["member"]]
                    .iter()
                    .map(|v| v.as_str().expect("text").to_owned())
                    .chain(record["start"].as_str().map(str::to_owned))
                    .collect::<Vec<_>>()
                    .join("|"),
                "/api/v1/relations" => format!(
                    "{}|{}|{}|{}",
                    record["from"].as_str().expect("from"),
                    record["kind"].as_str().expect("kind"),
                    record["to"].as_str().expect("to"),
                    record["start"].as_str().unwrap_or("")
                ),
                _ => record["id"].as_str().expect("an id").to_owned(),
            };
            assert!(
                key_pattern.is_match(&key),
                "{list}: '{key}' !~ {key_pattern}"
            );
        }
        // A cursor of another list is outside this one's pattern, and refused.
        let foreign = server.get("/api/v1/ties?limit=1").await.ok_json()["next_cursor"]
            .as_str()
            .expect("a tie cursor")
            .to_owned();
        assert!(!cursor_pattern.is_match(&foreign), "{list}: {foreign}");
        assert_eq!(
            server.get(&format!("{list}?cursor={foreign}")).await.status,
            StatusCode::BAD_REQUEST
        );
    }
}

/// Issue 11 (schemathesis found `GET /stats?place=null` answering an undocumented 404):
/// every read, given odd values in each of its parameters one at a time (a record that does
/// not exist, a number out of range, text where a number goes), answers only statuses its
/// operation documents.
#[tokio::test]
async fn every_status_a_read_answers_to_odd_values_is_documented() {
    let server = Server::start_with(polis_http::HttpConfig {
        rate_per_second: 0,
        ..polis_http::HttpConfig::default()
    })
    .await;
    let admin = server.token_for("ada", polis_store::Role::Admin).await;
    let document = document(&server).await;
    const PROBES: [&str; 5] = ["null", "0", "-1", "x%20y", "no-such-record"];
    let mut undocumented = Vec::new();
    let mut n_requests = 0;
    for route in polis_http::ROUTES {
        let get = &document["paths"][route.path]["get"];
        if get.is_null() {
            continue;
        }
        let documented = |status: StatusCode| get["responses"][status.as_str()].is_object();
        let with_path = |value: &str| {
            route
                .path
                .replace("{place}", value)
                .replace("{tie}", value)
                .replace("{id}", value)
                .replace("{name}", value)
                .replace("{table}", value)
        };
        let real = with_path(match route.path {
            "/api/v1/ties/{tie}" => "cn-beijing--cz-prague",
            "/api/v1/export/dashboard/{table}" => "countries.csv",
            "/api/v1/proposals/{id}" => "1",
            "/api/v1/networks/{id}" => "c40",
            _ => "cz-prague",
        });
        let mut requests: Vec<String> = Vec::new();
        if route.path.contains('{') {
            requests.extend(PROBES.iter().map(|probe| with_path(probe)));
        }
        for parameter in get["parameters"].as_array().into_iter().flatten() {
            if parameter["in"] != "query" {
                continue;
            }
            let name = parameter["name"].as_str().expect("a name");
            requests.extend(PROBES.iter().map(|probe| format!("{real}?{name}={probe}")));
        }
        for request in requests {
            let answer = server.get_as(&request, &admin).await;
            n_requests += 1;
            if !documented(answer.status) {
                undocumented.push(format!("GET {request}: {} {}", answer.status, answer.body));
            }
        }
    }
    assert!(n_requests > 300, "{n_requests} requests");
    assert!(
        undocumented.is_empty(),
        "{} answers with an undocumented status:\n{}",
        undocumented.len(),
        undocumented.join("\n")
    );
}

/// Issue 11: the records in the bodies of writes (and in the answers) carry the id pattern
/// of the path parameters on their own id and on every field that names another record,
/// and the reference data's records match them (`every_json_answer_matches...` checks the
/// answers; this checks the fields are there).
#[test]
fn record_bodies_have_the_id_patterns_of_the_paths() {
    let document = serde_json::to_value(polis_http::openapi()).expect("serializes");
    let id_pattern = document["paths"]["/api/v1/networks/{id}"]["get"]["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "id"))
        .map(|p| p["schema"]["pattern"].clone())
        .expect("the path's id pattern");
    assert!(id_pattern.is_string());
    let schemas = &document["components"]["schemas"];
    // Each record, as answers show it and as a write's body holds it (an event's body
    // refers to `TieEvent`).
    let inline = |body: &str, property: &str| {
        let mut schema = schemas[body]["properties"][property].clone();
        assert!(
            schema["properties"].is_object(),
            "{body}.{property}: {schema}"
        );
        schema["title"] = Value::from(body);
        schema
    };
    let records = [
        ("Place", &["id", "parent", "seat", "sources[]"][..]),
        ("Name", &["sources[]"]),
        ("Coordinates", &["source"]),
        ("Population", &["source"]),
        (
            "Tie",
            &["id", "a", "b", "network", "documents[]", "sources[]"],
        ),
        ("TieEvent", &["side", "actor", "document", "sources[]"]),
        ("CounterClaim", &["sources[]"]),
        ("Evidence", &["source", "batch", "listed_by"]),
        ("Network", &["id", "sources[]"]),
        ("Membership", &["network", "member", "batch", "sources[]"]),
        ("Actor", &["id", "sources[]"]),
        ("Relation", &["from", "to", "sources[]"]),
        (
            "Activity",
            &[
                "id",
                "places[]",
                "actors[]",
                "ties[]",
                "networks[]",
                "sources[]",
            ],
        ),
        ("Document", &["id", "parties[]", "sources[]"]),
        ("Article", &["initiated_by"]),
        ("Source", &["id"]),
        ("ReportedFigure", &["id", "reporter", "sources[]"]),
    ];
    for (schema, fields) in records {
        let mut shapes = vec![schemas[schema].clone()];
        if schemas[format!("WriteBody_{schema}")].is_object() {
            shapes.push(inline(&format!("WriteBody_{schema}"), "record"));
        }
        for (shape, field) in shapes
            .iter()
            .flat_map(|shape| fields.iter().map(move |f| (shape, f)))
        {
            let property = &shape["properties"][field.trim_end_matches("[]")];
            let text = if field.ends_with("[]") {
                &property["items"]
            } else {
                property
            };
            assert_eq!(text["pattern"], id_pattern, "{schema}.{field}: {property}");
        }
    }
    for kind in [
        "Place",
        "Tie",
        "Network",
        "Membership",
        "Actor",
        "Relation",
        "Activity",
        "Document",
        "Source",
        "ReportedFigure",
    ] {
        assert!(
            schemas[format!("WriteBody_{kind}")]["properties"]["record"]["properties"].is_object(),
            "WriteBody_{kind} holds its record inline: {}",
            schemas[format!("WriteBody_{kind}")]
        );
    }
    // The write bodies are those schemas.
    assert_eq!(
        document["paths"]["/api/v1/places"]["post"]["requestBody"]["content"]["application/json"]["schema"]
            ["$ref"],
        "#/components/schemas/WriteBody_Place"
    );
}

/// Whether a parameter's schema refuses `value`: by its pattern, its vocabulary or its type
/// (text only fits a string); `None` when it says nothing that refuses it.
fn schema_refuses(document: &Value, schema: &Value, value: &str) -> bool {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or("");
        return schema_refuses(document, &document["components"]["schemas"][name], value);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema[key].as_array() {
            return options
                .iter()
                .all(|option| schema_refuses(document, option, value));
        }
    }
    if let Some(all) = schema["allOf"].as_array()
        && all.iter().any(|part| schema_refuses(document, part, value))
    {
        return true;
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() && !types.contains(&"string") {
        return true;
    }
    if let Some(values) = schema["enum"].as_array()
        && !values.iter().any(|v| v == value)
    {
        return true;
    }
    schema["pattern"].as_str().is_some_and(|pattern| {
        !regex::Regex::new(pattern)
            .expect("the pattern compiles")
            .is_match(value)
    })
}

/// Issue 11: only an empty query value (`?x=`) counts as absent. A blank one (whitespace
/// only) is 400 naming its parameter, on every operation whatever else its query holds, and
/// the document refuses it on every query parameter (by pattern, vocabulary or type).
#[tokio::test]
async fn a_blank_query_value_is_400_naming_its_parameter_as_the_document_says() {
    let server = Server::start_with(polis_http::HttpConfig {
        rate_per_second: 0,
        write_rate_per_minute: 0,
        ..polis_http::HttpConfig::default()
    })
    .await;
    let admin = server.token_for("ada", polis_store::Role::Admin).await;
    let document = document(&server).await;
    let mut n_checked = 0;
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in ["get", "delete"] {
            let operation = &item[method];
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                if parameter["in"] != "query" {
                    continue;
                }
                let name = parameter["name"].as_str().expect("a name");
                for blank in [" ", "\t", "  "] {
                    assert!(
                        schema_refuses(&document, &parameter["schema"], blank),
                        "{method} {path}: the document accepts {blank:?} as `{name}`"
                    );
                }
                let url = path
                    .replace("{place}", "cz-prague")
                    .replace("{tie}", "cn-beijing--cz-prague")
                    .replace("{id}", "c40")
                    .replace("{table}", "countries.csv");
                for query in [format!("{name}=%20"), format!("as_of=2020&{name}=%09+")] {
                    let request = server
                        .client
                        .request(
                            reqwest::Method::from_bytes(method.to_uppercase().as_bytes())
                                .expect("a method"),
                            format!("{}{url}?{query}", server.base),
                        )
                        .bearer_auth(&admin);
                    let answer = server.send(request).await;
                    let message =
                        crate::check_error(&answer, StatusCode::BAD_REQUEST, "bad_request");
                    assert!(
                        message.contains(&format!("`{name}` is blank")),
                        "{method} {url}?{query}: {message}"
                    );
                    n_checked += 1;
                }
            }
        }
    }
    assert!(n_checked > 150, "{n_checked} requests");
}

/// The rule of user names as the document gives it (`POST /users`'s `name` and the `{name}`
/// of `PUT /users/{name}/role`): a name the pattern accepts is added (201), and one it
/// refuses is 400, so the document and the server agree on every name tried.
#[tokio::test]
async fn the_user_name_pattern_is_the_rule_the_server_enforces() {
    let server = Server::start_with(polis_http::HttpConfig {
        rate_per_second: 0,
        write_rate_per_minute: 0,
        ..polis_http::HttpConfig::default()
    })
    .await;
    let admin = server.token_for("ada", polis_store::Role::Admin).await;
    let document = document(&server).await;
    let body_pattern =
        document["components"]["schemas"]["NewUserBody"]["properties"]["name"]["pattern"]
            .as_str()
            .expect("the name has a pattern");
    let path_pattern =
        parameter_schema(&document, "/api/v1/users/{name}/role", "put", "name")["pattern"]
            .as_str()
            .expect("the path's name has a pattern");
    assert_eq!(body_pattern, path_pattern);
    assert_eq!(body_pattern, polis_app::USER_NAME_PATTERN);
    let rule = regex::Regex::new(body_pattern).expect("compiles");
    let long = "n".repeat(64);
    let too_long = "n".repeat(65);
    let names = [
        "eddie",
        "Eddie.Smith_2",
        "ada@example.org",
        "x-y",
        "7",
        long.as_str(),
        too_long.as_str(),
        "",
        "a b",
        "Zoë",
        "布拉格",
        "a/b",
        "a\n",
        "<script>",
        "a'b",
    ];
    let mut n_accepted = 0;
    for name in names {
        let answer = server
            .send(
                server
                    .client
                    .post(format!("{}/api/v1/users", server.base))
                    .bearer_auth(&admin)
                    .json(&serde_json::json!({"name": name, "role": "viewer"})),
            )
            .await;
        if rule.is_match(name) {
            assert_eq!(
                answer.status,
                StatusCode::CREATED,
                "{name:?}: {}",
                answer.body
            );
            n_accepted += 1;
        } else {
            crate::check_error(&answer, StatusCode::BAD_REQUEST, "bad_request");
        }
    }
    assert_eq!(n_accepted, 6, "the pattern accepts the ASCII names only");
}

/// A password's `minLength` in the document is the server's minimum: one character fewer is
/// 400, and that many (counted as characters, not bytes) is accepted.
#[tokio::test]
async fn a_password_has_the_documented_minimum_length() {
    let server = Server::start_with(polis_http::HttpConfig {
        rate_per_second: 0,
        write_rate_per_minute: 0,
        ..polis_http::HttpConfig::default()
    })
    .await;
    let admin = server.token_for("ada", polis_store::Role::Admin).await;
    let document = document(&server).await;
    let min_length =
        document["components"]["schemas"]["NewUserBody"]["properties"]["password"]["minLength"]
            .as_u64()
            .expect("the password has a minLength");
    assert_eq!(min_length, polis_app::MIN_PASSWORD_CHARS as u64);
    let n = usize::try_from(min_length).expect("small");
    let add = |name: &str, password: String| {
        server.send(
            server
                .client
                .post(format!("{}/api/v1/users", server.base))
                .bearer_auth(&admin)
                .json(&serde_json::json!({"name": name, "role": "viewer", "password": password})),
        )
    };
    for (name, password) in [("short", "x".repeat(n - 1)), ("shorter", "é".repeat(n - 1))] {
        let answer = add(name, password).await;
        let message = crate::check_error(&answer, StatusCode::BAD_REQUEST, "bad_request");
        assert!(
            message.contains(&format!("at least {n} characters")),
            "{message}"
        );
    }
    for (name, password) in [("enough", "x".repeat(n)), ("accents", "é".repeat(n))] {
        let answer = add(name, password).await;
        assert_eq!(
            answer.status,
            StatusCode::CREATED,
            "{name}: {}",
            answer.body
        );
    }
}
