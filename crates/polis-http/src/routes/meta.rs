//! Health and the OpenAPI document.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::response::Response;
use serde::Serialize;

use super::json;
use crate::error::ApiError;
use crate::params::{ApiQuery, NoParams};
use crate::state::AppState;

/// The server is up.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Health {
    /// Always `ok`.
    #[schema(example = "ok")]
    status: &'static str,
    /// How many records the snapshot in force holds.
    n_records: usize,
}

/// Liveness, and how many records the snapshot holds.
#[utoipa::path(
    get,
    path = "/api/v1/health",
    tag = "meta",
    responses((status = 200, description = "The server is up", body = Health))
)]
pub(crate) async fn health(
    State(state): State<AppState>,
    _: ApiQuery<NoParams>,
) -> Result<Response, ApiError> {
    json(&Health {
        status: "ok",
        n_records: state.app().snapshot().await?.data().len(),
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
