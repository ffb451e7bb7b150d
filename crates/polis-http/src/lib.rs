//! The polis HTTP API and web pages: a JSON API under `/api/v1` that offers what the command
//! line shows (places, ties, statistics, changes, quality, dormant ties, paths, network
//! metrics, the partner finder and its evaluation, figures, activity totals, clauses,
//! search, the audit log, name resolution against the embedded gazetteer, the unresolved-name
//! queue and exports), and, with a bearer token, proposals and their review, users' roles
//! and the audit log; documented by an OpenAPI document at `/api/v1/openapi.json`; and the
//! web UI's pages over the same calls ([`PAGES`]: the map, dossiers, ties, the explorer, the
//! dashboard, search; rendered by `polis-web`). This is
//! the only crate that knows HTTP.
//!
//! Reads are answered from an in-memory snapshot of the store ([`AppState`]), so a request
//! touches SQL only for full-text search, the audit log and the unresolved queue. Every error has the same body,
//! `{"error": {"code", "message"}}` ([`ApiError`]). Requests are bounded by a body limit, a
//! timeout and a per-IP rate limit ([`HttpConfig`]).
//!
//! ```no_run
//! # async fn run(app: polis_app::App) -> Result<(), polis_http::HttpError> {
//! polis_http::serve(app, "127.0.0.1:8080".parse().unwrap()).await
//! # }
//! ```

mod config;
mod error;
mod etag;
mod openapi;
mod pages;
mod params;
mod routes;
mod schema;
mod state;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, Method, StatusCode, header};
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use config::HttpConfig;
pub use error::{ApiError, ErrorCode};
pub use openapi::openapi;
pub use pages::{PAGES, Page};
pub use routes::{ROUTES, Route};
pub use state::AppState;

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("cannot load the data from the store: {0}")]
    Load(#[from] polis_app::AppError),
    #[error("invalid HTTP setting `{setting}` = '{value}': {reason}")]
    Config {
        setting: &'static str,
        value: String,
        reason: String,
    },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("the HTTP server failed: {0}")]
    Serve(#[source] std::io::Error),
}

/// The whole application: every route of [`ROUTES`] under its layers (gzip for clients
/// that accept it, panic catching, uniform error bodies, tracing, `nosniff`,
/// CORS when configured, per-IP rate limiting, the body limit and the timeout, from the
/// outside in).
///
/// Serve it with [`serve_on`] (or `into_make_service_with_connect_info::<SocketAddr>()`):
/// the rate limiter keys on the peer address and answers 500 without it.
pub fn router(state: AppState) -> Router {
    let config = state.config().clone();
    let mut routes = Router::new();
    for route in ROUTES {
        routes = routes.route(route.path, (route.handler)());
    }
    // The web pages beside the API; a path neither serves gets the API's JSON error under
    // `/api/` and the HTML 404 page elsewhere.
    for page in PAGES {
        routes = routes.route(page.path, (page.handler)());
    }
    let mut app = routes
        .fallback(pages::not_found)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .with_state(state.clone())
        // Innermost first: a request meets these from the bottom of this chain up.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            params::authenticate,
        ))
        // Every successful read under /api/ gets its ETag, and a current If-None-Match 304.
        .layer(axum::middleware::from_fn(etag::conditional_get))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(config.request_timeout_seconds),
        ))
        .layer(RequestBodyLimitLayer::new(config.body_limit_bytes));
    if let Some(governor) = state.rate_limiter() {
        app = app
            .layer(tower_governor::GovernorLayer::new(governor).error_handler(error::rate_limited));
    }
    if let Some(origins) = state.cors_origins() {
        app = app.layer(
            CorsLayer::new()
                .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
                .allow_headers([
                    header::AUTHORIZATION,
                    header::CONTENT_TYPE,
                    header::IF_MATCH,
                    header::IF_NONE_MATCH,
                ])
                .expose_headers([header::ETAG, header::LOCATION, header::RETRY_AFTER])
                .allow_origin(AllowOrigin::list(origins.iter().cloned())),
        );
    }
    app.layer(SetResponseHeaderLayer::overriding(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ))
    .layer(TraceLayer::new_for_http())
    .layer(axum::middleware::map_response(error::uniform_error_body))
    .layer(CatchPanicLayer::custom(error::panicked))
    // Outermost, so it compresses the final body: JSON (the map layer is megabytes) and
    // pages are gzipped for clients that accept it; the assets, gzipped already, pass.
    .layer(CompressionLayer::new().gzip(true))
}

/// Serves the API over `app` on `addr` with the default [`HttpConfig`] until Ctrl-C (or
/// SIGTERM), then finishes the requests in flight.
pub async fn serve(app: polis_app::App, addr: SocketAddr) -> Result<(), HttpError> {
    serve_with_config(app, addr, HttpConfig::default()).await
}

/// [`serve`] with explicit settings. The snapshot follows the store: a change committed by
/// this server, or by another process on the same database (`polis import`), is seen within
/// `snapshot_poll_milliseconds`. On Unix, SIGHUP forces a reload.
pub async fn serve_with_config(
    app: polis_app::App,
    addr: SocketAddr,
    config: HttpConfig,
) -> Result<(), HttpError> {
    // `/resolve` needs the gazetteer: load it now, on its own thread, so that the first
    // request does not wait for it.
    app.resolver().preload();
    let state = AppState::new(app, config).await?;
    let listener = bind(addr).await?;
    let local = listener.local_addr().unwrap_or(addr);
    tracing::info!(address = %local, "polis API listening on http://{local}/api/v1");
    #[cfg(unix)]
    let reloader = tokio::spawn(reload_on_sighup(state.clone()));
    let result = serve_on(listener, state, shutdown_signal()).await;
    #[cfg(unix)]
    reloader.abort();
    result
}

/// Binds a TCP listener, naming the address when that fails.
pub async fn bind(addr: SocketAddr) -> Result<TcpListener, HttpError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| HttpError::Bind { addr, source })
}

/// Serves [`router`] on `listener` until `shutdown` completes, then finishes the requests
/// in flight. Tests bind `127.0.0.1:0` and call this.
pub async fn serve_on(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), HttpError> {
    // The rate limiter remembers every client address; forget the idle ones now and then.
    let cleaner = state.rate_limiter().map(|governor| {
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(Duration::from_secs(60));
            loop {
                interval.tick().await;
                governor.limiter().retain_recent();
            }
        })
    });
    let follower = tokio::spawn(follow_the_store(state.clone()));
    let warmer = tokio::spawn(warm_settled_snapshots(state.clone()));
    let app = router(state);
    let result = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .map_err(HttpError::Serve);
    if let Some(cleaner) = cleaner {
        cleaner.abort();
    }
    follower.abort();
    warmer.abort();
    result
}

/// Keeps the snapshot current: every `snapshot_poll_milliseconds`, asks the store for its
/// version (one cheap query) and swaps in a new snapshot when it has changed. Readers are
/// never blocked: they keep the snapshot they hold until they finish.
async fn follow_the_store(state: AppState) {
    let period = Duration::from_millis(state.config().snapshot_poll_milliseconds.max(10));
    // A backend that pushes its changes (PostgreSQL's LISTEN/NOTIFY) wakes this task at
    // each commit; polling stays as a slow safety net for notifications missed while its
    // connection was re-established, and takes over when the listener stops.
    match state.app().store().change_listener().await {
        Ok(Some(mut listener)) => {
            let mut safety_net = tokio::time::interval(period * 20);
            safety_net.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    change = listener.next_change() => {
                        if change.is_none() {
                            tracing::warn!("the store's change listener stopped: polling instead");
                            break;
                        }
                    }
                    _ = safety_net.tick() => {}
                }
                refresh_snapshot(&state).await;
            }
        }
        Ok(None) => {}
        Err(error) => {
            tracing::warn!(%error, "cannot listen for the store's changes: polling instead")
        }
    }
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        refresh_snapshot(&state).await;
    }
}

/// Computes, on a blocking thread, what the pages keep per snapshot (`Snapshot::warm`:
/// the map layer, the dashboard, the quality checks of the records), so that the first
/// visit to the map or the dashboard after a change finds it ready. The first snapshot is
/// warmed at once; a later one once it has stayed in force for a poll period, and one at a
/// time: on the world dataset a warm costs about a second of a core, and during a burst of
/// approved changes, warming every passing snapshot took the cores from the readers. A
/// page asked for before then computes what it needs itself, once per snapshot.
async fn warm_settled_snapshots(state: AppState) {
    let period = Duration::from_millis(state.config().snapshot_poll_milliseconds.max(10));
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let (mut warmed, mut seen) = (None, None);
    loop {
        interval.tick().await;
        let Some(snapshot) = state.app().current() else {
            continue;
        };
        let version = snapshot.version();
        if warmed == Some(version) {
            continue;
        }
        if warmed.is_some() && seen != Some(version) {
            seen = Some(version);
            continue;
        }
        warmed = Some(version);
        let started = std::time::Instant::now();
        if tokio::task::spawn_blocking(move || snapshot.warm())
            .await
            .is_ok()
        {
            tracing::debug!(
                version,
                seconds = started.elapsed().as_secs_f64(),
                "snapshot warmed"
            );
        }
    }
}

/// Reloads the snapshot if the store's version moved.
async fn refresh_snapshot(state: &AppState) {
    match state.app().refresh().await {
        Ok(true) => tracing::info!("the store changed: snapshot reloaded"),
        Ok(false) => {}
        Err(error) => {
            tracing::error!(%error, "cannot refresh the snapshot; keeping the old one")
        }
    }
}

/// Completes on Ctrl-C, or on SIGTERM on Unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}

/// Reloads the snapshot whenever the process receives SIGHUP.
#[cfg(unix)]
async fn reload_on_sighup(state: AppState) {
    let Ok(mut hangups) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
    else {
        tracing::warn!("cannot listen for SIGHUP: reloading by signal is off");
        return;
    };
    while hangups.recv().await.is_some() {
        match state.reload().await {
            Ok(n_records) => tracing::info!(n_records, "reloaded the snapshot on SIGHUP"),
            Err(error) => {
                tracing::error!(%error, "cannot reload the snapshot; keeping the old one")
            }
        }
    }
}
