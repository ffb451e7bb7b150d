//! Users, their roles and their API tokens: admins add users and set roles (no one raises
//! their own, the last admin stays); each user makes and revokes their own tokens, an admin
//! anyone's. As `polis user` and `polis token`.

use axum::extract::State;
use axum::response::{IntoResponse as _, Response};
use serde::Deserialize;
use utoipa::ToSchema;

use super::json;
use crate::error::{ApiError, ErrorBody};
use crate::params::{ApiPath, ApiQuery, Caller, JsonBody, NoParams, Writer, may};
use crate::state::AppState;

/// The body of `PUT /users/{name}/role`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RoleBody {
    /// viewer, editor, reviewer or admin.
    #[schema(pattern = "^(viewer|editor|reviewer|admin)$", example = "reviewer")]
    role: String,
}

/// Every user and their role (admins only). As `polis user list`.
#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The users, by name", body = [polis_app::UserView]),
        (status = 401, description = "No token, or an unknown, revoked or expired one", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
    )
)]
pub(crate) async fn users(
    State(state): State<AppState>,
    ApiQuery(_): ApiQuery<NoParams>,
    Caller(principal): Caller,
) -> Result<Response, ApiError> {
    json(&state.app().users(&principal).await?)
}

/// Sets a user's role (admins only). No one raises their own role, and the last admin
/// cannot be demoted (409). As `polis user set-role`.
#[utoipa::path(
    put,
    path = "/api/v1/users/{name}/role",
    tag = "users",
    params(("name" = String, Path, description = "The user's name: 1 to 64 ASCII letters, digits, `.`, `_`, `-` or `@`")),
    request_body = RoleBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The user with their new role", body = polis_app::UserView),
        (status = 400, description = "The body is not JSON, or the name is not a user name", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 415, description = "A body not sent as application/json", body = ErrorBody),
        (status = 401, description = "No token, or an unknown, revoked or expired one", body = ErrorBody),
        (status = 403, description = "Not an admin, or raising one's own role", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 409, description = "The last admin cannot be demoted", body = ErrorBody),
        (status = 422, description = "Not a role, or JSON of the wrong shape", body = ErrorBody),
        (status = 429, description = "Too many writes: see Retry-After", body = ErrorBody),
    )
)]
pub(crate) async fn set_role(
    State(state): State<AppState>,
    Writer(principal, _): Writer<may::ManageUsers>,
    ApiPath(name): ApiPath<String>,
    JsonBody(body): JsonBody<RoleBody>,
) -> Result<Response, ApiError> {
    let role: polis_app::Role =
        body.role
            .parse()
            .map_err(|e: polis_core::UnknownValue| ApiError::Invalid {
                message: format!("field `role`: {e}"),
                violations: vec![format!("role: {e}")],
            })?;
    json(&state.app().set_role(&principal, &name, role).await?)
}

/// The body of `POST /users`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewUserBody {
    /// 1 to 64 ASCII letters, digits, `.`, `_`, `-` or `@`.
    #[schema(example = "eddie")]
    name: String,
    /// viewer, editor, reviewer or admin.
    #[schema(pattern = "^(viewer|editor|reviewer|admin)$", example = "editor")]
    role: String,
    /// A web-UI password of at least `minLength` characters, stored as an argon2 hash
    /// [default: none].
    // Its `minLength`, `polis_app::MIN_PASSWORD_CHARS`, and the name's pattern are set in
    // `openapi.rs`.
    password: Option<String>,
}

fn role(text: &str) -> Result<polis_app::Role, ApiError> {
    text.parse()
        .map_err(|e: polis_core::UnknownValue| ApiError::Invalid {
            message: format!("field `role`: {e}"),
            violations: vec![format!("role: {e}")],
        })
}

/// Adds a user with a role (admins only). As `polis user add`.
#[utoipa::path(
    post,
    path = "/api/v1/users",
    tag = "users",
    request_body = NewUserBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The new user", body = polis_app::UserView),
        (status = 400, description = "The body is not JSON, the name is not a user name, or the password is too short", body = ErrorBody),
        (status = 401, description = "No token, or an unknown, revoked or expired one", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 409, description = "A user has this name already", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 415, description = "A body not sent as application/json", body = ErrorBody),
        (status = 422, description = "Not a role, or JSON of the wrong shape", body = ErrorBody),
        (status = 429, description = "Too many writes: see Retry-After", body = ErrorBody),
    )
)]
pub(crate) async fn add_user(
    State(state): State<AppState>,
    Writer(principal, _): Writer<may::ManageUsers>,
    JsonBody(body): JsonBody<NewUserBody>,
) -> Result<Response, ApiError> {
    let role = role(&body.role)?;
    let user = state
        .app()
        .add_user(&principal, &body.name, role, body.password.as_deref())
        .await?;
    let mut response = json(&user)?;
    *response.status_mut() = axum::http::StatusCode::CREATED;
    Ok(response)
}

/// The caller's own tokens, or every token for an admin; never a secret or its hash. As
/// `polis token list`.
#[utoipa::path(
    get,
    path = "/api/v1/tokens",
    tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The tokens, newest first", body = [polis_app::TokenView]),
        (status = 400, description = "A parameter was given; none is accepted", body = ErrorBody),
        (status = 401, description = "No token, or an unknown, revoked or expired one", body = ErrorBody),
    )
)]
pub(crate) async fn tokens(
    State(state): State<AppState>,
    ApiQuery(_): ApiQuery<NoParams>,
    Caller(principal): Caller,
) -> Result<Response, ApiError> {
    json(&state.app().tokens(&principal).await?)
}

/// The body of `POST /tokens`.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewTokenBody {
    /// Whose token: only an admin makes one for another user [default: the caller].
    user: Option<String>,
    /// The last day the token works (YYYY-MM-DD) [default: never expires].
    #[schema(example = "2027-06-30", pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    expires: Option<String>,
}

/// Creates an API token: one's own, or (admins) anyone's. The secret is in this answer only;
/// the server keeps its SHA-256. As `polis token create`.
#[utoipa::path(
    post,
    path = "/api/v1/tokens",
    tag = "users",
    request_body(content = Option<NewTokenBody>, description = "Optional: an empty body is a token of one's own that never expires"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The token with its secret, shown this once", body = polis_app::CreatedToken),
        (status = 400, description = "The body is not JSON, or `expires` is not a day to come", body = ErrorBody),
        (status = 401, description = "No token, or an unknown, revoked or expired one", body = ErrorBody),
        (status = 403, description = "A token for another user, by someone not an admin", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 415, description = "A body not sent as application/json", body = ErrorBody),
        (status = 422, description = "JSON of the wrong shape", body = ErrorBody),
        (status = 429, description = "Too many writes: see Retry-After", body = ErrorBody),
    )
)]
pub(crate) async fn create_token(
    State(state): State<AppState>,
    Writer(principal, _): Writer<may::OwnTokens>,
    crate::params::JsonBodyOrEmpty(body): crate::params::JsonBodyOrEmpty<NewTokenBody>,
) -> Result<Response, ApiError> {
    let expires = body
        .expires
        .as_deref()
        .map(|text| {
            text.parse::<polis_core::PartialDate>()
                .map_err(|e| ApiError::Invalid {
                    message: format!("field `expires`: {e}"),
                    violations: vec![format!("expires: '{text}': {e}")],
                })
        })
        .transpose()?;
    let user = body.user.unwrap_or_else(|| principal.user.clone());
    let token = state.app().create_token(&principal, &user, expires).await?;
    let mut response = json(&token)?;
    *response.status_mut() = axum::http::StatusCode::CREATED;
    Ok(response)
}

/// Revokes a token: one's own, or (admins) anyone's. As `polis token revoke`.
#[utoipa::path(
    delete,
    path = "/api/v1/tokens/{id}",
    tag = "users",
    params(("id" = String, Path, pattern = "^[0-9a-f]{16}$", description = "The token's id (from `GET /tokens`), not its secret")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked: it is refused from now on"),
        (status = 401, description = "No token, or an unknown, revoked or expired one", body = ErrorBody),
        (status = 403, description = "Another user's token, and not an admin", body = ErrorBody),
        (status = 404, description = "No token has this id", body = ErrorBody),
        (status = 409, description = "The token was revoked already", body = ErrorBody),
        (status = 429, description = "Too many writes: see Retry-After", body = ErrorBody),
    )
)]
pub(crate) async fn revoke_token(
    State(state): State<AppState>,
    Writer(principal, _): Writer<may::OwnTokens>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(_): ApiQuery<NoParams>,
) -> Result<Response, ApiError> {
    state.app().revoke_token(&principal, &id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}
