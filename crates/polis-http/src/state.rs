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

/// Everything the handlers share. Cloning is cheap.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    app: App,
    config: HttpConfig,
    rate_limiter: Option<Arc<RateLimiter>>,
    cors_origins: Option<Vec<HeaderValue>>,
    openapi_json: Bytes,
}

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
                cors_origins,
                openapi_json,
            }),
        })
    }

    /// The service layer.
    pub fn app(&self) -> &App {
        &self.inner.app
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

    pub(crate) fn cors_origins(&self) -> Option<&[HeaderValue]> {
        self.inner.cors_origins.as_deref()
    }

    pub(crate) fn openapi_json(&self) -> Bytes {
        self.inner.openapi_json.clone()
    }
}
