//! The web pages: handlers that parse a page's parameters, call the service layer as the
//! JSON endpoint behind the page does, and render `polis-web`'s views; the embedded assets
//! under `/assets/`; and the pages for people when something fails (404 with a search form,
//! a clear message when the database is missing or locked). [`PAGES`] is their route
//! table, kept apart from the API's [`crate::ROUTES`], which the OpenAPI document covers.

mod assets;
mod dashboard;
mod edit;
mod explore;
mod export;
mod map;
mod records;
mod resolution;
mod review;
mod search;
mod session;

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::extract::Query;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use maud::Markup;
use polis_app::{AppError, Snapshot};
use polis_web::views::errors::{self, Unavailable};
use serde::de::DeserializeOwned;

use crate::state::AppState;

/// One page: its path (axum's syntax) and its handler.
pub struct Page {
    pub path: &'static str,
    pub(crate) handler: fn() -> MethodRouter<AppState>,
}

/// Every page the router serves, beside the API's routes.
pub static PAGES: &[Page] = &[
    Page {
        path: "/",
        handler: || get(map::map),
    },
    Page {
        path: "/places/{place}",
        handler: || get(records::dossier),
    },
    Page {
        path: "/places/{place}/metrics",
        handler: || get(records::dossier_metrics),
    },
    Page {
        path: "/ties/{tie}",
        handler: || get(records::tie),
    },
    Page {
        path: "/explore",
        handler: || get(explore::explore),
    },
    Page {
        path: "/dashboard",
        handler: || get(dashboard::dashboard),
    },
    Page {
        path: "/search",
        handler: || get(search::search),
    },
    Page {
        path: "/search/suggest",
        handler: || get(search::suggest),
    },
    Page {
        path: "/resolve",
        handler: || get(resolution::resolve),
    },
    Page {
        path: "/resolve/decide",
        handler: || post(resolution::decide),
    },
    Page {
        path: "/unresolved",
        handler: || get(resolution::unresolved),
    },
    Page {
        path: "/export/{file}",
        handler: || get(export::export),
    },
    Page {
        path: "/sign-in",
        handler: || get(edit::sign_in_form).post(edit::sign_in),
    },
    Page {
        path: "/sign-out",
        handler: || post(edit::sign_out),
    },
    Page {
        path: "/edit",
        handler: || get(edit::edit),
    },
    Page {
        path: "/propose/{form}",
        handler: || get(edit::propose_form).post(edit::propose),
    },
    Page {
        path: "/review",
        handler: || get(review::queue),
    },
    Page {
        path: "/review/{id}",
        handler: || get(review::proposal),
    },
    Page {
        path: "/review/{id}/approve",
        handler: || post(review::approve),
    },
    Page {
        path: "/review/{id}/reject",
        handler: || post(review::reject),
    },
    Page {
        path: "/audit",
        handler: || get(review::audit),
    },
    Page {
        path: "/assets/{*name}",
        handler: || get(assets::asset),
    },
];

/// What pages may load: only this server's own scripts, styles, images and data.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// A rendered page with its status, as HTML under the content security policy.
pub(crate) fn html(status: StatusCode, markup: Markup) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CONTENT_SECURITY_POLICY),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        markup.into_string(),
    )
        .into_response()
}

/// The secret of the browser session a request carries, if any.
pub(crate) fn session_secret(headers: &axum::http::HeaderMap) -> Option<String> {
    session::cookie(headers, session::SESSION_COOKIE)
}

/// The pages anyone may open even when reading needs a token: signing in and out, and the
/// assets those pages use.
pub(crate) fn always_public_page(path: &str) -> bool {
    matches!(path, "/sign-in" | "/sign-out" | "/favicon.ico") || path.starts_with("/assets/")
}

/// The sign-in page, answered for a page that needs a signed-in reader; it comes back to
/// `next` afterwards.
pub(crate) fn sign_in_required(next: String) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    PageError::SignIn {
        next,
        message: Some(
            "Reading this server needs an account (`read_requires_token` is on): sign in."
                .to_owned(),
        ),
    }
    .into_response()
}

/// Why a page cannot be shown, as a page for people.
#[derive(Debug)]
pub(crate) enum PageError {
    NotFound(String),
    BadRequest(String),
    Unavailable(Unavailable),
    /// The page needs someone signed in: the sign-in form, then back to `next`.
    SignIn {
        next: String,
        message: Option<String>,
    },
    /// Signed in, but the role (or a rule) does not allow it.
    Forbidden {
        message: String,
        user: Option<polis_web::views::edit::UserBar>,
    },
    /// The change conflicts with the state of things.
    Conflict(String),
    /// Too many writes from one address.
    TooMany(String),
}

impl From<AppError> for PageError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::NotFound { .. } => PageError::NotFound(error.to_string()),
            AppError::Ambiguous { .. }
            | AppError::BadInput(_)
            | AppError::Invalid(_)
            | AppError::Graph(_) => PageError::BadRequest(error.to_string()),
            AppError::NoDatabase(_) => PageError::Unavailable(Unavailable::NoDatabase),
            AppError::Unauthenticated(message) => PageError::SignIn {
                next: "/edit".to_owned(),
                message: Some(message),
            },
            AppError::Forbidden(message) => PageError::Forbidden {
                message,
                user: None,
            },
            AppError::Conflict(_) | AppError::Stale { .. } => {
                PageError::Conflict(error.to_string())
            }
            other => {
                let chain = error_chain(&other);
                tracing::error!(error = %chain, "a page could not be answered");
                // SQLite says "database is locked" or "busy" when another writer holds it.
                if chain.contains("locked") || chain.contains("busy") {
                    PageError::Unavailable(Unavailable::Locked)
                } else {
                    PageError::Unavailable(Unavailable::Failed)
                }
            }
        }
    }
}

impl From<tokio::task::JoinError> for PageError {
    fn from(error: tokio::task::JoinError) -> Self {
        tracing::error!(%error, "a page's work failed");
        PageError::Unavailable(Unavailable::Failed)
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut chain = error.to_string();
    let mut cause = error.source();
    while let Some(next) = cause {
        chain.push_str(": ");
        chain.push_str(&next.to_string());
        cause = next.source();
    }
    chain
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::NotFound(message) => {
                html(StatusCode::NOT_FOUND, errors::not_found_page(&message))
            }
            PageError::BadRequest(message) => {
                html(StatusCode::BAD_REQUEST, errors::bad_request_page(&message))
            }
            PageError::Unavailable(why) => html(
                StatusCode::SERVICE_UNAVAILABLE,
                errors::unavailable_page(why),
            ),
            PageError::SignIn { next, message } => {
                edit::sign_in_response(StatusCode::UNAUTHORIZED, &next, "", message.as_deref())
            }
            PageError::Forbidden { message, user } => html(
                StatusCode::FORBIDDEN,
                polis_web::views::edit::not_allowed_page(user.as_ref(), &message),
            ),
            PageError::Conflict(message) => {
                html(StatusCode::CONFLICT, errors::bad_request_page(&message))
            }
            PageError::TooMany(message) => html(
                StatusCode::TOO_MANY_REQUESTS,
                errors::bad_request_page(&message),
            ),
        }
    }
}

/// A page's query string: unknown parameters are ignored (links from elsewhere carry
/// their own), a malformed one is a 400 page.
pub(crate) struct PageQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for PageQuery<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| PageQuery(value))
            .map_err(|rejection| PageError::BadRequest(rejection.body_text()))
    }
}

/// A parameter parsed with its type's own `FromStr`; blank counts as absent.
pub(crate) fn parameter<T>(name: &str, raw: Option<&str>) -> Result<Option<T>, PageError>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    raw.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|text| {
            text.parse::<T>()
                .map_err(|e| PageError::BadRequest(format!("parameter `{name}`: {e}")))
        })
        .transpose()
}

/// Runs `work` over the snapshot in force on the blocking pool, as the API does.
pub(crate) async fn on_snapshot<F>(state: &AppState, work: F) -> Result<Response, PageError>
where
    F: FnOnce(&Snapshot) -> Result<Response, PageError> + Send + 'static,
{
    let snapshot: Arc<Snapshot> = state.app().snapshot().await?;
    tokio::task::spawn_blocking(move || work(&snapshot)).await?
}

/// The answer to a path nothing serves: under `/api/` the API's JSON error, elsewhere the
/// 404 page with a search form.
pub(crate) async fn not_found(uri: Uri) -> Response {
    if uri.path() == "/api" || uri.path().starts_with("/api/") {
        return crate::routes::no_such_endpoint().await.into_response();
    }
    PageError::NotFound(format!("There is no page at {}.", uri.path())).into_response()
}
