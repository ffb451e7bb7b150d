//! Ties and their status on a date.

use axum::extract::State;
use axum::response::Response;
use polis_analysis::TieRow;
use polis_app::{CountryCode, TiesQuery};
use polis_core::{PartialDate, TieKind, TieStatus};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use super::{MAX_LIMIT, size};
use crate::error::{ApiError, ErrorBody};
use crate::params::{self, ApiQuery};
use crate::schema;
use crate::state::AppState;

/// Query parameters of `/ties`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct TiesParams {
    /// Ties of this place: an id or a name (a name of several places is refused with 400
    /// `ambiguous`, listing their ids).
    #[param(value_type = Option<String>, example = "cz-prague")]
    place: Option<String>,
    /// Ties with an end in this country (ISO 3166-1 alpha-2, any case).
    #[param(value_type = Option<schema::CountryCode>, inline)]
    country: Option<String>,
    /// Only ties of this kind.
    #[param(value_type = Option<polis_core::TieKind>, inline)]
    kind: Option<String>,
    /// Only ties with this status on the date.
    #[param(value_type = Option<polis_core::TieStatus>, inline)]
    status: Option<String>,
    /// The date of the status (YYYY, YYYY-MM or YYYY-MM-DD) [default: now].
    #[param(value_type = Option<polis_core::PartialDate>, inline)]
    as_of: Option<String>,
    /// At most this many ties [default: 100].
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
    /// Skip this many ties first (after the `cursor`'s, when both are given) [default: 0].
    #[param(value_type = Option<u32>, minimum = 0, maximum = 2147483647)]
    offset: Option<String>,
    /// The `next_cursor` of the page before: the page starts after its last tie, so ties
    /// added or removed meanwhile neither repeat nor skip others.
    #[param(value_type = Option<String>)]
    cursor: Option<String>,
}

/// One page of ties.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct TiesPage {
    #[serde(skip_serializing_if = "Option::is_none")]
    as_of: Option<PartialDate>,
    /// How many ties pass the filters, on every page together.
    total: usize,
    limit: u64,
    offset: u64,
    /// The ties of this page, by id.
    items: Vec<TieRow>,
    /// Give this as `cursor` for the next page; none on the last page.
    next_cursor: Option<String>,
}

/// Ties, filtered, each with its status on a date, sorted by id, a page at a time. As
/// `polis ties`.
#[utoipa::path(
    get,
    path = "/api/v1/ties",
    tag = "ties",
    params(TiesParams),
    responses(
        (status = 200, description = "One page of the ties that pass the filters; `total` counts them all", body = TiesPage),
        (status = 400, description = "A parameter does not parse, or a place name is ambiguous", body = ErrorBody),
        (status = 404, description = "No place has the id or name given as `place`", body = ErrorBody),
    )
)]
pub(crate) async fn ties(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<TiesParams>,
) -> Result<Response, ApiError> {
    let country = params::optional::<CountryCode>("country", params.country.as_deref())?;
    let kind = params::optional::<TieKind>("kind", params.kind.as_deref())?;
    let status = params::optional::<TieStatus>("status", params.status.as_deref())?;
    let as_of = params::optional::<PartialDate>("as_of", params.as_of.as_deref())?;
    let limit = params::number(
        "limit",
        params.limit.as_deref(),
        polis_app::options::DEFAULT_PAGE_SIZE as u64,
        1,
        MAX_LIMIT,
    )?;
    let offset = params::number("offset", params.offset.as_deref(), 0, 0, i32::MAX as u64)?;
    let page = super::records::page_request(params.limit.as_deref(), params.cursor.as_deref())?;
    let query = TiesQuery {
        place: params::text(params.place),
        country,
        kind,
        status,
        as_of,
    };
    let key = format!(
        "ties {query:?} {offset} {limit} {:?} {}",
        page.cursor,
        polis_app::today()
    );
    super::on_snapshot_cached(&state, key, move |snapshot| {
        let answer = snapshot
            .ties_page(&query, size(offset), &page)
            .map_err(|e| ApiError::from(e).in_parameter("place"))?;
        Ok(TiesPage {
            as_of,
            total: answer.total,
            limit,
            offset,
            items: answer.items,
            next_cursor: answer.next_cursor,
        })
    })
    .await
}
