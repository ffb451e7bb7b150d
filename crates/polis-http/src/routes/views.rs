//! The JSON behind the web pages that no command had before: the world map's layer, a tie
//! with what it cites, a place's dossier, and the stakeholder network around a record.

use axum::extract::State;
use axum::response::Response;
use polis_core::PartialDate;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{json, on_snapshot};
use crate::error::{ApiError, ErrorBody};
use crate::params::{self, ApiPath, ApiQuery};
use crate::state::AppState;

/// `/map` takes no parameters, and refuses any.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NoParams {}

/// Every place with coordinates, and every tie between two of them with its status today
/// and at the end of every year its status changed (as `status_as_of` derives it); the
/// places with ties but no coordinates are counted. The web map draws this.
#[utoipa::path(
    get,
    path = "/api/v1/map",
    tag = "places",
    responses(
        (status = 200, description = "The map's layer", body = polis_app::MapLayer),
    )
)]
pub(crate) async fn map(
    State(state): State<AppState>,
    ApiQuery(NoParams {}): ApiQuery<NoParams>,
) -> Result<Response, ApiError> {
    on_snapshot(&state, |snapshot| json(&*snapshot.map_layer())).await
}

/// The dashboard's numbers: ties signed and terminated per year, the countries and country
/// pairs with the most ties, partner-country concentration (HHI) of the leading countries,
/// reported figures beside computed ones, and the quality report. The web dashboard draws
/// this.
#[utoipa::path(
    get,
    path = "/api/v1/dashboard",
    tag = "analysis",
    params(CountryBasisParams),
    responses(
        (status = 200, description = "The dashboard", body = polis_app::Dashboard),
        (status = 400, description = "A parameter does not parse", body = ErrorBody),
    )
)]
pub(crate) async fn dashboard(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<CountryBasisParams>,
) -> Result<Response, ApiError> {
    let basis = params.basis()?;
    let quality = state.app().quality().await?;
    on_snapshot(&state, move |snapshot| {
        json(&snapshot.dashboard(quality, basis))
    })
    .await
}

/// Query parameters of `/dashboard` and its tables' exports.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct CountryBasisParams {
    /// Which country a place in a contested territory counts under in the country tables:
    /// `iso` (ISO 3166's), `claim` (the country its sources put it in) or `both` (each)
    /// [default: `iso`].
    #[param(value_type = Option<crate::schema::CountryBasis>, inline)]
    country_basis: Option<String>,
}

impl CountryBasisParams {
    pub(crate) fn basis(&self) -> Result<polis_app::CountryBasis, ApiError> {
        Ok(params::optional::<polis_app::CountryBasis>(
            "country_basis",
            self.country_basis.as_deref(),
        )?
        .unwrap_or_default())
    }
}

/// Query parameters of `/ties/{tie}` and `/places/{place}/dossier`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct AsOfParams {
    /// The date of the status (YYYY, YYYY-MM or YYYY-MM-DD) [default: now].
    #[param(value_type = Option<polis_core::PartialDate>, inline)]
    as_of: Option<String>,
}

/// A tie by id: both places, its status, its events and evidence, and every source,
/// document (with tagged articles) and actor it cites.
#[utoipa::path(
    get,
    path = "/api/v1/ties/{tie}",
    tag = "ties",
    params(
        ("tie" = inline(crate::schema::RecordId), Path, description = "The tie's id"),
        AsOfParams,
    ),
    responses(
        (status = 200, description = "The tie", body = polis_app::TieView),
        (status = 400, description = "A parameter does not parse", body = ErrorBody),
        (status = 404, description = "No tie has this id", body = ErrorBody),
    )
)]
pub(crate) async fn tie(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<AsOfParams>,
) -> Result<Response, ApiError> {
    let as_of = params::optional::<PartialDate>("as_of", params.as_of.as_deref())?;
    let snapshot = state.app().snapshot().await?;
    json(&snapshot.tie(&id, as_of)?)
}

/// A place's dossier: what `/places/{place}` answers, with its parents, its ties in full,
/// activities, documents, stakeholders, degree, recommended partners, the quality findings
/// that name it, and every source cited.
#[utoipa::path(
    get,
    path = "/api/v1/places/{place}/dossier",
    tag = "places",
    params(
        ("place" = inline(crate::schema::PlaceRef), Path, description = "An id, a former id, or a name in any script, URL-encoded"),
        AsOfParams,
    ),
    responses(
        (status = 200, description = "The dossier", body = polis_app::Dossier),
        (status = 400, description = "A parameter does not parse", body = ErrorBody),
        (status = 404, description = "No place has this id or name", body = ErrorBody),
    )
)]
pub(crate) async fn dossier(
    State(state): State<AppState>,
    ApiPath(query): ApiPath<String>,
    ApiQuery(params): ApiQuery<AsOfParams>,
) -> Result<Response, ApiError> {
    let as_of = params::optional::<PartialDate>("as_of", params.as_of.as_deref())?;
    on_snapshot(&state, move |snapshot| {
        json(&snapshot.dossier(&query, as_of)?)
    })
    .await
}

/// Query parameters of `/graph/neighbourhood`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct NeighbourhoodParams {
    /// The record at the centre: an id or a name of an actor, place, network or activity.
    #[param(value_type = crate::schema::NonBlank, inline, example = "cz-prague")]
    of: Option<String>,
    /// How many links away to walk, 1 to 4 [default: 2].
    #[param(value_type = Option<u32>, minimum = 1, maximum = 4)]
    depth: Option<String>,
    /// Only links in force on this date (YYYY, YYYY-MM or YYYY-MM-DD) [default: every link].
    #[param(value_type = Option<polis_core::PartialDate>, inline)]
    as_of: Option<String>,
    /// Only links in force at some time within this window, FROM..TO (each YYYY, YYYY-MM
    /// or YYYY-MM-DD; `2015..2018-06`); excludes `as_of` [default: every link].
    #[param(value_type = Option<String>, example = "2015..2018")]
    during: Option<String>,
}

/// The stakeholder network around a record: every actor, place, network and activity
/// within `depth` links (relations, ties, memberships, participation), and the links among
/// them, at most 300 records. The web explorer draws this.
#[utoipa::path(
    get,
    path = "/api/v1/graph/neighbourhood",
    tag = "analysis",
    params(NeighbourhoodParams),
    responses(
        (status = 200, description = "The records reached and their links", body = polis_analysis::Neighbourhood),
        (status = 400, description = "A parameter is missing or does not parse, or a name is ambiguous", body = ErrorBody),
        (status = 404, description = "No record has this id or name", body = ErrorBody),
    )
)]
pub(crate) async fn neighbourhood(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<NeighbourhoodParams>,
) -> Result<Response, ApiError> {
    let of = params::required_text("of", params.of.as_deref(), "the record at the centre")?;
    let depth = params::number(
        "depth",
        params.depth.as_deref(),
        polis_app::DEFAULT_NEIGHBOURHOOD_DEPTH as u64,
        1,
        4,
    )?;
    let as_of = params::optional::<PartialDate>("as_of", params.as_of.as_deref())?;
    let during = params::optional::<polis_app::DateWindow>("during", params.during.as_deref())?;
    let when = polis_app::neighbourhood_time(as_of, during)?;
    on_snapshot(&state, move |snapshot| {
        json(&snapshot.neighbourhood(&of, super::size(depth), &when)?)
    })
    .await
}
