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
        "/api/v1/export/dashboard/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/api/v1/export/dashboard/..%2Fpolis.db",
        "/api/v1/export/dashboard/%2Fetc%2Fpasswd",
        "/api/v1/export/dashboard/countries.csv%00.db",
        "/api/v1/export/dashboard/..%5C..%5Cpolis.db",
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

/// Everything a refused write could have changed: the store's version (every record write
/// and every account change is audited), the proposals with their statuses, the users with
/// their roles, and the tokens with their revocations.
async fn everything(server: &Server) -> (i64, Vec<String>, Vec<String>, Vec<String>) {
    let store = server.state.app().store();
    let version = store.version().await.expect("a version");
    let proposals = store
        .proposals(None)
        .await
        .expect("proposals")
        .iter()
        .map(|p| format!("{} {:?}", p.id, p.status))
        .collect();
    let users = store
        .users()
        .await
        .expect("users")
        .iter()
        .map(|u| format!("{} {}", u.name, u.role))
        .collect();
    let tokens = store
        .tokens()
        .await
        .expect("tokens")
        .iter()
        .map(|t| format!("{} {} {:?}", t.id, t.user, t.revoked_at))
        .collect();
    (version, proposals, users, tokens)
}

/// A new record of the kind a collection holds, well-formed and valid.
fn new_record(collection: &str) -> Value {
    let first = |names: &[&str]| names[0].to_owned();
    match collection {
        "/api/v1/places" => {
            json!({"id": "cz-x", "level": "city", "name": "X", "country": "CZ", "sources": ["deck"]})
        }
        "/api/v1/ties" => {
            json!({"id": "cn-beijing--cz-brno-x", "a": "cn-beijing", "b": "cz-prague", "kind": "partnership", "sources": ["deck"]})
        }
        "/api/v1/networks" => json!({"id": "x-network", "name": "X", "sources": ["deck"]}),
        "/api/v1/memberships" => {
            json!({"network": "c40", "member": "cz-prague", "start": "1999", "sources": ["deck"]})
        }
        "/api/v1/actors" => {
            json!({"id": "x-actor", "kind": "person", "name": "X", "sources": ["deck"]})
        }
        "/api/v1/relations" => json!({
            "from": "prague-city-hall",
            "kind": first(&polis_core::RelationKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>()),
            "to": "cz-prague", "start": "1999", "sources": ["deck"],
        }),
        "/api/v1/activities" => json!({
            "id": "x-activity",
            "kind": first(&polis_core::ActivityKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>()),
            "title": "X", "sources": ["deck"],
        }),
        "/api/v1/documents" => json!({
            "id": "x-document",
            "kind": first(&polis_core::DocumentKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>()),
            "title": "X", "sources": ["deck"],
        }),
        "/api/v1/sources" => json!({"id": "x-source", "title": "X"}),
        "/api/v1/reported-figures" => {
            json!({"id": "x-figure", "metric": "m", "value": 1.0, "country": "CZ", "as_of": "2020", "sources": ["deck"]})
        }
        other => panic!("no new record for {other}"),
    }
}

/// The first stored record of a collection, its key (URL-encoded), and the key of the
/// second.
async fn stored_record(server: &Server, collection: &str) -> (Value, String, String) {
    let page = server.get(&format!("{collection}?limit=2")).await.ok_json();
    let second = page["items"][1]["id"].as_str().unwrap_or("").to_owned();
    let mut record = page["items"][0].clone();
    if collection == "/api/v1/ties" {
        // The list shows rows; the tie's URL shows the record among its view.
        let id = record["id"].as_str().expect("an id").to_owned();
        record = server.get(&format!("{collection}/{id}")).await.ok_json()["tie"].clone();
    }
    let text = |field: &str| record[field].as_str().unwrap_or("").to_owned();
    let key = match collection {
        "/api/v1/memberships" => {
            let mut parts = vec![text("network"), text("member")];
            if record["start"].is_string() {
                parts.push(text("start"));
            }
            parts.join("|")
        }
        "/api/v1/relations" => [text("from"), text("kind"), text("to"), text("start")].join("|"),
        _ => text("id"),
    };
    (record, url_encode(&key), second)
}

/// One request to every write the OpenAPI document lists, each with a body that an editor
/// could send: new records, stored records replaced, deleted, merged into the next one of
/// their kind and unmerged, an event, a proposal and its review (of `proposal`), a user, a
/// role, a token for the admin and the revocation of the admin's token (`admins_token`).
async fn every_write(
    team: &Team,
    proposal: i64,
    admins_token: &str,
) -> Vec<(reqwest::Method, String, Option<Value>, bool)> {
    let document = serde_json::to_value(polis_http::openapi()).expect("serializes");
    let mut writes = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in ["post", "put", "delete"] {
            if item[method].is_null() {
                continue;
            }
            let collection = path.split("/{").next().unwrap_or(path);
            let (url, body) = match (method, path.as_str()) {
                ("post", "/api/v1/proposals") => (path.clone(), Some(plzen("Plzeň"))),
                ("post", p) if p.starts_with("/api/v1/proposals/") => (
                    p.replace("{id}", &proposal.to_string()),
                    Some(json!({"comment": "fine"})),
                ),
                ("post", "/api/v1/users") => (
                    path.clone(),
                    Some(json!({"name": "mallory", "role": "admin"})),
                ),
                ("put", "/api/v1/users/{name}/role") => (
                    "/api/v1/users/vic/role".to_owned(),
                    Some(json!({"role": "admin"})),
                ),
                ("post", "/api/v1/tokens") => (path.clone(), Some(json!({"user": "ada"}))),
                ("post", "/api/v1/decisions") => (
                    path.clone(),
                    Some(
                        json!({"name": "Springfield", "country": "United States", "geonames": 4951788}),
                    ),
                ),
                ("delete", "/api/v1/tokens/{id}") => {
                    (format!("/api/v1/tokens/{admins_token}"), None)
                }
                ("post", p) if !p.contains('{') => (
                    path.clone(),
                    Some(json!({"comment": "x", "record": new_record(p)})),
                ),
                (_, p) => {
                    let (record, key, second) = stored_record(&team.server, collection).await;
                    let url = p
                        .replace("{place}", &key)
                        .replace("{tie}", &key)
                        .replace("{id}", &key);
                    match method {
                        "put" => (url, Some(json!({"comment": "x", "record": record}))),
                        "delete" => (format!("{url}?comment=x"), None),
                        _ if p.ends_with("/merge") => {
                            (url, Some(json!({"comment": "x", "into": second})))
                        }
                        _ if p.ends_with("/unmerge") => (url, Some(json!({"comment": "x"}))),
                        _ if p.ends_with("/events") => (
                            url,
                            Some(
                                json!({"comment": "x", "event": {"kind": "renewed", "date": "2020", "sources": ["deck"]}}),
                            ),
                        ),
                        _ => panic!("no request for {method} {p}: add one to this test"),
                    }
                }
            };
            // `If-Match: *` where the write requires one.
            let if_match = item[method]["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|p| p["name"] == "If-Match" && p["required"] == true);
            let method =
                reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("a method");
            writes.push((method, url, body, if_match));
        }
    }
    assert!(writes.len() >= 40, "{} writes", writes.len());
    writes
}

/// A team with an open proposal of the editor's, and the id of the admin's token.
async fn team_with_a_proposal() -> (Team, i64, String) {
    let team = Team::start_with(HttpConfig {
        rate_per_second: 0,
        write_rate_per_minute: 0,
        body_limit_bytes: 64 * 1024,
        ..HttpConfig::default()
    })
    .await;
    let admins_token = team
        .server
        .state
        .app()
        .tokens(&polis_app::Principal::local_admin("test"))
        .await
        .expect("tokens")
        .into_iter()
        .find(|t| t.user == "ada")
        .expect("ada's token")
        .id;
    let proposal = team.propose(&team.editor, &plzen("Plzeň")).await;
    (team, proposal, admins_token)
}

/// Issue 11, "a write with no token, a viewer's token, an expired token and a revoked
/// token", on every write the OpenAPI document lists (each with a body that an editor could
/// send, and `If-Match: *`): 401, 401, 401 and 403, and nothing changed: no record, proposal,
/// user, role or token.
#[tokio::test]
async fn every_write_refuses_no_token_a_viewer_and_expired_or_revoked_tokens_and_changes_nothing() {
    let (team, proposal, admins_token) = team_with_a_proposal().await;
    let app = team.server.state.app();
    let admin = polis_app::Principal::local_admin("test");
    let expired = expired_token(&team.server, "eddie").await;
    let revoked = app
        .create_token(&admin, "rita", None)
        .await
        .expect("creates");
    app.revoke_token(&admin, &revoked.id)
        .await
        .expect("revokes");
    let before = everything(&team.server).await;
    for (method, url, body, if_match) in every_write(&team, proposal, &admins_token).await {
        let tokens = [
            ("no token", None, StatusCode::UNAUTHORIZED),
            (
                "an expired token",
                Some(expired.as_str()),
                StatusCode::UNAUTHORIZED,
            ),
            (
                "a revoked token",
                Some(revoked.secret.as_str()),
                StatusCode::UNAUTHORIZED,
            ),
            (
                "a viewer's token",
                Some(team.viewer.as_str()),
                StatusCode::FORBIDDEN,
            ),
        ];
        for (what, token, status) in tokens {
            let mut request = team.server.client.request(method.clone(), team.url(&url));
            if if_match {
                request = request.header("If-Match", "*");
            }
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            if let Some(body) = &body {
                request = request.json(body);
            }
            let answer = team.server.send(request).await;
            assert_eq!(
                answer.status, status,
                "{method} {url} with {what}: {}",
                answer.body
            );
        }
    }
    assert_eq!(everything(&team.server).await, before, "nothing changed");
}

/// Issue 11, "an oversized body, malformed JSON, a wrong content type, unknown fields", on
/// every write the OpenAPI document lists that takes a body, with an editor's token (and an
/// admin's for the admins' writes): 413, 400, 415 and 422, and nothing changed.
#[tokio::test]
async fn every_write_refuses_bad_bodies_and_changes_nothing() {
    let (team, proposal, admins_token) = team_with_a_proposal().await;
    let before = everything(&team.server).await;
    for (method, url, body, if_match) in every_write(&team, proposal, &admins_token).await {
        let Some(body) = body else { continue };
        let token = if url.starts_with("/api/v1/users")
            || url.contains("/approve")
            || url.contains("/reject")
            || url == "/api/v1/decisions"
        {
            &team.admin
        } else {
            &team.editor
        };
        let send = |bytes: Vec<u8>, content_type: &'static str| {
            let mut request = team
                .server
                .client
                .request(method.clone(), team.url(&url))
                .bearer_auth(token)
                .header("Content-Type", content_type)
                .body(bytes);
            if if_match {
                request = request.header("If-Match", "*");
            }
            team.server.send(request)
        };
        let json = serde_json::to_vec(&body).expect("serializes");
        let mut oversized = body.clone();
        oversized["padding"] = json!("x".repeat(100 * 1024));
        let oversized = serde_json::to_vec(&oversized).expect("serializes");
        let mut unknown = body.clone();
        unknown["approved_by"] = json!("ada");
        let unknown = serde_json::to_vec(&unknown).expect("serializes");
        // Broken at its second character, before any field is read.
        let malformed = [b"{,".as_slice(), &json[1..]].concat();
        for (what, answer, status, code) in [
            (
                "an oversized body",
                send(oversized, "application/json").await,
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
            ),
            (
                "malformed JSON",
                send(malformed, "application/json").await,
                StatusCode::BAD_REQUEST,
                "bad_request",
            ),
            (
                "JSON sent as text/plain",
                send(json.clone(), "text/plain").await,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            ),
            (
                "a form",
                send(b"comment=x".to_vec(), "application/x-www-form-urlencoded").await,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            ),
            (
                "an unknown field",
                send(unknown, "application/json").await,
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
            ),
        ] {
            assert_eq!(
                answer.status, status,
                "{method} {url} with {what}: {}",
                answer.body
            );
            assert_eq!(
                answer.json()["error"]["code"],
                code,
                "{method} {url} with {what}: {}",
                answer.body
            );
        }
    }
    assert_eq!(everything(&team.server).await, before, "nothing changed");
}

/// Issue 11, "a huge or negative page size", on every operation whose page size the
/// document bounds (`limit`, `top`): below its minimum, above its maximum, negative, beyond
/// 64 bits and not a number are 400, and nothing changes.
#[tokio::test]
async fn huge_or_negative_page_sizes_are_refused_everywhere() {
    let (team, _, _) = team_with_a_proposal().await;
    let before = everything(&team.server).await;
    let document = serde_json::to_value(polis_http::openapi()).expect("serializes");
    let mut n_checked = 0;
    for (path, item) in document["paths"].as_object().expect("paths") {
        let parameters = item["get"]["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        // The required parameters, with values that work.
        let required: Vec<String> = parameters
            .iter()
            .filter(|p| p["in"] == "query" && p["required"] == true)
            .map(|p| {
                let name = p["name"].as_str().expect("a name");
                let value = match (path.as_str(), name) {
                    ("/api/v1/changes", "from") => "2019",
                    ("/api/v1/changes", "to") => "2020",
                    ("/api/v1/path", "from") => "cz-prague",
                    ("/api/v1/path", "to") => "cn-beijing",
                    (_, "of") => "cz-prague",
                    _ => "praha",
                };
                format!("{name}={value}")
            })
            .collect();
        let base = path
            .replace("{place}", "cz-prague")
            .replace("{table}", "countries.csv");
        for parameter in &parameters {
            let name = parameter["name"].as_str().unwrap_or("");
            if parameter["in"] != "query" || !["limit", "top"].contains(&name) {
                continue;
            }
            let schema = &parameter["schema"];
            let maximum = schema["maximum"]
                .as_u64()
                .unwrap_or_else(|| panic!("{path}: `{name}` has no maximum"));
            let minimum = schema["minimum"].as_u64().unwrap_or(0);
            let mut values = vec![
                "-1".to_owned(),
                "-99999999999999999999".to_owned(),
                "99999999999999999999999".to_owned(),
                "18446744073709551616".to_owned(),
                (maximum + 1).to_string(),
                "1e3".to_owned(),
                "ten".to_owned(),
            ];
            if minimum > 0 {
                values.push((minimum - 1).to_string());
            }
            for value in values {
                let query: Vec<String> = required
                    .iter()
                    .cloned()
                    .chain([format!("{name}={value}")])
                    .collect();
                let request = format!("{base}?{}", query.join("&"));
                let answer = team.server.get_as(&request, &team.admin).await;
                check_error(&answer, StatusCode::BAD_REQUEST, "bad_request");
                n_checked += 1;
            }
            // The maximum itself is accepted.
            let query: Vec<String> = required
                .iter()
                .cloned()
                .chain([format!("{name}={maximum}")])
                .collect();
            let request = format!("{base}?{}", query.join("&"));
            let answer = team.server.get_as(&request, &team.admin).await;
            assert!(
                answer.status.is_success(),
                "{request}: {} {}",
                answer.status,
                answer.body
            );
        }
    }
    assert!(n_checked >= 80, "{n_checked} page sizes checked");
    assert_eq!(everything(&team.server).await, before, "nothing changed");
}

/// The least role a write of the document needs, by its path: reviewers review and record
/// what names mean, admins manage users, anyone makes and revokes their own tokens, and
/// editors do everything else.
fn least_role_for(path: &str) -> Role {
    if path.ends_with("/approve") || path.ends_with("/reject") || path == "/api/v1/decisions" {
        Role::Reviewer
    } else if path.starts_with("/api/v1/users") {
        Role::Admin
    } else if path.starts_with("/api/v1/tokens") {
        Role::Viewer
    } else {
        Role::Editor
    }
}

/// Issue 11 (a viewer's schemathesis run saw 400, 422 and 428 where 403 was due): a write
/// by a caller whose role is too low is 403 before its path, `If-Match`, query or body are
/// read. On every write the document lists, with garbage in each of those (a segment that is
/// no key, a missing, empty, stale or weak `If-Match`, a blank query value, no body, broken
/// JSON, an array, an unknown field, the wrong content type), a viewer gets 403, as do an
/// editor on reviewers' and admins' writes and a reviewer on admins'; and nothing changed.
/// (Token writes are any user's own, so no role is too low for them.)
#[tokio::test]
async fn a_write_beyond_the_callers_role_is_403_whatever_its_path_if_match_and_body() {
    let (team, _, _) = team_with_a_proposal().await;
    let before = everything(&team.server).await;
    let document = serde_json::to_value(polis_http::openapi()).expect("serializes");
    let segments = [
        "%20",
        "Not%20An%20Id!",
        "-1",
        "99999999999999999999999",
        "a%7Cb%7Cc",
    ];
    let if_matches = [
        None,
        Some(""),
        Some("\"stale\""),
        Some("*"),
        Some("W/\"x\""),
    ];
    let bodies: [(Option<&str>, &str); 5] = [
        (None, ""),
        (Some("application/json"), "{"),
        (Some("application/json"), "[]"),
        (Some("application/json"), r#"{"unknown": 1}"#),
        (Some("text/plain"), "x"),
    ];
    let mut n_checked = 0;
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in ["post", "put", "delete"] {
            if item[method].is_null() {
                continue;
            }
            let least = least_role_for(path);
            let callers = [
                (Role::Viewer, &team.viewer),
                (Role::Editor, &team.editor),
                (Role::Reviewer, &team.reviewer),
            ];
            let method =
                reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("a method");
            for (role, token) in callers.into_iter().filter(|(role, _)| *role < least) {
                for (i, segment) in segments.iter().enumerate() {
                    let mut url = path
                        .replace("{place}", segment)
                        .replace("{tie}", segment)
                        .replace("{id}", segment)
                        .replace("{name}", segment);
                    if i % 2 == 1 {
                        url.push_str("?comment=%20&undocumented=1");
                    }
                    for (j, if_match) in if_matches.iter().enumerate() {
                        let (content_type, body) = bodies[(i + j) % bodies.len()];
                        let mut request = team
                            .server
                            .client
                            .request(method.clone(), team.url(&url))
                            .bearer_auth(token)
                            .body(body.to_owned());
                        if let Some(if_match) = if_match {
                            request = request.header("If-Match", *if_match);
                        }
                        if let Some(content_type) = content_type {
                            request = request.header("Content-Type", content_type);
                        }
                        let answer = team.server.send(request).await;
                        check_error(&answer, StatusCode::FORBIDDEN, "forbidden");
                        assert!(
                            answer.body.contains("needs the role"),
                            "{method} {url} as {role} with If-Match {if_match:?} and {body:?}: {}",
                            answer.body
                        );
                        n_checked += 1;
                    }
                }
            }
        }
    }
    assert!(n_checked > 1000, "{n_checked} requests");
    assert_eq!(everything(&team.server).await, before, "nothing changed");
}

/// Issue 11 (schemathesis: `POST /proposals/{id}/reject` with an empty `If-Match` answered
/// 200 where the document asked for a header that is not empty): an empty `If-Match` counts
/// as absent on every write, and the document says so. Where the header is optional, its
/// schema accepts the empty value and the write goes through as without the header; where it
/// is required, its schema asks for a value and an empty one is 428, as a missing one is. A
/// blank value is refused by both.
#[tokio::test]
async fn an_empty_if_match_counts_as_absent_on_every_write_and_the_document_says_so() {
    let (team, proposal, admins_token) = team_with_a_proposal().await;
    let document = serde_json::to_value(polis_http::openapi()).expect("serializes");
    let mut optional = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in ["post", "put", "delete"] {
            let Some(header) = item[method]["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|p| p["name"] == "If-Match")
            else {
                continue;
            };
            let pattern = header["schema"]["pattern"].as_str().unwrap_or_else(|| {
                panic!("{method} {path}: If-Match has no pattern");
            });
            let rule = regex::Regex::new(pattern).expect("the pattern compiles");
            let required = header["required"] == true;
            let what = format!("{method} {path}: If-Match pattern {pattern}");
            assert_eq!(rule.is_match(""), !required, "{what} and the empty value");
            for blank in [" ", "\t", "  \t "] {
                assert!(!rule.is_match(blank), "{what} accepts {blank:?}");
            }
            for version in ["*", "\"3f2a\"", "W/\"3f2a\"", "\"a\", \"b\""] {
                assert!(rule.is_match(version), "{what} refuses {version}");
            }
            if !required {
                optional.push(format!("{method} {path}"));
            }
        }
    }
    optional.sort();
    assert_eq!(
        optional,
        [
            "post /api/v1/proposals",
            "post /api/v1/proposals/{id}/approve",
            "post /api/v1/proposals/{id}/reject",
            "post /api/v1/ties/{tie}/events",
        ],
        "the writes whose If-Match is optional: add a new one to the checks below"
    );
    // Where the header is required, an empty one is its absence: 428.
    let mut n_required = 0;
    for (method, url, body, required) in every_write(&team, proposal, &admins_token).await {
        if !required {
            continue;
        }
        let mut request = team
            .server
            .client
            .request(method.clone(), team.url(&url))
            .bearer_auth(&team.editor)
            .header("If-Match", "");
        if let Some(body) = &body {
            request = request.json(body);
        }
        let answer = team.server.send(request).await;
        check_error(
            &answer,
            StatusCode::PRECONDITION_REQUIRED,
            "precondition_required",
        );
        n_required += 1;
    }
    assert!(n_required >= 20, "{n_required} writes require If-Match");
    // Where it is optional, an empty one is no header: the write goes through.
    let with_empty_if_match = |path: &str, token: &str, body: Value| {
        team.server.send(
            team.server
                .client
                .post(team.url(path))
                .bearer_auth(token)
                .header("If-Match", "")
                .json(&body),
        )
    };
    let answer = with_empty_if_match("/api/v1/proposals", &team.editor, plzen("Pilsen")).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let second = answer.json()["id"].as_i64().expect("an id");
    let active = team
        .server
        .get("/api/v1/ties?status=active&limit=1")
        .await
        .ok_json();
    let tie = active["items"][0]["id"].as_str().expect("an active tie");
    let event = json!({"comment": "renewed", "event": {"kind": "renewed", "date": "2026", "sources": ["deck"]}});
    let answer =
        with_empty_if_match(&format!("/api/v1/ties/{tie}/events"), &team.editor, event).await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.body);
    for (path, id) in [("approve", proposal), ("reject", second)] {
        let answer = with_empty_if_match(
            &format!("/api/v1/proposals/{id}/{path}"),
            &team.admin,
            json!({"comment": "checked"}),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
    }
}
