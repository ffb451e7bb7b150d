//! Place names against the embedded gazetteer, and the unresolved-name queue.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{MAX_LIMIT, json, size};
use crate::error::{ApiError, ErrorBody};
use crate::params::{self, ApiQuery};
use crate::state::AppState;

/// Query parameters of `/resolve`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ResolveParams {
    /// The place name, in any spelling, language or script; qualifiers such as "Province",
    /// "County" or "(rural gmina)" say the level.
    #[param(value_type = String, example = "Praha")]
    name: Option<String>,
    /// The country field, as sources write it: a name in a major language, an ISO code, or
    /// "England, United Kingdom".
    #[param(value_type = Option<String>, example = "Czech Republic")]
    country: Option<String>,
    /// At most this many candidates [default: 5].
    #[param(value_type = Option<u32>, minimum = 1, maximum = 50)]
    limit: Option<String>,
}

/// Ranked candidates for a name from the embedded gazetteer, each with its coordinates,
/// level, ids, confidence, why it matched, and its verdict in a word and in words
/// (`confident`; `claim`: confident, the source's country kept as its claim on a contested
/// territory; `toss_up`: as good a match as other places of the name, so not confident;
/// `neighbouring`: found only in a country bordering the named one; `best_guess`). Imports
/// take the first when it is confident (0.5 or more) and queue the name otherwise. As
/// `polis resolve NAME --json`.
#[utoipa::path(
    get,
    path = "/api/v1/resolve",
    tag = "resolution",
    params(ResolveParams),
    responses(
        (status = 200, description = "The candidates, best first; empty when nothing matches", body = [polis_app::ResolvedCandidate]),
        (status = 400, description = "`name` is missing or longer than 200 characters, or `limit` does not parse", body = ErrorBody),
    )
)]
pub(crate) async fn resolve(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ResolveParams>,
) -> Result<Response, ApiError> {
    let name = params::required_text("name", params.name.as_deref(), "the place name to resolve")?;
    let limit = params::number(
        "limit",
        params.limit.as_deref(),
        polis_app::options::DEFAULT_CANDIDATES as u64,
        1,
        50,
    )?;
    let query = polis_app::NameQuery::new(&name, params.country.as_deref())
        .map_err(polis_app::AppError::from)?;
    let resolution = state.app().resolution(query, size(limit)).await?;
    json(&resolution.candidates)
}

/// Query parameters of `/unresolved`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct UnresolvedParams {
    /// At most this many names [default: 50].
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
}

/// The names imports could not resolve, waiting for a person's decision
/// (`polis resolve NAME --confirm-geonames ID | --confirm-place ID`), each with the
/// gazetteer's best three candidates and their verdicts. As `polis unresolved --json`.
#[utoipa::path(
    get,
    path = "/api/v1/unresolved",
    tag = "resolution",
    params(UnresolvedParams),
    responses(
        (status = 200, description = "The queue, the names named most often first, then by import batch and line", body = [polis_app::QueueEntry]),
        (status = 400, description = "`limit` does not parse", body = ErrorBody),
    )
)]
pub(crate) async fn unresolved(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<UnresolvedParams>,
) -> Result<Response, ApiError> {
    let limit = params::number(
        "limit",
        params.limit.as_deref(),
        polis_app::options::DEFAULT_UNRESOLVED_LIMIT as u64,
        1,
        MAX_LIMIT,
    )?;
    json(&state.app().unresolved_page(size(limit)).await?.names)
}
