//! The team cycle from the command line: users and tokens, a proposal by an editor, its
//! review by someone else, the change applied and audited, and the audit chain verified.

use crate::{Polis, example_bundle};

const PLZEN: &str = r#"[[place]]
id = "cz-plzen"
level = "city"
name = "Plzeň"
country = "CZ"
sources = ["deck"]
"#;

fn team() -> Polis {
    let polis = Polis::new();
    polis.ok(&["init", "--empty"]);
    polis.ok(&["import", "bundle", &example_bundle()]);
    for (name, role) in [("ada", "admin"), ("eddie", "editor"), ("rita", "reviewer")] {
        let added = polis
            .ok(&["user", "add", name, "--role", role, "--json"])
            .json();
        assert_eq!(added["role"], role);
    }
    polis
}

#[test]
fn propose_review_approve_audit_verify() {
    let polis = team();
    let users = polis.ok(&["user", "list", "--json"]).json();
    assert_eq!(users.as_array().map(Vec::len), Some(3));

    let fragment = polis.path("plzen.toml");
    std::fs::write(&fragment, PLZEN).expect("writes");
    let fragment = fragment.display().to_string();
    let proposal = polis
        .ok(&[
            "propose",
            &fragment,
            "--comment",
            "Plzeň, for its ties",
            "--as",
            "eddie",
            "--json",
        ])
        .json();
    let id = proposal["id"].as_i64().expect("an id").to_string();
    assert_eq!(proposal["status"], "open");
    assert_eq!(proposal["author"], "eddie");
    assert_eq!(proposal["diff"][0]["key"], "cz-plzen");
    // Not applied before review.
    assert!(!polis.run(&["place", "show", "cz-plzen"]).ok);

    let open = polis
        .ok(&["review", "list", "--status", "open", "--json"])
        .json();
    assert_eq!(open[0]["id"].as_i64(), proposal["id"].as_i64());
    let shown = polis.ok(&["review", "show", &id]);
    assert!(
        shown.stdout.contains("create place cz-plzen"),
        "{}",
        shown.stdout
    );

    // The author cannot approve it, and an editor cannot approve at all.
    let own = polis.run(&["review", "approve", &id, "--as", "eddie"]);
    assert!(!own.ok);
    assert!(own.stderr.contains("reviewer"), "{}", own.stderr);
    assert!(!polis.run(&["place", "show", "cz-plzen"]).ok);

    let approved = polis
        .ok(&[
            "review",
            "approve",
            &id,
            "--comment",
            "checked",
            "--as",
            "rita",
            "--json",
        ])
        .json();
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["n_created"], 1);
    let place = polis.ok(&["place", "show", "cz-plzen", "--json"]).json();
    assert_eq!(place["place"]["name"], "Plzeň", "{place}");
    let again = polis.run(&["review", "approve", &id, "--as", "rita"]);
    assert!(
        !again.ok && again.stderr.contains("not open"),
        "{}",
        again.stderr
    );

    let audit = polis.ok(&["audit", "--limit", "20", "--json"]).json();
    let entry = audit
        .as_array()
        .expect("a list")
        .iter()
        .find(|e| e["record_id"] == "cz-plzen")
        .expect("the change is audited");
    assert_eq!(entry["who"], "rita");
    assert!(
        entry["context"]
            .as_str()
            .is_some_and(|c| c.contains(&format!("proposal {id} by eddie"))),
        "{entry}"
    );
    let verified = polis.ok(&["audit", "verify", "--json"]).json();
    assert_eq!(verified["intact"], true);
    let verified = polis.ok(&["audit", "verify"]);
    assert!(verified.stdout.contains("intact"), "{}", verified.stdout);
}

#[test]
fn rejection_delete_and_a_stale_approval() {
    let polis = team();
    let delete = polis
        .ok(&[
            "propose",
            "--delete",
            "place",
            "cz-prague",
            "--comment",
            "test",
            "--as",
            "eddie",
            "--json",
        ])
        .json();
    let id = delete["id"].as_i64().expect("an id").to_string();
    let missing_comment = polis.run(&["review", "reject", &id, "--as", "rita"]);
    assert!(!missing_comment.ok, "--comment is required");
    let rejected = polis
        .ok(&[
            "review",
            "reject",
            &id,
            "--comment",
            "Prague stays",
            "--as",
            "rita",
            "--json",
        ])
        .json();
    assert_eq!(rejected["status"], "rejected");
    polis.ok(&["place", "show", "cz-prague"]);

    // A proposal whose record is changed by someone else before approval is stale.
    let fragment = polis.path("plzen.toml");
    std::fs::write(&fragment, PLZEN).expect("writes");
    let proposal = polis
        .ok(&[
            "propose",
            &fragment.display().to_string(),
            "--comment",
            "add Plzeň",
            "--as",
            "eddie",
            "--json",
        ])
        .json();
    let id = proposal["id"].as_i64().expect("an id").to_string();
    let other = crate::write_bundle(&polis, "other.toml", &PLZEN.replace("Plzeň", "Pilsen"));
    polis.ok(&["import", "bundle", &other]);
    let stale = polis.run(&["review", "approve", &id, "--as", "rita"]);
    assert!(!stale.ok);
    assert!(stale.stderr.contains("changed since"), "{}", stale.stderr);
    assert!(stale.stdout.contains("Pilsen"), "{}", stale.stdout);
    let place = polis.ok(&["place", "show", "cz-plzen", "--json"]).json();
    assert_eq!(place["place"]["name"], "Pilsen", "nothing was written");
    let status = polis.ok(&["review", "show", &id, "--json"]).json();
    assert_eq!(status["status"], "open");
}

#[test]
fn tokens_roles_and_clear_errors() {
    let polis = team();
    let created = polis
        .ok(&[
            "token",
            "create",
            "eddie",
            "--expires",
            "2099-12-31",
            "--json",
        ])
        .json();
    assert!(
        created["secret"]
            .as_str()
            .is_some_and(|s| s.starts_with("polis_"))
    );
    let token_id = created["id"].as_str().expect("an id").to_owned();
    let listed = polis.ok(&["token", "list", "--json"]).json();
    assert_eq!(listed[0]["id"], token_id.as_str());
    assert!(
        !polis.ok(&["token", "list"]).stdout.contains("polis_"),
        "the secret is never listed"
    );
    polis.ok(&["token", "revoke", &token_id]);
    let twice = polis.run(&["token", "revoke", &token_id]);
    assert!(
        !twice.ok && twice.stderr.contains("revoked already"),
        "{}",
        twice.stderr
    );
    let past = polis.run(&["token", "create", "eddie", "--expires", "2001-01-01"]);
    assert!(
        !past.ok && past.stderr.contains("in the past"),
        "{}",
        past.stderr
    );

    // No one raises their own role; the last admin stays.
    let raise = polis.run(&["user", "set-role", "eddie", "admin", "--as", "eddie"]);
    assert!(!raise.ok);
    let last = polis.run(&["user", "set-role", "ada", "editor"]);
    assert!(
        !last.ok && last.stderr.contains("last admin"),
        "{}",
        last.stderr
    );
    let users = polis.ok(&["user", "list", "--json"]).json();
    assert_eq!(users[0]["name"], "ada");
    assert_eq!(users[0]["role"], "admin");
    polis.ok(&["user", "set-role", "eddie", "reviewer"]);

    let bad_role = polis.run(&["user", "add", "zed", "--role", "boss"]);
    assert!(
        !bad_role.ok && bad_role.stderr.contains("editor"),
        "{}",
        bad_role.stderr
    );
    let bad_kind = polis.run(&[
        "propose",
        "--delete",
        "planet",
        "x",
        "--comment",
        "c",
        "--as",
        "eddie",
    ]);
    assert!(
        !bad_kind.ok && bad_kind.stderr.contains("place"),
        "{}",
        bad_kind.stderr
    );
    let nobody = polis.run(&["review", "list", "--as", "nobody"]);
    assert!(
        !nobody.ok && nobody.stderr.contains("nobody"),
        "{}",
        nobody.stderr
    );
    let duplicate = polis.run(&["user", "add", "eddie", "--role", "viewer"]);
    assert!(
        !duplicate.ok && duplicate.stderr.contains("exists"),
        "{}",
        duplicate.stderr
    );
}

/// Sends one HTTP/1.1 request to the server on `port` and returns its status and body.
fn http(port: u16, method: &str, path: &str, token: &str, body: &str) -> Option<(u16, String)> {
    use std::io::{Read as _, Write as _};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .ok()?;
    let authorization = if token.is_empty() {
        String::new()
    } else {
        format!("Authorization: Bearer {token}\r\n")
    };
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{authorization}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    let status = answer.split(' ').nth(1)?.parse().ok()?;
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
    Some((status, body))
}

fn serve(polis: &Polis, port: u16) -> std::process::Child {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_polis"))
        .args([
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--rate-per-second",
            "0",
            "--write-rate-per-minute",
            "0",
        ])
        .env("POLIS_DB", polis.db())
        .env("POLIS_CONFIG", polis.path("polis.toml"))
        .env_remove("POLIS_LOG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the server starts");
    for _ in 0..200 {
        if http(port, "GET", "/api/v1/health", "", "").is_some_and(|(status, _)| status == 200) {
            return child;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not answer on port {port}");
}

/// Issue 11: kill -9 the server during a burst of acknowledged writes, restart it, and
/// find every acknowledged write, an intact audit chain and a sound database file.
#[test]
fn acknowledged_writes_survive_kill_9() {
    let polis = team();
    let token = polis
        .ok(&["token", "create", "eddie"])
        .stdout
        .trim()
        .to_owned();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let mut server = serve(&polis, port);
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::<i64>::new()));
    let writer = {
        let acknowledged = acknowledged.clone();
        let token = token.clone();
        std::thread::spawn(move || {
            for n in 0.. {
                let body = format!(
                    r#"{{"comment":"burst","change":{{"operation":"apply","records":{{"place":[{{"id":"xx-burst-{n}","level":"city","name":"Burst {n}","country":"CZ","sources":["deck"]}}]}}}}}}"#
                );
                match http(port, "POST", "/api/v1/proposals", &token, &body) {
                    Some((201, answer)) => {
                        let id = serde_json::from_str::<serde_json::Value>(&answer)
                            .ok()
                            .and_then(|v| v["id"].as_i64())
                            .expect("an acknowledged proposal has an id");
                        acknowledged.lock().expect("the list").push(id);
                    }
                    _ => break,
                }
            }
        })
    };
    while acknowledged.lock().expect("the list").len() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    server.kill().expect("kill -9");
    server.wait().expect("the server ends");
    writer.join().expect("the writer ends");
    let acknowledged = acknowledged.lock().expect("the list").clone();
    assert!(acknowledged.len() >= 30);

    // Restarted, the server answers, and every acknowledged write is there.
    let mut server = serve(&polis, port);
    server.kill().expect("stops");
    server.wait().expect("the server ends");
    let stored = polis.ok(&["review", "list", "--json"]).json();
    let stored: Vec<i64> = stored
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|p| p["id"].as_i64())
        .collect();
    let lost: Vec<&i64> = acknowledged
        .iter()
        .filter(|id| !stored.contains(id))
        .collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    let verified = polis.ok(&["audit", "verify", "--json"]).json();
    assert_eq!(verified["intact"], true, "{verified}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let integrity: String = runtime.block_on(async {
        use sqlx::Connection as _;
        let mut connection =
            sqlx::SqliteConnection::connect(&format!("sqlite://{}", polis.db().display()))
                .await
                .expect("connects");
        sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&mut connection)
            .await
            .expect("checks")
    });
    assert_eq!(integrity, "ok");
}
