//! The one error type of the API: each variant has one status and one stable code, and every
//! error response, from a handler or from a layer, has the body
//! `{"error": {"code": "...", "message": "...", "details": ...}}` (`details` only where there
//! is more to show: both diffs of a stale approval, every violation of an invalid change).
//! Internal errors are logged, never shown.

use std::any::Any;

use axum::Json;
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// Why a request failed. Every message says what was wrong and what would be accepted.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A query parameter or path segment that does not parse.
    #[error("{0}")]
    BadRequest(String),
    /// A name that matches several records; the message lists their ids.
    #[error("{0}")]
    Ambiguous(String),
    /// No such record, or no such endpoint.
    #[error("{0}")]
    NotFound(String),
    #[error("this endpoint does not answer this method: /api/v1/openapi.json lists its methods")]
    MethodNotAllowed,
    #[error("the request body is larger than this server accepts")]
    PayloadTooLarge,
    /// No token, or a token that is unknown, revoked or expired (401, with
    /// `WWW-Authenticate: Bearer`).
    #[error("{0}")]
    Unauthenticated(String),
    /// The token's user may not do this (403).
    #[error("{0}")]
    Forbidden(String),
    /// The request conflicts with the state of things (409): a reviewed proposal, the last
    /// admin, a record others reference.
    #[error("{0}")]
    Conflict(String),
    /// A proposal whose records changed since it was proposed (409); `details` holds both
    /// diffs, `proposed` and `current`.
    #[error("{message}")]
    Stale {
        message: String,
        details: serde_json::Value,
    },
    /// A body that is not `application/json` (415).
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Well-formed input that breaks the rules (422); `details.violations` lists each.
    #[error("{message}")]
    Invalid {
        message: String,
        violations: Vec<String>,
    },
    /// Records that break the data's rules (422): `details.violations` lists each as text,
    /// `details.fields` each as `{record, id, field, value, problem}`.
    #[error("{message}")]
    InvalidRecords {
        message: String,
        violations: Vec<polis_core::Violation>,
    },
    /// An `If-Match` that is not the current version of the record (409); nothing was
    /// written. `details.current_etag` is the version now.
    #[error("{message}")]
    PreconditionFailed {
        message: String,
        current_etag: Option<String>,
    },
    /// A write that must say which version it changes sent no `If-Match` (428).
    #[error("{0}")]
    PreconditionRequired(String),
    #[error("too many requests from this address: wait {wait_seconds} s and try again")]
    RateLimited { wait_seconds: u64 },
    #[error("the request took longer than this server allows")]
    Timeout,
    /// The database does not answer (503); the details go to the log only.
    #[error("the database does not answer: {0}")]
    Unavailable(#[source] polis_app::AppError),
    /// A failure of the server itself; the details go to the log only.
    #[error("internal error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// The stable, machine-readable code of an error, one per [`ApiError`] variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadRequest,
    Ambiguous,
    NotFound,
    MethodNotAllowed,
    PayloadTooLarge,
    RateLimited,
    Timeout,
    Unavailable,
    Internal,
    Unauthenticated,
    Forbidden,
    Conflict,
    Stale,
    UnsupportedMediaType,
    Invalid,
    PreconditionFailed,
    PreconditionRequired,
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// For people: what was wrong and what would be accepted.
    #[schema(
        example = "query parameter `as_of`: '2019-13-01' has month out of range: months run from 01 to 12"
    )]
    pub message: String,
    /// More to show, for some codes: `stale` has `{"proposed": [...], "current": [...]}`
    /// (each a list of changed records with `before` and `after`), `invalid` has
    /// `{"violations": ["...", ...]}` (and, for records, `"fields": [{"record", "id",
    /// "field", "value", "problem"}, ...]`), `precondition_failed` has `{"current_etag"}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
}

impl ApiError {
    /// Wraps a server-side failure.
    pub fn internal(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        ApiError::Internal(error.into())
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::BadRequest(_) => ErrorCode::BadRequest,
            ApiError::Ambiguous(_) => ErrorCode::Ambiguous,
            ApiError::NotFound(_) => ErrorCode::NotFound,
            ApiError::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            ApiError::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            ApiError::RateLimited { .. } => ErrorCode::RateLimited,
            ApiError::Timeout => ErrorCode::Timeout,
            ApiError::Unavailable(_) => ErrorCode::Unavailable,
            ApiError::Internal(_) => ErrorCode::Internal,
            ApiError::Unauthenticated(_) => ErrorCode::Unauthenticated,
            ApiError::Forbidden(_) => ErrorCode::Forbidden,
            ApiError::Conflict(_) => ErrorCode::Conflict,
            ApiError::Stale { .. } => ErrorCode::Stale,
            ApiError::UnsupportedMediaType(_) => ErrorCode::UnsupportedMediaType,
            ApiError::Invalid { .. } | ApiError::InvalidRecords { .. } => ErrorCode::Invalid,
            ApiError::PreconditionFailed { .. } => ErrorCode::PreconditionFailed,
            ApiError::PreconditionRequired(_) => ErrorCode::PreconditionRequired,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) | ApiError::Ambiguous(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Timeout | ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::Conflict(_) | ApiError::Stale { .. } => StatusCode::CONFLICT,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Invalid { .. } | ApiError::InvalidRecords { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::PreconditionFailed { .. } => StatusCode::CONFLICT,
            ApiError::PreconditionRequired(_) => StatusCode::PRECONDITION_REQUIRED,
        }
    }

    /// What the body's `details` holds, if anything.
    fn details(&self) -> Option<serde_json::Value> {
        match self {
            ApiError::Stale { details, .. } => Some(details.clone()),
            ApiError::Invalid { violations, .. } => {
                Some(serde_json::json!({ "violations": violations }))
            }
            ApiError::InvalidRecords { violations, .. } => Some(serde_json::json!({
                "violations": violations.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "fields": violations.iter().map(|v| serde_json::json!({
                    "record": v.record,
                    "id": v.id,
                    "field": v.field,
                    "value": v.value,
                    "problem": v.problem,
                })).collect::<Vec<_>>(),
            })),
            ApiError::PreconditionFailed { current_etag, .. } => {
                Some(serde_json::json!({ "current_etag": current_etag }))
            }
            _ => None,
        }
    }

    /// What the client is told: everything but an internal error's details.
    fn public_message(&self) -> String {
        match self {
            ApiError::Internal(_) => {
                "the server failed to answer this request; the failure has been logged".to_owned()
            }
            ApiError::Unavailable(_) => {
                "the database does not answer; the failure has been logged".to_owned()
            }
            other => other.to_string(),
        }
    }
}

impl ApiError {
    /// The error as the answer about one query parameter: its message names the parameter.
    pub fn in_parameter(self, name: &str) -> Self {
        let prefixed = |message: String| format!("query parameter `{name}`: {message}");
        match self {
            ApiError::BadRequest(message) => ApiError::BadRequest(prefixed(message)),
            ApiError::Ambiguous(message) => ApiError::Ambiguous(prefixed(message)),
            ApiError::NotFound(message) => ApiError::NotFound(prefixed(message)),
            other => other,
        }
    }
}

/// A use case's error as the API answers it: the user's errors with their message (a name
/// that matches nothing points to `/search`), everything else as internal.
impl From<polis_app::AppError> for ApiError {
    fn from(error: polis_app::AppError) -> Self {
        use polis_app::AppError;
        use polis_store::StoreError;
        match error {
            AppError::NotFound {
                what: "place",
                ref query,
            } => ApiError::NotFound(format!("{error}: try /api/v1/search?q={query}")),
            AppError::NotFound { .. }
            | AppError::Store(StoreError::NotFound { .. } | StoreError::Missing { .. }) => {
                ApiError::NotFound(error.to_string())
            }
            AppError::Ambiguous { .. } => ApiError::Ambiguous(error.to_string()),
            AppError::Unauthenticated(message) => ApiError::Unauthenticated(message),
            AppError::Forbidden(message) => ApiError::Forbidden(message),
            AppError::Conflict(_)
            | AppError::Store(
                StoreError::Conflict(_) | StoreError::Referenced { .. } | StoreError::Stale { .. },
            ) => ApiError::Conflict(error.to_string()),
            AppError::Stale {
                message,
                proposed,
                current,
            } => ApiError::Stale {
                message,
                details: serde_json::json!({ "proposed": proposed, "current": current }),
            },
            AppError::Invalid(message) => invalid(message),
            AppError::Store(StoreError::Invalid(invalid_data)) => ApiError::InvalidRecords {
                message: format!(
                    "the change breaks {} rule(s); nothing was written",
                    invalid_data.0.len()
                ),
                violations: invalid_data.0,
            },
            AppError::BadInput(_)
            | AppError::Import(_)
            | AppError::Graph(_)
            | AppError::Store(StoreError::Unsupported { .. }) => {
                ApiError::BadRequest(error.to_string())
            }
            AppError::NoDatabase(_) | AppError::Store(_) | AppError::Internal(_) => {
                ApiError::internal(error)
            }
        }
    }
}

/// A use case's validation message (a first line, then one indented line per violation) as
/// a 422 whose details list each violation.
fn invalid(message: String) -> ApiError {
    let mut lines = message.lines();
    let first = lines
        .next()
        .unwrap_or_default()
        .trim_end_matches(':')
        .to_owned();
    let violations: Vec<String> = lines
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect();
    if violations.is_empty() {
        ApiError::Invalid {
            violations: vec![first.clone()],
            message: first,
        }
    } else {
        ApiError::Invalid {
            message: first,
            violations,
        }
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(error: tokio::task::JoinError) -> Self {
        ApiError::internal(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(source) = &self {
            let mut chain = source.to_string();
            let mut cause = source.source();
            while let Some(next) = cause {
                chain.push_str(": ");
                chain.push_str(&next.to_string());
                cause = next.source();
            }
            tracing::error!(error = %chain, "internal error while answering a request");
        }
        if let ApiError::Unavailable(source) = &self {
            tracing::error!(error = %source, "the database does not answer");
        }
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message: self.public_message(),
                details: self.details(),
            },
        };
        let mut response = (self.status(), Json(body)).into_response();
        if let ApiError::Unauthenticated(_) = self {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"polis\""),
            );
        }
        if let ApiError::RateLimited { wait_seconds } = self
            && let Ok(value) = HeaderValue::from_str(&wait_seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

/// Gives the error responses that layers make themselves (413 from the body limit, 503
/// from the timeout, 404 and 405 from routing) the same JSON body as [`ApiError`]. A
/// response that is already JSON is left as it is.
pub(crate) async fn uniform_error_body(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    // Pages answer their own errors as HTML pages for people (see `pages`).
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_json || is_page {
        return response;
    }
    let error = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::REQUEST_TIMEOUT => ApiError::Timeout,
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
        StatusCode::NOT_FOUND => ApiError::NotFound("no such endpoint".to_owned()),
        StatusCode::TOO_MANY_REQUESTS => ApiError::RateLimited { wait_seconds: 1 },
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType(
            "the body must be JSON, sent with `Content-Type: application/json`".to_owned(),
        ),
        status if status.is_client_error() => ApiError::BadRequest(format!(
            "the request was refused: {}",
            status.canonical_reason().unwrap_or("bad request")
        )),
        status => ApiError::internal(format!("a layer answered {status} without a body")),
    };
    let (mut parts, _) = response.into_parts();
    let (new_parts, body) = error.into_response().into_parts();
    parts.status = new_parts.status;
    parts.headers.remove(header::CONTENT_LENGTH);
    for (name, value) in &new_parts.headers {
        parts.headers.insert(name.clone(), value.clone());
    }
    Response::from_parts(parts, body)
}

/// The rate limiter's answer: 429 with the error body and `Retry-After`.
pub(crate) fn rate_limited(error: tower_governor::GovernorError) -> Response<Body> {
    match error {
        tower_governor::GovernorError::TooManyRequests { wait_time, headers } => {
            let mut response = ApiError::RateLimited {
                wait_seconds: wait_time.max(1),
            }
            .into_response();
            if let Some(headers) = headers {
                for (name, value) in &headers {
                    response.headers_mut().insert(name.clone(), value.clone());
                }
            }
            response
        }
        other => ApiError::internal(format!(
            "the rate limiter failed ({other}); is the server run with connect info?"
        ))
        .into_response(),
    }
}

/// A panicking handler's answer: a logged internal error.
pub(crate) fn panicked(payload: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned());
    ApiError::internal(format!("a handler panicked: {what}")).into_response()
}
