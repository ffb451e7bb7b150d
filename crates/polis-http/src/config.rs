//! The server's settings: request limits, rate limiting and CORS, with safe defaults.

use serde::{Deserialize, Serialize};

/// How the server guards itself. The defaults are generous for reading, stricter for
/// writing (a separate, lower rate), and strict about what is never needed (CORS: off).
///
/// It deserializes with every field optional, so the binary's settings file can hold an
/// `[http]` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Requests each client IP address may make per second, on average; 0 turns rate
    /// limiting off. Behind a reverse proxy every request comes from the proxy's address,
    /// so limit there instead.
    pub rate_per_second: u32,
    /// Requests a client may make at once before the average applies.
    pub burst: u32,
    /// The largest request body accepted, in bytes; larger ones get 413.
    pub body_limit_bytes: usize,
    /// How long a request may take before it is answered with 503 `timeout`.
    pub request_timeout_seconds: u64,
    /// Origins allowed to call the API from a browser page on another origin
    /// (`https://example.org`). Empty: CORS is off and browsers allow same-origin only.
    pub cors_allowed_origins: Vec<String>,
    /// Whether every read under `/api/` needs a token (`Authorization: Bearer polis_...`, any
    /// role). Off: reading is public, as for an open observatory; the audit log, users and
    /// proposals need a token whatever this says.
    pub read_requires_token: bool,
    /// Writes (proposals, reviews, roles) each client IP address may make per minute, on
    /// average, on top of `rate_per_second`; 0 turns this limit off.
    pub write_rate_per_minute: u32,
    /// Writes a client may make at once before `write_rate_per_minute` applies.
    pub write_burst: u32,
    /// Whether a reviewer's or admin's proposal is applied at once, approved by its author.
    /// Off: every change waits for a second person.
    pub direct_apply_for_reviewers: bool,
    /// How often the server asks the store whether it changed (another process's import, a
    /// write through another server), in milliseconds; a change is seen within this time.
    pub snapshot_poll_milliseconds: u64,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            rate_per_second: 100,
            burst: 200,
            body_limit_bytes: 1024 * 1024,
            request_timeout_seconds: 30,
            cors_allowed_origins: Vec::new(),
            snapshot_poll_milliseconds: 500,
            read_requires_token: false,
            write_rate_per_minute: 60,
            write_burst: 10,
            direct_apply_for_reviewers: false,
        }
    }
}
