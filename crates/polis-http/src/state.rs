//! The state every handler shares: the service layer ([`polis_app::App`], which holds the
//! store and the snapshot questions are answered from), the server's settings, and what the
//! layers need (the rate limiter, CORS origins, the OpenAPI document).

use std::sync::Arc;

use axum::http::HeaderValue;
use bytes::Bytes;
use polis_app::App;
use tower_governor::governor::GovernorConfig;
use tower_governor::key_extractor::PeerIpKeyExtractor;

use crate::HttpError;
use crate::config::HttpConfig;

/// The per-IP rate limiter's settings and state.
pub(crate) type RateLimiter =
    GovernorConfig<PeerIpKeyExtractor, governor::middleware::NoOpMiddleware>;

/// The per-IP limiter of writes, stricter than the one of every request.
pub(crate) type WriteLimiter = governor::DefaultKeyedRateLimiter<std::net::IpAddr>;

/// Everything the handlers share. Cloning is cheap.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    app: App,
    config: HttpConfig,
    rate_limiter: Option<Arc<RateLimiter>>,
    write_limiter: Option<WriteLimiter>,
    cors_origins: Option<Vec<HeaderValue>>,
    openapi_json: Bytes,
    answers: std::sync::Mutex<AnswerCache>,
}

/// JSON answers of whole-dataset reads (statistics, lists of ties), kept for the snapshot
/// they were computed on: under load, a reader asking what the reader before asked is
/// answered without walking the dataset again. A newer snapshot empties it.
#[derive(Default)]
struct AnswerCache {
    version: i64,
    answers: std::collections::HashMap<String, Arc<tokio::sync::OnceCell<Bytes>>>,
}

/// The most answers kept for one snapshot; past it the cache starts again.
const MAX_CACHED_ANSWERS: usize = 1024;

impl AppState {
    /// Checks `config` and loads the first snapshot.
    pub async fn new(app: App, config: HttpConfig) -> Result<Self, HttpError> {
        let rate_limiter = if config.rate_per_second == 0 {
            None
        } else {
            let period_nanoseconds = 1_000_000_000 / u64::from(config.rate_per_second);
            let limiter = tower_governor::governor::GovernorConfigBuilder::default()
                .per_nanosecond(period_nanoseconds.max(1))
                .burst_size(config.burst)
                .finish()
                .ok_or_else(|| HttpError::Config {
                    setting: "burst",
                    value: config.burst.to_string(),
                    reason: "the burst must be at least 1 when rate limiting is on".to_owned(),
                })?;
            Some(Arc::new(limiter))
        };
        let write_limiter = match (
            std::num::NonZeroU32::new(config.write_rate_per_minute),
            std::num::NonZeroU32::new(config.write_burst),
        ) {
            (None, _) => None,
            (Some(_), None) => {
                return Err(HttpError::Config {
                    setting: "write_burst",
                    value: "0".to_owned(),
                    reason: "the write burst must be at least 1 when the write limit is on"
                        .to_owned(),
                });
            }
            (Some(rate), Some(burst)) => Some(governor::RateLimiter::keyed(
                governor::Quota::per_minute(rate).allow_burst(burst),
            )),
        };
        let cors_origins = if config.cors_allowed_origins.is_empty() {
            None
        } else {
            let origins = config
                .cors_allowed_origins
                .iter()
                .map(|origin| {
                    HeaderValue::from_str(origin).map_err(|e| HttpError::Config {
                        setting: "cors_allowed_origins",
                        value: origin.clone(),
                        reason: format!("not a valid origin ({e}); write e.g. https://example.org"),
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Some(origins)
        };
        app.snapshot().await?;
        let openapi_json = Bytes::from(
            serde_json::to_vec(&crate::openapi::openapi())
                .expect("the OpenAPI document serializes"),
        );
        Ok(Self {
            inner: Arc::new(Inner {
                app,
                config,
                rate_limiter,
                write_limiter,
                cors_origins,
                openapi_json,
                answers: std::sync::Mutex::default(),
            }),
        })
    }

    /// The service layer.
    pub fn app(&self) -> &App {
        &self.inner.app
    }

    /// The cell that holds (or will hold) the answer for `key` on the snapshot of `version`:
    /// the first reader to ask computes it, and the readers asking meanwhile wait for that
    /// answer rather than computing it again. A newer snapshot empties the cache; a reader
    /// of an older snapshot than the cache's gets a cell of its own.
    pub(crate) fn answer_cell(&self, version: i64, key: &str) -> Arc<tokio::sync::OnceCell<Bytes>> {
        let Ok(mut cache) = self.inner.answers.lock() else {
            return Arc::default();
        };
        if version > cache.version || cache.answers.len() >= MAX_CACHED_ANSWERS {
            cache.answers.clear();
            cache.version = version;
        }
        if version != cache.version {
            return Arc::default();
        }
        cache.answers.entry(key.to_owned()).or_default().clone()
    }

    /// Loads the records again and swaps the snapshot; requests already running finish on
    /// the old one. Returns the number of records loaded.
    pub async fn reload(&self) -> Result<usize, HttpError> {
        Ok(self.inner.app.reload().await?)
    }

    pub fn config(&self) -> &HttpConfig {
        &self.inner.config
    }

    pub(crate) fn rate_limiter(&self) -> Option<Arc<RateLimiter>> {
        self.inner.rate_limiter.clone()
    }

    /// Counts a write from `address` against the write limit; the whole seconds to wait
    /// when it is spent.
    pub(crate) fn check_write_rate(&self, address: std::net::IpAddr) -> Result<(), u64> {
        let Some(limiter) = &self.inner.write_limiter else {
            return Ok(());
        };
        limiter.check_key(&address).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            ));
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }

    pub(crate) fn cors_origins(&self) -> Option<&[HeaderValue]> {
        self.inner.cors_origins.as_deref()
    }

    pub(crate) fn openapi_json(&self) -> Bytes {
        self.inner.openapi_json.clone()
    }
}
