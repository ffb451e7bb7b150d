//! The ways a fetch fails. Each message names the endpoint and the page (its `OFFSET`)
//! where that applies, and says what to try next.

/// Why [`crate::fetch`] returned no results.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// A setting is unusable; nothing was sent.
    #[error("the fetch setting `{field}` = '{value}' is not accepted: {expected}")]
    InvalidConfig {
        field: &'static str,
        value: String,
        expected: String,
    },

    /// The endpoint kept failing (connection errors, timeouts, HTTP 429 or 5xx) until the
    /// retries ran out, or asked to be left alone for longer than polis waits.
    #[error(
        "gave up on {endpoint} at page {page} (OFFSET {offset}) after {attempts} attempt(s): the last one failed with {last}. {hint}"
    )]
    GaveUp {
        endpoint: String,
        page: usize,
        offset: usize,
        attempts: u32,
        /// The last HTTP status with the start of its body, or the connection error.
        last: String,
        /// What the user can try.
        hint: String,
    },

    /// The endpoint refused the request with a 4xx status other than 429; retrying the
    /// same request cannot help.
    #[error(
        "{endpoint} refused page {page} (OFFSET {offset}) with HTTP {status}: {body_excerpt}. {hint}"
    )]
    Refused {
        endpoint: String,
        page: usize,
        offset: usize,
        status: u16,
        /// The first 500 characters of the response body.
        body_excerpt: String,
        hint: String,
    },

    /// A request could not be made for a reason that retrying does not change (a TLS
    /// certificate problem, too many redirects, a response too large to hold).
    #[error("could not fetch page {page} (OFFSET {offset}) from {endpoint}: {message}")]
    Request {
        endpoint: String,
        page: usize,
        offset: usize,
        message: String,
    },

    /// A page arrived with a success status but is not SPARQL 1.1 JSON results, or its
    /// variables differ from the first page's.
    #[error(
        "page {page} (OFFSET {offset}) from {endpoint} is not SPARQL 1.1 JSON results: {message}"
    )]
    InvalidResponse {
        endpoint: String,
        page: usize,
        offset: usize,
        message: String,
    },
}
