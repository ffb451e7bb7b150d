//! The HTTP API end to end: each test starts the real app on `127.0.0.1:0` over a fresh
//! temporary SQLite database loaded with the committed reference bundle, and asks it
//! questions with a real HTTP client.

mod analyses;
mod api;
mod editing;
mod errors;
mod names;
mod openapi;
mod pages;
mod records;
mod resolve_context;
mod team;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use polis_http::{AppState, HttpConfig};
use polis_store::{ChangeContext, Records};
use polis_store_sqlite::SqliteStore;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

/// A running server over its own database; dropping it stops the server.
pub struct Server {
    pub base: String,
    pub client: reqwest::Client,
    pub state: AppState,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

/// One answer: its status, headers and body.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts the status is 200 and returns the JSON body.
    pub fn ok_json(&self) -> Value {
        assert_eq!(self.status, StatusCode::OK, "body: {}", self.body);
        self.json()
    }
}

/// The repository's root, for the committed reference bundle.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository root")
}

/// A fresh database in a temporary directory, loaded with `data/reference`.
pub async fn reference_store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = SqliteStore::open(&dir.path().join("polis.db"))
        .await
        .expect("the database opens");
    let bundle = polis_bundle::read(&repo_root().join("data/reference"))
        .expect("the reference bundle reads");
    store
        .apply(
            &bundle.data,
            &ChangeContext {
                who: "test".into(),
                context: "load the reference bundle".into(),
            },
        )
        .await
        .expect("the reference bundle applies");
    (dir, store)
}

impl Server {
    /// The app with the default settings over the reference data.
    pub async fn start() -> Server {
        Self::start_with(HttpConfig::default()).await
    }

    pub async fn start_with(config: HttpConfig) -> Server {
        let (dir, store) = reference_store().await;
        let app = polis_app::App::with_store(
            std::sync::Arc::new(store),
            polis_app::Location::sqlite(dir.path().join("polis.db")),
        );
        let state = AppState::new(app, config).await.expect("the state loads");
        let listener = polis_http::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("a free port on 127.0.0.1");
        let address = listener.local_addr().expect("the bound address");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(polis_http::serve_on(listener, state.clone(), async move {
            let _ = stopped.await;
        }));
        Server {
            base: format!("http://{address}"),
            client: reqwest::Client::new(),
            state,
            stop: Some(stop),
            _dir: dir,
        }
    }

    pub async fn get(&self, path_and_query: &str) -> Answer {
        self.send(self.client.get(format!("{}{path_and_query}", self.base)))
            .await
    }

    /// A token for a new user `name` with `role`, added by the local admin.
    pub async fn token_for(&self, name: &str, role: polis_store::Role) -> String {
        let admin = polis_app::Principal::local_admin("test");
        let app = self.state.app();
        app.add_user(&admin, name, role, None)
            .await
            .expect("adds the user");
        app.create_token(&admin, name, None)
            .await
            .expect("creates a token")
            .secret
    }

    /// A GET with `Authorization: Bearer TOKEN`.
    pub async fn get_as(&self, path_and_query: &str, token: &str) -> Answer {
        self.send(
            self.client
                .get(format!("{}{path_and_query}", self.base))
                .bearer_auth(token),
        )
        .await
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("the server answers");
        Answer {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.text().await.expect("a body"),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Asserts `answer` is an error with the stable body, and returns its message.
pub fn check_error(answer: &Answer, status: StatusCode, code: &str) -> String {
    assert_eq!(answer.status, status, "body: {}", answer.body);
    assert!(
        answer.content_type().starts_with("application/json"),
        "content type {}",
        answer.content_type()
    );
    let body = answer.json();
    let error = body
        .as_object()
        .and_then(|o| o.get("error"))
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("no `error` object: {body}"));
    assert_eq!(
        error.keys().collect::<Vec<_>>(),
        ["code", "message"],
        "{body}"
    );
    assert_eq!(body.as_object().map(|o| o.len()), Some(1), "{body}");
    assert_eq!(error["code"], code, "{body}");
    error["message"]
        .as_str()
        .expect("the message is text")
        .to_owned()
}
