//! Users and their roles, for admins. As `polis user list` and `polis user set-role`
//! (users and tokens are created from the command line).

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use utoipa::ToSchema;

use super::json;
use crate::error::{ApiError, ErrorBody};
use crate::params::{ApiPath, ApiQuery, Caller, JsonBody, NoParams, Writer};
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
    params(("name" = String, Path, description = "The user's name")),
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
    ApiPath(name): ApiPath<String>,
    Writer(principal): Writer,
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
