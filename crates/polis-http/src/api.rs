//! The endpoints under `/api/v1`, each the HTTP form of a `polis` command, and [`ROUTES`],
//! the one table the router is built from and that the OpenAPI test checks.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use polis_analysis::network::MetricsQuery;
use polis_analysis::recommend::RecommendError;
use polis_analysis::{StatsQuery, TieFilter, TieRow};
use polis_core::{ActivityKind, Dataset, Membership, PartialDate, Place, TieKind, TieStatus};
use polis_graph::GraphError;
use polis_store::{Audit, ResolutionQueue, Search};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use crate::error::{ApiError, ErrorBody};
use crate::openapi::{self, schema};
use crate::params::{self, ApiPath, ApiQuery, CountryCode, MetricSort, NoParams, Through};
use crate::state::{AppState, Snapshot};

/// One endpoint: its path (axum's syntax, which is also OpenAPI's) and its handlers.
pub struct Route {
    pub path: &'static str,
    pub(crate) handler: fn() -> MethodRouter<AppState>,
}

/// Every route the router serves. A test fails when one of them is missing from the
/// OpenAPI document, or the document lists a path that is not here.
pub static ROUTES: &[Route] = &[
    Route {
        path: "/api/v1/health",
        handler: || get(health),
    },
    Route {
        path: "/api/v1/openapi.json",
        handler: || get(openapi_json),
    },
    Route {
        path: "/api/v1/places/{place}",
        handler: || get(place),
    },
    Route {
        path: "/api/v1/ties",
        handler: || get(ties),
    },
    Route {
        path: "/api/v1/stats",
        handler: || get(stats),
    },
    Route {
        path: "/api/v1/changes",
        handler: || get(changes),
    },
    Route {
        path: "/api/v1/quality",
        handler: || get(quality),
    },
    Route {
        path: "/api/v1/dormant",
        handler: || get(dormant),
    },
    Route {
        path: "/api/v1/path",
        handler: || get(path),
    },
    Route {
        path: "/api/v1/graph/metrics",
        handler: || get(graph_metrics),
    },
    Route {
        path: "/api/v1/recommend/{place}",
        handler: || get(recommend),
    },
    Route {
        path: "/api/v1/recommend-evaluation",
        handler: || get(recommend_evaluation),
    },
    Route {
        path: "/api/v1/figures",
        handler: || get(figures),
    },
    Route {
        path: "/api/v1/activities/totals",
        handler: || get(activity_totals),
    },
    Route {
        path: "/api/v1/clauses",
        handler: || get(clauses),
    },
    Route {
        path: "/api/v1/search",
        handler: || get(search),
    },
    Route {
        path: "/api/v1/audit",
        handler: || get(audit),
    },
    Route {
        path: "/api/v1/resolve",
        handler: || get(resolve),
    },
    Route {
        path: "/api/v1/unresolved",
        handler: || get(unresolved),
    },
    Route {
        path: "/api/v1/export/ties.csv",
        handler: || get(export_csv),
    },
    Route {
        path: "/api/v1/export/ties.geojson",
        handler: || get(export_geojson),
    },
    Route {
        path: "/api/v1/export/ties.graphml",
        handler: || get(export_graphml),
    },
    Route {
        path: "/api/v1/export/ties.gexf",
        handler: || get(export_gexf),
    },
];

/// The largest page of ties, search hits, audit entries or network metrics' places one
/// request may ask for.
pub const MAX_LIMIT: u64 = 1000;

/// The answer to a path that no route has.
pub(crate) async fn no_such_endpoint() -> ApiError {
    ApiError::NotFound("no such endpoint: the endpoints are listed at /api/v1/openapi.json".into())
}

pub(crate) async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// A JSON response from any serializable value.
fn json<T: Serialize + ?Sized>(value: &T) -> Result<Response, ApiError> {
    let body = serde_json::to_vec(value).map_err(ApiError::internal)?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

/// Runs `work` over the snapshot on the blocking pool, so that a long analysis does not hold
/// up the threads that serve other requests.
async fn on_snapshot<F>(state: &AppState, work: F) -> Result<Response, ApiError>
where
    F: FnOnce(&Snapshot) -> Result<Response, ApiError> + Send + 'static,
{
    let snapshot = state.snapshot();
    tokio::task::spawn_blocking(move || work(&snapshot)).await?
}

/// Today's date (UTC), the default reference date of `/dormant`.
fn today() -> PartialDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0);
    PartialDate::from_days_since_epoch(i64::try_from(days).unwrap_or(0))
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    n_records: usize,
}

/// Liveness, and how many records the snapshot holds.
#[utoipa::path(
    get,
    path = "/api/v1/health",
    tag = "meta",
    responses((status = 200, description = "The server is up", body = schema::Health))
)]
pub(crate) async fn health(
    State(state): State<AppState>,
    _: ApiQuery<NoParams>,
) -> Result<Response, ApiError> {
    json(&Health {
        status: "ok",
        n_records: state.snapshot().data.len(),
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

/// Query parameters of `/places/{place}`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct PlaceParams {
    /// The date of the ties' status (YYYY, YYYY-MM or YYYY-MM-DD) [default: now].
    #[param(value_type = Option<openapi::PartialDate>, inline)]
    as_of: Option<String>,
}

#[derive(Serialize)]
struct PlaceBody<'a> {
    place: &'a Place,
    also_matched: Vec<&'a str>,
    ties: Vec<TieRow>,
    memberships: Vec<&'a Membership>,
}

/// A place by id, former id, or any of its names in any script (diacritics and case
/// ignored), with its ties and their status on a date, and its memberships. As
/// `polis place show`.
#[utoipa::path(
    get,
    path = "/api/v1/places/{place}",
    tag = "places",
    params(
        ("place" = String, Path, description = "An id (`cz-prague`), a former id, or a name in any script (`Praha`, `PRAHA`, `布拉格`), URL-encoded"),
        PlaceParams,
    ),
    responses(
        (status = 200, description = "The place; `also_matched` lists other places the name matched", body = schema::PlaceResponse),
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
    let snapshot = state.snapshot();
    let places = snapshot.find_places(&query);
    let Some(first) = places.first() else {
        return Err(ApiError::NotFound(format!(
            "no place has the id or name '{query}': try /api/v1/search?q={query}"
        )));
    };
    // Indexed lookups: a place's ties and memberships without walking the dataset.
    json(&PlaceBody {
        place: first,
        also_matched: places[1..].iter().map(|p| p.id.as_str()).collect(),
        ties: snapshot.tie_rows_of(&first.id, as_of.as_ref()),
        memberships: snapshot.memberships_of(&first.id),
    })
}

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
    #[param(value_type = Option<openapi::CountryCode>, inline)]
    country: Option<String>,
    /// Only ties of this kind.
    #[param(value_type = Option<openapi::TieKind>, inline)]
    kind: Option<String>,
    /// Only ties with this status on the date.
    #[param(value_type = Option<openapi::TieStatus>, inline)]
    status: Option<String>,
    /// The date of the status (YYYY, YYYY-MM or YYYY-MM-DD) [default: now].
    #[param(value_type = Option<openapi::PartialDate>, inline)]
    as_of: Option<String>,
    /// At most this many ties [default: 100].
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
    /// Skip this many ties first [default: 0].
    #[param(value_type = Option<u32>, minimum = 0)]
    offset: Option<String>,
}

#[derive(Serialize)]
struct TiesPage<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    as_of: Option<PartialDate>,
    total: usize,
    limit: u64,
    offset: u64,
    items: &'a [TieRow],
}

/// Ties, filtered, each with its status on a date, sorted by id, a page at a time. As
/// `polis ties`.
#[utoipa::path(
    get,
    path = "/api/v1/ties",
    tag = "ties",
    params(TiesParams),
    responses(
        (status = 200, description = "One page of the ties that pass the filters; `total` counts them all", body = schema::TiesPage),
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
    let limit = params::number("limit", params.limit.as_deref(), 100, 1, MAX_LIMIT)?;
    let offset = params::number("offset", params.offset.as_deref(), 0, 0, u64::MAX)?;
    let place_query = params.place.filter(|p| !p.trim().is_empty());
    on_snapshot(&state, move |snapshot| {
        let place = match &place_query {
            Some(query) => Some(snapshot.resolve_place("place", query)?.id.clone()),
            None => None,
        };
        let filter = TieFilter {
            place,
            country: country.map(|c| c.0),
            kind,
            status,
            as_of,
        };
        let rows = polis_analysis::list_ties(&snapshot.data, &filter);
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(rows.len());
        let end = start
            .saturating_add(usize::try_from(limit).unwrap_or(usize::MAX))
            .min(rows.len());
        json(&TiesPage {
            as_of,
            total: rows.len(),
            limit,
            offset,
            items: &rows[start..end],
        })
    })
    .await
}

/// Query parameters of `/stats`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct StatsParams {
    /// Count for this country: its ties and their foreign partners.
    #[param(value_type = Option<openapi::CountryCode>, inline)]
    country: Option<String>,
    /// Count for this place (an id or a name) and every place inside it, instead of a
    /// country.
    #[param(value_type = Option<String>, example = "cn-hebei")]
    place: Option<String>,
    /// Count only ties with a partner in this country.
    #[param(value_type = Option<openapi::CountryCode>, inline)]
    partner_country: Option<String>,
    /// The date (YYYY, YYYY-MM or YYYY-MM-DD) [default: now].
    #[param(value_type = Option<openapi::PartialDate>, inline)]
    as_of: Option<String>,
}

/// Counts of ties, partner places and partner countries, by kind and status. As
/// `polis stats`; the fields are described in docs/cli.md.
#[utoipa::path(
    get,
    path = "/api/v1/stats",
    tag = "analysis",
    params(StatsParams),
    responses(
        (status = 200, description = "The counts: n_ties, n_domestic_ties, n_partner_places, partner_places_by_level, n_partner_countries, local_places_by_level, by_kind, by_status, signed_by_year, terminated_by_year, top_partner_countries, hhi_partner_countries, distance_km", body = Object),
        (status = 400, description = "A parameter does not parse", body = ErrorBody),
    )
)]
pub(crate) async fn stats(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<StatsParams>,
) -> Result<Response, ApiError> {
    let place = match params.place.as_deref() {
        Some(query) => Some(state.snapshot().resolve_place("place", query)?.id.clone()),
        None => None,
    };
    let query = StatsQuery {
        place,
        country: params::optional::<CountryCode>("country", params.country.as_deref())?
            .map(|c| c.0),
        as_of: params::optional::<PartialDate>("as_of", params.as_of.as_deref())?,
        partner_countries: params::optional::<CountryCode>(
            "partner_country",
            params.partner_country.as_deref(),
        )?
        .map(|c| std::collections::BTreeSet::from([c.0])),
        ..StatsQuery::default()
    };
    on_snapshot(&state, move |snapshot| {
        json(&polis_analysis::stats(&snapshot.data, &query))
    })
    .await
}

/// Query parameters of `/changes`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ChangesParams {
    /// The start of the window (YYYY, YYYY-MM or YYYY-MM-DD).
    #[param(value_type = openapi::PartialDate, inline)]
    from: Option<String>,
    /// The end of the window (YYYY, YYYY-MM or YYYY-MM-DD).
    #[param(value_type = openapi::PartialDate, inline)]
    to: Option<String>,
}

/// What changed between two dates: ties whose status differs, and the events in between.
/// As `polis changes`.
#[utoipa::path(
    get,
    path = "/api/v1/changes",
    tag = "analysis",
    params(ChangesParams),
    responses(
        (status = 200, description = "from, to, events_by_kind, possible_events_by_kind, and ties: [{id, a_name, b_name, before, after, events}]", body = Object),
        (status = 400, description = "`from` or `to` is missing or does not parse", body = ErrorBody),
    )
)]
pub(crate) async fn changes(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ChangesParams>,
) -> Result<Response, ApiError> {
    const DATE: &str = "a date, YYYY, YYYY-MM or YYYY-MM-DD";
    let from = params::required::<PartialDate>("from", params.from.as_deref(), DATE)?;
    let to = params::required::<PartialDate>("to", params.to.as_deref(), DATE)?;
    on_snapshot(&state, move |snapshot| {
        json(&polis_analysis::changes(&snapshot.data, from, to))
    })
    .await
}

/// The data-quality report. As `polis quality` (which also exits 1 when it finds errors;
/// here the report is the answer either way).
#[utoipa::path(
    get,
    path = "/api/v1/quality",
    tag = "analysis",
    responses(
        (status = 200, description = "n_errors, n_warnings, and checks: [{check, severity, description, count, examples}]", body = Object),
    )
)]
pub(crate) async fn quality(
    State(state): State<AppState>,
    _: ApiQuery<NoParams>,
) -> Result<Response, ApiError> {
    on_snapshot(&state, |snapshot| {
        json(&polis_analysis::quality(&snapshot.data, &[]))
    })
    .await
}

/// Query parameters of `/dormant`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct DormantParams {
    /// Years without recorded activity [default: 5].
    #[param(value_type = Option<u16>, minimum = 1, maximum = 1000)]
    years: Option<String>,
    /// The reference date (YYYY, YYYY-MM or YYYY-MM-DD) [default: today].
    #[param(value_type = Option<openapi::PartialDate>, inline)]
    as_of: Option<String>,
}

#[derive(Serialize)]
struct DormantBody {
    years: u16,
    as_of: PartialDate,
    ties: Vec<polis_analysis::DormantTie>,
}

/// Active ties with no recorded activity for N years. As `polis dormant`.
#[utoipa::path(
    get,
    path = "/api/v1/dormant",
    tag = "analysis",
    params(DormantParams),
    responses(
        (status = 200, description = "The dormant ties", body = schema::DormantResponse),
        (status = 400, description = "A parameter does not parse", body = ErrorBody),
    )
)]
pub(crate) async fn dormant(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<DormantParams>,
) -> Result<Response, ApiError> {
    let years = u16::try_from(params::number(
        "years",
        params.years.as_deref(),
        5,
        1,
        1000,
    )?)
    .map_err(ApiError::internal)?;
    let as_of =
        params::optional::<PartialDate>("as_of", params.as_of.as_deref())?.unwrap_or_else(today);
    on_snapshot(&state, move |snapshot| {
        json(&DormantBody {
            years,
            as_of,
            ties: polis_analysis::dormant(&snapshot.data, years, as_of),
        })
    })
    .await
}

/// Query parameters of `/path`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct PathParams {
    /// Where the chains start: an id or a name of an actor, place, network or activity.
    #[param(value_type = String, example = "prague-city-hall")]
    from: Option<String>,
    /// Where the chains end: an id or a name.
    #[param(value_type = String, example = "cefc-china-energy")]
    to: Option<String>,
    /// What to follow: `ties` (places and ties only), `relations` (actors' relations only)
    /// or `all` [default: `ties` when both ends are places, else `all`].
    #[param(value_type = Option<openapi::Through>, inline)]
    through: Option<String>,
    /// Only links in force on this date (YYYY, YYYY-MM or YYYY-MM-DD).
    #[param(value_type = Option<openapi::PartialDate>, inline)]
    as_of: Option<String>,
    /// At most this many chains of the shortest length [default: 3].
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    max: Option<String>,
}

#[derive(Serialize)]
struct PathBody<'a> {
    from: &'a str,
    to: &'a str,
    through: &'static str,
    chains: Vec<polis_analysis::Chain>,
}

/// The shortest chains between two records: "who connects X to Y". As `polis graph path`.
#[utoipa::path(
    get,
    path = "/api/v1/path",
    tag = "analysis",
    params(PathParams),
    responses(
        (status = 200, description = "The chains; an empty list when the two are not connected", body = schema::PathResponse),
        (status = 400, description = "A parameter is missing or does not parse, or a name is ambiguous", body = ErrorBody),
        (status = 404, description = "Nothing has the id or name given as `from` or `to`", body = ErrorBody),
    )
)]
pub(crate) async fn path(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<PathParams>,
) -> Result<Response, ApiError> {
    const END: &str = "an id or a name of an actor, place, network or activity";
    let from = params::required_text("from", params.from.as_deref(), END)?;
    let to = params::required_text("to", params.to.as_deref(), END)?;
    let through = params::optional::<Through>("through", params.through.as_deref())?;
    let as_of = params::optional::<PartialDate>("as_of", params.as_of.as_deref())?;
    let max = params::number("max", params.max.as_deref(), 3, 1, 100)?;
    on_snapshot(&state, move |snapshot| {
        let through = through.unwrap_or_else(|| {
            if snapshot.is_place_id_or_name(&from) && snapshot.is_place_id_or_name(&to) {
                Through::Ties
            } else {
                Through::All
            }
        });
        let data = followed(&snapshot.data, through);
        let chains = polis_analysis::connect(
            &data,
            &from,
            &to,
            as_of.as_ref(),
            usize::try_from(max).unwrap_or(1),
        )
        .map_err(|error| match error {
            polis_analysis::PathError::NotFound(_) => ApiError::NotFound(error.to_string()),
            polis_analysis::PathError::Ambiguous { .. } => ApiError::Ambiguous(error.to_string()),
        })?;
        json(&PathBody {
            from: &from,
            to: &to,
            through: through.as_str(),
            chains,
        })
    })
    .await
}

/// The records a path may follow, as `polis graph path --through` chooses them: `ties`
/// keeps places and ties, `relations` keeps actors, places, networks and relations, `all`
/// keeps everything.
fn followed(data: &Dataset, through: Through) -> Dataset {
    let places = data.places.clone();
    match through {
        Through::Ties => Dataset {
            places,
            ties: data.ties.clone(),
            ..Dataset::default()
        },
        Through::Relations => Dataset {
            places,
            actors: data.actors.clone(),
            networks: data.networks.clone(),
            relations: data.relations.clone(),
            ..Dataset::default()
        },
        Through::All => Dataset {
            places,
            ties: data.ties.clone(),
            actors: data.actors.clone(),
            networks: data.networks.clone(),
            relations: data.relations.clone(),
            memberships: data.memberships.clone(),
            activities: data.activities.clone(),
            ..Dataset::default()
        },
    }
}

/// The answer to a failed graph computation: 400 when the request's own values make it
/// impossible (a parameter the analysis refuses; too few ties in force on the date to
/// evaluate anything), internal otherwise (a weight, an index, a partition or a
/// convergence failure is the server's fault, not the client's).
fn graph_error(error: GraphError) -> ApiError {
    match error {
        GraphError::InvalidParameter {
            name: "held_out_fraction" | "n_sources",
            ..
        } => ApiError::BadRequest(error.to_string()),
        GraphError::NotEnoughPairs { .. } => ApiError::BadRequest(format!(
            "{error}: too few ties are in force on the date to hold some out; try a later `as_of`"
        )),
        other => ApiError::internal(other),
    }
}

/// The answer to a failed recommendation: 404 for an unknown place, else as [`graph_error`].
fn recommend_error(error: RecommendError) -> ApiError {
    match error {
        RecommendError::UnknownPlace(_) => ApiError::NotFound(error.to_string()),
        RecommendError::Graph(graph) => graph_error(graph),
    }
}

/// Query parameters of `/graph/metrics`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct GraphMetricsParams {
    /// List this many places [default: 20].
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    top: Option<String>,
    /// List only places of this country (the metrics are always of the whole network).
    #[param(value_type = Option<openapi::CountryCode>, inline)]
    country: Option<String>,
    /// The network on this date (YYYY, YYYY-MM or YYYY-MM-DD) [default: now].
    #[param(value_type = Option<openapi::PartialDate>, inline)]
    as_of: Option<String>,
    /// Order the places by this metric [default: `betweenness`].
    #[param(value_type = Option<openapi::MetricSort>, inline)]
    sort: Option<String>,
    /// Estimate betweenness from this many random sources instead of exactly (exact when
    /// K is at least the number of places).
    #[param(value_type = Option<u32>, minimum = 3)]
    sampled: Option<String>,
    /// Seed for Louvain and the sampling: the same seed gives the same answer [default: 0].
    #[param(value_type = Option<u64>, minimum = 0)]
    seed: Option<String>,
}

/// Degree, weighted degree, betweenness, PageRank, components, k-cores and Louvain
/// communities of the tie network on a date. As `polis graph metrics`.
#[utoipa::path(
    get,
    path = "/api/v1/graph/metrics",
    tag = "analysis",
    params(GraphMetricsParams),
    responses(
        (status = 200, description = "The network's summary, its largest communities, and the places best first", body = schema::GraphMetrics),
        (status = 400, description = "A parameter does not parse", body = ErrorBody),
    )
)]
pub(crate) async fn graph_metrics(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<GraphMetricsParams>,
) -> Result<Response, ApiError> {
    let top = params::number("top", params.top.as_deref(), 20, 1, MAX_LIMIT)?;
    let country = params::optional::<CountryCode>("country", params.country.as_deref())?;
    let as_of = params::optional::<PartialDate>("as_of", params.as_of.as_deref())?;
    let sort = params::optional::<MetricSort>("sort", params.sort.as_deref())?
        .unwrap_or(MetricSort::Betweenness);
    let sampled =
        params::optional_number("sampled", params.sampled.as_deref(), 3, u64::from(u32::MAX))?;
    let seed = params::number("seed", params.seed.as_deref(), 0, 0, u64::MAX)?;
    let query = MetricsQuery {
        as_of,
        country: country.map(|c| c.0),
        top: usize::try_from(top).map_err(ApiError::internal)?,
        sort_by: sort.sort_by(),
        sampled_sources: sampled
            .map(usize::try_from)
            .transpose()
            .map_err(ApiError::internal)?,
        seed,
    };
    on_snapshot(&state, move |snapshot| {
        json(&polis_analysis::network::metrics(&snapshot.data, &query).map_err(graph_error)?)
    })
    .await
}

/// Query parameters of `/recommend/{place}`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct RecommendParams {
    /// At most this many candidates [default: 10].
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    top: Option<String>,
    /// Favour candidates whose ties or networks carry this theme (`climate`, `economy`,
    /// `culture`; case and diacritics ignored).
    #[param(value_type = Option<String>, example = "climate")]
    theme: Option<String>,
    /// The network on this date (YYYY, YYYY-MM or YYYY-MM-DD) [default: now].
    #[param(value_type = Option<openapi::PartialDate>, inline)]
    as_of: Option<String>,
}

/// Candidate partners abroad for a place, best first, each with the reasons behind it. As
/// `polis recommend PLACE`; the score's weights are in docs/cli.md.
#[utoipa::path(
    get,
    path = "/api/v1/recommend/{place}",
    tag = "analysis",
    params(
        ("place" = String, Path, description = "An id (`nl-amsterdam`), a former id, or a name in any script, URL-encoded; a name of several places is refused with 400 `ambiguous`, listing their ids"),
        RecommendParams,
    ),
    responses(
        (status = 200, description = "The candidates, best first", body = schema::Recommendations),
        (status = 400, description = "A parameter does not parse, or the name is ambiguous", body = ErrorBody),
        (status = 404, description = "No place has this id or name", body = ErrorBody),
    )
)]
pub(crate) async fn recommend(
    State(state): State<AppState>,
    ApiPath(query): ApiPath<String>,
    ApiQuery(params): ApiQuery<RecommendParams>,
) -> Result<Response, ApiError> {
    let top = params::number("top", params.top.as_deref(), 10, 1, 100)?;
    let theme = params::optional::<String>("theme", params.theme.as_deref())?;
    let as_of = params::optional::<PartialDate>("as_of", params.as_of.as_deref())?;
    on_snapshot(&state, move |snapshot| {
        let place = snapshot.resolve_place_in_path(&query)?;
        let recommendations = polis_analysis::recommend::recommend(
            &snapshot.data,
            &place.id,
            usize::try_from(top).map_err(ApiError::internal)?,
            theme.as_deref(),
            as_of.as_ref(),
        )
        .map_err(recommend_error)?;
        json(&recommendations)
    })
    .await
}

/// Query parameters of `/recommend-evaluation`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct EvaluationParams {
    /// The share of the ties in force held out, strictly between 0 and 1 [default: 0.1].
    #[param(value_type = Option<f64>, exclusive_minimum = 0.0, exclusive_maximum = 1.0)]
    fraction: Option<String>,
    /// Seed of the held-out sample: the same seed gives the same answer [default: 0].
    #[param(value_type = Option<u64>, minimum = 0)]
    seed: Option<String>,
    /// The network on this date (YYYY, YYYY-MM or YYYY-MM-DD) [default: now].
    #[param(value_type = Option<openapi::PartialDate>, inline)]
    as_of: Option<String>,
}

/// How well the partner finder recovers held-out real ties: AUC, precision@10, R-precision
/// and hit rate@10 for the finder, for shared partners alone and for the popularity
/// baseline. As `polis recommend --evaluate`.
#[utoipa::path(
    get,
    path = "/api/v1/recommend-evaluation",
    tag = "analysis",
    params(EvaluationParams),
    responses(
        (status = 200, description = "The split and one evaluation per method", body = schema::Evaluation),
        (status = 400, description = "A parameter does not parse, or too few ties are in force on the date to hold some out", body = ErrorBody),
    )
)]
pub(crate) async fn recommend_evaluation(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<EvaluationParams>,
) -> Result<Response, ApiError> {
    let fraction = params::fraction("fraction", params.fraction.as_deref(), 0.1)?;
    let seed = params::number("seed", params.seed.as_deref(), 0, 0, u64::MAX)?;
    let as_of = params::optional::<PartialDate>("as_of", params.as_of.as_deref())?;
    on_snapshot(&state, move |snapshot| {
        let evaluation =
            polis_analysis::recommend::evaluate(&snapshot.data, fraction, seed, as_of.as_ref())
                .map_err(recommend_error)?;
        json(&evaluation)
    })
    .await
}

/// Query parameters of `/figures`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct FiguresParams {
    /// Only the figures reported about this country.
    #[param(value_type = Option<openapi::CountryCode>, inline)]
    country: Option<String>,
}

/// Reported figures (such as CPAFFC's counts) beside the values polis computes. As
/// `polis figures`.
#[utoipa::path(
    get,
    path = "/api/v1/figures",
    tag = "analysis",
    params(FiguresParams),
    responses(
        (status = 200, description = "One comparison per reported figure", body = [schema::FigureComparison]),
        (status = 400, description = "A parameter does not parse", body = ErrorBody),
    )
)]
pub(crate) async fn figures(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<FiguresParams>,
) -> Result<Response, ApiError> {
    let country = params::optional::<CountryCode>("country", params.country.as_deref())?;
    on_snapshot(&state, move |snapshot| {
        let rows = polis_analysis::compare_figures(
            &snapshot.data,
            country.as_ref().map(|c| c.0.as_str()),
            &polis_analysis::geo::continent_countries,
        );
        json(&rows)
    })
    .await
}

/// Query parameters of `/activities/totals`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct TotalsParams {
    /// Only activities of this kind [default: every kind].
    #[param(value_type = Option<openapi::ActivityKind>, inline)]
    kind: Option<String>,
}

/// Totals of the quantities recorded on activities, by item and unit (only the same item
/// in the same unit is ever added). As `polis activities totals`.
#[utoipa::path(
    get,
    path = "/api/v1/activities/totals",
    tag = "analysis",
    params(TotalsParams),
    responses(
        (status = 200, description = "One total per item and unit, sorted by item and unit", body = [schema::QuantityTotal]),
        (status = 400, description = "A parameter does not parse", body = ErrorBody),
    )
)]
pub(crate) async fn activity_totals(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<TotalsParams>,
) -> Result<Response, ApiError> {
    let kind = params::optional::<ActivityKind>("kind", params.kind.as_deref())?;
    on_snapshot(&state, move |snapshot| {
        json(&polis_analysis::quantity_totals(&snapshot.data, kind))
    })
    .await
}

/// Query parameters of `/clauses`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ClausesParams {
    /// Articles with this tag, exactly (`one_china_clause`, `termination_clause`). `tag`,
    /// `text` or both must be given.
    #[param(value_type = Option<String>, example = "one_china_clause")]
    tag: Option<String>,
    /// Articles whose heading or text contains this (case, diacritics and punctuation
    /// ignored). `tag`, `text` or both must be given.
    #[param(value_type = Option<String>, example = "taiwan")]
    text: Option<String>,
}

/// Agreement articles by tag or text, with the ties their agreement belongs to and how
/// each ended. As `polis clauses`.
#[utoipa::path(
    get,
    path = "/api/v1/clauses",
    tag = "analysis",
    params(ClausesParams),
    responses(
        (status = 200, description = "The matching articles, in document order", body = [schema::ClauseHit]),
        (status = 400, description = "Neither `tag` nor `text` is given", body = ErrorBody),
    )
)]
pub(crate) async fn clauses(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ClausesParams>,
) -> Result<Response, ApiError> {
    let tag = params::optional::<String>("tag", params.tag.as_deref())?;
    let text = params::optional::<String>("text", params.text.as_deref())?;
    if tag.is_none() && text.is_none() {
        return Err(ApiError::BadRequest(
            "query parameter `tag` or `text` is required (or both): e.g. ?tag=one_china_clause or ?text=taiwan".to_owned(),
        ));
    }
    on_snapshot(&state, move |snapshot| {
        json(&polis_analysis::clause_search(
            &snapshot.data,
            tag.as_deref(),
            text.as_deref(),
        ))
    })
    .await
}

/// Query parameters of `/search`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct SearchParams {
    /// What to look for, in any language or script (diacritics ignored; every word is
    /// matched as a prefix).
    #[param(value_type = String, example = "Hrib")]
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
        (status = 200, description = "The hits, best first", body = [schema::SearchHit]),
        (status = 400, description = "`q` is missing, or `limit` does not parse", body = ErrorBody),
    )
)]
pub(crate) async fn search(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Response, ApiError> {
    let query = params::required_text("q", params.q.as_deref(), "the text to look for")?;
    let limit = params::number("limit", params.limit.as_deref(), 20, 1, MAX_LIMIT)?;
    let hits = state
        .store()
        .search(&query, u32::try_from(limit).map_err(ApiError::internal)?)
        .await?;
    json(&hits)
}

/// Query parameters of `/audit`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditParams {
    /// At most this many entries [default: 20].
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
}

#[derive(Serialize)]
struct AuditEntryBody {
    seq: i64,
    at: String,
    who: String,
    context: String,
    record_kind: String,
    record_id: String,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
}

/// The record's JSON as a JSON value (the store keeps it as text).
fn embedded(record: Option<String>) -> Option<serde_json::Value> {
    record.map(|text| serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
}

/// The newest entries of the audit log, newest first. As `polis audit`.
#[utoipa::path(
    get,
    path = "/api/v1/audit",
    tag = "audit",
    params(AuditParams),
    responses(
        (status = 200, description = "The entries, newest first", body = [schema::AuditEntry]),
        (status = 400, description = "`limit` does not parse", body = ErrorBody),
    )
)]
pub(crate) async fn audit(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Response, ApiError> {
    let limit = params::number("limit", params.limit.as_deref(), 20, 1, MAX_LIMIT)?;
    let entries = state
        .store()
        .audit_log(u32::try_from(limit).map_err(ApiError::internal)?)
        .await?;
    let entries: Vec<AuditEntryBody> = entries
        .into_iter()
        .map(|e| AuditEntryBody {
            seq: e.seq,
            at: e.at,
            who: e.who,
            context: e.context,
            record_kind: e.record_kind,
            record_id: e.record_id,
            before: embedded(e.before),
            after: embedded(e.after),
        })
        .collect();
    json(&entries)
}

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
/// level, ids, confidence and why it matched. Imports take the first when it is confident
/// (0.5 or more) and queue the name otherwise. As `polis resolve NAME --json`.
#[utoipa::path(
    get,
    path = "/api/v1/resolve",
    tag = "resolution",
    params(ResolveParams),
    responses(
        (status = 200, description = "The candidates, best first; empty when nothing matches", body = [schema::Candidate]),
        (status = 400, description = "`name` is missing, or `limit` does not parse", body = ErrorBody),
    )
)]
pub(crate) async fn resolve(
    ApiQuery(params): ApiQuery<ResolveParams>,
) -> Result<Response, ApiError> {
    let name = params::required_text("name", params.name.as_deref(), "the place name to resolve")?;
    let limit = params::number("limit", params.limit.as_deref(), 5, 1, 50)?;
    let country = params.country.filter(|c| !c.trim().is_empty());
    // The first request may have to wait for the gazetteer to load (see `serve`): off the
    // async threads.
    let candidates = tokio::task::spawn_blocking(move || {
        polis_gazetteer::Gazetteer::embedded().map(|gazetteer| {
            polis_import::resolve::candidate_views(
                gazetteer,
                &name,
                country.as_deref(),
                usize::try_from(limit).unwrap_or(5),
            )
        })
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    json(&candidates)
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
/// (`polis resolve NAME --confirm-geonames ID | --confirm-place ID`). As `polis unresolved`.
#[utoipa::path(
    get,
    path = "/api/v1/unresolved",
    tag = "resolution",
    params(UnresolvedParams),
    responses(
        (status = 200, description = "The queue, the names named most often first, then by import batch and line", body = [schema::UnresolvedName]),
        (status = 400, description = "`limit` does not parse", body = ErrorBody),
    )
)]
pub(crate) async fn unresolved(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<UnresolvedParams>,
) -> Result<Response, ApiError> {
    let limit = params::number("limit", params.limit.as_deref(), 50, 1, MAX_LIMIT)?;
    let names = state
        .store()
        .unresolved(u32::try_from(limit).map_err(ApiError::internal)?)
        .await?;
    json(&names)
}

/// A file download: `content_type`, and a name for browsers that save it.
fn download(content_type: &'static str, file_name: &'static str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        body,
    )
        .into_response()
}

/// Every tie as one CSV row. As `polis export csv`.
#[utoipa::path(
    get,
    path = "/api/v1/export/ties.csv",
    tag = "export",
    responses((status = 200, description = "One row per tie", content_type = "text/csv", body = String))
)]
pub(crate) async fn export_csv(
    State(state): State<AppState>,
    _: ApiQuery<NoParams>,
) -> Result<Response, ApiError> {
    on_snapshot(&state, |snapshot| {
        let csv = polis_analysis::export::ties_csv(&snapshot.data).map_err(ApiError::internal)?;
        Ok(download(
            "text/csv; charset=utf-8",
            "ties.csv",
            csv.into_bytes(),
        ))
    })
    .await
}

/// Places as points and ties as lines. As `polis export geojson`.
#[utoipa::path(
    get,
    path = "/api/v1/export/ties.geojson",
    tag = "export",
    responses((status = 200, description = "A GeoJSON FeatureCollection", content_type = "application/geo+json", body = Object))
)]
pub(crate) async fn export_geojson(
    State(state): State<AppState>,
    _: ApiQuery<NoParams>,
) -> Result<Response, ApiError> {
    on_snapshot(&state, |snapshot| {
        let body = serde_json::to_vec(&polis_analysis::export::geojson(&snapshot.data))
            .map_err(ApiError::internal)?;
        Ok(download("application/geo+json", "ties.geojson", body))
    })
    .await
}

/// The tie network as GraphML. As `polis export graphml`.
#[utoipa::path(
    get,
    path = "/api/v1/export/ties.graphml",
    tag = "export",
    responses((status = 200, description = "GraphML (Gephi, yEd, networkx, igraph)", content_type = "application/graphml+xml", body = String))
)]
pub(crate) async fn export_graphml(
    State(state): State<AppState>,
    _: ApiQuery<NoParams>,
) -> Result<Response, ApiError> {
    on_snapshot(&state, |snapshot| {
        let body = polis_analysis::export::graphml(&snapshot.data).into_bytes();
        Ok(download("application/graphml+xml", "ties.graphml", body))
    })
    .await
}

/// The tie network as GEXF 1.3 with time intervals. As `polis export gexf`.
#[utoipa::path(
    get,
    path = "/api/v1/export/ties.gexf",
    tag = "export",
    responses((status = 200, description = "GEXF 1.3 with time intervals, for Gephi's timeline", content_type = "application/gexf+xml", body = String))
)]
pub(crate) async fn export_gexf(
    State(state): State<AppState>,
    _: ApiQuery<NoParams>,
) -> Result<Response, ApiError> {
    on_snapshot(&state, |snapshot| {
        let body = polis_analysis::export::gexf(&snapshot.data).into_bytes();
        Ok(download("application/gexf+xml", "ties.gexf", body))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn analysis_errors_are_the_clients_only_when_its_values_cause_them() {
        let code = |error: RecommendError| recommend_error(error).code();
        assert_eq!(
            code(RecommendError::UnknownPlace("nowhere".into())),
            ErrorCode::NotFound
        );
        for name in ["held_out_fraction", "n_sources"] {
            let error = GraphError::InvalidParameter {
                name,
                value: "0".into(),
                expected: "more",
            };
            assert_eq!(code(error.into()), ErrorCode::BadRequest, "{name}");
        }
        let not_enough = GraphError::NotEnoughPairs {
            n_positive: 0,
            n_negative: 0,
        };
        assert_eq!(code(not_enough.into()), ErrorCode::BadRequest);
        // Values the server chose, or failures of the computation, are the server's.
        let server_side = [
            GraphError::InvalidParameter {
                name: "resolution",
                value: "-1".into(),
                expected: "a positive number",
            },
            GraphError::PagerankNotConverged {
                max_iterations: 100,
                last_change: 1.0,
                threshold: 1e-6,
            },
            GraphError::NodeOutOfRange {
                node: 7,
                n_nodes: 3,
            },
        ];
        for error in server_side {
            assert_eq!(graph_error(error).code(), ErrorCode::Internal);
        }
    }
}
