//! Every record kind as a collection: lists with filters and cursors, one record by key,
//! ETags and conditional requests, writes that become proposals (with `If-Match`, and the
//! replayed-`If-Match` attack), users and tokens over HTTP, and the Swagger UI page.

use std::collections::BTreeSet;

use polis_http::HttpConfig;
use polis_store::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{Answer, Server, check_error};

/// Every list, with a filter that keeps some of the reference data, and a record of the
/// kind by key.
const LISTS: [(&str, &str, &str); 10] = [
    ("/api/v1/places", "country=CZ", "/api/v1/places/cz-prague"),
    (
        "/api/v1/ties",
        "country=CZ",
        "/api/v1/ties/cn-beijing--cz-prague",
    ),
    ("/api/v1/networks", "theme=climate", "/api/v1/networks/c40"),
    (
        "/api/v1/memberships",
        "network=c40",
        "/api/v1/memberships/c40%7Ccn-beijing",
    ),
    (
        "/api/v1/actors",
        "kind=person",
        "/api/v1/actors/peter-van-ham",
    ),
    (
        "/api/v1/relations",
        "from=xi-jinping",
        "/api/v1/relations/xi-jinping%7Cchairs%7Ccpc-foreign-affairs-commission%7C2018-03",
    ),
    (
        "/api/v1/activities",
        "kind=aid",
        "/api/v1/activities/covid-19-medical-supplies-2020",
    ),
    (
        "/api/v1/documents",
        "kind=report",
        "/api/v1/documents/clingendael-city-diplomacy-2007",
    ),
    ("/api/v1/sources", "", "/api/v1/sources/deck"),
    (
        "/api/v1/reported-figures",
        "metric=ties",
        "/api/v1/reported-figures/cpaffc-2019-ties",
    ),
];

fn key_of(item: &Value) -> String {
    match item["id"].as_str() {
        Some(id) => id.to_owned(),
        None => item.to_string(),
    }
}

#[tokio::test]
async fn every_kind_lists_page_by_page_with_cursors_and_answers_one_record() {
    let server = Server::start_with(HttpConfig {
        rate_per_second: 0,
        ..HttpConfig::default()
    })
    .await;
    for (path, filter, one) in LISTS {
        // Two records a page, all the way: every record once, in key order.
        let mut seen: Vec<String> = Vec::new();
        let mut next = format!("{path}?limit=2");
        let mut total = None;
        for _ in 0..500 {
            let page = server.get(&next).await.ok_json();
            total.get_or_insert(page["total"].as_u64().expect("a total"));
            let items = page["items"].as_array().expect("items");
            assert!(items.len() <= 2, "{path}: {page}");
            seen.extend(items.iter().map(key_of));
            match page["next_cursor"].as_str() {
                Some(cursor) => next = format!("{path}?limit=2&cursor={cursor}"),
                None => break,
            }
        }
        assert_eq!(Some(seen.len() as u64), total, "{path}: each record once");
        assert!(seen.len() >= 2, "{path}: {seen:?}");
        let unique: BTreeSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "{path}: no record twice");
        if path != "/api/v1/memberships" && path != "/api/v1/relations" {
            let mut sorted = seen.clone();
            sorted.sort();
            assert_eq!(seen, sorted, "{path}: in key order");
        }
        // The filter keeps some and not all.
        if !filter.is_empty() {
            let filtered = server
                .get(&format!("{path}?{filter}&limit=1000"))
                .await
                .ok_json();
            let n = filtered["total"].as_u64().expect("a total");
            assert!(
                n > 0 && Some(n) < total,
                "{path}?{filter}: {n} of {total:?}"
            );
        }
        // One record by its key.
        let record = server.get(one).await.ok_json();
        assert!(record.is_object(), "{one}");
        check_error(
            &server.get(&format!("{path}/no-such-record")).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
        // Page sizes and cursors that are not accepted, with what is.
        for bad in [
            "limit=-1",
            "limit=0",
            "limit=1001",
            "limit=99999999999999999999999",
            "limit=ten",
            "cursor=garbage",
            "cursor=c1zz",
            "cursor=%27%20OR%201%3D1%20--",
        ] {
            let message = check_error(
                &server.get(&format!("{path}?{bad}")).await,
                StatusCode::BAD_REQUEST,
                "bad_request",
            );
            assert!(
                message.contains("limit") || message.contains("cursor"),
                "{path}?{bad}: {message}"
            );
        }
    }
    // A cursor of another list is refused.
    let places = server.get("/api/v1/places?limit=1").await.ok_json();
    let cursor = places["next_cursor"].as_str().expect("a cursor");
    let message = check_error(
        &server.get(&format!("/api/v1/actors?cursor={cursor}")).await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert!(message.contains("places"), "{message}");
    // Filters: every place listed for CZ is Czech; a name in another script finds Prague.
    let czech = server
        .get("/api/v1/places?country=cz&limit=1000")
        .await
        .ok_json();
    for place in czech["items"].as_array().expect("items") {
        assert_eq!(place["country"], "CZ", "{place}");
    }
    let by_name = server
        .get("/api/v1/places?name=%E5%B8%83%E6%8B%89%E6%A0%BC")
        .await
        .ok_json();
    assert_eq!(by_name["items"][0]["id"], "cz-prague", "{by_name}");
    check_error(
        &server.get("/api/v1/places?level=planet").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
}

/// The ETag of `path`, read without a token.
async fn etag(server: &Server, path: &str) -> String {
    let answer = server.get(path).await;
    assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
    answer
        .headers
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("{path} has no ETag"))
        .to_owned()
}

#[tokio::test]
async fn every_read_has_an_etag_and_a_current_one_gets_304() {
    let server = Server::start().await;
    for path in [
        "/api/v1/places/cz-prague",
        "/api/v1/ties?country=CZ",
        "/api/v1/stats",
        "/api/v1/networks/c40",
        "/api/v1/export/ties.csv",
        "/api/v1/openapi.json",
    ] {
        let tag = etag(&server, path).await;
        assert!(tag.starts_with('"') && tag.len() == 34, "{path}: {tag}");
        assert_eq!(
            etag(&server, path).await,
            tag,
            "{path}: the same body, the same tag"
        );
        let answer = server
            .send(
                server
                    .client
                    .get(format!("{}{path}", server.base))
                    .header("If-None-Match", &tag),
            )
            .await;
        assert_eq!(answer.status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(answer.body.is_empty(), "{path}: a 304 has no body");
        let weak = format!("\"other\", W/{tag}");
        let answer = server
            .send(
                server
                    .client
                    .get(format!("{}{path}", server.base))
                    .header("If-None-Match", weak),
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::NOT_MODIFIED,
            "{path}: weak comparison"
        );
        let answer = server
            .send(
                server
                    .client
                    .get(format!("{}{path}", server.base))
                    .header("If-None-Match", "\"0123\""),
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "{path}: a stale tag gets the body"
        );
    }
    // A record's ETag is the hash of the record as stored: its version.
    let network = server.get("/api/v1/networks/c40").await;
    let stored = server
        .state
        .app()
        .snapshot()
        .await
        .expect("a snapshot")
        .record_json(polis_store::RecordKind::Network, "c40")
        .expect("stored");
    assert_eq!(network.body, stored);
}

struct Team {
    server: Server,
    editor: String,
    reviewer: String,
    admin: String,
    viewer: String,
}

impl Team {
    async fn start(direct: bool) -> Team {
        let server = Server::start_with(HttpConfig {
            rate_per_second: 0,
            write_rate_per_minute: 0,
            direct_apply_for_reviewers: direct,
            ..HttpConfig::default()
        })
        .await;
        Team {
            admin: server.token_for("ada", Role::Admin).await,
            editor: server.token_for("eddie", Role::Editor).await,
            reviewer: server.token_for("rita", Role::Reviewer).await,
            viewer: server.token_for("vic", Role::Viewer).await,
            server,
        }
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        if_match: Option<&str>,
        body: Option<&Value>,
    ) -> Answer {
        let mut request = self
            .server
            .client
            .request(method, format!("{}{path}", self.server.base))
            .bearer_auth(token);
        if let Some(tag) = if_match {
            request = request.header("If-Match", tag);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        self.server.send(request).await
    }

    async fn version(&self) -> i64 {
        self.server
            .state
            .app()
            .store()
            .version()
            .await
            .expect("a version")
    }

    async fn approve(&self, proposal: &Answer) -> Value {
        assert_eq!(proposal.status, StatusCode::ACCEPTED, "{}", proposal.body);
        let id = proposal.json()["id"].as_i64().expect("an id");
        let location = proposal
            .headers
            .get("location")
            .and_then(|v| v.to_str().ok());
        assert_eq!(location, Some(format!("/api/v1/proposals/{id}").as_str()));
        self.send(
            reqwest::Method::POST,
            &format!("/api/v1/proposals/{id}/approve"),
            &self.reviewer,
            None,
            Some(&json!({"comment": "checked"})),
        )
        .await
        .ok_json()
    }
}

fn network(name: &str) -> Value {
    json!({"id": "sister-cities-intl", "name": name, "themes": ["culture"], "sources": ["deck"]})
}

#[tokio::test]
async fn writes_of_a_record_are_proposals_and_a_replayed_if_match_changes_nothing() {
    let team = Team::start(false).await;
    let path = "/api/v1/networks/sister-cities-intl";
    // Create: a proposal, applied only on approval.
    let created = team
        .send(
            reqwest::Method::POST,
            "/api/v1/networks",
            &team.editor,
            None,
            Some(&json!({"comment": "a new network", "record": network("Sister Cities International")})),
        )
        .await;
    assert_eq!(created.json()["status"], "open");
    assert_eq!(team.server.get(path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(team.approve(&created).await["n_created"], 1);
    let first = etag(&team.server, path).await;
    // Creating it again is a conflict.
    let again = team
        .send(
            reqwest::Method::POST,
            "/api/v1/networks",
            &team.editor,
            None,
            Some(&json!({"comment": "again", "record": network("SCI")})),
        )
        .await;
    check_error(&again, StatusCode::CONFLICT, "conflict");
    // Replace: needs If-Match (428), takes the current one.
    let body = json!({"comment": "its short name", "record": network("SCI")});
    let version = team.version().await;
    check_error(
        &team
            .send(reqwest::Method::PUT, path, &team.editor, None, Some(&body))
            .await,
        StatusCode::PRECONDITION_REQUIRED,
        "precondition_required",
    );
    let renamed = team
        .send(
            reqwest::Method::PUT,
            path,
            &team.editor,
            Some(&first),
            Some(&body),
        )
        .await;
    team.approve(&renamed).await;
    assert_eq!(team.server.get(path).await.ok_json()["name"], "SCI");
    let second = etag(&team.server, path).await;
    assert_ne!(first, second, "the version moved with the record");
    // The attack: the first ETag replayed after the record changed. 409, nothing written,
    // no proposal made.
    let version_before = team.version().await;
    assert!(version_before > version);
    let n_proposals = team
        .server
        .state
        .app()
        .store()
        .proposals(None)
        .await
        .expect("proposals")
        .len();
    for (method, body) in [
        (
            reqwest::Method::PUT,
            Some(json!({"comment": "back", "record": network("Old name")})),
        ),
        (reqwest::Method::DELETE, None),
    ] {
        let url = if method == reqwest::Method::DELETE {
            format!("{path}?comment=gone")
        } else {
            path.to_owned()
        };
        let answer = team
            .send(method, &url, &team.editor, Some(&first), body.as_ref())
            .await;
        assert_eq!(answer.status, StatusCode::CONFLICT, "{}", answer.body);
        let error = answer.json();
        assert_eq!(error["error"]["code"], "precondition_failed", "{error}");
        assert_eq!(error["error"]["details"]["current_etag"], second.as_str());
    }
    let replayed = json!({"comment": "x", "change": {"operation": "delete", "kind": "network", "id": "sister-cities-intl"}});
    let answer = team
        .send(
            reqwest::Method::POST,
            "/api/v1/proposals",
            &team.editor,
            Some(&first),
            Some(&replayed),
        )
        .await;
    check_error_code(&answer, StatusCode::CONFLICT, "precondition_failed");
    assert_eq!(team.version().await, version_before, "nothing was written");
    assert_eq!(
        team.server
            .state
            .app()
            .store()
            .proposals(None)
            .await
            .expect("proposals")
            .len(),
        n_proposals,
        "no proposal was made"
    );
    assert_eq!(team.server.get(path).await.ok_json()["name"], "SCI");
    // A key that does not match the path is refused, naming the field and both values.
    let moved =
        json!({"comment": "x", "record": {"id": "elsewhere", "name": "X", "sources": ["deck"]}});
    let answer = team
        .send(
            reqwest::Method::PUT,
            path,
            &team.editor,
            Some("*"),
            Some(&moved),
        )
        .await;
    check_error_code(&answer, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert!(answer.body.contains("elsewhere"), "{}", answer.body);
    // Delete with the current version.
    let deleted = team
        .send(
            reqwest::Method::DELETE,
            &format!("{path}?comment=gone"),
            &team.editor,
            Some(&second),
            None,
        )
        .await;
    assert_eq!(team.approve(&deleted).await["n_removed"], 1);
    assert_eq!(team.server.get(path).await.status, StatusCode::NOT_FOUND);
}

fn check_error_code(answer: &Answer, status: StatusCode, code: &str) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(answer.json()["error"]["code"], code, "{}", answer.body);
}

#[tokio::test]
async fn a_write_that_breaks_rules_lists_every_violation_and_bad_bodies_are_refused() {
    let team = Team::start(false).await;
    let version = team.version().await;
    let broken = json!({"comment": "x", "record": {
        "id": "cz-nowhere", "level": "city", "name": "Nowhere", "country": "CZ",
        "parent": "no-such-parent", "sources": ["no-such-source"],
    }});
    let answer = team
        .send(
            reqwest::Method::POST,
            "/api/v1/places",
            &team.editor,
            None,
            Some(&broken),
        )
        .await;
    check_error_code(&answer, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let fields = answer.json()["error"]["details"]["fields"].clone();
    let named: BTreeSet<(String, String)> = fields
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap_or("").to_owned(),
                f["value"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert!(named.len() >= 2, "every violation: {fields}");
    assert!(
        named
            .iter()
            .any(|(_, value)| value.contains("no-such-parent")),
        "{fields}"
    );
    assert!(
        named
            .iter()
            .any(|(_, value)| value.contains("no-such-source")),
        "{fields}"
    );
    // Unknown fields, in the body or in the record.
    for body in [
        json!({"comment": "x", "record": {"id": "cz-x", "level": "city", "name": "X", "sources": ["deck"], "mayor": "ann"}}),
        json!({"comment": "x", "record": {"id": "cz-x", "level": "city", "name": "X", "sources": ["deck"]}, "approved": true}),
        json!({"record": {"id": "cz-x", "level": "city", "name": "X", "sources": ["deck"]}}),
    ] {
        let answer = team
            .send(
                reqwest::Method::POST,
                "/api/v1/places",
                &team.editor,
                None,
                Some(&body),
            )
            .await;
        check_error_code(&answer, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    }
    // A body that is not an object, though serde could read its fields from an array.
    for body in [json!([null, null]), json!("x"), json!(1)] {
        let answer = team
            .send(
                reqwest::Method::POST,
                "/api/v1/tokens",
                &team.editor,
                None,
                Some(&body),
            )
            .await;
        check_error_code(&answer, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    }
    // A viewer, no token.
    let good = json!({"comment": "x", "record": {"id": "cz-x", "level": "city", "name": "X", "country": "CZ", "sources": ["deck"]}});
    check_error(
        &team
            .send(
                reqwest::Method::POST,
                "/api/v1/places",
                &team.viewer,
                None,
                Some(&good),
            )
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let anonymous = team
        .server
        .send(
            team.server
                .client
                .post(format!("{}/api/v1/places", team.server.base))
                .json(&good),
        )
        .await;
    check_error(&anonymous, StatusCode::UNAUTHORIZED, "unauthenticated");
    assert_eq!(team.version().await, version, "nothing was written");
}

#[tokio::test]
async fn reviewers_may_apply_directly_and_places_merge_and_unmerge() {
    let team = Team::start(true).await;
    let place = |name: &str| json!({"comment": "a duplicate", "record": {"id": "cz-praha-2", "level": "city", "name": name, "country": "CZ", "sources": ["deck"]}});
    let created = team
        .send(
            reqwest::Method::POST,
            "/api/v1/places",
            &team.reviewer,
            None,
            Some(&place("Praha")),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.json()["status"], "approved");
    assert_eq!(
        created
            .headers
            .get("location")
            .and_then(|v| v.to_str().ok()),
        Some("/api/v1/places/cz-praha-2")
    );
    // An editor's write still waits.
    let tag = etag(&team.server, "/api/v1/places/cz-praha-2").await;
    let waiting = team
        .send(
            reqwest::Method::PUT,
            "/api/v1/places/cz-praha-2",
            &team.editor,
            Some(&tag),
            Some(&place("Praha II")),
        )
        .await;
    assert_eq!(waiting.status, StatusCode::ACCEPTED, "{}", waiting.body);
    // Merge needs the merged place's version.
    let merge = json!({"comment": "the same city", "into": "cz-prague"});
    check_error(
        &team
            .send(
                reqwest::Method::POST,
                "/api/v1/places/cz-praha-2/merge",
                &team.reviewer,
                None,
                Some(&merge),
            )
            .await,
        StatusCode::PRECONDITION_REQUIRED,
        "precondition_required",
    );
    let merged = team
        .send(
            reqwest::Method::POST,
            "/api/v1/places/cz-praha-2/merge",
            &team.reviewer,
            Some(&tag),
            Some(&merge),
        )
        .await;
    assert_eq!(merged.status, StatusCode::OK, "{}", merged.body);
    let prague = team.server.get("/api/v1/places/cz-praha-2").await.ok_json();
    assert_eq!(prague["place"]["id"], "cz-prague", "a redirect now");
    let unmerged = team
        .send(
            reqwest::Method::POST,
            "/api/v1/places/cz-praha-2/unmerge",
            &team.reviewer,
            None,
            Some(&json!({"comment": "not the same"})),
        )
        .await;
    assert_eq!(unmerged.status, StatusCode::OK, "{}", unmerged.body);
    assert_eq!(
        team.server.get("/api/v1/places/cz-praha-2").await.ok_json()["place"]["id"],
        "cz-praha-2"
    );
    // The editor's proposal was made before the merge; the unmerge restored exactly the
    // records it read, so it still applies.
    let id = waiting.json()["id"].as_i64().expect("an id");
    let applied = team
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/proposals/{id}/approve"),
            &team.admin,
            None,
            Some(&json!({})),
        )
        .await
        .ok_json();
    assert_eq!(applied["n_updated"], 1, "{applied}");
    // Reviewing with the proposal's ETag: a replayed one is refused.
    let tag = etag(&team.server, "/api/v1/places/cz-praha-2").await;
    let waiting = team
        .send(
            reqwest::Method::PUT,
            "/api/v1/places/cz-praha-2",
            &team.editor,
            Some(&tag),
            Some(&place("Praha III")),
        )
        .await;
    assert_eq!(waiting.status, StatusCode::ACCEPTED, "{}", waiting.body);
    let id = waiting.json()["id"].as_i64().expect("an id");
    let proposal_tag = {
        let answer = team
            .send(
                reqwest::Method::GET,
                &format!("/api/v1/proposals/{id}"),
                &team.admin,
                None,
                None,
            )
            .await;
        answer
            .headers
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .expect("an ETag")
            .to_owned()
    };
    let answer = team
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/proposals/{id}/reject"),
            &team.admin,
            Some("\"0000\""),
            Some(&json!({"comment": "stale"})),
        )
        .await;
    check_error_code(&answer, StatusCode::CONFLICT, "precondition_failed");
    let rejected = team
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/proposals/{id}/reject"),
            &team.admin,
            Some(&proposal_tag),
            Some(&json!({"comment": "stale"})),
        )
        .await
        .ok_json();
    assert_eq!(rejected["status"], "rejected");
}

#[tokio::test]
async fn users_and_tokens_over_http_keep_every_rule() {
    let team = Team::start(false).await;
    let post = |path: &'static str, token: String, body: Value| {
        let team = &team;
        async move {
            team.send(reqwest::Method::POST, path, &token, None, Some(&body))
                .await
        }
    };
    // Only an admin adds users.
    let answer = post(
        "/api/v1/users",
        team.editor.clone(),
        json!({"name": "mallory", "role": "admin"}),
    )
    .await;
    check_error(&answer, StatusCode::FORBIDDEN, "forbidden");
    let answer = post(
        "/api/v1/users",
        team.admin.clone(),
        json!({"name": "nina", "role": "editor"}),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    assert_eq!(answer.json()["role"], "editor");
    check_error(
        &post(
            "/api/v1/users",
            team.admin.clone(),
            json!({"name": "nina", "role": "viewer"}),
        )
        .await,
        StatusCode::CONFLICT,
        "conflict",
    );
    check_error_code(
        &post(
            "/api/v1/users",
            team.admin.clone(),
            json!({"name": "x", "role": "emperor"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    );
    // A viewer makes a token of their own, which works; not one for someone else.
    let answer = post("/api/v1/tokens", team.viewer.clone(), json!({})).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let created = answer.json();
    let secret = created["secret"].as_str().expect("the secret").to_owned();
    assert_eq!(created["user"], "vic");
    team.server
        .get_as("/api/v1/proposals", &secret)
        .await
        .ok_json();
    let answer = post(
        "/api/v1/tokens",
        team.viewer.clone(),
        json!({"user": "ada"}),
    )
    .await;
    check_error(&answer, StatusCode::FORBIDDEN, "forbidden");
    check_error(
        &post(
            "/api/v1/tokens",
            team.viewer.clone(),
            json!({"expires": "2001-01-01"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    // Listing shows one's own tokens, never a secret or hash.
    let listed = team.server.get_as("/api/v1/tokens", &team.viewer).await;
    let tokens = listed.ok_json();
    assert!(
        tokens
            .as_array()
            .expect("tokens")
            .iter()
            .all(|t| t["user"] == "vic"),
        "{tokens}"
    );
    assert!(!listed.body.contains(&secret[6..]), "no secret");
    assert!(!listed.body.contains("sha256"), "no hash");
    // Nobody revokes another's token but an admin; one's own, yes.
    let editors = team
        .server
        .get_as("/api/v1/tokens", &team.admin)
        .await
        .ok_json();
    let editor_token = editors
        .as_array()
        .expect("tokens")
        .iter()
        .find(|t| t["user"] == "eddie")
        .and_then(|t| t["id"].as_str())
        .expect("eddie's token")
        .to_owned();
    let version = team.version().await;
    let answer = team
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/tokens/{editor_token}"),
            &team.viewer,
            None,
            None,
        )
        .await;
    check_error(&answer, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(team.version().await, version, "nothing was written");
    team.server
        .get_as("/api/v1/proposals", &team.editor)
        .await
        .ok_json();
    let id = created["id"].as_str().expect("an id");
    let answer = team
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/tokens/{id}"),
            &team.viewer,
            None,
            None,
        )
        .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{}", answer.body);
    check_error(
        &team.server.get_as("/api/v1/proposals", &secret).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
    // Raising one's own role and demoting the last admin stay refused over HTTP.
    let answer = team
        .send(
            reqwest::Method::PUT,
            "/api/v1/users/ada/role",
            &team.admin,
            None,
            Some(&json!({"role": "viewer"})),
        )
        .await;
    check_error(&answer, StatusCode::CONFLICT, "conflict");
}

#[tokio::test]
async fn api_docs_is_swagger_ui_from_the_embedded_assets() {
    let server = Server::start().await;
    let page = server.get("/api/docs").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.content_type().starts_with("text/html"),
        "{}",
        page.content_type()
    );
    assert!(page.body.contains("/api/v1/openapi.json"), "{}", page.body);
    let assets: Vec<&str> = page
        .body
        .split('"')
        .filter(|part| part.starts_with("/assets/"))
        .collect();
    assert_eq!(assets.len(), 3, "{}", page.body);
    assert!(
        !page.body.contains("http://") && !page.body.contains("https://"),
        "no other host"
    );
    for asset in assets {
        let answer = server.get(asset).await;
        assert_eq!(answer.status, StatusCode::OK, "{asset}");
        assert!(answer.body.len() > 200, "{asset}");
    }
    let bundle = page
        .body
        .split('"')
        .find(|p| p.contains("swagger-ui-bundle"))
        .expect("the bundle");
    assert!(server.get(bundle).await.body.contains("SwaggerUIBundle"));
    let csp = page
        .headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .expect("a CSP");
    assert!(csp.contains("script-src 'self'"), "{csp}");
}

/// Issue 11: one lifecycle event added to a tie, as a proposal, instead of a PUT of the
/// whole tie: reviewed, applied in date order, refused when it is there already, for a
/// tie that does not exist, and when it breaks the data's rules.
#[tokio::test]
async fn one_lifecycle_event_is_added_to_a_tie_as_a_proposal() {
    let team = Team::start(false).await;
    let tie = "/api/v1/ties/cn-beijing--cz-prague";
    let events = format!("{tie}/events");
    let before = team.server.get(tie).await.ok_json();
    let n_events = before["tie"]["events"].as_array().expect("events").len();
    let renewed =
        json!({"kind": "renewed", "date": "2018-05", "side": "cz-prague", "sources": ["deck"]});
    let body = json!({"comment": "renewed in 2018, see the minutes", "event": renewed});
    // A viewer may not; an editor proposes, nothing changes until a reviewer approves.
    let refused = team
        .send(
            reqwest::Method::POST,
            &events,
            &team.viewer,
            None,
            Some(&body),
        )
        .await;
    check_error(&refused, StatusCode::FORBIDDEN, "forbidden");
    let proposed = team
        .send(
            reqwest::Method::POST,
            &events,
            &team.editor,
            None,
            Some(&body),
        )
        .await;
    let proposal = proposed.json();
    assert_eq!(proposal["status"], "open", "{proposal}");
    assert_eq!(proposal["diff"][0]["kind"], "tie", "{proposal}");
    assert_eq!(
        team.server.get(tie).await.ok_json()["tie"]["events"]
            .as_array()
            .expect("events")
            .len(),
        n_events
    );
    assert_eq!(team.approve(&proposed).await["n_updated"], 1);
    let after = team.server.get(tie).await.ok_json();
    let kinds: Vec<&str> = after["tie"]["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["kind"].as_str().expect("a kind"))
        .collect();
    // Between the signature (2016) and the termination (2019-10): date order.
    assert_eq!(kinds, ["signed", "renewed", "terminated"], "{after}");
    // The same event again is a conflict; a tie that does not exist is 404; an event that
    // names an unknown source is 422, naming the field.
    let again = team
        .send(
            reqwest::Method::POST,
            &events,
            &team.editor,
            None,
            Some(&body),
        )
        .await;
    check_error(&again, StatusCode::CONFLICT, "conflict");
    let nowhere = team
        .send(
            reqwest::Method::POST,
            "/api/v1/ties/xx-a--xx-b/events",
            &team.editor,
            None,
            Some(&body),
        )
        .await;
    check_error(&nowhere, StatusCode::NOT_FOUND, "not_found");
    let unsourced = json!({"comment": "x", "event": {"kind": "suspended", "date": "2020", "sources": ["no-such-source"]}});
    let invalid = team
        .send(
            reqwest::Method::POST,
            &events,
            &team.editor,
            None,
            Some(&unsourced),
        )
        .await;
    check_error_code(&invalid, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert!(invalid.body.contains("no-such-source"), "{}", invalid.body);
    // A stale If-Match is refused before anything is proposed.
    let stale = team
        .send(
            reqwest::Method::POST,
            &events,
            &team.editor,
            Some("\"0000\""),
            Some(&json!({"comment": "x", "event": {"kind": "suspended", "date": "2020", "sources": ["deck"]}})),
        )
        .await;
    check_error_code(&stale, StatusCode::CONFLICT, "precondition_failed");
}
