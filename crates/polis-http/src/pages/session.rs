//! Web sessions and forgery protection for the pages that change things.
//!
//! - A session is a short-lived API token (`polis_app::sessions`), its secret kept in the
//!   cookie `polis_session` (`Secure; HttpOnly; SameSite=Strict; Path=/`), so the API's own
//!   authentication, expiry and revocation apply, and signing out revokes it.
//! - Every form that posts carries an anti-forgery token in the hidden field `csrf`: with a
//!   session, a value derived from the session's secret (which a page on another site can
//!   neither read nor compute); on the sign-in form, before there is a session, the value of
//!   the cookie `polis_csrf`, set with the form (double submit). A POST whose field does not
//!   match is refused, and so is one whose `Origin` header names another host.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use polis_app::sessions::{SESSION_COOKIE_SECONDS, secrets_match, session_csrf_token};
use polis_app::{AppError, Principal};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::PageError;
use crate::state::AppState;

/// The cookie that holds a session's token secret.
pub(crate) const SESSION_COOKIE: &str = "polis_session";
/// The cookie of the sign-in form's anti-forgery token.
pub(crate) const SIGN_IN_CSRF_COOKIE: &str = "polis_csrf";

/// The value of the cookie `name`, if the request sends it.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// A `Set-Cookie` value: secure, script-proof, never sent from another site.
pub(crate) fn set_cookie(name: &str, value: &str, max_age_seconds: u64) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Max-Age={max_age_seconds}; Secure; HttpOnly; SameSite=Strict"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("polis_invalid=; Max-Age=0"))
}

/// The `Set-Cookie` value that makes the browser forget `name`.
pub(crate) fn clear_cookie(name: &str) -> HeaderValue {
    set_cookie(name, "", 0)
}

/// The `Set-Cookie` value of a new session.
pub(crate) fn session_cookie(secret: &str) -> HeaderValue {
    set_cookie(SESSION_COOKIE, secret, SESSION_COOKIE_SECONDS)
}

/// Someone signed in: their principal (with the role they have now) and the session's
/// secret, from which the forms' anti-forgery token is derived.
pub(crate) struct SignedIn {
    pub principal: Principal,
    secret: String,
}

impl SignedIn {
    /// The anti-forgery token the session's forms carry.
    pub fn csrf(&self) -> String {
        session_csrf_token(&self.secret)
    }

    /// The secret, for signing out.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// Refuses with the "not allowed" page unless the user's role has `permission`.
    pub fn check(&self, permission: polis_app::Permission) -> Result<(), PageError> {
        self.principal.check(permission).map_err(PageError::from)
    }

    /// Refuses a posted form whose anti-forgery token is not this session's.
    pub fn check_csrf(&self, given: &str) -> Result<(), PageError> {
        if secrets_match(given, &self.csrf()) {
            Ok(())
        } else {
            Err(forged())
        }
    }

    /// What the page's header shows about the user, with the sign-out form's token.
    pub fn user_bar(&self) -> polis_web::views::edit::UserBar {
        polis_web::views::edit::UserBar {
            name: self.principal.user.clone(),
            role: self.principal.role,
            csrf: self.csrf(),
        }
    }
}

/// The refusal of a form without the right anti-forgery token.
pub(crate) fn forged() -> PageError {
    PageError::Forbidden {
        message: "This form did not come from this site's own page for your session (its \
                  anti-forgery token does not match). Reload the page and send the form again."
            .to_owned(),
        user: None,
    }
}

/// Where to come back to after signing in: the page asked for (with its query).
fn next_of(parts: &Parts) -> String {
    parts
        .uri
        .path_and_query()
        .map_or_else(|| "/edit".to_owned(), |p| p.as_str().to_owned())
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let next = if parts.method == axum::http::Method::GET {
            next_of(parts)
        } else {
            "/edit".to_owned()
        };
        let Some(secret) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(PageError::SignIn {
                next,
                message: None,
            });
        };
        match state.app().session(&secret).await {
            Ok(principal) => Ok(SignedIn { principal, secret }),
            Err(AppError::Unauthenticated(_)) => Err(PageError::SignIn {
                next,
                message: Some(
                    "Your session has ended (you signed out, it expired or it was revoked): sign in again."
                        .to_owned(),
                ),
            }),
            Err(other) => Err(other.into()),
        }
    }
}

/// A session if there is a valid one; pages that anyone may see but that say more to a
/// signed-in user take this.
pub(crate) struct MaybeSignedIn(pub Option<SignedIn>);

impl FromRequestParts<AppState> for MaybeSignedIn {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        match SignedIn::from_request_parts(parts, state).await {
            Ok(signed_in) => Ok(MaybeSignedIn(Some(signed_in))),
            Err(PageError::SignIn { .. }) => Ok(MaybeSignedIn(None)),
            Err(other) => Err(other),
        }
    }
}

/// A posted form: its anti-forgery token and its fields. A POST whose `Origin` names
/// another host is refused before its body is read; the write limit of the API
/// (`write_rate_per_minute`) applies to every posted form too.
pub(crate) struct Posted<T> {
    pub csrf: String,
    pub form: T,
}

#[derive(Deserialize)]
struct WithCsrf<T> {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    form: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for Posted<T> {
    type Rejection = PageError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, PageError> {
        check_origin(request.headers())?;
        let address = request
            .extensions()
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip());
        if let Some(address) = address {
            state.check_write_rate(address).map_err(|wait_seconds| {
                PageError::TooMany(format!(
                    "Too many changes from your address in a short time: wait {} seconds and send the form again.",
                    wait_seconds.max(1)
                ))
            })?;
        }
        let axum::Form(WithCsrf { csrf, form }) =
            axum::Form::<WithCsrf<T>>::from_request(request, state)
                .await
                .map_err(|rejection| PageError::BadRequest(rejection.body_text()))?;
        Ok(Posted { csrf, form })
    }
}

/// Refuses a request whose `Origin` is another host than the one it was sent to (a form
/// posted from another site; browsers send `Origin` with every POST).
fn check_origin(headers: &HeaderMap) -> Result<(), PageError> {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin
        .split_once("://")
        .map_or("", |(_, rest)| rest.trim_end_matches('/'));
    if !host.is_empty() && origin_host.eq_ignore_ascii_case(host) {
        Ok(())
    } else {
        Err(forged())
    }
}

/// Adds `Set-Cookie` headers to a response.
pub(crate) fn with_cookies(mut response: Response, cookies: &[HeaderValue]) -> Response {
    for cookie in cookies {
        response
            .headers_mut()
            .append(header::SET_COOKIE, cookie.clone());
    }
    response
}
