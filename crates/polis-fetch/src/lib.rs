//! Live fetching of the Wikidata P190 ("twinned administrative body") statements from a
//! SPARQL endpoint, for `polis fetch wikidata`.
//!
//! [`fetch`] pages through the query of [`query_text`] with `LIMIT`/`OFFSET`, keeps requests
//! at least [`FetchConfig::min_interval`] apart, retries connection errors, timeouts, HTTP
//! 429 and 5xx with exponential backoff (honouring `Retry-After`), and merges the pages
//! into one SPARQL 1.1 JSON results document, which the `wikidata-json` importer of
//! `polis-import` reads. This crate is the only place in polis that makes outgoing HTTP
//! requests; it does no file IO, so the caller decides where the document goes.

mod error;
mod pacing;
mod query;
mod results;

use std::time::{Duration, Instant};

use serde_json::Value;

pub use error::FetchError;
pub use query::query_text;

use pacing::Pacer;

/// The public Wikidata Query Service, the default endpoint. Tests never contact it.
pub const WIKIDATA_QUERY_SERVICE: &str = "https://query.wikidata.org/sparql";

/// Label languages in the order the label service tries them: English first, then
/// Wikidata's language-independent `mul` labels, then the languages with the most city
/// labels, so that few items come back with a bare Q-id for a label.
pub const DEFAULT_LABEL_LANGUAGES: &[&str] = &[
    "en", "mul", "fr", "de", "es", "it", "pt", "nl", "pl", "cs", "sk", "hu", "ro", "ru", "uk",
    "sv", "fi", "tr", "el", "ar", "fa", "he", "hi", "zh", "ja", "ko", "vi", "id",
];

/// The largest response body read for one page. Pages of 5,000 rows are a few megabytes.
const MAX_BODY_BYTES: u64 = 512 * 1024 * 1024;

/// A `Retry-After` longer than this ends the fetch instead of holding it for hours.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(15 * 60);

/// How much of an error response's body goes into [`FetchError::Refused`].
const REFUSED_BODY_CHARS: usize = 500;

/// How much of an error response's body goes into the reason for a retry.
const RETRY_BODY_CHARS: usize = 200;

/// A User-Agent that follows the Wikimedia User-Agent policy: the client's name and
/// version, what it is, and, when given, how to reach whoever runs it (an e-mail address
/// or a project page), then the HTTP library.
pub fn user_agent(contact: Option<&str>) -> String {
    let about = match contact.map(str::trim).filter(|contact| !contact.is_empty()) {
        Some(contact) => format!("open-source city-diplomacy observatory; {contact}"),
        None => "open-source city-diplomacy observatory".to_owned(),
    };
    format!("polis/{} ({about}) ureq/3", env!("CARGO_PKG_VERSION"))
}

/// What to fetch, from where, and how gently.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchConfig {
    /// The SPARQL endpoint URL (`http` or `https`).
    pub endpoint: String,
    /// An ISO 3166-1 alpha-2 code: only origin cities whose country (P17) has that code
    /// (P297) are fetched. Case does not matter.
    pub country: Option<String>,
    /// Languages for labels, in order of preference (language codes such as `en`, `zh-hant`).
    pub label_languages: Vec<String>,
    /// Rows asked for per request (`LIMIT`).
    pub page_size: usize,
    /// The most pages fetched; when reached, [`FetchStats::stopped_at_max_pages`] is set.
    pub max_pages: usize,
    /// The least time between the starts of two requests, retries included.
    pub min_interval: Duration,
    /// Retries of one page after a connection error, a timeout, HTTP 429 or 5xx.
    pub max_retries: u32,
    /// The wait before the first retry when the server gives no `Retry-After`; it doubles
    /// with each further retry, up to `max_backoff`, and is then jittered down by up to half.
    pub initial_backoff: Duration,
    /// The longest wait between retries that polis chooses itself.
    pub max_backoff: Duration,
    /// The longest one request may take, from connecting to the end of the body.
    pub timeout: Duration,
    /// The User-Agent header; see [`user_agent`].
    pub user_agent: String,
    /// Whether to use the proxy named by `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` (honouring
    /// `NO_PROXY`).
    pub proxy_from_environment: bool,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            endpoint: WIKIDATA_QUERY_SERVICE.to_owned(),
            country: None,
            label_languages: DEFAULT_LABEL_LANGUAGES
                .iter()
                .map(|language| (*language).to_owned())
                .collect(),
            page_size: 5000,
            max_pages: 1000,
            min_interval: Duration::from_secs(1),
            max_retries: 5,
            initial_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(120),
            timeout: Duration::from_secs(120),
            user_agent: user_agent(None),
            proxy_from_environment: true,
        }
    }
}

/// What [`fetch`] is doing, for progress bars and logs. Pages are numbered from 1.
#[derive(Debug, Clone, PartialEq)]
pub enum FetchProgress {
    /// A request is being sent; `attempt` is 1 for the first try of a page.
    Requesting {
        page: usize,
        offset: usize,
        attempt: u32,
    },
    /// A request failed in a way worth retrying; the next attempt starts after `wait`.
    Retrying {
        page: usize,
        offset: usize,
        attempt: u32,
        wait: Duration,
        reason: String,
    },
    /// A page arrived and was checked.
    Page {
        page: usize,
        offset: usize,
        rows: usize,
        total_rows: usize,
    },
}

/// How a fetch went.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchStats {
    pub endpoint: String,
    /// Pages received.
    pub pages: usize,
    /// Bindings in the merged document.
    pub rows: usize,
    /// Requests repeated after a failure, over all pages.
    pub retries: u32,
    pub elapsed: Duration,
    /// True when the fetch stopped because it reached `max_pages` with the last page still
    /// full, so more rows may exist.
    pub stopped_at_max_pages: bool,
}

/// The merged results and how they were obtained.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchResult {
    /// One SPARQL 1.1 JSON results document: the first page's `head.vars` and every page's
    /// `results.bindings`, in order. Write it with `serde_json::to_vec` and import it as
    /// `wikidata-json`.
    pub document: Value,
    pub stats: FetchStats,
}

/// Runs the P190 query page by page against `config.endpoint` and merges the pages.
///
/// Stops at the first page with fewer rows than `page_size` (an empty page included) or
/// after `max_pages` pages. `progress` is called before every request, before every retry
/// wait and after every page.
pub fn fetch(
    config: &FetchConfig,
    progress: &dyn Fn(FetchProgress),
) -> Result<FetchResult, FetchError> {
    let started = Instant::now();
    let config = checked(config)?;
    let agent = agent(&config);
    let mut pacer = Pacer::new(config.min_interval);
    let mut vars: Option<Vec<String>> = None;
    let mut bindings = Vec::new();
    let mut retries = 0;
    let mut pages = 0;
    let mut stopped_at_max_pages = false;
    loop {
        let page = Location {
            number: pages + 1,
            offset: pages.saturating_mul(config.page_size),
        };
        let body = fetch_page(&agent, &config, &mut pacer, page, &mut retries, progress)?;
        let invalid = |message: String| FetchError::InvalidResponse {
            endpoint: config.endpoint.clone(),
            page: page.number,
            offset: page.offset,
            message,
        };
        let received = results::read_page(&body).map_err(invalid)?;
        match &vars {
            None => vars = Some(received.vars),
            Some(first) if *first != received.vars => {
                return Err(invalid(format!(
                    "its variables {:?} differ from the first page's {first:?}",
                    received.vars
                )));
            }
            Some(_) => {}
        }
        let n_rows = received.bindings.len();
        bindings.extend(received.bindings);
        pages += 1;
        progress(FetchProgress::Page {
            page: page.number,
            offset: page.offset,
            rows: n_rows,
            total_rows: bindings.len(),
        });
        if n_rows < config.page_size {
            break;
        }
        if pages >= config.max_pages {
            stopped_at_max_pages = true;
            break;
        }
    }
    let rows = bindings.len();
    Ok(FetchResult {
        document: results::document(&vars.unwrap_or_default(), bindings),
        stats: FetchStats {
            endpoint: config.endpoint.clone(),
            pages,
            rows,
            retries,
            elapsed: started.elapsed(),
            stopped_at_max_pages,
        },
    })
}

/// A page's number (from 1) and first row.
#[derive(Debug, Clone, Copy)]
struct Location {
    number: usize,
    offset: usize,
}

/// `config` with its values checked and the country code upper-cased.
fn checked(config: &FetchConfig) -> Result<FetchConfig, FetchError> {
    let invalid = |field: &'static str, value: &dyn std::fmt::Display, expected: &str| {
        Err(FetchError::InvalidConfig {
            field,
            value: value.to_string(),
            expected: expected.to_owned(),
        })
    };
    let mut config = config.clone();
    let endpoint = config.endpoint.trim();
    let scheme_ok = ["http://", "https://"].iter().any(|scheme| {
        endpoint
            .get(..scheme.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
    });
    let uri_ok = endpoint
        .parse::<ureq::http::Uri>()
        .is_ok_and(|uri| uri.host().is_some_and(|host| !host.is_empty()));
    if !scheme_ok || !uri_ok {
        return invalid(
            "endpoint",
            &config.endpoint,
            &format!(
                "an http:// or https:// URL of a SPARQL endpoint, such as {WIKIDATA_QUERY_SERVICE}"
            ),
        );
    }
    config.endpoint = endpoint.to_owned();
    if let Some(country) = &config.country {
        let code = country.trim();
        if code.len() != 2 || !code.bytes().all(|byte| byte.is_ascii_alphabetic()) {
            return invalid(
                "country",
                country,
                "an ISO 3166-1 alpha-2 code of two letters, such as CZ or JP",
            );
        }
        config.country = Some(code.to_ascii_uppercase());
    }
    if config.label_languages.is_empty() {
        return invalid(
            "label_languages",
            &"",
            "at least one language code, such as en",
        );
    }
    for language in &config.label_languages {
        let well_formed = !language.is_empty()
            && language.len() <= 35
            && language
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-');
        if !well_formed {
            return invalid(
                "label_languages",
                language,
                "language codes of letters, digits and hyphens, such as en, mul or zh-hant",
            );
        }
    }
    if !(1..=1_000_000).contains(&config.page_size) {
        return invalid(
            "page_size",
            &config.page_size,
            "a number of rows per request from 1 to 1000000",
        );
    }
    if config.max_pages == 0 {
        return invalid("max_pages", &config.max_pages, "at least 1 page");
    }
    if config.timeout.is_zero() {
        return invalid(
            "timeout",
            &format!("{:?}", config.timeout),
            "a duration longer than zero",
        );
    }
    if config.user_agent.trim().is_empty()
        || ureq::http::HeaderValue::from_str(&config.user_agent).is_err()
    {
        return invalid(
            "user_agent",
            &config.user_agent,
            "a non-empty header value without control characters that names the client, such as polis/0.1.0 (open-source city-diplomacy observatory; you@example.org)",
        );
    }
    Ok(config)
}

fn agent(config: &FetchConfig) -> ureq::Agent {
    let mut builder = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(config.timeout))
        .user_agent(config.user_agent.as_str());
    if !config.proxy_from_environment {
        builder = builder.proxy(None);
    }
    builder.build().into()
}

/// What one request came to.
enum Outcome {
    /// A 2xx response's body.
    Body(Vec<u8>),
    /// A failure that may pass: `reason` for messages, the server's `Retry-After`, and
    /// what to suggest if it never passes.
    Retry {
        reason: String,
        retry_after: Option<Duration>,
        hint: String,
    },
    /// A failure that retrying cannot fix.
    Fail(FetchError),
}

/// Fetches one page's body, retrying as the config allows.
fn fetch_page(
    agent: &ureq::Agent,
    config: &FetchConfig,
    pacer: &mut Pacer,
    page: Location,
    retries: &mut u32,
    progress: &dyn Fn(FetchProgress),
) -> Result<Vec<u8>, FetchError> {
    let query = query_text(config, page.offset);
    let mut not_before = Instant::now();
    let mut attempt = 0;
    loop {
        attempt += 1;
        pacer.wait_turn(not_before);
        progress(FetchProgress::Requesting {
            page: page.number,
            offset: page.offset,
            attempt,
        });
        let (reason, retry_after, hint) = match request(agent, config, page, &query) {
            Outcome::Body(body) => return Ok(body),
            Outcome::Fail(error) => return Err(error),
            Outcome::Retry {
                reason,
                retry_after,
                hint,
            } => (reason, retry_after, hint),
        };
        let gave_up = |last: String, hint: String| FetchError::GaveUp {
            endpoint: config.endpoint.clone(),
            page: page.number,
            offset: page.offset,
            attempts: attempt,
            last,
            hint,
        };
        if attempt > config.max_retries {
            return Err(gave_up(reason, hint));
        }
        let wait = match retry_after {
            Some(wait) if wait > MAX_RETRY_AFTER => {
                return Err(gave_up(
                    reason,
                    format!(
                        "The endpoint asked to wait {} s before the next request, longer than polis waits; try again after that time",
                        wait.as_secs()
                    ),
                ));
            }
            Some(wait) => wait,
            None => pacing::backoff(config.initial_backoff, config.max_backoff, attempt),
        };
        *retries += 1;
        progress(FetchProgress::Retrying {
            page: page.number,
            offset: page.offset,
            attempt,
            wait,
            reason,
        });
        not_before = Instant::now() + wait;
    }
}

/// Sends one GET request for `query` and sorts the response into an [`Outcome`].
fn request(agent: &ureq::Agent, config: &FetchConfig, page: Location, query: &str) -> Outcome {
    let response = agent
        .get(&config.endpoint)
        .query("query", query)
        .query("format", "json")
        .header("Accept", "application/sparql-results+json")
        .call();
    let mut response = match response {
        Ok(response) => response,
        Err(error) => return transport_failure(error, config, page),
    };
    let status = response.status().as_u16();
    let retry_after = pacing::retry_after(
        response
            .headers()
            .get("retry-after")
            .and_then(|value| value.to_str().ok()),
    );
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_BODY_BYTES)
        .read_to_vec();
    if (200..300).contains(&status) {
        return match body {
            Ok(body) => Outcome::Body(body),
            Err(error) => transport_failure(error, config, page),
        };
    }
    // An error status is reported even when its body could not be read.
    let text = body
        .map(|body| String::from_utf8_lossy(&body).trim().to_owned())
        .unwrap_or_default();
    if status == 429 || (500..600).contains(&status) {
        let hint = if status == 429 {
            "The endpoint is limiting the request rate: wait a few minutes, or raise the minimum interval between requests".to_owned()
        } else {
            "The endpoint failed or the query ran out of time on the server (the Wikidata Query Service stops queries after 60 s): try a smaller page size, restrict the fetch to one country, or try again later".to_owned()
        };
        return Outcome::Retry {
            reason: format!(
                "HTTP {status}: {:?}",
                results::excerpt(&text, RETRY_BODY_CHARS)
            ),
            retry_after,
            hint,
        };
    }
    if (400..500).contains(&status) {
        let hint = match status {
            400 => "The endpoint could not run the query: check that it is a Wikidata SPARQL endpoint with the wikibase:label service".to_owned(),
            403 => "The endpoint blocked the request: Wikimedia blocks clients whose User-Agent does not say who runs them, so add contact information to the User-Agent".to_owned(),
            404 | 405 => format!("Check the endpoint URL: it must be the SPARQL endpoint itself, such as {WIKIDATA_QUERY_SERVICE}"),
            414 => "The query URL is too long for this endpoint: use fewer label languages".to_owned(),
            _ => "Check the endpoint URL and the fetch settings".to_owned(),
        };
        return Outcome::Fail(FetchError::Refused {
            endpoint: config.endpoint.clone(),
            page: page.number,
            offset: page.offset,
            status,
            body_excerpt: results::excerpt(&text, REFUSED_BODY_CHARS),
            hint,
        });
    }
    Outcome::Fail(FetchError::Request {
        endpoint: config.endpoint.clone(),
        page: page.number,
        offset: page.offset,
        message: format!(
            "unexpected HTTP status {status} (expected 200 with SPARQL JSON results): {:?}",
            results::excerpt(&text, RETRY_BODY_CHARS)
        ),
    })
}

/// Sorts an error below HTTP (connecting, TLS, reading) into retry or failure.
fn transport_failure(error: ureq::Error, config: &FetchConfig, page: Location) -> Outcome {
    let fail = |message: String| {
        Outcome::Fail(FetchError::Request {
            endpoint: config.endpoint.clone(),
            page: page.number,
            offset: page.offset,
            message,
        })
    };
    match error {
        ureq::Error::Timeout(_) => Outcome::Retry {
            reason: format!("no complete answer within {:?}", config.timeout),
            retry_after: None,
            hint: "The endpoint is slow or the query runs long: try a smaller page size, a longer timeout, or one country at a time".to_owned(),
        },
        ureq::Error::Io(_)
        | ureq::Error::ConnectionFailed
        | ureq::Error::HostNotFound
        | ureq::Error::Protocol(_) => Outcome::Retry {
            reason: format!("a connection error ({error})"),
            retry_after: None,
            hint: "Check the endpoint URL, the network connection and any HTTP proxy, then try again".to_owned(),
        },
        ureq::Error::BodyExceedsLimit(limit) => fail(format!(
            "the response is larger than {limit} bytes: use a smaller page size"
        )),
        other => fail(other.to_string()),
    }
}
