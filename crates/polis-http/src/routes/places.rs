//! Places by id, former id or any name.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use polis_core::PartialDate;

use super::json;
use crate::error::{ApiError, ErrorBody};
use crate::params::{self, ApiPath, ApiQuery};
use crate::state::AppState;

/// Query parameters of `/places/{place}`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct PlaceParams {
    /// The date of the ties' status (YYYY, YYYY-MM or YYYY-MM-DD) [default: now].
    #[param(value_type = Option<polis_core::PartialDate>, inline)]
    as_of: Option<String>,
}

/// A place by id, former id, or any of its names in any script (diacritics and case
/// ignored), with its ties and their status on a date, and its memberships. As
/// `polis place show`.
#[utoipa::path(
    get,
    path = "/api/v1/places/{place}",
    tag = "places",
    params(
        ("place" = inline(crate::schema::PlaceRef), Path, description = "An id (`cz-prague`), a former id, or a name in any script (`Praha`, `PRAHA`, `布拉格`), URL-encoded"),
        PlaceParams,
    ),
    responses(
        (status = 200, description = "The place; `also_matched` lists other places the name matched", body = polis_app::PlaceView),
        (status = 400, description = "A parameter does not parse", body = ErrorBody),
        (status = 404, description = "No place has this id or name", body = ErrorBody),
    )
)]
pub(crate) async fn place(
    State(state): State<AppState>,
    ApiPath(query): ApiPath<String>,
    ApiQuery(params): ApiQuery<PlaceParams>,
) -> Result<Response, ApiError> {
    let as_of = params::optional::<PartialDate>("as_of", params.as_of.as_deref())?;
    // Indexed lookups: a place's ties and memberships without walking the dataset, so no
    // trip to the blocking pool.
    let snapshot = state.app().snapshot().await?;
    json(&snapshot.place(&query, as_of)?)
}
