//! The web UI in a real browser: the real `polis serve` on a fresh database, driven through
//! Debian's chromium and chromedriver (WebDriver, JSON over HTTP) as a user would drive it.
//! Every page visited is screenshotted into `<target>/screenshots/` and checked with
//! axe-core. Where chromium or chromedriver is missing the tests say why and pass, except
//! under CI (`CI` set), where they fail.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::{Polis, repo_root};

/// How long the server may take to load its snapshot and listen (the world dataset takes
/// seconds on a loaded machine).
const SERVER_START_TIMEOUT: Duration = Duration::from_secs(300);
/// How long a page may take to show what a test waits for.
const PAGE_TIMEOUT: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------

/// `polis serve` running on a database, stopped when dropped.
struct Server {
    child: Child,
    /// The URL the server printed on standard output, ending with `/`.
    url: String,
    /// Everything the server wrote on standard error so far.
    stderr: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `polis serve --addr 127.0.0.1:0 EXTRA...` on `polis`'s database and waits for
    /// the URL it prints once it listens.
    fn start(polis: &Polis, extra: &[&str], environment: &[(&str, &str)]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_polis"));
        command
            .args(["serve", "--addr", "127.0.0.1:0", "--rate-per-second", "0"])
            .args(extra)
            .env("POLIS_DB", polis.db())
            .env("POLIS_CONFIG", polis.path("polis.toml"))
            // The gazetteer's index cache that the other tests share, out of the home folder.
            .env(
                "POLIS_CACHE_DIR",
                Path::new(env!("CARGO_TARGET_TMPDIR")).join("cache"),
            )
            .env_remove("POLIS_LOG")
            .env_remove("POLIS_ADDR")
            .env_remove("BROWSER")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in environment {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("polis serve starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut stderr_pipe = BufReader::new(child.stderr.take().expect("stderr"));
        let stderr_sink = stderr.clone();
        std::thread::spawn(move || {
            let mut line = String::new();
            while stderr_pipe.read_line(&mut line).unwrap_or(0) > 0 {
                stderr_sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        let stdout = child.stdout.take().expect("stdout");
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(first)) = lines.next() {
                let _ = sender.send(first);
            }
            // Keep reading so that the server never blocks on a full pipe.
            for _ in lines {}
        });
        let url = match receiver.recv_timeout(SERVER_START_TIMEOUT) {
            Ok(url) => url,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "polis serve printed no URL within {SERVER_START_TIMEOUT:?}; it said:\n{}",
                    stderr.lock().unwrap()
                );
            }
        };
        assert!(
            url.starts_with("http://127.0.0.1:") && url.ends_with('/'),
            "polis serve printed '{url}' where a URL was expected"
        );
        Self { child, url, stderr }
    }

    fn at(&self, path: &str) -> String {
        format!("{}{}", self.url, path.trim_start_matches('/'))
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// A plain HTTP GET, for the tests that need no browser: the status line and the body.
    fn get(&self, path: &str) -> (String, String) {
        let host = self.url.trim_start_matches("http://").trim_end_matches('/');
        let mut stream = TcpStream::connect(host).expect("the server answers");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.0\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("an answer");
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
        let status = head.lines().next().unwrap_or("").to_owned();
        (status, body.to_owned())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------
// WebDriver, the few commands the tests use
// ---------------------------------------------------------------------------------------

/// The WebDriver key code of the left arrow.
const ARROW_LEFT: &str = "\u{E012}";
/// The key under which WebDriver names an element.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A WebDriver session: JSON over HTTP to chromedriver. Written here rather than taken from
/// a client crate because thirtyfour turns on serde_json's `preserve_order`, which would
/// change the key order of every JSON answer of the `polis` binary built for the tests.
struct WebDriver {
    client: reqwest::Client,
    /// `http://127.0.0.1:PORT/session/ID`
    session: String,
}

/// A script's result, as WebDriver returns it.
struct ScriptResult(Value);

impl ScriptResult {
    fn json(&self) -> &Value {
        &self.0
    }
}

/// An element of the page.
struct WebElement {
    client: reqwest::Client,
    /// `http://127.0.0.1:PORT/session/ID/element/ELEMENT`
    url: String,
}

/// Sends one command and returns its `value`, or the error WebDriver describes.
async fn webdriver_command(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    body: Option<Value>,
) -> Result<Value, String> {
    let mut request = client.request(method, url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let answer = request.send().await.map_err(|e| format!("{url}: {e}"))?;
    let status = answer.status();
    let body: Value = answer.json().await.map_err(|e| format!("{url}: {e}"))?;
    if status.is_success() {
        Ok(body["value"].clone())
    } else {
        Err(format!("{url}: {status} {}", body["value"]))
    }
}

impl WebDriver {
    async fn new(server: &str, capabilities: Value) -> Result<Self, String> {
        let client = reqwest::Client::new();
        let value = webdriver_command(
            &client,
            reqwest::Method::POST,
            &format!("{server}/session"),
            Some(capabilities),
        )
        .await?;
        let id = value["sessionId"]
            .as_str()
            .ok_or_else(|| format!("no session id in {value}"))?;
        Ok(Self {
            client,
            session: format!("{server}/session/{id}"),
        })
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value, String> {
        let url = format!("{}/{path}", self.session);
        webdriver_command(&self.client, reqwest::Method::POST, &url, Some(body)).await
    }

    async fn set_timeouts(&self, timeout: Duration) -> Result<Value, String> {
        let milliseconds = timeout.as_millis() as u64;
        self.post(
            "timeouts",
            json!({ "script": milliseconds, "pageLoad": milliseconds }),
        )
        .await
    }

    async fn goto(&self, url: &str) -> Result<Value, String> {
        self.post("url", json!({ "url": url })).await
    }

    async fn execute(&self, script: &str, args: Vec<Value>) -> Result<ScriptResult, String> {
        self.post("execute/sync", json!({ "script": script, "args": args }))
            .await
            .map(ScriptResult)
    }

    async fn execute_async(&self, script: &str, args: Vec<Value>) -> Result<ScriptResult, String> {
        self.post("execute/async", json!({ "script": script, "args": args }))
            .await
            .map(ScriptResult)
    }

    async fn find(&self, selector: &str) -> Result<WebElement, String> {
        let value = self
            .post(
                "element",
                json!({ "using": "css selector", "value": selector }),
            )
            .await?;
        let id = value[ELEMENT_KEY]
            .as_str()
            .ok_or_else(|| format!("no element in {value}"))?;
        Ok(WebElement {
            client: self.client.clone(),
            url: format!("{}/element/{id}", self.session),
        })
    }

    async fn screenshot(&self, path: &Path) -> Result<(), String> {
        let url = format!("{}/screenshot", self.session);
        let value = webdriver_command(&self.client, reqwest::Method::GET, &url, None).await?;
        let png = decode_base64(value.as_str().unwrap_or(""))?;
        std::fs::write(path, png).map_err(|e| e.to_string())
    }

    /// A DevTools protocol command, through chromedriver's pass-through.
    async fn send_dev_tools_command(&self, command: &str, params: Value) -> Result<Value, String> {
        self.post(
            "goog/cdp/execute",
            json!({ "cmd": command, "params": params }),
        )
        .await
    }

    async fn quit(self) -> Result<Value, String> {
        webdriver_command(&self.client, reqwest::Method::DELETE, &self.session, None).await
    }
}

impl WebElement {
    async fn post(&self, path: &str, body: Value) -> Result<Value, String> {
        let url = format!("{}/{path}", self.url);
        webdriver_command(&self.client, reqwest::Method::POST, &url, Some(body)).await
    }

    async fn click(&self) -> Result<Value, String> {
        self.post("click", json!({})).await
    }

    async fn clear(&self) -> Result<Value, String> {
        self.post("clear", json!({})).await
    }

    async fn send_keys(&self, text: &str) -> Result<Value, String> {
        self.post("value", json!({ "text": text })).await
    }

    async fn text(&self) -> Result<String, String> {
        let url = format!("{}/text", self.url);
        let value = webdriver_command(&self.client, reqwest::Method::GET, &url, None).await?;
        Ok(value.as_str().unwrap_or("").to_owned())
    }
}

/// Decodes standard base64 (a screenshot's PNG).
fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::with_capacity(text.len() / 4 * 3);
    let mut buffer = 0u32;
    let mut n_bits = 0;
    for character in text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
    {
        let value = match character {
            b'A'..=b'Z' => character - b'A',
            b'a'..=b'z' => character - b'a' + 26,
            b'0'..=b'9' => character - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return Err(format!("not base64: {:?}", character as char)),
        };
        buffer = (buffer << 6) | u32::from(value);
        n_bits += 6;
        if n_bits >= 8 {
            n_bits -= 8;
            bytes.push((buffer >> n_bits) as u8);
        }
    }
    Ok(bytes)
}

// ---------------------------------------------------------------------------------------
// The browser
// ---------------------------------------------------------------------------------------

/// Finds a program on `PATH`.
fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// Chromium and chromedriver, or `None` with the reason printed (a failure under CI).
fn browser_programs() -> Option<(PathBuf, PathBuf)> {
    let chromium = on_path("chromium").or_else(|| on_path("chromium-browser"));
    let chromedriver = on_path("chromedriver");
    match (chromium, chromedriver) {
        (Some(chromium), Some(chromedriver)) => Some((chromium, chromedriver)),
        (chromium, chromedriver) => {
            let missing: Vec<&str> = [
                chromium.is_none().then_some("chromium"),
                chromedriver.is_none().then_some("chromedriver"),
            ]
            .into_iter()
            .flatten()
            .collect();
            assert!(
                std::env::var_os("CI").is_none(),
                "the browser tests need {} under CI (Debian: apt-get install chromium chromium-driver)",
                missing.join(" and ")
            );
            eprintln!(
                "skipped: {} not found on PATH (Debian: apt-get install chromium chromium-driver)",
                missing.join(" and ")
            );
            None
        }
    }
}

/// A headless chromium session through its own chromedriver, both stopped when dropped.
struct Browser {
    driver: Option<WebDriver>,
    chromedriver: Child,
    _profile: tempfile::TempDir,
    /// The test's name, for the screenshots' file names.
    test: &'static str,
    /// axe-core's reports, when a test collects them rather than failing on the first.
    deferred_violations: Option<Vec<String>>,
    n_screenshots: usize,
}

impl Browser {
    async fn start(test: &'static str) -> Option<Self> {
        let (chromium, chromedriver_program) = browser_programs()?;
        let mut chromedriver = Command::new(&chromedriver_program)
            .arg("--port=0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let stdout = chromedriver.stdout.take().expect("stdout");
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut sender = Some(sender);
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                // "ChromeDriver was started successfully on port 45741."
                if let Some(port) = line
                    .split("on port ")
                    .nth(1)
                    .and_then(|rest| rest.trim_end_matches('.').trim().parse::<u16>().ok())
                    && line.contains("started successfully")
                    && let Some(sender) = sender.take()
                {
                    let _ = sender.send(port);
                }
            }
        });
        let port = receiver
            .recv_timeout(Duration::from_secs(30))
            .expect("chromedriver says which port it listens on");
        let profile = tempfile::tempdir().expect("a profile directory");
        let mut arguments: Vec<String> = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-unsafe-swiftshader",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
            "--window-size=1280,900",
            "--lang=en-GB",
        ]
        .map(str::to_owned)
        .to_vec();
        arguments.push(format!("--user-data-dir={}", profile.path().display()));
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": chromium.display().to_string(), "args": arguments },
        } } });
        let driver = WebDriver::new(&format!("http://127.0.0.1:{port}"), capabilities)
            .await
            .expect("chromedriver opens a chromium session");
        driver.set_timeouts(Duration::from_secs(120)).await.unwrap();
        Some(Self {
            driver: Some(driver),
            chromedriver,
            _profile: profile,
            test,
            deferred_violations: None,
            n_screenshots: 0,
        })
    }

    fn driver(&self) -> &WebDriver {
        self.driver.as_ref().expect("the session is open")
    }

    /// Opens `url`, waits until the document has loaded, takes a screenshot named `page`
    /// and runs axe-core on it.
    async fn visit(&mut self, url: &str, page: &str) {
        self.driver()
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
        self.arrived(page).await;
    }

    /// Once the page a user reached has loaded: a screenshot named `page`, and axe-core.
    async fn arrived(&mut self, page: &str) {
        self.wait_for("document.readyState === 'complete'", page)
            .await;
        self.screenshot(page).await;
        self.check_accessibility(page).await;
    }

    /// Saves a screenshot as `<target>/screenshots/<test>-<n>-<page>.png`.
    async fn screenshot(&mut self, page: &str) {
        let directory = screenshots_directory();
        std::fs::create_dir_all(&directory).expect("the screenshots directory");
        self.n_screenshots += 1;
        let path = directory.join(format!(
            "{}-{:02}-{page}.png",
            self.test, self.n_screenshots
        ));
        self.driver()
            .screenshot(&path)
            .await
            .unwrap_or_else(|e| panic!("cannot save {}: {e}", path.display()));
    }

    /// Runs a script and returns its value.
    async fn run(&self, script: &str) -> Value {
        self.driver()
            .execute(script, Vec::<Value>::new())
            .await
            .unwrap_or_else(|e| panic!("the script failed: {e}\n{script}"))
            .json()
            .clone()
    }

    /// Waits until the JavaScript expression `condition` is true, or fails naming `what`
    /// and the page's URL.
    async fn wait_for(&self, condition: &str, what: &str) {
        let script = format!("try {{ return !!({condition}); }} catch (e) {{ return false; }}");
        let started = Instant::now();
        loop {
            if self.run(&script).await == Value::Bool(true) {
                return;
            }
            if started.elapsed() > PAGE_TIMEOUT {
                let url = self.run("return location.href").await;
                panic!("waited {PAGE_TIMEOUT:?} for {what} ({condition}) on {url}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits for an element matching `selector`, and returns it.
    async fn element(&self, selector: &str) -> WebElement {
        let quoted = serde_json::to_string(selector).unwrap();
        self.wait_for(&format!("document.querySelector({quoted})"), selector)
            .await;
        self.driver()
            .find(selector)
            .await
            .unwrap_or_else(|e| panic!("{selector}: {e}"))
    }

    /// The text of the element matching `selector`.
    async fn text(&self, selector: &str) -> String {
        self.element(selector)
            .await
            .text()
            .await
            .unwrap_or_default()
    }

    /// Runs axe-core on the page: a serious or critical violation fails the test, each one
    /// listed with the elements it concerns.
    async fn check_accessibility(&mut self, page: &str) {
        let axe_source =
            std::fs::read_to_string(repo_root().join("crates/polis-web/assets/vendor/axe.min.js"))
                .expect("the vendored axe-core");
        self.run(&axe_source).await;
        let violations = self
            .driver()
            .execute_async(
                r"const done = arguments[arguments.length - 1];
                  axe.run(document, { resultTypes: ['violations'] })
                    .then(results => done(results.violations
                      .filter(v => v.impact === 'serious' || v.impact === 'critical')
                      .map(v => ({ id: v.id, impact: v.impact, help: v.help,
                                   nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')) }))))
                    .catch(error => done([{ id: 'axe-failed', impact: 'critical',
                                            help: String(error), nodes: [] }]));",
                Vec::<Value>::new(),
            )
            .await
            .unwrap_or_else(|e| panic!("axe-core did not run on {page}: {e}"))
            .json()
            .clone();
        let violations = violations.as_array().cloned().unwrap_or_default();
        if violations.is_empty() {
            return;
        }
        let report = format!(
            "axe-core found {} serious or critical violation(s) on {page}:\n{}",
            violations.len(),
            violations
                .iter()
                .map(|v| format!(
                    "  {} ({}): {} at {}",
                    v["id"].as_str().unwrap_or(""),
                    v["impact"].as_str().unwrap_or(""),
                    v["help"].as_str().unwrap_or(""),
                    v["nodes"]
                ))
                .collect::<Vec<_>>()
                .join("\n")
        );
        match &mut self.deferred_violations {
            Some(deferred) => deferred.push(report),
            None => panic!("{report}"),
        }
    }

    /// From now on, axe-core's findings are kept until [`Browser::assert_accessible`]
    /// instead of failing at once, so that a test over many pages lists them all.
    fn defer_accessibility_failures(&mut self) {
        self.deferred_violations = Some(Vec::new());
    }

    /// Fails with every violation kept since [`Browser::defer_accessibility_failures`].
    fn assert_accessible(&mut self) {
        let deferred = self.deferred_violations.take().unwrap_or_default();
        assert!(deferred.is_empty(), "{}", deferred.join("\n"));
    }

    /// Makes the viewport `width` CSS pixels wide, as a phone's (a window cannot be made
    /// that narrow, so the DevTools protocol emulates the device). Not in mobile mode,
    /// which would zoom out to fit wide content and hide the overflow the test looks for.
    async fn set_viewport_width(&self, width: u32) {
        self.driver()
            .send_dev_tools_command(
                "Emulation.setDeviceMetricsOverride",
                json!({ "width": width, "height": 800, "deviceScaleFactor": 1, "mobile": false }),
            )
            .await
            .expect("the viewport is emulated");
    }

    async fn quit(mut self) {
        if let Some(driver) = self.driver.take() {
            let _ = driver.quit().await;
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A failed test leaves without `quit`: stopping chromedriver ends its chromium.
        let _ = self.chromedriver.kill();
        let _ = self.chromedriver.wait();
    }
}

/// `<target>/screenshots`, beside the build (git-ignored with the target directory).
fn screenshots_directory() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .join("screenshots")
}

/// Runs an async test body on its own runtime.
fn block_on<F: std::future::Future<Output = ()>>(test: F) {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(test);
}

/// The reference dataset served by `polis serve`, which creates it on first run.
fn reference_server(polis: &Polis) -> Server {
    Server::start(polis, &[], &[])
}

// ---------------------------------------------------------------------------------------
// `polis serve` itself (no browser needed)
// ---------------------------------------------------------------------------------------

/// Issue 10 §5: the API gives the disputed Gothenburg-Shanghai tie's accounts with their
/// sources, and the tie's page and Gothenburg's dossier show both sides.
#[test]
fn issue_10_the_disputed_tie_over_the_api_and_on_its_pages() {
    let polis = Polis::new();
    let server = reference_server(&polis);
    let (status, body) = server.get("/api/v1/ties?place=se-gothenburg");
    assert!(status.contains(" 200 "), "{status}\n{body}");
    let ties: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let tie = ties["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{ties:#}"))
        .iter()
        .find(|t| t["id"] == "cn-shanghai--se-gothenburg")
        .unwrap_or_else(|| panic!("{ties:#}"));
    assert_eq!(tie["status"]["status"], "disputed", "{tie:#}");
    assert_eq!(tie["status"]["claims"][1]["status"], "active", "{tie:#}");

    let (status, body) = server.get("/api/v1/ties/cn-shanghai--se-gothenburg");
    assert!(status.contains(" 200 "), "{status}\n{body}");
    assert!(body.contains("\"disputed_by\""), "{body}");
    assert!(body.contains("\"contests\":\"occurrence\""), "{body}");

    let (status, page) = server.get("/ties/cn-shanghai--se-gothenburg");
    assert!(status.contains(" 200 "), "{status}");
    for expected in [
        "status-disputed",
        "sources disagree",
        "li class=\"counter-claim\" data-contests=\"occurrence\"",
        "only a three-year memorandum",
        "Statement of the City of Gothenburg",
    ] {
        assert!(
            page.contains(expected),
            "{expected} on the tie's page:\n{page}"
        );
    }
    let (status, dossier) = server.get("/places/se-gothenburg");
    assert!(status.contains(" 200 "), "{status}");
    assert!(dossier.contains("status-disputed"), "{dossier}");
    assert!(
        dossier.contains("data-contests=\"occurrence\""),
        "{dossier}"
    );
    let (_, hebei) = server.get("/places/cn-shijiazhuang");
    assert!(hebei.contains("inferred from the deck"), "{hebei}");
}

#[test]
fn serve_creates_the_reference_database_on_first_run_and_reuses_it() {
    let polis = Polis::new();
    assert!(!polis.db().exists());
    let server = reference_server(&polis);
    assert!(
        server
            .stderr()
            .contains("creating it with the built-in reference dataset"),
        "the first run says it creates the database:\n{}",
        server.stderr()
    );
    let (status, body) = server.get("/api/v1/places/cz-prague");
    assert!(status.contains(" 200 "), "{status}\n{body}");
    assert!(body.contains("Prague"), "{body}");
    drop(server);
    assert!(polis.db().exists());

    // A second run reuses the database without loading anything.
    let server = reference_server(&polis);
    assert!(
        !server.stderr().contains("creating it"),
        "the second run reuses the database:\n{}",
        server.stderr()
    );
    drop(server);

    // An existing database is used as it is: an empty one stays empty.
    let empty = Polis::new();
    empty.ok(&["init", "--empty"]);
    let server = reference_server(&empty);
    assert!(
        !server.stderr().contains("creating it"),
        "{}",
        server.stderr()
    );
    let (status, _) = server.get("/api/v1/places/cz-prague");
    assert!(status.contains(" 404 "), "{status}");
}

#[test]
fn serve_open_hands_the_url_to_the_browser_variable() {
    let polis = Polis::new();
    let opened = polis.path("opened.txt");
    let script = polis.path("fake-browser.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\necho \"$1\" > '{}'\n", opened.display()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let server = Server::start(
        &polis,
        &["--open"],
        &[("BROWSER", script.to_str().unwrap())],
    );
    let started = Instant::now();
    while !opened.exists() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let handed = std::fs::read_to_string(&opened).expect("the browser command ran");
    assert_eq!(handed.trim(), server.url);
}

#[test]
fn serve_open_goes_on_when_no_browser_starts() {
    let polis = Polis::new();
    // No BROWSER command exists and PATH holds no opener: the server must still serve.
    let empty = polis.path("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    let server = Server::start(
        &polis,
        &["--open"],
        &[
            ("BROWSER", "no-such-browser-polis-test"),
            ("PATH", empty.to_str().unwrap()),
        ],
    );
    let (status, _) = server.get("/api/v1/places/cz-prague");
    assert!(status.contains(" 200 "), "{status}");
    let started = Instant::now();
    while !server.stderr().contains("open http://") && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        server.stderr().contains(&format!("open {}", server.url)),
        "it says to open the URL by hand:\n{}",
        server.stderr()
    );
}

// ---------------------------------------------------------------------------------------
// What a user does, in the browser, on the reference dataset
// ---------------------------------------------------------------------------------------

#[test]
fn typing_praha_in_the_search_box_leads_to_the_prague_dossier() {
    block_on(async {
        let Some(mut browser) = Browser::start("search").await else {
            return;
        };
        let polis = Polis::new();
        let server = reference_server(&polis);
        browser.visit(&server.url, "home").await;
        let search = browser.element("input#search").await;
        search.click().await.unwrap();
        search.send_keys("Praha").await.unwrap();
        let suggestion = browser
            .element("#suggestions a[href*='/places/cz-prague']")
            .await;
        browser.screenshot("suggestions").await;
        suggestion.click().await.unwrap();
        browser
            .wait_for(
                "location.pathname === '/places/cz-prague' && document.readyState === 'complete'",
                "Prague's dossier",
            )
            .await;
        browser.arrived("dossier").await;
        let title = browser.text("h1").await;
        assert!(title.contains("Prague"), "the dossier's h1 is '{title}'");
        for section in [
            "names",
            "ties",
            "memberships",
            "activities",
            "documents",
            "stakeholders",
            "metrics",
            "partners",
            "quality",
        ] {
            browser.element(&format!("section#{section}")).await;
        }
        // Prague's names include its Czech and Chinese ones, with their languages.
        let names = browser.text("section#names").await;
        assert!(names.contains("Praha"), "section#names: {names}");
        // The Beijing tie is on the timeline, with its termination by Prague's side.
        browser
            .element(
                "section#ties li.tie[data-tie='cn-beijing--cz-prague'] li.event[data-event='terminated']",
            )
            .await;
        browser.quit().await;
    });
}

#[test]
fn the_map_slider_shows_the_prague_beijing_tie_ended_in_2020_and_active_in_2018() {
    block_on(async {
        let Some(mut browser) = Browser::start("map-slider").await else {
            return;
        };
        let polis = Polis::new();
        let server = reference_server(&polis);
        browser
            .visit(&server.at("/?place=cz-prague"), "map-prague")
            .await;
        browser.element("canvas#map-canvas").await;
        browser.element("button#play").await;
        browser
            .wait_for(
                "window.polisMap && window.polisMap.drawnArcs > 0",
                "the map's arcs",
            )
            .await;
        let counts = browser.text("#map-counts").await;
        assert!(
            counts.chars().any(|c| c.is_ascii_digit()),
            "#map-counts: {counts}"
        );
        let tie = "#place-panel li[data-tie='cn-beijing--cz-prague']";
        for (year, status) in [(2020, "terminated"), (2018, "active"), (2020, "terminated")] {
            // As a user drags it: the value changes, then an `input` event.
            browser
                .run(&format!(
                    "const slider = document.querySelector('input#year-slider');
                     slider.value = '{year}';
                     slider.dispatchEvent(new Event('input', {{ bubbles: true }}));"
                ))
                .await;
            browser
                .wait_for(&format!("window.polisMap.year == {year}"), "the map's year")
                .await;
            browser
                .element(&format!("{tie}[data-status='{status}']"))
                .await;
            browser.screenshot(&format!("map-{year}")).await;
        }
        // 2019 is the year it ended: the year's events list the termination.
        browser
            .run(
                "const slider = document.querySelector('input#year-slider');
                 slider.value = '2019';
                 slider.dispatchEvent(new Event('input', { bubbles: true }));",
            )
            .await;
        browser
            .element("#year-events li[data-tie='cn-beijing--cz-prague'][data-event='terminated']")
            .await;
        // The keyboard moves the slider too: one step left is one year back.
        let slider = browser.element("input#year-slider").await;
        slider.send_keys(ARROW_LEFT).await.unwrap();
        browser
            .wait_for("window.polisMap.year == 2018", "the year after ArrowLeft")
            .await;
        browser
            .element(&format!("{tie}[data-status='active']"))
            .await;
        // The text alternative lists the same ties.
        browser.element("details table#map-table").await;
        browser.check_accessibility("map-2018").await;
        browser.quit().await;
    });
}

/// A provisional place (an unresolved name kept with its tie) is drawn as a hollow ring,
/// counted under the map and explained in the legend; its tooltip and panel say so.
#[test]
fn the_map_draws_a_provisional_place_hollow_and_counts_it() {
    block_on(async {
        let Some(mut browser) = Browser::start("map-provisional").await else {
            return;
        };
        let polis = Polis::new();
        polis.ok(&["init"]);
        let bundle = crate::write_bundle(
            &polis,
            "provisional.toml",
            r#"
[[place]]
id = "cz-zzyqton"
level = "city"
name = "Zzyqton"
country = "CZ"
provisional = true
coordinates = [{ lat = 49.6, lon = 15.6, source = "deck" }]
sources = ["deck"]

[[tie]]
id = "cz-prague--cz-zzyqton"
a = "cz-prague"
b = "cz-zzyqton"
kind = "twin_town"
sources = ["deck"]
"#,
        );
        polis.ok(&["import", "bundle", &bundle]);
        let server = reference_server(&polis);
        browser
            .visit(&server.at("/?place=cz-zzyqton"), "map-provisional")
            .await;
        browser
            .wait_for(
                "window.polisMap && window.polisMap.drawnArcs > 0",
                "the map's arcs",
            )
            .await;
        browser
            .wait_for(
                "Number(document.querySelector('canvas#map-canvas').dataset.drawnProvisional) >= 1",
                "the provisional place drawn as a ring",
            )
            .await;
        let count = browser.text("#map-counts [data-count='provisional']").await;
        assert_eq!(count.trim(), "1");
        browser.element(".legend .swatch.place-provisional").await;
        let panel = browser.text("#place-panel").await;
        assert!(panel.contains("Zzyqton"), "{panel}");
        browser.screenshot("map-provisional-panel").await;
        browser.check_accessibility("map-provisional").await;
        browser.quit().await;
    });
}

/// The reference database with one imported row whose "Springfield, United States" is a
/// toss-up waiting in the queue.
fn springfield_queued() -> Polis {
    let polis = Polis::new();
    polis.ok(&["init"]);
    let list = polis.path("list.csv");
    std::fs::write(
        &list,
        "city1,country1,city2,country2\nPrague,Czech Republic,Springfield,United States\n",
    )
    .unwrap();
    polis.ok(&["import", "wikipedia-list", &list.display().to_string()]);
    polis
}

/// Issue 14: a person opens the queue of names waiting for a decision, follows a name to
/// `/resolve` and sees why it is waiting: a toss-up, with its rivals.
#[test]
fn a_name_in_the_queue_leads_to_its_candidates_and_verdict() {
    block_on(async {
        let Some(mut browser) = Browser::start("names").await else {
            return;
        };
        let polis = springfield_queued();
        let server = reference_server(&polis);
        browser.visit(&server.at("/"), "home").await;
        browser
            .submit("nav a[href='/resolve']", "form#resolve-form", "names-form")
            .await;
        browser
            .submit("a[href='/unresolved']", "table#unresolved", "names-queue")
            .await;
        browser
            .submit(
                "table#unresolved a[href^='/resolve?name=Springfield']",
                "#summary",
                "names-springfield",
            )
            .await;
        let summary = browser.text("#summary").await;
        assert!(summary.contains("toss-up"), "{summary}");
        let first = browser.text("#candidates li:first-child").await;
        assert!(first.contains("A toss-up: "), "{first}");
        assert!(
            first.contains("Massachusetts") || first.contains("Missouri"),
            "{first}"
        );
        browser
            .fill("input#name", "Springfield, Massachusetts")
            .await;
        browser
            .submit(
                "#resolve-form button[type=submit]",
                "#summary .verdict-confident",
                "names-qualified",
            )
            .await;
        browser.check_narrow("names-qualified").await;
        browser.quit().await;
    });
}

/// Issue 14: a reviewer signs in, sees the candidates of a name waiting in the queue with a
/// "This is the place" button each, records one from `/unresolved`, is told what is
/// remembered (and that the provisional place was merged), and the name leaves the queue.
#[test]
fn a_reviewer_records_a_decision_from_the_queue_and_the_name_leaves_it() {
    block_on(async {
        let Some(mut browser) = Browser::start("deciding").await else {
            return;
        };
        let polis = springfield_queued();
        let password = "correct horse battery";
        add_user(&polis, "rita", "reviewer", password);
        let server = reference_server(&polis);

        // Before signing in: the command, and who may record it here; no button.
        browser
            .visit(
                &server.at("/resolve?name=Springfield&country=United+States"),
                "names-anonymous",
            )
            .await;
        let hint = browser.text("#decide-hint").await;
        assert!(hint.contains("Sign in as a reviewer"), "{hint}");
        assert_eq!(
            browser
                .run("return document.querySelectorAll('form.decide-form').length")
                .await,
            json!(0)
        );

        browser
            .sign_in_at(
                &server.at(
                    "/sign-in?next=%2Fresolve%3Fname%3DSpringfield%26country%3DUnited%2BStates",
                ),
                "rita",
                password,
                "names-reviewer-resolve",
            )
            .await;
        let buttons = browser
            .run("return document.querySelectorAll('#candidates form.decide-form button').length")
            .await;
        assert!(buttons.as_u64().unwrap_or(0) >= 2, "{buttons}");
        browser
            .run("document.querySelector('#decide-hint').scrollIntoView()")
            .await;
        browser.screenshot("names-reviewer-candidates").await;
        browser.check_accessibility("names-reviewer-resolve").await;
        browser.check_narrow("names-reviewer-candidates").await;

        browser
            .visit(&server.at("/unresolved"), "names-reviewer-queue")
            .await;
        let row = browser.text("table#unresolved tbody tr:first-child").await;
        assert!(row.contains("Springfield"), "{row}");
        browser.check_accessibility("names-reviewer-queue").await;
        browser
            .run("document.querySelector('table#unresolved').scrollIntoView()")
            .await;
        browser.screenshot("names-reviewer-queue-table").await;
        browser.check_narrow("names-reviewer-queue").await;
        browser.set_viewport_width(360).await;
        browser
            .run("document.querySelector('table#unresolved').scrollIntoView()")
            .await;
        browser.screenshot("names-reviewer-queue-table-360").await;
        browser
            .driver()
            .send_dev_tools_command("Emulation.clearDeviceMetricsOverride", json!({}))
            .await
            .expect("the viewport is restored");
        browser
            .submit(
                "table#unresolved tbody tr:first-child form.decide-form button",
                "#decision-notice",
                "names-decided",
            )
            .await;
        let notice = browser.text("#decision-notice").await;
        assert!(
            notice.contains("Remembered: “Springfield” (United States) means Springfield, "),
            "{notice}"
        );
        assert!(notice.contains("later imports use it"), "{notice}");
        assert!(notice.contains("was merged into"), "{notice}");
        assert_eq!(
            browser
                .run("return document.querySelector(\"table#unresolved a[href^='/resolve?name=Springfield']\") === null")
                .await,
            json!(true),
            "Springfield left the queue"
        );
        browser.check_accessibility("names-decided").await;
        browser.check_narrow("names-decided").await;
        browser.quit().await;
    });
}

#[test]
fn the_prague_beijing_tie_page_names_the_termination_its_side_and_source() {
    block_on(async {
        let Some(mut browser) = Browser::start("tie").await else {
            return;
        };
        let polis = Polis::new();
        let server = reference_server(&polis);
        browser
            .visit(&server.at("/ties/cn-beijing--cz-prague"), "tie")
            .await;
        let title = browser.text("h1").await;
        assert!(
            title.contains("Prague") && title.contains("Beijing"),
            "the tie's h1 is '{title}'"
        );
        let termination = "ol#events li.event[data-event='terminated']";
        let text = browser.text(termination).await;
        assert!(text.contains("2019"), "the termination's date: {text}");
        let side = browser.text(&format!("{termination} .side")).await;
        assert!(side.contains("Prague"), "the acting side is '{side}'");
        let reason = browser.text(&format!("{termination} .reason")).await;
        assert!(
            !reason.trim().is_empty(),
            "the termination gives its reason"
        );
        // Its sources: links out, or to the page's own list of sources for one without a
        // URL; each in-page link must lead somewhere.
        browser.element(&format!("{termination} a.source")).await;
        let sources = browser
            .run(&format!(
                "return [...document.querySelectorAll(\"{termination} a.source\")].map(a => ({{
                   href: a.getAttribute('href'),
                   target_exists: a.getAttribute('href').startsWith('#')
                     ? !!document.getElementById(a.getAttribute('href').slice(1)) : null }}))"
            ))
            .await;
        let sources = sources.as_array().cloned().unwrap_or_default();
        assert!(
            sources.iter().any(|source| source["href"]
                .as_str()
                .is_some_and(|h| h.starts_with("http"))),
            "the termination links to a source: {sources:?}"
        );
        for source in &sources {
            assert_ne!(
                source["target_exists"],
                Value::Bool(false),
                "a source link leads nowhere: {source}"
            );
        }
        browser.element("section#evidence").await;
        browser.element("section#documents").await;
        browser.quit().await;
    });
}

#[test]
fn the_explorer_finds_who_connects_prague_city_hall_to_cefc() {
    block_on(async {
        let Some(mut browser) = Browser::start("explorer").await else {
            return;
        };
        let polis = Polis::new();
        let server = reference_server(&polis);
        browser.visit(&server.at("/explore"), "explorer").await;
        browser.element("div#graph").await;
        let from = browser.element("form#path-form input#from").await;
        from.clear().await.unwrap();
        from.send_keys("prague-city-hall").await.unwrap();
        let to = browser.element("form#path-form input#to").await;
        to.clear().await.unwrap();
        to.send_keys("cefc-china-energy").await.unwrap();
        browser
            .element("button#find-path")
            .await
            .click()
            .await
            .unwrap();
        browser
            .wait_for(
                "document.querySelectorAll('ol#path-result li[data-id]').length >= 2",
                "the path",
            )
            .await;
        browser.screenshot("explorer-path").await;
        let ids = browser
            .run(
                "return [...document.querySelectorAll('ol#path-result li[data-id]')]
                   .map(li => li.dataset.id)",
            )
            .await;
        let ids: Vec<&str> = ids
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(ids.first(), Some(&"prague-city-hall"), "{ids:?}");
        assert_eq!(ids.last(), Some(&"cefc-china-energy"), "{ids:?}");
        // The page reads the same path as the command line (the one use case).
        let through = browser
            .run(
                "const field = document.querySelector('#path-form [name=through]');
                 return field ? field.value : new URLSearchParams(location.search).get('through');",
            )
            .await;
        let mut arguments = vec![
            "graph",
            "path",
            "prague-city-hall",
            "cefc-china-energy",
            "--json",
        ];
        if let Some(through) = through.as_str().filter(|t| !t.is_empty()) {
            arguments.extend(["--through", through]);
        }
        let chains = cli_path_chains(&polis.ok(&arguments).json());
        assert!(
            chains
                .iter()
                .any(|chain| chain.iter().map(String::as_str).eq(ids.iter().copied())),
            "the explorer's path {ids:?} is none of `polis {}`'s: {chains:?}",
            arguments.join(" ")
        );
        let path_text = browser.text("ol#path-result").await;
        assert!(path_text.contains("CEFC"), "the path reads: {path_text}");
        browser.check_accessibility("explorer-path").await;
        browser.quit().await;
    });
}

/// Adds a user with a web password, as an admin does: `polis user add NAME --role ROLE
/// --password-stdin`.
fn add_user(polis: &Polis, name: &str, role: &str, password: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_polis"))
        .args(["user", "add", name, "--role", role, "--password-stdin"])
        .env("POLIS_DB", polis.db())
        .env("POLIS_CONFIG", polis.path("polis.toml"))
        .env_remove("POLIS_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("polis user add starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(password.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "polis user add {name} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

impl Browser {
    /// Signs in on the sign-in form that `url` answers with (a page that needs a session
    /// shows it), and waits for the page it leads back to.
    async fn sign_in_at(&mut self, url: &str, name: &str, password: &str, page: &str) {
        self.visit(url, &format!("{page}-sign-in")).await;
        let field = self.element("form#sign-in input#name").await;
        field.clear().await.unwrap();
        field.send_keys(name).await.unwrap();
        self.element("form#sign-in input#password")
            .await
            .send_keys(password)
            .await
            .unwrap();
        self.element("button#sign-in-button")
            .await
            .click()
            .await
            .unwrap();
        self.wait_for(
            &format!(
                "document.querySelector('.user-name') && document.querySelector('.user-name').textContent === '{name}' && document.readyState === 'complete'"
            ),
            "the page once signed in",
        )
        .await;
        self.arrived(page).await;
    }

    /// Signs out with the button every editing page has.
    async fn sign_out(&mut self) {
        self.element("form.sign-out button")
            .await
            .click()
            .await
            .unwrap();
        self.wait_for(
            "location.pathname === '/' && document.readyState === 'complete'",
            "the map after signing out",
        )
        .await;
    }

    /// Checks that the page shown does not scroll sideways 360 px wide (a screenshot named
    /// `page`), then gives the window its width back.
    async fn check_narrow(&mut self, page: &str) {
        self.set_viewport_width(360).await;
        let width = self
            .run("return document.documentElement.scrollWidth")
            .await
            .as_u64()
            .unwrap_or(u64::MAX);
        self.screenshot(&format!("{page}-360")).await;
        self.driver()
            .send_dev_tools_command("Emulation.clearDeviceMetricsOverride", json!({}))
            .await
            .expect("the viewport is restored");
        assert!(width <= 360, "{page} is {width} px wide at 360 px");
    }

    /// Types `text` into the field `selector`, replacing what it held.
    async fn fill(&self, selector: &str, text: &str) {
        let field = self.element(selector).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Clicks `selector` and waits until the next page has loaded and shows `shown`.
    async fn submit(&mut self, selector: &str, shown: &str, page: &str) {
        self.run("document.body.dataset.leaving = 'yes'").await;
        self.element(selector).await.click().await.unwrap();
        self.wait_for(
            &format!("!document.body.dataset.leaving && document.readyState === 'complete' && document.querySelector({})", serde_json::to_string(shown).unwrap()),
            page,
        )
        .await;
        self.arrived(page).await;
    }
}

#[test]
fn an_editor_proposes_a_tie_a_reviewer_approves_it_and_the_admin_sees_it_audited() {
    block_on(async {
        let Some(mut browser) = Browser::start("editing").await else {
            return;
        };
        let polis = Polis::new();
        polis.ok(&["init"]);
        let password = "correct horse battery";
        add_user(&polis, "eddie", "editor", password);
        add_user(&polis, "rita", "reviewer", password);
        add_user(&polis, "ada", "admin", password);
        let server = reference_server(&polis);

        // The editor starts from a place's dossier, as a user who knows something is missing.
        browser
            .visit(&server.at("/places/de-duisburg"), "dossier-duisburg")
            .await;
        let href = browser
            .run("return document.querySelector('p.actions a[href^=\"/propose/tie\"]').getAttribute('href')")
            .await;
        let href = href
            .as_str()
            .expect("the dossier links to the tie form")
            .to_owned();
        browser
            .sign_in_at(&server.at(&href), "eddie", password, "propose-tie")
            .await;
        // The form starts with Duisburg; a wrong date and a place that does not exist are
        // shown beside their fields.
        let a = browser
            .run("return document.querySelector('input#a').value")
            .await;
        assert_eq!(a, "de-duisburg");
        browser.fill("input#b", "Nowhereville").await;
        browser
            .run("document.querySelector('select#kind').value = 'twin_town'")
            .await;
        browser.fill("input#signed", "2021-13").await;
        browser.fill("input#source", "deck").await;
        browser
            .submit("button#propose-button", "#form-errors", "propose-errors")
            .await;
        browser.check_narrow("propose-errors").await;
        let b_error = browser.text("#b-error").await;
        assert!(b_error.contains("Nowhereville"), "#b-error: {b_error}");
        let date_error = browser.text("#signed-error").await;
        assert!(date_error.contains("month"), "#signed-error: {date_error}");
        let described = browser
            .run("return document.querySelector('input#signed').getAttribute('aria-describedby')")
            .await;
        assert!(
            described.as_str().unwrap_or("").contains("signed-error"),
            "the date's input names its error: {described}"
        );
        browser.fill("input#b", "Le Mans").await;
        browser.fill("input#signed", "2021-06").await;
        browser.fill("input#themes", "culture, sport").await;
        browser
            .fill("textarea#comment", "From the Duisburg council minutes")
            .await;
        browser
            .submit("button#propose-button", "#proposal-status", "proposal-open")
            .await;
        let status = browser.text("#proposal-status").await;
        assert_eq!(status, "open");
        let proposal_path = browser
            .run("return location.pathname")
            .await
            .as_str()
            .unwrap()
            .to_owned();
        let diff = browser.text("section#diff").await;
        assert!(diff.contains("de-duisburg--fr-le-mans"), "{diff}");
        assert!(
            browser
                .run("return document.querySelector('#approve') === null")
                .await
                == Value::Bool(true),
            "nobody approves their own proposal"
        );
        browser.sign_out().await;

        // The reviewer finds it in the queue and approves it.
        browser
            .sign_in_at(&server.at("/review"), "rita", password, "review-queue")
            .await;
        browser
            .element(&format!("table.proposals a[href='{proposal_path}']"))
            .await
            .click()
            .await
            .unwrap();
        browser
            .wait_for(
                "document.querySelector('button#approve') && document.readyState === 'complete'",
                "the proposal with its review form",
            )
            .await;
        browser.arrived("proposal-review").await;
        browser.check_narrow("proposal-review").await;
        browser
            .fill("textarea#comment", "Checked against the minutes")
            .await;
        browser
            .submit("button#approve", "#review-notice", "proposal-approved")
            .await;
        let status = browser.text("#proposal-status").await;
        assert_eq!(status, "approved");
        browser.sign_out().await;

        // The tie is there for everyone.
        browser
            .visit(&server.at("/ties/de-duisburg--fr-le-mans"), "new-tie")
            .await;
        let title = browser.text("h1").await;
        assert!(
            title.contains("Duisburg") && title.contains("Le Mans"),
            "{title}"
        );

        // The admin reads the audit entry of the approval.
        browser
            .sign_in_at(&server.at("/audit"), "ada", password, "audit")
            .await;
        let row = browser
            .text("table#audit tr[data-kind='tie'][data-id='de-duisburg--fr-le-mans']")
            .await;
        let number = proposal_path.trim_start_matches("/review/");
        assert!(row.contains("rita"), "the approving reviewer: {row}");
        assert!(row.contains(&format!("proposal {number}")), "{row}");
        browser.quit().await;
    });
}

/// The node ids of each shortest chain that `polis graph path --json` gives, in order.
fn cli_path_chains(cli: &Value) -> Vec<Vec<String>> {
    cli["chains"]
        .as_array()
        .unwrap_or_else(|| panic!("no chains in {cli}"))
        .iter()
        .map(|chain| {
            chain["nodes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|node| node["id"].as_str().map(str::to_owned))
                .collect()
        })
        .collect()
}

/// Every page of the contract, as a user reaches it.
const PAGES: &[(&str, &str)] = &[
    ("/", "map"),
    ("/?place=cz-prague", "map-prague"),
    ("/places/cz-prague", "dossier"),
    ("/ties/cn-beijing--cz-prague", "tie"),
    (
        "/explore?from=prague-city-hall&to=cefc-china-energy",
        "explorer",
    ),
    ("/explore?of=cz-prague", "explorer-neighbourhood"),
    ("/explore?of=cz-prague&during=2016..2018", "explorer-window"),
    ("/dashboard", "dashboard"),
    ("/search?q=Praha", "search"),
    (
        "/resolve?name=Springfield&country=United+States",
        "resolve-toss-up",
    ),
    ("/resolve?name=Simferopol&country=Russia", "resolve-claim"),
    (
        "/resolve?name=Halle&country=Germany&population=237000",
        "resolve-by-population",
    ),
    (
        "/resolve?name=Halle&country=Germany&lat=95&lon=3",
        "resolve-bad-point",
    ),
    ("/resolve?name=+", "resolve-blank"),
    ("/unresolved", "unresolved"),
    ("/sign-in", "sign-in"),
    ("/no-such-page", "not-found"),
];

#[test]
fn every_page_has_the_shared_frame_and_passes_axe() {
    block_on(async {
        let Some(mut browser) = Browser::start("pages").await else {
            return;
        };
        browser.defer_accessibility_failures();
        let polis = Polis::new();
        let server = reference_server(&polis);
        for (path, name) in PAGES {
            browser.visit(&server.at(path), name).await;
            browser.element("header a[href='/']").await;
            for target in ["/", "/dashboard", "/explore", "/search", "/resolve"] {
                browser.element(&format!("nav a[href='{target}']")).await;
            }
            browser.element("input#search").await;
            browser.element("main").await;
            if *name != "not-found" {
                browser.element("a.json-link").await;
                browser
                    .element("link[rel='alternate'][type='application/json']")
                    .await;
            }
        }
        let (status, body) = server.get("/no-such-page");
        assert!(status.contains(" 404 "), "{status}");
        assert!(body.contains("<h1"), "the 404 page has a heading");
        browser.assert_accessible();
        browser.quit().await;
    });
}

#[test]
fn every_page_is_usable_360_pixels_wide() {
    block_on(async {
        let Some(mut browser) = Browser::start("narrow").await else {
            return;
        };
        browser.defer_accessibility_failures();
        let polis = Polis::new();
        let server = reference_server(&polis);
        browser.set_viewport_width(360).await;
        let mut too_wide = Vec::new();
        for (path, name) in PAGES {
            browser
                .visit(&server.at(path), &format!("{name}-360"))
                .await;
            let widths = browser
                .run(
                    "const viewport = document.querySelector('meta[name=viewport]');
                     return [document.documentElement.scrollWidth, window.innerWidth,
                             viewport ? viewport.content : null]",
                )
                .await;
            let scroll_width = widths[0].as_u64().unwrap_or(u64::MAX);
            assert_eq!(widths[1].as_u64(), Some(360), "the viewport is 360 px wide");
            // Without it a phone lays the page out 980 px wide and shrinks it.
            let viewport = widths[2].as_str().unwrap_or("");
            if !viewport.contains("width=device-width") {
                too_wide.push(format!(
                    "{path}: no <meta name=viewport content=\"width=device-width\">"
                ));
            }
            if scroll_width > 360 {
                too_wide.push(format!("{path}: {scroll_width} px"));
            }
        }
        assert!(
            too_wide.is_empty(),
            "pages that scroll sideways at 360 px: {}",
            too_wide.join(", ")
        );
        browser.assert_accessible();
        browser.quit().await;
    });
}

#[test]
fn the_map_and_the_dossier_load_nothing_from_another_host() {
    block_on(async {
        let Some(mut browser) = Browser::start("same-origin").await else {
            return;
        };
        let polis = Polis::new();
        let server = reference_server(&polis);
        for (path, name) in [("/", "map"), ("/places/cz-prague", "dossier")] {
            browser.visit(&server.at(path), name).await;
            let entries = browser
                .run(
                    "return performance.getEntriesByType('navigation')
                       .concat(performance.getEntriesByType('resource'))
                       .map(entry => entry.name)",
                )
                .await;
            let entries: Vec<&str> = entries
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            assert!(
                entries.len() >= 2,
                "{path} loads its own scripts or styles: {entries:?}"
            );
            let origin = server.url.trim_end_matches('/');
            let foreign: Vec<&&str> = entries
                .iter()
                .filter(|name| !name.starts_with(&format!("{origin}/")) && **name != origin)
                .collect();
            assert!(
                foreign.is_empty(),
                "{path} loads from another host: {foreign:?}"
            );
        }
        browser.quit().await;
    });
}

// ---------------------------------------------------------------------------------------
// The world dataset
// ---------------------------------------------------------------------------------------

#[test]
fn the_world_map_draws_every_arc_and_the_slider_redraws() {
    let Some(data) = crate::imports::shared_data() else {
        return;
    };
    block_on(async {
        let Some(mut browser) = Browser::start("world").await else {
            return;
        };
        let polis = Polis::new();
        build_world_database(&polis, &data);
        let server = Server::start(&polis, &[], &[]);
        browser.visit(&server.url, "world-map").await;
        browser
            .wait_for(
                "window.polisMap && window.polisMap.drawnArcs > 0",
                "the map's arcs",
            )
            .await;
        browser.screenshot("world-map-drawn").await;
        let state = browser
            .run(
                "const slider = document.querySelector('input#year-slider');
                 return { min: Number(slider.min), max: Number(slider.max),
                          arcs: window.polisMap.drawnArcs, year: window.polisMap.year };",
            )
            .await;
        let last_year = state["max"].as_i64().unwrap();
        let first_year = state["min"].as_i64().unwrap();
        let arcs_at_last_year = state["arcs"].as_i64().unwrap();
        assert_eq!(state["year"].as_i64(), Some(last_year), "{state}");
        assert!(
            arcs_at_last_year > 20_000,
            "the world map draws {arcs_at_last_year} arcs at {last_year}"
        );
        // An early year: the midpoint between the first dated year and 1950, say, has far
        // fewer ties than today.
        let early_year = first_year.max(1950);
        let arcs_early = browser
            .run(&format!(
                "const slider = document.querySelector('input#year-slider');
                 slider.value = '{early_year}';
                 slider.dispatchEvent(new Event('input', {{ bubbles: true }}));
                 return window.polisMap.drawnArcs;"
            ))
            .await
            .as_i64()
            .unwrap();
        browser.screenshot(&format!("world-{early_year}")).await;
        assert_ne!(
            arcs_early, arcs_at_last_year,
            "moving the slider from {last_year} to {early_year} redraws"
        );
        eprintln!(
            "world map: {arcs_at_last_year} arcs at {last_year}, {arcs_early} at {early_year}"
        );
        assert!(
            arcs_early < arcs_at_last_year,
            "{arcs_early} arcs in {early_year}"
        );
        browser.quit().await;
    });
}

/// The reference dataset with the Wikipedia list and the Wikidata sister cities imported.
fn build_world_database(polis: &Polis, data: &Path) {
    polis.ok(&["init"]);
    for (format, file) in [
        ("wikipedia-list", "wikipedia-twin-towns/twin_cities_raw.csv"),
        ("wikidata-tsv", "wikidata-eu-sistercities/sistercities.tsv"),
    ] {
        polis.ok(&["import", format, &data.join(file).display().to_string()]);
    }
}
