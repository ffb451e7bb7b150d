//! The team server over HTTP: the attacks of issue 11's "Safe" list, each checking the
//! status AND that nothing changed (the store's version, the last audit sequence number,
//! moves with every write), and the propose -> approve -> audit -> verify cycle.

use polis_http::HttpConfig;
use polis_store::{ChangeContext, Role, Token};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{Answer, Server, check_error};

/// A new place, as JSON records.
fn plzen(name: &str) -> Value {
    json!({
        "comment": "Plzeň, from the council minutes",
        "change": {
            "operation": "apply",
            "records": {"place": [{
                "id": "cz-plzen", "level": "city", "name": name, "country": "CZ",
                "sources": ["deck"],
            }]},
        },
    })
}

struct Team {
    server: Server,
    admin: String,
    editor: String,
    reviewer: String,
    viewer: String,
}

impl Team {
    async fn start_with(config: HttpConfig) -> Team {
        let server = Server::start_with(config).await;
        let admin = server.token_for("ada", Role::Admin).await;
        let editor = server.token_for("eddie", Role::Editor).await;
        let reviewer = server.token_for("rita", Role::Reviewer).await;
        let viewer = server.token_for("vic", Role::Viewer).await;
        Team {
            server,
            admin,
            editor,
            reviewer,
            viewer,
        }
    }

    async fn start() -> Team {
        Self::start_with(HttpConfig {
            // The attacks send many requests from one address; the limits have their own
            // tests.
            rate_per_second: 0,
            write_rate_per_minute: 0,
            ..HttpConfig::default()
        })
        .await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base)
    }

    async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Answer {
        let mut request = self.server.client.post(self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.server.send(request).await
    }

    async fn put(&self, path: &str, token: &str, body: &Value) -> Answer {
        self.server
            .send(
                self.server
                    .client
                    .put(self.url(path))
                    .bearer_auth(token)
                    .json(body),
            )
            .await
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

    async fn propose(&self, token: &str, body: &Value) -> i64 {
        let answer = self.post("/api/v1/proposals", Some(token), body).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        answer.json()["id"].as_i64().expect("an id")
    }

    async fn role_of(&self, name: &str) -> String {
        let users = self
            .server
            .get_as("/api/v1/users", &self.admin)
            .await
            .ok_json();
        users
            .as_array()
            .expect("users")
            .iter()
            .find(|u| u["name"] == name)
            .map(|u| u["role"].as_str().unwrap_or("").to_owned())
            .expect("the user")
    }
}

/// Stores a token of `user` that expired in 2020, as an older polis could have; returns its
/// secret.
async fn expired_token(server: &Server, user: &str) -> String {
    let secret = format!("polis_{}", "ef".repeat(32));
    let sha256 = polis_store::chain::sha256_hex(secret.as_bytes());
    let token = Token {
        id: sha256[..16].to_owned(),
        user: user.to_owned(),
        sha256,
        created_at: "2019-01-01T00:00:00Z".into(),
        expires: Some("2020-01-01".into()),
        revoked_at: None,
    };
    server
        .state
        .app()
        .store()
        .add_token(
            &token,
            &ChangeContext {
                who: "test".into(),
                context: "an old token".into(),
            },
        )
        .await
        .expect("stores");
    secret
}

#[tokio::test]
async fn a_write_without_a_valid_token_of_the_right_role_changes_nothing() {
    let team = Team::start().await;
    let expired = expired_token(&team.server, "eddie").await;
    let admin = polis_app::Principal::local_admin("test");
    let revoked = team
        .server
        .state
        .app()
        .create_token(&admin, "eddie", None)
        .await
        .expect("creates");
    team.server
        .state
        .app()
        .revoke_token(&admin, &revoked.id)
        .await
        .expect("revokes");
    let version = team.version().await;

    let answer = team.post("/api/v1/proposals", None, &plzen("Plzeň")).await;
    check_error(&answer, StatusCode::UNAUTHORIZED, "unauthenticated");
    assert!(
        answer
            .headers
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("Bearer")),
        "401 names the scheme"
    );
    for (token, code, status) in [
        (team.viewer.as_str(), "forbidden", StatusCode::FORBIDDEN),
        (
            expired.as_str(),
            "unauthenticated",
            StatusCode::UNAUTHORIZED,
        ),
        (
            revoked.secret.as_str(),
            "unauthenticated",
            StatusCode::UNAUTHORIZED,
        ),
        ("polis_guessed", "unauthenticated", StatusCode::UNAUTHORIZED),
    ] {
        let answer = team
            .post("/api/v1/proposals", Some(token), &plzen("Plzeň"))
            .await;
        let message = check_error(&answer, status, code);
        assert!(!message.is_empty());
    }
    let basic = team
        .server
        .send(
            team.server
                .client
                .post(team.url("/api/v1/proposals"))
                .header("Authorization", "Basic ZWRkaWU6eA==")
                .json(&plzen("Plzeň")),
        )
        .await;
    check_error(&basic, StatusCode::UNAUTHORIZED, "unauthenticated");
    // Approving, rejecting and setting roles refuse the same way.
    for path in ["/api/v1/proposals/1/approve", "/api/v1/proposals/1/reject"] {
        check_error(
            &team.post(path, None, &json!({"comment": "x"})).await,
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        );
        check_error(
            &team
                .post(path, Some(&expired), &json!({"comment": "x"}))
                .await,
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        );
    }
    assert_eq!(team.version().await, version, "nothing was written");
    // The audit log, its check, users and proposals are not public.
    for path in [
        "/api/v1/audit",
        "/api/v1/audit/verify",
        "/api/v1/users",
        "/api/v1/proposals",
    ] {
        check_error(
            &team.server.get(path).await,
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        );
    }
    for path in ["/api/v1/audit", "/api/v1/audit/verify", "/api/v1/users"] {
        check_error(
            &team.server.get_as(path, &team.editor).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
    }
}

#[tokio::test]
async fn nobody_approves_their_own_proposal_or_raises_their_own_role_and_the_last_admin_stays() {
    let team = Team::start().await;
    let id = team.propose(&team.editor, &plzen("Plzeň")).await;
    let own = team.propose(&team.reviewer, &plzen("Pilsen")).await;
    let version = team.version().await;
    for (path, token) in [
        (format!("/api/v1/proposals/{id}/approve"), &team.editor),
        (format!("/api/v1/proposals/{own}/approve"), &team.reviewer),
        (format!("/api/v1/proposals/{id}/reject"), &team.editor),
    ] {
        let answer = team
            .post(&path, Some(token), &json!({"comment": "mine"}))
            .await;
        check_error(&answer, StatusCode::FORBIDDEN, "forbidden");
    }
    for (name, token) in [
        ("eddie", &team.editor),
        ("rita", &team.reviewer),
        ("vic", &team.viewer),
    ] {
        let answer = team
            .put(
                &format!("/api/v1/users/{name}/role"),
                token,
                &json!({"role": "admin"}),
            )
            .await;
        check_error(&answer, StatusCode::FORBIDDEN, "forbidden");
    }
    let answer = team
        .put(
            "/api/v1/users/ada/role",
            &team.admin,
            &json!({"role": "viewer"}),
        )
        .await;
    let message = check_error(&answer, StatusCode::CONFLICT, "conflict");
    assert!(message.contains("last admin"), "{message}");
    assert_eq!(team.version().await, version, "nothing was written");
    assert_eq!(team.role_of("ada").await, "admin");
    assert_eq!(team.role_of("eddie").await, "editor");
    let open = team
        .server
        .get_as("/api/v1/proposals?status=open", &team.viewer)
        .await
        .ok_json();
    assert_eq!(open.as_array().map(Vec::len), Some(2));
    // An admin may change someone else's role.
    let answer = team
        .put(
            "/api/v1/users/eddie/role",
            &team.admin,
            &json!({"role": "reviewer"}),
        )
        .await;
    assert_eq!(answer.ok_json()["role"], "reviewer");
}

#[tokio::test]
async fn propose_approve_audit_verify_over_http() {
    let team = Team::start().await;
    assert_eq!(
        team.server.get("/api/v1/places/cz-plzen").await.status,
        StatusCode::NOT_FOUND
    );
    let id = team.propose(&team.editor, &plzen("Plzeň")).await;
    let shown = team
        .server
        .get_as(&format!("/api/v1/proposals/{id}"), &team.viewer)
        .await
        .ok_json();
    assert_eq!(shown["status"], "open");
    assert_eq!(shown["author"], "eddie");
    assert_eq!(shown["diff"][0]["key"], "cz-plzen");
    assert!(shown["diff"][0]["before"].is_null());
    assert_eq!(
        team.server.get("/api/v1/places/cz-plzen").await.status,
        StatusCode::NOT_FOUND,
        "not applied before review"
    );
    let approved = team
        .post(
            &format!("/api/v1/proposals/{id}/approve"),
            Some(&team.reviewer),
            &json!({"comment": "checked"}),
        )
        .await
        .ok_json();
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["n_created"], 1);
    let place = team.server.get("/api/v1/places/cz-plzen").await.ok_json();
    assert_eq!(place["place"]["name"], "Plzeň");
    let again = team
        .post(
            &format!("/api/v1/proposals/{id}/approve"),
            Some(&team.reviewer),
            &json!({}),
        )
        .await;
    check_error(&again, StatusCode::CONFLICT, "conflict");

    let audit = team
        .server
        .get_as("/api/v1/audit?limit=10", &team.admin)
        .await
        .ok_json();
    let entry = audit
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["record_id"] == "cz-plzen")
        .expect("the change is audited");
    assert_eq!(entry["who"], "rita");
    assert!(
        entry["context"]
            .as_str()
            .is_some_and(|c| c.contains(&format!("proposal {id} by eddie, approved by rita"))),
        "{entry}"
    );
    let verified = team
        .server
        .get_as("/api/v1/audit/verify", &team.admin)
        .await
        .ok_json();
    assert_eq!(verified["intact"], true, "{verified}");

    // A rejection needs a comment, as TOML text this time, with an empty approve body.
    let toml = json!({
        "comment": "a rename",
        "change": {"operation": "apply", "bundle": "[[place]]\nid = \"cz-plzen\"\nlevel = \"city\"\nname = \"Pilsen\"\ncountry = \"CZ\"\nsources = [\"deck\"]\n"},
    });
    let second = team.propose(&team.editor, &toml).await;
    let path = format!("/api/v1/proposals/{second}/reject");
    check_error(
        &team.post(&path, Some(&team.reviewer), &json!({})).await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    let rejected = team
        .post(
            &path,
            Some(&team.reviewer),
            &json!({"comment": "keep Plzeň"}),
        )
        .await
        .ok_json();
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(
        team.server.get("/api/v1/places/cz-plzen").await.ok_json()["place"]["name"],
        "Plzeň"
    );
    // Delete and merge proposals, and their errors.
    let delete = json!({"comment": "gone", "change": {"operation": "delete", "kind": "place", "id": "cz-plzen"}});
    let delete = team.propose(&team.editor, &delete).await;
    let answer = team
        .server
        .send(
            team.server
                .client
                .post(team.url(&format!("/api/v1/proposals/{delete}/approve")))
                .bearer_auth(&team.reviewer),
        )
        .await;
    assert_eq!(
        answer.ok_json()["n_removed"],
        1,
        "an empty body is no comment"
    );
    let unknown =
        json!({"comment": "x", "change": {"operation": "delete", "kind": "planet", "id": "x"}});
    let answer = team
        .post("/api/v1/proposals", Some(&team.editor), &unknown)
        .await;
    let message = check_error_with_details(&answer, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert!(message.contains("place"), "{message}");
    let missing = json!({"comment": "x", "change": {"operation": "delete", "kind": "place", "id": "atlantis"}});
    check_error(
        &team
            .post("/api/v1/proposals", Some(&team.editor), &missing)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

/// As [`check_error`], for bodies that carry `details`.
fn check_error_with_details(answer: &Answer, status: StatusCode, code: &str) -> String {
    assert_eq!(answer.status, status, "body: {}", answer.body);
    let body = answer.json();
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(body["error"]["details"].is_object(), "{body}");
    body["error"]["message"]
        .as_str()
        .expect("a message")
        .to_owned()
}

#[tokio::test]
async fn a_stale_approval_is_409_with_both_diffs_and_writes_nothing() {
    let team = Team::start().await;
    let id = team.propose(&team.editor, &plzen("Plzeň")).await;
    let other = team.propose(&team.editor, &plzen("Pilsen")).await;
    team.post(
        &format!("/api/v1/proposals/{other}/approve"),
        Some(&team.reviewer),
        &json!({"comment": "first"}),
    )
    .await
    .ok_json();
    let version = team.version().await;
    let answer = team
        .post(
            &format!("/api/v1/proposals/{id}/approve"),
            Some(&team.reviewer),
            &json!({"comment": "second"}),
        )
        .await;
    check_error_with_details(&answer, StatusCode::CONFLICT, "stale");
    let details = &answer.json()["error"]["details"];
    assert!(details["proposed"][0]["before"].is_null(), "{details}");
    assert_eq!(
        details["current"][0]["before"]["name"], "Pilsen",
        "{details}"
    );
    assert_eq!(details["current"][0]["after"]["name"], "Plzeň", "{details}");
    assert_eq!(team.version().await, version, "nothing was written");
    assert_eq!(
        team.server.get("/api/v1/places/cz-plzen").await.ok_json()["place"]["name"],
        "Pilsen"
    );
}

#[tokio::test]
async fn bad_bodies_and_page_sizes_are_refused_and_change_nothing() {
    let team = Team::start_with(HttpConfig {
        write_rate_per_minute: 0,
        body_limit_bytes: 64 * 1024,
        ..HttpConfig::default()
    })
    .await;
    let version = team.version().await;
    let url = team.url("/api/v1/proposals");
    let raw = |body: Vec<u8>, content_type: &'static str| {
        team.server
            .client
            .post(url.clone())
            .bearer_auth(&team.editor)
            .header("Content-Type", content_type)
            .body(body)
    };
    // Oversized: over the body limit.
    let big = serde_json::to_vec(&plzen(&"x".repeat(100 * 1024))).expect("serializes");
    check_error(
        &team.server.send(raw(big, "application/json")).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    );
    check_error(
        &team
            .server
            .send(raw(
                b"{\"comment\": \"x\", \"change\": {".to_vec(),
                "application/json",
            ))
            .await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    let good = serde_json::to_vec(&plzen("Plzeň")).expect("serializes");
    check_error(
        &team.server.send(raw(good.clone(), "text/plain")).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    check_error(
        &team
            .server
            .send(raw(good, "application/x-www-form-urlencoded"))
            .await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    let mut unknown = plzen("Plzeň");
    unknown["admin"] = json!(true);
    let answer = team
        .post("/api/v1/proposals", Some(&team.editor), &unknown)
        .await;
    let message = check_error_with_details(&answer, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert!(message.contains("admin"), "{message}");
    let mut unknown = plzen("Plzeň");
    unknown["change"]["author"] = json!("ada");
    let answer = team
        .post("/api/v1/proposals", Some(&team.editor), &unknown)
        .await;
    check_error_with_details(&answer, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    // An unknown field inside a record is the bundle format's error, naming it.
    let mut unknown = plzen("Plzeň");
    unknown["change"]["records"]["place"][0]["mayor_of_the_month"] = json!("ann");
    let answer = team
        .post("/api/v1/proposals", Some(&team.editor), &unknown)
        .await;
    assert!(
        answer.status.is_client_error() && answer.body.contains("mayor_of_the_month"),
        "{}",
        answer.body
    );
    // A record that breaks a rule: every violation in the details.
    let invalid = json!({"comment": "x", "change": {"operation": "apply", "records": {"place": [
        {"id": "cz-a", "level": "city", "name": "A", "country": "CZ", "parent": "nowhere", "sources": ["deck"]},
        {"id": "cz-b", "level": "city", "name": "B", "country": "CZ", "parent": "nowhere-else", "sources": ["deck"]},
    ]}}});
    let answer = team
        .post("/api/v1/proposals", Some(&team.editor), &invalid)
        .await;
    check_error_with_details(&answer, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let violations = answer.json()["error"]["details"]["violations"].clone();
    assert!(
        violations.as_array().map(Vec::len) >= Some(2),
        "{violations}"
    );
    // Huge and negative page sizes.
    for path in [
        "/api/v1/ties?limit=99999999999999999999999",
        "/api/v1/ties?limit=-1",
        "/api/v1/search?q=praha&limit=-5",
        "/api/v1/search?q=praha&limit=1000000",
        "/api/v1/audit?limit=-1",
        "/api/v1/audit?limit=18446744073709551616",
        "/api/v1/unresolved?limit=-3",
    ] {
        check_error(
            &team.server.get_as(path, &team.admin).await,
            StatusCode::BAD_REQUEST,
            "bad_request",
        );
    }
    assert_eq!(team.version().await, version, "nothing was written");
}

const INJECTIONS: [&str; 5] = [
    "' OR '1'='1",
    "1; DROP TABLE places; --",
    "\" OR 1=1 --",
    "x') UNION SELECT sha256, user, id FROM tokens --",
    "%' AND 1=(SELECT count(*) FROM users) --",
];

#[tokio::test]
async fn sql_injection_in_every_query_parameter_changes_and_reveals_nothing() {
    let team = Team::start().await;
    let version = team.version().await;
    let n_places = team
        .server
        .state
        .app()
        .snapshot()
        .await
        .expect("a snapshot")
        .data()
        .places
        .len();
    let document = serde_json::to_value(polis_http::openapi()).expect("serializes");
    let mut n_requests = 0;
    for route in polis_http::ROUTES {
        let get = &document["paths"][route.path]["get"];
        if get.is_null() {
            continue;
        }
        let names: Vec<String> = get["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "query")
            .filter_map(|p| p["name"].as_str().map(str::to_owned))
            .collect();
        for injection in INJECTIONS {
            let encoded: String = url_encode(injection);
            let path = route
                .path
                .replace("{place}", &encoded)
                .replace("{tie}", &encoded)
                .replace("{id}", &encoded)
                .replace("{name}", &encoded);
            let mut paths = vec![path.clone()];
            paths.extend(names.iter().map(|name| format!("{path}?{name}={encoded}")));
            if route.path == "/api/v1/path" {
                paths.push(format!("{path}?from={encoded}&to=cz-prague"));
            }
            for request in paths {
                let answer = team.server.get_as(&request, &team.admin).await;
                n_requests += 1;
                assert!(
                    answer.status == StatusCode::OK
                        || answer.status == StatusCode::BAD_REQUEST
                        || answer.status == StatusCode::NOT_FOUND,
                    "{request}: {} {}",
                    answer.status,
                    answer.body
                );
                assert!(
                    !answer.body.contains(&team.admin[7..]),
                    "{request} leaks a token"
                );
            }
        }
    }
    assert!(n_requests > 100, "{n_requests} requests");
    assert_eq!(team.version().await, version, "nothing was written");
    team.server.state.app().reload().await.expect("reloads");
    let after = team
        .server
        .state
        .app()
        .snapshot()
        .await
        .expect("a snapshot")
        .data()
        .places
        .len();
    assert_eq!(after, n_places, "no place went missing");
    // Search treats the text as text.
    let hits = team
        .server
        .get(&format!("/api/v1/search?q={}", url_encode("' OR 1=1 --")))
        .await;
    assert_eq!(hits.status, StatusCode::OK, "{}", hits.body);
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn path_traversal_in_export_names_finds_nothing() {
    let team = Team::start().await;
    for path in [
        "/api/v1/export/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/api/v1/export/ties.csv%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/api/v1/export/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
        "/api/v1/export/..%5C..%5Cpolis.db",
        "/api/v1/export/polis.db",
        "/api/v1/export/ties.csv%00.gexf",
    ] {
        let answer = team.server.get_as(path, &team.admin).await;
        // The HTTP client resolves `%2E%2E` segments itself, so that request reaches
        // `/etc/passwd`, a page URL: the HTML 404. Every other one stays under /api/.
        if path.contains("%2E%2E") {
            assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        } else {
            check_error(&answer, StatusCode::NOT_FOUND, "not_found");
        }
        assert!(!answer.body.contains("root:"), "{path}");
    }
    let csv = team.server.get("/api/v1/export/ties.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
}

#[tokio::test]
async fn writes_have_their_own_stricter_rate_limit() {
    let team = Team::start_with(HttpConfig {
        write_rate_per_minute: 1,
        write_burst: 2,
        ..HttpConfig::default()
    })
    .await;
    team.propose(&team.editor, &plzen("Plzeň")).await;
    team.propose(&team.editor, &plzen("Pilsen")).await;
    let version = team.version().await;
    let answer = team
        .post("/api/v1/proposals", Some(&team.editor), &plzen("Plzen"))
        .await;
    check_error(&answer, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let wait: u64 = answer
        .headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(team.version().await, version, "nothing was written");
    // Reads are not counted against writes.
    team.server.get("/api/v1/stats").await.ok_json();
}

#[tokio::test]
async fn reading_can_require_a_token_and_reviewers_can_apply_directly() {
    let team = Team::start_with(HttpConfig {
        read_requires_token: true,
        direct_apply_for_reviewers: true,
        write_rate_per_minute: 0,
        ..HttpConfig::default()
    })
    .await;
    check_error(
        &team.server.get("/api/v1/places/cz-prague").await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
    team.server
        .get_as("/api/v1/places/cz-prague", &team.viewer)
        .await
        .ok_json();
    team.server.get("/api/v1/health").await.ok_json();
    team.server.get("/api/v1/openapi.json").await.ok_json();
    // An editor's proposal waits; a reviewer's applies at once.
    let answer = team
        .post("/api/v1/proposals", Some(&team.editor), &plzen("Plzeň"))
        .await;
    assert_eq!(answer.json()["status"], "open", "{}", answer.body);
    let answer = team
        .post("/api/v1/proposals", Some(&team.reviewer), &plzen("Pilsen"))
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    assert_eq!(answer.json()["status"], "approved", "{}", answer.body);
    let place = team
        .server
        .get_as("/api/v1/places/cz-plzen", &team.viewer)
        .await
        .ok_json();
    assert_eq!(place["place"]["name"], "Pilsen");
}

#[tokio::test]
async fn reading_is_public_by_default() {
    let server = Server::start().await;
    server.get("/api/v1/places/cz-prague").await.ok_json();
    // A bad token is refused even where none is needed, so a client never mistakes it for
    // access.
    check_error(
        &server
            .get_as("/api/v1/places/cz-prague", "polis_wrong")
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
}

#[tokio::test]
async fn when_reading_needs_a_token_the_pages_need_a_session_and_a_session_only_reads() {
    let team = Team::start_with(HttpConfig {
        read_requires_token: true,
        write_rate_per_minute: 0,
        ..HttpConfig::default()
    })
    .await;
    let server = &team.server;
    let page = |path: &str, session: Option<&str>| {
        let mut request = server.client.get(format!("{}{path}", server.base));
        if let Some(secret) = session {
            request = request.header(reqwest::header::COOKIE, format!("polis_session={secret}"));
        }
        server.send(request)
    };
    // Without a session every page is the sign-in form, which comes back to the page.
    for path in ["/", "/places/cz-prague", "/dashboard", "/search?q=praha"] {
        let answer = page(path, None).await;
        assert_eq!(
            answer.status,
            StatusCode::UNAUTHORIZED,
            "{path}: {}",
            answer.body
        );
        assert!(
            answer.body.contains("read_requires_token"),
            "{path}: {}",
            answer.body
        );
        assert!(
            !answer.body.contains("Prague"),
            "{path} leaks: {}",
            answer.body
        );
    }
    // The sign-in form and the assets stay open, or nobody could sign in.
    assert_eq!(page("/sign-in", None).await.status, StatusCode::OK);
    // A session (its secret is a token's) reads the pages and the JSON they link to.
    let answer = page("/places/cz-prague", Some(&team.viewer)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(answer.body.contains("Prague"));
    let answer = page("/api/v1/places/cz-prague", Some(&team.viewer)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    // An unknown session reads nothing.
    let answer = page("/api/v1/places/cz-prague", Some("polis_wrong")).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.body);
    // But a cookie never writes through the API: a browser sends it on its own.
    let version = team.version().await;
    let request = server
        .client
        .post(format!("{}/api/v1/proposals", server.base))
        .header(
            reqwest::header::COOKIE,
            format!("polis_session={}", team.editor),
        )
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(plzen("Plzeň").to_string());
    let answer = server.send(request).await;
    check_error(&answer, StatusCode::UNAUTHORIZED, "unauthenticated");
    assert_eq!(team.version().await, version, "nothing was written");
}
