//! Health and the OpenAPI document.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::response::Response;
use serde::Serialize;

use super::json;
use crate::error::{ApiError, ErrorBody};
use crate::params::{ApiQuery, NoParams};
use crate::state::AppState;

/// The server is up and its database answers.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Health {
    /// Always `ok`.
    #[schema(example = "ok")]
    status: &'static str,
    /// How many records the snapshot in force holds.
    n_records: usize,
    /// The database's version (its last audit sequence number), as it answered now.
    store_version: i64,
    /// The version of the records the snapshot in force holds: the sequence number of the
    /// last audit entry that changed a record when it was loaded. Behind `store_version`
    /// while a change made elsewhere is being loaded, and after entries that change no
    /// record (proposals, accounts, sessions), which need no new snapshot.
    snapshot_version: i64,
}

/// Liveness and readiness: the database is asked for its version (one cheap query), and
/// the answer says how many records the snapshot holds. 503 `unavailable` when the database
/// does not answer within 2 s or answers with an error.
#[utoipa::path(
    get,
    path = "/api/v1/health",
    tag = "meta",
    responses(
        (status = 200, description = "The server is up and its database answers", body = Health),
        (status = 503, description = "The database does not answer (`unavailable`)", body = ErrorBody),
    )
)]
pub(crate) async fn health(
    State(state): State<AppState>,
    _: ApiQuery<NoParams>,
) -> Result<Response, ApiError> {
    let store_version = state
        .app()
        .check_store()
        .await
        .map_err(ApiError::Unavailable)?;
    let snapshot = state.app().snapshot().await?;
    json(&Health {
        status: "ok",
        n_records: snapshot.data().len(),
        store_version,
        snapshot_version: snapshot.version(),
    })
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI document of this API", content_type = "application/json", body = Object))
)]
pub(crate) async fn openapi_json(State(state): State<AppState>, _: ApiQuery<NoParams>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        state.openapi_json(),
    )
        .into_response()
}

/// The same OpenAPI document at the shorter, version-free address that tools look for.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI document of this API (as /api/v1/openapi.json)", content_type = "application/json", body = Object))
)]
pub(crate) async fn openapi_json_alias(
    state: State<AppState>,
    query: ApiQuery<NoParams>,
) -> Response {
    openapi_json(state, query).await
}
