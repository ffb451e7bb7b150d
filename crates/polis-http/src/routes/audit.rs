//! The audit log and the check of its hash chain, for admins only: it names every user and
//! holds every record's earlier states.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{MAX_LIMIT, json, size};
use crate::error::{ApiError, ErrorBody};
use crate::params::{self, ApiQuery, Caller, NoParams};
use crate::state::AppState;

/// Query parameters of `/audit`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditParams {
    /// At most this many entries [default: 20].
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
    /// `true`: also the web sessions' sign-ins and sign-outs (token entries, in the chain
    /// like every entry) [default: false].
    #[param(value_type = Option<bool>)]
    sessions: Option<String>,
}

/// The newest entries of the audit log, newest first (admins only). As `polis audit`.
#[utoipa::path(
    get,
    path = "/api/v1/audit",
    tag = "audit",
    params(AuditParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The entries, newest first", body = [polis_app::AuditView]),
        (status = 400, description = "`limit` does not parse", body = ErrorBody),
        (status = 401, description = "No token, or an unknown, revoked or expired one", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
    )
)]
pub(crate) async fn audit(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<AuditParams>,
    Caller(principal): Caller,
) -> Result<Response, ApiError> {
    let limit = params::number(
        "limit",
        params.limit.as_deref(),
        polis_app::options::DEFAULT_AUDIT_LIMIT as u64,
        1,
        MAX_LIMIT,
    )?;
    let sessions = params::flag("sessions", params.sessions.as_deref())?;
    json(
        &state
            .app()
            .audit_entries_for(&principal, size(limit), sessions)
            .await?,
    )
}

/// Walks the audit log's hash chain and names the first entry that was altered, deleted or
/// moved (admins only). As `polis audit verify`.
#[utoipa::path(
    get,
    path = "/api/v1/audit/verify",
    tag = "audit",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What the walk found: `intact`, or the first broken entry", body = polis_app::AuditVerification),
        (status = 401, description = "No token, or an unknown, revoked or expired one", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
    )
)]
pub(crate) async fn verify(
    State(state): State<AppState>,
    ApiQuery(_): ApiQuery<NoParams>,
    Caller(principal): Caller,
) -> Result<Response, ApiError> {
    json(&state.app().verify_audit(&principal).await?)
}
