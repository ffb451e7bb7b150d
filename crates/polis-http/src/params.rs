//! Request input made typed at the edge: extractors whose rejections are [`ApiError`]s, and
//! parsers that turn a query parameter's text into a core type (a date, a tie kind, a
//! status, a country code, a bounded number or fraction), with messages that name the
//! parameter, the value and what is accepted. An empty value (`?as_of=`) counts as absent.

use std::fmt::Display;
use std::str::FromStr;

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The query string, deserialized into `T` (every field text; unknown parameters refused).
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| ApiQuery(value))
            .map_err(|rejection| ApiError::BadRequest(rejection.body_text()))
    }
}

/// A path segment.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| ApiPath(value))
            .map_err(|rejection| ApiError::BadRequest(rejection.body_text()))
    }
}

fn present(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|s| !s.is_empty())
}

/// An optional parameter parsed with the type's own `FromStr`, whose error message (the
/// core's: "'2019-13-01' has month out of range: months run from 01 to 12") follows the
/// parameter's name.
pub fn optional<T>(name: &str, raw: Option<&str>) -> Result<Option<T>, ApiError>
where
    T: FromStr,
    T::Err: Display,
{
    present(raw)
        .map(|text| {
            text.parse::<T>()
                .map_err(|e| ApiError::BadRequest(format!("query parameter `{name}`: {e}")))
        })
        .transpose()
}

/// A parameter that must be given; `what` says what it holds.
pub fn required<T>(name: &str, raw: Option<&str>, what: &str) -> Result<T, ApiError>
where
    T: FromStr,
    T::Err: Display,
{
    optional(name, raw)?.ok_or_else(|| {
        ApiError::BadRequest(format!("query parameter `{name}` is required: {what}"))
    })
}

/// Text that must be given and not be blank.
pub fn required_text(name: &str, raw: Option<&str>, what: &str) -> Result<String, ApiError> {
    present(raw).map(str::to_owned).ok_or_else(|| {
        ApiError::BadRequest(format!("query parameter `{name}` is required: {what}"))
    })
}

/// A whole number in `min..=max`, or `default` when absent.
pub fn number(
    name: &str,
    raw: Option<&str>,
    default: u64,
    min: u64,
    max: u64,
) -> Result<u64, ApiError> {
    Ok(optional_number(name, raw, min, max)?.unwrap_or(default))
}

/// A whole number in `min..=max`, or `None` when absent.
pub fn optional_number(
    name: &str,
    raw: Option<&str>,
    min: u64,
    max: u64,
) -> Result<Option<u64>, ApiError> {
    let Some(text) = present(raw) else {
        return Ok(None);
    };
    match text.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
        _ => Err(ApiError::BadRequest(format!(
            "query parameter `{name}`: '{text}' is not accepted: use a whole number from {min} to {max}"
        ))),
    }
}

/// A number strictly between 0 and 1 (`0.1`), or `default` when absent.
pub fn fraction(name: &str, raw: Option<&str>, default: f64) -> Result<f64, ApiError> {
    let Some(text) = present(raw) else {
        return Ok(default);
    };
    match text.parse::<f64>() {
        Ok(f) if f > 0.0 && f < 1.0 => Ok(f),
        _ => Err(ApiError::BadRequest(format!(
            "query parameter `{name}`: '{text}' is not accepted: use a number strictly between 0 and 1, such as 0.1"
        ))),
    }
}

/// The query string of an endpoint that takes no parameters: any parameter is refused, as
/// elsewhere, so that a misspelt one is never silently ignored.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

/// A yes-or-no parameter: `true` or `false` (absent: false).
pub fn flag(name: &str, raw: Option<&str>) -> Result<bool, ApiError> {
    match present(raw) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ApiError::BadRequest(format!(
            "query parameter `{name}`: '{other}' is not accepted: give true or false"
        ))),
    }
}
