//! Request input made typed at the edge: extractors whose rejections are [`ApiError`]s, and
//! parsers that turn a query parameter's text into a core type (a date, a tie kind, a
//! status, a country code, a bounded number or fraction), with messages that name the
//! parameter, the value and what is accepted. Only an empty value (`?as_of=`) counts as
//! absent; a blank one (ASCII whitespace only, [`polis_app::is_blank`]) is refused with 400
//! naming its parameter, as the document's patterns say.

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
        refuse_blank_values(&parts.uri)?;
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| ApiQuery(value))
            .map_err(|rejection| ApiError::BadRequest(rejection.body_text()))
    }
}

/// Refuses a query value that is blank but not empty (`?tag=%20`), naming its parameter: an
/// empty value counts as absent, but whitespace is neither a value nor its absence. Done
/// for the whole query before any parameter is read, so the answer names the blank one
/// whatever else the query holds.
fn refuse_blank_values(uri: &axum::http::Uri) -> Result<(), ApiError> {
    // A query that does not decode is refused by the query's own extractor.
    let Ok(Query(pairs)) = Query::<Vec<(String, String)>>::try_from_uri(uri) else {
        return Ok(());
    };
    match pairs
        .iter()
        .find(|(_, value)| !value.is_empty() && polis_app::is_blank(value))
    {
        Some((name, _)) => Err(ApiError::BadRequest(format!(
            "query parameter `{name}` is blank: give a value, or leave it empty (`?{name}=`) or out to leave it unset"
        ))),
        None => Ok(()),
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

/// A parameter's value, without surrounding whitespace; `None` when absent or empty. (A
/// blank value never gets here: [`ApiQuery`] refuses it.)
fn present(raw: Option<&str>) -> Option<&str> {
    raw.map(polis_app::trim_blank).filter(|s| !s.is_empty())
}

/// A free-text parameter (a filter by id, name or theme): `None` when absent or empty.
pub fn text(raw: Option<String>) -> Option<String> {
    present(raw.as_deref()).map(str::to_owned)
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

/// A finite decimal number (`42.1`), or `None` when absent; what range it must lie in is
/// the use case's rule.
pub fn decimal(name: &str, raw: Option<&str>) -> Result<Option<f64>, ApiError> {
    let Some(text) = present(raw) else {
        return Ok(None);
    };
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(ApiError::BadRequest(format!(
            "query parameter `{name}`: '{text}' is not accepted: use a decimal number, such as 42.1"
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

/// The principal a request acts for: the user of its bearer token, with their current
/// role. Handlers that need one take this extractor; without a token it answers 401.
pub struct Caller(pub polis_app::Principal);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Authenticated>()
            .map(|authenticated| Caller(authenticated.0.clone()))
            .ok_or_else(|| {
                ApiError::Unauthenticated(
                    "this endpoint needs a token: send `Authorization: Bearer polis_...` (an admin creates one with `polis token create USER`)"
                        .to_owned(),
                )
            })
    }
}

/// What a write needs of its caller's role: one marker type per [`polis_app::Permission`]
/// that a write route asks for, named in the route's [`Writer`].
pub mod may {
    use polis_app::Permission;

    /// A marker for the permission a write needs.
    pub trait Action: Send + Sync + 'static {
        const PERMISSION: Permission;
    }

    macro_rules! actions {
        ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {$(
            $(#[$meta])*
            pub struct $name;

            impl Action for $name {
                const PERMISSION: Permission = Permission::$name;
            }
        )+};
    }

    actions! {
        /// Editors and above: a record's writes, a tie's event, a proposal.
        Propose,
        /// Reviewers and above: approving or rejecting a proposal.
        Review,
        /// Reviewers and above: recording what a name means.
        Decide,
        /// Admins: adding users and setting roles.
        ManageUsers,
        /// Anyone with a token: making and revoking one's own tokens (another user's is
        /// checked once the request says whose, by the service layer).
        OwnTokens,
    }
}

/// A writer: a [`Caller`] whose role has the permission `P` (403 otherwise), and whose
/// address still has writes left under the write limit (`write_rate_per_minute`,
/// `write_burst`; 429 with `Retry-After` otherwise). It is every write handler's first
/// extractor, so a caller whose role is too low gets 403 before the path, `If-Match`, the
/// query or the body are parsed and before any record is read: the same answer whatever
/// else the request holds.
pub struct Writer<P: may::Action>(pub polis_app::Principal, pub std::marker::PhantomData<P>);

impl<P: may::Action> FromRequestParts<crate::AppState> for Writer<P> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::AppState,
    ) -> Result<Self, ApiError> {
        let Caller(principal) = Caller::from_request_parts(parts, state).await?;
        principal.check(P::PERMISSION)?;
        let address = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip());
        if let Some(address) = address {
            state
                .check_write_rate(address)
                .map_err(|wait_seconds| ApiError::RateLimited {
                    wait_seconds: wait_seconds.max(1),
                })?;
        }
        Ok(Writer(principal, std::marker::PhantomData))
    }
}

/// The principal the authentication layer found, kept in the request's extensions.
#[derive(Clone)]
struct Authenticated(polis_app::Principal);

/// The paths anyone may read even when `read_requires_token` is on: health and the API's
/// own description.
fn always_public(path: &str) -> bool {
    matches!(
        path,
        "/api/v1/health" | "/api/v1/openapi.json" | "/api/openapi.json"
    ) || path.starts_with("/api/docs")
}

/// The authentication layer: a request with `Authorization: Bearer polis_...` acts as that
/// token's user (an unknown, revoked or expired token, or another scheme, is 401 at once,
/// so a client never mistakes a refused token for anonymous access); without one, a read
/// under `/api/` is 401 when `read_requires_token` is on. Handlers that need a user take
/// [`Caller`] or [`Writer`].
pub(crate) async fn authenticate(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    let header = request.headers().get(axum::http::header::AUTHORIZATION);
    match header {
        Some(value) => {
            let secret = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim);
            let Some(secret) = secret else {
                return ApiError::Unauthenticated(
                    "the Authorization header must be `Bearer polis_...`".to_owned(),
                )
                .into_response();
            };
            match state.app().authenticate(secret).await {
                Ok(principal) => {
                    request.extensions_mut().insert(Authenticated(principal));
                }
                Err(error) => return ApiError::from(error).into_response(),
            }
        }
        None => {
            // A signed-in browser reads as its user: the pages, and the JSON behind them
            // that they link to. Only for reading: a write through the API needs a bearer
            // token, so a cookie a browser sends on its own never writes (forms check their
            // anti-forgery token).
            let reading = matches!(
                *request.method(),
                axum::http::Method::GET | axum::http::Method::HEAD
            );
            let mut signed_in = false;
            if reading
                && let Some(secret) = crate::pages::session_secret(request.headers())
                && let Ok(principal) = state.app().authenticate(&secret).await
            {
                request.extensions_mut().insert(Authenticated(principal));
                signed_in = true;
            }
            let path = request.uri().path();
            if state.config().read_requires_token && !signed_in && !always_public(path) {
                if path.starts_with("/api/") {
                    return ApiError::Unauthenticated(
                        "reading this server needs a token (`read_requires_token` is on): send `Authorization: Bearer polis_...`"
                            .to_owned(),
                    )
                    .into_response();
                }
                if !crate::pages::always_public_page(path) {
                    let next = request
                        .uri()
                        .path_and_query()
                        .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
                    return crate::pages::sign_in_required(next);
                }
            }
        }
    }
    next.run(request).await
}

/// A JSON request body, read under the body limit: 415 when it is not sent as
/// `application/json`, 413 when too large, 400 when it is not JSON, and 422 when it is JSON
/// of the wrong shape (an unknown field, a missing one, a wrong type), naming the field.
pub struct JsonBody<T>(pub T);

/// [`JsonBody`], where an empty body (no content at all) or `null` stands for `T::default()`.
pub struct JsonBodyOrEmpty<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> axum::extract::FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        Ok(JsonBody(json_body(request, state, None).await?))
    }
}

impl<S: Send + Sync, T: DeserializeOwned + Default> axum::extract::FromRequest<S>
    for JsonBodyOrEmpty<T>
{
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        Ok(JsonBodyOrEmpty(
            json_body(request, state, Some(T::default)).await?,
        ))
    }
}

async fn json_body<S: Send + Sync, T: DeserializeOwned>(
    request: axum::extract::Request,
    state: &S,
    when_empty: Option<fn() -> T>,
) -> Result<T, ApiError> {
    use axum::extract::FromRequest as _;
    let content_type = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = bytes::Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::BadRequest(format!("cannot read the body: {}", rejection.body_text()))
            }
        })?;
    // An optional body may be left out, or sent as JSON `null` (what its schema allows).
    if let Some(default) = when_empty
        && (bytes.is_empty() || bytes.trim_ascii() == b"null")
    {
        return Ok(default());
    }
    let is_json = content_type.as_deref().is_some_and(|value| {
        let essence = value.split(';').next().unwrap_or("").trim();
        essence.eq_ignore_ascii_case("application/json")
    });
    if !is_json {
        return Err(ApiError::UnsupportedMediaType(format!(
            "the body must be JSON, sent with `Content-Type: application/json`; this one was sent as '{}'",
            content_type.as_deref().unwrap_or("(no content type)")
        )));
    }
    // serde would read an object's fields from an array too (`[null, null]`): every body
    // of this API is an object, so anything else is refused as the wrong shape.
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|b| matches!(b, b'[' | b'"' | b'0'..=b'9' | b'-' | b't' | b'f' | b'n')) {
        return Err(ApiError::Invalid {
            message: "the body must be a JSON object (`{...}`) with the documented fields"
                .to_owned(),
            violations: vec!["(body): not a JSON object".to_owned()],
        });
    }
    serde_json::from_slice::<T>(&bytes).map_err(|error| match error.classify() {
        serde_json::error::Category::Data => ApiError::Invalid {
            message: format!("the body does not have the expected fields: {error}"),
            violations: vec![error.to_string()],
        },
        _ => ApiError::BadRequest(format!("the body is not valid JSON: {error}")),
    })
}
