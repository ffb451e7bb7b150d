//! The audit log.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{MAX_LIMIT, json, size};
use crate::error::{ApiError, ErrorBody};
use crate::params::{self, ApiQuery};
use crate::state::AppState;

/// Query parameters of `/audit`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditParams {
    /// At most this many entries [default: 20].
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
}

/// The newest entries of the audit log, newest first. As `polis audit`.
#[utoipa::path(
    get,
    path = "/api/v1/audit",
    tag = "audit",
    params(AuditParams),
    responses(
        (status = 200, description = "The entries, newest first", body = [polis_app::AuditView]),
        (status = 400, description = "`limit` does not parse", body = ErrorBody),
    )
)]
pub(crate) async fn audit(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Response, ApiError> {
    let limit = params::number(
        "limit",
        params.limit.as_deref(),
        polis_app::options::DEFAULT_AUDIT_LIMIT as u64,
        1,
        MAX_LIMIT,
    )?;
    json(&state.app().audit(size(limit)).await?)
}
