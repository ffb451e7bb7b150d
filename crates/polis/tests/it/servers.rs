//! Real `polis serve` processes: two of them on one PostgreSQL schema (a change approved
//! through one is served by the other within a second; two reviewers approving conflicting
//! proposals at the same moment, one through each, get one 200 and one 409, and nothing is
//! half-applied), the health endpoint when the database stops answering, and a request in
//! flight when SIGTERM arrives, which completes. The PostgreSQL tests skip as those of
//! `postgres.rs` do where no server answers (and fail under CI).

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::postgres::{drop_schema, ok_on, postgres_url, run_on};
use crate::{Polis, example_bundle};

/// A running `polis serve`, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    log: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `polis serve` on any free port of loopback, on the database `db`, with the
    /// rate limits off and `extra` flags, and waits for the URL it prints once it listens.
    fn start(polis: &Polis, db: &str, name: &str, extra: &[&str]) -> Server {
        let log = polis.path(&format!("{name}.log"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_polis"))
            .args([
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--rate-per-second",
                "0",
                "--write-rate-per-minute",
                "0",
            ])
            .args(extra)
            .env("POLIS_DB", db)
            .env("POLIS_CONFIG", polis.path("polis.toml"))
            .env("POLIS_LOG", "info")
            .env(
                "POLIS_CACHE_DIR",
                Path::new(env!("CARGO_TARGET_TMPDIR")).join("cache"),
            )
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("a log file"))
            .spawn()
            .expect("the server starts");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout");
        let _ = BufReader::new(stdout).read_line(&mut line);
        let port = line
            .trim()
            .trim_start_matches("http://127.0.0.1:")
            .trim_end_matches('/')
            .parse()
            .unwrap_or_else(|_| {
                let _ = child.kill();
                panic!(
                    "the server printed no URL ({line:?}); its log:\n{}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                )
            });
        Server { child, port, log }
    }

    fn request(&self, method: &str, path: &str, token: &str, body: &str) -> (u16, Value) {
        request(self.port, method, path, token, body).unwrap_or_else(|| {
            panic!(
                "{method} {path}: no answer; the server's log:\n{}",
                std::fs::read_to_string(&self.log).unwrap_or_default()
            )
        })
    }

    fn get(&self, path: &str) -> (u16, Value) {
        self.request("GET", path, "", "")
    }
}

/// The head of an HTTP/1.1 request to loopback, with a bearer token when one is given.
fn head(port: u16, method: &str, path: &str, token: &str, length: usize, extra: &str) -> String {
    let authorization = if token.is_empty() {
        String::new()
    } else {
        format!("Authorization: Bearer {token}\r\n")
    };
    format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{authorization}Content-Type: application/json\r\nContent-Length: {length}\r\n{extra}Connection: close\r\n\r\n"
    )
}

/// Reads an answer to its end, as its status and its JSON body (Null when not JSON).
fn answer(mut stream: TcpStream) -> Option<(u16, Value)> {
    let mut text = String::new();
    stream.read_to_string(&mut text).ok()?;
    let status = text.split(' ').nth(1)?.parse().ok()?;
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
    Some((status, serde_json::from_str(body).unwrap_or(Value::Null)))
}

/// Sends one request and reads its answer; None when the server does not answer.
fn request(port: u16, method: &str, path: &str, token: &str, body: &str) -> Option<(u16, Value)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    let request = head(port, method, path, token, body.len(), "") + body;
    stream.write_all(request.as_bytes()).ok()?;
    answer(stream)
}

/// A team on the database `db`: the example bundle, the editor eddie and the reviewers rita
/// and rob, and a token of each, by name.
fn team_on(polis: &Polis, db: &str) -> std::collections::HashMap<&'static str, String> {
    ok_on(polis, db, &["init", "--empty"]);
    ok_on(polis, db, &["import", "bundle", &example_bundle()]);
    let mut tokens = std::collections::HashMap::new();
    for (name, role) in [
        ("eddie", "editor"),
        ("rita", "reviewer"),
        ("rob", "reviewer"),
    ] {
        ok_on(polis, db, &["user", "add", name, "--role", role]);
        let token = ok_on(polis, db, &["token", "create", name]).stdout;
        tokens.insert(name, token.trim().to_owned());
    }
    tokens
}

/// The body of a proposal that creates or updates the given places (JSON objects).
fn proposal_of(places: &[Value], comment: &str) -> String {
    serde_json::json!({
        "comment": comment,
        "change": {"operation": "apply", "records": {"place": places}},
    })
    .to_string()
}

fn place(id: &str, name: &str) -> Value {
    serde_json::json!({
        "id": id, "level": "city", "name": name, "country": "CZ", "sources": ["deck"],
    })
}

/// Proposes through `server` as eddie, and returns the proposal's id.
fn propose(server: &Server, token: &str, places: &[Value]) -> i64 {
    let (status, body) = server.request(
        "POST",
        "/api/v1/proposals",
        token,
        &proposal_of(places, "test"),
    );
    assert_eq!(status, 201, "{body}");
    body["id"].as_i64().expect("a proposal id")
}

/// Polls `path` on `server` until `done` holds for its answer; how long that took, or None
/// after `limit`.
fn time_until(
    server: &Server,
    path: &str,
    limit: Duration,
    done: impl Fn(u16, &Value) -> bool,
) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < limit {
        let (status, body) = server.get(path);
        if done(status, &body) {
            return Some(started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    None
}

/// Issue 13: a change approved through one server is served by the other within a second.
/// The second server polls only once a minute, so only LISTEN/NOTIFY can make it in time.
#[test]
fn a_change_approved_through_one_server_is_served_by_the_other_within_a_second() {
    let Some(url) = postgres_url() else { return };
    let polis = Polis::new();
    let tokens = team_on(&polis, &url);
    let slow_poll = ["--snapshot-poll-milliseconds", "60000"];
    let a = Server::start(&polis, &url, "a", &slow_poll);
    let b = Server::start(&polis, &url, "b", &slow_poll);
    assert_eq!(b.get("/api/v1/places/cz-plzen").0, 404);

    for round in 0..3 {
        let id = format!("cz-plzen-{round}");
        let proposal = propose(&a, &tokens["eddie"], &[place(&id, "Plzeň")]);
        let (status, body) = a.request(
            "POST",
            &format!("/api/v1/proposals/{proposal}/approve"),
            &tokens["rita"],
            r#"{"comment": "checked"}"#,
        );
        assert_eq!(status, 200, "{body}");
        let approved = Instant::now();
        let seen = time_until(
            &b,
            &format!("/api/v1/places/{id}"),
            Duration::from_secs(10),
            |s, body| s == 200 && body["place"]["name"] == "Plzeň",
        );
        let Some(_) = seen else {
            panic!(
                "server B never served {id}; its log:\n{}",
                std::fs::read_to_string(&b.log).unwrap_or_default()
            );
        };
        let elapsed = approved.elapsed();
        eprintln!("round {round}: served by the second server {elapsed:?} after the approval");
        assert!(
            elapsed <= Duration::from_secs(1),
            "served by the second server only {elapsed:?} after the approval"
        );
    }
    drop((a, b));
    drop_schema(&url);
}

/// Issue 13: two reviewers approve conflicting proposals at the same moment, one through
/// each server. Each proposal renames the same place and adds a place of its own: one
/// approval answers 200, the other 409, the winner's two records are stored and none of the
/// loser's, the loser's proposal stays open, and the audit chain is intact.
#[test]
fn conflicting_approvals_through_two_servers_one_wins_and_one_gets_409() {
    let Some(url) = postgres_url() else { return };
    let polis = Polis::new();
    let tokens = team_on(&polis, &url);
    let contested = crate::write_bundle(
        &polis,
        "contested.toml",
        "[[place]]\nid = \"cz-contested\"\nlevel = \"city\"\nname = \"Contested\"\ncountry = \"CZ\"\nsources = [\"deck\"]\n",
    );
    ok_on(&polis, &url, &["import", "bundle", &contested]);
    let servers = [
        Arc::new(Server::start(&polis, &url, "a", &[])),
        Arc::new(Server::start(&polis, &url, "b", &[])),
    ];
    let n_rounds = 4;
    for round in 0..n_rounds {
        let sides = ["a", "b"].map(|side| {
            let name = format!("Contested {round}{side}");
            let own = format!("cz-own-{round}{side}");
            let proposal = propose(
                &servers[0],
                &tokens["eddie"],
                &[place("cz-contested", &name), place(&own, "Own")],
            );
            (proposal, name, own)
        });
        // rita approves the first through one server, rob the second through the other, at
        // once; which server gets which alternates between rounds.
        let barrier = Arc::new(Barrier::new(2));
        let approvals: Vec<_> = [("rita", 0), ("rob", 1)]
            .into_iter()
            .map(|(reviewer, side)| {
                let server = servers[(side + round) % 2].clone();
                let token = tokens[reviewer].clone();
                let barrier = barrier.clone();
                let proposal = sides[side].0;
                std::thread::spawn(move || {
                    barrier.wait();
                    server.request(
                        "POST",
                        &format!("/api/v1/proposals/{proposal}/approve"),
                        &token,
                        r#"{"comment": "mine"}"#,
                    )
                })
            })
            .collect();
        let answers: Vec<(u16, Value)> = approvals
            .into_iter()
            .map(|t| t.join().expect("an approval"))
            .collect();
        let mut statuses: Vec<u16> = answers.iter().map(|(s, _)| *s).collect();
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "round {round}: {answers:?}");
        let winner = answers.iter().position(|(s, _)| *s == 200).expect("a 200");
        let loser = 1 - winner;
        assert_eq!(
            answers[loser].1["error"]["code"], "stale",
            "{:?}",
            answers[loser]
        );

        // The winner's change, whole; nothing of the loser's.
        let shown = ok_on(&polis, &url, &["place", "show", "cz-contested", "--json"]).json();
        assert_eq!(shown["place"]["name"], sides[winner].1.as_str());
        ok_on(&polis, &url, &["place", "show", &sides[winner].2]);
        assert!(
            !run_on(&polis, &url, &["place", "show", &sides[loser].2]).ok,
            "round {round}: the losing proposal's own place was written"
        );
        for (side, status) in [(winner, "approved"), (loser, "open")] {
            let proposal = sides[side].0.to_string();
            let review = ok_on(&polis, &url, &["review", "show", &proposal, "--json"]).json();
            assert_eq!(review["status"], status, "{review}");
        }
        // Both servers serve the winner's name.
        for server in &servers {
            let path = "/api/v1/places/cz-contested";
            let served = time_until(server, path, Duration::from_secs(5), |s, body| {
                s == 200 && body["place"]["name"] == sides[winner].1.as_str()
            });
            assert!(
                served.is_some(),
                "round {round}: a server kept the old name"
            );
        }
    }
    let verified = ok_on(&polis, &url, &["audit", "verify", "--json"]).json();
    assert_eq!(verified["intact"], true, "{verified}");
    let audit = ok_on(&polis, &url, &["audit", "--limit", "1000", "--json"]).json();
    let renames = audit
        .as_array()
        .expect("a list")
        .iter()
        .filter(|e| e["record_id"] == "cz-contested" && !e["before"].is_null())
        .count();
    assert_eq!(renames, n_rounds, "one rename per round: {audit:#}");
    drop(servers);
    drop_schema(&url);
}

/// A TCP relay between polis and the PostgreSQL server, which the test can cut: then the
/// database stops answering, as when its server stops or the network fails.
struct Relay {
    port: u16,
    stop: Arc<AtomicBool>,
    streams: Arc<Mutex<Vec<TcpStream>>>,
}

impl Relay {
    fn to(upstream: String) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binds");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("an address").port();
        let stop = Arc::new(AtomicBool::new(false));
        let streams = Arc::new(Mutex::new(Vec::<TcpStream>::new()));
        let (stopped, kept) = (stop.clone(), streams.clone());
        std::thread::spawn(move || {
            // Dropping the listener when cut: new connections are refused.
            while !stopped.load(Ordering::SeqCst) {
                let Ok((client, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                };
                let Ok(server) = TcpStream::connect(&upstream) else {
                    continue;
                };
                let _ = client.set_nonblocking(false);
                let pairs = [
                    (client.try_clone(), server.try_clone()),
                    (server.try_clone(), client.try_clone()),
                ];
                kept.lock().expect("the list").extend([client, server]);
                for pair in pairs {
                    if let (Ok(mut from), Ok(mut to)) = pair {
                        std::thread::spawn(move || {
                            let _ = std::io::copy(&mut from, &mut to);
                            let _ = to.shutdown(std::net::Shutdown::Both);
                        });
                    }
                }
            }
        });
        Relay {
            port,
            stop,
            streams,
        }
    }

    /// Stops relaying: closes every connection and refuses new ones.
    fn cut(&self) {
        self.stop.store(true, Ordering::SeqCst);
        for stream in self.streams.lock().expect("the list").iter() {
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
    }
}

/// `url` with its host and port replaced by `127.0.0.1:port`, and its host and port.
fn through(url: &str, port: u16) -> (String, String) {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let (user, rest) = match rest.split_once('@') {
        Some((user, rest)) => (format!("{user}@"), rest),
        None => (String::new(), rest),
    };
    let (host, path) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
    let host = if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:5432")
    };
    (format!("{scheme}://{user}127.0.0.1:{port}{path}"), host)
}

/// Issue 13: the health endpoint asks the database. It answers 503 `unavailable` when the
/// store's schema is gone and again 200 once it is back, and 503 within seconds (not the
/// pool's 30 s) when the database server stops answering.
#[test]
fn health_answers_503_when_the_database_does_not() {
    let Some(url) = postgres_url() else { return };
    let polis = Polis::new();
    ok_on(&polis, &url, &["init", "--empty"]);
    ok_on(&polis, &url, &["import", "bundle", &example_bundle()]);
    let server = Server::start(&polis, &url, "a", &[]);
    let (status, health) = server.get("/api/v1/health");
    assert_eq!(status, 200, "{health}");
    assert_eq!(health["status"], "ok");
    assert!(
        health["store_version"].as_i64().unwrap_or(0) > 0,
        "{health}"
    );
    assert_eq!(health["store_version"], health["snapshot_version"]);

    // The schema renamed away: the database answers, with an error.
    let (base, query) = url.split_once('?').expect("a schema");
    let schema = query.trim_start_matches("schema=");
    let psql = |sql: String| {
        let done = Command::new("psql")
            .args([base, "-qc", &sql])
            .output()
            .expect("psql runs");
        assert!(done.status.success(), "{sql}: {done:?}");
    };
    psql(format!("ALTER SCHEMA {schema} RENAME TO {schema}_away"));
    let (status, body) = server.get("/api/v1/health");
    psql(format!("ALTER SCHEMA {schema}_away RENAME TO {schema}"));
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["code"], "unavailable", "{body}");
    assert!(
        !body["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("relation"),
        "the database's own message stays in the log: {body}"
    );
    assert_eq!(
        server.get("/api/v1/health").0,
        200,
        "back once the schema is"
    );
    drop(server);

    // A server whose database stops answering.
    let (_, upstream) = through(&url, 0);
    let relay = Relay::to(upstream);
    let (relayed, _) = through(&url, relay.port);
    let server = Server::start(&polis, &relayed, "relayed", &[]);
    assert_eq!(server.get("/api/v1/health").0, 200);
    relay.cut();
    let asked = Instant::now();
    let (status, body) = server.get("/api/v1/health");
    let waited = asked.elapsed();
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["code"], "unavailable", "{body}");
    assert!(
        waited < Duration::from_secs(10),
        "the health check waited {waited:?}"
    );
    // Reads from the snapshot go on.
    assert_eq!(server.get("/api/v1/places/cz-prague").0, 200);
    drop(server);
    drop_schema(&url);
}

/// Issue 13: SIGTERM lets a request in flight finish. A proposal's head is sent with
/// `Expect: 100-continue`; the server's `100 Continue` shows its handler is reading the
/// body. Then SIGTERM; once the server refuses new connections (it has stopped listening),
/// the body is sent, and the proposal is still answered 201, stored, and the server exits
/// with success.
#[test]
fn a_request_in_flight_when_sigterm_arrives_completes() {
    let polis = Polis::new();
    let db = polis.db().display().to_string();
    let tokens = team_on(&polis, &db);
    let mut server = Server::start(&polis, &db, "a", &[]);
    let port = server.port;
    let body = proposal_of(&[place("cz-late", "Late")], "sent across a shutdown");

    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("a timeout");
    let head = head(
        port,
        "POST",
        "/api/v1/proposals",
        &tokens["eddie"],
        body.len(),
        "Expect: 100-continue\r\n",
    );
    stream.write_all(head.as_bytes()).expect("sends the head");
    let mut reader = BufReader::new(stream.try_clone().expect("clones"));
    let mut line = String::new();
    reader.read_line(&mut line).expect("reads");
    assert!(line.starts_with("HTTP/1.1 100"), "{line:?}");
    reader.read_line(&mut line).expect("reads the blank line");

    let killed = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let stopped_listening = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_ok() {
        assert!(
            stopped_listening.elapsed() < Duration::from_secs(10),
            "the server still accepts connections 10 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(10));
    }

    stream.write_all(body.as_bytes()).expect("sends the body");
    let (status, answer) = {
        let mut text = String::new();
        reader.read_to_string(&mut text).expect("reads the answer");
        let status: u16 = text
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = text.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
        (status, body)
    };
    assert_eq!(status, 201, "{answer}");
    let exited = Instant::now();
    let exit = loop {
        if let Some(status) = server.child.try_wait().expect("waits") {
            break status;
        }
        assert!(
            exited.elapsed() < Duration::from_secs(10),
            "the server did not exit after its last request"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(exit.success(), "{exit:?}");
    let proposals = polis.ok(&["review", "list", "--json"]).json();
    assert!(
        proposals
            .as_array()
            .expect("a list")
            .iter()
            .any(|p| p["comment"] == "sent across a shutdown"),
        "{proposals:#}"
    );
}
