//! Place names against the embedded gazetteer, the unresolved-name queue, and recording
//! what a name means (reviewers and above), as `polis resolve` and `polis unresolved` do.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{MAX_LIMIT, json, size};
use crate::error::{ApiError, ErrorBody};
use crate::params::{self, ApiQuery, JsonBody, Writer, may};
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
    /// The source's latitude, with `lon`: the point chooses among the places of the name in
    /// the country, as an import's coordinates do.
    #[param(value_type = Option<f64>, minimum = -90, maximum = 90)]
    lat: Option<String>,
    /// The source's longitude, with `lat`.
    #[param(value_type = Option<f64>, minimum = -180, maximum = 180)]
    lon: Option<String>,
    /// The source's population: without a point, it chooses among the places of the name,
    /// and a count ten times off the answer by name makes it a best guess.
    #[param(value_type = Option<u64>, minimum = 0)]
    population: Option<String>,
    /// At most this many candidates [default: 5].
    #[param(value_type = Option<u32>, minimum = 1, maximum = 50)]
    limit: Option<String>,
}

/// Ranked candidates for a name from the embedded gazetteer, each with its coordinates,
/// level, ids, confidence, why it matched, and its verdict in a word and in words
/// (`confident`; `claim`: confident, the source's country kept as its claim on a contested
/// territory; `toss_up`: as good a match as other places of the name, so not confident;
/// `neighbouring`: found only in a country bordering the named one; `best_guess`). Imports
/// take the first when it is confident (0.5 or more) and queue the name otherwise. With
/// `lat`/`lon` or `population`, the answer is what an import of a row with them takes: the
/// place they choose comes first, confident, and says so. As `polis resolve NAME --json`.
#[utoipa::path(
    get,
    path = "/api/v1/resolve",
    tag = "resolution",
    params(ResolveParams),
    responses(
        (status = 200, description = "The candidates, best first; empty when nothing matches", body = [polis_app::ResolvedCandidate]),
        (status = 400, description = "`name` is missing or longer than 200 characters, `limit` or `population` is not a whole number, `lat` or `lon` is out of range, or only one of them is given", body = ErrorBody),
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
    let lat = params::decimal("lat", params.lat.as_deref())?;
    let lon = params::decimal("lon", params.lon.as_deref())?;
    let population =
        params::optional_number("population", params.population.as_deref(), 0, u64::MAX)?;
    let query = polis_app::NameQuery::new(&name, params.country.as_deref())
        .and_then(|q| q.with_context(lat, lon, population))
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

/// The body of `POST /decisions`: a name as sources write it, their country field, and the
/// place it means: exactly one of `geonames` and `place`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DecideBody {
    /// The place name, as sources write it (at most 200 characters; not blank).
    // Its pattern, `polis_app::NOT_BLANK_PATTERN`, is set in `openapi.rs`.
    #[schema(example = "Springfield", max_length = 200)]
    name: String,
    /// The country field, as sources write it ("United States", "US"); absent, null or
    /// empty: the name in whatever country a source gives. At most 200 characters.
    #[serde(default)]
    #[schema(example = "United States", max_length = 200)]
    country: Option<String>,
    /// The GeoNames id of the place the name means: one of the name's candidates
    /// (`/api/v1/resolve`). Give this or `place`, not both.
    #[serde(default)]
    #[schema(example = 4951788)]
    geonames: Option<u32>,
    /// The id of the registry's place the name means. Give this or `geonames`, not both.
    #[serde(default)]
    #[schema(example = json!(null))]
    place: Option<String>,
}

/// Records what a name (with its country field) means, for every later import (reviewers
/// and above; applied at once, and audited): the name leaves the unresolved queue, and the
/// provisional place an import kept for it is merged into the place decided on (its id
/// redirects there). As `polis resolve NAME --country C --confirm-geonames ID |
/// --confirm-place ID`.
#[utoipa::path(
    post,
    path = "/api/v1/decisions",
    tag = "resolution",
    request_body = DecideBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Remembered: what the name means now, and the provisional place merged, if any", body = polis_app::Decided),
        (status = 400, description = "The body is not JSON, or the merge of the provisional place is refused (it is tied to the place decided on)", body = ErrorBody),
        (status = 401, description = "No token, or an unknown, revoked or expired one", body = ErrorBody),
        (status = 403, description = "The token's user is not a reviewer", body = ErrorBody),
        (status = 409, description = "The records forbid the merge of the provisional place", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 415, description = "The body is not sent as application/json", body = ErrorBody),
        (status = 422, description = "The body has the wrong shape, the name is blank or too long, both or neither of `geonames` and `place` are given, or the one given names no place: `details.violations` names the field", body = ErrorBody),
        (status = 429, description = "Too many writes: see Retry-After", body = ErrorBody),
    )
)]
pub(crate) async fn decide(
    State(state): State<AppState>,
    Writer(principal, _): Writer<may::Decide>,
    JsonBody(body): JsonBody<DecideBody>,
) -> Result<Response, ApiError> {
    let query =
        polis_app::NameQuery::new(&body.name, body.country.as_deref()).map_err(|error| {
            ApiError::Invalid {
                message: format!("field {error}"),
                violations: vec![error.to_string()],
            }
        })?;
    let decision = polis_app::DecisionRequest::one_of(body.geonames, body.place.as_deref())?;
    let decided = state.app().decide(&principal, &query, decision).await?;
    let mut response = json(&decided)?;
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}
