//! Statistics, changes, quality, dormancy, paths, network metrics, the partner finder,
//! reported figures, activity totals and clause search.

use axum::extract::State;
use axum::response::Response;
use polis_app::{
    CountryBasis, CountryCode, MetricSort, MetricsRequest, PathQuery, StatsRequest, Through,
};
use polis_core::{ActivityKind, PartialDate};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{MAX_LIMIT, json, on_snapshot, size};
use crate::error::{ApiError, ErrorBody};
use crate::params::{self, ApiPath, ApiQuery, NoParams};
use crate::schema;
use crate::state::AppState;

/// Query parameters of `/stats`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct StatsParams {
    /// Count for this country: its ties and their foreign partners.
    #[param(value_type = Option<schema::CountryCode>, inline)]
    country: Option<String>,
    /// Count for this place (an id or a name) and every place inside it, instead of a
    /// country.
    #[param(value_type = Option<String>, example = "cn-hebei")]
    place: Option<String>,
    /// Count only ties with a partner in this country.
    #[param(value_type = Option<schema::CountryCode>, inline)]
    partner_country: Option<String>,
    /// The date (YYYY, YYYY-MM or YYYY-MM-DD) [default: now].
    #[param(value_type = Option<polis_core::PartialDate>, inline)]
    as_of: Option<String>,
    /// `true`: leave out provisional places (names no import could resolve) and their
    /// ties [default: false: they are counted, and the answer says how many].
    #[param(value_type = Option<bool>)]
    resolved_only: Option<String>,
    /// Which country a place in a contested territory counts under: `iso` (ISO 3166's),
    /// `claim` (the country its sources put it in) or `both` (each) [default: `iso`].
    #[param(value_type = Option<schema::CountryBasis>, inline)]
    country_basis: Option<String>,
}

/// Counts of ties, partner places and partner countries, by kind and status. As
/// `polis stats`; the fields are described in docs/cli.md.
#[utoipa::path(
    get,
    path = "/api/v1/stats",
    tag = "analysis",
    params(StatsParams),
    responses(
        (status = 200, description = "The counts: country_basis, n_ties, n_domestic_ties, n_partner_places, partner_places_by_level, n_partner_countries, local_places_by_level, by_kind, by_status, signed_by_year, terminated_by_year, top_partner_countries, hhi_partner_countries, distance_km", body = polis_analysis::Stats),
        (status = 400, description = "A parameter does not parse, or `place` is a name of several places (`ambiguous`, listing their ids)", body = ErrorBody),
        (status = 404, description = "No place has the id or name `place` gives", body = ErrorBody),
    )
)]
pub(crate) async fn stats(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<StatsParams>,
) -> Result<Response, ApiError> {
    let request = StatsRequest {
        place: params::text(params.place),
        country: params::optional::<CountryCode>("country", params.country.as_deref())?,
        partner_country: params::optional::<CountryCode>(
            "partner_country",
            params.partner_country.as_deref(),
        )?,
        as_of: params::optional::<PartialDate>("as_of", params.as_of.as_deref())?,
        resolved_only: params::flag("resolved_only", params.resolved_only.as_deref())?,
        country_basis: params::optional::<CountryBasis>(
            "country_basis",
            params.country_basis.as_deref(),
        )?
        .unwrap_or_default(),
    };
    let key = format!("stats {request:?} {}", polis_app::today());
    super::on_snapshot_cached(&state, key, move |snapshot| {
        snapshot
            .stats(&request)
            .map_err(|e| ApiError::from(e).in_parameter("place"))
    })
    .await
}

/// Query parameters of `/changes`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ChangesParams {
    /// The start of the window (YYYY, YYYY-MM or YYYY-MM-DD).
    #[param(value_type = polis_core::PartialDate, inline)]
    from: Option<String>,
    /// The end of the window (YYYY, YYYY-MM or YYYY-MM-DD).
    #[param(value_type = polis_core::PartialDate, inline)]
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
        (status = 200, description = "The events in the window by kind, and the ties whose status differs", body = polis_analysis::Changes),
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
    on_snapshot(&state, move |snapshot| json(&snapshot.changes(from, to))).await
}

/// The data-quality report. As `polis quality` (which also exits 1 when it finds errors;
/// here the report is the answer either way).
#[utoipa::path(
    get,
    path = "/api/v1/quality",
    tag = "analysis",
    responses(
        (status = 200, description = "The checks with their counts and examples", body = polis_analysis::QualityReport),
    )
)]
pub(crate) async fn quality(
    State(state): State<AppState>,
    _: ApiQuery<NoParams>,
) -> Result<Response, ApiError> {
    json(&state.app().quality().await?)
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
    #[param(value_type = Option<polis_core::PartialDate>, inline)]
    as_of: Option<String>,
}

/// Active ties with no recorded activity for N years. As `polis dormant`.
#[utoipa::path(
    get,
    path = "/api/v1/dormant",
    tag = "analysis",
    params(DormantParams),
    responses(
        (status = 200, description = "The dormant ties", body = polis_app::DormantAnswer),
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
        u64::from(polis_app::options::DEFAULT_DORMANT_YEARS),
        1,
        1000,
    )?)
    .map_err(ApiError::internal)?;
    let as_of = params::optional::<PartialDate>("as_of", params.as_of.as_deref())?;
    on_snapshot(&state, move |snapshot| {
        json(&snapshot.dormant(years, as_of))
    })
    .await
}

/// Query parameters of `/path`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct PathParams {
    /// Where the chains start: an id or a name of an actor, place, network or activity.
    #[param(value_type = schema::NonBlank, inline, example = "prague-city-hall")]
    from: Option<String>,
    /// Where the chains end: an id or a name.
    #[param(value_type = schema::NonBlank, inline, example = "cefc-china-energy")]
    to: Option<String>,
    /// What to follow: `ties` (places and ties only), `relations` (actors' relations only)
    /// or `all` [default: `ties` when both ends are places, else `all`].
    #[param(value_type = Option<schema::Through>, inline)]
    through: Option<String>,
    /// Only links in force on this date (YYYY, YYYY-MM or YYYY-MM-DD).
    #[param(value_type = Option<polis_core::PartialDate>, inline)]
    as_of: Option<String>,
    /// Only chains that held together at some time within `FROM..TO` (each YYYY, YYYY-MM or
    /// YYYY-MM-DD).
    #[param(value_type = Option<String>, example = "2015..2018-06")]
    during: Option<String>,
    /// `true`: ignore dates (any chain of links, even of people never in office together)
    /// [default: false: every dated link of a chain must have held at one time].
    #[param(value_type = Option<bool>)]
    ignore_time: Option<String>,
    /// At most this many chains of the shortest length [default: 3].
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    max: Option<String>,
}

/// The shortest chains between two records: "who connects X to Y". As `polis graph path`.
#[utoipa::path(
    get,
    path = "/api/v1/path",
    tag = "analysis",
    params(PathParams),
    responses(
        (status = 200, description = "The chains; an empty list when the two are not connected", body = polis_app::PathAnswer),
        (status = 400, description = "A parameter is missing or does not parse, or a name is ambiguous", body = ErrorBody),
        (status = 404, description = "Nothing has the id or name given as `from` or `to`", body = ErrorBody),
    )
)]
pub(crate) async fn path(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<PathParams>,
) -> Result<Response, ApiError> {
    const END: &str = "an id or a name of an actor, place, network or activity";
    let query = PathQuery {
        from: params::required_text("from", params.from.as_deref(), END)?,
        to: params::required_text("to", params.to.as_deref(), END)?,
        through: params::optional::<Through>("through", params.through.as_deref())?,
        as_of: params::optional::<PartialDate>("as_of", params.as_of.as_deref())?,
        time: polis_app::path_time(
            params::optional::<polis_app::DateWindow>("during", params.during.as_deref())?,
            params::flag("ignore_time", params.ignore_time.as_deref())?,
        )?,
        max_chains: size(params::number(
            "max",
            params.max.as_deref(),
            polis_app::options::DEFAULT_MAX_CHAINS as u64,
            1,
            100,
        )?),
    };
    on_snapshot(&state, move |snapshot| json(&snapshot.path(&query)?)).await
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
    #[param(value_type = Option<schema::CountryCode>, inline)]
    country: Option<String>,
    /// The network on this date (YYYY, YYYY-MM or YYYY-MM-DD) [default: now].
    #[param(value_type = Option<polis_core::PartialDate>, inline)]
    as_of: Option<String>,
    /// Order the places by this metric [default: `betweenness`].
    #[param(value_type = Option<schema::MetricSort>, inline)]
    sort: Option<String>,
    /// Estimate betweenness from this many random sources instead of exactly (exact when
    /// K is at least the number of places).
    #[param(value_type = Option<u32>, minimum = 3, maximum = 2147483647)]
    sampled: Option<String>,
    /// Seed for Louvain and the sampling: the same seed gives the same answer [default: 0].
    #[param(value_type = Option<u32>, minimum = 0, maximum = 2147483647)]
    seed: Option<String>,
    /// `true`: leave out provisional places (names no import could resolve) and their
    /// ties [default: false].
    #[param(value_type = Option<bool>)]
    resolved_only: Option<String>,
}

/// Degree, weighted degree, betweenness, PageRank, components, k-cores and Louvain
/// communities of the tie network on a date. As `polis graph metrics`.
#[utoipa::path(
    get,
    path = "/api/v1/graph/metrics",
    tag = "analysis",
    params(GraphMetricsParams),
    responses(
        (status = 200, description = "The network's summary, its largest communities, and the places best first", body = polis_analysis::network::GraphMetrics),
        (status = 400, description = "A parameter does not parse", body = ErrorBody),
    )
)]
pub(crate) async fn graph_metrics(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<GraphMetricsParams>,
) -> Result<Response, ApiError> {
    let request = MetricsRequest {
        top: size(params::number(
            "top",
            params.top.as_deref(),
            polis_app::options::DEFAULT_METRICS_TOP as u64,
            1,
            MAX_LIMIT,
        )?),
        country: params::optional::<CountryCode>("country", params.country.as_deref())?,
        as_of: params::optional::<PartialDate>("as_of", params.as_of.as_deref())?,
        sort: params::optional::<MetricSort>("sort", params.sort.as_deref())?.unwrap_or_default(),
        sampled: params::optional_number("sampled", params.sampled.as_deref(), 3, i32::MAX as u64)?
            .map(size),
        seed: params::number("seed", params.seed.as_deref(), 0, 0, i32::MAX as u64)?,
        resolved_only: params::flag("resolved_only", params.resolved_only.as_deref())?,
    };
    on_snapshot(&state, move |snapshot| json(&snapshot.metrics(&request)?)).await
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
    #[param(value_type = Option<polis_core::PartialDate>, inline)]
    as_of: Option<String>,
}

/// Candidate partners abroad for a place, best first, each with the reasons behind it. As
/// `polis recommend PLACE`; the score's weights are in docs/cli.md.
#[utoipa::path(
    get,
    path = "/api/v1/recommend/{place}",
    tag = "analysis",
    params(
        ("place" = inline(schema::PlaceRef), Path, description = "An id (`nl-amsterdam`), a former id, or a name in any script, URL-encoded; a name of several places is refused with 400 `ambiguous`, listing their ids"),
        RecommendParams,
    ),
    responses(
        (status = 200, description = "The candidates, best first", body = polis_analysis::recommend::Recommendations),
        (status = 400, description = "A parameter does not parse, or the name is ambiguous", body = ErrorBody),
        (status = 404, description = "No place has this id or name", body = ErrorBody),
    )
)]
pub(crate) async fn recommend(
    State(state): State<AppState>,
    ApiPath(query): ApiPath<String>,
    ApiQuery(params): ApiQuery<RecommendParams>,
) -> Result<Response, ApiError> {
    let top = size(params::number(
        "top",
        params.top.as_deref(),
        polis_app::options::DEFAULT_RECOMMEND_TOP as u64,
        1,
        100,
    )?);
    let theme = params::optional::<String>("theme", params.theme.as_deref())?;
    let as_of = params::optional::<PartialDate>("as_of", params.as_of.as_deref())?;
    on_snapshot(&state, move |snapshot| {
        json(&snapshot.recommend(&query, top, theme.as_deref(), as_of)?)
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
    #[param(value_type = Option<u32>, minimum = 0, maximum = 2147483647)]
    seed: Option<String>,
    /// The network on this date (YYYY, YYYY-MM or YYYY-MM-DD) [default: now].
    #[param(value_type = Option<polis_core::PartialDate>, inline)]
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
        (status = 200, description = "The split and one evaluation per method", body = polis_analysis::recommend::Evaluation),
        (status = 400, description = "A parameter does not parse, or too few ties are in force on the date to hold some out", body = ErrorBody),
    )
)]
pub(crate) async fn recommend_evaluation(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<EvaluationParams>,
) -> Result<Response, ApiError> {
    let fraction = params::fraction(
        "fraction",
        params.fraction.as_deref(),
        polis_app::options::DEFAULT_HELD_OUT_FRACTION,
    )?;
    let seed = params::number("seed", params.seed.as_deref(), 0, 0, i32::MAX as u64)?;
    let as_of = params::optional::<PartialDate>("as_of", params.as_of.as_deref())?;
    on_snapshot(&state, move |snapshot| {
        json(&snapshot.evaluate_recommendations(fraction, seed, as_of)?)
    })
    .await
}

/// Query parameters of `/figures`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct FiguresParams {
    /// Only the figures reported about this country.
    #[param(value_type = Option<schema::CountryCode>, inline)]
    country: Option<String>,
    /// `true`: leave out provisional places (names no import could resolve) and their
    /// ties [default: false].
    #[param(value_type = Option<bool>)]
    resolved_only: Option<String>,
}

/// Reported figures (such as CPAFFC's counts) beside the values polis computes. As
/// `polis figures`.
#[utoipa::path(
    get,
    path = "/api/v1/figures",
    tag = "analysis",
    params(FiguresParams),
    responses(
        (status = 200, description = "One comparison per reported figure", body = [polis_analysis::FigureComparison]),
        (status = 400, description = "A parameter does not parse", body = ErrorBody),
    )
)]
pub(crate) async fn figures(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<FiguresParams>,
) -> Result<Response, ApiError> {
    let country = params::optional::<CountryCode>("country", params.country.as_deref())?;
    let resolved_only = params::flag("resolved_only", params.resolved_only.as_deref())?;
    on_snapshot(&state, move |snapshot| {
        json(&snapshot.figures(country.as_ref(), resolved_only))
    })
    .await
}

/// Query parameters of `/activities/totals`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct TotalsParams {
    /// Only activities of this kind [default: every kind].
    #[param(value_type = Option<polis_core::ActivityKind>, inline)]
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
        (status = 200, description = "One total per item and unit, sorted by item and unit", body = [polis_analysis::QuantityTotal]),
        (status = 400, description = "A parameter does not parse", body = ErrorBody),
    )
)]
pub(crate) async fn activity_totals(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<TotalsParams>,
) -> Result<Response, ApiError> {
    let kind = params::optional::<ActivityKind>("kind", params.kind.as_deref())?;
    on_snapshot(&state, move |snapshot| {
        json(&snapshot.activity_totals(kind))
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
        (status = 200, description = "The matching articles, in document order", body = [polis_analysis::ClauseHit]),
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
        json(&snapshot.clauses(tag.as_deref(), text.as_deref())?)
    })
    .await
}
