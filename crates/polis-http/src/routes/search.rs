//! Full-text search in any script.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{MAX_LIMIT, json, size};
use crate::error::{ApiError, ErrorBody};
use crate::params::{self, ApiQuery};
use crate::state::AppState;

/// Query parameters of `/search`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct SearchParams {
    /// What to look for, in any language or script (diacritics ignored; every word is
    /// matched as a prefix).
    #[param(value_type = crate::schema::NonBlank, inline, example = "Hrib")]
    q: Option<String>,
    /// At most this many hits [default: 20].
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
}

/// Full-text search over places, actors, networks and documents. As `polis search`.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "The hits, best first", body = [polis_store::SearchHit]),
        (status = 400, description = "`q` is missing, or `limit` does not parse", body = ErrorBody),
    )
)]
pub(crate) async fn search(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Response, ApiError> {
    let query = params::required_text("q", params.q.as_deref(), "the text to look for")?;
    let limit = params::number(
        "limit",
        params.limit.as_deref(),
        polis_app::options::DEFAULT_SEARCH_LIMIT as u64,
        1,
        MAX_LIMIT,
    )?;
    json(&state.app().search(&query, size(limit)).await?)
}
