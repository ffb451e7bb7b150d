//! Versions of what the API answers: every successful read under `/api/` carries a strong
//! `ETag` (a hash of its body), and a GET whose `If-None-Match` names it gets 304 with no
//! body. A write that changes a record carries `If-Match` with the `ETag` a GET of that
//! record's URL answered; when the record changed since, the write is refused with 409 and
//! nothing is written (see [`IfMatch`]).

use axum::body::Body;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// The strong entity tag of a body: the first 128 bits of its SHA-256, quoted.
pub(crate) fn etag_of(body: &[u8]) -> String {
    let hex = polis_store::chain::sha256_hex(body);
    format!("\"{}\"", &hex[..32])
}

/// The tags a conditional header lists (`"a", W/"b"`), or `None` for `*`.
fn listed_tags(value: &str) -> Option<Vec<&str>> {
    if value.trim() == "*" {
        return None;
    }
    Some(
        value
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect(),
    )
}

/// The layer that gives every successful GET under `/api/` its `ETag` and answers a current
/// `If-None-Match` with 304. Weak comparison, as for GET: `W/"x"` matches `"x"`.
pub(crate) async fn conditional_get(request: Request, next: Next) -> Response {
    let is_read = matches!(*request.method(), Method::GET | Method::HEAD)
        && request.uri().path().starts_with("/api/");
    if !is_read {
        return next.run(request).await;
    }
    let if_none_match = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let private = request.headers().contains_key(header::AUTHORIZATION);
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return ApiError::internal("a response body could not be read to tag it").into_response();
    };
    let etag = etag_of(&bytes);
    if let Ok(value) = HeaderValue::from_str(&etag) {
        parts.headers.insert(header::ETAG, value);
    }
    // Caches may keep an answer but must ask again before using it; an answer to a request
    // with a token is for that user only.
    parts.headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if private {
            "private, no-cache"
        } else {
            "no-cache"
        }),
    );
    let not_modified = if_none_match
        .as_deref()
        .is_some_and(|value| match listed_tags(value) {
            None => true,
            Some(tags) => tags
                .iter()
                .any(|t| t.strip_prefix("W/").unwrap_or(t) == etag),
        });
    if not_modified {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.remove(header::CONTENT_TYPE);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// A write's `If-Match` header: the version of the record the client read. Strong
/// comparison, as for writes: a weak tag never matches.
#[derive(Debug, Clone, Default)]
pub struct IfMatch(Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        if_match(&parts.headers).map(IfMatch)
    }
}

/// The header's value. An empty one counts as absent on every write, as an empty query
/// value does (docs/api.md, "Conventions"): it names no version (so where the header is
/// required, an empty one is 428). A blank one (whitespace only, which HTTP parsers
/// usually strip to empty) is 400, as a blank query value is.
fn if_match(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let value = headers
        .get(header::IF_MATCH)
        .map(|value| {
            value.to_str().map(str::to_owned).map_err(|_| {
                ApiError::BadRequest(
                    "the If-Match header is not text: give the ETag a GET answered, such as \"3f2a...\""
                        .to_owned(),
                )
            })
        })
        .transpose()?;
    match value {
        Some(text) if text.is_empty() => Ok(None),
        Some(text) if polis_app::is_blank(&text) => Err(ApiError::BadRequest(
            "the If-Match header is blank: give the ETag a GET answered (or `*`), or leave it empty or out".to_owned(),
        )),
        other => Ok(other),
    }
}

impl IfMatch {
    pub fn is_given(&self) -> bool {
        self.0.is_some()
    }

    /// Checks the header against `current`, the ETag a GET of the record's URL answers now
    /// (`None`: there is no such record). With `required`, a missing header is 428.
    pub fn check(&self, current: Option<&str>, what: &str, required: bool) -> Result<(), ApiError> {
        let Some(value) = &self.0 else {
            return if required {
                Err(ApiError::PreconditionRequired(format!(
                    "changing {what} needs `If-Match` with the ETag a GET of it answered (or `If-Match: *` to change it whatever its version), so that a change made meanwhile is not overwritten"
                )))
            } else {
                Ok(())
            };
        };
        let matches = match (listed_tags(value), current) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(tags), Some(current)) => tags.contains(&current),
        };
        if matches {
            Ok(())
        } else {
            Err(ApiError::PreconditionFailed {
                message: match current {
                    Some(current) => format!(
                        "{what} changed since it was read: its version is now {current}, not {value}; read it again and redo the change; nothing was written"
                    ),
                    None => format!(
                        "{what} does not exist, so no version of it matches {value}; nothing was written"
                    ),
                },
                current_etag: current.map(str::to_owned),
            })
        }
    }
}
